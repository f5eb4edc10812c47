"""Whole-network kernels: forward, backward, a training pass, evaluation.

A network is described to the kernels by plain arrays, which keeps them
cacheable and free of Python objects:

* ``params`` / ``grad``: every trainable number in one flat vector.
* ``layout``: one int64 row per dense layer, columns below: sizes, where the
  layer's weights, biases and batch-norm scale/shift start in ``params``, its
  activation code, and where its input and output units start in the
  activation buffers (units are numbered across layers, inputs first), and how
  many values it hands to the next layer (``N_ACT``).

Maxout. A maxout layer of n units is stored as a dense layer of ``N_OUT = 2n``
pre-activations (``W`` is ``(2n, n_in)``: piece 1 of every unit in rows
``0..n``, piece 2 in rows ``n..2n``; ``b`` likewise) followed by a pairwise
max, and the next layer reads only the n values (``N_ACT = n``) in the first n
rows of the layer's activation block. Why this layout: the pieces are ordinary
rows of an ordinary dense layer, so the dense kernels (loops or BLAS), the
flat parameter vector and with it every optimizer, schedule, L1/L2 penalty,
clipping, gradient norm and initialisation work unchanged; batch norm (when
on) normalises each of the 2n pieces, as it would any pre-activation, before
the max. Piece-major rather than interleaved rows so that ``W[:n]`` is one
(n, n_in) matrix, the first piece of each unit, which is what the diagram
draws. The layer keeps 2n rows in every scratch buffer (its unit range is 2n
wide) so each block stays a plain slice; dropout acts on the n outputs only.
* ``hp``: the float hyper-parameters, indexed by the constants below; they
  can change between calls without rebuilding anything.
* ``bufs``: scratch of shape ``(N_BUFS, units, batch)``; ``bufs[row, u:u+n]``
  is one layer's contiguous ``(n, batch)`` block. A batch of another size
  (the last, partial one) gets scratch of its own, so every block is a plain
  slice: no reshape, which costs a C call each time, in the per-batch path.
* ``conv`` / ``padded``: the optional convolutional front end (see :mod:`.conv`),
  a table of stages that run before the dense layers, and the scratch of its
  padded maps. A dense network passes a table with no rows.
"""

from __future__ import annotations

import math

import numpy as np

from ._jit import kernel
from .activations import activate, backprop_activation
from .conv_front import conv_front_backward, conv_front_forward, conv_scratch, scratch_per_point
from .layers import (
    batchnorm_backward,
    batchnorm_forward,
    dense_backward,
    dense_forward,
    dropout_forward,
)
from .losses import loss_and_delta
from .optimizers import add_penalty_gradient, apply_update, clip_gradient
from .slots import (
    A_,
    ACT,
    B_OFF,
    BETA1,
    BETA2,
    BN_EPS,
    BN_MOMENTUM,
    CLIP,
    DROPOUT,
    EPS,
    G_,
    G_OFF,
    H_,
    HUBER,
    L1,
    L2,
    LR,
    M_,
    MOMENTUM,
    N_,
    N_ACT,
    N_BUFS,
    N_IN,
    N_OUT,
    P_,
    RHO,
    S_,
    T_,
    U_IN,
    U_OUT,
    W_OFF,
    Z_,
)

#: Evaluation processes this many points at a time: small enough that a toy
#: network's whole forward pass for the chunk stays in the L1/L2 cache, large
#: enough for BLAS to run at full speed on MNIST's layers.
EVAL_CHUNK = 512
#: ... and at most about this many scratch values per chunk (a conv net has
#: thousands of units per image and padded maps beside them).
EVAL_VALUES = 8_000_000


@kernel(inline="always")
def _weights(params, layout, l):
    n_in = layout[l, N_IN]
    n_out = layout[l, N_OUT]
    w = layout[l, W_OFF]
    return params[w : w + n_out * n_in].reshape((n_out, n_in))


