"""Mangled or hostile URLs: the page is always built, nothing is evaluated, user
text is shown as text (the start of the project's issue 7)."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from page_driver import Browser

from playground.experiment import KNOBS, Config
from playground.ui.app import Playground, _escaped
from playground.ui.options import PageOptions, split_query
from playground.ui.pages import hide_names

HIDEABLE = set(hide_names())  # what the pages declare
KEYS = st.sampled_from([*KNOBS, *PageOptions.param, "x", "", "<script>", "hidden[]"])
JUNK = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "nan",
            "inf",
            "-1",
            "1e308",
            "99999999999999999999",
            "<script>alert(1)</script>",
            "8,8,8,8,8,8,8,8,8,8",
            "0",
            "true",
            "x1sq,bogus",
            "%00",
        ]
    ),
    st.integers(-(10**12), 10**12).map(str),
    st.text(min_size=2000, max_size=3000),
)
QUERIES = st.lists(st.tuples(KEYS, JUNK), max_size=8).map(urlencode)


@settings(max_examples=1000, deadline=None)
@given(QUERIES)
def test_any_query_parses_into_valid_options_and_config(query):
    options, knobs, warnings = split_query(query, HIDEABLE)
    config, more = Config.from_query(knobs)
    assert isinstance(config, Config) and all(isinstance(w, str) for w in warnings + more)
    for name in KNOBS:  # every value within its parameter's bounds
        config.param[name]._validate(getattr(config, name))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(QUERIES)
def test_any_query_builds_a_page_that_draws_a_frame(query):
    options, knobs, warnings = split_query(query, HIDEABLE)
    config, more = Config.from_query(knobs)
    if config.dataset == "mnist":
        config.dataset = "circle"
    page = Playground(config, warnings=warnings + more)
    page.hide(options.hide)
    browser = Browser(page)
    page.session.step(1)
    page.redraw()
    header, sections = browser.last
    assert header["epoch"] == page.session.epoch and header["scene"] == browser.scenes[-1]["id"]


def test_user_text_in_warnings_is_shown_as_text_not_markup():
    shown = _escaped(["dataset: '<script>alert(1)</script>' is not one of circle"])
    assert "<script>" not in shown and "&lt;script&gt;" in shown
