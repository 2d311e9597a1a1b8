#!/usr/bin/env bash
# fuzz.sh BUILD SECONDS: runs the libFuzzer targets built by `make fuzz`,
# each for SECONDS, seeded with the sample bundles, evtxgen's damaged files
# and the real corpus when present. New inputs go to BUILD/corpus-*; an input
# that crashes is saved as BUILD/crash-* and the run fails.
set -euo pipefail
build=${1:?usage: fuzz.sh BUILD SECONDS}
seconds=${2:-60}
cd "$(dirname "$0")/.."
export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0"
corpus=${KBSCAN_CORPUS:-../shared/corpus/evtx}

seeds=$build/seeds
rm -rf "$seeds"; mkdir -p "$seeds/text" "$seeds/evtx" "$build/corpus-text" "$build/corpus-evtx"
find samples/bundles samples/src -type f ! -name '*.evtx' -exec cp {} "$seeds/text/" \; 2>/dev/null || true
n=0
for f in samples/bundles/*/*.evtx samples/bundles/*/*/*.evtx; do
    [ -f "$f" ] && cp "$f" "$seeds/evtx/sample-$((n++)).evtx"
done
json=samples/events/seed-ja-application.json
"$build/evtxgen" --dirty -o "$seeds/evtx/dirty.evtx" "$json"
"$build/evtxgen" --truncate 30000 -o "$seeds/evtx/cut.evtx" "$json"
"$build/evtxgen" --corrupt-chunk 0 -o "$seeds/evtx/crc.evtx" "$json"
"$build/evtxgen" --bulk 1 --seed 9 --channel Application --inject "$json" -o "$seeds/evtx/bulk.evtx"
extra=()
if [ -d "$corpus" ]; then
    find "$corpus" -name '*.evtx' -size -2M -exec cp {} "$seeds/evtx/" \;
else
    echo "fuzz: no corpus at $corpus: seeded with the samples only"
fi
for target in text evtx; do
    echo "== fuzz_$target for $seconds s"
    (cd "$build" && ./fuzz_$target -max_total_time="$seconds" -max_len=2097152 -rss_limit_mb=2048 \
        -timeout=20 -print_final_stats=1 "corpus-$target" "seeds/$target" "${extra[@]}" 2>&1 | tail -n 12)
done
if ls "$build"/crash-* "$build"/timeout-* "$build"/oom-* >/dev/null 2>&1; then
    echo "fuzz: findings in $build (keep them in fuzz/regressions/<target>/ and fix)"
    exit 1
fi
echo "fuzz: no crash, hang or leak found"
