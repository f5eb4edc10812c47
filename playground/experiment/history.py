"""The per-epoch record of a training run, kept column by column.

A page may train for hours at dozens of epochs a second, so the history stores one
Python list per column instead of a dict per row, and hands out columns as arrays
(what a loss chart streams) or single rows as dicts (what a test or the CLI reads).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

#: Columns of every row: the epoch count (0 = before training), the data loss on
#: the training set (at most TRAIN_EVAL_MAX rows of it, see session.py), the
#: validation set (None when none is held out) and the test set in evaluation mode,
#: the share classified correctly (None for regression or an empty set) and the
#: learning rate the epoch used.
COLUMNS: tuple[str, ...] = (
    "epoch",
    "train_loss",
    "validation_loss",
    "test_loss",
    "train_accuracy",
    "validation_accuracy",
    "test_accuracy",
    "learning_rate",
)


def thin_index(count: int, most: int) -> np.ndarray:
    """Which of ``count`` rows to keep so that at most ``most`` remain: evenly
    spaced, the first and the last always kept (a curve drawn a few hundred
    pixels wide needs no more)."""
    if count <= most:
        return np.arange(count)
    return np.unique(np.linspace(0, count - 1, most).round().astype(np.intp))


class History:
    """Rows appended once per epoch; ``len``, indexing and iteration give dict rows."""

    def __init__(self) -> None:
        self._columns: dict[str, list] = {name: [] for name in COLUMNS}

    def append(self, row: dict) -> None:
        """Add one row; it must have exactly the :data:`COLUMNS` keys."""
        if set(row) != set(COLUMNS):
            raise ValueError(f"a history row needs the keys {', '.join(COLUMNS)}")
        for name in COLUMNS:
            self._columns[name].append(row[name])

    def clear(self) -> None:
        for values in self._columns.values():
            values.clear()

    def __len__(self) -> int:
        return len(self._columns["epoch"])

    def __getitem__(self, index: int) -> dict:
        return {name: values[index] for name, values in self._columns.items()}

    def __iter__(self) -> Iterator[dict]:
        return (self[i] for i in range(len(self)))

    @property
    def last(self) -> dict | None:
        """The newest row, or None before the first one."""
        return self[-1] if len(self) else None

    def column(self, name: str, start: int = 0) -> np.ndarray:
        """One column from row ``start`` on as a float array (None becomes NaN, so
        it plots as a gap); a page asks for the new rows only, every frame."""
        if name not in self._columns:
            raise KeyError(f"no history column {name!r}; columns are {', '.join(COLUMNS)}")
        values = self._columns[name][start:]
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

    def to_dict(self) -> dict[str, list]:
        """Copies of every column as lists (JSON-ready, Bokeh ColumnDataSource-ready)."""
        return {name: list(values) for name, values in self._columns.items()}
