"""One exported frame, drawn with Pillow to look like the page.

Left: the decision boundary (the network's output on the 100x100 grid, upscaled
smoothly, drawn at the page's 70 % opacity over white) with the points on top
(training points outlined white, test points dark). Right: the loss curves up to
the frame's epoch on axes that span the whole run, so the curve grows from frame to
frame instead of rescaling. Above both: the epoch and losses in type large enough
to read on a projector, and the data set and network in smaller type.

Everything is drawn at twice the final size and scaled down once, which
anti-aliases the points, lines and text (Pillow draws neither smoothly itself).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from playground.data.features import EXTENT
from playground.engine import OUTPUT_FACTS
from playground.experiment import Session
from playground.ui.theme import (
    HEAT_ALPHA,
    LIGHT,
    TEST_COLOR,
    TRAIN_COLOR,
    class_colors,
    class_mix,
    class_strength,
    format_loss,
    palette_rgb,
    point_colors,
)

#: Drawn this many times larger, then scaled down: anti-aliasing for free.
SUPERSAMPLE = 2


@cache
def _palette() -> np.ndarray:
    """The page's 256-step orange-neutral-blue palette as a ``(256, 3)`` float array."""
    return palette_rgb(LIGHT).astype(np.float32)


@cache
def _font(px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=px)


def _fitted(draw: ImageDraw.ImageDraw, text: str, px: int, width: float):
    """The default font at ``px`` pixels, or smaller if ``text`` would overflow ``width``."""
    font = _font(px)
    while px > 6 and draw.textlength(text, font=font) > width:
        px -= 1
        font = _font(px)
    return font


def _upscale(grid: np.ndarray, px: int) -> np.ndarray:
    """A 2-D float grid resized smoothly (bicubic) to ``px`` x ``px``."""
    image = Image.fromarray(np.ascontiguousarray(grid, dtype=np.float32), mode="F")
    return np.asarray(image.resize((px, px), Image.Resampling.BICUBIC))


def heatmap(out: np.ndarray, kind: str, output: str, n_classes: int, px: int) -> Image.Image:
    """The boundary image, ``px`` square, from ``predict_grid``'s ``(k, res, res)``."""
    if kind == "multiclass":
        probs = OUTPUT_FACTS[output].class_probabilities(out)
        probs = np.stack([_upscale(p, px) for p in probs]).clip(0.0, 1.0)
        rgb = class_mix(*class_strength(probs), LIGHT, n_classes)
    else:
        grid = OUTPUT_FACTS[output].to_scale(out)  # on the -1..1 colour scale
        grid = np.nan_to_num(grid, nan=0.0).clip(-1.0, 1.0)  # the colour scale ends at ±1
        values = _upscale(grid, px).clip(-1.0, 1.0)  # (bicubic overshoots a little)
        rgb = _palette()[np.rint((values + 1) * 127.5).astype(np.intp)]
    white = np.float32(255)
    rgb = HEAT_ALPHA * rgb + (1 - HEAT_ALPHA) * white
    return Image.fromarray(rgb.round().astype(np.uint8), mode="RGB")


