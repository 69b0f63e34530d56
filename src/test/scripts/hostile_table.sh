#!/usr/bin/env bash
# One input per fault class of issue 24, run with two builds: prints "class | build | exit | first line | time, peak".
# Usage: src/test/scripts/hostile_table.sh BEFORE_CLI AFTER_CLI WORKDIR [TORCH_DIR]
# BEFORE runs are cut at $T seconds (default 20; exit 124 = killed). TORCH_DIR holds model folders made from
# TorchZips' files (model-16MB-x300, model-1900MB-x3: see TorchCheckpointTest/TorchZips.main). Needs numpy.
set -u
before=$1 after=$2 work=$3 torch=${4:-}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$work" && cd "$work" || exit 1
[[ -f loop-self.tif ]] || python3 "$here/hostile_images.py" . >/dev/null
[[ -d good.zarr ]] || python3 "$here/hostile_zarr_npy.py" >/dev/null
[[ -d cfg ]] || bash "$here/hostile_config.sh" "$work/cfg" "$after" correct-steps-1e9 sigma-max-1e308 \
	scheduler-3mb-number sample-size-33 no-sample-size train-options-not-json >/dev/null 2>&1
mkdir -p existing-folder.npy
row() { # label, then the CLI arguments; runs both builds
	local label=$1; shift
	for build in before after; do
		local cli=${!build} limit=${T:-20}; [[ $build == after ]] && limit=60
		rm -rf out; mkdir -p out
		/usr/bin/time -f '%e s, %M KB' timeout "$limit" "$cli" "$@" >out/log 2>&1
		local rc=$?
		local first=$(grep -m1 -E 'score-sde|Exception|Error' out/log | cut -c1-160)
		printf '%s | %s | %s | %s | %s\n' "$label" "$build" "$rc" "${first:-(no error line)}" "$(tail -1 out/log)"
	done
}
row "TIFF page chain loops" likelihood --images loop-self.tif --quiet
row "Zarr declares 2^31-1 images" evaluate --train train.idx --test test.idx --samples huge-count.zarr --count 2 --components 2 --pca-images 20
row "Zarr .zarray is a FIFO" evaluate --train train.idx --test test.idx --samples fifo-zarray.zarr --count 2 --components 2 --pca-images 20
row "correct_steps 1e9 in config" generate --model cfg/correct-steps-1e9 --steps 2 --batch 1 --quiet --output out/o.npy
[[ -n $torch ]] && row "torch storage x300 views" generate --model "$torch/model-16MB-x300" --steps 1 --quiet --output out/o.png
[[ -n $torch ]] && row "torch 1.9 GB storage in 1.8 MB" generate --model "$torch/model-1900MB-x3" --steps 1 --quiet --output out/o.png
row "training PNG declares 20000^2" train --data huge-20000.png --steps 1 --output out/t
row "300 blank 2048^2 PNGs" likelihood --images blank-2048 --quiet
row "Zarr .zarray -> /dev/zero" evaluate --train train.idx --test test.idx --samples devzero.zarr --count 2 --components 2 --pca-images 20
row "no sample_size, 2048^2 image" likelihood --model cfg/no-sample-size --images cfg/big.png --quiet
row ".npy fortran_order twice" likelihood --images fortran-twice.npy --count 1 --quiet
row ".npy descr twice" likelihood --images descr-twice.npy --count 1 --quiet
row "output is an existing folder" generate --steps 2 --batch 1 --quiet --output existing-folder.npy
row "float TIFF with a 1e30 pixel" denoise --image float-1e30.tif --sigma 0.1 --quiet --output out/d.png
row "sigma_max 1e308 in config" generate --model cfg/sigma-max-1e308 --steps 2 --batch 1 --quiet --output out/o.npy
row "3 MB number in config" generate --model cfg/scheduler-3mb-number --steps 2 --batch 1 --quiet --output out/o.npy
row "sample_size 33" generate --model cfg/sample-size-33 --steps 2 --batch 1 --quiet --output out/o.npy
row "--steps 0 (usage)" generate --steps 0 --quiet --output out/o.npy
