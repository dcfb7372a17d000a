"""clv_intervals and ModelFit.draw_params: the point values are customer_lifetime_value's, the
parts add up, the intervals cover the truth at their rate in a simulation, CDNOW, bad input,
the chart."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import warnings

import numpy as np
import pandas as pd
import pytest

from research.clv import (
    BoundaryFitWarning,
    CLVIntervals,
    ModelFit,
    clv_intervals,
    customer_lifetime_value,
    fit_bgnbd,
    fit_gamma_gamma,
    fit_pareto_nbd,
    fit_sbg,
)
from research.clv.plotting import plot_monthly_value
from tests._charts import _assert_labelled, _assert_readable, _gid_line, _title
from tests.clv.test_clv import simulate_bgnbd

PLANTED_BG = {"r": 0.6, "alpha": 4.0, "a": 0.7, "b": 2.5}
PLANTED_GG = {"p": 6.0, "q": 4.0, "gamma": 15.0}


def _customers(n: int, seed: int) -> pd.DataFrame:
    """BG/NBD purchases and Gamma-Gamma spend with the planted parameters."""
    rng = np.random.default_rng(seed)
    data = simulate_bgnbd(n, 40, **PLANTED_BG, seed=seed)
    nu = rng.gamma(PLANTED_GG["q"], 1 / PLANTED_GG["gamma"], n)
    data["monetary_value"] = [
        rng.gamma(PLANTED_GG["p"], 1 / v, int(k)).mean() if k else 0.0
        for v, k in zip(nu, data["frequency"], strict=True)
    ]
    return data


def _known(model: str, values: dict[str, float]) -> ModelFit:
    """A fit that holds given parameters (the truth of a simulation)."""
    params = pd.Series(values)
    return ModelFit(model, params, params * 0.1, 0.0, 1, 0.0, True)


@pytest.fixture(scope="module")
def cdnow(cdnow_calibration: pd.DataFrame) -> dict:
    return {
        "cal": cdnow_calibration,
        "bg": fit_bgnbd(cdnow_calibration),
        "gg": fit_gamma_gamma(cdnow_calibration),
    }


def test_the_parts_add_up_and_the_point_is_customer_lifetime_value(cdnow: dict) -> None:
    cal, bg, gg = cdnow["cal"], cdnow["bg"], cdnow["gg"]
    groups = pd.Series(np.where(cal["frequency"] > 0, "repeat", "one-time"), index=cal.index)
    value = clv_intervals(bg, gg, cal, segments=groups, unit_days=7, progress=False)
    assert isinstance(value, CLVIntervals)
    point = customer_lifetime_value(bg, gg, cal, unit_days=7)
    np.testing.assert_allclose(value.customers["clv"], point["clv"], rtol=1e-12)
    np.testing.assert_allclose(value.customers["p_alive"], point["p_alive"], rtol=1e-12)
    np.testing.assert_allclose(
        value.customers["expected_purchases"], point["expected_purchases"], rtol=1e-12
    )
    assert value.total["clv"] == pytest.approx(point["clv"].sum())
    assert value.monthly["value"].sum() == pytest.approx(point["clv"].sum())
    assert value.monthly["cumulative_value"].iloc[-1] == pytest.approx(point["clv"].sum())
    assert value.monthly["expected_purchases"].sum() == pytest.approx(
        point["expected_purchases"].sum()
    )
    seg = value.by_segment
    assert seg["customers"].sum() == 2_357
    assert seg["value_total"].sum() == pytest.approx(point["clv"].sum())
    assert seg["value_share"].sum() == pytest.approx(1)
    for name in ("clv", "expected_purchases", "p_alive"):
        low, high = value.customers[f"{name}_low"], value.customers[f"{name}_high"]
        assert (low <= high).all()
    # the base's value is known to about +-8% at 90% (CDNOW's 2,357 customers)
    total = value.total
    assert total["clv_low"] < total["clv"] < total["clv_high"]
    assert 0.05 < (total["clv_high"] - total["clv_low"]) / total["clv"] < 0.25
    assert (seg["value_total_low"] < seg["value_total"]).all()
    assert (seg["value_total"] < seg["value_total_high"]).all()
    # customers alike in their history share their values
    same = cal.duplicated(["frequency", "recency", "T", "monetary_value"], keep=False)
    assert same.any()
    assert (
        value.customers.loc[same]
        .groupby([cal.loc[same, c] for c in ("frequency", "recency", "T")])["clv_low"]
        .nunique()
        .max()
        == 1
    )
    assert "2,357 customers over 12 months" in repr(value)


def test_same_seed_same_intervals_and_another_model(cdnow: dict) -> None:
    cal, bg, gg = cdnow["cal"], cdnow["bg"], cdnow["gg"]
    one = clv_intervals(bg, gg, cal.head(300), unit_days=7, n_draws=60, progress=False)
    two = clv_intervals(bg, gg, cal.head(300), unit_days=7, n_draws=60, progress=False)
    pd.testing.assert_frame_equal(one.customers, two.customers)
    pareto = clv_intervals(
        fit_pareto_nbd(cal), gg, cal.head(300), unit_days=7, n_draws=60, progress=False
    )
    assert pareto.model == "Pareto/NBD"
    assert pareto.total["clv"] == pytest.approx(one.total["clv"], rel=0.15)


def test_intervals_cover_the_truth_at_their_rate() -> None:
    """60 simulated bases of 500 customers with planted BG/NBD and Gamma-Gamma parameters:
    the 80% interval of the base's value covers its value under the planted parameters in
    about 80% of them (binomial(60, 0.8) lies in 38..58 with 99.9%)."""
    truth_bg, truth_gg = _known("BG/NBD", PLANTED_BG), _known("Gamma-Gamma", PLANTED_GG)
    hits = 0
    for seed in range(60):
        data = _customers(500, seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", BoundaryFitWarning)
            bg, gg = fit_bgnbd(data), fit_gamma_gamma(data)
        value = clv_intervals(bg, gg, data, ci=0.8, n_draws=200, seed=seed, progress=False)
        truth = customer_lifetime_value(truth_bg, truth_gg, data)["clv"].sum()
        hits += value.total["clv_low"] < truth < value.total["clv_high"]
    assert 38 <= hits <= 58, hits


def test_draw_params() -> None:
    fit = fit_bgnbd(simulate_bgnbd(2_000, 40, **PLANTED_BG, seed=4))
    draws = fit.draw_params(4_000, seed=1)
    assert list(draws.columns) == ["r", "alpha", "a", "b"] and (draws > 0).all().all()
    # on the log scale the draws have the fit's covariance (delta method)
    log_cov = np.cov(np.log(draws.to_numpy()).T)
    want = fit.cov.to_numpy() / np.outer(fit.params, fit.params)
    # within 4 standard errors of a sample covariance of 4,000 draws
    sd = np.sqrt(np.diag(want))
    slack = 4 * np.outer(sd, sd) * np.sqrt(2 / 4_000)
    assert (np.abs(log_cov - want) < slack).all(), (log_cov, want)
    pd.testing.assert_frame_equal(fit.draw_params(10, seed=3), fit.draw_params(10, seed=3))
    # a parameter at a limit keeps its value in every draw
    counts = [1000]
    for _ in range(7):
        counts.append(round(counts[-1] * 0.8))
    with pytest.warns(BoundaryFitWarning):
        geometric = fit_sbg(counts)
    drawn = geometric.draw_params(50)
    assert np.isinf(drawn["alpha"]).all() and drawn["churn"].nunique() == 50
    with pytest.raises(ValueError, match="n must be"):
        fit.draw_params(0)
    bare = ModelFit("BG/NBD", fit.params, fit.bse, 0.0, 1, 0.0, True)
    with pytest.raises(ValueError, match="no covariance to draw from"):
        bare.draw_params(5)


def test_bad_input_is_named(cdnow: dict) -> None:
    cal, bg, gg = cdnow["cal"], cdnow["bg"], cdnow["gg"]
    with pytest.raises(TypeError, match="gamma_gamma: expected the result of fit_gamma_gamma"):
        clv_intervals(bg, bg, cal, progress=False)
    with pytest.raises(TypeError, match="bgnbd: expected a purchase model's fit"):
        clv_intervals(gg, gg, cal, progress=False)
    with pytest.raises(ValueError, match="n_draws"):
        clv_intervals(bg, gg, cal, n_draws=5, progress=False)
    with pytest.raises(TypeError, match="segments must be a pandas Series"):
        clv_intervals(bg, gg, cal, segments=["a"] * len(cal), progress=False)
    with pytest.raises(ValueError, match="2,347 customers of summary have no segment"):
        clv_intervals(bg, gg, cal, segments=pd.Series("a", index=cal.index[:10]), progress=False)
    with pytest.raises(ValueError, match="horizon_months"):
        clv_intervals(bg, gg, cal, horizon_months=0, progress=False)
    with pytest.raises(ValueError, match="no column 'monetary_value'"):
        clv_intervals(bg, gg, cal.drop(columns="monetary_value"), progress=False)


def test_monthly_value_chart(cdnow: dict) -> None:
    value = clv_intervals(
        cdnow["bg"], cdnow["gg"], cdnow["cal"], unit_days=7, n_draws=60, progress=False
    )
    fig = plot_monthly_value(value)
    ax = fig.axes[0]
    np.testing.assert_allclose(
        _gid_line(ax, "value").get_ydata(), value.monthly["cumulative_value"]
    )
    assert "next 12 months" in _title(fig) and "90% interval" in _title(fig)
    _assert_labelled(ax)
    _assert_readable(fig)
    monthly = plot_monthly_value(value, cumulative=False)
    np.testing.assert_allclose(
        _gid_line(monthly.axes[0], "value").get_ydata(), value.monthly["value"]
    )
    with pytest.raises(TypeError, match="clv_intervals"):
        plot_monthly_value(value.monthly)
