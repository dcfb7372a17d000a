"""kpi_table and roi_by_channel: KPIs checked against their definitions on the synthetic CRM, the
result objects, the reader's table, and bad input."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import research._columns
from research._columns import CAMPAIGN_SPEND_COL, LEAD_COL, SOURCE_COL
from research.funnel import (
    ChannelROI,
    CRMColumns,
    KPITable,
    cycle_length,
    kpi_table,
    roi_by_channel,
    sla_compliance,
)
from research.funnel.columns import _ROLES


def _kpis(crm, **kwargs) -> KPITable:
    return kpi_table(
        campaigns=crm.campaigns,
        leads=crm.leads,
        opportunities=crm.opportunities,
        customers=crm.customers,
        data_end=crm.truth["data_end"],
        **kwargs,
    )


def test_kpi_table(crm) -> None:
    result = _kpis(crm, n_boot=100)
    assert isinstance(result, KPITable)
    kpis = result.table
    k = kpis.set_index("kpi")
    assert set(kpis["team"]) == {"marketing", "sales", "shared"}
    assert k.loc["leads", "value"] == 20_000 == result.n_leads
    assert k.loc["CTR", "value"] == pytest.approx(
        crm.campaigns["clicks"].sum() / crm.campaigns["impressions"].sum()
    )
    closed = crm.opportunities[crm.opportunities["status"] != "open"]
    won = closed[closed["status"] == "won"]
    assert k.loc["win rate", "value"] == pytest.approx(len(won) / len(closed))
    assert k.loc["CAC", "value"] == pytest.approx(crm.campaigns["spend"].sum() / len(won))
    profit = 0.8 * won["amount"].sum()
    spend = crm.campaigns["spend"].sum()
    assert k.loc["campaign ROI", "value"] == pytest.approx((profit - spend) / spend * 100)
    assert k.loc["ARR", "value"] == pytest.approx(12 * k.loc["MRR", "value"])
    # the planted churn: each customer churns at its own monthly hazard (churn_monthly at
    # consistency 1, up to churn_inconsistency_hr times more below), so the pooled rate
    # (churned / customer-months) estimates the hazards weighted by each customer's months
    churn = k.loc["churn (monthly)"]
    customers, end = crm.customers, crm.truth["data_end"]
    at_risk = customers["churned_at"].fillna(end).clip(upper=end) - customers["start_at"]
    months = at_risk.dt.total_seconds().to_numpy() / (30.4375 * 86_400)
    hazard = crm.truth["lead"].loc[customers["lead_id"], "churn_hazard_monthly"].to_numpy()
    planted = (hazard * months).sum() / months.sum()
    assert churn["low"] < planted < churn["high"]
    assert churn["value"] == pytest.approx((customers["churned_at"] <= end).sum() / months.sum())
    assert k.loc["LTV", "value"] == pytest.approx(
        crm.customers["mrr"].mean() * 0.8 / churn["value"]
    )
    rates = kpis[kpis["unit"] == "share"]
    assert ((rates["low"] <= rates["value"]) & (rates["value"] <= rates["high"])).all()
    assert kpis["definition"].str.len().gt(5).all()
    assert result.values == dict(zip(kpis["kpi"], kpis["value"], strict=True))


def test_kpi_table_agrees_with_the_public_functions(crm) -> None:
    """The cycle and the SLA, computed by kpi_table's kernels, are those of the public
    functions."""
    end = crm.truth["data_end"]
    k = _kpis(crm, n_boot=50, sla_hours=12, ci=0.9).table.set_index("kpi")
    cycle = cycle_length(crm.opportunities, data_end=end, ci=0.9).table.iloc[0]
    row = k.loc["sales cycle (median)"]
    assert (row["value"], row["low"], row["high"]) == pytest.approx(
        (cycle["median_days"], cycle["median_low"], cycle["median_high"])
    )
    sla = sla_compliance(crm.leads, sla_hours=12, data_end=end, ci=0.9)
    row = k.loc["answered within 12 h"]
    assert (row["value"], row["low"], row["high"], row["n"]) == pytest.approx(
        (sla.share_within, sla.low, sla.high, sla.n_due)
    )


def test_kpi_table_readable_at_its_level(crm) -> None:
    result = _kpis(crm, n_boot=50, ci=0.9)
    page = result.readable()
    assert page.columns.tolist() == ["team", "KPI", "value", "90% interval", "n", "definition"]
    rows = page.set_index("KPI")
    assert rows.loc["leads", "value"] == "20,000" and rows.loc["leads", "90% interval"] == ""
    k = result.table.set_index("kpi")
    mql = k.loc["lead to MQL"]
    assert rows.loc["lead to MQL", "value"] == f"{mql['value']:.1%}"
    assert rows.loc["lead to MQL", "90% interval"] == f"{mql['low']:.1%} – {mql['high']:.1%}"
    assert rows.loc["churn (monthly)", "value"].endswith("%")  # two decimals, a share a month
    assert rows.loc["campaign ROI", "value"] == f"{k.loc['campaign ROI', 'value']:,.0f}%"
    assert "90% intervals" in result._caption()


def test_kpi_and_roi_bad_input(crm) -> None:
    bad = crm.campaigns.copy()
    bad.loc[0, "spend"] = -5.0
    with pytest.raises(ValueError, match="'spend' of campaigns has 1 negative values"):
        roi_by_channel(bad, crm.leads, crm.opportunities)
    dup = pd.concat([crm.leads, crm.leads.iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match="duplicated 'lead_id'"):
        kpi_table(
            campaigns=crm.campaigns,
            leads=dup,
            opportunities=crm.opportunities,
            customers=crm.customers,
            data_end=crm.truth["data_end"],
        )
    for kwargs, message in [
        ({"ci": 1.5}, "ci must be between 0 and 1"),
        ({"gross_margin": 0}, r"gross_margin must be a share in \(0, 1\]"),
        ({"n_boot": 0}, "n_boot must be an integer >= 1"),
        ({"sla_hours": -1}, "sla_hours must be a finite number >= 0"),
    ]:
        with pytest.raises(ValueError, match=message):
            _kpis(crm, **kwargs)
    with pytest.raises(ValueError, match=r"gross_margin must be a share in \(0, 1\]"):
        roi_by_channel(crm.campaigns, crm.leads, crm.opportunities, gross_margin=1.2)
    with pytest.raises(ValueError, match="ci must be between 0 and 1"):
        roi_by_channel(crm.campaigns, crm.leads, crm.opportunities, ci=95)
    opps = crm.opportunities.copy()
    opps.loc[opps.index[0], "closed_at"] = opps["created_at"].iloc[0] - pd.Timedelta(days=2)
    with pytest.raises(ValueError, match="1 rows of opportunities have 'closed_at' before"):
        _kpis(crm.__class__(**{**vars(crm), "opportunities": opps}))
    with pytest.raises(ValueError, match=r"opportunities is empty \(0 rows\)"):
        _kpis(crm.__class__(**{**vars(crm), "opportunities": crm.opportunities.iloc[:0]}))


def test_roi_by_channel(crm) -> None:
    result = roi_by_channel(crm.campaigns, crm.leads, crm.opportunities, n_boot=200)
    assert isinstance(result, ChannelROI)
    roi = result.table
    assert set(roi.index) == set(crm.leads["channel"])
    assert roi["spend"].sum() == pytest.approx(crm.campaigns["spend"].sum())
    assert ((roi["low"] <= roi["roi_pct"]) & (roi["roi_pct"] <= roi["high"])).all()
    assert roi["roi_pct"].is_monotonic_decreasing
    row = roi.iloc[0]
    assert row["roi_pct"] == pytest.approx(
        (row["gross_profit"] - row["spend"]) / row["spend"] * 100
    )
    assert result.above_break_even == roi.index[roi["low"] > 0].tolist()
    assert result.below_break_even == roi.index[roi["high"] < 0].tolist()
    assert (result.n_leads, result.n_boot, result.ci) == (20_000, 200, 0.95)
    narrow = roi_by_channel(crm.campaigns, crm.leads, crm.opportunities, n_boot=200, ci=0.5)
    assert (narrow.table["high"] - narrow.table["low"] < roi["high"] - roi["low"]).all()
    assert "50% bootstrap intervals" in narrow._caption()


def test_crm_columns_defaults_are_the_shared_vocabulary(crm) -> None:
    cols = CRMColumns()
    assert (cols.lead_id, cols.channel, cols.spend) == (LEAD_COL, SOURCE_COL, CAMPAIGN_SPEND_COL)
    settings = {"leads", "opportunities", "campaigns", "customers", "date_format"}
    roles = [
        f.name
        for f in dataclasses.fields(cols)
        if not f.name.endswith("_status") and f.name not in settings
    ]
    # every role is read from some table, and its default is a name of the vocabulary ...
    every = {r for table in _ROLES for r in cols.of(table)}
    assert sorted(every) == sorted(roles)
    vocabulary = {v for k, v in vars(research._columns).items() if k.endswith("_COL")}
    assert {getattr(cols, r) for r in roles} <= vocabulary
    # ... that the synthetic CRM's tables, whose names the defaults are, all have
    for name, needed in _ROLES.items():
        assert {getattr(cols, r) for r in needed} <= set(getattr(crm, name).columns), name


def test_the_money_of_the_leads_counted_by_hand() -> None:
    from research.funnel.kpis import _Leads, _money, _resampled_totals, _totals

    leads = pd.DataFrame(
        {
            "lead_id": ["a", "b", "c", "d", "e", "f"],
            "campaign_id": ["C1", "C1", "C1", "C2", "C2", None],
            "channel": ["ads", "ads", "ads", "mail", "mail", "mail"],
        }
    )
    campaigns = pd.DataFrame({"campaign_id": ["C1", "C2"], "spend": [90.0, 40.0]})
    deals = pd.DataFrame({"lead_id": ["a", "d", "x"], "status": ["won", "won", "won"],
                          "amount": [100.0, 50.0, 999.0]})  # fmt: skip
    money = _money(campaigns, _Leads(leads), deals, 0.5)
    # C1: 90 over 3 leads = 30 each, a won (profit 50); C2: 40 over 2 = 20 each, d won
    # (profit 25); f has no campaign: cost 0; x is no lead of the table
    assert money.to_dict("records") == [
        {"channel": "ads", "cost": 30.0, "won": False, "profit": 0.0, "n": 2},
        {"channel": "ads", "cost": 30.0, "won": True, "profit": 50.0, "n": 1},
        {"channel": "mail", "cost": 0.0, "won": False, "profit": 0.0, "n": 1},
        {"channel": "mail", "cost": 20.0, "won": False, "profit": 0.0, "n": 1},
        {"channel": "mail", "cost": 20.0, "won": True, "profit": 25.0, "n": 1},
    ]
    assert _totals(money).tolist() == [130.0, 2.0, 75.0]
    # drawing rows by their counts is drawing leads: the totals' mean and spread are those of
    # a bootstrap over the six leads one by one
    rng = np.random.default_rng(1)
    boot = _resampled_totals(money, 20_000, rng)
    per_lead = np.repeat(money[["cost", "won", "profit"]].to_numpy(float), money["n"], axis=0)
    draws = np.stack([per_lead[rng.integers(0, 6, 6)].sum(axis=0) for _ in range(20_000)])
    assert boot["n"].iloc[0] == 6
    np.testing.assert_allclose(boot[["cost", "won", "profit"]].mean(), draws.mean(axis=0),
                               rtol=0.03)  # fmt: skip
    np.testing.assert_allclose(boot[["cost", "won", "profit"]].std(), draws.std(axis=0),
                               rtol=0.05)  # fmt: skip
