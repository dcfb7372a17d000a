"""Customer segmentation: RFM from raw transactions, RFM scores and named segments, clusters.

Three layers, each usable on its own:

* :func:`rfm_summary` turns a transaction log into one row per customer, with recency,
  frequency and monetary value both in the sense of the buy-till-you-die models (lifetimes,
  pymc-marketing, BG/NBD) and in the plain marketing sense (days since last purchase, number of
  purchases, spend). Dirty rows (returns, missing ids, duplicates, rows past the observation end)
  are handled by documented rules and counted in a report.
* :func:`rfm_scores` and :func:`rfm_segments` give quantile scores 1-5 and named action segments
  (champions, loyal, at risk, ...) from a rule table the user can replace.
* :class:`CustomerSegmenter` clusters customers on log-scaled RFM features, scikit-learn style,
  choosing the number of segments by several criteria, profiling the segments and measuring how
  stable they are under resampling.

The aggregation in :func:`rfm_summary` is two ``GROUP BY`` steps (customer x period, then
customer), written so that the same steps can be pushed down to a SQL engine (DuckDB, Spark)
without changing the function's signature; everything downstream works on the per-customer
table.
"""

from __future__ import annotations

import datetime
import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler
from statsmodels.stats.weightstats import DescrStatsW
from tqdm import tqdm

from research._checks import (
    numeric_values,
    require_columns,
    require_frame,
    require_rows,
    rows_repr,
)

__all__ = [
    "CleanedTransactions",
    "clean_transactions",
    "RFMDataWarning",
    "RFM_SEGMENT_RULES",
    "rfm_summary",
    "rfm_scores",
    "rfm_segments",
    "segment_value_table",
    "CustomerSegmenter",
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
    group: np.ndarray, when: np.ndarray, value: np.ndarray, purchase: np.ndarray,
    returned: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, float]:  # fmt: skip
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
    """The cleaning rules of :func:`rfm_summary`, each counted in the report."""
    if returns not in _RETURN_RULES:
        raise ValueError(f"returns must be one of {_RETURN_RULES}, got {returns!r}")
    if duplicates not in ("keep", "drop"):
        raise ValueError(f"duplicates must be 'keep' or 'drop', got {duplicates!r}")
    if zero_amounts not in ("exclude", "keep"):
        raise ValueError(f"zero_amounts must be 'exclude' or 'keep', got {zero_amounts!r}")
    value_cols = [price_col] if price_col is not None else [amount_col]
    optional = (quantity_col, invoice_col, product_col)
    used = [customer_col, date_col, *value_cols] + [c for c in optional if c is not None]
    if price_col is None and amount_col is None:
        raise ValueError("pass amount_col (the line total) or price_col with quantity_col")
    require_columns(frame, used, "transactions")
    if len(used) != len(set(used)):
        raise ValueError(f"the column arguments must name different columns, got {used}")
    if frame.empty:
        raise ValueError("transactions is empty (0 rows): there is nothing to summarise")

    n_in = len(frame)
    parsed = _parse_dates(frame, date_col, date_format)
    dates = parsed.values
    amount = _line_value(frame, amount_col, quantity_col, price_col)
    value_name = amount_col if price_col is None else f"{quantity_col} x {price_col}"
    report: list[dict[str, object]] = []

    def note(rule: str, mask: np.ndarray, action: str, value: float | None = None) -> None:
        report.append(
            {
                "rule": rule,
                "rows": int(mask.sum()),
                "share_of_rows": float(mask.sum()) / n_in,
                "amount": float(amount[mask].sum()) if value is None else value,
                "action": action,
            }
        )

    as_text = [
        c
        for c in (amount_col if price_col is None else None, quantity_col, price_col)
        if c is not None and not pd.api.types.is_numeric_dtype(frame[c].dtype)
    ]
    if as_text:
        note(
            "numbers stored as text",
            np.zeros(n_in, dtype=bool),
            f"read as numbers: {', '.join(map(repr, as_text))}",
            value=np.nan,
        )
    keep = np.ones(n_in, dtype=bool)
    codes, uniques, mixed = _codes(frame[customer_col])
    missing_id = codes < 0
    note("missing customer id", missing_id, "excluded: a purchase without a customer (or blank)")
    if mixed:
        note(
            "customer ids of mixed types",
            np.zeros(n_in, dtype=bool),
            f"{mixed:,} ids are numbers, the others text: all compared as text, so 12346 and "
            "'12346' are one customer",
            value=np.nan,
        )
    keep &= ~missing_id

    is_return = amount < 0
    if quantity_col is not None:
        is_return |= _numeric(frame, quantity_col) < 0
    if invoice_col is not None and cancel_prefix:
        invoice = frame[invoice_col].astype("string")
        is_return |= invoice.str.startswith(cancel_prefix).fillna(False).to_numpy(dtype=bool)
    is_return &= keep
    if is_return.any() and returns == "error":
        raise ValueError(
            f"{int(is_return.sum()):,} of {n_in:,} rows are returns or cancellations (negative "
            f"{value_name!r}"
            + (f" or {quantity_col!r}" if quantity_col else "")
            + (f", or {invoice_col!r} starting with {cancel_prefix!r}" if invoice_col else "")
            + f"; rows {rows_repr(frame.index[is_return])}). "
            "Use returns='net' to net them against the purchases they return."
        )

    if parsed.zone is not None:
        note(
            "dates with time zones",
            np.zeros(n_in, dtype=bool),
            f"read on the export's clock ({parsed.zone}); days and weeks are its own"
            + (f"; {parsed.converted:,} dates with another offset converted to it" if
               parsed.converted else "")
            + (f"; {parsed.assumed:,} dates without an offset taken as on it" if
               parsed.assumed else ""),
            value=np.nan,
        )  # fmt: skip
    obs_end = (
        dates[keep].max() if observation_end is None else _observation_end(observation_end, parsed)
    )
    if pd.isna(obs_end):
        raise ValueError(
            f"none of the {n_in:,} rows is a purchase with a customer id "
            f"({int(missing_id.sum()):,} rows have no {customer_col!r})"
        )
    after_end = (dates > obs_end).to_numpy() & keep
    note("after observation_end", after_end, f"excluded: later than {obs_end:%Y-%m-%d %H:%M}")
    keep &= ~after_end
    returned = is_return & keep
    note(
        "return or cancellation",
        returned,
        "not a purchase; netted against the customer's earlier purchases (rules below); value "
        "kept per customer in returned_amount"
        if returns == "net"
        else "excluded from purchases, spend not reduced (gross); value kept per customer in "
        "returned_amount",
    )

    zero = keep & ~is_return & (amount == 0)
    note(
        "zero-value line",
        zero,
        "excluded: a line of value 0 is not a purchase (a free item, or a price missing in the "
        "export)"
        if zero_amounts == "exclude"
        else "kept as purchases",
    )
    if zero_amounts == "exclude":
        keep &= ~zero

    product_codes = None
    if product_col is not None:
        product_codes = _codes(frame[product_col])[0]
    candidates = keep & ~is_return
    compared = [customer_col, date_col, *value_cols] + [c for c in optional if c is not None]
    columns = [codes, dates.to_numpy(dtype="datetime64[ns]").view(np.int64), amount]
    columns += [frame[c].to_numpy() for c in compared[3:]]
    dup = np.zeros(n_in, dtype=bool)
    dup[candidates] = _duplicated(columns, candidates)
    note(
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
        group = codes.astype(np.int64)
        if product_codes is not None:
            group = group * (int(product_codes.max()) + 2) + (product_codes + 1)
        when = dates.to_numpy(dtype="datetime64[ns]").view(np.int64)
        netted, unmatched, unmatched_value = _net_returns(group, when, value, purchase, returned)
        value = value - netted
        reduced = netted > 0
        cancelled = reduced & (value <= 1e-9 * np.abs(amount))
        by = f"customer and {product_col!r}" if product_col is not None else "customer"
        note(
            "return netted against an earlier purchase",
            reduced,
            f"purchase value reduced: each return is taken off the same {by}'s latest "
            "purchases on or before it (last in, first out), never below zero",
            value=0.0 - float(netted.sum()),
        )
        note(
            "purchase cancelled in full",
            cancelled,
            "no longer a purchase: an order cancelled in full lowers the purchase count",
        )
        note(
            "return without an earlier purchase to net",
            unmatched,
            "the returned value exceeds the purchases it can net against (bought before the "
            "data start?): the rest is not netted, and kept in returned_amount",
            value=0.0 - unmatched_value,
        )
        value[cancelled] = 0.0
        purchase &= ~cancelled

    if not purchase.any():
        raise ValueError(
            f"none of the {n_in:,} rows is a purchase on or before {obs_end:%Y-%m-%d}; "
            f"check observation_end and the sign of {value_name!r}"
        )
    return _Lines(
        codes=codes, uniques=uniques, dates=dates, value=value, purchase=purchase,
        returned=returned, zero=zero, obs_end=pd.Timestamp(obs_end), report=report, n_in=n_in,
    )  # fmt: skip


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
        frame, customer_col=customer_col, date_col=date_col, amount_col=amount_col,
        observation_end=observation_end, quantity_col=quantity_col, price_col=price_col,
        invoice_col=invoice_col, product_col=product_col, cancel_prefix=cancel_prefix,
        returns=returns, duplicates=duplicates, zero_amounts=zero_amounts,
        date_format=date_format,
    )  # fmt: skip
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


