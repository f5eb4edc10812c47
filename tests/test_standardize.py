"""`standardize`: statistics from the training side only, applied to every input the
network sees (training, test, the grid, the pad, hidden-layer views)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from playground.cli import main
from playground.data import Standardizer, feature_matrix, grid_points
from playground.data.scaling import STD_EPS
from playground.experiment import Config, Session
from playground.ui.inside import training_outputs


def test_per_input_scaling_gives_each_training_column_mean_0_and_deviation_1():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(5, 100, 500), rng.normal(-3, 0.01, 500), np.full(500, 7.0)])
    scaled = Standardizer.fit(X, "per_input")(X)
    np.testing.assert_allclose(scaled.mean(axis=0), 0, atol=1e-9)
    np.testing.assert_allclose(scaled[:, :2].std(axis=0), 1, rtol=1e-9)
    assert (scaled[:, 2] == 0).all()  # a constant column is centred, not divided by 0


def test_global_scaling_uses_one_mean_and_deviation_and_keeps_relative_sizes():
    X = np.array([[0.0, 10.0], [2.0, 30.0]])
    scaler = Standardizer.fit(X, "global")
    assert scaler.mean.shape == scaler.scale.shape == (1,)
    scaled = scaler(X)
    assert scaled.mean() == pytest.approx(0) and scaled.std() == pytest.approx(1)
    np.testing.assert_allclose(scaled[:, 1] - scaled[:, 0], (X[:, 1] - X[:, 0]) / X.std())


def test_none_returns_the_inputs_themselves():
    X = np.ones((3, 2))
    assert Standardizer.fit(X, "none")(X) is X


def test_the_statistics_come_from_the_training_side_only():
    s = Session(dataset="gauss", noise=30, standardize="per_input", train_ratio=30)
    train, _ = s.examples("train")
    test, _ = s.examples("test")
    fed_train, fed_test = s.inputs(train), s.inputs(test)
    np.testing.assert_allclose(fed_train.mean(axis=0), 0, atol=1e-9)
    np.testing.assert_allclose(fed_train.std(axis=0), 1, rtol=1e-9)
    # The test side is scaled with the training statistics, not its own.
    expected = (test - train.mean(axis=0)) / train.std(axis=0)
    np.testing.assert_allclose(fed_test, expected)
    assert not np.allclose(fed_test.mean(axis=0), 0, atol=1e-3)


def test_every_path_feeds_the_network_standardized_inputs():
    s = Session(dataset="xor", standardize="per_input", hidden=[3], features=["x1", "x1sq"])
    s.step(3)
    raw_grid = feature_matrix(grid_points(20), ["x1", "x1sq"])
    grid = s.inputs(raw_grid)
    assert not np.allclose(grid, raw_grid)
    np.testing.assert_array_equal(s.predict_grid(20).reshape(-1), s.model.predict(grid)[:, 0])
    for got, expected in zip(s.layer_maps(20), s.model.layer_outputs(grid)):
        np.testing.assert_array_equal(got.reshape(len(expected), -1), expected)
    np.testing.assert_array_equal(s.feature_maps(20).reshape(2, -1), grid.T)
    X, _ = s.examples("test")
    np.testing.assert_array_equal(s.predict("test"), s.model.predict(s.inputs(X)))
    # The history measures the test side as the network sees it.
    Y = s._splits()["test"].Y
    loss, _ = s.model.evaluate(s.inputs(X), Y)
    assert s.history.last["test_loss"] == pytest.approx(loss)
    labels, outputs = training_outputs(s)
    train, _ = s.examples("train")
    np.testing.assert_array_equal(outputs[0], s.model.layer_outputs(s.inputs(train))[0])


def test_training_on_standardized_inputs_differs_from_training_on_raw_ones():
    raw = Session(dataset="xor", hidden=[3])
    scaled = Session(dataset="xor", hidden=[3], standardize="global")
    np.testing.assert_array_equal(raw.model.get_weights()[0][0], scaled.model.get_weights()[0][0])
    raw.step(2), scaled.step(2)
    assert not np.array_equal(raw.model.get_weights()[0][0], scaled.model.get_weights()[0][0])


def test_new_points_refit_the_statistics():
    s = Session(dataset="xor", standardize="per_input")
    before = s.inputs(np.zeros((1, 2)))
    s.add_point(5.5, 5.5, 1)
    assert not np.array_equal(s.inputs(np.zeros((1, 2))), before)


def test_mnist_per_pixel_scaling_keeps_blank_border_pixels_finite_and_zero():
    s = Session(dataset="mnist", mnist_train=500, mnist_test=100, standardize="per_input")
    train, _ = s.examples("train")
    assert train.min() >= 0 and train.max() <= 1  # examples stay raw pixels for display
    blank = train.std(axis=0) <= STD_EPS
    assert blank.sum() > 50  # the border
    fed = s.inputs(train)
    assert fed.dtype == np.float32 and np.isfinite(fed).all()
    assert (fed[:, blank] == 0).all()
    row = s.step(1)
    assert np.isfinite(row["test_loss"]) and row["test_accuracy"] > 0.5


def test_the_knob_round_trips_through_the_url_json_and_cli(capsys):
    config = Config(dataset="mnist", standardize="global")
    assert "standardize=global" in config.to_query()
    assert Config.from_query(config.to_query())[0].standardize == "global"
    assert Config.from_json(config.to_json())[0].standardize == "global"
    argv = ["train", "--dataset", "xor", "--standardize", "per_input", "--epochs", "1"]
    assert main([*argv, "--json", "--quiet"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert "standardize=per_input" in result["query"]


def test_the_mnist_pad_and_gallery_see_standardized_digits_and_show_raw_ones():
    from playground.ui.digit_frames import TestPass
    from playground.ui.mnist_page import MnistPage

    page = MnistPage(Config(dataset="mnist", mnist_train=300, mnist_test=50, standardize="global"))
    s = page.session
    s.step(1)
    image = s.examples("test")[0][3]
    np.testing.assert_array_equal(
        page._predict_one(image), s.model.predict(s.inputs(image[None]))[0]
    )
    assert not np.allclose(page._predict_one(image), s.model.predict(image[None])[0])
    shown = TestPass.of(s)
    assert shown.images.min() >= 0 and shown.images.max() <= 1  # drawn as pixels
    np.testing.assert_array_equal(shown.probs, s.model.predict(s.inputs(shown.images)))


def test_validation_points_are_scaled_like_the_rest_and_not_part_of_the_statistics():
    s = Session(dataset="gauss", standardize="per_input", validation_ratio=30, noise=30)
    s.step(3)
    raw_train, _ = s.examples("train")
    raw_validation, _ = s.examples("validation")
    scaler = Standardizer.fit(raw_train, "per_input")
    np.testing.assert_allclose(s.inputs(raw_validation), scaler(raw_validation))
    validation = s._side("validation")
    loss, _ = s.model.evaluate(s.inputs(validation.X), validation.Y)
    assert s.history.last["validation_loss"] == pytest.approx(loss)
