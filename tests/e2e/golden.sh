#!/usr/bin/env bash
# End-to-end golden tests: runs kbscan and compares the JSON report
# (volatile fields aside) and the exit status with a golden file:
#
#   tests/e2e/golden/all/<bundle>.json           every rule, on each sample bundle
#   tests/e2e/golden/rules/<rule id>/<name>.json  one rule alone, on each of its
#                                                fixtures (a sample bundle, by its
#                                                folder's name, or its own fixture)
#
# so that adding or changing a rule rewrites its own golden files and the
# all-rules ones, never another rule's. UPDATE_GOLDEN=1 rewrites the golden
# files (review the diff before committing them). RULES_DIR and GOLDEN_DIR
# (default rules, tests/e2e/golden) are for the self-test at the end: a
# second rule added beside the real ones leaves their golden files as they are.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
rules_dir=${RULES_DIR:-rules}
golden_dir=${GOLDEN_DIR:-tests/e2e/golden}
rules_abs=$(cd "$rules_dir" && pwd)
mkdir -p "$tmp/written"

# golden LABEL GOLDEN RULES CWD PATH: kbscan --rules RULES PATH, run in CWD,
# against GOLDEN.
golden() {
  local label=$1 golden=$2 rules=$3 cwd=$4 path=$5 out
  out="$tmp/out/$label"
  mkdir -p "$(dirname "$out")" "$(dirname "$tmp/written/$golden")"
  : >"$tmp/written/$golden"
  (cd "$cwd" && "$KBSCAN" --rules "$rules" --format json -o "$out.json" "$path") 2>"$out.err"
  local status=$?
  if [ "$status" -ge 4 ] || [ "$status" -eq 2 ]; then
    tap_fail "$label: kbscan exit status $status ($(head -c 300 "$out.err"))"
    return
  fi
  $PY tests/lib/normalise.py "$out.json" > "$out.norm" || { tap_fail "$label: report is not JSON"; return; }
  if [ -n "${UPDATE_GOLDEN:-}" ]; then
    mkdir -p "$(dirname "$golden")"
    cp "$out.norm" "$golden"
    tap_ok "$label: golden file written"
    return
  fi
  if [ ! -f "$golden" ]; then
    tap_fail "$label: no golden file $golden (run UPDATE_GOLDEN=1 $0)"
    return
  fi
  local expected_status
  expected_status=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["exit_status"])' "$golden")
  tap_check "$label: exit status $status is the golden $expected_status" [ "$status" = "$expected_status" ]
  if diff -u "$golden" "$out.norm" > "$out.diff"; then
    tap_ok "$label: JSON report equals the golden report"
  else
    tap_fail "$label: JSON report differs from $golden"
    head -n 40 "$out.diff" | sed 's/^/#   /'
  fi
}

# golden_view LABEL BASE RULES PATH: the text report (no colour) and the
# HTML report (its footer, the run's time and duration, aside) of PATH
# against BASE.txt and BASE.html.
golden_view() {
  local label=$1 base=$2 rules=$3 path=$4 out="$tmp/out/$1" fmt
  mkdir -p "$(dirname "$out")" "$(dirname "$tmp/written/$base")"
  "$KBSCAN" --rules "$rules" --color never -o "$out.txt" "$path" 2>/dev/null
  "$KBSCAN" --rules "$rules" --format html -o "$out.raw.html" "$path" 2>/dev/null
  sed 's|^<footer>.*</footer>$|<footer>(the run)</footer>|' "$out.raw.html" > "$out.html"
  # What people read holds no internal token: the text report, and the
  # HTML's text (its tags and attributes aside).
  # (paths, which may hold such words, aside)
  sed '/<style>/,/<\/style>/d; s/<[^>]*>//g' "$out.html" | cat "$out.txt" - | sed 's|[^ ]*/[^ ]*||g' |
    grep -Po '(?<![\w.-])(not_recognised|vssadmin_[a-z]+|sc_query|tasklist_svc|eventlog:[A-Za-z-]+)(?![\w.-])' | sort -u > "$out.tokens"
  tap_check "$label: no internal token in the text and HTML reports ($(tr '\n' ' ' < "$out.tokens"))" \
    test ! -s "$out.tokens"
  # The text report ends with the run in one line, ending with its exit status.
  local status last
  "$KBSCAN" --rules "$rules" --quiet "$path" 2>/dev/null; status=$?
  last=$(tail -n 1 "$out.txt")
  tap_check "$label: the text report ends with the run in one line ($last)" \
    bash -c '[[ $1 =~ ^[0-9]+\ computers?,\ .*\;\ exit\ $2$ ]]' _ "$last" "$status"
  for fmt in txt html; do
    : >"$tmp/written/$base.$fmt"
    if [ -n "${UPDATE_GOLDEN:-}" ]; then
      mkdir -p "$(dirname "$base")"; cp "$out.$fmt" "$base.$fmt"
      tap_ok "$label: $fmt golden file written"
    elif diff -u "$base.$fmt" "$out.$fmt" > "$out.$fmt.diff" 2>&1; then
      tap_ok "$label: $fmt report equals the golden report"
    else
      tap_fail "$label: $fmt report differs from $base.$fmt"
      head -n 40 "$out.$fmt.diff" | sed 's/^/#   /'
    fi
  done
}

