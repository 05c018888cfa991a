"""A plain bar chart as PNG bytes, drawn with Pillow: title, axes, labels, counts."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

WIDTH_PER_BAR = 44
MAX_BAR_WIDTH = 56
MIN_WIDTH, MAX_WIDTH, HEIGHT = 640, 1600, 480
LEFT, RIGHT, TOP, BOTTOM = 72, 24, 84, 72
MAX_TICKS = 5
BACKGROUND, INK, GRID, BAR, MUTED = (
    "#ffffff",
    "#1f2933",
    "#d9dee3",
    "#0a78cc",
    "#52606d",
)

FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class _Canvas:
    image: Image.Image
    draw: ImageDraw.ImageDraw
    left: int
    top: int
    right: int
    bottom: int

    @property
    def plot_width(self) -> int:
        return self.right - self.left

    @property
    def plot_height(self) -> int:
        return self.bottom - self.top


def draw_bar_chart(
    bars: Sequence[tuple[str, int]],
    *,
    title: str,
    empty_text: str,
    subtitle: str = "",
    x_label: str = "",
    y_label: str = "",
) -> bytes:
    """A PNG with one bar per (label, count); ``empty_text`` when all are 0."""
    width = min(MAX_WIDTH, max(MIN_WIDTH, LEFT + RIGHT + WIDTH_PER_BAR * len(bars)))
    image = Image.new("RGB", (width, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    canvas = _Canvas(image, draw, LEFT, TOP, width - RIGHT, HEIGHT - BOTTOM)
    _draw_titles(canvas, title, subtitle)
    top = max((count for _, count in bars), default=0)
    if top <= 0:
        _centered(canvas, empty_text, (canvas.top + canvas.bottom) // 2, _font(22))
    else:
        _draw_axes(canvas, _tick_step(top), top, x_label, y_label)
        _draw_bars(canvas, bars, _scale_top(top))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _draw_titles(canvas: _Canvas, title: str, subtitle: str) -> None:
    _centered(canvas, title, 14, _font(22))
    if subtitle:
        _centered(canvas, subtitle, 46, _font(15), fill=MUTED)


def _draw_axes(
    canvas: _Canvas, step: int, top: int, x_label: str, y_label: str
) -> None:
    draw, font = canvas.draw, _font(13)
    scale_top = _scale_top(top)
    for value in range(0, scale_top + 1, step):
        y = canvas.bottom - round(value / scale_top * canvas.plot_height)
        draw.line([(canvas.left, y), (canvas.right, y)], fill=GRID)
        label = str(value)
        x = canvas.left - 8 - draw.textlength(label, font=font)
        draw.text((x, y), label, fill=INK, font=font, anchor="lm")
    draw.line([(canvas.left, canvas.top), (canvas.left, canvas.bottom)], fill=INK)
    draw.line([(canvas.left, canvas.bottom), (canvas.right, canvas.bottom)], fill=INK)
    draw.text((8, canvas.top - 14), y_label, fill=MUTED, font=font, anchor="ls")
    x_middle = (canvas.left + canvas.right) // 2
    draw.text((x_middle, HEIGHT - 12), x_label, fill=MUTED, font=font, anchor="ms")


def _draw_bars(canvas: _Canvas, bars: Sequence[tuple[str, int]], top: int) -> None:
    draw, font = canvas.draw, _font(12)
    slot = canvas.plot_width / len(bars)
    widest = max(draw.textlength(label, font=font) for label, _ in bars)
    label_every = max(1, math.ceil((widest + 8) / slot))
    for index, (label, count) in enumerate(bars):
        left = canvas.left + index * slot
        middle = left + slot / 2
        height = round(count / top * canvas.plot_height)
        if count:
            half = min(slot * 0.35, MAX_BAR_WIDTH / 2)
            box = [middle - half, canvas.bottom - height, middle + half, canvas.bottom]
            draw.rectangle(box, fill=BAR)
        if draw.textlength(str(count), font=font) <= slot:
            draw.text(
                (middle, canvas.bottom - height - 4),
                str(count),
                fill=INK,
                font=font,
                anchor="ms",
            )
        if index % label_every == 0:
            draw.text(
                (middle, canvas.bottom + 8), label, fill=INK, font=font, anchor="mt"
            )


def _centered(
    canvas: _Canvas, text: str, y: int, font: FontType, fill: str = INK
) -> None:
    x = canvas.image.width // 2
    canvas.draw.text((x, y), text, fill=fill, font=font, anchor="mt")


def _tick_step(top: int) -> int:
    """1, 2 or 5 times a power of ten, giving at most ``MAX_TICKS`` gridlines."""
    magnitude = 10 ** max(0, math.floor(math.log10(top)) - 1)
    for step in (f * m for m in (magnitude, 10 * magnitude) for f in (1, 2, 5)):
        if math.ceil(top / step) <= MAX_TICKS:
            return step
    return 100 * magnitude


def _scale_top(top: int) -> int:
    step = _tick_step(top)
    return math.ceil(top / step) * step


def _font(size: int) -> FontType:
    # Pillow's bundled font scales when FreeType is present, else a fixed bitmap.
    return ImageFont.load_default(size=size)
