"""The cleaning rules of rfm_summary on a retailer's export: cancellations and returns netted
against the purchases they undo, duplicates judged on every mapped column, zero-value lines,
unit prices, blank and mixed-type ids; each rule counted, and properties (row order, no
mutation, recency within T, customer counts) checked on generated exports."""

from __future__ import annotations

import html
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research.segmentation import (
    CleanedTransactions,
    RFMDataWarning,
    clean_transactions,
    rfm_segments,
    rfm_summary,
)
from tests.segmentation._helpers import summarise

COLS = dict(
    customer_col="KundeNr",
    date_col="Rechnungsdatum",
    amount_col=None,
    quantity_col="Menge",
    price_col="Einzelpreis",
    invoice_col="Rechnung",
    product_col="Artikel",
)


@pytest.fixture
def retailer() -> pd.DataFrame:
    """An export shaped like a real online retailer's, with its two famous customers.

    K1 orders 80,995 units at 2.08 (168,469.60) and cancels it the same day; their only other
    line is 2.90. K2 buys 74,215 units at 1.04 (77,183.60) and returns all of it. K3 buys
    twice, with one line half returned. K4's only line is worth 0. K5 has two lines identical
    but for the product.
    """
    rows = [
        ("K1", "2011-12-09 09:15", "581483", "23843", 80995, 2.08),
        ("K1", "2011-12-09 09:27", "C581484", "23843", -80995, 2.08),
        ("K1", "2011-06-01 10:00", "560001", "22423", 1, 2.90),
        ("K2", "2011-01-18 10:01", "541431", "23166", 74215, 1.04),
        ("K2", "2011-01-18 10:17", "C541433", "23166", -74215, 1.04),
        ("K3", "2011-03-01 12:00", "550001", "85123A", 6, 2.55),
        ("K3", "2011-03-01 12:00", "550001", "71053", 4, 3.39),
        ("K3", "2011-04-02 08:00", "C550777", "85123A", -3, 2.55),
        ("K3", "2011-09-10 14:00", "570001", "84406B", 8, 2.75),
        ("K4", "2011-05-05 11:00", "555555", "POST", 1, 0.0),
        ("K5", "2011-07-07 09:00", "566666", "22752", 2, 7.65),
        ("K5", "2011-07-07 09:00", "566666", "21730", 2, 7.65),
    ]
    frame = pd.DataFrame(
        rows, columns=["KundeNr", "Rechnungsdatum", "Rechnung", "Artikel", "Menge", "Einzelpreis"]
    )
    return frame


def test_cancellations_net_against_the_orders_they_cancel(retailer: pd.DataFrame) -> None:
    before = retailer.copy()
    summary, cleaned = summarise(retailer, observation_end="2011-12-10", **COLS)
    pd.testing.assert_frame_equal(retailer, before)
    # K1 is worth 2.90, not 168,472.50; their cancelled order is not a purchase
    assert summary.loc["K1", "total_spend"] == pytest.approx(2.90)
    assert summary.loc["K1", "n_purchases"] == 1
    assert summary.loc["K1", "returned_amount"] == pytest.approx(168_469.60)
    # K2 returned everything: not a customer with a purchase at all
    assert "K2" not in summary.index
    # K3: half of the first 85123A line (3 x 2.55) comes off; both invoices stay
    assert summary.loc["K3", "total_spend"] == pytest.approx(6 * 2.55 + 4 * 3.39 + 8 * 2.75 - 7.65)
    assert summary.loc["K3", "n_purchases"] == 2
    # K4's only line is worth 0: not a customer
    assert "K4" not in summary.index
    # K5's two lines differ in product: two lines, not a duplicate
    assert summary.loc["K5", "total_spend"] == pytest.approx(30.60)

    rows = cleaned.to_frame().set_index("rule")
    assert rows.loc["return or cancellation", "rows"] == 3
    assert rows.loc["return netted against an earlier purchase", "rows"] == 3
    assert rows.loc["return netted against an earlier purchase", "amount"] == pytest.approx(
        -(168_469.60 + 77_183.60 + 7.65)
    )
    assert rows.loc["purchase cancelled in full", "rows"] == 2
    assert rows.loc["return without an earlier purchase to net", "rows"] == 0
    assert rows.loc["zero-value line", "rows"] == 1
    assert rows.loc["customers with only zero-value lines", "rows"] == 1
    assert rows.loc["customers with returns but no purchase", "rows"] == 1
    assert rows.loc["duplicate row", "rows"] == 0
    assert (
        "KundeNr, Rechnungsdatum, Einzelpreis, Menge, Rechnung, Artikel"
        in rows.loc["duplicate row", "action"]
    )
    # the champion is now the customer who really spends
    segments = rfm_segments(summary)["segment"]
    assert summary["total_spend"].idxmax() == "K3"
    assert set(segments.index) == {"K1", "K3", "K5"}


