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
* ``bufs``: scratch of shape ``(N_BUFS, units, batch)``; ``bufs[row, u:u+n]``
  is one layer's contiguous ``(n, batch)`` block. A batch of another size
  (the last, partial one) gets scratch of its own, so every block is a plain
  slice: no reshape, which costs a C call each time, in the per-batch path.
* ``conv`` / ``cols``: the optional convolutional front end (see :mod:`.conv`),
  a table of stages that run before the dense layers, and the scratch its
  im2col matrices use. A dense network passes a table with no rows.
"""

from __future__ import annotations

import numpy as np

from . import conv as cv
from ._jit import kernel
from .activations import activate, backprop_activation
from .conv import conv_backward, conv_forward, pool_backward, pool_forward
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
# pre-activation, gradient, per-unit inverse std (column 0), targets.
Z_, N_, A_, P_, M_, H_, G_, S_, T_ = range(9)
N_BUFS = 9

#: Evaluation processes this many points at a time: small enough that a toy
#: network's whole forward pass for the chunk stays in the L1/L2 cache, large
#: enough for BLAS to run at full speed on MNIST's layers.
EVAL_CHUNK = 512
#: ... and at most about this many scratch values per chunk (a conv net has
#: thousands of units per image and an im2col matrix beside them).
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


@kernel(inline="always")
def _cols(cols, conv, s, batch):
    """Stage ``s``'s im2col matrix ``(C_in*k*k, H*W*batch)`` and its dcols twin."""
    k = conv[s, cv.KSIZE]
    rows = conv[s, cv.C_IN] * k * k
    n = conv[s, cv.HEIGHT] * conv[s, cv.WIDTH] * batch
    start = conv[s, cv.COL_OFF] * batch
    last = conv.shape[0] - 1
    d = (
        conv[last, cv.COL_OFF]
        + conv[last, cv.C_IN]
        * conv[last, cv.KSIZE] ** 2
        * conv[last, cv.HEIGHT]
        * conv[last, cv.WIDTH]
    ) * batch
    return (
        cols[start : start + rows * n].reshape((rows, n)),
        cols[d : d + rows * n].reshape((rows, n)),
    )


@kernel(inline="always")
def _cols_per_point(conv):
    """Every stage's im2col values for one point, plus the largest once more (dcols)."""
    per = 0
    big = 0
    for s in range(conv.shape[0]):
        n = conv[s, cv.C_IN] * conv[s, cv.KSIZE] ** 2 * conv[s, cv.HEIGHT] * conv[s, cv.WIDTH]
        per += n
        big = max(big, n)
    return per + big


@kernel
def conv_scratch(conv, batch, dtype):
    """im2col scratch for batches of exactly ``batch`` points."""
    return np.empty(max(1, _cols_per_point(conv) * batch), dtype=dtype)


