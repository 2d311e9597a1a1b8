#!/usr/bin/env bash
# Crafted event logs (issues 13, 14, 19): every reproducer is made at test
# time by tests/e2e/crafted.py from a sample log or a multi-chunk log
# evtxgen writes here, with tests/lib/evtxcraft.py (records lost or doubled
# behind valid checksums, hostile offsets, a flipped file signature, live
# copies, cuts at any byte); kbscan must not crash or hang, must call
# damaged what lost records and ok what did not, and must leave the rest of
# the bundle as it was. Checks today's kbscan fails print "# TODO".
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
timeout=60
if ldd "$KBSCAN" 2>/dev/null | grep -q libasan; then timeout=180; fi
"$EVTXGEN" --bulk 1 --seed 9 --channel Application --inject samples/events/seed-ja-application.json \
  -o "$tmp/bulk.evtx" >/dev/null || { tap_fail "evtxgen writes the multi-chunk base log"; tap_done; exit 1; }
exec $PY tests/e2e/crafted.py --kbscan "$KBSCAN" --repo "$repo_root" --tmp "$tmp" --bulk "$tmp/bulk.evtx" \
  --timeout "$timeout" "$@"
