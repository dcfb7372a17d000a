"""Customer segmentation: RFM from raw transactions, RFM scores and named segments, clusters.

Three layers, each usable on its own:

* :func:`rfm_summary` turns a transaction log into one row per customer, with recency,
  frequency and monetary value both in the sense of the buy-till-you-die models (lifetimes,
  pymc-marketing, BG/NBD) and in the plain marketing sense (days since last purchase, number of
  purchases, spend). Dirty rows (returns, missing ids, duplicates, rows past the observation end)
  are handled by documented rules and counted in a report.
* :func:`rfm_scores` and :func:`rfm_segments` give quantile scores 1-5 and named action segments
  (champions, loyal, at risk, ...) from a rule table the user can replace; :func:`rfm_grid`
  counts the customers of each (R, FM) cell.
* :class:`CustomerSegmenter` clusters customers on log-scaled RFM features, scikit-learn style,
  choosing the number of segments by several criteria, profiling the segments and measuring how
  stable they are under resampling.

The aggregation in :func:`rfm_summary` is two ``GROUP BY`` steps (customer x period, then
customer), written so that the same steps can be pushed down to a SQL engine (DuckDB, Spark)
without changing the function's signature; everything downstream works on the per-customer
table.

"""

from research.segmentation.cleaning import CleanedTransactions, RFMDataWarning, clean_transactions
from research.segmentation.clusters import CustomerSegmenter
from research.segmentation.rfm import rfm_summary
from research.segmentation.segments import (
    RFM_SEGMENT_RULES,
    RfmGrid,
    rfm_grid,
    rfm_scores,
    rfm_segments,
    segment_value_table,
)

__all__ = [
    "CleanedTransactions",
    "clean_transactions",
    "RFMDataWarning",
    "RFM_SEGMENT_RULES",
    "rfm_summary",
    "rfm_scores",
    "rfm_segments",
    "RfmGrid",
    "rfm_grid",
    "segment_value_table",
    "CustomerSegmenter",
]
