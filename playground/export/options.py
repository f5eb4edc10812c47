"""What an export is asked to do, checked before any training starts.

Kept free of Pillow, Bokeh and the engine so the command line can build its parser
(and reject a bad request) without importing the renderer. The bounds of every
option live here and nowhere else; the CLI only repeats them in its help text by
reading these constants.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: File name endings and the format each one selects.
FORMATS = {".gif": "gif", ".html": "html"}

FRAMES_DEFAULT = 50
FRAMES_RANGE = (2, 1000)
SIZE_DEFAULT = 360
SIZE_RANGE = (120, 1600)
#: Browsers draw GIF delays under 20 ms as 100 ms, so 50 frames a second is the top.
FPS_DEFAULT = 10.0
FPS_RANGE = (0.5, 50.0)
#: The last frame stays this long before the animation loops, so a class sees the result.
HOLD_SECONDS = 2.0


def frame_epochs(epochs: int, frames: int) -> list[int]:
    """The epochs shown, evenly spaced from 0 to ``epochs`` inclusive.

    There are ``min(frames, epochs + 1)`` of them: frame ``i`` of ``n`` shows epoch
    ``round(i * epochs / (n - 1))``, so the first is epoch 0 (before training), the
    last is ``epochs`` and no epoch appears twice.
    """
    if epochs < 0 or frames < 1:
        raise ValueError(f"need epochs >= 0 and frames >= 1, got {epochs} and {frames}")
    n = min(frames, epochs + 1)
    if n == 1:
        return [epochs]
    return [round(i * epochs / (n - 1)) for i in range(n)]


def _check_range(flag: str, value: float, bounds: tuple[float, float]) -> None:
    lo, hi = bounds
    if not lo <= value <= hi:
        raise ValueError(f"{flag} must be from {lo:g} to {hi:g}, got {value:g}")


@dataclass(frozen=True)
class ExportOptions:
    """One export request; :meth:`check` says what is wrong with it, if anything."""

    out: Path
    epochs: int
    frames: int = FRAMES_DEFAULT
    size: int = SIZE_DEFAULT
    fps: float = FPS_DEFAULT
    show_test: bool = False

    @property
    def format(self) -> str:
        """``"gif"`` or ``"html"``, from the file name's ending."""
        return FORMATS[Path(self.out).suffix.lower()]

    @property
    def epochs_shown(self) -> list[int]:
        return frame_epochs(self.epochs, self.frames)

    def check(self) -> None:
        """Raise ValueError naming the flag at fault; touch nothing on disk."""
        suffix = Path(self.out).suffix.lower()
        if suffix not in FORMATS:
            endings = " or ".join(FORMATS)
            raise ValueError(
                f"--out must end in {endings} (that decides the format), got {str(self.out)!r}"
            )
        if self.epochs < 1:
            raise ValueError(f"--epochs must be at least 1 for an animation, got {self.epochs}")
        _check_range("--frames", self.frames, FRAMES_RANGE)
        _check_range("--size", self.size, SIZE_RANGE)
        _check_range("--fps", self.fps, FPS_RANGE)
        out = Path(self.out)
        folder = out.parent if str(out.parent) else Path(".")
        if out.is_dir():
            raise ValueError(f"--out {str(out)!r} is a folder; give a file name")
        if not folder.is_dir():
            raise ValueError(f"--out: the folder {str(folder)!r} does not exist")
        if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
            raise ValueError(f"--out: cannot write to {str(out)!r} (permission denied)")
