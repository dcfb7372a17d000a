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

from research._validation import require_columns, require_frame

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


@dataclass(frozen=True)
class CRMColumns:
    """Column names of a CRM export, by role, and the status values of a deal.

    Every field is the name of a column in your export; the defaults are the synthetic CRM's.
    Campaigns need ``campaign_id``, ``channel``, ``spend``, ``impressions``, ``clicks``; leads
    ``lead_id``, ``campaign_id``, ``channel``, ``is_mql``, ``is_sql`` (booleans), ``mql_at``
    and ``first_response_hours``; opportunities ``lead_id``, ``status``, ``amount`` (first-year
    contract value), ``created_at``, ``closed_at``; customers ``start_at``, ``mrr`` and
    ``churned_at``.

    Examples
    --------
    >>> cols = CRMColumns(lead_id="Contact ID", amount="Amount", status="Deal Stage",
    ...                   won_status="closedwon", open_status="open")
    >>> cols.lead_id
    'Contact ID'
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
    won_status: str = "won"
    open_status: str = "open"

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, str) or not value:
                raise TypeError(f"CRMColumns.{f.name} must be a non-empty string, got {value!r}")

    def read(
        self, name: str, frame: pd.DataFrame, roles: tuple[str, ...] | None = None
    ) -> pd.DataFrame:
        """The columns of ``frame`` that table ``name`` needs, as a copy under the default
        names (deal statuses as ``"won"``, ``"open"`` or ``"lost"``); clear errors naming the
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
        out = pd.DataFrame({role: frame[col] for role, col in zip(roles, own, strict=True)})
        out.index = frame.index
        if "status" in roles:
            status = frame[self.status]
            if status.isna().any():
                raise ValueError(
                    f"column {self.status!r} of {name} has {int(status.isna().sum()):,} missing "
                    f"statuses: each deal must be {self.won_status!r}, {self.open_status!r} or "
                    "lost"
                )
            out["status"] = "lost"
            out.loc[(status == self.won_status).to_numpy(), "status"] = "won"
            out.loc[(status == self.open_status).to_numpy(), "status"] = "open"
        return out
