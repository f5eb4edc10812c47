"""The views inside the network: what a frame carries for each, read back as the
stage reads it, checked against the session; and nothing while they are closed."""

from __future__ import annotations

import numpy as np
import pytest

from playground.experiment import Session
from playground.ui.frame import Section, unpack
from playground.ui.inside import BINS, MESH, VIEWS
from playground.ui.scene import GRID, FrameBuilder
from playground.ui.theme import LIGHT

VIEW_SECTIONS = {
    Section.HIDDEN_MESH,
    Section.HIDDEN_POINTS,
    Section.HISTOGRAMS,
    Section.CONFUSION,
    Section.PER_CLASS,
    Section.ROC,
}


def _frame(session: Session, *views: str, **choices) -> dict[Section, np.ndarray]:
    frames = FrameBuilder(LIGHT)
    frames.views.shown = frozenset(views)
    frames.views.every_s = 0.0
    for name, value in choices.items():
        setattr(frames.views, name, value)
    frames.scene(session)
    return unpack(frames.frame(session, 1))[1]


def test_closed_views_cost_a_frame_nothing():
    sections = _frame(Session(dataset="xor", hidden=[2]))
    assert not VIEW_SECTIONS & set(sections)


def test_the_hidden_space_holds_each_training_point_where_the_layer_puts_it():
    session = Session(dataset="circle", hidden=[3, 2], seed=4)
    session.step(30)
    sections = _frame(session, "hidden_space", layer=1)
    X, labels = session.examples("train")
    seen = session.model.layer_outputs(X)[1]
    points = sections[Section.HIDDEN_POINTS].reshape(-1, 3)
    np.testing.assert_allclose(points[:, :2], seen[:2].T, atol=1e-6)
    np.testing.assert_array_equal(points[:, 2], labels)
    # the mesh is the input grid's image: its corners are the grid's corners' values
    mesh = sections[Section.HIDDEN_MESH].reshape(MESH, MESH, 2)
    maps = session.layer_maps(GRID)[1]
    np.testing.assert_allclose(mesh[0, 0], maps[:2, 0, 0], atol=1e-6)
    np.testing.assert_allclose(mesh[-1, -1], maps[:2, -1, -1], atol=1e-6)


def _separable(points: np.ndarray, labels: np.ndarray) -> bool:
    """Whether a straight line separates the two classes (a perceptron converges)."""
    X = np.column_stack([points, np.ones(len(points))])
    y = np.where(labels > 0, 1.0, -1.0)
    w = np.zeros(3)
    for _ in range(2000):
        wrong = np.flatnonzero(y * (X @ w) <= 0)
        if not len(wrong):
            return True
        w += y[wrong[0]] * X[wrong[0]]
    return False


def test_xor_ends_linearly_separable_in_the_last_hidden_layers_space():
    # Two units alone cannot untangle this XOR (its quadrants meet at the axes);
    # behind four, a two-unit layer ends with the classes on either side of a line.
    session = Session(dataset="xor", hidden=[4, 2], activation="tanh", learning_rate=0.1, seed=2)
    before = _frame(session, "hidden_space", layer=1)[Section.HIDDEN_POINTS].reshape(-1, 3)
    assert not _separable(before[:, :2], before[:, 2])  # tangled at the start
    session.step(400)
    assert session.current["train_accuracy"] == 1.0
    after = _frame(session, "hidden_space", layer=1)[Section.HIDDEN_POINTS].reshape(-1, 3)
    assert _separable(after[:, :2], after[:, 2])


def test_each_layers_histogram_counts_its_weights_within_its_largest():
    session = Session(dataset="spiral", hidden=[6, 4], seed=1)
    session.step(20)
    rows = _frame(session, "histograms")[Section.HISTOGRAMS].reshape(-1, BINS + 1)
    weights = session.model.get_weights()
    assert len(rows) == len(weights)
    for row, (W, _) in zip(rows, weights):
        assert row[0] == pytest.approx(np.abs(W).max(), rel=1e-6)
        assert row[1:].sum() == W.size