def rfm_summary(
    transactions: pd.DataFrame,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = "amount",
    *,
    observation_end: str | pd.Timestamp | None = None,
    time_unit: Literal["D", "W", "M"] = "D",
    time_scale: float = 1.0,
    quantity_col: str | None = None,
    price_col: str | None = None,
    invoice_col: str | None = None,
    product_col: str | None = None,
    cancel_prefix: str | None = "C",
    returns: Literal["net", "exclude", "error"] = "net",
    duplicates: Literal["keep", "drop"] = "keep",
    zero_amounts: Literal["exclude", "keep"] = "exclude",
    date_format: str | None = None,
    return_report: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Summarise a transaction log into one row per customer: recency, frequency, monetary value.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per purchase (or per purchase line). It is not modified.
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
    time_unit : {"D", "W", "M"}, default "D"
        Clock of the model-sense columns: purchases in the same day (week, month) are one
        purchase occasion, and durations are counted in whole days (weeks, months), exactly as
        ``freq`` in lifetimes' ``summary_data_from_transaction_data``.
    time_scale : float, default 1.0
        Divide the model-sense durations by this, e.g. ``time_unit="D", time_scale=7`` gives weeks
        measured at daily resolution, as in Fader, Hardie & Lee (2005) (lifetimes'
        ``freq_multiplier``).
    quantity_col : str, optional
        Quantity column; a negative quantity marks a return.
    price_col : str, optional
        Unit price column: with ``quantity_col``, the line value is quantity x price (pass
        ``amount_col=None`` if the export also has an ``"amount"`` column).
    invoice_col : str, optional
        Invoice / order id. When given, ``n_purchases`` counts distinct invoices (not lines), and
        invoices starting with ``cancel_prefix`` are cancellations.
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
        ``returned_amount``.
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
    return_report : bool, default False
        Also return the cleaning report. When False and rows were excluded or flagged, the
        report is shown as an :class:`RFMDataWarning` instead, so nothing is dropped silently.

    Returns
    -------
    summary : pandas.DataFrame
        Indexed by customer id (sorted), with columns:

        model sense (lifetimes / pymc-marketing / BG/NBD), in ``time_unit / time_scale`` units:

        - ``frequency``: number of repeat purchase occasions (occasions - 1);
        - ``recency``: age of the customer at the last purchase (last - first occasion);
        - ``T``: age of the customer at ``observation_end`` (end - first occasion);
        - ``monetary_value``: mean value of the repeat occasions (0 without repeats).

        plain marketing sense:

        - ``days_since_last``: days from the last purchase to ``observation_end``;
        - ``n_purchases``: number of purchases (rows, or distinct invoices with ``invoice_col``);
        - ``total_spend`` and ``avg_spend`` (``total_spend / n_purchases``);
        - ``first_purchase`` and ``last_purchase`` timestamps;
        - ``returned_amount``: value of the customer's returns and cancellations (positive
          number), netted or not.
    report : pandas.DataFrame
        Only with ``return_report=True``: one row per rule with the rows (and customers) it
        affected, the value involved and what was done.

    Raises
    ------
    TypeError
        ``transactions`` is not a DataFrame.
    ValueError
        A column is missing, the frame is empty, a date cannot be parsed or is missing, an amount
        is missing or not numeric, a return was found with ``returns="error"``, or no purchase is
        left before ``observation_end``.

    Warns
    -----
    RFMDataWarning
        ``amount_col`` looks like a unit price; or, without ``return_report``, rows were
        excluded or flagged (the report as text).

    Examples
    --------
    >>> tx = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b"],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-11", "2024-01-05"]),
    ...     "amount": [10.0, 5.0, 20.0, 8.0],
    ... })
    >>> rfm_summary(tx, observation_end="2024-01-31")[["frequency", "recency", "T",
    ...     "monetary_value", "n_purchases"]]  # doctest: +NORMALIZE_WHITESPACE
                 frequency  recency     T  monetary_value  n_purchases
    customer_id
    a                  1.0     10.0  30.0            20.0            3
    b                  0.0      0.0  26.0             0.0            1
    """
    frame = require_frame(transactions, "transactions")
    if time_unit not in _TIME_UNITS:
        raise ValueError(f"time_unit must be one of {_TIME_UNITS}, got {time_unit!r}")
    if not (isinstance(time_scale, int | float) and time_scale > 0 and math.isfinite(time_scale)):
        raise ValueError(f"time_scale must be a positive number, got {time_scale!r}")
    lines = _clean_lines(
        frame, customer_col=customer_col, date_col=date_col, amount_col=amount_col,
        observation_end=observation_end, quantity_col=quantity_col, price_col=price_col,
        invoice_col=invoice_col, product_col=product_col, cancel_prefix=cancel_prefix,
        returns=returns, duplicates=duplicates, zero_amounts=zero_amounts,
        date_format=date_format,
    )  # fmt: skip
    report, n_in, purchase, obs_end = lines.report, lines.n_in, lines.purchase, lines.obs_end
    summary, only_returns = _aggregate(
        codes=lines.codes,
        uniques=lines.uniques,
        dates=lines.dates,
        amount=lines.value,
        purchase=purchase,
        returned=lines.returned,
        invoices=frame[invoice_col] if invoice_col is not None else None,
        obs_end=pd.Timestamp(obs_end),
        time_unit=time_unit,
        time_scale=float(time_scale),
    )
    summary.index.name = customer_col

    report.append(
        {
            "rule": "customers with returns but no purchase",
            "rows": only_returns,
            "share_of_rows": np.nan,
            "amount": np.nan,
            "action": "not in the summary (counted in customers, not rows)",
        }
    )
    n_ids = len(lines.uniques)
    zero_only = (np.bincount(lines.codes[lines.zero], minlength=n_ids) > 0) & (
        np.bincount(lines.codes[purchase], minlength=n_ids) == 0
    )
    report.append(
        {
            "rule": "customers with only zero-value lines",
            "rows": int(zero_only.sum()),
            "share_of_rows": np.nan,
            "amount": np.nan,
            "action": "not in the summary (counted in customers, not rows)"
            if zero_amounts == "exclude"
            else "none: zero-value lines are kept as purchases",
        }
    )
    report_frame = pd.DataFrame(report)
    report_frame.attrs["rows_in"] = n_in
    report_frame.attrs["rows_used"] = int(purchase.sum())
    report_frame.attrs["customers"] = len(summary)
    report_frame.attrs["observation_end"] = pd.Timestamp(obs_end)
    if return_report:
        return summary, report_frame
    flagged = report_frame[report_frame["rows"] > 0]
    if len(flagged):
        lines = "; ".join(f"{r.rule}: {r.rows:,} ({r.action})" for r in flagged.itertuples())
        warnings.warn(
            f"rfm_summary used {int(purchase.sum()):,} of {n_in:,} rows. {lines}. "
            "Pass return_report=True to get these counts as a table.",
            RFMDataWarning,
            stacklevel=2,
        )
    return summary


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


def _aggregate(
    *,
    codes: np.ndarray,
    uniques: pd.Index,
    dates: pd.Series,
    amount: np.ndarray,
    purchase: np.ndarray,
    returned: np.ndarray,
    invoices: pd.Series | None,
    obs_end: pd.Timestamp,
    time_unit: str,
    time_scale: float,
) -> tuple[pd.DataFrame, int]:
    """The two GROUP BY steps of :func:`rfm_summary`, on clean rows.

    Step 1, per (customer, period): ``SUM(amount)``. Step 2, per customer: ``MIN/MAX(period)``,
    ``COUNT(*)`` of periods, ``SUM(amount)``, the amount of the first period, ``MIN/MAX(date)``
    and the number of purchases. Both are plain aggregations that a SQL engine can run; here
    they are one sort of the purchase rows by (customer, period) and segment-wise reductions.

    Returns the summary of the customers with at least one purchase, and the number of
    customers who only have returns.
    """
    n_customers = len(uniques)
    p_codes = codes[purchase]
    p_amt = amount[purchase]
    p_when = dates.to_numpy(dtype="datetime64[ns]")[purchase].view(np.int64)

    total = np.bincount(p_codes, weights=p_amt, minlength=n_customers)
    if invoices is None:
        n_purchases = np.bincount(p_codes, minlength=n_customers)
    else:
        inv = pd.factorize(invoices[purchase])[0].astype(np.int64)
        pairs = pd.unique(p_codes * (inv.max() + 1) + inv)
        n_purchases = np.bincount(pairs // (inv.max() + 1), minlength=n_customers)
    returned_amount = np.bincount(
        codes[returned], weights=np.abs(amount[returned]), minlength=n_customers
    )
    has_return = np.bincount(codes[returned], minlength=n_customers) > 0
    only_returns = int(((n_purchases == 0) & has_return).sum())

    # step 1: purchase occasions = distinct (customer, period), with their summed value
    period = _period_codes(pd.Series(p_when.view("datetime64[ns]")), time_unit)
    p_min = period.min()
    span = np.int64(period.max() - p_min + 1)
    key = p_codes * span + (period - p_min)
    order = np.argsort(key, kind="stable")
    key = key[order]
    occ_start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    occ_amt = np.add.reduceat(p_amt[order], occ_start)
    occ_cust = key[occ_start] // span
    occ_period = key[occ_start] % span + p_min

    # step 2: per customer, over its occasions (sorted by period) and its rows
    cust_occ = np.flatnonzero(np.r_[True, occ_cust[1:] != occ_cust[:-1]])
    cust = occ_cust[cust_occ]
    n_occ = np.diff(np.r_[cust_occ, len(occ_cust)])
    first_period = occ_period[cust_occ]
    last_period = occ_period[np.r_[cust_occ[1:], len(occ_cust)] - 1]
    first_amount = occ_amt[cust_occ]
    cust_rows = occ_start[cust_occ]
    when_sorted = p_when[order]
    first_ns = np.minimum.reduceat(when_sorted, cust_rows)
    last_ns = np.maximum.reduceat(when_sorted, cust_rows)

    end_period = _period_codes(pd.Series([obs_end]), time_unit)[0]
    frequency = (n_occ - 1).astype(np.float64)
    n_buy = n_purchases[cust]
    spend = total[cust]
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, (spend - first_amount) / frequency, 0.0)
    last_ts = pd.DatetimeIndex(last_ns.view("datetime64[ns]"))
    days_since = (obs_end.normalize() - last_ts.normalize()).days.to_numpy(dtype=np.int64)

    summary = pd.DataFrame(
        {
            "frequency": frequency,
            "recency": (last_period - first_period) / time_scale,
            "T": (end_period - first_period) / time_scale,
            "monetary_value": monetary,
            "days_since_last": days_since,
            "n_purchases": n_buy.astype(np.int64),
            "total_spend": spend,
            "avg_spend": spend / n_buy,
            "first_purchase": first_ns.view("datetime64[ns]"),
            "last_purchase": last_ns.view("datetime64[ns]"),
            "returned_amount": returned_amount[cust],
        },
        index=uniques.take(cust),
    )
    return summary, only_returns


# --------------------------------------------------------------------------------------------
# RFM scores and named segments
# --------------------------------------------------------------------------------------------

_SCORE_COLS = ("r_score", "f_score", "m_score", "fm_score")


def _quantile_score(values: pd.Series, bins: int, *, higher_is_better: bool) -> np.ndarray:
    """Score 1..bins from the share of customers strictly worse than this one.

    ``score = 1 + floor(bins * (rank_min - 1) / n)``, where ``rank_min`` ranks from worst to best
    and gives tied customers the lowest rank of their group, so equal values always get equal
    scores (a tie that straddles a quantile boundary stays together, in the lower score).
    """
    key = values if higher_is_better else -values
    rank_min = key.rank(method="min").to_numpy()
    return (1 + np.floor(bins * (rank_min - 1) / len(values))).astype(np.int64)


def rfm_scores(
    summary: pd.DataFrame,
    bins: int = 5,
    *,
    recency_col: str = "days_since_last",
    frequency_col: str = "n_purchases",
    monetary_col: str = "total_spend",
) -> pd.DataFrame:
    """Quantile scores 1..``bins`` for recency, frequency and monetary value.

    Higher is better for every score: R is high for customers who bought recently (few days
    since the last purchase), F for those who bought often, M for those who spent most.
    Customers with the same value always get the same score (see Notes).

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per customer, e.g. from :func:`rfm_summary`. Not modified.
    bins : int, default 5
        Number of score levels (2..10).
    recency_col, frequency_col, monetary_col : str
        Columns scored; the defaults are the plain-marketing columns of :func:`rfm_summary`.

    Returns
    -------
    pandas.DataFrame
        A copy of ``summary`` with ``r_score``, ``f_score``, ``m_score`` (int 1..bins),
        ``fm_score`` (the mean of F and M rounded half up), ``rfm_cell`` (e.g. ``"545"``) and
        ``rfm_total`` (R + F + M).

    Notes
    -----
    ``score = 1 + floor(bins * s)``, where ``s`` is the share of customers strictly worse than
    this one. On data with many ties (most customers buy once) some scores are then unused:
    all one-time buyers share F = 1 instead of being spread over 1 and 2 at random.

    Examples
    --------
    >>> s = pd.DataFrame({"days_since_last": [5, 50, 500, 50],
    ...                   "n_purchases": [4, 1, 1, 2], "total_spend": [400.0, 20, 10, 80]})
    >>> rfm_scores(s, bins=4)[["r_score", "f_score", "m_score", "rfm_cell"]]
       r_score  f_score  m_score rfm_cell
    0        4        4        4      444
    1        2        1        2      212
    2        1        1        1      111
    3        2        3        3      233
    """
    frame = require_frame(summary, "summary")
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or not 2 <= bins <= 10:
        raise ValueError(f"bins must be an integer from 2 to 10, got {bins!r}")
    cols = [recency_col, frequency_col, monetary_col]
    require_columns(frame, cols, "summary")
    if frame.empty:
        raise ValueError("summary is empty (0 customers): there is nothing to score")
    for col in cols:
        numeric_values(frame, col, "summary")
    out = frame.copy()
    out["r_score"] = _quantile_score(frame[recency_col], bins, higher_is_better=False)
    out["f_score"] = _quantile_score(frame[frequency_col], bins, higher_is_better=True)
    out["m_score"] = _quantile_score(frame[monetary_col], bins, higher_is_better=True)
    out["fm_score"] = np.floor((out["f_score"] + out["m_score"]) / 2 + 0.5).astype(np.int64)
    out["rfm_cell"] = (
        out["r_score"].astype("string")
        + out["f_score"].astype("string")
        + out["m_score"].astype("string")
    )
    out["rfm_total"] = out["r_score"] + out["f_score"] + out["m_score"]
    return out


#: The default segment rules: ranges of the R score and of the FM score (both 1..5), first match
#: wins, covering every cell of the 5 x 5 grid exactly once. Each row also says what marketing
#: and what sales should do with the segment. Pass your own table (same columns) to
#: :func:`rfm_segments` to change it.
RFM_SEGMENT_RULES = pd.DataFrame(
    [
        ("champions", 5, 5, 4, 5,
         "bought recently, buy often and spend the most",
         "reward; ask for reviews and referrals; early access to new products",
         "account review; upsell premium and bundles"),
        ("loyal", 3, 4, 4, 5,
         "buy often and spend well, a little less recently",
         "loyalty programme; cross-sell related products",
         "regular check-in; propose volume or subscription deals"),
        ("potential loyalist", 4, 5, 2, 3,
         "recent customers with average frequency and spend",
         "membership offer; personalised recommendations",
         "follow up on the last purchase; suggest the next product"),
        ("new", 5, 5, 1, 1,
         "bought for the first time very recently",
         "onboarding series; make the second purchase easy",
         "welcome call for large first orders"),
        ("promising", 4, 4, 1, 1,
         "recent buyers who have not spent much yet",
         "brand awareness content; free trials of other lines",
         "light touch; qualify for growth potential"),
        ("need attention", 3, 3, 3, 3,
         "above-average recency, frequency and spend, slipping",
         "limited-time offer based on past purchases",
         "call to understand needs before they drift"),
        ("about to sleep", 3, 3, 1, 2,
         "below-average recency, frequency and spend",
         "reactivation campaign with popular products; discount",
         "no personal effort unless the account is large"),
        ("cannot lose them", 1, 2, 5, 5,
         "were the best customers, have not bought for long",
         "win-back with new products and strong incentives",
         "senior call now: find out what went wrong"),
        ("at risk", 1, 2, 3, 4,
         "spent well and often, but long ago",
         "personalised reactivation emails; renewal offers",
         "call the larger accounts; ask for feedback"),
        ("hibernating", 1, 2, 2, 2,
         "last purchase long ago, few orders, low spend",
         "low-cost reactivation only; relevant offers",
         "none: leave to marketing automation"),
        ("lost", 1, 2, 1, 1,
         "lowest recency, frequency and spend",
         "ignore, or one last low-cost win-back attempt",
         "none"),
    ],
    columns=[
        "segment", "r_min", "r_max", "fm_min", "fm_max",
        "description", "marketing_action", "sales_action",
    ],
)  # fmt: skip


def _rule_grid(rules: pd.DataFrame, bins: int) -> np.ndarray:
    """Map each (R, FM) cell to the index of the rule that covers it (-1: none)."""
    need = ["segment", "r_min", "r_max", "fm_min", "fm_max"]
    require_columns(rules, need, "rules")
    if rules["segment"].duplicated().any():
        raise ValueError(
            "rules name a segment twice: "
            f"{sorted(rules.loc[rules['segment'].duplicated(), 'segment'])}"
        )
    grid = np.full((bins + 1, bins + 1), -1, dtype=np.int64)
    for i, rule in enumerate(rules[need].itertuples(index=False)):
        lo_hi = (rule.r_min, rule.r_max, rule.fm_min, rule.fm_max)
        if not all(isinstance(v, int | np.integer) and 1 <= v <= bins for v in lo_hi):
            raise ValueError(
                f"rule {rule.segment!r} has score bounds {lo_hi}; each must be an integer 1..{bins}"
            )
        for r in range(rule.r_min, rule.r_max + 1):
            for fm in range(rule.fm_min, rule.fm_max + 1):
                if grid[r, fm] >= 0:
                    raise ValueError(
                        f"rules overlap: cell R={r}, FM={fm} is in both "
                        f"{rules['segment'].iloc[grid[r, fm]]!r} and {rule.segment!r}"
                    )
                grid[r, fm] = i
    return grid


def rfm_segments(
    summary: pd.DataFrame,
    rules: pd.DataFrame | None = None,
    *,
    bins: int = 5,
    **score_columns: str,
) -> pd.DataFrame:
    """Name each customer's action segment (champions, loyal, at risk, ...) from RFM scores.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per customer: the output of :func:`rfm_scores`, or of :func:`rfm_summary`, in
        which case the scores are computed first. Not modified.
    rules : pandas.DataFrame, optional
        Rule table with columns ``segment, r_min, r_max, fm_min, fm_max`` (inclusive score
        ranges) and optionally ``description, marketing_action, sales_action``. Rules may not
        overlap. Default :data:`RFM_SEGMENT_RULES`, which covers every cell of the 5 x 5 grid.
    bins : int, default 5
        Score levels, when the scores are computed here.
    **score_columns : str
        ``recency_col``, ``frequency_col``, ``monetary_col`` passed to :func:`rfm_scores`.

    Returns
    -------
    pandas.DataFrame
        The scored frame with a ``segment`` column: an ordered categorical in the order of the
        rule table, plus ``"unclassified"`` when a custom table leaves cells uncovered (a
        warning then says how many customers fell there).

    Examples
    --------
    >>> s = pd.DataFrame({"days_since_last": [5, 50, 500, 400, 20],
    ...                   "n_purchases": [9, 3, 1, 6, 1], "total_spend": [900.0, 80, 9, 700, 15]})
    >>> rfm_segments(s)["segment"].tolist()
    ['champions', 'need attention', 'lost', 'at risk', 'potential loyalist']
    """
    frame = require_frame(summary, "summary")
    if not set(_SCORE_COLS) <= set(frame.columns):
        frame = rfm_scores(frame, bins, **score_columns)
    else:
        frame = frame.copy()
        bins = int(max(frame["r_score"].max(), frame["fm_score"].max(), bins))
    rules = RFM_SEGMENT_RULES if rules is None else require_frame(rules, "rules")
    grid = _rule_grid(rules, bins)
    which = grid[frame["r_score"].to_numpy(), frame["fm_score"].to_numpy()]
    names = list(rules["segment"].astype(str))
    categories = names + (["unclassified"] if (which < 0).any() else [])
    labels = np.where(which >= 0, np.array(names, dtype=object)[which], "unclassified")
    frame["segment"] = pd.Categorical(labels, categories=categories, ordered=True)
    if (which < 0).any():
        warnings.warn(
            f"{int((which < 0).sum()):,} of {len(frame):,} customers fall in no rule's cells "
            "and are labelled 'unclassified'",
            RFMDataWarning,
            stacklevel=2,
        )
    return frame


def segment_value_table(
    segmented: pd.DataFrame,
    segment_col: str = "segment",
    value_col: str = "total_spend",
    *,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Customers and value per segment, with a confidence interval for the mean value.

    Parameters
    ----------
    segmented : pandas.DataFrame
        One row per customer, e.g. the output of :func:`rfm_segments`.
        Not modified.
    segment_col : str, default "segment"
        Segment column. A categorical keeps its category order and its empty categories
        (with 0 customers); other columns are sorted.
    value_col : str, default "total_spend"
        Column holding each customer's value.
    ci : float, default 0.95
        Level of the t-interval for the mean value.

    Returns
    -------
    pandas.DataFrame
        Indexed by segment, with ``customers``, ``share`` (of all customers), ``value_total``,
        ``value_share`` (of all value), ``value_mean``, ``value_mean_low`` and
        ``value_mean_high`` (t-interval from statsmodels' ``DescrStatsW.tconfint_mean``; NaN
        for segments of fewer than 2 customers). The columns match
        ``CustomerSegmenter.profile()``, so :func:`research.plots.plot_segment_value` draws either.

    Raises
    ------
    ValueError
        A column is missing, the frame is empty, a segment or value is missing, or ``ci`` is
        not between 0 and 1.

    Examples
    --------
    >>> seg = pd.DataFrame({"segment": pd.Categorical(["a", "a", "b"], categories=["a", "b", "c"]),
    ...                     "total_spend": [10.0, 30.0, 5.0]})
    >>> segment_value_table(seg)[["customers", "share", "value_total", "value_share"]]
    ... # doctest: +NORMALIZE_WHITESPACE
             customers     share  value_total  value_share
    segment
    a                2  0.666667         40.0     0.888889
    b                1  0.333333          5.0     0.111111
    c                0  0.000000          0.0     0.000000
    """
    frame = require_frame(segmented, "segmented")
    require_columns(frame, [segment_col, value_col], "segmented")
    require_rows(frame, "segmented")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, got {ci!r}")
    missing = frame[segment_col].isna()
    if missing.any():
        raise ValueError(
            f"column {segment_col!r} of segmented has {int(missing.sum()):,} missing segments "
            f"of {len(frame):,} rows (rows {rows_repr(frame.index[missing.to_numpy()])})"
        )
    value = pd.Series(numeric_values(frame, value_col, "segmented"), index=frame.index)
    groups = value.groupby(frame[segment_col], observed=False, sort=True)
    out = pd.DataFrame({"customers": groups.size().astype(np.int64), "value_total": groups.sum()})
    out.index.name = segment_col
    out["value_total"] = out["value_total"].fillna(0.0)
    out.insert(1, "share", out["customers"] / len(frame))
    total = value.sum()
    out["value_share"] = out["value_total"] / total if total else np.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        out["value_mean"] = out["value_total"] / out["customers"].where(out["customers"] > 0)
    low = pd.Series(np.nan, index=out.index)
    high = pd.Series(np.nan, index=out.index)
    for label, vals in value.groupby(frame[segment_col], observed=True, sort=False):
        if len(vals) >= 2:
            low[label], high[label] = DescrStatsW(vals.to_numpy()).tconfint_mean(alpha=1 - ci)
    out["value_mean_low"] = low
    out["value_mean_high"] = high
    return out


