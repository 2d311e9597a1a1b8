#!/usr/bin/python3
"""evtx_walk.py FILE...: an independent count of the records an EVTX file's
chunks hold, as kbscan's walk must find them (parsers/evtx/layout.c), for
the corpus and crate tests: every 64 KiB slot after the 4096-byte file
header whose first 8 bytes are the chunk signature (the last slot may be cut
by the end of the file), its record headers from offset 512 up to its free
space offset (up to its end when that offset is out of range, or up to the
bytes present), stopping at the first bytes that are no record signature; a
signature with a size no record can have counts, and ends the walk; a record
cut by the end of the file does not. A record id found a second time (in
another chunk, or out of order in the same one) is counted once.

Prints one line per file: path, records found (each id once), duplicates."""
import struct
import sys

HEADER, CHUNK, RECORDS, MIN = 4096, 65536, 512, 28


def walk(data):
    ids, seen, dups = [], set(), 0
    for start in range(HEADER, len(data), CHUNK):
        c = data[start:start + CHUNK]
        if len(c) < RECORDS or c[:8] != b"ElfChnk\0":
            continue
        free = struct.unpack_from("<I", c, 48)[0]
        cut = len(c) < CHUNK
        limit = free if RECORDS <= free <= CHUNK and free <= len(c) else len(c)
        off = RECORDS
        while limit - off >= MIN and c[off:off + 4] == b"**\0\0":
            size = struct.unpack_from("<I", c, off + 4)[0]
            fits = MIN <= size <= limit - off
            if not fits and cut and MIN <= size <= CHUNK - off:
                break  # cut by the end of the file: lost with it, not found
            rid = struct.unpack_from("<Q", c, off + 8)[0]
            if rid in seen:
                dups += 1
            else:
                seen.add(rid)
                ids.append(rid)
            if not fits:
                break
            off += size
    return len(ids), dups


def main():
    for path in sys.argv[1:]:
        with open(path, "rb") as fp:
            found, dups = walk(fp.read())
        print("%s\t%d\t%d" % (path, found, dups))


if __name__ == "__main__":
    main()
