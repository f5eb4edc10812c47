"""The Experiments mode in headless Chromium: run a small sweep, see its points
and table rows arrive, open the best trial in the playground; Stop; closing the
tab stops the sweep; the layout at the sizes the page is used on."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qsl, urlsplit

import panel as pn
import pytest
from playwright.sync_api import Browser, Page, expect

from playground.ui.app import create_app
from tests.browser.test_lifecycle import _serve_here, _wait_until_closed
from tests.browser.test_page import epoch, wait_until

pytestmark = pytest.mark.browser

#: A sweep that takes a while (about 40 s estimated), to stop or close midway.
LONG = {"Trials": "40", "Epochs": "1000"}


def open_experiments(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("button", name="▶ Run")).to_be_visible(timeout=60_000)
    page.wait_for_function(
        "() => window.Bokeh && Bokeh.documents.length > 0 && Bokeh.documents[0].is_idle",
        timeout=30_000,
    )


def fill(page: Page, values: dict[str, str]) -> None:
    for name, value in values.items():
        field = page.get_by_label(name, exact=True)
        field.fill(value)
        field.press("Enter")
        expect(field).to_have_value(value)
    page.wait_for_timeout(300)  # (the change on its way to the server)
    page.wait_for_function("() => Bokeh.documents[0].is_idle")


def points(page: Page) -> int:
    """The points on the scatter (its data source's rows, as Bokeh holds them)."""
    return page.evaluate(
        """() => {
          for (const m of Bokeh.documents[0]._all_models.values()) {
            if (m.data && m.data.score) return m.data.score.length;
          }
          return 0;
        }"""
    )


#: Where the scatter's first point is drawn, and the query of its trial.
FIRST_POINT_JS = """() => {
  const views = [];
  const walk = (v) => { views.push(v); for (const c of (v.child_views || [])) walk(c); };
  for (const root of Object.values(Bokeh.index)) walk(root);
  for (const v of views) {
    for (const rv of (v.renderer_views ? v.renderer_views.values() : [])) {
      const data = rv.model.data_source && rv.model.data_source.data;
      if (!data || !data.score || !data.score.length) continue;
      const canvas = v.canvas_view.el.getBoundingClientRect();
      return {x: canvas.left + rv.coordinates.x_scale.compute(data.x[0]),
              y: canvas.top + rv.coordinates.y_scale.compute(data.y[0]),
              query: data.query[0]};
    }
  }
  return null;
}"""


def test_a_small_sweep_shows_points_and_rows_and_opens_the_best_trial(page: Page, server_url):
    open_experiments(page, server_url + "/?mode=experiments")
    fill(page, {"Trials": "4", "Epochs": "50"})
    page.get_by_role("button", name="▶ Run").click()
    expect(page.get_by_text("4 of 4 trials done.")).to_be_visible(timeout=60_000)
    expect(page.locator(".tabulator-row")).to_have_count(4)
    assert points(page) == 4
    best = page.get_by_text("chosen on validation")
    expect(best).to_contain_text("test accuracy")
    link = page.get_by_role("link", name="open it in the playground ↗")
    query = link.get_attribute("href")
    with page.context.expect_page() as opened:
        link.click()
    trial = opened.value
    expect(trial.locator("#epoch")).to_be_visible(timeout=60_000)

    # the 2-D page, holding the trial's every knob (the address bar may leave out a seed of 0)
    def knobs(url: str) -> dict:
        pairs = dict(parse_qsl(urlsplit(url).query))
        return {k: v for k, v in pairs.items() if (k, v) != ("seed", "0")}

    wanted = knobs(query)
    wait_until(lambda: knobs(trial.url) == wanted)
    assert "learning_rate" in wanted and "mode" not in wanted
    assert epoch(trial) == 0  # fresh weights from the trial's seed (test_experiments_page)
    trial.close()

    point = page.evaluate(FIRST_POINT_JS)  # a click on a point opens its trial too
    with page.context.expect_page() as opened:
        page.mouse.click(point["x"], point["y"])
    expect(opened.value.locator("#epoch")).to_be_visible(timeout=60_000)
    assert knobs(opened.value.url) == knobs("/?" + point["query"])
    opened.value.close()


def test_stop_stops_the_sweep_and_keeps_the_trials_done(page: Page, server_url):
    open_experiments(page, server_url + "/?mode=experiments")
    fill(page, LONG)
    page.get_by_role("button", name="▶ Run").click()
    expect(page.get_by_text(re.compile(r"^Running: \d+ of 40 trials done"))).to_be_visible()
    page.get_by_role("button", name="■ Stop").click()
    expect(page.get_by_text(re.compile(r"of 40 trials done \(stopped\)\."))).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_role("button", name="▶ Run")).to_be_enabled()


def test_closing_the_tab_stops_the_sweep(browser: Browser):
    shells = []

    def app():
        shells.append(create_app(live_socket=True))
        return shells[-1]

    server, port = _serve_here(app)
    try:
        tab = browser.new_page()
        open_experiments(tab, f"http://127.0.0.1:{port}/?mode=experiments")
        fill(tab, LONG)
        tab.get_by_role("button", name="▶ Run").click()
        expect(tab.get_by_text(re.compile(r"^Running:"))).to_be_visible()
        sweep = shells[-1].page().live["main"].sweep
        assert not sweep.done
        tab.close()
        _wait_until_closed()
        assert not pn.state.session_info["live"]
        assert sweep.stopped
        wait_until(lambda: sweep.done, timeout=30)  # each worker ends within its chunk
        assert len(sweep.results()) < sweep.total
    finally:
        server.stop()


@pytest.mark.parametrize("size", [(1280, 720), (1600, 1000), (390, 844)])
def test_the_page_fits_each_screen_without_sideways_scrolling(browser: Browser, server_url, size):
    width, height = size
    tab = browser.new_page(viewport={"width": width, "height": height})
    open_experiments(tab, server_url + "/?mode=experiments")
    fill(tab, {"Trials": "12", "Epochs": "100"})
    tab.get_by_role("button", name="▶ Run").click()
    expect(tab.get_by_text("12 of 12 trials done.")).to_be_visible(timeout=60_000)
    time.sleep(0.5)  # (the last redraw)
    tab.screenshot(path=f"/tmp/exp-page-{width}x{height}.png")
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    run = tab.get_by_role("button", name="▶ Run").bounding_box()
    assert run["y"] + run["height"] <= height  # the form's buttons are on the first screen
    tab.close()
