"""evtxcraft.py: reads a real .evtx into its parts, lets a test damage them
on purpose, and writes the file back with every checksum recomputed (or
deliberately not), for kbscan's crafted-log and mutation tests
(tests/e2e/crafted.sh, tests/e2e/mutants.sh).
Python 3, standard library only.

Layout (libyal's "Windows XML Event Log (EVTX)" notes):

- file header, 4096 bytes: "ElfFile\\0", first and last chunk number (u64
  at 8, 16), next record id (u64 at 24), header size 128 (u32 at 32), minor
  and major version (u16 at 36, 38), header block size (u16 at 40), chunk
  count (u16 at 42), flags (u32 at 120: 1 dirty, 2 full), CRC32 of bytes
  0..120 (u32 at 124);
- chunks of 65536 bytes: "ElfChnk\\0", first and last record number (u64 at
  8, 16), first and last record id (24, 32), header size (u32 at 40), last
  record's offset (44), free-space offset (48), CRC32 of the records
  512..free-space offset (52), CRC32 of bytes 0..120 and 128..512 (124); the
  common string table (64 u32 at 128) and the template table (32 u32 at
  384), each entry the chunk offset of the first of a chain;
- records from offset 512: "**\\0\\0", size (u32), id (u64), written time
  (FILETIME, u64), binary XML, size again (u32, last 4 bytes);
- a record's binary XML: fragment header (0f 01 01 00), template instance
  (0c, 1 byte, template id u32, definition offset u32), the definition
  itself when that offset points right after (next definition u32, GUID,
  data size u32, data), then the substitution values: count (u32), one
  descriptor per value (size u16, type u8, 0), the values.

Each operation below edits an EvtxFile in place and returns an Effect: what
a correct reader must report about the result (kbscan's definition of
damage, issues 13, 14 and 19): records lost or unreadable, records present
twice (counted once), ids out of order or outside their chunk header's
range make the log "damaged", naming the chunk and the ids; a dirty or
lagging header, or a zeroed chunk skipped, is a note on an "ok" log whose
every record is read.

    f = EvtxFile.read("Application.evtx")
    effect = copy_chunk(f, 0, 2)
    f.write("crafted.evtx")          # checksums recomputed

Run as a script, `evtxcraft.py info FILE` prints what it reads in FILE.
"""

import struct
import sys
import zlib

HEADER_SIZE = 4096
CHUNK_SIZE = 65536
RECORDS_START = 512
RECORD_MAGIC = b"**\x00\x00"
FILE_MAGIC = b"ElfFile\x00"
CHUNK_MAGIC = b"ElfChnk\x00"
FLAG_DIRTY, FLAG_FULL = 1, 2

# A value that wraps a 32-bit offset when something is added to it.
NEAR_4G = 0xFFFFFFF0


def u16(b, o):
    return struct.unpack_from("<H", b, o)[0]


def u32(b, o):
    return struct.unpack_from("<I", b, o)[0]


def u64(b, o):
    return struct.unpack_from("<Q", b, o)[0]


def put16(b, o, v):
    struct.pack_into("<H", b, o, v & 0xFFFF)


def put32(b, o, v):
    struct.pack_into("<I", b, o, v & 0xFFFFFFFF)


def put64(b, o, v):
    struct.pack_into("<Q", b, o, v & 0xFFFFFFFFFFFFFFFF)


def crc32(data):
    return zlib.crc32(bytes(data)) & 0xFFFFFFFF


class Field:
    """A little-endian integer at a fixed offset of a bytearray attribute."""

    def __init__(self, offset, width, buf="data"):
        self.offset, self.width, self.buf = offset, width, buf

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return {2: u16, 4: u32, 8: u64}[self.width](getattr(obj, self.buf), self.offset)

    def __set__(self, obj, value):
        {2: put16, 4: put32, 8: put64}[self.width](getattr(obj, self.buf), self.offset, value)


# ---- binary XML: enough of it to find every offset and size a template holds


class Token:
    """One binary XML token of a template definition; *_pos are chunk offsets
    of its fields (None when the token has no such field)."""

    def __init__(self, kind, pos):
        self.kind, self.pos = kind, pos
        self.name_pos = None       # u32: chunk offset of the name structure
        self.size_pos = None       # u32: element data size
        self.attr_size_pos = None  # u32: attribute list size
        self.sub_index = None      # substitution: value index
        self.sub_type = None       # substitution: value type


class BinXmlError(ValueError):
    pass


def _skip_inline_name(c, name_off, after, end):
    """The position after a name structure written inline at `after`."""
    if name_off != after:
        return after
    if after + 8 > end:
        raise BinXmlError("inline name past the end at %d" % after)
    nchars = u16(c, after + 6)
    return after + 8 + 2 * nchars + 2


def _utf16_string(c, pos, end):
    if pos + 2 > end:
        raise BinXmlError("string past the end at %d" % pos)
    return pos + 2 + 2 * u16(c, pos)


