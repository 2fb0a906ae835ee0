#!/usr/bin/env python3
"""test_abi.py -- is build/libpmem.so.1 a drop-in for Debian's libpmem.so.1?

Compares the dynamic symbol tables (`objdump -T`) of our library and the
system's.  Fails when a symbol PMDK exports under LIBPMEM_1.0 is missing or
has another type, when we export anything under LIBPMEM_1.0 that PMDK does
not, and when anything is exported that core/libpmem.map does not list (an
internal symbol leaking out of -fvisibility=hidden).

Usage: test_abi.py [OUR_LIB [SYSTEM_LIB]]
Prints one line per check and "abi: N passed, N failed".
"""
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The target's tools: a cross build's `ninja test` sets them (configure.py, HOSTS).
CC = os.environ.get('CC', 'cc')
OBJDUMP = os.environ.get('OBJDUMP', 'objdump')
LDD = shlex.split(os.environ.get('LDD', 'ldd'))
SYSTEM = '/usr/lib/x86_64-linux-gnu/libpmem.so.1'
# A cross build compares with PMDK's library for the target instead
# (tools/install-deps-cross.sh unpacks Debian's libpmem1:arm64).
SYSTEM = os.environ.get('PMDK_LIBPMEM', SYSTEM)
BASE = 'LIBPMEM_1.0'
EXT = 'LIBPMEM_EXT_1.0'
# In the map but defined only by the check build (build/check/), where
# plugins call it; the release library must not have it.
CHECK_ONLY = {'pmem_check_record'}

results = []


def check(ok, what):
    results.append(bool(ok))
    print('%s %s' % ('ok  ' if ok else 'FAIL', what))


