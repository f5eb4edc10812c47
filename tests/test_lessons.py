"""The guided lessons: complete, well-formed, and true.

Every lesson is trained headlessly and its claims checked (``check_lesson``); the
outcomes the issue names (XOR without a hidden layer stalls, the step activation does
not learn, a too-high learning rate diverges, dropout narrows the train/test gap) are
also checked here directly from the history and the weights, independently of the
lessons' own measures.
"""

from __future__ import annotations

import dataclasses
import re
from types import SimpleNamespace
from urllib.parse import parse_qsl

import numpy as np
import pytest

from playground.experiment import LESSONS, Config, Session, check_lesson, get_lesson, run_lesson
from playground.experiment.lessons import (
    LOWEST_VALIDATION_EPOCH,
    TEST_ACCURACY,
    TEST_AT_VALIDATION_BEST,
    TEST_LOSS,
    TOPICS,
    VALIDATION_LOSS,
    Diverges,
    Final,
    LowestInside,
    Versus,
    merge_query,
)
from playground.experiment.lessons_text import TEXT

URL_SAFE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@pytest.fixture(scope="module")
def trained() -> dict[str, Session]:
    """Each lesson trained once, shared by the tests below (MNIST ones take a second)."""
    return {}


def _trained(trained: dict[str, Session], name: str) -> Session:
    if name not in trained:
        trained[name] = run_lesson(name)
    return trained[name]


# ------------------------------------------------------------------ the catalogue
def test_there_are_at_least_twelve_lessons_with_unique_url_safe_names():
    assert len(LESSONS) >= 12
    for name, lesson in LESSONS.items():
        assert lesson.name == name
        assert URL_SAFE.fullmatch(name), name


def test_every_guide_topic_has_a_lesson_and_every_lesson_a_guide_topic():
    topics = [lesson.topic for lesson in LESSONS.values()]
    assert set(topics) <= set(TOPICS)
    assert set(TOPICS) <= set(topics), set(TOPICS) - set(topics)


def test_every_lesson_has_its_words():
    assert set(TEXT) == set(LESSONS)
    for lesson in LESSONS.values():
        assert lesson.title and lesson.title[0].isupper()
        sentences = re.findall(r"[.!?](?:\s|$)", lesson.explanation)
        assert 2 <= len(sentences) <= 4, (lesson.name, len(sentences))
        for bullets in (lesson.try_this, lesson.watch_for):
            assert isinstance(bullets, tuple) and 1 <= len(bullets) <= 4, lesson.name
            assert all(isinstance(b, str) and b.strip() for b in bullets), lesson.name


def test_every_lesson_makes_a_claim_it_can_state():
    for lesson in LESSONS.values():
        assert lesson.checks, lesson.name
        assert all(claim and isinstance(claim, str) for claim in lesson.claims)
        assert lesson.epochs >= 1


@pytest.mark.parametrize("name", list(LESSONS))
def test_the_preset_parses_without_warnings_and_gives_its_data_set(name):
    lesson = LESSONS[name]
    config, warnings = Config.from_query(lesson.query)
    assert warnings == []
    assert config.dataset == dict(parse_qsl(lesson.query))["dataset"]
    for variant in lesson.variants:  # what the claims compare against opens cleanly too
        assert Config.from_query(merge_query(lesson.query, variant))[1] == []


def test_get_lesson_finds_a_lesson_by_name():
    assert get_lesson("xor-linear") is LESSONS["xor-linear"]
    assert get_lesson(" XOR-Linear ") is LESSONS["xor-linear"]


def test_get_lesson_with_an_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="nope") as err:
        get_lesson("nope")
    assert all(name in str(err.value) for name in LESSONS)


def test_merge_query_replaces_and_adds_keys():
    merged = merge_query("dataset=xor&hidden=4&noise=10", "hidden=&seed=2")
    assert dict(parse_qsl(merged, keep_blank_values=True)) == {
        "dataset": "xor",
        "hidden": "",
        "noise": "10",
        "seed": "2",
    }


# ------------------------------------------------------------ every lesson is true
@pytest.mark.parametrize("name", list(LESSONS))
def test_the_lesson_trains_and_its_claims_hold(name, trained):
    lesson = LESSONS[name]
    session = _trained(trained, name)
    assert session.diverged == lesson.expects_divergence, session.message
    if not lesson.expects_divergence:
        assert session.epoch == lesson.epochs
    assert check_lesson(lesson, session) == []


