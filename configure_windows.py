"""The Windows build (configure.py --host=x86_64-w64-mingw32): writes
build.ninja for build/libpmem.dll (+ build/libpmem.dll.a, the import
library), build/libpmem.a, the examples and the Windows tests, built with
Debian's gcc-mingw-w64-x86-64; `ninja test` runs the tests under Wine.

The host table below is all that differs from another host: compiler,
flags, which core files (configure.OS_CORE) and how a test program runs.
"""
import os

HOSTS = {
    'x86_64-w64-mingw32': {
        'cc': 'x86_64-w64-mingw32-gcc',
        'ar': 'x86_64-w64-mingw32-ar',
        'os': 'windows',
        'cflags': ['-D_WIN32_WINNT=0x0602', '-D__USE_MINGW_ANSI_STDIO=1',
                   '-Icompat/windows',
                   # err.h's format(printf) means msvcrt's printf here;
                   # the C99 one (%zu) is linked in instead
                   '-Wno-format'],
        # winpthreads and libgcc linked in: the DLL needs no other DLL
        'libs': ['-static', '-lpthread'],
        'runner': 'WINEPREFIX=$$PWD/build/wine WINEDEBUG=-all '
                  'TEST_RUNNER=/usr/lib/wine/wine64',
    },
}

TESTS = 'tests/windows'


