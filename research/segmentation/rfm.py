"""RFM summary: recency, frequency and monetary value per customer.

:func:`rfm_summary` turns cleaned purchase lines (a :class:`CleanedTransactions`, or a raw
export that it cleans first with :func:`clean_transactions`) into one row per customer, with
recency, frequency and monetary value both in the sense of the buy-till-you-die models
(lifetimes, pymc-marketing, BG/NBD) and in the plain marketing sense (days since last purchase,
number of purchases, spend).
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import pandas as pd

from research._columns import (
    AMOUNT_COL,
    AVG_SPEND_COL,
    CUSTOMER_COL,
    DATE_COL,
    DAYS_SINCE_LAST_COL,
    FREQUENCY_COL,
    MONETARY_COL,
    PURCHASES_COL,
    RECENCY_COL,
    SPEND_COL,
    T_COL,
)
from research._validation import check_number, check_option, require_frame
from research.segmentation.cleaning import (
    _TIME_UNITS,
    CleanedTransactions,
    RFMDataWarning,
    _clean,
    _period_codes,
    _Rules,
)

__all__ = [
    "rfm_summary",
]


def rfm_summary(
    transactions: pd.DataFrame | CleanedTransactions,
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
    time_unit: Literal["D", "W", "M"] = "D",
    time_scale: float = 1.0,
) -> pd.DataFrame:
    """Summarise purchases into one row per customer: recency, frequency, monetary value.

    Parameters
    ----------
    transactions : CleanedTransactions or pandas.DataFrame
        The result of :func:`clean_transactions`, whose purchase lines are aggregated as they
        are; or a raw export (one row per purchase or purchase line, not modified), which is
        first cleaned by :func:`clean_transactions` with the arguments below.
    customer_col, date_col, amount_col, quantity_col, price_col, invoice_col, product_col
        For a raw export only: the columns, as in :func:`clean_transactions` (default
        ``"customer_id"``, ``"date"``, ``"amount"`` and no quantity, price, invoice or product
        column).
    observation_end, cancel_prefix, returns, duplicates, zero_amounts, date_format
        For a raw export only: the end of the window and the cleaning rules, as in
        :func:`clean_transactions` (default: the last date in the data, cancelled invoices
        starting with ``"C"``, returns netted, duplicates kept, zero-value lines excluded,
        dates parsed without a format).

        A :class:`CleanedTransactions` was cleaned with its own columns and rules: setting any
        of these to another value than its default beside one is an error.
    time_unit : {"D", "W", "M"}, default "D"
        Clock of the model-sense columns: purchases in the same day (week, month) are one
        purchase occasion, and durations are counted in whole days (weeks, months), exactly as
        ``freq`` in lifetimes' ``summary_data_from_transaction_data``.
    time_scale : float, default 1.0
        Divide the model-sense durations by this, e.g. ``time_unit="D", time_scale=7`` gives weeks
        measured at daily resolution, as in Fader, Hardie & Lee (2005) (lifetimes'
        ``freq_multiplier``).

    Returns
    -------
    pandas.DataFrame
        One row per customer with a purchase, indexed by customer id (sorted; the index is
        named after the customer column), with columns:

        model sense (lifetimes / pymc-marketing / BG/NBD), in ``time_unit / time_scale`` units:

        - ``frequency``: number of repeat purchase occasions (occasions - 1);
        - ``recency``: age of the customer at the last purchase (last - first occasion);
        - ``T``: age of the customer at ``observation_end`` (end - first occasion);
        - ``monetary_value``: mean value of the repeat occasions (0 without repeats).

        plain marketing sense:

        - ``days_since_last``: days from the last purchase to ``observation_end``;
        - ``n_purchases``: number of purchases (rows, or distinct invoices with ``invoice_col``,
          a line without an invoice id counting as one purchase);
        - ``total_spend`` and ``avg_spend`` (``total_spend / n_purchases``);
        - ``first_purchase`` and ``last_purchase`` timestamps;
        - ``returned_amount``: value of the customer's returns and cancellations (positive
          number), netted or not.

    Raises
    ------
    TypeError
        ``transactions`` is neither a DataFrame nor a CleanedTransactions, or cleaning
        arguments other than their defaults are passed with a CleanedTransactions.
    ValueError
        ``time_unit`` or ``time_scale`` is invalid, or a rule name is unknown; for a raw
        export, as :func:`clean_transactions`.

    Warns
    -----
    RFMDataWarning
        For a raw export: when rows were excluded or flagged by the cleaning rules (their
        counts, so nothing is dropped silently; :func:`clean_transactions` gives them as a
        table), or ``amount_col`` looks like a unit price.

    Examples
    --------
    >>> from research.segmentation import clean_transactions
    >>> tx = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b"],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-11", "2024-01-05"]),
    ...     "amount": [10.0, 5.0, 20.0, 8.0],
    ... })
    >>> cleaned = clean_transactions(tx, observation_end="2024-01-31")
    >>> rfm_summary(cleaned)[["frequency", "recency", "T", "monetary_value", "n_purchases"]]
    ... # doctest: +NORMALIZE_WHITESPACE
                 frequency  recency     T  monetary_value  n_purchases
    customer_id
    a                  1.0     10.0  30.0            20.0            3
    b                  0.0      0.0  26.0             0.0            1
    """
    time_unit = check_option(time_unit, "time_unit", _TIME_UNITS)  # type: ignore[assignment]
    scale = check_number(time_scale, "time_scale")
    if scale <= 0:
        raise ValueError(f"time_scale must be a positive number, got {time_scale!r}")
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
    if isinstance(transactions, CleanedTransactions):
        changed = rules.changed()
        if changed:
            raise TypeError(
                f"rfm_summary got {', '.join(map(repr, changed))} beside a CleanedTransactions,"
                " which was cleaned with its own rules: pass them to clean_transactions instead"
            )
        return _aggregate(transactions, time_unit, scale)
    from research.engines import is_engine_table
    from research.segmentation.cleaning import _clean_on_engine

    if is_engine_table(transactions):
        cleaned = _clean_on_engine(transactions, rules)
        summary = _aggregate(cleaned, time_unit, scale)
        _warn_flagged(cleaned)
        return summary
    frame = require_frame(
        transactions,
        "transactions",
        ": pass the export, or the result of clean_transactions",
    )
    cleaned = _clean(frame, rules)
    summary = _aggregate(cleaned, time_unit, scale)
    _warn_flagged(cleaned)
    return summary


def _warn_flagged(cleaned: CleanedTransactions) -> None:
    """An RFMDataWarning with the counts of every rule that touched a row or a customer."""
    report = cleaned.table
    flagged = report[report["rows"] > 0]
    if len(flagged):
        lines = "; ".join(f"{r.rule}: {r.rows:,} ({r.action})" for r in flagged.itertuples())
        warnings.warn(
            f"rfm_summary used {cleaned.rows_used:,} of {cleaned.rows_in:,} rows. {lines}. "
            "Clean with clean_transactions(...) first to get these counts as a table, and pass "
            "its result to rfm_summary.",
            RFMDataWarning,
            stacklevel=3,
        )


def _aggregate(cleaned: CleanedTransactions, time_unit: str, time_scale: float) -> pd.DataFrame:
    """The two GROUP BY steps of :func:`rfm_summary`, on the cleaned lines.

    Step 1, per (customer, period): ``SUM(amount)``. Step 2, per customer: ``MIN/MAX(period)``,
    ``COUNT(*)`` of periods, ``SUM(amount)``, the amount of the first period, ``MIN/MAX(date)``
    and the number of purchases. Both are plain aggregations that a SQL engine can run; here
    they are one sort of the purchase rows by (customer, period) and segment-wise reductions.
    Prior validation is assumed (the lines come from :func:`clean_transactions`). Lines on
    another engine are aggregated there (:func:`_aggregate_on_engine`).
    """
    if cleaned._lines is None:
        return _aggregate_on_engine(cleaned, time_unit, time_scale)
    lines = cleaned._lines
    codes, uniques, amount, purchase = lines.codes, lines.uniques, lines.value, lines.purchase
    dates, returned, invoices, obs_end = lines.dates, lines.returned, lines.invoices, lines.obs_end
    n_customers = len(uniques)
    p_codes = codes[purchase]
    p_amt = amount[purchase]
    p_when = dates.to_numpy(dtype="datetime64[ns]")[purchase].view(np.int64)

    total = np.bincount(p_codes, weights=p_amt, minlength=n_customers)
    if invoices is None:
        n_purchases = np.bincount(p_codes, minlength=n_customers)
    else:
        # a line without an invoice id is a purchase of its own
        inv = pd.factorize(invoices[purchase])[0].astype(np.int64)
        missing = inv < 0
        inv[missing] = inv.max(initial=-1) + 1 + np.arange(int(missing.sum()))
        span = inv.max(initial=0) + 1
        pairs = pd.unique(p_codes * span + inv)
        n_purchases = np.bincount(pairs // span, minlength=n_customers)
    returned_amount = np.bincount(
        codes[returned], weights=np.abs(amount[returned]), minlength=n_customers
    )

    # step 1: purchase occasions = distinct (customer, period), with their summed value
    period = _period_codes(pd.Series(p_when.view("datetime64[ns]")), time_unit)
    p_min = period.min()
    span = np.int64(period.max() - p_min + 1)
    key = period - p_min
    key += p_codes * span
    # lines already in (customer, period) order, as many exports are, need no reordering
    in_order = bool(np.all(key[1:] >= key[:-1]))
    order = None if in_order else np.argsort(key, kind="stable")
    if order is not None:
        key = key[order]
    occ_start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    occ_amt = np.add.reduceat(p_amt if order is None else p_amt[order], occ_start)
    occ_key = key[occ_start]
    occ_cust, occ_period = np.divmod(occ_key, span)
    occ_period += p_min

    # step 2: per customer, over its occasions (sorted by period) and its rows
    cust_occ = np.flatnonzero(np.r_[True, occ_cust[1:] != occ_cust[:-1]])
    cust = occ_cust[cust_occ]
    n_occ = np.diff(np.r_[cust_occ, len(occ_cust)])
    first_period = occ_period[cust_occ]
    last_period = occ_period[np.r_[cust_occ[1:], len(occ_cust)] - 1]
    first_amount = occ_amt[cust_occ]
    cust_rows = occ_start[cust_occ]
    when_sorted = p_when if order is None else p_when[order]
    first_ns = np.minimum.reduceat(when_sorted, cust_rows)
    last_ns = np.maximum.reduceat(when_sorted, cust_rows)

    return _summary_frame(
        {
            "first_period": first_period,
            "last_period": last_period,
            "occasions": n_occ,
            "first_amount": first_amount,
            "spend": total[cust],
            "n_purchases": n_purchases[cust],
            "first_purchase": first_ns.view("datetime64[ns]"),
            "last_purchase": last_ns.view("datetime64[ns]"),
            "returned_amount": returned_amount[cust],
        },
        uniques.take(cust).rename(cleaned.customer_col),
        obs_end,
        time_unit,
        time_scale,
    )


def _summary_frame(
    per_customer: dict[str, object],
    index: pd.Index,
    obs_end: pd.Timestamp,
    time_unit: str,
    time_scale: float,
) -> pd.DataFrame:
    """The summary's columns from the two GROUP BY steps' per-customer values (periods,
    occasions, first occasion's value, spend, purchases, first and last times, returns),
    computed by either path."""
    value = {k: np.asarray(v) for k, v in per_customer.items()}
    first_period = value["first_period"].astype(np.int64, copy=False)
    last_period = value["last_period"].astype(np.int64, copy=False)
    end_period = _period_codes(pd.Series([obs_end]), time_unit)[0]
    frequency = (value["occasions"].astype(np.int64, copy=False) - 1).astype(np.float64, copy=False)
    spend = value["spend"].astype(np.float64, copy=False)
    n_buy = value["n_purchases"].astype(np.int64, copy=False)
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, (spend - value["first_amount"]) / frequency, 0.0)
    first_ts = value["first_purchase"].astype("datetime64[ns]", copy=False)
    last_ts = value["last_purchase"].astype("datetime64[ns]", copy=False)
    # whole calendar days from the last purchase's day to the end's (naive times: floor by day)
    day = np.int64(86_400 * 10**9)
    end_day = np.int64(pd.Timestamp(obs_end).as_unit("ns").value) // day
    days_since = end_day - last_ts.view(np.int64) // day
    # copy=False: one block per column, no consolidation into a copied 2-D block
    return pd.DataFrame(
        {
            FREQUENCY_COL: frequency,
            RECENCY_COL: (last_period - first_period) / time_scale,
            T_COL: (end_period - first_period) / time_scale,
            MONETARY_COL: monetary,
            DAYS_SINCE_LAST_COL: days_since,
            PURCHASES_COL: n_buy,
            SPEND_COL: spend,
            AVG_SPEND_COL: spend / n_buy,
            "first_purchase": first_ts,
            "last_purchase": last_ts,
            "returned_amount": value["returned_amount"].astype(np.float64, copy=False),
        },
        index=index,
        copy=False,
    )


def _aggregate_on_engine(
    cleaned: CleanedTransactions, time_unit: str, time_scale: float
) -> pd.DataFrame:
    """:func:`_aggregate` where the lines live: the same two GROUP BY steps, run by the engine;
    the per-customer table comes back and is finished here, as on the pandas path."""
    from research.segmentation._lazy import aggregate_lazy

    lines = cleaned._lazy
    with_invoices = cleaned.columns["invoice_col"] is not None
    table = aggregate_lazy(lines, time_unit, with_invoices)  # type: ignore[arg-type]
    columns = {name: table[name].to_numpy() for name in _ENGINE_COLUMNS}
    columns["returned_amount"] = table["returned_amount"].fillna(0.0).to_numpy()
    # the ids as the engine's column holds them (text stays Arrow-backed, not 1M Python objects)
    index = pd.Index(table["__cust"], name=cleaned.customer_col)
    return _summary_frame(columns, index, cleaned.observation_end, time_unit, time_scale)


# the per-customer columns an engine computes (research.segmentation._lazy.aggregate_lazy)
_ENGINE_COLUMNS = (
    "first_period",
    "last_period",
    "occasions",
    "first_amount",
    "spend",
    "n_purchases",
    "first_purchase",
    "last_purchase",
)
