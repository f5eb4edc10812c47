"""Whole-network kernels: forward, backward, a training pass, evaluation.

A network is described to the kernels by plain arrays, which keeps them
cacheable and free of Python objects:

* ``params`` / ``grad``: every trainable number in one flat vector.
* ``layout``: one int64 row per dense layer, columns below: sizes, where the
  layer's weights, biases and batch-norm scale/shift start in ``params``, its
  activation code, and where its input and output units start in the
  activation buffers (units are numbered across layers, inputs first).
* ``hp``: the float hyper-parameters, indexed by the constants below; they
  can change between calls without rebuilding anything.
* ``bufs``: scratch rows, each holding every unit's values for one batch,
  unit ``u``'s block being ``[u * cap, u * cap + batch)``.
"""

from __future__ import annotations

import numpy as np

from ._jit import kernel
from .activations import activate, backprop_activation
from .layers import (
    batchnorm_backward,
    batchnorm_forward,
    dense_backward,
    dense_forward,
    dropout_forward,
)
from .losses import loss_and_delta
from .optimizers import add_penalty_gradient, apply_update, clip_gradient

# Columns of ``layout``.
N_IN, N_OUT, W_OFF, B_OFF, G_OFF, ACT, U_IN, U_OUT = range(8)
LAYOUT_COLUMNS = 8

# Entries of ``hp``.
LR, L1, L2, MOMENTUM, BETA1, BETA2, EPS, RHO, CLIP, DROPOUT, BN_MOMENTUM, BN_EPS, HUBER = range(13)
N_HP = 13

# Rows of ``bufs``: pre-activation, batch-normed, activation (as the next
# layer sees it), activation before dropout, dropout mask, normalised
# pre-activation, gradient, per-unit inverse std, targets.
Z_, N_, A_, P_, M_, H_, G_, S_, T_ = range(9)
N_BUFS = 9

#: Evaluation processes this many points at a time (bounds scratch memory).
EVAL_CHUNK = 2048


@kernel(inline="always")
def _block(row, u, n, cap, b):
    """The ``(n, b)`` view of one layer's units ``u .. u+n`` in a scratch row.

    A layer's block starts at ``u * cap`` and is packed for the current batch
    size ``b``, so unit ``u + j`` is row ``j`` of this view, *not* the block
    ``_block(row, u + j, 1, cap, b)`` unless ``b == cap``.
    """
    start = u * cap
    return row[start : start + n * b].reshape((n, b))


@kernel(inline="always")
def _weights(params, layout, l):
    n_in = layout[l, N_IN]
    n_out = layout[l, N_OUT]
    w = layout[l, W_OFF]
    return params[w : w + n_out * n_in].reshape((n_out, n_in))


@kernel
def forward(params, layout, hp, run_mean, run_var, bufs, cap, b, train, state):
    """Run the batch whose inputs sit in the input block of ``bufs[A_]``."""
    n_layers = layout.shape[0]
    dropping = train and hp[DROPOUT] > 0.0
    for l in range(n_layers):
        n_in = layout[l, N_IN]
        n_out = layout[l, N_OUT]
        u_out = layout[l, U_OUT]
        bo = layout[l, B_OFF]
        a_in = _block(bufs[A_], layout[l, U_IN], n_in, cap, b)
        z = _block(bufs[Z_], u_out, n_out, cap, b)
        dense_forward(_weights(params, layout, l), params[bo : bo + n_out], a_in, z)
        pre = z
        g = layout[l, G_OFF]
        if g >= 0:
            pre = _block(bufs[N_], u_out, n_out, cap, b)
            batchnorm_forward(
                z,
                params[g : g + n_out],
                params[g + n_out : g + 2 * n_out],
                pre,
                _block(bufs[H_], u_out, n_out, cap, b),
                bufs[S_][u_out : u_out + n_out],
                run_mean[u_out : u_out + n_out],
                run_var[u_out : u_out + n_out],
                train,
                hp[BN_MOMENTUM],
                hp[BN_EPS],
            )
        a = _block(bufs[A_], u_out, n_out, cap, b)
        if dropping and l < n_layers - 1:
            p = _block(bufs[P_], u_out, n_out, cap, b)
            activate(layout[l, ACT], pre, p)
            a[:, :] = p
            dropout_forward(a, _block(bufs[M_], u_out, n_out, cap, b), hp[DROPOUT], state)
        else:
            activate(layout[l, ACT], pre, a)


@kernel
def backward(params, grad, layout, hp, bufs, cap, b, train):
    """Backpropagate from dLoss/dZ of the output layer (in ``bufs[G_]``)."""
    n_layers = layout.shape[0]
    dropping = train and hp[DROPOUT] > 0.0
    for l in range(n_layers - 1, -1, -1):
        n_in = layout[l, N_IN]
        n_out = layout[l, N_OUT]
        u_in = layout[l, U_IN]
        w = layout[l, W_OFF]
        bo = layout[l, B_OFF]
        d_in = _block(bufs[G_], u_in, n_in, cap, b)
        dense_backward(
            _weights(params, layout, l),
            _block(bufs[A_], u_in, n_in, cap, b),
            _block(bufs[G_], layout[l, U_OUT], n_out, cap, b),
            grad[w : w + n_out * n_in].reshape((n_out, n_in)),
            grad[bo : bo + n_out],
            d_in,
            l > 0,
        )
        if l == 0:
            break
        # d_in now holds dLoss/d(output of layer l-1); go back through it.
        p = l - 1
        n = layout[p, N_OUT]
        a = _block(bufs[A_], u_in, n, cap, b)
        if dropping:
            d_in *= _block(bufs[M_], u_in, n, cap, b)
            a = _block(bufs[P_], u_in, n, cap, b)
        g = layout[p, G_OFF]
        pre = _block(bufs[N_ if g >= 0 else Z_], u_in, n, cap, b)
        backprop_activation(layout[p, ACT], pre, a, d_in)
        if g >= 0:
            batchnorm_backward(
                d_in,
                _block(bufs[H_], u_in, n, cap, b),
                bufs[S_][u_in : u_in + n],
                params[g : g + n],
                grad[g : g + n],
                grad[g + n : g + 2 * n],
            )


