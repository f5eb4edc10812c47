"""The page fits the screens it is shown on: a projector (1280x720), a desktop
(1600x1000), a phone (390x844) and a slide's iframe. What must be seen is inside
the viewport and nothing scrolls sideways; each case leaves a screenshot in the
test's temporary folder (``pytest --basetemp DIR`` keeps them somewhere known)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_page import open_page

pytestmark = pytest.mark.browser

PROJECTOR = (1280, 720)
DESKTOP = (1600, 1000)
PHONE = (390, 844)


def inside(page: Page, locator, width: int, height: int) -> None:
    box = locator.first.bounding_box()
    assert box is not None, f"{locator} is not drawn"
    assert box["x"] >= -1 and box["y"] >= -1, box
    assert box["x"] + box["width"] <= width + 1 and box["y"] + box["height"] <= height + 1, (
        box,
        (width, height),
    )


def no_sideways_scroll(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def the_picture(page: Page):
    """What the class must see: the counter, the readout, the whole output
    heatmap, the network, and Play."""
    return [
        page.locator("#epoch"),
        page.locator("#test-loss"),
        page.locator(".pg-output canvas"),
        page.locator(".pg-network"),
        page.get_by_role("button", name="▶ Play"),
    ]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "dataset=spiral&hidden=8,8,8&features=x1,x2,x1sq,x2sq,sinx1,sinx2",
        "lesson=spiral-sines",
        "presenter=true",
        "presenter=true&theme=dark&dataset=xor&hidden=4",
    ],
)
@pytest.mark.parametrize("size", [PROJECTOR, DESKTOP], ids=["1280x720", "1600x1000"])
def test_the_whole_picture_fits_without_scrolling(page: Page, server_url, tmp_path, query, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_page(page, f"{server_url}/?{query}")
    for part in the_picture(page):
        inside(page, part, *size)
    no_sideways_scroll(page, size[0])
    page.screenshot(path=tmp_path / "page.png")


def a_phone(browser):
    """A real mobile viewport: a phone's browser lays a page out 980 px wide
    unless the page asks otherwise."""
    return browser.new_context(
        viewport={"width": PHONE[0], "height": PHONE[1]},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )


def test_a_phone_gets_one_column_with_the_picture_first(browser, server_url, tmp_path):
    context = a_phone(browser)
    page = context.new_page()
    open_page(page, f"{server_url}/?dataset=spiral&hidden=6,6")
    assert page.evaluate("document.documentElement.clientWidth") == PHONE[0]
    no_sideways_scroll(page, PHONE[0])
    heat = page.locator(".pg-output canvas").first.bounding_box()
    network = page.locator(".pg-network").first.bounding_box()
    data = page.get_by_text("Which dataset do you want to use?").bounding_box()
    assert heat["width"] >= 300  # usable, not a thumbnail
    assert network["x"] + network["width"] <= PHONE[0]
    assert network["y"] < heat["y"] < data["y"]  # network, output, then the data
    page.get_by_role("button", name="Step").tap()
    expect(page.locator("#epoch")).to_have_text("000,001")
    page.screenshot(path=tmp_path / "phone.png", full_page=True)
    context.close()


def test_the_readmes_iframe_shows_all_it_promises(page: Page, server_url, tmp_path):
    page.set_viewport_size({"width": 1200, "height": 720})
    src = f"{server_url}/?embed=true&show=network,output,loss&dataset=xor&hidden=4"
    page.set_content(f'<iframe src="{src}" width="1100" height="650" style="border:0"></iframe>')
    frame = page.frame_locator("iframe")
    expect(frame.locator("#epoch")).to_be_visible(timeout=60_000)
    expect(frame.locator(".pg-stage[data-frame]")).to_have_count(1, timeout=30_000)
    for css in (".pg-output canvas", ".pg-network", ".pg-stage .chart canvas >> nth=-1"):
        inside(page, frame.locator(css), 1100, 650)
    inside(page, frame.get_by_role("button", name="▶ Play"), 1100, 650)
    # no knobs were asked for
    assert not any(e.is_visible() for e in frame.get_by_text("Learning rate").all())
    frame.get_by_role("button", name="▶ Play").click()
    expect(frame.locator("#epoch")).not_to_have_text("000,000", timeout=20_000)
    page.screenshot(path=tmp_path / "iframe.png")


def test_no_tooltip_covers_the_counter_while_the_mouse_rests_on_a_button(page: Page, server_url):
    page.set_viewport_size({"width": PROJECTOR[0], "height": PROJECTOR[1]})
    open_page(page, server_url + "/")
    counter = page.locator("#epoch").bounding_box()
    for name in ("▶ Play", "Step", "Reset"):
        page.get_by_role("button", name=name).hover()
        page.wait_for_timeout(600)
        for tip in page.locator("[role=tooltip], .bk-tooltip").all():
            if tip.is_visible():
                box = tip.bounding_box()
                overlap_x = box["x"] < counter["x"] + counter["width"] and counter["x"] < (
                    box["x"] + box["width"]
                )
                overlap_y = box["y"] < counter["y"] + counter["height"] and counter["y"] < (
                    box["y"] + box["height"]
                )
                assert not (overlap_x and overlap_y), name


def the_digits(page: Page):
    """What the class must see of the MNIST page: Play, the counter and the
    progress, the test accuracy, the curves, the weight images, the whole
    confusion matrix and the gallery."""
    return [
        page.get_by_role("button", name="▶ Play"),
        page.locator("#epoch"),
        page.locator(".pg-stage progress"),
        page.locator("#test-accuracy"),
        page.locator(".pg-chart"),
        page.locator(".pg-weights canvas"),
        page.locator(".pg-confusion canvas"),
        page.locator(".pg-gallery canvas"),
    ]


@pytest.mark.parametrize("query", ["", "hidden=&theme=dark", "presenter=true"])
@pytest.mark.parametrize("size", [PROJECTOR, DESKTOP], ids=["1280x720", "1600x1000"])
def test_the_mnist_page_fits_without_scrolling(page: Page, server_url, tmp_path, query, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_page(page, f"{server_url}/?mode=mnist&mnist_train=2000&mnist_test=500&{query}")
    page.get_by_role("button", name="Step").click()
    expect(page.locator("#epoch")).to_have_text("1", timeout=30_000)
    for part in the_digits(page):
        inside(page, part, *size)
    no_sideways_scroll(page, size[0])
    page.screenshot(path=tmp_path / "mnist.png")


def test_a_phone_gets_the_mnist_page_in_one_column(browser, server_url, tmp_path):
    context = a_phone(browser)
    page = context.new_page()
    open_page(page, f"{server_url}/?mode=mnist&mnist_train=2000&mnist_test=500")
    no_sideways_scroll(page, PHONE[0])
    boxes = [part.first.bounding_box() for part in the_digits(page)[4:]]
    assert all(b["x"] + b["width"] <= PHONE[0] for b in boxes)
    assert [b["y"] for b in boxes] == sorted(b["y"] for b in boxes)  # stacked, one column
    page.screenshot(path=tmp_path / "mnist-phone.png", full_page=True)
    context.close()
