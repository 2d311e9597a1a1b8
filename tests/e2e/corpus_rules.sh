#!/usr/bin/env bash
# Real logs stay quiet: every rule of rules/ over the real corpus
# (../shared/corpus/evtx), once over the whole corpus as one bundle and once
# over each folder of logs copied whole from one machine, and each rule's
# outcomes counted over the computers of each run: matched, known harmless,
# explained, not matched, cannot tell, cannot tell but quiet. The counts
# must equal tests/e2e/corpus_rules.tsv, where each rule that says matched
# on a public log is explained (docs/corpus.md says which file and why).
# A rule added without its row fails, so its corpus outcome is looked at.
# UPDATE_EXPECTED=1 rewrites the table (review the diff). Skips cleanly when
# the corpus is absent.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
if [ ! -f "$corpus_dir/MANIFEST.tsv" ]; then
  tap_skip "rules' outcomes over the real corpus" "corpus absent (no $corpus_dir; set KBSCAN_CORPUS)"
  tap_done; exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
expected=tests/e2e/corpus_rules.tsv

# Whole-machine folders: those holding both a System and an Application log
# (any case), and those SOURCES.md says are one machine's logs.
whole="fukusuket-evtx-parser tugix456-randaodcxjj aaronthopliss-hello-world dikimevi-dikimevi
  anotherc0ne-AD-DC- anotherc0ne-EventLog NickSmet-ts-evtx 4renwald-evtx-python sesellis-ETWTool
  sdkeaglesoftware-demo gbzrlk021-UploadClean"
for dir in "$corpus_dir"/*/; do
  name=$(basename "$dir")
  if [ -n "$(find "$dir" -iname System.evtx -print -quit)" ] && [ -n "$(find "$dir" -iname Application.evtx -print -quit)" ]; then
    whole="$whole $name"
  fi
done
scopes=$(for w in $whole; do [ -d "$corpus_dir/$w" ] && echo "$w"; done | sort -u)

run() {  # run SCOPE PATH: the JSON report of all rules over PATH
  timeout 600 "$KBSCAN" --rules rules -j2 -q --format json -o "$tmp/$1.json" "$2" 2>"$tmp/$1.err"
  local rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 1 ] && [ $rc -ne 3 ]; then
    tap_fail "$1: kbscan exit status $rc ($(head -c 300 "$tmp/$1.err"))"
    return 1
  fi
  echo "$1" >>"$tmp/scopes"
}
: >"$tmp/scopes"
run corpus "$corpus_dir" && tap_ok "the whole corpus, all rules, as one bundle"
for s in $scopes; do run "$s" "$corpus_dir/$s"; done
tap_check "each whole-machine folder, all rules, as one bundle ($(echo $scopes | wc -w) folders)" \
  [ "$(wc -l <"$tmp/scopes")" -eq $(( $(echo $scopes | wc -w) + 1 )) ]

$PY - "$tmp" "$tmp/scopes" rules >"$tmp/got.tsv" 2>"$tmp/py.err" <<'PYEOF'
import collections, json, os, sys
tmp, scopes, rules_dir = sys.argv[1], open(sys.argv[2]).read().split(), sys.argv[3]
cols = ["matched", "harmless", "explained", "not_matched", "cannot_tell", "cannot_tell_quiet"]
def outcome(r):
    if r.get("explained_by"):
        return "explained"
    if r["verdict"] == "matched":
        return "harmless" if r["outcome"] == "benign" else "matched"
    if r["verdict"] == "cannot_tell":
        return "cannot_tell_quiet" if r.get("quiet") else "cannot_tell"
    return r["verdict"]
ids = sorted(f[:-5] for f in os.listdir(rules_dir) if f.endswith(".json"))
print("# scope\trule\t" + "\t".join(cols))
for s in scopes:
    report = json.load(open(os.path.join(tmp, s + ".json")))
    counts = collections.defaultdict(collections.Counter)
    for r in report["rules"]:
        counts[r["id"]][outcome(r)] += 1
    for i in ids:
        print("\t".join([s, i] + [str(counts[i][c]) for c in cols]))
PYEOF
tap_check "outcomes counted per rule and run" bash -c "[ ! -s '$tmp/py.err' ] && [ -s '$tmp/got.tsv' ]" \
  || sed 's/^/# /' "$tmp/py.err"

if [ -n "${UPDATE_EXPECTED:-}" ]; then
  { grep '^#!' "$expected" 2>/dev/null; cat "$tmp/got.tsv"; } >"$tmp/new.tsv"
  cp "$tmp/new.tsv" "$expected"
  tap_ok "$expected rewritten (review the diff)"
else
  # The table's header lines (#!) are notes for its readers.
  grep -v '^#!' "$expected" >"$tmp/want.tsv" 2>/dev/null
  if diff "$tmp/want.tsv" "$tmp/got.tsv" >"$tmp/diff"; then
    tap_ok "every rule's outcomes over the corpus are those of $expected"
  else
    tap_fail "rules' outcomes over the corpus differ from $expected (< expected, > got; UPDATE_EXPECTED=1 rewrites it)"
    sed 's/^/# /' "$tmp/diff" | head -40
  fi
fi
# No failure rule is matched on the corpus but those the table's notes explain.
$PY - "$tmp/got.tsv" "$expected" >"$tmp/unexplained" <<'PYEOF'
import sys
notes = "".join(l for l in open(sys.argv[2]) if l.startswith("#!"))
for line in open(sys.argv[1]):
    if line.startswith("#"):
        continue
    scope, rule, matched = line.split("\t")[:3]
    if int(matched) and ("#! " + rule + ":") not in notes:
        print(scope, rule, matched)
PYEOF
tap_check "every rule matched on the corpus is explained in the table's notes" [ ! -s "$tmp/unexplained" ] \
  || sed 's/^/# unexplained: /' "$tmp/unexplained"
tap_done
