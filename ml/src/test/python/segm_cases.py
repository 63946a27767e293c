"""Makes extra segm evaluation cases the way the lvis-golden segm cases were made, and scores them with the
official lvis-api (github HEAD 7d7f07d, unmodified eval.py/lvis.py/results.py) and pycocotools.

Tooling only: tests read stored numbers. Usage (a venv with numpy, pycocotools; lvis-api HEAD on PYTHONPATH):
  python segm_cases.py GT.json OUT_DIR --seed N --mix default|clean|noisy --format crle|mixed|boxonly|bigfirst
writes OUT_DIR/detections.json and OUT_DIR/expected.json ({"results", "per_category", "counts"} as the golden
README describes; per_category has ap..arl, num_gt is not written).
"""
import argparse
import json
import random
import time

import numpy as np
import pycocotools.mask as mu
from lvis import LVIS, LVISEval, LVISResults


def runs(mask):
    """Uncompressed RLE counts of an h x w mask, column-major, starting with zeros."""
    flat = mask.flatten(order="F").astype(np.uint8)
    out, prev, c = [], 0, 0
    change = np.flatnonzero(np.diff(np.concatenate(([0], flat))) != 0)
    last = 0
    for i in change:
        out.append(int(i - last))
        last = i
    out.append(int(len(flat) - last))
    return out


def crle(mask):
    r = mu.encode(np.asfortranarray(mask.astype(np.uint8)))
    return {"size": [int(mask.shape[0]), int(mask.shape[1])], "counts": r["counts"].decode()}


def shift(m, dy, dx):
    out = np.zeros_like(m)
    h, w = m.shape
    ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    out[yd, xd] = m[ys, xs]
    return out


def morph(m, k, dilate, eight):
    for _ in range(k):
        moves = [(0, 1), (1, 0), (0, -1), (-1, 0)] + ([(1, 1), (1, -1), (-1, 1), (-1, -1)] if eight else [])
        acc = m.copy()
        for dy, dx in moves:
            s = shift(m, dy, dx)
            acc = (acc | s) if dilate else (acc & s)
        m = acc
    return m


