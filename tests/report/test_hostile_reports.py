"""Hostile text in the exported reports: values from the data (category levels, ids, column
names, free text) must never run as code in an HTML report, whatever builds the table.

The real segmentation notebook is run on an export whose ids and column names are hostile, and
the two tables named in the reliability issue (lead quality by source, reason codes) are built
by the package's own functions on hostile levels in a notebook of their own; each report is
parsed for scripts, event handlers and ``javascript:`` URLs that the template did not bring."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from research.report import export_html, sanitise_outputs

REPO = Path(__file__).resolve().parents[2]
HOSTILE = [
    "<script>alert('id')</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(2))",
    '"><svg onload=alert(3)>',
    "<a href='javascript:alert(4)'>x</a>",
    "<iframe src=javascript:alert(5)></iframe>",
]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"}


class _Active(HTMLParser):
    """Collects what can run: script bodies, event-handler attributes, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self.js_urls: list[str] = []
        self.frames: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._in_script = True
            self.scripts.append(dict(attrs).get("src") or "")
        if tag in {"iframe", "object", "embed", "frame"}:
            self.frames.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}={value}")
            text = "".join((value or "").split()).lower()
            if name in URL_ATTRIBUTES and text.startswith(("javascript:", "vbscript:")):
                self.js_urls.append(f"{tag} {name}={value}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def _active(html: str) -> _Active:
    parser = _Active()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> _Active:
    """What the report template itself brings (a notebook with one harmless output)."""
    cell = new_code_cell(outputs=[nbformat.v4.new_output("display_data", data={"text/plain": "1"})])
    path = tmp_path_factory.mktemp("template") / "plain.html"
    return _active(export_html(new_notebook(cells=[cell]), path).read_text(encoding="utf-8"))


def _assert_nothing_runs(report: Path, template: _Active) -> str:
    text = report.read_text(encoding="utf-8")
    found = _active(text)
    assert sorted(found.scripts) == sorted(template.scripts), "a script the template lacks"
    assert found.handlers == template.handlers == []
    assert found.js_urls == [] and found.frames == []
    return text


def _run(path: Path, overrides: dict[str, object], workdir: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source += "\n" + "\n".join(f"{k} = {v!r}" for k, v in overrides.items())
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    )
    client.execute()
    return nb


def _hostile_export(path: Path, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    ids = [f"{HOSTILE[i % len(HOSTILE)]}{i}" for i in range(90)]
    rows = []
    for i, cid in enumerate(ids):
        for _ in range(1 + int(rng.poisson(2 + i % 4))):
            day = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 330)))
            rows.append((cid, day.strftime("%Y-%m-%d"), round(float(rng.gamma(2, 30)), 2)))
    columns = ["<b onmouseover=alert(6)>client</b>", "<script>alert(7)</script>", "sum"]
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)


def test_segmentation_report_on_a_hostile_export(tmp_path: Path, template: _Active) -> None:
    csv = tmp_path / "hostile.csv"
    _hostile_export(csv)
    nb = _run(
        REPO / "notebooks" / "01_customer_segmentation.ipynb",
        {
            "TRANSACTIONS_CSV": str(csv),
            "CUSTOMER_COL": "<b onmouseover=alert(6)>client</b>",
            "DATE_COL": "<script>alert(7)</script>",
            "AMOUNT_COL": "sum",
            "QUANTITY_COL": None,
            "CURRENCY": "<img src=x onerror=alert(8)>",
            "K_RANGE": (2, 4),
            "N_BOOT": 3,
        },
        tmp_path,
    )
    # what JupyterLab shows before any report is made: the notebook's tables (Styler HTML)
    # escape what comes from the data themselves (research.report.escape_html)
    tables = "".join(
        str(o.get("data", {}).get("text/html", "")) for c in nb.cells for o in c.get("outputs", [])
    )
    assert "<table" in tables
    shown = _active(tables)
    assert (shown.scripts, shown.handlers, shown.js_urls, shown.frames) == ([], [], [], [])
    text = _assert_nothing_runs(export_html(nb, tmp_path / "01.html"), template)
    # the hostile values are still there to read, as text: a column name in the cleaning
    # report, the currency in a Markdown sentence, a caption and table headings
    # (the cleaning report is the CleanedTransactions' own HTML, which escapes every value)
    mapped = "rows compared on every mapped column: &lt;b onmouseover=alert(6)&gt;client&lt;/b&gt;"
    assert f"{mapped}, &lt;script&gt;alert(7)&lt;/script&gt;" in text
    assert "<strong>Revenue:</strong> &lt;img src=x onerror=alert(8)&gt;" in text
    assert "<caption>RFM segments: size and revenue (&lt;img src=x onerror=alert(8)&gt;)" in text


