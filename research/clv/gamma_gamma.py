"""The Gamma-Gamma model of spend per purchase (Fader, Hardie and Lee 2005).

* :func:`fit_gamma_gamma` fits the Gamma-Gamma spend model (Fader, Hardie & Lee 2005,
  "RFM and CLV: using iso-value curves", *Journal of Marketing Research* 42(4)) on the repeat
  customers' mean spend, and reports how strongly spend and frequency are correlated (the model
  assumes they are independent).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import special, stats

from research._columns import FREQUENCY_COL, MONETARY_COL
from research._validation import (
    check_number,
    nonnegative_values,
    require_columns,
    require_frame,
    require_rows,
)
from research.clv.fitting import (
    ModelFit,
    _Candidate,
    _compress,
    _describe,
    _fit,
    _negative_mean,
    _whole_counts,
)

__all__ = [
    "fit_gamma_gamma",
    "expected_average_spend",
]

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


def _gg_transform(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(p, q, gamma) from (log p, log q, log p*gamma/q), with the Jacobian.

    The limit p -> inf (spend constant per customer) keeps p*gamma fixed and q -> inf (one spend
    level for all) keeps q/gamma fixed: with p*gamma/q as the third coordinate both are edges.
    """
    p, q, level = np.exp(theta)
    g = level * q / p
    jac = np.array([[p, 0, 0], [0, q, 0], [-g, g, g]], dtype=float)
    return np.array([p, q, g]), jac


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
        return _negative_mean(w, n, ll, d_p, d_q, d_g)

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
        return _negative_mean(w, n, ll, d_q, d_s)

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
        return _negative_mean(w, n, ll, d_p, d_nu)

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


#: Level of the interval of the spend-frequency correlation in ``ModelFit.extra``.
_CORR_CI = 0.95


def _spend_correlation(x: np.ndarray, m: np.ndarray) -> dict[str, object]:
    """Pearson correlation of frequency and mean spend among the repeat customers, with its
    interval and a verdict on the model's independence assumption."""
    corr = stats.pearsonr(x, m)
    interval = corr.confidence_interval(_CORR_CI)
    verdict = (
        "weak: the independence assumption is reasonable"
        if abs(corr.statistic) < 0.3
        else "not weak: spend depends on frequency, so treat the spend model with care"
    )
    return {
        "spend_frequency_corr": float(corr.statistic),
        "spend_frequency_corr_low": float(interval.low),
        "spend_frequency_corr_high": float(interval.high),
        "spend_frequency_corr_ci": _CORR_CI,
        "independence_check": verdict,
    }


def _gg_candidates(
    x: np.ndarray, m: np.ndarray, unit: float, start: tuple[float, float, float] | None
) -> list[_Candidate]:
    """The full Gamma-Gamma model and its two limits, on spend in units of its mean ``unit``,
    with starting values from the data (and ``start``, in currency)."""
    (ux, um), w = _compress(x, m / unit)
    # the spread of mean spend sets q (inverse-gamma moments), gamma follows from the mean for
    # a few values of p
    mean, var = float(np.mean(um * w) / np.mean(w)), float(np.var(m / unit))
    q0 = 2.0 + mean**2 / var
    level = mean * (q0 - 1) / q0  # p * gamma / q
    starts = [np.log([p0, q0, level]) for p0 in (1.0, 5.0, 25.0)]
    if start is not None:
        p0, q0_, g0 = (float(v) for v in start)
        starts.append(np.log([p0, q0_, p0 * g0 / unit / q0_]))
    p_rate = max(mean**2 * float(np.mean(1 / x)) / var, 0.1)
    order = ["p", "q", "gamma"]
    return [
        _Candidate(
            order,
            _gg_objective(ux, um, w),
            starts,
            _gg_transform,
            edges={(0, 1): "constant_spend", (1, 1): "same_mean_spend"},
        ),
        _Candidate(
            ["q", "scale"],
            _inverse_gamma_objective(um, w),
            [np.log([q0, mean * (q0 - 1)])],
            boundary="constant_spend",
            fixed={"p": np.inf, "gamma": np.nan},
            order=[*order, "scale"],
        ),
        _Candidate(
            ["p", "nu"],
            _common_rate_objective(ux, um, w),
            [np.log([p_rate, p_rate / mean])],
            boundary="same_mean_spend",
            fixed={"q": np.inf, "gamma": np.nan},
            order=[*order, "nu"],
        ),
    ]


