#!/usr/bin/python3
"""corpus_expect.py REPORT.json MANIFEST-ROW WALKED [EVTXEXPORT-IDS]: what
kbscan's JSON report of one real log (a rule wanting every event) must say,
given the file's row of the corpus MANIFEST.tsv (as one argument, its 16
fields split on single tabs), the records an independent walk of its chunks
finds (tests/lib/evtx_walk.py) and the EventRecordIDs `evtxexport -f xml`
prints (a file of one id per line; "-" when libevtx does not read the file
whole). Prints the problems, one line, and exits 1 when there is one.

Damage means lost or unreadable records. MANIFEST's column 8 (libevtx's
corrupted flag) says nothing of that, and column 7 (records pyevtx cannot
convert) is no longer damage: kbscan's own decoder reads those records.
What can make a log damaged is column 14's chunk damage (bad_magic,
bad_header_crc, bad_data_crc), a damaged file header (hdr_crc_bad), or a
file cut inside a chunk. A chunk whose checksums do not match is damage
unless the log says it keeps none. A log of a whole-machine folder is
never damaged without such damage."""
import json
import re
import sys

WHOLE_MACHINE = ("tugix456-randaodcxjj/", "fukusuket-evtx-parser/", "aaronthopliss-hello-world/", "dikimevi-dikimevi/")


def named_extra(notes):
    """Records the report names as read beyond libevtx's: the complete
    records of a chunk the file ends inside, records read as far as they go."""
    n = 0
    for note in notes:
        m = re.search(r"the (\d+) complete record\(s\) before the cut are read", note["message"])
        if m:
            n += int(m.group(1))
        if "read as far as it goes" in note["message"]:
            n += 1
    return n


def main():
    report, row, walked = sys.argv[1], sys.argv[2].split("\t"), int(sys.argv[3])
    ids_file = sys.argv[4] if len(sys.argv) > 4 else "-"
    path, size, records = row[0], int(row[2]), int(row[4])
    damage = row[13]
    inp = json.load(open(report))["inputs"][0]
    cov = json.load(open(report))["coverage"]["inputs"][0]
    c = inp["counts"]
    problems = []
    if inp["kind"] != "evtx":
        problems.append("kind %s" % inp["kind"])
    if inp["status"] == "error":
        problems.append("status error: %s" % inp["message"])
    chunk_damage = "bad_" in damage or "hdr_crc_bad" in damage
    cut = size > 4096 and (size - 4096) % 65536 != 0
    no_crc = any("keeps no checksums" in n["message"] for n in inp["notes"])
    if inp["status"] == "damaged" and not (chunk_damage or cut):
        problems.append("damaged (%s) where MANIFEST shows no damage" % inp["message"])
    if inp["status"] == "damaged" and path.startswith(WHOLE_MACHINE) and not chunk_damage:
        problems.append("a whole-machine folder's log called damaged: %s" % inp["message"])
    if ("bad_data_crc" in damage or "bad_header_crc" in damage) and not no_crc and inp["status"] != "damaged":
        problems.append("checksum damage (%s) not reported" % damage)
    if c["records"] + c["records_failed"] != walked:
        problems.append("read %d + failed %d, the chunks hold %d" % (c["records"], c["records_failed"], walked))
    extra = named_extra(inp["notes"])
    if c["records"] < records or c["records"] > records + extra:
        problems.append("%d records read, MANIFEST (libevtx) %d, %d more named" % (c["records"], records, extra))
    if c["records_recovered"] != 0:
        problems.append("recovered %d: kbscan reads no free space" % c["records_recovered"])
    if ids_file != "-" and c["records"] == records:
        ids = [int(x) for x in open(ids_file).read().split()]
        if ids and (cov["first_record"], cov["last_record"]) != (min(ids), max(ids)):
            problems.append("record ids %s..%s, evtxexport %d..%d" % (cov["first_record"], cov["last_record"],
                                                                      min(ids), max(ids)))
    print("; ".join(problems) if problems else "%d read, %d failed, %s" % (c["records"], c["records_failed"],
                                                                         inp["status"]))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
