"""mutants.py: the bounded mutation test of tests/e2e/mutants.sh (issue
14, "Checked by"), run by kbscan end to end. From fixed seeds, a few
hundred mutants of the sample logs (samples/bundles/**.evtx) and of a
multi-chunk log evtxgen writes at test time, each made by one
structure-aware mutation with tests/lib/evtxcraft.py: bytes flipped in a
chunk header, a record, a template definition or a string table name, a
chunk copied over another, duplicated or appended, or zeroed, a record's
size or id changed, a cut, a file header field flipped; every checksum
recomputed for half of them (mutant number odd), kept as the mutation left
them for the others.

Mutants are read in batches: each batch is one bundle holding its mutants
(each a file of its own, m<N>.evtx) beside other inputs (a healthy System
log and command outputs, named for their computer so that no log decides
whose they are), read once as it is and once with every mutant replaced by
the log it was made from (its twin: the baseline). Printed as TAP.

What is checked:
  run      per batch: no crash, no hang (a documented exit status, a
           report, within the timeout, no sanitizer report of kbscan's own)
  others   per batch: the other inputs' report entries as in the baseline,
           and every rule checkpoint that draws on none of the mutants (nor,
           in the baseline, on their twins) the same; one that draws on a
           mutant in one run only is left out when that mutant's channel or
           computer is not its twin's (it may then be any log)
  mutant   per mutant: reported, as an event log; when the test's own walk
           finds records lost or present more often than in the original
           (record ids of the chunks whose checksums hold, against those of
           the original's chunks: a record of a chunk whose checksums fail
           may have been changed, and counts as lost), never "ok"; an "ok"
           log read every record it holds (none failed); a file header
           flipped in a field of its layout (signature, header size,
           version, block size), or in a byte its kept checksum covers (or
           the checksum itself, kept), damaged
  summary  every kind of mutation made, with and without checksums
           recomputed; how many were reported damaged

A failure prints the mutant's number, seed, base log and mutation:
`tests/e2e/mutants.sh --only N` reads that mutant alone.
"""

import argparse
import collections
import glob
import json
import os
import random
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import evtxcraft as ec  # noqa: E402
import kbrun  # noqa: E402

# The inputs beside the mutants, from the seed-ja sample, named as a
# collector names a computer's files (SRV-FS01_...): their computer is
# told by their names, whatever computers the mutants name.
# A second computer's log (the healthy sample's) keeps every bundle one
# of several computers, whatever the mutants name.
OTHERS = (("seed-ja/System.evtx", "SRV-FS01_System.evtx"),
          ("seed-ja/systeminfo.txt", "SRV-FS01_systeminfo.txt"),
          ("seed-ja/tasklist_svc.txt", "SRV-FS01_tasklist_svc.txt"),
          ("seed-ja/vssadmin_list_writers.txt", "SRV-FS01_vssadmin_list_writers.txt"),
          ("healthy/System.evtx", "HEALTHY01_System.evtx"))

KINDS = ("chunk-header-bytes", "record-bytes", "template-bytes", "string-bytes", "chunk-copied",
         "chunk-duplicated", "chunk-zeroed", "record-size", "record-id", "truncation", "file-header")
# Kinds that need several chunks: made of the multi-chunk log.
MULTI_CHUNK = ("chunk-copied", "chunk-duplicated")

SANITIZER = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", "ERROR: ThreadSanitizer")


# ---- the mutations: each edits an EvtxFile and says what it did; a cut
# returns the byte count to keep.


def _flip(rng, buf, lo, hi, n=None):
    """1 to 3 bytes of buf[lo:hi] XORed with a non-zero byte; their offsets."""
    n = n or rng.randint(1, 3)
    where = sorted(rng.randrange(lo, hi) for _ in range(n))
    for o in where:
        buf[o] ^= rng.randint(1, 255)
    return where


def _signed(f):
    return [i for i, c in enumerate(f.chunks) if c.signed]


def _any_record(rng, f):
    recs = f.records()
    return rng.choice(recs) if recs else None


def m_chunk_header_bytes(rng, f):
    i = rng.choice(_signed(f))
    where = _flip(rng, f.chunks[i].data, 0, ec.RECORDS_START)
    return "chunk %d header bytes %s flipped" % (i, ",".join(map(str, where)))


