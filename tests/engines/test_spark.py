"""The cleaning and the RFM summary on a PySpark DataFrame, in local mode: the pandas path's
table and counts. Skipped, with the reason, where PySpark or Java is missing; never passed
without running."""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings

import pandas as pd
import pytest

from research.segmentation import clean_transactions, rfm_summary
from tests.engines.test_rfm_engines import _same, _same_report
from tests.segmentation.test_cleaning import COLS


def _java_problem() -> str | None:
    java = shutil.which("java") or (
        os.path.join(os.environ["JAVA_HOME"], "bin", "java") if "JAVA_HOME" in os.environ else None
    )
    if java is None or not os.path.exists(java):
        return "Spark needs Java 17 or newer, and no java is on PATH or in JAVA_HOME"
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    return None if out else f"{java} -version printed nothing"


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="PySpark is not installed (pip install '.[spark]')")
    problem = _java_problem()
    if problem:
        pytest.skip(problem)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # PySpark about pandas 3
        session = (
            SparkSession.builder.master("local[2]")
            .appName("research-tests")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate()
        )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _frame(spark, frame: pd.DataFrame):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return spark.createDataFrame(frame)


def test_cdnow_sample_gives_the_pandas_table_on_spark(spark, cdnow_sample) -> None:
    reference = clean_transactions(cdnow_sample, quantity_col="quantity")
    ours = clean_transactions(_frame(spark, cdnow_sample), quantity_col="quantity")
    assert ours.engine == "pyspark"
    _same_report(ours.table, reference.table)
    _same(rfm_summary(ours, time_unit="W"), rfm_summary(reference, time_unit="W"))


def test_a_retailers_export_nets_its_returns_on_spark(spark) -> None:
    from tests.segmentation.test_cleaning import retailer

    frame = retailer.__wrapped__()
    frame["Rechnungsdatum"] = pd.to_datetime(frame["Rechnungsdatum"])
    rules = dict(COLS, observation_end="2011-12-10")
    reference = clean_transactions(frame, **rules)
    ours = clean_transactions(_frame(spark, frame), **rules)
    _same_report(ours.table, reference.table)
    _same(rfm_summary(ours), rfm_summary(reference))


def test_a_missing_column_on_spark_is_named(spark) -> None:
    frame = pd.DataFrame(
        {"customer_id": ["a"], "date": pd.to_datetime(["2024-01-01"]), "amount": [1.0]}
    )
    with pytest.raises(ValueError, match="pyspark table\\) has no column 'Kunde'"):
        clean_transactions(_frame(spark, frame), customer_col="Kunde")
