"""Share, present and embed: what a lecturer does with the page, in Chromium."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_page import click, epoch, open_page, test_loss, wait_until

pytestmark = pytest.mark.browser


def test_a_copied_link_reproduces_the_configuration(page: Page, server_url, context):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_page(page, server_url + "/?dataset=spiral&seed=7")
    page.get_by_label("Activation", exact=True).select_option("relu")
    click(page, "+ layer")
    click(page, "Reset")
    time.sleep(1)
    first_loss = test_loss(page)
    # The address bar follows the knobs (the server sends it; under load, a moment later).
    wait_until(lambda: "hidden=4,2,2" in page.evaluate("location.href"))
    click(page, "Copy link")
    expect(page.get_by_role("status")).to_contain_text("Link copied")
    link = wait_until(lambda: page.evaluate("navigator.clipboard.readText()"))
    assert link == page.evaluate("location.href")
    assert "activation=relu" in link and "seed=7" in link and "hidden=4,2,2" in link
    other = page.context.new_page()
    open_page(other, link)
    expect(other.get_by_label("Activation", exact=True)).to_have_value("relu")
    assert test_loss(other) == first_loss  # same data, same initial weights


def test_keyboard_shortcuts_step_play_and_reset(page: Page, server_url):
    open_page(page, server_url + "/")
    page.keyboard.press("ArrowRight")
    # (a loaded CI machine once took over Playwright's default 5 s here)
    expect(page.locator("#epoch")).to_have_text("000,001", timeout=20_000)
    page.keyboard.press(" ")
    wait_until(lambda: epoch(page) > 5)
    page.keyboard.press(" ")
    page.keyboard.press("r")
    expect(page.locator("#epoch")).to_have_text("000,000")
    page.keyboard.press("?")
    expect(page.get_by_text("Keyboard shortcuts")).to_be_visible()


def test_hide_keeps_only_the_knobs_of_the_day(page: Page, server_url):
    open_page(page, server_url + "/?hide=learning_rate,regularization,reg_rate,dataset")
    expect(page.get_by_label("Activation", exact=True)).to_be_visible()
    assert (
        page.get_by_label("Learning rate", exact=True).count() == 0
        or not page.get_by_label("Learning rate", exact=True).first.is_visible()
    )
    assert not page.get_by_text("Which dataset do you want to use?").is_visible()


def test_an_embedded_autoplaying_page_trains_inside_an_iframe(page: Page, server_url, tmp_path):
    slide = tmp_path / "slide.html"
    slide.write_text(
        "<html><body><h1>Lecture 3</h1>"
        f"<iframe src='{server_url}/?embed=true&autoplay=true&show=controls,output,loss"
        "&dataset=xor&hidden=4' width='1100' height='700'></iframe></body></html>"
    )
    page.goto(slide.as_uri())
    frame = page.frame_locator("iframe")
    counter = frame.locator("#epoch")
    expect(counter).to_be_visible(timeout=60_000)
    wait_until(lambda: int(counter.inner_text().replace(",", "")) > 20, timeout=60)
    header = frame.get_by_text("NN Playground")
    assert header.count() == 0 or not header.first.is_visible()  # no header when embedded


def test_a_hidden_tab_stops_training_and_resumes_when_shown_again(page: Page, server_url):
    open_page(page, server_url + "/?dataset=xor&hidden=4")
    click(page, "▶ Play")
    wait_until(lambda: epoch(page) > 5)

    def set_hidden(hidden: bool) -> None:
        page.evaluate(
            """(hidden) => {
              Object.defineProperty(document, 'visibilityState',
                {value: hidden ? 'hidden' : 'visible', configurable: true});
              document.dispatchEvent(new Event('visibilitychange'));
            }""",
            hidden,
        )

    set_hidden(True)
    expect(page.get_by_role("button", name="▶ Play")).to_be_visible(timeout=10_000)
    time.sleep(0.5)
    stopped = epoch(page)
    time.sleep(1.0)
    assert epoch(page) == stopped  # nobody is watching: no training
    set_hidden(False)
    wait_until(lambda: epoch(page) > stopped + 5)  # back again: it carries on


def test_copy_link_on_a_classroom_lan_shows_the_link_to_copy(
    browser_type, browser_type_launch_args
):
    """Plain http under a LAN name is no secure context: no clipboard API there."""
    import subprocess
    import sys

    from tests.browser.conftest import _free_port, wait_for_http

    port = _free_port()
    cmd = [sys.executable, "-m", "playground", "serve", "--port", str(port)]
    cmd += ["--allow-websocket-origin", f"teacher-pc:{port}"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    args = [*browser_type_launch_args["args"], "--host-resolver-rules=MAP teacher-pc 127.0.0.1"]
    browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", proc)
        page = browser.new_page()
        errors: list[str] = []
        open_page(page, f"http://teacher-pc:{port}/?dataset=xor", errors)
        assert page.evaluate("window.isSecureContext") is False
        click(page, "Copy link")
        box = page.get_by_role("textbox", name="Link to this page")
        expect(box).to_be_visible()
        expect(box).to_have_value(page.evaluate("location.href"))
        assert page.evaluate("document.activeElement.value") == page.evaluate("location.href")
        assert errors == []
        page.get_by_role("button", name="Close").click()
        expect(box).to_have_count(0)
    finally:
        browser.close()
        proc.terminate()
        proc.wait(timeout=10)
