#!/usr/bin/env bash
# End-to-end golden tests: runs build/kbscan on every sample bundle and
# compares the JSON report (volatile fields aside) and the exit status with
# tests/e2e/golden/<bundle>.json. UPDATE_GOLDEN=1 rewrites the golden files
# (review the diff before committing them).
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

for dir in samples/bundles/*/; do
  b=$(basename "$dir")
  golden=tests/e2e/golden/$b.json
  "$KBSCAN" --rules rules --format json -o "$tmp/$b.json" "samples/bundles/$b" 2>"$tmp/$b.err"
  status=$?
  if [ "$status" -ge 4 ] || [ "$status" -eq 2 ]; then
    tap_fail "$b: kbscan exit status $status ($(head -c 300 "$tmp/$b.err"))"
    continue
  fi
  $PY tests/lib/normalise.py "$tmp/$b.json" > "$tmp/$b.norm" || { tap_fail "$b: report is not JSON"; continue; }
  if [ -n "${UPDATE_GOLDEN:-}" ]; then
    cp "$tmp/$b.norm" "$golden"
    tap_ok "$b: golden file written"
    continue
  fi
  if [ ! -f "$golden" ]; then
    tap_fail "$b: no golden file $golden (run UPDATE_GOLDEN=1 $0)"
    continue
  fi
  expected_status=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["exit_status"])' "$golden")
  tap_check "$b: exit status $status is the golden $expected_status" [ "$status" = "$expected_status" ]
  if diff -u "$golden" "$tmp/$b.norm" > "$tmp/$b.diff"; then
    tap_ok "$b: JSON report equals the golden report"
  else
    tap_fail "$b: JSON report differs from $golden"
    head -n 40 "$tmp/$b.diff" | sed 's/^/#   /'
  fi
done
tap_done
