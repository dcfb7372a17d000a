"""Charts of the segmentation analysis; each draws a result of the analysis, computing nothing.

* :func:`plot_k_selection`: the criteria used to choose the number of segments
  (``CustomerSegmenter.selection_scores_``);
* :func:`plot_rfm_grid`: customers per cell of the R x FM score grid, coloured by segment
  (:class:`~research.segmentation.RfmGrid`, from :func:`~research.segmentation.rfm_grid`);
* :func:`plot_segment_profile`: how each segment differs from the average customer (lift)
  (:class:`~research.segmentation.SegmentProfile`, from ``CustomerSegmenter.profile()``);
* :func:`plot_segment_value`: share of customers against share of value per segment
  (:class:`~research.segmentation.SegmentValue`, from
  :func:`~research.segmentation.segment_value_table`, :func:`research.clv.clv_by_segment` or
  ``CustomerSegmenter.profile().value``);
* :func:`plot_stability`: how well the segments survive bootstrap refits
  (:class:`~research.segmentation.SegmentStability`, from ``CustomerSegmenter.stability()``).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import (
    FixedLocator,
    PercentFormatter,
    ScalarFormatter,
    StrMethodFormatter,
)

from research._format import _bracket, _pct, _times, ci_label
from research._plotting.axes import (
    _axes_or_new,
    _finish,
    _label_axes,
    _new_figure,
    _require_frame,
    _require_result,
    _segment_colors,
    _set_title,
    _text_color,
)
from research._plotting.style import ANNOT_SIZE, COLORS, LABEL_SIZE, PANEL_TITLE_SIZE, TICK_SIZE
from research._validation import numeric_values, require_columns, require_rows
from research.segmentation.clusters import STABILITY_THRESHOLDS, SegmentProfile, SegmentStability
from research.segmentation.segments import RfmGrid
from research.segmentation.value import SegmentValue

__all__ = [
    "plot_k_selection",
    "plot_rfm_grid",
    "plot_segment_profile",
    "plot_segment_value",
    "plot_stability",
]

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
# 1. choosing k
# --------------------------------------------------------------------------------------------


def _draw_criterion(ax: Axes, x: np.ndarray, y: np.ndarray, chosen_k: float, crit: str) -> None:
    """One criterion against k, the chosen k circled and marked by a dashed line."""
    name, higher, ylabel = _CRITERIA[crit]
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
        f"chosen\nk = {chosen_k:g}",
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
    for ax, crit in zip(axes, criteria, strict=False):
        y = numeric_values(frame, crit, "selection_scores")[order]
        _draw_criterion(ax, k[order], y, chosen_k, crit)
    for ax in axes[n:]:
        ax.set_visible(False)
    default = f"Choosing the number of segments: {chosen_k:g} segments chosen"
    _set_title(fig, None, title if title is not None else default)
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# 2. RFM grid
# --------------------------------------------------------------------------------------------


def _draw_grid_cells(ax: Axes, grid: RfmGrid, colors: Mapping[str, str]) -> None:
    """Each cell filled with its segment's colour (grey without customers), its segment's
    name and its number of customers written in it."""
    bins = grid.bins
    cell = grid.cell_segments.to_numpy()  # [row, col]: R = bins - row, FM = col + 1
    counts = grid.counts.to_numpy()
    img = np.ones((bins, bins, 3))
    for row in range(bins):
        for col in range(bins):
            seg, n = cell[row, col], counts[row, col]
            fill = COLORS["empty"] if n == 0 else colors.get(seg, "#ffffff")
            img[row, col] = to_rgb(fill)
            text_color = COLORS["muted"] if n == 0 else _text_color(fill)
            where = f"R{bins - row}-FM{col + 1}"
            ax.text(
                col,
                row - 0.08,
                "\n".join(textwrap.wrap(seg or "no rule", 11)),
                ha="center",
                va="bottom",
                fontsize=ANNOT_SIZE - 0.5,
                color=text_color,
                gid=f"segment-{where}",
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
                gid=f"count-{where}",
            )
    ax.imshow(img, aspect="auto", interpolation="nearest")


def _draw_segment_borders(ax: Axes, cell: np.ndarray) -> None:
    """Thin white lines between cells, dark lines where the segment changes."""
    bins = len(cell)
    for k in range(bins + 1):
        ax.axhline(k - 0.5, color="white", linewidth=1.5)
        ax.axvline(k - 0.5, color="white", linewidth=1.5)
    for row in range(bins):
        for col in range(bins):
            seg = cell[row, col]
            if col + 1 < bins and cell[row, col + 1] != seg:
                ax.plot([col + 0.5] * 2, [row - 0.5, row + 0.5], color="#333333", linewidth=1.5)
            if row + 1 < bins and cell[row + 1, col] != seg:
                ax.plot([col - 0.5, col + 0.5], [row + 0.5] * 2, color="#333333", linewidth=1.5)


def _grid_legend(ax: Axes, grid: RfmGrid, names: list[str], colors: Mapping[str, str]) -> None:
    """Segments and their customers, beside the grid."""
    totals = grid.segment_customers
    handles = [
        Patch(
            facecolor=colors[s] if totals.get(s, 0) else COLORS["empty"],
            edgecolor="#333333",
            linewidth=0.5,
            label=f"{s} ({int(totals.get(s, 0)):,})",
        )
        for s in names
    ]
    if totals.get("unclassified", 0):
        handles.append(
            Patch(
                facecolor="white",
                edgecolor="#333333",
                linewidth=0.5,
                label=f"unclassified ({int(totals['unclassified']):,})",
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


def plot_rfm_grid(
    grid: RfmGrid,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Heatmap of customers per R score (rows, best at top) and FM score (columns), by segment.

    Each cell shows the segment the rule table gives it and its number of customers; cells are
    coloured by segment, and a cell without customers shows its segment in grey. The chart
    draws the counts of :func:`~research.segmentation.rfm_grid`, which a notebook or a test
    reads too.

    Parameters
    ----------
    grid : RfmGrid
        The result of :func:`~research.segmentation.rfm_grid` (``rfm_grid(segmented).plot()``
        draws it too).
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
    TypeError
        ``grid`` is not an RfmGrid.

    Examples
    --------
    >>> plot_rfm_grid(rfm_grid(rfm_segments(summary)))  # doctest: +SKIP
    """
    grid = _require_result(grid, RfmGrid, "grid", "research.segmentation.rfm_grid")
    bins = grid.bins
    names = [str(n) for n in grid.segment_customers.index if n != "unclassified"]
    colors = _segment_colors(names)
    own = ax is None
    fig, ax = _axes_or_new(ax, 6.2)
    _draw_grid_cells(ax, grid, colors)
    _draw_segment_borders(ax, grid.cell_segments.to_numpy())
    ax.set_xlim(-0.5, bins - 0.5)
    ax.set_ylim(bins - 0.5, -0.5)
    ax.set_xticks(range(bins), [str(s) for s in range(1, bins + 1)])
    ax.set_yticks(range(bins), [str(s) for s in range(bins, 0, -1)])
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    _grid_legend(ax, grid, names, colors)
    default = f"Customers by RFM score and segment ({grid.n_customers:,} customers)"
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


