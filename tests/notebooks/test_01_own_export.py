"""Notebook 01 on a Shopify-style order export (e-mail as the customer, prices stored as text,
dates with UTC offsets, refunds as negative quantities), run with injected parameters: the
numbers it records are those the package computes on the same file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from research.clv import value_concentration
from research.report import execute_notebook, read_records
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
    text = "\n".join(
        "".join(o.get("data", {}).get("text/markdown", ""))
        for c in nb.cells
        for o in c.get("outputs", [])
    )
    assert str(csv) in text and "CDNOW" not in text
