"""Tests for research.report: executing notebooks and exporting them as HTML reports."""

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from research.report import build_reports, main

REPO_ROOT = Path(__file__).resolve().parents[2]
COMMITTED_NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))

SUMMARY = "A summary paragraph about <script>alert(1)</script> tags."
CODE_MARKER = "answer_to_everything"  # appears only in the code, never in an output
PRINTED = "tiny-result: 42"


def _write_notebook(path: Path, cells: list) -> Path:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, path)
    return path


def _tiny_notebook(folder: Path, name: str = "01_tiny.ipynb") -> Path:
    return _write_notebook(
        folder / name,
        [
            new_markdown_cell(f"# Tiny analysis\n\n{SUMMARY}\n\nA second paragraph."),
            new_code_cell(f'{CODE_MARKER} = 6 * 7\nprint("tiny-result:", {CODE_MARKER})'),
            new_code_cell(
                "import matplotlib.pyplot as plt\n"
                "fig, ax = plt.subplots(figsize=(3, 2))\n"
                "ax.plot([1, 2, 3], [2, 1, 3])\n"
                'ax.set(title="Tiny chart", xlabel="week", ylabel="leads")\n'
                "plt.show()"
            ),
        ],
    )


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("notebooks")
    _tiny_notebook(folder)
    return folder


