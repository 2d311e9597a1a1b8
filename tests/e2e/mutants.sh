#!/usr/bin/env bash
# The bounded mutation test (issue 14): seeded mutants of the sample logs,
# of a multi-chunk log evtxgen writes here and of a few small corpus logs
# (skipped, and said so, without the corpus), half with their checksums
# recomputed, half raw (tests/e2e/mutants.py, tests/lib/evtxmutate.py):
# no crash, no hang, no mutant that lost or doubled records called ok, the
# rest of the bundle unchanged. KBSCAN_MUTANTS sets how many (default 300,
# 40 under ASan), KBSCAN_MUTANT_SEED the seed (default 14); the seed is
# printed, and a mutant is re-made from seed, index and base;
# KBSCAN_KEEP_MUTANTS=DIR keeps the failing ones there.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
count=300 timeout=30
if ldd "$KBSCAN" 2>/dev/null | grep -q libasan; then count=40 timeout=120; fi
count=${KBSCAN_MUTANTS:-$count}
"$EVTXGEN" --bulk 1 --seed 9 --channel Application --inject samples/events/seed-ja-application.json \
  -o "$tmp/bulk.evtx" >/dev/null || { tap_fail "evtxgen writes the multi-chunk base log"; tap_done; exit 1; }
exec $PY tests/e2e/mutants.py --kbscan "$KBSCAN" --repo "$repo_root" --tmp "$tmp" --bulk "$tmp/bulk.evtx" \
  --corpus "$corpus_dir" --count "$count" --seed "${KBSCAN_MUTANT_SEED:-14}" --timeout "$timeout" \
  ${KBSCAN_KEEP_MUTANTS:+--keep "$KBSCAN_KEEP_MUTANTS"}
