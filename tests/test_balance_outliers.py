"""The two data knobs of the metrics and robust-loss lessons: ``balance`` (share of
class +1 in a two-class set) and ``outliers`` (share of wild training targets in a
regression set). Their defaults must leave every data set exactly as it was."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from playground.data import DATASETS, make_dataset, train_test_split, with_outliers
from playground.data.datasets import BALANCE_MAX, BALANCE_MIN, OUTLIER_SIZE, OUTLIERS_MAX
from playground.data.toy import binary_sizes, class_sizes
from playground.experiment import Config, Session

BINARY = [n for n, s in DATASETS.items() if s.kind == "binary"]
REGRESSION = [n for n, s in DATASETS.items() if s.kind == "regression"]

#: sha256 (first 16 hex digits) of points + labels, computed with the code before
#: either knob existed: (name, n_samples, noise, seed) -> digest.
BEFORE = {
    ("circle", 500, 0.0, 0): "1d279101fa3c2a9b",
    ("circle", 501, 0.3, 7): "7539b51cead3675a",
    ("xor", 500, 0.0, 0): "3fddd0d3fa745c5f",
    ("xor", 501, 0.3, 7): "44dc58c5b0b9b177",
    ("gauss", 500, 0.0, 0): "3a48d250e3a25c0f",
    ("gauss", 501, 0.3, 7): "63ceb5b934face2e",
    ("spiral", 500, 0.0, 0): "e6d13932d3434e5c",
    ("spiral", 501, 0.3, 7): "02078b8aae3f1f0a",
    ("moons", 500, 0.0, 0): "6a857b6af91d4e8e",
    ("moons", 501, 0.3, 7): "9c2a5c75a55023fd",
    ("spiral_k", 500, 0.0, 0): "a4f2f5d982958366",
    ("spiral_k", 501, 0.3, 7): "e414cea21909bbb8",
    ("blobs", 500, 0.0, 0): "2982cfab701a9c40",
    ("blobs", 501, 0.3, 7): "bf1f7e6086e438f0",
    ("reg_plane", 500, 0.0, 0): "2d43f4af41cd0192",
    ("reg_plane", 501, 0.3, 7): "5f93cb87d0092f78",
    ("reg_gauss", 500, 0.0, 0): "0ba2e2c35579c3ac",
    ("reg_gauss", 501, 0.3, 7): "2d412eee1ab7c2c7",
}
#: The same for a session's points, labels and split (query -> digest), before.
SESSIONS_BEFORE = {
    "dataset=reg_gauss&seed=3": "99780fe15530e509",
    "dataset=moons&noise=20": "4cd9ad29f6b416f2",
    "dataset=reg_plane&train_ratio=30": "b21514e476dfdf9f",
}


def _digest(*arrays: np.ndarray) -> str:
    return hashlib.sha256(b"".join(np.ascontiguousarray(a).tobytes() for a in arrays)).hexdigest()[
        :16
    ]


# --- defaults change nothing -------------------------------------------------------------


@pytest.mark.parametrize("key", list(BEFORE))
def test_default_balance_leaves_every_data_set_bit_for_bit_as_before(key):
    name, n, noise, seed = key
    ds = make_dataset(name, n, noise, seed)
    assert _digest(ds.points, ds.labels) == BEFORE[key]
    again = make_dataset(name, n, noise, seed, balance=0.5)
    assert _digest(again.points, again.labels) == BEFORE[key]


@pytest.mark.parametrize("query", list(SESSIONS_BEFORE))
def test_default_knobs_leave_a_sessions_points_labels_and_split_as_before(query):
    s = Session(Config.from_query(query)[0])
    assert _digest(s.points, s.labels, s.is_train) == SESSIONS_BEFORE[query]


def test_balanced_sizes_are_the_old_class_sizes():
    for n in (1, 2, 7, 10, 500, 501, 5000):
        assert list(binary_sizes(n, 0.5)) == class_sizes(n, 2)


# --- balance -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("balance", [BALANCE_MIN, 0.1, 0.3, 0.8, BALANCE_MAX])
def test_the_share_of_plus_one_points_is_the_balance(name, balance):
    ds = make_dataset(name, 500, 0.0, seed=2, balance=balance)
    assert len(ds) == 500
    assert np.sum(ds.labels == 1) == round(balance * 500)
    assert set(np.unique(ds.labels)) == {-1.0, 1.0}


def test_an_unbalanced_set_keeps_one_point_of_each_class():
    assert binary_sizes(10, 0.95) == (9, 1) and binary_sizes(10, 0.05) == (1, 9)
    ds = make_dataset("circle", 10, balance=BALANCE_MAX)
    assert np.sum(ds.labels == -1) == 1


def test_a_rare_class_keeps_its_shape_only_sparser():
    ds = make_dataset("circle", 1000, balance=0.1, seed=1)
    r = np.hypot(*ds.points.T)
    assert np.all(r[ds.labels == 1] < 2.5) and np.all(r[ds.labels == -1] >= 3.5)
    xor = make_dataset("xor", 1000, balance=0.1, seed=1)
    sign = xor.points[:, 0] * xor.points[:, 1] >= 0
    np.testing.assert_array_equal(sign, xor.labels == 1)  # no noise: labels are the quadrant


@pytest.mark.parametrize("name", BINARY)
def test_unbalanced_sets_are_reproducible_per_seed(name):
    a, b = (make_dataset(name, 300, 0.2, seed=5, balance=0.2) for _ in range(2))
    np.testing.assert_array_equal(a.points, b.points)
    np.testing.assert_array_equal(a.labels, b.labels)


def test_balance_is_ignored_by_other_kinds_and_refused_outside_its_bounds():
    for name in ("blobs", "reg_plane"):
        a, b = make_dataset(name, 100, seed=1), make_dataset(name, 100, seed=1, balance=0.1)
        np.testing.assert_array_equal(a.labels, b.labels)
    for bad in (0.0, 0.01, 0.99, 1.0):
        with pytest.raises(ValueError, match="balance"):
            make_dataset("circle", 100, balance=bad)


# --- outliers ----------------------------------------------------------------------------


def test_outliers_replace_exactly_their_share_of_the_training_targets_only():
    ds = make_dataset("reg_gauss", 400, seed=3)
    train, test = train_test_split(len(ds), 0.5, 3)
    labels = with_outliers(ds.labels, train, 0.15, seed=3)
    changed = np.flatnonzero(labels != ds.labels)
    assert len(changed) == round(0.15 * len(train)) == 30
    assert set(changed) <= set(train) and not set(changed) & set(test)
    low, high = OUTLIER_SIZE
    assert np.all((np.abs(labels[changed]) >= low) & (np.abs(labels[changed]) <= high))
    assert (labels[changed] > 0).any() and (labels[changed] < 0).any()
    assert not ds.labels.flags.writeable  # the data set itself is left alone


def test_outliers_are_reproducible_and_zero_changes_nothing():
    labels = np.linspace(-1, 1, 100)
    train = np.arange(0, 100, 2)
    a, b = (with_outliers(labels, train, 0.2, seed=4) for _ in range(2))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, with_outliers(labels, train, 0.2, seed=5))
    np.testing.assert_array_equal(with_outliers(labels, train, 0.0, seed=4), labels)
    with pytest.raises(ValueError, match="outliers"):
        with_outliers(labels, train, OUTLIERS_MAX + 0.01, seed=4)


@pytest.mark.parametrize("name", REGRESSION)
def test_a_sessions_outliers_are_training_points_even_after_a_new_split(name):
    config = Config(dataset=name, outliers=0.2, seed=1)
    s = Session(config)
    plain = Session(Config(dataset=name, seed=1))
    np.testing.assert_array_equal(s.points, plain.points)  # same points, same split
    np.testing.assert_array_equal(s.is_train, plain.is_train)
    wild = np.abs(s.labels) > 1
    assert wild.sum() == round(0.2 * s.is_train.sum()) and not (wild & ~s.is_train).any()
    config.train_ratio = 30
    wild = np.abs(s.labels) > 1
    assert wild.sum() == round(0.2 * s.is_train.sum()) and not (wild & ~s.is_train).any()
    assert np.all(np.abs(s.labels[~s.is_train]) <= 1)


def test_outliers_leave_classification_sets_alone():
    a, b = Session(Config(dataset="circle", outliers=0.3)), Session(Config(dataset="circle"))
    np.testing.assert_array_equal(a.labels, b.labels)


# --- one declaration: URL and CLI --------------------------------------------------------


def test_both_knobs_travel_in_the_url_and_bad_values_are_warned_about():
    config, warnings = Config.from_query("dataset=circle&balance=0.1")
    assert warnings == [] and config.balance == 0.1
    assert "balance=0.1" in config.to_query()
    config, warnings = Config.from_query("dataset=reg_plane&outliers=0.15")
    assert warnings == [] and config.outliers == 0.15
    assert "outliers=0.15" in config.to_query()
    assert "balance" not in Config().to_query() and "outliers" not in Config().to_query()
    config, warnings = Config.from_query("balance=2&outliers=-1")
    assert config.balance == 0.5 and config.outliers == 0.0 and len(warnings) == 2
