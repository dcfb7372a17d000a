"""What a fitted purchase model implies, set beside the data: simulated customers, the
period-transaction fit and the frequency-recency matrices.

* :func:`simulate_customers` draws customers from a fitted purchase model's story (their
  frequency and recency for given ages);
* :func:`period_transactions` compares how many customers made 0, 1, 2, … repeat purchases in
  the calibration period with how many the model expects of customers of the same ages
  (:class:`PeriodTransactions`; lifetimes' ``plot_period_transactions``);
* :func:`frequency_recency_matrix` tabulates P(alive) and the expected purchases of the next
  period over a grid of frequencies and recencies at one age (:class:`FrequencyRecencyMatrix`;
  the matrices of lifetimes and pymc-marketing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from research._columns import FREQUENCY_COL, RECENCY_COL, T_COL
from research._results import Result
from research._validation import check_int, check_number, check_option
from research.clv.fitting import ModelFit, _purchase_model, _rfm_arrays

__all__ = [
    "simulate_customers",
    "PeriodTransactions",
    "period_transactions",
    "FrequencyRecencyMatrix",
    "frequency_recency_matrix",
]

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _simulate_bgnbd(
    params: tuple[float, ...], T: np.ndarray, rng: np.random.Generator, modified: bool
) -> tuple[np.ndarray, np.ndarray]:
    """BG/NBD (and MBG/NBD, where a customer may also leave at time 0): Poisson purchases
    at gamma-distributed rates, leaving after a purchase with a beta-distributed chance."""
    r, alpha, a, b = params
    n = len(T)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n) if a > 0 else np.zeros(n)
    x, t_x, t = np.zeros(n), np.zeros(n), np.zeros(n)
    active = rng.random(n) >= p if modified else np.ones(n, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        t[idx] += rng.exponential(1 / lam[idx])
        bought = idx[t[idx] <= T[idx]]
        x[bought] += 1
        t_x[bought] = t[bought]
        stays = rng.random(len(bought)) >= p[bought]
        active[:] = False
        active[bought[stays]] = True
    return x, t_x


def _simulate_pareto_nbd(
    params: tuple[float, ...], T: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson purchases at gamma-distributed rates until an exponential lifetime whose rate is
    gamma-distributed: the count over the time alive is Poisson, the last purchase the
    largest of that many uniform times."""
    r, alpha, s, beta = params
    n = len(T)
    lam = rng.gamma(r, 1 / alpha, n)
    life = rng.exponential(1 / rng.gamma(s, 1 / beta, n)) if s > 0 else np.full(n, np.inf)
    alive_for = np.minimum(life, T)
    x = rng.poisson(lam * alive_for).astype(float)
    t_x = np.where(x > 0, alive_for * rng.beta(np.maximum(x, 1), 1.0), 0.0)
    return x, t_x


