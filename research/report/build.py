"""Execute the analysis notebooks and export them as self-contained HTML reports.

Run from the repository root::

    python -m research.report              # reports/<stem>.html + reports/index.html
    python -m research.report --code       # keep the code cells in the reports

Every ``*.ipynb`` in the notebooks folder is executed in a fresh ``python3`` kernel whose
working directory is the notebook's folder. The executed copy stays in memory: the committed
notebooks are never overwritten. Code cells are hidden by default, so the report reads as a
story for a marketing or sales lead; outputs (tables, charts, text) are kept unchanged.
"""

import argparse
import copy
import html
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import bleach
import nbformat
from bleach.css_sanitizer import ALLOWED_CSS_PROPERTIES, CSSSanitizer
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter
from nbconvert.filters import markdown2html_mistune

from research.report.record import RECORD_MIME, inject_parameters, parameter_names

__all__ = [
    "DEFAULT_TIMEOUT",
    "INDEX_TITLE",
    "ReportEntry",
    "ReportError",
    "build_reports",
    "execute_notebook",
    "export_html",
    "main",
    "notebook_summary",
    "notebook_title",
    "sanitise_outputs",
    "write_index",
]

DEFAULT_TIMEOUT = 1800
"""Seconds a single cell may run before execution is aborted."""

INDEX_TITLE = "Market and sales research: analyses"
KERNEL_NAME = "python3"

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$")


@dataclass(frozen=True)
class ReportEntry:
    """One line of the report index.

    Parameters
    ----------
    title : str
        Human title, usually the notebook's first markdown heading.
    summary : str
        One paragraph describing the analysis (plain text; escaped when written).
    href : str or None
        File name of the HTML report, relative to the index; ``None`` when the notebook
        failed and no report exists.
    error : str or None
        Short description of the failure, ``None`` when the report was written.
    """

    title: str
    summary: str
    href: str | None
    error: str | None = None


class ReportError(RuntimeError):
    """Raised by :func:`build_reports` after all notebooks were tried, when some failed.

    Attributes
    ----------
    failures : dict of str to str
        Notebook file name to a short error message.
    written : list of Path
        The HTML reports that were written nonetheless.
    """

    def __init__(self, failures: dict[str, str], written: list[Path]) -> None:
        self.failures = dict(failures)
        self.written = list(written)
        lines = [f"{len(failures)} notebook(s) failed:"]
        lines += [f"  {name}: {error}" for name, error in failures.items()]
        super().__init__("\n".join(lines))


def _markdown_cells(nb: nbformat.NotebookNode) -> list[str]:
    return [cell.source for cell in nb.cells if cell.cell_type == "markdown"]


def notebook_title(nb: nbformat.NotebookNode, default: str = "") -> str:
    """Return the text of the notebook's first markdown heading.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook.
    default : str, default ""
        Returned when no markdown cell holds a heading.

    Returns
    -------
    str
        The heading text without the leading ``#`` marks.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# RFM segments")])
    >>> notebook_title(nb)
    'RFM segments'
    """
    for source in _markdown_cells(nb):
        for line in source.splitlines():
            match = _HEADING.match(line)
            if match:
                return match.group("text")
    return default


def notebook_summary(nb: nbformat.NotebookNode) -> str:
    """Return the first paragraph (not a heading) of the notebook's first markdown cell.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook.

    Returns
    -------
    str
        The paragraph with its lines joined by single spaces, or ``""``.

    Examples
    --------
    >>> cell = nbformat.v4.new_markdown_cell("# Title\\n\\nWho buys, and how often.\\n\\nMore.")
    >>> notebook_summary(nbformat.v4.new_notebook(cells=[cell]))
    'Who buys, and how often.'
    """
    cells = _markdown_cells(nb)
    if not cells:
        return ""
    for block in re.split(r"\n\s*\n", cells[0]):
        lines = [line.strip() for line in block.strip().splitlines()]
        lines = [line for line in lines if line and not _HEADING.match(line)]
        if lines:
            return " ".join(lines)
    return ""


def _kernel_env() -> dict[str, str]:
    # A headless shell often exports MPLBACKEND=Agg; the kernel would inherit it and draw no
    # inline figures. Without it, ipykernel picks its inline backend and charts are embedded.
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    return env


