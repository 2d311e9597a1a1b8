#!/usr/bin/env bash
# build-fixtures.sh EVTXGEN OUT [RULES_DIR]: builds the rules' own fixture
# bundles from their readable sources, RULES_DIR/tests/<rule-id>/<fixture>/
# (RULES_DIR defaults to rules), into OUT/<rule-id>/<fixture>/, where
# `kbscan rules test --fixtures OUT` finds them (docs/rules.md, "Testing a
# rule"). `make fixtures` builds them into build/fixtures; nothing is ever
# written into the source tree.
#
# In a fixture's folder (subfolders too):
#   <name>.json  events in evtxgen's JSON (samples/README.md), written as the
#                genuine event log <name>.evtx;
#   any other    a saved command output typed as UTF-8 with LF line ends,
#   file         saved as a Windows server would: CRLF, UTF-8;
#   saved-as     (optional) how some files are saved instead, a line each:
#                  vssadmin_list_writers.txt CP932   (utf-8, utf-8-bom,
#                                                     utf-16le-bom, any iconv name)
#                  notes.txt as-is                    (copied byte for byte)
#                  Application.evtx --truncate 9000   (evtxgen's options)
#                and '#' comments.
set -euo pipefail
evtxgen=${1:?usage: build-fixtures.sh EVTXGEN OUT [RULES_DIR]}
out=${2:?usage: build-fixtures.sh EVTXGEN OUT [RULES_DIR]}
rules=${3:-rules}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/save_text.sh"
. "$here/build_bundle.sh"

n=0
for src in "$rules"/tests/*/*/; do
    [ -d "$src" ] || continue
    src=${src%/}
    fixture=$(basename "$src")
    rule=$(basename "$(dirname "$src")")
    build_fixture "$src" "$out/$rule/$fixture"
    n=$((n + 1))
done
echo "build-fixtures.sh: $n fixture bundle(s) built into $out"
