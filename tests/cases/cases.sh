#!/usr/bin/env bash
# Parser cases as data (tests/cases/README.md): each tests/cases/<kind>/<name>.<ext>
# is a saved command output, in whatever encoding the server wrote it;
# <name>.facts next to it is what kbscan must read in it. Runs
# $KBSCAN_BUILD/case-facts on every case and compares its output with the
# .facts file (its leading '#' lines are the case's description); a
# mismatch prints the diff. UPDATE_CASES=1 (or `make update-cases`)
# rewrites the .facts files, keeping their descriptions: review the diff.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
runner=${KBSCAN_BUILD:-$repo_root/build}/case-facts
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$runner" ]; then
  tap_fail "no case runner $runner (make tests)"
  tap_done; exit
fi

ncases=0
for input in tests/cases/*/*; do
  case $input in *.facts|*/README*) continue ;; esac
  [ -f "$input" ] || continue
  ncases=$((ncases + 1))
  kind=$(basename "$(dirname "$input")")
  name=${input#tests/cases/}
  expected=${input%.*}.facts
  if ! "$runner" "$kind" "$input" >"$tmp/got" 2>"$tmp/err"; then
    tap_fail "$name: case-facts failed: $(head -c 300 "$tmp/err")"
    continue
  fi
  # The case's description (the .facts file's leading '#' lines) stays.
  { [ -f "$expected" ] && sed -n '/^#/!q;p' "$expected"; cat "$tmp/got"; } >"$tmp/new"
  if [ -n "${UPDATE_CASES:-}" ]; then
    cp "$tmp/new" "$expected"
    tap_ok "$name: $expected written"
    continue
  fi
  if [ ! -f "$expected" ]; then
    tap_fail "$name: no $expected (UPDATE_CASES=1 $0 writes it: review it)"
    continue
  fi
  if diff -u --label "$expected" --label "what kbscan reads in $input" "$expected" "$tmp/new" >"$tmp/diff"; then
    tap_ok "$name: the facts expected"
  else
    tap_fail "$name: the facts differ from $expected"
    sed 's/^/#   /' "$tmp/diff"
  fi
done

# A .facts file without its input is a case that no longer runs.
for expected in tests/cases/*/*.facts; do
  [ -f "$expected" ] || continue
  ls "${expected%.facts}".* 2>/dev/null | grep -qv '\.facts$' ||
    tap_fail "$expected: no input file next to it"
done
tap_check "there are parser cases ($ncases)" [ "$ncases" -gt 0 ]
tap_done
