#!/usr/bin/env bash
# The committed sample bundles are what samples/src/make_bundles.sh makes
# from their sources: regenerates them into a temporary directory with this
# build's evtxgen and compares every file, byte for byte.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if ! samples/src/make_bundles.sh "$EVTXGEN" "$tmp/bundles" > "$tmp/log" 2>&1; then
  tap_fail "make_bundles.sh ran ($(head -c 300 "$tmp/log"))"
  tap_done; exit 0
fi
tap_ok "make_bundles.sh regenerated the bundles"
for dir in samples/bundles/*/; do
  b=$(basename "$dir")
  if diff -r "$dir" "$tmp/bundles/$b" > "$tmp/$b.diff" 2>&1; then
    tap_ok "$b: committed files equal their sources (make samples)"
  else
    tap_fail "$b: out of date with samples/src and samples/events: run make samples"
    head -n 10 "$tmp/$b.diff" | sed 's/^/#   /'
  fi
done
tap_check "no bundle is missing from samples/bundles" \
  [ "$(ls "$tmp/bundles" | sort)" = "$(ls samples/bundles | sort)" ]
tap_done
