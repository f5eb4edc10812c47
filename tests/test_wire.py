"""The faster PATCH-DOC serializer sends exactly what Bokeh's own would."""

from __future__ import annotations

import importlib

import panel as pn
from bokeh.core.serialization import Serializer
from bokeh.document import Document

from playground.experiment import Config
from playground.ui.mnist_page import MnistPage
from playground.ui.theme import LIGHT
from playground.ui.wire import FrameSerializer, install


def _frame_events():
    """The events of one real frame of the MNIST page (and the document they belong to)."""
    doc = Document()
    page = MnistPage(Config(dataset="mnist", mnist_train=600, mnist_test=300), LIGHT)
    pn.panel(page).server_doc(doc)
    doc.models.flush_synced()  # as after the browser pulled the document
    events = []
    doc.callbacks.on_change(events.append)
    page.session.step(1)
    page.redraw()
    page.config.hidden = [3]  # a new architecture: new models appear in the patch
    return doc, events


def _plain(encoded):
    """Encoded output with buffers replaced by their bytes (ids differ per run)."""
    if isinstance(encoded, dict):
        if encoded.get("type") == "bytes":
            return bytes(encoded["data"].data)
        return {k: _plain(v) for k, v in encoded.items()}
    if isinstance(encoded, list | tuple):
        return [_plain(v) for v in encoded]
    return encoded


def test_frame_serializer_matches_bokeh():
    doc, events = _frame_events()
    assert len(events) > 5
    stock = Serializer(references=doc.models.synced_references)
    fast = FrameSerializer(references=doc.models.synced_references)
    assert _plain(fast.encode(events)) == _plain(stock.encode(events))
    assert len(fast.buffers) == len(stock.buffers) > 0
    for model in doc.models:
        assert fast.has_ref(model) == stock.has_ref(model)


def test_installed_for_patch_messages():
    assert install()
    module = importlib.import_module("bokeh.protocol.messages.patch_doc")
    assert module.Serializer is FrameSerializer
