"""Business views of scores and outcomes: score groups (deciles), calibration, profit of calling
down the list, and A-D tiers. Each view with intervals returns a result that carries its level
``ci``, its counts and, where the subpackage has a chart of it, ``plot()``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from research._format import _pct1, ci_label
from research._results import FrozenMapping
from research._stats import percentile_interval, wilson
from research._validation import check_ci, check_int, check_number, check_option
from research.conversion._counted import _Counted
from research.conversion._inputs import _check_scores, _target
from research.conversion.metrics import _gains

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "lift_table",
    "LiftTable",
    "calibration_table",
    "CalibrationTable",
    "profit_curve",
    "ProfitCurve",
    "lead_tiers",
    "tier_outcomes",
    "TierOutcomes",
]


# --------------------------------------------------------------------------------------------
# score groups and calibration bins
# --------------------------------------------------------------------------------------------


def _equal_groups(s: np.ndarray, n_bins: int, *, best_first: bool) -> np.ndarray:
    """Group 1..n_bins of each lead: ranked by score (equal scores in row order) and cut into
    groups of ``n // n_bins`` or one more lead, the highest scores first when ``best_first``."""
    order = np.argsort(-s if best_first else s, kind="stable")
    group = np.empty(len(s), dtype=np.int64)
    group[order] = np.arange(len(s)) * n_bins // len(s) + 1
    return group


def _counts_by(name: str, groups: np.ndarray, y: np.ndarray, s: np.ndarray) -> pd.DataFrame:
    """Per group, in order: ``leads``, ``conversions``, ``mean_score``, ``score_min``,
    ``score_max``."""
    frame = pd.DataFrame({name: groups, "y": y, "s": s})
    out = (
        frame.groupby(name)
        .agg(
            leads=("y", "size"),
            conversions=("y", "sum"),
            mean_score=("s", "mean"),
            score_min=("s", "min"),
            score_max=("s", "max"),
        )
        .reset_index()
    )
    out["conversions"] = out["conversions"].astype(np.int64)
    return out


def _check_bins(n_bins: object, n: int) -> int:
    n_bins = check_int(n_bins, "n_bins", 1)
    if n_bins > n:
        raise ValueError(f"n_bins={n_bins} is more than the {n:,} leads: lower n_bins")
    return n_bins


