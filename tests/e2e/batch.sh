#!/usr/bin/env bash
# kbscan batch: many bundles in one run. Over the sample bundles (and the
# real corpus' whole-machine folders, when the corpus is present): the
# index has one line per bundle and computer equal to what the single run
# of that bundle says (outcome, exit status, the rules that matched or
# cannot tell), the same for -j 1 and -j 4; each bundle's JSON report is
# the single run's; the exit status is the worst over the bundles; the
# HTML index is valid HTML without script, one table per outcome, linking
# each bundle's reports; and the sample index is its golden file
# (UPDATE_GOLDEN=1 rewrites it: tests/e2e/golden/batch/).
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
golden_dir=tests/e2e/golden/batch

# expected DIR BUNDLE...: the single runs' index lines (JSON Lines, without
# the "report" key) and, in DIR/status, the worst exit status, from
# `kbscan --format json -o DIR/NAME.json BUNDLE` of each.
expected() {
  local dir=$1; shift
  mkdir -p "$dir"
  local b rc statuses=()
  for b in "$@"; do
    "$KBSCAN" --rules rules --format json -o "$dir/$(basename "$b").json" "$b" 2>/dev/null
    rc=$?
    statuses+=("$(basename "$b")=$rc")
  done
  $PY - "$dir" "${statuses[@]}" <<'EOF'
import json, os, sys
d, rank = sys.argv[1], {0: 0, 3: 1, 1: 2, 2: 3}
worst = 0
for arg in sys.argv[2:]:
    name, status = arg.rsplit("=", 1)
    status = int(status)
    worst = max(worst, status, key=lambda s: rank.get(s, 3))
    path = os.path.join(d, name + ".json")
    r = json.load(open(path)) if os.path.getsize(path) else None
    if r is None:
        print(json.dumps({"bundle": name, "computer": None, "outcome": "error", "exit_status": 2,
                          "matched": [], "cannot_tell": [], "bundle_exit_status": status}))
        continue
    if "computers" in r:
        computers = [(c["computer"], c["exit_status"]) for c in r["computers"]]
    else:
        computers = [(r["summary"]["computer"], r["summary"]["exit_status"])]
    for name_c, exit_c in computers:
        # Known harmless, explained and quiet results are no outcome.
        rules = [x for x in r["rules"] if x.get("computer", name_c) == name_c
                 and x.get("outcome") != "benign" and not x.get("explained_by") and not x.get("quiet")]
        matched = [x["id"] for x in rules if x["verdict"] == "matched"]
        cannot = [x["id"] for x in rules if x["verdict"] == "cannot_tell"]
        outcome = {1: "matched", 3: "cannot_tell", 0: "not_matched"}[exit_c]
        print(json.dumps({"bundle": name, "computer": name_c, "outcome": outcome,
                          "exit_status": exit_c, "matched": matched, "cannot_tell": cannot,
                          "bundle_exit_status": status}))
open(os.path.join(d, "status"), "w").write("%d\n" % worst)
EOF
}

# index FILE: the batch's JSON Lines, keys as expected() prints them.
index() {
  $PY - "$1" <<'EOF'
import json, sys
keys = ["bundle", "computer", "outcome", "exit_status", "matched", "cannot_tell", "bundle_exit_status"]
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    print(json.dumps({k: o[k] for k in keys}))
EOF
}

