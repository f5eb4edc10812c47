"""`playground export`: GIF and self-contained HTML animations of a training run."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from playground.cli import main
from playground.export import frame_epochs
from playground.export.render import Layout

XOR = "dataset=xor&hidden=4"
SIZE = 120  # the smallest boundary: fast


def export(tmp_path, name: str, *argv: str, query: str = XOR) -> list[str]:
    out = tmp_path / name
    return ["export", "--query", query, "--size", str(SIZE), "--out", str(out), *argv]


def gif_frames(path) -> list[np.ndarray]:
    with Image.open(path) as im:
        frames = []
        for i in range(im.n_frames):
            im.seek(i)
            frames.append(np.asarray(im.convert("RGB"), dtype=np.int16))
        return frames


def test_gif_has_one_frame_per_requested_epoch_at_the_layout_size(tmp_path, capsys):
    argv = export(tmp_path, "x.gif", "--epochs", "20", "--frames", "5", "--quiet")
    assert main(argv) == 0
    with Image.open(tmp_path / "x.gif") as im:
        assert im.format == "GIF" and im.n_frames == 5
        layout = Layout(SIZE)
        assert im.size == (layout.width, layout.height)
        assert im.info.get("loop") == 0  # loops for ever
    assert "x.gif" in capsys.readouterr().out


def test_training_visibly_changes_the_boundary_between_first_and_last_frame(tmp_path):
    assert main(export(tmp_path, "x.gif", "--epochs", "40", "--frames", "3", "--quiet")) == 0
    first, *_, last = gif_frames(tmp_path / "x.gif")
    layout = Layout(SIZE)
    top = layout.pad + layout.title_height
    box = (slice(top, top + SIZE), slice(layout.pad, layout.pad + SIZE))
    assert np.abs(first[box] - last[box]).mean() > 10  # colour levels, of 255


def test_fewer_epochs_than_frames_gives_one_frame_per_epoch(tmp_path):
    assert main(export(tmp_path, "x.gif", "--epochs", "10", "--frames", "50", "--quiet")) == 0
    with Image.open(tmp_path / "x.gif") as im:
        assert im.n_frames == 11


def test_frame_rule_examples():
    assert frame_epochs(10, 50) == list(range(11))
    assert frame_epochs(300, 4) == [0, 100, 200, 300]
    assert frame_epochs(20, 5) == [0, 5, 10, 15, 20]


@given(st.integers(1, 5000), st.integers(2, 1000))
def test_frames_are_min_of_frames_and_epochs_plus_one_from_0_to_the_last(epochs, frames):
    shown = frame_epochs(epochs, frames)
    assert len(shown) == min(frames, epochs + 1)
    assert shown[0] == 0 and shown[-1] == epochs
    assert all(a < b for a, b in zip(shown, shown[1:]))


def test_html_is_one_offline_file_with_every_frame_embedded(tmp_path):
    argv = export(tmp_path, "x.html", "--epochs", "12", "--frames", "4", "--quiet")
    assert main(argv) == 0
    text = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text
    assert not re.search(r"""(src|href)=["'](?!data:)""", text)  # nothing loaded from outside
    assert text.count('src="data:image/webp;base64,') == 4
    assert re.findall(r'data-epoch="(\d+)"', text) == ["0", "4", "8", "12"]
    for element in ('id="play"', 'id="frame-slider"', 'id="frame-label"'):
        assert element in text


def test_same_query_gives_the_same_file(tmp_path):
    for name in ("a.gif", "b.gif"):
        assert main(export(tmp_path, name, "--epochs", "8", "--frames", "3", "--quiet")) == 0
    assert (tmp_path / "a.gif").read_bytes() == (tmp_path / "b.gif").read_bytes()


def test_progress_goes_to_stderr_and_stdout_says_where_the_file_went(tmp_path, capsys):
    assert main(export(tmp_path, "x.gif", "--epochs", "20", "--frames", "5")) == 0
    captured = capsys.readouterr()
    assert "training" in captured.err and "epoch" in captured.err
    lines = captured.out.strip().splitlines()
    assert len(lines) == 1 and str(tmp_path / "x.gif") in lines[0] and "MB" in lines[0]


def test_knob_flags_override_the_query_and_the_html_names_the_settings(tmp_path):
    argv = export(tmp_path, "x.html", "--epochs", "2", "--dataset", "gauss", "--quiet")
    assert main(argv) == 0
    text = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert "dataset=gauss" in text and "hidden=4" in text


def test_an_unknown_data_set_in_the_query_warns_but_exports(tmp_path, capsys):
    argv = export(tmp_path, "x.gif", "--epochs", "3", query="dataset=bogus&hidden=2")
    assert main(argv) == 0
    assert "warning" in capsys.readouterr().err and (tmp_path / "x.gif").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--out", "{tmp}/x.png", "--epochs", "5"], ".gif or .html"),
        (["--out", "{tmp}/x.gif", "--epochs", "0"], "at least 1"),
        (["--out", "{tmp}/x.gif", "--epochs", "-3"], "epochs"),
        (["--out", "{tmp}/x.gif", "--epochs", "5", "--frames", "1"], "--frames"),
        (["--out", "{tmp}/x.gif", "--epochs", "5", "--size", "10"], "--size"),
        (["--out", "{tmp}/x.gif", "--epochs", "5", "--fps", "0"], "--fps"),
        (["--out", "{tmp}/no/such/folder/x.gif", "--epochs", "5"], "does not exist"),
        (["--out", "{tmp}", "--epochs", "5"], ".gif or .html"),
        (["--out", "{tmp}/x.gif", "--epochs", "5", "--dataset", "mnist"], "MNIST"),
        (["--out", "{tmp}/x.gif", "--query", "dataset=mnist"], "MNIST"),
        (["--out", "{tmp}/x.gif", "--epochs", "5", "--learning_rate", "50"], "maximum 10"),
    ],
)
def test_bad_requests_exit_2_with_a_message_and_write_nothing(tmp_path, capsys, argv, message):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    with pytest.raises(SystemExit) as exit_:
        main(["export", *argv])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_folder_named_like_a_gif_is_refused(tmp_path, capsys):
    (tmp_path / "x.gif").mkdir()
    with pytest.raises(SystemExit) as exit_:
        main(export(tmp_path, "x.gif", "--epochs", "5"))
    assert exit_.value.code == 2 and "folder" in capsys.readouterr().err


def test_a_diverging_run_still_writes_the_frames_before_it_and_exits_1(tmp_path, capsys):
    argv = export(
        tmp_path, "x.gif", "--epochs", "50", "--frames", "50", "--learning_rate", "10", "--quiet"
    )
    argv[argv.index("--query") + 1] = "dataset=reg_plane"
    assert main(argv) == 1
    assert "diverged" in capsys.readouterr().err
    with Image.open(tmp_path / "x.gif") as im:
        assert 1 <= im.n_frames < 51


def test_a_failed_write_exits_2_with_a_message_and_leaves_no_partial_file(
    tmp_path, capsys, monkeypatch
):
    import playground.export.animation as animation

    def full_disk(frames, path, *args):
        path.write_bytes(b"GIF89a")  # half a file...
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(animation, "write_gif", full_disk)
    assert main(export(tmp_path, "x.gif", "--epochs", "3", "--quiet")) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
