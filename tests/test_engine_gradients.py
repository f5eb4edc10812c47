"""Finite-difference checks: every analytic gradient the engine computes.

The objective is the mean data loss plus the regularisation penalty; its
gradient with respect to every parameter in the flat vector (weights,
biases, batch-norm scale and shift) must match central differences.
Dropout masks are held fixed by restoring the network's random state before
each evaluation.
"""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine import HIDDEN_ACTIVATIONS, MLP


def objective(net: MLP, X, Y, rng_state: int) -> float:
    net._state[0] = rng_state
    loss, _ = net.loss_and_gradients(X, Y, train=True)
    return loss + net.penalty()


def check_gradients(net: MLP, X, Y, *, eps=1e-6, rtol=2e-4, atol=2e-6) -> None:
    s0 = int(net._state[0])
    objective(net, X, Y, s0)
    analytic = net._grad.copy()
    numeric = np.zeros_like(analytic)
    p = net._params
    for i in range(p.size):
        old = p[i]
        p[i] = old + eps
        up = objective(net, X, Y, s0)
        p[i] = old - eps
        down = objective(net, X, Y, s0)
        p[i] = old
        numeric[i] = (up - down) / (2 * eps)
    np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=atol)
    assert np.abs(analytic).max() > 1e-4, "gradient is all zeros: the check would be vacuous"


def data(rng, n=7, n_in=3, n_out=2, kind="real"):
    X = rng.normal(size=(n, n_in))
    if kind == "onehot":
        Y = np.eye(n_out)[rng.integers(0, n_out, n)]
    elif kind == "binary":
        Y = rng.integers(0, 2, (n, n_out)).astype(float)
    else:
        Y = rng.uniform(-1, 1, (n, n_out))
    return X, Y


@pytest.mark.parametrize("activation", sorted(set(HIDDEN_ACTIVATIONS) - {"step"}))
def test_each_hidden_activation_backpropagates_its_exact_derivative(rng, activation):
    X, Y = data(rng)
    net = MLP(3, (5, 4), 2, activation=activation, output="linear", init="xavier", seed=3)
    check_gradients(net, X, Y)


def test_step_activation_passes_no_gradient_to_the_layers_below(rng):
    X, Y = data(rng)
    net = MLP(3, (5,), 2, activation="step", output="linear", seed=3)
    _, grads = net.loss_and_gradients(X, Y)
    assert np.all(grads[0][0] == 0) and np.all(grads[0][1] == 0)
    assert np.abs(grads[1][0]).max() > 0  # the output layer still learns


@pytest.mark.parametrize(
    "loss,output,kind",
    [
        ("square", "tanh", "real"),
        ("square", "sigmoid", "binary"),
        ("square", "linear", "real"),
        ("huber", "linear", "real"),
        ("bce", "sigmoid", "binary"),
        ("softmax_ce", "softmax", "onehot"),
        ("hinge", "scores", "onehot"),
        ("mae", "linear", "real"),
        ("mae", "tanh", "real"),
    ],
)
def test_each_loss_and_output_pair_has_correct_gradients(rng, loss, output, kind):
    X, Y = data(rng, n_out=3, kind=kind)
    if loss in ("huber", "hinge"):
        Y = Y * 4  # residuals on both sides of delta = 1; hinge: one-hot is read as argmax
    net = MLP(3, (4,), 3, output=output, loss=loss, init="xavier", seed=5)
    check_gradients(net, X, Y)


def _scores_net(scores: np.ndarray) -> tuple[MLP, np.ndarray]:
    """A linear network whose class scores are exactly the rows of ``scores``."""
    k = scores.shape[1]
    net = MLP(k, (), k, output="scores", loss="hinge", init="zero")
    net.set_weights([(np.eye(k), np.zeros(k))])
    return net, scores


def test_hinge_loss_and_gradient_are_finite_differences_away_from_the_margins(rng):
    """The hinge has kinks where a margin s_j - s_y + 1 is 0; the check is only
    meaningful where every margin is clearly on one side, with some violated."""
    X, Y = data(rng, n=9, n_in=3, n_out=4, kind="onehot")
    net = MLP(3, (5,), 4, activation="tanh", output="scores", loss="hinge", init="xavier", seed=2)
    scores = net.predict(X)
    true = Y.argmax(axis=1)
    margins = scores - scores[np.arange(len(X)), true][:, None] + 1.0
    wrong = np.ones_like(Y, dtype=bool)
    wrong[np.arange(len(X)), true] = False
    assert np.abs(margins[wrong]).min() > 1e-3 and (margins[wrong] > 0).any()
    check_gradients(net, X, Y)


def test_mae_loss_and_gradient_are_finite_differences_away_from_the_kink(rng):
    X, Y = data(rng, n=9, n_in=3, n_out=2)
    net = MLP(3, (5,), 2, output="linear", loss="mae", init="xavier", seed=4)
    assert np.abs(net.predict(X) - Y).min() > 1e-3  # no residual at the kink |0|
    check_gradients(net, X, Y)


