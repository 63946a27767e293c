#!/usr/bin/python3
# Provenance: a verbatim copy of the project's speed anchor shared/anchors/pytorch-twin/twin.py (sha256
# b147e76bb49f9bc5204828f2bfc9cb678169b643d350ba68266b96ace45c5d5b before these comment lines were added), shipped in
# the jar because a user's clone has no shared/ folder. `bagsflow bench detector --against-twin PYTHON` writes it to
# its work folder and runs it there. If the twin and the Java code ever differ in what a step computes, the Java code
# is the reference: report the difference rather than tune the twin.
"""A plain-PyTorch twin of bagsflow's `small` two-stage detector and its base-training step, for timing.

Mirrors io.bagsflow.ml.detector (DetectorConfig defaults, model/*, train/*, boxes/*, BaseTrainer):
  backbone  6 x (3x3 conv no bias, BN, ReLU): 3->32 s2, 32->32, 32->64 s2, 64->64, 64->128 s2, 128->128
  RPN       3x3 conv 128->128 (bias) + ReLU, then per-anchor objectness (12) and deltas (48) as fc layers over
            channels-last features (the Java code's 1x1 convs run as Linear), 12 anchors per cell on 12x12
  RoIAlign  5x5, sampling ratio 2, aligned=True, scale 1/8 (torchvision.ops.roi_align, or --roi matmul: the
            Java code's separable-weights matrix product)
  box head  fc 3200->256, fc 256->256 (ReLU), cls 256->51, class-specific reg 256->200
  step      RPN anchor targets (MaxIoU 0.7/0.3/0.3, 64 samples, 50% pos), proposals (top 400, decode, clip,
            drop empty, NMS 0.7, keep 128), RoI sampling (gt added, 32/img, 25% pos, IoU 0.5), losses
            (BCE-with-logits, smooth-L1 beta 1/9; CE, class-specific smooth-L1 beta 1), backward, global grad
            norm clip 35, SGD momentum 0.9 wd 1e-4 with linear warm-up, BN-buffer snapshot as BaseTrainer.
Data: random 96x96 RGB images, 1-6 random boxes each, labels 1..50.
"""
import argparse
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

try:
    import torchvision
    from torchvision.ops import roi_align as tv_roi_align, nms as tv_nms, box_iou as tv_box_iou
    HAVE_TV = True
except Exception:  # noqa: BLE001
    HAVE_TV = False

# ---- the `small` preset (DetectorConfig defaults) ----
IMAGE = 96
BATCH = 8
CHANNELS = (32, 64, 128)
BLOCKS = (2, 2, 2)
ANCHOR_SIZES = (0.14, 0.2, 0.28, 0.4)
ANCHOR_RATIOS = (0.7, 1.0, 1.4)
RPN_CH = 128
ROI = 5
ROI_SR = 2
FC = 256
RPN_SAMPLES = 64
RPN_POS_FRAC = 0.5
RPN_POS_IOU, RPN_NEG_IOU, RPN_MIN_POS_IOU = 0.7, 0.3, 0.3
PRE_NMS, POST_NMS, RPN_NMS = 400, 128, 0.7
ROIS = 32
ROI_POS_FRAC = 0.25
ROI_POS_IOU = 0.5
LR, MOMENTUM, WD = 0.02, 0.9, 1e-4
WARMUP, WARMUP_RATIO = 100, 1.0 / 3
CLIP = 35.0
NUM_CLASSES = 50
STRIDE = 1 << len(CHANNELS)
FEAT = IMAGE // STRIDE
A = len(ANCHOR_SIZES) * len(ANCHOR_RATIOS)
MAX_LOG = math.log(1000.0 / 16.0)
ROI_STDS = torch.tensor([0.1, 0.1, 0.2, 0.2])


def anchors_grid():
    out = []
    for y in range(FEAT):
        for x in range(FEAT):
            cx, cy = (x + 0.5) * STRIDE, (y + 0.5) * STRIDE
            for s in ANCHOR_SIZES:
                size = s * IMAGE
                for r in ANCHOR_RATIOS:
                    w, h = size / math.sqrt(r), size * math.sqrt(r)
                    out.append([cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h])
    return torch.tensor(out, dtype=torch.float32)


