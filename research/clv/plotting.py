"""Charts of the lifetime-value analysis; each draws a result of the analysis, computing nothing.

* :func:`plot_holdout_check`: actual against BG/NBD-expected purchases in a holdout period,
  per number of calibration-period purchases (:class:`research.clv.HoldoutCheck`, from
  :func:`research.clv.holdout_check`);
* :func:`plot_clv_distribution`: the distribution of customer lifetime value and how much of
  it the best customers hold (:class:`research.clv.ValueConcentration`, from
  :func:`research.clv.value_concentration`);
* :func:`plot_model_comparison`: the purchase models' holdout errors with their intervals, and
  the naive forecast's (:class:`research.clv.ModelComparison`);
* :func:`plot_purchase_tracking`: a cohort's cumulative repeat purchases against each model's
  expectation, calibration and holdout (:class:`research.clv.PurchaseTracking`);
* :func:`plot_monthly_value`: the customer base's expected value month by month over the
  horizon, with the band of parameter uncertainty (:class:`research.clv.CLVIntervals`);
* :func:`plot_period_transactions`: customers by number of calibration-period purchases,
  actual and as the model expects (:class:`research.clv.PeriodTransactions`);
* :func:`plot_frequency_recency`: P(alive) or expected purchases over frequency and recency
  (:class:`research.clv.FrequencyRecencyMatrix`);
* :func:`plot_retention`: a cohort's survivors, fitted and projected by the sBG model, with
  their intervals and the actual counts (:class:`research.clv.RetentionProjection`, from
  :func:`research.clv.project_retention`);
* :func:`plot_parameter_intervals`: a fitted model's parameters with their intervals, against
  published values (:class:`research.clv.ModelFit`, from :func:`research.clv.fit_bgnbd` or
  :func:`research.clv.fit_gamma_gamma`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.ticker import (
    LogLocator,
    MaxNLocator,
    PercentFormatter,
    StrMethodFormatter,
)

from research._format import _bracket, _money, _number, _pct, ci_label, format_interval
from research._plotting.axes import (
    _axes_or_new,
    _estimates_with_intervals,
    _finish,
    _label_axes,
    _log_tick,
    _new_figure,
    _plain,
    _require_result,
    _wrap,
)
from research._plotting.style import ANNOT_SIZE, COLORS, LABEL_SIZE, PANEL_TITLE_SIZE, TICK_SIZE
from research._validation import check_ci
from research.clv.comparison import NAIVE, ModelComparison, PurchaseTracking
from research.clv.diagnostics import FrequencyRecencyMatrix, PeriodTransactions, _check_kind
from research.clv.fitting import ModelFit
from research.clv.holdout import HoldoutCheck
from research.clv.intervals import CLVIntervals
from research.clv.sbg import RetentionProjection
from research.clv.value import ValueConcentration

__all__ = [
    "plot_holdout_check",
    "plot_clv_distribution",
    "plot_parameter_intervals",
    "plot_retention",
    "plot_model_comparison",
    "plot_purchase_tracking",
    "plot_monthly_value",
    "plot_period_transactions",
    "plot_frequency_recency",
]

#: The box behind the corner texts of the charts.
_CORNER_BOX = {"facecolor": "white", "alpha": 0.85, "edgecolor": "#cccccc", "pad": 4}

# --------------------------------------------------------------------------------------------
# holdout check
# --------------------------------------------------------------------------------------------


def _draw_holdout_groups(ax: Axes, check: HoldoutCheck) -> Legend:
    """The groups' actual means with their intervals, the expected means as a line; the
    legend."""
    groups = check.table
    labels = groups.index.astype(str).tolist()
    customers = groups["customers"].to_numpy(dtype=np.float64)
    actual = groups["actual"].to_numpy(dtype=np.float64)
    expected = groups["expected"].to_numpy(dtype=np.float64)
    low = groups["actual_low"].to_numpy(dtype=np.float64, na_value=np.nan)
    high = groups["actual_high"].to_numpy(dtype=np.float64, na_value=np.nan)
    err = np.vstack([actual - low, high - actual])
    err = np.where(np.isfinite(err), np.maximum(err, 0), 0)
    x = np.arange(len(labels))
    actual_label = f"actual ({ci_label(check.ci)} CI)"
    _estimates_with_intervals(ax, x, actual, yerr=err, label=actual_label, gid="actual")
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
    order = [names.index(actual_label), names.index("BG/NBD expected")]
    return ax.legend(
        [handles[i] for i in order],
        [names[i] for i in order],
        loc="upper left",
        fontsize=ANNOT_SIZE + 1,
        frameon=False,
    )


def _holdout_corner(ax: Axes, legend: Legend, check: HoldoutCheck) -> None:
    """The figures over all customers, in the upper left corner just below the legend."""
    gap = check.gap
    if not np.isfinite(gap):
        versus = ""
    elif round(100 * gap) == 0:
        versus = " (about the same)"
    else:
        versus = f" ({_pct(abs(gap))} {'below' if gap < 0 else 'above'} actual)"
    actual = format_interval(
        check.actual, check.actual_low, check.actual_high, ci=check.ci, fmt=_number
    )
    ax.annotate(
        f"All {check.n_customers:,} customers, purchases per customer:\n"
        f"actual {actual}\n"
        f"expected {_number(check.expected)}{versus}",
        xy=(0, 0),
        xycoords=legend,
        xytext=(8, -6),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=ANNOT_SIZE,
        gid="holdout-all",
        bbox=_CORNER_BOX,
    )


def plot_holdout_check(
    check: HoldoutCheck,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Actual against expected purchases in a holdout period, per calibration frequency.

    The usual check of a BG/NBD model (Fader, Hardie & Lee 2005, figure 3): customers are
    grouped by their number of repeat purchases in the calibration period; for each group the
    chart shows the mean number of purchases they really made in the holdout period (points
    with intervals at the result's level) and the mean the model expected (line). The figures
    over all customers are written in a corner.

    Parameters
    ----------
    check : HoldoutCheck
        The result of :func:`research.clv.holdout_check` (``check.plot()`` draws it too). A
        group of one customer has no interval and gets no error bar.
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
    TypeError
        ``check`` is not a HoldoutCheck.

    Examples
    --------
    >>> check = holdout_check(fit, calibration, holdout_purchases, 39)  # doctest: +SKIP
    >>> plot_holdout_check(check)  # doctest: +SKIP
    """
    check = _require_result(check, HoldoutCheck, "check", "research.clv.holdout_check")
    own = ax is None
    fig, ax = _axes_or_new(ax, 5.0)
    legend = _draw_holdout_groups(ax, check)
    _holdout_corner(ax, legend, check)
    gap = check.gap
    if title is None:
        title = f"Holdout check: actual purchases against those expected by the {check.model} model"
        if np.isfinite(gap):
            title += (
                f"\nExpected {_pct(abs(gap))} {'fewer' if gap < 0 else 'more'} purchases than "
                f"customers made: {_number(check.expected)} vs {_number(check.actual)} per "
                "customer"
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
# lifetime value: distribution and concentration
# --------------------------------------------------------------------------------------------


def _draw_concentration(cax: Axes, conc: ValueConcentration) -> None:
    """Concentration curve of ``conc`` on ``cax``, with its ``top`` shares marked."""
    n = conc.n_customers
    cum_share = conc.curve
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
    for share, k, held in conc.top[["share", "customers", "value_share"]].itertuples(index=False):
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


def _log_bins(positive: np.ndarray) -> np.ndarray:
    """Log-spaced bin edges from the power of ten below the 1st percentile of the positive
    values (a handful of customers with a near-zero CLV would otherwise stretch the axis over
    many empty decades) to the maximum; one decade around the centre for a narrow range."""
    hi = float(positive.max())
    lo = 10 ** math.floor(math.log10(np.quantile(positive, 0.01)))
    if hi / positive.min() < 10:
        centre = math.sqrt(positive.min() * hi)
        lo, hi = centre / math.sqrt(10), centre * math.sqrt(10)
    n_bins = int(np.clip(round(8 * math.log10(hi / lo)), 10, 60))
    n_bins += 1 - n_bins % 2  # odd: a single value, at the centre, falls inside a bin
    return np.geomspace(lo, hi, n_bins + 1)


def _draw_histogram(hax: Axes, positive: np.ndarray, bins: np.ndarray) -> np.ndarray:
    """The positive values on a log axis, those below the first bin counted in it; the
    counts per bin."""
    lo, hi = bins[0], bins[-1]
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
    return counts


def _mark_median_mean(hax: Axes, conc: ValueConcentration, currency: str) -> None:
    """Median and mean lines, labelled on the outer side of each so that they do not overlap;
    a value of 0 or less is not on the log axis (the corner text gives it)."""
    median, mean = conc.median, conc.mean
    marks = [("median", median, "#333333", "-"), ("mean", mean, COLORS["chosen"], "--")]
    left_name = "median" if median <= mean else "mean"
    for name, value, color, style in marks:
        if value <= 0:
            continue
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


def _corner_lines(
    conc: ValueConcentration, bins: np.ndarray, currency: str, *, with_curve: bool
) -> list[str]:
    """The corner text: counts, total, the customers not on the axis or in the first bar,
    and the top shares when there is no panel for the curve."""
    n, lo = conc.n_customers, bins[0]
    lines = [f"{n:,} customers", f"total {_money(conc.total, currency)}"]
    if conc.n_nonpositive:
        lines.append(
            f"{conc.n_nonpositive:,} ({_pct(conc.n_nonpositive / n)}) with CLV ≤ 0:\n"
            "not on the log axis, but in\nthe median, mean and shares"
        )
    else:
        lines.append("none with CLV ≤ 0")
    n_below = int(((conc.values > 0) & (conc.values < lo)).sum())
    if n_below:
        lines.append(f"{n_below:,} below {currency}{lo:,g}:\nin the first bar")
    if not with_curve:
        for share, held in conc.top[["share", "value_share"]].itertuples(index=False):
            lines.append(f"top {_pct(share)} hold {_pct(held)} of the CLV")
    return lines


def _place_corner(hax: Axes, counts: np.ndarray, bins: np.ndarray, lines: list[str]) -> None:
    """The corner text on the side whose bars are lower, with the bars kept below it."""
    centres = np.sqrt(bins[:-1] * bins[1:])
    mid = math.sqrt(bins[0] * bins[-1])
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
            bbox=_CORNER_BOX,
        )
    )


