"""A long run at the largest network: does the server's memory stay flat?

    python benchmarks/bench_soak.py [--minutes 60] [--sessions 2] [--query "..."] [--json]

Starts ``playground serve`` and keeps ``--sessions`` pages training the
largest network the page accepts (every hidden layer at its bound, the most
points) for ``--minutes``, while one more page is opened, kept for 20 s
and closed every minute (students coming and going). Pages are the light
websocket client of bench_load.py, confirming each frame as the browser
does. Every minute it prints the server's resident memory and the frames
delivered.

The first minutes fill the allocator and Numba's caches, so growth is
measured after minute ``--settle`` (default 5), on the samples taken at the
end of each minute, when the visitor's session is gone: the median of the
first and of the last ten settled minutes, and a least-squares slope over
all of them in MB per hour. A server that holds shows a flat line. Not a
test: it takes an hour. The README quotes its output.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

from bench_load import Client, cpu_seconds, rss_mb, servers

from playground.data.datasets import N_SAMPLES_MAX
from playground.engine.mlp import MAX_HIDDEN_LAYERS, MAX_UNITS

LARGEST = (
    f"dataset=spiral&n_samples={N_SAMPLES_MAX}"
    f"&hidden={','.join([str(MAX_UNITS)] * MAX_HIDDEN_LAYERS)}&autoplay=true"
)


def memory_trend(rss: list[float], settle: int) -> dict:
    """Growth of per-minute resident memory ``rss`` after minute ``settle``."""
    after = rss[min(settle, len(rss) - 2) :]
    window = max(1, min(10, len(after) // 2))
    first, last = statistics.median(after[:window]), statistics.median(after[-window:])
    return {
        "settled_minutes": len(after),
        "rss_settled_first_mb": first,
        "rss_settled_last_mb": last,
        "rss_max_after_settle_mb": max(after),
        "growth_after_settle_mb": last - first,
        "growth_after_settle_pct": 100 * (last - first) / first,
        "slope_mb_per_hour": (
            statistics.linear_regression(range(len(after)), after).slope * 60
            if len(after) > 1
            else 0.0
        ),
    }


#: Seconds the page that comes and goes each minute stays.
VISIT_S = 20.0


async def visit(url: str, query: str, seconds: float) -> None:
    """A student who stays ``seconds`` then closes the tab."""
    c = Client(url, query)
    await c.open()
    try:
        await c.run(time.monotonic() + seconds)
    finally:
        c.close()


async def soak(url: str, pid: int, minutes: float, sessions: int, query: str, settle: int):
    steady = [Client(url, query) for _ in range(sessions)]
    for c in steady:
        await c.open()
    runs = [asyncio.ensure_future(c.run(float("inf"))) for c in steady]
    samples = []
    t0, cpu0 = time.monotonic(), cpu_seconds(pid)
    visits = 0
    for minute in range(1, int(minutes) + 1):
        # One more page comes for VISIT_S and goes. Bokeh frees a closed tab's
        # session 15-32 s later, so the sample at the end of the minute sees
        # the steady pages alone; the peak is sampled all minute long.
        visitor = asyncio.ensure_future(visit(url, query, VISIT_S))
        peak = 0.0
        while time.monotonic() < t0 + 60 * minute:
            peak = max(peak, rss_mb(pid))
            await asyncio.sleep(min(2.0, max(0.0, t0 + 60 * minute - time.monotonic())))
        await visitor
        visits += 1
        frames = sum(len(c.frames) for c in steady)
        sample = {"minute": minute, "rss_mb": rss_mb(pid), "peak_mb": peak, "frames": frames}
        samples.append(sample)
        print(
            f"  minute {minute:3d}: server {sample['rss_mb']:7.1f} MB "
            f"(peak {peak:6.1f} MB with the visitor), {frames} frames so far",
            flush=True,
        )
    cpu = (cpu_seconds(pid) - cpu0) / (time.monotonic() - t0)
    for r in runs:
        r.cancel()
    for c in steady:
        c.close()
    epochs = [c.epochs[-1] for c in steady if c.epochs]
    return {
        "minutes": minutes,
        "sessions": sessions,
        "visits": visits,
        "query": query,
        "rss_first_mb": samples[0]["rss_mb"],
        **memory_trend([s["rss_mb"] for s in samples], settle),
        "peak_mb": max(s["peak_mb"] for s in samples),
        "frames_per_session_per_s": statistics.median(
            len(c.frames) / (60 * minutes) for c in steady
        ),
        "epochs_per_session": statistics.median(epochs) if epochs else 0,
        "wrong_frames": sum(len(c.errors) for c in steady),
        "server_cores": cpu,
        "samples": samples,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=60.0, help="how long to run")
    ap.add_argument("--sessions", type=int, default=2, help="pages training all the time")
    ap.add_argument("--settle", type=int, default=5, help="minutes before growth is counted")
    ap.add_argument("--query", default=LARGEST, help="the pages' query (keep autoplay)")
    ap.add_argument("--json", action="store_true", help="end with one JSON line")
    args = ap.parse_args()
    print(f"soak: {args.sessions} pages + 1 coming and going, {args.minutes:.0f} min")
    print(f"  ?{args.query}")
    with servers(1) as (url, pids):
        r = asyncio.run(soak(url, pids[0], args.minutes, args.sessions, args.query, args.settle))
    print(
        f"server memory: {r['rss_first_mb']:.0f} MB after minute 1; over the "
        f"{r['settled_minutes']} minutes after minute {args.settle}, median "
        f"{r['rss_settled_first_mb']:.0f} MB at the start, {r['rss_settled_last_mb']:.0f} MB at "
        f"the end ({r['growth_after_settle_mb']:+.1f} MB, {r['growth_after_settle_pct']:+.1f} %), "
        f"slope {r['slope_mb_per_hour']:+.0f} MB/hour, "
        f"highest {r['rss_max_after_settle_mb']:.0f} MB (with a visitor: {r['peak_mb']:.0f} MB)"
    )
    print(
        f"each steady page: {r['frames_per_session_per_s']:.1f} frames/s, "
        f"{r['epochs_per_session']:,} epochs; {r['visits']} visits came and went; "
        f"wrong frames {r['wrong_frames']}; server {r['server_cores']:.2f} cores"
    )
    if args.json:
        print(json.dumps({k: v for k, v in r.items() if k != "samples"}))


if __name__ == "__main__":
    main()
