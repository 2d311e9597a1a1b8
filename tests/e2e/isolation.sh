#!/usr/bin/env bash
# Crash isolation (README, "Crash isolation"): libevtx decodes each event
# log in a worker process with limits. A worker that crashes, loops, waits
# forever, allocates without bound or writes garbage (made to, by the test
# hook KBSCAN_TEST_WORKER_CRASH=MODE:TEXT) costs only its file: that file is
# damaged with the reason, the other files' verdicts stand, rules that
# needed it cannot tell (exit 3). Isolated or not, the report is the same.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# A copy at a path of this run only: processes left behind are found by it.
cp -r samples/bundles/seed-ja "$tmp/seed-ja"
seed=$tmp/seed-ja
# left: how many processes still run with this run's bundle in their command line.
left() { sleep 0.5; pgrep -f "$seed" | wc -l; }
limits=(--worker-cpu-seconds 1 --worker-memory-mib 64)

"$KBSCAN" --rules rules --format json -o "$tmp/base.json" "$seed" 2>/dev/null; base_rc=$?
tap_check "seed bundle without a hook: exit 1 (matched)" [ "$base_rc" -eq 1 ]

# check_hook MODE REASON-REGEX: the Application log's worker fails in MODE.
check_hook() {
  local mode=$1 reason=$2 rc start end
  start=$(date +%s)
  KBSCAN_TEST_WORKER_CRASH="$mode:Application.evtx" "$KBSCAN" --rules rules "${limits[@]}" --format json \
    -o "$tmp/$mode.json" "$seed" 2>"$tmp/$mode.err"; rc=$?
  end=$(date +%s)
  tap_check "$mode: exit 3 (a rule cannot tell), not 0 or 1 (exit $rc)" [ "$rc" -eq 3 ]
  tap_check "$mode: stderr names the file and the reason" \
    grep -Eq "Application.evtx: damaged: $reason" "$tmp/$mode.err"
  tap_check "$mode: bounded cost ($((end - start)) s)" [ $((end - start)) -le 20 ]
  tap_check "$mode: the log is damaged with the reason, the other inputs and verdicts intact" \
    $PY - "$tmp/base.json" "$tmp/$mode.json" "$reason" <<'EOF'
import json, re, sys
base, got, reason = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
inputs = {i["path"].rsplit("/", 1)[1]: i for i in got["inputs"]}
app = inputs["Application.evtx"]
assert app["status"] == "damaged", app
assert re.search(reason, app["message"]) or any(re.search(reason, n["message"]) for n in app["notes"]), app
assert app["counts"]["facts"] == 0 and "eventlog:*" in app["feeds"], app
for b in base["inputs"]:
    name = b["path"].rsplit("/", 1)[1]
    if name != "Application.evtx":
        assert inputs[name] == b, (name, inputs[name], b)
SEED = "vss-writers-missing-eventsystem-shared"  # the rule the seed bundle is about
rule = [x for x in got["rules"] if x["id"] == SEED][0]
states = {c["id"]: c["state"] for c in rule["checkpoints"]}
base_states = {c["id"]: c["state"] for c in [x for x in base["rules"] if x["id"] == SEED][0]["checkpoints"]}
assert rule["verdict"] == "cannot_tell", rule["verdict"]
assert states["vss-errors"] == "unknown", states
for cp in ("no-writers", "eventsystem-shared", "environment"):
    assert states[cp] == base_states[cp] == "met", (cp, states[cp])
EOF
}

