"""Reading a CRM export as it comes out of the CRM: dates written as text (with an optional
format), stages reached as dates or yes/no flags, column names mapped per table, roles the
export lacks, and read_crm's CRMExport. Every reading is checked against the same analysis on
the parsed frames."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research.funnel import (
    CRMColumns,
    CRMExport,
    cycle_length,
    funnel,
    kpi_table,
    opportunity_stages,
    read_crm,
    roi_by_channel,
    sla_compliance,
    speed_to_lead_effect,
)
from tests.exports import HUBSPOT_COLUMNS, HUBSPOT_CRM_COLUMNS, HUBSPOT_STAGES, hubspot_crm

LEADS = HUBSPOT_COLUMNS["leads"]
DEALS = HUBSPOT_COLUMNS["opportunities"]
STAGES = [LEADS["created_at"], LEADS["mql_at"], LEADS["sql_at"]]
COLS = CRMColumns(
    **HUBSPOT_CRM_COLUMNS,
    won_status=HUBSPOT_STAGES["won"],
    lost_status=HUBSPOT_STAGES["lost"],
    open_status=HUBSPOT_STAGES["open"],
)


@pytest.fixture(scope="module")
def hubspot(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """The four files of a HubSpot-style export, read as a CSV reader reads them (dates as
    text)."""
    paths = hubspot_crm(tmp_path_factory.mktemp("hubspot"), n_leads=1500, seed=4)
    return {role: pd.read_csv(path) for role, path in paths.items()}


def _parsed(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The frame with its date columns parsed by pandas (the reference reading)."""
    return frame.assign(**{c: pd.to_datetime(frame[c], format="%Y-%m-%d %H:%M") for c in columns})


# -- text dates -----------------------------------------------------------------------------


def test_funnel_reads_text_dates_as_the_parsed_ones(hubspot) -> None:
    leads = hubspot["leads"]
    assert leads[STAGES[1]].dtype != "datetime64[ns]"  # text, as exported
    ours = funnel(leads, STAGES, lead_col=LEADS["lead_id"])
    reference = funnel(_parsed(leads, STAGES), STAGES, lead_col=LEADS["lead_id"])
    pd.testing.assert_frame_equal(ours.table, reference.table)
    by_month = funnel(leads, STAGES[:2], cohort=STAGES[0], lead_col=LEADS["lead_id"])
    expected = funnel(
        _parsed(leads, STAGES), STAGES[:2], cohort=STAGES[0], lead_col=LEADS["lead_id"]
    )
    pd.testing.assert_frame_equal(by_month.table, expected.table)


