#!/usr/bin/env bash
# Each computer on its own, over the real corpus (../shared/corpus/evtx):
# every folder of logs copied whole from one machine (a winevt\Logs folder,
# or the logs SOURCES.md says came from one machine) is one computer, whose
# logs may name it by several names (a renamed computer keeps its old names
# in its logs: the report says "also named"); every other folder's computers
# are counted and named, and nothing is lost (each input is a computer's, or
# listed as unassigned). And the real Windows Server 2022 Application log
# whose VSS 13 and 8193 carry hr 0x8007045b says so although nothing else
# of the rule is there. Skips cleanly when the corpus is absent.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
if [ ! -f "$corpus_dir/MANIFEST.tsv" ]; then
  tap_skip "computers of the real corpus" "corpus absent (no $corpus_dir; set KBSCAN_CORPUS)"
  tap_done; exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# The folders of logs of one machine each (SOURCES.md).
whole="fukusuket-evtx-parser tugix456-randaodcxjj aaronthopliss-hello-world dikimevi-dikimevi
  anotherc0ne-AD-DC- anotherc0ne-EventLog NickSmet-ts-evtx 4renwald-evtx-python sesellis-ETWTool
  sdkeaglesoftware-demo gbzrlk021-UploadClean"

for dir in "$corpus_dir"/*/; do
  name=$(basename "$dir")
  timeout 300 "$KBSCAN" --rules rules --format json -o "$tmp/r.json" "$dir" 2>/dev/null
  rc=$?
  "$KBSCAN" --rules rules --color never "$dir" >"$tmp/r.txt" 2>/dev/null
  if [ $rc -ne 0 ] && [ $rc -ne 1 ] && [ $rc -ne 3 ]; then
    tap_fail "$name: kbscan exit status $rc"
    continue
  fi
  one=0
  case " $(echo $whole) " in *" $name "*) one=1 ;; esac
  if out=$($PY - "$tmp/r.json" "$tmp/r.txt" "$one" 2>&1 <<'EOF'
import json, sys
r, text, one = json.load(open(sys.argv[1])), open(sys.argv[2], encoding="utf-8").read(), sys.argv[3] == "1"
paths = [i["path"] for i in r["inputs"]]
if "computers" not in r:
    # One computer: every input is its own; its other names in the summary line.
    line = [l for l in text.splitlines() if l.startswith("Computer: ")][0]
    also = line.split("(also named ", 1)[1].split(")")[0] if "(also named " in line else ""
    print("one computer: %s%s" % (r["summary"]["computer"], ", also named " + also if also else ""))
    sys.exit(0)
told = {i["path"] for c in r["computers"] for i in c["inputs"]} | {u["path"] for u in r["unassigned"]}
lost = [p for p in paths if p not in told]
assert not lost, "inputs of no computer and not listed as unassigned: %s" % lost[:3]
names = ", ".join("%s (%d)" % (c["computer"], len(c["inputs"])) for c in r["computers"])
why = "%d computers: %s; %d unassigned" % (len(r["computers"]), names, len(r["unassigned"]))
if one:
    print("expected one computer, got " + why)
    sys.exit(1)
print(why)
EOF
  ); then
    tap_ok "$name: $(head -c 600 <<<"$out")"
  else
    tap_fail "$name: $(head -c 600 <<<"$out")"
  fi
done

app=$corpus_dir/anotherc0ne-AD-DC-/Application.evtx
if [ -f "$app" ]; then
  "$KBSCAN" --rules rules --format json -o "$tmp/app.json" "$app" 2>/dev/null; rc=$?
  "$KBSCAN" --rules rules --color never "$app" >"$tmp/app.txt" 2>/dev/null
  tap_check "anotherc0ne-AD-DC-/Application.evtx alone: not matched (exit 0, was $rc), yet its VSS 13/8193 with another hr are told, and called known harmless" \
    $PY - "$tmp/app.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
rule = [x for x in r["rules"] if x["id"] == "vss-writers-missing-eventsystem-shared"][0]
cp = {c["id"]: c for c in rule["checkpoints"]}["vss-errors"]
assert rule["verdict"] == "not_matched" and rule["near_miss"] is None, rule["verdict"]
assert cp["state"] == "not_met" and cp["near"]["count"] == 8, cp["near"]
assert "0x8007045b" in cp["near"]["say"], cp["near"]["say"]
assert all(c["name"] == "ERROR_SHUTDOWN_IN_PROGRESS" for e in cp["near"]["evidence"] for c in e["codes"]), cp["near"]
# and the shutdown noise rule says what they are: known harmless
assert [k["rule"] for k in r["summary"]["known_harmless"]] == ["vss-eventsystem-shutdown-noise"], r["summary"]
EOF
  tap_check "... the text report says: VSS 13, 8193 present 8 times, but with hr 0x8007045b" \
    grep -q "Close, but not it" "$tmp/app.txt"
  tap_check "... in those words" grep -q "VSS 13, 8193 present 8 times, but with hr 0x8007045b" "$tmp/app.txt"
else
  tap_skip "anotherc0ne-AD-DC-/Application.evtx: close facts told" "absent from the corpus"
fi
tap_done