def plot_clv_distribution(
    conc: ValueConcentration,
    *,
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
    held by the best customers, with the shares of the result's ``top`` table marked (by
    default the top 10% and 20%, :data:`research.clv.TOP_SHARES`; the top 10% of ``n``
    customers are the ``ceil(0.1 n)`` with the highest CLV). Every figure drawn comes from the
    result, so the chart and a sentence written from it give the same numbers.

    Parameters
    ----------
    conc : ValueConcentration
        The result of :func:`research.clv.value_concentration` (``conc.plot()`` draws it too).
    currency : str, default "US$"
        Currency written before amounts and in the axis label.
    title : str, optional
        Chart title. Default gives the median, the mean and the top 10%'s share.
    ax : matplotlib.axes.Axes or a pair of Axes, optional
        Default a new figure with the histogram and the curve side by side. A pair draws the
        histogram on the first and the curve on the second; a single Axes draws the histogram
        only, with the top shares in its corner text.

    Returns
    -------
    matplotlib.figure.Figure
        The median and mean lines have gid ``"median"`` and ``"mean"``; the corner text gid
        ``"clv-annotation"``; the curve gid ``"concentration"`` and its labels gid
        ``"top-10"`` and ``"top-20"``.

    Raises
    ------
    TypeError
        ``conc`` is not a ValueConcentration, or ``ax`` is neither an Axes nor a pair.

    Examples
    --------
    >>> clv = customer_lifetime_value(bgnbd, gamma_gamma, summary, unit_days=7)  # doctest: +SKIP
    >>> plot_clv_distribution(value_concentration(clv))  # doctest: +SKIP
    """
    conc = _require_result(conc, ValueConcentration, "conc", "research.clv.value_concentration")
    own = ax is None
    fig, hax, cax = _clv_axes(ax)
    positive = conc.values[conc.values > 0]
    bins = _log_bins(positive)
    counts = _draw_histogram(hax, positive, bins)
    _mark_median_mean(hax, conc, currency)
    if cax is not None:
        _draw_concentration(cax, conc)
    _place_corner(
        hax, counts, bins, _corner_lines(conc, bins, currency, with_curve=cax is not None)
    )
    if title is None:
        title = (
            f"Customer lifetime value: median {_money(conc.median, currency)}, mean "
            f"{_money(conc.mean, currency)} per customer\n"
            f"The top {_pct(conc.top['share'].iat[0])} of customers hold "
            f"{_pct(conc.top['value_share'].iat[0])} of the total lifetime value"
        )
    xlabel = f"customer lifetime value ({currency} per customer, log scale)"
    _label_axes(fig, hax, own, title, xlabel, "number of customers")
    _plain(hax.xaxis.label, *[t for t in fig.findobj(Text) if t.get_text() == _wrap(title)])
    if own:
        hax.set_title("Distribution", loc="left", fontsize=PANEL_TITLE_SIZE)
        cax.set_title("Concentration", loc="left", fontsize=PANEL_TITLE_SIZE)
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# lifetime value: model parameters
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


def _fit_values(fit: ModelFit, ci: float) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Parameter names, estimates and interval bounds (``fit.conf_int(ci=ci)``) of a fit."""
    if fit.params.empty:
        raise ValueError("fit.params is empty: there is no parameter to plot")
    bounds = fit.conf_int(ci=ci)
    est = fit.params.to_numpy(dtype=np.float64, na_value=np.nan)
    low = bounds["low"].to_numpy(dtype=np.float64, na_value=np.nan)
    high = bounds["high"].to_numpy(dtype=np.float64, na_value=np.nan)
    return [str(p) for p in fit.params.index], est, low, high


