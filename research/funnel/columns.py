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

from research._validation import nonnegative_values, require_columns, require_frame

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


@dataclass(frozen=True)
class CRMColumns:
    """Column names of a CRM export, by role, and the status values of a deal.

    Every field but the last three is the name of a column in your export; the defaults are the
    synthetic CRM's. ``won_status``, ``open_status`` and ``lost_status`` are the deal stages
    (one, or a tuple of several) that mean each outcome; a stage that is in none of them is an
    error, never silently counted as lost.

    Campaigns need ``campaign_id``, ``channel``, ``spend``, ``impressions``, ``clicks``; leads
    ``lead_id``, ``campaign_id``, ``channel``, ``is_mql``, ``is_sql`` (booleans), ``mql_at``
    and ``first_response_hours``; opportunities ``lead_id``, ``status``, ``amount`` (first-year
    contract value), ``created_at``, ``closed_at``; customers ``start_at``, ``mrr`` and
    ``churned_at``.

    Examples
    --------
    >>> cols = CRMColumns(lead_id="Contact ID", amount="Amount", status="Deal Stage",
    ...                   won_status="closedwon", lost_status="closedlost",
    ...                   open_status=("appointmentscheduled", "contractsent"))
    >>> cols.open_status
    ('appointmentscheduled', 'contractsent')
    """

    campaign_id: str = "campaign_id"
    channel: str = "channel"
    spend: str = "spend"
    impressions: str = "impressions"
    clicks: str = "clicks"
    lead_id: str = "lead_id"
    is_mql: str = "is_mql"
    is_sql: str = "is_sql"
    mql_at: str = "mql_at"
    first_response_hours: str = "first_response_hours"
    status: str = "status"
    amount: str = "amount"
    created_at: str = "created_at"
    closed_at: str = "closed_at"
    start_at: str = "start_at"
    mrr: str = "mrr"
    churned_at: str = "churned_at"
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
        """The columns of ``frame`` that table ``name`` needs, as a copy under the default
        names (deal stages as ``"won"``, ``"open"`` or ``"lost"``); clear errors naming the
        export's own column names."""
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
        for role, col in zip(roles, own, strict=True):
            if role in _AMOUNTS:  # checked here, so that the error names the export's column
                nonnegative_values(frame, col, name)
        out = pd.DataFrame({role: frame[col] for role, col in zip(roles, own, strict=True)})
        out.index = frame.index
        if "status" in roles:
            out["status"] = self._outcomes(frame[self.status], name)
        return out

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
