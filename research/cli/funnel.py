"""``research funnel``: the stage table of a lead export (counts, conversion with Wilson
intervals, the bottleneck), overall, by a column or by monthly cohort, with the deals' stages
added from an opportunities export.

The options mirror :func:`research.funnel.funnel` and :func:`research.funnel.opportunity_stages`:
``--stages`` and ``--names``, ``--by``, ``--cohort``, ``--lead-col``, the deals' ``--*-col``,
``--won``, ``--date-format`` (dates written as text are read), ``--ci``.
"""

from __future__ import annotations

import argparse
import warnings
from typing import TYPE_CHECKING

from research._columns import CLOSED_COL, CREATED_COL, LEAD_COL, STATUS_COL
from research.cli._common import (
    UserError,
    add_column,
    add_decimal,
    add_output,
    note,
    optional,
    read_export,
    read_table,
    write_table,
)

if TYPE_CHECKING:
    import pandas as pd

    from research.funnel import Funnel

__all__ = ["add_parser", "run"]

#: --cohort's periods and the pandas frequency of each.
_PERIODS = {"week": "W", "month": "M", "quarter": "Q"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "funnel",
        help="stage counts, conversion with intervals and the bottleneck of a lead export",
        description="How many leads reach each stage and convert to the next, with Wilson "
        "intervals and the bottleneck (the step with the lowest conversion), from a lead export "
        "with one column per stage: the date the lead reached it (datetime or text such as "
        "'2024-01-02 04:38'; empty when never reached) or a yes/no flag. With --opportunities, "
        "the deals add the stages 'opportunity' (first deal opened) and 'won'. Writes one row "
        "per stage (and group) and prints the bottleneck on stderr.",
        epilog="Example: research funnel contacts.csv --stages 'Create Date' 'MQL Date' "
        "'SQL Date' --names lead MQL SQL --lead-col 'Record ID' --opportunities deals.csv "
        "--deal-lead-col 'Associated Contact' --opened-col 'Deal Create Date' --closed-col "
        "'Close Date' --status-col 'Deal Stage' --won closedwon -o funnel.csv",
    )
    parser.add_argument(
        "leads",
        metavar="LEADS",
        help="the lead export: one row per lead (CSV with any separator, Excel, or parquet; a "
        "parquet file, glob or folder is counted by DuckDB, out of core)",
    )
    parser.add_argument(
        "--stages",
        nargs="+",
        required=True,
        metavar="COL",
        help="the stage columns in funnel order (at least two, or one with --opportunities)",
    )
    parser.add_argument(
        "--names", nargs="+", default=None, metavar="NAME", help="display names of the stages"
    )
    add_output(parser, "the stage table")
    parser.add_argument(
        "--sep", default=None, metavar="SEP", help="the CSVs' separator (default: sniffed)"
    )
    add_decimal(parser)
    split = parser.add_argument_group("groups", "split the funnel (one of the two)")
    split.add_argument(
        "--by", default=None, metavar="COL", help="a column to split by (source, campaign, ...)"
    )
    split.add_argument(
        "--cohort",
        choices=tuple(_PERIODS),
        default=None,
        help="split by the week, month or quarter of --cohort-col (cohorts of leads)",
    )
    split.add_argument(
        "--cohort-col",
        default=None,
        metavar="COL",
        help="the date column of the cohorts (default: the first stage)",
    )
    add_column(
        parser, "lead", LEAD_COL, "column of the lead id, checked for duplicates ('none': no id)"
    )
    deals = parser.add_argument_group(
        "deals", "an opportunities export, whose deals add the stages 'opportunity' and 'won'"
    )
    deals.add_argument(
        "--opportunities",
        default=None,
        metavar="FILE",
        help="the deals: one row per opportunity with its lead id, opened and close dates and "
        "deal stage",
    )
    deals.add_argument(
        "--deal-lead-col",
        default=None,
        metavar="NAME",
        help="column of the deals' lead id (default: --lead-col)",
    )
    add_column(deals, "opened", CREATED_COL, "column of the date a deal was opened")
    add_column(deals, "closed", CLOSED_COL, "column of the close date (empty while open)")
    add_column(deals, "status", STATUS_COL, "column of the deal stage")
    deals.add_argument(
        "--won",
        nargs="+",
        default=["won"],
        metavar="STAGE",
        help="the deal stage(s) that mean won, e.g. closedwon (default: won)",
    )
    reading = parser.add_argument_group("reading")
    reading.add_argument(
        "--date-format",
        default=None,
        metavar="FORMAT",
        help="strftime format of dates written as text, e.g. '%%d/%%m/%%Y %%H:%%M' (default: "
        "inferred)",
    )
    reading.add_argument(
        "--no-check-order",
        action="store_true",
        help="count the stages even where their dates run backwards (a lead that reached a "
        "stage without the one before is still refused)",
    )
    reading.add_argument(
        "--ci",
        type=float,
        default=0.95,
        metavar="LEVEL",
        help="level of the Wilson intervals, in (0, 1) (default: 0.95)",
    )
    parser.set_defaults(func=run)


