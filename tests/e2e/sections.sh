#!/usr/bin/env bash
# Files holding several command outputs (README, "What it reads"), in a
# report: each section is read by its parser, evidence points at the file's
# own line numbers, and of several runs of `vssadmin list writers` the one
# taken last decides: the later of two TSS banners (whatever their order in
# the file), the later section without times, vssWritersAfter.txt over
# vssWritersBefore.txt. Past the limits (10,000 sections, 511 encoding
# changes) a file is read whole and says so; nothing is folded silently.
# The parser cases (tests/cases/sections/) check the facts of each section.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
seed=samples/bundles/seed-ja
banner=$'vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n(C) Copyright 2001-2013 Microsoft Corp.\r\n\r\n'
writer=$'Writer name: \'System Writer\'\r\n   Writer Id: {e8132975-6f93-4464-a53e-1050253ae220}\r\n   Writer Instance Id: {7e0d7c6a-3f6a-4c5b-9b58-eacf897c2bb2}\r\n   State: [1] Stable\r\n   Last error: No error\r\n\r\n'
tss() { printf '========================================\r\n%s : vssadmin list writers\r\n========================================\r\n' "$1"; }

# bundle NAME: the seed case without its vssadmin output, in $tmp/NAME.
bundle() {
  mkdir -p "$tmp/$1"
  cp "$seed/tasklist_svc.txt" "$seed/Application.evtx" "$seed/System.evtx" "$tmp/$1/"
}
# run NAME: its JSON report in $tmp/NAME.json, exit status in $tmp/NAME.rc.
run() { "$KBSCAN" --rules rules --format json -o "$tmp/$1.json" "$tmp/$1" 2>"$tmp/$1.err"; echo $? >"$tmp/$1.rc"; }
# check WHAT NAME PYTHON: the report (r; cp: the no-writers checkpoint;
# ins: inputs by base name) satisfies PYTHON.
check() {
  tap_check "$1" $PY -c "
import json, sys
r = json.load(open(sys.argv[1]))
r['rules'] = [x for x in r['rules'] if x['id'] == 'vss-writers-missing-eventsystem-shared']
cp = {c['id']: c for c in r['rules'][0]['checkpoints']}['no-writers']
ins = {i['path'].rsplit('/', 1)[-1]: i for i in r['inputs']}
ok = $3
if not ok:
    print('# verdict', r['rules'][0]['verdict'], 'no-writers', cp['state'], [(e['path'].rsplit('/', 1)[-1], e.get('line')) for e in cp['evidence']])
    print('#', {k: (i.get('kind'), i.get('status'), i.get('message')) for k, i in ins.items()})
assert ok" "$tmp/$2.json"
}

# psSDP: list volumes (no parser), writers (none), providers; the writers'
# evidence is at lines 13-14 of the file.
bundle pssdp
{
  for c in volumes writers providers; do
    printf -- '-----------------------------------------------------\r\n[10/08/2018 09:30:1%s] VSSAdmin.exe list %s\r\n-----------------------------------------------------\r\n' "${#c}" "$c"
    printf '%s' "$banner"
    [ $c = volumes ] && printf 'Volume path: C:\\\r\n    Volume name: \\\\?\\Volume{67a44989-8413-4a7c-a616-79385dae8605}\\\r\n\r\n'
    [ $c = providers ] && printf "Provider name: 'Microsoft Software Shadow Copy provider 1.0'\r\n   Provider type: System\r\n   Provider Id: {b5946137-7b9f-4925-af80-51abd60b20d5}\r\n   Version: 1.0.0.7\r\n\r\n"
  done
} >"$tmp/pssdp/SRV_VSSAdmin.TXT"
run pssdp
check "psSDP's VSSAdmin.TXT: three sections, each by the parser its header's command names" pssdp \
  "ins['SRV_VSSAdmin.TXT']['kind'] == 'sections' and [ins['SRV_VSSAdmin.TXT#%d' % k]['kind'] for k in (1, 2, 3)] == ['vssadmin_volumes', 'vssadmin_writers', 'vssadmin_providers']"
check "psSDP's VSSAdmin.TXT: the seed case matched, the evidence at the file's lines 13-14 of section 2" pssdp \
  "r['rules'][0]['verdict'] == 'matched' and [(e['path'].rsplit('/', 1)[-1], e['line'], e['line_end']) for e in cp['evidence']] == [('SRV_VSSAdmin.TXT#2', 13, 14)]"

# TSS: two runs, writers at 09:30 and none at 21:45: the later decides.
bundle tss
{ tss "20181008 09:30:12.123"; printf '%s%s' "$banner" "$writer"; tss "20181008 21:45:00.500"; printf '%s' "$banner"; } \
  >"$tmp/tss/Storage_VSSAdmin.txt"
