"""Which purchase model to trust: holdout errors with intervals, a ranking, and the tracking of
cumulative repeat purchases week by week.

* :func:`compare_models` scores each fitted model on what the calibration customers really did
  in a holdout period: per-customer mean absolute and root-mean-square error of the holdout
  purchases (with bootstrap intervals over customers), the error of the total, and the fit
  statistics, ranked (:class:`ModelComparison`); a naive forecast (each customer keeps their
  calibration rate) sits beside the models as the bar to clear.
* :func:`purchase_tracking` sets the cohort's cumulative repeat purchases, period by period
  over the calibration and holdout periods, beside what each model expected of customers with
  those first-purchase dates (Fader, Hardie & Lee 2005, figure 1) (:class:`PurchaseTracking`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from research._columns import CUSTOMER_COL, DATE_COL, FREQUENCY_COL, RECENCY_COL, T_COL
from research._format import ci_label
from research._results import Result
from research._validation import (
    check_ci,
    check_int,
    check_number,
    require_columns,
    require_frame,
)
from research.clv.fitting import ModelFit, _purchase_model, _rfm_arrays
from research.clv.holdout import _holdout_counts, _holdout_length

__all__ = [
    "NAIVE",
    "ModelComparison",
    "compare_models",
    "PurchaseTracking",
    "purchase_tracking",
]

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: The name of the naive forecast in :class:`ModelComparison`: each customer keeps buying at
#: their calibration rate, frequency / T (no model).
NAIVE = "naive (calibration rate)"


def _named_fits(fits: Sequence[ModelFit] | Mapping[str, ModelFit]) -> dict[str, ModelFit]:
    """Name -> fit: a mapping as given, a sequence by each fit's model (which must differ)."""
    if isinstance(fits, Mapping):
        named = {str(k): v for k, v in fits.items()}
    elif isinstance(fits, Sequence) and not isinstance(fits, (str, bytes)):
        named = {}
        for fit in fits:
            name = getattr(fit, "model", type(fit).__name__)
            if name in named:
                raise ValueError(
                    f"two fits of {name}: pass a dict to name them, e.g. "
                    f"{{'{name}': fit_a, '{name} (penalized)': fit_b}}"
                )
            named[name] = fit
    else:
        raise TypeError(f"fits must be a list or dict of model fits, got {type(fits).__name__}")
    if not named:
        raise ValueError("fits is empty: pass at least one fitted purchase model")
    for name, fit in named.items():
        _purchase_model(fit, f"fits[{name!r}]")
    return named


