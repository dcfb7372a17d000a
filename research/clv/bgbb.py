"""The BG/BB model of repeat transactions in discrete time (Fader, Hardie & Shang 2010).

For businesses where a customer can transact at most once per period (a yearly donation, an
annual event, a monthly renewal): while alive, a customer transacts in each period with a
probability p that varies as a beta(alpha, beta) across customers, and leaves at the start of
each period with a probability theta that varies as a beta(gamma, delta). On the donations data
of the paper (11,104 first-time donors of 1995, six years) the published estimates are
alpha = 1.204, beta = 0.750, gamma = 0.657, delta = 2.783, which the tests reproduce.

* :func:`fit_bgbb` fits it by maximum likelihood on a summary of whole periods: ``frequency``
  (periods with a repeat transaction), ``recency`` (the last such period, 0 if none) and ``T``
  (periods observed), optionally with a column of counts for data already compressed to
  distinct patterns, as the published data are;
* :func:`research.clv.probability_alive`, :func:`research.clv.expected_purchases` and
  :func:`research.clv.expected_purchases_unconditional` predict from the fit, in periods.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import special

from research._columns import FREQUENCY_COL, RECENCY_COL, T_COL
from research._validation import check_number, nonnegative_values, require_columns
from research.clv.fitting import (
    _PURCHASE_MODELS,
    ModelFit,
    _Candidate,
    _compress,
    _fit,
    _log_transform,
    _negative_mean,
    _PurchaseModel,
    _rfm_arrays,
)

__all__ = ["fit_bgbb"]


def _terms(x: np.ndarray, t_x: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The periods i = 0 .. n - t_x - 1 after the last transaction in which a customer may
    have left (one column per i, padded), and which of them exist."""
    width = int(np.max(n - t_x)) if len(n) else 0
    i = np.arange(width, dtype=float)[None, :]
    return i, i < (n - t_x)[:, None]


def _bgbb_loglik_terms(
    params: Sequence[float], x: np.ndarray, t_x: np.ndarray, n: np.ndarray
) -> np.ndarray:
    """Per-customer BG/BB log-likelihood (Fader, Hardie & Shang 2010, equation 5)."""
    alpha, beta, gamma, delta = params
    base = special.betaln(alpha, beta) + special.betaln(gamma, delta)
    alive = special.betaln(alpha + x, beta + n - x) + special.betaln(gamma, delta + n) - base
    i, exists = _terms(x, t_x, n)
    with np.errstate(invalid="ignore"):
        dead = (
            special.betaln(alpha + x[:, None], beta + (t_x - x)[:, None] + i)
            + special.betaln(gamma + 1, delta + t_x[:, None] + i)
            - base
        )
    dead = np.where(exists, dead, -np.inf)
    return special.logsumexp(np.column_stack([alive, dead]), axis=1)


def _bgbb_objective(
    x: np.ndarray, t_x: np.ndarray, n: np.ndarray, w: np.ndarray
) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """Mean negative BG/BB log-likelihood of (alpha, beta, gamma, delta) and its analytic
    gradient; ``w`` are the row counts, prior validation is assumed."""
    total = float(w.sum())
    i, exists = _terms(x, t_x, n)
    xc, tc = x[:, None], t_x[:, None]
    # the alive term is column 0, the periods of leaving the others
    a_x = np.column_stack([x, np.broadcast_to(xc, exists.shape)])  # alpha + this
    b_y = np.column_stack([n - x, (tc - xc + i) * exists])  # beta + this
    g_1 = np.column_stack([np.zeros_like(x), np.ones(exists.shape)])  # gamma + this
    d_m = np.column_stack([n, (tc + i) * exists])  # delta + this
    valid = np.column_stack([np.ones(len(x), dtype=bool), exists])

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        alpha, beta, gamma, delta = params
        base = special.betaln(alpha, beta) + special.betaln(gamma, delta)
        logs = special.betaln(alpha + a_x, beta + b_y) + special.betaln(gamma + g_1, delta + d_m)
        logs = np.where(valid, logs - base, -np.inf)
        ll = special.logsumexp(logs, axis=1)
        share = np.exp(logs - ll[:, None])  # each term's share of the likelihood
        dig_ab = special.digamma(alpha + beta + a_x + b_y)
        dig_gd = special.digamma(gamma + delta + g_1 + d_m)

        def mix(values: np.ndarray) -> np.ndarray:
            return (share * np.where(valid, values, 0.0)).sum(axis=1)

        d_alpha = mix(special.digamma(alpha + a_x) - dig_ab) - (
            special.digamma(alpha) - special.digamma(alpha + beta)
        )
        d_beta = mix(special.digamma(beta + b_y) - dig_ab) - (
            special.digamma(beta) - special.digamma(alpha + beta)
        )
        d_gamma = mix(special.digamma(gamma + g_1) - dig_gd) - (
            special.digamma(gamma) - special.digamma(gamma + delta)
        )
        d_delta = mix(special.digamma(delta + d_m) - dig_gd) - (
            special.digamma(delta) - special.digamma(gamma + delta)
        )
        return _negative_mean(w, total, ll, d_alpha, d_beta, d_gamma, d_delta)

    return objective


