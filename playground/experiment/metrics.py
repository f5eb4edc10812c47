"""Classification and regression metrics in plain NumPy.

Small and dependency-free on purpose: the lecture on metrics (accuracy, precision,
recall, F1, confusion matrix, ROC/AUC, R²) is taught with these very numbers, so each
function is a few readable lines that agree with scikit-learn's definitions.
Undefined ratios (no predicted positives, a class absent from the data) are 0, as in
scikit-learn's ``zero_division=0``.
"""

from __future__ import annotations

import numpy as np

from playground.engine import OUTPUT_FACTS


def predicted_classes(outputs: np.ndarray, output: str) -> np.ndarray:
    """Class index per row of network ``outputs`` for output activation ``output``.

    tanh: class 1 where the output is >= 0 (the TF Playground's sign); sigmoid:
    where it is >= 0.5; softmax and class scores (hinge): the largest output
    (engine.OUTPUT_FACTS).
    """
    return OUTPUT_FACTS[output].classes(np.asarray(outputs, dtype=np.float64))


def positive_scores(outputs: np.ndarray, output: str) -> np.ndarray:
    """A score per row that grows with the belief in class 1 (for ROC curves): the
    output itself, P(+1), or for raw class scores s(+1) - s(-1)."""
    return OUTPUT_FACTS[output].margin(np.asarray(outputs, dtype=np.float64).T)


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of correct predictions (0.0 for no data)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    # count_nonzero, not mean: the same number, but a history row asks three times
    # an epoch and np.mean's Python layers cost ~15 us each on a toy set (measured:
    # 15 % of a 200-epoch spiral trial, and that time holds a sweep's GIL).
    return float(np.count_nonzero(y_true == y_pred) / y_true.size) if y_true.size else 0.0


def constant_loss(loss: str, targets: np.ndarray, value: np.ndarray, delta: float = 1.0) -> float:
    """Mean ``loss`` (``square``, ``mae`` or ``huber``, as the engine defines them)
    of answering ``value`` for every row of ``targets`` ``(rows, outputs)``: the
    baseline a regression network must beat."""
    r = np.asarray(value, dtype=np.float64) - np.asarray(targets, dtype=np.float64)
    a = np.abs(r)
    if loss == "mae":
        per = a
    elif loss == "huber":
        per = np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))
    elif loss == "square":
        per = 0.5 * r * r
    else:
        raise ValueError(f"no constant-prediction loss for {loss!r} (a regression loss)")
    return float(per.sum(axis=-1).mean()) if r.size else 0.0


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """``(n_classes, n_classes)`` counts; row = true class, column = predicted class."""
    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    flat = np.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes)
    return flat.reshape(n_classes, n_classes)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num, den = np.asarray(num, dtype=np.float64), np.asarray(den, dtype=np.float64)
    out = np.zeros_like(num)
    np.divide(num, den, out=out, where=den > 0)
    return out


def precision_recall_f1(cm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-class precision, recall and F1 from a confusion matrix.

    precision = TP / predicted as the class, recall = TP / truly the class,
    F1 = their harmonic mean.
    """
    cm = np.asarray(cm, dtype=np.float64)
    tp = np.diag(cm)
    precision = _ratio(tp, cm.sum(axis=0))
    recall = _ratio(tp, cm.sum(axis=1))
    f1 = _ratio(2 * precision * recall, precision + recall)
    return precision, recall, f1


def roc_curve(y_true: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """False and true positive rates as the threshold sweeps down through the scores.

    ``y_true`` holds 1 for the positive class and 0 otherwise. Returns ``(fpr, tpr,
    thresholds)``, starting at (0, 0) with threshold +inf; tied scores form one step.
    If a class is absent its rate is 0 throughout (its denominator is empty).
    """
    y_true = np.asarray(y_true).astype(bool)
    scores = np.asarray(scores, dtype=np.float64)
    order = np.argsort(-scores, kind="mergesort")
    scores, y_true = scores[order], y_true[order]
    last_of_tie = np.flatnonzero(np.r_[np.diff(scores) != 0, scores.size > 0])
    tps = np.cumsum(y_true)[last_of_tie]
    fps = np.cumsum(~y_true)[last_of_tie]
    tpr = _ratio(np.r_[0, tps], np.full(tps.size + 1, y_true.sum()))
    fpr = _ratio(np.r_[0, fps], np.full(fps.size + 1, (~y_true).sum()))
    thresholds = np.r_[np.inf, scores[last_of_tie]]
    return fpr, tpr, thresholds


def auc(x: np.ndarray, y: np.ndarray) -> float:
    """Area under a curve by the trapezoidal rule (x increasing)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2.0))


def roc_auc(y_true: np.ndarray, scores: np.ndarray) -> float | None:
    """Area under the ROC curve: 1 for a perfect ranking, about 0.5 for a random one.

    None when only one class is present (the area is undefined).
    """
    y_true = np.asarray(y_true).astype(bool)
    if y_true.all() or not y_true.any():
        return None
    fpr, tpr, _ = roc_curve(y_true, scores)
    return auc(fpr, tpr)


def r2_score(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Coefficient of determination 1 - SS_res / SS_tot.

    1 is a perfect fit, 0 is no better than predicting the mean, negative is worse.
    For constant targets it is 1.0 for a perfect fit and 0.0 otherwise.
    """
    y_true = np.asarray(y_true, dtype=np.float64).ravel()
    y_pred = np.asarray(y_pred, dtype=np.float64).ravel()
    ss_res = float(np.sum((y_true - y_pred) ** 2))
    ss_tot = float(np.sum((y_true - y_true.mean()) ** 2)) if y_true.size else 0.0
    if ss_tot == 0.0:
        return 1.0 if ss_res == 0.0 else 0.0
    return 1.0 - ss_res / ss_tot


def classification_report(
    y_true: np.ndarray, y_pred: np.ndarray, n_classes: int, scores: np.ndarray | None = None
) -> dict:
    """Accuracy, confusion matrix and per-class precision/recall/F1 (and, for two
    classes with ``scores``, the ROC curve and its AUC) in one dictionary."""
    cm = confusion_matrix(y_true, y_pred, n_classes)
    precision, recall, f1 = precision_recall_f1(cm)
    report = {
        "n": int(np.asarray(y_true).size),
        "accuracy": accuracy(y_true, y_pred),
        "confusion_matrix": cm,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "macro_f1": float(f1.mean()) if f1.size else 0.0,
    }
    if n_classes == 2 and scores is not None:
        fpr, tpr, thresholds = roc_curve(y_true, scores)
        report["roc"] = {"fpr": fpr, "tpr": tpr, "thresholds": thresholds}
        report["auc"] = roc_auc(y_true, scores)
    return report


def regression_report(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """R², mean squared error and mean absolute error."""
    y_true = np.asarray(y_true, dtype=np.float64).ravel()
    y_pred = np.asarray(y_pred, dtype=np.float64).ravel()
    err = y_pred - y_true
    return {
        "n": int(y_true.size),
        "r2": r2_score(y_true, y_pred),
        "mse": float(np.mean(err**2)) if err.size else 0.0,
        "mae": float(np.mean(np.abs(err))) if err.size else 0.0,
    }
