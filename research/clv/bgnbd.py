"""The BG/NBD model of repeat purchases (Fader, Hardie and Lee 2005).

* :func:`fit_bgnbd` fits the BG/NBD model of Fader, Hardie & Lee (2005, *Marketing Science*
  24(2)) by maximum likelihood on an RFM summary (``frequency``, ``recency``, ``T`` from
  :func:`research.segmentation.rfm_summary`), with standard errors and intervals;
* :func:`probability_alive`, :func:`expected_purchases` and
  :func:`expected_purchases_unconditional` predict from the fit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import special

from research._columns import FREQUENCY_COL, RECENCY_COL, T_COL
from research._validation import check_number
from research.clv.fitting import (
    _PURCHASE_MODELS,
    ModelFit,
    _Candidate,
    _fit,
    _negative_mean,
    _purchase_data,
    _purchase_model,
    _PurchaseData,
    _PurchaseModel,
    _rfm_arrays,
)

__all__ = [
    "fit_bgnbd",
    "expected_purchases",
    "probability_alive",
    "expected_purchases_unconditional",
]

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
        return np.where(
            xs > 0, special.gammaln(np.maximum(xs, 1)) - special.betaln(r, np.maximum(xs, 1)), 0.0
        )


def _d_log_rising(r: float, xs: np.ndarray) -> np.ndarray:
    """digamma(r + x) - digamma(r), its derivative in r."""
    return special.digamma(r + xs) - special.digamma(r)


def _bgnbd_objective(
    x: np.ndarray, t_x: np.ndarray, T: np.ndarray, w: np.ndarray, *, modified: bool = False
) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """Mean negative BG/NBD log-likelihood of (r, alpha, a, b) and its analytic gradient;
    with ``modified``, MBG/NBD's (Batislam et al. 2007), where a customer may also leave
    right after the first purchase.

    The two differ only in the beta functions: alive, B(a, b + x) or B(a, b + x + 1); left
    after the last purchase, B(a + 1, b + x - 1) for x > 0 only, or B(a + 1, b + x) for every
    x. Prior validation of the data is assumed; ``w`` are the counts of the distinct rows.
    """
    n = float(w.sum())
    xs, at = np.unique(x, return_inverse=True)
    shift = 1.0 if modified else 0.0
    # which customers may have left after their last purchase, and b's offset in that term
    can_leave = np.ones(len(x), dtype=bool) if modified else x > 0
    leaves = np.ones(len(xs), dtype=bool) if modified else xs > 0
    dead_b = xs if modified else np.maximum(xs, 1) - 1

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        r, alpha, a, b = params
        log_at, log_ax = np.log(alpha + T), np.log(alpha + t_x)
        # r log(alpha) - (r + x) log(alpha + t) as -r log1p(t / alpha) - x log(alpha + t):
        # exact when r and alpha are both large (the edge where purchase rates are all alike)
        shrink_t, shrink_x = np.log1p(T / alpha), np.log1p(t_x / alpha)
        lbeta_ab = special.betaln(a, b)
        a1 = _log_rising(r, xs)[at]
        a2 = (special.betaln(a, b + xs + shift) - lbeta_ab)[at] - r * shrink_t - x * log_at
        a3 = np.where(
            can_leave,
            (special.betaln(a + 1, b + dead_b) - lbeta_ab)[at] - r * shrink_x - x * log_ax,
            -np.inf,
        )
        total = np.logaddexp(a2, a3)
        w3 = np.exp(a3 - total)  # weight of "dropped out after the last purchase"
        w2 = 1.0 - w3
        dig_abx = special.digamma(a + b + xs + shift)
        d_r = _d_log_rising(r, xs)[at] - (w2 * shrink_t + w3 * shrink_x)
        # r / alpha - (r + x) / (alpha + t) = (r t / alpha - x) / (alpha + t), without the
        # difference of two large numbers
        d_alpha = w2 * (r * T / alpha - x) / (alpha + T) + w3 * (r * t_x / alpha - x) / (
            alpha + t_x
        )
        d_a = (
            special.digamma(a + b)
            - special.digamma(a)
            + w2 * (special.digamma(a) - dig_abx)[at]
            + w3 * (special.digamma(a + 1) - dig_abx)[at]
        )
        d_b = (
            special.digamma(a + b)
            - special.digamma(b)
            + w2 * (special.digamma(b + xs + shift) - dig_abx)[at]
            + w3 * np.where(leaves, special.digamma(b + dead_b) - dig_abx, 0.0)[at]
        )
        return _negative_mean(w, n, a1 + total, d_r, d_alpha, d_a, d_b)

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
        return _negative_mean(w, n, ll, d_r, d_alpha)

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


def fit_bgnbd(
    summary: pd.DataFrame,
    *,
    frequency_col: str = FREQUENCY_COL,
    recency_col: str = RECENCY_COL,
    T_col: str = T_COL,
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
        ``b`` is NaN); ``to_frame()``, ``summary()``, ``conf_int(ci=...)``, ``plot()``,
        ``loglik``, ``aic``, ``boundary``, ``note``.

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
    penalizer = check_number(penalizer, "penalizer", minimum=0)
    data = _purchase_data(
        summary,
        (frequency_col, recency_col, T_col),
        model="BG/NBD",
        start=start,
        names="r, alpha, a, b",
    )
    candidates = _bgnbd_candidates(_bgnbd_objective(data.x, data.t_x, data.T, data.w), data)
    return _fit(
        candidates, model="BG/NBD", n_obs=data.n_obs, penalizer=penalizer, notes=_BGNBD_NOTES
    )


def _bgnbd_candidates(objective: Callable, data: _PurchaseData) -> list[_Candidate]:
    """BG/NBD's (or MBG/NBD's) full model with ``objective``, and its no-dropout limit (NBD).

    Starting values from the data: the mean purchase rate (r = 1), and a mean dropout
    probability of 1/4 or 1/10 with more or less spread, and the caller's start.
    """
    starts = [
        _bgnbd_coordinates(1.0, 1.0 / data.rate, a, b)
        for a, b in ((1.0, 3.0), (0.3, 2.7), (3.0, 27.0))
    ]
    if data.start is not None:
        starts.append(_bgnbd_coordinates(*data.start))
    return [
        _Candidate(
            ["r", "alpha", "a", "b"],
            objective,
            starts,
            _bgnbd_transform,
            edges={
                (0, 1): "same_rate",
                (2, -1): "no_dropout",
                (3, -1): "two_point_dropout",
                (3, 1): "same_dropout",
            },
        ),
        _Candidate(
            ["r", "alpha"],
            _nbd_objective(data.x, data.T, data.w),
            [np.log([1.0, data.rate])],
            _nbd_transform,
            boundary="no_dropout",
            fixed={"a": 0.0, "b": np.nan},
            order=["r", "alpha", "a", "b"],
            edges={(0, 1): "same_rate"},
        ),
    ]


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
    *,
    frequency_col: str = FREQUENCY_COL,
    recency_col: str = RECENCY_COL,
    T_col: str = T_COL,
) -> pd.Series:
    """Probability that each customer is still active at the end of the calibration period.

    Customers without repeat purchases are alive with probability 1 under BG/NBD (they can only
    drop out right after a purchase); under MBG/NBD, Pareto/NBD and BG/BB they may have left
    at any time.

    Parameters
    ----------
    fit : ModelFit
        A purchase model's fit: :func:`fit_bgnbd`, :func:`fit_mbgnbd`, :func:`fit_pareto_nbd`
        or :func:`fit_bgbb` (for BG/BB, P(alive) at the start of the next period).
    summary : pandas.DataFrame
        The customers, with the columns the model was fitted on.
    frequency_col, recency_col, T_col : str
        Column names.

    Returns
    -------
    pandas.Series
        ``p_alive``, indexed like ``summary``.

    Examples
    --------
    >>> probability_alive(fit_bgnbd(summary), summary).head(3)  # doctest: +SKIP
    """
    model, params = _purchase_model(fit)
    x, t_x, T = _rfm_arrays(summary, frequency_col, recency_col, T_col, discrete=model.discrete)
    alive = model.p_alive(params, fit.limits, x, t_x, T)
    return pd.Series(alive, index=summary.index, name="p_alive")


def _p_alive(
    params: tuple[float, float, float, float],
    limits: frozenset[str],
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
) -> np.ndarray:
    """The kernel of :func:`probability_alive`; prior validation of the arrays is assumed."""
    if "no_dropout" in limits:
        return np.ones(len(x))
    return 1.0 / (1.0 + _alive_odds(*params, x, t_x, T))


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
    A: np.ndarray | float,
    B: np.ndarray | float,
    C: np.ndarray | float,
    scale: np.ndarray | float,
    t: float | np.ndarray,
) -> np.ndarray:
    """1 - (scale / (scale + t)) ** A * 2F1(A, B; C; t / (scale + t)), the bracket of FHL's
    equations 9 and 10, also where A is large (many purchases, or r at the edge where purchase
    rates are all alike) and scipy's 2F1 returns NaN."""
    shape = np.broadcast(A, B, C, scale, t).shape
    A, B, C, scale, t = (
        np.broadcast_to(np.asarray(v, float), shape).ravel() for v in (A, B, C, scale, t)
    )
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
    *,
    frequency_col: str = FREQUENCY_COL,
    recency_col: str = RECENCY_COL,
    T_col: str = T_COL,
) -> pd.Series:
    """Expected number of purchases of each customer in the next ``t`` time units.

    The conditional expectation given the customer's frequency, recency and T: for BG/NBD
    Fader, Hardie & Lee (2005), equation 10; for the other models their papers' equivalents.

    Parameters
    ----------
    fit : ModelFit
        A purchase model's fit: :func:`fit_bgnbd`, :func:`fit_mbgnbd`, :func:`fit_pareto_nbd`
        or :func:`fit_bgbb` (whose ``t`` counts periods).
    summary : pandas.DataFrame
        The customers to predict for: their frequency, recency and T, as in the fit.
    t : float
        Length of the period, in the summary's time unit (>= 0).
    frequency_col, recency_col, T_col : str
        Column names.

    Returns
    -------
    pandas.Series
        Indexed like ``summary``, named ``expected_purchases_<t>``.

    Examples
    --------
    >>> expected_purchases(fit_bgnbd(summary), summary, 39).head(3)  # doctest: +SKIP
    """
    t = check_number(t, "t", minimum=0)
    model, params = _purchase_model(fit)
    x, t_x, T = _rfm_arrays(summary, frequency_col, recency_col, T_col, discrete=model.discrete)
    (value,) = model.expected_at(params, fit.limits, x, t_x, T, [t])
    return pd.Series(value, index=summary.index, name=f"expected_purchases_{t:g}")


