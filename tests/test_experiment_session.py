"""The training session: convergence, live vs rebuilding knobs, reset, divergence, data."""

from __future__ import annotations

import warnings

import numpy as np
import param
import pytest
from config_strategies import valid_settings
from hypothesis import HealthCheck, given, settings

from playground.data import CSVError, feature_matrix, grid_points, make_dataset
from playground.experiment import EFFECTS, KNOBS, Config, Effect, Session
from playground.experiment.history import COLUMNS
from playground.experiment.params import ChoiceList, IntList


def weights(session: Session) -> list[np.ndarray]:
    return [a.copy() for layer in session.model.get_weights() for a in layer]


def same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_history_starts_with_the_untrained_network_and_grows_one_row_per_epoch():
    s = Session(dataset="xor")
    assert len(s.history) == 1 and s.history[0]["epoch"] == 0
    row = s.step(3)
    assert set(row) == set(COLUMNS) and row["epoch"] == 3 == s.epoch
    assert [r["epoch"] for r in s.history] == [0, 1, 2, 3]
    assert s.history.column("train_loss").shape == (4,)


# ------------------------------------------------------------------ convergence
def test_spiral_with_two_hidden_layers_of_8_tanh_reaches_95_percent_within_500_epochs():
    # The TF Playground's recipe for the spiral: sin(x1) and sin(x2) as extra inputs.
    s = Session(dataset="spiral", hidden=[8, 8], features=["x1", "x2", "sinx1", "sinx2"])
    assert s.config.activation == "tanh"
    s.step(500)
    assert max(r["test_accuracy"] for r in s.history) >= 0.95


def test_xor_with_no_hidden_layer_stays_at_or_below_80_percent():
    s = Session(dataset="xor", hidden=[])
    s.step(500)
    assert max(r["test_accuracy"] for r in s.history) <= 0.80


def test_xor_with_one_hidden_layer_of_4_reaches_95_percent():
    s = Session(dataset="xor", hidden=[4])
    s.step(500)
    assert max(r["test_accuracy"] for r in s.history) >= 0.95


def test_multiclass_and_regression_sets_learn():
    blobs = Session(dataset="blobs", n_classes=4)
    assert blobs.step(100)["test_accuracy"] > 0.9
    reg = Session(dataset="reg_plane", hidden=[4])
    first = reg.history[0]["test_loss"]
    last = reg.step(100)
    assert last["test_accuracy"] is None and last["test_loss"] < first / 10


# ---------------------------------------------------------- live vs rebuilding
def other_value(name: str, config: Config):
    """A valid value different from the current one (staying off MNIST)."""
    p, now = Config.param[name], getattr(config, name)
    if isinstance(p, param.Boolean):
        return not now
    if isinstance(p, param.Integer):
        return p.bounds[0] + 1 if now != p.bounds[0] + 1 else p.bounds[0]
    if isinstance(p, param.Number):
        lo, hi = p.bounds
        return lo + (min(hi, lo + 1) - lo) / 3
    if isinstance(p, ChoiceList):
        return [o for o in p.objects if o not in now][:1]
    if isinstance(p, param.Selector):
        return next(o for o in p.objects if o not in (now, "mnist"))
    if isinstance(p, IntList):
        return [3]
    raise AssertionError(name)


@pytest.mark.parametrize("name", KNOBS)
def test_the_effects_table_decides_whether_a_change_keeps_the_weights(name):
    s = Session(dataset="xor")
    s.step(5)
    before = weights(s)
    setattr(s.config, name, other_value(name, s.config))  # as a page widget would
    s.step(0)
    if EFFECTS[name] is Effect.LIVE:
        assert same(weights(s), before) and s.epoch == 5 and len(s.history) == 6
    else:
        assert s.epoch == 0 and len(s.history) == 1


def test_live_knobs_reach_the_running_network():
    s = Session(dataset="xor")
    s.step(5)
    s.set(learning_rate=0.1, regularization="l2", reg_rate=0.003, dropout=0.2, momentum=0.5)
    m = s.model
    assert (m.learning_rate, m.regularization, m.reg_rate) == (0.1, "l2", 0.003)
    assert (m.dropout, m.momentum) == (0.2, 0.5)
    assert s.step(1)["learning_rate"] == 0.1 and s.epoch == 6


def test_architecture_changes_rebuild_the_network_with_the_new_shape():
    s = Session()
    s.step(5)
    s.set(hidden=[6, 5, 4], features=["x1", "x2", "x1x2"])
    assert s.model.sizes == (3, 6, 5, 4, 1) and s.epoch == 0


