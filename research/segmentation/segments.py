"""RFM scores and named segments.

* :func:`rfm_scores` and :func:`rfm_segments` give quantile scores 1-5 and named action segments
  (champions, loyal, at risk, ...) from a rule table the user can replace.
* :func:`rfm_grid` counts the customers of each (R, FM) cell and names the cell's segment (what
  the RFM grid chart draws).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from research._columns import DAYS_SINCE_LAST_COL, PURCHASES_COL, SEGMENT_COL, SPEND_COL
from research._results import Result, read_only_series
from research._validation import (
    check_int,
    numeric_values,
    require_columns,
    require_frame,
    require_rows,
)
from research.segmentation.cleaning import RFMDataWarning

__all__ = [
    "RFM_SEGMENT_RULES",
    "rfm_scores",
    "rfm_segments",
    "RfmGrid",
    "rfm_grid",
]

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

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
    days_since_last_col: str = DAYS_SINCE_LAST_COL,
    purchases_col: str = PURCHASES_COL,
    spend_col: str = SPEND_COL,
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
    days_since_last_col, purchases_col, spend_col : str
        Columns scored for R, F and M; the defaults are the plain-marketing columns of
        :func:`rfm_summary` (in :mod:`research.clv`, ``recency_col`` and ``frequency_col``
        name the buy-till-you-die columns, which hold other quantities).

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
    bins = _check_bins(bins)
    return _scored(frame, bins, (days_since_last_col, purchases_col, spend_col))


def _check_bins(bins: object) -> int:
    value = check_int(bins, "bins", minimum=2)
    if value > 10:
        raise ValueError(f"bins must be an integer from 2 to 10, got {bins!r}")
    return value


def _scored(frame: pd.DataFrame, bins: int, cols: tuple[str, str, str]) -> pd.DataFrame:
    """The scores of :func:`rfm_scores` on a DataFrame, its columns checked here; ``bins``
    is assumed checked."""
    recency_col, frequency_col, monetary_col = cols
    require_columns(frame, list(cols), "summary")
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
        (
            "champions",
            5,
            5,
            4,
            5,
            "bought recently, buy often and spend the most",
            "reward; ask for reviews and referrals; early access to new products",
            "account review; upsell premium and bundles",
        ),
        (
            "loyal",
            3,
            4,
            4,
            5,
            "buy often and spend well, a little less recently",
            "loyalty programme; cross-sell related products",
            "regular check-in; propose volume or subscription deals",
        ),
        (
            "potential loyalist",
            4,
            5,
            2,
            3,
            "recent customers with average frequency and spend",
            "membership offer; personalised recommendations",
            "follow up on the last purchase; suggest the next product",
        ),
        (
            "new",
            5,
            5,
            1,
            1,
            "bought for the first time very recently",
            "onboarding series; make the second purchase easy",
            "welcome call for large first orders",
        ),
        (
            "promising",
            4,
            4,
            1,
            1,
            "recent buyers who have not spent much yet",
            "brand awareness content; free trials of other lines",
            "light touch; qualify for growth potential",
        ),
        (
            "need attention",
            3,
            3,
            3,
            3,
            "above-average recency, frequency and spend, slipping",
            "limited-time offer based on past purchases",
            "call to understand needs before they drift",
        ),
        (
            "about to sleep",
            3,
            3,
            1,
            2,
            "below-average recency, frequency and spend",
            "reactivation campaign with popular products; discount",
            "no personal effort unless the account is large",
        ),
        (
            "cannot lose them",
            1,
            2,
            5,
            5,
            "were the best customers, have not bought for long",
            "win-back with new products and strong incentives",
            "senior call now: find out what went wrong",
        ),
        (
            "at risk",
            1,
            2,
            3,
            4,
            "spent well and often, but long ago",
            "personalised reactivation emails; renewal offers",
            "call the larger accounts; ask for feedback",
        ),
        (
            "hibernating",
            1,
            2,
            2,
            2,
            "last purchase long ago, few orders, low spend",
            "low-cost reactivation only; relevant offers",
            "none: leave to marketing automation",
        ),
        (
            "lost",
            1,
            2,
            1,
            1,
            "lowest recency, frequency and spend",
            "ignore, or one last low-cost win-back attempt",
            "none",
        ),
    ],
    columns=[
        "segment",
        "r_min",
        "r_max",
        "fm_min",
        "fm_max",
        "description",
        "marketing_action",
        "sales_action",
    ],
)


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
    days_since_last_col: str = DAYS_SINCE_LAST_COL,
    purchases_col: str = PURCHASES_COL,
    spend_col: str = SPEND_COL,
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
    days_since_last_col, purchases_col, spend_col : str
        The columns scored, when the scores are computed here (see :func:`rfm_scores`).

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
    bins = _check_bins(bins)
    if not set(_SCORE_COLS) <= set(frame.columns):
        frame = _scored(frame, bins, (days_since_last_col, purchases_col, spend_col))
    else:
        frame = frame.copy()
        bins = int(max(frame["r_score"].max(), frame["fm_score"].max(), bins))
    rules = RFM_SEGMENT_RULES if rules is None else require_frame(rules, "rules")
    grid = _rule_grid(rules, bins)
    which = grid[frame["r_score"].to_numpy(), frame["fm_score"].to_numpy()]
    names = list(rules["segment"].astype(str))
    categories = names + (["unclassified"] if (which < 0).any() else [])
    labels = np.where(which >= 0, np.array(names, dtype=object)[which], "unclassified")
    frame[SEGMENT_COL] = pd.Categorical(labels, categories=categories, ordered=True)
    if (which < 0).any():
        warnings.warn(
            f"{int((which < 0).sum()):,} of {len(frame):,} customers fall in no rule's cells "
            "and are labelled 'unclassified'",
            RFMDataWarning,
            stacklevel=2,
        )
    return frame


def _score_values(frame: pd.DataFrame, col: str) -> np.ndarray:
    values = numeric_values(frame, col, "segmented")
    if (values != np.round(values)).any() or (values < 1).any():
        raise ValueError(f"column {col!r} of segmented must hold integer scores >= 1")
    return values.astype(np.int64)


@dataclass(frozen=True, eq=False, repr=False)
class RfmGrid(Result):
    """Customers per (R score, FM score) cell and each cell's segment: the result of
    :func:`rfm_grid`.

    The counts are of the customers given, all of them (no sample), so they carry no interval.

    Attributes
    ----------
    bins : int
        Score levels: the grid is ``bins`` x ``bins``.
    counts : pandas.DataFrame
        Customers per cell: index ``r_score`` (``bins`` first, the most recent at the top, as
        drawn), columns ``fm_score`` 1 … ``bins``.
    cell_segments : pandas.DataFrame
        The segment the rule table gives each cell, shaped like ``counts`` (``""`` where no
        rule covers it).
    segment_customers : pandas.Series
        Customers per segment, in the rule table's order, with ``"unclassified"`` last when
        some customers fall in no rule's cells (read-only: a copy to change with ``.copy()``).
    """

    bins: int
    counts: pd.DataFrame
    cell_segments: pd.DataFrame
    segment_customers: pd.Series

    def __post_init__(self) -> None:
        object.__setattr__(self, "segment_customers", read_only_series(self.segment_customers))

    @property
    def n_customers(self) -> int:
        """Customers in the grid."""
        return int(self.counts.to_numpy().sum())

    def to_frame(self) -> pd.DataFrame:
        """One row per cell: ``r_score``, ``fm_score``, ``segment`` and ``customers``."""
        long = self.counts.stack().rename("customers").reset_index()
        long.insert(2, "segment", self.cell_segments.stack().to_numpy())
        return long

    def _caption(self) -> str:
        return f"RFM grid: {self.n_customers:,} customers in {self.bins} x {self.bins} cells"

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.segmentation.plotting.plot_rfm_grid` of this result."""
        from research.segmentation.plotting import plot_rfm_grid

        return plot_rfm_grid(self, ax=ax, **kwargs)


