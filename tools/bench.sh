#!/usr/bin/env bash
# bench.sh KBSCAN EVTXGEN: the benchmark behind `make bench`.
#
# Generates a reproducible bundle with evtxgen's bulk mode (Application and
# System logs of BENCH_MIB MiB each, with the seed failure injected at known
# times, plus the seed case's saved command output), then times on the same
# files, one after another: kbscan (full rule set, JSON report; then the
# same bundle zipped),
# evtxexport (libevtx's own reader), python-evtx's evtx_dump.py (on a
# BENCH_PY_MIB slice, scaled per MB), and cat (the I/O floor). Prints wall
# time, MB/s, records/s and peak RSS per tool, the ratios, and checks that
# kbscan found the injected events. The table is also written to
# build/bench/results.md.
set -euo pipefail
kbscan=${1:?usage: bench.sh KBSCAN EVTXGEN}
evtxgen=${2:?usage: bench.sh KBSCAN EVTXGEN}
mib=${BENCH_MIB:-256}
py_mib=${BENCH_PY_MIB:-4}
seed=${BENCH_SEED:-1}
jobs=${BENCH_JOBS:-}
cd "$(dirname "$0")/.."
dir=build/bench
bundle=$dir/bundle-$mib-$seed
mkdir -p "$dir"

if [ ! -f "$bundle/.complete" ]; then
    echo "== generating $bundle (2 x $mib MiB of events, seed $seed)"
    rm -rf "$bundle"
    mkdir -p "$bundle"
    "$evtxgen" --bulk "$mib" --seed "$seed" --channel Application \
        --inject samples/events/seed-ja-application.json -o "$bundle/Application.evtx"
    "$evtxgen" --bulk "$mib" --seed "$((seed + 1))" --channel System \
        --inject samples/events/seed-ja-system.json -o "$bundle/System.evtx"
    cp samples/bundles/seed-ja/*.txt "$bundle/"
    touch "$bundle/.complete"
fi
# The same bundle zipped (deflate, zip's default level), as customers send it.
zipped=$bundle.zip
if [ ! -f "$zipped" ]; then
    (cd "$(dirname "$bundle")" && zip -q -r "$(basename "$zipped")" "$(basename "$bundle")" -x '*/.complete')
fi
slice=$dir/slice-$py_mib-$seed.evtx
[ -f "$slice" ] || "$evtxgen" --bulk "$py_mib" --seed "$seed" --channel Application -o "$slice"

evtx_files=("$bundle"/*.evtx)
bytes=$(cat "${evtx_files[@]}" | wc -c)
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')

# measure NAME COMMAND...: runs it once, sets wall (s) and rss (KiB). Exit
# statuses 0, 1 and 3 are kbscan's verdicts, not failures.
measure() {
    local name=$1 rc=0; shift
    /usr/bin/time -f '%e %M' -o "$dir/time.$name" "$@" > /dev/null 2> "$dir/err.$name" || rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && [ "$rc" -ne 3 ]; then
        echo "bench: $name failed (exit $rc):"; tail -n 5 "$dir/err.$name"; exit 1
    fi
    read -r wall rss < <(tail -n 1 "$dir/time.$name")
}

echo "== timing on $mb MB of EVTX (${#evtx_files[@]} logs) on $(nproc) cores"
cat "${evtx_files[@]}" > /dev/null   # the same page cache for everyone
measure cat cat "${evtx_files[@]}"
cat_wall=$wall cat_rss=$rss
kbscan_args=(--rules rules --format json -o "$dir/report.json")
[ -n "$jobs" ] && kbscan_args+=(-j "$jobs")
measure kbscan "$kbscan" "${kbscan_args[@]}" "$bundle"
kb_wall=$wall kb_rss=$rss
zip_args=(--rules rules --format json -o "$dir/report-zip.json")
[ -n "$jobs" ] && zip_args+=(-j "$jobs")
measure kbscan-zip "$kbscan" "${zip_args[@]}" "$zipped"
kz_wall=$wall kz_rss=$rss
measure evtxexport bash -c 'for f in "$@"; do evtxexport "$f" || exit 1; done' evtxexport "${evtx_files[@]}"
ee_wall=$wall ee_rss=$rss
measure python /usr/bin/evtx_dump.py "$slice"
py_wall=$wall py_rss=$rss
slice_mb=$(awk -v b="$(wc -c < "$slice")" 'BEGIN { printf "%.1f", b / 1e6 }')

verdict_of() {
    /usr/bin/python3 - "$1" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
records = sum(i["counts"].get("records", 0) for i in r["inputs"] if i["kind"] == "evtx")
rule = r["rules"][0]
cp = {c["id"]: c for c in rule["checkpoints"]}
print(records, cp["vss-errors"]["count"], rule["verdict"])
EOF
}
read -r records found verdict < <(verdict_of "$dir/report.json")
read -r zrecords zfound zverdict < <(verdict_of "$dir/report-zip.json")
zip_mb=$(awk -v b="$(wc -c < "$zipped")" 'BEGIN { printf "%.1f", b / 1e6 }')
injected=$(/usr/bin/python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["events"]; print(sum(1 for x in e if x["provider"]=="VSS" and x["id"] in (8193,13)))' samples/events/seed-ja-application.json)

row() {  # tool wall rss megabytes
    awk -v t="$1" -v w="$2" -v m="$3" -v mb="$4" -v rec="$records" -v total="$mb" 'BEGIN {
        w = (w < 0.005 ? 0.005 : w);
        printf "| %-28s | %8.2f | %8.1f | %12.0f | %7.1f |\n", t, w, mb / w, rec * (mb / total) / w, m / 1024 }'
}
{
    echo "kbscan benchmark: $mb MB of EVTX ($records records), seed $seed, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "| tool | wall s | MB/s | records/s | peak RSS MiB |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    row "cat (I/O floor)" "$cat_wall" "$cat_rss" "$mb"
    row "kbscan (JSON report)" "$kb_wall" "$kb_rss" "$mb"
    row "kbscan, bundle zipped ($zip_mb MB)" "$kz_wall" "$kz_rss" "$mb"
    row "evtxexport (libevtx)" "$ee_wall" "$ee_rss" "$mb"
    row "evtx_dump.py ($slice_mb MB slice)" "$py_wall" "$py_rss" "$slice_mb"
    echo
    awk -v k="$kb_wall" -v e="$ee_wall" -v c="$cat_wall" -v p="$py_wall" -v smb="$slice_mb" -v mb="$mb" 'BEGIN {
        k = (k < 0.005 ? 0.005 : k); c = (c < 0.005 ? 0.005 : c);
        printf "kbscan is %.1fx faster than evtxexport, %.1fx the cat floor, %.0fx faster than python-evtx per MB\n",
               e / k, k / c, (p / smb) / (k / mb) }'
    echo "kbscan found $found VSS error events of the $injected injected (verdict: $verdict); in the zip: $zfound ($zverdict)"
} | tee "$dir/results.md"
[ "$found" -eq "$injected" ] && [ "$verdict" = matched ] || { echo "bench: kbscan missed injected events"; exit 1; }
[ "$zfound" -eq "$injected" ] && [ "$zverdict" = matched ] && [ "$zrecords" = "$records" ] ||
    { echo "bench: kbscan read the zipped bundle otherwise"; exit 1; }
