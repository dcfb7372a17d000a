"""Tests for research.clv.plotting: holdout check, CLV distribution, parameter intervals."""

import matplotlib

matplotlib.use("Agg")

import dataclasses
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from research.clv import (
    HoldoutCheck,
    ModelFit,
    ValueConcentration,
    customer_lifetime_value,
    fit_bgnbd,
    fit_gamma_gamma,
    holdout_check,
    value_concentration,
)
from research.clv.plotting import (
    plot_clv_distribution,
    plot_holdout_check,
    plot_parameter_intervals,
)
from tests._charts import (
    _assert_labelled,
    _assert_readable,
    _assert_unchanged,
    _by_gid,
    _deep_copy,
    _texts,
    _title,
)
from tests.segmentation._helpers import summarise

# --------------------------------------------------------------------------------------------
# 6-8. lifetime value: plot_holdout_check, plot_clv_distribution, plot_parameter_intervals
# --------------------------------------------------------------------------------------------

#: Fader, Hardie & Lee (2005), CDNOW sample, 39-week calibration period.
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def _holdout(ci: float = 0.95) -> HoldoutCheck:
    """Four calibration-frequency groups (one of a single customer, without interval), and
    the figures over all 75 customers."""
    table = pd.DataFrame(
        {
            "customers": [50, 20, 1, 4],
            "actual": [0.2, 0.9, 3.0, 5.0],
            "actual_low": [0.1, 0.5, np.nan, 3.0],
            "actual_high": [0.3, 1.3, np.nan, 7.0],
            "expected": [0.25, 0.8, 2.1, 4.5],
            "difference": [0.05, -0.1, -0.9, -0.5],
        },
        index=pd.Index(["0", "1", "2", "3+"], name="calibration_frequency"),
    )
    return HoldoutCheck(table, ci, 75, 39.0, 0.68, 0.4, 0.96, 0.6)


def _clv_frame() -> pd.DataFrame:
    """Ten customers: two with CLV 0 and one negative (a refund-heavy customer)."""
    return pd.DataFrame(
        {
            "p_alive": np.linspace(0.1, 1.0, 10),
            "clv": [0.0, -1.0, 0.0, 5.0, 8.0, 12.0, 30.0, 200.0, 1000.0, 3.0],
        },
        index=pd.Index([f"c{i}" for i in range(10)], name="customer_id"),
    )


def _clv() -> ValueConcentration:
    return value_concentration(_clv_frame())


