"""Execute the analysis notebooks and export them as self-contained, sanitised HTML reports
(:mod:`research.report.build`); ``python -m research.report`` runs it. A notebook records its
headline numbers with :func:`record` (:mod:`research.report.record`), read back from the
executed notebook by :func:`read_records`."""

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
from research.report.record import (
    RECORD_MIME,
    inject_parameters,
    parameter_names,
    read_records,
    record,
    recorded,
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
    "RECORD_MIME",
    "record",
    "recorded",
    "read_records",
    "parameter_names",
    "inject_parameters",
]
