"""User-made data: points placed by clicking, and CSV upload/download.

Uploaded files come from strangers' browsers, so :func:`parse_csv` treats them as
untrusted text: it bounds the size before decoding, parses numbers with a strict
pattern (never ``eval``), and fails with the 1-based line number a text editor shows,
so a student can find and fix the bad line. :func:`to_csv` writes floats with ``repr``
so a downloaded data set uploads back bit for bit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import numpy as np

from playground.data._checks import format_label

MAX_ROWS = 5000
MAX_BYTES = 1_000_000
COLUMNS = ("x1", "x2", "label")

# A plain decimal number: what spreadsheets write and what repr() of a float produces.
# Stricter than float(), which also takes "1_000", "infinity" and non-ASCII digits.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


class CSVError(ValueError):
    """A CSV upload was rejected; the message is meant to be shown to the user as is."""


def _format_allowed(allowed: Iterable[float]) -> str:
    return ", ".join(format_label(v) for v in sorted(allowed))


def _check_allowed(allowed_labels: Iterable[float] | None) -> frozenset[float] | None:
    if allowed_labels is None:
        return None
    allowed = frozenset(float(v) for v in allowed_labels)
    if not allowed or not all(math.isfinite(v) for v in allowed):
        raise ValueError("allowed_labels must be a non-empty set of finite numbers or None")
    return allowed


class PointSet:
    """An editable set of labelled 2D points, e.g. the ones a user clicks onto the page.

    ``allowed_labels`` fixes which labels a click may carry ({-1, 1} for binary,
    {0, 1, 2} for three classes, ``None`` for any finite regression target), so bad
    points are refused when added, not discovered at training time.
    """

    def __init__(self, allowed_labels: Iterable[float] | None = None) -> None:
        self._allowed = _check_allowed(allowed_labels)
        self._rows: list[tuple[float, float, float]] = []

    @property
    def allowed_labels(self) -> frozenset[float] | None:
        """The labels points may carry, or None for any finite value."""
        return self._allowed

    def _check_row(self, x1: float, x2: float, label: float) -> tuple[float, float, float]:
        row = (float(x1), float(x2), float(label))
        if not (math.isfinite(row[0]) and math.isfinite(row[1])):
            raise ValueError(f"coordinates must be finite numbers, got ({x1!r}, {x2!r})")
        if not math.isfinite(row[2]):
            raise ValueError(f"label must be a finite number, got {label!r}")
        if self._allowed is not None and row[2] not in self._allowed:
            raise ValueError(
                f"label {format_label(row[2])} is not one of {_format_allowed(self._allowed)}"
            )
        return row

    def _check_room(self, extra: int) -> None:
        if len(self._rows) + extra > MAX_ROWS:
            raise ValueError(
                f"a user data set holds at most {MAX_ROWS} points; it has "
                f"{len(self._rows)} and {extra} more were added"
            )

    def add(self, x1: float, x2: float, label: float) -> None:
        """Add one point; raises ValueError for non-finite values, a label that is not
        allowed, or a set already holding MAX_ROWS points."""
        row = self._check_row(x1, x2, label)
        self._check_room(1)
        self._rows.append(row)

    def extend(self, points: np.ndarray, labels: np.ndarray) -> None:
        """Add many points (e.g. a parsed CSV) all or nothing."""
        points = np.asarray(points, dtype=np.float64)
        labels = np.asarray(labels, dtype=np.float64)
        if points.ndim != 2 or points.shape[1] != 2 or labels.shape != (len(points),):
            raise ValueError(
                f"expected points (N, 2) and labels (N,), got {points.shape} and {labels.shape}"
            )
        rows = [self._check_row(p[0], p[1], lab) for p, lab in zip(points, labels, strict=True)]
        self._check_room(len(rows))
        self._rows.extend(rows)

    def remove_near(self, x1: float, x2: float, radius: float) -> int:
        """Remove every point within ``radius`` (inclusive) of (x1, x2); return how many."""
        if not (math.isfinite(x1) and math.isfinite(x2)) or not radius >= 0:
            raise ValueError("remove_near needs finite coordinates and a radius >= 0")
        kept = [r for r in self._rows if math.hypot(r[0] - x1, r[1] - x2) > radius]
        removed = len(self._rows) - len(kept)
        self._rows = kept
        return removed

    def clear(self) -> None:
        """Remove every point."""
        self._rows = []

    @property
    def points(self) -> np.ndarray:
        """A copy of the points as float64 ``(N, 2)``."""
        return np.array([r[:2] for r in self._rows], dtype=np.float64).reshape(-1, 2)

    @property
    def labels(self) -> np.ndarray:
        """A copy of the labels as float64 ``(N,)``."""
        return np.array([r[2] for r in self._rows], dtype=np.float64)

    def __len__(self) -> int:
        return len(self._rows)


def check_size(size: int) -> None:
    """Refuse a file of ``size`` bytes if it is over MAX_BYTES (a browser checks
    before sending it; the parser checks again)."""
    if size > MAX_BYTES:
        raise CSVError(
            f"file is {size / 1e6:.1f} MB ({size:,} bytes); "
            f"the limit is {MAX_BYTES // 1_000_000} MB"
        )


def _decode(data: str | bytes) -> str:
    """Check the size, then decode as UTF-8 (one BOM allowed)."""
    if isinstance(data, str):
        size = len(data) if len(data) > MAX_BYTES else len(data.encode("utf-8", "surrogatepass"))
        raw = None
    elif isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        size = len(raw)
    else:
        raise TypeError(f"CSV data must be str or bytes, got {type(data).__name__}")
    check_size(size)
    if raw is None:
        text = data.removeprefix("\ufeff")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            line = raw.count(b"\n", 0, err.start) + 1
            raise CSVError(
                f"line {line}: byte 0x{raw[err.start]:02x} is not UTF-8 text; "
                "this does not look like a CSV file saved as UTF-8"
            ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise CSVError(
            f"line {line}: contains a NUL byte; this looks like a binary file, not CSV text"
        )
    return text


def _looks_like_header(fields: list[str]) -> bool:
    """True if no field is a number at all, i.e. the line is meant as column names."""
    for field in fields:
        try:
            float(field)
        except ValueError:
            continue
        return False
    return True


def _number(text: str, line: int, column: str) -> float:
    shown = text if len(text) <= 30 else text[:27] + "..."
    if not text:
        raise CSVError(f"line {line}: the {column} value is empty")
    if not _NUMBER.fullmatch(text):
        try:
            special = not math.isfinite(float(text))  # nan, inf, infinity in any case
        except ValueError:
            special = False
        if special:
            raise CSVError(
                f"line {line}: {shown!r} is not a finite number (nan and inf are not allowed)"
            )
        raise CSVError(f"line {line}: {shown!r} is not a number")
    value = float(text)
    if not math.isfinite(value):
        raise CSVError(f"line {line}: {shown!r} is too large to be a finite number")
    return value


def _check_inside(fields: list[str], values: tuple[float, float], line: int, extent: float) -> None:
    """Refuse a point off the square [-extent, extent]²: it would train the network
    where nobody can see it (a point at 1e308 loads fine and is simply never drawn)."""
    for field, value, column in zip(fields, values, COLUMNS, strict=False):
        if abs(value) > extent:
            shown = field if len(field) <= 30 else field[:27] + "..."
            bound = format_label(extent)
            raise CSVError(
                f"line {line}: {column} = {shown} is outside the plane that is drawn; "
                f"coordinates must be from -{bound} to {bound}"
            )


def parse_csv(
    data: str | bytes,
    allowed_labels: set[float] | None = None,
    *,
    extent: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Parse ``x1,x2,label`` rows into float64 points ``(N, 2)`` and labels ``(N,)``.

    One optional header line ``x1,x2,label`` (any case, spaces allowed) and blank lines
    are accepted; everything else must be exactly three finite numbers per line, at
    most MAX_ROWS rows and MAX_BYTES bytes, labels in ``allowed_labels`` when given,
    coordinates within [-extent, extent] when ``extent`` is given (the file format
    itself has no range; the page that shows the points has).
    Any problem raises :class:`CSVError` naming the line (1-based) and what is wrong.
    """
    allowed = _check_allowed(allowed_labels)
    text = _decode(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rows: list[tuple[float, float, float]] = []
    header_line = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        fields = [field.strip() for field in line.split(",")]
        if not rows and not header_line and _looks_like_header(fields):
            if [f.lower() for f in fields] != list(COLUMNS):
                raise CSVError(
                    f"line {number}: the header must be x1,x2,label, got {line.strip()[:60]!r}"
                )
            header_line = number
            continue
        if len(fields) != 3:
            raise CSVError(f"line {number}: expected 3 values (x1,x2,label), got {len(fields)}")
        x1, x2, label = (_number(f, number, c) for f, c in zip(fields, COLUMNS, strict=True))
        if extent is not None:
            _check_inside(fields, (x1, x2), number, extent)
        if allowed is not None and label not in allowed:
            raise CSVError(
                f"line {number}: label {format_label(label)} is not one of "
                f"{_format_allowed(allowed)}"
            )
        if len(rows) == MAX_ROWS:
            raise CSVError(
                f"line {number}: more than {MAX_ROWS} rows; the limit is {MAX_ROWS} data rows"
            )
        rows.append((x1, x2, label))
    if not rows:
        where = f"after the header on line {header_line}" if header_line else "in the file"
        raise CSVError(f"no data rows {where}; expected lines of x1,x2,label")
    table = np.array(rows, dtype=np.float64)
    return np.ascontiguousarray(table[:, :2]), table[:, 2].copy()


def to_csv(points: np.ndarray, labels: np.ndarray) -> str:
    """Write ``x1,x2,label`` text that :func:`parse_csv` reads back bit-exactly.

    Coordinates use ``repr`` (the shortest text that round-trips); integral labels are
    written without ".0" so a hand-edited file looks like ``1.5,-2.0,1``.
    """
    points = np.asarray(points, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or labels.shape != (len(points),):
        raise ValueError(
            f"expected points (N, 2) and labels (N,), got {points.shape} and {labels.shape}"
        )
    if not (np.all(np.isfinite(points)) and np.all(np.isfinite(labels))):
        raise ValueError("points and labels must be finite to be written as CSV")
    lines = [",".join(COLUMNS)]
    lines.extend(
        f"{float(x1)!r},{float(x2)!r},{format_label(lab)}"
        for (x1, x2), lab in zip(points.tolist(), labels.tolist(), strict=True)
    )
    return "\n".join(lines) + "\n"
