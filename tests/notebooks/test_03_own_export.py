"""Notebook 03 on a message log it has never seen (English, Korean and Japanese, an empty
language column, team labels "Marketing" / "Sales"), run with injected parameters: once with
its outcome and campaign files, once with the messages alone. The numbers it records are those
the package computes on the same files, and the sections the files cannot support say so."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest

from research.messages import (
    CLAIM_KEYWORDS,
    alignment,
    alignment_summary,
    claim_coverage,
    detect_language,
    distinctive_terms,
    echo_share,
    message_effect,
    validate_messages,
)
from research.messages import DRIFT_KEYWORDS as DRIFT
from research.report import execute_notebook, read_records
from tests.exports import MESSAGE_COLUMNS, MESSAGE_TEAMS, message_log

NOTEBOOK = (
    Path(__file__).resolve().parents[2] / "notebooks" / "03_marketing_vs_sales_messages.ipynb"
)

#: Notebook 03's parameters for the files of :func:`message_log`.
COLUMNS = {
    "LEAD_COL": MESSAGE_COLUMNS["lead_id"],
    "TEAM_COL": MESSAGE_COLUMNS["team"],
    "TEXT_COL": MESSAGE_COLUMNS["text"],
    "LANGUAGE_COL": MESSAGE_COLUMNS["language"],
    "CHANNEL_COL": MESSAGE_COLUMNS["channel"],
    "CAMPAIGN_COL": MESSAGE_COLUMNS["campaign_id"],
    "SENT_AT_COL": MESSAGE_COLUMNS["sent_at"],
    "REP_COL": None,
    "TEAMS": MESSAGE_TEAMS,
    "WON_COL": "Won",
    "CLAIMS_COL": "Claims",
    "TOP_TERMS": 5,  # fewer labels to place: a faster run
}
LEAD, TEAM, TEXT, CAMPAIGN = (
    COLUMNS[k] for k in ("LEAD_COL", "TEAM_COL", "TEXT_COL", "CAMPAIGN_COL")
)
MARKETING, SALES = MESSAGE_TEAMS


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return message_log(tmp_path_factory.mktemp("message_log"))


@pytest.fixture(scope="module")
def raw(files: dict[str, Path]) -> pd.DataFrame:
    return pd.read_csv(files["messages"])


def _markdown(nb: nbformat.NotebookNode) -> str:
    return "\n".join(
        "".join(o.get("data", {}).get("text/markdown", ""))
        for c in nb.cells
        for o in c.get("outputs", [])
    )


@pytest.fixture(scope="module")
def expected(raw: pd.DataFrame) -> dict[str, object]:
    """What every run must record of the log itself, computed by the package once."""
    languages = raw[TEXT].map(detect_language)
    terms = {}
    for lang, part in raw.groupby(languages):
        found = distinctive_terms(
            part[TEXT],
            part[TEAM],
            group_a=SALES,
            group_b=MARKETING,
            languages=languages[part.index],
        )
        terms[lang] = found.top_terms(SALES, 8)
    log = validate_messages(raw, lead_col=LEAD, team_col=TEAM, text_col=TEXT, teams=MESSAGE_TEAMS)
    per_lead = alignment(log)
    return {
        "n_messages": len(raw),
        "n_leads_messaged": raw[LEAD].nunique(),
        "detected_languages": languages.value_counts().to_dict(),
        "distinctive_terms": terms,
        "leads_heard_both": int(per_lead["similarity"].notna().sum()),
        "log": log,
        "per_lead": per_lead,
    }


def _check_messages(records: dict[str, object], raw: pd.DataFrame, expected: dict) -> None:
    """The records of the log itself: its size, the languages detected, the words."""
    assert raw["Lang"].isna().all()  # the export's language column is empty
    for name in ("n_messages", "n_leads_messaged", "detected_languages", "distinctive_terms"):
        assert records[name] == expected[name], name
    assert set(records["detected_languages"]) == {"en", "ko", "ja"}
    assert records["leads_heard_both"] == expected["leads_heard_both"] > 0


def test_notebook_03_on_a_message_log_with_outcomes_and_campaigns(files, raw, expected) -> None:
    parameters = {
        "MESSAGES_CSV": str(files["messages"]),
        "OUTCOMES_CSV": str(files["outcomes"]),
        "CAMPAIGNS_CSV": str(files["campaigns"]),
        **COLUMNS,
    }
    nb = execute_notebook(NOTEBOOK, parameters=parameters)
    records = read_records(nb)
    _check_messages(records, raw, expected)

    # the package on the same files: each lead's campaign is the one on its messages
    assert raw.groupby(LEAD)[CAMPAIGN].nunique().max() == 1
    leads = raw.groupby(LEAD, as_index=False)[CAMPAIGN].first()
    campaigns = pd.read_csv(files["campaigns"])
    outcomes = pd.read_csv(files["outcomes"])
    log, per_lead = expected["log"], expected["per_lead"]
    summary = alignment_summary(per_lead, leads.set_index(LEAD)[CAMPAIGN]).table
    assert records["closest_campaign"] == summary.index[0]
    assert records["furthest_campaign"] == summary.index[-1]
    coverage = claim_coverage(
        log, campaigns, leads, CLAIM_KEYWORDS, campaign_col=CAMPAIGN, claims_col="Claims"
    )
    assert records["never_repeated_claims"] == sorted(coverage.pool().never_repeated)
    echo = echo_share(
        log, campaigns, leads, CLAIM_KEYWORDS, DRIFT, campaign_col=CAMPAIGN, claims_col="Claims"
    )
    deals = outcomes.join(per_lead["similarity"], on=LEAD).join(echo, on=LEAD)
    fitted = {}
    for name, col in (("echo", "echo_share"), ("similarity", "similarity")):
        fitted[name] = effect = message_effect(deals, outcome_col="Won", consistency_col=col)
        row = effect.consistency
        assert records[f"{name}_odds_ratio"] == pytest.approx(row["odds_ratio"])
        assert records[f"{name}_odds_ratio_low"] == pytest.approx(row["low"])
        assert records[f"{name}_odds_ratio_high"] == pytest.approx(row["high"])
    assert records["closed_deals"] == fitted["echo"].n > 100
    assert records["similarity_deals"] == fitted["similarity"].n
    assert records["skipped_sections"] == ["reps", "headlines"]
    assert "echo_planted_odds_ratio" not in records and "upworthy_packages" not in records

    # the sentences come from this export: no synthetic data, no planted effect
    text = _markdown(nb)
    assert "messages\\.csv" in text and "CMP\\-" in text
    assert "synthetic" not in text.lower() and "planted" not in text
    assert "Skipped: the log has no rep column (`REP_COL`)" in text
    assert "`UPWORTHY_PATH`" in text and "Upworthy (real)" not in text


def test_notebook_03_on_the_messages_alone(files, raw, expected) -> None:
    parameters = {
        "MESSAGES_CSV": str(files["messages"]),
        **COLUMNS,
        "LANGUAGE_COL": None,  # no language column at all: every language is detected
        "CAMPAIGN_COL": None,
    }
    nb = execute_notebook(NOTEBOOK, parameters=parameters)
    records = read_records(nb)
    _check_messages(records, raw, expected)
    assert records["skipped_sections"] == ["campaigns", "claims", "reps", "deals", "headlines"]
    for name in ("closest_campaign", "never_repeated_claims", "echo_odds_ratio", "closed_deals"):
        assert name not in records
    text = _markdown(nb)
    assert "synthetic" not in text.lower() and "planted" not in text
    assert "came without a language column" in text
    assert "no outcome table (`OUTCOMES_CSV`)" in text
    assert "no campaign column (`CAMPAIGN_COL`)" in text


def test_a_blank_language_column_is_detected_and_counted() -> None:
    # as read from a CSV: an empty column is float NaN, a partly filled one text with blanks
    texts = ["Fast setup.", "연동됩니다", "連携します", "A discount?"]
    log = pd.DataFrame({"lead_id": [1, 1, 2, 2], "team": ["marketing", "sales"] * 2, "text": texts})
    empty = validate_messages(log.assign(language=float("nan")))
    assert empty.table["language"].tolist() == ["en", "ko", "ja", "en"]
    assert dict(empty.detected) == {"en": 2, "ja": 1, "ko": 1}
    partly = validate_messages(log.assign(language=["en", " ", None, "fr"]))
    assert partly.table["language"].tolist() == ["en", "ko", "ja", "fr"]
    assert dict(partly.detected) == {"ja": 1, "ko": 1}
    assert dict(validate_messages(partly.table).detected) == {}


def test_messages_without_text_and_of_a_third_team_are_left_out_and_counted(
    files, raw, expected, tmp_path: Path
) -> None:
    extra = raw.head(7).copy()
    extra[TEAM] = "Customer Success"
    blank = raw.head(3).copy()
    blank[TEXT] = ["", "   ", None]
    path = tmp_path / "messages_with_cs.csv"
    pd.concat([raw, extra, blank], ignore_index=True).to_csv(path, index=False)
    parameters = {
        "MESSAGES_CSV": str(path),
        **COLUMNS,
        "LANGUAGE_COL": None,
        "CAMPAIGN_COL": None,
    }
    nb = execute_notebook(NOTEBOOK, parameters=parameters)
    records = read_records(nb)
    assert records["n_left_out"] == 10
    _check_messages(records, raw, expected)  # the log the two teams wrote, as without them
    text = _markdown(nb)
    assert "**Left out:** 3 messages without text, 7 messages of Customer Success" in text
