"""Time the engine against plain NumPy and PyTorch CPU, in one run.

    python benchmarks/bench_engine.py [--repeat N] [--json]

Three workloads, each timed for the engine, for a vectorised NumPy
implementation written below, and for PyTorch (2 threads) when installed:

* toy_epoch: TF-Playground spiral, 250 training points, 2-8-8-8-1 tanh,
  batch 10, SGD lr 0.03, one epoch.
* frame: every neuron's output over a 100x100 grid for that network (what
  the page draws each frame).
* mnist_epoch: 784-128-10 ReLU, softmax cross-entropy, batch 64, SGD lr 0.1,
  one epoch over the 60,000 training images.
* cnn_epoch: conv 8 (5x5, 'same') + 2x2 max pool, conv 16 (5x5) + 2x2 max
  pool, softmax 10; ReLU, batch 64, SGD lr 0.05, float32, one epoch over the
  first --cnn-images training images (all 60,000 unless told; no NumPy
  column: a vectorised NumPy conv net is not a reference anyone would use for
  speed). Engine and PyTorch epochs alternate, so that a change in the
  machine's load falls on both.

Machines here are noisy, so it reports medians and ratios measured in the
same run, plus the first-call compile time and the cached start time of the
engine (each in a fresh process). With --json the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from playground.data import feature_matrix, grid_points, load_mnist, make_dataset
from playground.data import train_test_split as split
from playground.engine import MLP

try:
    import torch
except ImportError:  # the reference is optional
    torch = None


def interleaved_ms(fns, repeat: int, warmup: int = 1) -> list[float]:
    """Median milliseconds of each of ``fns``, timed in turn ``repeat`` times."""
    for fn in fns:
        for _ in range(warmup):
            fn()
    times = [[] for _ in fns]
    for _ in range(repeat):
        for fn, t in zip(fns, times):
            start = time.perf_counter()
            fn()
            t.append(time.perf_counter() - start)
    return [statistics.median(t) * 1e3 for t in times]


def median_ms(fn, repeat: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


# --------------------------------------------------------------- NumPy reference
class NumpyMLP:
    """Plain vectorised NumPy: batch-major matrices, one call per layer."""

    def __init__(self, weights, act, out, loss):
        self.W = [W.astype(weights[0][0].dtype).T.copy() for W, _ in weights]  # (in, out)
        self.b = [b.copy() for _, b in weights]
        self.act, self.out, self.loss = act, out, loss

    def _f(self, z, last):
        kind = self.out if last else self.act
        if kind == "tanh":
            return np.tanh(z)
        if kind == "relu":
            return np.maximum(z, 0)
        e = np.exp(z - z.max(axis=1, keepdims=True))  # softmax
        return e / e.sum(axis=1, keepdims=True)

    def forward(self, X):
        acts = [X]
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            acts.append(self._f(acts[-1] @ W + b, i == len(self.W) - 1))
        return acts

    def step(self, X, Y, lr):
        acts = self.forward(X)
        n = X.shape[0]
        a = acts[-1]
        delta = (a - Y) * (1 - a * a) / n if self.loss == "square" else (a - Y) / n
        for i in range(len(self.W) - 1, -1, -1):
            gW, gb = acts[i].T @ delta, delta.sum(axis=0)
            if i:
                da = delta @ self.W[i].T
                h = acts[i]
                delta = da * (1 - h * h) if self.act == "tanh" else da * (h > 0)
            self.W[i] -= lr * gW
            self.b[i] -= lr * gb

    def epoch(self, X, Y, batch, lr, rng):
        perm = rng.permutation(X.shape[0])
        for s in range(0, X.shape[0], batch):
            idx = perm[s : s + batch]
            self.step(X[idx], Y[idx], lr)


# ------------------------------------------------------------- PyTorch reference
def torch_model(weights, act, dtype):
    layers = []
    for i, (W, b) in enumerate(weights):
        lin = torch.nn.Linear(W.shape[1], W.shape[0]).to(dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(b))
        layers.append(lin)
        if i < len(weights) - 1:
            layers.append(torch.nn.Tanh() if act == "tanh" else torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def torch_epoch(model, X, Y, batch, lr, loss, final_tanh, gen):
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    perm = torch.randperm(X.shape[0], generator=gen)
    for s in range(0, X.shape[0], batch):
        idx = perm[s : s + batch]
        out = model(X[idx])
        if final_tanh:
            out = torch.tanh(out)
            err = 0.5 * ((out - Y[idx]) ** 2).sum(dim=1).mean()
        else:
            err = torch.nn.functional.cross_entropy(out, Y[idx])
        opt.zero_grad(set_to_none=True)
        err.backward()
        opt.step()


def torch_all_neurons(model, grid, final_tanh):
    with torch.no_grad():
        outs, h = [], grid
        for layer in model:
            h = layer(h)
            if not isinstance(layer, torch.nn.Linear):
                outs.append(h)
        outs.append(torch.tanh(h) if final_tanh else h)
        return outs


# -------------------------------------------------------------------- workloads
def toy_setup():
    data = make_dataset("spiral", 500, noise=0.0, seed=0)
    train, _ = split(len(data.labels), 0.5, seed=0)
    X = np.ascontiguousarray(data.points[train])
    Y = np.ascontiguousarray(data.labels[train, None])
    net = MLP(2, (8, 8, 8), 1, learning_rate=0.03, seed=0)
    return X, Y, net


def bench_toy(repeat):
    X, Y, net = toy_setup()
    res = {"engine_ms": median_ms(lambda: net.train_epoch(X, Y, 10), repeat)}
    ref = NumpyMLP(net.get_weights(), "tanh", "tanh", "square")
    rng = np.random.default_rng(0)
    res["numpy_ms"] = median_ms(lambda: ref.epoch(X, Y, 10, 0.03, rng), max(repeat // 10, 5))
    res["torch_ms"] = None
    if torch is not None:
        model = torch_model(net.get_weights(), "tanh", torch.float64)
        tX, tY, gen = torch.from_numpy(X), torch.from_numpy(Y), torch.Generator().manual_seed(0)
        res["torch_ms"] = median_ms(
            lambda: torch_epoch(model, tX, tY, 10, 0.03, "square", True, gen), max(repeat // 10, 5)
        )
    return res


def bench_frame(repeat):
    _, _, net = toy_setup()
    grid = feature_matrix(grid_points(100), ["x1", "x2"])
    grid.flags.writeable = False  # as the page's session caches it (checked once, reused)
    res = {"engine_ms": median_ms(lambda: net.layer_outputs(grid), repeat)}
    ref = NumpyMLP(net.get_weights(), "tanh", "tanh", "square")
    res["numpy_ms"] = median_ms(lambda: ref.forward(grid), repeat)
    res["torch_ms"] = None
    if torch is not None:
        model = torch_model(net.get_weights(), "tanh", torch.float64)
        tg = torch.from_numpy(grid.copy())
        res["torch_ms"] = median_ms(lambda: torch_all_neurons(model, tg, True), repeat)
    return res


def bench_mnist(repeat):
    m = load_mnist()
    X = m.x_train
    Y = np.eye(10, dtype=np.float32)[m.y_train]
    net = MLP(
        784,
        (128,),
        10,
        activation="relu",
        output="softmax",
        loss="softmax_ce",
        learning_rate=0.1,
        init="he",
        seed=0,
        dtype="float32",
    )
    res = {"engine_ms": median_ms(lambda: net.train_epoch(X, Y, 64), repeat, warmup=1)}
    ref = NumpyMLP(net.get_weights(), "relu", "softmax", "ce")
    rng = np.random.default_rng(0)
    res["numpy_ms"] = median_ms(lambda: ref.epoch(X, Y, 64, 0.1, rng), repeat, warmup=1)
    res["torch_ms"] = None
    if torch is not None:
        model = torch_model(net.get_weights(), "relu", torch.float32)
        tX, ty = torch.from_numpy(X), torch.from_numpy(m.y_train.astype(np.int64))
        gen = torch.Generator().manual_seed(0)
        res["torch_ms"] = median_ms(
            lambda: torch_epoch(model, tX, ty, 64, 0.1, "ce", False, gen), repeat, warmup=1
        )
    return res


def bench_cnn(repeat, n_images):
    m = load_mnist()
    X = m.x_train[:n_images]  # a read-only view, as a session passes it
    Y = np.eye(10, dtype=np.float32)[m.y_train[:n_images]]
    Y.flags.writeable = False
    net = MLP(
        784,
        (),
        10,
        conv=(8, 16),
        kernel=5,
        pool="max",
        input_shape=(1, 28, 28),
        activation="relu",
        output="softmax",
        loss="softmax_ce",
        learning_rate=0.05,
        init="he",
        seed=0,
        dtype="float32",
    )

    def epoch():
        return net.train_epoch(X, Y, 64)

    res = {"numpy_ms": None, "torch_ms": None}
    if torch is None:
        res["engine_ms"] = median_ms(epoch, repeat, warmup=1)
        return res
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 8, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 7 * 7, 10),
    )
    tX = torch.from_numpy(X.reshape(-1, 1, 28, 28).copy())
    ty = torch.from_numpy(m.y_train[:n_images].astype(np.int64))
    gen = torch.Generator().manual_seed(0)
    res["engine_ms"], res["torch_ms"] = interleaved_ms(
        [epoch, lambda: torch_epoch(model, tX, ty, 64, 0.05, "ce", False, gen)], repeat
    )
    return res


_START = (
    "import time; t=time.perf_counter(); from playground.engine import warm_up; warm_up(); "
    "print(time.perf_counter()-t)"
)


def start_times() -> tuple[float, float]:
    """Seconds to import + compile every kernel cold, then with the on-disk cache."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        run = [sys.executable, "-c", _START]
        cold = float(
            subprocess.run(run, env=env, capture_output=True, check=True, text=True).stdout
        )
        warm = float(
            subprocess.run(run, env=env, capture_output=True, check=True, text=True).stdout
        )
    return cold, warm


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=200, help="timed runs for the fast workloads")
    ap.add_argument("--mnist-repeat", type=int, default=3, help="timed MNIST epochs")
    ap.add_argument("--cnn-images", type=int, default=60_000, help="images per conv-net epoch")
    ap.add_argument(
        "--only", nargs="+", metavar="WORKLOAD", help="run only these workloads (e.g. cnn_epoch)"
    )
    ap.add_argument("--skip-start", action="store_true", help="skip the compile-time runs")
    ap.add_argument("--json", action="store_true", help="end with one JSON line")
    args = ap.parse_args()
    if torch is not None:
        torch.set_num_threads(2)
    workloads = {
        "toy_epoch": lambda: bench_toy(args.repeat),
        "frame": lambda: bench_frame(args.repeat),
        "mnist_epoch": lambda: bench_mnist(args.mnist_repeat),
        "cnn_epoch": lambda: bench_cnn(args.mnist_repeat, args.cnn_images),
    }
    results = {name: run() for name, run in workloads.items() if name in (args.only or workloads)}
    print(
        f"{'workload':<12} {'engine ms':>10} {'numpy ms':>10} {'torch ms':>10} "
        f"{'numpy/eng':>10} {'torch/eng':>10}"
    )
    for name, r in results.items():
        eng, t, npy = r["engine_ms"], r["torch_ms"], r["numpy_ms"]
        torch_ms = "-" if t is None else f"{t:.3f}"
        torch_ratio = "-" if t is None else f"{t / eng:.2f}x"
        numpy_ms = "-" if npy is None else f"{npy:.3f}"
        numpy_ratio = "-" if npy is None else f"{npy / eng:.1f}x"
        print(
            f"{name:<12} {eng:>10.3f} {numpy_ms:>10} {torch_ms:>10} "
            f"{numpy_ratio:>10} {torch_ratio:>10}"
        )
    if torch is None:
        print("PyTorch not installed: pip install -e '.[bench]' for the torch column")
    if not args.skip_start:
        cold, warm = start_times()
        print(f"engine start: first call (compile) {cold:.1f} s, cached start {warm:.2f} s")
        results["start"] = {"compile_s": cold, "cached_s": warm}
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
