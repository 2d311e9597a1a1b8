#!/usr/bin/env bash
# bench_batch.sh KBSCAN EVTXGEN: the memory of `kbscan batch`, run by
# `make bench` after tools/bench.sh.
#
# Generates BENCH_BATCH_N (default 200) bundles with evtxgen's bulk mode:
# Application and System logs of 1, 2, 4 or 8 MiB (the seed failure
# injected), beside the saved command output of a sample bundle (seed-ja,
# healthy or no-tasklist, in turn); the logs of one size are one file,
# hard-linked into each bundle of that size. Then runs, at the same -j
# (BENCH_JOBS, default the number of cores): kbscan on the largest bundle
# alone, and kbscan batch on the first tenth of the bundles and on all of
# them. For each it prints the wall time, the peak RSS of kbscan's own
# process (the batch's parent), of its largest process (getrusage: what
# `/usr/bin/time -f %M` says, as tools/bench.sh reports), and the peak of the
# sum of RSS and of PSS over all its processes (sampled every 10 ms: kbscan,
# the batch's children, launchers and workers). The batch's figures should
# be no higher than the single bundle's, and the same for a tenth of the
# bundles as for all. The table is also written to build/bench/batch.md.
set -euo pipefail
kbscan=${1:?usage: bench_batch.sh KBSCAN EVTXGEN}
evtxgen=${2:?usage: bench_batch.sh KBSCAN EVTXGEN}
n=${BENCH_BATCH_N:-200}
jobs=${BENCH_JOBS:-$(nproc)}
cd "$(dirname "$0")/.."
dir=build/bench/batch-$n
mkdir -p build/bench

