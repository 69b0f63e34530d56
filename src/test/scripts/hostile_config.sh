#!/usr/bin/env bash
# Makes the hostile model folders of issue 24 (config part) under $1 (default /tmp/config-faults) and runs the CLI
# given as $2 (default: this worktree's bin/score-sde) on each, printing exit code, first error line, time and peak
# memory. Usage: src/test/scripts/hostile_config.sh DIR [CLI] [CASE...]
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
dir="${1:-/tmp/config-faults}"
cli="${2:-$here/bin/score-sde}"
shift 2 || shift $#
model="$here/src/main/resources/sc/fiji/scoresde/default-model"
mkdir -p "$dir"

# copy of the bundled demo model (28×28 grey) with one json file rewritten by a python expression on `c`
variant() { # name file python-statements
	local out="$dir/$1"
	rm -rf "$out"; cp -r "$model" "$out"
	python3 - "$out/$2" "$3" <<'PY'
import json, sys
path, code = sys.argv[1], sys.argv[2]
c = json.load(open(path))
exec(code)
open(path, "w").write(c if isinstance(c, str) else json.dumps(c))
PY
}

variant correct-steps-1e9 scheduler/scheduler_config.json 'c["correct_steps"] = 10**9'
variant timesteps-1e9 scheduler/scheduler_config.json 'c["num_train_timesteps"] = 10**9'
variant sigma-max-1e308 scheduler/scheduler_config.json 'c["sigma_max"] = 1e308'
variant snr-1e300 scheduler/scheduler_config.json 'c["snr"] = 1e300'
variant snr-string scheduler/scheduler_config.json 'c["snr"] = "high"'
variant scheduler-3mb-number scheduler/scheduler_config.json 'c = json.dumps(c).replace("\"snr\": 0.15", "\"snr\": 1" + "0" * 3_000_000)'
variant unet-3mb-number unet/config.json 'c = json.dumps(c).replace("\"layers_per_block\": 1", "\"layers_per_block\": 1" + "0" * 3_000_000)'
variant sample-size-33 unet/config.json 'c["sample_size"] = 33'
variant no-sample-size unet/config.json 'del c["sample_size"]'
variant downsample-padding-40 unet/config.json 'c["downsample_padding"] = 40'
variant unet-is-array unet/config.json 'c = "[1, 2, 3]"'
variant block-types-object unet/config.json 'c["down_block_types"] = {"a": 1}'
variant index-component-null model_index.json 'c["unet"] = None'
variant index-component-object model_index.json 'c["unet"] = ["diffusers", {"x": 1}]'
variant index-not-json model_index.json 'c = json.dumps(c)[:-12]'
variant correct-steps-100 scheduler/scheduler_config.json 'c["correct_steps"] = 100'

python3 - "$dir/big.png" <<'PY'
import struct, sys, zlib
def png(path, w, h):
    raw = b"".join(b"\x00" + bytes(w) for _ in range(h))
    def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
png(sys.argv[1], 2048, 2048)
png(sys.argv[1].replace("big", "odd"), 33, 33)
png(sys.argv[1].replace("big", "small"), 28, 28)
PY

