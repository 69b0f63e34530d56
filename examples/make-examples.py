"""Makes the sample inputs in examples/ from the Fashion-MNIST test set (Debian package dataset-fashion-mnist).

    python3 examples/make-examples.py [/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz [OUT_FOLDER]]

Needs python3 and numpy (apt-get install dataset-fashion-mnist python3-numpy). Fixed seed and no time stamps: a rerun
here rewrote the committed files byte for byte.

    ankle-boot.png pullover.png shirt.png sandal.png   test images 0, 1, 4 and 8, 8-bit grey 28x28
    shirt-noisy.npy      shirt / 255 + 0.1 * N(0, 1) (seed 0), float32 (28, 28), not clipped: for denoise --sigma 0.1
    shirt-masked.png     shirt with the centred 14x14 square (x, y 7..20) painted mid-grey: for inpaint
    mask.png             255 on that square, 0 elsewhere: inpaint --mask (nonzero = regenerate)
    pullover-painting.png  pullover as 4x4 block means rounded to 0, 1/2, 1: for edit (SDEdit)
    shirt-small.png      shirt as 2x2 block means, 14x14 8-bit (rounded): for upscale --factor 2
    a.npy b.npy          test images 1 and 0 as uint8 (28, 28): for interpolate --from a.npy --to b.npy
    test-16-images-idx3-ubyte.gz  the first 16 test images as an idx3 file: for likelihood and train
"""
import gzip
import os
import struct
import sys
import zlib

import numpy as np

source = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
out = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))

with gzip.open(source, "rb") as f:
    raw = f.read()
# idx3: magic 0x00000803, then count, rows, columns as big-endian int32, then the pixels
magic, count, rows, cols = np.frombuffer(raw[:16], dtype=">i4")
if magic != 0x803 or (rows, cols) != (28, 28):
    sys.exit("make-examples.py: %s is not the 28x28 Fashion-MNIST idx3 image file" % source)
test = np.frombuffer(raw[16:], dtype=np.uint8).reshape(count, rows, cols)


def png(name, grey):
    """An 8-bit grey PNG: signature, IHDR, one IDAT (filter 0 on every row), IEND."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    h, w = grey.shape
    rows_ = b"".join(b"\x00" + grey[y].tobytes() for y in range(h))
    with open(os.path.join(out, name), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(rows_, 9)) + chunk(b"IEND", b""))


for index, name in [(0, "ankle-boot"), (1, "pullover"), (4, "shirt"), (8, "sandal")]:
    png(name + ".png", test[index])

shirt = test[4].astype(np.float32) / 255
noisy = shirt + np.float32(0.1) * np.random.default_rng(0).standard_normal((28, 28)).astype(np.float32)
np.save(os.path.join(out, "shirt-noisy.npy"), noisy.astype(np.float32))

mask = np.zeros((28, 28), dtype=np.uint8)
mask[7:21, 7:21] = 255
masked = test[4].copy()
masked[mask > 0] = 128
png("shirt-masked.png", masked)
png("mask.png", mask)

blocks = test[1].astype(np.float32).reshape(7, 4, 7, 4).mean(axis=(1, 3)) / 255
painting = np.repeat(np.repeat(np.round(blocks * 2) / 2, 4, axis=0), 4, axis=1)
png("pullover-painting.png", np.round(painting * 255).astype(np.uint8))

small = test[4].astype(np.float64).reshape(14, 2, 14, 2).mean(axis=(1, 3))
png("shirt-small.png", np.round(small).astype(np.uint8))

np.save(os.path.join(out, "a.npy"), test[1])
np.save(os.path.join(out, "b.npy"), test[0])

header = struct.pack(">iiii", 0x803, 16, 28, 28)
with open(os.path.join(out, "test-16-images-idx3-ubyte.gz"), "wb") as f:
    f.write(gzip.compress(header + test[:16].tobytes(), compresslevel=9, mtime=0))
