"""BG/NBD, Gamma-Gamma and lifetime value: hand-checked formulas, published CDNOW results,
planted parameters recovered from simulated customers, and bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import special

from research.clv import (
    BoundaryFitWarning,
    ConvergenceError,
    HoldoutCheck,
    ModelFit,
    clv_by_segment,
    customer_lifetime_value,
    expected_average_spend,
    expected_purchases,
    expected_purchases_unconditional,
    fit_bgnbd,
    fit_gamma_gamma,
    holdout_check,
    holdout_purchases,
    probability_alive,
)
from research.clv.bgnbd import _bgnbd_loglik_terms
from research.segmentation import SegmentValue

PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # FHL 2005, table 1
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}  # FHL 2005, iso-value curves


def simulate_bgnbd(
    n: int, T: float, r: float, alpha: float, a: float, b: float, seed: int = 0
) -> pd.DataFrame:
    """Customers drawn from the BG/NBD story: Poisson purchases, drop-out after each one."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    rows = []
    for i in range(n):
        t, x, t_x = 0.0, 0, 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > T:
                break
            x, t_x = x + 1, t
            if rng.random() < p[i]:
                break
        rows.append((x, t_x, T))
    return pd.DataFrame(rows, columns=["frequency", "recency", "T"])


@pytest.fixture(scope="module")
def calibration(cdnow_calibration: pd.DataFrame) -> pd.DataFrame:
    """Our own RFM summary of CDNOW_sample.txt: 39 weeks to 1997-09-30, in weeks."""
    return cdnow_calibration


# -- the likelihood by hand -----------------------------------------------------------------------


def test_bgnbd_likelihood_hand_checked() -> None:
    r, alpha, a, b = 0.5, 2.0, 0.8, 2.5
    params = np.array([r, alpha, a, b])
    # x = 0: the customer is alive and silent for T: L = (alpha / (alpha + T)) ** r
    got = _bgnbd_loglik_terms(params, np.array([0.0]), np.array([0.0]), np.array([10.0]))
    assert got[0] == pytest.approx(r * np.log(alpha / (alpha + 10)))
    # x = 3, t_x = 6, T = 10: equation 6 of Fader, Hardie & Lee (2005), in plain products
    x, t_x, T = 3, 6.0, 10.0
    common = special.gamma(r + x) * alpha**r / special.gamma(r)
    alive = special.beta(a, b + x) / special.beta(a, b) / (alpha + T) ** (r + x)
    dead = special.beta(a + 1, b + x - 1) / special.beta(a, b) / (alpha + t_x) ** (r + x)
    want = np.log(common * (alive + dead))
    got = _bgnbd_loglik_terms(params, np.array([3.0]), np.array([6.0]), np.array([10.0]))
    assert got[0] == pytest.approx(want, rel=1e-12)


def test_predictions_hand_checked() -> None:
    fit = fit_bgnbd(simulate_bgnbd(800, 30, 0.6, 4.0, 0.7, 2.5, seed=3))
    r, alpha, a, b = fit.params
    one = pd.DataFrame({"frequency": [0, 4], "recency": [0, 20.0], "T": [30.0, 30.0]})
    p_alive = probability_alive(fit, one)
    assert p_alive.iloc[0] == 1.0  # no repeat purchase: cannot have dropped out yet
    odds = a / (b + 3) * ((alpha + 30) / (alpha + 20)) ** (r + 4)
    assert p_alive.iloc[1] == pytest.approx(1 / (1 + odds))
    assert (expected_purchases(fit, one, 0) == 0).all()
    e = expected_purchases(fit, one, 10)
    assert (e > 0).all() and (expected_purchases(fit, one, 20) > e).all()
    # a customer just born (x = 0, T = 0) expects what a new customer expects
    newborn = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [0.0]})
    assert expected_purchases(fit, newborn, 12).iloc[0] == pytest.approx(
        expected_purchases_unconditional(fit, 12)
    )


# -- published results on CDNOW ---------------------------------------------------------------


