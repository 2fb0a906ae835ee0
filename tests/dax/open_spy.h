/*
 * open_spy.h -- notes which sysfs "deep_flush" files the process opens.
 *
 * open_spy.c defines open/openat/fopen (and their 64 forms) in the test
 * executable, so calls from the statically linked library and from shared
 * libraries it uses (libndctl, libdaxctl) come here first; each passes
 * straight on to the kernel or libc.  The guest tests use it to see that
 * pmem_deep_drain/persist really touch the region's deep_flush file.
 */
#ifndef DAX_OPEN_SPY_H
#define DAX_OPEN_SPY_H 1

#define OPEN_SPY_MAX 16

struct open_spy {
	int n;				/* paths noted since open_spy_reset */
	char path[OPEN_SPY_MAX][256];
	int writable[OPEN_SPY_MAX];	/* opened for writing */
};

void open_spy_reset(void);
const struct open_spy *open_spy_get(void);

#endif
