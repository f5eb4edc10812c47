"""How smooth the live page is for a person watching it.

    python benchmarks/bench_page.py [--seconds 20] [--query "dataset=spiral"] [--json]

Starts ``playground serve``, opens the page in headless Chromium (Debian's
``chromium``), presses Play and, inside the page, samples the epoch counter on
every animation frame. It reports:

* frames per second a person sees: how often the counter's text changes;
* the spread of the intervals between those changes (median, 95th percentile);
* epochs trained per second;
* the server's CPU time per displayed frame (from /proc, user + system).

Not a test: machines differ and are noisy. The README quotes its output.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from bench_load import cpu_seconds, servers
from playwright.sync_api import sync_playwright

from playground.ui.browser import CHROMIUM, CHROMIUM_ARGS

# Finds #epoch through Panel's shadow roots, then records each change of its text.
SAMPLER = """
async (seconds) => {
  const find = (root) => {
    const hit = root.querySelector('#epoch');
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) { const f = find(el.shadowRoot); if (f) return f; }
    }
    return null;
  };
  const changes = [];
  let last = null, el = null;
  const t0 = performance.now();
  await new Promise((resolve) => {
    const tick = (now) => {
      if (!el || !el.isConnected) el = find(document);
      const text = el ? el.textContent : null;
      if (text !== last) { changes.push([now, text]); last = text; }
      if (now - t0 < seconds * 1000) requestAnimationFrame(tick); else resolve();
    };
    requestAnimationFrame(tick);
  });
  return changes;
}
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=20.0, help="how long to watch")
    ap.add_argument("--query", default="", help="page query, e.g. 'dataset=spiral&hidden=8,8'")
    ap.add_argument("--json", action="store_true", help="end with one JSON line")
    args = ap.parse_args()

    with servers(1) as (base, pids), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{base}/?{args.query}")
        page.locator("#epoch").wait_for(timeout=60_000)
        page.wait_for_function(
            "() => window.Bokeh && Bokeh.documents.length && Bokeh.documents[0].is_idle"
        )
        page.get_by_role("button", name="▶ Play").click()
        time.sleep(2)  # let the loop settle
        cpu0 = cpu_seconds(pids[0])
        changes = page.evaluate(SAMPLER, args.seconds)
        cpu1 = cpu_seconds(pids[0])
        browser.close()

    times = [t for t, _ in changes[1:]]
    epochs = [int(text.replace(",", "")) for _, text in changes[1:] if text]
    frames = len(times) - 1
    span = (times[-1] - times[0]) / 1000 if frames > 0 else float("nan")
    gaps = [b - a for a, b in zip(times, times[1:])]
    result = {
        "fps": frames / span,
        "interval_median_ms": statistics.median(gaps),
        "interval_p95_ms": sorted(gaps)[int(0.95 * (len(gaps) - 1))],
        "epochs_per_s": (epochs[-1] - epochs[0]) / span,
        "server_cpu_ms_per_frame": (cpu1 - cpu0) * 1000 / max(frames, 1),
        "seconds": args.seconds,
        "query": args.query,
    }
    print(
        f"frames a person sees: {result['fps']:.1f} per second "
        f"(interval median {result['interval_median_ms']:.1f} ms, "
        f"p95 {result['interval_p95_ms']:.1f} ms)"
    )
    print(f"training: {result['epochs_per_s']:.0f} epochs per second")
    print(f"server CPU: {result['server_cpu_ms_per_frame']:.1f} ms per displayed frame")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
