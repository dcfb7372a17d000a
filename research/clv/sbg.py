"""Subscription retention by cohort: the shifted-beta-geometric model (Fader & Hardie 2007).

In a contractual business (subscriptions, renewals) each customer renews at every period with
their own probability, and those probabilities vary across customers as a beta distribution:
the cohort's retention rate rises over time because the customers likeliest to leave leave
first. Fader & Hardie (2007), "How to Project Customer Retention", fit it to two cohorts of
1,000 customers observed for 7 years ("regular": alpha = 0.704, beta = 1.182; "high end":
alpha = 0.668, beta = 3.806) and project years 8-12.

* :func:`fit_sbg` fits it by maximum likelihood on the counts of a cohort still active at the
  start of each period;
* :func:`project_retention` projects the cohort's survivors and retention rates, with intervals
  that carry the uncertainty of the parameters (:class:`RetentionProjection`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import special

from research._format import ci_label
from research._results import Result
from research._validation import (
    check_ci,
    check_int,
    check_number,
    check_option,
    require_columns,
    require_frame,
    rows_repr,
)
from research.clv.fitting import ModelFit, _Candidate, _fit, _negative_mean

__all__ = ["fit_sbg", "cohort_survivors", "RetentionProjection", "project_retention"]

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _survivor_counts(survivors: object, minimum: int = 3) -> np.ndarray:
    """The cohort's counts, checked: at least ``minimum``, whole numbers, not rising, the
    first positive."""
    if isinstance(survivors, (str, bytes)) or not isinstance(
        survivors, (Sequence, np.ndarray, pd.Series)
    ):
        raise TypeError(
            "survivors must be a sequence of counts (customers active at the start of each "
            f"period, from period 0), got {type(survivors).__name__}"
        )
    try:
        counts = np.asarray(pd.to_numeric(pd.Series(list(survivors))), dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"survivors must be numbers of customers: {exc}") from None
    if len(counts) < minimum:
        raise ValueError(
            f"survivors has {len(counts)} count(s): the model needs the cohort's size and at "
            "least two periods after it (its two parameters)"
        )
    if not np.isfinite(counts).all() or (counts < 0).any() or (counts != np.round(counts)).any():
        raise ValueError(
            f"survivors must be whole numbers of customers >= 0, got {counts.tolist()!r}"
        )
    if counts[0] <= 0:
        raise ValueError("survivors[0], the cohort's size, must be positive")
    rising = np.flatnonzero(np.diff(counts) > 0)
    if len(rising):
        i = int(rising[0]) + 1
        raise ValueError(
            f"survivors rises at period {i} ({counts[i - 1]:g} -> {counts[i]:g}): a cohort only "
            "loses customers (are these counts of one cohort, from its start?)"
        )
    return counts


def _cohort_terms(cohorts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The likelihood's terms of several cohorts: for each, the customers lost in periods
    1 .. k (weights, period, True) and those still active after k (weight, k, False); and the
    customers in all."""
    tt, w, lost = [], [], []
    for counts in cohorts:
        k = len(counts) - 1
        tt += [np.arange(1, k + 1, dtype=float), [float(k)]]
        w += [counts[:-1] - counts[1:], [counts[-1]]]
        lost += [np.ones(k, dtype=bool), [False]]
    total = float(sum(c[0] for c in cohorts))
    return np.concatenate(tt), np.concatenate(w), np.concatenate(lost), total


def _sbg_objective(cohorts: list[np.ndarray]) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """Mean negative sBG log-likelihood of (alpha, beta) per customer, with its analytic
    gradient: the customers lost in period t, each with
    P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta), and those still active at a
    cohort's last period k with S(k) = B(alpha, beta + k) / B(alpha, beta)."""
    tt, w, is_lost, n = _cohort_terms(cohorts)

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        alpha, beta = params
        lbeta = special.betaln(alpha, beta)
        dig_ab = special.digamma(alpha + beta)
        lost = special.betaln(alpha + 1, beta + tt - 1) - lbeta
        kept = special.betaln(alpha, beta + tt) - lbeta
        ll = np.where(is_lost, lost, kept)
        d_alpha = (
            np.where(is_lost, special.digamma(alpha + 1) - special.digamma(alpha), 0.0)
            + dig_ab
            - special.digamma(alpha + beta + tt)
        )
        d_beta = (
            np.where(is_lost, special.digamma(beta + tt - 1), special.digamma(beta + tt))
            - special.digamma(alpha + beta + tt)
            - special.digamma(beta)
            + dig_ab
        )
        return _negative_mean(w, n, ll, d_alpha, d_beta)

    return objective