def test_gross_rule_is_still_there_and_says_so(retailer: pd.DataFrame) -> None:
    summary, cleaned = summarise(retailer, observation_end="2011-12-10", returns="exclude", **COLS)
    assert summary.loc["K1", "total_spend"] == pytest.approx(168_469.60 + 2.90)
    assert (
        "spend not reduced (gross)"
        in cleaned.table.set_index("rule").loc["return or cancellation", "action"]
    )


def test_a_return_nets_only_purchases_before_it_and_of_its_product() -> None:
    tx = pd.DataFrame(
        {
            "c": ["x"] * 4,
            "d": ["2024-01-01", "2024-01-05", "2024-01-10", "2024-01-03"],
            "p": ["A", "A", "A", "B"],
            "v": [10.0, 10.0, 10.0, 50.0],
        }
    )
    returned = pd.DataFrame({"c": ["x"], "d": ["2024-01-06"], "p": ["A"], "v": [-15.0]})
    tx = pd.concat([tx, returned], ignore_index=True)
    kw = dict(customer_col="c", date_col="d", amount_col="v", product_col="p")
    lines = clean_transactions(tx, **kw).purchases
    # Jan 5's A is cancelled, 5 comes off Jan 1's A; Jan 10 (after the return) and B untouched
    assert lines["amount"].to_dict() == {0: 5.0, 2: 10.0, 3: 50.0}
    # without the product: Jan 5 (A) is the latest purchase before the return, then Jan 3 (B)
    by_customer = clean_transactions(tx, customer_col="c", date_col="d", amount_col="v")
    assert by_customer.purchases["amount"].to_dict() == {0: 10.0, 2: 10.0, 3: 45.0}


def test_a_return_larger_than_the_purchases_is_counted_as_unmatched() -> None:
    tx = pd.DataFrame(
        {
            "c": ["x", "x", "y"],
            "d": ["2024-01-01", "2024-01-02", "2024-01-03"],
            "v": [10.0, -25.0, 4.0],
        }
    )
    out = clean_transactions(tx, customer_col="c", date_col="d", amount_col="v")
    rows = out.to_frame().set_index("rule")
    assert rows.loc["return without an earlier purchase to net", "rows"] == 1
    assert rows.loc["return without an earlier purchase to net", "amount"] == -15.0
    assert rows.loc["purchase cancelled in full", "rows"] == 1
    assert out.purchases["c"].tolist() == ["y"]
    with pytest.raises(ValueError, match="none of the 2 rows is a purchase"):
        rfm_summary(tx.head(2), customer_col="c", date_col="d", amount_col="v")


def test_clean_transactions_returns_the_lines_rfm_summary_uses(retailer) -> None:
    cleaned = clean_transactions(retailer, observation_end="2011-12-10", **COLS)
    assert isinstance(cleaned, CleanedTransactions)
    summary = rfm_summary(cleaned)
    by_customer = cleaned.purchases.groupby("KundeNr")["amount"].sum()
    pd.testing.assert_series_equal(
        by_customer, summary["total_spend"], check_names=False, check_index_type=False
    )
    assert cleaned.observation_end == pd.Timestamp("2011-12-10")
    assert list(cleaned.purchases.columns) == ["KundeNr", "Rechnungsdatum", "amount"]


