"""Optimizers and learning-rate schedules.

Every trainable number (weights, biases, batch-norm scale and shift) lives in
one flat vector, so an optimizer is one loop over that vector with its state
vectors ``m`` and ``v`` beside it. The update rules follow PyTorch's
definitions (so the engine can be checked against it step by step), except
NAdam, which follows Dozat (2016) as Keras did: PyTorch's variant adds a
momentum-decay schedule the lectures do not teach.

==========  ===============================================================
sgd         w -= lr g
momentum    m = mu m + g;  w -= lr m
nesterov    m = mu m + g;  w -= lr (g + mu m)
adagrad     v += g^2;  w -= lr g / (sqrt(v) + eps)
rmsprop     v = rho v + (1 - rho) g^2;  w -= lr g / (sqrt(v) + eps)
adam        m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
            w -= lr m^ / (sqrt(v^) + eps),  m^ = m/(1-b1^t), v^ = v/(1-b2^t)
nadam       as adam with m^ = b1 m/(1-b1^(t+1)) + (1-b1) g/(1-b1^t)
==========  ===============================================================
"""

from __future__ import annotations

import math

from ._jit import kernel

SGD, MOMENTUM, NESTEROV, ADAGRAD, RMSPROP, ADAM, NADAM = range(7)

OPTIMIZERS: dict[str, int] = {
    "sgd": SGD,
    "momentum": MOMENTUM,
    "nesterov": NESTEROV,
    "adagrad": ADAGRAD,
    "rmsprop": RMSPROP,
    "adam": ADAM,
    "nadam": NADAM,
}

#: Learning-rate schedules, as functions of the epoch number.
SCHEDULES = ("constant", "step", "exponential", "inverse_time")


def scheduled_rate(kind: str, base: float, epoch: int, decay: float, every: int) -> float:
    """The learning rate for ``epoch`` (0-based) under a schedule.

    * constant: ``base``
    * step: ``base * decay ** (epoch // every)`` (drops by ``decay`` every ``every`` epochs)
    * exponential: ``base * decay ** (epoch / every)`` (the same drop, spread smoothly)
    * inverse_time: ``base / (1 + decay * epoch / every)`` (the classic 1/t decay)
    """
    if kind == "constant":
        return base
    if kind == "step":
        return base * decay ** (epoch // every)
    if kind == "exponential":
        return base * decay ** (epoch / every)
    if kind == "inverse_time":
        return base / (1.0 + decay * epoch / every)
    raise ValueError(f"unknown schedule {kind!r}; choose one of {', '.join(SCHEDULES)}")


@kernel
def add_penalty_gradient(params, grad, regmask, l1, l2):
    """grad += l1 sign(w) + l2 w on weights (regmask 1), never on biases (0).

    The penalty itself is l1 sum|w| + l2/2 sum w^2; elastic net sets both.
    """
    if l1 == 0.0 and l2 == 0.0:
        return
    for i in range(params.shape[0]):
        if regmask[i] != 0.0:
            w = params[i]
            s = 1.0 if w > 0.0 else (-1.0 if w < 0.0 else 0.0)
            grad[i] += l1 * s + l2 * w


@kernel
def clip_gradient(grad, max_norm):
    """Scale grad down so that its L2 norm is at most ``max_norm`` (0 = off)."""
    if max_norm <= 0.0:
        return
    s = 0.0
    for i in range(grad.shape[0]):
        s += grad[i] * grad[i]
    norm = math.sqrt(s)
    if norm > max_norm:
        f = max_norm / norm
        for i in range(grad.shape[0]):
            grad[i] *= f


@kernel
def apply_update(opt, params, grad, m, v, t, lr, mu, beta1, beta2, eps, rho, regmask, l1):
    """One optimizer step (``t`` is the 1-based step number).

    With an L1 penalty a weight whose update crosses zero is set to exactly
    zero, as the TensorFlow Playground does: that is what makes L1's
    sparsity visible as vanishing edges instead of weights jittering around 0.
    """
    bc1 = 1.0 - beta1**t
    bc2 = 1.0 - beta2**t
    bc1_next = 1.0 - beta1 ** (t + 1)
    for i in range(params.shape[0]):
        g = grad[i]
        w = params[i]
        if opt == SGD:
            step = g
        elif opt == MOMENTUM:
            m[i] = mu * m[i] + g
            step = m[i]
        elif opt == NESTEROV:
            m[i] = mu * m[i] + g
            step = g + mu * m[i]
        elif opt == ADAGRAD:
            v[i] += g * g
            step = g / (math.sqrt(v[i]) + eps)
        elif opt == RMSPROP:
            v[i] = rho * v[i] + (1.0 - rho) * g * g
            step = g / (math.sqrt(v[i]) + eps)
        else:
            m[i] = beta1 * m[i] + (1.0 - beta1) * g
            v[i] = beta2 * v[i] + (1.0 - beta2) * g * g
            if opt == ADAM:
                mhat = m[i] / bc1
            else:  # NADAM
                mhat = beta1 * m[i] / bc1_next + (1.0 - beta1) * g / bc1
            step = mhat / (math.sqrt(v[i] / bc2) + eps)
        new = w - lr * step
        if l1 > 0.0 and regmask[i] != 0.0 and w * new < 0.0:
            new = 0.0
        params[i] = new
