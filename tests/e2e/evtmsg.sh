#!/usr/bin/env bash
# The committed event message table (analyzer/report/evtmsg_table.h) is what
# tools/gen-evtmsg.py makes from tools/evtmsg/; bad source rows are refused,
# naming file and line. When KBSCAN_WINEVT_KB names a git copy of
# libyal/winevt-kb, tools/evtmsg/messages.tsv is also checked against it.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 2

table=analyzer/report/evtmsg_table.h
if [ ! -r tools/evtmsg/messages.tsv ] || [ ! -r tools/evtmsg/providers.tsv ]; then
  tap_skip "evtmsg_table.h is up to date" "tools/evtmsg/ has no messages.tsv/providers.tsv"
elif generated=$("$PY" tools/gen-evtmsg.py --output -); then
  if diff -u "$table" - <<<"$generated" >/dev/null; then
    tap_ok "evtmsg_table.h is what tools/gen-evtmsg.py makes (run make evtmsg after changing tools/evtmsg/)"
  else
    diff -u "$table" - <<<"$generated" | head -20 | sed 's/^/# /'
    tap_fail "evtmsg_table.h differs from what tools/gen-evtmsg.py makes: run make evtmsg"
  fi
else
  tap_fail "tools/gen-evtmsg.py failed"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A text with an escape the format does not have is refused, with its line.
cp tools/evtmsg/messages.tsv "$tmp/messages.tsv"
printf 'vssvc.exe\t0x0000ffff\t22000\tWindows 11 21H2\tbad \\q escape\n' >>"$tmp/messages.tsv"
line=$(wc -l <"$tmp/messages.tsv")
if out=$("$PY" tools/gen-evtmsg.py --messages "$tmp/messages.tsv" --output - 2>&1); then
  tap_fail "an unknown escape in messages.tsv is refused"
else
  tap_check "an unknown escape in messages.tsv is refused, with file and line" \
    grep -q "messages.tsv:$line: unknown escape" <<<"$out"
fi

# A message file that no provider names is refused, naming it.
cp tools/evtmsg/messages.tsv "$tmp/orphan.tsv"
printf 'nosuch.dll\t0x00000001\t22000\tWindows 11 21H2\ttext\n' >>"$tmp/orphan.tsv"
if out=$("$PY" tools/gen-evtmsg.py --messages "$tmp/orphan.tsv" --output - 2>&1); then
  tap_fail "a message file of no provider is refused"
else
  tap_check "a message file of no provider is refused, naming it" grep -q "nosuch.dll" <<<"$out"
fi

# A provider whose file has no text is refused, with its line.
cp tools/evtmsg/providers.tsv "$tmp/providers.tsv"
printf 'events\tNoSuch\t-\tlegacy\tnosuch.dll\t-\n' >>"$tmp/providers.tsv"
line=$(wc -l <"$tmp/providers.tsv")
if out=$("$PY" tools/gen-evtmsg.py --providers "$tmp/providers.tsv" --output - 2>&1); then
  tap_fail "a provider without texts is refused"
else
  tap_check "a provider without texts is refused, with file and line" \
    grep -q "providers.tsv:$line: no message of nosuch.dll" <<<"$out"
fi

# The texts are what extract.py takes from winevt-kb (only with a copy of it).
if [ -n "${KBSCAN_WINEVT_KB:-}" ] && git --git-dir "$KBSCAN_WINEVT_KB" rev-parse -q --verify \
     "$("$PY" -c 'import sys; sys.path.insert(0, "tools/evtmsg"); import extract; print(extract.SOURCE_COMMIT)')^{commit}" >/dev/null 2>&1; then
  if extracted=$("$PY" tools/evtmsg/extract.py --winevt-kb "$KBSCAN_WINEVT_KB" --output - 2>/dev/null) &&
     diff -u tools/evtmsg/messages.tsv - <<<"$extracted" >/dev/null; then
    tap_ok "messages.tsv is what tools/evtmsg/extract.py takes from winevt-kb"
  else
    tap_fail "messages.tsv differs from what tools/evtmsg/extract.py takes from winevt-kb"
  fi
else
  tap_skip "messages.tsv is what extract.py takes from winevt-kb" \
    "KBSCAN_WINEVT_KB names no git copy of libyal/winevt-kb with the source commit"
fi
tap_done
