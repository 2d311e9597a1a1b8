"""evtxmutate.py: seeded, reproducible mutants of an event log for the
mutation test (tests/e2e/mutants.sh), each with the Effect a correct reader
must report (tests/lib/evtxcraft.py). Mutant `index` of seed `seed` depends
on those two and the base file only: even indices are structure-aware
(record fields, template instances and definitions, substitution arrays,
string and template tables, chunk header fields, whole chunks, the file
header; checksums recomputed), odd ones raw (bytes flipped, zeroed,
inserted or cut; checksums left as they fall).

    python3 tests/lib/evtxmutate.py --seed S --index I BASE.evtx OUT.evtx

re-makes one mutant and prints what was done and what a reader must say.
"""

import argparse
import json
import random
import sys

import evtxcraft as ec


def _pick_record(rng, f):
    """(chunk position, record index in it, record) of a random walked record."""
    flat = [(i, k, r) for i, c in enumerate(f.chunks) for k, r in enumerate(c.records())]
    return flat[rng.randrange(len(flat))]


def _hostile32(rng, pos=0):
    return rng.choice([0, 1, 0x1FF, 0x200, 0xFFFF, ec.CHUNK_SIZE - 8, ec.CHUNK_SIZE, 0x7FFFFFFF, 0x80000000,
                       ec.NEAR_4G, 0xFFFFFFFF, (0xFFFFFFFB - pos - 4) & 0xFFFFFFFF, rng.randrange(1 << 32)])


def _walk_effect(f, before, what, chunk, doubtful=()):
    """After an edit of chunk `chunk` that may stop its walk: records no
    longer walked are lost; a walk that no longer ends at the free-space
    offset is damage; else the edit's effect is unknown."""
    c = f.chunks[chunk]
    after = set(c.ids())
    lost = set(before) - after
    free = c.free_offset
    short = c.signed and ec.RECORDS_START <= free <= ec.CHUNK_SIZE and c.walk_end() != free
    out_of_range = c.signed and not ec.RECORDS_START <= free <= ec.CHUNK_SIZE
    verdict = "damaged" if lost or short or out_of_range else "unknown"
    return ec._checked(f, what, lost=lost, doubtful=set(doubtful) | after, chunks={chunk}, verdict=verdict)


# ---- structure-aware edits: each takes (rng, f) and returns an Effect


def m_id_duplicate(rng, f):
    i, k, r = _pick_record(rng, f)
    other = rng.choice(f.ids())
    r.set_id(other)
    return ec._checked(f, "chunk %d record %d: id set to %d" % (i, k, other), chunks={i})


def m_id_random(rng, f):
    i, k, r = _pick_record(rng, f)
    value = rng.choice([0, r.id + 1, r.id - 1, 1 << 63, (1 << 64) - 1, rng.randrange(1 << 64)])
    r.set_id(value)
    return ec._checked(f, "chunk %d record %d: id set to %d" % (i, k, value), chunks={i})


def m_id_swap(rng, f):
    i, _, _ = _pick_record(rng, f)
    n = len(f.chunks[i].records())
    if n < 2:
        return m_id_random(rng, f)
    a, b = rng.sample(range(n), 2)
    return ec.swap_ids(f, i, a, b)


def m_renumber(rng, f):
    i, k, r = _pick_record(rng, f)
    n = len(f.chunks[i].records())
    count = rng.randrange(1, n - k + 1)
    first = rng.choice(f.ids()) if rng.random() < 0.5 else r.id + rng.randrange(-3, 4)
    return ec.renumber(f, i, k, count, max(first, 0), sync=rng.random() < 0.3)


