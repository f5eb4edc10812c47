"""``playground serve --bokeh-frames``: the same page with its frames sent through
Bokeh's websocket (a proxy that passes only one websocket), in Chromium."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import _free_port, wait_for_http
from tests.browser.test_page import click, epoch, open_page, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def bokeh_frames_url():
    port = _free_port()
    cmd = [sys.executable, "-m", "playground", "serve", "--port", str(port), "--bokeh-frames"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_for_http(url + "/", proc)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_the_page_trains_and_draws_without_its_own_websocket(page: Page, bokeh_frames_url):
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    open_page(page, bokeh_frames_url + "/?dataset=xor&hidden=4")
    click(page, "Step")
    expect(page.locator("#epoch")).to_have_text("000,001")
    click(page, "▶ Play")
    wait_until(lambda: epoch(page) >= 30, timeout=60)
    click(page, re.compile("Pause"))
    assert sockets and not any("pg-live" in url for url in sockets)
