"""One BLAS thread while a conv network computes.

The conv kernels split their work over the cores themselves, on Numba's OpenMP
threads, which spin for a moment after each parallel loop so that the next one
starts at once. OpenBLAS's own threads, which the dense layers' products use,
then find both cores taken. A conv net with a 128-unit dense layer (the page's
and the CLI's default) trained 6,000 MNIST images in 1.46 s with OpenBLAS at
two threads and 0.20 s at one; evaluating 10,000 test images took 1.62 s
against 0.16 s. Making the OpenMP threads sleep at once instead (passive
waiting) gave 0.53 s: worse than one BLAS thread, since every parallel loop
then starts by waking them. So while any conv network of the process is inside
a kernel, every BLAS library of the process runs one thread; dense networks
alone keep BLAS as they found it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import ThreadpoolController

_lock = threading.Lock()
_users = 0
_limiter = None


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS at one thread until the last of the callers inside this leaves.

    Nested and concurrent uses (several sessions, a sweep's trials) are
    counted: the first one in limits every BLAS library loaded in the process,
    the last one out gives each its thread count back.
    """
    global _users, _limiter
    with _lock:
        if _users == 0:
            _limiter = ThreadpoolController().limit(limits=1, user_api="blas")
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                _limiter.restore_original_limits()
                _limiter = None
