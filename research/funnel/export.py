"""A CRM export read once for the funnel analyses: its tables checked, its dates read.

* :func:`read_crm`: the leads (with their stage columns), and optionally the opportunities,
  campaigns and customers of one export, read through one :class:`CRMColumns`: dates written
  as text parsed (the values that cannot be read counted and named), stage flags accepted, the
  deals' dates added to the leads as the funnel's last stages, and the end of the data; a
  :class:`CRMExport` that says what the export supports (deals, spend, customers, response
  times, owners), so an analysis shows only what the data can back.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import pandas as pd

from research._results import Result
from research._validation import require_columns, require_frame, require_rows
from research.funnel._stages import _read_stage
from research.funnel.columns import _DATES, _ROLES, CRMColumns, _resolve
from research.funnel.kpis import _spend_key
from research.funnel.stages import OPPORTUNITY_STAGE_COLUMNS, opportunity_stages

__all__ = ["read_crm", "CRMExport", "DEAL_STAGE_NAMES"]

#: The display names of the two stages the deals add to a lead funnel (opened, won).
DEAL_STAGE_NAMES = ("opportunity", "won")

_LEAD_ROLES = (
    "campaign_id",
    "channel",
    "is_mql",
    "is_sql",
    "mql_at",
    "first_response_hours",
    "lead_owner",
)


@dataclass(frozen=True, eq=False, repr=False)
class CRMExport(Result):
    """A CRM export as :func:`read_crm` read it.

    Attributes
    ----------
    leads : pandas.DataFrame
        A copy of the leads under the export's own column names, its stage and date columns
        read as dates; with opportunities, the deal stages of :func:`opportunity_stages` added
        (``opportunity_at``, ``closed_at``, ``status``, ``won_at``).
    opportunities, campaigns, customers : pandas.DataFrame or None
        Copies of the other tables, their date columns read as dates; None when not given.
    deal_outcomes : pandas.Series or None
        Each opportunity's stage as ``"won"``, ``"open"`` or ``"lost"`` (the ``*_status`` of
        ``columns``), aligned with ``opportunities``.
    stages, names : tuple of str
        The stage columns of ``leads`` in funnel order (the lead stages given, then
        ``opportunity_at`` and ``won_at`` with opportunities), and their display names.
    columns : CRMColumns
        The export's column names, deal stages and date format.
    data_end : pandas.Timestamp
        The end of the data (given, or the latest date in the export).
    table : pandas.DataFrame
        How each date and stage column was read, one row per column: ``table``, ``column``,
        ``role``, ``stored_as`` ("dates", "text dates", "yes/no flags" or "empty"), ``rows``,
        ``set`` (a date or a yes) and ``empty``.
    notes : tuple of str
        What was combined or left out by a documented rule (deals without a lead, leads with
        several deals), counted.
    """

    leads: pd.DataFrame
    opportunities: pd.DataFrame | None
    campaigns: pd.DataFrame | None
    customers: pd.DataFrame | None
    deal_outcomes: pd.Series | None
    stages: tuple[str, ...]
    names: tuple[str, ...]
    columns: CRMColumns
    data_end: pd.Timestamp
    table: pd.DataFrame
    notes: tuple[str, ...]

    def col(self, table: str, role: str) -> str | None:
        """The export's column of ``role`` in ``table`` (None when it has none)."""
        return self.columns.column(table, role)

    @property
    def has_deals(self) -> bool:
        """Opportunities were given: win rate, deal size, sales cycle, deal stages."""
        return self.opportunities is not None

    @property
    def has_spend(self) -> bool:
        """Campaign spend was given: cost per lead, CAC, ROI."""
        return self.campaigns is not None

    @property
    def has_customers(self) -> bool:
        """Customers were given: MRR, churn, LTV."""
        return self.customers is not None

    @property
    def has_handover(self) -> bool:
        """The leads have an MQL (handover) date and an SQL flag or date: the MQL-to-SQL step."""
        return bool(self.col("leads", "mql_at") and self.col("leads", "is_sql"))

    @property
    def has_response_times(self) -> bool:
        """The leads have MQL dates and first-response hours: the SLA."""
        return bool(self.col("leads", "mql_at") and self.col("leads", "first_response_hours"))

    @property
    def n_leads(self) -> int:
        """Leads in the export."""
        return len(self.leads)

    def _caption(self) -> str:
        parts = [f"{self.n_leads:,} leads"]
        for name in ("opportunities", "campaigns", "customers"):
            frame = getattr(self, name)
            if frame is not None:
                parts.append(f"{len(frame):,} {name}")
        return (
            f"CRM export: {', '.join(parts)}; {len(self.stages)} funnel stages; data end "
            f"{self.data_end:%Y-%m-%d}"
        )


