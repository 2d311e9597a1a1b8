#!/usr/bin/env bash
# Each computer on its own: bundles of several computers, built at test
# time from the readable sources of tests/hosts/ (tools/build-bundles.sh):
#
#   two-folders   SRV01 (the seed case) and SRV02 (healthy), a folder each
#   two-flat      the same files side by side, named as collectors name them
#                 (SRV01_tasklist_svc.txt, SRV01-Application.evtx)
#   unassigned    two-folders with a tasklist at the top that nothing names
#
# Each yields one matched and one not-matched computer, each with its own
# evidence, the loose output assigned to none; the JSON report equals its
# golden file tests/hosts/<bundle>.json (UPDATE_GOLDEN=1 rewrites them;
# review the diff). Text and HTML reports are written for each.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
src=tests/hosts
b=$tmp/bundles

if ! tools/build-bundles.sh "$EVTXGEN" "$b" "$src" >"$tmp/build.log" 2>&1; then
  tap_fail "the test bundles were built ($(head -c 300 "$tmp/build.log"))"
  tap_done; exit 1
fi
# two-flat: each computer's files in one folder, prefixed with its name as
# TSS and psSDP prefix theirs: <NAME>_file for outputs, <NAME>-Log.evtx for logs.
mkdir -p "$b/two-flat"
for dir in "$b/two-folders"/*/; do
  name=$(basename "$dir")
  for f in "$dir"*; do
    case $f in
      *.evtx) cp "$f" "$b/two-flat/$name-$(basename "$f")" ;;
      *) cp "$f" "$b/two-flat/${name}_$(basename "$f")" ;;
    esac
  done
done
# unassigned: a command output at the top of a folder of computers' folders.
cp -r "$b/two-folders" "$b/unassigned"
cp "$b/two-folders/SRV01/tasklist_svc.txt" "$b/unassigned/tasklist_svc.txt"

# The seed rule alone: the computers' verdicts and golden files stay as they
# are when rules are added (their own goldens are tests/e2e/golden.sh's).
seed_rules=$tmp/seed-rules
mkdir -p "$seed_rules" && cp rules/vss-writers-missing-eventsystem-shared.json "$seed_rules/"
for bundle in two-folders two-flat unassigned; do
  (cd "$b" && "$KBSCAN" --rules "$seed_rules" --format json -o "$tmp/$bundle.json" \
     --html "$tmp/$bundle.html" "$bundle" >"$tmp/$bundle.txt" 2>"$tmp/$bundle.err")
  rc=$?
  (cd "$b" && "$KBSCAN" --rules "$seed_rules" --color never "$bundle" >"$tmp/$bundle.txt" 2>/dev/null)
  tap_check "$bundle: exit status 1, the worst over the computers (was $rc)" [ "$rc" -eq 1 ]
  tap_check "$bundle: SRV01 matched, SRV02 not matched, each with its own inputs and evidence" \
    $PY - "$tmp/$bundle.json" "$bundle" <<'EOF'
import json, sys
r, bundle = json.load(open(sys.argv[1])), sys.argv[2]
names = [c["computer"] for c in r["computers"]]
assert names == ["SRV01.contoso.local", "SRV02"], names
assert r["summary"]["computers"] == names and r["summary"]["computer"] is None, r["summary"]
assert r["coverage"] is None
verdict = {x["computer"]: x["verdict"] for x in r["rules"]}
assert verdict == {"SRV01.contoso.local": "matched", "SRV02": "not_matched"}, verdict
assert [c["exit_status"] for c in r["computers"]] == [1, 0]
def own(path, name):  # SRV01's files are in SRV01/, or named SRV01_..., SRV01-...
    short = name.split(".")[0]
    return ("/%s/" % short) in path or ("/%s_" % short) in path or ("/%s-" % short) in path
for c in r["computers"]:
    ins = [i["path"] for i in c["inputs"]]
    assert ins and all(own(p, c["computer"]) for p in ins), (c["computer"], ins)
    assert all(own(i["path"], c["computer"]) for i in c["coverage"]["inputs"]), c["coverage"]["inputs"]
for rule in r["rules"]:
    for cp in rule["checkpoints"]:
        for ev in cp["evidence"]:
            assert own(ev["path"], rule["computer"]), (rule["computer"], ev["path"])
        for p in cp["inputs"]:
            assert own(p, rule["computer"]), (rule["computer"], p)
srv01 = [x for x in r["rules"] if x["computer"].startswith("SRV01")][0]
cps = {c["id"]: c for c in srv01["checkpoints"]}
assert cps["vss-errors"]["count"] == 2 and cps["eventsystem-shared"]["state"] == "met", cps
by = {i["path"].split("/")[-1]: i["by"] for c in r["computers"] for i in c["inputs"]}
if bundle == "two-flat":
    assert set(by.values()) <= {"file_name", "host_name"}, by
else:
    assert set(by.values()) <= {"folder_name", "host_name"}, by
loose = [i for i in r["inputs"] if i["path"] == "unassigned/tasklist_svc.txt"]
if bundle == "unassigned":
    assert loose and loose[0]["computers"] == [], loose
    u = r["unassigned"]
    assert [x["path"] for x in u] == ["unassigned/tasklist_svc.txt"], u
    assert u[0]["folder"] == "unassigned" and u[0]["computers"] == names, u
else:
    assert r["unassigned"] == [], r["unassigned"]
EOF
  $PY tests/lib/normalise.py "$tmp/$bundle.json" >"$tmp/$bundle.norm"
  golden=$src/$bundle.json
  if [ -n "${UPDATE_GOLDEN:-}" ]; then
    cp "$tmp/$bundle.norm" "$golden"
    tap_ok "$bundle: golden file written"
  elif diff -u "$golden" "$tmp/$bundle.norm" >"$tmp/$bundle.diff"; then
    tap_ok "$bundle: JSON report equals the golden report"
  else
    tap_fail "$bundle: JSON report differs from $golden"
    head -n 40 "$tmp/$bundle.diff" | sed 's/^/#   /'
  fi
  tap_check "$bundle: the text report has a section per computer" \
    grep -q "^Computer 2 of 2: SRV02" "$tmp/$bundle.txt"
  tap_check "$bundle: the HTML report has a section per computer" \
    grep -q 'id="computer-2"' "$tmp/$bundle.html"
done
tap_check "unassigned: the text report lists the loose output and why" \
  grep -q "^  unassigned/tasklist_svc.txt: unassigned holds files of several computers" "$tmp/unassigned.txt"

# Every rule, several computers, SRV02 with the LLDP driver's CAPI2 513 (the
# capi2-513-lldp-benign rule's matching fixture): a known harmless finding of
# SRV02's own, in its computer entry, in the run's summary naming it, and
# in its section of the text report; SRV01 has none.
mkdir -p "$tmp/harmless-src/two-folders"
cp -r "$src/two-folders/"* "$tmp/harmless-src/two-folders/"
cp rules/tests/capi2-513-lldp-benign/r06-lldp/Application.json "$tmp/harmless-src/two-folders/SRV02/CAPI2.json"
tools/build-bundles.sh "$EVTXGEN" "$tmp/harmless" "$tmp/harmless-src" >/dev/null 2>&1
(cd "$tmp/harmless" && "$KBSCAN" --rules "$repo_root/rules" --format json -o "$tmp/all.json" two-folders >/dev/null 2>&1)
(cd "$tmp/harmless" && "$KBSCAN" --rules "$repo_root/rules" --color never two-folders >"$tmp/all.txt" 2>/dev/null)
tap_check "several computers, a harmless finding on SRV02: its own known_harmless, and the summary's naming it" \
  $PY -c 'import json,sys; r=json.load(open(sys.argv[1])); h={c["computer"]: [x["rule"] for x in c["known_harmless"]] for c in r["computers"]}; assert h == {"SRV01.contoso.local": [], "SRV02": ["capi2-513-lldp-benign"]}, h; s=[(x["computer"], x["rule"]) for x in r["summary"]["known_harmless"]]; assert s == [("SRV02", "capi2-513-lldp-benign")], s' "$tmp/all.json"
tap_check "... and the text report shows it in SRV02's part" \
  bash -c "sed -n '/^Computer 2 of 2/,\$p' '$tmp/all.txt' | grep -q '^Known harmless' && ! sed -n '/^Computer 1 of 2/,/^Computer 2 of 2/p' '$tmp/all.txt' | grep -q '^Known harmless'"

# A bundle of one computer reads as before: no list of computers.
"$KBSCAN" --rules rules --format json -o "$tmp/one.json" samples/bundles/seed-ja 2>/dev/null
tap_check "a bundle of one computer: the report of one computer (no computers[], no computer per rule)" \
  $PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert "computers" not in r and "unassigned" not in r and all("computer" not in x for x in r["rules"]), r.keys()' "$tmp/one.json"
tap_done
