#!/usr/bin/env bash
# Runs the whole test suite once per build directory given (e.g. `build` and
# the sanitizer build `build/asan`) and prints one tally at the end.
#
# Every test speaks TAP: unit tests are cmocka programs (TAP output), script
# tests are tests/*/*.sh printing `ok N - what` / `not ok N - what` /
# `ok N - what # SKIP why`. A program that exits non-zero without reporting a
# failure counts as one failure, so a crash is never silent; a check marked
# `# TODO` counts as failed, passing or not.
set -u
cd "$(dirname "$0")/.." || exit 2

passed=0 failed=0 skipped=0
failures=()

run_one() {  # $1 = label, rest = command
  local label=$1; shift
  local out rc
  out=$("$@" 2>&1); rc=$?
  local p f s
  # cmocka's TAP prints a skipped test as "not ok N - name # SKIP": a skip.
  p=$(grep -cE '^ok [0-9]+' <<<"$out" | head -1)
  s=$(grep -cE '^(not )?ok [0-9]+.*# (SKIP|skip)' <<<"$out" | head -1)
  f=$(grep -E '^not ok [0-9]+' <<<"$out" | grep -cvE '# (SKIP|skip)' | head -1)
  p=$((p - $(grep -cE '^ok [0-9]+.*# (SKIP|skip)' <<<"$out" | head -1)))
  # A "# TODO" mark is a failure either way: the suite keeps none (a check
  # that passes drops its mark; one that fails is a bug or a wrong test).
  local t
  t=$(grep -cE '^ok [0-9]+.*# (TODO|todo)' <<<"$out" | head -1)
  if [ "$t" -ne 0 ]; then
    p=$((p - t)); f=$((f + t))
    out+=$'\n'"not ok - $label: $t check(s) still marked # TODO"
  fi
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1
    out+=$'\n'"not ok - $label exited with status $rc"
  fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  printf '%-44s %3d passed, %d failed, %d skipped\n' "$label" "$p" "$f" "$s"
  if [ "$f" -ne 0 ]; then
    failures+=("$label")
    grep -vE '^ok [0-9]+|# (SKIP|skip)' <<<"$out" | sed 's/^/    /' | tail -n 60
  fi
  grep -E '^(not )?ok [0-9]+.*# (SKIP|skip)' <<<"$out" | sed 's/^/    /'
}

for build in "$@"; do
  echo "== suite with $build"
  export KBSCAN="$PWD/$build/kbscan" EVTXGEN="$PWD/$build/evtxgen" \
         KBSCAN_BUILD="$PWD/$build" CMOCKA_MESSAGE_OUTPUT=TAP
  for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    run_one "$build: unit/$(basename "$t")" "$t"
  done
  for t in tests/*/*.sh; do
    [ -x "$t" ] || continue
    run_one "$build: ${t#tests/}" "$t"
  done
done

[ ${#failures[@]} -eq 0 ] || printf 'failed: %s\n' "${failures[@]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
