#!/usr/bin/env python3
"""test_layout.py -- the folder tree is the architecture (issue 18 item 1).

Builds the include graph of the library's sources and fails on:
  - an arrow going the wrong way between parts (ALLOWED below; the same
    rules are in each folder's README.md and docs/architecture.md);
  - an OS header (unistd.h, windows.h, sys/*.h, dlfcn.h...) outside os/,
    arch/ and the programs, or an intrinsics header outside arch/, prims/
    and backends/;
  - an #if/#ifdef on an ISA or OS macro outside arch/, os/, include/,
    prims/ and tests/;
  - a string compare against a backend name outside the descriptors
    (backends/) and the tests;
  - a folder without its README.md rule line.
With --root DIR it checks another tree (its own self test plants a
violation in a copy and expects a failure).  Ends with
"layout: N passed, N failed".
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Part of a file: the first rule whose prefix matches.
PARTS = [
    ('include/', 'include'),
    ('core/', 'core'),
    ('base/', 'base'),
    ('os/linux/', 'os-linux'),
    ('os/windows/', 'os-windows'),
    ('os/', 'os'),
    ('arch/x86_64/', 'arch-isa'),
    ('arch/aarch64/', 'arch-isa'),
    ('arch/ppc64/', 'arch-isa'),
    ('arch/', 'arch'),
    ('prims/', 'prims'),
    ('backends/', 'backends'),
    ('check/pmem-check/', 'program'),
    ('check/', 'check'),
    ('tools/', 'program'),
    ('bench/', 'program'),
    ('docs/examples/', 'program'),
    ('tests/', 'test'),
]

# What each part may include.  os is the OS contract (os/*.h, a leaf),
# os-common the OS-neutral code of the OS layer (os/*.c), os-<os> one OS's
# implementation.  base may include the contract (strerror, getenv) and
# the OS layer base (messages): the graph of parts stays acyclic.
BELOW_CORE = {'base', 'os', 'arch', 'prims', 'include'}
ALLOWED = {
    'include': {'include'},
    'prims': {'prims', 'include'},
    'arch': {'arch', 'include'},
    'arch-isa': {'arch', 'prims', 'include'},
    'os': {'os', 'include'},
    'base': {'base', 'os', 'include'},
    'os-common': {'os', 'base', 'include'},
    'os-linux': {'os-linux', 'os', 'base', 'include'},
    'os-windows': {'os-windows', 'os', 'base', 'include'},
    'backends': {'backends', 'prims', 'include'},
    'check': {'check', 'prims', 'os', 'include'},
    'core': {'core'} | BELOW_CORE,
}

# Folders whose README.md carries a "Rule:" line.
RULE_DIRS = ['include', 'core', 'base', 'os', 'os/linux', 'os/windows',
             'arch', 'prims', 'backends', 'check']

OS_HEADER = re.compile(
    r'^(unistd|windows|winbase|winioctl|dlfcn|fcntl|elf|link|io|direct|'
    r'shlobj|aclapi|sddl|sys/.*|linux/.*|asm/.*)\.h$')
INTRIN_HEADER = re.compile(
    r'^(immintrin|x86intrin|emmintrin|xmmintrin|smmintrin|cpuid|arm_acle|'
    r'arm_neon|altivec)\.h$')
OS_HEADER_OK = {'include', 'os', 'os-common', 'os-linux', 'os-windows', 'arch-isa', 'program',
                'test'}
INTRIN_OK = {'arch-isa', 'prims', 'backends', 'program', 'test'}
MACRO = re.compile(
    r'^\s*#\s*(if|ifdef|ifndef|elif)\b.*\b(__x86_64__|__i386__|_M_X64|'
    r'__aarch64__|__arm__|__powerpc64__|__powerpc__|__PPC64__|_ARCH_PPC\w*|'
    r'_WIN32|_WIN64|__MINGW\w*|__linux__|__unix__|__APPLE__|__FreeBSD__)\b')
MACRO_OK = {'include', 'arch', 'arch-isa', 'os', 'os-linux', 'os-windows',
            'prims', 'test'}

# Known exceptions, each with its reason; a listed file that no longer
# breaks the rule fails too, so the list only shrinks.
KNOWN = {}


def part_of(path):
    if path.startswith('os/') and path.count('/') == 1 and \
            path.endswith('.c'):
        return 'os-common'	# OS-neutral code of the OS layer
    for prefix, part in PARTS:
        if path.startswith(prefix):
            return part
    return None


def sources(root):
    out = []
    for top in [p for p, _ in PARTS if p.count('/') == 1] + ['docs/']:
        for d, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if f.endswith(('.c', '.h')):
                    out.append(os.path.relpath(os.path.join(d, f), root))
    return sorted(set(out))


def strip_comments(text):
    return re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'),
                  text, flags=re.S)


def check(root):
    files = sources(root)
    by_name = {}
    for f in files:
        by_name.setdefault(os.path.basename(f), []).append(f)
    problems = []
    edges = 0
    for f in files:
        part = part_of(f)
        text = strip_comments(open(os.path.join(root, f),
                                   errors='replace').read())
        for ln, line in enumerate(text.split('\n'), 1):
            m = re.match(r'\s*#\s*include\s*([<"])([^>"]+)[>"]', line)
            if m:
                name = m.group(2)
                if m.group(1) == '<':
                    if OS_HEADER.match(name) and part not in OS_HEADER_OK:
                        problems.append((f, 'os header ' + name, ln))
                    if INTRIN_HEADER.match(name) and part not in INTRIN_OK:
                        problems.append((f, 'intrinsics header ' + name, ln))
                    continue
                here = os.path.normpath(os.path.join(os.path.dirname(f),
                                                     name))
                target = here if here in files else None
                if target is None:
                    cands = by_name.get(os.path.basename(name), [])
                    cands = [c for c in cands if c.endswith(name) and
                             part_of(c) not in ('test', 'program')]
                    target = cands[0] if len(cands) == 1 else None
                if target is None or part not in ALLOWED:
                    continue
                edges += 1
                to = part_of(target)
                if to not in ALLOWED[part]:
                    problems.append((f, 'includes %s (%s -> %s)'
                                     % (target, part, to), ln))
            if MACRO.match(line) and part not in MACRO_OK:
                problems.append((f, '#if on an ISA/OS macro', ln))
    # Backend names: from the descriptors, compared nowhere else.
    names = set()
    for f in files:
        if part_of(f) == 'backends':
            names |= set(re.findall(r'\.name\s*=\s*"([^"]+)"',
                                    open(os.path.join(root, f)).read()))
    if names:
        alt = '|'.join(re.escape(n) for n in sorted(names))
        cmp_re = re.compile(r'(str\w*cmp\s*\([^;]*"(%s)"|"(%s)"\s*\)\s*'
                            r'[=!]=\s*0)' % (alt, alt))
        for f in files:
            if part_of(f) in ('backends', 'test'):
                continue
            text = strip_comments(open(os.path.join(root, f),
                                       errors='replace').read())
            for ln, line in enumerate(text.split('\n'), 1):
                if cmp_re.search(line):
                    problems.append((f, 'compares a backend name', ln))
    for d in RULE_DIRS:
        p = os.path.join(root, d, 'README.md')
        if not os.path.exists(p) or not any(
                l.startswith('Rule: ') for l in open(p)):
            problems.append((d + '/README.md', 'no "Rule: " line', 0))
    return problems, edges, names


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
    selftest = True
    if sys.argv[1:2] == ['--root']:
        root, selftest = sys.argv[2], False
    passed = failed = 0

    def ok(msg):
        nonlocal passed
        passed += 1
        print('ok   ' + msg)

    def bad(msg):
        nonlocal failed
        failed += 1
        print('FAIL ' + msg)

    problems, edges, names = check(root)
    seen = set()
    for f, what, ln in problems:
        if (f, what) in KNOWN:
            seen.add((f, what))
            continue
        bad('%s:%d: %s' % (f, ln, what))
    for k, why in sorted(KNOWN.items()):
        if k in seen:
            ok('known: %s: %s (%s)' % (k[0], k[1], why))
        else:
            bad('KNOWN entry %s: %s no longer happens: remove it' % k)
    if edges < 50 or len(names) < 5:
        bad('include graph too small (%d arrows, %d backend names): the '
            'parser broke' % (edges, len(names)))
    elif not [p for p in problems if (p[0], p[1]) not in KNOWN]:
        ok('%d include arrows run one way; no ISA/OS #if, no OS header, no '
           'backend-name compare out of place (%d backend names)'
           % (edges, len(names)))
    if selftest:
        # Plant one violation of each kind in a copy: each must be found.
        plants = [
            ('core/select.c', '#include "os_windows.h"\n', 'includes'),
            ('prims/pm_prims.h', '#include "ops.h"\n', 'includes'),
            ('core/memops.c', '#ifdef __x86_64__\n#endif\n', '#if on'),
            ('core/ops.c', '#include <windows.h>\n', 'os header'),
            ('base/err.c', '#include <immintrin.h>\n', 'intrinsics'),
            ('core/select_rules.c',
             'static int f(const char *s) { return !strcmp(s, "nop"); }\n',
             'backend name'),
        ]
        for f, text, want in plants:
            tmp = tempfile.mkdtemp(prefix='layout.')
            try:
                for d in [p for p, _ in PARTS if p.count('/') == 1] + \
                        ['docs/']:
                    if os.path.isdir(os.path.join(root, d)):
                        shutil.copytree(os.path.join(root, d),
                                        os.path.join(tmp, d))
                with open(os.path.join(tmp, f), 'a') as fh:
                    fh.write(text)
                got, _, _ = check(tmp)
                hit = [p for p in got if p[0] == f and want in p[1]]
                if hit:
                    ok('planted in %s is found: %s' % (f, hit[0][1]))
                else:
                    bad('planted %r in %s not found' % (text.strip(), f))
            finally:
                shutil.rmtree(tmp)
    print('layout: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
