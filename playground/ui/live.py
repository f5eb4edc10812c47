"""Text that changes on every frame, set straight on its Bokeh model.

A Panel HTML pane runs each new value through param watchers and its theme
machinery (about a millisecond a change, measured with benchmarks/bench_load.py);
the epoch counter and the loss readout change on every frame, in every session,
so they are Bokeh ``Div`` models whose ``text`` is set directly (tens of
microseconds) and only when it differs.
"""

from __future__ import annotations

import panel as pn
from bokeh.models import Div

#: The epoch counter's look (digits of equal width, so it does not jitter).
EPOCH_STYLE = {"font-variant-numeric": "tabular-nums", "font-size": "22px"}


class LiveHTML(pn.viewable.Viewer):
    """An HTML snippet for per-frame updates; ``object`` reads and sets it."""

    def __init__(self, text: str = "", *, margin=(0, 5), styles=None, css_classes=()):
        super().__init__()
        self.div = Div(
            text=text, margin=margin, styles=dict(styles or {}), css_classes=list(css_classes)
        )
        self._pane = pn.pane.Bokeh(self.div, margin=0)

    @property
    def object(self) -> str:
        return self.div.text

    @object.setter
    def object(self, text: str) -> None:
        if text != self.div.text:
            self.div.text = text

    def __panel__(self):
        return self._pane
