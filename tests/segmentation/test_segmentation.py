"""RFM summary, scores, named segments and CustomerSegmenter: hand-checked, real data, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research.segmentation import (
    RFM_SEGMENT_RULES,
    CustomerSegmenter,
    RFMDataWarning,
    SegmentProfile,
    SegmentStability,
    SegmentValue,
    rfm_scores,
    rfm_segments,
    rfm_summary,
)
from tests.segmentation._helpers import summarise


@pytest.fixture
def dirty() -> pd.DataFrame:
    """A small export with every kind of dirt, checked by hand below."""
    return pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a", "b", "c", None, "a"],
            "date": [
                "2024-01-01",
                "2024-01-01",
                "2024-01-11",
                "2024-01-20",
                "2024-01-05",
                "2024-01-03",
                "2024-01-04",
                "2024-02-10",
            ],
            "amount": [10.0, 5.0, 20.0, -20.0, 8.0, -5.0, 7.0, 30.0],
        }
    )


# -- rfm_summary: hand-checked -----------------------------------------------------------------


def test_rfm_summary_hand_checked(dirty: pd.DataFrame) -> None:
    before = dirty.copy()
    summary, cleaned = summarise(dirty, observation_end="2024-01-31")
    report = cleaned.to_frame()
    pd.testing.assert_frame_equal(dirty, before)  # the caller's frame is untouched
    assert list(summary.index) == ["a", "b"]  # c has only a return
    a, b = summary.loc["a"], summary.loc["b"]
    # a: Jan 1 (10 + 5) and Jan 11 (20); the Jan 20 return of 20 nets the Jan 11 purchase in
    # full, so only the Jan 1 occasion is left; the Feb 10 row is after the end
    assert (a.frequency, a.recency, a["T"], a.monetary_value) == (0.0, 0.0, 30.0, 0.0)
    assert (a.n_purchases, a.total_spend, a.days_since_last) == (2, 15.0, 30)
    assert a.avg_spend == pytest.approx(15 / 2)
    assert a.returned_amount == 20.0
    assert a.first_purchase == a.last_purchase == pd.Timestamp("2024-01-01")
    # b: one purchase: no repeat, so monetary_value is 0 by definition
    assert (b.frequency, b.recency, b["T"], b.monetary_value) == (0.0, 0.0, 26.0, 0.0)
    assert (b.n_purchases, b.total_spend, b.days_since_last) == (1, 8.0, 26)

    rows = report.set_index("rule")
    assert rows.loc["missing customer id", "rows"] == 1
    assert rows.loc["missing customer id", "amount"] == 7.0
    assert rows.loc["return or cancellation", "rows"] == 2
    assert rows.loc["return or cancellation", "amount"] == -25.0
    assert rows.loc["after observation_end", "rows"] == 1
    assert rows.loc["after observation_end", "amount"] == 30.0
    assert rows.loc["return netted against an earlier purchase", ["rows", "amount"]].tolist() == [
        1,
        -20.0,
    ]
    assert rows.loc["purchase cancelled in full", ["rows", "amount"]].tolist() == [1, 20.0]
    # c returned 5 with no purchase to net against
    assert rows.loc["return without an earlier purchase to net", ["rows", "amount"]].tolist() == [
        1,
        -5.0,
    ]
    assert rows.loc["duplicate row", "rows"] == 0
    assert rows.loc["customers with returns but no purchase", "rows"] == 1
    assert (cleaned.rows_in, cleaned.rows_used, cleaned.customers) == (8, 3, 2)

    # the gross rule leaves the purchases as they were
    gross = summarise(dirty, observation_end="2024-01-31", returns="exclude")
    a = gross[0].loc["a"]
    assert (a.frequency, a.recency, a["T"], a.monetary_value) == (1.0, 10.0, 30.0, 20.0)
    assert (a.n_purchases, a.total_spend, a.days_since_last) == (3, 35.0, 20)
    assert a.returned_amount == 20.0
    assert gross[1].rows_used == 4


def test_rfm_summary_warns_instead_of_dropping_silently(dirty: pd.DataFrame) -> None:
    with pytest.warns(RFMDataWarning, match="used 3 of 8 rows.*missing customer id: 1") as caught:
        rfm_summary(dirty, observation_end="2024-01-31")
    assert "clean_transactions" in str(caught[0].message) and caught[0].filename == __file__


def test_rfm_summary_default_observation_end_is_last_purchase(dirty: pd.DataFrame) -> None:
    summary = summarise(dirty)[0]
    assert summary.loc["a", "T"] == 40.0  # Jan 1 -> Feb 10
    assert summary.loc["a", "frequency"] == 1.0  # Jan 1 and Feb 10; Jan 11 was returned


def test_rfm_summary_weekly_and_scaled_units() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": ["x", "x", "x"],
            # Monday and Sunday of the same week, then the next Monday
            "date": pd.to_datetime(["2024-01-01", "2024-01-07", "2024-01-08"]),
            "amount": [1.0, 2.0, 4.0],
        }
    )
    weekly = summarise(tx, observation_end="2024-01-31", time_unit="W")[0].loc["x"]
    # pandas' weekly periods agree: Jan 31 is in the 5th week from Jan 1
    assert (weekly.frequency, weekly.recency, weekly["T"]) == (1.0, 1.0, 4.0)
    assert weekly.monetary_value == 4.0  # the repeat week's value; the first week held 1 + 2
    scaled = summarise(tx, observation_end="2024-01-31", time_scale=7)[0].loc["x"]
    assert (scaled.frequency, scaled.recency, scaled["T"]) == (2.0, 1.0, 30 / 7)
    monthly = summarise(tx, observation_end="2024-03-15", time_unit="M")[0].loc["x"]
    assert (monthly.frequency, monthly.recency, monthly["T"]) == (0.0, 0.0, 2.0)


def test_rfm_summary_invoices_cancellations_and_duplicates() -> None:
    tx = pd.DataFrame(
        {
            "cust": ["k", "k", "k", "k", "k"],
            "when": ["2024-03-01", "2024-03-01", "2024-03-05", "2024-03-05", "2024-03-06"],
            "value": [3.0, 4.0, 5.0, 5.0, 6.0],
            "qty": [1, 1, 1, 1, 2],
            "invoice": ["1", "1", "2", "2", "C3"],
        }
    )
    kw = dict(customer_col="cust", date_col="when", amount_col="value", quantity_col="qty")
    kept, cleaned = summarise(tx, invoice_col="invoice", **kw)
    report = cleaned.to_frame()
    k = kept.loc["k"]
    # C3 (6) nets invoice 2 of Mar 5 (5 + 5): one line in full, 1 off the other
    assert k.n_purchases == 2  # invoices 1 and 2; C3 is a cancellation
    assert k.total_spend == 11.0 and k.returned_amount == 6.0
    rows = report.set_index("rule")
    assert rows.loc["duplicate row", "rows"] == 1
    assert (
        "compared on every mapped column: cust, when, value, qty, invoice"
        in rows.loc["duplicate row", "action"]
    )
    assert rows.loc["purchase cancelled in full", "rows"] == 1
    assert rows.loc["return netted against an earlier purchase", "amount"] == -6.0
    dropped = summarise(tx, invoice_col="invoice", duplicates="drop", **kw)[0].loc["k"]
    # one Mar 5 line is a duplicate: C3 cancels the other (5), then takes 1 off Mar 1's 4
    assert (dropped.total_spend, dropped.n_purchases, dropped.frequency) == (6.0, 1, 0.0)
    gross = summarise(tx, invoice_col="invoice", duplicates="drop", returns="exclude", **kw)[0]
    gross = gross.loc["k"]
    assert gross.total_spend == 12.0
    assert gross.monetary_value == 5.0
    assert kept.index.name == "cust"


def test_rfm_summary_negative_quantity_is_a_return() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": [1, 1, 1],
            "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
            "amount": [10.0, 10.0, 4.0],
            "quantity": [1, -1, 1],
        }
    )
    summary = summarise(tx, quantity_col="quantity")[0]
    # the Jan 2 return cancels the Jan 1 purchase: the Jan 3 one is left
    assert summary.loc[1, "n_purchases"] == 1
    assert summary.loc[1, "total_spend"] == 4.0
    assert summary.loc[1, "returned_amount"] == 10.0
    gross = summarise(tx, quantity_col="quantity", returns="exclude")[0]
    assert gross.loc[1, "n_purchases"] == 2 and gross.loc[1, "total_spend"] == 14.0


# -- rfm_summary: real data ------------------------------------------------------------------


def test_rfm_summary_cdnow_master(cdnow_master: pd.DataFrame) -> None:
    summary, cleaned = summarise(cdnow_master)
    report = cleaned.to_frame()
    # 80 lines of $0 are not purchases; 68 customers had nothing else
    rows = report.set_index("rule")
    assert rows.loc["zero-value line", "rows"] == 80
    assert rows.loc["customers with only zero-value lines", "rows"] == 68
    assert len(summary) == 23_570 - 68
    assert summary["n_purchases"].sum() == 69_659 - 80
    assert summary["total_spend"].sum() == pytest.approx(2_500_315.63, abs=0.01)
    everyone = summarise(cdnow_master, zero_amounts="keep")[0]
    assert len(everyone) == 23_570 and everyone["n_purchases"].sum() == 69_659
    assert cleaned.observation_end == pd.Timestamp("1998-06-30")
    assert cleaned.customers == len(summary) and cleaned.rows_used == 69_659 - 80
    assert (summary["recency"] <= summary["T"]).all()
    assert (summary["frequency"] < summary["n_purchases"]).all()


def test_rfm_summary_matches_lifetimes_on_the_cdnow_sample(
    cdnow_sample: pd.DataFrame, mirror
) -> None:
    """Lifetimes' published summary of the sample (39 weeks to 1997-09-30, days / 7)."""
    # lifetimes and the paper count the 8 purchases of $0 too
    ours = summarise(cdnow_sample, observation_end="1997-09-30", time_scale=7, zero_amounts="keep")[
        0
    ]
    ours.index = ours.index.astype(int)
    ref = pd.read_csv(mirror / "cdnow" / "cdnow_customers_summary_with_transactions.csv")
    ref = ref.set_index("ID").loc[ours.index]
    assert len(ours) == 2_357
    np.testing.assert_array_equal(ours["frequency"], ref["x"])
    # the reference is rounded to 2 decimals
    np.testing.assert_allclose(ours["recency"], ref["t_x"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(ours["T"], ref["T"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(ours["monetary_value"], ref["zbar"], atol=0.005 + 1e-9)
    assert (ours["frequency"] > 0).sum() == 946  # the repeat buyers of the Gamma-Gamma fit


# -- rfm_summary: bad input ------------------------------------------------------------------


def test_rfm_summary_rejects_what_it_cannot_read(dirty: pd.DataFrame) -> None:
    with pytest.raises(TypeError, match="DataFrame"):
        rfm_summary(dirty.to_dict())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="positional"):
        rfm_summary(dirty, "customer_id")  # type: ignore[misc]
    with pytest.raises(ValueError, match="no column 'customer'.*_col argument"):
        rfm_summary(dirty, customer_col="customer")
    with pytest.raises(ValueError, match="empty"):
        rfm_summary(dirty.iloc[0:0])
    with pytest.raises(ValueError, match="time_unit"):
        rfm_summary(dirty, time_unit="Y")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="time_scale"):
        rfm_summary(dirty, time_scale=0)
    with pytest.raises(ValueError, match="none of the 8 rows is a purchase"):
        rfm_summary(dirty, observation_end="2023-12-31")


def test_rfm_summary_renamed_columns_work(dirty: pd.DataFrame) -> None:
    renamed = dirty.rename(columns={"customer_id": "Kunde", "date": "Datum", "amount": "Wert"})
    got = summarise(renamed, customer_col="Kunde", date_col="Datum", amount_col="Wert")[0]
    want = summarise(dirty)[0]
    np.testing.assert_array_equal(got.to_numpy(), want.to_numpy())
    assert got.index.name == "Kunde"


def test_rfm_summary_bad_dates_name_the_rows(dirty: pd.DataFrame) -> None:
    bad = dirty.copy()
    bad.loc[2, "date"] = "2024-13-45"
    bad.loc[5, "date"] = None
    with pytest.raises(ValueError, match=r"2 of 8 rows.*rows 2, 5.*2024-13-45"):
        rfm_summary(bad)


def test_rfm_summary_amounts(dirty: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=r"2 of 8 rows are returns.*rows 3, 5.*returns='net'"):
        rfm_summary(dirty, returns="error")
    missing = dirty.copy()
    missing.loc[1, "amount"] = np.nan
    with pytest.raises(ValueError, match=r"'amount' has 1 missing values of 8 rows \(rows 1\)"):
        rfm_summary(missing)
    text = dirty.astype({"amount": "object"})
    text.loc[3, "amount"] = "ten"
    with pytest.raises(ValueError, match=r"'amount' must be numeric.*rows 3"):
        rfm_summary(text)


def test_rfm_summary_nan_ids_only_are_reported(dirty: pd.DataFrame) -> None:
    ids = dirty.copy()
    ids["customer_id"] = None
    with pytest.raises(ValueError, match="none of the 8 rows.*8 rows have no 'customer_id'"):
        rfm_summary(ids)


# -- scores ---------------------------------------------------------------------------------------


def test_rfm_scores_hand_checked_with_ties() -> None:
    s = pd.DataFrame(
        {
            "days_since_last": [10, 10, 30, 60, 90],
            "n_purchases": [1, 1, 1, 2, 7],
            "total_spend": [5.0, 50.0, 20.0, 20.0, 100.0],
        },
        index=list("vwxyz"),
    )
    scored = rfm_scores(s)
    # R: the two customers tied at 10 days share the top score: 1 + floor(5 * 3 / 5) = 4
    assert scored["r_score"].tolist() == [4, 4, 3, 2, 1]
    # F: three one-time buyers tie at the bottom; 2 purchases has 3 worse -> 1 + floor(5*3/5)
    assert scored["f_score"].tolist() == [1, 1, 1, 4, 5]
    assert scored["m_score"].tolist() == [1, 4, 2, 2, 5]
    assert scored["fm_score"].tolist() == [1, 3, 2, 3, 5]  # (1+4)/2 = 2.5 rounds up
    assert scored["rfm_cell"].tolist() == ["411", "414", "312", "242", "155"]
    assert list(scored.index) == list("vwxyz")
    assert "r_score" not in s


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(0, 20), min_size=1, max_size=60),
    st.integers(2, 10),
)
def test_rfm_scores_properties(values: list[int], bins: int) -> None:
    s = pd.DataFrame({"days_since_last": values, "n_purchases": values, "total_spend": values})
    scored = rfm_scores(s, bins=bins)
    for col in ("r_score", "f_score", "m_score"):
        assert scored[col].between(1, bins).all()
        # equal values, equal scores
        assert (scored.groupby(s["n_purchases"])[col].nunique() == 1).all()
    order = np.argsort(values, kind="stable")
    assert np.all(np.diff(scored["f_score"].to_numpy()[order]) >= 0)
    assert np.all(np.diff(scored["r_score"].to_numpy()[order]) <= 0)


