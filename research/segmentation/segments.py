"""RFM scores and named segments.

* :func:`rfm_scores` and :func:`rfm_segments` give quantile scores 1-5 and named action segments
  (champions, loyal, at risk, ...) from a rule table the user can replace.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from statsmodels.stats.weightstats import DescrStatsW

from research._validation import (
    numeric_values,
    require_columns,
    require_frame,
    require_rows,
    rows_repr,
)
from research.segmentation.cleaning import RFMDataWarning

__all__ = [
    "RFM_SEGMENT_RULES",
    "rfm_scores",
    "rfm_segments",
    "segment_value_table",
]

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
        ``CustomerSegmenter.profile()``, so
        :func:`research.segmentation.plotting.plot_segment_value` draws either.

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
