#!/usr/bin/env bash
# CLI manners: help, version, usage errors, exit statuses, output files,
# colour rules, quiet mode, language, time filters, damaged text inputs,
# read-only inputs.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
seed=samples/bundles/seed-ja
# The seed rule alone: these tests are about its verdicts and exit statuses
# on damaged, filtered and read-only inputs, whatever other rules say.
mkdir -p "$tmp/seed-rules" && cp rules/vss-writers-missing-eventsystem-shared.json "$tmp/seed-rules/"
k() { "$KBSCAN" --rules "$tmp/seed-rules" "$@"; }

out=$("$KBSCAN" --help); rc=$?
tap_check "--help exits 0" [ $rc -eq 0 ]
tap_check "--help shows the usage line and exit statuses" grep -q "Usage: kbscan \[OPTIONS\] PATH" <<<"$out"
out=$("$KBSCAN" --version); rc=$?
tap_check "--version prints 'kbscan X.Y.Z'" grep -Eq '^kbscan [0-9]+\.[0-9]+\.[0-9]+$' <<<"$out"

"$KBSCAN" >/dev/null 2>"$tmp/err"; rc=$?
tap_check "no PATH: exit 2" [ $rc -eq 2 ]
tap_check "no PATH: one-line reason on stderr" grep -q "no PATH given" "$tmp/err"
"$KBSCAN" --bogus x >/dev/null 2>&1; tap_check "unknown option: exit 2" [ $? -eq 2 ]
k --format xml "$seed" >/dev/null 2>&1; tap_check "--format xml: exit 2" [ $? -eq 2 ]
k --since yesterday "$seed" >/dev/null 2>"$tmp/err"; rc=$?
tap_check "--since with a bad time: exit 2 naming the value" bash -c "[ $rc -eq 2 ] && grep -q yesterday '$tmp/err'"

k "$tmp/does-not-exist" >/dev/null 2>"$tmp/err"; rc=$?
tap_check "missing path: exit 2" [ $rc -eq 2 ]
tap_check "missing path: stderr names it" grep -q "does-not-exist" "$tmp/err"
mkdir -p "$tmp/junk"; printf 'hello\r\nworld\r\n' > "$tmp/junk/notes.txt"; head -c 4096 /dev/urandom > "$tmp/junk/blob.bin"
k --format json -o "$tmp/junk.json" "$tmp/junk" >/dev/null 2>"$tmp/err"; rc=$?
tap_check "nothing recognised: exit 2" [ $rc -eq 2 ]
tap_check "nothing recognised: said on stderr" grep -q "nothing in the given paths" "$tmp/err"

