"""The server computes BLAS products on one thread: a second OpenBLAS thread spins
between the pages' small products and takes a core from the browsers."""

from __future__ import annotations

import json
import subprocess
import sys

# Runs serve() in a fresh process up to where Panel would start serving, and
# prints every BLAS library loaded there with its threads.
_SERVE = """
import json
from threadpoolctl import threadpool_info
import playground.ui.server as server

def blas():
    return [(i["filepath"], i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas"]

server.pn.serve = lambda *args, **kwargs: print(json.dumps(blas()))
server.serve(port=0)
"""


def test_serve_holds_numpy_and_scipy_blas_to_one_thread():
    out = subprocess.run(
        [sys.executable, "-c", _SERVE], capture_output=True, text=True, check=True, timeout=600
    )
    blas = json.loads(out.stdout.strip().splitlines()[-1])
    # NumPy's BLAS and SciPy's (the one Numba's np.dot calls; with pip's wheels
    # they are two libraries) are loaded, and every one computes on one thread
    assert blas, out.stdout
    assert {threads for _, threads in blas} == {1}, blas
