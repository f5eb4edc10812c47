"""CSV upload on the page: good files load, bad ones are reported, nothing breaks."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_page import open_page, wait_until

pytestmark = pytest.mark.browser


def upload(page: Page, path) -> None:
    page.locator("input[type=file]").first.set_input_files(str(path))


def test_a_good_csv_replaces_the_points_and_trains(page: Page, server_url, tmp_path):
    good = tmp_path / "mine.csv"
    good.write_text(
        "x1,x2,label\n"
        + "".join(
            f"{x},{y},{1 if x * y > 0 else -1}\n" for x in (-4, -2, 2, 4) for y in (-3, -1, 1, 3)
        )
    )
    open_page(page, server_url + "/?dataset=xor")
    upload(page, good)
    expect(page.get_by_text("Loaded 16 points from mine.csv")).to_be_visible(timeout=20_000)

    def counted() -> int:
        return int(page.locator("#n-train").inner_text()) + int(
            page.locator("#n-test").inner_text()
        )

    # the notice is a widget and the counts come in the stage's next frame, on
    # the page's own websocket: the two arrive in either order
    wait_until(lambda: counted() == 16)
    with page.expect_download() as download:
        page.get_by_text("Download points (CSV)").click()
    saved = download.value.path().read_text().splitlines()
    assert saved[0] == "x1,x2,label" and len(saved) == 17  # the header and the 16 points


@pytest.mark.parametrize(
    "content,message",
    [
        (b"x1,x2,label\n1,2\n", "line 2"),
        (b"x1,x2,label\n1,abc,1\n", "not a number"),
        (b"\x00\x01\x02binary", "binary"),
        (b"x1,x2,label\n1,nan,1\n", "finite"),
        (b"x1,x2,label\n1,2,<script>alert(1)</script>\n", "<script>"),
        (b"x1,x2,label\n1,2,1\n1e308,1,1\n", "line 3: x1 = 1e308 is outside the plane"),
    ],
)
def test_a_bad_csv_is_reported_and_the_data_kept(
    page: Page, server_url, tmp_path, content, message
):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    errors: list[str] = []
    open_page(page, server_url + "/?dataset=xor", errors)
    before = page.locator("#n-train").inner_text()
    upload(page, bad)
    expect(page.get_by_text(message, exact=False).first).to_be_visible(timeout=20_000)
    assert page.locator("#n-train").inner_text() == before
    assert errors == []


@pytest.mark.parametrize("megabytes", [1.5, 25])  # 25: over Bokeh's 20 MB message limit
def test_a_file_over_the_cap_is_refused_by_the_browser_and_the_page_lives_on(
    page: Page, server_url, tmp_path, megabytes
):
    big = tmp_path / "huge.csv"
    big.write_bytes(b"x1,x2,label\n" + b"1,1,1\n" * int(megabytes * 1e6 / 6))
    errors: list[str] = []
    open_page(page, server_url + "/?dataset=xor", errors)
    before = page.locator("#n-train").inner_text()
    upload(page, big)
    expect(page.get_by_text("huge.csv: file is")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("the limit is 1 MB")).to_be_visible()
    assert page.locator("#n-train").inner_text() == before
    # The session is alive (a message over the limit would have closed it): it trains,
    # and a good file chosen next is read as usual.
    good = tmp_path / "small.csv"
    good.write_text("x1,x2,label\n1,1,1\n-1,-1,-1\n2,2,1\n-2,-2,-1\n")
    upload(page, good)
    expect(page.get_by_text("Loaded 4 points from small.csv")).to_be_visible(timeout=20_000)
    page.keyboard.press(" ")
    expect(page.locator("#epoch")).not_to_have_text("000,000", timeout=20_000)
    assert errors == []
