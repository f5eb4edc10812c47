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

* convolution is direct, on padded maps: each stage copies its input block
  once into ``(C, H+2p, W+2p, B)`` maps with a zero border (:func:`pad_maps`),
  and for one output row, one input channel and one kernel row the k taps of
  that row read one padded row at k offsets of B values. So the inner loop
  runs over W*B contiguous values doing k multiply-adds per value of Z loaded
  and stored, which LLVM vectorises (AVX-512 here). The input gradient is the
  same convolution of the padded output gradient with the kernels flipped and
  their channels swapped; the kernel gradient makes k sums per pass over a row
  of G.
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
backward; small next to the convolutions.

Why direct and not im2col + BLAS, which this module did first: the im2col
matrices of the MNIST conv net (25 x 50,176 and 200 x 12,544 values a batch
of 64, 15 MB) were written, then copied again by OpenBLAS to pack them, and
the input gradient's twin zeroed before the product wrote it. With only 8 or
16 output channels each packed value is used 8 or 16 times, so a one-thread
profile (py-spy) put 38 % of an epoch in OpenBLAS's packing and zeroing and
33 % in its multiply kernel. Measured per batch of 64 (float32, one thread,
medians): the first layer's forward pass 0.70 ms with im2col + BLAS, 0.27 ms
direct; the second's 1.82 against 1.07 ms; computing output channels in pairs
(:func:`conv_same`) then took the second to 0.5-0.65 ms. A whole epoch of the
benchmark net (``bench_engine.py --only cnn_epoch``, 60,000 images) went from
1.28x PyTorch's time (two threads each; 6,000 images) to 0.59x. Per batch of 64 (another
run) the stages take: conv 1 forward 0.16 ms, its ReLU + pool 0.03 ms forward
and 0.16 ms backward, its kernel gradient 0.28 ms; conv 2 forward 0.66 ms,
ReLU + pool 0.01 and 0.08 ms, kernel and input gradients 1.89 ms.

Why one thread, like every other kernel here: the same kernels split over
both cores by output channel (``parallel=True``, ``prange``; before the
pairing) took 0.41x PyTorch's time, but Numba's cached parallel kernels are
fragile. A cache that two processes filled at once (the browser tests'
server and test process do; so do servers behind one nginx) made every
later conv call segfault, Numba's issue 10128; and OpenMP's spinning threads
slowed OpenBLAS's, so that every conv call needed BLAS held at one thread.
Splitting the channels over Python threads would need the training loop in
Python, a batch at a time.
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
    PAD_OFF,  # where this stage's padded input maps start in the scratch, per point
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
def pad_maps(A, C, H, W, p, out):
    """Copy the ``(C*H*W, B)`` block A into ``out`` as ``(C, H+2p, W+2p, B)``
    maps with a border of ``p`` zeros (``out`` is flat): 'same' padding made
    explicit, so every tap of every output position reads memory."""
    B = A.shape[1]
    Hp, Wp = H + 2 * p, W + 2 * p
    row = Wp * B
    for c in range(C):
        for yy in range(Hp):
            o = (c * Hp + yy) * row
            dst = out[o : o + row]
            y = yy - p
            if y < 0 or y >= H:
                for i in range(row):
                    dst[i] = 0.0
                continue
            for i in range(p * B):
                dst[i] = 0.0
                dst[(p + W) * B + i] = 0.0
            s = (c * H + y) * W
            for x in range(W):
                d = dst[(p + x) * B : (p + x + 1) * B]
                for b in range(B):
                    d[b] = A[s + x, b]