def _geometric_objective(
    cohorts: list[np.ndarray],
) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """sBG's limit where everyone churns alike (the geometric model), in the churn p."""
    tt, w, is_lost, n = _cohort_terms(cohorts)

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        (p,) = params
        ll = np.where(is_lost, np.log(p) + (tt - 1) * np.log1p(-p), tt * np.log1p(-p))
        d_p = np.where(is_lost, 1 / p - (tt - 1) / (1 - p), -tt / (1 - p))
        return _negative_mean(w, n, ll, d_p)

    return objective


def _sbg_transform(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(alpha, beta) from (logit alpha / (alpha + beta), log alpha + beta), with the Jacobian:
    "everyone churns alike" (alpha + beta = inf at a fixed mean churn) is an edge of one."""
    mu, kappa = special.expit(theta[0]), np.exp(theta[1])
    dmu = kappa * mu * (1 - mu)
    jac = np.array([[dmu, mu * kappa], [-dmu, (1 - mu) * kappa]])
    return np.array([mu * kappa, (1 - mu) * kappa]), jac


def _logit_transform(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = special.expit(theta)
    return p, np.diag(p * (1 - p))


_SBG_NOTES = {
    "same_churn": (
        "every customer has the same chance of leaving each period (the best fit has alpha and "
        "beta running to infinity together, the geometric model): retention does not rise as "
        "the cohort ages."
    ),
}


def _cohort_rows(table: pd.DataFrame) -> list[np.ndarray]:
    """Each cohort's counts from a table of cohorts (rows) by periods since start (columns),
    each row observed from period 0 to its last count (NaN after it)."""
    cohorts = []
    for name, row in table.iterrows():
        values = pd.to_numeric(row, errors="coerce").to_numpy(dtype=np.float64)
        seen = ~np.isnan(values)
        if not seen.any():
            continue
        last = int(np.flatnonzero(seen)[-1])
        if not seen[: last + 1].all():
            raise ValueError(
                f"cohort {name!r} has a gap before its last count: a cohort is counted from "
                "period 0 without gaps, NaN only after its last observed period"
            )
        try:
            counts = _survivor_counts(list(values[: last + 1]), minimum=1)
        except ValueError as exc:
            raise ValueError(f"cohort {name!r}: {exc}") from None
        cohorts.append(counts)
    return cohorts


def _pooled_survival(cohorts: list[np.ndarray]) -> np.ndarray:
    """The share of customers still active at each period, pooled over the cohorts observed
    there (Kaplan-Meier: the product of each period's pooled retention)."""
    longest = max(len(c) for c in cohorts)
    share = [1.0]
    for t in range(1, longest):
        before = sum(c[t - 1] for c in cohorts if len(c) > t)
        after = sum(c[t] for c in cohorts if len(c) > t)
        share.append(share[-1] * (after / before if before else 1.0))
    return np.array(share)


def fit_sbg(
    survivors: Sequence[float] | np.ndarray | pd.Series | pd.DataFrame,
    *,
    penalizer: float = 0.0,
    start: tuple[float, float] | None = None,
) -> ModelFit:
    """Fit the shifted-beta-geometric model to the survivors of one cohort, or of several.

    Parameters
    ----------
    survivors : sequence of int, or DataFrame
        One cohort: its customers still active at the start of each period, the cohort's
        size at period 0, then at periods 1, 2, …, k (not rising). E.g. Fader & Hardie's
        "regular" cohort: ``[1000, 631, 468, 382, 326, 289, 262, 241]``. Several cohorts
        (e.g. customers by month of start, from :func:`cohort_survivors`): a DataFrame with
        one row per cohort and one column per period since its start, NaN after its last
        observed period; the cohorts share the model's two parameters.
    penalizer : float, default 0.0
        L2 penalty on the parameters, per customer (lifetimes' convention).
    start : tuple of 2 floats, optional
        An extra starting point (alpha, beta) besides the ones computed from the counts (the
        fit does not depend on it).

    Returns
    -------
    ModelFit
        ``model="sBG"``, ``params`` ``alpha``, ``beta`` (the beta distribution of the
        per-period churn probability; its mean is alpha / (alpha + beta)); ``n_obs`` is the
        customers of the cohorts; ``extra["survivors"]`` the counts fitted on (of several
        cohorts: their pooled share still active, Kaplan-Meier, times their customers) and
        ``extra["cohorts"]`` the number of cohorts.

    Raises
    ------
    TypeError
        ``survivors`` is not a sequence of numbers or a DataFrame.
    ValueError
        Fewer than three periods, negative or fractional counts, a cohort of size 0, counts
        that rise, a gap in a cohort's counts, or no one leaving.
    ConvergenceError
        The counts do not identify the model.

    Examples
    --------
    >>> fit = fit_sbg([1000, 631, 468, 382, 326, 289, 262, 241])
    >>> fit.params.round(3).to_dict()
    {'alpha': 0.704, 'beta': 1.182}
    """
    penalizer = check_number(penalizer, "penalizer", minimum=0)
    if isinstance(survivors, pd.DataFrame):
        cohorts = _cohort_rows(survivors)
        if not cohorts or max(len(c) for c in cohorts) < 3:
            raise ValueError(
                "survivors has no cohort counted over two periods after its start: the model "
                "needs at least two (its two parameters)"
            )
    else:
        cohorts = [_survivor_counts(survivors)]
    if all(c[-1] == c[0] for c in cohorts):
        raise ValueError(
            "no customer of the cohort left in the periods given: the churn cannot be estimated"
        )
    pooled = _pooled_survival(cohorts)
    churn = 1 - pooled[-1] ** (1 / (len(pooled) - 1))  # mean churn per period
    churn = min(max(churn, 0.01), 0.99)
    starts = [np.array([special.logit(churn), np.log(k)]) for k in (1.0, 5.0, 0.3)]
    if start is not None:
        if len(start) != 2 or not all(np.isfinite(v) and v > 0 for v in start):
            raise ValueError(f"start must be 2 positive numbers (alpha, beta), got {start!r}")
        a0, b0 = (float(v) for v in start)
        starts.append(np.array([np.log(a0 / b0), np.log(a0 + b0)]))
    candidates = [
        _Candidate(
            ["alpha", "beta"],
            _sbg_objective(cohorts),
            starts,
            _sbg_transform,
            edges={(1, 1): "same_churn"},
        ),
        _Candidate(
            ["churn"],
            _geometric_objective(cohorts),
            [np.array([special.logit(churn)])],
            _logit_transform,
            boundary="same_churn",
            fixed={"alpha": np.inf, "beta": np.inf},
            order=["alpha", "beta", "churn"],
        ),
    ]
    n = int(sum(c[0] for c in cohorts))
    counts = (
        tuple(int(c) for c in cohorts[0])
        if len(cohorts) == 1
        else tuple(float(v) for v in n * pooled)
    )
    return _fit(
        candidates,
        model="sBG",
        n_obs=n,
        penalizer=penalizer,
        notes=_SBG_NOTES,
        extra={"survivors": counts, "cohorts": len(cohorts)},
    )


def cohort_survivors(
    customers: pd.DataFrame,
    *,
    start_col: str,
    end_col: str,
    data_end: str | pd.Timestamp,
    period: str = "M",
) -> pd.DataFrame:
    """Customers still active at the start of each period since they started, by cohort.

    The input of :func:`fit_sbg` for several cohorts, from a table of subscriptions: a cohort
    is the customers who started in one calendar period (month, quarter or year), and a
    customer counts as active at the start of period t after their start until the period in
    which they ended. Periods after ``data_end`` are not observed (NaN).

    Parameters
    ----------
    customers : pandas.DataFrame
        One row per customer (subscription): its start and, if it has ended, its end. Not
        modified.
    start_col, end_col : str
        Columns of the start and end timestamps (end missing: still active).
    data_end : str or Timestamp
        The end of the data: the last moment a customer's end could have been seen.
    period : {"M", "Q", "Y"}, default "M"
        The period of the cohorts and of the counts.

    Returns
    -------
    pandas.DataFrame
        One row per cohort (index ``cohort``: the period of start), one column per period
        since the start (0, 1, …): customers still active at its start, NaN where not yet
        observed.

    Raises
    ------
    ValueError
        Missing columns or start times, an end before its start, or an unknown period.

    Examples
    --------
    >>> table = cohort_survivors(crm.customers, start_col="start_at", end_col="churned_at",
    ...                          data_end="2024-12-31")  # doctest: +SKIP
    >>> fit_sbg(table)  # doctest: +SKIP
    """
    frame = require_frame(customers, "customers")
    require_columns(frame, [start_col, end_col], "customers")
    period = str(check_option(period, "period", ("M", "Q", "Y")))
    start = pd.to_datetime(frame[start_col])
    end = pd.to_datetime(frame[end_col])
    if start.isna().any():
        raise ValueError(
            f"column {start_col!r} has {int(start.isna().sum()):,} missing start times (rows "
            f"{rows_repr(frame.index[start.isna().to_numpy()])})"
        )
    backwards = (end < start).to_numpy()
    if backwards.any():
        raise ValueError(
            f"{int(backwards.sum()):,} customers end before they start (rows "
            f"{rows_repr(frame.index[backwards])})"
        )
    last = pd.Timestamp(data_end).to_period(period).ordinal
    first = start.dt.to_period(period).array.asi8
    open_ = (end.isna() | (end > pd.Timestamp(data_end))).to_numpy()
    ended = np.where(open_, 0, end.dt.to_period(period).array.asi8)
    # periods survived: a customer is active at the start of each period after their start up
    # to the one in which they end (or up to the last period of the data)
    lived = np.where(open_, last - first + 1, ended - first)
    horizon = int(last - first.min())
    rows = {}
    for cohort in np.unique(first):
        part = lived[first == cohort]
        observed = int(last - cohort)  # periods after the start seen by data_end
        counts = [float((part >= t).sum()) for t in range(observed + 1)]
        rows[pd.Period(ordinal=int(cohort), freq=period)] = counts + [np.nan] * (horizon - observed)
    table = pd.DataFrame.from_dict(rows, orient="index", columns=range(horizon + 1))
    table.index.name = "cohort"
    return table


def _survival(draws: pd.DataFrame, t: np.ndarray) -> np.ndarray:
    """S(t) = B(alpha, beta + t) / B(alpha, beta), or (1 - churn) ** t at the limit where
    everyone churns alike, for each draw (rows) and period (columns)."""
    if "churn" in draws and np.isfinite(draws["churn"]).all():
        return np.exp(np.log1p(-draws["churn"].to_numpy())[:, None] * t[None, :])
    a = draws["alpha"].to_numpy(dtype=float)[:, None]
    b = draws["beta"].to_numpy(dtype=float)[:, None]
    return np.exp(special.betaln(a, b + t[None, :]) - special.betaln(a, b))


@dataclass(frozen=True, eq=False, repr=False)
class RetentionProjection(Result):
    """A cohort's survivors and retention rates, fitted and projected: the result of
    :func:`project_retention`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per period from 0 (index ``period``): ``survival`` (share of the cohort still
        active), ``survivors`` (of the cohort's size), their interval (``survivors_low``,
        ``survivors_high``), ``retention`` (share of the previous period's customers who
        renew; NaN at period 0) with ``retention_low``/``retention_high``, ``actual`` (the
        counts fitted on, and any ``actual`` given beyond them; NaN elsewhere) and
        ``projected`` (True after the fitted periods).
    ci : float
        Level of the intervals.
    fitted_periods : int
        The last period the model was fitted on.
    n_draws : int
        Parameter draws behind the intervals.
    """

    table: pd.DataFrame
    ci: float
    fitted_periods: int
    n_draws: int

    def to_frame(self) -> pd.DataFrame:
        """The period table, as a new DataFrame."""
        return self.table.copy()

    def _caption(self) -> str:
        last = int(self.table.index.max())
        return (
            f"sBG retention fitted on periods 0-{self.fitted_periods}, projected to {last}; "
            f"{ci_label(self.ci)} intervals from {self.n_draws:,} parameter draws"
        )

    @property
    def projection_error(self) -> pd.Series:
        """(projected - actual) / actual for the projected periods with an actual count."""
        rows = self.table[self.table["projected"] & self.table["actual"].notna()]
        return ((rows["survivors"] - rows["actual"]) / rows["actual"]).rename("relative_error")

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.clv.plotting.plot_retention` of this projection."""
        from research.clv.plotting import plot_retention

        return plot_retention(self, ax=ax, **kwargs)


def project_retention(
    fit: ModelFit,
    periods: int,
    *,
    actual: Sequence[float] | None = None,
    ci: float = 0.95,
    n_draws: int = 4000,
    seed: int | None = 0,
) -> RetentionProjection:
    """Project a cohort's survivors and retention rates from an sBG fit, with intervals.

    The intervals carry the uncertainty of the parameters: each of ``n_draws`` draws from the
    fit's sampling distribution (:meth:`ModelFit.draw_params`) gives a survival curve, and the
    interval is the middle ``ci`` of them at each period.

    Parameters
    ----------
    fit : ModelFit
        The result of :func:`fit_sbg`.
    periods : int
        The last period to project (>= 1); periods 0 .. ``periods`` are in the table.
    actual : sequence of numbers, optional
        Counts observed after the fitted periods (periods k + 1, k + 2, …), to set beside the
        projection (Fader & Hardie's years 8-12).
    ci : float, default 0.95
        Level of the intervals.
    n_draws : int, default 4000
        Parameter draws (>= 100).
    seed : int or None, default 0
        Seed of the draws.

    Returns
    -------
    RetentionProjection

    Examples
    --------
    >>> fit = fit_sbg([1000, 869, 743, 653, 593, 551, 517, 491])
    >>> projection = project_retention(fit, 12, actual=[468, 445, 427, 409, 394])
    >>> projection.table.loc[12, ["survivors", "actual"]].round().tolist()
    [378.0, 394.0]
    """
    if not isinstance(fit, ModelFit) or fit.model != "sBG":
        raise TypeError(f"fit: expected the result of fit_sbg, got {type(fit).__name__}")
    periods = check_int(periods, "periods", minimum=1)
    ci = check_ci(ci)
    n_draws = check_int(n_draws, "n_draws", minimum=100)
    counts = np.asarray(fit.extra["survivors"], dtype=float)
    k = len(counts) - 1
    later = np.asarray([] if actual is None else list(actual), dtype=float)
    if len(later) and (not np.isfinite(later).all() or (later < 0).any()):
        raise ValueError(f"actual must be counts >= 0, got {later.tolist()!r}")
    t = np.arange(periods + 1, dtype=float)
    survival = _survival(fit.params.to_frame().T, t)[0]
    curves = _survival(fit.draw_params(n_draws, seed=seed), t)
    tail = (1 - ci) / 2
    low, high = np.quantile(curves, [tail, 1 - tail], axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = curves[:, 1:] / curves[:, :-1]
    retention = np.r_[np.nan, survival[1:] / survival[:-1]]
    r_low = np.r_[np.nan, np.quantile(rates, tail, axis=0)]
    r_high = np.r_[np.nan, np.quantile(rates, 1 - tail, axis=0)]
    observed = np.full(periods + 1, np.nan)
    known = np.r_[counts, later][: periods + 1]
    observed[: len(known)] = known
    size = counts[0]
    table = pd.DataFrame(
        {
            "survival": survival,
            "survivors": size * survival,
            "survivors_low": size * low,
            "survivors_high": size * high,
            "retention": retention,
            "retention_low": r_low,
            "retention_high": r_high,
            "actual": observed,
            "projected": t > k,
        },
        index=pd.Index(t.astype(int), name="period"),
    )
    return RetentionProjection(table=table, ci=ci, fitted_periods=k, n_draws=n_draws)