sizes=(1 2 4 8)
kinds=(seed-ja healthy no-tasklist)
if [ ! -f "$dir/.complete" ]; then
    echo "== generating $n bundles in $dir"
    rm -rf "$dir"
    mkdir -p "$dir/logs" "$dir/bundles"
    for mib in "${sizes[@]}"; do
        "$evtxgen" --bulk "$mib" --seed "$mib" --channel Application \
            --inject samples/events/seed-ja-application.json -o "$dir/logs/Application-$mib.evtx"
        "$evtxgen" --bulk "$mib" --seed "$((mib + 100))" --channel System \
            --inject samples/events/seed-ja-system.json -o "$dir/logs/System-$mib.evtx"
    done
    for ((i = 0; i < n; i++)); do
        b=$(printf '%s/bundles/bundle-%03d' "$dir" "$i")
        mib=${sizes[i % ${#sizes[@]}]}
        kind=${kinds[i % ${#kinds[@]}]}
        mkdir -p "$b"
        ln "$dir/logs/Application-$mib.evtx" "$b/Application.evtx"
        ln "$dir/logs/System-$mib.evtx" "$b/System.evtx"
        find "samples/bundles/$kind" -maxdepth 1 -type f ! -name '*.evtx' -exec cp {} "$b/" \;
    done
    # The first tenth, as links: the same bundles, fewer of them.
    mkdir -p "$dir/tenth"
    for ((i = 0; i < (n + 9) / 10; i++)); do
        ln -s "../bundles/$(printf 'bundle-%03d' "$i")" "$dir/tenth/$(printf 'bundle-%03d' "$i")"
    done
    touch "$dir/.complete"
fi
# The largest bundle: the most bytes (the first of them).
largest=$(du -sbLl "$dir"/bundles/* | sort -k1,1nr -s | head -n 1 | cut -f2)

# measure NAME RUNS COMMAND...: runs it RUNS times, each in a session of
# its own; prints "wall_s process_kib tree_rss_kib tree_pss_kib
# leader_kib exit_status" (leader: kbscan itself, the batch's parent): the median wall time, the peaks over the runs (a short run
# is sampled a few times only: several runs catch its peak).
measure() {
    local name=$1; shift
    /usr/bin/python3 - "$@" 2>"build/bench/batch-err.$name" <<'EOF'
import os, resource, subprocess, sys, time
def tree(sid):
    rss = pss = leader = 0
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            stat = open("/proc/%s/stat" % p).read()
            if int(stat.rsplit(")", 1)[1].split()[3]) != sid:
                continue
            kib = int(open("/proc/%s/statm" % p).read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
            rss += kib
            leader = kib if int(p) == sid else leader
            for line in open("/proc/%s/smaps_rollup" % p):
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            pass  # ended meanwhile
    return rss, pss, leader
runs, walls, peak_rss, peak_pss, peak_leader, rc = int(sys.argv[1]), [], 0, 0, 0, 0
for _ in range(runs):
    t0 = time.monotonic()
    child = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, start_new_session=True)
    while child.poll() is None:
        rss, pss, leader = tree(child.pid)
        peak_rss, peak_pss, peak_leader = max(peak_rss, rss), max(peak_pss, pss), max(peak_leader, leader)
        time.sleep(0.005)
    walls.append(time.monotonic() - t0)
    rc = child.returncode if child.returncode not in (0, 1, 3) else rc or child.returncode
process = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("%.2f %d %d %d %d %d" % (sorted(walls)[len(walls) // 2], process, peak_rss, peak_pss, peak_leader, rc))
EOF
}

run() {  # NAME RUNS LABEL COMMAND...
    local name=$1 runs=$2 label=$3; shift 3
    local wall process rss pss leader rc
    read -r wall process rss pss leader rc < <(measure "$name" "$runs" "$@")
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && [ "$rc" -ne 3 ]; then
        echo "bench_batch: $label failed (exit $rc):"; tail -n 5 "build/bench/batch-err.$name"; exit 1
    fi
    printf '| %-34s | %7s | %11.1f | %12.1f | %12.1f | %12.1f |\n' "$label" "$wall" \
        "$(awk -v k="$leader" 'BEGIN { print k / 1024 }')" \
        "$(awk -v k="$process" 'BEGIN { print k / 1024 }')" \
        "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$(awk -v k="$pss" 'BEGIN { print k / 1024 }')"
    eval "${name}_process=$process ${name}_rss=$rss ${name}_pss=$pss"
}

out=build/bench/batch.md
largest_mb=$(du -sbLl "$largest" | awk '{ printf "%.1f", $1 / 1e6 }')
total_mb=$(du -sbLl "$dir"/bundles/* | awk '{ s += $1 } END { printf "%.0f", s / 1e6 }')
{
    echo "== kbscan batch: $n bundles ($total_mb MB; the largest $largest_mb MB), -j $jobs, $(nproc) cores"
    echo
    echo "| run                                | wall s  | kbscan MiB  | largest MiB  | all RSS MiB  | all PSS MiB  |"
    echo "| ---------------------------------- | ------- | ----------- | ------------ | ------------ | ------------ |"
    cat "$dir"/logs/* > /dev/null   # the same page cache for every run
    run single 20 "kbscan, the largest bundle alone" "$kbscan" --rules rules -j "$jobs" \
        --format json -o build/bench/batch-single.json "$largest"
    run tenth 1 "kbscan batch, $(( (n + 9) / 10 )) bundles" "$kbscan" batch --rules rules -j "$jobs" \
        -o build/bench/batch-out-tenth "$dir/tenth"
    run all 1 "kbscan batch, $n bundles" "$kbscan" batch --rules rules -j "$jobs" \
        -o build/bench/batch-out "$dir/bundles"
    echo
    # shellcheck disable=SC2154 # set by run
    awk -v sp="$single_process" -v ap="$all_process" -v sr="$single_rss" -v ar="$all_rss" \
        -v ss="$single_pss" -v as="$all_pss" -v tp="$tenth_pss" 'BEGIN {
        printf "batch of all vs the largest bundle alone: largest process %.2fx, all processes %.2fx RSS, %.2fx PSS\n", ap / sp, ar / sr, as / ss
        printf "batch of all vs a tenth: all processes %.2fx PSS\n", as / tp
    }'
} | tee "$out"
