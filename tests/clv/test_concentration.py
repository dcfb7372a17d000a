"""value_concentration: the share of the value the best customers hold, as the CLV chart and
notebook 01b report it."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import pytest

from research._format import _pct
from research.clv import (
    TOP_SHARES,
    ValueConcentration,
    customer_lifetime_value,
    fit_bgnbd,
    fit_gamma_gamma,
    value_concentration,
)
from research.clv.plotting import plot_clv_distribution
from tests._charts import _by_gid


def test_value_concentration_hand_checked() -> None:
    values = pd.Series([5.0, 50.0, 10.0, 30.0, 5.0])
    conc = value_concentration(values, shares=(0.2, 0.4))
    assert isinstance(conc, ValueConcentration)
    assert conc.n_customers == 5 and conc.total == 100.0
    assert conc.median == 10.0 and conc.mean == 20.0 and conc.n_nonpositive == 0
    np.testing.assert_array_equal(conc.values, [50.0, 30.0, 10.0, 5.0, 5.0])
    np.testing.assert_allclose(conc.curve, [0, 0.5, 0.8, 0.9, 0.95, 1.0])
    top = conc.to_frame()
    assert top["customers"].tolist() == [1, 2]
    np.testing.assert_allclose(top["value"], [50.0, 80.0])
    np.testing.assert_allclose(top["value_share"], [0.5, 0.8])
    assert conc.share_held(0.6) == pytest.approx(0.9)  # ceil(0.6 * 5) = 3 customers
    assert conc.share_held(1.0) == pytest.approx(1.0)


def test_value_concentration_values_cannot_change_the_result() -> None:
    values = np.array([5.0, 50.0, 10.0, 30.0, 5.0])
    conc = value_concentration(pd.Series(values))
    with pytest.raises(ValueError, match="read-only"):
        conc.values[0] = 0.0
    # the result holds its own copy: neither the caller's array nor one passed in directly
    # can change it later
    given = np.array([3.0, 1.0, 2.0])
    direct = ValueConcentration("clv", given, 6.0, 2.0, 2.0, 0, pd.DataFrame())
    given[0] = 100.0
    assert direct.values.tolist() == [3.0, 1.0, 2.0] and not direct.values.flags.writeable
    assert conc.share_held(0.2) == 0.5 and values[1] == 50.0


def test_value_concentration_counts_ceil_of_the_share_not_fooled_by_rounding() -> None:
    conc = value_concentration(pd.Series(np.arange(30, 0, -1, dtype=float)))
    assert [float(s) for s in conc.top["share"]] == list(TOP_SHARES)
    assert conc.top["customers"].tolist() == [3, 6]  # 0.1 * 30 is 3.0000000000000004
    assert value_concentration(pd.Series([1.0] * 11)).top["customers"].tolist() == [2, 3]


def test_value_concentration_keeps_non_positive_values() -> None:
    frame = pd.DataFrame({"value": [100.0, 0.0, -20.0, 20.0]}, index=list("abcd"))
    conc = value_concentration(frame, value_col="value", shares=[0.25])
    assert conc.n_nonpositive == 2 and conc.total == 100.0
    assert conc.share_held(0.25) == pytest.approx(1.0)  # the best customer holds it all
    assert conc.median == 10.0


def test_value_concentration_chart_writes_the_result() -> None:
    rng = np.random.default_rng(3)
    conc = value_concentration(pd.Series(rng.lognormal(3, 1.2, 400)))
    fig = plot_clv_distribution(conc)
    for share in TOP_SHARES:
        text = _by_gid(fig, f"top-{round(100 * share)}").get_text()
        assert text.endswith(_pct(conc.share_held(share)))
    assert _pct(conc.share_held(0.1)) in fig.get_suptitle()
    # the result draws itself the same way
    again = conc.plot()
    assert _by_gid(again, "top-10").get_text() == _by_gid(fig, "top-10").get_text()


def test_value_concentration_cdnow(cdnow_calibration: pd.DataFrame) -> None:
    summary = cdnow_calibration
    clv = customer_lifetime_value(
        fit_bgnbd(summary), fit_gamma_gamma(summary), summary, unit_days=7, horizon_months=12
    )
    conc = value_concentration(clv)
    assert conc.n_customers == len(clv) == 2_357
    by_hand = clv["clv"].sort_values(ascending=False)
    k = int(np.ceil(0.1 * len(by_hand)))
    assert conc.share_held(0.1) == pytest.approx(by_hand.iloc[:k].sum() / by_hand.sum())
    # value is concentrated: the top 10% hold more than 10%, the top 20% more than the top 10%
    shares = conc.top["value_share"].to_numpy()
    assert 0.1 < shares[0] < shares[1] < 1
    assert np.all(np.diff(conc.curve) >= 0) and conc.curve[-1] == pytest.approx(1.0)


def test_value_concentration_html_is_escaped() -> None:
    conc = value_concentration(pd.DataFrame({"<b>v</b>": [1.0, 2.0]}), value_col="<b>v</b>")
    out = conc._repr_html_()
    assert html.escape("'<b>v</b>'") in out and "<b>v</b>" not in out
    assert repr(conc).startswith("Concentration of '<b>v</b>' over 2 customers")


def test_value_concentration_bad_input() -> None:
    good = pd.Series([3.0, 2.0, 1.0])
    with pytest.raises(TypeError, match="clv must be a pandas DataFrame"):
        value_concentration([3.0, 2.0])
    with pytest.raises(ValueError, match="'clv'"):
        value_concentration(pd.DataFrame({"value": [1.0]}))
    with pytest.raises(ValueError, match="empty"):
        value_concentration(good.iloc[:0])
    with pytest.raises(ValueError, match="missing or infinite"):
        value_concentration(pd.Series([1.0, np.nan]))
    with pytest.raises(TypeError, match="numeric"):
        value_concentration(pd.Series(["1", "2"]))
    with pytest.raises(ValueError, match="positive total"):
        value_concentration(pd.Series([0.0, -1.0]))
    for shares in ([0.0], [1.5], []):
        with pytest.raises(ValueError, match="shares must be"):
            value_concentration(good, shares=shares)
    with pytest.raises(ValueError, match="share must be"):
        value_concentration(good).share_held(0)
