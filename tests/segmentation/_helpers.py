"""Helpers of the segmentation tests."""

from __future__ import annotations

import pandas as pd

from research.segmentation import CleanedTransactions, clean_transactions, rfm_summary


def summarise(
    transactions: pd.DataFrame, *, time_unit: str = "D", time_scale: float = 1.0, **rules: object
) -> tuple[pd.DataFrame, CleanedTransactions]:
    """``rfm_summary(clean_transactions(transactions, **rules))`` and the cleaning result: the
    summary without the warning, and the report with its counts."""
    cleaned = clean_transactions(transactions, **rules)  # type: ignore[arg-type]
    return rfm_summary(cleaned, time_unit=time_unit, time_scale=time_scale), cleaned  # type: ignore[arg-type]
