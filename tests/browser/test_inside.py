"""The views inside the network in Chromium: opened by their buttons, drawn from
the frames, following training, the hidden layer chosen and the threshold."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_page import click, open_page, wait_until

pytestmark = pytest.mark.browser


def _counts(page: Page) -> list[int]:
    text = page.locator(".pg-metrics canvas").get_attribute("data-counts") or ""
    return [int(float(c)) for c in text.split(",")] if text else []


def test_each_view_opens_from_its_button_and_follows_training(page: Page, server_url):
    errors: list[str] = []
    open_page(page, server_url + "/?dataset=xor&hidden=4,2&seed=2", errors)
    expect(page.locator(".pg-inside")).to_be_hidden()  # closed: nothing drawn, nothing sent
    for view in ("Hidden space", "Gradients", "Weights", "Metrics"):
        click(page, view)
    for part in (".pg-hidden-space", ".pg-gradients", ".pg-histograms", ".pg-metrics"):
        expect(page.locator(part)).to_be_visible()
    # every training point is drawn where the layer puts it
    hidden = page.locator(".pg-hidden-space canvas")
    expect(hidden).to_have_attribute("data-points", "250", timeout=20_000)
    expect(page.locator(".pg-hidden-space")).to_contain_text("layer 2: units 1 and 2")
    # the confusion matrix counts every test point; the ROC curve has an area
    wait_until(lambda: sum(_counts(page)) == 250)
    before = page.locator(".pg-metrics canvas").get_attribute("data-auc")
    for _ in range(60):
        click(page, "Step")
    expect(page.locator("#epoch")).to_have_text("000,060", timeout=20_000)
    wait_until(lambda: page.locator(".pg-metrics canvas").get_attribute("data-auc") != before)
    expect(page.locator(".pg-metrics")).to_contain_text("precision")
    # a point an epoch on the gradient curves, a line of the legend a layer
    wait_until(lambda: int(page.locator(".pg-gradients canvas").get_attribute("data-epochs")) >= 50)
    expect(page.locator(".pg-gradients")).to_contain_text("output: gradient")
    assert errors == []


def test_the_hidden_layer_and_the_threshold_are_chosen_by_their_controls(page: Page, server_url):
    open_page(page, server_url + "/?dataset=gauss&noise=35&hidden=4,2&seed=5")
    click(page, "Hidden space")
    click(page, "Metrics")
    page.get_by_label("Hidden layer").select_option("layer 1 (4 units)")
    expect(page.locator(".pg-hidden-space")).to_contain_text("layer 1: units 1 and 2 of 4")
    for _ in range(30):
        click(page, "Step")
    wait_until(lambda: sum(_counts(page)) == 250)
    positives = sum(_counts(page)[1::2])  # the "predicted +1" column
    handle = page.locator(".bk-slider-title", has_text="Decision threshold")
    expect(handle).to_be_visible()
    slider = handle.locator("xpath=..")
    slider.scroll_into_view_if_needed()
    track = slider.locator(".noUi-target").bounding_box()
    knob = slider.locator(".noUi-handle").bounding_box()
    # drag it to 0.6 of the scale (-0.95 .. 0.95): fewer points are called +1
    page.mouse.move(knob["x"] + knob["width"] / 2, knob["y"] + knob["height"] / 2)
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] * (0.6 + 0.95) / 1.9, knob["y"], steps=5)
    page.mouse.up()
    expect(handle).to_contain_text("0.6")
    wait_until(lambda: sum(_counts(page)[1::2]) < positives)


def test_an_embedded_page_shows_the_views_it_names(page: Page, server_url):
    open_page(page, server_url + "/?embed=true&show=output,hidden_space,metrics&hidden=3,2")
    expect(page.locator(".pg-hidden-space")).to_be_visible()
    expect(page.locator(".pg-metrics")).to_be_visible()
    expect(page.locator(".pg-histograms")).to_be_hidden()
    expect(page.locator(".pg-network")).to_be_hidden()
