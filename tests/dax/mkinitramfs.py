#!/usr/bin/env python3
"""Builds the guest's initramfs for the qemu DAX tier.

    mkinitramfs.py --kernel DIR --init FILE --prog FILE --out FILE

Puts busybox (static), ndctl, daxctl, cxl, mke2fs and the test programs
with the shared libraries ldd names, files given with --file (our
libpmem.so.1 in /usr/lib/ours for the libpmemobj check), the kernel modules each guest's
persistent-memory and ext4 stack needs (with their dependencies, in load
order, listed in /etc/dax-modules-<guest>: nvdimm, cxl, virtio) and /init into an uncompressed newc cpio archive: uncompressed because the
guest runs under TCG, where gunzip costs more than copying the bytes.
Standard library only; runs on the host as any user.
"""
import argparse
import os
import re
import shutil
import stat
import subprocess
import sys

# Load order matters: nfit needs libnvdimm, the pmem and dax drivers need
# the bus, ext4 needs crc32c registered before it mounts.  Dependencies
# found with modinfo are loaded before each.  One list per guest: the CXL
# and virtio-pmem guests have no NFIT (cxl_core and cxl_port are built
# into Debian's kernel).
COMMON = ['libnvdimm', 'nd_pmem', 'dax_pmem', 'device_dax',
          'crc32c_generic', 'ext4']
MODULES = {
    'nvdimm': ['libnvdimm', 'nfit', 'nd_e820'] + COMMON,
    'cxl': ['cxl_acpi', 'cxl_pci', 'cxl_mem', 'cxl_pmem'] + COMMON,
    'virtio': ['virtio_pci', 'virtio_pmem'] + COMMON,
}
# Real programs; busybox applets of the same name must not shadow them.
PROGRAMS = ['ndctl', 'daxctl', 'cxl', 'mke2fs']
MODINFO = shutil.which('modinfo', path='/usr/sbin:/sbin:/usr/bin:/bin') \
    or 'modinfo'


class Cpio:
    """A newc ("070701") archive written by hand: no cpio tool needed."""

    def __init__(self, path):
        self.f = open(path, 'wb')
        self.ino = 1

    def _entry(self, name, mode, data=b''):
        name_b = name.encode() + b'\0'
        fields = [self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0,
                  len(name_b), 0]
        self.ino += 1
        hdr = b'070701' + b''.join(b'%08x' % v for v in fields)
        self.f.write(hdr + name_b)
        self.f.write(b'\0' * (-(len(hdr) + len(name_b)) % 4))
        self.f.write(data)
        self.f.write(b'\0' * (-len(data) % 4))

    def add_tree(self, root):
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            rel = os.path.relpath(dirpath, root)
            if rel != '.':
                self._entry(rel, stat.S_IFDIR | 0o755)
            for fn in sorted(filenames + [d for d in dirnames
                                          if os.path.islink(
                                              os.path.join(dirpath, d))]):
                p = os.path.join(dirpath, fn)
                name = os.path.normpath(os.path.join(rel, fn))
                st = os.lstat(p)
                if stat.S_ISLNK(st.st_mode):
                    self._entry(name, stat.S_IFLNK | 0o777,
                                os.readlink(p).encode())
                else:
                    with open(p, 'rb') as f:
                        self._entry(name, stat.S_IFREG |
                                    stat.S_IMODE(st.st_mode), f.read())

    def close(self):
        self._entry('TRAILER!!!', 0)
        self.f.close()


def ldd_paths(binary):
    """Shared objects (and the loader) a dynamic binary needs."""
    out = subprocess.run(['ldd', binary], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True).stdout
    if 'not a dynamic executable' in out or 'statically linked' in out:
        return []
    paths = []
    for line in out.splitlines():
        m = re.search(r'=>\s*(/\S+)', line) or re.match(r'\s*(/\S+)', line)
        if m:
            paths.append(m.group(1))
        elif '=> not found' in line:
            sys.exit('mkinitramfs: %s: %s' % (binary, line.strip()))
    return paths


def copy_file(src, root, dest=None):
    """Copies src (symlinks resolved) to the same path under root."""
    dest = os.path.join(root, (dest or src).lstrip('/'))
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    shutil.copyfile(os.path.realpath(src), dest)
    shutil.copymode(os.path.realpath(src), dest)