def test_hinge_loss_is_the_multiclass_svm_loss_of_the_lecture():
    """Deck 004's three images (cat, car, frog) and their class scores: per image
    sum_{j != y} max(0, s_j - s_y + 1) is 2.9, 0 and 12.9; the loss is their mean."""
    net, scores = _scores_net(np.array([[3.2, 1.3, 2.2], [5.1, 4.9, 2.5], [-1.7, 2.0, -3.1]]).T)
    Y = np.eye(3)  # cat, car, frog
    assert net.loss(scores, Y) == pytest.approx((2.9 + 0.0 + 12.9) / 3)
    _, grads = net.loss_and_gradients(scores, Y)
    # dL/ds per image: +1 on each violated wrong class, -(count) on the true class.
    dscores = np.array([[-1, 1, 0], [0, 0, 0], [1, 1, -2]]) / 3
    np.testing.assert_allclose(grads[0][1], dscores.sum(axis=0))  # bias gradient
    np.testing.assert_allclose(grads[0][0], dscores.T @ scores)


def test_hinge_loss_is_zero_once_every_margin_is_met():
    net, scores = _scores_net(np.array([[3.0, 1.9, 0.0], [-5.0, -2.0, -3.5]]))
    Y = np.eye(3)[[0, 1]]
    assert net.loss(scores, Y) == 0.0
    _, grads = net.loss_and_gradients(scores, Y)
    assert np.all(grads[0][0] == 0) and np.all(grads[0][1] == 0)


def test_mae_loss_is_the_mean_absolute_residual_with_a_sign_gradient():
    net = MLP(1, (), 1, output="linear", loss="mae", init="zero")
    X = np.zeros((3, 1))
    Y = np.array([[0.5], [-3.0], [1.0]])
    assert net.loss(X, Y) == pytest.approx((0.5 + 3.0 + 1.0) / 3)
    _, grads = net.loss_and_gradients(X, Y)
    assert grads[0][1] == pytest.approx([(-1 + 1 - 1) / 3])  # sign(0 - y), averaged


def test_huber_loss_is_quadratic_inside_delta_and_linear_outside():
    net = MLP(1, (), 1, output="linear", loss="huber", init="zero")
    X = np.zeros((2, 1))
    assert net.loss(X, np.array([[0.5], [0.5]])) == pytest.approx(0.125)
    assert net.loss(X, np.array([[3.0], [3.0]])) == pytest.approx(3.0 - 0.5)


@pytest.mark.parametrize("kind", ["l1", "l2", "elastic"])
def test_regularizers_add_their_penalty_gradient_to_weights_only(rng, kind):
    X, Y = data(rng)
    net = MLP(3, (4,), 2, output="linear", regularization=kind, reg_rate=0.3, seed=2)
    check_gradients(net, X, Y)
    # Biases carry no penalty: a zero-data-gradient bias keeps gradient 0.
    net2 = MLP(1, (), 1, output="linear", init="zero", regularization=kind, reg_rate=1.0)
    net2.set_weights([(np.array([[2.0]]), np.array([5.0]))])
    _, grads = net2.loss_and_gradients(np.zeros((1, 1)), np.array([[5.0]]))
    assert grads[0][1][0] == 0.0
    expected = {"l1": 1.0, "l2": 2.0, "elastic": 0.5 + 0.5 * 2.0}[kind]
    assert grads[0][0][0, 0] == pytest.approx(expected)


def test_dropout_gradient_matches_finite_differences_with_a_fixed_mask(rng):
    X, Y = data(rng, n=9)
    net = MLP(3, (6, 5), 2, output="linear", dropout=0.4, seed=7)
    check_gradients(net, X, Y)


def test_batch_norm_gradient_matches_finite_differences(rng):
    X, Y = data(rng, n=8)
    net = MLP(3, (5, 4), 2, output="tanh", batch_norm=True, init="xavier", seed=11)
    check_gradients(net, X, Y)


def test_batch_norm_with_dropout_and_relu_matches_finite_differences(rng):
    X, Y = data(rng, n=10, n_out=3, kind="onehot")
    net = MLP(
        3,
        (6, 6),
        3,
        activation="elu",
        output="softmax",
        loss="softmax_ce",
        batch_norm=True,
        dropout=0.3,
        regularization="l2",
        reg_rate=0.1,
        seed=13,
    )
    check_gradients(net, X, Y)


def test_float32_network_gradients_agree_with_float64(rng):
    X, Y = data(rng, n=6)
    n64 = MLP(3, (5,), 2, seed=4)
    n32 = MLP(3, (5,), 2, seed=4, dtype="float32")
    _, g64 = n64.loss_and_gradients(X, Y)
    _, g32 = n32.loss_and_gradients(X, Y)
    for (a, b), (c, d) in zip(g64, g32):
        np.testing.assert_allclose(a, c, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(b, d, rtol=1e-4, atol=1e-6)


def test_blas_path_for_large_layers_gives_the_same_gradients_as_loops(rng):
    # 40 x 30 x 30 = 36,000 multiply-adds: above BLAS_MIN_WORK, so BLAS is used.
    X = rng.normal(size=(30, 40))
    Y = np.eye(3)[rng.integers(0, 3, 30)]
    net = MLP(
        40, (30,), 3, activation="relu", output="softmax", loss="softmax_ce", init="he", seed=1
    )
    loss, grads = net.loss_and_gradients(X, Y)
    from reference_mlp import ReferenceMLP

    ref = ReferenceMLP(net.get_weights(), "relu", "softmax", "softmax_ce")
    rloss, gW, gb = ref.loss_and_grads(X, Y)
    assert loss == pytest.approx(rloss, rel=1e-10)
    for (a, b), c, d in zip(grads, gW, gb):
        np.testing.assert_allclose(a, c, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(b, d, rtol=1e-9, atol=1e-12)
