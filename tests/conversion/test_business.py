"""Business views of scores, checked by hand: score groups (lift), calibration, profit, A-D tiers
and how each tier converted; their results carry the interval level and the counts."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from research.conversion import (
    CalibrationTable,
    LeadScorer,
    LiftTable,
    ProfitCurve,
    TierOutcomes,
    calibration_table,
    lead_tiers,
    lift_table,
    profit_curve,
    tier_outcomes,
)
from tests._stats_helpers import wilson

# -- score groups ---------------------------------------------------------------------------------


def test_lift_table_on_20_leads_by_hand() -> None:
    # 20 leads, scores 0.95 down to 0.0; 5 groups of 4; conversions 3, 2, 1, 0, 0 by group
    scores = np.linspace(0.95, 0.0, 20)
    y = np.zeros(20, dtype=bool)
    y[[0, 1, 3, 4, 6, 9]] = True
    order = np.random.default_rng(1).permutation(20)  # the row order does not matter
    result = lift_table(y[order], scores[order], n_bins=5)
    assert isinstance(result, LiftTable)
    assert (result.n, result.n_converted, result.ci) == (20, 6, 0.95)
    assert result.overall_rate == pytest.approx(0.3)
    t = result.table
    assert t["group"].tolist() == [1, 2, 3, 4, 5]
    assert t["leads"].tolist() == [4, 4, 4, 4, 4]
    assert t["conversions"].tolist() == [3, 2, 1, 0, 0]
    assert t["rate"].tolist() == [0.75, 0.5, 0.25, 0, 0]
    assert (t["low"][0], t["high"][0]) == pytest.approx(wilson(3, 4))
    assert t["lift"].tolist() == pytest.approx([2.5, 5 / 3, 5 / 6, 0, 0])  # overall 6/20
    assert t["cumulative_gain"].tolist() == pytest.approx([0.5, 5 / 6, 1, 1, 1])
    assert t["cum_lift"][1] == pytest.approx((5 / 6) / 0.4)
    assert t["score_max"][0] == pytest.approx(0.95)
    assert list(t.columns) == [
        "group",
        "leads",
        "conversions",
        "rate",
        "low",
        "high",
        "lift",
        "score_min",
        "score_max",
        "cum_leads",
        "cum_conversions",
        "cum_share_called",
        "cumulative_gain",
        "cum_lift",
    ]


def test_lift_table_at_90_percent() -> None:
    y, s = [1, 1, 0, 1, 0, 0, 0, 0, 0, 0], np.linspace(0.9, 0.0, 10)
    result = lift_table(y, s, n_bins=2, ci=0.9)
    low, high = proportion_confint(3, 5, alpha=0.1, method="wilson")
    assert result.ci == 0.9
    assert (result.table["low"][0], result.table["high"][0]) == pytest.approx((low, high))
    assert "90% Wilson intervals" in result._caption()
    assert "10 leads, 3 converted" in result._caption()


# -- calibration ----------------------------------------------------------------------------------


def test_calibration_table_by_hand() -> None:
    s = [0.1, 0.1, 0.2, 0.2, 0.8, 0.9]
    y = [0, 0, 0, 1, 1, 1]
    result = calibration_table(y, s, n_bins=2)  # equal scores split by row order
    assert isinstance(result, CalibrationTable)
    assert (result.n, result.n_converted, result.strategy) == (6, 3, "quantile")
    t = result.table
    assert t["leads"].tolist() == [3, 3]
    assert t["predicted"].tolist() == pytest.approx([0.4 / 3, 1.9 / 3])
    assert t["observed"].tolist() == pytest.approx([0, 1])  # first bin: 0.1, 0.1, 0.2 (no)
    assert (t["low"][1], t["high"][1]) == pytest.approx(wilson(3, 3))
    # bin 1: 0.133 inside Wilson(0, 3) = [0, 0.56]; bin 2: 0.633 inside Wilson(3, 3) = [0.44, 1]
    assert result.n_covered == 2
    u = calibration_table(y, s, n_bins=10, strategy="uniform")
    assert u.table["bin"].tolist() == [2, 3, 9, 10]  # empty bins left out
    assert u.strategy == "uniform"


def test_calibration_counts_the_bins_that_hold_the_prediction() -> None:
    # every lead scored 0.9, none converted: the 95% interval of 0 of 10 stops at 0.28
    result = calibration_table([0] * 10 + [1], [0.9] * 10 + [0.1], n_bins=2, ci=0.8)
    assert result.n_covered == 0
    assert "in 0 bins" in result._caption() and "80% Wilson" in result._caption()


# -- profit ---------------------------------------------------------------------------------------


def test_profit_curve_toy_case() -> None:
    # calling top k: profits 7, 14, 11, 18, 15 (value 10, cost 3): best is the top 4
    pc = profit_curve(
        [1, 1, 0, 1, 0],
        [0.9, 0.8, 0.7, 0.6, 0.5],
        value_per_conversion=10,
        cost_per_contact=3,
        n_boot=50,
        random_state=1,
    )
    assert isinstance(pc, ProfitCurve)
    assert (pc.n, pc.n_converted, pc.n_boot, pc.ci) == (5, 3, 50, 0.95)
    assert pc.table["profit"].tolist() == [0, 7, 14, 11, 18, 15]
    # expected: 10 x (0.9 + 0.8) - 3 x 2 for the top two
    assert pc.table["expected_profit"][2] == pytest.approx(11.0)
    assert pc.best["threshold"] == 0.6
    assert pc.best["profit"] == 18
    assert pc.best["share_called"] == 0.8 and pc.best["share_reached"] == 1.0
    assert pc.breakeven == pytest.approx(0.3)
    assert pc.best["profit_low"] <= 18 <= pc.best["profit_high"]
    # on a resample the best can be to call nobody: threshold 1 (above every score)
    assert 0.5 <= pc.best["threshold_low"] <= pc.best["threshold_high"] <= 1.0
    # a call costing more than a conversion is worth: call nobody
    none = profit_curve([1, 0], [0.9, 0.1], value_per_conversion=1, cost_per_contact=2, n_boot=0)
    assert none.best["leads_called"] == 0 and none.best["profit"] == 0
    assert "profit_low" not in none.best and "resamples" not in none._caption()


def test_profit_interval_narrows_with_the_level() -> None:
    y = np.random.default_rng(2).random(300) < 0.3
    s = np.clip(y * 0.3 + np.random.default_rng(3).random(300) * 0.7, 0, 1)
    kw = {"value_per_conversion": 50, "cost_per_contact": 10, "n_boot": 100}
    wide, narrow = profit_curve(y, s, ci=0.95, **kw), profit_curve(y, s, ci=0.5, **kw)
    assert narrow.ci == 0.5
    width = {
        k: r.best["profit_high"] - r.best["profit_low"] for k, r in (("w", wide), ("n", narrow))
    }
    assert width["n"] < width["w"]
    assert "50% bootstrap intervals (100 resamples)" in narrow._caption()


# -- tiers ----------------------------------------------------------------------------------------


def test_lead_tiers() -> None:
    s = np.arange(10) / 10  # 0.0 ... 0.9
    tiers = lead_tiers(s)
    assert list(tiers) == ["D"] * 4 + ["C"] * 3 + ["B"] * 2 + ["A"]
    assert tiers.ordered and tiers.max() == "A"
    assert list(lead_tiers([0.9, 0.1, 0.5, 0.3], cutoffs=(0.8, 0.4, 0.2))) == ["A", "D", "B", "C"]
    with pytest.raises(ValueError, match="adding up to 1"):
        lead_tiers(s, shares=(0.5, 0.2, 0.2, 0.2))
    with pytest.raises(ValueError, match="decreasing"):
        lead_tiers(s, cutoffs=(0.1, 0.5, 0.9))


def test_tier_outcomes_hand_checked() -> None:
    tiers = lead_tiers([0.9, 0.8, 0.7, 0.4, 0.3, 0.2], cutoffs=(0.75, 0.35), labels="ABC")
    assert list(tiers) == ["A", "A", "B", "B", "C", "C"]
    result = tier_outcomes(tiers, [1, 1, 0, 1, 0, 0], ci=0.9)
    assert isinstance(result, TierOutcomes)
    assert (result.ci, result.n, result.n_converted) == (0.9, 6, 3)
    out = result.table
    assert out.index.tolist() == ["A", "B", "C"] and out.index.name == "tier"
    assert out["leads"].tolist() == [2, 2, 2]
    assert out["conversions"].tolist() == [2, 1, 0]
    np.testing.assert_allclose(out["rate"], [1.0, 0.5, 0.0])
    low, high = proportion_confint([2, 1, 0], [2, 2, 2], alpha=0.1, method="wilson")
    np.testing.assert_allclose(out["low"], low)
    np.testing.assert_allclose(out["high"], high)
    np.testing.assert_allclose(out["share_of_conversions"], [2 / 3, 1 / 3, 0])
    np.testing.assert_allclose(out["lift"], [2.0, 1.0, 0.0])  # overall rate 0.5
    assert "6 leads, 3 converted; 90% Wilson intervals" in result._caption()


def test_tier_outcomes_keeps_empty_tiers_and_plain_labels() -> None:
    tiers = pd.Categorical(["A", "A", "C"], categories=["C", "B", "A"], ordered=True)
    out = tier_outcomes(tiers, np.array([True, False, False])).table
    assert out.index.tolist() == ["A", "B", "C"]
    assert out.loc["B", "leads"] == 0 and np.isnan(out.loc["B", "rate"])
    plain = tier_outcomes(["silver", "gold", "gold"], [0, 1, 0]).table
    assert plain.index.tolist() == ["gold", "silver"]  # plain labels: sorted
    assert plain["conversions"].tolist() == [1, 0]
    numbered = tier_outcomes([1, 2, 10, 2], [0, 0, 0, 0]).table  # no conversion yet: not an error
    assert numbered.index.tolist() == [1, 2, 10]  # numbers sorted as numbers
    assert numbered["rate"].tolist() == [0.0, 0.0, 0.0] and numbered["lift"].isna().all()


def test_tier_outcomes_reads_outcomes_as_every_conversion_function() -> None:
    # the one outcome check of research.conversion: words are read as in LeadScorer.fit
    words = tier_outcomes(["A", "B", "B"], ["won", "lost", "Won"]).table
    assert words["conversions"].tolist() == [1, 1]
    yes_no = tier_outcomes(["A", "B"], pd.Series(["yes", "no"], index=[10, 20])).table
    assert yes_no["conversions"].tolist() == [1, 0]  # matched by position, not by index


@pytest.mark.filterwarnings("ignore:left out of the model", "ignore:levels not seen")
def test_tier_outcomes_on_bank_calls(mirror: Path) -> None:
    from research.data import load_bank_marketing

    calls = load_bank_marketing("sample")
    X, y = calls.drop(columns="y"), calls["y"]
    cut = int(len(calls) * 0.7)
    model = LeadScorer("logistic", post_outcome=["duration"]).fit(X.iloc[:cut], y.iloc[:cut])
    later = y.iloc[cut:]
    tiers = lead_tiers(model.predict_proba(X.iloc[cut:])[:, 1])
    result = tier_outcomes(tiers, later)
    out = result.table
    assert result.n == len(later) == out["leads"].sum()
    assert result.n_converted == int(later.sum()) == out["conversions"].sum()
    np.testing.assert_allclose(out["share_of_leads"], [0.1, 0.2, 0.3, 0.4], atol=0.01)
    assert (out["low"] <= out["rate"]).all() and (out["rate"] <= out["high"]).all()
    # a model better than chance: tier A converts more than tier D, well above average
    assert out.loc["A", "rate"] > out.loc["D", "rate"] and out.loc["A", "lift"] > 1.5


# -- the result convention ------------------------------------------------------------------------


def _results(scored) -> list:
    y, s = scored
    return [
        lift_table(y, s),
        calibration_table(y, s),
        profit_curve(y, s, value_per_conversion=10, cost_per_contact=2, n_boot=10),
        tier_outcomes(lead_tiers(s), y),
    ]


def test_results_are_frozen_and_give_copies(scored) -> None:
    for result in _results(scored):
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.ci = 0.5
        frame = result.to_frame()
        pd.testing.assert_frame_equal(frame, result.table)
        frame.iloc[0, 0] = -1  # the caller's copy: the result is not changed
        assert not frame.equals(result.table)
        assert repr(result).startswith(result._caption())
        assert "95%" in result._caption() and "400 leads" in result._caption()


def test_profit_curve_best_is_read_only(scored) -> None:
    """``best`` cannot be changed on the frozen result, and a copy taken from it is the
    caller's; the result still pickles and copies."""
    y, s = scored
    pc = profit_curve(y, s, value_per_conversion=10, cost_per_contact=2, n_boot=10)
    kept = dict(pc.best)
    with pytest.raises(TypeError):
        pc.best["profit"] = 1e9  # type: ignore[index]
    with pytest.raises(TypeError):
        del pc.best["threshold"]  # type: ignore[attr-defined]
    mine = dict(pc.best)
    mine["profit"] = 0.0
    assert dict(pc.best) == kept and "profit_low" in pc.best and len(pc.best) == len(kept)
    for clone in (copy.deepcopy(pc), pickle.loads(pickle.dumps(pc))):
        assert dict(clone.best) == kept
        pd.testing.assert_frame_equal(clone.table, pc.table)
        with pytest.raises(TypeError):
            clone.best["profit"] = 1e9  # type: ignore[index]


