#!/usr/bin/python3
"""Generates analyzer/report/evtmsg_table.h, kbscan's table of event messages.

Reads tools/evtmsg/providers.tsv (the providers, their message files, GUIDs and
aliases) and tools/evtmsg/messages.tsv (the message texts, from libyal
winevt-kb; see tools/evtmsg/README.md) and writes the C table that
analyzer/report/evtmsg.c searches. Refuses, naming file and line, rows it
cannot read, files no provider names, and providers whose files have no text.

Usage: gen-evtmsg.py [--providers FILE] [--messages FILE] [--output FILE]
With --output -, writes to standard output (the test compares that with the
committed file)."""
import argparse
import re
import sys

IDS = {"legacy": "KB_EVTMSG_LEGACY_ONLY", "manifest": "KB_EVTMSG_MANIFEST_ONLY",
       "legacy,manifest": "KB_EVTMSG_LEGACY_FIRST", "manifest,legacy": "KB_EVTMSG_MANIFEST_FIRST"}
GUID = re.compile(r"^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$")
HEX_ID = re.compile(r"^0x[0-9a-f]{8}$")


class Bad(Exception):
    pass


def rows_of(path):
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                yield n, line.split("\t")


def read_providers(path):
    providers, params = [], []
    for n, cols in rows_of(path):
        where = f"{path}:{n}"
        if len(cols) != 6:
            raise Bad(f"{where}: {len(cols)} columns, expected 6")
        kind, name, guid, ids, files, aliases = cols
        if kind not in ("events", "parameters"):
            raise Bad(f"{where}: unknown kind {kind!r}")
        if ids not in IDS:
            raise Bad(f"{where}: unknown ids {ids!r}")
        if guid != "-" and not GUID.match(guid):
            raise Bad(f"{where}: GUID {guid!r} is not {{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}} in lower case")
        parsed = []
        for spec in files.split(" "):
            fname, _, ranges = spec.partition(":")
            spans = []
            for part in ranges.split(",") if ranges else ["0x00000000-0xffffffff"]:
                lo, sep, hi = part.partition("-")
                if not sep or not HEX_ID.match(lo) or not HEX_ID.match(hi) or int(lo, 16) > int(hi, 16):
                    raise Bad(f"{where}: range {part!r} is not 0xLO-0xHI")
                spans.append((int(lo, 16), int(hi, 16)))
            parsed.append((fname, spans))
        entry = {"name": name, "guid": "" if guid == "-" else guid, "ids": IDS[ids],
                 "files": parsed, "aliases": [] if aliases == "-" else aliases.split(","),
                 "where": where}
        (providers if kind == "events" else params).append(entry)
    return providers, params


def unescape(text, where):
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            nxt = text[i + 1:i + 2]
            if nxt not in ("r", "n", "t", "\\"):
                raise Bad(f"{where}: unknown escape \\{nxt}")
            out.append({"r": "\r", "n": "\n", "t": "\t", "\\": "\\"}[nxt])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def read_messages(path):
    """[(file, id, builds, windows, text)] in file order."""
    out = []
    for n, cols in rows_of(path):
        where = f"{path}:{n}"
        if len(cols) != 5:
            raise Bad(f"{where}: {len(cols)} columns, expected 5")
        fname, msg_id, builds, windows, text = cols
        if not HEX_ID.match(msg_id):
            raise Bad(f"{where}: message id {msg_id!r} is not 0x followed by 8 hex digits")
        try:
            blist = [int(b) for b in builds.split(",")]
        except ValueError:
            raise Bad(f"{where}: builds {builds!r} are not numbers")
        if not windows:
            raise Bad(f"{where}: no Windows releases")
        text = unescape(text, where)
        if len(text.encode("utf-8")) > 4095:
            raise Bad(f"{where}: text longer than the 4095 bytes a C11 string literal may have")
        out.append((fname, int(msg_id, 16), blist, windows, text))
    return out


def c_string(s):
    out = []
    for ch in s:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\{code:03o}")
        elif code < 0x80:
            out.append(ch)
        else:
            out.append("".join(f"\\{b:03o}" for b in ch.encode("utf-8")))
    # Splits "??" so no trigraph can form, and long lines at line breaks.
    return '"' + "".join(out).replace("??", '?" "?') + '"'


