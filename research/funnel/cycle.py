"""Sales cycle length: Kaplan-Meier curves of the deals still open.

* :func:`cycle_length`: time to close with open deals censored, not dropped (Kaplan-Meier), as a
  :class:`CycleLength`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from research._columns import CLOSED_COL, CREATED_COL
from research._format import ci_label
from research._results import Result, Summary
from research._validation import (
    check_ci,
    check_option,
    require_columns,
    require_frame,
    require_rows,
    rows_repr,
)
from research.funnel._stages import read_dates

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "cycle_length",
    "CycleLength",
]


@dataclass(frozen=True, eq=False, repr=False)
class CycleLength(Result):
    """Days from start to end with the rows not yet ended censored: the result of
    :func:`cycle_length`.

    Attributes
    ----------
    table : pandas.DataFrame
        Per group: ``group``, ``n``, ``events`` (ended), ``censored`` (still open),
        ``dropped`` (rows that ended before they started, with ``backwards="drop"``),
        ``median_days`` with its interval ``median_low``, ``median_high`` (NaN when fewer than
        half have ended: the median is not reached yet). One row, group ``"all"``, without
        ``by``.
    curves : pandas.DataFrame
        The Kaplan-Meier curves: ``group``, ``days``, ``share_open`` (survival) and its
        pointwise interval ``low``, ``high``.
    chi2, p_value : float or None
        The log-rank test across the groups; None without groups.
    ci : float
        Level of the intervals.
    data_end : pandas.Timestamp
        Where the open rows are censored.
    by : str or None
        The group column.
    """

    table: pd.DataFrame
    curves: pd.DataFrame
    chi2: float | None
    p_value: float | None
    ci: float
    data_end: pd.Timestamp
    by: str | None

    @property
    def n(self) -> int:
        """Rows followed (the dropped ones left out)."""
        return int(self.table["n"].sum())

    def _caption(self) -> str:
        t = self.table
        split = f" by {self.by}" if self.by else ""
        dropped = f", {int(t['dropped'].sum()):,} dropped" if t["dropped"].any() else ""
        return (
            f"Cycle length{split}: {self.n:,} rows, {int(t['events'].sum()):,} ended, "
            f"{int(t['censored'].sum()):,} still open on {self.data_end:%Y-%m-%d} (censored)"
            f"{dropped}; medians with {ci_label(self.ci)} intervals"
        )

    def summary(self) -> Summary:
        """The medians per group, with the log-rank test in the notes."""
        notes = ["Kaplan-Meier estimate: rows still open are censored at the end of the data"]
        if self.p_value is not None:
            notes.append(
                f"log-rank test across groups: chi2 {self.chi2:.4g}, p = {self.p_value:.3g}"
            )
        return Summary(self._caption(), (("medians", self.table),), tuple(notes))

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.funnel.plotting.plot_cycle_curves` of this result."""
        from research.funnel.plotting import plot_cycle_curves

        return plot_cycle_curves(self, ax=ax, **kwargs)


