"""A conv net on the MNIST page in headless Chromium: the model summary, the
first layer's filters, and the feature maps of a gallery digit and a drawn one."""

from __future__ import annotations

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from playground.experiment import Session
from playground.experiment.summary import model_summary
from tests.browser.test_page import click, open_page, pixels, shot, wait_until

pytestmark = pytest.mark.browser

QUERY = "/?mode=mnist&conv=8,16&mnist_train=2000&mnist_test=500"


def _distinct_colours(png: bytes) -> int:
    return len({tuple(p) for p in pixels(png).reshape(-1, 3)})


def _maps_digits(page: Page) -> list[float]:
    text = page.locator(".pg-maps").get_attribute("data-digits") or ""
    return [float(v) for v in text.split(",")] if text else []


def _draw_a_one(page: Page) -> None:
    page.locator(".pg-pad").first.scroll_into_view_if_needed()
    box = page.locator(".pg-pad").first.bounding_box()
    x, y = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.15
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 21):  # a vertical stroke
        page.mouse.move(x + i * 0.3, y + i * box["height"] * 0.035)
    page.mouse.up()


def test_the_summary_filters_and_feature_maps_of_a_conv_net(page: Page, server_url):
    errors: list[str] = []
    open_page(page, server_url + QUERY, errors)
    # the summary: every conv and pool layer with its shape, and the total
    total = model_summary(Session(dataset="mnist", conv=[8, 16]).model)[-1].params
    summary = page.locator(".pg-summary")
    expect(summary).to_be_visible()
    text = summary.inner_text()
    for row in ("conv1", "pool1", "(8, 14, 14)", "conv2", "(16, 14, 14)", "pool2", "(16, 7, 7)"):
        assert row in text
    assert f"{total:,}" in text and summary.get_attribute("data-total") == str(total)
    # the filters in place of the dense weight images
    expect(page.locator(".pg-weights")).to_be_hidden()
    expect(page.locator(".pg-filters canvas")).to_be_visible()
    wait_until(lambda: page.locator(".pg-filters [data-painted='8']").count() == 1)
    assert _distinct_colours(shot(page, ".pg-filters canvas")) > 20  # 8 kernels of 25 taps
    # the first test digit's maps by default, then another picked in the gallery
    click(page, "Step")
    expect(page.locator("#epoch")).to_have_text("1", timeout=30_000)
    wait_until(lambda: _maps_digits(page)[:1] == [0.0])
    page.locator(".pg-map-test").scroll_into_view_if_needed()
    before = shot(page, ".pg-map-test")
    assert _distinct_colours(before) > 20
    gallery = page.locator(".pg-gallery canvas")
    box = gallery.bounding_box()
    cw, ch = box["width"] / 8, box["height"] / 3
    gallery.click(position={"x": 2.5 * cw, "y": 0.4 * ch})  # the third test digit
    wait_until(lambda: _maps_digits(page)[:1] == [2.0], timeout=10)
    wait_until(lambda: shot(page, ".pg-map-test") != before)
    # a digit drawn on the pad gets maps of its own beside the test digit's
    blank = shot(page, ".pg-map-drawn")
    _draw_a_one(page)
    wait_until(lambda: _maps_digits(page)[4:5] == [-1.0], timeout=10)
    drawn = shot(page, ".pg-map-drawn")
    assert drawn != blank and _distinct_colours(drawn) > 20
    assert not errors and page.locator(".pg-stage").get_attribute("data-rejected") is None


def test_the_first_feature_maps_after_play_and_the_layout_at_three_sizes(page: Page, server_url):
    """Measures (does not assert) how soon Play brings new feature maps, and saves
    the screenshots a person looks at: /tmp/cnn-page-<width>x<height>.png."""
    open_page(page, server_url + QUERY)
    wait_until(lambda: page.locator(".pg-maps").get_attribute("data-maps-at"))
    t0 = page.evaluate("performance.now()")
    click(page, "▶ Play")
    maps = page.locator(".pg-maps")
    wait_until(lambda: float(maps.get_attribute("data-maps-at") or 0) > t0, timeout=30)
    delay = float(maps.get_attribute("data-maps-at")) - t0
    print(f"\nfirst feature maps {delay:.0f} ms after pressing Play (conv 8,16)")
    wait_until(lambda: page.locator("#epoch").inner_text() not in ("0", ""), timeout=60)
    click(page, "❚❚ Pause")
    for width, height in ((1280, 720), (1600, 1000), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(500)
        page.screenshot(path=f"/tmp/cnn-page-{width}x{height}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        right = page.locator(".pg-maps").evaluate("el => el.getBoundingClientRect().right")
        assert right <= width


def test_augmented_training_images_sit_under_their_originals(page: Page, server_url):
    open_page(page, server_url + QUERY + "&augment=shift,rotate")
    strip = page.locator(".pg-augmented")
    expect(strip).to_be_visible()
    expect(strip).to_have_attribute("data-shown", "8", timeout=30_000)
    assert "shift, rotate" in strip.inner_text()
    png = strip.locator("canvas").screenshot()
    top, bottom = np.split(pixels(png)[: 2 * (len(pixels(png)) // 2)], 2)
    assert top.std() > 20 and bottom.std() > 20 and not np.array_equal(top, bottom)
