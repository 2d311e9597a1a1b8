"""crafted.py: the crafted-log cases of tests/e2e/crafted.sh (issues 13,
14 and 19). Each case is a reproducer written as code: a real log (a
sample, or a multi-chunk log evtxgen writes at test time) edited with
tests/lib/evtxcraft.py, checksums recomputed unless the case says not,
put in a bundle beside a healthy System log and command outputs, and
read by kbscan twice: with a rule that wants every event (every record
decoded) and with the seed rules (the prefilter at work). Printed as TAP.

What is checked, per case:
  crash-all, crash-seed  no crash, in time (exit 0/1/3 and a report)
  prefilter              the seed rules' report of the log is the same
                         with and without the prefilter
  kind                   still read as an event log
  status                 damaged when records are lost, unreadable,
                         doubled or out of order; ok when every record
                         reads (dirty or lagging header, zeroed chunk)
  names                  a damaged log's notes name the chunk and the
                         first record id concerned
  note                   an ok log's oddity is said in a note
  count                  every record counted once: the events the test
                         rule finds are between what must be read and what
                         the file holds
  vss                    the seed rule's VSS error count (duplicates once)
  others                 the other inputs of the bundle unchanged: their
                         report entries, and every rule checkpoint that
                         draws on them alone (what their facts decide)
  kept                   a kept fuzz regression file is what its case
                         crafts (--write-kept makes it so)
"""

import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import evtxcraft as ec  # noqa: E402
import kbrun  # noqa: E402

SEED_RULE, VSS_CHECKPOINT = "vss-writers-missing-eventsystem-shared", "vss-errors"
EVERY_RULE, EVERY_CHECKPOINT = "test-every-event", "any-event"
OTHERS = ("System.evtx", "systeminfo.txt", "tasklist_svc.txt", "vssadmin_list_writers.txt")


class Case:
    """name, base log ("bulk", "seed", "gap"), the edit (EvtxFile ->
    Effect), optional truncation (EvtxFile -> byte count), the seed rule's
    expected VSS error count, and the file
    of tests/fuzz/regressions/evtx/ that holds what the case crafts (the
    fuzz targets' unit test replays it through the in-memory entry)."""

    def __init__(self, name, base, edit, cut=None, vss=None, keep=None):
        self.name, self.base, self.edit, self.cut, self.vss = name, base, edit, cut, vss
        self.keep = keep


def cut_case(name, base, where, keep=None):
    return Case(name, base, lambda f: ec.truncation(f, where(f)), cut=where, keep=keep)


def chunk_takes_ids_of_another(f):
    """Chunk 4's first five records take chunk 2's ids: duplicates across chunks."""
    return ec.renumber(f, 4, 0, 5, f.chunks[2].first_id)


def renumber_all(f, by=1000):
    """Every id shifted by `by`, chunk and file headers following: a
    healthy log that merely starts later (the control case)."""
    effect = None
    for i, c in enumerate(f.chunks):
        n = len(c.records())
        if n:
            effect = ec.renumber(f, i, 0, n, c.records()[0].id + by, sync=True)
    return effect