def _check_columns(frame: object, columns: dict[str, list[str]], what: str) -> None:
    """A UserError naming each missing column, the option that names it, and the file's
    columns (of a pandas DataFrame, or of the DuckDB relation of a file set)."""
    names = list(map(str, frame.columns))  # type: ignore[attr-defined]
    missing = [(c, opt) for opt, cols in columns.items() for c in cols if c not in names]
    if missing:
        shown = ", ".join(f"{c!r} ({opt})" for c, opt in missing)
        from research.engines import is_engine_table

        rows = "" if is_engine_table(frame) else f" ({len(frame):,} rows)"  # type: ignore[arg-type]
        raise UserError(
            f"{what}{rows} has no column {shown}; its columns are {names}. Give the export's "
            "own names with those options."
        )


def _with_deals(leads: pd.DataFrame, args: argparse.Namespace, lead_col: str | None):
    """The leads with their deals' stages, and the warnings of the combining rules as notes."""
    from research.funnel import opportunity_stages

    if lead_col is None:
        raise UserError("--opportunities needs --lead-col: the lead id the deals refer to")
    deals = read_table(args.opportunities, sep=args.sep, decimal=args.decimal)
    deal_lead = args.deal_lead_col or lead_col
    _check_columns(
        deals,
        {
            "--deal-lead-col" if args.deal_lead_col else "--lead-col": [deal_lead],
            "--opened-col": [args.opened_col],
            "--closed-col": [args.closed_col],
            "--status-col": [args.status_col],
        },
        f"OPPORTUNITIES {args.opportunities}",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = opportunity_stages(
            leads,
            deals,
            lead_col=lead_col,
            deal_lead_col=deal_lead,
            opened_col=args.opened_col,
            closed_col=args.closed_col,
            status_col=args.status_col,
            won_status=args.won,
            date_format=args.date_format,
        )
    for w in caught:
        note(f"research funnel: {w.message}")
    return out


def _summary(result: Funnel, path: str) -> str:
    """The one-line summary: leads, stages, the bottleneck (of all leads pooled), the file."""
    from research._format import format_interval

    pooled = result.overall
    worst = pooled[pooled["bottleneck"].to_numpy(dtype=bool)]
    groups = f", {result.table[list(result.groups)].drop_duplicates().shape[0]:,} groups by " + (
        " · ".join(result.groups)
    )
    line = f"research funnel: {result.n:,} leads through {len(result.stages)} stages"
    line += groups if result.groups else ""
    if len(worst):
        step = worst.iloc[0]
        rate = format_interval(
            step["conversion"], step["low"], step["high"], ci=result.ci, fmt=".1%"
        )
        line += (
            f"; bottleneck {step['stage']} -> {step['next_stage']}: {rate} of "
            f"{int(step['entered']):,}"
        )
    return f"{line}; wrote {path}"


def run(args: argparse.Namespace) -> int:
    from research.engines import is_engine_table
    from research.funnel import funnel

    # a parquet file set stays where it is: DuckDB counts the stages
    leads = read_export(args.leads, sep=args.sep, decimal=args.decimal)
    if args.opportunities and is_engine_table(leads):
        raise UserError(
            "--opportunities joins the deals to a lead file read into memory: give the "
            "leads as a CSV or Excel file, or add the deal stages to the parquet files"
        )
    lead_col = optional(args.lead_col)
    if args.by and args.cohort:
        raise UserError("give --by or --cohort, not both")
    cohort_col = (args.cohort_col or args.stages[0]) if args.cohort else None
    _check_columns(
        leads,
        {
            "--stages": list(args.stages),
            "--lead-col": [lead_col] if lead_col else [],
            "--by": [args.by] if args.by else [],
            "--cohort-col": [cohort_col] if cohort_col else [],
        },
        f"LEADS {args.leads}",
    )
    stages, names = list(args.stages), args.names
    if names is not None and len(names) != len(stages):
        raise UserError(f"--names has {len(names)} names for {len(stages)} --stages")
    if args.opportunities:
        leads = _with_deals(leads, args, lead_col)
        stages += ["opportunity_at", "won_at"]
        names = None if names is None else [*names, "opportunity", "won"]
    if len(stages) < 2:
        raise UserError("--stages needs at least two columns (or one, with --opportunities)")
    result = funnel(
        leads,
        stages,
        by=args.by,
        cohort=cohort_col,
        cohort_freq=_PERIODS[args.cohort] if args.cohort else "M",
        names=names,
        lead_col=lead_col,
        check_order=not args.no_check_order,
        date_format=args.date_format,
        ci=args.ci,
    )
    table = result.to_frame()
    if "cohort" in table.columns:
        table["cohort"] = table["cohort"].astype(str)
    path = write_table(table, args.output, index=False)
    note(_summary(result, str(path)))
    return 0
