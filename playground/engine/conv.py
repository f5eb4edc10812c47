"""Convolution and 2x2 pooling: the optional front end of an ``MLP``.

Why an extension of ``MLP`` rather than a sibling class: every trainable number
already lives in one flat vector that one optimizer loop updates (with every
optimizer, schedule, clipping and the L1/L2 penalty through ``regmask``). A conv
layer's kernels, biases and batch-norm scale/shift are simply more entries of
that vector, so they get all of it for free and there is one training loop,
one ``state_dict`` and one set of tests for it. The conv front end is a second
int64 table beside the dense ``layout`` (one row per conv stage, columns below);
with zero rows, which is every dense network, the kernels do exactly what they
did before.

Layout of values: like the dense layers, a stage's values are feature-major
``(units, batch)`` blocks of the shared buffers, where the units of a
``(channels, height, width)`` map are numbered channel, then row, then column
(PyTorch's flatten order). With the batch innermost, one channel's whole map
over the batch, ``(C, H*W*B)``, is a plain reshape of the block, so:

* convolution is im2col + one BLAS product: ``cols[(c,ky,kx), (y,x,b)]`` holds
  the input pixel each kernel tap sees ('same' zero padding, stride 1), and
  ``Z(C_out, H*W*B) = K(C_out, C_in*k*k) @ cols``; the backward pass is two
  more products (``dK = G @ cols.T``, ``dcols = K.T @ G``) and a scatter-add
  (col2im). im2col copies rows of ``batch`` contiguous values, so it runs at
  memory speed, and the products are large enough for BLAS even on MNIST.
  Measured against direct loops vectorised over the batch (one BLAS thread,
  float32): batch 64, 1->8 maps 28x28 5x5: 0.82 vs 0.83 ms; 8->16 maps
  14x14: 1.9 vs 3.1 ms; batch 10: 0.14 vs 0.43 and 0.35 vs 1.5 ms; a toy
  1->4 8x8 3x3: 8 vs 12 us. Direct loops never won, so there is one path.
* batch norm per channel is the dense kernel applied to the ``(C, H*W*B)`` view
  (statistics over batch and positions, as ``torch.nn.BatchNorm2d``).
* activations and dropout are the dense kernels on the block as it is.

Pooling is 2x2 with stride 2; an odd last row or column is dropped (floor, as
PyTorch). Max pooling sends the gradient to the first largest of the four
inputs in reading order (PyTorch's rule), recomputed in the backward pass
instead of stored. Training a ReLU stage with max pooling and no batch norm
(the MNIST conv net) takes one pass each way instead of three (bias,
activation, pool; pool backward, activation backward): relu(max(z + b)) is
max(relu(z + b)) exactly. Measured per batch of 64 (one thread): 0.026 ms
against 0.063 ms for the first layer's forward passes, 0.053 against 0.087 ms
backward; small next to the products.

Where a training epoch's time goes (py-spy, batch 64, one BLAS thread): about
73 % in the BLAS products, a third of that in OpenBLAS packing its operands
(the im2col matrix is copied once more there) and 5 % zeroing ``dcols``
before the product writes it; the rest (im2col, col2im, pooling, the dense
layer, the update) in the kernels here. Asking for the products in other
orientations (``dK.T = cols @ G.T``, a C-order ``K.T``) was 1.1-1.5x faster
timed alone but no faster inside an epoch, so the plain forms stay.
"""

from __future__ import annotations

import numpy as np

from ._jit import kernel
from .init import INITS

# Columns of the conv table, one row per stage (conv [+ batch norm] + activation
# [+ pool]). Spatial sizes are the conv's input = output ('same' padding).
(
    C_IN,
    HEIGHT,
    WIDTH,
    C_OUT,
    KSIZE,
    KW_OFF,  # kernels K[C_out, C_in, k, k] in params
    KB_OFF,  # biases[C_out]
    KG_OFF,  # batch-norm gamma then beta [C_out each], -1 without
    KACT,
    POOL,
    KU_IN,  # first unit of the stage's input block
    KU_CONV,  # first unit of the conv's (C_out, H, W) block
    KU_OUT,  # first unit of the stage's output (the pooled block, or KU_CONV)
    COL_OFF,  # where this stage's im2col matrix starts in ``cols``, per sample
) = range(14)
CONV_COLUMNS = 14

