"""Building blocks of one layer: dense product, batch normalisation, dropout.

All arrays are feature-major ``(units, batch)``; a dense layer's weights are
``W[out, in]`` (the same layout as ``torch.nn.Linear.weight``), so the forward
pass is ``Z = W @ A + b``. Small products (the 2-D toy networks: a handful of
units and a batch of ten) are cheaper as plain loops than as BLAS calls, whose
fixed cost per call dominates; large ones (MNIST's 784x128) go to BLAS.
"""

from __future__ import annotations

import math

import numpy as np

from ._jit import kernel
from .rng import uniform

#: Multiply-adds above which a product goes to BLAS rather than plain loops.
BLAS_MIN_WORK = 32768


@kernel
def dense_forward(W, b, A, Z):
    """Z = W @ A + b[:, None]."""
    n_out, n_in = W.shape
    batch = A.shape[1]
    if n_out * n_in * batch >= BLAS_MIN_WORK:
        np.dot(W, A, Z)
        for j in range(n_out):
            for i in range(batch):
                Z[j, i] += b[j]
        return
    # Four inputs per sweep over the batch: a quarter of the loads and stores
    # of Z, which is what bounds these short vectorised loops (2x faster).
    k4 = n_in - n_in % 4
    for j in range(n_out):
        for i in range(batch):
            Z[j, i] = b[j]
        for k in range(0, k4, 4):
            w0, w1, w2, w3 = W[j, k], W[j, k + 1], W[j, k + 2], W[j, k + 3]
            for i in range(batch):
                Z[j, i] += w0 * A[k, i] + w1 * A[k + 1, i] + w2 * A[k + 2, i] + w3 * A[k + 3, i]
        for k in range(k4, n_in):
            w = W[j, k]
            for i in range(batch):
                Z[j, i] += w * A[k, i]


@kernel
def dense_backward(W, A, G, dW, db, dA, need_dA):
    """From G = dLoss/dZ: dW = G @ A.T, db = sum_batch G, dA = W.T @ G."""
    n_out, n_in = W.shape
    batch = A.shape[1]
    for j in range(n_out):
        s = 0.0
        for i in range(batch):
            s += G[j, i]
        db[j] = s
    if n_out * n_in * batch >= BLAS_MIN_WORK:
        np.dot(G, A.T, dW)
        if need_dA:
            np.dot(W.T, G, dA)
        return
    # Four weight rows per sweep: each input value is loaded once for four products.
    j4 = n_out - n_out % 4
    for j in range(0, j4, 4):
        for k in range(n_in):
            s0 = s1 = s2 = s3 = 0.0
            for i in range(batch):
                a = A[k, i]
                s0 += G[j, i] * a
                s1 += G[j + 1, i] * a
                s2 += G[j + 2, i] * a
                s3 += G[j + 3, i] * a
            dW[j, k], dW[j + 1, k], dW[j + 2, k], dW[j + 3, k] = s0, s1, s2, s3
    for j in range(j4, n_out):
        for k in range(n_in):
            s = 0.0
            for i in range(batch):
                s += G[j, i] * A[k, i]
            dW[j, k] = s
    if need_dA:
        j4 = n_out - n_out % 4
        for k in range(n_in):
            for i in range(batch):
                dA[k, i] = 0.0
            for j in range(0, j4, 4):
                w0, w1, w2, w3 = W[j, k], W[j + 1, k], W[j + 2, k], W[j + 3, k]
                for i in range(batch):
                    dA[k, i] += (
                        w0 * G[j, i] + w1 * G[j + 1, i] + w2 * G[j + 2, i] + w3 * G[j + 3, i]
                    )
            for j in range(j4, n_out):
                w = W[j, k]
                for i in range(batch):
                    dA[k, i] += w * G[j, i]


@kernel
def batchnorm_forward(Z, gamma, beta, N, xhat, inv_std, run_mean, run_var, train, momentum, eps):
    """N = gamma * (Z - mean) / sqrt(var + eps) + beta, per unit.

    Training uses the batch's mean and (biased) variance and moves the running
    statistics towards them (running = (1 - momentum) running + momentum batch,
    with the unbiased variance, as PyTorch does). Evaluation uses the running
    statistics, so a prediction does not depend on the other points in a batch.
    """
    n, b = Z.shape
    for j in range(n):
        z = Z[j]
        if train:
            mean = 0.0
            for i in range(b):
                mean += z[i]
            mean /= b
            var = 0.0
            for i in range(b):
                d = z[i] - mean
                var += d * d
            unbiased = var / (b - 1) if b > 1 else 0.0
            var /= b
            run_mean[j] = (1.0 - momentum) * run_mean[j] + momentum * mean
            run_var[j] = (1.0 - momentum) * run_var[j] + momentum * unbiased
        else:
            mean = run_mean[j]
            var = run_var[j]
        s = 1.0 / math.sqrt(var + eps)
        inv_std[j] = s
        for i in range(b):
            h = (z[i] - mean) * s
            xhat[j, i] = h
            N[j, i] = gamma[j] * h + beta[j]


@kernel
def batchnorm_backward(G, xhat, inv_std, gamma, dgamma, dbeta):
    """Turn dLoss/dN in G into dLoss/dZ in place (training-mode statistics)."""
    n, b = G.shape
    for j in range(n):
        g = G[j]
        h = xhat[j]
        sg = 0.0
        sgh = 0.0
        for i in range(b):
            sg += g[i]
            sgh += g[i] * h[i]
        dgamma[j] = sgh
        dbeta[j] = sg
        k = gamma[j] * inv_std[j] / b
        for i in range(b):
            g[i] = k * (b * g[i] - sg - h[i] * sgh)


@kernel
def dropout_forward(A, mask, rate, state):
    """Inverted dropout: zero each unit with probability ``rate``, scale the rest.

    Scaling survivors by 1/(1 - rate) keeps each unit's expected value, so
    evaluation needs no correction and simply skips this step.
    """
    keep = 1.0 - rate
    scale = 1.0 / keep
    n, b = A.shape
    for j in range(n):
        for i in range(b):
            m = scale if uniform(state) < keep else 0.0
            mask[j, i] = m
            A[j, i] *= m
