"""The model summary counts what the engine trains: by hand, and against the
length of the engine's flat parameter vector."""

from __future__ import annotations

import pytest

from playground.engine.mlp import MLP
from playground.experiment import Session
from playground.experiment.summary import format_summary, model_summary

MNIST = dict(output="softmax", loss="softmax_ce", dtype="float32")


def _conv(conv=(8, 16), hidden=(128,), **kw) -> MLP:
    return MLP(784, hidden, 10, conv=conv, input_shape=(1, 28, 28), **{**MNIST, **kw})


def _table(model: MLP) -> list[tuple]:
    return [tuple(r) for r in model_summary(model)]


def test_a_conv_net_lists_each_conv_pool_flatten_and_dense_layer_with_hand_counted_parameters():
    m = _conv(activation="relu", kernel=5, pool="max")
    assert _table(m) == [
        ("conv1", "conv 5×5, relu", (8, 28, 28), 8 * (1 * 25 + 1)),  # 208
        ("pool1", "max pool 2×2", (8, 14, 14), 0),
        ("conv2", "conv 5×5, relu", (16, 14, 14), 16 * (8 * 25 + 1)),  # 3,216
        ("pool2", "max pool 2×2", (16, 7, 7), 0),
        ("flatten", "flatten", (784,), 0),
        ("dense1", "dense, relu", (128,), 128 * (784 + 1)),  # 100,480
        ("output", "dense, softmax", (10,), 10 * (128 + 1)),  # 1,290
        ("total", "", (), 208 + 3216 + 100480 + 1290),
    ]
    assert model_summary(m)[-1].params == m.n_params


def test_without_pooling_the_maps_keep_their_size_and_3x3_kernels_have_nine_taps():
    m = _conv(conv=(4,), hidden=(), kernel=3, pool="none", activation="tanh")
    assert _table(m) == [
        ("conv1", "conv 3×3, tanh", (4, 28, 28), 4 * 10),
        ("flatten", "flatten", (3136,), 0),
        ("output", "dense, softmax", (10,), 10 * 3137),
        ("total", "", (), 40 + 31370),
    ]
    assert m.n_params == 40 + 31370


def test_batch_norm_adds_a_scale_and_a_shift_per_channel_and_per_hidden_unit_not_the_output():
    m = _conv(conv=(8,), hidden=(32,), batch_norm=True, pool="average", activation="relu")
    rows = {r.name: r for r in model_summary(m)}
    assert rows["conv1"].params == 8 * 26 + 2 * 8
    assert rows["conv1"].kind == "conv 5×5, relu, batch norm"
    assert rows["pool1"].kind == "average pool 2×2"
    assert rows["dense1"].params == 32 * (8 * 14 * 14 + 1) + 2 * 32
    assert rows["output"].params == 10 * 33
    assert rows["total"].params == m.n_params


def test_maxout_counts_two_pieces_a_unit_and_batch_norm_over_both():
    m = MLP(784, (8, 4), 10, activation="maxout", batch_norm=True, **MNIST)
    assert _table(m) == [
        ("dense1", "dense, maxout (2 pieces a unit), batch norm", (8,), 16 * 785 + 32),
        ("dense2", "dense, maxout (2 pieces a unit), batch norm", (4,), 8 * 9 + 16),
        ("output", "dense, softmax", (10,), 10 * 5),
        ("total", "", (), 16 * 785 + 32 + 8 * 9 + 16 + 50),
    ]
    assert model_summary(m)[-1].params == m.n_params


@pytest.mark.parametrize(
    "kw",
    [
        dict(hidden=()),
        dict(hidden=(512, 256, 128), activation="tanh"),
        dict(hidden=(16,), activation="maxout"),
        dict(conv=(16, 32), kernel=3, activation="relu", batch_norm=True),
        dict(conv=(8,), pool="none", activation="elu", hidden=(8,)),
    ],
)
def test_the_total_is_the_length_of_the_engines_flat_parameter_vector(kw):
    conv = kw.pop("conv", ())
    if conv:
        m = _conv(conv=conv, **kw)
    else:
        m = MLP(784, kw.pop("hidden", ()), 10, **{**MNIST, **kw})
    assert model_summary(m)[-1].params == m.n_params == m._params.size


def test_a_sessions_conv_net_reads_as_a_table_with_the_total():
    s = Session(dataset="mnist", conv=[8, 16], mnist_train=200, mnist_test=100)
    text = format_summary(model_summary(s.model))
    lines = text.splitlines()
    assert lines[0].split() == ["Layer", "Kind", "Output", "shape", "Parameters"]
    assert any(line.startswith("conv2") and "(16, 14, 14)" in line for line in lines)
    assert "(784,)" in text
    assert lines[-1].startswith("total") and lines[-1].endswith(f"{s.model.n_params:,}")
