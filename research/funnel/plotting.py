"""Charts of the funnel, SLA and KPI analyses.

Each chart takes the result object of its analysis, draws what the result holds (no statistic
is computed here: the pooled rates, shares and intervals come from the analysis) and labels
the intervals with the result's level ``ci``.

* :func:`plot_funnel`: leads per funnel stage, the conversion to the next stage with its
  interval, and the bottleneck (:class:`research.funnel.Funnel`);
* :func:`plot_conversion_by_group`: the conversion from one stage to the next per source,
  campaign or monthly cohort, against the overall rate (a :class:`~research.funnel.Funnel`
  with groups, or a :class:`~research.funnel.GroupComparison`);
* :func:`plot_cycle_curves`: Kaplan-Meier curves of the share of deals still open
  (:class:`research.funnel.CycleLength`);
* :func:`plot_sla`: share of leads answered within the SLA per team or rep, with the median
  response time (:class:`research.funnel.SLACompliance`);
* :func:`plot_speed_to_lead`: conversion by response time and the odds ratio of answering
  within the SLA (:class:`research.funnel.SpeedToLead`; observational);
* :func:`plot_league_table`: reps ranked with intervals and shrunk rates against the team
  rate (:class:`research.funnel.LeagueTable`);
* :func:`plot_roi_by_channel`: campaign ROI per channel against break-even
  (:class:`research.funnel.ChannelROI`).
"""

from __future__ import annotations

import itertools
import math
import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter, StrMethodFormatter

from research._format import _bracket, _pct1, _short_amount, ci_label, format_interval
from research._plotting.axes import (
    _axes_or_new,
    _clean_spines,
    _estimates_with_intervals,
    _finish,
    _footnote,
    _interval_errors,
    _label_axes,
    _percent_axis,
    _plain,
    _require_result,
    _text_color,
)
from research._plotting.axes import _optional_values as _values  # float64, NaN kept
from research._plotting.style import _CB, ANNOT_SIZE, COLORS
from research._validation import rows_repr
from research.funnel.cycle import CycleLength
from research.funnel.kpis import ChannelROI
from research.funnel.reps import LeagueTable
from research.funnel.sla import SLACompliance, SpeedToLead
from research.funnel.stages import Funnel, GroupComparison

__all__ = [
    "plot_funnel",
    "plot_conversion_by_group",
    "plot_cycle_curves",
    "plot_sla",
    "plot_speed_to_lead",
    "plot_league_table",
    "plot_roi_by_channel",
]

#: Colours of the funnel charts: the bottleneck step, and a rep above, below or not
#: distinguishable from the team rate.
FUNNEL_COLORS = {
    "bottleneck": COLORS["chosen"],
    "above": COLORS["stable"],
    "below": COLORS["dissolved"],
    "not distinguishable": COLORS["muted"],
    "shrunk": "#222222",
}

# --------------------------------------------------------------------------------------------
# shared steps
# --------------------------------------------------------------------------------------------


def _rate_ci(rate: float, low: float, high: float) -> str:
    """A rate with its interval: 29.8% [28.9–30.7%]; the rate alone without an interval."""
    interval = _bracket(low, high, lambda v: _pct1(v).rstrip("%"), "%")
    return f"{_pct1(rate)} {interval}" if interval else _pct1(rate)


def _p_value(p: float) -> str:
    if not np.isfinite(p):
        return "p n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}" if p < 0.0995 else f"p = {p:.2f}"


def _reference_line(
    ax: Axes,
    value: float,
    *,
    label: str,
    gid: str,
    horizontal: bool = False,
    color: str = COLORS["reference"],
    linestyle: str = "--",
) -> None:
    """A reference line (overall rate, team rate, break-even) under the estimates."""
    draw = ax.axhline if horizontal else ax.axvline
    draw(value, color=color, linestyle=linestyle, linewidth=1.2, zorder=2, label=label, gid=gid)


def _rows_axes(ax: Axes | None, k: int, per_row: float = 0.45) -> tuple[Figure, Axes, np.ndarray]:
    """A figure tall enough for ``k`` rows of estimates (or the caller's axes), and the rows'
    y positions."""
    fig, ax = _axes_or_new(ax, max(3.4, 1.7 + per_row * k))
    return fig, ax, np.arange(k, dtype=np.float64)


def _share_range(
    low: np.ndarray, high: np.ndarray, *extra: float, pad: float, pad_high: float | None = None
) -> tuple[float, float]:
    """Axis limits of shares that show every interval and the reference values, padded by a
    share of their span, within 0-100%."""
    finite = np.concatenate([low[np.isfinite(low)], high[np.isfinite(high)], np.asarray(extra)])
    span = max(finite.max() - finite.min(), 0.02)
    above = pad if pad_high is None else pad_high
    return max(0.0, finite.min() - pad * span), min(1.0, finite.max() + above * span)


def _grid(ax: Axes, axis: str) -> None:
    """Light grid lines across ``axis`` behind the data, and no top or right spine."""
    ax.grid(axis=axis, alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)


