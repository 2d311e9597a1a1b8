#!/usr/bin/python3
"""Refreshes tools/evtmsg/messages.tsv from libyal/winevt-kb's message-file tables.

winevt-kb published, per message file and per file version, the message
tables it extracted from Windows installations, as Markdown
(docs/sources/message-files/MessageFile-<file>.md). Those pages were removed
from the repository after the commit named in tools/evtmsg/README.md, so this
script reads them from that commit of a git copy of winevt-kb (a clone or a
bare mirror) with `git show`; it never needs a work tree.

For each message file named in tools/evtmsg/providers.tsv it keeps the
identifiers that can be event or parameter messages (see keep_id), within the
file's ranges, joins the file versions that have the same text, and writes one
row per (file, identifier, text), newest text first (for parameter message
files only the newest text). It also checks the
provider pages of the same commit: each provider (and alias) with a page must
list its GUID and message files there.

Usage: extract.py --winevt-kb GITDIR [--commit SHA] [--providers FILE]
                  [--output FILE]   (--output - writes to standard output)"""
import argparse
import re
import subprocess
import sys

SOURCE_COMMIT = "5e51c65e83317e81eb68bca37a0fc56cc512eb1e"
MESSAGE_FILES = "docs/sources/message-files/MessageFile-{}.md"
PROVIDER_PAGES = "docs/sources/eventlog-providers/Provider-{}.md"

# Windows releases by build number (third part of a file version).
WINDOWS_BY_BUILD = {
    2134: "Windows 2000", 2137: "Windows 2000", 2170: "Windows 2000", 2195: "Windows 2000",
    2600: "Windows XP", 3790: "Windows 2003/XP x64", 6000: "Windows Vista",
    7600: "Windows 7/2008 R2", 7601: "Windows 7/2008 R2 SP1",
    9200: "Windows 8/2012", 9600: "Windows 8.1/2012 R2",
    10586: "Windows 10 1511", 14393: "Windows 10 1607/2016", 15063: "Windows 10 1703",
    16299: "Windows 10 1709", 17134: "Windows 10 1803", 17763: "Windows 10 1809/2019",
    18362: "Windows 10 1903/1909", 19041: "Windows 10 2004/20H2", 22000: "Windows 11 21H2",
}
# comres.dll carries COM+ versions 2001.12.<n>.<qfe>: the qfe parts match the
# Windows builds' (1830/3959 = 2003 SP1/SP2, 16386 = Vista, 16385 = 7, 16384
# = 8 and later) and winevt-kb saw one version per release, oldest first.
COMPLUS_BUILD = {4414: 2600, 4720: 3790, 6930: 6000, 8530: 7600, 10130: 9200,
                 10530: 9600, 10941: 10586}

ROW = re.compile(r"^(0x[0-9a-f]{8}) \| (.*)$")


def build_of(version):
    """The Windows build a file version comes from."""
    parts = [int(p) for p in version.split(".")]
    if parts[0] == 2001 and len(parts) > 2:
        return COMPLUS_BUILD[parts[2]]
    return parts[2]


def windows_of(version):
    build = build_of(version)
    name = WINDOWS_BY_BUILD.get(build)
    if name is None:
        raise SystemExit(f"no Windows release known for file version {version}")
    if version.startswith("2001.12.10941."):
        name = "Windows 10/11"   # the newest COM+ version winevt-kb saw
    return name


def windows_span(builds, file_builds, versions):
    """The Windows releases of builds, as runs over the builds winevt-kb has
    of that file: "Windows 7/2008 R2 - Windows 11 21H2" when the text is the
    same in every version between."""
    names = {}
    for v in versions:
        names.setdefault(build_of(v), windows_of(v))
    runs, run = [], []
    for b in file_builds:
        if b in names:
            run.append(b)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    parts = []
    for run in runs:
        first, last = names[run[0]], names[run[-1]]
        parts.append(first if first == last else f"{first} - {last}")
    return ", ".join(parts)


def keep_id(msg_id):
    """Event and parameter messages: identifiers without the bit that mc.exe
    sets on manifest strings (0x10000000), and manifest event messages
    (0xB...). Manifest keyword, opcode, level, task, channel and map names
    are not messages of events."""
    return not msg_id & 0x10000000 or msg_id >> 28 == 0xB


def unescape(text):
    """winevt-kb wrote CR, LF and TAB as \\r, \\n, \\t and left other
    backslashes alone."""
    out, i = [], 0
    while i < len(text):
        two = text[i:i + 2]
        if two in ("\\r", "\\n", "\\t"):
            out.append({"\\r": "\r", "\\n": "\n", "\\t": "\t"}[two])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def escape(text):
    return (text.replace("\\", "\\\\").replace("\r", "\\r")
            .replace("\n", "\\n").replace("\t", "\\t"))


def git_show(gitdir, commit, path):
    r = subprocess.run(["git", "--git-dir", gitdir, "show", f"{commit}:{path}"],
                       capture_output=True)
    if r.returncode != 0:
        return None
    return r.stdout.decode("utf-8")


