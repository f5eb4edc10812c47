"""A conv net's views on the MNIST page's stage: its filters and feature maps.

ConvNetJS's MNIST demo draws every layer's filters and activations as the net
trains; so does this, through the same binary frames as the weight images
(:mod:`frame`): the first conv layer's kernels (FILTERS) and, for a chosen test
digit and the digit drawn on the pad, the maps of every conv and pool layer
(FEATURE_MAPS, with MAP_DIGITS saying whose they are). Both digits' maps come
from one ``MLP.feature_maps`` call. The scene says which layers there are and
their shapes (taken from :func:`playground.experiment.summary.model_summary`,
which also fills the page's summary table), so the browser checks every frame
against it.

Colours: kernels use the diverging palette of the weight images, each scaled
to its own largest magnitude. Each layer's maps are scaled to the largest
magnitude in that layer for that digit; maps that cannot be negative (ReLU,
sigmoid, step, and their pooling) are drawn grey like the digit itself, black 0
to white the largest, as ConvNetJS draws them (on the diverging palette they
would use only its pale half, too faint for a projector); signed maps (tanh,
ELU...) take the diverging palette, so their sign shows.

Panel-free: the tests read these sections back with :func:`frame.unpack`.
"""

from __future__ import annotations

import numpy as np

from playground.engine.mlp import MLP
from playground.experiment.summary import SummaryRow, model_summary
from playground.ui.frame import quantize

#: Side of an MNIST image.
SIDE = 28
#: Conv activations whose maps are never negative: drawn grey, 0 black.
NON_NEGATIVE = frozenset({"relu", "sigmoid", "step"})


def summary_rows(model: MLP) -> list[list]:
    """The model summary as JSON rows: name, kind, output shape, parameters."""
    return [[r.name, r.kind, list(r.shape), r.params] for r in model_summary(model)]


def map_layers(rows: list[SummaryRow]) -> list[dict]:
    """The layers whose maps are drawn, in frame order: the input digit, then
    every conv and pool layer with its (channels, height, width)."""
    layers = [{"name": "input", "c": 1, "h": SIDE, "w": SIDE}]
    for r in rows:
        if r.name.startswith(("conv", "pool")):
            c, h, w = r.shape
            layers.append({"name": r.name, "c": c, "h": h, "w": w})
    return layers


def conv_scene(model: MLP) -> dict | None:
    """What the scene says of the conv views (None for a dense network)."""
    if not model.conv:
        return None
    return {
        "kernel": model.kernel,
        "filters": model.conv[0],
        "layers": map_layers(model_summary(model)),
        "signed": model.conv_activation not in NON_NEGATIVE,
    }


def filter_images(model: MLP) -> np.ndarray:
    """The first conv layer's kernels ``(filters, k*k)``, each scaled to its
    largest magnitude and quantized (MNIST has one input channel: its taps)."""
    K = model.get_conv_weights()[0][0][:, 0]
    K = K.reshape(K.shape[0], -1)
    scale = np.abs(K).max(axis=1, keepdims=True)
    return quantize(K / np.where(scale > 0, scale, 1.0)).ravel()


def feature_map_images(
    model: MLP, images: np.ndarray, inputs: np.ndarray | None = None
) -> np.ndarray:
    """For each of ``images`` (n, 784; 0 paper .. 1 ink), the digit itself and
    then every conv and pool layer's maps, each layer scaled to its largest
    magnitude for that digit; all quantized (0..255 is 0..1 for maps that
    cannot be negative, else -1..1), digit after digit. ``inputs`` are the
    images as the network sees them (standardized: ``Session.inputs``)."""
    # one forward pass for every layer and digit
    maps = model.feature_maps(images if inputs is None else inputs)
    lo = 0.0 if model.conv_activation in NON_NEGATIVE else -1.0
    out = []
    for i, image in enumerate(images):
        out.append(quantize(image, 0.0, 1.0))
        for layer in maps.values():
            m = layer[i]
            scale = float(np.abs(m).max())
            out.append(quantize(m / (scale if scale > 0 else 1.0), lo, 1.0).ravel())
    return np.concatenate(out)


def map_digits(model: MLP, inputs: np.ndarray, index: list[int], true: list[int]) -> np.ndarray:
    """Rows test index (-1: drawn), true digit (-1: unknown), guess, its probability
    (``inputs``: the digits as the network sees them)."""
    probs = model.predict(inputs)
    guess = probs.argmax(axis=1)
    rows = [[i, t, g, p[g]] for i, t, g, p in zip(index, true, guess, probs, strict=True)]
    return np.asarray(rows, dtype=np.float64).ravel()
