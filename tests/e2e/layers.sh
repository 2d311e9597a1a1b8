#!/usr/bin/env bash
# The direction of the layers (analyzer/): the fact model, rules, engine and
# reports include no parser header; the engine and the reports name no input
# kind and read no parser's own fact type: they read inputs, the derived
# facts of the combiners (host, log.coverage, log.cleared) and the view.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1

for dir in core rules engine report; do
  hits=$(grep -nE '^#include "(source|text|evtx)/' analyzer/$dir/*.[ch] 2>/dev/null)
  if [ -z "$hits" ]; then
    tap_ok "analyzer/$dir includes no parser header"
  else
    tap_fail "analyzer/$dir includes a parser header"
    sed 's/^/#   /' <<<"$hits"
  fi
done

for dir in engine report; do
  # *_table.h are generated data (error codes, event messages), not code.
  hits=$(grep -nE '"(evtx[^"]*|systeminfo|event|vssadmin[.][a-z]+|tasklist[.][a-z]+|sc[.][a-z]+)"' \
           $(ls analyzer/$dir/*.[ch] | grep -v "_table[.]h$"))
  if [ -z "$hits" ]; then
    tap_ok "analyzer/$dir names no input kind and no parser fact type"
  else
    tap_fail "analyzer/$dir names an input kind or a parser fact type"
    sed 's/^/#   /' <<<"$hits"
  fi
done
tap_done
