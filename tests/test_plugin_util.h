/*
 * test_plugin_util.h -- running a program with a chosen environment and
 * capturing what it prints, for the end-to-end selection tests.  The child
 * gets the parent's environment minus every PMEM_* variable, plus `add`.
 */
#ifndef TEST_PLUGIN_UTIL_H
#define TEST_PLUGIN_UTIL_H 1

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct run_out {
	int status;		/* exit status, or 128 + signal */
	char out[65536];
	char err[8192];
};

__attribute__((unused))
static void read_all(int fd, char *buf, size_t size)
{
	size_t used = 0;
	ssize_t n;
	while ((n = read(fd, buf + used, size - 1 - used)) > 0)
		used += (size_t)n;
	buf[used] = '\0';
	char sink[4096];	/* never leave the child blocked on a full pipe */
	while (read(fd, sink, sizeof(sink)) > 0)
		;
	close(fd);
}

/* Seconds a child may run: one that hangs (a start-up that blocks) is
 * killed by SIGALRM and fails with status 128 + 14, never stalls. */
static unsigned run_timeout = 60;

/* Runs argv[0] (a path) with the environment described above.  stdout is
 * read to EOF first, so the program must keep stderr small. */
__attribute__((unused))
static int run_env(char *const argv[], const char *const add[],
		struct run_out *r)
{
	static char *envp[512];
	int n = 0;
	for (char **e = environ; *e && n < 400; e++)
		if (strncmp(*e, "PMEM_", 5) != 0)
			envp[n++] = *e;
	for (int i = 0; add && add[i] && n < 510; i++)
		envp[n++] = (char *)add[i];
	envp[n] = NULL;

	int out[2], err[2];
	if (pipe(out) != 0 || pipe(err) != 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		close(out[1]);
		close(err[1]);
		alarm(run_timeout);	/* survives execve */
		execve(argv[0], argv, envp);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	read_all(out[0], r->out, sizeof(r->out));
	read_all(err[0], r->err, sizeof(r->err));
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

/* The line of text that starts with prefix, copied into line (without
 * its newline); NULL when there is none. */
__attribute__((unused))
static const char *line_starting(const char *text, const char *prefix,
		char *line, size_t size)
{
	size_t n = strlen(prefix);
	for (const char *p = text; p && *p; ) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len >= n && strncmp(p, prefix, n) == 0) {
			snprintf(line, size, "%.*s", (int)len, p);
			return line;
		}
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

/* Criterion prints skips only when verbose; tests/run.py counts lines
 * starting with "SKIP", so say it there too. */
#define SKIP_VISIBLY(...) do { \
	fprintf(stderr, "SKIP " __VA_ARGS__); \
	fputc('\n', stderr); \
	cr_skip_test("SKIP " __VA_ARGS__); \
} while (0)

/* Directory of this test program (build/tests). */
__attribute__((unused))
static const char *test_dir(void)
{
	static char dir[PATH_MAX];
	if (!dir[0]) {
		ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
		if (n <= 0)
			return ".";
		dir[n] = '\0';
		*strrchr(dir, '/') = '\0';
	}
	return dir;
}

#endif
