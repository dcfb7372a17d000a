"""Charts of the lead-scoring analysis. Each draws what its analysis computed and labels the
intervals with the result's own level (``ci``):

* :func:`plot_cumulative_gains`: share of buyers reached against share of leads called, with
  the random line and "the top 50% reaches X%" marked
  (:func:`research.conversion.cumulative_gains`);
* :func:`plot_calibration`: predicted against observed conversion per score bin, with
  intervals and counts (:class:`research.conversion.CalibrationTable`);
* :func:`plot_lift_table`: conversion rate, lift and counts per score decile
  (:class:`research.conversion.LiftTable`);
* :func:`plot_profit_curve`: profit of calling the top leads and the best cut-off
  (:class:`research.conversion.ProfitCurve`);
* :func:`plot_evaluation_schemes`: metric estimates with intervals per evaluation scheme, one
  or several evaluations side by side (:class:`research.conversion.Evaluation`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from research._format import _money, _pct, _pct1, _short_amount, _signed, _times, ci_label
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
    _require_result,
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
from research._validation import check_share, numeric_values, require_columns, require_rows
from research.conversion.business import CalibrationTable, LiftTable, ProfitCurve
from research.conversion.evaluation import Evaluation
from research.conversion.metrics import _reach_at

__all__ = [
    "plot_cumulative_gains",
    "plot_calibration",
    "plot_lift_table",
    "plot_profit_curve",
    "plot_evaluation_schemes",
]

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


# --------------------------------------------------------------------------------------------
# shared steps
# --------------------------------------------------------------------------------------------


def _share_axes(ax: Axes, legend: str) -> None:
    """Both axes as percentages of 0-100%, a light grid, and the legend at ``legend``."""
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.grid(alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    ax.legend(loc=legend, fontsize=ANNOT_SIZE, frameon=False)


def _count_range(leads: np.ndarray) -> str:
    """ "80" when every group has 80 leads, else "80 to 81"."""
    low, high = leads.min(), leads.max()
    return f"{low:,.0f}" if low == high else f"{low:,.0f} to {high:,.0f}"


# --------------------------------------------------------------------------------------------
# cumulative gains
# --------------------------------------------------------------------------------------------


def _named_frames(obj: object, what: str) -> dict[str, pd.DataFrame]:
    """One frame, or a mapping name -> frame, as a dict (a single frame is named "")."""
    if isinstance(obj, Mapping):
        if not obj:
            raise ValueError(f"{what} is an empty mapping: pass at least one table")
        return {str(k): _require_frame(v, f"{what}[{k!r}]") for k, v in obj.items()}
    return {"": _require_frame(obj, what)}


def _curve_values(frame: pd.DataFrame, what: str) -> tuple[np.ndarray, np.ndarray, float, float]:
    """A gains curve checked: share called, share reached, leads and buyers in all."""
    require_columns(frame, ["share_called", "share_reached", "leads_called", "conversions"], what)
    require_rows(frame, what)
    x = numeric_values(frame, "share_called", what)
    y = numeric_values(frame, "share_reached", what)
    leads = float(numeric_values(frame, "leads_called", what).max())
    buyers = float(numeric_values(frame, "conversions", what).max())
    return x, y, leads, buyers


def _draw_reference_lines(ax: Axes, leads: float, buyers: float) -> None:
    """The diagonal of a random call order and, with buyers, the best possible order."""
    ax.plot(
        [0, 1],
        [0, 1],
        color=COLORS["reference"],
        linestyle="--",
        linewidth=1.2,
        label="random order",
        gid="random",
    )
    if leads > 0 and buyers > 0:
        ax.plot(
            [0, buyers / leads, 1],
            [0, 1, 1],
            color=COLORS["muted"],
            linewidth=1.2,
            linestyle=":",
            label=f"best possible (all {buyers:,.0f} buyers first)",
            gid="perfect",
        )


def _draw_gains_curve(
    ax: Axes,
    x: np.ndarray,
    y: np.ndarray,
    *,
    share: float,
    reached: float,
    name: str,
    i: int,
    several: bool,
) -> None:
    """One curve, its point at ``share`` called with guide lines, and the reach written."""
    color = _SCORING_SERIES[i % len(_SCORING_SERIES)]
    suffix = f"-{name}" if name else ""
    ax.plot(x, y, color=color, linewidth=2.2, label=name or "model", gid=f"gains{suffix}")
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
    ax.plot([share, share, 0], [0, reached, reached], color=color, linewidth=0.8, alpha=0.6)
    text = ax.annotate(
        f"top {_pct(share)} called → {_pct(reached)} of buyers" + (f" ({name})" if several else ""),
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
    share of buyers reached by calling the top ``share`` of the leads, marked on the curve
    (the value :func:`research.conversion.gains_at` gives).

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
    share = check_share(share, "share")
    checked = {
        name: _curve_values(frame, f"curves[{name!r}]" if name else "curves")
        for name, frame in frames.items()
    }
    own = ax is None
    fig, ax = _axes_or_new(ax, 5.6)
    first = next(iter(frames))
    _draw_reference_lines(ax, *checked[first][2:])
    reached = {name: _reach_at(frame, share) for name, frame in frames.items()}
    for i, (name, (x, y, _, _)) in enumerate(checked.items()):
        _draw_gains_curve(
            ax, x, y, share=share, reached=reached[name], name=name, i=i, several=len(frames) > 1
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    _share_axes(ax, "lower right")
    if title is None:
        title = (
            f"Calling the top {_pct(share)} of the leads by score reaches "
            f"{_pct(reached[first])} of the buyers" + (f" ({first})" if len(frames) > 1 else "")
        )
    _label_axes(
        fig,
        ax,
        own,
        title,
        "leads called, highest scores first (% of leads)",
        "buyers reached (% of all buyers)",
    )
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# calibration
# --------------------------------------------------------------------------------------------


def _draw_bin_counts(
    ax: Axes, bins: list[str], x: np.ndarray, y: np.ndarray, leads: np.ndarray, limit: float
) -> None:
    """ "n=80" beside each bin's point, left out where it would touch the previous label."""
    labels = []
    last = -np.inf
    for b, xi, yi, n in sorted(zip(bins, x, y, leads, strict=True), key=lambda r: r[1]):
        if (xi - last) / limit < 0.07:  # too close to the last label: the footnote has it
            continue
        last = xi
        labels.append(
            ax.annotate(
                f"n={n:,.0f}",
                (xi, yi),
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


def plot_calibration(
    result: CalibrationTable, *, title: str | None = None, ax: Axes | None = None
) -> Figure:
    """Predicted against observed conversion per score bin, with intervals and counts.

    Each bin is a point at its mean predicted probability (x) and observed conversion rate
    (y) with the rate's Wilson interval at the result's level; the diagonal is perfect
    calibration. The number of leads of each bin is written beside its point.

    Parameters
    ----------
    result : CalibrationTable
        Output of :func:`research.conversion.calibration_table`. Not modified.
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
    TypeError
        ``result`` is not a :class:`~research.conversion.CalibrationTable`.

    Examples
    --------
    >>> plot_calibration(calibration_table(pred["y"], pred["score"], ci=0.9))  # doctest: +SKIP
    """
    _require_result(result, CalibrationTable, "result", "research.conversion.calibration_table")
    frame = result.table
    pred = numeric_values(frame, "predicted", "result.table")
    obs = numeric_values(frame, "observed", "result.table")
    low, high = _optional_values(frame, "low"), _optional_values(frame, "high")
    leads = numeric_values(frame, "leads", "result.table")
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
        label=f"observed rate ({ci_label(result.ci)} Wilson interval)",
        gid="observed",
        size=6,
    )
    ax.set_xlim(0, limit)
    ax.set_ylim(0, limit)
    _draw_bin_counts(ax, frame["bin"].astype(str).tolist(), pred, obs, leads, limit)
    _share_axes(ax, "upper left")
    if title is None:
        title = (
            f"Calibration: in {result.n_covered} of {len(frame)} score bins the predicted "
            f"probability lies inside the observed rate's interval ({result.n:,} leads)"
        )
    _label_axes(
        fig,
        ax,
        own,
        title,
        "predicted probability to convert (mean of the bin, %)",
        "observed conversion rate (%)",
    )
    _footnote(
        ax,
        f"{len(frame)} bins of {_count_range(leads)} leads each (n beside the points where room).",
    )
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# score groups (lift)
# --------------------------------------------------------------------------------------------


def _annotate_lifts(
    ax: Axes, frame: pd.DataFrame, x: np.ndarray, rate: np.ndarray, high: np.ndarray
) -> None:
    """Above each bar: its lift against the overall rate and its conversions."""
    texts = []
    groups = frame["group"].astype(str).tolist()
    lift = numeric_values(frame, "lift", "result.table")
    conv = numeric_values(frame, "conversions", "result.table")
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


def plot_lift_table(
    result: LiftTable, *, title: str | None = None, ax: Axes | None = None
) -> Figure:
    """Conversion rate per score decile (or other group), with intervals, lift and counts.

    One bar per group, best scores first, its height the conversion rate with the Wilson
    interval at the result's level; the dashed line is the overall rate; above each bar its
    lift against the overall rate and its conversions.

    Parameters
    ----------
    result : LiftTable
        Output of :func:`research.conversion.lift_table`. Not modified.
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
    TypeError
        ``result`` is not a :class:`~research.conversion.LiftTable`.

    Examples
    --------
    >>> plot_lift_table(lift_table(pred["y"], pred["score"]))  # doctest: +SKIP
    """
    _require_result(result, LiftTable, "result", "research.conversion.lift_table")
    frame = result.table
    groups = frame["group"].astype(str).tolist()
    rate = numeric_values(frame, "rate", "result.table")
    low, high = _optional_values(frame, "low"), _optional_values(frame, "high")
    overall = result.overall_rate
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
    _annotate_lifts(ax, frame, x, rate, high)
    ax.set_ylim(0, max(np.r_[rate, high[np.isfinite(high)], [overall]].max() * 1.25, 0.01))
    ax.set_xticks(x, groups)
    _percent_axis(ax.yaxis)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    ax.legend(loc="upper right", fontsize=ANNOT_SIZE, frameon=False)
    if title is None:
        title = (
            f"Leads by score group: the top group converts at {_pct1(rate[0])}, "
            f"{_times(frame['lift'].iloc[0])} the overall {_pct1(overall)}"
        )
    _label_axes(
        fig,
        ax,
        own,
        title,
        f"score group (1 = highest scores; {len(groups)} groups of equal size)",
        f"conversion rate (%, {ci_label(result.ci)} Wilson interval)",
    )
    leads = numeric_values(frame, "leads", "result.table")
    _footnote(
        ax,
        f"Above each bar: lift vs the overall rate, and conversions; each group holds "
        f"{_count_range(leads)} leads.",
    )
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# profit
# --------------------------------------------------------------------------------------------


def _profit_note(ax: Axes, result: ProfitCurve, profit: np.ndarray, currency: str) -> bool:
    """The best cut-off written in the right-hand corner the curve leaves free: the bottom
    when calling everyone still pays well, else the top. Returns whether it is the bottom."""
    best = result.best
    interval = ""
    if "profit_low" in best and np.isfinite(best["profit_low"]):
        interval = (
            f"\n{ci_label(result.ci)} interval {_signed(_money(best['profit_low'], currency))} "
            f"to {_signed(_money(best['profit_high'], currency))}"
        )
    low_y, high_y = float(np.min(np.r_[profit, 0.0])), float(np.max(profit))
    bottom = bool(profit[-1] > (low_y + high_y) / 2)
    note = ax.annotate(
        f"call scores ≥ {best['threshold']:.3g}: {_pct(best['share_called'])} of leads,\n"
        f"{_pct(best['share_reached'])} of buyers, profit "
        f"{_signed(_money(best['profit'], currency))}{interval}",
        (best["share_called"], best["profit"]),
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
    return bottom


def plot_profit_curve(
    result: ProfitCurve, *, currency: str = "", title: str | None = None, ax: Axes | None = None
) -> Figure:
    """Profit of calling the top leads against the share called, with the best cut-off.

    Parameters
    ----------
    result : ProfitCurve
        Output of :func:`research.conversion.profit_curve`; the interval of the best
        cut-off's profit is labelled with its level ``ci``.
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
        ``result`` is not a :class:`~research.conversion.ProfitCurve`.

    Examples
    --------
    >>> plot_profit_curve(profit_curve(y, s, value_per_conversion=80, cost_per_contact=30),
    ...                   currency="EUR ")  # doctest: +SKIP
    """
    _require_result(result, ProfitCurve, "result", "research.conversion.profit_curve")
    x = numeric_values(result.table, "share_called", "result.table")
    profit = numeric_values(result.table, "profit", "result.table")
    bx, by = result.best["share_called"], result.best["profit"]
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
    bottom = _profit_note(ax, result, profit, currency)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(lambda v, pos: _signed(f"{currency}{_short_amount(v)}"))
    ax.grid(alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    ax.legend(loc="upper left" if bottom else "lower left", fontsize=ANNOT_SIZE, frameon=False)
    if title is None:
        title = (
            f"Calling the top {_pct(bx)} of leads maximises profit: "
            f"{_signed(_money(by, currency))}\n{_money(result.value_per_conversion, currency)} "
            f"per conversion, {_money(result.cost_per_contact, currency)} per call"
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


# --------------------------------------------------------------------------------------------
# evaluation schemes
# --------------------------------------------------------------------------------------------


def _named_evaluations(evaluations: object) -> dict[str, Evaluation]:
    """One evaluation (named ""), a mapping name -> evaluation, or a sequence of evaluations
    named by their models; one interval level for all."""
    if isinstance(evaluations, Evaluation):
        named = {"": evaluations}
    elif isinstance(evaluations, Mapping):
        named = {str(k): v for k, v in evaluations.items()}
    elif isinstance(evaluations, Sequence) and not isinstance(evaluations, str):
        named = {getattr(v, "model", ""): v for v in evaluations}
        if len(named) < len(evaluations):
            raise ValueError(
                "evaluations has several evaluations of the same model: pass a mapping "
                "name -> evaluation to tell them apart"
            )
    else:
        raise TypeError(
            "evaluations must be an Evaluation (the result of research.conversion.evaluate), "
            f"or a mapping or sequence of them, got {type(evaluations).__name__}"
        )
    if not named:
        raise ValueError("evaluations is empty: pass at least one evaluation")
    for name, value in named.items():
        _require_result(value, Evaluation, f"evaluations[{name!r}]", "research.conversion.evaluate")
    return named


def _interval_level(named: dict[str, Evaluation]) -> float | None:
    """The one level of the evaluations' intervals (None: none has intervals)."""
    levels = sorted({v.ci for v in named.values() if v.n_boot})
    if len(levels) > 1:
        shown = ", ".join(map(ci_label, levels))
        raise ValueError(
            f"the evaluations have intervals of different levels ({shown}): draw them in "
            "separate charts, or evaluate them at one ci"
        )
    return levels[0] if levels else None


def _draw_estimates(
    ax: Axes, part: pd.DataFrame, ys: np.ndarray, *, k: int, gid: str, label: str
) -> None:
    """One series of estimates with their intervals (horizontal), the values written above."""
    est = numeric_values(part, "estimate", "the evaluation table")
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
        label=label or None,
    )
    bars.lines[0].set_gid(gid)
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


def _draw_metric_panel(
    ax: Axes, metric: str, named: dict[str, Evaluation], schemes: list[str], level: float | None
) -> None:
    """One metric: each evaluation's estimate per scheme (rows), offset when there are several;
    the axis label says the intervals' level."""
    name, label, random, higher = _SCORING_METRICS.get(metric, (metric, metric, None, True))
    offsets = np.linspace(-0.3, 0.3, len(named)) if len(named) > 1 else np.zeros(1)
    n_by_scheme: dict[str, int] = {}
    for k, (series, evaluation) in enumerate(named.items()):
        rows = evaluation.table[evaluation.table["metric"] == metric]
        for s, n in zip(rows["scheme"], rows["n"], strict=True):
            n_by_scheme[s] = max(int(n), n_by_scheme.get(s, 0))
        ys = np.array([schemes.index(s) for s in rows["scheme"]]) + offsets[k]
        gid = f"{metric}-{series}" if series else metric
        _draw_estimates(ax, rows, ys, k=k, gid=gid, label=series)
    if random is not None:
        ax.axvline(random, color=COLORS["reference"], linestyle="--", linewidth=1.0, gid="random")
    ax.set_ylim(len(schemes) - 0.5, -0.5)
    ax.set_yticks(range(len(schemes)), [f"{s}\n(n = {n_by_scheme[s]:,})" for s in schemes])
    ax.set_title(f"{name} ({'higher' if higher else 'lower'} is better)", fontsize=PANEL_TITLE_SIZE)
    bars = "" if level is None else f"\n(bars: {ci_label(level)} bootstrap interval)"
    ax.set_xlabel(label + bars, fontsize=LABEL_SIZE - 1)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)


def _panels(ax: Axes | Sequence[Axes] | None, n_metrics: int, height: float) -> tuple[Figure, list]:
    """A new figure with one panel per metric, or the caller's axes (one per metric)."""
    if ax is None:
        fig = _new_figure(height)
        return fig, list(fig.subplots(1, n_metrics, squeeze=False).ravel())
    axes = [ax] if isinstance(ax, Axes) else list(ax)
    if len(axes) != n_metrics or not all(isinstance(a, Axes) for a in axes):
        raise ValueError(
            f"ax must be {n_metrics} matplotlib Axes, one per metric, got {len(axes)} object(s)"
        )
    return axes[0].get_figure(root=True), axes


def plot_evaluation_schemes(
    evaluations: Evaluation | Mapping[str, Evaluation] | Sequence[Evaluation],
    *,
    metrics: Sequence[str] = ("auc", "alift"),
    title: str | None = None,
    legend_title: str = "model",
    ax: Axes | Sequence[Axes] | None = None,
) -> Figure:
    """Metric estimates with their intervals per evaluation scheme, one panel per metric.

    Parameters
    ----------
    evaluations : Evaluation, or a mapping of str to Evaluation, or a sequence of them
        Output of :func:`research.conversion.evaluate`; several are drawn side by side as
        offset series, named by the mapping's keys (a sequence's by their ``model``). Their
        intervals must share one level (``ci``), which the title states.
    metrics : sequence of str, default ("auc", "alift")
        Metrics to show, one panel each.
    title : str, optional
        Figure title; default says what is compared and the interval level.
    legend_title : str, default "model"
        Title of the legend of several evaluations.
    ax : matplotlib.axes.Axes or a sequence of them, optional
        Axes to draw on, one per metric; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        In each panel the estimates are an error bar container whose line has gid
        ``"<metric>"`` (or ``"<metric>-<name>"``); y is the row of the scheme, top to
        bottom in the order of the schemes. A random ranking's value (0.5) is a line
        ``"random"``.

    Raises
    ------
    TypeError
        An evaluation is not an :class:`~research.conversion.Evaluation`.
    ValueError
        A metric is missing, the evaluations' interval levels differ, or ``ax`` does not
        hold one Axes per metric.

    Examples
    --------
    >>> plot_evaluation_schemes({"logistic": logistic, "gbm": gbm})  # doctest: +SKIP
    """
    named = _named_evaluations(evaluations)
    level = _interval_level(named)
    metrics = list(metrics)
    present = set.intersection(*(set(v.table["metric"]) for v in named.values()))
    absent = [m for m in metrics if m not in present]
    if absent or not metrics:
        raise ValueError(
            f"the evaluations have no rows for metric(s) {absent or metrics}; their metrics "
            f"are {sorted(present)}"
        )
    schemes = list(dict.fromkeys(s for v in named.values() for s in v.schemes))
    height = 1.7 + 0.55 * len(schemes) * max(1, len(named) * 0.7)
    fig, axes = _panels(ax, len(metrics), height)
    for panel, metric in zip(axes, metrics, strict=True):
        _draw_metric_panel(panel, metric, named, schemes, level)
    axes[0].set_ylabel("evaluation scheme (scored leads)", fontsize=LABEL_SIZE)
    for panel in axes[1:]:
        panel.tick_params(labelleft=False)
    if len(named) > 1 or next(iter(named)):
        handles, names = axes[0].get_legend_handles_labels()
        fig.legend(
            handles,
            names,
            loc="outside lower center",
            ncols=len(named),
            fontsize=ANNOT_SIZE,
            frameon=False,
            title=legend_title,
        )
    if title is None:
        intervals = "no intervals" if level is None else f"{ci_label(level)} bootstrap intervals"
        title = f"Out-of-sample performance by evaluation scheme ({intervals})"
    _set_title(fig, None if ax is None else axes[0], title)
    return _finish(fig)
