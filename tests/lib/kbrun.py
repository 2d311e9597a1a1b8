"""kbrun.py: runs kbscan on a bundle for the crafted-log tests
(tests/e2e/crafted.py, tests/e2e/mutants.py) and reads its JSON report:
whether the run crashed or hung, what the report says of one input, the
other inputs as a baseline comparison sees them, and whether the notes
name a chunk and a record id. Python 3, standard library only."""

import json
import os
import re
import subprocess
import time

# Statuses kbscan may end with after an analysis (README, exit status).
ANALYSED = (0, 1, 3)


class Run:
    """One kbscan run: exit status (negative: killed by that signal), the
    report (None when absent or not JSON), stderr, seconds, timed out."""

    def __init__(self, rc, report, stderr, seconds, timed_out):
        self.rc, self.report, self.stderr = rc, report, stderr
        self.seconds, self.timed_out = seconds, timed_out

    @property
    def crashed(self):
        """No analysis: a signal, a sanitizer's exit, no report."""
        return self.timed_out or self.rc not in ANALYSED or self.report is None

    def describe(self):
        if self.timed_out:
            return "timed out after %.0f s" % self.seconds
        if self.rc < 0:
            return "killed by signal %d" % -self.rc
        if self.report is None:
            return "exit %d, no report: %s" % (self.rc, self.cause())
        return "exit %d" % self.rc

    def cause(self):
        """One line of stderr that says why: a sanitizer's summary, else the
        last line."""
        lines = [line.strip() for line in self.stderr.splitlines() if line.strip()]
        summary = [line for line in lines if line.startswith("SUMMARY:")]
        return (summary or lines or ["nothing on stderr"])[-1][:200]


def run_kbscan(kbscan, rules, paths, out, timeout, extra=()):
    """kbscan --rules RULES --format json -o OUT PATH... within timeout."""
    if os.path.exists(out):
        os.unlink(out)
    cmd = [kbscan, "--rules", rules, "--format", "json", "-o", out] + list(extra) + list(paths)
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
        rc, err, timed_out = p.returncode, p.stderr.decode("utf-8", "replace"), False
    except subprocess.TimeoutExpired as e:
        rc, err, timed_out = None, (e.stderr or b"").decode("utf-8", "replace"), True
    seconds = time.monotonic() - start
    report = None
    try:
        with open(out, encoding="utf-8") as fp:
            report = json.load(fp)
    except (OSError, ValueError):
        pass
    return Run(rc, report, err, seconds, timed_out)


def inputs_by_name(report):
    """The report's inputs by file name (bundles here have unique names)."""
    return {os.path.basename(i["path"]): i for i in report.get("inputs", [])}


def other_inputs(report, skip):
    """Every input but `skip` (a file name), paths reduced to file names,
    for comparison with a baseline run."""
    out = {}
    for name, entry in inputs_by_name(report).items():
        if name != skip:
            entry = dict(entry, path=name)
            out[name] = json.dumps(entry, sort_keys=True)
    return out


def related_checkpoints(rule_id, rules_dir):
    """{checkpoint: {checkpoints it relates to or joins with}} of a rule file."""
    path = os.path.join(rules_dir, rule_id + ".json")
    try:
        rule = json.load(open(path, encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out = {}
    for c in rule.get("checkpoints", []):
        refs = {c[k]["checkpoint"] for k in ("related", "same")
                if isinstance(c.get(k), dict) and "checkpoint" in c[k]}
        if refs:
            out[c["id"]] = refs
    return out


def other_checkpoints(report, skip, folder, rules_dir=None):
    """Every rule's checkpoints that draw on none of the file `skip` (a
    file name), as JSON with the bundle's folder reduced to "B", keyed
    "rule/checkpoint": what the other inputs' facts made of each rule, for
    comparison with a baseline run. (The facts themselves show in the
    report only through them: their evidence, counts and states.)"""
    out = {}
    for r in report.get("rules", []):
        draws = {c["id"] for c in r.get("checkpoints", [])
                 if any(os.path.basename(p) == skip for p in c.get("inputs") or [])}
        # a checkpoint related to (or joined with) one that draws on the
        # file draws on it too, through that one's facts
        follows = related_checkpoints(r["id"], rules_dir) if rules_dir else {}
        for c in r.get("checkpoints", []):
            if c["id"] in draws or follows.get(c["id"], set()) & draws:
                continue
            text = json.dumps(c, sort_keys=True).replace(os.path.abspath(folder), "B").replace(folder, "B")
            out["%s/%s" % (r["id"], c["id"])] = text
    return out


def checkpoint_count(report, rule, checkpoint):
    for r in report.get("rules", []):
        if r["id"] == rule:
            for c in r["checkpoints"]:
                if c["id"] == checkpoint:
                    return c.get("count")
    return None


def notes_text(entry):
    parts = [entry.get("message") or ""]
    for n in entry.get("notes", []):
        parts.append("%s: %s" % (n.get("where", ""), n.get("message", "")))
    return "\n".join(parts)


def names_chunk(entry, chunks):
    """Whether the input's notes name one of the chunks (file positions, as
    "chunk N"); true when there is none to name."""
    text = notes_text(entry)
    return not chunks or any(re.search(r"\bchunk %d\b" % c, text) for c in chunks)


def names_id(entry, ids):
    """Whether the notes name one of the record ids concerned (as a number
    of their own); true when there is none to name. One, not the lowest: a
    reader names the first wrong id it meets in file order (ids renumbered
    out of the chunk's range, 900000), while the lowest may be a record
    that merely follows them (1301, out of order only after 900002)."""
    if not ids:
        return True
    numbers = {int(n) for n in re.findall(r"\d+", notes_text(entry))}
    return bool(numbers & set(ids))
