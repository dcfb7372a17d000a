"""The message log: its columns, validation and escaping.

* :func:`validate_messages` checks a message log (one row per message).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd

from research._validation import require_columns, require_frame, require_rows, rows_repr
from research.messages.text import detect_languages

__all__ = [
    "validate_messages",
    "escape",
]

TEAMS = ("marketing", "sales")


def escape(values: pd.Series | str) -> pd.Series | str:
    """HTML-escape message text for a report, so ``<script>`` shows as text and never runs."""
    if isinstance(values, str):
        return html.escape(values)
    return values.astype("string").map(html.escape, na_action="ignore")


def validate_messages(
    messages: pd.DataFrame,
    *,
    lead_col: str = "lead_id",
    team_col: str = "team",
    text_col: str = "text",
    language_col: str | None = "language",
    teams: Sequence[str] = TEAMS,
) -> pd.DataFrame:
    """Check a message log and return a copy with a ``language`` column.

    Parameters
    ----------
    messages : pandas.DataFrame
        One row per message with at least a lead id, a team and a text.
    lead_col, team_col, text_col : str
        Column names.
    language_col : str or None, default "language"
        Language column; missing (or ``None``) languages are detected from the script.
    teams : sequence of str
        The allowed team labels.

    Returns
    -------
    pandas.DataFrame
        A copy with ``language`` filled in.

    Raises
    ------
    ValueError
        A missing column, an empty log, empty or non-string texts, or unknown team labels;
        each error names the rows.
    """
    frame = require_frame(messages, "messages")
    require_columns(frame, [lead_col, team_col, text_col], "messages")
    require_rows(frame, "messages")
    text = frame[text_col]
    not_str = ~text.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if not_str.any():
        raise ValueError(
            f"column {text_col!r} has {int(not_str.sum()):,} values that are not text (rows "
            f"{rows_repr(frame.index[not_str])}), e.g. {text[not_str].head(3).tolist()}"
        )
    empty = text.str.strip().eq("").to_numpy(dtype=bool)
    if empty.any():
        raise ValueError(
            f"column {text_col!r} has {int(empty.sum()):,} empty texts (rows "
            f"{rows_repr(frame.index[empty])}): drop them, an empty message says nothing"
        )
    unknown = ~frame[team_col].isin(teams).to_numpy()
    if unknown.any():
        labels = sorted(map(str, pd.unique(frame.loc[unknown, team_col])))
        raise ValueError(
            f"column {team_col!r} has {int(unknown.sum()):,} rows with unknown teams {labels} "
            f"(rows {rows_repr(frame.index[unknown])}); expected one of {list(teams)}"
        )
    out = frame.copy()
    if language_col and language_col in out:
        missing = out[language_col].isna()
        if missing.any():
            out.loc[missing, language_col] = detect_languages(text[missing])
        if language_col != "language":
            out["language"] = out[language_col]
    else:
        out["language"] = detect_languages(text)
    return out
