#!/usr/bin/env bash
# The EVTX prefilter changes nothing but speed: the JSON report is the same
# with and without it (--no-prefilter) on every sample bundle (seed rules)
# and on the real corpus (a test rule wanting its common events, so that the
# prefilter has real work there); skipped, and said so, without the corpus.
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

for dir in samples/bundles/*/; do
  same "$(basename "$dir")" rules "$dir"
done
if [ -f "$corpus_dir/MANIFEST.tsv" ]; then
  same "corpus, seed rules" rules "$corpus_dir"
  same "corpus, common events" tests/e2e/rules-prefilter "$corpus_dir"
  # Several computers: "rules" holds each computer's outcome of the rule.
  $PY -c 'import json,sys; r=json.load(open(sys.argv[1])); n=sum(x["checkpoints"][0]["count"] for x in r["rules"]); assert n > 1000, n' "$tmp/a.json"
  tap_check "corpus, common events: the test rule finds many events" [ $? -eq 0 ]
else
  tap_skip "corpus: the same report with and without the prefilter" "no corpus at $corpus_dir (set KBSCAN_CORPUS)"
fi
tap_done
