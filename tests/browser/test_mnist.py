"""MNIST mode in headless Chromium: train on the real digits, draw one, switch modes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_page import click, open_page, shot, wait_until

pytestmark = pytest.mark.browser


def test_play_on_mnist_lifts_the_shown_test_accuracy_above_90_percent(page: Page, server_url):
    open_page(page, server_url + "/?mode=mnist")
    click(page, "▶ Play")
    wait_until(
        lambda: (
            page.locator("#test-accuracy").is_visible()
            and float(page.locator("#test-accuracy").inner_text().rstrip("%")) > 90
        ),
        timeout=90,
    )
    click(page, "Step")  # pauses, trains one more epoch
    expect(page.locator(".pg-confusion").first).to_be_visible()


def test_a_digit_drawn_on_the_pad_gets_class_probabilities(page: Page, server_url):
    open_page(page, server_url + "/?mode=mnist&mnist_train=2000&mnist_test=500")
    click(page, "Step")
    expect(page.locator("#epoch")).to_have_text("1", timeout=30_000)
    box = page.locator(".pg-pad").first.bounding_box()
    x, y = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.15
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 21):  # a vertical stroke: a "1"
        page.mouse.move(x + i * 0.3, y + i * box["height"] * 0.035)
    page.mouse.up()
    expect(page.locator("#pad-answer")).to_be_visible(timeout=10_000)
    assert page.locator("#pad-answer").inner_text() in "0123456789"


def test_clicking_a_confusion_cell_shows_those_digits(page: Page, server_url):
    open_page(page, server_url + "/?mode=mnist&mnist_train=2000&mnist_test=500")
    click(page, "Step")
    expect(page.locator("#epoch")).to_have_text("1", timeout=30_000)
    before = shot(page, ".pg-gallery")
    box = page.locator(".pg-confusion").first.bounding_box()
    # a cell in the middle of the matrix (the axes take the left and bottom edges)
    page.mouse.click(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.45)
    # the gallery's title (the cell's own tooltip says "predicted as" too)
    title = page.locator("b", has_text=re.compile(r"^Digits \d predicted as \d$"))
    expect(title).to_be_visible(timeout=10_000)
    wait_until(lambda: shot(page, ".pg-gallery") != before)


def test_switching_back_to_the_2d_playground_works(page: Page, server_url):
    open_page(page, server_url + "/?mode=mnist&mnist_train=2000&mnist_test=500")
    click(page, "2-D playground")
    expect(page.locator("#epoch")).to_have_text("000,000", timeout=30_000)
    click(page, "Step")
    expect(page.locator("#epoch")).to_have_text("000,001")
    click(page, "MNIST digits")
    expect(page.locator(".pg-pad").first).to_be_visible()


def _confusion(page: Page) -> dict:
    """What the confusion matrix shows: its counts (row = true digit) and where its
    cells are on the page (the stage writes both on the matrix's element), so a
    test can click or look at one cell."""
    grid = page.locator(".pg-confusion").first
    counts = grid.get_attribute("data-counts") or ""
    left, top, cell = map(float, (grid.get_attribute("data-cells") or "0,0,0").split(","))
    box = grid.bounding_box()
    return {
        "counts": [int(float(c)) for c in counts.split(",")] if counts else [],
        "x": box["x"] + left,
        "y": box["y"] + top,
        "width": 10 * cell,
        "height": 10 * cell,
    }


def _cell_centre(shown: dict, true: int, pred: int) -> tuple[float, float]:
    return (
        shown["x"] + (pred + 0.5) / 10 * shown["width"],
        shown["y"] + (true + 0.5) / 10 * shown["height"],  # digit 0 is the top row
    )


def test_clicking_the_words_of_a_check_box_ticks_it(page: Page, server_url):
    open_page(page, server_url + "/?mode=mnist&mnist_train=2000&mnist_test=500")
    click(page, "Step")
    expect(page.locator("#epoch")).to_have_text("1", timeout=30_000)
    page.get_by_text("Only mistakes", exact=True).click()
    expect(page.get_by_role("checkbox", name="Only mistakes")).to_be_checked()
    expect(page.get_by_text("Mistakes (")).to_be_visible(timeout=10_000)
    page.get_by_text("Batch normalization", exact=True).click()
    expect(page.get_by_role("checkbox", name="Batch normalization")).to_be_checked()


def test_empty_confusion_cells_follow_the_dark_theme(page: Page, server_url):
    import io

    from PIL import Image

    from playground.ui.theme import DARK

    open_page(page, server_url + "/?mode=mnist&theme=dark&mnist_train=2000&mnist_test=500")
    click(page, "Step")
    expect(page.locator("#epoch")).to_have_text("1", timeout=30_000)
    shown = wait_until(lambda: (s := _confusion(page)) and sum(s["counts"]) and s)
    empty = shown["counts"].index(0)
    x, y = _cell_centre(shown, empty // 10, empty % 10)
    png = page.screenshot(clip={"x": x - 1, "y": y - 1, "width": 3, "height": 3})
    pixel = Image.open(io.BytesIO(png)).convert("RGB").getpixel((1, 1))
    assert "#{:02x}{:02x}{:02x}".format(*pixel) == DARK.panel


def test_paused_mid_epoch_a_cell_opens_as_many_digits_as_it_says(page: Page, server_url):
    open_page(page, server_url + "/?mode=mnist&mnist_test=1000")  # 60,000: long epochs
    progress = page.locator("progress").first
    click(page, "▶ Play")
    expect(page.locator("#epoch")).to_have_text("1", timeout=60_000)
    wait_until(lambda: 10 < float(progress.get_attribute("value") or 0) < 70, timeout=60)
    click(page, "❚❚ Pause")
    expect(page.get_by_role("button", name="▶ Play")).to_be_visible()
    assert float(progress.get_attribute("value") or 0) > 0  # paused inside an epoch
    shown = _confusion(page)
    for digit in (0, 3, 8):  # diagonal cells: the largest counts, the first to change
        page.mouse.move(*_cell_centre(shown, digit, digit))
        says = page.get_by_text(re.compile(rf"^\d+ digits {digit} predicted as {digit} \("))
        expect(says).to_be_visible(timeout=10_000)  # the cell's tooltip, as a person reads it
        count = says.inner_text().split()[0]
        page.mouse.click(*_cell_centre(shown, digit, digit))
        title = page.locator("b", has_text=f"Digits {digit} predicted as {digit}")
        expect(title.locator("xpath=following-sibling::small")).to_have_text(f"({count})")


def test_a_frame_that_does_not_fit_the_digits_scene_is_refused_and_the_page_carries_on(
    page: Page, server_url
):
    import numpy as np

    from playground.ui.frame import Section, pack

    errors: list[str] = []
    open_page(page, server_url + "/?mode=mnist&mnist_train=2000&mnist_test=500", errors)
    stage = page.locator(".pg-stage")
    expect(stage).to_have_attribute("data-frame", re.compile(r"\d+"), timeout=30_000)
    scene = 1  # the first scene of a new page
    readout = np.array([1.0, 1.0, 0.5, 0.5, 0.0])
    bad = {
        # a gallery of two digits with the guesses of one
        "guesses": {
            Section.PROGRESS: np.array([0.5]),
            Section.READOUT: readout,
            Section.GALLERY: np.zeros(2 * 784, np.uint8),
            Section.GUESSES: np.zeros(7),
            Section.PICK: np.array([0.0, -1, -1, 2, 500]),
        },
        # weight images of a layer that is not there
        "weights": {
            Section.PROGRESS: np.array([0.5]),
            Section.READOUT: readout,
            Section.WEIGHT_IMAGES: np.zeros(3 * 784, np.uint8),
        },
        # no readout
        "readout": {Section.PROGRESS: np.array([0.5])},
    }
    for sections in bad.values():
        data = list(pack(10**6, 99, scene, sections))
        stage.evaluate(
            f"(el) => el.dispatchEvent(new CustomEvent('pg-frame', "
            f"{{detail: new Uint8Array({data}).buffer}}))"
        )
    stage.evaluate("(el) => el.dispatchEvent(new CustomEvent('pg-frame', {detail: 'x'}))")
    expect(stage).to_have_attribute("data-rejected", "4")
    click(page, "Step")
    expect(page.locator("#epoch")).to_have_text("1", timeout=30_000)  # not 99
    assert errors == []
