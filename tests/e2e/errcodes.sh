#!/usr/bin/env bash
# The committed error code table (analyzer/report/errcodes_table.h) is what
# tools/gen-errcodes.py makes from its sources; skipped, saying so, when the
# headers of mingw-w64-common are not installed.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 2

include=${KBSCAN_MINGW_INCLUDE:-/usr/share/mingw-w64/include}
if [ ! -r "$include/winerror.h" ]; then
  tap_skip "errcodes_table.h is up to date" "no $include/winerror.h (install mingw-w64-common)"
else
  if generated=$("$PY" tools/gen-errcodes.py --include "$include" --output -); then
    if diff -u analyzer/report/errcodes_table.h - <<<"$generated" >/dev/null; then
      tap_ok "errcodes_table.h is what tools/gen-errcodes.py makes (run make errcodes after changing its sources)"
    else
      diff -u analyzer/report/errcodes_table.h - <<<"$generated" | head -20 | sed 's/^/# /'
      tap_fail "errcodes_table.h differs from what tools/gen-errcodes.py makes: run make errcodes"
    fi
  else
    tap_fail "tools/gen-errcodes.py failed"
  fi
fi

# A meanings file naming a code the headers lack is refused, naming it.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp tools/errcodes/meanings.tsv "$tmp/meanings.tsv"
printf 'E_NO_SUCH_CODE\tNothing\tcom1\n' >>"$tmp/meanings.tsv"
if [ -r "$include/winerror.h" ]; then
  if out=$("$PY" tools/gen-errcodes.py --include "$include" --meanings "$tmp/meanings.tsv" --output - 2>&1); then
    tap_fail "a meaning for an unknown name is refused"
  else
    tap_check "a meaning for an unknown name is refused, naming it" grep -q E_NO_SUCH_CODE <<<"$out"
  fi
else
  tap_skip "a meaning for an unknown name is refused" "no mingw-w64 headers"
fi
printf 'E_FAIL\tUnspecified error\tnowhere\n' >"$tmp/bad-source.tsv"
if out=$("$PY" tools/gen-errcodes.py --include "$include" --meanings "$tmp/bad-source.tsv" --output - 2>&1); then
  tap_fail "a meaning without a named source is refused"
else
  tap_check "a meaning without a named source is refused, with file and line" \
    grep -q "bad-source.tsv:1: unknown source" <<<"$out"
fi
tap_done
