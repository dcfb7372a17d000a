"""The cleaning and the RFM summary where the data lives (polars, DuckDB, parquet and CSV files):
the same per-customer table and the same counted report as the pandas path, on CDNOW, on a
retailer's messy export and on generated logs; clear errors for what an engine cannot read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research.engines import engine_of, is_engine_table, scan
from research.segmentation import RFMDataWarning, clean_transactions, rfm_summary
from tests.engines._tables import ENGINES, duckdb, pl
from tests.segmentation.test_cleaning import COLS


def _same(ours: pd.DataFrame, reference: pd.DataFrame) -> None:
    """Ids equal, integers exact, money and durations to 1e-9 relative."""
    assert list(map(str, ours.index)) == list(map(str, reference.index))
    assert ours.index.name == reference.index.name
    assert list(ours.columns) == list(reference.columns)
    for col in reference.columns:
        if reference[col].dtype.kind in "iM":
            np.testing.assert_array_equal(ours[col].to_numpy(), reference[col].to_numpy(), col)
        else:
            np.testing.assert_allclose(
                ours[col].to_numpy(dtype=float),
                reference[col].to_numpy(dtype=float),
                rtol=1e-9,
                atol=1e-9,
                err_msg=col,
            )


def _same_report(ours: pd.DataFrame, reference: pd.DataFrame) -> None:
    assert ours["rule"].tolist() == reference["rule"].tolist()
    assert ours["rows"].tolist() == reference["rows"].tolist()
    assert ours["action"].tolist() == reference["action"].tolist()
    np.testing.assert_allclose(
        ours["amount"].to_numpy(dtype=float),
        reference["amount"].to_numpy(dtype=float),
        rtol=1e-9,
        atol=1e-9,
    )


def _both(frame: pd.DataFrame, source: object, *, time_unit: str = "D", **rules: object) -> None:
    """The pandas path and the engine's: same summary, same report, same counts."""
    reference = clean_transactions(frame, **rules)
    ours = clean_transactions(source, **rules)
    assert ours.engine == engine_of(source) != "pandas"
    _same_report(ours.table, reference.table)
    assert (ours.rows_in, ours.rows_used, ours.customers) == (
        reference.rows_in,
        reference.rows_used,
        reference.customers,
    )
    assert ours.observation_end == reference.observation_end
    for unit in dict.fromkeys((time_unit, "W", "M")):
        _same(rfm_summary(ours, time_unit=unit), rfm_summary(reference, time_unit=unit))


@pytest.mark.parametrize("engine", ENGINES)
def test_cdnow_gives_the_pandas_table_on_every_engine(cdnow_master, engine) -> None:
    rules = dict(quantity_col="quantity", observation_end="1998-06-30")
    _both(cdnow_master, ENGINES[engine](cdnow_master), **rules)


def test_cdnow_from_parquet_and_csv_files(cdnow_master, tmp_path: Path) -> None:
    half = len(cdnow_master) // 2
    cdnow_master.iloc[:half].to_parquet(tmp_path / "a.parquet")
    cdnow_master.iloc[half:].to_parquet(tmp_path / "b.parquet")
    reference = rfm_summary(clean_transactions(cdnow_master), time_unit="W")
    for source in (
        str(tmp_path / "*.parquet"),
        tmp_path,
        [tmp_path / "a.parquet", tmp_path / "b.parquet"],
    ):
        _same(rfm_summary(clean_transactions(source), time_unit="W"), reference)
    # CSV: DuckDB reads the ids "00001" as text, as the loader does
    cdnow_master.to_csv(tmp_path / "cdnow.csv", index=False)
    csv = duckdb.read_csv(str(tmp_path / "cdnow.csv"), dtype={"customer_id": "VARCHAR"})
    _same(rfm_summary(clean_transactions(csv), time_unit="W"), reference)


@pytest.fixture
def retailer_export() -> pd.DataFrame:
    from tests.segmentation.test_cleaning import retailer

    frame = retailer.__wrapped__()
    frame["Rechnungsdatum"] = pd.to_datetime(frame["Rechnungsdatum"])
    return frame


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
@pytest.mark.parametrize(
    "rules",
    [
        dict(COLS, observation_end="2011-12-10"),
        dict(COLS, observation_end="2011-12-10", returns="exclude", duplicates="drop"),
        dict(COLS, invoice_col=None, zero_amounts="keep"),
        dict(COLS, product_col=None, observation_end="2011-11-30"),
    ],
    ids=["net", "gross-dropped", "no-invoice-zero-kept", "by-customer-window"],
)
def test_a_retailers_export_gives_the_same_table_and_counts(retailer_export, engine, rules):
    _both(retailer_export, ENGINES[engine](retailer_export), **rules)


