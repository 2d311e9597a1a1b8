#!/usr/bin/python3
"""readback.py: reads an .evtx written by evtxgen back with an independent
reader and compares every value with the events JSON it was written from.

  readback.py check READER EVENTS.json FILE.evtx
      READER is libevtx (Debian's python3-libevtx, the library behind
      evtxexport) or python-evtx (Debian's python3-evtx). Exit 0 when every
      value matches; mismatches go to stderr. Values a reader is known to
      get wrong (see KNOWN below) are not compared for that reader; the
      count is printed as "known: N".
  readback.py damage READER FILE.evtx
      Prints what the reader notices about the file's integrity, one word
      per finding (dirty, corrupt, truncated, short), for the damage tests.
  readback.py count READER FILE.evtx
      Prints the number of records the reader returns.

KNOWN reader bugs of the Debian 12 versions, found by these tests:
  - libevtx 20181227 decodes characters outside the BMP (UTF-16 surrogate
    pairs) wrongly: U+1F600 comes back as U+1F201. python-evtx reads them.
  - python-evtx 0.7.4 parses the string array that classic events use for
    unnamed <Data> with a regex that drops empty strings and stops at a
    UTF-16 unit whose low byte is 0 (U+4E00, U+3000, a low surrogate
    U+DC00..). libevtx reads them.
"""
import datetime
import json
import re
import sys
import xml.etree.ElementTree as ET

NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"
EPOCH = datetime.datetime(1601, 1, 1)


def expected_events(path):
    """The events of the JSON, with the defaults evtxgen documents."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    out = []
    next_id = 1
    for ev in doc["events"]:
        rid = ev.get("record_id", next_id)
        next_id = rid + 1
        classic = "provider_guid" not in ev
        data = ev.get("data", [])
        out.append({
            "record_id": rid,
            "provider": ev["provider"],
            "guid": ev.get("provider_guid"),
            "id": ev["id"],
            "qualifiers": ev.get("qualifiers", 0 if classic else None),
            "version": ev.get("version", 0),
            "level": ev.get("level", 4),
            "task": ev.get("task", 0),
            "opcode": ev.get("opcode", 0),
            "keywords": int(ev.get("keywords", "0x0080000000000000" if classic else "0x8000000000000000"), 16),
            "time_us": time_us(ev["time"]),
            "process_id": ev.get("process_id", 0),
            "thread_id": ev.get("thread_id", 0),
            "user_sid": ev.get("user_sid"),
            "channel": ev.get("channel", doc.get("channel")),
            "computer": ev.get("computer", doc.get("computer")),
            "named": isinstance(data, dict),
            "data": list(data.items()) if isinstance(data, dict) else [(None, s) for s in data],
            "binary": ev.get("binary").upper() if ev.get("binary") is not None else None,
        })
    return out


def time_us(text):
    """Microseconds since 1601 of an ISO 8601 UTC time (fraction to 1 us)."""
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z?", text)
    if not m:
        raise ValueError("bad time " + text)
    base = datetime.datetime(*map(int, m.groups()[:6]))
    frac = (m.group(7) or "0")[:6].ljust(6, "0")
    return int((base - EPOCH).total_seconds()) * 1000000 + int(frac)


def outside_bmp(s):
    return any(ord(c) > 0xFFFF for c in s)


def array_trap(s):
    """Strings python-evtx's string-array parser cannot return intact."""
    if s == "":
        return True
    units = s.encode("utf-16-le")
    return any(units[i] == 0 for i in range(0, len(units), 2))


def parse_xml(text):
    # XML parsers turn CR LF into LF: keep CR as a character reference.
    return ET.fromstring(text.replace("\r", "&#13;"))