def _share_rows(ax: Axes, k: int, limits: tuple[float, float]) -> None:
    """Rows of shares: first row on top with room above it for the legend, x in percent."""
    ax.set_xlim(*limits)
    ax.set_ylim(k - 0.5, -1.3)
    _percent_axis(ax.xaxis)
    _grid(ax, "x")


def _boxed_legend(ax: Axes, ncols: int, **kwargs: object) -> None:
    """The legend at the top left, on a white box that hides the grid behind it."""
    options = {"loc": "upper left", "fontsize": ANNOT_SIZE + 1} | kwargs
    ax.legend(ncols=ncols, frameon=True, edgecolor="none", framealpha=0.9, **options)


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


# --------------------------------------------------------------------------------------------
# the funnel
# --------------------------------------------------------------------------------------------


def _group_labels(frame: pd.DataFrame, groups: tuple[str, ...]) -> pd.Series:
    """One label per row from the group columns: "email", or "email · EMEA"."""
    if not groups:
        return pd.Series("all", index=frame.index, dtype=object)
    parts = [frame[g].astype(str).fillna("(missing)") for g in groups]
    return parts[0].str.cat(parts[1:], sep=" · ") if len(parts) > 1 else parts[0]


def _select_group(result: Funnel, group: object) -> tuple[pd.DataFrame, str]:
    """The rows of one group of a funnel, and its description ("" for a single funnel)."""
    frame, groups = result.table, list(result.groups)
    if not groups:
        if group is not None:
            raise ValueError(
                f"group={group!r} was given but the funnel has no groups: it is one funnel"
            )
        return frame, ""
    labels = _group_labels(frame, result.groups)
    present = list(dict.fromkeys(labels))
    if group is None:
        if len(present) > 1:
            raise ValueError(
                f"the funnel holds {len(present):,} groups of {', '.join(map(repr, groups))} "
                f"({rows_repr(pd.Index(present))}): pass group= to choose one"
            )
        wanted = present[0]
    else:
        values = group if isinstance(group, tuple) else (group,)
        if len(values) != len(groups):
            raise ValueError(
                f"group={group!r} has {len(values)} values for {len(groups)} group columns {groups}"
            )
        wanted = " · ".join(map(str, values))
        if wanted not in present:
            raise ValueError(
                f"group {group!r} is not in the funnel's {', '.join(map(repr, groups))}; its "
                f"groups are {rows_repr(pd.Index(present))}"
            )
    return frame[(labels == wanted).to_numpy()], f"{' · '.join(groups)} = {wanted}"


def _annotate_counts(
    ax: Axes, stages: list[str], entered: np.ndarray, from_top: np.ndarray, colors: list[str]
) -> None:
    """Each bar's count (and share of the first stage) at its end, inside if the bar is long."""
    widest = max(float(entered.max()), 1.0)
    for i, (stage, count) in enumerate(zip(stages, entered, strict=True)):
        text = f"{count:,.0f}"
        if i > 0 and np.isfinite(from_top[i]):
            text += f" ({_pct1(from_top[i])} of the first stage)"
        inside = count >= 0.45 * widest
        ax.annotate(
            text,
            (count, i),
            xytext=(-6 if inside else 5, 0),
            textcoords="offset points",
            ha="right" if inside else "left",
            va="center",
            fontsize=ANNOT_SIZE + 1,
            fontweight="bold",
            color=_text_color(colors[i]) if inside else "#222222",
            gid=f"count-{stage}",
        )


def _annotate_conversions(ax: Axes, frame: pd.DataFrame, bottleneck: np.ndarray) -> None:
    """Between two bars, the conversion from one stage to the next; the bottleneck named."""
    stages = frame["stage"].astype(str).tolist()
    conversion, low, high = (_values(frame, c) for c in ("conversion", "low", "high"))
    lost = _values(frame, "lost")
    for i in range(len(stages) - 1):
        text = f"→ {_rate_ci(conversion[i], low[i], high[i])} convert to {stages[i + 1]}"
        style = {"color": "#333333"}
        if bottleneck[i]:
            text += f"  ·  bottleneck: the lowest conversion, {lost[i]:,.0f} lost here"
            style = {"color": FUNNEL_COLORS["bottleneck"], "fontweight": "bold"}
        ax.annotate(
            text,
            (0, i + 0.5),
            xytext=(4, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=ANNOT_SIZE + 0.5,
            gid=f"conversion-{stages[i]}",
            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 0.5},
            **style,
        )


def _funnel_title(frame: pd.DataFrame, group_text: str, bottleneck: np.ndarray) -> str:
    """The share of the first stage that reaches the last, and the bottleneck."""
    stages = frame["stage"].astype(str).tolist()
    head = f"Funnel of {group_text}" if group_text else "Funnel"
    top = float(frame["entered"].iloc[0])
    title = f"{head}: {_pct1(float(frame['from_top'].iloc[-1]))} of the {top:,.0f} "
    title += f"at {stages[0]} reach {stages[-1]}"
    if bottleneck.any():
        b = int(np.flatnonzero(bottleneck)[0])
        rate = _pct1(float(frame["conversion"].iloc[b]))
        title += f"\nBottleneck: {stages[b]} → {stages[b + 1]}, where {rate} convert"
    return title


