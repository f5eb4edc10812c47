"""The Experiments page, headless: its form, its caps, and a real sweep run,
stopped and closed from it (the page polls ``Sweep.results()`` here by hand, as
its periodic callback does when served)."""

from __future__ import annotations

import html
import time

import numpy as np
import pytest

from playground.experiment import KNOBS, Config, Session
from playground.experiment.sweep import VARIABLE, grid_points, narrow, ranked
from playground.ui.experiments_page import ExperimentsPage
from playground.ui.pages import MODES
from playground.ui.shell import create_app
from playground.ui.sweep_form import (
    CHOICE_KNOBS,
    LESSON,
    LESSON_TRIALS,
    NUMERIC_KNOBS,
    axis_of,
    start_range,
)

SMALL = "dataset=xor&hidden=4&n_samples=100&validation_ratio=20"


def _page(query: str = SMALL) -> ExperimentsPage:
    config, _ = Config.from_query(query)
    return ExperimentsPage(config)


def _finish(page: ExperimentsPage, timeout: float = 240) -> None:
    deadline = time.time() + timeout
    while page.running and time.time() < deadline:
        time.sleep(0.2)
        page.poll()
    page.poll()
    assert not page.running, "the sweep did not finish in time"


def _set(page: ExperimentsPage, trials: int, epochs: int, search: str = "random") -> None:
    page.trials.value, page.epochs.value, page.search.value = trials, epochs, search


def test_the_rows_offer_the_number_and_choice_knobs_of_config_and_not_the_data_set():
    assert {"learning_rate", "reg_rate", "momentum", "batch_size", "dropout"} <= set(NUMERIC_KNOBS)
    assert {"activation", "optimizer", "regularization", "batch_norm"} <= set(CHOICE_KNOBS)
    assert "dataset" not in NUMERIC_KNOBS + CHOICE_KNOBS
    assert "hidden" not in NUMERIC_KNOBS + CHOICE_KNOBS  # a list, not one number or choice
    assert sorted(NUMERIC_KNOBS + CHOICE_KNOBS) == sorted(VARIABLE)  # what a sweep can vary
    assert set(VARIABLE) <= set(KNOBS)
    options = set(_page().rows[0].knob.options.values())
    assert options == {"", *NUMERIC_KNOBS, *CHOICE_KNOBS}


def test_rates_start_on_a_log_scale_and_other_numbers_on_a_linear_one():
    assert start_range("learning_rate") == (1e-4, 1.0, True)
    assert start_range("reg_rate")[2] is True
    assert start_range("momentum")[2] is False
    row = _page().rows[2]
    row.set_knob("momentum")
    assert not row.log.value and row.lo.visible and not row.choices.visible
    row.set_knob("activation")
    assert row.choices.visible and not row.lo.visible and "relu" in row.choices.value


@pytest.mark.parametrize(
    ("row", "says"),
    [
        (("learning_rate", 1.0, 0.1, True, ()), "empty"),
        (("reg_rate", 0.0, 0.1, True, ()), "log scale needs lo > 0"),
        (("momentum", None, 0.5, False, ()), "both a low and a high value"),
        (("activation", None, None, False, ()), "at least one choice"),
    ],
)
def test_a_row_that_makes_no_sense_is_refused_with_a_reason(row, says):
    with pytest.raises(ValueError, match=says):
        axis_of(*row)


def test_a_sweep_over_the_caps_is_refused_with_a_message_and_not_started():
    page = _page("dataset=spiral&n_samples=5000&train_ratio=90&hidden=64,64")
    _set(page, 100, 1000)
    assert not page.run()
    assert page.message.visible and "the page runs sweeps of up to" in page.message.object
    assert not page.live and not page.running


def test_a_grid_over_the_page_trial_cap_is_refused():
    page = _page()
    page.rows[2].set_knob("activation")  # 4 learning rates x 4 L2 rates x 9 choices
    _set(page, 64, 10, "grid")
    assert not page.run()
    assert "more than the page runs" in page.message.object


def test_a_row_varied_twice_is_refused():
    page = _page()
    page.rows[1].set_knob("learning_rate")
    assert not page.run()
    assert "varied twice" in page.message.object


def test_the_experiments_mode_starts_from_its_spiral_query_and_keeps_the_links_knobs():
    shell = create_app(query="mode=experiments&learning_rate=0.1")
    page = shell.page()
    assert isinstance(page, ExperimentsPage)
    assert page.config.dataset == "spiral" and page.config.hidden == [8, 8]
    assert "mode=experiments" in shell.query() and "dataset=spiral" in shell.query()
    assert Config.from_query(page.base.value)[0].learning_rate == 0.1
    assert MODES["experiments"].default_config().dataset == "spiral"


def test_editing_the_base_settings_moves_the_address_bar_and_reports_bad_knobs():
    shell = create_app(query="mode=experiments")
    page = shell.page()
    page.base.value = "dataset=xor&hidden=3&learning_rate=banana"
    assert page.config.dataset == "xor" and page.config.hidden == [3]
    assert "dataset=xor" in shell.query()
    assert page.notice.visible and "learning_rate" in html.unescape(page.notice.object)