def cycle_length(
    frame: pd.DataFrame,
    *,
    start_col: str = CREATED_COL,
    end_col: str = CLOSED_COL,
    data_end: str | pd.Timestamp | None = None,
    by: str | None = None,
    backwards: str = "raise",
    date_format: str | None = None,
    ci: float = 0.95,
) -> CycleLength:
    """Days from ``start_col`` to ``end_col``, with rows not yet ended censored at ``data_end``.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per deal (or lead): a start time, and an end time that is missing while open.
        Not modified.
    start_col, end_col : str, default "created_at", "closed_at"
        Date columns: datetime64, or text such as "2024-01-02 04:38" (an empty end: still
        open).
    data_end : str or Timestamp, optional
        When the data were extracted: open rows are followed up to here. Default: the latest
        time in either column.
    by : str, optional
        Group column; a log-rank test compares the groups.
    backwards : {"raise", "drop"}, default "raise"
        Rows that end before they start: an error naming them, or left out and counted in the
        table's ``dropped`` column.
    date_format : str, optional
        How the dates are written when they are text (e.g. ``"%d/%m/%Y"``); inferred by
        default.
    ci : float, default 0.95
        Level of the intervals, in (0, 1).

    Returns
    -------
    CycleLength

    Raises
    ------
    TypeError
        ``frame`` is not a DataFrame, or a time column holds no dates.
    ValueError
        A column is missing, ``frame`` is empty, a start is missing, values cannot be read as
        dates (counted and named), rows end before they start (with ``backwards="raise"``) or
        after ``data_end``, or ``ci`` is outside (0, 1).

    Examples
    --------
    >>> t = pd.Timestamp("2024-01-01")
    >>> deals = pd.DataFrame({"created_at": [t] * 3,
    ...                       "closed_at": [t + pd.Timedelta(days=d) for d in (2, 4, 30)]})
    >>> cycle_length(deals).table["median_days"].item()
    4.0
    """
    data = require_frame(frame, "frame")
    require_columns(data, [start_col, end_col] + ([by] if by else []), "frame")
    require_rows(data, "frame")
    ci = check_ci(ci)
    check_option(backwards, "backwards", ("raise", "drop"))
    days, event, labels, dropped, limit = _durations(
        data, start_col, end_col, data_end, by, backwards, date_format
    )
    table, curves = _kaplan_meier(days, event, labels, dropped, ci)
    chi2 = p = None
    if by and len(table) > 1:
        chi2, p = (float(v) for v in survdiff(days, event.astype(int), labels))
    return CycleLength(table, curves, chi2, p, ci, limit, by)


def _durations(
    data: pd.DataFrame,
    start_col: str,
    end_col: str,
    data_end: str | pd.Timestamp | None,
    by: str | None,
    backwards: str,
    date_format: str | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, pd.Timestamp]:
    """Checks the times (text dates read) and returns, per row kept, the days followed, whether
    it ended and its group label; the group labels of the rows dropped; and the censoring time.
    The frame and its columns are assumed present (the checks here are those of the times)."""
    times = {
        col: read_dates(data[col], f"column {col!r}", date_format) for col in (start_col, end_col)
    }
    if any(not pd.api.types.is_datetime64_any_dtype(data[c].dtype) for c in times):
        data = data.assign(**times)
    start, end = data[start_col], data[end_col]
    if start.isna().any():
        raise ValueError(
            f"column {start_col!r} is missing for {int(start.isna().sum()):,} rows (rows "
            f"{rows_repr(data.index[start.isna().to_numpy()])}): every row needs a start"
        )
    back = (end < start).to_numpy()
    if back.any() and backwards == "raise":
        raise ValueError(
            f"{int(back.sum()):,} rows end before they start (rows {rows_repr(data.index[back])});"
            " fix them, or pass backwards='drop' to leave them out (they are counted)"
        )
    dropped = data[by].astype(str).to_numpy()[back] if by else np.full(back.sum(), "all")
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
    return days, event, labels, dropped, limit


def _kaplan_meier(
    days: np.ndarray, event: np.ndarray, labels: np.ndarray, dropped: np.ndarray, ci: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-group table and the curves of :class:`CycleLength` (statsmodels'
    ``SurvfuncRight``). Prior validation is assumed."""
    rows, curves = [], []
    z = stats.norm.ppf(1 - (1 - ci) / 2)
    for group in pd.unique(labels):
        mask = labels == group
        sf = SurvfuncRight(days[mask], event[mask].astype(int))
        median = low = high = np.nan
        if event[mask].any():
            median = sf.quantile(0.5)
            # statsmodels' log-log transform warns at survival 0 or 1; the interval is right
            with np.errstate(divide="ignore", invalid="ignore"):
                low, high = sf.quantile_ci(0.5, alpha=1 - ci)
        rows.append(
            {
                "group": group,
                "n": int(mask.sum()),
                "events": int(event[mask].sum()),
                "censored": int((~event[mask]).sum()),
                "dropped": int((dropped == group).sum()),
                "median_days": median,
                "median_low": low,
                "median_high": high,
            }
        )
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
    table = pd.DataFrame(rows)
    for col in ("median_days", "median_low", "median_high"):
        table[col] = table[col].astype(float)
    return table, pd.concat(curves, ignore_index=True)
