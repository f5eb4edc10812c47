"""Train a session, keep the boundary at the chosen epochs, write the animation.

Training comes first and only keeps the 100x100 output grid of each shown epoch
(a few kilobytes), so the frames can be drawn afterwards against the finished
history: the loss axes then span the whole run and do not rescale from frame to
frame.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from playground.experiment import MNIST, Session
from playground.export.options import HOLD_SECONDS, ExportOptions
from playground.export.render import FrameRenderer
from playground.export.write import write_gif, write_html

#: Resolution of the boundary grid, as on the page.
GRID = 100


@dataclass(frozen=True)
class Result:
    """What was written, for the command line to report."""

    path: Path
    bytes: int
    epochs: list[int]  # the epoch of each frame
    train_seconds: float
    render_seconds: float
    message: str  # why training stopped early ('' if it did not)


def describe(session: Session) -> str:
    """One line naming the data, inputs, hidden layers and learning rate."""
    c, plan = session.config, session.plan
    acts = list(dict.fromkeys(plan.activations))
    hidden = "-".join(map(str, plan.hidden))
    net = f"hidden {hidden} {'/'.join(acts)}" if hidden else "no hidden layer"
    return (
        f"{c.dataset} data  ·  inputs {', '.join(c.features)}  ·  {net}  ·  "
        f"learning rate {c.learning_rate:g}"
    )


def record(session: Session, epochs: list[int], quiet: bool) -> list[tuple[int, np.ndarray]]:
    """Train to each epoch in ``epochs`` (ascending, from the session's current one)
    and keep the output grid there. Stops early if training diverges."""
    grids: list[tuple[int, np.ndarray]] = []
    with tqdm(
        total=epochs[-1] - session.epoch,
        desc="training",
        unit="epoch",
        file=sys.stderr,
        disable=quiet,
    ) as bar:
        for target in epochs:
            while session.epoch < target:
                session.step(1)
                if session.diverged or session.message:
                    return grids
                bar.update(1)
            grids.append((target, session.predict_grid(GRID)))
    return grids


def export_animation(session: Session, options: ExportOptions, quiet: bool = False) -> Result:
    """Train ``session`` for ``options.epochs`` epochs and write the GIF or HTML file.

    Raises ValueError if the session has no plane to draw (MNIST) and OSError if the
    file cannot be written.
    """
    options.check()
    if session.config.dataset == MNIST:
        raise ValueError("MNIST images have 784 inputs: there is no 2-D boundary to animate")
    start = time.perf_counter()
    grids = record(session, options.epochs_shown, quiet)
    train_seconds = time.perf_counter() - start
    start = time.perf_counter()
    renderer = FrameRenderer(
        session, options.epochs, options.size, options.show_test, describe(session)
    )
    frames = [
        renderer.render(epoch, grid)
        for epoch, grid in tqdm(grids, desc="drawing", unit="frame", file=sys.stderr, disable=quiet)
    ]
    shown = [epoch for epoch, _ in grids]
    path = Path(options.out)
    # Written beside the target and renamed at the end: a failed write never leaves
    # half a file in place of a good one.
    partial = path.with_name(f".{path.name}.partial")
    try:
        if options.format == "gif":
            write_gif(frames, partial, options.fps, HOLD_SECONDS, renderer.key_colors())
        else:
            title = f"NN Playground: {session.config.dataset}, {options.epochs} epochs"
            query = session.config.to_query()
            write_html(frames, shown, partial, options.fps, HOLD_SECONDS, title, query)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return Result(
        path=path,
        bytes=path.stat().st_size,
        epochs=shown,
        train_seconds=train_seconds,
        render_seconds=time.perf_counter() - start,
        message=session.message,
    )
