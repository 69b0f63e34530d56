#!/usr/bin/env bash
# Issue 24 (CLI part): runs score-sde on hostile output destinations, a non-finite model and out-of-range options,
# and prints one line per case: name | exit code | first error line | seconds | peak KB | stderr line count, plus
# what a failed write left behind.
# Usage: src/test/scripts/hostile_outputs.sh BIN/score-sde WORKDIR
#   JAR_GLOB: the jar whose bundled model is copied for the NaN case (default: /work/baseline's).
# The tmpfs cases need root (skipped otherwise). Root ignores chmod, so the read-only folder is a read-only tmpfs
# mount and the full disk a 40 KB tmpfs. Needs python3 with numpy for the NaN model.
set -u
bin=$1
work=$2
rm -rf "$work"; mkdir -p "$work"
gen=(generate --steps 2 --batch 2 --seed 0 --quiet)

run() { # name, args...
	local name=$1; shift
	local code err secs kb
	/usr/bin/time -f '%e %M' -o "$work/.time" timeout 60 "$bin" "$@" >"$work/.out" 2>"$work/.err"
	code=$?
	err=$(grep -m1 -E '^(score-sde|Exception|java\.|	at )' "$work/.err" || true)
	[[ -z $err ]] && err=$(grep -v -E 'WARN|^model:|^device:|^generating|^seed ' "$work/.err" | head -1)
	read -r secs kb < <(tail -1 "$work/.time")
	[[ ${#err} -gt 160 ]] && err="${err:0:160}… (${#err} chars)"
	printf '%s | exit %s | %s | %s s | %s KB | %s stderr lines\n' "$name" "$code" "$err" "$secs" "$kb" "$(wc -l <"$work/.err")"
}

# 1. destinations
mkdir "$work/outdir.npy"
run "existing directory as .npy" "${gen[@]}" --output "$work/outdir.npy"
run "existing directory as .npy, 300 steps" generate --steps 300 --batch 2 --seed 0 --quiet --output "$work/outdir.npy"
mkdir -p "$work/set"; mkdir "$work/set/img-1.png"
run "batch member img-1.png is a directory" "${gen[@]}" --output "$work/set/img.png"
echo "left in set/: $(ls "$work/set" | tr '\n' ' ')"
touch "$work/regular"
run "path under a regular file" "${gen[@]}" --output "$work/regular/out.png"
run "missing parent folders (created)" "${gen[@]}" --output "$work/new/sub/out.tif"
run "unknown extension" "${gen[@]}" --output "$work/out.jpg"
if [[ $(id -u) == 0 ]]; then
	mkdir -p "$work/ro" "$work/full"
	mount -t tmpfs -o ro,size=64k tmpfs "$work/ro"
	run "read-only folder (ro tmpfs)" "${gen[@]}" --output "$work/ro/out.png"
	umount "$work/ro"
	# 2. full disk: a 40 KB tmpfs (10 pages) with 16 KB taken and the user's own out-0.png; tmpfs gives each file a
	# 4 KB page, so about 5 of the 16 PNGs fit
	mount -t tmpfs -o size=40k tmpfs "$work/full"
	head -c 16000 /dev/zero >"$work/full/filler"
	echo "user's own out-0.png" >"$work/full/out-0.png"
	run "PNG batch of 16 on a full disk" generate --steps 2 --batch 16 --seed 0 --quiet --output "$work/full/out.png"
	echo "left on the full disk: $(ls -a "$work/full" | tr '\n' ' '); out-0.png: $(head -c 40 "$work/full/out-0.png" | tr -c '[:print:]' '?')"
	rm -f "$work/full/"*
	head -c 16000 /dev/zero >"$work/full/filler"
	run "TIFF stack of 64 on a full disk" generate --steps 2 --batch 64 --seed 0 --quiet --output "$work/full/out.tif"
	echo "left on the full disk: $(ls -a "$work/full" | tr '\n' ' ')"
	umount "$work/full"
fi

# 3. non-finite result: a copy of the bundled model whose conv_out bias is NaN
python3 - "$work/nan-model" <<'PY'
import json, struct, sys, zipfile, glob, os, numpy as np
out = sys.argv[1]
jar = sorted(glob.glob(os.environ.get("JAR_GLOB", "/work/baseline/target/Score_SDE_VE-*[0-9T].jar")))[0]
root = "sc/fiji/scoresde/default-model/"
with zipfile.ZipFile(jar) as z:
    for n in z.namelist():
        if n.startswith(root) and not n.endswith("/"):
            p = os.path.join(out, n[len(root):]); os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "wb").write(z.read(n))
f = os.path.join(out, "unet/diffusion_pytorch_model.safetensors")
b = bytearray(open(f, "rb").read()); h = struct.unpack("<Q", b[:8])[0]; meta = json.loads(b[8:8 + h])
s, e = meta["conv_out.bias"]["data_offsets"]
b[8 + h + s:8 + h + e] = np.full((e - s) // 4, np.nan, "<f4").tobytes()
open(f, "wb").write(b)
PY
run "NaN weights -> all-NaN images (.png)" "${gen[@]}" --model "$work/nan-model" --output "$work/nan.png"
echo "written: $(ls "$work" | grep -c '^nan') nan* files"

# 4. usage errors and long lines
run "--steps 0" generate --steps 0 --output "$work/u.png"
run "--zoom 100 --grid 2" "${gen[@]}" --grid 2 --zoom 100 --output "$work/u.png"
run "--device tpu" "${gen[@]}" --device tpu --output "$work/u.png"
run "interpolate --frames 1" interpolate --from x.png --to y.png --frames 1 --output "$work/u.tif"
run "likelihood --count -1" likelihood --images x.png --count -1
run "denoise --samples -1" denoise --image x.png --samples -1 --output "$work/u.png"
run "--device of 5000 characters" "${gen[@]}" --device "$(head -c 5000 /dev/zero | tr '\0' x)" --output "$work/u.png"
