#!/usr/bin/env bash
# Crafted event logs (issues 13, 14, 19): every reproducer is made at test
# time by tests/e2e/crafted.py from a sample log or a multi-chunk log
# evtxgen writes here, with tests/lib/evtxcraft.py (records lost or doubled
# behind valid checksums, hostile offsets, a flipped file signature, live
# copies, cuts at any byte); kbscan must not crash or hang, must call
# damaged what lost records and ok what did not, and must leave the rest of
# the bundle as it was.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/crafted_logs.sh"
cd "$repo_root" || exit 1
run_on_bulk_log tests/e2e/crafted.py "$@"
