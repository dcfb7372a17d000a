"""sla_compliance and speed_to_lead_effect: hand-checked counts, the planted effect recovered,
the pooled figures the charts draw, and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research._results import Summary
from research.data.synthetic import make_crm
from research.funnel import SLACompliance, SpeedToLead, sla_compliance, speed_to_lead_effect
from tests._stats_helpers import wilson


@pytest.fixture
def answered() -> pd.DataFrame:
    t = pd.Timestamp("2024-01-01")
    return pd.DataFrame(
        {
            "mql_at": [t, t, t, t, t + pd.Timedelta(days=9, hours=12), pd.NaT],
            "first_response_hours": [2.0, 30.0, np.nan, 24.0, np.nan, np.nan],
            "rep": ["x", "x", "y", "y", "y", "y"],
        }
    )


def test_sla_compliance_hand_checked(answered: pd.DataFrame) -> None:
    end = pd.Timestamp("2024-01-11")
    result = sla_compliance(answered, by="rep", data_end=end)
    assert isinstance(result, SLACompliance)
    table = result.table
    assert table.index.name == "rep"
    assert table.loc["x", ["due", "within_sla", "late", "unanswered"]].tolist() == [2, 1, 1, 0]
    # y: one unanswered breach, one answered at exactly 24 h, one not yet due
    assert table.loc["y", ["due", "within_sla", "unanswered", "not_yet_due"]].tolist() == [
        2,
        1,
        1,
        1,
    ]
    assert (table.loc["y", "low"], table.loc["y", "high"]) == pytest.approx(wilson(1, 2))
    # the overall share, pooled over the reps by the analysis (what the chart's line shows)
    assert (result.n_due, result.n_within, result.share_within) == (4, 2, 0.5)
    assert (result.low, result.high) == pytest.approx(wilson(2, 4))
    assert (result.sla_hours, result.data_end, result.by, result.ci) == (24.0, end, "rep", 0.95)
    assert "50.0% (95% CI" in result._caption() and "of 4 due on 2024-01-11" in result._caption()
    overall = sla_compliance(answered, data_end=end, ci=0.9).table
    assert overall.index.tolist() == ["all"] and overall["due"].item() == 4
    assert (overall["low"].item(), overall["high"].item()) == pytest.approx(wilson(2, 4, 0.9))


def test_sla_compliance_bad_input(answered: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="negative response times"):
        sla_compliance(answered.assign(first_response_hours=-1.0))
    with pytest.raises(TypeError, match="'first_response_hours' of leads must hold hours"):
        sla_compliance(answered.assign(first_response_hours="2"))
    with pytest.raises(TypeError, match="'mql_at' of leads must hold dates"):
        sla_compliance(answered.assign(mql_at="yesterday"))
    with pytest.raises(ValueError, match="sla_hours must be a finite number >= 0"):
        sla_compliance(answered, sla_hours=-4)
    with pytest.raises(ValueError, match="ci must be between 0 and 1"):
        sla_compliance(answered, ci=2)
    with pytest.raises(ValueError, match="no column 'handed'"):
        sla_compliance(answered, handover_col="handed")


def test_speed_to_lead_effect_is_recovered(crm, mature) -> None:
    result = speed_to_lead_effect(mature, controls=("channel",))
    assert isinstance(result, SpeedToLead)
    row = result.effect
    planted = crm.truth["effects"].sla_odds_ratio
    assert row["low"] < planted < row["high"]
    assert row.equals(result.odds_ratios.loc["within_sla"])
    assert "Observational" in result.caveat
    by_time = result.by_response_time
    assert by_time["leads"].sum() == result.n == mature["first_response_hours"].notna().sum()
    assert result.overall_rate == pytest.approx(by_time["conversions"].sum() / result.n)
    assert result.controls == ("channel",) and result.sla_hours == 24.0
    summary = result.summary()
    assert isinstance(summary, Summary) and summary.notes == (result.caveat,)
    pd.testing.assert_frame_equal(result.to_frame(), result.odds_ratios)
    end = crm.truth["data_end"]
    null = make_crm(20_000, random_state=12, sla_odds_ratio=1.0, with_messages=False)
    old = null.leads[null.leads["mql_at"] < end - pd.Timedelta(days=60)]
    row = speed_to_lead_effect(old).effect
    assert row["low"] < 1 < row["high"]


def test_speed_to_lead_interval_level_and_buckets(mature) -> None:
    wide = speed_to_lead_effect(mature, ci=0.99, buckets=(2, 48))
    narrow = speed_to_lead_effect(mature, ci=0.8, buckets=(2, 48))
    assert narrow.by_response_time.index.tolist() == ["0-2 h", "2-48 h", ">48 h"]
    assert wide.effect["odds_ratio"] == pytest.approx(narrow.effect["odds_ratio"])
    assert wide.effect["low"] < narrow.effect["low"] < narrow.effect["high"] < wide.effect["high"]
    assert "80% CI" in narrow._caption()
    k, n = narrow.by_response_time.iloc[0][["conversions", "leads"]]
    low, high = narrow.by_response_time.iloc[0][["low", "high"]]
    assert (low, high) == pytest.approx(wilson(k, n, ci=0.8))


def test_speed_to_lead_bad_input(mature) -> None:
    with pytest.raises(ValueError, match="'is_sql' of leads must be binary"):
        speed_to_lead_effect(mature.assign(is_sql=2))
    with pytest.raises(ValueError, match="one value only"):
        speed_to_lead_effect(mature.assign(is_sql=True))
    with pytest.raises(ValueError, match="only 3 answered leads"):
        speed_to_lead_effect(mature.dropna(subset=["first_response_hours"]).head(3))
    with pytest.raises(ValueError, match="buckets must be increasing"):
        speed_to_lead_effect(mature, buckets=(24, 4))
    with pytest.raises(ValueError, match="ci must be between 0 and 1"):
        speed_to_lead_effect(mature, ci=-0.1)
    with pytest.raises(ValueError, match="no column 'region_x'"):
        speed_to_lead_effect(mature, controls="region_x")


def test_speed_to_lead_refuses_negative_response_times(mature) -> None:
    """A negative response time is an error, as in sla_compliance: it is neither "within the
    SLA" in the model nor left out of the buckets (which would no longer add up to n)."""
    answered = mature.index[mature["first_response_hours"].notna()]
    bad = mature.copy()
    bad.loc[answered[:10], "first_response_hours"] = -1.0
    message = "column 'first_response_hours' of leads has 10 negative response times"
    with pytest.raises(ValueError, match=message):
        speed_to_lead_effect(bad)
    with pytest.raises(ValueError, match=message):
        sla_compliance(bad)