def _in_currency(fit: ModelFit, unit: float) -> ModelFit:
    """The fit with spend back in currency: gamma and scale are in spend units, nu in 1 /
    spend; the density of spend in currency is that of spend in mean units divided by the
    unit, per customer."""
    factor = pd.Series({"gamma": unit, "scale": unit, "nu": 1 / unit}).reindex(
        fit.params.index, fill_value=1.0
    )
    return dataclasses.replace(
        fit,
        params=fit.params * factor,
        bse=fit.bse * factor,
        cov=None if fit.cov is None else fit.cov * np.outer(factor, factor),
        loglik=fit.loglik - fit.n_obs * math.log(unit),
    )


def fit_gamma_gamma(
    summary: pd.DataFrame,
    *,
    frequency_col: str = FREQUENCY_COL,
    monetary_col: str = MONETARY_COL,
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
        the Pearson correlation of frequency and mean spend among repeat customers with its
        interval (``spend_frequency_corr``, ``..._low``, ``..._high``, at the level
        ``spend_frequency_corr_ci``, 95%), a plain-words verdict (``independence_check``; the
        model assumes the two are independent) and ``zero_spend_customers_ignored``.

    Raises
    ------
    ValueError
        Missing or negative values, fewer than 3 repeat customers with a positive spend.
    ConvergenceError
        The data do not identify the model (e.g. every customer has the same mean spend).

    Examples
    --------
    >>> fit = fit_gamma_gamma(summary)  # doctest: +SKIP
    >>> fit.params.round(2)  # doctest: +SKIP
    p         6.25
    q         3.74
    gamma    15.44
    """
    penalizer = check_number(penalizer, "penalizer", minimum=0)
    x, m, _ = _spend_arrays(summary, frequency_col, monetary_col)
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
    extra = _spend_correlation(xs, ms) | {"zero_spend_customers_ignored": int(zero.sum())}
    # spend in units of its mean, so the parameters sit well inside the search box whatever
    # the currency (gamma, scale and nu are scaled back below)
    unit = float(np.mean(ms))
    fit = _fit(
        _gg_candidates(xs, ms, unit, start),
        model="Gamma-Gamma",
        n_obs=int(use.sum()),
        penalizer=penalizer,
        notes=_GG_NOTES,
        extra=extra,
    )
    return _in_currency(fit, unit)


def expected_average_spend(
    fit: ModelFit,
    summary: pd.DataFrame,
    *,
    frequency_col: str = FREQUENCY_COL,
    monetary_col: str = MONETARY_COL,
) -> pd.Series:
    """Expected mean spend per future purchase of each customer (Gamma-Gamma, equation 5).

    A customer without repeat purchases gets the population mean ``p * gamma / (q - 1)``. At the
    ``constant_spend`` limit a repeat customer gets their own mean; at ``same_mean_spend``
    everyone gets ``p / nu``.

    Parameters
    ----------
    fit : ModelFit
        The result of :func:`fit_gamma_gamma`.
    summary : pandas.DataFrame
        The customers, with the columns the model was fitted on.
    frequency_col, monetary_col : str
        Column names.

    Returns
    -------
    pandas.Series
        ``expected_average_spend``, indexed like ``summary``.

    Examples
    --------
    >>> expected_average_spend(fit_gamma_gamma(summary), summary).head(3)  # doctest: +SKIP
    """
    _check_gamma_gamma(fit, "fit")
    x, m, index = _spend_arrays(summary, frequency_col, monetary_col)
    return pd.Series(_average_spend(fit, x, m), index=index, name="expected_average_spend")


def _average_spend(fit: ModelFit, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """The kernel of :func:`expected_average_spend`; prior validation is assumed."""
    if "constant_spend" in fit.limits:
        q, scale = float(fit.params["q"]), float(fit.params["scale"])
        population = scale / (q - 1) if q > 1 else np.nan
        return np.where(x > 0, m, population)
    if "same_mean_spend" in fit.limits:
        return np.full(len(x), float(fit.params["p"]) / float(fit.params["nu"]))
    p, q, g = (float(fit.params[k]) for k in ("p", "q", "gamma"))
    return (g + m * x) * p / (p * x + q - 1)
