#!/usr/bin/python3
"""normalise.py: prints a kbscan JSON report with the volatile fields
(run time, duration, version) set aside, for golden comparisons."""
import json
import sys

def normalise(report):
    report["kbscan"]["version"] = "<volatile>"
    report["analysis"]["started"] = "<volatile>"
    report["analysis"]["duration_ms"] = "<volatile>"
    return report

if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    json.dump(normalise(data), sys.stdout, indent=2, ensure_ascii=False, sort_keys=False)
    sys.stdout.write("\n")
