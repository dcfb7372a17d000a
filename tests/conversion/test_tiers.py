"""tier_outcomes: how the leads of each A-D tier converted, with Wilson intervals and lift."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from research.conversion import LeadScorer, lead_tiers, tier_outcomes


def test_tier_outcomes_hand_checked() -> None:
    tiers = lead_tiers([0.9, 0.8, 0.7, 0.4, 0.3, 0.2], cutoffs=(0.75, 0.35), labels="ABC")
    assert list(tiers) == ["A", "A", "B", "B", "C", "C"]
    out = tier_outcomes(tiers, [1, 1, 0, 1, 0, 0], ci=0.9)
    assert out.index.tolist() == ["A", "B", "C"] and out.index.name == "tier"
    assert out["leads"].tolist() == [2, 2, 2]
    assert out["conversions"].tolist() == [2, 1, 0]
    np.testing.assert_allclose(out["rate"], [1.0, 0.5, 0.0])
    low, high = proportion_confint([2, 1, 0], [2, 2, 2], alpha=0.1, method="wilson")
    np.testing.assert_allclose(out["low"], low)
    np.testing.assert_allclose(out["high"], high)
    np.testing.assert_allclose(out["share_of_conversions"], [2 / 3, 1 / 3, 0])
    np.testing.assert_allclose(out["lift"], [2.0, 1.0, 0.0])  # overall rate 0.5


def test_tier_outcomes_keeps_empty_tiers_and_plain_labels() -> None:
    tiers = pd.Categorical(["A", "A", "C"], categories=["C", "B", "A"], ordered=True)
    out = tier_outcomes(tiers, np.array([True, False, False]))
    assert out.index.tolist() == ["A", "B", "C"]
    assert out.loc["B", "leads"] == 0 and np.isnan(out.loc["B", "rate"])
    plain = tier_outcomes(["silver", "gold", "gold"], [0, 1, 0])
    assert plain.index.tolist() == ["gold", "silver"]  # plain labels: sorted
    assert plain["conversions"].tolist() == [1, 0]
    numbered = tier_outcomes([1, 2, 10, 2], [0, 0, 0, 0])  # no conversion yet: not an error
    assert numbered.index.tolist() == [1, 2, 10]  # numbers sorted as numbers
    assert numbered["rate"].tolist() == [0.0, 0.0, 0.0] and numbered["lift"].isna().all()


@pytest.mark.filterwarnings("ignore:left out of the model", "ignore:levels not seen")
def test_tier_outcomes_on_bank_calls(mirror: Path) -> None:
    from research.data import load_bank_marketing

    calls = load_bank_marketing("sample")
    X, y = calls.drop(columns="y"), calls["y"]
    cut = int(len(calls) * 0.7)
    model = LeadScorer("logistic", post_outcome=["duration"]).fit(X.iloc[:cut], y.iloc[:cut])
    later = y.iloc[cut:]
    tiers = lead_tiers(model.predict_proba(X.iloc[cut:])[:, 1])
    out = tier_outcomes(tiers, later)
    assert out["leads"].sum() == len(later) and out["conversions"].sum() == int(later.sum())
    np.testing.assert_allclose(out["share_of_leads"], [0.1, 0.2, 0.3, 0.4], atol=0.01)
    assert (out["low"] <= out["rate"]).all() and (out["rate"] <= out["high"]).all()
    # a model better than chance: tier A converts more than tier D, well above average
    assert out.loc["A", "rate"] > out.loc["D", "rate"] and out.loc["A", "lift"] > 1.5


def test_tier_outcomes_bad_input() -> None:
    with pytest.raises(ValueError, match="3 values but tiers has 2 rows"):
        tier_outcomes(["A", "B"], [1, 0, 1])
    with pytest.raises(ValueError, match="missing"):
        tier_outcomes(["A", None], [1, 0])
    with pytest.raises(ValueError, match="missing"):
        tier_outcomes(["A", "B"], [1, np.nan])
    with pytest.raises(ValueError, match="binary"):
        tier_outcomes(["A", "B"], ["won", "lost"])
    with pytest.raises(ValueError, match="ci must be between 0 and 1"):
        tier_outcomes(["A", "B"], [1, 0], ci=95)
