"""What the funnel modules share: checks of a lead export (stages reached and in order, unique
ids, 0/1 outcomes, response times), the logistic model's odds ratios, and the caveat of the
observational models. Private: the public functions call the checks at their boundary."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from research._validation import binary_values, rows_repr

__all__: list[str] = []

OBSERVATIONAL_CAVEAT = (
    "Observational: leads were not randomly assigned to fast or slow responses, so faster "
    "answers may have gone to leads that looked better. The model adjusts only for the controls "
    "listed; read the odds ratio as an association, and test it (e.g. randomise response order "
    "for a month) before promising it as an effect."
)


def _reached(frame: pd.DataFrame, col: str) -> np.ndarray:
    """Whether each row reached a stage column (a timestamp that is set, or True).

    In a text column an empty or blank string means "never reached", as spreadsheets export it.
    """
    values = frame[col]
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.fillna(False).to_numpy(dtype=bool)
    if _is_text(values):
        return _blank_as_missing(values).notna().to_numpy()
    return values.notna().to_numpy()


def _is_text(values: pd.Series) -> bool:
    return values.dtype == object or isinstance(values.dtype, pd.StringDtype)


def _blank_as_missing(values: pd.Series) -> pd.Series:
    """A text column with its empty and blank strings as missing ("never reached")."""
    return values.astype("string").str.strip().replace("", pd.NA)


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


def _stage_times(values: pd.Series) -> pd.Series | None:
    """A stage column as timestamps, when it holds them (as datetimes, or as text that reads as
    dates throughout, blanks being "never reached"); None for flags and other text."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values
    if not _is_text(values):
        return None
    text = _blank_as_missing(values)
    if text.isna().all():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "could not infer format"
        parsed = pd.to_datetime(text, errors="coerce", format="mixed")
    return parsed if (parsed.notna() == text.notna()).all() else None


def _stage_checks(frame: pd.DataFrame, stages: Sequence[str], *, times: bool = True) -> None:
    for earlier, later in itertools.pairwise(stages):
        skipped = _reached(frame, later) & ~_reached(frame, earlier)
        if skipped.any():
            raise ValueError(
                f"{int(skipped.sum()):,} rows reached stage {later!r} without stage {earlier!r} "
                f"(rows {rows_repr(frame.index[skipped])}): stages out of order. Fix the export, "
                "or fill the earlier stage (a lead that became an SQL was an MQL)"
            )
        a, b = _stage_times(frame[earlier]), _stage_times(frame[later])
        if times and a is not None and b is not None:
            back = (b < a).to_numpy()
            if back.any():
                raise ValueError(
                    f"{int(back.sum()):,} rows have {later!r} before {earlier!r} (rows "
                    f"{rows_repr(frame.index[back])}): timestamps run backwards. Fix them, or "
                    "pass check_order=False to count stages regardless of their times"
                )


def _binary_outcome(frame: pd.DataFrame, col: str, what: str) -> np.ndarray:
    """An outcome column as 0/1 integers (bool, 0/1 or yes/no words; an error for anything
    else, missing values included)."""
    return binary_values(frame[col], f"column {col!r} of {what}").astype(int)
