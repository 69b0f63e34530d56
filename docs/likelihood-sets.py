"""Makes the three image sets of README's "Bits/dim of the bundled model" as uint8 .npy stacks (N, 28, 28):
the first N Fashion-MNIST test images, the same images flipped upside down, and uniform 8-bit noise (seed 0).

    python3 docs/likelihood-sets.py /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz OUT_FOLDER [N]
"""
import gzip
import os
import sys

import numpy as np

source, out = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 256
with gzip.open(source, "rb") as f:
    raw = f.read()
# idx3: magic 0x00000803, then count, rows, columns as big-endian int32
magic, n, rows, cols = np.frombuffer(raw[:16], dtype=">i4")
assert magic == 0x803, "not an idx3 image file: " + source
images = np.frombuffer(raw[16:], dtype=np.uint8).reshape(n, rows, cols)[:count]
os.makedirs(out, exist_ok=True)
np.save(os.path.join(out, "test.npy"), images)
np.save(os.path.join(out, "flipped.npy"), images[:, ::-1, :].copy())
np.save(os.path.join(out, "noise.npy"), np.random.default_rng(0).integers(0, 256, size=images.shape, dtype=np.uint8))
