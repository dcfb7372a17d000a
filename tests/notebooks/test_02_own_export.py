"""Notebook 02 on a lead export the toolkit has never seen (semicolon-separated, a yes/no target,
day-first text dates, an id and a column known only after the outcome), run with injected
parameters: the numbers it records are those the package computes on the same file, and no
sentence speaks of the bank calls."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient.exceptions import CellExecutionError

from research.conversion import (
    LeadScorer,
    calibration_table,
    evaluate,
    lead_tiers,
    prepare_leads,
    profit_curve,
    rolling_sizes,
    tier_outcomes,
)
from research.report import execute_notebook, read_records
from research.report.record import _parameters_cell
from tests.exports import LEAD_SETTINGS, lead_export

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "02_conversion_prediction.ipynb"

#: Small settings, so that the run stays short: 5 refits of 100 leads, few resamples.
SETTINGS = {"STEP": 100, "N_BOOT": 20, "CI": 0.9, "CURRENCY": "US$"}


def _parameters(csv: Path) -> dict[str, object]:
    return {
        "LEADS_CSV": str(csv),
        "TARGET_COL": LEAD_SETTINGS["target"],
        "TIME_COL": LEAD_SETTINGS["time"],
        "SEP": LEAD_SETTINGS["sep"],
        "ID_COL": LEAD_SETTINGS["id"],
        "POST_OUTCOME": LEAD_SETTINGS["post_outcome"],
        **SETTINGS,
    }


def _shown_text(nb: nbformat.NotebookNode) -> str:
    """Everything a reader sees: the Markdown cells and every text, Markdown and HTML output."""
    parts = [cell.source for cell in nb.cells if cell.cell_type == "markdown"]
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts += ["".join(data.get(kind, "")) for kind in ("text/markdown", "text/html")]
            parts.append("".join(output.get("text", "")))
    return "\n".join(parts)


@pytest.mark.filterwarnings("ignore:left out of the model")
def test_notebook_02_on_a_lead_export(tmp_path: Path) -> None:
    csv = tmp_path / "leads_export.csv"
    lead_export(csv)
    nb = execute_notebook(NOTEBOOK, parameters=_parameters(csv))
    records = read_records(nb)

    # the package on the same file, as a user would call it
    raw = pd.read_csv(csv, sep=";")
    post = LEAD_SETTINGS["post_outcome"]
    leads = prepare_leads(
        raw,
        target_col=LEAD_SETTINGS["target"],
        time_col=LEAD_SETTINGS["time"],
        id_col=LEAD_SETTINGS["id"],
        post_outcome=post,
    )
    X, y = leads.X, leads.y
    n_test, step = rolling_sizes(len(X), step=SETTINGS["STEP"])
    assert records["n_leads"] == len(raw) == 2500
    assert records["n_converted"] == int((raw["Converted"] == "Yes").sum())
    assert (records["n_test"], records["step"]) == (n_test, step) == (500, 100)
    assert records["recent_rate"] == pytest.approx(y.iloc[-n_test:].mean())
    # the leak is caught, and it flatters the model under random folds
    assert records["leakage_flagged"] == post
    assert records["auc_random_with_post_outcome"] > records["auc_random_without_post_outcome"]

    settings = {"n_boot": SETTINGS["N_BOOT"], "ci": SETTINGS["CI"], "random_state": 0}
    results = {
        model: evaluate(
            LeadScorer(model, post_outcome=post),
            X,
            y,
            scheme=["random", "chronological", "rolling"],
            test_size={"rolling": n_test},
            step=step,
            progress=False,
            **settings,
        )
        for model in ("logistic", "gbm")
    }
    gbm = results["gbm"]
    assert records["gbm_auc_random"] == pytest.approx(gbm.metric("auc", "random")["estimate"])
    rolling = gbm.metric("auc", "rolling")
    assert [records[f"gbm_auc_rolling{s}"] for s in ("", "_low", "_high")] == pytest.approx(
        [rolling["estimate"], rolling["low"], rolling["high"]]
    )
    assert records["gbm_gain_at_50_rolling"] == pytest.approx(
        gbm.metric("gain_at_50", "rolling")["estimate"]
    )
    assert records["logistic_auc_chronological"] == pytest.approx(
        results["logistic"].metric("auc", "chronological")["estimate"]
    )
    # the rest reads the model that ranks the latest leads better
    chosen = max(results, key=lambda m: results[m].metric("auc", "rolling")["estimate"])
    assert records["chosen_model"] == chosen
    best = results[chosen].scores("rolling")
    assert len(best) == n_test
    assert records["chosen_auc_rolling"] == pytest.approx(
        results[chosen].metric("auc", "rolling")["estimate"]
    )
    calib = calibration_table(best["y"], best["score"], ci=SETTINGS["CI"])
    assert records["calibration_bins_covered"] == calib.n_covered
    profit = profit_curve(
        best["y"],
        best["score"],
        value_per_conversion=80.0,
        cost_per_contact=30.0,
        **settings,
    )
    assert records["best_share_called"] == pytest.approx(profit.best["share_called"])
    assert records["best_profit"] == pytest.approx(profit.best["profit"])
    assert records["best_profit_low"] == pytest.approx(profit.best["profit_low"])
    assert records["best_profit_high"] == pytest.approx(profit.best["profit_high"])
    assert records["profit_calling_everyone"] == pytest.approx(profit.table["profit"].iloc[-1])
    final = LeadScorer(chosen, post_outcome=post).fit(X.iloc[:-n_test], y.iloc[:-n_test])
    tiers = lead_tiers(final.predict_proba(X.iloc[-n_test:])[:, 1])
    by_tier = tier_outcomes(tiers, y.iloc[-n_test:], ci=SETTINGS["CI"])
    assert records["tier_leads"] == by_tier.table["leads"].to_dict()
    assert records["tier_rates"] == pytest.approx(by_tier.table["rate"].to_dict())
    assert "olist_auc_chronological" not in records and "bank_calls" not in records

    # every sentence comes from this file: nothing of the bank calls or of Olist's results
    text = _shown_text(nb)
    assert "leads\\_export\\.csv" in text and "Deal Amount" in text and "Lead ID" in text
    for bank_text in ("41,188", "economic indicator", "term deposit", "Moro et al. report",
                      "duration", "Bank calls", "bank", "Olist (real)"):  # fmt: skip
        assert bank_text not in text, bank_text
    assert "skipped" in text  # the Olist section says why it does not run


def test_notebook_02_names_a_missing_column_and_its_parameter(tmp_path: Path) -> None:
    csv = tmp_path / "leads_export.csv"
    lead_export(csv, n_leads=200)
    with pytest.raises(CellExecutionError) as failed:
        execute_notebook(NOTEBOOK, parameters={**_parameters(csv), "TARGET_COL": "Won"})
    message = " ".join(str(failed.value).split())
    assert "has no column 'Won'" in message and "Set TARGET_COL to the column" in message
    assert "'Converted'" in message  # the file's columns are listed


def test_the_parameters_cell_keeps_the_bundled_data_as_default() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    namespace: dict[str, object] = {}
    exec(nb.cells[_parameters_cell(nb)].source, namespace)
    assert namespace["LEADS_CSV"] is None and namespace["TARGET_COL"] == "y"
    assert namespace["TEST_SIZE"] is None and namespace["STEP"] is None
    assert rolling_sizes(41_188) == (1293, 100)  # the paper's protocol on the bank calls
