"""What the funnel modules share: the reading of a CRM export's columns (dates written as text,
stages reached as dates or yes/no flags), checks of a lead export (stages reached and in order,
unique ids, 0/1 outcomes, response times), and the caveat of the observational models.
Private: the public functions call the checks at their boundary."""

from __future__ import annotations

import datetime
import itertools
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research._validation import (
    _FALSE_WORDS,
    _TRUE_WORDS,
    AmbiguousDates,
    binary_values,
    read_either_order,
    rows_repr,
)

__all__: list[str] = []

OBSERVATIONAL_CAVEAT = (
    "Observational: leads were not randomly assigned to fast or slow responses, so faster "
    "answers may have gone to leads that looked better. The model adjusts only for the controls "
    "listed; read the odds ratio as an association, and test it (e.g. randomise response order "
    "for a month) before promising it as an effect."
)


# --------------------------------------------------------------------------------------------
# reading a CRM export's columns: dates written as text, stages reached, yes/no flags
# --------------------------------------------------------------------------------------------

# a UTC offset or zone at the end of a date written as text ("+01:00", "+0100", "Z", "UTC")
_OFFSET = re.compile(r"(?:[+-]\d{2}:?\d{2}|Z|UTC|GMT)\s*$")
_WORDS = _TRUE_WORDS | _FALSE_WORDS


def _is_text(values: pd.Series) -> bool:
    return values.dtype == object or isinstance(values.dtype, pd.StringDtype)


def _blank_as_missing(values: pd.Series) -> pd.Series:
    """A text column with its empty and blank strings as missing ("never reached")."""
    return values.astype("string").str.strip().replace("", pd.NA)


def _examples(values: pd.Series, limit: int = 5) -> list[str]:
    """Up to ``limit`` distinct values, as text, for an error message."""
    return list(dict.fromkeys(values.astype(str).tolist()))[:limit]


def _parse_text_dates(text: pd.Series, date_format: str | None) -> np.ndarray:
    """Dates written as text (missing values already NA) as a datetime64[ns] array, NaT where a
    value cannot be read. Without ``date_format`` the format is inferred from the first value,
    in one vectorised pass; where that value reads both day first and month first, the order
    that reads every value is taken, and both orders reading every value differently is an
    error (:func:`research._validation.read_either_order`). The values the format does not fit
    are read as ISO 8601, so a column mixing "2024-01-02" and "2024-01-02 04:38" reads whole.
    No value is guessed one by one: a day-first "31/12/2024" among month-first dates is not
    read, and gets named. Dates with UTC offsets are put on the clock of their most common
    offset (a naive date among them is taken as UTC)."""
    out = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
    mask = text.notna().to_numpy()
    present = text[mask].astype(str)
    if present.empty:
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "could not infer format", dayfirst
        offsets = present.str.extract(f"({_OFFSET.pattern})", expand=False).dropna().str.strip()
        if len(offsets):
            common = offsets.mode().iloc[0]
            zone = (
                datetime.UTC
                if common in ("Z", "UTC", "GMT")
                else pd.Timestamp(f"2000-01-01T00:00{common}").tzinfo
            )
            parsed = pd.to_datetime(
                present, errors="coerce", format=date_format or "ISO8601", utc=True
            )
            parsed = parsed.dt.tz_convert(zone).dt.tz_localize(None)
        elif date_format:
            parsed = pd.to_datetime(present, errors="coerce", format=date_format)
        else:
            try:
                parsed = read_either_order(present, str(text.name))
            except AmbiguousDates:
                raise
            except (ValueError, TypeError, OverflowError):
                parsed = pd.Series(pd.NaT, index=present.index, dtype="datetime64[ns]")
            left = parsed.isna().to_numpy()
            if left.any():
                again = pd.to_datetime(present[left], errors="coerce", format="ISO8601")
                parsed = parsed.astype("datetime64[ns]")
                parsed[left] = again.astype("datetime64[ns]").to_numpy()
    out[mask] = parsed.to_numpy(dtype="datetime64[ns]")
    return out


