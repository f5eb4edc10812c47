"""The page's own URL options: parsed forgivingly, written back minimally."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.ui.options import split_query
from playground.ui.pages import show_parts

HIDEABLE = {"learning_rate", "dataset", "regenerate"}


def test_page_options_are_split_from_the_knobs():
    options, knobs, warnings = split_query(
        "dataset=xor&embed=true&show=network,output&autoplay=1&hide=learning_rate&theme=dark"
        "&hidden=4",
        HIDEABLE,
    )
    assert (options.embed, options.autoplay, options.theme) == (True, True, "dark")
    assert options.show == ["network", "output"] and options.hide == ["learning_rate"]
    assert knobs == "dataset=xor&hidden=4" and warnings == []


def test_bad_page_options_are_dropped_with_a_warning():
    options, _, warnings = split_query("show=network,bogus&hide=x<script>&mode=3d", HIDEABLE)
    assert options.show == ["network"] and options.hide == [] and options.mode == "playground"
    assert len(warnings) == 3


@pytest.mark.parametrize("key", ["presenter", "embed", "autoplay"])
def test_a_switch_that_is_neither_true_nor_false_is_warned_about(key):
    options, _, warnings = split_query(f"{key}=maybe", HIDEABLE)
    assert getattr(options, key) is False
    assert warnings == [f"{key}: 'maybe' is not true or false; using false"]


def test_a_switch_reads_the_same_words_as_a_boolean_knob():
    words = {"yes": True, "On": True, "1": True, "TRUE": True, "no": False, "off": False}
    for word, meant in words.items():
        options, _, warnings = split_query(f"presenter={word}&embed={word}", HIDEABLE)
        assert (options.presenter, options.embed, warnings) == (meant, meant, [])


def test_options_round_trip_through_their_pairs():
    options, _, _ = split_query("embed=true&show=loss&hide=dataset&presenter=yes", HIDEABLE)
    again, _, warnings = split_query("&".join(f"{k}={v}" for k, v in options.to_pairs()), HIDEABLE)
    assert again.param.values() == options.param.values() | {"name": again.name}
    assert warnings == []


@given(st.text(max_size=200))
def test_junk_queries_never_raise(text):
    options, _, _ = split_query(text, HIDEABLE)
    assert options.show is None or set(options.show) <= set(show_parts())
