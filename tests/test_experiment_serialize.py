"""The configuration through URL queries and JSON, and weights as JSON."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import numpy as np
import pytest
from config_strategies import valid_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.experiment import KNOBS, Config, Session, make_plan, parse_strict

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


JUNK_TEXT = [
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e999",
    "-1e999",
    "1e-999",
    "9" * 400,
    "-5",
    "0x10",
    "",
    ",",
    ",,8,,",
    "8,8,8,8,8,8,8,8,8,8,8",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "a" * 5000,
    "true",
    "[1, 2]",
    "%00",
    "mnist",
    "\u202e\u0000",
]
junk_values = st.one_of(
    st.sampled_from(JUNK_TEXT),
    st.text(max_size=30),
    st.integers().map(str),
    st.floats().map(repr),
)
junk_keys = st.one_of(st.sampled_from(KNOBS), st.text(max_size=12), st.sampled_from(JUNK_TEXT))
json_junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=10,
)


def assert_valid(config: Config, warnings: list[str]) -> None:
    assert isinstance(config, Config)
    assert all(isinstance(w, str) and len(w) < 400 for w in warnings)
    Config(**config.values())  # every value passes param's validation again
    make_plan(config)
    again, _ = Config.from_query(config.to_query())
    assert again.values() == config.values()  # a repaired config is a fixed point


#: The two ways a config is written down and read back: a link's query, a JSON file.
ROUND_TRIPS = {
    "query": (Config.to_query, Config.from_query),
    "json": (Config.to_json, Config.from_json),
}


@pytest.mark.parametrize("form", ROUND_TRIPS)
@FAST
@given(values=valid_settings)
def test_random_valid_configs_survive_the_query_and_json_round_trips_exactly(form, values):
    write, read = ROUND_TRIPS[form]
    config = Config(**values)
    back, warnings = read(write(config))
    assert back.values() == config.values()
    assert set(warnings) <= set(make_plan(config).notes)  # only cross-knob notes


@FAST
@given(st.text(max_size=300))
def test_random_text_as_a_query_never_raises_and_gives_a_valid_config(text):
    assert_valid(*Config.from_query(text))


@FAST
@given(st.lists(st.tuples(junk_keys, junk_values), max_size=12))
def test_junk_keys_and_values_never_raise_and_give_a_valid_config(pairs):
    assert_valid(*Config.from_query(urlencode(pairs)))


@FAST
@given(st.dictionaries(junk_keys, json_junk, max_size=8))
def test_junk_json_never_raises_and_gives_a_valid_config(data):
    assert_valid(*Config.from_json(json.dumps(data)))


@FAST
@given(st.text(max_size=200) | st.binary(max_size=50))
def test_malformed_json_text_never_raises(text):
    assert_valid(*Config.from_json(text))


def test_only_changed_knobs_appear_in_the_query_in_declaration_order():
    assert Config().to_query() == ""
    c = Config(learning_rate=0.1, dataset="spiral", hidden=[8, 8], batch_norm=True)
    assert c.to_query() == "dataset=spiral&hidden=8,8&batch_norm=true&learning_rate=0.1"
    assert Config(hidden=[]).to_query() == "hidden="


def test_an_empty_hidden_value_means_no_hidden_layer():
    config, warnings = Config.from_query("hidden=")
    assert config.hidden == [] and warnings == []


def test_out_of_range_numbers_fall_back_to_the_default_with_a_warning():
    config, warnings = Config.from_query("learning_rate=50&batch_size=-3&hidden=8,9999")
    assert config.learning_rate == Config.param.learning_rate.default
    assert config.batch_size == Config.param.batch_size.default
    assert config.hidden == [8, Config.param.hidden.item_bounds[1]]
    assert len(warnings) == 3 and all("using" in w for w in warnings)
    assert "learning_rate: '50' is above the maximum 10; using the default." in warnings


def test_a_negative_learning_rate_in_a_link_means_the_default_not_zero():
    config, warnings = Config.from_query("learning_rate=-5")
    assert config.learning_rate == Config.param.learning_rate.default > 0
    assert warnings == ["learning_rate: '-5' is below the minimum 0; using the default."]


def test_an_out_of_range_number_falls_back_to_the_data_sets_own_default():
    config, warnings = Config.from_json('{"dataset": "mnist", "learning_rate": 1e308}')
    assert config.learning_rate == Config(dataset="mnist").learning_rate
    assert "using the default" in warnings[0]


def test_malformed_values_fall_back_to_the_default_and_unknown_keys_are_ignored():
    config, warnings = Config.from_query("?noise=lots&learning_rate=nan&colour=red&dataset=<b>")
    assert config.values() == Config().values()
    text = " ".join(warnings)
    assert "noise" in text and "learning_rate" in text and "'colour'" in text
    assert len(warnings) == 4


def test_the_last_of_repeated_keys_wins_with_a_warning():
    config, warnings = Config.from_query("dataset=xor&dataset=spiral")
    assert config.dataset == "spiral" and "more than once" in warnings[0]


def test_a_whole_url_and_forgiving_spellings_are_accepted():
    config, warnings = Config.from_query(
        "https://example.org/playground?Dataset=Spiral&learning-rate=1e%2B0&hidden=[8, 8]#top"
    )
    assert (config.dataset, config.learning_rate, config.hidden) == ("spiral", 1.0, [8, 8])
    assert warnings == []


def test_mnist_defaults_round_trip_through_a_short_query():
    config = Config(dataset="mnist", learning_rate=0.03)
    assert config.to_query() == "dataset=mnist&learning_rate=0.03"
    back, _ = Config.from_query(config.to_query())
    assert back.values() == config.values()


def test_combinations_that_do_not_fit_are_kept_but_warned_about():
    config, warnings = Config.from_query("dataset=blobs&loss=bce")
    assert config.loss == "bce"  # kept, so the link round-trips...
    assert any("bce" in w for w in warnings)  # ...but the user is told


def test_a_link_chooses_hinge_or_mae_and_round_trips():
    for query, output in [
        ("dataset=blobs&loss=hinge", "scores"),
        ("dataset=reg_plane&loss=mae", "linear"),
    ]:
        config, warnings = Config.from_query(query)
        assert warnings == [] and config.to_query() == query
        assert make_plan(config).output == output


def test_a_link_pairing_hinge_with_a_sigmoid_output_is_kept_but_warned_about():
    config, warnings = Config.from_query("dataset=circle&output=sigmoid&loss=hinge")
    assert (config.output, config.loss) == ("sigmoid", "hinge")
    assert any("loss 'hinge' needs output 'scores'" in w for w in warnings)


def test_warnings_are_capped_for_huge_junk_queries():
    _, warnings = Config.from_query("&".join(f"k{i}=1" for i in range(200)))
    assert len(warnings) <= 21 and "more" in warnings[-1]


def test_strict_parsing_refuses_what_the_url_would_repair():
    assert parse_strict("hidden", "8,8") == [8, 8]
    assert parse_strict("hidden", "") == []
    for name, text in [("learning_rate", "50"), ("hidden", "8,x"), ("features", "x1,x1")]:
        with pytest.raises(ValueError, match=name):
            parse_strict(name, text)


# ----------------------------------------------------------------------- weights
def test_weights_json_round_trips_bit_for_bit():
    a = Session(dataset="xor", hidden=[3, 2])
    a.step(20)
    b = Session(dataset="xor", hidden=[3, 2], seed=7)
    b.load_weights_json(a.weights_json())
    for (wa, ba), (wb, bb) in zip(a.model.get_weights(), b.model.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
        np.testing.assert_array_equal(ba, bb)
    np.testing.assert_array_equal(a.predict_grid(20), b.predict_grid(20))


def test_weights_json_carries_batch_norm_state():
    a = Session(dataset="circle", batch_norm=True)
    a.step(5)
    b = Session(dataset="circle", batch_norm=True, seed=3)
    b.load_weights_json(a.weights_json())
    np.testing.assert_array_equal(a.predict_grid(20), b.predict_grid(20))


def test_loading_weights_of_another_architecture_says_what_differs():
    text = Session(hidden=[8, 8]).weights_json()
    target = Session()
    before = target.model.get_weights()
    with pytest.raises(ValueError, match="2-8-8-1 network .* this network is 2-4-2-1"):
        target.load_weights_json(text)
    np.testing.assert_array_equal(before[0][0], target.model.get_weights()[0][0])


@pytest.mark.parametrize(
    "text",
    ["", "not json", "[]", '{"format": "other"}', "[" * 10_000],
)
def test_loading_something_that_is_not_a_weights_file_raises_value_error(text):
    with pytest.raises(ValueError, match="weights file"):
        Session().load_weights_json(text)


def test_loading_weights_with_nan_or_bad_shapes_raises_value_error_and_keeps_weights():
    s = Session()
    data = json.loads(s.weights_json())
    data["layers"][0]["W"][0][0] = float("nan")
    with pytest.raises(ValueError, match="NaN"):
        s.load_weights_json(json.dumps(data))
    data["layers"][0]["W"] = [[1.0]]
    with pytest.raises(ValueError):
        s.load_weights_json(json.dumps(data))
    data["layers"][0]["W"] = "abc"
    with pytest.raises(ValueError):
        s.load_weights_json(json.dumps(data))
    assert s.model.is_finite()
