"""Cleaning a transaction export: the counted rules, and the purchase lines they leave.

:func:`clean_transactions` applies the rules (returns and cancellations netted against the
purchases they undo, rows without a customer, lines worth nothing, duplicates, rows after the
end of the observation window), each counted in a report, and returns a
:class:`CleanedTransactions`: the report as a table, its counts, and the purchase lines that
:func:`research.segmentation.rfm_summary` aggregates and every later step (a holdout count, a
per-period chart) reads instead of the raw export.
"""

from __future__ import annotations

import datetime
import re
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from research._columns import AMOUNT_COL, CUSTOMER_COL, DATE_COL
from research._results import Result
from research._validation import (
    _ENGINE_HINT,
    check_option,
    number_advice,
    read_either_order,
    require_columns,
    require_frame,
    rows_repr,
)

__all__ = [
    "CleanedTransactions",
    "clean_transactions",
    "RFMDataWarning",
]

_TIME_UNITS = ("D", "W", "M")


class RFMDataWarning(UserWarning):
    """Rows of a transaction log were excluded or flagged by the cleaning rules of
    :func:`clean_transactions` (and so of :func:`rfm_summary`)."""


_PACKAGE = str(Path(__file__).resolve().parents[1])


def _user_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning point at the first caller outside the package.

    Called by the function that warns: the same warning is reached from
    :func:`clean_transactions` and, one call deeper, from :func:`rfm_summary`, and it must
    name the user's line in both cases.
    """
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level


_RETURN_RULES = ("net", "exclude", "error")


@dataclass(frozen=True)
class _Rules:
    """The arguments of :func:`clean_transactions`, checked (private): which columns hold
    what, the window and the rule for each kind of dirty row."""

    customer_col: str = CUSTOMER_COL
    date_col: str = DATE_COL
    amount_col: str | None = AMOUNT_COL
    observation_end: object = None
    quantity_col: str | None = None
    price_col: str | None = None
    invoice_col: str | None = None
    product_col: str | None = None
    cancel_prefix: str | None = "C"
    returns: str = "net"
    duplicates: str = "keep"
    zero_amounts: str = "exclude"
    date_format: str | None = None

    def __post_init__(self) -> None:
        check_option(self.returns, "returns", _RETURN_RULES)
        check_option(self.duplicates, "duplicates", ("keep", "drop"))
        check_option(self.zero_amounts, "zero_amounts", ("exclude", "keep"))

    def changed(self) -> list[str]:
        """The arguments not at their default, in signature order (for a message)."""
        out = []
        for item in fields(self):
            value = getattr(self, item.name)
            if (value is not None) if item.default is None else (value != item.default):
                out.append(item.name)
        return out

    @property
    def value_name(self) -> str:
        """How the line value is read, for messages: a column, or quantity x price."""
        if self.price_col is None:
            return str(self.amount_col)
        return f"{self.quantity_col} x {self.price_col}"

    def mapped(self) -> dict[str, str]:
        """The columns read, by argument, in the order they are read: customer, date, the
        value (``amount_col``, or ``price_col`` with the quantity), then the optional
        quantity, invoice and product; an error when no value column is given."""
        if self.price_col is None and self.amount_col is None:
            raise ValueError("pass amount_col (the line total) or price_col with quantity_col")
        value = "price_col" if self.price_col is not None else "amount_col"
        out = {"customer_col": self.customer_col, "date_col": self.date_col}
        out[value] = getattr(self, value)
        for arg in ("quantity_col", "invoice_col", "product_col"):
            if getattr(self, arg) is not None:
                out[arg] = getattr(self, arg)
        return out

    def check_value_columns(self, names: Sequence[object]) -> None:
        """The line value is quantity x price only with a quantity, and never beside an
        amount column the table has."""
        if self.price_col is None:
            return
        if self.quantity_col is None:
            raise ValueError(
                f"price_col={self.price_col!r} needs quantity_col: the line value is quantity x "
                "price"
            )
        if self.amount_col is not None and self.amount_col in names:
            raise ValueError(
                f"give the line value either as amount_col={self.amount_col!r} or as quantity_col"
                f" x price_col ({self.quantity_col!r} x {self.price_col!r}), not both: pass "
                "amount_col=None"
            )

    @property
    def columns(self) -> dict[str, str | None]:
        """The column arguments, by name (None: not mapped)."""
        names = ("customer_col", "date_col", "amount_col", "quantity_col", "price_col")
        return {name: getattr(self, name) for name in (*names, "invoice_col", "product_col")}


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------


_DAY_NS = np.int64(86_400 * 10**9)


def _period_codes(dates: pd.Series, time_unit: str) -> np.ndarray:
    """Integer period number of each timestamp: days, Monday-based weeks or months since 1970."""
    values = dates.to_numpy(dtype="datetime64[ns]")
    if time_unit == "M":
        return values.astype("datetime64[M]").astype(np.int64)
    # whole days since 1970 by integer floor division (as datetime64[D] floors, without its
    # calendar code): the dates are set, never NaT
    days = values.view(np.int64) // _DAY_NS
    if time_unit == "W":
        # 1970-01-01 was a Thursday: shifting by 3 days makes weeks run Monday..Sunday,
        # the same weeks as pandas' "W" (W-SUN) periods.
        days += 3
        days //= 7
    return days


# --------------------------------------------------------------------------------------------
# rfm_summary
# --------------------------------------------------------------------------------------------


# the range a nanosecond timestamp can hold, which every later step uses
_FIRST_DATE, _LAST_DATE = pd.Timestamp.min.ceil("D"), pd.Timestamp.max.floor("D")


@dataclass(frozen=True)
class _Dates:
    """Parsed timestamps (naive, on the export's own clock) and how they were read."""

    values: pd.Series
    zone: object  # the export's time zone (None when it had none)
    converted: int  # rows with another offset, converted to the export's clock
    assumed: int  # rows without a zone among rows with one, taken as on the export's clock


_OFFSET = re.compile(r"(?:[+-]\d{2}:?\d{2}|Z|UTC|GMT)\s*$")


def _to_zone(parsed: pd.Series, zone: object) -> pd.Series:
    return parsed.dt.tz_convert(zone).dt.tz_localize(None)


def _parse_dates(frame: pd.DataFrame, date_col: str, date_format: str | None) -> _Dates:
    """The date column as naive timestamps on the export's own clock.

    A tz-aware column keeps its zone's wall-clock time (so days and weeks are the export's own);
    ``observation_end`` is brought onto that clock (:func:`_observation_end`). Strings with UTC
    offsets are put on the clock of their most common offset, those with another offset
    converted to it, and strings without an offset among them are taken as on that clock (both
    counted). Within the hour the clocks go back in a zone with daylight saving, wall-clock
    times can run out of order; everything else compares by the instant it happened.
    """
    raw = frame[date_col]
    zone, converted, assumed = None, 0, 0
    if isinstance(raw.dtype, pd.DatetimeTZDtype):
        zone = raw.dt.tz
        parsed = raw.dt.tz_localize(None)
    elif pd.api.types.is_datetime64_any_dtype(raw.dtype):
        parsed = raw
    else:
        text = raw.astype("string")
        offsets = text.str.extract(f"({_OFFSET.pattern})", expand=False)
        has_zone = offsets.notna().to_numpy(dtype=bool)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "could not infer format"
            if has_zone.any():
                common = offsets[has_zone].str.strip().mode().iloc[0]
                zone = (
                    datetime.UTC
                    if common in ("Z", "UTC", "GMT")
                    else pd.Timestamp(f"2000-01-01T00:00{common}").tzinfo
                )
                aware = pd.to_datetime(
                    raw[has_zone], errors="coerce", format=date_format or "mixed", utc=True
                )
                naive = pd.to_datetime(
                    raw[~has_zone], errors="coerce", format=date_format or "mixed"
                )
                parsed = pd.concat([_to_zone(aware, zone), naive]).reindex(raw.index)
                same = offsets[has_zone].str.strip() == common
                converted, assumed = int((~same).sum()), int((~has_zone & raw.notna()).sum())
            elif date_format is None and not pd.api.types.is_numeric_dtype(raw.dtype):
                parsed = read_either_order(raw, date_col)
            else:
                parsed = pd.to_datetime(raw, errors="coerce", format=date_format)
    bad = parsed.isna().to_numpy()
    if bad.any():
        labels = frame.index[bad]
        values = raw[bad].head(5).tolist()
        raise ValueError(
            f"column {date_col!r} has {int(bad.sum()):,} of {len(frame):,} rows that are missing "
            f"or cannot be read as dates (rows {rows_repr(labels)}; values such as {values}). "
            f"Fix or drop them, or pass date_format= to say how the dates are written."
        )
    outside = ((parsed < _FIRST_DATE) | (parsed > _LAST_DATE)).to_numpy()
    if outside.any():
        raise ValueError(
            f"column {date_col!r} has {int(outside.sum()):,} dates outside "
            f"{_FIRST_DATE:%Y-%m-%d} to {_LAST_DATE:%Y-%m-%d} (rows "
            f"{rows_repr(frame.index[outside])}; values such as {raw[outside].head(5).tolist()}):"
            " check the year"
        )
    return _Dates(parsed.astype("datetime64[ns]"), zone, converted, assumed)


def _observation_end(value: object, zone: object) -> pd.Timestamp:
    """``observation_end`` on the clock of the dates (whose time ``zone`` is None when they
    have none): an end with a zone is converted to the export's zone, one without is taken as
    on the export's clock."""
    try:
        end = pd.Timestamp(value)  # type: ignore[arg-type]
    except (ValueError, TypeError) as err:
        raise ValueError(
            f"observation_end={value!r} cannot be read as a date; give it like '2024-06-30'"
        ) from err
    if pd.isna(end):
        raise ValueError(f"observation_end={value!r} is not a date")
    if end.tzinfo is not None:
        end = end.tz_convert(zone or "UTC").tz_localize(None)
    if not (_FIRST_DATE <= end <= _LAST_DATE):
        raise ValueError(f"observation_end={value!r} is outside the dates a timestamp can hold")
    return end


def _numeric(frame: pd.DataFrame, col: str) -> np.ndarray:
    """The column as float64: numbers, or numbers stored as text; a clear error otherwise."""
    raw = frame[col]
    if pd.api.types.is_bool_dtype(raw.dtype):
        raise TypeError(
            f"column {col!r} holds true/false values, not amounts or quantities: map the "
            "right column"
        )
    if not pd.api.types.is_numeric_dtype(raw.dtype):
        flags = raw.map(lambda v: isinstance(v, bool | np.bool_), na_action="ignore")
        if flags.fillna(False).astype(bool).any():
            raise TypeError(f"column {col!r} holds true/false values, not amounts or quantities")
        converted = pd.to_numeric(raw, errors="coerce")
        bad = converted.isna() & raw.notna()
        if bad.any():
            raise ValueError(
                f"column {col!r} must be numeric; {int(bad.sum()):,} of {len(frame):,} rows are "
                f"not numbers (rows {rows_repr(frame.index[bad.to_numpy()])}; values such as "
                f"{raw[bad].head(5).tolist()}). {number_advice(raw[bad])}"
            )
        raw = converted
    missing = raw.isna()
    if missing.any():
        raise ValueError(
            f"column {col!r} has {int(missing.sum()):,} missing values of {len(frame):,} rows "
            f"(rows {rows_repr(frame.index[missing.to_numpy()])}); fill or drop them first: an "
            f"unknown amount cannot be counted as a purchase of any value."
        )
    values = raw.to_numpy(dtype=np.float64)
    infinite = np.isinf(values)
    if infinite.any():
        raise ValueError(
            f"column {col!r} has {int(infinite.sum()):,} infinite values (rows "
            f"{rows_repr(frame.index[infinite])}): no purchase is worth infinity"
        )
    return values


@dataclass(frozen=True)
class _Lines:
    """Transaction lines after the cleaning rules (private): what the aggregation needs, as
    arrays over the rows of the export."""

    index: pd.Index  # the export's row labels
    codes: np.ndarray  # customer code per row, -1 for no customer
    uniques: pd.Index  # customer ids, sorted
    dates: pd.Series
    value: np.ndarray  # line value, net of the returns netted against it
    purchase: np.ndarray  # rows that are purchases
    returned: np.ndarray  # rows that are returns or cancellations inside the window
    zero: np.ndarray  # rows of value 0 (excluded or kept by the zero_amounts rule)
    invoices: np.ndarray | None  # the invoice column, when mapped (purchases count invoices)
    obs_end: pd.Timestamp
    report: list[dict[str, object]]


def _line_value(frame: pd.DataFrame, rules: _Rules) -> np.ndarray:
    """The value of each line: ``amount_col``, or ``quantity_col`` x ``price_col``."""
    rules.check_value_columns(frame.columns)
    amount_col, quantity_col, price_col = rules.amount_col, rules.quantity_col, rules.price_col
    if price_col is not None:
        return _numeric(frame, quantity_col) * _numeric(frame, price_col)  # type: ignore[arg-type]
    if amount_col is None:
        raise ValueError("pass amount_col (the line total) or price_col with quantity_col")
    amount = _numeric(frame, amount_col)
    if quantity_col is not None:
        _warn_if_unit_price(amount, _numeric(frame, quantity_col), amount_col, quantity_col)
    return amount


def _warn_if_unit_price(
    amount: np.ndarray, quantity: np.ndarray, amount_col: str, quantity_col: str
) -> None:
    """Warn when the amount hardly grows with the quantity: it is then a unit price.

    A line total is proportional to the quantity (log-log slope near 1); a unit price is not
    (slope near 0 or below, as bulk prices are lower). Lines with quantity 1 say nothing.
    """
    use = (quantity > 0) & (quantity != 1) & (amount > 0)
    if use.sum() < 20 or np.ptp(np.log(quantity[use])) == 0:
        return
    slope = float(np.polyfit(np.log(quantity[use]), np.log(amount[use]), 1)[0])
    if slope < 0.5:
        warnings.warn(
            f"{amount_col!r} looks like a unit price, not a line total: over "
            f"{int(use.sum()):,} lines with a quantity other than 1 it grows with "
            f"{quantity_col!r} by a power of only {slope:.2f} (a line total grows in "
            "proportion, power 1). If it is a unit price, pass price_col="
            f"{amount_col!r} and amount_col=None, so the value is quantity x price.",
            RFMDataWarning,
            stacklevel=_user_stacklevel(),
        )


def _net_returns(
    group: np.ndarray,
    when: np.ndarray,
    value: np.ndarray,
    purchase: np.ndarray,
    returned: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Net each return against its group's purchases made on or before it, latest first.

    A group is a customer (and product). Each return, in time order, takes its value
    (absolute) off the latest purchases of its group at or before its time that still have
    value left (last in, first out), never below zero; at equal times the purchase comes first,
    of purchases at the same time the larger line is taken first, and of returns at the same
    time the smaller is netted first. The order of the rows in the export plays no part, so a
    lazy engine, which has no row order, nets the same way (:mod:`research.engines`).

    Done with array operations, exactly: per group, in event order, the value still on the
    "stack" of purchases is a running sum reflected at zero (H_k = S_k - min(0, min_j<=k S_j));
    a return finding less than its value leaves the rest unmatched; and the part of a purchase
    lying between heights H_before and H_before + amount survives iff the stack never later
    falls below it, so what survives is clip(min of H from the purchase on - H_before, 0,
    amount). Sums run within each group, so rounding does not grow with the length of the file.

    Returns the value netted off each row, whether each row is a return whose value exceeds
    the purchases it can net against (unmatched), and that excess in total.
    """
    netted = np.zeros(len(value))
    unmatched = np.zeros(len(value), dtype=bool)
    ret = np.flatnonzero(returned)
    if not len(ret):
        return netted, unmatched, 0.0
    groups, ret_rank = np.unique(group[ret], return_inverse=True)
    buy = np.flatnonzero(purchase)
    pos = np.minimum(np.searchsorted(groups, group[buy]), len(groups) - 1)
    mine = groups[pos] == group[buy]
    buy, buy_rank = buy[mine], pos[mine]
    events = np.r_[buy, ret]
    rank = np.r_[buy_rank, ret_rank].astype(np.int64)
    is_return = np.r_[np.zeros(len(buy), dtype=bool), np.ones(len(ret), dtype=bool)]
    step = np.where(is_return, -np.abs(value[events]), value[events])
    # event order: group, time, purchases before returns, smaller lines first; one
    # int64 key (group rank, time rank, kind) sorted stably after the value tie-break
    times, time_rank = np.unique(when[events], return_inverse=True)
    key = (rank * len(times) + time_rank) * 2 + is_return
    order = np.argsort(key, kind="stable")
    tied = np.flatnonzero(key[order][1:] == key[order][:-1])
    if len(tied):  # lines of one group, kind and instant: the smaller first
        runs = np.unique(np.r_[tied, tied + 1])
        inner = order[runs]
        order[runs] = inner[np.lexsort((np.abs(step[inner]), key[inner]))]
    events, is_return, step = events[order], is_return[order], step[order]
    g = pd.Series(rank[order])
    s = pd.Series(step).groupby(g.to_numpy()).cumsum().to_numpy()
    floor = np.minimum(pd.Series(s).groupby(g.to_numpy()).cummin().to_numpy(), 0.0)
    height = s - floor  # value on the stack after each event
    before = height - np.where(is_return, 0.0, step)  # height under a purchase
    lowest = pd.Series(height[::-1]).groupby(g.to_numpy()[::-1]).cummin().to_numpy()[::-1]
    amounts = np.where(is_return, 0.0, step)
    kept = np.clip(lowest - before, 0.0, amounts)
    netted[events[~is_return]] = (amounts - kept)[~is_return]
    # a return's unmatched part: how far the running sum fell below its earlier minimum
    previous = np.r_[0.0, floor[:-1]]
    previous[np.r_[True, g.to_numpy()[1:] != g.to_numpy()[:-1]]] = 0.0
    excess = np.where(is_return, previous - floor, 0.0)
    short = excess > 1e-9 * np.maximum(np.abs(step), 1.0)
    unmatched[events[short]] = True
    return netted, unmatched, float(excess[short].sum())


class _Notes:
    """The cleaning report being written: one row per rule, with the rows and value it touched."""

    def __init__(self, amount: np.ndarray) -> None:
        self.amount = amount
        self.rows: list[dict[str, object]] = []

    def add(self, rule: str, mask: np.ndarray, action: str, value: float | None = None) -> None:
        n = len(self.amount)
        self.rows.append(
            {
                "rule": rule,
                "rows": int(mask.sum()),
                "share_of_rows": float(mask.sum()) / n,
                "amount": float(self.amount[mask].sum()) if value is None else value,
                "action": action,
            }
        )

    def info(self, rule: str, action: str) -> None:
        """A rule that reads the data differently but moves no row."""
        self.add(rule, np.zeros(len(self.amount), dtype=bool), action, value=np.nan)


def _mapped_columns(frame: pd.DataFrame, rules: _Rules) -> list[str]:
    """The columns the arguments map, checked: customer, date, value, then the optional ones."""
    used = list(rules.mapped().values())
    require_columns(frame, used, "transactions")
    if len(used) != len(set(used)):
        raise ValueError(f"the column arguments must name different columns, got {used}")
    if frame.empty:
        raise ValueError("transactions is empty (0 rows): there is nothing to summarise")
    return used


def _text_columns(frame: pd.DataFrame, cols: Sequence[str | None]) -> list[str]:
    """The number columns the export stores as text (read as numbers by :func:`_numeric`)."""
    return [c for c in cols if c is not None and not pd.api.types.is_numeric_dtype(frame[c].dtype)]


def _zone_action(parsed: _Dates) -> str:
    """How dates with time zones were read, for the report."""
    action = f"read on the export's clock ({parsed.zone}); days and weeks are its own"
    if parsed.converted:
        action += f"; {parsed.converted:,} dates with another offset converted to it"
    if parsed.assumed:
        action += f"; {parsed.assumed:,} dates without an offset taken as on it"
    return action


def _return_rows(
    frame: pd.DataFrame, amount: np.ndarray, keep: np.ndarray, rules: _Rules
) -> np.ndarray:
    """Rows that are returns or cancellations (negative value or quantity, cancelled invoice)."""
    quantity_col, invoice_col, prefix = rules.quantity_col, rules.invoice_col, rules.cancel_prefix
    is_return = amount < 0
    if quantity_col is not None:
        is_return |= _numeric(frame, quantity_col) < 0
    if invoice_col is not None and prefix:
        invoice = frame[invoice_col].astype("string")
        is_return |= invoice.str.startswith(prefix).fillna(False).to_numpy(dtype=bool)
    is_return &= keep
    if is_return.any() and rules.returns == "error":
        rows = f"; rows {rows_repr(frame.index[is_return])}"
        raise ValueError(_returns_refused(int(is_return.sum()), len(frame), rules, rows))
    return is_return


def _returns_refused(count: int, n: int, rules: _Rules, where: str = "") -> str:
    """The error of ``returns="error"`` (the pandas path adds the rows ``where``)."""
    quantity_col, invoice_col, prefix = rules.quantity_col, rules.invoice_col, rules.cancel_prefix
    return (
        f"{count:,} of {n:,} rows are returns or cancellations (negative {rules.value_name!r}"
        + (f" or {quantity_col!r}" if quantity_col else "")
        + (f", or {invoice_col!r} starting with {prefix!r}" if invoice_col else "")
        + f"{where}). Use returns='net' to net them against the purchases they return."
    )


def _net_against_purchases(
    notes: _Notes,
    codes: np.ndarray,
    product_codes: np.ndarray | None,
    when: np.ndarray,
    amount: np.ndarray,
    purchase: np.ndarray,
    returned: np.ndarray,
    product_col: str | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Net the returns against the earlier purchases; the new values and the rows cancelled."""
    group = codes.astype(np.int64)
    if product_codes is not None:
        group = group * (int(product_codes.max()) + 2) + (product_codes + 1)
    netted, unmatched, unmatched_value = _net_returns(group, when, amount, purchase, returned)
    value = amount - netted
    reduced = netted > 0
    cancelled = reduced & (value <= 1e-9 * np.abs(amount))
    reduced_rule, cancelled_rule, unmatched_rule = _netting_rules(product_col)
    notes.add(*reduced_rule[:1], reduced, reduced_rule[1], value=0.0 - float(netted.sum()))
    notes.add(cancelled_rule[0], cancelled, cancelled_rule[1])
    notes.add(unmatched_rule[0], unmatched, unmatched_rule[1], value=0.0 - unmatched_value)
    value[cancelled] = 0.0
    return value, cancelled


def _netting_rules(product_col: str | None) -> tuple[tuple[str, str], ...]:
    """The report's three netting rules, each with what was done (the pandas path and the
    engines write the same rows)."""
    by = f"customer and {product_col!r}" if product_col is not None else "customer"
    return (
        (
            "return netted against an earlier purchase",
            f"purchase value reduced: each return is taken off the same {by}'s latest "
            "purchases on or before it (last in, first out), never below zero",
        ),
        (
            "purchase cancelled in full",
            "no longer a purchase: an order cancelled in full lowers the purchase count",
        ),
        (
            "return without an earlier purchase to net",
            "the returned value exceeds the purchases it can net against (bought before the "
            "data start?): the rest is not netted, and kept in returned_amount",
        ),
    )


_RETURN_ACTIONS = {
    "net": "not a purchase; netted against the customer's earlier purchases (rules below); value "
    "kept per customer in returned_amount",
    "exclude": "excluded from purchases, spend not reduced (gross); value kept per customer in "
    "returned_amount",
}
_ZERO_ACTIONS = {
    "exclude": "excluded: a line of value 0 is not a purchase (a free item, or a price missing "
    "in the export)",
    "keep": "kept as purchases",
}


def _read_ids(notes: _Notes, frame: pd.DataFrame, rules: _Rules) -> tuple[np.ndarray, pd.Index]:
    """Customer codes (-1: missing or blank) and ids; notes the numbers stored as text, the
    rows without a customer and ids of mixed types."""
    value_col = rules.amount_col if rules.price_col is None else None
    as_text = _text_columns(frame, (value_col, rules.quantity_col, rules.price_col))
    if as_text:
        notes.info("numbers stored as text", f"read as numbers: {', '.join(map(repr, as_text))}")
    codes, uniques, mixed = _codes(frame[rules.customer_col])
    notes.add(
        "missing customer id", codes < 0, "excluded: a purchase without a customer (or blank)"
    )
    if mixed:
        notes.info(
            "customer ids of mixed types",
            f"{mixed:,} ids are numbers, the others text: all compared as text, so 12346 and "
            "'12346' are one customer",
        )
    return codes, uniques


def _window(
    notes: _Notes, parsed: _Dates, keep: np.ndarray, rules: _Rules
) -> tuple[pd.Timestamp, np.ndarray]:
    """The end of the observation window, and the rows kept once those after it are out."""
    dates = parsed.values
    if rules.observation_end is None:
        obs_end = dates[keep].max()
    else:
        obs_end = _observation_end(rules.observation_end, parsed.zone)
    if pd.isna(obs_end):
        raise ValueError(
            f"none of the {len(keep):,} rows is a purchase with a customer id "
            f"({int((~keep).sum()):,} rows have no {rules.customer_col!r})"
        )
    after_end = (dates > obs_end).to_numpy() & keep
    notes.add("after observation_end", after_end, f"excluded: later than {obs_end:%Y-%m-%d %H:%M}")
    return pd.Timestamp(obs_end), keep & ~after_end


def _duplicate_rows(
    notes: _Notes,
    frame: pd.DataFrame,
    compared: list[str],
    values: tuple[np.ndarray, np.ndarray, np.ndarray],
    candidates: np.ndarray,
    rule: str,
) -> np.ndarray:
    """Rows among ``candidates`` that repeat an earlier one in every mapped column (customer
    code, time, value, then the optional columns), counted; the rows to drop by ``rule``."""
    columns = [*values] + [frame[c].to_numpy() for c in compared[3:]]
    dup = np.zeros(len(frame), dtype=bool)
    dup[candidates] = _duplicated(columns, candidates)
    notes.add(
        "duplicate row",
        dup,
        ("dropped" if rule == "drop" else "kept (can be two real purchases)")
        + f"; rows compared on every mapped column: {', '.join(compared)}",
    )
    return dup if rule == "drop" else np.zeros(len(frame), dtype=bool)


def _settle_returns(
    notes: _Notes,
    frame: pd.DataFrame,
    rules: _Rules,
    lines: tuple[np.ndarray, np.ndarray, np.ndarray],
    purchase: np.ndarray,
    returned: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The purchases left and the line values, once the returns are netted (rule "net") or
    left aside (the other rules)."""
    codes, when, amount = lines
    value = amount.copy()
    if rules.returns == "net":
        product_col = rules.product_col
        product_codes = _codes(frame[product_col])[0] if product_col is not None else None
        value, cancelled = _net_against_purchases(
            notes, codes, product_codes, when, value, purchase, returned, product_col
        )
        purchase = purchase & ~cancelled
    return purchase, value


def _clean_lines(frame: pd.DataFrame, rules: _Rules) -> _Lines:
    """The cleaning rules of :func:`clean_transactions`, in order, each counted in the report.

    Prior validation is assumed of ``frame`` (a DataFrame) and of the rule names (``_Rules``);
    the columns are checked here, where they are read.
    """
    compared = _mapped_columns(frame, rules)
    parsed = _parse_dates(frame, rules.date_col, rules.date_format)
    amount = _line_value(frame, rules)
    notes = _Notes(amount)
    codes, uniques = _read_ids(notes, frame, rules)
    keep = codes >= 0
    is_return = _return_rows(frame, amount, keep, rules)
    if parsed.zone is not None:
        notes.info("dates with time zones", _zone_action(parsed))
    obs_end, keep = _window(notes, parsed, keep, rules)
    returned = is_return & keep
    action = _RETURN_ACTIONS["net" if rules.returns == "net" else "exclude"]
    notes.add("return or cancellation", returned, action)
    zero = keep & ~is_return & (amount == 0)
    notes.add("zero-value line", zero, _ZERO_ACTIONS[rules.zero_amounts])
    if rules.zero_amounts == "exclude":
        keep &= ~zero
    when = parsed.values.to_numpy(dtype="datetime64[ns]").view(np.int64)
    values = (codes, when, amount)
    keep &= ~_duplicate_rows(notes, frame, compared, values, keep & ~is_return, rules.duplicates)
    purchase, value = _settle_returns(notes, frame, rules, values, keep & ~is_return, returned)
    if not purchase.any():
        raise ValueError(
            f"none of the {len(frame):,} rows is a purchase on or before {obs_end:%Y-%m-%d}; "
            f"check observation_end and the sign of {rules.value_name!r}"
        )
    invoices = None if rules.invoice_col is None else frame[rules.invoice_col].to_numpy()
    return _Lines(
        index=frame.index,
        codes=codes,
        uniques=uniques,
        dates=parsed.values,
        value=value,
        purchase=purchase,
        returned=returned,
        zero=zero,
        invoices=invoices,
        obs_end=obs_end,
        report=notes.rows,
    )


_NOT_IN_SUMMARY = "not in the summary (counted in customers, not rows)"


def _customer_rows(lines: _Lines, zero_amounts: str) -> tuple[list[dict[str, object]], int]:
    """The report's two rows counted in customers (returns but no purchase; only zero-value
    lines), and the number of customers with a purchase."""
    n_ids = len(lines.uniques)

    def customers_with(rows: np.ndarray) -> np.ndarray:
        return np.bincount(lines.codes[rows], minlength=n_ids) > 0

    bought = customers_with(lines.purchase)
    returns_only = int((customers_with(lines.returned) & ~bought).sum())
    zero_only = int((customers_with(lines.zero) & ~bought).sum())
    return _customer_count_rows(returns_only, zero_only, zero_amounts), int(bought.sum())


def _customer_count_rows(
    returns_only: int, zero_only: int, zero_amounts: str
) -> list[dict[str, object]]:
    """The report's two rows counted in customers (the pandas path and the engines)."""
    zero_action = (
        _NOT_IN_SUMMARY
        if zero_amounts == "exclude"
        else "none: zero-value lines are kept as purchases"
    )
    counted = (
        ("customers with returns but no purchase", returns_only, _NOT_IN_SUMMARY),
        ("customers with only zero-value lines", zero_only, zero_action),
    )
    return [
        {"rule": rule, "rows": count, "share_of_rows": np.nan, "amount": np.nan, "action": action}
        for rule, count, action in counted
    ]


@dataclass(frozen=True, eq=False, repr=False)
class CleanedTransactions(Result):
    """The purchase lines left by the cleaning rules, and what each rule did: the result of
    :func:`clean_transactions`.

    Shown in JupyterLab as the report under a caption with its counts; pass it to
    :func:`research.segmentation.rfm_summary` to aggregate these lines (without cleaning
    again), and read :attr:`purchases` for any later step.

    Attributes
    ----------
    table : pandas.DataFrame
        The report (``to_frame()``): one row per rule with ``rule``, ``rows`` (the rows it
        touched; customers for the last two rules, which count customers), ``share_of_rows``,
        ``amount`` (the value involved) and ``action`` (what was done with them).
    rows_in : int
        Rows of the export.
    rows_used : int
        Rows left as purchases.
    customers : int
        Customers with at least one purchase (the rows of ``rfm_summary``).
    observation_end : pandas.Timestamp
        End of the window the rules were applied to.
    customer_col, date_col : str
        The columns of the customer id and of the date, in the export and in
        :attr:`purchases`.
    engine : str
        Where the rules ran and the lines stay: ``"pandas"``, or ``"polars"``, ``"duckdb"``
        or ``"pyspark"`` for a table of that engine (or a path of files, read by DuckDB),
        whose lines stay there until :func:`rfm_summary` aggregates them.
    """

    table: pd.DataFrame
    rows_in: int
    rows_used: int
    customers: int
    observation_end: pd.Timestamp
    customer_col: str
    date_col: str
    _rules: _Rules = field(repr=False)
    _lines: _Lines | None = field(repr=False)
    engine: str = "pandas"
    _lazy: object = field(default=None, repr=False)  # LazyLines, on another engine

    @property
    def columns(self) -> dict[str, str | None]:
        """The column arguments it was cleaned with (``customer_col``, ``date_col``,
        ``amount_col``, ``quantity_col``, ``price_col``, ``invoice_col``, ``product_col``;
        None where not mapped)."""
        return self._rules.columns

    @cached_property
    def _purchases(self) -> pd.DataFrame:
        if self._lines is None:  # lines on another engine: collected, without row labels
            from research.segmentation._lazy import collect_purchases

            return collect_purchases(self._lazy, self.customer_col, self.date_col)
        lines, rows = self._lines, self._lines.purchase
        return pd.DataFrame(
            {
                self.customer_col: lines.uniques.take(lines.codes[rows]),
                self.date_col: lines.dates.to_numpy()[rows],
                "amount": lines.value[rows],
            },
            index=lines.index[rows],
        )

    @property
    def purchases(self) -> pd.DataFrame:
        """One row per purchase line used (labelled as in the export), with the customer id,
        the timestamp and ``amount``, the line value net of the returns netted against it; a
        new DataFrame (built once, copied on each access).

        Lines cleaned on another engine are collected into memory here (numbered from 0, in
        customer and time order): on a large table, aggregate with :func:`rfm_summary`
        instead."""
        return self._purchases.copy()

    def _caption(self) -> str:
        return (
            f"Cleaning: {self.rows_used:,} of {self.rows_in:,} rows used as purchases, by "
            f"{self.customers:,} customers; observation end {self.observation_end:%Y-%m-%d}"
        )


def clean_transactions(
    transactions: pd.DataFrame,
    *,
    customer_col: str = CUSTOMER_COL,
    date_col: str = DATE_COL,
    amount_col: str | None = AMOUNT_COL,
    observation_end: str | pd.Timestamp | None = None,
    quantity_col: str | None = None,
    price_col: str | None = None,
    invoice_col: str | None = None,
    product_col: str | None = None,
    cancel_prefix: str | None = "C",
    returns: Literal["net", "exclude", "error"] = "net",
    duplicates: Literal["keep", "drop"] = "keep",
    zero_amounts: Literal["exclude", "keep"] = "exclude",
    date_format: str | None = None,
) -> CleanedTransactions:
    """Apply the cleaning rules to a transaction export: the purchase lines they leave, and a
    report of the rows each rule touched.

    Every step after cleaning (the RFM summary, a holdout count, a per-period chart) should
    read these lines, not the raw export, so that cancellations, returns, zero-value lines
    and rows without a customer are treated the same everywhere.

    Parameters
    ----------
    transactions : pandas.DataFrame, polars, DuckDB or Spark table, or path
        One row per purchase (or per purchase line). It is not modified. A polars DataFrame or
        LazyFrame, a DuckDB relation or a PySpark DataFrame is cleaned where it lives, and so
        is a path or glob of parquet or CSV files (read by DuckDB out of core, see
        :func:`research.engines.scan`); its dates must be timestamps, or text in one format
        (``date_format``, or that of the first date).
    customer_col, date_col : str
        Column names of the customer id and the purchase timestamp. Missing and blank ids are
        excluded and counted; ids of mixed types (numbers and text) are compared as text.
    amount_col : str or None, default "amount"
        Column of the **line total** (quantity x unit price), not the unit price. With
        ``quantity_col`` given, a warning says when it looks like a unit price (it hardly grows
        with the quantity). ``None`` with ``price_col``.
    observation_end : str or Timestamp, optional
        End of the observation (calibration) period. Default: the last date in the data (of any
        row with a customer id, returns included). Rows after it are excluded and counted.
    quantity_col : str, optional
        Quantity column; a negative quantity marks a return.
    price_col : str, optional
        Unit price column: with ``quantity_col``, the line value is quantity x price (pass
        ``amount_col=None`` if the export also has an ``"amount"`` column).
    invoice_col : str, optional
        Invoice / order id. When given, ``rfm_summary``'s ``n_purchases`` counts distinct
        invoices (not lines), and invoices starting with ``cancel_prefix`` are cancellations.
    product_col : str, optional
        Product id (e.g. a stock code): returns are netted against purchases of the same
        product, and duplicates are judged with it.
    cancel_prefix : str or None, default "C"
        Prefix of cancelled invoice ids (the Online Retail convention); ``None`` to disable.
    returns : {"net", "exclude", "error"}, default "net"
        Rule for returns and cancellations (negative amount, negative quantity or cancelled
        invoice), which are never purchases themselves. ``"net"``: each return, in time order,
        is taken off the same customer's (and, with ``product_col``, the same product's) latest
        purchases made on or before it that still have value left (last in, first out), never
        below zero; a purchase line returned in full is no longer a purchase, so an order
        cancelled in full lowers the purchase count, and a return larger than what it can net
        against is counted as unmatched. ``"exclude"``: spend stays gross (the purchases are not
        reduced). ``"error"``: raise. Either way the customer's returned value is in
        ``rfm_summary``'s ``returned_amount``.
    duplicates : {"keep", "drop"}, default "keep"
        Rule for rows identical in every mapped column (customer, date, value, and quantity,
        price, invoice and product when given; the report names them). Without an invoice id
        two identical rows can be two real purchases, so they are kept by default; either way
        they are counted.
    zero_amounts : {"exclude", "keep"}, default "exclude"
        Rule for lines of value 0 (free items, or prices missing in the export): excluded, so a
        customer whose only line is worth 0 is not a customer with a purchase; ``"keep"`` counts
        them as purchase occasions (as Fader, Hardie & Lee's CDNOW cohort does). Counted either
        way.
    date_format : str, optional
        ``strftime`` format of the dates when they are strings (e.g. ``"%Y%m%d"``).

    Returns
    -------
    CleanedTransactions
        The report (``to_frame()``, and its HTML table in JupyterLab), the counts
        (``rows_in``, ``rows_used``, ``customers``), ``observation_end`` and the
        ``purchases`` lines (customer, date, net ``amount``).

    Raises
    ------
    TypeError
        ``transactions`` is not a DataFrame, or a value column holds true/false values.
    ValueError
        A column is missing, the frame is empty, a date cannot be parsed or is missing, an amount
        is missing or not numeric, a rule name is unknown, a return was found with
        ``returns="error"``, or no purchase is left before ``observation_end``.

    Warns
    -----
    RFMDataWarning
        ``amount_col`` looks like a unit price (on the pandas path only: the check needs every
        value in memory).

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a"],
    ...                    "date": ["2024-01-01", "2024-01-05", "2024-01-06"],
    ...                    "amount": [10.0, 20.0, -20.0]})
    >>> cleaned = clean_transactions(tx)
    >>> cleaned.rows_used, cleaned.customers
    (1, 1)
    >>> cleaned.purchases  # doctest: +NORMALIZE_WHITESPACE
      customer_id       date  amount
    0           a 2024-01-01    10.0
    """
    rules = _Rules(
        customer_col=customer_col,
        date_col=date_col,
        amount_col=amount_col,
        observation_end=observation_end,
        quantity_col=quantity_col,
        price_col=price_col,
        invoice_col=invoice_col,
        product_col=product_col,
        cancel_prefix=cancel_prefix,
        returns=returns,
        duplicates=duplicates,
        zero_amounts=zero_amounts,
        date_format=date_format,
    )
    from research.engines import is_engine_table

    if is_engine_table(transactions):
        return _clean_on_engine(transactions, rules)
    frame = require_frame(
        transactions,
        "transactions",
        _ENGINE_HINT,
    )
    return _clean(frame, rules)


def _clean_on_engine(source: object, rules: _Rules) -> CleanedTransactions:
    """:func:`clean_transactions` of a table of another engine: the lines stay there."""
    from research.segmentation._lazy import clean_lazy

    lazy = clean_lazy(source, rules)
    return CleanedTransactions(
        table=pd.DataFrame(lazy.report),
        rows_in=lazy.rows_in,
        rows_used=lazy.rows_used,
        customers=lazy.customers,
        observation_end=lazy.obs_end,
        customer_col=rules.customer_col,
        date_col=rules.date_col,
        _rules=rules,
        _lines=None,
        engine=lazy.engine,
        _lazy=lazy,
    )


def _clean(frame: pd.DataFrame, rules: _Rules) -> CleanedTransactions:
    """:func:`clean_transactions` of a DataFrame with checked rules (also what
    :func:`research.segmentation.rfm_summary` runs on a raw export)."""
    lines = _clean_lines(frame, rules)
    customer_rows, customers = _customer_rows(lines, rules.zero_amounts)
    return CleanedTransactions(
        table=pd.DataFrame([*lines.report, *customer_rows]),
        rows_in=len(frame),
        rows_used=int(lines.purchase.sum()),
        customers=customers,
        observation_end=lines.obs_end,
        customer_col=rules.customer_col,
        date_col=rules.date_col,
        _rules=rules,
        _lines=lines,
    )


def _id_text(value: object) -> str:
    """An id as text: whole floats without their ``.0`` (12346.0 -> "12346")."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _drop_blank(
    codes: np.ndarray, uniques: pd.Index, blank: np.ndarray
) -> tuple[np.ndarray, pd.Index]:
    """Codes with the blank ids made missing (-1), and the ids without them."""
    if not blank.any():
        return codes, uniques
    renumber = np.where(blank, -1, np.cumsum(~blank) - 1)
    return np.where(codes >= 0, renumber[np.maximum(codes, 0)], -1), uniques[~blank]


def _codes(values: pd.Series) -> tuple[np.ndarray, pd.Index, int]:
    """Integer codes of ids (-1 for missing or blank) in the order of the sorted ids.

    Whole-number ids that a CSV reader gave as floats (a column of numbers with blanks) come
    back as integers. Ids of mixed types (numbers and text, as spreadsheets export them) are
    compared as text,
    whole numbers written without a decimal point; returns how many rows had a number id then.
    The checks run on the distinct ids only, so they cost little on long exports.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    codes, uniques = pd.factorize(values, sort=False)
    codes, uniques, mixed = codes.astype(np.int64), pd.Index(uniques), 0
    kind = pd.api.types.infer_dtype(uniques, skipna=True) if len(uniques) else "empty"
    if kind == "string":
        blank = pd.Series(uniques).str.strip().eq("").to_numpy(dtype=bool)
        codes, uniques = _drop_blank(codes, uniques, blank)
    elif kind == "floating":  # whole-number ids read as floats beside blanks: 1000, not 1000.0
        values = np.asarray(uniques, dtype=np.float64)
        if np.all(values == np.round(values)) and np.all(np.abs(values) < 2.0**53):
            uniques = pd.Index(values.astype(np.int64))
    elif kind.startswith("mixed"):
        items = np.asarray(uniques, dtype=object)
        number = np.array(
            [isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in items]
        )
        if number.any() and not number.all():
            mixed = int(np.isin(codes, np.flatnonzero(number)).sum())
            items = np.array([_id_text(v) for v in items], dtype=object)
            remap, merged = pd.factorize(items)
            codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
            uniques = pd.Index(merged, dtype=object)
        blank = np.array([isinstance(v, str) and not v.strip() for v in uniques], dtype=bool)
        codes, uniques = _drop_blank(codes, uniques, blank)
    if len(uniques) == 0:
        return codes, uniques, mixed
    try:
        order = uniques.argsort()
    except TypeError:  # ids of kinds that do not sort together (dates beside text, ...)
        mixed = len(codes) - int((codes < 0).sum())
        remap, merged = pd.factorize(np.array([_id_text(v) for v in uniques], dtype=object))
        codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
        uniques = pd.Index(merged, dtype=object)
        order = uniques.argsort()
    # each code to its id's rank; a missing id's code -1 picks the sentinel -1 at the end
    rank = np.empty(len(order) + 1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    rank[-1] = -1
    return rank[codes], uniques.take(order), mixed


def _as_int64(values: np.ndarray) -> np.ndarray:
    """Integers standing for the values exactly (equal values, equal integers)."""
    if values.dtype.kind in "iub":
        return values.astype(np.int64)
    if values.dtype.kind == "f":
        return (values.astype(np.float64) + 0.0).view(np.int64)  # + 0.0 makes -0.0 into 0.0
    return pd.factorize(values)[0].astype(np.int64)


def _hash_rows(columns: list[np.ndarray]) -> np.ndarray:
    """One 64-bit hash per row of int64 columns (splitmix64 finaliser, chained)."""
    # in place, in two buffers: a fresh array per step costs more than the arithmetic
    h = np.full(len(columns[0]), 0x9E3779B97F4A7C15, dtype=np.uint64)
    t = np.empty_like(h)
    with np.errstate(over="ignore"):
        for col in columns:
            np.add(h, col.view(np.uint64), out=h)
            for shift, factor in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):
                np.right_shift(h, np.uint64(shift), out=t)
                np.bitwise_xor(h, t, out=h)
                np.multiply(h, np.uint64(factor), out=h)
            np.right_shift(h, np.uint64(31), out=t)
            np.bitwise_xor(h, t, out=h)
    return h


def _duplicated(columns: list[np.ndarray], mask: np.ndarray) -> np.ndarray:
    """Which rows of ``mask`` repeat an earlier row in every column (exact, hash-accelerated).

    The columns are folded into one 64-bit hash; only rows whose hash occurs more than once
    can be duplicates, and those few rows are then settled exactly by pandas' ``duplicated``
    (so a hash collision can cost time, never a wrong answer).
    """
    every = bool(mask.all())
    ints = [_as_int64(np.asarray(col) if every else np.asarray(col)[mask]) for col in columns]
    h = _hash_rows(ints)
    ordered = np.sort(h)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    dup = np.zeros(len(h), dtype=bool)
    if len(repeated):
        cand = np.flatnonzero(pd.Index(np.unique(repeated)).get_indexer(h) >= 0)
        exact = pd.DataFrame({i: col[cand] for i, col in enumerate(ints)}).duplicated()
        dup[cand] = exact.to_numpy()
    return dup
