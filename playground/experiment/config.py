"""Every knob of an experiment, declared once.

:class:`Config` is the single declaration: each Parameter carries its type, bounds,
default and a one-sentence ``doc`` a tooltip can show. The page's widgets, the URL
query, the JSON file, the CLI flags and the validation of bad input are all derived
from it, so a bound or a default is never written a second time. Limits come from the
engine's and the data layer's own constants wherever they exist.

What a change of each knob does, and the defaults that differ per data set, are
two small tables in :mod:`playground.experiment.knobs`.
"""

from __future__ import annotations

from typing import Any

import param

from playground.data import DATASETS, FEATURES, N_SAMPLES_MAX
from playground.data import augment as _augment
from playground.data import datasets as _ds
from playground.data import mnist as _mnist
from playground.data import scaling as _scaling
from playground.engine import (
    HIDDEN_ACTIVATIONS,
    INITS,
    KERNEL_SIZES,
    LOSSES,
    MAX_CONV_LAYERS,
    MAX_DECAY_EVERY,
    MAX_DROPOUT,
    MAX_FILTERS,
    MAX_HIDDEN_LAYERS,
    MAX_LEARNING_RATE,
    MAX_REG_RATE,
    MAX_UNITS,
    MLP,
    OPTIMIZERS,
    OUTPUT_ACTIVATIONS,
    POOLS,
    REGULARIZATIONS,
    SCHEDULES,
)
from playground.experiment.knobs import MNIST, context_defaults
from playground.experiment.params import ChoiceList, IntList

AUTO = "auto"
PROBLEMS = (AUTO, "classification", "regression")


def _percent(fraction: float) -> int:
    return int(round(fraction * 100))


#: The step of the sliders for the optimizers' running-mean rates (momentum, β1, β2,
#: ρ): fine enough for β2's 0.999, and their defaults and usual values, to be on it.
DECAY_RATE_STEP = 0.001


def _hyper(name: str) -> tuple[float, float]:
    """Bounds of one of the engine's live float hyper-parameters (``MLP.momentum`` ...)."""
    descriptor = getattr(MLP, name)
    return (descriptor.lo, descriptor.hi)


