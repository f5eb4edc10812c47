"""The server's log: a tab closing while a frame is on its way is not an error."""

from __future__ import annotations

import logging

from tornado.websocket import WebSocketClosedError

from playground.ui.server import ClosedTabs, quiet_closed_tabs


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
