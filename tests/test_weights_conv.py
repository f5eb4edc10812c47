"""Weights JSON for conv networks: kernels, biases and batch-norm state round-trip;
a file from another architecture is refused with a message that says what differs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from playground.experiment import Session


def conv_session(**knobs) -> Session:
    base = dict(dataset="mnist", mnist_train=200, mnist_test=50, conv=[2, 3], hidden=[8])
    return Session(**{**base, **knobs})


@pytest.mark.parametrize("batch_norm", [False, True])
def test_a_conv_net_round_trips_bit_for_bit(batch_norm):
    trained = conv_session(batch_norm=batch_norm)
    trained.step(1)
    text = trained.weights_json()
    fresh = conv_session(batch_norm=batch_norm)
    X = fresh.inputs(fresh.examples("test")[0])
    assert not np.array_equal(fresh.model.predict(X), trained.model.predict(X))
    fresh.load_weights_json(text)
    for (K, b), (K2, b2) in zip(trained.model.get_conv_weights(), fresh.model.get_conv_weights()):
        np.testing.assert_array_equal(K, K2)
        np.testing.assert_array_equal(b, b2)
    np.testing.assert_array_equal(fresh.model.predict(X), trained.model.predict(X))
    saved = json.loads(text)
    assert saved["conv"]["filters"] == [2, 3]
    assert np.asarray(saved["conv_layers"][1]["K"]).shape == (3, 2, 5, 5)


@pytest.mark.parametrize(
    "other, says",
    [
        (dict(conv=[2, 4]), "conv 2,3"),
        (dict(kernel=3), "5x5 kernels"),
        (dict(pool="average"), "max pooling"),
        (dict(conv=[]), "conv 2,3"),
    ],
)
def test_a_file_from_another_conv_architecture_is_refused_and_says_what_differs(other, says):
    text = conv_session().weights_json()
    target = conv_session(**other)
    before = target.model.state_dict()["params"]
    with pytest.raises(ValueError, match=says):
        target.load_weights_json(text)
    np.testing.assert_array_equal(target.model.state_dict()["params"], before)


def test_a_dense_file_is_refused_by_a_conv_net():
    text = conv_session(conv=[]).weights_json()
    with pytest.raises(ValueError, match="no conv layers"):
        conv_session().load_weights_json(text)


def test_a_broken_kernel_leaves_the_weights_as_they_were():
    data = json.loads(conv_session().weights_json())
    data["conv_layers"][0]["K"] = [[1.0, 2.0]]
    target = conv_session(seed=1)
    before = target.model.state_dict()["params"]
    with pytest.raises(ValueError, match="conv layer 0"):
        target.load_weights_json(json.dumps(data))
    np.testing.assert_array_equal(target.model.state_dict()["params"], before)
    data["conv"] = "yes"
    with pytest.raises(ValueError, match="'conv' entry"):
        target.load_weights_json(json.dumps(data))
