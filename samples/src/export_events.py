#!/usr/bin/python3
"""export_events.py FORMAT IN.json OUT [--offset HOURS] [--culture C] [--message-file M]

Writes the events of an evtxgen JSON file (samples/README.md) the way
Windows and the collectors export them, for kbscan's sample bundles and
tests (nothing here is committed as a binary without this source):

  wevtutil-text    wevtutil qe <log> /f:text            (UTF-8; psSDP: the ANSI page)
  wevtutil-xml     wevtutil qe <log> /f:xml             (<Event> after <Event>, no root)
  eventviewer-xml  Event Viewer "Save as XML"           (UTF-16LE, <Events> root, rendered)
  csv-tss          Get-WinEvent | Select ... | Export-Csv -UseCulture (TSS; UTF-8 with BOM)
  csv-eventviewer  Event Viewer "Save as CSV"           (Level, Date and Time, Source, ...)
  csv-pssdp        psSDP GetEvents.VBS                  (Date, Time, Type/Level, ...)
  clixml           Get-EventLog | Export-Clixml          (VSSTester events-App.xml; UTF-16LE)
  evt              a legacy .evt log (Windows Server 2003)

Messages are rendered from tools/evtmsg/messages.tsv (the message texts
kbscan's report uses), inserting the event's strings, as Windows renders
them; an event without a known text gets Windows' "description cannot be
found" sentence. --offset is the server's zone (local times are UTC plus
it); --culture the language of dates, separators and level names
(en-US, de-DE, ja-JP)."""
import argparse
import base64
import datetime
import html
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

LEVELS = {
    "en-US": {1: "Critical", 2: "Error", 3: "Warning", 4: "Information", 5: "Verbose", 0: "Information"},
    "de-DE": {1: "Kritisch", 2: "Fehler", 3: "Warnung", 4: "Informationen", 5: "Ausführlich", 0: "Informationen"},
    "ja-JP": {1: "重大", 2: "エラー", 3: "警告", 4: "情報", 5: "詳細", 0: "情報"},
}
SEPARATOR = {"en-US": ",", "de-DE": ";", "ja-JP": ","}


def load_messages():
    files, texts = {}, {}
    for line in open(os.path.join(ROOT, "tools/evtmsg/providers.tsv"), encoding="utf-8"):
        if line.startswith("#"):
            continue
        cols = line.rstrip("\n").split("\t")
        if len(cols) >= 5 and cols[0] == "events":
            names = [cols[1]] + ([a for a in cols[5].split(",") if a != "-"] if len(cols) > 5 else [])
            for n in names:
                files[n.lower()] = [f.split(":")[0] for f in cols[4].split()]
    for line in open(os.path.join(ROOT, "tools/evtmsg/messages.tsv"), encoding="utf-8"):
        if line.startswith("#"):
            continue
        cols = line.rstrip("\n").split("\t")
        if len(cols) >= 5:
            key = (cols[0], int(cols[1], 16))
            texts.setdefault(key, cols[4])  # newest text first
    return files, texts


FILES, TEXTS = load_messages()


