"""Notebook 01 on a Shopify-style order export (e-mail as the customer, prices stored as text,
dates with UTC offsets, refunds as negative quantities), run with injected parameters: the
numbers it records are those the package computes on the same file, and no sentence describes
the bundled CDNOW data."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest

from research.clv import value_concentration
from research.report import escape_markdown, execute_notebook, read_records
from research.segmentation import clean_transactions, rfm_summary
from tests.exports import SHOPIFY_COLUMNS, shopify_orders

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_customer_segmentation.ipynb"


def test_notebook_01_on_a_shopify_export(tmp_path: Path) -> None:
    csv = tmp_path / "orders_export.csv"
    shopify_orders(csv)
    columns = SHOPIFY_COLUMNS
    nb = execute_notebook(
        NOTEBOOK,
        parameters={
            "TRANSACTIONS_CSV": str(csv),
            **columns,
            "CURRENCY": "EUR",
            "K_RANGE": (2, 4),
            "N_BOOT": 5,
        },
    )
    records = read_records(nb)
    raw = pd.read_csv(csv)  # as the notebook reads it: prices as text are the package's job
    cleaned = clean_transactions(
        raw,
        customer_col=columns["CUSTOMER_COL"],
        date_col=columns["DATE_COL"],
        amount_col=None,
        quantity_col=columns["QUANTITY_COL"],
        price_col=columns["PRICE_COL"],
        invoice_col=columns["INVOICE_COL"],
        product_col=columns["PRODUCT_COL"],
    )
    summary = rfm_summary(cleaned)
    assert records["rows_in"] == len(raw)
    assert records["rows_used"] == cleaned.rows_used < len(raw)  # refunds are not sales
    # a customer whose every order was refunded in full bought nothing
    net = raw.groupby(["Email", "Name", "Lineitem sku"])["Lineitem quantity"].sum()
    buyers = set(net[net > 0].index.get_level_values("Email"))
    assert records["n_customers"] == len(summary) == len(buyers) < raw["Email"].nunique()
    assert set(summary.index) == buyers
    assert records["revenue"] == pytest.approx(summary["total_spend"].sum())
    assert records["one_time_share"] == pytest.approx((summary["n_purchases"] == 1).mean())
    revenue = value_concentration(summary, value_col="total_spend")
    assert records["top_decile_revenue_share"] == pytest.approx(revenue.share_held(0.1))
    assert 2 <= records["n_clusters"] <= 4
    # the sentences come from this export, not from CDNOW
    text = shown_text(nb)
    assert escape_markdown(str(csv)) in text
    assert not bundled_story(text)
    assert f"**{records['n_clusters']} segments** were kept (k-means; the best average rank" in text


#: What only the bundled CDNOW data may be described with: its name, its counts, its story.
BUNDLED_WORDS = ("CDNOW", "69,659", "23,570", "2,357", "music store", "1997", "1998")


def shown_text(nb: nbformat.NotebookNode) -> str:
    """Everything a reader of the executed notebook (or of its HTML report) reads: the
    Markdown cells and every text output (Markdown, HTML tables, plain text, streams)."""
    texts = [cell.source for cell in nb.cells if cell.cell_type == "markdown"]
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            texts.append("".join(out.get("text", "")))
            data = out.get("data", {})
            texts += ["".join(data.get(kind, "")) for kind in ("text/markdown", "text/html")]
            texts.append("".join(data.get("text/plain", "")))
    return "\n".join(texts)


def bundled_story(text: str) -> list[str]:
    """The words of the bundled data's story found in ``text`` (none on a user's export)."""
    return [word for word in BUNDLED_WORDS if word in text]


def test_notebook_01_on_parquet_files_cleans_them_in_duckdb(tmp_path: Path) -> None:
    # the Shopify export as a warehouse would hold it: typed columns, split over two files
    frame = shopify_orders(tmp_path / "orders.csv")
    date, price = SHOPIFY_COLUMNS["DATE_COL"], SHOPIFY_COLUMNS["PRICE_COL"]
    frame[date] = pd.to_datetime(frame[date].str[:19])
    frame[price] = frame[price].astype(float)
    (tmp_path / "orders").mkdir()
    half = len(frame) // 2
    frame.iloc[:half].to_parquet(tmp_path / "orders" / "part-0.parquet")
    frame.iloc[half:].to_parquet(tmp_path / "orders" / "part-1.parquet")
    columns = SHOPIFY_COLUMNS
    nb = execute_notebook(
        NOTEBOOK,
        parameters={
            "TRANSACTIONS_CSV": str(tmp_path / "orders" / "*.parquet"),
            **columns,
            "K_RANGE": (2, 4),
            "N_BOOT": 5,
        },
    )
    records = read_records(nb)
    cleaned = clean_transactions(
        frame,
        customer_col=columns["CUSTOMER_COL"],
        date_col=date,
        amount_col=None,
        quantity_col=columns["QUANTITY_COL"],
        price_col=price,
        invoice_col=columns["INVOICE_COL"],
        product_col=columns["PRODUCT_COL"],
    )
    summary = rfm_summary(cleaned)
    assert records["rows_in"] == len(frame)
    assert records["rows_used"] == cleaned.rows_used
    assert records["n_customers"] == len(summary)
    assert records["revenue"] == pytest.approx(summary["total_spend"].sum(), rel=1e-9)
    assert not bundled_story(shown_text(nb))
