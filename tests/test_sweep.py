"""Hyper-parameter sweeps (issue 15): axes, grid vs random, reproducible trials,
choosing on validation only, stopping, narrowing and the page's caps."""

from __future__ import annotations

import numpy as np
import pytest

from playground.cli import main
from playground.experiment import Session, config_from_query
from playground.experiment.sweep import (
    MAX_AXES,
    PAGE_MAX_TRIALS,
    Axis,
    Sweep,
    SweepSpec,
    best_trial,
    check_page_caps,
    narrow,
    parse_axis,
    ranked,
    run_trial,
)

SPIRAL = "dataset=spiral&hidden=8,8&features=x1,x2,sinx1,sinx2&regularization=L2"
XOR = "dataset=xor&hidden=4&n_samples=200"
LR = parse_axis("learning_rate=1e-3:1:log")
L2 = parse_axis("reg_rate=1e-5:1e-1:log")


# ------------------------------------------------------------------------ axes
@pytest.mark.parametrize(
    "text",
    [
        "learning_rate=0.0001:1:log",
        "reg_rate=0:0.1",
        "activation=relu,tanh",
        "batch_size=1:64:log",
        "batch_norm=true,false",
        "kernel=3,5",
        "optimizer=sgd,adam,momentum",
    ],
)
def test_an_axis_text_parses_back_to_the_same_axis(text):
    axis = parse_axis(text)
    assert axis.text() == text
    assert parse_axis(axis.text()) == axis


def test_whole_number_knobs_stay_whole_numbers_on_a_grid_and_when_drawn():
    axis = parse_axis("batch_size=1:64:log")
    assert axis.values(7) == [1, 2, 4, 8, 16, 32, 64]
    drawn = [axis.sample(np.random.default_rng(i)) for i in range(50)]
    assert all(type(v) is int and 1 <= v <= 64 for v in drawn)
    choices = parse_axis("kernel=3,5")
    assert choices.values(9) == [3, 5] and all(type(v) is int for v in choices.choices)


def test_a_log_axis_spaces_its_grid_evenly_in_log_space_and_draws_inside_the_range():
    assert LR.values(4) == pytest.approx([1e-3, 1e-2, 1e-1, 1.0])
    rng = np.random.default_rng(0)
    drawn = np.array([LR.sample(rng) for _ in range(400)])
    assert drawn.min() >= 1e-3 and drawn.max() <= 1.0
    # Uniform in log space: about a third of the draws in each decade.
    per_decade = np.histogram(np.log10(drawn), bins=[-3, -2, -1, 0])[0]
    assert per_decade.min() > 100


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bogus=1:2", "unknown knob 'bogus'; knobs that can be varied: "),
        ("learning_rate=1:0.1", "the range 1:0.1 is empty"),
        ("learning_rate=0:1:log", "a log scale needs lo > 0"),
        ("learning_rate=0:100", "learning_rate: '100' is above the maximum 10"),
        ("learning_rate=a:b", "learning_rate: 'a' is not a number"),
        ("learning_rate=1:2:cubic", "expected LO:HI or LO:HI:log"),
        ("learning_rate", "expected KNOB=LO:HI"),
        ("activation=0:1", "activation takes choices, not a range: e.g. activation=linear,"),
        ("activation=relu,tanhh", "'tanhh' is not one of"),
        ("hidden=4,4", "hidden is a list"),
        ("dataset=xor,circle", "dataset cannot be varied"),
        ("validation_ratio=10:30", "validation_ratio cannot be varied"),
    ],
)
def test_a_bad_axis_is_refused_with_a_message_that_says_what_is_wrong(text, message):
    with pytest.raises(ValueError) as err:
        parse_axis(text)
    assert message in str(err.value)


# ------------------------------------------------------------------- the spec
def test_random_trials_are_reproducible_from_the_seed_and_differ_with_it():
    spec = SweepSpec(XOR, (LR, L2), "random", 6, 10, seed=3)
    assert spec.trial_values() == SweepSpec(XOR, (LR, L2), "random", 6, 10, seed=3).trial_values()
    assert spec.trial_values() != SweepSpec(XOR, (LR, L2), "random", 6, 10, seed=4).trial_values()


