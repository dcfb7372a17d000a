"""Standard charts of the segmentation, lifetime-value, funnel, message, headline and
lead-scoring analyses.

Each function takes the pandas objects returned by :mod:`research.segmentation`,
:mod:`research.clv`, :mod:`research.funnel`, :mod:`research.messages`,
:mod:`research.headlines` or :mod:`research.conversion` and returns a
:class:`matplotlib.figure.Figure`
with a title, labelled axes (with units) and the same palette and font sizes as the other
charts:

* :func:`plot_k_selection`: the criteria used to choose the number of segments;
* :func:`plot_rfm_grid`: customers per cell of the R x FM score grid, coloured by segment;
* :func:`plot_segment_profile`: how each segment differs from the average customer (lift);
* :func:`plot_segment_value`: share of customers against share of value per segment
  (:func:`research.segmentation.segment_value_table` builds its input from
  :func:`~research.segmentation.rfm_segments`);
* :func:`plot_stability`: how well the segments survive bootstrap refits;
* :func:`plot_holdout_check`: actual against BG/NBD-expected purchases in a holdout period,
  per number of calibration-period purchases (:func:`research.clv.holdout_check`);
* :func:`plot_clv_distribution`: the distribution of customer lifetime value and how much of
  it the best customers hold (:func:`research.clv.customer_lifetime_value`);
* :func:`plot_parameter_intervals`: a fitted model's parameters with their 95% intervals,
  against published values (:func:`research.clv.fit_bgnbd`, ``fit_gamma_gamma``);
* :func:`plot_funnel`: leads per funnel stage, the conversion to the next stage with its
  interval, and the bottleneck (:func:`research.funnel.funnel`);
* :func:`plot_conversion_by_group`: the conversion from one stage to the next per source,
  campaign or monthly cohort, against the overall rate (``funnel(..., by=...)``);
* :func:`plot_cycle_curves`: Kaplan-Meier curves of the share of deals still open
  (:func:`research.funnel.cycle_length`);
* :func:`plot_sla`: share of leads answered within the SLA per team or rep, with the median
  response time (:func:`research.funnel.sla_compliance`);
* :func:`plot_speed_to_lead`: conversion by response time and the odds ratio of answering
  within the SLA (:func:`research.funnel.speed_to_lead_effect`; observational);
* :func:`plot_league_table`: reps ranked with intervals and shrunk rates against the team
  rate (:func:`research.funnel.league_table`);
* :func:`plot_roi_by_channel`: campaign ROI per channel against break-even
  (:func:`research.funnel.roi_by_channel`);
* :func:`plot_distinctive_terms`: the Fightin' Words chart, the words that set one group's
  texts apart from another's, by frequency and z-score
  (:func:`research.messages.distinctive_terms`);
* :func:`plot_claim_coverage`: per campaign claim, the share of marketing and of sales messages
  that carry it, pooled over campaigns (:func:`research.messages.claim_coverage`);
* :func:`plot_headline_effects`: the click-through lift of each headline feature with its
  interval (:func:`research.headlines.headline_effects`);
* :func:`plot_cumulative_gains`: share of buyers reached against share of leads called, with
  the random line and "the top 50% reaches X%" marked
  (:func:`research.conversion.cumulative_gains`);
* :func:`plot_calibration`: predicted against observed conversion per score bin, with
  intervals and counts (:func:`research.conversion.calibration_table`);
* :func:`plot_lift_table`: conversion rate, lift and counts per score decile
  (:func:`research.conversion.lift_table`);
* :func:`plot_profit_curve`: profit of calling the top leads and the best cut-off
  (:func:`research.conversion.profit_curve`);
* :func:`plot_evaluation_schemes`: metric estimates with intervals per evaluation scheme,
  side by side (:func:`research.conversion.evaluate`).

Each new figure is closed in :mod:`matplotlib.pyplot` as soon as it is made: a notebook shows
it exactly once when it is the cell's result (or with ``display(fig)``), nothing is left open
in pyplot's figure list, and ``plt.show()`` is never needed (nor shows it); save it with
``fig.savefig``. Functions that draw on a single axes also accept ``ax=`` to draw into an
existing figure. Inputs are never modified.

Korean, Japanese and Chinese text (terms, claims) needs a font with their glyphs, which
matplotlib does not ship: on import this module looks for one (:data:`CJK_FONTS`): a system
font with all three scripts, e.g. "Noto Sans CJK JP" from the Debian package
``fonts-noto-cjk``, or else the Nanum Gothic and IPAex Gothic fonts installed with the package
(koreanize-matplotlib, matplotlib-fontja), and appends them to
``rcParams["font.family"]`` as fallbacks for the glyphs the main font lacks. Without such a
font the charts still draw, with empty boxes for those glyphs (and matplotlib's "Glyph ...
missing" warnings).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import itertools
import math
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.patches import Patch
from matplotlib.text import Annotation, Text
from matplotlib.ticker import (
    FixedLocator,
    LogLocator,
    MaxNLocator,
    PercentFormatter,
    ScalarFormatter,
    StrMethodFormatter,
)
from statsmodels.stats.proportion import proportion_confint

from research._checks import (
    nonnegative_values,
    numeric_values,
    require_columns,
    require_frame,
    require_rows,
    rows_repr,
)
from research.segmentation import RFM_SEGMENT_RULES

__all__ = [
    "plot_k_selection",
    "plot_rfm_grid",
    "plot_segment_profile",
    "plot_segment_value",
    "plot_stability",
    "plot_holdout_check",
    "plot_clv_distribution",
    "plot_parameter_intervals",
    "plot_funnel",
    "plot_conversion_by_group",
    "plot_cycle_curves",
    "plot_sla",
    "plot_speed_to_lead",
    "plot_league_table",
    "plot_roi_by_channel",
    "plot_distinctive_terms",
    "plot_claim_coverage",
    "plot_headline_effects",
    "plot_cumulative_gains",
    "plot_calibration",
    "plot_lift_table",
    "plot_profit_curve",
    "plot_evaluation_schemes",
]

# --------------------------------------------------------------------------------------------
# shared look: sizes and palette
# --------------------------------------------------------------------------------------------

#: Width of every figure, in inches: readable on a report page or a laptop screen.
FIG_WIDTH = 9.0
TITLE_SIZE = 13
PANEL_TITLE_SIZE = 11
LABEL_SIZE = 11
TICK_SIZE = 10
ANNOT_SIZE = 9

_CB = sns.color_palette("colorblind").as_hex()
#: Colours with a fixed meaning across the charts (seaborn's colour-blind safe palette).
COLORS = {
    "main": _CB[0],  # lines and points
    "customers": _CB[0],
    "value": _CB[1],
    "chosen": _CB[3],  # the chosen k
    "stable": _CB[2],
    "unclear": _CB[8],
    "dissolved": _CB[3],
    "reference": "#555555",
    "muted": "#9a9a9a",  # text of empty cells
    "empty": "#efefef",  # fill of empty cells
    "sales": _CB[0],  # the two teams of the message charts
    "marketing": _CB[1],
}
#: Light categorical palette for segments (ColorBrewer Set3 without its grey, which is kept
#: for empty cells), light enough for black text on top.
SEGMENT_PALETTE = [c for c in sns.color_palette("Set3", 12).as_hex() if c != "#d9d9d9"]

#: Hennig (2007): a segment whose mean Jaccard similarity with its best match in bootstrap refits
#: is below 0.6 has "dissolved"; above 0.75 it is stable.
STABILITY_THRESHOLDS = (0.6, 0.75)

_CRITERIA = {
    # name: (panel title, higher is better, y label)
    "silhouette": ("Silhouette", True, "score (unitless, -1 to 1)"),
    "calinski_harabasz": ("Calinski-Harabasz", True, "index (unitless)"),
    "davies_bouldin": ("Davies-Bouldin", False, "index (unitless, 0 = best)"),
    "bic": ("BIC (Gaussian mixture)", False, "criterion (unitless)"),
}

_FEATURE_LABELS = {
    "days_since_last": "days since last purchase",
    "n_purchases": "number of purchases",
    "avg_spend": "average spend per purchase",
    "total_spend": "total spend",
    "frequency": "repeat purchases",
    "recency": "age at last purchase",
    "T": "customer age",
    "monetary_value": "average repeat spend",
    "returned_amount": "returned amount",
}


# --------------------------------------------------------------------------------------------
# fonts: Korean, Japanese and Chinese text
# --------------------------------------------------------------------------------------------

#: Font families with Hangul, kana and Han glyphs, in order of preference. Debian's
#: ``fonts-noto-cjk`` package installs the Noto Sans CJK families (each has all three scripts).
CJK_FONT_CANDIDATES = (
    "Noto Sans CJK JP", "Noto Sans CJK KR", "Noto Sans CJK SC", "Noto Sans CJK TC",
    "Noto Sans CJK HK", "Source Han Sans", "Source Han Sans JP", "Source Han Sans KR",
)  # fmt: skip
_CJK_FILE_PREFIXES = ("NotoSansCJK", "SourceHanSans")
#: Fonts shipped inside PyPI packages the project depends on, used when the system has none of
#: the candidates: Nanum Gothic (Hangul) from koreanize-matplotlib and IPAex Gothic (kana and
#: kanji) from matplotlib-fontja. Only their font files are read; the packages are not imported
#: (importing them would change matplotlib's settings).
_PACKAGED_CJK_FONTS = (
    ("koreanize_matplotlib", ("fonts/NanumGothic.ttf", "fonts/NanumGothicBold.ttf")),
    ("matplotlib_fontja", ("fonts/ipaexg.ttf",)),
)


def _packaged_font(package: str, files: Sequence[str]) -> str | None:
    """Register the font ``files`` inside ``package`` (if installed); their family name.

    A family without a bold face (IPAex Gothic has none) gets its regular face registered as
    its bold too, so bold text (titles) draws its CJK glyphs in the regular weight instead of
    matplotlib logging "findfont: Failed to find font weight bold" at every such text.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return None
    paths = [Path(spec.origin).parent / f for f in files]
    if not all(p.is_file() for p in paths):
        return None
    manager = font_manager.fontManager
    try:
        for path in paths:
            manager.addfont(str(path))
        name = font_manager.FontProperties(fname=str(paths[0])).get_name()
    except (OSError, RuntimeError, ValueError):  # unreadable file: do without it
        return None
    faces = [f for f in manager.ttflist if f.name == name]
    if not any(font_manager.weight_dict.get(f.weight, f.weight) == 700 for f in faces):
        regular = next(f for f in faces if Path(f.fname) == paths[0])
        manager.ttflist.append(dataclasses.replace(regular, weight="bold"))
    return name


def _find_cjk_fonts() -> tuple[str, ...]:
    """The font families to fall back on for CJK glyphs: one of :data:`CJK_FONT_CANDIDATES`
    if matplotlib can use it, else the packaged fonts that are installed, else none."""

    def known() -> str | None:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FONT_CANDIDATES if name in names), None)

    name = known()
    if name is None:
        # A font installed after matplotlib cached its list of fonts is not in that list (the
        # cache is not refreshed by itself): add the system's CJK font files to it.
        for path in font_manager.findSystemFonts():
            if Path(path).name.startswith(_CJK_FILE_PREFIXES):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # unreadable file: skip it
                    continue
        name = known()
    if name is not None:
        return (name,)
    packaged = (_packaged_font(package, files) for package, files in _PACKAGED_CJK_FONTS)
    return tuple(dict.fromkeys(f for f in packaged if f is not None))


#: The installed fonts used, in this order, for Korean, Japanese and Chinese glyphs (empty:
#: there are none, and such text draws as empty boxes). ``pip install ".[text]"`` brings two;
#: on Debian ``apt-get install fonts-noto-cjk`` brings one with all three scripts.
CJK_FONTS: tuple[str, ...] = _find_cjk_fonts()
#: The first of :data:`CJK_FONTS`, or None.
CJK_FONT: str | None = CJK_FONTS[0] if CJK_FONTS else None
# fallbacks after the main font (DejaVu Sans): used only for the glyphs that one lacks
plt.rcParams["font.family"] = [
    *plt.rcParams["font.family"],
    *(f for f in CJK_FONTS if f not in plt.rcParams["font.family"]),
]


def _font_family() -> list[str]:
    """The current font families with the CJK fallback fonts, for texts that may need them."""
    family = list(plt.rcParams["font.family"])
    if CJK_FONT is not None:
        family += [f for f in CJK_FONTS if f not in family]
    return family


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


def _new_figure(height: float) -> Figure:
    # Made with pyplot, so that its backend (inline in a notebook) is set up and can show it,
    # then closed at once: returned as a cell's result it is shown once, not a second time
    # by the backend at the end of the cell, and no figure is left open in pyplot.
    fig = plt.figure(figsize=(FIG_WIDTH, height), layout="constrained")
    plt.close(fig)
    return fig


def _axes_or_new(ax: Axes | None, height: float) -> tuple[Figure, Axes]:
    if ax is None:
        fig = _new_figure(height)
        return fig, fig.add_subplot()
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
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


def _pct(share: float) -> str:
    """A share as a short percentage: 68%, 4.5%, 0.2%, 0%."""
    if not np.isfinite(share):
        return "n/a"
    pct = 100 * share
    if pct == 0 or abs(pct) >= 9.95:
        return f"{pct:.0f}%"
    return f"{pct:.1f}%"


def _times(lift: float) -> str:
    """A lift as a short multiplier: 2.5x, 1.0x, 0.23x, 12x."""
    if not np.isfinite(lift):
        return "-"
    if lift == 0:
        return "0×"
    return f"{lift:#.2g}×" if abs(lift) < 9.95 else f"{lift:,.0f}×"


def _signed(text: str) -> str:
    """Minus signs as the typographic minus: "−4.5%", not "-4.5%"."""
    return text.replace("-", "\u2212")


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
        x, y, xerr=xerr, yerr=yerr, fmt="o", color=COLORS["main"], ecolor=COLORS["main"],
        elinewidth=1.5 + (size - 7) / 2, capsize=size - 3, markersize=size, zorder=3,
        label=label,
    )  # fmt: skip
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
# 1. choosing k
# --------------------------------------------------------------------------------------------


def plot_k_selection(selection_scores: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Plot the criteria used to choose the number of segments, one panel per criterion.

    Parameters
    ----------
    selection_scores : pandas.DataFrame
        ``CustomerSegmenter.selection_scores_``: one row per number of segments with columns
        ``k``, ``chosen`` (True on the chosen k) and any of ``silhouette``,
        ``calinski_harabasz`` (higher is better), ``davies_bouldin`` and ``bic`` (lower is
        better). Not modified.
    title : str, optional
        Figure title. Default names the chosen k.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per criterion present; the chosen k is marked by a vertical line in each.

    Raises
    ------
    TypeError
        ``selection_scores`` is not a DataFrame (e.g. ``None`` for a segmenter fitted with a
        fixed ``n_segments``).
    ValueError
        A column is missing, no criterion column is present, or not exactly one row is chosen.

    Examples
    --------
    >>> seg = CustomerSegmenter(k_range=(3, 6)).fit(summary)  # doctest: +SKIP
    >>> plot_k_selection(seg.selection_scores_)  # doctest: +SKIP
    """
    frame = _require_frame(selection_scores, "selection_scores")
    require_columns(frame, ["k", "chosen"], "selection_scores")
    criteria = [c for c in _CRITERIA if c in frame.columns]
    if not criteria:
        raise ValueError(
            f"selection_scores ({len(frame):,} rows) has no criterion column: expected at least "
            f"one of {list(_CRITERIA)}; its columns are {list(map(str, frame.columns))}"
        )
    require_rows(frame, "selection_scores")
    k = numeric_values(frame, "k", "selection_scores")
    chosen_mask = frame["chosen"].eq(True).to_numpy(dtype=bool)
    if chosen_mask.sum() != 1:
        raise ValueError(
            f"column 'chosen' of selection_scores must be True on exactly one row, "
            f"found {int(chosen_mask.sum())} of {len(frame):,}"
        )
    chosen_k = k[chosen_mask][0]
    order = np.argsort(k, kind="stable")

    n = len(criteria)
    ncols = 2 if n == 4 else n
    nrows = math.ceil(n / ncols)
    fig = _new_figure(3.3 * nrows + 0.6)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    k_fmt = f"{chosen_k:g}"
    for ax, crit in zip(axes, criteria, strict=False):
        name, higher, ylabel = _CRITERIA[crit]
        y = numeric_values(frame, crit, "selection_scores")[order]
        x = k[order]
        ax.plot(x, y, marker="o", color=COLORS["main"], linewidth=2, markersize=6)
        ax.plot(
            [chosen_k],
            y[x == chosen_k],
            marker="o",
            markersize=11,
            markerfacecolor="none",
            markeredgecolor=COLORS["chosen"],
            markeredgewidth=2,
            linestyle="none",
            clip_on=False,
        )
        line = ax.axvline(chosen_k, color=COLORS["chosen"], linestyle="--", linewidth=1.5)
        line.set_gid("chosen-k")
        # text left of the line when the chosen k is the largest tried, else right of it
        right = chosen_k < x.max()
        ax.annotate(
            f"chosen\nk = {k_fmt}",
            xy=(chosen_k, 0.97),
            xycoords=ax.get_xaxis_transform(),
            xytext=(6 if right else -6, 0),
            textcoords="offset points",
            ha="left" if right else "right",
            va="top",
            fontsize=ANNOT_SIZE,
            color=COLORS["chosen"],
        )
        better = "higher is better" if higher else "lower is better"
        ax.set_title(f"{name}\n({better})", fontsize=PANEL_TITLE_SIZE)
        ax.set_xlabel("number of segments k", fontsize=LABEL_SIZE)
        ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
        ax.tick_params(labelsize=TICK_SIZE)
        ax.xaxis.set_major_locator(FixedLocator(np.unique(x)))
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:g}"))
        if np.nanmax(np.abs(y)) >= 1000:
            ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        else:
            ax.yaxis.set_major_formatter(ScalarFormatter(useOffset=False))
        span = np.nanmax(y) - np.nanmin(y) or abs(np.nanmax(y)) or 1.0
        ax.set_ylim(np.nanmin(y) - 0.12 * span, np.nanmax(y) + 0.3 * span)  # room for the text
        ax.grid(alpha=0.3)
    for ax in axes[n:]:
        ax.set_visible(False)
    default = f"Choosing the number of segments: {k_fmt} segments chosen"
    _set_title(fig, None, title if title is not None else default)
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# 2. RFM grid
# --------------------------------------------------------------------------------------------


def _scores(frame: pd.DataFrame, col: str) -> np.ndarray:
    values = numeric_values(frame, col, "segmented")
    if (values != np.round(values)).any() or (values < 1).any():
        raise ValueError(f"column {col!r} of segmented must hold integer scores >= 1")
    return values.astype(np.int64)


def plot_rfm_grid(
    segmented: pd.DataFrame,
    rules: pd.DataFrame | None = None,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Heatmap of customers per R score (rows, best at top) and FM score (columns), by segment.

    Each cell shows the segment the rule table gives it and its number of customers; cells are
    coloured by segment, and a cell without customers shows its segment in grey.

    Parameters
    ----------
    segmented : pandas.DataFrame
        Output of :func:`~research.segmentation.rfm_segments`: one row per customer with
        ``r_score``, ``fm_score`` and ``segment``. Not modified.
    rules : pandas.DataFrame, optional
        The rule table used by ``rfm_segments`` (columns ``segment, r_min, r_max, fm_min,
        fm_max``). Default :data:`~research.segmentation.RFM_SEGMENT_RULES`.
    title : str, optional
        Chart title.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure. The count text of cell (R=r, FM=f) has gid ``"count-R{r}-FM{f}"`` and its
        segment label gid ``"segment-R{r}-FM{f}"``.

    Raises
    ------
    ValueError
        A column is missing, a score is not an integer >= 1, or ``segmented`` has segments
        that disagree with ``rules`` (it was made with another rule table).

    Examples
    --------
    >>> plot_rfm_grid(rfm_segments(summary))  # doctest: +SKIP
    """
    frame = _require_frame(segmented, "segmented")
    require_columns(frame, ["r_score", "fm_score", "segment"], "segmented")
    require_rows(frame, "segmented")
    rules = RFM_SEGMENT_RULES if rules is None else _require_frame(rules, "rules")
    require_columns(rules, ["segment", "r_min", "r_max", "fm_min", "fm_max"], "rules")
    r = _scores(frame, "r_score")
    fm = _scores(frame, "fm_score")
    bounds = rules[["r_max", "fm_max"]].to_numpy(dtype=np.int64)
    bins = int(max(r.max(), fm.max(), bounds.max(initial=0)))

    names = rules["segment"].astype(str).tolist()
    cell_segment = np.full((bins + 1, bins + 1), "", dtype=object)  # [r, fm]; "" = no rule
    for rule, name in zip(rules.itertuples(index=False), names, strict=True):
        for rr in range(int(rule.r_min), int(rule.r_max) + 1):
            for ff in range(int(rule.fm_min), int(rule.fm_max) + 1):
                if cell_segment[rr, ff] == "":  # first matching rule wins, as in rfm_segments
                    cell_segment[rr, ff] = name

    data_segment = frame["segment"].astype("string").fillna("unclassified").to_numpy(dtype=object)
    expected = cell_segment[r, fm]
    expected = np.where(expected == "", "unclassified", expected)
    wrong = data_segment != expected
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise ValueError(
            f"{int(wrong.sum()):,} of {len(frame):,} customers in segmented have a 'segment' "
            f"that differs from the rule table's (e.g. R={r[i]}, FM={fm[i]} is "
            f"{expected[i]!r} in rules but {data_segment[i]!r} in segmented); pass the rules "
            f"used by rfm_segments"
        )

    counts = np.zeros((bins + 1, bins + 1), dtype=np.int64)
    np.add.at(counts, (r, fm), 1)
    colors = _segment_colors(names)

    own = ax is None
    fig, ax = _axes_or_new(ax, 6.2)
    img = np.ones((bins, bins, 3))
    for row in range(bins):
        score_r = bins - row  # R = bins at the top
        for col in range(bins):
            score_fm = col + 1
            seg = cell_segment[score_r, score_fm]
            n = counts[score_r, score_fm]
            if n == 0:
                fill = COLORS["empty"]
            else:
                fill = colors.get(seg, "#ffffff")
            img[row, col] = to_rgb(fill)
            text_color = COLORS["muted"] if n == 0 else _text_color(fill)
            label = "\n".join(textwrap.wrap(seg or "no rule", 11))
            ax.text(
                col,
                row - 0.08,
                label,
                ha="center",
                va="bottom",
                fontsize=ANNOT_SIZE - 0.5,
                color=text_color,
                gid=f"segment-R{score_r}-FM{score_fm}",
            )
            ax.text(
                col,
                row + 0.02,
                f"{n:,}",
                ha="center",
                va="top",
                fontsize=ANNOT_SIZE + 2,
                fontweight="bold",
                color=text_color,
                gid=f"count-R{score_r}-FM{score_fm}",
            )
    ax.imshow(img, aspect="auto", interpolation="nearest")
    # thin white lines between cells, dark lines where the segment changes
    for k in range(bins + 1):
        ax.axhline(k - 0.5, color="white", linewidth=1.5)
        ax.axvline(k - 0.5, color="white", linewidth=1.5)
    for row in range(bins):
        for col in range(bins):
            seg = cell_segment[bins - row, col + 1]
            if col + 1 < bins and cell_segment[bins - row, col + 2] != seg:
                ax.plot([col + 0.5] * 2, [row - 0.5, row + 0.5], color="#333333", linewidth=1.5)
            if row + 1 < bins and cell_segment[bins - row - 1, col + 1] != seg:
                ax.plot([col - 0.5, col + 0.5], [row + 0.5] * 2, color="#333333", linewidth=1.5)
    ax.set_xlim(-0.5, bins - 0.5)
    ax.set_ylim(bins - 0.5, -0.5)
    ax.set_xticks(range(bins), [str(s) for s in range(1, bins + 1)])
    ax.set_yticks(range(bins), [str(s) for s in range(bins, 0, -1)])
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)

    seg_totals = pd.Series(data_segment).value_counts()
    handles = [
        Patch(
            facecolor=colors[s] if seg_totals.get(s, 0) else COLORS["empty"],
            edgecolor="#333333",
            linewidth=0.5,
            label=f"{s} ({int(seg_totals.get(s, 0)):,})",
        )
        for s in names
    ]
    if "unclassified" in seg_totals.index:
        handles.append(
            Patch(
                facecolor="white",
                edgecolor="#333333",
                linewidth=0.5,
                label=f"unclassified ({int(seg_totals['unclassified']):,})",
            )
        )
    ax.legend(
        handles=handles,
        title="segment (customers)",
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        fontsize=ANNOT_SIZE,
        title_fontsize=ANNOT_SIZE + 1,
        frameon=False,
    )
    default = f"Customers by RFM score and segment ({len(frame):,} customers)"
    _label_axes(
        fig,
        ax,
        own,
        title if title is not None else default,
        f"FM score: frequency & spend (score 1 = lowest, {bins} = highest)",
        f"R score: recency (score 1 = longest ago, {bins} = most recent)",
    )
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# 3. segment profile
# --------------------------------------------------------------------------------------------


