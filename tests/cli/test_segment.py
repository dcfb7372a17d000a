"""``research segment`` on a Shopify-style order export it has never seen: the file it writes
holds what the package computes on the same export, and a missing column is one error line
naming the column, the file's columns and the option."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from research.cli.main import main
from research.segmentation import (
    CustomerSegmenter,
    clean_transactions,
    rfm_segments,
    rfm_summary,
)
from tests.cli._run import Run, one_error_line, research
from tests.exports import SHOPIFY_COLUMNS, shopify_orders

#: The command's column options for :func:`shopify_orders` (as SHOPIFY_COLUMNS says).
SHOPIFY_OPTIONS = (
    "--customer-col", SHOPIFY_COLUMNS["CUSTOMER_COL"],
    "--date-col", SHOPIFY_COLUMNS["DATE_COL"],
    "--quantity-col", SHOPIFY_COLUMNS["QUANTITY_COL"],
    "--price-col", SHOPIFY_COLUMNS["PRICE_COL"],
    "--invoice-col", SHOPIFY_COLUMNS["INVOICE_COL"],
    "--product-col", SHOPIFY_COLUMNS["PRODUCT_COL"],
)  # fmt: skip


def shopify_cleaned(csv: Path) -> object:
    """The export cleaned by the package, as the command is told to clean it."""
    c = SHOPIFY_COLUMNS
    return clean_transactions(
        pd.read_csv(csv),
        customer_col=c["CUSTOMER_COL"],
        date_col=c["DATE_COL"],
        amount_col=None,
        quantity_col=c["QUANTITY_COL"],
        price_col=c["PRICE_COL"],
        invoice_col=c["INVOICE_COL"],
        product_col=c["PRODUCT_COL"],
    )


def test_segment_writes_the_package_segments(tmp_path: Path) -> None:
    csv = tmp_path / "orders_export.csv"
    shopify_orders(csv)
    out, report = tmp_path / "out" / "segments.csv", tmp_path / "cleaning.csv"
    run = research(
        "segment", csv, *SHOPIFY_OPTIONS, "--k-range", "2", "4", "--report", report, "-o", out
    )
    assert run.code == 0, run.err
    written = pd.read_csv(out, index_col="Email")

    cleaned = shopify_cleaned(csv)
    segmented = rfm_segments(rfm_summary(cleaned))
    segmenter = CustomerSegmenter(k_range=(2, 4), random_state=0).fit(segmented)
    assert written.index.tolist() == segmented.index.tolist()  # one row per customer
    for col in ["frequency", "recency", "T", "days_since_last", "n_purchases", "total_spend"]:
        assert written[col].to_numpy() == pytest.approx(segmented[col].to_numpy()), col
    for col in ["r_score", "f_score", "m_score", "fm_score", "rfm_total"]:
        assert written[col].tolist() == segmented[col].tolist(), col
    assert written["segment"].tolist() == segmented["segment"].astype(str).tolist()
    assert written["cluster"].tolist() == segmenter.labels_.tolist()
    names = segmenter.labels_.map(segmenter.segment_names_)
    assert written["cluster_name"].tolist() == names.tolist()

    rules = pd.read_csv(report)
    assert rules["rule"].tolist() == cleaned.to_frame()["rule"].tolist()
    assert rules["rows"].tolist() == cleaned.to_frame()["rows"].tolist()
    # one summary line: rows used, customers, segments (no progress bars off a terminal)
    (summary,) = run.err.strip().splitlines()
    assert summary.startswith(
        f"research segment: {cleaned.rows_used:,} of {cleaned.rows_in:,} rows used, "
        f"{len(written):,} customers, {written['segment'].nunique()} RFM segments, "
        f"{segmenter.n_segments_} clusters (kmeans)"
    )


def in_process(capsys: pytest.CaptureFixture[str], *args: object) -> Run:
    """The command run in this process (faster than a subprocess, same one-line rule)."""
    code = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def test_segment_missing_column_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv, out = tmp_path / "orders_export.csv", tmp_path / "s.csv"
    shopify_orders(csv, n_customers=20)
    line = one_error_line(research("segment", csv, "-o", out), "segment")
    assert "no column 'customer_id' (--customer-col" in line
    assert "'Email'" in line and "'Lineitem price'" in line  # the file's columns
    options = ("--customer-col", "Email", "--date-col", "Created at")
    line = one_error_line(in_process(capsys, "segment", csv, *options, "-o", out), "segment")
    assert "no column 'amount' (--amount-col" in line and "--price-col" in line
    # a value the package refuses, in the command's words
    options = ("--customer-col", "Email", "--date-col", "Lineitem sku", "--amount-col", "Name")
    line = one_error_line(in_process(capsys, "segment", csv, *options, "-o", out), "segment")
    assert "'Lineitem sku'" in line and "cannot be read as dates" in line
    assert "--date-format" in line and "date_format" not in line
    assert not out.exists()


def test_segment_help_and_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["segment", "--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    options = ["--customer-col", "--price-col", "--observation-end", "--returns"]
    options += ["--cancel-prefix", "--segments", "--method", "--random-state", "--report"]
    for option in options:
        assert option in text
    with pytest.raises(SystemExit) as stop:
        main(["segment", "x.csv", "--segments", "1", "-o", "y.csv"])
    assert stop.value.code == 2
    assert "'auto' or a whole number >= 2" in capsys.readouterr().err


def test_segment_reads_decimal_commas_with_the_decimal_option(tmp_path: Path) -> None:
    csv = tmp_path / "woo.csv"
    frame = shopify_orders(tmp_path / "plain.csv")
    price = SHOPIFY_COLUMNS["PRICE_COL"]
    frame.assign(**{price: frame[price].astype(str).str.replace(".", ",")}).to_csv(
        csv, sep=";", index=False
    )
    out = tmp_path / "segments.csv"
    line = one_error_line(research("segment", csv, *SHOPIFY_OPTIONS, "-o", out), "segment")
    assert "decimal comma" in line and "--decimal ," in line
    run = research("segment", csv, *SHOPIFY_OPTIONS, "--decimal", ",", "-o", out)
    assert run.code == 0, run.err
    expected = rfm_summary(shopify_cleaned(tmp_path / "plain.csv"))
    written = pd.read_csv(out, index_col=0)
    assert len(written) == len(expected)
    assert written["total_spend"].sum() == pytest.approx(expected["total_spend"].sum())


def test_segment_cleans_parquet_files_in_duckdb(tmp_path: Path) -> None:
    frame = shopify_orders(tmp_path / "orders.csv")
    date, price = SHOPIFY_COLUMNS["DATE_COL"], SHOPIFY_COLUMNS["PRICE_COL"]
    typed = frame.assign(
        **{date: pd.to_datetime(frame[date].str[:19]), price: frame[price].astype(float)}
    )
    (tmp_path / "parts").mkdir()
    half = len(typed) // 2
    typed.iloc[:half].to_parquet(tmp_path / "parts" / "a.parquet")
    typed.iloc[half:].to_parquet(tmp_path / "parts" / "b.parquet")
    out = tmp_path / "segments.csv"
    run = research("segment", tmp_path / "parts" / "*.parquet", *SHOPIFY_OPTIONS, "-o", out)
    assert run.code == 0, run.err
    expected = rfm_summary(
        clean_transactions(
            typed,
            customer_col=SHOPIFY_COLUMNS["CUSTOMER_COL"],
            date_col=date,
            amount_col=None,
            quantity_col=SHOPIFY_COLUMNS["QUANTITY_COL"],
            price_col=price,
            invoice_col=SHOPIFY_COLUMNS["INVOICE_COL"],
            product_col=SHOPIFY_COLUMNS["PRODUCT_COL"],
        )
    )
    written = pd.read_csv(out, index_col=0)
    assert written.index.tolist() == expected.index.tolist()
    for col in ("frequency", "recency", "T", "n_purchases"):
        assert written[col].tolist() == expected[col].tolist(), col
    assert written["total_spend"].to_numpy() == pytest.approx(expected["total_spend"].to_numpy())
    # a column the files lack: one line naming it
    line = one_error_line(
        research("segment", tmp_path / "parts", "--customer-col", "Kunde", "-o", out), "segment"
    )
    assert "'Kunde'" in line