def walk_binxml(c, pos, end):
    """The tokens of the binary XML at c[pos:end] up to its end-of-stream
    token; raises BinXmlError on anything else than a well-formed stream."""
    tokens = []
    while pos < end:
        t = c[pos]
        base = t & 0xBF
        tok = Token(t, pos)
        tokens.append(tok)
        if t == 0x00:
            return tokens
        if t == 0x0F:
            pos += 4
        elif base == 0x01:
            if pos + 11 > end:
                raise BinXmlError("element past the end at %d" % pos)
            tok.size_pos, tok.name_pos = pos + 3, pos + 7
            pos = _skip_inline_name(c, u32(c, pos + 7), pos + 11, end)
            if t & 0x40:
                tok.attr_size_pos = pos
                pos += 4
        elif t in (0x02, 0x03, 0x04):
            pos += 1
        elif base == 0x05:
            if pos + 2 > end or c[pos + 1] != 0x01:
                raise BinXmlError("value of type %d at %d" % (c[pos + 1] if pos + 1 < end else -1, pos))
            pos = _utf16_string(c, pos + 2, end)
        elif base == 0x06 or base == 0x09 or t == 0x0A:
            if pos + 5 > end:
                raise BinXmlError("name past the end at %d" % pos)
            tok.name_pos = pos + 1
            pos = _skip_inline_name(c, u32(c, pos + 1), pos + 5, end)
        elif base == 0x07 or t == 0x0B:
            pos = _utf16_string(c, pos + 1, end)
        elif base == 0x08:
            pos += 3
        elif t in (0x0D, 0x0E):
            if pos + 4 > end:
                raise BinXmlError("substitution past the end at %d" % pos)
            tok.sub_index, tok.sub_type = u16(c, pos + 1), c[pos + 3]
            pos += 4
        else:
            raise BinXmlError("token 0x%02x at %d" % (t, pos))
    raise BinXmlError("no end of stream before %d" % end)


# ---- the parts of a chunk


class Name:
    """A name structure of the chunk's string table (next u32, hash u16,
    character count u16, UTF-16LE characters, NUL)."""

    def __init__(self, chunk, offset):
        self.chunk, self.offset = chunk, offset
        c = chunk.data
        self.next, self.hash, self.nchars = u32(c, offset), u16(c, offset + 4), u16(c, offset + 6)
        raw = bytes(c[offset + 8:offset + 8 + 2 * self.nchars])
        self.text = raw.decode("utf-16-le", "replace")


class Template:
    """A template definition at a chunk offset: next definition (u32),
    GUID (16 bytes), data size (u32), then the binary XML."""

    def __init__(self, chunk, offset):
        self.chunk, self.offset = chunk, offset
        c = chunk.data
        self.next = u32(c, offset)
        self.guid = bytes(c[offset + 4:offset + 20])
        self.data_size = u32(c, offset + 20)
        self.data_offset = offset + 24
        self.end = min(self.data_offset + self.data_size, CHUNK_SIZE)
        try:
            self.tokens = walk_binxml(c, self.data_offset, self.end)
        except BinXmlError:
            self.tokens = None

    def name_of(self, tok):
        """The text of the name a token refers to ("" when out of the chunk)."""
        off = u32(self.chunk.data, tok.name_pos)
        return Name(self.chunk, off).text if RECORDS_START <= off <= CHUNK_SIZE - 8 else ""

    @property
    def elements(self):
        return [t for t in self.tokens or [] if t.size_pos is not None]

    @property
    def named(self):
        """Tokens that name something by offset (elements, attributes, ...)."""
        return [t for t in self.tokens or [] if t.name_pos is not None]

    @property
    def substitutions(self):
        return [t for t in self.tokens or [] if t.sub_index is not None]


class Instance:
    """A record's template instance and substitution values (None when the
    record's binary XML does not start with one)."""

    def __init__(self, record):
        c, body = record.chunk.data, record.offset + 24
        end = record.offset + record.size - 4
        if end - body < 18 or bytes(c[body:body + 5]) != b"\x0f\x01\x01\x00\x0c":
            raise BinXmlError("no template instance")
        self.def_offset_pos = body + 10
        self.def_offset = u32(c, body + 10)
        after = body + 14
        self.inline = self.def_offset == after
        if self.inline:
            if after + 24 > end:
                raise BinXmlError("inline definition past the record")
            after += 24 + u32(c, after + 20)
        self.count_pos = after
        if after + 4 > end:
            raise BinXmlError("no value count")
        self.count = u32(c, after)
        if after + 4 + 4 * self.count > end:
            raise BinXmlError("descriptors past the record")
        self.descriptors = []  # (chunk offset of the descriptor, size, type)
        for k in range(self.count):
            d = after + 4 + 4 * k
            self.descriptors.append((d, u16(c, d), c[d + 2]))
        self.values_pos = after + 4 + 4 * self.count
        self.end = end


class Record:
    """An event record found by the walk: chunk offset, size, id, time."""

    def __init__(self, chunk, offset):
        self.chunk, self.offset = chunk, offset
        c = chunk.data
        self.size = u32(c, offset + 4)
        self.id = u64(c, offset + 8)
        self.time = u64(c, offset + 16)

    def set_id(self, value):
        put64(self.chunk.data, self.offset + 8, value)
        self.id = value

    def instance(self):
        try:
            return Instance(self)
        except BinXmlError:
            return None