ids = st.sampled_from(["a", "b", "c", "d", " ", None])
line = st.tuples(
    ids,
    st.integers(0, 60),  # day
    st.integers(0, 3),  # hour
    st.sampled_from(["A", "B", None]),  # product
    st.integers(-3, 5),  # quantity (negative: a return)
    st.sampled_from([0.0, 1.5, 2.0, 9.99]),
    st.sampled_from(["1", "2", "C3", "4", None]),  # invoice (C: cancelled; None: no invoice)
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(line, min_size=1, max_size=40).flatmap(
        # repeated lines too: exact copies tie on every key the netting orders by
        lambda rows: st.lists(st.sampled_from(rows), max_size=10).map(lambda more: rows + more)
    ),
    returns=st.sampled_from(["net", "exclude"]),
    duplicates=st.sampled_from(["keep", "drop"]),
    zero=st.sampled_from(["exclude", "keep"]),
    by_product=st.booleans(),
    with_invoice=st.booleans(),
)
def test_generated_logs_give_the_same_table_and_counts_on_duckdb_and_polars(
    rows, returns, duplicates, zero, by_product, with_invoice
) -> None:
    tx = pd.DataFrame(rows, columns=["cust", "day", "hour", "sku", "qty", "price", "inv"])
    tx["when"] = (
        pd.Timestamp("2024-01-01")
        + pd.to_timedelta(tx["day"], "D")
        + pd.to_timedelta(tx["hour"], "h")
    )
    tx = tx.drop(columns=["day", "hour"]).astype({"cust": "string", "sku": "string"})
    rules = dict(
        customer_col="cust",
        date_col="when",
        amount_col=None,
        quantity_col="qty",
        price_col="price",
        product_col="sku" if by_product else None,
        invoice_col="inv" if with_invoice else None,
        returns=returns,
        duplicates=duplicates,
        zero_amounts=zero,
    )
    try:
        reference = clean_transactions(tx, **rules)
    except ValueError as err:  # no purchase at all: the engines say so too
        for make in (ENGINES["polars"], ENGINES["duckdb"]):
            with pytest.raises(ValueError, match=str(err).split(" ")[0]):
                clean_transactions(make(tx), **rules)
        return
    for make in (ENGINES["polars"], ENGINES["duckdb"]):
        ours = clean_transactions(make(tx), **rules)
        _same_report(ours.table, reference.table)
        _same(rfm_summary(ours), rfm_summary(reference))


def test_the_rules_do_not_depend_on_the_row_order(retailer_export) -> None:
    rules = dict(COLS, observation_end="2011-12-10")
    shuffled = retailer_export.sample(frac=1.0, random_state=3)
    first = clean_transactions(retailer_export, **rules)
    second = clean_transactions(shuffled, **rules)
    pd.testing.assert_frame_equal(first.table, second.table)
    pd.testing.assert_frame_equal(rfm_summary(first), rfm_summary(second))


def test_returns_at_one_instant_are_netted_smaller_first() -> None:
    # 5 bought, then two returns at the same moment, of 6 and 1: the 1 nets in full, the 6
    # finds only 4 left (one unmatched return of 2), whatever order the export lists them in
    tx = pd.DataFrame(
        {
            "customer_id": ["x", "x", "x", "x"],
            "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-02", "2024-01-03"]),
            "amount": [5.0, -6.0, -1.0, 3.0],
        }
    )
    for frame in (tx, tx.iloc[[3, 0, 2, 1]]):
        for source in (frame, ENGINES["duckdb"](frame), ENGINES["polars"](frame)):
            rows = clean_transactions(source).table.set_index("rule")
            assert rows.loc["return without an earlier purchase to net", "rows"] == 1
            assert rows.loc["return without an earlier purchase to net", "amount"] == -2.0