@kernel(inline="always")
def _n_units(layout):
    last = layout.shape[0] - 1
    return layout[last, U_OUT] + layout[last, N_OUT]


@kernel
def forward(params, layout, conv, hp, run_mean, run_var, bufs, padded, train, state):
    """Run the batch whose inputs sit in the input block of ``bufs[A_]``."""
    n_layers = layout.shape[0]
    dropping = train and hp[DROPOUT] > 0.0
    conv_front_forward(params, conv, hp, run_mean, run_var, bufs, padded, train, state)
    for l in range(n_layers):
        n_in = layout[l, N_IN]
        u_in = layout[l, U_IN]
        u = layout[l, U_OUT]
        v = u + layout[l, N_OUT]
        bo = layout[l, B_OFF]
        z = bufs[Z_, u:v]
        dense_forward(
            _weights(params, layout, l), params[bo : bo + v - u], bufs[A_, u_in : u_in + n_in], z
        )
        pre = z
        g = layout[l, G_OFF]
        if g >= 0:
            pre = bufs[N_, u:v]
            n = v - u
            batchnorm_forward(
                z,
                params[g : g + n],
                params[g + n : g + 2 * n],
                pre,
                bufs[H_, u:v],
                bufs[S_, u:v, 0],
                run_mean[u:v],
                run_var[u:v],
                train,
                hp[BN_MOMENTUM],
                hp[BN_EPS],
            )
        a = bufs[A_, u:v]
        if dropping and l < n_layers - 1:
            p = bufs[P_, u:v]
            activate(layout[l, ACT], pre, p)
            a[:, :] = p
            w = u + layout[l, N_ACT]  # maxout: only its n outputs are dropped
            dropout_forward(bufs[A_, u:w], bufs[M_, u:w], hp[DROPOUT], state)
        else:
            activate(layout[l, ACT], pre, a)


@kernel
def backward(params, grad, layout, conv, hp, bufs, padded, train):
    """Backpropagate from dLoss/dZ of the output layer (in ``bufs[G_]``)."""
    n_layers = layout.shape[0]
    dropping = train and hp[DROPOUT] > 0.0
    has_conv = conv.shape[0] > 0
    for l in range(n_layers - 1, -1, -1):
        n_in = layout[l, N_IN]
        n_out = layout[l, N_OUT]
        u_in = layout[l, U_IN]
        u = layout[l, U_OUT]
        w = layout[l, W_OFF]
        bo = layout[l, B_OFF]
        d_in = bufs[G_, u_in : u_in + n_in]
        dense_backward(
            _weights(params, layout, l),
            bufs[A_, u_in : u_in + n_in],
            bufs[G_, u : u + n_out],
            grad[w : w + n_out * n_in].reshape((n_out, n_in)),
            grad[bo : bo + n_out],
            d_in,
            l > 0 or has_conv,
        )
        if l == 0:
            break
        # d_in now holds dLoss/d(output of layer l-1); go back through it.
        # Layer l-1 has ``width`` pre-activations: n_in, or 2 n_in for maxout,
        # whose backprop spreads the n_in gradients over both pieces.
        p = l - 1
        width = layout[p, N_OUT]
        v = u_in + width
        a = bufs[A_, u_in:v]
        if dropping:
            d_in *= bufs[M_, u_in : u_in + n_in]
            a = bufs[P_, u_in:v]
        d_pre = bufs[G_, u_in:v]
        g = layout[p, G_OFF]
        pre = bufs[N_ if g >= 0 else Z_, u_in:v]
        backprop_activation(layout[p, ACT], pre, a, d_pre)
        if g >= 0:
            batchnorm_backward(
                d_pre,
                bufs[H_, u_in:v],
                bufs[S_, u_in:v, 0],
                params[g : g + width],
                grad[g : g + width],
                grad[g + width : g + 2 * width],
            )
    if has_conv:
        conv_front_backward(params, grad, conv, hp, bufs, padded, train)


