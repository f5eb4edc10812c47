"""The live stage: one small custom component that paints every per-frame view.

The network diagram, the output heatmap with its points, the epoch counter, the
readouts and the loss curves are drawn on ``<canvas>`` by ``js/plane.js`` after
``js/core.js`` (plain ES modules, no build step) from one binary frame per
update (:mod:`frame`).
Controls stay Panel widgets around it: they change when a person touches them,
not sixty times a second.

The component knows nothing of training. It carries two kinds of message and
hands what the browser says (``hello``, ``ack``, clicks) to ``on_message``:

* ``send_scene(dict)``: what is drawn where (JSON, when the structure changes);
* ``send_frame(bytes)``: the numbers (binary, every frame).

Both go down one ordered channel, so a frame never arrives before its scene:
the page's own websocket (:mod:`channel`; 0.9 ms of server CPU a frame) when
the server offers one, else Bokeh's message API (a notebook, ``serve
--bokeh-frames``; 2.5-2.8 ms a frame), as measured in channel.py's docstring. A
``param.Bytes`` synced property would take Bokeh's path too, plus a property
change event each way.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from pathlib import Path

import param
from panel.custom import JSComponent

from playground.ui.channel import CHANNELS, ROUTE, dumps
from playground.ui.frame import (
    HISTORY_COLUMNS,
    MAX_SECTIONS,
    POINT_SIDES,
    READOUT_COLUMNS,
    SECTION_DTYPES,
    Section,
    dtype_code,
)

#: The stages' ES modules: what all share, then each page's own.
JS = Path(__file__).parent / "js"


def module(*page_js: str) -> str:
    """One stage's ES module: frame.py's section table written as JavaScript
    constants (one declaration for both ends), ``core.js``, then the page's own
    files. Plain concatenation: no build step, no Node."""
    sections = ", ".join(f"{s.name}: {s.value}" for s in Section)
    dtypes = ", ".join(f"{s.value}: {dtype_code(dt)}" for s, dt in SECTION_DTYPES.items())

    def table(names) -> str:
        return "{" + ", ".join(f"{n}: {i}" for i, n in enumerate(names)) + "}"

    head = (
        "// Written by stage.py from frame.py.\n"
        f"const SECTION = {{{sections}}};\n"
        f"const SECTION_DTYPE = {{{dtypes}}};\n"
        f"const MAX_SECTIONS = {MAX_SECTIONS};\n"
        f"const HISTORY = {table(HISTORY_COLUMNS)};\n"
        f"const HISTORY_WIDTH = {len(HISTORY_COLUMNS)};\n"
        f"const READOUT = {table(READOUT_COLUMNS)};\n"
        f"const READOUT_WIDTH = {len(READOUT_COLUMNS)};\n"
        f"const SIDE = {{{', '.join(f'{k}: {v}' for k, v in POINT_SIDES.items())}}};\n\n"
    )
    return head + "\n".join((JS / name).read_text() for name in ("core.js", *page_js))


#: Frames sent but not yet confirmed painted by the browser, at most. Two keep
#: one frame waiting in the browser while it paints the other, so a lone page
#: reaches the browser's own rate (60 a second) without any backlog.
FRAMES_IN_FLIGHT = 2
#: Carry on anyway if the browser has confirmed no frame for this long (a frame
#: lost with a reload).
ACK_TIMEOUT_S = 1.0


class FrameFlow:
    """The frames a page has sent its stage and the ones the browser confirmed
    painted: a page sends (and trains) no more while FRAMES_IN_FLIGHT are
    unconfirmed, so a slow browser gets fewer frames, never a backlog. Before
    the browser's hello nobody listens (frames sent then would be lost)."""

    def __init__(self):
        self.sent = 0
        self.acked = 0
        self.ready = False
        self.sent_at = 0.0

    def hello(self) -> None:
        """The browser's module listens: what was sent before is forgotten."""
        self.ready = True
        self.acked = self.sent

    def ack(self, number) -> None:
        """The browser painted frame ``number`` (and every one before it)."""
        if isinstance(number, int) and self.acked < number <= self.sent:
            self.acked = number

    def next(self) -> int:
        """The number of a frame about to be sent."""
        self.sent += 1
        self.sent_at = time.monotonic()
        return self.sent

    @property
    def full(self) -> bool:
        """Whether FRAMES_IN_FLIGHT frames wait for the browser."""
        return self.sent - self.acked >= FRAMES_IN_FLIGHT

    def give_up_waiting(self) -> bool:
        """If no confirmation came for ACK_TIMEOUT_S, carry on as if it had;
        whether the page may send now."""
        if self.full and time.monotonic() - self.sent_at > ACK_TIMEOUT_S:
            self.acked = self.sent
        return not self.full


class Stage(JSComponent):
    """Paints the 2-D page's frames in the browser; says what the browser did.
    (A subclass paints another page's frames: its ``_esm`` is another module.)"""

    channel = param.String(default="", doc="Token of this page's live websocket ('' = none).")
    route = param.String(default=ROUTE.lstrip("/"), doc="Where the live websocket is served.")

    _esm = module("inside.js", "plane.js")
    _stylesheets = [":host { width: 100%; }"]

    def __init__(self, on_message: Callable[[dict], None], *, socket: bool, **params):
        params.setdefault("sizing_mode", "stretch_width")
        super().__init__(**params)
        # A bound method of the page: held weakly, so the registry of live
        # websockets never keeps a closed page alive.
        self._on_message = weakref.WeakMethod(on_message)
        self._socket = None
        if socket:
            self.channel = CHANNELS.register(self)

    # ----------------------------------------------------------------- browser
    @property
    def connected(self) -> bool:
        """Whether a frame sent now reaches the browser by the page's own websocket."""
        return self._socket is not None

    def attach(self, socket) -> None:
        self._socket = socket

    def detach(self, socket) -> None:
        if self._socket is socket:
            self._socket = None

    def received(self, message: dict) -> None:
        handler = self._on_message()
        if handler is not None:
            handler(message)

    def _handle_msg(self, data) -> None:  # Bokeh's message API (the fallback)
        if isinstance(data, dict):
            self.received(data)

    # ------------------------------------------------------------------ server
    def send_scene(self, scene: dict) -> None:
        if self._socket is None or not self._socket.send(dumps(scene)):
            self._send_msg(scene)

    def send_frame(self, frame: bytes) -> None:
        if self._socket is None or not self._socket.send(frame):
            self._send_msg(frame)

    def close(self) -> None:
        """Forget the websocket (the page is gone)."""
        if self.channel:
            CHANNELS.forget(self.channel)
        if self._socket is not None:
            self._socket.close()
            self._socket = None


class DigitsStage(Stage):
    """Paints the MNIST page's frames (:mod:`digit_frames`) the same way."""

    _esm = module("digits.js")
