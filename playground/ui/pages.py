"""The page's modes, one row each: the label on the mode switch, the page class,
and the Config a new page of that mode starts from.

The shell's switch, the URL's ``mode=``, the link between ``dataset=mnist`` and
the MNIST mode, and every ``hide=``/``show=`` name the URL accepts are read
from here (and from each page class's own
:class:`~playground.ui.declare.PageDeclaration`), so adding a mode is one row.

Panel-free: a row names its page class by import path and imports it when a
page is built or its names are read, so the CLI and the URL options
(options.py) know the modes without loading Panel.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import import_module
from types import MappingProxyType
from typing import Any

from playground.experiment import MNIST, Config


@dataclass(frozen=True)
class Mode:
    """One mode of the page."""

    label: str  # on the mode switch
    page_path: str  # the page class as "module:Class" (see the module doc)
    #: The data set only this mode trains on (its default Config picks it, and a
    #: URL or lesson naming it opens this mode); None: any other data set.
    dataset: str | None = None
    #: What else the shell hands a page of this mode: the URL's warnings,
    #: whether the stage has its own websocket.
    extras: tuple[str, ...] = ()
    #: The knobs a page of this mode starts from, as a URL query, under the
    #: link's own (""): the class defaults, or the data set's).
    query: str = ""

    @property
    def page(self) -> type:
        """The page class (imported on first use)."""
        module, _, name = self.page_path.partition(":")
        return getattr(import_module(module), name)

    def default_config(self) -> Config:
        """The Config a page of this mode starts from when the URL gave none."""
        if self.query:
            return Config.from_query(self.query)[0]
        return Config() if self.dataset is None else Config(dataset=self.dataset)

    def build(self, config: Config, theme: Any, **context: Any) -> Any:
        """A page of this mode; ``context`` holds what the shell has for any
        page (``warnings``, ``live_socket``, ``queries``: the
        other pages' knobs), of which it takes its ``extras``."""
        return self.page(
            config, theme=theme, **{k: context[k] for k in self.extras if k in context}
        )


#: Every mode, the default first.
MODES: Mapping[str, Mode] = MappingProxyType(
    {
        "playground": Mode(
            "2-D playground", "playground.ui.plane:Playground", extras=("warnings", "live_socket")
        ),
        "mnist": Mode(
            "MNIST digits",
            "playground.ui.mnist_page:MnistPage",
            dataset=MNIST,
            extras=("warnings", "live_socket"),
        ),
        "experiments": Mode(
            "Experiments",
            "playground.ui.experiments_page:ExperimentsPage",
            extras=("warnings", "queries"),
            # the spiral with sin features learns in a few hundred epochs, and its
            # accuracy depends on the learning rate and the L2 rate the page varies
            query="dataset=spiral&hidden=8,8&features=x1,x2,sinx1,sinx2"
            "&regularization=l2&validation_ratio=20",
        ),
    }
)
DEFAULT_MODE = next(iter(MODES))

#: Knobs that no page has a control for, on purpose: a URL, a lesson or the CLI
#: sets them. Every other knob of the Config is on some page (a test holds this).
OFF_PAGE_KNOBS = (
    "activations",  # one activation per layer: the URL and the lessons set it
    "eps",  # the optimizers' numerical guard, not a teaching knob
    "mnist_train",  # the sizes of the MNIST subsets: for the CLI and quick tests
    "mnist_test",
)


def mode_of(config: Config) -> str:
    """The mode whose page trains on ``config``'s data set."""
    for key, mode in MODES.items():
        if mode.dataset == config.dataset:
            return key
    return next(key for key, mode in MODES.items() if mode.dataset is None)


def hide_names() -> tuple[str, ...]:
    """Every name ``hide=`` takes on some page, in the order the pages declare them."""
    return tuple(dict.fromkeys(n for m in MODES.values() for n in m.page.DECLARED.hide_names))


def hide_warnings(mode: str, names: Iterable[str]) -> list[str]:
    """A warning for each ``hide=`` name that the page of ``mode`` does not declare.

    ``hide=`` takes every page's names (a link may hide controls of both pages:
    the mode switch shows the other one), so a name of another page only, such
    as the MNIST page's ``hidden`` on the 2-D page (whose layer buttons are
    ``layers``), was accepted and silently hid nothing. It is kept for the page
    it belongs to, and this says where it belongs and what this page's parts are.
    """
    here = MODES[mode]
    own = here.page.DECLARED
    warnings = []
    for name in names:
        if name in own.hide_names:
            continue
        owners = " and ".join(m.label for m in MODES.values() if name in m.page.DECLARED.hide_names)
        parts = f", whose parts are {', '.join(own.parts)}" if own.parts else ""
        warnings.append(
            f"hide: {name!r} is a name on the {owners} page; "
            f"it hides nothing on the {here.label} page{parts}"
        )
    return warnings


def hide_aliases() -> dict[str, str]:
    """The words of a control's label (``problem_type``) -> the name ``hide=``
    means by them (``problem``), over every page; a word that is itself a name,
    or that two pages read as different names, is not an alias."""
    names = set(hide_names())
    seen: dict[str, set[str]] = {}
    for mode in MODES.values():
        for word, name in mode.page.DECLARED.aliases().items():
            seen.setdefault(word, set()).add(name)
    return {w: next(iter(n)) for w, n in seen.items() if len(n) == 1 and w not in names}


def show_parts() -> tuple[str, ...]:
    """Every part ``show=`` takes on some page, in the order the pages declare them."""
    return tuple(dict.fromkeys(p for m in MODES.values() for p in m.page.DECLARED.show))
