"""Maxout hidden units: max(w1.x + b1, w2.x + b2), two linear pieces per unit.

A maxout layer of n units is stored as a dense layer of 2n pre-activations
(piece 1 of every unit in rows 0..n, piece 2 in rows n..2n) followed by a
pairwise max; these tests pin its gradients, its agreement with the plain
NumPy reference, what the page reads from it and that it learns.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from reference_mlp import ReferenceMLP, maxout
from test_engine_gradients import check_gradients, data

from playground.cli import main
from playground.engine import HIDDEN_ACTIVATIONS, MLP
from playground.experiment import Config, Session, config_from_query
from playground.experiment.weights import load_weights_json, weights_to_json
from playground.ui.frame import Section, unpack
from playground.ui.inside import BINS, VIEWS
from playground.ui.scene import MAP_RES, SHOWN_UNITS, FrameBuilder
from playground.ui.theme import LIGHT


def pieces_margin(net: MLP, X) -> float:
    """Smallest |piece 1 - piece 2| over every maxout unit and point (no batch norm):
    finite differences are only valid this far from a tie."""
    a, margin = np.asarray(X, dtype=float), np.inf
    for l, (W, b) in enumerate(net.get_weights(pieces=True)):
        z = a @ W.T + b
        if l == len(net.sizes) - 2:
            break
        if net.activations[l] == "maxout":
            n = net.sizes[l + 1]
            margin = min(margin, float(np.abs(z[:, :n] - z[:, n:]).min()))
            a = maxout(z)
        else:
            a = np.tanh(z)
    return margin


@pytest.mark.parametrize(
    "hidden,activation",
    [
        ((4,), "maxout"),
        ((5, 3), "maxout"),
        ((4, 3, 2), "maxout"),
        ((4, 3), ("maxout", "tanh")),
        ((4, 3), ("tanh", "maxout")),
    ],
)
def test_maxout_layers_backpropagate_to_the_winning_piece_exactly(rng, hidden, activation):
    X, Y = data(rng)
    net = MLP(3, hidden, 2, activation=activation, output="linear", init="xavier", seed=3)
    assert pieces_margin(net, X) > 1e-4  # away from ties, where max has no derivative
    check_gradients(net, X, Y)


def test_maxout_gradients_include_the_weight_penalty(rng):
    X, Y = data(rng)
    net = MLP(3, (4, 3), 2, activation="maxout", output="linear", init="xavier", seed=5)
    net.set_regularization("elastic", 0.05)
    assert pieces_margin(net, X) > 1e-4
    check_gradients(net, X, Y)


def test_maxout_with_batch_norm_normalises_each_piece_and_backpropagates_exactly(rng):
    X, Y = data(rng, n=9)
    net = MLP(3, (4, 3), 2, activation="maxout", output="linear", batch_norm=True, seed=7)
    # one (scale, shift) per piece: 2n of each per maxout layer
    plain = MLP(3, (4, 3), 2, activation="maxout", output="linear", seed=7)
    assert net.n_params - plain.n_params == 2 * (2 * 4 + 2 * 3)
    check_gradients(net, X, Y)


def test_maxout_with_dropout_drops_units_not_pieces_and_backpropagates_exactly(rng):
    X, Y = data(rng, n=9)
    net = MLP(3, (6, 5), 2, activation="maxout", output="linear", dropout=0.3, seed=11)
    check_gradients(net, X, Y)
    train = net.layer_outputs(X)  # evaluation: no dropout, n values per unit
    assert [o.shape[0] for o in train] == [6, 5, 2]


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_maxout_training_matches_the_numpy_reference_step_by_step(rng, optimizer):
    X = rng.normal(size=(40, 2))
    Y = np.sign(rng.normal(size=(40, 1)))
    net = MLP(
        2, (5, 3), 1, activation="maxout", output="tanh", loss="square",
        optimizer=optimizer, learning_rate=0.1, init="xavier", seed=3,
    )  # fmt: skip
    ref = ReferenceMLP(net.get_weights(pieces=True), "maxout", "tanh", "square")
    for step in range(20):
        batch = slice(10 * (step % 4), 10 * (step % 4) + 10)
        ours = net.train_batch(X[batch], Y[batch])
        theirs = ref.step(X[batch], Y[batch], optimizer, 0.1)
        assert ours == pytest.approx(theirs, rel=1e-5, abs=1e-7)
    for (W, b), rW, rb in zip(net.get_weights(pieces=True), ref.W, ref.b):
        np.testing.assert_allclose(W, rW, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(b, rb, rtol=1e-5, atol=1e-6)


def test_layer_outputs_give_each_maxout_unit_the_larger_of_its_two_pieces(rng):
    X = rng.normal(size=(50, 2))
    net = MLP(2, (3, 10), 1, activation="maxout", init="xavier", seed=2)
    outputs = net.layer_outputs(X)
    assert [o.shape for o in outputs] == [(3, 50), (10, 50), (1, 50)]
    (W1, b1), (W2, b2), (W3, b3) = net.get_weights(pieces=True)
    h1 = maxout(X @ W1.T + b1)
    h2 = maxout(h1 @ W2.T + b2)
    np.testing.assert_allclose(outputs[0], h1.T, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(outputs[1], h2.T, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(net.predict(X), np.tanh(h2 @ W3.T + b3), atol=1e-6)  # fast tanh


def test_get_weights_shows_the_first_piece_and_pieces_true_shows_both():
    net = MLP(2, (3, 4), 1, activation="maxout", seed=1)
    drawn, full = net.get_weights(), net.get_weights(pieces=True)
    assert [W.shape for W, _ in drawn] == [(3, 2), (4, 3), (1, 4)]
    assert [W.shape for W, _ in full] == [(6, 2), (8, 3), (1, 4)]
    for (W, b), (Wf, bf) in zip(drawn, full):
        n = W.shape[0]
        np.testing.assert_array_equal(W, Wf[:n])
        np.testing.assert_array_equal(b, bf[:n])


def test_set_weights_takes_both_pieces_or_only_the_first_and_set_weight_reaches_either():
    net = MLP(2, (3,), 1, activation="maxout", seed=1)
    full = net.get_weights(pieces=True)
    other = MLP(2, (3,), 1, activation="maxout", seed=9)
    other.set_weights(full)
    for (W, b), (W2, b2) in zip(full, other.get_weights(pieces=True)):
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(b, b2)
    first = [(W + 1.0, b) for W, b in net.get_weights()]
    net.set_weights(first)
    after = net.get_weights(pieces=True)
    np.testing.assert_array_equal(after[0][0][:3], full[0][0][:3] + 1.0)
    np.testing.assert_array_equal(after[0][0][3:], full[0][0][3:])  # piece 2 untouched
    net.set_weight(0, 1, 0, 0.25)  # unit 1, piece 1: the edge the diagram draws
    net.set_weight(0, 3 + 1, 0, -0.5)  # unit 1, piece 2
    W = net.get_weights(pieces=True)[0][0]
    assert W[1, 0] == 0.25 and W[4, 0] == -0.5
    with pytest.raises(ValueError, match="expected W"):
        net.set_weights([(np.zeros((4, 2)), np.zeros(4)), full[1]])


def test_a_saved_maxout_network_reloads_with_both_pieces():
    net = MLP(2, (3, 2), 1, activation="maxout", seed=1)
    other = MLP(2, (3, 2), 1, activation="maxout", seed=2)
    load_weights_json(other, weights_to_json(net))
    np.testing.assert_array_equal(other.state_dict()["params"], net.state_dict()["params"])


def test_a_maxout_network_learns_the_spiral():
    s = Session(dataset="spiral", hidden=[8, 8], activation="maxout", seed=0)
    s.step(300)
    assert max(r["test_accuracy"] for r in s.history) >= 0.9


def test_maxout_is_a_choice_of_the_activation_knobs_and_of_the_url():
    assert "maxout" in HIDDEN_ACTIVATIONS
    assert Config(activation="maxout").activation == "maxout"
    config, warnings = config_from_query("dataset=spiral&hidden=8,8&activation=maxout")
    assert config.activation == "maxout" and not warnings
    s = Session(config)
    assert s.model.activations[:2] == ("maxout", "maxout")
    mixed, warnings = config_from_query("hidden=4,3&activations=maxout,relu")
    assert not warnings
    assert Session(mixed).model.activations[:2] == ("maxout", "relu")


def test_the_cli_trains_a_maxout_network_from_a_query(capsys):
    argv = ["train", "--query", "dataset=spiral&hidden=8,8&activation=maxout"]
    assert main([*argv, "--epochs", "200", "--json", "--quiet"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["sizes"] == [2, 8, 8, 1] and "activation=maxout" in result["query"]
    assert result["test_accuracy"] >= 0.8


@pytest.mark.parametrize("hidden", [[3, 10], [8, 2]])
def test_a_frame_of_a_maxout_network_holds_one_map_and_one_row_of_edges_per_unit(hidden):
    s = Session(dataset="spiral", hidden=hidden, activation="maxout", seed=2)
    s.step(2)
    b = FrameBuilder(LIGHT)
    scene = b.scene(s)
    _, sections = unpack(b.frame(s, 1))
    shown = [min(u, SHOWN_UNITS) for u in scene["layers"]]
    n_in = min(len(s.config.features), SHOWN_UNITS)
    assert sections[Section.MAPS].size == sum(shown) * MAP_RES * MAP_RES
    edges = n_in * shown[0] + shown[0] * shown[1] + shown[1] * shown[2]
    assert sections[Section.WEIGHTS].size == edges
    assert sections[Section.BIASES].size == sum(shown)


def test_every_view_of_a_maxout_network_builds_and_its_histograms_count_both_pieces():
    s = Session(dataset="spiral", hidden=[6, 4], activation="maxout", seed=1)
    s.step(3)
    b = FrameBuilder(LIGHT)
    b.views.shown = frozenset(VIEWS)
    b.views.every_s = 0.0
    b.scene(s)
    _, sections = unpack(b.frame(s, 1))
    rows = sections[Section.HISTOGRAMS].reshape(-1, BINS + 1)
    for row, (W, _) in zip(rows, s.model.get_weights(pieces=True)):
        assert row[0] == pytest.approx(np.abs(W).max(), rel=1e-6)
        assert row[1:].sum() == W.size  # 2n rows for a maxout layer


def test_a_maxout_run_exports_as_offline_html(tmp_path):
    out = tmp_path / "maxout.html"
    query = "dataset=spiral&hidden=5,3&activation=maxout"
    argv = ["export", "--query", query, "--size", "120", "--out", str(out)]
    assert main([*argv, "--epochs", "6", "--frames", "3", "--quiet"]) == 0
    assert out.read_text(encoding="utf-8").count('src="data:image/webp;base64,') == 3
