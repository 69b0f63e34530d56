#!/usr/bin/env bash
# Builds ImageJ2's imagej-common 2.1.1 and imagej-legacy 2.0.3 (the versions pom-scijava 45.0.0 manages) and the 20
# SciJava/ImgLib2/SCIFIO artifacts they need that are not on Maven Central, from their public sources, into a Maven
# local repository, with only Maven Central reachable (issue 15, step 1; what resolves and what does not is in
# docs/imagej2/README.md). No source is copied into this repository.
#
# Usage: docs/imagej2/build-from-sources.sh MIRRORS WORK [LOCAL_REPO]
#   MIRRORS     a folder with one git repository per project, named owner+name (bare, as the session's fetch tool
#               leaves them under owner+name/repo, or ordinary clones), e.g. imagej+imagej-common
#   WORK        where the sources are unpacked and built (created)
#   LOCAL_REPO  Maven local repository to install into (default: ~/.m2/repository)
#
# Three managed versions have no tag in the public repositories, so the newest release before them is built and
# the dependants are told so: scijava-table 1.0.2 (for 1.0.3), scijava-search 3.0.0 (3.0.1), scifio 0.48.0 (0.49.0).
# edu.ucar:udunits 4.3.18 is not on Central; 4.5.5 is, and imagej-common / imagej-deprecated compile against it.
set -euo pipefail
mirrors=$(cd "$1" && pwd)
mkdir -p "$2"
work=$(cd "$2" && pwd)
repo_opt=()
[[ $# -ge 3 ]] && repo_opt=(-Dmaven.repo.local="$3")

unpack() { # owner+name tag folder
	local git_dir="$mirrors/$1/repo"
	[[ -d $git_dir ]] || git_dir="$mirrors/$1/.git"
	[[ -d $git_dir ]] || git_dir="$mirrors/$1"
	rm -rf "${work:?}/$3" && mkdir -p "$work/$3"
	git --git-dir="$git_dir" archive "$2" | tar -x -C "$work/$3"
}

versions=(-Dimglib2.version=8.0.0 -Dscijava-common.version=2.100.1 -Djitk-tps.version=3.0.4
	-Dimglib2-realtransform.version=4.0.5 -Dimglib2-roi.version=0.15.2 -Dscijava-table.version=1.0.2
	-Dudunits.version=4.5.5 -Dscijava-optional.version=1.0.2 -Dscifio-jai-imageio.version=1.1.1
	-Dimglib2-cache.version=1.0.0-beta-20 -Dscijava-plot.version=0.2.0 -Dscripting-java.version=1.0.1
	-Dminimaven.version=2.2.3 -Dbatch-processor.version=0.4.2 -Dscifio.version=0.48.0 -Dimagej-common.version=2.1.1
	-Dimagej-deprecated.version=0.2.0 -Dimglib2-ij.version=2.0.3 -Dscijava-search.version=3.0.0
	-Dscijava-ui-awt.version=0.1.7 -Dscijava-ui-swing.version=1.0.3 -Dscript-editor.version=1.2.0
	-Dscripting-groovy.version=1.0.0 -Dscijava-io-http.version=0.3.0 -Dmaven.compiler.source=8
	-Dmaven.compiler.target=8 -Dimagej1.version=1.54p -Dij.version=1.54p)

build() { # folder [extra maven options]
	local dir=$1
	shift
	echo "== $dir" >&2
	(cd "$work/$dir" && mvn -B -q -DskipTests -Dmaven.javadoc.skip -Denforcer.skip "${repo_opt[@]}" "${versions[@]}" \
		"$@" install)
}

# order: each one's dependencies first
projects=(
	"saalfeldlab+jitk-tps jitk-tps-3.0.4 jitk-tps"
	"imglib+imglib2-realtransform imglib2-realtransform-4.0.5 imglib2-realtransform"
	"imglib+imglib2-roi imglib2-roi-0.15.2 imglib2-roi"
	"scijava+scijava-table scijava-table-1.0.2 scijava-table"
	"imagej+imagej-common imagej-common-2.1.1 imagej-common"
	"sbridges+object-inspector HEAD object-inspector"
	"scijava+scijava-ui-awt scijava-ui-awt-0.1.7 scijava-ui-awt"
	"scijava+scijava-plot scijava-plot-0.2.0 scijava-plot"
	"scijava+scijava-ui-swing scijava-ui-swing-1.0.3 scijava-ui-swing"
	"scijava+scijava-search scijava-search-3.0.0 scijava-search"
	"scijava+minimaven minimaven-2.2.3 minimaven"
	"scijava+scripting-java scripting-java-1.0.1 scripting-java"
	"scijava+scripting-groovy scripting-groovy-1.0.0 scripting-groovy"
	"scijava+batch-processor batch-processor-0.4.2 batch-processor"
	"scijava+script-editor script-editor-1.2.0 script-editor"
	"imglib+imglib2-cache imglib2-cache-1.0.0-beta-20 imglib2-cache"
	"scifio+scifio-jai-imageio scifio-jai-imageio-1.1.1 scifio-jai-imageio"
	"scijava+scijava-io-http scijava-io-http-0.3.0 scijava-io-http"
	"scifio+scifio scifio-0.48.0 scifio"
	"imglib+imglib2-ij imglib2-ij-2.0.3 imglib2-ij"
	"imagej+imagej-deprecated imagej-deprecated-0.2.0 imagej-deprecated"
	"imagej+imagej-legacy imagej-legacy-2.0.3 imagej-legacy"
)
for p in "${projects[@]}"; do
	read -r name tag dir <<<"$p"
	unpack "$name" "$tag" "$dir"
done
# the installed poms pass their udunits version on, so a -D override is not enough for these two
sed -i 's#<udunits.version>4.3.18</udunits.version>#<udunits.version>4.5.5</udunits.version>#' "$work/imagej-common/pom.xml"
sed -i 's#<version>4.3.18</version>#<version>4.5.5</version>#' "$work/imagej-deprecated/pom.xml"
for p in "${projects[@]}"; do
	read -r _ _ dir <<<"$p"
	if [[ $dir == scifio-jai-imageio ]]; then build "$dir" -Dscijava.jvm.version=8; else build "$dir"; fi
done
echo "built imagej-common 2.1.1 and imagej-legacy 2.0.3 into ${3:-~/.m2/repository}" >&2
