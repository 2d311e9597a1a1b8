#!/usr/bin/env bash
# evtxgen --windows-layout writes EventData as Windows does (a nested BinXml
# substitution value holding a template instance of its own, as 98% of the
# real corpus's records), and it is the same log: both independent readers
# return every value written, and kbscan reads the same facts (every field
# of every event, the counts, the seed rule's verdict and evidence through
# the prefilter) from the nested form as from the flat one.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
rb=tests/evtxgen/readback.py
ef=tests/evtxgen/every-field.json
mkdir -p "$tmp/flat" "$tmp/nested" "$tmp/bflat" "$tmp/bnested"

tap_check "every-field.json is written in Windows' layout" \
  "$EVTXGEN" --windows-layout -o "$tmp/nested/ef.evtx" "$ef"
"$EVTXGEN" -o "$tmp/flat/ef.evtx" "$ef"
if $PY -c 'import pyevtx, Evtx.Evtx' 2>/dev/null; then
  for r in libevtx python-evtx; do
    if out=$($rb check "$r" "$ef" "$tmp/nested/ef.evtx" 2>"$tmp/err"); then
      tap_ok "Windows' layout: $r reads back every value written ($out)"
    else
      tap_fail "Windows' layout: $r reads different values ($out)"
      head -n 10 "$tmp/err" | sed 's/^/#   /'
    fi
  done
else
  tap_skip "Windows' layout: both readers read back every value" "python3-libevtx or python3-evtx missing"
fi

# The records' structure: the record's template ends <Event> with one
# BinXml substitution and holds no <EventData>; the value is a fragment
# with a template instance of its own, whose template holds <EventData>.
structure() {
  $PY - "$1" "$2" <<'EOF'
import sys
sys.path.insert(0, "tests/lib")
import evtxcraft as ec
f, nested = ec.EvtxFile.read(sys.argv[1]), sys.argv[2] == "nested"
n = 0
for _, r in f.records():
    c, inst = r.chunk, r.instance()
    outer = ec.Template(c, inst.def_offset)
    names = [outer.name_of(t) for t in outer.elements]
    subs = outer.substitutions
    last = inst.descriptors[-1]
    if not nested:
        assert "EventData" in names and all(t.sub_type != 0x21 for t in subs), (r.id, names)
        n += 1
        continue
    assert "EventData" not in names, (r.id, names)
    assert subs[-1].sub_type == 0x21 and last[2] == 0x21, (r.id, subs[-1].sub_type, last)
    pos = inst.values_pos + sum(d[1] for d in inst.descriptors[:-1])
    value = bytes(c.data[pos:pos + last[1]])
    assert value[:5] == b"\x0f\x01\x01\x00\x0c" and value[-1:] == b"\x00", (r.id, value[:8].hex())
    inner = ec.Template(c, ec.u32(c.data, pos + 10))
    assert [inner.name_of(t) for t in inner.elements][:1] == ["EventData"], r.id
    n += 1
assert n, "no record"
EOF
}
tap_check "Windows' layout: every record's EventData is a nested BinXml value with its own template" \
  structure "$tmp/nested/ef.evtx" nested
tap_check "the flat layout (the default) is unchanged: EventData in the record's template" \
  structure "$tmp/flat/ef.evtx" flat

# Bulk mode in Windows' layout: reproducible, nested in every record.
"$EVTXGEN" --bulk 1 --seed 5 --channel System --windows-layout -o "$tmp/b1.evtx"
"$EVTXGEN" --bulk 1 --seed 5 --channel System --windows-layout -o "$tmp/b2.evtx"
tap_check "bulk --windows-layout: the same seed gives the same bytes" cmp -s "$tmp/b1.evtx" "$tmp/b2.evtx"
tap_check "bulk --windows-layout: nested EventData in every record" structure "$tmp/b1.evtx" nested

# The seed case's logs, each with thousands of common events of several
# shapes around them (many chunks), in both layouts, next to its command
# output: the same events either way (bulk mode fills a size, so its two
# layouts would hold different numbers of events).
for ch in Application System; do
  low=$(tr A-Z a-z <<<"$ch")
  $PY - samples/events/seed-ja-$low.json "$tmp/$ch.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