def test_metrics_match_the_sessions_and_follow_the_threshold():
    session = Session(dataset="gauss", noise=35, seed=5)
    session.step(40)
    sections = _frame(session, "metrics")
    truth = session.metrics("test")
    counts = sections[Section.CONFUSION].reshape(2, 2)
    np.testing.assert_array_equal(counts, truth["confusion_matrix"])
    np.testing.assert_allclose(sections[Section.PER_CLASS][:2], truth["precision"])
    np.testing.assert_allclose(sections[Section.PER_CLASS][4:], truth["f1"])
    roc = sections[Section.ROC]
    assert roc[0] == pytest.approx(truth["auc"], rel=1e-5)
    # a higher threshold says "+1" less often: fewer false and fewer true positives
    strict = _frame(session, "metrics", threshold=0.6)
    strict_counts = strict[Section.CONFUSION].reshape(2, 2)
    assert strict_counts[:, 1].sum() < counts[:, 1].sum()
    assert strict[Section.ROC][1] <= roc[1] and strict[Section.ROC][2] <= roc[2]
    assert strict[Section.ROC][0] == pytest.approx(roc[0])  # the curve is the curve


def test_the_heatmap_is_recoloured_at_the_threshold():
    session = Session(dataset="gauss", seed=5)
    session.step(40)
    plain = _frame(session, "metrics")[Section.HEAT].astype(int)
    shifted = _frame(session, "metrics", threshold=0.5)[Section.HEAT].astype(int)
    # the neutral middle moves to where the output is 0.5: fewer pixels are blue
    assert (shifted > 128).sum() < (plain > 128).sum()
    assert (_frame(session)[Section.HEAT] == plain).all()  # closed: as before


def test_every_view_is_declared_once_for_the_page_and_show():
    from playground.ui.plane import Playground

    assert set(VIEWS) <= set(Playground.DECLARED.show)


def test_gradient_flow_shows_vanishing_gradients_in_a_deep_sigmoid_net():
    session = Session(dataset="spiral", hidden=[6] * 6, activation="sigmoid", seed=1)
    assert Section.GRADIENTS not in _frame(session, "gradients")  # no epoch yet
    session.step(3)
    row = _frame(session, "gradients")[Section.GRADIENTS]
    assert row[0] == 3 and len(row) == 1 + 3 * 7
    norms = row[1::3]
    np.testing.assert_allclose(norms, session.gradient_norms)
    assert norms[0] * 100 < norms[-1]  # the input side learns a hundred times slower


def test_gradient_flow_counts_the_relu_units_that_never_fire_on_the_data():
    session = Session(dataset="circle", hidden=[8], activation="relu", seed=3)
    session.step(1)
    session.model.set_bias(0, 0, -1e3)  # unit 1 can no longer fire anywhere near the data
    session.model.set_bias(0, 1, -1e3)
    row = _frame(session, "gradients")[Section.GRADIENTS]
    assert row[3] == 2 and row[6] == 0  # two dead in the hidden layer; none counted at the output


def test_the_views_travel_ten_times_a_second_at_most_and_with_every_new_scene():
    session = Session(dataset="xor", hidden=[4, 2])
    frames = FrameBuilder(LIGHT)
    frames.views.shown = frozenset(VIEWS)
    frames.scene(session)
    first = unpack(frames.frame(session, 1))[1]
    second = unpack(frames.frame(session, 2))[1]  # at once: the browser keeps the last
    assert Section.HIDDEN_MESH in first and not VIEW_SECTIONS & set(second)
    session.config.hidden = [4, 3]
    frames.scene(session)
    assert Section.HIDDEN_MESH in unpack(frames.frame(session, 3))[1]


def test_every_lessons_views_are_views_of_the_page():
    from playground.experiment.lessons import LESSONS

    asked = {v for lesson in LESSONS.values() for v in lesson.views}
    assert asked and asked <= set(VIEWS)


def test_a_lesson_opens_its_views_on_the_page():
    from playground.ui.shell import create_app

    shell = create_app(query="lesson=vanishing-gradient")
    assert shell.page().frames.views.shown == {"gradients"}
    shell.open_lesson("hidden-space")  # opens its own; the open one stays
    assert shell.page().frames.views.shown == {"gradients", "hidden_space"}
