"""What a conv net does, beyond its gradients: it learns MNIST, shows its maps,
keeps the dense path unchanged, checks its arguments and saves its state."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine import MLP

DIGITS = dict(
    activation="relu",
    output="softmax",
    loss="softmax_ce",
    init="he",
    input_shape=(1, 28, 28),
    dtype="float32",
)


def small_cnn(**kw) -> MLP:
    kw = {**DIGITS, "conv": (4, 8), "kernel": 5, "pool": "max", "seed": 0, **kw}
    return MLP(784, (), 10, **kw)


def test_a_small_conv_net_learns_mnist_digits_in_one_epoch():
    from playground.data import mnist_subset

    m = mnist_subset(2000, 1000, seed=0)
    Y = np.eye(10, dtype=np.float32)[m.y_train]
    net = small_cnn(learning_rate=0.05, optimizer="momentum")
    net.train_epoch(m.x_train, Y, batch_size=32)
    accuracy = (net.predict(m.x_test).argmax(axis=1) == m.y_test).mean()
    assert accuracy > 0.8  # chance is 0.1


def test_feature_maps_returns_every_conv_and_pool_map_in_one_call(rng):
    net = small_cnn()
    X = rng.random((3, 784)).astype(np.float32)
    maps = net.feature_maps(X)
    assert list(maps) == ["conv1", "pool1", "conv2", "pool2"]
    assert maps["conv1"].shape == (3, 4, 28, 28) and maps["pool1"].shape == (3, 4, 14, 14)
    assert maps["conv2"].shape == (3, 8, 14, 14) and maps["pool2"].shape == (3, 8, 7, 7)
    assert all(m.dtype == np.float32 for m in maps.values())
    # the last pooled maps, flattened channel-row-column, are what the dense part reads
    flat = maps["pool2"].reshape(3, -1)
    W, b = net.get_weights()[0]
    logits = flat @ W.T + b
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    np.testing.assert_allclose(net.predict(X), e / e.sum(axis=1, keepdims=True), atol=1e-5)
    # one image's maps do not depend on the other images (evaluation mode)
    one = net.feature_maps(X[1:2])
    np.testing.assert_allclose(one["conv2"][0], maps["conv2"][1], rtol=1e-5, atol=1e-6)


def test_feature_maps_refuses_more_images_than_its_scratch_is_meant_for():
    net = small_cnn()
    with pytest.raises(ValueError, match="at most 64 images"):
        net.feature_maps(np.zeros((65, 784), np.float32))


def test_average_pooling_maps_are_the_means_of_their_windows(rng):
    net = small_cnn(pool="average")
    maps = net.feature_maps(rng.random((2, 784)).astype(np.float32))
    conv = maps["conv1"]
    means = conv.reshape(2, 4, 14, 2, 14, 2).mean(axis=(3, 5))
    np.testing.assert_allclose(maps["pool1"], means, rtol=1e-5, atol=1e-6)


def test_a_dense_network_is_unchanged_by_the_conv_arguments(rng):
    X, Y = rng.normal(size=(20, 3)), rng.uniform(-1, 1, (20, 1))
    plain = MLP(3, (4,), 1, seed=2)
    ignored = MLP(3, (4,), 1, seed=2, kernel=3, pool="average")  # no conv layers
    for net in (plain, ignored):
        net.train_epoch(X, Y, 5)
    np.testing.assert_array_equal(plain._params, ignored._params)
    assert plain.feature_maps(X) == {} and plain.input_shape is None


def test_conv_layers_train_with_every_optimizer_and_schedule(rng):
    X = rng.random((16, 64))
    Y = np.eye(3)[rng.integers(0, 3, 16)]
    for optimizer in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "nadam"):
        net = MLP(
            64,
            (),
            3,
            conv=(2,),
            kernel=3,
            input_shape=(1, 8, 8),
            activation="relu",
            output="softmax",
            loss="softmax_ce",
            optimizer=optimizer,
            learning_rate=0.01,
            schedule="step",
            decay=0.5,
            decay_every=1,
            clip_norm=5.0,
            init="he",
            seed=1,
        )
        before = net.get_conv_weights()[0][0]
        for _ in range(3):
            net.train_epoch(X, Y, 4)
        assert net.current_learning_rate == pytest.approx(0.01 * 0.5**3)
        assert not np.allclose(net.get_conv_weights()[0][0], before), optimizer
        assert net.is_finite()


def test_state_dict_restores_a_conv_net_exactly(rng):
    X = rng.random((12, 64))
    Y = np.eye(3)[rng.integers(0, 3, 12)]
    kw = dict(
        conv=(2, 3),
        kernel=3,
        input_shape=(1, 8, 8),
        activation="relu",
        output="softmax",
        loss="softmax_ce",
        optimizer="adam",
        batch_norm=True,
        dropout=0.2,
        seed=4,
    )
    a = MLP(64, (5,), 3, **kw)
    a.train_epoch(X, Y, 4)
    b = MLP(64, (5,), 3, **kw)
    b.load_state_dict(a.state_dict())
    a.train_epoch(X, Y, 4)
    b.train_epoch(X, Y, 4)
    np.testing.assert_array_equal(a._params, b._params)


def test_an_epoch_in_slices_equals_one_epoch_for_a_conv_net(rng):
    X = rng.random((30, 64))
    Y = np.eye(3)[rng.integers(0, 3, 30)]
    kw = dict(
        conv=(2,),
        kernel=5,
        input_shape=(1, 8, 8),
        activation="tanh",
        output="softmax",
        loss="softmax_ce",
        pool="average",
        dropout=0.1,
        seed=6,
    )
    a, b = MLP(64, (), 3, **kw), MLP(64, (), 3, **kw)
    whole = a.train_epoch(X, Y, 4)
    while (part := b.train_partial(X, Y, 4, 2)) is None:
        pass
    assert part == pytest.approx(whole)
    np.testing.assert_allclose(a._params, b._params, rtol=1e-12)


@pytest.mark.parametrize(
    "kw",
    [
        dict(activation="relu", pool="max"),  # the one-pass ReLU + max pool
        dict(activation="tanh", pool="average", batch_norm=True, dropout=0.2),
    ],
)
def test_slices_keep_their_scratch_and_it_carries_nothing_from_one_to_the_next(rng, kw):
    """A page trains a conv net one batch a slice, and the slices of an epoch share
    one scratch (made afresh, it cost as much as the batch). Scratch spoilt with
    NaN between slices changes nothing: every slice writes what it reads."""
    X = rng.random((23, 64)).astype(np.float32)
    Y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 23)]
    kw = (
        dict(conv=(3, 2), kernel=3, input_shape=(1, 8, 8), output="softmax", loss="softmax_ce") | kw
    )
    a, b = (MLP(64, (5,), 3, seed=2, dtype="float32", **kw) for _ in range(2))
    for _ in range(2):
        whole = a.train_epoch(X, Y, 4)
        kept = None
        while (part := b.train_partial(X, Y, 4, 1)) is None:
            scratch = b._partial["scratch"]
            assert kept is None or all(x is y for x, y in zip(scratch, kept))
            kept = scratch
            for block in scratch:
                block.fill(np.nan)
        assert b._partial == {}  # the epoch's scratch goes with it
        assert part == pytest.approx(whole, rel=1e-6)
        np.testing.assert_array_equal(a._params, b._params)


@pytest.mark.parametrize(
    "kw,message",
    [
        (dict(conv=(4,)), "input_shape"),
        (dict(conv=(4,), input_shape=(1, 28, 27)), "784"),
        (dict(conv=(4,), input_shape=(1, 28, 28), kernel=4), "kernel"),
        (dict(conv=(33,), input_shape=(1, 28, 28)), "filters"),
        (dict(conv=(4,), input_shape=(1, 28, 28), pool="min"), "pool"),
        (dict(conv=(1, 1, 1, 1), input_shape=(1, 28, 28)), "at most"),
    ],
)
def test_bad_conv_arguments_fail_with_a_message_saying_what_is_allowed(kw, message):
    with pytest.raises(ValueError, match=message):
        MLP(784, (), 10, output="softmax", loss="softmax_ce", **kw)


def test_poolings_that_shrink_the_image_to_nothing_are_refused():
    with pytest.raises(ValueError, match="nothing"):
        MLP(16, (), 2, conv=(2, 2, 2), input_shape=(1, 4, 4), kernel=3)


def test_l1_drives_conv_kernel_taps_to_exact_zeros_but_never_biases(rng):
    X = rng.random((32, 64))
    Y = np.eye(3)[rng.integers(0, 3, 32)]
    net = MLP(
        64,
        (),
        3,
        conv=(4,),
        kernel=3,
        input_shape=(1, 8, 8),
        activation="relu",
        output="softmax",
        loss="softmax_ce",
        regularization="l1",
        reg_rate=0.05,
        learning_rate=0.1,
        init="tfp",  # biases start at 0.1; L1 snapping to zero must skip them
        seed=3,
    )
    for _ in range(20):
        net.train_epoch(X, Y, 8)
    kernels, biases = net.get_conv_weights()[0]
    assert (
        kernels == 0
    ).mean() > 0.25  # sparsity, as on the dense edges (0.33-0.58 over seeds 0-4)
    assert np.all(biases != 0)


def test_conv_nets_train_on_several_threads_at_once_with_the_numbers_of_one(rng):
    """The page's sessions and a sweep's trials run conv kernels on several threads
    at once (they release the GIL): each net must get exactly its lone numbers."""
    import threading

    X = rng.random((96, 784)).astype(np.float32)
    Y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 96)]
    alone = [small_cnn(seed=s) for s in range(3)]
    for net in alone:
        net.train_epoch(X, Y, batch_size=16)
    together = [small_cnn(seed=s) for s in range(3)]
    threads = [threading.Thread(target=net.train_epoch, args=(X, Y, 16)) for net in together]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for a, b in zip(alone, together):
        np.testing.assert_array_equal(a.state_dict()["params"], b.state_dict()["params"])
