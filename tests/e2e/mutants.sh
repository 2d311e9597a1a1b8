#!/usr/bin/env bash
# The mutation test end to end (issue 14, "Checked by"): from fixed seeds,
# 240 mutants of the sample logs and of a multi-chunk log evtxgen writes
# here, each by one structure-aware mutation (tests/e2e/mutants.py, with
# tests/lib/evtxcraft.py), every checksum recomputed for half of them, read
# by kbscan in bundles of 16 beside other inputs: no crash, no hang, no
# mutant that lost or doubled records (the test's own walk says) reported
# ok, the other inputs' report as without the mutants; about 5 s, 20 s
# under ASan (the same 240 mutants). The in-process side (every record
# accounted for, through the library) is tests/unit/test_evtx_mutants.c.
# `--only N` reads mutant N alone, `--seed S` makes another 240.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
timeout=60
if ldd "$KBSCAN" 2>/dev/null | grep -q libasan; then timeout=180; fi
"$EVTXGEN" --bulk 1 --seed 9 --channel Application --inject samples/events/seed-ja-application.json \
  -o "$tmp/bulk.evtx" >/dev/null || { tap_fail "evtxgen writes the multi-chunk base log"; tap_done; exit 1; }
exec $PY tests/e2e/mutants.py --kbscan "$KBSCAN" --repo "$repo_root" --tmp "$tmp" --bulk "$tmp/bulk.evtx" \
  --timeout "$timeout" "$@"