def _simulate_bgbb(
    params: tuple[float, ...], T: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """At the start of each period a customer leaves with a beta-distributed chance theta;
    alive, they transact with a beta-distributed chance p."""
    alpha, beta, gamma, delta = params
    n = len(T)
    p = rng.beta(alpha, beta, n)
    theta = rng.beta(gamma, delta, n) if gamma > 0 else np.zeros(n)
    x, t_x = np.zeros(n), np.zeros(n)
    alive = np.ones(n, dtype=bool)
    for period in range(1, int(T.max()) + 1):
        alive &= (rng.random(n) >= theta) & (period <= T)
        buys = alive & (rng.random(n) < p)
        x[buys] += 1
        t_x[buys] = period
    return x, t_x


def simulate_customers(
    fit: ModelFit, T: float | np.ndarray | pd.Series, *, seed: int | None = 0
) -> pd.DataFrame:
    """Customers drawn from a fitted purchase model: their repeat purchases and the age at
    the last one, for given ages.

    Parameters
    ----------
    fit : ModelFit
        A purchase model's fit (:func:`fit_bgnbd`, :func:`fit_mbgnbd`,
        :func:`fit_pareto_nbd`, :func:`fit_bgbb`); at a limit of the model (no dropout) the
        limit's story.
    T : float or array-like
        Each customer's age at the end of the period (one customer per value), in the fit's
        time unit; whole numbers of periods for BG/BB.
    seed : int or None, default 0
        Seed of the draws.

    Returns
    -------
    pandas.DataFrame
        ``frequency``, ``recency``, ``T``: an RFM summary of the simulated customers, as
        :func:`research.segmentation.rfm_summary` gives.

    Examples
    --------
    >>> simulate_customers(fit_bgnbd(summary), summary["T"]).head()  # doctest: +SKIP
    """
    model, params = _purchase_model(fit)
    ages = np.atleast_1d(np.asarray(T, dtype=float))
    if ages.ndim != 1 or not (np.isfinite(ages) & (ages >= 0)).all():
        raise ValueError("T must be finite ages >= 0, one per customer")
    if model.discrete and (ages != np.round(ages)).any():
        raise ValueError("T must be whole numbers of periods for the BG/BB model")
    rng = np.random.default_rng(seed)
    values = tuple(0.0 if not np.isfinite(v) else v for v in params)
    if fit.model in ("BG/NBD", "MBG/NBD"):
        x, t_x = _simulate_bgnbd(values, ages, rng, modified=fit.model == "MBG/NBD")
    elif fit.model == "Pareto/NBD":
        x, t_x = _simulate_pareto_nbd(values, ages, rng)
    else:
        x, t_x = _simulate_bgbb(values, ages, rng)
    index = T.index if isinstance(T, pd.Series) else pd.RangeIndex(len(ages))
    return pd.DataFrame({FREQUENCY_COL: x, RECENCY_COL: t_x, T_COL: ages}, index=index)


# --------------------------------------------------------------------------------------------
# period transactions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class PeriodTransactions(Result):
    """Customers by number of repeat purchases in the calibration period, actual and as the
    model expects: the result of :func:`period_transactions`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per number of repeat purchases (index ``frequency``: ``"0"``, ``"1"``, …,
        ``"7+"``): ``actual`` customers, ``expected`` (the mean over the simulations) and the
        shares of each (``actual_share``, ``expected_share``).
    model : str
        The purchase model.
    n_customers : int
        Customers.
    n_simulations : int
        Simulated copies of the customer base behind ``expected``.
    chi_square : float
        Pearson's chi-square of the actual counts against the expected ones (a measure of
        distance; the expected counts come from a fit on the same data).
    """

    table: pd.DataFrame
    model: str
    n_customers: int
    n_simulations: int
    chi_square: float

    def to_frame(self) -> pd.DataFrame:
        """The table, as a new DataFrame."""
        return self.table.copy()

    def _caption(self) -> str:
        return (
            f"Repeat purchases of {self.n_customers:,} customers in the calibration period, "
            f"actual and expected by {self.model} ({self.n_simulations} simulated bases); "
            f"chi-square {self.chi_square:,.1f}"
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.clv.plotting.plot_period_transactions` of this result."""
        from research.clv.plotting import plot_period_transactions

        return plot_period_transactions(self, ax=ax, **kwargs)


def period_transactions(
    fit: ModelFit,
    calibration: pd.DataFrame,
    *,
    max_frequency: int = 7,
    n_simulations: int = 20,
    seed: int | None = 0,
    frequency_col: str = FREQUENCY_COL,
    recency_col: str = RECENCY_COL,
    T_col: str = T_COL,
) -> PeriodTransactions:
    """How many customers made 0, 1, 2, … repeat purchases, actual and expected by the model.

    The expected counts are the mean over ``n_simulations`` copies of the customer base drawn
    from the fitted model (:func:`simulate_customers`), each customer at their own age ``T``:
    what the model says a base like this one looks like.

    Parameters
    ----------
    fit : ModelFit
        A purchase model fitted on ``calibration``.
    calibration : pandas.DataFrame
        The calibration-period RFM summary.
    max_frequency : int, default 7
        Numbers of purchases from this on are pooled (``"7+"``).
    n_simulations : int, default 20
        Simulated copies of the base (>= 1).
    seed : int or None, default 0
        Seed of the simulations.
    frequency_col, recency_col, T_col : str
        Column names.

    Returns
    -------
    PeriodTransactions

    Examples
    --------
    >>> period_transactions(fit_bgnbd(cal), cal).plot()  # doctest: +SKIP
    """
    model, _ = _purchase_model(fit)
    max_frequency = check_int(max_frequency, "max_frequency", minimum=1)
    n_simulations = check_int(n_simulations, "n_simulations", minimum=1)
    x, _, T = _rfm_arrays(calibration, frequency_col, recency_col, T_col, discrete=model.discrete)
    pooled = True  # the last bin holds max_frequency and more
    if model.discrete and max_frequency >= T.max():
        # in discrete time no one buys more often than there are periods
        max_frequency, pooled = int(T.max()), False
    bins = np.arange(max_frequency + 1)
    actual = np.bincount(np.minimum(x, max_frequency).astype(np.int64), minlength=len(bins))
    simulated = np.zeros(len(bins))
    rng = np.random.default_rng(seed)
    for _ in range(n_simulations):
        draws = simulate_customers(fit, T, seed=int(rng.integers(2**63 - 1)))
        capped = np.minimum(draws[FREQUENCY_COL].to_numpy(), max_frequency).astype(np.int64)
        simulated += np.bincount(capped, minlength=len(bins))
    expected = simulated / n_simulations
    labels = [str(i) for i in range(max_frequency)] + [
        f"{max_frequency}+" if pooled else str(max_frequency)
    ]
    table = pd.DataFrame(
        {
            "actual": actual.astype(np.int64),
            "expected": expected,
            "actual_share": actual / len(x),
            "expected_share": expected / len(x),
        },
        index=pd.Index(labels, name="frequency"),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        chi = np.where(expected > 0, (actual - expected) ** 2 / expected, 0.0).sum()
    return PeriodTransactions(
        table=table,
        model=fit.model,
        n_customers=len(x),
        n_simulations=n_simulations,
        chi_square=float(chi),
    )


# --------------------------------------------------------------------------------------------
# frequency-recency matrices
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class FrequencyRecencyMatrix(Result):
    """P(alive) and expected purchases over a grid of frequencies and recencies, at one age:
    the result of :func:`frequency_recency_matrix`.

    Attributes
    ----------
    p_alive : pandas.DataFrame
        Rows ``frequency`` 0 … (repeat purchases), columns ``recency`` (age at the last
        purchase); NaN where no customer can be (a frequency of 0 with a positive recency;
        in discrete time, more purchases than periods).
    expected : pandas.DataFrame
        Expected purchases in the next ``t``, on the same grid.
    T : float
        The customers' age.
    t : float
        The length of the period of ``expected``.
    model : str
        The purchase model.
    """

    p_alive: pd.DataFrame
    expected: pd.DataFrame
    T: float
    t: float
    model: str

    def to_frame(self) -> pd.DataFrame:
        """P(alive), as a new DataFrame."""
        return self.p_alive.copy()

    def _caption(self) -> str:
        return (
            f"{self.model}: P(alive) and expected purchases in the next {self.t:g} time units "
            f"of customers aged {self.T:g}, by frequency and recency"
        )

    def plot(
        self,
        ax: Axes | None = None,
        *,
        kind: Literal["p_alive", "expected"] = "p_alive",
        **kwargs: Any,
    ) -> Figure:
        """:func:`research.clv.plotting.plot_frequency_recency` of this result."""
        from research.clv.plotting import plot_frequency_recency

        return plot_frequency_recency(self, kind=kind, ax=ax, **kwargs)


def frequency_recency_matrix(
    fit: ModelFit,
    T: float,
    *,
    t: float = 1.0,
    max_frequency: int | None = None,
    n_recency: int = 40,
) -> FrequencyRecencyMatrix:
    """P(alive) and the expected purchases of the next ``t`` for customers aged ``T``, over a
    grid of frequencies (0 … ``max_frequency``) and recencies (0 … ``T``).

    Parameters
    ----------
    fit : ModelFit
        A purchase model's fit.
    T : float
        The customers' age, in the fit's time unit (> 0); whole periods for BG/BB.
    t : float, default 1.0
        Length of the period of the expected purchases.
    max_frequency : int, optional
        The largest frequency; default the expected purchases of a steady buyer over ``T``
        (at least 10); for BG/BB, ``T``.
    n_recency : int, default 40
        Recencies on the grid (evenly from 0 to ``T``); for BG/BB each period 0 … ``T``.

    Returns
    -------
    FrequencyRecencyMatrix
        ``p_alive`` and ``expected``; ``plot(kind=...)`` draws either.

    Examples
    --------
    >>> frequency_recency_matrix(fit_bgnbd(cal), 39).plot()  # doctest: +SKIP
    """
    model, params = _purchase_model(fit)
    T = check_number(T, "T")
    t = check_number(t, "t", minimum=0)
    if T <= 0:
        raise ValueError(f"T must be a positive age, got {T!r}")
    if model.discrete:
        if T != round(T):
            raise ValueError(f"T must be a whole number of periods for BG/BB, got {T!r}")
        recencies = np.arange(int(T) + 1, dtype=float)
        top = int(T) if max_frequency is None else check_int(max_frequency, "max_frequency")
    else:
        recencies = np.linspace(0, T, check_int(n_recency, "n_recency", minimum=2))
        if max_frequency is None:
            rate = float(model.unconditional(params, fit.limits, np.array([T]))[0])
            top = max(10, int(np.ceil(3 * rate)))
        else:
            top = check_int(max_frequency, "max_frequency", minimum=1)
    freqs = np.arange(top + 1, dtype=float)
    xx, rr = np.meshgrid(freqs, recencies, indexing="ij")
    possible = (xx > 0) | (rr == 0)
    if model.discrete:
        possible &= xx <= rr
    x, t_x = xx[possible], rr[possible]
    ages = np.full(len(x), float(T))
    alive = np.full(xx.shape, np.nan)
    expected = np.full(xx.shape, np.nan)
    alive[possible] = model.p_alive(params, fit.limits, x, t_x, ages)
    (value,) = model.expected_at(params, fit.limits, x, t_x, ages, [t])
    expected[possible] = value
    index = pd.Index(freqs.astype(np.int64), name="frequency")
    columns = pd.Index(recencies, name="recency")
    return FrequencyRecencyMatrix(
        p_alive=pd.DataFrame(alive, index=index, columns=columns),
        expected=pd.DataFrame(expected, index=index, columns=columns),
        T=T,
        t=t,
        model=fit.model,
    )


_KINDS = ("p_alive", "expected")


def _check_kind(kind: object) -> str:
    return str(check_option(kind, "kind", _KINDS))
