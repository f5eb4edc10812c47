"""`playground train`: flags from the Config, JSON output, --query, strict errors."""

from __future__ import annotations

import io
import json

import pytest

from playground.cli import CompileReport, main
from playground.experiment import KNOBS

REQUIRED = {"epochs", "train_loss", "test_loss", "train_accuracy", "test_accuracy", "seconds"}


def run_json(capsys, *argv: str) -> dict:
    assert main(["train", *argv, "--json", "--quiet"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    return json.loads(last)


def test_train_prints_a_json_last_line_with_the_required_keys_and_good_accuracy(capsys):
    assert main(["train", "--dataset", "xor", "--hidden", "4", "--epochs", "200", "--json"]) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out.strip().splitlines()[-1])
    assert set(result) >= REQUIRED
    assert result["epochs"] == 200 and result["sizes"] == [2, 4, 1]
    assert result["test_accuracy"] >= 0.9
    assert "epoch" in captured.err  # the progress bar goes to stderr


def test_an_empty_hidden_flag_trains_a_model_without_hidden_layers(capsys):
    result = run_json(capsys, "--dataset", "xor", "--hidden", "", "--epochs", "20")
    assert result["sizes"] == [2, 1]


def test_query_takes_the_pages_query_string_and_flags_override_it(capsys):
    result = run_json(capsys, "--query", "dataset=spiral&hidden=8,8&noise=10", "--epochs", "2")
    assert result["dataset"] == "spiral" and result["sizes"] == [2, 8, 8, 1]
    assert "noise=10" in result["query"]
    result = run_json(
        capsys, "--query", "dataset=spiral&hidden=8,8", "--hidden", "3", "--epochs", "1"
    )
    assert result["sizes"] == [2, 3, 1]


def test_every_knob_is_a_flag_named_after_it(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["train", "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for name in KNOBS:
        assert f"--{name}" in text


def test_human_output_reports_loss_and_accuracy(capsys):
    assert main(["train", "--dataset", "gauss", "--epochs", "30", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "train loss" in out and "test accuracy" in out and "%" in out


def test_hinge_from_a_query_trains_blobs_on_class_scores_to_high_accuracy(capsys):
    result = run_json(capsys, "--query", "dataset=blobs&loss=hinge", "--epochs", "50")
    assert "loss=hinge" in result["query"] and result["sizes"][-1] == 3  # one score per class
    assert result["test_accuracy"] >= 0.9


def test_json_reports_each_layers_mean_gradient_norm_over_the_last_epoch(capsys):
    result = run_json(capsys, "--dataset", "spiral", "--hidden", "8,8", "--epochs", "5")
    norms = result["gradient_norms"]
    assert len(norms) == len(result["sizes"]) - 1 == 3  # one per layer, input side first
    assert all(isinstance(g, float) and 0 < g < float("inf") for g in norms)


def test_mae_flag_trains_a_regression_set(capsys):
    result = run_json(capsys, "--dataset", "reg_plane", "--loss", "mae", "--epochs", "50")
    assert "loss=mae" in result["query"] and result["test_r2"] > 0.8


def test_balance_and_outliers_flags_reach_the_data(capsys):
    result = run_json(capsys, "--dataset", "circle", "--balance", "0.1", "--epochs", "1")
    assert "balance=0.1" in result["query"]
    result = run_json(capsys, "--dataset", "reg_plane", "--outliers", "0.2", "--epochs", "1")
    assert "outliers=0.2" in result["query"]


def test_dash_spelling_and_boolean_flags_work(capsys):
    result = run_json(capsys, "--learning-rate", "0.1", "--batch_norm", "--epochs", "2")
    assert "batch_norm=true" in result["query"] and "learning_rate=0.1" in result["query"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--learning_rate", "50"], "maximum 10"),
        (["--hidden", "8,x"], "hidden"),
        (["--features", "x1,bogus"], "features"),
        (["--dataset", "iris"], "is not one of circle"),
        (["--kernel", "4"], "is not one of 3, 5"),
        (["--batch_size", "0"], "minimum 1"),
        (["--epochs", "-1"], "epochs"),
        (["--dataset", "blobs", "--loss", "bce"], "does not fit"),
        (["--loss", "hinge", "--output", "sigmoid"], "loss 'hinge' needs output 'scores'"),
        (["--query", "dataset=blobs&loss=mae"], "loss 'mae' does not fit multiclass data"),
        (["--query", "dataset=reg_plane&loss=hinge"], "loss 'hinge' does not fit regression"),
    ],
)
def test_a_bad_flag_value_exits_2_with_a_message(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_:
        main(["train", *argv])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "bad"),
    [(["--features", "x1,x3"], "'x3'"), (["--activations", "relu,tanhh"], "'tanhh'")],
)
def test_an_unknown_name_in_a_list_flag_exits_2_listing_the_allowed_names(capsys, argv, bad):
    from playground.experiment import Config

    with pytest.raises(SystemExit) as exit_:
        main(["train", *argv, "--epochs", "1", "--quiet"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    name = argv[0].removeprefix("--")
    assert err.startswith("usage: playground train") and "removed" not in err
    assert f"{bad}, not one of {', '.join(Config.param[name].objects)}" in err


@pytest.mark.parametrize(
    "argv", [["train"], ["export", "--out", "x.gif"], ["serve"], ["nginx", "--backends", "3"]]
)
def test_an_unknown_flag_shows_the_subcommands_own_usage(capsys, argv):
    command = argv[0]
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--bogus"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: playground {command}")
    assert f"playground {command}: error: unrecognized arguments: --bogus" in err


def test_train_says_when_the_engine_is_ready_and_quiet_says_nothing(capsys):
    assert main(["train", "--dataset", "xor", "--epochs", "1", "--json"]) == 0
    assert "engine ready (" in capsys.readouterr().err
    assert main(["train", "--dataset", "xor", "--epochs", "1", "--json", "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_a_slow_warm_up_shows_a_bar_of_the_kernel_groups_then_ready():
    text = io.StringIO()
    report = CompileReport(text)
    report(0, 8, "")
    report.show()  # what the timer does when the warm-up lasts
    for done in range(1, 9):
        report(done, 8, f"group {done}")
    report.close(42.0)
    shown = text.getvalue()
    assert "compiling the engine (first start only): 0/8 kernel groups" in shown
    assert "8/8 kernel groups" in shown and "group 8 done" in shown
    assert shown.rstrip().endswith("engine ready (42.0 s)")


def test_a_bar_shown_before_the_first_report_still_counts_to_the_total():
    text = io.StringIO()
    report = CompileReport(text)
    report.show()
    for done in range(9):
        report(done, 8, "")
    report.close(1.5)
    last_bar = text.getvalue().rstrip().split("\r")[-1].splitlines()[0]
    assert "8/8 kernel groups" in last_bar


def test_a_quick_warm_up_prints_only_that_the_engine_is_ready():
    text = io.StringIO()
    report = CompileReport(text)
    for done in range(9):
        report(done, 8, f"group {done}" if done else "")
    report.close(0.8)
    report.show()  # a timer that fires too late shows nothing
    assert text.getvalue() == "engine ready (0.8 s)\n"


def test_a_diverging_run_exits_1_and_says_what_to_try(capsys):
    code = main(["train", "--dataset", "reg_plane", "--learning_rate", "10", "--json", "--quiet"])
    captured = capsys.readouterr()
    assert code == 1
    result = json.loads(captured.out.strip().splitlines()[-1])  # still valid JSON (no NaN)
    assert result["diverged"] and "smaller learning rate" in captured.err


def test_mnist_on_a_small_subset_reaches_a_modest_accuracy(capsys):
    result = run_json(
        capsys,
        "--dataset",
        "mnist",
        "--mnist_train",
        "2000",
        "--mnist_test",
        "500",
        "--epochs",
        "2",
    )
    assert result["sizes"] == [784, 128, 10]
    assert result["test_accuracy"] >= 0.8


def test_train_reports_validation_and_baselines_when_validation_is_held_out(capsys):
    result = run_json(capsys, "--dataset", "circle", "--validation-ratio", "20", "--epochs", "5")
    assert 0 <= result["validation_accuracy"] <= 1 and result["validation_loss"] > 0
    assert result["baselines"]["chance"] == 0.5 and "validation_ratio=20" in result["query"]
    plain = run_json(capsys, "--dataset", "circle", "--epochs", "5")
    assert plain["validation_loss"] is None and plain["validation_accuracy"] is None
    assert main(["train", "--dataset", "reg_plane", "--epochs", "5", "--quiet"]) == 0
    assert "training mean as every answer, test loss" in capsys.readouterr().out
