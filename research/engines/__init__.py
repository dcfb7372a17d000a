"""Where the aggregations run: pandas in memory, or the engine that holds the data.

The data-heavy steps (today the transaction cleaning and the RFM summary of
:mod:`research.segmentation`) accept, besides a pandas DataFrame, a table of another engine
and run there; only the small per-customer table comes back, as pandas, for the models:

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
Today the transaction cleaning and the RFM summary (:mod:`research.segmentation`). The funnel,
SLA, KPI and message-log counts still take pandas DataFrames (their inputs are per-lead tables,
small beside a transaction log).
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
