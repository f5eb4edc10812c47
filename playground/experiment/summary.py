"""A network's layers, their output shapes and parameter counts: Keras's
``model.summary()`` for our MLP, dense or convolutional.

The lecture decks show a Keras summary beside every CNN: it is how a student
sees that a conv layer of 8 5x5 filters has 8 * (25 + 1) = 208 parameters
while a dense layer of 128 units on 784 pixels has 100,480 (weight sharing).
Rows are computed from the network's declared structure (filters, kernel,
pooling, widths, activations, batch norm), not read off the flat parameter
vector, so the tests can check one against the other: the total must equal
the engine's ``n_params``.

What counts as a parameter: every trainable number (kernels, weights, biases,
batch norm's scale and shift). Batch norm's running mean and variance are
statistics, not parameters (Keras lists them as "non-trainable"); they are not
counted. A maxout unit has two linear pieces, so a maxout dense layer of n
units has 2n rows of weights and biases (and batch norm over 2n values).
Panel-free, like the rest of the experiment layer.
"""

from __future__ import annotations

from typing import NamedTuple

from playground.engine.activations import HIDDEN_ACTIVATIONS, PIECES
from playground.engine.mlp import MLP


class SummaryRow(NamedTuple):
    """One row of the summary: a layer, its output shape, its parameter count."""

    name: str  # "conv1", "pool1", "flatten", "dense1", "output", or "total"
    kind: str  # what it is, as a person reads it: "conv 5×5, relu", "max pool 2×2"
    shape: tuple[int, ...]  # the output of one image: (8, 28, 28), (128,); () for total
    params: int


def _pieces(activation: str) -> int:
    return PIECES.get(HIDDEN_ACTIVATIONS.get(activation, -1), 1)


def model_summary(model: MLP) -> list[SummaryRow]:
    """The layers of ``model`` in order, input side first, then a ``total`` row.

    Conv stages give a ``conv`` row (with its batch norm's scale and shift
    counted in, as the kind says) and a ``pool`` row when they pool; a conv
    front end is followed by a ``flatten`` row; each dense layer gives one row.
    """
    rows: list[SummaryRow] = []
    bn = model.batch_norm
    if model.conv:
        c, h, w = model.input_shape
        k = model.kernel
        for s, filters in enumerate(model.conv, start=1):
            params = filters * (c * k * k + 1) + (2 * filters if bn else 0)
            kind = f"conv {k}×{k}, {model.conv_activation}" + (", batch norm" if bn else "")
            rows.append(SummaryRow(f"conv{s}", kind, (filters, h, w), params))
            c = filters
            if model.pool != "none":
                h, w = h // 2, w // 2
                rows.append(SummaryRow(f"pool{s}", f"{model.pool} pool 2×2", (c, h, w), 0))
        rows.append(SummaryRow("flatten", "flatten", (c * h * w,), 0))
    n_dense = len(model.sizes) - 1
    for layer in range(n_dense):
        n_in, n_out = model.sizes[layer], model.sizes[layer + 1]
        act = model.activations[layer]
        last = layer == n_dense - 1
        rows_of_weights = n_out * (1 if last else _pieces(act))
        params = rows_of_weights * (n_in + 1)
        kind = f"dense, {act}"
        if rows_of_weights != n_out:
            kind += f" ({rows_of_weights // n_out} pieces a unit)"
        if bn and not last:
            params += 2 * rows_of_weights
            kind += ", batch norm"
        rows.append(SummaryRow("output" if last else f"dense{layer + 1}", kind, (n_out,), params))
    rows.append(SummaryRow("total", "", (), sum(r.params for r in rows)))
    return rows


def format_summary(rows: list[SummaryRow]) -> str:
    """The summary as a plain-text table (the CLI, a notebook, a test's message)."""

    def shape(s: tuple[int, ...]) -> str:
        return "" if not s else "(" + ", ".join(map(str, s)) + (",)" if len(s) == 1 else ")")

    table = [("Layer", "Kind", "Output shape", "Parameters")]
    table += [(r.name, r.kind, shape(r.shape), f"{r.params:,}") for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    lines = [
        "  ".join(
            cell.rjust(width) if i == 3 else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths))
        ).rstrip()
        for row in table
    ]
    lines.insert(1, "-" * len(lines[0]))
    lines.insert(len(lines) - 1, "-" * len(lines[0]))
    return "\n".join(lines)
