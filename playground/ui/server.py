"""Serving the page: one Playground per browser session, kernels compiled first."""

from __future__ import annotations

import logging

import panel as pn

from playground.engine import warm_up
from playground.ui.app import create_app

log = logging.getLogger(__name__)


def serve(
    port: int = 5006,
    address: str = "127.0.0.1",
    show: bool = False,
    allow_websocket_origin: list[str] | None = None,
    idle_minutes: float | None = None,
) -> None:
    """Serve the playground at ``/`` until interrupted.

    Kernels are compiled (or loaded from Numba's on-disk cache) before the
    server accepts a connection, so no visitor's first frame waits for the
    compiler. Websocket connections are accepted only from the served
    address unless ``allow_websocket_origin`` names others (e.g. a
    classroom's LAN name). A page nobody uses for ``idle_minutes`` pauses
    its training (default 10; 0 never).
    """
    log.info("warming up the engine ...")
    warm_up()
    origins = list(allow_websocket_origin or [])
    hosts = (
        {address, "localhost", "127.0.0.1"} if address in ("127.0.0.1", "localhost") else {address}
    )
    origins += [f"{h}:{port}" for h in sorted(hosts)]
    pn.extension()

    def app():
        return create_app(idle_minutes)

    pn.serve(
        {"/": app},
        port=port,
        address=address,
        show=show,
        title="NN Playground",
        websocket_origin=origins,
        admin=False,
        print_url=True,
    )
