"""The same data give the same fit: whatever the row order, the starting point, the thread
count, or last-digit differences in the arithmetic (what another processor or BLAS gives).

Each property is checked on interior fits (CDNOW, simulated customers) and on boundary fits
(no detectable dropout, spend constant per customer), because flat likelihoods near a boundary
are where optimisers used to stop at machine-dependent points."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from threadpoolctl import threadpool_limits

from research.clv import (
    BoundaryFitWarning,
    ModelFit,
    fit_bgbb,
    fit_bgnbd,
    fit_gamma_gamma,
    fit_mbgnbd,
    fit_pareto_nbd,
)
from research.data import load_donations
from tests.clv.test_clv import simulate_bgnbd
from tests.clv.test_models import simulate_bgbb, simulate_mbgnbd, simulate_pareto_nbd

# the number of parameters of each fit's ``start``
STARTS = {fit_bgnbd: 4, fit_mbgnbd: 4, fit_pareto_nbd: 4, fit_bgbb: 4, fit_gamma_gamma: 3}

REL = 1e-6


def _simulated_spend(n: int, p: float, q: float, g: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 8, n).astype(float)
    nu = rng.gamma(q, 1 / g, n)
    spend = [rng.gamma(p, 1 / v, int(k)).mean() for v, k in zip(nu, x, strict=True)]
    return pd.DataFrame({"frequency": x, "monetary_value": spend})


def _no_dropout(n: int = 600, seed: int = 4) -> pd.DataFrame:
    """Customers who never drop out: Poisson-gamma repeat purchases after the first one."""
    rng = np.random.default_rng(seed)
    rows = []
    for rate, age in zip(rng.gamma(0.8, 1 / 4.0, n), rng.uniform(20, 30, n), strict=True):
        times = np.cumsum(rng.exponential(1 / rate, 80))
        times = times[times <= age]
        rows.append((len(times), times[-1] if len(times) else 0.0, age))
    return pd.DataFrame(rows, columns=["frequency", "recency", "T"])


def _quiet(fit, data: pd.DataFrame, **kw) -> ModelFit:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BoundaryFitWarning)
        return fit(data, **kw)


def _same(a: ModelFit, b: ModelFit) -> None:
    assert a.boundary == b.boundary
    assert a.params.index.equals(b.params.index)
    pa, pb = a.params.to_numpy(), b.params.to_numpy()
    assert np.array_equal(np.isfinite(pa), np.isfinite(pb))
    finite = np.isfinite(pa)
    np.testing.assert_allclose(pb[finite], pa[finite], rtol=REL)
    assert b.loglik == pytest.approx(a.loglik, rel=1e-9)


@pytest.fixture(scope="module")
def cases(cdnow_calibration: pd.DataFrame) -> dict[str, tuple]:
    """name -> (fit function, data, expected boundary)."""
    spend = simulate_bgnbd(500, 30, 0.6, 4.0, 0.7, 2.5, seed=1)
    donations = load_donations()  # one row per donor (the file has one per pattern)
    donors = donations.loc[donations.index.repeat(donations["weights"])].drop(columns="weights")
    wobble = 1 + 0.1 * np.sin(np.arange(len(spend)))
    spend["monetary_value"] = (
        np.where(spend["frequency"] > 0, 20.0 + spend["frequency"], 0.0) * wobble
    )
    return {
        "bgnbd-cdnow": (fit_bgnbd, cdnow_calibration, None),
        "bgnbd-simulated": (fit_bgnbd, simulate_bgnbd(1500, 40, 0.8, 5.0, 0.6, 2.0, 7), None),
        "bgnbd-no-dropout": (fit_bgnbd, _no_dropout(), "no_dropout"),
        "gg-cdnow": (fit_gamma_gamma, cdnow_calibration, None),
        "gg-simulated": (fit_gamma_gamma, _simulated_spend(1500, 5.0, 4.0, 20.0, 3), None),
        "gg-constant-spend": (fit_gamma_gamma, spend, "constant_spend"),
        "mbgnbd-cdnow": (fit_mbgnbd, cdnow_calibration, None),
        "mbgnbd-simulated": (fit_mbgnbd, simulate_mbgnbd(1500, 40, 0.8, 5.0, 0.6, 2.0, 7), None),
        "mbgnbd-no-dropout": (fit_mbgnbd, _no_dropout(), "no_dropout"),
        "pnbd-cdnow": (fit_pareto_nbd, cdnow_calibration, None),
        "pnbd-simulated": (
            fit_pareto_nbd,
            simulate_pareto_nbd(1500, 40, 0.8, 5.0, 0.7, 12.0, 7),
            None,
        ),
        "pnbd-no-dropout": (fit_pareto_nbd, _no_dropout(), "no_dropout"),
        "bgbb-donations": (fit_bgbb, donors, None),
        "bgbb-simulated": (fit_bgbb, simulate_bgbb(2000, 8, 1.5, 2.0, 0.8, 3.0, 7), None),
    }


NAMES = [
    "bgnbd-cdnow",
    "bgnbd-simulated",
    "bgnbd-no-dropout",
    "gg-cdnow",
    "gg-simulated",
    "gg-constant-spend",
    "mbgnbd-cdnow",
    "mbgnbd-simulated",
    "mbgnbd-no-dropout",
    "pnbd-cdnow",
    "pnbd-simulated",
    "pnbd-no-dropout",
    "bgbb-donations",
    "bgbb-simulated",
]
# the discrete-time model counts whole periods: no noise in the last digit of a count
CONTINUOUS = [name for name in NAMES if not name.startswith("bgbb")]


@pytest.mark.parametrize("name", NAMES)
def test_each_case_lands_where_expected(cases, name: str) -> None:
    fit, data, boundary = cases[name]
    result = _quiet(fit, data)
    assert result.boundary == boundary
    assert result.converged
    free = np.isfinite(result.bse.to_numpy())
    assert free.sum() >= 2 and (result.bse[free] > 0).all()


@pytest.mark.parametrize("name", NAMES)
def test_row_order_does_not_change_the_fit(cases, name: str) -> None:
    fit, data, _ = cases[name]
    base = _quiet(fit, data)
    for seed in (0, 1, 2):
        shuffled = data.sample(frac=1, random_state=seed)
        _same(base, _quiet(fit, shuffled))


@pytest.mark.parametrize("name", NAMES)
def test_the_starting_point_does_not_change_the_fit(cases, name: str) -> None:
    fit, data, _ = cases[name]
    base = _quiet(fit, data)
    k = STARTS[fit]
    rng = np.random.default_rng(5)
    for _ in range(4):
        start = tuple(np.exp(rng.uniform(-3, 3, k)))
        _same(base, _quiet(fit, data, start=start))


@pytest.mark.parametrize("name", CONTINUOUS)
def test_last_digit_noise_does_not_change_the_fit(cases, name: str) -> None:
    # another processor's exp/log or another BLAS differs in the last bits of a result; so
    # does this noise of a few units in the 15th digit of every duration and spend
    fit, data, _ = cases[name]
    base = _quiet(fit, data)
    rng = np.random.default_rng(9)
    noisy = data.copy()
    for col in ("recency", "T", "monetary_value"):
        if col in noisy:
            noisy[col] = noisy[col] * (1 + 4e-15 * rng.standard_normal(len(noisy)))
    if "T" in noisy:
        noisy["recency"] = np.minimum(noisy["recency"], noisy["T"])
    _same(base, _quiet(fit, noisy))


@pytest.mark.parametrize(
    "name", ["bgnbd-cdnow", "gg-cdnow", "bgnbd-no-dropout", "pnbd-cdnow", "bgbb-donations"]
)
def test_one_and_two_threads_give_the_same_fit(cases, name: str) -> None:
    fit, data, _ = cases[name]
    with threadpool_limits(limits=1):
        one = _quiet(fit, data)
    with threadpool_limits(limits=2):
        two = _quiet(fit, data)
    _same(one, two)


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    start=st.tuples(*[st.floats(0.01, 100.0)] * 4),
)
def test_any_start_and_any_order_of_simulated_customers(seed: int, start: tuple) -> None:
    data = simulate_bgnbd(400, 30, 0.6, 4.0, 0.7, 2.5, seed=seed % 7)
    base = _quiet(fit_bgnbd, data)
    _same(base, _quiet(fit_bgnbd, data.sample(frac=1, random_state=seed), start=start))


def test_analytic_gradients_match_finite_differences() -> None:
    from scipy.optimize import approx_fprime

    from research.clv import bgbb, bgnbd, fitting, gamma_gamma, pareto_nbd, sbg

    rng = np.random.default_rng(0)
    n = 300
    x = rng.integers(0, 6, n).astype(float)
    T = rng.uniform(5, 40, n)
    t_x = np.where(x > 0, rng.uniform(0, 1, n) * T, 0.0)
    w = rng.integers(1, 4, n).astype(float)
    m, xg = rng.gamma(3, 10, n), np.maximum(x, 1)
    # whole periods for BG/BB: n periods, the last transaction in one of them
    nd = rng.integers(1, 9, n).astype(float)
    td = np.floor(rng.uniform(0, 1, n) * (nd + 1))
    xd = np.where(td > 0, np.floor(rng.uniform(0, 1, n) * td) + 1, 0.0)
    cohort = np.array([1000.0, 700, 540, 450, 400, 360])
    kernels = {
        "BG/NBD": (bgnbd._bgnbd_objective(x, t_x, T, w), bgnbd._bgnbd_transform, 4),
        "NBD": (bgnbd._nbd_objective(x, T, w), fitting._log_transform, 2),
        "Gamma-Gamma": (gamma_gamma._gg_objective(xg, m, w), gamma_gamma._gg_transform, 3),
        "inverse gamma": (gamma_gamma._inverse_gamma_objective(m, w), fitting._log_transform, 2),
        "common rate": (gamma_gamma._common_rate_objective(xg, m, w), fitting._log_transform, 2),
        "MBG/NBD": (
            bgnbd._bgnbd_objective(x, t_x, T, w, modified=True),
            bgnbd._bgnbd_transform,
            4,
        ),
        "Pareto/NBD": (pareto_nbd._pnbd_objective(x, t_x, T, w), pareto_nbd._pnbd_transform, 4),
        "BG/BB": (bgbb._bgbb_objective(xd, td, nd, w), bgbb._bgbb_transform, 4),
        "beta-binomial": (bgbb._bb_objective(xd, nd, w), fitting._log_transform, 2),
        "sBG": (sbg._sbg_objective([cohort, cohort[:4]]), sbg._sbg_transform, 2),
        "geometric": (sbg._geometric_objective([cohort, cohort[:4]]), sbg._logit_transform, 1),
    }
    for name, (kernel, transform, k) in kernels.items():
        cand = fitting._Candidate([str(i) for i in range(k)], kernel, [], transform)
        for penalizer in (0.0, 0.01):
            objective = cand.objective(penalizer)
            for _ in range(3):
                theta = rng.normal(0, 1, k)
                numeric = approx_fprime(theta, lambda t, f=objective: f(t)[0], 1e-7)
                np.testing.assert_allclose(
                    objective(theta)[1], numeric, rtol=1e-5, atol=1e-7, err_msg=name
                )


# -- sBG: the cohorts' order, the starting point, the threads ------------------------------------


def _cohorts() -> pd.DataFrame:
    """Eight monthly cohorts of customers with beta(0.7, 2.5) churn, observed for 12 to 5
    periods."""
    rng = np.random.default_rng(2)
    rows = []
    for k in range(8):
        size = int(rng.integers(300, 900))
        lifetimes = rng.geometric(rng.beta(0.7, 2.5, size))
        observed = 12 - k
        rows.append([float((lifetimes > t).sum()) for t in range(observed + 1)] + [np.nan] * k)
    return pd.DataFrame(rows)


def test_sbg_is_the_same_whatever_the_cohorts_order_start_or_threads() -> None:
    from research.clv import fit_sbg

    table = _cohorts()
    base = fit_sbg(table)
    assert base.boundary is None and base.converged
    for seed in (0, 1, 2):
        _same(base, fit_sbg(table.sample(frac=1, random_state=seed)))
    rng = np.random.default_rng(5)
    for _ in range(4):
        _same(base, fit_sbg(table, start=tuple(np.exp(rng.uniform(-3, 3, 2)))))
    with threadpool_limits(limits=1):
        one = fit_sbg(table)
    with threadpool_limits(limits=2):
        two = fit_sbg(table)
    _same(one, two)
    with pytest.raises(ValueError, match="start must be 2 positive numbers"):
        fit_sbg(table, start=(1.0, -1.0))