def _read_dates_into(
    copy: pd.DataFrame, read: pd.DataFrame, cols: CRMColumns, name: str, rows: list[dict[str, Any]]
) -> None:
    """Put the date roles of ``read`` (a :meth:`CRMColumns.read` copy) into ``copy`` under the
    export's names, and note how each was stored."""
    for role in read.columns:
        if role not in _DATES:
            continue
        col = cols.column(name, role)
        raw = copy[col]
        rows.append(_reading(name, col, role, raw, read[role].notna(), flag=False))
        copy[col] = read[role].to_numpy()


def _reading(
    name: str, col: str, role: str, raw: pd.Series, is_set: pd.Series, *, flag: bool
) -> dict[str, Any]:
    """One row of :attr:`CRMExport.table`: how a column was stored and what it holds."""
    if flag:
        stored = "yes/no flags"
    elif pd.api.types.is_datetime64_any_dtype(raw.dtype):
        stored = "dates"
    elif raw.isna().all():
        stored = "empty"
    else:
        stored = "text dates"
    n_set = int(is_set.sum())
    return {
        "table": name,
        "column": col,
        "role": role,
        "stored_as": stored,
        "rows": len(raw),
        "set": n_set,
        "empty": len(raw) - n_set,
    }


def read_crm(
    leads: pd.DataFrame,
    *,
    stages: list[str] | tuple[str, ...],
    names: list[str] | tuple[str, ...] | None = None,
    opportunities: pd.DataFrame | None = None,
    campaigns: pd.DataFrame | None = None,
    customers: pd.DataFrame | None = None,
    columns: CRMColumns | None = None,
    data_end: str | pd.Timestamp | None = None,
) -> CRMExport:
    """Read a CRM export once: check its tables, read its dates, add the deals' stages to the
    leads, and say what the export supports.

    The contract: leads with one column per stage reached (``stages``: a date, as datetime64 or
    text such as HubSpot's "2024-01-02 04:38", empty when never reached; or a yes/no flag), and
    the roles of :class:`CRMColumns` the export has (None for those it lacks); optionally
    opportunities (lead id, deal stage, amount, created and close dates), campaigns (spend per
    campaign, or per channel with ``CRMColumns(campaign_id=None)``) and customers (start, MRR,
    churn date). Column names are mapped by ``columns``; the frames are not renamed or
    modified.

    Parameters
    ----------
    leads : pandas.DataFrame
        One row per lead.
    stages : sequence of str
        The leads' stage columns in funnel order, e.g. ``["Create Date", "Became a Marketing
        Qualified Lead Date", "Became a Sales Qualified Lead Date"]``.
    names : sequence of str, optional
        Their display names (default: the column names).
    opportunities, campaigns, customers : pandas.DataFrame, optional
        The export's other tables.
    columns : CRMColumns, optional
        The export's column names, deal stages and date format (``date_format``); default the
        synthetic CRM's.
    data_end : str or Timestamp, optional
        When the data were extracted; default the latest date in the export.

    Returns
    -------
    CRMExport
        The tables as read (dates as datetimes under the export's names), the funnel's stages
        (with ``opportunity_at`` and ``won_at`` when there are deals), the end of the data, how
        each date column was stored, and what was combined or left out.

    Raises
    ------
    TypeError
        A table is not a DataFrame, or a column has the wrong type (a date column holding no
        dates, amounts not numbers).
    ValueError
        A column is missing (the error names it, the table's columns and the ``CRMColumns``
        field or ``stages`` to set), leads are empty, an id repeats, a date cannot be read
        (counted and named), a deal stage is unknown, or ``names`` does not match ``stages``.

    Examples
    --------
    >>> leads = pd.DataFrame({"Record ID": [1, 2, 3],
    ...                       "Create Date": ["2024-01-02 04:38", "2024-01-03 09:10",
    ...                                       "2024-01-05 11:00"],
    ...                       "MQL Date": ["2024-01-04 10:00", "", ""]})
    >>> cols = CRMColumns(lead_id="Record ID", mql_at="MQL Date", is_mql="MQL Date",
    ...                   is_sql=None, first_response_hours=None, campaign_id=None,
    ...                   channel=None, lead_owner=None)
    >>> crm = read_crm(leads, stages=["Create Date", "MQL Date"], names=["lead", "MQL"],
    ...                columns=cols)
    >>> crm.leads["MQL Date"].notna().tolist(), crm.has_deals, f"{crm.data_end:%Y-%m-%d}"
    ([True, False, False], False, '2024-01-05')
    """
    cols = _resolve(columns)
    leads = require_frame(leads, "leads")
    if isinstance(stages, str):
        raise TypeError(f"stages must be a list of stage columns, got the string {stages!r}")
    stages = list(stages)
    if len(stages) < 2:
        raise ValueError(f"stages needs at least two columns of the leads, got {stages}")
    names = list(names) if names is not None else list(stages)
    if len(names) != len(stages):
        raise ValueError(f"names has {len(names)} entries for {len(stages)} stages")
    require_columns(
        leads,
        stages,
        "leads",
        "Set stages to the leads' stage columns (the date or yes/no each stage was reached).",
    )
    key = _spend_key(cols) if campaigns is not None else None
    read_leads = cols.read(
        "leads", leads, ("lead_id",) + ((key,) if key else ()), optional=_LEAD_ROLES
    )
    require_rows(leads, "leads")
    rows: list[dict[str, Any]] = []
    lead_copy = leads.copy()
    _read_dates_into(lead_copy, read_leads, cols, "leads", rows)
    for col in dict.fromkeys(stages):
        stage = _read_stage(leads[col], f"column {col!r} of leads", cols.date_format)
        if stage.times is not None:
            lead_copy[col] = stage.times.to_numpy()
        if not any(r["column"] == col and r["table"] == "leads" for r in rows):
            reached = pd.Series(stage.reached, index=leads.index)
            flag = stage.times is None
            rows.append(_reading("leads", col, "stage", leads[col], reached, flag=flag))
    tables: dict[str, pd.DataFrame | None] = {}
    outcomes = None
    for name, frame, required, optional in (
        ("opportunities", opportunities, None, ("deal_owner",)),
        ("campaigns", campaigns, (key, "spend"), ("channel", "impressions", "clicks")),
        ("customers", customers, None, ()),
    ):
        if frame is None:
            tables[name] = None
            continue
        read = cols.read(name, frame, required, optional=optional)
        copy = require_frame(frame, name).copy()
        _read_dates_into(copy, read, cols, name, rows)
        tables[name] = copy
        if name == "opportunities":
            outcomes = read["status"].astype(str)
    notes: list[str] = []
    stage_cols, stage_names = stages, names
    if tables["opportunities"] is not None:
        lead_copy, notes = _with_deal_stages(lead_copy, tables["opportunities"], cols)
        stage_cols = [*stages, "opportunity_at", "won_at"]
        stage_names = [*names, *DEAL_STAGE_NAMES]
    table = pd.DataFrame(
        rows, columns=["table", "column", "role", "stored_as", "rows", "set", "empty"]
    )
    end = _latest(data_end, lead_copy, stage_cols, tables, cols)
    return CRMExport(
        leads=lead_copy,
        opportunities=tables["opportunities"],
        campaigns=tables["campaigns"],
        customers=tables["customers"],
        deal_outcomes=outcomes,
        stages=tuple(stage_cols),
        names=tuple(stage_names),
        columns=cols,
        data_end=end,
        table=table,
        notes=tuple(notes),
    )


