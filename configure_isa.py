"""What configure.py needs to know about the target instruction set.

Imported by configure.py (standard library only).  The target is the host
triple given with --host (a cross build: aarch64-linux-gnu-gcc, tests run
under qemu-aarch64-static), else what the compiler says it builds for
(`cc -dumpmachine`), so a native build on an AArch64 machine needs no
option.

The library's per-ISA code is arch/<isa>/ and backends/<isa>/, found by
folder (configure.py, lib_srcs); test files named *_<isa>.c are compiled
only for that ISA, and each ISA has its own backend table.
"""
import os
import shutil
import subprocess
import sys

# Backend name -> (source, the instruction-set flags only that file gets).
AARCH64_BACKENDS = {
    'dc-cvap': ('backends/aarch64/dc_cvap.c', []),
    'dc-cvac': ('backends/aarch64/dc_cvac.c', []),
    'msync-fallback': ('backends/msync_fallback.c', []),
    'nop': ('backends/nop.c', []),
    'temporal': ('backends/temporal.c', []),
}

# 64-bit POWER, little-endian (docs/durability.md, "ppc64le").
PPC64_BACKENDS = {
    'dcbstps': ('backends/ppc64/dcbstps.c', []),
    'dcbst': ('backends/ppc64/dcbst.c', []),
    'msync-fallback': ('backends/msync_fallback.c', []),
    'nop': ('backends/nop.c', []),
    'temporal': ('backends/temporal.c', []),
}

ISAS = ('x86', 'aarch64', 'ppc64')

# Sources outside core/ that only build for x86-64 (they use SSE
# intrinsics), and so are left out of other ISAs' builds.
X86_ONLY = {
    'tests/durability/plugins/tail.c',	# non-temporal stores
    'tests/durability/plugins/false_ordered.c',	# CLWB
    'tests/durability/plugins/clflush_sfence.c',	# CLFLUSH
    'tests/durability/plugins/flush_copy_tail.c',	# CLFLUSH
    # It asserts the x86 backends' names and CPUID features throughout;
    # test_pmem_info_aarch64.c covers pmem-info and plugins on AArch64.
    'tests/test_plugin_env.c',
}

# Where tools/install-deps.sh --aarch64 unpacks the arm64 Criterion
# runtime (Debian's libcriterion3:arm64 does not co-install with the amd64
# -dev package, so it is unpacked, not installed).
CROSS_SYSROOT = '/opt/libpmem-cross/aarch64-linux-gnu'

# The CPU qemu-user emulates for the tests: no DCPoP.  qemu 7.2's user mode
# advertises HWCAP_DCPOP with -cpu max but raises SIGILL on DC CVAP.
QEMU_CPU = 'cortex-a57'

# The cross hosts other than AArch64: one row each.  qemu 7.2's user mode
# with -cpu power10 advertises PPC_FEATURE2_ARCH_3_1 but raises SIGILL on
# dcbstps, dcbfps and phwsync, so the tests run a POWER9.  Debian 12 has
# no Criterion for ppc64el (BoxFort has no POWER port): those tests build
# against tests/criterion_lite/, which runs the same Test() bodies.
CROSS_HOSTS = {
    'powerpc64le-linux-gnu': {
        'qemu': 'qemu-ppc64le', 'cpu': 'power9', 'ld': '/lib64/ld64.so.2',
        'option': '--ppc64le', 'criterion': 'lite'},
}


def isa_mine(path, isa):
    """False for a *_<isa>.c file (or an X86_ONLY file) of another
    instruction set."""
    if path in X86_ONLY:
        return isa == 'x86'
    stem = os.path.splitext(os.path.basename(path))[0]
    for other in ISAS:
        if stem.endswith('_' + other):
            return other == isa
    return True


def for_isa(paths, isa):
    return [p for p in paths if isa_mine(p, isa)]


