"""MBG/NBD, Pareto/NBD, BG/BB and sBG: likelihoods and predictions checked by hand or by
numerical integration, the published figures, planted parameters recovered from simulated
customers, intervals that cover the truth at their rate, and bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special

from research.clv import (
    BoundaryFitWarning,
    ModelFit,
    RetentionProjection,
    cohort_survivors,
    customer_lifetime_value,
    expected_purchases,
    expected_purchases_unconditional,
    fit_bgbb,
    fit_bgnbd,
    fit_gamma_gamma,
    fit_mbgnbd,
    fit_pareto_nbd,
    fit_sbg,
    holdout_check,
    probability_alive,
    project_retention,
)
from research.clv.bgbb import _bgbb_loglik_terms
from research.clv.mbgnbd import _mbgnbd_loglik_terms
from research.clv.pareto_nbd import _pnbd_loglik_terms
from research.data import load_donations

# Fader, Hardie & Lee (2005), "A Note on Implementing the Pareto/NBD Model in MATLAB"
PUBLISHED_PNBD = {"r": 0.5534, "alpha": 10.5802, "s": 0.6061, "beta": 11.6562}
# lifetimes' ModifiedBetaGeoFitter on the same CDNOW sample (DOMAIN.md)
PUBLISHED_MBGNBD = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}
# Fader, Hardie & Shang (2010), the donations data
PUBLISHED_BGBB = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}
# Fader & Hardie (2007), "How to Project Customer Retention"
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]
HIGH_END_LATER = [468, 445, 427, 409, 394]  # years 8-12
PUBLISHED_SBG = {"regular": (0.704, 1.182), "high end": (0.668, 3.806)}


def simulate_pareto_nbd(
    n: int, T: float, r: float, alpha: float, s: float, beta: float, seed: int = 0
) -> pd.DataFrame:
    """Customers of the Pareto/NBD story: Poisson purchases until an exponential lifetime."""
    rng = np.random.default_rng(seed)
    lam, mu = rng.gamma(r, 1 / alpha, n), rng.gamma(s, 1 / beta, n)
    life = rng.exponential(1 / mu)
    rows = []
    for rate, end in zip(lam, np.minimum(life, T), strict=True):
        times = np.cumsum(rng.exponential(1 / rate, 200))
        times = times[times <= end]
        rows.append((len(times), times[-1] if len(times) else 0.0, T))
    return pd.DataFrame(rows, columns=["frequency", "recency", "T"])


def simulate_mbgnbd(
    n: int, T: float, r: float, alpha: float, a: float, b: float, seed: int = 0
) -> pd.DataFrame:
    """The MBG/NBD story: as BG/NBD, and a customer may also leave at once (time 0)."""
    rng = np.random.default_rng(seed)
    lam, p = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    rows = []
    for i in range(n):
        t, x, t_x = 0.0, 0, 0.0
        while rng.random() >= p[i]:  # alive after the purchase just made
            t += rng.exponential(1 / lam[i])
            if t > T:
                break
            x, t_x = x + 1, t
        rows.append((x, t_x, T))
    return pd.DataFrame(rows, columns=["frequency", "recency", "T"])


def simulate_bgbb(
    n: int, periods: int, alpha: float, beta: float, gamma: float, delta: float, seed: int = 0
) -> pd.DataFrame:
    """The BG/BB story: at the start of each period a customer leaves with probability theta;
    alive, they transact with probability p."""
    rng = np.random.default_rng(seed)
    p, theta = rng.beta(alpha, beta, n), rng.beta(gamma, delta, n)
    rows = []
    for i in range(n):
        x = last = 0
        for period in range(1, periods + 1):
            if rng.random() < theta[i]:
                break
            if rng.random() < p[i]:
                x, last = x + 1, period
        rows.append((x, last, periods))
    return pd.DataFrame(rows, columns=["frequency", "recency", "T"])


def simulate_cohort(size: int, periods: int, alpha: float, beta: float, seed: int) -> list[int]:
    """Survivors of a cohort whose churn probabilities are beta(alpha, beta)."""
    rng = np.random.default_rng(seed)
    lifetimes = rng.geometric(rng.beta(alpha, beta, size))  # the period each one leaves in
    return [int((lifetimes > t).sum()) for t in range(periods + 1)]


@pytest.fixture(scope="module")
def calibration(cdnow_calibration: pd.DataFrame) -> pd.DataFrame:
    return cdnow_calibration


@pytest.fixture(scope="module")
def donations(mirror) -> pd.DataFrame:
    return load_donations()


def _quiet(fit, data, **kw) -> ModelFit:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BoundaryFitWarning)
        return fit(data, **kw)


# -- likelihoods by hand or by integration ----------------------------------------------------


@pytest.mark.parametrize("params", [(0.55, 10.6, 0.6, 11.7), (0.8, 3.0, 1.3, 12.0)])
def test_pareto_nbd_likelihood_is_the_integral_over_lifetimes(params: tuple) -> None:
    """L = Gamma(r+x) alpha^r beta^s / Gamma(r) * [(alpha+T)^-(r+x) (beta+T)^-s
    + s * integral from t_x to T of (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau]: alive at T,
    or leaving at tau in between; both the alpha < beta and alpha > beta forms of the note."""
    r, alpha, s, beta = params
    for x, t_x, T in [(0, 0.0, 30.0), (2, 12.5, 38.0), (7, 36.0, 38.0), (3, 20.0, 20.0)]:
        left, _ = integrate.quad(
            lambda tau, x=x: (alpha + tau) ** -(r + x) * (beta + tau) ** -(s + 1), t_x, T,
            epsabs=0, epsrel=1e-12,
        )  # fmt: skip
        alive = (alpha + T) ** -(r + x) * (beta + T) ** -s
        common = special.gamma(r + x) / special.gamma(r) * alpha**r * beta**s
        want = np.log(common * (alive + s * left))
        got = _pnbd_loglik_terms(params, np.array([x]), np.array([t_x]), np.array([T]))
        assert got[0] == pytest.approx(want, rel=1e-10), (x, t_x, T)


def test_pareto_nbd_integral_is_exact_where_scipys_2f1_fails() -> None:
    """The panels of _left_integral against a brute-force reference (20,000 panels of 16
    nodes each, crowded at both ends) over heavy buyers, wide and narrow spreads, fast and
    slow dropout: the log of the integral within 1e-10."""
    from research.clv.pareto_nbd import _left_integral

    rng = np.random.default_rng(1)
    nodes, weights = np.polynomial.legendre.leggauss(16)
    k = np.linspace(0, 1, 20_001)
    for _ in range(40):
        a, b = np.exp(rng.uniform(np.log(0.05), np.log(2000))), 1 + np.exp(rng.uniform(-4.6, 6))
        alpha, beta = np.exp(rng.uniform(np.log(1e-3), np.log(1e4), 2))
        T = np.exp(rng.uniform(np.log(0.5), np.log(3000)))
        t_x = T * rng.choice([0.0, rng.uniform(0, 1), 0.999])
        got = _left_integral(np.array([a]), b, alpha, beta, np.array([t_x]), np.array([T]))[0]
        m = min(alpha, beta)
        lo, hi = np.log(m + t_x), np.log(m + T)
        edges = np.unique(np.r_[lo + (hi - lo) * k**4, hi - (hi - lo) * k**4])
        half = np.diff(edges) / 2
        u = (edges[:-1] + half)[:, None] + half[:, None] * nodes[None, :]
        with np.errstate(divide="ignore"):
            log_f = (
                u - a * np.logaddexp(np.log(alpha - m), u) - b * np.logaddexp(np.log(beta - m), u)
            )
        want = special.logsumexp(log_f + np.log(half)[:, None] + np.log(weights)[None, :])
        assert got[0] == pytest.approx(want, abs=1e-10), (a, b, alpha, beta, t_x, T)


def test_mbgnbd_likelihood_hand_checked() -> None:
    r, alpha, a, b = 0.5, 6.0, 0.9, 1.6
    # x = 0: alive and silent, or left at once: L = B(a, b+1)/B(a, b) (alpha/(alpha+T))^r + a/(a+b)
    got = _mbgnbd_loglik_terms((r, alpha, a, b), np.array([0.0]), np.array([0.0]), np.array([9.0]))
    want = b / (a + b) * (alpha / (alpha + 9)) ** r + a / (a + b)
    assert got[0] == pytest.approx(np.log(want), rel=1e-12)
    # the fitted objective is the same likelihood
    fit = fit_mbgnbd(simulate_mbgnbd(500, 30, 0.6, 4.0, 0.7, 2.5, seed=2))
    data = simulate_mbgnbd(500, 30, 0.6, 4.0, 0.7, 2.5, seed=2)
    terms = _mbgnbd_loglik_terms(fit.params.to_numpy(), *data.to_numpy().T)
    assert terms.sum() == pytest.approx(fit.loglik, rel=1e-10)


def _beta_moment(a: float, b: float, i: float, j: float) -> float:
    """E[p^i (1 - p)^j] for p ~ beta(a, b)."""
    return float(np.exp(special.betaln(a + i, b + j) - special.betaln(a, b)))


def _bgbb_by_hand(params: tuple, x: int, t_x: int, n: int, future: int) -> tuple[float, ...]:
    """Log-likelihood, P(alive at n + 1) and expected transactions in n + 1 .. n + future from
    the individual-level story, each term a product of beta moments: alive through n with
    p^x (1-p)^(n-x) (1-theta)^n, or left in period t_x + i + 1 with
    p^x (1-p)^(t_x-x+i) theta (1-theta)^(t_x+i)."""
    alpha, beta, gamma, delta = params

    def moment(pi: float, pj: float, ti: float, tj: float) -> float:
        return _beta_moment(alpha, beta, pi, pj) * _beta_moment(gamma, delta, ti, tj)

    lik = moment(x, n - x, 0, n) + sum(moment(x, t_x - x + i, 1, t_x + i) for i in range(n - t_x))
    alive = moment(x, n - x, 0, n + 1) / lik
    expected = sum(moment(x + 1, n - x, 0, n + k) for k in range(1, future + 1)) / lik
    return np.log(lik), alive, expected


def test_bgbb_likelihood_and_predictions_by_hand() -> None:
    names = ["alpha", "beta", "gamma", "delta"]
    params = (1.2, 0.75, 0.66, 2.8)
    fit = ModelFit("BG/BB", pd.Series(params, index=names), pd.Series([0.1] * 4, index=names),
                   0.0, 1, 0.0, True)  # fmt: skip
    for x, t_x, n in [(0, 0, 6), (2, 4, 6), (3, 3, 6), (6, 6, 6), (1, 2, 9)]:
        one = pd.DataFrame({"frequency": [x], "recency": [t_x], "T": [n]})
        log_lik, alive, expected = _bgbb_by_hand(params, x, t_x, n, 5)
        got = _bgbb_loglik_terms(params, np.array([x]), np.array([t_x]), np.array([n]))
        assert got[0] == pytest.approx(log_lik, rel=1e-12)
        assert probability_alive(fit, one).iloc[0] == pytest.approx(alive, rel=1e-10)
        assert expected_purchases(fit, one, 5).iloc[0] == pytest.approx(expected, rel=1e-10)
    # a new customer: alpha / (alpha + beta) * the sum over periods of E[(1 - theta)^k]
    a, b, g, d = params
    want = a / (a + b) * sum(_beta_moment(g, d, 0, k) for k in range(1, 7))
    assert expected_purchases_unconditional(fit, 6) == pytest.approx(want, rel=1e-10)


# -- published figures ---------------------------------------------------------------------------


def test_pareto_nbd_reproduces_the_published_cdnow_fit(calibration: pd.DataFrame) -> None:
    fit = fit_pareto_nbd(calibration)
    for name, value in PUBLISHED_PNBD.items():
        assert fit.params[name] == pytest.approx(value, rel=0.01), name
    assert fit.loglik == pytest.approx(-9_595.0, abs=0.1)  # the note's -9594.98
    assert fit.model == "Pareto/NBD" and fit.boundary is None and (fit.bse > 0).all()


def test_mbgnbd_reproduces_lifetimes_cdnow_fit(calibration: pd.DataFrame) -> None:
    fit = fit_mbgnbd(calibration)
    for name, value in PUBLISHED_MBGNBD.items():
        assert fit.params[name] == pytest.approx(value, rel=0.01), name
    # the three purchase models on one sample: BG/NBD's published log-likelihood is -9582.4
    assert fit.loglik == pytest.approx(-9_582.1, abs=0.1)


def test_bgbb_reproduces_fader_hardie_shang_2010(donations: pd.DataFrame) -> None:
    assert int(donations["weights"].sum()) == 11_104 and len(donations) == 22
    fit = fit_bgbb(donations, weights_col="weights")
    for name, value in PUBLISHED_BGBB.items():
        assert fit.params[name] == pytest.approx(value, rel=0.01), name
    assert fit.loglik == pytest.approx(-33_225.6, abs=0.1) and fit.n_obs == 11_104
    # one row per donor gives the same fit
    donors = donations.loc[donations.index.repeat(donations["weights"])].drop(columns="weights")
    pd.testing.assert_series_equal(fit_bgbb(donors).params, fit.params, rtol=1e-6)
    # donors who gave every year are likelier to still give than those who stopped in 1997
    alive = probability_alive(fit, donations)
    every_year = (donations["frequency"] == 6).to_numpy()
    stopped = ((donations["frequency"] == 1) & (donations["recency"] == 1)).to_numpy()
    assert alive[every_year].iloc[0] > 0.9 > 0.1 > alive[stopped].iloc[0]


@pytest.mark.parametrize(("name", "counts"), [("regular", REGULAR), ("high end", HIGH_END)])
def test_sbg_reproduces_fader_hardie_2007(name: str, counts: list[int]) -> None:
    fit = fit_sbg(counts)
    alpha, beta = PUBLISHED_SBG[name]
    assert fit.params["alpha"] == pytest.approx(alpha, rel=0.01)
    assert fit.params["beta"] == pytest.approx(beta, rel=0.01)
    assert fit.n_obs == 1000 and fit.extra["survivors"] == tuple(counts)


def test_sbg_projects_the_high_end_cohorts_years_8_to_12() -> None:
    projection = project_retention(fit_sbg(HIGH_END), 12, actual=HIGH_END_LATER)
    assert isinstance(projection, RetentionProjection)
    later = projection.table.loc[8:12]
    assert later["projected"].all() and not projection.table.loc[:7, "projected"].any()
    np.testing.assert_array_equal(later["actual"], HIGH_END_LATER)
    # within 5% of what happened, a little low (the paper's figure 4), inside the intervals
    errors = projection.projection_error
    assert list(errors.index) == [8, 9, 10, 11, 12]
    assert (errors.abs() < 0.05).all() and (errors < 0).all()
    assert (later["survivors_low"] < later["actual"]).all()
    assert (later["actual"] < later["survivors_high"]).all()
    # retention rises as the cohort ages: those likeliest to leave left first
    assert projection.table["retention"].iloc[1:].is_monotonic_increasing
    assert "fitted on periods 0-7, projected to 12" in repr(projection)


# -- planted parameters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fit", "simulate", "planted"),
    [
        (fit_pareto_nbd, simulate_pareto_nbd, {"r": 0.8, "alpha": 5.0, "s": 0.7, "beta": 12.0}),
        (fit_mbgnbd, simulate_mbgnbd, {"r": 0.8, "alpha": 5.0, "a": 0.6, "b": 2.0}),
    ],
)
def test_continuous_models_recover_planted_parameters(fit, simulate, planted) -> None:
    data = simulate(4_000, 52, **planted, seed=11)
    result = fit(data)
    ci = result.conf_int(ci=0.99)
    for name, value in planted.items():
        assert ci.loc[name, "low"] < value < ci.loc[name, "high"], (name, result.params[name])
    fresh = simulate(4_000, 26, **planted, seed=12)
    assert expected_purchases_unconditional(result, 26) == pytest.approx(
        fresh["frequency"].mean(), rel=0.1
    )


def test_bgbb_recovers_planted_parameters() -> None:
    planted = {"alpha": 1.5, "beta": 2.0, "gamma": 0.8, "delta": 3.0}
    result = fit_bgbb(simulate_bgbb(6_000, 8, **planted, seed=3))
    ci = result.conf_int(ci=0.99)
    for name, value in planted.items():
        assert ci.loc[name, "low"] < value < ci.loc[name, "high"], (name, result.params[name])


def test_sbg_recovers_planted_parameters_and_its_intervals_cover_at_their_rate() -> None:
    """200 cohorts of 1,000 drawn from beta(0.7, 2.5) churn: the fitted parameters' 95%
    intervals and the projected survival's 90% interval at period 12 (fitted on 0-7) each
    cover the truth in about their share of the cohorts."""
    alpha, beta = 0.7, 2.5
    truth = np.exp(special.betaln(alpha, beta + 12) - special.betaln(alpha, beta))
    hits_alpha = hits_survival = 0
    reps = 200
    for seed in range(reps):
        counts = simulate_cohort(1000, 7, alpha, beta, seed)
        fit = fit_sbg(counts)
        ci = fit.conf_int()
        hits_alpha += ci.loc["alpha", "low"] < alpha < ci.loc["alpha", "high"]
        row = project_retention(fit, 12, ci=0.9, n_draws=400, seed=seed).table.loc[12]
        hits_survival += row["survivors_low"] < 1000 * truth < row["survivors_high"]
    # binomial(200, 0.95) lies in 182..197 and binomial(200, 0.9) in 170..190 with 99.9%
    assert 180 <= hits_alpha <= 199, hits_alpha
    assert 166 <= hits_survival <= 193, hits_survival


# -- predictions ---------------------------------------------------------------------------------


def test_pareto_nbd_predictions_hand_checked(calibration: pd.DataFrame) -> None:
    fit = fit_pareto_nbd(calibration)
    r, alpha, s, beta = fit.params
    one = pd.DataFrame({"frequency": [4, 4, 3], "recency": [20.0, 30.0, 38.0], "T": [38.0] * 3})
    alive = probability_alive(fit, one)
    assert alive.iloc[2] == 1.0  # bought at the very end: certainly alive then
    assert 0 < alive.iloc[0] < alive.iloc[1] < 1  # silent for 18 weeks, or for 8
    # a customer alive at T: (r + x) / (alpha + T) * (beta + T) / (s - 1) * (1 - ...^(s - 1))
    x, T, t = 3, 38.0, 39.0
    want = (
        (r + x)
        / (alpha + T)
        * (beta + T)
        / (s - 1)
        * (1 - ((beta + T) / (beta + T + t)) ** (s - 1))
    )
    assert expected_purchases(fit, one, t).iloc[2] == pytest.approx(want, rel=1e-10)
    # a customer just born expects what a new customer expects
    newborn = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [0.0]})
    assert expected_purchases(fit, newborn, 12).iloc[0] == pytest.approx(
        expected_purchases_unconditional(fit, 12)
    )


def test_mbgnbd_customers_without_repeat_purchases_may_have_left(calibration) -> None:
    bg, mbg = fit_bgnbd(calibration), fit_mbgnbd(calibration)
    none = calibration[calibration["frequency"] == 0]
    assert (probability_alive(bg, none) == 1).all()
    a, b = mbg.params["a"], mbg.params["b"]
    r, alpha = mbg.params["r"], mbg.params["alpha"]
    T = none["T"].to_numpy()
    want = 1 / (1 + a / b * ((alpha + T) / alpha) ** r)
    np.testing.assert_allclose(probability_alive(mbg, none), want, rtol=1e-12)
    newborn = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [0.0]})
    assert expected_purchases(mbg, newborn, 12).iloc[0] == pytest.approx(
        expected_purchases_unconditional(mbg, 12)
    )


def test_every_purchase_model_serves_the_holdout_check_and_lifetime_value(
    calibration: pd.DataFrame, cdnow_sample: pd.DataFrame
) -> None:
    from research.clv import holdout_purchases
    from research.segmentation import clean_transactions

    lines = clean_transactions(cdnow_sample, zero_amounts="keep").purchases
    later = holdout_purchases(lines, "1997-09-30", "1998-06-30")
    gg = fit_gamma_gamma(calibration)
    totals = {}
    for fit in (fit_bgnbd, fit_mbgnbd, fit_pareto_nbd):
        result = fit(calibration)
        check = holdout_check(result, calibration, later, 39)
        assert check.model == result.model and check.ranks_right
        # each expects 12-16% fewer purchases than the 1,882 of the holdout: CDNOW's buyers
        # bought more in 1998 than their first 39 weeks promised
        assert -0.2 < check.gap < -0.1, (result.model, check.gap)
        assert result.model in repr(check)
        value = customer_lifetime_value(result, gg, calibration, unit_days=7)
        totals[result.model] = value["clv"].sum()
    # the three models value the customer base within 15% of one another
    assert max(totals.values()) / min(totals.values()) < 1.15


# -- bad input -------------------------------------------------------------------------------------


def test_bad_input_is_named() -> None:
    good = pd.DataFrame({"frequency": [1, 0, 2], "recency": [3, 0, 5], "T": [6, 6, 6]})
    for fit in (fit_pareto_nbd, fit_mbgnbd, fit_bgbb):
        with pytest.raises(ValueError, match="'frequency' is 0 for"):
            fit(good.assign(frequency=0, recency=0))
        with pytest.raises(ValueError, match=r"'recency' greater than 'T'"):
            fit(good.assign(recency=[3, 0, 7]))
        with pytest.raises(ValueError, match="no repeat purchase but a positive 'recency'"):
            fit(good.assign(recency=[3, 2, 5]))
        with pytest.raises(ValueError, match="start must be 4 positive numbers"):
            fit(good, start=(1.0, 2.0, -1.0, 1.0))
        with pytest.raises(ValueError, match="penalizer"):
            fit(good, penalizer=-0.1)
    with pytest.raises(ValueError, match=r"'recency' of summary has 1 values that are not whole"):
        fit_bgbb(good.assign(recency=[3.5, 0, 5]))
    with pytest.raises(ValueError, match="'frequency' greater than 'recency'.*once per period"):
        fit_bgbb(good.assign(frequency=[4, 0, 2]))
    with pytest.raises(ValueError, match="no column 'n'"):
        fit_bgbb(good, weights_col="n")
    with pytest.raises(ValueError, match="'w' of summary has 1 negative"):
        fit_bgbb(good.assign(w=[1, -1, 2]), weights_col="w")
    with pytest.raises(ValueError, match="'w' is 0 for every row"):
        fit_bgbb(good.assign(w=0), weights_col="w")
    sbg = fit_sbg(REGULAR)
    with pytest.raises(TypeError, match="expected a purchase model's fit.*got a sBG fit"):
        expected_purchases(sbg, good, 3)
    with pytest.raises(TypeError, match="expected the result of fit_sbg"):
        project_retention(_quiet(fit_mbgnbd, simulate_mbgnbd(300, 30, 0.6, 4.0, 0.7, 2.5)), 10)


@pytest.mark.parametrize(
    ("survivors", "error", "match"),
    [
        ("1000,600", TypeError, "sequence of counts"),
        ([1000, "many", 300], TypeError, "numbers of customers"),
        ([1000, 600], ValueError, "at least two periods"),
        ([1000, 600.5, 300], ValueError, "whole numbers"),
        ([0, 0, 0], ValueError, "cohort's size, must be positive"),
        ([1000, 600, 650], ValueError, "rises at period 2 \\(600 -> 650\\)"),
        ([1000, 1000, 1000], ValueError, "no customer of the cohort left"),
    ],
)
def test_sbg_bad_survivors(survivors, error, match) -> None:
    with pytest.raises(error, match=match):
        fit_sbg(survivors)


def test_sbg_a_cohort_that_churns_alike_is_the_geometric_limit() -> None:
    counts = [1000]
    for _ in range(7):
        counts.append(round(counts[-1] * 0.8))
    with pytest.warns(BoundaryFitWarning, match="same chance of leaving"):
        fit = fit_sbg(counts)
    assert fit.boundary == "same_churn"
    assert fit.params["churn"] == pytest.approx(0.2, abs=0.005) and fit.bse["churn"] > 0
    table = project_retention(fit, 10).table
    np.testing.assert_allclose(table["retention"].iloc[1:], 1 - fit.params["churn"])
    assert (table["survivors_low"] <= table["survivors"]).all()
    assert (table["survivors"] <= table["survivors_high"]).all()


# -- several cohorts -----------------------------------------------------------------------------


def test_cohort_survivors_by_hand() -> None:
    """Monthly cohorts: two customers start in January (one ends in March), one in February
    (ends in February); the data end on 15 April."""
    customers = pd.DataFrame(
        {
            "since": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-02"]),
            "until": pd.to_datetime(["2024-03-10", None, "2024-02-25"]),
        }
    )
    table = cohort_survivors(customers, start_col="since", end_col="until", data_end="2024-04-15")
    assert [str(c) for c in table.index] == ["2024-01", "2024-02"]
    np.testing.assert_array_equal(table.loc[pd.Period("2024-01", "M")], [2, 2, 2, 1])
    np.testing.assert_array_equal(table.loc[pd.Period("2024-02", "M")], [1, 0, 0, np.nan])
    with pytest.raises(ValueError, match="end before they start"):
        cohort_survivors(
            customers.assign(until=pd.to_datetime(["2023-12-01", None, None])),
            start_col="since",
            end_col="until",
            data_end="2024-04-15",
        )
    with pytest.raises(ValueError, match="period must be one of"):
        cohort_survivors(
            customers, start_col="since", end_col="until", data_end="2024-04-15", period="W"
        )


def test_sbg_on_several_cohorts_is_one_likelihood() -> None:
    """Two cohorts observed for 7 and 4 years fit as one: the same as the likelihood summed."""
    later_cohort = [800, 560, 430, 360, 315]
    table = pd.DataFrame([REGULAR, later_cohort + [np.nan] * 3])
    fit = fit_sbg(table)
    assert fit.n_obs == 1_800 and fit.extra["cohorts"] == 2
    from research.clv.sbg import _sbg_objective

    both = _sbg_objective([np.array(REGULAR, float), np.array(later_cohort, float)])
    one = _sbg_objective([np.array(REGULAR, float)])
    two = _sbg_objective([np.array(later_cohort, float)])
    params = fit.params[["alpha", "beta"]].to_numpy()
    assert both(params)[0] * 1800 == pytest.approx(one(params)[0] * 1000 + two(params)[0] * 800)
    assert fit.loglik == pytest.approx(-both(params)[0] * 1800)
    with pytest.raises(ValueError, match="cohort 1: survivors rises"):
        fit_sbg(pd.DataFrame([REGULAR, [800, 560, 600, np.nan, np.nan, np.nan, np.nan, np.nan]]))
    with pytest.raises(ValueError, match="gap before its last count"):
        fit_sbg(pd.DataFrame([REGULAR, [800, np.nan, 600, np.nan, np.nan, np.nan, np.nan, np.nan]]))
    with pytest.raises(ValueError, match="no cohort counted over two periods"):
        fit_sbg(pd.DataFrame([[100, 90, np.nan], [50, 40, np.nan]]))


def test_sbg_recovers_the_synthetic_crms_planted_churn() -> None:
    """The synthetic CRM (labelled synthetic data) plants a monthly churn hazard of 2% times a
    factor for inconsistent messages: the sBG fit of its monthly cohorts finds the planted mean
    churn inside its 99% interval."""
    from research.data import make_crm

    crm = make_crm(20_000, months=24, with_messages=False)
    table = cohort_survivors(
        crm.customers, start_col="start_at", end_col="churned_at", data_end=crm.truth["data_end"]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BoundaryFitWarning)
        fit = fit_sbg(table)
    hazard = crm.truth["lead"]["churn_hazard_monthly"].dropna()
    planted = float((1 - np.exp(-hazard)).mean())
    if fit.boundary == "same_churn":
        low, high = fit.conf_int(ci=0.99).loc["churn"]
    else:
        draws = fit.draw_params(4000)
        mean = draws["alpha"] / (draws["alpha"] + draws["beta"])
        low, high = mean.quantile([0.005, 0.995])
    assert low < planted < high, (planted, low, high)
