"""Customer lifetime value: BG/NBD for purchase counts, Gamma-Gamma for spend, exact and fast.

* :func:`fit_bgnbd` fits the BG/NBD model of Fader, Hardie & Lee (2005, *Marketing Science*
  24(2)) by maximum likelihood on an RFM summary (``frequency``, ``recency``, ``T`` from
  :func:`research.segmentation.rfm_summary`), with standard errors and 95% intervals.
* :func:`fit_gamma_gamma` fits the Gamma-Gamma spend model (Fader, Hardie & Lee 2005,
  "RFM and CLV: using iso-value curves", *Journal of Marketing Research* 42(4)) on the repeat
  customers' mean spend, and reports how strongly spend and frequency are correlated (the model
  assumes they are independent).
* :func:`customer_lifetime_value` combines both into the expected discounted value of each
  customer over a horizon; :func:`clv_by_segment` sums it by segment.
* :func:`holdout_check` compares the model's expected repeat purchases in a holdout period with
  what customers really did, per number of calibration-period purchases.

The likelihoods are written in log form with :func:`scipy.special.gammaln` / ``betaln`` and
evaluated once per distinct (frequency, recency, T) triple, weighted by its count, which makes a
fit on tens of thousands of customers take milliseconds per evaluation. The fits follow one
recipe (:mod:`research._mle`) so that the same data give the same parameters on every machine,
whatever the row order, starting point, processor or thread count: analytic gradients on the
log scale of the parameters, starting values from the data, several starts and Newton steps to
the maximum. When the maximum lies on a boundary of the model that the data support (no
detectable dropout; spend constant per customer; one spend level for all), the limit model is
fitted and returned with a :class:`BoundaryFitWarning` saying what it means for the
predictions; :class:`ConvergenceError` is kept for data the model cannot describe. Standard
errors come from the Hessian of the log-likelihood and intervals are Wald intervals on the log
scale, so they stay positive.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special, stats

from research import _mle
from research._checks import (
    nonnegative_values,
    require_columns,
    require_frame,
    require_rows,
    rows_repr,
)

__all__ = [
    "BoundaryFitWarning",
    "ConvergenceError",
    "ModelFit",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "expected_purchases",
    "probability_alive",
    "expected_purchases_unconditional",
    "expected_average_spend",
    "customer_lifetime_value",
    "clv_by_segment",
    "holdout_purchases",
    "holdout_check",
]


class ConvergenceError(RuntimeError):
    """The maximum-likelihood fit found no proper maximum; the message says what to set."""


class BoundaryFitWarning(UserWarning):
    """The best fit is a limit of the model (e.g. no detectable dropout); the message says
    what that means for the predictions."""


@dataclass
class ModelFit:
    """A fitted model: parameters with standard errors, intervals and fit statistics.

    Attributes
    ----------
    model : str
        ``"BG/NBD"`` or ``"Gamma-Gamma"``.
    params : pandas.Series
        Maximum-likelihood estimates, indexed by parameter name. At a boundary (see
        ``boundary``) a parameter the data drive to a limit holds that limit (``a = 0``,
        ``p = inf``), one the limit leaves undefined is NaN, and the limit model's own parameter
        is added (``scale`` or ``nu`` for Gamma-Gamma).
    bse : pandas.Series
        Standard errors (from the inverse Hessian of the log-likelihood); NaN for parameters
        at a limit.
    loglik : float
        Maximised log-likelihood (without the penalty).
    n_obs : int
        Number of customers the model was fitted on.
    penalizer : float
        L2 penalty on the parameters used in the fit (0 = plain maximum likelihood): the
        objective is the mean negative log-likelihood per customer plus
        ``penalizer * sum(params ** 2)``, as in lifetimes.
    converged : bool
        Whether the search ended at a maximum (gradient zero in every free direction).
    extra : dict
        Model-specific diagnostics (for Gamma-Gamma: the spend-frequency correlation).
    boundary : str or None
        ``None`` for an interior maximum, else the limit the data support: ``"no_dropout"``
        (BG/NBD: no customer is seen to drop out), ``"constant_spend"`` (Gamma-Gamma: each
        customer spends the same on every purchase) or ``"same_mean_spend"`` (Gamma-Gamma: all
        customers have the same mean spend).
    note : str
        What a boundary means for the predictions (empty for an interior maximum); also
        issued as a :class:`BoundaryFitWarning` by the fit.
    """

    model: str
    params: pd.Series
    bse: pd.Series
    loglik: float
    n_obs: int
    penalizer: float
    converged: bool
    extra: dict[str, object] = field(default_factory=dict)
    boundary: str | None = None
    note: str = ""

    @property
    def limits(self) -> frozenset[str]:
        """The limits in ``boundary`` (it may name two, e.g. ``"no_dropout + same_rate"``)."""
        return frozenset(self.boundary.split(" + ")) if self.boundary else frozenset()

    @property
    def aic(self) -> float:
        """Akaike information criterion (parameters at a limit are not counted)."""
        k = int(np.isfinite(self.bse).sum()) if self.boundary else len(self.params)
        return 2 * k - 2 * self.loglik

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Wald intervals on the log scale (so they stay positive), columns ``low``, ``high``."""
        z = stats.norm.ppf(1 - alpha / 2)
        se_log = self.bse / self.params
        return pd.DataFrame(
            {
                "low": self.params * np.exp(-z * se_log),
                "high": self.params * np.exp(z * se_log),
            }
        )

    def summary(self, alpha: float = 0.05) -> pd.DataFrame:
        """Table of estimates, standard errors and intervals, with the fit statistics in attrs."""
        ci = self.conf_int(alpha)
        table = pd.DataFrame(
            {
                "estimate": self.params,
                "std_err": self.bse,
                f"low_{1 - alpha:.0%}": ci["low"],
                f"high_{1 - alpha:.0%}": ci["high"],
            }
        )
        table.index.name = "parameter"
        table.attrs.update(
            model=self.model, loglik=self.loglik, aic=self.aic, n_obs=self.n_obs,
            penalizer=self.penalizer, converged=self.converged,
        )  # fmt: skip
        return table

    def __repr__(self) -> str:
        lines = [
            f"{self.model} fit on {self.n_obs:,} customers: log-likelihood {self.loglik:,.2f}, "
            f"AIC {self.aic:,.1f}" + (f", penalizer {self.penalizer}" if self.penalizer else ""),
            self.summary().to_string(float_format=lambda v: f"{v:.4f}"),
        ]
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------------