def test_text_dates_and_numbers_are_read_in_one_format() -> None:
    tx = pd.DataFrame(
        {
            "Kunde": ["k1", "k1", "k2"],
            "Datum": ["31.01.2024", "15.02.2024", "01.03.2024"],
            "Betrag": ["10.5", " 4", "7.25"],
        }
    )
    rules = dict(customer_col="Kunde", date_col="Datum", amount_col="Betrag")
    reference = clean_transactions(tx, date_format="%d.%m.%Y", **rules)
    ours = clean_transactions(ENGINES["duckdb"](tx), date_format="%d.%m.%Y", **rules)
    _same_report(ours.table, reference.table)
    assert "numbers stored as text" in ours.table["rule"].tolist()
    _same(rfm_summary(ours), rfm_summary(reference))
    # no format given: the first date's (day first, as it can only be read)
    guessed = clean_transactions(ENGINES["polars"](tx), **rules)
    assert guessed.observation_end == pd.Timestamp("2024-03-01")


def test_time_zones_keep_the_exports_clock() -> None:
    when = pd.to_datetime(["2024-01-05 23:30", "2024-01-06 00:30"]).tz_localize("Asia/Tokyo")
    tx = pd.DataFrame({"customer_id": ["x", "x"], "date": when, "amount": [1.0, 2.0]})
    ours = clean_transactions(pl.from_pandas(tx))
    reference = clean_transactions(tx)
    _same_report(ours.table, reference.table)
    _same(rfm_summary(ours), rfm_summary(reference))  # two Tokyo days, not one UTC day


def test_parquet_times_with_a_zone_fall_on_the_clock_scan_is_given(tmp_path: Path) -> None:
    # a parquet file keeps the instants, not their zone: DuckDB shows them on its session's
    # clock, UTC unless scan is told the export's zone
    when = pd.to_datetime(["2024-01-05 23:30", "2024-01-06 00:30"]).tz_localize("Asia/Tokyo")
    tx = pd.DataFrame({"customer_id": ["x", "x"], "date": when, "amount": [1.0, 2.0]})
    path = tmp_path / "tokyo.parquet"
    tx.to_parquet(path)
    reference = rfm_summary(clean_transactions(tx))
    on_tokyo = clean_transactions(scan(path, time_zone="Asia/Tokyo"))
    _same(rfm_summary(on_tokyo), reference)  # two Tokyo days
    on_utc = clean_transactions(scan(path))
    assert rfm_summary(on_utc)["frequency"].tolist() == [0.0]  # one UTC day: 14:30 and 15:30
    note = on_utc.table.set_index("rule").loc["dates with time zones", "action"]
    assert "DuckDB's session clock (UTC)" in note and "scan(time_zone=...)" in note


def test_the_purchase_lines_can_be_collected(retailer_export) -> None:
    rules = dict(COLS, observation_end="2011-12-10")
    reference = clean_transactions(retailer_export, **rules).purchases
    ours = clean_transactions(ENGINES["duckdb"](retailer_export), **rules).purchases
    key = ["KundeNr", "Rechnungsdatum", "amount"]
    pd.testing.assert_frame_equal(
        ours.sort_values(key).reset_index(drop=True),
        reference.sort_values(key).reset_index(drop=True),
        check_dtype=False,
    )


def test_rfm_summary_on_an_engine_warns_with_the_counts(retailer_export) -> None:
    with pytest.warns(RFMDataWarning, match="return or cancellation"):
        rfm_summary(ENGINES["polars"](retailer_export), **COLS, observation_end="2011-12-10")


# --------------------------------------------------------------------------------------------
# what the engines are told, and bad input
# --------------------------------------------------------------------------------------------


def test_engine_of_names_each_kind_of_input(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1]})
    assert engine_of(frame) == "pandas" and not is_engine_table(frame)
    assert engine_of(pl.from_pandas(frame)) == "polars"
    assert engine_of(pl.from_pandas(frame).lazy()) == "polars"
    assert engine_of(duckdb.sql("select 1 as a")) == "duckdb"
    assert engine_of(tmp_path / "x.parquet") == "duckdb" and is_engine_table("x/*.parquet")
    assert engine_of({"a": [1]}) is None and engine_of(None) is None


def test_scan_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no file matches"):
        scan(str(tmp_path / "*.parquet"))
    with pytest.raises(FileNotFoundError, match="no such file"):
        scan(tmp_path / "missing.parquet")
    (tmp_path / "orders.xlsx").write_bytes(b"")
    with pytest.raises(ValueError, match="parquet .* and CSV"):
        scan(tmp_path / "orders.xlsx")
    pd.DataFrame({"a": [1]}).to_parquet(tmp_path / "a.parquet")
    pd.DataFrame({"a": [1]}).to_csv(tmp_path / "b.csv")
    with pytest.raises(ValueError, match="mix parquet and CSV"):
        scan([tmp_path / "a.parquet", tmp_path / "b.csv"])
    with pytest.raises(FileNotFoundError, match="holds no parquet or CSV"):
        (tmp_path / "empty").mkdir()
        scan(tmp_path / "empty")


