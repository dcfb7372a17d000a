"""RFM summary: recency, frequency and monetary value per customer.

* :func:`rfm_summary` turns a transaction log into one row per customer, with recency,
  frequency and monetary value both in the sense of the buy-till-you-die models (lifetimes,
  pymc-marketing, BG/NBD) and in the plain marketing sense (days since last purchase, number of
  purchases, spend). Dirty rows (returns, missing ids, duplicates, rows past the observation end)
  are handled by documented rules and counted in a report.
"""

from __future__ import annotations

import math
import warnings
from typing import Literal

import numpy as np
import pandas as pd

from research._validation import require_frame
from research.segmentation.cleaning import _TIME_UNITS, RFMDataWarning, _clean_lines, _period_codes

__all__ = [
    "rfm_summary",
]


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
