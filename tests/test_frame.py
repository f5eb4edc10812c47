"""The live frame's wire format: every field survives the round trip; bad bytes are refused."""

from __future__ import annotations

import numpy as np
import pytest

from playground.ui.frame import (
    ALIGN,
    ENTRY,
    HEADER,
    SECTION_DTYPES,
    FrameError,
    Section,
    pack,
    quantize,
    unpack,
)


def _sections(rng) -> dict[Section, np.ndarray]:
    return {
        Section.HEAT: rng.integers(0, 256, 100 * 100, dtype=np.uint8),
        Section.MAPS: rng.integers(0, 256, 7 * 25 * 25, dtype=np.uint8),
        Section.WEIGHTS: rng.normal(size=41).astype(np.float32),
        Section.BIASES: rng.normal(size=7).astype(np.float32),
        Section.POINTS: rng.normal(size=4 * 13).astype(np.float32),
        Section.HISTORY: rng.normal(size=5 * 3),
        Section.READOUT: np.array([1e300, np.nan, 0.5, 0.25, 17.0]),
        Section.TILES: rng.integers(0, 256, 7 * 25 * 25, dtype=np.uint8),
        Section.PROGRESS: np.array([0.375]),
        Section.WEIGHT_IMAGES: rng.integers(0, 256, 10 * 784, dtype=np.uint8),
        Section.CONFUSION: rng.integers(0, 1000, 100).astype(np.float64),
        Section.PER_CLASS: rng.random(30),
        Section.GALLERY: rng.integers(0, 256, 24 * 784, dtype=np.uint8),
        Section.GUESSES: rng.random(24 * 7),
        Section.PICK: np.array([2.0, 4.0, 9.0, 17.0, 10000.0]),
        Section.HIDDEN_MESH: rng.normal(size=21 * 21 * 2).astype(np.float32),
        Section.HIDDEN_POINTS: rng.normal(size=3 * 50).astype(np.float32),
        Section.HISTOGRAMS: rng.random(3 * 25).astype(np.float32),
        Section.ROC: rng.random(4 + 2 * 30).astype(np.float32),
        Section.GRADIENTS: rng.random(1 + 3 * 3),
        Section.FILTERS: rng.integers(0, 256, 8 * 25),
        Section.FEATURE_MAPS: rng.integers(0, 256, 2 * (784 + 8 * 784 + 8 * 196)),
        Section.MAP_DIGITS: np.array([7.0, 4, 4, 0.93, -1, -1, 3, 0.5]),
        Section.GALLERY_INDEX: np.arange(24.0),
        Section.AUGMENTED: rng.integers(0, 256, 2 * 8 * 784),
    }


def test_the_round_trip_below_covers_every_section():
    assert set(_sections(np.random.default_rng(0))) == set(Section) == set(SECTION_DTYPES)


def test_every_section_and_header_field_round_trips_with_its_dtype(rng):
    sections = _sections(rng)
    header, back = unpack(pack(123456, 98765, 42, sections))
    assert header == {"frame": 123456, "epoch": 98765, "scene": 42}
    assert set(back) == set(sections)
    for sid, array in sections.items():
        assert back[sid].dtype == SECTION_DTYPES[sid]
        np.testing.assert_array_equal(back[sid], array.astype(SECTION_DTYPES[sid]))


def test_a_huge_diverged_loss_stays_finite_on_the_wire():
    _, back = unpack(pack(1, 1, 1, {Section.READOUT: np.array([9.5e301, 1.0, 0, 0, 0])}))
    assert back[Section.READOUT][0] == 9.5e301


def test_sections_start_on_aligned_offsets_and_the_size_is_what_it_holds(rng):
    sections = _sections(rng)
    data = pack(1, 2, 3, sections)
    n = len(sections)
    offsets = [ENTRY.unpack_from(data, HEADER.size + ENTRY.size * i)[3] for i in range(n)]
    assert all(o % ALIGN == 0 for o in offsets)
    payload = sum(a.size * SECTION_DTYPES[s].itemsize for s, a in sections.items())
    assert payload <= len(data) <= HEADER.size + ENTRY.size * n + payload + ALIGN * (n + 1)


def test_an_empty_section_is_allowed():
    _, back = unpack(pack(1, 0, 1, {Section.HISTORY: np.zeros(0)}))
    assert back[Section.HISTORY].size == 0


@pytest.mark.parametrize("cut", [0, 5, 15, 16, 30, 60, -9])  # (-9: past the padding)
def test_a_truncated_frame_is_refused(rng, cut):
    data = pack(1, 2, 3, _sections(rng))
    with pytest.raises(FrameError):
        unpack(data[:cut])


def test_bad_magic_unknown_sections_and_wrong_dtypes_are_refused(rng):
    data = bytearray(pack(1, 2, 3, {Section.WEIGHTS: np.ones(4, np.float32)}))
    with pytest.raises(FrameError, match="magic"):
        unpack(b"XXXX" + bytes(data[4:]))
    bad_id = bytearray(data)
    bad_id[HEADER.size] = 99
    with pytest.raises(FrameError, match="unknown"):
        unpack(bytes(bad_id))
    bad_dtype = bytearray(data)
    bad_dtype[HEADER.size + 1] = 1  # weights as uint8
    with pytest.raises(FrameError, match="cannot be"):
        unpack(bytes(bad_dtype))
    many = bytearray(data)
    many[14:16] = (500).to_bytes(2, "little")
    with pytest.raises(FrameError, match="does not fit"):
        unpack(bytes(many))


def test_quantize_maps_the_colour_scale_onto_a_byte():
    q = quantize(np.array([-1.0, 0.0, 1.0, -5.0, 5.0, np.nan]))
    assert q.dtype == np.uint8
    assert list(q) == [0, 128, 255, 0, 255, 128]
    assert list(quantize(np.array([0.0, 0.5, 1.0]), 0, 1)) == [0, 128, 255]
