"""``research segment``: RFM summary, named RFM segments and clusters per customer, from a
transaction export.

The transaction options (columns and cleaning rules) are shared with ``research clv``
(:func:`add_transaction_options`, :func:`clean_from_args`), so both commands clean the same
export the same way, as notebooks 01 and 01b do.
"""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING

from research._columns import AMOUNT_COL, CUSTOMER_COL, DATE_COL
from research.cli._common import (
    Work,
    add_column,
    add_decimal,
    add_output,
    note,
    optional,
    progress,
    read_export,
    require_column,
    write_table,
)

if TYPE_CHECKING:
    import pandas as pd

    from research.segmentation import CleanedTransactions, CustomerSegmenter

__all__ = ["add_parser", "add_transaction_options", "clean_from_args", "in_options", "run"]

#: The column options of a transaction export: parameter -> what the column holds.
_COLUMNS = {
    "customer_col": "the customer id",
    "date_col": "the purchase date",
    "amount_col": "the line total",
    "quantity_col": "the quantity",
    "price_col": "the unit price",
    "invoice_col": "the order / invoice id",
    "product_col": "the product id",
}

#: The cleaning parameters besides the columns (a package message may name them).
_RULES = (
    "observation_end",
    "date_format",
    "cancel_prefix",
    "returns",
    "duplicates",
    "zero_amounts",
)


def _flag(parameter: str) -> str:
    return _FLAGS.get(parameter, "--" + parameter.replace("_", "-"))


def add_transaction_options(parser: argparse.ArgumentParser) -> None:
    """Add the input file, its separator, and the options mirroring
    :func:`research.segmentation.clean_transactions`' parameters (columns and rules) to
    ``parser``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        A command's parser (``research segment``, ``research clv``).

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="research segment")
    >>> add_transaction_options(parser)
    >>> args = parser.parse_args(["orders.csv", "--customer-col", "Email", "--returns", "exclude"])
    >>> args.transactions, args.customer_col, args.date_col, args.returns
    ('orders.csv', 'Email', 'date', 'exclude')
    """
    parser.add_argument(
        "transactions",
        metavar="TRANSACTIONS",
        help="the export: one row per purchase line (CSV with any separator, Excel, or "
        "parquet; a quoted glob such as 'orders/*.parquet' or a folder of parquet or CSV "
        "files is cleaned by DuckDB out of core)",
    )
    parser.add_argument(
        "--sep", default=None, metavar="SEP", help="the CSV's separator (default: sniffed)"
    )
    add_decimal(parser)
    columns = parser.add_argument_group(
        "columns", "the export's own column names (mirroring clean_transactions' *_col)"
    )
    add_column(columns, "customer", CUSTOMER_COL, "column of the customer id")
    add_column(columns, "date", DATE_COL, "column of the purchase date")
    columns.add_argument(
        "--amount-col",
        default=None,
        metavar="NAME",
        help=f"column of the line total, quantity x unit price ({AMOUNT_COL!r}; none with "
        "--price-col)",
    )
    add_column(columns, "quantity", None, "column of the quantity; negative: a return")
    add_column(
        columns, "price", None, "column of the unit price: the line total is quantity x price"
    )
    add_column(columns, "invoice", None, "column of the order / invoice id: purchases count orders")
    add_column(columns, "product", None, "column of the product id: returns net per product")
    rules = parser.add_argument_group("cleaning rules", "as clean_transactions' parameters")
    rules.add_argument(
        "--date-format",
        default=None,
        metavar="FORMAT",
        help="strftime format of the dates, e.g. '%%d/%%m/%%Y' (default: read as written)",
    )
    rules.add_argument(
        "--observation-end",
        default=None,
        metavar="DATE",
        help="end of the observation; later rows are left out (default: the last date)",
    )
    rules.add_argument(
        "--returns",
        choices=("net", "exclude", "error"),
        default="net",
        help="returns and cancellations: netted against the purchases they undo, left out "
        "(spend stays gross), or an error (default: net)",
    )
    rules.add_argument(
        "--duplicates",
        choices=("keep", "drop"),
        default="keep",
        help="rows identical in every mapped column (default: keep)",
    )
    rules.add_argument(
        "--zero-amounts",
        choices=("exclude", "keep"),
        default="exclude",
        help="lines worth 0 (default: exclude)",
    )
    rules.add_argument(
        "--cancel-prefix",
        default="C",
        metavar="TEXT",
        help="prefix of cancelled invoice ids; '' for none (default: 'C')",
    )
    rules.add_argument(
        "--report",
        default=None,
        metavar="FILE",
        help="also write the cleaning report (the rows each rule touched) as CSV",
    )


