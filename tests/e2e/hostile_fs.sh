#!/usr/bin/env bash
# Hostile file systems: symbolic link loops and links out of the bundle,
# named pipes, devices, unreadable, empty and 0-byte files, a text file over
# the size limit, a line of megabytes, a folder tree deeper than the limit,
# a file name that is not UTF-8, a truncated event log. Each gets its own
# line in the report saying what it is and why it was (not) read, the run
# ends in bounded time, and nothing in the bundle changes.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
b=$tmp/bundle
mkdir -p "$b"
cp samples/bundles/seed-ja/* "$b/"
ln -s loop "$b/loop"
ln -s /etc/passwd "$b/outside"
ln -s .. "$b/up"
mkfifo "$b/fifo"
: > "$b/empty.txt"
: > "$b/zero.evtx"
truncate -s 65M "$b/huge.txt"
{ cat samples/bundles/seed-ja/vssadmin_list_writers.txt; head -c 8000000 /dev/zero | tr '\0' x; printf '\r\n'; } > "$b/longline.txt"
d=$b/deep; for i in $(seq 1 40); do d=$d/d$i; done; mkdir -p "$d"; echo hello > "$d/deepest.txt"
cp samples/bundles/seed-ja/tasklist_svc.txt "$b/$(printf 'tasklist_\xff\xfe.txt')"
head -c 40000 samples/bundles/seed-ja/Application.evtx > "$b/truncated.evtx"
echo secret > "$b/unreadable.txt"; chmod 000 "$b/unreadable.txt"
device=0
if [ "$(id -u)" -eq 0 ] && mknod "$b/null-device" c 1 3 2>/dev/null; then device=1; fi
before=$(cd "$b" && find . -type f -exec sha256sum {} + 2>/dev/null | sort)

start=$(date +%s)
timeout 120 "$KBSCAN" --rules rules --color never -o "$tmp/report.txt" --json "$tmp/report.json" "$b" 2>"$tmp/err"; rc=$?
end=$(date +%s)
tap_check "a hostile bundle is analysed to the end (exit $rc: 1 or 3)" bash -c "[ $rc -eq 1 ] || [ $rc -eq 3 ]"
tap_check "in bounded time ($((end - start)) s)" [ $((end - start)) -le 60 ]

# line PATH-SUFFIX STATE REASON [REPORT-PREFIX]: the report's input line and
# its reason (in REPORT-PREFIX.json and .txt, default $tmp/report).
line() {
  local path=$1 state=$2 reason=$3 report=${4:-$tmp/report}
  tap_check "$path: listed as $state: $reason" \
    $PY - "$report.json" "$path" "$state" "$reason" <<'EOF'
import json, sys
report, path, state, reason = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], sys.argv[4]
hits = [i for i in report["inputs"] if i["path"].endswith("/" + path)]
assert len(hits) == 1, [i["path"] for i in report["inputs"]]
i = hits[0]
assert i["status"] == state, i
assert reason in (i["message"] or "") + " ".join(n["message"] for n in i["notes"]), i
EOF
  # the text report says the state in words ("not recognised", not the JSON token)
  tap_check "$path: a line of the text report" bash -c "grep -F -- '$path' '$report.txt' | grep -q '^ *${state//_/ } '"
}
line loop skipped "symbolic link: not followed"
line outside skipped "symbolic link: not followed"
line up skipped "symbolic link: not followed"
line fifo skipped "named pipe: not read"
line empty.txt not_recognised "empty file"
line zero.evtx not_recognised "empty file"
line huge.txt skipped "larger than the text file limit (64 MiB); not read"
line longline.txt ok ""
line d31 skipped "folder nested deeper than the depth limit; not read"
line 'tasklist_\xFF\xFE.txt' ok ""
line truncated.evtx damaged "truncated"
# Root reads every file: the unreadable file is read as another user.
runas=()
if [ "$(id -u)" -eq 0 ] && setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
  runas=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
if [ "$(id -u)" -ne 0 ]; then
  line unreadable.txt error "cannot open: Permission denied"
elif [ ${#runas[@]} -gt 0 ]; then
  chmod 755 "$tmp"; mkdir -m 777 "$tmp/as-nobody"
  "${runas[@]}" "$KBSCAN" --rules "$repo_root/rules" --color never -o "$tmp/as-nobody/report.txt" \
    --json "$tmp/as-nobody/report.json" "$b" 2>/dev/null
  line unreadable.txt error "cannot open: Permission denied" "$tmp/as-nobody/report"
else
  tap_skip "unreadable.txt: listed as error" "running as root, and setpriv cannot run as nobody"
  tap_skip "unreadable.txt: a line of the text report" "running as root, and setpriv cannot run as nobody"
fi
if [ "$device" -eq 1 ]; then
  line null-device skipped "device: not read"
else
  tap_skip "null-device: listed as skipped" "mknod needs root"
  tap_skip "null-device: a line of the text report" "mknod needs root"
fi
"$KBSCAN" --rules rules --format json -o "$tmp/dev.json" /dev/null "$b/vssadmin_list_writers.txt" 2>/dev/null
tap_check "a device named on the command line: skipped, not read" \
  $PY -c "import json,sys; i=json.load(open(sys.argv[1]))['inputs'][0]; assert i['status']=='skipped' and i['message']=='device: not read', i" "$tmp/dev.json"
tap_check "the JSON report is valid UTF-8 despite the file name" $PY -c "open('$tmp/report.json', encoding='utf-8').read()"
tap_check "stderr shows the damaged log's name and reason" grep -q "truncated.evtx: damaged" "$tmp/err"
# ---- a file of the bundle this machine cannot read -----------------------------
# It is there: the rules that may need it cannot tell, and nothing asks the
# customer for it (they sent it); the report says to make it readable here.
if [ "$(id -u)" -ne 0 ] || [ ${#runas[@]} -gt 0 ]; then
  u=$tmp/unreadable; mkdir -p "$u/bundle"; chmod 755 "$tmp" "$u" "$u/bundle"
  cp samples/bundles/seed-ja/* "$u/bundle/"; chmod 644 "$u/bundle"/*; chmod 000 "$u/bundle/tasklist_svc.txt"
  # the seed rule alone (the one that reads the tasklist), whatever others say
  mkdir -p "$u/rules" && cp rules/vss-writers-missing-eventsystem-shared.json "$u/rules/"
  chmod 755 "$u/rules"; chmod 644 "$u/rules"/*
  "${runas[@]}" "$KBSCAN" --rules "$u/rules" --format json "$u/bundle" >"$tmp/unread.json" 2>/dev/null; rc=$?
  "${runas[@]}" "$KBSCAN" --rules "$u/rules" --color never "$u/bundle" >"$tmp/unread.txt" 2>/dev/null
  tap_check "an unreadable tasklist: cannot tell (exit status 3, was $rc)" [ $rc -eq 3 ]
  tap_check "... the checkpoint that needs it: unknown, unreadable here, nothing asked of the customer" \
    $PY - "$tmp/unread.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
rule = r["rules"][0]
cp = {c["id"]: c for c in rule["checkpoints"]}["eventsystem-shared"]
assert rule["verdict"] == "cannot_tell", rule["verdict"]
assert cp["state"] == "unknown" and cp["reason"] == "unreadable_here", cp
assert cp["missing"] is None and cp["inputs"][0].endswith("/tasklist_svc.txt"), cp
assert rule["collect"] == [], rule["collect"]
feeds = {f["feed"]: f for f in r["coverage"]["feeds"]}
assert feeds["tasklist_svc"]["present"] is None, feeds
found = [f for f in r["coverage"]["findings"] if f["kind"] == "missing_input"]
assert found and all(f["reason"] == "unreadable_here" and f["file"] is None and f["command"] is None
                     for f in found), found
assert "could not be read on this machine: Permission denied" in found[0]["say"], found[0]
EOF
  tap_check "... the text report names the file: could not be read on this machine: Permission denied" \
    grep -q "tasklist_svc.txt: could not be read on this machine: Permission denied" "$tmp/unread.txt"
  tap_check "... and asks the customer for nothing" bash -c "! grep -q 'ask the customer for' '$tmp/unread.txt'"
else
  tap_skip "an unreadable tasklist: cannot tell" "running as root, and setpriv cannot run as nobody"
fi

after=$(cd "$b" && find . -type f -exec sha256sum {} + 2>/dev/null | sort)
tap_check "nothing in the bundle changed" [ "$before" = "$after" ]
tap_done