def test_scan_applies_its_memory_limit(tmp_path: Path) -> None:
    pd.DataFrame({"a": [1, 2]}).to_parquet(tmp_path / "a.parquet")
    rel = scan(tmp_path / "a.parquet", memory_limit="500MB", threads=1)
    assert len(rel.fetchall()) == 2
    # the relation's own connection carries the settings
    assert "476.8 MiB" in str(rel.query("r", "select current_setting('memory_limit')").fetchall())


@pytest.mark.parametrize("make", ["polars", "duckdb"])
def test_bad_input_on_an_engine_gets_the_pandas_paths_errors(make) -> None:
    to = ENGINES[make]
    good = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
            "amount": [1.0, 2.0],
        }
    )
    with pytest.raises(ValueError, match=r"has no column 'Kunde' \(customer_col=\); its columns"):
        clean_transactions(to(good), customer_col="Kunde")
    with pytest.raises(ValueError, match="empty"):
        clean_transactions(to(good.iloc[:0]))
    with pytest.raises(TypeError, match="true/false"):
        clean_transactions(to(good.assign(amount=[True, False])))
    with pytest.raises(ValueError, match="1 missing values"):
        clean_transactions(to(good.assign(amount=[1.0, None])))
    with pytest.raises(ValueError, match="could not"):
        clean_transactions(to(good.assign(amount=["1.0", "12 EUR"])))
    with pytest.raises(ValueError, match="could not"):
        clean_transactions(to(good.assign(date=["2024-01-01", "soon"])))
    with pytest.raises(ValueError, match="returns or cancellations"):
        clean_transactions(to(good.assign(amount=[1.0, -2.0])), returns="error")
    with pytest.raises(ValueError, match="observation_end='nope'"):
        clean_transactions(to(good), observation_end="nope")
    with pytest.raises(ValueError, match="none of the 2 rows is a purchase"):
        clean_transactions(to(good), observation_end="2023-01-01")
    with pytest.raises(ValueError, match="unknown|must be one of|returns"):
        clean_transactions(to(good), returns="sometimes")


def test_an_object_that_is_no_table_is_refused() -> None:
    with pytest.raises(TypeError, match="a polars, DuckDB or Spark table, or a path of parquet"):
        clean_transactions({"customer_id": ["a"]})
    with pytest.raises(TypeError, match="DataFrame"):
        rfm_summary([1, 2, 3])


def test_dates_that_read_both_ways_are_an_error_not_a_guess() -> None:
    # every day is 12 or less: 05/03/2024 is 5 March or 3 May, and nothing settles which
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "date": ["05/03/2024", "12/06/2024", "01/02/2024"],
            "amount": [1.0, 2.0, 3.0],
        }
    )
    for source in (tx, ENGINES["duckdb"](tx), ENGINES["polars"](tx)):
        with pytest.raises(ValueError, match="month first and day first.*date_format="):
            clean_transactions(source)
    read = clean_transactions(tx, date_format="%d/%m/%Y")
    assert read.observation_end == pd.Timestamp("2024-06-12")
    # one date past the 12th settles it, wherever it stands
    settled = tx.assign(date=["05/03/2024", "12/06/2024", "25/02/2024"])
    assert clean_transactions(settled).observation_end == pd.Timestamp("2024-06-12")


def _everywhere(tx: pd.DataFrame, **rules: object) -> None:
    """The pandas path's report and table on polars and DuckDB."""
    reference = clean_transactions(tx, **rules)
    for make in (ENGINES["polars"], ENGINES["duckdb"]):
        ours = clean_transactions(make(tx), **rules)
        _same_report(ours.table, reference.table)
        _same(rfm_summary(ours), rfm_summary(reference))


def test_identical_lines_at_one_instant_net_as_on_pandas() -> None:
    # two identical purchases of 10, then a return of 5: one purchase is reduced to 5, the
    # other kept; spend 15 and two purchases, whatever order the engine ties them in
    tx = pd.DataFrame(
        {
            "customer_id": ["x", "x", "x", "y"],
            "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-03"]),
            "amount": [10.0, 10.0, -5.0, 1.0],
        }
    )
    _everywhere(tx)
    summary = rfm_summary(clean_transactions(ENGINES["duckdb"](tx)))
    assert summary.loc["x", ["total_spend", "n_purchases"]].tolist() == [15.0, 2]