def execute_notebook(
    path: str | Path,
    timeout: int = DEFAULT_TIMEOUT,
    *,
    parameters: Mapping[str, object] | None = None,
) -> nbformat.NotebookNode:
    """Execute a notebook in a fresh kernel and return the executed copy.

    The kernel runs in the notebook's folder, so relative paths in the notebook work. The
    file on disk is left untouched. The numbers the notebook recorded with
    :func:`research.report.record` are in the result: :func:`research.report.read_records`.

    Parameters
    ----------
    path : str or Path
        The ``.ipynb`` file.
    timeout : int, default DEFAULT_TIMEOUT
        Seconds each cell may run.
    parameters : mapping, optional
        New values for names of the notebook's ``parameters`` cell (Python literals), set in a
        cell after it, as papermill does (see :func:`research.report.inject_parameters`).

    Returns
    -------
    nbformat.NotebookNode
        The notebook with its outputs.

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        When a cell raises; the message holds the cell and its traceback.

    Examples
    --------
    >>> nb = execute_notebook("notebooks/01_customer_segmentation.ipynb")  # doctest: +SKIP
    """
    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    if parameters:
        nb = inject_parameters(nb, parameters)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=KERNEL_NAME,
        # ipykernel's own log warnings (e.g. about its TCP transport) would interleave with
        # the progress lines; errors still show, and cell output goes into the notebook.
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        resources={"metadata": {"path": str(path.parent)}},
    )
    # The kernel's own stderr (not its cells' output, which goes into the notebook) is kept
    # aside: libraries print there as the kernel is torn down (libzmq's "Assertion failed"
    # lines), which would land in the command's stderr. It is shown only when the kernel
    # itself failed (died, or never started), where it says why.
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as kernel_err:
        try:
            client.execute(env=_kernel_env(), stderr=kernel_err)
        except CellExecutionError:
            raise
        except Exception as exc:
            kernel_err.seek(0)
            said = kernel_err.read().strip()
            if said:
                exc.add_note(f"the kernel's own error output:\n{said}")
            raise
    return nb