def test_bgnbd_reproduces_fader_hardie_lee_2005(calibration: pd.DataFrame) -> None:
    assert len(calibration) == 2_357
    fit = fit_bgnbd(calibration)
    for name, value in PUBLISHED_BGNBD.items():
        assert fit.params[name] == pytest.approx(value, rel=0.01), name
    assert fit.loglik == pytest.approx(-9_582.4, abs=0.1)
    ci = fit.conf_int()
    assert (ci["low"] < fit.params).all() and (fit.params < ci["high"]).all()
    assert (fit.bse > 0).all()
    table = fit.to_frame()
    assert list(table.columns) == ["estimate", "std_err", "low", "high"]
    pd.testing.assert_frame_equal(table[["low", "high"]], ci, check_names=False)
    assert "BG/NBD fit on 2,357 customers" in repr(fit)


def test_bgnbd_same_fit_from_the_published_summary_file(mirror, calibration) -> None:
    ready = pd.read_csv(mirror / "cdnow" / "cdnow_customers_summary.csv")
    ours, theirs = fit_bgnbd(calibration), fit_bgnbd(ready)
    pd.testing.assert_series_equal(ours.params, theirs.params, rtol=1e-3)


def test_conditional_expectation_of_the_papers_example_customer(calibration) -> None:
    fit = fit_bgnbd(calibration)
    # customer 1 of the sample: x = 2, t_x = 30.43, T = 38.86; FHL 2005 report 1.226
    one = pd.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86]})
    assert expected_purchases(fit, one, 39).iloc[0] == pytest.approx(1.226, abs=0.002)


def test_holdout_check_on_cdnow(cdnow_sample: pd.DataFrame, calibration: pd.DataFrame) -> None:
    fit = fit_bgnbd(calibration)
    holdout = holdout_purchases(cdnow_sample, "1997-09-30", "1998-06-30")
    result = holdout_check(fit, calibration, holdout, 39)
    assert isinstance(result, HoldoutCheck) and result.ci == 0.95
    check = result.to_frame()
    assert list(check.index) == ["0", "1", "2", "3", "4", "5", "6", "7+", "all"]
    assert check.loc["all", "customers"] == result.n_customers == 2_357
    assert check.loc["0", "customers"] == 1_411
    assert check.loc["all", "actual"] == pytest.approx(holdout.sum() / 2_357)
    assert result.actual_purchases == pytest.approx(holdout.sum())
    expected = expected_purchases(fit, calibration, 39)
    assert result.expected_purchases == pytest.approx(expected.sum())
    assert result.gap == pytest.approx(expected.sum() / holdout.sum() - 1)
    # the model tracks the holdout: expected rises with calibration frequency like actual,
    # and the 1,411 customers without a repeat purchase are predicted within their interval
    assert check["expected"].iloc[:8].is_monotonic_increasing and result.ranks_right
    zero = check.loc["0"]
    assert zero["actual_low"] <= zero["expected"] <= zero["actual_high"]
    assert abs(check.loc["all", "difference"]) / check.loc["all", "actual"] < 0.15
    # the interval of the mean over all customers, at another level
    narrow = holdout_check(fit, calibration, holdout, 39, ci=0.5)
    assert result.actual_low < narrow.actual_low < narrow.actual < narrow.actual_high
    assert narrow.actual == result.actual and "50% t-intervals" in repr(narrow)


def test_gamma_gamma_reproduces_the_published_fit(calibration: pd.DataFrame) -> None:
    fit = fit_gamma_gamma(calibration)
    assert fit.n_obs == 946
    for name, value in PUBLISHED_GG.items():
        assert fit.params[name] == pytest.approx(value, rel=0.01), name
    corr = fit.extra["spend_frequency_corr"]
    assert fit.extra["spend_frequency_corr_low"] < corr < fit.extra["spend_frequency_corr_high"]
    assert abs(corr) < 0.3 and fit.extra["independence_check"].startswith("weak")
    spend = expected_average_spend(fit, calibration)
    p, q, g = fit.params
    one_timer = calibration.index[calibration["frequency"] == 0][0]
    assert spend[one_timer] == pytest.approx(p * g / (q - 1))  # the population mean


# -- planted parameters --------------------------------------------------------------------------


