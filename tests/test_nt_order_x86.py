#!/usr/bin/env python3
"""test_nt_order_x86.py -- the nt-* copy backends store in address order.

The compiler may schedule the non-temporal stores of one block in any
order; on Intel family 6 model 0xa7 a line whose parts were stored apart
read back 2.5-3 times slower (backends/nt_copy.h, NT_IN_ORDER;
docs/performance.md, "NT stores in address order").  This disassembles the
built nt-* objects (linked-in and plugin) and fails when, in a run of
consecutive NT stores through one base register, an offset is not above
the one before.  A self test feeds it a reordered run, which must fail.
Ends with "nt-order: N passed, N failed".
"""
import glob
import re
import subprocess
import sys

NT_STORE = re.compile(r'\s(v?movntdq|movnti)\s+%\w+,(-?0x[0-9a-f]+|)\((%\w+)\)')


def disorders(asm):
    """(previous, offending) offset pairs of out-of-order runs, and the
    number of NT stores seen."""
    bad, seen, run = [], 0, None    # run: (base, last offset)
    for line in asm.splitlines():
        m = NT_STORE.search(line)
        if not m:
            if line.strip() and not line.endswith(':'):
                run = None
            continue
        seen += 1
        off = int(m.group(2), 16) if m.group(2) else 0
        base = m.group(3)
        if run and run[0] == base and off <= run[1]:
            bad.append((run[1], off))
        run = (base, off)
    return bad, seen


def main():
    passed = failed = 0

    def ok(msg):
        nonlocal passed
        passed += 1
        print('ok   ' + msg)

    def fail(msg):
        nonlocal failed
        failed += 1
        print('FAIL ' + msg)

    planted = ('  a: vmovntdq %ymm6,-0xe0(%rax)\n'
               '  b: vmovntdq %ymm5,-0xc0(%rax)\n'
               '  c: vmovntdq %ymm7,-0x100(%rax)\n')
    b, _ = disorders(planted)
    if b:
        ok('a reordered run is found (%d after %d)' % (b[0][1],
                                                   b[0][0]))
    else:
        fail('a reordered run was not found')
    objs = sorted(glob.glob('build/obj/backends/x86_64/nt_*.o'))
    if not objs:
        fail('no build/obj/backends/x86_64/nt_*.o: build first')
    for o in objs:
        asm = subprocess.run(['objdump', '-d', '--no-show-raw-insn', o],
                             check=True, capture_output=True,
                             text=True).stdout
        b, seen = disorders(asm)
        if seen < 8:
            fail('%s: only %d NT stores found: the parser broke' % (o, seen))
        elif b:
            fail('%s: NT stores out of address order: %s' % (
                o, ', '.join('%d after %d' % (y, x)
                             for x, y in b[:4])))
        else:
            ok('%s: %d NT stores, every run in address order' % (o, seen))
    print('nt-order: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