def _segment_labels(index: pd.Index, names: Mapping[Any, str] | None) -> list[str]:
    """'1 · name' for numbered segments with a name, the segment itself otherwise."""
    labels = []
    for idx in index:
        label = str(idx)
        name = None if names is None else names.get(idx)
        if name is not None:
            label = name if str(name) == label else f"{label} · {name}"
        labels.append(label)
    return labels


def _lift_columns(profile: SegmentProfile, features: Sequence[str] | None) -> list[str]:
    """The features to show, checked against the profile's lift columns."""
    if features is None:
        features = list(profile.features)
    elif isinstance(features, str) or len(features) == 0:
        raise ValueError(f"features must be a non-empty list of names, got {features!r}")
    require_columns(profile.table, [f"{f}_lift" for f in features], "profile.table")
    return list(features)


def plot_segment_profile(
    profile: SegmentProfile,
    features: Sequence[str] | None = None,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Heatmap of each segment's lift per feature: segment mean / mean of all customers.

    Parameters
    ----------
    profile : SegmentProfile
        The result of ``CustomerSegmenter.profile()``: the rows are labelled with the
        segment's number, name and share of customers ("1 · recent, frequent (22%)").
    features : sequence of str, optional
        Features to show. Default every clustering feature of the profile.
    title : str, optional
        Chart title; default says what the colours compare.
    ax : matplotlib.axes.Axes, optional
        Axes to draw the heatmap on (its colour bar beside it); default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Colours on a log scale centred at 1x (red above the average customer, blue below);
        each cell is annotated with its lift, e.g. ``"2.5×"``.

    Raises
    ------
    TypeError
        ``profile`` is not a SegmentProfile.
    ValueError
        A feature has no ``<feature>_lift`` column.

    Examples
    --------
    >>> plot_segment_profile(seg.profile())  # doctest: +SKIP
    """
    profile = _require_result(
        profile, SegmentProfile, "profile", "research.segmentation.CustomerSegmenter.profile"
    )
    features = _lift_columns(profile, features)
    frame = profile.table
    lift = np.column_stack(
        [frame[f"{f}_lift"].to_numpy(dtype=np.float64, na_value=np.nan) for f in features]
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        log_lift = np.log2(np.where(lift >= 0, lift, np.nan))  # 0 -> -inf, clipped below
    finite = np.abs(log_lift[np.isfinite(log_lift)])
    lim = max(1.0, float(finite.max()) if finite.size else 1.0)  # at least 0.5x .. 2x
    annot = np.vectorize(_times, otypes=[object])(lift)
    names = frame["name"].to_dict() if "name" in frame.columns else None
    shares = frame["share"].to_numpy(dtype=np.float64, na_value=np.nan)
    rows = [
        textwrap.fill(f"{label} ({_pct(s)})", 30)
        for label, s in zip(_segment_labels(frame.index, names), shares, strict=True)
    ]
    columns = [textwrap.fill(_FEATURE_LABELS.get(f, f.replace("_", " ")), 13) for f in features]
    data = pd.DataFrame(np.clip(log_lift, -lim, lim), index=rows, columns=columns)

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
    ax.tick_params(axis="both", rotation=0, length=0)
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
    value: SegmentValue,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Share of customers next to share of total value, per segment (horizontal bars).

    Shows at a glance that, say, 22% of the customers bring 61% of the value.

    Parameters
    ----------
    value : SegmentValue
        The result of :func:`research.segmentation.segment_value_table`,
        :func:`research.clv.clv_by_segment` or ``CustomerSegmenter.profile().value``: the
        shares drawn are its ``share`` and ``value_share``, the counts its ``customers``.
        Numbered segments with names are labelled "1 · recent, frequent".
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
    TypeError
        ``value`` is not a SegmentValue.
    ValueError
        The value shares are missing: the total value is 0.

    Examples
    --------
    >>> segment_value_table(rfm_segments(summary)).plot()  # doctest: +SKIP
    >>> plot_segment_value(seg.profile().value)  # doctest: +SKIP
    """
    value = _require_result(
        value, SegmentValue, "value", "research.segmentation.segment_value_table"
    )
    table = value.table
    customers = table["customers"].to_numpy(dtype=np.float64)
    cust_share = table["share"].to_numpy(dtype=np.float64)
    value_share = table["value_share"].to_numpy(dtype=np.float64, na_value=np.nan)
    if not np.isfinite(value_share).all():
        raise ValueError(
            f"the shares of {value.value_col!r} are not defined (its total is 0): there is no "
            "value to share out"
        )
    labels = [textwrap.fill(t, 30) for t in _segment_labels(table.index, value.segment_names)]

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

_VERDICT_WORDS = {"stable": "stable", "unclear": "in between", "dissolved": "dissolved"}


def _stability_label(segment: str, names: Mapping[Any, str]) -> str:
    """'1 · name' for a segment with a name, 'segment 3' for one without."""
    name = names.get(segment)
    if name is None and segment.lstrip("-").isdigit():
        name = names.get(int(segment))
    return f"segment {segment}" if name is None else f"{segment} · {name}"


def _draw_stability_bands(ax: Axes, top: float) -> None:
    """Shaded dissolved / in-between / stable bands, their thresholds and captions."""
    dissolved, stable = STABILITY_THRESHOLDS
    ax.axvspan(0, dissolved, color=COLORS["dissolved"], alpha=0.07, linewidth=0)
    ax.axvspan(dissolved, stable, color=COLORS["unclear"], alpha=0.07, linewidth=0)
    ax.axvspan(stable, 1.0, color=COLORS["stable"], alpha=0.07, linewidth=0)
    for x in STABILITY_THRESHOLDS:
        ax.axvline(x, color=COLORS["reference"], linestyle="--", linewidth=1.2, gid=f"ref-{x}")
    for x, text, ha, color in (
        (dissolved - 0.01, f"← dissolved below {dissolved:g}", "right", COLORS["dissolved"]),
        (stable + 0.01, f"stable at {stable:g} or above →", "left", COLORS["stable"]),
    ):
        ax.text(x, top + 0.1, text, ha=ha, va="top", fontsize=ANNOT_SIZE, color=color)


def _has_verdict(verdict: object) -> bool:
    return isinstance(verdict, str) and verdict in _VERDICT_WORDS


def _draw_stability_points(ax: Axes, rows: pd.DataFrame, y: np.ndarray) -> None:
    """Each estimate, coloured by its verdict (grey without one: the adjusted Rand index),
    with its interval and a label."""
    est = rows["estimate"].to_numpy(dtype=np.float64, na_value=np.nan)
    low = rows["low"].to_numpy(dtype=np.float64, na_value=np.nan)
    high = rows["high"].to_numpy(dtype=np.float64, na_value=np.nan)
    verdict = rows["verdict"].to_numpy()
    err = np.vstack([est - low, high - est])
    err = np.where(np.isfinite(err), np.maximum(err, 0), 0)
    ax.errorbar(est, y, xerr=err, fmt="none", ecolor="#444444", elinewidth=1.5, capsize=4)
    colours = [COLORS[v] if _has_verdict(v) else COLORS["reference"] for v in verdict]
    ax.scatter(est, y, s=70, c=colours, edgecolors="#222222", zorder=3)
    for xi, yi, lo, hi, v in zip(est, y, low, high, verdict, strict=True):
        interval = _bracket(lo, hi, lambda value: f"{value:.2f}")
        words = f" · {_VERDICT_WORDS[v]}" if _has_verdict(v) else ""
        ax.annotate(
            f"{xi:.2f}{' ' if interval else ''}{interval}{words}",
            (xi, yi),
            xytext=(0, 7),
            textcoords="offset points",
            va="bottom",
            fontsize=ANNOT_SIZE,
            ha="right" if xi > 0.75 else "left" if xi < 0.25 else "center",
            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 0.5},
        )