def test_package_tables_with_hostile_levels(tmp_path: Path, template: _Active) -> None:
    """Lead quality by source (notebook 04's table) and reason codes (notebook 02's) built by
    the package on hostile levels, shown the way the notebooks show them."""
    code = """
import numpy as np, pandas as pd
from IPython.display import Markdown, display
from research.conversion import LeadScorer
from research.funnel import lead_quality_by_source
HOSTILE = __HOSTILE__
rng = np.random.default_rng(0)
n = 900
leads = pd.DataFrame({
    "channel": rng.choice(HOSTILE[:3] + ["web"], n),
    "first_response_hours": rng.exponential(20, n),
})
leads["is_sql"] = rng.random(n) < 0.3
quality = lead_quality_by_source(leads, source_col="channel").to_frame()
display(quality.style.format({"rate": "{:.1%}"}).set_caption(f"by {quality.index[0]}"))
display(Markdown(f"The weakest source is **{quality['rate'].idxmin()}**; "
                 f"see [{HOSTILE[2]}]({HOSTILE[2]})."))
X = pd.DataFrame({"job": rng.choice(HOSTILE, n), "age": rng.integers(20, 70, n)})
y = pd.Series(rng.random(n) < 0.2 + 0.2 * (X["job"] == HOSTILE[1]))
codes = LeadScorer("logistic").fit(X, y).reason_codes(X.head(3), top=2)
display(codes.style.hide().set_caption(str(codes["text"].iloc[0])))
codes
""".replace("__HOSTILE__", repr(HOSTILE))
    nb = new_notebook(cells=[new_markdown_cell("# Hostile levels"), new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    NotebookClient(nb, timeout=600, kernel_name="python3").execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors
    raw = "".join(
        str(o.get("data", {}).get("text/html", "")) for c in nb.cells for o in c.get("outputs", [])
    )
    assert "<script>alert" in raw  # Styler itself does not escape: the report must
    text = _assert_nothing_runs(export_html(nb, tmp_path / "levels.html"), template)
    assert "&lt;img src=x onerror=alert(1)&gt;" in text


def test_sanitise_keeps_tables_and_formatting() -> None:
    table = pd.DataFrame({"x": [1.5]}).style.background_gradient().set_caption("a <b>b</b>")
    cell = new_code_cell(
        outputs=[
            nbformat.v4.new_output("display_data", data={"text/html": table.to_html()}),
            nbformat.v4.new_output("display_data", data={"text/markdown": "**bold** & 5 < 6"}),
            nbformat.v4.new_output(
                "display_data",
                data={"application/javascript": "alert(1)", "image/svg+xml": "<svg/>"},
            ),
        ]
    )
    before = new_notebook(cells=[cell])
    snapshot = nbformat.writes(before)
    out = sanitise_outputs(before).cells[0].outputs
    assert nbformat.writes(before) == snapshot  # the input notebook is not changed
    html = out[0].data["text/html"]
    assert "<style" in html and "background-color" in html and "<caption>a <b>b</b>" in html
    assert out[1].data["text/html"].strip() == "<p><strong>bold</strong> &amp; 5 &lt; 6</p>"
    assert "text/markdown" not in out[1].data
    assert dict(out[2].data) == {}


def test_image_metadata_from_data_cannot_add_attributes(tmp_path: Path, template: _Active) -> None:
    png = (  # a 1 x 1 PNG
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
        "AAAABJRU5ErkJggg=="
    )
    cell = new_code_cell(
        outputs=[
            nbformat.v4.new_output(
                "display_data",
                data={"image/png": png},
                metadata={"image/png": {"width": "1 onerror=alert(39)", "height": 20}},
            )
        ]
    )
    text = _assert_nothing_runs(
        export_html(new_notebook(cells=[cell]), tmp_path / "m.html"), template
    )
    assert 'height="20"' in text or "height=20" in text  # a numeric size is kept
