"""Cleaning a transaction export: the counted rules."""

from __future__ import annotations

import datetime
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from research._validation import require_columns, require_frame, rows_repr

__all__ = [
    "CleanedTransactions",
    "clean_transactions",
    "RFMDataWarning",
]

_TIME_UNITS = ("D", "W", "M")


class RFMDataWarning(UserWarning):
    """Rows of a transaction log were excluded or flagged by :func:`rfm_summary`'s rules."""


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------


def _period_codes(dates: pd.Series, time_unit: str) -> np.ndarray:
    """Integer period number of each timestamp: days, Monday-based weeks or months since 1970."""
    values = dates.to_numpy(dtype="datetime64[ns]")
    if time_unit == "D":
        return values.astype("datetime64[D]").astype(np.int64)
    if time_unit == "W":
        # 1970-01-01 was a Thursday: shifting by 3 days makes weeks run Monday..Sunday,
        # the same weeks as pandas' "W" (W-SUN) periods.
        return (values.astype("datetime64[D]").astype(np.int64) + 3) // 7
    return values.astype("datetime64[M]").astype(np.int64)


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


def _observation_end(value: object, dates: _Dates) -> pd.Timestamp:
    """``observation_end`` on the clock of the dates: an end with a zone is converted to the
    export's zone, one without is taken as on the export's clock."""
    try:
        end = pd.Timestamp(value)  # type: ignore[arg-type]
    except (ValueError, TypeError) as err:
        raise ValueError(
            f"observation_end={value!r} cannot be read as a date; give it like '2024-06-30'"
        ) from err
    if pd.isna(end):
        raise ValueError(f"observation_end={value!r} is not a date")
    if end.tzinfo is not None:
        end = end.tz_convert(dates.zone or "UTC").tz_localize(None)
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
                f"{raw[bad].head(5).tolist()}). Remove units or currency signs first."
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


_RETURN_RULES = ("net", "exclude", "error")


@dataclass
class _Lines:
    """Transaction lines after the cleaning rules (private): what the aggregation needs."""

    codes: np.ndarray  # customer code per row, -1 for no customer
    uniques: pd.Index  # customer ids, sorted
    dates: pd.Series
    value: np.ndarray  # line value, net of the returns netted against it
    purchase: np.ndarray  # rows that are purchases
    returned: np.ndarray  # rows that are returns or cancellations inside the window
    zero: np.ndarray  # rows of value 0 (excluded or kept by the zero_amounts rule)
    obs_end: pd.Timestamp
    report: list[dict[str, object]]
    n_in: int


def _line_value(
    frame: pd.DataFrame, amount_col: str | None, quantity_col: str | None, price_col: str | None
) -> np.ndarray:
    """The value of each line: ``amount_col``, or ``quantity_col`` x ``price_col``."""
    if price_col is not None:
        if quantity_col is None:
            raise ValueError(
                f"price_col={price_col!r} needs quantity_col: the line value is quantity x price"
            )
        if amount_col is not None and amount_col in frame.columns:
            raise ValueError(
                f"give the line value either as amount_col={amount_col!r} or as quantity_col x "
                f"price_col ({quantity_col!r} x {price_col!r}), not both: pass amount_col=None"
            )
        return _numeric(frame, quantity_col) * _numeric(frame, price_col)
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
            stacklevel=4,
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
    and of purchases at the same time the larger line is taken first.

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
    # event order: group, time, purchases before returns, smaller purchases pushed first; one
    # int64 key (group rank, time rank, kind) sorted stably after the value tie-break
    times, time_rank = np.unique(when[events], return_inverse=True)
    key = (rank * len(times) + time_rank) * 2 + is_return
    order = np.argsort(key, kind="stable")
    tied = np.flatnonzero(key[order][1:] == key[order][:-1])
    if len(tied):  # purchases of one group at one instant: the smaller pushed first
        runs = np.unique(np.r_[tied, tied + 1])
        inner = order[runs]
        order[runs] = inner[np.lexsort((np.where(is_return[inner], 0.0, step[inner]), key[inner]))]
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


def _check_rules(returns: str, duplicates: str, zero_amounts: str) -> None:
    if returns not in _RETURN_RULES:
        raise ValueError(f"returns must be one of {_RETURN_RULES}, got {returns!r}")
    if duplicates not in ("keep", "drop"):
        raise ValueError(f"duplicates must be 'keep' or 'drop', got {duplicates!r}")
    if zero_amounts not in ("exclude", "keep"):
        raise ValueError(f"zero_amounts must be 'exclude' or 'keep', got {zero_amounts!r}")