def test_bgnbd_recovers_planted_parameters() -> None:
    planted = {"r": 0.8, "alpha": 5.0, "a": 0.6, "b": 2.0}
    data = simulate_bgnbd(4_000, 52, **planted, seed=11)
    fit = fit_bgnbd(data)
    ci = fit.conf_int(ci=0.99)
    for name, value in planted.items():
        assert ci.loc[name, "low"] < value < ci.loc[name, "high"], (name, fit.params[name])
    # and the unconditional forecast matches simulated new customers
    fresh = simulate_bgnbd(4_000, 26, **planted, seed=12)
    assert expected_purchases_unconditional(fit, 26) == pytest.approx(
        fresh["frequency"].mean(), rel=0.1
    )


def test_gamma_gamma_recovers_planted_parameters() -> None:
    rng = np.random.default_rng(5)
    p, q, g = 5.0, 4.0, 20.0
    n = 3_000
    x = rng.integers(1, 8, n).astype(float)
    nu = rng.gamma(q, 1 / g, n)
    spend = np.array([rng.gamma(p, 1 / v, int(k)).mean() for v, k in zip(nu, x, strict=True)])
    fit = fit_gamma_gamma(pd.DataFrame({"frequency": x, "monetary_value": spend}))
    ci = fit.conf_int(ci=0.99)
    for name, value in {"p": p, "q": q, "gamma": g}.items():
        assert ci.loc[name, "low"] < value < ci.loc[name, "high"], name


# -- lifetime value ----------------------------------------------------------------------------


def test_clv_hand_checked(calibration: pd.DataFrame) -> None:
    bg, gg = fit_bgnbd(calibration), fit_gamma_gamma(calibration)
    head = calibration.head(20)
    one_month = customer_lifetime_value(
        bg, gg, head, horizon_months=1, monthly_discount_rate=0.0, unit_days=7
    )
    want = expected_purchases(bg, head, 30.4375 / 7) * expected_average_spend(gg, head)
    np.testing.assert_allclose(one_month["clv"], want.to_numpy())
    year = customer_lifetime_value(bg, gg, head, unit_days=7)
    undiscounted = customer_lifetime_value(bg, gg, head, monthly_discount_rate=0, unit_days=7)
    assert (year["clv"] < undiscounted["clv"]).all()
    assert (year["clv"] > one_month["clv"]).all()
    np.testing.assert_allclose(
        undiscounted["clv"],
        expected_purchases(bg, head, 12 * 30.4375 / 7) * expected_average_spend(gg, head),
    )


def test_clv_by_segment(calibration: pd.DataFrame) -> None:
    bg, gg = fit_bgnbd(calibration), fit_gamma_gamma(calibration)
    clv = customer_lifetime_value(bg, gg, calibration, unit_days=7)
    groups = pd.Series(
        np.where(calibration["frequency"] > 0, "repeat", "one-time"), index=calibration.index
    )
    by_segment = clv_by_segment(clv, groups)
    assert isinstance(by_segment, SegmentValue) and by_segment.value_col == "clv"
    table = by_segment.to_frame()
    assert table["customers"].sum() == 2_357
    assert table["value_total"].sum() == pytest.approx(clv["clv"].sum())
    assert table["value_share"].sum() == pytest.approx(1)
    assert table.loc["repeat", "value_mean"] > table.loc["one-time", "value_mean"]
    # each segment's mean P(alive), what segment_actions reads
    mean_alive = clv["p_alive"].groupby(groups).mean()
    np.testing.assert_allclose(table["p_alive"], mean_alive[table.index])
    assert "p_alive" not in clv_by_segment(clv, groups, alive_col=None).table
    assert "p_alive" not in clv_by_segment(clv["clv"], groups).table
    with pytest.raises(ValueError, match="have no segment"):
        clv_by_segment(clv, groups.iloc[:10])


# -- bad input ------------------------------------------------------------------------------------


