"""The tracker counts of a message log on a lazy engine (polars, DuckDB, Spark).

:func:`research.messages.tracker_rates` counts, per team or rep, the messages that mention
each tracker: case-insensitive substring matches, in each message's own language. Those are
expressions every engine has, so on a table of another engine the log is checked there (texts
set and not blank, teams known) with :func:`research.messages.validate_messages`'s rules, each
message's language is the log's where given and told from its script where not (the classes of
:func:`research.messages.text.detect_languages`, which RE2, Rust's and Java's regex engines
read as Python's ``re`` does), and only the counts per group come back. The pandas path is the
reference: tests check that both give the same table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import narwhals as nw
import pandas as pd

from research.engines import to_lazy
from research.engines._exprs import collect, is_blank, plain_columns, require_columns_lazy
from research.messages.text import _SCRIPTS

__all__: list[str] = []


def _language(schema: nw.Schema, language_col: str | None) -> nw.Expr:
    """Each message's language: the log's where it is set and not blank, else its script's
    (Hangul Korean, else kana Japanese, else Han Chinese, else Latin English, else "other")."""
    detected: nw.Expr = nw.lit("other")
    for lang, cls in reversed(_SCRIPTS):
        detected = (
            nw.when(nw.col("__text").str.contains(cls)).then(nw.lit(lang)).otherwise(detected)
        )
    if language_col is None or language_col not in schema.names():
        return detected
    given = nw.col(language_col).cast(nw.String)
    missing = given.is_null() | is_blank(given)
    return nw.when(missing).then(detected).otherwise(given)


def _mentions(keywords: Sequence[str]) -> nw.Expr:
    """Whether the lowercased text contains one of the keywords (lowercased, literally)."""
    hit: nw.Expr = nw.lit(value=False)
    for word in keywords:
        hit = hit | nw.col("__lower").str.contains(word.lower(), literal=True)
    return hit


def _tracker(trackers: Mapping[str, object], name: str) -> nw.Expr:
    """The mentions of tracker ``name`` in each message's own language (as
    :func:`research.messages.consistency._keywords_for` picks its keywords)."""
    flat = trackers.get(name, ())
    expr = _mentions(flat if not isinstance(flat, Mapping) else ())  # type: ignore[arg-type]
    for lang, table in trackers.items():
        if isinstance(table, Mapping):
            words = table.get(name, ())
            expr = nw.when(nw.col("__lang") == lang).then(_mentions(words)).otherwise(expr)
    return expr


def tracker_counts_lazy(
    source: object,
    trackers: Mapping[str, object],
    names: Sequence[str],
    *,
    by: str,
    question: str | None,
    team_col: str,
    text_col: str,
    language_col: str | None,
    teams: Sequence[str],
) -> tuple[pd.DataFrame, int]:
    """Per group of ``by``: the messages and the messages mentioning each tracker (``names``,
    then ``"question"`` when ``question`` gives its pattern), collected; and the number of
    messages. The checks of :func:`research.messages.validate_messages` run first."""
    frame, engine = to_lazy(source)
    frame, schema = plain_columns(frame, frame.collect_schema())
    need = [team_col, text_col, by]
    require_columns_lazy(list(schema.names()), list(dict.fromkeys(need)), "messages", engine)
    if schema[text_col] != nw.String:
        raise ValueError(f"column {text_col!r} must hold texts, got {schema[text_col]} values")
    text = nw.col(text_col)
    team = nw.col(team_col).cast(nw.String)
    unknown = ~team.is_in(list(teams)) | team.is_null()
    counts = collect(
        frame.select(
            nw.len().alias("rows"),
            text.is_null().cast(nw.Int64).sum().alias("missing"),
            is_blank(text).fill_null(value=False).cast(nw.Int64).sum().alias("blank"),
            unknown.cast(nw.Int64).sum().alias("unknown"),
        ),
        engine,
        "check the messages",
    ).iloc[0]
    rows = int(counts["rows"])
    if rows == 0:
        raise ValueError("messages is empty (0 rows): there is nothing to do")
    if int(counts["missing"]):
        raise ValueError(
            f"column {text_col!r} has {int(counts['missing']):,} values that are not text"
        )
    if int(counts["blank"]):
        raise ValueError(
            f"column {text_col!r} has {int(counts['blank']):,} empty texts: drop them, an empty "
            "message says nothing"
        )
    if int(counts["unknown"]):
        labels = collect(
            frame.filter(unknown)
            .select(team.cast(nw.String).alias("t"))
            .unique()
            .sort("t")
            .head(10),
            engine,
            "find the unknown teams",
        )["t"]
        raise ValueError(
            f"column {team_col!r} has {int(counts['unknown']):,} rows with unknown teams "
            f"{[str(v) for v in labels]}; expected one of {list(teams)}"
        )
    lines = frame.with_columns(__text=text).with_columns(
        __lang=_language(schema, language_col), __lower=text.str.to_lowercase()
    )
    hits = {name: _tracker(trackers, name) for name in names}
    if question is not None:
        hits["question"] = nw.col("__text").str.contains(question)
    table = (
        lines.filter(~nw.col(by).is_null())
        .group_by(by)
        .agg(
            nw.len().alias("__messages"),
            *(hit.cast(nw.Int64).sum().alias(f"__hit{i}") for i, hit in enumerate(hits.values())),
        )
        .sort(by)
    )
    wide = collect(table, engine, "count the trackers")
    long = pd.DataFrame(
        {
            by: wide[by].repeat(len(hits)).to_numpy(),
            "tracker": list(hits) * len(wide),
            "messages": wide["__messages"].repeat(len(hits)).to_numpy(dtype="int64"),
            "with": wide[[f"__hit{i}" for i in range(len(hits))]].to_numpy(dtype="int64").ravel(),
        }
    )
    return long, rows
