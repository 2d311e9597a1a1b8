#!/usr/bin/python3
"""realbench.py: builds the benchmark's large event logs out of a real log's
chunks (tools/bench.sh, `make bench`), so that kbscan is measured on
records as Windows writes them (nested BinXml substitution values, real
templates and string tables), not only on evtxgen's.

    realbench.py SRC.evtx OUT.evtx --mib N [--seed-hr] [--stats FILE]

OUT is SRC's chunks holding records, in order, repeated until OUT holds
about N MiB (N may be a fraction: a slice). Every copy is a valid and
distinct chunk: record ids renumbered 1, 2, ... across the file (the
record header's id, and the EventRecordID substitution value moved by the
same amount), the chunk header's first/last record numbers and ids set to
its records', both chunk checksums and the file header (chunk count, last
chunk, next record id, clean flags, checksum) recomputed. The bytes of the
records are otherwise the real log's.

--seed-hr rewrites, in the records that carry VSS's CEventSystem or
CoCreateInstance error text, the hr 0x8007045b ("A system shutdown is in
progress", what the real Windows Server 2022 log holds) as 0x800401fb (the
seed case's), in place (same length, UTF-16LE), so that the shipped rule's
VSS checkpoint finds its events in real records; how many OUT holds is
printed (and written to --stats FILE), and none is an error.

Python 3, standard library, and tests/lib/evtxcraft.py (the parts of a log).
"""

import argparse
import os
import struct
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "lib"))
import evtxcraft as ec  # noqa: E402

OLD_HR = "0x8007045b".encode("utf-16-le")
SEED_HR = "0x800401fb".encode("utf-16-le")
SEED_MARKS = ("CEventSystem".encode("utf-16-le"), "CoCreateInstance".encode("utf-16-le"))


def record_id_value(chunk, record):
    """The chunk offset of the record's EventRecordID substitution value (a
    u64), or None when its template has none or the record does not parse."""
    inst = record.instance()
    if inst is None or not ec.RECORDS_START <= inst.def_offset <= ec.CHUNK_SIZE - 24:
        return None
    tmpl = ec.Template(chunk, inst.def_offset)
    index, inside = None, False
    for tok in tmpl.tokens or []:
        if tok.size_pos is not None:
            inside = tmpl.name_of(tok) == "EventRecordID"
        elif inside and tok.sub_index is not None:
            index = tok.sub_index
            break
    if index is None or index >= inst.count:
        return None
    pos = inst.values_pos
    for k, (_, size, vtype) in enumerate(inst.descriptors):
        if k == index:
            return pos if size == 8 and vtype == 0x0A and pos + 8 <= inst.end else None
        pos += size
    return None


class Source:
    """One source chunk, read once: its bytes and where each record's ids
    are, so that a copy is patched without parsing it again."""

    def __init__(self, chunk):
        self.data = bytes(chunk.data)
        self.records = []  # (offset of the header id, offset of the EventRecordID value or None, id)
        for r in chunk.records():
            self.records.append((r.offset + 8, record_id_value(chunk, r), r.id))


def seed_hr(chunk):
    """Rewrites the hr of VSS CEventSystem / CoCreateInstance errors in place;
    the number of records changed."""
    changed = 0
    for r in chunk.records():
        body = bytes(chunk.data[r.offset:r.offset + r.size])
        if OLD_HR in body and any(m in body for m in SEED_MARKS):
            chunk.data[r.offset:r.offset + r.size] = body.replace(OLD_HR, SEED_HR)
            changed += 1
    return changed


def copy_chunk(src, first_id):
    """A copy of src whose records are numbered from first_id, checksums
    recomputed; returns (bytes, number of records)."""
    c = bytearray(src.data)
    next_id = first_id
    for id_at, value_at, old_id in src.records:
        struct.pack_into("<Q", c, id_at, next_id)
        if value_at is not None:
            old_value = struct.unpack_from("<Q", c, value_at)[0]
            struct.pack_into("<Q", c, value_at, (old_value + next_id - old_id) & 0xFFFFFFFFFFFFFFFF)
        next_id += 1
    last_id = next_id - 1
    struct.pack_into("<QQQQ", c, 8, first_id, last_id, first_id, last_id)
    free = struct.unpack_from("<I", c, 48)[0]
    struct.pack_into("<I", c, 52, zlib.crc32(bytes(c[ec.RECORDS_START:free])) & 0xFFFFFFFF)
    struct.pack_into("<I", c, 124, zlib.crc32(bytes(c[128:512]), zlib.crc32(bytes(c[:120]))) & 0xFFFFFFFF)
    return bytes(c), len(src.records)


def build(src_path, out_path, mib, rewrite_hr, stats=None):
    f = ec.EvtxFile.read(src_path)
    used = [c for c in f.chunks if c.signed and c.records() and c.checksums_ok()]
    if not used:
        sys.exit("realbench: %s: no chunk with records and valid checksums" % src_path)
    per_chunk = [seed_hr(c) if rewrite_hr else 0 for c in used]
    if rewrite_hr and not sum(per_chunk):
        sys.exit("realbench: %s: no VSS CEventSystem/CoCreateInstance record with hr 0x8007045b" % src_path)
    sources = [Source(c) for c in used]
    nchunks = max(1, int(mib * 1048576 - ec.HEADER_SIZE) // ec.CHUNK_SIZE)
    if nchunks > 0xFFFF:
        sys.exit("realbench: %d chunks do not fit in an EVTX header (at most 65535)" % nchunks)
    next_id, rewritten = 1, 0
    tmp = out_path + ".tmp"
    with open(tmp, "wb") as out:
        out.write(bytes(ec.HEADER_SIZE))
        for k in range(nchunks):
            data, n = copy_chunk(sources[k % len(sources)], next_id)
            out.write(data)
            next_id += n
            rewritten += per_chunk[k % len(sources)]
        header = bytearray(f.header)
        struct.pack_into("<QQQ", header, 8, 0, nchunks - 1, next_id)
        struct.pack_into("<H", header, 42, nchunks)
        struct.pack_into("<I", header, 120, 0)
        struct.pack_into("<I", header, 124, zlib.crc32(bytes(header[:120])) & 0xFFFFFFFF)
        out.seek(0)
        out.write(header)
    os.replace(tmp, out_path)
    copies = nchunks / len(sources)
    print("realbench: %s: %d chunks (the %d chunks of %s, %.1f times), %d records%s"
          % (out_path, nchunks, len(sources), os.path.basename(src_path), copies, next_id - 1,
             ", %d VSS errors with the seed case's hr" % rewritten if rewrite_hr else ""))
    if stats:
        with open(stats, "w") as fp:
            fp.write("chunks=%d\nrecords=%d\nrewritten=%d\n" % (nchunks, next_id - 1, rewritten))


def main():
    p = argparse.ArgumentParser(description="A large valid event log out of a real log's chunks.")
    p.add_argument("src")
    p.add_argument("out")
    p.add_argument("--mib", type=float, required=True, help="size of OUT in MiB (about)")
    p.add_argument("--seed-hr", action="store_true",
                   help="VSS CEventSystem/CoCreateInstance errors' hr 0x8007045b made 0x800401fb")
    p.add_argument("--stats", help="write chunks=, records=, rewritten= (VSS errors in OUT) to this file")
    a = p.parse_args()
    build(a.src, a.out, a.mib, a.seed_hr, a.stats)


if __name__ == "__main__":
    main()
