"""Metrics on hand-made predictions whose answers are known."""

from __future__ import annotations

import numpy as np
import pytest

from playground.experiment import metrics as mx


def test_confusion_matrix_counts_true_rows_against_predicted_columns():
    y_true = [0, 0, 1, 1, 1, 2]
    y_pred = [0, 1, 1, 1, 2, 2]
    np.testing.assert_array_equal(
        mx.confusion_matrix(y_true, y_pred, 3), [[1, 1, 0], [0, 2, 1], [0, 0, 1]]
    )


def test_precision_recall_and_f1_per_class():
    cm = np.array([[1, 1, 0], [0, 2, 1], [0, 0, 1]])
    precision, recall, f1 = mx.precision_recall_f1(cm)
    np.testing.assert_allclose(precision, [1.0, 2 / 3, 1 / 2])
    np.testing.assert_allclose(recall, [1 / 2, 2 / 3, 1.0])
    np.testing.assert_allclose(f1, [2 / 3, 2 / 3, 2 / 3])


def test_a_class_never_predicted_has_precision_zero_not_nan():
    precision, recall, f1 = mx.precision_recall_f1(np.array([[3, 0], [2, 0]]))
    np.testing.assert_array_equal(precision, [0.6, 0.0])
    np.testing.assert_array_equal(recall, [1.0, 0.0])
    assert np.isfinite(f1).all()


def test_accuracy_is_the_share_correct():
    assert mx.accuracy([0, 1, 1, 0], [0, 1, 0, 0]) == 0.75


def test_auc_of_a_perfect_a_reversed_and_a_constant_classifier():
    y = np.array([0, 0, 1, 1, 0, 1])
    perfect = np.array([0.1, 0.2, 0.8, 0.9, 0.3, 0.7])
    assert mx.roc_auc(y, perfect) == 1.0
    assert mx.roc_auc(y, -perfect) == 0.0
    assert mx.roc_auc(y, np.zeros(6)) == 0.5  # all tied: the diagonal


def test_auc_of_a_random_classifier_is_about_one_half():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 20_000)
    assert mx.roc_auc(y, rng.random(20_000)) == pytest.approx(0.5, abs=0.01)


def test_auc_matches_the_pairwise_ranking_probability():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    scores = np.round(rng.normal(y, 1.0), 1)  # rounding makes ties
    pos, neg = scores[y == 1], scores[y == 0]
    pairs = (pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()
    assert mx.roc_auc(y, scores) == pytest.approx(pairs)


def test_roc_curve_runs_from_origin_to_one_one():
    fpr, tpr, thresholds = mx.roc_curve([0, 1, 1, 0], [0.1, 0.9, 0.6, 0.6])
    np.testing.assert_array_equal(fpr, [0, 0, 0.5, 1])
    np.testing.assert_array_equal(tpr, [0, 0.5, 1, 1])
    assert thresholds[0] == np.inf


def test_auc_is_undefined_with_only_one_class():
    assert mx.roc_auc([1, 1, 1], [0.1, 0.5, 0.9]) is None


def test_r2_of_perfect_mean_and_known_predictions():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    assert mx.r2_score(y, y) == 1.0
    assert mx.r2_score(y, np.full(4, y.mean())) == 0.0
    # SS_res = 0.25 * 4 = 1, SS_tot = 5
    assert mx.r2_score(y, y + 0.5) == pytest.approx(1 - 1 / 5)
    assert mx.r2_score(y, -y) < 0


def test_predicted_classes_follow_the_output_activation():
    out = np.array([[-0.2], [0.0], [0.7]])
    np.testing.assert_array_equal(mx.predicted_classes(out, "tanh"), [0, 1, 1])
    np.testing.assert_array_equal(mx.predicted_classes(out + 0.3, "sigmoid"), [0, 0, 1])
    soft = np.array([[0.2, 0.5, 0.3], [0.9, 0.05, 0.05]])
    np.testing.assert_array_equal(mx.predicted_classes(soft, "softmax"), [1, 0])


def test_classification_report_adds_roc_only_for_two_classes():
    two = mx.classification_report([0, 1, 1], [0, 1, 0], 2, scores=np.array([0.1, 0.9, 0.4]))
    assert two["auc"] == 1.0 and "roc" in two
    three = mx.classification_report([0, 1, 2], [0, 1, 2], 3)
    assert "auc" not in three and three["accuracy"] == 1.0 and three["macro_f1"] == 1.0