class Chunk:
    """One 65536-byte chunk; `data` holds its bytes and is what is written.
    `fix_crc` False keeps its checksums as they are when written."""

    first_number = Field(8, 8)
    last_number = Field(16, 8)
    first_id = Field(24, 8)
    last_id = Field(32, 8)
    header_size = Field(40, 4)
    last_record_offset = Field(44, 4)
    free_offset = Field(48, 4)
    records_crc = Field(52, 4)
    header_crc = Field(124, 4)

    def __init__(self, data):
        assert len(data) == CHUNK_SIZE
        self.data = bytearray(data)
        self.fix_crc = True

    def copy(self):
        other = Chunk(self.data)
        other.fix_crc = self.fix_crc
        return other

    @property
    def signed(self):
        return bytes(self.data[:8]) == CHUNK_MAGIC

    @property
    def zeroed(self):
        return not any(self.data)

    def records(self):
        """The walk kbscan's layout makes: from 512 while a record signature
        and a size that fits before the free-space offset follow."""
        out = []
        if not self.signed:
            return out
        free = self.free_offset
        if free > CHUNK_SIZE or free < RECORDS_START:
            free = CHUNK_SIZE
        off = RECORDS_START
        while off + 28 <= free:
            size = u32(self.data, off + 4)
            if bytes(self.data[off:off + 4]) != RECORD_MAGIC or size < 28 or off + size > free:
                break
            out.append(Record(self, off))
            off += size
        return out

    def walk_end(self):
        recs = self.records()
        return recs[-1].offset + recs[-1].size if recs else RECORDS_START

    def ids(self):
        return [r.id for r in self.records()]

    def template_offsets(self):
        """Definitions named by the template table (with their chains) or by
        a record's instance, in chunk order."""
        seen = set()
        for k in range(32):
            off, hops = u32(self.data, 384 + 4 * k), 0
            while RECORDS_START <= off <= CHUNK_SIZE - 24 and off not in seen and hops < 64:
                seen.add(off)
                off, hops = u32(self.data, off), hops + 1
        for r in self.records():
            inst = r.instance()
            if inst and RECORDS_START <= inst.def_offset <= CHUNK_SIZE - 24:
                seen.add(inst.def_offset)
        return sorted(seen)

    def templates(self, unparsed=False):
        """The definitions whose binary XML walks to its end (and, with
        unparsed, the others: stale table entries, damaged definitions)."""
        out = [Template(self, off) for off in self.template_offsets()]
        return out if unparsed else [t for t in out if t.tokens is not None]

    def names(self):
        """The string table's names (common string offsets and chains)."""
        out, seen = [], set()
        for k in range(64):
            off, hops = u32(self.data, 128 + 4 * k), 0
            while RECORDS_START <= off <= CHUNK_SIZE - 8 and off not in seen and hops < 256:
                seen.add(off)
                name = Name(self, off)
                out.append(name)
                off, hops = name.next, hops + 1
        return out

    def sync(self):
        """The header's record numbers, ids, last record and free-space
        offsets made to agree with the records the walk finds."""
        recs = self.records()
        if recs:
            self.first_number = self.first_id = recs[0].id
            self.last_number = self.last_id = recs[-1].id
            self.last_record_offset = recs[-1].offset
            self.free_offset = recs[-1].offset + recs[-1].size

    def fix_checksums(self):
        if not self.signed:
            return
        free = self.free_offset
        if RECORDS_START <= free <= CHUNK_SIZE:
            self.records_crc = crc32(self.data[RECORDS_START:free])
        self.header_crc = zlib.crc32(bytes(self.data[128:512]), zlib.crc32(bytes(self.data[:120]))) & 0xFFFFFFFF

    def checksums_ok(self):
        free = self.free_offset
        head = zlib.crc32(bytes(self.data[128:512]), zlib.crc32(bytes(self.data[:120]))) & 0xFFFFFFFF
        return (self.signed and head == self.header_crc and RECORDS_START <= free <= CHUNK_SIZE
                and crc32(self.data[RECORDS_START:free]) == self.records_crc)


