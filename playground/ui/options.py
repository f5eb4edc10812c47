"""How the page itself is shown, declared once like the experiment's knobs.

These are the URL keys that are not knobs of the experiment: which mode, which
theme, presenter mode, embedding in slides (``embed``, ``show``, ``autoplay``),
controls hidden from students (``hide``) and a guided lesson. They are parsed
as forgivingly as the Config: an unknown value is dropped with a warning,
never an error.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from urllib.parse import parse_qsl, urlencode

import param

from playground.experiment import parse_boolean
from playground.ui.pages import DEFAULT_MODE, MODES, hide_aliases, hide_names, show_parts

TRUE = {"1", "true", "yes", "on"}
#: A page nobody has touched for this long pauses (``playground serve --idle-minutes``).
IDLE_MINUTES = 10.0


class PageOptions(param.Parameterized):
    """The page's own settings (the experiment's knobs live in Config)."""

    mode = param.Selector(
        default=DEFAULT_MODE,
        objects=list(MODES),
        doc="Which page: " + ", ".join(f"{key} ({m.label})" for key, m in MODES.items()) + ".",
    )
    theme = param.Selector(
        default="light",
        objects=["light", "dark"],
        doc="Light for a bright room, dark for a dim one.",
    )
    presenter = param.Boolean(default=False, doc="Larger type and thicker lines for a projector.")
    embed = param.Boolean(
        default=False, doc="Only the playground's working parts, for an iframe in slides."
    )
    show = param.List(
        default=None,
        allow_None=True,
        item_type=str,
        doc="Which parts an embedded page shows (None: all it has). The parts are "
        "what the pages declare, read when a query is split (pages.show_parts).",
    )
    autoplay = param.Boolean(default=False, doc="Start training as soon as the page opens.")
    hide = param.List(
        default=[],
        item_type=str,
        doc="Controls to hide, so students see only today's knobs: a knob's name "
        "(learning_rate) or the words of its label (problem_type for Problem type), "
        "or a part of the page (dataset, play, ...).",
    )
    lesson = param.String(default="", doc="A guided lesson to open (its name).")

    def to_pairs(self) -> list[tuple[str, str]]:
        """The options that differ from their defaults, as URL pairs."""
        pairs = []
        for name in ("mode", "theme", "lesson"):
            if getattr(self, name) != self.param[name].default:
                pairs.append((name, getattr(self, name)))
        for name in ("presenter", "embed", "autoplay"):
            if getattr(self, name):
                pairs.append((name, "true"))
        if self.embed and self.show is not None and list(self.show) != list(show_parts()):
            pairs.append(("show", ",".join(self.show)))
        if self.hide:
            pairs.append(("hide", ",".join(self.hide)))
        return pairs


def split_query(
    query: str,
    hideable: Collection[str] | None = None,
    aliases: Mapping[str, str] | None = None,
) -> tuple[PageOptions, str, list[str]]:
    """Separate the page's options from the experiment's knobs in a URL query.

    ``hide=`` takes the names in ``hideable`` (by default every name a page
    declares) and the words of their labels (``aliases``: ``problem_type`` ->
    ``problem``), kept under the name so the link written back is canonical.
    Returns the options, the rest of the query (for ``Config.from_query``) and
    warnings about values that were dropped. Never raises.
    """
    hideable = hide_names() if hideable is None else hideable
    aliases = hide_aliases() if aliases is None else aliases
    parts = show_parts()
    options, rest, warnings = PageOptions(), [], []
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key not in PageOptions.param or key == "name":
            rest.append((key, value))
            continue
        p = PageOptions.param[key]
        if key in ("show", "hide"):
            allowed = parts if key == "show" else hideable
            items = [v.strip() for v in value.split(",") if v.strip()]
            names = [aliases.get(v, v) for v in items] if key == "hide" else items
            bad = [v for v, n in zip(items, names) if n not in allowed]
            if bad:
                warnings.append(f"{key}: ignored {', '.join(repr(b[:30]) for b in bad[:5])}")
            options.param.update({key: list(dict.fromkeys(n for n in names if n in allowed))})
        elif isinstance(p, param.Boolean):
            try:
                options.param.update({key: parse_boolean(value)})
            except ValueError as err:
                default = "true" if p.default else "false"
                warnings.append(f"{key}: {value[:40]!r} {err}; using {default}")
        elif isinstance(p, param.Selector):
            if value in p.objects:
                options.param.update({key: value})
            else:
                warnings.append(f"{key}: {value[:40]!r} is not one of {', '.join(p.objects)}")
        else:
            options.param.update({key: value[:80]})
    return options, urlencode(rest), warnings