def test_the_base_settings_can_come_from_the_2d_page():
    shell = create_app(query="mode=experiments")
    page = shell.page()
    page.use_page_settings()  # no 2-D page opened yet: it says so, the base stays
    assert "Open the 2-D playground first" in page.notice.object
    assert page.config.dataset == "spiral"
    shell.show("playground")
    shell.page().config.param.update(dataset="moons", hidden=[5])
    shell.show("experiments")
    page.use_page_settings()
    assert page.config.dataset == "moons" and page.config.hidden == [5]


def test_a_run_fills_the_scatter_table_curves_and_reports_the_best_once_done():
    page = _page()
    _set(page, 4, 50)
    assert page.run()
    assert page.running and page.stop_button.disabled is False
    _finish(page)
    live = page.live["main"]
    assert len(live.results) == 4
    assert len(live.scatter.source.data["x"]) == 4
    assert len(page.table.value) == 4 and {"learning_rate", "reg_rate"} <= set(page.table.value)
    best_first = [r["trial"] for r in ranked(live.results)]  # on validation, as the sweep ranks
    assert list(page.table.value["trial"]) == best_first
    assert len(page.curves.train.data["xs"]) == 3  # the best three
    assert "4 of 4 trials done" in page.status.object
    assert page.progress.value == page.progress.max == 4
    best = page.best.object
    assert "chosen on validation" in best and best.count("test accuracy") == 1
    assert not page.run_button.disabled and not page.narrow_button.disabled


def test_the_test_figure_is_reported_only_when_the_search_is_over():
    page = _page()
    _set(page, 4, 50)
    page.run()
    while page.running:
        time.sleep(0.05)
        page.poll()
        if page.running and page.best.object:
            assert "test accuracy" not in page.best.object
    page.poll()
    assert "test accuracy" in page.best.object


def test_a_trial_opens_in_the_playground_with_the_same_data_and_weights():
    page = _page()
    _set(page, 2, 20)
    page.run()
    _finish(page)
    trial = page.live["main"].results[0]
    shell = create_app(query=trial["query"])
    opened = shell.page()
    assert opened.config.learning_rate == pytest.approx(trial["learning_rate"], rel=1e-3)
    fresh = Session(Config.from_query(trial["query"])[0])
    assert opened.session.weights_json() == fresh.weights_json()
    assert np.array_equal(opened.session.points, fresh.points)


def test_stop_stops_the_sweep_and_keeps_what_finished():
    page = _page()
    _set(page, 60, 300)
    page.run()
    page.stop()
    _finish(page, timeout=60)
    live = page.live["main"]
    assert len(live.results) < live.sweep.total
    assert "stopped" in page.status.object and not page.run_button.disabled


def test_closing_the_tab_stops_the_sweep():
    page = _page()
    _set(page, 60, 300)
    page.run()
    page.close()
    sweep = page.live["main"].sweep
    deadline = time.time() + 60
    while not sweep.done and time.time() < deadline:
        time.sleep(0.2)
    assert sweep.done and len(sweep.results()) < sweep.total


def test_the_space_bar_runs_and_stops():
    page = _page()
    _set(page, 60, 300)
    page.toggle()
    assert page.running
    page.toggle()
    _finish(page, timeout=60)
    assert len(page.live["main"].results) < page.live["main"].sweep.total


def test_narrow_to_the_best_sets_the_rows_to_the_ranges_around_the_best_trials():
    page = _page()
    _set(page, 20, 30)
    page.run()
    _finish(page)
    live = page.live["main"]
    expected = narrow(live.sweep.spec.axes, live.results)
    page.narrow()
    shown = tuple(a for a in (row.axis() for row in page.rows) if a is not None)
    assert [a.name for a in shown] == [a.name for a in expected]
    for got, want in zip(shown, expected, strict=True):
        assert got.scale == want.scale == "log"
        assert got.lo == pytest.approx(want.lo) and got.hi == pytest.approx(want.hi)
    lr = shown[0]
    assert lr.lo >= 1e-4 and lr.hi <= 1.0 and lr.hi / lr.lo < 1e4  # narrower than before


def test_grid_vs_random_runs_the_checked_lesson_and_tries_many_more_learning_rates_at_random():
    page = _page()
    assert page.run_lesson()
    for live in page.live.values():  # the lesson's own setup, as the lesson check runs it
        assert Config.from_query(live.sweep.spec.query)[0].values() == LESSON.config().values()
    _finish(page)
    grid, rand = page.live["grid"].results, page.live["random"].results
    assert len(grid) == len(rand) == LESSON_TRIALS
    per_knob = grid_points(LESSON_TRIALS, 2)
    assert f"<b>{per_knob}</b> distinct" in page.compare_counts["grid"].object
    assert f"<b>{LESSON_TRIALS}</b> distinct" in page.compare_counts["random"].object
    assert page.compare_view.visible and not page.results_view.visible
