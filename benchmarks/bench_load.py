"""Many students at once: N concurrent sessions training and animating on one server.

    python benchmarks/bench_load.py [--sessions 30] [--seconds 30] [--query "..."]
                                    [--backends K] [--url http://host:port/] [--json]

Starts ``playground serve`` (or uses ``--url``; ``--backends K`` starts K
processes behind Debian's nginx as ``playground nginx`` configures it, the way
a department serves a big class), then opens N sessions at once with a light
client that speaks to the server as the page does: it loads the page over
HTTP, pulls the Bokeh document, sends "document ready" (the ``autoplay`` link
starts training), opens the stage's own websocket and confirms each frame as
the stage does once it has painted it (at most one per 60 Hz refresh).
Headless Chromium would itself need the two cores for 30 pages, so it would
measure the browser, not the server.

It reports how long until every page showed its first frame and the server's
CPU per new session; per session, frames per second received and the spread of
the intervals between frames, plus the server's CPU (in cores) and memory, and
checks every frame: frame numbers must arrive in order without gaps and the
epoch counter must never go back ("fewer frames, never wrong frames").

Not a test: machines differ and are noisy. The README quotes its output.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

from playground.ui.frame import FrameError, unpack

TOKEN = re.compile(r'"token":\s*"([^"]+)"')
READY = {
    "kind": "MessageSent",
    "msg_type": "bokeh_event",
    "msg_data": {"type": "event", "name": "document_ready", "values": {"type": "map"}},
}
#: A browser paints (and so confirms) at most one frame per 60 Hz refresh.
REFRESH_S = 1 / 60


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_channel(doc: dict) -> str:
    """The live stage's websocket token in a serialized Bokeh document."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            attrs = node.get("attributes")
            if isinstance(attrs, dict) and attrs.get("channel"):
                return attrs["channel"]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    raise RuntimeError("no live stage in the document")


class Client:
    """One student's tab, minus the drawing: it loads the page, pulls the
    document, says "document ready" (the ``autoplay`` link starts training),
    opens the stage's websocket and confirms each frame as the page does once it
    has painted it, one per 60 Hz refresh at most."""

    def __init__(self, url: str, query: str):
        self.url, self.query = url.rstrip("/"), query
        self.times: list[float] = []  # arrival of each frame
        self.frames: list[int] = []
        self.epochs: list[int] = []
        self.errors: list[str] = []
        self.first_frame_at: float | None = None
        self.ws = self.live = None

    async def open(self) -> None:
        page = await AsyncHTTPClient().fetch(f"{self.url}/?{self.query}", request_timeout=120)
        token = TOKEN.search(page.body.decode()).group(1)
        # nginx's route cookie keeps both websockets on the process holding the session.
        cookies = "; ".join(c.split(";")[0] for c in page.headers.get_list("Set-Cookie"))
        headers = {"Cookie": cookies} if cookies else {}
        ws = self.url.replace("http", "ws", 1)
        request = HTTPRequest(
            f"{ws}/ws?{self.query}",
            headers=headers,
            connect_timeout=120,  # a loaded server may take a while to answer
            request_timeout=120,
        )
        self.ws = await websocket_connect(request, subprotocols=["bokeh", token])
        await self._read()  # ACK
        self._send("PULL-DOC-REQ", {})
        reply = await self._read()
        channel = find_channel(reply["doc"])
        self._send("PATCH-DOC", {"events": [READY]})
        live = HTTPRequest(
            f"{ws}/pg-live?token={channel}",
            headers={**headers, "Origin": self.url},
            connect_timeout=120,
            request_timeout=120,
        )
        self.live = await websocket_connect(live)
        self.live.write_message(json.dumps({"t": "hello"}))

    def _send(self, msgtype: str, content: dict) -> None:
        header = {"msgid": uuid.uuid4().hex, "msgtype": msgtype}
        for part in (header, {}, content):
            self.ws.write_message(json.dumps(part))

    async def _read(self) -> dict | None:
        """The content of the next whole Bokeh message (its binary buffers skipped)."""
        header = await self.ws.read_message()
        if header is None:
            return None
        await self.ws.read_message()  # metadata
        content = await self.ws.read_message()
        for _ in range(2 * json.loads(header).get("num_buffers", 0)):
            await self.ws.read_message()
        return json.loads(content)

    async def _drain_bokeh(self) -> None:
        """Read (and drop) what Bokeh's websocket says: widget updates."""
        while await self.ws.read_message() is not None:
            pass

    async def run(self, until: float) -> None:
        drain = asyncio.ensure_future(self._drain_bokeh())
        next_refresh = time.monotonic()
        try:
            while time.monotonic() < until:
                try:
                    message = await asyncio.wait_for(
                        self.live.read_message(), timeout=until - time.monotonic()
                    )
                except asyncio.TimeoutError:
                    break
                if message is None:
                    self.errors.append("connection closed by the server")
                    return
                if isinstance(message, str):
                    continue  # a scene
                try:
                    header, _ = unpack(message)
                except FrameError as err:
                    self.errors.append(str(err))
                    continue
                frame, epoch = header["frame"], header["epoch"]
                if self.frames and frame != self.frames[-1] + 1:
                    self.errors.append(f"frame {frame} after {self.frames[-1]}")
                if self.epochs and epoch < self.epochs[-1]:
                    self.errors.append(f"epoch {epoch} after {self.epochs[-1]}")
                now = time.monotonic()
                if self.first_frame_at is None:
                    self.first_frame_at = now
                self.times.append(now)
                self.frames.append(frame)
                self.epochs.append(epoch)
                # Painted at the next refresh, then confirmed.
                next_refresh = max(now, next_refresh + REFRESH_S)
                await asyncio.sleep(next_refresh - now)
                self.live.write_message(json.dumps({"t": "ack", "f": frame}))
        finally:
            drain.cancel()

    def close(self) -> None:
        for ws in (self.ws, self.live):
            if ws is not None:
                ws.close()

    def stats(self, start: float) -> dict:
        times = [t for t in self.times if t >= start]
        gaps = [b - a for a, b in zip(times, times[1:])]
        span = times[-1] - times[0] if len(times) > 1 else float("nan")
        return {
            "fps": (len(times) - 1) / span if len(times) > 1 else 0.0,
            "median_ms": statistics.median(gaps) * 1e3 if gaps else float("nan"),
            "p95_ms": sorted(gaps)[int(0.95 * (len(gaps) - 1))] * 1e3 if gaps else float("nan"),
            "max_ms": max(gaps) * 1e3 if gaps else float("nan"),
            "errors": self.errors,
        }


