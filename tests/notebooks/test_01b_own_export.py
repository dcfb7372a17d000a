"""Notebook 01b on exports it has never seen. A Shopify-style order export with the default
calibration and holdout (derived from the data's span): the numbers it records are those the
package computes on the same file, the paper reproduction is skipped, and no sentence describes
the bundled CDNOW data. A retailer's export (column names unlike CDNOW, cancellations, a unit
price instead of a line total) whose customers show no dropout: the notebook must run, say
what the no-dropout fit means, count the holdout from cleaned purchases, and explain why there
is no call list instead of showing an empty table."""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from research.clv import (
    customer_lifetime_value,
    fit_bgnbd,
    fit_gamma_gamma,
    holdout_purchases,
)
from research.report import escape_markdown, execute_notebook, read_records
from research.segmentation import clean_transactions, rfm_summary
from tests.exports import SHOPIFY_COLUMNS, shopify_orders
from tests.notebooks.test_01_own_export import bundled_story, shown_text

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


@pytest.mark.filterwarnings("ignore::research.clv.BoundaryFitWarning")
def test_notebook_01b_on_a_shopify_export(tmp_path: Path) -> None:
    csv = tmp_path / "orders_export.csv"
    shopify_orders(csv)
    nb = _run(NOTEBOOK, {"TRANSACTIONS_CSV": str(csv), **SHOPIFY_COLUMNS, "CURRENCY": "EUR"})
    records = read_records(nb)
    c = SHOPIFY_COLUMNS
    rules = {
        "customer_col": c["CUSTOMER_COL"],
        "date_col": c["DATE_COL"],
        "amount_col": None,
        "quantity_col": c["QUANTITY_COL"],
        "price_col": c["PRICE_COL"],
        "invoice_col": c["INVOICE_COL"],
        "product_col": c["PRODUCT_COL"],
    }
    raw = pd.read_csv(csv)
    cleaned = clean_transactions(raw, **rules)
    # the calibration ends on the day halfway from the first purchase to the last date
    first, end = cleaned.purchases[c["DATE_COL"]].min(), cleaned.observation_end
    calibration_end = (first + (end - first) / 2).normalize()
    assert records["calibration_end"] == f"{calibration_end:%Y-%m-%d}"
    assert records["holdout_end"] == f"{end:%Y-%m-%d}"
    calibration = rfm_summary(
        clean_transactions(raw, **rules, observation_end=calibration_end), time_scale=7
    )
    actual = holdout_purchases(
        cleaned.purchases, calibration_end, end, customer_col="Email", date_col="Created at"
    )
    assert records["holdout_customers"] == len(calibration)
    expected_actual = actual.reindex(calibration.index).fillna(0).sum()
    assert records["holdout_actual_purchases"] == pytest.approx(expected_actual)
    summary = rfm_summary(cleaned, time_scale=7)
    value = customer_lifetime_value(
        fit_bgnbd(summary), fit_gamma_gamma(summary), summary, unit_days=7
    )
    assert records["clv_total"] == pytest.approx(value["clv"].sum(), rel=1e-9)
    assert records["share_probably_gone"] == pytest.approx((value["p_alive"] < 0.5).mean())
    # the paper's reproduction runs on its own data only; the text is this export's
    assert not [name for name in records if name.startswith("paper_")]
    text = shown_text(nb)
    assert "*Skipped for your export:*" in text
    assert f"**Source:** your export {escape_markdown(str(csv))}: {len(raw):,} rows" in text
    assert f"purchases up to {calibration_end:%d %b %Y} (halfway through the data's span)" in text
    assert not bundled_story(text)


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
    assert not bundled_story(shown_text(nb))
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


def test_notebook_01b_on_a_parquet_file_records_what_it_records_on_the_csv(tmp_path) -> None:
    # the same typed export as parquet (cleaned by DuckDB) and as CSV (cleaned by pandas)
    frame = shopify_orders(tmp_path / "orders.csv")
    date, price = SHOPIFY_COLUMNS["DATE_COL"], SHOPIFY_COLUMNS["PRICE_COL"]
    frame[date] = pd.to_datetime(frame[date].str[:19])
    frame[price] = frame[price].astype(float)
    frame.to_parquet(tmp_path / "orders.parquet")
    frame.to_csv(tmp_path / "typed.csv", index=False)
    records = [
        read_records(
            execute_notebook(
                NOTEBOOK,
                parameters={"TRANSACTIONS_CSV": str(path), **SHOPIFY_COLUMNS, "PENALIZER": 0.001},
            )
        )
        for path in (tmp_path / "orders.parquet", tmp_path / "typed.csv")
    ]
    on_duckdb, on_pandas = records
    assert on_duckdb.keys() == on_pandas.keys() and len(on_pandas) > 10
    for name, value in on_pandas.items():
        if isinstance(value, float):
            assert on_duckdb[name] == pytest.approx(value, rel=1e-9), name
        else:
            assert on_duckdb[name] == value, name


@pytest.mark.filterwarnings("ignore::research.clv.BoundaryFitWarning")
def test_notebook_01b_on_a_subscription_export(tmp_path: Path) -> None:
    """A billing system's subscriptions (its own column names, quarterly cohorts): section 8
    counts them by cohort, fits them, and records what the package computes on the same file;
    the synthetic CRM is not used."""
    rng = np.random.default_rng(3)
    n = 1_500
    start = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 540, n), unit="D")
    months = np.minimum(rng.geometric(rng.beta(0.8, 6.0, n)), 600)  # heterogeneous churn
    end = start + pd.to_timedelta(months * 30.4375, unit="D")
    data_end = pd.Timestamp("2023-12-31")
    subs = pd.DataFrame(
        {
            "Account": [f"A{i:05d}" for i in range(n)],
            "Activated on": start.strftime("%Y-%m-%d"),
            "Cancelled on": np.where(end <= data_end, end.strftime("%Y-%m-%d"), ""),
        }
    )
    csv = tmp_path / "subscriptions.csv"
    subs.to_csv(csv, index=False)
    nb = _run(
        NOTEBOOK,
        {
            "SUBSCRIPTIONS_CSV": str(csv),
            "SUB_START_COL": "Activated on",
            "SUB_END_COL": "Cancelled on",
            "SUB_DATA_END": "2023-12-31",
            "COHORT_PERIOD": "Q",
        },
    )
    records = read_records(nb)
    from research.clv import cohort_survivors, fit_sbg, project_retention

    raw = pd.read_csv(csv)
    cohorts = cohort_survivors(
        raw, start_col="Activated on", end_col="Cancelled on", data_end="2023-12-31", period="Q"
    )
    fit = fit_sbg(cohorts)
    assert records["sbg_own_cohorts"] == len(cohorts) == 6
    assert records["sbg_own_boundary"] == fit.boundary
    kept = project_retention(fit, 2 * (cohorts.shape[1] - 1)).table["survival"].iloc[-1]
    assert records["sbg_own_retained_share"] == pytest.approx(kept, rel=1e-9)
    text = shown_text(nb)
    assert f"your subscriptions {escape_markdown(str(csv))}: 6 cohorts by start quarter" in text
    assert "synthetic" not in text.split("## 8.")[-1].split("Notes on method")[0].lower()
