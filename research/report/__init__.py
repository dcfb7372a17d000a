"""Execute the analysis notebooks and export them as self-contained, sanitised HTML reports
(:mod:`research.report.build`); ``python -m research.report`` runs it. A notebook records its
headline numbers with :func:`record` (:mod:`research.report.record`), read back from the
executed notebook by :func:`read_records`, and writes an estimate with its interval by
:func:`format_interval` ("12.3% (95% CI 10.1%–14.5%)"), an interval level by :func:`ci_label`
("95%"); :func:`escape_html` makes a table from the data safe to style and show, and
:func:`escape_markdown` a value from the data literal text in a generated sentence."""

from __future__ import annotations

import importlib
from typing import Any

from research._format import ci_label, format_interval
from research.report.record import *  # noqa: F403 - the names of record.__all__
from research.report.record import __all__ as _record_names
from research.report.tables import escape_html, escape_markdown

# research.report.build (nbconvert, nbclient, bleach) loads on first use of one of its names:
# a notebook imports record() and the formatting helpers from here, never the report builder
_BUILD_NAMES = (
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
)

__all__ = [
    *_BUILD_NAMES,
    *_record_names,
    "ci_label",
    "format_interval",
    "escape_html",
    "escape_markdown",
]


def __getattr__(name: str) -> Any:
    if name in _BUILD_NAMES:
        value = getattr(importlib.import_module("research.report.build"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'research.report' has no attribute {name!r}")
