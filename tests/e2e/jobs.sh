#!/usr/bin/env bash
# Files analysed in parallel (-j N) give the same report as one at a time:
# every sample bundle, all of them at once, and the real corpus (skipped,
# and said so, without it). -j takes 1 to 64.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# same_for_every_j NAME RULES PATH...
same_for_every_j() {
  local name=$1 rules=$2 j; shift 2
  for j in 1 2 3 8; do
    "$KBSCAN" --rules "$rules" --format json -j "$j" -o "$tmp/j$j.json" "$@" 2>/dev/null
    $PY tests/lib/normalise.py "$tmp/j$j.json" > "$tmp/j$j.norm" 2>/dev/null || { tap_fail "$name: -j $j gave no report"; return; }
  done
  tap_check "$name: the same report for -j 1, 2, 3 and 8" \
    bash -c "cmp -s '$tmp/j1.norm' '$tmp/j2.norm' && cmp -s '$tmp/j1.norm' '$tmp/j3.norm' && cmp -s '$tmp/j1.norm' '$tmp/j8.norm'"
}

for dir in samples/bundles/*/; do
  same_for_every_j "$(basename "$dir")" rules "$dir"
done
same_for_every_j "every bundle at once" rules samples/bundles
if [ -f "$corpus_dir/MANIFEST.tsv" ]; then
  same_for_every_j "corpus" tests/e2e/rules-prefilter "$corpus_dir"
else
  tap_skip "corpus: the same report for every -j" "no corpus at $corpus_dir (set KBSCAN_CORPUS)"
fi
"$KBSCAN" -j 0 samples/bundles/seed-ja >/dev/null 2>"$tmp/err"; rc=$?
tap_check "-j 0: exit 2 naming the value" bash -c "[ $rc -eq 2 ] && grep -q \"'0'\" '$tmp/err'"
tap_done
