"""compare_models and purchase_tracking: errors by hand, the CDNOW holdout, bad input, and
their charts (with those of project_retention)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from research.clv import (
    NAIVE,
    ModelComparison,
    PurchaseTracking,
    compare_models,
    expected_purchases,
    expected_purchases_unconditional,
    fit_bgnbd,
    fit_mbgnbd,
    fit_pareto_nbd,
    fit_sbg,
    holdout_purchases,
    project_retention,
    purchase_tracking,
)
from research.clv.plotting import (
    plot_model_comparison,
    plot_purchase_tracking,
    plot_retention,
)
from research.segmentation import clean_transactions
from tests._charts import _assert_labelled, _assert_readable, _gid_line, _title
from tests.clv.test_clv import simulate_bgnbd
from tests.clv.test_models import HIGH_END, HIGH_END_LATER


@pytest.fixture(scope="module")
def cdnow(cdnow_calibration: pd.DataFrame, cdnow_sample: pd.DataFrame) -> dict:
    lines = clean_transactions(cdnow_sample, zero_amounts="keep").purchases
    fits = [f(cdnow_calibration) for f in (fit_bgnbd, fit_mbgnbd, fit_pareto_nbd)]
    return {
        "calibration": cdnow_calibration,
        "lines": lines,
        "later": holdout_purchases(lines, "1997-09-30", "1998-06-30"),
        "fits": fits,
    }


# -- by hand -----------------------------------------------------------------------------------


def test_compare_models_errors_by_hand() -> None:
    calibration = simulate_bgnbd(400, 30, 0.6, 4.0, 0.7, 2.5, seed=3)
    fit = fit_bgnbd(calibration)
    rng = np.random.default_rng(0)
    later = pd.Series(rng.poisson(0.5, len(calibration)), index=calibration.index)
    later = later[later > 0]  # the customers without holdout purchases are absent: 0
    result = compare_models([fit], calibration, later, 20, n_boot=200)
    assert isinstance(result, ModelComparison)
    actual = later.reindex(calibration.index, fill_value=0).to_numpy(dtype=float)
    error = expected_purchases(fit, calibration, 20).to_numpy() - actual
    row = result.table.loc["BG/NBD"]
    assert row["mae"] == pytest.approx(np.abs(error).mean(), rel=1e-12)
    assert row["rmse"] == pytest.approx(np.sqrt((error**2).mean()), rel=1e-12)
    assert row["mae_low"] < row["mae"] < row["mae_high"]
    naive = calibration["frequency"] / calibration["T"] * 20
    assert result.table.loc[NAIVE, "expected_total"] == pytest.approx(naive.sum())
    assert result.table.loc[NAIVE, "total_error"] == pytest.approx(naive.sum() / actual.sum() - 1)
    assert np.isnan(result.table.loc[NAIVE, "loglik"])
    assert row["bic"] == pytest.approx(4 * np.log(400) - 2 * fit.loglik)
    assert list(result.table["rank"]) == [1, 2]
    assert result.actual_total == actual.sum() and result.n_customers == 400


def test_tracking_by_hand() -> None:
    """Two customers: a joins on day 0 and buys again on days 3 and 10 (twice on day 10), b
    joins on day 8 and buys on day 20; the calibration ends on day 9, the holdout on day 20."""
    day0 = pd.Timestamp("2024-01-01")
    lines = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a", "b", "b", "c"],
            "date": day0 + pd.to_timedelta([0, 3, 10, 10, 8, 20, 15], unit="D"),
        }
    )
    fit = fit_bgnbd(simulate_bgnbd(300, 30, 0.6, 4.0, 0.7, 2.5, seed=1))
    end_cal, end = day0 + pd.Timedelta(days=9), day0 + pd.Timedelta(days=20)
    tracking = purchase_tracking([fit], lines, end_cal, end, unit_days=1, period_days=7)
    assert isinstance(tracking, PurchaseTracking)
    assert tracking.n_customers == 2  # c joined after the calibration period
    assert list(tracking.incremental["actual"]) == [1.0, 1.0, 1.0]  # days 3, 10 and 20
    assert tracking.calibration_periods == 1
    assert list(tracking.cumulative["period_end"]) == list(
        day0 + pd.to_timedelta([6, 13, 20], unit="D")
    )
    # at the end of period 2 (day 13) a is 13 days old and b 5
    want = expected_purchases_unconditional(fit, np.array([13.0, 5.0])).sum()
    assert tracking.cumulative.loc[2, "BG/NBD"] == pytest.approx(want, rel=1e-12)
    assert tracking.errors.loc["BG/NBD", "holdout_error"] == pytest.approx(
        tracking.cumulative.loc[3, "BG/NBD"] / 3 - 1
    )


# -- CDNOW ---------------------------------------------------------------------------------------


def test_the_models_on_the_cdnow_holdout(cdnow: dict) -> None:
    result = compare_models(cdnow["fits"], cdnow["calibration"], cdnow["later"], 39)
    assert set(result.table.index) == {"BG/NBD", "MBG/NBD", "Pareto/NBD", NAIVE}
    assert result.actual_total == cdnow["later"].sum() == 1_882
    # the models are level with each other and all clearly beat the naive forecast
    assert result.beats_naive and result.table.index[-1] == NAIVE
    assert set(result.tied) == {"BG/NBD", "MBG/NBD", "Pareto/NBD"}
    assert result.table.loc[result.best, "rmse_gap"] == 0
    assert (result.table["rmse_gap"] >= 0).all()
    assert "2,357 customers, 1,882 purchases" in repr(result)


def test_tracking_on_cdnow_is_fader_hardie_lees_figure_1(cdnow: dict) -> None:
    tracking = purchase_tracking(
        cdnow["fits"], cdnow["lines"], "1997-09-30", "1998-06-30", unit_days=7
    )
    assert tracking.n_customers == 2_357 and len(tracking.cumulative) == 78
    assert tracking.calibration_periods == 39
    # the actual repeat purchases are the purchase days after each customer's first
    lines = cdnow["lines"]
    days = lines.assign(day=lines["date"].dt.floor("D")).drop_duplicates(["customer_id", "day"])
    repeat = len(days) - days["customer_id"].nunique()
    assert tracking.cumulative["actual"].iloc[-1] == repeat
    assert tracking.cumulative["actual"].is_monotonic_increasing
    # every model tracks the calibration period within 3% and the holdout within 7%
    assert (tracking.errors["calibration_error"].abs() < 0.03).all()
    assert (tracking.errors["holdout_error"].abs() < 0.07).all()
    # a model's expectation at the end of the calibration period is the sum over customers of
    # a new customer's expected purchases at their T
    bg = cdnow["fits"][0]
    want = expected_purchases_unconditional(bg, cdnow["calibration"]["T"].to_numpy()).sum()
    assert tracking.cumulative.loc[39, "BG/NBD"] == pytest.approx(want, rel=1e-9)


# -- bad input -------------------------------------------------------------------------------------


def test_bad_input_is_named(cdnow: dict) -> None:
    cal, later = cdnow["calibration"], cdnow["later"]
    bg = cdnow["fits"][0]
    with pytest.raises(ValueError, match=r"two fits of BG/NBD: pass a dict"):
        compare_models([bg, bg], cal, later, 39)
    with pytest.raises(ValueError, match="fits is empty"):
        compare_models({}, cal, later, 39)
    with pytest.raises(TypeError, match="fits must be a list or dict"):
        compare_models(bg, cal, later, 39)
    with pytest.raises(TypeError, match=r"fits\['sbg'\]: expected a purchase model's fit"):
        compare_models({"bg": bg, "sbg": fit_sbg(HIGH_END)}, cal, later, 39)
    with pytest.raises(ValueError, match="holdout_length must be a positive"):
        compare_models([bg], cal, later, 0)
    with pytest.raises(TypeError, match="holdout_purchases must be a pandas Series"):
        compare_models([bg], cal, later.to_numpy(), 39)
    with pytest.raises(ValueError, match="n_boot"):
        compare_models([bg], cal, later, 39, n_boot=10)
    lines = cdnow["lines"]
    with pytest.raises(ValueError, match="must be after calibration_end"):
        purchase_tracking([bg], lines, "1998-06-30", "1997-09-30")
    with pytest.raises(ValueError, match="no customer made a first purchase on or before"):
        purchase_tracking([bg], lines, "1990-01-01", "1998-06-30")
    with pytest.raises(ValueError, match="no column 'when'"):
        purchase_tracking([bg], lines, "1997-09-30", "1998-06-30", date_col="when")
    with pytest.raises(ValueError, match="positive numbers of days"):
        purchase_tracking([bg], lines, "1997-09-30", "1998-06-30", period_days=0)


# -- charts ---------------------------------------------------------------------------------------


def test_comparison_chart(cdnow: dict) -> None:
    result = compare_models(cdnow["fits"], cdnow["calibration"], cdnow["later"], 39)
    fig = plot_model_comparison(result)
    ax = fig.axes[0]
    for name in result.table.index:
        assert _gid_line(ax, f"rmse-{name}").get_xdata()[0] == pytest.approx(
            result.table.loc[name, "rmse"]
        )
    assert "are level" in _title(fig) and "beat the naive forecast" in _title(fig)
    _assert_labelled(ax)
    _assert_readable(fig)
    assert result.plot().axes


def test_tracking_chart(cdnow: dict) -> None:
    tracking = purchase_tracking(
        cdnow["fits"], cdnow["lines"], "1997-09-30", "1998-06-30", unit_days=7
    )
    fig = plot_purchase_tracking(tracking)
    ax = fig.axes[0]
    np.testing.assert_array_equal(
        _gid_line(ax, "actual").get_ydata(), tracking.cumulative["actual"]
    )
    for name in tracking.models:
        np.testing.assert_allclose(
            _gid_line(ax, f"expected-{name}").get_ydata(), tracking.cumulative[name]
        )
    assert "end of the holdout" in _title(fig)
    _assert_labelled(ax)
    _assert_readable(fig)
    weekly = plot_purchase_tracking(tracking, cumulative=False)
    np.testing.assert_array_equal(
        _gid_line(weekly.axes[0], "actual").get_ydata(), tracking.incremental["actual"]
    )


def test_retention_chart() -> None:
    projection = project_retention(fit_sbg(HIGH_END), 12, actual=HIGH_END_LATER)
    fig = plot_retention(projection)
    ax = fig.axes[0]
    np.testing.assert_allclose(
        _gid_line(ax, "sbg-survivors").get_ydata(), projection.table["survivors"]
    )
    np.testing.assert_array_equal(
        _gid_line(ax, "actual").get_ydata(), projection.table["actual"].dropna()
    )
    assert "Projected periods 8-12: within 4.1% of the actual counts" in _title(fig)
    _assert_labelled(ax)
    _assert_readable(fig)
    with pytest.raises(TypeError, match="project_retention"):
        plot_retention(projection.table)
