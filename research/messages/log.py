"""The message log: its columns, validation and escaping.

* :func:`validate_messages` checks a message log (one row per message) once and returns a
  :class:`MessageLog`, which the analyses take as it is, without checking it again.
* :func:`escape` makes message text safe to show in an HTML report.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace

import pandas as pd

from research._columns import LANGUAGE_COL, LEAD_COL, TEAM_COL, TEXT_COL
from research._results import FrozenMapping, Result
from research._validation import require_columns, require_frame, require_rows, rows_repr
from research.messages.text import detect_languages

__all__ = [
    "MessageLog",
    "validate_messages",
    "escape",
]

#: The two teams' roles, in the order of ``teams``: the first label is marketing's, the second
#: sales'. The analyses name their columns by role (``n_marketing``, ``sales_share``, ...).
TEAMS = ("marketing", "sales")

_FIX = (
    "Pass the right names to validate_messages (lead_col=, team_col=, text_col=, "
    "language_col=) and give its MessageLog to the analysis."
)


def escape(values: pd.Series | str) -> pd.Series | str:
    """HTML-escape message text for a report, so ``<script>`` shows as text and never runs.

    Examples
    --------
    >>> escape("<b>50% off</b>")
    '&lt;b&gt;50% off&lt;/b&gt;'
    """
    if isinstance(values, str):
        return html.escape(values)
    return values.astype("string").map(html.escape, na_action="ignore")


@dataclass(frozen=True, eq=False, repr=False)
class MessageLog(Result):
    """A checked message log: the result of :func:`validate_messages`.

    The analyses that read messages (:func:`~research.messages.alignment`,
    :func:`~research.messages.claim_coverage`, :func:`~research.messages.echo_share`,
    :func:`~research.messages.tracker_rates`) take a MessageLog as it is, so a log is checked
    once however many analyses read it; they read its columns by the names it holds, and its
    teams by their labels. ``of_team`` (one team's messages) and ``join`` (columns per lead,
    e.g. the rep) give a narrower or wider log that is still checked.

    Attributes
    ----------
    table : pandas.DataFrame
        A copy of the log, one row per message, with every message's language in
        ``language_col`` (given, or detected from the script where missing or blank).
    lead_col, team_col, text_col, language_col : str
        The columns of the lead id, the team, the text and the language.
    teams : tuple of str
        The two team labels, marketing's then sales' (default ``("marketing", "sales")``).
    detected : mapping of str to int
        How many messages had their language detected from the script at validation (the
        language column absent, or missing or blank there), per language; empty when every
        message came with its language.
    """

    table: pd.DataFrame
    lead_col: str = LEAD_COL
    team_col: str = TEAM_COL
    text_col: str = TEXT_COL
    language_col: str = LANGUAGE_COL
    teams: tuple[str, ...] = TEAMS
    detected: Mapping[str, int] = field(default_factory=FrozenMapping)

    @property
    def n(self) -> int:
        """Number of messages."""
        return len(self.table)

    @property
    def n_leads(self) -> int:
        """Number of leads that received a message."""
        return int(self.table[self.lead_col].nunique())

    def counts(self) -> pd.DataFrame:
        """Messages per language (rows) and team (columns)."""
        frame = self.table
        counts = frame.groupby([self.language_col, self.team_col]).size().unstack(fill_value=0)
        return counts.rename_axis(index="language", columns="team")

    def of_team(self, team: str) -> MessageLog:
        """The messages of one team (one of ``teams``), still a checked log.

        Examples
        --------
        >>> log = validate_messages(pd.DataFrame({"lead_id": [1, 1], "team": ["marketing",
        ...                                       "sales"], "text": ["Fast setup", "A discount?"]}))
        >>> log.of_team("sales").table["text"].tolist()
        ['A discount?']
        """
        if team not in self.teams:
            raise ValueError(f"team must be one of {list(self.teams)}, got {team!r}")
        rows = (self.table[self.team_col] == team).to_numpy()
        if not rows.any():
            raise ValueError(f"the log has no message of team {team!r}")
        return replace(self, table=self.table[rows].copy())

    def join(self, columns: pd.DataFrame | pd.Series) -> MessageLog:
        """The log with columns per lead (e.g. each lead's rep) joined on the lead id, still a
        checked log: ``tracker_rates(log.join(reps), by="sdr_id")`` groups by them.

        Parameters
        ----------
        columns : pandas.DataFrame or pandas.Series
            Indexed by lead id, one row per lead (a Series needs a name: the new column's).
            Leads it lacks get missing values.
        """
        if isinstance(columns, pd.Series):
            if columns.name is None:
                raise ValueError("columns is a Series without a name: name it (the new column)")
            columns = columns.to_frame()
        if not isinstance(columns, pd.DataFrame):
            raise TypeError(
                "columns must be a pandas DataFrame or a named Series, indexed by lead id, got "
                f"{type(columns).__name__}"
            )
        frame = columns
        clash = [c for c in frame.columns if c in self.table.columns]
        if clash:
            raise ValueError(
                f"the log already has a column {', '.join(map(repr, clash))}: rename or drop it "
                "before joining"
            )
        if not frame.index.is_unique:
            doubled = frame.index[frame.index.duplicated()].unique()
            raise ValueError(
                f"columns must have one row per lead (its index, the lead id); "
                f"{len(doubled):,} leads have more, e.g. {rows_repr(doubled, 5)}"
            )
        return replace(self, table=self.table.join(frame, on=self.lead_col))

    def _caption(self) -> str:
        per_team = self.table[self.team_col].value_counts()
        teams = ", ".join(f"{int(per_team.get(t, 0)):,} {t}" for t in self.teams)
        return f"Message log: {self.n:,} messages to {self.n_leads:,} leads ({teams})"


def validate_messages(
    messages: pd.DataFrame,
    *,
    lead_col: str = LEAD_COL,
    team_col: str = TEAM_COL,
    text_col: str = TEXT_COL,
    language_col: str | None = LANGUAGE_COL,
    teams: Sequence[str] = TEAMS,
) -> MessageLog:
    """Check a message log once, for every analysis that reads it.

    Parameters
    ----------
    messages : pandas.DataFrame
        One row per message with at least a lead id, a team and a text. Not modified.
    lead_col, team_col, text_col : str
        Column names.
    language_col : str or None, default "language"
        Language column; missing or blank languages (or all, when the column is absent or
        ``None``) are detected from the script and written to it (to ``"language"`` for
        ``None``); the log's ``detected`` counts them per language.
    teams : sequence of two str, default ("marketing", "sales")
        The two team labels, marketing's then sales': every analysis reads the teams by these
        labels and names its columns by role (``n_marketing``, ``sales_share``).

    Returns
    -------
    MessageLog
        The checked log (a copy, languages filled in) and the names of its columns.

    Raises
    ------
    TypeError
        ``messages`` is not a DataFrame.
    ValueError
        A missing column, an empty log, empty or non-string texts, or unknown team labels
        (each error names the rows); ``teams`` not two different labels.

    Examples
    --------
    >>> log = validate_messages(pd.DataFrame({"lead_id": [1, 1], "team": ["marketing", "sales"],
    ...                                       "text": ["Fast setup", "연동됩니다"]}))
    >>> log.table["language"].tolist(), log.n_leads, dict(log.detected)
    (['en', 'ko'], 1, {'en': 1, 'ko': 1})
    """
    frame = require_frame(messages, "messages")
    teams = _check_teams(teams)
    require_columns(frame, [lead_col, team_col, text_col], "messages", fix=_FIX)
    require_rows(frame, "messages")
    _check_texts(frame, text_col)
    unknown = ~frame[team_col].isin(teams).to_numpy()
    if unknown.any():
        labels = sorted(map(str, pd.unique(frame.loc[unknown, team_col])))
        raise ValueError(
            f"column {team_col!r} has {int(unknown.sum()):,} rows with unknown teams {labels} "
            f"(rows {rows_repr(frame.index[unknown])}); expected one of {list(teams)}"
        )
    out = frame.copy()
    text = frame[text_col]
    language = language_col or LANGUAGE_COL
    if language_col and language_col in out:
        given = out[language_col]
        blank = given.map(lambda v: isinstance(v, str) and not v.strip())
        missing = given.isna().to_numpy() | blank.to_numpy(dtype=bool)
        detected = detect_languages(text[missing])
        if missing.any():
            # written through an object array: an empty column read from a CSV is float64
            values = given.to_numpy(dtype=object, copy=True)
            values[missing] = detected.to_numpy(dtype=object)
            out[language_col] = pd.Series(values, index=out.index, name=language_col).astype(str)
    else:
        detected = detect_languages(text)
        out[language] = detected
    counts = detected.value_counts().sort_index()
    return MessageLog(
        out,
        lead_col,
        team_col,
        text_col,
        language,
        teams,
        FrozenMapping({str(k): int(v) for k, v in counts.items()}),
    )


def _check_teams(teams: object) -> tuple[str, str]:
    """Two different team labels, marketing's then sales'."""
    if isinstance(teams, str | bytes | Set | Mapping) or not isinstance(teams, Iterable):
        raise TypeError(
            "teams must be a sequence of two labels, marketing's then sales' (e.g. "
            f"('marketing', 'sales')), got {teams!r}"
        )
    labels = tuple(teams)
    if len(labels) != 2:
        raise ValueError(
            f"teams must be two labels, marketing's then sales', got {labels!r} "
            f"({len(labels)} labels)"
        )
    if labels[0] == labels[1]:
        raise ValueError(f"teams must be two different labels, got {labels!r}")
    return labels  # type: ignore[return-value]


def _team_roles(log: MessageLog) -> dict[object, str]:
    """Each team label of the log -> its role (``"marketing"``, ``"sales"``)."""
    labels = _check_teams(log.teams)
    return dict(zip(labels, TEAMS, strict=True))


def _check_texts(frame: pd.DataFrame, text_col: str) -> None:
    """Every text a non-empty string, else an error naming the rows."""
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


def _message_log(messages: pd.DataFrame | MessageLog, **columns: object) -> MessageLog:
    """A MessageLog as it is; a DataFrame checked by :func:`validate_messages` (with the
    ``columns`` given, else the default column names)."""
    if isinstance(messages, MessageLog):
        return messages
    if not isinstance(messages, pd.DataFrame):
        raise TypeError(
            "messages must be a pandas DataFrame or a MessageLog (from validate_messages), got "
            f"{type(messages).__name__}"
        )
    return validate_messages(messages, **columns)  # type: ignore[arg-type]
