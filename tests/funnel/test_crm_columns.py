"""kpi_table and roi_by_channel on an export with its own column names and deal statuses,
mapped by CRMColumns (the frames are not renamed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.data.synthetic import make_crm
from research.funnel import CRMColumns, kpi_table, roi_by_channel
from research.funnel.columns import _ROLES

HUBSPOT = CRMColumns(
    campaign_id="Campaign",
    channel="Original Source",
    spend="Budget",
    impressions="Views",
    clicks="Clicks",
    lead_id="Contact ID",
    is_mql="Became MQL",
    is_sql="Became SQL",
    mql_at="MQL Date",
    first_response_hours="Hours to First Touch",
    status="Deal Stage",
    amount="Amount",
    created_at="Create Date",
    closed_at="Close Date",
    start_at="Customer Since",
    mrr="MRR",
    churned_at="Churn Date",
    won_status="closedwon",
    open_status=("appointmentscheduled", "contractsent"),
    lost_status="closedlost",
)
_DEFAULT = CRMColumns()


def _export(crm):
    """The synthetic CRM as a HubSpot-style export: other names, other deal stages."""

    def rename(frame, roles):
        return frame.rename(columns={getattr(_DEFAULT, r): getattr(HUBSPOT, r) for r in roles})

    stages = {"won": "closedwon", "lost": "closedlost", "open": "appointmentscheduled"}
    opps = crm.opportunities.assign(status=crm.opportunities["status"].map(stages))
    is_open = opps["status"] == "appointmentscheduled"
    later = is_open & (np.arange(len(opps)) % 2 == 0)  # two open stages, as in HubSpot
    opps.loc[later.to_numpy(), "status"] = "contractsent"
    tables = {"campaigns": crm.campaigns, "leads": crm.leads, "customers": crm.customers}
    out = {name: rename(frame, _ROLES[name]) for name, frame in tables.items()}
    out["opportunities"] = rename(opps, _ROLES["opportunities"])
    return out


@pytest.fixture(scope="module")
def crm():
    return make_crm(3_000, random_state=2, with_messages=False)


def test_kpi_table_on_an_export_with_its_own_names(crm) -> None:
    export = _export(crm)
    before = {k: v.copy() for k, v in export.items()}
    end = crm.truth["data_end"]
    ours = kpi_table(**export, data_end=end, columns=HUBSPOT, n_boot=100)
    reference = kpi_table(
        campaigns=crm.campaigns,
        leads=crm.leads,
        opportunities=crm.opportunities,
        customers=crm.customers,
        data_end=end,
        n_boot=100,
    )
    pd.testing.assert_frame_equal(ours.table, reference.table)
    for name, frame in export.items():  # not renamed, not changed
        pd.testing.assert_frame_equal(frame, before[name])
    roi = roi_by_channel(
        export["campaigns"], export["leads"], export["opportunities"], columns=HUBSPOT
    )
    same = roi_by_channel(crm.campaigns, crm.leads, crm.opportunities)
    pd.testing.assert_frame_equal(roi.table, same.table)


def test_crm_columns_errors_name_the_exports_own_columns(crm) -> None:
    export = _export(crm)
    end = crm.truth["data_end"]
    with pytest.raises(ValueError, match="no column 'Amount'"):
        kpi_table(
            **{**export, "opportunities": export["opportunities"].drop(columns="Amount")},
            data_end=end,
            columns=HUBSPOT,
        )
    with pytest.raises(
        ValueError, match=r"no column 'campaign_id'.*columns=CRMColumns\(campaign_id"
    ):
        kpi_table(**export, data_end=end)  # the default names are not in this export
    gaps = export["opportunities"].copy()
    gaps.loc[gaps.index[:3], "Deal Stage"] = None
    with pytest.raises(ValueError, match="'Deal Stage' of opportunities has 3 missing"):
        roi_by_channel(export["campaigns"], export["leads"], gaps, columns=HUBSPOT)
    with pytest.raises(ValueError, match="duplicated 'Contact ID'"):
        roi_by_channel(
            export["campaigns"],
            pd.concat([export["leads"], export["leads"].iloc[:1]]),
            export["opportunities"],
            columns=HUBSPOT,
        )
    negative = export["campaigns"].assign(Budget=-export["campaigns"]["Budget"])
    with pytest.raises(ValueError, match="'Budget' of campaigns has 24 negative values"):
        roi_by_channel(negative, export["leads"], export["opportunities"], columns=HUBSPOT)
    as_text = export["campaigns"].assign(Views=export["campaigns"]["Views"].astype(str))
    with pytest.raises(TypeError, match="'Views' of campaigns must be numeric"):
        kpi_table(**{**export, "campaigns": as_text}, data_end=end, columns=HUBSPOT)
    odd = export["opportunities"].copy()
    odd.loc[odd.index[:2], "Deal Stage"] = "Closed Won"  # a stage the mapping does not list
    with pytest.raises(ValueError, match=r"neither won.*\{'Closed Won': 2\}"):
        roi_by_channel(export["campaigns"], export["leads"], odd, columns=HUBSPOT)
    with pytest.raises(ValueError, match="more than one outcome"):
        CRMColumns(won_status="won", lost_status=("lost", "won"))
    with pytest.raises(TypeError, match="won_status must be a stage name"):
        CRMColumns(won_status={"won": 1})
    assert CRMColumns(won_status=["won", "signed"]).won_status == ("won", "signed")
    with pytest.raises(TypeError, match="columns must be a CRMColumns"):
        kpi_table(**export, data_end=end, columns={"lead_id": "Contact ID"})
    with pytest.raises(TypeError, match="CRMColumns.amount must be a non-empty string"):
        CRMColumns(amount="")


def test_every_role_is_checked_under_the_exports_own_name(crm) -> None:
    """After CRMColumns.read the columns carry the role names; every check runs before, so the
    errors name the export's columns ("Hours to First Touch", "Create Date"), not the roles."""
    export = _export(crm)
    end = crm.truth["data_end"]

    def kpis(**tables):
        return kpi_table(**{**export, **tables}, data_end=end, columns=HUBSPOT, n_boot=10)

    leads, opps, customers = export["leads"], export["opportunities"], export["customers"]
    answered = leads.index[leads["Hours to First Touch"].notna()]
    slow = leads.copy()
    slow.loc[answered[:1], "Hours to First Touch"] = -2.0
    with pytest.raises(ValueError, match="'Hours to First Touch' of leads has 1 negative"):
        kpis(leads=slow)
    with pytest.raises(TypeError, match="'Hours to First Touch' of leads must hold hours"):
        kpis(leads=leads.assign(**{"Hours to First Touch": "2"}))
    typo = opps.assign(**{"Create Date": opps["Create Date"].dt.strftime("%Y-%m-%d %H:%M")})
    typo.loc[typo.index[[3, 7]], "Create Date"] = ["soon", "2024-13-45"]
    with pytest.raises(
        ValueError,
        match=r"'Create Date' of opportunities has 2 of [\d,]+ values that cannot be read as "
        r"dates \(rows 3, 7; values such as \['soon', '2024-13-45'\]\)",
    ):
        kpis(opportunities=typo)
    with pytest.raises(TypeError, match=r"'MQL Date' of leads must hold dates.*got float64"):
        kpis(leads=leads.assign(**{"MQL Date": 3.5}))
    with pytest.raises(TypeError, match=r"'Churn Date' of customers must hold dates.*none"):
        kpis(customers=customers.assign(**{"Churn Date": "never"}))
    undated = opps.copy()
    undated.loc[undated.index[:2], "Create Date"] = pd.NaT
    with pytest.raises(ValueError, match="'Create Date' of opportunities has 2 missing"):
        kpis(opportunities=undated)
    backwards = opps.copy()
    backwards.loc[backwards.index[0], "Close Date"] = opps["Create Date"].iloc[0] - pd.Timedelta(
        days=2
    )
    with pytest.raises(ValueError, match="1 rows of opportunities have 'Close Date' before"):
        kpis(opportunities=backwards)
    churned = customers.index[customers["Churn Date"].notna()]
    early = customers.copy()
    early.loc[churned[:1], "Churn Date"] = early.loc[churned[:1], "Customer Since"] - pd.Timedelta(
        days=1
    )
    with pytest.raises(ValueError, match="1 rows of customers have 'Churn Date' before"):
        kpis(customers=early)
    with pytest.raises(ValueError, match="'Became SQL' of leads must be binary"):
        kpis(leads=leads.assign(**{"Became SQL": "maybe"}))
    missing = leads.assign(**{"Became MQL": leads["Became MQL"].astype(object)})
    missing.loc[missing.index[:1], "Became MQL"] = None
    with pytest.raises(ValueError, match="'Became MQL' of leads has 1 missing"):
        kpis(leads=missing)


def test_yes_no_flags_read_as_booleans(crm) -> None:
    """MQL and SQL flags written as yes/no (as many CRMs export them) give the same KPIs as
    booleans."""
    export = _export(crm)
    end = crm.truth["data_end"]
    words = export["leads"].assign(
        **{col: np.where(export["leads"][col], "Yes", "No") for col in ("Became MQL", "Became SQL")}
    )
    ours = kpi_table(**{**export, "leads": words}, data_end=end, columns=HUBSPOT, n_boot=20)
    reference = kpi_table(**export, data_end=end, columns=HUBSPOT, n_boot=20)
    pd.testing.assert_frame_equal(ours.table, reference.table)
