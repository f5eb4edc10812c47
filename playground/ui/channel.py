"""The live frames' own websocket, beside Bokeh's, on the same server.

A frame sent through Bokeh (``JSComponent._send_msg``) and confirmed back
through it (``model.send_msg``) goes through Bokeh's handling of one message in
each direction: an event object, a PATCH-DOC message, its serializer, the
session's lock and callbacks. Measured on the default page, the two turn
about (``python benchmarks/bench_page.py [--bokeh-frames]``, 2-core machine,
headless Chromium beside the server, 2026-12-02): 2.5-2.8 ms of server CPU per
frame through Bokeh, 0.86 ms through a plain tornado websocket, all at 60
frames a second (on a busier day: 5.5 against 2.0 ms). Training the epoch and
building and packing the frame are about 0.2 ms of it (``bench_page.py
--frame-cost``); most of the rest is writing to the socket and reading the
confirmation. So each page's stage opens a second websocket, ``ROUTE``, to
the same server process:

* authenticated by a random token that only the page's own Bokeh document
  holds (the stage's ``channel`` property), valid while that page lives;
* held to the same origin check as Bokeh's websocket (the server's
  ``--allow-websocket-origin`` list), so no other site's page can open it;
* binary frames down, small JSON messages (``ack``, clicks) up.

Behind nginx the route cookie keeps both websockets on the process that holds
the session. Where no such route exists (a notebook), the stage falls back to
Bokeh's message API, slower but the same protocol.
"""

from __future__ import annotations

import json
import logging
import secrets
import weakref
from urllib.parse import urlparse

from tornado.websocket import WebSocketClosedError, WebSocketHandler

log = logging.getLogger(__name__)

#: Where the stages' websocket is served (under the server's prefix).
ROUTE = "/pg-live"
#: Longest message a browser may send up (an ack or a click is a few dozen bytes).
MAX_MESSAGE = 4096


class Channels:
    """The live stages of one server process, by token (weakly: a closed page
    disappears from here with its session)."""

    def __init__(self):
        self._stages: weakref.WeakValueDictionary = weakref.WeakValueDictionary()

    def register(self, stage) -> str:
        token = secrets.token_urlsafe(24)
        self._stages[token] = stage
        return token

    def find(self, token: str):
        return self._stages.get(token)

    def forget(self, token: str) -> None:
        self._stages.pop(token, None)

    def __len__(self) -> int:
        return len(self._stages)


#: One per server process; the server registers ROUTE when it has one.
CHANNELS = Channels()


class LiveSocket(WebSocketHandler):
    """One stage's websocket: frames to the browser, acks and clicks from it."""

    def initialize(self, channels: Channels = CHANNELS) -> None:
        self._channels = channels
        self._stage = None

    def check_origin(self, origin: str) -> bool:
        from bokeh.server.util import check_allowlist

        allowed = getattr(self.application, "websocket_origins", set())
        return check_allowlist(urlparse(origin).netloc.lower(), allowed)

    def open(self) -> None:
        stage = self._channels.find(self.get_argument("token", ""))
        if stage is None:
            self.close(4001, "unknown or expired page")
            return
        self.set_nodelay(True)  # a frame is one small write: send it now
        self._stage = stage
        stage.attach(self)

    def on_message(self, message) -> None:
        if self._stage is None or len(message) > MAX_MESSAGE:
            return
        try:
            data = json.loads(message)
        except ValueError:
            return
        if isinstance(data, dict):
            self._stage.received(data)

    def on_close(self) -> None:
        if self._stage is not None:
            self._stage.detach(self)
            self._stage = None

    def send(self, payload: bytes | str) -> bool:
        """Write one message; False if the browser has gone."""
        try:
            self.write_message(payload, binary=isinstance(payload, bytes))
            return True
        except WebSocketClosedError:
            return False


def routes() -> list[tuple]:
    """The server's extra route for the stages' websocket."""
    return [(ROUTE, LiveSocket, {"channels": CHANNELS})]


def dumps(message: dict) -> str:
    return json.dumps(message, separators=(",", ":"))
