"""What a page lets a URL take away (``hide=``) and pick (``show=``), declared on
the page's class.

A page class declares its names once, before any page is built, so the URL
parser, its warnings, the README's list and the tests read the same names the
page hides (``hide=features`` was once accepted and hid nothing because the
names were typed in two places). A built page resolves the declaration against
the components it made (:meth:`PageDeclaration.hideable`,
:meth:`PageDeclaration.shown`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from playground.experiment import Config

#: An attribute name that says "the page hides or draws this itself" (inside the
#: stage, or by not building it), so there is no component to look up.
ITSELF = ""


def slug(label: str) -> str:
    """The URL word for a label a person reads: ``"Problem type"`` -> ``problem_type``."""
    return re.sub(r"[^0-9a-z]+", "_", label.lower()).strip("_")


def _frozen(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class PageDeclaration:
    """The ``hide=`` and ``show=`` names of one page class.

    ``knobs``: the Config knobs with a control on the page (``hide=`` takes
    their names, and the words of their labels). ``parts``: the page's other
    hideable parts -> the page attribute holding each (:data:`ITSELF` when the
    page hides it on its own). ``show``: an embedded page's parts -> the
    attribute holding each (:data:`ITSELF`: drawn inside the stage).
    ``labels``: the words a person reads for a part, where they are not its name.
    """

    knobs: tuple[str, ...]
    parts: Mapping[str, str] = field(default_factory=dict)
    show: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("parts", "show", "labels"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        clash = set(self.knobs) & set(self.parts)
        if clash:
            raise ValueError(f"declared both as a knob and as a part: {sorted(clash)}")

    @property
    def hide_names(self) -> tuple[str, ...]:
        """Every name ``hide=`` takes on this page, knobs first."""
        return (*self.knobs, *self.parts)

    def label(self, name: str) -> str:
        """What a person reads on the page for ``name``."""
        if name in self.knobs:
            return Config.param[name].label
        return self.labels.get(name, name)

    def aliases(self) -> dict[str, str]:
        """The words of each label as a URL name (``problem_type``) -> the name
        itself (``problem``), where the two differ."""
        out = {}
        for name in self.hide_names:
            word = slug(self.label(name))
            if word and word != name:
                out[word] = name
        return out

    def hideable(self, page: Any, controls: Mapping[str, Any]) -> dict[str, tuple]:
        """Each name -> the components of ``page`` that ``hide=`` hides. A knob's
        control is looked up in ``controls`` (a knob whose control is built later,
        such as the More knobs, is left out of it then); a part's in its attribute."""
        out: dict[str, tuple] = {}
        for name in self.knobs:
            out[name] = (controls[name],) if name in controls else ()
        for name, attr in self.parts.items():
            out[name] = () if attr == ITSELF else (getattr(page, attr),)
        return out

    def shown(self, page: Any) -> dict[str, Any]:
        """The ``show=`` parts ``page`` shows or hides itself as components (the
        ones drawn inside its stage are left to the page)."""
        return {name: getattr(page, attr) for name, attr in self.show.items() if attr != ITSELF}
