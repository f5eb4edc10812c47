"""``from playground import Playground`` works as a notebook cell."""

from __future__ import annotations

import subprocess
import sys


def test_playground_displays_as_a_notebook_cell_with_its_knobs():
    import panel as pn

    from playground import Playground

    p = Playground(dataset="spiral", hidden=[6, 6])
    assert (p.config.dataset, p.config.hidden) == ("spiral", [6, 6])
    bundle, metadata = p._repr_mimebundle_()
    assert "text/html" in bundle and "application/vnd.holoviews_exec.v0+json" in bundle
    assert pn.panel(p).get_root() is not None
    p.session.step(3)
    assert p.session.epoch == 3


def test_importing_the_package_does_not_import_panel():
    code = "import sys, playground.engine, playground.experiment; print('panel' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
