"""``research funnel`` on a HubSpot-style CRM export it has never seen (contacts with their
lifecycle dates as text, deals with HubSpot's stage codes): the stage table it writes is the
package's on the same files, and a missing stage column or an unreadable date is one error
line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from research.cli.main import main
from research.funnel import funnel, opportunity_stages
from tests.cli._run import one_error_line, research
from tests.exports import HUBSPOT_COLUMNS, HUBSPOT_STAGES, hubspot_crm

LEADS = HUBSPOT_COLUMNS["leads"]
DEALS = HUBSPOT_COLUMNS["opportunities"]
STAGES = [LEADS["created_at"], LEADS["mql_at"], LEADS["sql_at"]]
#: The command's deal options for hubspot_crm's deals.csv.
DEAL_OPTIONS = (
    "--deal-lead-col", DEALS["lead_id"],
    "--opened-col", DEALS["created_at"],
    "--closed-col", DEALS["closed_at"],
    "--status-col", DEALS["status"],
    "--won", HUBSPOT_STAGES["won"],
)  # fmt: skip


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return hubspot_crm(tmp_path_factory.mktemp("hubspot"), n_leads=1500, seed=5)


def test_funnel_writes_the_package_stage_table(export, tmp_path: Path) -> None:
    out = tmp_path / "out" / "funnel.csv"
    run = research(
        "funnel", export["leads"], "--stages", *STAGES, "--names", "lead", "MQL", "SQL",
        "--lead-col", LEADS["lead_id"], "--opportunities", export["opportunities"],
        *DEAL_OPTIONS, "--ci", "0.9", "-o", out,
    )  # fmt: skip
    assert run.code == 0, run.err
    written = pd.read_csv(out)
    leads = opportunity_stages(
        pd.read_csv(export["leads"]),
        pd.read_csv(export["opportunities"]),
        lead_col=LEADS["lead_id"],
        deal_lead_col=DEALS["lead_id"],
        opened_col=DEALS["created_at"],
        closed_col=DEALS["closed_at"],
        status_col=DEALS["status"],
        won_status=HUBSPOT_STAGES["won"],
    )
    expected = funnel(
        leads,
        [*STAGES, "opportunity_at", "won_at"],
        names=["lead", "MQL", "SQL", "opportunity", "won"],
        lead_col=LEADS["lead_id"],
        ci=0.9,
    ).table
    assert written["stage"].tolist() == ["lead", "MQL", "SQL", "opportunity", "won"]
    pd.testing.assert_frame_equal(written, expected, check_dtype=False)
    # the deals' stages: every lead with a deal opened one; the won are the won deals' leads
    deals = pd.read_csv(export["opportunities"])
    won = deals[deals[DEALS["status"]] == HUBSPOT_STAGES["won"]][DEALS["lead_id"]].nunique()
    assert written["entered"].tolist()[-2:] == [deals[DEALS["lead_id"]].nunique(), won]
    # one summary line on stderr: the bottleneck with its interval at the level asked
    worst = expected[expected["bottleneck"]].iloc[0]
    summary = run.err.strip().splitlines()[-1]
    assert summary.startswith("research funnel: 1,500 leads through 5 stages; bottleneck ")
    assert f"{worst['stage']} -> {worst['next_stage']}" in summary
    assert "90% CI" in summary and str(out) in summary


def test_funnel_by_a_column_and_by_monthly_cohort(export, tmp_path: Path) -> None:
    raw = pd.read_csv(export["leads"])
    by = tmp_path / "by_source.csv"
    run = research(
        "funnel", export["leads"], "--stages", *STAGES[:2], "--lead-col", LEADS["lead_id"],
        "--by", LEADS["channel"], "-o", by,
    )  # fmt: skip
    assert run.code == 0, run.err
    expected = funnel(raw, STAGES[:2], by=LEADS["channel"], lead_col=LEADS["lead_id"]).table
    pd.testing.assert_frame_equal(pd.read_csv(by), expected, check_dtype=False)
    assert "groups by Original Source" in run.err
    cohorts = tmp_path / "cohorts.csv"
    code = main(
        ["funnel", str(export["leads"]), "--stages", *STAGES[:2], "--lead-col", LEADS["lead_id"],
         "--cohort", "month", "-o", str(cohorts)]
    )  # fmt: skip
    assert code == 0
    written = pd.read_csv(cohorts)
    monthly = funnel(raw, STAGES[:2], cohort=STAGES[0], lead_col=LEADS["lead_id"]).table
    assert written["cohort"].tolist() == monthly["cohort"].astype(str).tolist()
    assert written["entered"].tolist() == monthly["entered"].tolist()
    assert written["cohort"].iloc[0] == "2024-01"


def test_funnel_counts_parquet_files_in_duckdb(export, tmp_path: Path) -> None:
    raw = pd.read_csv(export["leads"])
    (tmp_path / "parts").mkdir()
    half = len(raw) // 2
    raw.iloc[:half].to_parquet(tmp_path / "parts" / "a.parquet")
    raw.iloc[half:].to_parquet(tmp_path / "parts" / "b.parquet")
    out = tmp_path / "by_source.csv"
    run = research(
        "funnel", tmp_path / "parts", "--stages", *STAGES, "--lead-col", LEADS["lead_id"],
        "--by", LEADS["channel"], "-o", out,
    )  # fmt: skip
    assert run.code == 0, run.err
    expected = funnel(raw, STAGES, by=LEADS["channel"], lead_col=LEADS["lead_id"]).table
    pd.testing.assert_frame_equal(pd.read_csv(out), expected, check_dtype=False)
    assert run.err.strip().splitlines()[-1].startswith("research funnel: 1,500 leads through 3")
    missing = research(
        "funnel", tmp_path / "parts" / "*.parquet", "--stages", "Lifecycle", *STAGES[1:],
        "--lead-col", LEADS["lead_id"], "-o", out,
    )  # fmt: skip
    line = one_error_line(missing, "funnel")
    assert "has no column 'Lifecycle' (--stages); its columns are" in line
    refused = research(
        "funnel", tmp_path / "parts", "--stages", *STAGES, "--lead-col", LEADS["lead_id"],
        "--opportunities", export["opportunities"], *DEAL_OPTIONS, "-o", out,
    )  # fmt: skip
    assert "give the leads as a CSV or Excel file" in one_error_line(refused, "funnel")


def test_a_missing_stage_column_is_one_error_line(export, tmp_path: Path) -> None:
    run = research(
        "funnel", export["leads"], "--stages", STAGES[0], "MQL Date", "--lead-col",
        LEADS["lead_id"], "-o", tmp_path / "f.csv",
    )  # fmt: skip
    line = one_error_line(run, "funnel")
    assert "no column 'MQL Date' (--stages)" in line
    assert repr(LEADS["mql_at"]) in line  # the file's columns, to pick the right one
    assert not (tmp_path / "f.csv").exists()


def test_an_unreadable_date_is_one_error_line(export, tmp_path: Path, capsys) -> None:
    leads = pd.read_csv(export["leads"])
    leads.loc[[4, 9], LEADS["mql_at"]] = ["soon", "31/12/2024 10:00"]
    csv = tmp_path / "contacts.csv"
    leads.to_csv(csv, index=False)
    code = main(
        ["funnel", str(csv), "--stages", *STAGES, "--lead-col", LEADS["lead_id"], "-o",
         str(tmp_path / "f.csv")]
    )  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("research funnel: error: column ") and "\n" not in err
    assert "2 of" in err and "(rows 4, 9;" in err and "'soon'" in err and "date_format" in err


def test_funnel_help_and_usage(capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main(["funnel", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    for option in ("--stages", "--names", "--by", "--cohort", "--opportunities", "--won"):
        assert option in text, option
    assert "--date-format" in text and "--ci" in text
    code = main(["funnel", "x.csv", "--stages", "a", "b", "--by", "c", "--cohort", "month",
                 "-o", "y.csv"])  # fmt: skip
    assert code == 1
