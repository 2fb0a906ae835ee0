#!/usr/bin/env python3
"""Writes build.ninja for libpmem.  Standard library only.

One generator for every host: HOSTS below is the host table (OS, ISA,
compiler, test runner), OSES says how each OS links, ISAS names each
instruction set's folder and backends.  Sources are found by directory, so
adding a file needs no edit here:
  core/*.c base/*.c os/*.c os/<os>/*.c arch/<isa>/*.c
                        the library (every variant; check/*.c: build/check/)
  backends/<name>.c, backends/<isa>/<name>.c
                        one backend each (its row in ISAS), linked in
                        (--backends) and a plugin
  tools/<prog>.c        command-line programs
  tests/test_*.c        Criterion test programs, run by `ninja test`;
                        *_<isa>.c and files under a folder of an ISA
                        (tests/durability/plugins/x86_64/) for that ISA only
  tests/test_*.sh, tests/test_*.py
                        script tests of the Linux hosts (*_<isa>.sh for
                        that ISA only; one that needs the build machine's
                        programs skips itself, visibly, in a cross build)
  tests/portable/test_*.c
                        Criterion programs built for every OS (Linux hosts
                        and Windows, there with tests/criterion_lite/)
  tests/windows/*.c     the Windows host's own tests, run under Wine
Variants: build/ (release), build/debug/ (debug logging), build/check/
(primitives recorded for the durability model).
--host=aarch64-linux-gnu or powerpc64le-linux-gnu cross-builds and runs
the tests under qemu-user; --host=x86_64-w64-mingw32 builds the DLL and
runs its tests under Wine.
"""
import argparse
import glob
import os
import shlex
import shutil
import subprocess
import sys

TOP = os.path.dirname(os.path.abspath(__file__))


# ---- the host table: OS, instruction set, compiler, test runner --------

def B(src, flags=()):
    """A backend row: its source and the instruction-set flags only that
    file gets.  Every backend is also built as a plugin: one that needs the
    OS asks the library's services (libpmem_backend.h, attach)."""
    return (src, list(flags))


# Backend name -> row, per instruction set, in the order the static table
# (and pmem-info) lists them.
X86_BACKENDS = {
    'clflush': B('backends/x86_64/clflush.c'),
    'clflushopt': B('backends/x86_64/clflushopt.c', ['-mclflushopt']),
    'clwb': B('backends/x86_64/clwb.c', ['-mclwb']),
    'msync-fallback': B('backends/msync_fallback.c'),
    'nop': B('backends/nop.c'),
    'nt-sse2': B('backends/x86_64/nt_sse2.c'),
    'nt-avx': B('backends/x86_64/nt_avx.c', ['-mavx', '-mavx2']),
    'nt-avx512': B('backends/x86_64/nt_avx512.c',
                   ['-mavx512f', '-mavx512bw', '-mavx512vl']),
}
AARCH64_BACKENDS = {
    'dc-cvap': B('backends/aarch64/dc_cvap.c'),
    'dc-cvac': B('backends/aarch64/dc_cvac.c'),
    'msync-fallback': B('backends/msync_fallback.c'),
    'nop': B('backends/nop.c'),
    'temporal': B('backends/temporal.c'),
}
# 64-bit POWER, little-endian (docs/durability.md, "ppc64le").
PPC64_BACKENDS = {
    'dcbstps': B('backends/ppc64/dcbstps.c'),
    'dcbst': B('backends/ppc64/dcbst.c'),
    'msync-fallback': B('backends/msync_fallback.c'),
    'nop': B('backends/nop.c'),
    'temporal': B('backends/temporal.c'),
}

# Instruction sets.  dir: the folder of arch/<dir>/, backends/<dir>/ and
# of the tests only this ISA builds (tests/durability/plugins/<dir>/);
# test files named *_<isa>.c build only for that ISA.  durability: where
# the model's own tests are, and the flags they get.
ISAS = {
    'x86': {'dir': 'x86_64', 'backends': X86_BACKENDS,
            'durability': ('tests/durability', ['-mclflushopt', '-mclwb'])},
    'aarch64': {'dir': 'aarch64', 'backends': AARCH64_BACKENDS,
                'durability': ('tests/durability/aarch64', [])},
    'ppc64': {'dir': 'ppc64', 'backends': PPC64_BACKENDS,
              'durability': ('tests/durability/ppc64', [])},
}

# Operating systems: how a library, a plugin and a program are linked.
OSES = {
    'linux': {
        'cflags': ['-D_GNU_SOURCE', '-fPIC', '-fvisibility=hidden',
                   '-pthread'],
        'libs': ['-ldl', '-lpthread'],  # libdaxctl: dlopen'd (os/linux/devdax.c)
        'exe': '', 'plugin': '.so',
        'solib': '$cc -shared $ldflags -Wl,-soname,$soname '
                 '-Wl,--version-script=core/libpmem.map -o $out $in $libs',
        'plugin_cmd': '$cc -shared $ldflags -o $out $in',
        'exe_cmd': '$cc $ldflags -o $out $in $libs $xlibs',
        'lib_defs': [],
        'profile': True,                # core/profile.h: a machine profile
        # what each variant builds: shared and static library, plugins
        'variants': {'build': ('shared', 'static', 'plugins'),
                     'build/debug': ('shared', 'static', 'plugins'),
                     'build/check': ('shared', 'static', 'plugins')},
        'examples_link': 'build/libpmem.a',
    },
    'windows': {
        'cflags': [],
        # winpthreads and libgcc linked in: the DLL needs no other DLL
        'libs': ['-static', '-lpthread'],
        'exe': '.exe', 'plugin': '.dll',
        'solib': '$cc -shared -o $dll $in core/libpmem.def '
                 '-Wl,--out-implib,$implib $libs',
        'plugin_cmd': '$cc -shared -o $out $in -static',
        'exe_cmd': '$cc -o $out $in $xlibs $libs',
        'lib_defs': ['-DPMEM_LIBRARY_BUILD'],   # dllexport (libpmem.h)
        'profile': False,
        # build/check: the static library pmem-check.exe links, whose
        # own check plugins (build/check/plugins/) import from it
        'variants': {'build': ('shared', 'static', 'plugins'),
                     'build/debug': ('shared',),
                     'build/check': ('static',)},
        'examples_link': 'build/libpmem.dll.a',  # as a program would
    },
}