def read_dates(
    values: pd.Series, what: str, date_format: str | None = None, *, hint: str = ""
) -> pd.Series:
    """A date column as datetimes: datetime64 as it is; text (as CSV exports hold dates, e.g.
    HubSpot's "2024-01-02 04:38") parsed, an empty or blank string being a date not set; a
    column with no value at all (a CSV reader gives an empty column as numbers) all missing.

    ``date_format`` (``"%d/%m/%Y %H:%M"``, ...) says how the text is written; by default it is
    inferred. Errors begin with ``what`` (e.g. "column 'Close Date' of opportunities"): a
    TypeError for a column that holds no dates at all (numbers, flags, words), a ValueError
    counting and naming the values that cannot be read as dates among those that can.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values
    if values.isna().all():
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]", name=values.name)
    fix = "pass date_format= to say how the dates are written (e.g. '%d/%m/%Y %H:%M')"
    if not _is_text(values):
        raise TypeError(
            f"{what} must hold dates (datetime64, or text such as '2024-01-02 04:38'), got "
            f"{values.dtype} values such as {_examples(values.dropna())}{hint}"
        )
    text = _blank_as_missing(values)
    parsed = pd.Series(_parse_text_dates(text, date_format), index=values.index, name=values.name)
    bad = (parsed.isna() & text.notna()).to_numpy()
    if bad.any() and not parsed.notna().any():
        raise TypeError(
            f"{what} must hold dates (datetime64, or text such as '2024-01-02 04:38'), but none "
            f"of its values reads as a date"
            + (f" with date_format {date_format!r}" if date_format else "")
            + f" (values such as {_examples(text[bad])}){hint}; choose the right column, or "
            + fix
        )
    if bad.any():
        shown = f" with date_format {date_format!r}" if date_format else ""
        raise ValueError(
            f"{what} has {int(bad.sum()):,} of {int(text.notna().sum()):,} values that cannot be "
            f"read as dates{shown} (rows {rows_repr(values.index[bad])}; values such as "
            f"{_examples(text[bad])}){hint}: fix them in the export, or {fix}"
        )
    return parsed


@dataclass(frozen=True)
class _Stage:
    """A stage column as read: whether each row reached the stage, and when (None for flags)."""

    reached: np.ndarray
    times: pd.Series | None


def _read_stage(values: pd.Series, what: str, date_format: str | None = None) -> _Stage:
    """A stage column: the date each row reached the stage (datetime64, or text dates, a blank
    meaning "never reached"), or a flag (bool; 0/1, missing = not reached; yes/no words, blank =
    not reached). Anything else is an error beginning with ``what``."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return _Stage(values.fillna(False).to_numpy(dtype=bool), None)
    if pd.api.types.is_datetime64_any_dtype(dtype) or values.isna().all():
        times = read_dates(values, what)
        return _Stage(times.notna().to_numpy(), times)
    if pd.api.types.is_numeric_dtype(dtype):
        levels = set(pd.unique(values.dropna().to_numpy()))
        if levels <= {0, 1}:
            return _Stage((values == 1).to_numpy(dtype=bool, na_value=False), None)
        raise TypeError(
            f"{what} must hold the date each row reached the stage, or a yes/no flag (bool, "
            f"0/1, yes/no); got {dtype} values such as {_examples(values.dropna())}"
        )
    text = _blank_as_missing(values)
    words = set(text.dropna().str.lower().unique())
    if words and words <= _WORDS:
        reached = text.str.lower().isin(_TRUE_WORDS).to_numpy(dtype=bool, na_value=False)
        return _Stage(reached, None)
    hint = " (a stage column holds the date each row reached the stage, or yes/no)"
    times = read_dates(values, what, date_format, hint=hint)
    return _Stage(times.notna().to_numpy(), times)


def _read_stages(
    frame: pd.DataFrame, stages: Sequence[str], what: str = "leads", date_format: str | None = None
) -> dict[str, _Stage]:
    """Each stage column of ``frame`` read once (:func:`_read_stage`), by column."""
    return {
        col: _read_stage(frame[col], f"column {col!r} of {what}", date_format)
        for col in dict.fromkeys(stages)
    }