def _rule_arguments(args: argparse.Namespace) -> dict[str, object]:
    """clean_transactions' keyword arguments from the options."""
    price = optional(args.price_col)
    amount = args.amount_col if args.amount_col is not None else (None if price else AMOUNT_COL)
    return {
        "customer_col": args.customer_col,
        "date_col": args.date_col,
        "amount_col": optional(amount),
        "quantity_col": optional(args.quantity_col),
        "price_col": price,
        "invoice_col": optional(args.invoice_col),
        "product_col": optional(args.product_col),
        "observation_end": args.observation_end,
        "date_format": args.date_format,
        "cancel_prefix": optional(args.cancel_prefix),
        "returns": args.returns,
        "duplicates": args.duplicates,
        "zero_amounts": args.zero_amounts,
    }


def _check_columns(frame: pd.DataFrame, path: str, arguments: dict[str, object]) -> None:
    """Every mapped column is in the file, else one error naming it, the file's columns and
    the option to set."""
    for parameter, what in _COLUMNS.items():
        name = arguments[parameter]
        if name is not None:
            other = " (or --quantity-col and --price-col)" if parameter == "amount_col" else ""
            require_column(frame, path, str(name), _flag(parameter), what, other)


#: The options named otherwise than ``--`` + the parameter with dashes.
_FLAGS = {"n_segments": "--segments"}
#: The other parameters of the package a message may name, with an option of the same name.
_OTHERS = ("n_segments", "k_range", "method", "random_state")
_PARAMETER = re.compile(r"\b(" + "|".join([*_COLUMNS, *_RULES, *_OTHERS]) + r")\b(=None\b|=)?")


def _option(match: re.Match[str]) -> str:
    name, value = match.group(1), match.group(2)
    if "_" not in name and not value:  # "returns", "method": plain words unless "="
        return match.group(0)
    flag = _flag(name)
    if value == "=None":
        return f"{flag} ''"
    followed = match.string[match.end() : match.end() + 1]  # "date_format= to say": no value
    return flag + ("=" if value == "=" and followed.strip() else "")


def in_options(message: str) -> str:
    """A package message with its parameter names written as the command's options
    (``price_col='x'`` -> ``--price-col='x'``, ``amount_col=None`` -> ``--amount-col ''``,
    ``date_format`` -> ``--date-format``).

    Examples
    --------
    >>> in_options("pass price_col='Unit price' and amount_col=None, or date_format= to say")
    "pass --price-col='Unit price' and --amount-col '', or --date-format to say"
    >>> in_options("returns and cancellations were found with returns='error'")
    "returns and cancellations were found with --returns='error'"
    """
    return _PARAMETER.sub(_option, message)


def clean_from_args(args: argparse.Namespace, work: Work) -> CleanedTransactions:
    """Read the export and clean it by the options of :func:`add_transaction_options`,
    writing the cleaning report where ``--report`` says.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed options.
    work : Work
        The command's progress (two steps: reading, cleaning).

    Returns
    -------
    CleanedTransactions
        The purchase lines left by the cleaning rules, and the report.

    Raises
    ------
    UserError
        A mapped column is not in the file (naming it, the file's columns and the option), or
        the package refuses a value (its message in the options' words).

    Examples
    --------
    >>> with progress(4, "research segment") as work:  # doctest: +SKIP
    ...     cleaned = clean_from_args(args, work)
    """
    from research.engines import is_engine_table
    from research.segmentation import clean_transactions

    work.step("reading")
    arguments = _rule_arguments(args)
    frame = read_export(args.transactions, sep=args.sep, decimal=args.decimal)
    if is_engine_table(frame):  # DuckDB reads the files as it cleans them
        rows = "the files' rows in DuckDB"
    else:
        _check_columns(frame, args.transactions, arguments)  # type: ignore[arg-type]
        rows = f"{len(frame):,} rows"  # type: ignore[arg-type]
    work.done()
    work.step(f"cleaning {rows}")
    with work.package(words=in_options):
        cleaned = clean_transactions(frame, **arguments)  # type: ignore[arg-type]
    if args.report:
        write_table(cleaned.to_frame(), args.report, index=False)
    work.done()
    return cleaned