def test_rfm_scores_take_the_marketing_columns_only() -> None:
    """recency_col / frequency_col / monetary_col name other quantities in research.clv: the
    scores have their own names, and the old ones are refused."""
    s = pd.DataFrame({"days": [5, 50, 500], "n": [4, 1, 2], "spend": [400.0, 20, 80]})
    new = rfm_scores(s, 3, days_since_last_col="days", purchases_col="n", spend_col="spend")
    assert new["r_score"].tolist() == [3, 2, 1] and new["f_score"].tolist() == [3, 1, 2]
    for old in ("recency_col", "frequency_col", "monetary_col"):
        with pytest.raises(TypeError, match=f"unexpected keyword argument '{old}'"):
            rfm_scores(s, 3, **{old: "days"})
        with pytest.raises(TypeError, match=f"unexpected keyword argument '{old}'"):
            rfm_segments(s, **{old: "days"})
    s5 = pd.DataFrame({"days": range(1, 11), "n": range(1, 11), "spend": range(1, 11)})
    named = rfm_segments(s5, days_since_last_col="days", purchases_col="n", spend_col="spend")
    assert (
        named["r_score"].tolist()
        == rfm_scores(
            s5.rename(
                columns={"days": "days_since_last", "n": "n_purchases", "spend": "total_spend"}
            )
        )["r_score"].tolist()
    )