class EvtxFile:
    """A whole log: the 4096-byte header, the chunks in file order and the
    bytes after the last whole chunk (`tail`). `fix_header_crc` False keeps
    the header checksum as it is when written."""

    first_chunk = Field(8, 8, "header")
    last_chunk = Field(16, 8, "header")
    next_record_id = Field(24, 8, "header")
    header_size = Field(32, 4, "header")
    minor = Field(36, 2, "header")
    major = Field(38, 2, "header")
    block_size = Field(40, 2, "header")
    chunk_count = Field(42, 2, "header")
    flags = Field(120, 4, "header")
    header_crc = Field(124, 4, "header")

    def __init__(self, data):
        data = bytes(data)
        if len(data) < HEADER_SIZE:
            raise ValueError("not an EVTX file: %d bytes" % len(data))
        self.header = bytearray(data[:HEADER_SIZE])
        n = (len(data) - HEADER_SIZE) // CHUNK_SIZE
        self.chunks = [Chunk(data[HEADER_SIZE + i * CHUNK_SIZE:HEADER_SIZE + (i + 1) * CHUNK_SIZE])
                       for i in range(n)]
        self.tail = data[HEADER_SIZE + n * CHUNK_SIZE:]
        self.fix_header_crc = True

    @classmethod
    def read(cls, path):
        with open(path, "rb") as fp:
            return cls(fp.read())

    def copy(self):
        other = EvtxFile(self.to_bytes(fix=False))
        other.fix_header_crc = self.fix_header_crc
        for mine, theirs in zip(self.chunks, other.chunks):
            theirs.fix_crc = mine.fix_crc
        return other

    def records(self):
        """(chunk position, record) for every record the walk finds."""
        return [(i, r) for i, c in enumerate(self.chunks) for r in c.records()]

    def ids(self):
        return [r.id for _, r in self.records()]

    def used_chunks(self):
        """Positions of the chunks that hold records."""
        return [i for i, c in enumerate(self.chunks) if c.records()]

    def sync_header(self):
        """Chunk numbers and count, next record id as a cleanly closed log's."""
        used = [i for i, c in enumerate(self.chunks) if c.signed]
        last = used[-1] if used else 0
        self.first_chunk, self.last_chunk = 0, last
        self.chunk_count = last + 1 if used else 0
        ids = self.ids()
        self.next_record_id = max(ids) + 1 if ids else 1

    def keep_chunks(self, n):
        """Only the first n chunks, the header made to agree (a smaller log
        of the same kind, for quicker tests)."""
        self.chunks = self.chunks[:n]
        self.tail = b""
        self.sync_header()

    def fix_checksums(self):
        for c in self.chunks:
            if c.fix_crc:
                c.fix_checksums()
        if self.fix_header_crc:
            self.header_crc = crc32(self.header[:120])

    def to_bytes(self, fix=True):
        if fix:
            self.fix_checksums()
        return bytes(self.header) + b"".join(bytes(c.data) for c in self.chunks) + bytes(self.tail)

    def write(self, path, fix=True, truncate=None):
        data = self.to_bytes(fix)
        with open(path, "wb") as fp:
            fp.write(data if truncate is None else data[:truncate])


# ---- what a correct reader must report


class Effect:
    """What an edit did, as a correct reader must report it.

    verdict: "damaged", "ok" (with a note when `note`), or "unknown" (no
    claim on the status: whether the edit stops a record from decoding is
    up to the decoder; only no crash, no hang, no record counted twice).
    lost, unreadable, duplicated, disordered: record ids; a damaged report
    names its chunk (`chunks`, file positions) and these ids. unseen: ids
    gone without a trace a reader could show (a zeroed or dropped chunk).
    expect: the distinct ids a correct reader must read; most: how many
    distinct records it can read at most (findable_records: the expected
    ones and those still in the file's bytes, e.g. past a cut walk). Each
    record counted once, a report's event count is between len(expect) and
    most."""

    def __init__(self, what, verdict, expect, most=0, lost=(), unreadable=(), duplicated=(),
                 disordered=(), chunks=(), unseen=(), note=False, named=None):
        self.what, self.verdict, self.note = what, verdict, note
        self._named = None if named is None else set(named)
        self.expect = set(expect)
        self.most = max(len(self.expect), most)
        self.lost, self.unreadable = set(lost), set(unreadable)
        self.duplicated, self.disordered = set(duplicated), set(disordered)
        self.chunks, self.unseen = sorted(set(chunks)), set(unseen)

    @property
    def named_ids(self):
        """The ids a damaged report must name: those a reader can see (a
        cut file's lost ids past the cut are not)."""
        if self._named is not None:
            return self._named
        return self.lost | self.unreadable | self.duplicated | self.disordered

    def to_json(self):
        return {"what": self.what, "verdict": self.verdict, "note": self.note,
                "expect": len(self.expect), "most": self.most, "lost": sorted(self.lost),
                "unreadable": sorted(self.unreadable), "duplicated": sorted(self.duplicated),
                "disordered": sorted(self.disordered), "chunks": self.chunks,
                "unseen": sorted(self.unseen)}


def findable_records(f):
    """Every record whose bytes are still anywhere in the chunks or the
    partial chunk after them, walked or not, as (id, CRC of its bytes): a
    "**" signature, a size that fits and its copy at the record's end. What
    a reader recovering records could find: at most this many distinct
    records can be read (a record present twice is one record; two records
    that merely share an id are two)."""
    found = set()
    for d in [c.data for c in f.chunks] + [bytes(f.tail)]:
        off = 0
        while True:
            off = d.find(RECORD_MAGIC, off, len(d) - 24)
            if off < 0:
                break
            size = u32(d, off + 4)
            if 28 <= size <= len(d) - off and u32(d, off + size - 4) == size:
                found.add((u64(d, off + 8), crc32(d[off:off + size])))
            off += 4
    return found


