"""``MLP``: the engine's public face.

It owns the flat parameter vector, the optimizer state and the scratch-free
kernels of :mod:`.network`, and checks every argument on the way in so that a
bad value fails here, with a message saying what is allowed, rather than deep
inside compiled code.
"""

from __future__ import annotations

import math
import weakref
import zlib
from collections.abc import Sequence

import numpy as np

from . import conv as cv
from . import network as nw
from . import slots as sl
from .activations import HIDDEN_ACTIVATIONS, PIECES
from .init import INITS, init_layer
from .losses import LOSS_OUTPUTS, LOSSES
from .optimizers import OPTIMIZERS, SCHEDULES, add_penalty_gradient, scheduled_rate
from .outputs import OUTPUT_ACTIVATIONS, OUTPUT_FACTS
from .rng import new_state, permutation

MAX_INPUTS = 1024
MAX_HIDDEN_LAYERS = 8
MAX_UNITS = 512
MAX_OUTPUTS = 10
MAX_DROPOUT = 0.9
MAX_LEARNING_RATE = 10.0
MAX_REG_RATE = 10.0
MAX_DECAY_EVERY = 100_000
MAX_CONV_LAYERS = 3
MAX_FILTERS = 32
REGULARIZATIONS = ("none", "l1", "l2", "elastic")
#: Share of the rate that elastic net gives to L1 (the rest goes to L2).
ELASTIC_L1_RATIO = 0.5
DTYPES = {"float32": np.float32, "float64": np.float64}
#: ``layer_outputs`` evaluates in one piece up to this many unit values.
FRAME_MAX_VALUES = 2_000_000
#: ``feature_maps`` takes at most this many images: its one-pass scratch is
#: about 0.5 MB per MNIST image for conv (8, 16), so 64 images stay near 32 MB.
MAX_MAP_IMAGES = 64
#: Read-only arrays a network remembers having checked: a session's epoch uses
#: eight (inputs and targets of the training side, the training sample it
#: evaluates, the validation and the test side). With four, the end of every
#: MNIST epoch pushed out the training images, and the next slice scanned their
#: 47 million values again (40-70 ms on a served page).
CHECKED_KEPT = 8


def _read_only(A: np.ndarray) -> np.ndarray:
    """``A`` as a read-only view (no copy).

    Numba compiles a kernel once per signature, and whether an array is writable
    is part of it. A session's data is read-only, a caller's array often is not,
    and each variant would be compiled (tens of seconds on a first start) and
    cached on its own: ``warm_up`` with one kind left the page's first step
    compiling the other. So every kernel sees read-only data arrays.
    """
    if not A.flags.writeable:
        return A
    view = A.view()
    view.flags.writeable = False
    return view


def _choice(what: str, value: str, allowed) -> str:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; choose one of {', '.join(allowed)}")
    return value


def _number(what: str, value: float, lo: float, hi: float) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None
    if not (math.isfinite(x) and lo <= x <= hi):
        raise ValueError(f"{what} must be between {lo:g} and {hi:g}, got {value!r}")
    return x