@kernel
def conv_same(Kw, bias, padded, Z, C_in, H, W, K, add_bias):
    """Z = conv(A, Kw) [+ bias], 'same' padding, stride 1, from A's padded maps.

    ``Kw`` is ``(C_out, C_in*K*K)``, ``padded`` is what :func:`pad_maps` made
    of A, ``Z`` the ``(C_out*H*W, B)`` block; K is 3 or 5. For one output row,
    one input channel and one kernel row, the K taps of that kernel row read
    the same padded row at K offsets of B values, so the loop over the row's
    W*B values does K multiply-adds per value of Z it loads and stores, on
    contiguous memory that LLVM vectorises. Output channels go in pairs that
    share those loads (1.5-1.8x faster than one at a time, the same numbers);
    an odd last channel is paired with a spare row that is thrown away.
    """
    p = K // 2
    B = Z.shape[1]
    c_out = Kw.shape[0]
    Hp, Wp = H + 2 * p, W + 2 * p
    n = W * B
    spare = np.empty(n, dtype=Z.dtype)
    for c in range(0, c_out, 2):
        d = min(c + 1, c_out - 1)
        bz = bias[c] if add_bias else 0.0
        bw = bias[d] if add_bias else 0.0
        for y in range(H):
            z = Z[(c * H + y) * W : (c * H + y + 1) * W].reshape(n)
            w = spare if d == c else Z[(d * H + y) * W : (d * H + y + 1) * W].reshape(n)
            for i in range(n):
                z[i] = bz
                w[i] = bw
            for ci in range(C_in):
                for ky in range(K):
                    r = (ci * Hp + y + ky) * Wp * B
                    t = (ci * K + ky) * K
                    a0, a1 = padded[r : r + n], padded[r + B : r + B + n]
                    a2 = padded[r + 2 * B : r + 2 * B + n]
                    k0, k1, k2 = Kw[c, t], Kw[c, t + 1], Kw[c, t + 2]
                    j0, j1, j2 = Kw[d, t], Kw[d, t + 1], Kw[d, t + 2]
                    if K == 5:
                        a3, a4 = (
                            padded[r + 3 * B : r + 3 * B + n],
                            padded[r + 4 * B : r + 4 * B + n],
                        )
                        k3, k4, j3, j4 = Kw[c, t + 3], Kw[c, t + 4], Kw[d, t + 3], Kw[d, t + 4]
                        for i in range(n):
                            x0, x1, x2, x3, x4 = a0[i], a1[i], a2[i], a3[i], a4[i]
                            z[i] += k0 * x0 + k1 * x1 + k2 * x2 + k3 * x3 + k4 * x4
                            w[i] += j0 * x0 + j1 * x1 + j2 * x2 + j3 * x3 + j4 * x4
                    else:  # K == 3 (KERNEL_SIZES)
                        for i in range(n):
                            x0, x1, x2 = a0[i], a1[i], a2[i]
                            z[i] += k0 * x0 + k1 * x1 + k2 * x2
                            w[i] += j0 * x0 + j1 * x1 + j2 * x2


