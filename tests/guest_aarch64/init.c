/*
 * init.c -- /init of the AArch64 system guest (tests/guest_aarch64/run.py):
 * qemu-system-aarch64 -cpu max runs DC CVAP, which qemu-user cannot, so
 * the dc-cvap pairs are checked here.  Static; runs /pmem-check (the
 * check build's durability matrix, static) on each pair named below, with
 * the real instructions executing and the model checking every case, and
 * /deep (pmem_deep_flush with DC CVADP), then powers the guest off.  Ends with "guest: N passed, N failed, N skipped".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

static int run(const char *prog, const char *pair, const char *mode)
{
	char env_backend[128];
	snprintf(env_backend, sizeof(env_backend), "PMEM_BACKEND=%s", pair);
	char *envp[] = { env_backend, "PATH=/", NULL };
	char *argv[] = { (char *)prog, (char *)mode, NULL };
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execve(argv[0], mode ? argv : (char *[]){ argv[0], NULL },
				envp);
		_exit(127);
	}
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(void)
{
	static const struct {
		const char *prog, *pair, *mode;
	} runs[] = {
		{ "/pmem-check", "dc-cvap,temporal", NULL },	/* full matrix */
		{ "/pmem-check", "dc-cvac,temporal", "--quick" },
		{ "/pmem-check", "nop,temporal", "--quick" },
		/* pmem_deep_flush with DC CVADP (DCPoDP) */
		{ "/deep", "dc-cvap,temporal", NULL },
	};
	int pass = 0, fail = 0, skip = 0;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
	printf("guest: HWCAP_DCPOP %s, HWCAP2_DCPODP %s\n",
			(hw & (1UL << 16)) ? "yes" : "no",
			(hw2 & 1UL) ? "yes" : "no");
	for (size_t i = 0; i < sizeof(runs) / sizeof(*runs); i++) {
		int rc = run(runs[i].prog, runs[i].pair, runs[i].mode);
		printf("guest: %s %s%s%s: exit %d\n", runs[i].prog,
				runs[i].pair,
				runs[i].mode ? " " : "",
				runs[i].mode ? runs[i].mode : "", rc);
		if (rc == 0)
			pass++;
		else if (rc == 2)
			skip++;	/* refused: the CPU lacks what it needs */
		else
			fail++;
	}
	printf("guest: %d passed, %d failed, %d skipped\n", pass, fail, skip);
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
