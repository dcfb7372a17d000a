"""``research clv`` on a Shopify-style order export it has never seen: the values it writes
are those the package computes on the same export; a missing column and a fit without a
proper maximum are one error line each, the latter naming ``--penalizer``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research.clv import customer_lifetime_value, fit_bgnbd, fit_gamma_gamma
from research.segmentation import rfm_summary
from tests.cli._run import one_error_line, research
from tests.cli.test_segment import SHOPIFY_OPTIONS, in_process, shopify_cleaned
from tests.exports import shopify_orders


@pytest.mark.filterwarnings("ignore::research.clv.BoundaryFitWarning")
def test_clv_writes_the_package_values(tmp_path: Path) -> None:
    csv = tmp_path / "orders_export.csv"
    shopify_orders(csv)
    out = tmp_path / "clv.csv"
    options = ("--horizon-months", "6", "--discount-rate", "0.02")
    run = research("clv", csv, *SHOPIFY_OPTIONS, *options, "-o", out)
    assert run.code == 0, run.err
    written = pd.read_csv(out, index_col="Email")

    cleaned = shopify_cleaned(csv)
    summary = rfm_summary(cleaned, time_scale=7)  # --unit-days 7, as notebook 01b
    purchases, spend = fit_bgnbd(summary), fit_gamma_gamma(summary)
    expected = customer_lifetime_value(
        purchases, spend, summary, horizon_months=6, monthly_discount_rate=0.02, unit_days=7
    )
    assert written.index.tolist() == summary.index.tolist()
    for col in ["p_alive", "expected_purchases", "expected_average_spend", "clv"]:
        assert written[col].to_numpy() == pytest.approx(expected[col].to_numpy(), rel=1e-9), col
    for col in ["frequency", "recency", "T", "monetary_value", "total_spend"]:
        assert written[col].to_numpy() == pytest.approx(summary[col].to_numpy()), col
    # the fits at a limit of their model are told as notes, then one summary line
    *notes, last = run.err.strip().splitlines()
    assert notes and all(line.startswith("research clv: note: ") for line in notes)
    assert "notebook" not in run.err
    assert last.startswith(
        f"research clv: {cleaned.rows_used:,} of {cleaned.rows_in:,} rows used, "
        f"{len(summary):,} customers; expected value over 6 months "
        f"{expected['clv'].sum():,.2f} in total"
    )


def _two_purchases_each(path: Path) -> None:
    """Every customer buys exactly twice: BG/NBD has no proper maximum."""
    rng = np.random.default_rng(1)
    rows = []
    for i in range(40):
        first = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 30)))
        second = first + pd.Timedelta(days=int(rng.integers(5, 60)))
        rows += [(f"c{i}", first, rng.choice([10.0, 20.0, 35.0])), (f"c{i}", second, 20.0)]
    rows.append(("z", pd.Timestamp("2024-06-30"), 10.0))
    pd.DataFrame(rows, columns=["client", "day", "total"]).to_csv(path, index=False)


def test_clv_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "orders.csv"
    _two_purchases_each(csv)
    out = tmp_path / "clv.csv"
    line = one_error_line(research("clv", csv, "--customer-col", "client", "-o", out), "clv")
    assert "no column 'date' (--date-col" in line and "['client', 'day', 'total']" in line
    options = ("--customer-col", "client", "--date-col", "day", "--amount-col", "total")
    line = one_error_line(in_process(capsys, "clv", csv, *options, "-o", out), "clv")
    assert "BG/NBD fit found no proper maximum" in line and "--penalizer 0.001" in line
    assert not out.exists()
