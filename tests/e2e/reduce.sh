#!/usr/bin/env bash
# Event facts summed up as a log is read (engine/reduce.h) change nothing
# but memory: with the shipped rules, the benchmark's broad rule (every
# Service Control Manager 7036, per service) and the broad test rules, the
# JSON report is byte for byte the same with and without the reduction
# (KBSCAN_NO_REDUCE=1) on every sample bundle, on logs the reduction must
# give up on (a duplicated chunk, forwarded events of two computers), on a
# large log read on several threads, and on the real corpus (skipped, and
# said so, without it); and with the broad rule alone, the peak RSS stays
# flat when the log and its matches double.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/rules" "$tmp/broad"
cp -r rules/. "$tmp/rules/"  # the rules with their tables and fixtures
cp tools/bench/rules/*.json tests/e2e/rules-every-event/*.json tests/e2e/rules-prefilter/*.json "$tmp/rules/"
cp tools/bench/rules/*.json "$tmp/broad/"

# same NAME PATH... [-- KBSCAN OPTIONS]: both reports, volatile fields aside.
same() {
  local name=$1; shift
  local paths=() opts=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do paths+=("$1"); shift; done
  [ "${1:-}" = -- ] && shift && opts=("$@")
  "$KBSCAN" --rules "$tmp/rules" "${opts[@]}" --format json -o "$tmp/a.json" "${paths[@]}" 2>/dev/null
  KBSCAN_NO_REDUCE=1 "$KBSCAN" --rules "$tmp/rules" "${opts[@]}" --format json -o "$tmp/b.json" "${paths[@]}" 2>/dev/null
  if ! $PY tests/lib/normalise.py "$tmp/a.json" > "$tmp/a.norm" 2>/dev/null ||
     ! $PY tests/lib/normalise.py "$tmp/b.json" > "$tmp/b.norm" 2>/dev/null; then
    tap_fail "$name: no JSON report"
    return
  fi
  if cmp -s "$tmp/b.norm" "$tmp/a.norm"; then
    tap_ok "$name: the same report with and without the reduction"
  else
    tap_fail "$name: the reduction changes the report"
    diff -u "$tmp/b.norm" "$tmp/a.norm" | head -n 20 | sed 's/^/#   /'
  fi
}

for dir in samples/bundles/*/; do
  same "$(basename "$dir")" "$dir"
done

# A System log of several chunks with many SCM 7036, read on one thread and
# split across four (each part summed up on its own, then joined in order).
mkdir -p "$tmp/bulk"
"$EVTXGEN" --bulk 2 --seed 3 --channel System --windows-layout -o "$tmp/bulk/System.evtx" >/dev/null
same "bulk System log, one thread" "$tmp/bulk" -- -j 1
same "bulk System log, four threads" "$tmp/bulk" -- -j 4

# A duplicated chunk: its facts are taken out after the walk, which a
# summary cannot undo; the log is read again with every fact kept.
mkdir -p "$tmp/dup"
$PY - "$tmp/bulk/System.evtx" "$tmp/dup/System.evtx" <<'PY'
import sys
sys.path.insert(0, "tests/lib")
import evtxcraft as ec
f = ec.EvtxFile.read(sys.argv[1])
ec.duplicate_chunk(f, 1)
f.write(sys.argv[2])
PY
same "a duplicated chunk" "$tmp/dup"

# Forwarded events of two computers: shared out fact by fact (host), never
# summed up.
mkdir -p "$tmp/fwd"
$PY - "$tmp/fwd/ForwardedEvents.json" <<'PY'
import json, sys
events = []
for i in range(40):
    events.append({"provider": "Service Control Manager", "provider_guid": "{555908d1-a6d7-4695-8e1e-26931d2012f4}",
                   "qualifiers": 16384, "keywords": "0x8080000000000000", "id": 7036, "level": 4,
                   "time": "2018-09-27T12:%02d:00.000Z" % i,
                   "computer": "SRV-A.contoso.local" if i % 2 else "SRV-B.contoso.local",
                   "data": {"param1": "Windows Update" if i % 3 else "Background Intelligent Transfer Service",
                            "param2": "running"}})
json.dump({"channel": "ForwardedEvents", "computer": "COLLECTOR.contoso.local", "events": events},
          open(sys.argv[1], "w"))
PY
"$EVTXGEN" -o "$tmp/fwd/ForwardedEvents.evtx" "$tmp/fwd/ForwardedEvents.json" >/dev/null && rm "$tmp/fwd/ForwardedEvents.json"
same "forwarded events of two computers" "$tmp/fwd"

if [ -f "$corpus_dir/MANIFEST.tsv" ]; then
  same "corpus" "$corpus_dir"
else
  tap_skip "corpus: the same report with and without the reduction" "no corpus at $corpus_dir (set KBSCAN_CORPUS)"
fi

# peak_kib DIR: kbscan's peak RSS (KiB) with the broad rule alone.
peak_kib() {
  /usr/bin/time -f %M -o "$tmp/rss" "$KBSCAN" --rules "$tmp/broad" -q --format json -o /dev/null "$1" 2>/dev/null
  tail -n 1 "$tmp/rss"
}
if [ -x /usr/bin/time ] && ! ldd "$KBSCAN" 2>/dev/null | grep -q libasan; then
  for mib in 8 16; do
    mkdir -p "$tmp/flat-$mib"
    "$EVTXGEN" --bulk "$mib" --seed 1 --channel System --windows-layout -o "$tmp/flat-$mib/System.evtx" >/dev/null
  done
  small=$(peak_kib "$tmp/flat-8") big=$(peak_kib "$tmp/flat-16")
  KBSCAN_NO_REDUCE=1 /usr/bin/time -f %M -o "$tmp/rss" "$KBSCAN" --rules "$tmp/broad" -q -o /dev/null "$tmp/flat-16" 2>/dev/null
  unreduced=$(tail -n 1 "$tmp/rss")
  # The summaries keep each match's time (8 bytes per list, as the engine
  # does), not its fact: a few hundred KiB more for twice the matches.
  tap_check "broad rule: peak RSS flat when the log doubles (8 MiB: $small KiB, 16 MiB: $big KiB; unreduced $unreduced KiB)" \
    [ "$big" -le $((small + small / 5 + 2048)) ]
else
  tap_skip "broad rule: peak RSS flat when the log doubles" "no /usr/bin/time, or an ASan build"
fi
tap_done