def _segments(value: str) -> int | str:
    if value == "auto":
        return value
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 2:
        raise argparse.ArgumentTypeError(f"takes 'auto' or a whole number >= 2, got {value!r}")
    return number


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "segment",
        help="RFM summary, named segments and clusters per customer, from transactions",
        description="Clean a transaction export by written rules (returns netted, rows without "
        "a customer, lines worth 0, duplicates, rows after the observation end: --report "
        "writes what each rule touched), summarise each customer (recency, frequency, "
        "monetary value), score them 1-5 on each, name their RFM segment (champions, loyal, "
        "at risk, ...) and cluster them (k-means or a Gaussian mixture on log-scaled days "
        "since the last purchase, purchases and average order). Writes one row per customer: "
        "the summary columns, the scores and segment, the cluster and its name.",
        epilog="Example: research segment orders_export.csv --customer-col Email "
        "--date-col 'Created at' --quantity-col 'Lineitem quantity' --price-col "
        "'Lineitem price' --invoice-col Name --product-col 'Lineitem sku' -o segments.csv",
    )
    add_transaction_options(parser)
    clustering = parser.add_argument_group("clustering", "as CustomerSegmenter's parameters")
    clustering.add_argument(
        "--segments",
        type=_segments,
        default="auto",
        metavar="N|auto",
        help="number of clusters, or 'auto' to choose it by silhouette, Calinski-Harabasz "
        "and Davies-Bouldin (default: auto)",
    )
    clustering.add_argument(
        "--k-range",
        type=int,
        nargs=2,
        default=(3, 8),
        metavar=("LOW", "HIGH"),
        help="numbers of clusters tried with --segments auto (default: 3 8)",
    )
    clustering.add_argument(
        "--method",
        choices=("kmeans", "gmm"),
        default="kmeans",
        help="k-means or a Gaussian mixture (default: kmeans)",
    )
    clustering.add_argument(
        "--random-state", type=int, default=0, metavar="SEED", help="seed (default: 0)"
    )
    add_output(parser, "one row per customer")
    parser.set_defaults(func=run)


def _segment_table(
    cleaned: CleanedTransactions, args: argparse.Namespace, work: Work
) -> tuple[pd.DataFrame, CustomerSegmenter]:
    """One row per customer: the RFM summary, scores and segment, and the cluster; with the
    fitted segmenter."""
    from research.segmentation import CustomerSegmenter, rfm_segments, rfm_summary

    with work.package(words=in_options):
        segmented = rfm_segments(rfm_summary(cleaned))
        segmenter = CustomerSegmenter(
            n_segments=args.segments,
            method=args.method,
            k_range=tuple(args.k_range),
            random_state=args.random_state,
        ).fit(segmented)
    table = segmented.assign(
        cluster=segmenter.labels_,
        cluster_name=segmenter.labels_.map(segmenter.segment_names_),
    )
    return table, segmenter


def run(args: argparse.Namespace) -> int:
    with progress(4, "research segment") as work:
        cleaned = clean_from_args(args, work)
        work.step(f"segmenting {cleaned.customers:,} customers")
        table, segmenter = _segment_table(cleaned, args, work)
        work.done(2)
        written = write_table(table, args.output)
    used = table["segment"].astype("string").value_counts()
    note(
        f"research segment: {cleaned.rows_used:,} of {cleaned.rows_in:,} rows used, "
        f"{len(table):,} customers, {len(used)} RFM segments, "
        f"{segmenter.n_segments_} clusters ({args.method}); wrote {written}"
    )
    return 0
