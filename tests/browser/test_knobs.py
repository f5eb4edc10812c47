"""The knobs' labels on the page show the values a lecturer set."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_page import open_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("query", "shown"), [("", "0.999"), ("&beta2=0.99995", "0.99995")])
def test_the_adam_beta2_slider_shows_enough_digits(page: Page, server_url, query, shown):
    open_page(page, f"{server_url}/?optimizer=adam{query}")
    page.get_by_text("More knobs").click()
    title = page.locator(".bk-slider-title").filter(has_text="Beta2")
    expect(title).to_have_text(f"Beta2: {shown}", timeout=20_000)
