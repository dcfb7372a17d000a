"""Notebook 01 on a Shopify-style order export (e-mail as the customer, prices stored as text,
dates with UTC offsets, refunds as negative quantities), run with injected parameters: the
numbers it records are those the package computes on the same file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research.clv import value_concentration
from research.report import execute_notebook, read_records
from research.segmentation import clean_transactions, rfm_summary

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_customer_segmentation.ipynb"


def _shopify_export(path: Path, n_customers: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    order = 1000
    for i in range(n_customers):
        email = f"buyer{i}@example.com"
        for _ in range(int(rng.geometric(0.35))):
            order += 1
            when = pd.Timestamp("2024-01-01") + pd.Timedelta(minutes=int(rng.integers(0, 525_600)))
            offset = rng.choice(["+0100", "+0200"])
            qty = int(rng.integers(1, 4))
            price = rng.choice(["9.90", "19.90", "49.00"])
            sku = rng.choice(["TEE-1", "MUG-2", "CAP-3"])
            rows.append((f"#{order}", email, f"{when:%Y-%m-%d %H:%M:%S} {offset}", qty, price, sku))
            if rng.random() < 0.08:  # refunded later: a negative quantity of the same line
                later = when + pd.Timedelta(days=3)
                rows.append(
                    (f"#{order}", email, f"{later:%Y-%m-%d %H:%M:%S} {offset}", -qty, price, sku)
                )
    columns = ["Name", "Email", "Created at", "Lineitem quantity", "Lineitem price", "Lineitem sku"]
    frame = pd.DataFrame(rows, columns=columns)
    frame.to_csv(path, index=False)
    return frame


def test_notebook_01_on_a_shopify_export(tmp_path: Path) -> None:
    csv = tmp_path / "orders_export.csv"
    _shopify_export(csv)
    columns = {
        "CUSTOMER_COL": "Email",
        "DATE_COL": "Created at",
        "AMOUNT_COL": None,
        "QUANTITY_COL": "Lineitem quantity",
        "PRICE_COL": "Lineitem price",
        "INVOICE_COL": "Name",
        "PRODUCT_COL": "Lineitem sku",
    }
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