def _mapped_columns(
    frame: pd.DataFrame,
    customer_col: str,
    date_col: str,
    amount_col: str | None,
    price_col: str | None,
    optional: Sequence[str | None],
) -> list[str]:
    """The columns the arguments map, checked: customer, date, value, then the optional ones."""
    value_cols = [price_col] if price_col is not None else [amount_col]
    used = [customer_col, date_col, *value_cols] + [c for c in optional if c is not None]
    if price_col is None and amount_col is None:
        raise ValueError("pass amount_col (the line total) or price_col with quantity_col")
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
    frame: pd.DataFrame,
    amount: np.ndarray,
    keep: np.ndarray,
    *,
    rule: str,
    value_name: str,
    quantity_col: str | None,
    invoice_col: str | None,
    cancel_prefix: str | None,
) -> np.ndarray:
    """Rows that are returns or cancellations (negative value or quantity, cancelled invoice)."""
    is_return = amount < 0
    if quantity_col is not None:
        is_return |= _numeric(frame, quantity_col) < 0
    if invoice_col is not None and cancel_prefix:
        invoice = frame[invoice_col].astype("string")
        is_return |= invoice.str.startswith(cancel_prefix).fillna(False).to_numpy(dtype=bool)
    is_return &= keep
    if is_return.any() and rule == "error":
        raise ValueError(
            f"{int(is_return.sum()):,} of {len(frame):,} rows are returns or cancellations "
            f"(negative {value_name!r}"
            + (f" or {quantity_col!r}" if quantity_col else "")
            + (f", or {invoice_col!r} starting with {cancel_prefix!r}" if invoice_col else "")
            + f"; rows {rows_repr(frame.index[is_return])}). "
            "Use returns='net' to net them against the purchases they return."
        )
    return is_return


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
    by = f"customer and {product_col!r}" if product_col is not None else "customer"
    notes.add(
        "return netted against an earlier purchase",
        reduced,
        f"purchase value reduced: each return is taken off the same {by}'s latest "
        "purchases on or before it (last in, first out), never below zero",
        value=0.0 - float(netted.sum()),
    )
    notes.add(
        "purchase cancelled in full",
        cancelled,
        "no longer a purchase: an order cancelled in full lowers the purchase count",
    )
    notes.add(
        "return without an earlier purchase to net",
        unmatched,
        "the returned value exceeds the purchases it can net against (bought before the "
        "data start?): the rest is not netted, and kept in returned_amount",
        value=0.0 - unmatched_value,
    )
    value[cancelled] = 0.0
    return value, cancelled


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


def _clean_lines(
    frame: pd.DataFrame,
    *,
    customer_col: str,
    date_col: str,
    amount_col: str | None,
    observation_end: str | pd.Timestamp | None,
    quantity_col: str | None,
    price_col: str | None,
    invoice_col: str | None,
    product_col: str | None,
    cancel_prefix: str | None,
    returns: str,
    duplicates: str,
    zero_amounts: str,
    date_format: str | None,
) -> _Lines:
    """The cleaning rules of :func:`rfm_summary`, in order, each counted in the report."""
    _check_rules(returns, duplicates, zero_amounts)
    optional = (quantity_col, invoice_col, product_col)
    compared = _mapped_columns(frame, customer_col, date_col, amount_col, price_col, optional)
    n_in = len(frame)
    parsed = _parse_dates(frame, date_col, date_format)
    dates = parsed.values
    amount = _line_value(frame, amount_col, quantity_col, price_col)
    value_name = amount_col if price_col is None else f"{quantity_col} x {price_col}"
    notes = _Notes(amount)
    as_text = _text_columns(
        frame, (amount_col if price_col is None else None, quantity_col, price_col)
    )
    if as_text:
        notes.info("numbers stored as text", f"read as numbers: {', '.join(map(repr, as_text))}")
    codes, uniques, mixed = _codes(frame[customer_col])
    missing_id = codes < 0
    notes.add(
        "missing customer id", missing_id, "excluded: a purchase without a customer (or blank)"
    )
    if mixed:
        notes.info(
            "customer ids of mixed types",
            f"{mixed:,} ids are numbers, the others text: all compared as text, so 12346 and "
            "'12346' are one customer",
        )
    keep = ~missing_id
    is_return = _return_rows(
        frame,
        amount,
        keep,
        rule=returns,
        value_name=value_name,
        quantity_col=quantity_col,
        invoice_col=invoice_col,
        cancel_prefix=cancel_prefix,
    )
    if parsed.zone is not None:
        notes.info("dates with time zones", _zone_action(parsed))
    obs_end = (
        dates[keep].max() if observation_end is None else _observation_end(observation_end, parsed)
    )
    if pd.isna(obs_end):
        raise ValueError(
            f"none of the {n_in:,} rows is a purchase with a customer id "
            f"({int(missing_id.sum()):,} rows have no {customer_col!r})"
        )
    after_end = (dates > obs_end).to_numpy() & keep
    notes.add("after observation_end", after_end, f"excluded: later than {obs_end:%Y-%m-%d %H:%M}")
    keep &= ~after_end
    returned = is_return & keep
    notes.add(
        "return or cancellation",
        returned,
        _RETURN_ACTIONS["net" if returns == "net" else "exclude"],
    )
    zero = keep & ~is_return & (amount == 0)
    notes.add("zero-value line", zero, _ZERO_ACTIONS[zero_amounts])
    if zero_amounts == "exclude":
        keep &= ~zero

    when = dates.to_numpy(dtype="datetime64[ns]").view(np.int64)
    candidates = keep & ~is_return
    columns = [codes, when, amount] + [frame[c].to_numpy() for c in compared[3:]]
    dup = np.zeros(n_in, dtype=bool)
    dup[candidates] = _duplicated(columns, candidates)
    notes.add(
        "duplicate row",
        dup,
        ("dropped" if duplicates == "drop" else "kept (can be two real purchases)")
        + f"; rows compared on every mapped column: {', '.join(compared)}",
    )
    if duplicates == "drop":
        keep &= ~dup

    purchase = keep & ~is_return
    value = amount.copy()
    if returns == "net":
        product_codes = _codes(frame[product_col])[0] if product_col is not None else None
        value, cancelled = _net_against_purchases(
            notes, codes, product_codes, when, value, purchase, returned, product_col
        )
        purchase &= ~cancelled
    if not purchase.any():
        raise ValueError(
            f"none of the {n_in:,} rows is a purchase on or before {obs_end:%Y-%m-%d}; "
            f"check observation_end and the sign of {value_name!r}"
        )
    return _Lines(
        codes=codes,
        uniques=uniques,
        dates=dates,
        value=value,
        purchase=purchase,
        returned=returned,
        zero=zero,
        obs_end=pd.Timestamp(obs_end),
        report=notes.rows,
        n_in=n_in,
    )