def test_text_dates_with_a_format_and_the_values_that_cannot_be_read() -> None:
    leads = pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "created": ["02/01/2024 10:00", "13/01/2024 09:30", "20/01/2024 08:00", "01/02/2024"],
            "mql": ["03/01/2024 11:00", "", "", "05/02/2024 12:00"],
        }
    )
    with pytest.raises(ValueError, match=r"'created' of leads has 1 of 4 values.*'01/02/2024'"):
        funnel(leads, ["created", "mql"], lead_col="id", date_format="%d/%m/%Y %H:%M")
    leads.loc[3, "created"] = "01/02/2024 07:00"
    result = funnel(
        leads, ["created", "mql"], lead_col="id", date_format="%d/%m/%Y %H:%M", cohort="created"
    )
    table = result.table.set_index(["cohort", "step"])
    jan, feb = pd.Period("2024-01", "M"), pd.Period("2024-02", "M")
    # day first: 13/01 is January, 01/02 is February
    assert table.loc[(jan, 1), "entered"] == 3 and table.loc[(feb, 1), "entered"] == 1
    assert table.loc[(jan, 1), "converted"] == 1 and table.loc[(feb, 1), "converted"] == 1
    typo = leads.assign(mql=["03/01/2024 11:00", "soon", "n/a?", ""])
    with pytest.raises(
        ValueError,
        match=r"'mql' of leads has 2 of 3 values that cannot be read as dates with date_format "
        r"'%d/%m/%Y %H:%M' \(rows 1, 2; values such as \['soon', 'n/a\?'\]\).*date_format=",
    ):
        funnel(leads.assign(mql=typo["mql"]), ["created", "mql"], lead_col="id",
               date_format="%d/%m/%Y %H:%M")  # fmt: skip
    with pytest.raises(TypeError, match=r"'mql' of leads must hold the date each row reached"):
        funnel(leads.assign(mql=[3, 5, 7, 9]), ["created", "mql"], lead_col="id",
               date_format="%d/%m/%Y %H:%M")  # fmt: skip
    # without the format, the first value reads both ways and 13/01 settles it: day first
    # (23/01 settles the stage dates)
    settled = leads.assign(mql=["23/01/2024 11:00", "", "", "05/02/2024 12:00"])
    unaided = funnel(settled, ["created", "mql"], lead_col="id", cohort="created")
    expected = funnel(
        settled, ["created", "mql"], lead_col="id", date_format="%d/%m/%Y %H:%M", cohort="created"
    )
    pd.testing.assert_frame_equal(unaided.table, expected.table)
    assert unaided.table["cohort"].astype(str).unique().tolist() == ["2024-01", "2024-02"]
    # when every value reads both ways, the order is asked for, not guessed
    both = leads.assign(created=["02/01/2024", "03/01/2024", "04/01/2024", "05/01/2024"], mql="")
    with pytest.raises(ValueError, match="both month first and day first"):
        funnel(both, ["created", "mql"], lead_col="id")
    # a first value that reads one way only sets the order: the others are named, not
    # guessed one by one
    us = leads.assign(created=["01/13/2024", "13/01/2024", "01/20/2024", "01/21/2024"], mql="")
    with pytest.raises(ValueError, match=r"'created' of leads has 1 of 4 .*'13/01/2024'"):
        funnel(us, ["created", "mql"], lead_col="id")


def test_dates_with_utc_offsets_are_put_on_one_clock() -> None:
    deals = pd.DataFrame(
        {
            "start": ["2024-01-01 10:00:00 +0100", "2024-01-01 10:00:00 +0200", "2024-01-02"],
            "end": ["2024-01-03 10:00:00 +0100", "", "2024-01-05 00:00:00 +0100"],
        }
    )
    result = cycle_length(deals, start_col="start", end_col="end", data_end="2024-02-01")
    assert result.table["events"].item() == 2 and result.table["censored"].item() == 1


def test_a_cohort_needs_a_date_for_every_lead() -> None:
    leads = pd.DataFrame({"c": ["2024-01-02", "", "2024-02-03"], "m": ["yes", "no", "yes"]})
    with pytest.raises(ValueError, match=r"cohort column 'c' of leads has 1 rows without a date"):
        funnel(leads, ["c", "m"], cohort="c", lead_col=None)


def test_stages_as_yes_no_flags_and_numbers() -> None:
    leads = pd.DataFrame(
        {
            "lead": ["yes"] * 5,
            "mql": ["Yes", "YES", "no", "", "yes"],
            "sql": [1.0, np.nan, 0.0, 0.0, 1.0],
        }
    )
    table = funnel(leads, ["lead", "mql", "sql"], lead_col=None).table
    assert table["entered"].tolist() == [5, 3, 2]


# -- the other analyses read text dates too ---------------------------------------------------


def test_cycle_sla_and_speed_to_lead_on_text_dates(hubspot) -> None:
    deals, leads = hubspot["opportunities"], hubspot["leads"]
    dates = [DEALS["created_at"], DEALS["closed_at"]]
    span = {"start_col": dates[0], "end_col": dates[1], "data_end": "2025-01-01"}
    ours = cycle_length(deals, **span, by=DEALS["status"])
    reference = cycle_length(_parsed(deals, dates), **span, by=DEALS["status"])
    pd.testing.assert_frame_equal(ours.table, reference.table)
    kw = {
        "response_col": LEADS["first_response_hours"],
        "handover_col": LEADS["mql_at"],
        "by": LEADS["sdr_id"],
        "data_end": "2025-01-01",
    }
    pd.testing.assert_frame_equal(
        sla_compliance(leads, **kw).table,
        sla_compliance(_parsed(leads, [LEADS["mql_at"]]), **kw).table,
    )
    # an outcome that is a date, set once reached: the same as the flag
    reached = leads.assign(sql=leads[LEADS["sql_at"]].notna() & (leads[LEADS["sql_at"]] != ""))
    kw = {"response_col": LEADS["first_response_hours"], "controls": (LEADS["channel"],)}
    ours = speed_to_lead_effect(leads, outcome_col=LEADS["sql_at"], **kw)
    reference = speed_to_lead_effect(reached, outcome_col="sql", **kw)
    pd.testing.assert_frame_equal(ours.odds_ratios, reference.odds_ratios)