events = d["events"]
for i in range(6000):
    t = "2018-09-%02dT%02d:%02d:%02d.%03dZ" % (1 + i // 3600 % 20, i // 150 % 24, i % 60, i * 7 % 60, i % 1000)
    k = i % 3
    if k == 0:
        events.append({"provider": "Service Control Manager", "provider_guid": "{555908d1-a6d7-4695-8e1e-26931d2012f4}",
                       "id": 7036, "qualifiers": 16384, "time": t,
                       "data": {"param1": "Service %d" % (i % 40), "param2": "running", "Binary": "%08X" % i}})
    elif k == 1:
        events.append({"provider": "VSS", "id": 8224, "time": t,
                       "data": ["\r\n\r\nOperation:\r\n   Event %d\r\n\r\nContext:\r\n   Execution Context: System Provider" % i]})
    else:
        events.append({"provider": "Application Error", "id": 1000, "level": 2, "time": t,
                       "data": ["app%d.exe" % i, "10.0.%d" % i, "ntdll.dll", "0xc0000005", "ライター %d" % i],
                       "binary": "%016X" % i})
events.sort(key=lambda e: e["time"])
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
EOF
  "$EVTXGEN" -o "$tmp/bflat/$ch.evtx" "$tmp/$ch.json"
  "$EVTXGEN" --windows-layout -o "$tmp/bnested/$ch.evtx" "$tmp/$ch.json"
done
cp samples/bundles/seed-ja/*.txt "$tmp/bflat/"
cp samples/bundles/seed-ja/*.txt "$tmp/bnested/"

# same_facts RULES A B WHAT: kbscan's JSON reports of folders A and B hold
# the same verdicts, counts and evidence (every field), paths aside.
same_facts() {
  local rules=$1 a=$2 b=$3 what=$4 out
  "$KBSCAN" --rules "$rules" --max-evidence 100000 --format json -o "$tmp/a.json" "$a" 2>"$tmp/a.err"
  "$KBSCAN" --rules "$rules" --max-evidence 100000 --format json -o "$tmp/b.json" "$b" 2>"$tmp/b.err"
  if out=$($PY - "$tmp/a.json" "$tmp/b.json" 2>&1 <<'EOF'
import json, os, sys
def facts(path):
    r = json.load(open(path))
    # Every count but the file's size (the nested layout takes more bytes).
    inputs = sorted((os.path.basename(i["path"]), i["kind"],
                     json.dumps({k: v for k, v in i["counts"].items() if k != "bytes"}, sort_keys=True),
                     i.get("status")) for i in r["inputs"])
    rules = []
    for rule in r["rules"]:
        cps = []
        for cp in rule["checkpoints"]:
            ev = [dict(e, path=os.path.basename(e.get("path", ""))) for e in cp.get("evidence", [])]
            cps.append((cp["id"], cp["state"], cp.get("count"), json.dumps(ev, sort_keys=True)))
        rules.append((rule["id"], rule["verdict"], cps))
    return inputs, rules
a, b = facts(sys.argv[1]), facts(sys.argv[2])
if a[0] != b[0]:
    sys.exit("inputs differ: %s / %s" % (a[0], b[0]))
n = sum(cp[2] or 0 for rule in a[1] for cp in rule[2])
for ra, rbb in zip(a[1], b[1]):
    for ca, cb in zip(ra[2], rbb[2]):
        if ca != cb:
            sys.exit("%s %s: %s" % (ra[0], ca[0], "differ: %s / %s" % (ca[:3], cb[:3]) if ca[:3] != cb[:3]
                                     else "evidence differs"))
    if ra[:2] != rbb[:2]:
        sys.exit("%s: verdict %s / %s" % (ra[0], ra[1], rbb[1]))
print("%d events selected, verdicts %s" % (n, ", ".join(r[1] for r in a[1])))
EOF
  ); then
    tap_ok "$what: the same facts from both layouts ($out)"
  else
    tap_fail "$what: $out"
  fi
}
same_facts tests/evtxgen/rules-every-event "$tmp/flat" "$tmp/nested" "every-field.json, every event"
same_facts tests/evtxgen/rules-every-event "$tmp/bflat" "$tmp/bnested" "the seed case among 12000 common events, every event"
same_facts rules "$tmp/bflat" "$tmp/bnested" "the seed case among 12000 common events, shipped rules (prefilter)"
tap_done
