"""What each output activation means, one row per activation.

The output layer's activation decides several things at once: which losses it can
be trained with (and the one that goes with it), where the decision between two
classes lies, and how its value is drawn on the playground's ±1 colour scale
(orange −1, blue +1). These facts used to be typed in six places (the losses, the
plan, the metrics, the page and the exporter); a sigmoid drawn as ``2p - 1`` in one
and thresholded at 0.5 in another could silently disagree. Here each is written
once; everything else reads it, and adding an output activation is one row.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from .activations import LINEAR, SIGMOID, SOFTMAX, TANH


@dataclass(frozen=True)
class OutputFacts:
    """One output activation's facts.

    ``column`` is the output whose value grows with the belief in class +1 (or
    with the predicted value); ``gain * column + offset`` puts that value on the
    colour scale, class −1 at −1 and class +1 at +1.
    """

    code: int  # the activation kernel's code
    loss: str  # the loss that goes with it when only the output is chosen
    losses: tuple[str, ...]  # every loss it may be trained with
    column: int = 0
    gain: float = 1.0
    offset: float = 0.0
    by_argmax: bool = False  # one output per class: the largest one wins
    against: int = -1  # if >= 0, ``column`` minus this column is the value drawn
    probabilities: bool = True  # (by_argmax) the outputs are class probabilities

    @property
    def threshold(self) -> float:
        """The value of ``column`` at which two classes meet (0 on the colour scale)."""
        return -self.offset / self.gain

    def margin(self, outputs: np.ndarray) -> np.ndarray:
        """The value that grows with the belief in class +1, from ``(units, ...)``
        outputs: ``column``, or for raw class scores ``column`` minus ``against``."""
        values = outputs[self.column]
        return values if self.against < 0 else values - outputs[self.against]

    def to_scale(self, outputs: np.ndarray) -> np.ndarray:
        """The output layer's ``(units, ...)`` values on the ±1 colour scale."""
        values = self.margin(outputs)
        if self.gain == 1.0 and self.offset == 0.0:
            return values
        return self.gain * values + self.offset

    def class_probabilities(self, outputs: np.ndarray) -> np.ndarray:
        """``(classes, ...)`` outputs of a one-unit-per-class layer as probabilities
        (how sure the network is, for drawing): the softmax of raw class scores."""
        if self.probabilities:
            return outputs
        shifted = np.exp(outputs - outputs.max(axis=0, keepdims=True))
        return shifted / shifted.sum(axis=0, keepdims=True)

    def classes(self, outputs: np.ndarray) -> np.ndarray:
        """Class index per row of ``(rows, units)`` network outputs (int64)."""
        if self.by_argmax:
            return outputs.argmax(axis=1).astype(np.int64)
        return (outputs[:, self.column] >= self.threshold).astype(np.int64)


#: Losses that compare any real value with its target (the regression losses).
_REAL = ("square", "huber", "mae")

#: Every output activation, by name (the order is the one error messages list).
OUTPUT_FACTS: MappingProxyType[str, OutputFacts] = MappingProxyType(
    {
        # The TF Playground's output: its sign is the class.
        "tanh": OutputFacts(TANH, "square", _REAL),
        # A probability of class +1, decided at 0.5 and drawn as 2p - 1.
        "sigmoid": OutputFacts(SIGMOID, "bce", (*_REAL, "bce"), gain=2.0, offset=-1.0),
        "linear": OutputFacts(LINEAR, "square", _REAL),
        # One probability per class; for two classes, column 1 is P(+1).
        "softmax": OutputFacts(
            SOFTMAX, "softmax_ce", ("softmax_ce",), column=1, gain=2.0, offset=-1.0, by_argmax=True
        ),
        # Raw (linear) class scores, one per class, for the multi-class SVM (hinge)
        # loss; the largest score wins. For two classes s(+1) - s(-1) is drawn: the
        # hinge margin of 1 puts a confidently classified point at ±1 on the scale.
        "scores": OutputFacts(
            LINEAR, "hinge", ("hinge",), column=1, against=0, by_argmax=True, probabilities=False
        ),
    }
)
#: Activations the output layer may use, by name -> kernel code.
OUTPUT_ACTIVATIONS: dict[str, int] = {name: f.code for name, f in OUTPUT_FACTS.items()}