# check_batch LABEL BUNDLE...: a batch over the bundles (given as the entries
# of one folder of links) at -j 1 and -j 4 against their single runs.
check_batch() {
  local label=$1; shift
  local set="$tmp/$label" b
  mkdir -p "$set/bundles"
  for b in "$@"; do ln -s "$(realpath "$b")" "$set/bundles/$(basename "$b")"; done
  local links=("$set"/bundles/*)
  expected "$set/single" "${links[@]}" > "$set/expected.jsonl"
  local j rc
  for j in 1 4; do
    "$KBSCAN" batch --rules rules -j $j -f json -o "$set/out$j" "$set/bundles" \
      >"$set/index$j.jsonl" 2>"$set/err$j"
    rc=$?
    index "$set/index$j.jsonl" > "$set/got$j.jsonl" 2>"$set/py$j" ||
      { tap_fail "$label -j $j: the index is not JSON Lines ($(head -c 300 "$set/py$j"))"; continue; }
    if diff -u "$set/expected.jsonl" "$set/got$j.jsonl" > "$set/diff$j"; then
      tap_ok "$label -j $j: $(wc -l < "$set/got$j.jsonl") index lines equal the single runs'"
    else
      tap_fail "$label -j $j: index lines differ from the single runs': $(head -c 1500 "$set/diff$j")"
    fi
    tap_check "$label -j $j: exit status $rc, the worst over the bundles" \
      [ "$rc" = "$(cat "$set/single/status")" ]
  done
  tap_check "$label: the index is the same for -j 1 and -j 4" \
    cmp -s "$set/got1.jsonl" "$set/got4.jsonl"
  # Each bundle's JSON report is the single run's (volatile fields aside).
  local same=0 differ=()
  for b in "${links[@]}"; do
    local n; n=$(basename "$b")
    [ -s "$set/single/$n.json" ] || continue
    if cmp -s <($PY tests/lib/normalise.py "$set/single/$n.json") \
              <($PY tests/lib/normalise.py "$set/out4/$n.json" 2>/dev/null); then
      same=$((same + 1))
    else
      differ+=("$n")
    fi
  done
  tap_check "$label: each bundle's JSON report is the single run's ($same same${differ:+; differ: ${differ[*]}})" \
    [ ${#differ[@]} -eq 0 ]
}

check_batch samples samples/bundles/*/
# A bundle of two computers: a line each (tests/hosts/two-folders, built here).
if tools/build-bundles.sh "$EVTXGEN" "$tmp/hosts" tests/hosts >"$tmp/hosts.log" 2>&1; then
  check_batch hosts "$tmp/hosts/two-folders" samples/bundles/healthy
  tap_check "hosts: two lines for the bundle of two computers" \
    [ "$(grep -c '"bundle": "two-folders"' "$tmp/hosts/got1.jsonl")" -eq 2 ]
else
  tap_fail "the bundle of two computers was built ($(head -c 300 "$tmp/hosts.log"))"
fi

# Archives: a zipped bundle is a bundle, once the scan reads archives.
if "$KBSCAN" --list-sources | grep -qw archive; then
  mkdir -p "$tmp/zips"
  for b in seed-ja healthy no-tasklist; do
    (cd samples/bundles && zip -qr "$tmp/zips/$b.zip" "$b")
  done
  check_batch archives "$tmp/zips"/*.zip samples/bundles/seed-en
else
  tap_skip "batch over zipped bundles" "this build does not read archives"
fi

# The HTML index: parses as HTML, no script and no event handler, one table
# per outcome with a row per computer, links to reports that exist.
html_check() {
  $PY - "$1" "$2" <<'EOF'
import html.parser, json, os, sys
page, lines = sys.argv[1], [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
class P(html.parser.HTMLParser):
    void = {"meta", "br", "img", "hr", "link", "input", "col", "wbr"}
    def __init__(self):
        super().__init__(); self.stack, self.problems, self.links, self.tables = [], [], [], []
        self.section = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "iframe", "object", "embed") or any(k.startswith("on") for k in a):
            self.problems.append("active content: <%s %s>" % (tag, a))
        if tag == "div" and a.get("class") == "outcome": self.section = a.get("id")
        if tag == "table": self.tables.append([self.section, 0])
        if tag == "tr" and self.tables: self.tables[-1][1] += 1
        if tag == "a" and not a.get("href", "").startswith("#"): self.links.append(a["href"])
        if tag not in self.void: self.stack.append(tag)
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else "nothing"))
        else: self.stack.pop()
p = P(); p.feed(open(page, encoding="utf-8").read()); p.close()
assert not p.problems, p.problems[:3]
assert not p.stack, "unclosed: %s" % p.stack
from urllib.parse import unquote
missing = [l for l in p.links if not os.path.exists(os.path.join(os.path.dirname(page), unquote(l)))]
assert not missing, "links to nothing: %s" % missing[:3]
want = {}
for l in lines:
    want[l["outcome"]] = want.get(l["outcome"], 0) + 1
    if l["bundle_exit_status"] == 2 and l["outcome"] != "error":
        want["error"] = want.get("error", 0) + 1
got = {s: rows - 1 for s, rows in p.tables}   # less the header row
assert got == want, "rows per outcome table %s, index lines %s" % (got, want)
assert len(p.tables) == len(set(s for s, _ in p.tables)), "one table per outcome"
print("%d tables (%s), %d links" % (len(p.tables), ", ".join("%s %d" % kv for kv in sorted(got.items())), len(p.links)))
EOF
}
set="$tmp/samples"
if out=$(html_check "$set/out4/index.html" "$set/index4.jsonl" 2>&1); then
  tap_ok "HTML index: valid, no script, one table per outcome: $out"
else
  tap_fail "HTML index: $(head -c 600 <<<"$out")"
fi
if command -v xmllint >/dev/null 2>&1; then
  tap_check "HTML index: xmllint --html reads it without an error" \
    bash -c "xmllint --html --noout '$set/out4/index.html' 2>&1 | { ! grep -q .; }"
fi

# The golden index of the sample bundles: text (no colour) and JSON Lines
# (the output folder's name set aside).
(cd "$set" && "$KBSCAN" batch --rules "$repo_root/rules" --color never -j 2 -o out bundles \
  >"$tmp/index.txt" 2>/dev/null)
sed 's|"report":"out/|"report":"OUT/|' "$set/index4.jsonl" | sed "s|$set/out4/|OUT/|; s|\"path\":\"$set/|\"path\":\"|" \
  > "$tmp/index.jsonl"
for f in index.txt index.jsonl; do
  if [ -n "${UPDATE_GOLDEN:-}" ]; then
    mkdir -p "$golden_dir" && cp "$tmp/$f" "$golden_dir/$f"
    tap_ok "golden $f written"
  elif diff -u "$golden_dir/$f" "$tmp/$f" > "$tmp/golden.diff"; then
    tap_ok "golden $f: the sample index is as recorded"
  else
    tap_fail "golden $f differs: $(head -c 1500 "$tmp/golden.diff")"
  fi
done

# Exit status: the worst over the bundles, 2 > 1 > 3 > 0 (each set a
# folder of links to sample bundles; a missing operand beside it).
worst() {  # EXPECTED BUNDLE...
  local want=$1 d b; shift
  d=$(mktemp -d "$tmp/worst.XXXX")
  for b in "$@"; do ln -s "$repo_root/samples/bundles/$b" "$d/$b"; done
  "$KBSCAN" batch --rules rules -q "$d" ${MISSING:+"$tmp/no-such-bundle"} >/dev/null 2>&1
  local rc=$?
  tap_check "exit status $rc (want $want): $*${MISSING:+ and a missing operand}" [ $rc -eq "$want" ]
}
worst 0 healthy
worst 3 healthy damaged-log
worst 1 healthy damaged-log seed-ja
MISSING=1 worst 2 seed-ja
out=$("$KBSCAN" batch --rules rules -f json "$tmp/samples/bundles" "$tmp/no-such-bundle" 2>"$tmp/err")
tap_check "a missing operand is said on stderr, its line says error, the others still analysed" \
  bash -c "grep -q 'no-such-bundle: cannot read' '$tmp/err' &&
           [ \$(grep -c '\"outcome\":\"error\"' <<<'$out') -eq 1 ] && [ \$(wc -l <<<'$out') -eq $(( $(ls "$tmp/samples/bundles" | wc -l) + 1 )) ]"
"$KBSCAN" batch --rules rules samples/bundles/healthy >/dev/null 2>"$tmp/err"
tap_check "a folder without folders in it: said (its files are bundles)" \
  grep -q "no folder in it: each of its files is taken as a bundle" "$tmp/err"

# Names: two bundles of one name, and one named like the index page.
mkdir -p "$tmp/names/a/same" "$tmp/names/b/same" "$tmp/names/c"
cp samples/bundles/healthy/* "$tmp/names/a/same/"
cp samples/bundles/seed-ja/* "$tmp/names/b/same/"
mkdir -p "$tmp/names/c/index" && cp samples/bundles/healthy/* "$tmp/names/c/index/"
"$KBSCAN" batch --rules rules -f json -o "$tmp/names/out" "$tmp/names/a" "$tmp/names/b" "$tmp/names/c" \
  >"$tmp/names.jsonl" 2>/dev/null
tap_check "bundles of one name get reports of their own (same, same-2; index-2 beside index.html)" \
  bash -c "cd '$tmp/names/out' && [ -f same.html ] && [ -f same-2.html ] && [ -f index-2.html ] &&
           grep -q 'seed-ja\|SRV-FS01' same-2.txt && ! grep -q SRV-FS01 same.txt && grep -q '<h1>kbscan batch' index.html"

# The output folder: refused inside a bundle (nothing written there), or
# inside the folder of bundles (it would be a bundle next time).
mkdir -p "$tmp/ro/set/one" && cp samples/bundles/healthy/* "$tmp/ro/set/one/"
"$KBSCAN" batch --rules rules -o "$tmp/ro/set/one/reports" "$tmp/ro/set" >/dev/null 2>"$tmp/err"; rc=$?
tap_check "an output folder inside a bundle: exit 2, refused, nothing written" \
  bash -c "[ $rc -eq 2 ] && grep -q 'refusing to write' '$tmp/err' && [ ! -e '$tmp/ro/set/one/reports' ]"
"$KBSCAN" batch --rules rules -o "$tmp/ro/set/reports" "$tmp/ro/set" >/dev/null 2>"$tmp/err"; rc=$?
tap_check "an output folder inside the folder of bundles: exit 2, refused" \
  bash -c "[ $rc -eq 2 ] && grep -q 'refusing to write' '$tmp/err' && [ ! -e '$tmp/ro/set/reports' ]"

# CLI manners: --help, refused options, quiet, no colour or progress when piped.
"$KBSCAN" batch --help > "$tmp/help"; rc=$?
tap_check "batch --help: exit 0, the usage and the exit status" \
  bash -c "[ $rc -eq 0 ] && grep -q '^Usage: kbscan batch' '$tmp/help' && grep -q 'Exit status: the worst' '$tmp/help'"
tap_check "kbscan --help names batch" bash -c "'$KBSCAN' --help | grep -q 'kbscan batch'"
"$KBSCAN" batch --json x.json samples/bundles >/dev/null 2>"$tmp/err"; rc=$?
tap_check "batch --json: a usage error (exit 2)" bash -c "[ $rc -eq 2 ] && grep -q 'batch --help' '$tmp/err'"
"$KBSCAN" batch -f html samples/bundles >/dev/null 2>"$tmp/err"; rc=$?
tap_check "batch -f html: a usage error (exit 2)" [ $rc -eq 2 ]
"$KBSCAN" batch >/dev/null 2>"$tmp/err"; rc=$?
tap_check "batch without a folder: a usage error (exit 2)" [ $rc -eq 2 ]
out=$("$KBSCAN" batch --rules rules -q samples/bundles 2>&1)
tap_check "-q: nothing on stdout or stderr but the bundles' own messages" \
  bash -c "! grep -qv '^kbscan: ' <<<'$out'"
tap_check "piped: no colour and no progress line" \
  bash -c "! grep -q $'\033\|\r' '$tmp/index.txt' && ! grep -q 'bundles done' '$set/err4'"
if $PY -c 'import pty' 2>/dev/null; then
  # The progress line at once: a fast machine ends the batch in less than
  # the 300 ms a terminal waits for it.
  KBSCAN_PROGRESS_AFTER_MS=0 $PY tests/lib/on_tty.py "$KBSCAN" batch --rules rules -j 1 samples/bundles \
    > "$tmp/tty.txt" 2>&1
  tap_check "on a terminal: colour and a progress line" \
    bash -c "grep -q $'\033\[1;31m' '$tmp/tty.txt' && grep -q 'bundles done' '$tmp/tty.txt'"
  NO_COLOR=1 $PY tests/lib/on_tty.py "$KBSCAN" batch --rules rules samples/bundles > "$tmp/tty2.txt" 2>&1
  tap_check "NO_COLOR on a terminal: no colour" bash -c "! grep -q $'\033\[1;31m' '$tmp/tty2.txt'"
else
  tap_skip "on a terminal: colour and a progress line" "python3 has no pty module"
  tap_skip "NO_COLOR on a terminal" "python3 has no pty module"
fi

# The real corpus' whole-machine folders (the list of corpus_hosts.sh).
if [ -f "$corpus_dir/MANIFEST.tsv" ]; then
  whole=(fukusuket-evtx-parser tugix456-randaodcxjj aaronthopliss-hello-world dikimevi-dikimevi
    anotherc0ne-AD-DC- anotherc0ne-EventLog NickSmet-ts-evtx 4renwald-evtx-python sesellis-ETWTool
    sdkeaglesoftware-demo gbzrlk021-UploadClean)
  dirs=()
  for w in "${whole[@]}"; do [ -d "$corpus_dir/$w" ] && dirs+=("$corpus_dir/$w"); done
  check_batch corpus "${dirs[@]}"
else
  tap_skip "batch over the corpus' whole-machine folders" "corpus absent (no $corpus_dir; set KBSCAN_CORPUS)"
fi
tap_done