def m_record_bytes(rng, f):
    i, r = _any_record(rng, f)
    where = _flip(rng, f.chunks[i].data, r.offset, r.offset + r.size)
    return "chunk %d record id %d bytes %s flipped" % (i, r.id, ",".join("+%d" % (o - r.offset) for o in where))


def m_template_bytes(rng, f):
    temps = [(i, t) for i in _signed(f) for t in f.chunks[i].templates()]
    if not temps:
        return m_record_bytes(rng, f)
    i, t = rng.choice(temps)
    where = _flip(rng, f.chunks[i].data, t.offset, t.end)
    return "chunk %d template at %d bytes %s flipped" % (i, t.offset, ",".join("+%d" % (o - t.offset) for o in where))


def m_string_bytes(rng, f):
    names = [(i, n) for i in _signed(f) for n in f.chunks[i].names()]
    if not names:
        return m_record_bytes(rng, f)
    i, n = rng.choice(names)
    end = min(n.offset + 8 + 2 * n.nchars + 2, ec.CHUNK_SIZE)
    where = _flip(rng, f.chunks[i].data, n.offset, end)
    return "chunk %d name %r at %d bytes %s flipped" % (i, n.text, n.offset,
                                                        ",".join("+%d" % (o - n.offset) for o in where))


def m_chunk_copied(rng, f):
    src, dst = rng.sample(range(len(f.chunks)), 2)
    return ec.copy_chunk(f, src, dst).what


def m_chunk_duplicated(rng, f):
    i = rng.randrange(len(f.chunks))
    at = rng.choice([i + 1, len(f.chunks), rng.randrange(len(f.chunks) + 1)])
    return ec.duplicate_chunk(f, i, at).what + (" (appended)" if at == len(f.chunks) - 1 else "")


def m_chunk_zeroed(rng, f):
    i = rng.randrange(len(f.chunks)) if f.chunks else None
    if i is None:
        return m_record_bytes(rng, f)
    return ec.zero_chunk(f, i).what


def m_record_size(rng, f):
    i, r = _any_record(rng, f)
    c = f.chunks[i]
    recs = c.records()
    k = [x.offset for x in recs].index(r.offset)
    choices = [r.size + rng.randint(1, 16), r.size - rng.randint(1, 16), 0, 0xFFFFFFFF, rng.getrandbits(32),
               rng.getrandbits(16), r.size * 2, ec.CHUNK_SIZE - r.offset, c.free_offset - r.offset]
    if k + 1 < len(recs):
        choices.append(r.size + recs[k + 1].size)  # swallows the next record
    value = rng.choice(choices) & 0xFFFFFFFF
    at_end = rng.random() < 0.25  # the copy of the size at the record's end
    pos = r.offset + r.size - 4 if at_end else r.offset + 4
    ec.put32(c.data, pos, value)
    return "chunk %d record id %d: %s size %d set to %d" % (i, r.id, "end copy of its" if at_end else "its",
                                                           r.size, value)


def m_record_id(rng, f):
    recs = f.records()
    i, r = rng.choice(recs)
    how = rng.choice(["+1", "-1", "far", "another", "swap", "zero"])
    old = r.id
    if how == "swap":
        j, s = rng.choice(recs)
        a, b = r.id, s.id
        r.set_id(b)
        s.set_id(a)
        return "ids of chunk %d record %d and chunk %d record %d swapped" % (i, a, j, b)
    value = {"+1": old + 1, "-1": old - 1, "far": rng.getrandbits(rng.choice([20, 40, 63])),
             "another": rng.choice(recs)[1].id, "zero": 0}[how]
    r.set_id(value)
    return "chunk %d record id %d set to %d (%s)" % (i, old, value, how)


def m_truncation(rng, f):
    size = len(f.to_bytes(fix=False))
    where = rng.choice(["header", "chunk", "chunk", "chunk", "boundary"])
    if where == "header" or size <= ec.HEADER_SIZE:
        return "cut inside the file header", rng.randrange(8, min(size, ec.HEADER_SIZE + 1))
    if where == "boundary" and len(f.chunks) > 1:
        at = ec.HEADER_SIZE + rng.randrange(1, len(f.chunks)) * ec.CHUNK_SIZE
        return "cut at a chunk boundary", at
    return "cut inside the chunks", rng.randrange(ec.HEADER_SIZE, size)