CASES = [
    # Records lost or doubled behind valid checksums (issue 14 item 2).
    Case("copy-chunk", "bulk", lambda f: ec.copy_chunk(f, 2, 5)),
    Case("duplicate-chunk", "bulk", lambda f: ec.duplicate_chunk(f, 3)),
    Case("duplicate-seed-chunk", "seed", lambda f: ec.duplicate_chunk(f, 0), vss=21),
    Case("swap-ids", "bulk", lambda f: ec.swap_ids(f, 1, 3, 4)),
    Case("renumber-duplicates", "bulk", chunk_takes_ids_of_another),
    Case("renumber-out-of-range", "bulk", lambda f: ec.renumber(f, 6, 10, 3, 900000)),
    Case("chunk-range-narrowed", "bulk", lambda f: ec.set_chunk_range(f, 3, last=f.chunks[3].last_number - 5)),
    Case("walk-cut-signature", "bulk", lambda f: ec.cut_walk(f, 2, 10, "signature")),
    Case("walk-cut-size", "bulk", lambda f: ec.cut_walk(f, 7, 50, "size")),
    Case("walk-cut-free-space", "bulk", lambda f: ec.cut_walk(f, 4, 100, "free")),
    Case("walk-cut-seed", "seed", lambda f: ec.cut_walk(f, 0, 22, "signature")),
    Case("free-space-offset-past-chunk", "bulk", lambda f: ec.set_free_offset(f, 3)),
    # Hostile offsets and sizes behind valid checksums (issue 14 item 1).
    Case("template-offset-4g", "bulk", lambda f: ec.set_template_offset(f, 1, 5)),
    Case("template-offset-past-chunk", "bulk", lambda f: ec.set_template_offset(f, 1, 5, ec.CHUNK_SIZE - 8)),
    Case("name-offset-4g", "bulk", lambda f: ec.set_name_offset(f, 1, 0, 3)),
    Case("name-offset-past-chunk", "bulk", lambda f: ec.set_name_offset(f, 1, 0, 3, ec.CHUNK_SIZE - 6)),
    Case("eventid-attribute-size-wraps", "bulk", lambda f: ec.wrap_attr_size(f, 1)),
    Case("element-size-4g", "bulk", lambda f: ec.set_template_size(f, 1, 0, "element", 0)),
    Case("template-data-size-4g", "bulk", lambda f: ec.set_template_size(f, 1, 0, "data")),
    Case("substitution-count-4g", "bulk", lambda f: ec.set_substitutions(f, 1, 5, count=0xFFFFFFFF)),
    Case("substitution-size-ffff", "bulk", lambda f: ec.set_substitutions(f, 1, 5, value=0, size=0xFFFF)),
    Case("substitution-type-unknown", "bulk", lambda f: ec.set_substitutions(f, 1, 5, value=0, vtype=0x7F)),
    Case("string-table-4g", "bulk", lambda f: ec.set_string_table(f, 1)),
    Case("string-table-loop", "bulk", lambda f: ec.set_string_table(f, 1, name=0, loop=True)),
    Case("name-length-ffff", "bulk", lambda f: ec.set_string_table(f, 1, name=2, nchars=0xFFFF)),
    # A flipped byte in the file signature (issue 14 item 4).
    Case("file-signature-flipped", "bulk", lambda f: ec.damage_signature(f)),
    Case("file-signature-crc-fixed", "seed", lambda f: ec.damage_signature(f, keep_crc=False)),
    # Any other field of the file header damaged, or the whole header
    # gone: recognised by the first chunk at 4096 (issue 14, "Checked by").
    Case("header-size-flipped", "bulk", lambda f: ec.damage_header_field(f, "header_size", 128 ^ 0x10)),
    Case("header-version-flipped", "seed", lambda f: ec.damage_header_field(f, "major", 3 ^ 0x40)),
    Case("header-minor-flipped-crc-kept", "bulk", lambda f: ec.damage_header_field(f, "minor", 1 ^ 0x8,
                                                                                      keep_crc=True)),
    Case("header-block-size-flipped", "seed", lambda f: ec.damage_header_field(f, "block_size", 4096 ^ 0x1)),
    Case("header-zeroed", "bulk", ec.zero_header),
    # What the fuzz targets crashed on, on the smallest sample log: kept in
    # tests/fuzz/regressions/evtx/ (the unit test test_fuzz_regressions
    # replays them in memory, under ASan in make check).
    Case("seed-template-offset-4g", "seed", lambda f: ec.set_template_offset(f, 0, 5),
         keep="crafted-prefilter-template-offset-wraps.evtx"),
    Case("seed-name-offset-4g", "seed", lambda f: ec.set_name_offset(f, 0, 0, 3),
         keep="crafted-prefilter-name-offset-wraps.evtx"),
    Case("seed-eventid-attribute-size-wraps", "seed", lambda f: ec.wrap_attr_size(f, 0),
         keep="crafted-prefilter-attribute-list-size-wraps.evtx"),
    cut_case("seed-cut-in-header", "seed", lambda f: 1000, keep="crafted-shorter-than-its-header.evtx"),
    # Live copies, zeroed or missing chunks (issues 13, 19): not damage,
    # but a zeroed chunk the header counts lost what it held.
    Case("header-dirty", "bulk", ec.set_dirty),
    Case("header-lags", "bulk", lambda f: ec.lag_header(f, 2)),
    Case("header-lags-clean", "bulk", lambda f: ec.lag_header(f, 1, dirty=False)),
    Case("chunk-zeroed", "bulk", lambda f: ec.zero_chunk(f, 4)),
    Case("chunk-zeroed-uncounted", "bulk", lambda f: ec.zero_chunk(f, 4, counted=False)),
    Case("chunk-dropped", "bulk", lambda f: ec.drop_chunk(f, 3)),
    Case("renumbered-consistently", "bulk", renumber_all),
    # Cut at any byte.
    cut_case("cut-in-header", "bulk", lambda f: 2000),
    cut_case("cut-after-header", "seed", lambda f: ec.HEADER_SIZE),
    cut_case("cut-in-chunk", "bulk", lambda f: ec.HEADER_SIZE + 5 * ec.CHUNK_SIZE + 30000),
    cut_case("cut-at-chunk-boundary", "bulk", lambda f: ec.HEADER_SIZE + 6 * ec.CHUNK_SIZE),
    cut_case("cut-in-record", "gap", lambda f: ec.HEADER_SIZE + 2 * ec.CHUNK_SIZE + 700),
]