def test_rfm_scores_bad_input() -> None:
    s = pd.DataFrame({"days_since_last": [1, 2], "n_purchases": [1, 2], "total_spend": [1.0, 2]})
    with pytest.raises(ValueError, match="bins"):
        rfm_scores(s, bins=1)
    with pytest.raises(ValueError, match="no column 'spend'"):
        rfm_scores(s, spend_col="spend")
    with pytest.raises(TypeError, match="unexpected keyword argument.*'recency'"):
        rfm_scores(s, recency="days_since_last")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="bins must be an integer from 2 to 10"):
        rfm_scores(s, bins=11)
    with pytest.raises(ValueError, match=r"'n_purchases' of summary has 1 missing"):
        rfm_scores(s.assign(n_purchases=[1, np.nan]))
    with pytest.raises(TypeError, match="numeric"):
        rfm_scores(s.assign(total_spend=["a", "b"]))
    with pytest.raises(ValueError, match="empty"):
        rfm_scores(s.iloc[0:0])


# -- segments -------------------------------------------------------------------------------------


def test_default_rules_cover_the_grid_once() -> None:
    cells = [
        (r, fm)
        for rule in RFM_SEGMENT_RULES.itertuples()
        for r in range(rule.r_min, rule.r_max + 1)
        for fm in range(rule.fm_min, rule.fm_max + 1)
    ]
    assert len(cells) == 25 and len(set(cells)) == 25
    assert set(RFM_SEGMENT_RULES["segment"]) == {
        "champions",
        "loyal",
        "potential loyalist",
        "new",
        "promising",
        "need attention",
        "about to sleep",
        "at risk",
        "cannot lose them",
        "hibernating",
        "lost",
    }