class Twin(nn.Module):
    def __init__(self):
        super().__init__()
        layers, cin = [], 3
        for s, cout in enumerate(CHANNELS):
            for b in range(BLOCKS[s]):
                layers += [nn.Conv2d(cin, cout, 3, 2 if b == 0 else 1, 1, bias=False), nn.BatchNorm2d(cout),
                           nn.ReLU(inplace=True)]
                cin = cout
        self.backbone = nn.Sequential(*layers)
        self.rpn_conv = nn.Conv2d(cin, RPN_CH, 3, 1, 1)
        self.rpn_obj = nn.Linear(RPN_CH, A)
        self.rpn_reg = nn.Linear(RPN_CH, 4 * A)
        self.fc1 = nn.Linear(ROI * ROI * cin, FC)
        self.fc2 = nn.Linear(FC, FC)
        self.cls = nn.Linear(FC, NUM_CLASSES + 1)
        self.reg = nn.Linear(FC, 4 * NUM_CLASSES)
        # the Java code's initialisations
        for m in self.backbone:
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        for m, std in ((self.rpn_conv, 0.01), (self.rpn_obj, 0.01), (self.rpn_reg, 0.01), (self.cls, 0.01),
                       (self.reg, 0.001)):
            nn.init.normal_(m.weight, std=std)
            nn.init.zeros_(m.bias)
        for m in (self.fc1, self.fc2):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)


