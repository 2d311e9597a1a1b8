# crafted_logs.sh: what the crafted-log tests (tests/e2e/crafted.sh,
# mutants.sh) share: the multi-chunk base log evtxgen writes (the seed
# failure injected), and the driver run on it with a timeout per kbscan run
# that allows for a sanitizer build. Sourced after tap.sh, in the repo root.

# run_on_bulk_log DRIVER.py ARGS...: never returns.
run_on_bulk_log() {
  local driver=$1 tmp timeout=60
  shift
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  if ldd "$KBSCAN" 2>/dev/null | grep -q libasan; then timeout=180; fi
  "$EVTXGEN" --bulk 1 --seed 9 --channel Application --inject samples/events/seed-ja-application.json \
    -o "$tmp/bulk.evtx" >/dev/null || { tap_fail "evtxgen writes the multi-chunk base log"; tap_done; exit 1; }
  $PY "$driver" --kbscan "$KBSCAN" --repo "$repo_root" --tmp "$tmp" --bulk "$tmp/bulk.evtx" \
    --timeout "$timeout" "$@"
  exit
}