def _expected_purchases_at(
    params: tuple[float, float, float, float],
    limits: Sequence[str],
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    times: Sequence[float],
) -> list[np.ndarray]:
    """The kernel of :func:`expected_purchases` on checked arrays, for several horizons: the
    parts that do not depend on the horizon are computed once."""
    r, alpha, a, b = params
    if "no_dropout" in limits:  # the NBD model: the posterior mean rate times t
        rate = (r + x) / (alpha + T)
        return [rate * t for t in times]
    first = (a + b + x - 1) / (a - 1)
    alive = 1 + _alive_odds(r, alpha, a, b, x, t_x, T)
    out = []
    for t in times:
        second = _one_minus_power_hyp(r + x, b + x, a + b + x - 1, alpha + T, t)
        value = first * second / alive
        out.append(np.maximum(value, 0.0))  # a count's expectation; rounding may dip below 0
    return out


def expected_purchases_unconditional(fit: ModelFit, t: float | np.ndarray) -> np.ndarray:
    """Expected repeat purchases by a new customer in a period of length ``t``.

    For BG/NBD, Fader, Hardie & Lee (2005), equation 9; for the other purchase models their
    papers' equivalents.

    Parameters
    ----------
    fit : ModelFit
        A purchase model's fit (:func:`fit_bgnbd`, :func:`fit_mbgnbd`,
        :func:`fit_pareto_nbd`, :func:`fit_bgbb`).
    t : float or array
        Lengths of time (>= 0), in the fit's time unit.

    Returns
    -------
    numpy.ndarray
        The expectation at each ``t``.
    """
    model, params = _purchase_model(fit)
    t = np.asarray(t, dtype=float)
    if not (np.isfinite(t) & (t >= 0)).all():
        raise ValueError(f"t must be finite numbers >= 0 (time units), got {t!r}")
    return model.unconditional(params, fit.limits, t)


def _unconditional(
    params: tuple[float, float, float, float], limits: frozenset[str], t: np.ndarray
) -> np.ndarray:
    """The kernel of :func:`expected_purchases_unconditional` for BG/NBD."""
    r, alpha, a, b = params
    if "no_dropout" in limits:
        return r / alpha * t
    return (a + b - 1) / (a - 1) * _one_minus_power_hyp(r, b, a + b - 1, alpha, t)


_PURCHASE_MODELS["BG/NBD"] = _PurchaseModel(_p_alive, _expected_purchases_at, _unconditional)
