"""Sales cycle length: Kaplan-Meier curves of the deals still open.

* :func:`cycle_length`: time to close with open deals censored, not dropped (Kaplan-Meier).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from research._validation import require_columns, require_frame, require_rows, rows_repr
from research.funnel.stages import CycleLength

__all__ = [
    "cycle_length",
]


def cycle_length(
    frame: pd.DataFrame,
    start_col: str,
    end_col: str,
    *,
    data_end: str | pd.Timestamp | None = None,
    by: str | None = None,
    backwards: str = "raise",
    ci: float = 0.95,
) -> CycleLength:
    """Days from ``start_col`` to ``end_col``, with rows not yet ended censored at ``data_end``.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per deal (or lead): a start time, and an end time that is missing while open.
    start_col, end_col : str
        Datetime columns.
    data_end : str or Timestamp, optional
        When the data were extracted: open rows are followed up to here. Default: the latest
        time in either column.
    by : str, optional
        Group column; a log-rank test compares the groups.
    backwards : {"raise", "drop"}, default "raise"
        Rows that end before they start: an error naming them, or left out and counted in the
        summary's ``dropped`` column.
    ci : float, default 0.95
        Level of the intervals.

    Returns
    -------
    CycleLength
    """
    data = require_frame(frame, "frame")
    require_columns(data, [start_col, end_col] + ([by] if by else []), "frame")
    require_rows(data, "frame")
    start, end = data[start_col], data[end_col]
    for col in (start_col, end_col):
        if not pd.api.types.is_datetime64_any_dtype(data[col].dtype):
            raise TypeError(f"column {col!r} must be datetime64, got {data[col].dtype}")
    if start.isna().any():
        raise ValueError(
            f"column {start_col!r} is missing for {int(start.isna().sum()):,} rows (rows "
            f"{rows_repr(data.index[start.isna().to_numpy()])}): every row needs a start"
        )
    if backwards not in ("raise", "drop"):
        raise ValueError(f"backwards must be 'raise' or 'drop', got {backwards!r}")
    back = (end < start).to_numpy()
    if back.any() and backwards == "raise":
        raise ValueError(
            f"{int(back.sum()):,} rows end before they start (rows {rows_repr(data.index[back])});"
            " fix them, or pass backwards='drop' to leave them out (they are counted)"
        )
    dropped_labels = data[by].astype(str).to_numpy()[back] if by else np.full(back.sum(), "all")
    data = data[~back]
    start, end = data[start_col], data[end_col]
    limit = pd.Timestamp(data_end) if data_end is not None else max(start.max(), end.max())
    late = (start > limit).to_numpy() | (end > limit).to_numpy()
    if late.any():
        raise ValueError(
            f"{int(late.sum()):,} rows have times after data_end {limit:%Y-%m-%d} (rows "
            f"{rows_repr(data.index[late])})"
        )
    event = end.notna().to_numpy()
    days = ((end.fillna(limit) - start).dt.total_seconds() / 86_400).to_numpy()
    labels = data[by].astype(str).to_numpy() if by else np.full(len(data), "all")
    summaries, curves = [], []
    alpha = 1 - ci
    for group in pd.unique(labels):
        mask = labels == group
        sf = SurvfuncRight(days[mask], event[mask].astype(int))
        if event[mask].any():
            median = sf.quantile(0.5)
            # statsmodels' log-log transform warns at survival 0 or 1; the interval is right
            with np.errstate(divide="ignore", invalid="ignore"):
                low, high = sf.quantile_ci(0.5, alpha=alpha)
        else:
            median = low = high = np.nan
        summaries.append(
            {
                "group": group,
                "n": int(mask.sum()),
                "events": int(event[mask].sum()),
                "censored": int((~event[mask]).sum()),
                "dropped": int((dropped_labels == group).sum()),
                "median_days": median,
                "median_low": low,
                "median_high": high,
            }
        )
        z = stats.norm.ppf(1 - alpha / 2)
        curves.append(
            pd.DataFrame(
                {
                    "group": group,
                    "days": np.r_[0.0, sf.surv_times],
                    "share_open": np.r_[1.0, sf.surv_prob],
                    "low": np.clip(np.r_[1.0, sf.surv_prob - z * sf.surv_prob_se], 0, 1),
                    "high": np.clip(np.r_[1.0, sf.surv_prob + z * sf.surv_prob_se], 0, 1),
                }
            )
        )
    test = None
    if by and len(summaries) > 1:
        chi2, p = survdiff(days, event.astype(int), labels)
        test = {"chi2": float(chi2), "p_value": float(p)}
    summary = pd.DataFrame(summaries)
    for col in ("median_days", "median_low", "median_high"):
        summary[col] = summary[col].astype(float)
    return CycleLength(summary, pd.concat(curves, ignore_index=True), test)
