"""The conv engine agrees step by step with independent implementations.

Given the same initial weights and the same batches, a few optimizer steps of
the engine and of (a) the plain NumPy conv net in ``reference_convnet.py``
(always) and (b) PyTorch (when installed) must give the same losses and the
same weights, float64, to near rounding.
"""

from __future__ import annotations

import numpy as np
import pytest
from reference_convnet import ReferenceConvNet

from playground.engine import MLP

SHAPE = (1, 8, 8)
#: The engine's tanh is a rational approximation (|error| < 3e-7); ReLU is exact,
#: so ReLU nets agree to rounding and tanh nets to the approximation's error.
TOL = {"relu": {"rtol": 1e-9, "atol": 1e-9}, "tanh": {"rtol": 1e-5, "atol": 1e-6}}


def make_net(conv, pool, act, *, kernel=3, hidden=(5,), **kw) -> MLP:
    return MLP(
        64,
        hidden,
        3,
        conv=conv,
        kernel=kernel,
        pool=pool,
        input_shape=SHAPE,
        activation=act,
        output="softmax",
        loss="softmax_ce",
        init="xavier",
        seed=11,
        **kw,
    )


def batches(rng, steps=4, n=6):
    out = []
    for _ in range(steps):
        X = rng.normal(size=(n, 64))
        out.append((X, np.eye(3)[rng.integers(0, 3, n)]))
    return out


@pytest.mark.parametrize(
    "conv,pool,act,kernel",
    [
        ((3,), "max", "relu", 3),
        ((2, 4), "max", "tanh", 3),
        ((2, 3), "average", "relu", 5),
        ((3,), "none", "tanh", 5),
    ],
)
def test_sgd_steps_match_a_numpy_reference_conv_net(rng, conv, pool, act, kernel):
    net = make_net(conv, pool, act, kernel=kernel, learning_rate=0.1)
    net.set_regularization("l2", 0.01)
    ref = ReferenceConvNet(net.get_conv_weights(), net.get_weights(), act, pool, SHAPE, l2=0.01)
    for X, Y in batches(rng):
        loss = net.train_batch(X, Y)
        ref_loss = ref.sgd_step(X, Y, 0.1)
        tol = TOL[act]
        assert loss == pytest.approx(ref_loss, rel=tol["rtol"], abs=tol["atol"])
        for (K, b), K_ref, b_ref in zip(net.get_conv_weights(), ref.K, ref.kb):
            np.testing.assert_allclose(K, K_ref, **tol)
            np.testing.assert_allclose(b, b_ref, **tol)
        for (W, b), W_ref, b_ref in zip(net.get_weights(), ref.W, ref.b):
            np.testing.assert_allclose(W, W_ref, **tol)
            np.testing.assert_allclose(b, b_ref, **tol)


# ------------------------------------------------------------------ PyTorch
def torch_net(torch, net: MLP, act: str, pool: str, batch_norm: bool):
    nn = torch.nn
    acts = {"relu": nn.ReLU, "tanh": nn.Tanh}
    layers, c = [], SHAPE[0]
    for K, b in net.get_conv_weights():
        conv = nn.Conv2d(c, K.shape[0], K.shape[-1], padding=K.shape[-1] // 2).double()
        with torch.no_grad():
            conv.weight.copy_(torch.from_numpy(K))
            conv.bias.copy_(torch.from_numpy(b))
        layers.append(conv)
        if batch_norm:
            layers.append(nn.BatchNorm2d(K.shape[0], momentum=0.1, eps=1e-5).double())
        layers.append(acts[act]())
        if pool != "none":
            layers.append(nn.MaxPool2d(2) if pool == "max" else nn.AvgPool2d(2))
        c = K.shape[0]
    layers.append(nn.Flatten())
    dense = net.get_weights()
    for i, (W, b) in enumerate(dense):
        lin = nn.Linear(W.shape[1], W.shape[0]).double()
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(b))
        layers.append(lin)
        if i < len(dense) - 1:
            if batch_norm:
                layers.append(nn.BatchNorm1d(W.shape[0], momentum=0.1, eps=1e-5).double())
            layers.append(acts[act]())
    return nn.Sequential(*layers)


@pytest.mark.parametrize(
    "optimizer,pool,act,batch_norm",
    [
        ("sgd", "max", "relu", False),
        ("momentum", "average", "tanh", False),
        ("adam", "max", "relu", True),
        ("rmsprop", "none", "tanh", True),
    ],
)
def test_optimizer_steps_match_pytorch(rng, optimizer, pool, act, batch_norm):
    torch = pytest.importorskip("torch")
    net = make_net(
        (2, 3),
        pool,
        act,
        optimizer=optimizer,
        learning_rate=0.05,
        batch_norm=batch_norm,
        rho=0.9,
        momentum=0.9,
    )
    model = torch_net(torch, net, act, pool, batch_norm)
    opt = {
        "sgd": lambda p: torch.optim.SGD(p, lr=0.05),
        "momentum": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
        "adam": lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.9, 0.999), eps=1e-8),
        "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.05, alpha=0.9, eps=1e-8),
    }[optimizer](model.parameters())
    weights = [m.weight for m in model if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    net.set_regularization("l2", 0.01)
    model.train()
    for X, Y in batches(rng):
        loss = net.train_batch(X, Y)
        out = model(torch.from_numpy(X.reshape(-1, *SHAPE)))
        err = torch.nn.functional.cross_entropy(out, torch.from_numpy(Y.argmax(axis=1)))
        penalty = 0.5 * 0.01 * sum((w**2).sum() for w in weights)
        opt.zero_grad()
        (err + penalty).backward()
        opt.step()
        # Adam/RMSProp scale steps by 1/sqrt(v): a conv bias followed by batch norm has
        # a gradient that is zero up to rounding, and its steps are rounding-sized too.
        tol = {"rtol": max(TOL[act]["rtol"], 1e-7), "atol": max(TOL[act]["atol"], 1e-8)}
        assert loss == pytest.approx(err.item(), rel=tol["rtol"], abs=tol["atol"])
        convs = [m for m in model if isinstance(m, torch.nn.Conv2d)]
        for (K, b), m in zip(net.get_conv_weights(), convs):
            np.testing.assert_allclose(K, m.weight.detach().numpy(), **tol)
            np.testing.assert_allclose(b, m.bias.detach().numpy(), **tol)
        lins = [m for m in model if isinstance(m, torch.nn.Linear)]
        for (W, b), m in zip(net.get_weights(), lins):
            np.testing.assert_allclose(W, m.weight.detach().numpy(), **tol)
            np.testing.assert_allclose(b, m.bias.detach().numpy(), **tol)
    # evaluation mode uses the running statistics, kept per channel as BatchNorm2d does
    model.eval()
    X = batches(rng, steps=1)[0][0]
    with torch.no_grad():
        logits = model(torch.from_numpy(X.reshape(-1, *SHAPE)))
        expected = torch.softmax(logits, dim=1).numpy()
    np.testing.assert_allclose(net.predict(X), expected, rtol=1e-5, atol=1e-6)