def test_bad_input_is_named() -> None:
    good = pd.DataFrame({"frequency": [1.0, 0, 2], "recency": [3.0, 0, 5], "T": [6.0, 6, 6]})
    with pytest.raises(ValueError, match=r"'frequency' of summary has 1 negative.*\(rows 1\)"):
        fit_bgnbd(good.assign(frequency=[1.0, -1, 2]))
    with pytest.raises(ValueError, match=r"1 customers have 'recency' greater than 'T' \(rows 2\)"):
        fit_bgnbd(good.assign(recency=[3.0, 0, 7]))
    with pytest.raises(ValueError, match=r"'T' of summary has 1 missing or infinite.*rows 0"):
        fit_bgnbd(good.assign(T=[np.nan, 6, 6]))
    with pytest.raises(ValueError, match="'frequency' is 0 for all 3 customers"):
        fit_bgnbd(good.assign(frequency=0.0, recency=0.0))
    with pytest.raises(ValueError, match="no repeat purchase but a positive 'recency'"):
        fit_bgnbd(good.assign(frequency=[0.0, 0, 2]))
    with pytest.raises(ValueError, match="no column 'T'"):
        fit_bgnbd(good.drop(columns="T"))
    with pytest.raises(ValueError, match="penalizer"):
        fit_bgnbd(good, penalizer=-1)
    with pytest.raises(ValueError, match=r"'monetary_value' of summary has 1 negative.*spend"):
        fit_gamma_gamma(pd.DataFrame({"frequency": [1, 2, 3], "monetary_value": [1.0, -2, 3]}))


def test_data_the_model_cannot_describe_get_advice_naming_a_parameter() -> None:
    # repeat purchases all at the first instant, then nothing for ten weeks: a purchase rate
    # running to infinity and everyone leaving at once, which no BG/NBD limit describes
    instant = pd.DataFrame(
        {"frequency": [5, 6, 4, 0], "recency": [0.001, 0.001, 0.002, 0], "T": [10.0] * 4}
    )
    with pytest.raises(ConvergenceError, match=r"no proper maximum.*penalizer=0\.001.*PENALIZER"):
        fit_bgnbd(instant)
    with pytest.raises(ValueError, match="same 'monetary_value'"):
        fit_gamma_gamma(pd.DataFrame({"frequency": [1, 2, 3], "monetary_value": [5.0] * 3}))


def test_identical_customers_are_the_poisson_limit() -> None:
    # every customer bought twice, the last time at the end: no spread of rates, no dropout
    same = pd.DataFrame({"frequency": [2, 2, 2], "recency": [10.0, 10, 10], "T": [10.0, 10, 10]})
    with pytest.warns(BoundaryFitWarning, match="no detectable dropout.*buy at the same rate"):
        fit = fit_bgnbd(same)
    assert fit.boundary == "no_dropout + same_rate"
    # the Poisson rate: 6 purchases in 30 weeks, whatever r ran to
    assert fit.params["r"] / fit.params["alpha"] == pytest.approx(0.2, rel=1e-6)
    assert expected_purchases(fit, same, 5).tolist() == pytest.approx([1.0] * 3, rel=1e-6)


def test_no_detectable_dropout_is_a_model_with_a_warning() -> None:
    # the only repeat buyer bought at the very end: nobody is seen to drop out
    thin = pd.DataFrame({"frequency": [3, 0, 0], "recency": [10.0, 0, 0], "T": [10.0, 10, 10]})
    with pytest.warns(BoundaryFitWarning, match="no detectable dropout.*P\\(alive\\) is 100%"):
        fit = fit_bgnbd(thin)
    assert fit.boundary == "no_dropout" and "CALIBRATION_END" in fit.note
    assert fit.params["a"] == 0 and np.isnan(fit.params["b"]) and np.isnan(fit.bse["a"])
    r, alpha = fit.params["r"], fit.params["alpha"]

    # the NBD likelihood by hand: x = 3 and two customers with x = 0, all with T = 10
    def nbd(x: int) -> float:
        return (
            special.gammaln(r + x)
            - special.gammaln(r)
            + r * np.log(alpha)
            - (r + x) * np.log(alpha + 10)
        )

    assert fit.loglik == pytest.approx(nbd(3) + 2 * nbd(0), rel=1e-9)
    assert (probability_alive(fit, thin) == 1).all()
    np.testing.assert_allclose(
        expected_purchases(fit, thin, 5), (r + thin["frequency"]) / (alpha + 10) * 5
    )
    assert expected_purchases_unconditional(fit, 5) == pytest.approx(r / alpha * 5)
    assert fit.aic == pytest.approx(2 * 2 - 2 * fit.loglik)


