"""Input checks shared by the modules: clear errors that name the column, the rows and the fix."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def rows_repr(labels: pd.Index, limit: int = 10) -> str:
    """The first ``limit`` row labels, and how many more there are."""
    shown = ", ".join(map(repr, labels[:limit].tolist()))
    more = f" and {len(labels) - limit:,} more" if len(labels) > limit else ""
    return f"{shown}{more}"


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


def numeric_values(frame: pd.DataFrame, col: str, what: str) -> np.ndarray:
    """The column as float64, with a clear error for non-numeric, missing or infinite values."""
    series = frame[col]
    if pd.api.types.is_bool_dtype(series.dtype) or not pd.api.types.is_numeric_dtype(series.dtype):
        raise TypeError(f"column {col!r} of {what} must be numeric, got dtype {series.dtype}")
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
