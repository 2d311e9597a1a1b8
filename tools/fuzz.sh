#!/usr/bin/env bash
# fuzz.sh BUILD SECONDS [TARGET...]: runs the libFuzzer targets built by
# `make fuzz` (all of them, or the TARGETs named), each for SECONDS, one
# after the other. The targets are textdecode and one per source of the
# registry, as BUILD/kbscan lists them (`fuzz.sh --list BUILD` prints them).
# Every target is seeded with tests/fuzz/seeds/<target>/ and the kept
# reproducers; a text target also with the sample bundles' text files and
# the parser cases' inputs (tests/cases), a binary one with the sample
# files named as its kind's usually are (.evtx), and evtx with evtxgen's
# damaged files and the real corpus when present.
# Then evtx_struct (fuzz/fuzz_evtx_struct.c; not a registry target, so not in
# --list): evtx's work with a structure-aware mutator that recomputes the
# checksums, seeded like evtx, its reproducers kept with evtx's
# (tests/fuzz/regressions/evtx/).
# New inputs go to BUILD/corpus-<target>; an input that crashes is saved as
# BUILD/<target>/crash-* and the run fails. Each run ends with libFuzzer's
# final stats (stat::number_of_executed_units is the executions).
set -euo pipefail
cd "$(dirname "$0")/.."

# "name form name_hint" per source, from the registry (kbscan --list-sources).
sources() {
    "$1/kbscan" --list-sources | awk -F '\t' 'NR > 1 { print $1, $3, ($8 == "" ? "-" : $8) }'
}

if [ "${1:-}" = --list ]; then
    build=${2:?usage: fuzz.sh --list BUILD}
    echo textdecode
    sources "$build" | cut -d' ' -f1
    exit 0
fi
build=${1:?usage: fuzz.sh BUILD SECONDS [TARGET...]}
seconds=${2:-60}
shift 2 || shift $#
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <("$0" --list "$build")
    targets+=(evtx_struct)
fi
export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0"
corpus=${KBSCAN_CORPUS:-../shared/corpus/evtx}

# The target whose seeds and reproducers a target shares (its own, but evtx
# for evtx_struct).
kept_as() { if [ "$1" = evtx_struct ]; then echo evtx; else echo "$1"; fi; }
form_of() { sources "$build" | awk -v t="$(kept_as "$1")" '$1 == t { print $2 " " $3 }'; }

seed_kept() {
    local dir=$1 target=$2 kept
    for kept in "tests/fuzz/seeds/$target" "tests/fuzz/regressions/$target" "fuzz/regressions/$target"; do
        [ -d "$kept" ] && find "$kept" -type f -exec cp {} "$dir/" \;
    done
    return 0
}

seed_text() {
    find samples/bundles samples/src tests/cases -type f ! -name '*.evtx' ! -name '*.json' ! -name '*.facts' \
        ! -name '*.md' ! -name '*.sh' ! -name '*.c' -exec cp {} "$1/" \; 2>/dev/null || true
}

seed_binary() {
    local dir=$1 hint=$2 n=0 f
    [ "$hint" != - ] || return 0
    while IFS= read -r -d '' f; do
        cp "$f" "$dir/sample-$((n++))$hint"
    done < <(find samples/bundles -type f -iname "*$hint" -print0)
}

# Archives of the sample bundles, whatever their names (by their magic bytes).
seed_archives() {
    local dir=$1 n=0 f
    while IFS= read -r -d '' f; do
        case $(head -c 6 "$f" | od -An -tx1 | tr -d ' \n') in
            504b0304*|377abcaf271c|4d5343460000|1f8b08*|425a68*|fd377a585a00) cp "$f" "$dir/sample-$((n++))" ;;
        esac
    done < <(find samples/bundles -type f -size -1M -print0)
}

# Seeds only the event log target has: evtxgen's damaged logs, the corpus.
extra_seeds_evtx() {
    local dir=$1 json=samples/events/seed-ja-application.json
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
    seed_kept "$seeds" "$(kept_as "$target")"
    read -r form hint <<<"$(form_of "$target")" || true
    if [ "${form:-text}" = binary ]; then
        seed_binary "$seeds" "$hint"; max_len=2097152
    elif [ "$form" = container ]; then
        seed_archives "$seeds"; max_len=1048576
    else
        seed_text "$seeds"; max_len=65536
    fi
    if declare -F "extra_seeds_$(kept_as "$target")" >/dev/null; then "extra_seeds_$(kept_as "$target")" "$seeds"; fi
    echo "== fuzz_$target for $seconds s"
    # -len_control=0: whole inputs from the start; libFuzzer otherwise cuts
    # them to a slowly growing length, and an event log shorter than its file
    # header and one chunk never meets the structure-aware mutator.
    (cd "$work" && "../fuzz_$target" -max_total_time="$seconds" -max_len=$max_len -len_control=0 -rss_limit_mb=2048 \
        -timeout=20 -print_final_stats=1 "../corpus-$target" "../seeds/$target" 2>&1 | tail -n 16) || true
    # Any one kind is a finding (ls of the four fails unless all are there).
    if compgen -G "$work/crash-*" >/dev/null || compgen -G "$work/timeout-*" >/dev/null ||
       compgen -G "$work/oom-*" >/dev/null || compgen -G "$work/leak-*" >/dev/null; then
        echo "fuzz: findings for $target in $work (keep them in tests/fuzz/regressions/$(kept_as "$target")/ and fix)"
        found=1
    fi
done
[ $found -eq 0 ] || exit 1
echo "fuzz: no crash, hang or leak found"