@pytest.fixture(scope="module")
def default_reports(tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Reports built with the defaults, in a headless shell as on CI."""
    with pytest.MonkeyPatch.context() as mp:
        # CI exports MPLBACKEND=Agg; the reports must still embed the charts.
        mp.setenv("MPLBACKEND", "Agg")
        return build_reports(tiny_dir, tmp_path_factory.mktemp("reports"))


def test_report_hides_code_and_keeps_outputs(default_reports: list[Path]) -> None:
    assert [p.name for p in default_reports] == ["01_tiny.html"]
    text = default_reports[0].read_text(encoding="utf-8")
    assert PRINTED in text
    # an embedded chart (the template's CSS holds a tiny data:image/png icon too)
    assert re.search(r'<img[^>]+src="data:image/png;base64,', text)
    assert CODE_MARKER not in text
    assert "Tiny analysis" in text


def test_index_links_reports_and_escapes_text(default_reports: list[Path]) -> None:
    index = (default_reports[0].parent / "index.html").read_text(encoding="utf-8")
    assert "<title>Market and sales research: analyses</title>" in index
    assert 'href="01_tiny.html"' in index
    assert ">Tiny analysis</a>" in index
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert "<script" not in index
    assert "A second paragraph" not in index  # only the first paragraph is the summary


def test_notebook_is_not_written_back(tiny_dir: Path, default_reports: list[Path]) -> None:
    nb = nbformat.read(tiny_dir / "01_tiny.ipynb", as_version=4)
    assert all(not c.outputs and c.execution_count is None for c in nb.cells if "outputs" in c)


def test_report_with_code_keeps_code(tiny_dir: Path, tmp_path: Path) -> None:
    build_reports(tiny_dir, tmp_path / "reports", code=True)

    text = (tmp_path / "reports" / "01_tiny.html").read_text(encoding="utf-8")
    assert CODE_MARKER in text
    assert PRINTED in text


def test_failing_notebook_is_reported_and_others_still_exported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _write_notebook(
        notebooks / "01_broken.ipynb",
        [new_markdown_cell("# Broken analysis"), new_code_cell('raise ValueError("no data")')],
    )
    _tiny_notebook(notebooks, "02_tiny.ipynb")
    out = tmp_path / "reports"

    status = main(["--notebooks", str(notebooks), "--out", str(out), "--timeout", "120"])

    assert status != 0
    assert (out / "02_tiny.html").is_file()
    assert not (out / "01_broken.html").exists()
    captured = capsys.readouterr()
    assert "[1/2] executing 01_broken.ipynb" in captured.out
    assert "01_broken.ipynb: ValueError: no data" in captured.err
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="02_tiny.html"' in index
    assert "Broken analysis" in index
    assert 'href="01_broken.html"' not in index


def test_missing_notebooks_folder_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["--notebooks", str(tmp_path / "nowhere"), "--out", str(tmp_path)]) == 2


@pytest.mark.parametrize("path", COMMITTED_NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebooks_have_no_outputs(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    dirty = [
        i
        for i, cell in enumerate(nb.get("cells", []))
        if cell.get("cell_type") == "code"
        and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, (
        f"{path.name}: code cells {dirty} hold outputs or execution counts; "
        "strip them before committing (e.g. `jupyter nbconvert --clear-output --inplace`)"
    )


def test_progress_bars_settle_to_their_final_state() -> None:
    from research.report.build import settle_streams

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("work()")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="\rbar:   0%|    | 0/2"),
        nbformat.v4.new_output("stream", name="stderr", text="\rbar: 100%|####| 2/2"),
        nbformat.v4.new_output("stream", name="stderr", text="\r                  \r"),
        nbformat.v4.new_output("stream", name="stdout", text="done\n"),
        nbformat.v4.new_output("stream", name="stderr", text="\rkept: 50%\rkept: 100%\n"),
    ]
    nb.cells = [cell]
    settled = settle_streams(nb)
    outs = settled.cells[0].outputs
    assert [(o.name, o.text) for o in outs] == [("stdout", "done\n"), ("stderr", "kept: 100%\n")]
    assert len(nb.cells[0].outputs) == 5  # the input is not modified


def _markdown_text(nb: nbformat.NotebookNode) -> str:
    """The Markdown the code cells of an executed notebook displayed, joined."""
    return "\n".join(
        "".join(out.get("data", {}).get("text/markdown", ""))
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
    )


def test_funnel_notebook_runs_without_the_manual_olist_download(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a fresh machine Olist is absent: the report must still build, and say how to get it."""
    from research.report import execute_notebook

    monkeypatch.setenv("RESEARCH_DATA_HOME", str(tmp_path / "no-data"))
    monkeypatch.setenv("RESEARCH_CACHE_DIR", str(tmp_path / "empty-cache"))
    notebook = Path(__file__).resolve().parents[2] / "notebooks" / "04_funnel_kpis_and_sla.ipynb"
    nb = execute_notebook(notebook)
    text = _markdown_text(nb)
    assert "The Olist data is not on this machine" in text
    assert "kaggle.com/datasets/olistbr/marketing-funnel-olist" in text
    # nothing else stands in for the real data: none of the Olist results is printed
    assert "**Olist:**" not in text and "MQL → won" not in text
    assert "synthetic" in text.lower()


def test_conversion_notebook_without_the_manual_olist_download(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mirror: Path
) -> None:
    """Notebook 02, run whole on a machine without the Kaggle files (the bank calls are there):
    it says how to get them, shows nothing in their place and records no Olist number."""
    from research.report import execute_notebook, read_records

    home = tmp_path / "data"
    home.mkdir()
    (home / "bank_marketing").symlink_to(mirror / "bank_marketing", target_is_directory=True)
    monkeypatch.setenv("RESEARCH_DATA_HOME", str(home))
    monkeypatch.setenv("RESEARCH_CACHE_DIR", str(tmp_path / "empty-cache"))
    source = Path(__file__).resolve().parents[2] / "notebooks" / "02_conversion_prediction.ipynb"
    executed = execute_notebook(source, parameters={"N_BOOT": 10, "TEST_SIZE": 600, "STEP": 600})
    text = _markdown_text(executed)
    assert "The Olist data is not on this machine" in text
    assert "kaggle.com/datasets/olistbr/marketing-funnel-olist" in text
    assert "**Olist (real):**" not in text and "Olist: AUC" not in text
    records = read_records(executed)
    assert "olist_auc_chronological" not in records
    assert records["bank_calls"] > 40_000  # the bank part ran
    # the bank calls' story is told over the bank calls (and only there: test_02_own_export)
    assert "telemarketing calls of a Portuguese bank" in text and "Moro et al. report" in text


def test_index_renders_the_summary_markdown_safely(tmp_path: Path) -> None:
    from research.report import ReportEntry, write_index

    summary = (
        "Lead scoring **without leakage**, judged on *expected future value* and `AUC`; "
        "[the paper](https://doi.org/10.1016/j.dss.2014.03.001) "
        "<img src=x onerror=alert(1)> [x](javascript:alert(2))"
    )
    index = write_index([ReportEntry("Scores", summary, "02.html")], tmp_path).read_text()
    assert "<strong>without leakage</strong>" in index and "**" not in index
    assert "<em>expected future value</em>" in index and "<code>AUC</code>" in index
    assert '<a href="https://doi.org/10.1016/j.dss.2014.03.001">the paper</a>' in index
    assert "&lt;img src=x onerror=alert(1)&gt;" in index and "<img" not in index
    assert "javascript:" not in index


def test_the_kernels_own_stderr_stays_out_of_the_command_unless_the_kernel_dies(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """What the kernel process prints outside its cells (libzmq's teardown assertions) is not
    the user's business when the notebook ran; when the kernel died it says why."""
    from research.report.build import execute_notebook

    noisy = _write_notebook(
        tmp_path / "noisy.ipynb",
        [
            new_code_cell(
                "import atexit, os\n"
                "atexit.register(os.write, 2, b'teardown noise from the kernel\\n')\n"
                "print('ran')"
            )
        ],
    )
    nb = execute_notebook(noisy)
    assert nb.cells[0].outputs[0].text == "ran\n"
    assert "teardown noise" not in capfd.readouterr().err

    dying = _write_notebook(
        tmp_path / "dying.ipynb",
        [
            new_code_cell(
                "import os, sys\nos.write(sys.__stderr__.fileno(), b'out of memory\\n')\n"
                "os._exit(1)"
            )
        ],
    )
    with pytest.raises(Exception, match="[Kk]ernel died") as died:
        execute_notebook(dying)
    assert "out of memory" in "\n".join(getattr(died.value, "__notes__", []))