def _reference_values(
    reference: Mapping[str, float] | pd.Series, names: list[str], model: str
) -> pd.Series:
    """Published values reindexed like the parameters (NaN where none is given)."""
    if isinstance(reference, pd.Series):
        ref = reference.astype("float64")
    else:
        ref = pd.Series(dict(reference), dtype="float64")
    ref.index = ref.index.astype(str)
    unknown = [p for p in ref.index if p not in names]
    if unknown:
        raise ValueError(
            f"reference names {', '.join(map(repr, unknown))}, which the {model or 'fitted'} "
            f"model does not have; its parameters are {names}"
        )
    return ref.reindex(names)


def _parameter_axis(ax: Axes, values: np.ndarray, log: bool) -> None:
    """A log axis padded around the values, ticks at 1-2-5 when they span few decades."""
    if not log:
        ax.margins(x=0.08)
        return
    ax.set_xscale("log")
    lo_v, hi_v = values.min(), values.max()
    pad = (hi_v / lo_v) ** 0.08 if hi_v > lo_v else 2.0
    ax.set_xlim(lo_v / pad, hi_v * pad)
    few = hi_v / lo_v < 1e3
    ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0) if few else (1.0,)))
    ax.xaxis.set_major_formatter(_log_tick)
    ax.xaxis.set_minor_formatter(lambda x, pos: "")