def rand_poly(rng, h, w, cx=None, cy=None, r=None):
    cx = rng.uniform(0, w) if cx is None else cx
    cy = rng.uniform(0, h) if cy is None else cy
    r = rng.uniform(3, max(h, w) / 4) if r is None else r
    n = rng.randint(3, 10)
    angles = sorted(rng.uniform(0, 2 * np.pi) for _ in range(n))
    pts = []
    for a in angles:
        rr = r * rng.uniform(0.5, 1.2)
        pts += [cx + rr * np.cos(a), cy + rr * np.sin(a)]
    return [pts]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gt")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mix", default="default")
    ap.add_argument("--format", default="crle")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    gt = LVIS(a.gt)
    jitter = {"clean": 0.02, "default": 0.06, "noisy": 0.15}[a.mix]
    fp_rate = {"clean": 3, "default": 8, "noisy": 20}[a.mix]
    cat_ids = sorted(gt.cats)
    dets = []  # (record, polygon-or-None)

    def add(img, cat, mask, score, poly=None):
        dets.append(({"image_id": img["id"], "category_id": cat, "score": score}, mask, poly))

    def score(lo, hi):
        s = rng.uniform(lo, hi)
        return round(s, 2) if a.mix == "noisy" or rng.random() < 0.2 else round(s, 6)

    img_ids = sorted(gt.imgs)
    big = set(rng.sample(img_ids, 3))
    for img_id in img_ids:
        img = gt.imgs[img_id]
        h, w = img["height"], img["width"]
        anns = gt.load_anns(gt.get_ann_ids(img_ids=[img_id]))
        present = sorted({x["category_id"] for x in anns})
        neg = img.get("neg_category_ids", [])
        nel = img.get("not_exhaustive_category_ids", [])
        for ann in anns:
            g = mu.decode(gt.ann_to_rle(ann)).astype(bool)
            if rng.random() < 0.88:
                kind = rng.random()
                poly = None
                if kind < 0.4 and isinstance(ann["segmentation"], list):
                    sx, sy = rng.gauss(0, jitter * ann["bbox"][2]), rng.gauss(0, jitter * ann["bbox"][3])
                    sc = 1 + rng.gauss(0, jitter)
                    cx, cy = ann["bbox"][0] + ann["bbox"][2] / 2, ann["bbox"][1] + ann["bbox"][3] / 2
                    poly = []
                    for part in ann["segmentation"]:
                        p = []
                        for i in range(0, len(part), 2):
                            p += [cx + (part[i] - cx) * sc + sx + rng.gauss(0, jitter * 10),
                                  cy + (part[i + 1] - cy) * sc + sy + rng.gauss(0, jitter * 10)]
                        poly.append(p)
                    if len(poly) > 1 and rng.random() < 0.3:
                        poly = [poly[0]]
                    m = mu.decode(mu.merge(mu.frPyObjects(poly, h, w))).astype(bool)
                elif kind < 0.7:
                    m = morph(g, rng.randint(1, 3), rng.random() < 0.5, rng.random() < 0.5)
                elif kind < 0.85:
                    x, y, bw, bh = mu.toBbox(gt.ann_to_rle(ann))
                    m = np.zeros((h, w), bool)
                    m[int(y):int(y + bh), int(x):int(x + bw)] = True
                else:
                    m = shift(g, rng.randint(-8, 8), rng.randint(-8, 8))
                add(img, ann["category_id"], m, score(0.3, 1.0), poly)
            while rng.random() < 0.25:
                add(img, ann["category_id"], morph(g, 1, rng.random() < 0.5, False), score(0.0, 0.6))
            if rng.random() < 0.08:
                others = [c for c in present + list(neg) if c != ann["category_id"]]
                if others:
                    add(img, rng.choice(others), g, score(0.0, 0.8))
        n_fp = rng.randint(0, fp_rate) + (320 if img_id in big else 0)
        for _ in range(n_fp):
            u = rng.random()
            if u < 0.3 and present:
                cat = rng.choice(present)
            elif u < 0.5 and neg:
                cat = rng.choice(neg)
            elif u < 0.6 and nel:
                cat = rng.choice(nel)
            else:
                cat = rng.choice(cat_ids)
            v = rng.random()
            poly = None
            if v < 0.05:
                m = np.zeros((h, w), bool)  # empty
            elif v < 0.08:
                m = np.ones((h, w), bool)
            elif v < 0.12:
                m = np.zeros((h, w), bool)
                m[: rng.randint(1, 5), :] = True  # edge strip with pixel (0, 0)
            elif v < 0.16:
                s = rng.choice([1023, 1024, 1025, 9215, 9216, 9217])
                f = [d for d in range(1, 200) if s % d == 0 and s // d <= min(h, w) and d <= min(h, w)]
                m = np.zeros((h, w), bool)
                if f:
                    d = rng.choice(f)
                    y0, x0 = rng.randint(0, h - d), rng.randint(0, w - s // d)
                    m[y0:y0 + d, x0:x0 + s // d] = True
            else:
                poly = rand_poly(rng, h, w)
                m = mu.decode(mu.merge(mu.frPyObjects(poly, h, w))).astype(bool)
            add(img, cat, m, score(0.0, 0.7), poly)

    rng.shuffle(dets)
    if a.format == "bigfirst":  # the first record's image has > 300 detections
        first = next(i for i, d in enumerate(dets) if d[0]["image_id"] in big)
        dets.insert(0, dets.pop(first))
    records = []
    for rec, m, poly in dets:
        r = dict(rec)
        if a.format in ("crle", "bigfirst"):
            r["segmentation"] = crle(m)
        else:
            x, y, bw, bh = [float(v) for v in mu.toBbox(mu.encode(np.asfortranarray(m.astype(np.uint8))))]
            if rng.random() < 0.3:
                x, y = x + rng.uniform(-0.12, 0.12) * bw, y + rng.uniform(-0.12, 0.12) * bh
                bw, bh = bw * rng.uniform(0.88, 1.12), bh * rng.uniform(0.88, 1.12)
            r["bbox"] = [x, y, bw, bh]
            f = rng.random()
            if a.format == "boxonly" and f < 0.15:
                pass  # no segmentation: lvis-api rasterises the box
            elif poly is not None and f < 0.5:
                r["segmentation"] = poly
            elif f < 0.7:
                r["segmentation"] = {"size": [int(m.shape[0]), int(m.shape[1])], "counts": runs(m)}
            else:
                r["segmentation"] = crle(m)
        records.append(r)
    if a.format in ("mixed", "boxonly") and isinstance(records[0].get("segmentation"), dict):
        # start with a polygon or uncompressed record, as s7 does, when there is one
        for i, r in enumerate(records):
            if isinstance(r.get("segmentation"), list):
                records.insert(0, records.pop(i))
                break

    import os
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "detections.json"), "w") as f:
        json.dump(records, f)

    t0 = time.time()
    dt = LVISResults(gt, os.path.join(a.out, "detections.json"))
    e = LVISEval(gt, dt, iou_type="segm")
    e.run()
    took = time.time() - t0
    prec, rec = e.eval["precision"], e.eval["recall"]

    def mean(x):
        x = x[x > -1]
        return float(np.mean(x)) if x.size else -1.0

    per_cat = []
    for k, cid in enumerate(e.params.cat_ids):
        per_cat.append({
            "category_id": cid,
            "ap": mean(prec[:, :, k, 0]), "ap50": mean(prec[0, :, k, 0]), "ap75": mean(prec[5, :, k, 0]),
            "aps": mean(prec[:, :, k, 1]), "apm": mean(prec[:, :, k, 2]), "apl": mean(prec[:, :, k, 3]),
            "ar": mean(rec[:, k, 0]), "ars": mean(rec[:, k, 1]), "arm": mean(rec[:, k, 2]), "arl": mean(rec[:, k, 3]),
        })
    out = {
        "case": os.path.basename(a.out.rstrip("/")),
        "iou_type": "segm",
        "generation": {"seed": a.seed, "mix": a.mix, "format": a.format, "detections": len(records)},
        "results": {k: float(v) for k, v in e.results.items()},
        "per_category": per_cat,
        "counts": {"input_detections": len(records), "after_max_dets_per_image": len(dt.anns)},
        "official_eval_s": took,
    }
    with open(os.path.join(a.out, "expected.json"), "w") as f:
        json.dump(out, f, indent=1)
    print(out["case"], len(records), out["results"]["AP"], "%.1fs" % took)


if __name__ == "__main__":
    main()
