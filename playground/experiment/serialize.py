"""The configuration as a URL query or JSON, and the weights as JSON.

A shared link or a hand-edited file is untrusted input, so reading one never raises:
unknown keys are ignored, malformed and out-of-range values fall back to the default,
items of a list of sizes are clamped, and each of these produces a warning the page can
show. An out-of-range number falls back to the default rather than to the bound it
crossed because a bound is an extreme (``learning_rate=-5`` clamped would be 0: a
network that never learns); the default is the one setting known to work.
Explicit CLI flags go through the same converters with ``strict=True`` and get an
error instead. Every conversion is derived from the Parameter declared on
:class:`~playground.experiment.config.Config`: its type, bounds and objects.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any
from urllib.parse import parse_qsl, quote

import param

from playground.experiment.config import KNOBS, Config
from playground.experiment.params import ChoiceList, IntList
from playground.experiment.plan import make_plan

#: Longest query or JSON text read; beyond that a link is not a playground link.
MAX_TEXT = 20_000
#: Longest single value read (a list of eight layer sizes fits easily).
MAX_VALUE = 500
#: At most this many warnings are listed; the rest are counted.
MAX_WARNINGS = 20

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def _show(raw: Any) -> str:
    """A short, printable rendering of untrusted input for a warning."""
    text = raw if isinstance(raw, str) else json.dumps(raw, default=str)
    text = repr(text)
    return text if len(text) <= 42 else text[:39] + "...'"


def _text_items(raw: Any) -> list:
    """A list value as items: a comma-separated string or a JSON list."""
    if isinstance(raw, str):
        stripped = raw.strip().strip("[]")
        return [item.strip().strip("'\"") for item in stripped.split(",")] if stripped else []
    if isinstance(raw, list | tuple):
        return list(raw)
    raise ValueError("is not a list")


def parse_boolean(raw: Any) -> bool:
    """``raw`` as a boolean: True/False, 1/0 or one of the words for them ("yes", "off").

    The page's own switches (``presenter=``, ``embed=``) read their values through
    this too, so a link's "yes" means the same wherever it is written. Anything else
    raises ValueError: "maybe" is not quietly false.
    """
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower() if isinstance(raw, str | int) else None
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    raise ValueError("is not true or false")


def _number(raw: Any) -> float | int:
    if isinstance(raw, bool) or raw is None:
        raise ValueError("is not a number")
    if isinstance(raw, int | float):
        return raw
    if not isinstance(raw, str):
        raise ValueError("is not a number")
    text = raw.strip().replace(" ", "+")  # an unencoded '+' in 1e+3 arrives as a space
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        raise ValueError("is not a number") from None


def _bound(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e16 else f"{value:g}"


def _clamp(
    bounds: tuple[float | None, float | None], value: float, subject: str = "is"
) -> tuple[float, str | None]:
    """``value`` moved into ``bounds``, and what was wrong ("is below the minimum 1")."""
    lo, hi = bounds
    if lo is not None and value < lo:
        return lo, f"{subject} below the minimum {_bound(lo)}"
    if hi is not None and value > hi:
        return hi, f"{subject} above the maximum {_bound(hi)}"
    return value, None


def _in_range(p: param.Number, value: float) -> float:
    """``value`` if it is within the bounds of ``p``; else ValueError saying which bound."""
    _, note = _clamp(p.bounds, value)
    if note:
        raise ValueError(note)
    return value


def _convert(p: param.Parameter, raw: Any) -> tuple[Any, str | None]:
    """Best valid value for ``raw`` and what had to be fixed (None if nothing).

    Raises ValueError (the reason) when there is no sensible value at all.
    """
    if isinstance(raw, str) and len(raw) > MAX_VALUE:
        raise ValueError(f"is longer than {MAX_VALUE} characters")
    if isinstance(p, param.Boolean):
        return parse_boolean(raw), None
    if isinstance(p, param.Integer):
        value = _number(raw)
        fraction = None
        if isinstance(value, float):
            if math.isnan(value):
                raise ValueError("is not a number")
            if math.isfinite(value) and not value.is_integer():
                fraction = "is not a whole number"
        return int(round(_in_range(p, value))), fraction
    if isinstance(p, param.Number):
        value = _number(raw)
        if isinstance(value, float) and math.isnan(value):
            raise ValueError("is not a number")
        return float(_in_range(p, value)), None
    if isinstance(p, ChoiceList):
        return _convert_names(p, raw)
    if isinstance(p, param.Selector):
        if raw in p.objects and not isinstance(raw, bool):  # a JSON number choice (kernel 3)
            return raw, None
        if isinstance(raw, str):
            word = raw.strip().lower().replace("-", "_")
            for choice in p.objects:  # the choices as written in a query: "3" is kernel 3
                if word == str(choice):
                    return choice, None
        raise ValueError(f"is not one of {', '.join(map(str, p.objects))}")
    if isinstance(p, IntList):
        return _convert_sizes(p, raw)
    raise TypeError(f"no converter for {type(p).__name__}")  # a new knob type needs one


def _convert_sizes(p: IntList, raw: Any) -> tuple[list[int], str | None]:
    sizes, notes = [], []
    for item in _text_items(raw):
        value = _number(item)
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            raise ValueError("is not a list of whole numbers")
        clamped, note = _clamp(p.item_bounds, int(value), "has an item")
        sizes.append(clamped)
        if note:
            notes.append(note)
    max_items = p.bounds[1]
    if max_items is not None and len(sizes) > max_items:
        sizes = sizes[:max_items]
        notes.append(f"has more than {max_items} items")
    return sizes, "; ".join(dict.fromkeys(notes)) or None


def _convert_names(p: ChoiceList, raw: Any) -> tuple[list[str], str | None]:
    """The known names of ``raw``, each once; the note names what was left out and why.

    An unknown name is listed with the allowed ones, so a typo in a link or on the
    command line (``x3`` for ``x2``) is answered with the spelling that works.
    """
    names, unknown, repeated = [], [], []
    for item in _text_items(raw):
        word = item.strip().lower() if isinstance(item, str) else item
        if word not in p.objects:
            unknown.append(item)
        elif p.unique and word in names:
            repeated.append(item)
        else:
            names.append(word)
    notes = []
    if unknown:
        shown = ", ".join(_show(d) for d in unknown[:3])
        notes.append(f"has {shown}, not one of {', '.join(p.objects)}")
    if repeated:
        shown = ", ".join(_show(d) for d in dict.fromkeys(repeated[:3]))
        notes.append(f"has {shown} more than once")
    if p.max_length is not None and len(names) > p.max_length:
        names = names[: p.max_length]
        notes.append(f"has more than {p.max_length} items")
    if len(names) < p.min_length:
        raise ValueError(f"needs at least {p.min_length} of {', '.join(p.objects)}")
    return names, "; ".join(notes) or None


def convert(name: str, raw: Any) -> tuple[Any, str | None]:
    """Convert one untrusted value for knob ``name`` to a valid one.

    Returns ``(value, note)`` where ``note`` says what had to be fixed (a rounded
    number, a clamped layer size, a dropped list item) or is None. Raises ValueError,
    naming the knob and the reason, when there is no sensible value at all (that
    includes a number outside its bounds).
    """
    try:
        value, note = _convert(Config.param[name], raw)
    except ValueError as err:
        raise ValueError(f"{name}: {_show(raw)} {err}") from None
    return value, (f"{name}: {_show(raw)} {note}" if note else None)


def parse_strict(name: str, raw: Any) -> Any:
    """Convert an explicit value (a CLI flag): anything that needs fixing is an error."""
    value, note = convert(name, raw)
    if note:
        raise ValueError(note)
    return value


def format_value(value: Any) -> str:
    """A value as the query string writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def clean_values(raw: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """Known knobs of ``raw`` converted forgivingly; everything odd becomes a warning.

    An unusable value is left out, so the chosen data set's default applies.
    """
    values = {}
    for key, item in raw.items():
        name = key.strip().lower().replace("-", "_") if isinstance(key, str) else key
        if name not in KNOBS:
            warnings.append(f"ignored unknown setting {_show(key)}.")
            continue
        try:
            value, note = convert(name, item)
        except ValueError as err:
            warnings.append(f"{err}; using the default.")
            continue
        if note:
            warnings.append(f"{note}; using {format_value(value)}.")
        values[name] = value
    return values


def build_config(values: dict[str, Any], warnings: list[str]) -> Config:
    """A Config from cleaned values, plus notes on combinations that do not fit."""
    try:
        config = Config(**values)
    except Exception:  # noqa: BLE001 - belt and braces: fall back one knob at a time
        config = Config(dataset=values.get("dataset", Config.param["dataset"].default))
        for name, value in values.items():
            try:
                setattr(config, name, value)
            except Exception as err:  # noqa: BLE001
                warnings.append(f"{name}: {err}; using the default.")
    warnings.extend(make_plan(config).notes)
    return config


def _finish(warnings: list[str]) -> list[str]:
    if len(warnings) > MAX_WARNINGS:
        more = len(warnings) - MAX_WARNINGS
        return [*warnings[:MAX_WARNINGS], f"... and {more} more warnings."]
    return warnings


# --------------------------------------------------------------------- URL query
def config_to_query(config: Config) -> str:
    """``key=value`` pairs for the knobs that differ from the data set's defaults,
    in declaration order, lists comma-joined: a short, stable, shareable link."""
    parts = [
        f"{name}={quote(format_value(value), safe=',')}" for name, value in config.changed().items()
    ]
    return "&".join(parts)


def parse_query(query: Any) -> tuple[dict[str, Any], list[str]]:
    """Cleaned knob values from a query string (a whole URL is fine) and warnings."""
    warnings: list[str] = []
    if not isinstance(query, str):
        return {}, [f"expected a query string, got {type(query).__name__}."]
    if len(query) > MAX_TEXT:
        warnings.append(f"the query is longer than {MAX_TEXT} characters; the rest is ignored.")
        query = query[:MAX_TEXT]
    query = query.strip()
    if "?" in query:
        query = query.split("?", 1)[1].split("#", 1)[0]
    elif "#" in query:
        query = query.split("#", 1)[1]  # the TF Playground keeps its state after '#'
    raw: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True, errors="replace"):
        name = key.strip().lower().replace("-", "_")
        if not name:
            continue  # '&&' or '=x': nothing to say about an empty key
        if name in raw:
            warnings.append(f"{_show(name)} is given more than once; using the last value.")
        raw[name] = value
    values = clean_values(raw, warnings)
    return values, warnings