def test_results_do_not_share_the_callers_arrays(scored) -> None:
    """Changing the arrays a result was computed from afterwards does not change it."""
    y, s = (np.array(v) for v in scored)
    results = _results((y, s))
    tables = [r.table.copy() for r in results]
    best = dict(results[2].best)
    y[:] = ~y
    s[:] = 0.5
    for result, table in zip(results, tables, strict=True):
        pd.testing.assert_frame_equal(result.table, table)
    assert dict(results[2].best) == best


def test_html_repr_escapes_values_from_the_data() -> None:
    hostile = "<img src=x onerror=alert(1)>"
    result = tier_outcomes([hostile, "B"], [1, 0])
    html = result._repr_html_()
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: lift_table([1, 0], [2.0, -1.0]), ValueError, "probabilities in"),
        (lambda: lift_table([1, 0], [0.9, 0.1], n_bins=3), ValueError, "n_bins=3 is more than"),
        (lambda: lift_table([1, 0], [0.9, 0.1], n_bins=0), ValueError, "n_bins must be an integer"),
        (lambda: lift_table([1, 0], [0.9, 0.1], ci=95), ValueError, "ci must be between 0 and 1"),
        (
            lambda: calibration_table([1, 0], [0.9, 0.1], strategy="width"),
            ValueError,
            "strategy must be one of 'quantile', 'uniform'",
        ),
        (
            lambda: calibration_table([1, 0], [0.9, 0.1], ci=1.0),
            ValueError,
            "ci must be between 0 and 1",
        ),
        (
            lambda: profit_curve([1, 0], [0.9, 0.1], value_per_conversion=0, cost_per_contact=1),
            ValueError,
            "value_per_conversion must be a positive number",
        ),
        (
            lambda: profit_curve([1, 0], [0.9, 0.1], value_per_conversion=5, cost_per_contact=-1),
            ValueError,
            "cost_per_contact must be a finite number >= 0",
        ),
        (
            lambda: profit_curve(
                [1, 0], [0.9, 0.1], value_per_conversion=5, cost_per_contact=1, n_boot=-1
            ),
            ValueError,
            "n_boot must be an integer >= 0",
        ),
        (lambda: tier_outcomes(["A", "B"], [1, 0, 1]), ValueError, "3 values but tiers has 2 rows"),
        (lambda: tier_outcomes(["A", None], [1, 0]), ValueError, "tiers has 1 missing"),
        (lambda: tier_outcomes(["A", "B"], [1, np.nan]), ValueError, "1 missing values"),
        (lambda: tier_outcomes(["A", "B"], ["won", "pending"]), ValueError, "must be binary"),
        (lambda: tier_outcomes(["A", "B"], [1, 0], ci=95), ValueError, "ci must be between"),
    ],
)
def test_bad_input(call, exc, match: str) -> None:
    with pytest.raises(exc, match=match):
        call()
