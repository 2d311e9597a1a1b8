#!/usr/bin/env bash
# Archives read where they lie (README, "Archives"): a bundle as a folder
# and the same bundle packed in each format kbscan reads, and packed twice
# (an archive in an archive in a folder), give the same report but for the
# inputs' names (tests/lib/unpacked.py); a single compressed file is read.
# Hostile archives, built here by tests/lib/hostile_archives.py (no bomb is
# committed): a 10 GiB member of zeros in a 10 MiB zip and tar.gz, 100,000
# members, nesting 50 deep, names that climb out, an encrypted member, a
# truncated archive: each beside a real bundle, bounded in time and memory,
# named in the report with its reason, the bundle's verdict unchanged, and
# nothing written outside kbscan's private temporary directory, which is
# gone when kbscan ends, also after SIGTERM and SIGINT.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export TMPDIR="$tmp/kbtmp"
mkdir -p "$TMPDIR"

have() { command -v "$1" >/dev/null 2>&1; }
# report DIR TOP OUT [ARGS...]: kbscan's JSON report of TOP, run in DIR.
report() {
  local dir=$1 top=$2 out=$3; shift 3
  (cd "$dir" && "$KBSCAN" --rules "$repo_root/rules" --format json -o "$out" "$@" "$top") 2>"$out.err"
}
unpacked() { $PY tests/lib/unpacked.py "$1"; }

# ---- the same report, packed or not ----------------------------------------------
for bundle in seed-en healthy; do
  w="$tmp/$bundle"
  mkdir -p "$w/folder/top" "$w/src"
  cp -r "samples/bundles/$bundle" "$w/folder/top/b"
  cp -r "samples/bundles/$bundle" "$w/src/b"
  report "$w/folder" top "$w/folder.json"
  unpacked "$w/folder.json" >"$w/folder.norm"
  pack() { # FORMAT: top/b.<ext> in $w/<format>/, made from $w/src/b
    local f=$1 d="$w/$1/top"
    mkdir -p "$d"
    case $f in
      zip) (cd "$w/src" && zip -qr "$d/b.zip" b) ;;
      7z) (cd "$w/src" && bsdtar --format 7zip -cf "$d/b.7z" b) ;;
      tar) (cd "$w/src" && bsdtar --format ustar -cf "$d/b.tar" b) ;;
      tar.gz) (cd "$w/src" && bsdtar -czf "$d/b.tar.gz" b) ;;
      tar.bz2) (cd "$w/src" && bsdtar -cjf "$d/b.tar.bz2" b) ;;
      tar.xz) (cd "$w/src" && bsdtar -cJf "$d/b.tar.xz" b) ;;
      cab) (cd "$w/src" && find b -type f | sort | xargs gcab -cz "$d/b.cab") ;;
      nested) (cd "$w/src" && bsdtar --format 7zip -cf "$w/b.7z" b && cd "$w" && zip -q "$d/b.zip" b.7z) ;;
    esac
  }
  for f in zip 7z tar tar.gz tar.bz2 tar.xz cab nested; do
    if [ "$f" = cab ] && ! have gcab; then tap_skip "$bundle as $f: the same report" "gcab absent"; continue; fi
    pack "$f"
    report "$w/$f" top "$w/$f.json"
    if ! unpacked "$w/$f.json" >"$w/$f.norm" 2>"$w/$f.pyerr"; then
      tap_fail "$bundle as $f: no report ($(head -c 300 "$w/$f.json.err"))"
    elif diff -u "$w/folder.norm" "$w/$f.norm" >"$w/$f.diff"; then
      tap_ok "$bundle as $f: the same report as the folder's but for the inputs' names"
    else
      tap_fail "$bundle as $f: the report differs from the folder's"; head -n 40 "$w/$f.diff" | sed 's/^/# /'
    fi
  done
done
tap_check "inputs are named outer!inner: a member of a 7z in a zip in a folder" \
  grep -qF '"top/b.zip!b.7z!b/commands/vssadmin.txt"' "$tmp/seed-en/nested.json"

# One compressed file: the file it holds, named after it.
mkdir -p "$tmp/single"
for c in gzip:gz bzip2:bz2 xz:xz; do
  "${c%:*}" -c samples/bundles/seed-en/commands/vssadmin.txt >"$tmp/single/vssadmin.txt.${c#*:}"
done
report "$tmp/single" . "$tmp/single.json"
tap_check "a single .gz, .bz2, .xz file: the vssadmin output in it is read, three times" \
  $PY -c "
import json, sys
ins = json.load(open(sys.argv[1]))['inputs']
got = sorted(i['path'] for i in ins if i.get('kind') == 'vssadmin_writers')
assert got == ['./vssadmin.txt.bz2!vssadmin.txt', './vssadmin.txt.gz!vssadmin.txt',
               './vssadmin.txt.xz!vssadmin.txt'], got" "$tmp/single.json"

