"""What the Experiments page's form means, without Panel: which knobs a search
can vary (read from :class:`~playground.experiment.Config`'s Parameters), where
a row starts, the caps of a sweep started from the page (the sweep's own), and
the words the page reports a sweep in.

Kept apart from the page so it is tested headless and the page only lays out
widgets around it.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

import param

from playground.experiment import Config
from playground.experiment.lessons import RandomBeatsGrid, get_lesson
from playground.experiment.sweep import VARIABLE, Axis, SweepSpec, check_page_caps

#: Knobs a search varies as a range of numbers, and as a list of choices: the
#: knobs the sweep can vary (not the data set, the problem kind, the validation
#: share or a list), split by their Parameter's type.
NUMERIC_KNOBS: tuple[str, ...] = tuple(
    n for n in VARIABLE if not isinstance(Config.param[n], param.Selector | param.Boolean)
)
CHOICE_KNOBS: tuple[str, ...] = tuple(n for n in VARIABLE if n not in NUMERIC_KNOBS)
#: Where a row of the rates starts: the ranges of the lecture's search (and the
#: issue's ``--vary`` example), on a log scale. Every other number starts at its
#: Parameter's bounds.
START_RANGES = {"learning_rate": (1e-4, 1.0), "reg_rate": (1e-5, 0.1)}
#: The rows the page starts with (an empty name: the row is unused); its base
#: settings are the mode's query in :data:`playground.ui.pages.MODES`.
START_ROWS = ("learning_rate", "reg_rate", "")

#: The "Grid vs random" lesson as the lesson menu declares it and the tests check
#: it: one knob that matters (the learning rate) and one that does nothing
#: (momentum, with plain SGD), searched with the same number of trials both ways,
#: from the lesson's own setup and epochs.
LESSON = get_lesson("random-vs-grid")
_CHECK = next(c for c in LESSON.checks if isinstance(c, RandomBeatsGrid))
LESSON_AXES = (_CHECK.matters, _CHECK.ignored)
LESSON_TRIALS = _CHECK.trials


def is_choice(name: str) -> bool:
    return name in CHOICE_KNOBS


def choices_of(name: str) -> list[str]:
    """The choices of a choice knob, as the URL writes them."""
    p = Config.param[name]
    objects = [False, True] if isinstance(p, param.Boolean) else list(p.objects)
    return [choice_text(o) for o in objects]


def choice_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def start_range(name: str) -> tuple[float, float, bool]:
    """Where a row of the numeric knob ``name`` starts: (low, high, log scale).
    Log where the range spans three decades or more (the rates, batch sizes)."""
    if name in START_RANGES:
        lo, hi = START_RANGES[name]
        return lo, hi, True
    lo, hi = Config.param[name].bounds
    return float(lo), float(hi), lo > 0 and hi / lo >= 1000


def label(name: str) -> str:
    """What a person reads for knob ``name``."""
    return Config.param[name].label or name


def axis_of(name: str, lo: float | None, hi: float | None, log: bool, choices=()) -> Axis:
    """The Axis of one row of the form; ValueError with a message for a person
    (the Axis itself says what is wrong with a range)."""
    if is_choice(name):
        if not choices:
            raise ValueError(f"{label(name)}: pick at least one choice to try")
        return Axis(name, choices=tuple(choices))
    if lo is None or hi is None:
        raise ValueError(f"{label(name)}: give both a low and a high value")
    return Axis(name, float(lo), float(hi), "log" if log else "linear")


def spec_of(base: str, axes: Sequence[Axis], search: str, trials: int, epochs: int) -> SweepSpec:
    """The SweepSpec of the form (the base query as Config writes it)."""
    config, _ = Config.from_query(base)
    return SweepSpec(
        query=config.to_query(), axes=tuple(axes), search=search, trials=trials, epochs=epochs
    )


def check_spec(spec: SweepSpec) -> tuple[float, list[str]]:
    """The estimated seconds of ``spec`` and what the sweep says about its base
    (a validation share added, a grid's size); ValueError beyond the page's caps."""
    return check_page_caps(spec), spec.notes()


def metric_of(results: Iterable[dict]) -> str:
    """What the page colours and ranks by: validation accuracy, or for
    regression (no accuracy) the validation loss."""
    for r in results:
        if r.get("validation_accuracy") is not None:
            return "validation_accuracy"
    return "validation_loss"


def distinct(results: Iterable[dict], name: str) -> int:
    """How many different values of knob ``name`` the trials tried."""
    return len({choice_text(r[name]) if is_choice(name) else float(r[name]) for r in results})


def value_text(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else choice_text(value)


def trial_title(result: dict, names: Sequence[str]) -> str:
    """``trial 7: Learning rate 0.031, L2 rate 0.00012``."""
    knobs = ", ".join(f"{label(n)} {value_text(result[n])}" for n in names)
    return f"trial {result['trial']}: {knobs}"


def percent(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f} %"


def best_html(best: dict | None, names: Sequence[str], done: bool) -> str:
    """The best trial, chosen on validation; its test figure only once the
    search is over (reported once, never used to choose)."""
    if best is None:
        return ""
    metric = "validation_accuracy" if best.get("validation_accuracy") is not None else None
    shown = (
        f"validation accuracy <b>{percent(best['validation_accuracy'])}</b>"
        if metric
        else f"validation loss <b>{best['validation_loss']:.4f}</b>"
    )
    href = html.escape(best["query"])
    link = f"<a href='/?{href}' target='_blank'>open it in the playground ↗</a>"
    head = "Best" if done else "Best so far"
    title = html.escape(trial_title(best, names))
    text = f"{head} (chosen on validation): {title} — {shown}; {link}"
    if done:
        test = (
            f"test accuracy {percent(best['test_accuracy'])}"
            if best.get("test_accuracy") is not None
            else f"test loss {best['test_loss']:.4f}"
        )
        text += (
            f"<br>Its {test}: the test set is looked at once, for the chosen trial, "
            "and never used to choose."
        )
    return text
