"""How smooth the live page is for a person watching it, beside the original.

    python benchmarks/bench_page.py [--seconds 20] [--query "dataset=spiral"] [--epf 10] [--views]
                                    [--json]
    python benchmarks/bench_page.py --compare [--seconds 10] [--repeats 3] [--json]
    python benchmarks/bench_page.py --frame-cost [--json]
    python benchmarks/bench_page.py --mnist [--seconds 20] [--repeats 3] [--json]

Starts ``playground serve``, opens the page in headless Chromium (Debian's
``chromium``, 1600x1000 as the original's ``measure.py`` does), presses Play and,
inside the page, samples the epoch counter on every animation frame. It reports:

* frames per second a person sees: how often the counter's text changes;
* the spread of the intervals between those changes (median, 95th percentile);
* epochs trained per second;
* the server's CPU time per displayed frame (from /proc, user + system).

``--compare`` runs, in one go and on the same machine and browser, our page and
the original TensorFlow Playground (``../shared/peers/tfpg/measure.py``, an
unmodified build) on the same setups: the default (circle, 4-2 tanh, learning
rate 0.03, batch 10), the spiral with 8-8-8 and six inputs, and the default at
10 epochs per frame. The two are measured turn about, ``--repeats`` times each,
and it prints medians and our-to-their ratios.

``--frame-cost`` needs no browser: in one process it times what the server does
for one frame of each page besides training (building the frame from the
session and packing it), median of many, beside what training that frame
costs: the 2-D page on the default setup and the spiral (and the spiral with
every view inside the network open), the MNIST page for a
frame with the counter, progress and readouts only, with the weight images,
and with the test-set views (confusion counts, per-class table, gallery).

``--mnist`` plays the MNIST page (the default dense network, and conv 8,16) and
reads its epoch counter and progress bar on every animation frame: epochs trained
a second and how often the view changes. Meanwhile it asks the server for a page
that does not exist every 50 ms and times the answer (median and longest): how
long a click, or another student's page, waits while this one trains. The
reference, in the same run: the same network's whole epochs trained headless in
this process.

Not a test: machines differ and are noisy. The README quotes its output.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench_load import cpu_seconds, servers
from playwright.sync_api import sync_playwright

from playground.ui.browser import CHROMIUM, CHROMIUM_ARGS

PEER = Path(__file__).resolve().parents[2] / "shared" / "peers" / "tfpg" / "measure.py"
VIEWPORT = {"width": 1600, "height": 1000}  # as the original's measure.py
SPIRAL_FEATURES = "x1,x2,x1sq,x2sq,sinx1,sinx2"
#: (name, our query, our epochs per frame, the original's URL hash)
SETUPS = (
    (
        "circle 4-2 (default)",
        "",
        1,
        "#activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03"
        "&regularizationRate=0&noise=0&networkShape=4,2&seed=0.1&showTestData=false"
        "&discretize=false&percTrainData=50&x=true&y=true",
    ),
    (
        "spiral 8-8-8, six inputs",
        f"dataset=spiral&hidden=8,8,8&features={SPIRAL_FEATURES}",
        1,
        "#activation=tanh&batchSize=10&dataset=spiral&regDataset=reg-plane&learningRate=0.03"
        "&regularizationRate=0&noise=0&networkShape=8,8,8&seed=0.1&showTestData=false"
        "&discretize=false&percTrainData=50&x=true&y=true&xSquared=true&ySquared=true"
        "&xTimesY=false&sinX=true&sinY=true",
    ),
    ("circle 4-2, 10 epochs per frame", "", 10, None),  # the original has no such knob
)

# Finds #epoch (and with ``progress``, the MNIST page's progress bar) through
# Panel's shadow roots, then records each change of what they show.
SAMPLER = """
async ([seconds, progress]) => {
  const find = (root, selector) => {
    const hit = root.querySelector(selector);
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) { const f = find(el.shadowRoot, selector); if (f) return f; }
    }
    return null;
  };
  const changes = [];
  let last = null, el = null, bar = null;
  const t0 = performance.now();
  await new Promise((resolve) => {
    const tick = (now) => {
      if (!el || !el.isConnected) el = find(document, '#epoch');
      if (progress && (!bar || !bar.isConnected)) bar = find(document, 'progress');
      let text = el ? el.textContent : null;
      if (progress && text !== null) text += ' ' + (bar ? bar.getAttribute('value') : '');
      if (text !== last) { changes.push([now, text]); last = text; }
      if (now - t0 < seconds * 1000) requestAnimationFrame(tick); else resolve();
    };
    requestAnimationFrame(tick);
  });
  return changes;
}
"""


def _load(page, url: str) -> None:
    """Open our page and wait until its counter is there and Bokeh is idle."""
    page.goto(url)
    page.locator("#epoch").wait_for(timeout=60_000)
    page.wait_for_function(
        "() => window.Bokeh && Bokeh.documents.length && Bokeh.documents[0].is_idle"
    )


def measure_ours(
    base: str, pid: int, browser, query: str, seconds: float, epf: int, views: bool = False
) -> dict:
    """Our page's visible frames, epochs and server CPU per frame for ``seconds``
    (``views``: with every view inside the network open)."""
    page = browser.new_page(viewport=VIEWPORT)
    try:
        _load(page, f"{base}/?{query}")
        if epf != 1:
            page.get_by_label("Epochs per frame").select_option(str(epf))
        if views:
            from playground.ui.inside import VIEWS

            for view in VIEWS.values():
                page.get_by_role("button", name=view.label).click()
        page.get_by_role("button", name="▶ Play").click()
        time.sleep(2)  # let the loop settle
        cpu0 = cpu_seconds(pid)
        changes = page.evaluate(SAMPLER, [seconds, False])
        cpu1 = cpu_seconds(pid)
        page.get_by_role("button", name="❚❚ Pause").click()
    finally:
        page.close()
    times = [t for t, _ in changes[1:]]
    epochs = [int(text.replace(",", "")) for _, text in changes[1:] if text]
    frames = len(times) - 1
    span = (times[-1] - times[0]) / 1000 if frames > 0 else float("nan")
    gaps = [b - a for a, b in zip(times, times[1:])] or [float("nan")]
    return {
        "fps": frames / span,
        "interval_median_ms": statistics.median(gaps),
        "interval_p95_ms": sorted(gaps)[int(0.95 * (len(gaps) - 1))],
        "epochs_per_s": (epochs[-1] - epochs[0]) / span,
        "server_cpu_ms_per_frame": (cpu1 - cpu0) * 1000 / max(frames, 1),
    }


def measure_theirs(peer: Path, url_hash: str, seconds: float) -> dict:
    """The original's visible frames and epochs per second (its own measure.py)."""
    out = subprocess.run(
        [sys.executable, str(peer), "--seconds", str(seconds), "--hash", url_hash, "--warmup", "2"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def compare(seconds: float, repeats: int, peer: Path, extra: tuple = ()) -> list[dict]:
    """Ours and theirs on every setup, turn about; medians and ratios."""
    rows = []
    with servers(1, extra) as (base, pids), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        measure_ours(base, pids[0], browser, "", 3, 1)  # a first page warms the server
        theirs_by_hash: dict[str, list[dict]] = {}
        for name, query, epf, url_hash in SETUPS:
            ours, theirs = [], []
            reference = url_hash or SETUPS[0][3]
            for _ in range(repeats):
                ours.append(measure_ours(base, pids[0], browser, query, seconds, epf))
                if url_hash is not None or reference not in theirs_by_hash:
                    theirs.append(measure_theirs(peer, reference, seconds))
            theirs_by_hash.setdefault(reference, []).extend(theirs)
            theirs = theirs_by_hash[reference]
            row = {
                "setup": name,
                "epochs_per_frame": epf,
                "repeats": repeats,
                "ours_fps": _median(ours, "fps"),
                "ours_epochs_per_s": _median(ours, "epochs_per_s"),
                "ours_server_cpu_ms_per_frame": _median(ours, "server_cpu_ms_per_frame"),
                "ours_interval_p95_ms": _median(ours, "interval_p95_ms"),
                "theirs_fps": _median(theirs, "fps"),
                "theirs_epochs_per_s": _median(theirs, "epochs_per_s"),
            }
            row["fps_ratio"] = row["ours_fps"] / row["theirs_fps"]
            row["epochs_ratio"] = row["ours_epochs_per_s"] / row["theirs_epochs_per_s"]
            rows.append(row)
            print(
                f"{name}: ours {row['ours_fps']:.1f} fps, {row['ours_epochs_per_s']:.0f} epochs/s, "
                f"{row['ours_server_cpu_ms_per_frame']:.2f} ms server CPU a frame | original "
                f"{row['theirs_fps']:.1f} fps, {row['theirs_epochs_per_s']:.0f} epochs/s | "
                f"ratio fps {row['fps_ratio']:.2f}, epochs {row['epochs_ratio']:.2f}",
                flush=True,
            )
        browser.close()
    return rows


#: (name, knobs) for ``--mnist``: the page opens ``?mode=mnist&<knobs>``
MNIST_SETUPS = (
    ("MNIST dense 784-128-10 (default)", ""),
    ("MNIST conv 8,16", "conv=8,16"),
)


def measure_mnist(base: str, pid: int, browser, query: str, seconds: float) -> dict:
    """The MNIST page playing for ``seconds``: epochs trained a second (the counter
    and the progress bar), how soon the server answers meanwhile, and its CPU."""
    page = browser.new_page(viewport=VIEWPORT)
    try:
        _load(page, f"{base}/?{query}")
        page.get_by_role("button", name="▶ Play").click()
        time.sleep(2)  # let the loop settle
        cpu0 = cpu_seconds(pid)
        with ThreadPoolExecutor(1) as pool:
            pings = pool.submit(answer_times, base, seconds)
            changes = page.evaluate(SAMPLER, [seconds, True])
            answers = pings.result()
        cpu1 = cpu_seconds(pid)
        page.get_by_role("button", name="❚❚ Pause").click()
    finally:
        page.close()
    seen = [(t, text.replace(",", "").split()) for t, text in changes[1:] if text]
    shown = [(t, int(e) + int(pct) / 100) for t, (e, pct) in seen]
    span = (shown[-1][0] - shown[0][0]) / 1000
    gaps = [b - a for (a, _), (b, _) in zip(shown, shown[1:])]
    return {
        "epochs_per_s": (shown[-1][1] - shown[0][1]) / span,
        "median_change_ms": statistics.median(gaps),
        "answer_median_ms": statistics.median(answers),
        "answer_max_ms": max(answers),
        "server_cores": (cpu1 - cpu0) / span,
    }


def answer_times(base: str, seconds: float, every_s: float = 0.05) -> list[float]:
    """Milliseconds the server takes to answer a request (a 404, made on the same
    event loop as the pages' frames and clicks) every ``every_s`` for ``seconds``:
    how long a click or another page would wait while this one trains."""
    times, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.perf_counter()
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(f"{base}/no-such-page", timeout=30).read()
        times.append((time.perf_counter() - t0) * 1000)
        time.sleep(every_s)
    return times


def headless_epochs_per_s(knobs: str, epochs: int = 3) -> float:
    """The same network trained whole epochs in this process, no page: the reference."""
    from playground.experiment import Config, Session

    session = Session(Config.from_query(f"dataset=mnist&{knobs}")[0])
    session.step(1)  # data, compile cache, first touch
    times = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        session.step(1)
        times.append(time.perf_counter() - t0)
    return 1 / statistics.median(times)


def mnist(seconds: float, repeats: int) -> list[dict]:
    """Each MNIST setup on the page (``repeats`` times) beside headless training."""
    runs: dict[str, list[dict]] = {name: [] for name, _ in MNIST_SETUPS}
    with servers(1) as (base, pids), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        for _ in range(repeats):
            for name, knobs in MNIST_SETUPS:
                query = f"mode=mnist&{knobs}"
                runs[name].append(measure_mnist(base, pids[0], browser, query, seconds))
        browser.close()
    rows = []
    for name, knobs in MNIST_SETUPS:
        row = {key: _median(runs[name], key) for key in runs[name][0]}
        row.update(setup=name, repeats=repeats, headless_epochs_per_s=headless_epochs_per_s(knobs))
        row["ratio"] = row["epochs_per_s"] / row["headless_epochs_per_s"]
        rows.append(row)
        print(
            f"{name}: the page {row['epochs_per_s']:.3f} epochs/s, headless "
            f"{row['headless_epochs_per_s']:.3f} (ratio {row['ratio']:.2f}); the view changes "
            f"every {row['median_change_ms']:.0f} ms (median); the server answers in "
            f"{row['answer_median_ms']:.1f} ms (median), {row['answer_max_ms']:.0f} ms at most; "
            f"server {row['server_cores']:.2f} cores",
            flush=True,
        )
    return rows


def _median_ms(fn, n: int = 300) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def frame_cost() -> list[dict]:
    """Building and packing one frame of each kind, beside training it (ms, medians)."""
    from playground.experiment import Config, Session
    from playground.ui.digit_frames import DigitFrames, TestPass
    from playground.ui.inside import VIEWS
    from playground.ui.scene import FrameBuilder
    from playground.ui.theme import LIGHT

    rows = []
    cases = [(name, query, ()) for name, query, _, _ in SETUPS[:2]]
    # (a frame that carries them: they travel ten times a second, the gradients' row always)
    cases.append((f"{SETUPS[1][0]}, every view inside", SETUPS[1][1], tuple(VIEWS)))
    for name, query, views in cases:
        session = Session(Config.from_query(query)[0])
        frames = FrameBuilder(LIGHT)
        frames.views.shown = frozenset(views)
        frames.views.every_s = 0.0
        frames.scene(session)
        for _ in range(50):
            session.step(1)
            frames.frame(session, 1)
        rows.append(
            {
                "page": f"2-D, {name}",
                "frame_ms": _median_ms(lambda s=session, f=frames: f.frame(s, 1)),
                "training_ms": _median_ms(lambda s=session: s.step(1)),
            }
        )
    session = Session(Config(dataset="mnist"))
    frames = DigitFrames(LIGHT)
    frames.scene(session)
    session.train_slice(50)
    test = TestPass.of(session)
    batches = 20  # about what one 40 ms slice trains (batch 128, 784-128-10)
    training = _median_ms(lambda: session.train_slice(batches), 30)
    kinds = {
        "counter, progress, readouts": lambda: None,
        "+ weight images": lambda: frames.weights_changed(session),
        "+ test-set views": lambda: (
            frames.test_pass_changed(test),
            frames.gallery_changed(test, None, False),
        ),
    }
    for kind, due in kinds.items():
        rows.append(
            {
                "page": f"MNIST, {kind}",
                "frame_ms": _median_ms(lambda d=due: (d(), frames.frame(session, 1))),
                "training_ms": training,
                "bytes": len((due(), frames.frame(session, 1))[1]),
            }
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=20.0, help="how long to watch")
    ap.add_argument("--query", default="", help="page query, e.g. 'dataset=spiral&hidden=8,8'")
    ap.add_argument("--epf", type=int, default=1, help="epochs per frame")
    ap.add_argument("--compare", action="store_true", help="side by side with the original")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each page (--compare)")
    ap.add_argument("--peer", type=Path, default=PEER, help="the original's measure.py")
    ap.add_argument(
        "--bokeh-frames",
        action="store_true",
        help="serve with --bokeh-frames: frames through Bokeh's websocket (to compare)",
    )
    ap.add_argument(
        "--frame-cost", action="store_true", help="in one process, no browser: a frame's cost"
    )
    ap.add_argument("--views", action="store_true", help="open every view inside the network")
    ap.add_argument(
        "--mnist", action="store_true", help="the MNIST page (dense, conv) beside headless epochs"
    )
    ap.add_argument("--json", action="store_true", help="end with JSON lines")
    args = ap.parse_args()
    extra = ("--bokeh-frames",) if args.bokeh_frames else ()

    if args.frame_cost:
        rows = frame_cost()
        for row in rows:
            extra = f", {row['bytes']:,} bytes" if "bytes" in row else ""
            print(
                f"{row['page']}: {row['frame_ms']:.3f} ms to build and pack a frame "
                f"(training it: {row['training_ms']:.2f} ms{extra})"
            )
            if args.json:
                print(json.dumps(row))
        return
    if args.mnist:
        for row in mnist(args.seconds, args.repeats):
            if args.json:
                print(json.dumps(row))
        return
    if args.compare:
        rows = compare(args.seconds, args.repeats, args.peer, extra)
        if args.json:
            for row in rows:
                print(json.dumps(row))
        return
    with servers(1, extra) as (base, pids), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        result = measure_ours(
            base, pids[0], browser, args.query, args.seconds, args.epf, args.views
        )
        browser.close()
    result.update(
        seconds=args.seconds,
        query=args.query,
        epochs_per_frame=args.epf,
        views=args.views,
        frames_through="bokeh" if args.bokeh_frames else "own websocket",
    )
    print(
        f"frames a person sees: {result['fps']:.1f} per second "
        f"(interval median {result['interval_median_ms']:.1f} ms, "
        f"p95 {result['interval_p95_ms']:.1f} ms)"
    )
    print(f"training: {result['epochs_per_s']:.0f} epochs per second")
    print(f"server CPU: {result['server_cpu_ms_per_frame']:.2f} ms per displayed frame")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
