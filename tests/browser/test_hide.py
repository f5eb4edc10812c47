"""Every name the 2-D page declares for ``hide=`` takes away something a person
saw without it (``hide=features`` was once accepted and hid nothing).

One server; per name one page with ``?hide=NAME``, checked against what the
same page shows without it. A probe says whether the thing a name hides is on
screen; a knob's probe reads its label, a part's is written here, so a part
declared without a probe fails loudly (KeyError) until somebody says what it hides.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from playground.data import FEATURES
from playground.experiment import Config
from playground.ui.inside_controls import LABEL as INSIDE_LABEL
from playground.ui.pins import LABEL as PIN_LABEL
from playground.ui.plane import BRUSH_LABEL, MORE_KNOBS, SPEED_LABEL, Playground
from tests.browser.test_page import _edge_x1_to_first_neuron, open_page

pytestmark = pytest.mark.browser

BASE = "dataset=xor&hidden=4"
#: n_classes is only on the page for a set with several classes.
BASES = {"n_classes": "dataset=blobs&hidden=4"}
NAMES = Playground.DECLARED.hide_names

Probe = Callable[[Page], bool]


def shown(locator) -> bool:
    return any(locator.nth(i).is_visible() for i in range(locator.count()))


def text(words: str) -> Probe:
    """Some element whose text is ``words`` (perhaps with ``: value`` after it)."""
    pattern = re.compile(rf"^{re.escape(words)}(:.*)?$")
    return lambda page: shown(page.get_by_text(pattern))


def button(name: str) -> Probe:
    return lambda page: shown(page.get_by_role("button", name=name, exact=True))


def editor(page: Page) -> bool:
    """An edge says it can be edited when the pointer rests on it."""
    x, y = _edge_x1_to_first_neuron(page)
    page.mouse.move(x, y)
    tip = page.locator(".pg-network .tip")
    expect(tip).to_be_visible()
    editable = "(click to edit)" in tip.inner_text()
    page.mouse.move(5, 890)
    return editable


PART_PROBES: dict[str, Probe] = {
    "dataset": text("Which dataset do you want to use?"),
    "regenerate": button("Regenerate"),
    "speed": text(SPEED_LABEL),
    "play": button("▶ Play"),
    "brush": text(f"{BRUSH_LABEL}:"),
    "layers": button("+ layer"),
    "editor": editor,
    "features": button(FEATURES["x1sq"].label),  # an input that is off by default
    "views": text(f"{INSIDE_LABEL}:"),
    "pins": button(PIN_LABEL),
}


def probe(name: str) -> Probe:
    if name in Playground.DECLARED.knobs:
        return text(Config.param[name].label)
    return PART_PROBES[name]


def open_more_knobs(page: Page, hidden: str = "") -> None:
    """Unfold *More knobs* and wait until it is built (one of its knobs is there)."""
    page.get_by_text("More knobs").click()
    sentinel = next(n for n in MORE_KNOBS if n != hidden)
    label = re.compile(rf"^{re.escape(Config.param[sentinel].label)}(:.*)?$")
    expect(page.get_by_text(label).first).to_be_visible()


@pytest.mark.parametrize("base", sorted({BASE, *BASES.values()}))
def test_what_each_name_hides_is_on_the_page_without_hide(page: Page, server_url, base):
    open_page(page, f"{server_url}/?{base}")
    names = [n for n in NAMES if BASES.get(n, BASE) == base]
    for name in [n for n in names if n not in MORE_KNOBS]:
        assert probe(name)(page), name
    if any(n in MORE_KNOBS for n in names):
        open_more_knobs(page)
        for name in [n for n in names if n in MORE_KNOBS]:
            assert probe(name)(page), name


@pytest.mark.parametrize("name", NAMES)
def test_each_hide_name_hides_what_it_names(page: Page, server_url, name):
    open_page(page, f"{server_url}/?{BASES.get(name, BASE)}&hide={name}")
    if name in MORE_KNOBS:
        open_more_knobs(page, hidden=name)
    assert not probe(name)(page)
    assert probe("learning_rate" if name != "learning_rate" else "activation")(page)


def test_hide_takes_the_words_a_person_reads(page: Page, server_url):
    open_page(page, f"{server_url}/?{BASE}&hide=problem_type")
    assert not probe("problem")(page)
    assert probe("activation")(page)