def test_lines_without_a_product_are_one_group_as_on_pandas() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": ["x", "x", "x", "x"],
            "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]),
            "amount": [10.0, -4.0, 3.0, -1.0],
            "sku": [None, None, "A", " "],
        }
    )
    _everywhere(tx, product_col="sku")
    summary = rfm_summary(clean_transactions(ENGINES["polars"](tx), product_col="sku"))
    assert summary.loc["x", "total_spend"] == 8.0  # 10 - 4 (no product), 3 - 1 (blank = none)


def test_a_line_without_an_invoice_is_a_purchase_of_its_own() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b", "b"],
            "date": pd.to_datetime(["2024-01-01"] * 2 + ["2024-01-02"] * 3),
            "amount": [1.0, 2.0, 3.0, 4.0, 5.0],
            "inv": ["1", "1", None, "3", None],
        }
    )
    summary = rfm_summary(clean_transactions(tx, invoice_col="inv"))
    assert summary["n_purchases"].to_dict() == {"a": 1, "b": 3}
    _everywhere(tx, invoice_col="inv")
    every_invoice_missing = tx.assign(inv=None)
    assert rfm_summary(clean_transactions(every_invoice_missing, invoice_col="inv"))[
        "n_purchases"
    ].to_dict() == {"a": 2, "b": 3}


def test_whole_number_float_ids_are_integers_on_engines_too() -> None:
    tx = pd.DataFrame(
        {
            "customer_id": [1000.0, np.nan, 1001.0],
            "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
            "amount": [1.0, 2.0, 3.0],
        }
    )
    _everywhere(tx)
    for make in (ENGINES["polars"], ENGINES["duckdb"]):
        assert rfm_summary(clean_transactions(make(tx))).index.tolist() == [1000, 1001]


@pytest.mark.parametrize("make", ["polars", "duckdb"])
def test_missing_and_nan_values_are_errors_not_dropped_lines(make) -> None:
    to = ENGINES[make]
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
            "amount": [1.0, 2.0],
            "q": [1.0, np.nan],
        }
    )
    with pytest.raises(ValueError, match="column 'q' has 1 missing values"):
        clean_transactions(to(tx), quantity_col="q")
    with pytest.raises(ValueError, match="1 missing values"):
        clean_transactions(to(tx.assign(amount=[1.0, np.nan])))


def test_text_dates_with_offsets_are_refused_on_an_engine() -> None:
    tx = pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-01 10:00:00+0100"], "amount": [1.0]})
    with pytest.raises(ValueError, match="UTC offsets as text"):
        clean_transactions(ENGINES["duckdb"](tx))


def test_the_date_format_is_read_off_every_date_in_a_deterministic_sample(tmp_path) -> None:
    # the first date reads both ways; a later one (25/02) settles it: day first, on every
    # engine and whatever order the engine returns the rows in
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "date": ["05/03/2024", "25/02/2024", "12/06/2024"],
            "amount": [1.0, 2.0, 3.0],
        }
    )
    for source in (tx, ENGINES["polars"](tx), ENGINES["duckdb"](tx)):
        assert clean_transactions(source).observation_end == pd.Timestamp("2024-06-12")


def test_csv_files_keep_their_dates_as_text_for_the_rules(tmp_path) -> None:
    # DuckDB's own sniffer would read these day first without a word
    (tmp_path / "orders").mkdir()
    path = tmp_path / "orders" / "part-0.csv"
    path.write_text("Kunde;Datum;Betrag\na;05/03/2024;1,5\nb;12/06/2024;2,25\n")
    rules = dict(customer_col="Kunde", date_col="Datum", amount_col="Betrag")
    with pytest.raises(ValueError, match="month first and day first"):
        clean_transactions(scan(tmp_path / "orders", decimal=","), **rules)
    cleaned = clean_transactions(
        scan(tmp_path / "orders", decimal=","), date_format="%d/%m/%Y", **rules
    )
    assert cleaned.observation_end == pd.Timestamp("2024-06-12")
    assert rfm_summary(cleaned)["total_spend"].tolist() == [1.5, 2.25]