def system_fields(root):
    sys_el = root.find(NS + "System")
    get = lambda tag: sys_el.find(NS + tag)
    prov = get("Provider")
    eid = get("EventID")
    execution = get("Execution")
    sec = get("Security")
    return {
        "provider": prov.get("Name"),
        "guid": prov.get("Guid"),
        "id": int(eid.text),
        "qualifiers": int(eid.get("Qualifiers")) if eid.get("Qualifiers") is not None else None,
        "version": int(get("Version").text),
        "level": int(get("Level").text),
        "task": int(get("Task").text),
        "opcode": int(get("Opcode").text),
        "keywords": int(get("Keywords").text, 16),
        "record_id": int(get("EventRecordID").text),
        "process_id": int(execution.get("ProcessID")),
        "thread_id": int(execution.get("ThreadID")),
        "channel": get("Channel").text,
        "computer": get("Computer").text,
        "user_sid": sec.get("UserID") if sec is not None else None,
        "time_text": get("TimeCreated").get("SystemTime"),
    }


def data_elements(root):
    ed = root.find(NS + "EventData")
    if ed is None:
        return [], None
    datas = [(d.get("Name"), d.text or "") for d in ed.findall(NS + "Data")]
    binary = ed.find(NS + "Binary")
    return datas, (binary.text or "") if binary is not None else None


class Checker:
    def __init__(self, reader):
        self.reader = reader
        self.errors = []
        self.known = 0

    def same(self, rid, field, got, want):
        if got != want:
            self.errors.append("record %s: %s: read %r, wrote %r" % (rid, field, got, want))


