"""``research clv``: each customer's expected lifetime value (BG/NBD for the purchases,
Gamma-Gamma for the spend), from a transaction export cleaned as ``research segment`` cleans
it."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from research.cli._common import UserError, Work, add_output, note, progress, write_table
from research.cli.segment import add_transaction_options, clean_from_args, in_options

if TYPE_CHECKING:
    import pandas as pd

    from research.clv import ModelFit

__all__ = ["add_parser", "run"]

#: Words of the package's notes meant for the notebooks, and what they mean here.
_NOTEBOOK_WORDS = {" (CALIBRATION_END earlier in the notebook)": " (more history)"}

#: The per-customer columns written beside the values: the models' inputs and the spend.
_SUMMARY_COLUMNS = ["frequency", "recency", "T", "monetary_value", "n_purchases", "total_spend"]


def _positive(kind: type) -> object:
    def convert(text: str) -> object:
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if not value > 0:
            raise argparse.ArgumentTypeError(f"takes a positive number, got {text!r}")
        return value

    return convert


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"takes a rate per month in [0, 1), got {text!r}")
    return value


def _nonnegative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"takes a number >= 0, got {text!r}")
    return value


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "clv",
        help="lifetime value per customer (BG/NBD and Gamma-Gamma), from transactions",
        description="Clean a transaction export by the same rules as 'research segment', "
        "summarise each customer, fit the BG/NBD model of repeat purchases and the "
        "Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005) by maximum "
        "likelihood, and write each customer's probability of still being a customer "
        "(p_alive), expected purchases over the horizon, expected spend per purchase and "
        "discounted lifetime value (clv), beside the summary the models read (frequency: "
        "repeat purchases; recency and T: age at the last purchase and at the observation "
        "end, in units of --unit-days days; monetary_value: mean repeat spend).",
        epilog="Example: research clv orders_export.csv --customer-col Email --date-col "
        "'Created at' --quantity-col 'Lineitem quantity' --price-col 'Lineitem price' "
        "--invoice-col Name -o clv.csv",
    )
    add_transaction_options(parser)
    model = parser.add_argument_group("value", "as customer_lifetime_value's parameters")
    model.add_argument(
        "--horizon-months",
        type=_positive(int),
        default=12,
        metavar="N",
        help="months of future value (default: 12)",
    )
    model.add_argument(
        "--discount-rate",
        type=_rate,
        default=0.01,
        metavar="RATE",
        help="discount rate per month (default: 0.01, about 12.7%% a year)",
    )
    model.add_argument(
        "--unit-days",
        type=_positive(float),
        default=7.0,
        metavar="DAYS",
        help="the models' time unit in days, durations measured at daily resolution "
        "(default: 7, weeks, as notebook 01b and Fader, Hardie & Lee 2005)",
    )
    model.add_argument(
        "--penalizer",
        type=_nonnegative,
        default=0.0,
        metavar="L2",
        help="L2 penalty on the models' parameters; a small value such as 0.001 when a fit "
        "finds no proper maximum (default: 0, plain maximum likelihood)",
    )
    add_output(parser, "one row per customer")
    parser.set_defaults(func=run)


def _fit(fit_model: object, summary: pd.DataFrame, name: str, penalizer: float) -> ModelFit:
    """A model fit, a fit without a proper maximum as one line naming --penalizer."""
    from research.clv import ConvergenceError

    try:
        return fit_model(summary, penalizer=penalizer)  # type: ignore[operator]
    except ConvergenceError as exc:
        found = str(exc).split(" Set a small penalizer")[0]
        raise UserError(
            f"{found} Set a small --penalizer, e.g. --penalizer {max(10 * penalizer, 0.001):g}; "
            f"or use more customers or a longer period (the {name} model needs customers "
            "whose purchase counts and timing differ)"
        ) from None


def _lifetime_values(summary: pd.DataFrame, args: argparse.Namespace, work: Work) -> pd.DataFrame:
    """The models fitted on ``summary`` and each customer's value, beside its summary."""
    from research.clv import customer_lifetime_value, fit_bgnbd, fit_gamma_gamma

    with work.package(_NOTEBOOK_WORDS, words=in_options):
        purchases = _fit(fit_bgnbd, summary, "BG/NBD", args.penalizer)
        spend = _fit(fit_gamma_gamma, summary, "Gamma-Gamma", args.penalizer)
        values = customer_lifetime_value(
            purchases,
            spend,
            summary,
            horizon_months=args.horizon_months,
            monthly_discount_rate=args.discount_rate,
            unit_days=args.unit_days,
        )
    return summary[_SUMMARY_COLUMNS].join(values)


def run(args: argparse.Namespace) -> int:
    from research.segmentation import rfm_summary

    with progress(4, "research clv") as work:
        cleaned = clean_from_args(args, work)
        work.step(f"fitting the models on {cleaned.customers:,} customers")
        with work.package(words=in_options):
            summary = rfm_summary(cleaned, time_scale=args.unit_days)
        table = _lifetime_values(summary, args, work)
        work.done(2)
        written = write_table(table, args.output)
    note(
        f"research clv: {cleaned.rows_used:,} of {cleaned.rows_in:,} rows used, "
        f"{len(table):,} customers; expected value over {args.horizon_months} months "
        f"{table['clv'].sum():,.2f} in total, {table['clv'].mean():,.2f} per customer; "
        f"{(table['p_alive'] < 0.5).mean():.0%} more likely gone than active; wrote {written}"
    )
    return 0