class Config(param.Parameterized):
    """The complete, validated description of one experiment (no state, no data).

    Defaults reproduce the TensorFlow Playground's start: circle, 4-2 tanh, learning
    rate 0.03, batch 10, half the points for training. Choosing ``dataset='mnist'``
    moves the knobs you have not changed to MNIST's defaults (see
    :data:`DATASET_DEFAULTS`); knobs you did change keep your value.
    """

    # --- data ------------------------------------------------------------------
    dataset = param.Selector(
        default="circle",
        objects=[*DATASETS, MNIST],
        doc="Which data set to learn: a 2-D toy set or the MNIST handwritten digits.",
    )
    problem = param.Selector(
        default=AUTO,
        objects=list(PROBLEMS),
        label="Problem type",
        doc="Classify the points or regress their label; 'auto' follows the data set.",
    )
    noise = param.Integer(
        default=0,
        bounds=(0, _percent(_ds.NOISE_MAX)),
        doc="How much noise is added to the toy data, in percent.",
    )
    train_ratio = param.Integer(
        default=50,
        bounds=(_percent(_ds.TRAIN_RATIO_MIN), _percent(_ds.TRAIN_RATIO_MAX)),
        label="Ratio of training to test data",
        doc="Percentage of the points used for training; the rest measure generalisation.",
    )
    validation_ratio = param.Integer(
        default=0,
        bounds=(0, 50),
        label="Validation share",
        doc="Percentage of the training points held out for validation: never trained on.",
    )  # They guide choices (early stopping, a search), so the test set stays a fair final check.
    n_samples = param.Integer(
        default=500,
        bounds=(10, N_SAMPLES_MAX),
        label="Number of points",
        doc="How many points the toy data set has in total.",
    )
    n_classes = param.Integer(
        default=3,
        bounds=(_ds.N_CLASSES_MIN, _ds.N_CLASSES_MAX),
        label="Classes",
        doc="How many classes the multi-class toy sets (spiral arms, blobs) have.",
    )
    balance = param.Number(
        default=0.5,
        bounds=(_ds.BALANCE_MIN, _ds.BALANCE_MAX),
        step=0.05,
        label="Share of class +1",
        doc="Share of the points in class +1 (blue) for the two-class sets; 0.5 is balanced.",
    )
    outliers = param.Number(
        default=0.0,
        bounds=(0.0, _ds.OUTLIERS_MAX),
        step=0.05,
        label="Outliers",
        doc="Share of the training points of a regression set whose target is a wild value.",
    )
    mnist_train = param.Integer(
        default=_mnist.N_TRAIN,
        bounds=(1, _mnist.N_TRAIN),
        label="MNIST training images",
        doc="How many of the 60 000 MNIST training images to use (fewer is faster).",
    )
    mnist_test = param.Integer(
        default=_mnist.N_TEST,
        bounds=(1, _mnist.N_TEST),
        label="MNIST test images",
        doc="How many of the 10 000 MNIST test images to evaluate on.",
    )
    seed = param.Integer(
        default=0,
        bounds=(0, 2**32 - 1),
        doc="Random seed that fixes the data, the initial weights, the batch order and dropout.",
    )
    augment = ChoiceList(
        default=[],
        objects=list(_augment.AUGMENTATIONS),
        unique=True,
        label="Augmentation",
        doc=f"Train on altered copies of the images (MNIST): shift ≤{_augment.SHIFT_PX} px, "
        f"rotate ≤±{_augment.ROTATE_DEG}°, noise σ {_augment.NOISE_SIGMA:g}.",
    )
    # --- input features --------------------------------------------------------
    features = ChoiceList(
        default=["x1", "x2"],
        objects=list(FEATURES),
        min_length=1,
        unique=True,
        doc="Which properties of a point the network sees as inputs (2-D toy sets only).",
    )
    standardize = param.Selector(
        default="none",
        objects=list(_scaling.STANDARDIZE),
        label="Standardize inputs",
        doc="Subtract the training mean, divide by its deviation: "
        "per pixel/feature or one for all.",
    )
    # --- network ---------------------------------------------------------------
    conv = IntList(
        default=[],
        bounds=(0, MAX_CONV_LAYERS),
        item_bounds=(1, MAX_FILTERS),
        label="Conv layers",
        doc="Filters in each convolution layer before the dense ones (MNIST only); "
        "empty = a dense network.",
    )
    kernel = param.Selector(
        default=5,
        objects=list(KERNEL_SIZES),
        label="Kernel size",
        doc="Width and height of each convolution filter, in pixels.",
    )
    pool = param.Selector(
        default="max",
        objects=list(POOLS),
        label="Pooling",
        doc="2x2 pooling after each convolution layer: max, average or none.",
    )
    hidden = IntList(
        default=[4, 2],
        bounds=(0, MAX_HIDDEN_LAYERS),
        item_bounds=(1, MAX_UNITS),
        label="Hidden layers",
        doc="Number of neurons in each hidden layer; an empty list is a linear model.",
    )
    activation = param.Selector(
        default="tanh",
        objects=list(HIDDEN_ACTIVATIONS),
        doc="Non-linearity of every hidden neuron (maxout: the larger of two linear pieces).",
    )
    activations = ChoiceList(
        default=[],
        objects=list(HIDDEN_ACTIVATIONS),
        max_length=MAX_HIDDEN_LAYERS,
        label="Per-layer activations",
        doc="Optional activation per hidden layer; layers without an entry use 'activation'.",
    )
    output = param.Selector(
        default=AUTO,
        objects=[AUTO, *OUTPUT_ACTIVATIONS],
        label="Output activation",
        doc="Activation of the output layer; 'auto' picks the one that fits the problem.",
    )
    loss = param.Selector(
        default=AUTO,
        objects=[AUTO, *LOSSES],
        doc="What training minimises; 'auto' picks the loss that goes with the output.",
    )
    init = param.Selector(
        default="tfp",
        objects=list(INITS),
        label="Initialization",
        doc="How the weights start: TF Playground's uniform, zero, Xavier or He.",
    )
    batch_norm = param.Boolean(
        default=False,
        label="Batch normalization",
        doc="Normalise each hidden layer's inputs over the batch before the activation.",
    )
    # --- training --------------------------------------------------------------
    learning_rate = param.Number(
        default=0.03,
        bounds=(0.0, MAX_LEARNING_RATE),
        doc="Step size of each weight update.",
    )
    batch_size = param.Integer(
        default=10,
        bounds=(1, N_SAMPLES_MAX),
        doc="How many training points each weight update averages over.",
    )
    schedule = param.Selector(
        default="constant",
        objects=list(SCHEDULES),
        label="Learning-rate schedule",
        doc="How the learning rate decays with the epoch: constant, step, exponential or 1/t.",
    )
    decay = param.Number(
        default=0.5,
        bounds=(0.0, 1.0),
        step=0.01,
        label="Decay factor",
        doc="Factor the learning rate is multiplied by every 'decay_every' epochs (1/t: k).",
    )
    decay_every = param.Integer(
        default=100,
        bounds=(1, MAX_DECAY_EVERY),
        label="Decay every",
        doc="Number of epochs over which the schedule applies one decay factor.",
    )
    # --- regularization --------------------------------------------------------
    regularization = param.Selector(
        default="none",
        objects=list(REGULARIZATIONS),
        doc="Penalty on large weights: none, L1 (sparse), L2 (weight decay) or both.",
    )
    reg_rate = param.Number(
        default=0.0,
        bounds=(0.0, MAX_REG_RATE),
        label="Regularization rate",
        doc="Strength of the weight penalty.",
    )
    dropout = param.Number(
        default=0.0,
        bounds=(0.0, MAX_DROPOUT),
        step=0.05,
        label="Dropout rate",
        doc="Probability that a hidden neuron is switched off in a training step.",
    )
    # --- optimizer -------------------------------------------------------------
    optimizer = param.Selector(
        default="sgd",
        objects=list(OPTIMIZERS),
        doc="Update rule: plain SGD, momentum, Nesterov, Adagrad, RMSProp, Adam or NAdam.",
    )
    momentum = param.Number(
        default=0.9,
        bounds=_hyper("momentum"),
        step=DECAY_RATE_STEP,
        doc="Share of the previous update kept by the momentum and Nesterov optimizers.",
    )
    beta1 = param.Number(
        default=0.9,
        bounds=_hyper("beta1"),
        step=DECAY_RATE_STEP,
        doc="Decay of Adam's and NAdam's running mean of the gradient.",
    )
    beta2 = param.Number(
        default=0.999,
        bounds=_hyper("beta2"),
        step=DECAY_RATE_STEP,
        doc="Decay of Adam's and NAdam's running mean of the squared gradient.",
    )
    rho = param.Number(
        default=0.9,
        bounds=_hyper("rho"),
        step=DECAY_RATE_STEP,
        doc="Decay of RMSProp's running mean of the squared gradient.",
    )
    eps = param.Number(
        default=1e-8,
        bounds=_hyper("eps"),
        label="Epsilon",
        doc="Small number added to the denominator of the adaptive optimizers.",
    )
    clip_norm = param.Number(
        default=0.0,
        bounds=_hyper("clip_norm"),
        label="Gradient clipping",
        doc="Largest allowed length of the gradient per step; 0 turns clipping off.",
    )

    def __init__(self, **params: Any):
        # Knobs not given explicitly start at the chosen data set's defaults (and a
        # conv net's, see CONV_DEFAULTS).
        dataset = params.get("dataset", type(self).param["dataset"].default)
        for name, value in context_defaults(dataset, params.get("conv")).items():
            params.setdefault(name, _copy(value))
        super().__init__(**params)
        self.param.watch(self._context_changed, ["dataset", "conv"], precedence=0)

    def _context_changed(self, *events: param.parameterized.Event) -> None:
        """Move the knobs still at the old data set's (or conv net's) defaults to
        the new one's."""
        was = {"dataset": self.dataset, "conv": self.conv}
        was.update({e.name: e.old for e in events})
        old = defaults_for(was["dataset"], was["conv"])
        new = defaults_for(self.dataset, self.conv)
        moved = {
            name: _copy(new[name])
            for name in set(context_defaults(was["dataset"], was["conv"]))
            | set(context_defaults(self.dataset, self.conv))
            if getattr(self, name) == old[name] and old[name] != new[name]
        }
        if moved:
            self.param.update(**moved)

    # ------------------------------------------------------------ derived views
    def values(self) -> dict[str, Any]:
        """Every knob's current value (lists copied), in declaration order."""
        return {name: _copy(getattr(self, name)) for name in KNOBS}

    def copy(self) -> Config:
        """An independent Config with the same values."""
        return type(self)(**self.values())

    def layer_activations(self) -> tuple[str, ...]:
        """The activation of each hidden layer: ``activations[i]`` where given, else
        ``activation``. Extra entries beyond the layer count are ignored, so the list
        stays valid while the user adds and removes layers."""
        per_layer = list(self.activations)
        return tuple(
            per_layer[i] if i < len(per_layer) else self.activation for i in range(len(self.hidden))
        )

    def changed(self) -> dict[str, Any]:
        """The knobs whose value differs from the defaults of the chosen data set."""
        defaults = defaults_for(self.dataset, self.conv)
        base = type(self).param["dataset"].default
        return {
            name: value
            for name, value in self.values().items()
            if value != (base if name == "dataset" else defaults[name])
        }

    # -------------------------------------------------- serialization (forgiving)
    def to_query(self) -> str:
        """URL query string of the knobs that differ from their default."""
        from playground.experiment.serialize import config_to_query

        return config_to_query(self)

    @classmethod
    def from_query(cls, query: str) -> tuple[Config, list[str]]:
        """Parse a URL query; never raises. Returns the config and warnings."""
        from playground.experiment.serialize import config_from_query

        return config_from_query(query)

    def to_json(self) -> str:
        """Every knob as one JSON object."""
        from playground.experiment.serialize import config_to_json

        return config_to_json(self)

    @classmethod
    def from_json(cls, text: str | bytes) -> tuple[Config, list[str]]:
        """Parse what :meth:`to_json` wrote (or a hand-edited file); never raises."""
        from playground.experiment.serialize import config_from_json

        return config_from_json(text)


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


#: The knobs, in declaration order (the order of the URL query and the CLI help).
KNOBS: tuple[str, ...] = tuple(name for name in Config.param if name != "name")


def defaults_for(dataset: str, conv=()) -> dict[str, Any]:
    """Every knob's default when ``dataset`` (and conv layers ``conv``) are chosen:
    the class default, overridden by :data:`DATASET_DEFAULTS` and, for a conv net,
    :data:`CONV_DEFAULTS`."""
    values = {name: _copy(Config.param[name].default) for name in KNOBS}
    values["dataset"] = dataset
    values.update({k: _copy(v) for k, v in context_defaults(dataset, conv).items()})
    return values
