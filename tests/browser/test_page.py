"""The live page in headless Chromium: what a person clicks and what a person reads."""

from __future__ import annotations

import io
import re
import time

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from playground.experiment import Session

pytestmark = pytest.mark.browser


def open_page(page: Page, url: str, errors: list | None = None) -> None:
    if errors is not None:
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    expect(page.locator("#epoch")).to_be_visible(timeout=60_000)
    # Bokeh has attached every view (and so every click handler) once the document is idle.
    page.wait_for_function(
        "() => window.Bokeh && Bokeh.documents.length > 0 && Bokeh.documents[0].is_idle",
        timeout=30_000,
    )
    if page.locator(".pg-stage").count():  # the 2-D page: its first frame is painted
        expect(page.locator(".pg-stage[data-frame]")).to_have_count(1, timeout=30_000)
    page.mouse.move(5, 890)  # away from any tooltip


def click(page: Page, name) -> None:
    """Click a button as a person would: the mouse leaves the last one first, so
    that button's tooltip is not in the way."""
    page.mouse.move(5, 890)
    exact = isinstance(name, str)  # "Step" must not match a lesson titled "A step function"
    page.get_by_role("button", name=name, exact=exact).click()


def epoch(page: Page) -> int:
    return int(page.locator("#epoch").inner_text().replace(",", ""))


def test_loss(page: Page) -> float:
    return float(page.locator("#test-loss").inner_text())


test_loss.__test__ = False  # a helper, not a test


def shot(page: Page, css: str) -> bytes:
    return page.locator(css).first.screenshot()


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def changed_share(a: bytes, b: bytes) -> float:
    """Share of pixels that differ between two PNG screenshots of one element."""
    x, y = pixels(a), pixels(b)
    if x.shape != y.shape:
        return 1.0
    return float((np.abs(x - y).sum(axis=2) > 30).mean())


