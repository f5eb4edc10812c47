"""Garbage CSV uploads: the page says what is wrong, keeps its data, shows text as text."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.data import MAX_BYTES, MAX_ROWS
from playground.ui.app import Playground

NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(["", " ", "nan", "-inf", "1e999", "0x10", "1_0", "١", "__import__('os')"]),
)
ROW = st.lists(st.one_of(NUMBER, st.text(max_size=12)), min_size=0, max_size=5).map(",".join)
CSV_TEXT = st.builds(
    lambda header, rows, newline: header + newline + newline.join(rows),
    st.sampled_from(["x1,x2,label", "x2,x1,label", "a,b,c", "x1,x2", "", "<b>x1</b>,x2,label"]),
    st.lists(ROW, max_size=30),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
PAYLOADS = st.one_of(
    CSV_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
    CSV_TEXT.map(lambda t: t.encode("utf-16", "surrogatepass")),
    st.binary(max_size=400),
)


def _points(page: Playground) -> np.ndarray:
    return page.session.points.copy()


def _upload(page: Playground, payload: bytes, filename: str = "class.csv") -> None:
    page.upload.filename = filename
    page.upload.value = payload


PAGE = Playground(dataset="xor", n_samples=100, hidden=[2])


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PAYLOADS)
def test_any_upload_loads_or_is_reported_and_the_data_kept(payload):
    page = PAGE
    page.session.regenerate()
    before = _points(page)
    page.notice.visible = False
    _upload(page, payload)
    page.upload.value = None  # the next example uploads afresh
    assert page.notice.visible
    text = page.notice.object
    if page.notice.alert_type == "success":
        assert "Loaded" in text
        n = len(page.session.points)
        assert 1 <= n <= MAX_ROWS and np.isfinite(page.session.points).all()
    else:
        assert page.notice.alert_type == "warning" and text.startswith("class.csv: ")
        assert np.array_equal(_points(page), before)
    assert "<b>" not in text and "<script" not in text  # user text is escaped


def test_a_file_over_the_size_cap_is_refused_before_it_is_read():
    page = Playground(dataset="xor", n_samples=100, hidden=[2])
    before = _points(page)
    huge = b"x1,x2,label\n" + b"1,1,1\n" * (MAX_BYTES // 6 + 1)
    _upload(page, huge, "<script>alert(1)</script>.csv")
    assert page.notice.alert_type == "warning" and "MB" in page.notice.object
    assert "&lt;script&gt;" in page.notice.object and "<script>" not in page.notice.object
    assert np.array_equal(_points(page), before)


def test_an_upload_never_evaluates_its_text(monkeypatch):
    import builtins

    def refuse(*args, **kwargs):
        raise AssertionError("an upload was evaluated as code")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    page = Playground(dataset="xor", n_samples=100, hidden=[2])
    _upload(page, b"x1,x2,label\n__import__('os').system('true'),1,1\n")
    assert page.notice.alert_type == "warning" and "not a number" in page.notice.object
