#!/usr/bin/env python3
"""Boots the qemu DAX guests and reports their checks on the host.

    run.py [--dir build/dax] [--timeout S] [--serial] [--keep]
           [--only mem-ctrl,cpu,cxl,virtio] [--jobs N]

Four boots of the same kernel and initramfs (software emulation, no KVM),
each with its persistent memory backed by fresh sparse files, run side by
side (--serial: one after the other):
  mem-ctrl  NVDIMM guest, nvdimm-persistence=mem-ctrl: Device DAX, ext4 -o
            dax, tmpfs, deep flush, pmem_has_auto_flush 0; then the host
            looks for the data the guest wrote in the NVDIMMs' files.
  cpu       NVDIMM guest, nvdimm-persistence=cpu: pmem_has_auto_flush 1,
            flush choice nop.
  cxl       CXL guest: a type-3 device, `cxl create-region`, an fsdax and a
            devdax namespace; the NVDIMM checks, every backend pair, and
            the data in the device's backing file.
  virtio    virtio-pmem guest: ext4 -o dax without MAP_SYNC, is_pmem 0 with
            every backend pair, pmem_msync reaching the host, then a crash
            (sysrq c) and the data in the backing file.
Prints one line per check (result, boot, name: detail), the serial log of
a boot that went wrong, one "dax GUEST: N passed, ..." line per guest
(NVDIMM, CXL, virtio-pmem) and "dax: N passed, N failed, N skipped";
exits 1 on any failure.  Logs stay in DIR/boot-*.log.
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
CXL_MIB = 256           # a multiple of 256 MiB, as the CXL window needs
LSA_KIB = 256
VIRTIO_MIB = 256
RESULT = re.compile(r'DAXT: (ok|FAIL|SKIP) (.*)$')
HDR_LEN = 64
# Boot name -> the guest it belongs to (one summary line per guest).
BOOTS = (('mem-ctrl', 'NVDIMM'), ('cpu', 'NVDIMM'), ('cxl', 'CXL'),
         ('virtio', 'virtio-pmem'))
GUESTS = ('NVDIMM', 'CXL', 'virtio-pmem')


def backend(i, path, mib, extra=''):
    return ['-object', 'memory-backend-file,id=mem%d,share=on,'
            'mem-path=%s,size=%dM%s' % (i, path, mib, extra)]


def images_for(mode):
    """(file name suffix, size in bytes) of each backing file."""
    if mode in ('mem-ctrl', 'cpu'):
        return [('nvdimm-%d' % i, NVDIMM_MIB << 20) for i in range(2)]
    if mode == 'cxl':
        return [('cxl-mem', CXL_MIB << 20), ('cxl-lsa', LSA_KIB << 10)]
    return [('virtio-pmem', VIRTIO_MIB << 20)]


def devices(mode, images):
    """The machine and its persistent memory (see docs/testing.md)."""
    if mode in ('mem-ctrl', 'cpu'):
        cmd = ['-machine', 'pc,nvdimm=on,nvdimm-persistence=' + mode]
        for i, img in enumerate(images):
            cmd += backend(i, img, NVDIMM_MIB, ',align=2M')
            cmd += ['-device', 'nvdimm,memdev=mem%d,id=nv%d' % (i, i)]
        return cmd
    if mode == 'cxl':
        # Two root ports, the second empty: with one, the kernel treats
        # the host bridge as pass-through and qemu 7.2 does not route
        # that (the region commits, but no byte reaches the file).
        return ['-machine', 'q35,cxl=on,cxl-fmw.0.targets.0=cxl.1,'
                'cxl-fmw.0.size=4G'] + \
            backend(0, images[0], CXL_MIB) + \
            ['-object', 'memory-backend-file,id=lsa0,share=on,'
             'mem-path=%s,size=%dK' % (images[1], LSA_KIB),
             '-device', 'pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1',
             '-device', 'cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=2',
             '-device', 'cxl-rp,port=1,bus=cxl.1,id=rp1,chassis=0,slot=3',
             '-device', 'cxl-type3,bus=rp0,memdev=mem0,lsa=lsa0,id=cxl0']
    # virtio-pmem on the root bus: qemu refuses it on the CXL bus.
    return ['-machine', 'q35'] + backend(0, images[0], VIRTIO_MIB) + \
        ['-device', 'virtio-pmem-pci,memdev=mem0,id=vpmem0,bus=pcie.0']


def qemu_cmd(kernel, initrd, mode, nonce, images):
    cmd = ['qemu-system-x86_64', '-accel', 'tcg', '-smp', '2', '-cpu', 'max',
           '-m', '512M,slots=2,maxmem=2G'] + devices(mode, images)
    cmd += ['-kernel', kernel, '-initrd', initrd,
            # no_timer_check: on a loaded host the emulated CPU is too
            # slow for the kernel's IO-APIC timer test, which then panics.
            '-append', 'console=ttyS0 panic=-1 quiet loglevel=3 '
            'no_timer_check '
            'daxmode=%s daxnonce=%08x' % (mode, nonce),
            '-nographic', '-serial', 'stdio', '-monitor', 'none',
            '-nic', 'none', '-no-reboot']
    return cmd


class Boot:
    """One guest run to power-off; its serial output and what it took."""

    def __init__(self, d, mode, guest, timeout):
        self.mode, self.guest = mode, guest
        self.nonce = secrets.randbits(32)
        self.images = []
        for name, size in images_for(mode):
            img = os.path.join(d, '%s-%s.img' % (name, mode))
            with open(img, 'wb') as f:         # fresh, sparse
                f.truncate(size)
            self.images.append(img)
        # The ELF kernel boots through PVH without decompressing itself.
        kernel = os.path.join(d, 'vmlinux')
        if not os.path.exists(kernel):
            kernel = os.path.join(d, 'vmlinuz')
        self.cmd = qemu_cmd(kernel, os.path.join(d, 'initramfs.cpio'),
                            mode, self.nonce, self.images)
        self.log_path = os.path.join(d, 'boot-%s.log' % mode)
        # virtio-pmem: qemu answers a guest flush request with an fsync of
        # the backing file; strace (stopping on those calls only) shows it.
        self.strace = None
        if mode == 'virtio' and shutil.which('strace'):
            self.strace = os.path.join(d, 'strace-%s.log' % mode)
            self.cmd = ['strace', '-f', '--seccomp-bpf', '-qq', '-y', '-e',
                        'trace=fsync,fdatasync', '-o', self.strace] + \
                self.cmd
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
    """Counts per guest (host checks count for the guest they follow)."""

    def __init__(self):
        self.counts = {g: {'ok': 0, 'FAIL': 0, 'SKIP': 0} for g in GUESTS}

    def add(self, status, boot, text):
        self.counts[boot.guest][status] += 1
        print('%-4s %-8s %s' % (status, boot.mode, text), flush=True)

    def total(self, status):
        return sum(c[status] for c in self.counts.values())


def pattern(n, seed):
    """Same bytes as pattern() in dax_tests.c."""
    return bytes((((i * 2654435761 + seed) & 0xffffffff) >> 24)
                 for i in range(n))


def host_check(res, boot, image, what, name):
    """Data the guest wrote with write_marked() (dax_tests.c), found in
    a backing file."""
    with open(image, 'rb') as f:
        data = f.read()
    hdr = b'libpmem-dax-tier %s nonce=%08x ' % (what.encode(), boot.nonce)
    at = data.find(hdr)
    if at < 0:
        res.add('FAIL', boot, 'host: ' + name + ': no header with this '
                'boot\'s nonce in ' + os.path.basename(image))
        return
    m = re.match(rb'len=(\d+)\n', data[at + len(hdr):at + HDR_LEN])
    n = int(m.group(1)) if m else 0
    ok = n > 0 and data[at + HDR_LEN:at + HDR_LEN + n] == pattern(n,
                                                                 boot.nonce)
    res.add('ok' if ok else 'FAIL', boot, 'host: ' + name +
            (': %d bytes at offset %d of %s' % (n, at + HDR_LEN,
                                                 os.path.basename(image))
             if ok else ': the %d bytes after the header differ' % n))


def host_fsyncs(res, boot):
    """qemu's fsync/fdatasync calls on the virtio-pmem backing file."""
    try:
        with open(boot.strace) as f:
            text = f.read()
    except OSError as e:
        res.add('FAIL', boot, 'host: strace log: %s' % e)
        return
    img = os.path.abspath(boot.images[0])
    n = sum(1 for line in text.splitlines()
            if re.search(r'\b(fsync|fdatasync)\(\d+<([^>]*)>\) = 0', line)
            and os.path.abspath(re.search(r'<([^>]*)>', line).group(1))
            == img)
    res.add('ok' if n > 0 else 'FAIL', boot, 'host: qemu fsynced the '
            'backing file for the guest\'s flush requests: %d calls '
            '(strace)' % n)