def settle_streams(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` whose text streams read as a terminal would show them at the end.

    Consecutive ``stdout`` (or ``stderr``) outputs of a cell are merged, and on each line only
    what follows the last carriage return is kept, so a progress bar leaves its final state,
    or nothing when it cleared itself; outputs left blank are dropped.
    """
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        merged: list[nbformat.NotebookNode] = []
        for out in cell.get("outputs", []):
            last = merged[-1] if merged else None
            if (
                out.output_type == "stream"
                and last is not None
                and last.output_type == "stream"
                and last.name == out.name
            ):
                last.text += out.text
            else:
                merged.append(out)
        kept = []
        for out in merged:
            if out.output_type == "stream":
                lines = []
                for line in out.text.split("\n"):
                    parts = [p for p in line.split("\r") if p]
                    lines.append(parts[-1] if parts else "")
                out.text = "\n".join(lines)
                if not out.text.strip():
                    continue
            kept.append(out)
        cell.outputs = kept
    return nb


# What an output may hold in a report: tables (pandas, Styler with its <style> block), text
# formatting and links. Any other tag (a script, an iframe, a form) is shown as escaped text,
# any other attribute (an event handler such as onerror=) is dropped, links may only be http(s)
# or mailto, and inline styles keep only CSS properties bleach knows to be safe.
_OUTPUT_TAGS = frozenset(
    set(bleach.ALLOWED_TAGS)
    | {"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col"}
    | {"style", "div", "span", "p", "br", "hr", "pre", "sup", "sub", "small", "del", "ins"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "details", "summary", "u", "s"}
)
_OUTPUT_ATTRIBUTES = {
    "*": ["class", "id", "title", "style", "colspan", "rowspan", "align", "valign", "lang"],
    "a": ["href", "title", "rel"],
    "style": ["type"],
    "table": ["border", "cellpadding", "cellspacing"],
}
# output formats kept as they are (text, images and JSON cannot run code); HTML is cleaned,
# Markdown rendered to HTML and cleaned; anything else (JavaScript, SVG, widgets) is dropped
_SAFE_OUTPUTS = frozenset(
    {"text/plain", "text/latex", "image/png", "image/jpeg", "application/json"}
)


def _output_cleaner() -> bleach.Cleaner:
    """bleach's cleaner with the reports' allowlist."""
    return bleach.Cleaner(
        tags=_OUTPUT_TAGS,
        attributes=_OUTPUT_ATTRIBUTES,
        protocols=["http", "https", "mailto"],
        strip=False,
        strip_comments=True,
        css_sanitizer=CSSSanitizer(allowed_css_properties=ALLOWED_CSS_PROPERTIES),
    )


def _text(value: str | list[str]) -> str:
    return "".join(value) if isinstance(value, list) else value


def sanitise_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``nb`` whose outputs cannot run code in a browser.

    Every value that comes from data reaches a report through an output: a table (pandas'
    ``Styler`` does not escape its cells, index labels or caption), Markdown built from data,
    or HTML. Here, once for every output of every report, HTML outputs, and Markdown outputs
    rendered to HTML, are passed through bleach's allowlist: a ``<script>`` in the data shows
    as text, an ``onerror=`` handler or a ``javascript:`` link is dropped, JavaScript and SVG
    outputs are removed, and tables and formatting stay as they were. The values recorded with
    :func:`research.report.record` are removed: they are for programs, not readers. The
    notebook's own Markdown cells are the author's and are left alone.

    Examples
    --------
    >>> cell = nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
    ...     "display_data", data={"text/html": "<b><script>alert(1)</script></b>"})])
    >>> nb = sanitise_outputs(nbformat.v4.new_notebook(cells=[cell]))
    >>> nb.cells[0].outputs[0].data["text/html"]
    '<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>'
    """
    cleaner = _output_cleaner()
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        # the numbers a notebook records are for programs (read_records), not for readers
        cell.outputs = [o for o in cell.get("outputs", []) if RECORD_MIME not in o.get("data", {})]
        for out in cell.outputs:
            if out.output_type not in ("display_data", "execute_result"):
                continue  # streams and errors are plain text, escaped by the exporter
            # metadata the exporter writes into attributes (an image's width and height) must
            # be numbers; anything else there is dropped
            out.metadata = {
                key: {
                    k: v
                    for k, v in meta.items()
                    if k in ("width", "height")
                    and isinstance(v, int | float)
                    and not isinstance(v, bool)
                }
                for key, meta in out.get("metadata", {}).items()
                if key in _SAFE_OUTPUTS and isinstance(meta, dict)
            }
            data = out.data
            markdown = data.pop("text/markdown", None)
            if markdown is not None and "text/html" not in data:
                # rendered here, so links written in Markdown ([x](javascript:...)) pass
                # through the allowlist as the HTML they become
                data["text/html"] = markdown2html_mistune(_text(markdown))
            for key in list(data):
                if key == "text/html":
                    data[key] = cleaner.clean(_text(data[key]))
                elif key not in _SAFE_OUTPUTS:
                    del data[key]
    return nb


def export_html(nb: nbformat.NotebookNode, path: str | Path, *, code: bool = False) -> Path:
    """Write a notebook as one self-contained HTML file.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The (executed) notebook; it is not modified. Progress bars are shown in their final
        state (see :func:`settle_streams`), and every output is sanitised (see
        :func:`sanitise_outputs`), so no value from the data can run as code in the report.
    path : str or Path
        Where to write the HTML file; missing folders are created.
    code : bool, default False
        Keep the code cells. By default inputs and the ``In [ ]:`` / ``Out[ ]:`` prompts
        are hidden and only markdown and outputs remain.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> export_html(nb, "reports/01_customer_segmentation.html")  # doctest: +SKIP
    PosixPath('reports/01_customer_segmentation.html')
    """
    path = Path(path)
    exporter = HTMLExporter(
        template_name="lab",
        embed_images=True,
        exclude_input=not code,
        exclude_input_prompt=not code,
        exclude_output_prompt=not code,
    )
    title = notebook_title(nb, default=path.stem)
    body, _ = exporter.from_notebook_node(
        sanitise_outputs(settle_streams(nb)), resources={"metadata": {"name": title}}
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


_INDEX_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       max-width: 48rem; margin: 3rem auto; padding: 0 1rem; color: #222; line-height: 1.5; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
.generated { color: #666; margin-top: 0; }
ul { list-style: none; padding: 0; }
li { margin: 1.2rem 0; padding-bottom: 1rem; border-bottom: 1px solid #eee; }
li a, li .title { font-size: 1.15rem; font-weight: 600; }
a { color: #1f5fa8; text-decoration: none; }
a:hover { text-decoration: underline; }
p { margin: 0.3rem 0 0; }
.error { color: #a11; }
"""


def _summary_html(summary: str) -> str:
    """A notebook's first paragraph as the index shows it: its Markdown rendered (bold,
    italics, code, links) and passed through the reports' allowlist, so ``**leakage**`` reads
    as bold and nothing in it can run."""
    return _output_cleaner().clean(markdown2html_mistune(summary)).strip()


def write_index(entries: Iterable[ReportEntry], out_dir: str | Path) -> Path:
    """Write ``index.html`` listing the reports, each with its title, link and summary.

    Parameters
    ----------
    entries : iterable of ReportEntry
        One per notebook, in display order. Titles and errors are HTML-escaped; a summary is
        Markdown, rendered and passed through the reports' allowlist.
    out_dir : str or Path
        The reports folder; created if missing.

    Returns
    -------
    Path
        The written ``index.html``.

    Examples
    --------
    >>> entry = ReportEntry("RFM segments", "Who buys, and how often.", "01_rfm.html")
    >>> write_index([entry], "reports")  # doctest: +SKIP
    PosixPath('reports/index.html')
    """
    esc = html.escape
    items = []
    for entry in entries:
        if entry.href is not None:
            head = f'<a href="{esc(quote(entry.href))}">{esc(entry.title)}</a>'
        else:
            head = f'<span class="title">{esc(entry.title)}</span>'
        parts = [f"  <li>{head}"]
        if entry.summary:
            parts.append(_summary_html(entry.summary))
        if entry.error is not None:
            parts.append(f'<p class="error">Not available: {esc(entry.error)}</p>')
        items.append("".join(parts) + "</li>")
    listing = "\n".join(items) if items else "  <li>No notebooks found.</li>"
    generated = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(INDEX_TITLE)}</title>
<style>{_INDEX_STYLE}</style>
</head>
<body>
<h1>{esc(INDEX_TITLE)}</h1>
<p class="generated">Generated {esc(generated)}</p>
<ul>
{listing}
</ul>
</body>
</html>
"""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def _short_error(exc: BaseException) -> str:
    if isinstance(exc, CellExecutionError):
        return f"{exc.ename}: {exc.evalue}"
    return f"{type(exc).__name__}: {exc}"


def _selected_notebooks(folder: Path, names: Sequence[str | Path] | None) -> list[Path]:
    """The notebooks to run: every ``*.ipynb`` of ``folder``, or those named (paths, or names
    in ``folder`` with or without ``.ipynb``), each checked to exist."""
    if names is None:
        if not folder.is_dir():
            raise FileNotFoundError(f"notebooks folder not found: {folder}")
        return sorted(folder.glob("*.ipynb"))
    paths = []
    for name in names:
        candidates = [Path(name), folder / name, folder / f"{name}.ipynb"]
        found = next((c for c in candidates if c.is_file() and c.suffix == ".ipynb"), None)
        if found is None:
            available = ", ".join(p.stem for p in sorted(folder.glob("*.ipynb")))
            raise FileNotFoundError(
                f"no notebook {str(name)!r}"
                + (f"; the notebooks are {available}" if available else "")
            )
        paths.append(found)
    return paths


def _own_parameters(
    paths: Sequence[Path], parameters: Mapping[str, object]
) -> dict[Path, dict[str, object]]:
    """The parameters each notebook has, of those given; a name none has is a ValueError."""
    own: dict[Path, dict[str, object]] = {path: {} for path in paths}
    if not parameters:
        return own
    used: set[str] = set()
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if not any("parameters" in c.metadata.get("tags", []) for c in nb.cells):
            continue
        names = set(parameter_names(nb))
        own[path] = {k: v for k, v in parameters.items() if k in names}
        used |= own[path].keys()
    unknown = [k for k in parameters if k not in used]
    if unknown:
        raise ValueError(
            f"no notebook run here has the parameter {', '.join(map(repr, unknown))}: see the "
            "first code cell of the notebook (tagged parameters) for the names it takes"
        )
    return own


def build_reports(
    notebooks_dir: str | Path,
    out_dir: str | Path,
    *,
    code: bool = False,
    timeout: int = DEFAULT_TIMEOUT,
    notebooks: Sequence[str | Path] | None = None,
    parameters: Mapping[str, object] | None = None,
    tracebacks: bool = True,
) -> list[Path]:
    """Execute every notebook in a folder and export each one, plus an index, to HTML.

    Notebooks run one after the other in file-name order. A failing notebook does not stop
    the others; its stale report, if any, is removed and it is listed in the index as not
    available.

    Parameters
    ----------
    notebooks_dir : str or Path
        Folder holding the ``*.ipynb`` files (not searched recursively).
    out_dir : str or Path
        Folder for ``<stem>.html`` and ``index.html``.
    code : bool, default False
        Keep the code cells in the reports.
    timeout : int, default DEFAULT_TIMEOUT
        Seconds each cell may run.
    notebooks : sequence of str or Path, optional
        Only these notebooks (paths, or names in ``notebooks_dir`` with or without
        ``.ipynb``), in this order; default every notebook of the folder.
    parameters : mapping, optional
        Values for the notebooks' ``parameters`` cells (as papermill's ``-p``): each notebook
        gets the names it has. A name that none of the notebooks has is an error, raised
        before anything runs.
    tracebacks : bool, default True
        Print a failing notebook's traceback (with the cell) on stderr; False leaves the short
        error of :class:`ReportError` alone (the ``research`` command's default).

    Returns
    -------
    list of Path
        The notebook reports written (``index.html`` is always written too).

    Raises
    ------
    FileNotFoundError
        When ``notebooks_dir`` is not a folder.
    ReportError
        After everything else was written, when at least one notebook failed.

    Examples
    --------
    >>> build_reports("notebooks", "reports")  # doctest: +SKIP
    [PosixPath('reports/01_customer_segmentation.html'), ...]
    """
    notebooks_dir = Path(notebooks_dir)
    out_dir = Path(out_dir)
    paths = _selected_notebooks(notebooks_dir, notebooks)
    own = _own_parameters(paths, parameters or {})
    out_dir.mkdir(parents=True, exist_ok=True)

    written: list[Path] = []
    entries: list[ReportEntry] = []
    failures: dict[str, str] = {}
    for i, nb_path in enumerate(paths, start=1):
        target = out_dir / f"{nb_path.stem}.html"
        print(f"[{i}/{len(paths)}] executing {nb_path.name} ...", end=" ", flush=True)
        start = time.perf_counter()
        title = nb_path.stem
        try:
            source = nbformat.read(nb_path, as_version=4)
            title = notebook_title(source, default=nb_path.stem)
            summary = notebook_summary(source)
            executed = execute_notebook(nb_path, timeout=timeout, parameters=own[nb_path])
            export_html(executed, target, code=code)
        except Exception as exc:  # record the failure and carry on with the next notebook
            print(f"FAILED after {time.perf_counter() - start:.1f} s", flush=True)
            if tracebacks:
                print(str(exc), file=sys.stderr, flush=True)
            failures[nb_path.name] = _short_error(exc)
            target.unlink(missing_ok=True)  # never leave a stale report behind
            entries.append(ReportEntry(title, "", None, error=failures[nb_path.name]))
            continue
        print(f"{time.perf_counter() - start:.1f} s", flush=True)
        written.append(target)
        entries.append(ReportEntry(title=title, summary=summary, href=target.name))

    write_index(entries, out_dir)
    if failures:
        raise ReportError(failures, written)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: ``python -m research.report``.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        0 when every notebook was exported, 1 when some failed, 2 on a usage error.

    Examples
    --------
    >>> main(["--notebooks", "notebooks", "--out", "reports", "--code"])  # doctest: +SKIP
    0
    """
    parser = argparse.ArgumentParser(
        prog="python -m research.report",
        description="Execute the analysis notebooks and export them as HTML reports.",
    )
    parser.add_argument(
        "--code", action="store_true", help="keep the code cells (hidden by default)"
    )
    parser.add_argument(
        "--notebooks",
        type=Path,
        default=Path("notebooks"),
        metavar="DIR",
        help="folder of *.ipynb files (default: notebooks)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("reports"),
        metavar="DIR",
        help="output folder (default: reports)",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"seconds each cell may run (default: {DEFAULT_TIMEOUT})",
    )
    args = parser.parse_args(argv)

    try:
        written = build_reports(args.notebooks, args.out, code=args.code, timeout=args.timeout)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ReportError as exc:
        print(f"wrote {len(exc.written)} report(s) and {args.out / 'index.html'}")
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} report(s) and {args.out / 'index.html'}")
    return 0
