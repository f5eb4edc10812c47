"""An exported HTML file plays by itself in Chromium from file://, with no server."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from playground.cli import main

pytestmark = pytest.mark.browser

FRAMES = 6
EPOCHS = 30


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> str:
    """A small export, written once for the module; its file:// URL."""
    out = tmp_path_factory.mktemp("export") / "xor.html"
    argv = ["export", "--query", "dataset=xor&hidden=4", "--epochs", str(EPOCHS)]
    argv += ["--frames", str(FRAMES), "--size", "160", "--fps", "20", "--quiet"]
    assert main([*argv, "--out", str(out)]) == 0
    return out.as_uri()


def open_export(page: Page, url: str) -> tuple[list[str], list[str]]:
    """Open the file; returns the console errors and any request that left the file."""
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "request", lambda r: None if r.url.startswith(("file:", "data:")) else outside.append(r.url)
    )
    page.goto(url)
    return errors, outside


def label(page: Page) -> str:
    return page.locator("#frame-label").inner_text()


def test_it_plays_by_itself_with_every_frame_decoded_and_nothing_fetched(page: Page, exported):
    errors, outside = open_export(page, exported)
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    first = label(page)
    page.wait_for_function(
        "(first) => document.getElementById('frame-label').textContent !== first",
        arg=first,
        timeout=5_000,
    )
    assert label(page).startswith("Epoch ")
    decoded = page.eval_on_selector_all(
        "#frames img", "imgs => imgs.map(i => i.complete && i.naturalWidth > 0)"
    )
    assert decoded == [True] * FRAMES
    assert page.locator("#frames img.shown").count() == 1
    assert errors == [] and outside == []


def test_pause_stops_it_and_play_resumes(page: Page, exported):
    errors, _ = open_export(page, exported)
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    stopped = label(page)
    page.wait_for_timeout(600)  # 12 frames at 20 per second, were it playing
    assert label(page) == stopped
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(
        "(stopped) => document.getElementById('frame-label').textContent !== stopped",
        arg=stopped,
        timeout=5_000,
    )
    assert errors == []


def test_the_slider_picks_a_frame_and_pauses(page: Page, exported):
    errors, _ = open_export(page, exported)
    page.locator("#frame-slider").fill(str(FRAMES - 1))
    expect(page.locator("#frame-label")).to_have_text(f"Epoch {EPOCHS}")
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    shown = page.locator("#frames img.shown")
    expect(shown).to_have_attribute("data-epoch", str(EPOCHS))
    page.locator("#frames").click()  # away from the slider, which has its own keys
    page.keyboard.press("ArrowRight")  # steps on, wrapping to the first frame
    expect(page.locator("#frame-label")).to_have_text("Epoch 0")
    assert errors == []
