#!/usr/bin/env bash
# Runs `score-sde generate --model test-org/ncsnpp-tiny` against the hostile inputs of issue 24 (hub part).
# Usage: hostile_hub_measure.sh BIN   (BIN = /work/baseline/bin/score-sde or bin/score-sde)
set -u
bin=$(realpath "$1")
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pipeline="$here/../resources/fixtures/ncsnpp-tiny/pipeline"
work=$(mktemp -d)
run() { # name, env...
	local name=$1; shift
	echo "== $name"
	( cd "$work" && env "$@" timeout 120 /usr/bin/time -f '%e s, %M KB peak' "$bin" generate --model test-org/ncsnpp-tiny \
		--steps 2 --seed 0 --quiet --output "$work/out-$name.npy" ) >"$work/$name.log" 2>&1
	echo "exit $?"
	grep -m1 'score-sde' "$work/$name.log" || true
	tail -1 "$work/$name.log"
}
start() { # mode args... -> sets endpoint, server pid
	python3 "$here/hostile_hub.py" "$@" >"$work/server.out" 2>"$work/server-$1.err" &
	server=$!
	for _ in $(seq 50); do grep -q ENDPOINT "$work/server.out" 2>/dev/null && break; sleep 0.1; done
	endpoint=$(awk '/ENDPOINT/ {print $2}' "$work/server.out")
}

# 1. a redirect to another port of the same host
start redirect "$pipeline"
run redirect HF_ENDPOINT="$endpoint" HF_HOME="$work/home-redirect" HF_TOKEN=secret-token
kill "$server"; wait "$server" 2>/dev/null
echo "requests seen by the second port (storage):"; grep '^storage' "$work/server-redirect.err"

# 2. refs/main pointing outside the cache (relative with .., and absolute)
for kind in relative absolute; do
	home="$work/home-ref-$kind"; repo="$home/hub/models--test-org--ncsnpp-tiny"
	mkdir -p "$repo/refs" "$repo/snapshots" "$work/outside"
	cp -r "$pipeline" "$work/outside/pipeline"
	if [[ $kind == relative ]]; then printf '../../../../outside/pipeline' >"$repo/refs/main"
	else printf '%s' "$work/outside/pipeline" >"$repo/refs/main"; fi
	run "ref-$kind" HF_HOME="$home" HF_HUB_OFFLINE=1
	ls "$work/out-ref-$kind.npy" 2>/dev/null && echo "(a model from outside the cache was loaded)"
done

# 3. 200 bytes announced, 300 MB streamed
start oversize
home="$work/home-oversize"
( while kill -0 "$server" 2>/dev/null; do find "$home/hub/models--test-org--ncsnpp-tiny/blobs" -type f -printf '%s\n' 2>/dev/null \
	| awk '{s += $1} END {print s + 0}'; sleep 0.01; done \
	| sort -n | tail -1 >"$work/maxdisk" ) &
watcher=$!
run oversize HF_ENDPOINT="$endpoint" HF_HOME="$home"
sleep 1; kill "$server"; wait "$server" 2>/dev/null; wait "$watcher"
grep 'bytes sent' "$work/server-oversize.err"
echo "most bytes seen on disk under blobs/ during the run: $(cut -f1 "$work/maxdisk")"
echo "left in blobs/ afterwards: $(ls -A "$home/hub/models--test-org--ncsnpp-tiny/blobs" 2>/dev/null | tr '\n' ' ')"

# 4. model information of the wrong shape, endless model information, a redirect to file:
for mode in shape endless file-redirect; do
	start "$mode"
	run "$mode" HF_ENDPOINT="$endpoint" HF_HOME="$work/home-$mode"
	kill "$server"; wait "$server" 2>/dev/null
done

# 5. HF_ENDPOINT that is not an http address
run ftp-endpoint HF_ENDPOINT=ftp://127.0.0.1:1 HF_HOME="$work/home-ftp"
rm -rf "$work"
