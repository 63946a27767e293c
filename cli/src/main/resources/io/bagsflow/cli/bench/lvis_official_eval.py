"""The official lvis-api evaluation of one results file, for `bagsflow bench eval --against-official PYTHON`.

Runs LVISEval(ANNOTATIONS, RESULTS, iou_type).run() unmodified and writes OUT.json with the keys of
`bagsflow eval --json`: "results" (the official LVISEval.results, 13 values) and "per_category" (one entry per
category id, sorted; each value the mean over the entries > -1 of the official precision/recall slice, -1 if
none, as lvis-api's _summarize takes means). Floats are written with repr, so they read back exactly.
Usage: python lvis_official_eval.py ANNOTATIONS.json RESULTS.json bbox|segm OUT.json
"""
import json
import sys
import time

t0 = time.time()
import numpy as np  # noqa: E402
from lvis import LVISEval  # noqa: E402

gt_path, dt_path, iou_type, out_path = sys.argv[1:5]
ev = LVISEval(gt_path, dt_path, iou_type)
t_loaded = time.time()
ev.run()
t_ran = time.time()


def mean_star(a):
    v = a[a > -1]
    return float(np.mean(v)) if v.size else -1.0


precision = ev.eval["precision"]  # [T, R, K, A]
recall = ev.eval["recall"]  # [T, K, A]
per_category = []
for k, cat_id in enumerate(ev.params.cat_ids):
    per_category.append({
        "category_id": int(cat_id),
        "ap": mean_star(precision[:, :, k, 0]),
        "ap50": mean_star(precision[0, :, k, 0]),
        "ap75": mean_star(precision[5, :, k, 0]),
        "aps": mean_star(precision[:, :, k, 1]),
        "apm": mean_star(precision[:, :, k, 2]),
        "apl": mean_star(precision[:, :, k, 3]),
        "ar": mean_star(recall[:, k, 0]),
        "ars": mean_star(recall[:, k, 1]),
        "arm": mean_star(recall[:, k, 2]),
        "arl": mean_star(recall[:, k, 3]),
    })
out = {
    "results": {k: float(v) for k, v in ev.results.items()},
    "per_category": per_category,
    "seconds": {"load": t_loaded - t0, "evaluate": t_ran - t_loaded},
}
with open(out_path, "w") as f:
    json.dump(out, f)
