#!/usr/bin/env bash
# build-bundles.sh EVTXGEN OUT SOURCES: builds each test bundle of SOURCES
# (SOURCES/<name>/, readable sources laid out as a rule's fixture is, see
# build-fixtures.sh) into OUT/<name>/, for the tests that need bundles of
# their own (tests/e2e/hosts.sh: bundles of several computers). Nothing is
# written into the source tree.
set -euo pipefail
evtxgen=${1:?usage: build-bundles.sh EVTXGEN OUT SOURCES}
out=${2:?usage: build-bundles.sh EVTXGEN OUT SOURCES}
sources=${3:?usage: build-bundles.sh EVTXGEN OUT SOURCES}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/save_text.sh"
. "$here/build_bundle.sh"

n=0
for src in "$sources"/*/; do
    [ -d "$src" ] || continue
    src=${src%/}
    build_fixture "$src" "$out/$(basename "$src")"
    n=$((n + 1))
done
echo "build-bundles.sh: $n bundle(s) built into $out"
