"""Finite-difference checks of the conv front end's gradients (float64).

Every kernel tap, bias and batch-norm scale/shift of a conv layer lives in the
same flat vector as the dense weights, so one central-difference sweep over
that vector checks convolution ('same' padding at every edge), both poolings,
per-channel batch norm, dropout and the L1/L2 penalty on kernels at once.
"""

from __future__ import annotations

import numpy as np
import pytest
import test_engine_gradients as dense

from playground.engine import MLP
from playground.engine.conv import KB_OFF


def check_gradients(net: MLP, X, Y, **tolerances) -> None:
    """The dense tests' finite-difference check, and the conv kernels got a gradient."""
    dense.check_gradients(net, X, Y, **tolerances)
    first_kernels = int(net._conv[0, KB_OFF])  # the first layer's kernels start the vector
    assert np.abs(net._grad[:first_kernels]).max() > 1e-4, "conv kernels got no gradient"


def conv_net(shape, conv, *, hidden=(), n_out=3, **kw) -> MLP:
    kw.setdefault("activation", "tanh")
    kw.setdefault("init", "xavier")
    return MLP(
        int(np.prod(shape)),
        hidden,
        n_out,
        conv=conv,
        input_shape=shape,
        output="softmax",
        loss="softmax_ce",
        seed=5,
        **kw,
    )


def batch(rng, shape, n=4, n_out=3):
    X = rng.normal(size=(n, int(np.prod(shape))))
    Y = np.eye(n_out)[rng.integers(0, n_out, n)]
    return X, Y


@pytest.mark.parametrize(
    "shape,kernel",
    [
        ((1, 6, 6), 3),  # one pixel of padding on each side
        ((2, 4, 6), 3),  # several input channels, a non-square image
        ((1, 5, 5), 5),  # two pixels of padding: corner taps see mostly zeros
        ((1, 3, 3), 5),  # the kernel is larger than the image
        ((1, 1, 4), 3),  # one row: every vertical tap but the middle one is padding
    ],
)
def test_convolution_with_same_padding_backpropagates_exactly(rng, shape, kernel):
    net = conv_net(shape, (3,), kernel=kernel, pool="none")
    X, Y = batch(rng, shape)
    check_gradients(net, X, Y)


def test_kernel_taps_that_only_ever_read_padding_get_no_gradient(rng):
    """A 5x5 kernel on a one-row image: rows 0, 1, 3 and 4 of the kernel only ever
    read the zero padding, so their gradient is exactly zero; the middle row reads
    pixels at every tap and gets one."""
    net = conv_net((1, 1, 4), (2,), kernel=5, pool="none")
    X, Y = batch(rng, (1, 1, 4))
    net.loss_and_gradients(X, Y)
    dK = net.conv_gradients[0][0]  # (2, 1, 5, 5)
    assert np.all(dK[:, :, [0, 1, 3, 4], :] == 0)
    assert np.all(np.abs(dK[:, :, 2, :]) > 0)


@pytest.mark.parametrize("activation", ["tanh", "relu"])  # relu + max: the one-pass kernels
@pytest.mark.parametrize("pool", ["max", "average"])
@pytest.mark.parametrize("shape", [(1, 6, 6), (2, 5, 7)])  # odd sizes drop a row/column
def test_pooling_backpropagates_exactly(rng, pool, shape, activation):
    net = conv_net(shape, (3,), kernel=3, pool=pool, activation=activation)
    X, Y = batch(rng, shape)
    check_gradients(net, X, Y)