def test_opportunity_stages_with_its_own_lead_column_and_text_dates(hubspot) -> None:
    leads, deals = hubspot["leads"], hubspot["opportunities"]
    kw = {
        "lead_col": LEADS["lead_id"],
        "deal_lead_col": DEALS["lead_id"],
        "opened_col": DEALS["created_at"],
        "closed_col": DEALS["closed_at"],
        "status_col": DEALS["status"],
        "won_status": [HUBSPOT_STAGES["won"]],
    }
    out = opportunity_stages(leads, deals, **kw)
    won = deals[deals[DEALS["status"]] == HUBSPOT_STAGES["won"]]
    assert out["won_at"].notna().sum() == won[DEALS["lead_id"]].nunique()
    assert out["opportunity_at"].notna().sum() == deals[DEALS["lead_id"]].nunique()
    assert pd.api.types.is_datetime64_any_dtype(out["won_at"])
    with pytest.raises(ValueError, match=r"opportunities .* has no column 'Record ID'"):
        opportunity_stages(leads, deals, **{**kw, "deal_lead_col": None})


# -- CRMColumns: names per table, roles the export lacks --------------------------------------


def test_kpis_of_the_export_read_from_text_match_the_parsed_export(hubspot) -> None:
    kw = {"data_end": "2025-01-01", "n_boot": 50, "columns": COLS}
    ours = kpi_table(**hubspot, **kw)
    deal_dates = [DEALS["created_at"], DEALS["closed_at"]]
    parsed = {
        "leads": _parsed(hubspot["leads"], [LEADS["mql_at"], LEADS["sql_at"]]),
        "opportunities": _parsed(hubspot["opportunities"], deal_dates),
        "campaigns": hubspot["campaigns"],
        "customers": _parsed(hubspot["customers"], ["Became a Customer Date", "Churn Date"]),
    }
    pd.testing.assert_frame_equal(ours.table, kpi_table(**parsed, **kw).table)
    assert not ours.skipped and len(ours.table) == 17
    # the MQL and SQL flags are the dates being set
    leads = parsed["leads"]
    values = ours.values
    assert values["MQLs"] == leads[LEADS["mql_at"]].notna().sum()
    assert values["MQL to SQL"] == pytest.approx(
        leads[LEADS["sql_at"]].notna().sum() / leads[LEADS["mql_at"]].notna().sum()
    )


def test_kpis_the_export_does_not_support_are_skipped_with_the_reason(hubspot) -> None:
    leads_only = kpi_table(leads=hubspot["leads"], columns=COLS, n_boot=20)
    assert leads_only.values.keys() == {
        "leads",
        "MQLs",
        "lead to MQL",
        "MQL to SQL",
        "answered within 24 h",
    }
    by_reason = leads_only.skipped_by_reason
    assert by_reason["no campaign spend"] == [
        "CTR",
        "cost per lead",
        "CAC",
        "campaign ROI",
        "LTV:CAC",
    ]
    assert by_reason["no deals"] == ["win rate", "average deal size", "sales cycle (median)"]
    assert by_reason["no customers"] == ["MRR", "ARR", "churn (monthly)", "LTV"]
    assert "5 KPIs on 1,500 leads" in leads_only._caption()
    assert "12 not supported by the export" in leads_only._caption()
    # the data end is the latest date read
    mql = pd.to_datetime(hubspot["leads"][LEADS["mql_at"]])
    assert leads_only.data_end == mql.max()
    bare = {**HUBSPOT_CRM_COLUMNS, "first_response_hours": None, "is_sql": None}
    thin = kpi_table(
        leads=hubspot["leads"],
        opportunities=hubspot["opportunities"],
        columns=CRMColumns(**bare, **stages_of(COLS)),
        n_boot=20,
    )
    assert thin.skipped["MQL to SQL"] == "no SQL column"
    assert thin.skipped["answered within 24 h"] == "no response times"
    assert "win rate" in thin.values and "CAC" not in thin.values


