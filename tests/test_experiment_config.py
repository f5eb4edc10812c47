"""The Config declaration, per-data-set defaults and the resolution of 'auto' choices."""

from __future__ import annotations

import subprocess
import sys

import param
import pytest

from playground.engine import HIDDEN_ACTIVATIONS, MAX_HIDDEN_LAYERS, MAX_UNITS
from playground.experiment import (
    DATASET_DEFAULTS,
    EFFECTS,
    KNOBS,
    Config,
    Effect,
    defaults_for,
    make_plan,
)


def test_defaults_reproduce_the_tensorflow_playground_start():
    c = Config()
    assert (c.dataset, c.hidden, c.activation) == ("circle", [4, 2], "tanh")
    assert (c.learning_rate, c.batch_size, c.train_ratio, c.noise) == (0.03, 10, 50, 0)
    assert (c.features, c.regularization, c.reg_rate, c.init) == (["x1", "x2"], "none", 0.0, "tfp")
    plan = make_plan(c)
    assert (plan.output, plan.loss, plan.sizes) == ("tanh", "square", (2, 4, 2, 1))


def test_every_knob_is_declared_once_with_a_doc_sentence_and_an_effect():
    assert set(KNOBS) == set(EFFECTS)
    for name in KNOBS:
        p = Config.param[name]
        assert p.doc and p.doc.endswith("."), name
        assert len(p.doc) < 100, f"{name}: a tooltip should be one short sentence"
        if isinstance(p, param.Number):
            assert None not in p.bounds, f"{name} needs both bounds"
    assert len(KNOBS) == len(set(KNOBS))


def test_knob_names_are_short_lowercase_query_keys():
    for name in KNOBS:
        assert (
            name == name.lower() and name.replace("_", "").isalnum() and len(name) <= 16
        )  # validation_ratio is the longest


def test_layer_limits_come_from_the_engine():
    assert Config.param.hidden.bounds == (0, MAX_HIDDEN_LAYERS)
    assert Config.param.hidden.item_bounds == (1, MAX_UNITS)
    assert list(Config.param.activation.objects) == list(HIDDEN_ACTIVATIONS)


@pytest.mark.parametrize(
    "bad",
    [
        {"hidden": [0]},
        {"hidden": [MAX_UNITS + 1]},
        {"hidden": [4] * (MAX_HIDDEN_LAYERS + 1)},
        {"hidden": [True]},
        {"features": []},
        {"features": ["x1", "x1"]},
        {"features": ["x3"]},
        {"learning_rate": 11.0},
        {"learning_rate": float("nan")},
        {"dataset": "iris"},
        {"batch_size": 0},
    ],
)
def test_direct_assignment_of_invalid_values_is_refused_by_param(bad):
    with pytest.raises(ValueError):
        Config(**bad)


def test_per_layer_activations_override_the_shared_one_and_pad_or_truncate():
    c = Config(hidden=[3, 3, 3], activation="tanh", activations=["relu"])
    assert c.layer_activations() == ("relu", "tanh", "tanh")
    c.hidden = [5]
    assert c.layer_activations() == ("relu",)
    c.activations = []
    assert c.layer_activations() == ("tanh",)


def test_choosing_mnist_uses_its_defaults_for_knobs_not_given():
    c = Config(dataset="mnist")
    for name, value in DATASET_DEFAULTS["mnist"].items():
        assert getattr(c, name) == value
    assert Config(dataset="mnist", learning_rate=0.03).learning_rate == 0.03
    assert defaults_for("mnist")["learning_rate"] == DATASET_DEFAULTS["mnist"]["learning_rate"]


def test_switching_data_set_moves_untouched_knobs_and_keeps_changed_ones():
    c = Config(optimizer="adam")
    c.dataset = "mnist"
    assert c.activation == "relu" and c.hidden == [128]
    assert c.optimizer == "adam"  # the user's choice survives
    c.hidden = [64]
    c.dataset = "spiral"
    assert c.activation == "tanh" and c.learning_rate == 0.03
    assert c.hidden == [64]


def test_changed_lists_only_what_differs_from_the_data_sets_defaults():
    assert Config().changed() == {}
    assert Config(dataset="mnist").changed() == {"dataset": "mnist"}
    assert Config(dataset="mnist", learning_rate=0.03).changed() == {
        "dataset": "mnist",
        "learning_rate": 0.03,
    }


def test_copy_is_independent():
    a = Config(hidden=[3])
    b = a.copy()
    b.hidden = [5]
    assert a.hidden == [3] and b.values() != a.values()