@kernel
def gather_batch(X, Y, idx, start, layout, bufs, targets):
    """Copy rows idx[start:start+batch] of X (and of Y if ``targets``) into their blocks."""
    n_in = X.shape[1]
    last = layout.shape[0] - 1
    u = layout[last, U_OUT]
    n_out = layout[last, N_OUT]
    a = bufs[A_]
    t = bufs[T_]
    for i in range(bufs.shape[2]):
        r = idx[start + i]
        for k in range(n_in):
            a[k, i] = X[r, k]
        if targets:
            for k in range(n_out):
                t[u + k, i] = Y[r, k]


@kernel
def output_loss(loss, layout, hp, bufs, scale):
    """Summed loss of the batch in ``bufs``; ``scale`` * dLoss/dZ goes to its G block."""
    last = layout.shape[0] - 1
    u = layout[last, U_OUT]
    v = u + layout[last, N_OUT]
    pre = bufs[N_ if layout[last, G_OFF] >= 0 else Z_, u:v]
    return loss_and_delta(
        loss, layout[last, ACT], pre, bufs[A_, u:v], bufs[T_, u:v], bufs[G_, u:v], scale, hp[HUBER]
    )


@kernel
def loss_and_gradient(
    X,
    Y,
    idx,
    start,
    params,
    grad,
    layout,
    conv,
    hp,
    loss,
    run_mean,
    run_var,
    bufs,
    padded,
    state,
    train,
):
    """Forward and backward on one batch (its size is ``bufs.shape[2]``).

    Returns the batch's summed data loss; the gradient of its mean goes to ``grad``.
    """
    gather_batch(X, Y, idx, start, layout, bufs, True)
    forward(params, layout, conv, hp, run_mean, run_var, bufs, padded, train, state)
    total = output_loss(loss, layout, hp, bufs, 1.0 / bufs.shape[2])
    backward(params, grad, layout, conv, hp, bufs, padded, train)
    return total


@kernel
def scratch(layout, batch, dtype):
    """Scratch for batches of exactly ``batch`` points (see module docstring)."""
    return np.empty((N_BUFS, _n_units(layout), batch), dtype=dtype)


@kernel
def train_scratch(layout, conv, batch, params):
    """``(bufs, padded)``: all the scratch of training batches of exactly ``batch``
    points, in ``params``' dtype. A caller that trains an epoch in slices keeps it
    from slice to slice: a conv net's is tens of MB for MNIST's batch of 128, and
    made afresh each slice, its pages were faulted in again every time (a slice of
    one conv batch took twice as long as a batch within a whole epoch)."""
    return scratch(layout, batch, params.dtype), conv_scratch(conv, batch, params.dtype)


#: Weights above which a layer's gradient norm is a BLAS dot product: for MNIST's
#: 25,000 float32 weights it takes 2 us where a plain loop took 6.6 us (a batch-10
#: epoch was 18 % slower); a toy layer's dozen weights are cheaper as a loop.
NORM_BLAS_MIN = 1024


@kernel
def add_weight_gradient_norms(grad, layout, norm_sums):
    """Add each layer's weight-gradient L2 norm to ``norm_sums[layer]``.

    One pass over the weights per batch, as cheap as the optimizer's own update
    and far cheaper than the batch's backward pass: it lets a run report how
    strongly each layer learns (vanishing or exploding gradients) without a
    second pass over the data.
    """
    for l in range(layout.shape[0]):
        w = layout[l, W_OFF]
        n = layout[l, N_IN] * layout[l, N_OUT]
        if n >= NORM_BLAS_MIN:
            g = grad[w : w + n]
            norm_sums[l] += math.sqrt(np.dot(g, g))
        else:
            s = 0.0
            for k in range(w, w + n):
                s += grad[k] * grad[k]
            norm_sums[l] += math.sqrt(s)


