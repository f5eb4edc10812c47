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


def _conv_arch(model: MLP) -> dict | None:
    """What the conv front end is made of (None for a dense network): the file
    must match it before any number is loaded."""
    if not model.conv:
        return None
    return {
        "filters": list(model.conv),
        "kernel": model.kernel,
        "pool": model.pool,
        "activation": model.conv_activation,
        "input_shape": list(model.input_shape),
    }


def _describe_conv(arch: dict | None) -> str:
    if not arch:
        return "no conv layers"
    filters = ",".join(str(f) for f in arch.get("filters", []))
    return (
        f"conv {filters} ({arch.get('kernel')}x{arch.get('kernel')} kernels, "
        f"{arch.get('pool')} pooling, {arch.get('activation')})"
    )


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
    if model.conv:
        # K as [filter][input channel][row][column], the layout of get_conv_weights.
        data["conv"] = _conv_arch(model)
        data["conv_layers"] = [
            {"K": K.tolist(), "b": b.tolist()} for K, b in model.get_conv_weights()
        ]
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
    saved_conv = data.get("conv") or None
    if saved_conv is not None and not isinstance(saved_conv, dict):
        raise ValueError("the weights file's 'conv' entry must be an object")
    if saved_conv != _conv_arch(model):
        raise ValueError(
            f"the weights are for a network with {_describe_conv(saved_conv)} but this "
            f"network has {_describe_conv(_conv_arch(model))}; set the same conv layers, "
            "kernel, pooling and activation first"
        )
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
    conv = []
    if model.conv:
        saved = data.get("conv_layers")
        if not isinstance(saved, list) or len(saved) != len(model.conv):
            raise ValueError(f"the weights file must list {len(model.conv)} conv layers")
        for i, layer in enumerate(saved):
            if not isinstance(layer, dict):
                raise ValueError(f"conv layer {i} must be an object with 'K' and 'b'")
            conv.append(
                (_array(layer.get("K"), f"conv layer {i} K"), _array(layer.get("b"), f"conv {i} b"))
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
        if model.batch_norm:
            model.load_state_dict(state)
        if conv:
            model.set_conv_weights(conv)
        model.set_weights(weights)
    except ValueError:
        model.load_state_dict(backup)  # all or nothing
        raise