HEADER_FIELDS = (("signature", 0, 8), ("first chunk", 8, 8), ("last chunk", 16, 8), ("next record id", 24, 8),
                 ("header size", 32, 4), ("minor version", 36, 2), ("major version", 38, 2),
                 ("block size", 40, 2), ("chunk count", 42, 2), ("flags", 120, 4), ("checksum", 124, 4),
                 ("unused bytes", 44, 76), ("padding", 128, ec.HEADER_SIZE - 128))


def m_file_header(rng, f):
    name, off, width = rng.choice(HEADER_FIELDS)
    o = off + rng.randrange(width)
    bit = 1 << rng.randrange(8)
    f.header[o] ^= bit
    # What makes the header damaged, whatever it holds: a field of its
    # layout, or a byte its checksum covers when the checksum is kept.
    # (A flipped checksum recomputed is no flip.)
    f.header_damage = name in ("signature", "header size", "minor version", "major version", "block size") or (
        (o < 120 or name == "checksum") and not f.fix_header_crc)
    return "file header %s: bit 0x%02x of byte %d flipped" % (name, bit, o)


MUTATE = {"chunk-header-bytes": m_chunk_header_bytes, "record-bytes": m_record_bytes,
          "template-bytes": m_template_bytes, "string-bytes": m_string_bytes, "chunk-copied": m_chunk_copied,
          "chunk-duplicated": m_chunk_duplicated, "chunk-zeroed": m_chunk_zeroed, "record-size": m_record_size,
          "record-id": m_record_id, "truncation": m_truncation, "file-header": m_file_header}


# ---- ground truth: the test's own walk


def walk(data):
    """Record ids of the file's chunks (the partial chunk a cut leaves
    included, as if zeros followed): (every id with its count, the same of
    the chunks whose checksums hold)."""
    f = ec.EvtxFile(data) if len(data) >= ec.HEADER_SIZE else None
    every, intact = collections.Counter(), collections.Counter()
    if f is None:
        return every, intact
    chunks = list(f.chunks)
    if f.tail:
        chunks.append(ec.Chunk(bytes(f.tail) + bytes(ec.CHUNK_SIZE - len(f.tail))))
    for c in chunks:
        ids = c.ids()
        every.update(ids)
        if c.checksums_ok():
            intact.update(ids)
    return every, intact


class Mutant:
    def __init__(self, n, seed, base_key, base_path, kind, fixed):
        self.n, self.seed, self.base_key, self.base_path = n, seed, base_key, base_path
        self.kind, self.fixed = kind, fixed
        rng = random.Random(seed)
        with open(base_path, "rb") as fp:
            self.original = fp.read()
        f = ec.EvtxFile(self.original)
        f.fix_header_crc = fixed
        f.header_damage = False
        out = MUTATE[kind](rng, f)
        self.header_damage = f.header_damage
        cut = None
        if isinstance(out, tuple):
            out, cut = out
        self.what = out
        data = f.to_bytes(fix=fixed)
        self.data = data if cut is None else data[:cut]
        if cut is not None:
            self.what += " (at byte %d of %d)" % (cut, len(data))
        original, _ = walk(self.original)
        _, now = walk(self.data)
        self.lost = sorted(i for i in original if now[i] < original[i])
        self.doubled = sorted(i for i in now if now[i] > max(original[i], 1))
        self.records = len(now)  # distinct ids of the chunks whose checksums hold

    @property
    def name(self):
        return "m%03d.evtx" % self.n

    def describe(self):
        return "mutant %d (seed %d, %s, %s: %s, checksums %s)" % (
            self.n, self.seed, self.base_key, self.kind, self.what, "recomputed" if self.fixed else "as left")


# ---- runs


class Tap:
    def __init__(self):
        self.n, self.failed = 0, 0

    def line(self, good, what, diag=()):
        self.n += 1
        self.failed += not good
        print("%s %d - %s" % ("ok" if good else "not ok", self.n, what))
        if not good:
            for d in [diag] if isinstance(diag, str) else diag:
                print("#   %s" % d)

    def done(self):
        print("1..%d" % self.n)


def sanitizer_report(stderr):
    """The first line of a sanitizer report of kbscan's own code (libevtx's,
    inside an isolated worker, is the damage it is isolated for)."""
    if "libevtx" in stderr:
        return None
    for line in stderr.splitlines():
        if any(s in line for s in SANITIZER):
            return line.strip()[:200]
    return None


