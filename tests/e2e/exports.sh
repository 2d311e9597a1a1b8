#!/usr/bin/env bash
# The same events exported in every shape kbscan reads (.evtx, wevtutil
# /f:text and /f:xml, Event Viewer's XML and CSV, TSS's and psSDP's CSV,
# VSSTester's CLIXML, a legacy .evt) give the same verdict, the same
# checkpoint states and counts, and the same evidence (the values each
# shape has: record ids where it has them, times to the precision it
# keeps), on the seed case and on a healthy case. The exports are written
# at test time from the events of the sample bundles by
# samples/src/export_events.py.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export_events=samples/src/export_events.py

# shape  file name                 has record ids  sub-second times
shapes="wevtutil-text Application.txt 0 1
wevtutil-xml Application.xml 1 1
eventviewer-xml Application-viewer.xml 1 1
csv-tss Application.csv 0 0
csv-eventviewer Application-viewer.csv 0 0
csv-pssdp SRV_evt_Application.csv 0 0
clixml events-App.xml 1 1
evt AppEvent.Evt 1 0"

# bundle SAMPLE EVENTS: the sample's outputs, with its Application log as
# .evtx (the reference) and in each shape.
for sample in seed-ja healthy; do
  events=samples/events/$sample-application.json
  ref=$tmp/$sample/evtx
  mkdir -p "$ref"
  find "samples/bundles/$sample" -maxdepth 1 -type f ! -name '*.evtx' -exec cp {} "$ref/" \;
  cp "samples/bundles/$sample/Application.evtx" "$ref/"
  "$KBSCAN" --format json -o "$tmp/$sample-evtx.json" "$ref" 2>/dev/null
  while read -r shape name ids subsec; do
    dir=$tmp/$sample/$shape
    mkdir -p "$dir"
    find "samples/bundles/$sample" -maxdepth 1 -type f ! -name '*.evtx' -exec cp {} "$dir/" \;
    if ! $PY "$export_events" "$shape" "$events" "$dir/$name" 2>"$tmp/err"; then
      tap_fail "$sample: $shape export written ($(head -c 200 "$tmp/err"))"
      continue
    fi
    "$KBSCAN" --format json -o "$tmp/$sample-$shape.json" "$dir" 2>/dev/null
    tap_check "$sample: the $shape export gives the .evtx's verdict, checkpoints and evidence" \
      $PY - "$tmp/$sample-evtx.json" "$tmp/$sample-$shape.json" "$name" "$ids" "$subsec" <<'PYEOF'
import json, re, sys
ref, got, name, ids, subsec = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1", sys.argv[5] == "1"
def view(path, is_ref):
    d = json.load(open(path))
    kinds = [i["kind"] for i in d["inputs"] if i["path"].endswith(("Application.evtx", "/" + name))]
    out = {"exit": d["summary"]["exit_status"], "kinds": kinds, "rules": []}
    for r in d["rules"]:
        # the seed rule says how a rendered message stands for insertion
        # strings; the other rules do not yet (their exit status still counts)
        if r["id"] != "vss-writers-missing-eventsystem-shared":
            continue
        cps = []
        for c in r["checkpoints"]:
            ev = []
            for e in c["evidence"]:
                if "record" not in e and "line" not in e and e.get("time") is None:
                    ev.append(e["fields"]); continue
                t = e.get("time")
                if t and not subsec:
                    t = t[:19] + "Z"
                item = {"time": t, "fields": dict(e["fields"])}
                if c["role"] == "context":
                    item["fields"].pop("data", None)  # insertion strings: not in text and CSV exports
                if ids:
                    item["record"] = e.get("record")
                ev.append(item)
            say = c["summary"]
            if say and not subsec:  # the export keeps whole seconds
                say = re.sub(r"(\d\d:\d\d:\d\d)\.\d+Z", r"\1Z", say)
            cps.append((c["id"], c["state"], c["count"], say, ev))
        out["rules"].append((r["id"], r["verdict"], r["near_miss"], cps))
    return out
a, b = view(ref, True), view(got, False)
assert b["kinds"] and b["kinds"][0] != "not_recognised", b["kinds"]
a.pop("kinds"); b.pop("kinds")
if a != b:
    import difflib
    x = json.dumps(a, indent=1, ensure_ascii=False).splitlines()
    y = json.dumps(b, indent=1, ensure_ascii=False).splitlines()
    print("\n".join("# " + l for l in list(difflib.unified_diff(x, y, lineterm=""))[:40]))
    sys.exit(1)
PYEOF
  done <<<"$shapes"
done
tap_done
