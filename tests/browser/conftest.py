"""Browser-test plumbing: Debian's Chromium for Playwright, and one server per module."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from playground.ui.browser import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright drives Debian's chromium package (its own download is unavailable)."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": list(CHROMIUM_ARGS)}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 900}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen | None = None, timeout: float = 180) -> None:
    """Wait until ``url`` answers (a cold Numba cache compiles every kernel first)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited:\n{proc.stdout.read().decode()}")
        try:
            # Wait for the page itself: on a loaded machine building one takes
            # seconds, and a short timeout would abandon every attempt (while the
            # server goes on building a page for each abandoned one).
            urllib.request.urlopen(url, timeout=max(2.0, min(30.0, deadline - time.time())))
            return
        except OSError:
            time.sleep(0.5)
    if proc is not None:
        proc.kill()
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


@pytest.fixture(scope="module")
def server_url():
    """A real ``playground serve`` process for the tests of one module."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "playground", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=dict(os.environ),
    )
    url = f"http://127.0.0.1:{port}"
    wait_for_http(url + "/", proc)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