def wait_for(url: str, procs: list[subprocess.Popen]) -> None:
    for _ in range(360):
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if any(p.poll() is not None for p in procs):
                break
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not start")


@contextlib.contextmanager
def servers(backends: int, extra: tuple[str, ...] = ()):
    """``playground serve`` (one, or ``backends`` behind nginx, with ``extra``
    arguments); yields (url, pids)."""
    procs: list[subprocess.Popen] = []
    front = free_port()
    ports = [front] if backends == 1 else [free_port() for _ in range(backends)]
    origin = ["--allow-websocket-origin", f"127.0.0.1:{front}"] if backends > 1 else []
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for port in ports:
                cmd = [sys.executable, "-m", "playground", "serve", "--port", str(port)]
                procs.append(subprocess.Popen(cmd + origin + list(extra), **quiet))
            for port in ports:
                wait_for(f"http://127.0.0.1:{port}/", procs)
            pids = [p.pid for p in procs]
            if backends > 1:
                from playground.deploy import nginx_config

                nginx = shutil.which("nginx") or "/usr/sbin/nginx"
                conf = Path(tmp) / "nginx.conf"
                addresses = [f"127.0.0.1:{p}" for p in ports]
                conf.write_text(nginx_config(addresses, listen=f"127.0.0.1:{front}", prefix=tmp))
                cmd = [nginx, "-c", str(conf), "-p", tmp, "-e", f"{tmp}/error.log"]
                procs.append(subprocess.Popen(cmd + ["-g", "daemon off;"], **quiet))
                wait_for(f"http://127.0.0.1:{front}/", procs)
            yield f"http://127.0.0.1:{front}", pids
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(timeout=10)


