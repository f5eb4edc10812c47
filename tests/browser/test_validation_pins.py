"""The validation split and pinned runs on the page, in Chromium: the validation
readout and curve, the baselines, and two runs compared on one chart."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from playground.experiment import Config, Session
from tests.browser.test_page import click, epoch, open_page, wait_until

pytestmark = pytest.mark.browser

SIZES = {"1280x720": (1280, 720), "1600x1000": (1600, 1000), "390x844": (390, 844)}
SPIRAL = "dataset=spiral&validation_ratio=20&hidden=8,8&features=x1,x2,sinx1,sinx2&seed=1"


def train(page: Page, epochs: int) -> None:
    """Step ``epochs`` times (each a click a person makes)."""
    start = epoch(page)
    for _ in range(epochs):
        click(page, "Step")
    wait_until(lambda: epoch(page) == start + epochs)


def loss_chart(page: Page):
    return page.locator(".pg-stage .chart canvas").first


@pytest.mark.parametrize("size", list(SIZES))
def test_the_validation_readout_curve_and_baselines_show(page: Page, server_url, size):
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    open_page(page, f"{server_url}/?{SPIRAL}")
    expect(page.locator("#validation-loss")).to_be_visible()
    expect(page.locator("#validation-accuracy")).to_be_visible()
    base = Session(Config.from_query(SPIRAL)[0]).baselines()
    frequent = f"most frequent {100 * base['most_frequent']:.0f}%"
    expect(page.locator("#baselines")).to_have_text(f"chance 50% · {frequent}")
    expect(page.locator("#n-validation")).to_have_text("50")
    train(page, 3)
    expect(page.locator("#validation-loss")).not_to_have_text("–")
    expect(loss_chart(page)).to_have_attribute("data-curves", "test,validation,training")
    page.screenshot(path=f"/tmp/valid-readout-{size}.png")


def test_without_validation_the_page_shows_no_validation(page: Page, server_url):
    open_page(page, f"{server_url}/?dataset=reg_plane")
    expect(page.locator("#validation-loss")).to_be_hidden()
    expect(page.locator("#test-accuracy")).to_be_hidden()  # regression: no accuracy
    expect(page.locator("#baselines")).to_contain_text("mean predictor loss 0.1")
    train(page, 2)
    expect(loss_chart(page)).to_have_attribute("data-curves", "test,training")


@pytest.mark.parametrize("size", list(SIZES))
def test_a_pinned_run_stays_on_the_chart_labelled_with_what_differs(page: Page, server_url, size):
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    open_page(page, f"{server_url}/?{SPIRAL}")
    pins = page.locator(".pg-pinned")
    expect(page.get_by_role("button", name="Clear pins")).to_be_disabled()
    train(page, 12)
    click(page, "Pin this run")
    expect(pins).to_have_text("pinned: 1) same settings")
    page.get_by_label("Optimizer", exact=True).select_option("adam")
    wait_until(lambda: epoch(page) == 0)  # a new network
    expect(pins).to_have_text("pinned: 1) optimizer=sgd")
    train(page, 6)
    chart = loss_chart(page)
    expect(chart).to_have_attribute("data-pins", "1")
    expect(chart).to_have_attribute("data-curves", "test,validation,training")
    page.locator(".pg-pins").scroll_into_view_if_needed()
    page.screenshot(path=f"/tmp/valid-pins-{size}.png")
    click(page, "Clear pins")
    expect(pins).to_have_text("")
    expect(chart).to_have_attribute("data-pins", "0")


def test_hide_pins_takes_the_pin_buttons_away(page: Page, server_url):
    open_page(page, f"{server_url}/?dataset=xor&hide=pins")
    expect(page.get_by_role("button", name="Pin this run")).to_be_hidden()


def test_the_mnist_page_shows_validation_and_pins_too(page: Page, server_url):
    query = "mode=mnist&mnist_train=1000&mnist_test=200&validation_ratio=10&hidden=16"
    page.set_viewport_size({"width": 1280, "height": 720})
    open_page(page, f"{server_url}/?{query}")
    expect(page.locator("#validation-accuracy")).to_be_visible()
    expect(page.locator("#baselines")).to_contain_text("chance 10%")
    train(page, 2)
    expect(page.locator("#validation-accuracy")).not_to_have_text("–")
    click(page, "Pin this run")
    page.get_by_label("Learning rate", exact=True).select_option("0.03")
    expect(page.locator(".pg-pinned")).to_have_text("pinned: 1) learning_rate=0.1")
    train(page, 2)
    expect(loss_chart(page)).to_have_attribute("data-pins", "1")
    page.screenshot(path="/tmp/valid-mnist-1280x720.png")
