"""One live frame as one binary message: a tiny fixed header and NumPy sections.

Everything the 2-D page changes on every frame (the output heatmap, every
neuron's map, the edge weights and biases, the readouts, the new loss rows, and
the points when they change), and what the MNIST page changes (the counter and
progress, the readouts and loss rows, the weight images or a conv net's filters
and feature maps, the confusion counts, the gallery's digits and guesses) goes
to the browser as one ``bytes`` payload that the page's stage module
(``js/core.js``) reads with typed-array views, no JSON of arrays and no base64:

``header``  16 bytes: magic ``PGF1``, frame number (uint32), epoch (uint32),
            scene number (uint16), number of sections (uint16)
``table``   12 bytes a section: id (uint8), dtype code (uint8), 0 (uint16),
            byte offset (uint32), element count (uint32)
``data``    each section's array, starting on an 8-byte boundary

All little-endian. Maps are quantized to uint8 here (0 is -1, 255 is +1) and
coloured in the browser through the theme's lookup tables; weights travel as
float32, readouts and loss rows as float64 (a diverged loss of 1e300 must not
turn into infinity on the way). :func:`unpack` is the reference decoder: the
tests use it to pin the format, and the browser module mirrors it, rejecting a
malformed or truncated frame the same way.

This module is NumPy only, so tests and benchmarks read frames without Panel.
"""

from __future__ import annotations

import struct
from enum import IntEnum

import numpy as np

MAGIC = b"PGF1"
HEADER = struct.Struct("<4sIIHH")
ENTRY = struct.Struct("<BBHII")
ALIGN = 8
#: More sections than this is not a frame of ours (the decoder's first check).
MAX_SECTIONS = 32


class Section(IntEnum):
    """What each section holds (stage.py writes this table into the browser module)."""

    HEAT = 1  # uint8: the output grid (two planes for several classes: class, strength)
    MAPS = 2  # uint8: every drawn neuron's map, layer by layer
    WEIGHTS = 3  # float32: every drawn edge's weight, in the scene's edge order
    BIASES = 4  # float32: every drawn neuron's bias
    POINTS = 5  # float32: (n, 4) rows x, y, label, side (POINT_SIDES; only when they change)
    HISTORY = 6  # float64: (m, len(HISTORY_COLUMNS)) the new loss rows
    READOUT = 7  # float64: READOUT_COLUMNS (the last losses, accuracies, first new row)
    TILES = 8  # uint8: the input features' maps (only with a new scene)
    # The MNIST page's stage (each only when it changed):
    PROGRESS = 9  # float64: the share of the current epoch trained, 0..1
    WEIGHT_IMAGES = 10  # uint8: first-layer units' 784 weights, each scaled to its largest
    CONFUSION = 11  # float64: (10, 10) test-set counts, row = true digit
    PER_CLASS = 12  # float64: precision of each class, then recall, then F1
    GALLERY = 13  # uint8: (n, 784) test digits, 0 paper .. 255 ink
    GUESSES = 14  # float64: (n, 7) rows true label, top-3 digits, their probabilities
    PICK = 15  # float64: what the gallery shows: kind (0 all, 1 mistakes, 2 a cell),
    #            true, predicted, digits that match, test digits in all
    # The 2-D page's views inside the network (inside.py), only while shown:
    HIDDEN_MESH = 16  # float32: (21, 21, 2) the input grid's image in two hidden units
    HIDDEN_POINTS = 17  # float32: (n, 3) training points there: x, y, label
    HISTOGRAMS = 18  # float32: per layer its largest |weight|, then 24 bin counts
    ROC = 19  # float32: AUC, the threshold's false and true positive rates, the
    #           threshold, then (m, 2) rows of the ROC curve
    GRADIENTS = 20  # float64: the epoch, then per layer its mean weight-gradient norm
    #                 over that epoch, the update-to-weight ratio, its dead units
    # The MNIST page's conv views (conv_frames.py), with the weight images' rate:
    FILTERS = 21  # uint8: (filters, k*k) the first conv layer's kernels, each
    #               scaled to its largest magnitude (0 is -1, 255 is +1)
    FEATURE_MAPS = 22  # uint8: per shown digit, its image (0 paper .. 255 ink) then
    #                    every conv and pool layer's maps (the scene's order), each
    #                    layer scaled to its largest magnitude for that digit (0 is
    #                    0 for maps that cannot be negative, else -1: conv_frames.py)
    MAP_DIGITS = 23  # float64: (n, 4) per shown digit: test index (-1: the pad's),
    #                  true digit (-1: unknown), the network's guess, its probability
    GALLERY_INDEX = 24  # float64: the test-set index of each digit in the gallery
    AUGMENTED = 25  # uint8: (2n, 784) n training images then their augmented copies
    #               as this epoch trains on them, 0 paper .. 255 ink (augment on)


#: The columns of a HISTORY row and the values of a READOUT, in order (stage.py
#: writes both into the browser module as name -> index tables). New columns go at
#: the end, so an index once used keeps its meaning.
HISTORY_COLUMNS = (
    "epoch",
    "train_loss",
    "test_loss",
    "train_accuracy",
    "test_accuracy",
    "validation_loss",
    "validation_accuracy",
)
READOUT_COLUMNS = (
    "test_loss",
    "train_loss",
    "test_accuracy",
    "train_accuracy",
    "start",  # where the HISTORY rows of this frame begin in the server's history
    "validation_loss",
    "validation_accuracy",
)
#: The side code of a point (POINTS' last column).
POINT_SIDES = {"test": 0, "train": 1, "validation": 2}