def generate(providers, params, messages, messages_path):
    used = [f for p in providers + params for f, _ in p["files"]]
    files = sorted({m[0] for m in messages})
    for fname in files:
        if fname not in used:
            raise Bad(f"{messages_path}: message file {fname} belongs to no provider")
    for p in providers + params:
        for fname, _ in p["files"]:
            if fname not in files:
                raise Bad(f"{p['where']}: no message of {fname} in {messages_path}")
    builds = sorted({b for m in messages for b in m[2]})
    if len(builds) > 32:
        raise Bad(f"{len(builds)} Windows builds do not fit a 32-bit mask")
    bit = {b: 1 << i for i, b in enumerate(builds)}
    findex = {f: i for i, f in enumerate(files)}
    seen = set()
    for m in messages:
        key = (m[0], m[1], m[4])
        if key in seen:
            raise Bad(f"{messages_path}: {m[0]} 0x{m[1]:08x} has the same text twice")
        seen.add(key)
    # Sorted for the search: file, event id (low 16 bits), identifier, newest
    # text first (the order messages.tsv gives within one identifier).
    order = {id(m): i for i, m in enumerate(messages)}
    rows = sorted(messages, key=lambda m: (findex[m[0]], m[1] & 0xFFFF, m[1], order[id(m)]))

    L = []
    L.append("/* evtmsg_table.h: GENERATED by tools/gen-evtmsg.py (make evtmsg); do not edit.")
    L.append(" * Event message texts of the providers kbscan renders, for analyzer/report/evtmsg.c.")
    L.append(" * Texts: libyal/winevt-kb (Apache-2.0), per message file and file version, as")
    L.append(" * copied to tools/evtmsg/messages.tsv; providers: tools/evtmsg/providers.tsv.")
    L.append(f" * {len(rows)} texts of {len(files)} message files, {len(providers)} providers. */")
    L.append("#ifndef KB_EVTMSG_TABLE_H")
    L.append("#define KB_EVTMSG_TABLE_H")
    L.append("")
    L.append("/* Windows builds the texts come from; bit i of a text's builds is build i. */")
    L.append("static const unsigned kb_evtmsg_builds[] = {")
    L.append("    " + ", ".join(map(str, builds)))
    L.append("};")
    L.append("")
    L.append("static const char *const kb_evtmsg_files[] = {")
    for i, f in enumerate(files):
        L.append(f"    {c_string(f)}, /* {i} */")
    L.append("};")
    L.append("")
    L.append("/* The builds each file's texts come from (bits as in a text's builds). */")
    L.append("static const uint32_t kb_evtmsg_file_builds[] = {")
    for f in files:
        mask = 0
        for m in messages:
            if m[0] == f:
                for b in m[2]:
                    mask |= bit[b]
        L.append(f"    0x{mask:08x}u,")
    L.append("};")
    L.append("")
    L.append("/* Sorted by file, event id (low 16 bits of id), id; newest text first. */")
    L.append("static const kb_evtmsg_text kb_evtmsg_texts[] = {")
    for fname, msg_id, blist, windows, text in rows:
        mask = 0
        for b in blist:
            mask |= bit[b]
        L.append(f"    {{.file = {findex[fname]}, .id = 0x{msg_id:08x}u, .builds = 0x{mask:08x}u,")
        L.append(f"     .windows = {c_string(windows)},")
        L.append(f"     .text = {c_string(text)}}},")
    L.append("};")
    L.append("")

    def spans_of(p, tag):
        out = []
        for fname, spans in p["files"]:
            for lo, hi in spans:
                out.append(f"    {{.file = {findex[fname]}, .lo = 0x{lo:08x}u, .hi = 0x{hi:08x}u}},")
        L.append(f"static const kb_evtmsg_span {tag}[] = {{")
        L.extend(out)
        L.append("};")

    for i, p in enumerate(providers):
        spans_of(p, f"kb_evtmsg_spans_{i}")
        if p["aliases"]:
            L.append(f"static const char *const kb_evtmsg_aliases_{i}[] = {{" +
                     ", ".join(c_string(a) for a in p["aliases"]) + "};")
    L.append("")
    L.append("static const kb_evtmsg_provider kb_evtmsg_providers[] = {")
    for i, p in enumerate(providers):
        nspans = sum(len(s) for _, s in p["files"])
        aliases = f"kb_evtmsg_aliases_{i}" if p["aliases"] else "NULL"
        L.append(f"    {{.name = {c_string(p['name'])}, .guid = {c_string(p['guid'])},")
        L.append(f"     .ids = {p['ids']}, .spans = kb_evtmsg_spans_{i}, .nspans = {nspans},")
        L.append(f"     .aliases = {aliases}, .naliases = {len(p['aliases'])}}},")
    L.append("};")
    L.append("")
    L.append("/* Where the system's parameter messages (%%N) are. */")
    spans = []
    for p in params:
        for fname, sp in p["files"]:
            for lo, hi in sp:
                spans.append(f"    {{.file = {findex[fname]}, .lo = 0x{lo:08x}u, .hi = 0x{hi:08x}u}},")
    L.append("static const kb_evtmsg_span kb_evtmsg_param_spans[] = {")
    L.extend(spans)
    L.append("};")
    L.append("")
    L.append("#endif")
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--providers", default="tools/evtmsg/providers.tsv")
    ap.add_argument("--messages", default="tools/evtmsg/messages.tsv")
    ap.add_argument("--output", default="analyzer/report/evtmsg_table.h")
    args = ap.parse_args()
    try:
        providers, params = read_providers(args.providers)
        messages = read_messages(args.messages)
        out = generate(providers, params, messages, args.messages)
    except (Bad, OSError) as e:
        print(f"gen-evtmsg.py: {e}", file=sys.stderr)
        return 1
    if args.output == "-":
        sys.stdout.write(out)
    else:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