def rfm_grid(segmented: pd.DataFrame, rules: pd.DataFrame | None = None) -> RfmGrid:
    """Count the customers of each (R score, FM score) cell and name each cell's segment.

    Parameters
    ----------
    segmented : pandas.DataFrame
        Output of :func:`rfm_segments`: one row per customer with ``r_score``, ``fm_score``
        and ``segment``. Not modified.
    rules : pandas.DataFrame, optional
        The rule table used by ``rfm_segments``. Default :data:`RFM_SEGMENT_RULES`.

    Returns
    -------
    RfmGrid
        Counts per cell, the cell's segment and the customers per segment.

    Raises
    ------
    TypeError
        ``segmented`` or ``rules`` is not a DataFrame, or a score is not numeric.
    ValueError
        A column is missing, there are no rows, a score is not an integer >= 1, the rules are
        invalid (overlapping, out of range), or ``segmented`` has segments that disagree with
        ``rules`` (it was made with another rule table).

    Examples
    --------
    >>> s = pd.DataFrame({"days_since_last": [5, 50, 500, 400, 20],
    ...                   "n_purchases": [9, 3, 1, 6, 1], "total_spend": [900.0, 80, 9, 700, 15]})
    >>> grid = rfm_grid(rfm_segments(s))
    >>> int(grid.counts.loc[5, 5]), grid.cell_segments.loc[5, 5]
    (1, 'champions')
    """
    frame = require_frame(segmented, "segmented")
    require_columns(frame, ["r_score", "fm_score", "segment"], "segmented")
    require_rows(frame, "segmented")
    rules = RFM_SEGMENT_RULES if rules is None else require_frame(rules, "rules")
    require_columns(rules, ["segment", "r_min", "r_max", "fm_min", "fm_max"], "rules")
    r = _score_values(frame, "r_score")
    fm = _score_values(frame, "fm_score")
    limits = rules[["r_min", "r_max", "fm_min", "fm_max"]]
    if limits.isna().any().any():
        raise ValueError("rules have missing score bounds: every rule needs r_min..fm_max")
    bounds = rules[["r_max", "fm_max"]].to_numpy(dtype=np.int64)
    bins = int(max(r.max(), fm.max(), bounds.max(initial=0)))
    which = _rule_grid(rules, bins)  # [r, fm] -> rule index, -1: none
    names = np.array([*rules["segment"].astype(str), ""], dtype=object)
    cell_segment = names[which]  # -1 picks the trailing ""
    data_segment = frame["segment"].astype("string").fillna("unclassified").to_numpy(dtype=object)
    expected = cell_segment[r, fm]
    expected = np.where(expected == "", "unclassified", expected)
    wrong = data_segment != expected
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise ValueError(
            f"{int(wrong.sum()):,} of {len(frame):,} customers in segmented have a 'segment' "
            f"that differs from the rule table's (e.g. R={r[i]}, FM={fm[i]} is "
            f"{expected[i]!r} in rules but {data_segment[i]!r} in segmented); pass the rules "
            f"used by rfm_segments"
        )
    counts = np.zeros((bins + 1, bins + 1), dtype=np.int64)
    np.add.at(counts, (r, fm), 1)
    r_index = pd.Index(range(bins, 0, -1), name="r_score")
    fm_index = pd.Index(range(1, bins + 1), name="fm_score")
    totals = pd.Series(data_segment).value_counts()
    order = [*names[:-1]] + (["unclassified"] if "unclassified" in totals.index else [])
    return RfmGrid(
        bins=bins,
        counts=pd.DataFrame(counts[bins:0:-1, 1:], index=r_index, columns=fm_index),
        cell_segments=pd.DataFrame(cell_segment[bins:0:-1, 1:], index=r_index, columns=fm_index),
        segment_customers=totals.reindex(order, fill_value=0).astype(np.int64).rename("customers"),
    )
