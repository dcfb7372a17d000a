"""Customer segmentation: RFM from raw transactions, RFM scores and named segments, clusters.

Three layers, each usable on its own:

* :func:`clean_transactions` applies documented rules to a transaction export (returns,
  missing ids, duplicates, rows past the observation end), each counted in its report
  (:class:`CleanedTransactions`); :func:`rfm_summary` turns the cleaned lines into one row per
  customer, with recency, frequency and monetary value both in the sense of the
  buy-till-you-die models (lifetimes, pymc-marketing, BG/NBD) and in the plain marketing sense
  (days since last purchase, number of purchases, spend).
* :func:`rfm_scores` and :func:`rfm_segments` give quantile scores 1-5 and named action segments
  (champions, loyal, at risk, ...) from a rule table the user can replace; :func:`rfm_grid`
  counts the customers of each (R, FM) cell and :func:`segment_value_table` the customers and
  value of each segment (:class:`SegmentValue`).
* :class:`CustomerSegmenter` clusters customers on log-scaled RFM features, scikit-learn style,
  choosing the number of segments by several criteria, profiling the segments
  (:class:`SegmentProfile`) and measuring how stable they are under resampling
  (:class:`SegmentStability`).

The aggregation in :func:`rfm_summary` is two ``GROUP BY`` steps (customer x period, then
customer), written so that the same steps can be pushed down to a SQL engine (DuckDB, Spark)
without changing the function's signature; everything downstream works on the per-customer
table. Each result has ``plot()``, drawn by :mod:`research.segmentation.plotting`.
"""

from research.segmentation.cleaning import *  # noqa: F403 - the names of cleaning.__all__
from research.segmentation.cleaning import __all__ as _cleaning_names
from research.segmentation.clusters import *  # noqa: F403 - the names of clusters.__all__
from research.segmentation.clusters import __all__ as _clusters_names
from research.segmentation.rfm import *  # noqa: F403 - the names of rfm.__all__
from research.segmentation.rfm import __all__ as _rfm_names
from research.segmentation.segments import *  # noqa: F403 - the names of segments.__all__
from research.segmentation.segments import __all__ as _segments_names
from research.segmentation.value import *  # noqa: F403 - the names of value.__all__
from research.segmentation.value import __all__ as _value_names

__all__ = [*_cleaning_names, *_rfm_names, *_segments_names, *_value_names, *_clusters_names]
