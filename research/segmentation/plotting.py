"""Charts of the segmentation analysis.

* :func:`plot_k_selection`: the criteria used to choose the number of segments;
* :func:`plot_rfm_grid`: customers per cell of the R x FM score grid, coloured by segment;
* :func:`plot_segment_profile`: how each segment differs from the average customer (lift);
* :func:`plot_segment_value`: share of customers against share of value per segment
  (:func:`research.segmentation.segment_value_table` builds its input from
  :func:`~research.segmentation.rfm_segments`);
* :func:`plot_stability`: how well the segments survive bootstrap refits;
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence

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

from research._format import (
    _pct,
    _times,
)
from research._plotting.axes import (
    _axes_or_new,
    _finish,
    _label_axes,
    _new_figure,
    _require_frame,
    _segment_colors,
    _set_title,
    _text_color,
)
from research._plotting.style import ANNOT_SIZE, COLORS, LABEL_SIZE, PANEL_TITLE_SIZE, TICK_SIZE
from research._validation import numeric_values, require_columns, require_rows
from research.segmentation.segments import RfmGrid, rfm_grid

__all__ = [
    "plot_k_selection",
    "plot_rfm_grid",
    "plot_segment_profile",
    "plot_segment_value",
    "plot_stability",
]

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


def plot_rfm_grid(
    segmented: pd.DataFrame | RfmGrid,
    rules: pd.DataFrame | None = None,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Heatmap of customers per R score (rows, best at top) and FM score (columns), by segment.

    Each cell shows the segment the rule table gives it and its number of customers; cells are
    coloured by segment, and a cell without customers shows its segment in grey. The chart
    draws :func:`~research.segmentation.rfm_grid`, whose counts a notebook or a test can read.

    Parameters
    ----------
    segmented : pandas.DataFrame or RfmGrid
        Output of :func:`~research.segmentation.rfm_segments` (one row per customer with
        ``r_score``, ``fm_score`` and ``segment``; not modified), counted here by
        :func:`~research.segmentation.rfm_grid`; or that function's result, drawn as it is.
    rules : pandas.DataFrame, optional
        The rule table used by ``rfm_segments`` (columns ``segment, r_min, r_max, fm_min,
        fm_max``). Default :data:`~research.segmentation.RFM_SEGMENT_RULES`. Ignored for an
        ``RfmGrid``.
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
    grid = segmented if isinstance(segmented, RfmGrid) else rfm_grid(segmented, rules)
    bins = grid.bins
    names = [str(n) for n in grid.segment_customers.index if n != "unclassified"]
    cell = grid.cell_segments.to_numpy()  # [row, col]: R = bins - row, FM = col + 1
    counts = grid.counts.to_numpy()
    colors = _segment_colors(names)

    own = ax is None
    fig, ax = _axes_or_new(ax, 6.2)
    img = np.ones((bins, bins, 3))
    for row in range(bins):
        score_r = bins - row  # R = bins at the top
        for col in range(bins):
            score_fm = col + 1
            seg = cell[row, col]
            n = counts[row, col]
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
            seg = cell[row, col]
            if col + 1 < bins and cell[row, col + 1] != seg:
                ax.plot([col + 0.5] * 2, [row - 0.5, row + 0.5], color="#333333", linewidth=1.5)
            if row + 1 < bins and cell[row + 1, col] != seg:
                ax.plot([col - 0.5, col + 0.5], [row + 0.5] * 2, color="#333333", linewidth=1.5)
    ax.set_xlim(-0.5, bins - 0.5)
    ax.set_ylim(bins - 0.5, -0.5)
    ax.set_xticks(range(bins), [str(s) for s in range(1, bins + 1)])
    ax.set_yticks(range(bins), [str(s) for s in range(bins, 0, -1)])
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)

    seg_totals = grid.segment_customers
    handles = [
        Patch(
            facecolor=colors[s] if seg_totals.get(s, 0) else COLORS["empty"],
            edgecolor="#333333",
            linewidth=0.5,
            label=f"{s} ({int(seg_totals.get(s, 0)):,})",
        )
        for s in names
    ]
    if seg_totals.get("unclassified", 0):
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
