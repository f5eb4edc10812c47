"""One table says what each output activation means (engine.OUTPUT_FACTS): its loss,
its decision threshold and its colour scale; the losses, the plan, the metrics, the
page and the exporter all read it, so they cannot disagree."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data import datasets
from playground.engine import LOSS_OUTPUTS, LOSSES, OUTPUT_ACTIVATIONS, OUTPUT_FACTS
from playground.experiment import Config, metrics
from playground.experiment.config import AUTO
from playground.experiment.plan import AUTO_OUTPUT_LOSS, LOSS_FOR_OUTPUT, make_plan
from playground.export.render import heatmap
from playground.ui.scene import FrameBuilder
from playground.ui.theme import LIGHT, heat_rgb


def test_the_table_covers_every_output_activation_and_every_loss():
    assert set(OUTPUT_FACTS) == set(OUTPUT_ACTIVATIONS)
    assert set(OUTPUT_FACTS) == set(Config.param["output"].objects) - {AUTO}
    for name, facts in OUTPUT_FACTS.items():
        assert facts.loss in facts.losses and set(facts.losses) <= set(LOSSES), name
        assert LOSS_FOR_OUTPUT[name] == facts.loss
    assert all(LOSS_OUTPUTS[loss] for loss in LOSSES)  # every loss fits some output
    for output, loss in AUTO_OUTPUT_LOSS.values():
        assert output in LOSS_OUTPUTS[loss]
    for fitting in datasets.OUTPUTS.values():  # what data can make targets for
        assert set(fitting) <= set(OUTPUT_FACTS)


def test_losses_accept_the_outputs_they_did_before_the_table():
    assert LOSS_OUTPUTS == {
        "square": ("tanh", "sigmoid", "linear"),
        "huber": ("tanh", "sigmoid", "linear"),
        "bce": ("sigmoid",),
        "softmax_ce": ("softmax",),
        "hinge": ("scores",),
        "mae": ("tanh", "sigmoid", "linear"),
    }


def test_outputs_with_one_unit_per_class_are_exactly_those_given_one_hot_targets():
    per_class = {name for name, facts in OUTPUT_FACTS.items() if facts.by_argmax}
    assert per_class == set(datasets.ONE_HOT_OUTPUTS)
    assert set(datasets.OUTPUTS["multiclass"]) == per_class


@pytest.mark.parametrize("output", datasets.OUTPUTS["binary"])
def test_two_class_targets_sit_on_their_colour_and_are_their_own_class(output):
    labels = np.array([-1.0, 1.0, 1.0, -1.0])
    targets = datasets.to_targets(labels, "binary", 2, output)
    facts = OUTPUT_FACTS[output]
    np.testing.assert_array_equal(facts.to_scale(targets.T), labels)
    np.testing.assert_array_equal(metrics.predicted_classes(targets, output), labels > 0)
    np.testing.assert_array_equal(
        metrics.positive_scores(targets, output) > facts.threshold, labels > 0
    )


def test_thresholds_are_where_two_classes_meet():
    assert {name: f.threshold for name, f in OUTPUT_FACTS.items() if not f.by_argmax} == {
        "tanh": 0.0,
        "sigmoid": 0.5,
        "linear": 0.0,
    }


def _page_colour(output: str, kind: str, out: np.ndarray) -> np.ndarray:
    dataset = "reg_plane" if kind == "regression" else "xor"
    plan = make_plan(Config(dataset=dataset, output=output))
    assert (plan.kind, plan.output) == (kind, output)
    byte = FrameBuilder(LIGHT)._heat(out, plan)[0]
    return heat_rgb(LIGHT)[byte].astype(int)


@pytest.mark.parametrize(
    "output, kind, out",
    [
        ("tanh", "binary", np.full((1, 4, 4), 0.6)),
        ("sigmoid", "binary", np.full((1, 4, 4), 0.8)),  # P(+1) = 0.8 is 0.6 on the scale
        ("softmax", "binary", np.stack([np.full((4, 4), 0.2), np.full((4, 4), 0.8)])),
        # class scores: s(+1) - s(-1) = 0.6
        ("scores", "binary", np.stack([np.full((4, 4), -0.1), np.full((4, 4), 0.5)])),
        ("linear", "regression", np.full((1, 4, 4), 0.6)),
        ("tanh", "regression", np.full((1, 4, 4), 0.6)),
    ],
)
def test_the_page_and_the_exporter_draw_every_single_map_output_in_the_same_colour(
    output, kind, out
):
    page = _page_colour(output, kind, out)
    exported = np.asarray(heatmap(out, kind, output, 2, 4))[2, 2].astype(int)
    assert np.abs(page - exported).max() <= 2
    # each says "+1, 0.6 sure": the colour of 0.6 on the scale
    same = heat_rgb(LIGHT)[round((0.6 + 1) * 127.5)].astype(int)
    assert np.abs(page - same).max() <= 2


def test_raw_class_scores_are_drawn_as_how_sure_their_softmax_is():
    scores = np.array([[2.0, -1.0], [0.0, 3.0], [-1.0, 0.0]])  # (classes, pixels)
    facts = OUTPUT_FACTS["scores"]
    probs = facts.class_probabilities(scores)
    np.testing.assert_allclose(probs.sum(axis=0), 1.0)
    np.testing.assert_array_equal(probs.argmax(axis=0), scores.argmax(axis=0))
    assert (OUTPUT_FACTS["softmax"].class_probabilities(probs) == probs).all()
