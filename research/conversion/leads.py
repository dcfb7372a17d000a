"""A lead file as the scorer needs it: the user's target, time order, id and post-outcome
columns, named by the user and checked once, at the boundary.

:func:`prepare_leads` takes the table as exported (any column names, a yes/no or won/lost
target, dates written as text) and returns :class:`Leads`: the candidate model inputs in time
order, the outcomes as booleans, and the ids and times set aside. The notebook and the
``research score`` command both read a lead file through it, so they accept the same files and
refuse the same mistakes with the same errors.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research._validation import (
    binary_values,
    require_columns,
    require_frame,
    require_rows,
    rows_repr,
)

__all__ = ["Leads", "prepare_leads"]

#: How each argument of :func:`prepare_leads` is named in its errors unless ``names`` says
#: otherwise (the notebook passes its parameters, the command line its options).
ARGUMENT_NAMES: dict[str, str] = {
    "target_col": "target_col",
    "time_col": "time_col",
    "id_col": "id_col",
    "post_outcome": "post_outcome",
    "date_format": "date_format",
}


@dataclass(frozen=True, eq=False, repr=False)
class Leads:
    """A lead file ready for scoring: the result of :func:`prepare_leads`.

    Attributes
    ----------
    X : pandas.DataFrame
        The candidate model inputs, one row per lead **in time order** (sorted by the time
        column, ties and a file without one in row order), indexed by the lead's row label in
        the frame given (for a file read by pandas, its position: 0 for the first). The
        target, time and id columns are not in it; the post-outcome columns are
        (:class:`LeadScorer` leaves them out when given ``post_outcome=post_outcome``).
    y : pandas.Series or None
        Whether each lead converted (bool), indexed like ``X``; None without a target.
    ids : pandas.Series or None
        The id column, indexed like ``X``; None without one.
    times : pandas.Series or None
        The time column as read (datetimes or numbers), indexed like ``X``; None when the row
        order is the time order.
    target_col, time_col, id_col : str or None
        The columns given.
    post_outcome : tuple of str
        The columns known only after the outcome (every one is a column of the file).
    numbers_from_text : tuple of str
        The columns of amounts written as text (``"$3,594,857"``, ``"1,200.50 EUR"``) that
        were read as numbers, so that the model sees their size, not each value as a
        category of its own.
    """

    X: pd.DataFrame
    y: pd.Series | None
    ids: pd.Series | None
    times: pd.Series | None
    target_col: str | None
    time_col: str | None
    id_col: str | None
    post_outcome: tuple[str, ...]
    numbers_from_text: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        """Number of leads."""
        return len(self.X)

    @property
    def n_converted(self) -> int | None:
        """Leads that converted (None without a target)."""
        return None if self.y is None else int(self.y.sum())

    @property
    def inputs(self) -> list[str]:
        """The candidate model inputs: the columns of ``X`` that are not post-outcome."""
        return [c for c in self.X.columns if c not in self.post_outcome]

    def __repr__(self) -> str:
        converted = "" if self.y is None else f", {self.n_converted:,} converted"
        order = f"by {self.time_col!r}" if self.time_col else "in row order"
        return (
            f"Leads({self.n:,} leads{converted}, {order}; inputs {self.inputs}; post-outcome "
            f"{list(self.post_outcome)})"
        )


def prepare_leads(
    frame: pd.DataFrame,
    *,
    target_col: str | None,
    time_col: str | None = None,
    id_col: str | None = None,
    post_outcome: Sequence[str] = (),
    date_format: str | None = None,
    what: str = "the lead file",
    names: Mapping[str, str] | None = None,
) -> Leads:
    """Check a lead export and put it in time order, ready for :class:`LeadScorer`.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per lead, with the export's own column names. Not modified; its row labels
        stay with the leads (a file read by pandas: the row's position, 0 for the first).
    target_col : str or None
        Whether each lead converted: bool, 0/1, or yes/no words (``yes``/``no``,
        ``true``/``false``, ``won``/``lost``, ``y``/``n``, any case), known for every lead,
        with both outcomes present. None for new leads to score with a fitted scorer.
    time_col : str, optional
        When each lead came in: datetimes, numbers (an epoch or a sequence number), or dates
        as text. The leads are sorted by it (ties keep their row order). None: the row order
        of the file is its time order.
    id_col : str, optional
        The lead's id: set aside (in ``ids``), never a model input.
    post_outcome : sequence of str, default ()
        Columns known only after the outcome (a call's duration, a deal amount). Each must be
        a column of the file: a misspelt name would leave a leak in the model.
    date_format : str, optional
        How the time column's text dates are written, e.g. ``"%d/%m/%Y"``. Default: ISO 8601
        dates, else the one reading (month first or day first) under which every date is
        valid; dates that read both ways with different results are an error asking for it.
    what : str, default "the lead file"
        How the errors name the table (e.g. the file's name).
    names : mapping of str to str, optional
        How the errors name each argument (``target_col``, ``time_col``, ``id_col``,
        ``post_outcome``, ``date_format``), e.g. ``{"target_col": "TARGET_COL"}`` in a
        notebook or ``{"target_col": "--target"}`` on the command line.

    Returns
    -------
    Leads
        ``X`` (candidate inputs in time order), ``y`` (bool), ``ids``, ``times`` and the
        column names.

    Raises
    ------
    ValueError
        A named column is missing (the error names it, the file's columns and the argument
        to set), the target is not binary, has missing values or one class only, the time
        column has missing or unreadable values, or one column is given two roles.
    TypeError
        ``frame`` is not a DataFrame, or ``post_outcome`` is a single string.

    Examples
    --------
    >>> raw = pd.DataFrame({"Lead": ["a", "b", "c", "d"], "Created": ["13/01/2024",
    ...     "02/01/2024", "20/01/2024", "05/01/2024"], "Source": ["web", "ads", "web", "ads"],
    ...     "Won": ["Yes", "No", "No", "Yes"]})
    >>> leads = prepare_leads(raw, target_col="Won", time_col="Created", id_col="Lead")
    >>> leads.ids.tolist(), leads.y.tolist(), list(leads.X.columns)
    (['b', 'd', 'a', 'c'], [False, True, True, False], ['Source'])
    """
    label = {**ARGUMENT_NAMES, **(names or {})}
    frame = require_frame(frame, what)
    require_rows(frame, what)
    post = _post_outcome(frame, post_outcome, what, label)
    roles = {"target_col": target_col, "time_col": time_col, "id_col": id_col}
    _check_roles(roles, post, label)
    for role, col in roles.items():
        if col is not None:
            require_columns(frame, [col], what, fix=_FIXES[role].format(arg=label[role]))
    y = None
    if target_col is not None:
        y = pd.Series(
            _outcomes(frame[target_col], f"column {target_col!r} ({label['target_col']})"),
            index=frame.index,
            name=target_col,
        )
    times = None
    order = np.arange(len(frame))
    if time_col is not None:
        what_time = f"column {time_col!r} ({label['time_col']})"
        times = _times(frame[time_col], what_time, date_format, label["date_format"])
        order = np.argsort(times.to_numpy(), kind="stable")
    X = frame.drop(columns=[c for c in roles.values() if c is not None])
    X, from_text = _amounts_as_numbers(X.iloc[order])

    def arranged(series: pd.Series | None) -> pd.Series | None:
        return None if series is None else series.iloc[order].set_axis(X.index)

    return Leads(
        X=X,
        y=arranged(y),
        ids=arranged(frame[id_col] if id_col is not None else None),
        times=arranged(times),
        target_col=target_col,
        time_col=time_col,
        id_col=id_col,
        post_outcome=post,
        numbers_from_text=from_text,
    )


# an amount written as text: a sign, a currency sign or code, digits with thousands commas, a
# decimal point ("$3,594,857", "-1,200.50 EUR", "€ 40"); "1,500" is read as fifteen hundred
_CODES = "USD|EUR|GBP|JPY|KRW|CNY|CHF|CAD|AUD|SEK|NOK|DKK|INR|BRL|MXN"
_AMOUNT = re.compile(
    rf"^\s*(?:(?:{_CODES})\s*)?[-+]?\s*[$€£¥₩]?\s*[-+]?(?:\d{{1,3}}(?:,\d{{3}})+|\d+)"
    rf"(?:\.\d+)?\s*(?:{_CODES})?\s*$"
)
_MARKS = re.compile(rf"[$€£¥₩,]|{_CODES}")
_CURRENCY = re.compile(rf"[$€£¥₩]|{_CODES}")


def _amounts_as_numbers(X: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Text columns whose every value is an amount with a currency sign or thousands commas,
    all in one currency, read as numbers (missing values stay missing); the names of those
    columns."""
    converted = []
    for col in X.columns:
        values = X[col]
        if not (
            pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype)
        ):
            continue
        text = values.dropna().astype(str)
        if text.empty or not text.str.match(_AMOUNT).all() or not text.str.contains(_MARKS).any():
            continue
        currencies = set(text.str.findall(_CURRENCY).explode().dropna())
        if len(currencies) > 1:  # "100 USD" beside "100 EUR": not one scale, left as text
            continue
        digits = values.astype("string").str.replace(r"[^0-9.+-]", "", regex=True)
        numbers = pd.to_numeric(digits, errors="coerce").astype("float64")
        if (numbers.isna() & values.notna()).any():  # "-$-5": matched, yet not a number
            continue
        X = X.assign(**{col: numbers})
        converted.append(col)
    return X, tuple(converted)


_FIXES = {
    "target_col": "Set {arg} to the column that says whether each lead converted.",
    "time_col": "Set {arg} to the column of when each lead came in, or to None to take the "
    "file's row order as its time order.",
    "id_col": "Set {arg} to the leads' id column, or to None.",
}


def _post_outcome(
    frame: pd.DataFrame, post_outcome: object, what: str, label: Mapping[str, str]
) -> tuple[str, ...]:
    if isinstance(post_outcome, str):
        raise TypeError(
            f"{label['post_outcome']} must be a list of column names, got the string "
            f"{post_outcome!r} (write [{post_outcome!r}])"
        )
    post = tuple(dict.fromkeys(post_outcome or ()))  # type: ignore[call-overload]
    missing = [c for c in post if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{what} ({len(frame):,} rows) has no column {', '.join(map(repr, missing))}, "
            f"named in {label['post_outcome']} (columns known only after the outcome); its "
            f"columns are {list(map(str, frame.columns))}. List only columns of the file "
            f"there ([] for none)."
        )
    return post


def _check_roles(
    roles: Mapping[str, str | None], post: tuple[str, ...], label: Mapping[str, str]
) -> None:
    given = [(label[role], col) for role, col in roles.items() if col is not None]
    given += [(label["post_outcome"], col) for col in post]
    seen: dict[object, str] = {}
    for arg, col in given:
        if col in seen:
            raise ValueError(
                f"column {col!r} is given as both {seen[col]} and {arg}: one column, one role"
            )
        seen[col] = arg


def _outcomes(values: pd.Series, what: str) -> np.ndarray:
    levels = pd.unique(values.dropna().to_numpy(dtype=object))
    words = {str(v).strip().lower() for v in levels}  # "Yes" and "YES" are one value
    if len(words) > 2:
        shown = ", ".join(map(repr, levels[:5])) + (" ..." if len(levels) > 5 else "")
        raise ValueError(
            f"{what} must be binary, saying whether each lead converted in two values (such as "
            f"Yes/No, Won/Lost, true/false or 1/0), but it has {len(words):,} distinct values "
            f"({shown}): name a yes/no column, or recode this one (and leave out the leads "
            "still open)"
        )
    out = binary_values(values, what)
    if out.all() or not out.any():
        raise ValueError(
            f"{what} has one outcome only (all {len(out):,} leads "
            f"{'converted' if out.all() else 'did not convert'}): a score needs both converted "
            "and not-converted leads"
        )
    return out


def _times(raw: pd.Series, what: str, date_format: str | None, format_arg: str) -> pd.Series:
    """The time column as datetimes or numbers, or a clear error."""
    if raw.isna().any():
        bad = raw.index[raw.isna().to_numpy()]
        raise ValueError(
            f"{what} has {len(bad):,} missing values of {len(raw):,} rows (rows "
            f"{rows_repr(bad)}): the time order of those leads is unknown"
        )
    dtype = raw.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype) or (
        pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    ):
        return raw
    text = raw.astype(str)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "could not infer format", "dayfirst"
        if date_format is not None:
            tries = {
                f"as {date_format!r}": pd.to_datetime(text, errors="coerce", format=date_format)
            }
        else:
            tries = {
                "as ISO 8601 dates": pd.to_datetime(text, errors="coerce", format="ISO8601"),
                "month first": pd.to_datetime(text, errors="coerce"),
                "day first": pd.to_datetime(text, errors="coerce", dayfirst=True),
            }
    complete = {how: parsed for how, parsed in tries.items() if parsed.notna().all()}
    if date_format is None and "as ISO 8601 dates" in complete:
        return complete["as ISO 8601 dates"]
    if len(complete) == 2 and not complete["month first"].equals(complete["day first"]):
        differ = (complete["month first"] != complete["day first"]).to_numpy()
        raise ValueError(
            f"{what} has dates that read both month first and day first (such as "
            f"{text[differ].head(3).tolist()}): set {format_arg} to say how they are "
            "written, e.g. '%d/%m/%Y'"
        )
    if complete:
        return next(iter(complete.values()))
    best = max(tries.values(), key=lambda parsed: int(parsed.notna().sum()))
    bad = best.isna().to_numpy()
    raise ValueError(
        f"{what} has {int(bad.sum()):,} of {len(raw):,} values that cannot be read as dates "
        f"(rows {rows_repr(raw.index[bad])}; values such as {text[bad].head(5).tolist()}): fix "
        f"them, or set {format_arg} to say how the dates are written (e.g. '%d/%m/%Y %H:%M')"
    )
