"""``research terms`` on a message log it has never seen (three languages, an empty language
column, "Marketing" / "Sales"): the table it writes is the package's, a group column of more
than two levels and a missing column are each one error line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from research.cli.main import main
from research.cli.terms import term_table
from research.messages import detect_languages, distinctive_terms
from tests.cli._run import one_error_line, research
from tests.exports import MESSAGE_COLUMNS, message_log

TEXT, TEAM, CHANNEL = (MESSAGE_COLUMNS[k] for k in ("text", "team", "channel"))


@pytest.fixture(scope="module")
def messages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return message_log(tmp_path_factory.mktemp("message_log"))["messages"]


def _written(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False)  # a term such as "null" stays a term


def test_terms_writes_the_package_table(messages: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "terms.csv"
    run = research("terms", messages, "--text-col", TEXT, "--group-col", TEAM, "-o", out)
    assert run.code == 0, run.err
    lines = run.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("research terms: ")
    raw = pd.read_csv(messages)
    assert raw["Lang"].isna().all()  # the languages are detected from the script
    expected = term_table(
        distinctive_terms(raw[TEXT], raw[TEAM], languages=detect_languages(raw[TEXT]))
    )
    written = _written(out)
    assert list(written.columns) == [
        "term",
        "count_Marketing",
        "count_Sales",
        "per_1000_Marketing",
        "per_1000_Sales",
        "delta",
        "variance",
        "z",
        "favours",
    ]
    pd.testing.assert_frame_equal(written, expected, check_dtype=False, rtol=1e-12)
    assert set(written["favours"]) == {"Marketing", "Sales"}
    assert f"{len(raw):,} detected from the script" in lines[0] and str(out) in lines[0]


def test_terms_picks_two_groups_of_more(
    messages: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # in this process (the analysers are loaded once): the subprocess runs are above and below
    out = tmp_path / "terms.csv"
    options = ["terms", str(messages), "--text-col", TEXT, "--group-col", CHANNEL, "-o", str(out)]
    assert main(options) == 1 and not out.exists()
    line = capsys.readouterr().err.strip()
    assert line.startswith("research terms: error: column 'Medium' has 5 levels ('ad' (1,500")
    assert "'call_note' (" in line and line.endswith("pick them with --groups A B")
    assert main([*options, "--groups", "sales_email", "ad", "--min-count", "3"]) == 0
    raw = pd.read_csv(messages)
    part = raw[raw[CHANNEL].isin(["sales_email", "ad"])]
    expected = distinctive_terms(
        part[TEXT], part[CHANNEL], group_a="sales_email", group_b="ad", min_count=3
    )
    pd.testing.assert_frame_equal(
        _written(out), term_table(expected), check_dtype=False, rtol=1e-12
    )
    assert main([*options, "--groups", "ad", "fax"]) == 1
    assert "no group 'fax'; its levels are 'ad' (1,500 rows)" in capsys.readouterr().err
    assert main([*options, "--min-count", "-1"]) == 1
    assert "--min-count must be 0 or more, got -1" in capsys.readouterr().err


def test_terms_names_a_missing_column(messages: Path, tmp_path: Path) -> None:
    line = one_error_line(
        research("terms", messages, "--group-col", TEAM, "-o", tmp_path / "t.csv"), "terms"
    )
    assert "has no column 'text' (--text-col: the text)" in line
    assert f"'{TEXT}'" in line and "Pass --text-col" in line
