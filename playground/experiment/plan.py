"""Turn a :class:`Config` into the concrete network a session builds.

The config may say ``auto`` (output, loss, problem) or combine knobs that do not fit
together (a softmax output for a regression set, binary cross-entropy for five
classes). :func:`make_plan` settles all of that in one place: the problem kind, the
output activation and loss that go together, each layer's activation, the input and
output sizes and the float type. What it had to change is listed in ``notes`` so the
page can say so; ``strict=True`` (the CLI) raises instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from playground.data import DATASETS
from playground.data import datasets as _ds
from playground.data import mnist as _mnist
from playground.engine import LOSS_OUTPUTS, OUTPUT_FACTS, OutputFacts
from playground.experiment.config import AUTO, Config
from playground.experiment.knobs import MNIST

#: The loss that goes with an output activation when only the output is chosen.
LOSS_FOR_OUTPUT = MappingProxyType({name: facts.loss for name, facts in OUTPUT_FACTS.items()})
#: Output activation chosen by ``auto`` for each kind of problem: the TF
#: Playground's tanh for two classes, softmax for several, linear for regression.
AUTO_OUTPUT = MappingProxyType({"binary": "tanh", "multiclass": "softmax", "regression": "linear"})
#: ... and the loss that goes with it (tanh + square, softmax + cross-entropy,
#: linear + square).
AUTO_OUTPUT_LOSS = MappingProxyType(
    {kind: (output, LOSS_FOR_OUTPUT[output]) for kind, output in AUTO_OUTPUT.items()}
)


@dataclass(frozen=True)
class Plan:
    """The concrete choices behind a config."""

    kind: str  # "binary", "multiclass" or "regression"
    n_classes: int  # 2, k, 10 (MNIST) or 0 (regression)
    n_inputs: int
    n_outputs: int
    hidden: tuple[int, ...]
    activations: tuple[str, ...]  # one per hidden layer
    output: str
    loss: str
    dtype: str
    notes: tuple[str, ...] = ()
    conv: tuple[int, ...] = ()  # filters per conv layer (MNIST only)
    kernel: int = 5
    pool: str = "max"
    conv_activation: str = "relu"
    input_shape: tuple[int, ...] | None = None  # (channels, height, width) of an image
    augment: tuple[str, ...] = ()  # augmentations of the training images (MNIST only)

    def network_kwargs(self) -> dict:
        """The engine's conv front-end arguments (none for a dense network)."""
        if not self.conv:
            return {}
        return dict(
            conv=self.conv,
            kernel=self.kernel,
            pool=self.pool,
            conv_activation=self.conv_activation,
            input_shape=self.input_shape,
        )

    @property
    def output_facts(self) -> OutputFacts:
        """What the output activation means: its threshold, its colour scale."""
        return OUTPUT_FACTS[self.output]

    @property
    def is_classification(self) -> bool:
        return self.kind != "regression"

    @property
    def sizes(self) -> tuple[int, ...]:
        """Units per layer, input to output (the engine's ``MLP.sizes``)."""
        return (self.n_inputs, *self.hidden, self.n_outputs)


def _kind(config: Config, notes: list[tuple[str, str]]) -> tuple[str, int]:
    if config.dataset == MNIST:
        if config.problem == "regression":
            notes.append(("MNIST is a classification problem", "classification"))
        return "multiclass", _mnist.N_DIGITS
    kind = DATASETS[config.dataset].kind
    if kind == "regression":
        if config.problem == "classification":
            notes.append(
                (
                    f"{config.dataset} has real-valued labels, so it is a regression problem",
                    "regression",
                )
            )
        return "regression", 0
    if config.problem == "regression":
        return "regression", 0
    return kind, (2 if kind == "binary" else config.n_classes)


def _output_and_loss(config: Config, kind: str, notes: list[tuple[str, str]]) -> tuple[str, str]:
    fitting = _ds.OUTPUTS[kind]  # outputs whose targets the labels can be turned into
    auto_output, auto_loss = AUTO_OUTPUT_LOSS[kind]
    output, loss = config.output, config.loss
    if output != AUTO and output not in fitting:
        notes.append(
            (
                f"output {output!r} does not fit {kind} data (use {' or '.join(fitting)})",
                f"output {auto_output!r}",
            )
        )
        output = AUTO
    if loss != AUTO:
        usable = [o for o in LOSS_OUTPUTS[loss] if o in fitting]
        if not usable:
            notes.append((f"loss {loss!r} does not fit {kind} data", f"loss {auto_loss!r}"))
            loss = AUTO
        elif output == AUTO:
            output = auto_output if auto_output in usable else usable[0]
        elif output not in LOSS_OUTPUTS[loss]:
            notes.append(
                (
                    f"loss {loss!r} needs output {' or '.join(map(repr, LOSS_OUTPUTS[loss]))}, "
                    f"not {output!r}",
                    f"loss {LOSS_FOR_OUTPUT[output]!r}",
                )
            )
            loss = AUTO
    if output == AUTO:
        output = auto_output
    if loss == AUTO:
        loss = auto_loss if output == auto_output else LOSS_FOR_OUTPUT[output]
    class_numbers = config.dataset in DATASETS and DATASETS[config.dataset].kind == "multiclass"
    if kind == "regression" and output == "tanh" and class_numbers:
        notes.append(("a tanh output cannot reach class numbers above 1", "output 'linear'"))
        output = "linear"
    return output, loss


def make_plan(config: Config, *, strict: bool = False) -> Plan:
    """Resolve ``config``'s automatic and conflicting choices.

    With ``strict=True`` the first conflict raises ValueError (explicit CLI flags
    must not be silently changed); otherwise it is fixed and noted.
    """
    notes: list[tuple[str, str]] = []  # (what does not fit, what is used instead)
    kind, n_classes = _kind(config, notes)
    output, loss = _output_and_loss(config, kind, notes)
    conv: tuple[int, ...] = tuple(config.conv)
    augment: tuple[str, ...] = tuple(config.augment)
    input_shape = None
    if config.dataset == MNIST:
        n_inputs, dtype = _mnist.N_PIXELS, "float32"
        input_shape = (1, _mnist.SIDE, _mnist.SIDE)
    else:
        n_inputs, dtype = len(config.features), "float64"
        if conv:
            notes.append(("convolution layers need images (MNIST)", "dense layers only"))
            conv = ()
        if augment:
            notes.append(("augmentation changes images (MNIST)", "the points as they are"))
            augment = ()
    if strict and notes:
        raise ValueError(notes[0][0])
    return Plan(
        kind=kind,
        n_classes=n_classes,
        n_inputs=n_inputs,
        n_outputs=n_classes if OUTPUT_FACTS[output].by_argmax else 1,
        hidden=tuple(config.hidden),
        activations=config.layer_activations(),
        output=output,
        loss=loss,
        dtype=dtype,
        notes=tuple(f"{problem}; using {fix}." for problem, fix in notes),
        conv=conv,
        kernel=config.kernel,
        pool=config.pool,
        conv_activation=config.activation,
        input_shape=input_shape if conv else None,
        augment=augment,
    )