@kernel
def train_batches(
    X,
    Y,
    idx,
    batch_size,
    params,
    grad,
    m,
    v,
    counters,
    regmask,
    layout,
    conv,
    hp,
    loss,
    opt,
    run_mean,
    run_var,
    state,
    norm_sums,
    bufs,
    padded,
):
    """One optimizer step per batch of ``batch_size`` rows of ``idx``, in order.

    Returns the mean data loss over the rows, each batch's loss measured
    before its own update (as training curves usually report it). Each batch's
    weight-gradient norm per layer (of loss + penalty, before clipping) is added
    to ``norm_sums``. ``bufs`` and ``padded`` are scratch for a full batch
    (:func:`train_scratch`); scratch of another size is replaced, and a last,
    smaller batch gets its own.
    """
    n = idx.shape[0]
    cap = min(batch_size, n)
    if bufs.shape[2] != cap:
        bufs, padded = train_scratch(layout, conv, cap, params)
    total = 0.0
    for start in range(0, n, cap):
        if n - start < cap:  # the last, smaller batch
            bufs, padded = train_scratch(layout, conv, n - start, params)
        total += loss_and_gradient(
            X,
            Y,
            idx,
            start,
            params,
            grad,
            layout,
            conv,
            hp,
            loss,
            run_mean,
            run_var,
            bufs,
            padded,
            state,
            True,
        )
        add_penalty_gradient(params, grad, regmask, hp[L1], hp[L2])
        add_weight_gradient_norms(grad, layout, norm_sums)
        clip_gradient(grad, hp[CLIP])
        counters[0] += 1
        apply_update(
            opt,
            params,
            grad,
            m,
            v,
            counters[0],
            hp[LR],
            hp[MOMENTUM],
            hp[BETA1],
            hp[BETA2],
            hp[EPS],
            hp[RHO],
            regmask,
            hp[L1],
        )
    return total / n


@kernel
def evaluate(X, Y, params, layout, conv, hp, loss, run_mean, run_var, out, first_unit, with_loss):
    """Evaluation-mode forward pass over every row of X, in chunks.

    Writes the activations of units ``first_unit ..`` (inputs are units
    ``0 .. n_in``, then each layer's) into ``out[unit - first_unit, row]``,
    and returns the summed data loss against Y when ``with_loss``.
    """
    n = X.shape[0]
    per_point = N_BUFS * _n_units(layout) + scratch_per_point(conv)
    cap = min(EVAL_CHUNK, n, max(1, EVAL_VALUES // per_point))
    bufs = scratch(layout, cap, params.dtype)
    padded = conv_scratch(conv, cap, params.dtype)
    idx = np.arange(n)
    state = np.zeros(1, dtype=np.uint64)  # unused: no dropout in evaluation
    total = 0.0
    for start in range(0, n, cap):
        b = min(cap, n - start)
        if b < cap:
            bufs = scratch(layout, b, params.dtype)
            padded = conv_scratch(conv, b, params.dtype)
        gather_batch(X, Y, idx, start, layout, bufs, with_loss)
        forward(params, layout, conv, hp, run_mean, run_var, bufs, padded, False, state)
        if with_loss:
            total += output_loss(loss, layout, hp, bufs, 1.0)
        out[:, start : start + b] = bufs[A_, first_unit:]
    return total


@kernel
def forward_all(X, params, layout, conv, hp, run_mean, run_var, bufs, padded):
    """Evaluation-mode pass over every row of X as one batch.

    Afterwards ``bufs[A_]`` is the ``(units, n)`` activation matrix itself,
    with no copy. For the page's frames (10,000 grid points through a small
    network) this beats chunked evaluation, which must copy every value out.
    """
    state = np.zeros(1, dtype=np.uint64)  # unused: no dropout in evaluation
    gather_batch(X, X, np.arange(X.shape[0]), 0, layout, bufs, False)
    forward(params, layout, conv, hp, run_mean, run_var, bufs, padded, False, state)
