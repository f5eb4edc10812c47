"""A trained network's weights as JSON, and back.

Readable on purpose (``W`` as rows of numbers, one per neuron), so a student can open
the file and find the very numbers the page draws on the edges. Floats are written
with ``repr`` and read back bit for bit. Loading checks the architecture first and
says what to change when it does not match, instead of failing on a shape.
"""

from __future__ import annotations

import json

import numpy as np

from playground.engine import MLP

FORMAT = "nn-playground-weights"
VERSION = 1


def _arch(sizes) -> str:
    return "-".join(str(int(s)) for s in sizes)


def weights_to_json(model: MLP, *, config_query: str = "") -> str:
    """The network's weights and biases (and batch-norm state, if any) as JSON text."""
    data = {
        "format": FORMAT,
        "version": VERSION,
        "sizes": list(model.sizes),
        "activations": list(model.activations),
        "loss": model.loss_name,
        "batch_norm": model.batch_norm,
        "epoch": model.epoch,
        "config": config_query,
        # pieces=True: a maxout layer saves both of its linear pieces.
        "layers": [{"W": W.tolist(), "b": b.tolist()} for W, b in model.get_weights(pieces=True)],
    }
    if model.batch_norm:
        state = model.state_dict()
        data["batch_norm_state"] = {k: state[k].tolist() for k in ("params", "run_mean", "run_var")}
    return json.dumps(data)


def _read(text: str | bytes) -> dict:
    try:
        data = json.loads(text)
    except (ValueError, TypeError, RecursionError) as err:
        raise ValueError(f"this is not a weights file: not valid JSON ({err})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"this is not a weights file: expected a JSON object with format={FORMAT}")
    if data.get("version") != VERSION:
        raise ValueError(f"unsupported weights file version {data.get('version')!r}")
    return data


def _array(value, where: str) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (ValueError, TypeError):
        raise ValueError(f"{where} must be numbers") from None
    return array


def load_weights_json(model: MLP, text: str | bytes) -> None:
    """Replace ``model``'s weights with those in ``text`` (all or nothing).

    Raises ValueError with a clear message when the file is not a weights file, was
    saved from a different architecture, or holds NaN, infinite or missing numbers.
    """
    data = _read(text)
    sizes = data.get("sizes")
    if not isinstance(sizes, list) or [s for s in sizes if not isinstance(s, int)]:
        raise ValueError("the weights file has no valid 'sizes' list")
    if tuple(sizes) != tuple(model.sizes):
        raise ValueError(
            f"the weights are for a {_arch(sizes)} network (inputs-hidden-outputs) but this "
            f"network is {_arch(model.sizes)}; set the same features and hidden layers first"
        )
    if bool(data.get("batch_norm")) != model.batch_norm:
        state = "with" if data.get("batch_norm") else "without"
        raise ValueError(f"the weights were saved {state} batch normalization; switch it to match")
    layers = data.get("layers")
    if not isinstance(layers, list) or len(layers) != len(model.sizes) - 1:
        raise ValueError(f"the weights file must list {len(model.sizes) - 1} layers")
    weights = []
    for i, layer in enumerate(layers):
        if not isinstance(layer, dict):
            raise ValueError(f"layer {i} must be an object with 'W' and 'b'")
        weights.append(
            (_array(layer.get("W"), f"layer {i} W"), _array(layer.get("b"), f"layer {i} b"))
        )
    if model.batch_norm:
        saved = data.get("batch_norm_state")
        if not isinstance(saved, dict):
            raise ValueError("the weights file lacks its batch-norm state")
        state = model.state_dict()
        for key in ("params", "run_mean", "run_var"):
            state[key] = _array(saved.get(key), f"batch_norm_state {key}")
        backup = model.state_dict()
        try:
            model.load_state_dict(state)
            model.set_weights(weights)
        except ValueError:
            model.load_state_dict(backup)
            raise
    else:
        model.set_weights(weights)
