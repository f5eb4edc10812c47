"""Losses, each returning the batch loss and dLoss/dZ of the output layer.

The output activation and the loss are handled together: for sigmoid +
binary cross-entropy and softmax + cross-entropy the gradient with respect to
the pre-activation is simply ``prediction - target``, computed from the logits
so that it stays exact when the prediction saturates at 0 or 1. The other
pairs go through the chain rule with the activation's derivative.

The multi-class hinge (SVM) loss of lecture deck 004 reads the output layer as
raw class scores s (a linear output, one unit per class) and the target as
one-hot: per example it is sum over the wrong classes j of max(0, s_j - s_y + 1).
Each violated margin adds 1 to dL/ds_j and takes 1 from dL/ds_y. Mean absolute
error |a - y| has the derivative sign(a - y), taken as 0 exactly at the kink.
"""

from __future__ import annotations

import math

from ._jit import kernel
from .activations import backprop_activation, column_max
from .outputs import OUTPUT_FACTS

SQUARE, BCE, SOFTMAX_CE, HUBER, HINGE, MAE = range(6)

#: Losses by name. ``square`` is the TensorFlow Playground's ½(a - y)²; ``hinge``
#: the multi-class SVM loss; ``mae`` the mean absolute error |a - y|.
LOSSES: dict[str, int] = {
    "square": SQUARE,
    "bce": BCE,
    "softmax_ce": SOFTMAX_CE,
    "huber": HUBER,
    "hinge": HINGE,
    "mae": MAE,
}
#: Which output activations each loss accepts (read off the outputs' table).
LOSS_OUTPUTS: dict[str, tuple[str, ...]] = {
    loss: tuple(name for name, facts in OUTPUT_FACTS.items() if loss in facts.losses)
    for loss in LOSSES
}


@kernel
def loss_and_delta(loss, out_code, Z, A, Y, G, scale, delta):
    """Return the summed loss over the batch; write ``scale`` * dLoss/dZ into G.

    Z, A, Y, G are ``(outputs, batch)``. ``delta`` is the Huber threshold.
    ``scale`` is 1/batch so that gradients are those of the batch mean.
    """
    n, b = Z.shape
    total = 0.0
    if loss == SOFTMAX_CE:
        for i in range(b):
            m = column_max(Z, i)
            s = 0.0
            for j in range(n):
                s += math.exp(Z[j, i] - m)
            lse = m + math.log(s)
            ysum = 0.0
            for j in range(n):
                total += Y[j, i] * (lse - Z[j, i])
                ysum += Y[j, i]
            for j in range(n):
                G[j, i] = scale * (A[j, i] * ysum - Y[j, i])
        return total
    if loss == BCE:
        for j in range(n):
            for i in range(b):
                z = Z[j, i]
                y = Y[j, i]
                # log(1 + e^z) - y z, written so that it never overflows.
                total += max(z, 0.0) - y * z + math.log1p(math.exp(-abs(z)))
                G[j, i] = scale * (A[j, i] - y)
        return total
    if loss == HINGE:
        # The output is linear (OUTPUT_FACTS), so dLoss/dZ is dLoss/dA.
        for i in range(b):
            y = 0
            for j in range(1, n):  # the true class: the one-hot target's 1
                if Y[j, i] > Y[y, i]:
                    y = j
            violated = 0
            for j in range(n):
                G[j, i] = 0.0
                if j != y:
                    margin = Z[j, i] - Z[y, i] + 1.0
                    if margin > 0.0:
                        total += margin
                        G[j, i] = scale
                        violated += 1
            G[y, i] = -scale * violated
        return total
    for j in range(n):
        for i in range(b):
            r = A[j, i] - Y[j, i]
            if loss == MAE:
                total += abs(r)
                G[j, i] = scale * (1.0 if r > 0.0 else (-1.0 if r < 0.0 else 0.0))
            elif loss == HUBER:
                if abs(r) <= delta:
                    total += 0.5 * r * r
                    G[j, i] = scale * r
                else:
                    total += delta * (abs(r) - 0.5 * delta)
                    G[j, i] = scale * (delta if r > 0.0 else -delta)
            else:  # SQUARE
                total += 0.5 * r * r
                G[j, i] = scale * r
    backprop_activation(out_code, Z, A, G)
    return total
