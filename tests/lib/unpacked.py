#!/usr/bin/python3
"""unpacked.py REPORT.json: prints a kbscan JSON report as it would read had
the archives in it been folders: the inputs that are archives are left out
and every "outer.zip!" in an input's name becomes "outer/" (the folder the
archive was made from, whose name the archive's, less its suffixes, is),
with the volatile fields set aside (normalise.py). archives.sh compares a
bundle's report with the report of the same bundle packed."""
import json
import re
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from normalise import normalise  # noqa: E402

SUFFIX = re.compile(r"([^/!]*?)(?:\.tar)?\.(?:zip|7z|cab|tar|gz|bz2|xz)!")


def unpack(s):
    # "b.zip!b/x" -> "b/x" (the archive holds its folder), "n/b.7z!b/x" -> "n/b/x"
    prev = None
    while prev != s:
        prev = s
        s = re.sub(r"(?:^|(?<=[/!]))([^/!]+?)(?:\.tar)?\.(?:zip|7z|cab|tar|gz|bz2|xz)!\1/", r"\1/", s)
    return s


def walk(v):
    if isinstance(v, str):
        return unpack(v)
    if isinstance(v, list):
        return [walk(x) for x in v]
    if isinstance(v, dict):
        return {k: walk(x) for k, x in v.items()}
    return v


def archive_paths(report):
    return {i["path"] for i in report.get("inputs", []) if i.get("kind") == "archive"}


def drop_archives(v, paths):
    """Leaves out the archives' own inputs, wherever inputs are listed."""
    if isinstance(v, list):
        return [drop_archives(x, paths) for x in v
                if not (isinstance(x, dict) and x.get("kind") == "archive" and x.get("path") in paths)]
    if isinstance(v, dict):
        return {k: drop_archives(x, paths) for k, x in v.items()}
    return v


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        report = normalise(json.load(f))
    report = walk(drop_archives(report, archive_paths(report)))
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
