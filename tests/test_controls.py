"""Widgets derived from the Config: what their labels show."""

from __future__ import annotations

import panel as pn
import param
import pytest

from playground.experiment import KNOBS, Config
from playground.ui.controls import knob


def _slider(widget: pn.viewable.Viewable) -> pn.widgets.FloatSlider | None:
    found = widget.select(pn.widgets.FloatSlider)
    return found[0] if found else None


FLOAT_SLIDERS = [name for name in KNOBS if _slider(knob(Config(), name)) is not None]


def test_adams_beta2_slider_shows_0_999_not_1():
    slider = _slider(knob(Config(), "beta2"))
    assert slider.format.format % 0.999 == "0.999"


@pytest.mark.parametrize("name", FLOAT_SLIDERS)
def test_every_float_slider_shows_its_default_and_bounds_exactly(name):
    p = Config.param[name]
    shown = _slider(knob(Config(), name)).format.format
    for value in (p.default, *p.bounds):
        assert float(shown % value) == value, (name, value, shown % value)


def test_a_value_from_a_link_with_more_digits_is_shown_with_them():
    shown = _slider(knob(Config(beta2=0.99995), "beta2")).format.format
    assert shown % 0.99995 == "0.99995"


def test_a_boolean_knob_is_a_tick_box_bound_both_ways_to_the_config():
    config = Config()
    group = knob(config, "batch_norm").select(pn.widgets.CheckBoxGroup)[0]
    assert group.options == [Config.param.batch_norm.label] and group.value == []
    group.value = list(group.options)  # a click on the box or its words
    assert config.batch_norm is True
    config.batch_norm = False  # a lesson or a link changes the knob
    assert group.value == []


FLOAT_KNOBS = [
    name
    for name in KNOBS
    if isinstance(Config.param[name], param.Number)
    and not isinstance(Config.param[name], param.Integer)
]


@pytest.mark.parametrize("name", FLOAT_KNOBS)
def test_every_float_knobs_control_reaches_its_default_and_is_not_coarse(name):
    """β2's slider stepped by Panel's default 0.1 from 0, so 0.999 could not be set
    again once moved; eps (1e-12..1) could never be set back to 1e-8."""
    p = Config.param[name]
    lo, hi = p.bounds
    widget = knob(Config(), name)
    slider = _slider(widget)
    if slider is not None:
        assert slider.step <= (hi - lo) / 10, (name, slider.step)
        steps = (p.default - slider.start) / slider.step
        assert steps == pytest.approx(round(steps), abs=1e-6), (name, slider.step)
    else:  # a drop-down of round values, no coarser than one decade apart
        options = widget.select(pn.widgets.Select)[0].options
        assert p.default in options and all(lo <= v <= hi for v in options), name
        positive = [v for v in options if v > 0]
        assert all(b / a <= 10 + 1e-9 for a, b in zip(positive, positive[1:])), (name, options)