# ---- every rule, on each sample bundle ---------------------------------------
for dir in samples/bundles/*/; do
  b=$(basename "$dir")
  golden "all/$b" "$golden_dir/all/$b.json" "$rules_abs" . "samples/bundles/$b"
  [ -z "${GOLDEN_SELF_TEST_DONE:-}" ] && golden_view "all/$b" "$golden_dir/all/$b" "$rules_abs" "samples/bundles/$b"
done

# ---- the demo in Japanese: wording, plurals and columns of the other language --
if [ -z "${GOLDEN_SELF_TEST_DONE:-}" ]; then
  ja=$golden_dir/all/seed-ja.ja.txt
  : >"$tmp/written/$ja"
  "$KBSCAN" --rules "$rules_abs" --color never --lang ja -o "$tmp/seed-ja.ja.txt" samples/bundles/seed-ja 2>/dev/null
  if [ -n "${UPDATE_GOLDEN:-}" ]; then
    cp "$tmp/seed-ja.ja.txt" "$ja"; tap_ok "all/seed-ja: Japanese text golden file written"
  elif diff -u "$ja" "$tmp/seed-ja.ja.txt" > "$tmp/ja.diff" 2>&1; then
    tap_ok "all/seed-ja: Japanese text report equals the golden report"
  else
    tap_fail "all/seed-ja: Japanese text report differs from $ja"; head -n 40 "$tmp/ja.diff" | sed 's/^/#   /'
  fi
fi

# ---- each rule alone, on each of its fixtures --------------------------------
# The rules' own fixtures are built with this build's evtxgen; they are
# analysed from their folder so that the report's paths do not depend on it.
fixtures="$tmp/fixtures"
if ! tools/build-fixtures.sh "$EVTXGEN" "$fixtures" "$rules_dir" >"$tmp/build.log" 2>&1; then
  tap_fail "the rules' fixtures were built ($(head -c 300 "$tmp/build.log"))"
fi
# One line per fixture: rule file, rule id, golden name, folder to run in, path.
$PY - "$rules_dir" "$fixtures" >"$tmp/plan" 2>"$tmp/plan.err" <<'EOF'
import json, os, sys
rules_dir, fixtures = sys.argv[1], sys.argv[2]
for name in sorted(os.listdir(rules_dir)):
    if not name.endswith(".json") or name.startswith("."):
        continue
    path = os.path.join(rules_dir, name)
    rule = json.load(open(path, encoding="utf-8"))
    seen = set()
    for fx in rule.get("fixtures", []):
        if "fixture" in fx:
            golden, cwd, target = fx["fixture"], fixtures, os.path.join(rule["id"], fx["fixture"])
        else:
            real = os.path.realpath(os.path.join(rules_dir, fx["bundle"]))
            golden, cwd, target = os.path.basename(real), ".", os.path.relpath(real)
        if golden in seen:
            sys.exit(f"{path}: two fixtures would share the golden file {golden}.json")
        seen.add(golden)
        print("\t".join([path, rule["id"], golden, cwd, target]))
EOF
[ -s "$tmp/plan.err" ] && tap_fail "the rules' fixtures listed ($(head -c 300 "$tmp/plan.err"))"
while IFS=$'\t' read -r rule_file id name cwd target; do
  mkdir -p "$tmp/alone/$id"
  cp "$rule_file" "$tmp/alone/$id/"
  # The rule alone still reads the lookup tables beside it (rules/tables).
  [ -d "$rules_abs/tables" ] && [ ! -e "$tmp/alone/$id/tables" ] && ln -s "$rules_abs/tables" "$tmp/alone/$id/tables"
  golden "rules/$id/$name" "$golden_dir/rules/$id/$name.json" "$tmp/alone/$id" "$cwd" "$target"
done <"$tmp/plan"

# ---- no golden file that nothing compares with ------------------------------
while IFS= read -r -d '' f; do
  [ -e "$tmp/written/$f" ] && continue
  if [ -n "${UPDATE_GOLDEN:-}" ]; then
    rm -f "$f"; tap_ok "$f: removed (no bundle or fixture of that name)"
  else
    tap_fail "$f: a golden file of no sample bundle or rule fixture (UPDATE_GOLDEN=1 removes it)"
  fi
done < <({ find "$golden_dir" -path "$golden_dir/batch" -prune -o -name '*.json' -print0
           find "$golden_dir/all" \( -name '*.txt' -o -name '*.html' \) -print0; } 2>/dev/null | sort -z)

# ---- self-test: a second rule leaves the others' golden files alone ---------
if [ -z "${GOLDEN_SELF_TEST_DONE:-}" ] && [ -z "${UPDATE_GOLDEN:-}" ] && [ "$tap_failed" -eq 0 ]; then
  mkdir -p "$tmp/probe/rules"
  cp "$rules_dir"/*.json "$tmp/probe/rules/"
  ln -s "$rules_abs/tests" "$tmp/probe/rules/tests"
  [ -d "$rules_abs/tables" ] && ln -s "$rules_abs/tables" "$tmp/probe/rules/tables"
  ln -s "$repo_root/samples" "$tmp/probe/samples"
  cat >"$tmp/probe/rules/golden-probe.json" <<'EOF'
{
  "id": "golden-probe", "version": 1, "title": "A second rule, for golden.sh's self-test",
  "checkpoints": [
    {"id": "writers", "title": "vssadmin lists writers", "input": "vssadmin_writers",
     "facts": "vssadmin.listing", "where": {"field": "writers", ">": 0}}
  ],
  "verdict": "writers",
  "fixtures": [
    {"bundle": "../samples/bundles/healthy", "expect": "matched", "why": "nine writers"},
    {"bundle": "../samples/bundles/seed-ja", "expect": "not_matched", "why": "none"}
  ]
}
EOF
  GOLDEN_SELF_TEST_DONE=1 UPDATE_GOLDEN=1 RULES_DIR="$tmp/probe/rules" GOLDEN_DIR="$tmp/probe/golden" \
    "$0" >"$tmp/probe.log" 2>&1
  tap_check "self-test: golden files written with a second rule beside the real ones" \
    [ -f "$tmp/probe/golden/rules/golden-probe/seed-ja.json" ]
  for d in "$golden_dir"/rules/*/; do
    id=$(basename "$d")
    if diff -r "$d" "$tmp/probe/golden/rules/$id" >"$tmp/probe.diff" 2>&1; then
      tap_ok "self-test: a second rule leaves the golden files of $id byte for byte as they are"
    else
      tap_fail "self-test: a second rule changed the golden files of $id"
      head -n 20 "$tmp/probe.diff" | sed 's/^/#   /'
    fi
  done
  tap_check "self-test: ... and shows in the all-rules golden files" \
    grep -q '"id": "golden-probe"' "$tmp/probe/golden/all/seed-ja.json"
fi
tap_done
