"""Helpers of the chart tests: texts and lines found by gid, readability, inputs unchanged."""

import matplotlib

matplotlib.use("Agg")


import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def _title(fig: Figure) -> str:
    """The figure title and every axes title, on one line."""
    titles = [fig.get_suptitle()]
    for ax in fig.axes:
        titles += [ax.get_title("left"), ax.get_title(), ax.get_title("right")]
    return " ".join(t for t in titles if t).replace("\n", " ")


def _by_gid(fig: Figure, gid: str) -> Text:
    found = [t for t in fig.findobj(Text) if t.get_gid() == gid]
    assert len(found) == 1, f"expected one text with gid {gid!r}, found {len(found)}"
    return found[0]


def _assert_readable(fig: Figure) -> None:
    """Every text is at least 8 pt and lies inside the figure (nothing cut off)."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    undrawn = set()  # labels of ticks outside the view limits exist but are not drawn
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    undrawn |= {id(tick.label1), id(tick.label2)}
    for text in fig.findobj(Text):
        if id(text) in undrawn or not (text.get_visible() and text.get_text()):
            continue
        assert text.get_fontsize() >= 8, f"text {text.get_text()!r} is too small"
        box = text.get_window_extent(renderer)
        assert box.x0 >= -1 and box.y0 >= -1, f"text {text.get_text()!r} is cut off"
        assert box.x1 <= width + 1 and box.y1 <= height + 1, f"{text.get_text()!r} is cut off"


def _assert_labelled(ax) -> None:
    assert ax.get_xlabel().strip()
    assert ax.get_ylabel().strip()


def _deep_copy(data):
    """A deep copy of a frame, or of the frames of a result dataclass."""
    if isinstance(data, pd.DataFrame):
        return data.copy(deep=True)
    return {
        k: v.copy() if isinstance(v, pd.DataFrame | pd.Series | np.ndarray) else v
        for k, v in vars(data).items()
    }


def _assert_unchanged(data, before) -> None:
    if isinstance(data, pd.DataFrame):
        pd.testing.assert_frame_equal(data, before)
        assert data.attrs.keys() == before.attrs.keys()
        return
    for key, value in vars(data).items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, before[key])
        elif isinstance(value, pd.Series):
            pd.testing.assert_series_equal(value, before[key])
        elif isinstance(value, np.ndarray):
            np.testing.assert_array_equal(value, before[key])
        else:
            assert value == before[key]


def _gid_lines(ax, prefix: str) -> list:
    return [line for line in ax.lines if str(line.get_gid() or "").startswith(prefix)]


def _gid_line(ax, gid: str):
    found = [line for line in ax.lines if line.get_gid() == gid]
    assert len(found) == 1, f"expected one line with gid {gid!r}, found {len(found)}"
    return found[0]


def _errorbar_x(ax, gid: str) -> np.ndarray:
    return np.asarray(_gid_line(ax, gid).get_xdata(), dtype=float)


def _tick_texts(labels) -> list[str]:
    return [t.get_text() for t in labels]
