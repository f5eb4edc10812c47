"""An epoch's history row evaluated a chunk of rows at a time.

At the end of every epoch a session evaluates a training sample, the
validation side and the test side. On MNIST that is up to 30,000 images: a
conv net's pass takes about 0.4 s, a dense net's 0.1 s, and a page that did it
in one go would stand still that long every epoch, and so would every other
page served by the same process. A page trains in slices
(:meth:`Session.train_slice`), so the evaluation is sliced too:
:class:`EpochEvaluation` goes through the sides in chunks and, when done, gives
each side's loss and outputs as one pass over it would have: a loss is the mean
of its chunks' means weighted by their rows, and products over chunks of another
size round differently, so both may differ from one pass's in float32's last
digits (about one part in a million).
"""

from __future__ import annotations

import sys

import numpy as np

from playground.engine import MLP
from playground.experiment.data import Split

#: Rows evaluated per training row a slice may take. Evaluating a row costs at
#: most what training it does (on MNIST, about 7 of 7 us a row for the dense
#: net, 21 of 55 us for conv 8,16), so a slice that evaluates takes no longer
#: than one that trains.
ROWS_PER_TRAINING_ROW = 1
#: Rows a slice evaluates at least (a conv net's MNIST rows take about 20 ms):
#: a 2-D set of up to 500 points still gets its row in the slice that ends its
#: epoch, as a whole epoch's does.
MIN_ROWS = 1024


def rows_for(batches: int, batch_size: int) -> int:
    """How many rows a slice evaluates in place of ``batches`` training batches."""
    return max(MIN_ROWS, ROWS_PER_TRAINING_ROW * batches * batch_size)


class EpochEvaluation:
    """The sides of one epoch's row, ``[(name, split)]`` (a None split is skipped),
    evaluated a chunk at a time by :meth:`advance`; :attr:`results` then maps each
    name to ``(split, loss, outputs)``, the split being the one evaluated."""

    def __init__(self, model: MLP, sides: list[tuple[str, Split | None]], rate: float):
        self.model = model
        #: The learning rate the epoch trained with, for its row.
        self.rate = rate
        self._todo = [(name, split) for name, split in sides if split is not None]
        self._row = 0
        self._chunks: list[tuple[float, int, np.ndarray]] = []
        self.results: dict[str, tuple[Split, float, np.ndarray]] = {}

    def advance(self, rows: int | None = None) -> bool:
        """Evaluate about ``rows`` more rows (None: all, each side in one pass);
        whether all are done."""
        if rows is None:
            rows = sys.maxsize
        while rows > 0 and self._todo:
            name, split = self._todo[0]
            n = split.X.shape[0]
            end = min(n, self._row + rows)
            loss, out = self.model.evaluate(split.X, split.Y, self._row, end)
            self._chunks.append((loss, end - self._row, out))
            rows -= end - self._row
            self._row = end
            if end == n:
                self.results[name] = (split, *_joined(self._chunks, n))
                self._todo.pop(0)
                self._row, self._chunks = 0, []
        return not self._todo


def _joined(chunks: list[tuple[float, int, np.ndarray]], n: int) -> tuple[float, np.ndarray]:
    """One side's loss and outputs from its chunks' (mean loss, rows, outputs)."""
    if len(chunks) == 1:
        return chunks[0][0], chunks[0][2]
    loss = sum(mean * rows for mean, rows, _ in chunks) / n
    return loss, np.concatenate([out for _, _, out in chunks])
