"""Argument checks shared by the data modules.

Every knob in the playground ends up here from a widget, a URL query or a CLI flag, so a
bad value must fail early with a message that says what was wrong *and* what is allowed,
rather than surfacing later as a NumPy shape error deep inside training.
"""

from __future__ import annotations

import math
import numbers


def check_int(name: str, value: object, low: int, high: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is an integer in ``[low, high]``.

    ``bool`` is rejected on purpose: ``True`` samples is always a caller's mistake.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    result = int(value)
    if result < low or (high is not None and result > high):
        allowed = f"{low}..{high}" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be in {allowed}, got {result}")
    return result


def check_real(name: str, value: object, low: float, high: float) -> float:
    """Return ``value`` as a ``float`` if it is a finite real number in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    result = float(value)
    if not math.isfinite(result) or result < low or result > high:
        raise ValueError(f"{name} must be in [{low:g}, {high:g}], got {result:g}")
    return result


def format_label(value: float) -> str:
    """Print a label the way a person writes it: ``1`` and ``-1``, not ``1.0``.

    Everything else (fractions, -0.0, huge values) keeps ``repr`` so the text reads back
    as exactly the same float.
    """
    value = float(value)
    negative_zero = value == 0 and math.copysign(1.0, value) < 0
    if value.is_integer() and abs(value) < 1e16 and not negative_zero:
        return str(int(value))
    return repr(value)
