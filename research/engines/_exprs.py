"""What the analyses share on a lazy engine: the engine's errors as ours, collecting a result,
and reading a column of an export (text dates in one format, stages reached as dates or
yes/no flags) as narwhals expressions. Private: the analyses' engine paths call these."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import narwhals as nw
import pandas as pd

from research._validation import _FALSE_WORDS, _TRUE_WORDS, both_orders

__all__: list[str] = []

_WORDS = sorted(_TRUE_WORDS | _FALSE_WORDS)


@contextlib.contextmanager
def engine_errors(engine: str, what: str) -> Iterator[None]:
    """An engine's own error (a value it cannot convert, a memory limit) as one ValueError."""
    try:
        yield
    except Exception as err:
        module = type(err).__module__.split(".")[0]
        if module not in ("duckdb", "_duckdb", "polars", "pyspark", "py4j", "narwhals"):
            raise
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ValueError(f"{engine} could not {what}: {first}") from err


def collect(frame: nw.LazyFrame, engine: str, what: str) -> pd.DataFrame:
    """A lazy frame run on its engine and brought back as pandas (``what`` names the step in
    an error)."""
    with engine_errors(engine, what):
        table = frame.collect(backend="pyarrow").to_native()
        # each Arrow column freed as it is converted: the result is not held twice
        return table.to_pandas(self_destruct=True, split_blocks=True)


def require_columns_lazy(
    names: Sequence[str], need: Sequence[str], what: str, engine: str, fix: str | None = None
) -> None:
    """As :func:`research._validation.require_columns`, for the columns of an engine's table
    (``fix`` replaces the default advice)."""
    missing = [c for c in dict.fromkeys(need) if c not in names]
    if missing:
        advice = fix or "Pass the right name with the matching *_col argument."
        raise ValueError(
            f"{what} ({engine} table) has no column {', '.join(map(repr, missing))}; its columns "
            f"are {list(names)}. {advice}"
        )