def config_from_query(query: Any) -> tuple[Config, list[str]]:
    """A valid Config from any text, and warnings about everything that was fixed."""
    values, warnings = parse_query(query)
    config = build_config(values, warnings)
    return config, _finish(warnings)


# -------------------------------------------------------------------------- JSON
def config_to_json(config: Config) -> str:
    """Every knob, in declaration order, as one JSON object."""
    return json.dumps(config.values())


def parse_json(text: Any) -> tuple[dict[str, Any], list[str]]:
    """Cleaned knob values from JSON text and warnings; never raises."""
    warnings: list[str] = []
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", errors="replace")
    if not isinstance(text, str):
        return {}, [f"expected JSON text, got {type(text).__name__}."]
    if len(text) > MAX_TEXT:
        return {}, [f"the JSON text is longer than {MAX_TEXT} characters; using the defaults."]
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as err:
        return {}, [f"not valid JSON ({str(err)[:80]}); using the defaults."]
    if not isinstance(data, dict):
        return {}, [f"expected a JSON object, got {type(data).__name__}; using the defaults."]
    return clean_values(data, warnings), warnings


def config_from_json(text: Any) -> tuple[Config, list[str]]:
    """A valid Config from JSON text, and warnings about everything that was fixed."""
    values, warnings = parse_json(text)
    config = build_config(values, warnings)
    return config, _finish(warnings)