def _segment_labels(frame: pd.DataFrame) -> list[str]:
    """'1 · name' from the index and a ``name`` column (just the index when no name)."""
    labels = []
    names = frame["name"] if "name" in frame.columns else None
    for i, idx in enumerate(frame.index):
        label = str(idx)
        if names is not None:
            name = str(names.iloc[i])
            label = name if name == label else f"{label} · {name}"
        labels.append(label)
    return labels


def plot_segment_profile(
    profile: pd.DataFrame,
    features: Sequence[str] | None = None,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Heatmap of each segment's lift per feature: segment mean / mean of all customers.

    Parameters
    ----------
    profile : pandas.DataFrame
        ``CustomerSegmenter.profile()``: one row per segment (index = segment number) with
        ``<feature>_lift`` columns, and optionally ``name`` and ``share`` for the row labels
        ("1 · recent, frequent (22%)"). Not modified.
    features : sequence of str, optional
        Features to show (without the ``_lift`` suffix). Default every ``*_lift`` column.
    title : str, optional
        Chart title.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Colours on a log scale centred at 1x (red above the average customer, blue below);
        each cell is annotated with its lift, e.g. ``"2.5×"``.

    Raises
    ------
    ValueError
        A ``<feature>_lift`` column is missing (or there is none).

    Examples
    --------
    >>> plot_segment_profile(seg.profile())  # doctest: +SKIP
    """
    frame = _require_frame(profile, "profile")
    if features is None:
        lift_cols = [c for c in frame.columns if isinstance(c, str) and c.endswith("_lift")]
        if not lift_cols:
            raise ValueError(
                f"profile ({len(frame):,} rows) has no '<feature>_lift' column; its columns are "
                f"{list(map(str, frame.columns))}"
            )
        features = [c.removesuffix("_lift") for c in lift_cols]
    else:
        if isinstance(features, str) or len(features) == 0:
            raise ValueError(f"features must be a non-empty list of names, got {features!r}")
        features = list(features)
        lift_cols = [f"{f}_lift" for f in features]
        require_columns(frame, lift_cols, "profile")
    require_rows(frame, "profile")

    lift = np.column_stack(
        [frame[c].to_numpy(dtype=np.float64, na_value=np.nan) for c in lift_cols]
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        log_lift = np.log2(np.where(lift >= 0, lift, np.nan))  # 0 -> -inf, clipped below
    finite = np.abs(log_lift[np.isfinite(log_lift)])
    lim = max(1.0, float(finite.max()) if finite.size else 1.0)  # at least 0.5x .. 2x
    colour_values = np.clip(log_lift, -lim, lim)
    annot = np.vectorize(_times, otypes=[object])(lift)

    rows = _segment_labels(frame)
    if "share" in frame.columns:
        shares = frame["share"].to_numpy(dtype=np.float64, na_value=np.nan)
        rows = [f"{label} ({_pct(s)})" for label, s in zip(rows, shares, strict=True)]
    rows = [textwrap.fill(label, 30) for label in rows]
    columns = [textwrap.fill(_FEATURE_LABELS.get(f, f.replace("_", " ")), 13) for f in features]
    data = pd.DataFrame(colour_values, index=rows, columns=columns)

    own = ax is None
    fig, ax = _axes_or_new(ax, max(3.6, 1.9 + 0.55 * len(rows)))
    sns.heatmap(
        data,
        ax=ax,
        cmap="vlag",
        # symmetric limits centre the colours at log2(1) = 0 (seaborn's center= would warn)
        vmin=-lim,
        vmax=lim,
        annot=annot,
        fmt="",
        annot_kws={"fontsize": ANNOT_SIZE + 1},
        linewidths=1,
        linecolor="white",
        cbar_kws={"label": "lift (× all-customer mean, log scale)", "shrink": 0.9},
    )
    cbar = ax.collections[0].colorbar
    ticks = [t for t in range(-6, 7) if -lim <= t <= lim]
    cbar.set_ticks(ticks, labels=[f"{2.0**t:g}×" for t in ticks])
    cbar.ax.tick_params(labelsize=TICK_SIZE)
    cbar.ax.yaxis.label.set_size(LABEL_SIZE - 1)
    ax.tick_params(axis="y", rotation=0)
    ax.tick_params(axis="x", rotation=0)
    ax.tick_params(length=0)
    default = "Segment profiles: each segment against the average customer"
    _label_axes(
        fig,
        ax,
        own,
        title if title is not None else default,
        "feature (lift = segment mean ÷ mean of all customers)",
        "segment (share of customers)",
    )
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# 4. segment value
# --------------------------------------------------------------------------------------------


def plot_segment_value(
    table: pd.DataFrame,
    *,
    segment_col: str | None = None,
    customers_col: str = "customers",
    value_col: str = "value_total",
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Share of customers next to share of total value, per segment (horizontal bars).

    Shows at a glance that, say, 22% of the customers bring 61% of the value.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per segment with a customer count and a total value: the output of
        ``CustomerSegmenter.profile()`` (segment number as index, ``name`` column) or of
        :func:`research.segmentation.segment_value_table` (segment names as index). Shares
        are computed here from the counts and totals. Not modified.
    segment_col : str, optional
        Column with the segment labels; default the index (with the ``name`` column when
        present, as in "1 · recent, frequent").
    customers_col : str, default "customers"
        Number of customers per segment.
    value_col : str, default "value_total"
        Total value per segment.
    title : str, optional
        Chart title. Default says what the most valuable segment brings.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Two bars per segment, labelled with the percentages (and the customer count).

    Raises
    ------
    ValueError
        A column is missing, the table is empty, a count or value is missing, or the totals
        are not positive.

    Examples
    --------
    >>> plot_segment_value(seg.profile())  # doctest: +SKIP
    >>> plot_segment_value(segment_value_table(rfm_segments(summary)))  # doctest: +SKIP
    """
    frame = _require_frame(table, "table")
    needed = [customers_col, value_col] + ([segment_col] if segment_col is not None else [])
    require_columns(frame, needed, "table")
    require_rows(frame, "table")
    customers = numeric_values(frame, customers_col, "table")
    value = numeric_values(frame, value_col, "table")
    if customers.sum() <= 0 or value.sum() <= 0:
        raise ValueError(
            f"columns {customers_col!r} and {value_col!r} of table must have positive totals, "
            f"got {customers.sum():,g} and {value.sum():,g}"
        )
    if segment_col is None:
        labels = _segment_labels(frame)
    else:
        labels = frame[segment_col].astype(str).tolist()
    labels = [textwrap.fill(label, 30) for label in labels]
    cust_share = customers / customers.sum()
    value_share = value / value.sum()

    n = len(labels)
    own = ax is None
    fig, ax = _axes_or_new(ax, max(3.6, 1.6 + 0.55 * n))
    y = np.arange(n)
    h = 0.38
    bars_c = ax.barh(
        y - h / 2, cust_share, height=h, color=COLORS["customers"], label="share of customers"
    )
    bars_v = ax.barh(
        y + h / 2, value_share, height=h, color=COLORS["value"], label="share of total value"
    )
    ax.bar_label(
        bars_c,
        labels=[f"{_pct(s)} ({c:,.0f})" for s, c in zip(cust_share, customers, strict=True)],
        padding=3,
        fontsize=ANNOT_SIZE,
        color=COLORS["customers"],
    )
    ax.bar_label(
        bars_v,
        labels=[_pct(s) for s in value_share],
        padding=3,
        fontsize=ANNOT_SIZE,
        color=COLORS["value"],
        fontweight="bold",
    )
    ax.set_yticks(y, labels)
    ax.set_ylim(n - 0.4, -0.9)  # first segment on top; room above it for the legend
    top = max(cust_share.max(), value_share.max())
    ax.set_xlim(0, min(1.0, top) * 1.28 + 0.02)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    ax.legend(loc="upper right", ncols=2, fontsize=ANNOT_SIZE + 1, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    if title is None:
        best = int(np.argmax(value_share))
        title = (
            "Share of customers and of value by segment\n"
            f"{labels[best].replace(chr(10), ' ')}: {_pct(cust_share[best])} of customers bring "
            f"{_pct(value_share[best])} of the value"
        )
    _label_axes(fig, ax, own, title, "share of all customers / of total value (%)", "segment")
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# 5. stability
# --------------------------------------------------------------------------------------------


def plot_stability(
    stability: pd.DataFrame,
    *,
    segment_names: Mapping[int | str, str] | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Bootstrap stability of each segment (Jaccard) and of the whole partition (ARI).

    Points are the mean over bootstrap refits, bars the interval; reference lines mark
    Hennig's (2007) thresholds: a segment is "dissolved" below a Jaccard similarity of 0.6 and
    stable above 0.75. The same lines are drawn for reading the adjusted Rand index.

    Parameters
    ----------
    stability : pandas.DataFrame
        ``CustomerSegmenter.stability()``: columns ``segment`` ("all" for the ARI row),
        ``metric`` ("jaccard" or "adjusted_rand"), ``estimate``, ``low``, ``high`` and
        optionally ``n_boot``. Not modified.
    segment_names : mapping, optional
        Segment -> name (e.g. ``CustomerSegmenter.segment_names_``) for the row labels.
    title : str, optional
        Chart title.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Points coloured green (stable), yellow (in between) or red (dissolved), each
        labelled with its estimate, interval and verdict.

    Raises
    ------
    ValueError
        A column is missing or no row has metric "jaccard" or "adjusted_rand".

    Examples
    --------
    >>> plot_stability(seg.stability(n_boot=30), segment_names=seg.segment_names_)  # doctest: +SKIP
    """
    frame = _require_frame(stability, "stability")
    require_columns(frame, ["segment", "metric", "estimate", "low", "high"], "stability")
    require_rows(frame, "stability")
    metric = frame["metric"].astype(str).to_numpy()
    jac = frame[metric == "jaccard"]
    ari = frame[metric == "adjusted_rand"]
    if jac.empty and ari.empty:
        raise ValueError(
            f"stability ({len(frame):,} rows) has no row with metric 'jaccard' or "
            f"'adjusted_rand'; its metrics are {sorted(set(metric))}"
        )
    names = dict(segment_names or {})

    def seg_label(seg: object) -> str:
        name = names.get(seg, names.get(str(seg)))
        if name is None and str(seg).lstrip("-").isdigit():
            name = names.get(int(str(seg)))
        return f"segment {seg}" if name is None else f"{seg} · {name}"

    labels = [textwrap.fill(seg_label(s), 30) for s in jac["segment"]]
    labels += ["all segments (adjusted Rand)"] * len(ari)
    rows = pd.concat([jac, ari])
    est = rows["estimate"].to_numpy(dtype=np.float64, na_value=np.nan)
    low = rows["low"].to_numpy(dtype=np.float64, na_value=np.nan)
    high = rows["high"].to_numpy(dtype=np.float64, na_value=np.nan)
    y = np.arange(len(rows), dtype=np.float64)
    y[len(jac) :] += 0.5  # a gap before the ARI row

    own = ax is None
    fig, ax = _axes_or_new(ax, max(3.4, 1.9 + 0.5 * len(rows)))
    dissolved, stable = STABILITY_THRESHOLDS
    ax.axvspan(0, dissolved, color=COLORS["dissolved"], alpha=0.07, linewidth=0)
    ax.axvspan(dissolved, stable, color=COLORS["unclear"], alpha=0.07, linewidth=0)
    ax.axvspan(stable, 1.0, color=COLORS["stable"], alpha=0.07, linewidth=0)
    for x in STABILITY_THRESHOLDS:
        ax.axvline(x, color=COLORS["reference"], linestyle="--", linewidth=1.2, gid=f"ref-{x}")
    if len(jac) and len(ari):
        ax.axhline(len(jac) - 0.25, color="#bbbbbb", linewidth=0.8)

    verdict = np.where(est >= stable, "stable", np.where(est >= dissolved, "unclear", "dissolved"))
    point_colors = [COLORS[v] for v in verdict]
    err = np.vstack([est - low, high - est])
    err = np.where(np.isfinite(err), np.maximum(err, 0), 0)
    ax.errorbar(est, y, xerr=err, fmt="none", ecolor="#444444", elinewidth=1.5, capsize=4)
    ax.scatter(est, y, s=70, c=point_colors, edgecolors="#222222", zorder=3)
    words = {"stable": "stable", "unclear": "in between", "dissolved": "dissolved"}
    for xi, yi, lo, hi, v in zip(est, y, low, high, verdict, strict=True):
        interval = f" [{lo:.2f}–{hi:.2f}]" if np.isfinite(lo) and np.isfinite(hi) else ""
        ax.annotate(
            f"{xi:.2f}{interval} · {words[v]}",
            (xi, yi),
            xytext=(0, 7),
            textcoords="offset points",
            va="bottom",
            fontsize=ANNOT_SIZE,
            ha="right" if xi > 0.75 else "left" if xi < 0.25 else "center",
            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 0.5},
        )

    top = -1.1
    ax.set_ylim(y.max() + 0.6, top)
    ax.set_xlim(0, 1.04)
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.set_yticks(y, labels)
    ax.text(
        dissolved - 0.01,
        top + 0.1,
        f"← dissolved below {dissolved:g}",
        ha="right",
        va="top",
        fontsize=ANNOT_SIZE,
        color=COLORS["dissolved"],
    )
    ax.text(
        stable + 0.01,
        top + 0.1,
        f"stable above {stable:g} →",
        ha="left",
        va="top",
        fontsize=ANNOT_SIZE,
        color=COLORS["stable"],
    )
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    if title is None:
        refits = "bootstrap refits"
        if "n_boot" in frame.columns and frame["n_boot"].notna().any():
            refits = f"{int(frame['n_boot'].max()):,} {refits}"
        title = f"How stable are the segments?\nAgreement of each segment with {refits}"
    _label_axes(
        fig,
        ax,
        own,
        title,
        "agreement with the refits (0 = none, 1 = identical):\n"
        "Jaccard similarity per segment, adjusted Rand index for all segments",
        "segment",
    )
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# 6. lifetime value: holdout check
# --------------------------------------------------------------------------------------------


def _optional_values(frame: pd.DataFrame, col: str) -> np.ndarray:
    """The column as float64, missing values kept as NaN (e.g. no interval for 1 customer)."""
    series = frame[col]
    if pd.api.types.is_bool_dtype(series.dtype) or not pd.api.types.is_numeric_dtype(series.dtype):
        raise TypeError(f"column {col!r} must be numeric, got dtype {series.dtype}")
    return series.to_numpy(dtype=np.float64, na_value=np.nan)


def _number(value: float) -> str:
    """A mean number of purchases: 0.83, 6.90, 12."""
    if not np.isfinite(value):
        return "n/a"
    return f"{value:.2f}" if abs(value) < 9.95 else f"{value:,.0f}"


def plot_holdout_check(
    check: pd.DataFrame,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Actual against expected purchases in a holdout period, per calibration frequency.

    The usual check of a BG/NBD model (Fader, Hardie & Lee 2005, figure 3): customers are
    grouped by their number of repeat purchases in the calibration period; for each group the
    chart shows the mean number of purchases they really made in the holdout period (points
    with 95% intervals) and the mean the model expected (line).

    Parameters
    ----------
    check : pandas.DataFrame
        Output of :func:`research.clv.holdout_check`: indexed by calibration frequency
        (``"0"``, ``"1"``, ..., ``"7+"``, then ``"all"``) with columns ``customers``,
        ``actual``, ``actual_low``, ``actual_high`` and ``expected``. The ``"all"`` row is not
        drawn as a group but written in a corner; without it the totals are computed from the
        groups. Missing interval bounds (a group of one customer) draw no error bar. Not
        modified.
    title : str, optional
        Chart title. Default compares the expected and actual purchases per customer.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The actual means are an error bar container whose line has gid ``"actual"``; the
        expected means a line with gid ``"expected"``; the corner text has gid
        ``"holdout-all"``.

    Raises
    ------
    ValueError
        A column is missing, there is no group besides ``"all"``, or a count or mean is missing.

    Examples
    --------
    >>> check = holdout_check(fit, calibration, holdout_purchases, 39)  # doctest: +SKIP
    >>> plot_holdout_check(check)  # doctest: +SKIP
    """
    frame = _require_frame(check, "check")
    require_columns(
        frame, ["customers", "actual", "actual_low", "actual_high", "expected"], "check"
    )
    is_all = np.asarray(frame.index.astype(str) == "all", dtype=bool)
    groups = frame[~is_all]
    if groups.empty:
        raise ValueError(
            f"check ({len(frame):,} rows) has no calibration-frequency group besides 'all'; "
            "pass the output of research.clv.holdout_check"
        )
    labels = groups.index.astype(str).tolist()
    customers = numeric_values(groups, "customers", "check")
    actual = numeric_values(groups, "actual", "check")
    expected = numeric_values(groups, "expected", "check")
    low = _optional_values(groups, "actual_low")
    high = _optional_values(groups, "actual_high")
    err = np.vstack([actual - low, high - actual])
    err = np.where(np.isfinite(err), np.maximum(err, 0), 0)

    if is_all.any():
        row = frame[is_all].iloc[0]
        n_all = float(row["customers"])
        actual_all, expected_all = float(row["actual"]), float(row["expected"])
        low_all, high_all = float(row["actual_low"]), float(row["actual_high"])
    else:  # totals per customer from the groups, weighted by their sizes
        n_all = float(customers.sum())
        actual_all = float(np.dot(customers, actual) / n_all) if n_all else np.nan
        expected_all = float(np.dot(customers, expected) / n_all) if n_all else np.nan
        low_all = high_all = np.nan
    gap = (expected_all - actual_all) / actual_all if actual_all else np.nan

    own = ax is None
    fig, ax = _axes_or_new(ax, 5.0)
    x = np.arange(len(labels))
    _estimates_with_intervals(ax, x, actual, yerr=err, label="actual (95% CI)", gid="actual")
    ax.plot(
        x,
        expected,
        marker="s",
        markersize=6,
        linewidth=2,
        color=COLORS["value"],
        label="BG/NBD expected",
        gid="expected",
        zorder=2,
    )
    ax.set_xticks(x, [f"{g}\n({c:,.0f})" for g, c in zip(labels, customers, strict=True)])
    top = np.nanmax(np.concatenate([actual + err[1], expected]))
    ax.set_ylim(0, max(top, 1e-9) * 1.12)
    ax.set_xlim(-0.6, len(labels) - 0.4)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles, names = ax.get_legend_handles_labels()
    order = [names.index("actual (95% CI)"), names.index("BG/NBD expected")]
    legend = ax.legend(
        [handles[i] for i in order],
        [names[i] for i in order],
        loc="upper left",
        fontsize=ANNOT_SIZE + 1,
        frameon=False,
    )

    if not np.isfinite(gap):
        versus = ""
    elif round(100 * gap) == 0:
        versus = " (about the same)"
    else:
        versus = f" ({_pct(abs(gap))} {'below' if gap < 0 else 'above'} actual)"
    interval = (
        f" (95% CI {_number(low_all)}–{_number(high_all)})"
        if np.isfinite(low_all) and np.isfinite(high_all)
        else ""
    )
    ax.annotate(  # in the upper left corner, just below the legend
        f"All {n_all:,.0f} customers, purchases per customer:\n"
        f"actual {_number(actual_all)}{interval}\n"
        f"expected {_number(expected_all)}{versus}",
        xy=(0, 0),
        xycoords=legend,
        xytext=(8, -6),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=ANNOT_SIZE,
        gid="holdout-all",
        bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "#cccccc", "pad": 4},
    )
    if title is None:
        title = "Holdout check: actual purchases against those expected by the BG/NBD model"
        if np.isfinite(gap):
            title += (
                f"\nExpected {_pct(abs(gap))} {'fewer' if gap < 0 else 'more'} purchases than "
                f"customers made: {_number(expected_all)} vs {_number(actual_all)} per customer"
            )
    _label_axes(
        fig,
        ax,
        own,
        title,
        "purchases in the calibration period (customers in the group)",
        "purchases per customer in the holdout period",
    )
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# 7. lifetime value: distribution and concentration
# --------------------------------------------------------------------------------------------

#: Shares of the best customers whose share of the total value is written on the
#: concentration curve.
TOP_SHARES = (0.10, 0.20)


def _top_count(share: float, n: int) -> int:
    """Number of customers in the top ``share`` of ``n``: ceil(share * n), at least 1."""
    # round first so that 0.1 * 30 = 3.0000000000000004 counts 3 customers, not 4
    return max(1, math.ceil(round(share * n, 9)))


def _money(value: float, currency: str) -> str:
    """An amount: US$10.19, US$1,176, US$0.0012."""
    if not np.isfinite(value):
        return "n/a"
    sign = "−" if value < 0 else ""
    value = abs(value)
    if value >= 99.5:
        text = f"{value:,.0f}"
    elif value >= 0.01 or value == 0:
        text = f"{value:.2f}"
    else:
        text = f"{value:.2g}"
    return f"{sign}{currency}{text}"


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


def _draw_concentration(cax: Axes, values: np.ndarray, total: float) -> list[tuple[int, float]]:
    """Concentration curve on ``cax``; returns (customers, share of value) per top share."""
    n = len(values)
    ordered = np.sort(values)[::-1]
    cum_share = np.concatenate([[0.0], np.cumsum(ordered) / total])
    cust_share = np.arange(n + 1) / n
    cax.plot(
        [0, 1],
        [0, 1],
        color=COLORS["reference"],
        linestyle="--",
        linewidth=1,
        label="equal shares",
    )
    cax.plot(
        cust_share,
        cum_share,
        color=COLORS["value"],
        linewidth=2,
        gid="concentration",
        label="customer lifetime value",
    )
    tops = []
    for share in TOP_SHARES:
        k = _top_count(share, n)
        held = float(cum_share[k])
        tops.append((k, held))
        cax.plot(
            [k / n, k / n, 0],
            [0, held, held],
            color=COLORS["muted"],
            linestyle=":",
            linewidth=1,
        )
        cax.plot([k / n], [held], marker="o", color=COLORS["value"], markersize=5)
        cax.annotate(
            f"top {_pct(share)} of customers: {_pct(held)}",
            (k / n, held),
            xytext=(7, -3),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=ANNOT_SIZE,
            gid=f"top-{round(100 * share)}",
            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 0.5},
        )
    cax.set_xlim(0, 1)
    cax.set_ylim(0, max(1.0, float(cum_share.max())) * 1.02)
    cax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    cax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    cax.grid(alpha=0.3)
    cax.legend(loc="lower right", fontsize=ANNOT_SIZE, frameon=False)
    cax.set_xlabel("share of customers\n(sorted by CLV, highest first)", fontsize=LABEL_SIZE)
    cax.set_ylabel("share of total CLV", fontsize=LABEL_SIZE)
    cax.tick_params(labelsize=TICK_SIZE)
    for side in ("top", "right"):
        cax.spines[side].set_visible(False)
    return tops


def _clv_axes(ax: Axes | Sequence[Axes] | None) -> tuple[Figure, Axes, Axes | None]:
    """The figure, the histogram's axes and the concentration curve's (None: no curve)."""
    if ax is None:
        fig = _new_figure(5.0)
        hax, cax = fig.subplots(1, 2, width_ratios=[1.75, 1])
        return fig, hax, cax
    if isinstance(ax, Axes):
        fig, hax = _axes_or_new(ax, 5.0)
        return fig, hax, None
    axes = list(ax) if isinstance(ax, Sequence | np.ndarray) else []
    if len(axes) != 2 or not all(isinstance(a, Axes) for a in axes):
        raise TypeError(
            "ax must be a matplotlib Axes (histogram only) or a pair of Axes (histogram, "
            f"concentration curve), got {type(ax).__name__}"
        )
    fig, hax = _axes_or_new(axes[0], 5.0)
    return fig, hax, axes[1]


def plot_clv_distribution(
    clv: pd.DataFrame | pd.Series,
    *,
    value_col: str = "clv",
    currency: str = "US$",
    title: str | None = None,
    ax: Axes | Sequence[Axes] | None = None,
) -> Figure:
    """Distribution of customer lifetime value, and how concentrated the value is.

    Left: a histogram of the customers' CLV on a log axis (CLV is very skewed), with the
    median and the mean marked. The axis starts at the power of ten below the 1st percentile
    of the positive values; the few customers below it are counted in the first bar, and those
    with a CLV of 0 or less, which a log axis cannot show, are counted in the corner text:
    nobody is dropped silently. Right: the concentration curve, the share of the total CLV
    held by the best customers, with the shares held by the top 10% and top 20% (the
    :data:`TOP_SHARES`; the top 10% of ``n`` customers are the ``ceil(0.1 n)`` with the
    highest CLV).

    Parameters
    ----------
    clv : pandas.DataFrame or Series
        One row per customer, e.g. the output of :func:`research.clv.customer_lifetime_value`,
        or a Series of values. Not modified.
    value_col : str, default "clv"
        Column holding each customer's value (ignored for a Series).
    currency : str, default "US$"
        Currency written before amounts and in the axis label.
    title : str, optional
        Chart title. Default gives the median, the mean and the top 10%'s share.
    ax : matplotlib.axes.Axes or a pair of Axes, optional
        Default a new figure with the histogram and the curve side by side. A pair draws the
        histogram on the first and the curve on the second; a single Axes draws the histogram
        only, with the top 10% and 20% shares in its corner text.

    Returns
    -------
    matplotlib.figure.Figure
        The median and mean lines have gid ``"median"`` and ``"mean"``; the corner text gid
        ``"clv-annotation"``; the curve gid ``"concentration"`` and its labels gid
        ``"top-10"`` and ``"top-20"``.

    Raises
    ------
    ValueError
        The column is missing, the frame is empty, a value is missing or infinite, or no value
        (or the total) is positive.

    Examples
    --------
    >>> clv = customer_lifetime_value(bgnbd, gamma_gamma, summary, unit_days=7)  # doctest: +SKIP
    >>> plot_clv_distribution(clv)  # doctest: +SKIP
    """
    if isinstance(clv, pd.Series):
        frame = clv.to_frame(name=value_col)
    else:
        frame = _require_frame(clv, "clv")
        require_columns(frame, [value_col], "clv")
    require_rows(frame, "clv")
    values = numeric_values(frame, value_col, "clv")
    n = len(values)
    positive = values[values > 0]
    n_nonpos = n - len(positive)
    total = float(values.sum())
    if len(positive) == 0 or total <= 0:
        raise ValueError(
            f"column {value_col!r} of clv ({n:,} rows) has {len(positive):,} positive values "
            f"and a total of {total:,g}: a log-scale distribution and shares of the total need "
            "positive values"
        )
    median, mean = float(np.median(values)), float(np.mean(values))

    own = ax is None
    fig, hax, cax = _clv_axes(ax)

    # Bins: from the power of ten below the 1st percentile (a handful of customers with a
    # near-zero CLV would otherwise stretch the axis over many empty decades) to the maximum.
    hi = float(positive.max())
    lo = 10 ** math.floor(math.log10(np.quantile(positive, 0.01)))
    if hi / positive.min() < 10:  # a narrow range: one decade around its centre
        centre = math.sqrt(positive.min() * hi)
        lo, hi = centre / math.sqrt(10), centre * math.sqrt(10)
    n_below = int((positive < lo).sum())
    n_bins = int(np.clip(round(8 * math.log10(hi / lo)), 10, 60))
    n_bins += 1 - n_bins % 2  # odd: a single value, at the centre, falls inside a bin
    bins = np.geomspace(lo, hi, n_bins + 1)
    counts, _, _ = hax.hist(
        np.clip(positive, lo, None),
        bins=bins,
        color=COLORS["customers"],
        alpha=0.85,
        edgecolor="white",
        linewidth=0.5,
    )
    hax.set_xscale("log")
    hax.set_xlim(lo, hi * 1.05)
    hax.xaxis.set_major_formatter(_log_tick)
    hax.xaxis.set_minor_formatter(lambda x, pos: "")
    hax.yaxis.set_major_locator(MaxNLocator(integer=True))
    hax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    hax.grid(axis="y", alpha=0.3)
    hax.set_axisbelow(True)
    for side in ("top", "right"):
        hax.spines[side].set_visible(False)

    # median and mean, labels on the outer side of each line so that they do not overlap
    marks = [("median", median, "#333333", "-"), ("mean", mean, COLORS["chosen"], "--")]
    left_name = "median" if median <= mean else "mean"
    for name, value, color, style in marks:
        if value <= 0:
            continue  # not on the log axis; the corner text gives it
        hax.axvline(value, color=color, linestyle=style, linewidth=1.5, gid=name)
        left = name == left_name
        _plain(
            hax.annotate(
                f"{name}\n{_money(value, currency)}",
                xy=(value, 0.98),
                xycoords=hax.get_xaxis_transform(),
                xytext=(-4 if left else 4, 0),
                textcoords="offset points",
                ha="right" if left else "left",
                va="top",
                fontsize=ANNOT_SIZE,
                color=color,
                fontweight="bold",
            )
        )

    lines = [f"{n:,} customers", f"total {_money(total, currency)}"]
    if n_nonpos:
        lines.append(
            f"{n_nonpos:,} ({_pct(n_nonpos / n)}) with CLV ≤ 0:\nnot on the log axis, but in\n"
            "the median, mean and shares"
        )
    else:
        lines.append("none with CLV ≤ 0")
    if n_below:
        lines.append(f"{n_below:,} below {currency}{lo:,g}:\nin the first bar")
    if cax is not None:
        tops = _draw_concentration(cax, values, total)
    else:  # no panel for the curve: its figures go in the corner text
        ordered = np.sort(values)[::-1]
        tops = []
        for share in TOP_SHARES:
            k = _top_count(share, n)
            tops.append((k, float(ordered[:k].sum() / total)))
            lines.append(f"top {_pct(share)} hold {_pct(tops[-1][1])} of the CLV")
    # the corner text goes on the side whose bars are lower, with the bars kept below it
    centres = np.sqrt(bins[:-1] * bins[1:])
    mid = math.sqrt(lo * hi)
    left_max = counts[centres < mid].max(initial=0)
    right_max = counts[centres >= mid].max(initial=0)
    on_left = left_max <= right_max
    hax.set_ylim(0, max(counts.max() * 1.25, min(left_max, right_max) / 0.55, 1))
    _plain(
        hax.text(
            0.02 if on_left else 0.98,
            0.84,
            "\n".join(lines),
            transform=hax.transAxes,
            ha="left" if on_left else "right",
            va="top",
            fontsize=ANNOT_SIZE,
            gid="clv-annotation",
            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "#cccccc", "pad": 4},
        )
    )

    if title is None:
        title = (
            f"Customer lifetime value: median {_money(median, currency)}, mean "
            f"{_money(mean, currency)} per customer\n"
            f"The top {_pct(TOP_SHARES[0])} of customers hold {_pct(tops[0][1])} of the total "
            "lifetime value"
        )
    xlabel = f"customer lifetime value ({currency} per customer, log scale)"
    _label_axes(fig, hax, own, title, xlabel, "number of customers")
    _plain(hax.xaxis.label, *[t for t in fig.findobj(Text) if t.get_text() == _wrap(title)])
    if own:
        hax.set_title("Distribution", loc="left", fontsize=PANEL_TITLE_SIZE)
        cax.set_title("Concentration", loc="left", fontsize=PANEL_TITLE_SIZE)
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# 8. lifetime value: model parameters
# --------------------------------------------------------------------------------------------


