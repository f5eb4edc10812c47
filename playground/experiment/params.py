"""Two list-valued Parameter types that ``param`` does not ship.

``param.List`` bounds the *length* of a list but not its items, and
``param.ListSelector`` accepts an empty list and duplicates. The playground needs
"one to eight layers of 1 to 512 units" and "at least one input feature, each once";
declaring those limits on the Parameter itself keeps them in the one place the
widgets, the URL parser and the CLI read them from.
"""

from __future__ import annotations

import param


class IntList(param.List):
    """A list of whole numbers, each within ``item_bounds`` (inclusive).

    ``bounds`` (inherited) limits how many items there are. ``bool`` items are
    refused even though ``bool`` is an ``int`` subclass: ``[True]`` is never meant
    as a layer of one unit.
    """

    __slots__ = ["item_bounds"]

    _slot_defaults = dict(param.List._slot_defaults, item_bounds=(None, None))

    def __init__(self, default=param.Undefined, *, item_bounds=param.Undefined, **params):
        # Set before the base initialiser, which validates the default with _validate.
        self.item_bounds = item_bounds
        super().__init__(default=default, item_type=int, **params)

    def _validate(self, val):
        super()._validate(val)
        lo, hi = self.item_bounds
        for item in val:
            if isinstance(item, bool) or not isinstance(item, int):
                raise ValueError(
                    f"{self.name} items must be whole numbers, got {item!r} in {val!r}"
                )
            if (lo is not None and item < lo) or (hi is not None and item > hi):
                raise ValueError(f"{self.name} items must be from {lo} to {hi}, got {item}")


class ChoiceList(param.ListSelector):
    """A list of names from ``objects`` with a minimum and maximum length.

    ``unique=True`` refuses repeated names (a feature used twice is a mistake;
    the same activation on two layers is not).
    """

    __slots__ = ["min_length", "max_length", "unique"]

    _slot_defaults = dict(
        param.ListSelector._slot_defaults, min_length=0, max_length=None, unique=False
    )

    def __init__(
        self,
        default=param.Undefined,
        *,
        min_length=param.Undefined,
        max_length=param.Undefined,
        unique=param.Undefined,
        **params,
    ):
        self.min_length = min_length
        self.max_length = max_length
        self.unique = unique
        super().__init__(default=default, **params)

    def _validate(self, val):
        super()._validate(val)
        if val is None:
            return
        if len(val) < self.min_length:
            raise ValueError(f"{self.name} needs at least {self.min_length} item(s), got {val!r}")
        if self.max_length is not None and len(val) > self.max_length:
            raise ValueError(f"{self.name} takes at most {self.max_length} items, got {len(val)}")
        if self.unique and len(set(val)) != len(val):
            raise ValueError(f"each {self.name} item may appear once, got {val!r}")
