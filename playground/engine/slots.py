"""Where things are in the plain arrays that describe a network to the kernels.

The columns of the dense ``layout`` table, the entries of the ``hp`` vector
and the rows of the ``bufs`` scratch (see :mod:`.network`), in one module that
the dense kernels (:mod:`.network`), the conv front end (:mod:`.conv_front`)
and :class:`~.mlp.MLP` all read, so none of them imports another for a number.
"""

from __future__ import annotations

# Columns of ``layout`` (N_ACT: the values a layer hands on, which is fewer
# than N_OUT for maxout, whose N_OUT pre-activations are two pieces a unit).
N_IN, N_OUT, W_OFF, B_OFF, G_OFF, ACT, U_IN, U_OUT, N_ACT = range(9)
LAYOUT_COLUMNS = 9

# Entries of ``hp``.
LR, L1, L2, MOMENTUM, BETA1, BETA2, EPS, RHO, CLIP, DROPOUT, BN_MOMENTUM, BN_EPS, HUBER = range(13)
N_HP = 13

# Rows of ``bufs``: pre-activation, batch-normed, activation (as the next
# layer sees it), activation before dropout, dropout mask, normalised
# pre-activation, gradient, per-unit inverse std (column 0), targets.
Z_, N_, A_, P_, M_, H_, G_, S_, T_ = range(9)
N_BUFS = 9
