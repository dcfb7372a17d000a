"""Notebook 04 on a HubSpot-style CRM export (contacts with their lifecycle dates as text, deals
with HubSpot's stage codes, campaigns with a budget, companies with MRR and a churn date), run
with injected parameters: the numbers it records are those the package computes on the same
files, and with the contacts and deals only, the KPIs the export cannot support are left out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research.funnel import (
    CRMColumns,
    compare_conversion,
    cycle_length,
    funnel,
    kpi_table,
    league_table,
    opportunity_stages,
    roi_by_channel,
    sla_compliance,
    speed_to_lead_effect,
)
from research.report import execute_notebook, read_records
from tests.exports import HUBSPOT_COLUMNS, HUBSPOT_CRM_COLUMNS, HUBSPOT_STAGES, hubspot_crm

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "04_funnel_kpis_and_sla.ipynb"
LEADS = HUBSPOT_COLUMNS["leads"]
DEALS = HUBSPOT_COLUMNS["opportunities"]
STAGES = [LEADS["created_at"], LEADS["mql_at"], LEADS["sql_at"]]
COLS = CRMColumns(
    **HUBSPOT_CRM_COLUMNS,
    won_status=HUBSPOT_STAGES["won"],
    lost_status=HUBSPOT_STAGES["lost"],
    open_status=HUBSPOT_STAGES["open"],
)
FOLLOW_UP_DAYS = 60  # the notebook's default


def _parameters(paths: dict[str, Path], *, full: bool) -> dict[str, object]:
    return {
        "LEADS_CSV": str(paths["leads"]),
        "OPPORTUNITIES_CSV": str(paths["opportunities"]),
        "CAMPAIGNS_CSV": str(paths["campaigns"]) if full else None,
        "CUSTOMERS_CSV": str(paths["customers"]) if full else None,
        "STAGES": STAGES,
        "STAGE_NAMES": ["lead", "MQL", "SQL"],
        "COLUMNS": HUBSPOT_CRM_COLUMNS,
        "WON_STAGES": [HUBSPOT_STAGES["won"]],
        "LOST_STAGES": [HUBSPOT_STAGES["lost"]],
        "OPEN_STAGES": [HUBSPOT_STAGES["open"]],
    }


def _text(nb) -> str:
    return "\n".join(
        str(o.get("data", {}).get(kind, ""))
        for c in nb.cells
        for o in c.get("outputs", [])
        for kind in ("text/markdown", "text/html")
    )


def _data_end(files: dict[str, pd.DataFrame]) -> pd.Timestamp:
    """The latest date anywhere in the files read (the notebook's data end by default)."""
    dates = {
        "leads": STAGES,
        "opportunities": [DEALS["created_at"], DEALS["closed_at"]],
        "customers": [COLS.start_at, COLS.churned_at],
    }
    return max(
        pd.to_datetime(files[table][col], format="%Y-%m-%d %H:%M").max()
        for table, cols in dates.items()
        if table in files
        for col in cols
    )


def _check_records(records: dict[str, object], files: dict[str, pd.DataFrame]) -> None:
    """The notebook's records against the package run on the same files (read as the CSV
    reader reads them: dates as text)."""
    leads, deals = files["leads"], files["opportunities"]
    end = _data_end(files)
    assert records["n_leads"] == len(leads)
    assert records["n_opportunities"] == len(deals)
    kpis = kpi_table(**files, data_end=end, columns=COLS)
    assert list(records["kpis"]) == kpis.table["kpi"].tolist()
    np.testing.assert_allclose(
        [np.nan if v is None else v for v in records["kpis"].values()],
        kpis.table["value"],
        rtol=1e-12,
    )
    staged = opportunity_stages(
        leads,
        deals,
        lead_col=LEADS["lead_id"],
        deal_lead_col=DEALS["lead_id"],
        opened_col=DEALS["created_at"],
        closed_col=DEALS["closed_at"],
        status_col=DEALS["status"],
        won_status=HUBSPOT_STAGES["won"],
    )
    names = ["lead", "MQL", "SQL", "opportunity", "won"]
    stages = [*STAGES, "opportunity_at", "won_at"]
    step = funnel(staged, stages, names=names, lead_col=LEADS["lead_id"]).bottlenecks.iloc[0]
    assert records["bottleneck"] == f"{step['stage']} -> {step['next_stage']}"
    assert records["bottleneck_conversion"] == pytest.approx(step["conversion"])
    mql = pd.to_datetime(leads[LEADS["mql_at"]])
    mature = leads[(mql < end - pd.Timedelta(days=FOLLOW_UP_DAYS)).to_numpy()]
    test = compare_conversion(mature, LEADS["mql_at"], LEADS["sql_at"], by=LEADS["channel"])
    assert records["channel_chi2_p_value"] == pytest.approx(test.p_value)
    assert records["channel_pairs_significant"] == test.n_significant
    # a deal won or lost without a close date has no known length: left out, and counted
    undated = (deals[DEALS["status"]] != HUBSPOT_STAGES["open"]) & deals[DEALS["closed_at"]].isna()
    assert records["closed_deals_without_close_date"] == int(undated.sum())
    cycle = cycle_length(
        deals[~undated], start_col=DEALS["created_at"], end_col=DEALS["closed_at"], data_end=end
    )
    assert records["median_cycle_days"] == pytest.approx(cycle.table["median_days"].item())
    sla = sla_compliance(
        leads,
        response_col=LEADS["first_response_hours"],
        handover_col=LEADS["mql_at"],
        by=LEADS["sdr_id"],
        data_end=end,
    )
    assert records["sla_share_within"] == pytest.approx(sla.share_within)
    assert records["slow_sdrs"] == sla.table.index[sla.table["high"] < 0.5].tolist()
    effect = speed_to_lead_effect(
        mature,
        outcome_col=LEADS["sql_at"],
        response_col=LEADS["first_response_hours"],
        controls=(LEADS["channel"],),
    ).effect
    assert [records[f"sla_odds_ratio{s}"] for s in ("", "_low", "_high")] == pytest.approx(
        [effect["odds_ratio"], effect["low"], effect["high"]]
    )
    closed = deals[deals[DEALS["status"]] != HUBSPOT_STAGES["open"]]
    closed = closed.assign(won=closed[DEALS["status"]] == HUBSPOT_STAGES["won"])
    assert records["aes_below_team"] == league_table(closed, rep_col=DEALS["ae_id"]).below
    assert "sla_planted_odds_ratio" not in records  # no planted effect in a user's export
    if "campaigns" in files:
        roi = roi_by_channel(files["campaigns"], leads, deals, columns=COLS)
        assert records["roi_positive_channels"] == roi.above_break_even
        assert records["roi_negative_channels"] == roi.below_break_even
    else:
        assert "roi_positive_channels" not in records


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return hubspot_crm(tmp_path_factory.mktemp("hubspot"), n_leads=2000, seed=7)


def test_notebook_04_on_a_hubspot_export(export) -> None:
    nb = execute_notebook(NOTEBOOK, parameters=_parameters(export, full=True))
    files = {role: pd.read_csv(path) for role, path in export.items()}
    records = read_records(nb)
    _check_records(records, files)
    assert len(records["kpis"]) == 17  # the four files support every KPI
    text = _text(nb)
    # the sentences come from this export: its file names, no synthetic CRM, no Olist numbers
    assert "contacts\\.csv" in text and "companies\\.csv" in text
    assert "Synthetic CRM" not in text and "planted" not in text and "**Olist:**" not in text
    assert "Not in this table" not in text


def test_notebook_04_with_contacts_and_deals_only(export, tmp_path) -> None:
    """No campaigns, no customers: the KPIs that need them are left out, and the notebook says
    which and why, instead of failing or showing zeros. Some lost deals have no close date
    (as exports often do): they are left out of the sales cycle, not taken as still open."""
    deals = pd.read_csv(export["opportunities"])
    lost = deals.index[deals[DEALS["status"]] == HUBSPOT_STAGES["lost"]][:5]
    deals.loc[lost, DEALS["closed_at"]] = None
    paths = dict(export, opportunities=tmp_path / "deals.csv")
    deals.to_csv(paths["opportunities"], index=False)
    nb = execute_notebook(NOTEBOOK, parameters=_parameters(paths, full=False))
    files = {role: pd.read_csv(paths[role]) for role in ("leads", "opportunities")}
    assert read_records(nb)["closed_deals_without_close_date"] == 5
    assert "5 won or lost deals without a close date are left out" in _text(nb)
    records = read_records(nb)
    _check_records(records, files)
    kpis = kpi_table(**files, data_end=_data_end(files), columns=COLS)
    assert set(kpis.skipped) == {
        "CTR", "cost per lead", "CAC", "campaign ROI", "LTV:CAC", "MRR", "ARR",
        "churn (monthly)", "LTV",
    }  # fmt: skip
    assert not set(kpis.skipped) & set(records["kpis"])
    text = _text(nb)
    assert "no campaign spend: set `CAMPAIGNS_CSV`" in text
    assert "no customers: set `CUSTOMERS_CSV`" in text
    assert "No campaign ROI" in text
