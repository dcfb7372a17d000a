"""The column vocabulary of a CRM export: one name per role, shared by the KPI functions.

:func:`research.funnel.kpi_table`, :func:`research.funnel.roi_by_channel` and
:func:`research.funnel.read_crm` read four tables (leads, opportunities, and optionally
campaigns and customers) with a dozen columns between them. Instead of a keyword argument per
column, they take one :class:`CRMColumns`: the name each role has in your export (the defaults
are those of :func:`research.data.synthetic.make_crm`), the names a table gives a role
otherwise (HubSpot's deals name the contact "Associated Contact", its contacts "Record ID"), the
roles your export does not have (``None``), the deal stages that mean won, open and lost, and
how dates written as text are read. Your frames are not renamed: the functions read the columns
they need into copies under the role names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

import pandas as pd

from research._columns import (
    AMOUNT_COL,
    CAMPAIGN_COL,
    CAMPAIGN_SPEND_COL,
    CHURNED_COL,
    CLICKS_COL,
    CLOSED_COL,
    CREATED_COL,
    DEAL_OWNER_COL,
    IMPRESSIONS_COL,
    IS_MQL_COL,
    IS_SQL_COL,
    LEAD_COL,
    LEAD_OWNER_COL,
    MQL_COL,
    MRR_COL,
    RESPONSE_COL,
    SOURCE_COL,
    START_COL,
    STATUS_COL,
)
from research._results import FrozenMapping
from research._validation import (
    nonnegative_values,
    require_columns,
    require_frame,
    rows_repr,
)
from research.funnel._stages import (
    _reached_flags,
    check_response_hours,
    check_unique,
    read_dates,
)

__all__ = ["CRMColumns"]

# the roles of each table (the columns the KPI table reads, when the export has them)
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
# roles a table may have besides those (read only when a function asks for them)
_EXTRA_ROLES = {"leads": ("lead_owner",), "opportunities": ("deal_owner",)}
_TABLES = tuple(_ROLES)

# roles an export may lack: None says so, and what needs them is left out
_OPTIONAL = frozenset(
    {
        "campaign_id",
        "channel",
        "impressions",
        "clicks",
        "is_mql",
        "is_sql",
        "mql_at",
        "first_response_hours",
        "lead_owner",
        "deal_owner",
    }
)
# roles that hold amounts or counts: numbers, never missing or negative
_AMOUNTS = ("spend", "impressions", "clicks", "amount", "mrr")
# roles that hold yes/no flags (bool, 0/1 or yes/no words, or a date set when reached), read as
# booleans
_FLAGS = ("is_mql", "is_sql")
# roles that hold dates (datetime64, or text read as dates); the starts must be set, the others
# are missing until the event happens (never handed over, still open, still a customer)
_DATES = ("mql_at", "created_at", "closed_at", "start_at", "churned_at")
_STARTS = ("created_at", "start_at")
# (start, end) roles of the same table: an end is never before its start
_SPANS = (("created_at", "closed_at"), ("start_at", "churned_at"))


@dataclass(frozen=True)
class CRMColumns:
    """Column names of a CRM export, by role, the deal stages of each outcome, and how dates
    written as text are read.

    Every field up to ``churned_at``, and ``lead_owner`` and ``deal_owner``, is the name of a
    column in your export (the defaults are the synthetic CRM's). ``won_status``,
    ``open_status`` and ``lost_status`` are the deal stages (one, or a tuple of several) that
    mean each outcome; a stage that is in none of them is an error, never silently counted as
    lost (a list is kept as a tuple).

    Roles by table: leads ``lead_id``, ``campaign_id``, ``channel``, ``is_mql``, ``is_sql``
    (reached or not: bool, 0/1, yes/no, or a date that is set once reached), ``mql_at`` (the
    handover date), ``first_response_hours`` and ``lead_owner`` (the SDR); opportunities
    ``lead_id``, ``status``, ``amount`` (first-year contract value), ``created_at``,
    ``closed_at`` and ``deal_owner`` (the account executive); campaigns ``campaign_id``,
    ``channel``, ``spend``, ``impressions``, ``clicks``; customers ``start_at``, ``mrr`` and
    ``churned_at``. Dates are datetime64, or text read with ``date_format`` (inferred when None;
    an empty string is a date not set).

    ``None`` says the export has no such column, for the roles an analysis can do without
    (``campaign_id``, ``channel``, ``impressions``, ``clicks``, ``is_mql``, ``is_sql``,
    ``mql_at``, ``first_response_hours``, ``lead_owner``, ``deal_owner``): the KPIs that need it
    are left out and say why. Where one table names a role otherwise than the others, give it
    in that table's mapping (``leads``, ``opportunities``, ``campaigns``, ``customers``: role to
    column name, or None).

    Examples
    --------
    >>> cols = CRMColumns(lead_id="Record ID", amount="Amount", status="Deal Stage",
    ...                   won_status="closedwon", lost_status="closedlost",
    ...                   open_status=("appointmentscheduled", "contractsent"),
    ...                   opportunities={"lead_id": "Associated Contact"})
    >>> cols.open_status
    ('appointmentscheduled', 'contractsent')
    >>> cols.of("opportunities")["lead_id"], cols.of("leads")["lead_id"]
    ('Associated Contact', 'Record ID')
    """

    campaign_id: str | None = CAMPAIGN_COL
    channel: str | None = SOURCE_COL
    spend: str = CAMPAIGN_SPEND_COL
    impressions: str | None = IMPRESSIONS_COL
    clicks: str | None = CLICKS_COL
    lead_id: str = LEAD_COL
    is_mql: str | None = IS_MQL_COL
    is_sql: str | None = IS_SQL_COL
    mql_at: str | None = MQL_COL
    first_response_hours: str | None = RESPONSE_COL
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
    lead_owner: str | None = LEAD_OWNER_COL
    deal_owner: str | None = DEAL_OWNER_COL
    leads: Mapping[str, str | None] = field(default_factory=FrozenMapping, hash=False)
    opportunities: Mapping[str, str | None] = field(default_factory=FrozenMapping, hash=False)
    campaigns: Mapping[str, str | None] = field(default_factory=FrozenMapping, hash=False)
    customers: Mapping[str, str | None] = field(default_factory=FrozenMapping, hash=False)
    date_format: str | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.endswith("_status"):
                values = (
                    (value,)
                    if isinstance(value, str)
                    else tuple(value)
                    if isinstance(value, list)
                    else value
                )
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
            elif f.name in _TABLES:
                object.__setattr__(self, f.name, self._table_names(f.name, value))
            elif f.name == "date_format":
                if value is not None and (not isinstance(value, str) or not value):
                    raise TypeError(f"CRMColumns.date_format must be a string, got {value!r}")
            else:
                self._check_name(f"CRMColumns.{f.name}", f.name, value)
        named = [v for n in ("won_status", "open_status", "lost_status") for v in getattr(self, n)]
        twice = sorted({v for v in named if named.count(v) > 1})
        if twice:
            raise ValueError(f"deal stage(s) {twice} are given for more than one outcome")

    @staticmethod
    def _check_name(where: str, role: str, value: object) -> None:
        if value is None and role in _OPTIONAL:
            return
        if not isinstance(value, str) or not value:
            allowed = " (or None: the export has none)" if role in _OPTIONAL else ""
            raise TypeError(f"{where} must be a non-empty string{allowed}, got {value!r}")

    def _table_names(self, table: str, value: object) -> FrozenMapping:
        if not isinstance(value, Mapping):
            raise TypeError(
                f"CRMColumns.{table} must map roles to the column names of the {table} table "
                f"(e.g. {{'lead_id': 'Associated Contact'}}), got {type(value).__name__}"
            )
        roles = _ROLES[table] + _EXTRA_ROLES.get(table, ())
        unknown = [r for r in value if r not in roles]
        if unknown:
            raise ValueError(
                f"CRMColumns.{table} names role(s) {unknown} that the {table} table does not "
                f"have; its roles are {list(roles)}"
            )
        for role, name in value.items():
            self._check_name(f"CRMColumns.{table}[{role!r}]", role, name)
        return FrozenMapping(dict(value))

    def column(self, table: str, role: str) -> str | None:
        """The name of ``role`` in ``table`` (its own mapping first), or None when the export
        has no such column."""
        own = getattr(self, table)
        return own[role] if role in own else getattr(self, role)

    def of(self, table: str) -> dict[str, str | None]:
        """Every role of ``table`` ("leads", "opportunities", "campaigns", "customers") with its
        column name in the export (None: not in the export)."""
        if table not in _TABLES:
            raise ValueError(f"table must be one of {list(_TABLES)}, got {table!r}")
        return {r: self.column(table, r) for r in _ROLES[table] + _EXTRA_ROLES.get(table, ())}

    def read(
        self,
        name: str,
        frame: pd.DataFrame,
        roles: tuple[str, ...] | None = None,
        *,
        optional: tuple[str, ...] = (),
    ) -> pd.DataFrame:
        """The columns of ``frame`` that table ``name`` needs, as a copy under the role names,
        checked once, with errors naming the export's own column names: columns present;
        amounts and counts numeric and not negative; flags binary (bool, 0/1 or yes/no words,
        or dates that are set once reached; read as booleans); dates datetime64 or text read as
        dates (unreadable values counted and named), starts never missing and ends never
        before their starts; response times numbers, never negative; deal stages known (read
        as ``"won"``, ``"open"`` or ``"lost"``); lead ids unique.

        ``roles`` are required (default: all the table's roles); ``optional`` roles are read
        when the export has them (a name, not None) and left out of the copy otherwise. The
        functions that read the copy assume these checks (their own errors would name the roles
        instead)."""
        frame = require_frame(frame, name)
        wanted, own, fix = self._wanted(name, list(frame.columns), roles, optional)
        require_columns(frame, list(dict.fromkeys(own)), name, fix)
        out = pd.DataFrame(
            {role: self._checked(role, frame, name) for role in wanted}, index=frame.index
        )
        for start, end in _SPANS:
            if start in out.columns and end in out.columns:
                self._check_span(out, frame, start, end, name)
        if name == "leads" and "lead_id" in out.columns:
            check_unique(out, "lead_id", name, id_name=self.column(name, "lead_id"))
        return out

    def _wanted(
        self,
        name: str,
        columns: list[str],
        roles: tuple[str, ...] | None,
        optional: tuple[str, ...],
    ) -> tuple[list[str], list[str], str]:
        """The roles :meth:`read` reads of table ``name``, their columns in the export, and the
        advice for the columns (of ``columns``, the table's) that are missing; an error for a
        required role the CRMColumns say the export has not."""
        roles = _ROLES[name] if roles is None else roles
        absent = [r for r in roles if self.column(name, r) is None]
        if absent:
            raise ValueError(
                f"{name} need the column(s) {absent}, but CRMColumns gives None for them (the "
                "export has none): name them in CRMColumns"
            )
        wanted = list(dict.fromkeys([*roles, *(r for r in optional if self.column(name, r))]))
        own = [self.column(name, role) for role in wanted]
        missing = [r for r, c in zip(wanted, own, strict=True) if c not in columns]
        fix = (
            "Pass your export's names with columns=CRMColumns("
            + ", ".join(f"{r}=..." for r in missing)
            + f") (or {name}={{'{missing[0] if missing else 'role'}': ...}} where this table "
            "names it otherwise"
            + ("; None where the export has no such column" if set(missing) & _OPTIONAL else "")
            + ")."
        )
        return wanted, own, fix  # type: ignore[return-value]

    def _checked(self, role: str, frame: pd.DataFrame, name: str) -> pd.Series:
        """The export's column of ``role``, checked (and read) as the role needs."""
        col = self.column(name, role)
        values = frame[col]
        what = f"column {col!r} of {name}"
        if role in _AMOUNTS:
            nonnegative_values(frame, col, name)
        elif role in _FLAGS:
            return pd.Series(
                _reached_flags(values, what, self.date_format), index=frame.index, dtype=bool
            )
        elif role == "first_response_hours":
            check_response_hours(frame, col, name)
        elif role == "status":
            return self._outcomes(values, name)
        elif role in _DATES:
            values = read_dates(values, what, self.date_format)
            if role in _STARTS and values.isna().any():
                gaps = values.isna().to_numpy()
                raise ValueError(
                    f"{what} has {int(gaps.sum()):,} missing dates (rows "
                    f"{rows_repr(frame.index[gaps])}): every row needs one"
                )
        return values

    def _check_span(
        self, out: pd.DataFrame, frame: pd.DataFrame, start: str, end: str, name: str
    ) -> None:
        """A ValueError naming the rows whose ``end`` date is before their ``start`` date (the
        dates as read, the columns as the export names them)."""
        first, last = self.column(name, start), self.column(name, end)
        back = (out[end] < out[start]).to_numpy(dtype=bool, na_value=False)
        if back.any():
            raise ValueError(
                f"{int(back.sum()):,} rows of {name} have {last!r} before {first!r} (rows "
                f"{rows_repr(frame.index[back])}): they end before they start; fix them in the "
                "export"
            )

    def _outcomes(self, status: pd.Series, name: str) -> pd.Series:
        """Each deal's stage as "won", "open" or "lost"; an error for a stage that is none."""
        col = self.column(name, "status")
        if status.isna().any():
            raise ValueError(
                f"column {col!r} of {name} has {int(status.isna().sum()):,} missing "
                "deal stages: each deal must be won, open or lost"
            )
        out = pd.Series("", index=status.index, dtype=object)
        for outcome in ("won", "open", "lost"):
            out[status.isin(getattr(self, f"{outcome}_status")).to_numpy()] = outcome
        unknown = status[out == ""].astype(str).value_counts()
        if len(unknown):
            raise ValueError(
                f"column {col!r} of {name} has deal stages that are neither won "
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
