"""Figure, axes, title and number helpers shared by the charts."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TypeVar

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.text import Text
from matplotlib.ticker import (
    MaxNLocator,
)

from research._plotting.display import show_figures_inline
from research._plotting.fonts import use_cjk_fonts
from research._plotting.style import (
    ANNOT_SIZE,
    COLORS,
    FIG_WIDTH,
    LABEL_SIZE,
    SEGMENT_PALETTE,
    TICK_SIZE,
    TITLE_SIZE,
)
from research._validation import require_frame

_R = TypeVar("_R")

# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _require_frame(obj: object, what: str) -> pd.DataFrame:
    hint = ""
    if obj is None and what == "selection_scores":
        hint = (
            " (CustomerSegmenter.selection_scores_ is None when n_segments is fixed: "
            "fit with n_segments='auto' to compare several k)"
        )
    return require_frame(obj, what, hint)


def _require_result(obj: object, cls: type[_R] | tuple[type, ...], name: str, source: str) -> _R:
    """``obj`` if it is a ``cls`` (the result object a chart draws), else a TypeError naming
    the argument and the function that makes the result."""
    if not isinstance(obj, cls):
        kinds = cls if isinstance(cls, tuple) else (cls,)
        names = " or ".join(k.__name__ for k in kinds)
        article = "an" if names[0] in "AEIOU" else "a"
        raise TypeError(
            f"{name} must be {article} {names} (the result of {source}), got {type(obj).__name__}"
        )
    return obj  # type: ignore[return-value]


def _new_figure(height: float) -> Figure:
    # Made with pyplot, so that its backend (inline in a notebook) is set up and can show it,
    # then closed at once: returned as a cell's result it is shown once, not a second time
    # by the backend at the end of the cell, and no figure is left open in pyplot.
    use_cjk_fonts()
    show_figures_inline()
    fig = plt.figure(figsize=(FIG_WIDTH, height), layout="constrained")
    plt.close(fig)
    return fig


def _axes_or_new(ax: Axes | None, height: float) -> tuple[Figure, Axes]:
    if ax is None:
        fig = _new_figure(height)
        return fig, fig.add_subplot()
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    use_cjk_fonts()
    return ax.get_figure(root=True), ax


def _finish(fig: Figure) -> Figure:
    # Figures made here use constrained layout. A caller's figure without an active layout
    # engine (None, or the placeholder left by an earlier tight_layout) gets tight_layout so
    # that the new labels fit; a constrained one lays itself out when drawn.
    engine = fig.get_layout_engine()
    if engine is None or isinstance(engine, PlaceHolderLayoutEngine):
        fig.tight_layout()
    return fig


def _wrap(title: str, width: int = 78) -> str:
    """Wrap each line of a title so that it fits the figure width."""
    return "\n".join(textwrap.fill(line, width) for line in title.split("\n"))


def _set_title(fig: Figure, ax: Axes | None, title: str) -> None:
    """Title at the top left of a figure made here, or above the caller's axes."""
    if ax is None:
        fig.suptitle(_wrap(title), x=0.01, ha="left", fontsize=TITLE_SIZE, fontweight="bold")
    else:
        ax.set_title(_wrap(title), loc="left", fontsize=TITLE_SIZE, fontweight="bold")


def _label_axes(fig: Figure, ax: Axes, own: bool, title: str, xlabel: str, ylabel: str) -> None:
    """Title (figure title when ``own``, else axes title), axis labels and tick sizes."""
    _set_title(fig, None if own else ax, title)
    ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)


def _estimates_with_intervals(
    ax: Axes,
    x: np.ndarray,
    y: np.ndarray,
    *,
    label: str,
    gid: str,
    xerr: np.ndarray | None = None,
    yerr: np.ndarray | None = None,
    size: float = 7,
) -> None:
    """Points with error bars in the house colour; the points' line gets ``gid`` for tests."""
    bars = ax.errorbar(
        x,
        y,
        xerr=xerr,
        yerr=yerr,
        fmt="o",
        color=COLORS["main"],
        ecolor=COLORS["main"],
        elinewidth=1.5 + (size - 7) / 2,
        capsize=size - 3,
        markersize=size,
        zorder=3,
        label=label,
    )
    bars.lines[0].set_gid(gid)


def _segment_colors(names: Sequence[str]) -> dict[str, str]:
    """One light colour per segment name, in order, from :data:`SEGMENT_PALETTE`."""
    names = list(dict.fromkeys(names))
    if len(names) <= len(SEGMENT_PALETTE):
        colors = SEGMENT_PALETTE[: len(names)]
    else:
        colors = sns.color_palette("husl", len(names), desat=0.6).as_hex()
    return dict(zip(names, colors, strict=True))


def _text_color(fill: str) -> str:
    r, g, b = to_rgb(fill)
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


# --------------------------------------------------------------------------------------------
# 6. lifetime value: holdout check
# --------------------------------------------------------------------------------------------


def _optional_values(frame: pd.DataFrame, col: str) -> np.ndarray:
    """The column as float64, missing values kept as NaN (e.g. no interval for 1 customer)."""
    series = frame[col]
    if pd.api.types.is_bool_dtype(series.dtype) or not pd.api.types.is_numeric_dtype(series.dtype):
        raise TypeError(f"column {col!r} must be numeric, got dtype {series.dtype}")
    return series.to_numpy(dtype=np.float64, na_value=np.nan)


def _log_tick(x: float, _pos: object = None) -> str:
    """Decade ticks as plain numbers between 0.01 and 100,000, powers of ten outside."""
    if x <= 0:
        return ""
    if 1e-2 <= x < 1e6:
        return f"{x:,.2f}".rstrip("0").rstrip(".")
    power = round(math.log10(x))
    if math.isclose(x, 10.0**power, rel_tol=1e-9):
        return f"$10^{{{power}}}$"
    return f"{x:.0e}"


def _plain(*texts: Text | None) -> None:
    """Draw texts as they are: a currency such as "US$" must not start mathtext."""
    for text in texts:
        if text is not None:
            text.set_parse_math(False)


def _interval_errors(est: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Error bar lengths below and above each estimate; 0 where a bound is missing."""
    err = np.vstack([est - low, high - est])
    return np.where(np.isfinite(err), np.maximum(err, 0), 0)


def _percent_axis(axis) -> None:
    """Ticks of a share axis at round percentages (5%, 2% or 1% apart, ...), as "25%"."""
    axis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 5, 10]))
    axis.set_major_formatter(lambda x, pos: f"{round(100 * x, 6):g}%")


def _clean_spines(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _footnote(ax: Axes, text: str) -> Text:
    """A small grey note under the x axis label, starting at the left of the axes."""
    note = ax.annotate(
        text,
        xy=(0, 0),
        xycoords=(ax.transAxes, ax.xaxis.label),
        xytext=(0, -3),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=ANNOT_SIZE,
        fontstyle="italic",
        color=COLORS["reference"],
        gid="footnote",
    )
    _plain(note)
    return note
