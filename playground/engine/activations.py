"""Activation functions and their derivatives.

Arrays are *feature-major*: a layer's values for a batch are a ``(units, batch)``
array, so one neuron's values over the batch (or over the 100x100 grid the page
draws) are contiguous and the inner loops run over the batch, where LLVM can
vectorise them.

``tanh`` is the playground's default and is evaluated on every neuron for every
grid point of every frame, so it uses a rational approximation (the minimax
13/6 fraction used by Eigen) instead of libm's scalar ``tanh``: pure arithmetic
that vectorises, with an absolute error below 3e-7 over the whole real line.
``sigmoid`` and ``swish`` reuse it through sigmoid(x) = (1 + tanh(x/2)) / 2.

``maxout`` is the one activation that is not applied unit by unit: a maxout
unit has two linear pieces and outputs the larger, max(w1.x + b1, w2.x + b2).
How its pieces are laid out (a dense layer of 2n pre-activations, piece 1 in
rows ``0..n``, piece 2 in rows ``n..2n``; the layer's n outputs in the first n
rows of its activation block) is explained in network.py; here ``activate``
and ``backprop_activation`` simply see the 2n-row blocks.
"""

from __future__ import annotations

import math

import numpy as np

from ._jit import kernel

LINEAR, STEP, SIGMOID, TANH, RELU, LEAKY_RELU, ELU, SWISH, SOFTMAX, MAXOUT = range(10)

#: Activations a hidden layer may use, by name.
HIDDEN_ACTIVATIONS: dict[str, int] = {
    "linear": LINEAR,
    "step": STEP,
    "sigmoid": SIGMOID,
    "tanh": TANH,
    "relu": RELU,
    "leaky_relu": LEAKY_RELU,
    "elu": ELU,
    "swish": SWISH,
    "maxout": MAXOUT,
}
#: Linear pieces per unit of each activation: a layer of n units computes
#: ``n * pieces`` pre-activations (see network.py). Every other activation has one.
PIECES: dict[int, int] = {MAXOUT: 2}
# (The output layer's activations, with what each means, are in outputs.py.)
#: Slope of leaky ReLU for negative inputs (PyTorch's default).
LEAKY_SLOPE = 0.01
# Minimax rational approximation of tanh on [-c, c] (Eigen's, odd 13 / even 6).
_TANH_CLAMP = np.float32(7.90531110763549805)  # beyond this the fraction rounds to +-1
_A1, _A3, _A5, _A7, _A9, _A11, _A13 = (
    np.float32(c)
    for c in (
        4.89352455891786e-03,
        6.37261928875436e-04,
        1.48572235717979e-05,
        5.12229709037114e-08,
        -8.60467152213735e-11,
        2.00018790482477e-13,
        -2.76076847742355e-16,
    )
)
_HALF = np.float32(0.5)
_B0, _B2, _B4, _B6 = (
    np.float32(c)
    for c in (
        4.89352518554385e-03,
        2.26843463243900e-03,
        1.18534705686654e-04,
        1.19825839466702e-06,
    )
)


@kernel(inline="always")
def fast_tanh(x):
    # The coefficients are float32 constants: float32 inputs then stay in
    # float32 (twice the SIMD lanes), float64 inputs are promoted as usual.
    if x > _TANH_CLAMP:
        x = _TANH_CLAMP
    if x < -_TANH_CLAMP:
        x = -_TANH_CLAMP
    x2 = x * x
    p = x2 * _A13 + _A11
    p = x2 * p + _A9
    p = x2 * p + _A7
    p = x2 * p + _A5
    p = x2 * p + _A3
    p = x2 * p + _A1
    q = x2 * _B6 + _B4
    q = x2 * q + _B2
    q = x2 * q + _B0
    return x * p / q


@kernel(inline="always")
def fast_sigmoid(x):
    h = x * _HALF
    return _HALF + _HALF * fast_tanh(h)


@kernel(inline="always")
def column_max(Z, i):
    """Largest value in column ``i`` (one sample's units): softmax subtracts it
    before exponentiating so that nothing overflows."""
    m = Z[0, i]
    for j in range(1, Z.shape[0]):
        m = max(m, Z[j, i])
    return m


