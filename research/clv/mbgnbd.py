"""The MBG/NBD model of repeat purchases (Batislam, Denizel & Filiztekin 2007).

BG/NBD with one change: a customer may also drop out at time 0, right after the first
purchase, so customers without repeat purchases are not all alive. On CDNOW this is what
lifetimes' ``ModifiedBetaGeoFitter`` fits (r = 0.525, alpha = 6.183, a = 0.891, b = 1.614).

* :func:`fit_mbgnbd` fits it by maximum likelihood, with the same recipe, result and limits as
  :func:`research.clv.fit_bgnbd`;
* :func:`research.clv.probability_alive`, :func:`research.clv.expected_purchases` and
  :func:`research.clv.expected_purchases_unconditional` predict from the fit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special

from research._columns import FREQUENCY_COL, RECENCY_COL, T_COL
from research._validation import check_number
from research.clv.bgnbd import (
    _BGNBD_NOTES,
    _bgnbd_candidates,
    _bgnbd_objective,
    _one_minus_power_hyp,
)
from research.clv.fitting import (
    _PURCHASE_MODELS,
    ModelFit,
    _fit,
    _purchase_data,
    _PurchaseModel,
)

__all__ = ["fit_mbgnbd"]


def _mbgnbd_loglik_terms(
    params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Per-customer MBG/NBD log-likelihood in plain form (Batislam et al. 2007, eq. 4):
    ``Gamma(r+x) alpha^r / Gamma(r) * [B(a, b+x+1) / B(a, b) / (alpha+T)^(r+x)
    + B(a+1, b+x) / B(a, b) / (alpha+t_x)^(r+x)]``; the reference for the fitted kernel."""
    r, alpha, a, b = params
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    lbeta = special.betaln(a, b)
    alive = special.betaln(a, b + x + 1) - lbeta - (r + x) * np.log(alpha + T)
    dead = special.betaln(a + 1, b + x) - lbeta - (r + x) * np.log(alpha + t_x)
    return common + np.logaddexp(alive, dead)


def fit_mbgnbd(
    summary: pd.DataFrame,
    *,
    frequency_col: str = FREQUENCY_COL,
    recency_col: str = RECENCY_COL,
    T_col: str = T_COL,
    penalizer: float = 0.0,
    start: tuple[float, float, float, float] | None = None,
) -> ModelFit:
    """Fit the MBG/NBD model (Batislam, Denizel & Filiztekin 2007) by maximum likelihood.

    Parameters, limits and guarantees are those of :func:`research.clv.fit_bgnbd`: the same
    data give the same fit whatever the row order, starting point, processor or thread count;
    a fit at a limit of the model (no detectable dropout: the NBD model) comes with a
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
        An extra starting point (r, alpha, a, b).

    Returns
    -------
    ModelFit
        ``model="MBG/NBD"``, ``params`` ``r``, ``alpha``, ``a``, ``b``.

    Raises
    ------
    ValueError
        Invalid summary (as for :func:`research.clv.fit_bgnbd`).
    ConvergenceError
        The data do not identify the model; the message names the penalizer to set.

    Examples
    --------
    >>> fit = fit_mbgnbd(summary)  # doctest: +SKIP
    >>> fit.params.round(3)  # CDNOW, 39 weeks  # doctest: +SKIP
    r        0.525
    alpha    6.183
    a        0.891
    b        1.614
    """
    penalizer = check_number(penalizer, "penalizer", minimum=0)
    data = _purchase_data(
        summary,
        (frequency_col, recency_col, T_col),
        model="MBG/NBD",
        start=start,
        names="r, alpha, a, b",
    )
    objective = _bgnbd_objective(data.x, data.t_x, data.T, data.w, modified=True)
    candidates = _bgnbd_candidates(objective, data)
    notes = dict(_BGNBD_NOTES)
    notes["two_point_dropout"] = (
        "the customers are of two kinds (the best fit has a + b = 0): a share a / (a + b) "
        "leave at once (at their first purchase or the next), the others never leave; P(alive) "
        "and expected purchases follow that split."
    )
    return _fit(candidates, model="MBG/NBD", n_obs=data.n_obs, penalizer=penalizer, notes=notes)


def _mbg_alive_odds(
    r: float, alpha: float, a: float, b: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """a / (b + x) * ((alpha + T) / (alpha + t_x)) ** (r + x), for every x (0 included)."""
    with np.errstate(over="ignore"):
        return np.exp(
            np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        )


def _p_alive(
    params: tuple[float, ...], limits: frozenset[str], x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    if "no_dropout" in limits:
        return np.ones(len(x))
    return 1.0 / (1.0 + _mbg_alive_odds(*params, x, t_x, T))


def _expected_at(
    params: tuple[float, ...],
    limits: frozenset[str],
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    times: Sequence[float],
) -> list[np.ndarray]:
    """Batislam et al. (2007), eq. 6: the conditional expectation over the next ``t``."""
    r, alpha, a, b = params
    if "no_dropout" in limits:
        rate = (r + x) / (alpha + T)
        return [rate * t for t in times]
    first = (a + b + x) / (a - 1)
    alive = 1 + _mbg_alive_odds(r, alpha, a, b, x, t_x, T)
    out = []
    for t in times:
        second = _one_minus_power_hyp(r + x, b + x + 1, a + b + x, alpha + T, t)
        out.append(np.maximum(first * second / alive, 0.0))
    return out


def _unconditional(params: tuple[float, ...], limits: frozenset[str], t: np.ndarray) -> np.ndarray:
    r, alpha, a, b = params
    if "no_dropout" in limits:
        return r / alpha * t
    # E[(1 - p) / p] over beta(a, b) is b / (a - 1): a customer may leave before buying again
    return b / (a - 1) * _one_minus_power_hyp(r, b + 1, a + b, alpha, t)


_PURCHASE_MODELS["MBG/NBD"] = _PurchaseModel(_p_alive, _expected_at, _unconditional)
