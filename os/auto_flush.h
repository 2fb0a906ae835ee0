/* auto_flush.h -- the eADR question, uncached (tests use a fake sysfs). */
#ifndef PMEM_AUTO_FLUSH_H
#define PMEM_AUTO_FLUSH_H 1

/* Reads the regions under pmem_sysfs_root() now: 1, 0 or -1 (errno). */
int pmem_auto_flush_scan(void);

/* Forgets the cached answer of pmem_has_auto_flush(). */
void pmem_auto_flush_reset(void);

#endif
