"""Writes ml/src/test/resources/mask/rle-vectors.json: pycocotools' own answers for random polygons, boxes,
masks, merges, areas, boxes and IoUs, which RleTest checks bit for bit. Tooling only: the test reads the stored
file. Usage: python rle_vectors.py OUT.json  (needs numpy and pycocotools)."""
import json
import random
import sys

import numpy as np
import pycocotools.mask as mu


def poly(rng, h, w):
    n = rng.randint(3, 12)
    cx, cy = rng.uniform(-10, w + 10), rng.uniform(-10, h + 10)
    r = rng.uniform(0.3, max(h, w) / 2)
    pts = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.2:  # integer and half-integer vertices hit the rounding edges
            pts += [round(cx + rng.uniform(-r, r)) + rng.choice([0, 0.5, 0.1, 0.3]),
                    round(cy + rng.uniform(-r, r)) + rng.choice([0, 0.5, 0.7, 0.9])]
        else:
            pts += [cx + rng.uniform(-r, r), cy + rng.uniform(-r, r)]
    if rng.random() < 0.3:
        pts = [round(p, 2) for p in pts]
    return pts


def main(out):
    rng = random.Random(2024)
    cases = []
    for i in range(250):
        h, w = rng.randint(1, 60), rng.randint(1, 60)
        parts = [poly(rng, h, w) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
        rles = mu.frPyObjects(parts, h, w)
        box = [rng.uniform(-5, w), rng.uniform(-5, h), rng.uniform(0, w), rng.uniform(0, h)]
        if i % 10 == 0:
            box = [float(round(v)) for v in box]
        merged = mu.merge(rles)
        m = np.asfortranarray((np.random.default_rng(i).random((h, w)) < rng.choice([0.0, 0.05, 0.5, 0.95, 1.0]))
                              .astype(np.uint8))
        enc = mu.encode(m)
        cases.append({
            "h": h, "w": w, "parts": parts,
            "part_strings": [r["counts"].decode() for r in rles],
            "merged": merged["counts"].decode(),
            "box": box,
            "box_string": mu.frPyObjects(np.array([box]), h, w)[0]["counts"].decode(),
            "area": int(mu.area(merged)),
            "bbox": [float(v) for v in mu.toBbox(merged)],
            "mask_bits": "".join(str(int(b)) for b in m.flatten(order="F")),
            "mask_string": enc["counts"].decode(),
            "mask_area": int(mu.area(enc)),
            "mask_bbox": [float(v) for v in mu.toBbox(enc)],
        })
    # IoU between every pair of masks of one size inside small groups of cases
    ious = []
    for i in range(0, len(cases) - 1):
        a, b = cases[i], cases[i + 1]
        ra = {"size": [a["h"], a["w"]], "counts": a["merged"]}
        for other in (b["merged"], a["mask_string"]):
            if other is b["merged"] and (b["h"], b["w"]) != (a["h"], a["w"]):
                rb = {"size": [b["h"], b["w"]], "counts": other}
            else:
                rb = {"size": [a["h"], a["w"]], "counts": other}
            v = float(mu.iou([ra], [rb], [0])[0][0])
            ious.append({"a": ra, "b": rb, "iou": v})
    json.dump({"generator": "rle_vectors.py seed 2024, pycocotools " + getattr(mu, "__version__", "2.0.11"),
               "cases": cases, "ious": ious}, open(out, "w"))


if __name__ == "__main__":
    main(sys.argv[1])
