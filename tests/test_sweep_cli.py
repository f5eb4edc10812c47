"""`playground sweep`: the table, the JSON last line, and clear errors for bad --vary."""

from __future__ import annotations

import json

import pytest

from playground.cli import main

BASE = ["--query", "dataset=xor&hidden=4&n_samples=200"]
VARY = ["--vary", "learning_rate=1e-3:1:log", "--vary", "reg_rate=1e-4:1e-1:log"]


def test_json_last_line_lists_the_trials_best_first_and_the_best_one(capsys):
    argv = ["sweep", *BASE, *VARY, "--trials", "3", "--epochs", "20", "--json", "--quiet"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(data) == {"trials", "best"} and len(data["trials"]) == 3
    keys = {"learning_rate", "reg_rate", "validation_accuracy", "validation_loss"}
    keys |= {"test_accuracy", "epochs", "query", "trial"}
    for trial in data["trials"]:
        assert keys <= set(trial) and "curve" not in trial
        assert trial["epochs"] == 20 and "validation_ratio=20" in trial["query"]
    assert data["best"] == data["trials"][0]
    accuracies = [t["validation_accuracy"] for t in data["trials"]]
    assert accuracies == sorted(accuracies, reverse=True)


def test_the_table_is_sorted_by_validation_and_reports_the_best_trials_test_figure_once(capsys):
    argv = ["sweep", *BASE, *VARY, "--search", "grid", "--trials", "4", "--epochs", "20"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert out.splitlines()[0].split()[:4] == ["rank", "trial", "learning_rate", "reg_rate"]
    assert "4 trials of 20 epochs (grid search)" in out
    assert "best (chosen on validation): trial" in out
    assert out.count("test accuracy") == 1 and "never used to choose" in out
    assert "playground train --query 'dataset=xor" in out
    assert "trial" in captured.err and "validation_ratio=20" in captured.err  # bar, note


@pytest.mark.parametrize(
    ("vary", "message"),
    [
        (["bogus=1:2"], "--vary bogus=1:2: unknown knob 'bogus'"),
        (["learning_rate=1:0.5"], "the range 1:0.5 is empty"),
        (["learning_rate=0:1:log"], "a log scale needs lo > 0"),
        (["activation=0:1"], "activation takes choices, not a range"),
        (
            ["learning_rate=0.01:1", "reg_rate=0:1", "momentum=0:0.9", "decay=0:1"],
            "a sweep varies 1 to 3 knobs, got 4",
        ),
        (["momentum=0:1"], "momentum: '1' is above the maximum 0.999"),
        ([], "give at least one --vary"),
    ],
)
def test_a_bad_vary_exits_2_with_a_clear_message(capsys, vary, message):
    argv = ["sweep", *BASE]
    for text in vary:
        argv += ["--vary", text]
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--trials", "2", "--epochs", "2", "--quiet"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: playground sweep") and message in err
