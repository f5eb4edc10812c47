"""The conv front end as a whole: every conv stage's forward and backward pass.

A stage is conv, [per-channel batch norm], activation, [2x2 pool], [dropout]
on the stage's output; its blocks in ``bufs`` and its parameters in the flat
vector are found through the conv table (:mod:`.conv`). The dense kernels of
:mod:`.network` call :func:`conv_front_forward` first and
:func:`conv_front_backward` last; with a table of no rows both do nothing.
"""

from __future__ import annotations

import numpy as np

from . import conv as cv
from ._jit import kernel
from .activations import RELU, activate, backprop_activation
from .conv import (
    conv_backward,
    conv_forward,
    pool_backward,
    pool_forward,
    relu_max_pool_backward,
    relu_max_pool_forward,
)
from .layers import batchnorm_backward, batchnorm_forward, dropout_forward
from .slots import A_, BN_EPS, BN_MOMENTUM, DROPOUT, G_, H_, M_, N_, P_, S_, Z_


@kernel(inline="always")
def _padded_size(conv, s, channels):
    """Values per point of ``channels`` padded maps of stage ``s``'s size."""
    p = conv[s, cv.KSIZE] // 2
    return channels * (conv[s, cv.HEIGHT] + 2 * p) * (conv[s, cv.WIDTH] + 2 * p)


@kernel(inline="always")
def _padded(scratch, conv, s, batch):
    """Stage ``s``'s padded input maps (kept from the forward pass for the
    kernel gradient) and, after every stage's, room for its output gradient's."""
    start = conv[s, cv.PAD_OFF] * batch
    last = conv.shape[0] - 1
    d = (conv[last, cv.PAD_OFF] + _padded_size(conv, last, conv[last, cv.C_IN])) * batch
    return (
        scratch[start : start + _padded_size(conv, s, conv[s, cv.C_IN]) * batch],
        scratch[d : d + _padded_size(conv, s, conv[s, cv.C_OUT]) * batch],
    )


@kernel(inline="always")
def scratch_per_point(conv):
    """Every stage's padded input maps for one point, plus the largest padded
    output gradient once (the backward pass needs one stage's at a time)."""
    per = 0
    big = 0
    for s in range(conv.shape[0]):
        per += _padded_size(conv, s, conv[s, cv.C_IN])
        big = max(big, _padded_size(conv, s, conv[s, cv.C_OUT]))
    return per + big


@kernel
def conv_scratch(conv, batch, dtype):
    """Conv scratch (padded maps) for batches of exactly ``batch`` points."""
    return np.empty(max(1, scratch_per_point(conv) * batch), dtype=dtype)


@kernel(inline="always")
def _fused(conv, s, train):
    """Whether stage ``s`` trains through the one-pass ReLU + max pool kernels.

    Only in training, which reads nothing but the pooled output: evaluation
    (and the page's feature maps) keeps the full-size activation map.
    """
    return (
        train
        and conv[s, cv.KACT] == RELU
        and conv[s, cv.POOL] == cv.MAX_POOL
        and conv[s, cv.KG_OFF] < 0
    )


@kernel
def conv_front_forward(params, conv, hp, run_mean, run_var, bufs, scratch, train, state):
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
        padded, _ = _padded(scratch, conv, s, batch)
        z = bufs[Z_, u:v]
        fused = _fused(conv, s, train)
        conv_forward(
            params[kw : kw + c_out * c_in * k * k].reshape((c_out, c_in * k * k)),
            params[kb : kb + c_out],
            bufs[A_, u_in : u_in + c_in * hw],
            padded,
            z,
            H,
            W,
            k,
            not fused,
        )
        if fused:
            w = uo + c_out * (H // 2) * (W // 2)
            p = bufs[P_ if dropping else A_, uo:w]
            relu_max_pool_forward(z, params[kb : kb + c_out], c_out, H, W, p)
            if dropping:
                a = bufs[A_, uo:w]
                a[:, :] = p
                dropout_forward(a, bufs[M_, uo:w], hp[DROPOUT], state)
            continue
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
def conv_front_backward(params, grad, conv, hp, bufs, scratch, train):
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
        kw, kb = conv[s, cv.KW_OFF], conv[s, cv.KB_OFF]
        g = conv[s, cv.KG_OFF]
        if _fused(conv, s, train):
            relu_max_pool_backward(
                bufs[Z_, u:v],
                params[kb : kb + c_out],
                c_out,
                H,
                W,
                bufs[P_ if dropping else A_, uo:w],
                bufs[G_, uo:w],
                gz,
            )
        else:
            if pool != cv.NO_POOL:
                a = bufs[A_, u:v]
                pool_backward(pool, a, c_out, H, W, bufs[G_, uo:w], gz)
            else:
                a = bufs[P_ if dropping else A_, u:v]
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
        n = c_in * k * k
        padded, padded_g = _padded(scratch, conv, s, batch)
        conv_backward(
            params[kw : kw + c_out * n].reshape((c_out, n)),
            padded,
            gz,
            grad[kw : kw + c_out * n].reshape((c_out, n)),
            grad[kb : kb + c_out],
            padded_g,
            bufs[G_, u_in : u_in + c_in * hw],
            s > 0,
            H,
            W,
            k,
        )
