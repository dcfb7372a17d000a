"""The Pareto/NBD model of repeat purchases (Schmittlein, Morrison & Colombo 1987).

Customers buy at Poisson rates that vary as a gamma(r, alpha) across customers, and leave after
exponential lifetimes whose rates vary as a gamma(s, beta). Unlike BG/NBD, a customer may leave
at any time, not only just after a purchase. The likelihood is the one in Fader, Hardie & Lee
(2005), "A Note on Implementing the Pareto/NBD Model in MATLAB", whose CDNOW estimates
(r = 0.5534, alpha = 10.5802, s = 0.6061, beta = 11.6562) the tests reproduce.

* :func:`fit_pareto_nbd` fits it by maximum likelihood, with the recipe, result and limits of
  :func:`research.clv.fit_bgnbd` and an analytic gradient. The likelihood's hypergeometric
  term is computed as the integral it stands for (over the time a customer left), by Gauss-
  Legendre panels placed where the integrand lives: SciPy's 2F1 fails (inf or NaN) for heavy
  buyers, a strong spread of lifetimes or a fast dropout;
* :func:`research.clv.probability_alive`, :func:`research.clv.expected_purchases` and
  :func:`research.clv.expected_purchases_unconditional` predict from the fit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import special

from research._columns import FREQUENCY_COL, RECENCY_COL, T_COL
from research._validation import check_number
from research.clv.bgnbd import _d_log_rising, _log_rising, _nbd_objective, _nbd_transform
from research.clv.fitting import (
    _PURCHASE_MODELS,
    ModelFit,
    _Candidate,
    _fit,
    _negative_mean,
    _purchase_data,
    _PurchaseModel,
)

__all__ = ["fit_pareto_nbd"]


# Gauss-Legendre nodes of each panel, and the drops of the log-integrand below its peak at
# which the panels end on each side of the peak: a panel spans a drop of at most 12 units, far
# below the peak, so 12 nodes integrate each to ~1e-13 of the whole; beyond a drop of 46 the
# rest is below 1e-20 of the integral and left out
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(12)
_DROPS = np.array([1.0, 3.0, 6.0, 11.0, 18.0, 30.0, 46.0])
_BISECTIONS = 48
_NEWTON_STEPS = 6


def _side_ends(
    psi: Callable[[np.ndarray], np.ndarray],
    slope: Callable[[np.ndarray], np.ndarray],
    peak: np.ndarray,
    edge: np.ndarray,
    targets: np.ndarray,
) -> np.ndarray:
    """Where the concave ``psi`` falls to each target between the peak and the edge (the edge
    itself where it stays above): Newton steps from the edge's side, which approach the
    crossing without passing it (the tangent of a concave function lies above it). The ends
    need not be exact: they only place the panels."""
    edge = np.broadcast_to(edge, targets.shape)
    reached = psi(edge) >= targets
    u = edge.copy()
    low, high = np.minimum(peak, edge), np.maximum(peak, edge)
    for _ in range(_NEWTON_STEPS):
        with np.errstate(divide="ignore", invalid="ignore"):
            step = (psi(u) - targets) / slope(u)
        u = np.clip(np.where(np.isfinite(step), u - step, u), low, high)
    return np.where(reached, edge, u)


def _left_integral(
    a: np.ndarray,
    b: float,
    alpha: float,
    beta: float,
    t_x: np.ndarray,
    T: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The integral J = int from t_x to T of (alpha+tau)^-a (beta+tau)^-b dtau, by Gauss-Legendre
    panels placed where the integrand lives; rows with ``T > t_x`` only.

    Returns ``log J``, ``log(alpha + tau)`` and ``log(beta + tau)`` at the nodes (rows x
    nodes) and each node's share of J, with which the derivatives of log J are weighted means
    (d/da log J = -E[log(alpha + tau)], …).

    In u = log(m + tau), m = min(alpha, beta), the log-integrand
    psi(u) = u - a log(alpha - m + e^u) - b log(beta - m + e^u) is concave, with slopes between
    1 - a - b and 1: it has one peak on the interval, found by bisection of psi', and on each
    side of it the panels end where psi has dropped by ``_DROPS`` (found by bisection too). No
    library function covers this: SciPy's 2F1, in which FHL's note writes J, returns inf or NaN
    for many purchases, a strong spread of lifetimes or a fast dropout.
    """
    a = np.asarray(a, float)[:, None]
    m = min(alpha, beta)
    # one of log(alpha + tau) and log(beta + tau) is u itself: the other needs a logaddexp
    b_rows = np.full_like(a, b)  # one per row, so that slope() can take some rows
    if alpha <= beta:
        gap, own, other = np.log(beta - m) if beta > m else -np.inf, a, b_rows
    else:
        gap, own, other = np.log(alpha - m), b_rows, a

    def psi(u: np.ndarray) -> np.ndarray:
        return u * (1 - own) - other * np.logaddexp(gap, u)

    def slope(u: np.ndarray, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        return 1 - own[rows] - other[rows] * special.expit(u - gap)

    lo = np.log(m + t_x)[:, None]
    hi = np.log(m + T)[:, None]
    # the peak: an end, or where the slope crosses 0 (bisection: the slope falls)
    peak = np.where(slope(lo) <= 0, lo, np.where(slope(hi) >= 0, hi, np.nan))
    inside = np.isnan(peak[:, 0])
    if inside.any():
        left, right = lo[inside].copy(), hi[inside].copy()
        for _ in range(_BISECTIONS):
            mid = (left + right) / 2
            up = slope(mid, inside) > 0
            left, right = np.where(up, mid, left), np.where(up, right, mid)
        peak[inside] = (left + right) / 2
    top = psi(peak)
    targets = top - _DROPS[None, :]
    # the panels: [peak, right_1], [right_1, right_2], … and the same on the left where the
    # peak is not at the left end
    sides = [(peak, _side_ends(psi, slope, peak, hi, targets))]
    rising = (peak > lo)[:, 0]
    if rising.any():
        sides.append((peak, _side_ends(psi, slope, peak, lo, targets)))
        sides[1] = (peak, np.where(rising[:, None], sides[1][1], peak))
    starts = np.concatenate([np.concatenate([p, e[:, :-1]], axis=1) for p, e in sides], axis=1)
    stops = np.concatenate([e for _, e in sides], axis=1)
    half = (stops - starts) / 2
    u = (starts + stops)[:, :, None] / 2 + half[:, :, None] * _NODES[None, None, :]
    u = u.reshape(len(a), -1)
    with np.errstate(divide="ignore"):
        log_w = np.log(np.abs(half))[:, :, None] + np.log(_WEIGHTS)[None, None, :]
        shifted = np.logaddexp(gap, u)  # the log of the other of alpha + tau, beta + tau
        terms = u * (1 - own) - other * shifted + log_w.reshape(len(a), -1)
    # log-sum-exp by hand: the shares need the exponentials anyway
    top_term = terms.max(axis=1)
    share = np.exp(terms - top_term[:, None])
    total = share.sum(axis=1)
    share /= total[:, None]
    log_j = top_term + np.log(total)
    log_alpha_tau, log_beta_tau = (u, shifted) if alpha <= beta else (shifted, u)
    return log_j, log_alpha_tau, log_beta_tau, share


def _log_parts(
    params: Sequence[float], x: np.ndarray, t_x: np.ndarray, T: np.ndarray, *, moments: bool = False
) -> tuple:
    """The parts of the log-likelihood: the rising factorial of r, "alive at T" and "left
    between t_x and T" (Fader, Hardie & Lee's note, equation 1, written with an integral over
    the time of leaving), each in logs; with ``moments``, also the nodes and shares of that
    integral for the gradient."""
    r, alpha, s, beta = params
    x = np.asarray(x, float)
    rising = _log_rising(r, x)
    # r log alpha - (r + x) log(alpha + T), exact when r and alpha are both large
    alive = -r * np.log1p(T / alpha) - x * np.log(alpha + T) - s * np.log1p(T / beta)
    dead = np.full(len(x), -np.inf)
    nodes = None
    later = T > t_x
    if later.any():
        log_j, *nodes = _left_integral(r + x[later], s + 1, alpha, beta, t_x[later], T[later])
        dead[later] = np.log(s) + r * np.log(alpha) + s * np.log(beta) + log_j
    if moments:
        return rising, alive, dead, later, nodes
    return rising, alive, dead


def _pnbd_loglik_terms(
    params: Sequence[float], x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Per-customer Pareto/NBD log-likelihood."""
    rising, alive, dead = _log_parts(params, x, t_x, T)
    return rising + np.logaddexp(alive, dead)


def _pnbd_objective(
    x: np.ndarray, t_x: np.ndarray, T: np.ndarray, w: np.ndarray
) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """Mean negative Pareto/NBD log-likelihood of (r, alpha, s, beta) and its analytic
    gradient (the integral's derivatives are weighted means over its nodes). ``w`` are the
    row counts; prior validation is assumed."""
    n = float(w.sum())
    xs, at = np.unique(x, return_inverse=True)

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        r, alpha, s, beta = params
        rising, alive, dead, later, nodes = _log_parts(params, x, t_x, T, moments=True)
        total = np.logaddexp(alive, dead)
        w_dead = np.exp(dead - total)
        w_alive = 1.0 - w_dead
        d_r = _d_log_rising(r, xs)[at] - w_alive * np.log1p(T / alpha)
        d_alpha = w_alive * (r * T / alpha - x) / (alpha + T)
        d_s = -w_alive * np.log1p(T / beta) + w_dead / s
        d_beta = w_alive * s * T / (beta * (beta + T))
        if later.any():
            log_at, log_bt, share = nodes
            wd = w_dead[later]

            def mean(values: np.ndarray) -> np.ndarray:
                return (share * values).sum(axis=1)

            # the derivatives of r log alpha + s log beta + log J, as means over the nodes
            d_r[later] -= wd * (mean(log_at) - np.log(alpha))
            d_alpha[later] += wd * (r / alpha - (r + x[later]) * mean(np.exp(-log_at)))
            d_s[later] -= wd * (mean(log_bt) - np.log(beta))
            d_beta[later] += wd * (s / beta - (s + 1) * mean(np.exp(-log_bt)))
        return _negative_mean(w, n, rising + total, d_r, d_alpha, d_s, d_beta)

    return objective


def _pnbd_transform(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(r, alpha, s, beta) from (log r, log r/alpha, log s, log s/beta), with the Jacobian:
    the mean purchase rate r/alpha and the mean dropout rate s/beta are coordinates, so "no
    dropout" (s/beta = 0) is an edge of one."""
    r, rate, s, leave = np.exp(theta)
    alpha, beta = r / rate, s / leave
    jac = np.array(
        [[r, 0, 0, 0], [alpha, -alpha, 0, 0], [0, 0, s, 0], [0, 0, beta, -beta]], dtype=float
    )
    return np.array([r, alpha, s, beta]), jac


def _pnbd_coordinates(r: float, alpha: float, s: float, beta: float) -> np.ndarray:
    return np.log([r, r / alpha, s, s / beta])


_PNBD_NOTES = {
    "no_dropout": (
        "the data show no detectable dropout (the best fit has a mean dropout rate s / beta "
        "= 0, the NBD model): every customer is treated as still active, so P(alive) is 100% "
        "for everyone and expected purchases continue each customer's own purchase rate. A "
        "longer calibration period gives the model a chance to see dropout."
    ),
}


def fit_pareto_nbd(
    summary: pd.DataFrame,
    *,
    frequency_col: str = FREQUENCY_COL,
    recency_col: str = RECENCY_COL,
    T_col: str = T_COL,
    penalizer: float = 0.0,
    start: tuple[float, float, float, float] | None = None,
) -> ModelFit:
    """Fit the Pareto/NBD model by maximum likelihood.

    The same data give the same fit whatever the row order, starting point, processor or
    thread count (the recipe of :func:`research.clv.fit_bgnbd`). When the data show no dropout
    the fit is the NBD model, returned with ``boundary="no_dropout"`` and a
    :class:`~research.clv.BoundaryFitWarning`.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per customer: repeat purchases, age at the last purchase and age at the end of
        the calibration period, in one time unit (e.g. from
        :func:`research.segmentation.rfm_summary`).
    frequency_col, recency_col, T_col : str
        Column names.
    penalizer : float, default 0.0
        L2 penalty on the parameters (lifetimes' convention).
    start : tuple of 4 floats, optional
        An extra starting point (r, alpha, s, beta).

    Returns
    -------
    ModelFit
        ``model="Pareto/NBD"``, ``params`` ``r``, ``alpha`` (purchase rates: gamma shape and
        rate), ``s``, ``beta`` (dropout rates: gamma shape and rate); at the no-dropout limit
        ``s = 0`` and ``beta`` is NaN.

    Raises
    ------
    ValueError
        Invalid summary (as for :func:`research.clv.fit_bgnbd`).
    ConvergenceError
        The data do not identify the model; the message names the penalizer to set.

    Examples
    --------
    >>> fit = fit_pareto_nbd(summary)  # CDNOW, 39 weeks  # doctest: +SKIP
    >>> fit.params.round(4)  # doctest: +SKIP
    r         0.5534
    alpha    10.5802
    s         0.6061
    beta     11.6562
    """
    penalizer = check_number(penalizer, "penalizer", minimum=0)
    data = _purchase_data(
        summary,
        (frequency_col, recency_col, T_col),
        model="Pareto/NBD",
        start=start,
        names="r, alpha, s, beta",
    )
    ux, ut, uT, w, rate = data.x, data.t_x, data.T, data.w, data.rate
    # starting values from the data: the mean purchase rate, and mean lifetimes of one, two
    # and half a mean observation period, with more or less spread
    life = float(np.mean(uT))
    starts = [
        _pnbd_coordinates(1.0, 1.0 / rate, s, s * life * k)
        for s, k in ((1.0, 1.0), (0.5, 2.0), (2.0, 0.5))
    ]
    if data.start is not None:
        starts.append(_pnbd_coordinates(*data.start))
    candidates = [
        _Candidate(
            ["r", "alpha", "s", "beta"],
            _pnbd_objective(ux, ut, uT, w),
            starts,
            _pnbd_transform,
            edges={(3, -1): "no_dropout"},
        ),
        _Candidate(
            ["r", "alpha"],
            _nbd_objective(ux, uT, w),
            [np.log([1.0, rate])],
            _nbd_transform,
            boundary="no_dropout",
            fixed={"s": 0.0, "beta": np.nan},
            order=["r", "alpha", "s", "beta"],
        ),
    ]
    return _fit(
        candidates, model="Pareto/NBD", n_obs=data.n_obs, penalizer=penalizer, notes=_PNBD_NOTES
    )


def _p_alive(
    params: tuple[float, ...], limits: frozenset[str], x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """P(alive at T) = 1 / (1 + s / (r + s + x) (alpha+T)^(r+x) (beta+T)^s A0)."""
    if "no_dropout" in limits:
        return np.ones(len(x))
    _, alive, dead = _log_parts(params, x, t_x, T)
    return special.expit(alive - dead)


def _one_minus_power(s: float, q: np.ndarray) -> np.ndarray:
    """(1 - q ** (s - 1)) / (s - 1), and -log q at s = 1 (0 < q <= 1)."""
    log_q = np.log(q)
    if abs(s - 1) < 1e-12:
        return -log_q
    return -np.expm1((s - 1) * log_q) / (s - 1)


def _expected_at(
    params: tuple[float, ...],
    limits: frozenset[str],
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    times: Sequence[float],
) -> list[np.ndarray]:
    """E[purchases in (T, T + t]] = (r + x) / (alpha + T) * (beta + T)
    * (1 - ((beta + T) / (beta + T + t)) ** (s - 1)) / (s - 1) * P(alive)."""
    r, alpha, s, beta = params
    if "no_dropout" in limits:
        rate = (r + x) / (alpha + T)
        return [rate * t for t in times]
    alive = _p_alive(params, limits, x, t_x, T)
    rate = (r + x) / (alpha + T) * (beta + T) * alive
    return [rate * _one_minus_power(s, (beta + T) / (beta + T + t)) for t in times]


def _unconditional(params: tuple[float, ...], limits: frozenset[str], t: np.ndarray) -> np.ndarray:
    """E[X(t)] = r beta / (alpha (s - 1)) * (1 - (beta / (beta + t)) ** (s - 1))."""
    r, alpha, s, beta = params
    if "no_dropout" in limits:
        return r / alpha * t
    return r / alpha * beta * _one_minus_power(s, beta / (beta + t))


_PURCHASE_MODELS["Pareto/NBD"] = _PurchaseModel(_p_alive, _expected_at, _unconditional)