@pytest.mark.parametrize(
    ("settings", "kind", "output", "loss", "n_outputs"),
    [
        ({"dataset": "circle"}, "binary", "tanh", "square", 1),
        ({"dataset": "blobs", "n_classes": 4}, "multiclass", "softmax", "softmax_ce", 4),
        ({"dataset": "mnist"}, "multiclass", "softmax", "softmax_ce", 10),
        ({"dataset": "reg_plane"}, "regression", "linear", "square", 1),
        ({"dataset": "circle", "problem": "regression"}, "regression", "linear", "square", 1),
        ({"dataset": "circle", "output": "sigmoid"}, "binary", "sigmoid", "bce", 1),
        ({"dataset": "circle", "loss": "bce"}, "binary", "sigmoid", "bce", 1),
        ({"dataset": "xor", "loss": "softmax_ce"}, "binary", "softmax", "softmax_ce", 2),
        ({"dataset": "reg_gauss", "loss": "huber"}, "regression", "linear", "huber", 1),
        ({"dataset": "blobs", "loss": "hinge"}, "multiclass", "scores", "hinge", 3),
        ({"dataset": "xor", "loss": "hinge"}, "binary", "scores", "hinge", 2),
        ({"dataset": "circle", "output": "scores"}, "binary", "scores", "hinge", 2),
        ({"dataset": "reg_plane", "loss": "mae"}, "regression", "linear", "mae", 1),
        ({"dataset": "circle", "loss": "mae"}, "binary", "tanh", "mae", 1),
        ({"dataset": "circle", "output": "sigmoid", "loss": "mae"}, "binary", "sigmoid", "mae", 1),
    ],
)
def test_auto_picks_the_output_and_loss_that_go_together(settings, kind, output, loss, n_outputs):
    plan = make_plan(Config(**settings))
    assert (plan.kind, plan.output, plan.loss, plan.n_outputs) == (kind, output, loss, n_outputs)
    assert plan.notes == ()


@pytest.mark.parametrize(
    ("settings", "output", "loss"),
    [
        ({"dataset": "blobs", "loss": "bce"}, "softmax", "softmax_ce"),
        ({"dataset": "reg_plane", "output": "softmax"}, "linear", "square"),
        ({"dataset": "circle", "output": "tanh", "loss": "bce"}, "tanh", "square"),
        ({"dataset": "reg_plane", "problem": "classification"}, "linear", "square"),
        ({"dataset": "mnist", "problem": "regression"}, "softmax", "softmax_ce"),
        ({"dataset": "circle", "output": "sigmoid", "loss": "hinge"}, "sigmoid", "bce"),
        ({"dataset": "xor", "output": "scores", "loss": "mae"}, "scores", "hinge"),
        ({"dataset": "reg_plane", "loss": "hinge"}, "linear", "square"),
        ({"dataset": "blobs", "loss": "mae"}, "softmax", "softmax_ce"),
    ],
)
def test_combinations_that_do_not_fit_are_fixed_with_a_note_or_refused_when_strict(
    settings, output, loss
):
    config = Config(**settings)
    plan = make_plan(config)
    assert (plan.output, plan.loss) == (output, loss)
    assert len(plan.notes) == 1 and "using" in plan.notes[0]
    with pytest.raises(ValueError):
        make_plan(config, strict=True)


def test_hinge_with_a_sigmoid_output_is_refused_saying_which_output_it_needs():
    config = Config(dataset="circle", output="sigmoid", loss="hinge")
    with pytest.raises(ValueError, match=r"^loss 'hinge' needs output 'scores', not 'sigmoid'$"):
        make_plan(config, strict=True)


def test_hinge_and_mae_are_choices_of_the_loss_knob_and_scores_of_the_output_knob():
    assert {"hinge", "mae"} <= set(Config.param["loss"].objects)
    assert "scores" in Config.param["output"].objects
    assert Config(loss="hinge").loss == "hinge"


def test_the_effects_table_orders_live_below_rebuilds():
    assert EFFECTS["learning_rate"] is Effect.LIVE
    assert EFFECTS["hidden"] is Effect.NETWORK
    assert EFFECTS["dataset"] is Effect.DATA
    assert Effect.LIVE < Effect.NETWORK < Effect.SPLIT < Effect.DATA


def test_the_experiment_layer_and_cli_import_no_ui_library():
    code = (
        "import sys, playground.experiment, playground.cli\n"
        "bad = [m for m in ('panel', 'bokeh') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