check_hook segv 'worker killed by signal 11 \(SIGSEGV\) while decoding records'
check_hook loop 'CPU time limit of 1 s exceeded'
check_hook sleep 'wall-clock limit of 7 s exceeded'
check_hook alloc 'memory limit of 64 MiB exceeded'
# kbscan's own allocator ends the process when memory runs out (status 2):
# in a worker that is the same memory limit, never a verdict.
check_hook xalloc 'memory limit of 64 MiB exceeded'
check_hook garbage 'worker output rejected: a record is longer than the message'
check_hook badutf8 'worker output rejected: a string is not valid UTF-8'
# A worker's child that leaves its process group and keeps the pipe open:
# the wall clock still applies, the launcher lets go of the pipe.
check_hook escape 'wall-clock limit of 7 s exceeded'
n=$(left)
tap_check "escape: the escaped child goes when its pipe's reader does ($n left)" [ "$n" -eq 0 ]

# A worker's child in its group, holding the pipe: killed with the group
# once the worker is reaped; the log is read as usual, at once.
start=$(date +%s)
KBSCAN_TEST_WORKER_CRASH="fork:Application.evtx" "$KBSCAN" --rules rules "${limits[@]}" --format json \
  -o "$tmp/fork.json" "$seed" 2>/dev/null; rc=$?
end=$(date +%s)
$PY tests/lib/normalise.py "$tmp/base.json" > "$tmp/base.norm"
$PY tests/lib/normalise.py "$tmp/fork.json" > "$tmp/fork.norm"
tap_check "fork: the usual report (exit $rc)" bash -c "[ $rc -eq 1 ] && cmp -s '$tmp/base.norm' '$tmp/fork.norm'"
tap_check "fork: no wait for the wall clock ($((end - start)) s)" [ $((end - start)) -le 3 ]
n=$(left)
tap_check "fork: the worker's child is killed with its group ($n left)" [ "$n" -eq 0 ]

# kbscan started with SIGCHLD ignored (inherited across exec): launchers
# still reap their workers, and the run ends with the usual report.
timeout 60 /usr/bin/python3 -c 'import os,signal,sys; signal.signal(signal.SIGCHLD, signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])' \
  "$KBSCAN" --rules rules "${limits[@]}" --format json -o "$tmp/sigign.json" "$seed" 2>/dev/null; rc=$?
$PY tests/lib/normalise.py "$tmp/sigign.json" > "$tmp/sigign.norm" 2>/dev/null
tap_check "SIGCHLD ignored: the usual report, in time (exit $rc)" \
  bash -c "[ $rc -eq 1 ] && cmp -s '$tmp/base.norm' '$tmp/sigign.norm'"

# Under ASan a worker checks itself for leaks: a leak in the decoding is
# found even though the worker ends with _exit.
if ldd "$KBSCAN" 2>/dev/null | grep -q libasan; then
  KBSCAN_TEST_WORKER_CRASH="leak:Application.evtx" "$KBSCAN" --rules rules -q "$seed" 2>"$tmp/leak.err"; rc=$?
  tap_check "ASan build: a leak in a worker makes its log damaged, named (exit $rc)" \
    bash -c "[ $rc -eq 3 ] && grep -q 'Application.evtx: damaged: worker exited with status 87 (LeakSanitizer found a leak in it)' '$tmp/leak.err'"
else
  KBSCAN_TEST_WORKER_CRASH="leak:Application.evtx" "$KBSCAN" --rules rules -q "$seed"; rc=$?
  tap_check "a build without ASan: a worker's leak goes unseen, the log is read (exit $rc)" [ "$rc" -eq 1 ]
fi

KBSCAN_TEST_WORKER_CRASH="segv:no-such-file" "$KBSCAN" --rules rules -q "$seed"; rc=$?
tap_check "the hook leaves files it does not name alone (exit $rc)" [ "$rc" -eq 1 ]

# A crash is the same report for every -j.
for j in 1 2 4; do
  KBSCAN_TEST_WORKER_CRASH="segv:Application.evtx" "$KBSCAN" --rules rules -j "$j" --format json \
    -o "$tmp/crash-j$j.json" samples/bundles 2>/dev/null
  $PY tests/lib/normalise.py "$tmp/crash-j$j.json" > "$tmp/crash-j$j.norm"