def m_record_size(rng, f):
    i, k, r = _pick_record(rng, f)
    before = f.chunks[i].ids()
    value = rng.choice([r.size + rng.randrange(-16, 17), r.size * 2, r.size // 2, _hostile32(rng, r.offset + 4)])
    ec.put32(f.chunks[i].data, r.offset + 4, value)
    what = "chunk %d record %d (id %d): size %d -> %d" % (i, k, r.id, r.size, value & 0xFFFFFFFF)
    return _walk_effect(f, before, what, i, doubtful={r.id})


def m_record_signature(rng, f):
    i, k, r = _pick_record(rng, f)
    return ec.cut_walk(f, i, k, rng.choice(["signature", "size", "free"]))


def m_record_time(rng, f):
    i, k, r = _pick_record(rng, f)
    value = rng.choice([0, 1, (1 << 64) - 1, 1 << 63, rng.randrange(1 << 64)])
    ec.put64(f.chunks[i].data, r.offset + 16, value)
    return ec._checked(f, "chunk %d record %d (id %d): time %d" % (i, k, r.id, value), chunks={i})


def m_record_bytes(rng, f):
    i, k, r = _pick_record(rng, f)
    c = f.chunks[i]
    for _ in range(rng.randrange(1, 5)):
        pos = r.offset + 24 + rng.randrange(r.size - 28)
        c.data[pos] = rng.choice([0, 0xFF, 0x7F, 0x80, c.data[pos] ^ (1 << rng.randrange(8))])
    return ec._checked(f, "chunk %d record %d (id %d): body bytes changed" % (i, k, r.id),
                       doubtful=set(c.ids()), chunks={i}, verdict="unknown")


def m_template_offset(rng, f):
    i, k, r = _pick_record(rng, f)
    c = f.chunks[i]
    inst = r.instance()
    if inst is None:
        return m_record_bytes(rng, f)
    defs = c.template_offsets()
    value = rng.choice([ec.NEAR_4G, 0xFFFFFFFF, ec.CHUNK_SIZE - 8, ec.CHUNK_SIZE, rng.randrange(ec.CHUNK_SIZE),
                        rng.choice(defs) if defs else 0, inst.def_offset + rng.randrange(-8, 9)])
    value &= 0xFFFFFFFF
    if value > ec.CHUNK_SIZE - 24:
        return ec.set_template_offset(f, i, k, value)
    ec.put32(c.data, inst.def_offset_pos, value)
    return ec._checked(f, "chunk %d record %d (id %d): template offset 0x%x" % (i, k, r.id, value),
                       doubtful=set(c.ids()), chunks={i}, verdict="unknown")


def _pick_template(rng, f):
    chunks = [i for i in f.used_chunks() if f.chunks[i].templates()]
    if not chunks:
        return None, None
    i = rng.choice(chunks)
    return i, rng.randrange(len(f.chunks[i].templates()))


def m_template_field(rng, f):
    i, t = _pick_template(rng, f)
    if i is None:
        return m_record_bytes(rng, f)
    c = f.chunks[i]
    tmpl = c.templates()[t]
    choice = rng.randrange(5)
    if choice == 0 and tmpl.named:
        tok = rng.randrange(len(tmpl.named))
        value = _hostile32(rng, tmpl.named[tok].name_pos)
        if value > ec.CHUNK_SIZE - 10:
            return ec.set_name_offset(f, i, t, tok, value)
        ec.put32(c.data, tmpl.named[tok].name_pos, value)
        return ec._checked(f, "chunk %d template at %d: a name offset set to 0x%x" % (i, tmpl.offset, value),
                           doubtful=set(c.ids()), chunks={i}, verdict="unknown")
    if choice == 1:
        return ec.set_template_size(f, i, t, "data", 0, _hostile32(rng, tmpl.offset + 20))
    if choice == 2 and tmpl.elements:
        return ec.set_template_size(f, i, t, "element", rng.randrange(len(tmpl.elements)), _hostile32(rng))
    if choice == 3 and any(e.attr_size_pos is not None for e in tmpl.elements):
        n = sum(1 for e in tmpl.elements if e.attr_size_pos is not None)
        return ec.set_template_size(f, i, t, "attr", rng.randrange(n), _hostile32(rng))
    try:
        return ec.wrap_attr_size(f, i)
    except ValueError:
        return ec.set_template_size(f, i, t, "data", 0, _hostile32(rng))


def m_template_bytes(rng, f):
    i, t = _pick_template(rng, f)
    if i is None:
        return m_record_bytes(rng, f)
    c = f.chunks[i]
    tmpl = c.templates()[t]
    for _ in range(rng.randrange(1, 4)):
        pos = tmpl.data_offset + rng.randrange(max(1, tmpl.end - tmpl.data_offset))
        c.data[pos] = rng.choice([0, 1, 0x41, 0x0E, 0xFF, c.data[pos] ^ (1 << rng.randrange(8))])
    return ec._checked(f, "chunk %d template at %d: bytes changed" % (i, tmpl.offset),
                       doubtful=set(c.ids()), chunks={i}, verdict="unknown")


def m_substitutions(rng, f):
    i, k, r = _pick_record(rng, f)
    inst = r.instance()
    if inst is None or not inst.count:
        return m_record_bytes(rng, f)
    choice = rng.randrange(3)
    if choice == 0:
        return ec.set_substitutions(f, i, k, count=rng.choice([0, inst.count + 1, 0xFFFF, 0xFFFFFFFF,
                                                              rng.randrange(1 << 32)]))
    value = rng.randrange(inst.count)
    if choice == 1:
        size = rng.choice([0, 1, 0x7FFF, 0xFFFF, rng.randrange(1 << 16)])
        return ec.set_substitutions(f, i, k, value=value, size=size)
    return ec.set_substitutions(f, i, k, value=value, vtype=rng.choice([0x00, 0x13, 0x21, 0x7F, 0x81, 0xA1, 0xFF]))


def m_string_table(rng, f):
    i = rng.choice(f.used_chunks())
    names = f.chunks[i].names()
    choice = rng.randrange(3)
    if choice == 0 or not names:
        return ec.set_string_table(f, i, bucket=rng.randrange(64), value=_hostile32(rng))
    if choice == 1:
        return ec.set_string_table(f, i, name=rng.randrange(len(names)), nchars=rng.choice([0, 1, 0x7FFF, 0xFFFF]))
    return ec.set_string_table(f, i, name=rng.randrange(len(names)), loop=True)


def m_template_table(rng, f):
    i = rng.choice(f.used_chunks())
    c = f.chunks[i]
    slot = rng.randrange(32)
    ec.put32(c.data, 384 + 4 * slot, _hostile32(rng, 384 + 4 * slot))
    return ec._checked(f, "chunk %d: template table slot %d changed" % (i, slot), doubtful=set(c.ids()),
                       chunks={i}, verdict="unknown")


def m_chunk_range(rng, f):
    i = rng.choice(f.used_chunks())
    c = f.chunks[i]
    if rng.random() < 0.5:
        return ec.set_chunk_range(f, i, first=c.first_number + rng.randrange(-3, 4))
    return ec.set_chunk_range(f, i, last=c.last_number + rng.randrange(-3, 4))


def m_free_offset(rng, f):
    i, k, r = _pick_record(rng, f)
    c = f.chunks[i]
    before = c.ids()
    value = rng.choice([r.offset + rng.randrange(1, r.size), ec.CHUNK_SIZE + 8, 0, 511, rng.randrange(1 << 32)])
    c.free_offset = value
    return _walk_effect(f, before, "chunk %d: free-space offset %d" % (i, value), i)


def m_last_record_offset(rng, f):
    i = rng.choice(f.used_chunks())
    c = f.chunks[i]
    c.last_record_offset = _hostile32(rng, 44)
    return ec._checked(f, "chunk %d: last record offset 0x%x" % (i, c.last_record_offset), chunks={i},
                       doubtful=set(c.ids()), verdict="unknown")


def m_whole_chunk(rng, f):
    used = f.used_chunks()
    choice = rng.randrange(4)
    if choice == 0 and len(used) > 1:
        src, dst = rng.sample(used, 2)
        return ec.copy_chunk(f, src, dst)
    if choice == 1:
        return ec.duplicate_chunk(f, rng.choice(used), rng.randrange(len(f.chunks) + 1))
    if choice == 2 and len(used) > 1:
        return ec.drop_chunk(f, rng.choice(used))
    return ec.zero_chunk(f, rng.choice(used))


def m_header(rng, f):
    choice = rng.randrange(3)
    if choice == 0:
        return ec.set_dirty(f)
    if choice == 1 and len(f.used_chunks()) > 1:
        return ec.lag_header(f, rng.randrange(1, len(f.used_chunks())), dirty=rng.random() < 0.7)
    field = rng.choice(["next_record_id", "chunk_count", "last_chunk", "first_chunk"])
    old = getattr(f, field)
    setattr(f, field, max(0, old + rng.randrange(-3, 4)) & (0xFFFF if field == "chunk_count" else (1 << 64) - 1))
    return ec.Effect("header %s %d -> %d" % (field, old, getattr(f, field)), "unknown", set(f.ids()),
                     most=len(ec.findable_records(f)))


STRUCTURED = [
    (m_id_duplicate, 3), (m_id_random, 2), (m_id_swap, 2), (m_renumber, 2), (m_record_size, 3),
    (m_record_signature, 3), (m_record_time, 1), (m_record_bytes, 3), (m_template_offset, 3),
    (m_template_field, 4), (m_template_bytes, 2), (m_substitutions, 3), (m_string_table, 2),
    (m_template_table, 1), (m_chunk_range, 2), (m_free_offset, 2), (m_last_record_offset, 1),
    (m_whole_chunk, 4), (m_header, 2),
]


# ---- raw edits: each takes (rng, data) and returns (bytes, what); the
# effect is judged afterwards from which intact chunks no longer check out


def r_flip(rng, data, lo, hi, what):
    out = bytearray(data)
    if hi <= lo:
        lo, hi = 0, len(out)
    for _ in range(rng.randrange(1, 9)):
        pos = rng.randrange(lo, hi)
        out[pos] ^= 1 << rng.randrange(8)
    return bytes(out), what


def r_flip_records(rng, data, f):
    i = rng.choice(f.used_chunks())
    base = ec.HEADER_SIZE + i * ec.CHUNK_SIZE
    return r_flip(rng, data, base + ec.RECORDS_START, base + f.chunks[i].free_offset,
                  "bytes flipped in chunk %d's records" % i)


def r_flip_chunk_header(rng, data, f):
    i = rng.choice(f.used_chunks())
    base = ec.HEADER_SIZE + i * ec.CHUNK_SIZE
    return r_flip(rng, data, base, base + ec.RECORDS_START, "bytes flipped in chunk %d's header" % i)


def r_flip_anywhere(rng, data, f):
    return r_flip(rng, data, 0, len(data), "bytes flipped anywhere")


def r_flip_file_header(rng, data, f):
    return r_flip(rng, data, 0, 128, "bytes flipped in the file header")


def r_zero_range(rng, data, f):
    out = bytearray(data)
    start = rng.randrange(len(out))
    n = rng.choice([1, 4, 16, 512, 4096, rng.randrange(1, 70000)])
    out[start:start + n] = bytes(len(out[start:start + n]))
    return bytes(out), "%d bytes zeroed at %d" % (n, start)


def r_shift(rng, data, f):
    pos = rng.randrange(len(data))
    n = rng.randrange(1, 64)
    if rng.random() < 0.5:
        junk = bytes(rng.randrange(256) for _ in range(n))
        return data[:pos] + junk + data[pos:], "%d bytes inserted at %d" % (n, pos)
    return data[:pos] + data[pos + n:], "%d bytes deleted at %d" % (n, pos)


def r_truncate(rng, data, f):
    at = rng.choice([rng.randrange(len(data)), rng.randrange(ec.HEADER_SIZE),
                     ec.HEADER_SIZE + ec.CHUNK_SIZE * rng.randrange(len(f.chunks) + 1)])
    return data[:at], "cut at %d" % at


RAW = [(r_flip_records, 4), (r_flip_chunk_header, 2), (r_flip_anywhere, 2), (r_flip_file_header, 1),
       (r_zero_range, 2), (r_shift, 1), (r_truncate, 2)]


def raw_effect(f, data, what):
    """The effect of a raw edit: a cut is a truncation; an intact chunk that
    no longer checks out (or lost its signature) is damage, named; a shift
    or anything else: no claim. The records of untouched chunks must be
    read."""
    if what.startswith("cut at "):
        return ec.truncation(f, len(data))
    if len(data) != len(f.to_bytes(fix=False)):
        mutant = ec.EvtxFile(data) if len(data) >= ec.HEADER_SIZE else None
        return ec.Effect(what, "unknown", (), most=len(ec.findable_records(mutant)) if mutant else 0)
    mutant = ec.EvtxFile(data)
    broken, kept = [], set()
    for i, (old, new) in enumerate(zip(f.chunks, mutant.chunks)):
        if old.records() and old.checksums_ok() and not (new.signed and new.checksums_ok()):
            broken.append(i)
        elif old.data == new.data:
            kept.update(new.ids())
    return ec.Effect(what, "damaged" if broken else "unknown", kept, most=len(ec.findable_records(mutant)),
                     chunks=broken)


def _weighted(rng, table):
    total = sum(w for _, w in table)
    x = rng.randrange(total)
    for fn, w in table:
        if x < w:
            return fn
        x -= w
    return table[-1][0]


def mutant(base, seed, index):
    """(bytes, Effect, kind) of mutant `index` of seed `seed` of the base log
    (its bytes)."""
    rng = random.Random("%s:%d" % (seed, index))
    f = ec.EvtxFile(base)
    if not f.records():
        raise ValueError("the base log holds no record")
    if index % 2 == 0:
        # An edit that does not apply to this log (no such structure) gives
        # way to another drawn from the same generator: still reproducible.
        for _ in range(8):
            fn = _weighted(rng, STRUCTURED)
            f = ec.EvtxFile(base)
            try:
                effect = fn(rng, f)
            except (ValueError, IndexError):
                continue
            return f.to_bytes(), effect, "structured:" + fn.__name__[2:]
        fn, f = m_record_bytes, ec.EvtxFile(base)
        return f.to_bytes(), fn(rng, f), "structured:record_bytes"
    fn = _weighted(rng, RAW)
    data, what = fn(rng, base, f)
    return data, raw_effect(f, data, what), "raw:" + fn.__name__[2:]


def main():
    ap = argparse.ArgumentParser(description="re-makes one mutant of the mutation test")
    ap.add_argument("--seed", required=True)
    ap.add_argument("--index", type=int, required=True)
    ap.add_argument("base")
    ap.add_argument("out")
    args = ap.parse_args()
    with open(args.base, "rb") as fp:
        data, effect, kind = mutant(fp.read(), args.seed, args.index)
    with open(args.out, "wb") as fp:
        fp.write(data)
    print(json.dumps(dict(effect.to_json(), kind=kind), indent=1))


if __name__ == "__main__":
    sys.exit(main())