def _label_estimates(
    ax: Axes, est: np.ndarray, y: np.ndarray, low: np.ndarray, high: np.ndarray
) -> None:
    """Each estimate and its interval written above its point, kept inside the axes."""
    ax.get_xlim()  # settles pending autoscaling before the limits are read
    to_axes = ax.transScale + ax.transLimits
    for xi, yi, lo, hi in zip(est, y, low, high, strict=True):
        interval = _bracket(lo, hi, _sig)
        interval = f" {interval}" if interval else ""
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


def _estimate_legend(ax: Axes, own: bool) -> None:
    """The legend, estimates first; above the axes on a figure of our own."""
    handles, names = ax.get_legend_handles_labels()
    order = sorted(range(len(names)), key=lambda i: names[i] == "published")
    handles, names = [handles[i] for i in order], [names[i] for i in order]
    if own:  # above the axes; a caller's axes has its title there
        ax.legend(
            handles,
            names,
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncols=2,
            fontsize=ANNOT_SIZE + 1,
            frameon=False,
        )
    else:
        ax.legend(handles, names, loc="best", fontsize=ANNOT_SIZE + 1)


def _parameter_title(fit: ModelFit, ci: float, ref: pd.Series | None, inside: int) -> str:
    title = (
        f"{fit.model} parameters: estimates with {ci_label(ci)} intervals "
        f"(fitted on {fit.n_obs:,} customers)"
    )
    if ref is not None:
        n_ref = int(ref.notna().sum())
        title += (
            f"\n{inside} of {n_ref} published "
            f"{'value lies' if n_ref == 1 else 'values lie'} inside the intervals"
        )
    return title