NO_POOL, MAX_POOL, AVG_POOL = range(3)
#: Pooling after a conv layer, by name.
POOLS: dict[str, int] = {"none": NO_POOL, "max": MAX_POOL, "average": AVG_POOL}
#: Kernel sizes a conv layer may have (odd, so that 'same' padding is symmetric).
KERNEL_SIZES = (3, 5)


def empty_table() -> np.ndarray:
    """The conv table of a network without conv layers."""
    return np.zeros((0, CONV_COLUMNS), dtype=np.int64)


def init_kernels(
    kind: str, c_in: int, c_out: int, k: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Initial ``(K[c_out, c_in, k, k], b[c_out])`` in float64.

    Fans count every tap (fan_in = c_in k², fan_out = c_out k²), as PyTorch's
    initialisers do for conv weights.
    """
    fan_in, fan_out, shape = c_in * k * k, c_out * k * k, (c_out, c_in, k, k)
    if kind == "tfp":
        return rng.uniform(-0.5, 0.5, shape), np.full(c_out, 0.1)
    if kind == "zero":
        return np.zeros(shape), np.zeros(c_out)
    if kind == "xavier":
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, shape), np.zeros(c_out)
    if kind == "he":
        return rng.normal(0.0, np.sqrt(2.0 / fan_in), shape), np.zeros(c_out)
    raise ValueError(f"unknown init {kind!r}; choose one of {', '.join(INITS)}")


# ------------------------------------------------------------- convolution
@kernel
def im2col(A, H, W, K, cols):
    """cols[(c*K + ky)*K + kx, (y*W + x)*B + b] = A[c*H*W + (y+ky-p)*W + x+kx-p, b].

    ``A`` is the ``(C*H*W, B)`` input block; taps outside the image read 0.
    """
    B = A.shape[1]
    C = A.shape[0] // (H * W)
    p = K // 2
    for c in range(C):
        for ky in range(K):
            for kx in range(K):
                r = (c * K + ky) * K + kx
                for y in range(H):
                    sy = y + ky - p
                    for x in range(W):
                        sx = x + kx - p
                        o = (y * W + x) * B
                        if 0 <= sy < H and 0 <= sx < W:
                            s = c * H * W + sy * W + sx
                            for b in range(B):
                                cols[r, o + b] = A[s, b]
                        else:
                            for b in range(B):
                                cols[r, o + b] = 0.0


@kernel
def col2im(dcols, H, W, K, dA):
    """The adjoint of :func:`im2col`: dA = sum of every tap's gradient it fed."""
    B = dA.shape[1]
    C = dA.shape[0] // (H * W)
    p = K // 2
    dA[:, :] = 0.0
    for c in range(C):
        for ky in range(K):
            for kx in range(K):
                r = (c * K + ky) * K + kx
                for y in range(H):
                    sy = y + ky - p
                    if sy < 0 or sy >= H:
                        continue
                    for x in range(W):
                        sx = x + kx - p
                        if sx < 0 or sx >= W:
                            continue
                        o = (y * W + x) * B
                        s = c * H * W + sy * W + sx
                        for b in range(B):
                            dA[s, b] += dcols[r, o + b]


@kernel
def conv_forward(Kw, bias, A, cols, Z, H, W, K, add_bias):
    """Z = conv(A, Kw) + bias: ``Kw`` is ``(C_out, C_in*K*K)``, A and Z are blocks.

    Without ``add_bias`` Z is the bare convolution (:func:`relu_max_pool_forward`
    adds the bias to the four values of each window it pools instead).
    """
    im2col(A, H, W, K, cols)
    c_out = Kw.shape[0]
    Z2 = Z.reshape((c_out, cols.shape[1]))
    np.dot(Kw, cols, Z2)
    if not add_bias:
        return
    for c in range(c_out):
        bc = bias[c]
        for i in range(Z2.shape[1]):
            Z2[c, i] += bc


@kernel
def conv_backward(Kw, cols, G, dK, db, dcols, dA, need_dA, H, W, K):
    """From G = dLoss/dZ: dK = G @ cols.T, db = sum G, dA = col2im(K.T @ G)."""
    c_out = Kw.shape[0]
    G2 = G.reshape((c_out, cols.shape[1]))
    for c in range(c_out):
        s = 0.0
        for i in range(G2.shape[1]):
            s += G2[c, i]
        db[c] = s
    np.dot(G2, cols.T, dK)
    if need_dA:
        np.dot(Kw.T, G2, dcols)
        col2im(dcols, H, W, K, dA)


# ---------------------------------------------------------------- pooling
@kernel(inline="always")
def _to_first_largest(G, s, W, b, a0, a1, a2, a3, g):
    """Write ``g`` to the first largest of a 2x2 window's four inputs (reading
    order, PyTorch's rule) and 0 to the others: selects rather than branches,
    so the caller's loop over the batch vectorises. ``s`` is the window's top
    left row of ``G``, ``W`` the map's width, ``b`` the sample."""
    m = max(max(a0, a1), max(a2, a3))
    t0 = a0 == m
    t1 = (a1 == m) and not t0
    t2 = (a2 == m) and not (t0 or t1)
    t3 = not (t0 or t1 or t2)
    G[s, b] = g if t0 else 0.0
    G[s + 1, b] = g if t1 else 0.0
    G[s + W, b] = g if t2 else 0.0
    G[s + W + 1, b] = g if t3 else 0.0


@kernel
def pool_forward(kind, A, C, H, W, P):
    """2x2, stride-2 max or average pooling of the ``(C*H*W, B)`` block A into P."""
    B = A.shape[1]
    H2, W2 = H // 2, W // 2
    for c in range(C):
        for y in range(H2):
            for x in range(W2):
                s = c * H * W + 2 * y * W + 2 * x
                o = (c * H2 + y) * W2 + x
                if kind == MAX_POOL:
                    for b in range(B):
                        P[o, b] = max(max(A[s, b], A[s + 1, b]), max(A[s + W, b], A[s + W + 1, b]))
                else:
                    for b in range(B):
                        P[o, b] = 0.25 * (A[s, b] + A[s + 1, b] + A[s + W, b] + A[s + W + 1, b])


@kernel
def pool_backward(kind, A, C, H, W, GP, GA):
    """dLoss/dA from dLoss/dP (GP); A is the pooled input, needed by max pooling.

    Every input of a window is written (the gradient or 0, by
    :func:`_to_first_largest`), with selects rather than branches so the loop
    over the batch vectorises (7x faster than zeroing GA and scattering the
    winners, measured on MNIST's first layer).
    """
    B = GA.shape[1]
    H2, W2 = H // 2, W // 2
    if H % 2 or W % 2:
        GA[:, :] = 0.0  # an odd last row/column was never pooled
    for c in range(C):
        for y in range(H2):
            for x in range(W2):
                s = c * H * W + 2 * y * W + 2 * x
                o = (c * H2 + y) * W2 + x
                if kind == MAX_POOL:
                    for b in range(B):
                        a0, a1, a2, a3 = A[s, b], A[s + 1, b], A[s + W, b], A[s + W + 1, b]
                        _to_first_largest(GA, s, W, b, a0, a1, a2, a3, GP[o, b])
                else:
                    for b in range(B):
                        g = 0.25 * GP[o, b]
                        GA[s, b] = g
                        GA[s + 1, b] = g
                        GA[s + W, b] = g
                        GA[s + W + 1, b] = g


@kernel
def relu_max_pool_forward(Z, bias, C, H, W, P):
    """P = maxpool(relu(Z + bias)) in one pass over Z, the bare convolution.

    The same numbers as :func:`activate` then :func:`pool_forward` (max is
    exact and relu is monotone, so relu(max(z + b)) = max(relu(z + b))),
    without writing the full-size activation map; training uses it for ReLU
    and max pooling without batch norm.
    """
    B = Z.shape[1]
    H2, W2 = H // 2, W // 2
    for c in range(C):
        bc = bias[c]
        for y in range(H2):
            for x in range(W2):
                s = c * H * W + 2 * y * W + 2 * x
                o = (c * H2 + y) * W2 + x
                for b in range(B):
                    m = max(
                        max(Z[s, b] + bc, Z[s + 1, b] + bc),
                        max(Z[s + W, b] + bc, Z[s + W + 1, b] + bc),
                    )
                    P[o, b] = max(m, 0.0)


@kernel
def relu_max_pool_backward(Z, bias, C, H, W, P, GP, GZ):
    """dLoss/dZ from dLoss/dP for :func:`relu_max_pool_forward`, in one pass.

    Exactly what :func:`pool_backward` then the ReLU's backward give: the
    gradient goes to the first largest ``z + b`` of its window in reading
    order, and only where the pooled output ``P`` is positive.
    """
    B = GZ.shape[1]
    H2, W2 = H // 2, W // 2
    if H % 2 or W % 2:
        GZ[:, :] = 0.0  # an odd last row/column was never pooled
    for c in range(C):
        bc = bias[c]
        for y in range(H2):
            for x in range(W2):
                s = c * H * W + 2 * y * W + 2 * x
                o = (c * H2 + y) * W2 + x
                for b in range(B):
                    a0, a1 = Z[s, b] + bc, Z[s + 1, b] + bc
                    a2, a3 = Z[s + W, b] + bc, Z[s + W + 1, b] + bc
                    g = GP[o, b] if P[o, b] > 0.0 else 0.0
                    _to_first_largest(GZ, s, W, b, a0, a1, a2, a3, g)


# ------------------------------------------------------------------ layout
def build_front(
    input_shape: tuple[int, int, int],
    filters: tuple[int, ...],
    k: int,
    pool: int,
    act: int,
    batch_norm: bool,
    init: str,
    rng: np.random.Generator,
) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray], int, int, tuple[int, int, int]]:
    """Lay out the conv stages from parameter 0 and unit ``C*H*W`` (after the inputs).

    Returns ``(table, param chunks, regmask chunks, next unit, next offset,
    output shape)``; the chunks are float64 and in the order of the flat vector.
    """
    c, h, w = input_shape
    table = np.zeros((len(filters), CONV_COLUMNS), dtype=np.int64)
    chunks: list[np.ndarray] = []
    mask: list[np.ndarray] = []
    unit_in, unit, offset, col = 0, c * h * w, 0, 0
    for s, c_out in enumerate(filters):
        Kw, b = init_kernels(init, c, c_out, k, rng)
        row = table[s]
        row[C_IN], row[HEIGHT], row[WIDTH], row[C_OUT], row[KSIZE] = c, h, w, c_out, k
        row[KW_OFF], row[KB_OFF], row[KG_OFF] = offset, offset + Kw.size, -1
        chunks += [Kw.ravel(), b]
        mask += [np.ones(Kw.size), np.zeros(c_out)]
        offset += Kw.size + c_out
        if batch_norm:
            row[KG_OFF] = offset
            chunks += [np.ones(c_out), np.zeros(c_out)]
            mask += [np.zeros(2 * c_out)]
            offset += 2 * c_out
        row[KACT], row[POOL], row[COL_OFF] = act, pool, col
        col += c * k * k * h * w
        row[KU_IN], row[KU_CONV] = unit_in, unit
        unit += c_out * h * w
        if pool != NO_POOL:
            h, w = h // 2, w // 2
            row[KU_OUT] = unit
            unit += c_out * h * w
        else:
            row[KU_OUT] = row[KU_CONV]
        c, unit_in = c_out, row[KU_OUT]
    return table, chunks, mask, unit, offset, (c, h, w)