@dataclass(frozen=True, eq=False, repr=False)
class ModelComparison(Result):
    """Purchase models scored on a holdout period: the result of :func:`compare_models`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per model and one for the naive forecast (:data:`NAIVE`), best first (index
        ``model``): ``rank`` (by ``rmse``), ``mae`` and ``rmse`` of the holdout purchases per
        customer with their bootstrap intervals (``mae_low``, ``mae_high``, ``rmse_low``,
        ``rmse_high``), ``expected_total`` and ``total_error`` ((expected - actual) / actual),
        the calibration fit's ``loglik``, ``aic`` and ``bic`` (NaN for the naive forecast),
        and ``rmse_gap``, the RMSE above the best one's, with its paired bootstrap interval
        (``rmse_gap_low``, ``rmse_gap_high``: the same resamples for both).
    actual_total : float
        Purchases the customers made in the holdout period.
    n_customers : int
        Calibration customers scored.
    holdout_length : float
        Length of the holdout period, in the summary's time unit.
    ci : float
        Level of the intervals.
    n_boot : int
        Bootstrap resamples of the customers behind them.
    """

    table: pd.DataFrame
    actual_total: float
    n_customers: int
    holdout_length: float
    ci: float
    n_boot: int

    @property
    def best(self) -> str:
        """The model with the smallest per-customer RMSE."""
        return str(self.table.index[0])

    @property
    def tied(self) -> list[str]:
        """The models (not the naive forecast) whose RMSE is not distinguishably above the
        best one's: their paired gap interval reaches 0. The best is among them."""
        rows = self.table.drop(index=NAIVE, errors="ignore")
        return [str(name) for name in rows.index[rows["rmse_gap_low"] <= 0]]

    @property
    def beats_naive(self) -> bool:
        """Whether the best model's RMSE is distinguishably below the naive forecast's: the
        paired interval of the naive forecast's gap lies above 0."""
        return bool(self.table.loc[NAIVE, "rmse_gap_low"] > 0)

    def to_frame(self) -> pd.DataFrame:
        """The ranking table, as a new DataFrame."""
        return self.table.copy()

    def _caption(self) -> str:
        return (
            f"Purchase models on a holdout of {self.holdout_length:g} time units: "
            f"{self.n_customers:,} customers, {self.actual_total:,.0f} purchases; "
            f"{ci_label(self.ci)} bootstrap intervals ({self.n_boot:,} resamples)"
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.clv.plotting.plot_model_comparison` of this result."""
        from research.clv.plotting import plot_model_comparison

        return plot_model_comparison(self, ax=ax, **kwargs)


def compare_models(
    fits: Sequence[ModelFit] | Mapping[str, ModelFit],
    calibration: pd.DataFrame,
    holdout_purchases: pd.Series,
    holdout_length: float,
    *,
    ci: float = 0.95,
    n_boot: int = 1000,
    seed: int | None = 0,
    frequency_col: str = FREQUENCY_COL,
    recency_col: str = RECENCY_COL,
    T_col: str = T_COL,
) -> ModelComparison:
    """Score purchase models on what the calibration customers did in a holdout period.

    Each model's expected holdout purchases of each customer (conditional on the customer's
    calibration history) are set against the purchases made. The errors are per customer
    (MAE, RMSE), with percentile intervals from resampling the customers (the same resamples
    for every model, so the intervals are comparable), and of the total. A naive forecast,
    each customer's calibration rate ``frequency / T`` times the holdout length, is scored
    too: a model worth its parameters beats it.

    Parameters
    ----------
    fits : list or dict of ModelFit
        Purchase models fitted on ``calibration`` (:func:`research.clv.fit_bgnbd`,
        ``fit_mbgnbd``, ``fit_pareto_nbd``, ``fit_bgbb``); a dict names them (needed for two
        fits of one model).
    calibration : pandas.DataFrame
        The calibration-period RFM summary the models were fitted on.
    holdout_purchases : pandas.Series
        Purchases of each calibration customer in the holdout period (same index; customers
        missing from it made none), e.g. from :func:`research.clv.holdout_purchases`.
    holdout_length : float
        Length of the holdout period, in the summary's time unit (> 0).
    ci : float, default 0.95
        Level of the intervals.
    n_boot : int, default 1000
        Bootstrap resamples of the customers (>= 100).
    seed : int or None, default 0
        Seed of the resampling.
    frequency_col, recency_col, T_col : str
        Column names of ``calibration``.

    Returns
    -------
    ModelComparison
        ``table`` (ranked), ``best``, ``tied``, ``beats_naive``; ``plot()`` draws the
        errors.

    Raises
    ------
    TypeError
        A fit is not a purchase model's, or ``holdout_purchases`` is not a Series.
    ValueError
        Two unnamed fits of one model, no fit, invalid summary or counts, or settings out of
        range.

    Examples
    --------
    >>> comparison = compare_models([fit_bgnbd(cal), fit_pareto_nbd(cal)], cal, later, 39)
    ... # doctest: +SKIP
    >>> comparison.best  # doctest: +SKIP
    'Pareto/NBD'
    """
    ci = check_ci(ci)
    n_boot = check_int(n_boot, "n_boot", minimum=100)
    length = _holdout_length(holdout_length)
    named = _named_fits(fits)
    discrete = any(_purchase_model(f)[0].discrete for f in named.values())
    x, t_x, T = _rfm_arrays(calibration, frequency_col, recency_col, T_col, discrete=discrete)
    actual = _holdout_counts(holdout_purchases, calibration.index)
    forecasts = {}
    for name, fit in named.items():
        model, params = _purchase_model(fit)
        (forecasts[name],) = model.expected_at(params, fit.limits, x, t_x, T, [length])
    with np.errstate(invalid="ignore", divide="ignore"):
        forecasts[NAIVE] = np.where(T > 0, x / T, 0.0) * length
    rng = np.random.default_rng(seed)
    n = len(actual)
    resamples = rng.integers(0, n, size=(n_boot, n))
    tail = (1 - ci) / 2
    rows = []
    total = float(actual.sum())
    draws = {}
    for name, expected in forecasts.items():
        error = expected - actual
        absolute, squared = np.abs(error), error**2
        mae_draws = absolute[resamples].mean(axis=1)
        rmse_draws = draws[name] = np.sqrt(squared[resamples].mean(axis=1))
        fit = named.get(name)
        k = len(fit.params) if fit is not None else np.nan
        rows.append(
            {
                "model": name,
                "mae": float(absolute.mean()),
                "mae_low": float(np.quantile(mae_draws, tail)),
                "mae_high": float(np.quantile(mae_draws, 1 - tail)),
                "rmse": float(np.sqrt(squared.mean())),
                "rmse_low": float(np.quantile(rmse_draws, tail)),
                "rmse_high": float(np.quantile(rmse_draws, 1 - tail)),
                "expected_total": float(expected.sum()),
                "total_error": float(expected.sum()) / total - 1 if total else np.nan,
                "loglik": fit.loglik if fit is not None else np.nan,
                "aic": fit.aic if fit is not None else np.nan,
                "bic": k * np.log(fit.n_obs) - 2 * fit.loglik if fit is not None else np.nan,
            }
        )
    table = pd.DataFrame(rows).set_index("model").sort_values(["rmse", "mae"], kind="stable")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    # each model's RMSE above the best's, with a paired interval (the same resamples)
    best = draws[str(table.index[0])]
    gaps = {name: draws[name] - best for name in table.index}
    table["rmse_gap"] = table["rmse"] - table["rmse"].iloc[0]
    table["rmse_gap_low"] = [float(np.quantile(gaps[name], tail)) for name in table.index]
    table["rmse_gap_high"] = [float(np.quantile(gaps[name], 1 - tail)) for name in table.index]
    return ModelComparison(
        table=table,
        actual_total=total,
        n_customers=n,
        holdout_length=length,
        ci=ci,
        n_boot=n_boot,
    )


# --------------------------------------------------------------------------------------------
# tracking
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class PurchaseTracking(Result):
    """A cohort's repeat purchases period by period, actual and expected by each model: the
    result of :func:`purchase_tracking`.

    Attributes
    ----------
    incremental : pandas.DataFrame
        One row per period (index ``period``, 1, 2, …): ``period_end`` (its last day),
        ``actual`` repeat purchases and each model's expectation (a column per model).
    cumulative : pandas.DataFrame
        The same, summed over the periods.
    calibration_periods : int
        The periods up to the end of the calibration period (the rest are the holdout).
    errors : pandas.DataFrame
        One row per model: ``calibration_error`` and ``holdout_error`` (the cumulative
        expectation against the actual, (expected - actual) / actual, at the end of each
        part) and ``holdout_mape`` (mean absolute percentage error of the holdout periods'
        purchases; periods without purchases left out).
    n_customers : int
        Customers of the cohort (first purchase up to the end of the calibration period).
    period_days : float
        Days per period.
    """

    incremental: pd.DataFrame
    cumulative: pd.DataFrame
    calibration_periods: int
    errors: pd.DataFrame
    n_customers: int
    period_days: float

    @property
    def models(self) -> list[str]:
        """The models tracked."""
        return [c for c in self.incremental.columns if c not in ("period_end", "actual")]

    def to_frame(self) -> pd.DataFrame:
        """The cumulative table, as a new DataFrame."""
        return self.cumulative.copy()

    def _caption(self) -> str:
        return (
            f"Cumulative repeat purchases of {self.n_customers:,} customers over "
            f"{len(self.cumulative)} periods of {self.period_days:g} days "
            f"({self.calibration_periods} in the calibration period)"
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.clv.plotting.plot_purchase_tracking` of this result."""
        from research.clv.plotting import plot_purchase_tracking

        return plot_purchase_tracking(self, ax=ax, **kwargs)


def purchase_tracking(
    fits: Sequence[ModelFit] | Mapping[str, ModelFit],
    purchases: pd.DataFrame,
    calibration_end: str | pd.Timestamp,
    holdout_end: str | pd.Timestamp,
    *,
    unit_days: float = 1.0,
    period_days: float = 7.0,
    customer_col: str = CUSTOMER_COL,
    date_col: str = DATE_COL,
) -> PurchaseTracking:
    """Actual and expected cumulative repeat purchases of a cohort, period by period.

    The cohort is the customers whose first purchase is on or before ``calibration_end``. A
    repeat purchase is a purchase day after a customer's first, as in
    :func:`research.segmentation.rfm_summary` with ``time_unit="D"``. A model's expectation at
    the end of each period sums, over the customers, a new customer's expected repeat
    purchases (:func:`research.clv.expected_purchases_unconditional`) over the time since
    their first purchase: what the model expected of customers who joined when these did,
    knowing nothing else about them. The periods after ``calibration_end`` are the holdout.

    Parameters
    ----------
    fits : list or dict of ModelFit
        Purchase models fitted on the calibration period (a dict names them).
    purchases : pandas.DataFrame
        Cleaned purchase lines, e.g. ``clean_transactions(...).purchases``, covering the
        calibration and holdout periods. Not modified.
    calibration_end, holdout_end : str or Timestamp
        The end of the calibration period and of the holdout period (included).
    unit_days : float, default 1.0
        Days in the models' time unit: 7 for a summary in weeks (``time_scale=7``).
    period_days : float, default 7.0
        Days in each period of the tables and the chart (7: weekly).
    customer_col, date_col : str
        Columns of ``purchases``.

    Returns
    -------
    PurchaseTracking
        ``incremental``, ``cumulative``, ``errors``; ``plot()`` draws the cumulative curves.

    Raises
    ------
    TypeError
        A fit is not a purchase model's.
    ValueError
        A missing column, ``holdout_end`` not after ``calibration_end``, no customer before
        ``calibration_end``, or settings out of range.

    Examples
    --------
    >>> tracking = purchase_tracking([fit_bgnbd(cal)], lines, "1997-09-30", "1998-06-30",
    ...                              unit_days=7)  # doctest: +SKIP
    >>> tracking.errors  # doctest: +SKIP
    """
    named = _named_fits(fits)
    unit = check_number(unit_days, "unit_days")
    step = check_number(period_days, "period_days")
    if unit <= 0 or step <= 0:
        raise ValueError("unit_days and period_days must be positive numbers of days")
    frame = require_frame(purchases, "purchases")
    require_columns(frame, [customer_col, date_col], "purchases")
    start, end = pd.Timestamp(calibration_end), pd.Timestamp(holdout_end)
    if end <= start:
        raise ValueError(
            f"holdout_end ({end:%Y-%m-%d}) must be after calibration_end ({start:%Y-%m-%d})"
        )
    days = pd.to_datetime(frame[date_col]).dt.floor("D")
    occasions = pd.DataFrame({"c": frame[customer_col].to_numpy(), "d": days.to_numpy()})
    occasions = occasions[occasions["d"] <= end].drop_duplicates()
    first = occasions.groupby("c")["d"].transform("min")
    cohort = first <= start
    if not cohort.any():
        raise ValueError(
            f"no customer made a first purchase on or before calibration_end ({start:%Y-%m-%d})"
        )
    occasions, first = occasions[cohort], first[cohort]
    origin = first.min()
    # period k covers days origin + (k - 1) * step .. origin + k * step (whole days)
    n_periods = int(np.ceil(((end - origin).days + 1) / step))
    ends = origin + pd.to_timedelta(np.arange(1, n_periods + 1) * step, unit="D")
    offsets = (occasions["d"] - origin).dt.days.to_numpy()
    repeat = (occasions["d"] > first).to_numpy()
    period = np.floor(offsets[repeat] / step).astype(np.int64) + 1
    actual = np.bincount(period, minlength=n_periods + 1)[1:].astype(float)
    # a model's expectation at the end of each period, from each first-purchase day
    births = (occasions.groupby("c")["d"].min() - origin).dt.days.to_numpy()
    birth_days, counts = np.unique(births, return_counts=True)
    period_end = np.minimum(np.arange(1, n_periods + 1) * step, (end - origin).days + 1)
    ages = np.maximum(period_end[:, None] - 1 - birth_days[None, :], 0.0) / unit
    expected = {}
    for name, fit in named.items():
        model, params = _purchase_model(fit)
        cum = model.unconditional(params, fit.limits, ages.ravel()).reshape(ages.shape)
        expected[name] = (cum * counts[None, :]).sum(axis=1)
    index = pd.Index(np.arange(1, n_periods + 1), name="period")
    cumulative = pd.DataFrame(
        {"period_end": ends - pd.Timedelta(days=1), "actual": np.cumsum(actual), **expected},
        index=index,
    )
    incremental = cumulative.copy()
    for col in ["actual", *named]:
        incremental[col] = np.diff(np.r_[0.0, cumulative[col].to_numpy()])
    calibration_periods = int(np.floor(((start - origin).days + 1) / step))
    errors = _tracking_errors(cumulative, incremental, calibration_periods, list(named))
    return PurchaseTracking(
        incremental=incremental,
        cumulative=cumulative,
        calibration_periods=calibration_periods,
        errors=errors,
        n_customers=len(births),
        period_days=step,
    )


def _tracking_errors(
    cumulative: pd.DataFrame, incremental: pd.DataFrame, calibration_periods: int, names: list[str]
) -> pd.DataFrame:
    """Cumulative errors at the end of the calibration and holdout parts, and the holdout
    periods' MAPE, per model."""
    rows = []
    cal = cumulative.iloc[calibration_periods - 1] if calibration_periods > 0 else None
    last = cumulative.iloc[-1]
    later = incremental.iloc[calibration_periods:]
    later = later[later["actual"] > 0]
    for name in names:
        with np.errstate(divide="ignore", invalid="ignore"):
            rows.append(
                {
                    "model": name,
                    "calibration_error": (
                        cal[name] / cal["actual"] - 1
                        if cal is not None and cal["actual"]
                        else np.nan
                    ),
                    "holdout_error": last[name] / last["actual"] - 1 if last["actual"] else np.nan,
                    "holdout_mape": float(
                        (np.abs(later[name] - later["actual"]) / later["actual"]).mean()
                    )
                    if len(later)
                    else np.nan,
                }
            )
    return pd.DataFrame(rows).set_index("model")
