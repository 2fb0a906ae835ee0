/* err.h -- the per-thread message that pmem_errormsg() returns. */
#ifndef PMEM_ERR_H
#define PMEM_ERR_H 1

/* Sets the message; errno is left alone. */
void pmem_err_msg(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Sets errno to err and the message to "<text>: strerror(err)". */
void pmem_err_errno(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