def _fit() -> ModelFit:
    return ModelFit(
        model="BG/NBD",
        params=pd.Series({"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}),
        bse=pd.Series({"r": 0.01, "alpha": 0.4, "a": 0.2, "b": 0.7}),
        loglik=-9_600.0,
        n_obs=2_357,
        penalizer=0.0,
        converged=True,
    )


def _by_gid_artist(fig: Figure, gid: str):
    found = [a for a in fig.findobj() if a.get_gid() == gid]
    assert len(found) == 1, f"expected one artist with gid {gid!r}, found {len(found)}"
    return found[0]


def _fit_unchanged(fit: ModelFit, before: ModelFit) -> None:
    pd.testing.assert_series_equal(fit.params, before.params)
    pd.testing.assert_series_equal(fit.bse, before.bse)


CLV_CHARTS = [
    ("holdout", plot_holdout_check, _holdout),
    ("clv", plot_clv_distribution, _clv),
    ("parameters", plot_parameter_intervals, _fit),
]


@pytest.mark.parametrize(("name", "plot", "make"), CLV_CHARTS, ids=[c[0] for c in CLV_CHARTS])
def test_clv_chart_closed_titled_labelled_input_unchanged(name, plot, make, monkeypatch):
    def no_show(*args, **kwargs):
        raise AssertionError("plt.show() must not be called")

    monkeypatch.setattr(plt, "show", no_show)
    data = make()
    before = _deep_copy(data)
    fig = plot(data)
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == []
    assert _title(fig).strip()
    for ax in fig.axes:
        _assert_labelled(ax)
    if isinstance(data, ModelFit):
        _fit_unchanged(data, _fit())
    else:
        _assert_unchanged(data, before)
    _assert_readable(fig)
    assert plot(make(), title="My title").get_suptitle() == "My title"


@pytest.mark.parametrize(("name", "plot", "make"), CLV_CHARTS, ids=[c[0] for c in CLV_CHARTS])
def test_clv_chart_draws_on_a_given_axes(name, plot, make):
    fig = Figure(figsize=(12, 5))
    ax_left, ax_right = fig.subplots(1, 2)
    assert plot(make(), ax=ax_right, title="Right panel") is fig
    assert ax_right.has_data()
    assert not ax_left.has_data()
    assert ax_right.get_title("left") == "Right panel"
    assert not fig.get_suptitle()
    _assert_labelled(ax_right)


@pytest.mark.parametrize(
    ("plot", "make", "result"),
    [
        (plot_holdout_check, lambda: _holdout().to_frame(), "HoldoutCheck"),
        (plot_clv_distribution, _clv_frame, "ValueConcentration"),
        (plot_parameter_intervals, lambda: _fit().to_frame(), "ModelFit"),
    ],
)
def test_clv_charts_draw_results_not_frames(plot, make, result):
    """A chart draws what an analysis computed: given a table, it says which result it takes."""
    with pytest.raises(TypeError, match=rf"must be a {result} \(the result of research\.clv"):
        plot(make())


def test_holdout_check_one_point_per_group_and_all_row_in_the_corner():
    check = _holdout()
    fig = plot_holdout_check(check)
    ax = fig.axes[0]
    groups = check.table
    n = len(groups)
    actual = _by_gid_artist(fig, "actual")
    np.testing.assert_allclose(actual.get_ydata(), groups["actual"])
    assert len(actual.get_xdata()) == n
    (bars,) = ax.containers[0].lines[2]  # the error bars of the actual means
    segments = bars.get_segments()
    assert len(segments) == n
    lows = [seg[:, 1].min() for seg in segments]
    highs = [seg[:, 1].max() for seg in segments]
    np.testing.assert_allclose(lows, groups["actual_low"].fillna(groups["actual"]))
    np.testing.assert_allclose(highs, groups["actual_high"].fillna(groups["actual"]))
    expected = _by_gid_artist(fig, "expected")
    np.testing.assert_allclose(expected.get_ydata(), groups["expected"])
    ticks = [t.get_text().split("\n") for t in ax.get_xticklabels()]
    assert [t[0] for t in ticks] == ["0", "1", "2", "3+"]  # "all" is not a group
    assert [t[1] for t in ticks] == ["(50)", "(20)", "(1)", "(4)"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "actual (95% CI)",
        "BG/NBD expected",
    ]
    corner = _by_gid(fig, "holdout-all").get_text()
    assert "All 75 customers" in corner
    assert "actual 0.68 (95% CI 0.40–0.96)" in corner
    assert "expected 0.60 (12% below actual)" in corner  # (0.60 - 0.68) / 0.68 = -11.8%
    assert "12% fewer purchases" in _title(fig)


def test_holdout_check_chart_says_the_level_of_its_intervals():
    fig = _holdout(ci=0.9).plot()
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[0] == "actual (90% CI)"
    corner = _by_gid(fig, "holdout-all").get_text()
    assert "actual 0.68 (90% CI 0.40–0.96)" in corner and "95%" not in corner
    no_interval = dataclasses.replace(_holdout(), actual_low=np.nan, actual_high=np.nan)
    assert (
        "actual 0.68 (95% CI not available)"
        in _by_gid(no_interval.plot(), "holdout-all").get_text()
    )


def test_clv_distribution_reports_non_positive_values_and_keeps_the_rest():
    clv = _clv_frame()
    fig = plot_clv_distribution(value_concentration(clv))
    hist_ax = fig.axes[0]
    assert hist_ax.get_xscale() == "log"
    heights = [p.get_height() for p in hist_ax.patches]
    assert sum(heights) == 7  # the 7 positive values; 3 are not on the log axis...
    corner = _by_gid(fig, "clv-annotation").get_text()
    assert "3 (30%) with CLV ≤ 0" in corner  # ... and are reported, not dropped silently
    assert "10 customers" in corner
    assert "total US$1,257" in corner
    median = _by_gid_artist(fig, "median")
    mean = _by_gid_artist(fig, "mean")
    assert median.get_xdata()[0] == pytest.approx(np.median(clv["clv"]))  # (5 + 8) / 2
    assert mean.get_xdata()[0] == pytest.approx(clv["clv"].mean())  # 125.7
    texts = _texts(fig)
    assert "median\nUS$6.50" in texts
    assert "mean\nUS$126" in texts
    assert "US$" in hist_ax.get_xlabel()
    assert not _by_gid(fig, "clv-annotation").get_parse_math()  # "$" is not mathtext


def test_clv_distribution_concentration_matches_a_hand_computation():
    fig = plot_clv_distribution(_clv())
    # sorted: 1000, 200, 30, ...; total 1,257. Top 10% of 10 customers = the best 1 customer:
    # 1000 / 1257 = 79.6%; top 20% = the best 2: 1200 / 1257 = 95.5%.
    assert _by_gid(fig, "top-10").get_text() == "top 10% of customers: 80%"
    assert _by_gid(fig, "top-20").get_text() == "top 20% of customers: 95%"
    curve = _by_gid_artist(fig, "concentration")
    np.testing.assert_allclose(curve.get_ydata()[[0, 1, 2, -1]], [0, 1000 / 1257, 1200 / 1257, 1])
    assert fig.axes[1].get_xlabel().startswith("share of customers")
    assert fig.axes[1].get_ylabel() == "share of total CLV"
    assert "hold 80% of the total" in _title(fig)


def test_clv_distribution_top_count_is_not_fooled_by_rounding():
    # 0.1 * 30 = 3.0000000000000004: the top 10% of 30 customers are 3, not 4
    values = pd.Series(np.arange(30, 0, -1, dtype=float))
    fig = value_concentration(values).plot(currency="€")
    assert _by_gid(fig, "top-10").get_text() == f"top 10% of customers: {87 / 465:.0%}"
    assert "€" in fig.axes[0].get_xlabel()


def test_clv_distribution_series_single_axes_and_pair():
    fig = Figure()
    ax = fig.subplots()
    plot_clv_distribution(_clv(), ax=ax)
    corner = _by_gid(fig, "clv-annotation").get_text()
    assert "top 10% hold 80% of the CLV" in corner  # no panel for the curve: in the text
    assert "top 20% hold 95% of the CLV" in corner
    fig = Figure(figsize=(12, 5))
    left, right = fig.subplots(1, 2)
    plot_clv_distribution(_clv(), ax=(left, right))
    assert _by_gid_artist(fig, "concentration").axes is right
    with pytest.raises(TypeError, match="pair of Axes"):
        plot_clv_distribution(_clv(), ax=[left])


def test_clv_distribution_bad_values():
    with pytest.raises(ValueError, match="positive"):
        value_concentration(_clv_frame().assign(clv=0.0))
    with pytest.raises(ValueError, match="missing or infinite"):
        value_concentration(_clv_frame().assign(clv=np.nan))


def test_parameter_intervals_one_row_per_parameter_with_its_interval():
    fit = _fit()
    fig = plot_parameter_intervals(fit)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert [label.split(" ")[0] for label in labels] == ["r", "α", "a", "b"]
    estimate = _by_gid_artist(fig, "estimate")
    np.testing.assert_allclose(estimate.get_xdata(), fit.params)
    (bars,) = ax.containers[0].lines[2]
    segments = bars.get_segments()
    assert len(segments) == len(fit.params)
    ci = fit.conf_int()
    np.testing.assert_allclose([s[:, 0].min() for s in segments], ci["low"])
    np.testing.assert_allclose([s[:, 0].max() for s in segments], ci["high"])
    assert not [line for line in ax.lines if line.get_gid() == "published"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["estimate (95% CI)"]
    assert "2,357 customers" in _title(fig)


def test_parameter_intervals_reference_drawn_as_published():
    ref = pd.Series({"r": 0.243, "b": 9.0})  # r inside its interval, b outside
    fig = plot_parameter_intervals(_fit(), reference=ref)
    ax = fig.axes[0]
    published = _by_gid_artist(fig, "published")
    np.testing.assert_allclose(published.get_xdata(), [0.243, 9.0])
    np.testing.assert_allclose(published.get_ydata(), [0, 3])  # rows of r and b
    assert published.get_marker() != _by_gid_artist(fig, "estimate").get_marker()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "estimate (95% CI)",
        "published",
    ]
    assert "1 of 2 published values lie inside" in _title(fig)
    # a dict works too
    fig = plot_parameter_intervals(_fit(), reference={"alpha": 4.4})
    assert "1 of 1 published value lies inside" in _title(fig)


def test_parameter_intervals_at_another_level_say_so():
    fit = _fit()
    fig = plot_parameter_intervals(fit, ci=0.8)
    ax = fig.axes[0]
    (bars,) = ax.containers[0].lines[2]
    segments = bars.get_segments()
    narrow = fit.conf_int(ci=0.8)
    np.testing.assert_allclose([s[:, 0].min() for s in segments], narrow["low"])
    np.testing.assert_allclose([s[:, 0].max() for s in segments], narrow["high"])
    assert (narrow["high"] - narrow["low"] < fit.conf_int()["high"] - fit.conf_int()["low"]).all()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["estimate (80% CI)"]
    assert "with 80% intervals" in _title(fig) and "95%" not in _title(fig)
    for ci in (0, 1, 95):
        with pytest.raises(ValueError, match="ci must be between 0 and 1"):
            plot_parameter_intervals(fit, ci=ci)


def test_parameter_intervals_bad_input():
    with pytest.raises(ValueError, match="'gamma'"):
        plot_parameter_intervals(_fit(), reference={"gamma": 1.0})
    with pytest.raises(TypeError, match="fit_bgnbd"):
        plot_parameter_intervals(pd.Series({"r": 1.0}))


def test_parameter_intervals_linear_axis_for_non_positive_values():
    fit = _fit()
    params = fit.params.copy()
    params["r"] = 0.0  # not plottable on a log axis
    fig = plot_parameter_intervals(dataclasses.replace(fit, params=params))
    assert fig.axes[0].get_xscale() == "linear"
    assert "linear scale" in fig.axes[0].get_xlabel()


@pytest.fixture(scope="module")
def cdnow_clv():
    """CDNOW sample, calibration to 1997-09-30 in weeks, and its BG/NBD fit."""
    if not os.environ.get("RESEARCH_DATA_HOME"):
        pytest.skip("RESEARCH_DATA_HOME is not set: the real CDNOW data is not available")
    from research.data import load_cdnow

    tx = load_cdnow("sample")
    s = summarise(tx, observation_end="1997-09-30", time_scale=7)[0]
    fit = fit_bgnbd(s)
    return tx, s, fit


def test_holdout_check_real_data(cdnow_clv):
    tx, s, fit = cdnow_clv
    after = tx[tx["date"] > "1997-09-30"]
    holdout = after.groupby("customer_id")["date"].nunique()
    weeks = (after["date"].max() - pd.Timestamp("1997-09-30")).days / 7
    check = holdout_check(fit, s, holdout, weeks)
    before = _deep_copy(check)
    fig = plot_holdout_check(check)
    _assert_unchanged(check, before)
    ax = fig.axes[0]
    n_groups = len(check.table)
    assert len(_by_gid_artist(fig, "actual").get_xdata()) == n_groups
    assert len(ax.containers[0].lines[2][0].get_segments()) == n_groups
    assert [t.get_text().split("\n")[0] for t in ax.get_xticklabels()] == list(check.table.index)
    assert f"All {len(s):,} customers" in _by_gid(fig, "holdout-all").get_text()
    _assert_readable(fig)


def test_clv_distribution_real_data(cdnow_clv):
    _, s, fit = cdnow_clv
    clv = customer_lifetime_value(fit, fit_gamma_gamma(s), s, unit_days=7)
    before = clv.copy(deep=True)
    fig = plot_clv_distribution(value_concentration(clv))
    pd.testing.assert_frame_equal(clv, before)
    values = np.sort(clv["clv"].to_numpy())[::-1]
    positive = int((values > 0).sum())
    assert sum(p.get_height() for p in fig.axes[0].patches) == positive  # none dropped
    if positive < len(values):
        assert f"{len(values) - positive:,} (" in _by_gid(fig, "clv-annotation").get_text()
    for share in (10, 20):
        k = int(np.ceil(len(values) * share / 100))
        held = values[:k].sum() / values.sum()
        assert _by_gid(fig, f"top-{share}").get_text().endswith(f": {100 * held:.0f}%")
    _assert_readable(fig)


def test_parameter_intervals_real_data(cdnow_clv):
    _, _, fit = cdnow_clv
    fig = plot_parameter_intervals(fit, reference=PUBLISHED_BGNBD)
    ax = fig.axes[0]
    assert len(ax.get_yticklabels()) == 4
    np.testing.assert_allclose(
        _by_gid_artist(fig, "published").get_xdata(), list(PUBLISHED_BGNBD.values())
    )
    # the published estimates are reproduced: each lies inside its 95% interval
    assert "4 of 4 published values lie inside" in _title(fig)
    _assert_readable(fig)