def stages_of(cols: CRMColumns) -> dict[str, object]:
    return {f: getattr(cols, f) for f in ("won_status", "lost_status", "open_status")}


def test_spend_per_channel_is_shared_over_the_channels_leads() -> None:
    leads = pd.DataFrame({"lead_id": [1, 2, 3, 4], "channel": ["ads", "ads", "ads", "web"]})
    deals = pd.DataFrame(
        {
            "lead_id": [1, 4],
            "status": ["won", "won"],
            "amount": [1000.0, 500.0],
            "created_at": pd.to_datetime(["2024-01-01", "2024-01-02"]),
            "closed_at": pd.to_datetime(["2024-01-10", "2024-01-20"]),
        }
    )
    spend = pd.DataFrame({"Channel": ["ads", "ads", "web"], "Cost": [200.0, 100.0, 50.0]})
    cols = CRMColumns(
        campaign_id=None, spend="Cost", campaigns={"channel": "Channel"}, impressions=None
    )
    roi = roi_by_channel(spend, leads, deals, gross_margin=1.0, n_boot=20, columns=cols).table
    assert roi.loc["ads", "spend"] == pytest.approx(300.0)
    assert roi.loc["web", "spend"] == pytest.approx(50.0)
    assert roi.loc["ads", "roi_pct"] == pytest.approx((1000 - 300) / 300 * 100)
    assert roi.loc["ads", "cac"] == pytest.approx(300.0)
    both_none = CRMColumns(campaign_id=None, channel=None)
    with pytest.raises(ValueError, match="share neither: name the campaign"):
        roi_by_channel(spend, leads, deals, columns=both_none)


def test_crm_columns_per_table_names_and_missing_roles() -> None:
    cols = CRMColumns(lead_id="Record ID", opportunities={"lead_id": "Associated Contact"})
    assert cols.column("opportunities", "lead_id") == "Associated Contact"
    assert cols.column("leads", "lead_id") == "Record ID"
    assert cols.of("campaigns")["spend"] == "spend"
    with pytest.raises(ValueError, match=r"CRMColumns.opportunities names role\(s\) \['mrr'\]"):
        CRMColumns(opportunities={"mrr": "MRR"})
    with pytest.raises(TypeError, match="CRMColumns.leads must map roles"):
        CRMColumns(leads=["lead_id"])
    with pytest.raises(TypeError, match=r"CRMColumns.amount must be a non-empty string, got None"):
        CRMColumns(amount=None)
    with pytest.raises(TypeError, match=r"opportunities\['status'\] must be a non-empty string"):
        CRMColumns(opportunities={"status": None})
    with pytest.raises(TypeError, match="date_format must be a string"):
        CRMColumns(date_format=3)
    with pytest.raises(ValueError, match="table must be one of"):
        cols.of("deals")
    leads = pd.DataFrame({"lead_id": [1, 2], "campaign_id": ["a", "b"]})
    campaigns = pd.DataFrame({"campaign_id": ["a"], "spend": [1.0]})
    with pytest.raises(ValueError, match=r"leads need the column\(s\) \['channel'\].*None"):
        roi_by_channel(campaigns, leads, pd.DataFrame(), columns=CRMColumns(channel=None))


# -- read_crm ---------------------------------------------------------------------------------


