"""``playground`` on the command line: a thin shell over the experiment layer.

Every knob of :class:`~playground.experiment.Config` becomes a flag of the same name
(``--learning_rate`` or ``--learning-rate``), with its type, choices, bounds and help
text taken from the Parameter declaration. Explicit flags are strict (a bad value
exits with status 2 and says why), unlike a shared URL, which is forgiving; ``--query``
accepts the very query string the page puts in its address bar, and flags override it.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

import param
from tqdm import tqdm

from playground.engine import warm_up
from playground.experiment import (
    CONV_DEFAULTS,
    DATASET_DEFAULTS,
    EFFECTS,
    KNOBS,
    Config,
    Effect,
    Session,
    default_epochs,
    make_plan,
    parse_query,
    parse_strict,
)
from playground.experiment.knobs import DEFAULT_EPOCHS, DEFAULT_EPOCHS_TOY
from playground.experiment.params import ChoiceList, IntList
from playground.ui.options import IDLE_MINUTES

#: Help sections of the knob flags, derived from what a change of the knob does.
_SECTIONS = {
    Effect.DATA: "data",
    Effect.SPLIT: "data",
    Effect.NETWORK: "network",
    Effect.LIVE: "training",
}


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(map(str, value)) or '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _help(name: str, p: param.Parameter) -> str:
    """The tooltip sentence plus the allowed values and the default(s)."""
    parts = [p.doc]
    if isinstance(p, IntList):
        lo, hi = p.item_bounds
        parts.append(f"Comma-separated, up to {p.bounds[1]} numbers of {lo}-{hi}.")
    elif isinstance(p, ChoiceList):
        parts.append(f"Comma-separated from: {', '.join(p.objects)}.")
    elif isinstance(p, param.Number) and not isinstance(p, param.Boolean):
        parts.append(f"Range {_shown(p.bounds[0])} to {_shown(p.bounds[1])}.")
    default = f"Default {_shown(p.default)}"
    special = [f"{d}: {_shown(v[name])}" for d, v in DATASET_DEFAULTS.items() if name in v]
    if name in CONV_DEFAULTS:
        special.append(f"mnist with --conv: {_shown(CONV_DEFAULTS[name])}")
    parts.append(default + (f" ({'; '.join(special)})." if special else "."))
    return " ".join(parts).replace("%", "%%")


def _strict(name: str) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        try:
            return parse_strict(name, text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None

    convert.__name__ = name  # argparse names the type in some messages
    return convert


def _add_knob_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per Config parameter, grouped by what changing it does."""
    groups = {
        title: parser.add_argument_group(f"{title} settings")
        for title in dict.fromkeys(_SECTIONS.values())
    }
    for name in KNOBS:
        p = Config.param[name]
        flags = [f"--{name}"] + ([f"--{name.replace('_', '-')}"] if "_" in name else [])
        kwargs: dict[str, Any] = {
            "dest": name,
            "default": argparse.SUPPRESS,
            "help": _help(name, p),
        }
        if isinstance(p, param.Boolean):
            kwargs["action"] = argparse.BooleanOptionalAction
        elif isinstance(p, param.Selector) and not isinstance(p, param.ListSelector):
            kwargs.update(type=_strict(name), choices=p.objects)
        else:
            metavar = "N" if isinstance(p, param.Integer) else "X"
            metavar = {IntList: "SIZES", ChoiceList: "NAMES"}.get(type(p), metavar)
            kwargs.update(type=_strict(name), metavar=metavar)
        groups[_SECTIONS[EFFECTS[name]]].add_argument(*flags, **kwargs)


def _epochs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"epochs must be a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"epochs must be 0 or more, got {value}")
    return value


def _add_query(parser: argparse.ArgumentParser) -> None:
    """``--query``: settings as a shared link has them (train and export read links alike)."""
    parser.add_argument(
        "--query",
        default=None,
        help='Settings as the page\'s URL query, e.g. "dataset=spiral&hidden=8,8"; '
        "flags given as well take precedence.",
    )


