"""Toy data sets, targets, features and MNIST (playground.data)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import truncnorm

from playground.data import (
    DATASETS,
    FEATURES,
    N_SAMPLES_MAX,
    class_index,
    feature_matrix,
    grid_points,
    load_mnist,
    make_dataset,
    mnist_subset,
    read_mnist_npz,
    to_targets,
    train_test_split,
)
from playground.data.features import EXTENT
from playground.data.toy import REG_GAUSSIANS, class_sizes, gauss_std, reg_gauss_label

BINARY = [n for n, s in DATASETS.items() if s.kind == "binary"]
MULTICLASS = [n for n, s in DATASETS.items() if s.kind == "multiclass"]
REGRESSION = [n for n, s in DATASETS.items() if s.kind == "regression"]


# --- registry ---------------------------------------------------------------------------


def test_registry_lists_every_dataset_with_kind_label_and_description():
    assert list(DATASETS) == [
        "circle",
        "xor",
        "gauss",
        "spiral",
        "moons",
        "spiral_k",
        "blobs",
        "reg_plane",
        "reg_gauss",
    ]
    for name, spec in DATASETS.items():
        assert spec.name == name
        assert spec.kind in ("binary", "multiclass", "regression")
        assert spec.label and spec.description.endswith(".")
    assert DATASETS["xor"].label == "Exclusive or"


def test_registry_cannot_be_modified():
    with pytest.raises(TypeError):
        DATASETS["new"] = DATASETS["xor"]  # type: ignore[index]


# --- shapes, dtypes, label sets ---------------------------------------------------------


@pytest.mark.parametrize("name", list(DATASETS))
@pytest.mark.parametrize("n", [1, 2, 7, 500])
def test_every_dataset_returns_exactly_n_float64_points(name, n):
    ds = make_dataset(name, n_samples=n, noise=0.3, seed=1)
    assert ds.points.shape == (n, 2) and ds.labels.shape == (n,)
    assert ds.points.dtype == np.float64 and ds.labels.dtype == np.float64
    assert ds.points.flags.c_contiguous
    assert np.all(np.isfinite(ds.points)) and np.all(np.isfinite(ds.labels))
    assert ds.kind == DATASETS[name].kind


@pytest.mark.parametrize("name", list(DATASETS))
def test_dataset_arrays_are_read_only(name):
    ds = make_dataset(name, 20)
    for array in (ds.points, ds.labels):
        assert not array.flags.writeable
        with pytest.raises(ValueError):
            array[0] = 1.0


@pytest.mark.parametrize("name", BINARY)
def test_binary_sets_have_both_labels_plus_minus_one_and_two_classes(name):
    ds = make_dataset(name, 400, noise=0.2)
    assert set(np.unique(ds.labels)) == {-1.0, 1.0}
    assert ds.n_classes == 2


@pytest.mark.parametrize("name", MULTICLASS)
@pytest.mark.parametrize("k", [3, 4, 5])
def test_multiclass_sets_have_labels_zero_to_k_minus_one(name, k):
    ds = make_dataset(name, 301, noise=0.1, n_classes=k)
    assert ds.n_classes == k
    assert set(np.unique(ds.labels)) == set(map(float, range(k)))
    counts = np.bincount(ds.labels.astype(int))
    assert counts.sum() == 301 and counts.max() - counts.min() <= 1


@pytest.mark.parametrize("name", REGRESSION)
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_regression_labels_stay_in_minus_one_to_one(name, noise):
    ds = make_dataset(name, 2000, noise=noise)
    assert ds.n_classes == 0
    assert ds.labels.min() >= -1.0 and ds.labels.max() <= 1.0
    assert np.all(np.abs(ds.points) <= 6.0)


def test_odd_n_gives_the_extra_point_to_the_first_class():
    assert class_sizes(7, 2) == [4, 3]
    assert class_sizes(11, 3) == [4, 4, 3]
    ds = make_dataset("circle", 7)
    assert np.sum(ds.labels == 1) == 4 and np.sum(ds.labels == -1) == 3


def test_points_come_in_generation_order_class_by_class():
    ds = make_dataset("gauss", 10)
    np.testing.assert_array_equal(ds.labels, [1] * 5 + [-1] * 5)


# --- seeds -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(DATASETS))
def test_same_seed_gives_identical_arrays_and_another_seed_differs(name):
    a = make_dataset(name, 200, noise=0.2, seed=3)
    b = make_dataset(name, 200, noise=0.2, seed=3)
    c = make_dataset(name, 200, noise=0.2, seed=4)
    np.testing.assert_array_equal(a.points, b.points)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert not np.array_equal(a.points, c.points)


# --- noise-free geometry (TF Playground semantics) ---------------------------------------


def test_circle_without_noise_has_positives_inside_2_5_and_negatives_beyond_3_5():
    ds = make_dataset("circle", 1000, noise=0.0)
    r = np.hypot(ds.points[:, 0], ds.points[:, 1])
    assert np.all(r[ds.labels == 1] < 2.5)
    assert np.all((r[ds.labels == -1] >= 3.5) & (r[ds.labels == -1] < 5.0))


def test_circle_noise_flips_labels_but_keeps_points_clean():
    ds = make_dataset("circle", 1000, noise=0.5)
    r = np.hypot(ds.points[:, 0], ds.points[:, 1])
    assert np.all((r < 2.5) | ((r >= 3.5) & (r < 5.0)))  # points not moved
    flipped = np.sum((r < 2.5) != (ds.labels == 1))
    assert 0 < flipped < 500


def test_xor_without_noise_labels_are_the_sign_of_x_times_y_with_a_gap():
    ds = make_dataset("xor", 1000, noise=0.0)
    x, y = ds.points.T
    np.testing.assert_array_equal(ds.labels, np.sign(x * y))
    assert np.all(np.abs(ds.points) >= 0.3) and np.all(np.abs(ds.points) <= 5.3)


def test_xor_noise_flips_some_labels():
    ds = make_dataset("xor", 1000, noise=0.3)
    flipped = np.sum(ds.labels != np.sign(ds.points[:, 0] * ds.points[:, 1]))
    assert 0 < flipped < 500


def test_spiral_without_noise_lies_exactly_on_the_spiral():
    n = 200
    m = n // 2
    ds = make_dataset("spiral", n, noise=0.0)
    i = np.arange(m)
    for delta_t, part in ((0.0, ds.points[:m]), (np.pi, ds.points[m:])):
        r = i / m * 5
        t = 1.75 * i / m * 2 * np.pi + delta_t
        np.testing.assert_allclose(np.hypot(*part.T), r, atol=1e-12)
        np.testing.assert_allclose(
            part, np.column_stack([r * np.sin(t), r * np.cos(t)]), atol=1e-12
        )
    assert np.all(ds.labels[:m] == 1) and np.all(ds.labels[m:] == -1)


def test_spiral_noise_moves_points_by_at_most_noise_per_axis():
    clean = make_dataset("spiral", 200, noise=0.0).points
    noisy = make_dataset("spiral", 200, noise=0.4, seed=5).points
    delta = np.abs(noisy - clean)
    assert delta.max() <= 0.4 and delta.max() > 0.3


def test_spiral_k_arms_are_rotated_by_two_pi_over_k():
    ds = make_dataset("spiral_k", 300, noise=0.0, n_classes=3)
    i = np.arange(100)
    for c in range(3):
        part = ds.points[ds.labels == c]
        t = 1.75 * i / 100 * 2 * np.pi + 2 * np.pi * c / 3
        r = i / 100 * 5
        np.testing.assert_allclose(
            part, np.column_stack([r * np.sin(t), r * np.cos(t)]), atol=1e-12
        )


def test_gauss_variance_grows_with_noise_from_0_5_to_4_less_what_would_leave_the_plane():
    assert gauss_std(0.0) == pytest.approx(np.sqrt(0.5))
    assert gauss_std(0.5) == pytest.approx(2.0)
    for noise in (0.0, 0.25, 0.5):
        ds = make_dataset("gauss", 4000, noise=noise)
        positives = ds.points[ds.labels == 1]
        # the Gaussian around (2, 2) kept on the drawn plane: at 50 % noise its
        # variance is 3.54, not 4, and its mean 1.89
        std = gauss_std(noise)
        kept = truncnorm((-EXTENT - 2) / std, (EXTENT - 2) / std, loc=2.0, scale=std)
        np.testing.assert_allclose(positives.mean(axis=0), kept.mean(), atol=0.15)
        np.testing.assert_allclose(positives.var(axis=0).mean(), kept.var(), rtol=0.1)


def test_blob_centres_sit_on_a_circle_of_radius_4():
    ds = make_dataset("blobs", 2500, noise=0.0, n_classes=5)
    for c in range(5):
        centre = ds.points[ds.labels == c].mean(axis=0)
        assert np.hypot(*centre) == pytest.approx(4.0, abs=0.15)


def test_moons_fill_the_view_and_get_noisier():
    clean = make_dataset("moons", 1000, noise=0.0)
    assert np.all(np.abs(clean.points) < 6.0)
    np.testing.assert_allclose(clean.points.mean(axis=0), [0, 0], atol=0.3)
    noisy = make_dataset("moons", 1000, noise=0.5)
    assert np.abs(noisy.points - clean.points).mean() > 0.5


def test_reg_plane_without_noise_is_x_plus_y_over_ten_clamped_at_the_corners():
    ds = make_dataset("reg_plane", 500, noise=0.0)
    expected = np.clip(ds.points.sum(axis=1) / 10, -1, 1)
    np.testing.assert_allclose(ds.labels, expected, atol=1e-12)
    assert 0 < np.sum(np.abs(ds.labels) == 1.0) < 50  # |x + y| > 10 only near two corners


def test_reg_gauss_label_peaks_at_the_six_centres_and_is_zero_between():
    for cx, cy, sign in REG_GAUSSIANS:
        assert reg_gauss_label(np.array(cx), np.array(cy)) == sign
    assert reg_gauss_label(np.array(2.0), np.array(0.0)) == 0.0
    assert reg_gauss_label(np.array(-4.0), np.array(1.5)) == pytest.approx(0.5)
    ds = make_dataset("reg_gauss", 300, noise=0.0)
    np.testing.assert_array_equal(ds.labels, reg_gauss_label(*ds.points.T))


# --- argument checks ---------------------------------------------------------------------


def test_unknown_dataset_message_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"unknown dataset 'foo'; choose one of circle, xor"):
        make_dataset("foo")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_samples": 0}, rf"n_samples must be in 1\.\.{N_SAMPLES_MAX}, got 0"),
        ({"n_samples": N_SAMPLES_MAX + 1}, rf"n_samples must be in 1\.\.{N_SAMPLES_MAX}"),
        ({"n_samples": 10.5}, r"n_samples must be an integer"),
        ({"noise": -0.1}, r"noise must be in \[0, 0\.5\], got -0\.1"),
        ({"noise": 0.6}, r"noise must be in \[0, 0\.5\]"),
        ({"noise": float("nan")}, r"noise must be in \[0, 0\.5\]"),
        ({"seed": -1}, r"seed must be in >= 0"),
    ],
)
def test_bad_arguments_name_the_allowed_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_dataset("circle", **kwargs)


@pytest.mark.parametrize("k", [2, 6])
def test_multiclass_rejects_class_counts_outside_three_to_five(k):
    with pytest.raises(ValueError, match=rf"n_classes must be in 3\.\.5, got {k}"):
        make_dataset("blobs", n_classes=k)


def test_binary_sets_ignore_n_classes():
    assert make_dataset("xor", 10, n_classes=99).n_classes == 2


# --- train/test split --------------------------------------------------------------------


def test_split_sizes_are_round_n_times_ratio_and_cover_every_index_once():
    train, test = train_test_split(500, 0.7, seed=1)
    assert len(train) == 350 and len(test) == 150
    assert train.dtype == np.int64 and test.dtype == np.int64
    assert not set(train) & set(test)
    np.testing.assert_array_equal(np.sort(np.concatenate([train, test])), np.arange(500))
    assert len(train_test_split(7, 0.5, seed=0)[0]) == round(3.5)


def test_split_is_deterministic_per_seed_and_shuffled():
    a, _ = train_test_split(100, 0.5, seed=3)
    b, _ = train_test_split(100, 0.5, seed=3)
    c, _ = train_test_split(100, 0.5, seed=4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert not np.array_equal(np.sort(a), np.arange(50))


@pytest.mark.parametrize("ratio", [0.05, 0.95, 1.0])
def test_split_rejects_ratios_outside_ten_to_ninety_percent(ratio):
    with pytest.raises(ValueError, match=r"train_ratio must be in \[0\.1, 0\.9\]"):
        train_test_split(100, ratio, seed=0)


# --- targets -----------------------------------------------------------------------------

BINARY_LABELS = np.array([1.0, -1.0, -1.0, 1.0])


def test_binary_tanh_targets_stay_plus_minus_one_in_a_column():
    out = to_targets(BINARY_LABELS, "binary", 2, "tanh")
    np.testing.assert_array_equal(out, [[1], [-1], [-1], [1]])
    assert out.dtype == np.float64


def test_binary_sigmoid_targets_are_zero_one():
    np.testing.assert_array_equal(
        to_targets(BINARY_LABELS, "binary", 2, "sigmoid"), [[1], [0], [0], [1]]
    )


def test_binary_softmax_targets_are_one_hot_with_plus_one_as_class_one():
    np.testing.assert_array_equal(
        to_targets(BINARY_LABELS, "binary", 2, "softmax"), [[0, 1], [1, 0], [1, 0], [0, 1]]
    )


def test_multiclass_softmax_targets_are_one_hot():
    out = to_targets(np.array([0.0, 2.0, 1.0]), "multiclass", 3, "softmax")
    np.testing.assert_array_equal(out, np.eye(3)[[0, 2, 1]])
    assert out.dtype == np.float64 and out.flags.c_contiguous


@pytest.mark.parametrize("output", ["tanh", "linear"])
def test_regression_targets_are_the_labels_in_a_column(output):
    labels = np.array([0.5, -0.25, 1.0])
    np.testing.assert_array_equal(
        to_targets(labels, "regression", 0, output), labels.reshape(-1, 1)
    )


@pytest.mark.parametrize(
    ("kind", "output", "allowed"),
    [
        ("multiclass", "tanh", "softmax"),
        ("regression", "softmax", "tanh, linear"),
        ("regression", "sigmoid", "tanh, linear"),
        ("binary", "linear", "tanh, sigmoid, softmax"),
    ],
)
def test_targets_reject_an_output_that_cannot_fit_the_labels(kind, output, allowed):
    with pytest.raises(
        ValueError, match=f"output '{output}' does not fit {kind} labels; use one of {allowed}"
    ):
        to_targets(np.array([0.0, 1.0]), kind, 2, output)


def test_targets_reject_labels_that_do_not_match_the_kind():
    with pytest.raises(ValueError, match=r"\+1 or -1"):
        to_targets(np.array([0.0, 1.0]), "binary", 2, "tanh")
    with pytest.raises(ValueError, match=r"out of range for n_classes=3"):
        to_targets(np.array([0.0, 3.0]), "multiclass", 3, "softmax")
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        to_targets(np.array([2.0]), "regression", 0, "tanh")
    with pytest.raises(ValueError, match=r"unknown kind 'ranking'"):
        to_targets(np.array([2.0]), "ranking", 0, "tanh")


def test_class_index_maps_plus_one_to_one_and_keeps_multiclass_ints():
    idx = class_index(BINARY_LABELS, "binary")
    np.testing.assert_array_equal(idx, [1, 0, 0, 1])
    assert idx.dtype == np.int64
    np.testing.assert_array_equal(class_index(np.array([2.0, 0.0, 4.0]), "multiclass"), [2, 0, 4])
    with pytest.raises(ValueError, match="regression labels have no class index"):
        class_index(np.array([0.5]), "regression")


# --- features ----------------------------------------------------------------------------


def test_features_are_the_seven_tf_playground_inputs_in_order():
    assert list(FEATURES) == ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"]
    assert [f.label for f in FEATURES.values()] == [
        "X₁",
        "X₂",
        "X₁²",
        "X₂²",
        "X₁X₂",
        "sin(X₁)",
        "sin(X₂)",
    ]


def test_feature_matrix_computes_raw_values_in_the_order_asked():
    points = np.array([[1.0, 2.0], [-3.0, 0.5]])
    out = feature_matrix(points, ["sinx2", "x1x2", "x1", "x2sq", "x1sq", "x2", "sinx1"])
    x1, x2 = points.T
    expected = np.column_stack([np.sin(x2), x1 * x2, x1, x2 * x2, x1 * x1, x2, np.sin(x1)])
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == np.float64 and out.flags.c_contiguous


def test_feature_matrix_of_a_read_only_dataset_is_a_fresh_writable_array():
    ds = make_dataset("xor", 10)
    out = feature_matrix(ds.points, ["x1", "x2"])
    np.testing.assert_array_equal(out, ds.points)
    assert out.flags.writeable and not np.shares_memory(out, ds.points)


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ([], r"choose at least one input feature from x1, x2, x1sq"),
        (["x1", "x3"], r"unknown feature 'x3'; choose from x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2"),
        (["x1", "x1"], r"each feature may be used once"),
    ],
)
def test_feature_matrix_rejects_bad_names_listing_the_allowed_ones(names, message):
    with pytest.raises(ValueError, match=message):
        feature_matrix(np.zeros((3, 2)), names)


def test_feature_matrix_rejects_a_bare_string():
    with pytest.raises(TypeError):
        feature_matrix(np.zeros((3, 2)), "x1")


def test_grid_runs_row_by_row_from_top_left_to_bottom_right():
    grid = grid_points(resolution=100, extent=6.0)
    assert grid.shape == (10000, 2) and grid.dtype == np.float64
    np.testing.assert_array_equal(grid[0], [-6, 6])
    np.testing.assert_array_equal(grid[99], [6, 6])
    np.testing.assert_array_equal(grid[100], [-6, 6 - 12 / 99])
    np.testing.assert_array_equal(grid[-1], [6, -6])
    image_y = grid[:, 1].reshape(100, 100)
    assert np.all(np.diff(image_y[:, 0]) < 0) and np.all(image_y == image_y[:, :1])


# --- MNIST -------------------------------------------------------------------------------


def test_mnist_has_the_standard_shapes_dtypes_and_range():
    m = load_mnist()
    assert m.x_train.shape == (60000, 784) and m.x_test.shape == (10000, 784)
    assert m.y_train.shape == (60000,) and m.y_test.shape == (10000,)
    assert m.x_train.dtype == np.float32 and m.y_train.dtype == np.int64
    for x in (m.x_train, m.x_test):
        assert x.min() == 0.0 and x.max() == 1.0
    for array in (m.x_train, m.y_train, m.x_test, m.y_test):
        assert not array.flags.writeable and array.flags.c_contiguous
    assert set(np.unique(m.y_test)) == set(range(10))


def test_mnist_first_training_labels_are_the_well_known_ones():
    np.testing.assert_array_equal(load_mnist().y_train[:10], [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])


def test_mnist_is_loaded_once_per_process():
    assert load_mnist() is load_mnist()


def test_missing_mnist_file_says_where_it_looked_and_never_downloads(tmp_path):
    missing = tmp_path / "mnist.npz"
    with pytest.raises(FileNotFoundError, match="assets/") as info:
        read_mnist_npz(missing)
    assert str(missing) in str(info.value)


def test_mnist_subset_has_the_asked_sizes_balanced_digits_and_is_deterministic():
    a = mnist_subset(200, 50, seed=1)
    assert a.x_train.shape == (200, 784) and a.y_test.shape == (50,)
    assert np.bincount(a.y_train, minlength=10).min() >= 18
    assert not a.x_train.flags.writeable
    b = mnist_subset(200, 50, seed=1)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    np.testing.assert_array_equal(a.x_test, b.x_test)
    c = mnist_subset(200, 50, seed=2)
    assert not np.array_equal(a.x_train, c.x_train)


def test_mnist_subset_rows_are_real_labelled_rows_of_the_full_set():
    full = load_mnist()
    sub = mnist_subset(30, 40, seed=0)
    label_of = {row.tobytes(): label for row, label in zip(full.x_test, full.y_test, strict=True)}
    assert [label_of[row.tobytes()] for row in sub.x_test] == sub.y_test.tolist()


def test_mnist_subset_none_keeps_everything():
    assert mnist_subset(None, None) is load_mnist()
    assert mnist_subset(None, 100).x_train is load_mnist().x_train


@pytest.mark.parametrize(
    ("n_train", "n_test", "message"),
    [
        (0, 10, r"n_train must be in 1\.\.60000"),
        (60001, 10, r"n_train must be in 1\.\.60000"),
        (10, 0, r"n_test must be in 1\.\.10000"),
        (10, 10001, r"n_test must be in 1\.\.10000"),
    ],
)
def test_mnist_subset_rejects_sizes_out_of_bounds(n_train, n_test, message):
    with pytest.raises(ValueError, match=message):
        mnist_subset(n_train, n_test)
