"""The two file formats: an animated GIF, and one HTML file with its own player.

GIF frames share one 255-colour palette, so a colour that does not change keeps
its index from frame to frame and the encoder stores only what changed (most of the
title and the axes do not); the page's key colours are in it exactly.

The HTML file embeds every frame as a base64 data URI and plays them with a few
lines of inline JavaScript: it needs no server, no network and no other file, so it
can be opened from ``file://``, mailed, or dropped into a slide deck's folder.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from playground.ui.theme import rgb

#: Frames the GIF palette is fitted to (evenly spaced through the animation).
_PALETTE_SAMPLES = 5
#: GIF allows 256 colours; one index stays free for Pillow's "unchanged pixel"
#: transparency, which lets each frame store only what moved.
_GIF_COLORS = 255
#: Lossy WebP at this quality keeps text crisp and gradients smooth at about a third
#: of a lossless PNG's size (every browser of the last five years shows WebP).
_WEBP_QUALITY = 90


def _shared_palette(frames: list[Image.Image], key_colors: Sequence[str]) -> Image.Image:
    """One palette for every frame: the exact ``key_colors`` (background, text, point
    colours and steps of the heatmap's scale), a few greys for anti-aliased text, and
    the rest (anti-aliased edges) fitted by octree to a few frames side by side."""
    greys = [(v, v, v) for v in range(0x30, 0xF0, 0x18)]
    fixed = list(dict.fromkeys([tuple(rgb(c).astype(int).tolist()) for c in key_colors] + greys))
    n = len(frames)
    picks = sorted({round(i * (n - 1) / (_PALETTE_SAMPLES - 1)) for i in range(_PALETTE_SAMPLES)})
    w, h = frames[0].size
    sheet = Image.new("RGB", (w * len(picks), h))
    for i, j in enumerate(picks):
        sheet.paste(frames[j], (i * w, 0))
    fitted = sheet.quantize(colors=_GIF_COLORS - len(fixed), method=Image.Quantize.FASTOCTREE)
    table = fitted.getpalette()
    used = sorted(index for _, index in fitted.getcolors(_GIF_COLORS + 1))
    fitted_colors = [tuple(table[3 * i : 3 * i + 3]) for i in used]
    colors = list(dict.fromkeys(fixed + fitted_colors))[:_GIF_COLORS]
    palette = [v for color in colors for v in color]
    image = Image.new("P", (1, 1))
    image.putpalette(palette)
    return image


def _durations(n: int, fps: float, hold: float) -> list[int]:
    """Milliseconds per frame; the last one stays ``hold`` seconds before the loop."""
    frame = round(1000 / fps)
    return [frame] * (n - 1) + [max(frame, round(1000 * hold))]


def write_gif(
    frames: list[Image.Image],
    path: Path,
    fps: float,
    hold: float,
    key_colors: Sequence[str] = (),
) -> None:
    """An endlessly looping GIF of ``frames`` at ``fps`` frames a second; the colours
    in ``key_colors`` are kept exactly."""
    palette = _shared_palette(frames, key_colors)
    images = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    images[0].save(
        path,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=_durations(len(images), fps, hold),
        loop=0,
        optimize=True,  # unchanged pixels become transparent: much smaller files
    )


def _data_uri(frame: Image.Image) -> str:
    buffer = io.BytesIO()
    frame.save(buffer, format="WEBP", quality=_WEBP_QUALITY, method=4)
    return "data:image/webp;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ margin: 0; background: #ffffff; color: #212121;
         font: 16px system-ui, -apple-system, "Segoe UI", sans-serif; }}
  main {{ max-width: {width}px; margin: 0 auto; padding: 8px; }}
  #frames img {{ display: none; width: 100%; height: auto; }}
  #frames img.shown {{ display: block; }}
  .controls {{ display: flex; align-items: center; gap: 12px; margin-top: 6px; }}
  #play {{ font: inherit; min-width: 5.5em; padding: 4px 10px; cursor: pointer; }}
  #frame-slider {{ flex: 1; }}
  #frame-label {{ min-width: 7em; font-variant-numeric: tabular-nums; }}
  .note {{ color: #666666; font-size: 13px; margin: 6px 0 0; overflow-wrap: anywhere; }}
</style>
</head>
<body>
<main>
<div id="frames">
{images}
</div>
<div class="controls">
  <button id="play" type="button">Pause</button>
  <input id="frame-slider" type="range" min="0" max="{last}" value="0" step="1"
         aria-label="Frame">
  <span id="frame-label">Epoch {first_epoch}</span>
</div>
<p class="note">Settings (the page's URL query): <code>{query}</code>.
Space plays or pauses; the arrow keys step.</p>
</main>
<script>
(function () {{
  "use strict";
  var frames = document.querySelectorAll("#frames img");
  var slider = document.getElementById("frame-slider");
  var label = document.getElementById("frame-label");
  var button = document.getElementById("play");
  var interval = {interval}, hold = {hold};
  var index = 0, timer = null;

  function show(i) {{
    frames[index].classList.remove("shown");
    index = i;
    frames[index].classList.add("shown");
    slider.value = String(index);
    label.textContent = "Epoch " + frames[index].dataset.epoch;
  }}
  function tick() {{
    show((index + 1) % frames.length);
    timer = setTimeout(tick, index === frames.length - 1 ? hold : interval);
  }}
  function play() {{
    if (timer !== null) return;
    button.textContent = "Pause";
    timer = setTimeout(tick, interval);
  }}
  function pause() {{
    clearTimeout(timer);
    timer = null;
    button.textContent = "Play";
  }}
  button.addEventListener("click", function () {{ timer === null ? play() : pause(); }});
  slider.addEventListener("input", function () {{ pause(); show(Number(slider.value)); }});
  document.addEventListener("keydown", function (event) {{
    if (event.target === slider) return;
    if (event.key === " ") {{
      event.preventDefault();
      timer === null ? play() : pause();
    }} else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {{
      pause();
      var step = event.key === "ArrowRight" ? 1 : frames.length - 1;
      show((index + step) % frames.length);
    }}
  }});
  show(0);
  if (frames.length > 1) play(); else pause();
}})();
</script>
</body>
</html>
"""


def write_html(
    frames: list[Image.Image],
    epochs: list[int],
    path: Path,
    fps: float,
    hold: float,
    title: str,
    query: str,
) -> None:
    """One self-contained HTML file that plays ``frames`` (epoch ``epochs[i]`` each)."""
    images = "\n".join(
        f'<img alt="Epoch {e}" data-epoch="{e}" src="{_data_uri(f)}">'
        for e, f in zip(epochs, frames)
    )
    durations = _durations(len(frames), fps, hold)
    page = _PAGE.format(
        title=html.escape(title),
        width=frames[0].width + 16,
        images=images,
        last=len(frames) - 1,
        first_epoch=epochs[0],
        query=html.escape(query or "(all defaults)"),
        interval=json.dumps(durations[0]),
        hold=json.dumps(durations[-1]),
    )
    Path(path).write_text(page, encoding="utf-8")