def _add_train(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    train = sub.add_parser(
        "train",
        usage="playground train [--epochs N] [--query QUERY] [--json] [--quiet] [--KNOB VALUE ...]",
        help="train a network without the page and print the result",
        description="Train headless with every knob as a flag; prints the final train/test "
        "loss and accuracy (with --json: one JSON object as the last line).",
    )
    special = "; ".join(f"{d}: {n}" for d, n in DEFAULT_EPOCHS.items())
    train.add_argument(
        "--epochs",
        type=_epochs,
        default=None,
        help=f"How many epochs to train. Default {DEFAULT_EPOCHS_TOY} ({special}).",
    )
    _add_query(train)
    train.add_argument("--json", action="store_true", help="Print the result as one JSON line.")
    train.add_argument("--quiet", action="store_true", help="No progress bar or warnings.")
    _add_knob_flags(train)
    return train


def _config(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Config:
    values, warnings = parse_query(args.query) if args.query is not None else ({}, [])
    values.update({name: getattr(args, name) for name in KNOBS if hasattr(args, name)})
    try:
        config = Config(**values)
        make_plan(config, strict=True)
    except ValueError as err:
        parser.error(str(err))
    if not args.quiet:
        for warning in warnings:
            print(f"warning: --query {warning}", file=sys.stderr)
    return config


#: A warm Numba cache loads every kernel in about a second (measured: 0.9 s); a
#: warm-up that lasts longer is compiling, and then says so.
COMPILE_NOTICE_SECONDS = 1.0


class CompileReport:
    """The progress of :func:`playground.engine.warm_up` on stderr.

    A first start compiles the kernels for a minute or more, and a terminal that
    stays silent that long looks hung; a warm start loads them in about a second
    and should not paint a bar. So the bar appears only when :meth:`show` is
    called (by a timer, :data:`COMPILE_NOTICE_SECONDS` into the warm-up: the
    first group alone can take half a minute), and :meth:`close` always ends
    with one short "engine ready" line.
    """

    def __init__(self, file: TextIO | None = None) -> None:
        self._file = file if file is not None else sys.stderr
        self._lock = threading.Lock()  # the timer's thread calls show()
        self._done = self._total = 0
        self._bar: tqdm | None = None
        self._closed = False

    def __call__(self, done: int, total: int, group: str) -> None:
        """The ``progress`` callback of ``warm_up``: ``done`` of ``total`` groups."""
        with self._lock:
            self._done, self._total = done, total
            if self._bar is not None:
                self._bar.total = total  # shown before the first call: total was unknown
                self._bar.update(done - self._bar.n)
                if group:
                    self._bar.set_postfix_str(f"{group} done")

    def show(self) -> None:
        """Start showing the bar (unless the warm-up is already over)."""
        with self._lock:
            if self._bar is None and not self._closed:
                self._bar = tqdm(
                    total=self._total,
                    initial=self._done,
                    desc="compiling the engine (first start only)",
                    bar_format="{desc}: {n_fmt}/{total_fmt} kernel groups [{elapsed}{postfix}]",
                    file=self._file,
                )

    def close(self, seconds: float) -> None:
        """End the bar, if any, and say the engine is ready."""
        with self._lock:
            self._closed = True
            if self._bar is not None:
                self._bar.close()
        print(f"engine ready ({seconds:.1f} s)", file=self._file)


def warm_up_engine(dtypes: Sequence[str] = ("float64", "float32"), quiet: bool = False) -> None:
    """Compile the engine's kernels (or load them from Numba's cache) before a
    command uses them, with a progress bar if that takes a while."""
    if quiet:
        warm_up(dtypes=dtypes)
        return
    report = CompileReport()
    timer = threading.Timer(COMPILE_NOTICE_SECONDS, report.show)
    timer.daemon = True
    start = time.perf_counter()
    timer.start()
    try:
        warm_up(report, dtypes)
    finally:
        timer.cancel()
        report.close(time.perf_counter() - start)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.2f} %"


def _loss(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.4f}" if abs(value) < 1e4 else f"{value:.3e}"


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: such numbers (also inside a list) become null."""
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _run_train(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    config = _config(args, parser)
    warm_up_engine((make_plan(config).dtype,), args.quiet)
    epochs = args.epochs if args.epochs is not None else default_epochs(config.dataset)
    start = time.perf_counter()
    try:
        session = Session(config)
    except (OSError, ValueError) as err:
        print(f"playground train: error: {err}", file=sys.stderr)
        return 1
    setup = time.perf_counter() - start
    row = session.history.last
    start = time.perf_counter()
    with tqdm(
        total=epochs, desc=config.dataset, unit="epoch", file=sys.stderr, disable=args.quiet
    ) as bar:
        for _ in range(epochs):
            row = session.step(1)
            if session.diverged or session.message:
                break
            bar.set_postfix_str(
                f"train loss {_loss(row['train_loss'])}, test loss {_loss(row['test_loss'])}",
                refresh=False,
            )
            bar.update(1)
    seconds = time.perf_counter() - start
    plan = session.plan
    result = {
        "epochs": row["epoch"],
        "train_loss": row["train_loss"],
        "test_loss": row["test_loss"],
        "train_accuracy": row["train_accuracy"],
        "test_accuracy": row["test_accuracy"],
        "validation_loss": row["validation_loss"],
        "validation_accuracy": row["validation_accuracy"],
        "baselines": session.baselines(),
        "seconds": round(seconds, 3),
        "setup_seconds": round(setup, 3),
        "dataset": config.dataset,
        "sizes": list(plan.sizes),
        "query": config.to_query(),
        "diverged": session.diverged,
        "message": session.message,
        # Per layer, input side first: the mean weight-gradient norm of the last epoch.
        "gradient_norms": session.gradient_norms,
    }
    if not plan.is_classification and not session.diverged:
        result["test_r2"] = session.metrics("test").get("r2")
    if session.message:
        print(f"playground train: {session.message}", file=sys.stderr)
    if args.json:
        print(json.dumps({key: _finite(value) for key, value in result.items()}))
    else:
        arch = "-".join(map(str, plan.sizes))
        print(
            f"{config.dataset}: {arch} network, {plan.output} output, {plan.loss} loss, "
            f"{config.optimizer} with learning rate {config.learning_rate:g}; "
            f"{result['epochs']} epochs in {seconds:.1f} s"
        )
        validation = row["validation_loss"] is not None
        losses = f"train loss {_loss(row['train_loss'])}   "
        if validation:
            losses += f"validation loss {_loss(row['validation_loss'])}   "
        print(f"{losses}test loss {_loss(row['test_loss'])}")
        base = result["baselines"]
        if plan.is_classification:
            accuracies = f"train accuracy {_percent(row['train_accuracy'])}   "
            if validation:
                accuracies += f"validation accuracy {_percent(row['validation_accuracy'])}   "
            print(f"{accuracies}test accuracy {_percent(row['test_accuracy'])}")
            if base["most_frequent"] is not None:
                print(
                    f"baselines: chance {_percent(base['chance'])}, "
                    f"most frequent class {_percent(base['most_frequent'])}"
                )
        else:
            if "test_r2" in result:
                print(f"test R² {result['test_r2']:.4f}")
            if base["mean_loss"] is not None:
                mean_loss = _loss(base["mean_loss"])
                print(f"baseline: the training mean as every answer, test loss {mean_loss}")
    return 1 if session.diverged else 0


def _add_serve(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    serve = sub.add_parser(
        "serve",
        help="serve the live playground page",
        description="Serve the playground; open http://ADDRESS:PORT/ in a browser.",
    )
    serve.add_argument("--port", type=int, default=5006, help="port to listen on (5006)")
    serve.add_argument(
        "--address",
        default="127.0.0.1",
        help="address to listen on (127.0.0.1; 0.0.0.0 for every interface)",
    )
    serve.add_argument("--show", action="store_true", help="open the page in a browser")
    serve.add_argument(
        "--allow-websocket-origin",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="also accept pages loaded from this host (repeatable), e.g. a classroom "
        "machine's LAN name; by default only the served address is accepted",
    )
    serve.add_argument(
        "--idle-minutes",
        type=float,
        default=IDLE_MINUTES,
        metavar="MINUTES",
        help="pause a page's training when nobody has used it this long; it carries on "
        f"at the next mouse move or key press ({IDLE_MINUTES:g}; 0 never pauses)",
    )
    serve.add_argument(
        "--bokeh-frames",
        action="store_true",
        help="send the live frames through Bokeh's websocket instead of the page's own "
        "(for a proxy that passes only one websocket; costs the server more per frame)",
    )
    return serve


def _run_serve(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if not 1 <= args.port <= 65535:
        parser.error(f"--port must be from 1 to 65535, got {args.port}")
    if not 0 <= args.idle_minutes <= 24 * 60:
        parser.error(f"--idle-minutes must be from 0 to 1440, got {args.idle_minutes}")
    from playground.ui.server import serve  # Panel is only imported to serve

    warm_up_engine()
    serve(
        args.port,
        args.address,
        args.show,
        args.allow_websocket_origin,
        args.idle_minutes,
        live_socket=not args.bokeh_frames,
    )
    return 0


def _add_nginx(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    nginx = sub.add_parser(
        "nginx",
        help="print an nginx configuration for several serve processes",
        description="Print an nginx configuration that spreads browsers over BACKENDS "
        "`playground serve` processes on consecutive ports, each browser kept on one "
        "process (session affinity by cookie). See the README's 'A class of 300'.",
    )
    nginx.add_argument("--backends", type=int, default=2, help="serve processes (2)")
    nginx.add_argument(
        "--first-port", type=int, default=5006, help="port of the first process (5006)"
    )
    nginx.add_argument("--listen", default="80", help="what nginx listens on (80)")
    nginx.add_argument("--server-name", default="_", help="the host name students type (any)")
    nginx.add_argument(
        "--prefix", help="directory for nginx's pid, logs and temporary files (unprivileged)"
    )
    return nginx


def _run_nginx(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from playground.deploy import backend_addresses, nginx_config

    try:
        backends = backend_addresses(args.backends, args.first_port)
        print(
            nginx_config(
                backends, listen=args.listen, server_name=args.server_name, prefix=args.prefix
            ),
            end="",
        )
    except ValueError as err:
        parser.error(str(err))
    return 0


def _bounded(
    parser: argparse.ArgumentParser,
    flag: str,
    kind: type,
    default: float,
    bounds: tuple[float, float],
    metavar: str,
    says: str,
) -> None:
    """A number flag whose help gives its range (``{range}`` in ``says``) and its
    default, both read from where they are declared (export.options), so the
    help cannot tell of bounds the export does not check."""
    lo, hi = bounds
    parser.add_argument(
        flag,
        type=kind,
        default=default,
        metavar=metavar,
        help=says.format(range=f"{lo:g}-{hi:g}") + f" Default {default:g}.",
    )


def _add_export(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    import playground.export as ex  # option bounds only; Pillow is imported to run

    export = sub.add_parser(
        "export",
        usage="playground export --out FILE.gif|FILE.html [--epochs N] [--frames N] "
        "[--size PX] [--fps F] [--query QUERY] [--KNOB VALUE ...]",
        help="write an animated GIF or a self-contained HTML file of a training run",
        description="Train headless and write the decision boundary and the loss curves "
        "over training as an animated GIF or as one HTML file that plays offline "
        "(no server, no network: open it from file:// or put it next to your slides). "
        "Frames show epochs evenly spaced from 0 to --epochs: min(--frames, --epochs + 1) "
        "of them, frame i of n at epoch round(i * epochs / (n - 1)).",
    )
    endings = " or ".join(ex.FORMATS)
    export.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help=f"File to write; its ending ({endings}) chooses the format.",
    )
    export.add_argument(
        "--epochs",
        type=_epochs,
        default=None,
        metavar="N",
        help=f"How many epochs to train (at least 1). Default {DEFAULT_EPOCHS_TOY}.",
    )
    _bounded(
        export,
        "--frames",
        int,
        ex.FRAMES_DEFAULT,
        ex.FRAMES_RANGE,
        "N",
        "How many frames, {range}; fewer if there are fewer epochs than that.",
    )
    _bounded(
        export,
        "--size",
        int,
        ex.SIZE_DEFAULT,
        ex.SIZE_RANGE,
        "PX",
        "Side of the decision boundary in pixels, {range} (the loss chart and text scale with it).",
    )
    _bounded(
        export,
        "--fps",
        float,
        ex.FPS_DEFAULT,
        ex.FPS_RANGE,
        "F",
        f"Frames per second, {{range}}; the last frame stays {ex.HOLD_SECONDS:g} s "
        "before the loop.",
    )
    export.add_argument(
        "--show-test",
        "--show_test",
        dest="show_test",
        action="store_true",
        help="Also draw the test points (dark outline), as the page's 'Show test data'.",
    )
    _add_query(export)
    export.add_argument("--quiet", action="store_true", help="No progress bars or warnings.")
    _add_knob_flags(export)
    return export


def _run_export(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from pathlib import Path

    from playground.experiment import MNIST
    from playground.export import ExportOptions

    config = _config(args, parser)
    if config.dataset == MNIST:
        parser.error("MNIST images have no 2-D plane to draw; export a toy data set instead")
    epochs = args.epochs if args.epochs is not None else default_epochs(config.dataset)
    options = ExportOptions(
        out=Path(args.out),
        epochs=epochs,
        frames=args.frames,
        size=args.size,
        fps=args.fps,
        show_test=args.show_test,
    )
    try:
        options.check()
    except ValueError as err:
        parser.error(str(err))
    from playground.export.animation import export_animation  # imports Pillow

    warm_up_engine((make_plan(config).dtype,), args.quiet)

    try:
        session = Session(config)
        result = export_animation(session, options, quiet=args.quiet)
    except (OSError, ValueError) as err:
        print(f"playground export: error: {err}", file=sys.stderr)
        return 2
    if result.message:
        print(f"playground export: {result.message}", file=sys.stderr)
    size = result.bytes / 1e6
    print(
        f"wrote {result.path} ({size:.2f} MB, {len(result.epochs)} frames of epochs "
        f"{result.epochs[0]}-{result.epochs[-1]}; trained in {result.train_seconds:.1f} s, "
        f"drawn in {result.render_seconds:.1f} s)"
    )
    return 1 if result.message else 0


def _whole(lo: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``lo``."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < lo:
            raise argparse.ArgumentTypeError(f"expected {lo} or more, got {value}")
        return value

    return convert


def _add_sweep(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from playground.experiment.sweep import MAX_AXES, MAX_TRIALS, SEARCHES

    sweep = sub.add_parser(
        "sweep",
        usage="playground sweep --vary KNOB=LO:HI[:log] [--vary ...] [--search grid|random] "
        "[--trials N] [--epochs N] [--query QUERY] [--json]",
        help="grid or random search over up to three knobs, compared on validation",
        description="Train one network per trial, each from the same data and initial "
        "weights (the base --query's seed), and compare them on a validation share of "
        "the training points (20 % unless the query sets validation_ratio). Prints the "
        "trials best first and the best trial's test figure, once (with --json: one "
        'JSON line {"trials": [...], "best": {...}}).',
    )
    sweep.add_argument(
        "--query",
        default=None,
        help='The base settings as the page\'s URL query, e.g. "dataset=spiral&hidden=8,8" '
        "(its seed fixes the data and initial weights of every trial).",
    )
    sweep.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="KNOB=RANGE",
        help=f"A knob to vary (repeatable, up to {MAX_AXES}): a range LO:HI (linear), "
        "LO:HI:log, or choices A,B,C; e.g. learning_rate=1e-4:1:log, reg_rate=0:0.1, "
        "activation=relu,tanh.",
    )
    sweep.add_argument(
        "--search", choices=SEARCHES, default="random", help="grid or random (random)."
    )
    sweep.add_argument(
        "--trials",
        type=_whole(1),
        default=20,
        metavar="N",
        help=f"How many trials, 1-{MAX_TRIALS} (20). A grid takes round(trials ** (1/k)) "
        "values of each of k knobs (all of a list of choices).",
    )
    sweep.add_argument(
        "--epochs", type=_whole(1), default=200, metavar="N", help="Epochs per trial (200)."
    )
    sweep.add_argument(
        "--seed", type=_whole(0), default=0, metavar="N", help="Seed of the random draws (0)."
    )
    sweep.add_argument(
        "--workers",
        type=_whole(1),
        default=None,
        metavar="N",
        help="Trials run at once (default: one per core).",
    )
    sweep.add_argument("--json", action="store_true", help="Print the result as one JSON line.")
    sweep.add_argument("--quiet", action="store_true", help="No progress bar or notes.")
    return sweep


def _value_text(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else _shown(value)


def _run_sweep(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from playground.experiment.sweep import Sweep, SweepSpec, parse_axis, ranked

    if not args.vary:
        parser.error("give at least one --vary KNOB=LO:HI[:log] or KNOB=A,B,C")
    try:
        axes = []
        for text in args.vary:
            try:
                axes.append(parse_axis(text))
            except ValueError as err:
                raise ValueError(f"--vary {text}: {err}") from None
        spec = SweepSpec(
            args.query or "", tuple(axes), args.search, args.trials, args.epochs, args.seed
        )
        config = spec.base_config()[0]
        make_plan(config, strict=True)
    except ValueError as err:
        parser.error(str(err))
    if not args.quiet:
        for note in spec.notes():
            print(f"note: {note}", file=sys.stderr)
    warm_up_engine((make_plan(config).dtype,), args.quiet)
    sweep = Sweep(spec, args.workers)
    start = time.perf_counter()
    with tqdm(
        total=sweep.total, desc="sweep", unit="trial", file=sys.stderr, disable=args.quiet
    ) as bar:

        def progress(done: int, total: int) -> None:
            best = sweep.best()
            if best is not None and best["validation_accuracy"] is not None:
                bar.set_postfix_str(f"best validation {_percent(best['validation_accuracy'])}")
            elif best is not None:
                bar.set_postfix_str(f"best validation loss {_loss(best['validation_loss'])}")
            bar.update(done - bar.n)

        sweep.run(progress)
    seconds = time.perf_counter() - start
    trials = [
        {k: _finite(v) for k, v in r.items() if k != "curve"} for r in ranked(sweep.results())
    ]
    best = trials[0] if trials else None
    if args.json:
        print(json.dumps({"trials": trials, "best": best}))
        return 0 if best is not None and not best["diverged"] else 1
    names = [a.name for a in spec.axes]
    head = ["rank", "trial", *names, "val acc", "val loss", "train loss", "epochs"]
    rows = [
        [
            str(i + 1),
            str(t["trial"]),
            *(_value_text(t[n]) for n in names),
            _percent(t["validation_accuracy"]),
            _loss(t["validation_loss"]),
            _loss(t["train_loss"]),
            str(t["epochs"]) + (" diverged" if t["diverged"] else ""),
        ]
        for i, t in enumerate(trials)
    ]
    widths = [max(len(c) for c in col) for col in zip(head, *rows, strict=True)]
    for row in [head, *rows]:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
    per = f"{spec.epochs} epoch{'' if spec.epochs == 1 else 's'}"
    print(f"{len(trials)} trials of {per} ({spec.search} search) in {seconds:.1f} s")
    if best is None or best["diverged"]:
        print("no trial trained without diverging")
        return 1
    chosen = ", ".join(f"{n}={_value_text(best[n])}" for n in names)
    on = (
        f"validation accuracy {_percent(best['validation_accuracy'])}"
        if best["validation_accuracy"] is not None
        else f"validation loss {_loss(best['validation_loss'])}"
    )
    test = (
        f"test accuracy {_percent(best['test_accuracy'])}"
        if best["test_accuracy"] is not None
        else f"test loss {_loss(best['test_loss'])}"
    )
    print(f"best (chosen on validation): trial {best['trial']}, {chosen}: {on}")
    print(f"its {test} (reported once, never used to choose)")
    print(f"reopen it: playground train --query '{best['query']}' --epochs {spec.epochs}")
    return 0


#: Subcommands: name -> (adds its parser, runs it).
COMMANDS: dict[str, tuple[Callable, Callable]] = {
    "train": (_add_train, _run_train),
    "serve": (_add_serve, _run_serve),
    "export": (_add_export, _run_export),
    "nginx": (_add_nginx, _run_nginx),
    "sweep": (_add_sweep, _run_sweep),
}


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The top-level parser and each subcommand's parser."""
    parser = argparse.ArgumentParser(
        prog="playground", description="NN Playground: train small neural networks."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    return parser, {name: add(sub) for name, (add, _) in COMMANDS.items()}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``playground`` script; returns the exit status.

    Invalid arguments exit with status 2 (argparse's convention) and a message.
    An unknown argument is reported by the subcommand's own parser: argparse would
    answer ``playground train --bogus`` with the top-level usage, which does not
    show the flags ``train`` has.
    """
    parser, subparsers = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        subparsers[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    _, run = COMMANDS[args.command]
    return run(args, subparsers[args.command])


if __name__ == "__main__":
    sys.exit(main())
