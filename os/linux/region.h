/*
 * region.h -- the facts about a persistent-memory region that decide how
 * the library flushes it, read in one place (os/linux/region.c, Linux sysfs
 * under pmem_sysfs_root(), so tests can point it at a fake tree):
 *
 *   kind         who made the region: ACPI NFIT (NVDIMM), CXL, virtio-pmem,
 *                the legacy e820 / memmap= ranges
 *   domain       its persistence_domain: cpu_cache (eADR), memory_controller
 *                (ADR), none said, or unknown
 *   sync         whether a store that left the CPU caches is durable
 *                (virtio-pmem is not: it needs a flush request to the host)
 *   deep         what pmem_deep_drain can do beyond the flush instructions
 *
 * A file that is missing, unreadable or malformed never fails the read:
 * the facts then take the conservative answer (domain unknown, so no auto
 * flush; deep "none", so flush by instruction) and reason says why.
 */
#ifndef PMEM_REGION_H
#define PMEM_REGION_H 1

#include <stddef.h>
#include <sys/types.h>

enum pmem_region_kind {
	PMEM_REGION_NONE,	/* not on a libnvdimm region */
	PMEM_REGION_UNKNOWN,	/* a region whose provider we do not know */
	PMEM_REGION_NFIT,	/* ACPI NFIT: NVDIMMs (and qemu's) */
	PMEM_REGION_CXL,	/* CXL type-3 memory, persistent partition */
	PMEM_REGION_VIRTIO,	/* virtio-pmem: asynchronous */
	PMEM_REGION_E820,	/* legacy e820 type 12 or memmap=nn!ss */
};

enum pmem_region_domain {
	PMEM_DOMAIN_UNKNOWN,	/* no file, unreadable, or not a known word */
	PMEM_DOMAIN_NONE,	/* the file is there and empty */
	PMEM_DOMAIN_MEMCTRL,	/* "memory_controller" */
	PMEM_DOMAIN_CPU_CACHE,	/* "cpu_cache" */
};

enum pmem_region_deep {
	PMEM_DEEP_NONE,		/* only the flush instructions and a fence */
	PMEM_DEEP_FILE,		/* writing 1 to deep_flush drains the
				 * memory controller's queues (flush hints) */
	PMEM_DEEP_HOST,		/* msync/fsync sends a flush request to the
				 * host (virtio-pmem) */
};

struct pmem_region {
	int id;			/* N of the libnvdimm regionN; -1 none */
	int cxl_region;		/* N of the CXL regionN behind it; -1 */
	enum pmem_region_kind kind;
	enum pmem_region_domain domain;
	int sync;		/* 1 synchronous, 0 not, -1 unknown */
	enum pmem_region_deep deep;
	int error;		/* errno of a file that exists but could not
				 * be read, else 0 */
	char provider[32];	/* the bus's provider file, "" if unread */
	char reason[256];	/* what was missing or odd; "" when nothing */
};

/* Facts of <root>/bus/nd/devices/region<id>.  0, or -1 with errno and a
 * message when there is no such region. */
int pmem_region_read(int id, struct pmem_region *out);

/* Facts of the region a device lives in: a character device (Device DAX)
 * when chr, else a block device (fsdax pmemN, or the one a file system is
 * on).  1 when it is on a region, 0 when not (out->kind NONE and a
 * reason), -1 with errno and a message when sysfs has no entry for it. */
int pmem_region_of_dev(dev_t dev, int chr, struct pmem_region *out);

/* The same for the file, directory or device at path. */
int pmem_region_of_path(const char *path, struct pmem_region *out);

/* Whether region id is synchronous: 0 only when its facts say it is not
 * (virtio-pmem); 1 otherwise, also when it cannot be read.  Sets no
 * error message. */
int pmem_region_is_sync(int id);

/* N of the last "regionN" component of a resolved sysfs path, or -1. */
int pmem_region_id_in(const char *sysfs_path);

/* Writes "1" to the region's deep_flush when the facts say it flushes
 * (PMEM_DEEP_FILE).  0 on success; 0 with errno ENOTSUP when the region
 * has nothing to do there; -1 with errno and a message when the write
 * fails. */
int pmem_region_deep_flush(int id);

/* Names for messages and pmem-info. */
const char *pmem_region_kind_name(enum pmem_region_kind kind);
const char *pmem_region_domain_name(enum pmem_region_domain domain);
const char *pmem_region_deep_name(enum pmem_region_deep deep);

/* One line naming the region, e.g. "CXL region 0, persistence domain
 * memory_controller"; returns buf. */
const char *pmem_region_describe(const struct pmem_region *r, char *buf,
		size_t n);

#endif