#: dtype code on the wire -> NumPy dtype (the module's typed arrays, likewise).
DTYPES = {1: np.dtype("<u1"), 2: np.dtype("<f4"), 3: np.dtype("<f8")}
_CODES = {dt: code for code, dt in DTYPES.items()}
#: The dtype each section is sent as.
SECTION_DTYPES = {
    Section.HEAT: DTYPES[1],
    Section.MAPS: DTYPES[1],
    Section.WEIGHTS: DTYPES[2],
    Section.BIASES: DTYPES[2],
    Section.POINTS: DTYPES[2],
    Section.HISTORY: DTYPES[3],
    Section.READOUT: DTYPES[3],
    Section.TILES: DTYPES[1],
    Section.PROGRESS: DTYPES[3],
    Section.WEIGHT_IMAGES: DTYPES[1],
    Section.CONFUSION: DTYPES[3],
    Section.PER_CLASS: DTYPES[3],
    Section.GALLERY: DTYPES[1],
    Section.GUESSES: DTYPES[3],
    Section.PICK: DTYPES[3],
    Section.HIDDEN_MESH: DTYPES[2],
    Section.HIDDEN_POINTS: DTYPES[2],
    Section.HISTOGRAMS: DTYPES[2],
    Section.ROC: DTYPES[2],
    Section.GRADIENTS: DTYPES[3],
    Section.FILTERS: DTYPES[1],
    Section.FEATURE_MAPS: DTYPES[1],
    Section.MAP_DIGITS: DTYPES[3],
    Section.GALLERY_INDEX: DTYPES[3],
    Section.AUGMENTED: DTYPES[1],
}


def dtype_code(dtype: np.dtype) -> int:
    """The code a dtype travels as (the browser module's table is written from these)."""
    return _CODES[dtype]


class FrameError(ValueError):
    """Bytes that are not a well-formed frame."""


def quantize(values: np.ndarray, lo: float = -1.0, hi: float = 1.0) -> np.ndarray:
    """``values`` in ``[lo, hi]`` as uint8 0..255 (clipped; NaN becomes the middle)."""
    scaled = (np.asarray(values, dtype=np.float32) - lo) * np.float32(255.0 / (hi - lo)) + 0.5
    if not np.isfinite(scaled).all():  # (rare: a diverging network; checked in one pass)
        scaled = np.nan_to_num(scaled, nan=128.0, posinf=255.0, neginf=0.0)
    return np.clip(scaled, 0, 255, out=scaled).astype(np.uint8)


def pack(frame: int, epoch: int, scene: int, sections: dict[Section, np.ndarray]) -> bytes:
    """One frame's bytes: the header, the table, then each section's array."""
    table, chunks = [], []
    offset = _aligned(HEADER.size + ENTRY.size * len(sections))
    for sid, array in sections.items():
        dtype = SECTION_DTYPES[Section(sid)]
        data = np.ascontiguousarray(array, dtype=dtype).tobytes()
        table.append(ENTRY.pack(int(sid), _CODES[dtype], 0, offset, len(data) // dtype.itemsize))
        padded = _aligned(len(data))
        chunks.append(data + bytes(padded - len(data)))
        offset += padded
    head = HEADER.pack(MAGIC, frame & 0xFFFFFFFF, epoch & 0xFFFFFFFF, scene & 0xFFFF, len(table))
    start = head + b"".join(table)
    return start + bytes(_aligned(len(start)) - len(start)) + b"".join(chunks)


def unpack(buffer: bytes | memoryview) -> tuple[dict, dict[Section, np.ndarray]]:
    """The header fields and the sections of a frame; :class:`FrameError` if malformed."""
    buf = memoryview(buffer).cast("B")
    if len(buf) < HEADER.size:
        raise FrameError(f"{len(buf)} bytes is shorter than a frame header")
    magic, frame, epoch, scene, n = HEADER.unpack_from(buf)
    if magic != MAGIC:
        raise FrameError("not a playground frame (bad magic)")
    if n > MAX_SECTIONS or HEADER.size + ENTRY.size * n > len(buf):
        raise FrameError(f"a table of {n} sections does not fit in {len(buf)} bytes")
    sections: dict[Section, np.ndarray] = {}
    for i in range(n):
        sid, code, _, offset, count = ENTRY.unpack_from(buf, HEADER.size + ENTRY.size * i)
        if sid not in Section._value2member_map_ or code not in DTYPES:
            raise FrameError(f"unknown section {sid} or dtype {code}")
        dtype = DTYPES[code]
        if dtype != SECTION_DTYPES[Section(sid)]:
            raise FrameError(f"section {Section(sid).name} cannot be {dtype}")
        if offset % ALIGN or offset + count * dtype.itemsize > len(buf):
            raise FrameError(f"section {Section(sid).name} runs past the end of the frame")
        sections[Section(sid)] = np.frombuffer(buf, dtype=dtype, count=count, offset=offset)
    return {"frame": frame, "epoch": epoch, "scene": scene}, sections


def _aligned(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN
