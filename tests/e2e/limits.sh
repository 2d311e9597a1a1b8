#!/usr/bin/env bash
# Limits (README, "Limits") are reported when hit, never silently applied:
# evidence kept per checkpoint (--max-evidence), notes kept per file (100),
# the limits of an isolated worker (tests/e2e/isolation.sh), text file size
# and folder depth (tests/e2e/hostile_fs.sh), files per run (unit test
# test_scan_limits).
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
seed=samples/bundles/seed-ja

"$KBSCAN" --rules rules --max-evidence 1 --format json -o "$tmp/ev.json" "$seed" 2>/dev/null
tap_check "--max-evidence 1: one item kept, the count exact, the rest counted as omitted" \
  $PY -c "
import json, sys
rule = [r for r in json.load(open(sys.argv[1]))['rules'] if r['id'] == 'vss-writers-missing-eventsystem-shared'][0]
cp = {c['id']: c for c in rule['checkpoints']}['vss-errors']
assert len(cp['evidence']) == 1 and cp['count'] == 21 and cp['evidence_omitted'] == 20, cp" "$tmp/ev.json"
"$KBSCAN" --rules rules --max-evidence 1 --color never "$seed" > "$tmp/ev.txt" 2>/dev/null
tap_check "--max-evidence 1: the text report says how many are not shown" grep -q "(+20 more not shown)" "$tmp/ev.txt"

# A log with 120 damaged chunks: 100 notes kept, the others counted.
mkdir -p "$tmp/notes"
"$EVTXGEN" --bulk 9 --seed 3 --channel System -o "$tmp/big.evtx" >/dev/null
$PY - "$tmp/big.evtx" "$tmp/notes/System.evtx" <<'PYEOF'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
chunks = (len(data) - 4096) // 65536
assert chunks >= 121, chunks
for i in range(1, 121):
    data[4096 + i * 65536:4096 + i * 65536 + 8] = b"XXXXXXXX"
open(sys.argv[2], "wb").write(data)
PYEOF
"$KBSCAN" --rules rules --format json -o "$tmp/notes.json" "$tmp/notes" 2>/dev/null
tap_check "120 damaged chunks: 100 notes kept, notes_omitted counts the rest" \
  $PY -c "
import json, sys
i = json.load(open(sys.argv[1]))['inputs'][0]
assert i['status'] == 'damaged' and len(i['notes']) == 100 and i['notes_omitted'] >= 20, (len(i['notes']), i.get('notes_omitted'))
assert i['message'].startswith('120 of '), i['message']" "$tmp/notes.json"
"$KBSCAN" --rules rules --color never "$tmp/notes" > "$tmp/notes.txt" 2>/dev/null
tap_check "120 damaged chunks: the text report says how many notes are not shown" grep -Eq "\(\+[0-9]+ more not shown\)" "$tmp/notes.txt"
tap_done