def _sig(value: float) -> str:
    """Three significant digits, trailing zeros kept: 0.243, 4.30, 15.4, 1,175."""
    if not np.isfinite(value):
        return "n/a"
    return f"{value:#.3g}".rstrip(".") if abs(value) < 999.5 else f"{value:,.0f}"


_PARAMETER_LABELS = {
    "BG/NBD": {
        "r": "r · purchase rate, shape",
        "alpha": "α · purchase rate, scale",
        "a": "a · dropout, beta a",
        "b": "b · dropout, beta b",
    },
    "Gamma-Gamma": {
        "p": "p · spend per purchase, shape",
        "q": "q · customers' mean spend, shape",
        "gamma": "γ · customers' mean spend, scale",
    },
}
_PARAMETER_UNITS = {
    "BG/NBD": "α in the summary's time unit; r, a, b unitless",
    "Gamma-Gamma": "γ in currency units; p, q unitless",
}


def plot_parameter_intervals(
    fit: object,
    *,
    reference: Mapping[str, float] | pd.Series | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Estimate and 95% interval of each parameter of a fitted model, on a log axis.

    Parameters
    ----------
    fit : research.clv.ModelFit
        Result of :func:`research.clv.fit_bgnbd` or :func:`research.clv.fit_gamma_gamma`
        (anything with ``params``, a Series, and ``conf_int()``, a frame with ``low`` and
        ``high`` indexed like it). Not modified.
    reference : mapping or pandas.Series, optional
        Published values by parameter name, e.g. Fader, Hardie & Lee's (2005) CDNOW estimates
        ``{"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}``, drawn as diamonds; may name
        only some parameters.
    title : str, optional
        Chart title. Default names the model and, with a reference, how many published values
        fall inside the intervals.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        One row per parameter, in the order of ``fit.params``; the estimates are an error bar
        container whose line has gid ``"estimate"``, the published values a line with gid
        ``"published"``. The axis is linear if a value or bound is not positive.

    Raises
    ------
    TypeError
        ``fit`` has no ``params`` Series or no ``conf_int`` method.
    ValueError
        ``conf_int()`` lacks ``low`` or ``high``, a value is missing, or ``reference`` names a
        parameter the model does not have.

    Examples
    --------
    >>> fit = fit_bgnbd(summary)  # doctest: +SKIP
    >>> plot_parameter_intervals(fit, reference={"r": 0.243, "alpha": 4.414,
    ...                                          "a": 0.793, "b": 2.426})  # doctest: +SKIP
    """
    params = getattr(fit, "params", None)
    if not isinstance(params, pd.Series) or not callable(getattr(fit, "conf_int", None)):
        raise TypeError(
            "fit must be a fitted model with a params Series and a conf_int() method (the "
            f"result of research.clv.fit_bgnbd or fit_gamma_gamma), got {type(fit).__name__}"
        )
    if params.empty:
        raise ValueError("fit.params is empty: there is no parameter to plot")
    ci = _require_frame(fit.conf_int(), "fit.conf_int()")
    require_columns(ci, ["low", "high"], "fit.conf_int()")
    names = [str(p) for p in params.index]
    missing = params.index.difference(ci.index)
    if len(missing):
        raise ValueError(f"fit.conf_int() has no row for parameter {', '.join(map(repr, missing))}")
    ci = ci.loc[params.index]
    est = numeric_values(params.to_frame("estimate"), "estimate", "fit.params")
    low = _optional_values(ci, "low")
    high = _optional_values(ci, "high")

    ref = None
    if reference is not None:
        if isinstance(reference, pd.Series):
            ref = reference.astype("float64")
        else:
            ref = pd.Series(dict(reference), dtype="float64")
        ref.index = ref.index.astype(str)
        unknown = [p for p in ref.index if p not in names]
        if unknown:
            raise ValueError(
                f"reference names {', '.join(map(repr, unknown))}, which the "
                f"{getattr(fit, 'model', 'fitted')} model does not have; its parameters are "
                f"{names}"
            )
        ref = ref.reindex(names)

    model = str(getattr(fit, "model", ""))
    all_values = np.concatenate([est, low, high] + ([ref.to_numpy()] if ref is not None else []))
    all_values = all_values[np.isfinite(all_values)]
    log = bool((all_values > 0).all())

    own = ax is None
    fig, ax = _axes_or_new(ax, max(3.4, 1.6 + 0.6 * len(names)))
    y = np.arange(len(names), dtype=np.float64)
    err = np.vstack([est - low, high - est])
    err = np.where(np.isfinite(err), np.maximum(err, 0), 0)
    _estimates_with_intervals(
        ax, est, y, xerr=err, label="estimate (95% CI)", gid="estimate", size=8
    )
    inside = None
    if ref is not None:
        shown = ref.notna().to_numpy()
        ax.plot(
            ref.to_numpy()[shown],
            y[shown],
            linestyle="none",
            marker="D",
            markersize=8,
            markerfacecolor="none",
            markeredgecolor=COLORS["chosen"],
            markeredgewidth=2,
            label="published",
            gid="published",
            zorder=4,
        )
        r = ref.to_numpy()
        inside = int(np.sum(shown & (r >= low) & (r <= high)))
    if log:
        ax.set_xscale("log")
        lo_v, hi_v = all_values.min(), all_values.max()
        pad = (hi_v / lo_v) ** 0.08 if hi_v > lo_v else 2.0
        ax.set_xlim(lo_v / pad, hi_v * pad)
        # ticks at 1, 2 and 5 times the powers of ten when the values span few decades
        few = hi_v / lo_v < 1e3
        ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0) if few else (1.0,)))
        ax.xaxis.set_major_formatter(_log_tick)
        ax.xaxis.set_minor_formatter(lambda x, pos: "")
    else:
        ax.margins(x=0.08)
    # each estimate labelled above its point, kept inside the axes near either end
    ax.get_xlim()  # settles pending autoscaling before the limits are read
    to_axes = ax.transScale + ax.transLimits
    for xi, yi, lo, hi in zip(est, y, low, high, strict=True):
        interval = f" [{_sig(lo)}–{_sig(hi)}]" if np.isfinite(lo) and np.isfinite(hi) else ""
        where = to_axes.transform((xi, 0.0))[0]
        ax.annotate(
            f"{_sig(xi)}{interval}",
            (xi, yi),
            xytext=(0, 8),
            textcoords="offset points",
            ha="left" if where < 0.2 else "right" if where > 0.8 else "center",
            va="bottom",
            fontsize=ANNOT_SIZE,
            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 0.5},
        )
    labels = _PARAMETER_LABELS.get(model, {})
    ax.set_yticks(y, [labels.get(p, p) for p in names])
    ax.set_ylim(len(names) - 0.4, -0.9)  # first parameter on top, room for its label
    ax.grid(axis="x", which="both", alpha=0.25)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles, names_ = ax.get_legend_handles_labels()
    order = sorted(range(len(names_)), key=lambda i: names_[i] == "published")
    handles, names_ = [handles[i] for i in order], [names_[i] for i in order]
    if own:  # above the axes; a caller's axes has its title there
        ax.legend(
            handles,
            names_,
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncols=2,
            fontsize=ANNOT_SIZE + 1,
            frameon=False,
        )
    else:
        ax.legend(handles, names_, loc="best", fontsize=ANNOT_SIZE + 1)

    if title is None:
        n_obs = getattr(fit, "n_obs", None)
        fitted = f" (fitted on {n_obs:,} customers)" if isinstance(n_obs, int | np.integer) else ""
        title = f"{model or 'Model'} parameters: estimates with 95% intervals{fitted}"
        if ref is not None:
            n_ref = int(ref.notna().sum())
            title += (
                f"\n{inside} of {n_ref} published "
                f"{'value lies' if n_ref == 1 else 'values lie'} inside the intervals"
            )
    units = _PARAMETER_UNITS.get(model)
    scale = "log scale" if log else "linear scale: some values are not positive"
    xlabel = f"parameter value ({scale}{'; ' + units if units else ''})"
    _label_axes(fig, ax, own, title, xlabel, "parameter")
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# 9. funnel, SLA and sales charts (research.funnel)
# --------------------------------------------------------------------------------------------

#: Colours of the funnel charts: the bottleneck step, and a rep above, below or not
#: distinguishable from the team rate.
FUNNEL_COLORS = {
    "bottleneck": COLORS["chosen"],
    "above": COLORS["stable"],
    "below": COLORS["dissolved"],
    "not distinguishable": COLORS["muted"],
    "shrunk": "#222222",
}

#: Columns of a :func:`research.funnel.funnel` table; any other column is a group column.
_FUNNEL_COLUMNS = (
    "stage", "step", "entered", "next_stage", "converted", "conversion", "low", "high",
    "from_top", "lost", "bottleneck",
)  # fmt: skip


def _pct1(share: float) -> str:
    """A share with one decimal: 29.8%, 4.5%, 100.0% (two decimals below 0.1%)."""
    if not np.isfinite(share):
        return "n/a"
    pct = 100 * share
    return f"{pct:.2f}%" if 0 < abs(pct) < 0.1 else f"{pct:.1f}%"


def _rate_ci(rate: float, low: float, high: float) -> str:
    """A rate with its interval: 29.8% [28.9–30.7%]."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return _pct1(rate)
    return f"{_pct1(rate)} [{_pct1(low).rstrip('%')}–{_pct1(high)}]"


def _short_amount(value: float) -> str:
    """An amount in few characters: 950, 93.5k, 1.33M."""
    if not np.isfinite(value):
        return "n/a"
    sign = "−" if value < 0 else ""
    value = abs(value)
    if value >= 999_500:
        return f"{sign}{value / 1e6:.3g}M"
    if value >= 999.5:
        return f"{sign}{value / 1e3:.3g}k"
    return f"{sign}{value:,.0f}"


def _p_value(p: float) -> str:
    if not np.isfinite(p):
        return "p n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}" if p < 0.0995 else f"p = {p:.2f}"


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


def _funnel_groups(frame: pd.DataFrame) -> list[str]:
    """The group columns of a funnel table (``by`` columns and ``cohort``), in order."""
    return [c for c in frame.columns if c not in _FUNNEL_COLUMNS]


def _group_labels(frame: pd.DataFrame, groups: Sequence[str]) -> pd.Series:
    """One label per row from the group columns: "email", or "email · EMEA"."""
    if not groups:
        return pd.Series("all", index=frame.index, dtype=object)
    parts = [frame[g].astype(str).fillna("(missing)") for g in groups]
    return parts[0].str.cat(parts[1:], sep=" · ") if len(parts) > 1 else parts[0]


def _side_text_x(ax: Axes, xs_low: np.ndarray, xs_high: np.ndarray, limit: float = 0.78):
    """For labels beside horizontal intervals: (x, ha, offset) per row, right of the upper
    bound unless that is past ``limit`` of the axes width, else left of the lower bound."""
    ax.get_xlim()  # settles pending autoscaling before the limits are read
    to_axes = ax.transScale + ax.transLimits
    out = []
    for lo, hi in zip(xs_low, xs_high, strict=True):
        if to_axes.transform((hi, 0.0))[0] <= limit:
            out.append((hi, "left", 6))
        else:
            out.append((lo, "right", -6))
    return out


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


def plot_funnel(
    table: pd.DataFrame,
    *,
    group: object = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The funnel as horizontal bars: leads per stage, conversion to the next, the bottleneck.

    One bar per stage, first stage on top, its length the number of leads that reached the
    stage (with the count, and the share of the first stage, at its end). Between two bars,
    the conversion from one stage to the next with its Wilson interval, e.g.
    "→ 29.8% [28.9–30.7%] convert to SQL". The bottleneck (the step with the lowest
    conversion, flagged by :func:`research.funnel.funnel`) is drawn in
    ``FUNNEL_COLORS["bottleneck"]`` and named next to its conversion.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`research.funnel.funnel`: one row per stage (and group) with columns
        ``stage``, ``step``, ``entered``, ``converted``, ``conversion``, ``low``, ``high`` and
        ``bottleneck``. Other columns are group columns (``by``, ``cohort``). Not modified.
    group : object, optional
        The group to draw when the table has group columns: its value (``"email"``, or
        ``"2024-03"`` for a cohort; compared as text), or a tuple with one value per group
        column. Required when the table holds more than one group.
    title : str, optional
        Chart title. Default gives the share reaching the last stage and the bottleneck.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Each bar (a patch) has gid ``"stage-<stage>"``; the conversion texts have gid
        ``"conversion-<stage>"`` and the count texts ``"count-<stage>"``. A funnel of two
        stages has a single step, so nothing is highlighted as its bottleneck.

    Raises
    ------
    ValueError
        A column is missing, the table (or the selected group) is empty, ``group`` is not in
        the table, or the table holds several groups and ``group`` is not given.

    Examples
    --------
    >>> table = funnel(leads, ["created_at", "mql_at", "sql_at"],
    ...                names=["lead", "MQL", "SQL"])  # doctest: +SKIP
    >>> plot_funnel(table)  # doctest: +SKIP
    >>> plot_funnel(funnel(leads, stages, by="channel"), group="email")  # doctest: +SKIP
    """
    frame = _require_frame(table, "table")
    needed = ["stage", "step", "entered", "converted", "conversion", "low", "high", "bottleneck"]
    require_columns(frame, needed, "table")
    require_rows(frame, "table")
    groups = _funnel_groups(frame)
    group_text = ""
    if groups:
        labels = _group_labels(frame, groups)
        present = list(dict.fromkeys(labels))
        if group is None:
            if len(present) > 1:
                raise ValueError(
                    f"table ({len(frame):,} rows) holds {len(present):,} groups of "
                    f"{', '.join(map(repr, groups))} ({rows_repr(pd.Index(present))}): pass "
                    "group= to choose one"
                )
            wanted = present[0]
        else:
            values = group if isinstance(group, tuple) else (group,)
            if len(values) != len(groups):
                raise ValueError(
                    f"group={group!r} has {len(values)} values for {len(groups)} group columns "
                    f"{groups}"
                )
            wanted = " · ".join(map(str, values))
            if wanted not in present:
                raise ValueError(
                    f"group {group!r} is not in table column(s) {', '.join(map(repr, groups))}; "
                    f"its groups are {rows_repr(pd.Index(present))}"
                )
        frame = frame[(labels == wanted).to_numpy()]
        group_text = f"{' · '.join(groups)} = {wanted}"
    elif group is not None:
        raise ValueError(
            f"group={group!r} was given but table has no group column: it is one funnel"
        )
    frame = frame.sort_values("step", kind="stable")
    stages = frame["stage"].astype(str).tolist()
    entered = numeric_values(frame, "entered", "table")
    conversion = _optional_values(frame, "conversion")
    low = _optional_values(frame, "low")
    high = _optional_values(frame, "high")
    converted = _optional_values(frame, "converted")
    n = len(stages)
    # with a single step there is nothing to compare: no bottleneck is highlighted
    bottleneck = frame["bottleneck"].fillna(False).to_numpy(dtype=bool) & (n > 2)
    top = float(entered[0]) if n else 0.0

    own = ax is None
    fig, ax = _axes_or_new(ax, max(3.2, 1.5 + 0.85 * n))
    y = np.arange(n, dtype=np.float64)
    colors = [FUNNEL_COLORS["bottleneck"] if b else COLORS["main"] for b in bottleneck]
    bars = ax.barh(y, entered, height=0.5, color=colors, zorder=2)
    for bar, stage in zip(bars, stages, strict=True):
        bar.set_gid(f"stage-{stage}")
    widest = max(float(entered.max()), 1.0)
    ax.set_xlim(0, widest * 1.04)
    ax.set_ylim(n - 0.5, -0.55)
    for i, (stage, count) in enumerate(zip(stages, entered, strict=True)):
        text = f"{count:,.0f}"
        if i > 0 and top > 0:
            text += f" ({_pct1(count / top)} of the first stage)"
        inside = count >= 0.45 * widest
        ax.annotate(
            text,
            (count, y[i]),
            xytext=(-6 if inside else 5, 0),
            textcoords="offset points",
            ha="right" if inside else "left",
            va="center",
            fontsize=ANNOT_SIZE + 1,
            fontweight="bold",
            color=_text_color(colors[i]) if inside else "#222222",
            gid=f"count-{stage}",
        )
    for i in range(n - 1):
        text = f"→ {_rate_ci(conversion[i], low[i], high[i])} convert to {stages[i + 1]}"
        style = {"color": "#333333"}
        if bottleneck[i]:
            lost = entered[i] - converted[i]
            text += f"  ·  bottleneck: the lowest conversion, {lost:,.0f} lost here"
            style = {"color": FUNNEL_COLORS["bottleneck"], "fontweight": "bold"}
        ax.annotate(
            text,
            (0, y[i] + 0.5),
            xytext=(4, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=ANNOT_SIZE + 0.5,
            gid=f"conversion-{stages[i]}",
            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 0.5},
            **style,
        )
    ax.set_yticks(y, [textwrap.fill(s, 16) for s in stages])
    ax.tick_params(axis="y", length=0)
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)

    if title is None:
        head = f"Funnel of {group_text}" if group_text else "Funnel"
        title = f"{head}: {_pct1(entered[-1] / top if top else np.nan)} of the {top:,.0f} "
        title += f"at {stages[0]} reach {stages[-1]}"
        if bottleneck.any():
            b = int(np.flatnonzero(bottleneck)[0])
            title += (
                f"\nBottleneck: {stages[b]} → {stages[b + 1]}, where {_pct1(conversion[b])} convert"
            )
    _label_axes(fig, ax, own, title, "leads that reached the stage (count)", "funnel stage")
    return _finish(fig)


def plot_conversion_by_group(
    table: pd.DataFrame,
    stage: str,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Conversion from one stage to the next per group, with intervals and the overall rate.

    For groups (``funnel(..., by=...)``): one point per group with its Wilson interval, highest
    on top. For monthly (or weekly, ...) cohorts (``funnel(..., cohort=...)``): the rate in
    time order as a line with the interval as a band. Either way a dashed line marks the
    overall rate, pooled from the counts (all conversions / all leads at the stage), and
    each group's count at the stage is in its tick label.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`research.funnel.funnel` with ``by`` or ``cohort``: columns ``stage``,
        ``entered``, ``converted``, ``conversion``, ``low``, ``high`` and one or more group
        columns (a column named ``cohort`` alone is drawn as a time series). Not modified.
    stage : str
        The stage to convert from (a value of ``table["stage"]``, not the last one).
    title : str, optional
        Chart title. Default names the stages and the highest and lowest groups.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The group points are an error bar container whose line has gid ``"conversion"``
        (for cohorts: a line with gid ``"conversion"`` and a band with gid ``"interval"``);
        the overall rate is a line with gid ``"overall"``.

    Raises
    ------
    ValueError
        A column is missing, the table has no group column, ``stage`` is not in it or is the
        last stage, or no lead reached it.

    Examples
    --------
    >>> by_channel = funnel(leads, stages, names=names, by="channel")  # doctest: +SKIP
    >>> plot_conversion_by_group(by_channel, "MQL")  # doctest: +SKIP
    >>> cohorts = funnel(leads, stages, names=names, cohort="created_at")  # doctest: +SKIP
    >>> plot_conversion_by_group(cohorts, "lead")  # doctest: +SKIP
    """
    frame = _require_frame(table, "table")
    require_columns(frame, ["stage", "entered", "converted", "conversion", "low", "high"], "table")
    require_rows(frame, "table")
    groups = _funnel_groups(frame)
    if not groups:
        raise ValueError(
            f"table ({len(frame):,} rows) has no group column: make it with funnel(..., by=...) "
            "or funnel(..., cohort=...); plot a single funnel with plot_funnel"
        )
    stage_names = frame["stage"].astype(str)
    rows = frame[(stage_names == str(stage)).to_numpy()]
    if rows.empty:
        raise ValueError(
            f"stage {stage!r} is not in column 'stage' of table; its stages are "
            f"{list(dict.fromkeys(stage_names))}"
        )
    rows = rows[rows["converted"].notna().to_numpy()]
    if rows.empty:
        raise ValueError(f"stage {stage!r} is the last stage: it has no conversion to a next one")
    next_stage = str(rows["next_stage"].iloc[0]) if "next_stage" in rows.columns else "next"
    entered = numeric_values(rows, "entered", "table")
    converted = numeric_values(rows, "converted", "table")
    if entered.sum() <= 0:
        raise ValueError(f"no lead reached stage {stage!r} in any group: nothing to compare")
    overall = float(converted.sum() / entered.sum())
    rate = _optional_values(rows, "conversion")
    low = _optional_values(rows, "low")
    high = _optional_values(rows, "high")
    labels = _group_labels(rows, groups).to_numpy(dtype=object)
    cohort = groups == ["cohort"]
    group_name = " · ".join(groups)

    own = ax is None
    if cohort:
        keys = rows["cohort"]
        order = np.argsort(keys.to_numpy() if isinstance(keys.dtype, pd.PeriodDtype)
                           else keys.astype(str).to_numpy(), kind="stable")  # fmt: skip
        k = len(order)
        fig, ax = _axes_or_new(ax, 4.8)
        x = np.arange(k, dtype=np.float64)
        r, lo, hi = rate[order], low[order], high[order]
        band = ax.fill_between(x, lo, hi, color=COLORS["main"], alpha=0.2, linewidth=0,
                               label="interval (Wilson)")  # fmt: skip
        band.set_gid("interval")
        ax.plot(x, r, color=COLORS["main"], marker="o", markersize=5, linewidth=2,
                label=f"conversion to {next_stage}", gid="conversion", zorder=3)  # fmt: skip
        ref = ax.axhline(overall, color=COLORS["reference"], linestyle="--", linewidth=1.2,
                         label=f"overall: {_pct1(overall)}", gid="overall")  # fmt: skip
        ref.set_zorder(2)
        step = max(1, math.ceil(k / 12))  # at most about 12 tick labels
        shown = np.arange(0, k, step)
        ax.set_xticks(
            x[shown],
            [f"{labels[order][i]}\n({entered[order][i]:,.0f})" for i in shown],
        )
        ax.set_xlim(-0.5, k - 0.5)
        finite = np.concatenate([lo[np.isfinite(lo)], hi[np.isfinite(hi)], [overall]])
        span = max(finite.max() - finite.min(), 0.02)
        ax.set_ylim(max(0.0, finite.min() - 0.15 * span), min(1.0, finite.max() + 0.35 * span))
        _percent_axis(ax.yaxis)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(loc="upper left", ncols=3, fontsize=ANNOT_SIZE + 1, frameon=False)
        _footnote(ax, "The latest cohorts may still convert: their rates are not final.")
        xlabel = f"cohort (leads at the {stage} stage)"
        ylabel = f"conversion from {stage} to {next_stage} (%)"
        if title is None:
            title = (
                f"Conversion from {stage} to {next_stage} by cohort: {_pct1(overall)} overall\n"
                f"from {_pct1(np.nanmin(r))} to {_pct1(np.nanmax(r))} per cohort"
            )
    else:
        order = np.argsort(-np.nan_to_num(rate, nan=-1.0), kind="stable")  # highest on top
        k = len(order)
        fig, ax = _axes_or_new(ax, max(3.4, 1.7 + 0.45 * k))
        y = np.arange(k, dtype=np.float64)
        r, lo, hi = rate[order], low[order], high[order]
        ref = ax.axvline(overall, color=COLORS["reference"], linestyle="--", linewidth=1.2,
                         label=f"overall: {_pct1(overall)}", gid="overall")  # fmt: skip
        ref.set_zorder(2)
        _estimates_with_intervals(
            ax, r, y, xerr=_interval_errors(r, lo, hi),
            label=f"conversion to {next_stage} (Wilson interval)", gid="conversion",
        )  # fmt: skip
        ax.set_yticks(
            y,
            [f"{textwrap.shorten(str(labels[i]), 30)} ({entered[i]:,.0f})" for i in order],
        )
        finite = np.concatenate([lo[np.isfinite(lo)], hi[np.isfinite(hi)], [overall]])
        span = max(finite.max() - finite.min(), 0.02)
        ax.set_xlim(max(0.0, finite.min() - 0.1 * span), min(1.0, finite.max() + 0.1 * span))
        ax.set_ylim(k - 0.5, -1.3)  # first group on top, room above it for the legend
        _percent_axis(ax.xaxis)
        ax.grid(axis="x", alpha=0.3)
        ax.legend(loc="upper left", ncols=2, fontsize=ANNOT_SIZE + 1, frameon=True,
                  edgecolor="none", framealpha=0.9)  # fmt: skip
        xlabel = f"conversion from {stage} to {next_stage} (%)"
        ylabel = f"{group_name} (leads at the {stage} stage)"
        if title is None:
            best, worst = order[0], order[-1]
            title = (
                f"Conversion from {stage} to {next_stage} by {group_name}: {_pct1(overall)} "
                f"overall\nhighest {labels[best]} ({_pct1(rate[best])}), lowest "
                f"{labels[worst]} ({_pct1(rate[worst])})"
            )
    ax.set_axisbelow(True)
    _clean_spines(ax)
    _label_axes(fig, ax, own, title, xlabel, ylabel)
    return _finish(fig)


def _days(value: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    return f"{value:.1f}" if value < 99.5 else f"{value:,.0f}"


def plot_cycle_curves(
    result: object,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Kaplan-Meier curves of the share still open against days since the start, per group.

    Each curve steps down as deals close; deals still open at the end of the data are
    censored, not dropped (:func:`research.funnel.cycle_length`). The shaded band is the
    pointwise interval; where a curve crosses 50% its median is marked, and the legend gives
    each group's count and median (or "median not reached" when fewer than half have
    closed). With groups, the legend title gives the log-rank test's p-value.

    Parameters
    ----------
    result : research.funnel.CycleLength
        Output of :func:`research.funnel.cycle_length`: ``curves`` with columns ``group``,
        ``days``, ``share_open``, ``low``, ``high``; ``summary`` with ``group``, ``n`` and
        ``median_days``; ``test`` (``p_value``) or None. Not modified.
    title : str, optional
        Chart title. Default gives the median(s).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        One step line per group with gid ``"curve-<group>"`` and its band (gid
        ``"band-<group>"``); each reached median is a marker with gid ``"median-<group>"``.
        The y axis starts above 0 when every curve stays high (e.g. most leads never close).

    Raises
    ------
    TypeError
        ``result`` has no ``curves`` and ``summary`` DataFrames.
    ValueError
        A column is missing or there is no curve.

    Examples
    --------
    >>> result = cycle_length(opps, "created_at", "closed_at", data_end=end,
    ...                       by="company_size")  # doctest: +SKIP
    >>> plot_cycle_curves(result)  # doctest: +SKIP
    """
    curves, summary = getattr(result, "curves", None), getattr(result, "summary", None)
    if not isinstance(curves, pd.DataFrame) or not isinstance(summary, pd.DataFrame):
        raise TypeError(
            "result must be the output of research.funnel.cycle_length (with curves and "
            f"summary DataFrames), got {type(result).__name__}"
        )
    require_columns(curves, ["group", "days", "share_open", "low", "high"], "result.curves")
    require_columns(summary, ["group", "n", "median_days"], "result.summary")
    require_rows(curves, "result.curves")
    test = getattr(result, "test", None)
    groups = list(dict.fromkeys(curves["group"].astype(str)))
    medians = dict(
        zip(summary["group"].astype(str), _optional_values(summary, "median_days"), strict=True)
    )
    sizes = dict(zip(summary["group"].astype(str), summary["n"], strict=True))
    palette = [COLORS["main"]] if len(groups) == 1 else _CB
    group_of = curves["group"].astype(str).to_numpy()

    own = ax is None
    fig, ax = _axes_or_new(ax, 5.0)
    lowest, ending = 1.0, 0.0
    for i, group in enumerate(groups):
        part = curves[group_of == group]
        days = numeric_values(part, "days", "result.curves")
        share = numeric_values(part, "share_open", "result.curves")
        lo = _optional_values(part, "low")
        hi = _optional_values(part, "high")
        color = palette[i % len(palette)]
        median = medians.get(group, np.nan)
        n = sizes.get(group)
        count = f"n = {n:,}, " if n is not None and pd.notna(n) else ""
        where = f"median {_days(median)} days" if np.isfinite(median) else "median not reached"
        name = f"{group}: " if len(groups) > 1 or group != "all" else ""
        ax.step(days, share, where="post", color=color, linewidth=2, gid=f"curve-{group}",
                label=f"{name}{count}{where}", zorder=3)  # fmt: skip
        band = ax.fill_between(days, lo, hi, step="post", color=color, alpha=0.15, linewidth=0)
        band.set_gid(f"band-{group}")
        if np.isfinite(median):
            ax.plot([median, median], [0, 0.5], color=color, linestyle=":", linewidth=1.2)
            ax.plot([median], [0.5], marker="o", markersize=7, color=color,
                    markeredgecolor="white", gid=f"median-{group}", zorder=4)  # fmt: skip
        lowest = min(lowest, float(np.nanmin(np.concatenate([share, lo]))))
        ending = max(ending, float(share[-1]))
    # the whole 0-100% range, unless every curve stays high: then zoom in on the top, with
    # the curves above the legend (about 6% of the axes height per legend row)
    rows = len(groups) + (test is not None)
    room = max(0.3, 0.9 - 0.06 * rows)  # share of the axes height left for the curves
    bottom = 1.02 - (1.02 - lowest) / room
    bottom = 0.0 if bottom <= 0.3 else math.floor(10 * bottom) / 10
    ax.set_ylim(bottom, 1.02)
    if bottom < 0.5:
        ax.axhline(0.5, color=COLORS["reference"], linestyle="--", linewidth=1, zorder=1)
        ax.annotate("half closed (median)", xy=(1, 0.5), xycoords=("axes fraction", "data"),
                    xytext=(-4, 3), textcoords="offset points", ha="right", va="bottom",
                    fontsize=ANNOT_SIZE, color=COLORS["reference"])  # fmt: skip
    ax.set_xlim(0, None)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.grid(alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    legend_title = None
    if test is not None and np.isfinite(test.get("p_value", np.nan)):
        legend_title = f"log-rank test across groups: {_p_value(test['p_value'])}"
    # curves that fall low leave the upper right free; else the lower left is (every curve
    # starts at 100%)
    ax.legend(loc="upper right" if ending < 0.3 else "lower left", title=legend_title,
              fontsize=ANNOT_SIZE + 1,
              title_fontsize=ANNOT_SIZE + 1, frameon=True, framealpha=0.9,
              edgecolor="#cccccc")  # fmt: skip

    if title is None:
        reached = [m for m in medians.values() if np.isfinite(m)]
        if len(groups) == 1:
            m = medians.get(groups[0], np.nan)
            title = (
                f"Cycle length: half are closed after {_days(m)} days"
                if np.isfinite(m)
                else "Cycle length: fewer than half have closed (median not reached)"
            )
        elif reached:
            title = (
                f"Cycle length by group: medians from {_days(min(reached))} to "
                f"{_days(max(reached))} days"
            )
        else:
            title = "Cycle length by group: fewer than half have closed in every group"
        title += "\nKaplan-Meier estimate: those still open are followed to the end of the data"
    _label_axes(fig, ax, own, title, "days since start", "share still open (%)")
    return _finish(fig)


def plot_sla(
    table: pd.DataFrame,
    *,
    sla_hours: float = 24,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Share of leads answered within the SLA per group, with intervals and median hours.

    One point per group (team, rep, channel) with its Wilson interval, highest on top, and
    the group's median response time written beside it; a dashed line marks the overall
    share, pooled from the counts (all answered in time / all due).

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`research.funnel.sla_compliance` (with ``by=``): indexed by group, with
        columns ``due``, ``within_sla``, ``share_within``, ``low``, ``high`` and
        ``median_response_hours``. Not modified.
    sla_hours : float, default 24
        The SLA the table was computed with (for the labels only).
    title : str, optional
        Chart title. Default gives the overall share and the range across groups.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The points are an error bar container whose line has gid ``"share-within"``; the
        overall share a line with gid ``"overall"``; the median texts have gid
        ``"median-<group>"``.

    Raises
    ------
    ValueError
        A column is missing, the table is empty, or no lead is due.

    Examples
    --------
    >>> plot_sla(sla_compliance(leads, by="sdr_id", data_end=end))  # doctest: +SKIP
    """
    frame = _require_frame(table, "table")
    require_columns(
        frame,
        ["due", "within_sla", "share_within", "low", "high", "median_response_hours"],
        "table",
    )
    require_rows(frame, "table")
    due = numeric_values(frame, "due", "table")
    within = numeric_values(frame, "within_sla", "table")
    if due.sum() <= 0:
        raise ValueError(f"table ({len(frame):,} rows) has no lead due: nothing to measure")
    overall = float(within.sum() / due.sum())
    share = _optional_values(frame, "share_within")
    low = _optional_values(frame, "low")
    high = _optional_values(frame, "high")
    hours = _optional_values(frame, "median_response_hours")
    labels = frame.index.astype(str).tolist()
    order = np.argsort(-np.nan_to_num(share, nan=-1.0), kind="stable")  # highest on top
    k = len(order)
    sla = f"{sla_hours:g} h"

    own = ax is None
    fig, ax = _axes_or_new(ax, max(3.4, 1.7 + 0.45 * k))
    y = np.arange(k, dtype=np.float64)
    sh, lo, hi = share[order], low[order], high[order]
    ax.axvline(overall, color=COLORS["reference"], linestyle="--", linewidth=1.2, zorder=2,
               label=f"overall: {_pct1(overall)}", gid="overall")  # fmt: skip
    _estimates_with_intervals(
        ax, sh, y, xerr=_interval_errors(sh, lo, hi),
        label=f"answered within {sla} (Wilson interval)", gid="share-within",
    )  # fmt: skip
    finite = np.concatenate([lo[np.isfinite(lo)], hi[np.isfinite(hi)], [overall]])
    span = max(finite.max() - finite.min(), 0.02)
    ax.set_xlim(max(0.0, finite.min() - 0.25 * span), min(1.0, finite.max() + 0.25 * span))
    ax.set_ylim(k - 0.5, -1.3)  # first group on top, room above it for the legend
    ax.set_yticks(y, [f"{textwrap.shorten(labels[i], 30)} ({due[i]:,.0f})" for i in order])
    edges_lo = np.where(np.isfinite(lo), lo, sh)
    edges_hi = np.where(np.isfinite(hi), hi, sh)
    _percent_axis(ax.xaxis)
    for row, (x, ha, dx) in enumerate(_side_text_x(ax, edges_lo, edges_hi)):
        i = order[row]
        text = f"median {hours[i]:.1f} h" if np.isfinite(hours[i]) else "no answer yet"
        ax.annotate(
            text,
            (x, y[row]),
            xytext=(dx, 0),
            textcoords="offset points",
            ha=ha,
            va="center",
            fontsize=ANNOT_SIZE,
            color="#333333",
            gid=f"median-{labels[i]}",
            bbox={"facecolor": "white", "alpha": 0.9, "edgecolor": "none", "pad": 0.5},
        )
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    ax.legend(loc="upper left", ncols=2, fontsize=ANNOT_SIZE + 1, frameon=True,
              edgecolor="none", framealpha=0.9)  # fmt: skip
    group_name = frame.index.name or "group"
    if title is None:
        best, worst = order[0], order[-1]
        title = f"Leads answered within the {sla} SLA: {_pct1(overall)} overall"
        if k > 1:
            title += (
                f"\nfrom {_pct1(share[best])} ({labels[best]}) down to {_pct1(share[worst])} "
                f"({labels[worst]})"
            )
    _label_axes(fig, ax, own, title, f"answered within {sla} (% of leads due)",
                f"{group_name} (leads due)")  # fmt: skip
    return _finish(fig)


def _model_controls(terms: Sequence[str]) -> list[str]:
    """Control variables named in statsmodels terms: 'C(Q("channel"))[T.events]' -> channel."""
    names = []
    for term in terms:
        if term == "within_sla":
            continue
        name = term.split("[", 1)[0]
        for wrapper in ('C(Q("', "C(", 'Q("'):
            name = name.removeprefix(wrapper)
        name = name.split('"', 1)[0].split(",", 1)[0].rstrip(")")
        names.append(name)
    return list(dict.fromkeys(names))


def plot_speed_to_lead(
    result: object,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Conversion by response-time bucket, and the odds ratio of answering within the SLA.

    Points with Wilson intervals show the raw conversion rate of the answered leads in each
    response-time bucket (no controls), left to right from the fastest; a dashed line marks
    the rate of all of them. A box gives the odds ratio of ``within_sla`` from the logistic
    model with its controls. The association is observational: a footnote points to the
    result's caveat.

    Parameters
    ----------
    result : research.funnel.SpeedToLead
        Output of :func:`research.funnel.speed_to_lead_effect`: ``by_response_time`` (indexed
        by bucket, with ``leads``, ``conversions``, ``rate``, ``low``, ``high``),
        ``odds_ratios`` (a ``within_sla`` row with ``odds_ratio``, ``low``, ``high`` and
        optionally ``p_value``) and ``n``. Not modified.
    title : str, optional
        Chart title. Default reads the odds ratio.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The points are an error bar container whose line has gid ``"conversion"``; the
        overall rate a line with gid ``"overall"``; the odds-ratio box a text with gid
        ``"odds-ratio"`` and the footnote gid ``"footnote"``. Empty buckets have no point.

    Raises
    ------
    TypeError
        ``result`` has no ``by_response_time`` and ``odds_ratios`` DataFrames.
    ValueError
        A column or the ``within_sla`` row is missing, or no bucket has a lead.

    Examples
    --------
    >>> plot_speed_to_lead(speed_to_lead_effect(leads))  # doctest: +SKIP
    """
    by_time = getattr(result, "by_response_time", None)
    odds = getattr(result, "odds_ratios", None)
    if not isinstance(by_time, pd.DataFrame) or not isinstance(odds, pd.DataFrame):
        raise TypeError(
            "result must be the output of research.funnel.speed_to_lead_effect (with "
            f"by_response_time and odds_ratios DataFrames), got {type(result).__name__}"
        )
    require_columns(by_time, ["leads", "conversions", "rate", "low", "high"],
                    "result.by_response_time")  # fmt: skip
    require_columns(odds, ["odds_ratio", "low", "high"], "result.odds_ratios")
    require_rows(by_time, "result.by_response_time")
    if "within_sla" not in odds.index:
        raise ValueError(
            f"result.odds_ratios ({len(odds):,} rows) has no row 'within_sla'; its rows are "
            f"{rows_repr(odds.index)}"
        )
    leads = numeric_values(by_time, "leads", "result.by_response_time")
    conversions = numeric_values(by_time, "conversions", "result.by_response_time")
    if leads.sum() <= 0:
        raise ValueError("result.by_response_time has no lead in any bucket: nothing to plot")
    overall = float(conversions.sum() / leads.sum())
    rate = _optional_values(by_time, "rate")
    low = _optional_values(by_time, "low")
    high = _optional_values(by_time, "high")
    row = odds.loc["within_sla"]
    ratio, r_low, r_high = (float(row[c]) for c in ("odds_ratio", "low", "high"))
    p = float(row["p_value"]) if "p_value" in odds.columns else np.nan
    controls = _model_controls([str(t) for t in odds.index])
    n_model = getattr(result, "n", None)
    labels = by_time.index.astype(str).tolist()

    own = ax is None
    fig, ax = _axes_or_new(ax, 5.2)
    x = np.arange(len(labels), dtype=np.float64)
    shown = np.isfinite(rate)
    ax.axhline(overall, color=COLORS["reference"], linestyle="--", linewidth=1.2, zorder=2,
               label=f"all answered leads: {_pct1(overall)}", gid="overall")  # fmt: skip
    _estimates_with_intervals(
        ax, x[shown], rate[shown], yerr=_interval_errors(rate, low, high)[:, shown],
        label="conversion rate (Wilson interval)", gid="conversion",
    )  # fmt: skip
    ax.set_xticks(x, [f"{b}\n({n:,.0f})" for b, n in zip(labels, leads, strict=True)])
    ax.set_xlim(-0.5, len(labels) - 0.5)
    top = np.nanmax(np.concatenate([high[np.isfinite(high)], rate[shown], [overall]]))
    ax.set_ylim(0, min(1.0, top * 1.45) if top > 0 else 1.0)  # room above for the box
    _percent_axis(ax.yaxis)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    ax.legend(loc="upper left", fontsize=ANNOT_SIZE + 1, frameon=False)

    interval = f" [{r_low:.2f}–{r_high:.2f}]" if np.isfinite(r_low) and np.isfinite(r_high) else ""
    adjusted = f"adjusted for {', '.join(controls)}" if controls else "no controls"
    lines = [
        f"Answered within the SLA: odds of converting × {ratio:.2f}{interval}",
        f"logistic model, {adjusted}"
        + (f"; {n_model:,} leads" if isinstance(n_model, int | np.integer) else "")
        + (f"; {_p_value(p)}" if np.isfinite(p) else ""),
    ]
    _plain(
        ax.text(0.98, 0.97, "\n".join(lines), transform=ax.transAxes, ha="right", va="top",
                fontsize=ANNOT_SIZE + 0.5, gid="odds-ratio", multialignment="left",
                bbox={"facecolor": "white", "alpha": 0.9, "edgecolor": "#cccccc", "pad": 5})
    )  # fmt: skip
    _footnote(ax, "Observational: an association, not a proven effect; see the result's caveat.")

    if title is None:
        if np.isfinite(r_low) and r_low > 1:
            verdict = "leads answered within the SLA convert more often"
        elif np.isfinite(r_high) and r_high < 1:
            verdict = "leads answered within the SLA convert less often"
        else:
            verdict = "no clear difference for leads answered within the SLA"
        title = (
            f"Speed to lead: {verdict}\nodds ratio {ratio:.2f}{interval}, {adjusted} "
            "(observational)"
        )
    _label_axes(fig, ax, own, title, "time to first response (leads in the bucket)",
                "conversion rate (% of answered leads)")  # fmt: skip
    return _finish(fig)


def plot_league_table(
    table: pd.DataFrame,
    *,
    rate_label: str = "win rate",
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Reps ranked with their raw rate and interval, the shrunk rate, and the team rate.

    Each rep's raw rate is a point with its Wilson interval, coloured by whether the interval
    lies above the team rate, below it, or includes it (``FUNNEL_COLORS``); the rate shrunk
    towards the team rate (empirical Bayes) is a hollow diamond. Reps are in rank order, best
    on top, with the number of cases in the tick label; a dashed line marks the team rate.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`research.funnel.league_table`: indexed by rep, with columns ``n``,
        ``rate``, ``low``, ``high``, ``shrunk``, ``rank`` and ``vs_team``, and the team rate in
        ``table.attrs["team_rate"]`` (else pooled from ``successes`` / ``n``). Not modified.
    rate_label : str, default "win rate"
        What the rate is, for the axis label and the title.
    title : str, optional
        Chart title. Default counts the reps above and below the team.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The raw rates are error bar containers whose lines have gid ``"rate-<vs_team>"``
        (one per verdict present); the shrunk rates a line with gid ``"shrunk"``; the team
        rate a line with gid ``"team-rate"``.

    Raises
    ------
    ValueError
        A column is missing, the table is empty, or the team rate is neither in ``attrs``
        nor computable.

    Examples
    --------
    >>> closed = opps[opps["status"] != "open"].assign(won=lambda d: d["status"] == "won")
    >>> plot_league_table(league_table(closed, "ae_id", "won"))  # doctest: +SKIP
    """
    frame = _require_frame(table, "table")
    require_columns(frame, ["n", "rate", "low", "high", "shrunk", "rank", "vs_team"], "table")
    require_rows(frame, "table")
    team = frame.attrs.get("team_rate")
    if team is None:
        if "successes" not in frame.columns:
            raise ValueError(
                "table has no attrs['team_rate'] and no 'successes' column to compute it: "
                "pass the output of research.funnel.league_table"
            )
        team = numeric_values(frame, "successes", "table").sum() / max(
            numeric_values(frame, "n", "table").sum(), 1
        )
    team = float(team)
    n = numeric_values(frame, "n", "table")
    ranks = numeric_values(frame, "rank", "table")
    shrunk = _optional_values(frame, "shrunk")
    order = np.lexsort((-np.nan_to_num(shrunk, nan=-1.0), ranks))  # rank, then shrunk rate
    rate = _optional_values(frame, "rate")[order]
    low = _optional_values(frame, "low")[order]
    high = _optional_values(frame, "high")[order]
    shrunk = shrunk[order]
    verdict = frame["vs_team"].astype(str).to_numpy()[order]
    reps = frame.index.astype(str).to_numpy()[order]
    k = len(order)

    own = ax is None
    fig, ax = _axes_or_new(ax, max(3.4, 1.7 + 0.45 * k))
    y = np.arange(k, dtype=np.float64)
    ax.axvline(team, color=COLORS["reference"], linestyle="--", linewidth=1.2, zorder=2,
               label=f"team: {_pct1(team)}", gid="team-rate")  # fmt: skip
    names = {"above": "above the team", "not distinguishable": "not distinguishable",
             "below": "below the team"}  # fmt: skip
    err = _interval_errors(rate, low, high)
    for v in ("above", "not distinguishable", "below"):
        mask = verdict == v
        if not mask.any():
            continue
        color = FUNNEL_COLORS[v]
        bars = ax.errorbar(rate[mask], y[mask], xerr=err[:, mask], fmt="o", color=color,
                           ecolor=color, elinewidth=1.5, capsize=4, markersize=7, zorder=3,
                           label=names[v])  # fmt: skip
        bars.lines[0].set_gid(f"rate-{v}")
    other = ~np.isin(verdict, list(names))
    if other.any():  # a verdict league_table does not give: drawn in the house colour
        _estimates_with_intervals(ax, rate[other], y[other], xerr=err[:, other],
                                  label=rate_label, gid="rate-other")  # fmt: skip
    ax.plot(shrunk, y, linestyle="none", marker="D", markersize=7, markerfacecolor="none",
            markeredgecolor=FUNNEL_COLORS["shrunk"], markeredgewidth=1.5, zorder=4,
            label="shrunk towards the team", gid="shrunk")  # fmt: skip
    ax.set_yticks(
        y,
        [f"{int(r)} · {textwrap.shorten(rep, 24)} (n = {m:,.0f})"
         for r, rep, m in zip(ranks[order], reps, n[order], strict=True)],
    )  # fmt: skip
    finite = np.concatenate([low[np.isfinite(low)], high[np.isfinite(high)], [team]])
    span = max(finite.max() - finite.min(), 0.02)
    ax.set_xlim(max(0.0, finite.min() - 0.1 * span), min(1.0, finite.max() + 0.1 * span))
    ax.set_ylim(k - 0.5, -1.7)  # best rep on top, room above for the legend
    _percent_axis(ax.xaxis)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    # legend filled column by column: the verdicts on the first row, the markers below
    handles, labels = ax.get_legend_handles_labels()
    by_label = dict(zip(labels, handles, strict=True))
    verdicts = [names[v] for v in names if names[v] in by_label]
    if other.any():
        verdicts.append(rate_label)
    markers = [lab for lab in labels if lab not in verdicts]
    ordered = [lab for pair in itertools.zip_longest(verdicts, markers) for lab in pair if lab]
    ax.legend([by_label[lab] for lab in ordered], ordered, loc="upper left",
              ncols=max(len(verdicts), len(markers)), fontsize=ANNOT_SIZE, frameon=True,
              edgecolor="none", framealpha=0.9)  # fmt: skip

    if title is None:
        above, below = int((verdict == "above").sum()), int((verdict == "below").sum())
        title = (
            f"{rate_label[:1].upper()}{rate_label[1:]} by rep: {above} of {k} above and {below} "
            f"below the team's {_pct1(team)}\nthe others cannot be told apart from the team at "
            "their sample sizes"
        )
    _label_axes(fig, ax, own, title, f"{rate_label} (%; raw rate with Wilson interval)",
                "rep, ranked by the shrunk rate (n = cases)")  # fmt: skip
    return _finish(fig)


def plot_roi_by_channel(
    table: pd.DataFrame,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Campaign ROI per channel with bootstrap intervals, against break-even.

    One point per channel with its interval, highest ROI on top, each labelled with its value;
    the channel's spend is in its tick label ("email (spend 84.1k)"), and a solid line at 0%
    marks break-even (the gross profit of the won deals equals the spend).

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`research.funnel.roi_by_channel`: indexed by channel, with columns
        ``spend``, ``roi_pct``, ``low`` and ``high`` (the bootstrap interval, in percent).
        Not modified.
    title : str, optional
        Chart title. Default names the best and worst channels and those whose interval
        includes break-even.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The points are an error bar container whose line has gid ``"roi"``; the break-even
        line has gid ``"break-even"``; the value labels gid ``"roi-<channel>"``.

    Raises
    ------
    ValueError
        A column is missing, the table is empty, or a spend is missing.

    Examples
    --------
    >>> plot_roi_by_channel(roi_by_channel(campaigns, leads, opportunities))  # doctest: +SKIP
    """
    frame = _require_frame(table, "table")
    require_columns(frame, ["spend", "roi_pct", "low", "high"], "table")
    require_rows(frame, "table")
    spend = numeric_values(frame, "spend", "table")
    roi = _optional_values(frame, "roi_pct")
    low = _optional_values(frame, "low")
    high = _optional_values(frame, "high")
    channels = frame.index.astype(str).to_numpy()
    order = np.argsort(-np.nan_to_num(roi, nan=-np.inf), kind="stable")  # highest on top
    roi, low, high, spend, channels = (a[order] for a in (roi, low, high, spend, channels))
    k = len(order)
    shown = np.isfinite(roi)

    own = ax is None
    fig, ax = _axes_or_new(ax, max(3.4, 1.7 + 0.5 * k))
    y = np.arange(k, dtype=np.float64)
    ax.axvline(0, color="#222222", linewidth=1.2, zorder=2, label="break-even (ROI 0%)",
               gid="break-even")  # fmt: skip
    _estimates_with_intervals(
        ax, roi[shown], y[shown], xerr=_interval_errors(roi, low, high)[:, shown],
        label="ROI (bootstrap interval)", gid="roi",
    )  # fmt: skip
    finite = np.concatenate([low[np.isfinite(low)], high[np.isfinite(high)], roi[shown], [0.0]])
    span = max(finite.max() - finite.min(), 1.0)
    ax.set_xlim(finite.min() - 0.06 * span, finite.max() + 0.06 * span)
    ax.set_ylim(k - 0.5, -1.3)  # best channel on top, room above for the legend
    ax.set_yticks(
        y,
        [f"{textwrap.shorten(c, 24)} (spend {_short_amount(s)})"
         for c, s in zip(channels, spend, strict=True)],
    )  # fmt: skip
    ax.get_xlim()
    to_axes = ax.transScale + ax.transLimits
    for i in np.flatnonzero(shown):
        lo_hi = (
            f" [{low[i]:,.0f} to {high[i]:,.0f}%]"
            if np.isfinite(low[i]) and np.isfinite(high[i])
            else ""
        )
        where = to_axes.transform((roi[i], 0.0))[0]
        ax.annotate(
            f"{roi[i]:,.0f}%{lo_hi}",
            (roi[i], y[i]),
            xytext=(0, 7),
            textcoords="offset points",
            ha="left" if where < 0.2 else "right" if where > 0.8 else "center",
            va="bottom",
            fontsize=ANNOT_SIZE,
            gid=f"roi-{channels[i]}",
            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 0.5},
        )
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}%"))
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    ax.legend(loc="upper right", ncols=2, fontsize=ANNOT_SIZE + 1, frameon=False)

    if title is None:
        title = "Campaign ROI by channel"
        if shown.any():
            best, worst = np.flatnonzero(shown)[[0, -1]]
            title += (
                f": {channels[best]} highest ({roi[best]:,.0f}%), {channels[worst]} lowest "
                f"({roi[worst]:,.0f}%)"
            )
        unclear = [c for c, lo, hi in zip(channels, low, high, strict=True) if lo <= 0 <= hi]
        if unclear:
            title += f"\nnot clearly above break-even: {', '.join(unclear)}"
        else:
            title += "\nevery channel's interval excludes break-even"
    _label_axes(fig, ax, own, title,
                "ROI (% of spend: gross profit of won deals minus spend, over spend)",
                "channel (campaign spend)")  # fmt: skip
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# 10. messages: distinctive terms and claim coverage (research.messages)
# --------------------------------------------------------------------------------------------

#: |z| above which a term's log-odds ratio differs from 0 at the 5% level (two-sided).
Z_CRITICAL = 1.96


def _pair_colors(group_a: str, group_b: str) -> tuple[str, str]:
    """Colours of two groups: the teams' own colours for sales and marketing, else blue and
    orange."""
    teams = ("sales", "marketing")
    a = COLORS[group_a] if group_a in teams else COLORS["main"]
    b = COLORS[group_b] if group_b in teams else COLORS["value"]
    return (a, b) if a != b else (COLORS["main"], COLORS["value"])


def _boxes_overlap(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """For boxes (k, 4) and others (n, 4), rows x0, y0, x1, y1: which pairs overlap, (k, n)."""
    b, o = boxes[:, None, :], others[None, :, :]
    return (
        (b[..., 0] < o[..., 2])
        & (o[..., 0] < b[..., 2])
        & (b[..., 1] < o[..., 3])
        & (o[..., 1] < b[..., 3])
    )


def _segments_hit_boxes(starts: np.ndarray, ends: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Which segments (k, 2) -> (k, 2) pass through which boxes (n, 4): (k, n), by
    Liang-Barsky clipping."""
    d = (ends - starts)[:, None, :]
    s = starts[:, None, :]
    lo, hi = boxes[None, :, :2], boxes[None, :, 2:]
    t0 = np.zeros((len(starts), len(boxes)))
    t1 = np.ones_like(t0)
    outside = np.zeros(t0.shape, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-d, s - lo), (d, hi - s)):
            for axis in (0, 1):
                pk = np.broadcast_to(p[..., axis], t0.shape)
                qk = q[..., axis]
                t = qk / pk
                outside |= (pk == 0) & (qk < 0)
                t0 = np.where(pk < 0, np.maximum(t0, t), t0)
                t1 = np.where(pk > 0, np.minimum(t1, t), t1)
    return ~outside & (t0 <= t1)


def _segments_cross(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Which segments a -> b (k, 2) properly cross which segments c -> d (n, 2): (k, n)."""

    def turn(p: np.ndarray, q: np.ndarray, r: np.ndarray) -> np.ndarray:
        return (q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1]) - (q[..., 1] - p[..., 1]) * (
            r[..., 0] - p[..., 0]
        )

    a, b, c, d = a[:, None, :], b[:, None, :], c[None, :, :], d[None, :, :]
    return (turn(a, b, c) * turn(a, b, d) < 0) & (turn(c, d, a) * turn(c, d, b) < 0)


def _label_places(
    points: np.ndarray,
    sizes: np.ndarray,
    frame: np.ndarray,
    fixed: np.ndarray,
    scale: float,
    marker_radius: float,
) -> list[tuple[float, float, float, bool]]:
    """Where each label goes, in pixels: (side, gap, shift up, leader line) per label.

    ``points`` (n, 2) and label ``sizes`` (n, 2: width, height) are in pixels, ``frame`` is the
    box labels must stay in and ``fixed`` (m, 4) boxes they must not cover (the legend);
    ``scale`` is pixels per point. See :func:`_place_labels` for the search.
    """
    n_labels = len(points)
    r = marker_radius * scale
    pad_x, pad_y = 2.5 * scale, 1.0 * scale
    near = 4.0 * scale  # gap between a point and a label right beside it
    markers = np.column_stack([points - r, points + r])
    h_max = float(sizes[:, 1].max()) if n_labels else 0.0
    # the places tried, the same for every label: side (1 right, -1 left), gap, shift up
    side_, dx_, k_ = np.meshgrid(
        [1.0, -1.0], [near] + [d * scale for d in (16, 32, 52, 76)], np.arange(-16, 17),
        indexing="ij",
    )  # fmt: skip
    side_, dx_, k_ = side_.ravel(), dx_.ravel(), k_.ravel()
    has_leader = (k_ != 0) | (dx_ != near)

    def candidates(i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Boxes and centres of every place for label i, and how near each is."""
        (px, py), (w, h) = points[i], sizes[i]
        dy = k_ * h / 2
        x0 = np.where(side_ > 0, px + dx_, px - dx_ - w)
        boxes = np.column_stack([x0 - pad_x, py + dy - h / 2 - pad_y, x0 + w + pad_x,
                                 py + dy + h / 2 + pad_y])  # fmt: skip
        centres = np.column_stack([x0 + w / 2, py + dy])
        # nearest first; the side with more room, and moving away from the middle (z = 0)
        first = 1.0 if frame[2] - px >= px - frame[0] else -1.0
        away = 1.0 if py >= (frame[1] + frame[3]) / 2 else -1.0
        base = (np.hypot(dx_ - near, dy) + (side_ != first) * h
                + (np.sign(k_) == -away) * h / 4)  # fmt: skip
        return boxes, centres, base

    placed_box = np.full((n_labels, 4), np.nan)
    placed_centre = np.full((n_labels, 2), np.nan)
    choice = np.zeros(n_labels, dtype=np.int64)

    def best_place(i: int) -> int:
        boxes, centres, base = candidates(i)
        others = np.ones(n_labels, dtype=bool)
        others[i] = False
        placed = others & ~np.isnan(placed_box[:, 0])
        labels = np.vstack([placed_box[placed], fixed])
        lines = placed & has_leader[choice]
        marks = markers[others]
        ok = ((boxes[:, 0] >= frame[0]) & (boxes[:, 2] <= frame[2])
              & (boxes[:, 1] >= frame[1]) & (boxes[:, 3] <= frame[3]))  # fmt: skip
        ok &= ~_boxes_overlap(boxes, np.vstack([labels, marks])).any(axis=1)
        if lines.any():
            ok &= ~_segments_hit_boxes(placed_centre[lines], points[lines], boxes).any(axis=0)
        cost = np.where(ok, base, np.inf)
        # a leader line runs from the label's centre to its point: one that crosses another
        # label or leader counts as far away, one over another labelled point a little further
        ends = np.broadcast_to(points[i], centres.shape)
        through = _segments_hit_boxes(centres, ends, labels).sum(axis=1)
        crossed = np.zeros(len(centres))
        if lines.any():
            crossed = _segments_cross(centres, ends, placed_centre[lines], points[lines]).sum(
                axis=1
            )
        over = _segments_hit_boxes(centres, ends, marks).sum(axis=1)
        penalty = (12 * through + 6 * crossed + 2 * over) * h_max
        cost += np.where(has_leader, penalty, 0.0)
        best = int(np.argmin(cost))
        if np.isfinite(cost[best]):
            return best
        # nowhere free: right beside the point, on the side that fits
        beside = np.flatnonzero(~has_leader)
        fits = [j for j in beside if ((boxes[j, :2] >= frame[:2]).all()
                                      and (boxes[j, 2:] <= frame[2:]).all())]  # fmt: skip
        return int(fits[0] if fits else beside[np.argmin(base[beside])])

    def put(i: int, j: int) -> None:
        boxes, centres, _ = candidates(i)
        choice[i] = j
        placed_box[i], placed_centre[i] = boxes[j], centres[j]

    # one by one in the given order, then each moved to its best place given all the others,
    # a few times over: this undoes most crossings left by the first, greedy pass
    for i in range(n_labels):
        put(i, best_place(i))
    for _ in range(3):
        changed = False
        for i in range(n_labels):
            placed_box[i] = np.nan
            j = best_place(i)
            changed |= j != choice[i]
            put(i, j)
        if not changed:
            break
    return [
        (float(side_[j]), float(dx_[j]), float(k_[j] * sizes[i, 1] / 2), bool(has_leader[j]))
        for i, j in enumerate(choice)
    ]


class _LabelPlacer(Artist):
    """Places point labels when the axes is drawn, so on the final layout at the final dpi.

    Added to the axes just below the labels, it is drawn right before them: it measures the
    labels, finds their places (:func:`_label_places`) and moves them there, unless nothing that
    matters (axes box, limits, dpi, legend) has changed since the last draw.
    """

    def __init__(self, labels: list[Annotation], xy: np.ndarray, marker_radius: float) -> None:
        super().__init__()
        self._labels = labels
        self._xy = xy
        self._marker_radius = marker_radius
        self._key: tuple | None = None
        self.set_in_layout(False)

    def draw(self, renderer) -> None:
        ax = self.axes
        if ax is None or not self._labels:
            return
        scale = renderer.points_to_pixels(1.0)
        legend = ax.get_legend()
        fixed = np.empty((0, 4))
        if legend is not None and legend.get_visible():
            fixed = np.array([legend.get_window_extent(renderer).extents])
        key = (tuple(ax.bbox.extents), ax.get_xlim(), ax.get_ylim(), scale,
               tuple(fixed.ravel()))  # fmt: skip
        if key != self._key:
            sizes = np.array([Text.get_window_extent(t, renderer).size for t in self._labels])
            frame = ax.bbox.extents + np.array([2.0, 2.0, -2.0, -2.0])
            places = _label_places(ax.transData.transform(self._xy), sizes, frame, fixed,
                                   scale, self._marker_radius)  # fmt: skip
            for label, (side, dx, dy, leader) in zip(self._labels, places, strict=True):
                label.xyann = (side * dx / scale, dy / scale)
                label.set_horizontalalignment("left" if side > 0 else "right")
                if label.arrow_patch is not None:
                    label.arrow_patch.set_visible(leader)
            self._key = key
        self.stale = False


def _place_labels(
    ax: Axes,
    xs: np.ndarray,
    ys: np.ndarray,
    texts: Sequence[str],
    colors: Sequence[str],
    gids: Sequence[str],
    *,
    marker_radius: float = 4.0,
    fontsize: float = ANNOT_SIZE,
) -> list[Annotation]:
    """Label points so that labels do not overlap: a greedy search, then a few passes of repair.

    A label goes right or left beside its point if that place is free; otherwise it is moved
    up or down by half a label height at a time and further out, with a thin leader line back
    to its point. Each label takes the nearest place that overlaps no other label, labelled
    point, leader line or the legend and stays inside the axes, where a leader line that
    crosses another label or leader counts as far away (and one that passes over another
    labelled point a little further): labels first one by one in the given order, then each
    moved to its best place given all the others, up to three times over. The places are
    found when the figure is drawn (by a :class:`_LabelPlacer`), in pixels on the laid-out
    figure, so they hold however the figure is laid out or saved. Labels are left out of the
    layout.
    """
    family = _font_family()
    labels = []
    for x, y, text, color, gid in zip(xs, ys, texts, colors, gids, strict=True):
        label = ax.annotate(
            text,
            (x, y),
            xytext=(4.0, 0.0),  # right beside the point until placed
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=fontsize,
            fontfamily=family,
            color=color,
            gid=gid,
            zorder=5,
            annotation_clip=False,
            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 0.5},
            # from the label towards its point, cut at the label's edge; hidden unless needed
            arrowprops={
                "arrowstyle": "-",
                "color": color,
                "linewidth": 0.6,
                "alpha": 0.8,
                "shrinkA": 0,
                "shrinkB": marker_radius - 1,
            },  # fmt: skip
        )
        label.arrow_patch.set_visible(False)
        label.set_in_layout(False)
        _plain(label)
        labels.append(label)
    placer = _LabelPlacer(labels, np.column_stack([xs, ys]).astype(np.float64), marker_radius)
    placer.set_zorder(4.99)
    ax.add_artist(placer)
    return labels


def plot_distinctive_terms(
    table: pd.DataFrame,
    *,
    n: int = 15,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The Fightin' Words chart: each term's z-score against how often it is used.

    Every term of the table is a small grey point at its overall frequency (``count_a +
    count_b``, on a log axis) and its z-score (the log-odds ratio between the two groups over
    its standard deviation; Monroe, Colaresi & Quinn 2008). The ``n`` terms with the largest z
    on each side, those that most favour one group, are coloured by the group they favour and
    labelled; labels are placed so that they do not overlap (moved up or down with a leader
    line where the points crowd). Dashed lines at z = ±1.96 mark the 5% level. Korean, Japanese
    and Chinese terms need :data:`CJK_FONT` (see the module docstring).

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`research.messages.distinctive_terms`: one row per term with columns
        ``term``, ``count_a``, ``count_b`` and ``z`` (positive favours group A); the group
        names are ``table.attrs["group_a"]`` and ``["group_b"]`` (default "group A" and
        "group B"). Not modified.
    n : int, default 15
        Terms labelled on each side (fewer if fewer favour that group; 0 labels none).
    title : str, optional
        Chart title. Default names the groups.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        All terms are a scatter collection with gid ``"terms"``; the labelled ones scatter
        collections with gids ``"top-a"`` and ``"top-b"`` and texts with gid
        ``"term-<term>"``; the dashed lines have gids ``"z+1.96"`` and ``"z-1.96"``.

    Raises
    ------
    ValueError
        A column is missing, the table is empty, a count is negative or missing, a z-score is
        missing, no term has a count, or ``n`` is not a non-negative integer.

    Examples
    --------
    >>> terms = distinctive_terms(messages.text, messages.team, group_a="sales",
    ...                           group_b="marketing")  # doctest: +SKIP
    >>> plot_distinctive_terms(terms, n=10)  # doctest: +SKIP
    """
    frame = _require_frame(table, "table")
    require_columns(frame, ["term", "count_a", "count_b", "z"], "table")
    require_rows(frame, "table")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    count_a = nonnegative_values(frame, "count_a", "table")
    count_b = nonnegative_values(frame, "count_b", "table")
    z = numeric_values(frame, "z", "table")
    terms = frame["term"].astype(str).to_numpy()
    total = count_a + count_b
    used = total > 0  # a log axis cannot show a term used 0 times
    if not used.any():
        raise ValueError(f"no term of the table ({len(frame):,} rows) has a count: nothing to plot")
    group_a = str(frame.attrs.get("group_a", "group A"))
    group_b = str(frame.attrs.get("group_b", "group B"))
    color_a, color_b = _pair_colors(group_a, group_b)
    rows = np.flatnonzero(used)
    pos, neg = rows[z[rows] > 0], rows[z[rows] < 0]
    top_a = pos[np.argsort(-z[pos], kind="stable")][:n]
    top_b = neg[np.argsort(z[neg], kind="stable")][:n]

    own = ax is None
    fig, ax = _axes_or_new(ax, 7.0)
    ax.scatter(total[used], z[used], s=9, color=COLORS["muted"], alpha=0.45, linewidths=0,
               zorder=2, gid="terms",
               label=f"other terms ({int(used.sum()):,} in all)")  # fmt: skip
    for top, color, name, gid in ((top_a, color_a, group_a, "top-a"),
                                  (top_b, color_b, group_b, "top-b")):  # fmt: skip
        if len(top):
            ax.scatter(total[top], z[top], s=24, color=color, edgecolors="white",
                       linewidths=0.5, zorder=4, gid=gid,
                       label=f"favours {name} (top {len(top)} labelled)")  # fmt: skip
    for sign in (1, -1):
        ax.axhline(sign * Z_CRITICAL, color=COLORS["reference"], linestyle="--", linewidth=1,
                   zorder=1, gid=f"z{'+' if sign > 0 else '-'}{Z_CRITICAL}",
                   label="z = ±1.96 (5% level)" if sign > 0 else None)  # fmt: skip
    ax.axhline(0, color="#cccccc", linewidth=0.8, zorder=1)

    ax.set_xscale("log")
    lo_x, hi_x = total[used].min(), total[used].max()
    ax.set_xlim(lo_x / 1.5, hi_x * 1.5 if hi_x > lo_x else hi_x * 3)
    few = hi_x / lo_x < 1e3
    ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0) if few else (1.0,)))
    ax.xaxis.set_major_formatter(_log_tick)
    ax.xaxis.set_minor_formatter(lambda x, pos: "")
    lo_y, hi_y = min(z[used].min(), -Z_CRITICAL), max(z[used].max(), Z_CRITICAL)
    pad = 0.07 * (hi_y - lo_y)
    ax.set_ylim(lo_y - pad, hi_y + pad)
    ax.grid(axis="both", which="major", alpha=0.2)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    if own:  # above the axes, clear of the points; a caller's axes has its title there
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2, fontsize=ANNOT_SIZE,
                  frameon=False)  # fmt: skip
    else:
        ax.legend(loc="best", fontsize=ANNOT_SIZE, frameon=True, edgecolor="none",
                  framealpha=0.9)  # fmt: skip

    if title is None:
        tokens = ""
        if "tokens_a" in frame.attrs and "tokens_b" in frame.attrs:
            tokens = (f" ({int(frame.attrs['tokens_a']):,} and "
                      f"{int(frame.attrs['tokens_b']):,} words)")  # fmt: skip
        title = (
            f"Words that set {group_a} apart from {group_b}{tokens}\n"
            f"Fightin' Words z-scores, the top {n} of each side labelled; dashed: |z| = 1.96"
        )
    _label_axes(fig, ax, own, title, "occurrences in both groups (log scale)",
                f"z-score: log-odds ratio / its SD\n(> 0 favours {group_a}, "
                f"< 0 favours {group_b})")  # fmt: skip
    # the labels, placed when the figure is drawn: the most distinctive terms first, both
    # sides in turn
    order = [i for pair in itertools.zip_longest(top_a, top_b) for i in pair if i is not None]
    if order:
        idx = np.array(order)
        side_color = np.where(z[idx] > 0, color_a, color_b)
        _place_labels(ax, total[idx], z[idx], terms[idx].tolist(), side_color.tolist(),
                      [f"term-{t}" for t in terms[idx]])  # fmt: skip
    return _finish(fig)


def _claim_label(claim: str) -> str:
    return claim.replace("_", " ")


def plot_claim_coverage(
    table: pd.DataFrame,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Per campaign claim: the share of marketing and of sales messages that carry it.

    The table has one row per (campaign, claim); the chart pools each claim over the campaigns
    that make it: the message counts and the counts of messages carrying the claim are summed
    per claim and per team, and each team's share is recomputed with its Wilson 95% interval
    (statsmodels). Each claim is a row with two points, marketing's share and sales', claims
    sorted by the gap (marketing share - sales share), largest on top, with the gap in
    percentage points on the right. A note lists the claims sales never repeats (pooled sales
    share 0).

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`research.messages.claim_coverage`: columns ``claim``,
        ``marketing_messages``, ``marketing_with``, ``sales_messages`` and ``sales_with``
        (``campaign_id``, if present, counts the campaigns per claim). Not modified.
    title : str, optional
        Chart title. Default names the claim with the largest gap.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The shares are error bar containers whose lines have gids ``"marketing"`` and
        ``"sales"`` (x: pooled share, y: row, claims top to bottom); the gaps texts with gid
        ``"gap-<claim>"``; the note a text with gid ``"never-repeated"``.

    Raises
    ------
    ValueError
        A column is missing, the table is empty, or a count is missing, negative, or larger
        than the team's messages.

    Examples
    --------
    >>> coverage = claim_coverage(messages, campaigns, leads, CLAIM_KEYWORDS)  # doctest: +SKIP
    >>> plot_claim_coverage(coverage)  # doctest: +SKIP
    """
    frame = _require_frame(table, "table")
    teams = ("marketing", "sales")
    count_cols = [f"{t}_{c}" for t in teams for c in ("messages", "with")]
    require_columns(frame, ["claim", *count_cols], "table")
    require_rows(frame, "table")
    counts = {c: nonnegative_values(frame, c, "table") for c in count_cols}
    for team in teams:
        bad = counts[f"{team}_with"] > counts[f"{team}_messages"]
        if bad.any():
            raise ValueError(
                f"column '{team}_with' of table exceeds '{team}_messages' in {int(bad.sum()):,} "
                f"rows (rows {rows_repr(frame.index[bad])})"
            )
    claims = frame["claim"].astype(str).to_numpy()
    pooled = pd.DataFrame(counts).groupby(claims, sort=True).sum()
    if "campaign_id" in frame.columns:
        n_campaigns = frame.groupby(claims, sort=True)["campaign_id"].nunique()
        all_campaigns = int(frame["campaign_id"].nunique())
    else:
        n_campaigns = pd.Series(claims).value_counts().sort_index()
        all_campaigns = None
    stats = {}
    for team in teams:
        m = pooled[f"{team}_messages"].to_numpy()
        k = pooled[f"{team}_with"].to_numpy()
        has = m > 0
        share, low, high = (np.full(len(m), np.nan) for _ in range(3))
        share[has] = k[has] / m[has]
        if has.any():
            low[has], high[has] = proportion_confint(k[has], m[has], alpha=0.05,
                                                     method="wilson")  # fmt: skip
        stats[team] = (share, low, high)
    gap = stats["marketing"][0] - stats["sales"][0]
    order = np.argsort(-np.nan_to_num(gap, nan=-np.inf), kind="stable")  # largest gap on top
    names = pooled.index.to_numpy()[order]
    gap = gap[order]
    stats = {t: tuple(a[order] for a in v) for t, v in stats.items()}
    campaigns_per = n_campaigns.reindex(pooled.index).to_numpy()[order]
    k = len(names)

    own = ax is None
    fig, ax = _axes_or_new(ax, max(3.6, 2.0 + 0.55 * k))
    y = np.arange(k, dtype=np.float64)
    markers = {"marketing": "o", "sales": "D"}
    for offset, team in ((-0.16, "marketing"), (0.16, "sales")):
        share, low, high = stats[team]
        shown = np.isfinite(share)
        bars = ax.errorbar(
            share[shown], y[shown] + offset, xerr=_interval_errors(share, low, high)[:, shown],
            fmt=markers[team], color=COLORS[team], ecolor=COLORS[team], elinewidth=1.5,
            capsize=3, markersize=6.5, zorder=3, label=f"{team} messages",
        )  # fmt: skip
        bars.lines[0].set_gid(team)
    ax.set_yticks(
        y,
        [f"{textwrap.shorten(_claim_label(c), 28)} ({int(m)} campaign{'s' if m != 1 else ''})"
         for c, m in zip(names, campaigns_per, strict=True)],
    )  # fmt: skip
    ax.set_ylim(k - 0.5, -1.3)  # largest gap on top, room above for the legend
    ax.set_xlim(-0.015, 1.0)  # a 0% share shows whole, not cut by the axis
    _percent_axis(ax.xaxis)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    ax.legend(loc="upper left", ncols=2, fontsize=ANNOT_SIZE, frameon=False)
    # the gap, in percentage points, in a column right of the axes
    header = ax.annotate("gap", (1, -0.9), xycoords=("axes fraction", "data"), xytext=(8, 0),
                         textcoords="offset points", ha="left", va="center",
                         fontsize=ANNOT_SIZE, fontweight="bold",
                         color=COLORS["reference"])  # fmt: skip
    texts = [header]
    for yi, claim, g in zip(y, names, gap, strict=True):
        texts.append(ax.annotate(
            _signed(f"{100 * g:+.0f} pts") if np.isfinite(g) else "n/a", (1, yi),
            xycoords=("axes fraction", "data"), xytext=(8, 0), textcoords="offset points",
            ha="left", va="center", fontsize=ANNOT_SIZE, gid=f"gap-{claim}",
        ))  # fmt: skip
    _plain(*texts)
    never = [c for c, s in zip(names, stats["sales"][0], strict=True) if s == 0]
    if never:
        note = _footnote(ax, textwrap.fill(
            "Sales never repeats: " + ", ".join(_claim_label(c) for c in never)
            + " (in none of the sales messages of the campaigns that make the claim)",
            110,
        ))  # fmt: skip
        note.set_gid("never-repeated")

    if title is None:
        pooled_over = f", pooled over {all_campaigns} campaigns" if all_campaigns else ""
        title = f"Campaign claims in marketing and sales messages{pooled_over}"
        if np.isfinite(gap[0]):
            title += (
                f"\n{_claim_label(names[0])}: {_pct(stats['marketing'][0][0])} of marketing "
                f"vs {_pct(stats['sales'][0][0])} of sales messages (the largest gap)"
            )
    _label_axes(fig, ax, own, title,
                "share of the team's messages that carry the claim (%, Wilson 95% interval)",
                "claim (campaigns making it)")  # fmt: skip
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# 11. headlines: feature effects (research.headlines)
# --------------------------------------------------------------------------------------------

#: Names and per-unit units of the features of :func:`research.headlines.headline_features`.
_HEADLINE_FEATURE_LABELS = {
    "n_words": ("words", "per word"),
    "n_chars": ("characters", "per character"),
    "question": ("question mark", None),
    "number": ("number", None),
    "second_person": ('"you", "your"', None),
    "exclamation": ("exclamation mark", None),
    "quote": ("quotation", None),
    "positive_words": ("positive words", "per word"),
    "negative_words": ("negative words", "per word"),
    "starts_with_this": ('starts with "This"', None),
}


def _feature_label(feature: str, unit: str | None) -> str:
    """'question mark (with vs without)', 'words (per word)'."""
    name, per = _HEADLINE_FEATURE_LABELS.get(feature, (feature.replace("_", " "), None))
    if unit is None or unit in ("", "nan", "<NA>"):
        return name
    if unit == "per unit" and per is not None:
        unit = per
    return f"{name} ({unit})"


def plot_headline_effects(
    table: pd.DataFrame,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The click-through lift of each headline feature, with its interval, against zero.

    One row per feature, largest lift on top: the lift as a percentage of the test's
    click-through rate with its interval, each labelled with its value, a solid line at 0 (no
    difference), the feature and the unit of its lift in the tick label ("question mark (with
    vs without)", "words (per word)"), and on the right the share of headlines that have the
    feature, where the table gives it (boolean features).

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`research.headlines.headline_effects`: indexed by feature, with columns
        ``lift``, ``low`` and ``high`` (shares: 0.05 is 5%), and optionally ``unit``,
        ``share_with`` and ``n_tests``. Not modified.
    title : str, optional
        Chart title. Default counts the features whose interval excludes zero.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The lifts are an error bar container whose line has gid ``"lift"`` (x in percent, y:
        row, features top to bottom); the zero line has gid ``"zero"``; the shares texts with
        gid ``"share-<feature>"``.

    Raises
    ------
    ValueError
        A column is missing, the table is empty, or a lift is missing.

    Examples
    --------
    >>> plot_headline_effects(headline_effects(load_upworthy()))  # doctest: +SKIP
    """
    frame = _require_frame(table, "table")
    require_columns(frame, ["lift", "low", "high"], "table")
    require_rows(frame, "table")
    lift = 100 * numeric_values(frame, "lift", "table")
    low = 100 * _optional_values(frame, "low")
    high = 100 * _optional_values(frame, "high")
    share = _optional_values(frame, "share_with") if "share_with" in frame.columns else None
    units = (frame["unit"].astype(str).to_numpy() if "unit" in frame.columns
             else [None] * len(frame))  # fmt: skip
    features = frame.index.astype(str).to_numpy()
    order = np.argsort(-lift, kind="stable")  # largest lift on top
    lift, low, high, features = (a[order] for a in (lift, low, high, features))
    units = [units[i] for i in order]
    if share is not None:
        share = share[order]
    k = len(order)

    own = ax is None
    fig, ax = _axes_or_new(ax, max(3.6, 1.9 + 0.55 * k))
    y = np.arange(k, dtype=np.float64)
    ax.axvline(0, color="#222222", linewidth=1.2, zorder=2, gid="zero",
               label="no difference (0%)")  # fmt: skip
    _estimates_with_intervals(ax, lift, y, xerr=_interval_errors(lift, low, high),
                              label="lift (95% interval)", gid="lift")  # fmt: skip
    finite = np.concatenate([low[np.isfinite(low)], high[np.isfinite(high)], lift, [0.0]])
    span = max(finite.max() - finite.min(), 1.0)
    ax.set_xlim(finite.min() - 0.08 * span, finite.max() + 0.08 * span)
    ax.set_ylim(k - 0.5, -1.3)  # largest lift on top, room above for the legend
    ax.set_yticks(y, [_feature_label(f, u) for f, u in zip(features, units, strict=True)])
    ax.xaxis.set_major_formatter(lambda x, pos: _signed(f"{x:+g}%") if x else "0%")
    ax.get_xlim()  # settles pending autoscaling before the limits are read
    to_axes = ax.transScale + ax.transLimits
    labels = []
    for xi, yi, lo, hi in zip(lift, y, low, high, strict=True):
        interval = f" [{lo:+.1f}, {hi:+.1f}]" if np.isfinite(lo) and np.isfinite(hi) else ""
        where = to_axes.transform((xi, 0.0))[0]
        labels.append(ax.annotate(
            _signed(f"{xi:+.1f}%{interval}"), (xi, yi), xytext=(0, 7), textcoords="offset points",
            ha="left" if where < 0.2 else "right" if where > 0.8 else "center", va="bottom",
            fontsize=ANNOT_SIZE,
            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 0.5},
        ))  # fmt: skip
    _plain(*labels)
    if share is not None and np.isfinite(share).any():
        column = [ax.annotate("headlines\nwith it", (1, -0.9), xycoords=("axes fraction", "data"),
                              xytext=(8, 0), textcoords="offset points", ha="left", va="center",
                              fontsize=ANNOT_SIZE, fontweight="bold",
                              color=COLORS["reference"])]  # fmt: skip
        for yi, feature, s in zip(y, features, share, strict=True):
            if np.isfinite(s):
                column.append(ax.annotate(
                    _pct(s), (1, yi), xycoords=("axes fraction", "data"), xytext=(8, 0),
                    textcoords="offset points", ha="left", va="center", fontsize=ANNOT_SIZE,
                    gid=f"share-{feature}",
                ))  # fmt: skip
        _plain(*column)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    ax.legend(loc="upper left", ncols=2, fontsize=ANNOT_SIZE, frameon=False)

    if title is None:
        clear = int(np.sum((low > 0) | (high < 0)))
        tests = ""
        n_tests = frame.attrs.get("n_tests_used")
        if n_tests is None and "n_tests" in frame.columns:
            n_tests = frame["n_tests"].max()
        if n_tests is not None and np.isfinite(n_tests):
            tests = f" ({int(n_tests):,} tests)"
        title = (
            f"Headline features and clicks: {clear} of {k} lifts have an interval excluding 0\n"
            f"lift vs headlines of the same test{tests}, other features held fixed"
        )
    _label_axes(fig, ax, own, title,
                "lift in click-through rate (% of the test's CTR; 95% interval)",
                "headline feature (unit of the lift)")  # fmt: skip
    _footnote(ax, "Headlines, not their features, were randomised: the lifts are associations.")
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# 12. lead scoring: gains, calibration, deciles, profit, evaluation schemes
#     (research.conversion)
# --------------------------------------------------------------------------------------------

#: Colours of the lead-scoring charts: one per curve or model, in order.
_SCORING_SERIES = [_CB[0], _CB[1], _CB[2], _CB[4], _CB[7]]

#: Display names of the metrics of :func:`research.conversion.evaluate`:
#: (panel title, axis label, value of a random ranking or None, higher is better).
_SCORING_METRICS = {
    "auc": ("AUC", "AUC (0.5 = random, 1 = perfect)", 0.5, True),
    "alift": ("ALIFT", "area under gains curve (0.5 = random)", 0.5, True),
    "brier": ("Brier score", "mean squared error of the probability", None, False),
    "log_loss": ("log-loss", "mean log-loss (nats)", None, False),
    "gain_at_50": (
        "buyers in the top half",
        "share of buyers reached calling the top 50%",
        0.5,
        True,
    ),
}


def _named_frames(obj: object, what: str) -> dict[str, pd.DataFrame]:
    """One frame, or a mapping name -> frame, as a dict (a single frame is named "")."""
    if isinstance(obj, Mapping):
        if not obj:
            raise ValueError(f"{what} is an empty mapping: pass at least one table")
        return {str(k): _require_frame(v, f"{what}[{k!r}]") for k, v in obj.items()}
    return {"": _require_frame(obj, what)}


def plot_cumulative_gains(
    curves: pd.DataFrame | Mapping[str, pd.DataFrame],
    *,
    share: float = 0.5,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The cumulative gains chart: share of buyers reached against share of leads called.

    The model's curve (or several, e.g. with and without a leaking column), the diagonal of a
    random call order, the best possible order (every buyer first), and, for each curve, the
    share of buyers reached by calling the top ``share`` of the leads, marked on the curve.

    Parameters
    ----------
    curves : pandas.DataFrame or mapping of str to DataFrame
        Output of :func:`research.conversion.cumulative_gains` (columns ``share_called``,
        ``share_reached``, ``leads_called``, ``conversions``), or several by name. Not
        modified.
    share : float, default 0.5
        The share of leads called that is marked ("call the top 50%").
    title : str, optional
        Chart title; default states the marked reach of the first curve.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The curves are lines with gid ``"gains"`` (one curve) or ``"gains-<name>"``; the
        random line has gid ``"random"``, the best possible ``"perfect"``; each marked point
        is a line with gid ``"gain-at"`` (or ``"gain-at-<name>"``) whose y is the reach.

    Raises
    ------
    ValueError
        A column is missing, a table is empty, or ``share`` is not in (0, 1).

    Examples
    --------
    >>> plot_cumulative_gains(cumulative_gains(pred["y"], pred["score"]))  # doctest: +SKIP
    """
    frames = _named_frames(curves, "curves")
    if not 0 < share < 1:
        raise ValueError(f"share must be between 0 and 1, got {share!r}")
    own = ax is None
    fig, ax = _axes_or_new(ax, 5.6)
    ax.plot([0, 1], [0, 1], color=COLORS["reference"], linestyle="--", linewidth=1.2,
            label="random order", gid="random")  # fmt: skip
    reached_first = None
    perfect_drawn = False
    for i, (name, frame) in enumerate(frames.items()):
        what = f"curves[{name!r}]" if name else "curves"
        require_columns(frame, ["share_called", "share_reached", "leads_called", "conversions"],
                        what)  # fmt: skip
        require_rows(frame, what)
        x = numeric_values(frame, "share_called", what)
        y = numeric_values(frame, "share_reached", what)
        leads = float(numeric_values(frame, "leads_called", what).max())
        buyers = float(numeric_values(frame, "conversions", what).max())
        color = _SCORING_SERIES[i % len(_SCORING_SERIES)]
        suffix = f"-{name}" if name else ""
        if not perfect_drawn and leads > 0 and buyers > 0:
            rate = buyers / leads
            ax.plot([0, rate, 1], [0, 1, 1], color=COLORS["muted"], linewidth=1.2,
                    linestyle=":", label=f"best possible (all {buyers:,.0f} buyers first)",
                    gid="perfect")  # fmt: skip
            perfect_drawn = True
        ax.plot(x, y, color=color, linewidth=2.2, label=name or "model", gid=f"gains{suffix}")
        reached = float(np.interp(share, x, y))
        reached_first = reached if reached_first is None else reached_first
        ax.plot([share], [reached], marker="o", markersize=8, color=color, linestyle="none",
                zorder=4, gid=f"gain-at{suffix}")  # fmt: skip
        ax.plot([share, share, 0], [0, reached, reached], color=color, linewidth=0.8,
                linestyle="-", alpha=0.6)  # fmt: skip
        text = ax.annotate(
            f"top {_pct(share)} called → {_pct(reached)} of buyers"
            + (f" ({name})" if name and len(frames) > 1 else ""),
            (share, reached), xytext=(8, -14 - 14 * i), textcoords="offset points",
            ha="left", va="top", fontsize=ANNOT_SIZE, color=color, fontweight="bold",
        )  # fmt: skip
        _plain(text)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.grid(alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    ax.legend(loc="lower right", fontsize=ANNOT_SIZE, frameon=False)
    if title is None:
        title = (
            f"Calling the top {_pct(share)} of the leads by score reaches "
            f"{_pct(reached_first)} of the buyers"
        )
        if len(frames) > 1:
            title += f" ({next(iter(frames))})"
    _label_axes(fig, ax, own, title, "leads called, highest scores first (% of leads)",
                "buyers reached (% of all buyers)")  # fmt: skip
    return _finish(fig)


def plot_calibration(
    table: pd.DataFrame, *, title: str | None = None, ax: Axes | None = None
) -> Figure:
    """Predicted against observed conversion per score bin, with intervals and counts.

    Each bin is a point at its mean predicted probability (x) and observed conversion rate
    (y) with the rate's Wilson interval; the diagonal is perfect calibration. The number of
    leads of each bin is written beside its point.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`research.conversion.calibration_table` (columns ``bin``, ``leads``,
        ``conversions``, ``predicted``, ``observed``, ``low``, ``high``). Not modified.
    title : str, optional
        Chart title; default counts the bins whose interval holds the prediction.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The points are an error bar container whose line has gid ``"observed"``; the
        diagonal has gid ``"perfect"``; the counts are texts with gid ``"count-<bin>"``.

    Raises
    ------
    ValueError
        A column is missing or the table is empty.
    """
    frame = _require_frame(table, "table")
    require_columns(frame, ["bin", "leads", "conversions", "predicted", "observed", "low",
                            "high"], "table")  # fmt: skip
    require_rows(frame, "table")
    pred = numeric_values(frame, "predicted", "table")
    obs = numeric_values(frame, "observed", "table")
    low, high = _optional_values(frame, "low"), _optional_values(frame, "high")
    leads = numeric_values(frame, "leads", "table")
    bins = frame["bin"].astype(str).tolist()
    own = ax is None
    fig, ax = _axes_or_new(ax, 5.6)
    top = float(np.nanmax(np.r_[pred, high[np.isfinite(high)], obs]))
    limit = min(1.0, max(0.05, top * 1.08))
    ax.plot([0, limit], [0, limit], color=COLORS["reference"], linestyle="--", linewidth=1.2,
            label="perfect calibration", gid="perfect")  # fmt: skip
    _estimates_with_intervals(ax, pred, obs, yerr=_interval_errors(obs, low, high),
                              label="observed rate (95% Wilson interval)", gid="observed",
                              size=6)  # fmt: skip
    ax.set_xlim(0, limit)
    ax.set_ylim(0, limit)
    labels = []
    last = -np.inf
    for b, x, y, n in sorted(zip(bins, pred, obs, leads, strict=True), key=lambda r: r[1]):
        if (x - last) / limit < 0.07:  # too close to the last label: the footnote has it
            continue
        last = x
        labels.append(ax.annotate(f"n={n:,.0f}", (x, y), xytext=(6, -4), textcoords="offset points",
                                  ha="left", va="top", fontsize=ANNOT_SIZE - 1,
                                  color=COLORS["reference"], gid=f"count-{b}"))  # fmt: skip
    _plain(*labels)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.grid(alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    ax.legend(loc="upper left", fontsize=ANNOT_SIZE, frameon=False)
    if title is None:
        inside = int(np.sum((pred >= low) & (pred <= high)))
        title = (
            f"Calibration: in {inside} of {len(frame)} score bins the predicted probability "
            f"lies inside the observed rate's interval ({leads.sum():,.0f} leads)"
        )
    _label_axes(fig, ax, own, title, "predicted probability to convert (mean of the bin, %)",
                "observed conversion rate (%)")  # fmt: skip
    counts = (f"{leads.min():,.0f}" if leads.min() == leads.max()
              else f"{leads.min():,.0f} to {leads.max():,.0f}")  # fmt: skip
    _footnote(ax, f"{len(frame)} bins of {counts} leads each (n beside the points where room).")
    return _finish(fig)


def plot_lift_table(
    table: pd.DataFrame, *, title: str | None = None, ax: Axes | None = None
) -> Figure:
    """Conversion rate per score decile (or other group), with intervals, lift and counts.

    One bar per group, best scores first, its height the conversion rate with the Wilson
    interval; the dashed line is the overall rate; above each bar its lift against the
    overall rate and its conversions out of its leads.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`research.conversion.lift_table` (columns ``group``, ``leads``,
        ``conversions``, ``rate``, ``low``, ``high``, ``lift``). Not modified.
    title : str, optional
        Chart title; default gives the top group's lift.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Each bar has gid ``"group-<group>"``, the overall line ``"overall"``, the lift texts
        ``"lift-<group>"``.

    Raises
    ------
    ValueError
        A column is missing or the table is empty.
    """
    frame = _require_frame(table, "table")
    require_columns(frame, ["group", "leads", "conversions", "rate", "low", "high", "lift"],
                    "table")  # fmt: skip
    require_rows(frame, "table")
    groups = frame["group"].astype(str).tolist()
    rate = numeric_values(frame, "rate", "table")
    low, high = _optional_values(frame, "low"), _optional_values(frame, "high")
    lift = numeric_values(frame, "lift", "table")
    leads = numeric_values(frame, "leads", "table")
    conv = numeric_values(frame, "conversions", "table")
    overall = conv.sum() / leads.sum()
    own = ax is None
    fig, ax = _axes_or_new(ax, 5.0)
    x = np.arange(len(groups), dtype=np.float64)
    bars = ax.bar(x, rate, width=0.7, color=COLORS["main"], zorder=2,
                  yerr=_interval_errors(rate, low, high), ecolor="#333333", capsize=3)  # fmt: skip
    for bar, g in zip(bars, groups, strict=True):
        bar.set_gid(f"group-{g}")
    ax.axhline(overall, color=COLORS["reference"], linestyle="--", linewidth=1.2, zorder=3,
               gid="overall", label=f"overall rate {_pct1(overall)}")  # fmt: skip
    texts = []
    for xi, g, hi, r, lf, k in zip(x, groups, high, rate, lift, conv, strict=True):
        top = hi if np.isfinite(hi) else r
        texts.append(ax.annotate(f"{_times(lf)}\n{k:,.0f}", (xi, top), xytext=(0, 3),
                                 textcoords="offset points", ha="center", va="bottom",
                                 fontsize=ANNOT_SIZE - 1, gid=f"lift-{g}", zorder=4,
                                 bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none",
                                       "pad": 0.3}))  # fmt: skip
    _plain(*texts)
    finite = high[np.isfinite(high)]
    ax.set_ylim(0, max(np.r_[rate, finite, [overall]].max() * 1.25, 0.01))
    ax.set_xticks(x, groups)
    _percent_axis(ax.yaxis)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    ax.legend(loc="upper right", fontsize=ANNOT_SIZE, frameon=False)
    if title is None:
        title = (
            f"Leads by score group: the top group converts at {_pct1(rate[0])}, "
            f"{_times(lift[0])} the overall {_pct1(overall)}"
        )
    _label_axes(fig, ax, own, title,
                f"score group (1 = highest scores; {len(groups)} groups of equal size)",
                "conversion rate (%, 95% Wilson interval)")  # fmt: skip
    counts = (f"{leads.min():,.0f}" if leads.min() == leads.max()
              else f"{leads.min():,.0f} to {leads.max():,.0f}")  # fmt: skip
    _footnote(ax, f"Above each bar: lift vs the overall rate, and conversions; each group holds "
                  f"{counts} leads.")  # fmt: skip
    return _finish(fig)


def plot_profit_curve(
    result: object, *, currency: str = "", title: str | None = None, ax: Axes | None = None
) -> Figure:
    """Profit of calling the top leads against the share called, with the best cut-off.

    Parameters
    ----------
    result : ProfitCurve
        Output of :func:`research.conversion.profit_curve` (its ``curve`` with
        ``share_called``, ``profit`` and ``threshold``, and its ``best``).
    currency : str, default ""
        Prefix of the amounts, e.g. ``"€"``.
    title : str, optional
        Chart title; default states the best cut-off and its profit.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The curve has gid ``"profit"``, the best cut-off a vertical line ``"best"`` and a
        point ``"best-point"``, the zero line ``"zero"``.

    Raises
    ------
    TypeError
        ``result`` has no ``curve`` and ``best``.
    ValueError
        A column is missing or the curve is empty.
    """
    if not (hasattr(result, "curve") and hasattr(result, "best")):
        raise TypeError(
            f"result must be the ProfitCurve of research.conversion.profit_curve, got "
            f"{type(result).__name__}"
        )
    frame = _require_frame(result.curve, "result.curve")
    require_columns(frame, ["share_called", "profit", "threshold"], "result.curve")
    require_rows(frame, "result.curve")
    best = dict(result.best)
    x = numeric_values(frame, "share_called", "result.curve")
    profit = numeric_values(frame, "profit", "result.curve")
    own = ax is None
    fig, ax = _axes_or_new(ax, 5.2)
    ax.axhline(0, color="#222222", linewidth=1.0, gid="zero")
    ax.plot(x, profit, color=COLORS["main"], linewidth=2.2, gid="profit",
            label="profit of calling the top leads")  # fmt: skip
    bx, by = best["share_called"], best["profit"]
    ax.axvline(bx, color=COLORS["chosen"], linestyle="--", linewidth=1.4, gid="best")
    ax.plot([bx], [by], marker="o", markersize=8, color=COLORS["chosen"], linestyle="none",
            zorder=4, gid="best-point", label="best cut-off")  # fmt: skip
    interval = ""
    if "profit_low" in best and np.isfinite(best["profit_low"]):
        interval = (f"\n95% interval {_signed(_money(best['profit_low'], currency))} to "
                    f"{_signed(_money(best['profit_high'], currency))}")  # fmt: skip
    # the note goes to the right-hand corner the curve leaves free: the bottom when calling
    # everyone still pays well, else the top (the curve falls towards the right)
    low_y, high_y = float(np.min(np.r_[profit, 0.0])), float(np.max(profit))
    bottom = profit[-1] > (low_y + high_y) / 2
    note = ax.annotate(
        f"call scores ≥ {best['threshold']:.3g}: {_pct(bx)} of leads,\n"
        f"{_pct(best['share_reached'])} of buyers, profit "
        f"{_signed(_money(by, currency))}{interval}",
        (bx, by), xytext=(0.98, 0.05 if bottom else 0.95), textcoords="axes fraction",
        ha="right", va="bottom" if bottom else "top", fontsize=ANNOT_SIZE,
        color=COLORS["chosen"], bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"},
        arrowprops={"arrowstyle": "->", "color": COLORS["chosen"], "linewidth": 1},
    )  # fmt: skip
    _plain(note)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(lambda v, pos: _signed(f"{currency}{_short_amount(v)}"))
    ax.grid(alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    ax.legend(loc="upper left" if bottom else "lower left", fontsize=ANNOT_SIZE, frameon=False)
    value = getattr(result, "value_per_conversion", None)
    cost = getattr(result, "cost_per_contact", None)
    if title is None:
        title = (f"Calling the top {_pct(bx)} of leads maximises profit: "
                 f"{_signed(_money(by, currency))}")  # fmt: skip
        if value is not None and cost is not None:
            title += (f"\n{_money(value, currency)} per conversion, "
                      f"{_money(cost, currency)} per call")  # fmt: skip
    _label_axes(fig, ax, own, title, "leads called, highest scores first (% of leads)",
                f"profit ({currency or 'currency units'}; on the scored leads)")  # fmt: skip
    return _finish(fig)


def plot_evaluation_schemes(
    table: pd.DataFrame,
    *,
    metrics: Sequence[str] = ("auc", "alift"),
    by: str | None = None,
    title: str | None = None,
) -> Figure:
    """Metric estimates with their intervals per evaluation scheme, one panel per metric.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`research.conversion.evaluate` (columns ``scheme``, ``metric``,
        ``estimate``, ``low``, ``high``, ``n``), possibly several stacked with a column
        named by ``by`` (e.g. ``model``). Not modified.
    metrics : sequence of str, default ("auc", "alift")
        Metrics to show, one panel each.
    by : str, optional
        A column whose values are drawn as separate, offset series (e.g. ``"model"``).
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        In each panel the estimates are an error bar container whose line has gid
        ``"<metric>"`` (or ``"<metric>-<value of by>"``); y is the row of the scheme, top
        to bottom in table order. A random ranking's value (0.5) is a line ``"random"``.

    Raises
    ------
    ValueError
        A column or metric is missing, or the table is empty.
    """
    frame = _require_frame(table, "table")
    require_columns(frame, ["scheme", "metric", "estimate", "low", "high", "n"]
                    + ([by] if by else []), "table")  # fmt: skip
    require_rows(frame, "table")
    metrics = list(metrics)
    absent = [m for m in metrics if m not in set(frame["metric"])]
    if absent or not metrics:
        raise ValueError(
            f"table has no rows for metric(s) {absent or metrics}; its metrics are "
            f"{sorted(set(frame['metric']))}"
        )
    schemes = list(dict.fromkeys(frame["scheme"].astype(str)))
    series = list(dict.fromkeys(frame[by].astype(str))) if by else [""]
    fig = _new_figure(1.7 + 0.55 * len(schemes) * max(1, len(series) * 0.7))
    axes = fig.subplots(1, len(metrics), squeeze=False).ravel()
    height = 0.6
    offsets = (np.linspace(-height / 2, height / 2, len(series)) if len(series) > 1
               else np.zeros(1))  # fmt: skip
    for ax, metric in zip(axes, metrics, strict=True):
        name, label, random, higher = _SCORING_METRICS.get(metric, (metric, metric, None, True))
        rows = frame[frame["metric"] == metric]
        for k, value in enumerate(series):
            part = rows[rows[by].astype(str) == value] if by else rows
            if part.empty:
                continue
            ys = np.array([schemes.index(s) for s in part["scheme"].astype(str)]) + offsets[k]
            est = numeric_values(part, "estimate", "table")
            lo, hi = _optional_values(part, "low"), _optional_values(part, "high")
            color = _SCORING_SERIES[k % len(_SCORING_SERIES)]
            bars = ax.errorbar(est, ys, xerr=_interval_errors(est, lo, hi), fmt="o",
                               color=color, ecolor=color, capsize=4, markersize=6, zorder=3,
                               label=value or None)  # fmt: skip
            bars.lines[0].set_gid(f"{metric}-{value}" if value else metric)
            texts = [ax.annotate(f"{e:.3f}", (e, yy), xytext=(0, 6), textcoords="offset points",
                                 ha="center", va="bottom", fontsize=ANNOT_SIZE - 1, color=color)
                     for e, yy in zip(est, ys, strict=True)]  # fmt: skip
            _plain(*texts)
        if random is not None:
            ax.axvline(random, color=COLORS["reference"], linestyle="--", linewidth=1.0,
                       gid="random")  # fmt: skip
        ax.set_ylim(len(schemes) - 0.5, -0.5)
        n_by_scheme = rows.groupby("scheme", sort=False)["n"].max()
        ticks = [f"{s}\n(n = {n_by_scheme.get(s, np.nan):,.0f})" for s in schemes]
        ax.set_yticks(range(len(schemes)), ticks)
        ax.set_title(f"{name} ({'higher' if higher else 'lower'} is better)",
                     fontsize=PANEL_TITLE_SIZE)  # fmt: skip
        ax.set_xlabel(label, fontsize=LABEL_SIZE - 1)
        ax.tick_params(labelsize=TICK_SIZE)
        ax.grid(axis="x", alpha=0.3)
        ax.set_axisbelow(True)
        _clean_spines(ax)
    axes[0].set_ylabel("evaluation scheme (scored leads)", fontsize=LABEL_SIZE)
    for ax in axes[1:]:
        ax.tick_params(labelleft=False)
    if by:
        handles, names = axes[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="outside lower center", ncols=len(series),
                   fontsize=ANNOT_SIZE, frameon=False, title=by)  # fmt: skip
    if title is None:
        title = ("Out-of-sample performance by evaluation scheme (95% bootstrap intervals):\n"
                 "random folds flatter; time order is what a campaign faces")  # fmt: skip
    _set_title(fig, None, title)
    return _finish(fig)