mkdir -p "$tmp/badrules"
cp rules/*.json "$tmp/badrules/"
printf '{"id": "x", "version": 1, "title": "t", "checkpoints": [{"id": "a", "title": "a", "input": "vssadmin_writers", "facts": "vssadmin.listing", "fild": 1}], "verdict": "a"}' > "$tmp/badrules/broken.json"
"$KBSCAN" --rules "$tmp/badrules" "$seed" >/dev/null 2>"$tmp/err"; rc=$?
tap_check "a broken rule: exit 2" [ $rc -eq 2 ]
tap_check "a broken rule: the file and key are named" grep -q 'broken.json: checkpoints\[0\]: unknown key "fild"' "$tmp/err"
printf '{"id": "y", "version": 1, "title": "t", "checkpoints": [{"id": "a", "title": "a", "input": "tasklist_svc", "facts": "tasklist.process", "where": {"field": "services", "matches": "(unclosed"}}], "verdict": "a"}' > "$tmp/badrules/broken.json"
"$KBSCAN" --rules "$tmp/badrules" "$seed" >/dev/null 2>"$tmp/err"; rc=$?
tap_check "a bad pattern: exit 2 with its offset" bash -c "[ $rc -eq 2 ] && grep -q 'bad pattern \"(unclosed\" at offset' '$tmp/err'"

out=$(k --list-rules); rc=$?
tap_check "--list-rules lists the seed rule" bash -c "[ $rc -eq 0 ] && grep -q vss-writers-missing-eventsystem-shared <<<'$out'"
tap_check "--list-rules shows titles and references" \
  bash -c "grep -q 'All VSS writers are gone' <<<\"\$1\" && grep -q 'https://learn.microsoft.com/' <<<\"\$1\"" _ "$out"
k --list-rules --format json > "$tmp/rules.json"; rc=$?
tap_check "--list-rules --format json: ids, titles and references as JSON" [ $rc -eq 0 ] && \
  $PY -c 'import json,sys; r=json.load(open(sys.argv[1]))["rules"][0]; assert r["id"]=="vss-writers-missing-eventsystem-shared" and r["title"] and r["references"][0]["url"].startswith("https://")' "$tmp/rules.json"

# One program name in every message: each line on stderr starts "kbscan:"
# (or is a usage line), however kbscan fails.
: > "$tmp/all-err"
for args in "--bogus x" "--format xml $seed" "--since yesterday $seed" "$tmp/does-not-exist" "$tmp/junk" "-j 0 $seed"; do
  # shellcheck disable=SC2086
  k $args >/dev/null 2>>"$tmp/all-err"
done
tap_check "every error message names the program as kbscan" \
  bash -c "! grep -Ev '^(kbscan: |kbscan |Try .kbscan --help.|Usage: kbscan)' '$tmp/all-err' | grep -q ."

# make demo shows the report: the build's lines are quiet unless V=1.
if command -v make >/dev/null 2>&1; then
  tap_check "make: quiet build lines by default, compiler command lines with V=1" \
    bash -c "make -pn -C '$repo_root' 2>/dev/null | grep -qx 'Q := @' && make -pn -C '$repo_root' V=1 2>/dev/null | grep -Eqx 'Q :=[[:space:]]*'"
else
  tap_skip "make: quiet build lines by default" "make is not installed"
fi

k "$seed" > "$tmp/plain.txt" 2>/dev/null; rc=$?
tap_check "seed bundle: exit 1 (matched)" [ $rc -eq 1 ]
tap_check "piped output has no colour codes" bash -c "! grep -q $'\033' '$tmp/plain.txt'"
k --color always "$seed" > "$tmp/color.txt" 2>/dev/null
tap_check "--color always colours" grep -q $'\033\[' "$tmp/color.txt"
if $PY -c 'import pty' 2>/dev/null; then
  NO_COLOR=1 $PY tests/lib/on_tty.py "$KBSCAN" --rules rules "$seed" > "$tmp/tty.txt" 2>&1
  tap_check "NO_COLOR on a terminal: no colour" bash -c "! grep -q $'\033\[1;31m' '$tmp/tty.txt'"
  $PY tests/lib/on_tty.py "$KBSCAN" --rules rules "$seed" > "$tmp/tty2.txt" 2>&1
  tap_check "a terminal without NO_COLOR: colour" grep -q $'\033\[1;31m' "$tmp/tty2.txt"
else
  tap_skip "NO_COLOR on a terminal" "python3 has no pty module"
  tap_skip "a terminal without NO_COLOR" "python3 has no pty module"
fi

out=$(k -q "$seed" 2>&1); rc=$?
tap_check "-q: nothing printed, exit status kept" bash -c "[ $rc -eq 1 ] && [ -z '$out' ]"
k -q --json "$tmp/q.json" -o "$tmp/q.txt" "$seed"; rc=$?
tap_check "-q with -o and --json still writes both files" bash -c "[ $rc -eq 1 ] && [ -s '$tmp/q.json' ] && [ -s '$tmp/q.txt' ]"
tap_check "--json writes valid JSON with the schema" $PY -c "import json,sys; assert json.load(open(sys.argv[1]))['schema']=='kbscan-report/1'" "$tmp/q.json"

out=$(k --lang ja "$seed" 2>/dev/null)
tap_check "--lang ja reports in Japanese" grep -q "該当" <<<"$out"

k --format json --until 2018-09-01T00:00:00Z -o "$tmp/until.json" "$seed" 2>/dev/null; rc=$?
tap_check "--until before the failures: the VSS errors are filtered out, not matched" \
  $PY -c "import json,sys; r=json.load(open(sys.argv[1]))['rules'][0]; cp={c['id']:c for c in r['checkpoints']}; assert cp['vss-errors']['state']=='not_met', cp['vss-errors']['state']; assert r['verdict']=='not_matched'" "$tmp/until.json"

# A damaged text file is read around the damage and listed damaged with its
# offset; the rule cannot tell because it is damaged, never "missing".
cp -r "$seed" "$tmp/cut"
{ printf '\377\376'; iconv -f CP932 -t UTF-16LE "$seed/vssadmin_list_writers.txt"; printf 'X'; } \
  > "$tmp/cut/vssadmin_list_writers.txt"
cut_at=$(( $(stat -c %s "$tmp/cut/vssadmin_list_writers.txt") - 1 ))
k --format json -o "$tmp/cut.json" "$tmp/cut" 2>"$tmp/err"; rc=$?
tap_check "a UTF-16 file cut inside a character: exit 3 (cannot tell)" [ $rc -eq 3 ]
tap_check "a cut UTF-16 file: listed damaged, naming the offset" $PY - "$tmp/cut.json" "$cut_at" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); at = sys.argv[2]
i = [x for x in r['inputs'] if x['path'].endswith('vssadmin_list_writers.txt')][0]
assert i['status'] == 'damaged' and i['kind'] == 'vssadmin_writers', i
assert 'ends inside a UTF-16LE character at offset %s' % at in i['message'], i['message']
cp = {c['id']: c for c in r['rules'][0]['checkpoints']}['no-writers']
assert cp['state'] == 'unknown' and cp['reason'] == 'damaged', cp
assert r['rules'][0]['verdict'] == 'cannot_tell'
feed = [f for f in r['coverage']['feeds'] if f['feed'] == 'vssadmin_writers'][0]
assert feed['present'], feed
PY
tap_check "a cut UTF-16 file: stderr names the file as damaged" grep -q "vssadmin_list_writers.txt: damaged: .*offset $cut_at" "$tmp/err"

# UTF-8 without BOM with one bad byte: damaged UTF-8, never CP437 mojibake.
mkdir -p "$tmp/bad8"
iconv -f CP932 -t UTF-8 "$seed/vssadmin_list_writers.txt" > "$tmp/bad8/vss.txt"
bad_at=$(grep -bo $'\xe3\x82\xb7' "$tmp/bad8/vss.txt" | head -1 | cut -d: -f1)
printf '\377' | dd of="$tmp/bad8/vss.txt" bs=1 seek="$bad_at" conv=notrunc 2>/dev/null
k --format json -o "$tmp/bad8.json" "$tmp/bad8" 2>/dev/null; rc=$?
tap_check "UTF-8 with a bad byte: exit 3, damaged UTF-8 naming the byte and offset" $PY - "$tmp/bad8.json" "$bad_at" "$rc" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); at = sys.argv[2]
assert sys.argv[3] == '3', sys.argv[3]
i = r['inputs'][0]
assert i['status'] == 'damaged' and i['encoding'] == 'UTF-8', i
assert {'where': 'line 3', 'message': 'byte 0xFF at offset %s is not valid UTF-8' % at} in i['notes'], i['notes']
cp = {c['id']: c for c in r['rules'][0]['checkpoints']}['no-writers']
assert cp['state'] == 'unknown' and cp['reason'] == 'damaged', cp
PY

# Read-only: kbscan never writes inside a bundle.
cp -r "$seed" "$tmp/ro"; chmod -R a-w "$tmp/ro"
before=$(cd "$tmp/ro" && find . -type f -exec sha256sum {} + | sort)
k -q "$tmp/ro"; rc=$?
after=$(cd "$tmp/ro" && find . -type f -exec sha256sum {} + | sort)
tap_check "a read-only bundle is analysed (exit $rc)" [ $rc -eq 1 ]
tap_check "the bundle is unchanged after analysis" [ "$before" = "$after" ]
tap_check "no file was added to the bundle" [ "$(find "$tmp/ro" -type f | wc -l)" -eq "$(find "$seed" -type f | wc -l)" ]
# A report never replaces an input nor lands inside a bundle being read:
# refused with exit 2 before anything is read, the bundle unchanged.
mkdir -p "$tmp/ro"; cp -r samples/bundles/seed-en/. "$tmp/ro/"
sum_before=$(cd "$tmp/ro" && find . -type f -exec md5sum {} + | sort)
victim=$(find "$tmp/ro" -name '*.txt' -path '*commands*' | head -1)
k --json "$victim" "$tmp/ro" >/dev/null 2>"$tmp/err"; rc=$?
tap_check "--json over an input file: exit 2" [ $rc -eq 2 ]
tap_check "--json over an input file: stderr names both" bash -c "grep -q 'refusing to write a report' '$tmp/err' && grep -qF '$victim' '$tmp/err'"
k --html "$tmp/ro/commands/../report.html" "$tmp/ro" >/dev/null 2>"$tmp/err"; rc=$?
tap_check "--html inside the bundle folder (through ..): exit 2" [ $rc -eq 2 ]
ln -s "$victim" "$tmp/link.txt"
k -o "$tmp/link.txt" "$tmp/ro" >/dev/null 2>"$tmp/err"; rc=$?
tap_check "-o through a link to an input: exit 2" [ $rc -eq 2 ]
k --json "$victim" "$victim" >/dev/null 2>&1; rc=$?
tap_check "--json over the one file given: exit 2" [ $rc -eq 2 ]
sum_after=$(cd "$tmp/ro" && find . -type f -exec md5sum {} + | sort)
tap_check "refused outputs left the bundle unchanged (no file added or changed)" [ "$sum_before" = "$sum_after" ]
k -q --json "$tmp/beside.json" "$tmp/ro"; rc=$?
tap_check "an output beside the bundle is written as usual" bash -c "[ $rc -ne 2 ] && [ -s '$tmp/beside.json' ]"
# An operand that does not exist: the report of the others is written, and
# the exit status is 2 whatever else matched.
k --format json -o "$tmp/partial.json" "$seed" "$tmp/no-such-bundle" >/dev/null 2>"$tmp/err"; rc=$?
tap_check "a missing operand next to a matching bundle: exit 2, not 1" [ $rc -eq 2 ]
tap_check "a missing operand: stderr names it" grep -q "no-such-bundle.*No such file" "$tmp/err"
tap_check "a missing operand: the report of the rest is written, with its match" \
  $PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert any(x["verdict"]=="matched" for x in r["rules"]); assert r["summary"]["exit_status"]==2, r["summary"]' "$tmp/partial.json"
tap_done