@kernel
def gather_batch(X, Y, idx, start, b, layout, bufs, cap, targets):
    """Copy rows idx[start:start+b] of X (and of Y if ``targets``) into their blocks."""
    n_in = layout[0, N_IN]
    last = layout.shape[0] - 1
    n_out = layout[last, N_OUT]
    a = _block(bufs[A_], 0, n_in, cap, b)
    t = _block(bufs[T_], layout[last, U_OUT], n_out, cap, b)
    for i in range(b):
        r = idx[start + i]
        for k in range(n_in):
            a[k, i] = X[r, k]
        if targets:
            for k in range(n_out):
                t[k, i] = Y[r, k]


@kernel
def output_loss(loss, layout, hp, bufs, cap, b, scale):
    """Summed loss of the batch in ``bufs``; ``scale`` * dLoss/dZ goes to its G block."""
    last = layout.shape[0] - 1
    n_out = layout[last, N_OUT]
    u = layout[last, U_OUT]
    return loss_and_delta(
        loss,
        layout[last, ACT],
        _block(bufs[N_ if layout[last, G_OFF] >= 0 else Z_], u, n_out, cap, b),
        _block(bufs[A_], u, n_out, cap, b),
        _block(bufs[T_], u, n_out, cap, b),
        _block(bufs[G_], u, n_out, cap, b),
        scale,
        hp[HUBER],
    )


@kernel
def loss_and_gradient(
    X, Y, idx, start, b, params, grad, layout, hp, loss, run_mean, run_var, bufs, cap, state, train
):
    """Forward and backward on one batch; returns the batch's summed data loss."""
    gather_batch(X, Y, idx, start, b, layout, bufs, cap, True)
    forward(params, layout, hp, run_mean, run_var, bufs, cap, b, train, state)
    total = output_loss(loss, layout, hp, bufs, cap, b, 1.0 / b)
    backward(params, grad, layout, hp, bufs, cap, b, train)
    return total


def scratch(n_units: int, cap: int, dtype) -> np.ndarray:
    """Scratch rows for batches of up to ``cap`` points (see module docstring)."""
    return np.empty((N_BUFS, n_units * cap), dtype=dtype)


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
    hp,
    loss,
    opt,
    run_mean,
    run_var,
    state,
):
    """One optimizer step per batch of ``batch_size`` rows of ``idx``, in order.

    Returns the mean data loss over the rows, each batch's loss measured
    before its own update (as training curves usually report it).
    """
    n = idx.shape[0]
    cap = min(batch_size, n)
    last = layout.shape[0] - 1
    n_units = layout[last, U_OUT] + layout[last, N_OUT]
    bufs = np.empty((N_BUFS, n_units * cap), dtype=params.dtype)
    total = 0.0
    for start in range(0, n, cap):
        b = min(cap, n - start)
        total += loss_and_gradient(
            X,
            Y,
            idx,
            start,
            b,
            params,
            grad,
            layout,
            hp,
            loss,
            run_mean,
            run_var,
            bufs,
            cap,
            state,
            True,
        )
        add_penalty_gradient(params, grad, regmask, hp[L1], hp[L2])
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
def evaluate(X, Y, params, layout, hp, loss, run_mean, run_var, out, first_unit, with_loss):
    """Evaluation-mode forward pass over every row of X, in chunks.

    Writes the activations of units ``first_unit ..`` (inputs are units
    ``0 .. n_in``, then each layer's) into ``out[unit - first_unit, row]``,
    and returns the summed data loss against Y when ``with_loss``.
    """
    n = X.shape[0]
    cap = min(EVAL_CHUNK, n)
    last = layout.shape[0] - 1
    n_units = layout[last, U_OUT] + layout[last, N_OUT]
    bufs = np.empty((N_BUFS, n_units * cap), dtype=params.dtype)
    idx = np.arange(n)
    state = np.zeros(1, dtype=np.uint64)  # unused: no dropout in evaluation
    total = 0.0
    for start in range(0, n, cap):
        b = min(cap, n - start)
        gather_batch(X, Y, idx, start, b, layout, bufs, cap, with_loss)
        forward(params, layout, hp, run_mean, run_var, bufs, cap, b, False, state)
        if with_loss:
            total += output_loss(loss, layout, hp, bufs, cap, b, 1.0)
        # Copy layer by layer: within a layer's block, unit j sits at row j.
        for l in range(-1, last + 1):
            u = 0 if l < 0 else layout[l, U_OUT]
            n_l = layout[0, N_IN] if l < 0 else layout[l, N_OUT]
            src = _block(bufs[A_], u, n_l, cap, b)
            for j in range(max(first_unit - u, 0), n_l):
                for i in range(b):
                    out[u + j - first_unit, start + i] = src[j, i]
    return total
