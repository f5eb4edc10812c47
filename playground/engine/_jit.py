"""The one place that says how engine kernels are compiled.

Every kernel uses the same options so that behaviour is uniform:

* ``cache=True``: compiled machine code is written next to the sources, so a
  second process (a test run, the server) starts in well under a second.
* ``nogil=True``: the page trains in a worker thread while Bokeh serves others.
* ``error_model="numpy"``: a division by zero yields inf/NaN instead of raising.
  Besides matching NumPy, this removes a branch from every division, which is
  what lets LLVM vectorise the activation loops (4-8 lanes at a time).
* fastmath flags *without* ``nnan``/``ninf``: reassociation and contraction
  allow SIMD reductions, but NaN and Inf still propagate so that divergence is
  detected rather than optimised away.
"""

from __future__ import annotations

from numba import njit

FASTMATH = frozenset({"nsz", "arcp", "contract", "afn", "reassoc"})


def kernel(func=None, *, inline: str = "never"):
    """Decorate ``func`` as an engine kernel (see module docstring)."""

    def wrap(f):
        return njit(
            cache=True, nogil=True, error_model="numpy", fastmath=set(FASTMATH), inline=inline
        )(f)

    return wrap(func) if func is not None else wrap
