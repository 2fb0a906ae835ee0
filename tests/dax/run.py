#!/usr/bin/env python3
"""Boots the qemu DAX guest and reports its checks on the host.

    run.py [--dir build/dax] [--timeout S] [--serial] [--keep]

Two boots of the same kernel and initramfs (software emulation, no KVM),
each with two emulated NVDIMMs backed by fresh sparse files, run side by
side (--serial: one after the other):
  mem-ctrl  nvdimm-persistence=mem-ctrl: Device DAX, ext4 -o dax, tmpfs,
            deep flush, pmem_has_auto_flush 0; then the host looks for the
            data the guest wrote with pmem_memcpy_persist in the backing
            file of the Device DAX NVDIMM.
  cpu       nvdimm-persistence=cpu: pmem_has_auto_flush 1, flush choice nop.
Prints one line per check (result, boot, name: detail), the serial log of
a boot that went wrong, and "dax: N passed, N failed, N skipped"; exits 1
on any failure.  Logs stay in DIR/boot-*.log.
"""
import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time

NVDIMM_MIB = 256
RESULT = re.compile(r'DAXT: (ok|FAIL|SKIP) (.*)$')
HDR_LEN = 64
BOOTS = ('mem-ctrl', 'cpu')


def qemu_cmd(kernel, initrd, persistence, nonce, images):
    cmd = ['qemu-system-x86_64', '-accel', 'tcg', '-smp', '2', '-cpu', 'max',
           '-machine', 'pc,nvdimm=on,nvdimm-persistence=' + persistence,
           '-m', '512M,slots=2,maxmem=2G']
    for i, img in enumerate(images):
        cmd += ['-object', 'memory-backend-file,id=mem%d,share=on,'
                'mem-path=%s,size=%dM,align=2M' % (i, img, NVDIMM_MIB),
                '-device', 'nvdimm,memdev=mem%d,id=nv%d' % (i, i)]
    cmd += ['-kernel', kernel, '-initrd', initrd,
            # no_timer_check: on a loaded host the emulated CPU is too
            # slow for the kernel's IO-APIC timer test, which then panics.
            '-append', 'console=ttyS0 panic=-1 quiet loglevel=3 '
            'no_timer_check '
            'daxmode=%s daxnonce=%08x' % (persistence, nonce),
            '-nographic', '-serial', 'stdio', '-monitor', 'none',
            '-nic', 'none', '-no-reboot']
    return cmd


class Boot:
    """One guest run to power-off; its serial output and what it took."""

    def __init__(self, d, persistence, timeout):
        self.persistence = persistence
        self.nonce = secrets.randbits(32)
        self.images = []
        for i in range(2):
            img = os.path.join(d, 'nvdimm-%s-%d.img' % (persistence, i))
            with open(img, 'wb') as f:         # fresh, sparse
                f.truncate(NVDIMM_MIB << 20)
            self.images.append(img)
        # The ELF kernel boots through PVH without decompressing itself.
        kernel = os.path.join(d, 'vmlinux')
        if not os.path.exists(kernel):
            kernel = os.path.join(d, 'vmlinuz')
        self.cmd = qemu_cmd(kernel, os.path.join(d, 'initramfs.cpio'),
                            persistence, self.nonce, self.images)
        self.log_path = os.path.join(d, 'boot-%s.log' % persistence)
        self.timeout = timeout
        self.text, self.rc, self.secs = '', None, 0.0

    def run(self):
        self.run_once()
        if 'DAXT: begin' not in self.text:
            # The guest died before /init ran: a boot problem, not a test
            # result.  Once more, keeping the first log.
            first = self.text
            self.run_once()
            self.text = first + '\n[run.py: retried boot]\n' + self.text
            with open(self.log_path, 'w') as f:
                f.write(' '.join(self.cmd) + '\n\n' + self.text)

    def run_once(self):
        t0 = time.monotonic()
        try:
            proc = subprocess.run(self.cmd, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT,
                                  timeout=self.timeout)
            out, self.rc = proc.stdout, proc.returncode
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b'') + b'\n[run.py: timed out]\n'
        except OSError as e:
            out = ('[run.py: %s]\n' % e).encode()
        self.secs += time.monotonic() - t0
        self.text = out.decode('utf-8', 'replace').replace('\r', '')
        with open(self.log_path, 'w') as f:
            f.write(' '.join(self.cmd) + '\n\n' + self.text)


