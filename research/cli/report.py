"""``research report``: execute notebooks and write their HTML reports, with parameters."""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

from research.cli._common import UserError, note

__all__ = ["add_parser", "parse_parameter", "resolve_paths"]


def parse_parameter(text: str) -> tuple[str, object]:
    """``NAME=VALUE`` as (name, value): the value read as a Python literal (``50``, ``None``,
    ``['duration']``, ``0.9``) when it is one, else as text (``my.csv``, ``won``).

    >>> parse_parameter("N_BOOT=50"), parse_parameter("LEADS_CSV=data/my leads.csv")
    (('N_BOOT', 50), ('LEADS_CSV', 'data/my leads.csv'))
    """
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise UserError(f"-p takes NAME=VALUE (e.g. -p TARGET_COL=won), got {text!r}")
    try:
        return name, ast.literal_eval(value.strip())
    except (ValueError, SyntaxError):
        return name, value


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "report",
        help="execute the notebooks and write the HTML reports",
        description="Execute notebooks top to bottom and write each as a self-contained HTML "
        "report (code hidden), plus an index. -p sets a value of the notebooks' parameters "
        "cell, as papermill's -p does: e.g. research report 02_conversion_prediction "
        "-p LEADS_CSV=my_leads.csv -p TARGET_COL=won.",
    )
    parser.add_argument(
        "notebooks",
        nargs="*",
        metavar="NOTEBOOK",
        help="notebooks to run (paths, or names in --notebooks-dir); default all of them",
    )
    parser.add_argument(
        "-p",
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter of the notebooks (repeatable); VALUE is read as a Python literal "
        "when it is one, else as text",
    )
    parser.add_argument(
        "--notebooks-dir",
        type=Path,
        default=Path("notebooks"),
        metavar="DIR",
        help="folder of the notebooks (default: notebooks)",
    )
    parser.add_argument(
        "-o",
        "--out",
        type=Path,
        default=Path("reports"),
        metavar="DIR",
        help="folder of the reports (default: reports)",
    )
    parser.add_argument("--code", action="store_true", help="keep the code cells")
    parser.add_argument(
        "--traceback",
        action="store_true",
        help="print a failing notebook's traceback, with its cell (default: one line)",
    )
    parser.add_argument(
        "--timeout", type=int, default=None, metavar="S", help="seconds each cell may run"
    )
    parser.set_defaults(func=run)


_FILE_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".pq", ".xlsx", ".xls", ".json", ".skops")


def resolve_paths(parameters: dict[str, object], cwd: Path | None = None) -> dict[str, object]:
    """Relative file paths among the values made absolute from the folder the command runs in
    (a notebook runs in its own folder, where ``my.csv`` would not be found): text values that
    name an existing file, or end like a data file.

    >>> resolve_paths({"LEADS_CSV": "leads.csv", "TARGET_COL": "won"}, Path("/data"))
    {'LEADS_CSV': '/data/leads.csv', 'TARGET_COL': 'won'}
    >>> resolve_paths({"URL": "https://example.com/x.csv", "P": "/abs/x.csv"}, Path("/data"))
    {'URL': 'https://example.com/x.csv', 'P': '/abs/x.csv'}
    """
    cwd = Path.cwd() if cwd is None else cwd
    out: dict[str, object] = {}
    for name, value in parameters.items():
        if (
            isinstance(value, str)
            and value
            and "://" not in value
            and not Path(value).is_absolute()
        ):
            candidate = cwd / value
            if candidate.is_file() or Path(value).suffix.lower() in _FILE_SUFFIXES:
                value = str(candidate)
        out[name] = value
    return out


def run(args: argparse.Namespace) -> int:
    from research.report import DEFAULT_TIMEOUT, ReportError, build_reports

    parameters = resolve_paths(dict(parse_parameter(p) for p in args.parameter))
    index = args.out / "index.html"
    try:
        written = build_reports(
            args.notebooks_dir,
            args.out,
            code=args.code,
            timeout=args.timeout or DEFAULT_TIMEOUT,
            notebooks=args.notebooks or None,
            parameters=parameters,
            tracebacks=args.traceback,
        )
    except ReportError as exc:
        done = f"{len(exc.written)} report(s) written" if exc.written else "no report written"
        failed = "; ".join(f"{name}: {error}" for name, error in exc.failures.items())
        hint = "" if args.traceback else "; --traceback shows where"
        raise UserError(
            f"{len(exc.failures)} notebook(s) failed: {failed} ({done}; {index} lists what "
            f"failed{hint})"
        ) from None
    note(f"wrote {len(written)} report(s) and {index}")
    return 0