# --------------------------------------------------------------------------------------------
# CustomerSegmenter
# --------------------------------------------------------------------------------------------

_CRITERIA = {
    # name: (higher is better?)
    "silhouette": True,
    "calinski_harabasz": True,
    "davies_bouldin": False,
    "bic": False,
}


class CustomerSegmenter(BaseEstimator):
    """Cluster customers on log-scaled RFM features, scikit-learn style.

    Parameters
    ----------
    n_segments : int or "auto", default "auto"
        Number of segments. ``"auto"`` fits every k in ``k_range`` and keeps the k with the best
        mean rank over the silhouette (higher is better), Calinski-Harabasz (higher),
        Davies-Bouldin (lower) and, for the Gaussian mixture, BIC (lower); ties go to the
        smaller k. The scores are kept in ``selection_scores_``.
    method : {"kmeans", "gmm"}, default "kmeans"
        k-means or a Gaussian mixture (full covariance).
    features : sequence of str
        Columns of the customer table used for clustering. Default: days since last purchase,
        number of purchases and average spend (from :func:`rfm_summary`).
    value_col : str, default "total_spend"
        Column that measures a customer's value, for ordering and profiling the segments.
    log_transform : bool, default True
        Apply ``log1p`` to the features before scaling (RFM features are heavily skewed).
    k_range : tuple of int, default (3, 8)
        Smallest and largest k tried with ``n_segments="auto"``. It starts at 3 because the
        criteria tend to favour the obvious two-way split (repeat buyers against one-time
        buyers), which every analyst already knows; pass ``(2, 8)`` to allow it.
    silhouette_sample : int, default 5_000
        The silhouette is computed on a random sample of this many customers (its cost grows
        with the square of the number of customers).
    n_init : int, default 10
        Restarts of k-means / the mixture's EM.
    random_state : int, default 0
        Seed for every random step; the same data gives the same segments.

    Attributes
    ----------
    n_segments_ : int
        Number of segments fitted.
    selection_scores_ : pandas.DataFrame
        One row per k tried: each criterion, its rank, the mean rank and which k was chosen.
    labels_ : pandas.Series
        Segment (1..n_segments_) of every training customer. Segment 1 has the highest mean
        value, segment 2 the next, and so on.
    segment_names_ : dict
        Segment number -> short descriptive name (e.g. ``"recent, frequent, high spend"``).
    cluster_centers_ : pandas.DataFrame
        Mean of each feature per segment, in the features' own units.
    model_ : KMeans or GaussianMixture
        The fitted clustering model (on scaled features).

    Examples
    --------
    >>> seg = CustomerSegmenter(n_segments=4, random_state=0).fit(summary)  # doctest: +SKIP
    >>> seg.profile()  # doctest: +SKIP
    """

    def __init__(
        self,
        n_segments: int | Literal["auto"] = "auto",
        *,
        method: Literal["kmeans", "gmm"] = "kmeans",
        features: Sequence[str] = ("days_since_last", "n_purchases", "avg_spend"),
        value_col: str = "total_spend",
        log_transform: bool = True,
        k_range: tuple[int, int] = (3, 8),
        silhouette_sample: int = 5_000,
        n_init: int = 10,
        random_state: int = 0,
    ) -> None:
        self.n_segments = n_segments
        self.method = method
        self.features = features
        self.value_col = value_col
        self.log_transform = log_transform
        self.k_range = k_range
        self.silhouette_sample = silhouette_sample
        self.n_init = n_init
        self.random_state = random_state

    # -- helpers ----------------------------------------------------------------------------

    def _check_params(self) -> None:
        if self.method not in ("kmeans", "gmm"):
            raise ValueError(f"method must be 'kmeans' or 'gmm', got {self.method!r}")
        if self.n_segments != "auto" and not (
            isinstance(self.n_segments, int | np.integer)
            and not isinstance(self.n_segments, bool)
            and self.n_segments >= 2
        ):
            raise ValueError(
                f"n_segments must be 'auto' or an integer >= 2, got {self.n_segments!r}"
            )
        lo, hi = self.k_range
        if not (2 <= lo <= hi):
            raise ValueError(
                f"k_range must be (low, high) with 2 <= low <= high, got {self.k_range}"
            )
        if isinstance(self.features, str) or len(self.features) == 0:
            raise ValueError(
                f"features must be a non-empty list of column names, got {self.features!r}"
            )

    def _features(self, X: pd.DataFrame, what: str) -> pd.DataFrame:
        frame = require_frame(X, what)
        cols = list(self.features)
        require_columns(frame, cols, what)
        if frame.empty:
            raise ValueError(f"{what} is empty (0 customers)")
        data = frame[cols]
        for col in cols:
            if not pd.api.types.is_numeric_dtype(data[col].dtype) or pd.api.types.is_bool_dtype(
                data[col].dtype
            ):
                raise TypeError(f"feature {col!r} must be numeric, got dtype {data[col].dtype}")
        values = data.to_numpy(dtype=np.float64)
        bad = ~np.isfinite(values).all(axis=1)
        if bad.any():
            raise ValueError(
                f"{what} has {int(bad.sum()):,} of {len(frame):,} customers with missing or "
                f"infinite feature values (rows {rows_repr(frame.index[bad])})"
            )
        if self.log_transform:
            neg = (values < 0).any(axis=1)
            if neg.any():
                raise ValueError(
                    f"{what} has {int(neg.sum()):,} customers with negative feature values "
                    f"(rows {rows_repr(frame.index[neg])}); log_transform needs values >= 0: "
                    "clean them or pass log_transform=False"
                )
            values = np.log1p(values)
        return pd.DataFrame(values, index=frame.index, columns=cols)

    def _new_model(self, k: int, random_state: int | np.random.RandomState):
        if self.method == "kmeans":
            return KMeans(n_clusters=k, n_init=self.n_init, random_state=random_state)
        return GaussianMixture(
            n_components=k, covariance_type="full", n_init=self.n_init, random_state=random_state
        )

    def _select_k(self, Z: np.ndarray) -> pd.DataFrame:
        lo, hi = self.k_range
        hi = min(hi, len(Z) - 1, len(np.unique(Z, axis=0)))
        if hi < lo:
            raise ValueError(f"{len(Z)} customers are too few to choose among k = {self.k_range}")
        sample = min(self.silhouette_sample, len(Z))
        rows = []
        for k in tqdm(range(lo, hi + 1), desc="choosing k", leave=False):
            model = self._new_model(k, self.random_state).fit(Z)
            labels = model.predict(Z)
            if len(np.unique(labels)) < 2:
                continue
            row = {
                "k": k,
                "silhouette": silhouette_score(
                    Z, labels, sample_size=sample, random_state=self.random_state
                ),
                "calinski_harabasz": calinski_harabasz_score(Z, labels),
                "davies_bouldin": davies_bouldin_score(Z, labels),
            }
            if self.method == "gmm":
                row["bic"] = model.bic(Z)
            rows.append(row)
        if not rows:
            raise ValueError(
                f"no k in {self.k_range} splits these customers into two or more segments: "
                "their features barely differ"
            )
        scores = pd.DataFrame(rows)
        criteria = [c for c in _CRITERIA if c in scores]
        for c in criteria:
            scores[f"{c}_rank"] = scores[c].rank(ascending=not _CRITERIA[c], method="min")
        scores["mean_rank"] = scores[[f"{c}_rank" for c in criteria]].mean(axis=1)
        best = scores.sort_values(["mean_rank", "k"]).iloc[0]["k"]
        scores["chosen"] = scores["k"] == best
        return scores

    def _name(self, centers: pd.DataFrame, base: pd.Series) -> dict[int, str]:
        words = {
            "days_since_last": ("recent", "lapsed"),
            "recency": ("long-lived", "short-lived"),
            "n_purchases": ("frequent", "rare"),
            "frequency": ("frequent", "rare"),
            "avg_spend": ("high spend", "low spend"),
            "total_spend": ("high value", "low value"),
            "monetary_value": ("high spend", "low spend"),
        }
        names = {}
        for seg, row in centers.iterrows():
            parts = []
            for col in centers.columns:
                lift = row[col] / base[col] if base[col] else np.nan
                high, low = words.get(col, (f"high {col}", f"low {col}"))
                if col == "days_since_last":  # fewer days since the last purchase is better
                    high, low = low, high
                if lift >= 1.25:
                    parts.append(high)
                elif lift <= 0.8:
                    parts.append(low)
            names[int(seg)] = ", ".join(parts) if parts else "average"
        return names

    # -- public API -------------------------------------------------------------------------

    def fit(self, X: pd.DataFrame, y: None = None) -> CustomerSegmenter:
        """Fit the segments on a customer table (one row per customer).

        Parameters
        ----------
        X : pandas.DataFrame
            Customer table holding ``features`` and ``value_col``, e.g. from :func:`rfm_summary`.
        y : None
            Ignored; present for scikit-learn compatibility.

        Returns
        -------
        CustomerSegmenter
            The fitted segmenter.
        """
        self._check_params()
        feats = self._features(X, "X")
        require_columns(X, [self.value_col], "X")
        if len(feats) < 3:
            raise ValueError(f"X has {len(feats)} customers; at least 3 are needed to segment")
        distinct = len(np.unique(feats.to_numpy(), axis=0))
        if distinct < 2:
            raise ValueError(
                f"all {len(feats):,} customers of X have the same {list(self.features)}: there "
                "is nothing to segment"
            )
        k_wanted = self.k_range[0] if self.n_segments == "auto" else int(self.n_segments)
        if distinct < k_wanted:
            raise ValueError(
                f"X has only {distinct} distinct customer profiles in {list(self.features)}, "
                f"fewer than the {k_wanted} segments asked for: lower "
                + ("k_range" if self.n_segments == "auto" else "n_segments")
            )
        self.scaler_ = StandardScaler().fit(feats.to_numpy())
        Z = self.scaler_.transform(feats.to_numpy())
        if self.n_segments == "auto":
            self.selection_scores_ = self._select_k(Z)
            k = int(self.selection_scores_.loc[self.selection_scores_["chosen"], "k"].iloc[0])
        else:
            k = int(self.n_segments)
            if k >= len(Z):
                raise ValueError(f"n_segments={k} needs more than {len(Z)} customers")
            self.selection_scores_ = None
        self.n_segments_ = k
        self.model_ = self._new_model(k, self.random_state).fit(Z)
        raw = self.model_.predict(Z)
        # Order segments by mean value, most valuable first, so numbering is stable and useful.
        value = X[self.value_col].to_numpy(dtype=np.float64)
        means = pd.Series(value).groupby(raw).mean().reindex(range(k), fill_value=-np.inf)
        order = np.argsort(-means.to_numpy(), kind="stable")
        self._relabel = np.empty(k, dtype=np.int64)
        self._relabel[order] = np.arange(1, k + 1)
        self.labels_ = pd.Series(self._relabel[raw], index=X.index, name="segment")
        raw_features = X[list(self.features)].astype(np.float64)
        self.cluster_centers_ = raw_features.groupby(self.labels_.to_numpy()).mean()
        self.cluster_centers_.index.name = "segment"
        self.segment_names_ = self._name(self.cluster_centers_, raw_features.mean())
        self._train = (X[[*dict.fromkeys([*self.features, self.value_col])]].copy(), Z)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise ValueError("this CustomerSegmenter is not fitted yet: call fit(X) first")

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Return the log-transformed, scaled features the clustering works on."""
        self._check_fitted()
        feats = self._features(X, "X")
        return pd.DataFrame(
            self.scaler_.transform(feats.to_numpy()), index=feats.index, columns=feats.columns
        )

    def predict(self, X: pd.DataFrame) -> pd.Series:
        """Assign customers (new or not) to the fitted segments.

        Parameters
        ----------
        X : pandas.DataFrame
            Customer table with the same ``features`` columns as the training table.

        Returns
        -------
        pandas.Series
            Segment number (1 = most valuable) per customer, indexed like ``X``.
        """
        Z = self.transform(X).to_numpy()
        return pd.Series(self._relabel[self.model_.predict(Z)], index=X.index, name="segment")

    def fit_predict(self, X: pd.DataFrame, y: None = None) -> pd.Series:
        """Fit on ``X`` and return its segments (``labels_``)."""
        return self.fit(X).labels_

    def profile(self, X: pd.DataFrame | None = None) -> pd.DataFrame:
        """Describe each segment: size, feature means, lift against the whole base, value.

        Parameters
        ----------
        X : pandas.DataFrame, optional
            Customers to profile (assigned with :meth:`predict`); default the training table.

        Returns
        -------
        pandas.DataFrame
            One row per segment: ``name``, ``customers``, ``share`` of customers, the mean of each
            feature and its ``lift`` (segment mean / mean of all customers), ``value_total``,
            ``value_share`` (share of all value), ``value_mean`` with a 95% t-interval
            (``value_mean_low``, ``value_mean_high``).
        """
        self._check_fitted()
        if X is None:
            frame, labels = self._train[0], self.labels_
        else:
            require_columns(X, [self.value_col], "X")
            frame, labels = X, self.predict(X)
        feats = frame[list(self.features)].astype(np.float64)
        labels = pd.Categorical(labels.to_numpy(), categories=range(1, self.n_segments_ + 1))
        means = feats.groupby(labels, observed=False).mean()
        out = pd.DataFrame({"name": pd.Series(self.segment_names_)}, index=means.index)
        for col in feats.columns:
            out[col] = means[col]
            base = feats[col].mean()
            out[f"{col}_lift"] = means[col] / base if base else np.nan
        value = segment_value_table(
            pd.DataFrame({"segment": labels, "value": frame[self.value_col].to_numpy()}),
            value_col="value",
        )
        out = out.join(value)
        out.index.name = "segment"
        ordered = ["name", "customers", "share"]
        return out[ordered + [c for c in out.columns if c not in ordered]]

    def stability(self, n_boot: int = 30, *, ci: float = 0.95) -> pd.DataFrame:
        """How stable are the segments? Refit on bootstrap resamples of the customers.

        Each resample refits the model with the same k; its segments are then predicted for all
        training customers and compared with the fitted ones: the adjusted Rand index (ARI) for
        the whole partition, and for each segment the best Jaccard overlap with a bootstrap
        segment (Hennig 2007: below 0.6 a segment is not really there, above 0.75 it is stable).

        Parameters
        ----------
        n_boot : int, default 30
            Number of bootstrap refits.
        ci : float, default 0.95
            Level of the percentile intervals.

        Returns
        -------
        pandas.DataFrame
            Columns ``segment`` ("all" for the ARI), ``metric`` ("adjusted_rand" or "jaccard"),
            ``estimate`` (mean over resamples), ``low``, ``high``, ``n_boot``. The raw values are
            kept in ``stability_draws_``.
        """
        self._check_fitted()
        if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 2:
            raise ValueError(f"n_boot must be an integer >= 2, got {n_boot!r}")
        if not 0 < ci < 1:
            raise ValueError(f"ci must be between 0 and 1, got {ci!r}")
        Z = self._train[1]
        base = self.labels_.to_numpy()
        rng = np.random.default_rng(self.random_state)
        draws = []
        for b in tqdm(range(n_boot), desc="bootstrap refits", leave=False):
            idx = rng.integers(0, len(Z), len(Z))
            model = self._new_model(self.n_segments_, self.random_state + b + 1).fit(Z[idx])
            boot = model.predict(Z)
            row = {"draw": b, "adjusted_rand": adjusted_rand_score(base, boot)}
            for seg in range(1, self.n_segments_ + 1):
                in_seg = base == seg
                best = 0.0
                for other in np.unique(boot):
                    in_other = boot == other
                    union = np.logical_or(in_seg, in_other).sum()
                    best = max(best, np.logical_and(in_seg, in_other).sum() / union)
                row[seg] = best
            draws.append(row)
        self.stability_draws_ = pd.DataFrame(draws).set_index("draw")
        alpha = (1 - ci) / 2
        out = []
        for col in self.stability_draws_.columns:
            vals = self.stability_draws_[col]
            out.append(
                {
                    "segment": "all" if col == "adjusted_rand" else str(col),
                    "metric": "adjusted_rand" if col == "adjusted_rand" else "jaccard",
                    "estimate": vals.mean(),
                    "low": vals.quantile(alpha),
                    "high": vals.quantile(1 - alpha),
                    "n_boot": n_boot,
                }
            )
        return pd.DataFrame(out)
