"""Whole-network behaviour: train vs eval, determinism, learning, bad input."""

from __future__ import annotations

import gc

import numpy as np
import pytest

from playground.engine import MLP, WARM_UP_GROUPS, warm_up
from playground.engine.activations import fast_tanh

XOR_X = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
XOR_Y = np.array([[-1.0], [1.0], [1.0], [-1.0]])


def test_fast_tanh_is_within_3e_7_of_tanh_everywhere():
    x = np.linspace(-30, 30, 200_001)
    approx = np.array([fast_tanh(v) for v in x[::100]])
    assert np.abs(approx - np.tanh(x[::100])).max() < 3e-7
    net = MLP(1, (), 1, output="tanh", init="zero")
    net.set_weights([(np.array([[1.0]]), np.array([0.0]))])
    assert np.abs(net.predict(x[:, None]).ravel() - np.tanh(x)).max() < 3e-7


def test_one_hidden_layer_of_four_tanh_units_solves_xor():
    net = MLP(2, (4,), 1, learning_rate=0.1, seed=0)
    for _ in range(600):
        net.train_epoch(XOR_X, XOR_Y, batch_size=4)
    assert net.loss(XOR_X, XOR_Y) < 0.01
    assert np.all(np.sign(net.predict(XOR_X)) == XOR_Y)


def test_a_network_without_hidden_layer_cannot_solve_xor():
    net = MLP(2, (), 1, learning_rate=0.1, seed=0)
    for _ in range(600):
        net.train_epoch(XOR_X, XOR_Y, batch_size=4)
    assert net.loss(XOR_X, XOR_Y) > 0.4  # stuck at predicting ~0 for everything
    assert np.sum(np.sign(net.predict(XOR_X)) == XOR_Y) <= 3


def test_same_seed_gives_identical_training_and_other_seed_does_not(rng):
    X, Y = rng.normal(size=(50, 2)), np.sign(rng.normal(size=(50, 1)))

    def run(seed):
        net = MLP(2, (5, 5), 1, dropout=0.2, seed=seed)
        for _ in range(5):
            net.train_epoch(X, Y, batch_size=7)
        return net._params.copy()

    np.testing.assert_array_equal(run(1), run(1))
    assert not np.array_equal(run(1), run(2))


def test_dropout_is_used_in_training_only(rng):
    X = rng.normal(size=(200, 3))
    net = MLP(3, (50,), 1, output="linear", dropout=0.5, seed=0)
    a, b = net.predict(X), net.predict(X)
    np.testing.assert_array_equal(a, b)  # evaluation is deterministic...
    plain = MLP(3, (50,), 1, output="linear", seed=0)
    np.testing.assert_allclose(a, plain.predict(X))  # ...and identical to no dropout
    Y = np.zeros((200, 1))
    l1, _ = net.loss_and_gradients(X, Y, train=True)
    l2, _ = net.loss_and_gradients(X, Y, train=True)
    assert l1 != l2  # each training pass draws a new mask
    l_eval, _ = net.loss_and_gradients(X, Y, train=False)
    assert l_eval == pytest.approx(plain.loss(X, Y))


def test_dropout_masks_drop_the_requested_share_and_keep_the_mean(rng):
    X = np.ones((4000, 1))
    net = MLP(1, (1,), 1, activation="linear", output="linear", dropout=0.3, init="zero")
    net.set_weights([(np.array([[1.0]]), np.array([0.0])), (np.array([[1.0]]), np.array([0.0]))])
    _, grads = net.loss_and_gradients(X, np.zeros((4000, 1)))
    # dLoss/dW2 = mean(out * hidden) and out = hidden = the mask value (0 or 1/(1-p)),
    # so it estimates E[mask^2] = 1/(1-p) when a share p of units is dropped.
    assert grads[1][0][0, 0] == pytest.approx(1 / 0.7, rel=0.05)


def test_batch_norm_trains_on_batch_statistics_and_predicts_with_running_ones(rng):
    X = rng.normal(3.0, 2.0, size=(256, 2))
    Y = np.sign(X[:, :1] - 3.0)
    net = MLP(2, (4,), 1, batch_norm=True, seed=0)
    single_before = net.predict(X[:1])
    np.testing.assert_allclose(single_before, net.predict(X)[:1])  # no batch dependence
    for _ in range(30):
        net.train_epoch(X, Y, batch_size=32)
    # Running mean of the first layer's pre-activations approaches the data's.
    W, b = net.get_weights()[0]
    true_mean = (X @ W.T + b).mean(axis=0)
    np.testing.assert_allclose(net._run_mean[2:6], true_mean, rtol=0.1, atol=0.1)
    acc = np.mean(np.sign(net.predict(X)) == Y)
    assert acc > 0.95