def test_a_grid_takes_round_trials_to_the_one_over_k_values_per_knob_and_says_so():
    spec = SweepSpec(XOR, (LR, L2), "grid", trials=10)
    values = spec.trial_values()
    assert len(values) == 9  # round(10 ** 0.5) = 3 values of each knob
    assert len({v["learning_rate"] for v in values}) == 3
    assert "a grid of 3x3 values has 9 trials (10 asked)." in spec.notes()
    three = SweepSpec(XOR, (LR, L2, parse_axis("activation=relu,tanh")), "grid", trials=8)
    assert len(three.trial_values()) == 2 * 2 * 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"axes": (LR,) * 2}, "learning_rate is varied twice"),
        ({"axes": ()}, f"a sweep varies 1 to {MAX_AXES} knobs, got 0"),
        ({"search": "bayes"}, "search must be grid or random"),
        ({"trials": 0}, "trials must be from 1 to"),
        ({"epochs": 0}, "epochs must be at least 1"),
    ],
)
def test_a_bad_spec_is_refused(kwargs, message):
    with pytest.raises(ValueError) as err:
        SweepSpec(**{"query": XOR, "axes": (LR,), **kwargs})
    assert message in str(err.value)


def test_a_sweep_holds_out_validation_points_unless_the_base_query_already_does():
    spec = SweepSpec(XOR, (LR,), trials=2)
    query = spec.trial_query(spec.trial_values()[0])
    assert "validation_ratio=20" in query and "seed=0" in query
    assert any("validation_ratio=20" in note for note in spec.notes())
    own = SweepSpec(XOR + "&validation_ratio=30", (LR,), trials=2)
    assert "validation_ratio=30" in own.trial_query(own.trial_values()[0])
    assert not any("validation" in note for note in own.notes())


# ------------------------------------------------------------ reproducibility
def test_a_trial_reopened_from_its_query_by_playground_train_gives_the_same_figures(capsys):
    import json

    spec = SweepSpec(SPIRAL, (LR, L2), "random", trials=2, epochs=30, seed=1)
    results = Sweep(spec, workers=2).run()
    assert len(results) == 2
    for trial in results:
        assert (
            main(["train", "--query", trial["query"], "--epochs", "30", "--json", "--quiet"]) == 0
        )
        again = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        for key in ("test_accuracy", "test_loss", "train_loss", "epochs"):
            assert again[key] == trial[key], key
        config, warnings = config_from_query(trial["query"])
        assert warnings == []
        assert config.learning_rate == trial["learning_rate"]
        assert config.reg_rate == trial["reg_rate"]
        # The page builds its session from the query alone: same data, weights, figures.
        session = Session(config)
        session.step(30)
        for key in ("validation_accuracy", "validation_loss", "test_loss", "train_loss"):
            assert session.history.last[key] == trial[key], key


def test_run_trial_reports_validation_and_test_figures_and_thinned_curves():
    result = run_trial(XOR + "&validation_ratio=25", 300)
    assert result["epochs"] == 300 and not result["diverged"]
    for key in ("validation_accuracy", "validation_loss", "test_accuracy", "train_loss"):
        assert isinstance(result[key], float)
    curve = result["curve"]
    assert len(curve["train_loss"]) == len(curve["validation_loss"]) == 200
    assert curve["epoch"][0] == 0 and curve["epoch"][-1] == 300


# ---------------------------------------------------------- grid vs random
def test_random_search_tries_more_distinct_values_of_each_knob_than_a_grid_of_the_same_size():
    # The learning rate matters; momentum does not (plain SGD ignores it). A 3x3 grid
    # spends its 9 trials on 3 learning rates; random search tries 9 of each knob.
    momentum = parse_axis("momentum=0.1:0.9")
    grid = Sweep(SweepSpec(XOR, (LR, momentum), "grid", 9, 20)).run()
    rand = Sweep(SweepSpec(XOR, (LR, momentum), "random", 9, 20)).run()
    assert len(grid) == len(rand) == 9
    for knob in ("learning_rate", "momentum"):
        assert len({r[knob] for r in grid}) == 3
        assert len({r[knob] for r in rand}) == 9
    # What the grid learns is only 3 distinct outcomes: momentum changed nothing.
    assert len({r["validation_loss"] for r in grid}) == 3
    assert len({r["validation_loss"] for r in rand}) == 9


# ------------------------------------------------------------------- choosing
def _trial(i, va=None, vl=None, ta=None, tl=None, train=None, diverged=False, lr=0.1):
    return {
        "trial": i,
        "learning_rate": lr,
        "validation_accuracy": va,
        "validation_loss": vl,
        "test_accuracy": ta,
        "test_loss": tl,
        "train_loss": train,
        "diverged": diverged,
    }


def test_the_best_trial_is_chosen_on_validation_never_on_test():
    results = [
        _trial(0, va=0.80, vl=0.40, ta=0.99, tl=0.01),  # best on test: must not win
        _trial(1, va=0.95, vl=0.20, ta=0.70, tl=0.90),
        _trial(2, va=0.95, vl=0.10, ta=0.60, tl=0.95),  # tie on accuracy, lower loss
    ]
    assert best_trial(results)["trial"] == 2
    assert [r["trial"] for r in ranked(results)] == [2, 1, 0]


