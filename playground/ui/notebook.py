"""The playground inside a Jupyter notebook: ``Playground(dataset="spiral")``."""

from __future__ import annotations

import panel as pn

from playground.ui import app


class Playground(app.Playground):
    """The 2-D playground as a notebook cell: any knob as a keyword argument.

    Displaying it loads Panel's notebook extension if that has not been done, so
    one line is enough; Play trains live in the cell (the kernel runs the loop).
    """

    def _repr_mimebundle_(self, include=None, exclude=None):
        if not getattr(pn.extension, "_loaded", False):
            pn.extension()
        return super()._repr_mimebundle_(include, exclude)
