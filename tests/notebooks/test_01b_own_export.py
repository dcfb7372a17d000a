"""Notebook 01b on a retailer's own export (column names unlike CDNOW, cancellations, a unit
price instead of a line total) whose customers show no dropout: the notebook must run, say
what the no-dropout fit means, count the holdout from cleaned purchases, and explain why there
is no call list instead of showing an empty table."""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from research.report import execute_notebook, read_records

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01b_customer_lifetime_value.ipynb"


def _steady_buyers(path: Path, n: int = 400, seed: int = 0) -> pd.DataFrame:
    """Customers who buy at their own steady rate all year and never leave; every tenth order
    is cancelled the same day ("C" invoices), which must not count in the holdout."""
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2023-01-01")
    for i in range(n):
        rate = rng.gamma(2.0, 1 / 40)  # purchases per day
        t = rng.uniform(0, 60)
        k = 0
        while t < 364:
            k += 1
            when = start + pd.Timedelta(days=float(t))
            qty, price = int(rng.integers(1, 6)), float(rng.choice([3.5, 7.25, 12.0]))
            rows.append((f"S{i:04d}", when, f"{i}-{k}", "P1", qty, price))
            if k % 10 == 0:
                rows.append((f"S{i:04d}", when, f"C{i}-{k}", "P1", -qty, price))
            t += rng.exponential(1 / rate)
    frame = pd.DataFrame(rows, columns=["Client", "Ordered", "Order", "Sku", "Units", "Unit price"])
    frame["Ordered"] = frame["Ordered"].dt.strftime("%d/%m/%Y %H:%M")
    frame.to_csv(path, index=False)
    return frame


def _run(path: Path, overrides: dict[str, object]) -> nbformat.NotebookNode:
    return execute_notebook(path, parameters=overrides)


def _markdown_outputs(nb: nbformat.NotebookNode) -> str:
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            texts.append(data.get("text/markdown", ""))
    return "\n".join(texts)


@pytest.mark.usefixtures("mirror")  # section 1 reproduces the paper on the CDNOW sample
def test_notebook_01b_on_a_no_dropout_export(tmp_path: Path) -> None:
    csv = tmp_path / "orders.csv"
    raw = _steady_buyers(csv)
    nb = _run(
        NOTEBOOK,
        {
            "TRANSACTIONS_CSV": str(csv),
            "CUSTOMER_COL": "Client",
            "DATE_COL": "Ordered",
            "AMOUNT_COL": None,
            "QUANTITY_COL": "Units",
            "PRICE_COL": "Unit price",
            "INVOICE_COL": "Order",
            "PRODUCT_COL": "Sku",
            "DATE_FORMAT": "%d/%m/%Y %H:%M",
            "CURRENCY": "EUR",
            "UNIT_DAYS": 7,
            "CALIBRATION_END": "2023-08-31",
            "HOLDOUT_END": "2023-12-31",
        },
    )
    records = read_records(nb)
    text = _markdown_outputs(nb)
    assert "no_dropout" in records["calibration_limits"] and "no_dropout" in records["bgnbd_limits"]
    assert records["call_list_size"] == 0
    # ... and the reader is told what that means, instead of being shown an empty table
    assert "**Note on the calibration fit:** the data show no detectable dropout" in text
    assert "**No sales call list:** the purchase model sees no dropout" in text
    # the holdout counts cleaned purchase days: cancelled orders are not purchases
    ordered = pd.to_datetime(raw["Ordered"], format="%d/%m/%Y %H:%M")
    window = (ordered > "2023-08-31") & (ordered <= "2023-12-31")
    kept = window & ~raw["Order"].str.startswith("C")
    cancelled = raw.loc[window & raw["Order"].str.startswith("C"), "Order"].str[1:]
    kept &= ~raw["Order"].isin(cancelled)
    first = ordered.groupby(raw["Client"]).transform("min")
    calibration_customers = raw.loc[first <= "2023-08-31", "Client"].unique()
    in_cal = raw["Client"].isin(calibration_customers)
    days = pd.DataFrame({"c": raw["Client"], "d": ordered.dt.normalize()})[kept & in_cal]
    expected = len(days.drop_duplicates())
    assert records["holdout_actual_purchases"] == pytest.approx(expected)
    assert records["holdout_customers"] == len(calibration_customers)
