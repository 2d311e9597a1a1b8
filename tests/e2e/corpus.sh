#!/usr/bin/env bash
# The real .evtx files of ../shared/corpus/evtx (MANIFEST.tsv, 16 columns
# split on single tabs; skipped, and said so, without the corpus): each is
# read without a crash or a false error, every record read (a test rule
# wants every event), and the report keeps to what the file holds
# (tests/lib/corpus_expect.py says how): no log called damaged without
# chunk or header damage (MANIFEST column 14), whatever libevtx's corrupted
# flag (column 8) or its failures (column 7: kbscan's decoder reads those
# records) say; every record the chunks hold (an independent walk) read or
# failed; as many records read as libevtx reads (column 5), or more only by
# records the report names; the first and last EventRecordIDs those
# evtxexport prints, for every file libevtx reads whole.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
if [ ! -f "$corpus_dir/MANIFEST.tsv" ]; then
  tap_skip "real EVTX corpus" "no corpus at $corpus_dir (set KBSCAN_CORPUS)"
  tap_done; exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tail -n +2 "$corpus_dir/MANIFEST.tsv" > "$tmp/rows"
while IFS= read -r row; do
  path=$(cut -f1 <<<"$row")
  libevtx_ok=$(cut -f11 <<<"$row")
  libevtx_failed=$(cut -f7 <<<"$row")
  file=$corpus_dir/$path
  [ -f "$file" ] || { tap_fail "$path: listed in MANIFEST.tsv but absent"; continue; }
  timeout 120 "$KBSCAN" --rules tests/e2e/rules-every-event --format json -o "$tmp/r.json" "$file" 2>"$tmp/err"
  rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 1 ] && [ $rc -ne 3 ]; then
    tap_fail "$path: kbscan exit status $rc: $(head -c 300 "$tmp/err")"
    continue
  fi
  walked=$($PY tests/lib/evtx_walk.py "$file" | cut -f2)
  ids=-
  if [ "$libevtx_ok" = yes ] && [ "$libevtx_failed" = 0 ]; then
    evtxexport -f xml "$file" 2>/dev/null | sed -n 's/.*<EventRecordID>\([0-9]*\)<.*/\1/p' > "$tmp/ids"
    ids=$tmp/ids
  fi
  if why=$($PY tests/lib/corpus_expect.py "$tmp/r.json" "$row" "$walked" "$ids" 2>&1); then
    tap_ok "$path: $why"
  else
    tap_fail "$path: $why"
  fi
done < "$tmp/rows"

# Log-clearing events in each layout the corpus holds (docs/facts.md,
# log.cleared): UserData <LogFileCleared> for 104 and for 1102, read by
# name; a 104 whose data is <ProcessingErrorData> (ErrorCode, DataItemName,
# EventPayload), undecoded, never read as a user or a log name.
cleared() {  # FILE WANT: every log_cleared finding of FILE says WANT
  "$KBSCAN" --format json -o "$tmp/c.json" "$corpus_dir/$1" 2>/dev/null
  $PY - "$tmp/c.json" "$2" <<'PY'
import json, sys
says = [f["say"] for f in json.load(open(sys.argv[1]))["coverage"]["findings"] if f["kind"] == "log_cleared"]
assert says and all(sys.argv[2] in s for s in says), says
PY
}
tap_check "104 LogFileCleared read by name" cleared 3gstudent-Eventlogedit-evtx--Evolution/System.evtx \
  'The System log was cleared at 2018-06-04T07:20:21.533780Z by WIN-E8C6J8CN50O\a (event 104, record 1912'
tap_check "1102 LogFileCleared read by name" cleared Velocidex-evtx/testdata_Security_1_record.evtx \
  'The Security log was cleared at 2019-02-09T17:05:24.672757Z by TESTCOMPUTER\test (event 1102, record 33072'
tap_check "104 ProcessingErrorData undecoded" cleared anotherc0ne-EventLog/System.evtx \
  'which log, and by whom, is undecoded'
tap_done