def unescape(text):
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append({"r": "\r", "n": "\n", "t": "\t", "\\": "\\"}.get(text[i + 1], text[i + 1]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def strings_of(ev):
    data = ev.get("data", [])
    return list(data.values()) if isinstance(data, dict) else list(data)


def render(ev):
    ids = [ev["id"], ev["id"] | (ev.get("qualifiers", 0) << 16)] + [ev["id"] | s for s in
                                                                     (0x40000000, 0x80000000, 0xC0000000)]
    for f in FILES.get(ev["provider"].lower(), []):
        for i in ids:
            t = TEXTS.get((f, i))
            if t is not None:
                text, strings = unescape(t), strings_of(ev)
                for n in range(len(strings), 0, -1):
                    text = text.replace("%%%d" % n, str(strings[n - 1]))
                return text.rstrip("\r\n")
    return ("The description for Event ID %d from source %s cannot be found. Either the component that raises "
            "this event is not installed on your local computer or the installation is corrupted. You can install "
            "or repair the component on the local computer." % (ev["id"], ev["provider"]))


def utc(ev):
    t = ev["time"].rstrip("Z")
    fmt = "%Y-%m-%dT%H:%M:%S.%f" if "." in t else "%Y-%m-%dT%H:%M:%S"
    return datetime.datetime.strptime(t[:26], fmt)


def local(ev, offset):
    return utc(ev) + datetime.timedelta(hours=offset)


def culture_time(t, culture):
    if culture == "de-DE":
        return t.strftime("%d.%m.%Y %H:%M:%S")
    if culture == "ja-JP":
        return "%d/%02d/%02d %d:%02d:%02d" % (t.year, t.month, t.day, t.hour, t.minute, t.second)
    h = t.hour % 12 or 12
    return "%d/%d/%d %d:%02d:%02d %s" % (t.month, t.day, t.year, h, t.minute, t.second, "PM" if t.hour >= 12 else "AM")


def records(doc):
    for n, ev in enumerate(doc["events"], 1):
        yield n, ev


def classic(ev):
    return "provider_guid" not in ev


# ---- text ---------------------------------------------------------------------------

def wevtutil_text(doc, a):
    out = []
    for n, ev in records(doc):
        t = local(ev, a.offset)
        out += ["Event[%d]:" % (n - 1),
                "  Log Name: %s" % doc["channel"],
                "  Source: %s" % ev["provider"],
                "  Date: %s.%03d" % (t.strftime("%Y-%m-%dT%H:%M:%S"), t.microsecond // 1000),
                "  Event ID: %d" % ev["id"],
                "  Task: N/A",
                "  Level: %s" % LEVELS["en-US"][ev.get("level", 4)],
                "  Opcode: %s" % ("N/A" if classic(ev) else "Info"),
                "  Keyword: %s" % ("Classic" if classic(ev) else "N/A"),
                "  User: %s" % ("N/A" if classic(ev) else "S-1-5-18"),
                "  User Name: %s" % ("N/A" if classic(ev) else "NT AUTHORITY\\SYSTEM"),
                "  Computer: %s" % doc["computer"],
                "  Description: "]
        out += render(ev).replace("\r\n", "\n").split("\n")
        out.append("")
    return ("\r\n".join(out) + "\r\n").encode(a.encoding or "utf-8")


# ---- CSV ----------------------------------------------------------------------------

def quote(s):
    return '"' + str(s).replace('"', '""') + '"'


def csv_tss(doc, a):
    sep = SEPARATOR[a.culture]
    rows = [sep.join(quote(c) for c in ("LevelDisplayName", "TimeCreated", "ProviderName", "Id", "UserId", "Message"))]
    for n, ev in records(doc):
        rows.append(sep.join(quote(c) for c in (LEVELS[a.culture][ev.get("level", 4)],
                                                culture_time(local(ev, a.offset), a.culture), ev["provider"],
                                                ev["id"], "" if classic(ev) else "S-1-5-18", render(ev))))
    return "\ufeff".encode("utf-8") + ("\r\n".join(rows) + "\r\n").encode("utf-8")


def csv_eventviewer(doc, a):
    rows = ["Level,Date and Time,Source,Event ID,Task Category"]
    for n, ev in records(doc):
        rows.append(",".join((LEVELS["en-US"][ev.get("level", 4)], culture_time(local(ev, a.offset), "en-US"),
                              ev["provider"], str(ev["id"]), "None", quote(render(ev)))))
    return ("\r\n".join(rows) + "\r\n").encode("utf-8")


def csv_pssdp(doc, a):
    rows = ["Date,Time,Type/Level,Computer Name,Event Code,Source,Task Category,Username,Sid,Description"]
    for n, ev in records(doc):
        t = local(ev, a.offset)
        rows.append(",".join((t.strftime("%m/%d/%Y"), t.strftime("%I:%M:%S %p"), LEVELS["en-US"][ev.get("level", 4)],
                              doc["computer"], str(ev["id"]), ev["provider"], "None", "N/A", "N/A",
                              quote(render(ev)))))
    return ("\r\n".join(rows) + "\r\n").encode("utf-8")


# ---- XML ----------------------------------------------------------------------------

def event_xml(doc, n, ev, rendered):
    e = html.escape
    prov = '<Provider Name="%s"%s/>' % (e(ev["provider"]), "" if classic(ev) else ' Guid="%s"' % ev["provider_guid"])
    q = ' Qualifiers="%d"' % ev.get("qualifiers", 0) if classic(ev) else ""
    t = utc(ev).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"
    data = ev.get("data", [])
    if isinstance(data, dict):
        items = "".join('<Data Name="%s">%s</Data>' % (e(k), e(str(v))) for k, v in data.items())
    else:
        items = "".join("<Data>%s</Data>" % e(str(v)) for v in data)
    if ev.get("binary"):
        items += "<Binary>%s</Binary>" % ev["binary"].upper()
    s = ('<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>%s<EventID%s>%d</EventID>'
         "<Version>0</Version><Level>%d</Level><Task>0</Task><Opcode>0</Opcode><Keywords>%s</Keywords>"
         '<TimeCreated SystemTime="%s"/><EventRecordID>%d</EventRecordID><Correlation/>'
         '<Execution ProcessID="0" ThreadID="0"/><Channel>%s</Channel><Computer>%s</Computer><Security/></System>'
         "<EventData>%s</EventData>" % (prov, q, ev["id"], ev.get("level", 4), ev.get("keywords", "0x80000000000000"),
                                       t, ev.get("record", n), e(doc["channel"]), e(doc["computer"]), items))
    if rendered:
        s += ('<RenderingInfo Culture="en-US"><Message>%s</Message><Level>%s</Level></RenderingInfo>'
              % (e(render(ev)), LEVELS["en-US"][ev.get("level", 4)]))
    return s + "</Event>"


def wevtutil_xml(doc, a):
    return ("\r\n".join(event_xml(doc, n, ev, False) for n, ev in records(doc)) + "\r\n").encode("utf-8")


def eventviewer_xml(doc, a):
    body = "".join(event_xml(doc, n, ev, True) for n, ev in records(doc))
    text = '<?xml version="1.0" encoding="utf-16"?>\r\n<Events>' + body + "</Events>"
    return b"\xff\xfe" + text.encode("utf-16-le")


def clixml_string(s):
    out = []
    for ch in str(s):
        out.append("_x%04X_" % ord(ch) if ord(ch) < 0x20 else html.escape(ch, quote=False))
    return "".join(out)


def clixml(doc, a):
    """Get-EventLog -LogName <log> | Export-Clixml: EventLogEntry objects."""
    parts = ['<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">']
    ref = 0
    entry_refs = {}
    for n, ev in records(doc):
        t = local(ev, a.offset)
        when = t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0" + ("%+03d:00" % a.offset)
        level = {2: "Error", 3: "Warning"}.get(ev.get("level", 4), "Information")
        strings = "".join("<S>%s</S>" % clixml_string(s) for s in strings_of(ev))
        obj = ref
        ref += 1
        parts.append('<Obj RefId="%d"><TN RefId="%d"><T>System.Diagnostics.EventLogEntry#%s/%s/%d</T>'
                     "<T>System.Diagnostics.EventLogEntry</T><T>System.Object</T></TN>"
                     "<ToString>System.Diagnostics.EventLogEntry</ToString><Props>" % (obj, obj, doc["channel"],
                                                                                          ev["provider"], ev["id"]))
        parts.append('<I32 N="EventID">%d</I32><S N="MachineName">%s</S>' % (ev["id"], html.escape(doc["computer"])))
        if ev.get("binary"):
            parts.append('<BA N="Data">%s</BA>' % base64.b64encode(bytes.fromhex(ev["binary"])).decode())
        else:
            parts.append('<BA N="Data"></BA>')
        parts.append('<I32 N="Index">%d</I32><S N="Category">(0)</S><I16 N="CategoryNumber">0</I16>' % ev.get("record", n))
        if level in entry_refs:
            parts.append('<Ref N="EntryType" RefId="%d" />' % entry_refs[level])
        else:
            entry_refs[level] = ref
            parts.append('<Obj N="EntryType" RefId="%d"><TN RefId="%d"><T>System.Diagnostics.EventLogEntryType</T>'
                         "<T>System.Enum</T><T>System.ValueType</T><T>System.Object</T></TN><ToString>%s</ToString>"
                         "<I32>%d</I32></Obj>" % (ref, ref, level, {"Error": 1, "Warning": 2}.get(level, 4)))
            ref += 1
        parts.append('<S N="Message">%s</S><S N="Source">%s</S>' % (clixml_string(render(ev)), html.escape(ev["provider"])))
        parts.append('<Obj N="ReplacementStrings" RefId="%d"><TN RefId="%d"><T>System.String[]</T><T>System.Array</T>'
                     "<T>System.Object</T></TN><LST>%s</LST></Obj>" % (ref, ref, strings))
        ref += 1
        parts.append('<I64 N="InstanceId">%d</I64><DT N="TimeGenerated">%s</DT><DT N="TimeWritten">%s</DT>'
                     '<Nil N="UserName" /><Nil N="Site" /><Nil N="Container" /></Props></Obj>'
                     % (ev["id"] | (ev.get("qualifiers", 0) << 16), when, when))
    parts.append("</Objs>")
    return b"\xff\xfe" + "\r\n".join(parts).encode("utf-16-le")


# ---- .evt ---------------------------------------------------------------------------

def u16z(s):
    return str(s).encode("utf-16-le") + b"\0\0"


def evt(doc, a):
    """The Windows NT event log format: a 0x30 header, records, the EOF record."""
    body = b""
    n = 0
    for n, ev in records(doc):
        t = int((utc(ev) - datetime.datetime(1970, 1, 1)).total_seconds())
        etype = {2: 1, 3: 2, 1: 1}.get(ev.get("level", 4), 4)
        tail = u16z(ev["provider"]) + u16z(doc["computer"])
        strings = b"".join(u16z(s) for s in strings_of(ev))
        data = bytes.fromhex(ev["binary"]) if ev.get("binary") else b""
        fixed = 56
        str_off = fixed + len(tail)
        data_off = str_off + len(strings)
        rec = tail + strings + data
        rec += b"\0" * ((4 - (fixed + len(rec)) % 4) % 4)
        length = fixed + len(rec) + 4
        event_id = ev["id"] | (ev.get("qualifiers", 0) << 16)
        head = struct.pack("<I4sIIIIHHHHIIIIII", length, b"LfLe", ev.get("record", n), t, t, event_id, etype,
                           len(strings_of(ev)), 0, 0, 0, str_off, 0, 0, len(data), data_off)
        body += head + rec + struct.pack("<I", length)
    start, end = 0x30, 0x30 + len(body)
    eof = struct.pack("<IIIIIIIIII", 0x28, 0x11111111, 0x22222222, 0x33333333, 0x44444444, start, end, n + 1, 1, 0x28)
    header = struct.pack("<I4sIIIIIIIIII", 0x30, b"LfLe", 1, 1, start, end, n + 1, 1, 0x80000, 0, 0x93a80, 0x30)
    return header + body + eof


FORMATS = {"wevtutil-text": wevtutil_text, "wevtutil-xml": wevtutil_xml, "eventviewer-xml": eventviewer_xml,
           "csv-tss": csv_tss, "csv-eventviewer": csv_eventviewer, "csv-pssdp": csv_pssdp, "clixml": clixml,
           "evt": evt}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("format", choices=sorted(FORMATS))
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--culture", default="en-US", choices=sorted(SEPARATOR))
    p.add_argument("--encoding", default=None, help="wevtutil-text: the code page (psSDP's /uni:false)")
    a = p.parse_args()
    doc = json.load(open(a.input, encoding="utf-8"))
    data = FORMATS[a.format](doc, a)
    os.makedirs(os.path.dirname(os.path.abspath(a.output)), exist_ok=True)
    with open(a.output, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    sys.exit(main())
