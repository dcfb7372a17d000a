"""Charts of the funnel, SLA and KPI analyses.

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
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import (
    PercentFormatter,
    StrMethodFormatter,
)

from research._format import (
    _pct1,
    _short_amount,
)
from research._plotting.axes import (
    _axes_or_new,
    _clean_spines,
    _estimates_with_intervals,
    _finish,
    _footnote,
    _interval_errors,
    _label_axes,
    _optional_values,
    _percent_axis,
    _plain,
    _require_frame,
    _text_color,
)
from research._plotting.style import _CB, ANNOT_SIZE, COLORS
from research._validation import numeric_values, require_columns, require_rows, rows_repr

__all__ = [
    "plot_funnel",
    "plot_conversion_by_group",
    "plot_cycle_curves",
    "plot_sla",
    "plot_speed_to_lead",
    "plot_league_table",
    "plot_roi_by_channel",
]

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
    "stage",
    "step",
    "entered",
    "next_stage",
    "converted",
    "conversion",
    "low",
    "high",
    "from_top",
    "lost",
    "bottleneck",
)


def _rate_ci(rate: float, low: float, high: float) -> str:
    """A rate with its interval: 29.8% [28.9–30.7%]."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return _pct1(rate)
    return f"{_pct1(rate)} [{_pct1(low).rstrip('%')}–{_pct1(high)}]"


def _p_value(p: float) -> str:
    if not np.isfinite(p):
        return "p n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}" if p < 0.0995 else f"p = {p:.2f}"


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


def _select_group(frame: pd.DataFrame, group: object) -> tuple[pd.DataFrame, str]:
    """The rows of one group of a funnel table, and its description ("" for a single funnel)."""
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
    return frame, group_text


def _annotate_counts(
    ax: Axes, stages: list[str], entered: np.ndarray, colors: list[str], widest: float
) -> None:
    """Each bar's count (and share of the first stage) at its end, inside if the bar is long."""
    y = np.arange(len(stages), dtype=np.float64)
    top = float(entered[0])
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


def _annotate_conversions(
    ax: Axes,
    stages: list[str],
    entered: np.ndarray,
    converted: np.ndarray,
    conversion: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    bottleneck: np.ndarray,
) -> None:
    """Between two bars, the conversion from one stage to the next; the bottleneck named."""
    y = np.arange(len(stages), dtype=np.float64)
    n = len(stages)
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
    frame, group_text = _select_group(frame, group)
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
    _annotate_counts(ax, stages, entered, colors, widest)
    _annotate_conversions(ax, stages, entered, converted, conversion, low, high, bottleneck)
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


@dataclass(frozen=True)
class _Conversion:
    """What the conversion-by-group chart draws, checked: one row per group at the stage."""

    rows: pd.DataFrame
    labels: np.ndarray
    entered: np.ndarray
    rate: np.ndarray
    low: np.ndarray
    high: np.ndarray
    overall: float
    stage: str
    next_stage: str
    group_name: str


def _overall_line(ax: Axes, overall: float, *, horizontal: bool) -> None:
    """The dashed line of the overall rate, under the groups' points."""
    draw = ax.axhline if horizontal else ax.axvline
    ref = draw(
        overall,
        color=COLORS["reference"],
        linestyle="--",
        linewidth=1.2,
        label=f"overall: {_pct1(overall)}",
        gid="overall",
    )
    ref.set_zorder(2)


def _draw_cohort_conversion(ax: Axes | None, c: _Conversion) -> tuple[Figure, Axes, str, str, str]:
    """Cohorts: the rate in time order as a line, its interval as a band; labels and title."""
    rows, labels, entered, overall = c.rows, c.labels, c.entered, c.overall
    rate, low, high = c.rate, c.low, c.high
    stage, next_stage = c.stage, c.next_stage
    keys = rows["cohort"]
    order = np.argsort(
        keys.to_numpy() if isinstance(keys.dtype, pd.PeriodDtype) else keys.astype(str).to_numpy(),
        kind="stable",
    )
    k = len(order)
    fig, ax = _axes_or_new(ax, 4.8)
    x = np.arange(k, dtype=np.float64)
    r, lo, hi = rate[order], low[order], high[order]
    band = ax.fill_between(
        x, lo, hi, color=COLORS["main"], alpha=0.2, linewidth=0, label="interval (Wilson)"
    )
    band.set_gid("interval")
    ax.plot(
        x,
        r,
        color=COLORS["main"],
        marker="o",
        markersize=5,
        linewidth=2,
        label=f"conversion to {next_stage}",
        gid="conversion",
        zorder=3,
    )
    _overall_line(ax, overall, horizontal=True)
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
    title = (
        f"Conversion from {stage} to {next_stage} by cohort: {_pct1(overall)} overall\n"
        f"from {_pct1(np.nanmin(r))} to {_pct1(np.nanmax(r))} per cohort"
    )
    return fig, ax, xlabel, ylabel, title


