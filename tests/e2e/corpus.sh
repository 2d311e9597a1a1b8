#!/usr/bin/env bash
# The real .evtx files of ../shared/corpus/evtx (MANIFEST.tsv): each is read
# without a crash or a false error, every record decoded (a test rule wants
# every event), and the counts agree with what Debian's libevtx reads.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
if [ ! -f "$corpus_dir/MANIFEST.tsv" ]; then
  tap_skip "real EVTX corpus" "no corpus at $corpus_dir (set KBSCAN_CORPUS)"
  tap_done; exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
while IFS=$'\t' read -r path repo size sha records recovered failed dirty notable; do
  [ "$path" = path ] && continue
  file=$corpus_dir/$path
  [ -f "$file" ] || { tap_fail "$path: listed in MANIFEST.tsv but absent"; continue; }
  timeout 120 "$KBSCAN" --rules tests/e2e/rules-every-event --format json -o "$tmp/r.json" "$file" 2>"$tmp/err"
  rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 1 ] && [ $rc -ne 3 ]; then
    tap_fail "$path: kbscan exit status $rc: $(head -c 300 "$tmp/err")"
    continue
  fi
  if $PY - "$tmp/r.json" "$records" "$recovered" "$failed" "$dirty" > "$tmp/why" 2>&1 <<'PY'
import json, sys
report, records, recovered, failed, dirty = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
inp = json.load(open(report))["inputs"][0]
c = inp["counts"]
problems = []
if inp["kind"] != "evtx": problems.append("kind %s" % inp["kind"])
if inp["status"] == "error": problems.append("status error: %s" % inp["message"])
if c["records"] != records: problems.append("records %d, manifest %d" % (c["records"], records))
if c["records_failed"] != failed: problems.append("failed %d, manifest %d" % (c["records_failed"], failed))
if c["records_recovered"] != recovered: problems.append("recovered %d, manifest %d" % (c["records_recovered"], recovered))
damaged_by_manifest = failed > 0 or "corrupt=1" in dirty
if damaged_by_manifest and inp["status"] != "damaged": problems.append("not reported damaged")
if c["records_used"] + c["records_failed"] < records - 0: problems.append("used %d + failed %d < records %d" % (c["records_used"], c["records_failed"], records))
print("; ".join(problems))
sys.exit(1 if problems else 0)
PY
  then
    tap_ok "$path: $records records, $failed failed, status as expected"
  else
    tap_fail "$path: $(cat "$tmp/why")"
  fi
done < "$corpus_dir/MANIFEST.tsv"
tap_done
