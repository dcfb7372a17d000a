"""Charts of the lead-scoring analysis.

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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import (
    PercentFormatter,
)

from research._format import (
    _money,
    _pct,
    _pct1,
    _short_amount,
    _signed,
    _times,
)
from research._plotting.axes import (
    _axes_or_new,
    _clean_spines,
    _estimates_with_intervals,
    _finish,
    _footnote,
    _interval_errors,
    _label_axes,
    _new_figure,
    _optional_values,
    _percent_axis,
    _plain,
    _require_frame,
    _set_title,
)
from research._plotting.style import (
    _CB,
    ANNOT_SIZE,
    COLORS,
    LABEL_SIZE,
    PANEL_TITLE_SIZE,
    TICK_SIZE,
)
from research._validation import numeric_values, require_columns, require_rows

__all__ = [
    "plot_cumulative_gains",
    "plot_calibration",
    "plot_lift_table",
    "plot_profit_curve",
    "plot_evaluation_schemes",
]

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
    ax.plot(
        [0, 1],
        [0, 1],
        color=COLORS["reference"],
        linestyle="--",
        linewidth=1.2,
        label="random order",
        gid="random",
    )
    reached_first = None
    perfect_drawn = False
    for i, (name, frame) in enumerate(frames.items()):
        what = f"curves[{name!r}]" if name else "curves"
        require_columns(
            frame, ["share_called", "share_reached", "leads_called", "conversions"], what
        )
        require_rows(frame, what)
        x = numeric_values(frame, "share_called", what)
        y = numeric_values(frame, "share_reached", what)
        leads = float(numeric_values(frame, "leads_called", what).max())
        buyers = float(numeric_values(frame, "conversions", what).max())
        color = _SCORING_SERIES[i % len(_SCORING_SERIES)]
        suffix = f"-{name}" if name else ""
        if not perfect_drawn and leads > 0 and buyers > 0:
            rate = buyers / leads
            ax.plot(
                [0, rate, 1],
                [0, 1, 1],
                color=COLORS["muted"],
                linewidth=1.2,
                linestyle=":",
                label=f"best possible (all {buyers:,.0f} buyers first)",
                gid="perfect",
            )
            perfect_drawn = True
        ax.plot(x, y, color=color, linewidth=2.2, label=name or "model", gid=f"gains{suffix}")
        reached = float(np.interp(share, x, y))
        reached_first = reached if reached_first is None else reached_first
        ax.plot(
            [share],
            [reached],
            marker="o",
            markersize=8,
            color=color,
            linestyle="none",
            zorder=4,
            gid=f"gain-at{suffix}",
        )
        ax.plot(
            [share, share, 0],
            [0, reached, reached],
            color=color,
            linewidth=0.8,
            linestyle="-",
            alpha=0.6,
        )
        text = ax.annotate(
            f"top {_pct(share)} called → {_pct(reached)} of buyers"
            + (f" ({name})" if name and len(frames) > 1 else ""),
            (share, reached),
            xytext=(8, -14 - 14 * i),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=ANNOT_SIZE,
            color=color,
            fontweight="bold",
        )
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
    _label_axes(
        fig,
        ax,
        own,
        title,
        "leads called, highest scores first (% of leads)",
        "buyers reached (% of all buyers)",
    )
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
    require_columns(
        frame, ["bin", "leads", "conversions", "predicted", "observed", "low", "high"], "table"
    )
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
    ax.plot(
        [0, limit],
        [0, limit],
        color=COLORS["reference"],
        linestyle="--",
        linewidth=1.2,
        label="perfect calibration",
        gid="perfect",
    )
    _estimates_with_intervals(
        ax,
        pred,
        obs,
        yerr=_interval_errors(obs, low, high),
        label="observed rate (95% Wilson interval)",
        gid="observed",
        size=6,
    )
    ax.set_xlim(0, limit)
    ax.set_ylim(0, limit)
    labels = []
    last = -np.inf
    for b, x, y, n in sorted(zip(bins, pred, obs, leads, strict=True), key=lambda r: r[1]):
        if (x - last) / limit < 0.07:  # too close to the last label: the footnote has it
            continue
        last = x
        labels.append(
            ax.annotate(
                f"n={n:,.0f}",
                (x, y),
                xytext=(6, -4),
                textcoords="offset points",
                ha="left",
                va="top",
                fontsize=ANNOT_SIZE - 1,
                color=COLORS["reference"],
                gid=f"count-{b}",
            )
        )
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
    _label_axes(
        fig,
        ax,
        own,
        title,
        "predicted probability to convert (mean of the bin, %)",
        "observed conversion rate (%)",
    )
    counts = (
        f"{leads.min():,.0f}"
        if leads.min() == leads.max()
        else f"{leads.min():,.0f} to {leads.max():,.0f}"
    )
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
    require_columns(
        frame, ["group", "leads", "conversions", "rate", "low", "high", "lift"], "table"
    )
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
    bars = ax.bar(
        x,
        rate,
        width=0.7,
        color=COLORS["main"],
        zorder=2,
        yerr=_interval_errors(rate, low, high),
        ecolor="#333333",
        capsize=3,
    )
    for bar, g in zip(bars, groups, strict=True):
        bar.set_gid(f"group-{g}")
    ax.axhline(
        overall,
        color=COLORS["reference"],
        linestyle="--",
        linewidth=1.2,
        zorder=3,
        gid="overall",
        label=f"overall rate {_pct1(overall)}",
    )
    texts = []
    for xi, g, hi, r, lf, k in zip(x, groups, high, rate, lift, conv, strict=True):
        top = hi if np.isfinite(hi) else r
        texts.append(
            ax.annotate(
                f"{_times(lf)}\n{k:,.0f}",
                (xi, top),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=ANNOT_SIZE - 1,
                gid=f"lift-{g}",
                zorder=4,
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 0.3},
            )
        )
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
    _label_axes(
        fig,
        ax,
        own,
        title,
        f"score group (1 = highest scores; {len(groups)} groups of equal size)",
        "conversion rate (%, 95% Wilson interval)",
    )
    counts = (
        f"{leads.min():,.0f}"
        if leads.min() == leads.max()
        else f"{leads.min():,.0f} to {leads.max():,.0f}"
    )
    _footnote(
        ax,
        f"Above each bar: lift vs the overall rate, and conversions; each group holds "
        f"{counts} leads.",
    )
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
    ax.plot(
        x,
        profit,
        color=COLORS["main"],
        linewidth=2.2,
        gid="profit",
        label="profit of calling the top leads",
    )
    bx, by = best["share_called"], best["profit"]
    ax.axvline(bx, color=COLORS["chosen"], linestyle="--", linewidth=1.4, gid="best")
    ax.plot(
        [bx],
        [by],
        marker="o",
        markersize=8,
        color=COLORS["chosen"],
        linestyle="none",
        zorder=4,
        gid="best-point",
        label="best cut-off",
    )
    interval = ""
    if "profit_low" in best and np.isfinite(best["profit_low"]):
        interval = (
            f"\n{getattr(result, 'ci', 0.95):.0%} interval "
            f"{_signed(_money(best['profit_low'], currency))} to "
            f"{_signed(_money(best['profit_high'], currency))}"
        )
    # the note goes to the right-hand corner the curve leaves free: the bottom when calling
    # everyone still pays well, else the top (the curve falls towards the right)
    low_y, high_y = float(np.min(np.r_[profit, 0.0])), float(np.max(profit))
    bottom = profit[-1] > (low_y + high_y) / 2
    note = ax.annotate(
        f"call scores ≥ {best['threshold']:.3g}: {_pct(bx)} of leads,\n"
        f"{_pct(best['share_reached'])} of buyers, profit "
        f"{_signed(_money(by, currency))}{interval}",
        (bx, by),
        xytext=(0.98, 0.05 if bottom else 0.95),
        textcoords="axes fraction",
        ha="right",
        va="bottom" if bottom else "top",
        fontsize=ANNOT_SIZE,
        color=COLORS["chosen"],
        bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"},
        arrowprops={"arrowstyle": "->", "color": COLORS["chosen"], "linewidth": 1},
    )
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
        title = (
            f"Calling the top {_pct(bx)} of leads maximises profit: {_signed(_money(by, currency))}"
        )
        if value is not None and cost is not None:
            title += (
                f"\n{_money(value, currency)} per conversion, {_money(cost, currency)} per call"
            )
    _label_axes(
        fig,
        ax,
        own,
        title,
        "leads called, highest scores first (% of leads)",
        f"profit ({currency or 'currency units'}; on the scored leads)",
    )
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
    require_columns(
        frame, ["scheme", "metric", "estimate", "low", "high", "n"] + ([by] if by else []), "table"
    )
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
    offsets = np.linspace(-height / 2, height / 2, len(series)) if len(series) > 1 else np.zeros(1)
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
            bars = ax.errorbar(
                est,
                ys,
                xerr=_interval_errors(est, lo, hi),
                fmt="o",
                color=color,
                ecolor=color,
                capsize=4,
                markersize=6,
                zorder=3,
                label=value or None,
            )
            bars.lines[0].set_gid(f"{metric}-{value}" if value else metric)
            texts = [
                ax.annotate(
                    f"{e:.3f}",
                    (e, yy),
                    xytext=(0, 6),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=ANNOT_SIZE - 1,
                    color=color,
                )
                for e, yy in zip(est, ys, strict=True)
            ]
            _plain(*texts)
        if random is not None:
            ax.axvline(
                random, color=COLORS["reference"], linestyle="--", linewidth=1.0, gid="random"
            )
        ax.set_ylim(len(schemes) - 0.5, -0.5)
        n_by_scheme = rows.groupby("scheme", sort=False)["n"].max()
        ticks = [f"{s}\n(n = {n_by_scheme.get(s, np.nan):,.0f})" for s in schemes]
        ax.set_yticks(range(len(schemes)), ticks)
        ax.set_title(
            f"{name} ({'higher' if higher else 'lower'} is better)", fontsize=PANEL_TITLE_SIZE
        )
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
        fig.legend(
            handles,
            names,
            loc="outside lower center",
            ncols=len(series),
            fontsize=ANNOT_SIZE,
            frameon=False,
            title=by,
        )
    if title is None:
        title = (
            "Out-of-sample performance by evaluation scheme (95% bootstrap intervals):\n"
            "random folds flatter; time order is what a campaign faces"
        )
    _set_title(fig, None, title)
    return _finish(fig)