def test_several_changes_at_once_rebuild_only_once_and_keep_the_data():
    s = Session(dataset="xor")
    points = s.points
    s.set(hidden=[5], activation="relu", learning_rate=0.1)
    assert s.model.sizes == (2, 5, 1) and s.model.activations == ("relu", "tanh")
    np.testing.assert_array_equal(s.points, points)


def test_data_changes_regenerate_the_points():
    s = Session(dataset="xor")
    labels = s.labels
    s.set(noise=30)  # xor's noise moves where a label is read, not the points
    assert not np.array_equal(s.labels, labels)
    s.set(dataset="circle")
    np.testing.assert_array_equal(s.points, make_dataset("circle", 500, 0.3).points)


def test_train_ratio_resplits_the_same_points():
    s = Session(n_samples=200)
    points = s.points
    s.set(train_ratio=80)
    np.testing.assert_array_equal(s.points, points)
    assert s.is_train.sum() == 160


# ---------------------------------------------------------- reset, regenerate
def test_reset_reproduces_the_initial_weights_of_a_fresh_session():
    s = Session(dataset="spiral", hidden=[8, 8])
    initial = weights(s)
    s.step(10)
    assert not same(weights(s), initial)
    s.reset()
    assert same(weights(s), initial) and s.epoch == 0 and len(s.history) == 1
    assert same(weights(Session(dataset="spiral", hidden=[8, 8])), initial)


def test_training_is_deterministic_for_a_seed():
    a, b = Session(dataset="moons", dropout=0.1), Session(dataset="moons", dropout=0.1)
    a.step(5)
    b.step(5)
    assert a.history.to_dict() == b.history.to_dict()
    c = Session(dataset="moons", dropout=0.1, seed=1)
    c.step(5)
    assert c.history.to_dict() != a.history.to_dict()


def test_regenerate_draws_new_points_but_keeps_the_weights_and_history():
    s = Session(dataset="gauss")
    s.step(5)
    before, points = weights(s), s.points
    s.regenerate()
    assert same(weights(s), before) and s.epoch == 5
    assert not np.array_equal(s.points, points)
    assert s.step(1)["epoch"] == 6


# ------------------------------------------------------------------ divergence
def test_divergence_stops_training_with_a_message_and_reset_recovers():
    s = Session(dataset="reg_plane", hidden=[8, 8], learning_rate=10)
    s.step(50)
    assert s.diverged
    assert "diverged at epoch" in s.message and "learning rate (now 10)" in s.message
    assert all(np.isfinite(s.history.column("train_loss")))  # no NaN rows are recorded
    epoch = s.epoch
    s.step(5)
    assert s.epoch == epoch  # stepping does nothing while diverged
    s.reset()
    assert not s.diverged and s.message == "" and s.model.is_finite()
    s.set(learning_rate=0.03)
    assert np.isfinite(s.step(5)["train_loss"]) and s.epoch == 5


# --------------------------------------------------------------------- metrics
def test_metrics_for_two_classes_include_roc_and_auc():
    s = Session(dataset="gauss")
    s.step(20)
    m = s.metrics()
    assert m["kind"] == "binary" and m["classes"] == ["-1", "+1"]
    assert m["confusion_matrix"].sum() == m["n"] == (~s.is_train).sum()
    assert m["accuracy"] == pytest.approx(s.history.last["test_accuracy"])
    assert m["auc"] > 0.95 and m["roc"]["fpr"][0] == 0.0
    assert s.metrics("train")["n"] == s.is_train.sum()


def test_metrics_for_several_classes_and_for_regression():
    s = Session(dataset="spiral_k", n_classes=5)
    m = s.metrics()
    assert m["confusion_matrix"].shape == (5, 5) and len(m["f1"]) == 5 and "auc" not in m
    r = Session(dataset="reg_gauss").metrics()
    assert set(r) >= {"r2", "mse", "mae"} and r["kind"] == "regression"


def test_metrics_split_must_be_train_validation_or_test():
    with pytest.raises(ValueError, match="split"):
        Session().metrics("dev")
    assert Session().metrics("validation")["n"] == 0  # none held out by default


