"""The engines the engine tests run on, each as a function of a pandas DataFrame: polars (eager
and lazy) and DuckDB (a relation over the frame's Arrow table). Spark has its own session
fixture (conftest.py)."""

from __future__ import annotations

import pyarrow as pa
import pytest

duckdb = pytest.importorskip("duckdb")
pl = pytest.importorskip("polars")


def _duckdb(frame):
    """A relation on a connection of its own, on UTC (as research.engines.scan sets it)."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con.from_arrow(pa.Table.from_pandas(frame))


ENGINES = {
    "polars": lambda frame: pl.from_pandas(frame),
    "polars-lazy": lambda frame: pl.from_pandas(frame).lazy(),
    "duckdb": _duckdb,
}
