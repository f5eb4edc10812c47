"""What the stage is sent: a new scene only when the structure changes, frames that
match their scene, and one colour rule for the page and the exporter."""

from __future__ import annotations

import numpy as np

from playground.experiment import Session
from playground.export.render import heatmap
from playground.ui.frame import Section, unpack
from playground.ui.scene import GRID, MAP_RES, SHOWN_UNITS, FrameBuilder
from playground.ui.theme import HEAT_ALPHA, LIGHT, class_mix, class_rgb, heat_rgb, rgb


def _frame(builder, session, number=1):
    return unpack(builder.frame(session, number))


def test_a_new_scene_only_when_what_is_drawn_where_changes():
    s = Session(dataset="xor", hidden=[3], seed=1)
    b = FrameBuilder(LIGHT)
    first = b.scene(s)
    assert first is not None and first["layers"] == [3, 1]
    s.step(2)
    assert b.scene(s) is None  # training changes numbers, not the scene
    s.config.hidden = [3, 2]
    second = b.scene(s)
    assert second["id"] == first["id"] + 1 and second["layers"] == [3, 2, 1]
    b.show_test = True
    assert b.scene(s)["show_test"] is True


def test_a_frame_holds_what_its_scene_says():
    s = Session(dataset="spiral", hidden=[10, 4], features=["x1", "x2", "sinx1"], seed=2)
    b = FrameBuilder(LIGHT)
    scene = b.scene(s)
    header, sections = _frame(b, s)
    assert header["scene"] == scene["id"]
    shown = [min(u, SHOWN_UNITS) for u in scene["layers"]]
    assert sections[Section.HEAT].size == GRID * GRID
    assert sections[Section.MAPS].size == sum(shown) * MAP_RES * MAP_RES
    assert sections[Section.TILES].size == len(scene["features"]) * MAP_RES * MAP_RES
    edges = 3 * shown[0] + shown[0] * shown[1] + shown[1] * shown[2]
    assert sections[Section.WEIGHTS].size == edges
    assert sections[Section.BIASES].size == sum(shown)
    assert sections[Section.POINTS].size == 4 * len(s.points)
    # the points and tiles come once per scene, the loss rows once each
    _, again = _frame(b, s, 2)
    assert Section.POINTS not in again and Section.TILES not in again
    assert Section.HISTORY not in again


def test_hiding_the_features_leaves_only_the_inputs_in_use():
    s = Session(dataset="xor", hidden=[2], features=["x1", "x1x2"])
    b = FrameBuilder(LIGHT)
    b.hidden = frozenset({"features"})
    scene = b.scene(s)
    assert [f["name"] for f in scene["features"]] == ["x1", "x1x2"]
    _, sections = _frame(b, s)
    assert sections[Section.TILES].size == 2 * MAP_RES * MAP_RES


def test_several_classes_send_the_winner_and_its_strength():
    s = Session(dataset="blobs", n_classes=4, hidden=[6], seed=3)
    s.step(20)
    b = FrameBuilder(LIGHT)
    scene = b.scene(s)
    assert len(scene["class_lut"]) == 4 * 256 * 3 and len(scene["class_colors"]) == 4
    _, sections = _frame(b, s)
    heat = sections[Section.HEAT].reshape(2, GRID, GRID)
    winners = s.predict_grid(GRID).argmax(axis=0)
    np.testing.assert_array_equal(heat[0], winners)
    assert heat[1].max() > 200  # somewhere it is sure


def test_the_page_and_the_exporter_colour_the_output_alike():
    # two classes: the page's table at the value's byte is the exporter's pixel
    out = np.full((1, 4, 4), 0.5)
    page = heat_rgb(LIGHT)[round((0.5 + 1) * 127.5)]
    exported = np.asarray(heatmap(out, "binary", "tanh", 2, 4))[2, 2]
    assert np.abs(page.astype(int) - exported.astype(int)).max() <= 2
    # several classes: a certain pixel of class 2 is class_mix at full strength
    probs = np.zeros((3, 4, 4))
    probs[2] = 1.0
    exported = np.asarray(heatmap(probs, "multiclass", "softmax", 3, 4))[1, 1]
    expected = class_mix(np.array(2), np.array(1.0), LIGHT, 3)
    expected = rgb(LIGHT.background) * (1 - HEAT_ALPHA) + expected * HEAT_ALPHA
    assert np.abs(exported - expected).max() <= 2
    assert np.abs(class_rgb(LIGHT, 3)[2 * 256 + 255] - expected).max() <= 1
