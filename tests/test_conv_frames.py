"""A conv net on the MNIST page: its filters, feature maps and model summary
travel in the frames (read back as the browser keeps them), and the dense
net's views stay as they were."""

from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np
import pytest

from playground.experiment import Session
from playground.experiment.summary import model_summary
from playground.ui import mnist_page
from playground.ui.conv_frames import feature_map_images, filter_images, map_layers
from playground.ui.frame import FrameError, Section, pack, quantize, unpack
from tests.test_mnist_page import _page

SMALL = dict(mnist_train=600, mnist_test=200)


def test_a_feature_map_section_sent_as_floats_is_refused():
    data = bytearray(pack(1, 0, 1, {Section.FEATURE_MAPS: np.zeros(16, np.uint8)}))
    data[16 + 1] = 2  # the table entry's dtype code: float32
    with pytest.raises(FrameError, match="FEATURE_MAPS"):
        unpack(bytes(data))


def test_a_conv_page_sends_filters_and_every_layers_maps_instead_of_weight_images():
    page, browser = _page(conv=[8, 16], **SMALL)
    scene, kept = browser.scenes[-1], browser.kept
    assert scene["units"] == 0 and Section.WEIGHT_IMAGES not in kept
    assert [(L["name"], L["c"], L["h"], L["w"]) for L in scene["conv"]["layers"]] == [
        ("input", 1, 28, 28),
        ("conv1", 8, 28, 28),
        ("pool1", 8, 14, 14),
        ("conv2", 16, 14, 14),
        ("pool2", 16, 7, 7),
    ]
    assert scene["summary"][-1] == ["total", "", [], page.session.model.n_params]
    assert kept[Section.FILTERS].size == 8 * 5 * 5
    np.testing.assert_array_equal(kept[Section.FILTERS], filter_images(page.session.model))
    # the first test digit by default, its maps decoded as the model computes them
    X, labels = page.session.examples("test")
    assert kept[Section.MAP_DIGITS][:2].tolist() == [0, labels[0]]
    expected = feature_map_images(page.session.model, X[:1])
    np.testing.assert_array_equal(kept[Section.FEATURE_MAPS], expected)
    maps = page.session.model.feature_maps(X[:1])
    pool2 = kept[Section.FEATURE_MAPS][-16 * 49 :]
    scale = np.abs(maps["pool2"][0]).max()
    # ReLU maps are never negative: 0..255 is 0..their largest (drawn grey)
    assert scene["conv"]["signed"] is False
    np.testing.assert_array_equal(pool2, quantize(maps["pool2"][0] / scale, 0.0, 1.0).ravel())
    assert kept[Section.FEATURE_MAPS][:784].tolist() == quantize(X[0], 0.0, 1.0).tolist()


def test_a_dense_page_keeps_its_weight_images_and_sends_no_conv_views():
    page, browser = _page(**SMALL)
    assert browser.scenes[-1]["conv"] is None and browser.scenes[-1]["units"] == 32
    assert Section.WEIGHT_IMAGES in browser.kept
    assert not {Section.FILTERS, Section.FEATURE_MAPS, Section.MAP_DIGITS} & set(browser.kept)


def test_clicking_a_gallery_digit_and_drawing_on_the_pad_show_their_maps():
    page, browser = _page(conv=[4], **SMALL)
    index = browser.kept[Section.GALLERY_INDEX]
    assert index.tolist() == list(range(len(index)))  # all test digits, in order
    before = browser.kept[Section.FEATURE_MAPS].copy()
    page._from_browser({"t": "digit", "i": int(index[5])})
    X, labels = page.session.examples("test")
    assert browser.kept[Section.MAP_DIGITS].tolist()[:2] == [5, labels[5]]
    assert not np.array_equal(browser.kept[Section.FEATURE_MAPS], before)
    per = 784 + 4 * 784 + 4 * 196
    page.pad.strokes.data = dict(xs=[[0.5, 0.5]], ys=[[0.2, 0.8]])  # a "1", as a person draws
    assert page.pad.image is not None
    digits = browser.kept[Section.MAP_DIGITS].reshape(-1, 4)
    assert digits[:, 0].tolist() == [5, -1] and digits[1, 1] == -1
    assert browser.kept[Section.FEATURE_MAPS].size == 2 * per
    assert browser.kept[Section.FEATURE_MAPS][per : per + 784].tolist() == (
        quantize(page.pad.image, 0.0, 1.0).tolist()
    )
    page.pad.reset()  # wiped: the test digit's maps only
    assert browser.kept[Section.MAP_DIGITS].size == 4
    assert browser.kept[Section.FEATURE_MAPS].size == per


@pytest.mark.parametrize("bad", [-1, 10**6, "3", 2.5, None])
def test_a_digit_the_test_set_does_not_have_is_ignored(bad):
    page, browser = _page(conv=[4], **SMALL)
    frames = browser.frames
    page._from_browser({"t": "digit", "i": bad})
    assert browser.frames == frames
    assert browser.kept[Section.MAP_DIGITS][0] == 0