async def measure(url: str, n: int, seconds: float, query: str, pids: list[int]) -> dict:
    AsyncHTTPClient.configure(None, max_clients=max(10, n))  # every page load at once
    clients = [Client(url, query) for _ in range(n)]
    cpu_open = sum(map(cpu_seconds, pids)) if pids else float("nan")
    t_open = time.monotonic()
    # Everybody opens the link at once (a teacher says "go").
    await asyncio.gather(*(c.open() for c in clients))
    runs = [asyncio.ensure_future(c.run(float("inf"))) for c in clients]
    while any(c.first_frame_at is None for c in clients):
        if time.monotonic() - t_open > 300:
            raise RuntimeError("some pages showed no frame within 300 s")
        await asyncio.sleep(0.05)
    opened_s = max(c.first_frame_at for c in clients) - t_open
    cpu_open = (sum(map(cpu_seconds, pids)) - cpu_open) / n if pids else float("nan")
    await asyncio.sleep(3)  # let every loop settle
    start = time.monotonic()
    cpu0, client0 = sum(map(cpu_seconds, pids)), time.process_time()
    rss0 = sum(map(rss_mb, pids)) if pids else float("nan")
    await asyncio.sleep(seconds)
    cpu1, client1 = sum(map(cpu_seconds, pids)), time.process_time()
    rss1 = sum(map(rss_mb, pids)) if pids else float("nan")
    for r in runs:
        r.cancel()
    for c in clients:
        c.close()
    per = [c.stats(start) for c in clients]
    fps = [p["fps"] for p in per]
    return {
        "sessions": n,
        "server_processes": len(pids),
        "seconds": seconds,
        "query": query,
        "open_all_s": opened_s,
        "server_cpu_s_per_new_session": cpu_open,
        "fps_min": min(fps),
        "fps_median": statistics.median(fps),
        "fps_total": sum(fps),
        "sessions_under_10fps": sum(f < 10 for f in fps),
        "interval_median_ms": statistics.median(p["median_ms"] for p in per),
        "interval_p95_ms_worst": max(p["p95_ms"] for p in per),
        "interval_max_ms": max(p["max_ms"] for p in per),
        "wrong_frames": sum(len(p["errors"]) for p in per),
        "server_cores": (cpu1 - cpu0) / seconds if pids else float("nan"),
        "server_rss_mb": rss1,
        "server_rss_growth_mb": rss1 - rss0,
        "client_cores": (client1 - client0) / seconds,
        "per_session": per,
    }


def report(r: dict) -> None:
    print(
        f"{r['sessions']} sessions ({r['query'] or 'default page'}) on "
        f"{r['server_processes'] or 'an outside'} server process(es), all opened at once "
        f"and showing a frame in {r['open_all_s']:.1f} s "
        f"({r['server_cpu_s_per_new_session'] * 1e3:.0f} ms of server CPU each), "
        f"watched {r['seconds']:.0f} s"
    )
    print(
        f"  frames per session: min {r['fps_min']:.1f}, median {r['fps_median']:.1f} per second "
        f"({r['fps_total']:.0f} in all); {r['sessions_under_10fps']} sessions under 10"
    )
    print(
        f"  frame interval: median {r['interval_median_ms']:.0f} ms, worst session's p95 "
        f"{r['interval_p95_ms_worst']:.0f} ms, longest gap {r['interval_max_ms']:.0f} ms"
    )
    print(f"  wrong frames (gaps, reordering, epoch going back): {r['wrong_frames']}")
    print(
        f"  server: {r['server_cores']:.2f} cores busy, {r['server_rss_mb']:.0f} MB resident "
        f"({r['server_rss_growth_mb']:+.0f} MB while watched); "
        f"this client {r['client_cores']:.2f} cores"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, nargs="+", default=[30], help="session counts to run")
    ap.add_argument("--seconds", type=float, default=30.0, help="how long to watch each run")
    ap.add_argument("--query", default="autoplay=true", help="the page's query (keep autoplay)")
    ap.add_argument(
        "--backends", type=int, default=1, help="server processes (more than 1: behind nginx)"
    )
    ap.add_argument("--url", help="an already running server (default: start one)")
    ap.add_argument("--json", action="store_true", help="end with one JSON line per run")
    args = ap.parse_args()
    results = []
    for n in args.sessions:
        if args.url:
            r = asyncio.run(measure(args.url, n, args.seconds, args.query, []))
        else:
            with servers(args.backends) as (url, pids):
                r = asyncio.run(measure(url, n, args.seconds, args.query, pids))
        report(r)
        results.append(r)
    if args.json:
        for r in results:
            print(json.dumps({k: v for k, v in r.items() if k != "per_session"}))


if __name__ == "__main__":
    main()