def wait_until(check, timeout: float = 20.0, interval: float = 0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


def centre(page: Page, locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_page_loads_with_no_console_errors(page: Page, server_url: str):
    errors: list[str] = []
    open_page(page, server_url + "/", errors)
    expect(page.locator("#epoch")).to_have_text("000,000")
    expect(page.get_by_role("button", name="▶ Play")).to_be_visible()
    time.sleep(1)
    assert errors == []


def test_play_advances_the_epoch_and_the_test_loss_falls_on_the_spiral(page: Page, server_url):
    open_page(page, server_url + "/?dataset=spiral&hidden=8,8&features=x1,x2,sinx1,sinx2")
    before = test_loss(page)
    click(page, "▶ Play")
    wait_until(lambda: epoch(page) >= 150, timeout=60)
    click(page, re.compile("Pause"))
    time.sleep(0.5)  # frames already on their way still arrive
    stopped = epoch(page)
    time.sleep(1.0)
    assert epoch(page) == stopped  # paused means paused
    assert test_loss(page) < 0.8 * before


def test_a_heatmap_pixel_changes_colour_as_the_network_learns(page: Page, server_url):
    open_page(page, server_url + "/?dataset=circle&hidden=4,2")
    before = pixels(shot(page, ".pg-output canvas"))
    click(page, "▶ Play")
    wait_until(lambda: epoch(page) >= 100, timeout=60)
    click(page, re.compile("Pause"))
    after = pixels(shot(page, ".pg-output canvas"))

    def middle(image):  # the median colour near the centre (the points on it aside)
        h, w, _ = image.shape
        return np.median(image[h // 2 - 8 : h // 2 + 8, w // 2 - 8 : w // 2 + 8], axis=(0, 1))

    # The circle's centre is class +1: it turns blue (more blue than red) as it learns.
    r, g, b = middle(after)
    assert b > r + 40, (middle(before), middle(after))
    assert np.abs(middle(after) - middle(before)).sum() > 30


def test_step_advances_exactly_one_epoch(page: Page, server_url):
    open_page(page, server_url + "/")
    click(page, "Step")
    expect(page.locator("#epoch")).to_have_text("000,001")
    click(page, "Step")
    expect(page.locator("#epoch")).to_have_text("000,002")


def test_switching_dataset_redraws_the_output(page: Page, server_url):
    open_page(page, server_url + "/")
    before = shot(page, ".pg-output")
    page.locator(".dataset-xor").first.click()
    wait_until(lambda: changed_share(shot(page, ".pg-output"), before) > 0.05)


def test_adding_a_layer_redraws_the_network(page: Page, server_url):
    open_page(page, server_url + "/")
    expect(page.get_by_text("2 hidden layers")).to_be_visible()
    before = page.locator(".pg-network").first.bounding_box()
    click(page, "+ layer")
    expect(page.get_by_text("3 hidden layers")).to_be_visible()
    # one more column of neurons: the diagram grows by one column's width
    wait_until(
        lambda: page.locator(".pg-network").first.bounding_box()["width"] > before["width"] + 60
    )


def test_a_layers_plus_button_adds_a_neuron(page: Page, server_url):
    open_page(page, server_url + "/?hidden=4,2")
    expect(page.get_by_text("2 neurons", exact=True)).to_be_visible()
    page.get_by_role("button", name="One neuron more in layer 2").click()
    expect(page.get_by_text("3 neurons", exact=True)).to_be_visible()


def test_every_input_tile_is_labelled_and_clicking_a_tile_switches_it_on(page: Page, server_url):
    open_page(page, server_url + "/")
    for label in ("X₁", "X₂", "X₁²", "X₂²", "X₁X₂", "sin(X₁)", "sin(X₂)"):
        expect(page.get_by_role("button", name=label, exact=True)).to_be_visible()
    square = page.get_by_role("button", name="X₁²", exact=True)
    expect(square).to_have_attribute("aria-pressed", "false")
    before = shot(page, ".pg-network")
    box = square.bounding_box()
    # the tile itself is just right of its name
    page.mouse.click(box["x"] + box["width"] + 16, box["y"] + box["height"] / 2)
    expect(square).to_have_attribute("aria-pressed", "true")
    wait_until(lambda: shot(page, ".pg-network") != before)
    square.click()  # the name switches it off again
    expect(square).to_have_attribute("aria-pressed", "false")


def test_changing_the_activation_redraws_the_maps(page: Page, server_url):
    open_page(page, server_url + "/")
    before = shot(page, ".pg-network")
    page.get_by_label("Activation", exact=True).select_option("relu")
    wait_until(lambda: shot(page, ".pg-network") != before)


def test_a_click_on_the_output_adds_a_training_point(page: Page, server_url):
    open_page(page, server_url + "/")
    n = int(page.locator("#n-train").inner_text())
    box = page.locator(".pg-output canvas").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    expect(page.locator("#n-train")).to_have_text(str(n + 1))


def test_clicking_the_words_of_the_output_check_boxes_ticks_them(page: Page, server_url):
    open_page(page, server_url + "/?dataset=gauss")
    before = shot(page, ".pg-output")
    page.get_by_text("Show test data", exact=True).click()
    expect(page.get_by_role("checkbox", name="Show test data")).to_be_checked()
    # the test points (half of the 500) are drawn on the output as well
    wait_until(lambda: changed_share(shot(page, ".pg-output"), before) > 0.01)
    before = shot(page, ".pg-output")
    page.get_by_text("Discretize output", exact=True).click()
    expect(page.get_by_role("checkbox", name="Discretize output")).to_be_checked()
    # an untrained network is unsure everywhere: its pale heatmap turns into solid classes
    wait_until(lambda: changed_share(shot(page, ".pg-output"), before) > 0.2)


def _edge_x1_to_first_neuron(page: Page) -> tuple[float, float]:
    """Where the edge from input X₁ to the first neuron of layer 1 runs level."""
    fx, _ = centre(page, page.get_by_text("Features", exact=True))
    nx, _ = centre(page, page.get_by_text("4 neurons", exact=True))
    _, y = centre(page, page.get_by_role("button", name="X₁", exact=True))
    return (fx + nx) / 2, y


def test_an_edges_tooltip_reads_the_models_weight_and_a_typed_value_is_used(page, server_url):
    query = "dataset=xor&hidden=4&seed=7"
    open_page(page, f"{server_url}/?{query}")
    expected = Session(dataset="xor", hidden=[4], seed=7).model.get_weights()[0][0][0, 0]
    x, y = _edge_x1_to_first_neuron(page)
    page.mouse.move(x, y)
    tip = page.locator(".pg-network .tip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text(f"Weight {expected:.3f}: X₁ → neuron 1 of layer 1")
    before = page.locator("#test-loss").inner_text()
    page.mouse.click(x, y)
    box = page.get_by_role("spinbutton", name="New value")
    expect(box).to_have_value(str(round(float(expected), 4)))
    box.fill("-2.5")
    box.press("Enter")
    page.mouse.move(5, 890)
    page.mouse.move(x, y)
    expect(tip).to_contain_text("Weight -2.500")
    # the readout describes the weights shown, not the last epoch's
    wait_until(lambda: page.locator("#test-loss").inner_text() != before)
    expect(page.locator("#epoch")).to_have_text("000,000")


def test_hovering_a_neuron_shows_its_map_large_in_the_output(page: Page, server_url):
    open_page(page, server_url + "/?dataset=xor&hidden=4")
    before = shot(page, ".pg-output")
    x, _ = centre(page, page.get_by_text("4 neurons", exact=True))
    _, y = centre(page, page.get_by_role("button", name="X₁", exact=True))
    page.mouse.move(x, y)
    expect(page.locator(".pg-network .tip")).to_contain_text("Layer 1, neuron 1")
    wait_until(lambda: changed_share(shot(page, ".pg-output"), before) > 0.05)
    page.mouse.move(5, 890)
    wait_until(lambda: changed_share(shot(page, ".pg-output"), before) < 0.01)


def test_a_malformed_frame_is_refused_and_the_page_carries_on(page: Page, server_url):
    errors: list[str] = []
    open_page(page, server_url + "/", errors)
    stage = page.locator(".pg-stage")
    for junk in (
        "new ArrayBuffer(3)",  # shorter than a header
        "new Uint8Array([80, 71, 70, 49, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 200, 0]).buffer",  # table
        "(() => { const b = new Uint8Array(64); b.set([80, 71, 70, 49]); return b.buffer; })()",
        "'{not json'",
    ):
        stage.evaluate(f"(el) => el.dispatchEvent(new CustomEvent('pg-frame', {{detail: {junk}}}))")
    expect(stage).to_have_attribute("data-rejected", "4")
    click(page, "Step")
    expect(page.locator("#epoch")).to_have_text("000,001")
    assert errors == []


def test_the_loss_readout_of_a_diverged_run_stays_short(page: Page, server_url):
    query = "dataset=reg_plane&hidden=8,8,8&learning_rate=10&activation=relu"
    open_page(page, f"{server_url}/?{query}")
    click(page, "▶ Play")
    expect(page.get_by_text("diverged").first).to_be_visible(timeout=30_000)
    for css in ("#test-loss", "#train-loss"):  # four significant digits: 1.408e+289
        assert len(page.locator(css).inner_text()) <= 10


def test_a_diverging_run_pauses_with_a_message_and_reset_recovers(page: Page, server_url):
    query = "dataset=reg_plane&hidden=8,8,8&learning_rate=10&activation=relu"
    open_page(page, f"{server_url}/?{query}")
    click(page, "▶ Play")
    message = page.get_by_text("Training diverged")
    expect(message).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="▶ Play")).to_be_visible()
    click(page, "Reset")
    expect(page.locator("#epoch")).to_have_text("000,000")
    expect(message).to_be_hidden()


def test_several_classes_get_a_swatch_each_and_no_sideways_scroll(page: Page, server_url):
    page.set_viewport_size({"width": 1280, "height": 720})
    open_page(page, server_url + "/?dataset=blobs&n_classes=5")
    for k in range(5):
        expect(page.get_by_text(f"class {k}", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
