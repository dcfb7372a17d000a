"""Input checks shared by the modules: clear errors that name the column, the rows and the fix."""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Integral, Real

import numpy as np
import pandas as pd


def rows_repr(labels: pd.Index, limit: int = 10) -> str:
    """The first ``limit`` row labels, and how many more there are."""
    shown = ", ".join(map(repr, labels[:limit].tolist()))
    more = f" and {len(labels) - limit:,} more" if len(labels) > limit else ""
    return f"{shown}{more}"


#: The end of a "must be a pandas DataFrame" error of a function that also runs on engines.
_ENGINE_HINT = (
    ": pass a DataFrame, a polars, DuckDB or Spark table, or a path of parquet or CSV files"
)


class AmbiguousDates(ValueError):
    """Text dates that read both month first and day first, with no date to settle which."""


def both_orders(date_col: str, examples: list[object]) -> str:
    """The error for text dates that read both month first and day first (the pandas path and
    every engine)."""
    return (
        f"column {date_col!r} has dates that read both month first and day first (such as "
        f"{examples}), and no date settles which: pass date_format= to say how they are "
        "written, e.g. '%d/%m/%Y'"
    )


def read_either_order(raw: pd.Series, date_col: str) -> pd.Series:
    """Text dates without a format, in the format of the first date; where that date reads
    both month first and day first ("05/03/2024"), whichever order reads every value, and an
    error when both do and disagree, since a guess would shift dates by months without a word.
    """
    month_first = pd.to_datetime(raw, errors="coerce")
    present = raw.dropna()
    if present.empty:
        return month_first
    first = str(present.iloc[0]).strip()
    guess = pd.tseries.api.guess_datetime_format
    order = guess(first, dayfirst=True)
    if order is None or order.startswith("%Y") or order == guess(first):
        return month_first  # year first (ISO 8601), or a first date that reads one way only
    day_first = pd.to_datetime(raw, errors="coerce", dayfirst=True)
    if month_first.notna().all() and day_first.notna().all():
        differ = (month_first != day_first).to_numpy()
        if differ.any():
            raise AmbiguousDates(both_orders(date_col, raw[differ].head(3).tolist()))
        return month_first
    if day_first.notna().sum() > month_first.notna().sum():
        return day_first
    return month_first