def _draw_group_conversion(ax: Axes | None, c: _Conversion) -> tuple[Figure, Axes, str, str, str]:
    """Groups: one point per group with its interval, highest on top; labels and title."""
    labels, entered, overall = c.labels, c.entered, c.overall
    rate, low, high = c.rate, c.low, c.high
    stage, next_stage, group_name = c.stage, c.next_stage, c.group_name
    order = np.argsort(-np.nan_to_num(rate, nan=-1.0), kind="stable")  # highest on top
    k = len(order)
    fig, ax = _axes_or_new(ax, max(3.4, 1.7 + 0.45 * k))
    y = np.arange(k, dtype=np.float64)
    r, lo, hi = rate[order], low[order], high[order]
    _overall_line(ax, overall, horizontal=False)
    _estimates_with_intervals(
        ax,
        r,
        y,
        xerr=_interval_errors(r, lo, hi),
        label=f"conversion to {next_stage} (Wilson interval)",
        gid="conversion",
    )
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
    ax.legend(
        loc="upper left",
        ncols=2,
        fontsize=ANNOT_SIZE + 1,
        frameon=True,
        edgecolor="none",
        framealpha=0.9,
    )
    xlabel = f"conversion from {stage} to {next_stage} (%)"
    ylabel = f"{group_name} (leads at the {stage} stage)"
    best, worst = order[0], order[-1]
    title = (
        f"Conversion from {stage} to {next_stage} by {group_name}: {_pct1(overall)} "
        f"overall\nhighest {labels[best]} ({_pct1(rate[best])}), lowest "
        f"{labels[worst]} ({_pct1(rate[worst])})"
    )
    return fig, ax, xlabel, ylabel, title


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
    draw = _draw_cohort_conversion if cohort else _draw_group_conversion
    conversion = _Conversion(
        rows, labels, entered, rate, low, high, overall, str(stage), next_stage, group_name
    )
    fig, ax, xlabel, ylabel, default = draw(ax, conversion)
    title = default if title is None else title
    ax.set_axisbelow(True)
    _clean_spines(ax)
    _label_axes(fig, ax, own, title, xlabel, ylabel)
    return _finish(fig)


def _days(value: float) -> str:
    if not np.isfinite(value):
        return "n/a"
    return f"{value:.1f}" if value < 99.5 else f"{value:,.0f}"