def _with_deal_stages(
    leads: pd.DataFrame, opportunities: pd.DataFrame, cols: CRMColumns
) -> tuple[pd.DataFrame, list[str]]:
    """The leads with their deals' stages (:func:`opportunity_stages`), and its warnings as
    notes."""
    clash = [c for c in OPPORTUNITY_STAGE_COLUMNS if c in leads.columns]
    if clash:
        raise ValueError(
            f"leads already has column(s) {', '.join(map(repr, clash))}, which the deal stages "
            "add: leave the opportunities out, or drop those columns from the leads export"
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = opportunity_stages(
            leads,
            opportunities,
            lead_col=cols.column("leads", "lead_id"),
            deal_lead_col=cols.column("opportunities", "lead_id"),
            opened_col=cols.column("opportunities", "created_at"),
            closed_col=cols.column("opportunities", "closed_at"),
            status_col=cols.column("opportunities", "status"),
            won_status=cols.won_status,
        )
    return out, [str(w.message) for w in caught]


def _latest(
    data_end: str | pd.Timestamp | None,
    leads: pd.DataFrame,
    stages: list[str],
    tables: dict[str, pd.DataFrame | None],
    cols: CRMColumns,
) -> pd.Timestamp:
    """``data_end``, or the latest date of the export (stages, deals, customers)."""
    if data_end is not None:
        return pd.Timestamp(data_end)
    frames = [(leads, stages)] + [
        (frame, [cols.column(name, r) for r in _DATES if r in _ROLES[name]])
        for name, frame in tables.items()
        if frame is not None
    ]
    latest = [
        frame[c].max()
        for frame, candidates in frames
        for c in candidates
        if c in frame.columns
        and pd.api.types.is_datetime64_any_dtype(frame[c].dtype)
        and frame[c].notna().any()
    ]
    if not latest:
        raise ValueError("the export holds no dates: pass data_end= (when it was extracted)")
    return pd.Timestamp(max(latest))