@kernel
def conv_forward(Kw, bias, A, padded, Z, H, W, K, add_bias):
    """Z = conv(A, Kw) + bias: ``Kw`` is ``(C_out, C_in*K*K)``, A and Z are blocks.

    ``padded`` keeps A's padded maps for the backward pass. Without
    ``add_bias`` Z is the bare convolution (:func:`relu_max_pool_forward`
    adds the bias to the four values of each window it pools instead).
    """
    c_in = A.shape[0] // (H * W)
    pad_maps(A, c_in, H, W, K // 2, padded)
    conv_same(Kw, bias, padded, Z, c_in, H, W, K, add_bias)


@kernel
def kernel_gradient(G, padded, dK, db, C_in, H, W, K):
    """dK[co, (ci, ky, kx)] = sum over positions and images of G[co] times the
    input it multiplied; db[co] = sum G[co]. The K taps of a kernel row are K
    sums of one pass over a row of G (pairs of channels sharing the input's
    loads, as in :func:`conv_same`, measured no faster here)."""
    p = K // 2
    B = G.shape[1]
    c_out = dK.shape[0]
    Hp, Wp = H + 2 * p, W + 2 * p
    n = W * B
    zero = np.zeros(1, dtype=G.dtype)[0]  # sums in G's precision, as BLAS did
    for co in range(c_out):
        s = zero
        for y in range(H):
            g = G[(co * H + y) * W : (co * H + y + 1) * W].reshape(n)
            for i in range(n):
                s += g[i]
        db[co] = s
        for ci in range(C_in):
            for ky in range(K):
                t = (ci * K + ky) * K
                s0 = s1 = s2 = s3 = s4 = zero
                for y in range(H):
                    g = G[(co * H + y) * W : (co * H + y + 1) * W].reshape(n)
                    r = (ci * Hp + y + ky) * Wp * B
                    a0, a1 = padded[r : r + n], padded[r + B : r + B + n]
                    a2 = padded[r + 2 * B : r + 2 * B + n]
                    if K == 5:
                        a3, a4 = (
                            padded[r + 3 * B : r + 3 * B + n],
                            padded[r + 4 * B : r + 4 * B + n],
                        )
                        for i in range(n):
                            s0 += g[i] * a0[i]
                            s1 += g[i] * a1[i]
                            s2 += g[i] * a2[i]
                            s3 += g[i] * a3[i]
                            s4 += g[i] * a4[i]
                    else:  # K == 3 (KERNEL_SIZES)
                        for i in range(n):
                            s0 += g[i] * a0[i]
                            s1 += g[i] * a1[i]
                            s2 += g[i] * a2[i]
                dK[co, t], dK[co, t + 1], dK[co, t + 2] = s0, s1, s2
                if K == 5:
                    dK[co, t + 3], dK[co, t + 4] = s3, s4


@kernel
def conv_backward(Kw, padded, G, dK, db, padded_g, dA, need_dA, H, W, K):
    """From G = dLoss/dZ: the kernel and bias gradients, and dA when ``need_dA``.

    dA is itself a 'same' convolution: of G's padded maps with the kernels
    flipped in both directions and their channels swapped, so it runs through
    :func:`conv_same` (``padded_g`` is scratch for G's padded maps).
    """
    c_out = Kw.shape[0]
    c_in = Kw.shape[1] // (K * K)
    kernel_gradient(G, padded, dK, db, c_in, H, W, K)
    if not need_dA:
        return
    flipped = np.empty((c_in, c_out * K * K), dtype=Kw.dtype)
    for ci in range(c_in):
        for co in range(c_out):
            for ky in range(K):
                for kx in range(K):
                    flipped[ci, (co * K + ky) * K + kx] = Kw[
                        co, (ci * K + K - 1 - ky) * K + K - 1 - kx
                    ]
    pad_maps(G, c_out, H, W, K // 2, padded_g)
    conv_same(flipped, db, padded_g, dA, c_out, H, W, K, False)


# ---------------------------------------------------------------- pooling
@kernel(inline="always")
def _route_to_first_largest(a0, a1, a2, a3, bias, q, gp, gate, out):
    """Write one input row of 2x2 windows' gradients: ``out[b]`` (input ``q`` of
    the window, 0-3 in reading order) gets ``gp[b]`` where that input is the
    first largest of the window's four values (+ ``bias``; PyTorch's rule) and,
    when ``gate``, the pooled output ``gate`` is positive (the ReLU); else 0.

    One input row per loop, reading the four rows and writing one: with the
    four written in one loop LLVM needed more alias checks than it will emit
    and left the loop scalar (3.6x slower, measured on MNIST's first layer).
    Selects rather than branches, so the loop over the batch vectorises.
    """
    for b in range(out.shape[0]):
        v0, v1, v2, v3 = a0[b] + bias, a1[b] + bias, a2[b] + bias, a3[b] + bias
        m = max(max(v0, v1), max(v2, v3))
        t0 = v0 == m
        t1 = (v1 == m) and not t0
        t2 = (v2 == m) and not (t0 or t1)
        t3 = not (t0 or t1 or t2)
        hit = t0 if q == 0 else (t1 if q == 1 else (t2 if q == 2 else t3))
        if gate is not None:
            hit = hit and gate[b] > 0.0
        out[b] = gp[b] if hit else 0.0


@kernel(inline="always")
def _window_backward(A, s, W, bias, gp, gate, G):
    """Max pooling's backward pass for the 2x2 window whose top left input is
    row ``s`` of A (and of G): each of its four input rows in turn, by
    :func:`_route_to_first_largest`."""
    for q in range(4):
        _route_to_first_largest(
            A[s], A[s + 1], A[s + W], A[s + W + 1], bias, q, gp, gate, G[s + (q // 2) * W + q % 2]
        )


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

    Every input of a window is written (the gradient or 0), so GA needs no
    zeroing first.
    """
    B = GA.shape[1]
    H2, W2 = H // 2, W // 2
    zero = np.zeros(1, dtype=A.dtype)[0]  # no bias, in A's precision
    for c in range(C):
        if H % 2 or W % 2:  # an odd last row/column was never pooled
            for i in range(c * H * W, (c + 1) * H * W):
                for b in range(B):
                    GA[i, b] = 0.0
        for y in range(H2):
            for x in range(W2):
                s = c * H * W + 2 * y * W + 2 * x
                o = (c * H2 + y) * W2 + x
                if kind == MAX_POOL:
                    _window_backward(A, s, W, zero, GP[o], None, GA)
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
    for c in range(C):
        if H % 2 or W % 2:  # an odd last row/column was never pooled
            for i in range(c * H * W, (c + 1) * H * W):
                for b in range(B):
                    GZ[i, b] = 0.0
        bc = bias[c]
        for y in range(H2):
            for x in range(W2):
                s = c * H * W + 2 * y * W + 2 * x
                o = (c * H2 + y) * W2 + x
                _window_backward(Z, s, W, bc, GP[o], P[o], GZ)


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
    unit_in, unit, offset, padded = 0, c * h * w, 0, 0
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
        row[KACT], row[POOL], row[PAD_OFF] = act, pool, padded
        padded += c * (h + 2 * (k // 2)) * (w + 2 * (k // 2))
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
