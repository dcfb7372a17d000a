"""``research terms``: the words that set one group of messages apart from another (Fightin'
Words), from a message log or any table with a text column and a group column."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

import pandas as pd

from research._columns import LANGUAGE_COL, TEAM_COL, TEXT_COL
from research.cli._common import (
    UserError,
    add_column,
    add_decimal,
    add_output,
    note,
    progress,
    read_table,
    require_column,
    write_table,
)

if TYPE_CHECKING:
    from research.messages import DistinctiveTerms

__all__ = ["add_parser", "run", "term_table"]

_SHOWN_LEVELS = 20  # levels listed in the error for a group column of more than two


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "terms",
        help="the words that set one group of messages apart from another",
        description="Compare the texts of two groups (marketing and sales, two campaigns, two "
        "reps, won and lost deals) word by word: the log-odds ratio of each term with an "
        "informative Dirichlet prior and its z-score (Monroe, Colaresi & Quinn 2008, "
        '"Fightin\' Words"). English words, Korean and Japanese morphemes (n-grams where no '
        "analyser is installed); each text's language is read from --language-col, or "
        "detected from its script where that column is missing or blank. Writes one row per "
        "term seen --min-count times or more, sorted by z (most distinctive of the first "
        "group first): term, count_<group> and per_1000_<group> (per 1,000 tokens) for both "
        "groups, delta (log-odds ratio), variance, z and favours (the group it leans to).",
        epilog="Example: research terms messages.csv --text-col Body --group-col Team "
        "-o terms.csv; with a group column of more levels: --groups Sales Marketing.",
    )
    parser.add_argument(
        "messages",
        metavar="MESSAGES",
        help="the table: one row per text (CSV with any separator, parquet or Excel)",
    )
    parser.add_argument(
        "--sep", default=None, metavar="SEP", help="the CSV's separator (default: sniffed)"
    )
    add_decimal(parser)
    columns = parser.add_argument_group("columns", "the file's own column names")
    add_column(columns, "text", TEXT_COL, "column of the text")
    add_column(columns, "group", TEAM_COL, "column of the group each text belongs to")
    columns.add_argument(
        "--language-col",
        default=None,
        metavar="NAME",
        help=f"column of each text's language code (en, ko, ja, ...); blanks are detected from "
        f"the script; 'none' detects every language (default: {LANGUAGE_COL!r} if the file "
        "has it, else detected)",
    )
    settings = parser.add_argument_group("comparison", "as distinctive_terms' parameters")
    settings.add_argument(
        "--groups",
        nargs=2,
        default=None,
        metavar=("A", "B"),
        help="the two groups to compare, when the group column has more than two levels; a "
        "positive z favours A (default: the column's two levels, in sorted order)",
    )
    settings.add_argument(
        "--min-count",
        type=int,
        default=5,
        metavar="N",
        help="leave out terms seen fewer times in both groups together (default: 5)",
    )
    settings.add_argument(
        "--prior-strength",
        type=float,
        default=None,
        metavar="A0",
        help="total prior count a0, positive (default: the tokens of both groups, so each "
        "term's prior count is its count in the whole corpus)",
    )
    settings.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="processes counting terms of 100,000 texts or more (default: every core)",
    )
    add_output(parser, "the term table")
    parser.set_defaults(func=run)


def _two_groups(groups: pd.Series, chosen: list[str] | None, group_col: str) -> tuple[str, str]:
    """The two groups compared: ``--groups``, else the column's two levels (sorted)."""
    counts = groups.dropna().astype(str).value_counts().sort_index()
    levels = counts.index.tolist()
    shown = ", ".join(
        f"{level!r} ({n:,} row{'' if n == 1 else 's'})"
        for level, n in counts.head(_SHOWN_LEVELS).items()
    )
    if len(levels) > _SHOWN_LEVELS:
        shown += f" and {len(levels) - _SHOWN_LEVELS:,} more"
    if chosen is None:
        if len(levels) != 2:
            raise UserError(
                f"column {group_col!r} has {len(levels):,} levels ({shown or 'none'}): "
                "terms compares two groups; pick them with --groups A B"
                + ("" if len(levels) > 2 else ", or pass the right --group-col")
            )
        return levels[0], levels[1]
    group_a, group_b = chosen
    if group_a == group_b:
        raise UserError(f"--groups needs two different groups, got {group_a!r} twice")
    unknown = [g for g in chosen if g not in counts.index]
    if unknown:
        raise UserError(
            f"column {group_col!r} has no group {', '.join(map(repr, unknown))}; its levels are "
            f"{shown or 'none'}"
        )
    return group_a, group_b