def _count(what: str, value: int, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{what} must be a whole number from {lo} to {hi}, got {value!r}")
    if not lo <= value <= hi:
        raise ValueError(f"{what} must be from {lo} to {hi}, got {value}")
    return int(value)


class _Hyper:
    """A float hyper-parameter stored in the network's ``hp`` vector.

    Writing one takes effect at the next step without resetting anything.
    """

    def __init__(self, index: int, lo: float, hi: float, doc: str):
        self.index, self.lo, self.hi, self.__doc__ = index, lo, hi, doc

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        return self if obj is None else float(obj._hp[self.index])

    def __set__(self, obj, value):
        obj._hp[self.index] = _number(self.name, value, self.lo, self.hi)


class MLP:
    """A fully connected network, its optimizer state and its random stream.

    ``hidden`` lists the hidden layer widths (``()`` is a linear/logistic
    model). ``activation`` is one name for every hidden layer or one per
    layer; ``maxout`` units have two linear pieces each (see network.py for
    how they are stored and :meth:`get_weights` for what it returns for them;
    batch norm normalises each piece, dropout drops whole units). ``seed``
    fixes the initial weights, the shuffling and the dropout
    masks. ``dtype`` is float64 for the small 2-D networks (exact gradients)
    and float32 where speed matters (MNIST).

    ``conv`` adds a convolutional front end (see :mod:`.conv`): one conv layer
    per entry (its number of filters), each ``kernel`` x ``kernel`` with stride 1
    and 'same' zero padding, then ``conv_activation`` (default: ``activation``),
    then ``pool`` ("max", "average" or "none", 2x2 with stride 2). The inputs
    are then images of ``input_shape`` = (channels, height, width), flattened
    channel, row, column into ``n_inputs`` columns; the last stage's maps are
    flattened the same way into the dense ``hidden`` layers. Batch norm
    (per channel), dropout (on each stage's output), L1/L2 (on the kernels)
    and every optimizer apply to the conv layers too. ``sizes`` lists the
    dense part, from the flattened maps to the outputs.
    """

    momentum = _Hyper(sl.MOMENTUM, 0.0, 0.999, "Momentum coefficient (momentum, nesterov).")
    beta1 = _Hyper(sl.BETA1, 0.0, 0.9999, "Adam/NAdam first-moment decay.")
    beta2 = _Hyper(sl.BETA2, 0.0, 0.99999, "Adam/NAdam second-moment decay.")
    eps = _Hyper(sl.EPS, 1e-12, 1.0, "Added to the denominator of adaptive optimizers.")
    rho = _Hyper(sl.RHO, 0.0, 0.9999, "RMSProp's decay of the squared-gradient average.")
    clip_norm = _Hyper(sl.CLIP, 0.0, 1e6, "Largest gradient L2 norm per step (0: no clipping).")
    dropout = _Hyper(sl.DROPOUT, 0.0, MAX_DROPOUT, "Probability of dropping a hidden unit.")
    bn_momentum = _Hyper(sl.BN_MOMENTUM, 0.0, 1.0, "Weight of a batch in running BN stats.")
    huber_delta = _Hyper(sl.HUBER, 1e-6, 1e6, "Error beyond which Huber loss is linear.")

    def __init__(
        self,
        n_inputs: int,
        hidden: Sequence[int] = (4, 2),
        n_outputs: int = 1,
        *,
        activation: str | Sequence[str] = "tanh",
        output: str = "tanh",
        loss: str = "square",
        optimizer: str = "sgd",
        learning_rate: float = 0.03,
        schedule: str = "constant",
        decay: float = 0.5,
        decay_every: int = 100,
        regularization: str = "none",
        reg_rate: float = 0.0,
        dropout: float = 0.0,
        batch_norm: bool = False,
        init: str = "tfp",
        clip_norm: float = 0.0,
        momentum: float = 0.9,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        rho: float = 0.9,
        seed: int = 0,
        dtype: str = "float64",
        conv: Sequence[int] = (),
        kernel: int = 5,
        pool: str = "max",
        conv_activation: str | None = None,
        input_shape: Sequence[int] | None = None,
    ):
        n_inputs = _count("n_inputs", n_inputs, 1, MAX_INPUTS)
        self.n_inputs = n_inputs
        self._check_conv(n_inputs, conv, kernel, pool, conv_activation, activation, input_shape)
        n_outputs = _count("n_outputs", n_outputs, 1, MAX_OUTPUTS)
        hidden = tuple(hidden)
        if len(hidden) > MAX_HIDDEN_LAYERS:
            raise ValueError(
                f"at most {MAX_HIDDEN_LAYERS} hidden layers are allowed, got {len(hidden)}"
            )
        hidden = tuple(_count("hidden layer width", h, 1, MAX_UNITS) for h in hidden)
        acts = (activation,) * len(hidden) if isinstance(activation, str) else tuple(activation)
        if len(acts) != len(hidden):
            raise ValueError(
                f"got {len(acts)} activations for {len(hidden)} hidden layers; "
                "give one name for all layers or one per layer"
            )
        for a in acts:
            _choice("activation", a, HIDDEN_ACTIVATIONS)
        _choice("output activation", output, OUTPUT_ACTIVATIONS)
        _choice("loss", loss, LOSSES)
        if output not in LOSS_OUTPUTS[loss]:
            raise ValueError(
                f"loss {loss!r} needs output activation "
                f"{' or '.join(repr(o) for o in LOSS_OUTPUTS[loss])}, got {output!r}"
            )
        if OUTPUT_FACTS[output].by_argmax and n_outputs < 2:
            raise ValueError(f"a {output} output needs at least 2 outputs (one per class)")
        _choice("optimizer", optimizer, OPTIMIZERS)
        _choice("init", init, INITS)
        _choice("dtype", dtype, DTYPES)
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
            raise ValueError(f"seed must be a whole number, got {seed!r}")

        self.sizes = (self._flat_inputs, *hidden, n_outputs)
        self.activations = (*acts, output)
        self.loss_name = loss
        self.optimizer_name = optimizer
        self.init_name = init
        self.batch_norm = bool(batch_norm)
        self.seed = int(seed)
        self.dtype = DTYPES[dtype]
        self._loss = LOSSES[loss]
        self._opt = OPTIMIZERS[optimizer]
        self._build(np.random.default_rng(self.seed))
        self._state = new_state(self.seed)
        self._partial: dict = {}  # the epoch being trained in slices (train_partial)
        # Sum of each layer's weight-gradient norm over the batches of the epoch
        # being trained and how many batches that is; the same for the last
        # finished epoch (the two buffers swap: no allocation per epoch).
        self._norm_sums = np.zeros(len(self.sizes) - 1)
        self._norm_batches = 0
        self._last_norm_sums = np.zeros(len(self.sizes) - 1)
        self._last_norm_batches = 0
        #: read-only arrays already validated (weakly: they are not kept alive)
        self._checked: tuple[weakref.ref, ...] = ()

        self._hp = np.zeros(sl.N_HP)
        self._hp[sl.BN_EPS] = 1e-5
        self.bn_momentum = 0.1
        self.huber_delta = 1.0
        self.momentum, self.beta1, self.beta2, self.eps, self.rho = (
            momentum,
            beta1,
            beta2,
            eps,
            rho,
        )
        self.clip_norm = clip_norm
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.set_schedule(schedule, decay, decay_every)
        self.set_regularization(regularization, reg_rate)
        self.epoch = 0

    # ---------------------------------------------------------------- layout
    def _check_conv(self, n_inputs, conv, kernel, pool, conv_activation, activation, shape):
        """Validate the conv front end; sets ``conv``, ``kernel``, ``pool`` and friends."""
        conv = tuple(conv)
        if len(conv) > MAX_CONV_LAYERS:
            raise ValueError(f"at most {MAX_CONV_LAYERS} conv layers are allowed, got {len(conv)}")
        self.conv = tuple(_count("conv layer filters", f, 1, MAX_FILTERS) for f in conv)
        self.pool = _choice("pool", pool, cv.POOLS)
        self.kernel = kernel
        self.conv_activation = self.input_shape = None
        self._flat_inputs = n_inputs
        if not self.conv:
            return
        if isinstance(kernel, bool) or kernel not in cv.KERNEL_SIZES:
            raise ValueError(f"kernel must be one of {cv.KERNEL_SIZES}, got {kernel!r}")
        self.kernel = int(kernel)
        if conv_activation is None:
            if not isinstance(activation, str):
                raise ValueError("give conv_activation when activation is one name per layer")
            conv_activation = activation
        self.conv_activation = _choice("conv activation", conv_activation, HIDDEN_ACTIVATIONS)
        if shape is None or len(tuple(shape)) != 3:
            raise ValueError("conv layers need input_shape = (channels, height, width)")
        c, h, w = (_count("input_shape entry", x, 1, MAX_INPUTS) for x in shape)
        if c * h * w != n_inputs:
            raise ValueError(f"input_shape {(c, h, w)} has {c * h * w} values, not {n_inputs}")
        if pool != "none" and min(h, w) >> len(self.conv) < 1:
            raise ValueError(
                f"{len(self.conv)} 2x2 poolings shrink a {h}x{w} image to nothing; "
                "use fewer conv layers or pool='none'"
            )
        self.input_shape = (c, h, w)
        for _ in self.conv:
            h, w = (h // 2, w // 2) if pool != "none" else (h, w)
        self._flat_inputs = self.conv[-1] * h * w

    def _build(self, rng: np.random.Generator) -> None:
        """Lay out every parameter in one vector and initialise it.

        Conv stages come first (in the vector and in unit numbering), then the
        dense layers, whose first one reads the last stage's output block.
        """
        if self.conv:
            front = cv.build_front(
                self.input_shape,
                self.conv,
                self.kernel,
                cv.POOLS[self.pool],
                HIDDEN_ACTIVATIONS[self.conv_activation],
                self.batch_norm,
                self.init_name,
                rng,
            )
            self._conv, chunks, mask, unit, offset, _ = front
            u_in = int(self._conv[-1, cv.KU_OUT])
        else:
            self._conv = cv.empty_table()
            chunks, mask, offset, unit, u_in = [], [], 0, self.sizes[0], 0
        n_layers = len(self.sizes) - 1
        layout = np.zeros((n_layers, sl.LAYOUT_COLUMNS), dtype=np.int64)
        for l in range(n_layers):
            code = (OUTPUT_ACTIVATIONS if l == n_layers - 1 else HIDDEN_ACTIVATIONS)[
                self.activations[l]
            ]
            # A maxout layer of n units is a dense layer of 2n pre-activations
            # (both pieces, piece-major) followed by a pairwise max: network.py.
            n_in, n_act = self.sizes[l], self.sizes[l + 1]
            n_out = n_act * PIECES.get(code, 1)
            W, b = init_layer(self.init_name, n_in, n_out, rng)
            layout[l, sl.N_IN], layout[l, sl.N_OUT], layout[l, sl.N_ACT] = n_in, n_out, n_act
            layout[l, sl.W_OFF], layout[l, sl.B_OFF] = offset, offset + W.size
            layout[l, sl.U_IN], layout[l, sl.U_OUT] = u_in, unit
            layout[l, sl.ACT] = code
            chunks += [W.ravel(), b]
            mask += [np.ones(W.size), np.zeros(n_out)]
            offset += W.size + n_out
            layout[l, sl.G_OFF] = -1
            if self.batch_norm and l < n_layers - 1:
                layout[l, sl.G_OFF] = offset
                chunks += [np.ones(n_out), np.zeros(n_out)]
                mask += [np.zeros(2 * n_out)]
                offset += 2 * n_out
            u_in, unit = unit, unit + n_out
        self._layout = layout
        self.n_units = unit
        self._params = np.ascontiguousarray(np.concatenate(chunks), dtype=self.dtype)
        self._regmask = np.concatenate(mask).astype(self.dtype)
        self._grad = np.zeros_like(self._params)
        self._m = np.zeros_like(self._params)
        self._v = np.zeros_like(self._params)
        self._counters = np.zeros(1, dtype=np.int64)
        self._run_mean = np.zeros(unit, dtype=self.dtype)
        self._run_var = np.ones(unit, dtype=self.dtype)

    @property
    def n_params(self) -> int:
        """How many trainable numbers the network has."""
        return int(self._params.size)

    @property
    def steps(self) -> int:
        """Optimizer steps taken so far."""
        return int(self._counters[0])

    # ------------------------------------------------------- live settings
    @property
    def learning_rate(self) -> float:
        """The base learning rate (the schedule scales it by epoch)."""
        return self._base_lr

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self._base_lr = _number("learning_rate", value, 0.0, MAX_LEARNING_RATE)

    def set_schedule(self, kind: str, decay: float = 0.5, every: int = 100) -> None:
        """Choose how the learning rate decays with the epoch number."""
        _choice("schedule", kind, SCHEDULES)
        high = 100.0 if kind == "inverse_time" else 1.0
        self._schedule = (
            kind,
            _number("decay", decay, 0.0, high),
            _count("decay_every", every, 1, MAX_DECAY_EVERY),
        )

    @property
    def current_learning_rate(self) -> float:
        """The learning rate the next epoch will use."""
        kind, decay, every = self._schedule
        return scheduled_rate(kind, self._base_lr, self.epoch, decay, every)

    def set_regularization(self, kind: str, rate: float) -> None:
        """Penalty on weights (never biases): l1 sum|w|, l2 sum w^2 / 2, or both."""
        _choice("regularization", kind, REGULARIZATIONS)
        rate = _number("reg_rate", rate, 0.0, MAX_REG_RATE)
        l1 = {"l1": rate, "elastic": rate * ELASTIC_L1_RATIO}.get(kind, 0.0)
        l2 = {"l2": rate, "elastic": rate * (1 - ELASTIC_L1_RATIO)}.get(kind, 0.0)
        self.regularization, self.reg_rate = kind, rate
        self._hp[sl.L1], self._hp[sl.L2] = l1, l2

    # ------------------------------------------------------------ checks
    def _known(self, A) -> bool:
        """True for a read-only array this network has already checked.

        A session passes the same read-only data every epoch (or every slice of
        one); scanning MNIST's 47 million values for NaN each time would cost
        more than a slice of training. Read-only arrays cannot have changed.
        """
        return any(ref() is A for ref in self._checked)

    def _remember(self, original, checked: np.ndarray) -> None:
        """Remember a read-only array checked: the last :data:`CHECKED_KEPT`."""
        if checked is original and not checked.flags.writeable:
            self._checked = (*self._checked[1 - CHECKED_KEPT :], weakref.ref(checked))

    def _inputs(self, X) -> np.ndarray:
        if self._known(X):
            return X
        original, X = X, np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.n_inputs or X.shape[0] == 0:
            raise ValueError(
                f"inputs must have shape (n_points, {self.n_inputs}) with n_points >= 1, "
                f"got {X.shape}"
            )
        X = np.ascontiguousarray(X, dtype=self.dtype)
        if not np.isfinite(X).all():
            raise ValueError("inputs contain NaN or infinite values")
        self._remember(original, X)
        return _read_only(X)

    def _targets(self, Y, n: int) -> np.ndarray:
        if self._known(Y) and Y.shape[0] == n:
            return Y
        original, Y = Y, np.asarray(Y)
        if Y.ndim == 1 and self.sizes[-1] == 1:
            Y = Y[:, None]
        if Y.shape != (n, self.sizes[-1]):
            raise ValueError(f"targets must have shape ({n}, {self.sizes[-1]}), got {Y.shape}")
        Y = np.ascontiguousarray(Y, dtype=self.dtype)
        if not np.isfinite(Y).all():
            raise ValueError("targets contain NaN or infinite values")
        self._remember(original, Y)
        return _read_only(Y)

    # ----------------------------------------------------------- training
    def _train(
        self, X, Y, idx: np.ndarray, batch_size: int, in_epoch: bool = True, scratch=None
    ) -> float:
        """Step through ``idx`` in batches; an epoch's batches count towards its
        gradient norms (``in_epoch``), a lone ``train_batch`` does not.
        ``scratch`` is :func:`network.train_scratch`'s, kept by a caller that
        trains in slices; without it, this call makes its own."""
        if scratch is None:
            scratch = self._train_scratch(min(batch_size, idx.shape[0]))
        self._hp[sl.LR] = self.current_learning_rate
        if in_epoch:
            norm_sums = self._norm_sums
            self._norm_batches += -(-idx.shape[0] // min(batch_size, idx.shape[0]))
        else:
            norm_sums = np.zeros_like(self._norm_sums)
        return float(
            nw.train_batches(
                X,
                Y,
                idx,
                batch_size,
                self._params,
                self._grad,
                self._m,
                self._v,
                self._counters,
                self._regmask,
                self._layout,
                self._conv,
                self._hp,
                self._loss,
                self._opt,
                self._run_mean,
                self._run_var,
                self._state,
                norm_sums,
                *scratch,
            )
        )

    def _train_scratch(self, batch: int) -> tuple[np.ndarray, np.ndarray]:
        return nw.train_scratch(self._layout, self._conv, max(1, batch), self._params)

    def _begin_epoch(self) -> None:
        self._norm_sums.fill(0.0)
        self._norm_batches = 0

    def _end_epoch(self) -> None:
        # Kept as sums, divided only when read: the page trains an epoch every
        # frame and reads the norms far less often (measured: ~1 us saved per epoch).
        self._norm_sums, self._last_norm_sums = self._last_norm_sums, self._norm_sums
        self._last_norm_batches = self._norm_batches
        self.epoch += 1

    @property
    def gradient_norms(self) -> list[float]:
        """Mean L2 norm of each layer's weight gradient (of loss + penalty, before
        clipping) over the batches of the last finished epoch, input side first;
        [] before the first epoch. Vanishing gradients show as tiny values on the
        input side, exploding ones as huge values."""
        if self._last_norm_batches == 0:
            return []
        return (self._last_norm_sums / self._last_norm_batches).tolist()

    def train_epoch(self, X, Y, batch_size: int = 10) -> float:
        """One pass over (X, Y) in a fresh random order, one step per batch.

        Returns the mean data loss seen during the pass. The last batch may be
        smaller than ``batch_size``.
        """
        X = self._inputs(X)
        Y = self._targets(Y, X.shape[0])
        batch_size = _count("batch_size", batch_size, 1, 1_000_000)
        self._partial = {}  # a whole epoch replaces any epoch begun in slices
        self._begin_epoch()
        order = permutation(X.shape[0], self._state)
        loss = self._train(X, Y, order, batch_size)
        self._end_epoch()
        return loss

    def train_partial(self, X, Y, batch_size: int, max_batches: int) -> float | None:
        """Go on with the current epoch for at most ``max_batches`` steps.

        This is how a page trains a long epoch (MNIST) in slices between
        redraws. The slices of one epoch follow one random order, so an epoch
        trained in slices equals one ``train_epoch`` call. Returns the epoch's
        mean data loss when this call finished the epoch, else None; see
        :attr:`epoch_progress`.
        """
        X = self._inputs(X)
        Y = self._targets(Y, X.shape[0])
        batch_size = _count("batch_size", batch_size, 1, 1_000_000)
        max_batches = _count("max_batches", max_batches, 1, 10**9)
        n = X.shape[0]
        order = self._partial.get("order")
        if order is None or order.shape[0] != n:
            order = permutation(n, self._state)
            self._partial = {"order": order, "pos": 0, "loss": 0.0}
            self._begin_epoch()
        # the scratch of a full batch lives as long as the epoch's slices: made
        # afresh for every slice it cost as much as training a conv batch
        cap = min(batch_size, n)
        scratch = self._partial.get("scratch")
        if scratch is None or scratch[0].shape[2] != cap:
            scratch = self._partial["scratch"] = self._train_scratch(cap)
        start = self._partial["pos"]
        stop = min(n, start + batch_size * max_batches)
        loss = self._train(X, Y, order[start:stop], batch_size, scratch=scratch)
        self._partial["loss"] += loss * (stop - start)
        self._partial["pos"] = stop
        if stop < n:
            return None
        mean = self._partial["loss"] / n
        self._partial = {}
        self._end_epoch()
        return mean

    @property
    def epoch_progress(self) -> float:
        """Share of the current epoch already trained by :meth:`train_partial` (0 to 1)."""
        order = self._partial.get("order")
        return 0.0 if order is None else self._partial["pos"] / order.shape[0]

    def train_batch(self, X, Y) -> float:
        """Exactly one optimizer step on exactly this batch; returns its loss before the step."""
        X = self._inputs(X)
        Y = self._targets(Y, X.shape[0])
        return self._train(X, Y, np.arange(X.shape[0]), X.shape[0], in_epoch=False)

    def loss_and_gradients(
        self, X, Y, *, train: bool = True
    ) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
        """Mean data loss on (X, Y) and the gradient of loss + penalty per layer.

        Nothing is updated. ``train=True`` uses batch statistics and dropout,
        as a training step would; batch-norm running statistics and the random
        stream do advance, exactly as in a training step.
        """
        X = self._inputs(X)
        Y = self._targets(Y, X.shape[0])
        n = X.shape[0]
        bufs = np.empty((sl.N_BUFS, self.n_units, n), dtype=self.dtype)
        total = nw.loss_and_gradient(
            X,
            Y,
            np.arange(n),
            0,
            self._params,
            self._grad,
            self._layout,
            self._conv,
            self._hp,
            self._loss,
            self._run_mean,
            self._run_var,
            bufs,
            nw.conv_scratch(self._conv, n, self.dtype),
            self._state,
            train,
        )
        add_penalty_gradient(
            self._params, self._grad, self._regmask, self._hp[sl.L1], self._hp[sl.L2]
        )
        return float(total) / n, self._split(self._grad, True)

    @property
    def conv_gradients(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The conv part of :attr:`gradients`, shaped as :meth:`get_conv_weights`."""
        return self._split_conv(self._grad)

    @property
    def gradients(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The gradient last computed (by a step or ``loss_and_gradients``), per layer,
        shaped as ``get_weights(pieces=True)``."""
        return self._split(self._grad, True)

    # --------------------------------------------------------- evaluation
    def _evaluate(
        self, X, Y, first_unit: int, start: int = 0, stop: int | None = None
    ) -> tuple[float, np.ndarray]:
        X = self._inputs(X)
        with_loss = Y is not None
        Y = self._targets(Y, X.shape[0]) if with_loss else _read_only(np.zeros((0, 0), self.dtype))
        if start != 0 or stop is not None:  # (rows of C-ordered arrays: still C-ordered)
            X, Y = X[start:stop], Y[start:stop] if with_loss else Y
            if X.shape[0] == 0:
                raise ValueError(f"rows {start}:{stop} are empty")
        out = np.empty((self.n_units - first_unit, X.shape[0]), dtype=self.dtype)
        total = nw.evaluate(
            X,
            Y,
            self._params,
            self._layout,
            self._conv,
            self._hp,
            self._loss,
            self._run_mean,
            self._run_var,
            out,
            first_unit,
            with_loss,
        )
        return float(total) / X.shape[0], out

    def predict(self, X) -> np.ndarray:
        """Network outputs for each row of X, shape (n_points, n_outputs)."""
        return np.ascontiguousarray(self._evaluate(X, None, self.n_units - self.sizes[-1])[1].T)

    def loss(self, X, Y) -> float:
        """Mean data loss on (X, Y) in evaluation mode (no dropout, running BN stats)."""
        return self._evaluate(X, Y, self.n_units - self.sizes[-1])[0]

    def evaluate(self, X, Y, start: int = 0, stop: int | None = None) -> tuple[float, np.ndarray]:
        """``(mean loss, outputs)`` in one pass: what a per-epoch report needs. Of
        rows ``start:stop`` only, when given: a caller that evaluates a large set a
        chunk at a time passes the whole set each time, so that a read-only one
        is checked once (a chunk of its own would be checked again, and push the
        arrays checked before out of the network's memory of them)."""
        loss, out = self._evaluate(X, Y, self.n_units - self.sizes[-1], start, stop)
        return loss, np.ascontiguousarray(out.T)

    def layer_outputs(self, X) -> list[np.ndarray]:
        """Every hidden and output unit's value at each row of X, in one call.

        Returns one float32 ``(units, n_points)`` array per layer, so that
        ``layer_outputs(grid)[l][j]`` is neuron j's map over the grid: this is
        what each frame of the page draws. It runs in float32 whatever the
        network's dtype: twice the SIMD width, and seven significant digits
        are far more than a colour map can show.
        """
        X = self._frame_inputs(X)
        n, first = X.shape[0], int(self._layout[0, sl.U_OUT])
        with np.errstate(over="ignore"):  # a diverged network's huge weights become inf
            f32 = [a.astype(np.float32) for a in (self._params, self._run_mean, self._run_var)]
        if self.n_units * n <= FRAME_MAX_VALUES:
            bufs = self._frame_scratch(n)
            padded = nw.conv_scratch(self._conv, n, np.float32)
            nw.forward_all(
                X, f32[0], self._layout, self._conv, self._hp, f32[1], f32[2], bufs, padded
            )
            out = bufs[sl.A_, first:].copy()
        else:  # too large for one piece: evaluate in chunks
            out = np.empty((self.n_units - first, n), dtype=np.float32)
            nw.evaluate(
                X,
                X[:0],
                f32[0],
                self._layout,
                self._conv,
                self._hp,
                self._loss,
                f32[1],
                f32[2],
                out,
                first,
                False,
            )
        # Each layer's block is N_OUT rows wide; a maxout layer's n outputs are
        # the first n of its 2n rows (the rest is scratch), so keep N_ACT rows.
        blocks = np.split(out, np.cumsum(self._layout[:, sl.N_OUT])[:-1])
        return [block[:n] for block, n in zip(blocks, self.sizes[1:])]

    def feature_maps(self, X) -> dict[str, np.ndarray]:
        """Every conv layer's and pooling's maps for a few images, in one call.

        Returns ``{"conv1": (n, C, H, W), "pool1": (n, C, H/2, W/2), "conv2": ...}``
        in float32, evaluation mode (running batch-norm statistics, no dropout):
        what the page draws for the digit under the pointer. Conv maps are after
        the activation. One forward pass serves every layer.
        """
        if not self.conv:
            return {}
        X = self._frame_inputs(X)
        n = X.shape[0]
        if n > MAX_MAP_IMAGES:
            raise ValueError(f"feature_maps takes at most {MAX_MAP_IMAGES} images, got {n}")
        with np.errstate(over="ignore"):
            f32 = [a.astype(np.float32) for a in (self._params, self._run_mean, self._run_var)]
        bufs = np.empty((sl.N_BUFS, self.n_units, n), dtype=np.float32)
        padded = nw.conv_scratch(self._conv, n, np.float32)
        nw.forward_all(X, f32[0], self._layout, self._conv, self._hp, f32[1], f32[2], bufs, padded)
        maps = {}
        for s, row in enumerate(self._conv, start=1):
            c, h, w = int(row[cv.C_OUT]), int(row[cv.HEIGHT]), int(row[cv.WIDTH])
            blocks = [("conv", int(row[cv.KU_CONV]), h, w)]
            if row[cv.POOL] != cv.NO_POOL:
                blocks.append(("pool", int(row[cv.KU_OUT]), h // 2, w // 2))
            for name, u, hh, ww in blocks:
                block = bufs[sl.A_, u : u + c * hh * ww].reshape(c, hh, ww, n)
                maps[f"{name}{s}"] = np.ascontiguousarray(block.transpose(3, 0, 1, 2))
        return maps

    def _frame_inputs(self, X) -> np.ndarray:
        """X checked and in float32; for a read-only array passed again (the
        page's fixed grid, every frame) the checked copy from last time."""
        cached = getattr(self, "_frame_x", None)
        if cached is not None and cached[0] is X and not X.flags.writeable:
            return cached[1]
        X32 = self._inputs(X).astype(np.float32)
        if isinstance(X, np.ndarray) and not X.flags.writeable:
            self._frame_x = (X, X32)
        return X32

    def _frame_scratch(self, n: int) -> np.ndarray:
        """Scratch for ``layer_outputs``, kept between frames of the same size.

        Reusing it avoids a fresh multi-megabyte allocation, and its page
        faults, on every frame.
        """
        shape = (sl.N_BUFS, self.n_units, n)
        if getattr(self, "_frame_bufs", None) is None or self._frame_bufs.shape != shape:
            self._frame_bufs = np.empty(shape, dtype=np.float32)
        return self._frame_bufs

    def penalty(self) -> float:
        """The regularisation penalty l1 sum|w| + l2/2 sum w^2 over weights."""
        w = self._params[self._regmask != 0].astype(np.float64)
        return float(self._hp[sl.L1] * np.abs(w).sum() + 0.5 * self._hp[sl.L2] * (w @ w))

    # ------------------------------------------------------ weights access
    def _split(self, flat: np.ndarray, pieces: bool) -> list[tuple[np.ndarray, np.ndarray]]:
        out = []
        for row in self._layout:
            w, b, n_in, n_out = row[sl.W_OFF], row[sl.B_OFF], row[sl.N_IN], row[sl.N_OUT]
            rows = n_out if pieces else row[sl.N_ACT]  # piece 1 is rows 0..n_act
            out.append(
                (
                    flat[w : w + n_in * n_out].reshape(n_out, n_in)[:rows].copy(),
                    flat[b : b + rows].copy(),
                )
            )
        return out

    def get_weights(self, pieces: bool = False) -> list[tuple[np.ndarray, np.ndarray]]:
        """Copies of ``(W[n_out, n_in], b[n_out])`` for each layer, input side first.

        One row per unit, one column per input unit: the matrix the diagram's
        edges and the weight editor show. A maxout unit has two linear pieces;
        by default its row is its *first* piece (the edges drawn), so every
        caller that expects ``(units_out, units_in)`` keeps working. With
        ``pieces=True`` a maxout layer's W is ``(2n, n_in)`` and b ``(2n,)``:
        piece 1 of every unit in rows ``0..n``, piece 2 in rows ``n..2n``
        (all its parameters; other layers are the same either way). Saving
        and restoring weights should use ``pieces=True``.
        """
        return self._split(self._params, pieces)

    def _split_conv(self, flat: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        out = []
        for row in self._conv:
            c_in, c_out, k = row[cv.C_IN], row[cv.C_OUT], row[cv.KSIZE]
            w, b = row[cv.KW_OFF], row[cv.KB_OFF]
            out.append(
                (
                    flat[w : w + c_out * c_in * k * k].reshape(c_out, c_in, k, k).copy(),
                    flat[b : b + c_out].copy(),
                )
            )
        return out

    def get_conv_weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Copies of ``(K[C_out, C_in, k, k], b[C_out])`` per conv layer (torch's layout)."""
        return self._split_conv(self._params)

    def set_conv_weights(self, weights: Sequence[tuple[np.ndarray, np.ndarray]]) -> None:
        """Replace every conv layer's kernels and biases (shapes as ``get_conv_weights``)."""
        if len(weights) != len(self._conv):
            raise ValueError(f"expected {len(self._conv)} conv layers, got {len(weights)}")
        new = self._params.copy()
        for s, ((K, b), row) in enumerate(zip(weights, self._conv)):
            K, b = np.asarray(K, dtype=np.float64), np.asarray(b, dtype=np.float64)
            shape = (int(row[cv.C_OUT]), int(row[cv.C_IN]), int(row[cv.KSIZE]), int(row[cv.KSIZE]))
            if K.shape != shape or b.shape != shape[:1]:
                raise ValueError(
                    f"conv layer {s}: expected K {shape} and b {shape[:1]}, "
                    f"got {K.shape} and {b.shape}"
                )
            if not (np.isfinite(K).all() and np.isfinite(b).all()):
                raise ValueError(f"conv layer {s}: weights contain NaN or infinite values")
            new[row[cv.KW_OFF] : row[cv.KW_OFF] + K.size] = K.ravel()
            new[row[cv.KB_OFF] : row[cv.KB_OFF] + b.size] = b
        self._params[:] = new

    def set_weights(self, weights: Sequence[tuple[np.ndarray, np.ndarray]]) -> None:
        """Replace every layer's weights and biases.

        Shapes as ``get_weights``: for a maxout layer either both pieces
        (``pieces=True`` shapes) or the first piece only, which then leaves
        the second piece as it is.
        """
        if len(weights) != len(self._layout):
            raise ValueError(f"expected {len(self._layout)} layers, got {len(weights)}")
        new = self._params.copy()
        for l, ((W, b), row) in enumerate(zip(weights, self._layout)):
            W, b = np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)
            n_in, n_out, n_act = row[sl.N_IN], row[sl.N_OUT], row[sl.N_ACT]
            if not any(W.shape == (r, n_in) and b.shape == (r,) for r in {n_out, n_act}):
                raise ValueError(
                    f"layer {l}: expected W {(n_out, n_in)} and b {(n_out,)}, "
                    f"got {W.shape} and {b.shape}"
                )
            if not (np.isfinite(W).all() and np.isfinite(b).all()):
                raise ValueError(f"layer {l}: weights contain NaN or infinite values")
            new[row[sl.W_OFF] : row[sl.W_OFF] + W.size] = W.ravel()
            new[row[sl.B_OFF] : row[sl.B_OFF] + b.size] = b
        self._params[:] = new

    def set_weight(self, layer: int, out_unit: int, in_unit: int, value: float) -> None:
        """Set one edge's weight (the page lets a user type a new one).

        ``out_unit`` indexes the rows of ``get_weights(pieces=True)``: for a
        maxout layer of n units, j < n is unit j's first piece (the edge the
        diagram draws) and n + j its second piece.
        """
        row = self._layout[_count("layer", layer, 0, len(self._layout) - 1)]
        j = _count("out_unit", out_unit, 0, int(row[sl.N_OUT]) - 1)
        k = _count("in_unit", in_unit, 0, int(row[sl.N_IN]) - 1)
        self._params[row[sl.W_OFF] + j * row[sl.N_IN] + k] = _number("weight", value, -1e6, 1e6)

    def set_bias(self, layer: int, unit: int, value: float) -> None:
        """Set one neuron's bias (for maxout, indexed as in :meth:`set_weight`)."""
        row = self._layout[_count("layer", layer, 0, len(self._layout) - 1)]
        j = _count("unit", unit, 0, int(row[sl.N_OUT]) - 1)
        self._params[row[sl.B_OFF] + j] = _number("bias", value, -1e6, 1e6)

    def is_finite(self) -> bool:
        """False once any parameter has become NaN or infinite (divergence)."""
        return bool(np.isfinite(self._params).all())

    def outputs_digest(self) -> int:
        """A checksum of everything the outputs depend on (weights, running
        batch-norm statistics, settings, layer tables): equal digests mean
        :meth:`predict` would give the same outputs for the same inputs, so a
        caller may keep outputs it has and skip a pass (a conv net's pass over
        MNIST's test set takes about 0.3 s)."""
        digest = 0
        for a in (self._params, self._run_mean, self._run_var, self._hp, self._layout, self._conv):
            digest = zlib.crc32(a, digest)
        return digest

    # ------------------------------------------------------------- state
    def state_dict(self) -> dict[str, np.ndarray | int]:
        """Everything that changes while training, to save and restore a run."""
        return {
            "params": self._params.copy(),
            "m": self._m.copy(),
            "v": self._v.copy(),
            "steps": self.steps,
            "epoch": self.epoch,
            "run_mean": self._run_mean.copy(),
            "run_var": self._run_var.copy(),
            "rng": int(self._state[0]),
        }

    def load_state_dict(self, state: dict) -> None:
        """Restore what :meth:`state_dict` returned (for the same architecture)."""
        for key, arr in (
            ("params", self._params),
            ("m", self._m),
            ("v", self._v),
            ("run_mean", self._run_mean),
            ("run_var", self._run_var),
        ):
            value = np.asarray(state[key], dtype=self.dtype)
            if value.shape != arr.shape:
                raise ValueError(f"{key}: expected shape {arr.shape}, got {value.shape}")
            if not np.isfinite(value).all():
                raise ValueError(f"{key}: contains NaN or infinite values")
            arr[:] = value
        self._counters[0] = _count("steps", int(state["steps"]), 0, 2**62)
        self.epoch = _count("epoch", int(state["epoch"]), 0, 2**62)
        self._state[0] = np.uint64(int(state["rng"]) & 0xFFFFFFFFFFFFFFFF)