def test_predict_hands_out_the_epochs_evaluation_until_anything_it_depends_on_changes():
    s = Session(dataset="xor", validation_ratio=20, batch_norm=True)
    s.step(2)
    passes = []
    model_predict = type(s.model).predict
    s.model.predict = lambda X: passes.append(len(X)) or model_predict(s.model, X)

    def fresh(split):
        return model_predict(s.model, s._side(split, fed=True).X)

    # the row's own evaluation, no second pass (a toy set's training sample is all of it)
    for split in ("train", "validation", "test"):
        out = s.predict(split)
        np.testing.assert_array_equal(out, fresh(split))
        assert not out.flags.writeable and s.predict(split) is out
    assert s.metrics("test")["accuracy"] == s.current["test_accuracy"] and passes == []
    # anything the outputs depend on: a hand edit, the weights or batch norm's
    # statistics changed behind the session's back, the training
    s.set_weight(0, 0, 0, 0.5)
    np.testing.assert_array_equal(s.predict("test"), fresh("test"))
    for change in (
        lambda: s.model._params.__setitem__(0, 1.5),
        lambda: s.model._run_mean.__iadd__(0.25),
        lambda: s.step(1),
    ):
        before = s.predict("test")
        change()
        after = s.predict("test")
        np.testing.assert_array_equal(after, fresh("test"))
        assert not np.array_equal(before, after)


# ------------------------------------------------------------------- grid maps
def test_predict_grid_is_the_network_over_the_grid_points():
    s = Session()
    out = s.predict_grid(30)
    expected = s.model.predict(feature_matrix(grid_points(30), ["x1", "x2"]))
    assert out.shape == (1, 30, 30)
    np.testing.assert_array_equal(out.reshape(-1), expected[:, 0])


def test_layer_maps_give_every_neuron_and_reuse_the_grid_inputs():
    s = Session(hidden=[3, 2], features=["x1", "x2", "x1sq"])
    maps = s.layer_maps(20)
    assert [m.shape for m in maps] == [(3, 20, 20), (2, 20, 20), (1, 20, 20)]
    assert s.feature_maps(20).shape == (3, 20, 20)
    assert s._grid(20) is s._grid(20)  # computed once per resolution and feature set
    assert Session(dataset="blobs", n_classes=4).predict_grid(10).shape == (4, 10, 10)


# ------------------------------------------------------------------ user points
def test_clicked_points_are_added_to_training_and_can_be_erased():
    s = Session(dataset="xor")
    n = len(s.points)
    s.add_point(0.5, 0.5, 1)
    assert len(s.points) == n + 1 and s.is_train[-1]
    with pytest.raises(ValueError):
        s.add_point(0.5, 0.5, 0.3)  # binary labels are +1 or -1
    removed = s.remove_points_near(0.5, 0.5, 1.0)
    assert removed >= 1 and len(s.points) == n + 1 - removed
    s.step(1)


def test_a_csv_upload_replaces_the_points_and_a_bad_one_keeps_them():
    s = Session(dataset="xor")
    text = "x1,x2,label\n" + "\n".join(f"{i / 2},{-i / 2},{1 if i % 2 else -1}" for i in range(10))
    assert s.load_csv(text) == 10
    assert len(s.points) == 10 and s.is_train.sum() == 5
    before = s.points
    with pytest.raises(CSVError, match="line 2"):
        s.load_csv("x1,x2,label\n1,2,7\n")
    np.testing.assert_array_equal(s.points, before)
    s.load_csv(s.export_csv(), replace=False)
    assert len(s.points) == 20
    s.step(2)


def test_a_csv_with_a_point_off_the_drawn_plane_is_refused_and_the_points_kept():
    s = Session(dataset="xor")
    before = s.points
    with pytest.raises(CSVError, match=r"^line 3: x2 = 1e308 is outside .* from -6 to 6$"):
        s.load_csv("x1,x2,label\n1,2,1\n0,1e308,-1\n")
    np.testing.assert_array_equal(s.points, before)


def test_training_without_training_points_explains_instead_of_failing():
    s = Session(dataset="xor")
    s.remove_points_near(0, 0, 100)
    s.step(3)
    assert s.epoch == 0 and "no training points" in s.message


# ----------------------------------------------------------------------- MNIST
def test_a_small_mnist_session_trains_a_float32_network():
    s = Session(dataset="mnist", mnist_train=1000, mnist_test=300)
    assert s.model.sizes == (784, 128, 10) and s.plan.dtype == "float32"
    assert s.step(2)["test_accuracy"] > 0.7
    assert s.metrics()["confusion_matrix"].shape == (10, 10)
    with pytest.raises(ValueError, match="MNIST"):
        s.predict_grid(10)
    with pytest.raises(ValueError, match="MNIST"):
        s.add_point(0, 0, 1)