# Per boot: (backing file index, what write_marked() called it, check).
HOST_CHECKS = {
    'mem-ctrl': [
        (0, 'devdax', 'data written with pmem_memcpy_persist to '
         '/dev/dax0.0 is in its NVDIMM\'s backing file'),
        (1, 'ext4-dax', 'data written with pmem_memcpy_persist to a '
         'MAP_SYNC file on ext4 -o dax (no msync) is in its NVDIMM\'s '
         'backing file')],
    'cxl': [
        (0, 'devdax', 'data written with pmem_memcpy_persist to the CXL '
         'devdax namespace is in the type-3 device\'s backing file'),
        (0, 'ext4-dax', 'data written with pmem_memcpy_persist to a '
         'MAP_SYNC file on ext4 -o dax on the CXL fsdax namespace (no '
         'msync) is in the type-3 device\'s backing file')],
    'virtio': [
        (0, 'virtio-msync', 'data written to a file on ext4 -o dax on '
         'virtio-pmem, then pmem_msync, then a guest crash (sysrq c), is '
         'in the backing file')],
}


def report(res, b, keep):
    fails_before = res.total('FAIL')
    done = False
    for line in b.text.splitlines():
        if 'DAXT: done' in line:
            done = True
        m = RESULT.search(line.strip())
        if m:
            res.add(m.group(1), b, m.group(2))
    if not done:
        res.add('FAIL', b, 'guest tests ran to the end: %s'
                % ('timed out after %d s' % b.timeout if b.rc is None
                   else 'no "done" line, qemu exit status %s' % b.rc))
    elif b.rc != 0:
        res.add('FAIL', b, 'qemu exit status %s' % b.rc)
    if done:
        for i, what, name in HOST_CHECKS.get(b.mode, []):
            host_check(res, b, b.images[i], what, name)
    if done and b.strace:
        host_fsyncs(res, b)
    elif done and b.mode == 'virtio':
        res.add('SKIP', b, 'host: qemu fsync of the backing file: strace '
                'is not installed')
    # Guest clock at /init's start and end: kernel boot vs tests.
    up = re.findall(r'DAXT: (?:begin|end)\b.*uptime ([\d.]+) s', b.text)
    guest = (' (guest: /init at %s s, done at %s s)' % tuple(up[-2:])
             if len(up) >= 2 else '')
    print('== boot %s: %.1f s wall%s, log %s'
          % (b.mode, b.secs, guest, b.log_path), flush=True)
    if res.total('FAIL') > fails_before:
        print('---- serial log of the %s boot ----' % b.mode)
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
                    help='keep the backing files')
    ap.add_argument('--only', help='comma-separated boots: '
                    + ','.join(m for m, _ in BOOTS))
    ap.add_argument('--jobs', type=int, default=len(BOOTS),
                    help='boots at a time (default: all)')
    args = ap.parse_args()
    if not shutil.which('qemu-system-x86_64'):
        subprocess.run(['sh', os.path.join(os.path.dirname(__file__),
                                           'deps.sh')], check=True)
    t0 = time.monotonic()
    only = args.only.split(',') if args.only else [m for m, _ in BOOTS]
    boots = [Boot(args.dir, m, g, args.timeout) for m, g in BOOTS
             if m in only]
    if args.serial:
        for b in boots:
            b.run()
    else:
        run_parallel(boots, args.jobs)
    res = Results()
    for b in boots:
        report(res, b, args.keep)
    print('== qemu DAX tier: %.1f s wall for %d boots, host load average '
          '%s' % (time.monotonic() - t0, len(boots),
                  ' '.join('%.1f' % x for x in os.getloadavg())))
    for g in GUESTS:
        c = res.counts[g]
        if any(b.guest == g for b in boots):
            print('dax %s: %d passed, %d failed, %d skipped'
                  % (g, c['ok'], c['FAIL'], c['SKIP']))
    print('dax: %d passed, %d failed, %d skipped'
          % (res.total('ok'), res.total('FAIL'), res.total('SKIP')))
    return 1 if res.total('FAIL') or not res.total('ok') else 0


def run_parallel(boots, jobs):
    """At most jobs boots at a time, the longest first."""
    todo = list(boots)
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not todo:
                    return
                b = todo.pop(0)
            b.run()
    threads = [threading.Thread(target=worker) for _ in range(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == '__main__':
    sys.exit(main())