class Results:
    def __init__(self):
        self.counts = {'ok': 0, 'FAIL': 0, 'SKIP': 0}

    def add(self, status, boot, text):
        self.counts[status] += 1
        print('%-4s %-8s %s' % (status, boot, text), flush=True)


def pattern(n, seed):
    """Same bytes as pattern() in dax_tests.c."""
    return bytes((((i * 2654435761 + seed) & 0xffffffff) >> 24)
                 for i in range(n))


def host_check(res, image, what, nonce, name):
    """Data the guest wrote with write_marked() (dax_tests.c), found in
    an NVDIMM's backing file."""
    with open(image, 'rb') as f:
        data = f.read()
    hdr = b'libpmem-dax-tier %s nonce=%08x ' % (what.encode(), nonce)
    at = data.find(hdr)
    if at < 0:
        res.add('FAIL', 'host', name + ': no header with this boot\'s nonce '
                'in ' + os.path.basename(image))
        return
    m = re.match(rb'len=(\d+)\n', data[at + len(hdr):at + HDR_LEN])
    n = int(m.group(1)) if m else 0
    ok = n > 0 and data[at + HDR_LEN:at + HDR_LEN + n] == pattern(n, nonce)
    res.add('ok' if ok else 'FAIL', 'host', name +
            (': %d bytes at offset %d of %s' % (n, at + HDR_LEN,
                                                 os.path.basename(image))
             if ok else ': the %d bytes after the header differ' % n))


def report(res, b, keep):
    fails_before = res.counts['FAIL']
    done = False
    for line in b.text.splitlines():
        if 'DAXT: done' in line:
            done = True
        m = RESULT.search(line.strip())
        if m:
            res.add(m.group(1), b.persistence, m.group(2))
    if not done:
        res.add('FAIL', b.persistence, 'guest tests ran to the end: %s'
                % ('timed out after %d s' % b.timeout if b.rc is None
                   else 'no "done" line, qemu exit status %s' % b.rc))
    elif b.rc != 0:
        res.add('FAIL', b.persistence, 'qemu exit status %s' % b.rc)
    if b.persistence == 'mem-ctrl' and done:
        host_check(res, b.images[0], 'devdax', b.nonce,
                   'data written with pmem_memcpy_persist to /dev/dax0.0 '
                   'is in its NVDIMM\'s backing file')
        host_check(res, b.images[1], 'ext4-dax', b.nonce,
                   'data written with pmem_memcpy_persist to a MAP_SYNC '
                   'file on ext4 -o dax (no msync) is in its NVDIMM\'s '
                   'backing file')
    # Guest clock at /init's start and end: kernel boot vs tests.
    up = re.findall(r'DAXT: (?:begin|end)\b.*uptime ([\d.]+) s', b.text)
    guest = (' (guest: /init at %s s, done at %s s)' % tuple(up[-2:])
             if len(up) >= 2 else '')
    print('== boot %s: %.1f s wall%s, log %s'
          % (b.persistence, b.secs, guest, b.log_path), flush=True)
    if res.counts['FAIL'] > fails_before:
        print('---- serial log of the %s boot ----' % b.persistence)
        print(b.text.rstrip())
        print('---- end of log ----', flush=True)
    if not keep:
        for img in b.images:
            os.unlink(img)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument('--dir', default='build/dax')
    ap.add_argument('--timeout', type=int, default=300,
                    help='seconds per boot (default 300)')
    ap.add_argument('--serial', action='store_true',
                    help='boot one guest after the other')
    ap.add_argument('--keep', action='store_true',
                    help='keep the NVDIMM backing files')
    args = ap.parse_args()
    if not shutil.which('qemu-system-x86_64'):
        subprocess.run(['sh', os.path.join(os.path.dirname(__file__),
                                           'deps.sh')], check=True)
    t0 = time.monotonic()
    boots = [Boot(args.dir, p, args.timeout) for p in BOOTS]
    if args.serial:
        for b in boots:
            b.run()
    else:
        threads = [threading.Thread(target=b.run) for b in boots]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    res = Results()
    for b in boots:
        report(res, b, args.keep)
    c = res.counts
    print('== qemu DAX tier: %.1f s wall for both boots'
          % (time.monotonic() - t0))
    print('dax: %d passed, %d failed, %d skipped'
          % (c['ok'], c['FAIL'], c['SKIP']))
    return 1 if c['FAIL'] or not c['ok'] else 0


if __name__ == '__main__':
    sys.exit(main())
