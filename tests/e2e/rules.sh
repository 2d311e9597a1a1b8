#!/usr/bin/env bash
# Rule self-tests: `kbscan rules check` and `kbscan rules test` pass on
# rules/, and fail, one line per failure with exit status 1, on a broken
# fixture expectation, a missing bundle, a bad pattern, an unknown key, an
# input no parser produces; rules that do not load stop `rules test` (2).
# The rules' own fixtures (rules/tests/<rule id>/<name>/) are built first,
# with this build's evtxgen, into a temporary folder (tools/build-fixtures.sh).
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
seed_rule=vss-writers-missing-eventsystem-shared.json
seed_id=${seed_rule%.json}
nfixtures=$($PY -c "import json,sys; print(len(json.load(open(sys.argv[1]))['fixtures']))" "rules/$seed_rule")
# every rule of rules/ and its fixtures, for the summary lines
nrules=$(ls rules/*.json | wc -l)
nall=$($PY -c "import json,sys; print(sum(len(json.load(open(p))['fixtures']) for p in sys.argv[1:]))" rules/*.json)
rule_files=$([ "$nrules" -eq 1 ] && echo "1 rule file" || echo "$nrules rule files")
rules_word=$([ "$nrules" -eq 1 ] && echo "1 rule" || echo "$nrules rules")
fx="$tmp/fixtures"
before=$(git status --porcelain --untracked-files=all rules 2>/dev/null)
tools/build-fixtures.sh "$EVTXGEN" "$fx" >"$tmp/out" 2>&1
tap_check "build-fixtures.sh builds the rules' own fixtures" \
  bash -c "[ -d '$fx/$seed_id/vss13-only' ] && grep -q 'fixture bundle(s) built' '$tmp/out'"
tap_check "build-fixtures.sh: events become a genuine event log, texts get CRLF" \
  bash -c "head -c 8 '$fx/$seed_id/vss13-only/Application.evtx' | grep -q ElfFile && grep -q \$'\r\$' '$fx/$seed_id/vss13-only/vssadmin_list_writers.txt'"
tap_check "build-fixtures.sh: saved-as says how a file was saved (UTF-16LE with BOM), and is no file of the bundle" \
  bash -c "[ \"\$(head -c 2 '$fx/$seed_id/vss13-only/tasklist_svc.txt' | od -An -tx1 | tr -d ' ')\" = fffe ] && [ ! -e '$fx/$seed_id/vss13-only/saved-as' ]"
tap_check "building the fixtures writes nothing into the source tree" \
  [ "$(git status --porcelain --untracked-files=all rules 2>/dev/null)" = "$before" ]

# ---- the rules as committed -------------------------------------------------
"$KBSCAN" rules check rules >"$tmp/out" 2>"$tmp/err"; rc=$?
tap_check "rules check rules: exit 0" [ $rc -eq 0 ]
tap_check "rules check rules: only the summary line, no problem" \
  bash -c "[ \"\$(cat '$tmp/out')\" = 'kbscan rules check: $rule_files, 0 problems' ] && [ ! -s '$tmp/err' ]"
"$KBSCAN" rules test --fixtures "$fx" rules >"$tmp/out" 2>"$tmp/err"; rc=$?
tap_check "rules test rules: exit 0" [ $rc -eq 0 ]
tap_check "rules test rules: every fixture passed, said in one summary line (piped: no line per pass)" \
  bash -c "[ \"\$(cat '$tmp/out')\" = 'kbscan rules test: $nall fixtures of $rules_word: $nall passed, 0 failed' ]"
tap_check "the seed rule has positive and negative fixtures" \
  $PY -c "import json,sys; e=[f['expect'] for f in json.load(open(sys.argv[1]))['fixtures']]; assert 'matched' in e and 'not_matched' in e, e" "rules/$seed_rule"
"$KBSCAN" rules test -v --fixtures "$fx" rules >"$tmp/out" 2>&1
tap_check "-v: one line per passed fixture" \
  [ "$(grep -cE "^rules/$seed_rule: fixtures\[[0-9]+\] .*, as expected$" "$tmp/out")" -eq "$nfixtures" ]
tap_check "-v: the nearmiss-hr bundle is a negative fixture" \
  grep -q "fixtures\[[0-9]\] ../samples/bundles/nearmiss-hr: not_matched, as expected" "$tmp/out"
tap_check "-v: a fixture of the rule's own, built from rules/tests/, is named by its name" \
  grep -q "fixtures\[[0-9]*\] vss13-only: matched, as expected" "$tmp/out"
out=$("$KBSCAN" rules test -q --fixtures "$fx" rules 2>&1); rc=$?
tap_check "-q: nothing printed when all pass" bash -c "[ $rc -eq 0 ] && [ -z '$out' ]"
"$KBSCAN" rules test --fixtures "$fx" "rules/$seed_rule" >/dev/null 2>&1
tap_check "rules test FILE: one rule file" [ $? -eq 0 ]
"$KBSCAN" rules test rules >"$tmp/out" 2>&1; rc=$?
tap_check "without --fixtures, a fixture built at test time fails, saying how to build it" \
  bash -c "[ $rc -eq 1 ] && grep -qF 'fixtures[9] vss13-only: expected matched, got no verdict: a fixture built at test time: build the fixtures (make fixtures) and give their folder with --fixtures DIR' '$tmp/out'"
"$KBSCAN" rules test --fixtures "$tmp/nowhere" rules >"$tmp/out" 2>&1; rc=$?
tap_check "a fixture not built: exit 1, naming where it looked" \
  bash -c "[ $rc -eq 1 ] && grep -qF 'fixtures[10] no-eventlog: expected cannot_tell, got no verdict: fixture not built (looked for $tmp/nowhere/$seed_id/no-eventlog)' '$tmp/out'"

# ---- a deliberately broken fixture ------------------------------------------
# The copy sits next to a link to samples/, so the fixtures' relative paths
# (../samples/bundles/...) still lead to the bundles.
mkdir -p "$tmp/broken/rules"; ln -s "$repo_root/samples" "$tmp/broken/samples"
ln -s "$repo_root/rules/tests" "$tmp/broken/rules/tests"
cp "rules/$seed_rule" "$tmp/broken/rules/"
$PY - "$tmp/broken/rules/$seed_rule" <<'EOF'
import json, sys
path = sys.argv[1]
rule = json.load(open(path, encoding="utf-8"))
for fx in rule["fixtures"]:
    if fx.get("bundle", "").endswith("/healthy"):
        fx["expect"] = "matched"          # a healthy server never matches
    if fx.get("bundle", "").endswith("/seed-ja"):
        fx["checkpoints"]["vss-errors"] = "not_met"   # it is met there
json.dump(rule, open(path, "w", encoding="utf-8"), ensure_ascii=False, indent=2)
EOF
"$KBSCAN" rules test --fixtures "$fx" "$tmp/broken/rules" >"$tmp/out" 2>"$tmp/err"; rc=$?
f="$tmp/broken/rules/$seed_rule"
tap_check "a broken fixture: rules test exits 1" [ $rc -eq 1 ]
tap_check "a broken fixture: exactly two failure lines and the summary" [ "$(wc -l <"$tmp/out")" -eq 3 ]
tap_check "the failure line names the rule file, the fixture, expected and got verdicts" \
  grep -qxF "$f: fixtures[3] ../samples/bundles/healthy: expected matched, got not_matched" "$tmp/out"
tap_check "a wrong checkpoint state fails its fixture too, naming the checkpoint" \
  grep -qxF "$f: fixtures[0] ../samples/bundles/seed-ja: expected matched, got matched; checkpoint vss-errors: expected not_met, got met" "$tmp/out"
tap_check "the summary counts the failures" grep -qx "kbscan rules test: $nfixtures fixtures of 1 rule: $((nfixtures - 2)) passed, 2 failed" "$tmp/out"
out=$("$KBSCAN" rules test -q --fixtures "$fx" "$tmp/broken/rules" 2>&1)
tap_check "-q still prints the failures, only them" [ "$(wc -l <<<"$out")" -eq 2 ]

# A fixture whose bundle is gone: a failure of its own, the others still run.
$PY - "$f" <<'EOF'
import json, sys
path = sys.argv[1]
rule = json.load(open(path, encoding="utf-8"))
rule["fixtures"] = [fx for fx in rule["fixtures"] if not fx.get("bundle", "").endswith("/seed-ja")]
for fx in rule["fixtures"]:
    if fx.get("bundle", "").endswith("/healthy"):
        fx["expect"] = "not_matched"
rule["fixtures"].append({"bundle": "../samples/bundles/gone", "expect": "matched", "why": "moved away"})
json.dump(rule, open(path, "w", encoding="utf-8"), ensure_ascii=False, indent=2)
EOF
"$KBSCAN" rules test --fixtures "$fx" "$tmp/broken/rules" >"$tmp/out" 2>&1; rc=$?
tap_check "a missing fixture bundle: exit 1, one line saying where it looked" \
  bash -c "[ $rc -eq 1 ] && [ \$(grep -c 'got no verdict' '$tmp/out') -eq 1 ] && grep -qF 'fixtures[$((nfixtures - 1))] ../samples/bundles/gone: expected matched, got no verdict: no bundle there (looked for $tmp/broken/rules/../samples/bundles/gone)' '$tmp/out'"
"$KBSCAN" rules check "$tmp/broken/rules" >"$tmp/out" 2>&1; rc=$?
tap_check "rules check names the missing bundle too" \
  bash -c "[ $rc -eq 1 ] && grep -qF '$f: fixtures[$((nfixtures - 1))].bundle: no bundle \"../samples/bundles/gone\"' '$tmp/out'"

# A fixture whose source folder is gone, and a folder no fixture names.
mkdir -p "$tmp/own/tests/$seed_id/stray"
for d in "rules/tests/$seed_id"/*/; do
  [ "$(basename "$d")" = no-eventlog ] || cp -r "$d" "$tmp/own/tests/$seed_id/"
done
sed 's#"\.\./samples/#"'"$repo_root"'/samples/#' "rules/$seed_rule" >"$tmp/own/$seed_rule"
"$KBSCAN" rules check "$tmp/own" >"$tmp/out" 2>&1; rc=$?
o="$tmp/own/$seed_rule"
tap_check "rules check: a fixture without its folder in tests/<rule id>/" \
  bash -c "[ $rc -eq 1 ] && grep -qxF '$o: fixtures[10].fixture: no fixture \"no-eventlog\" (looked for the folder $tmp/own/tests/$seed_id/no-eventlog)' '$tmp/out'"
tap_check "rules check: a fixture folder no fixture names" \
  grep -qxF "$o: fixtures: the fixture folder $tmp/own/tests/$seed_id/stray is named by no fixture" "$tmp/out"
tap_check "rules check: nothing else" [ "$(wc -l <"$tmp/out")" -eq 3 ]

# ---- rule files rules check rejects -----------------------------------------
mkdir -p "$tmp/bad"
cp "rules/$seed_rule" "$tmp/bad/"; ln -s "$repo_root/rules/tests" "$tmp/bad/tests"
sed -i 's#"\.\./samples/#"'"$repo_root"'/samples/#' "$tmp/bad/$seed_rule"
cat >"$tmp/bad/x.json" <<'EOF'
{
  "id": "x", "version": 1, "title": "test rule",
  "checkpoints": [
    {"id": "a", "title": "a", "input": "tasklist_svc", "facts": "tasklist.process",
     "where": [{"field": "image", "equals": "svchost.exe"}, {"field": "services", "matches": "Event(System"}],
     "shwo": ["pid"]},
    {"id": "b", "title": "b", "input": "vssadmin_writer", "facts": "vssadmin.listing"},
    {"id": "c", "title": "c", "input": "eventlog:Application", "facts": "event",
     "where": {"field": "provder", "equals": "VSS"}, "say": {"met": "{{count}} from {{computr}}"}}
  ],
  "verdict": {"all": ["a", "b", "c"]},
  "fixtures": [{"bundle": "../nowhere", "expect": "matched", "why": "w"}]
}
EOF
"$KBSCAN" rules check "$tmp/bad" >"$tmp/out" 2>"$tmp/err"; rc=$?
x="$tmp/bad/x.json"
tap_check "rules check with bad rules: exit 1" [ $rc -eq 1 ]
tap_check "a bad pattern: its JSON path, the PCRE2 message and the offset" \
  grep -qxF "$x: checkpoints[0].where[1].matches: bad pattern \"Event(System\" at offset 12: missing closing parenthesis" "$tmp/out"
tap_check "an unknown key, with the key it resembles" \
  grep -qxF "$x: checkpoints[0]: unknown key \"shwo\" (did you mean \"show\"?)" "$tmp/out"
# The inputs there are: the registry's feeds (kbscan --list-sources), each
# once (a feed two sources share, as the event exports share the .evtx's),
# containers feeding none ("-"), then the combiners' "derived"; a new source
# changes the list, not this test.
inputs="$("$KBSCAN" --list-sources | tail -n +2 | cut -f4 | grep -vx -- - | awk '!seen[$0]++' | paste -sd, | sed 's/,/, /g'), derived"
tap_check "an input no parser produces, with the inputs there are" \
  grep -qxF "$x: checkpoints[1].input: no parser produces the input \"vssadmin_writer\" (did you mean \"vssadmin_writers\"?) (inputs: $inputs)" "$tmp/out"
tap_check "a field events never carry, in a condition" \
  grep -qF "$x: checkpoints[2].where: \"provder\": no field \"provder\" in facts \"event\" (did you mean \"provider\"?)" "$tmp/out"
tap_check "a placeholder naming no field" \
  grep -qF "$x: checkpoints[2].say.met: {{computr}}: no field \"computr\" in facts \"event\" (did you mean \"computer\"?)" "$tmp/out"
tap_check "fixtures: a missing bundle, and no negative fixture" \
  bash -c "grep -qF '$x: fixtures[0].bundle: no bundle \"../nowhere\"' '$tmp/out' && grep -qF '$x: fixtures: no fixture expects \"not_matched\"' '$tmp/out'"
tap_check "the good rule beside them has no problem" bash -c "! grep -q '$seed_rule' '$tmp/out'"
tap_check "one line per problem, then the summary" \
  bash -c "[ \$(wc -l <'$tmp/out') -eq 8 ] && tail -n 1 '$tmp/out' | grep -qx 'kbscan rules check: 2 rule files, 7 problems (some files did not load)'"
"$KBSCAN" rules test "$tmp/bad" >"$tmp/out" 2>"$tmp/err"; rc=$?
tap_check "rules test with a rule that does not load: exit 2, the problems on stderr" \
  bash -c "[ $rc -eq 2 ] && [ ! -s '$tmp/out' ] && grep -q 'bad pattern' '$tmp/err' && grep -q 'nothing tested' '$tmp/err'"

# Two files, one rule id.
mkdir -p "$tmp/twice"
cp "$tmp/bad/$seed_rule" "$tmp/twice/a.json"; cp "$tmp/bad/$seed_rule" "$tmp/twice/b.json"
"$KBSCAN" rules check "$tmp/twice" >"$tmp/out" 2>&1; rc=$?
tap_check "rules check: a rule id used by two files" \
  bash -c "[ $rc -eq 1 ] && grep -qxF '$tmp/twice/b.json: id: \"vss-writers-missing-eventsystem-shared\" is also the id of $tmp/twice/a.json' '$tmp/out'"

# A rule without fixtures is not tested: both commands say so.
printf '{"id": "y", "version": 1, "title": "t", "checkpoints": [{"id": "a", "title": "a", "input": "systeminfo", "facts": "systeminfo"}], "verdict": "a"}' >"$tmp/y.json"
"$KBSCAN" rules check "$tmp/y.json" >"$tmp/out" 2>&1; rc=$?
tap_check "rules check: a rule without fixtures fails" \
  bash -c "[ $rc -eq 1 ] && grep -qF '$tmp/y.json: fixtures: none: a rule is tested on at least one bundle it matches and one it does not' '$tmp/out'"
"$KBSCAN" rules test "$tmp/y.json" >"$tmp/out" 2>&1; rc=$?
tap_check "rules test: a rule without fixtures fails" \
  bash -c "[ $rc -eq 1 ] && grep -qxF '$tmp/y.json: fixtures: none: the rule is not tested' '$tmp/out'"

# ---- command line -------------------------------------------------------------
"$KBSCAN" --help | grep -q "kbscan rules check|test"
tap_check "kbscan --help names the rules subcommands" [ $? -eq 0 ]
"$KBSCAN" rules --help >"$tmp/out"; rc=$?
tap_check "kbscan rules --help: exit 0, both subcommands" \
  bash -c "[ $rc -eq 0 ] && grep -q 'Usage: kbscan rules check' '$tmp/out' && grep -q 'kbscan rules test' '$tmp/out'"
"$KBSCAN" rules >/dev/null 2>&1; tap_check "kbscan rules without a subcommand: exit 2" [ $? -eq 2 ]
"$KBSCAN" rules lint >/dev/null 2>"$tmp/err"; rc=$?
tap_check "an unknown subcommand: exit 2, named" bash -c "[ $rc -eq 2 ] && grep -q \"unknown subcommand 'lint'\" '$tmp/err'"
"$KBSCAN" rules check --bogus rules >/dev/null 2>&1; tap_check "an unknown option: exit 2" [ $? -eq 2 ]
"$KBSCAN" rules check "$tmp/does-not-exist" >/dev/null 2>"$tmp/err"; rc=$?
tap_check "a missing rule folder: exit 2, named" bash -c "[ $rc -eq 2 ] && grep -q does-not-exist '$tmp/err'"
mkdir "$tmp/empty"; "$KBSCAN" rules test "$tmp/empty" >/dev/null 2>"$tmp/err"; rc=$?
tap_check "a folder without rule files: exit 2" bash -c "[ $rc -eq 2 ] && grep -q 'no rule files' '$tmp/err'"
# A bundle folder named "rules" is still analysed as ./rules.
mkdir -p "$tmp/cwd/rules"; cp samples/bundles/seed-ja/* "$tmp/cwd/rules/"
(cd "$tmp/cwd" && "$KBSCAN" ./rules -q); rc=$?
tap_check "a bundle folder named rules: ./rules is analysed (exit 1, matched)" [ $rc -eq 1 ]
tap_done
