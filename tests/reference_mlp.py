"""An independent, deliberately plain NumPy MLP used only to check the engine.

Row-major (batch, units) arrays, textbook formulas, no shared code with
``playground.engine``: if both agree step by step, both are probably right.

A maxout layer of n units takes weights of shape (2n, n_in): the first n rows
are each unit's first linear piece, the last n its second.
"""

from __future__ import annotations

import numpy as np

ACT = {
    "linear": (lambda z: z, lambda z, a: np.ones_like(z)),
    "tanh": (np.tanh, lambda z, a: 1 - a**2),
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z, a: a * (1 - a)),
    "relu": (lambda z: np.maximum(z, 0), lambda z, a: (z > 0).astype(float)),
    "leaky_relu": (lambda z: np.where(z > 0, z, 0.01 * z), lambda z, a: np.where(z > 0, 1, 0.01)),
    "elu": (
        lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))),
        lambda z, a: np.where(z > 0, 1, a + 1),
    ),
}


def maxout(z):
    """Maxout units from their pre-activations ``z`` = [piece 1 | piece 2] (batch, 2n):
    max(piece 1, piece 2), shape (batch, n)."""
    n = z.shape[1] // 2
    return np.maximum(z[:, :n], z[:, n:])


def maxout_backward(z, da):
    """dLoss/dz (batch, 2n) from dLoss/da (batch, n): each gradient goes to the
    piece that won (the first on a tie)."""
    n = z.shape[1] // 2
    first = z[:, :n] >= z[:, n:]
    return np.concatenate([da * first, da * ~first], axis=1)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class ReferenceMLP:
    def __init__(self, weights, hidden_act, output, loss):
        self.W = [np.array(W, dtype=float) for W, _ in weights]
        self.b = [np.array(b, dtype=float) for _, b in weights]
        self.hidden_act, self.output, self.loss = hidden_act, output, loss
        self.t = 0
        self.m = [np.zeros_like(p) for p in self.W + self.b]
        self.v = [np.zeros_like(p) for p in self.W + self.b]

    def loss_and_grads(self, X, Y):
        acts, zs = [X], []
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            z = acts[-1] @ W.T + b
            zs.append(z)
            last = i == len(self.W) - 1
            if last and self.output == "softmax":
                a = softmax(z)
            elif not last and self.hidden_act == "maxout":
                a = maxout(z)
            else:
                a = ACT[self.output if last else self.hidden_act][0](z)
            acts.append(a)
        n = X.shape[0]
        a, z = acts[-1], zs[-1]
        if self.loss == "square":
            loss = 0.5 * ((a - Y) ** 2).sum() / n
            delta = (a - Y) * ACT[self.output][1](z, a) / n
        elif self.loss == "softmax_ce":
            loss = -(Y * np.log(a)).sum() / n
            delta = (a - Y) / n
        elif self.loss == "bce":
            loss = -(Y * np.log(a) + (1 - Y) * np.log(1 - a)).sum() / n
            delta = (a - Y) / n
        gW, gb = [None] * len(self.W), [None] * len(self.W)
        for i in range(len(self.W) - 1, -1, -1):
            gW[i] = delta.T @ acts[i]
            gb[i] = delta.sum(axis=0)
            if i:
                da = delta @ self.W[i]
                if self.hidden_act == "maxout":
                    delta = maxout_backward(zs[i - 1], da)
                else:
                    delta = da * ACT[self.hidden_act][1](zs[i - 1], acts[i])
        return loss, gW, gb

    def step(self, X, Y, optimizer, lr, beta1=0.9, beta2=0.999, eps=1e-8, mu=0.9):
        loss, gW, gb = self.loss_and_grads(X, Y)
        params, grads = self.W + self.b, gW + gb
        self.t += 1
        for p, g, m, v in zip(params, grads, self.m, self.v):
            if optimizer == "sgd":
                p -= lr * g
            elif optimizer == "momentum":
                m[:] = mu * m + g
                p -= lr * m
            elif optimizer == "adam":
                m[:] = beta1 * m + (1 - beta1) * g
                v[:] = beta2 * v + (1 - beta2) * g * g
                mh, vh = m / (1 - beta1**self.t), v / (1 - beta2**self.t)
                p -= lr * mh / (np.sqrt(vh) + eps)
        return loss