def accounting(f):
    """Which ids are present twice, and which are out of order or outside
    their chunk header's first/last record numbers, in f as it is now:
    (duplicated, disordered, chunks involved)."""
    where = {}
    duplicated, disordered, chunks = set(), set(), set()
    for i, c in enumerate(f.chunks):
        prev = None
        lo, hi = c.first_number, c.last_number
        for r in c.records():
            if r.id in where:
                duplicated.add(r.id)
                chunks.update({i, where[r.id]})
            where.setdefault(r.id, i)
            if (prev is not None and r.id <= prev) or not lo <= r.id <= hi:
                disordered.add(r.id)
                chunks.add(i)
            prev = r.id
    return duplicated, disordered - duplicated, chunks


def _checked(f, what, lost=(), unreadable=(), doubtful=(), chunks=(), verdict=None):
    """The Effect of an edit whose lost and unreadable records are known
    (doubtful ones may or may not decode); the accounting of f as it is
    now decides the rest (duplicates, disorder) and the verdict, unless
    given."""
    dup, dis, where = accounting(f)
    present = set(f.ids())
    lost = set(lost) - present
    unreadable = set(unreadable) & present
    damaged = bool(lost or unreadable or dup or dis)
    verdict = verdict or ("damaged" if damaged else "ok")
    return Effect(what, verdict, present - unreadable - set(doubtful), most=len(findable_records(f)),
                  lost=lost, unreadable=unreadable, duplicated=dup, disordered=dis,
                  chunks=set(chunks) | where)


# ---- operations


def copy_chunk(f, src, dst):
    """Chunk `src` copied over chunk `dst` (both keep valid checksums): dst's
    records are lost and src's present twice. A correct reader: damaged,
    naming chunk dst and its lost ids, and src's ids as duplicated; each
    duplicated record counted once."""
    lost = set(f.chunks[dst].ids())
    f.chunks[dst] = f.chunks[src].copy()
    return _checked(f, "chunk %d copied over chunk %d" % (src, dst), lost=lost, chunks={src, dst})


def duplicate_chunk(f, i, at=None):
    """A copy of chunk i inserted at position `at` (default: right after
    it), the header's chunk count and last chunk number following. A
    correct reader: damaged, naming both chunks and the duplicated ids,
    each record counted once."""
    at = i + 1 if at is None else at
    f.chunks.insert(at, f.chunks[i].copy())
    f.chunk_count = f.chunk_count + 1
    f.last_chunk = f.last_chunk + 1
    orig = i if at > i else i + 1
    return _checked(f, "chunk %d present twice (copy at %d)" % (i, at), chunks={orig, at})


def drop_chunk(f, i, sync_header=True):
    """Chunk i removed, the chunks after it moved up (and, by default, the
    header made to agree). The ids it held leave a gap no structure of the
    file contradicts: a correct reader reads every other record, and the
    gap shows in the coverage, not as damage ("ok"; ids in `unseen`)."""
    gone = set(f.chunks[i].ids())
    del f.chunks[i]
    if sync_header:
        f.sync_header()
    return Effect("chunk %d dropped" % i, "ok", set(f.ids()), most=len(findable_records(f)), unseen=gone)


def zero_chunk(f, i, counted=True):
    """Chunk i overwritten with zeros. When the (intact) file header counts
    it among its chunks, what it held is lost: a correct reader says
    damaged, naming the chunk. When the header does not (counted=False:
    its chunk count set to i, as a log copied while open leaves it, or an
    unused chunk past a shadow copy's end), it is a chunk not yet written:
    "ok" with a note (issue 19), every other record read."""
    gone = set(f.chunks[i].ids())
    f.chunks[i].data[:] = bytes(CHUNK_SIZE)
    if counted:
        return Effect("chunk %d zeroed" % i, "damaged", set(f.ids()), most=len(findable_records(f)),
                      unseen=gone, chunks={i}, named=())
    f.chunk_count = i
    return Effect("chunk %d zeroed, the header counting %d chunks" % (i, i), "ok", set(f.ids()),
                  most=len(findable_records(f)), unseen=gone, note=True)


def swap_ids(f, chunk, a, b):
    """Records a and b (indices in the chunk) exchange their ids. A correct
    reader: damaged, ids out of order in that chunk, named."""
    recs = f.chunks[chunk].records()
    ia, ib = recs[a].id, recs[b].id
    recs[a].set_id(ib)
    recs[b].set_id(ia)
    return _checked(f, "chunk %d: ids of records %d and %d swapped (%d, %d)" % (chunk, a, b, ia, ib),
                    chunks={chunk})