def main(cfg, args):
    host = HOSTS[args.host]
    top = cfg.TOP
    static = [b for b in args.backends.split(',') if b]
    release = ['-O2', '-g', '-DNDEBUG']
    n = cfg.Ninja()
    n.var('cc', host['cc'])
    n.var('cflags', ' '.join(['-std=gnu11', '-Iinclude', '-Icore', '-Ibase',
                              '-Ios', '-Ios/windows', '-Iarch', '-Iprims', '-Ibackends',
                              '-Icheck'] + host['cflags'] + cfg.WARN +
                             cfg.plugin_dir_flags(args.prefix)))
    n.var('libs', ' '.join(host['libs']))
    n.rule('cc', '$cc -MMD -MF $out.d $cflags $vflags -c $in -o $out',
           depfile='$out.d', deps='gcc', description='CC $out')
    n.rule('dll', '$cc -shared -o $dll $in core/libpmem.def '
           '-Wl,--out-implib,$implib $libs', description='LINK $out')
    n.rule('plugin', '$cc -shared -o $out $in -static',
           description='LINK $out')
    n.rule('ar', 'rm -f $out && %s crs $out $in' % host['ar'],
           description='AR $out')
    n.rule('exe', '$cc -o $out $in $xlibs $libs', description='LINK $out')
    n.rule('copy', 'cp $in $out', description='CP $out')
    n.rule('configure', 'python3 configure.py --host=' + args.host,
           generator='1', description='CONFIGURE')
    n.build('build.ninja', 'configure',
            implicit=['configure.py', 'configure_windows.py'], default=False)

    table = 'build/gen/static_backends.c'
    cfg.write_static_table(os.path.join(top, table), static)
    lib_flags = ' '.join(release + ['-DPMEM_LIBRARY_BUILD'])
    objs = []
    for s in cfg.lib_srcs(host['os'], 'x86') + [table]:
        objs += n.build(cfg.objname('build', s), 'cc', [s], vflags=lib_flags)
    for b in static:
        src, isa = cfg.BACKENDS[b]
        objs += n.build(cfg.objname('build', src), 'cc', [src],
                        vflags=' '.join(release + isa))
    n.build(['build/libpmem.dll', 'build/libpmem.dll.a'], 'dll', objs,
            implicit=['core/libpmem.def'], dll='build/libpmem.dll',
            implib='build/libpmem.dll.a')
    n.build('build/libpmem.a', 'ar', objs)
    # The check variant (-DPMEM_CHECK: the shadow cache model), as
    # build/check on Linux, and pmem-check.exe on it (test_win_check).
    chk = cfg.CHECK_VFLAGS + ['-DPMEM_LIBRARY_BUILD']
    cobjs = []
    for s in cfg.lib_srcs(host['os'], 'x86', check=True) + [table]:
        cobjs += n.build(cfg.objname('build/check', s), 'cc', [s],
                         vflags=' '.join(chk))
    for b in static:
        src, isa = cfg.BACKENDS[b]
        cobjs += n.build(cfg.objname('build/check', src), 'cc', [src],
                         vflags=' '.join(cfg.CHECK_VFLAGS + isa))
    n.build('build/check/libpmem.a', 'ar', cobjs)
    cvf = ' '.join(cfg.CHECK_VFLAGS + cfg.CHECK_INC)
    o = n.build(cfg.objname('build/check', cfg.PMEM_CHECK),
                'cc', [cfg.PMEM_CHECK], vflags=cvf)
    o += n.build(cfg.objname('build/check', cfg.MATRIX), 'cc',
                 [cfg.MATRIX], vflags=cvf)
    # Exports its symbols and an import library, so that check plugins
    # reach pmem_check_record in it (-rdynamic on Linux).
    n.rule('exe_implib', '$cc -o $exe $in -Wl,--export-all-symbols,'
           '--out-implib,$implib $libs', description='LINK $exe')
    n.build(['build/check/pmem-check.exe', 'build/check/pmem-check.exe.a'],
            'exe_implib', o + ['build/check/libpmem.a'],
            exe='build/check/pmem-check.exe',
            implib='build/check/pmem-check.exe.a')
    # The broken check plugins of tests/test_pmem_check.sh as DLLs, and
    # a real backend's (clflush) built the same way.
    dur = ' '.join(cfg.CHECK_VFLAGS + ['-Itests/durability', '-mclflushopt',
                                       '-mclwb'])
    for s in cfg.srcs('tests/durability/plugins/*.c') + \
            [cfg.BACKENDS['clflush'][0]]:
        stem = os.path.splitext(os.path.basename(s))[0]
        po = n.build(cfg.objname('build/check', s, '.plugin'), 'cc', [s],
                     vflags=dur + ' -DPMEM_BACKEND_PLUGIN')
        n.build('build/check/plugins/%s.dll' % stem, 'plugin',
                po + ['build/check/pmem-check.exe.a'])
    # The debug DLL, as build/debug on Linux: PMEM_LOG_LEVEL and
    # PMEM_LOG_FILE honoured; a program loads it with build/debug first
    # on PATH (test_dll_log).
    dbg = ' '.join(['-O0', '-g', '-DPMEM_DEBUG', '-DPMEM_LIBRARY_BUILD'])
    dobjs = []
    for s in cfg.lib_srcs(host['os'], 'x86') + [table]:
        dobjs += n.build(cfg.objname('build/debug', s), 'cc', [s],
                         vflags=dbg)
    for b in static:
        src, isa = cfg.BACKENDS[b]
        dobjs += n.build(cfg.objname('build/debug', src), 'cc', [src],
                         vflags=' '.join(['-O0', '-g'] + isa))
    n.build(['build/debug/libpmem.dll', 'build/debug/libpmem.dll.a'],
            'dll', dobjs, implicit=['core/libpmem.def'],
            dll='build/debug/libpmem.dll',
            implib='build/debug/libpmem.dll.a')
    # Plugins: the backends that need nothing of the library as DLLs
    # (msync-fallback calls into it).
    for b, (src, isa) in cfg.BACKENDS.items():
        if b == 'msync-fallback':
            continue
        o = n.build(cfg.objname('build', src, '.plugin'), 'cc', [src],
                    vflags=' '.join(release + isa +
                                    ['-DPMEM_BACKEND_PLUGIN']))
        n.build('build/backends/%s.dll' % b, 'plugin', o)

    vf = ' '.join(release)
    # pmem-info.exe: linked statically, as on Linux (it reads internals).
    o = []
    for s in ['tools/pmem-info.c'] + cfg.tool_srcs('pmem-info', host['os']):
        o += n.build(cfg.objname('build', s), 'cc', [s], vflags=vf)
    n.build('build/pmem-info.exe', 'exe', o + ['build/libpmem.a'],
            xlibs='-lm')
    dll_users = []
    for s in cfg.srcs('docs/examples/*.c'):
        prog = os.path.splitext(os.path.basename(s))[0]
        o = n.build(cfg.objname('build', s), 'cc', [s], vflags=vf)
        dll_users += n.build('build/examples/%s.exe' % prog, 'exe',
                             o + ['build/libpmem.dll.a'])
    # Test programs: test_dll_* use the DLL as a program would, the others
    # link build/libpmem.a to reach the internals (the backend matrix).
    tests = []
    matrix = n.build(cfg.objname('build', cfg.MATRIX), 'cc', [cfg.MATRIX],
                     vflags=vf + ' -Itests -Icheck/pmem-check')
    for s in cfg.srcs(TESTS + '/*.c'):
        prog = os.path.splitext(os.path.basename(s))[0]
        o = n.build(cfg.objname('build', s), 'cc', [s],
                    vflags=vf + ' -Itests -Icheck/pmem-check -I' + TESTS)
        if prog.startswith('test_dll_') or prog.startswith('pmdk_'):
            tests += n.build('build/tests/%s.exe' % prog, 'exe',
                             o + ['build/libpmem.dll.a'])
        else:
            tests += n.build('build/tests/%s.exe' % prog, 'exe',
                             o + matrix + ['build/libpmem.a'])
    # Wine finds the DLL next to the program.
    for d in ('build/tests', 'build/examples'):
        n.build(d + '/libpmem.dll', 'copy', ['build/libpmem.dll'])

    # The examples run too: each exits non-zero when a call fails.
    tests += dll_users
    n.rule('run_tests', host['runner'] + ' python3 tests/run.py $in',
           pool='console', description='TEST (Wine)')
    n.build('test', 'run_tests', tests, implicit=['all'], default=False)
    n.build('all', 'phony', n.defaults, default=False)
    n.lines.append('default all')
    with open(os.path.join(top, 'build.ninja'), 'w') as f:
        f.write(n.text())
    print('configure.py: wrote build.ninja for %s (static backends: %s)'
          % (args.host, ', '.join(static)))