run tss
check "TSS: of two runs the later banner's decides (no writers at 21:45): matched" tss \
  "r['rules'][0]['verdict'] == 'matched' and [e['path'].rsplit('/', 1)[-1] for e in cp['evidence']] == ['Storage_VSSAdmin.txt#2']"
# The same two runs, the later one first in the file.
bundle tss-reversed
{ tss "20181008 21:45:00.500"; printf '%s%s' "$banner" "$writer"; tss "20181008 09:30:12.123"; printf '%s' "$banner"; } \
  >"$tmp/tss-reversed/Storage_VSSAdmin.txt"
run tss-reversed
check "TSS: the later banner decides even when it comes first (writers listed): not matched" tss-reversed \
  "r['rules'][0]['verdict'] == 'not_matched' and cp['state'] != 'met'"

# Runs concatenated without headers: the file's last run decides.
bundle concat
printf '%s%s%s' "$banner" "$writer" "$banner" >"$tmp/concat/vssadmin.txt"
run concat
check "runs concatenated: the last one decides (no writers): matched" concat \
  "r['rules'][0]['verdict'] == 'matched' and ins['vssadmin.txt']['kind'] == 'vssadmin_writers'"

# VSSTester: Before (no writers) and After (writers): After decides.
bundle vsstester
printf '%s' "$banner" >"$tmp/vsstester/vssWritersBefore.txt"
printf '%s%s' "$banner" "$writer" >"$tmp/vsstester/vssWritersAfter.txt"
run vsstester
check "vssWritersBefore.txt / vssWritersAfter.txt: After decides (writers listed): not matched" vsstester \
  "r['rules'][0]['verdict'] == 'not_matched' and cp['state'] != 'met'"
mv "$tmp/vsstester/vssWritersAfter.txt" "$tmp/vsstester/x"; mv "$tmp/vsstester/vssWritersBefore.txt" "$tmp/vsstester/vssWritersAfter.txt"
mv "$tmp/vsstester/x" "$tmp/vsstester/vssWritersBefore.txt"
run vsstester
check "the names swapped, After (no writers) decides: matched" vsstester \
  "r['rules'][0]['verdict'] == 'matched' and [e['path'].rsplit('/', 1)[-1] for e in cp['evidence']] == ['vssWritersAfter.txt']"

# 10,001 TSS banners, the last run without writers: read whole, said, and
# the last run still decides.
bundle many
$PY - "$tmp/many/Storage_VSSAdmin.txt" <<'PYEOF'
import sys
banner = "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n(C) Copyright 2001-2013 Microsoft Corp.\r\n\r\n"
writer = ("Writer name: 'System Writer'\r\n   Writer Id: {e8132975-6f93-4464-a53e-1050253ae220}\r\n"
          "   Writer Instance Id: {7e0d7c6a-3f6a-4c5b-9b58-eacf897c2bb2}\r\n   State: [1] Stable\r\n   Last error: No error\r\n\r\n")
with open(sys.argv[1], "w", newline="") as f:
    for i in range(10001):
        f.write("========================================\r\n20181008 %02d:%02d:%02d.000 : vssadmin list writers\r\n"
                "========================================\r\n" % (i // 3600 % 24, i // 60 % 60, i % 60))
        f.write(banner + (writer if i < 10000 else ""))
PYEOF
run many
check "10,001 sections: past the limit of sections, read whole as one output, said so; the last run decides" many \
  "ins['Storage_VSSAdmin.txt']['kind'] == 'vssadmin_writers' and any('limit of sections' in n['message'] for n in ins['Storage_VSSAdmin.txt']['notes']) and r['rules'][0]['verdict'] == 'matched'"

# 600 encoding changes: past the limit of parts, said so.
bundle parts
$PY - "$tmp/parts/SRV_VSSAdmin.TXT" <<'PYEOF'
import sys
out = [b"\xff\xfe"]
for i in range(300):
    out.append(("-" * 53 + "\r\n[10/08/2018 09:30:12] VSSAdmin.exe list writers\r\n" + "-" * 53 + "\r\n").encode("utf-16-le"))
    out.append(b"vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n(C) Copyright 2001-2013 Microsoft Corp.\r\n\r\n")
open(sys.argv[1], "wb").write(b"".join(out))
PYEOF
run parts
check "599 encoding changes: past the limit of parts, the rest decoded as the last part, said so" parts \
  "any('limit of parts' in n['message'] for n in ins['SRV_VSSAdmin.TXT']['notes'])"

tap_done
