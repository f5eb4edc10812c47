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
"""

from __future__ import annotations

import math

from ._jit import kernel

LINEAR, STEP, SIGMOID, TANH, RELU, LEAKY_RELU, ELU, SWISH, SOFTMAX = range(9)

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
}
#: Activations the output layer may use, by name.
OUTPUT_ACTIVATIONS: dict[str, int] = {
    "tanh": TANH,
    "sigmoid": SIGMOID,
    "linear": LINEAR,
    "softmax": SOFTMAX,
}
#: Slope of leaky ReLU for negative inputs (PyTorch's default).
LEAKY_SLOPE = 0.01
_TANH_CLAMP = 7.90531110763549805  # beyond this the fraction rounds to +-1


@kernel(inline="always")
def fast_tanh(x):
    if x > _TANH_CLAMP:
        x = _TANH_CLAMP
    if x < -_TANH_CLAMP:
        x = -_TANH_CLAMP
    x2 = x * x
    p = x2 * -2.76076847742355e-16 + 2.00018790482477e-13
    p = x2 * p - 8.60467152213735e-11
    p = x2 * p + 5.12229709037114e-08
    p = x2 * p + 1.48572235717979e-05
    p = x2 * p + 6.37261928875436e-04
    p = x2 * p + 4.89352455891786e-03
    q = x2 * 1.19825839466702e-06 + 1.18534705686654e-04
    q = x2 * q + 2.26843463243900e-03
    q = x2 * q + 4.89352518554385e-03
    return x * p / q


@kernel(inline="always")
def fast_sigmoid(x):
    return 0.5 + 0.5 * fast_tanh(0.5 * x)


@kernel
def activate(code, Z, A):
    """Write f(Z) into A (both ``(units, batch)``); ``code`` picks f."""
    n, b = Z.shape
    if code == SOFTMAX:
        for i in range(b):
            m = Z[0, i]
            for j in range(1, n):
                m = max(m, Z[j, i])
            s = 0.0
            for j in range(n):
                e = math.exp(Z[j, i] - m)
                A[j, i] = e
                s += e
            for j in range(n):
                A[j, i] = A[j, i] / s
        return
    for j in range(n):
        z = Z[j]
        a = A[j]
        if code == TANH:
            for i in range(b):
                a[i] = fast_tanh(z[i])
        elif code == SIGMOID:
            for i in range(b):
                a[i] = fast_sigmoid(z[i])
        elif code == RELU:
            for i in range(b):
                a[i] = z[i] if z[i] > 0.0 else 0.0
        elif code == LEAKY_RELU:
            for i in range(b):
                a[i] = z[i] if z[i] > 0.0 else LEAKY_SLOPE * z[i]
        elif code == ELU:
            for i in range(b):
                a[i] = z[i] if z[i] > 0.0 else math.expm1(z[i])
        elif code == SWISH:
            for i in range(b):
                a[i] = z[i] * fast_sigmoid(z[i])
        elif code == STEP:
            for i in range(b):
                a[i] = 1.0 if z[i] > 0.0 else 0.0
        else:  # LINEAR
            for i in range(b):
                a[i] = z[i]


@kernel
def backprop_activation(code, Z, A, G):
    """Turn dLoss/dA in ``G`` into dLoss/dZ in place: G *= f'(Z).

    Softmax is never differentiated here: it only appears as an output layer
    paired with cross-entropy, whose combined gradient is computed directly.
    """
    n, b = Z.shape
    for j in range(n):
        z = Z[j]
        a = A[j]
        g = G[j]
        if code == TANH:
            for i in range(b):
                g[i] *= 1.0 - a[i] * a[i]
        elif code == SIGMOID:
            for i in range(b):
                g[i] *= a[i] * (1.0 - a[i])
        elif code == RELU:
            for i in range(b):
                g[i] = g[i] if z[i] > 0.0 else 0.0
        elif code == LEAKY_RELU:
            for i in range(b):
                g[i] = g[i] if z[i] > 0.0 else LEAKY_SLOPE * g[i]
        elif code == ELU:
            for i in range(b):
                g[i] = g[i] if z[i] > 0.0 else g[i] * (a[i] + 1.0)
        elif code == SWISH:
            for i in range(b):
                s = fast_sigmoid(z[i])
                g[i] *= s + z[i] * s * (1.0 - s)
        elif code == STEP:
            for i in range(b):
                g[i] = 0.0
        # LINEAR: derivative 1, nothing to do.