# Where tools/install-deps.sh --<isa> unpacks the target's Criterion
# runtime and PMDK's library (the ABI reference): /opt/libpmem-cross/<host>.
CROSS_ROOT = '/opt/libpmem-cross'

# Hosts.  A native build is the row of what `cc -dumpmachine` says (a
# Linux row of that ISA if the triple is not listed).  qemu: the tests of a
# cross build run under qemu-user through binfmt_misc, with QEMU_CPU=cpu:
# qemu 7.2's user mode advertises HWCAP_DCPOP with -cpu max but raises
# SIGILL on DC CVAP, and with -cpu power10 PPC_FEATURE2_ARCH_3_1 but
# SIGILL on dcbstps, dcbfps and phwsync.  criterion: 'sysroot', Debian's
# arm64 runtime unpacked under CROSS_ROOT (libcriterion3:arm64 does not
# co-install with the amd64 -dev package); 'lite', tests/criterion_lite/
# (Debian 12 has no Criterion for ppc64el: BoxFort has no POWER port; none
# is packaged for mingw-w64).
HOSTS = {
    'x86_64-linux-gnu': {'os': 'linux', 'isa': 'x86', 'bench': True},
    'aarch64-linux-gnu': {
        'os': 'linux', 'isa': 'aarch64', 'qemu': 'qemu-aarch64',
        'cpu': 'cortex-a57', 'ld': '/lib/ld-linux-aarch64.so.1',
        'option': '--aarch64', 'criterion': 'sysroot'},
    'powerpc64le-linux-gnu': {
        'os': 'linux', 'isa': 'ppc64', 'qemu': 'qemu-ppc64le',
        'cpu': 'power9', 'ld': '/lib64/ld64.so.2', 'option': '--ppc64le',
        'criterion': 'lite'},
    'x86_64-w64-mingw32': {
        'os': 'windows', 'isa': 'x86',
        'cflags': ['-D_WIN32_WINNT=0x0602', '-D__USE_MINGW_ANSI_STDIO=1',
                   '-Icompat/windows',
                   # err.h's format(printf) means msvcrt's printf here;
                   # the C99 one (%zu) is linked in instead
                   '-Wno-format'],
        'runner': 'WINEPREFIX=$$PWD/build/wine WINEDEBUG=-all '
                  'TEST_RUNNER=/usr/lib/wine/wine64 ',
        'runner_name': 'TEST (Wine)', 'tests': 'tests/windows',
        'criterion': 'lite'},
}

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


def isa_mine(path, isa):
    """False for a *_<isa>.c or *_<isa>.sh file, or a file under a <dir>/
    folder, of another instruction set."""
    parts = path.split('/')[:-1]
    for other, row in ISAS.items():
        if row['dir'] in parts and other != isa:
            return False
    stem = os.path.splitext(os.path.basename(path))[0]
    for other in ISAS:
        if stem.endswith('_' + other):
            return other == isa
    return True


class Host:
    """One row of HOSTS (and its OS and ISA rows), resolved."""

    def __init__(self, host, cc):
        self.cross = bool(host)
        if host:
            if host not in HOSTS:
                sys.exit('configure.py: unknown --host %r (known: %s)'
                         % (host, ', '.join(h for h in HOSTS
                                             if h != 'x86_64-linux-gnu')))
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
        self.triple = triple
        isa = isa_of(triple)
        row = HOSTS.get(triple) or next(
            r for r in HOSTS.values() if r['os'] == 'linux' and r['isa'] == isa)
        if not host:    # a native build runs its tests natively
            row = {k: v for k, v in row.items() if k not in ('qemu',)}
        self.row = row
        self.cc = cc
        self.os = row['os']
        self.osrow = OSES[self.os]
        self.isa = row['isa']
        self.isadir = ISAS[self.isa]['dir']
        self.backends = ISAS[self.isa]['backends']
        self.exe = self.osrow['exe']
        self.cflags = list(row.get('cflags', []))   # every file, this host
        self.test_libs = ['-lcriterion']
        if row.get('criterion') == 'lite':
            self.test_libs = []
            self.cflags += ['-Itests/criterion_lite']
        # CC: the script tests build programs for the target
        self.test_env = row.get('runner', '') + (
            'CC=%s ' % cc if 'runner' in row else '')
        if 'qemu' in row:
            self.qemu_row(row)

    def qemu_row(self, row):
        """Tests under qemu-user through binfmt_misc (children such as
        Criterion's workers and pmem-info too, so qemu reads QEMU_CPU);
        PMDK's library unpacked by tools/install-deps.sh <option> as the
        ABI reference; the script tests build and inspect programs with
        the target's tools."""
        host = self.triple
        lib = '%s/%s/usr/lib/%s' % (CROSS_ROOT, host, host)
        # DT_RPATH (not RUNPATH): it also serves the dependencies of
        # PMDK's library when a test dlopens it.
        rpath = '-Wl,--disable-new-dtags,-rpath,' + lib
        if row['criterion'] == 'lite':
            self.test_libs = [rpath]
        else:
            self.test_libs = ['-L' + lib, '-l:libcriterion.so.3', rpath,
                              '-Wl,-rpath-link,%s:/usr/lib/%s' % (lib, host)]
        self.test_env = (
            'env QEMU_CPU=%s CC=%s OBJDUMP=%s-objdump LDD="%s --list" '
            'PMDK_LIBPMEM=%s/libpmem.so.1 '
            % (row['cpu'], self.cc, host, row['ld'], lib))
        missing = [m for m, ok in (
            (self.cc, shutil.which(self.cc)), (lib, os.path.exists(lib)),
            ('binfmt_misc entry ' + row['qemu'], os.path.exists(
                '/proc/sys/fs/binfmt_misc/' + row['qemu']))) if not ok]
        if missing:
            print('configure.py: warning: missing for the %s build and its '
                  'tests: %s (tools/install-deps.sh %s)'
                  % (host, ', '.join(missing), row['option']))

    def filter(self, paths):
        return [p for p in paths if isa_mine(p, self.isa)]

    def isa_srcs(self, folder, pattern='*.c'):
        """folder/pattern and folder/<this ISA's dir>/pattern."""
        return srcs(os.path.join(folder, pattern)) + \
            srcs(os.path.join(folder, self.isadir, pattern))

    def scripts(self, scripts):
        """The script tests of this host's ISA: test_*_x86.sh only for
        x86 (docs/testing.md).  A script that needs the build machine's
        own programs skips itself, visibly, in a cross build."""
        out = []
        for s in scripts:
            if not isa_mine(s, self.isa):     # test_*_x86.sh
                continue
            out.append(s)
        return out

    def bench_targets(self):
        """pmembench reads CPUID, the client benchmark's programs link the
        build machine's PMDK: built (and tested) where the row says bench."""
        if not self.row.get('bench'):
            return []
        return ['build/pmembench'] + ['build/bench/clients/' + p
                                      for p in ('obj', 'log', 'stream')]


