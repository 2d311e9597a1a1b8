#!/usr/bin/env bash
# make_bundles.sh EVTXGEN [OUT_DIR]: regenerates the sample bundles.
#
# Sources: samples/src/<bundle>/ holds each saved command output as UTF-8
# text typed with LF line ends; samples/events/*.json the events evtxgen
# writes into .evtx. This script saves each text the way the customer's
# server would have (cmd.exe: CP932 on Japanese Windows, PowerShell's `>`:
# UTF-16LE with BOM, ...; always CRLF) and writes the event logs.
# OUT_DIR defaults to samples/bundles; tests regenerate into a temporary
# directory and compare with the committed bundles.
set -euo pipefail
evtxgen=${1:?usage: make_bundles.sh EVTXGEN [OUT_DIR]}
cd "$(dirname "$0")/../.."
src=samples/src
events=samples/events
out=${2:-samples/bundles}
case $evtxgen in /*) ;; *) evtxgen=$PWD/$evtxgen ;; esac

# text ENCODING SOURCE DEST: DEST is SOURCE saved as Windows would (save_text).
. tools/save_text.sh
text() { save_text "$@"; }

# evtx JSON DEST [DAMAGE...]: the events of samples/events/JSON.json as .evtx
evtx() {
    local from=$1 to=$2; shift 2
    mkdir -p "$(dirname "$to")"
    "$evtxgen" "$@" -o "$to" "$events/$from.json"
}

rm -rf "$out"
mkdir -p "$out"

# seed-ja: the article's case on a Japanese server; cmd.exe saved the
# outputs in CP932. Matched.
b=$out/seed-ja
text CP932 $src/seed-ja/vssadmin_list_writers.txt "$b/vssadmin_list_writers.txt"
text CP932 $src/seed-ja/tasklist_svc.txt "$b/tasklist_svc.txt"
text CP932 $src/seed-ja/systeminfo.txt "$b/systeminfo.txt"
evtx seed-ja-application "$b/Application.evtx"
evtx seed-ja-system "$b/System.evtx"

# seed-en: the same issue on an English server, saved from PowerShell
# (UTF-16LE with BOM), in subfolders, with a note from the customer that no
# parser recognises; no systeminfo. Matched.
b=$out/seed-en
text utf-16le-bom $src/seed-en/commands/vssadmin.txt "$b/commands/vssadmin.txt"
text utf-16le-bom $src/seed-en/commands/tasklist.txt "$b/commands/tasklist.txt"
text utf-16le-bom $src/seed-en/commands/sc_qc_EventSystem.txt "$b/commands/sc_qc_EventSystem.txt"
text utf-8 $src/seed-en/README-customer.txt "$b/README-customer.txt"
evtx seed-en-application "$b/eventlogs/Application.evtx"

# healthy: writers listed, EventSystem alone (tasklist /FO CSV), backups
# succeed. Not matched.
b=$out/healthy
text utf-8 $src/healthy/vssadmin_list_writers.txt "$b/vssadmin_list_writers.txt"
text utf-8 $src/healthy/tasklist_svc.csv "$b/tasklist_svc.csv"
text utf-8 $src/healthy/systeminfo.txt "$b/systeminfo.txt"
evtx healthy-application "$b/Application.evtx"
evtx healthy-system "$b/System.evtx"

# fixed: remedy 3 applied: EventSystem in its own svchost.exe, sc qc says
# WIN32_OWN_PROCESS, writers are back; the old VSS errors remain in the log.
# Not matched.
b=$out/fixed
text utf-8-bom $src/fixed/vssadmin_list_writers.txt "$b/vssadmin_list_writers.txt"
text CP437 $src/fixed/tasklist_svchost.txt "$b/tasklist_svchost.txt"
text CP437 $src/fixed/sc_qc_EventSystem.txt "$b/sc_qc_EventSystem.txt"
evtx fixed-application "$b/Application.evtx"

# nearmiss-hr: writers gone, EventSystem shared, but the VSS 8193 errors
# carry 0x80070005 (access denied), not 0x800401fb. Not matched.
b=$out/nearmiss-hr
text utf-8-bom $src/nearmiss-hr/vssadmin.txt "$b/vssadmin.txt"
text utf-8 $src/nearmiss-hr/tasklist_svc.txt "$b/tasklist_svc.txt"
evtx nearmiss-hr-application "$b/Application.evtx"

# nearmiss-alone: writers gone and the VSS errors of the seed case, but
# EventSystem runs alone in its svchost.exe (PID 1025). Not matched: a near
# miss.
b=$out/nearmiss-alone
text utf-8-bom $src/nearmiss-hr/vssadmin.txt "$b/vssadmin.txt"
text CP437 $src/fixed/tasklist_svchost.txt "$b/tasklist_svchost.txt"
evtx seed-en-application "$b/Application.evtx"

# no-tasklist: the seed case without tasklist /svc. Cannot tell; the report
# asks for the file.
b=$out/no-tasklist
text CP932 $src/seed-ja/vssadmin_list_writers.txt "$b/vssadmin_list_writers.txt"
evtx seed-ja-application "$b/Application.evtx"

# vssadmin-error: vssadmin printed an error instead of writers: never
# "zero writers". Cannot tell.
b=$out/vssadmin-error
text utf-8 $src/vssadmin-error/vssadmin_list_writers.txt "$b/vssadmin_list_writers.txt"
text utf-8 $src/vssadmin-error/tasklist_svc.txt "$b/tasklist_svc.txt"
evtx seed-ja-application "$b/Application.evtx"

# damaged-log: the seed case, but the Application log was cut short in
# transit before the VSS errors. Cannot tell, and the damage is named.
b=$out/damaged-log
text CP932 $src/seed-ja/vssadmin_list_writers.txt "$b/vssadmin_list_writers.txt"
text CP932 $src/seed-ja/tasklist_svc.txt "$b/tasklist_svc.txt"
evtx seed-ja-application "$b/Application.evtx" --truncate 9000

# coverage-wrapped: the seed case, but the Application log wrapped: it
# starts at record 48213 on 2018-10-01, days after the System log. Matched;
# the coverage says the log wrapped.
b=$out/coverage-wrapped
text CP932 $src/seed-ja/vssadmin_list_writers.txt "$b/vssadmin_list_writers.txt"
text CP932 $src/seed-ja/tasklist_svc.txt "$b/tasklist_svc.txt"
evtx coverage-wrapped-application "$b/Application.evtx"
evtx seed-ja-system "$b/System.evtx"

# coverage-gap: the seed case with a filtered Application export: record
# ids jump from 20 to 121. Matched; the coverage names the gap.
b=$out/coverage-gap
text CP932 $src/seed-ja/vssadmin_list_writers.txt "$b/vssadmin_list_writers.txt"
text CP932 $src/seed-ja/tasklist_svc.txt "$b/tasklist_svc.txt"
evtx coverage-gap-application "$b/Application.evtx"

# coverage-cleared: the seed case after someone cleared the Application log
# (System event 104) and the Security log (event 1102). Matched; the
# coverage names both clearings.
b=$out/coverage-cleared
text CP932 $src/seed-ja/vssadmin_list_writers.txt "$b/vssadmin_list_writers.txt"
text CP932 $src/seed-ja/tasklist_svc.txt "$b/tasklist_svc.txt"
evtx coverage-cleared-application "$b/Application.evtx"
evtx coverage-cleared-system "$b/System.evtx"
evtx coverage-cleared-security "$b/Security.evtx"

# coverage-skew: the seed case collected piecemeal, the file names dated by
# the collection script: tasklist on Friday 2018-10-05, vssadmin on Monday
# 2018-10-08, the log ending Wednesday 2018-10-03. Matched; the coverage
# says the inputs were taken days apart.
b=$out/coverage-skew
text CP932 $src/seed-ja/vssadmin_list_writers.txt "$b/vssadmin_2018-10-08_0930.txt"
text CP932 $src/seed-ja/tasklist_svc.txt "$b/tasklist_svc_20181005-1800.txt"
evtx seed-ja-application "$b/Application.evtx"

# hostile: every string a report shows carries markup, script, javascript:
# links, </style>, U+202E; a file name and a text that are not UTF-8.
b=$out/hostile
text utf-8 "$src/hostile/tasklist_\"><img src=x onerror=alert(1)>.txt" "$b/tasklist_\"><img src=x onerror=alert(1)>.txt"
text utf-8 $src/hostile/vssadmin_list_writers.txt "$b/vssadmin_list_writers.txt"
text utf-8 $src/hostile/systeminfo.txt "$b/systeminfo.txt"
evtx hostile-application "$b/Application"$'\342\200\256'"xtve.evtx"
printf 'Customer notes \377\376 not UTF-8: \303\050 \240\241 <script>alert(1)</script>\r\n' \
    > "$b/notes_"$'\377\376'"_<b>.txt"
printf '\357\273\277vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\r\n(C) Copyright 2001-2013 Microsoft Corp.\r\n\r\nWriter name: '"'"'\377<script>'"'"'\r\n' \
    > "$b/vssadmin_bad_utf8.txt"

# Collectors' bundles (samples/src/collectors/): the seed case on BACKUP02,
# as three collectors pack it, built in a staging folder and zipped by
# collectors/pack.py (same bytes on every run).
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pack() { /usr/bin/python3 $src/collectors/pack.py "$@"; }
c=$src/collectors

# tss-zip: Microsoft TSS: TSS_<COMPUTER>_<yyMMdd-HHmmss>_<scenario>.zip, files
# prefixed <COMPUTER>_<yyMMdd-HHmmss>_, written by PowerShell (UTF-16LE);
# BasicLog's Storage_VSSAdmin.txt holds several vssadmin commands, each
# under RunCommands' ====== banner; the log's LocaleMetaData beside it. Matched.
t=$stage/tss/TSS_BACKUP02_181002-130512_VSS
text utf-16le-bom $c/tss/systeminfo.txt "$t/BACKUP02_181002-130512_SystemInfo_Start_.txt"
text utf-16le-bom $src/seed-en/commands/tasklist.txt "$t/BACKUP02_181002-130512_Tasklist_Stop_.txt"
text utf-16le-bom $c/tss/Storage_VSSAdmin.txt "$t/BasicLog-2018-10-02.1305.12/Storage_VSSAdmin.txt"
evtx seed-en-application "$t/BACKUP02-Application.evtx"
# wevtutil al's message texts: a format nobody documented; a stand-in, which
# kbscan lists by where it lies and never reads.
mkdir -p "$t/LocaleMetaData"
printf 'stand-in for the message texts of wevtutil al (format not documented)\r\n' \
    > "$t/LocaleMetaData/BACKUP02-Application_1033.MTA"
mkdir -p "$out/tss-zip"
pack zip "$out/tss-zip/TSS_BACKUP02_181002-130512_VSS.zip" "$stage/tss"

# pssdp-zip: psSDP's VSS module: a flat tss_<yyMMdd-HHmmss>_<COMPUTER>_psSDP_VSS.zip;
# <COMPUTER>_VSSAdmin.TXT holds five commands behind dashed headers, the
# headers UTF-16LE and the outputs appended in CP437; tasklist came in an
# inner CAB (Server Core has no shell zip). Matched.
p=$stage/pssdp
mkdir -p "$p/zip" "$p/cab"
pack pssdp $c/pssdp/VSSAdmin.txt "$p/zip/BACKUP02_VSSAdmin.TXT"
evtx seed-en-application "$p/zip/BACKUP02_evt_Application.evtx"
text CP437 $src/seed-en/commands/tasklist.txt "$p/cab/BACKUP02_TaskListSvc_info.TXT"
pack cab "$p/zip/BACKUP02_psSDP_Core.cab" "$p/cab"
mkdir -p "$out/pssdp-zip"
pack zip "$out/pssdp-zip/tss_181002-130512_BACKUP02_psSDP_VSS.zip" "$p/zip"

# veeam-zip: Veeam's guest log collector: <yyyy-MM-ddTHHmmss>_<HOST>.zip with
# VSS\vss_*.log and the event logs in a zip inside it (Events\Event_Logs_EVTX.zip);
# no tasklist: the rule cannot tell and asks for it. Cannot tell (3).
v=$stage/veeam
text utf-16le-bom $src/seed-en/commands/vssadmin.txt "$v/zip/VSS/vss_writers.log"
text utf-16le-bom $c/veeam/vss_providers.log "$v/zip/VSS/vss_providers.log"
text utf-16le-bom $c/tss/systeminfo.txt "$v/zip/systeminfo.log"
evtx seed-en-application "$v/events/Application.evtx"
mkdir -p "$v/zip/Events"
pack zip "$v/zip/Events/Event_Logs_EVTX.zip" "$v/events"
mkdir -p "$out/veeam-zip"
pack zip "$out/veeam-zip/2018-10-02T130512_BACKUP02.zip" "$v/zip"