def test_layer_outputs_gives_every_neuron_for_every_point(rng):
    X = rng.normal(size=(10_000, 2))
    net = MLP(2, (8, 8, 8), 1, seed=0)
    layers = net.layer_outputs(X)
    assert [a.shape for a in layers] == [(8, 10_000), (8, 10_000), (8, 10_000), (1, 10_000)]
    assert all(a.dtype == np.float32 for a in layers)  # frames are drawn in float32
    np.testing.assert_allclose(layers[-1][0], net.predict(X)[:, 0], atol=1e-5)
    W, b = net.get_weights()[0]
    np.testing.assert_allclose(layers[0], np.tanh(W @ X.T + b[:, None]), atol=1e-6)


def test_weights_can_be_set_read_and_edited_one_edge_at_a_time():
    net = MLP(2, (3,), 1, seed=0)
    weights = [(np.arange(6.0).reshape(3, 2), np.ones(3)), (np.ones((1, 3)), np.zeros(1))]
    net.set_weights(weights)
    np.testing.assert_array_equal(net.get_weights()[0][0], weights[0][0])
    net.set_weight(0, 2, 1, -7.0)
    net.set_bias(1, 0, 0.25)
    assert net.get_weights()[0][0][2, 1] == -7.0 and net.get_weights()[1][1][0] == 0.25


def test_state_dict_round_trip_continues_training_identically(rng):
    X, Y = rng.normal(size=(30, 2)), np.sign(rng.normal(size=(30, 1)))
    a = MLP(2, (4,), 1, optimizer="adam", dropout=0.1, batch_norm=True, seed=5)
    a.train_epoch(X, Y, 8)
    b = MLP(2, (4,), 1, optimizer="adam", dropout=0.1, batch_norm=True, seed=99)
    b.load_state_dict(a.state_dict())
    a.train_epoch(X, Y, 8)
    b.train_epoch(X, Y, 8)
    np.testing.assert_array_equal(a._params, b._params)


def test_zero_init_keeps_hidden_units_identical():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(40, 2)), np.sign(rng.normal(size=(40, 1)))
    net = MLP(2, (4,), 1, init="zero", learning_rate=0.1)
    for _ in range(20):
        net.train_epoch(X, Y, 10)
    W, _ = net.get_weights()[0]
    assert np.allclose(W, W[0])  # symmetry never broken


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(hidden=(0,)), "hidden layer width must be from 1 to 512"),
        (dict(hidden=(4,) * 9), "at most 8 hidden layers"),
        (dict(activation="sine"), "unknown activation 'sine'; choose one of linear, step"),
        (dict(output="relu"), "unknown output activation 'relu'"),
        (dict(loss="bce"), "loss 'bce' needs output activation 'sigmoid'"),
        (dict(loss="hinge", output="sigmoid"), "loss 'hinge' needs output activation 'scores'"),
        (dict(loss="mae", output="scores"), "loss 'mae' needs output activation 'tanh' or"),
        (dict(optimizer="lbfgs"), "unknown optimizer 'lbfgs'"),
        (dict(learning_rate=float("nan")), "learning_rate must be between 0 and 10"),
        (dict(dropout=0.95), "dropout must be between 0 and 0.9"),
        (dict(activation=("tanh",)), "got 1 activations for 2 hidden layers"),
        (dict(init="ones"), "unknown init 'ones'"),
        (dict(regularization="l3"), "unknown regularization 'l3'"),
    ],
)
def test_bad_configuration_raises_value_error_saying_what_is_allowed(kwargs, message):
    args = dict(hidden=(4, 2))
    args.update(kwargs)
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        MLP(2, **args)


