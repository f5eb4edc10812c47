"""User data: clicked points (PointSet) and CSV upload/download (playground.data.userdata)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.data import (
    DATASETS,
    MAX_BYTES,
    MAX_ROWS,
    N_SAMPLES_MAX,
    CSVError,
    PointSet,
    make_dataset,
    parse_csv,
    to_csv,
)
from playground.data.datasets import N_CLASSES_MAX, N_CLASSES_MIN, NOISE_MAX
from playground.data.features import EXTENT
from playground.experiment import Config, Session

# --- PointSet ----------------------------------------------------------------------------


def test_pointset_adds_points_and_returns_copies():
    ps = PointSet({-1, 1})
    ps.add(1.0, 2.0, 1)
    ps.add(-3.0, 0.5, -1)
    assert len(ps) == 2
    np.testing.assert_array_equal(ps.points, [[1.0, 2.0], [-3.0, 0.5]])
    np.testing.assert_array_equal(ps.labels, [1.0, -1.0])
    assert ps.points.dtype == np.float64 and ps.labels.dtype == np.float64
    ps.points[0, 0] = 99.0
    ps.labels[0] = 99.0
    assert ps.points[0, 0] == 1.0 and ps.labels[0] == 1.0


def test_empty_pointset_has_well_shaped_empty_arrays():
    ps = PointSet()
    assert len(ps) == 0 and ps.points.shape == (0, 2) and ps.labels.shape == (0,)


def test_remove_near_removes_points_within_the_radius_and_counts_them():
    ps = PointSet({0, 1, 2})
    for x, label in ((0.0, 0), (0.5, 1), (1.0, 2), (3.0, 0)):
        ps.add(x, 0.0, label)
    assert ps.remove_near(0.2, 0.0, 0.8) == 3  # 1.0 is exactly 0.8 away: removed
    np.testing.assert_array_equal(ps.points, [[3.0, 0.0]])
    assert ps.remove_near(-5.0, -5.0, 1.0) == 0
    assert len(ps) == 1


def test_clear_empties_the_set():
    ps = PointSet()
    ps.add(0.1, 0.2, 0.3)
    ps.clear()
    assert len(ps) == 0


def test_pointset_refuses_a_label_outside_the_allowed_set():
    ps = PointSet({-1, 1})
    with pytest.raises(ValueError, match=r"label 2 is not one of -1, 1"):
        ps.add(0.0, 0.0, 2)
    with pytest.raises(ValueError, match=r"label 0\.5 is not one of 0, 1, 2"):
        PointSet({0, 1, 2}).add(0.0, 0.0, 0.5)
    assert len(ps) == 0


def test_regression_pointset_takes_any_finite_label():
    ps = PointSet(None)
    ps.add(0.0, 0.0, 0.123)
    with pytest.raises(ValueError, match="label must be a finite number"):
        ps.add(0.0, 0.0, float("nan"))


@pytest.mark.parametrize(
    ("x1", "x2"), [(float("nan"), 0.0), (0.0, float("inf")), (float("-inf"), 1.0)]
)
def test_pointset_refuses_non_finite_coordinates(x1, x2):
    with pytest.raises(ValueError, match="coordinates must be finite"):
        PointSet().add(x1, x2, 0.0)


def test_pointset_is_capped_at_max_rows():
    ps = PointSet({1})
    ps.extend(np.zeros((MAX_ROWS - 1, 2)), np.ones(MAX_ROWS - 1))
    ps.add(1.0, 1.0, 1)
    assert len(ps) == MAX_ROWS
    with pytest.raises(ValueError, match=rf"at most {MAX_ROWS} points"):
        ps.add(2.0, 2.0, 1)
    assert len(ps) == MAX_ROWS


def test_extend_is_all_or_nothing():
    ps = PointSet({-1, 1})
    with pytest.raises(ValueError, match="label 3 is not one of -1, 1"):
        ps.extend(np.zeros((3, 2)), np.array([1.0, -1.0, 3.0]))
    assert len(ps) == 0


def test_pointset_refuses_an_empty_allowed_set():
    with pytest.raises(ValueError, match="non-empty"):
        PointSet(set())


# --- CSV: what is accepted ---------------------------------------------------------------


def test_parse_reads_rows_with_and_without_header():
    expected_points = [[1.0, 2.0], [-0.5, 3e-3]]
    for text in ("x1,x2,label\n1,2,1\n-0.5,3e-3,-1\n", "1,2,1\n-0.5,3e-3,-1"):
        points, labels = parse_csv(text, {-1, 1})
        np.testing.assert_array_equal(points, expected_points)
        np.testing.assert_array_equal(labels, [1, -1])
        assert points.dtype == np.float64 and points.flags.c_contiguous


def test_header_is_case_and_whitespace_tolerant():
    points, _ = parse_csv(" X1 , x2,LABEL \n1,2,3\n")
    np.testing.assert_array_equal(points, [[1, 2]])


def test_blank_lines_crlf_and_spaces_around_values_are_fine():
    text = "\r\nx1,x2,label\r\n\r\n  1 , 2 ,0\r\n   \r\n3,4,1\r\n\r\n"
    points, labels = parse_csv(text, {0, 1})
    np.testing.assert_array_equal(points, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(labels, [0, 1])


def test_utf8_bom_is_accepted_in_bytes_and_str():
    for data in (b"\xef\xbb\xbfx1,x2,label\n1,2,1\n", "\ufeffx1,x2,label\n1,2,1\n"):
        points, _ = parse_csv(data)
        np.testing.assert_array_equal(points, [[1, 2]])


def test_exactly_max_rows_is_accepted():
    text = "x1,x2,label\n" + "0,0,1\n" * MAX_ROWS
    assert parse_csv(text)[0].shape == (MAX_ROWS, 2)


# --- CSV: every rejection names the line and the problem ---------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x1,x2,label\n1,2,1\n3,4\n", r"^line 3: expected 3 values \(x1,x2,label\), got 2$"),
        ("1,2,1,\n", r"^line 1: expected 3 values \(x1,x2,label\), got 4$"),
        ("1,2,1\n\n\n4;5;1\n", r"^line 4: expected 3 values \(x1,x2,label\), got 1$"),
        ("x1,x2,label\n1,2,1\nabc,1,1\n", r"^line 3: 'abc' is not a number$"),
        ("1,2,1\n1,,1\n", r"^line 2: the x2 value is empty$"),
        ("1,2,1\n1,1_000,1\n", r"^line 2: '1_000' is not a number$"),
        ("1,nan,1\n", r"^line 1: 'nan' is not a finite number"),
        ("1,2,1\ninf,2,1\n", r"^line 2: 'inf' is not a finite number"),
        ("1,2,1\n-inf,2,1\n", r"^line 2: '-inf' is not a finite number"),
        ("1,2,1\n1e999,2,1\n", r"^line 2: '1e999' is too large"),
        ("1,2,NaN\n", r"^line 1: 'NaN' is not a finite number"),
        ("x,y,label\n1,2,1\n", r"^line 1: the header must be x1,x2,label, got 'x,y,label'$"),
        ("x1,x2,label\nx1,x2,label\n", r"^line 2: 'x1' is not a number$"),
    ],
)
def test_malformed_rows_are_rejected_with_line_number(text, message):
    with pytest.raises(CSVError, match=message):
        parse_csv(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x1,x2,label\n1,2,1\n1e308,0,1\n", r"^line 3: x1 = 1e308 is outside the plane"),
        ("0,-6.000001,1\n", r"^line 1: x2 = -6.000001 is outside the plane"),
    ],
)
def test_a_point_off_the_drawn_plane_is_rejected_with_line_number_and_range(text, message):
    with pytest.raises(CSVError, match=message + r".*; coordinates must be from -6 to 6$"):
        parse_csv(text, extent=EXTENT)


def test_points_on_the_edge_of_the_drawn_plane_are_accepted():
    points, _ = parse_csv("6,-6,1\n-6.0,6.0,1\n", extent=EXTENT)
    np.testing.assert_array_equal(points, [[6, -6], [-6, 6]])


def test_label_outside_the_allowed_set_is_rejected_with_line_number():
    text = "x1,x2,label\n" + "0,0,1\n" * 7 + "0,0,4\n"
    with pytest.raises(CSVError, match=r"^line 9: label 4 is not one of -1, 1$"):
        parse_csv(text, {-1, 1})
    with pytest.raises(CSVError, match=r"^line 1: label 0\.5 is not one of 0, 1, 2$"):
        parse_csv("0,0,0.5", {0, 1, 2})


def test_more_than_max_rows_is_rejected_at_the_first_extra_row():
    text = "x1,x2,label\n" + "0,0,1\n" * (MAX_ROWS + 3)
    with pytest.raises(CSVError, match=rf"^line {MAX_ROWS + 2}: more than {MAX_ROWS} rows"):
        parse_csv(text)


@pytest.mark.parametrize("as_bytes", [True, False])
def test_more_than_max_bytes_is_rejected_before_parsing(as_bytes):
    text = "1,2,1\n" + "#" * 2_300_000
    with pytest.raises(
        CSVError,
        match=r"^file is 2\.3 MB \(2,300,006 bytes\); "
        r"the limit is 1 MB$",
    ):
        parse_csv(text.encode() if as_bytes else text)


def test_exactly_max_bytes_passes_the_size_check():
    row = "0,0,1\n"
    text = row * (MAX_ROWS - 1) + "0,0," + "0" * (MAX_BYTES - len(row) * (MAX_ROWS - 1) - 4)
    assert len(text.encode()) == MAX_BYTES
    assert parse_csv(text)[0].shape == (MAX_ROWS, 2)


def test_binary_bytes_are_rejected_as_not_utf8_with_line_number():
    with pytest.raises(CSVError, match=r"^line 1: byte 0x89 is not UTF-8 text"):
        parse_csv(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(CSVError, match=r"^line 3: byte 0xff is not UTF-8 text"):
        parse_csv(b"x1,x2,label\n1,2,1\n1,\xff,1\n")


def test_nul_bytes_are_rejected_as_a_binary_file():
    with pytest.raises(CSVError, match=r"^line 2: contains a NUL byte; this looks like a binary"):
        parse_csv(b"1,2,1\n\x00\x00\x00\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("", r"^no data rows in the file"),
        (b"", r"^no data rows in the file"),
        ("\n  \n\n", r"^no data rows in the file"),
        (b"\xef\xbb\xbf", r"^no data rows in the file"),
        ("x1,x2,label\n\n", r"^no data rows after the header on line 1"),
    ],
)
def test_a_file_without_data_rows_is_rejected(data, message):
    with pytest.raises(CSVError, match=message):
        parse_csv(data)


def test_csv_error_is_a_value_error():
    assert issubclass(CSVError, ValueError)


def test_parse_never_evaluates_text():
    with pytest.raises(CSVError, match=r"is not a number"):
        parse_csv("__import__('os').getcwd(),1,1\n")
    with pytest.raises(CSVError, match=r"'2\*\*8' is not a number"):
        parse_csv("2**8,1,1\n")


# --- CSV: writing and round trips --------------------------------------------------------


def test_to_csv_writes_a_header_and_integral_labels_without_dot_zero():
    text = to_csv(np.array([[1.5, -2.0], [0.1, 1e-7]]), np.array([1.0, -1.0]))
    assert text == "x1,x2,label\n1.5,-2.0,1\n0.1,1e-07,-1\n"
    assert to_csv(np.array([[0.0, 0.0]]), np.array([0.25])) == "x1,x2,label\n0.0,0.0,0.25\n"


def test_to_csv_refuses_non_finite_values_and_bad_shapes():
    with pytest.raises(ValueError, match="finite"):
        to_csv(np.array([[np.nan, 0.0]]), np.array([1.0]))
    with pytest.raises(ValueError, match=r"expected points \(N, 2\)"):
        to_csv(np.zeros((2, 3)), np.zeros(2))


def _bits(array: np.ndarray) -> bytes:
    return np.ascontiguousarray(array, dtype=np.float64).tobytes()


def test_round_trip_keeps_tricky_floats_bit_exact():
    points = np.array([[0.1, -0.0], [5e-324, -1.7976931348623157e308], [1e16, 2.0**-1074]])
    labels = np.array([-0.0, 1e300, 123456789012345678.0])
    back_points, back_labels = parse_csv(to_csv(points, labels))
    assert _bits(back_points) == _bits(points)
    assert _bits(back_labels) == _bits(labels)


finite = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.tuples(finite, finite, finite | st.sampled_from([-1.0, 0.0, 1.0, 2.0])),
        min_size=1,
        max_size=30,
    )
)
def test_round_trip_is_bit_exact_for_any_finite_floats(rows):
    table = np.array(rows, dtype=np.float64)
    points, labels = table[:, :2], table[:, 2]
    back_points, back_labels = parse_csv(to_csv(points, labels))
    assert _bits(back_points) == _bits(points)
    assert _bits(back_labels) == _bits(labels)


def test_round_trip_through_a_pointset():
    ps = PointSet({0, 1, 2})
    ps.add(0.3, -1.25, 2)
    ps.add(4.0, 5.5, 0)
    points, labels = parse_csv(to_csv(ps.points, ps.labels).encode(), {0, 1, 2})
    copy = PointSet({0, 1, 2})
    copy.extend(points, labels)
    np.testing.assert_array_equal(copy.points, ps.points)
    np.testing.assert_array_equal(copy.labels, ps.labels)


# --- the page's own points ---------------------------------------------------------------


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_data_set_at_full_noise_stays_on_the_plane_and_reloads_from_its_csv(name):
    """At 50 % noise gauss, blobs and moons put points beyond ±6: nobody saw them,
    and "Download points" wrote a file that "Load CSV" refused."""
    for seed, k in ((0, N_CLASSES_MIN), (1, N_CLASSES_MAX)):
        data = make_dataset(name, N_SAMPLES_MAX, noise=NOISE_MAX, seed=seed, n_classes=k)
        assert np.abs(data.points).max() <= EXTENT, name
    noise, n_samples = Config.param["noise"].bounds[1], Config.param["n_samples"].bounds[1]
    text = Session(dataset=name, noise=noise, n_samples=n_samples).export_csv()
    again = Session(dataset=name)
    assert again.load_csv(text) == n_samples
    assert again.export_csv() == text
