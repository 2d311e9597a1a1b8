#!/usr/bin/env bash
# The EVTX prefilter changes nothing but speed: the JSON report is the same
# with and without it (--no-prefilter) on every sample bundle (seed rules)
# and on the real corpus (a test rule wanting its common events, so that the
# prefilter has real work there); and broad rules beside the shipped ones
# change none of the shipped rules' results nor any input's status;
# skipped, and said so, without the corpus.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# same NAME RULES PATH...: compares both reports, volatile fields aside.
same() {
  local name=$1 rules=$2; shift 2
  "$KBSCAN" --rules "$rules" --format json -o "$tmp/a.json" "$@" 2>/dev/null
  "$KBSCAN" --rules "$rules" --format json -o "$tmp/b.json" --no-prefilter "$@" 2>/dev/null
  if ! $PY tests/lib/normalise.py "$tmp/a.json" > "$tmp/a.norm" 2>/dev/null ||
     ! $PY tests/lib/normalise.py "$tmp/b.json" > "$tmp/b.norm" 2>/dev/null; then
    tap_fail "$name: no JSON report"
    return
  fi
  if diff -u "$tmp/b.norm" "$tmp/a.norm" > "$tmp/diff"; then
    tap_ok "$name: the same report with and without the prefilter"
  else
    tap_fail "$name: the prefilter changes the report"
    head -n 20 "$tmp/diff" | sed 's/^/#   /'
  fi
}

# unmoved NAME PATH...: the shipped rules alone, and again beside broad
# test rules (every Application event, the corpus's common events): every
# shipped rule's result (verdict, checkpoints, evidence, counts) and every
# input's status, notes and record counts are the same; broad rules decide nothing
# for the others.
mkdir -p "$tmp/broad"
cp -r rules/. "$tmp/broad/"  # the rules with their tables and fixtures
cp tests/e2e/rules-every-event/*.json tests/e2e/rules-prefilter/*.json "$tmp/broad/"
unmoved() {
  local name=$1; shift
  "$KBSCAN" --rules rules --format json -o "$tmp/a.json" "$@" 2>/dev/null
  "$KBSCAN" --rules "$tmp/broad" --format json -o "$tmp/b.json" "$@" 2>/dev/null
  if out=$($PY - "$tmp/a.json" "$tmp/b.json" rules/*.json <<'PY'
import json, sys
shipped = {json.load(open(p))["id"] for p in sys.argv[3:]}
def results(path):
    """Every shipped rule's result, wherever the report puts it, and the inputs."""
    found = {}
    def walk(x, where):
        if isinstance(x, dict):
            if x.get("id") in shipped and "verdict" in x:
                found[(where, x["id"])] = json.dumps(x, sort_keys=True)
                return
            for k, v in x.items():
                walk(v, where + "/" + k)
        elif isinstance(x, list):
            for i, v in enumerate(x):  # named by what it is, not where: the rule lists differ
                name = v.get("computer") or v.get("name") or v.get("id") if isinstance(v, dict) else None
                walk(v, where + "/" + str(name or i))
    r = json.load(open(path))
    walk({k: v for k, v in r.items() if k != "inputs"}, "")
    for i in r["inputs"]:
        # what the broad rules use besides (facts, records_used) aside
        counts = {k: v for k, v in (i.get("counts") or {}).items() if k not in ("facts", "records_used")}
        found[("inputs", i["path"])] = json.dumps({"status": i.get("status"), "message": i.get("message"),
                                                   "notes": i.get("notes"), "counts": counts}, sort_keys=True)
    return found
a, b = results(sys.argv[1]), results(sys.argv[2])
differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
for k in differ[:5]:
    print("# %s: alone %s; beside broad rules %s" % ("/".join(k), (a.get(k) or "-")[:150], (b.get(k) or "-")[:150]))
print("%d rule results and inputs" % len(a))
sys.exit(1 if differ or not a else 0)
PY
  ); then
    tap_ok "$name: broad rules change no other result ($(tail -n 1 <<<"$out"))"
  else
    tap_fail "$name: broad rules change other results"
    printf '%s\n' "$out"
  fi
}

for dir in samples/bundles/*/; do
  same "$(basename "$dir")" rules "$dir"
done
unmoved "every sample bundle" samples/bundles
if [ -f "$corpus_dir/MANIFEST.tsv" ]; then
  same "corpus, seed rules" rules "$corpus_dir"
  same "corpus, common events" tests/e2e/rules-prefilter "$corpus_dir"
  # Several computers: "rules" holds each computer's outcome of the rule.
  $PY -c 'import json,sys; r=json.load(open(sys.argv[1])); n=sum(x["checkpoints"][0]["count"] for x in r["rules"]); assert n > 1000, n' "$tmp/a.json"
  tap_check "corpus, common events: the test rule finds many events" [ $? -eq 0 ]
  unmoved "corpus" "$corpus_dir"
else
  tap_skip "corpus: the same report with and without the prefilter" "no corpus at $corpus_dir (set KBSCAN_CORPUS)"
  tap_skip "corpus: broad rules change no other result" "no corpus at $corpus_dir (set KBSCAN_CORPUS)"
fi
tap_done
