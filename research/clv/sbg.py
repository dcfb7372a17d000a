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
from research._validation import check_ci, check_int, check_number
from research.clv.fitting import ModelFit, _Candidate, _fit, _negative_mean

__all__ = ["fit_sbg", "RetentionProjection", "project_retention"]

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _survivor_counts(survivors: object) -> np.ndarray:
    """The cohort's counts, checked: whole numbers, not rising, the first positive."""
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
    if len(counts) < 3:
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


def _sbg_objective(counts: np.ndarray) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """Mean negative sBG log-likelihood of (alpha, beta) per customer of the cohort, with its
    analytic gradient: the customers lost in period t, (n_{t-1} - n_t), each with
    P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta), and those still active at the end
    with S(k) = B(alpha, beta + k) / B(alpha, beta)."""
    k = len(counts) - 1
    t = np.arange(1, k + 1, dtype=float)
    w = np.r_[counts[:-1] - counts[1:], counts[-1]]
    is_lost = np.r_[np.ones(k, dtype=bool), False]
    tt = np.r_[t, k]

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        alpha, beta = params
        lbeta = special.betaln(alpha, beta)
        dig_ab = special.digamma(alpha + beta)
        lost = special.betaln(alpha + 1, beta + tt - 1) - lbeta
        kept = special.betaln(alpha, beta + tt) - lbeta
        ll = np.where(is_lost, lost, kept)
        d_alpha = (
            np.where(
                is_lost,
                special.digamma(alpha + 1) - special.digamma(alpha),
                0.0,
            )
            + dig_ab
            - special.digamma(alpha + beta + tt)
        )
        d_beta = (
            np.where(is_lost, special.digamma(beta + tt - 1), special.digamma(beta + tt))
            - special.digamma(alpha + beta + tt)
            - special.digamma(beta)
            + dig_ab
        )
        return _negative_mean(w, float(counts[0]), ll, d_alpha, d_beta)

    return objective


def _geometric_objective(counts: np.ndarray) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """sBG's limit where everyone churns alike (the geometric model), in the churn p."""
    k = len(counts) - 1
    t = np.arange(1, k + 1, dtype=float)
    lost = counts[:-1] - counts[1:]
    n = float(counts[0])

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        (p,) = params
        ll = np.r_[np.log(p) + (t - 1) * np.log1p(-p), k * np.log1p(-p)]
        d_p = np.r_[1 / p - (t - 1) / (1 - p), -k / (1 - p)]
        return _negative_mean(np.r_[lost, counts[-1]], n, ll, d_p)

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


def fit_sbg(
    survivors: Sequence[float] | np.ndarray | pd.Series, *, penalizer: float = 0.0
) -> ModelFit:
    """Fit the shifted-beta-geometric model to one cohort's survivors.

    Parameters
    ----------
    survivors : sequence of int
        Customers of the cohort still active at the start of each period: the cohort's size
        at period 0, then at periods 1, 2, …, k (not rising). E.g. Fader & Hardie's "regular"
        cohort: ``[1000, 631, 468, 382, 326, 289, 262, 241]``.
    penalizer : float, default 0.0
        L2 penalty on the parameters, per customer (lifetimes' convention).

    Returns
    -------
    ModelFit
        ``model="sBG"``, ``params`` ``alpha``, ``beta`` (the beta distribution of the
        per-period churn probability; its mean is alpha / (alpha + beta)); ``n_obs`` is the
        cohort's size; ``extra["survivors"]`` the counts fitted on.

    Raises
    ------
    TypeError
        ``survivors`` is not a sequence of numbers.
    ValueError
        Fewer than three counts, negative or fractional counts, a first count of 0, or
        counts that rise.
    ConvergenceError
        The counts do not identify the model (e.g. nobody leaves).

    Examples
    --------
    >>> fit = fit_sbg([1000, 631, 468, 382, 326, 289, 262, 241])
    >>> fit.params.round(3).to_dict()
    {'alpha': 0.704, 'beta': 1.182}
    """
    penalizer = check_number(penalizer, "penalizer", minimum=0)
    counts = _survivor_counts(survivors)
    if counts[-1] == counts[0]:
        raise ValueError(
            "no customer of the cohort left in the periods given: the churn cannot be estimated"
        )
    churn = 1 - (counts[-1] / counts[0]) ** (1 / (len(counts) - 1))  # mean churn per period
    churn = min(max(churn, 0.01), 0.99)
    starts = [np.array([special.logit(churn), np.log(k)]) for k in (1.0, 5.0, 0.3)]
    candidates = [
        _Candidate(
            ["alpha", "beta"],
            _sbg_objective(counts),
            starts,
            _sbg_transform,
            edges={(1, 1): "same_churn"},
        ),
        _Candidate(
            ["churn"],
            _geometric_objective(counts),
            [np.array([special.logit(churn)])],
            _logit_transform,
            boundary="same_churn",
            fixed={"alpha": np.inf, "beta": np.inf},
            order=["alpha", "beta", "churn"],
        ),
    ]
    n = int(counts[0])
    return _fit(
        candidates,
        model="sBG",
        n_obs=n,
        penalizer=penalizer,
        notes=_SBG_NOTES,
        extra={"survivors": tuple(int(c) for c in counts)},
    )


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