def isa_of(triple):
    arch = triple.split('-')[0]
    if arch in ('aarch64', 'arm64'):
        return 'aarch64'
    if arch in ('x86_64', 'amd64', 'i686', 'i386'):
        return 'x86'
    if arch in ('powerpc64le', 'ppc64le'):
        return 'ppc64'
    sys.exit('configure.py: unsupported target %r (x86_64, aarch64 or '
             'powerpc64le)' % triple)


class Target:
    def __init__(self, host, cc, x86_backends):
        self.cross = bool(host)
        if host:
            if cc in ('cc', None, ''):
                cc = host + '-gcc'
            self.ar = host + '-ar'
            triple = host
        else:
            self.ar = 'ar'
            try:
                triple = subprocess.run(
                    [cc, '-dumpmachine'], stdout=subprocess.PIPE,
                    universal_newlines=True, check=True).stdout.strip()
            except (OSError, subprocess.CalledProcessError):
                triple = 'x86_64-linux-gnu'
        self.cc = cc
        self.isa = isa_of(triple)
        self.backends = {'aarch64': AARCH64_BACKENDS,
                         'ppc64': PPC64_BACKENDS}.get(self.isa, x86_backends)
        self.test_libs = ['-lcriterion']
        self.test_env = ''
        self.cflags = []	# every file, this target only
        if self.cross and host in CROSS_HOSTS:
            self.cross_row(host, cc, CROSS_HOSTS[host])
        if self.cross and self.isa == 'aarch64':
            lib = CROSS_SYSROOT + '/usr/lib/aarch64-linux-gnu'
            self.test_libs = [
                '-L' + lib, '-l:libcriterion.so.3',
                '-Wl,--disable-new-dtags,-rpath,' + lib,
                '-Wl,-rpath-link,%s:/usr/lib/aarch64-linux-gnu' % lib]
            # Children (Criterion's workers, pmem-info) are started by
            # the kernel through binfmt_misc, so qemu reads QEMU_CPU.  The
            # script tests build and inspect programs with the target's
            # tools.
            self.test_env = (
                'env QEMU_CPU=%s CC=%s OBJDUMP=%s-objdump '
                'LDD="/lib/ld-linux-aarch64.so.1 --list" '
                'PMDK_LIBPMEM=%s/libpmem.so.1 '
                % (QEMU_CPU, cc, host, lib))
            self.warn_cross()

    def cross_row(self, host, cc, row):
        """A CROSS_HOSTS target: tests under qemu-user through binfmt_misc
        (as for AArch64 below), PMDK's library unpacked by
        tools/install-deps.sh <option> as the ABI reference."""
        lib = '/opt/libpmem-cross/%s/usr/lib/%s' % (host, host)
        # DT_RPATH (not RUNPATH): it also serves the dependencies of
        # PMDK's library when a test dlopens it.
        self.test_libs = ([] if row['criterion'] == 'lite' else
                          ['-lcriterion']) + [
            '-Wl,--disable-new-dtags,-rpath,' + lib]
        if row['criterion'] == 'lite':
            self.cflags = ['-Itests/criterion_lite']
        self.test_env = (
            'env QEMU_CPU=%s CC=%s OBJDUMP=%s-objdump LDD="%s --list" '
            'PMDK_LIBPMEM=%s/libpmem.so.1 '
            % (row['cpu'], cc, host, row['ld'], lib))
        missing = [m for m, ok in (
            (cc, shutil.which(cc)), (lib, os.path.exists(lib)),
            ('binfmt_misc entry ' + row['qemu'], os.path.exists(
                '/proc/sys/fs/binfmt_misc/' + row['qemu']))) if not ok]
        if missing:
            print('configure.py: warning: missing for the %s build and its '
                  'tests: %s (tools/install-deps.sh %s)'
                  % (host, ', '.join(missing), row['option']))

    def warn_cross(self):
        missing = []
        if not shutil.which(self.cc):
            missing.append(self.cc)
        if not os.path.exists(CROSS_SYSROOT):
            missing.append(CROSS_SYSROOT)
        if not os.path.exists('/proc/sys/fs/binfmt_misc/qemu-aarch64'):
            missing.append('binfmt_misc entry qemu-aarch64')
        if missing:
            print('configure.py: warning: missing for the AArch64 build and '
                  'its tests: %s (tools/install-deps.sh --aarch64)'
                  % ', '.join(missing))

    def filter(self, paths):
        return for_isa(paths, self.isa)

    def scripts(self, scripts):
        """The script tests that can run for this target (the others are
        listed below with the reason, and in docs/testing.md)."""
        out = []
        for s in scripts:
            if self.cross and s in CROSS_SKIPPED:
                continue
            if self.isa != 'x86' and s in X86_ONLY_SCRIPTS:
                continue
            out.append(s)
        return out

    def bench_targets(self):
        """pmembench reads CPUID, the client benchmark's programs link the
        build machine's PMDK: built (and tested) for x86-64 only."""
        if self.isa != 'x86':
            return []
        return ['build/pmembench'] + ['build/bench/clients/' + p
                                      for p in ('obj', 'log', 'stream')]


