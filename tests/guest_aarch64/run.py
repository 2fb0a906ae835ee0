#!/usr/bin/env python3
"""Boots an AArch64 system guest (qemu-system-aarch64, TCG, -cpu max) with
Debian's arm64 kernel and an initramfs holding /init (init.c) and the
static check-build pmem-check, so the dc-cvap pairs run with DC CVAP
executing, which qemu-user cannot do (docs/testing.md, "AArch64").

  run.py --kernel VMLINUZ --init INIT --pmem-check PMEM_CHECK --deep DEEP
         [--timeout S]

Prints the guest's result lines and ends with its
"guest: N passed, N failed, N skipped" line; exits 1 on a failure or when
the guest gives no summary.  Standard library only.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile


def cpio_entry(name, mode, data=b'', rdev=(0, 0)):
    """One newc record (no hard links, uid/gid 0)."""
    fields = [0, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1],
              len(name) + 1, 0]
    head = b'070701' + b''.join(b'%08X' % f for f in fields)
    rec = head + name.encode() + b'\0'
    rec += b'\0' * (-len(rec) % 4)
    rec += data + b'\0' * (-len(data) % 4)
    return rec


def initramfs(files):
    out = b''
    for d in ('dev', 'proc', 'sys', 'tmp'):
        out += cpio_entry(d, 0o040755)
    out += cpio_entry('dev/console', 0o020600, rdev=(5, 1))
    for name, path in files:
        with open(path, 'rb') as f:
            out += cpio_entry(name, 0o100755, f.read())
    out += cpio_entry('TRAILER!!!', 0)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument('--kernel', required=True)
    ap.add_argument('--init', required=True)
    ap.add_argument('--pmem-check', required=True)
    ap.add_argument('--deep', required=True)
    ap.add_argument('--timeout', type=int, default=900)
    ap.add_argument('--qemu', default='qemu-system-aarch64')
    a = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix='libpmem-guest.') as tmp:
        cpio = os.path.join(tmp, 'initramfs.cpio')
        with open(cpio, 'wb') as f:
            f.write(initramfs([('init', a.init),
                               ('pmem-check', a.pmem_check),
                               ('deep', a.deep)]))
        cmd = [a.qemu, '-M', 'virt', '-cpu', 'max', '-smp', '1',
               '-m', '1024', '-nographic', '-no-reboot',
               '-kernel', a.kernel, '-initrd', cpio,
               '-append', 'console=ttyAMA0 rdinit=/init panic=-1 quiet']
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=a.timeout,
                               stdin=subprocess.DEVNULL)
            out = p.stdout.decode(errors='replace')
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b'').decode(errors='replace')
            out += '\n(guest timed out after %d s)\n' % a.timeout
    for line in out.splitlines():
        line = line.rstrip('\r')
        if line.startswith(('guest:', 'pmem-check:', 'deep:', 'FAIL')):
            print(line)
    m = re.search(r'^guest: (\d+) passed, (\d+) failed', out, re.M)
    if not m:
        print(out[-3000:])
        print('guest: 0 passed, 1 failed (no summary from the guest)')
        return 1
    return 1 if int(m.group(2)) else 0


if __name__ == '__main__':
    sys.exit(main())
