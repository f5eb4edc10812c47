"""Hypothesis strategies derived from the Config declaration (shared by several tests)."""

from __future__ import annotations

import param
from hypothesis import strategies as st

from playground.experiment import KNOBS, Config
from playground.experiment.params import ChoiceList, IntList


def knob_values(name: str) -> st.SearchStrategy:
    """Every valid value of one knob, derived from its declaration."""
    p = Config.param[name]
    if isinstance(p, param.Boolean):
        return st.booleans()
    if isinstance(p, param.Integer):
        return st.integers(*p.bounds)
    if isinstance(p, param.Number):
        return st.floats(*p.bounds, allow_nan=False)
    if isinstance(p, ChoiceList):
        return st.lists(
            st.sampled_from(p.objects),
            min_size=p.min_length,
            max_size=p.max_length or len(p.objects),
            unique=p.unique,
        )
    if isinstance(p, param.Selector):
        return st.sampled_from(p.objects)
    if isinstance(p, IntList):
        return st.lists(st.integers(*p.item_bounds), max_size=p.bounds[1])
    raise AssertionError(f"no strategy for {name}")


#: Any combination of valid knob values (each knob optional).
valid_settings = st.fixed_dictionaries({}, optional={name: knob_values(name) for name in KNOBS})