def _draw_reference(
    ax: Axes, r: np.ndarray, y: np.ndarray, low: np.ndarray, high: np.ndarray
) -> int:
    """Published values as open diamonds; how many lie inside their intervals."""
    shown = np.isfinite(r)
    ax.plot(
        r[shown],
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
    return int(np.sum(shown & (r >= low) & (r <= high)))


def plot_parameter_intervals(
    fit: ModelFit,
    *,
    reference: Mapping[str, float] | pd.Series | None = None,
    ci: float = 0.95,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Estimate and interval (95% by default) of each parameter of a fitted model, on a log axis.

    The intervals are the fit's own (``fit.conf_int(ci=ci)``); the legend and the title give
    their level.

    Parameters
    ----------
    fit : research.clv.ModelFit
        Result of :func:`research.clv.fit_bgnbd` or :func:`research.clv.fit_gamma_gamma`
        (``fit.plot()`` draws it too).
    reference : mapping or pandas.Series, optional
        Published values by parameter name, e.g. Fader, Hardie & Lee's (2005) CDNOW estimates
        ``{"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}``, drawn as diamonds; may name
        only some parameters.
    ci : float, default 0.95
        Level of the intervals, ``fit.conf_int(ci=ci)``; the legend and the title say it.
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
        ``fit`` is not a ModelFit.
    ValueError
        ``ci`` is not between 0 and 1, or ``reference`` names a parameter the model does not
        have.

    Examples
    --------
    >>> fit = fit_bgnbd(summary)  # doctest: +SKIP
    >>> plot_parameter_intervals(fit, reference={"r": 0.243, "alpha": 4.414,
    ...                                          "a": 0.793, "b": 2.426})  # doctest: +SKIP
    """
    fit = _require_result(fit, ModelFit, "fit", "research.clv.fit_bgnbd or fit_gamma_gamma")
    ci = check_ci(ci)
    names, est, low, high = _fit_values(fit, ci)
    ref = None if reference is None else _reference_values(reference, names, fit.model)
    all_values = np.concatenate([est, low, high] + ([ref.to_numpy()] if ref is not None else []))
    all_values = all_values[np.isfinite(all_values)]
    log = bool((all_values > 0).all())

    own = ax is None
    fig, ax = _axes_or_new(ax, max(3.4, 1.6 + 0.6 * len(names)))
    y = np.arange(len(names), dtype=np.float64)
    err = np.vstack([est - low, high - est])
    err = np.where(np.isfinite(err), np.maximum(err, 0), 0)
    _estimates_with_intervals(
        ax, est, y, xerr=err, label=f"estimate ({ci_label(ci)} CI)", gid="estimate", size=8
    )
    inside = 0 if ref is None else _draw_reference(ax, ref.to_numpy(), y, low, high)
    _parameter_axis(ax, all_values, log)
    _label_estimates(ax, est, y, low, high)
    labels = _PARAMETER_LABELS.get(fit.model, {})
    ax.set_yticks(y, [labels.get(p, p) for p in names])
    ax.set_ylim(len(names) - 0.4, -0.9)  # first parameter on top, room for its label
    ax.grid(axis="x", which="both", alpha=0.25)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    _estimate_legend(ax, own)
    if title is None:
        title = _parameter_title(fit, ci, ref, inside)
    units = _PARAMETER_UNITS.get(fit.model)
    scale = "log scale" if log else "linear scale: some values are not positive"
    xlabel = f"parameter value ({scale}{'; ' + units if units else ''})"
    _label_axes(fig, ax, own, title, xlabel, "parameter")
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# subscription retention (sBG)
# --------------------------------------------------------------------------------------------


def plot_retention(
    projection: RetentionProjection,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """A cohort's survivors: the counts, the sBG curve fitted to them and its projection.

    Parameters
    ----------
    projection : RetentionProjection
        The result of :func:`research.clv.project_retention` (``projection.plot()`` draws it
        too).
    title : str, optional
        Chart title. Default says how far the projection is from the actual counts, where
        there are actual counts after the fitted periods.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The model's curve is a line with gid ``"sbg-survivors"``, its interval a band with gid
        ``"sbg-interval"``, the actual counts points with gid ``"actual"``.

    Raises
    ------
    TypeError
        ``projection`` is not a RetentionProjection.

    Examples
    --------
    >>> plot_retention(project_retention(fit_sbg(counts), 12))  # doctest: +SKIP
    """
    projection = _require_result(
        projection, RetentionProjection, "projection", "research.clv.project_retention"
    )
    table = projection.table
    own = ax is None
    fig, ax = _axes_or_new(ax, 4.6)
    t = table.index.to_numpy()
    ax.fill_between(
        t,
        table["survivors_low"],
        table["survivors_high"],
        color=COLORS["main"],
        alpha=0.18,
        linewidth=0,
        gid="sbg-interval",
        label=f"{ci_label(projection.ci)} interval (parameter uncertainty)",
    )
    ax.plot(t, table["survivors"], color=COLORS["main"], gid="sbg-survivors", label="sBG model")
    seen = table["actual"].notna()
    ax.plot(
        t[seen],
        table.loc[seen, "actual"],
        "o",
        color=COLORS["reference"],
        markersize=4,
        gid="actual",
        label="actual",
    )
    ax.axvline(projection.fitted_periods, color=COLORS["muted"], linestyle=":", linewidth=1)
    ax.annotate(
        "fitted | projected",
        (projection.fitted_periods, 1.0),
        xycoords=("data", "axes fraction"),
        ha="center",
        va="bottom",
        fontsize=ANNOT_SIZE,
        color=COLORS["reference"],
    )
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=ANNOT_SIZE, loc="upper right")
    if title is None:
        title = "Customers of the cohort still active, fitted and projected by the sBG model"
        errors = projection.projection_error
        if len(errors):
            worst = float(errors.abs().max())
            title += (
                f"\nProjected periods {int(errors.index.min())}-{int(errors.index.max())}: within "
                f"{_pct(worst)} of the actual counts"
            )
    _label_axes(fig, ax, own, _wrap(title), "period", "customers still active")
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# model comparison and tracking
# --------------------------------------------------------------------------------------------


def plot_model_comparison(
    comparison: ModelComparison,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Each purchase model's error on the holdout period, with its interval, best first.

    Parameters
    ----------
    comparison : ModelComparison
        The result of :func:`research.clv.compare_models` (``comparison.plot()`` draws it
        too).
    title : str, optional
        Chart title. Default names the best model and whether it beats the naive forecast.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        One error bar per model (gid ``"rmse-<model>"``), the naive forecast's in grey.

    Raises
    ------
    TypeError
        ``comparison`` is not a ModelComparison.

    Examples
    --------
    >>> plot_model_comparison(compare_models(fits, cal, later, 39))  # doctest: +SKIP
    """
    comparison = _require_result(
        comparison, ModelComparison, "comparison", "research.clv.compare_models"
    )
    table = comparison.table
    own = ax is None
    fig, ax = _axes_or_new(ax, 1.4 + 0.5 * len(table))
    y = np.arange(len(table))[::-1]
    for yi, (name, row) in zip(y, table.iterrows(), strict=True):
        color = COLORS["muted"] if name == NAIVE else COLORS["main"]
        bars = ax.errorbar(
            row["rmse"],
            yi,
            xerr=[[row["rmse"] - row["rmse_low"]], [row["rmse_high"] - row["rmse"]]],
            fmt="o",
            color=color,
            capsize=3,
        )
        bars.lines[0].set_gid(f"rmse-{name}")
        ax.annotate(
            f"{row['rmse']:.3f}  (total {row['total_error']:+.1%})",
            (row["rmse_high"], yi),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=ANNOT_SIZE,
            color=COLORS["reference"],
        )
    ax.set_yticks(y, [str(name) for name in table.index], fontsize=TICK_SIZE)
    ax.set_ylim(-0.6, len(table) - 0.4)
    ax.margins(x=0.25)
    if title is None:
        tied = comparison.tied
        if len(tied) > 1:
            lead = f"{', '.join(tied[:-1])} and {tied[-1]} are level (paired intervals)"
        else:
            lead = f"{comparison.best} is best"
        verdict = "beat" if comparison.beats_naive else "do not clearly beat"
        title = (
            f"Holdout error per customer (RMSE of purchases, {ci_label(comparison.ci)} "
            f"intervals)\n{lead}; the models {verdict} the naive forecast"
        )
    _label_axes(
        fig,
        ax,
        own,
        _wrap(title),
        "root-mean-square error of a customer's holdout purchases (lower is better)",
        "model",
    )
    return _finish(fig)


def plot_purchase_tracking(
    tracking: PurchaseTracking,
    *,
    cumulative: bool = True,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """A cohort's repeat purchases, actual and expected by each model, period by period.

    Fader, Hardie & Lee's (2005) figure 1: the cumulative curves over the calibration and
    the holdout periods, a dotted line where the holdout begins.

    Parameters
    ----------
    tracking : PurchaseTracking
        The result of :func:`research.clv.purchase_tracking` (``tracking.plot()`` draws it
        too).
    cumulative : bool, default True
        Cumulative purchases; False draws each period's.
    title : str, optional
        Chart title. Default gives each model's error at the end of the holdout.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The actual purchases are a line with gid ``"actual"``, each model's a line with gid
        ``"expected-<model>"``.

    Raises
    ------
    TypeError
        ``tracking`` is not a PurchaseTracking.

    Examples
    --------
    >>> plot_purchase_tracking(purchase_tracking(fits, lines, cal_end, end))  # doctest: +SKIP
    """
    tracking = _require_result(
        tracking, PurchaseTracking, "tracking", "research.clv.purchase_tracking"
    )
    table = tracking.cumulative if cumulative else tracking.incremental
    own = ax is None
    fig, ax = _axes_or_new(ax, 4.6)
    t = table.index.to_numpy()
    ax.plot(t, table["actual"], color="black", linewidth=2, gid="actual", label="actual")
    styles = ["--", "-.", ":", (0, (5, 1))]
    palette = [COLORS["main"], COLORS["value"], COLORS["chosen"], COLORS["stable"]]
    for i, name in enumerate(tracking.models):
        ax.plot(
            t,
            table[name],
            linestyle=styles[i % len(styles)],
            color=palette[i % len(palette)],
            gid=f"expected-{name}",
            label=name,
        )
    ax.axvline(tracking.calibration_periods + 0.5, color=COLORS["muted"], linestyle=":")
    ax.annotate(
        "calibration | holdout",
        (tracking.calibration_periods + 0.5, 1.0),
        xycoords=("data", "axes fraction"),
        ha="center",
        va="bottom",
        fontsize=ANNOT_SIZE,
        color=COLORS["reference"],
    )
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=ANNOT_SIZE, loc="upper left" if cumulative else "upper right")
    if title is None:
        errors = tracking.errors["holdout_error"]
        parts = ", ".join(f"{name} {value:+.1%}" for name, value in errors.items())
        title = (
            f"{'Cumulative r' if cumulative else 'R'}epeat purchases of "
            f"{tracking.n_customers:,} customers, actual and expected\n"
            f"Expected against actual at the end of the holdout: {parts}"
        )
    _label_axes(
        fig,
        ax,
        own,
        _wrap(title),
        f"period ({tracking.period_days:g} days each)",
        "cumulative repeat purchases" if cumulative else "repeat purchases in the period",
    )
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# lifetime value month by month
# --------------------------------------------------------------------------------------------


def plot_monthly_value(
    value: CLVIntervals,
    *,
    cumulative: bool = True,
    currency: str = "US$",
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The base's expected value over the horizon, month by month, with its interval.

    Parameters
    ----------
    value : CLVIntervals
        The result of :func:`research.clv.clv_intervals` (``value.plot()`` draws it too).
    cumulative : bool, default True
        The value accumulated up to each month; False draws each month's.
    currency : str, default "US$"
        Symbol put before the amounts.
    title : str, optional
        Chart title. Default gives the total over the horizon with its interval.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The value is a line with gid ``"value"``, its interval a band with gid
        ``"value-interval"``.

    Raises
    ------
    TypeError
        ``value`` is not a CLVIntervals.

    Examples
    --------
    >>> plot_monthly_value(clv_intervals(bg, gg, summary, unit_days=7))  # doctest: +SKIP
    """
    value = _require_result(value, CLVIntervals, "value", "research.clv.clv_intervals")
    column = "cumulative_value" if cumulative else "value"
    table = value.monthly
    own = ax is None
    fig, ax = _axes_or_new(ax, 4.4)
    months = table.index.to_numpy()
    ax.fill_between(
        months,
        table[f"{column}_low"],
        table[f"{column}_high"],
        color=COLORS["value"],
        alpha=0.2,
        linewidth=0,
        gid="value-interval",
        label=f"{ci_label(value.ci)} interval (parameter uncertainty)",
    )
    ax.plot(months, table[column], "o-", color=COLORS["value"], gid="value", label="expected")
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(StrMethodFormatter(currency + "{x:,.0f}"))
    ax.legend(fontsize=ANNOT_SIZE, loc="upper left" if cumulative else "upper right")
    if title is None:
        total = value.total
        title = (
            f"Expected value of {len(value.customers):,} customers over the next "
            f"{value.horizon_months} months ({value.model} + Gamma-Gamma, discounted)\n"
            f"{_money(total['clv'], currency)} ({ci_label(value.ci)} interval "
            f"{_money(total['clv_low'], currency)} to {_money(total['clv_high'], currency)})"
        )
    _label_axes(
        fig,
        ax,
        own,
        _wrap(title),
        "month",
        "value accumulated by the month" if cumulative else "value expected in the month",
    )
    _plain(*[t for t in fig.findobj(Text) if t.get_text() == _wrap(title)])
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# period transactions, frequency-recency matrices
# --------------------------------------------------------------------------------------------


def plot_period_transactions(
    result: PeriodTransactions,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Customers by number of repeat purchases in the calibration period: actual and expected.

    Parameters
    ----------
    result : PeriodTransactions
        The result of :func:`research.clv.period_transactions` (``result.plot()`` draws it
        too).
    title : str, optional
        Chart title. Default names the model and the largest gap.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The bars have gids ``"actual"`` and ``"expected"`` (their containers' patches).

    Raises
    ------
    TypeError
        ``result`` is not a PeriodTransactions.

    Examples
    --------
    >>> plot_period_transactions(period_transactions(fit, calibration))  # doctest: +SKIP
    """
    result = _require_result(
        result, PeriodTransactions, "result", "research.clv.period_transactions"
    )
    table = result.table
    own = ax is None
    fig, ax = _axes_or_new(ax, 4.4)
    pos = np.arange(len(table))
    width = 0.4
    for offset, column, color, label in (
        (-width / 2, "actual", COLORS["reference"], "actual"),
        (width / 2, "expected", COLORS["main"], f"expected by {result.model}"),
    ):
        bars = ax.bar(pos + offset, table[column], width, color=color, label=label)
        for patch in bars.patches:
            patch.set_gid(column)
    ax.set_xticks(pos, list(table.index), fontsize=TICK_SIZE)
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.legend(fontsize=ANNOT_SIZE)
    if title is None:
        gap = (table["expected"] - table["actual"]).abs()
        worst = str(gap.idxmax())
        title = (
            f"Customers by repeat purchases in the calibration period, actual and expected by "
            f"{result.model}\nLargest gap at {worst} repeat purchase{'' if worst == '1' else 's'}: "
            f"{table.loc[worst, 'expected']:,.0f} expected, {table.loc[worst, 'actual']:,} actual"
        )
    _label_axes(fig, ax, own, _wrap(title), "repeat purchases", "customers")
    return _finish(fig)


def plot_frequency_recency(
    matrix: FrequencyRecencyMatrix,
    *,
    kind: str = "p_alive",
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """P(alive) or the expected purchases of the next period, over frequency and recency.

    Parameters
    ----------
    matrix : FrequencyRecencyMatrix
        The result of :func:`research.clv.frequency_recency_matrix` (``matrix.plot()`` draws
        it too).
    kind : {"p_alive", "expected"}, default "p_alive"
        Which table to draw.
    title : str, optional
        Chart title.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The matrix is an image with gid ``"matrix"`` (impossible cells left blank), with a
        colour bar.

    Raises
    ------
    TypeError
        ``matrix`` is not a FrequencyRecencyMatrix.
    ValueError
        An unknown ``kind``.

    Examples
    --------
    >>> plot_frequency_recency(frequency_recency_matrix(fit, 39), kind="expected")
    ... # doctest: +SKIP
    """
    matrix = _require_result(
        matrix, FrequencyRecencyMatrix, "matrix", "research.clv.frequency_recency_matrix"
    )
    kind = _check_kind(kind)
    table = matrix.p_alive if kind == "p_alive" else matrix.expected
    own = ax is None
    fig, ax = _axes_or_new(ax, 5.0)
    recency = table.columns.to_numpy(dtype=float)
    freq = table.index.to_numpy(dtype=float)
    step_r = recency[1] - recency[0] if len(recency) > 1 else 1.0
    extent = (
        recency[0] - step_r / 2,
        recency[-1] + step_r / 2,
        freq[-1] + 0.5,
        freq[0] - 0.5,
    )
    image = ax.imshow(
        np.ma.masked_invalid(table.to_numpy(dtype=float)),
        aspect="auto",
        interpolation="nearest",
        cmap="viridis",
        extent=extent,
        vmin=0,
        vmax=1 if kind == "p_alive" else None,
    )
    image.set_gid("matrix")
    bar = fig.colorbar(image, ax=ax)
    label = (
        "probability the customer is still active"
        if kind == "p_alive"
        else f"expected purchases in the next {matrix.t:g} time units"
    )
    bar.set_label(label, fontsize=LABEL_SIZE)
    bar.ax.tick_params(labelsize=TICK_SIZE)
    if kind == "p_alive":
        bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    if title is None:
        what = "P(alive)" if kind == "p_alive" else f"Expected purchases in the next {matrix.t:g}"
        title = (
            f"{what} of customers aged {matrix.T:g}, by their frequency and recency "
            f"({matrix.model})\nThe frequent buyers who have been silent long (bottom left) "
            "are the likeliest to have left"
        )
    _label_axes(
        fig,
        ax,
        own,
        _wrap(title),
        "recency: age at the last purchase",
        "frequency: repeat purchases",
    )
    return _finish(fig)
