"""Customers and value per segment: :func:`segment_value_table` and its result,
:class:`SegmentValue`, also what :func:`research.clv.clv_by_segment` and
:meth:`research.segmentation.CustomerSegmenter.profile` give (``.value``) and what
:func:`research.segmentation.plotting.plot_segment_value` draws."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from research._columns import SEGMENT_COL, SPEND_COL
from research._format import ci_label, format_interval
from research._results import FrozenMapping, Result
from research._stats import group_means
from research._validation import (
    check_ci,
    numeric_values,
    require_columns,
    require_frame,
    require_rows,
    rows_repr,
)

__all__ = [
    "SegmentValue",
    "segment_value_table",
]

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


@dataclass(frozen=True, eq=False, repr=False)
class SegmentValue(Result):
    """Customers and value per segment, with an interval for the mean value per customer.

    The result of :func:`segment_value_table` (e.g. revenue by RFM segment), of
    :func:`research.clv.clv_by_segment` (lifetime value by segment) and, for clusters, the
    ``value`` of :meth:`CustomerSegmenter.profile`; ``plot()`` draws the share of customers
    against the share of value (:func:`research.segmentation.plotting.plot_segment_value`).

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by segment (a categorical's order and empty categories kept, other segments
        sorted): ``customers``, ``share`` (of all customers), ``value_total``,
        ``value_share`` (of all value), ``value_mean`` and its t-interval ``value_mean_low``,
        ``value_mean_high`` (NaN for segments of fewer than 2 customers); with
        :func:`~research.clv.clv_by_segment` also ``p_alive``, the customers' mean
        probability of still being active.
    ci : float
        Level of the intervals (0.95 for 95%).
    n_customers : int
        Customers counted, over all segments.
    value_col : str
        The column the values came from (e.g. ``"total_spend"``, ``"clv"``).
    segment_names : Mapping or None
        Names of numbered segments (a clustering's: ``1 -> "recent, frequent"``), shown
        beside the numbers in charts; None for segments that are names already. A read-only
        copy of the mapping given.
    """

    table: pd.DataFrame
    ci: float
    n_customers: int
    value_col: str
    segment_names: Mapping[Any, str] | None = None

    def __post_init__(self) -> None:
        if self.segment_names is not None:
            object.__setattr__(self, "segment_names", FrozenMapping(self.segment_names))

    @property
    def equal_share(self) -> float:
        """The share of the value each segment would hold if the value were spread equally
        over the segments with customers: 1 / their number (empty segments left out). What
        :func:`research.clv.segment_actions` compares each segment's ``value_share`` with.

        Examples
        --------
        >>> seg = pd.DataFrame({"segment": pd.Categorical(["a", "b"], categories=["a", "b", "c"]),
        ...                     "total_spend": [10.0, 30.0]})
        >>> segment_value_table(seg).equal_share
        0.5
        """
        present = int((self.table["customers"] > 0).sum())
        return 1 / present if present else float("nan")

    def _caption(self) -> str:
        k = int((self.table["customers"] > 0).sum())
        return (
            f"{self.value_col!r} by segment: {self.n_customers:,} customers in {k} segments; "
            f"mean per customer with {ci_label(self.ci)} t-intervals"
        )

    def mean_text(self, fmt: str = ",.3g") -> pd.Series:
        """Each segment's mean value per customer with its interval, as text
        (``"123 (95% CI 100–150)"``, :func:`research.report.format_interval` with ``fmt``).

        Examples
        --------
        >>> seg = pd.DataFrame({"segment": ["a", "a", "a"], "total_spend": [10.0, 20.0, 30.0]})
        >>> segment_value_table(seg).mean_text(",.0f").tolist()
        ['20 (95% CI -5 to 45)']
        """
        rows = self.table[["value_mean", "value_mean_low", "value_mean_high"]].to_numpy()
        texts = [format_interval(m, lo, hi, ci=self.ci, fmt=fmt) for m, lo, hi in rows]
        return pd.Series(texts, index=self.table.index, name="value_mean", dtype=object)

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.segmentation.plotting.plot_segment_value` of this result."""
        from research.segmentation.plotting import plot_segment_value

        return plot_segment_value(self, ax=ax, **kwargs)


def _check_segments(segments: pd.Series, what: str) -> None:
    """Raise a ValueError naming the rows whose segment is missing."""
    missing = segments.isna().to_numpy(dtype=bool)
    if missing.any():
        raise ValueError(
            f"{what} has {int(missing.sum()):,} missing segments of {len(segments):,} rows "
            f"(rows {rows_repr(segments.index[missing])})"
        )


def _segment_value(
    values: pd.Series,
    segments: pd.Series,
    *,
    ci: float,
    value_col: str,
    segment_col: str = SEGMENT_COL,
    segment_names: Mapping[Any, str] | None = None,
) -> SegmentValue:
    """The kernel of :func:`segment_value_table`. Prior validation is assumed: ``values``
    numeric and finite, ``segments`` without missing values, both on the same index, ``ci``
    checked."""
    means = group_means(values, segments, ci)
    table = pd.DataFrame(
        {
            "customers": means["n"],
            "share": means["n"] / len(values),
            "value_total": means["total"],
        }
    )
    table.index.name = segment_col
    total = values.sum()
    table["value_share"] = table["value_total"] / total if total else np.nan
    table["value_mean"] = means["mean"]
    table["value_mean_low"] = means["low"]
    table["value_mean_high"] = means["high"]
    return SegmentValue(
        table=table,
        ci=ci,
        n_customers=len(values),
        value_col=value_col,
        segment_names=segment_names,
    )


def segment_value_table(
    segmented: pd.DataFrame,
    *,
    segment_col: str = SEGMENT_COL,
    value_col: str = SPEND_COL,
    ci: float = 0.95,
) -> SegmentValue:
    """Customers and value per segment, with a confidence interval for the mean value.

    Parameters
    ----------
    segmented : pandas.DataFrame
        One row per customer, e.g. the output of :func:`rfm_segments`. Not modified.
    segment_col : str, default "segment"
        Segment column. A categorical keeps its category order and its empty categories
        (with 0 customers); other columns are sorted.
    value_col : str, default "total_spend"
        Column holding each customer's value.
    ci : float, default 0.95
        Level of the t-interval for the mean value (statsmodels' ``DescrStatsW``).

    Returns
    -------
    SegmentValue
        Its ``table`` is indexed by segment, with ``customers``, ``share``, ``value_total``,
        ``value_share``, ``value_mean``, ``value_mean_low`` and ``value_mean_high``;
        ``plot()`` draws the shares of customers and of value.

    Raises
    ------
    TypeError
        ``segmented`` is not a DataFrame, or the value column is not numeric.
    ValueError
        A column is missing, the frame is empty, a segment or value is missing, or ``ci`` is
        not between 0 and 1.

    Examples
    --------
    >>> seg = pd.DataFrame({"segment": pd.Categorical(["a", "a", "b"], categories=["a", "b", "c"]),
    ...                     "total_spend": [10.0, 30.0, 5.0]})
    >>> value = segment_value_table(seg)
    >>> value.table[["customers", "share", "value_total", "value_share"]]
    ... # doctest: +NORMALIZE_WHITESPACE
             customers     share  value_total  value_share
    segment
    a                2  0.666667         40.0     0.888889
    b                1  0.333333          5.0     0.111111
    c                0  0.000000          0.0     0.000000
    >>> value.n_customers, value.ci
    (3, 0.95)
    """
    frame = require_frame(segmented, "segmented")
    ci = check_ci(ci)
    require_columns(frame, [segment_col, value_col], "segmented")
    require_rows(frame, "segmented")
    _check_segments(frame[segment_col], f"column {segment_col!r} of segmented")
    values = pd.Series(numeric_values(frame, value_col, "segmented"), index=frame.index)
    return _segment_value(
        values, frame[segment_col], ci=ci, value_col=value_col, segment_col=segment_col
    )
