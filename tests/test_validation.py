"""The validation split and the baselines (issue 15).

``validation_ratio`` holds out a share of the training side: those points are never
trained on, they are measured every epoch, and a ratio of 0 leaves every session
exactly as it was before the knob existed."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from playground.experiment import Config, Session
from playground.experiment import metrics as mx
from playground.experiment.history import COLUMNS
from playground.experiment.points import held_out

#: Digests (first 16 hex digits of sha256) computed with the code before the knob
#: existed: the engine arrays of the training and test sides, and the history of ten
#: epochs (losses and accuracies rounded to 6 decimals).
BEFORE = {
    "": ("6781567e11cec2a8", "0ff3aecc49773fac"),
    "dataset=spiral&noise=20&seed=5": ("96ae7b946e3b9f41", "06c9b6d4f1243ac6"),
    "dataset=reg_plane&outliers=0.2&train_ratio=30": ("46c5780957b8d3ce", "25d5933be63b7195"),
    "dataset=mnist&mnist_train=600&mnist_test=100": ("01f7bf2eb1a31dc2", "ccc775a657504cac"),
}
OLD_COLUMNS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")


def _digest(*arrays: np.ndarray) -> str:
    data = b"".join(np.ascontiguousarray(a).tobytes() for a in arrays)
    return hashlib.sha256(data).hexdigest()[:16]


def _session(query: str) -> Session:
    return Session(Config.from_query(query)[0])


@pytest.mark.parametrize("query", list(BEFORE))
def test_no_validation_leaves_data_and_history_exactly_as_before(query):
    s = _session(query)
    arrays = s._splits()
    assert arrays["validation"] is None
    s.step(10)
    history = [[np.nan if r[k] is None else r[k] for k in OLD_COLUMNS] for r in s.history]
    assert (
        _digest(arrays["train"].X, arrays["train"].Y, arrays["test"].X, arrays["test"].Y),
        _digest(np.round(np.array(history), 6)),
    ) == BEFORE[query]
    assert all(r["validation_loss"] is None and r["validation_accuracy"] is None for r in s.history)


def test_history_rows_carry_validation_loss_and_accuracy():
    s = Session(dataset="spiral", validation_ratio=20)
    row = s.step(5)
    assert set(row) == set(COLUMNS)
    assert row["validation_loss"] > 0 and 0 <= row["validation_accuracy"] <= 1
    regression = Session(dataset="reg_plane", validation_ratio=20).step(2)
    assert regression["validation_loss"] > 0 and regression["validation_accuracy"] is None


@pytest.mark.parametrize("query", ["dataset=spiral", "dataset=reg_gauss&outliers=0.2"])
def test_validation_is_the_given_share_of_the_training_side_and_the_sides_are_disjoint(query):
    s = _session(query + "&validation_ratio=20&train_ratio=60")
    train, valid = s.is_train, s.is_validation
    test = ~(train | valid)
    assert not (train & valid).any()
    assert valid.sum() == round(0.2 * 0.6 * len(train)) == 60
    assert test.sum() == 200 and train.sum() == 240 == s.n_train
    # The outliers are among the points trained on: validation keeps true targets.
    truth = s._data.points.truth
    assert np.array_equal(s.labels[valid | test], truth[valid | test])


def test_holding_out_validation_leaves_the_test_side_alone():
    plain, held = Session(dataset="moons"), Session(dataset="moons", validation_ratio=30)
    assert np.array_equal(plain.is_train, held.is_train | held.is_validation)
    assert np.array_equal(plain._splits()["test"].X, held._splits()["test"].X)


def _rows(X: np.ndarray) -> set[bytes]:
    return {row.tobytes() for row in np.ascontiguousarray(X)}


@pytest.mark.parametrize(
    "query", ["dataset=xor", "dataset=mnist&mnist_train=500&mnist_test=50&hidden=8"]
)
def test_validation_rows_never_reach_a_training_batch(query, monkeypatch):
    s = _session(query + "&validation_ratio=25")
    seen: list[np.ndarray] = []
    model = s.model
    train_epoch, train_partial = model.train_epoch, model.train_partial

    def spy_epoch(X, Y, batch_size):
        seen.append(np.array(X))
        return train_epoch(X, Y, batch_size)

    def spy_partial(X, Y, batch_size, max_batches):
        seen.append(np.array(X))
        return train_partial(X, Y, batch_size, max_batches)

    monkeypatch.setattr(model, "train_epoch", spy_epoch)
    monkeypatch.setattr(model, "train_partial", spy_partial)
    s.step(2)
    s.train_slice(1)
    validation = _rows(s._splits()["validation"].X)
    assert seen and validation
    assert all(not (validation & _rows(X)) for X in seen)


def test_mnist_holds_out_the_share_of_its_training_images():
    s = Session(dataset="mnist", mnist_train=1000, mnist_test=100, validation_ratio=10)
    arrays = s._splits()
    assert arrays["validation"].X.shape[0] == 100 and s.n_train == 900
    assert not (_rows(arrays["validation"].X) & _rows(arrays["train"].X))


def test_the_same_seed_holds_out_the_same_points_and_trains_the_same():
    a = Session(dataset="spiral", validation_ratio=20, seed=4)
    b = Session(dataset="spiral", validation_ratio=20, seed=4)
    assert np.array_equal(a.is_validation, b.is_validation)
    a.step(5), b.step(5)
    assert a.history.to_dict() == b.history.to_dict()
    other = Session(dataset="spiral", validation_ratio=20, seed=5)
    assert not np.array_equal(a.is_validation, other.is_validation)


def test_changing_the_share_resplits_the_same_points_and_rebuilds_the_network():
    s = Session(dataset="circle")
    points = s.points
    s.step(3)
    s.set(validation_ratio=40)
    assert np.array_equal(s.points, points) and s.epoch == 0
    assert s.is_validation.sum() == 100
    s.set(validation_ratio=0)
    assert not s.is_validation.any() and s.history.last["validation_loss"] is None


def test_clicked_points_train_and_csv_rows_are_split_three_ways():
    s = Session(dataset="circle", validation_ratio=20)
    held = s.is_validation.copy()
    s.add_point(0.5, 0.5, 1)
    assert s.is_train[-1] and not s.is_validation[-1]
    assert np.array_equal(s.is_validation[:-1], held)  # nothing reshuffled
    lines = (f"{i / 20 - 2},{i % 5 - 2},{1 if i % 2 else -1}" for i in range(80))
    rows = "x1,x2,label\n" + "\n".join(lines)
    s.load_csv(rows)
    assert s.is_validation.sum() == round(0.2 * 40)


def test_held_out_is_deterministic_and_never_takes_every_row():
    assert np.array_equal(held_out(100, 0.2, 3), held_out(100, 0.2, 3))
    assert len(held_out(100, 0.2, 3)) == 20 and len(held_out(1, 0.5, 0)) == 0
    assert len(held_out(3, 0.5, 0)) == 2 and len(held_out(0, 0.5, 0)) == 0
    with pytest.raises(ValueError, match="validation share"):
        held_out(10, 1.0, 0)


def test_the_split_names_include_validation():
    s = Session(dataset="xor", validation_ratio=20)
    assert s.metrics("validation")["n"] == 50
    assert s.predict("validation").shape == (50, 1)
    with pytest.raises(ValueError, match="train, validation, test"):
        s.metrics("dev")


# ------------------------------------------------------------------ baselines
def test_classification_baselines_are_chance_and_the_most_frequent_class():
    s = Session(dataset="circle", balance=0.7)
    base = s.baselines()
    train, test = s._splits()["train"], s._splits()["test"]
    majority = np.argmax(np.bincount(train.classes))
    assert base["chance"] == 0.5 and base["mean_loss"] is None
    assert base["most_frequent"] == pytest.approx(np.mean(test.classes == majority))
    assert base["most_frequent"] > 0.6  # 70 % of the points are class +1
    three = Session(dataset="blobs", n_classes=4).baselines()
    assert three["chance"] == 0.25


@pytest.mark.parametrize("loss", ["square", "huber", "mae"])
def test_the_mean_predictor_loss_is_what_the_engine_charges_a_constant_network(loss):
    s = Session(dataset="reg_plane", hidden=[2], loss=loss, output="linear")
    base = s.baselines()
    assert base["chance"] is None and base["most_frequent"] is None
    train, test = s._splits()["train"], s._splits()["test"]
    mean = float(train.Y.mean())
    # A network whose last layer has no weights and the training mean as its bias.
    for unit in range(2):
        s.set_weight(1, 0, unit, 0.0)
    s.set_bias(1, 0, mean)
    engine_loss, _ = s.model.evaluate(test.X, test.Y)
    assert base["mean_loss"] == pytest.approx(engine_loss, rel=1e-9)
    assert base["mean_loss"] == pytest.approx(mx.constant_loss(loss, test.Y, mean, 1.0))


def test_a_trained_regression_network_beats_the_mean_predictor():
    s = Session(dataset="reg_plane", hidden=[4])
    s.step(100)
    assert s.history.last["test_loss"] < s.baselines()["mean_loss"] / 4
