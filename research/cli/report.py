"""``research report``: execute notebooks and write their HTML reports, with parameters."""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

from research.cli._common import UserError, note

__all__ = ["add_parser", "parse_parameter"]


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
        "--timeout", type=int, default=None, metavar="S", help="seconds each cell may run"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from research.report import DEFAULT_TIMEOUT, ReportError, build_reports

    parameters = dict(parse_parameter(p) for p in args.parameter)
    try:
        written = build_reports(
            args.notebooks_dir,
            args.out,
            code=args.code,
            timeout=args.timeout or DEFAULT_TIMEOUT,
            notebooks=args.notebooks or None,
            parameters=parameters,
        )
    except ReportError as exc:
        note(f"wrote {len(exc.written)} report(s) and {args.out / 'index.html'}")
        raise UserError(str(exc)) from None
    note(f"wrote {len(written)} report(s) and {args.out / 'index.html'}")
    return 0