class Tap:
    def __init__(self):
        self.n = 0

    def line(self, good, what, diag=None):
        self.n += 1
        print("%s %d - %s" % ("ok" if good else "not ok", self.n, what))
        if diag and not good:
            for d in diag if isinstance(diag, list) else [diag]:
                print("#   %s" % d)

    def done(self):
        print("1..%d" % self.n)


def make_bundle(folder, log_bytes, others):
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    with open(os.path.join(folder, "Application.evtx"), "wb") as fp:
        fp.write(log_bytes)
    for src in others:
        shutil.copy(src, folder)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kbscan", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--bulk", required=True, help="a multi-chunk Application log (evtxgen --bulk)")
    ap.add_argument("--repo", required=True)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--only", help="run the cases whose name contains this")
    ap.add_argument("--write-kept", action="store_true",
                    help="(re)write the files of tests/fuzz/regressions/evtx/ that cases craft")
    args = ap.parse_args()
    repo = args.repo
    every = os.path.join(repo, "tests/e2e/rules-every-event")
    seed_rules = os.path.join(repo, "rules")
    # The first 8 chunks of the bulk log: chunks enough, and quick under ASan.
    bulk = ec.EvtxFile.read(args.bulk)
    bulk.keep_chunks(8)
    bulk.write(os.path.join(args.tmp, "bulk8.evtx"))
    bases = {"bulk": os.path.join(args.tmp, "bulk8.evtx"),
             "seed": os.path.join(repo, "samples/bundles/seed-ja/Application.evtx"),
             "gap": os.path.join(repo, "samples/bundles/coverage-gap/Application.evtx")}
    others = [os.path.join(repo, "samples/bundles/seed-ja", n) for n in OTHERS]
    tap = Tap()

    def run(folder, rules, tag, extra=()):
        return kbrun.run_kbscan(args.kbscan, rules, [folder], "%s.%s.json" % (folder, tag), args.timeout, extra)

    # The bundle as it is, once per base: what the other inputs must stay.
    baseline = {}
    for key, path in bases.items():
        folder = os.path.join(args.tmp, "base-" + key)
        with open(path, "rb") as fp:
            make_bundle(folder, fp.read(), others)
        runs = (run(folder, every, "all"), run(folder, seed_rules, "seed"))
        if any(r.crashed for r in runs):
            tap.line(False, "base %s: kbscan reads the unmodified bundle" % key, diag=[r.describe() for r in runs])
            tap.done()
            return 1
        baseline[key] = [(kbrun.other_inputs(r.report, "Application.evtx"),
                          kbrun.other_checkpoints(r.report, "Application.evtx", folder, "rules")) for r in runs]

    for case in CASES:
        if args.only and args.only not in case.name:
            continue
        f = ec.EvtxFile.read(bases[case.base])
        effect = case.edit(f)
        data = f.to_bytes()
        if case.cut:
            data = data[:case.cut(f)]
        if case.keep:
            check_kept(tap, case, data, os.path.join(repo, "tests/fuzz/regressions/evtx", case.keep), args.write_kept)
        folder = os.path.join(args.tmp, case.name)
        make_bundle(folder, data, others)
        check_case(tap, case, effect, folder, run, every, seed_rules, baseline[case.base])
    tap.done()
    return 0


def check_kept(tap, case, data, path, write):
    """The kept regression file is what the case crafts (or is made so)."""
    if write:
        with open(path, "wb") as fp:
            fp.write(data)
    try:
        with open(path, "rb") as fp:
            same = fp.read() == data
    except OSError:
        same = False
    tap.line(same, "%s: tests/fuzz/regressions/evtx/%s is what this case crafts" % (case.name, case.keep),
             diag="re-make it: tests/e2e/crafted.sh --only %s --write-kept" % case.name)