@dataclass(frozen=True, eq=False, repr=False)
class LiftTable(_Counted):
    """Leads in equal groups by score, best first: the result of :func:`lift_table`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per group: ``group`` (1 = highest scores), ``leads``, ``conversions``,
        ``rate`` with ``low`` and ``high`` (Wilson), ``lift`` (rate / overall rate),
        ``score_min``, ``score_max``, ``cum_leads``, ``cum_conversions``,
        ``cum_share_called``, ``cumulative_gain`` (share of all converters in this group and
        the ones above) and ``cum_lift``.
    ci : float
        Level of the Wilson intervals.
    n, n_converted : int
        Leads and converters.
    overall_rate : float
        ``n_converted / n``: the rate the lifts compare with.
    """

    overall_rate: float

    def _caption(self) -> str:
        return (
            f"Leads in {len(self.table)} groups by score ({self.n:,} leads, "
            f"{self.n_converted:,} converted, overall rate {_pct1(self.overall_rate)}; "
            f"{ci_label(self.ci)} Wilson intervals)"
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.conversion.plotting.plot_lift_table` of this result."""
        from research.conversion.plotting import plot_lift_table

        return plot_lift_table(self, ax=ax, **kwargs)


def lift_table(y_true: object, scores: object, *, n_bins: int = 10, ci: float = 0.95) -> LiftTable:
    """Leads split into equal groups by score (deciles by default), best group first.

    Parameters
    ----------
    y_true, scores : array-like
        Outcome (bool, 0/1 or yes/no) and score of each lead.
    n_bins : int, default 10
        Number of groups. Leads are ranked by score, highest first (equal scores in row
        order), and cut into groups of (nearly) equal size, so each group has
        ``n // n_bins`` or one more lead.
    ci : float, default 0.95
        Level of the Wilson intervals of the rates.

    Returns
    -------
    LiftTable
        Its ``table`` has one row per group (see :class:`LiftTable`); ``plot()`` draws it.

    Examples
    --------
    >>> t = lift_table([1, 1, 0, 1, 0, 0, 0, 0, 0, 0], [.9, .8, .7, .6, .5, .4, .3, .2, .1, 0],
    ...                n_bins=5)
    >>> t.table["conversions"].tolist(), t.table["lift"].tolist()[:2]
    ([2, 1, 0, 0, 0], [3.3333333333333335, 1.6666666666666667])
    """
    ci = check_ci(ci)
    y, s = _check_scores(y_true, scores)
    n_bins = _check_bins(n_bins, len(s))
    counts = _counts_by("group", _equal_groups(s, n_bins, best_first=True), y, s)
    overall = float(y.mean())
    out = counts[["group", "leads", "conversions"]].copy()
    out["rate"] = out["conversions"] / out["leads"]
    out["low"], out["high"] = wilson(out["conversions"], out["leads"], ci)
    out["lift"] = out["rate"] / overall
    out["score_min"], out["score_max"] = counts["score_min"], counts["score_max"]
    out["cum_leads"] = out["leads"].cumsum()
    out["cum_conversions"] = out["conversions"].cumsum()
    out["cum_share_called"] = out["cum_leads"] / len(s)
    out["cumulative_gain"] = out["cum_conversions"] / y.sum()
    out["cum_lift"] = out["cumulative_gain"] / out["cum_share_called"]
    return LiftTable(table=out, ci=ci, n=len(s), n_converted=int(y.sum()), overall_rate=overall)


@dataclass(frozen=True, eq=False, repr=False)
class CalibrationTable(_Counted):
    """Predicted against observed conversion per score bin: the result of
    :func:`calibration_table`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per bin, lowest scores first: ``bin``, ``leads``, ``conversions``,
        ``predicted`` (mean score), ``observed`` (conversion rate) with ``low`` and ``high``
        (Wilson), ``score_min`` and ``score_max``.
    ci : float
        Level of the Wilson intervals.
    n, n_converted : int
        Leads and converters.
    strategy : {"quantile", "uniform"}
        Bins of equal size or of equal width.
    n_covered : int
        Bins whose interval holds the predicted probability (a calibrated scorer has most).
    """

    strategy: str
    n_covered: int

    def _caption(self) -> str:
        return (
            f"Calibration in {len(self.table)} score bins ({self.n:,} leads, "
            f"{self.n_converted:,} converted): the prediction inside the observed rate's "
            f"{ci_label(self.ci)} Wilson interval in {self.n_covered} bins"
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.conversion.plotting.plot_calibration` of this result."""
        from research.conversion.plotting import plot_calibration

        return plot_calibration(self, ax=ax, **kwargs)


def calibration_table(
    y_true: object,
    scores: object,
    *,
    n_bins: int = 10,
    strategy: Literal["quantile", "uniform"] = "quantile",
    ci: float = 0.95,
) -> CalibrationTable:
    """Predicted against observed conversion per score bin, with Wilson intervals.

    Parameters
    ----------
    y_true, scores : array-like
        Outcomes and predicted probabilities.
    n_bins : int, default 10
        Number of bins.
    strategy : {"quantile", "uniform"}, default "quantile"
        Bins of equal size (ranked by score, as in :func:`lift_table`, lowest scores first),
        or of equal width on [0, 1] (empty bins are left out).
    ci : float, default 0.95
        Level of the intervals of the observed rate.

    Returns
    -------
    CalibrationTable
        Its ``table`` has one row per bin (see :class:`CalibrationTable`); a calibrated scorer
        has ``predicted`` inside the interval in most bins (``n_covered``). ``plot()`` draws
        it.

    Examples
    --------
    >>> cal = calibration_table([0, 0, 0, 1, 1, 1], [.1, .1, .2, .2, .8, .9], n_bins=2)
    >>> cal.table["observed"].tolist(), cal.n_covered
    ([0.0, 1.0], 2)
    """
    strategy = check_option(strategy, "strategy", ("quantile", "uniform"))
    ci = check_ci(ci)
    y, s = _check_scores(y_true, scores)
    if strategy == "quantile":
        bins = _equal_groups(s, _check_bins(n_bins, len(s)), best_first=False)
    else:
        n_bins = check_int(n_bins, "n_bins", 1)
        bins = np.minimum((s * n_bins).astype(np.int64), n_bins - 1) + 1
    counts = _counts_by("bin", bins, y, s)
    out = counts[["bin", "leads", "conversions"]].copy()
    out["predicted"] = counts["mean_score"]
    out["observed"] = out["conversions"] / out["leads"]
    out["low"], out["high"] = wilson(out["conversions"], out["leads"], ci)
    out["score_min"], out["score_max"] = counts["score_min"], counts["score_max"]
    covered = (out["predicted"] >= out["low"]) & (out["predicted"] <= out["high"])
    return CalibrationTable(
        table=out,
        ci=ci,
        n=len(s),
        n_converted=int(y.sum()),
        strategy=str(strategy),
        n_covered=int(covered.sum()),
    )


# --------------------------------------------------------------------------------------------
# profit of calling down the list
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class ProfitCurve(_Counted):
    """Profit of calling the leads above each score cut-off: the result of
    :func:`profit_curve`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per possible cut-off (call every lead scoring at least ``threshold``), from
        calling nobody to calling everyone: ``threshold``, ``leads_called``,
        ``conversions``, ``share_called``, ``share_reached``, ``revenue``, ``cost``,
        ``profit`` (on the outcomes) and ``expected_profit`` (what the scores promise: the
        sum of the called leads' probabilities times the value, minus the cost; close to
        ``profit`` when the scores are calibrated).
    best : mapping
        Read-only (``dict(result.best)`` gives a copy to change). The cut-off with the
        highest profit: ``threshold``, ``leads_called``,
        ``share_called``, ``share_reached``, ``conversions``, ``profit``, and, when
        bootstrapped, ``profit_low``/``profit_high`` (profit of the chosen cut-off on
        resampled leads) and ``threshold_low``/``threshold_high`` (where the best cut-off
        falls on resampled leads).
    breakeven : float
        ``cost_per_contact / value_per_conversion``: with calibrated scores, calling pays for
        every lead whose probability is above it.
    value_per_conversion, cost_per_contact : float
        The inputs.
    ci : float
        Level of the bootstrap intervals in ``best``.
    n, n_converted : int
        Leads and converters.
    n_boot : int
        Bootstrap resamples drawn (0: ``best`` has no interval).
    """

    best: Mapping[str, float]
    breakeven: float
    value_per_conversion: float
    cost_per_contact: float
    n_boot: int

    def __post_init__(self) -> None:
        # a frozen result: its best cut-off is read-only, and a copy of what was passed in
        object.__setattr__(self, "best", FrozenMapping(self.best))

    def _caption(self) -> str:
        interval = (
            f"; {ci_label(self.ci)} bootstrap intervals ({self.n_boot:,} resamples)"
            if self.n_boot
            else ""
        )
        return (
            f"Profit of calling down the list ({self.n:,} leads, {self.n_converted:,} "
            f"converted): the best cut-off calls {self.best['leads_called']:,} leads"
            f"{interval}"
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.conversion.plotting.plot_profit_curve` of this result."""
        from research.conversion.plotting import plot_profit_curve

        return plot_profit_curve(self, ax=ax, **kwargs)


def _profit_table(y: np.ndarray, s: np.ndarray, value: float, cost: float) -> pd.DataFrame:
    """The gains curve with revenue, cost and profit of each cut-off (prior validation is
    assumed)."""
    gains = _gains(y, s)
    revenue = value * gains["conversions"].to_numpy(dtype=np.float64)
    spent = cost * gains["leads_called"].to_numpy(dtype=np.float64)
    return gains.assign(revenue=revenue, cost=spent, profit=revenue - spent)


def _bootstrap_best(
    y: np.ndarray,
    s: np.ndarray,
    threshold: float,
    *,
    value: float,
    cost: float,
    n_boot: int,
    ci: float,
    rng: np.random.Generator,
) -> dict[str, float]:
    """Percentile intervals, over resampled leads, of the profit of calling at ``threshold``
    and of where the best cut-off falls (a resample of one class is skipped)."""
    profits, thresholds = [], []
    for _ in range(n_boot):
        idx = rng.integers(0, len(y), len(y))
        yb, sb = y[idx], s[idx]
        if yb.all() or not yb.any():
            continue
        called = sb >= threshold
        profits.append(value * yb[called].sum() - cost * called.sum())
        table = _profit_table(yb, sb, value, cost)
        thresholds.append(float(table["threshold"].iloc[int(np.argmax(table["profit"]))]))
    profit_low, profit_high = percentile_interval(np.asarray(profits), ci)
    threshold_low, threshold_high = percentile_interval(np.minimum(thresholds, 1.0), ci)
    return {
        "profit_low": profit_low,
        "profit_high": profit_high,
        "threshold_low": threshold_low,
        "threshold_high": threshold_high,
    }


def profit_curve(
    y_true: object,
    scores: object,
    *,
    value_per_conversion: float,
    cost_per_contact: float,
    n_boot: int = 200,
    ci: float = 0.95,
    random_state: int = 0,
) -> ProfitCurve:
    """Profit of calling the leads above each score cut-off, and the best cut-off.

    Calling the leads that score at least ``t`` earns ``value_per_conversion`` per converter
    among them and costs ``cost_per_contact`` per call; the profit is counted on the
    outcomes given (use out-of-sample scores from :func:`evaluate` so it is not flattered).
    Leads with equal scores are called together.

    Parameters
    ----------
    y_true, scores : array-like
        Outcomes and scores.
    value_per_conversion : float
        Value of one conversion (e.g. margin of a term deposit), > 0.
    cost_per_contact : float
        Cost of one call, >= 0.
    n_boot : int, default 200
        Bootstrap resamples of the leads for the intervals of the best cut-off (0: none).
    ci : float, default 0.95
        Interval level.
    random_state : int, default 0
        Seed of the bootstrap.

    Returns
    -------
    ProfitCurve
        The profit of every cut-off (``table``), the best one (``best``) with its intervals;
        ``plot()`` draws it.

    Examples
    --------
    >>> pc = profit_curve([1, 1, 0, 1, 0], [.9, .8, .7, .6, .5], value_per_conversion=10,
    ...                   cost_per_contact=3, n_boot=0)
    >>> pc.best["threshold"], pc.best["profit"], pc.best["share_called"]
    (0.6, 18.0, 0.8)
    """
    value = check_number(value_per_conversion, "value_per_conversion", minimum=0)
    if value == 0:
        raise ValueError("value_per_conversion must be a positive number, got 0")
    cost = check_number(cost_per_contact, "cost_per_contact", minimum=0)
    n_boot = check_int(n_boot, "n_boot", 0)
    ci = check_ci(ci)
    y, s = _check_scores(y_true, scores)
    table = _profit_table(y, s, value, cost)
    # what the scores themselves promise: the expected conversions of the leads called
    expected = np.r_[0.0, np.cumsum(np.sort(s)[::-1])][table["leads_called"].to_numpy()]
    table["expected_profit"] = value * expected - cost * table["leads_called"]
    row = table.iloc[int(np.argmax(table["profit"].to_numpy()))]
    best: dict[str, float] = {
        "threshold": float(row["threshold"]),
        "leads_called": int(row["leads_called"]),
        "share_called": float(row["share_called"]),
        "share_reached": float(row["share_reached"]),
        "conversions": int(row["conversions"]),
        "profit": float(row["profit"]),
    }
    if n_boot:
        rng = np.random.default_rng(random_state)
        best |= _bootstrap_best(
            y, s, best["threshold"], value=value, cost=cost, n_boot=n_boot, ci=ci, rng=rng
        )
    return ProfitCurve(
        table=table,
        best=best,
        breakeven=cost / value,
        value_per_conversion=value,
        cost_per_contact=cost,
        ci=ci,
        n=len(s),
        n_converted=int(y.sum()),
        n_boot=n_boot,
    )


# --------------------------------------------------------------------------------------------
# A-D tiers
# --------------------------------------------------------------------------------------------


def lead_tiers(
    scores: object,
    *,
    shares: Sequence[float] = (0.1, 0.2, 0.3, 0.4),
    cutoffs: Sequence[float] | None = None,
    labels: Sequence[str] = ("A", "B", "C", "D"),
) -> pd.Categorical:
    """A-D tiers: by share of leads (default: top 10% A, next 20% B, 30% C, 40% D) or by
    probability cut-offs.

    Parameters
    ----------
    scores : array-like
        Score per lead.
    shares : sequence of float, default (0.1, 0.2, 0.3, 0.4)
        Share of the leads in each tier, best first; they must add up to 1. Ties at a tier
        edge are split by row order.
    cutoffs : sequence of float, optional
        Instead of shares: decreasing probability cut-offs, one fewer than the labels, e.g.
        ``(0.5, 0.2, 0.1)``: A at 0.5 or more, B from 0.2, C from 0.1, D below.
    labels : sequence of str, default ("A", "B", "C", "D")
        Tier names, best first.

    Returns
    -------
    pandas.Categorical
        Ordered ``D < C < B < A``, one tier per lead.

    Examples
    --------
    >>> list(lead_tiers([0.9, 0.1, 0.5, 0.3], cutoffs=(0.8, 0.4, 0.2)))
    ['A', 'D', 'B', 'C']
    """
    s = np.asarray(scores, dtype=np.float64).ravel()
    if s.size == 0 or not np.isfinite(s).all():
        raise ValueError("scores must be a non-empty array without missing values")
    labels = list(labels)
    if cutoffs is not None:
        cuts = np.asarray(cutoffs, dtype=np.float64)
        if len(cuts) != len(labels) - 1 or np.any(np.diff(cuts) >= 0):
            raise ValueError(
                f"cutoffs must be {len(labels) - 1} decreasing values for the labels {labels}, "
                f"got {list(cutoffs)}"
            )
        tier = (s[:, None] < cuts[None, :]).sum(axis=1)
    else:
        share = np.asarray(shares, dtype=np.float64)
        if len(share) != len(labels) or np.any(share <= 0) or not np.isclose(share.sum(), 1):
            raise ValueError(
                f"shares must be {len(labels)} positive values adding up to 1, got {list(shares)}"
            )
        order = np.argsort(-s, kind="stable")
        rank = np.empty(len(s))
        rank[order] = (np.arange(len(s)) + 0.5) / len(s)
        tier = np.searchsorted(np.cumsum(share), rank)
    return pd.Categorical.from_codes(len(labels) - 1 - tier, categories=labels[::-1], ordered=True)


@dataclass(frozen=True, eq=False, repr=False)
class TierOutcomes(_Counted):
    """How the leads of each tier converted: the result of :func:`tier_outcomes`.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by tier, best first (every tier of a Categorical, with 0 leads if empty):
        ``leads``, ``conversions``, ``rate`` with ``low`` and ``high`` (Wilson),
        ``share_of_leads``, ``share_of_conversions`` and ``lift`` (the tier's rate over the
        overall rate).
    ci : float
        Level of the Wilson intervals.
    n, n_converted : int
        Leads and converters.
    """

    def _caption(self) -> str:
        return (
            f"Conversion by tier ({self.n:,} leads, {self.n_converted:,} converted; "
            f"{ci_label(self.ci)} Wilson intervals)"
        )


def _tier_labels(tiers: object) -> tuple[pd.Series, list[object]]:
    """Tier of each lead, and the tiers best first: an ordered Categorical's categories from
    the highest, an unordered one's in their order, other labels sorted (numbers as numbers)."""
    if isinstance(tiers, pd.Categorical | pd.Series) and isinstance(
        getattr(tiers, "dtype", None), pd.CategoricalDtype
    ):
        cat = pd.Categorical(tiers)
        order = list(cat.categories[::-1]) if cat.ordered else list(cat.categories)
        labels = pd.Series(cat)
    else:
        labels = pd.Series(np.asarray(tiers).ravel())
        order = sorted(labels.dropna().unique().tolist())
    if labels.isna().any():
        raise ValueError(f"tiers has {int(labels.isna().sum()):,} missing values")
    return labels, order


def tier_outcomes(tiers: object, y_true: object, *, ci: float = 0.95) -> TierOutcomes:
    """How the leads of each tier converted: counts, rate with its Wilson interval, and lift.

    Parameters
    ----------
    tiers : array-like
        Tier of each lead, e.g. the output of :func:`lead_tiers` (an ordered Categorical, whose
        best tier comes first here); other labels are listed in sorted order.
    y_true : array-like
        Outcome of each lead, matched by position, in the encodings every function of
        :mod:`research.conversion` reads: bool, 0/1, or yes/no words (``won``/``lost`` too).
    ci : float, default 0.95
        Level of the intervals.

    Returns
    -------
    TierOutcomes
        Its ``table`` is indexed by tier, best first (see :class:`TierOutcomes`).

    Raises
    ------
    ValueError
        The lengths differ, a tier or an outcome is missing, an outcome is not binary, or
        ``ci`` is outside (0, 1). No conversion at all is not an error (leads of a new tier
        may not have converted yet): the rates are then 0 and the lift undefined.

    Examples
    --------
    >>> tiers = lead_tiers([0.9, 0.8, 0.2, 0.1], cutoffs=(0.5,), labels=("A", "B"))
    >>> out = tier_outcomes(tiers, [1, 0, 0, 0])
    >>> out.table.index.tolist(), out.table["conversions"].tolist(), out.table["rate"].tolist()
    (['A', 'B'], [1, 0], [0.5, 0.0])
    """
    ci = check_ci(ci)
    labels, order = _tier_labels(tiers)
    y = _target(y_true, labels.to_frame(), "y_true", rows="tiers has", both_classes=False)
    grouped = pd.Series(y).groupby(labels.astype(object).to_numpy())
    leads = grouped.size().reindex(order, fill_value=0).astype(np.int64)
    conversions = grouped.sum().reindex(order, fill_value=0).astype(np.int64)
    low, high = wilson(conversions.to_numpy(), leads.to_numpy(), ci)
    overall = y.mean()
    total_conv = conversions.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(leads > 0, conversions / leads.where(leads > 0, 1), np.nan)
        out = pd.DataFrame(
            {
                "leads": leads,
                "conversions": conversions,
                "rate": rate,
                "low": low,
                "high": high,
                "share_of_leads": leads / leads.sum(),
                "share_of_conversions": conversions / total_conv if total_conv else np.nan,
                "lift": rate / overall if overall > 0 else np.nan,
            }
        )
    out.index = pd.Index(order, name="tier")
    return TierOutcomes(table=out, ci=ci, n=len(y), n_converted=int(total_conv))