def _language_column(frame: pd.DataFrame, path: str, language_col: str | None) -> str | None:
    """The column of the languages (``--language-col``, else "language" if the file has it),
    or None: every language is detected from the script."""
    if language_col is None:
        return LANGUAGE_COL if LANGUAGE_COL in frame.columns else None
    if language_col.strip().lower() in ("", "none"):
        return None
    require_column(frame, path, language_col, "--language-col", "each text's language")
    return language_col


def _languages(texts: pd.Series, given: pd.Series | None) -> tuple[pd.Series, int]:
    """Each text's language, detected where ``given`` is missing or blank (or absent), and
    how many were detected."""
    from research.messages import detect_languages

    if given is None:
        return detect_languages(texts.astype(object)).astype(str), len(texts)
    blank = (given.isna() | given.astype("string").str.strip().eq("").fillna(False)).to_numpy(
        dtype=bool
    )
    langs = given.to_numpy(dtype=object, copy=True)
    if blank.any():
        langs[blank] = detect_languages(texts[blank].astype(object)).to_numpy(dtype=object)
    return pd.Series(langs, index=texts.index).astype(str), int(blank.sum())


def term_table(result: DistinctiveTerms) -> pd.DataFrame:
    """The term table as written: ``count_a`` ... named by the groups (``count_Sales``).

    Examples
    --------
    >>> from research.messages import distinctive_terms
    >>> terms = distinctive_terms(["price price", "setup"], ["sales", "marketing"], min_count=1)
    >>> term_table(terms).columns.tolist()[:3]
    ['term', 'count_marketing', 'count_sales']
    """
    names = {}
    for side, group in (("a", result.group_a), ("b", result.group_b)):
        names[f"count_{side}"] = f"count_{group}"
        names[f"per_1000_{side}"] = f"per_1000_{group}"
    return result.to_frame().rename(columns=names)


def run(args: argparse.Namespace) -> int:
    from research.messages import distinctive_terms

    frame = read_table(args.messages, sep=args.sep, decimal=args.decimal)
    path = args.messages
    require_column(frame, path, args.text_col, "--text-col", "the text")
    require_column(frame, path, args.group_col, "--group-col", "the group of each text")
    language_col = _language_column(frame, path, args.language_col)
    if args.min_count < 0:
        raise UserError(f"--min-count must be 0 or more, got {args.min_count}")
    if args.prior_strength is not None and not args.prior_strength > 0:
        raise UserError(f"--prior-strength must be positive, got {args.prior_strength:g}")
    group_a, group_b = _two_groups(frame[args.group_col], args.groups, args.group_col)
    rows = frame[args.group_col].astype("string").isin([group_a, group_b]).fillna(False)
    part = frame[rows.to_numpy(dtype=bool)]
    texts = part[args.text_col]
    empty = texts.isna()
    if empty.all() or not (pd.api.types.is_string_dtype(texts.dtype) or texts.dtype == object):
        held = "no value" if empty.all() else f"{texts.dtype} values"
        raise UserError(
            f"column {args.text_col!r} holds {held}, not text, in the {len(texts):,} rows of "
            f"{group_a!r} and {group_b!r}: pass the column of the messages with --text-col"
        )
    if empty.any():
        note(f"note: {int(empty.sum()):,} rows without a text are counted as empty texts")
        texts = texts.astype(object).where(~empty, "")
    langs, detected = _languages(texts, None if language_col is None else part[language_col])
    with progress(1, "research terms") as work, work.package():
        result = distinctive_terms(
            texts,
            part[args.group_col].astype("string"),
            group_a=group_a,
            group_b=group_b,
            languages=langs,
            prior_strength=args.prior_strength,
            min_count=args.min_count,
            n_jobs=args.jobs,
        )
    written = write_table(term_table(result), args.output, index=False)
    per_group = part[args.group_col].astype("string").value_counts()
    spoken = langs.value_counts()
    note(
        f"research terms: {len(result.table):,} terms seen {result.min_count}+ times in "
        f"{int(per_group[group_a]):,} {group_a} and {int(per_group[group_b]):,} {group_b} texts "
        f"({result.tokens_a:,} and {result.tokens_b:,} tokens; languages "
        + ", ".join(f"{lang} {n:,}" for lang, n in spoken.items())
        + (f", {detected:,} detected from the script" if detected else "")
        + f"); most {group_a}: {', '.join(result.top_terms(group_a, 5)) or 'none'}; "
        f"most {group_b}: {', '.join(result.top_terms(group_b, 5)) or 'none'}; wrote {written}"
    )
    return 0