def _bb_objective(
    x: np.ndarray, n: np.ndarray, w: np.ndarray
) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """BG/BB's limit without dropout (the beta-binomial model) in (alpha, beta)."""
    total = float(w.sum())

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        alpha, beta = params
        ll = special.betaln(alpha + x, beta + n - x) - special.betaln(alpha, beta)
        dig = special.digamma(alpha + beta + n) - special.digamma(alpha + beta)
        d_alpha = special.digamma(alpha + x) - special.digamma(alpha) - dig
        d_beta = special.digamma(beta + n - x) - special.digamma(beta) - dig
        return _negative_mean(w, total, ll, d_alpha, d_beta)

    return objective


def _bgbb_transform(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(alpha, beta, gamma, delta) from (log alpha, log beta, logit gamma/(gamma+delta),
    log gamma+delta), with the Jacobian: "no dropout" (a mean dropout probability of 0) is an
    edge of one coordinate."""
    alpha, beta = np.exp(theta[0]), np.exp(theta[1])
    mu, kappa = special.expit(theta[2]), np.exp(theta[3])
    gamma, delta = mu * kappa, (1 - mu) * kappa
    dmu = kappa * mu * (1 - mu)
    jac = np.array(
        [[alpha, 0, 0, 0], [0, beta, 0, 0], [0, 0, dmu, gamma], [0, 0, -dmu, delta]], dtype=float
    )
    return np.array([alpha, beta, gamma, delta]), jac


def _bgbb_coordinates(alpha: float, beta: float, gamma: float, delta: float) -> np.ndarray:
    return np.array([np.log(alpha), np.log(beta), np.log(gamma / delta), np.log(gamma + delta)])


_BGBB_NOTES = {
    "no_dropout": (
        "the data show no detectable dropout (the best fit has a mean dropout probability "
        "gamma / (gamma + delta) = 0, the beta-binomial model): every customer is treated as "
        "still active, so P(alive) is 100% and each keeps transacting at their own rate. More "
        "periods give the model a chance to see dropout."
    ),
    "same_dropout": (
        "every customer has the same dropout probability gamma / (gamma + delta) in each "
        "period (the best fit has gamma + delta = inf)."
    ),
}


def fit_bgbb(
    summary: pd.DataFrame,
    *,
    frequency_col: str = FREQUENCY_COL,
    recency_col: str = RECENCY_COL,
    T_col: str = T_COL,
    weights_col: str | None = None,
    penalizer: float = 0.0,
    start: tuple[float, float, float, float] | None = None,
) -> ModelFit:
    """Fit the BG/BB model (Fader, Hardie & Shang 2010) by maximum likelihood.

    The recipe of :func:`research.clv.fit_bgnbd`: the same data give the same fit whatever
    the row order, starting point, processor or thread count; a fit without detectable
    dropout is the beta-binomial model, returned with ``boundary="no_dropout"`` and a
    :class:`~research.clv.BoundaryFitWarning`.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per customer, or per distinct pattern with ``weights_col``: whole numbers of
        periods after the first transaction: ``frequency`` (periods with a transaction),
        ``recency`` (the last of them, 0 if none) and ``T`` (periods observed). E.g.
        ``rfm_summary(..., time_unit="Y")`` of a business with at most one transaction a year.
    frequency_col, recency_col, T_col : str
        Column names.
    weights_col : str, optional
        Column of counts: how many customers show each row's pattern (the published donations
        data: ``"weights"``). ``n_obs`` is then their sum.
    penalizer : float, default 0.0
        L2 penalty on the parameters (lifetimes' convention).
    start : tuple of 4 floats, optional
        An extra starting point (alpha, beta, gamma, delta).

    Returns
    -------
    ModelFit
        ``model="BG/BB"``, ``params`` ``alpha``, ``beta`` (transaction probability: beta
        distribution), ``gamma``, ``delta`` (dropout probability: beta distribution); at the
        no-dropout limit ``gamma = 0`` and ``delta`` is NaN.

    Raises
    ------
    ValueError
        Missing, negative, fractional or inconsistent periods (frequency above recency,
        recency above T), negative or missing weights, or no repeat transaction at all.
    ConvergenceError
        The data do not identify the model; the message names the penalizer to set.

    Examples
    --------
    >>> donations = load_donations()  # doctest: +SKIP
    >>> fit_bgbb(donations, weights_col="weights").params.round(3)  # doctest: +SKIP
    alpha    1.204
    beta     0.750
    gamma    0.657
    delta    2.783
    """
    penalizer = check_number(penalizer, "penalizer", minimum=0)
    x, t_x, n = _rfm_arrays(summary, frequency_col, recency_col, T_col, discrete=True)
    if weights_col is None:
        (ux, ut, un), w = _compress(x, t_x, n)
    else:
        require_columns(summary, [weights_col], "summary")
        counts = nonnegative_values(summary, weights_col, "summary", "they count customers")
        keep = counts > 0
        if not keep.any():
            raise ValueError(f"column {weights_col!r} is 0 for every row: there is no customer")
        (ux, ut, un), w = _compress(x[keep], t_x[keep], n[keep], weights=counts[keep])
    if not (ux > 0).any():
        raise ValueError(
            f"column {frequency_col!r} is 0 for every customer: with no repeat transaction the "
            "BG/BB model cannot be fitted"
        )
    if start is not None and (
        len(start) != 4 or not all(math.isfinite(v) and v > 0 for v in start)
    ):
        raise ValueError(
            f"start must be 4 positive numbers (alpha, beta, gamma, delta), got {start!r}"
        )
    share = float((w * ux).sum()) / float((w * un).sum())  # transactions per period
    starts = [
        _bgbb_coordinates(share * k, (1 - share) * k, g, d)
        for k, g, d in ((2.0, 1.0, 3.0), (1.0, 0.3, 2.7), (5.0, 3.0, 27.0))
        if 0 < share < 1
    ] or [_bgbb_coordinates(1.0, 1.0, 1.0, 3.0)]
    if start is not None:
        starts.append(_bgbb_coordinates(*(float(v) for v in start)))
    candidates = [
        _Candidate(
            ["alpha", "beta", "gamma", "delta"],
            _bgbb_objective(ux, ut, un, w),
            starts,
            _bgbb_transform,
            edges={(2, -1): "no_dropout", (3, 1): "same_dropout"},
        ),
        _Candidate(
            ["alpha", "beta"],
            _bb_objective(ux, un, w),
            [np.log([max(share, 0.05), max(1 - share, 0.05)])],
            _log_transform,
            boundary="no_dropout",
            fixed={"gamma": 0.0, "delta": np.nan},
            order=["alpha", "beta", "gamma", "delta"],
        ),
    ]
    total = float(w.sum())
    n_obs = int(total) if total == round(total) else total
    return _fit(candidates, model="BG/BB", n_obs=n_obs, penalizer=penalizer, notes=_BGBB_NOTES)


def _p_alive(
    params: tuple[float, ...], limits: frozenset[str], x: np.ndarray, t_x: np.ndarray, n: np.ndarray
) -> np.ndarray:
    """P(alive at the start of period n + 1) (Fader, Hardie & Shang 2010, equation 11)."""
    if "no_dropout" in limits:
        return np.ones(len(x))
    alpha, beta, gamma, delta = params
    alive_next = (
        special.betaln(alpha + x, beta + n - x)
        - special.betaln(alpha, beta)
        + special.betaln(gamma, delta + n + 1)
        - special.betaln(gamma, delta)
    )
    return np.exp(alive_next - _bgbb_loglik_terms(params, x, t_x, n))


def _log_ratio(delta: float, gamma: float, m: np.ndarray) -> np.ndarray:
    """log Gamma(1 + delta + m) - log Gamma(gamma + delta + m)."""
    return special.gammaln(1 + delta + m) - special.gammaln(gamma + delta + m)


def _expected_at(
    params: tuple[float, ...],
    limits: frozenset[str],
    x: np.ndarray,
    t_x: np.ndarray,
    n: np.ndarray,
    times: Sequence[float],
) -> list[np.ndarray]:
    """Expected transactions in periods n + 1 .. n + t (Fader, Hardie & Shang 2010, eq. 13)."""
    alpha, beta, gamma, delta = params
    if "no_dropout" in limits:
        rate = (alpha + x) / (alpha + beta + n)
        return [rate * t for t in times]
    log_front = (
        special.betaln(alpha + x + 1, beta + n - x)
        - special.betaln(alpha, beta)
        - _bgbb_loglik_terms(params, x, t_x, n)
        + np.log(delta)
        + special.gammaln(gamma + delta)
        - special.gammaln(1 + delta)
        + _log_ratio(delta, gamma, n)
    )
    front = np.exp(log_front)
    out = []
    for t in times:
        change = _log_ratio(delta, gamma, n + t) - _log_ratio(delta, gamma, n)
        out.append(np.maximum(front * -np.expm1(change) / (gamma - 1), 0.0))
    return out


def _unconditional(params: tuple[float, ...], limits: frozenset[str], t: np.ndarray) -> np.ndarray:
    """E[X(n)] = alpha / (alpha + beta) * delta / (gamma - 1)
    * (1 - Gamma(gamma + delta) Gamma(1 + delta + n) / (Gamma(gamma + delta + n)
    Gamma(1 + delta))) (Fader, Hardie & Shang 2010, equation 9)."""
    alpha, beta, gamma, delta = params
    if "no_dropout" in limits:
        return alpha / (alpha + beta) * t
    change = _log_ratio(delta, gamma, t) - _log_ratio(delta, gamma, np.zeros_like(t))
    return alpha / (alpha + beta) * delta * -np.expm1(change) / (gamma - 1)


_PURCHASE_MODELS["BG/BB"] = _PurchaseModel(_p_alive, _expected_at, _unconditional, discrete=True)
