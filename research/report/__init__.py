"""Execute the analysis notebooks and export them as self-contained, sanitised HTML reports
(:mod:`research.report.build`); ``python -m research.report`` runs it."""

from research.report.build import (
    DEFAULT_TIMEOUT,
    INDEX_TITLE,
    ReportEntry,
    ReportError,
    build_reports,
    execute_notebook,
    export_html,
    main,
    notebook_summary,
    notebook_title,
    sanitise_outputs,
    write_index,
)

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