done
tap_check "a crashing worker: the same report for -j 1, 2 and 4" \
  bash -c "cmp -s '$tmp/crash-j1.norm' '$tmp/crash-j2.norm' && cmp -s '$tmp/crash-j1.norm' '$tmp/crash-j4.norm'"
n=$($PY -c "import json,sys; print(sum(i['status']=='damaged' and 'SIGSEGV' in (i['message'] or '') for i in json.load(open(sys.argv[1]))['inputs']))" "$tmp/crash-j1.json")
logs=$(ls samples/bundles/*/Application.evtx | wc -l)
tap_check "every bundle: each Application log's worker crash is named ($n of $logs)" [ "$n" -eq "$logs" ]

# --no-isolation gives the same reports (and ignores the hook).
same_isolated() {
  local name=$1 rules=$2; shift 2
  "$KBSCAN" --rules "$rules" --format json -o "$tmp/iso.json" "$@" 2>/dev/null
  "$KBSCAN" --rules "$rules" --no-isolation --format json -o "$tmp/own.json" "$@" 2>/dev/null
  $PY tests/lib/normalise.py "$tmp/iso.json" > "$tmp/iso.norm"
  $PY tests/lib/normalise.py "$tmp/own.json" > "$tmp/own.norm"
  tap_check "$name: the same report isolated and with --no-isolation" cmp -s "$tmp/iso.norm" "$tmp/own.norm"
}
same_isolated "every sample bundle" rules samples/bundles
same_isolated "every sample bundle, every event decoded" tests/e2e/rules-every-event samples/bundles
if [ -f "$corpus_dir/MANIFEST.tsv" ]; then
  same_isolated "corpus" tests/e2e/rules-prefilter "$corpus_dir"
else
  tap_skip "corpus: the same report isolated and not" "no corpus at $corpus_dir (set KBSCAN_CORPUS)"
fi
KBSCAN_TEST_WORKER_CRASH="segv:Application.evtx" "$KBSCAN" --rules rules --no-isolation -q "$seed"; rc=$?
tap_check "--no-isolation: no worker, no hook (exit $rc)" [ "$rc" -eq 1 ]

"$KBSCAN" --worker-cpu-seconds 0 "$seed" >/dev/null 2>"$tmp/err"; rc=$?
tap_check "--worker-cpu-seconds 0: exit 2 naming the value" bash -c "[ $rc -eq 2 ] && grep -q \"'0'\" '$tmp/err'"
"$KBSCAN" --worker-memory-mib lots "$seed" >/dev/null 2>"$tmp/err"; rc=$?
tap_check "--worker-memory-mib lots: exit 2 naming the value" bash -c "[ $rc -eq 2 ] && grep -q \"'lots'\" '$tmp/err'"

# No worker is left behind: nothing runs with this bundle's path any more.
KBSCAN_TEST_WORKER_CRASH="sleep:Application.evtx" "$KBSCAN" --rules rules "${limits[@]}" -q "$seed" 2>/dev/null
n=$(left)
tap_check "no worker or launcher outlives kbscan ($n left)" [ "$n" -eq 0 ]
# Nor kbscan killed while a worker sleeps (launchers and workers die with
# their parent).
KBSCAN_TEST_WORKER_CRASH="sleep:Application.evtx" "$KBSCAN" --rules rules "${limits[@]}" -q "$seed" 2>/dev/null &
kbscan_pid=$!
for _ in $(seq 50); do
  [ "$(pgrep -f "$seed" | wc -l)" -ge 3 ] && break
  sleep 0.1
done
running=$(pgrep -f "$seed" | wc -l)
kill -9 "$kbscan_pid"; wait "$kbscan_pid" 2>/dev/null
n=$(left)
tap_check "kbscan killed: no launcher or worker outlives it ($running ran, $n left)" \
  bash -c "[ $running -ge 3 ] && [ $n -eq 0 ]"
tap_done