# ---- hostile archives ----------------------------------------------------------------
h="$tmp/hostile"
(cd samples/bundles && zip -qr "$tmp/seed.zip" seed-en)
if ! $PY tests/lib/hostile_archives.py "$h" "$tmp/seed.zip" >"$tmp/gen.err" 2>&1; then
  tap_fail "hostile_archives.py builds the hostile archives ($(head -c 300 "$tmp/gen.err"))"
fi
# An encrypted member (zip's traditional encryption; the password stays in
# this test) beside a plain one.
printf 'secret text\r\n' >"$tmp/plain.txt"
zip -q -j -P s3cret "$h/encrypted.zip" samples/bundles/seed-en/commands/vssadmin.txt
zip -q -j "$h/encrypted.zip" "$tmp/plain.txt"

# hostile NAME: the seed bundle with NAME beside it, read within 120 s and
# 512 MiB; its report in $tmp/h-NAME.json, the file system of the bundle
# and of $TMPDIR compared before and after.
hostile() {
  local name=$1; shift
  local b="$tmp/h-$name"
  mkdir -p "$b"
  cp -r samples/bundles/seed-en "$b/seed-en"
  cp "$h/$name" "$b/"
  (cd "$b" && find . -printf '%p %s %T@\n' | sort) >"$b.before"
  /usr/bin/time -f '%e %M' -o "$b.time" timeout 120 \
    "$KBSCAN" --rules rules --format json -o "$b.json" "$@" "$b" 2>"$b.err"
  echo $? >"$b.rc"
  (cd "$b" && find . -printf '%p %s %T@\n' | sort) >"$b.after"
}
# within NAME: exit 1 (the seed's issue matched), bounded, nothing written.
within() {
  local name=$1
  local b="$tmp/h-$name" rc secs kib
  rc=$(cat "$b.rc"); read -r secs kib < <(tail -n 1 "$b.time")
  tap_check "$name: the seed bundle beside it still matched (exit $rc), in ${secs}s and $((kib / 1024)) MiB" \
    bash -c "[ '$rc' -eq 1 ] && awk 'BEGIN { exit !($secs < 60 && $kib < 512 * 1024) }'"
  tap_check "$name: nothing written into the bundle, nothing left in TMPDIR" \
    bash -c "cmp -s '$b.before' '$b.after' && [ -z \"\$(ls -A '$TMPDIR')\" ]"
}
# says NAME PYTHON: the report's inputs (ins: path -> input) satisfy PYTHON.
says() {
  local what=$1 name=$2 cond=$3
  tap_check "$name: $what" $PY -c "
import json, sys
ins = {i['path'].split('/h-$name/', 1)[-1]: i for i in json.load(open(sys.argv[1]))['inputs']}
def msg(p): return ' '.join([ins[p].get('message') or ''] + [n.get('message') or '' for n in ins[p].get('notes', [])])
assert $cond, {p: (i.get('kind'), i.get('status'), msg(p)) for p, i in ins.items() if 'seed-en/' not in p}" \
    "$tmp/h-$name.json"
}

hostile bomb.zip
within bomb.zip
says "the 10 GiB member is listed, not read, with the limit" bomb.zip \
  "'limit' in msg('bomb.zip!zeros.bin') and 'not read' in msg('bomb.zip!zeros.bin')"
hostile bomb-evtx.zip
within bomb-evtx.zip
says "a 10 GiB member that starts as a log: not read, with the member limit" bomb-evtx.zip \
  "'limit' in msg('bomb-evtx.zip!Application.evtx')"
hostile bomb.tar.gz
within bomb.tar.gz
says "a tar.gz of 10 GiB of zeros: stopped by the compression ratio, named" bomb.tar.gz \
  "'times its compressed size' in msg('bomb.tar.gz') and ins['bomb.tar.gz']['status'] == 'damaged'"
hostile many.zip
within many.zip
says "100,000 members: the members limit, reported on the archive" many.zip \
  "'limit of 10000 members' in msg('many.zip') and sum(p.startswith('many.zip!') for p in ins) == 10000"
hostile nested50.zip
within nested50.zip
says "nesting 50 deep: the nesting limit, reported on the deepest archive read" nested50.zip \
  "any('nesting limit' in msg(p) for p in ins if p.startswith('nested50.zip!')) and max(p.count('!') for p in ins) <= 9"