def checkpoints(report, skip, folder, rules_dir):
    """{computer/rule/checkpoint: JSON} of the checkpoints of the other
    inputs' computers that draw on none of the files `skip` (a checkpoint
    related to or joined with one that does draws on them too), and {key:
    names of `skip` drawn on} of the others."""
    clean, drawing = {}, {}
    others = {os.path.basename(p) for _, p in OTHERS}
    mine = {c.get("computer") for c in report.get("computers", [])
            if any(os.path.basename(i["path"]) in others for i in c.get("inputs", []))}
    for r in report.get("rules", []):
        if r.get("computer") not in mine:
            continue
        follows = kbrun.related_checkpoints(r["id"], rules_dir)
        direct = {c["id"]: {os.path.basename(p) for p in c.get("inputs") or []} & skip
                  for c in r.get("checkpoints", [])}
        for c in r.get("checkpoints", []):
            key = "%s/%s/%s" % (r.get("computer", ""), r["id"], c["id"])
            draws = set(direct[c["id"]])
            for other in follows.get(c["id"], ()):
                draws |= direct.get(other, set())
            if draws:
                drawing[key] = draws
            else:
                clean[key] = json.dumps(c, sort_keys=True).replace(os.path.abspath(folder), "B").replace(folder, "B")
    return clean, drawing


def others_of(report, skip):
    return {os.path.basename(i["path"]): json.dumps(dict(i, path=os.path.basename(i["path"])), sort_keys=True)
            for i in report.get("inputs", []) if os.path.basename(i["path"]) not in skip}


def make_bundle(folder, files, others):
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for name, data in files:
        with open(os.path.join(folder, name), "wb") as fp:
            fp.write(data)
    for src, name in others:
        shutil.copy(src, os.path.join(folder, name))