WARN = ['-Wall', '-Wextra', '-Werror=implicit-function-declaration']
INCLUDES = ['-Iinclude', '-Icore', '-Ibase', '-Ios', '-Iarch', '-Iprims',
            '-Ibackends', '-Icheck']
LIB_LIBS = OSES['linux']['libs']    # libpmem.pc's Libs.private
TEST_LIBS = ['-lcriterion']


def ident(name):
    return name.replace('-', '_')


def objname(vdir, src, tag=''):
    return os.path.join(vdir, 'obj', os.path.splitext(src)[0] + tag + '.o')


def srcs(pattern):
    return sorted(os.path.relpath(p, TOP)
                  for p in glob.glob(os.path.join(TOP, pattern)))


class Ninja:
    def __init__(self):
        self.lines = []
        self.defaults = []   # what plain `ninja` builds
        self.outputs = set()  # every output declared so far

    def var(self, key, value):
        self.lines.append('%s = %s' % (key, value))

    def rule(self, name, command, **kw):
        self.lines.append('rule ' + name)
        self.lines.append('  command = ' + command)
        for k, v in kw.items():
            self.lines.append('  %s = %s' % (k, v))

    def build(self, outs, rule, ins=(), implicit=(), order=(), default=True,
              **kw):
        outs = [outs] if isinstance(outs, str) else list(outs)
        if default:
            self.defaults += outs
        self.outputs.update(outs)
        line = 'build %s: %s %s' % (' '.join(outs), rule, ' '.join(ins))
        if implicit:
            line += ' | ' + ' '.join(implicit)
        if order:
            line += ' || ' + ' '.join(order)
        self.lines.append(line)
        for k, v in kw.items():
            self.lines.append('  %s = %s' % (k, v))
        return outs

    def text(self):
        return '\n'.join(self.lines) + '\n'


def write_static_table(path, names):
    """The linked-in backends, in the order pmem-info lists them."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    body = ['/* generated by configure.py */',
            '#include "libpmem_backend.h"']
    body += ['extern const struct pmem_backend pmem_backend_%s;' % ident(n)
             for n in names]
    body.append('const struct pmem_backend *const pmem_static_backends[] = {')
    body += ['\t&pmem_backend_%s,' % ident(n) for n in names]
    body += ['\tNULL', '};', '']
    text = '\n'.join(body)
    if not os.path.exists(path) or open(path).read() != text:
        with open(path, 'w') as f:
            f.write(text)


# ---- issue 5: drop-in (interop clients, install, script tests) ---------

# The PMDK release whose libpmem API we provide: pkg-config version checks
# of programs written for PMDK (libpmem >= 1.x) keep passing.
PC_VERSION = '1.12.1'


def write_install(prefix, libdir):
    """build/gen/libpmem.pc and build/gen/install.sh (run by `ninja
    install`; DESTDIR is read when it runs)."""
    gen = os.path.join(TOP, 'build/gen')
    os.makedirs(gen, exist_ok=True)
    with open(os.path.join(TOP, 'libpmem.pc.in')) as f:
        pc = f.read()
    for k, v in (('prefix', prefix), ('libdir', libdir),
                 ('version', PC_VERSION),
                 ('libs_private', ' '.join(LIB_LIBS))):
        pc = pc.replace('@%s@' % k, v)
    q = shlex.quote
    script = """#!/bin/sh
# generated by configure.py; `ninja install` runs it.  Honours DESTDIR.
set -e
cd %(top)s
P="${DESTDIR}"%(prefix)s
L="${DESTDIR}"%(libdir)s
install -d "$L/pkgconfig" "$L/libpmem/backends" "$L/libpmem/debug" \\
	"$P/include" "$P/bin"
install -m 755 build/libpmem.so.1 "$L/libpmem.so.1"
ln -sf libpmem.so.1 "$L/libpmem.so"
install -m 644 build/libpmem.a "$L/libpmem.a"
install -m 644 include/libpmem.h include/libpmem_backend.h "$P/include/"
install -m 755 build/backends/*.so "$L/libpmem/backends/"
# the debug library: PMEM_LOG_LEVEL/PMEM_LOG_FILE honoured
install -m 755 build/debug/libpmem.so.1 "$L/libpmem/debug/libpmem.so.1"
ln -sf libpmem.so.1 "$L/libpmem/debug/libpmem.so"
install -m 644 build/gen/libpmem.pc "$L/pkgconfig/libpmem.pc"
if [ -f build/pmem-info ]; then
	install -m 755 build/pmem-info "$P/bin/pmem-info"
fi
if [ -f build/check/pmem-check ]; then
	install -m 755 build/check/pmem-check "$P/bin/pmem-check"
fi
for f in docs/man/*.[1-8]; do
	[ -f "$f" ] || continue
	s=${f##*.} page=${f##*/}
	d="$P/share/man/man$s"
	install -d "$d"
	install -m 644 "$f" "$d/"
	# a link per name of the NAME section: `man pmem_persist` works
	for n in $(sed -n '/^\\.SH NAME/,/^\\.SH [^N]/p' "$f" | sed '/^\\./d' |
			tr '\\n' ' ' | sed 's/ \\\\- .*//; s/\\\\-/-/g; s/,/ /g'); do
		[ "$n.$s" = "$page" ] || ln -sf "$page" "$d/$n.$s"
	done