def test_constant_spend_per_customer_is_a_model_with_a_warning() -> None:
    # the case that failed on AMD EPYC machines (p ran to 5.8e29): spend set by frequency
    data = simulate_bgnbd(500, 30, 0.6, 4.0, 0.7, 2.5, seed=1)
    wobble = 1 + 0.1 * np.sin(np.arange(len(data)))
    data["monetary_value"] = np.where(data["frequency"] > 0, 20.0 + data["frequency"], 0.0) * wobble
    with pytest.warns(BoundaryFitWarning, match="their own mean spend"):
        fit = fit_gamma_gamma(data)
    assert fit.boundary == "constant_spend" and fit.params["p"] == np.inf
    q, scale = fit.params["q"], fit.params["scale"]
    repeat = data[data["frequency"] > 0]["monetary_value"]
    # the inverse-gamma maximum: scale = q / mean(1 / m), and log q - digamma(q) matches
    assert scale == pytest.approx(q / np.mean(1 / repeat), rel=1e-7)
    assert np.log(q) - special.digamma(q) == pytest.approx(
        np.log(np.mean(1 / repeat)) + np.mean(np.log(repeat)), rel=1e-6
    )
    spend = expected_average_spend(fit, data)
    np.testing.assert_allclose(spend[repeat.index], repeat)
    assert spend[data["frequency"] == 0].iloc[0] == pytest.approx(scale / (q - 1))


def test_clv_arguments() -> None:
    data = simulate_bgnbd(500, 30, 0.6, 4.0, 0.7, 2.5, seed=1)
    rng = np.random.default_rng(1)
    data["monetary_value"] = np.where(data["frequency"] > 0, rng.gamma(3, 10, len(data)), 0.0)
    bg = fit_bgnbd(data)
    gg = fit_gamma_gamma(data)
    with pytest.raises(ValueError, match="horizon_months"):
        customer_lifetime_value(bg, gg, data, horizon_months=0)
    with pytest.raises(ValueError, match="monthly_discount_rate"):
        customer_lifetime_value(bg, gg, data, monthly_discount_rate=12)
    with pytest.raises(TypeError, match="fit_gamma_gamma"):
        customer_lifetime_value(bg, bg, data)
    with pytest.raises(ValueError, match="holdout_end"):
        holdout_purchases(
            pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-01"]}), "2024-02-01", "2024-01-01"
        )


def test_holdout_purchases_hand_checked() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a", "b", "c"],
            "date": pd.to_datetime(
                ["2024-01-31", "2024-02-01", "2024-02-01", "2024-02-10", "2024-03-01", "2024-03-02"]
            ),
        }
    )
    got = holdout_purchases(tx, "2024-01-31", "2024-03-01")
    # a: Jan 31 is calibration, two rows on Feb 1 are one purchase day, plus Feb 10;
    # b: Mar 1 is the last day of the holdout; c: after it
    assert got.to_dict() == {"a": 2, "b": 1}
    monthly = holdout_purchases(tx, "2024-01-31", "2024-03-01", time_unit="M")
    assert monthly.to_dict() == {"a": 1, "b": 1}  # a's three February rows are one month
    renamed = tx.rename(columns={"customer_id": "who", "date": "when"})
    got = holdout_purchases(
        renamed, "2024-01-31", "2024-03-01", customer_col="who", date_col="when"
    )
    assert got.to_dict() == {"a": 2, "b": 1}
    with pytest.raises(ValueError, match="time_unit must be one of"):
        holdout_purchases(tx, "2024-01-31", "2024-03-01", time_unit="Y")
    with pytest.raises(TypeError, match="positional"):
        holdout_purchases(tx, "2024-01-31", "2024-03-01", "customer_id")  # type: ignore[misc]