def test_regression_is_chosen_on_the_lowest_validation_loss_and_without_validation_on_training():
    regression = [_trial(0, vl=0.5, tl=0.1), _trial(1, vl=0.3, tl=0.9)]
    assert best_trial(regression)["trial"] == 1
    no_validation = [_trial(0, train=0.2, ta=0.99), _trial(1, train=0.1, ta=0.5)]
    assert best_trial(no_validation)["trial"] == 1


def test_a_diverged_trial_is_never_the_best():
    results = [_trial(0, va=1.0, vl=0.0, diverged=True), _trial(1, va=0.6, vl=0.7)]
    assert best_trial(results)["trial"] == 1
    assert best_trial([]) is None


def test_narrow_shrinks_ranges_around_the_top_trials_and_keeps_their_choices():
    act = parse_axis("activation=relu,tanh,sigmoid")
    lrs = [1e-3, 3e-3, 0.05, 0.1, 0.2, 0.9]
    results = [
        {**_trial(i, va=va, vl=1 - va, lr=lr), "activation": a}
        for i, (lr, va, a) in enumerate(
            zip(
                lrs,
                [0.5, 0.6, 0.9, 0.95, 0.92, 0.4],
                ["relu", "tanh", "tanh", "relu", "tanh", "relu"],
            )
        )
    ]
    new_lr, new_act = narrow((LR, act), results, top=3)
    assert new_lr.scale == "log" and LR.lo < new_lr.lo < 0.05 and 0.2 < new_lr.hi < LR.hi
    assert new_act.choices == ("relu", "tanh")
    ints = narrow((parse_axis("batch_size=1:100"),), [{**_trial(0, va=1), "batch_size": 10}])[0]
    assert (ints.lo, ints.hi) == (5, 15) and all(type(v) is int for v in (ints.lo, ints.hi))


# -------------------------------------------------------------------- running
def test_stop_ends_a_sweep_soon_and_keeps_only_finished_trials():
    spec = SweepSpec(SPIRAL, (LR, L2), "random", trials=40, epochs=2000)
    sweep = Sweep(spec, workers=2)
    sweep.start()
    assert not sweep.done
    sweep.stop()
    assert sweep.wait(timeout=10)
    assert sweep.done and len(sweep.results()) < sweep.total == 40
    assert all(r["epochs"] == 2000 for r in sweep.results())


def test_results_arrive_while_the_sweep_runs_in_the_background():
    sweep = Sweep(SweepSpec(XOR, (LR,), "random", trials=4, epochs=10), workers=2)
    seen = []
    results = sweep.run(lambda done, total: seen.append((done, total)))
    assert seen[-1] == (4, 4) and [r["trial"] for r in results] == [0, 1, 2, 3]
    assert sweep.best() == best_trial(results)


# ----------------------------------------------------------------------- caps
def test_the_page_refuses_a_sweep_that_would_hold_the_server_too_long():
    small = SweepSpec(SPIRAL, (LR, L2), "random", trials=40, epochs=200)
    assert check_page_caps(small) < 10
    with pytest.raises(ValueError, match="the page runs sweeps of up to 60 s"):
        check_page_caps(SweepSpec("dataset=mnist", (LR,), "random", trials=20, epochs=5))
    with pytest.raises(ValueError, match=f"more than the page runs \\({PAGE_MAX_TRIALS}\\)"):
        check_page_caps(SweepSpec(XOR, (LR,), "random", trials=101, epochs=5))


def test_an_axis_built_directly_is_checked_like_a_parsed_one():
    with pytest.raises(ValueError, match="a log scale needs lo > 0"):
        Axis("learning_rate", 0.0, 1.0, "log")
    assert Axis("activation", choices=("relu", "relu", "tanh")).choices == ("relu", "tanh")


def test_the_random_vs_grid_lesson_says_what_it_measured_when_its_claim_fails():
    import dataclasses

    from playground.experiment import get_lesson, run_lesson

    lesson = get_lesson("random-vs-grid")
    session = run_lesson(lesson)
    assert lesson.checks[0].verify(session, run_lesson) is None
    impossible = dataclasses.replace(lesson.checks[0], ratio=0.0)
    problem = impossible.verify(session, run_lesson)
    assert problem.startswith("expected searching learning_rate=1e-4:1:log and momentum")
    assert "measured 3 and 9 values, best validation loss" in problem


def test_varying_the_penalty_rate_turns_the_penalty_on_and_says_so():
    spec = SweepSpec(XOR, (L2,), "random", 2, 5)
    assert "regularization=l2" in spec.trial_query(spec.trial_values()[0])
    assert any("regularization=l2" in note for note in spec.notes())
    chosen = SweepSpec(XOR + "&regularization=l1", (L2,), "random", 2, 5)
    assert "regularization=l1" in chosen.trial_query(chosen.trial_values()[0])
    assert not any("penalty" in note for note in chosen.notes())