def test_a_widget_change_is_visible_at_the_next_read_without_stepping():
    s = Session(dataset="reg_plane", hidden=[8, 8], learning_rate=10)
    s.step(50)
    assert s.diverged
    s.config.hidden = [5]  # as a widget would, without calling set()
    assert not s.diverged and s.model.sizes == (2, 5, 1) and len(s.history) == 1


def test_switching_to_mnist_by_widget_builds_once_with_mnists_defaults():
    s = Session(mnist_train=500, mnist_test=100)
    s.config.dataset = "mnist"
    assert s.model.sizes == (784, 128, 10) and s.model.activations == ("relu", "softmax")
    assert s.model.dtype == np.float32 and s.model.optimizer_name == "momentum"
    s.config.dataset = "circle"
    assert s.model.sizes == (2, 4, 2, 1) and len(s.points) == 500


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_settings)
def test_any_valid_config_builds_a_session_that_steps_and_draws(values):
    if values.get("dataset") == "mnist":
        values["dataset"] = "circle"  # MNIST has its own test; keep this one quick
    values["n_samples"] = min(values.get("n_samples", 500), 200)
    values["hidden"] = [min(h, 16) for h in values.get("hidden", [4, 2])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow while diverging is fine
        s = Session(**values)
        row = s.step(2)
        assert row["epoch"] <= 2 and (s.diverged or np.isfinite(row["train_loss"]))
        s.metrics()
        assert s.predict_grid(8).shape[1:] == (8, 8)
        assert len(s.layer_maps(8)) == len(s.model.sizes) - 1


def test_training_mnist_in_slices_records_one_row_per_finished_epoch():
    from playground.experiment import Session

    s = Session(dataset="mnist", mnist_train=1000, mnist_test=200, hidden=[32], batch_size=50)
    rows, progress = [], []
    for _ in range(5):  # 1000 images / 50 = 20 batches = 6 + 6 + 6 + 2
        rows.append(s.train_slice(max_batches=6))
        progress.append(s.epoch_progress)
    # the 4th slice also evaluates 1,024 of the 1,000 + 200 rows of the epoch's row
    # (evaluation.MIN_ROWS), the 5th the rest
    assert rows[:4] == [None, None, None, None]
    assert progress == pytest.approx([0.3, 0.6, 0.9, 1.0, 0.0])
    assert rows[4] is not None and rows[4]["epoch"] == 1
    assert len(s.history) == 2  # the untrained row and epoch 1
    assert rows[4]["test_accuracy"] > 0.5


def _closing_in_slices(monkeypatch, **knobs) -> tuple[Session, Session]:
    """Two sessions on 1,000 MNIST digits, one trained a whole epoch, the other in
    slices whose end of epoch is evaluated 150 rows a slice."""
    from playground.experiment import evaluation

    monkeypatch.setattr(evaluation, "MIN_ROWS", 150)
    monkeypatch.setattr(evaluation, "ROWS_PER_TRAINING_ROW", 1)
    kw = dict(dataset="mnist", mnist_train=1000, mnist_test=400, hidden=[16], batch_size=50)
    return Session(**kw, **knobs), Session(**kw, **knobs)


def test_the_end_of_an_epoch_in_slices_is_evaluated_in_slices_too(monkeypatch):
    whole, sliced = _closing_in_slices(monkeypatch, validation_ratio=10)
    expected = whole.step(1)
    calls, progress, epochs = 0, [], []
    while (row := sliced.train_slice(3)) is None:  # 900 images, 150 a slice
        calls += 1
        progress.append(sliced.epoch_progress)
        epochs.append(sliced.epoch)
    # 6 slices train the 18 batches; the last also begins the 900 + 100 + 400 rows of
    # the epoch's row, 150 a slice, and 9 more slices end it
    assert calls == 5 + 1 + 8 and epochs == [0] * calls
    assert max(progress[:5]) < 1.0 and progress[5:] == [1.0] * 9  # full while evaluating
    assert row["epoch"] == 1 == sliced.epoch and sliced.epoch_progress == 0.0
    assert len(sliced.history) == 2
    # chunks of another size round differently in float32's last digits
    for key, value in expected.items():
        assert row[key] == pytest.approx(value, rel=1e-5), key
    for side in ("train", "validation", "test"):
        np.testing.assert_allclose(sliced.predict(side), whole.predict(side), rtol=1e-5, atol=1e-6)


def test_after_an_epoch_of_mnist_the_network_still_knows_every_side_it_checked():
    s = Session(dataset="mnist", mnist_train=1200, mnist_test=300, validation_ratio=10)
    while s.train_slice(5) is None:  # train, evaluate the training sample and both sides
        pass
    sides = [s._fed_side(side) for side in ("train", "validation", "test")]
    arrays = [a for side in sides for a in (side.X, side.Y)] + [s._train_probe.X]
    assert all(s.model._known(a) for a in arrays)  # the next slice checks nothing again


def test_an_epoch_being_evaluated_gets_its_row_before_the_weights_change(monkeypatch):
    first, second = _closing_in_slices(monkeypatch)
    for session, change in (
        (first, lambda s: s.set_weight(0, 0, 0, 3.0)),
        (second, lambda s: s.step(1)),
    ):
        while session.epoch_progress < 1.0:
            assert session.train_slice(4) is None
        change(session)  # mid-evaluation
        assert [r["epoch"] for r in session.history] == list(range(len(session.history)))
        assert session.history[1]["epoch"] == 1 and session._closing is None
    assert first.current["epoch"] == 1 and first.current is not first.history.last  # the edit
    assert len(second.history) == 3
    # a change that makes a new network drops it with the history; a live one does not
    while first.epoch_progress < 1.0:
        first.train_slice(4)
    first.set(learning_rate=0.01)
    assert first._closing is not None
    first.set(hidden=[8])
    assert first._closing is None and len(first.history) == 1 and first.epoch == 0


_COMPILED_AFTER = """
import json, sys
from numba.core.dispatcher import Dispatcher
from playground.engine import warm_up
from playground.experiment import Session

def compiled():
    return {f"{m}.{k}": len(v.signatures) for m, mod in list(sys.modules.items())
            if m.startswith("playground.engine") for k, v in vars(mod).items()
            if isinstance(v, Dispatcher)}

warm_up()
before = compiled()
for session in (Session(dataset="spiral", batch_norm=True, dropout=0.1),
                Session(dataset="mnist", mnist_train=300, mnist_test=100)):
    session.step(1)
    session.train_slice(2)
    session.predict("test")
    session.metrics("test")
    if session.config.dataset != "mnist":
        session.predict_grid(20)
        session.layer_maps(20)
print(json.dumps({k: (before.get(k, 0), n) for k, n in compiled().items() if n != before.get(k)}))
"""


def test_after_warm_up_a_session_compiles_no_kernel_of_its_own():
    # A fresh process: in this one, earlier tests may have compiled anything already.
    import json
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", _COMPILED_AFTER], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {}


def test_a_hinge_trained_network_learns_blobs_and_predicts_the_highest_score():
    session = Session(dataset="blobs", n_classes=4, loss="hinge")
    assert (session.plan.output, session.plan.loss, session.plan.n_outputs) == (
        "scores",
        "hinge",
        4,
    )
    assert session.step(100)["test_accuracy"] > 0.9
    X, classes = session.examples("test")
    scores = session.predict("test")
    report = session.metrics("test")
    predicted = report["confusion_matrix"].sum(axis=0)  # how often each class is predicted
    np.testing.assert_array_equal(predicted, np.bincount(scores.argmax(axis=1), minlength=4))
    assert report["accuracy"] == pytest.approx(np.mean(scores.argmax(axis=1) == classes))


def test_two_class_scores_give_a_roc_curve_from_the_score_difference():
    session = Session(dataset="gauss", loss="hinge")
    session.step(30)
    report = session.metrics("test")
    assert report["auc"] > 0.95 and report["accuracy"] > 0.9


def test_mae_is_a_regression_loss_a_session_trains_with():
    session = Session(dataset="reg_plane", hidden=[4], loss="mae")
    assert (session.plan.output, session.plan.loss) == ("linear", "mae")
    first = session.history[0]["test_loss"]
    assert session.step(100)["test_loss"] < first / 4


def test_gradient_norms_follow_the_network_the_session_trains():
    session = Session(dataset="xor", hidden=[4, 3])
    assert session.gradient_norms == []  # nothing trained yet
    session.step(2)
    norms = session.gradient_norms
    assert len(norms) == 3 and all(0 < g < np.inf for g in norms)
    session.set(hidden=[5])  # a new network has trained no epoch
    assert session.gradient_norms == []
    session.step(1)
    assert len(session.gradient_norms) == 2
