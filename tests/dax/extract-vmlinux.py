#!/usr/bin/env python3
"""Writes the uncompressed kernel (ELF) out of a bzImage.

    extract-vmlinux.py VMLINUZ VMLINUX

qemu boots such an ELF through its PVH entry point (Debian's kernels have
CONFIG_PVH), which skips decompressing the kernel on every boot: under
software emulation that takes seconds.  Handles xz (Debian 12) and gzip
payloads; exits 1 when there is none, and the caller boots the bzImage.
"""
import gzip
import lzma
import os
import sys
import zlib


def payload(data):
    at = data.find(b'\xfd7zXZ\x00')
    if at >= 0:
        dec = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
        return dec.decompress(data[at:])
    at = data.find(b'\x1f\x8b\x08')
    if at >= 0:
        dec = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return dec.decompress(data[at:])
    return b''


def main():
    src, dst = sys.argv[1:3]
    with open(src, 'rb') as f:
        data = f.read()
    try:
        elf = payload(data)
    except (lzma.LZMAError, zlib.error, gzip.BadGzipFile):
        elf = b''
    if not elf.startswith(b'\x7fELF'):
        print('extract-vmlinux: no ELF kernel in %s' % src, file=sys.stderr)
        return 1
    with open(dst + '.tmp', 'wb') as f:
        f.write(elf)
    os.replace(dst + '.tmp', dst)
    return 0


if __name__ == '__main__':
    sys.exit(main())