def exported(lib):
    """{name: (version, type)} of the symbols lib defines."""
    out = subprocess.run([OBJDUMP, '-T', lib], stdout=subprocess.PIPE,
                         check=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        f = line.split()
        # addr flags... type section size version name
        if len(f) < 6 or not re.fullmatch(r'[0-9a-f]{16}', f[0]):
            continue
        if '*UND*' in f:
            continue
        if f[1] == 'l':     # local: the section symbols AArch64's ld lists
            continue
        if re.fullmatch(r'0x[0-9a-f]+', f[-2]):
            del f[-2]       # ppc64 ELFv2: st_other (local entry offset)
        name, version = f[-1], f[-2]
        if name == version:        # the version definition itself
            continue
        typ = 'DF' if 'DF' in f else 'DO' if 'DO' in f else '?'
        syms[name] = (version, typ)
    return syms


def map_nodes(path):
    """{node: set(global names)} of a version script."""
    text = re.sub(r'/\*.*?\*/', '', open(path).read(), flags=re.S)
    nodes = {}
    for m in re.finditer(r'(\w[\w.]*)\s*\{(.*?)\}', text, re.S):
        body = m.group(2)
        glob = re.search(r'global:(.*?)(local:|$)', body, re.S)
        names = re.findall(r'([\w*]+)\s*;', glob.group(1) if glob else '')
        nodes[m.group(1)] = set(names)
    return nodes


def reverse(ours_path, sys_path):
    """The other direction: a program built against OUR header and library
    references only LIBPMEM_1.0 and runs on PMDK's libpmem.so.1."""
    tmp = tempfile.mkdtemp(prefix='libpmem-abi.')
    try:
        exe = os.path.join(tmp, 'hello')
        cc = subprocess.run(
            [CC, '-I' + os.path.join(TOP, 'include'),
             os.path.join(TOP, 'docs/examples/hello.c'),
             '-L' + os.path.dirname(ours_path), '-l:libpmem.so.1',
             '-o', exe], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        check(cc.returncode == 0, 'hello.c builds against our header and '
              'library %s' % cc.stdout.strip())
        if cc.returncode != 0:
            return
        out = subprocess.run([OBJDUMP, '-T', exe], stdout=subprocess.PIPE,
                             check=True, text=True).stdout
        vers = set(re.findall(r'\(?(LIBPMEM[\w.]*)\)?\s+(?:0x[0-9a-f]+\s+)?'
                          r'pmem_', out))
        check(vers == {BASE}, 'it references pmem_* under %s only (%s)'
              % (BASE, sorted(vers)))
        env = dict(os.environ, LD_LIBRARY_PATH=os.path.dirname(sys_path))
        env.pop('LD_PRELOAD', None)
        run = subprocess.run([exe, os.path.join(tmp, 'file')], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
        check(run.returncode == 0 and 'hello, persistent memory' in run.stdout,
              "it runs on PMDK's %s: %s" % (sys_path, run.stdout.strip()))
        ldd = subprocess.run(LDD + [exe], env=env, stdout=subprocess.PIPE,
                             text=True).stdout
        check(os.path.realpath(sys_path) in
              [os.path.realpath(w) for w in ldd.split() if 'libpmem' in w],
              "the loader gave it PMDK's library")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ours_path = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.join(TOP, 'build/libpmem.so.1')
    sys_path = sys.argv[2] if len(sys.argv) > 2 else SYSTEM
    if not os.path.exists(sys_path):
        print('SKIP abi: %s not installed (apt-get install libpmem1)'
              % sys_path)
        return 0
    if not os.path.exists(ours_path):
        print('FAIL %s not built' % ours_path)
        print('abi: 0 passed, 1 failed')
        return 1
    ours, theirs = exported(ours_path), exported(sys_path)
    nodes = map_nodes(os.path.join(TOP, 'core/libpmem.map'))
    pmdk = {n for n, (v, _) in theirs.items() if v == BASE}

    check(pmdk, 'system library exports %d symbols under %s'
          % (len(pmdk), BASE))
    check(nodes.get(BASE) == pmdk,
          'core/libpmem.map %s is exactly the system set (extra: %s, '
          'missing: %s)' % (BASE, sorted(nodes.get(BASE, set()) - pmdk),
                            sorted(pmdk - nodes.get(BASE, set()))))
    for name in sorted(pmdk):
        got = ours.get(name)
        check(got == (BASE, theirs[name][1]),
              '%s exported as %s@%s (ours: %s)'
              % (name, theirs[name][1], BASE, got))
    base_extra = sorted(n for n, (v, _) in ours.items()
                        if v == BASE and n not in pmdk)
    check(not base_extra, 'nothing more under %s (extra: %s)'
          % (BASE, base_extra))
    listed_ext = nodes.get(EXT, set())
    leaks = sorted('%s@%s' % (n, v) for n, (v, _) in ours.items()
                   if not (v == BASE and n in pmdk) and
                   not (v == EXT and n in listed_ext))
    check(not leaks, 'no internal symbol exported (leaks: %s)' % leaks)
    for name in sorted(listed_ext - CHECK_ONLY):
        check(ours.get(name, ('', ''))[0] == EXT,
              '%s exported under %s (ours: %s)' % (name, EXT, ours.get(name)))
    for name in sorted(CHECK_ONLY):
        check(name not in ours, '%s (check build only) not exported' % name)
    # Not only unexported: the durability model (check/*.c) is not linked
    # into the release library at all (configure.py builds check/ only
    # for build/check/).
    symtab = subprocess.run([OBJDUMP, '-t', ours_path],
                            stdout=subprocess.PIPE, check=True,
                            text=True).stdout
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
    defined = set()     # the functions check/*.c defines
    for f in glob.glob(os.path.join(top, 'check', '*.c')):
        defined |= set(re.findall(r'^(?!static)[a-z][\w \*]*?\b(\w+)\(',
                                  open(f).read(), re.M))
    model = sorted(set(re.findall(r'(\w+)$', symtab, re.M)) & defined)
    check(len(defined) > 10, 'check/*.c functions found (%d)' % len(defined))
    check(not model, 'no check-model symbol in the release library (%s)'
          % model)
    data = sorted(n for n, (_, t) in ours.items() if t != 'DF')
    check(not data, 'only functions exported (data: %s)' % data)

    dyn = subprocess.run([OBJDUMP, '-p', ours_path], stdout=subprocess.PIPE,
                         check=True, text=True).stdout
    check(re.search(r'SONAME\s+libpmem\.so\.1\b', dyn), 'soname libpmem.so.1')
    check(re.search(r'\b%s\b' % re.escape(BASE), dyn) and
          re.search(r'\b%s\b' % re.escape(EXT), dyn),
          'version definitions %s and %s present' % (BASE, EXT))
    # Start-up cost: libdaxctl (and what it pulls in) is dlopen'd on the
    # first Device DAX lookup, never loaded with the library.
    needed = set(n for n in re.findall(r'NEEDED\s+(\S+)', dyn)
                 if not re.match(r'lib(a|ub|t)san\.so', n))  # --sanitize
    check(needed <= {'libc.so.6', 'ld-linux-x86-64.so.2', 'libdl.so.2',
                     'libpthread.so.0', 'ld64.so.2'},
          'links only libc (NEEDED: %s)' % ' '.join(sorted(needed)))

    reverse(ours_path, sys_path)

    failed = results.count(False)
    print('abi: %d passed, %d failed' % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
