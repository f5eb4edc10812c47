"""Runs pinned on the loss chart, so the next run trains beside them.

A lecturer trains with SGD, pins the run, switches to Adam and trains again: the
pinned curves stay on the chart, faded, labelled with what differed ("optimizer=sgd"
while Adam trains). The seed stays, so both runs start from the same data and, where
the architecture is the same, the same initial weights. A pin is the run's history,
thinned, and every knob's value when it was pinned; its label is recomputed against
the knobs as they are now, so it always names what differs from the run on screen.

Panel-free: a page asks for :meth:`Pins.scene` when it builds a stage's scene.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.experiment import Config, Session
from playground.experiment.history import thin_index
from playground.experiment.serialize import format_value
from playground.ui.frame import HISTORY_COLUMNS

#: The button's words (the stage draws them; ``hide=pins`` or ``hide=pin_this_run``).
LABEL = "Pin this run"
#: Pins kept at most: a fourth pushes out the oldest.
MAX_PINS = 3
#: Points per pinned curve at most (the chart is a few hundred pixels wide).
PIN_POINTS = 300
#: Differences a label names at most before it says "and N more".
LABEL_KNOBS = 3


@dataclass(frozen=True)
class Pin:
    values: dict[str, Any]  # every knob when the run was pinned
    rows: np.ndarray  # (n, len(HISTORY_COLUMNS)) the run's history, thinned; NaN for None


def thinned(session: Session, most: int = PIN_POINTS) -> np.ndarray:
    """The session's history as HISTORY_COLUMNS rows, at most ``most`` of them
    (evenly spaced, the first and the last always kept)."""
    history = session.history
    rows = np.stack([history.column(name) for name in HISTORY_COLUMNS], axis=1)
    return rows[thin_index(len(rows), most)]


def difference(pinned: dict[str, Any], now: dict[str, Any]) -> str:
    """What the pinned knobs were where they differ from ``now``, as a query
    fragment ("optimizer=sgd; learning_rate=0.1"); "same settings" if none."""
    changed = [name for name in pinned if pinned[name] != now.get(name)]
    if not changed:
        return "same settings"
    words = [f"{name}={format_value(pinned[name])}" for name in changed[:LABEL_KNOBS]]
    more = len(changed) - LABEL_KNOBS
    return "; ".join(words) + (f" and {more} more" if more > 0 else "")


class Pins:
    """The pinned runs of one page, oldest first."""

    def __init__(self) -> None:
        self._pins: list[Pin] = []
        #: Counts changes, so a scene is resent only when the pins changed.
        self.version = 0

    def __len__(self) -> int:
        return len(self._pins)

    def pin(self, session: Session) -> None:
        """Keep ``session``'s run as it is now (the oldest pin goes beyond MAX_PINS).
        ValueError before the first trained epoch: there is nothing to compare yet."""
        if session.epoch == 0:
            raise ValueError("Train a little first: an untrained run has no curves to pin.")
        self._pins.append(Pin(session.config.values(), thinned(session)))
        del self._pins[:-MAX_PINS]
        self.version += 1

    def clear(self) -> None:
        if self._pins:
            self._pins.clear()
            self.version += 1

    def labels(self, config: Config) -> list[str]:
        """What differs between each pin and ``config``, oldest first."""
        if not self._pins:
            return []
        now = config.values()
        return [difference(p.values, now) for p in self._pins]

    def scene(self, config: Config) -> list[dict]:
        """Each pin for a stage's scene: its label and its rows (NaN as None)."""
        return [
            {"label": label, "rows": np.where(np.isnan(p.rows), None, p.rows).tolist()}
            for label, p in zip(self.labels(config), self._pins, strict=True)
        ]
