"""NN Playground: a neural-network playground with a Numba engine and a live page.

``from playground import Playground`` gives the page's 2-D playground as a Panel
component, so ``Playground(dataset="spiral")`` displays it live in a Jupyter
notebook. Panel is imported only when ``Playground`` is first used, so the
engine, data and experiment layers stay light to import.
"""

from __future__ import annotations

__all__ = ["Playground"]


def __getattr__(name: str):
    if name == "Playground":
        from playground.ui.notebook import Playground

        return Playground
    raise AttributeError(f"module 'playground' has no attribute {name!r}")
