"""The column vocabulary of a CRM export: one name per role, shared by the KPI functions.

:func:`research.funnel.kpi_table` and :func:`research.funnel.roi_by_channel` read four tables
(campaigns, leads, opportunities, customers) with a dozen columns between them. Instead of a
keyword argument per column, they take one :class:`CRMColumns`: the name each role has in your
export (the defaults are those of :func:`research.data.synthetic.make_crm`) and the status
values that mean won and open. Your frames are not renamed: the functions read the columns they
need into copies under the default names.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

from research._columns import (
    AMOUNT_COL,
    CAMPAIGN_COL,
    CAMPAIGN_SPEND_COL,
    CHURNED_COL,
    CLICKS_COL,
    CLOSED_COL,
    CREATED_COL,
    IMPRESSIONS_COL,
    IS_MQL_COL,
    IS_SQL_COL,
    LEAD_COL,
    MQL_COL,
    MRR_COL,
    RESPONSE_COL,
    SOURCE_COL,
    START_COL,
    STATUS_COL,
)
from research._validation import (
    binary_values,
    nonnegative_values,
    require_columns,
    require_frame,
    rows_repr,
)
from research.funnel._stages import check_response_hours, check_unique

__all__ = ["CRMColumns"]

# the columns each table must have, by role
_ROLES = {
    "campaigns": ("campaign_id", "channel", "spend", "impressions", "clicks"),
    "leads": (
        "lead_id",
        "campaign_id",
        "channel",
        "is_mql",
        "is_sql",
        "mql_at",
        "first_response_hours",
    ),
    "opportunities": ("lead_id", "status", "amount", "created_at", "closed_at"),
    "customers": ("start_at", "mrr", "churned_at"),
}


# roles that hold amounts or counts: numbers, never missing or negative
_AMOUNTS = ("spend", "impressions", "clicks", "amount", "mrr")
# roles that hold yes/no flags (bool, 0/1 or yes/no words), read as booleans
_FLAGS = ("is_mql", "is_sql")
# roles that hold dates (datetime64); the starts must be set, the others are missing until
# the event happens (never handed over, still open, still a customer)
_DATES = ("mql_at", "created_at", "closed_at", "start_at", "churned_at")
_STARTS = ("created_at", "start_at")
# (start, end) roles of the same table: an end is never before its start
_SPANS = (("created_at", "closed_at"), ("start_at", "churned_at"))


@dataclass(frozen=True)
class CRMColumns:
    """Column names of a CRM export, by role, and the status values of a deal.

    Every field but the last three is the name of a column in your export; the defaults are the
    synthetic CRM's. ``won_status``, ``open_status`` and ``lost_status`` are the deal stages
    (one, or a tuple of several) that mean each outcome; a stage that is in none of them is an
    error, never silently counted as lost.

    Campaigns need ``campaign_id``, ``channel``, ``spend``, ``impressions``, ``clicks``; leads
    ``lead_id``, ``campaign_id``, ``channel``, ``is_mql``, ``is_sql`` (flags: bool, 0/1 or
    yes/no), ``mql_at`` and ``first_response_hours``; opportunities ``lead_id``, ``status``,
    ``amount`` (first-year contract value), ``created_at``, ``closed_at``; customers
    ``start_at``, ``mrr`` and ``churned_at``. Dates are datetime64.

    Examples
    --------
    >>> cols = CRMColumns(lead_id="Contact ID", amount="Amount", status="Deal Stage",
    ...                   won_status="closedwon", lost_status="closedlost",
    ...                   open_status=("appointmentscheduled", "contractsent"))
    >>> cols.open_status
    ('appointmentscheduled', 'contractsent')
    """

    campaign_id: str = CAMPAIGN_COL
    channel: str = SOURCE_COL
    spend: str = CAMPAIGN_SPEND_COL
    impressions: str = IMPRESSIONS_COL
    clicks: str = CLICKS_COL
    lead_id: str = LEAD_COL
    is_mql: str = IS_MQL_COL
    is_sql: str = IS_SQL_COL
    mql_at: str = MQL_COL
    first_response_hours: str = RESPONSE_COL
    status: str = STATUS_COL
    amount: str = AMOUNT_COL
    created_at: str = CREATED_COL
    closed_at: str = CLOSED_COL
    start_at: str = START_COL
    mrr: str = MRR_COL
    churned_at: str = CHURNED_COL
    won_status: str | tuple[str, ...] = "won"
    open_status: str | tuple[str, ...] = "open"
    lost_status: str | tuple[str, ...] = "lost"

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.endswith("_status"):
                values = (value,) if isinstance(value, str) else value
                if (
                    not isinstance(values, tuple)
                    or not values
                    or not all(isinstance(v, str) and v for v in values)
                ):
                    raise TypeError(
                        f"CRMColumns.{f.name} must be a stage name or a tuple of them, got "
                        f"{value!r}"
                    )
                object.__setattr__(self, f.name, values)
            elif not isinstance(value, str) or not value:
                raise TypeError(f"CRMColumns.{f.name} must be a non-empty string, got {value!r}")
        named = [v for n in ("won_status", "open_status", "lost_status") for v in getattr(self, n)]
        twice = sorted({v for v in named if named.count(v) > 1})
        if twice:
            raise ValueError(f"deal stage(s) {twice} are given for more than one outcome")

    def read(
        self, name: str, frame: pd.DataFrame, roles: tuple[str, ...] | None = None
    ) -> pd.DataFrame:
        """The columns of ``frame`` that table ``name`` needs, as a copy under the role names,
        checked once, with errors naming the export's own column names: columns present;
        amounts and counts numeric and not negative; flags binary (bool, 0/1 or yes/no words,
        read as booleans); dates datetime64, starts never missing and ends never before their
        starts; response times numbers, never negative; deal stages known (read as
        ``"won"``, ``"open"`` or ``"lost"``); lead ids unique. The functions that read the
        copy assume these checks (their own errors would name the roles instead)."""
        frame = require_frame(frame, name)
        roles = _ROLES[name] if roles is None else roles
        own = [getattr(self, role) for role in roles]
        missing = [r for r, c in zip(roles, own, strict=True) if c not in frame.columns]
        fix = (
            "Pass your export's names with columns=CRMColumns("
            + ", ".join(f"{r}=..." for r in missing)
            + ")."
        )
        require_columns(frame, own, name, fix)
        out = pd.DataFrame({role: self._checked(role, frame, name) for role in roles})
        out.index = frame.index
        for start, end in _SPANS:
            if start in roles and end in roles:
                self._check_span(frame, start, end, name)
        if name == "leads" and "lead_id" in roles:
            check_unique(out, "lead_id", name, id_name=self.lead_id)
        return out

    def _checked(self, role: str, frame: pd.DataFrame, name: str) -> pd.Series:
        """The export's column of ``role``, checked (and read) as the role needs."""
        col = getattr(self, role)
        values = frame[col]
        what = f"column {col!r} of {name}"
        if role in _AMOUNTS:
            nonnegative_values(frame, col, name)
        elif role in _FLAGS:
            return pd.Series(binary_values(values, what), index=frame.index)
        elif role == "first_response_hours":
            check_response_hours(frame, col, name)
        elif role == "status":
            return self._outcomes(values, name)
        elif role in _DATES:
            if not pd.api.types.is_datetime64_any_dtype(values.dtype):
                raise TypeError(
                    f"{what} must hold dates (datetime64), got {values.dtype}: parse it first, "
                    f"e.g. pd.to_datetime(frame[{col!r}])"
                )
            if role in _STARTS and values.isna().any():
                gaps = values.isna().to_numpy()
                raise ValueError(
                    f"{what} has {int(gaps.sum()):,} missing dates (rows "
                    f"{rows_repr(frame.index[gaps])}): every row needs one"
                )
        return values

    def _check_span(self, frame: pd.DataFrame, start: str, end: str, name: str) -> None:
        """A ValueError naming the rows whose ``end`` date is before their ``start`` date."""
        first, last = getattr(self, start), getattr(self, end)
        back = (frame[last] < frame[first]).to_numpy(dtype=bool, na_value=False)
        if back.any():
            raise ValueError(
                f"{int(back.sum()):,} rows of {name} have {last!r} before {first!r} (rows "
                f"{rows_repr(frame.index[back])}): they end before they start; fix them in the "
                "export"
            )

    def _outcomes(self, status: pd.Series, name: str) -> pd.Series:
        """Each deal's stage as "won", "open" or "lost"; an error for a stage that is none."""
        if status.isna().any():
            raise ValueError(
                f"column {self.status!r} of {name} has {int(status.isna().sum()):,} missing "
                "deal stages: each deal must be won, open or lost"
            )
        out = pd.Series("", index=status.index, dtype=object)
        for outcome in ("won", "open", "lost"):
            out[status.isin(getattr(self, f"{outcome}_status")).to_numpy()] = outcome
        unknown = status[out == ""].astype(str).value_counts()
        if len(unknown):
            raise ValueError(
                f"column {self.status!r} of {name} has deal stages that are neither won "
                f"{list(self.won_status)}, open {list(self.open_status)} nor lost "
                f"{list(self.lost_status)}: {unknown.head(10).to_dict()}; list every stage in "
                "CRMColumns(won_status=..., open_status=..., lost_status=...)"
            )
        return out.astype(status.dtype if pd.api.types.is_string_dtype(status.dtype) else "str")


def _resolve(columns: CRMColumns | None) -> CRMColumns:
    """``columns``, or the default names when None; a TypeError for anything else."""
    if columns is None:
        return CRMColumns()
    if not isinstance(columns, CRMColumns):
        raise TypeError(f"columns must be a CRMColumns, got {type(columns).__name__}")
    return columns
