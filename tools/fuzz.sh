#!/usr/bin/env bash
# fuzz.sh BUILD SECONDS [TARGET...]: runs the libFuzzer targets built by
# `make fuzz` (all of them, or the TARGETs named: textdecode vssadmin
# tasklist sc systeminfo vssadmin_shadows vssadmin_shadowstorage
# vssadmin_volumes reg_query reg_export wbadmin wsb_log sc_sdshow
# fsutil_dirty diskshadow evtx), each for SECONDS, one after the other.
# Text targets are seeded with tests/fuzz/seeds/<target>/, the kept
# reproducers and the sample bundles' text files; evtx with the samples,
# evtxgen's damaged files and the real corpus when present. New inputs go to
# BUILD/corpus-<target>; an input that crashes is saved as
# BUILD/<target>/crash-* and the run fails. Each run ends with libFuzzer's
# final stats (stat::number_of_executed_units is the executions).
set -euo pipefail
build=${1:?usage: fuzz.sh BUILD SECONDS [TARGET...]}
seconds=${2:-60}
shift 2 || shift $#
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(textdecode vssadmin tasklist sc systeminfo vssadmin_shadows vssadmin_shadowstorage
                                     vssadmin_volumes reg_query reg_export wbadmin wsb_log sc_sdshow
                                     fsutil_dirty diskshadow evtx)
cd "$(dirname "$0")/.."
export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0"
corpus=${KBSCAN_CORPUS:-../shared/corpus/evtx}

seed_text() {
    local dir=$1 target=$2
    find samples/bundles samples/src tests/unit/samples -type f ! -name '*.evtx' ! -name '*.json' -exec cp {} "$dir/" \; 2>/dev/null || true
    for kept in "tests/fuzz/seeds/$target" "tests/fuzz/regressions/$target"; do
        [ -d "$kept" ] && find "$kept" -type f -exec cp {} "$dir/" \;
    done
    return 0
}

seed_evtx() {
    local dir=$1 n=0 f
    for f in samples/bundles/*/*.evtx samples/bundles/*/*/*.evtx; do
        [ -f "$f" ] && cp "$f" "$dir/sample-$((n++)).evtx"
    done
    local json=samples/events/seed-ja-application.json
    "$build/evtxgen" --dirty -o "$dir/dirty.evtx" "$json"
    "$build/evtxgen" --truncate 30000 -o "$dir/cut.evtx" "$json"
    "$build/evtxgen" --corrupt-chunk 0 -o "$dir/crc.evtx" "$json"
    "$build/evtxgen" --bulk 1 --seed 9 --channel Application --inject "$json" -o "$dir/bulk.evtx"
    if [ -d "$corpus" ]; then
        find "$corpus" -name '*.evtx' -size -2M -exec cp {} "$dir/" \;
    else
        echo "fuzz: no corpus at $corpus: evtx seeded with the samples only"
    fi
}

found=0
for target in "${targets[@]}"; do
    seeds=$build/seeds/$target
    work=$build/$target
    rm -rf "$seeds"; mkdir -p "$seeds" "$build/corpus-$target" "$work"
    if [ "$target" = evtx ]; then
        seed_evtx "$seeds"; max_len=2097152
    else
        seed_text "$seeds" "$target"; max_len=65536
    fi
    echo "== fuzz_$target for $seconds s"
    (cd "$work" && "../fuzz_$target" -max_total_time="$seconds" -max_len=$max_len -rss_limit_mb=2048 \
        -timeout=20 -print_final_stats=1 "../corpus-$target" "../seeds/$target" 2>&1 | tail -n 16) || true
    if ls "$work"/crash-* "$work"/timeout-* "$work"/oom-* "$work"/leak-* >/dev/null 2>&1; then
        echo "fuzz: findings for $target in $work (keep them in tests/fuzz/regressions/$target/ and fix)"
        found=1
    fi
done
[ $found -eq 0 ] || exit 1
echo "fuzz: no crash, hang or leak found"