def test_while_training_the_maps_travel_with_the_filters_not_every_frame(monkeypatch):
    """Filters and maps follow the weight images' clock (WEIGHTS_EVERY_S), here a
    fake one that moves 0.1 s a tick, so the test does not depend on the machine."""
    page, browser = _page(conv=[4], mnist_train=6000, mnist_test=200)
    clock = [page._weights_at]
    fake = SimpleNamespace(monotonic=lambda: clock[0], perf_counter=time.perf_counter)
    monkeypatch.setattr(mnist_page, "time", fake)
    seen = []
    send = page.stage.send_frame

    def record(data: bytes) -> None:
        seen.append(set(unpack(data)[1]))
        send(data)

    page.stage.send_frame = record
    page.set_playing(True)
    for _ in range(30):
        clock[0] += 0.1
        page.train_tick()
    page.playing = False
    with_maps = [s for s in seen if Section.FEATURE_MAPS in s]
    assert all((Section.FILTERS in s) == (Section.FEATURE_MAPS in s) for s in seen)
    # every 0.5 s of the clock, and after each epoch (6000 images: a few ticks' worth)
    epochs = page.session.epoch
    every = mnist_page.WEIGHTS_EVERY_S
    assert 3.0 // (every + 0.1) <= len(with_maps) <= 3.0 // every + epochs + 1
    assert len(with_maps) < len(seen)


def test_a_new_conv_preset_sends_a_scene_with_its_summary_and_layers():
    page, browser = _page(conv=[8, 16], **SMALL)
    page.config.conv = [16, 32]
    scene = browser.scenes[-1]
    assert [r[0] for r in scene["summary"]][:2] == ["conv1", "pool1"]
    assert scene["summary"][2][2] == [32, 14, 14]
    assert scene["conv"]["filters"] == 16
    assert browser.kept[Section.FILTERS].size == 16 * 25
    page.config.kernel = 3
    assert browser.scenes[-1]["conv"]["kernel"] == 3
    assert browser.kept[Section.FILTERS].size == 16 * 9
    page.config.conv = []
    assert browser.scenes[-1]["conv"] is None
    assert browser.scenes[-1]["summary"][0][0] == "dense1"


def test_map_layers_follow_the_summary_without_pooling():
    s = Session(dataset="mnist", conv=[4, 6], pool="none", **SMALL)
    layers = map_layers(model_summary(s.model))
    assert [(L["name"], L["c"], L["h"]) for L in layers] == [
        ("input", 1, 28),
        ("conv1", 4, 28),
        ("conv2", 6, 28),
    ]


def test_a_conv_link_to_the_mnist_page_builds_the_conv_net_without_a_warning():
    from playground.ui.shell import create_app

    shell = create_app(query="mode=mnist&conv=8,16&mnist_train=300&mnist_test=100")
    page = shell.page()
    assert page.session.model.conv == (8, 16)
    assert not page.notice.visible, page.notice.object
    # a 2-D link with conv layers still says why they are not used
    shell = create_app(query="dataset=xor&conv=8")
    assert "convolution layers need images" in shell.page().notice.object


def test_tanh_maps_are_signed_and_quantized_around_the_middle():
    page, browser = _page(conv=[4], activation="tanh", **SMALL)
    assert browser.scenes[-1]["conv"]["signed"] is True
    X, _ = page.session.examples("test")
    conv1 = page.session.model.feature_maps(X[:1])["conv1"][0]
    sent = browser.kept[Section.FEATURE_MAPS][784 : 784 + conv1.size]
    expected = quantize(conv1 / np.abs(conv1).max()).ravel()
    np.testing.assert_array_equal(sent, expected)
    assert sent.min() < 128 < sent.max()


def test_standardized_inputs_feed_the_maps_and_the_raw_digit_is_shown():
    page, browser = _page(conv=[4], standardize="per_input", **SMALL)
    X, _ = page.session.examples("test")
    inputs = page.session.inputs(X[:1])
    assert not np.allclose(inputs, X[:1])
    expected = feature_map_images(page.session.model, X[:1], inputs)
    np.testing.assert_array_equal(browser.kept[Section.FEATURE_MAPS], expected)
    assert browser.kept[Section.FEATURE_MAPS][:784].tolist() == quantize(X[0], 0.0, 1.0).tolist()


def test_augmented_copies_are_shown_beside_their_originals_when_the_knob_is_on():
    page, browser = _page(**SMALL)
    assert browser.scenes[-1]["augment"] == [] and Section.AUGMENTED not in browser.kept
    page.config.augment = ["shift", "rotate"]
    assert browser.scenes[-1]["augment"] == ["shift", "rotate"]
    originals, augmented = page.session.augmented_examples(8)
    sent = browser.kept[Section.AUGMENTED].reshape(16, 784)
    assert sent[:8].tolist() == quantize(originals, 0.0, 1.0).tolist()
    assert sent[8:].tolist() == quantize(augmented, 0.0, 1.0).tolist()
    assert not np.array_equal(sent[:8], sent[8:])
    page.config.augment = ["noise"]  # another kind: new copies at once
    assert not np.array_equal(browser.kept[Section.AUGMENTED].reshape(16, 784)[8:], sent[8:])
