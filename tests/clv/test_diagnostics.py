"""simulate_customers, period_transactions and frequency_recency_matrix: planted parameters
recovered from the package's own simulations, the matrices against the predictions, CDNOW and
donations, bad input, the charts."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from research.clv import (
    FrequencyRecencyMatrix,
    ModelFit,
    PeriodTransactions,
    expected_purchases,
    fit_bgbb,
    fit_bgnbd,
    fit_mbgnbd,
    fit_pareto_nbd,
    fit_sbg,
    frequency_recency_matrix,
    period_transactions,
    probability_alive,
    simulate_customers,
)
from research.clv.plotting import plot_frequency_recency, plot_period_transactions
from research.data import load_donations
from tests._charts import _assert_labelled, _assert_readable, _title
from tests.clv.test_models import HIGH_END


def _known(model: str, values: dict[str, float]) -> ModelFit:
    params = pd.Series(values)
    return ModelFit(model, params, params * 0.1, 0.0, 1, 0.0, True)


@pytest.mark.parametrize(
    ("model", "fit", "planted", "T"),
    [
        ("BG/NBD", fit_bgnbd, {"r": 0.8, "alpha": 5.0, "a": 0.6, "b": 2.0}, 52.0),
        ("MBG/NBD", fit_mbgnbd, {"r": 0.8, "alpha": 5.0, "a": 0.6, "b": 2.0}, 52.0),
        ("Pareto/NBD", fit_pareto_nbd, {"r": 0.8, "alpha": 5.0, "s": 0.7, "beta": 12.0}, 52.0),
        ("BG/BB", fit_bgbb, {"alpha": 1.5, "beta": 2.0, "gamma": 0.8, "delta": 3.0}, 8.0),
    ],
)
def test_simulated_customers_give_back_the_planted_parameters(model, fit, planted, T) -> None:
    ages = np.full(5_000, T)
    if model != "BG/BB":
        ages = ages - np.random.default_rng(1).uniform(0, T / 2, len(ages))
    data = simulate_customers(_known(model, planted), ages, seed=7)
    assert list(data.columns) == ["frequency", "recency", "T"]
    assert (data["recency"] <= data["T"]).all() and (
        (data["frequency"] > 0) | (data["recency"] == 0)
    ).all()
    ci = fit(data).conf_int(ci=0.99)
    for name, value in planted.items():
        assert ci.loc[name, "low"] < value < ci.loc[name, "high"], (model, name)


def test_period_transactions_on_cdnow_and_donations(cdnow_calibration: pd.DataFrame) -> None:
    cal = cdnow_calibration
    result = period_transactions(fit_bgnbd(cal), cal)
    assert isinstance(result, PeriodTransactions)
    table = result.table
    assert list(table.index) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["actual"].sum() == 2_357 == pytest.approx(table["expected"].sum())
    assert table.loc["0", "actual"] == (cal["frequency"] == 0).sum() == 1_411
    # BG/NBD describes CDNOW's calibration counts well (FHL 2005, figure 2)
    assert result.chi_square < 20
    assert (np.abs(table["expected_share"] - table["actual_share"]) < 0.015).all()
    same = period_transactions(fit_bgnbd(cal), cal)
    pd.testing.assert_frame_equal(same.table, table)  # seeded
    donations = load_donations()
    donors = donations.loc[donations.index.repeat(donations["weights"])].drop(columns="weights")
    bgbb = period_transactions(fit_bgbb(donations, weights_col="weights"), donors)
    assert list(bgbb.table.index) == ["0", "1", "2", "3", "4", "5", "6"]  # six years at most
    assert (np.abs(bgbb.table["expected_share"] - bgbb.table["actual_share"]) < 0.01).all()


def test_frequency_recency_matrix_is_the_predictions(cdnow_calibration: pd.DataFrame) -> None:
    fit = fit_bgnbd(cdnow_calibration)
    matrix = frequency_recency_matrix(fit, 39, t=4, n_recency=14)
    assert isinstance(matrix, FrequencyRecencyMatrix)
    assert matrix.p_alive.shape == (11, 14)  # frequencies 0..10 by default on CDNOW
    assert np.isnan(matrix.p_alive.loc[0].iloc[1:]).all() and matrix.p_alive.loc[0].iloc[0] == 1
    customers = pd.DataFrame({"frequency": [3, 7], "recency": [matrix.p_alive.columns[5]] * 2})
    customers["T"] = 39.0
    want = probability_alive(fit, customers).to_numpy()
    np.testing.assert_allclose(matrix.p_alive.loc[[3, 7]].iloc[:, 5], want)
    np.testing.assert_allclose(
        matrix.expected.loc[[3, 7]].iloc[:, 5], expected_purchases(fit, customers, 4)
    )
    # P(alive) rises with recency at every frequency
    rows = matrix.p_alive.loc[1:]
    assert (np.diff(rows.to_numpy(), axis=1) > 0).all()
    bgbb = frequency_recency_matrix(fit_bgbb(load_donations(), weights_col="weights"), 6)
    assert bgbb.p_alive.shape == (7, 7)
    assert np.isnan(bgbb.p_alive.loc[3, 2.0]) and not np.isnan(bgbb.p_alive.loc[2, 3.0])


def test_bad_input_is_named(cdnow_calibration: pd.DataFrame) -> None:
    fit = fit_bgnbd(cdnow_calibration)
    with pytest.raises(TypeError, match="expected a purchase model's fit"):
        simulate_customers(fit_sbg(HIGH_END), [10.0])
    with pytest.raises(ValueError, match="T must be finite ages"):
        simulate_customers(fit, [10.0, -1.0])
    bgbb = _known("BG/BB", {"alpha": 1.0, "beta": 1.0, "gamma": 1.0, "delta": 3.0})
    with pytest.raises(ValueError, match="whole numbers of periods"):
        simulate_customers(bgbb, [2.5])
    with pytest.raises(ValueError, match="max_frequency"):
        period_transactions(fit, cdnow_calibration, max_frequency=0)
    with pytest.raises(ValueError, match="T must be a positive age"):
        frequency_recency_matrix(fit, 0)
    with pytest.raises(ValueError, match="whole number of periods for BG/BB"):
        frequency_recency_matrix(bgbb, 5.5)
    matrix = frequency_recency_matrix(fit, 39)
    with pytest.raises(ValueError, match="kind must be one of"):
        matrix.plot(kind="value")


def test_charts(cdnow_calibration: pd.DataFrame) -> None:
    fit = fit_bgnbd(cdnow_calibration)
    result = period_transactions(fit, cdnow_calibration)
    fig = plot_period_transactions(result)
    ax = fig.axes[0]
    heights = [p.get_height() for p in ax.patches if p.get_gid() == "actual"]
    assert heights == list(result.table["actual"])
    assert "Largest gap at" in _title(fig)
    _assert_labelled(ax)
    _assert_readable(fig)
    matrix = frequency_recency_matrix(fit, 39)
    for kind in ("p_alive", "expected"):
        fig = plot_frequency_recency(matrix, kind=kind)
        image = next(im for im in fig.axes[0].images if im.get_gid() == "matrix")
        table = matrix.p_alive if kind == "p_alive" else matrix.expected
        np.testing.assert_allclose(np.ma.filled(image.get_array(), np.nan), table, equal_nan=True)
        _assert_labelled(fig.axes[0])
        _assert_readable(fig)
    with pytest.raises(TypeError, match="period_transactions"):
        plot_period_transactions(result.table)
