"""The ``research`` command's frame: help on every command, the one-line error rule, ``fetch``
and ``report``."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from research.cli.main import COMMANDS, main
from research.cli.report import parse_parameter
from tests.cli._run import one_error_line, research


def test_help_on_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    top = research("--help")  # the installed entry point, once as a subprocess
    assert top.code == 0 and all(name in top.out for name in COMMANDS)
    for name in COMMANDS:
        with pytest.raises(SystemExit) as stop:
            main([name, "--help"])
        assert stop.value.code == 0
        assert f"usage: research {name}" in capsys.readouterr().out


def test_usage_errors_exit_2() -> None:
    assert research().code == 2
    run = research("no-such-command")
    assert run.code == 2 and "invalid choice" in run.err


def test_fetch_lists_and_verifies_the_mirror(mirror: Path) -> None:
    listed = research("fetch", "--list")
    assert listed.code == 0
    assert {line.split("\t")[0] for line in listed.out.splitlines()} >= {"cdnow", "bank_marketing"}
    run = research("fetch", "cdnow", "--no-download", env={"RESEARCH_DATA_HOME": str(mirror)})
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert len(lines) == 4 and all(str(mirror) in line for line in lines)


def test_fetch_says_where_to_put_a_missing_dataset(tmp_path: Path) -> None:
    env = {"RESEARCH_DATA_HOME": str(tmp_path / "none"), "RESEARCH_CACHE_DIR": str(tmp_path)}
    run = research("fetch", "olist_marketing_funnel", "--no-download", env=env)
    assert run.code == 1
    assert "olist_marketing_funnel/" in run.err and "missing" in run.err
    assert "kaggle.com" in run.err and "Traceback" not in run.err
    line = one_error_line(research("fetch", "nope"), "fetch")
    assert "unknown dataset 'nope'" in line and "cdnow" in line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("N_BOOT=50", ("N_BOOT", 50)),
        ("CI=0.9", ("CI", 0.9)),
        ("POST_OUTCOME=['duration']", ("POST_OUTCOME", ["duration"])),
        ("OLIST_PATH=None", ("OLIST_PATH", None)),
        ("LEADS_CSV=data/my leads.csv", ("LEADS_CSV", "data/my leads.csv")),
        ("TARGET_COL=won", ("TARGET_COL", "won")),
        ("SEP=;", ("SEP", ";")),
    ],
)
def test_report_parameters(text: str, expected: tuple[str, object]) -> None:
    assert parse_parameter(text) == expected


def _tiny_notebooks(folder: Path) -> None:
    folder.mkdir()
    params = new_code_cell('GREETING = "hello"\nTIMES = 2')
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Tiny\n\nA **tiny** analysis."),
            params,
            new_code_cell("from IPython.display import Markdown\nMarkdown(GREETING * TIMES)"),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, folder / "01_tiny.ipynb")
    other = new_notebook(cells=[new_markdown_cell("# Other"), new_code_cell("1 + 1")])
    other.metadata["kernelspec"] = nb.metadata["kernelspec"]
    nbformat.write(other, folder / "02_other.ipynb")


def test_report_runs_a_notebook_with_parameters(tmp_path: Path) -> None:
    _tiny_notebooks(tmp_path / "nbs")
    out = tmp_path / "out"
    run = research(
        "report", "01_tiny", "-p", "GREETING=bye ", "-p", "TIMES=3",
        "--notebooks-dir", tmp_path / "nbs", "-o", out,
    )  # fmt: skip
    assert run.code == 0, run.err
    assert sorted(p.name for p in out.iterdir()) == ["01_tiny.html", "index.html"]
    assert "bye bye bye" in (out / "01_tiny.html").read_text()
    assert "<strong>tiny</strong>" in (out / "index.html").read_text()


def test_report_errors_are_one_line(tmp_path: Path) -> None:
    _tiny_notebooks(tmp_path / "nbs")
    args = ("--notebooks-dir", tmp_path / "nbs", "-o", tmp_path / "out")
    line = one_error_line(research("report", "01_tiny", "-p", "NOPE=1", *args), "report")
    assert "no notebook run here has the parameter 'NOPE'" in line
    line = one_error_line(research("report", "03_missing", *args), "report")
    assert "no notebook '03_missing'" in line and "01_tiny" in line
    shutil.rmtree(tmp_path / "nbs")
    line = one_error_line(research("report", *args), "report")
    assert "notebooks folder not found" in line


def test_a_failing_notebook_is_one_line_and_its_traceback_on_request(tmp_path: Path) -> None:
    _tiny_notebooks(tmp_path / "nbs")
    args = ("--notebooks-dir", tmp_path / "nbs", "-o", tmp_path / "out")
    # TIMES as text: the cell's "GREETING * TIMES" fails in the notebook, not in the command
    run = research("report", "01_tiny", "-p", "TIMES=many", *args)
    line = one_error_line(run, "report")
    assert "1 notebook(s) failed: 01_tiny.ipynb: TypeError:" in line
    assert "no report written" in line and "--traceback shows where" in line
    assert "\x1b[" not in run.err  # no coloured traceback
    shown = research("report", "01_tiny", "-p", "TIMES=many", "--traceback", *args)
    assert shown.code == 1 and "GREETING" in shown.err and "TypeError" in shown.err


def test_relative_paths_in_parameters_are_read_from_where_the_command_runs(
    tmp_path: Path,
) -> None:
    _tiny_notebooks(tmp_path / "nbs")
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "hello.txt").write_text("from the user's folder")
    out = tmp_path / "out"
    run = research(
        "report", "01_tiny", "-p", "GREETING=hello.txt", "-p", "TIMES=1",
        "--notebooks-dir", tmp_path / "nbs", "-o", out, cwd=tmp_path / "work",
    )  # fmt: skip
    assert run.code == 0, run.err
    # IPython's Markdown() reads a path it is given: the file in the user's folder was found
    assert "from the user's folder" in (out / "01_tiny.html").read_text()
