"""Every guided lesson opens on the page and trains, in Chromium."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from playground.experiment.lessons import LESSONS
from tests.browser.test_page import click, epoch, open_page, wait_until

pytestmark = pytest.mark.browser


def test_every_lesson_opens_from_the_menu_and_trains(page: Page, server_url):
    errors: list[str] = []
    open_page(page, server_url + "/", errors)
    for i, (name, lesson) in enumerate(LESSONS.items(), start=1):
        page.get_by_label("Lesson").select_option(f"{i}. {lesson.title}")
        expect(page.get_by_text(f"Lesson: {lesson.title}")).to_be_visible(timeout=30_000)
        expect(page.locator("#epoch")).to_have_text(
            "0" if "mnist" in lesson.query else "000,000", timeout=30_000
        )
        click(page, "Step")
        expect(page.locator("#epoch")).to_have_text(
            "1" if "mnist" in lesson.query else "000,001", timeout=60_000
        )
        assert f"lesson={name}" in page.evaluate("location.href")
    assert errors == []


def test_a_lesson_link_opens_the_lesson_with_its_card(page: Page, server_url):
    open_page(page, server_url + "/?lesson=xor-linear")
    expect(page.get_by_text("Lesson: A straight line cannot solve XOR")).to_be_visible()
    expect(page.get_by_text("Try this")).to_be_visible()


def test_a_lesson_stops_at_its_epoch_count_and_says_so_then_play_carries_on(page: Page, server_url):
    lesson = LESSONS["full-batch"]  # "Press Play for 100 epochs" (one step an epoch: quick)
    open_page(page, server_url + "/?lesson=full-batch")
    click(page, "▶ Play")
    notice = page.get_by_text(f"Stopped at epoch {lesson.epochs}, as the lesson says")
    # three epochs of all 60,000 digits: on a loaded 2-core machine that is a while
    expect(notice).to_be_visible(timeout=180_000)
    expect(page.get_by_role("button", name="▶ Play")).to_be_visible()
    time.sleep(1.0)  # frames on their way have arrived; nothing trains on
    expect(page.locator("#epoch")).to_have_text(f"{lesson.epochs:07,d}")
    click(page, "▶ Play")
    expect(notice).to_be_hidden()
    wait_until(lambda: epoch(page) > lesson.epochs + 20, timeout=60)


def test_an_mnist_lesson_stops_at_its_epoch_count_too(page: Page, server_url):
    lesson = LESSONS["mnist-softmax"]  # "Press Play for three epochs"
    open_page(page, server_url + "/?lesson=mnist-softmax")
    click(page, "▶ Play")
    notice = page.get_by_text(f"Stopped at epoch {lesson.epochs}, as the lesson says")
    # three epochs of all 60,000 digits: on a loaded 2-core machine that is a while
    expect(notice).to_be_visible(timeout=180_000)
    time.sleep(1.0)
    expect(page.locator("#epoch")).to_have_text(str(lesson.epochs))