def module_order(moddir, modules):
    """Module files in load order: each one's dependencies first."""
    paths = {}
    for dirpath, _, files in os.walk(os.path.join(moddir, 'kernel')):
        for fn in files:
            if fn.endswith('.ko'):
                paths[fn[:-3].replace('-', '_')] = os.path.join(dirpath, fn)
    order = []

    def visit(name, stack=()):
        name = name.replace('-', '_')
        if name in order:
            return
        if name not in paths:
            sys.exit('mkinitramfs: module %s not found under %s'
                     % (name, moddir))
        if name in stack:
            sys.exit('mkinitramfs: module dependency loop at ' + name)
        deps = subprocess.run([MODINFO, '-F', 'depends',
                               paths[name]], stdout=subprocess.PIPE,
                              text=True, check=True).stdout.strip()
        for d in filter(None, deps.split(',')):
            visit(d, stack + (name,))
        order.append(name)

    for m in modules:
        visit(m)
    return [(m, paths[m]) for m in order]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--kernel', required=True,
                    help='the unpacked kernel package (dpkg -x)')
    ap.add_argument('--kver', required=True, help='file naming the version')
    ap.add_argument('--init', required=True)
    ap.add_argument('--prog', required=True, action='append',
                    help='programs put in /usr/bin')
    ap.add_argument('--file', action='append', default=[],
                    help='SRC:DEST, a file copied as it is')
    ap.add_argument('--out', required=True)
    args = ap.parse_args()

    kver = open(args.kver).read().strip()
    moddir = os.path.join(args.kernel, 'lib/modules', kver)
    stage = args.out + '.d'
    shutil.rmtree(stage, ignore_errors=True)
    os.makedirs(stage)
    for d in ['usr/bin', 'usr/sbin', 'usr/lib', 'usr/lib64', 'proc', 'sys',
              'dev', 'tmp', 'run', 'etc', 'root', 'mnt/dax', 'mnt/tmp',
              'usr/lib/modules']:
        os.makedirs(os.path.join(stage, d), exist_ok=True)
    for d in ['bin', 'sbin', 'lib', 'lib64']:   # Debian's merged /usr
        os.symlink('usr/' + d, os.path.join(stage, d))

    binaries = []
    for p in PROGRAMS:
        path = shutil.which(p, path='/usr/sbin:/usr/bin:/sbin:/bin')
        if not path:
            sys.exit('mkinitramfs: %s is not installed' % p)
        binaries.append((path, None))
    binaries += [(p, '/usr/bin/' + os.path.basename(p)) for p in args.prog]
    libs = set()
    for src, dest in binaries:
        copy_file(src, stage, dest)
        libs.update(ldd_paths(src))
    for lib in sorted(libs):
        copy_file(lib, stage)

    for spec in args.file:
        src, dest = spec.split(':', 1)
        copy_file(src, stage, dest)

    busybox = '/bin/busybox'
    copy_file(busybox, stage, '/usr/bin/busybox')
    applets = subprocess.run([busybox, '--list'], stdout=subprocess.PIPE,
                             text=True, check=True).stdout.split()
    for a in applets:
        if a in PROGRAMS or a == 'busybox':
            continue
        for d in ('usr/bin', 'usr/sbin'):
            if os.path.lexists(os.path.join(stage, d, a)):
                break
        else:
            os.symlink('busybox', os.path.join(stage, 'usr/bin', a))

    names = set()
    for guest, modules in sorted(MODULES.items()):
        order = module_order(moddir, modules)
        for name, path in order:
            if name not in names:
                copy_file(path, stage, '/usr/lib/modules/%s.ko' % name)
                names.add(name)
        with open(os.path.join(stage, 'etc/dax-modules-' + guest),
                  'w') as f:
            f.write('\n'.join(n for n, _ in order) + '\n')
    copy_file(args.init, stage, '/init')
    os.chmod(os.path.join(stage, 'init'), 0o755)

    tmp = args.out + '.tmp'
    cpio = Cpio(tmp)
    cpio.add_tree(stage)
    cpio.close()
    os.replace(tmp, args.out)
    shutil.rmtree(stage)
    print('dax: initramfs %s (%d KiB, modules: %s)'
          % (args.out, os.path.getsize(args.out) // 1024,
             ' '.join(sorted(names))))


if __name__ == '__main__':
    main()
