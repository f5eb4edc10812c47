"""The live page in headless Chromium: what a person clicks and what a person reads."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from playground.ui.network import PX, ROW, X_MARGIN_LEFT, Y_MARGIN_TOP

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


def changed_share(a: bytes, b: bytes) -> float:
    """Share of pixels that differ between two PNG screenshots of one element."""
    import io

    import numpy as np
    from PIL import Image

    x, y = (np.asarray(Image.open(io.BytesIO(i)).convert("RGB"), dtype=int) for i in (a, b))
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
    wait_until(lambda: shot(page, ".pg-output") != before)


def test_adding_a_layer_redraws_the_network(page: Page, server_url):
    open_page(page, server_url + "/")
    before = page.locator(".pg-network").first.bounding_box()
    click(page, "+ layer")
    # one more column of neurons: the diagram grows by one column's width
    wait_until(
        lambda: page.locator(".pg-network").first.bounding_box()["width"] > before["width"] + 100
    )


def test_clicking_a_feature_tile_switches_that_input_on(page: Page, server_url):
    open_page(page, server_url + "/")
    before = shot(page, ".pg-network")
    box = page.locator(".pg-network").first.bounding_box()
    row = 2  # x1 squared, off by default
    page.mouse.click(
        box["x"] + (0 - X_MARGIN_LEFT) * PX, box["y"] + (Y_MARGIN_TOP + row * ROW) * PX
    )
    wait_until(lambda: shot(page, ".pg-network") != before)


def test_changing_the_activation_redraws_the_maps(page: Page, server_url):
    open_page(page, server_url + "/")
    before = shot(page, ".pg-network")
    page.get_by_label("Activation", exact=True).select_option("relu")
    wait_until(lambda: shot(page, ".pg-network") != before)


def test_a_click_on_the_output_adds_a_training_point(page: Page, server_url):
    open_page(page, server_url + "/")
    n = int(page.locator("#n-train").inner_text())
    box = page.locator(".pg-output").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    expect(page.locator("#n-train")).to_have_text(str(n + 1))


def test_hovering_a_neuron_shows_its_map_large_in_the_output(page: Page, server_url):
    open_page(page, server_url + "/?dataset=xor&hidden=4")
    before = shot(page, ".pg-output")
    box = page.locator(".pg-network").first.bounding_box()
    from playground.ui.network import COLUMN

    page.mouse.move(box["x"] + (COLUMN - X_MARGIN_LEFT) * PX, box["y"] + Y_MARGIN_TOP * PX)
    wait_until(lambda: changed_share(shot(page, ".pg-output"), before) > 0.05)
    page.mouse.move(5, 890)
    wait_until(lambda: changed_share(shot(page, ".pg-output"), before) < 0.01)


def test_a_diverging_run_pauses_with_a_message_and_reset_recovers(page: Page, server_url):
    query = "dataset=reg_plane&hidden=8,8,8&learning_rate=10&activation=relu"
    open_page(page, f"{server_url}/?{query}")
    click(page, "▶ Play")
    expect(page.get_by_text("diverged")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="▶ Play")).to_be_visible()
    click(page, "Reset")
    expect(page.locator("#epoch")).to_have_text("000,000")
    expect(page.get_by_text("diverged")).to_be_hidden()
