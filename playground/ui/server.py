"""Serving the page: one Playground per browser session, kernels compiled first."""

from __future__ import annotations

import logging

import panel as pn
import scipy.linalg.cython_blas  # noqa: F401  (the BLAS Numba's np.dot calls: loaded to be limited)
from threadpoolctl import threadpool_limits
from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClosedError

from playground.engine import warm_up
from playground.ui.app import create_app
from playground.ui.channel import routes

log = logging.getLogger(__name__)


#: The loggers that report a tab closing while a message was on its way: asyncio
#: (the traceback of the write's task), Bokeh's websocket handler and Panel's
#: pending writes (a warning line each). A filter on a logger sees only that
#: logger's own records, so each is named here.
CLOSED_TAB_LOGGERS = ("asyncio", "bokeh.server.views.ws", "panel.io.document")
#: The warning Bokeh and Panel log, word for word, for a write to a closed tab.
CLOSED_TAB_WARNING = "Failed sending message as connection was closed"


class ClosedTabs(logging.Filter):
    """Drops what is logged when a frame was on its way to a tab that has just
    closed: an everyday event, not an error, and one line per closed tab would
    bury the log's real news. That is asyncio's traceback (it holds the closed
    session, so a handler that keeps records, such as a test's log capture,
    would keep every closed session alive) and Bokeh's and Panel's warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, WebSocketClosedError | StreamClosedError):
            return False
        return record.msg != CLOSED_TAB_WARNING


def quiet_closed_tabs() -> None:
    """Install :class:`ClosedTabs` on each of :data:`CLOSED_TAB_LOGGERS` (once)."""
    for name in CLOSED_TAB_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ClosedTabs) for f in logger.filters):
            logger.addFilter(ClosedTabs())


def one_blas_thread() -> None:
    """Hold BLAS to one thread in this process: NumPy's and the one SciPy lends to
    Numba's ``np.dot`` (two OpenBLAS libraries, each with its own threads).

    A server's products are small (a batch of 10 or 64), it serves several
    pages, and the browsers watching often share its cores. OpenBLAS's extra
    thread spins between products and takes a core from them: beside headless
    Chromium on 2 cores the spiral page cost 17 ms of server CPU a frame with two
    BLAS threads and 2 ms with one, and a conv net on the MNIST page trained 1.7
    times faster (``benchmarks/bench_page.py``; README, "The live page")."""
    threadpool_limits(limits=1, user_api="blas")


def serve(
    port: int = 5006,
    address: str = "127.0.0.1",
    show: bool = False,
    allow_websocket_origin: list[str] | None = None,
    idle_minutes: float | None = None,
    live_socket: bool = True,
) -> None:
    """Serve the playground at ``/`` until interrupted.

    Kernels are compiled (or loaded from Numba's on-disk cache) before the
    server accepts a connection, so no visitor's first frame waits for the
    compiler. Websocket connections are accepted only from the served
    address unless ``allow_websocket_origin`` names others (e.g. a
    classroom's LAN name). A page nobody uses for ``idle_minutes`` pauses
    its training (default 10; 0 never). Each page's live frames travel on a
    websocket of their own (channel.py) unless ``live_socket`` is False.
    BLAS computes on one thread (:func:`one_blas_thread`).
    """
    log.info("warming up the engine ...")
    warm_up()
    one_blas_thread()
    quiet_closed_tabs()
    origins = list(allow_websocket_origin or [])
    hosts = (
        {address, "localhost", "127.0.0.1"} if address in ("127.0.0.1", "localhost") else {address}
    )
    origins += [f"{h}:{port}" for h in sorted(hosts)]
    pn.extension()

    def app():
        return create_app(idle_minutes, live_socket=live_socket)

    pn.serve(
        {"/": app},
        port=port,
        address=address,
        show=show,
        title="NN Playground",
        websocket_origin=origins,
        admin=False,
        print_url=True,
        extra_patterns=routes() if live_socket else [],
    )