def text_date_format(frame: nw.LazyFrame, col: str, given: str | None, engine: str) -> str:
    """The format of text dates: ``date_format``, or one read off the first and last distinct
    values (sorted, so the same data always gives the same answer): where the first reads both
    month first and day first, the order under which every sampled value reads, and an error
    when both do."""
    if given is not None:
        return given
    text = frame.select(strip(nw.col(col)).alias(col)).drop_nulls().unique()
    ends = [
        collect(text.sort(col, descending=down).head(500), engine, "read the dates")[col]
        for down in (False, True)
    ]
    sample = pd.concat(ends).drop_duplicates()
    sample = sample[sample != ""]
    if sample.empty:
        raise ValueError(f"column {col!r} has no date at all")
    first = str(sample.iloc[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "parsing dates in %d.%m.%Y format"
        guess = pd.tseries.api.guess_datetime_format
        candidates = [f for f in dict.fromkeys((guess(first), guess(first, dayfirst=True))) if f]
        if not candidates:
            raise ValueError(
                f"cannot tell how the dates of column {col!r} are written (such as {first!r}): "
                "pass date_format=, e.g. '%d/%m/%Y'"
            )
        if any("%z" in f or "%Z" in f for f in candidates):
            raise ValueError(
                f"column {col!r} holds dates with UTC offsets as text (such as {first!r}): on "
                f"{engine}, store them as timestamps, or pass a pandas DataFrame, which puts "
                "them on the clock of their most common offset"
            )
        if len(candidates) == 1 or candidates[0].startswith("%Y"):
            return candidates[0]
        reads = [
            f for f in candidates if pd.to_datetime(sample, format=f, errors="coerce").notna().all()
        ]
    if len(reads) == 2:
        raise ValueError(both_orders(col, sample.head(3).tolist()))
    return reads[0] if reads else candidates[0]


# --------------------------------------------------------------------------------------------
# a column of dates, and a stage column (dates or flags)
# --------------------------------------------------------------------------------------------


# Python's whitespace (what str.strip() removes on the pandas path), named for every engine:
# DuckDB's and Spark's own trim remove ASCII spaces only
SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def strip(text: nw.Expr) -> nw.Expr:
    """Each text without the whitespace at its ends, as Python's ``str.strip()``."""
    return text.str.strip_chars(SPACES)


def is_blank(text: nw.Expr) -> nw.Expr:
    """Whether each text is empty or only whitespace (null where the text is). Only a text
    that begins with a space can be blank: trimming every text costs more than looking at the
    first character of each."""
    return (text == "") | (text.str.slice(0, 1).is_in(list(SPACES)) & (strip(text) == ""))


def blank_as_null(col: str) -> nw.Expr:
    """A text column stripped, its empty strings missing."""
    text = strip(nw.col(col))
    return nw.when(text == "").then(None).otherwise(text)


def plain_columns(frame: nw.LazyFrame, schema: nw.Schema) -> tuple[nw.LazyFrame, nw.Schema]:
    """The table with its categorical columns as text (as pandas reads a category's values,
    and so that groups sort by value, not by category order), and its schema."""
    coded = [c for c, t in schema.items() if t in (nw.Categorical, nw.Enum)]
    if not coded:
        return frame, schema
    frame = frame.with_columns(*(nw.col(c).cast(nw.String) for c in coded))
    return frame, frame.collect_schema()


def nan_as_null(value: nw.Expr, dtype: nw.dtypes.DType) -> nw.Expr:
    """A numeric column with NaN missing, as pandas counts NaN (float columns only)."""
    return nw.when(value.is_nan()).then(None).otherwise(value) if dtype.is_float() else value


def not_binary(value: nw.Expr) -> nw.Expr:
    """Whether each number is set and neither 0 nor 1."""
    return ~value.is_null() & ~((value == 0) | (value == 1))


def hours_column(schema: nw.Schema, col: str, what: str = "leads") -> nw.Expr:
    """Response times as float hours, NaN missing; a TypeError unless the column holds
    numbers (as :func:`research.funnel._stages.check_response_hours`)."""
    dtype = schema[col]
    if dtype == nw.Boolean or not dtype.is_numeric():
        raise TypeError(f"column {col!r} of {what} must hold hours (numbers), got {dtype}")
    return nan_as_null(nw.col(col).cast(nw.Float64), dtype)


@dataclass(frozen=True)
class LazyColumn:
    """A column of an engine's table as read: whether each row has it set (``reached``); when
    it holds dates, its ``time`` (naive), its ``local`` time (on the zone's clock, for periods),
    its ``zone`` (None for naive times) and the ``clock`` ``time`` is shown on: UTC on polars,
    so that hours across a change of clock count as pandas counts them; the session's zone on
    DuckDB, which counts them so only when the session is on UTC, as
    :func:`research.engines.scan` sets it; Spark's times are taken as naive, on its session's
    clock. For text dates, ``unread`` holds the texts that did not read: counted where an
    engine makes an unreadable date missing, as Spark outside ANSI mode does (polars and DuckDB
    stop with their own error naming the value)."""

    reached: nw.Expr
    time: nw.Expr | None
    unread: nw.Expr | None = None
    zone: str | None = None
    local: nw.Expr | None = None
    clock: str | None = None  # the zone whose clock ``time`` shows (None: naive times)

    @property
    def on_clock(self) -> nw.Expr | None:
        """The times on the zone's clock (periods are taken there), or the naive times."""
        return self.local if self.local is not None else self.time

    def to_clock(self, when: pd.Timestamp) -> pd.Timestamp:
        """``when`` (with a zone exactly when the column has one) as a naive time on the
        clock of ``time``."""
        return when.tz_convert(self.clock).tz_localize(None) if self.clock else when

    def from_clock(self, when: pd.Timestamp) -> pd.Timestamp:
        """A naive time on the clock of ``time`` (such as its maximum) back on the column's
        zone."""
        if self.clock is None or pd.isna(when):
            return when
        # on a session clock other than UTC, an hour repeated or skipped by a change of clock
        # has no single instant: the later reading is taken rather than failing
        local = when.tz_localize(self.clock, ambiguous=False, nonexistent="shift_forward")
        return local.tz_convert(self.zone)


def date_column(
    frame: nw.LazyFrame,
    schema: nw.Schema,
    col: str,
    what: str,
    date_format: str | None,
    engine: str,
    *,
    hint: str = "",
) -> LazyColumn:
    """A date column: timestamps (with a zone: instants in UTC on polars, the session's clock
    on DuckDB, naive on Spark; see :class:`LazyColumn`), dates, or text in one format
    (``date_format``, or :func:`text_date_format`), an empty string being a date not set.
    Anything else is a TypeError beginning with ``what``."""
    dtype = schema[col]
    expr = nw.col(col)
    if dtype == nw.Datetime:
        zone = getattr(dtype, "time_zone", None)
        if zone is None:
            return LazyColumn(~expr.is_null(), expr)
        if engine == "pyspark":
            # Spark's TIMESTAMP holds instants shown on the session's clock, whether they came
            # with a zone or not: that clock is the export's, as naive times
            wall = expr.dt.replace_time_zone(None)
            return LazyColumn(~expr.is_null(), wall)
        if engine == "polars":  # the column keeps its zone: instants in UTC, periods local
            instant = expr.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            local = expr.dt.convert_time_zone(zone).dt.replace_time_zone(None)
            return LazyColumn(~expr.is_null(), instant, zone=zone, local=local, clock="UTC")
        # DuckDB keeps instants and shows them on the session's zone, its only one
        wall = expr.dt.replace_time_zone(None)
        return LazyColumn(~expr.is_null(), wall, zone=zone, clock=zone)
    if dtype == nw.Date:
        expr = expr.cast(nw.Datetime("us"))
        return LazyColumn(~expr.is_null(), expr)
    if dtype in (nw.String, nw.Unknown) or _all_null(dtype):  # categories: plain_columns
        if dtype != nw.String:
            frame = frame.with_columns(nw.col(col).cast(nw.String))
        text = blank_as_null(col) if dtype == nw.String else nw.col(col).cast(nw.String)
        probe = collect(frame.select((~text.is_null()).any().alias("any")), engine, "read dates")
        if not bool(probe.iloc[0, 0]):  # no value at all: a date never set
            return LazyColumn(~text.is_null(), text.cast(nw.Datetime("us")))
        fmt = text_date_format(frame, col, date_format, engine)
        time = text.str.to_datetime(format=fmt)
        return LazyColumn(~time.is_null(), time, unread=~text.is_null() & time.is_null())
    raise TypeError(
        f"{what} must hold dates (timestamps, or text such as '2024-01-02 04:38'), got "
        f"{dtype} values{hint}"
    )


def _all_null(dtype: nw.dtypes.DType) -> bool:
    """A column the engine typed as having no type (DuckDB's NULL: an empty CSV column)."""
    return str(dtype).lower() in ("unknown", "null")


def stage_column(
    frame: nw.LazyFrame,
    schema: nw.Schema,
    col: str,
    what: str,
    date_format: str | None,
    engine: str,
) -> LazyColumn:
    """A stage column, as :func:`research.funnel._stages._read_stage` reads one: the date each
    row reached the stage (missing or blank: never), or a flag (bool, missing = not reached;
    0/1; yes/no words, blank = not reached). Anything else is a TypeError beginning with
    ``what``."""
    dtype = schema[col]
    if dtype == nw.Boolean:
        return LazyColumn(nw.col(col).fill_null(value=False), None)
    if dtype.is_numeric():
        value = nan_as_null(nw.col(col), dtype)
        odd = collect(
            frame.filter(not_binary(value)).select(nw.col(col)).head(5),
            engine,
            f"read column {col!r}",
        )
        if len(odd):
            raise TypeError(
                f"{what} must hold the date each row reached the stage, or a yes/no flag (bool, "
                f"0/1, yes/no); got {dtype} values such as {odd[col].astype(str).tolist()}"
            )
        return LazyColumn((value == 1).fill_null(value=False), None)
    if dtype == nw.String:
        text = blank_as_null(col).str.to_lowercase()
        probe = collect(
            frame.select(
                (~text.is_null()).any().alias("any"),
                (~text.is_null() & ~text.is_in(_WORDS)).any().alias("other"),
            ),
            engine,
            f"read column {col!r}",
        ).iloc[0]
        if bool(probe["any"]) and not bool(probe["other"]):
            return LazyColumn(text.is_in(sorted(_TRUE_WORDS)).fill_null(value=False), None)
    hint = " (a stage column holds the date each row reached the stage, or yes/no)"
    return date_column(frame, schema, col, what, date_format, engine, hint=hint)


_WEEKS_BACK = 1_000_000  # keeps the week number's division on non-negative numbers


def period_number(when: nw.Expr, time_unit: str) -> nw.Expr:
    """The period number of each time (``"D"``, ``"W"``, ``"M"``), as
    :func:`research.segmentation.rfm._period_codes` numbers them: days since 1970 (Howard
    Hinnant's days-from-civil, in integer arithmetic every engine has), Monday weeks (week 0
    begins on Monday 1969-12-29), months since January 1970."""
    year, month, day = when.dt.year().cast(nw.Int64), when.dt.month(), when.dt.day()
    if time_unit == "M":
        return (year * 12 + month.cast(nw.Int64) - 1 - 1970 * 12).cast(nw.Int64)
    month, day = month.cast(nw.Int64), day.cast(nw.Int64)
    y = year - (month <= 2).cast(nw.Int64)
    era = y // 400
    yoe = y - era * 400
    shifted = nw.when(month > 2).then(month - 3).otherwise(month + 9)
    doy = (153 * shifted + 2) // 5 + day - 1
    days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    if time_unit == "D":
        return days.cast(nw.Int64)
    return ((days + 3 + 7 * _WEEKS_BACK) // 7 - _WEEKS_BACK).cast(nw.Int64)


def period_key(time: nw.Expr, freq: str) -> nw.Expr:
    """A key of the period (``"D"``, ``"W"`` from Monday, ``"M"``, ``"Q"``, ``"Y"``) each time
    falls in: the period's start, or for weeks its number (:func:`period_number`), which
    :func:`periods` turns into the periods :meth:`pandas.Series.dt.to_period` gives."""
    freq = freq.upper()
    if freq == "W":
        return period_number(time, "W")
    every = _PERIODS.get(freq)
    if every is None:
        raise ValueError(
            f"on an engine, the period must be one of {sorted([*_PERIODS, 'W'])}, got {freq!r}"
        )
    return time.dt.truncate(every)


def periods(keys: pd.Series, freq: str) -> pd.arrays.PeriodArray:
    """The periods of the keys of :func:`period_key`."""
    if freq.upper() == "W":
        starts = pd.Timestamp("1970-01-01") + pd.to_timedelta(7 * keys.astype("int64") - 3, "D")
        return pd.Series(starts).dt.to_period(freq).array
    return pd.to_datetime(keys).dt.to_period(freq).array


_PERIODS = {"D": "1d", "M": "1mo", "Q": "1q", "Y": "1y"}


def flag_column(
    frame: nw.LazyFrame,
    schema: nw.Schema,
    col: str,
    what: str,
    date_format: str | None,
    engine: str,
) -> LazyColumn:
    """A flag known for every row, as :func:`research.funnel._stages._reached_flags` reads one:
    bool, 0/1 or yes/no words (:func:`research._validation.binary_values`: a missing value is
    an error), or a date, set when the event happened (missing: it did not)."""
    dtype = schema[col]
    value = nw.col(col)
    if dtype == nw.String:
        value = blank_as_null(col).str.to_lowercase()
        words = collect(
            frame.select(value.alias("w")).unique().head(len(_WORDS) + 2), engine, f"read {col!r}"
        )["w"]
        present = {str(w) for w in words if isinstance(w, str)}
        if not present <= set(_WORDS):  # not yes/no words: dates set when the event happened
            return date_column(frame, schema, col, what, date_format, engine)
        if present & _TRUE_WORDS and present & _FALSE_WORDS and len(present) > 2:
            raise ValueError(
                f"{what} must be binary (bool, 0/1 or yes/no), but it has {len(present):,} "
                f"distinct values ({', '.join(map(repr, sorted(present)))}) of dtype {dtype}: "
                "pass a boolean such as (status == 'won')"
            )
    elif dtype in (nw.Datetime, nw.Date):
        return date_column(frame, schema, col, what, date_format, engine)
    elif dtype.is_numeric():
        value = nan_as_null(value, dtype)
    elif dtype != nw.Boolean:
        raise ValueError(f"{what} must be binary (bool, 0/1 or yes/no), got {dtype} values")
    counts = collect(
        frame.select(
            value.is_null().cast(nw.Int64).sum().alias("missing"),
            nw.len().alias("rows"),
            *(
                [not_binary(value).cast(nw.Int64).sum().alias("other")]
                if dtype.is_numeric()
                else []
            ),
        ),
        engine,
        f"read {col!r}",
    ).iloc[0]
    if int(counts["missing"] or 0):
        raise ValueError(
            f"{what} has {int(counts['missing']):,} missing values of {int(counts['rows']):,} "
            "rows: an outcome must be known for every row"
        )
    if int(counts.get("other", 0) or 0):
        raise ValueError(
            f"{what} must be binary (bool, 0/1 or yes/no), but it has values other than 0 and 1 "
            f"of dtype {dtype}: pass a boolean such as (status == 'won')"
        )
    if dtype == nw.String:
        return LazyColumn(value.is_in(sorted(_TRUE_WORDS)), None)
    if dtype == nw.Boolean:
        return LazyColumn(value, None)
    return LazyColumn(value == 1, None)