def nice_step(span: float, target: int) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about ``target`` ticks."""
    raw = span / max(target, 1)
    if not raw > 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * 0.999)


def _ticks(top: float, target: int, integer: bool = False) -> list[float]:
    step = nice_step(top, target)
    if integer:
        step = max(1.0, float(math.ceil(step)))
    return [i * step for i in range(int(top / step + 1e-9) + 1)]


def _label(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e5 else f"{value:.0e}"


def _dashed(draw: ImageDraw.ImageDraw, xy: list[tuple[float, float]], fill, width, dash, gap):
    """A polyline drawn in dashes of ``dash`` pixels with ``gap`` pixels between."""
    on, left = True, dash
    for (x0, y0), (x1, y1) in zip(xy, xy[1:]):
        length = math.hypot(x1 - x0, y1 - y0)
        done = 0.0
        while done < length:
            run = min(left, length - done)
            if on:
                a, b = done / length, (done + run) / length
                start = (x0 + (x1 - x0) * a, y0 + (y1 - y0) * a)
                end = (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b)
                draw.line([start, end], fill=fill, width=width)
            done += run
            left -= run
            if left <= 1e-9:
                on = not on
                left = dash if on else gap


def _runs(xs: np.ndarray, ys: np.ndarray) -> list[list[tuple[float, float]]]:
    """The finite stretches of a curve (a missing value leaves a gap, as on the page)."""
    runs, current = [], []
    for x, y in zip(xs, ys):
        if math.isfinite(y):
            current.append((float(x), float(y)))
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


@dataclass(frozen=True)
class Layout:
    """Where things go, in final pixels, for a boundary of ``size`` pixels."""

    size: int

    def _u(self, px: float, least: int = 1) -> int:
        return max(least, round(px * self.size / 360))

    @property
    def pad(self) -> int:
        return self._u(14)

    @property
    def big(self) -> int:
        return self._u(26, 11)

    @property
    def mid(self) -> int:
        return self._u(17, 10)

    @property
    def small(self) -> int:
        return self._u(15, 9)

    @property
    def title_height(self) -> int:
        return round(self.big * 1.3 + self.mid * 1.6)

    @property
    def chart_width(self) -> int:
        return round(self.size * 1.3)

    @property
    def gap(self) -> int:
        return self._u(20)

    @property
    def width(self) -> int:
        return 2 * self.pad + self.size + self.gap + self.chart_width

    @property
    def height(self) -> int:
        return 2 * self.pad + self.title_height + self.size


class FrameRenderer:
    """Draws the frames of one run: fixed points and axes, one boundary per frame.

    Made after training: the points, the loss curves and their axes come from the
    ``session`` as it is then; ``epochs`` is the length of the whole run (the loss
    axis spans it) and ``subtitle`` the line describing the run.
    """

    def __init__(self, session: Session, epochs: int, size: int, show_test: bool, subtitle: str):
        plan = session.plan
        self.kind, self.output, self.n_classes = plan.kind, plan.output, plan.n_classes
        self.classification = plan.is_classification
        self.layout = Layout(size)
        self.epochs = max(1, epochs)
        self.subtitle = subtitle
        keep = session.is_train | show_test
        pts, labels, train = session.points[keep], session.labels[keep], session.is_train[keep]
        order = np.argsort(train, kind="stable")  # test points first, training on top
        self.points = pts[order]
        self.train = train[order]
        colors = point_colors(LIGHT, self.kind, self.n_classes, labels)
        self.colors = [colors[i] for i in order]
        history = session.history
        self.epoch = history.column("epoch")
        self.train_loss = history.column("train_loss")
        self.test_loss = history.column("test_loss")
        self.test_accuracy = history.column("test_accuracy")
        losses = np.concatenate([self.train_loss, self.test_loss])
        losses = losses[np.isfinite(losses)]
        top = float(losses.max()) if losses.size else 1.0
        step = nice_step(top if top > 0 else 1.0, 4)
        self.loss_top = step * max(1, math.ceil(top / step - 1e-9))

    def key_colors(self, heat_steps: int = 64) -> list[str]:
        """Colours that must come out exactly in a GIF's palette: background, text,
        curves and points, plus ``heat_steps`` steps along the heatmap's colour scale
        (without them a palette fitted to the frames bands the pale early boundary)."""
        t = LIGHT
        points = [] if self.kind == "regression" else list(class_colors(self.kind, self.n_classes))
        if self.kind == "multiclass":
            per_class = max(2, heat_steps // self.n_classes)
            classes, steps = np.divmod(np.arange(self.n_classes * per_class), per_class)
            ramp = class_mix(classes, steps / (per_class - 1), t, self.n_classes)
        else:
            ramp = _palette()[np.linspace(0, 255, heat_steps).round().astype(np.intp)]
        ramp = HEAT_ALPHA * ramp + (1 - HEAT_ALPHA) * 255
        heat = ["#{:02x}{:02x}{:02x}".format(*c) for c in ramp.round().astype(int)]
        return [t.background, t.text, t.muted, t.grid, TEST_COLOR, TRAIN_COLOR, *points, *heat]

    # ------------------------------------------------------------------ frames
    def render(self, epoch: int, out: np.ndarray) -> Image.Image:
        """The frame for ``epoch``, whose boundary grid is ``out``."""
        k = SUPERSAMPLE
        lay = self.layout
        canvas = Image.new("RGB", (lay.width * k, lay.height * k), LIGHT.background)
        draw = ImageDraw.Draw(canvas)
        x0, y0 = lay.pad * k, (lay.pad + lay.title_height) * k
        self._title(draw, epoch, k)
        plane = heatmap(out, self.kind, self.output, self.n_classes, lay.size * k)
        self._points(ImageDraw.Draw(plane), lay.size * k, k)  # clipped to the plane
        canvas.paste(plane, (x0, y0))
        draw.rectangle(
            [x0, y0, x0 + lay.size * k - 1, y0 + lay.size * k - 1], outline=LIGHT.grid, width=k
        )
        self._chart(draw, epoch, (x0 + (lay.size + lay.gap) * k, y0), k)
        return canvas.resize((lay.width, lay.height), Image.Resampling.LANCZOS)

    def _row(self, epoch: int) -> int:
        return int(np.searchsorted(self.epoch, epoch, side="right")) - 1

    def _title(self, draw: ImageDraw.ImageDraw, epoch: int, k: int) -> None:
        lay = self.layout
        big = _font(lay.big * k)
        x, base = lay.pad * k, (lay.pad + round(lay.big * 1.05)) * k
        head = f"Epoch {epoch}"
        draw.text((x, base), head, font=big, fill=LIGHT.text, anchor="ls")
        row = self._row(epoch)
        facts = [f"test loss {format_loss(self.test_loss[row])}"]
        facts.append(f"training loss {format_loss(self.train_loss[row])}")
        accuracy = self.test_accuracy[row]
        if self.classification and math.isfinite(accuracy):
            facts.append(f"test accuracy {100 * accuracy:.1f} %")
        # Leave room for the widest epoch label so the facts do not jump between frames.
        widest = f"Epoch {'8' * len(str(self.epochs))}"
        fx = x + draw.textlength(widest, font=big) + lay.gap * k
        text = "    ".join(facts)
        font = _fitted(draw, text, lay.mid * k, (lay.width - lay.pad) * k - fx)
        draw.text((fx, base), text, font=font, fill=LIGHT.text, anchor="ls")
        sub_base = base + round(lay.mid * 1.55) * k
        font = _fitted(draw, self.subtitle, lay.mid * k, (lay.width - 2 * lay.pad) * k)
        draw.text((x, sub_base), self.subtitle, font=font, fill=LIGHT.muted, anchor="ls")

    def _points(self, draw: ImageDraw.ImageDraw, px: int, k: int) -> None:
        radius = max(2.5, self.layout.size * 0.0115) * k
        outline = max(1, round(self.layout.size / 300 * k))
        scale = px / (2 * EXTENT)
        for (x1, x2), train, color in zip(self.points, self.train, self.colors):
            cx, cy = (x1 + EXTENT) * scale, (EXTENT - x2) * scale
            box = [cx - radius, cy - radius, cx + radius, cy + radius]
            line = (255, 255, 255) if train else TEST_COLOR
            draw.ellipse(box, fill=color, outline=line, width=outline)

    def _chart(self, draw: ImageDraw.ImageDraw, epoch: int, origin, k: int) -> None:
        lay = self.layout
        small = _font(lay.small * k)
        line = max(1, round(lay.size / 180)) * k
        ox, oy = origin
        # Plot area: room for y labels on the left, x labels and the axis name below,
        # the legend above.
        y_labels = [_label(v) for v in _ticks(self.loss_top, 4)]
        label_w = max(draw.textlength(t, font=small) for t in y_labels)
        left = ox + label_w + lay.small * k
        right = ox + (lay.chart_width - lay.small) * k  # room for the last x label
        top = oy + round(lay.small * 1.8) * k
        bottom = oy + (lay.size - round(lay.small * 2.8)) * k

        def sx(e: float) -> float:
            return left + (right - left) * e / self.epochs

        def sy(v: float) -> float:
            return bottom - (bottom - top) * min(v, self.loss_top) / self.loss_top

        for v in _ticks(self.loss_top, 4):
            y = sy(v)
            draw.line([(left, y), (right, y)], fill=LIGHT.grid, width=k)
            draw.text(
                (left - lay.small * k // 2, y), _label(v), font=small, fill=LIGHT.muted, anchor="rm"
            )
        for e in _ticks(self.epochs, 5, integer=True):
            x = sx(e)
            draw.line([(x, bottom), (x, bottom + lay.small * k // 3)], fill=LIGHT.muted, width=k)
            draw.text(
                (x, bottom + lay.small * k // 2),
                _label(e),
                font=small,
                fill=LIGHT.muted,
                anchor="mt",
            )
        draw.line([(left, bottom), (right, bottom)], fill=LIGHT.muted, width=k)
        draw.text(
            ((left + right) / 2, oy + lay.size * k),
            "epoch",
            font=small,
            fill=LIGHT.muted,
            anchor="md",
        )
        draw.text((left, oy), "loss", font=small, fill=LIGHT.muted, anchor="lt")
        self._legend(draw, right, oy, small, line, k)

        shown = self.epoch <= epoch
        xs = np.array([sx(e) for e in self.epoch[shown]])
        for run in _runs(xs, self.test_loss[shown]):
            xy = [(x, sy(v)) for x, v in run]
            if len(xy) > 1:
                draw.line(xy, fill=TEST_COLOR, width=line, joint="curve")
        for run in _runs(xs, self.train_loss[shown]):  # on top, as on the page
            xy = [(x, sy(v)) for x, v in run]
            if len(xy) > 1:
                _dashed(draw, xy, TRAIN_COLOR, line, 6 * line // k, 4 * line // k)
        row = self._row(epoch)
        value = self.test_loss[row]
        if math.isfinite(value):  # where the curve is now
            r = 2.2 * line
            cx, cy = sx(self.epoch[row]), sy(value)
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=TEST_COLOR)

    def _legend(self, draw, right: float, oy: float, font, line: int, k: int) -> None:
        """ "— test   - - training" at the top right of the chart."""
        seg = 28 * k * self.layout.size / 360
        space = self.layout.small * k
        y = oy + self.layout.small * k * 0.55
        x = right
        for name, color, dashed in (("training", TRAIN_COLOR, True), ("test", TEST_COLOR, False)):
            x -= draw.textlength(name, font=font)
            draw.text((x, y), name, font=font, fill=LIGHT.muted, anchor="lm")
            x -= space * 0.4 + seg
            xy = [(x, y), (x + seg, y)]
            if dashed:
                _dashed(draw, xy, color, line, 6 * line // k, 4 * line // k)
            else:
                draw.line(xy, fill=color, width=line)
            x -= space * 1.5
