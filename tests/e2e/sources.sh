#!/usr/bin/env bash
# Everything that lists the inputs kbscan reads is derived from the source
# registry (parsers/source/registry.c) and must not drift from it: the fuzz
# targets (the Makefile's and tools/fuzz.sh's), the seeds every target has
# (recognised as its kind), `kbscan --help`, `kbscan rules check`'s inputs
# and fact types, the inputs table of README.md and the sections of
# docs/facts.md. The registry is read from `kbscan --list-sources`. And the
# layers that must not know a source do not: no header of parsers/ is
# included by analyzer/{core,rules,engine,report}, and no kind is named in
# analyzer/{engine,report,scan}.
. "$(dirname "$0")/../lib/tap.sh"
cd "$repo_root" || exit 1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
build=${KBSCAN_BUILD:-$(dirname "$KBSCAN")}

if ! "$KBSCAN" --list-sources > "$tmp/sources" 2>"$tmp/err"; then
  tap_fail "kbscan --list-sources ($(head -c 300 "$tmp/err"))"
  tap_done; exit 1
fi
# name kind form feed covers label facts name_hint counts collect
tail -n +2 "$tmp/sources" > "$tmp/rows"
# Empty columns survive `read` only with a separator that is not blank.
tr '\t' '\037' < "$tmp/rows" > "$tmp/fields"
names=$(cut -f1 "$tmp/rows" | paste -sd' ')
kinds=$(cut -f2 "$tmp/rows" | paste -sd' ')
tap_check "the registry lists sources ($names)" [ "$(wc -l < "$tmp/rows")" -ge 5 ]
tap_check "every row has its ten columns" \
  awk -F "\t" 'NF != 10 { bad = 1 } END { exit bad }' "$tmp/sources"

# Fuzz targets: textdecode, then one per source, in registry order.
want="textdecode $names"
got=$(make -s --no-print-directory fuzz-targets)
tap_check "Makefile's fuzz targets are the registry's ($got)" [ "$got" = "$want" ]
got=$(tools/fuzz.sh --list "$build" | paste -sd' ')
tap_check "tools/fuzz.sh's targets are the registry's ($got)" [ "$got" = "$want" ]

# Test data: seeds for every target; each seed of a source is recognised as
# its kind (so the seeds are real inputs of that kind). The members of an
# archive and the sections of a file are inputs of their own: only the
# files themselves are the seeds.
while IFS=$'\037' read -r name kind form feed covers label facts hint counts collect; do
  seeds=tests/fuzz/seeds/$name
  if [ -z "$(ls -A "$seeds" 2>/dev/null)" ]; then
    tap_fail "$name: no test data in $seeds"
    continue
  fi
  # (with a command output beside them: a source whose files are only
  # listed, such as mta's, gives nothing to report on alone)
  "$KBSCAN" --rules rules --format json -o "$tmp/$name.json" "$seeds" tests/fuzz/seeds/vssadmin 2>/dev/null
  tap_check "$name: every file of $seeds is read as $kind" \
    $PY - "$tmp/$name.json" "$kind" "$seeds/" <<'EOF'
import json, sys
report, kind, seeds = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
files = [i for i in report["inputs"] if "!" not in i["path"] and "#" not in i["path"] and i["path"].startswith(seeds)]
# a file of several outputs (sections) counts when a section is of the kind
split = {i["path"].rsplit("#", 1)[0] for i in report["inputs"] if "#" in i["path"] and i["kind"] == kind}
wrong = [(i["path"], i["kind"]) for i in files if i["kind"] != kind and not (i["kind"] == "sections" and i["path"] in split)]
assert files and not wrong, wrong
EOF
  # ... and a text source has parser cases: inputs next to the facts expected.
  if [ "$form" = text ]; then
    n=$(ls tests/cases/"$kind"/*.facts 2>/dev/null | wc -l)
    tap_check "$name: parser cases in tests/cases/$kind ($n)" [ "$n" -gt 0 ]
  fi
done < "$tmp/fields"
[ -n "$(ls -A tests/fuzz/seeds/textdecode 2>/dev/null)" ]
tap_check "textdecode: test data in tests/fuzz/seeds/textdecode" [ $? -eq 0 ]

# --help: its Inputs section lists every kind, in registry order.
"$KBSCAN" --help | sed -n '/^Inputs/,/^$/p' | awk 'NR > 1 && NF { print $1 }' | paste -sd' ' > "$tmp/help"
tap_check "--help lists the registry's inputs ($(cat "$tmp/help"))" [ "$(cat "$tmp/help")" = "$kinds" ]

# README.md: the inputs table has one row per source, its kind in the second column.
sed -n '/^## What it reads/,/^## /p' README.md | grep '^| `' | awk -F '|' '{ print $3 }' |
  tr -d ' `' | paste -sd' ' > "$tmp/readme"
tap_check "README.md's inputs table is the registry's ($(cat "$tmp/readme"))" [ "$(cat "$tmp/readme")" = "$kinds" ]

# docs/facts.md: a section per source saying its kind and feed, and what
# to collect when its feed is missing.
while IFS=$'\037' read -r name kind form feed covers label facts hint counts collect; do
  tap_check "docs/facts.md has a section for $kind (feed $feed)" \
    grep -qF "(kind \`$kind\`, feed \`$feed\`" docs/facts.md
  [ -n "$collect" ] || continue  # a container, or a file only listed: nothing to ask for
  tap_check "docs/facts.md says what to collect for $feed ($collect)" \
    grep -qF "\`$collect\`" docs/facts.md
done < "$tmp/fields"

# rules check: knows every source's feed and fact types, and no other.
mkdir -p "$tmp/rules"
$PY - "$tmp/rows" "$tmp/rules" <<'EOF'
import json, sys
def rule(rid, cps):
    return {"id": rid, "version": 1, "title": {"en": "t"}, "summary": {"en": "s"}, "checkpoints": cps,
            "verdict": {"all": [cps[0]["id"]]}}
cps = []
for line in open(sys.argv[1], encoding="utf-8"):
    name, kind, form, feed, covers, label, facts = line.rstrip("\n").split("\t")[:7]
    feed = feed.replace("<Channel>", "Application")
    if feed == "-":
        continue  # a container's members feed, or a file only listed
    for t in facts.split(","):
        cps.append({"id": "%s-%s" % (name, t.replace(".", "-")), "title": {"en": t}, "input": feed, "facts": t})
json.dump(rule("all-sources", cps), open(sys.argv[2] + "/known.json", "w"))
unknown = [{"id": "none", "title": {"en": "x"}, "input": "no_such_input", "facts": "no_such_facts"}]
json.dump(rule("unknown", unknown), open(sys.argv[2] + "/unknown.json", "w"))
EOF
"$KBSCAN" rules check "$tmp/rules/known.json" > "$tmp/known" 2>&1
"$KBSCAN" rules check "$tmp/rules/unknown.json" > "$tmp/unknown" 2>&1
# Each once, in registry order: sources may share a feed (diskshadow feeds
# vssadmin_writers, the event exports the .evtx's) and declare the same
# fact types; a container or a file only listed feeds none ("-").
feeds=$(cut -f4 "$tmp/rows" | grep -v '^-$' | awk '!seen[$0]++' | paste -sd',' | sed 's/,/, /g')
types=$(cut -f7 "$tmp/rows" | grep -v '^$' | tr ',' '\n' | awk '!seen[$0]++' | paste -sd',' | sed 's/,/, /g')
tap_check "rules check: every source's feed and fact types are known" \
  bash -c "! grep -E 'no parser produces|never from|names no' '$tmp/known'"
# ... then the combiners' input and fact types (derived facts).
tap_check "rules check: an unknown input is told with the registry's feeds" \
  grep -qF "(inputs: $feeds, derived)" "$tmp/unknown"
tap_check "rules check: unknown facts are told with the registry's fact types" \
  grep -qF "(facts: $types, host, host.input, host.unassigned, log.cleared, log.coverage)" "$tmp/unknown"

tap_done
