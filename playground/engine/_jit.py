"""The one place that says how engine kernels are compiled.

Every kernel uses the same options so that behaviour is uniform:

* ``cache=True``: compiled machine code is written next to the sources, so a
  second process (a test run, the server) starts in well under a second. Numba
  checks only the stamp of the file that defines a kernel, so a kernel that
  inlines one from another file (a layer calling an activation) would keep
  running the old code after that other file changed. The cache therefore
  lives in a directory named by a hash of all the engine's sources
  (:data:`CACHE_DIR`): any change to any engine file starts a fresh cache, and
  the caches of earlier versions are removed.
* ``nogil=True``: the page trains in a worker thread while Bokeh serves others.
* ``error_model="numpy"``: a division by zero yields inf/NaN instead of raising.
  Besides matching NumPy, this removes a branch from every division, which is
  what lets LLVM vectorise the activation loops (4-8 lanes at a time).
* fastmath flags *without* ``nnan``/``ninf``: reassociation and contraction
  allow SIMD reductions, but NaN and Inf still propagate so that divergence is
  detected rather than optimised away.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from numba import njit
from numba.core import config as numba_config

FASTMATH = frozenset({"nsz", "arcp", "contract", "afn", "reassoc"})
_ENGINE = Path(__file__).resolve().parent
_PREFIX = "engine-"


def sources_hash(folder: Path = _ENGINE) -> str:
    """A short hash of every engine source file (names and contents)."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _cache_dir() -> str:
    """Where this version of the engine keeps its compiled kernels: under the
    user's ``NUMBA_CACHE_DIR`` if set, else the engine's ``__pycache__`` (or the
    temporary directory where that is not writable), in a folder named by the
    hash of the sources. Older versions' folders beside it are removed."""
    base = Path(os.environ.get("NUMBA_CACHE_DIR") or _ENGINE / "__pycache__")
    try:
        base.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=base):
            pass
    except OSError:
        base = Path(tempfile.gettempdir()) / "nn-playground-numba"
    here = base / (_PREFIX + sources_hash())
    for old in base.glob(_PREFIX + "*"):
        if old != here:
            shutil.rmtree(old, ignore_errors=True)
    for old in base.glob("*.nb[ic]"):  # kept beside the sources by earlier versions
        old.unlink(missing_ok=True)
    return str(here)


#: The compiled kernels of this exact engine version (see the module docstring).
CACHE_DIR = _cache_dir()


def kernel(func=None, *, inline: str = "never"):
    """Decorate ``func`` as an engine kernel (see module docstring)."""

    def wrap(f):
        # Numba picks a kernel's cache location when it is decorated: point it at
        # this version's folder for our kernels only, leaving anyone else's alone.
        before, numba_config.CACHE_DIR = numba_config.CACHE_DIR, CACHE_DIR
        try:
            return njit(
                cache=True, nogil=True, error_model="numpy", fastmath=set(FASTMATH), inline=inline
            )(f)
        finally:
            numba_config.CACHE_DIR = before

    return wrap(func) if func is not None else wrap