done
echo "installed libpmem into ${DESTDIR}"%(prefix)s
""" % {'top': q(TOP), 'prefix': q(prefix), 'libdir': q(libdir)}
    for name, text in (('libpmem.pc', pc), ('install.sh', script)):
        path = os.path.join(gen, name)
        old = None
        if os.path.exists(path):
            with open(path) as f:
                old = f.read()
        if old != text:
            with open(path, 'w') as f:
                f.write(text)


def add_dropin(n, args, release, target):
    """Interop client programs and `ninja install` (the drop-in issue).
    Returns the interop script, run by `ninja test` after the Criterion
    programs."""
    # PMDK clients: PMDK's headers (no -Iinclude: ours would shadow
    # /usr/include/libpmem.h) and libraries; at run time
    # LD_LIBRARY_PATH=build hands them our libpmem.so.1.
    n.rule('cc_pmdk', '$cc -std=gnu11 -Wall -Wextra -O2 -g -MMD -MF $out.d '
           '-o $out $in $xlibs', depfile='$out.d', deps='gcc',
           description='CC $out')
    for prog, lib in (('obj_tx', '-lpmemobj'), ('log_walk', '-lpmemlog'),
                      ('blk_rw', '-lpmemblk')):
        n.build('build/interop/' + prog, 'cc_pmdk',
                ['tests/interop/%s.c' % prog], xlibs=lib)
    n.build('build/interop/spy.so', 'cc_pmdk', ['tests/interop/spy.c'],
            xlibs='-shared -fPIC -ldl')
    o = n.build(objname('build', 'tests/interop/pairs.c'), 'cc',
                ['tests/interop/pairs.c'], vflags=' '.join(release))
    n.build('build/interop/pairs', 'exe', o + ['build/libpmem.a'])

    write_install(args.prefix, args.libdir)
    n.rule('run_install', 'sh $in', pool='console', description='INSTALL')
    n.build('install', 'run_install', ['build/gen/install.sh'],
            implicit=['all'], default=False)
    # `ninja deb`: the Debian packages (debian/), left in build/deb/; the
    # package build runs in a copy of the tree (debian/build-debs.sh).
    # install-files: what install.sh installs, all that debian/rules builds.
    n.build('install-files', 'phony',
            ['build/libpmem.so.1', 'build/libpmem.a', 'build/gen/libpmem.pc',
             'build/debug/libpmem.so.1', 'build/pmem-info',
             'build/check/pmem-check'] +
            ['build/backends/%s.so' % b for b in target.backends],
            default=False)
    n.rule('debs', 'sh debian/build-debs.sh %s' % shlex.quote(args.host),
           pool='console', description='DEB build/deb/')
    n.build('deb', 'debs', [], default=False)

    return srcs('tests/interop/run.sh')


def plugin_dir_flags(prefix, libdir=''):
    """Default PMEM_BACKEND_PATH: the install's <libdir>/libpmem/backends
    (libdir: <prefix>/lib unless given)."""
    libdir = libdir or os.path.join(prefix, 'lib')
    d = os.path.join(libdir, 'libpmem/backends').replace('$', '$$')
    return [shlex.quote('-DPMEM_PLUGIN_DIR="%s"' % d)]


def sysconfdir_of(args):
    """--sysconfdir, else derived from --prefix as the GNU directory
    variables do, except that /usr keeps its configuration in /etc."""
    if args.sysconfdir:
        return args.sysconfdir
    p = os.path.normpath(args.prefix)
    return '/etc' if p in ('/usr', '/') else os.path.join(p, 'etc')


def profile_flags(args):
    """Where the machine profile is (pmem-info --calibrate --save writes
    it, the library reads it: core/profile.h)."""
    f = os.path.join(sysconfdir_of(args), 'libpmem/profile').replace('$', '$$')
    return [shlex.quote('-DPMEM_PROFILE_PATH="%s"' % f)]


def add_test_plugins(n, vflags):
    """tests/plugins/*.c -> build/tests/plugins/*.so: small plugins, most
    deliberately broken, that the selection tests load."""
    for s in srcs('tests/plugins/*.c'):
        stem = os.path.splitext(os.path.basename(s))[0]
        o = n.build(objname('build', s), 'cc', [s], vflags=' '.join(vflags))
        n.build('build/tests/plugins/%s.so' % stem, 'plugin', o)
    # Helper programs linked against build/libpmem.so.1 (its constructor
    # runs before main, plugins resolve its symbols); the tests run them.
    for s in srcs('tests/helpers/*.c'):
        stem = os.path.splitext(os.path.basename(s))[0]
        o = n.build(objname('build', s), 'cc', [s], vflags=' '.join(vflags))
        n.build('build/tests/helpers/' + stem, 'exe', o,
                implicit=['build/libpmem.so'],
                libs="-Lbuild -l:libpmem.so.1 -Wl,-rpath,'$$ORIGIN/../..'")


# ---- issue 7: the check build's tests (durability model) ---------------

MATRIX = 'check/pmem-check/matrix.c'
# Criterion programs every OS builds; they may use the backend matrix.
PORTABLE_TESTS = 'tests/portable/test_*.c'
PMEM_CHECK = 'check/pmem-check/pmem-check.c'
CHECK_INC = ['-Itests', '-Icheck/pmem-check']


def matrix_obj(n, vdir, vflags):
    """The backend matrix engine (test_checkasm, pmem-check), built once
    per variant however many programs link it."""
    o = objname(vdir, MATRIX)
    if o not in n.outputs:
        n.build(o, 'cc', [MATRIX],
                vflags=' '.join(vflags + ['-Itests', '-Icheck/pmem-check']))
    return [o]

CHECK_VFLAGS = ['-O2', '-g', '-DPMEM_CHECK']
DEBUG_VFLAGS = ['-O0', '-g', '-DPMEM_DEBUG']


def durability_flags(host):
    """The model's own tests use each ISA's instructions: x86 in
    tests/durability/, any other ISA in tests/durability/<isa>/ (ISAS)."""
    ddir, isa_flags = ISAS[host.isa]['durability']
    return ' '.join(CHECK_VFLAGS + ['-Itests/durability', '-I' + ddir] +
                    isa_flags)


def add_check_tests(n, target):
    """Test programs linked with build/check/libpmem.a, output under
    build/check/tests/: tests/durability/test_*.c (each linked with the
    deliberately broken backends tests/durability/broken_*.c), and
    tests/portable/test_checkasm.c rebuilt with -DPMEM_CHECK so the whole
    backend matrix also runs under the shadow cache model.  -rdynamic lets check
    plugins (build/check/backends/*.so) find pmem_check_record."""
    vdir = 'build/check'
    lib = vdir + '/libpmem.a'
    ddir = ISAS[target.isa]['durability'][0]
    dur = durability_flags(target)
    broken = []
    for s in srcs(ddir + '/broken_*.c'):
        broken += n.build(objname(vdir, s), 'cc', [s], vflags=dur)
    matrix = matrix_obj(n, vdir, CHECK_VFLAGS)
    progs = []
    for s in srcs(ddir + '/test_*.c') + \
            srcs('tests/portable/test_checkasm.c'):
        prog = os.path.splitext(os.path.basename(s))[0]
        mine = s.startswith('tests/durability/')
        o = n.build(objname(vdir, s), 'cc', [s],
                    vflags=(dur if mine else ' '.join(CHECK_VFLAGS)) +
                    ' -Icheck/pmem-check -Itests')
        progs += n.build(vdir + '/tests/' + prog, 'exe',
                         o + (broken if mine else []) + matrix + [lib],
                         xlibs=' '.join(TEST_LIBS + ['-rdynamic']))
    # pmem-check: the matrix on the pair the check library resolves;
    # -rdynamic so check plugins find pmem_check_record.
    o = n.build(objname(vdir, PMEM_CHECK), 'cc',
                [PMEM_CHECK],
                vflags=' '.join(CHECK_VFLAGS + ['-Itests', '-Icheck/pmem-check']))
    n.build(vdir + '/pmem-check', 'exe', o + matrix + [lib],
            xlibs='-rdynamic')
    # Broken backends as plugins built with the check primitives, for
    # pmem-check's tests (tests/test_pmem_check.sh).
    for s in target.isa_srcs('tests/durability/plugins'):
        stem = os.path.splitext(os.path.basename(s))[0]
        o = n.build(objname(vdir, s), 'cc', [s], vflags=dur)
        n.build('%s/tests/plugins/%s.so' % (vdir, stem), 'plugin', o)
    return progs


# ---- issue 10: the test runner's own test ------------------------------

def add_runner_sample(n, release):
    """tests/test_runner.py feeds tests/run.py fake programs, among them
    build/tests/runner/criterion_sample (a skip and a crash on purpose: not
    a test of its own)."""
    s = 'tests/runner/criterion_sample.c'
    o = n.build(objname('build', s), 'cc', [s], vflags=' '.join(release))
    n.build('build/tests/runner/criterion_sample', 'exe', o,
            xlibs=' '.join(TEST_LIBS))


# ---- issue 10: ThreadSanitizer (`ninja test-tsan`) ----------------------

def add_threads_test(n, release):
    """build/tests/threads: registry, mapping and copying from many
    threads at once.  A plain program (Criterion cannot start under
    ThreadSanitizer), run by `ninja test` and by `ninja test-tsan`."""
    s = 'tests/threads/threads.c'
    o = n.build(objname('build', s), 'cc', [s], vflags=' '.join(release))
    return n.build('build/tests/threads', 'exe', o + ['build/libpmem.a'])


def add_fuzz(n, release):
    """build/tests/fuzz and `ninja fuzz` (not part of `test`): random copy
    operations under every pair and random selection inputs for
    PMEM_FUZZ_SECONDS (default 30), starting from tests/fuzz/seeds."""
    s = 'tests/fuzz/fuzz.c'
    o = n.build(objname('build', s), 'cc', [s], vflags=' '.join(release))
    prog = n.build('build/tests/fuzz', 'exe', o + ['build/libpmem.a'])
    n.rule('run_fuzz', '$in --seconds $${PMEM_FUZZ_SECONDS:-30} '
           'tests/fuzz/seeds', pool='console', description='FUZZ')
    n.build('fuzz', 'run_fuzz', prog, implicit=['tests/fuzz/seeds'],
            default=False)


def add_tsan_target(n):
    """`ninja test-tsan`, defined with --sanitize=thread: build/tests/threads
    only (the other programs are Criterion's, which aborts under TSan).  A
    reported race aborts the program, so the run fails."""
    n.rule('run_tsan', 'TSAN_OPTIONS=halt_on_error=1:abort_on_error=1 '
           'python3 tests/run.py $in', pool='console', description='TEST-TSAN')
    n.build('test-tsan', 'run_tsan', ['build/tests/threads'], default=False)


# ---- issue 3: tests that need the debug library ------------------------

DEBUG_TESTS = ['tests/test_log.c']


def add_debug_tests(n):
    """DEBUG_TESTS rebuilt with -DPMEM_DEBUG and linked with
    build/debug/libpmem.a as build/debug/tests/<name>: what only the debug
    library does (PMEM_LOG_LEVEL, PMEM_LOG_FILE)."""
    vflags = ' '.join(['-O0', '-g', '-DPMEM_DEBUG'])
    progs = []
    for s in DEBUG_TESTS:
        prog = os.path.splitext(os.path.basename(s))[0]
        o = n.build(objname('build/debug', s), 'cc', [s], vflags=vflags)
        progs += n.build('build/debug/tests/' + prog, 'exe',
                         o + ['build/debug/libpmem.a'],
                         xlibs=' '.join(TEST_LIBS))
    return progs


# ---- issue 6: pmembench (`ninja bench`, not part of `all`) -------------

def add_bench(n, release):
    """build/pmembench (loads build/libpmem.so.1 and PMDK's with dlmopen,
    so it links neither), build/bench/startup (linked against libpmem.so.1,
    run under either library), and the `bench` target: the quick run, the
    CSV and the plot under build/."""
    vf = ' '.join(release)
    o = n.build(objname('build', 'bench/pmembench.c'), 'cc',
                ['bench/pmembench.c'], vflags=vf, default=False)
    n.build('build/pmembench', 'exe', o, default=False, libs='-ldl -lm')
    o = n.build(objname('build', 'bench/startup.c'), 'cc',
                ['bench/startup.c'], vflags=vf, default=False)
    n.build('build/bench/startup', 'exe', o, implicit=['build/libpmem.so'],
            default=False, libs='-Lbuild -l:libpmem.so.1')
    clients = add_bench_clients(n)
    n.rule('run_bench', 'build/pmembench --quick --csv build/bench.csv && '
           'python3 bench/plot.py build/bench.csv build/bench.png && '
           'python3 bench/clients/run.py --csv build/bench-clients.csv',
           pool='console', description='BENCH')
    n.build('bench', 'run_bench', [],
            implicit=['build/pmembench', 'build/bench/startup',
                      'build/libpmem.so.1', 'bench/plot.py'] + clients,
            default=False)


def add_bench_clients(n):
    """build/bench/clients/: libpmemobj, libpmemlog and page-stream
    programs built against PMDK's headers and libraries (no -Iinclude), and
    the `bench-clients` target that times them and fio on our
    libpmem.so.1 and PMDK's (bench/clients/run.py).  Returns what the run
    needs."""
    n.rule('cc_client', '$cc -std=gnu11 -Wall -Wextra -O2 -g -MMD -MF '
           '$out.d -o $out $in $xlibs', depfile='$out.d', deps='gcc',
           description='CC $out')
    progs = []
    for prog, lib in (('obj', '-lpmemobj'), ('log', '-lpmemlog'),
                      ('stream', '-lpmem')):
        progs += n.build('build/bench/clients/' + prog, 'cc_client',
                         ['bench/clients/%s.c' % prog],
                         implicit=['bench/clients/common.h'], xlibs=lib,
                         default=False)
    needs = progs + ['build/libpmem.so.1', 'bench/clients/run.py']
    n.rule('run_bench_clients', 'python3 bench/clients/run.py '
           '--csv build/bench-clients.csv', pool='console',
           description='BENCH clients')
    n.build('bench-clients', 'run_bench_clients', [], implicit=needs,
            default=False)
    return needs


# ---- issue 4: the qemu DAX tier (`ninja test-dax`, not part of `all`) ---

def add_dax(n, release):
    """build/dax/: Debian's kernel (downloaded and unpacked once), the guest
    test program, the initramfs (rebuilt only when one of them changes);
    `test-dax` boots the guest twice (tests/dax/run.py).  Nothing here is
    in `all`, so plain builds never touch the network."""
    d = 'build/dax'
    helpers = ['tests/dax/deps.sh']
    n.rule('dax_fetch', 'sh tests/dax/fetch-kernel.sh ' + d,
           description='DAX download and unpack the Debian kernel')
    n.build([d + '/vmlinuz', d + '/kernel-version'], 'dax_fetch', [],
            implicit=['tests/dax/fetch-kernel.sh',
                      'tests/dax/extract-vmlinux.py'] + helpers,
            default=False)
    vf = ' '.join(release)
    objs = n.build(objname(d, 'tests/dax/dax_tests.c'), 'cc',
                   ['tests/dax/dax_tests.c'], vflags=vf, default=False)
    # Its open()/fopen() must be visible to the shared libraries too.
    objs += n.build(objname(d, 'tests/dax/open_spy.c'), 'cc',
                    ['tests/dax/open_spy.c'],
                    vflags=vf + ' -fvisibility=default', default=False)
    prog = n.build(d + '/dax_tests', 'exe', objs + ['build/libpmem.a'],
                   default=False)
    # Debian's libpmemobj on our libpmem.so.1 (cc_client: add_bench_clients)
    obj = n.build(d + '/obj_pool', 'cc_client', ['tests/dax/obj_pool.c'],
                  xlibs='-lpmemobj -ldl', default=False)
    n.rule('dax_initramfs', 'sh tests/dax/deps.sh && '
           'python3 tests/dax/mkinitramfs.py --kernel %s/kernel '
           '--kver %s/kernel-version --init tests/dax/init --prog %s '
           '--prog build/pmem-info --prog %s '
           '--file build/libpmem.so.1:/usr/lib/ours/libpmem.so.1 '
           '--out $out' % (d, d, prog[0], obj[0]),
           description='DAX initramfs')
    n.build(d + '/initramfs.cpio', 'dax_initramfs', [],
            implicit=prog + obj + ['build/pmem-info', 'build/libpmem.so.1',
                                   d + '/kernel-version',
                             'tests/dax/init',
                             'tests/dax/mkinitramfs.py'] + helpers,
            default=False)
    n.rule('dax_run', 'python3 tests/dax/run.py --dir ' + d,
           pool='console', description='TEST-DAX')
    n.build('test-dax', 'dax_run', [],
            implicit=[d + '/initramfs.cpio', d + '/vmlinuz',
                      'tests/dax/run.py'], default=False)


# ---- the library's sources, by folder ----------------------------------

def lib_srcs(os_name, isa, check=False):
    """The library of one host: core/, base/, the OS layer (os/*.c shared,
    os/<os>/*.c), the CPU part (arch/<isa>/*.c) and, for build/check/, the
    durability model (check/*.c).  Nothing is listed by name."""
    out = []
    for pat in ('core/*.c', 'base/*.c', 'os/*.c', 'os/%s/*.c' % os_name,
                'arch/%s/*.c' % ISAS[isa]['dir']) + (('check/*.c',) if check
                                                  else ()):
        out += srcs(pat)
    return out


def tool_srcs(prog, os_name):
    """tools/<prog>/*.c, where os_<os>.c is that program's OS part."""
    return [s for s in srcs('tools/%s/*.c' % prog)
            if not os.path.basename(s).startswith('os_') or
            os.path.basename(s) == 'os_%s.c' % os_name]


def fresh_build_for_host(host):
    """build/ holds one host's files: switching host (native, AArch64,
    Windows) empties it, so no plugin or program of another machine is
    left where the tests look (pmem-info lists build/backends/*.so)."""
    build = os.path.join(TOP, 'build')
    stamp = os.path.join(build, '.host')
    old = open(stamp).read() if os.path.exists(stamp) else ''
    if old != host and os.path.isdir(build):
        shutil.rmtree(build)
    os.makedirs(build, exist_ok=True)
    with open(stamp, 'w') as f:
        f.write(host)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument('--backends', default='',
                    help='backends linked in (default: all)')
    ap.add_argument('--debug', action='store_true',
                    help='make the release build a debug build too')
    ap.add_argument('--check', action='store_true',
                    help='accepted for compatibility: build/check/ (durability\n'
                    'recording) is always built')
    ap.add_argument('--sanitize', default='',
                    help='e.g. address,undefined')
    ap.add_argument('--prefix', default='/usr/local')
    ap.add_argument('--libdir', default='',
                    help='where the libraries go (default: <prefix>/lib;\n'
                    'debian/rules: /usr/lib/<triplet>)')
    ap.add_argument('--extra-cflags', default='',
                    help="added to every compile (debian/rules: dpkg-buildflags')")
    ap.add_argument('--extra-ldflags', default='',
                    help='added to every link')
    ap.add_argument('--sysconfdir', default='',
                    help='configuration directory: the machine profile is\n'
                    '<sysconfdir>/libpmem/profile (default: /etc for\n'
                    '--prefix=/usr, else <prefix>/etc)')
    ap.add_argument('--cc', default=os.environ.get('CC', 'cc'))
    ap.add_argument('--host', default='',
                    help='cross build: aarch64-linux-gnu or\n'
                    'powerpc64le-linux-gnu (tests under qemu-user)\n'
                    'or x86_64-w64-mingw32 (Windows DLL, tests under\n'
                    'Wine); HOSTS')
    pre, _ = ap.parse_known_args()
    target = Host(pre.host, pre.cc)     # refuses an unknown host first
    fresh_build_for_host(pre.host)
    isa_backends = target.backends
    osrow = target.osrow
    ap.set_defaults(backends=','.join(isa_backends))
    args = ap.parse_args()
    args.libdir = args.libdir or os.path.join(args.prefix, 'lib')
    args.cc = target.cc
    global TEST_LIBS
    TEST_LIBS = target.test_libs

    static = [b for b in args.backends.split(',') if b]
    for b in static:
        if b not in isa_backends:
            sys.exit('configure.py: unknown backend %r (known: %s)'
                     % (b, ', '.join(isa_backends)))

    extra = []
    if args.sanitize:
        if target.os != 'linux':
            sys.exit('configure.py: --sanitize is for Linux hosts')
        extra = ['-fsanitize=' + args.sanitize, '-fno-omit-frame-pointer',
                 '-fno-sanitize-recover=all']
    release = ['-O2', '-g', '-DNDEBUG'] + (['-DPMEM_DEBUG'] if args.debug
                                           else [])
    # build/check/ is always built (--check is kept for old scripts):
    # `ninja test` runs the durability tests against it.
    variants = [('build', release), ('build/debug', DEBUG_VFLAGS),
                ('build/check', CHECK_VFLAGS)]
    exe = target.exe
    plug = osrow['plugin']

    n = Ninja()
    n.var('cc', args.cc)
    n.var('ar', target.ar)
    n.var('cflags', ' '.join(['-std=gnu11'] + osrow['cflags'] + INCLUDES +
                             ['-Ios/' + target.os] + target.cflags + WARN +
                             extra +
                             plugin_dir_flags(args.prefix, args.libdir) +
                             (profile_flags(args) if osrow['profile']
                              else []) +
                             [f for f in [args.extra_cflags] if f]))
    n.var('ldflags', ' '.join(extra + [f for f in [args.extra_ldflags] if f]))
    n.var('prefix', args.prefix)
    n.var('libdir', args.libdir)
    n.var('libs', ' '.join(osrow['libs']))
    n.rule('cc', '$cc -MMD -MF $out.d $cflags $vflags -c $in -o $out',
           depfile='$out.d', deps='gcc', description='CC $out')
    n.rule('solib', osrow['solib'], description='LINK $out')
    n.rule('plugin', osrow['plugin_cmd'], description='LINK $out')
    n.rule('ar', 'rm -f $out && $ar crs $out $in', description='AR $out')
    n.rule('exe', osrow['exe_cmd'], description='LINK $out')
    n.rule('symlink', 'ln -sf $target $out', description='LN $out')
    n.rule('copy', 'cp $in $out', description='CP $out')
    n.rule('configure', 'python3 configure.py ' +
           ' '.join(shlex.quote(a) for a in sys.argv[1:]),
           generator='1', description='CONFIGURE')
    n.build('build.ninja', 'configure', implicit=['configure.py'],
            default=False)

    table = 'build/gen/static_backends.c'
    write_static_table(os.path.join(TOP, table), static)

    for vdir, vflags in variants:
        builds = osrow['variants'][vdir]
        lf = ' '.join(vflags + osrow['lib_defs'])
        objs = []
        for s in lib_srcs(target.os, target.isa, vdir == 'build/check') + \
                [table]:
            objs += n.build(objname(vdir, s), 'cc', [s], vflags=lf)
        for b in static:
            src, isa = isa_backends[b]
            objs += n.build(objname(vdir, src), 'cc', [src],
                            vflags=' '.join(vflags + isa))
        if 'shared' in builds:
            shared_lib(n, target, vdir, objs)
        if 'static' in builds:
            n.build(vdir + '/libpmem.a', 'ar', objs)
        if 'plugins' not in builds:
            continue
        # Plugins: the same backend sources, built to be dlopen'd.
        for b, (src, isa) in isa_backends.items():
            o = n.build(objname(vdir, src, '.plugin'), 'cc', [src],
                        vflags=' '.join(vflags + isa +
                                        ['-DPMEM_BACKEND_PLUGIN']))
            n.build('%s/backends/%s%s' % (vdir, b, plug), 'plugin', o)

    # Tools and tests link the release library statically, so tests can
    # reach internal functions; interop tests use the shared one.
    rel = 'build/libpmem.a'
    for s in srcs('tools/*.c'):
        prog = os.path.splitext(os.path.basename(s))[0]
        o = n.build(objname('build', s), 'cc', [s], vflags=' '.join(release))
        # tools/<prog>/*.c: more sources of that program
        for h in tool_srcs(prog, target.os):
            o += n.build(objname('build', h), 'cc', [h],
                         vflags=' '.join(release))
        n.build('build/' + prog + exe, 'exe', o + [rel], xlibs='-lm')
    # Example programs from the manual pages and the README.
    examples = []
    for s in srcs('docs/examples/*.c'):
        prog = os.path.splitext(os.path.basename(s))[0]
        o = n.build(objname('build', s), 'cc', [s], vflags=' '.join(release))
        examples += n.build('build/examples/' + prog + exe, 'exe',
                            o + [osrow['examples_link']])

    if 'tests' in target.row:
        tests = add_host_tests(n, target, release, static, examples)
    else:
        tests = add_linux_tests(n, target, args, release)
    n.rule('run_tests', target.test_env + 'python3 tests/run.py $in',
           pool='console',
           description=target.row.get('runner_name', 'TEST'))
    n.build('test', 'run_tests', tests,
            implicit=['all'] + target.bench_targets(),
            default=False)
    if 'thread' in args.sanitize.split(','):
        add_tsan_target(n)

    if 'tests' not in target.row:
        add_test_plugins(n, release)
        add_fuzz(n, release)
        add_bench(n, release)
        add_dax(n, release)
    if target.isa == 'aarch64':
        add_guest(n)
    n.build('all', 'phony', n.defaults, default=False)
    n.lines.append('default all')

    with open(os.path.join(TOP, 'build.ninja'), 'w') as f:
        f.write(n.text())
    print('configure.py: wrote build.ninja%s (static backends: %s)'
          % (' for ' + args.host if args.host else '', ', '.join(static)))


def shared_lib(n, target, vdir, objs):
    """vdir/libpmem.so.1 (+ libpmem.so) on Linux, vdir/libpmem.dll (+ its
    import library libpmem.dll.a) on Windows."""
    if target.os == 'windows':
        dll, implib = vdir + '/libpmem.dll', vdir + '/libpmem.dll.a'
        n.build([dll, implib], 'solib', objs, implicit=['core/libpmem.def'],
                dll=dll, implib=implib)
        return
    so = n.build(vdir + '/libpmem.so.1', 'solib', objs,
                 implicit=['core/libpmem.map'], soname='libpmem.so.1')
    n.build(vdir + '/libpmem.so', 'symlink', so, target='libpmem.so.1')


def criterion_prog(n, target, s, release):
    """build/tests/<name>: a Criterion program linked with the release
    library, the portable ones also with the backend matrix engine."""
    prog = os.path.splitext(os.path.basename(s))[0]
    portable = s.startswith('tests/portable/')
    inc = ['-Itests', '-Icheck/pmem-check'] if portable else []
    o = n.build(objname('build', s), 'cc', [s], vflags=' '.join(release + inc))
    if portable:
        o += matrix_obj(n, 'build', release)
    return n.build('build/tests/' + prog + target.exe, 'exe',
                   o + ['build/libpmem.a'], xlibs=' '.join(TEST_LIBS))[0]


def add_linux_tests(n, target, args, release):
    """The Criterion programs (tests/test_*.c), the script tests
    (tests/test_*.sh, tests/test_*.py: found, not listed) and the check,
    debug and thread tests: what `ninja test` runs on a Linux host."""
    tests = [criterion_prog(n, target, s, release)
             for s in target.filter(srcs('tests/test_*.c') +
                                    srcs(PORTABLE_TESTS))]

    tests += target.scripts(add_dropin(n, args, release, target))
    if target.cross:	# PMDK's client libraries are x86-64 packages here
        n.defaults = [o for o in n.defaults
                      if not o.startswith('build/interop/')]
    tests += target.scripts(srcs('tests/test_*.sh') + srcs('tests/test_*.py'))
    add_runner_sample(n, release)
    tests += add_threads_test(n, release)
    tests += add_check_tests(n, target)
    tests += add_debug_tests(n)
    return tests


def add_host_tests(n, target, release, static, examples):
    """A host whose row names its own test folder (Windows:
    tests/windows/, plain C programs run under Wine): those programs, the
    portable Criterion programs (tests/portable/), the check build's
    pmem-check with its broken plugins, and the examples (each exits
    non-zero when a call fails)."""
    tdir = target.row['tests']
    exe, plug = target.exe, target.osrow['plugin']
    # pmem-check on build/check/libpmem.a, as on Linux (test_win_check).
    # It exports its symbols and an import library, so that check plugins
    # reach pmem_check_record in it (-rdynamic on Linux).
    cvf = ' '.join(CHECK_VFLAGS + CHECK_INC)
    o = n.build(objname('build/check', PMEM_CHECK), 'cc', [PMEM_CHECK],
                vflags=cvf)
    o += matrix_obj(n, 'build/check', CHECK_VFLAGS)
    n.rule('exe_implib', '$cc -o $exe $in -Wl,--export-all-symbols,'
           '--out-implib,$implib $libs', description='LINK $exe')
    pc = 'build/check/pmem-check' + exe
    n.build([pc, pc + '.a'], 'exe_implib', o + ['build/check/libpmem.a'],
            exe=pc, implib=pc + '.a')
    # The broken check plugins of tests/test_pmem_check.sh, and a real
    # backend's (clflush) built the same way.
    dur = durability_flags(target)
    for s in target.isa_srcs('tests/durability/plugins') + \
            [target.backends['clflush'][0]]:
        stem = os.path.splitext(os.path.basename(s))[0]
        po = n.build(objname('build/check', s, '.plugin'), 'cc', [s],
                     vflags=dur + ' -DPMEM_BACKEND_PLUGIN')
        n.build('build/check/plugins/%s%s' % (stem, plug), 'plugin',
                po + [pc + '.a'])
    # Test programs: test_dll_* and pmdk_* use the DLL as a program
    # would, the others link build/libpmem.a to reach the internals (the
    # backend matrix).
    vf = ' '.join(release)
    tests = []
    matrix = matrix_obj(n, 'build', release)
    for s in srcs(tdir + '/*.c'):
        prog = os.path.splitext(os.path.basename(s))[0]
        o = n.build(objname('build', s), 'cc', [s],
                    vflags=vf + ' -Itests -Icheck/pmem-check -I' + tdir)
        if prog.startswith('test_dll_') or prog.startswith('pmdk_'):
            tests += n.build('build/tests/%s%s' % (prog, exe), 'exe',
                             o + [target.osrow['examples_link']])
        else:
            tests += n.build('build/tests/%s%s' % (prog, exe), 'exe',
                             o + matrix + ['build/libpmem.a'])
    tests += [criterion_prog(n, target, s, release)
              for s in target.filter(srcs(PORTABLE_TESTS))]
    # Wine finds the DLL next to the program.
    for d in ('build/tests', 'build/examples'):
        n.build(d + '/libpmem.dll', 'copy', ['build/libpmem.dll'])
    # criterion_lite's own test, as the Criterion programs here use it
    return tests + examples + ['tests/test_criterion_lite.sh']


def add_guest(n):
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
            [objname('build/check', PMEM_CHECK),
             objname('build/check', MATRIX),
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


if __name__ == '__main__':
    main()
