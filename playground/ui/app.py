"""The entry point of ``panel serve playground/ui/app.py``, and the names the
notebook and the tests have long imported from here.

The pages live in their own modules (:mod:`playground.ui.plane` the 2-D page,
:mod:`playground.ui.mnist_page` the digits, one row each in
:mod:`playground.ui.pages`); :func:`create_app` builds the shell around them
(:mod:`playground.ui.shell`). Serve with ``playground serve`` or
``panel serve playground/ui/app.py``.
"""

from __future__ import annotations

import panel as pn

from playground.ui.plane import DATA_KNOBS, MORE_KNOBS, TOP_KNOBS, Playground
from playground.ui.shell import create_app
from playground.ui.transport import _escaped

__all__ = [
    "DATA_KNOBS",
    "MORE_KNOBS",
    "TOP_KNOBS",
    "Playground",
    "_escaped",
    "create_app",
]

if __name__.startswith("bokeh"):  # `panel serve playground/ui/app.py`
    pn.extension()
    create_app().servable(title="NN Playground")
