#!/usr/bin/env python3
"""Hostile image inputs of issue 24 (image readers), written with the standard library and numpy only.

    python3 src/test/scripts/hostile_images.py OUT_FOLDER
    python3 src/test/scripts/hostile_images.py --seeds FOLDER

The second form writes the seed corpus of TiffPagesFuzzTest (tiny TIFFs: one page little endian, two pages big
endian, a float page, a page chain looping back to itself). The first writes into OUT_FOLDER:
  loop-self.tif        28x28 8-bit grey TIFF (little endian) whose only IFD's next-IFD offset points at itself
  loop-back-be.tif     3 pages, big endian; page 3's next-IFD offset points back at page 1's IFD
  ok-3pages.tif        the same 3 pages with a proper chain end (a control)
  bigtiff.tif          a BigTIFF header (version 43) and then the rest of a classic TIFF
  huge-20000.png       a ~390 KB PNG declaring 20000x20000 8-bit grey (all zero rows)
  blank-2048/          300 blank 2048x2048 8-bit grey PNGs (about 4 KB each)
  float-1e30.tif       28x28 float32 TIFF of 0.5 with one pixel 1e30 at x=3, y=5
  float-nan.tif        the same with NaN at x=3, y=5
  float-255.tif        28x28 float32 TIFF with values 0..255 (an 8-bit image saved as float, not rescaled)
  float-noisy.tif      28x28 float32 TIFF: 0.5 plus Gaussian noise of sigma 0.2 (legitimately outside [0, 1])
  huge-header.idx3     an idx3 header declaring 2^20 images of 44x44 and no pixels
"""
import os
import struct
import sys
import zlib

import numpy as np


def tiff(pages, big_endian=False, loop_to=None):
    """pages: list of 2-D numpy arrays (uint8 or float32). loop_to: index of the page the last IFD points back to."""
    e = '>' if big_endian else '<'
    out = bytearray((b'MM' if big_endian else b'II') + struct.pack(e + 'HI', 42, 0))
    ifd_offsets, next_fields = [], []
    for k, a in enumerate(pages):
        h, w = a.shape
        data = a.astype(e + ('f4' if a.dtype == np.float32 else 'u1')).tobytes()
        strip = len(out)
        out += data
        if len(out) % 2:
            out += b'\0'
        floating = a.dtype == np.float32
        entries = [(256, 3, 1, w), (257, 3, 1, h), (258, 3, 1, 32 if floating else 8), (259, 3, 1, 1),
                   (262, 3, 1, 1), (273, 4, 1, strip), (277, 3, 1, 1), (278, 3, 1, h), (279, 4, 1, len(data))]
        if floating:
            entries.append((339, 3, 1, 3))
        ifd = len(out)
        ifd_offsets.append(ifd)
        out += struct.pack(e + 'H', len(entries))
        for tag, typ, count, value in entries:
            out += struct.pack(e + 'HHI', tag, typ, count)
            out += struct.pack(e + 'HH', value, 0) if typ == 3 else struct.pack(e + 'I', value)
        next_fields.append(len(out))
        out += struct.pack(e + 'I', 0)
    struct.pack_into(e + 'I', out, 4, ifd_offsets[0])
    for k in range(len(pages) - 1):
        struct.pack_into(e + 'I', out, next_fields[k], ifd_offsets[k + 1])
    if loop_to is not None:
        struct.pack_into(e + 'I', out, next_fields[-1], ifd_offsets[loop_to])
    return bytes(out)


def png_grey(width, height, chunk_rows=256):
    """An all-zero 8-bit grey PNG, compressed row block by row block so that Python never holds the raw image."""
    def chunk(kind, body):
        return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body) & 0xffffffff)
    z = zlib.compressobj(9)
    rows = bytes(1 + width) * chunk_rows
    parts = []
    for y in range(0, height, chunk_rows):
        parts.append(z.compress(rows if y + chunk_rows <= height else bytes(1 + width) * (height - y)))
    parts.append(z.flush())
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 0, 0, 0, 0)) +
            chunk(b'IDAT', b''.join(parts)) + chunk(b'IEND', b''))


def main(out):
    os.makedirs(out, exist_ok=True)
    grey = (np.arange(28 * 28).reshape(28, 28) % 256).astype(np.uint8)
    w = lambda name, data: open(os.path.join(out, name), 'wb').write(data)
    w('loop-self.tif', tiff([grey], loop_to=0))
    w('loop-back-be.tif', tiff([grey, grey, grey], big_endian=True, loop_to=0))
    w('ok-3pages.tif', tiff([grey, grey, grey], big_endian=True))
    classic = tiff([grey])
    # BigTIFF: 'II', 43, offset size 8, 0, then an 8-byte IFD offset; the IFD itself is not needed to be refused
    w('bigtiff.tif', b'II' + struct.pack('<HHHQ', 43, 8, 0, 16) + struct.pack('<Q', 0) + classic[8:])
    w('huge-20000.png', png_grey(20000, 20000))
    blank = png_grey(2048, 2048)
    os.makedirs(os.path.join(out, 'blank-2048'), exist_ok=True)
    for k in range(300):
        w(os.path.join('blank-2048', 'blank-%03d.png' % k), blank)
    f = np.full((28, 28), 0.5, np.float32)
    f[5, 3] = 1e30
    w('float-1e30.tif', tiff([f]))
    f[5, 3] = np.nan
    w('float-nan.tif', tiff([f]))
    w('float-255.tif', tiff([np.linspace(0, 255, 784, dtype=np.float32).reshape(28, 28)]))
    rng = np.random.default_rng(0)
    w('float-noisy.tif', tiff([(0.5 + 0.2 * rng.standard_normal((28, 28))).astype(np.float32)]))
    w('huge-header.idx3', struct.pack('>IIII', 0x803, 1 << 20, 44, 44))


def seeds(out):
    os.makedirs(out, exist_ok=True)
    grey = (np.arange(6).reshape(2, 3) * 40).astype(np.uint8)
    w = lambda name, data: open(os.path.join(out, name), 'wb').write(data)
    w('grey-le-1page.tif', tiff([grey]))
    w('grey-be-2pages.tif', tiff([grey, grey], big_endian=True))
    w('float-le.tif', tiff([np.array([[0.25, -0.5], [1.5, 0.0]], np.float32)]))
    w('loop-self.tif', tiff([grey], loop_to=0))


if __name__ == '__main__':
    if sys.argv[1] == '--seeds':
        seeds(sys.argv[2])
    else:
        main(sys.argv[1])