def renumber(f, chunk, start, count, first_id, sync=False):
    """Records start..start+count-1 of the chunk get ids first_id,
    first_id+1, ...; with sync the chunk header and the file header follow
    (a consistent renumbering). A correct reader: damaged for ids twice in
    the file, out of order or outside the chunk header's range (named);
    "ok" for a consistent renumbering."""
    recs = f.chunks[chunk].records()[start:start + count]
    for k, r in enumerate(recs):
        r.set_id(first_id + k)
    if sync:
        f.chunks[chunk].sync()
        f.sync_header()
    return _checked(f, "chunk %d: %d record(s) from %d renumbered from %d%s"
                    % (chunk, len(recs), start, first_id, " (headers synced)" if sync else ""),
                    chunks={chunk})


def cut_walk(f, chunk, index, how="signature"):
    """The record walk of the chunk stops at record `index`, before the
    chunk's free-space offset, with valid checksums: how="signature"
    breaks that record's "**" signature; how="size" makes its size field
    point inside itself (the next record's signature is not found there);
    how="free" moves the free-space offset into the middle of that record.
    That record (unreadable when cut by its size) and the chunk's later
    ones are lost: a correct reader says
    damaged, naming the chunk and their ids."""
    c = f.chunks[chunk]
    recs = c.records()
    r = recs[index]
    lost = {x.id for x in recs[index:]}
    if how == "signature":
        c.data[r.offset:r.offset + 2] = b"*+"
    elif how == "size":
        put32(c.data, r.offset + 4, r.size - 8)
    elif how == "free":
        c.free_offset = r.offset + r.size // 2
    else:
        raise ValueError(how)
    # A size that cuts the record's own end leaves it unreadable too (its
    # size copy is not where the size says).
    return _checked(f, "chunk %d: walk cut at record %d (id %d) by its %s" % (chunk, index, r.id, how),
                    lost=lost, unreadable={r.id} if how == "size" else (), chunks={chunk})


def set_free_offset(f, chunk, value=CHUNK_SIZE + 8):
    """The chunk's free-space offset set outside the chunk (or anywhere):
    its records checksum cannot cover a range outside the chunk (it is
    left as it was), so the chunk is damaged, named; its records may be
    read or not, every other chunk's are read."""
    c = f.chunks[chunk]
    c.free_offset = value
    return _checked(f, "chunk %d: free-space offset %d" % (chunk, value), doubtful=set(c.ids()), chunks={chunk},
                    verdict="damaged")


def set_template_offset(f, chunk, index, value=NEAR_4G):
    """Record `index` of the chunk points its template instance at `value`
    (near 0xFFFFFFFF by default: 32-bit arithmetic on it wraps). That record
    is unreadable: a correct reader says damaged, naming the chunk and the
    record id; never a crash."""
    r = f.chunks[chunk].records()[index]
    inst = r.instance()
    if inst is None:
        raise ValueError("record %d of chunk %d has no template instance" % (index, chunk))
    put32(f.chunks[chunk].data, inst.def_offset_pos, value)
    return _checked(f, "chunk %d record %d (id %d): template offset 0x%08x" % (chunk, index, r.id, value),
                    unreadable={r.id}, chunks={chunk})


def _records_using(c, def_offset):
    """The records of chunk c whose template instance points at def_offset.
    Records also use templates from values of binary XML (nested template
    instances) that this does not look into: a template edit makes every
    record of its chunk doubtful."""
    out = []
    for r in c.records():
        inst = r.instance()
        if inst is not None and inst.def_offset == def_offset:
            out.append(r)
    return out


def set_name_offset(f, chunk, template=0, token=0, value=NEAR_4G):
    """Name offset of the token-th named token (element, attribute, ...) of
    the chunk's template-th definition set to `value` (outside the chunk by
    default). Every record using that template is unreadable: a correct
    reader says damaged, naming them; never a crash."""
    c = f.chunks[chunk]
    t = c.templates()[template]
    tok = t.named[token]
    put32(c.data, tok.name_pos, value)
    users = {r.id for r in _records_using(c, t.offset)}
    return _checked(f, "chunk %d template at %d: name offset of token at %d set to 0x%08x"
                    % (chunk, t.offset, tok.pos, value), unreadable=users, doubtful=set(c.ids()), chunks={chunk},
                    verdict=None if users else "unknown")


def set_template_size(f, chunk, template=0, field="attr", element=0, value=NEAR_4G):
    """A size inside a template definition set to a hostile value: field
    "data" (the definition's data size: the record that holds the
    definition inline has its values there, and is unreadable: damaged,
    named), "element" (an element's data size) or "attr" (an element's
    attribute list size): sizes a decoder may check or skip, so the
    records using the template may fail, named, or read ("unknown"); never
    a crash."""
    c = f.chunks[chunk]
    t = c.templates()[template]
    users = _records_using(c, t.offset)
    if field == "data":
        pos = t.offset + 20
    else:
        elems = [e for e in t.elements if field != "attr" or e.attr_size_pos is not None]
        e = elems[element]
        pos = e.attr_size_pos if field == "attr" else e.size_pos
    holder = {r.id for r in users if field == "data" and r.instance().inline}
    put32(c.data, pos, value)
    return _checked(f, "chunk %d template at %d: %s size at %d set to 0x%08x" % (chunk, t.offset, field, pos, value),
                    unreadable=holder, doubtful=set(c.ids()), chunks={chunk},
                    verdict=None if holder else "unknown")


