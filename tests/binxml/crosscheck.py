#!/usr/bin/python3
"""crosscheck.py CORPUS DIR: adds python-evtx's evidence, in place, to the
two lists test_binxml_corpus writes (KB_BINXML_CORPUS_WRITE=DIR):

- DIR/libevtx_fails.tsv, records libevtx cannot read (path, record id,
  provider, event id, "N values, hash", first values, libevtx's reason):
  python-evtx reads the same record and a last column says "python-evtx:
  same", "python-evtx: differs: <its provider / event id / values, hash>"
  or "python-evtx: cannot read: <why>". Values as the test takes them:
  element values below EventData, UserData, ProcessingErrorData, DebugData
  in document order, hashed with FNV-1a 64 joined by 0x1f.
- DIR/libevtx_differs.tsv, values where libevtx and the decoder differ
  (path, record id, field, libevtx's, ours): two columns are added, the
  kind of libevtx bug and whether python-evtx shows our value.
"""
import sys
import xml.etree.ElementTree as ET

import Evtx.Evtx as evtx

SECTIONS = {"EventData", "UserData", "ProcessingErrorData", "DebugData"}


def cell(s, limit):
    """One TSV cell, escaped and cut as the test does."""
    text = "".join({"\t": "\\t", "\n": "\\n", "\r": "\\r", "\\": "\\\\"}.get(c, c) for c in s or "")
    out, size = [], 0
    for c in text:
        size += len(c.encode())
        if size + 8 >= limit:
            return "".join(out) + "..."
        out.append(c)
    return text


def local(tag):
    return tag.split("}", 1)[-1]


def leaves(elem, out):
    children = list(elem)
    if not children:
        out.append(elem.text or "")
    for child in children:
        leaves(child, out)


def summary(xml):
    root = ET.fromstring(xml)
    provider, event_id = "", ""
    for e in root.iter():
        if local(e.tag) == "Provider" and not provider:
            provider = e.get("Name") or ""
        if local(e.tag) == "EventID" and not event_id:
            event_id = (e.text or "").strip()
    values = []
    for child in root:
        if local(child.tag) in SECTIONS:
            for sub in child:
                leaves(sub, values)
    h = 14695981039346656037
    for b in "\x1f".join(values).encode():
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return provider, event_id, "%d values, %016x" % (len(values), h), values


def records(corpus, rows):
    """python-evtx's summary of each (path, record id) in rows, or why not."""
    wanted = {}
    for row in rows:
        wanted.setdefault(row[0], set()).add(int(row[1]))
    seen = {}
    for path, ids in wanted.items():
        try:
            with evtx.Evtx(corpus + "/" + path) as log:
                for chunk in log.chunks():
                    for rec in chunk.records():
                        key = (path, rec.record_num())
                        if key[1] in ids and key not in seen:
                            try:
                                seen[key] = summary(rec.xml())
                            except Exception as exc:  # its own failures are evidence too
                                seen[key] = "cannot read: %s" % cell(repr(exc), 72)
        except Exception as exc:
            for i in ids:
                seen.setdefault((path, i), "cannot read: %s" % cell(repr(exc), 72))
    return seen


def load(path):
    with open(path, encoding="utf-8") as f:
        return [l.rstrip("\n").split("\t") for l in f if l.strip() and l[0] != "#"]


def kind(lib, ours):
    """Which libevtx bug a difference is."""
    try:
        a, b = int(lib), int(ours)
        for bits in (8, 16, 32, 64):
            if -(1 << (bits - 1)) <= b < 0:
                low = (b + (1 << bits)) & ((1 << (bits - 1)) - 1)
                if a == -(low or 1 << (bits - 1)):
                    return "signed-int: libfvalue prints '-' and the low bits without the sign bit"
    except ValueError:
        pass
    if "\ufffd" in lib or "\ufffd" in ours:
        return "utf-16: an unpaired surrogate; libevtx drops the unit after it, we show U+FFFD and keep it"
    if any(ord(c) > 0xFFFF for c in ours):
        return "utf-16: a surrogate pair, which libevtx decodes wrongly"
    return "unexplained"


def fails(corpus, path):
    rows = load(path)
    seen = records(corpus, rows)
    with open(path, "w", encoding="utf-8") as out:
        for row in rows:
            got = seen.get((row[0], int(row[1])), "cannot read: record not found")
            if isinstance(got, str):
                verdict = "python-evtx: " + got
            elif list(got[:3]) == row[2:5]:
                verdict = "python-evtx: same"
            else:
                verdict = "python-evtx: differs: %s / %s / %s" % got[:3]
            out.write("\t".join(row[:7] + [verdict]) + "\n")


def differs(corpus, path):
    rows = load(path)
    seen = records(corpus, rows)
    with open(path, "w", encoding="utf-8") as out:
        for row in rows:
            got = seen.get((row[0], int(row[1])), "cannot read: record not found")
            if isinstance(got, str):
                verdict = "python-evtx: " + got
            elif row[4] in got[3]:
                verdict = "python-evtx shows ours"
            else:
                verdict = "python-evtx shows neither"
            out.write("\t".join(row[:5] + [kind(row[3], row[4]), verdict]) + "\n")


def main():
    corpus, folder = sys.argv[1:3]
    fails(corpus, folder + "/libevtx_fails.tsv")
    differs(corpus, folder + "/libevtx_differs.tsv")


main()
