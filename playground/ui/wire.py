"""A cheaper way for Bokeh to put a frame on the wire.

(The 2-D page's frames no longer go through Bokeh at all: see stage.py. The MNIST
page's still do.) Every frame of such a page becomes one Bokeh PATCH-DOC message, and Bokeh's
Serializer starts each message by making a reference for *every* model in the
document (about 700 on this page) just to know which ones the browser already
has: more work than encoding the frame itself. :class:`FrameSerializer` asks
the document's set of synced models instead, and only about the models the
message mentions.

(Sending small arrays inline as base64 instead of as separate binary buffers
was tried and is slower: Bokeh compresses inline arrays with zlib.)

The message is otherwise exactly Bokeh's (tests/test_wire.py compares the two).
:func:`install` swaps the class into Bokeh's PATCH-DOC message; it is called
once when the MNIST page module is imported and does nothing if Bokeh's internals
are not the ones this was written against.
"""

from __future__ import annotations

import importlib

from bokeh.core.serialization import Serializer
from bokeh.model import Model

#: The module that builds PATCH-DOC messages (its package re-exports a class
#: of the same name, hence the import by path).
patch_doc = importlib.import_module("bokeh.protocol.messages.patch_doc")


class FrameSerializer(Serializer):
    """Bokeh's Serializer, asking the synced set instead of copying it."""

    def __init__(self, *, references=frozenset(), deferred=True, check_circular=False):
        super().__init__(deferred=deferred, check_circular=check_circular)
        self._synced = references

    # (Called for every value encoded, so kept to one dict lookup in the common case.)
    def has_ref(self, obj) -> bool:
        return id(obj) in self._references or (isinstance(obj, Model) and obj in self._synced)

    def get_ref(self, obj):
        ref = self._references.get(id(obj))
        if ref is None and isinstance(obj, Model) and obj in self._synced:
            return obj.ref
        return ref


def install() -> bool:
    """Use :class:`FrameSerializer` for Bokeh's PATCH-DOC messages (idempotent)."""
    if patch_doc.Serializer is FrameSerializer:
        return True
    known = {"has_ref", "get_ref"} <= set(vars(Serializer)) and "_references" in getattr(
        Serializer, "__annotations__", {}
    )
    if patch_doc.Serializer is not Serializer or not known:
        return False  # a Bokeh we do not know: keep its own serializer
    patch_doc.Serializer = FrameSerializer
    return True
