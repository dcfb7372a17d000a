"""papermill, as the README documents it: a notebook run from the shell on a user's export with
``-p NAME VALUE``, under ``MPLBACKEND=Agg`` as such runs often have it, keeps its charts and
records the numbers of the user's file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat

from research.report import read_records
from research.segmentation import clean_transactions
from tests.exports import SHOPIFY_COLUMNS, shopify_orders

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_customer_segmentation.ipynb"


def test_papermill_runs_notebook_01_on_a_shopify_export(tmp_path: Path) -> None:
    csv = tmp_path / "orders_export.csv"
    raw = shopify_orders(csv, n_customers=150)
    out = tmp_path / "01_out.ipynb"
    params = {**SHOPIFY_COLUMNS, "TRANSACTIONS_CSV": str(csv), "K_RANGE": [2, 3], "N_BOOT": 3}
    args = [sys.executable, "-m", "papermill", str(NOTEBOOK), str(out), "--cwd", str(tmp_path)]
    for name, value in params.items():
        # -p takes text (read as YAML by papermill); -y a YAML value for None and lists
        args += (
            ["-y", f"{name}: {value if value is not None else 'null'}"]
            if (value is None or isinstance(value, list))
            else ["-p", name, str(value)]
        )
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    nb = nbformat.read(out, as_version=4)
    records = read_records(nb)
    cleaned = clean_transactions(
        raw,
        customer_col="Email",
        date_col="Created at",
        amount_col=None,
        quantity_col="Lineitem quantity",
        price_col="Lineitem price",
        invoice_col="Name",
        product_col="Lineitem sku",
    )
    assert records["rows_in"] == len(raw) and records["n_customers"] == cleaned.customers
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    bare = [  # a figure shown only as its text: "<Figure size 900x400 with 1 Axes>"
        o
        for c in nb.cells
        for o in c.get("outputs", [])
        if str(o.get("data", {}).get("text/plain", "")).startswith("<Figure size")
        and "image/png" not in o.get("data", {})
    ]
    assert len(images) >= 3 and not bare  # charts embedded although the backend was Agg