def check_case(tap, case, effect, folder, run, every, seed_rules, baseline):
    name = "%s (%s)" % (case.name, effect.what)
    full = run(folder, every, "all")
    seed = run(folder, seed_rules, "seed")
    tap.line(not full.crashed, "%s: no crash, in time, every record decoded: %s (%.1f s)"
             % (name, full.describe(), full.seconds))
    tap.line(not seed.crashed, "%s: no crash, in time, seed rules and the prefilter: %s (%.1f s)"
             % (case.name, seed.describe(), seed.seconds))
    if not full.crashed and not seed.crashed:
        same = [kbrun.other_inputs(r.report, "Application.evtx") for r in (full, seed)]
        changed = sorted(k for (b, _), s in zip(baseline, same) for k in set(b) | set(s) if b.get(k) != s.get(k))
        tap.line(not changed, "%s: the other inputs of the bundle unchanged" % case.name,
                 diag="changed: %s" % ", ".join(changed))
        # What their facts made of the rules: every checkpoint that draws
        # on them alone (the healthy System log, vssadmin, tasklist) is as
        # in the undamaged bundle, with every rule and with the seed rules.
        # A log whose channel cannot be read (no record left) may be any
        # log, a second System log too: the System log's checkpoints then
        # draw on it as well (cannot tell, damaged), and only those leave
        # the comparison.
        same = [kbrun.other_checkpoints(r.report, "Application.evtx", folder, "rules") for r in (full, seed)]
        unknown = [(kbrun.inputs_by_name(r.report).get("Application.evtx") or {}).get("channel") is None
                   for r in (full, seed)]
        changed = sorted(k for (_, b), s, u in zip(baseline, same, unknown) for k in set(b) | set(s)
                         if b.get(k) != s.get(k) and not (u and k not in s))
        tap.line(not changed and same[1], "%s: the rules' checkpoints on the other inputs unchanged (%d)"
                 % (case.name, sum(map(len, same))), diag="changed: %s" % ", ".join(changed[:8]))
    if not seed.crashed:
        plain = run(folder, seed_rules, "noprefilter", ["--no-prefilter"])
        a = kbrun.inputs_by_name(seed.report).get("Application.evtx")
        b = kbrun.inputs_by_name(plain.report).get("Application.evtx") if plain.report else None
        tap.line(a is not None and a == b, "%s: the same report of the log with and without the prefilter"
                 % case.name,
                 diag=["prefilter: %s %s" % (a and a["status"], a and a["counts"]),
                       "no prefilter: %s %s" % (b and b["status"], b and b["counts"])])
    if full.crashed:
        return
    entry = kbrun.inputs_by_name(full.report).get("Application.evtx")
    if entry is None or entry["kind"] != "evtx":
        tap.line(False, "%s: read as an event log" % case.name,
                 diag="kind %s, status %s: %s" % (entry and entry["kind"], entry and entry["status"],
                                                 entry and entry["message"]))
        return
    tap.line(True, "%s: read as an event log" % case.name)
    status, why = entry["status"], "status %s: %s" % (entry["status"], entry["message"])
    if effect.verdict == "damaged":
        # Nothing readable at all may be an error rather than damage.
        good = status == "damaged" or (status == "error" and not effect.expect)
        tap.line(good, "%s: damaged" % case.name, diag=why)
        if effect.chunks or effect.named_ids:
            ids = effect.named_ids
            good = kbrun.names_chunk(entry, effect.chunks) and kbrun.names_id(entry, ids)
            tap.line(good, "%s: the notes name chunk %s and one of record ids %s" % (
                case.name, "/".join(map(str, effect.chunks)) or "-", ",".join(map(str, sorted(ids)[:3])) or "-"),
                diag=kbrun.notes_text(entry).splitlines()[:6])
    elif effect.verdict == "ok":
        tap.line(status == "ok", "%s: ok" % case.name, diag=why)
        if effect.note:
            tap.line(bool(entry.get("notes")), "%s: a note says what is odd" % case.name)
    count = kbrun.checkpoint_count(full.report, EVERY_RULE, EVERY_CHECKPOINT) or 0
    lo, hi = len(effect.expect), effect.most
    tap.line(lo <= count <= hi, "%s: every record counted once: %d events (%s)" % (
        case.name, count, "%d" % lo if lo == hi else "%d to %d" % (lo, hi)))
    if case.vss is not None and not seed.crashed:
        vss = kbrun.checkpoint_count(seed.report, SEED_RULE, VSS_CHECKPOINT)
        tap.line(vss == case.vss, "%s: the seed rule counts %s VSS errors (%d in the log)" % (
            case.name, vss, case.vss))


if __name__ == "__main__":
    sys.exit(main())