def test_rfm_segments_hand_checked() -> None:
    s = pd.DataFrame(
        {
            "days_since_last": [5, 50, 500, 400, 20],
            "n_purchases": [9, 3, 1, 6, 1],
            "total_spend": [900.0, 80, 9, 700, 15],
        }
    )
    seg = rfm_segments(s)
    # R = 5,3,1,2,4; F = 5,3,1,4,1; M = 5,3,1,4,2; FM = 5,3,1,4,2
    assert seg["segment"].tolist() == [
        "champions",
        "need attention",
        "lost",
        "at risk",
        "potential loyalist",
    ]
    assert list(seg["segment"].cat.categories) == list(RFM_SEGMENT_RULES["segment"])
    # scoring first, then segmenting, gives the same answer
    assert rfm_segments(rfm_scores(s))["segment"].tolist() == seg["segment"].tolist()


def test_rfm_segments_custom_rules() -> None:
    s = pd.DataFrame({"days_since_last": [1, 9], "n_purchases": [5, 1], "total_spend": [9.0, 1]})
    rules = pd.DataFrame(
        {
            "segment": ["top", "rest"],
            "r_min": [2, 1],
            "r_max": [2, 1],
            "fm_min": [2, 1],
            "fm_max": [2, 2],
        }
    )
    assert rfm_segments(s, rules, bins=2)["segment"].tolist() == ["top", "rest"]
    partial = rules.iloc[:1]
    with pytest.warns(RFMDataWarning, match="1 of 2 customers fall in no rule"):
        out = rfm_segments(s, partial, bins=2)
    assert out["segment"].tolist() == ["top", "unclassified"]
    overlap = pd.concat([rules, rules.iloc[:1].assign(segment="again")])
    with pytest.raises(ValueError, match="overlap: cell R=2, FM=2"):
        rfm_segments(s, overlap, bins=2)
    with pytest.raises(ValueError, match="integer 1..2"):
        rfm_segments(s, rules.assign(r_max=[3, 1]), bins=2)
    with pytest.raises(ValueError, match="no column 'fm_max'"):
        rfm_segments(s, rules.drop(columns="fm_max"), bins=2)