def test_a_claim_that_does_not_hold_is_reported(trained):
    lesson = LESSONS["xor-linear"]
    wrong = dataclasses.replace(
        lesson,
        checks=(
            Final(TEST_ACCURACY, at_least=0.99),
            Versus("hidden=4", TEST_ACCURACY, at_least=1.0),
            Diverges(within=10),
        ),
    )
    problems = check_lesson(wrong, _trained(trained, "xor-linear"))
    assert len(problems) == 3
    assert "test accuracy is at least 99 %" in problems[0]
    assert "with hidden=4" in problems[1]
    assert "did not diverge" in problems[2]


# ------------------------------------------- the outcomes the issue names, directly
# ------------------------------------------- choices are made on validation only
#: Lessons that choose something (an epoch, a learning rate): they read validation.
CHOOSING = ("early-stopping", "lr-search")


@pytest.mark.parametrize("name", CHOOSING)
def test_lessons_that_choose_hold_out_validation_points(name):
    assert LESSONS[name].config().validation_ratio > 0


def _run(validation: float, test: float) -> SimpleNamespace:
    row = {"validation_loss": validation, "test_loss": test}
    return SimpleNamespace(diverged=False, history=SimpleNamespace(last=row))


def test_a_search_chooses_on_validation_and_reads_the_test_figure_of_its_choice_only():
    # Validation is lowest at 0.01, test at 1: the choice must follow validation.
    runs = {
        f"learning_rate={lr:g}": _run(v, t)
        for lr, v, t in [(0.001, 0.5, 0.5), (0.01, 0.1, 0.4), (1, 0.3, 0.01), (10, 0.6, 0.9)]
    }
    search = LowestInside("learning_rate", (0.001, 0.01, 1, 10), VALIDATION_LOSS)
    assert search.verify(None, runs.__getitem__) is None
    confirmed = dataclasses.replace(search, confirm=Final(TEST_LOSS, at_most=0.1))
    problem = confirmed.verify(None, runs.__getitem__)
    assert "for the best, learning_rate=0.01" in problem and "measured 0.4" in problem


def test_early_stopping_stops_where_validation_is_lowest_whatever_the_test_loss_does(trained):
    session = _trained(trained, "early-stopping")
    epoch = LOWEST_VALIDATION_EPOCH.read(session)
    test = session.history._columns["test_loss"]
    saved = list(test)
    try:
        test[:] = list(reversed(saved))  # a test curve that now falls to the very end
        assert LOWEST_VALIDATION_EPOCH.read(session) == epoch
        assert TEST_AT_VALIDATION_BEST.read(session) == saved[-1 - int(epoch)] / saved[0]
    finally:
        test[:] = saved
    validation = session.history.column("validation_loss")
    assert epoch == np.nanargmin(validation) and validation[-1] > validation[int(epoch)]


def test_a_lesson_without_validation_points_cannot_choose_an_epoch():
    with pytest.raises(ValueError, match="validation_ratio"):
        LOWEST_VALIDATION_EPOCH.read(Session(dataset="xor"))


def test_xor_without_a_hidden_layer_stalls_and_with_one_is_solved(trained):
    linear = _trained(trained, "xor-linear")
    assert linear.plan.hidden == ()
    assert linear.history.last["test_accuracy"] <= 0.8
    hidden = _trained(trained, "xor-hidden")
    assert hidden.history.last["test_accuracy"] >= 0.9


def test_the_step_activation_never_changes_the_hidden_weights(trained):
    lesson = LESSONS["step-activation"]
    start = Session(lesson.config()).model.get_weights()
    session = _trained(trained, "step-activation")
    end = session.model.get_weights()
    np.testing.assert_array_equal(end[0][0], start[0][0])
    np.testing.assert_array_equal(end[0][1], start[0][1])
    assert not np.array_equal(end[1][0], start[1][0])  # the output layer did learn
    assert session.history.last["test_accuracy"] <= 0.8


def test_a_too_high_learning_rate_diverges_and_says_so(trained):
    session = _trained(trained, "lr-too-high")
    assert session.diverged
    assert "diverged" in session.message and "learning rate" in session.message
    calmer = run_lesson("lr-too-high", "learning_rate=0.1")
    assert not calmer.diverged
    assert calmer.history.last["test_loss"] < 0.01


def test_dropout_narrows_the_train_test_gap(trained):
    def gap(session: Session) -> float:
        row = session.history.last
        return row["train_accuracy"] - row["test_accuracy"]

    without = _trained(trained, "overfitting")
    with_dropout = _trained(trained, "dropout")
    assert with_dropout.config.dropout > 0 and without.config.dropout == 0
    assert gap(without) >= 0.08
    assert gap(with_dropout) <= 0.8 * gap(without)


def test_mnist_starts_at_the_loss_of_chance_and_falls(trained):
    session = _trained(trained, "mnist-softmax")
    assert session.history[0]["train_loss"] == pytest.approx(np.log(10), abs=1e-3)
    assert session.history.last["test_loss"] < 0.6