def parse_message_file(text, name):
    """[(versions, id, text)] in page order."""
    tables, versions = [], None
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("### "):
            versions = [v.strip() for v in line[4:].split(",")]
            continue
        m = ROW.match(line)
        if m:
            if versions is None:
                raise SystemExit(f"MessageFile-{name}.md:{n}: message before any version")
            tables.append((versions, int(m.group(1), 16), unescape(m.group(2))))
    return tables


def parse_ranges(spec, where):
    ranges = []
    for part in spec.split(","):
        lo, sep, hi = part.partition("-")
        if not sep:
            raise SystemExit(f"{where}: range {part!r} is not LO-HI")
        ranges.append((int(lo, 16), int(hi, 16)))
    return ranges


def read_providers(path):
    """[(kind, name, guid, ids, [(file, ranges)], aliases)]"""
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 6:
                raise SystemExit(f"{path}:{n}: {len(cols)} columns, expected 6")
            kind, name, guid, ids, files, aliases = cols
            parsed = []
            for spec in files.split(" "):
                fname, _, ranges = spec.partition(":")
                parsed.append((fname, parse_ranges(ranges, f"{path}:{n}") if ranges else None))
            out.append((kind, name, guid, ids, parsed,
                        [] if aliases == "-" else aliases.split(",")))
    return out


def check_provider_pages(gitdir, commit, providers):
    """Warnings for provider pages that do not list what providers.tsv says."""
    warnings = []
    for kind, name, guid, _, files, aliases in providers:
        if kind != "events":
            continue
        for who in [name] + aliases:
            page = git_show(gitdir, commit, PROVIDER_PAGES.format(who.replace(" ", "-")))
            if page is None:
                warnings.append(f"{who}: no provider page")
                continue
            low = page.lower()
            if who == name and guid != "-" and guid.lower() not in low:
                warnings.append(f"{who}: GUID {guid} not on its page")
            shown = [f for f, _ in files if f"\\{f.lower()}" in low]
            if not shown:
                warnings.append(f"{who}: none of its message files on its page")
    return warnings


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--winevt-kb", required=True, help="git directory of a winevt-kb copy")
    ap.add_argument("--commit", default=SOURCE_COMMIT)
    ap.add_argument("--providers", default="tools/evtmsg/providers.tsv")
    ap.add_argument("--output", default="tools/evtmsg/messages.tsv")
    args = ap.parse_args()

    providers = read_providers(args.providers)
    wanted = {}   # file -> list of ranges (None: the whole file)
    newest_only = set()
    for kind, _, _, _, files, _ in providers:
        for fname, ranges in files:
            if kind == "parameters":
                newest_only.add(fname)
            if fname in wanted and wanted[fname] is None:
                continue
            wanted[fname] = None if ranges is None else wanted.get(fname, []) + ranges

    rows, missing = [], []
    for fname in sorted(wanted):
        page = git_show(args.winevt_kb, args.commit, MESSAGE_FILES.format(fname))
        if page is None:
            missing.append(fname)
            continue
        texts = {}   # (id, text) -> versions
        for versions, msg_id, text in parse_message_file(page, fname):
            ranges = wanted[fname]
            if not keep_id(msg_id):
                continue
            if ranges is not None and not any(lo <= msg_id <= hi for lo, hi in ranges):
                continue
            texts.setdefault((msg_id, text), []).extend(versions)
        file_builds = sorted({build_of(v) for vs in texts.values() for v in vs})
        for (msg_id, text), versions in texts.items():
            builds = sorted({build_of(v) for v in versions})
            rows.append((fname, msg_id, builds, windows_span(builds, file_builds, versions), text))
    # Per file and identifier, the newest text first.
    rows.sort(key=lambda r: (r[0], r[1], -r[2][-1], -r[2][0]))
    # Parameter messages: one text per identifier, the newest.
    rows = [r for i, r in enumerate(rows)
            if r[0] not in newest_only or i == 0 or rows[i - 1][:2] != r[:2]]

    lines = [
        "# Message texts of the event providers in tools/evtmsg/providers.tsv, GENERATED by",
        "# tools/evtmsg/extract.py from libyal/winevt-kb (Apache-2.0)",
        f"# docs/sources/message-files/MessageFile-<file>.md at commit {args.commit}.",
        "# One row per message file, message identifier and text, newest text first.",
        "# builds: the Windows builds whose copy of the file has this text; windows: those",
        "# releases, \"A - B\" when every copy winevt-kb has from A through B has it.",
        "# text: \\r \\n \\t \\\\ stand for CR, LF, TAB and a backslash.",
        "#file\tid\tbuilds\twindows\ttext",
    ]
    for fname, msg_id, builds, windows, text in rows:
        lines.append("\t".join([fname, f"0x{msg_id:08x}", ",".join(map(str, builds)),
                                windows, escape(text)]))
    out = "\n".join(lines) + "\n"
    if args.output == "-":
        sys.stdout.write(out)
    else:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(out)
    for w in check_provider_pages(args.winevt_kb, args.commit, providers):
        print(f"extract.py: note: {w}", file=sys.stderr)
    for fname in missing:
        print(f"extract.py: note: no message table for {fname} at {args.commit}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