def test_unit_price_as_amount_is_warned_and_price_col_computes_the_total() -> None:
    rng = np.random.default_rng(0)
    n = 200
    qty = rng.integers(1, 50, n)
    price = rng.choice([0.85, 1.25, 2.1, 4.95], n)
    tx = pd.DataFrame(
        {
            "cust": rng.integers(0, 30, n),
            "day": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 90, n), "D"),
            "qty": qty,
            "unit": price,
            "line": qty * price,
        }
    )
    kw = dict(customer_col="cust", date_col="day", quantity_col="qty")
    unit_price = r"'unit' looks like a unit price.*price_col='unit'"
    with pytest.warns(RFMDataWarning, match=unit_price) as w:
        clean_transactions(tx, amount_col="unit", **kw)
    assert w[0].filename == __file__  # the warning names the caller's line ...
    with pytest.warns(RFMDataWarning, match=r"'unit' looks like a unit price") as w:
        rfm_summary(tx, amount_col="unit", **kw)
    assert w[0].filename == __file__  # ... through rfm_summary too
    with warnings.catch_warnings():
        warnings.simplefilter("error", RFMDataWarning)
        by_total = summarise(tx, amount_col="line", **kw)[0]
        by_price = summarise(tx, amount_col=None, price_col="unit", **kw)[0]
    pd.testing.assert_frame_equal(by_total, by_price)
    assert by_price["total_spend"].sum() == pytest.approx((qty * price).sum())
    with pytest.raises(ValueError, match="not both: pass amount_col=None"):
        rfm_summary(tx, amount_col="line", price_col="unit", **kw)
    with pytest.raises(ValueError, match="needs quantity_col"):
        rfm_summary(tx, customer_col="cust", date_col="day", amount_col=None, price_col="unit")


def test_cdnow_line_totals_are_not_taken_for_unit_prices(cdnow_master) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", RFMDataWarning)
        clean_transactions(cdnow_master, quantity_col="quantity")


def test_blank_ids_are_missing_and_mixed_type_ids_are_one_customer() -> None:
    tx = pd.DataFrame(
        {
            "id": pd.Series(["", "  ", 12346, "12346", 12347.0, "a"], dtype=object),
            "when": pd.date_range("2024-01-01", periods=6, freq="D"),
            "value": [5.0, 6.0, 7.0, 8.0, 9.0, 1.0],
        }
    )
    summary, cleaned = summarise(tx, customer_col="id", date_col="when", amount_col="value")
    assert sorted(summary.index) == ["12346", "12347", "a"]
    assert summary.loc["12346", "n_purchases"] == 2
    rows = cleaned.to_frame().set_index("rule")
    assert rows.loc["missing customer id", "rows"] == 2
    assert "2 ids are numbers" in rows.loc["customer ids of mixed types", "action"]


def test_bad_rule_names_are_refused(retailer) -> None:
    for kw, name in (
        ({"returns": "drop"}, "returns"),
        ({"zero_amounts": "maybe"}, "zero_amounts"),
        ({"duplicates": "yes"}, "duplicates"),
    ):
        with pytest.raises(ValueError, match=name):
            rfm_summary(retailer, **COLS, **kw)
    with pytest.raises(ValueError, match="amount_col"):
        rfm_summary(retailer, customer_col="KundeNr", date_col="Rechnungsdatum", amount_col=None)


# -- properties on generated exports --------------------------------------------------------