# ---- boxes ----
def box_iou(a, b):
    if HAVE_TV:
        return tv_box_iou(a, b)
    area_a = (a[:, 2] - a[:, 0]).clamp(min=0) * (a[:, 3] - a[:, 1]).clamp(min=0)
    area_b = (b[:, 2] - b[:, 0]).clamp(min=0) * (b[:, 3] - b[:, 1]).clamp(min=0)
    lt = torch.max(a[:, None, :2], b[None, :, :2])
    rb = torch.min(a[:, None, 2:], b[None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter / (area_a[:, None] + area_b[None, :] - inter).clamp(min=1e-12)


def own_nms(boxes, scores, thr):
    """Greedy NMS (boxes already in score order is not assumed)."""
    order = scores.argsort(descending=True)
    iou = box_iou(boxes[order], boxes[order])
    n = order.numel()
    removed = torch.zeros(n, dtype=torch.bool)
    keep = []
    iou_gt = (iou > thr)
    for i in range(n):
        if removed[i]:
            continue
        keep.append(i)
        removed |= iou_gt[i]
    return order[torch.tensor(keep, dtype=torch.long)]


def nms(boxes, scores, thr):
    return tv_nms(boxes, scores, thr) if HAVE_TV else own_nms(boxes, scores, thr)


def encode(ref, tgt, stds=None):
    pw = (ref[:, 2] - ref[:, 0]).clamp(min=1e-6)
    ph = (ref[:, 3] - ref[:, 1]).clamp(min=1e-6)
    px = ref[:, 0] + 0.5 * (ref[:, 2] - ref[:, 0])
    py = ref[:, 1] + 0.5 * (ref[:, 3] - ref[:, 1])
    gw = tgt[:, 2] - tgt[:, 0]
    gh = tgt[:, 3] - tgt[:, 1]
    gx = tgt[:, 0] + 0.5 * gw
    gy = tgt[:, 1] + 0.5 * gh
    d = torch.stack([(gx - px) / pw, (gy - py) / ph, torch.log(gw.clamp(min=1e-6) / pw),
                     torch.log(gh.clamp(min=1e-6) / ph)], 1)
    return d / stds if stds is not None else d


def decode(ref, d):
    pw = ref[..., 2] - ref[..., 0]
    ph = ref[..., 3] - ref[..., 1]
    px = ref[..., 0] + 0.5 * pw
    py = ref[..., 1] + 0.5 * ph
    dw = d[..., 2].clamp(-MAX_LOG, MAX_LOG)
    dh = d[..., 3].clamp(-MAX_LOG, MAX_LOG)
    cx = px + d[..., 0] * pw
    cy = py + d[..., 1] * ph
    w = pw * torch.exp(dw)
    h = ph * torch.exp(dh)
    out = torch.stack([cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h], -1)
    return out.clamp(0, IMAGE)


def sample(idx, n, gen):
    if idx.numel() <= n:
        return idx
    return idx[torch.randperm(idx.numel(), generator=gen)[:n]]


# ---- Java-side steps, here in torch ----
def anchor_targets(anchors, gt, gen):
    """MaxIoUAssigner + RandomSampler as AnchorTargets.java: (sampled pos idx, sampled neg idx, deltas of pos)."""
    iou = box_iou(anchors, gt)  # N x G
    best, arg = iou.max(1)
    assigned = torch.full((anchors.shape[0],), -1, dtype=torch.long)
    assigned[best < RPN_NEG_IOU] = 0
    pos = best >= RPN_POS_IOU
    assigned[pos] = arg[pos] + 1
    gt_max = iou.max(0).values
    match = (iou == gt_max[None, :]) & (gt_max[None, :] >= RPN_MIN_POS_IOU)
    has = match.any(1)
    g = gt.shape[0]
    last = g - 1 - match.flip(1).to(torch.uint8).argmax(1)  # Java: the last matching gt wins
    assigned[has] = last[has] + 1
    p = sample(torch.nonzero(assigned > 0).squeeze(1), int(RPN_SAMPLES * RPN_POS_FRAC), gen)
    n = sample(torch.nonzero(assigned == 0).squeeze(1), RPN_SAMPLES - p.numel(), gen)
    return p, n, encode(anchors[p], gt[assigned[p] - 1])


def proposals(anchors, obj, reg):
    """ProposalGenerator.java for all images: top 400, decode, clip, drop empty, NMS 0.7, keep 128."""
    k = min(PRE_NMS, anchors.shape[0])
    scores, order = obj.topk(k, dim=1)  # (B, k), sorted
    boxes = decode(anchors[order], torch.gather(reg, 1, order[..., None].expand(-1, -1, 4)))
    out = []
    for b in range(obj.shape[0]):
        bx, sc = boxes[b], scores[b]
        ok = (bx[:, 2] > bx[:, 0]) & (bx[:, 3] > bx[:, 1])
        bx, sc = bx[ok], sc[ok]
        out.append(bx[nms(bx, sc, RPN_NMS)[:POST_NMS]])
    return out


def roi_sample(props, gt, gt_labels, gen):
    """RoiSampler.java: gt added, IoU >= 0.5 positive, 32 per image, up to 25% positive."""
    cand = torch.cat([gt, props], 0)
    iou = box_iou(cand, gt)
    mx, best = iou.max(1)
    labels = torch.where(mx >= ROI_POS_IOU, gt_labels[best], torch.zeros_like(best))
    p = sample(torch.nonzero(labels > 0).squeeze(1), int(ROIS * ROI_POS_FRAC), gen)
    n = sample(torch.nonzero(labels == 0).squeeze(1), ROIS - p.numel(), gen)
    sel = torch.cat([p, n])
    targets = encode(cand[p], gt[best[p]], ROI_STDS)
    return cand[sel], labels[sel], targets, p.numel()


def roi_align_matmul(feats, rois_b, rois):
    """The Java RoiAlign: per-RoI separable bilinear weights Ry (P x H), Rx (P x W), their outer product as a
    (R*P*P, H*W) matrix per image, times the image's (H*W, C) features. All RoIs per image, same count."""
    B, C, H, W = feats.shape
    P, S = ROI, ROI_SR

    def axis(start, end, extent):  # start, end: (R,) -> (R, P, extent)
        binw = (end - start) / P
        j = torch.arange(P, dtype=torch.float32)
        k = torch.arange(S, dtype=torch.float32)
        c = start[:, None, None] + j[None, :, None] * binw[:, None, None] + (k[None, None, :] + 0.5) * \
            binw[:, None, None] / S  # (R, P, S)
        valid = (c >= -1) & (c <= extent)
        c = c.clamp(min=0)
        low = c.floor().long()
        at_end = low >= extent - 1
        low = torch.where(at_end, torch.full_like(low, extent - 1), low)
        high = torch.where(at_end, low, low + 1)
        c = torch.where(at_end, low.float(), c)
        l = c - low.float()
        wgt = torch.zeros(c.shape[0], P, extent)
        vw = valid.float() / S
        wgt.scatter_add_(2, low, (1 - l) * vw)
        wgt.scatter_add_(2, high, l * vw)
        return wgt

    sc = 1.0 / STRIDE
    ry = axis(rois[:, 1] * sc - 0.5, rois[:, 3] * sc - 0.5, H)
    rx = axis(rois[:, 0] * sc - 0.5, rois[:, 2] * sc - 0.5, W)
    R = rois.shape[0] // B
    w = (ry[:, :, None, :, None] * rx[:, None, :, None, :]).reshape(B, R * P * P, H * W)
    pix = feats.reshape(B, C, H * W).transpose(1, 2)
    return torch.bmm(w, pix).reshape(B * R, P * P * C)


def make_batches(count, gen):
    out = []
    for _ in range(count):
        images = torch.rand(BATCH, 3, IMAGE, IMAGE, generator=gen)
        gts, labels = [], []
        for _ in range(BATCH):
            n = int(torch.randint(1, 7, (1,), generator=gen))
            wh = (0.14 + 0.28 * torch.rand(n, 2, generator=gen)) * IMAGE
            xy = torch.rand(n, 2, generator=gen) * (IMAGE - wh)
            gts.append(torch.cat([xy, xy + wh], 1))
            labels.append(torch.randint(1, NUM_CLASSES + 1, (n,), generator=gen))
        out.append((images, gts, labels))
    return out


def lr_at(it, iterations):
    lr = LR
    for s in (0.75, 0.92):
        if it >= round(s * iterations):
            lr *= 0.1
    if it < WARMUP:
        lr *= 1 - (1 - it / WARMUP) * (1 - WARMUP_RATIO)
    return lr


def train_step(model, opt, anchors, batch, gen, it, iterations, roi_mode, bn_names, state):
    images, gts, gt_labels = batch
    B = images.shape[0]
    N = anchors.shape[0]
    snapshot = {k: state[k].clone() for k in bn_names}  # BaseTrainer snapshots BN buffers every step

    feats = model.backbone(images)
    t = F.relu(model.rpn_conv(feats)).permute(0, 2, 3, 1)
    obj = model.rpn_obj(t).reshape(B, N)
    reg = model.rpn_reg(t).reshape(B, N, 4)

    with torch.no_grad():
        sel, lab, pos_rows, pos_tgt = [], [], [], []
        for b in range(B):
            p, n, d = anchor_targets(anchors, gts[b], gen)
            sel += [p + b * N, n + b * N]
            lab += [torch.ones(p.numel()), torch.zeros(n.numel())]
            pos_rows.append(p + b * N)
            pos_tgt.append(d)
        sel, lab = torch.cat(sel), torch.cat(lab)
        pos_rows, pos_tgt = torch.cat(pos_rows), torch.cat(pos_tgt)
        norm = max(sel.numel(), 1)
    rpn_cls = F.binary_cross_entropy_with_logits(obj.reshape(-1)[sel], lab, reduction="sum") / norm
    rpn_box = F.smooth_l1_loss(reg.reshape(-1, 4)[pos_rows], pos_tgt, beta=1.0 / 9, reduction="sum") / norm

    with torch.no_grad():
        props = proposals(anchors, obj.detach(), reg.detach())
        rois, labels, tgts, npos, bidx = [], [], [], [], []
        for b in range(B):
            r, l, tg, np_ = roi_sample(props[b], gts[b], gt_labels[b], gen)
            rois.append(r)
            labels.append(l)
            tgts.append(tg)
            npos.append(np_)
            bidx.append(torch.full((r.shape[0], 1), float(b)))
        counts = [r.shape[0] for r in rois]
        starts = [sum(counts[:b]) for b in range(B)]
        pos_idx = torch.cat([torch.arange(starts[b], starts[b] + npos[b]) for b in range(B)])
        rois_cat = torch.cat(rois)
        labels = torch.cat(labels)
        tgts = torch.cat(tgts)
    if roi_mode == "torchvision":
        pooled = tv_roi_align(feats, torch.cat([torch.cat(bidx), rois_cat], 1), (ROI, ROI), 1.0 / STRIDE, ROI_SR,
                              True).flatten(1)
    else:
        assert all(c == ROIS for c in counts)
        pooled = roi_align_matmul(feats, None, rois_cat)
    h = F.relu(model.fc1(pooled))
    h = F.relu(model.fc2(h))
    logits = model.cls(h)
    deltas = model.reg(h).reshape(-1, NUM_CLASSES, 4)
    rcnn_cls = F.cross_entropy(logits, labels)
    pred = deltas[pos_idx, labels[pos_idx] - 1]
    rcnn_box = F.smooth_l1_loss(pred, tgts, beta=1.0, reduction="sum") / max(labels.numel(), 1)

    parts = (rpn_cls, rpn_box, rcnn_cls, rcnn_box)
    values = [p.item() for p in parts]
    if not all(math.isfinite(v) for v in values):
        opt.zero_grad(set_to_none=True)
        return values, False
    total = rpn_cls + rpn_box + rcnn_cls + rcnn_box
    total.backward()
    gnorm = float(torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP))
    if not math.isfinite(gnorm):
        opt.zero_grad(set_to_none=True)
        with torch.no_grad():
            for k in bn_names:
                state[k].copy_(snapshot[k])
        return values, False
    for g in opt.param_groups:
        g["lr"] = lr_at(it, iterations)
    opt.step()
    opt.zero_grad(set_to_none=True)
    return values, True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--iters", type=int, default=200)
    ap.add_argument("--roi", choices=["torchvision", "matmul"], default="torchvision" if HAVE_TV else "matmul")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--params-only", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    model = Twin()
    n_train = sum(p.numel() for p in model.parameters())
    n_buf = sum(b.numel() for n, b in model.named_buffers() if not n.endswith("num_batches_tracked"))
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__ if HAVE_TV else 'absent'}, "
          f"threads {torch.get_num_threads()}, roi {a.roi}, mkldnn {torch.backends.mkldnn.is_available()}")
    print(f"parameters: {n_train} trainable, {n_buf} BN running-stat buffers")
    if a.params_only:
        for n, p in model.named_parameters():
            print(f"  {n:24s} {tuple(p.shape)} {p.numel()}")
        return
    model.train()
    anchors = anchors_grid()
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=WD)
    batches = make_batches(16, gen)
    state = dict(model.named_buffers())
    bn_names = [k for k in state if k.endswith("running_mean") or k.endswith("running_var")]
    total_iters = a.warmup + a.iters
    times = []
    skipped = 0
    losses = None
    for it in range(total_iters):
        t0 = time.perf_counter()
        losses, ok = train_step(model, opt, anchors, batches[it % len(batches)], gen, it, 3000, a.roi, bn_names,
                                state)
        dt = time.perf_counter() - t0
        skipped += 0 if ok else 1
        if it >= a.warmup:
            times.append(dt)
        if (it + 1) % 20 == 0:
            print(f"  it {it + 1}: loss {sum(losses):.3f} ({', '.join(f'{v:.3f}' for v in losses)}), "
                  f"step {dt * 1000:.1f} ms", flush=True)
    times.sort()
    ips = BATCH * len(times) / sum(times)
    print(f"RESULT threads={a.threads} roi={a.roi}: {ips:.1f} images/s over {len(times)} iterations after "
          f"{a.warmup} warm-up (mean step {1000 * sum(times) / len(times):.1f} ms, median "
          f"{1000 * times[len(times) // 2]:.1f} ms), skipped {skipped}")


if __name__ == "__main__":
    main()