def test_alike_purchase_rates_with_dropout_keep_the_dropout() -> None:
    # every customer buys at one rate, dropout varies: the best fit is BG/NBD at r = inf, far
    # better than the no-dropout limit, which must not be chosen just for being inside its box
    # a gamma of shape 1e6 around 1: one purchase rate (per week) for all, within 0.1%
    data = simulate_bgnbd(6000, 52, 1e6, 1e6, 1.0, 3.0, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BoundaryFitWarning)
        fit = fit_bgnbd(data)
    assert fit.boundary in (None, "same_rate")  # never the no-dropout limit
    assert fit.boundary == "same_rate" or fit.params["r"] > 20
    assert fit.params["r"] / fit.params["alpha"] == pytest.approx(1.0, rel=0.05)
    assert fit.params["a"] / (fit.params["a"] + fit.params["b"]) == pytest.approx(0.25, abs=0.03)
    # predictions at that edge are numbers (scipy's 2F1 alone gives NaN there)
    expected = expected_purchases(fit, data.head(50), 10)
    assert np.isfinite(expected).all() and (expected >= 0).all()
    assert np.isfinite(expected_purchases_unconditional(fit, 10))


def test_expected_purchases_of_very_frequent_buyers_are_finite_and_smooth(calibration) -> None:
    # around 10,000 purchases scipy's 2F1 hands over to the summed series: no jump there
    fit = fit_bgnbd(calibration)
    x = np.arange(9_990.0, 10_011.0)
    heavy = pd.DataFrame({"frequency": x, "recency": 38.86, "T": 38.86})
    got = expected_purchases(fit, heavy, 39).to_numpy()
    assert np.isfinite(got).all() and (got > 0).all()
    steps = np.diff(got) / got[:-1]
    assert np.all(np.abs(steps - steps.mean()) < 1e-6), steps  # one smooth slope across
    gone = heavy.assign(recency=30.0)  # 10,000 purchases, then nine silent weeks: gone
    assert (expected_purchases(fit, gone, 39) >= 0).all()


# -- the fit as a result -------------------------------------------------------------------------


def test_model_fit_is_a_frozen_result_with_its_summary(calibration: pd.DataFrame) -> None:
    from research._results import Summary

    fit = fit_bgnbd(calibration)
    with pytest.raises(AttributeError):
        fit.loglik = 0.0  # type: ignore[misc]
    # intervals at any level: Wald on the log scale, z from the level
    z = {0.95: 1.959964, 0.8: 1.281552}
    for ci, zz in z.items():
        bounds = fit.conf_int(ci=ci)
        want = fit.params * np.exp(-zz * fit.bse / fit.params)
        np.testing.assert_allclose(bounds["low"], want, rtol=1e-6)
    table = fit.to_frame(ci=0.8)
    pd.testing.assert_frame_equal(table[["low", "high"]], fit.conf_int(ci=0.8), check_names=False)
    summary = fit.summary(ci=0.8)
    assert isinstance(summary, Summary)
    assert summary.title == "BG/NBD fit on 2,357 customers"
    pd.testing.assert_frame_equal(summary.to_frame(), table)
    assert summary.tables[0][0] == "parameters (80% intervals)"
    assert any("log-likelihood -9,582.43" in note for note in summary.notes)
    assert "<table" in fit._repr_html_() and "BG/NBD fit on 2,357 customers" in fit._repr_html_()
    spend = fit_gamma_gamma(calibration)
    notes = " ".join(spend.summary().notes)
    assert "spend_frequency_corr_ci: 0.95" in notes and "independence_check: weak" in notes
    for bad in (0, 1, 95, "0.9"):
        with pytest.raises(ValueError, match="ci must be between 0 and 1"):
            fit.conf_int(ci=bad)  # type: ignore[arg-type]


