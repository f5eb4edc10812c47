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
            Z[j] += b[j]
        return
    for j in range(n_out):
        zj = Z[j]
        for i in range(batch):
            zj[i] = b[j]
        for k in range(n_in):
            w = W[j, k]
            ak = A[k]
            for i in range(batch):
                zj[i] += w * ak[i]


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
    for j in range(n_out):
        gj = G[j]
        for k in range(n_in):
            ak = A[k]
            s = 0.0
            for i in range(batch):
                s += gj[i] * ak[i]
            dW[j, k] = s
    if need_dA:
        for k in range(n_in):
            dk = dA[k]
            for i in range(batch):
                dk[i] = 0.0
            for j in range(n_out):
                w = W[j, k]
                gj = G[j]
                for i in range(batch):
                    dk[i] += w * gj[i]


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
