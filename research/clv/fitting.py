"""Fitting the lifetime-value models: input checks, maximum likelihood with limit models,
the fit result."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from research import _mle
from research._format import ci_label
from research._results import FrozenMapping, Result, Summary, read_only_series
from research._validation import (
    check_ci,
    check_int,
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
]

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


class ConvergenceError(RuntimeError):
    """The maximum-likelihood fit found no proper maximum; the message says what to set."""


class BoundaryFitWarning(UserWarning):
    """The best fit is a limit of the model (e.g. no detectable dropout); the message says
    what that means for the predictions."""


# the level of the parameter table a fit shows in JupyterLab and in repr() (the default of
# ``to_frame()`` and the other methods), which its caption states: ``ModelFit.ci``
_SHOWN_CI = 0.95


@dataclass(frozen=True, eq=False, repr=False)
class ModelFit(Result):
    """A fitted model: parameters with standard errors, intervals and fit statistics.

    The result of :func:`research.clv.fit_bgnbd` and :func:`research.clv.fit_gamma_gamma`.
    ``to_frame()`` is the parameter table (estimates, standard errors, intervals at level
    ``ci``, 95%; other levels with ``to_frame(ci=...)`` or ``conf_int(ci=...)``), ``summary()``
    the readable summary, ``plot()`` the parameters with their intervals, and in JupyterLab it
    shows as the table.

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
    cov : pandas.DataFrame or None
        Covariance of the estimates (the inverse Hessian of the log-likelihood), parameters by
        parameters; NaN rows and columns for parameters at a limit. ``draw_params()`` draws
        from it.
    extra : Mapping
        Model-specific diagnostics (for Gamma-Gamma: the spend-frequency correlation, its
        interval and the interval's level ``spend_frequency_corr_ci``).

    ``params``, ``bse`` and ``extra`` are the fit's own read-only copies: writing into them
    raises instead of changing the fit (``fit.params.copy()`` gives one to change).
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
    extra: Mapping[str, object] = field(default_factory=dict)
    boundary: str | None = None
    note: str = ""
    cov: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        # the fit's own read-only copies: writing into them raises instead of changing the fit
        object.__setattr__(self, "params", read_only_series(self.params))
        object.__setattr__(self, "bse", read_only_series(self.bse))
        object.__setattr__(self, "extra", FrozenMapping(self.extra))
        if self.cov is not None:
            object.__setattr__(self, "cov", self.cov.copy())

    def draw_params(self, n: int, *, seed: int | None = 0) -> pd.DataFrame:
        """``n`` draws of the parameters from the fit's sampling distribution: normal on the
        log scale of the parameters (so they stay positive), with the covariance of the
        estimates (``cov``). Parameters at a limit keep their value in every draw.

        What the intervals on predictions (:func:`research.clv.clv_intervals`,
        :func:`research.clv.project_retention`) propagate.

        Parameters
        ----------
        n : int
            Number of draws (>= 1).
        seed : int or None, default 0
            Seed of the random numbers (None: fresh ones).

        Returns
        -------
        pandas.DataFrame
            One row per draw, one column per parameter.
        """
        n = check_int(n, "n", minimum=1)
        if self.cov is None:
            raise ValueError(f"this {self.model} fit has no covariance to draw from")
        names = list(self.params.index)
        free = np.isfinite(self.bse.to_numpy()) & (self.params.to_numpy() > 0)
        values = np.tile(self.params.to_numpy(dtype=float), (n, 1))
        if free.any():
            est = self.params.to_numpy(dtype=float)[free]
            cov = self.cov.to_numpy(dtype=float)[np.ix_(free, free)] / np.outer(est, est)
            rng = np.random.default_rng(seed)
            values[:, free] = est * np.exp(
                rng.multivariate_normal(np.zeros(len(est)), cov, size=n, method="eigh")
            )
        return pd.DataFrame(values, columns=names)

    @property
    def ci(self) -> float:
        """Level of the intervals the fit shows by default: in ``to_frame()``, ``conf_int()``,
        ``summary()``, ``plot()`` and its table in JupyterLab (0.95; other levels with
        ``ci=``)."""
        return _SHOWN_CI

    @property
    def limits(self) -> frozenset[str]:
        """The limits in ``boundary`` (it may name two, e.g. ``"no_dropout + same_rate"``)."""
        return frozenset(self.boundary.split(" + ")) if self.boundary else frozenset()

    @property
    def aic(self) -> float:
        """Akaike information criterion (parameters at a limit are not counted)."""
        k = int(np.isfinite(self.bse).sum()) if self.boundary else len(self.params)
        return 2 * k - 2 * self.loglik

    def conf_int(self, *, ci: float = _SHOWN_CI) -> pd.DataFrame:
        """Wald intervals on the log scale (so they stay positive) at level ``ci``: columns
        ``low``, ``high``, one row per parameter.

        ``ci`` is keyword-only (it replaced an ``alpha``, whose positional value, e.g. 0.05,
        would otherwise silently give a 5% interval)."""
        ci = check_ci(ci)
        z = stats.norm.ppf((1 + ci) / 2)
        se_log = self.bse / self.params
        return pd.DataFrame(
            {
                "low": self.params * np.exp(-z * se_log),
                "high": self.params * np.exp(z * se_log),
            }
        )

    def to_frame(self, *, ci: float = _SHOWN_CI) -> pd.DataFrame:
        """The parameter table: ``estimate``, ``std_err`` and the interval at level ``ci``
        (``low``, ``high``), indexed by ``parameter``."""
        bounds = self.conf_int(ci=ci)
        table = pd.DataFrame(
            {
                "estimate": self.params,
                "std_err": self.bse,
                "low": bounds["low"],
                "high": bounds["high"],
            }
        )
        table.index.name = "parameter"
        return table

    def _caption(self) -> str:
        return (
            f"{self.model} fit on {self.n_obs:,} customers: log-likelihood {self.loglik:,.2f}, "
            f"AIC {self.aic:,.1f}"
            + (f", penalizer {self.penalizer:g}" if self.penalizer else "")
            + (f", at the limit {self.boundary}" if self.boundary else "")
            + f"; {ci_label(self.ci)} intervals"
        )

    def summary(self, *, ci: float = _SHOWN_CI) -> Summary:
        """The fit as a :class:`~research._results.Summary`: the parameter table at level
        ``ci`` and the fit statistics (log-likelihood, AIC, penalizer, convergence, the limit
        and what it means, the model's diagnostics)."""
        table = self.to_frame(ci=ci)
        notes = [
            f"log-likelihood {self.loglik:,.2f}, AIC {self.aic:,.1f}",
            f"penalizer {self.penalizer:g}; "
            + ("converged" if self.converged else "did not converge"),
        ]
        if self.boundary:
            notes.append(f"at the limit {self.boundary}: {self.note}")
        notes += [f"{key}: {value}" for key, value in self.extra.items()]
        return Summary(
            title=f"{self.model} fit on {self.n_obs:,} customers",
            tables=((f"parameters ({ci_label(ci)} intervals)", table),),
            notes=tuple(notes),
        )

    def plot(self, ax: Axes | None = None, *, ci: float = _SHOWN_CI, **kwargs: Any) -> Figure:
        """:func:`research.clv.plotting.plot_parameter_intervals` of this fit, at level
        ``ci``."""
        from research.clv.plotting import plot_parameter_intervals

        return plot_parameter_intervals(self, ci=ci, ax=ax, **kwargs)


# --------------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------------


def _rfm_arrays(
    summary: pd.DataFrame,
    frequency_col: str,
    recency_col: str,
    T_col: str,
    *,
    discrete: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The summary's frequency, recency and T, checked; ``discrete``: all whole numbers of
    periods, with the frequency at most the recency (one purchase per period at most)."""
    frame = require_frame(summary, "summary")
    cols = [frequency_col, recency_col, T_col]
    require_columns(frame, cols, "summary")
    require_rows(frame, "summary")
    why = "counts and durations cannot be negative"
    arrays = [nonnegative_values(frame, col, "summary", why) for col in cols]
    x, t_x, T = arrays
    _whole_counts(x, frame, frequency_col)
    if discrete:
        for values, col in ((t_x, recency_col), (T, T_col)):
            _whole_counts(values, frame, col, "counts periods (the model is in discrete time)")
        crowded = x > t_x
        if crowded.any():
            raise ValueError(
                f"{int(crowded.sum()):,} customers have {frequency_col!r} greater than "
                f"{recency_col!r} (rows {rows_repr(frame.index[crowded])}): in discrete time a "
                "customer buys at most once per period, so the repeat purchases cannot outnumber "
                "the periods up to the last one"
            )
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


@dataclass(frozen=True)
class _PurchaseData:
    """A purchase model's checked input: the distinct (frequency, recency, T) rows and their
    counts, the customers, the mean purchase rate, and the caller's extra start."""

    x: np.ndarray
    t_x: np.ndarray
    T: np.ndarray
    w: np.ndarray
    n_obs: int
    rate: float
    start: tuple[float, ...] | None


def _purchase_data(
    summary: pd.DataFrame,
    cols: tuple[str, str, str],
    *,
    model: str,
    start: object,
    names: str,
) -> _PurchaseData:
    """Check a continuous-time purchase model's summary and ``start`` (the parameters
    ``names``, e.g. "r, alpha, a, b") and compress the summary to its distinct rows."""
    frequency_col, recency_col, T_col = cols
    x, t_x, T = _rfm_arrays(summary, frequency_col, recency_col, T_col)
    if not (x > 0).any():
        raise ValueError(
            f"column {frequency_col!r} is 0 for all {len(x):,} customers: with no repeat purchase "
            f"the {model} model cannot be fitted (is the summary from a single-purchase export?)"
        )
    k = len(names.split(", "))
    if start is not None and (
        len(start) != k or not all(np.isfinite(v) and v > 0 for v in start)  # type: ignore[arg-type]
    ):
        raise ValueError(f"start must be {k} positive numbers ({names}), got {start!r}")
    if not (T > 0).any():
        raise ValueError(f"column {T_col!r} is 0 for every customer: there is no time to model")
    (ux, ut, uT), w = _compress(x, t_x, T)
    return _PurchaseData(
        x=ux,
        t_x=ut,
        T=uT,
        w=w,
        n_obs=len(x),
        rate=float(np.sum(x)) / float(np.sum(T)),
        start=None if start is None else tuple(float(v) for v in start),  # type: ignore[union-attr]
    )


def _whole_counts(
    x: np.ndarray, frame: pd.DataFrame, col: str, what: str = "counts repeat purchases"
) -> None:
    fractional = x != np.round(x)
    if fractional.any():
        raise ValueError(
            f"column {col!r} of summary has {int(fractional.sum()):,} values that are not whole "
            f"numbers (rows {rows_repr(frame.index[fractional])}): it {what}"
        )


def _compress(
    *columns: np.ndarray, weights: np.ndarray | None = None
) -> tuple[list[np.ndarray], np.ndarray]:
    """Distinct rows of the columns and how often each occurs (the likelihood's weights); with
    ``weights``, the sum of the weights of each distinct row's copies."""
    order = np.lexsort(columns[::-1])
    stacked = np.column_stack(columns)[order]
    new = np.r_[True, np.any(stacked[1:] != stacked[:-1], axis=1)]
    starts = np.flatnonzero(new)
    if weights is None:
        counts = np.diff(np.r_[starts, len(stacked)]).astype(np.float64)
    else:
        counts = np.add.reduceat(np.asarray(weights, dtype=np.float64)[order], starts)
    unique = stacked[starts]
    return [unique[:, i] for i in range(unique.shape[1])], counts


def _negative_mean(
    w: np.ndarray, n: float, loglik: np.ndarray, *derivatives: np.ndarray
) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood over the distinct rows (``w`` their counts, ``n`` the
    customers) and its gradient from the per-row ``derivatives`` of the log-likelihood.

    ``(w * v).sum()``, not ``np.dot``: no BLAS, whose blocking depends on the threads and the
    processor, so the same data give the same fit everywhere.
    """
    grad = np.array([(w * d).sum() for d in derivatives]) / n
    return -float((w * loglik).sum()) / n, -grad


Kernel = Callable[[np.ndarray], tuple[float, np.ndarray]]


# --------------------------------------------------------------------------------------------
# the purchase models' predictions, one interface (BG/NBD, MBG/NBD, Pareto/NBD, BG/BB)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PurchaseModel:
    """What the predictions need of a purchase model; the kernels take checked arrays.

    ``p_alive(params, limits, x, t_x, T)`` is P(alive) at the end of the calibration period,
    ``expected_at(params, limits, x, t_x, T, times)`` the expected purchases in the next
    ``t`` for each ``t`` of ``times`` (cumulative), ``unconditional(params, limits, t)`` a new
    customer's expected repeat purchases by ``t``. ``params`` is the fit's ``params`` as a
    tuple, in its order. ``discrete`` models count whole periods (``times`` are numbers of
    periods, which may be fractional in the formulas).
    """

    p_alive: Callable[..., np.ndarray]
    expected_at: Callable[..., list[np.ndarray]]
    unconditional: Callable[..., np.ndarray]
    discrete: bool = False


_PURCHASE_MODELS: dict[str, _PurchaseModel] = {}


def _describe(fit: object) -> str:
    return f"a {fit.model} fit" if isinstance(fit, ModelFit) else type(fit).__name__


def _purchase_model(fit: object, name: str = "fit") -> tuple[_PurchaseModel, tuple[float, ...]]:
    """The prediction kernels of a purchase-model fit and its parameters, or a TypeError."""
    if not isinstance(fit, ModelFit) or fit.model not in _PURCHASE_MODELS:
        known = ", ".join(_PURCHASE_MODELS)
        raise TypeError(
            f"{name}: expected a purchase model's fit ({known}: fit_bgnbd, fit_mbgnbd, "
            f"fit_pareto_nbd, fit_bgbb), got {_describe(fit)}"
        )
    return _PURCHASE_MODELS[fit.model], tuple(float(v) for v in fit.params)


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
            cov = np.where(touched[:, None] | touched[None, :], np.nan, cov)
        except np.linalg.LinAlgError:
            touched = np.zeros(len(params), dtype=bool)
            bse = np.full(len(params), np.nan)
            cov = np.full((len(params), len(params)), np.nan)
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
    cov_frame = pd.DataFrame(cov, index=cand.names, columns=cand.names).reindex(
        index=order, columns=order
    )
    return ModelFit(
        model=model,
        cov=cov_frame,
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
