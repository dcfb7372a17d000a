"""opportunity_stages: a lead table with its deals' dates, from a leads and a deals export, every
combining rule counted."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from research.data import load_olist_funnel
from research.data.synthetic import make_crm
from research.funnel import FunnelDataWarning, funnel, opportunity_stages


def _exports() -> tuple[pd.DataFrame, pd.DataFrame]:
    """HubSpot-style: deal stages named 'closedwon' / 'closedlost', a lead with two deals, a
    deal without a lead, and a lead without a deal."""
    leads = pd.DataFrame({"Contact ID": ["c1", "c2", "c3", "c4"], "Source": list("abab")})
    deals = pd.DataFrame(
        {
            "Contact ID": ["c1", "c2", "c2", "c9", "c3"],
            "Create Date": pd.to_datetime(
                ["2024-01-10", "2024-01-05", "2024-02-01", "2024-01-01", "2024-03-01"]
            ),
            "Close Date": pd.to_datetime(["2024-02-10", "2024-01-20", "2024-03-15", None, None]),
            "Deal Stage": ["closedwon", "closedlost", "closedwon", "closedwon", "open"],
        }
    )
    return leads, deals


def _call(leads, deals):
    return opportunity_stages(
        leads,
        deals,
        lead_col="Contact ID",
        opened_col="Create Date",
        closed_col="Close Date",
        status_col="Deal Stage",
        won_status="closedwon",
    )


def test_opportunity_stages_hand_checked() -> None:
    leads, deals = _exports()
    before = deals.copy()
    with pytest.warns(FunnelDataWarning) as caught:
        out = _call(leads, deals)
    messages = " ".join(str(w.message) for w in caught)
    assert "1 of 5 opportunities have a 'Contact ID' that is not in leads" in messages
    assert "1 leads have more than one opportunity (2 opportunities)" in messages
    pd.testing.assert_frame_equal(deals, before)
    assert out["Contact ID"].tolist() == ["c1", "c2", "c3", "c4"]  # same rows, same order
    assert out["Source"].tolist() == list("abab")
    # c2: opened first on 5 Jan (lost), won by its second deal, closed 15 Mar
    c2 = out.set_index("Contact ID").loc["c2"]
    assert c2["opportunity_at"] == pd.Timestamp("2024-01-05")
    assert c2["won_at"] == pd.Timestamp("2024-03-15") and c2["status"] == "closedwon"
    assert c2["closed_at"] == pd.Timestamp("2024-03-15")
    c3 = out.set_index("Contact ID").loc["c3"]
    assert c3["status"] == "open" and pd.isna(c3["won_at"]) and pd.isna(c3["closed_at"])
    c4 = out.set_index("Contact ID").loc["c4"]
    assert pd.isna(c4["opportunity_at"]) and pd.isna(c4["status"])
    assert out["won_at"].notna().tolist() == [True, True, False, False]
    result = funnel(out, ["opportunity_at", "won_at"], lead_col="Contact ID")
    assert result.table["entered"].tolist() == [3, 2]


def test_opportunity_stages_is_the_synthetic_crm_join() -> None:
    crm = make_crm(2_000, random_state=4, with_messages=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one deal per lead, every deal with a lead: no warning
        out = opportunity_stages(crm.leads, crm.opportunities)
    won = crm.opportunities[crm.opportunities["status"] == "won"]
    assert out["won_at"].notna().sum() == len(won)
    assert out["opportunity_at"].notna().sum() == len(crm.opportunities)
    assert (out["won_at"].dropna() >= out.loc[out["won_at"].notna(), "opportunity_at"]).all()


def test_opportunity_stages_on_olist(mirror) -> None:
    """Olist's two files: MQLs, and the deals closed (all won) with their date."""
    folder = mirror / "olist_marketing_funnel"
    mqls = pd.read_csv(folder / "olist_marketing_qualified_leads_dataset.csv")
    deals = pd.read_csv(folder / "olist_closed_deals_dataset.csv", parse_dates=["won_date"])
    deals = deals.assign(opened=deals["won_date"], status="won")
    out = opportunity_stages(
        mqls, deals, lead_col="mql_id", opened_col="opened", closed_col="won_date"
    )
    reference = load_olist_funnel()
    assert len(out) == len(mqls) == len(reference)
    assert out["won_at"].notna().sum() == int(reference["won"].sum()) == len(deals)
    by_id = reference.set_index("mql_id")["won_date"]
    pd.testing.assert_series_equal(
        out.set_index("mql_id")["won_at"], by_id.reindex(out["mql_id"]), check_names=False
    )


def test_opportunity_stages_bad_input() -> None:
    leads, deals = _exports()
    with pytest.raises(TypeError, match="opportunities must be a pandas DataFrame"):
        opportunity_stages(leads, deals.to_dict(), lead_col="Contact ID")
    with pytest.raises(ValueError, match="'Deal Stage'"):
        _call(leads, deals.drop(columns="Deal Stage"))
    with pytest.raises(ValueError, match="duplicated 'Contact ID'"):
        _call(pd.concat([leads, leads.iloc[:1]]), deals)
    with pytest.raises(ValueError, match="already has column.*'status'"):
        _call(leads.assign(status="x"), deals)
    with pytest.raises(TypeError, match="'Close Date' of opportunities must hold dates"):
        _call(leads, deals.assign(**{"Close Date": "later"}))
    typo = deals.assign(**{"Create Date": ["2024-01-10", "2024-01-05", "x", "", "2024-03-01"]})
    with pytest.raises(ValueError, match=r"'Create Date' of opportunities has 1 of 4 values.*'x'"):
        _call(leads, typo)


def test_opportunity_stages_categorical_ids_no_match_and_missing_ids() -> None:
    deals = pd.DataFrame(
        {
            "lead_id": pd.Categorical(["a", "b"]),
            "created_at": pd.to_datetime(["2024-01-01", "2024-01-02"]),
            "closed_at": pd.to_datetime(["2024-02-01", None]),
            "status": pd.Categorical(["won", "open"]),
        }
    )
    out = opportunity_stages(pd.DataFrame({"lead_id": pd.Categorical(["a", "b"])}), deals)
    assert out["status"].astype(str).tolist() == ["won", "open"]  # not swapped
    assert out["won_at"].notna().tolist() == [True, False]
    # ids that match no deal ("1" against 1): every deal is an orphan, said so, no crash
    with pytest.warns(FunnelDataWarning, match="2 of 2 opportunities"):
        none = opportunity_stages(pd.DataFrame({"lead_id": ["1"]}), deals.assign(lead_id=[1, 2]))
    assert none["opportunity_at"].isna().all() and none["won_at"].isna().all()
    # a deal without a lead id does not attach itself to a lead without an id
    leads = pd.DataFrame({"lead_id": [1.0, float("nan")]})
    with pytest.warns(FunnelDataWarning, match="1 of 2 opportunities"):
        out = opportunity_stages(leads, deals.assign(lead_id=[1.0, float("nan")]))
    assert out["status"].isna().tolist() == [False, True]