@kernel
def activate(code, Z, A):
    """Write f(Z) into A (both ``(units, batch)``); ``code`` picks f.

    For maxout, Z holds a layer's 2n pre-activations (piece 1 in rows
    ``0..n``, piece 2 in rows ``n..2n``) and A[j] = max(Z[j], Z[n + j]) is
    written to A's first n rows only; the rest of A is not touched.
    """
    n, b = Z.shape
    if code == MAXOUT:
        h = n // 2
        for j in range(h):
            for i in range(b):
                A[j, i] = max(Z[j, i], Z[h + j, i])
        return
    if code == SOFTMAX:
        for i in range(b):
            m = column_max(Z, i)
            s = 0.0
            for j in range(n):
                e = math.exp(Z[j, i] - m)
                A[j, i] = e
                s += e
            for j in range(n):
                A[j, i] = A[j, i] / s
        return
    # Direct 2-D indexing (no per-row views) keeps tiny batches cheap; the
    # inner loops still vectorise over the batch.
    for j in range(n):
        if code == TANH:
            for i in range(b):
                A[j, i] = fast_tanh(Z[j, i])
        elif code == SIGMOID:
            for i in range(b):
                A[j, i] = fast_sigmoid(Z[j, i])
        elif code == RELU:
            for i in range(b):
                A[j, i] = max(Z[j, i], 0.0)
        elif code == LEAKY_RELU:
            for i in range(b):
                z = Z[j, i]
                A[j, i] = z if z > 0.0 else LEAKY_SLOPE * z
        elif code == ELU:
            for i in range(b):
                z = Z[j, i]
                A[j, i] = z if z > 0.0 else math.expm1(z)
        elif code == SWISH:
            for i in range(b):
                A[j, i] = Z[j, i] * fast_sigmoid(Z[j, i])
        elif code == STEP:
            for i in range(b):
                A[j, i] = 1.0 if Z[j, i] > 0.0 else 0.0
        else:  # LINEAR
            for i in range(b):
                A[j, i] = Z[j, i]


@kernel
def backprop_activation(code, Z, A, G):
    """Turn dLoss/dA in ``G`` into dLoss/dZ in place: G *= f'(Z).

    Softmax is never differentiated here: it only appears as an output layer
    paired with cross-entropy, whose combined gradient is computed directly.

    For maxout, G's first n rows hold dLoss/dA for the n units; afterwards its
    2n rows hold dLoss/dZ: each unit's gradient goes to the piece that won
    (piece 1 on a tie, matching ``activate``), the losing piece gets 0.
    """
    n, b = Z.shape
    if code == MAXOUT:
        h = n // 2
        for j in range(h):
            for i in range(b):
                if Z[j, i] >= Z[h + j, i]:
                    G[h + j, i] = 0.0
                else:
                    G[h + j, i] = G[j, i]
                    G[j, i] = 0.0
        return
    for j in range(n):
        if code == TANH:
            for i in range(b):
                G[j, i] *= 1.0 - A[j, i] * A[j, i]
        elif code == SIGMOID:
            for i in range(b):
                G[j, i] *= A[j, i] * (1.0 - A[j, i])
        elif code == RELU:
            for i in range(b):
                G[j, i] = G[j, i] if Z[j, i] > 0.0 else 0.0
        elif code == LEAKY_RELU:
            for i in range(b):
                G[j, i] = G[j, i] if Z[j, i] > 0.0 else LEAKY_SLOPE * G[j, i]
        elif code == ELU:
            for i in range(b):
                G[j, i] = G[j, i] if Z[j, i] > 0.0 else G[j, i] * (A[j, i] + 1.0)
        elif code == SWISH:
            for i in range(b):
                s = fast_sigmoid(Z[j, i])
                G[j, i] *= s + Z[j, i] * s * (1.0 - s)
        elif code == STEP:
            for i in range(b):
                G[j, i] = 0.0
        # LINEAR: derivative 1, nothing to do.
