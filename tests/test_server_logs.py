"""The server's log: a tab closing while a frame is on its way is not an error."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from tornado.websocket import WebSocketClosedError

from playground.ui.server import CLOSED_TAB_LOGGERS, ClosedTabs, quiet_closed_tabs


def _fail(exc: Exception) -> None:
    try:
        raise exc
    except Exception:
        logging.getLogger("asyncio").error("Task exception was never retrieved", exc_info=True)


def test_a_closed_tab_leaves_no_traceback_but_real_errors_do(caplog):
    quiet_closed_tabs()
    quiet_closed_tabs()  # installing twice filters once
    filters = logging.getLogger("asyncio").filters
    assert sum(isinstance(f, ClosedTabs) for f in filters) == 1
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        _fail(WebSocketClosedError())
        assert caplog.records == []
        _fail(ValueError("a real bug"))
        assert [r.exc_info[0] for r in caplog.records] == [ValueError]


@contextmanager
def _records(name: str) -> Iterator[list[logging.LogRecord]]:
    """Every record ``name`` passes on (Bokeh's and Panel's loggers do not propagate
    to the root, so caplog would not see them)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


def _run(coroutine: Coroutine) -> None:
    """Run ``coroutine`` to its end on a loop of its own, in a thread of its own: the
    browser tests' Playwright may leave an event loop running in this thread."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


class _MessageToAClosedTab:
    async def send(self, handler: object) -> None:
        raise WebSocketClosedError()


def test_bokeh_writing_to_a_closed_tab_logs_no_warning():
    from bokeh.server.views.ws import WSHandler

    quiet_closed_tabs()
    with _records("bokeh.server.views.ws") as records:
        _run(WSHandler.send_message(object(), _MessageToAClosedTab()))
        assert records == []
        logging.getLogger("bokeh.server.views.ws").warning("a real problem")
        assert [r.getMessage() for r in records] == ["a real problem"]


def test_panel_writing_to_a_closed_tab_logs_no_warning_but_other_failures_do():
    from bokeh.document import Document
    from panel.io.document import _WRITE_FUTURES, _run_write_futures

    async def write(doc: Document, exc: Exception) -> None:
        future = asyncio.get_running_loop().create_future()
        future.set_exception(exc)
        _WRITE_FUTURES[doc] = [future]
        await _run_write_futures(doc)

    quiet_closed_tabs()
    doc = Document()
    with _records("panel.io.document") as records:
        _run(write(doc, WebSocketClosedError()))
        assert records == []
        _run(write(doc, OSError("disk full")))
        assert [r.getMessage() for r in records] == [
            "Failed sending message due to following error: disk full"
        ]


def test_the_filter_is_installed_once_on_every_logger_that_reports_a_closed_tab():
    quiet_closed_tabs()
    quiet_closed_tabs()
    for name in CLOSED_TAB_LOGGERS:
        filters = logging.getLogger(name).filters
        assert sum(isinstance(f, ClosedTabs) for f in filters) == 1
