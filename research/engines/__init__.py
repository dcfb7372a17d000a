"""Where the aggregations run: pandas in memory, or the engine that holds the data.

The data-heavy steps (the transaction cleaning and the RFM summary of
:mod:`research.segmentation`; the funnel's stage counts and cohorts, the comparison of groups,
the SLA compliance and the KPI counts of :mod:`research.funnel`; the tracker counts of a message
log) accept, besides a pandas DataFrame, a table of another engine and run there; only the small
per-customer or per-group table comes back, as pandas, for the models and the charts:

========================================  ==================================================
input                                     where the cleaning and the aggregation run
========================================  ==================================================
``pandas.DataFrame``                      in memory, NumPy (the reference path)
``polars.DataFrame`` / ``LazyFrame``      polars
``duckdb.DuckDBPyRelation``               DuckDB, on the relation's own connection
``pyspark.sql.DataFrame``                 Spark (local mode or a cluster)
a path or glob of parquet or CSV files    DuckDB, embedded, out of core (:func:`scan`)
========================================  ==================================================

Why narwhals, not Ibis
----------------------
The rules are written once as `narwhals <https://narwhals-dev.github.io/narwhals/>`_
expressions, which narwhals translates for polars, DuckDB and PySpark (and Dask) and runs on the
user's own object, on the user's own connection or session: nothing is copied or converted.
Narwhals has no required dependencies (scikit-learn already installs it), is the layer that
plotly, altair and pymc-marketing's data adaptors use, and supports the window functions the
cleaning needs (``cum_sum``/``cum_min`` ``over`` a partition with an explicit ``order_by``).
Ibis would reach more warehouses (BigQuery, Snowflake, Postgres) but brings its own expression
system, needs a backend connection object for every input and pulls in sqlglot and more; the
users who asked for this (pymc-marketing issue 1691, lifetimes issues 127 and 132) hold their
data in Spark, DuckDB, polars and parquet files, which narwhals covers. A warehouse table
reaches us through DuckDB's or Spark's connectors.

Order on an unordered engine
----------------------------
A lazy engine has no row order, so every order-dependent step is written with an explicit
order: the netting of returns (last in, first out) orders each customer's lines by time, then
purchases before returns, then by value, a total order up to lines that are identical and so
interchangeable; the first purchase and the first period are minima, not "first rows". The
pandas path follows the same order, so the two give the same table whatever the row order.

Time zones
----------
On polars, which keeps each column's zone, times with a zone are compared and counted as
instants (hours across a change of clock count as pandas counts them) and their periods
(cohorts, days) fall on the zone's clock. DuckDB keeps instants and shows them on the session's
zone (``SET TimeZone``; :func:`scan` sets UTC, or its ``time_zone``): hours count as instants
when that zone is UTC, and periods fall on that zone's clock, which is the export's only when
it is set to it. Spark's ``TIMESTAMP``
cannot tell a time with a zone from one without: its times are taken as naive, on the session's
clock, as an export's own clock.

What stays on the pandas path
-----------------------------
Reading mixed-format date text (several formats, or UTC offsets as text), ids of mixed types
(numbers beside text in one column) and the unit-price warning need every value in Python; on
an engine, dates are timestamps or text in one format (``date_format``, or one read off the
first and last distinct dates, an error where they read both day first and month first), a
column has one type, and the warning is not given. CSV files read by :func:`scan` keep their
dates as text for that rule: DuckDB's sniffer would guess an ambiguous order silently.

What runs where
---------------
On an engine: :func:`research.segmentation.clean_transactions` and
:func:`~research.segmentation.rfm_summary` (and so notebooks 01 and 01b and ``research
segment`` / ``research clv``); :func:`research.funnel.funnel` (stage counts, groups, cohorts),
:func:`~research.funnel.compare_conversion` and :func:`~research.funnel.sla_compliance` (and so
``research funnel`` on a parquet file set); :func:`~research.funnel.kpi_table` and
:func:`~research.funnel.roi_by_channel` on a lead table of another engine (the lead counts, the
SLA dues and the leads per campaign and channel are counted there, the won leads found by the
ids of the won deals; the bootstrap draws the leads alike at once, one row per campaign and
channel and one per won lead, so its cost grows with the won leads, not with the leads);
:func:`research.messages.tracker_rates` (each message's language told from its script where
the log has none, with the character classes of :func:`research.messages.text.detect_languages`,
which RE2, Rust's and Java's regex engines read as Python does). Their checks run there too
(stages in order, times not backwards, unique ids, readable dates, hours never negative),
naming lead ids where the pandas path names rows.

Still on pandas, and why:

* the models (BG/NBD, Gamma-Gamma, clustering, lead scoring) work on the small per-customer or
  per-lead tables the engines return;
* the other tables of :func:`research.funnel.kpi_table` and
  :func:`~research.funnel.roi_by_channel` (campaigns, deals, customers: one row each, small
  beside the leads), and :func:`~research.funnel.cycle_length` (a survival fit),
  :func:`~research.funnel.speed_to_lead_effect` (a regression over leads) and
  :func:`~research.funnel.opportunity_stages` (a join of leads and deals in memory);
* the message log's terms, consistency and claims: they need the Korean and Japanese
  tokenisers (kiwipiepy, janome) and TF-IDF vectors, in Python, message by message; and the
  headline tests of :mod:`research.messages.headlines`, whose tables are per test, small.
"""

from __future__ import annotations

from research.engines._sources import (
    ENGINES,
    engine_of,
    is_engine_table,
    scan,
    to_lazy,
)

__all__ = ["ENGINES", "engine_of", "is_engine_table", "scan", "to_lazy"]
