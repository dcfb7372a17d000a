"""Calibration / holdout check of the purchase model.

* :func:`holdout_check` compares the model's expected repeat purchases in a holdout period with
  what customers really did, per number of calibration-period purchases.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research._stats import t_interval
from research._validation import require_columns, require_frame
from research.clv.bgnbd import expected_purchases
from research.clv.fitting import ModelFit

__all__ = [
    "holdout_purchases",
    "holdout_check",
]

# --------------------------------------------------------------------------------------------
# calibration / holdout check
# --------------------------------------------------------------------------------------------


def holdout_purchases(
    transactions: pd.DataFrame,
    calibration_end: str | pd.Timestamp,
    holdout_end: str | pd.Timestamp,
    customer_col: str = "customer_id",
    date_col: str = "date",
    *,
    time_unit: str = "D",
) -> pd.Series:
    """Purchase occasions of each customer after ``calibration_end``, up to ``holdout_end``.

    Purchases on the same day (week, month with ``time_unit``) count once, as in
    :func:`research.segmentation.rfm_summary`; rows with a negative amount are not filtered here,
    so pass the cleaned purchases. Customers without a holdout purchase are absent (count 0).
    """
    from research.segmentation.cleaning import _period_codes

    frame = require_frame(transactions, "transactions")
    require_columns(frame, [customer_col, date_col], "transactions")
    start, end = pd.Timestamp(calibration_end), pd.Timestamp(holdout_end)
    if end <= start:
        raise ValueError(
            f"holdout_end ({end:%Y-%m-%d}) must be after calibration_end ({start:%Y-%m-%d})"
        )
    dates = pd.to_datetime(frame[date_col])
    inside = ((dates > start) & (dates <= end)).to_numpy()
    period = _period_codes(dates[inside], time_unit)
    occasions = pd.DataFrame({"c": frame[customer_col].to_numpy()[inside], "p": period})
    return occasions.drop_duplicates().groupby("c").size().rename("holdout_purchases")


def holdout_check(
    fit: ModelFit,
    calibration: pd.DataFrame,
    holdout_purchases: pd.Series,
    holdout_length: float,
    *,
    max_frequency: int = 7,
    frequency_col: str = "frequency",
    recency_col: str = "recency",
    T_col: str = "T",
) -> pd.DataFrame:
    """Expected against actual repeat purchases in a holdout period, per calibration frequency.

    Parameters
    ----------
    fit : ModelFit
        BG/NBD fitted on ``calibration``.
    calibration : pandas.DataFrame
        The calibration-period RFM summary.
    holdout_purchases : pandas.Series
        Purchases of each calibration customer in the holdout period (same index; customers
        missing from it made none).
    holdout_length : float
        Length of the holdout period in the summary's time unit.
    max_frequency : int, default 7
        Calibration frequencies above this are pooled into one ``"7+"`` group.

    Returns
    -------
    pandas.DataFrame
        One row per calibration frequency: ``customers``, ``actual`` (mean holdout purchases)
        with its 95% interval (``actual_low``, ``actual_high``), ``expected`` (mean model
        expectation) and ``difference``; a last row ``"all"`` has the totals per customer.
    """
    expected = expected_purchases(
        fit, calibration, holdout_length, frequency_col, recency_col, T_col
    )
    if not isinstance(holdout_purchases, pd.Series):
        raise TypeError("holdout_purchases must be a pandas Series indexed by customer")
    actual = holdout_purchases.reindex(calibration.index).fillna(0).astype(float)
    freq = calibration[frequency_col].astype(int).clip(upper=max_frequency)
    labels = freq.astype(str).where(freq < max_frequency, f"{max_frequency}+")
    order = [str(i) for i in range(max_frequency)] + [f"{max_frequency}+"]
    groups = pd.Categorical(labels, categories=order, ordered=True)
    frame = pd.DataFrame({"group": groups, "actual": actual.to_numpy(), "expected": expected})
    rows = []
    for name, part in [*frame.groupby("group", observed=True), ("all", frame)]:
        n = len(part)
        mean, low, high = t_interval(part["actual"].to_numpy(dtype=np.float64), 0.95)
        rows.append(
            {
                "calibration_frequency": name,
                "customers": n,
                "actual": mean,
                "actual_low": low,
                "actual_high": high,
                "expected": part["expected"].mean(),
            }
        )
    out = pd.DataFrame(rows).set_index("calibration_frequency")
    out["difference"] = out["expected"] - out["actual"]
    return out
