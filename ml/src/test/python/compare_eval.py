"""Compares a `bagsflow eval --json` output with an expected.json (results and per_category) within 1e-9.
Usage: python compare_eval.py EXPECTED.json ACTUAL.json; exits 1 and lists the differences if any."""
import json
import sys

exp, act = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
bad = []
for k, v in exp["results"].items():
    if abs(v - act["results"][k]) > 1e-9:
        bad.append(("results", k, v, act["results"][k]))
got = {c["category_id"]: c for c in act["per_category"]}
worst = 0.0
for c in exp["per_category"]:
    a = got[c["category_id"]]
    for k in ("ap", "ap50", "ap75", "aps", "apm", "apl", "ar", "ars", "arm", "arl"):
        d = abs(c[k] - a[k])
        worst = max(worst, d)
        if d > 1e-9:
            bad.append((c["category_id"], k, c[k], a[k]))
print(sys.argv[1], "OK" if not bad else "DIFF", "max per-category |diff| %.3g" % worst, bad[:10])
sys.exit(1 if bad else 0)