def wrap_attr_size(f, chunk, name="EventID", target=0xFFFFFFFB):
    """The attribute list size of the first element called `name` that has
    attributes (classic logs' <EventID Qualifiers=...>) set so that the
    position after the list, computed in 32 bits, wraps to `target` (just
    below 4 GiB, where "position + a few bytes" wraps again to a small
    number). A decoder may skip that size: the records using the template
    fail, named, or read ("unknown"); never a crash."""
    c = f.chunks[chunk]
    for t in c.templates():
        for e in t.elements:
            if e.attr_size_pos is not None and t.name_of(e) == name:
                value = (target - e.attr_size_pos - 4) & 0xFFFFFFFF
                put32(c.data, e.attr_size_pos, value)
                return _checked(f, "chunk %d template at %d: <%s> attribute list size 0x%08x (ends at 0x%08x)"
                                % (chunk, t.offset, name, value, target), doubtful=set(c.ids()), chunks={chunk},
                                verdict="unknown")
    raise ValueError("no <%s> element with attributes in chunk %d" % (name, chunk))


def set_substitutions(f, chunk, index, count=None, value=None, size=None, vtype=None):
    """Record `index`'s substitution array made hostile: its value count set
    to `count`, or value number `value` given descriptor `size` and/or type
    `vtype`. When the descriptors or values no longer fit in the record, it
    is unreadable (damaged, named); an unknown value type may be shown as
    undecoded or fail ("unknown"); never a crash."""
    c = f.chunks[chunk]
    r = c.records()[index]
    inst = r.instance()
    if inst is None:
        raise ValueError("record %d of chunk %d has no template instance" % (index, chunk))
    parts, overrun = [], False
    sizes = [s for _, s, _ in inst.descriptors]
    if count is not None:
        put32(c.data, inst.count_pos, count)
        parts.append("count 0x%x" % count)
        overrun = inst.count_pos + 4 + 4 * count > inst.end
    if value is not None:
        d = inst.descriptors[value][0]
        if size is not None:
            put16(c.data, d, size)
            sizes[value] = size
            parts.append("value %d size 0x%x" % (value, size))
        if vtype is not None:
            c.data[d + 2] = vtype & 0xFF
            parts.append("value %d type 0x%x" % (value, vtype))
    overrun = overrun or inst.values_pos + sum(sizes) > inst.end
    return _checked(f, "chunk %d record %d (id %d): substitutions %s" % (chunk, index, r.id, ", ".join(parts)),
                    unreadable={r.id} if overrun else (), doubtful={r.id}, chunks={chunk},
                    verdict=None if overrun else "unknown")


def set_string_table(f, chunk, bucket=None, value=NEAR_4G, name=None, nchars=None, loop=False):
    """The chunk's string table made hostile: a common-string-offset entry
    (`bucket`, or the first used one) set to `value`; or name number `name`
    given `nchars` characters, or made its own next name (`loop`). The
    table is a cache a decoder need not read, but the names are those the
    templates use: records of the chunk may fail, named, or read
    ("unknown"); a reader must not crash or loop."""
    c = f.chunks[chunk]
    if name is not None:
        n = c.names()[name]
        if nchars is not None:
            put16(c.data, n.offset + 6, nchars)
        if loop:
            put32(c.data, n.offset, n.offset)
        what = "name at %d: %s" % (n.offset, "nchars 0x%x" % nchars if nchars is not None else "loops to itself")
    else:
        if bucket is None:
            bucket = next((k for k in range(64) if u32(c.data, 128 + 4 * k)), 0)
        put32(c.data, 128 + 4 * bucket, value)
        what = "string table bucket %d set to 0x%08x" % (bucket, value)
    return _checked(f, "chunk %d: %s" % (chunk, what), doubtful=set(c.ids()), chunks={chunk}, verdict="unknown")


def damage_signature(f, signature=b"EleFile\x00", keep_crc=True):
    """The file header's signature changed (one byte: ElfFile -> EleFile),
    the chunks intact; keep_crc leaves the header checksum as it was (a
    flipped byte), else it is recomputed. A correct reader: a damaged EVTX
    (not an unknown binary file), every record of its chunks read."""
    f.header[:8] = signature
    if keep_crc:
        f.fix_header_crc = False
    return Effect("file signature %r%s" % (signature, ", header CRC as it was" if keep_crc else ""),
                  "damaged", set(f.ids()), most=len(findable_records(f)))


def damage_header_field(f, field, value, keep_crc=False):
    """A field of the file header (an attribute of EvtxFile: header_size,
    major, minor, block_size, ...) set to `value`, the signature and the
    chunks intact; the header checksum recomputed unless keep_crc. A
    correct reader: a damaged EVTX naming the header, every record of its
    chunks read."""
    setattr(f, field, value)
    if keep_crc:
        f.fix_header_crc = False
    return Effect("file header %s set to %d%s" % (field, value, ", header CRC as it was" if keep_crc else ""),
                  "damaged", set(f.ids()), most=len(findable_records(f)))