def _rfm_arrays(
    summary: pd.DataFrame, frequency_col: str, recency_col: str, T_col: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    frame = require_frame(summary, "summary")
    cols = [frequency_col, recency_col, T_col]
    require_columns(frame, cols, "summary")
    require_rows(frame, "summary")
    why = "counts and durations cannot be negative"
    arrays = [nonnegative_values(frame, col, "summary", why) for col in cols]
    x, t_x, T = arrays
    _whole_counts(x, frame, frequency_col)
    late = t_x > T + 1e-9
    if late.any():
        raise ValueError(
            f"{int(late.sum()):,} customers have {recency_col!r} greater than {T_col!r} (rows "
            f"{rows_repr(frame.index[late])}): the last purchase cannot come after the end of "
            "the observation period"
        )
    odd = (x == 0) & (t_x > 0)
    if odd.any():
        raise ValueError(
            f"{int(odd.sum()):,} customers have no repeat purchase but a positive "
            f"{recency_col!r} (rows {rows_repr(frame.index[odd])}): with frequency 0 the recency "
            "must be 0 (age at the last purchase = age at the first)"
        )
    return x, t_x, T


def _whole_counts(x: np.ndarray, frame: pd.DataFrame, col: str) -> None:
    fractional = x != np.round(x)
    if fractional.any():
        raise ValueError(
            f"column {col!r} of summary has {int(fractional.sum()):,} values that are not whole "
            f"numbers (rows {rows_repr(frame.index[fractional])}): it counts repeat purchases"
        )


def _compress(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Distinct rows of the columns and how often each occurs (the likelihood's weights)."""
    order = np.lexsort(columns[::-1])
    stacked = np.column_stack(columns)[order]
    new = np.r_[True, np.any(stacked[1:] != stacked[:-1], axis=1)]
    starts = np.flatnonzero(new)
    counts = np.diff(np.r_[starts, len(stacked)])
    unique = stacked[starts]
    return [unique[:, i] for i in range(unique.shape[1])], counts.astype(np.float64)


def _check_penalizer(penalizer: object) -> float:
    ok = isinstance(penalizer, int | float) and not isinstance(penalizer, bool)
    if not (ok and math.isfinite(penalizer) and penalizer >= 0):  # type: ignore[arg-type]
        raise ValueError(f"penalizer must be a non-negative number, got {penalizer!r}")
    return float(penalizer)  # type: ignore[arg-type]


Kernel = Callable[[np.ndarray], tuple[float, np.ndarray]]
Transform = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


def _log_transform(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parameters from their logs, and the Jacobian d params / d theta."""
    params = np.exp(theta)
    return params, np.diag(params)


@dataclass(frozen=True)
class _Candidate:
    """One model to try: the full model or one of its limits (a boundary of the full one).

    ``kernel`` takes the natural parameters ``names``; the search runs over coordinates
    ``theta`` that ``transform`` maps to them (with the Jacobian), chosen so that each limit
    of the model is an edge of one coordinate rather than a ridge between two.
    """

    names: list[str]
    kernel: Kernel
    starts: list[np.ndarray]
    transform: Transform = _log_transform
    boundary: str | None = None
    # reported parameters: name -> value fixed by the limit (0, inf) or NaN (undefined there)
    fixed: dict[str, float] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    # (coordinate, -1 or +1) -> boundary label of the limit that edge of the box stands for
    edges: dict[tuple[int, int], str] = field(default_factory=dict)

    def objective(self, penalizer: float) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
        """Mean negative log-likelihood plus ``penalizer * sum(params ** 2)``, of ``theta``."""

        def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
            params, jac = self.transform(theta)
            value, grad = self.kernel(params)
            if penalizer:
                value += penalizer * float((params**2).sum())
                grad = grad + 2 * penalizer * params
            return value, (jac * grad[:, None]).sum(axis=0)  # no BLAS

        return objective


# A limit of the model is kept unless the full model's log-likelihood is higher by more than
# this: half the 95% point of chi-square(1), i.e. a likelihood-ratio test at the 5% level (a
# conservative one at a boundary). Below it the data do not show what the limit leaves out.
_SAME_FIT = float(stats.chi2.ppf(0.95, 1) / 2)


def _usable(result: tuple[_Candidate, object, _mle.Optimum]) -> bool:
    """A maximum, inside or at an edge of the box that stands for a known limit."""
    cand, _, opt = result
    return opt.converged and all(
        (int(i), int(np.sign(opt.theta[i]))) in cand.edges for i in np.flatnonzero(opt.at_bound)
    )


def _fit(
    candidates: list[_Candidate],
    *,
    model: str,
    n_obs: int,
    penalizer: float,
    notes: dict[str, str],
    extra: dict[str, object] | None = None,
) -> ModelFit:
    """Fit the full model and its limits; keep the full one unless a limit fits as well
    (within ``_SAME_FIT`` log-likelihood units)."""
    results = []
    for cand in candidates:
        objective = cand.objective(penalizer)
        results.append((cand, objective, _mle.minimise(objective, cand.starts)))
    full = results[0]
    # the full model counts if it reached a maximum, inside or at an edge that stands for a
    # known limit; a limit model counts if it reached an inside maximum of its own
    full_ok = _usable(full)
    limits = [r for r in results[1:] if _usable(r)]
    chosen = full
    if limits:
        best_limit = min(limits, key=lambda r: r[2].value)
        # the simpler limit is kept when the full model does not fit significantly better
        # (likelihood-ratio test at 5%), or when the full model found no usable maximum and
        # the limit is not worse than where the full search ended
        as_good = best_limit[2].value * n_obs <= full[2].value * n_obs + _SAME_FIT
        if as_good or not full_ok:
            chosen = best_limit if as_good or full[2].value >= best_limit[2].value else full
    cand, objective, opt = chosen
    params, jac = cand.transform(opt.theta)
    shown = {name: float(f"{value:.6g}") for name, value in zip(cand.names, params, strict=True)}
    hint = (
        f"Set a small penalizer, e.g. penalizer={max(10 * penalizer, 0.001):g} (the notebooks' "
        "PENALIZER parameter), use more customers or a longer calibration period, and check "
        "that the durations are in the unit you meant."
    )
    edges = [(int(i), int(np.sign(opt.theta[i]))) for i in np.flatnonzero(opt.at_bound)]
    unknown = [e for e in edges if e not in cand.edges]
    if unknown or not opt.converged:
        what = (
            "the search ran to the edge of the parameter range (1e-8 to 1e8)"
            if unknown
            else "the search ended where the likelihood still rises"
        )
        raise ConvergenceError(
            f"the {model} fit found no proper maximum: {what} (parameters {shown}). The data "
            "do not identify the model, e.g. every customer has the same purchase count or the "
            "same spend. " + hint
        )
    labels = {cand.edges[e] for e in edges} | ({cand.boundary} if cand.boundary else set())
    boundary = " + ".join(sorted(labels)) or None
    with np.errstate(all="ignore"):
        try:
            cov_theta = _mle.covariance(objective, opt.theta, n_obs, ~opt.at_bound)
            cov = jac @ np.nan_to_num(cov_theta, nan=0.0) @ jac.T
            # a parameter moved by a coordinate at the edge has no standard error
            touched = (np.abs(jac[:, opt.at_bound]) > 0).any(axis=1)
            bse = np.where(touched, np.nan, np.sqrt(np.diag(cov)))
        except np.linalg.LinAlgError:
            touched = np.zeros(len(params), dtype=bool)
            bse = np.full(len(params), np.nan)
    if not np.all(np.isfinite(bse[~touched]) & (bse[~touched] > 0)):
        raise ConvergenceError(
            f"the {model} fit reached {shown}, but the likelihood is flat there (the standard "
            "errors cannot be computed): the data do not pin the parameters down. " + hint
        )
    values = dict(zip(cand.names, params, strict=True))
    errors = dict(zip(cand.names, bse, strict=True))
    order = cand.order or cand.names
    note = " ".join(notes[b] for b in (boundary or "").split(" + ") if b)
    if boundary:
        warnings.warn(f"{model}: {note}", BoundaryFitWarning, stacklevel=3)
    return ModelFit(
        model=model,
        params=pd.Series([values.get(k, cand.fixed.get(k, np.nan)) for k in order], index=order),
        bse=pd.Series([errors.get(k, np.nan) for k in order], index=order),
        loglik=-float(cand.kernel(params)[0]) * n_obs,
        n_obs=n_obs,
        penalizer=penalizer,
        converged=opt.converged,
        extra=extra or {},
        boundary=boundary,
        note=note,
    )


# --------------------------------------------------------------------------------------------
# BG/NBD
# --------------------------------------------------------------------------------------------


def _bgnbd_loglik_terms(
    params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Per-customer BG/NBD log-likelihood (Fader, Hardie & Lee 2005, equation 6)."""
    r, alpha, a, b = params
    # The gamma and beta functions depend on x only, which has few distinct values.
    xs, at = np.unique(x, return_inverse=True)
    a1 = (special.gammaln(r + xs) - special.gammaln(r))[at] + r * np.log(alpha)
    lbeta_ab = special.betaln(a, b)
    a2 = (special.betaln(a, b + xs) - lbeta_ab)[at] - (r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        dead = special.betaln(a + 1, b + np.maximum(xs, 1) - 1) - lbeta_ab
        a3 = np.where(x > 0, dead[at] - (r + x) * np.log(alpha + t_x), -np.inf)
    return a1 + np.logaddexp(a2, a3)


def _log_rising(r: float, xs: np.ndarray) -> np.ndarray:
    """log Gamma(r + x) - log Gamma(r), exact for large r too (through betaln)."""
    with np.errstate(divide="ignore"):
        return np.where(xs > 0, special.gammaln(np.maximum(xs, 1)) - special.betaln(
            r, np.maximum(xs, 1)), 0.0)  # fmt: skip


def _d_log_rising(r: float, xs: np.ndarray) -> np.ndarray:
    """digamma(r + x) - digamma(r), its derivative in r."""
    return special.digamma(r + xs) - special.digamma(r)


def _bgnbd_objective(
    x: np.ndarray, t_x: np.ndarray, T: np.ndarray, w: np.ndarray
) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """Mean negative BG/NBD log-likelihood of (r, alpha, a, b) and its analytic gradient.

    Prior validation of the data is assumed; ``w`` are the counts of the distinct rows.
    """
    n = float(w.sum())
    xs, at = np.unique(x, return_inverse=True)
    repeat = x > 0
    xr = np.maximum(xs, 1)  # the "dead" term exists only for x > 0

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        r, alpha, a, b = params
        log_at, log_ax = np.log(alpha + T), np.log(alpha + t_x)
        # r log(alpha) - (r + x) log(alpha + t) as -r log1p(t / alpha) - x log(alpha + t):
        # exact when r and alpha are both large (the edge where purchase rates are all alike)
        shrink_t, shrink_x = np.log1p(T / alpha), np.log1p(t_x / alpha)
        lbeta_ab = special.betaln(a, b)
        a1 = _log_rising(r, xs)[at]
        a2 = (special.betaln(a, b + xs) - lbeta_ab)[at] - r * shrink_t - x * log_at
        a3 = np.where(
            repeat,
            (special.betaln(a + 1, b + xr - 1) - lbeta_ab)[at] - r * shrink_x - x * log_ax,
            -np.inf,
        )
        total = np.logaddexp(a2, a3)
        w3 = np.exp(a3 - total)  # weight of "dropped out after the last purchase"
        w2 = 1.0 - w3
        dig_abx = special.digamma(a + b + xs)
        d_r = _d_log_rising(r, xs)[at] - (w2 * shrink_t + w3 * shrink_x)
        # r / alpha - (r + x) / (alpha + t) = (r t / alpha - x) / (alpha + t), without the
        # difference of two large numbers
        d_alpha = w2 * (r * T / alpha - x) / (alpha + T) + w3 * (r * t_x / alpha - x) / (
            alpha + t_x
        )
        d_a = (
            special.digamma(a + b) - special.digamma(a)
            + w2 * (special.digamma(a) - dig_abx)[at]
            + w3 * (special.digamma(a + 1) - dig_abx)[at]
        )  # fmt: skip
        d_b = (
            special.digamma(a + b) - special.digamma(b)
            + w2 * (special.digamma(b + xs) - dig_abx)[at]
            + w3 * np.where(xs > 0, special.digamma(b + xr - 1) - dig_abx, 0.0)[at]
        )  # fmt: skip
        # (w * v).sum(), not np.dot: no BLAS, whose blocking depends on threads and processor
        value = -float((w * (a1 + total)).sum()) / n
        grad = np.array([(w * d).sum() for d in (d_r, d_alpha, d_a, d_b)]) / n
        return value, -grad

    return objective


def _nbd_objective(
    x: np.ndarray, T: np.ndarray, w: np.ndarray
) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """BG/NBD's limit without dropout (the NBD model) in (r, alpha): value and gradient."""
    n = float(w.sum())
    xs, at = np.unique(x, return_inverse=True)

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        r, alpha = params
        log_at, shrink = np.log(alpha + T), np.log1p(T / alpha)  # as in _bgnbd_objective
        ll = _log_rising(r, xs)[at] - r * shrink - x * log_at
        d_r = _d_log_rising(r, xs)[at] - shrink
        d_alpha = (r * T / alpha - x) / (alpha + T)
        grad = np.array([(w * d_r).sum(), (w * d_alpha).sum()]) / n
        return -float((w * ll).sum()) / n, -grad

    return objective


_BGNBD_NOTES = {
    "no_dropout": (
        "the data show no detectable dropout (the best fit has dropout probability a / (a + b) "
        "= 0, the NBD model): every customer is treated as still active, so P(alive) is 100% "
        "for everyone and expected purchases continue each customer's own purchase rate. Lapsed "
        "customers are overvalued if they have in fact stopped; a longer calibration period "
        "(CALIBRATION_END earlier in the notebook) gives the model a chance to see dropout."
    ),
    "same_rate": (
        "the customers' purchase rates differ no more than chance allows (the best fit has "
        "r = inf at a fixed mean rate r / alpha): every customer is expected to buy at the same "
        "rate while active, so past heavy buyers are not expected to buy more."
    ),
    "two_point_dropout": (
        "the customers are of two kinds (the best fit has a + b = 0): a share a / (a + b) "
        "leave at their next repeat purchase, the others never leave; P(alive) and expected "
        "purchases follow that split."
    ),
    "same_dropout": (
        "every customer has the same dropout probability a / (a + b) after each purchase (the "
        "best fit has a + b = inf): the model does not single out customers more likely to leave."
    ),
}


def _bgnbd_transform(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(r, alpha, a, b) from (log r, log r/alpha, logit a/(a+b), log a+b), with the Jacobian.

    In these coordinates each limit of BG/NBD is the edge of one coordinate: the mean purchase
    rate r/alpha fixed while r runs to infinity (no spread of rates), the mean dropout
    probability a/(a+b) at 0 (no dropout), the concentration a+b at 0 (dropout probabilities of
    0 or 1) or at infinity (one dropout probability for all); in (a, b) they are ridges.
    """
    r, rate = np.exp(theta[0]), np.exp(theta[1])
    mu, kappa = special.expit(theta[2]), np.exp(theta[3])
    alpha, a, b = r / rate, mu * kappa, (1 - mu) * kappa
    dmu = kappa * mu * (1 - mu)
    jac = np.array(
        [[r, 0, 0, 0], [alpha, -alpha, 0, 0], [0, 0, dmu, a], [0, 0, -dmu, b]], dtype=float
    )
    return np.array([r, alpha, a, b]), jac


def _nbd_transform(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(r, alpha) from (log r, log r/alpha), as :func:`_bgnbd_transform` does."""
    r, rate = np.exp(theta[0]), np.exp(theta[1])
    alpha = r / rate
    return np.array([r, alpha]), np.array([[r, 0.0], [alpha, -alpha]])


def _bgnbd_coordinates(r: float, alpha: float, a: float, b: float) -> np.ndarray:
    return np.array([np.log(r), np.log(r / alpha), np.log(a / b), np.log(a + b)])


def _gg_transform(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(p, q, gamma) from (log p, log q, log p*gamma/q), with the Jacobian.

    The limit p -> inf (spend constant per customer) keeps p*gamma fixed and q -> inf (one spend
    level for all) keeps q/gamma fixed: with p*gamma/q as the third coordinate both are edges.
    """
    p, q, level = np.exp(theta)
    g = level * q / p
    jac = np.array([[p, 0, 0], [0, q, 0], [-g, g, g]], dtype=float)
    return np.array([p, q, g]), jac


def fit_bgnbd(
    summary: pd.DataFrame,
    frequency_col: str = "frequency",
    recency_col: str = "recency",
    T_col: str = "T",
    *,
    penalizer: float = 0.0,
    start: tuple[float, float, float, float] | None = None,
) -> ModelFit:
    """Fit the BG/NBD model by maximum likelihood.

    The estimate depends on the data alone (not on the row order, the starting point, the
    processor or the thread count): the search starts from values computed from the data (and
    ``start``, if given), uses the analytic gradient and ends with Newton steps at the maximum.
    When the data show no dropout at all, the best fit is BG/NBD's limit without dropout (the
    NBD model): it is returned with ``boundary="no_dropout"`` and a
    :class:`BoundaryFitWarning` saying what that means for the predictions.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per customer: repeat purchases (``frequency``), age at the last purchase
        (``recency``) and age at the end of the calibration period (``T``), all in the same time
        unit, e.g. from :func:`research.segmentation.rfm_summary`.
    frequency_col, recency_col, T_col : str
        Column names.
    penalizer : float, default 0.0
        L2 penalty on the parameters, added to the mean negative log-likelihood per customer
        (lifetimes' convention); a small value (0.001–0.1) keeps parameters from running away
        on thin data.
    start : tuple of 4 floats, optional
        An extra starting point (r, alpha, a, b) besides the ones computed from the data.

    Returns
    -------
    ModelFit
        ``params`` holds ``r``, ``alpha``, ``a``, ``b`` (at the no-dropout limit ``a = 0`` and
        ``b`` is NaN); ``summary()``, ``conf_int()``, ``loglik``, ``aic``, ``boundary``,
        ``note``.

    Raises
    ------
    ValueError
        Missing, negative or non-finite values, recency greater than T, positive recency
        without repeat purchases, or no repeat purchase at all (the model cannot be identified).
    ConvergenceError
        The data do not identify the model (a parameter runs away, the likelihood is flat); the
        message names the penalizer to set.

    Examples
    --------
    >>> fit = fit_bgnbd(summary)  # doctest: +SKIP
    >>> fit.params.round(3)  # doctest: +SKIP
    r        0.243
    alpha    4.414
    a        0.793
    b        2.426
    """
    penalizer = _check_penalizer(penalizer)
    x, t_x, T = _rfm_arrays(summary, frequency_col, recency_col, T_col)
    if not (x > 0).any():
        raise ValueError(
            f"column {frequency_col!r} is 0 for all {len(x):,} customers: with no repeat purchase "
            "the BG/NBD model cannot be fitted (is the summary from a single-purchase export?)"
        )
    if start is not None and (
        len(start) != 4 or not all(math.isfinite(v) and v > 0 for v in start)
    ):
        raise ValueError(f"start must be 4 positive numbers (r, alpha, a, b), got {start!r}")
    if not (T > 0).any():
        raise ValueError(f"column {T_col!r} is 0 for every customer: there is no time to model")
    (ux, ut, uT), w = _compress(x, t_x, T)
    # starting values from the data: the mean purchase rate (r = 1), and a mean dropout
    # probability of 1/4 or 1/10 with more or less spread
    rate = float(np.sum(x)) / float(np.sum(T))
    starts = [
        _bgnbd_coordinates(1.0, 1.0 / rate, a, b) for a, b in ((1.0, 3.0), (0.3, 2.7), (3.0, 27.0))
    ]
    if start is not None:
        starts.append(_bgnbd_coordinates(*(float(v) for v in start)))
    candidates = [
        _Candidate(
            ["r", "alpha", "a", "b"], _bgnbd_objective(ux, ut, uT, w), starts, _bgnbd_transform,
            edges={(0, 1): "same_rate", (2, -1): "no_dropout", (3, -1): "two_point_dropout",
                   (3, 1): "same_dropout"},
        ),
        _Candidate(
            ["r", "alpha"], _nbd_objective(ux, uT, w), [np.log([1.0, rate])], _nbd_transform,
            boundary="no_dropout", fixed={"a": 0.0, "b": np.nan},
            order=["r", "alpha", "a", "b"], edges={(0, 1): "same_rate"},
        ),
    ]  # fmt: skip
    return _fit(candidates, model="BG/NBD", n_obs=len(x), penalizer=penalizer, notes=_BGNBD_NOTES)


def _describe(fit: object) -> str:
    return f"a {fit.model} fit" if isinstance(fit, ModelFit) else type(fit).__name__


def _bgnbd_params(fit: ModelFit, name: str = "fit") -> tuple[float, float, float, float]:
    if not isinstance(fit, ModelFit) or fit.model != "BG/NBD":
        raise TypeError(f"{name}: expected the result of fit_bgnbd, got {_describe(fit)}")
    return tuple(float(fit.params[k]) for k in ("r", "alpha", "a", "b"))  # type: ignore[return-value]


def _alive_odds(
    r: float, alpha: float, a: float, b: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x) for x > 0, else 0."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_odds = (
            np.log(a)
            - np.log(np.maximum(b + x - 1, 1e-300))
            + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        )
        odds = np.exp(log_odds)  # inf for a customer silent far beyond their rate: P(alive) 0
    return np.where(x > 0, odds, 0.0)


def probability_alive(
    fit: ModelFit,
    summary: pd.DataFrame,
    frequency_col: str = "frequency",
    recency_col: str = "recency",
    T_col: str = "T",
) -> pd.Series:
    """Probability that each customer is still active at the end of the calibration period.

    Customers without repeat purchases are alive with probability 1 under BG/NBD (they can only
    drop out right after a purchase).
    """
    r, alpha, a, b = _bgnbd_params(fit)
    x, t_x, T = _rfm_arrays(summary, frequency_col, recency_col, T_col)
    if "no_dropout" in fit.limits:
        return pd.Series(1.0, index=summary.index, name="p_alive")
    p = 1.0 / (1.0 + _alive_odds(r, alpha, a, b, x, t_x, T))
    return pd.Series(p, index=summary.index, name="p_alive")


# scipy's 2F1 loses its way for a first parameter of a few 1e4 (NaN): from 1e4 on, and
# wherever it returns no finite number, the series is summed here instead
_SERIES_FROM = 1e4


def _power_hyp_series(
    A: np.ndarray, B: np.ndarray, C: np.ndarray, z: np.ndarray, log_power: np.ndarray
) -> np.ndarray:
    """power * 2F1(A, B; C; z), the hypergeometric series summed in log space.

    Its terms rise up to about n = A z / (1 - z) and then fall off; enough terms are taken for
    the last ones to be negligible, in chunks of rows so the memory stays small (a few 1e6
    terms at a time). No library function covers this range.
    """
    out = np.empty(len(A))
    # the terms peak where (A + n)(B + n) z = (C + n)(n + 1), near n = A z / (1 - z)
    peaks = A * z / (1 - z) * np.maximum(B / C, 1.0)
    order = np.argsort(peaks)  # rows of like length together
    start = 0
    while start < len(A):
        # sorted by peak: the last row a chunk of 256 could reach bounds its length
        peak = float(peaks[order[min(start + 255, len(A) - 1)]])
        n_terms = int(min(200_000, np.ceil(peak + 12 * np.sqrt(peak) + 80)))
        size = max(1, min(256, 4_000_000 // n_terms))
        sl = order[start : start + size]
        start += size
        a_, b_, c_, z_ = A[sl, None], B[sl, None], C[sl, None], z[sl, None]
        n = np.arange(n_terms - 1, dtype=float)[None, :]
        log_step = np.log(a_ + n) + np.log(b_ + n) - np.log(c_ + n) - np.log1p(n) + np.log(z_)
        log_terms = np.concatenate([np.zeros((len(z_), 1)), np.cumsum(log_step, axis=1)], axis=1)
        out[sl] = np.exp(special.logsumexp(log_terms, axis=1) + log_power[sl])
    return out


def _one_minus_power_hyp(
    A: np.ndarray | float, B: np.ndarray | float, C: np.ndarray | float, scale: np.ndarray | float,
    t: float | np.ndarray,
) -> np.ndarray:  # fmt: skip
    """1 - (scale / (scale + t)) ** A * 2F1(A, B; C; t / (scale + t)), the bracket of FHL's
    equations 9 and 10, also where A is large (many purchases, or r at the edge where purchase
    rates are all alike) and scipy's 2F1 returns NaN."""
    shape = np.broadcast(A, B, C, scale, t).shape
    A, B, C, scale, t = (np.broadcast_to(np.asarray(v, float), shape).ravel()
                         for v in (A, B, C, scale, t))  # fmt: skip
    z = t / (scale + t)
    log_power = -A * np.log1p(t / scale)
    with np.errstate(over="ignore", invalid="ignore"):
        value = np.exp(log_power) * special.hyp2f1(A, B, C, z)
    redo = (A >= _SERIES_FROM) | ~np.isfinite(value)
    redo &= t > 0
    if redo.any():
        value[redo] = _power_hyp_series(A[redo], B[redo], C[redo], z[redo], log_power[redo])
    return (1 - value).reshape(shape)


def expected_purchases(
    fit: ModelFit,
    summary: pd.DataFrame,
    t: float,
    frequency_col: str = "frequency",
    recency_col: str = "recency",
    T_col: str = "T",
) -> pd.Series:
    """Expected number of purchases of each customer in the next ``t`` time units.

    Fader, Hardie & Lee (2005), equation 10: the conditional expectation given the customer's
    frequency, recency and T.
    """
    if not (isinstance(t, int | float) and t >= 0 and math.isfinite(t)):
        raise ValueError(f"t must be a non-negative number of time units, got {t!r}")
    r, alpha, a, b = _bgnbd_params(fit)
    x, t_x, T = _rfm_arrays(summary, frequency_col, recency_col, T_col)
    if "no_dropout" in fit.limits:  # the NBD model: the posterior mean rate times t
        value = (r + x) / (alpha + T) * t
        return pd.Series(value, index=summary.index, name=f"expected_purchases_{t:g}")
    first = (a + b + x - 1) / (a - 1)
    second = _one_minus_power_hyp(r + x, b + x, a + b + x - 1, alpha + T, t)
    value = first * second / (1 + _alive_odds(r, alpha, a, b, x, t_x, T))
    value = np.maximum(value, 0.0)  # a count's expectation; rounding may dip below 0 near 0
    return pd.Series(value, index=summary.index, name=f"expected_purchases_{t:g}")


def expected_purchases_unconditional(fit: ModelFit, t: float | np.ndarray) -> np.ndarray:
    """Expected purchases by a new customer in a period of length ``t`` (equation 9)."""
    r, alpha, a, b = _bgnbd_params(fit)
    t = np.asarray(t, dtype=float)
    if "no_dropout" in fit.limits:
        return r / alpha * t
    return (a + b - 1) / (a - 1) * _one_minus_power_hyp(r, b, a + b - 1, alpha, t)


# --------------------------------------------------------------------------------------------
# Gamma-Gamma
# --------------------------------------------------------------------------------------------


def _spend_arrays(
    summary: pd.DataFrame, frequency_col: str, monetary_col: str
) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    frame = require_frame(summary, "summary")
    require_columns(frame, [frequency_col, monetary_col], "summary")
    require_rows(frame, "summary")
    x = nonnegative_values(frame, frequency_col, "summary")
    _whole_counts(x, frame, frequency_col)
    m = nonnegative_values(frame, monetary_col, "summary", "spend cannot be negative")
    return x, m, frame.index


def _gg_objective(
    x: np.ndarray, m: np.ndarray, w: np.ndarray
) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """Mean negative Gamma-Gamma log-likelihood of (p, q, gamma) and its gradient.

    The density of a customer's mean repeat spend ``m`` over ``x`` purchases, written with
    ``betaln`` and ratios so that it stays exact for large ``p * x`` (where ``gammaln``
    differences lose every digit).
    """
    n = float(w.sum())
    log_m, xm = np.log(m), x * m

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        p, q, g = params
        px = p * x
        log_s = np.log(g) - np.log(g + xm)  # s = g / (g + x m)
        log_1s = np.log(xm) - np.log(g + xm)
        ll = -special.betaln(px, q) + q * log_s + px * log_1s - log_m
        dig = special.digamma(px + q)
        d_p = x * (dig - special.digamma(px)) + x * log_1s
        d_q = dig - special.digamma(q) + log_s
        d_g = q / g - (px + q) / (g + xm)
        grad = np.array([(w * d).sum() for d in (d_p, d_q, d_g)]) / n
        return -float((w * ll).sum()) / n, -grad

    return objective


def _inverse_gamma_objective(
    m: np.ndarray, w: np.ndarray
) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """Gamma-Gamma's limit p -> inf (spend constant per customer) in (q, scale)."""
    n = float(w.sum())
    log_m, inv_m = np.log(m), 1.0 / m

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        q, scale = params
        ll = q * np.log(scale) - special.gammaln(q) - (q + 1) * log_m - scale * inv_m
        d_q = np.log(scale) - special.digamma(q) - log_m
        d_s = q / scale - inv_m
        grad = np.array([(w * d_q).sum(), (w * d_s).sum()]) / n
        return -float((w * ll).sum()) / n, -grad

    return objective


def _common_rate_objective(
    x: np.ndarray, m: np.ndarray, w: np.ndarray
) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """Gamma-Gamma's limit q -> inf (one spend rate nu for all customers) in (p, nu)."""
    n = float(w.sum())
    log_m, xm, log_xm = np.log(m), x * m, np.log(x * m)

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        p, nu = params
        px = p * x
        ll = px * (np.log(nu) + log_xm) - log_m - nu * xm - special.gammaln(px)
        d_p = x * (np.log(nu) + log_xm - special.digamma(px))
        d_nu = px / nu - xm
        grad = np.array([(w * d_p).sum(), (w * d_nu).sum()]) / n
        return -float((w * ll).sum()) / n, -grad

    return objective


_GG_NOTES = {
    "constant_spend": (
        "each customer spends almost the same on every repeat purchase (the best fit has "
        "p = inf, no spread of spend within a customer): the expected spend per purchase of a "
        "repeat customer is their own mean spend, without shrinkage towards the average, and "
        "a customer without repeat purchases gets the population mean."
    ),
    "same_mean_spend": (
        "the customers' mean spends differ no more than chance allows (the best fit has "
        "q = inf, one spend level for all): every customer's expected spend per purchase is "
        "the same population mean, whatever they spent so far."
    ),
}


def _check_gamma_gamma(fit: object, name: str) -> None:
    if not isinstance(fit, ModelFit) or fit.model != "Gamma-Gamma":
        raise TypeError(f"{name}: expected the result of fit_gamma_gamma, got {_describe(fit)}")


def fit_gamma_gamma(
    summary: pd.DataFrame,
    frequency_col: str = "frequency",
    monetary_col: str = "monetary_value",
    *,
    penalizer: float = 0.0,
    start: tuple[float, float, float] | None = None,
) -> ModelFit:
    """Fit the Gamma-Gamma spend model on the customers with repeat purchases.

    As :func:`fit_bgnbd`, the estimate depends on the data alone. When spend is nearly constant
    per customer the best fit is the limit ``p = inf`` (``boundary="constant_spend"``), when the
    customers' mean spends do not differ beyond chance it is ``q = inf``
    (``boundary="same_mean_spend"``); either comes back with a :class:`BoundaryFitWarning`.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per customer with the number of repeat purchases and the mean value of those
        repeat purchases (``monetary_value`` of :func:`research.segmentation.rfm_summary`: the
        first purchase is left out, as in Fader, Hardie & Lee 2005). Customers with frequency 0
        are ignored; customers with a repeat spend of 0 are ignored and counted.
    frequency_col, monetary_col : str
        Column names.
    penalizer : float, default 0.0
        L2 penalty on the parameters, added to the mean negative log-likelihood; it applies to
        the parameters with spend measured in units of its mean (the fit's own scale).
    start : tuple of 3 floats, optional
        An extra starting point (p, q, gamma) besides the ones computed from the data.

    Returns
    -------
    ModelFit
        ``params`` holds ``p``, ``q``, ``gamma`` (plus ``scale`` = p * gamma at the
        ``constant_spend`` limit, or ``nu`` at the ``same_mean_spend`` limit). ``extra`` holds
        the Pearson correlation of frequency and mean spend among repeat customers with its 95%
        interval (``spend_frequency_corr``, ``..._low``, ``..._high``) and a plain-words verdict
        (``independence_check``); the model assumes the two are independent.

    Raises
    ------
    ValueError
        Missing or negative values, fewer than 3 repeat customers with a positive spend.
    ConvergenceError
        The data do not identify the model (e.g. every customer has the same mean spend).
    """
    penalizer = _check_penalizer(penalizer)
    x, m, index = _spend_arrays(summary, frequency_col, monetary_col)
    if start is not None and (
        len(start) != 3 or not all(math.isfinite(v) and v > 0 for v in start)
    ):
        raise ValueError(f"start must be 3 positive numbers (p, q, gamma), got {start!r}")
    repeat = x > 0
    zero = repeat & (m <= 0)
    use = repeat & ~zero
    if use.sum() < 3:
        raise ValueError(
            f"only {int(use.sum())} customers have repeat purchases with a positive "
            f"{monetary_col!r}; the Gamma-Gamma model needs many more"
        )
    xs, ms = x[use], m[use]
    if np.ptp(ms) <= 1e-12 * ms.max():
        raise ValueError(
            f"every one of the {len(ms):,} repeat customers has the same {monetary_col!r} "
            f"({ms[0]:g}): there is no spread of spend for the Gamma-Gamma model to describe; "
            "use that value as everyone's expected spend"
        )
    corr = stats.pearsonr(xs, ms)
    ci = corr.confidence_interval(0.95)
    verdict = (
        "weak: the independence assumption is reasonable"
        if abs(corr.statistic) < 0.3
        else "not weak: spend depends on frequency, so treat the spend model with care"
    )
    extra = {
        "spend_frequency_corr": float(corr.statistic),
        "spend_frequency_corr_low": float(ci.low),
        "spend_frequency_corr_high": float(ci.high),
        "independence_check": verdict,
        "zero_spend_customers_ignored": int(zero.sum()),
    }
    # spend in units of its mean, so the parameters sit well inside the search box whatever
    # the currency (gamma, scale and nu are scaled back below)
    unit = float(np.mean(ms))
    (ux, um), w = _compress(xs, ms / unit)
    # starting values from the data: the spread of mean spend sets q (inverse-gamma moments),
    # gamma follows from the mean for a few values of p
    mean, var = float(np.mean(um * w) / np.mean(w)), float(np.var(ms / unit))
    q0 = 2.0 + mean**2 / var
    level = mean * (q0 - 1) / q0  # p * gamma / q
    starts = [np.log([p0, q0, level]) for p0 in (1.0, 5.0, 25.0)]
    if start is not None:
        p0, q0_, g0 = (float(v) for v in start)
        starts.append(np.log([p0, q0_, p0 * g0 / unit / q0_]))
    p_rate = max(mean**2 * float(np.mean(1 / xs)) / var, 0.1)
    order = ["p", "q", "gamma"]
    candidates = [
        _Candidate(
            order, _gg_objective(ux, um, w), starts, _gg_transform,
            edges={(0, 1): "constant_spend", (1, 1): "same_mean_spend"},
        ),
        _Candidate(
            ["q", "scale"], _inverse_gamma_objective(um, w), [np.log([q0, mean * (q0 - 1)])],
            boundary="constant_spend", fixed={"p": np.inf, "gamma": np.nan},
            order=[*order, "scale"],
        ),
        _Candidate(
            ["p", "nu"], _common_rate_objective(ux, um, w), [np.log([p_rate, p_rate / mean])],
            boundary="same_mean_spend", fixed={"q": np.inf, "gamma": np.nan},
            order=[*order, "nu"],
        ),
    ]  # fmt: skip
    fit = _fit(
        candidates, model="Gamma-Gamma", n_obs=int(use.sum()), penalizer=penalizer,
        notes=_GG_NOTES, extra=extra,
    )  # fmt: skip
    # back to the currency: gamma and scale are in spend units, nu in 1 / spend; the density
    # of spend in currency is that of spend in mean units divided by the unit, per customer
    factor = pd.Series({"gamma": unit, "scale": unit, "nu": 1 / unit}).reindex(
        fit.params.index, fill_value=1.0
    )
    fit.params, fit.bse = fit.params * factor, fit.bse * factor
    fit.loglik -= fit.n_obs * math.log(unit)
    return fit


def expected_average_spend(
    fit: ModelFit,
    summary: pd.DataFrame,
    frequency_col: str = "frequency",
    monetary_col: str = "monetary_value",
) -> pd.Series:
    """Expected mean spend per future purchase of each customer (Gamma-Gamma, equation 5).

    A customer without repeat purchases gets the population mean ``p * gamma / (q - 1)``. At the
    ``constant_spend`` limit a repeat customer gets their own mean; at ``same_mean_spend``
    everyone gets ``p / nu``.
    """
    _check_gamma_gamma(fit, "fit")
    x, m, index = _spend_arrays(summary, frequency_col, monetary_col)
    if "constant_spend" in fit.limits:
        q, scale = float(fit.params["q"]), float(fit.params["scale"])
        population = scale / (q - 1) if q > 1 else np.nan
        value = np.where(x > 0, m, population)
    elif "same_mean_spend" in fit.limits:
        value = np.full(len(x), float(fit.params["p"]) / float(fit.params["nu"]))
    else:
        p, q, g = (float(fit.params[k]) for k in ("p", "q", "gamma"))
        value = (g + m * x) * p / (p * x + q - 1)
    return pd.Series(value, index=index, name="expected_average_spend")


# --------------------------------------------------------------------------------------------
# lifetime value
# --------------------------------------------------------------------------------------------


def customer_lifetime_value(
    bgnbd: ModelFit,
    gamma_gamma: ModelFit,
    summary: pd.DataFrame,
    *,
    horizon_months: int = 12,
    monthly_discount_rate: float = 0.01,
    unit_days: float = 1.0,
    frequency_col: str = "frequency",
    recency_col: str = "recency",
    T_col: str = "T",
    monetary_col: str = "monetary_value",
) -> pd.DataFrame:
    """Expected discounted value of each customer over the next ``horizon_months`` months.

    ``CLV = sum over months m of (E[purchases in month m]) * E[spend per purchase] / (1 + d)^m``,
    with the purchases from the BG/NBD model (conditional on each customer's history) and the
    spend from the Gamma-Gamma model; a month is 30.4375 days.

    Parameters
    ----------
    bgnbd, gamma_gamma : ModelFit
        Results of :func:`fit_bgnbd` and :func:`fit_gamma_gamma`.
    summary : pandas.DataFrame
        The customers to value, with the columns the models were fitted on.
    horizon_months : int, default 12
        Horizon in months.
    monthly_discount_rate : float, default 0.01
        Discount rate per month (0.01 is about 12.7% a year).
    unit_days : float, default 1.0
        Length of the summary's time unit in days: 1 for ``rfm_summary(time_unit="D")``, 7 for
        weeks (``time_scale=7``).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``summary``: ``p_alive``, ``expected_purchases`` (over the horizon),
        ``expected_average_spend`` and ``clv``.
    """
    if isinstance(horizon_months, bool) or not isinstance(horizon_months, int | np.integer):
        raise ValueError(f"horizon_months must be a positive integer, got {horizon_months!r}")
    if horizon_months < 1:
        raise ValueError(f"horizon_months must be a positive integer, got {horizon_months!r}")
    if not (0 <= monthly_discount_rate < 1):
        raise ValueError(
            f"monthly_discount_rate must be in [0, 1), got {monthly_discount_rate!r} "
            "(a rate per month, e.g. 0.01)"
        )
    if not (unit_days > 0 and math.isfinite(unit_days)):
        raise ValueError(f"unit_days must be a positive number of days, got {unit_days!r}")
    _bgnbd_params(bgnbd, "bgnbd")
    _check_gamma_gamma(gamma_gamma, "gamma_gamma")
    cols = dict(frequency_col=frequency_col, recency_col=recency_col, T_col=T_col)
    month = 30.4375 / unit_days
    spend = expected_average_spend(gamma_gamma, summary, frequency_col, monetary_col)
    previous = np.zeros(len(summary))
    value = np.zeros(len(summary))
    for m in range(1, horizon_months + 1):
        cumulative = expected_purchases(bgnbd, summary, m * month, **cols).to_numpy()
        value += (cumulative - previous) / (1 + monthly_discount_rate) ** m
        previous = cumulative
    return pd.DataFrame(
        {
            "p_alive": probability_alive(bgnbd, summary, **cols).to_numpy(),
            "expected_purchases": previous,
            "expected_average_spend": spend.to_numpy(),
            "clv": value * spend.to_numpy(),
        },
        index=summary.index,
    )


def clv_by_segment(
    clv: pd.DataFrame | pd.Series,
    segments: pd.Series,
    *,
    value_col: str = "clv",
    ci: float = 0.95,
) -> pd.DataFrame:
    """Lifetime value per segment: customers, mean (with interval), total and share of total.

    Parameters
    ----------
    clv : pandas.DataFrame or Series
        Output of :func:`customer_lifetime_value` (or a Series of values), indexed by customer.
    segments : pandas.Series
        Segment of each customer, indexed like ``clv`` (e.g. ``rfm_segments(...)["segment"]``
        or ``CustomerSegmenter.labels_``).
    value_col : str, default "clv"
        Column of ``clv`` to sum.
    ci : float, default 0.95
        Level of the t-interval of the mean.

    Returns
    -------
    pandas.DataFrame
        Indexed by segment: ``customers``, ``share``, ``value_total``, ``value_share``,
        ``value_mean``, ``value_mean_low``, ``value_mean_high``.
    """
    from research.segmentation import segment_value_table

    values = clv if isinstance(clv, pd.Series) else require_frame(clv, "clv")[value_col]
    if not isinstance(segments, pd.Series):
        raise TypeError(f"segments must be a pandas Series, got {type(segments).__name__}")
    missing = values.index.difference(segments.index)
    if len(missing):
        raise ValueError(
            f"{len(missing):,} customers of clv have no segment (e.g. {rows_repr(missing)})"
        )
    frame = pd.DataFrame({"segment": segments.reindex(values.index), "clv": values})
    return segment_value_table(frame, value_col="clv", ci=ci)


# --------------------------------------------------------------------------------------------
# calibration / holdout check
# --------------------------------------------------------------------------------------------


def holdout_purchases(
    transactions: pd.DataFrame,
    calibration_end: str | pd.Timestamp,
    holdout_end: str | pd.Timestamp,
    customer_col: str = "customer_id",
    date_col: str = "date",
    *,
    time_unit: str = "D",
) -> pd.Series:
    """Purchase occasions of each customer after ``calibration_end``, up to ``holdout_end``.

    Purchases on the same day (week, month with ``time_unit``) count once, as in
    :func:`research.segmentation.rfm_summary`; rows with a negative amount are not filtered here,
    so pass the cleaned purchases. Customers without a holdout purchase are absent (count 0).
    """
    from research.segmentation import _period_codes

    frame = require_frame(transactions, "transactions")
    require_columns(frame, [customer_col, date_col], "transactions")
    start, end = pd.Timestamp(calibration_end), pd.Timestamp(holdout_end)
    if end <= start:
        raise ValueError(
            f"holdout_end ({end:%Y-%m-%d}) must be after calibration_end ({start:%Y-%m-%d})"
        )
    dates = pd.to_datetime(frame[date_col])
    inside = ((dates > start) & (dates <= end)).to_numpy()
    period = _period_codes(dates[inside], time_unit)
    occasions = pd.DataFrame({"c": frame[customer_col].to_numpy()[inside], "p": period})
    return occasions.drop_duplicates().groupby("c").size().rename("holdout_purchases")


def holdout_check(
    fit: ModelFit,
    calibration: pd.DataFrame,
    holdout_purchases: pd.Series,
    holdout_length: float,
    *,
    max_frequency: int = 7,
    frequency_col: str = "frequency",
    recency_col: str = "recency",
    T_col: str = "T",
) -> pd.DataFrame:
    """Expected against actual repeat purchases in a holdout period, per calibration frequency.

    Parameters
    ----------
    fit : ModelFit
        BG/NBD fitted on ``calibration``.
    calibration : pandas.DataFrame
        The calibration-period RFM summary.
    holdout_purchases : pandas.Series
        Purchases of each calibration customer in the holdout period (same index; customers
        missing from it made none).
    holdout_length : float
        Length of the holdout period in the summary's time unit.
    max_frequency : int, default 7
        Calibration frequencies above this are pooled into one ``"7+"`` group.

    Returns
    -------
    pandas.DataFrame
        One row per calibration frequency: ``customers``, ``actual`` (mean holdout purchases)
        with its 95% interval (``actual_low``, ``actual_high``), ``expected`` (mean model
        expectation) and ``difference``; a last row ``"all"`` has the totals per customer.
    """
    expected = expected_purchases(
        fit, calibration, holdout_length, frequency_col, recency_col, T_col
    )
    if not isinstance(holdout_purchases, pd.Series):
        raise TypeError("holdout_purchases must be a pandas Series indexed by customer")
    actual = holdout_purchases.reindex(calibration.index).fillna(0).astype(float)
    freq = calibration[frequency_col].astype(int).clip(upper=max_frequency)
    labels = freq.astype(str).where(freq < max_frequency, f"{max_frequency}+")
    order = [str(i) for i in range(max_frequency)] + [f"{max_frequency}+"]
    groups = pd.Categorical(labels, categories=order, ordered=True)
    frame = pd.DataFrame({"group": groups, "actual": actual.to_numpy(), "expected": expected})
    rows = []
    for name, part in [*frame.groupby("group", observed=True), ("all", frame)]:
        n = len(part)
        mean = part["actual"].mean()
        sd = part["actual"].std(ddof=1)
        half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n) if n > 1 else np.nan
        rows.append(
            {
                "calibration_frequency": name,
                "customers": n,
                "actual": mean,
                "actual_low": mean - half,
                "actual_high": mean + half,
                "expected": part["expected"].mean(),
            }
        )
    out = pd.DataFrame(rows).set_index("calibration_frequency")
    out["difference"] = out["expected"] - out["actual"]
    return out
