"""An independent, deliberately plain NumPy conv net used only to check the engine.

Batch-first ``(n, C, H, W)`` images, ``np.pad`` for the 'same' zero padding,
``sliding_window_view`` + ``einsum`` for the convolution, reshapes for the
pooling, textbook backprop and plain SGD: no shared code with
``playground.engine``. If both agree step by step, both are probably right.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

ACT = {
    "linear": (lambda z: z, lambda z, a: np.ones_like(z)),
    "tanh": (np.tanh, lambda z, a: 1 - a**2),
    "relu": (lambda z: np.maximum(z, 0), lambda z, a: (z > 0).astype(float)),
}


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class ReferenceConvNet:
    """conv ('same', stride 1) -> act -> [2x2 pool] per stage, then dense -> softmax CE."""

    def __init__(self, conv_weights, dense_weights, act, pool, input_shape, l2=0.0):
        self.K = [np.array(K, dtype=float) for K, _ in conv_weights]
        self.kb = [np.array(b, dtype=float) for _, b in conv_weights]
        self.W = [np.array(W, dtype=float) for W, _ in dense_weights]
        self.b = [np.array(b, dtype=float) for _, b in dense_weights]
        self.act, self.pool, self.shape, self.l2 = act, pool, tuple(input_shape), l2

    # ------------------------------------------------------------ pieces
    @staticmethod
    def _windows(x, k):
        p = k // 2
        xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        return sliding_window_view(xp, (k, k), axis=(2, 3))  # (n, C, H, W, k, k)

    def _pool(self, a):
        n, c, h, w = a.shape
        blocks = a[:, :, : h // 2 * 2, : w // 2 * 2].reshape(n, c, h // 2, 2, w // 2, 2)
        blocks = blocks.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h // 2, w // 2, 4)
        return blocks.max(axis=-1) if self.pool == "max" else blocks.mean(axis=-1), blocks

    def _unpool(self, g, blocks, shape):
        n, c, h2, w2, _ = blocks.shape
        if self.pool == "max":
            first = blocks.argmax(axis=-1)  # argmax returns the first maximum
            spread = (np.arange(4) == first[..., None]) * g[..., None]
        else:
            spread = np.repeat(g[..., None] / 4, 4, axis=-1)
        spread = spread.reshape(n, c, h2, w2, 2, 2).transpose(0, 1, 2, 4, 3, 5)
        out = np.zeros(shape)
        out[:, :, : h2 * 2, : w2 * 2] = spread.reshape(n, c, h2 * 2, w2 * 2)
        return out

    # ------------------------------------------------------ forward/back
    def loss_and_grads(self, X, Y):
        n = X.shape[0]
        f, df = ACT[self.act]
        x = X.reshape(n, *self.shape)
        saved = []
        for K, b in zip(self.K, self.kb):
            win = self._windows(x, K.shape[-1])
            z = np.einsum("nchwij,ocij->nohw", win, K) + b[None, :, None, None]
            a = f(z)
            blocks = None
            out = a
            if self.pool != "none":
                out, blocks = self._pool(a)
            saved.append((x, win, z, a, blocks))
            x = out
        conv_shape = x.shape
        acts, zs = [x.reshape(n, -1)], []
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            z = acts[-1] @ W.T + b
            zs.append(z)
            acts.append(softmax(z) if i == len(self.W) - 1 else f(z))
        loss = -(Y * np.log(acts[-1])).sum() / n  # the data loss (the penalty is not in it)
        delta = (acts[-1] - Y) / n
        gW, gb = [None] * len(self.W), [None] * len(self.W)
        for i in range(len(self.W) - 1, -1, -1):
            gW[i] = delta.T @ acts[i] + self.l2 * self.W[i]
            gb[i] = delta.sum(axis=0)
            delta = delta @ self.W[i]
            if i > 0:
                delta = delta * df(zs[i - 1], acts[i])
        g = delta.reshape(conv_shape)
        gK, gkb = [None] * len(self.K), [None] * len(self.K)
        for s in range(len(self.K) - 1, -1, -1):
            x, win, z, a, blocks = saved[s]
            if blocks is not None:
                g = self._unpool(g, blocks, a.shape)
            dz = g * df(z, a)
            K = self.K[s]
            k = K.shape[-1]
            gK[s] = np.einsum("nohw,nchwij->ocij", dz, win) + self.l2 * K
            gkb[s] = dz.sum(axis=(0, 2, 3))
            p = k // 2
            h, w = x.shape[2:]
            dxp = np.zeros((n, x.shape[1], h + 2 * p, w + 2 * p))
            for i in range(k):
                for j in range(k):
                    dxp[:, :, i : i + h, j : j + w] += np.einsum("nohw,oc->nchw", dz, K[:, :, i, j])
            g = dxp[:, :, p : p + h, p : p + w]
        return loss, gK, gkb, gW, gb

    def sgd_step(self, X, Y, lr):
        loss, gK, gkb, gW, gb = self.loss_and_grads(X, Y)
        for params, grads in ((self.K, gK), (self.kb, gkb), (self.W, gW), (self.b, gb)):
            for p, g in zip(params, grads):
                p -= lr * g
        return loss
