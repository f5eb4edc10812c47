"""Offline animations of a training run, for slides with no server.

``playground export --query QUERY --epochs N --out FILE`` trains headless and writes
the decision boundary and the loss curves at evenly spaced epochs as an animated GIF
(``FILE.gif``) or as one self-contained HTML file with its own player
(``FILE.html``, plays from ``file://`` with no network). See
:func:`~playground.export.options.frame_epochs` for which epochs become frames.

Only the light option checks are imported here, so the command line can build its
parser without Pillow; :func:`playground.export.animation.export_animation` does
the work.
"""

from playground.export.options import (
    FORMATS,
    FPS_DEFAULT,
    FPS_RANGE,
    FRAMES_DEFAULT,
    FRAMES_RANGE,
    HOLD_SECONDS,
    SIZE_DEFAULT,
    SIZE_RANGE,
    ExportOptions,
    frame_epochs,
)

__all__ = [
    "FORMATS",
    "FPS_DEFAULT",
    "FPS_RANGE",
    "FRAMES_DEFAULT",
    "FRAMES_RANGE",
    "HOLD_SECONDS",
    "SIZE_DEFAULT",
    "SIZE_RANGE",
    "ExportOptions",
    "frame_epochs",
]