def _cycle_title(groups: list[str], medians: dict[str, float]) -> str:
    """The default title of the cycle chart: the median, or the range of the medians."""
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
    return title


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
        ax.step(
            days,
            share,
            where="post",
            color=color,
            linewidth=2,
            gid=f"curve-{group}",
            label=f"{name}{count}{where}",
            zorder=3,
        )
        band = ax.fill_between(days, lo, hi, step="post", color=color, alpha=0.15, linewidth=0)
        band.set_gid(f"band-{group}")
        if np.isfinite(median):
            ax.plot([median, median], [0, 0.5], color=color, linestyle=":", linewidth=1.2)
            ax.plot(
                [median],
                [0.5],
                marker="o",
                markersize=7,
                color=color,
                markeredgecolor="white",
                gid=f"median-{group}",
                zorder=4,
            )
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
        ax.annotate(
            "half closed (median)",
            xy=(1, 0.5),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 3),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=ANNOT_SIZE,
            color=COLORS["reference"],
        )
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
    ax.legend(
        loc="upper right" if ending < 0.3 else "lower left",
        title=legend_title,
        fontsize=ANNOT_SIZE + 1,
        title_fontsize=ANNOT_SIZE + 1,
        frameon=True,
        framealpha=0.9,
        edgecolor="#cccccc",
    )

    if title is None:
        title = _cycle_title(groups, medians)
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
    ax.axvline(
        overall,
        color=COLORS["reference"],
        linestyle="--",
        linewidth=1.2,
        zorder=2,
        label=f"overall: {_pct1(overall)}",
        gid="overall",
    )
    _estimates_with_intervals(
        ax,
        sh,
        y,
        xerr=_interval_errors(sh, lo, hi),
        label=f"answered within {sla} (Wilson interval)",
        gid="share-within",
    )
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
    ax.legend(
        loc="upper left",
        ncols=2,
        fontsize=ANNOT_SIZE + 1,
        frameon=True,
        edgecolor="none",
        framealpha=0.9,
    )
    group_name = frame.index.name or "group"
    if title is None:
        best, worst = order[0], order[-1]
        title = f"Leads answered within the {sla} SLA: {_pct1(overall)} overall"
        if k > 1:
            title += (
                f"\nfrom {_pct1(share[best])} ({labels[best]}) down to {_pct1(share[worst])} "
                f"({labels[worst]})"
            )
    _label_axes(
        fig, ax, own, title, f"answered within {sla} (% of leads due)", f"{group_name} (leads due)"
    )
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
    require_columns(
        by_time, ["leads", "conversions", "rate", "low", "high"], "result.by_response_time"
    )
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
    ax.axhline(
        overall,
        color=COLORS["reference"],
        linestyle="--",
        linewidth=1.2,
        zorder=2,
        label=f"all answered leads: {_pct1(overall)}",
        gid="overall",
    )
    _estimates_with_intervals(
        ax,
        x[shown],
        rate[shown],
        yerr=_interval_errors(rate, low, high)[:, shown],
        label="conversion rate (Wilson interval)",
        gid="conversion",
    )
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
        ax.text(
            0.98,
            0.97,
            "\n".join(lines),
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=ANNOT_SIZE + 0.5,
            gid="odds-ratio",
            multialignment="left",
            bbox={"facecolor": "white", "alpha": 0.9, "edgecolor": "#cccccc", "pad": 5},
        )
    )
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
    _label_axes(
        fig,
        ax,
        own,
        title,
        "time to first response (leads in the bucket)",
        "conversion rate (% of answered leads)",
    )
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
    ax.axvline(
        team,
        color=COLORS["reference"],
        linestyle="--",
        linewidth=1.2,
        zorder=2,
        label=f"team: {_pct1(team)}",
        gid="team-rate",
    )
    names = {
        "above": "above the team",
        "not distinguishable": "not distinguishable",
        "below": "below the team",
    }
    err = _interval_errors(rate, low, high)
    for v in ("above", "not distinguishable", "below"):
        mask = verdict == v
        if not mask.any():
            continue
        color = FUNNEL_COLORS[v]
        bars = ax.errorbar(
            rate[mask],
            y[mask],
            xerr=err[:, mask],
            fmt="o",
            color=color,
            ecolor=color,
            elinewidth=1.5,
            capsize=4,
            markersize=7,
            zorder=3,
            label=names[v],
        )
        bars.lines[0].set_gid(f"rate-{v}")
    other = ~np.isin(verdict, list(names))
    if other.any():  # a verdict league_table does not give: drawn in the house colour
        _estimates_with_intervals(
            ax, rate[other], y[other], xerr=err[:, other], label=rate_label, gid="rate-other"
        )
    ax.plot(
        shrunk,
        y,
        linestyle="none",
        marker="D",
        markersize=7,
        markerfacecolor="none",
        markeredgecolor=FUNNEL_COLORS["shrunk"],
        markeredgewidth=1.5,
        zorder=4,
        label="shrunk towards the team",
        gid="shrunk",
    )
    ax.set_yticks(
        y,
        [
            f"{int(r)} · {textwrap.shorten(rep, 24)} (n = {m:,.0f})"
            for r, rep, m in zip(ranks[order], reps, n[order], strict=True)
        ],
    )
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
    ax.legend(
        [by_label[lab] for lab in ordered],
        ordered,
        loc="upper left",
        ncols=max(len(verdicts), len(markers)),
        fontsize=ANNOT_SIZE,
        frameon=True,
        edgecolor="none",
        framealpha=0.9,
    )

    if title is None:
        above, below = int((verdict == "above").sum()), int((verdict == "below").sum())
        title = (
            f"{rate_label[:1].upper()}{rate_label[1:]} by rep: {above} of {k} above and {below} "
            f"below the team's {_pct1(team)}\nthe others cannot be told apart from the team at "
            "their sample sizes"
        )
    _label_axes(
        fig,
        ax,
        own,
        title,
        f"{rate_label} (%; raw rate with Wilson interval)",
        "rep, ranked by the shrunk rate (n = cases)",
    )
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
    ax.axvline(
        0, color="#222222", linewidth=1.2, zorder=2, label="break-even (ROI 0%)", gid="break-even"
    )
    _estimates_with_intervals(
        ax,
        roi[shown],
        y[shown],
        xerr=_interval_errors(roi, low, high)[:, shown],
        label="ROI (bootstrap interval)",
        gid="roi",
    )
    finite = np.concatenate([low[np.isfinite(low)], high[np.isfinite(high)], roi[shown], [0.0]])
    span = max(finite.max() - finite.min(), 1.0)
    ax.set_xlim(finite.min() - 0.06 * span, finite.max() + 0.06 * span)
    ax.set_ylim(k - 0.5, -1.3)  # best channel on top, room above for the legend
    ax.set_yticks(
        y,
        [
            f"{textwrap.shorten(c, 24)} (spend {_short_amount(s)})"
            for c, s in zip(channels, spend, strict=True)
        ],
    )
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
    _label_axes(
        fig,
        ax,
        own,
        title,
        "ROI (% of spend: gross profit of won deals minus spend, over spend)",
        "channel (campaign spend)",
    )
    return _finish(fig)
