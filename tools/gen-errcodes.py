#!/usr/bin/python3
"""Generates analyzer/report/errcodes_table.h, kbscan's table of Windows error codes.

Names and values come from the public-domain headers of Debian's
mingw-w64-common package (winerror.h, vsserror.h, ntstatus.h under
/usr/share/mingw-w64/include); meanings come from
tools/errcodes/meanings.tsv, copied from Microsoft's documentation (each
line names its page). Only the families that VSS, COM, RPC, service and
backup events carry are kept (see FAMILIES).

Usage: gen-errcodes.py [--include DIR] [--meanings FILE] [--output FILE]
With --output -, writes to standard output (the test compares that with the
committed file)."""
import argparse
import re
import subprocess
import sys

# Name prefixes kept, per header. Markers such as CO_E_FIRST / CO_E_LAST
# only bound ranges and are left out.
FAMILIES = {
    "winerror.h": ("ERROR_", "E_", "S_OK", "S_FALSE", "CO_E_", "CO_S_",
                   "RPC_E_", "RPC_S_", "RPC_X_", "EPT_S_", "REGDB_E_",
                   "CLASS_E_", "EVENT_E_", "EVENT_S_", "CONTEXT_E_",
                   "DISP_E_", "STG_E_", "COMADMIN_E_", "WAIT_TIMEOUT"),
    "vsserror.h": ("VSS_E_", "VSS_S_"),
    "ntstatus.h": ("STATUS_",),
}
MARKER = re.compile(r"_(FIRST|LAST)$")
DEFINE = re.compile(r"^#define\s+([A-Z][A-Z0-9_]*)\s+(.+?)\s*$")
NUMBER = r"(0[xX][0-9A-Fa-f]+|[0-9]+)L?"
VALUE_FORMS = [
    (re.compile(r"^__MSABI_LONG\(" + NUMBER + r"\)$"), None),
    (re.compile(r"^_HRESULT_TYPEDEF_\(" + NUMBER + r"\)$"), "hresult"),
    (re.compile(r"^\(\(HRESULT\)" + NUMBER + r"\)$"), "hresult"),
    (re.compile(r"^\(\(NTSTATUS\)" + NUMBER + r"\)$"), "ntstatus"),
    (re.compile(r"^" + NUMBER + r"$"), None),
]
KINDS = {"win32": "KB_CODE_WIN32", "hresult": "KB_CODE_HRESULT", "ntstatus": "KB_CODE_NTSTATUS"}


def parse_value(text):
    for pattern, kind in VALUE_FORMS:
        m = pattern.match(text)
        if m:
            return int(m.group(1), 0) & 0xFFFFFFFF, kind
    return None, None


def kept(header, name):
    if MARKER.search(name):
        return False
    return any(name == p or (p.endswith("_") and name.startswith(p)) for p in FAMILIES[header])


def read_header(path, header):
    """(name, value, kind) in file order."""
    out = []
    with open(path, encoding="latin-1") as f:
        for line in f:
            m = DEFINE.match(line)
            if not m or not kept(header, m.group(1)):
                continue
            value, kind = parse_value(m.group(2))
            if value is None:
                continue  # defined through another macro (HRESULT_FROM_WIN32(...))
            if header == "ntstatus.h":
                if kind != "ntstatus":
                    continue  # STATUS_SEVERITY_* and similar helpers
            elif kind is None:
                kind = "win32" if value <= 0xFFFF else "hresult"
            out.append((m.group(1), value, kind))
    return out


def read_meanings(path):
    meanings, sources = {}, []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("#"):
                m = re.match(r"^#\s+(\w+)\s+(MicrosoftDocs/.+)$", line)
                if m:
                    sources.append((m.group(1), m.group(2)))
                continue
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 3:
                sys.exit(f"{path}:{number}: expected NAME<TAB>MEANING<TAB>SOURCE")
            name, meaning, source = parts
            if source not in dict(sources):
                sys.exit(f"{path}:{number}: unknown source {source!r}")
            if name in meanings:
                sys.exit(f"{path}:{number}: {name} given twice")
            meanings[name] = meaning
    return meanings, sources


def package_version(package):
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", package],
                              capture_output=True, text=True, check=True).stdout.strip() or "unknown"
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def c_string(s):
    out = s.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + out + '"'


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--include", default="/usr/share/mingw-w64/include")
    ap.add_argument("--meanings", default="tools/errcodes/meanings.tsv")
    ap.add_argument("--output", default="analyzer/report/errcodes_table.h")
    args = ap.parse_args()

    meanings, sources = read_meanings(args.meanings)
    entries = {}
    names_seen = set()
    for header in ("winerror.h", "vsserror.h", "ntstatus.h"):
        for name, value, kind in read_header(f"{args.include}/{header}", header):
            if name in names_seen:
                continue
            names_seen.add(name)
            key = (kind, value)
            # One name per code: the first with a documented meaning, else
            # the first in header order (aliases such as ERROR_DBG_* repeat
            # values).
            if key not in entries or (name in meanings and entries[key][0] not in meanings):
                entries[key] = (name, meanings.get(name, ""))
    missing = sorted(set(meanings) - names_seen)
    if missing:
        sys.exit("meanings for names not in the headers: " + ", ".join(missing))

    order = {"win32": 0, "hresult": 1, "ntstatus": 2}
    rows = sorted(entries.items(), key=lambda kv: (kv[0][1], order[kv[0][0]]))
    lines = [
        "/* errcodes_table.h: GENERATED by tools/gen-errcodes.py (make errcodes); do not edit.",
        " * Windows error codes by value (Win32, HRESULT, NTSTATUS), sorted by",
        " * value then kind, for analyzer/report/errcodes.c.",
        " * Names and values: Debian package mingw-w64-common "
        + package_version("mingw-w64-common") + ",",
        " *   /usr/share/mingw-w64/include/{winerror.h,vsserror.h,ntstatus.h} (public domain).",
        " * Meanings: tools/errcodes/meanings.tsv, copied from Microsoft's documentation:",
    ]
    for key, where in sources:
        lines.append(f" *   {key}: {where}")
    lines += [
        f" * {len(rows)} codes, {sum(1 for _, (n, m) in rows if m)} with a documented meaning. */",
        "#ifndef KB_ERRCODES_TABLE_H",
        "#define KB_ERRCODES_TABLE_H",
        "",
        "static const kb_errcode kb_errcode_table[] = {",
    ]
    for (kind, value), (name, meaning) in rows:
        lines.append(f"    {{0x{value:08X}u, {KINDS[kind]}, {c_string(name)}, {c_string(meaning)}}},")
    lines += ["};", "", "#endif", ""]
    text = "\n".join(lines)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