def zero_header(f):
    """The whole file header (its 4096 bytes) overwritten with zeros, the
    chunks intact from 4096 on. A correct reader: a damaged EVTX (not an
    unknown file), every record of its chunks read."""
    f.header[:] = bytes(HEADER_SIZE)
    f.fix_header_crc = False
    return Effect("file header zeroed", "damaged", set(f.ids()), most=len(findable_records(f)))


def set_dirty(f):
    """The header's dirty flag set (a log copied while open). A correct
    reader: "ok" with a note, every record read."""
    f.flags = f.flags | FLAG_DIRTY
    return Effect("header dirty", "ok", set(f.ids()), most=len(findable_records(f)), note=True)


def lag_header(f, chunks_behind=1, dirty=True):
    """The header as a running machine leaves it: chunk count, last chunk
    number and next record id those of `chunks_behind` chunks ago (and the
    dirty flag). A correct reader: "ok" with a note (the header lags the
    chunks written), every record read, the walk deciding which chunks
    exist."""
    used = f.used_chunks()
    keep = used[:max(1, len(used) - chunks_behind)]
    last = keep[-1]
    f.last_chunk, f.chunk_count = last, last + 1
    f.next_record_id = f.chunks[last].ids()[-1] + 1
    if dirty:
        f.flags = f.flags | FLAG_DIRTY
    return Effect("header lags %d chunk(s)%s" % (chunks_behind, ", dirty" if dirty else ""), "ok",
                  set(f.ids()), most=len(findable_records(f)), note=True)


def truncation(f, at):
    """What cutting the file to `at` bytes does (write it with
    truncate=at; f is not changed). Inside the header: every record lost,
    damaged (or an error: nothing can be read). Inside a chunk: that
    chunk's records and the later ones are lost: damaged, naming the chunk
    and the ids of the complete records its kept part holds (the others are
    past the cut: no reader can name them). At a chunk boundary before the
    last chunk that holds records: the later records are lost, damaged (a
    header is never ahead of what was written). After the last record:
    nothing lost."""
    if at < HEADER_SIZE:
        return Effect("cut at %d (inside the header)" % at, "damaged", (), lost=set(f.ids()), named=())
    whole = (at - HEADER_SIZE) // CHUNK_SIZE
    partial = (at - HEADER_SIZE) % CHUNK_SIZE
    kept = {r.id for i, r in f.records() if i < whole}
    cut = {r.id for i, r in f.records() if i >= whole}
    seen = set()
    if partial and whole < len(f.chunks):
        part = Chunk(bytes(f.chunks[whole].data[:partial]) + bytes(CHUNK_SIZE - partial))
        seen = {i for i, _ in findable_records(_single(part))}
    if not cut:
        return Effect("cut at %d (after the last record)" % at, "unknown" if partial else "ok", kept)
    return Effect("cut at %d (%s chunk %d)" % (at, "inside" if partial else "before", whole), "damaged", kept,
                  most=len(kept | seen), lost=cut, chunks=[whole] if partial else [], named=seen)


def _single(chunk):
    """A file of one chunk, for the functions that take a file."""
    f = EvtxFile(bytes(HEADER_SIZE))
    f.chunks = [chunk]
    return f


def set_chunk_range(f, chunk, first=None, last=None):
    """The chunk header's first/last record numbers (and ids) changed, the
    records kept: records outside the new range are out of place (damaged,
    named); a wider range is harmless ("ok")."""
    c = f.chunks[chunk]
    if first is not None:
        c.first_number = c.first_id = first
    if last is not None:
        c.last_number = c.last_id = last
    return _checked(f, "chunk %d: header range %s..%s" % (chunk, first, last), chunks={chunk})


# ---- the command line


def info(path):
    f = EvtxFile.read(path)
    print("%s: header %r first %d last %d next id %d count %d flags %#x crc %s"
          % (path, bytes(f.header[:8]), f.first_chunk, f.last_chunk, f.next_record_id, f.chunk_count,
             f.flags, "ok" if crc32(f.header[:120]) == f.header_crc else "bad"))
    for i, c in enumerate(f.chunks):
        if not c.signed:
            print("chunk %d: %s" % (i, "zeroed" if c.zeroed else "no signature"))
            continue
        recs, temps = c.records(), c.templates(unparsed=True)
        bad = sum(1 for t in temps if t.tokens is None)
        print("chunk %d: numbers %d..%d ids %d..%d free %d walk %d crc %s: %d records %s, "
              "%d templates (%d unparsed), %d names"
              % (i, c.first_number, c.last_number, c.first_id, c.last_id, c.free_offset, c.walk_end(),
                 "ok" if c.checksums_ok() else "bad", len(recs),
                 "%d..%d" % (recs[0].id, recs[-1].id) if recs else "-", len(temps), bad, len(c.names())))
    if f.tail:
        print("tail: %d bytes" % len(f.tail))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "info":
        for p in sys.argv[2:]:
            info(p)
    else:
        sys.exit("usage: evtxcraft.py info FILE...")