def plot_stability(
    stability: SegmentStability,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Bootstrap stability of each segment (Jaccard) and of the whole partition (ARI).

    Points are the mean over bootstrap refits, bars the interval (at the result's level);
    reference lines mark Hennig's (2007) thresholds: a segment is "dissolved" below a Jaccard
    similarity of 0.6 and stable at 0.75 or above. The thresholds are for the Jaccard
    similarity: the adjusted Rand index of the whole partition is drawn in grey, without a
    verdict.

    Parameters
    ----------
    stability : SegmentStability
        The result of ``CustomerSegmenter.stability()``; its segment names label the rows.
    title : str, optional
        Chart title. Default says the number of refits and the interval level.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Points coloured green (stable), yellow (in between) or red (dissolved) by the
        result's verdict, each labelled with its estimate, interval and verdict; grey and
        without a verdict for a row that has none (the adjusted Rand index).

    Raises
    ------
    TypeError
        ``stability`` is not a SegmentStability.

    Examples
    --------
    >>> seg.stability(n_boot=30).plot()  # doctest: +SKIP
    """
    stability = _require_result(
        stability,
        SegmentStability,
        "stability",
        "research.segmentation.CustomerSegmenter.stability",
    )
    table = stability.table
    jac = table[table["metric"] == "jaccard"]
    ari = table[table["metric"] == "adjusted_rand"]
    names = stability.segment_names
    labels = [textwrap.fill(_stability_label(str(s), names), 30) for s in jac["segment"]]
    labels += ["all segments (adjusted Rand)"] * len(ari)
    rows = pd.concat([jac, ari])
    y = np.arange(len(rows), dtype=np.float64)
    y[len(jac) :] += 0.5  # a gap before the ARI row

    own = ax is None
    fig, ax = _axes_or_new(ax, max(3.4, 1.9 + 0.5 * len(rows)))
    top = -1.1
    _draw_stability_bands(ax, top)
    if len(jac) and len(ari):
        ax.axhline(len(jac) - 0.25, color="#bbbbbb", linewidth=0.8)
    _draw_stability_points(ax, rows, y)
    ax.set_ylim(y.max() + 0.6, top)
    # the adjusted Rand index can fall below 0 (agreement below chance): keep its interval in
    lowest = np.nanmin(rows["low"].to_numpy(dtype=np.float64, na_value=np.nan), initial=0.0)
    ax.set_xlim(min(0.0, lowest - 0.02), 1.04)
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.set_yticks(y, labels)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if title is None:
        title = (
            "How stable are the segments?\nAgreement of each segment with "
            f"{stability.n_boot:,} bootstrap refits ({ci_label(stability.ci)} intervals)"
        )
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