def test_rfm_segments_cdnow(cdnow_master: pd.DataFrame) -> None:
    seg = rfm_segments(summarise(cdnow_master)[0])
    counts = seg["segment"].value_counts()
    assert counts.sum() == 23_502  # the customers with a purchase of more than $0
    assert "unclassified" not in seg["segment"].cat.categories
    # CDNOW is one cohort that first bought in early 1997: nobody is a recent first-time buyer
    assert counts["new"] == 0
    assert counts["champions"] > 1_000 and counts["lost"] > 1_000
    champions = seg[seg["segment"] == "champions"]
    assert champions["total_spend"].mean() > 2.5 * seg["total_spend"].mean()


# -- CustomerSegmenter ----------------------------------------------------------------------------


def _blobs(n: int = 300, seed: int = 1) -> pd.DataFrame:
    """Three well-separated customer groups, in the units rfm_summary produces."""
    rng = np.random.default_rng(seed)
    groups = [(10, 12, 80.0), (200, 3, 30.0), (600, 1, 10.0)]
    parts = []
    for g, (days, n_buy, spend) in enumerate(groups):
        parts.append(
            pd.DataFrame(
                {
                    "days_since_last": rng.lognormal(np.log(days), 0.15, n).round(),
                    "n_purchases": np.maximum(1, rng.lognormal(np.log(n_buy), 0.1, n).round()),
                    "avg_spend": rng.lognormal(np.log(spend), 0.1, n),
                    "group": g,
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out["total_spend"] = out["avg_spend"] * out["n_purchases"]
    out.index = [f"c{i}" for i in range(len(out))]
    return out


def test_segmenter_finds_planted_groups() -> None:
    data = _blobs()
    seg = CustomerSegmenter(k_range=(2, 6), random_state=0).fit(data)
    assert seg.n_segments_ == 3
    assert seg.selection_scores_["k"].tolist() == [2, 3, 4, 5, 6]
    assert seg.selection_scores_.loc[seg.selection_scores_["chosen"], "k"].item() == 3
    # segment 1 is the most valuable: the recent, frequent, high-spend group 0
    truth = pd.crosstab(seg.labels_, data["group"])
    assert truth.loc[1, 0] == 300 and truth.loc[2, 1] == 300 and truth.loc[3, 2] == 300
    assert seg.segment_names_[1] == "recent, frequent, high spend"
    # new customers are assigned like the training ones
    fresh = data.iloc[[0, 400, 800]].copy()
    assert seg.predict(fresh).tolist() == [1, 2, 3]
    assert data.columns.tolist() == [
        "days_since_last",
        "n_purchases",
        "avg_spend",
        "group",
        "total_spend",
    ]


def test_segmenter_profile_and_stability() -> None:
    data = _blobs()
    seg = CustomerSegmenter(n_segments=3, random_state=0).fit(data)
    profile = seg.profile()
    assert isinstance(profile, SegmentProfile) and profile.ci == 0.95
    assert profile.n_customers == 900 and profile.features == seg.features
    prof = profile.to_frame()
    assert prof["customers"].tolist() == [300, 300, 300]
    assert prof["share"].sum() == pytest.approx(1)
    assert prof["value_share"].sum() == pytest.approx(1)
    assert prof["value_total"].sum() == pytest.approx(data["total_spend"].sum())
    assert (prof["value_mean_low"] < prof["value_mean"]).all()
    assert (prof["value_mean"] < prof["value_mean_high"]).all()
    assert prof.loc[1, "n_purchases_lift"] > 2
    # the value part is a SegmentValue of the same numbers, with the segments' names
    value = profile.value
    assert isinstance(value, SegmentValue) and value.value_col == "total_spend"
    pd.testing.assert_frame_equal(value.to_frame(), prof[value.table.columns])
    assert value.segment_names == seg.segment_names_
    narrow = seg.profile(ci=0.5).to_frame()
    assert (narrow["value_mean_high"] < prof["value_mean_high"]).all()
    assert "customers in 3 segments" in repr(profile) and "50% t-intervals" in repr(
        seg.profile(ci=0.5)
    )
    stab = seg.stability(n_boot=8)
    assert isinstance(stab, SegmentStability) and (stab.n_boot, stab.ci) == (8, 0.95)
    table = stab.to_frame()
    assert set(table["segment"]) == {"all", "1", "2", "3"}
    assert (table["estimate"] > 0.95).all()
    # Hennig's thresholds judge the segments' Jaccard similarity, not the adjusted Rand index
    jaccard = table["metric"] == "jaccard"
    assert (table.loc[jaccard, "verdict"] == "stable").all()
    assert table.loc[~jaccard, "verdict"].isna().all()
    assert (table["low"] <= table["estimate"]).all() and (table["estimate"] <= table["high"]).all()
    assert stab.draws.shape == (8, 4) and stab.unstable == []
    assert stab.adjusted_rand == pytest.approx(stab.draws["adjusted_rand"].mean())
    # percentile intervals of the draws, at the level asked
    low, high = np.quantile(stab.draws[1], [0.05, 0.95])
    wide = seg.stability(n_boot=8, ci=0.9).to_frame().set_index("segment")
    assert (wide.loc["1", "low"], wide.loc["1", "high"]) == pytest.approx((low, high))


def test_segmentation_results_hold_their_own_read_only_names_and_counts() -> None:
    from research.segmentation import rfm_grid, segment_value_table

    names = {1: "recent", 2: "rare"}
    table = pd.DataFrame({"segment": ["1"], "metric": ["jaccard"], "estimate": [0.9]})
    stab = SegmentStability(table, 0.95, 10, pd.DataFrame(), names)
    seg = pd.DataFrame({"segment": [1, 1, 2], "total_spend": [10.0, 20.0, 5.0]})
    value = SegmentValue(segment_value_table(seg).table, 0.95, 3, "total_spend", names)
    names[1] = "changed"  # the caller's dict, changed later, does not change the results
    for result in (stab, value):
        assert result.segment_names == {1: "recent", 2: "rare"}
        with pytest.raises(TypeError):
            result.segment_names[1] = "x"  # type: ignore[index]
    cells = pd.DataFrame({"r_score": [5, 1], "fm_score": [5, 1], "segment": ["champions", "lost"]})
    grid = rfm_grid(cells)
    with pytest.raises(ValueError, match="read-only"):
        grid.segment_customers.iloc[0] = 99
    assert grid.segment_customers["champions"] == 1


def test_stability_verdicts_and_unstable_segments_hand_checked() -> None:
    from research.segmentation.clusters import _verdicts

    assert _verdicts(np.array([0.59, 0.6, 0.74, 0.75, 0.9])).tolist() == [
        "dissolved",
        "unclear",
        "unclear",
        "stable",
        "stable",
    ]
    table = pd.DataFrame(
        {
            "segment": ["all", "1", "2", "3"],
            "metric": ["adjusted_rand", "jaccard", "jaccard", "jaccard"],
            "estimate": [0.7, 0.9, 0.65, 0.4],
            "low": 0.0,
            "high": 1.0,
            "verdict": ["unclear", "stable", "unclear", "dissolved"],
        }
    )
    stab = SegmentStability(table, 0.95, 10, pd.DataFrame(), {1: "a"})
    assert stab.unstable == ["2", "3"] and stab.adjusted_rand == 0.7


def test_segmenter_is_deterministic_and_gmm_works() -> None:
    data = _blobs()
    a = CustomerSegmenter(n_segments=3, method="gmm", n_init=2, random_state=3).fit(data)
    b = CustomerSegmenter(n_segments=3, method="gmm", n_init=2, random_state=3).fit(data)
    pd.testing.assert_series_equal(a.labels_, b.labels_)
    auto = CustomerSegmenter(method="gmm", k_range=(2, 4), n_init=1).fit(data)
    assert "bic" in auto.selection_scores_


def test_segmenter_bad_input() -> None:
    data = _blobs(20)
    with pytest.raises(ValueError, match="no column 'avg_spend'"):
        CustomerSegmenter(n_segments=2).fit(data.drop(columns="avg_spend"))
    with pytest.raises(ValueError, match=r"1 customers with negative.*log_transform=False"):
        CustomerSegmenter(n_segments=2).fit(data.assign(avg_spend=[-1.0] + [1.0] * 59))
    with pytest.raises(ValueError, match=r"1 of 60 customers with missing"):
        CustomerSegmenter(n_segments=2).fit(data.assign(avg_spend=[np.nan] + [1.0] * 59))
    with pytest.raises(ValueError, match="n_segments"):
        CustomerSegmenter(n_segments=1).fit(data)
    with pytest.raises(ValueError, match="method"):
        CustomerSegmenter(method="dbscan").fit(data)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not fitted"):
        CustomerSegmenter().predict(data)
    with pytest.raises(TypeError, match="DataFrame"):
        CustomerSegmenter().fit(data.to_numpy())  # type: ignore[arg-type]
    fitted = CustomerSegmenter(n_segments=2).fit(data)
    with pytest.raises(ValueError, match="n_boot"):
        fitted.stability(n_boot=1)
    for ci in (0, 1, 95):
        with pytest.raises(ValueError, match="ci must be between 0 and 1"):
            fitted.stability(n_boot=2, ci=ci)
        with pytest.raises(ValueError, match="ci must be between 0 and 1"):
            fitted.profile(ci=ci)
    with pytest.raises(TypeError, match="X must be a pandas DataFrame"):
        fitted.profile(data.to_numpy())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="'total_spend' of X must be numeric"):
        CustomerSegmenter(n_segments=2).fit(data.assign(total_spend="x"))


def test_segmenter_cdnow(cdnow_master: pd.DataFrame) -> None:
    summary = summarise(cdnow_master)[0]
    seg = CustomerSegmenter(k_range=(3, 5), silhouette_sample=2_000, n_init=3).fit(summary)
    assert 3 <= seg.n_segments_ <= 5
    prof = seg.profile().to_frame()
    assert prof["customers"].sum() == 23_502
    # segments are numbered by mean value, most valuable first
    assert prof["value_mean"].is_monotonic_decreasing
    assert prof["value_share"].iloc[0] > prof["share"].iloc[0]
    assert seg.predict(summary.head(50)).tolist() == seg.labels_.head(50).tolist()


# -- the exact duplicate finder behind rfm_summary's report ----------------------------------


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 2), st.sampled_from([0.0, -0.0, 1.5, 2.0])),
        min_size=1,
        max_size=40,
    )
)
def test_duplicated_matches_pandas(rows: list[tuple[int, int, float]]) -> None:
    from research.segmentation.cleaning import _duplicated

    frame = pd.DataFrame(rows, columns=["a", "b", "c"])
    cols = [frame[c].to_numpy() for c in frame]
    got = _duplicated(cols, np.ones(len(frame), dtype=bool))
    np.testing.assert_array_equal(got, frame.duplicated().to_numpy())


def test_duplicated_survives_hash_collisions(monkeypatch: pytest.MonkeyPatch) -> None:
    import research.segmentation.cleaning as seg

    monkeypatch.setattr(seg, "_hash_rows", lambda cols: np.zeros(len(cols[0]), np.uint64))
    frame = pd.DataFrame({"a": [1, 2, 1, 3, 2, 1], "b": [5.0, 5.0, 5.0, 6.0, 5.0, 7.0]})
    mask = np.array([True, True, True, True, True, False])
    got = seg._duplicated([frame["a"].to_numpy(), frame["b"].to_numpy()], mask)
    np.testing.assert_array_equal(got, [False, False, True, False, True])