@kernel
def conv_front_forward(params, conv, hp, run_mean, run_var, bufs, cols, train, state):
    """Each conv stage in turn: conv, [batch norm], activation, [pool], [dropout]."""
    dropping = train and hp[DROPOUT] > 0.0
    batch = bufs.shape[2]
    for s in range(conv.shape[0]):
        c_in, c_out, k = conv[s, cv.C_IN], conv[s, cv.C_OUT], conv[s, cv.KSIZE]
        H, W = conv[s, cv.HEIGHT], conv[s, cv.WIDTH]
        hw = H * W
        u_in, u, uo = conv[s, cv.KU_IN], conv[s, cv.KU_CONV], conv[s, cv.KU_OUT]
        v = u + c_out * hw
        kw, kb = conv[s, cv.KW_OFF], conv[s, cv.KB_OFF]
        col, _ = _cols(cols, conv, s, batch)
        z = bufs[Z_, u:v]
        conv_forward(
            params[kw : kw + c_out * c_in * k * k].reshape((c_out, c_in * k * k)),
            params[kb : kb + c_out],
            bufs[A_, u_in : u_in + c_in * hw],
            col,
            z,
            H,
            W,
            k,
        )
        pre = z
        g = conv[s, cv.KG_OFF]
        if g >= 0:  # per channel: statistics over the batch and every position
            pre = bufs[N_, u:v]
            batchnorm_forward(
                z.reshape((c_out, hw * batch)),
                params[g : g + c_out],
                params[g + c_out : g + 2 * c_out],
                pre.reshape((c_out, hw * batch)),
                bufs[H_, u:v].reshape((c_out, hw * batch)),
                bufs[S_, u : u + c_out, 0],
                run_mean[u : u + c_out],
                run_var[u : u + c_out],
                train,
                hp[BN_MOMENTUM],
                hp[BN_EPS],
            )
        act = conv[s, cv.KACT]
        pool = conv[s, cv.POOL]
        if pool != cv.NO_POOL:
            activate(act, pre, bufs[A_, u:v])
            w = uo + c_out * (H // 2) * (W // 2)
        else:
            w = v
        a = bufs[A_, uo:w]
        if dropping:
            p = bufs[P_, uo:w]
            if pool != cv.NO_POOL:
                pool_forward(pool, bufs[A_, u:v], c_out, H, W, p)
            else:
                activate(act, pre, p)
            a[:, :] = p
            dropout_forward(a, bufs[M_, uo:w], hp[DROPOUT], state)
        elif pool != cv.NO_POOL:
            pool_forward(pool, bufs[A_, u:v], c_out, H, W, a)
        else:
            activate(act, pre, a)


@kernel
def conv_front_backward(params, grad, conv, hp, bufs, cols, train):
    """Backpropagate from dLoss/d(last stage's output), in ``bufs[G_]``, to every kernel."""
    dropping = train and hp[DROPOUT] > 0.0
    batch = bufs.shape[2]
    for s in range(conv.shape[0] - 1, -1, -1):
        c_in, c_out, k = conv[s, cv.C_IN], conv[s, cv.C_OUT], conv[s, cv.KSIZE]
        H, W = conv[s, cv.HEIGHT], conv[s, cv.WIDTH]
        hw = H * W
        u_in, u, uo = conv[s, cv.KU_IN], conv[s, cv.KU_CONV], conv[s, cv.KU_OUT]
        v = u + c_out * hw
        pool = conv[s, cv.POOL]
        w = uo + c_out * (H // 2) * (W // 2) if pool != cv.NO_POOL else v
        if dropping:
            go = bufs[G_, uo:w]
            go *= bufs[M_, uo:w]
        gz = bufs[G_, u:v]
        if pool != cv.NO_POOL:
            a = bufs[A_, u:v]
            pool_backward(pool, a, c_out, H, W, bufs[G_, uo:w], gz)
        else:
            a = bufs[P_ if dropping else A_, u:v]
        g = conv[s, cv.KG_OFF]
        backprop_activation(conv[s, cv.KACT], bufs[N_ if g >= 0 else Z_, u:v], a, gz)
        if g >= 0:
            batchnorm_backward(
                gz.reshape((c_out, hw * batch)),
                bufs[H_, u:v].reshape((c_out, hw * batch)),
                bufs[S_, u : u + c_out, 0],
                params[g : g + c_out],
                grad[g : g + c_out],
                grad[g + c_out : g + 2 * c_out],
            )
        kw, kb = conv[s, cv.KW_OFF], conv[s, cv.KB_OFF]
        n = c_in * k * k
        col, dcol = _cols(cols, conv, s, batch)
        conv_backward(
            params[kw : kw + c_out * n].reshape((c_out, n)),
            col,
            gz,
            grad[kw : kw + c_out * n].reshape((c_out, n)),
            grad[kb : kb + c_out],
            dcol,
            bufs[G_, u_in : u_in + c_in * hw],
            s > 0,
            H,
            W,
            k,
        )


@kernel
def forward(params, layout, conv, hp, run_mean, run_var, bufs, cols, train, state):
    """Run the batch whose inputs sit in the input block of ``bufs[A_]``."""
    n_layers = layout.shape[0]
    dropping = train and hp[DROPOUT] > 0.0
    conv_front_forward(params, conv, hp, run_mean, run_var, bufs, cols, train, state)
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
            dropout_forward(a, bufs[M_, u:v], hp[DROPOUT], state)
        else:
            activate(layout[l, ACT], pre, a)


@kernel
def backward(params, grad, layout, conv, hp, bufs, cols, train):
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
        p = l - 1
        v = u_in + n_in
        a = bufs[A_, u_in:v]
        if dropping:
            d_in *= bufs[M_, u_in:v]
            a = bufs[P_, u_in:v]
        g = layout[p, G_OFF]
        pre = bufs[N_ if g >= 0 else Z_, u_in:v]
        backprop_activation(layout[p, ACT], pre, a, d_in)
        if g >= 0:
            batchnorm_backward(
                d_in,
                bufs[H_, u_in:v],
                bufs[S_, u_in:v, 0],
                params[g : g + n_in],
                grad[g : g + n_in],
                grad[g + n_in : g + 2 * n_in],
            )
    if has_conv:
        conv_front_backward(params, grad, conv, hp, bufs, cols, train)


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
    cols,
    state,
    train,
):
    """Forward and backward on one batch (its size is ``bufs.shape[2]``).

    Returns the batch's summed data loss; the gradient of its mean goes to ``grad``.
    """
    gather_batch(X, Y, idx, start, layout, bufs, True)
    forward(params, layout, conv, hp, run_mean, run_var, bufs, cols, train, state)
    total = output_loss(loss, layout, hp, bufs, 1.0 / bufs.shape[2])
    backward(params, grad, layout, conv, hp, bufs, cols, train)
    return total


@kernel
def scratch(layout, batch, dtype):
    """Scratch for batches of exactly ``batch`` points (see module docstring)."""
    return np.empty((N_BUFS, _n_units(layout), batch), dtype=dtype)


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
):
    """One optimizer step per batch of ``batch_size`` rows of ``idx``, in order.

    Returns the mean data loss over the rows, each batch's loss measured
    before its own update (as training curves usually report it).
    """
    n = idx.shape[0]
    cap = min(batch_size, n)
    bufs = scratch(layout, cap, params.dtype)
    cols = conv_scratch(conv, cap, params.dtype)
    total = 0.0
    for start in range(0, n, cap):
        if n - start < cap:  # the last, smaller batch
            bufs = scratch(layout, n - start, params.dtype)
            cols = conv_scratch(conv, n - start, params.dtype)
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
            cols,
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
def evaluate(X, Y, params, layout, conv, hp, loss, run_mean, run_var, out, first_unit, with_loss):
    """Evaluation-mode forward pass over every row of X, in chunks.

    Writes the activations of units ``first_unit ..`` (inputs are units
    ``0 .. n_in``, then each layer's) into ``out[unit - first_unit, row]``,
    and returns the summed data loss against Y when ``with_loss``.
    """
    n = X.shape[0]
    per_point = N_BUFS * _n_units(layout) + _cols_per_point(conv)
    cap = min(EVAL_CHUNK, n, max(1, EVAL_VALUES // per_point))
    bufs = scratch(layout, cap, params.dtype)
    cols = conv_scratch(conv, cap, params.dtype)
    idx = np.arange(n)
    state = np.zeros(1, dtype=np.uint64)  # unused: no dropout in evaluation
    total = 0.0
    for start in range(0, n, cap):
        b = min(cap, n - start)
        if b < cap:
            bufs = scratch(layout, b, params.dtype)
            cols = conv_scratch(conv, b, params.dtype)
        gather_batch(X, Y, idx, start, layout, bufs, with_loss)
        forward(params, layout, conv, hp, run_mean, run_var, bufs, cols, False, state)
        if with_loss:
            total += output_loss(loss, layout, hp, bufs, 1.0)
        out[:, start : start + b] = bufs[A_, first_unit:]
    return total


@kernel
def forward_all(X, params, layout, conv, hp, run_mean, run_var, bufs, cols):
    """Evaluation-mode pass over every row of X as one batch.

    Afterwards ``bufs[A_]`` is the ``(units, n)`` activation matrix itself,
    with no copy. For the page's frames (10,000 grid points through a small
    network) this beats chunked evaluation, which must copy every value out.
    """
    state = np.zeros(1, dtype=np.uint64)  # unused: no dropout in evaluation
    gather_batch(X, X, np.arange(X.shape[0]), 0, layout, bufs, False)
    forward(params, layout, conv, hp, run_mean, run_var, bufs, cols, False, state)