@dataclass(frozen=True)
class CleanedTransactions:
    """The purchase lines left by :func:`rfm_summary`'s cleaning rules, and their report.

    Attributes
    ----------
    purchases : pandas.DataFrame
        One row per purchase line used (index of the input rows), with the customer id, the
        timestamp and ``amount``, the line value net of the returns netted against it.
    report : pandas.DataFrame
        One row per rule: rows, share of rows, amount and action, as :func:`rfm_summary`.
    observation_end : pandas.Timestamp
        End of the window the rules were applied to.
    """

    purchases: pd.DataFrame
    report: pd.DataFrame
    observation_end: pd.Timestamp


def clean_transactions(
    transactions: pd.DataFrame,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = "amount",
    *,
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
    """Apply :func:`rfm_summary`'s cleaning rules and return the purchase lines they leave.

    Every step after cleaning (a holdout count, a per-period chart) should read these lines,
    not the raw export, so that cancellations, returns, zero-value lines and rows without a
    customer are treated the same everywhere. The arguments are those of :func:`rfm_summary`.

    Returns
    -------
    CleanedTransactions
        ``purchases`` (customer, date, net ``amount``), ``report`` and ``observation_end``.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a"],
    ...                    "date": ["2024-01-01", "2024-01-05", "2024-01-06"],
    ...                    "amount": [10.0, 20.0, -20.0]})
    >>> clean_transactions(tx).purchases  # doctest: +NORMALIZE_WHITESPACE
      customer_id       date  amount
    0           a 2024-01-01    10.0
    """
    frame = require_frame(transactions, "transactions")
    lines = _clean_lines(
        frame,
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
    rows = lines.purchase
    purchases = pd.DataFrame(
        {
            customer_col: lines.uniques.take(lines.codes[rows]),
            date_col: lines.dates.to_numpy()[rows],
            "amount": lines.value[rows],
        },
        index=frame.index[rows],
    )
    return CleanedTransactions(purchases, pd.DataFrame(lines.report), lines.obs_end)


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

    Ids of mixed types (numbers and text, as spreadsheets export them) are compared as text,
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
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    codes = np.where(codes >= 0, rank[np.maximum(codes, 0)], -1)
    return codes, uniques.take(order), mixed


def _as_int64(values: np.ndarray) -> np.ndarray:
    """Integers standing for the values exactly (equal values, equal integers)."""
    if values.dtype.kind in "iub":
        return values.astype(np.int64)
    if values.dtype.kind == "f":
        return (values.astype(np.float64) + 0.0).view(np.int64)  # + 0.0 makes -0.0 into 0.0
    return pd.factorize(values)[0].astype(np.int64)


def _hash_rows(columns: list[np.ndarray]) -> np.ndarray:
    """One 64-bit hash per row of int64 columns (splitmix64 finaliser, chained)."""
    h = np.full(len(columns[0]), 0x9E3779B97F4A7C15, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for col in columns:
            x = col.view(np.uint64) + h
            x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            h = x ^ (x >> np.uint64(31))
    return h


def _duplicated(columns: list[np.ndarray], mask: np.ndarray) -> np.ndarray:
    """Which rows of ``mask`` repeat an earlier row in every column (exact, hash-accelerated).

    The columns are folded into one 64-bit hash; only rows whose hash occurs more than once
    can be duplicates, and those few rows are then settled exactly by pandas' ``duplicated``
    (so a hash collision can cost time, never a wrong answer).
    """
    ints = [_as_int64(np.asarray(col)[mask]) for col in columns]
    h = _hash_rows(ints)
    ordered = np.sort(h)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    dup = np.zeros(len(h), dtype=bool)
    if len(repeated):
        cand = np.flatnonzero(pd.Index(np.unique(repeated)).get_indexer(h) >= 0)
        exact = pd.DataFrame({i: col[cand] for i, col in enumerate(ints)}).duplicated()
        dup[cand] = exact.to_numpy()
    return dup
