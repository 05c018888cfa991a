"""The chart of Webex Go calls per day is a readable PNG."""

import io
from datetime import date, timedelta

import pytest
from PIL import Image

from handlers.report_chart import MAX_WIDTH, _tick_step
from handlers.reports import Summary, read_call_history, render_chart_png
from tests.reports.conftest import SAMPLE


def _image(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    Image.open(io.BytesIO(png)).verify()
    return Image.open(io.BytesIO(png))


def _colours(image: Image.Image) -> dict[tuple, int]:
    colours = image.getcolors(image.width * image.height)
    return {colour: count for count, colour in colours}


def _bar_pixels(image: Image.Image) -> int:
    return _colours(image).get((0x0A, 0x78, 0xCC), 0)


def test_the_sample_chart_is_a_png_with_bars():
    with open(SAMPLE, "rb") as file:
        summary = read_call_history(file).summary

    image = _image(render_chart_png(summary))

    assert image.format == "PNG"
    assert image.size == (640, 480)
    assert image.mode == "RGB"
    assert _bar_pixels(image) > 10_000


@pytest.mark.parametrize(
    "summary",
    [Summary(), Summary(total_calls=5), Summary(total_calls=1, webex_go_calls=1)],
    ids=["no calls", "no webex go calls", "no dated calls"],
)
def test_without_webex_go_calls_the_chart_says_so(summary):
    image = _image(render_chart_png(summary))

    assert image.size == (640, 480)
    assert _bar_pixels(image) == 0
    assert len(_colours(image)) > 2  # the title and the notice are drawn


def _days(count: int) -> Summary:
    first = date(2025, 1, 1)
    summary = Summary(total_calls=count, webex_go_calls=count, first_day=first)
    summary.last_day = first + timedelta(days=count - 1)
    for n in range(count):
        summary.calls_per_day[first + timedelta(days=n)] = 1 + n % 7
    return summary


@pytest.mark.parametrize("days", [1, 30, 400, 1500])
def test_any_number_of_days_gives_a_chart_of_bounded_size(days):
    image = _image(render_chart_png(_days(days)))

    assert 640 <= image.width <= MAX_WIDTH
    assert image.height == 480
    assert _bar_pixels(image) > 0


@pytest.mark.parametrize(
    ("top", "step"), [(1, 1), (2, 1), (5, 1), (6, 2), (11, 5), (48, 10), (999, 200)]
)
def test_gridlines_fall_on_round_numbers(top, step):
    assert _tick_step(top) == step
