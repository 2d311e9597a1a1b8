# tap.sh: tiny TAP helpers for the script tests (sourced).
# ok/not ok lines are counted by tests/run.sh.
tap_n=0
tap_failed=0
tap_ok()   { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
tap_fail() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
tap_skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }
# tap_check DESCRIPTION COMMAND...: ok when the command succeeds.
tap_check() {
  local what=$1; shift
  if "$@"; then tap_ok "$what"; else tap_fail "$what"; fi
}
tap_done() { echo "1..$tap_n"; [ "$tap_failed" -eq 0 ]; }

# Paths every script needs.
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KBSCAN=${KBSCAN:-$repo_root/build/kbscan}
EVTXGEN=${EVTXGEN:-$repo_root/build/evtxgen}
PY=/usr/bin/python3
corpus_dir=${KBSCAN_CORPUS:-$repo_root/../shared/corpus/evtx}