run() { # label args...
	local label=$1; shift
	/usr/bin/time -f '%e s, %M KB peak' -o "$dir/time.txt" timeout 120 "$cli" "$@" >"$dir/out.txt" 2>"$dir/err.txt"
	local rc=$?
	# the error line, else (a run that ended well) the last line of the log
	local first=$(grep -m1 -iE 'error|exception' "$dir/err.txt" | cut -c1-300)
	[[ -z $first ]] && first="(no error) $(grep -v '^\s*$' "$dir/err.txt" | grep -v '^\[' | tail -1 | cut -c1-200)"
	local npy=$(ls "$dir"/*-out.npy 2>/dev/null | head -1)
	[[ -n $npy ]] && first="$first; $(python3 -c "import numpy as n, sys; a = n.load(sys.argv[1]); print(int(n.isnan(a).sum()), 'of', a.size, 'values NaN')" "$npy")"
	rm -f "$dir"/*-out.npy
	printf '%s | exit %s | %s | %s\n' "$label" "$rc" "$first" "$(tail -1 "$dir/time.txt")"
}

want() { [[ ${#cases[@]} -eq 0 ]] && return 0; for c in "${cases[@]}"; do [[ $c == "$1" ]] && return 0; done; return 1; }
cases=("$@")
gen() { want "$1" && run "$1" generate --model "$dir/$1" --steps 2 --batch 1 --seed 1 --quiet --output "$dir/$1-out.npy"; }
for c in correct-steps-1e9 timesteps-1e9 sigma-max-1e308 snr-1e300 snr-string scheduler-3mb-number unet-3mb-number \
	sample-size-33 no-sample-size downsample-padding-40 unet-is-array block-types-object index-component-null \
	index-component-object index-not-json; do gen $c; done
want correct-steps-option && run correct-steps-option generate --model "$model" \
	--steps 2 --correct-steps 1000 --quiet --output "$dir/o.npy"
want steps-0 && run steps-0 generate --steps 0 --quiet --output "$dir/o.npy"
want snr-option && run snr-option generate --steps 2 --snr 1e30 --quiet --output "$dir/o.npy"
want likelihood-big && run likelihood-big likelihood --model "$dir/no-sample-size" --quiet --images "$dir/big.png"
want inpaint-big && run inpaint-big inpaint --model "$dir/no-sample-size" --steps 2 --rect 0,0,8,8 --quiet --output "$dir/i.png" --image "$dir/big.png"
want calls-overflow && run calls-overflow inpaint --model "$dir/correct-steps-100" --steps 1000000 --resample 100 --rect 0,0,8,8 --quiet --output "$dir/i.png" --image "$dir/small.png"
want inpaint-odd && run inpaint-odd inpaint --model "$dir/no-sample-size" --steps 2 --rect 0,0,8,8 --quiet --output "$dir/i.png" --image "$dir/odd.png"
# train --resume on a 2-step run (tiny test architecture, eight 8×8 squares) whose checkpoint or options are damaged
if want train-options-not-json || want train-options-file || want train-sigma-data-text || want train-scheduler-sigma; then
	python3 - "$dir/squares" <<'PY'
import os, struct, sys, zlib
os.makedirs(sys.argv[1], exist_ok=True)
def png(path, w, h, rows):
    raw = b"".join(b"\x00" + bytes(r) for r in rows)
    def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
for k in range(8):
    png(f"{sys.argv[1]}/s{k}.png", 8, 8, [[255 if (x + k) % 8 < 4 and y > k % 4 else 0 for x in range(8)] for y in range(8)])
PY
	arch="$here/src/test/resources/configs/tiny-train/config.json"
	trainopts=(--data "$dir/squares" --architecture "$arch" --batch 4 --device cpu --quiet)
	rm -rf "$dir/run"
	"$cli" train "${trainopts[@]}" --steps 2 --output "$dir/run" >/dev/null 2>&1 || echo "training the 2-step run failed"
	# rewrites one metadata entry of the checkpoint's safetensors header
	meta() { python3 - "$1/training/checkpoint.safetensors" "$2" "$3" <<'PY'
import json, struct, sys
path, key, value = sys.argv[1:]
data = open(path, "rb").read()
n = struct.unpack("<Q", data[:8])[0]
header = json.loads(data[8:8 + n])
header["__metadata__"][key] = value
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
open(path, "wb").write(struct.pack("<Q", len(text)) + text + data[8 + n:])
PY
	}
	resume() { # case edit-function
		want "$1" || return 0
		rm -rf "$dir/$1"; cp -r "$dir/run" "$dir/$1"
		"$2" "$dir/$1"
		run "$1" train "${trainopts[@]}" --steps 4 --resume --output "$dir/$1"
	}
	options_not_json() { meta "$1" options '{"weighting": "edm", "sigma_data": 0.3'; }
	sigma_data_text() { meta "$1" options '{"weighting": "edm", "sigma_data": "abc"}'; }
	scheduler_sigma() { meta "$1" scheduler_config '{"sigma_max": 1e308, "sigma_min": 0.01}'; }
	options_file() { echo '{"steps": 2, "batch": ' > "$1/training/options.json"; }
	resume train-options-not-json options_not_json
	resume train-sigma-data-text sigma_data_text
	resume train-scheduler-sigma scheduler_sigma
	resume train-options-file options_file
fi
exit 0
