"""The experiment layer: configuration, training session, metrics and serialization.

It sits between the engine and the page and imports neither Panel nor Bokeh, so the
same :class:`Session` runs in tests, in the ``playground`` CLI, in a notebook and
behind the page::

    from playground.experiment import Session
    s = Session(dataset="xor", hidden=[4])
    s.step(200)
    s.history.last["test_accuracy"]
"""

from playground.experiment.config import KNOBS, Config, defaults_for
from playground.experiment.history import COLUMNS, History
from playground.experiment.knobs import (
    CONV_DEFAULTS,
    DATASET_DEFAULTS,
    EFFECTS,
    MNIST,
    Effect,
    default_epochs,
)
from playground.experiment.lessons import (
    LESSONS,
    Lesson,
    check_lesson,
    get_lesson,
    run_lesson,
)
from playground.experiment.plan import Plan, make_plan
from playground.experiment.serialize import (
    config_from_json,
    config_from_query,
    config_to_json,
    config_to_query,
    convert,
    parse_boolean,
    parse_query,
    parse_strict,
)
from playground.experiment.session import Session

__all__ = [
    "COLUMNS",
    "CONV_DEFAULTS",
    "DATASET_DEFAULTS",
    "EFFECTS",
    "KNOBS",
    "LESSONS",
    "MNIST",
    "Config",
    "Effect",
    "History",
    "Lesson",
    "Plan",
    "Session",
    "check_lesson",
    "config_from_json",
    "config_from_query",
    "config_to_json",
    "config_to_query",
    "convert",
    "default_epochs",
    "defaults_for",
    "get_lesson",
    "make_plan",
    "parse_boolean",
    "parse_query",
    "parse_strict",
    "run_lesson",
]