def test_bad_data_raises_value_error_saying_what_was_wrong():
    net = MLP(2, (3,), 1)
    with pytest.raises(ValueError, match=r"shape \(n_points, 2\)"):
        net.train_epoch(np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(ValueError, match="NaN"):
        net.train_epoch(np.array([[0.0, np.nan]]), np.zeros(1))
    with pytest.raises(ValueError, match=r"targets must have shape \(2, 1\)"):
        net.train_epoch(np.zeros((2, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="softmax output needs at least 2 outputs"):
        MLP(2, (), 1, output="softmax", loss="softmax_ce")
    with pytest.raises(ValueError, match="scores output needs at least 2 outputs"):
        MLP(2, (), 1, output="scores", loss="hinge")


def test_warm_up_compiles_every_kernel_without_error():
    warm_up()


def test_warm_up_reports_progress_for_every_kernel_group_of_every_dtype():
    calls: list[tuple[int, int, str]] = []
    warm_up(lambda done, total, group: calls.append((done, total, group)))
    total = 2 * len(WARM_UP_GROUPS)
    assert [(done, n) for done, n, _ in calls] == [(i, total) for i in range(total + 1)]
    groups = [group for _, _, group in calls[1:]]
    assert groups == [f"{name} ({d})" for d in ("float64", "float32") for name, _ in WARM_UP_GROUPS]


def test_warm_up_for_one_dtype_reports_only_its_groups():
    calls: list[str] = []
    warm_up(lambda done, total, group: calls.append(group), dtypes=("float32",))
    assert calls[1:] == [f"{name} (float32)" for name, _ in WARM_UP_GROUPS]
    with pytest.raises(ValueError, match="unknown dtype 'float16'"):
        warm_up(dtypes=("float16",))


def test_an_epoch_trained_in_slices_equals_one_whole_epoch(rng):
    X, Y = rng.normal(size=(103, 2)), np.sign(rng.normal(size=(103, 1)))
    whole = MLP(2, (5,), 1, seed=3)
    sliced = MLP(2, (5,), 1, seed=3)
    loss = whole.train_epoch(X, Y, 10)
    results = []
    while True:
        results.append(sliced.train_partial(X, Y, 10, max_batches=3))
        if results[-1] is not None:
            break
        assert 0 < sliced.epoch_progress < 1
    assert len(results) == 4  # 11 batches in slices of 3
    assert results[-1] == pytest.approx(loss)
    np.testing.assert_array_equal(whole._params, sliced._params)
    assert sliced.epoch == 1 and sliced.epoch_progress == 0.0
    assert sliced.gradient_norms == pytest.approx(whole.gradient_norms, rel=1e-12)


def test_rows_of_a_set_evaluate_as_that_chunk_and_check_the_set_once(rng):
    X, Y = rng.normal(size=(50, 3)), np.sign(rng.normal(size=(50, 1)))
    X.flags.writeable = Y.flags.writeable = False  # read-only: checked once, remembered
    net = MLP(3, (4,), 1, seed=1)
    net.evaluate(X, Y)
    for start, stop in [(0, 10), (10, 37), (37, 50), (45, None)]:
        loss, out = net.evaluate(X, Y, start, stop)
        chunk = net.evaluate(X[start:stop].copy(), Y[start:stop].copy())
        assert loss == pytest.approx(chunk[0], rel=1e-12)
        np.testing.assert_array_equal(out, chunk[1])
    # the network remembers the set it checked, not chunks of it (which would push
    # out the arrays it checked before: MNIST's training images, 47 million values)
    remembered = [ref() for ref in net._checked]
    assert len(remembered) == 2 and remembered[0] is X and remembered[1] is Y
    del remembered
    with pytest.raises(ValueError, match="empty"):
        net.evaluate(X, Y, 50, 60)


def test_checked_arrays_are_remembered_weakly():
    X = np.zeros((4, 2))
    X.flags.writeable = False
    net = MLP(2, (2,), 1)
    net.predict(X)
    assert net._known(X)
    ref = net._checked[-1]
    del X
    gc.collect()
    assert ref() is None  # the network did not keep the data alive


def test_mean_absolute_error_fits_a_line_through_an_outlier_that_pulls_square_loss_away():
    """Deck 002's point: one wild label drags a least-squares line towards it,
    while the absolute error, a median-like fit, keeps the line of the other points."""
    x = np.linspace(-1, 1, 21)[:, None]
    line = 2 * x + 0.5
    y = line.copy()
    y[17] += 10.0  # one outlier
    misfit = {}
    for loss in ("square", "mae"):
        net = MLP(1, (), 1, output="linear", loss=loss, init="zero", learning_rate=0.1)
        net.set_schedule("inverse_time", 0.01, 1)  # shrinking steps settle MAE's kink
        for _ in range(2000):
            net.train_epoch(x, y, 21)
        misfit[loss] = np.abs(net.predict(x) - line).max()
    assert misfit["mae"] < 0.02
    assert misfit["square"] > 1.0  # 10 / 21 shift plus a tilt towards the outlier


def test_gradient_norms_are_each_layers_mean_weight_gradient_norm_over_the_last_epoch(rng):
    X, Y = rng.normal(size=(40, 2)), np.sign(rng.normal(size=(40, 1)))
    net = MLP(2, (5, 3), 1, seed=1, regularization="l2", reg_rate=0.01)
    assert net.gradient_norms == []  # no epoch yet
    # One full batch: the epoch's single gradient is that of loss + penalty at the
    # weights before the step, the one loss_and_gradients computes.
    _, grads = net.loss_and_gradients(X, Y)
    expected = [np.linalg.norm(W) for W, _ in grads]
    net.train_epoch(X, Y, batch_size=40)
    assert net.gradient_norms == pytest.approx(expected, rel=1e-10)
    # Mini-batches: the mean over the epoch's batches, replaced by each new epoch.
    net.train_epoch(X, Y, batch_size=7)
    after = net.gradient_norms
    assert len(after) == 3 and all(0 < g < np.inf for g in after) and after != expected
    net.train_batch(X[:5], Y[:5])  # a lone step is not an epoch: nothing changes
    assert net.gradient_norms == after


def test_gradient_norms_are_measured_before_clipping():
    X, Y = np.array([[3.0, -2.0], [1.0, 4.0]]), np.array([[1.0], [-1.0]])
    free = MLP(2, (4,), 1, seed=2, learning_rate=0.5)
    clipped = MLP(2, (4,), 1, seed=2, learning_rate=0.5, clip_norm=1e-3)
    free.train_epoch(X, Y, 2)
    clipped.train_epoch(X, Y, 2)
    assert clipped.gradient_norms == pytest.approx(free.gradient_norms)
    assert max(clipped.gradient_norms) > 1e-3