def plot_funnel(
    result: Funnel,
    *,
    group: object = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The funnel as horizontal bars: leads per stage, conversion to the next, the bottleneck.

    One bar per stage, first stage on top, its length the number of leads that reached the
    stage (with the count, and the share of the first stage, at its end). Between two bars,
    the conversion from one stage to the next with its Wilson interval, e.g.
    "→ 29.8% [28.9–30.7%] convert to SQL" (the footnote gives the interval's level). The
    bottleneck (the step with the lowest conversion, flagged by
    :func:`research.funnel.funnel`) is drawn in ``FUNNEL_COLORS["bottleneck"]`` and named next
    to its conversion.

    Parameters
    ----------
    result : research.funnel.Funnel
        Output of :func:`research.funnel.funnel`. Not modified.
    group : object, optional
        The group to draw when the funnel has groups: its value (``"email"``, or
        ``pd.Period("2024-03")`` for a cohort; compared as text), or a tuple with one value per
        group column. Required when the funnel holds more than one group.
    title : str, optional
        Chart title. Default gives the share reaching the last stage and the bottleneck.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Each bar (a patch) has gid ``"stage-<stage>"``; the conversion texts have gid
        ``"conversion-<stage>"``, the count texts ``"count-<stage>"`` and the footnote
        ``"footnote"``. A funnel of two stages has a single step, so nothing is highlighted
        as its bottleneck.

    Raises
    ------
    TypeError
        ``result`` is not a Funnel.
    ValueError
        ``group`` is not in the funnel, or the funnel holds several groups and ``group`` is
        not given.

    Examples
    --------
    >>> result = funnel(leads, ["created_at", "mql_at", "sql_at"],
    ...                 names=["lead", "MQL", "SQL"])  # doctest: +SKIP
    >>> plot_funnel(result)  # doctest: +SKIP
    >>> plot_funnel(funnel(leads, stages, by="channel"), group="email")  # doctest: +SKIP
    """
    _require_result(result, Funnel, "result", "research.funnel.funnel")
    frame, group_text = _select_group(result, group)
    frame = frame.sort_values("step", kind="stable")
    stages = frame["stage"].astype(str).tolist()
    entered = _values(frame, "entered")
    n = len(stages)
    # with a single step there is nothing to compare: no bottleneck is highlighted
    bottleneck = frame["bottleneck"].to_numpy(dtype=bool) & (n > 2)

    own = ax is None
    fig, ax = _axes_or_new(ax, max(3.2, 1.5 + 0.85 * n))
    y = np.arange(n, dtype=np.float64)
    colors = [FUNNEL_COLORS["bottleneck"] if b else COLORS["main"] for b in bottleneck]
    bars = ax.barh(y, entered, height=0.5, color=colors, zorder=2)
    for bar, stage in zip(bars, stages, strict=True):
        bar.set_gid(f"stage-{stage}")
    ax.set_xlim(0, max(float(entered.max()), 1.0) * 1.04)
    ax.set_ylim(n - 0.5, -0.55)
    _annotate_counts(ax, stages, entered, _values(frame, "from_top"), colors)
    _annotate_conversions(ax, frame, bottleneck)
    ax.set_yticks(y, [textwrap.fill(s, 16) for s in stages])
    ax.tick_params(axis="y", length=0)
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    _grid(ax, "x")
    if title is None:
        title = _funnel_title(frame, group_text, bottleneck)
    _label_axes(fig, ax, own, title, "leads that reached the stage (count)", "funnel stage")
    _footnote(ax, f"In brackets: the {ci_label(result.ci)} Wilson interval of the conversion.")
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# conversion by group or cohort
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Conversion:
    """What the conversion-by-group chart draws: one row per group at the stage."""

    labels: np.ndarray
    entered: np.ndarray
    rate: np.ndarray
    low: np.ndarray
    high: np.ndarray
    overall: float
    stage: str
    next_stage: str
    group_name: str
    ci: float
    cohorts: pd.Series | None = None  # the cohorts' periods, for their time order
    p_value: float | None = None  # of the chi-square test across the groups, when tested


def _funnel_conversion(result: Funnel, stage: object) -> _Conversion:
    """The rows of a grouped funnel at ``stage`` (default its first stage)."""
    if not result.groups:
        raise ValueError(
            "the funnel has no groups: make it with funnel(..., by=...) or "
            "funnel(..., cohort=...); plot a single funnel with plot_funnel"
        )
    stage = result.stages[0] if stage is None else str(stage)
    if stage not in result.stages:
        raise ValueError(f"stage {stage!r} is not in the funnel; its stages are {result.stages}")
    if stage == result.stages[-1]:
        raise ValueError(f"stage {stage!r} is the last stage: it has no conversion to a next one")
    table = result.table
    rows = table[(table["stage"] == stage).to_numpy()]
    pooled = result.overall[(result.overall["stage"] == stage).to_numpy()].iloc[0]
    if pooled["entered"] <= 0:
        raise ValueError(f"no lead reached stage {stage!r} in any group: nothing to compare")
    return _Conversion(
        labels=_group_labels(rows, result.groups).to_numpy(dtype=object),
        entered=_values(rows, "entered"),
        rate=_values(rows, "conversion"),
        low=_values(rows, "low"),
        high=_values(rows, "high"),
        overall=float(pooled["conversion"]),
        stage=stage,
        next_stage=str(pooled["next_stage"]),
        group_name=" · ".join(result.groups),
        ci=result.ci,
        cohorts=rows["cohort"] if result.groups == ("cohort",) else None,
    )


def _comparison_conversion(result: GroupComparison, stage: object) -> _Conversion:
    """The groups of a comparison (``stage`` must be None or its first stage)."""
    if stage is not None and str(stage) != result.from_stage:
        raise ValueError(
            f"stage {stage!r} is not the comparison's: it compares conversion from "
            f"{result.from_stage!r} to {result.to_stage!r}"
        )
    t = result.table
    return _Conversion(
        labels=t.index.astype(str).to_numpy(dtype=object),
        entered=_values(t, "leads"),
        rate=_values(t, "rate"),
        low=_values(t, "low"),
        high=_values(t, "high"),
        overall=result.overall_rate,
        stage=result.from_stage,
        next_stage=result.to_stage,
        group_name=result.by,
        ci=result.ci,
        p_value=result.p_value,
    )


def _draw_cohort_conversion(ax: Axes | None, c: _Conversion) -> tuple[Figure, Axes, str, str, str]:
    """Cohorts: the rate in time order as a line, its interval as a band; labels and title."""
    keys = c.cohorts
    order = np.argsort(
        keys.to_numpy() if isinstance(keys.dtype, pd.PeriodDtype) else keys.astype(str).to_numpy(),
        kind="stable",
    )
    k = len(order)
    fig, ax = _axes_or_new(ax, 4.8)
    x = np.arange(k, dtype=np.float64)
    r, lo, hi = c.rate[order], c.low[order], c.high[order]
    band = ax.fill_between(
        x,
        lo,
        hi,
        color=COLORS["main"],
        alpha=0.2,
        linewidth=0,
        label=f"{ci_label(c.ci)} interval (Wilson)",
    )
    band.set_gid("interval")
    ax.plot(
        x,
        r,
        color=COLORS["main"],
        marker="o",
        markersize=5,
        linewidth=2,
        label=f"conversion to {c.next_stage}",
        gid="conversion",
        zorder=3,
    )
    _reference_line(
        ax, c.overall, label=f"overall: {_pct1(c.overall)}", gid="overall", horizontal=True
    )
    shown = np.arange(0, k, max(1, math.ceil(k / 12)))  # at most about 12 tick labels
    ax.set_xticks(x[shown], [f"{c.labels[order][i]}\n({c.entered[order][i]:,.0f})" for i in shown])
    ax.set_xlim(-0.5, k - 0.5)
    ax.set_ylim(*_share_range(lo, hi, c.overall, pad=0.15, pad_high=0.35))
    _percent_axis(ax.yaxis)
    _grid(ax, "y")
    ax.legend(loc="upper left", ncols=3, fontsize=ANNOT_SIZE + 1, frameon=False)
    _footnote(ax, "The latest cohorts may still convert: their rates are not final.")
    title = (
        f"Conversion from {c.stage} to {c.next_stage} by cohort: {_pct1(c.overall)} overall\n"
        f"from {_pct1(np.nanmin(r))} to {_pct1(np.nanmax(r))} per cohort"
    )
    xlabel = f"cohort (leads at the {c.stage} stage)"
    return fig, ax, xlabel, f"conversion from {c.stage} to {c.next_stage} (%)", title


def _draw_group_conversion(ax: Axes | None, c: _Conversion) -> tuple[Figure, Axes, str, str, str]:
    """Groups: one point per group with its interval, highest on top; labels and title."""
    order = np.argsort(-np.nan_to_num(c.rate, nan=-1.0), kind="stable")  # highest on top
    k = len(order)
    fig, ax, y = _rows_axes(ax, k)
    r, lo, hi = c.rate[order], c.low[order], c.high[order]
    _reference_line(ax, c.overall, label=f"overall: {_pct1(c.overall)}", gid="overall")
    _estimates_with_intervals(
        ax,
        r,
        y,
        xerr=_interval_errors(r, lo, hi),
        label=f"conversion to {c.next_stage} ({ci_label(c.ci)} Wilson interval)",
        gid="conversion",
    )
    ax.set_yticks(
        y, [f"{textwrap.shorten(str(c.labels[i]), 30)} ({c.entered[i]:,.0f})" for i in order]
    )
    _share_rows(ax, k, _share_range(lo, hi, c.overall, pad=0.1))
    _boxed_legend(ax, ncols=2)
    best, worst = order[0], order[-1]
    test = f"; chi-square test {_p_value(c.p_value)}" if c.p_value is not None else ""
    title = (
        f"Conversion from {c.stage} to {c.next_stage} by {c.group_name}: {_pct1(c.overall)} "
        f"overall\nhighest {c.labels[best]} ({_pct1(c.rate[best])}), lowest "
        f"{c.labels[worst]} ({_pct1(c.rate[worst])}){test}"
    )
    xlabel = f"conversion from {c.stage} to {c.next_stage} (%)"
    return fig, ax, xlabel, f"{c.group_name} (leads at the {c.stage} stage)", title


def plot_conversion_by_group(
    result: Funnel | GroupComparison,
    stage: str | None = None,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Conversion from one stage to the next per group, with intervals and the overall rate.

    For groups (``funnel(..., by=...)``, or :func:`research.funnel.compare_conversion`): one
    point per group with its Wilson interval, highest on top. For monthly (or weekly, ...)
    cohorts (``funnel(..., cohort=...)``): the rate in time order as a line with the interval
    as a band. Either way a dashed line marks the overall rate the analysis pooled from the
    counts (all conversions / all leads at the stage), and each group's count at the stage
    is in its tick label.

    Parameters
    ----------
    result : research.funnel.Funnel or research.funnel.GroupComparison
        A funnel with groups (``by`` or ``cohort``), or a comparison of groups. Not modified.
    stage : str, optional
        For a funnel: the stage to convert from (a display name, not the last stage); default
        its first stage. A comparison has one stage: None, or its ``from_stage``.
    title : str, optional
        Chart title. Default names the stages and the highest and lowest groups (and the
        chi-square test of a comparison).
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
    TypeError
        ``result`` is neither a Funnel nor a GroupComparison.
    ValueError
        The funnel has no groups, ``stage`` is not in it or is the last stage, or no lead
        reached it.

    Examples
    --------
    >>> by_channel = funnel(leads, stages, names=names, by="channel")  # doctest: +SKIP
    >>> plot_conversion_by_group(by_channel, "MQL")  # doctest: +SKIP
    >>> cohorts = funnel(leads, stages, names=names, cohort="created_at")  # doctest: +SKIP
    >>> plot_conversion_by_group(cohorts, "lead")  # doctest: +SKIP
    >>> plot_conversion_by_group(compare_conversion(leads, "mql_at", "sql_at",
    ...                                             by="channel"))  # doctest: +SKIP
    """
    _require_result(
        result, (Funnel, GroupComparison), "result", "research.funnel.funnel or compare_conversion"
    )
    if isinstance(result, Funnel):
        conversion = _funnel_conversion(result, stage)
    else:
        conversion = _comparison_conversion(result, stage)
    own = ax is None
    draw = _draw_group_conversion if conversion.cohorts is None else _draw_cohort_conversion
    fig, ax, xlabel, ylabel, default = draw(ax, conversion)
    _label_axes(fig, ax, own, default if title is None else title, xlabel, ylabel)
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# cycle length
# --------------------------------------------------------------------------------------------


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


def _draw_curve(ax: Axes, part: pd.DataFrame, row: pd.Series, color: str, named: bool) -> None:
    """One group's curve, its band and, where it crosses 50%, its median."""
    days, share = _values(part, "days"), _values(part, "share_open")
    median = float(row["median_days"])
    where = f"median {_days(median)} days" if np.isfinite(median) else "median not reached"
    group = str(row["group"])
    ax.step(
        days,
        share,
        where="post",
        color=color,
        linewidth=2,
        gid=f"curve-{group}",
        label=f"{group + ': ' if named else ''}n = {int(row['n']):,}, {where}",
        zorder=3,
    )
    band = ax.fill_between(
        days,
        _values(part, "low"),
        _values(part, "high"),
        step="post",
        color=color,
        alpha=0.15,
        linewidth=0,
    )
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


def _cycle_axis(ax: Axes, curves: pd.DataFrame, rows: int) -> None:
    """The whole 0-100% range, unless every curve stays high: then zoomed in on the top, with
    the curves above the legend (about 6% of the axes height per legend row)."""
    lowest = float(
        np.nanmin(np.concatenate([_values(curves, "share_open"), _values(curves, "low")]))
    )
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
    _grid(ax, "both")


def plot_cycle_curves(
    result: CycleLength,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Kaplan-Meier curves of the share still open against days since the start, per group.

    Each curve steps down as deals close; deals still open at the end of the data are
    censored, not dropped (:func:`research.funnel.cycle_length`). The shaded band is the
    pointwise interval at the result's level (the footnote says which); where a curve crosses
    50% its median is marked, and the legend gives each group's count and median (or "median
    not reached" when fewer than half have closed). With groups, the legend title gives the
    log-rank test's p-value.

    Parameters
    ----------
    result : research.funnel.CycleLength
        Output of :func:`research.funnel.cycle_length`. Not modified.
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
        ``result`` is not a CycleLength.

    Examples
    --------
    >>> result = cycle_length(opps, data_end=end, by="company_size")  # doctest: +SKIP
    >>> plot_cycle_curves(result)  # doctest: +SKIP
    """
    _require_result(result, CycleLength, "result", "research.funnel.cycle_length")
    curves, table = result.curves, result.table
    groups = table["group"].astype(str).tolist()
    palette = [COLORS["main"]] if len(groups) == 1 else _CB
    of_group = curves["group"].astype(str).to_numpy()
    named = len(groups) > 1 or groups != ["all"]

    own = ax is None
    fig, ax = _axes_or_new(ax, 5.0)
    for i, (_, row) in enumerate(table.iterrows()):
        part = curves[of_group == str(row["group"])]
        _draw_curve(ax, part, row, palette[i % len(palette)], named)
    _cycle_axis(ax, curves, len(groups) + (result.p_value is not None))
    ending = max(float(_values(curves[of_group == g], "share_open")[-1]) for g in groups)
    tested = result.p_value is not None and np.isfinite(result.p_value)
    # curves that fall low leave the upper right free; else the lower left is (every curve
    # starts at 100%)
    ax.legend(
        loc="upper right" if ending < 0.3 else "lower left",
        title=f"log-rank test across groups: {_p_value(result.p_value)}" if tested else None,
        fontsize=ANNOT_SIZE + 1,
        title_fontsize=ANNOT_SIZE + 1,
        frameon=True,
        framealpha=0.9,
        edgecolor="#cccccc",
    )
    if title is None:
        title = _cycle_title(groups, dict(zip(groups, _values(table, "median_days"), strict=True)))
    _label_axes(fig, ax, own, title, "days since start", "share still open (%)")
    _footnote(ax, f"Shaded: the {ci_label(result.ci)} pointwise interval of each curve.")
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# SLA and speed to lead
# --------------------------------------------------------------------------------------------


def _median_hours(
    ax: Axes,
    y: np.ndarray,
    order: np.ndarray,
    frame: pd.DataFrame,
    low: np.ndarray,
    high: np.ndarray,
) -> None:
    """Each group's median response time beside its interval, where there is room."""
    share = _values(frame, "share_within")[order]
    hours = _values(frame, "median_response_hours")
    labels = frame.index.astype(str).tolist()
    edges_lo = np.where(np.isfinite(low), low, share)
    edges_hi = np.where(np.isfinite(high), high, share)
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


def plot_sla(
    result: SLACompliance,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Share of leads answered within the SLA per group, with intervals and median hours.

    One point per group (team, rep, channel) with its Wilson interval, highest on top, and
    the group's median response time written beside it; a dashed line marks the overall
    share the analysis pooled from the counts (all answered in time / all due).

    Parameters
    ----------
    result : research.funnel.SLACompliance
        Output of :func:`research.funnel.sla_compliance` (with ``by=``, or one row "all").
        Not modified.
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
    TypeError
        ``result`` is not an SLACompliance.
    ValueError
        No lead is due.

    Examples
    --------
    >>> plot_sla(sla_compliance(leads, by="sdr_id", data_end=end))  # doctest: +SKIP
    """
    _require_result(result, SLACompliance, "result", "research.funnel.sla_compliance")
    if result.n_due <= 0:
        raise ValueError("no lead is due in the result: nothing to measure")
    frame = result.table
    share, due = _values(frame, "share_within"), _values(frame, "due")
    labels = frame.index.astype(str).tolist()
    order = np.argsort(-np.nan_to_num(share, nan=-1.0), kind="stable")  # highest on top
    k = len(order)
    sla = f"{result.sla_hours:g} h"

    own = ax is None
    fig, ax, y = _rows_axes(ax, k)
    sh, lo, hi = share[order], _values(frame, "low")[order], _values(frame, "high")[order]
    overall = result.share_within
    _reference_line(ax, overall, label=f"overall: {_pct1(overall)}", gid="overall")
    _estimates_with_intervals(
        ax,
        sh,
        y,
        xerr=_interval_errors(sh, lo, hi),
        label=f"answered within {sla} ({ci_label(result.ci)} Wilson interval)",
        gid="share-within",
    )
    ax.set_yticks(y, [f"{textwrap.shorten(labels[i], 30)} ({due[i]:,.0f})" for i in order])
    _share_rows(ax, k, _share_range(lo, hi, overall, pad=0.25))
    _median_hours(ax, y, order, frame, lo, hi)
    _boxed_legend(ax, ncols=2)
    if title is None:
        title = f"Leads answered within the {sla} SLA: {_pct1(overall)} overall"
        if k > 1:
            best, worst = order[0], order[-1]
            title += (
                f"\nfrom {_pct1(share[best])} ({labels[best]}) down to {_pct1(share[worst])} "
                f"({labels[worst]})"
            )
    group_name = frame.index.name or "group"
    xlabel = f"answered within {sla} (% of leads due)"
    _label_axes(fig, ax, own, title, xlabel, f"{group_name} (leads due)")
    return _finish(fig)


def _odds_box(ax: Axes, result: SpeedToLead) -> str:
    """The box with the odds ratio of answering within the SLA; returns the odds ratio with
    its interval as text, for the title."""
    e = result.effect
    ratio = format_interval(e["odds_ratio"], e["low"], e["high"], ci=result.ci, fmt=".2f")
    controls = result.controls
    adjusted = f"adjusted for {', '.join(controls)}" if controls else "no controls"
    p = float(e["p_value"])
    lines = [
        f"Answered within the SLA: odds of converting × {ratio}",
        f"logistic model, {adjusted}; {result.n:,} leads"
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
    return f"odds ratio {ratio}, {adjusted}"


def plot_speed_to_lead(
    result: SpeedToLead,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Conversion by response-time bucket, and the odds ratio of answering within the SLA.

    Points with Wilson intervals show the raw conversion rate of the answered leads in each
    response-time bucket (no controls), left to right from the fastest; a dashed line marks
    the rate of all of them (pooled by the analysis). A box gives the odds ratio of
    ``within_sla`` from the logistic model with its controls. The association is
    observational: a footnote points to the result's caveat.

    Parameters
    ----------
    result : research.funnel.SpeedToLead
        Output of :func:`research.funnel.speed_to_lead_effect`. Not modified.
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
        ``result`` is not a SpeedToLead.

    Examples
    --------
    >>> plot_speed_to_lead(speed_to_lead_effect(leads))  # doctest: +SKIP
    """
    _require_result(result, SpeedToLead, "result", "research.funnel.speed_to_lead_effect")
    by_time = result.by_response_time
    leads = _values(by_time, "leads")
    rate, low, high = (_values(by_time, c) for c in ("rate", "low", "high"))
    labels = by_time.index.astype(str).tolist()
    overall = result.overall_rate

    own = ax is None
    fig, ax = _axes_or_new(ax, 5.2)
    x = np.arange(len(labels), dtype=np.float64)
    shown = np.isfinite(rate)
    label = f"all answered leads: {_pct1(overall)}"
    _reference_line(ax, overall, label=label, gid="overall", horizontal=True)
    _estimates_with_intervals(
        ax,
        x[shown],
        rate[shown],
        yerr=_interval_errors(rate, low, high)[:, shown],
        label=f"conversion rate ({ci_label(result.ci)} Wilson interval)",
        gid="conversion",
    )
    ax.set_xticks(x, [f"{b}\n({n:,.0f})" for b, n in zip(labels, leads, strict=True)])
    ax.set_xlim(-0.5, len(labels) - 0.5)
    top = np.nanmax(np.concatenate([high[np.isfinite(high)], rate[shown], [overall]]))
    ax.set_ylim(0, min(1.0, top * 1.45) if top > 0 else 1.0)  # room above for the box
    _percent_axis(ax.yaxis)
    _grid(ax, "y")
    ax.legend(loc="upper left", fontsize=ANNOT_SIZE + 1, frameon=False)
    reading = _odds_box(ax, result)
    _footnote(ax, "Observational: an association, not a proven effect; see the result's caveat.")
    if title is None:
        e = result.effect
        if e["low"] > 1:
            verdict = "leads answered within the SLA convert more often"
        elif e["high"] < 1:
            verdict = "leads answered within the SLA convert less often"
        else:
            verdict = "no clear difference for leads answered within the SLA"
        title = f"Speed to lead: {verdict}\n{reading} (observational)"
    xlabel = "time to first response (leads in the bucket)"
    _label_axes(fig, ax, own, title, xlabel, "conversion rate (% of answered leads)")
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# reps and channels
# --------------------------------------------------------------------------------------------

_VERDICTS = {
    "above": "above the team",
    "not distinguishable": "not distinguishable",
    "below": "below the team",
}


def _league_points(ax: Axes, frame: pd.DataFrame, order: np.ndarray, y: np.ndarray) -> None:
    """Each rep's raw rate and interval, coloured by its verdict, and its shrunk rate."""
    rate, low, high = (_values(frame, c)[order] for c in ("rate", "low", "high"))
    verdict = frame["vs_team"].astype(str).to_numpy()[order]
    err = _interval_errors(rate, low, high)
    for v, name in _VERDICTS.items():
        mask = verdict == v
        if not mask.any():
            continue
        bars = ax.errorbar(
            rate[mask],
            y[mask],
            xerr=err[:, mask],
            fmt="o",
            color=FUNNEL_COLORS[v],
            ecolor=FUNNEL_COLORS[v],
            elinewidth=1.5,
            capsize=4,
            markersize=7,
            zorder=3,
            label=name,
        )
        bars.lines[0].set_gid(f"rate-{v}")
    ax.plot(
        _values(frame, "shrunk")[order],
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


def _league_legend(ax: Axes) -> None:
    """The legend filled column by column: the verdicts on the first row, the markers below."""
    handles, labels = ax.get_legend_handles_labels()
    by_label = dict(zip(labels, handles, strict=True))
    verdicts = [name for name in _VERDICTS.values() if name in by_label]
    markers = [lab for lab in labels if lab not in verdicts]
    ordered = [lab for pair in itertools.zip_longest(verdicts, markers) for lab in pair if lab]
    _boxed_legend(
        ax,
        ncols=max(len(verdicts), len(markers)),
        handles=[by_label[lab] for lab in ordered],
        labels=ordered,
        fontsize=ANNOT_SIZE,
    )


def plot_league_table(
    result: LeagueTable,
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
    result : research.funnel.LeagueTable
        Output of :func:`research.funnel.league_table`. Not modified.
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
    TypeError
        ``result`` is not a LeagueTable.

    Examples
    --------
    >>> closed = opps[opps["status"] != "open"].assign(
    ...     won=lambda d: d["status"] == "won")  # doctest: +SKIP
    >>> plot_league_table(league_table(closed, rep_col="ae_id"))  # doctest: +SKIP
    """
    _require_result(result, LeagueTable, "result", "research.funnel.league_table")
    frame, team = result.table, result.team_rate
    shrunk = _values(frame, "shrunk")
    order = np.lexsort((-np.nan_to_num(shrunk, nan=-1.0), _values(frame, "rank")))
    k = len(order)

    own = ax is None
    fig, ax, y = _rows_axes(ax, k)
    _reference_line(ax, team, label=f"team: {_pct1(team)}", gid="team-rate")
    _league_points(ax, frame, order, y)
    ticks = [
        f"{int(r)} · {textwrap.shorten(str(rep), 24)} (n = {m:,.0f})"
        for r, rep, m in zip(
            frame["rank"].to_numpy()[order],
            frame.index[order],
            frame["n"].to_numpy()[order],
            strict=True,
        )
    ]
    ax.set_yticks(y, ticks)
    _share_rows(ax, k, _share_range(_values(frame, "low"), _values(frame, "high"), team, pad=0.1))
    ax.set_ylim(k - 0.5, -1.7)  # best rep on top, room above for two legend rows
    _league_legend(ax)
    if title is None:
        above, below = len(result.above), len(result.below)
        title = (
            f"{rate_label[:1].upper()}{rate_label[1:]} by rep: {above} of {k} above and {below} "
            f"below the team's {_pct1(team)}\nthe others cannot be told apart from the team at "
            "their sample sizes"
        )
    xlabel = f"{rate_label} (%; raw rate with {ci_label(result.ci)} Wilson interval)"
    _label_axes(fig, ax, own, title, xlabel, "rep, ranked by the shrunk rate (n = cases)")
    return _finish(fig)


def _roi_labels(
    ax: Axes,
    roi: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    y: np.ndarray,
    channels: np.ndarray,
) -> None:
    """Each channel's ROI and interval above its point, kept inside the axes."""
    ax.get_xlim()
    to_axes = ax.transScale + ax.transLimits
    for i in np.flatnonzero(np.isfinite(roi)):
        interval = _bracket(low[i], high[i], "{:,.0f}".format, "%")
        where = to_axes.transform((roi[i], 0.0))[0]
        ax.annotate(
            f"{roi[i]:,.0f}%" + (f" {interval}" if interval else ""),
            (roi[i], y[i]),
            xytext=(0, 7),
            textcoords="offset points",
            ha="left" if where < 0.2 else "right" if where > 0.8 else "center",
            va="bottom",
            fontsize=ANNOT_SIZE,
            gid=f"roi-{channels[i]}",
            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 0.5},
        )


def _roi_title(roi: np.ndarray, low: np.ndarray, high: np.ndarray, channels: np.ndarray) -> str:
    """The highest and lowest channels, and those whose interval includes break-even."""
    title = "Campaign ROI by channel"
    shown = np.flatnonzero(np.isfinite(roi))
    if len(shown):
        best, worst = shown[[0, -1]]
        title += (
            f": {channels[best]} highest ({roi[best]:,.0f}%), {channels[worst]} lowest "
            f"({roi[worst]:,.0f}%)"
        )
    unclear = [c for c, lo, hi in zip(channels, low, high, strict=True) if lo <= 0 <= hi]
    if unclear:
        return title + f"\nnot clearly above break-even: {', '.join(unclear)}"
    return title + "\nevery channel's interval excludes break-even"


def plot_roi_by_channel(
    result: ChannelROI,
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
    result : research.funnel.ChannelROI
        Output of :func:`research.funnel.roi_by_channel`. Not modified.
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
    TypeError
        ``result`` is not a ChannelROI.

    Examples
    --------
    >>> plot_roi_by_channel(roi_by_channel(campaigns, leads, opportunities))  # doctest: +SKIP
    """
    _require_result(result, ChannelROI, "result", "research.funnel.roi_by_channel")
    frame = result.table
    roi = _values(frame, "roi_pct")
    order = np.argsort(-np.nan_to_num(roi, nan=-np.inf), kind="stable")  # highest on top
    roi, low, high, spend = (_values(frame, c)[order] for c in ("roi_pct", "low", "high", "spend"))
    channels = frame.index.astype(str).to_numpy()[order]
    k = len(order)
    shown = np.isfinite(roi)

    own = ax is None
    fig, ax, y = _rows_axes(ax, k, per_row=0.5)
    _reference_line(
        ax, 0, label="break-even (ROI 0%)", gid="break-even", color="#222222", linestyle="-"
    )
    _estimates_with_intervals(
        ax,
        roi[shown],
        y[shown],
        xerr=_interval_errors(roi, low, high)[:, shown],
        label=f"ROI ({ci_label(result.ci)} bootstrap interval)",
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
    _roi_labels(ax, roi, low, high, y, channels)
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}%"))
    _grid(ax, "x")
    ax.legend(loc="upper right", ncols=2, fontsize=ANNOT_SIZE + 1, frameon=False)
    if title is None:
        title = _roi_title(roi, low, high, channels)
    xlabel = "ROI (% of spend: gross profit of won deals minus spend, over spend)"
    _label_axes(fig, ax, own, title, xlabel, "channel (campaign spend)")
    return _finish(fig)