def require_frame(obj: object, what: str, hint: str = "") -> pd.DataFrame:
    """Return ``obj`` if it is a DataFrame, else raise a TypeError naming ``what``."""
    if not isinstance(obj, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, got {type(obj).__name__}{hint}")
    return obj


def require_columns(
    frame: pd.DataFrame, columns: Sequence[str], what: str, fix: str | None = None
) -> None:
    """Raise a ValueError naming every missing column and the columns there are, or a column
    name that appears more than once; ``fix`` replaces the default advice (pass the right name
    with the matching ``*_col`` argument)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        advice = fix or "Pass the right name with the matching *_col argument."
        raise ValueError(
            f"{what} ({len(frame):,} rows) has no column {', '.join(map(repr, missing))}; "
            f"its columns are {list(map(str, frame.columns))}. {advice}"
        )
    counts = frame.columns.value_counts()
    doubled = [c for c in columns if counts.get(c, 0) > 1]
    if doubled:
        raise ValueError(
            f"{what} has {', '.join(f'{counts[c]} columns named {c!r}' for c in doubled)}: "
            "rename or drop the extra ones, so it is clear which to use"
        )


def require_rows(frame: pd.DataFrame, what: str) -> None:
    """Raise a ValueError if ``frame`` has no rows."""
    if frame.empty:
        raise ValueError(f"{what} is empty (0 rows): there is nothing to do")


_DECIMAL_COMMA = r"^\s*[-+]?(?:\d{1,3}(?:[.\s\u00a0]\d{3})+|\d+),\d+\b"


def number_advice(values: pd.Series) -> str:
    """What to do about text that is not numbers: a decimal comma ("12,50", "1.112,25 EUR")
    is read with ``decimal=","``; units and currency signs come off first.

    >>> number_advice(pd.Series(["12,50", "1.112,25 EUR"]))[:47]
    'They look like numbers with a decimal comma: re'
    >>> number_advice(pd.Series(["$12", "n/a"]))
    'Remove units or currency signs first.'
    """
    text = values.dropna().astype(str)
    if len(text) and text.str.contains(_DECIMAL_COMMA, regex=True).mean() > 0.5:
        return (
            'They look like numbers with a decimal comma: read the file with decimal="," '
            '(pandas), --decimal , (research), DECIMAL="," (the notebooks).'
        )
    return "Remove units or currency signs first."


def numeric_values(frame: pd.DataFrame, col: str, what: str) -> np.ndarray:
    """The column as float64, with a clear error for non-numeric, missing or infinite values."""
    series = frame[col]
    if pd.api.types.is_bool_dtype(series.dtype) or not pd.api.types.is_numeric_dtype(series.dtype):
        examples = series.dropna().head(3).tolist()
        advice = "" if pd.api.types.is_bool_dtype(series.dtype) else " " + number_advice(series)
        raise TypeError(
            f"column {col!r} of {what} must be numeric, got dtype {series.dtype} (values such "
            f"as {examples}).{advice}"
        )
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(values)
    if bad.any():
        raise ValueError(
            f"column {col!r} of {what} has {int(bad.sum()):,} missing or infinite values of "
            f"{len(frame):,} rows (rows {rows_repr(frame.index[bad])})"
        )
    return values


def nonnegative_values(frame: pd.DataFrame, col: str, what: str, why: str = "") -> np.ndarray:
    """:func:`numeric_values`, also refusing negative values (``why`` is added to the error)."""
    values = numeric_values(frame, col, what)
    neg = values < 0
    if neg.any():
        raise ValueError(
            f"column {col!r} of {what} has {int(neg.sum()):,} negative values (rows "
            f"{rows_repr(frame.index[neg])})" + (f"; {why}" if why else "")
        )
    return values


# --------------------------------------------------------------------------------------------
# parameters (in the spirit of scikit-learn's Interval / StrOptions): each returns the value,
# converted, or raises an error that names the parameter and what it takes
# --------------------------------------------------------------------------------------------


def _is_real(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def check_ci(ci: object, name: str = "ci") -> float:
    """An interval level strictly between 0 and 1 (0.95 for a 95% interval), as a float.

    >>> check_ci(0.9)
    0.9
    """
    if not (_is_real(ci) and 0 < float(ci) < 1):  # type: ignore[arg-type]
        raise ValueError(f"{name} must be between 0 and 1 (exclusive), e.g. 0.95; got {ci!r}")
    return float(ci)  # type: ignore[arg-type]


def check_share(
    value: object, name: str, *, low_open: bool = True, high_open: bool = True
) -> float:
    """A share between 0 and 1 (each end excluded unless ``low_open`` / ``high_open`` is
    False), as a float."""
    ok = _is_real(value) and math.isfinite(float(value))  # type: ignore[arg-type]
    if ok:
        v = float(value)  # type: ignore[arg-type]
        ok = (v > 0 if low_open else v >= 0) and (v < 1 if high_open else v <= 1)
    if not ok:
        interval = f"{'(' if low_open else '['}0, 1{')' if high_open else ']'}"
        raise ValueError(f"{name} must be a share in {interval}, got {value!r}")
    return float(value)  # type: ignore[arg-type]


def check_int(value: object, name: str, minimum: int = 1) -> int:
    """A whole number (not a bool) of at least ``minimum``, as an int."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_number(value: object, name: str, *, minimum: float | None = None) -> float:
    """A finite number (not a bool), at least ``minimum`` when given, as a float."""
    ok = _is_real(value) and math.isfinite(float(value))  # type: ignore[arg-type]
    if not ok or (minimum is not None and float(value) < minimum):  # type: ignore[arg-type]
        bound = "" if minimum is None else f" >= {minimum:g}"
        raise ValueError(f"{name} must be a finite number{bound}, got {value!r}")
    return float(value)  # type: ignore[arg-type]


def check_option(value: object, name: str, options: Sequence[object]) -> object:
    """One of ``options``, else a ValueError listing them."""
    if isinstance(value, list | dict | set) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}")
    return value


# the words a binary outcome may be written in (any case): one rule for the whole package
_TRUE_WORDS = frozenset({"yes", "true", "1", "won", "y"})
_FALSE_WORDS = frozenset({"no", "false", "0", "lost", "n"})


def binary_values(values: pd.Series, what: str) -> np.ndarray:
    """Binary outcomes as a bool array: bool, 0/1, or yes/no words (``yes``/``no``,
    ``true``/``false``, ``won``/``lost``, ``y``/``n``, any case); anything else, missing values
    included, is a ValueError that begins with ``what`` (e.g. "column 'won' of leads").

    >>> binary_values(pd.Series(["Won", "lost", "won"]), "column 'status'").tolist()
    [True, False, True]
    """
    if values.isna().any():
        bad = values.isna().to_numpy()
        raise ValueError(
            f"{what} has {int(bad.sum()):,} missing values of {len(values):,} rows (rows "
            f"{rows_repr(values.index[bad])}): an outcome must be known for every row"
        )
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return values.to_numpy(dtype=bool)
    levels = pd.unique(values.to_numpy(dtype=object))
    if pd.api.types.is_numeric_dtype(dtype) and set(levels) <= {0, 1}:
        return values.to_numpy(dtype=np.float64) == 1
    words = {str(v).strip().lower() for v in levels}
    if words <= _TRUE_WORDS | _FALSE_WORDS and not (
        words & _TRUE_WORDS and words & _FALSE_WORDS and len(words) > 2
    ):
        return np.array([str(v).strip().lower() in _TRUE_WORDS for v in values], dtype=bool)
    shown = ", ".join(map(repr, levels[:5])) + (" ..." if len(levels) > 5 else "")
    raise ValueError(
        f"{what} must be binary (bool, 0/1 or yes/no), but it has {len(levels):,} distinct "
        f"values ({shown}) of dtype {dtype}: pass a boolean such as (status == 'won')"
    )