ids = st.one_of(st.integers(1, 6), st.sampled_from(["1", "2", "x", "y", "", " "]))
line = st.tuples(
    ids,
    st.integers(0, 40),  # day
    st.sampled_from(["A", "B", "C"]),
    st.integers(-3, 5),  # quantity (negative: a return)
    st.sampled_from([0.0, 1.5, 2.0, 9.99]),
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(line, min_size=1, max_size=30), seed=st.integers(0, 1000))
def test_properties_of_the_summary(rows: list[tuple], seed: int) -> None:
    tx = pd.DataFrame(rows, columns=["cust", "day", "sku", "qty", "price"])
    tx["cust"] = tx["cust"].astype(object)
    tx["day"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(tx["day"], "D")
    kw = dict(
        customer_col="cust",
        date_col="day",
        amount_col=None,
        quantity_col="qty",
        price_col="price",
        product_col="sku",
        observation_end="2024-03-01",
    )
    before = tx.copy()
    try:
        summary, lines = summarise(tx, **kw)
    except ValueError as err:
        assert "is a purchase" in str(err)
        return
    pd.testing.assert_frame_equal(tx, before)  # never mutated
    shuffled = summarise(tx.sample(frac=1, random_state=seed), **kw)[0]
    pd.testing.assert_frame_equal(summary, shuffled, check_exact=False, rtol=1e-12)
    assert ((summary["recency"] >= 0) & (summary["recency"] <= summary["T"])).all()
    assert (summary["total_spend"] > 0).all() and (summary["n_purchases"] >= 1).all()
    # customers: the distinct valid ids with a purchase left after netting
    assert set(summary.index) == set(lines.purchases["cust"]) and lines.customers == len(summary)
    assert (lines.purchases["amount"] > 0).all()
    # netting never creates value: net spend <= gross spend, and they differ by the netted sum
    gross = summarise(tx, returns="exclude", **kw)[0]
    rows = lines.table.set_index("rule")
    netted = -rows.loc["return netted against an earlier purchase", "amount"]
    assert gross["total_spend"].sum() - summary["total_spend"].sum() == pytest.approx(
        netted, abs=1e-9
    )


def test_each_return_nets_the_purchases_before_it_last_in_first_out() -> None:
    tx = pd.DataFrame(
        {
            "c": ["x"] * 4,
            "d": ["2024-01-01", "2024-01-05", "2024-01-10", "2024-01-20"],
            "v": [10.0, -10.0, 10.0, -5.0],
        }
    )
    lines = clean_transactions(tx, customer_col="c", date_col="d", amount_col="v").purchases
    # the Jan 5 return cancels Jan 1; the Jan 20 one takes 5 off Jan 10
    assert lines["amount"].to_dict() == {2: 5.0}


def _reference_netting(group, when, value, purchase, returned):
    """Last in, first out, one event at a time, in plain Python (the rule as documented: at one
    instant, purchases before returns, smaller lines first)."""
    netted = np.zeros(len(value))
    unmatched = np.zeros(len(value), dtype=bool)
    excess = 0.0
    for g in np.unique(group[returned]):
        idx = [i for i in range(len(value)) if group[i] == g and (purchase[i] or returned[i])]
        events = sorted(idx, key=lambda i: (when[i], 1 if returned[i] else 0, abs(value[i])))
        stack = []
        for i in events:
            if purchase[i]:
                stack.append([i, value[i]])
                continue
            due = abs(value[i])
            while due > 0 and stack:
                take = min(stack[-1][1], due)
                netted[stack[-1][0]] += take
                stack[-1][1] -= take
                due -= take
                if stack[-1][1] <= 1e-12:
                    stack.pop()
            if due > 1e-9:
                unmatched[i] = True
                excess += due
    return netted, unmatched, excess


@settings(max_examples=150, deadline=None)
@given(
    events=st.lists(
        st.tuples(
            st.integers(0, 3),
            st.integers(0, 12),
            st.booleans(),
            st.sampled_from([1.0, 2.5, 4.0, 10.0]),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_netting_equals_the_rule_done_by_hand(events: list[tuple]) -> None:
    from research.segmentation.cleaning import _net_returns

    group = np.array([e[0] for e in events], dtype=np.int64)
    when = np.array([e[1] for e in events], dtype=np.int64)
    is_ret = np.array([e[2] for e in events])
    value = np.array([-e[3] if e[2] else e[3] for e in events])
    got = _net_returns(group, when, value, ~is_ret, is_ret)
    want = _reference_netting(group, when, value, ~is_ret, is_ret)
    # identical lines are interchangeable: compare the sums over each (group, time, value)
    key = pd.MultiIndex.from_arrays([group, when, value])
    for a, b in ((got[0], want[0]), (got[1].astype(float), want[1].astype(float))):
        pd.testing.assert_series_equal(
            pd.Series(a, index=key).groupby(level=[0, 1, 2]).sum(),
            pd.Series(b, index=key).groupby(level=[0, 1, 2]).sum(),
            atol=1e-9,
        )
    assert got[2] == pytest.approx(want[2], abs=1e-9)


def test_time_zones_compare_instants_on_the_exports_clock() -> None:
    # 20:00 in London on Jul 1 (BST, +01:00) is 04:00 on Jul 2 in Tokyo
    london = pd.to_datetime(["2024-06-01 20:00", "2024-07-01 20:00"]).tz_localize("Europe/London")
    tx = pd.DataFrame({"c": ["x", "x"], "d": london, "v": [5.0, 7.0]})
    kw = dict(customer_col="c", date_col="d", amount_col="v")
    summary, cleaned = summarise(
        tx, observation_end=pd.Timestamp("2024-07-02 04:00", tz="Asia/Tokyo"), **kw
    )
    assert summary.loc["x", "n_purchases"] == 2  # the end is the very instant of the purchase
    before = summarise(tx, observation_end=pd.Timestamp("2024-07-02 03:59", tz="Asia/Tokyo"), **kw)[
        0
    ]
    assert before.loc["x", "n_purchases"] == 1
    assert (
        "read on the export's clock (Europe/London)"
        in cleaned.table.set_index("rule").loc["dates with time zones", "action"]
    )
    # an end without a zone is on London's clock (in summer, an hour off UTC)
    assert summarise(tx, observation_end="2024-07-01 19:59", **kw)[0].loc["x", "n_purchases"] == 1
    assert summarise(tx, observation_end="2024-07-01 20:00", **kw)[0].loc["x", "n_purchases"] == 2
    # days are the export's days: two Tokyo purchases on one Tokyo day are one occasion
    tokyo = pd.to_datetime(["2024-01-05 08:00", "2024-01-05 10:00"]).tz_localize("Asia/Tokyo")
    one_day = summarise(tx.assign(d=tokyo), observation_end="2024-01-15", **kw)[0].loc["x"]
    assert (one_day["frequency"], one_day["T"]) == (0.0, 10.0)
    # offsets that differ, and a date without one: on the clock of the most common offset
    mixed = pd.DataFrame(
        {
            "c": ["x", "x", "x", "y"],
            "d": [
                "2024-01-01T23:30+09:00",
                "2024-01-02T09:00+09:00",
                "2024-01-01T15:00-05:00",
                "2024-01-01 12:00",
            ],
            "v": [1.0, 2.0, 3.0, 4.0],
        }
    )
    summary, cleaned = summarise(mixed, **kw)
    assert summary.loc["x", "first_purchase"] == pd.Timestamp("2024-01-01 23:30")  # +09:00
    assert summary.loc["x", "last_purchase"] == pd.Timestamp("2024-01-02 09:00")
    action = cleaned.table.set_index("rule").loc["dates with time zones", "action"]
    assert "1 dates with another offset converted to it" in action
    assert "1 dates without an offset taken as on it" in action


def test_numbers_stored_as_text_are_read_and_counted() -> None:
    tx = pd.DataFrame({"c": ["x", "x"], "d": ["2024-01-01", "2024-01-05"], "v": ["5.5", "7"]})
    summary, cleaned = summarise(tx, customer_col="c", date_col="d", amount_col="v")
    assert summary.loc["x", "total_spend"] == 12.5
    rows = cleaned.table.set_index("rule")
    assert rows.loc["numbers stored as text", "action"] == "read as numbers: 'v'"


def test_netting_stays_exact_on_a_long_file() -> None:
    # 300,000 customers each return their only purchase in full the next day, one customer
    # buys: rounding in the sums must not leave cancelled purchases alive
    rng = np.random.default_rng(1)
    n = 300_000
    amount = np.round(rng.uniform(5, 200, n), 2)
    day = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 100, n), "D")
    tx = pd.DataFrame(
        {
            "c": np.r_[np.arange(n), np.arange(n), [n]],
            "d": np.r_[
                day.to_numpy(),
                (day + pd.Timedelta(days=1)).to_numpy(),
                [np.datetime64("2024-01-02")],
            ],
            "v": np.r_[amount, -amount, [5.0]],
        }
    )
    summary, cleaned = summarise(tx, customer_col="c", date_col="d", amount_col="v")
    assert list(summary.index) == [n]
    rows = cleaned.table.set_index("rule")
    assert rows.loc["purchase cancelled in full", "rows"] == n
    assert rows.loc["return without an earlier purchase to net", "rows"] == 0


# -- CleanedTransactions: the result, and rfm_summary on it ------------------------------------


def _summary_by_groupby(cleaned: CleanedTransactions) -> pd.DataFrame:
    """rfm_summary's daily columns built the plain way: pandas groupbys over the purchase
    lines (one occasion per customer and day)."""
    cust, date = cleaned.customer_col, cleaned.date_col
    lines = cleaned.purchases
    lines["day"] = lines[date].dt.normalize()
    days = lines.groupby([cust, "day"])["amount"].sum().reset_index()
    by = days.groupby(cust)
    first, last = by["day"].min(), by["day"].max()
    n_days = by.size()
    first_value = days.sort_values([cust, "day"]).groupby(cust)["amount"].first()
    spend = lines.groupby(cust)["amount"].sum()
    repeat = (n_days - 1).astype(float)
    end = cleaned.observation_end.normalize()
    return pd.DataFrame(
        {
            "frequency": repeat,
            "recency": (last - first).dt.days.astype(float),
            "T": (end - first).dt.days.astype(float),
            "monetary_value": ((spend - first_value) / repeat).where(repeat > 0, 0.0),
            "days_since_last": (end - last).dt.days,
            "n_purchases": lines.groupby(cust).size(),
            "total_spend": spend,
        }
    )


@pytest.mark.parametrize(
    "case",
    ["retailer", "retailer-gross-dropped", "dirty", "cdnow", "cdnow-zero-kept"],
)
def test_rfm_summary_of_cleaned_lines_is_the_raw_path_and_the_plain_groupby(
    case: str, retailer: pd.DataFrame, request: pytest.FixtureRequest
) -> None:
    if case.startswith("cdnow"):
        tx = request.getfixturevalue("cdnow_master")
        rules = dict(quantity_col="quantity", zero_amounts="keep" if "zero" in case else "exclude")
    elif case == "dirty":
        tx = pd.DataFrame(
            {
                "customer_id": ["a", "a", "a", "a", "b", "c", None, "a"],
                "date": pd.date_range("2024-01-01", periods=8, freq="5D"),
                "amount": [10.0, 5.0, 20.0, -20.0, 8.0, -5.0, 7.0, 30.0],
            }
        )
        rules = dict(observation_end="2024-01-31")
    else:
        tx = retailer
        rules = dict(COLS, invoice_col=None, observation_end="2011-12-10")
        if case == "retailer-gross-dropped":
            rules |= dict(returns="exclude", duplicates="drop")
    cleaned = clean_transactions(tx, **rules)
    ours = rfm_summary(cleaned)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RFMDataWarning)
        raw = rfm_summary(tx, **rules)
    pd.testing.assert_frame_equal(ours, raw, check_exact=True)  # one code path
    plain = _summary_by_groupby(cleaned)
    pd.testing.assert_frame_equal(
        ours[plain.columns], plain, check_names=False, check_index_type=False, rtol=1e-9
    )
    assert len(ours) == cleaned.customers and ours.index.name == cleaned.customer_col
    assert ours["n_purchases"].sum() == cleaned.rows_used


def test_cleaned_transactions_is_a_result_with_its_counts(retailer: pd.DataFrame) -> None:
    cleaned = clean_transactions(retailer, observation_end="2011-12-10", **COLS)
    # used: K1's 2.90 line, K3's three purchase lines, K5's two
    assert (cleaned.rows_in, cleaned.rows_used, cleaned.customers) == (12, 6, 3)
    assert cleaned.observation_end == pd.Timestamp("2011-12-10")
    assert cleaned.columns["invoice_col"] == "Rechnung" and cleaned.columns["amount_col"] is None
    report = cleaned.to_frame()
    assert list(report.columns) == ["rule", "rows", "share_of_rows", "amount", "action"]
    # the customer-level rows come from the cleaning, not from the summary
    assert report["rule"].tolist()[-2:] == [
        "customers with returns but no purchase",
        "customers with only zero-value lines",
    ]
    report.loc[0, "rows"] = -1  # a new frame each time: the result is not changed
    assert cleaned.to_frame().loc[0, "rows"] != -1
    lines = cleaned.purchases
    lines["amount"] = 0.0
    assert (cleaned.purchases["amount"] > 0).all()
    with pytest.raises(AttributeError):
        cleaned.rows_used = 0  # type: ignore[misc]
    caption = "Cleaning: 6 of 12 rows used as purchases, by 3 customers; observation end 2011-12-10"
    assert repr(cleaned).startswith(caption)
    assert html.escape(caption) in cleaned._repr_html_()


def test_cleaned_transactions_html_escapes_the_data() -> None:
    tx = pd.DataFrame({"<b>id</b>": ["x", "x"], "d": ["2024-01-01", "2024-01-02"], "v": [1.0, 2]})
    cleaned = clean_transactions(tx, customer_col="<b>id</b>", date_col="d", amount_col="v")
    out = cleaned._repr_html_()
    assert "<b>id</b>" not in out and "&lt;b&gt;id&lt;/b&gt;" in out


def test_rfm_summary_of_cleaned_lines_takes_no_cleaning_arguments(retailer) -> None:
    cleaned = clean_transactions(retailer, observation_end="2011-12-10", **COLS)
    with pytest.raises(TypeError, match=r"'observation_end', 'returns' beside a Cleaned"):
        rfm_summary(cleaned, observation_end="2011-12-10", returns="exclude")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RFMDataWarning: the counts are in the result
        rfm_summary(cleaned, time_unit="W")
    with pytest.warns(RFMDataWarning, match="pass its result to rfm_summary") as caught:
        rfm_summary(retailer, observation_end="2011-12-10", **COLS)
    assert caught[0].filename == __file__
    with pytest.raises(TypeError, match="unexpected keyword argument 'recency_col'"):
        rfm_summary(retailer, recency_col="x")
    with pytest.raises(TypeError, match="or the result of clean_transactions"):
        rfm_summary([1, 2])  # type: ignore[arg-type]


def test_rfm_summary_shows_the_cleaning_arguments_in_its_signature(retailer) -> None:
    import inspect

    # the column and rule arguments are rfm_summary's own (help(), tab completion), keyword-
    # only, with clean_transactions' names and defaults
    ours = inspect.signature(rfm_summary).parameters
    theirs = inspect.signature(clean_transactions).parameters
    for name, param in list(theirs.items())[1:]:
        assert ours[name].kind is inspect.Parameter.KEYWORD_ONLY, name
        assert ours[name].default == param.default, name
    assert {"time_unit", "time_scale"} < set(ours)
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in ours.values())
    # beside a CleanedTransactions, a cleaning argument at its default is no conflict, one at
    # another value is a TypeError naming every such argument
    cleaned = clean_transactions(retailer, observation_end="2011-12-10", **COLS)
    pd.testing.assert_frame_equal(
        rfm_summary(cleaned, returns="net", customer_col="customer_id"), rfm_summary(cleaned)
    )
    with pytest.raises(TypeError, match=r"'customer_col', 'duplicates', 'date_format' beside"):
        rfm_summary(cleaned, customer_col="KundeNr", duplicates="drop", date_format="%Y")


def test_whole_number_ids_read_as_floats_come_back_as_integers() -> None:
    # a CSV column of numeric ids with a blank reads as floats: 1000.0 is customer 1000
    tx = pd.DataFrame(
        {
            "customer_id": [1000.0, None, 1001.0, 1000.0],
            "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-05"]),
            "amount": [1.0, 2.0, 3.0, 4.0],
        }
    )
    summary, cleaned = summarise(tx)
    assert summary.index.tolist() == [1000, 1001] and summary.index.dtype == "int64"
    assert cleaned.table.set_index("rule").loc["missing customer id", "rows"] == 1
    # ids with a fraction stay as they are
    fractions = summarise(tx.assign(customer_id=[1.5, None, 2.0, 1.5]))[0]
    assert fractions.index.tolist() == [1.5, 2.0]
