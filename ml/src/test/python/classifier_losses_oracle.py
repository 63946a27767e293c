"""Reference numbers for ClassifierLossesTest, computed independently of the Java code with numpy (float64).

Run: python3 ml/src/test/python/classifier_losses_oracle.py
The formulas follow the official sources named in each Java class (focal loss, Balanced Softmax, EQLv2's
eqlv2.py, mmdetection's seesaw_loss.py); the test stores the printed numbers, so it needs neither numpy nor torch.
"""
import numpy as np

np.set_printoptions(precision=17)


def log_softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def softmax(z):
    return np.exp(log_softmax(z))


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# plain C+1 softmax layout, background at 0; three RoIs labelled 0, 1, 2
Z = np.array([[0.5, -1.0, 2.0], [1.5, 0.2, -0.3], [-0.7, 0.4, 1.1]])
Y = np.array([0, 1, 2])
n = len(Y)

logp = log_softmax(Z)[np.arange(n), Y]
p = np.exp(logp)
print("focal gamma 2:", repr(float(-((1 - p) ** 2 * logp).sum() / n)))

counts = np.array([100, 2])
off = np.concatenate([[0.0], np.log(counts) - np.log(counts).mean()])
print("balanced offsets:", repr(off.tolist()))
print("balanced softmax:", repr(float(-log_softmax(Z + off)[np.arange(n), Y].sum() / n)))

# EQLv2 on C+1 sigmoids (background/objectness at 0 here; the official code has it last)
T = np.zeros_like(Z)
T[np.arange(n), Y] = 1


def bce(z, t):
    return np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))


gamma, mu, alpha = 12.0, 0.8, 4.0
# step 1: no gradient collected yet, every weight 1
w1 = np.ones_like(Z)
print("eqlv2 step 1:", repr(float((bce(Z, T) * w1).sum() / n)))
g = np.abs(sigmoid(Z) - T)
pos = (g * T * w1).sum(axis=0)[1:]
neg = (g * (1 - T) * w1).sum(axis=0)[1:]
neg_w = np.concatenate([[1.0], 1 / (1 + np.exp(-gamma * (pos / (neg + 1e-10) - mu)))])
pos_w = 1 + alpha * (1 - neg_w)
w2 = pos_w[None, :] * T + neg_w[None, :] * (1 - T)
print("eqlv2 neg weights after step 1:", repr(neg_w.tolist()))
print("eqlv2 step 2 (same logits):", repr(float((bce(Z, T) * w2).sum() / n)))
s = sigmoid(Z)
print("sigmoid scores row 0:", repr([s[0, 0], s[0, 1] * (1 - s[0, 0]), s[0, 2] * (1 - s[0, 0])]))

# Seesaw on an objectness softmax: logits (bg, fg, class 1..3); RoIs labelled 0, 1, 2, 1
ZS = np.array([
    [1.0, -0.5, 0.3, 0.1, -0.2],
    [-0.2, 0.8, 0.5, 1.5, -1.0],
    [0.1, 0.4, 2.0, -0.3, 0.7],
    [0.0, 1.2, -0.4, 0.9, 0.6],
])
YS = np.array([0, 1, 2, 1])
ns = len(YS)
C = 3
p_, q_, eps = 0.8, 2.0, 1e-2
cum = np.zeros(C)
for y in YS[YS > 0]:
    cum[y - 1] += 1
obj = log_softmax(ZS[:, :2])
obj_loss = -obj[np.arange(ns), (YS > 0).astype(int)].sum() / ns
cls = ZS[:, 2:]
pos_rows = np.where(YS > 0)[0]
labels = YS[pos_rows] - 1
z = cls[pos_rows]
onehot = np.eye(C)[labels]
ratio = cum[None, :].clip(min=1) / cum[:, None].clip(min=1)
index = (ratio < 1.0).astype(float)
mitigation = (ratio ** p_ * index + (1 - index))[labels, :]
scores = softmax(z)
self_scores = scores[np.arange(len(labels)), labels]
sm = scores / self_scores[:, None].clip(min=eps)
index = (sm > 1.0).astype(float)
compensation = sm ** q_ * index + (1 - index)
adjusted = z + np.log(mitigation * compensation) * (1 - onehot)
cls_loss = -log_softmax(adjusted)[np.arange(len(labels)), labels].sum() / ns
print("seesaw:", repr(float(obj_loss + cls_loss)))
print("seesaw offsets row 1:", repr((np.log(mitigation * compensation) * (1 - onehot))[0].tolist()))
po = softmax(ZS[:, :2])
pc = softmax(ZS[:, 2:])
print("objectness scores row 1:", repr([po[1, 0]] + (pc[1] * po[1, 1]).tolist()))