def run_batch(tap, args, k, batch, others, rules, counts):
    folder = os.path.join(args.tmp, "batch%02d" % k)
    label = "batch %d (mutants %d to %d)" % (k, batch[0].n, batch[-1].n)
    names = {m.name for m in batch}
    make_bundle(folder + "-base", [(m.name, m.original) for m in batch], others)
    make_bundle(folder, [(m.name, m.data) for m in batch], others)
    base = kbrun.run_kbscan(args.kbscan, rules, [folder + "-base"], folder + "-base.json", args.timeout)
    run = kbrun.run_kbscan(args.kbscan, rules, [folder], folder + ".json", args.timeout)
    if base.crashed:
        tap.line(False, "%s: kbscan reads the bundle of their original logs: %s" % (label, base.describe()),
                 [base.cause()])
        return
    bad = sanitizer_report(run.stderr)
    tap.line(not run.crashed and not bad, "%s: no crash, in time: %s (%.1f s)" % (label, run.describe(), run.seconds),
             [run.cause()] + ([bad] if bad else []) + [m.describe() for m in batch])
    if run.crashed:
        return
    mine = kbrun.inputs_by_name(run.report)
    twins = kbrun.inputs_by_name(base.report)

    # The rest of the bundle: entries as in the baseline; checkpoints that
    # draw on no mutant (no twin) the same.
    a, b = others_of(base.report, names), others_of(run.report, names)
    changed = sorted(n for n in set(a) | set(b) if a.get(n) != b.get(n))
    ca, da = checkpoints(base.report, names, folder + "-base", rules)
    cb, db = checkpoints(run.report, names, folder, rules)

    def moved(files):
        """Whether one of these mutants may be any log now: its channel or
        computer is not its twin's."""
        return any((mine.get(n) or {}).get(x) != (twins.get(n) or {}).get(x)
                   for n in files for x in ("channel", "computer"))

    for key in sorted(set(ca) | set(cb)):
        if key in ca and key in cb:
            if ca[key] != cb[key]:
                changed.append(key)
        elif not moved(db.get(key, set()) | da.get(key, set())):
            changed.append(key + " (only in one run)")
    tap.line(not changed, "%s: the other inputs and the %d checkpoints on them alone unchanged"
             % (label, len(set(ca) & set(cb))),
             ["changed: %s" % ", ".join(changed[:6])] + [m.describe() for m in batch])

    for m in batch:
        entry = mine.get(m.name)
        twin = twins.get(m.name) or {}
        if entry is None or entry["kind"] != "evtx":
            tap.line(False, "%s: read as an event log" % m.describe(),
                     "kind %s, status %s: %s" % (entry and entry["kind"], entry and entry["status"],
                                                 entry and entry["message"]))
            continue
        status = entry["status"]
        counts[status] += 1
        n = entry["counts"].get("records", 0)
        failed = entry["counts"].get("records_failed", 0)
        problems = []
        if (m.lost or m.doubled) and status == "ok":
            problems.append("reported ok, yet %s" % "; ".join(
                x for x in ("records lost: ids %s" % ",".join(map(str, m.lost[:5])) if m.lost else "",
                            "records doubled: ids %s" % ",".join(map(str, m.doubled[:5])) if m.doubled else "")
                if x))
        if m.header_damage and status != "damaged":
            problems.append("its file header is damaged, yet reported %s" % status)
        if status == "ok" and (failed or n != m.records):
            problems.append("reported ok with %d records read and %d failed, of the %d it holds"
                            % (n, failed, m.records))
        why = "%s %s: %s" % (status, entry["counts"], entry["message"])
        tap.line(not problems, "mutant %d: %s (%s, %d read; the original: %s)" % (
            m.n, status, "%d lost, %d doubled" % (len(m.lost), len(m.doubled)) if m.lost or m.doubled
            else "nothing lost", n, twin.get("status")),
            [m.describe()] + problems + [why] + kbrun.notes_text(entry).splitlines()[:4])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kbscan", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--bulk", required=True, help="a multi-chunk Application log (evtxgen --bulk)")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--count", type=int, default=240)
    ap.add_argument("--batch", type=int, default=16, help="mutants per kbscan run")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--only", type=int, action="append", help="only mutant N (repeatable)")
    args = ap.parse_args()
    repo = args.repo
    # The first 8 chunks of the bulk log: chunks enough, and quick under ASan.
    bulk = ec.EvtxFile.read(args.bulk)
    bulk.keep_chunks(8)
    bulk_path = os.path.join(args.tmp, "bulk8.evtx")
    bulk.write(bulk_path)
    samples = sorted(p for p in glob.glob(os.path.join(repo, "samples/bundles/**/*.evtx"), recursive=True)
                     if os.path.isfile(p))
    bases = [("bulk", bulk_path)] + [(os.path.relpath(p, os.path.join(repo, "samples/bundles")), p) for p in samples]
    others = [(os.path.join(repo, "samples/bundles", src), name) for src, name in OTHERS]
    # (a sample cut inside its only chunk has no chunk to mutate)
    chunked = [(k, p) for k, p in bases[1:] if ec.EvtxFile.read(p).chunks]
    rules = os.path.join(repo, "rules")
    tap = Tap()

    mutants = []
    for n in range(args.count):
        if args.only and n not in args.only:
            continue
        seed = args.seed * 100000 + n
        kind = KINDS[(n // 2) % len(KINDS)]
        fixed = n % 2 == 1
        rng = random.Random(seed ^ 0x5EED)
        # Half the mutants of the multi-chunk log, the others of the samples
        # in turn; the kinds that need several chunks, of the former.
        key, path = bases[0] if kind in MULTI_CHUNK or rng.random() < 0.5 else rng.choice(chunked)
        try:
            mutants.append(Mutant(n, seed, key, path, kind, fixed))
        except (ValueError, IndexError, TypeError) as e:
            tap.line(False, "mutant %d (seed %d, %s, %s) can be made" % (n, seed, key, kind), repr(e))
    counts = collections.Counter()
    for k in range(0, len(mutants), args.batch):
        run_batch(tap, args, k // args.batch, mutants[k:k + args.batch], others, rules, counts)

    kinds = collections.Counter(m.kind for m in mutants)
    fixed = sum(m.fixed for m in mutants)
    lossy = sum(bool(m.lost or m.doubled) for m in mutants)
    made = {(m.kind, m.fixed) for m in mutants}
    full = args.only is None and all((k, f) in made for k in KINDS for f in (False, True))
    tap.line(full or args.only is not None,
             "%d mutants (%s), %d with checksums recomputed; %d lost or doubled records; reported: %s" % (
                 len(mutants), ", ".join("%s %d" % (k, kinds[k]) for k in KINDS), fixed, lossy,
                 ", ".join("%s %d" % (s, counts[s]) for s in sorted(counts))),
             "every kind of mutation is made with and without checksums recomputed")
    tap.done()
    return 0


if __name__ == "__main__":
    sys.exit(main())
