"""Each optimizer's update against its textbook formula, step by step."""

from __future__ import annotations

import numpy as np
import pytest
from reference_mlp import ReferenceMLP

from playground.engine import MLP, OPTIMIZERS, scheduled_rate

LR, MU, B1, B2, EPS, RHO = 0.05, 0.8, 0.85, 0.97, 1e-7, 0.8


def textbook(name, w, g, m, v, t):
    """One update in plain NumPy, from the formulas in the lecture notes."""
    if name == "sgd":
        return w - LR * g
    if name == "momentum":
        m[:] = MU * m + g
        return w - LR * m
    if name == "nesterov":
        m[:] = MU * m + g
        return w - LR * (g + MU * m)
    if name == "adagrad":
        v[:] = v + g * g
        return w - LR * g / (np.sqrt(v) + EPS)
    if name == "rmsprop":
        v[:] = RHO * v + (1 - RHO) * g * g
        return w - LR * g / (np.sqrt(v) + EPS)
    m[:] = B1 * m + (1 - B1) * g
    v[:] = B2 * v + (1 - B2) * g * g
    vhat = v / (1 - B2**t)
    if name == "adam":
        mhat = m / (1 - B1**t)
    else:  # nadam (Dozat 2016)
        mhat = B1 * m / (1 - B1 ** (t + 1)) + (1 - B1) * g / (1 - B1**t)
    return w - LR * mhat / (np.sqrt(vhat) + EPS)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_update_matches_its_textbook_formula_over_several_steps(rng, name):
    X, Y = rng.normal(size=(6, 3)), rng.uniform(-1, 1, (6, 2))
    net = MLP(
        3,
        (4,),
        2,
        optimizer=name,
        learning_rate=LR,
        momentum=MU,
        beta1=B1,
        beta2=B2,
        eps=EPS,
        rho=RHO,
        seed=9,
    )
    w = net._params.copy()
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t in range(1, 5):
        net.loss_and_gradients(X, Y)
        g = net._grad.copy()
        net.train_batch(X, Y)
        w = textbook(name, w, g, m, v, t)
        np.testing.assert_allclose(net._params, w, rtol=1e-12, atol=1e-14)
    assert net.steps == 4


def test_gradient_clipping_limits_the_step_to_the_clip_norm(rng):
    X, Y = rng.normal(size=(5, 2)), rng.uniform(-1, 1, (5, 1)) * 10
    net = MLP(2, (3,), 1, output="linear", learning_rate=1.0, clip_norm=0.01, seed=2)
    w0 = net._params.copy()
    net.train_batch(X, Y)
    assert np.linalg.norm(net._params - w0) == pytest.approx(0.01)
    assert np.linalg.norm(net.gradients[0][0]) <= 0.01 + 1e-12


def test_l1_sets_weights_that_cross_zero_to_exactly_zero():
    net = MLP(
        1, (), 1, output="linear", init="zero", regularization="l1", reg_rate=1.0, learning_rate=0.1
    )
    net.set_weights([(np.array([[0.05]]), np.array([0.0]))])
    net.train_batch(np.zeros((1, 1)), np.zeros((1, 1)))  # data gradient 0, penalty pushes to 0
    assert net.get_weights()[0][0][0, 0] == 0.0


@pytest.mark.parametrize(
    "config",
    [
        dict(hidden=(8, 8), activation="tanh", output="tanh", loss="square", optimizer="sgd"),
        dict(hidden=(6,), activation="relu", output="softmax", loss="softmax_ce", optimizer="adam"),
        dict(
            hidden=(5, 3), activation="sigmoid", output="sigmoid", loss="bce", optimizer="momentum"
        ),
    ],
)
def test_training_matches_an_independent_numpy_implementation_step_by_step(rng, config):
    n_out = 3 if config["output"] == "softmax" else 1
    X = rng.normal(size=(40, 2))
    if n_out == 3:
        Y = np.eye(3)[rng.integers(0, 3, 40)]
    elif config["loss"] == "bce":
        Y = rng.integers(0, 2, (40, 1)).astype(float)
    else:
        Y = np.sign(rng.normal(size=(40, 1)))
    hidden = config.pop("hidden")
    net = MLP(2, hidden, n_out, learning_rate=0.1, seed=3, init="xavier", **config)
    ref = ReferenceMLP(net.get_weights(), config["activation"], config["output"], config["loss"])
    for step in range(20):
        batch = slice(10 * (step % 4), 10 * (step % 4) + 10)
        ours = net.train_batch(X[batch], Y[batch])
        theirs = ref.step(X[batch], Y[batch], config["optimizer"], 0.1)
        assert ours == pytest.approx(theirs, rel=1e-5, abs=1e-7)
    for (W, b), rW, rb in zip(net.get_weights(), ref.W, ref.b):
        np.testing.assert_allclose(W, rW, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(b, rb, rtol=1e-5, atol=1e-6)


def test_learning_rate_schedules_follow_their_formulas():
    assert scheduled_rate("constant", 0.1, 50, 0.5, 10) == 0.1
    assert scheduled_rate("step", 0.1, 25, 0.5, 10) == pytest.approx(0.025)
    assert scheduled_rate("exponential", 0.1, 5, 0.5, 10) == pytest.approx(0.1 * 0.5**0.5)
    assert scheduled_rate("inverse_time", 0.1, 20, 1.0, 10) == pytest.approx(0.1 / 3)
    with pytest.raises(ValueError, match="choose one of constant"):
        scheduled_rate("cosine", 0.1, 1, 0.5, 10)


def test_schedule_is_applied_per_epoch_and_rates_change_live_without_reset(rng):
    X, Y = rng.normal(size=(20, 2)), np.sign(rng.normal(size=(20, 1)))
    net = MLP(2, (3,), 1, learning_rate=0.1, schedule="step", decay=0.5, decay_every=2)
    rates = []
    for _ in range(5):
        rates.append(net.current_learning_rate)
        net.train_epoch(X, Y, batch_size=5)
    assert rates == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])
    w = net._params.copy()
    net.learning_rate = 0.0
    net.set_regularization("l2", 0.0)
    net.train_epoch(X, Y, batch_size=5)
    np.testing.assert_array_equal(net._params, w)  # lr 0: nothing moves, nothing reset
    assert net.epoch == 6 and net.steps == 24
