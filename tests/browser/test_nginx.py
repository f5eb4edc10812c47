"""Two ``playground serve`` processes behind Debian's nginx, on loopback: every
browser trains, browsers are spread over both processes, and each one stays on
its process (the page's websocket reaches the process holding its session)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import Browser

from playground.deploy import ROUTE_COOKIE, nginx_config
from tests.browser.conftest import _free_port, wait_for_http

pytestmark = pytest.mark.browser
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture(scope="module")
def farm(tmp_path_factory):
    """nginx on a free port in front of two backends; yields (url, backends)."""
    if not shutil.which(NGINX):
        pytest.skip("nginx is not installed (.ci/run installs Debian's nginx)")
    tmp = tmp_path_factory.mktemp("nginx")
    front = _free_port()
    ports = [_free_port(), _free_port()]
    backends = [f"127.0.0.1:{p}" for p in ports]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "playground", "serve", "--port", str(p)]
            + ["--allow-websocket-origin", f"127.0.0.1:{front}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        for p in ports
    ]
    conf = tmp / "nginx.conf"
    conf.write_text(nginx_config(backends, listen=f"127.0.0.1:{front}", prefix=tmp))
    try:
        for p in ports:
            wait_for_http(f"http://127.0.0.1:{p}/")
        procs.append(
            subprocess.Popen(
                [NGINX, "-c", str(conf), "-p", str(tmp), "-e", str(tmp / "error.log")]
                + ["-g", "daemon off;"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.STDOUT,
            )
        )
        wait_for_http(f"http://127.0.0.1:{front}/")
        yield f"http://127.0.0.1:{front}", backends
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _backend_of(url: str, route: str) -> str:
    request = urllib.request.Request(url + "/", headers={"Cookie": f"{ROUTE_COOKIE}={route}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.headers["X-Playground-Backend"]


def _trains(page) -> None:
    epoch = page.locator("#epoch")
    epoch.wait_for(timeout=60_000)
    deadline = time.time() + 30
    while epoch.inner_text() in ("000,000", "") and time.time() < deadline:
        time.sleep(0.2)
    first = epoch.inner_text()
    time.sleep(1.0)
    assert epoch.inner_text() != first, "the page does not train through nginx"


def test_browsers_spread_over_backends_and_stay_on_theirs(farm, browser: Browser):
    url, backends = farm
    # Two routes that nginx sends to different processes (found by asking it).
    by_backend: dict[str, str] = {}
    for i in range(40):
        by_backend.setdefault(_backend_of(url, f"r{i}"), f"r{i}")
        if len(by_backend) == len(backends):
            break
    assert sorted(by_backend) == sorted(backends), "nginx uses only one backend"

    # A new browser (no cookie yet) gets a route cookie, and trains: its websocket
    # found the process that made its page.
    fresh = browser.new_context()
    page = fresh.new_page()
    response = page.goto(url + "/?dataset=xor&autoplay=true")
    first_backend = response.headers["x-playground-backend"]
    assert any(c["name"] == ROUTE_COOKIE for c in fresh.cookies())
    _trains(page)
    response = page.reload()  # same browser, same process
    assert response.headers["x-playground-backend"] == first_backend
    _trains(page)
    fresh.close()

    # One browser pinned to each process: both train at once.
    contexts, pages = [], []
    for backend, route in by_backend.items():
        ctx = browser.new_context()
        ctx.add_cookies([{"name": ROUTE_COOKIE, "value": route, "url": url}])
        page = ctx.new_page()
        response = page.goto(url + "/?dataset=circle&autoplay=true")
        assert response.headers["x-playground-backend"] == backend
        contexts.append(ctx)
        pages.append(page)
    for page in pages:
        _trains(page)
    for ctx in contexts:
        ctx.close()
