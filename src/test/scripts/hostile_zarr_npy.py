# Writes the Zarr stacks and .npy files of issue 24 (zarr/npy part) into the current folder; needs numpy.
"""Hostile inputs for issue 24 (Zarr stacks and .npy headers); run in an empty folder."""
import json, os, zlib, numpy as np

rng = np.random.default_rng(0)
for name in ("train.idx", "test.idx"):  # idx3 files of 40 random 2×3 images (evaluate's --train/--test)
    open(name, "wb").write(bytes([0, 0, 8, 3]) + b"".join(int(v).to_bytes(4, "big") for v in (40, 2, 3))
                           + rng.integers(0, 256, 240, dtype=np.uint8).tobytes())

def stack(root, count, written):
    os.makedirs(f"{root}/0", exist_ok=True)
    json.dump({"zarr_format": 2}, open(f"{root}/.zgroup", "w"))
    json.dump({"zarr_format": 2, "shape": [count, 1, 2, 3], "chunks": [1, 1, 2, 3], "dtype": "<f4",
               "compressor": {"id": "zlib", "level": 1}, "fill_value": "NaN", "order": "C", "filters": None,
               "dimension_separator": "/"}, open(f"{root}/0/.zarray", "w"))
    json.dump({"score_sde": {"made": "by hand"}}, open(f"{root}/.zattrs", "w"))
    for k in range(written):
        os.makedirs(f"{root}/0/{k}/0/0", exist_ok=True)
        open(f"{root}/0/{k}/0/0/0", "wb").write(zlib.compress(rng.random(6, dtype=np.float32).astype("<f4").tobytes()))

stack("good.zarr", 10, 10)
# 1a: a declared count of 2^31-1 images, ten of them written
stack("huge-count.zarr", 2**31 - 1, 10)
# 1b: .zarray and .zattrs that are FIFOs
stack("fifo-zarray.zarr", 10, 10); os.remove("fifo-zarray.zarr/0/.zarray"); os.mkfifo("fifo-zarray.zarr/0/.zarray")
stack("fifo-zattrs.zarr", 10, 10); os.remove("fifo-zattrs.zarr/.zattrs"); os.mkfifo("fifo-zattrs.zarr/.zattrs")
# 2: metadata symlinked to /dev/zero
stack("devzero.zarr", 10, 10); os.remove("devzero.zarr/0/.zarray"); os.symlink("/dev/zero", "devzero.zarr/0/.zarray")
# extra: a regular .zattrs of 64 MB (sparse) and a sparse 3 GB chunk of image 0
stack("big-zattrs.zarr", 10, 10)
with open("big-zattrs.zarr/.zattrs", "r+b") as f: f.truncate(64 << 20)
stack("big-chunk.zarr", 10, 10)
with open("big-chunk.zarr/0/0/0/0/0", "r+b") as f: f.truncate(3 << 30)

def npy(name, header, data):
    h = header.encode("latin1")
    pad = 64 - (10 + len(h) + 1) % 64
    h = h + b" " * pad + b"\n"
    open(name, "wb").write(b"\x93NUMPY\x01\x00" + len(h).to_bytes(2, "little") + h + data)

img = np.arange(6, dtype="<f4").reshape(2, 3) / 10
# 3a: fortran_order twice: numpy takes the last (True) and reads the array transposed
npy("fortran-twice.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), 'fortran_order': True, }",
    img.tobytes())
# 3b: descr twice: numpy reads an object (pickled) array; the first descr would read its bytes as floats
obj = np.empty((2, 3), dtype=object); obj[:] = 0.5
import io, pickle
pick = pickle.dumps(obj, protocol=3)
pick += b"\0" * (-len(pick) % 4)
npy("descr-twice.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, %d), 'descr': '|O', }" % (len(pick) // 4), pick)
# 3c: an unknown key, a missing key
npy("unknown-key.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'scale': 2, }", img.tobytes())
npy("missing-shape.npy", "{'descr': '<f4', 'fortran_order': False, }", img.tobytes())
# 3d: a descr key hidden inside another key's string value (the regex found it)
npy("key-in-string.npy", "{'descr': '|O', 'fortran_order': False, 'shape': (2, 3), \"x\": \"'descr': '<f4'\"}", img.tobytes())
np.save("good.npy", img)