def check_libevtx(events, path):
    import pyevtx
    c = Checker("libevtx")
    f = pyevtx.file()
    f.open(path)
    if f.is_corrupted():
        c.errors.append("libevtx says the file is corrupted")
    if f.number_of_records != len(events):
        c.errors.append("libevtx: %d records, wrote %d" % (f.number_of_records, len(events)))
    for i, want in enumerate(events[:f.number_of_records]):
        rec = f.get_record(i)
        rid = want["record_id"]
        c.same(rid, "record id", rec.identifier, rid)
        c.same(rid, "time (FILETIME/10)", rec.get_written_time_as_integer() // 10, want["time_us"])
        c.same(rid, "level", rec.event_level, want["level"])
        c.same(rid, "computer", rec.computer_name, want["computer"])
        c.same(rid, "user SID", rec.user_security_identifier, want["user_sid"])
        sysf = system_fields(parse_xml(rec.xml_string))
        for key in ("provider", "id", "qualifiers", "version", "task", "opcode", "keywords",
                    "process_id", "thread_id", "channel"):
            c.same(rid, key, sysf[key], want[key])
        c.same(rid, "provider GUID", (sysf["guid"] or "").lower() or None,
               want["guid"].lower() if want["guid"] else None)
        strings = [rec.get_string(k) for k in range(rec.number_of_strings)]
        wanted = [v for _, v in want["data"]]
        if want["binary"] is not None:
            # libevtx hands <Binary> out as one more string, in hex (or
            # None when empty).
            c.same(rid, "Binary as last string", (strings.pop() or "").upper() if strings else None,
                   want["binary"])
        if len(strings) != len(wanted):
            c.same(rid, "number of strings", len(strings), len(wanted))
        for k, (got, w) in enumerate(zip(strings, wanted)):
            if outside_bmp(w):
                c.known += 1
                continue
            c.same(rid, "string %d" % (k + 1), got or "", w)
        datas, binary = data_elements(parse_xml(rec.xml_string))
        c.same(rid, "Data names", [n for n, _ in datas], [n for n, _ in want["data"]])
        if want["binary"] is not None:
            c.same(rid, "Binary", (binary or "").upper(), want["binary"])
    f.close()
    return c


def check_python_evtx(events, path):
    import Evtx.Evtx as evtx
    c = Checker("python-evtx")
    n = 0
    with evtx.Evtx(path) as log:
        if log.get_file_header().is_dirty():
            c.errors.append("python-evtx: the header says dirty")
        for chunk in log.chunks():
            if not chunk.verify():
                c.errors.append("python-evtx: chunk CRC check fails")
        records = log.records()
        for want in events:
            rid = want["record_id"]
            try:
                rec = next(records)
            except StopIteration:
                break
            n += 1
            traps = not want["named"] and any(array_trap(v) for _, v in want["data"])
            try:
                root = parse_xml(rec.xml())
            except Exception as e:  # noqa: BLE001 - the known array bug raises
                if traps:
                    c.known += 1
                    continue
                c.errors.append("record %s: python-evtx cannot render it: %s" % (rid, e))
                continue
            sysf = system_fields(root)
            for key in ("record_id", "provider", "id", "qualifiers", "version", "level", "task",
                        "opcode", "keywords", "process_id", "thread_id", "channel", "computer",
                        "user_sid"):
                c.same(rid, key, sysf[key], want[key])
            c.same(rid, "provider GUID", (sysf["guid"] or "").lower() or None,
                   want["guid"].lower() if want["guid"] else None)
            # python-evtx converts FILETIME through a float (seconds since
            # 1601, about 2 us of precision today): allow 5 us. libevtx is
            # checked to the exact FILETIME.
            got_us = time_us(sysf["time_text"])
            if abs(got_us - want["time_us"]) > 5:
                c.same(rid, "time", sysf["time_text"], want["time_us"])
            datas, binary = data_elements(root)
            if want["named"]:
                c.same(rid, "named Data", datas, want["data"])
            elif traps:
                c.known += 1
            elif want["data"]:
                # Classic events: one string array, shown as <string> items.
                text = datas[0][1] if datas else ""
                items = re.findall(r"<string>(.*?)</string>", text, re.S)
                c.same(rid, "Data strings", items, [v for _, v in want["data"]])
            if want["binary"] is not None:
                import base64
                c.same(rid, "Binary", base64.b64decode(binary or "").hex().upper(), want["binary"])
        if n != len(events) or next(records, None) is not None:
            c.errors.append("python-evtx: record count differs from the %d written" % len(events))
    return c


def damage(reader, path):
    found = []
    if reader == "libevtx":
        # evtxinfo (libevtx-utils) is libevtx's own report of a file.
        import subprocess
        info = subprocess.run(["evtxinfo", path], capture_output=True, text=True).stdout
        if "Is corrupted" in info:
            found.append("corrupt")
        if "Is dirty" in info:
            found.append("dirty")
        m = re.search(r"Number of records\s*:\s*(\d+)", info)
        if not m or m.group(1) == "0":
            found.append("short")
    else:
        import Evtx.Evtx as evtx
        with evtx.Evtx(path) as log:
            h = log.get_file_header()
            if h.is_dirty():
                found.append("dirty")
            if not h.verify():
                found.append("corrupt")
            size = len(open(path, "rb").read())
            if size < 4096 + h.chunk_count() * 65536:
                found.append("truncated")
            try:
                for chunk in log.chunks():
                    if not chunk.verify():
                        found.append("corrupt")
            except Exception:  # noqa: BLE001 - a cut chunk cannot be read
                found.append("truncated")
    print(" ".join(sorted(set(found))) or "clean")


def count(reader, path):
    if reader == "libevtx":
        import pyevtx
        f = pyevtx.file()
        f.open(path)
        print(f.number_of_records)
    else:
        import Evtx.Evtx as evtx
        with evtx.Evtx(path) as log:
            print(sum(1 for _ in log.records()))


def main(argv):
    if len(argv) >= 4 and argv[1] == "check":
        reader, events_path, evtx_path = argv[2], argv[3], argv[4]
        events = expected_events(events_path)
        c = (check_libevtx if reader == "libevtx" else check_python_evtx)(events, evtx_path)
        for e in c.errors[:20]:
            print(e, file=sys.stderr)
        print("checked %d events, known: %d, mismatches: %d" % (len(events), c.known, len(c.errors)))
        return 1 if c.errors else 0
    if len(argv) == 4 and argv[1] == "damage":
        damage(argv[2], argv[3])
        return 0
    if len(argv) == 4 and argv[1] == "count":
        count(argv[2], argv[3])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