def test_model_fit_parameters_and_diagnostics_cannot_change_the_fit(
    calibration: pd.DataFrame,
) -> None:
    fit = fit_gamma_gamma(calibration)
    before = fit.to_frame()
    for series in (fit.params, fit.bse):
        with pytest.raises(ValueError, match="read-only"):
            series.iloc[0] = 1.0
    with pytest.raises(TypeError):
        fit.extra["independence_check"] = "fine"  # type: ignore[index]
    pd.testing.assert_frame_equal(fit.to_frame(), before)
    # a fit built from the caller's objects keeps its own copies of them
    params, extra = pd.Series({"r": 0.25, "alpha": 4.0}), {"note": "x"}
    own = ModelFit("BG/NBD", params, params / 10, -1.0, 10, 0.0, True, extra=extra)
    params["r"], extra["note"] = 9.0, "y"
    assert own.params["r"] == 0.25 and own.extra == {"note": "x"}
    assert dict(own.extra) == {"note": "x"} and "note" in repr(own.extra)


def test_documented_constants_are_public() -> None:
    import research.clv
    from research.clv import holdout

    # referenced as :data: in the docs, so importable from the module and the package
    assert "RANK_CORRELATION" in holdout.__all__ and "RANK_CORRELATION" in research.clv.__all__
    assert research.clv.RANK_CORRELATION == 0.9


def test_model_fit_levels_are_keyword_only(calibration: pd.DataFrame) -> None:
    # ci replaced an alpha: an old positional call conf_int(0.05) must not give a 5% interval
    fit = fit_bgnbd(calibration)
    for method in (fit.conf_int, fit.to_frame, fit.summary):
        with pytest.raises(TypeError, match="positional argument"):
            method(0.05)  # type: ignore[misc]
    # the caption states the level of the table it shows (to_frame()'s default): fit.ci
    assert fit.ci == 0.95 and fit._caption().endswith("; 95% intervals")
    assert fit.to_frame().equals(fit.to_frame(ci=fit.ci))


def test_columns_are_keyword_only(calibration: pd.DataFrame) -> None:
    renamed = calibration.rename(columns={"frequency": "x", "recency": "t_x", "T": "age"})
    cols = dict(frequency_col="x", recency_col="t_x", T_col="age")
    fit = fit_bgnbd(renamed, **cols)
    pd.testing.assert_series_equal(fit.params, fit_bgnbd(calibration).params)
    for call in (
        lambda: fit_bgnbd(renamed, "x", "t_x", "age"),
        lambda: probability_alive(fit, renamed, "x"),
        lambda: expected_purchases(fit, renamed, 10, "x"),
        lambda: fit_gamma_gamma(calibration, "frequency"),
    ):
        with pytest.raises(TypeError, match="positional"):
            call()


def test_lifetime_value_validates_its_input_once(calibration, monkeypatch) -> None:
    """The summary is checked once, whatever the horizon, not once per month."""
    import research.clv.value as value

    bg, gg = fit_bgnbd(calibration), fit_gamma_gamma(calibration)
    calls = {"arrays": 0, "spend": 0}
    arrays, spend = value._rfm_arrays, value.nonnegative_values

    def counted_arrays(*args, **kwargs):
        calls["arrays"] += 1
        return arrays(*args, **kwargs)

    def counted_spend(*args, **kwargs):
        calls["spend"] += 1
        return spend(*args, **kwargs)

    monkeypatch.setattr(value, "_rfm_arrays", counted_arrays)
    monkeypatch.setattr(value, "nonnegative_values", counted_spend)
    clv = customer_lifetime_value(bg, gg, calibration, horizon_months=36, unit_days=7)
    assert calls == {"arrays": 1, "spend": 1}
    np.testing.assert_allclose(clv["p_alive"], probability_alive(bg, calibration))
    np.testing.assert_allclose(
        clv["expected_average_spend"], expected_average_spend(gg, calibration)
    )


def test_lifetime_value_names_a_missing_spend_column(calibration: pd.DataFrame) -> None:
    bg, gg = fit_bgnbd(calibration), fit_gamma_gamma(calibration)
    with pytest.raises(ValueError, match="no column 'monetary_value'"):
        customer_lifetime_value(bg, gg, calibration.drop(columns="monetary_value"))
    with pytest.raises(ValueError, match="'monetary_value' of summary has 1 negative"):
        bad = calibration.assign(monetary_value=[-1.0] + [1.0] * (len(calibration) - 1))
        customer_lifetime_value(bg, gg, bad)