# Script tests a cross build does not run, and why.
CROSS_SKIPPED = {
    'tests/interop/run.sh': 'the PMDK client programs it runs are the '
    "build machine's (x86-64) packages",
}
X86_ONLY_SCRIPTS = {
    'tests/test_pmembench.sh': 'pmembench reads CPUID; no ARM speed is '
    'measured here',
    'tests/test_vendor_backend.sh': 'its vendor plugin is the MOVDIR64B '
    'example',
    'tests/test_calibrate.sh': 'it expects a copy-order table row, which '
    'only the x86 non-temporal backends have',
    'tests/test_bench_clients.sh': "its clients link the build machine's "
    '(x86-64) PMDK packages',
}


def add_guest(n, objname):
    """`ninja test-guest` (AArch64 builds, not part of `all` or `test`):
    Debian's arm64 kernel (downloaded once), /init and the check build's
    pmem-check linked statically, booted in qemu-system-aarch64 -cpu max,
    where DC CVAP runs (tests/guest_aarch64/)."""
    d = 'build/guest'
    n.rule('guest_fetch', 'sh tests/guest_aarch64/fetch-kernel.sh ' + d,
           description='GUEST download the Debian arm64 kernel')
    n.build([d + '/vmlinuz', d + '/kernel-version'], 'guest_fetch', [],
            implicit=['tests/guest_aarch64/fetch-kernel.sh'], default=False)
    n.rule('cc_static', '$cc -static -O2 -g -Wall -Wextra -o $out $in '
           '$xlibs', description='LINK (static) $out')
    n.build(d + '/init', 'cc_static', ['tests/guest_aarch64/init.c'],
            default=False)
    n.build(d + '/pmem-check', 'cc_static',
            [objname('build/check', 'check/pmem-check/pmem-check.c'),
             objname('build/check', 'check/pmem-check/matrix.c'),
             'build/check/libpmem.a'], xlibs='-ldl -lpthread',
            default=False)
    o = n.build(objname('build/check', 'tests/guest_aarch64/deep.c'), 'cc',
                ['tests/guest_aarch64/deep.c'],
                vflags='-O2 -g -DPMEM_CHECK', default=False)
    n.build(d + '/deep', 'cc_static', o + ['build/check/libpmem.a'],
            xlibs='-ldl -lpthread', default=False)
    n.rule('guest_run', 'python3 tests/guest_aarch64/run.py --kernel '
           '%s/vmlinuz --init %s/init --pmem-check %s/pmem-check '
           '--deep %s/deep' % (d, d, d, d), pool='console',
           description='TEST-GUEST')
    n.build('test-guest', 'guest_run', [],
            implicit=[d + '/vmlinuz', d + '/init', d + '/pmem-check',
                      d + '/deep', 'tests/guest_aarch64/run.py'],
            default=False)