hostile traversal.zip
within traversal.zip
says "names that climb out are shown escaped, each said why, the plain one as it is, all read" traversal.zip \
  "all(p in ins and 'never used as a path' in msg(p) and ins[p]['kind'] == 'vssadmin_writers' for p in [r'traversal.zip!..\\x2F..\\x2Fetc\\x2Fpasswd', r'traversal.zip!\\x2Fabs\\x2Fpath.txt', r'traversal.zip!C:\\x2FWindows\\x2Fx.txt', r'traversal.zip!a\\x2F..\\x2F..\\x2Fup.txt', r'traversal.zip!C:\\x2FWindows\\x2Fback.txt']) and 'traversal.zip!ok/fine.txt' in ins"
says "control bytes and invalid UTF-8 in names are escaped (a NUL ends the name, as libarchive reads it)" traversal.zip \
  "r'traversal.zip!bad\\x01ctl.txt' in ins and r'traversal.zip!inv\\xC3(.txt' in ins and 'traversal.zip!nul' in ins and not any(c in p for p in ins for c in '\\x01\\x00')"
tap_check "traversal.zip: nothing written above the bundle (no up.txt, no passwd)" \
  bash -c "[ ! -e '$tmp/up.txt' ] && [ ! -e '$tmp/etc/passwd' ] && [ ! -e /abs/path.txt ]"
hostile truncated.zip
within truncated.zip
says "a truncated zip: the members before the damage read, the damage naming the archive and the member" truncated.zip \
  "ins['truncated.zip']['status'] == 'damaged' and ' member seed-en/' in msg('truncated.zip') and ins['truncated.zip!seed-en/eventlogs/Application.evtx']['kind'] == 'evtx' and ins['truncated.zip!seed-en/commands/vssadmin.txt']['kind'] == 'vssadmin_writers'"
hostile encrypted.zip
within encrypted.zip
says "an encrypted member without the password: listed as encrypted, the plain one read" encrypted.zip \
  "'cannot read without the password' in msg('encrypted.zip!vssadmin.txt') and ins['encrypted.zip!plain.txt']['kind'] == 'not_recognised'"
mv "$tmp/h-encrypted.zip.json" "$tmp/nopass.json"
hostile encrypted.zip --archive-password s3cret
says "--archive-password: the encrypted member is read" encrypted.zip \
  "ins['encrypted.zip!vssadmin.txt']['kind'] == 'vssadmin_writers'"
KBSCAN_ARCHIVE_PASSWORD=s3cret hostile encrypted.zip
says "KBSCAN_ARCHIVE_PASSWORD: the encrypted member is read" encrypted.zip \
  "ins['encrypted.zip!vssadmin.txt']['kind'] == 'vssadmin_writers'"
KBSCAN_ARCHIVE_PASSWORD=wrong hostile encrypted.zip
says "a wrong password: the member is not read, and said so" encrypted.zip \
  "ins['encrypted.zip!vssadmin.txt']['kind'] != 'vssadmin_writers' and ins['encrypted.zip!vssadmin.txt'].get('message')"
mkdir -p "$tmp/enc" && cp "$h/encrypted.zip" samples/bundles/seed-en/eventlogs/Application.evtx "$tmp/enc/"
"$KBSCAN" --rules rules --format json -o "$tmp/enc.json" "$tmp/enc" >/dev/null 2>&1
tap_check "a rule that needs an encrypted member's output cannot tell when nothing else has it" \
  $PY -c "
import json, sys
r = {x['id']: x for x in json.load(open(sys.argv[1]))['rules']}['vss-writers-missing-eventsystem-shared']
assert r['verdict'] == 'cannot_tell', r['verdict']" "$tmp/enc.json"

# ---- the temporary directory, after a signal -----------------------------------------
# A log over 16 MiB in a zip goes to a file of the temporary directory; its
# worker is made to sleep (the test hook), so kbscan is still reading when
# the signal comes.
mkdir -p "$tmp/sig"
"$EVTXGEN" --bulk 20 --seed 5 --channel System -o "$tmp/System.evtx" >/dev/null
(cd "$tmp" && zip -q -1 sig/logs.zip System.evtx)
# A background job of a script starts with SIGINT ignored (kbscan then
# keeps it so, as nohup asks): the default is restored for it. A worker
# that sleeps is stopped by the wall clock after 15 s if no signal comes.
for s in TERM INT; do
  KBSCAN_TEST_WORKER_CRASH=sleep:System.evtx $PY -c '
import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$KBSCAN" -q --worker-cpu-seconds 5 --rules rules "$tmp/sig" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 200); do [ -n "$(ls -A "$TMPDIR")" ] && break; sleep 0.05; done
  made=$(ls -A "$TMPDIR")
  kill -"$s" "$pid"; wait "$pid"; rc=$?
  tap_check "SIG$s while a member is in the temporary directory: kbscan ends by it, the directory is gone" \
    bash -c "[ -n '$made' ] && [ $rc -ge 128 ] && [ -z \"\$(ls -A '$TMPDIR')\" ]"
done

tap_done