@pytest.mark.parametrize("shape", [(1, 6, 6), (2, 5, 7)])
def test_one_pass_relu_max_pool_gives_the_general_paths_numbers(rng, shape):
    """Training runs ReLU + max pooling in one pass; evaluation-mode gradients
    (no batch norm, no dropout: the same function) take the general path."""
    net = conv_net(shape, (3, 2), kernel=3, pool="max", activation="relu", hidden=(4,))
    X, Y = batch(rng, shape, n=6)
    X[0, :] = 0.0  # a blank image: every window ties, and ReLU's zeros tie too
    fused_loss, fused = net.loss_and_gradients(X, Y, train=True)
    fused_conv = net.conv_gradients
    loss, general = net.loss_and_gradients(X, Y, train=False)
    assert fused_loss == pytest.approx(loss, rel=1e-12)
    for (a, b), (c, d) in zip(fused + fused_conv, general + net.conv_gradients):
        np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(b, d, rtol=1e-12, atol=1e-15)


def test_max_pooling_sends_each_gradient_to_one_input_of_its_window(rng):
    net = conv_net((1, 4, 4), (2,), kernel=3, pool="max", activation="linear")
    X, Y = batch(rng, (1, 4, 4), n=1)
    check_gradients(net, X, Y)
    maps = net.feature_maps(X)
    conv, pooled = maps["conv1"][0], maps["pool1"][0]
    for c in range(2):
        for y in range(2):
            for x in range(2):
                window = conv[c, 2 * y : 2 * y + 2, 2 * x : 2 * x + 2]
                assert pooled[c, y, x] == pytest.approx(window.max(), rel=1e-6)


@pytest.mark.parametrize("pool", ["max", "none"])
def test_batch_norm_after_a_conv_layer_normalises_per_channel_exactly(rng, pool):
    net = conv_net((2, 4, 4), (3,), kernel=3, pool=pool, batch_norm=True, hidden=(4,))
    X, Y = batch(rng, (2, 4, 4), n=5)
    check_gradients(net, X, Y)


@pytest.mark.parametrize("kind", ["l1", "l2", "elastic"])
def test_l1_l2_penalties_reach_the_conv_kernels_but_not_their_biases(rng, kind):
    net = conv_net((1, 5, 5), (2,), kernel=3, pool="average")
    net.set_regularization(kind, 0.05)
    X, Y = batch(rng, (1, 5, 5))
    check_gradients(net, X, Y)
    kernels, biases = net.get_conv_weights()[0]
    assert net.penalty() > 0
    mask = net._regmask[: kernels.size + biases.size]
    assert np.all(mask[: kernels.size] == 1) and np.all(mask[kernels.size :] == 0)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_dropout_on_conv_stages_backpropagates_through_its_mask(rng, activation):
    for pool in ("max", "none"):
        net = conv_net(
            (1, 6, 6), (3,), kernel=3, pool=pool, dropout=0.3, hidden=(4,), activation=activation
        )
        X, Y = batch(rng, (1, 6, 6))
        check_gradients(net, X, Y)


@pytest.mark.parametrize("activation", ["relu", "tanh", "elu"])
def test_a_whole_small_conv_net_has_correct_gradients(rng, activation):
    net = conv_net(
        (1, 8, 8),
        (3, 4),
        kernel=3,
        pool="max",
        hidden=(5,),
        activation=activation,
        batch_norm=activation == "elu",
    )
    net.set_regularization("l2", 0.01)
    X, Y = batch(rng, (1, 8, 8), n=5)
    check_gradients(net, X, Y)


def test_float32_conv_net_computes_the_float64_gradients_to_single_precision(rng):
    """MNIST trains in float32 (BLAS sgemm): same weights, same batch, same gradient."""
    kw = dict(kernel=5, pool="max", hidden=(6,), activation="relu", batch_norm=True)
    wide, narrow = (
        conv_net((2, 8, 8), (3, 4), **kw),
        conv_net((2, 8, 8), (3, 4), dtype="float32", **kw),
    )
    X, Y = batch(rng, (2, 8, 8), n=9)
    loss64, _ = wide.loss_and_gradients(X, Y)
    loss32, _ = narrow.loss_and_gradients(X, Y)
    assert loss32 == pytest.approx(loss64, rel=1e-5)
    np.testing.assert_allclose(narrow._grad, wide._grad, rtol=1e-3, atol=1e-5)
