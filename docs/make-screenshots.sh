#!/usr/bin/env bash
# Takes the README's screenshots under Xvfb, in ImageJ 1 with the current code: the Generate (VE)... dialog, its result
# window (8 images of the bundled Fashion-MNIST model, 200 steps) and the Train Score Model (VE)... dialog.
# Needs xvfb-run (Debian package xvfb). Writes docs/images/dialog.png, result-window.png and train-dialog.png.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v xvfb-run >/dev/null || { echo "make-screenshots: install xvfb first (apt-get install xvfb)" >&2; exit 1; }
mvn -B -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
	-Dmdep.includeScope=test
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/ImageJ/plugins"
(cd target/classes && jar cf "$work/ImageJ/plugins/Score_SDE_VE.jar" .)
xvfb-run -a -s "-screen 0 1280x1024x24" java -Dplugins.dir="$work/ImageJ" -Dai.djl.offline=true \
	-cp "target/test-classes:$(cat target/test-classpath.txt)" sc.fiji.scoresde.fiji.gui.RecorderReplayCheck \
	"" "$work/report.txt" docs/images || status=$?
cat "$work/report.txt"
exit "${status:-0}"
