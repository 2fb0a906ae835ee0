/*
 * devdax.h -- Device DAX (/dev/daxX.Y) detection and properties, read
 * from sysfs (and libdaxctl when sysfs is the real one).  The sysfs root
 * is a variable so tests can point it at a fake tree.
 */
#ifndef PMEM_DEVDAX_H
#define PMEM_DEVDAX_H 1

#include <stddef.h>
#include <sys/types.h>

struct pmem_devdax {
	size_t size;		/* bytes; what a mapping must cover */
	size_t align;		/* mapping address alignment */
	int region_id;		/* NVDIMM region (for deep_flush), or -1 */
	int async;		/* 1 on an asynchronous region (virtio-pmem):
				 * stores there are not durable, not pmem */
};

/* Where sysfs is: "/sys" unless set.  NULL restores "/sys". */
void pmem_sysfs_set_root(const char *root);
const char *pmem_sysfs_root(void);

/* For a character device rdev: 1 when its sysfs subsystem is dax, 0 when
 * it is something else, -1 (errno set, message set) when sysfs has no
 * entry for it. */
int pmem_devdax_is(dev_t rdev);

/* Size, alignment and region of Device DAX rdev.  0, or -1 with errno
 * EINVAL and a message when its size cannot be read. */
int pmem_devdax_info(dev_t rdev, struct pmem_devdax *out);

/* Writes "1" to the region's deep_flush file.  0 on success; 0 with errno
 * ENOTSUP when the region has none (nothing to do); -1 with errno and
 * a message when the write fails. */
int pmem_devdax_deep_flush(int region_id);

#endif
