"""The compiled kernels are cached per version of the whole engine (engine/_jit.py)."""

import shutil
from pathlib import Path

from playground.engine import _jit
from playground.engine.activations import activate


def test_kernels_are_cached_in_the_folder_of_this_engine_version():
    assert Path(_jit.CACHE_DIR).name == "engine-" + _jit.sources_hash()
    assert activate._cache._cache_path.startswith(_jit.CACHE_DIR)


def test_a_change_to_any_engine_file_moves_every_kernel_to_a_new_cache(tmp_path):
    engine = Path(_jit.__file__).parent
    copy = tmp_path / "engine"
    shutil.copytree(engine, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert _jit.sources_hash(copy) == _jit.sources_hash()
    # An edit to one activation: the layers that inline it must not load old code.
    source = copy / "activations.py"
    source.write_text(source.read_text() + "\n# edited\n")
    assert _jit.sources_hash(copy) != _jit.sources_hash()


def test_someone_elses_numba_functions_keep_numbas_own_cache_setting():
    from numba.core import config

    assert config.CACHE_DIR != _jit.CACHE_DIR
