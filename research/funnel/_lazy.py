"""The funnel's stage counts, the SLA's counts and the KPIs' lead counts on a lazy engine
(polars, DuckDB, Spark).

The same checks as the pandas path (stages reached in order, times not running backwards,
unique lead ids, readable dates, response times that are hours) and the same counts, written
as narwhals expressions (see :mod:`research.engines`) so that they run where the leads are;
only the counts per group come back, and the pandas path's own code turns them into the
result. The pandas path is the reference: tests check that both give the same tables.

Rows have no labels on an engine, so an error names lead ids (``lead_col``) where the pandas
path names rows.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import narwhals as nw
import pandas as pd

from research.engines import to_lazy
from research.engines._exprs import (
    LazyColumn,
    collect,
    date_column,
    engine_errors,
    flag_column,
    hours_column,
    period_key,
    periods,
    plain_columns,
    require_columns_lazy,
    stage_column,
)

if TYPE_CHECKING:
    from research.funnel.columns import CRMColumns
    from research.funnel.sla import SLACompliance

__all__: list[str] = []


def _open(source: object, need: Sequence[str], what: str) -> tuple[nw.LazyFrame, nw.Schema, str]:
    """The table as a lazy frame on its engine, its schema, and the engine; the columns
    ``need`` checked to be there."""
    frame, engine = to_lazy(source)
    frame, schema = plain_columns(frame, frame.collect_schema())
    require_columns_lazy(list(schema.names()), need, what, engine)
    return frame, schema, engine


def _examples(
    frame: nw.LazyFrame, mask: nw.Expr, show: str | None, col: str | None, engine: str
) -> str:
    """Up to five values of the rows where ``mask`` holds: their lead ids (``show``), else the
    values of ``col``, for an error message (" (ids in 'lead_id': ['a', 'b'])")."""
    shown = show or col
    if shown is None:
        return ""
    found = collect(frame.filter(mask).select(nw.col(shown)).head(5), engine, "find examples")
    return f" ({'ids' if show else 'values'} in {shown!r}: {found[shown].astype(str).tolist()})"


def _check_unique(frame: nw.LazyFrame, col: str, engine: str, what: str = "leads") -> None:
    """As :func:`research.funnel._stages.check_unique`: an error naming repeated ids."""
    repeated = frame.group_by(col).agg(nw.len().alias("__n")).filter(nw.col("__n") > 1)
    counts = collect(
        repeated.select(nw.len().alias("ids"), nw.col("__n").sum().alias("rows")),
        engine,
        "check the ids",
    ).iloc[0]
    if int(counts["ids"] or 0):
        ids = collect(repeated.select(col).sort(col).head(10), engine, "find examples")[col]
        raise ValueError(
            f"{what} has {int(counts['rows']):,} rows sharing {int(counts['ids']):,} duplicated "
            f"{col!r} values (e.g. {ids.astype(str).tolist()}); each id must appear once: "
            "deduplicate the export first (keep the latest row per id, for instance)"
        )


def _unread_dates(
    frame: nw.LazyFrame, read: dict[str, LazyColumn], lead_col: str | None, engine: str, what: str
) -> None:
    """Refuse text dates that did not read (an engine may have made them missing)."""
    texts = {col: stage.unread for col, stage in read.items() if stage.unread is not None}
    if not texts:
        return
    counts = collect(
        frame.select(
            *(u.cast(nw.Int64).sum().alias(c) for c, u in texts.items()),
            *((~nw.col(c).is_null()).cast(nw.Int64).sum().alias(f"__n{c}") for c in texts),
        ),
        engine,
        "read the dates",
    ).iloc[0]
    for col, unread in texts.items():
        bad = int(counts[col] or 0)
        if bad:
            raise ValueError(
                f"column {col!r} of {what} has {bad:,} of {int(counts[f'__n{col}']):,} values "
                f"that cannot be read as dates{_examples(frame, unread, None, col, engine)}"
                f"{_examples(frame, unread, lead_col, None, engine) if lead_col else ''}: fix "
                "them in the export, or pass date_format= to say how the dates are written "
                "(e.g. '%d/%m/%Y %H:%M')"
            )


def _stage_checks(
    frame: nw.LazyFrame,
    stages: Sequence[str],
    read: dict[str, LazyColumn],
    check_order: bool,
    lead_col: str | None,
    engine: str,
    extra: dict[str, nw.Expr] | None = None,
) -> dict[str, int]:
    """As :func:`research.funnel._stages._stage_checks`, in one pass: rows that reached a
    stage without the one before, and (with ``check_order``) rows whose stage times run
    backwards; ``extra`` counts more conditions in the same pass (returned by name)."""
    masks: dict[str, nw.Expr] = {}
    for i, (earlier, later) in enumerate(itertools.pairwise(stages)):
        masks[f"__skip{i}"] = read[later].reached & ~read[earlier].reached
        a, b = read[earlier].time, read[later].time
        if check_order and a is not None and b is not None:
            masks[f"__back{i}"] = (b < a).fill_null(value=False)
    masks |= extra or {}
    counts = collect(
        frame.select(
            *(m.cast(nw.Int64).sum().alias(name) for name, m in masks.items()),
            nw.len().alias("__rows"),
        ),
        engine,
        "check the stages",
    ).iloc[0]
    for i, (earlier, later) in enumerate(itertools.pairwise(stages)):
        skipped = int(counts[f"__skip{i}"] or 0)
        if skipped:
            raise ValueError(
                f"{skipped:,} rows reached stage {later!r} without stage {earlier!r}"
                f"{_examples(frame, masks[f'__skip{i}'], lead_col, None, engine)}: stages out of "
                "order. Fix the export, or fill the earlier stage (a lead that became an SQL was "
                "an MQL)"
            )
        back = int(counts.get(f"__back{i}", 0) or 0)
        if back:
            raise ValueError(
                f"{back:,} rows have {later!r} before {earlier!r}"
                f"{_examples(frame, masks[f'__back{i}'], lead_col, None, engine)}: timestamps run "
                "backwards. Fix them, or pass check_order=False to count stages regardless of "
                "their times"
            )
    return {name: int(counts[name] or 0) for name in counts.index}


def _refuse_negative_hours(col: str, negative: float | None) -> None:
    """As :func:`research.funnel._stages.check_response_hours`: no negative response time
    (``negative``: the count an engine gave, null on an empty table)."""
    count = int(negative or 0)
    if count:
        raise ValueError(
            f"column {col!r} of leads has {count:,} negative response times: a lead cannot be "
            "answered before it is handed over"
        )


def stage_counts_lazy(
    source: object,
    stages: Sequence[str],
    names: Sequence[str],
    groups: list[str],
    *,
    cohort: str | None = None,
    cohort_freq: str = "M",
    lead_col: str | None = None,
    check_order: bool = True,
    date_format: str | None = None,
) -> tuple[pd.DataFrame, list[str], int]:
    """The checks of :func:`research.funnel.funnel` and its ``COUNT(stage) GROUP BY groups`` on
    the engine: one row per group (its group columns, then the leads that reached each stage
    under its display name, as :func:`research.funnel.stages._stage_counts` gives), the group
    columns (``"cohort"`` added for cohorts, as periods) and the number of leads."""
    need = [*stages, *groups, *([cohort] if cohort else []), *([lead_col] if lead_col else [])]
    frame, schema, engine = _open(source, list(dict.fromkeys(need)), "leads")
    read = {
        col: stage_column(frame, schema, col, f"column {col!r} of leads", date_format, engine)
        for col in dict.fromkeys(stages)
    }
    extra: dict[str, nw.Expr] = {}
    period = None
    if cohort:
        dates = date_column(
            frame, schema, cohort, f"cohort column {cohort!r} of leads", date_format, engine
        )
        read[cohort] = read.get(cohort, dates)
        extra["__undated"] = ~dates.reached
        period = period_key(dates.on_clock, cohort_freq)  # type: ignore[arg-type]
    _unread_dates(frame, read, lead_col, engine, "leads")
    counts = _stage_checks(frame, stages, read, check_order, lead_col, engine, extra)
    if counts["__rows"] == 0:
        raise ValueError("leads is empty (0 rows): there is nothing to do")
    if counts.get("__undated"):
        raise ValueError(
            f"cohort column {cohort!r} of leads has {counts['__undated']:,} rows without a date"
            f"{_examples(frame, extra['__undated'], lead_col, None, engine)}: each lead needs the "
            "date of its cohort; fill it, or take the cohorts from another date"
        )
    if lead_col:
        _check_unique(frame, lead_col, engine)
    sums = [
        read[col].reached.cast(nw.Int64).sum().alias(name)
        for name, col in zip(names, stages, strict=True)
    ]
    keys = list(groups)
    if period is not None:
        frame = frame.with_columns(period.alias("__cohort"))
        keys.append("__cohort")
    if not keys:
        wide = collect(frame.select(*sums), engine, "count the stages")
        return wide.astype("int64"), [], counts["__rows"]
    wide = collect(frame.group_by(*keys, drop_null_keys=False).agg(*sums), engine, "count")
    if period is not None:
        wide.insert(len(groups), "cohort", periods(wide.pop("__cohort"), cohort_freq))
        groups = [*groups, "cohort"]
    wide = wide.sort_values(groups, na_position="last", kind="stable").reset_index(drop=True)
    wide[list(names)] = wide[list(names)].astype("int64")
    return wide, groups, counts["__rows"]


def sla_counts_lazy(
    source: object,
    response_col: str,
    handover_col: str,
    by: str | None,
    sla_hours: float,
    data_end: str | pd.Timestamp | None,
    date_format: str | None,
) -> tuple[pd.DataFrame, pd.Timestamp]:
    """The counts of :func:`research.funnel.sla_compliance` on the engine, with its checks
    (hours are non-negative numbers, handover dates read): per group ``due``, ``within_sla``,
    ``late``, ``unanswered``, ``not_yet_due`` and ``median_response_hours``, indexed by group,
    and the time the dues were counted at."""
    frame, schema, engine = _open(
        source, [response_col, handover_col, *([by] if by else [])], "leads"
    )
    hours = hours_column(schema, response_col)
    handover = date_column(
        frame, schema, handover_col, f"column {handover_col!r} of leads", date_format, engine
    )
    _unread_dates(frame, {handover_col: handover}, None, engine, "leads")
    time = handover.time
    probe = collect(
        frame.select(
            (hours < 0).fill_null(value=False).cast(nw.Int64).sum().alias("negative"),
            time.max().alias("latest"),  # type: ignore[union-attr]
        ),
        engine,
        "check the response times",
    ).iloc[0]
    _refuse_negative_hours(response_col, probe["negative"])
    zone = handover.zone  # the hours are counted on the clock of handover.time
    if data_end is not None:
        limit = pd.Timestamp(data_end)
        if (limit.tzinfo is None) != (zone is None):
            raise TypeError(
                f"data_end {limit} and the handover times of {handover_col!r} must both have a "
                "time zone or both have none" + (f" (the times are on {zone})" if zone else "")
            )
        utc = handover.to_clock(limit)
    else:
        utc = pd.Timestamp(probe["latest"])
        limit = handover.from_clock(utc)
    if pd.isna(utc):  # no lead handed over: no group either
        empty = pd.DataFrame(
            columns=["due", "within_sla", "late", "unanswered", "not_yet_due"], dtype="int64"
        ).assign(median_response_hours=pd.Series(dtype=float))
        empty.index.name = by or "group"
        return empty, limit
    cutoff = (utc - pd.Timedelta(hours=sla_hours)).to_pydatetime()
    handed = handover.reached
    due = handed & (time <= nw.lit(cutoff)).fill_null(value=False)  # type: ignore[operator]
    sums = {
        "due": due,
        "within_sla": due & (hours <= sla_hours).fill_null(value=False),
        "late": due & (hours > sla_hours).fill_null(value=False),
        "unanswered": due & hours.is_null(),
        "not_yet_due": handed & ~due,
    }
    group = nw.col(by) if by else nw.lit("all")
    table = (
        frame.filter(handed)
        .with_columns(group.alias("__group"))
        .group_by("__group", drop_null_keys=False)
        .agg(
            *(mask.cast(nw.Int64).sum().alias(name) for name, mask in sums.items()),
            nw.when(due).then(hours).otherwise(None).median().alias("median_response_hours"),
        )
    )
    out = collect(table, engine, "count the SLA")
    out = out.sort_values("__group", na_position="last", kind="stable").set_index("__group")
    out.index.name = by or "group"
    out[list(sums)] = out[list(sums)].fillna(0).astype("int64")
    out["median_response_hours"] = out["median_response_hours"].astype(float)
    return out, limit


class LeadsOnEngine:
    """What :func:`research.funnel.kpi_table` reads of a lead table, where the table lives: the
    checks of :meth:`research.funnel.CRMColumns.read` (columns there, flags known for every
    lead, MQL dates readable, response hours never negative, lead ids unique), then counts on
    demand. The interface of :class:`research.funnel.kpis._Leads`."""

    def __init__(
        self,
        source: object,
        cols: CRMColumns,
        roles: tuple[str, ...],
        optional: tuple[str, ...],
    ) -> None:
        frame, engine = to_lazy(source)
        frame, schema = plain_columns(frame, frame.collect_schema())
        wanted, own, fix = cols._wanted("leads", list(schema.names()), roles, optional)
        require_columns_lazy(list(schema.names()), own, "leads", engine, fix)
        self.frame, self.engine, self.schema = frame, engine, schema
        self.names = dict(zip(wanted, own, strict=True))
        self.roles = frozenset(wanted)
        self.date_format = cols.date_format
        what = {r: f"column {c!r} of leads" for r, c in self.names.items()}
        self.flags = {
            role: flag_column(frame, schema, self.names[role], what[role], self.date_format, engine)
            for role in ("is_mql", "is_sql")
            if role in self.roles
        }
        # flags given as dates (set when reached): their unreadable texts refused, not missed
        _unread_dates(
            frame, {self.names[r]: f for r, f in self.flags.items()}, None, engine, "leads"
        )
        counts: dict[str, nw.Expr] = {"__rows": nw.len()}
        counts |= {role: flag.reached.cast(nw.Int64).sum() for role, flag in self.flags.items()}
        self.mql_at = None
        if "mql_at" in self.roles:
            self.mql_at = date_column(
                frame, schema, self.names["mql_at"], what["mql_at"], self.date_format, engine
            )
            _unread_dates(frame, {self.names["mql_at"]: self.mql_at}, None, engine, "leads")
            counts["__latest"] = self.mql_at.time.max()  # type: ignore[union-attr]
        if "first_response_hours" in self.roles:
            negative = hours_column(schema, self.names["first_response_hours"]) < 0
            counts["__negative"] = negative.fill_null(value=False).cast(nw.Int64).sum()
        found = collect(
            frame.select(*(e.alias(name) for name, e in counts.items())), engine, "count the leads"
        ).iloc[0]
        if "__negative" in found:
            _refuse_negative_hours(self.names["first_response_hours"], found["__negative"])
        _check_unique(frame, self.names["lead_id"], engine)
        self.n = int(found["__rows"])
        self._counts = {role: int(found[role] or 0) for role in self.flags}
        latest = found.get("__latest")
        self._latest = None if latest is None or pd.isna(latest) else pd.Timestamp(latest)
        if self._latest is not None and self.mql_at is not None:
            self._latest = self.mql_at.from_clock(self._latest)

    def flag_count(self, role: str) -> int:
        """The leads with the flag ``role`` set (``is_mql``, ``is_sql``)."""
        return self._counts[role]

    def latest(self, role: str) -> pd.Timestamp | None:
        """The latest MQL date (the only date role of leads), or None without any."""
        return self._latest if role == "mql_at" else None

    def _keys(self, key: str | None) -> list[nw.Expr]:
        channel = nw.col(self.names["channel"]) if "channel" in self.roles else nw.lit("all")
        keys = [channel.alias("channel")]
        if key and key != "channel":
            keys.append(nw.col(self.names[key]).alias(key))
        return keys

    def groups(self, key: str | None) -> pd.DataFrame:
        """The leads counted by ``key`` and channel (``key``, ``channel``, ``n``)."""
        keys = self._keys(key)
        names = list(dict.fromkeys(["channel", *([key] if key else [])]))
        table = (
            self.frame.select(*keys).group_by(*names, drop_null_keys=False).agg(nw.len().alias("n"))
        )
        return collect(table, self.engine, "count the leads by campaign")

    def rows_of(self, ids: pd.Index, key: str | None) -> pd.DataFrame:
        """The leads whose id is among ``ids`` (``lead_id``, ``key``, ``channel``): a filter
        on the engine, the ids sent as a list (the won deals' leads, few beside the leads) in
        the type of the lead id column, as pandas' ``isin`` matches them (5 and 5.0 alike, a
        number never the text "5"); a missing id matches nothing."""
        col = self.names["lead_id"]
        values = _ids_like(ids, self.schema[col])
        names = list(dict.fromkeys(["lead_id", "channel", *([key] if key else [])]))
        if not values:
            return pd.DataFrame(columns=names)
        lead = nw.col(col)
        with engine_errors(self.engine, "find the won leads"):
            picked = self.frame.filter(lead.is_in(values)).select(
                lead.alias("lead_id"), *self._keys(key)
            )
        return collect(picked, self.engine, "find the won leads")

    def sla(self, sla_hours: float, end: pd.Timestamp, ci: float) -> SLACompliance:
        """:func:`research.funnel.sla_compliance` of the MQLs at ``end``, on the engine."""
        from research.funnel.sla import _sla_result

        counts, limit = sla_counts_lazy(
            self.frame.to_native(),
            self.names["first_response_hours"],
            self.names["mql_at"],
            None,
            sla_hours,
            end,
            self.date_format,
        )
        return _sla_result(counts, None, sla_hours, limit, ci)


def _ids_like(ids: pd.Index, dtype: nw.dtypes.DType) -> list:
    """The ids, without the missing ones, that a column of ``dtype`` can hold, in its type."""
    # Python scalars (numpy's integers are no ``int``), without the missing ids
    values = [v for v in pd.Index(ids).dropna().unique().tolist() if not pd.isna(v)]
    if dtype == nw.String:
        return [v for v in values if isinstance(v, str)]
    if dtype.is_numeric():
        numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if dtype.is_integer():
            return [int(v) for v in numbers if float(v).is_integer()]
        return [float(v) for v in numbers]
    return values
