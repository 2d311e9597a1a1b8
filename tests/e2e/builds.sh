#!/usr/bin/env bash
# The release build and the ASan+UBSan build describe every damaged event
# log alike: the same status, summary, notes (reasons named down to
# libevtx's innermost cause) and counts, on evtxgen's damaged logs, the
# damaged sample bundle, and every file of the real corpus (one run of each
# build over all of them, a rule wanting every event). The one difference
# allowed is a leak LeakSanitizer reports in an ASan build's libevtx worker
# (libevtx leaks when it gives up opening a file), said as such. Skipped,
# and said so, when either build is absent (make, and make
# BUILD=build/asan SAN=1 CFLAGS='-O1 -g' all).
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
release=$repo_root/build/kbscan asan=$repo_root/build/asan/kbscan
if [ ! -x "$release" ] || [ ! -x "$asan" ]; then
  tap_skip "release and ASan builds alike" "needs both build/kbscan and build/asan/kbscan"
  tap_done; exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/damaged"
json=samples/events/seed-ja-application.json
"$EVTXGEN" --dirty -o "$tmp/damaged/dirty.evtx" "$json" >/dev/null
"$EVTXGEN" --corrupt-chunk 0 -o "$tmp/damaged/corrupt.evtx" "$json" >/dev/null
"$EVTXGEN" --truncate 30000 -o "$tmp/damaged/cut-chunk.evtx" "$json" >/dev/null
"$EVTXGEN" --truncate 2000 -o "$tmp/damaged/cut-header.evtx" "$json" >/dev/null
cp samples/bundles/damaged-log/Application.evtx "$tmp/damaged/damaged-log.evtx"

# compare NAME PATH...: both builds over the paths, input by input.
compare() {
  local name=$1; shift
  "$release" --rules tests/e2e/rules-every-event --format json -o "$tmp/release.json" "$@" 2>/dev/null
  "$asan" --rules tests/e2e/rules-every-event --format json -o "$tmp/asan.json" "$@" 2>/dev/null
  if out=$($PY - "$tmp/release.json" "$tmp/asan.json" <<'PY'
import json, sys
a = {i["path"]: i for i in json.load(open(sys.argv[1]))["inputs"]}
b = {i["path"]: i for i in json.load(open(sys.argv[2]))["inputs"]}
keys = ("kind", "status", "message", "notes", "notes_omitted", "counts", "feeds", "channel", "computer")
differ, leaks = [], []
for path in sorted(set(a) | set(b)):
    x, y = a.get(path), b.get(path)
    if x and y and all(x.get(k) == y.get(k) for k in keys):
        continue
    if y and "LeakSanitizer found a leak" in json.dumps(y):
        leaks.append(path)
        continue
    k = next((k for k in keys if not x or not y or x.get(k) != y.get(k)), "input")
    differ.append("%s: %s: release %s, ASan %s" % (path, k, json.dumps(x.get(k) if x else None)[:200],
                                                  json.dumps(y.get(k) if y else None)[:200]))
for path in leaks:
    print("# leak report aside (LeakSanitizer in the ASan build's libevtx worker): %s" % path)
print("%d inputs" % len(a))
for d in differ[:10]:
    print("# " + d)
sys.exit(1 if differ else 0)
PY
  ); then
    tap_ok "$name: the same in both builds ($(tail -n 1 <<<"$out"))"
    grep '^# leak' <<<"$out" || true
  else
    tap_fail "$name: the builds differ"
    printf '%s\n' "$out"
  fi
}

compare "evtxgen's damaged logs and the damaged sample" "$tmp/damaged"
if [ -f "$corpus_dir/MANIFEST.tsv" ]; then
  compare "the real corpus" "$corpus_dir"
else
  tap_skip "the real corpus in both builds" "no corpus at $corpus_dir (set KBSCAN_CORPUS)"
fi
tap_done