def _reached_flags(values: pd.Series, what: str, date_format: str | None = None) -> np.ndarray:
    """An outcome or a flag that must be known for every row, as a bool array: bool, 0/1 or
    yes/no words (:func:`research._validation.binary_values`: a missing value is an error), or
    a date, set when the event happened (datetime64 or text dates: "a stage reached is a
    non-empty date")."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values.notna().to_numpy()
    if _is_text(values):
        text = _blank_as_missing(values)
        words = set(text.dropna().str.lower().unique())
        if not words <= _WORDS:
            dates = pd.Series(_parse_text_dates(text, date_format), index=values.index)
            bad = (dates.isna() & text.notna()).to_numpy()
            if bad.any() and dates.notna().any():
                raise ValueError(
                    f"{what} must be binary (bool, 0/1 or yes/no) or a date set when the event "
                    f"happened, but {int(bad.sum()):,} values are neither (rows "
                    f"{rows_repr(values.index[bad])}; values such as {_examples(text[bad])})"
                )
            if not bad.any():
                return dates.notna().to_numpy()
    return binary_values(values, what)


def check_unique(
    frame: pd.DataFrame, col: str, what: str = "leads", *, id_name: str | None = None
) -> None:
    """Raise a ValueError naming the duplicated ids of ``col``, if any (``id_name``: the
    column's name in the user's export, when ``frame`` is a renamed copy)."""
    dup = frame[col].duplicated(keep=False)
    if dup.any():
        ids = frame.loc[dup, col].drop_duplicates()
        name = col if id_name is None else id_name
        raise ValueError(
            f"{what} has {int(dup.sum()):,} rows sharing {len(ids):,} duplicated {name!r} values "
            f"(e.g. {rows_repr(pd.Index(ids))}); each id must appear once: deduplicate the export "
            "first (keep the latest row per id, for instance)"
        )


def check_response_hours(frame: pd.DataFrame, col: str, what: str = "leads") -> None:
    """Response times are numbers of hours (missing while unanswered), never negative: a
    TypeError or ValueError naming ``col`` and the rows otherwise. The one check of every
    function that reads response times, so that none counts a negative time as "within the
    SLA"."""
    hours = frame[col]
    if pd.api.types.is_bool_dtype(hours.dtype) or not pd.api.types.is_numeric_dtype(hours.dtype):
        raise TypeError(f"column {col!r} of {what} must hold hours (numbers), got {hours.dtype}")
    negative = (hours < 0).to_numpy(dtype=bool, na_value=False)
    if negative.any():
        raise ValueError(
            f"column {col!r} of {what} has {int(negative.sum()):,} negative response times (rows "
            f"{rows_repr(frame.index[negative])}): a lead cannot be answered before it is "
            "handed over"
        )


def _stage_checks(
    frame: pd.DataFrame,
    stages: Sequence[str],
    *,
    times: bool = True,
    read: dict[str, _Stage] | None = None,
    date_format: str | None = None,
) -> dict[str, _Stage]:
    """Refuse rows that reached a stage without the one before, and (with ``times``) rows whose
    stage dates run backwards; returns the stages as read (``read``, when given, or read
    here)."""
    read = read if read is not None else _read_stages(frame, stages, date_format=date_format)
    for earlier, later in itertools.pairwise(stages):
        skipped = read[later].reached & ~read[earlier].reached
        if skipped.any():
            raise ValueError(
                f"{int(skipped.sum()):,} rows reached stage {later!r} without stage {earlier!r} "
                f"(rows {rows_repr(frame.index[skipped])}): stages out of order. Fix the export, "
                "or fill the earlier stage (a lead that became an SQL was an MQL)"
            )
        a, b = read[earlier].times, read[later].times
        if times and a is not None and b is not None:
            back = (b < a).to_numpy()
            if back.any():
                raise ValueError(
                    f"{int(back.sum()):,} rows have {later!r} before {earlier!r} (rows "
                    f"{rows_repr(frame.index[back])}): timestamps run backwards. Fix them, or "
                    "pass check_order=False to count stages regardless of their times"
                )
    return read


def _binary_outcome(
    frame: pd.DataFrame, col: str, what: str, date_format: str | None = None
) -> np.ndarray:
    """An outcome column as 0/1 integers (bool, 0/1 or yes/no words, or a date set when the
    event happened; an error for anything else, missing flags included)."""
    return _reached_flags(frame[col], f"column {col!r} of {what}", date_format).astype(int)