def test_read_crm_reads_the_export_once(hubspot) -> None:
    before = {k: v.copy() for k, v in hubspot.items()}
    crm = read_crm(hubspot["leads"], stages=STAGES, names=["lead", "MQL", "SQL"],
                   opportunities=hubspot["opportunities"], campaigns=hubspot["campaigns"],
                   customers=hubspot["customers"], columns=COLS)  # fmt: skip
    assert isinstance(crm, CRMExport)
    for name, frame in hubspot.items():  # not renamed, not changed
        pd.testing.assert_frame_equal(frame, before[name])
    assert crm.stages == (*STAGES, "opportunity_at", "won_at")
    assert crm.names == ("lead", "MQL", "SQL", "opportunity", "won")
    assert crm.has_deals and crm.has_spend and crm.has_customers
    assert crm.has_handover and crm.has_response_times
    for col in STAGES:
        assert pd.api.types.is_datetime64_any_dtype(crm.leads[col]), col
    parsed = _parsed(hubspot["leads"], STAGES)
    pd.testing.assert_frame_equal(
        crm.leads[STAGES].astype("datetime64[ns]"), parsed[STAGES].astype("datetime64[ns]")
    )
    assert crm.data_end == max(
        parsed[STAGES].max().max(),
        pd.to_datetime(hubspot["opportunities"][DEALS["closed_at"]]).max(),
        pd.to_datetime(hubspot["opportunities"][DEALS["created_at"]]).max(),
        pd.to_datetime(hubspot["customers"]["Churn Date"]).max(),
        pd.to_datetime(hubspot["customers"]["Became a Customer Date"]).max(),
    )
    table = crm.to_frame()
    assert set(table["stored_as"]) == {"text dates"}
    mql = table[table["column"] == LEADS["mql_at"]].iloc[0]
    assert mql["set"] == parsed[LEADS["mql_at"]].notna().sum()
    assert mql["set"] + mql["empty"] == len(parsed)
    outcomes = hubspot["opportunities"][DEALS["status"]].map(
        {code: outcome for outcome, code in HUBSPOT_STAGES.items()}
    )
    assert crm.deal_outcomes.tolist() == outcomes.tolist()
    # the funnel of the export read: the text stages and the deals' stages
    result = funnel(crm.leads, list(crm.stages), names=list(crm.names), lead_col=LEADS["lead_id"])
    won = hubspot["opportunities"][DEALS["status"]] == HUBSPOT_STAGES["won"]
    assert (
        result.table["entered"].iloc[-1]
        == hubspot["opportunities"].loc[won, DEALS["lead_id"]].nunique()
    )
    assert "1,500 leads" in crm._caption()


def test_read_crm_without_the_optional_tables_and_its_errors(hubspot) -> None:
    leads = hubspot["leads"]
    crm = read_crm(leads, stages=STAGES, columns=COLS, data_end="2025-01-01")
    assert not (crm.has_deals or crm.has_spend or crm.has_customers)
    assert crm.stages == tuple(STAGES) and crm.names == tuple(STAGES)
    assert crm.data_end == pd.Timestamp("2025-01-01") and crm.deal_outcomes is None
    with pytest.raises(ValueError, match=r"no column 'MQL'.*Set stages to the leads' stage"):
        read_crm(leads, stages=[STAGES[0], "MQL"], columns=COLS)
    with pytest.raises(ValueError, match="names has 1 entries for 3 stages"):
        read_crm(leads, stages=STAGES, names=["lead"], columns=COLS)
    with pytest.raises(ValueError, match=r"no column 'lead_id'.*CRMColumns\(lead_id="):
        read_crm(leads, stages=STAGES)
    odd = hubspot["opportunities"].assign(**{DEALS["status"]: "appointmentscheduled"})
    with pytest.raises(ValueError, match="neither won"):
        read_crm(leads, stages=STAGES, opportunities=odd, columns=COLS)
    dup = pd.concat([leads, leads.iloc[:2]])
    with pytest.raises(ValueError, match="duplicated 'Record ID'"):
        read_crm(dup, stages=STAGES, columns=COLS)


def test_read_crm_notes_deals_without_a_lead(hubspot, tmp_path: Path) -> None:
    deals = hubspot["opportunities"].copy()
    deals.loc[deals.index[:3], DEALS["lead_id"]] = "nobody"
    crm = read_crm(hubspot["leads"], stages=STAGES, opportunities=deals, columns=COLS)
    assert any("3 of" in note and "left out" in note for note in crm.notes)
