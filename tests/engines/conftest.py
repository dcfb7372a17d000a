"""Fixtures of the engine tests: one local Spark session for all of them (skipped, with the
reason, where PySpark or Java is missing), the synthetic CRM and the Olist funnel."""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings

import pytest

from research.data.synthetic import make_crm


def _java_problem() -> str | None:
    java = shutil.which("java") or (
        os.path.join(os.environ["JAVA_HOME"], "bin", "java") if "JAVA_HOME" in os.environ else None
    )
    if java is None or not os.path.exists(java):
        return "Spark needs Java 17 or newer, and no java is on PATH or in JAVA_HOME"
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    return None if out else f"{java} -version printed nothing"


@pytest.fixture(scope="session")
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


@pytest.fixture(scope="session")
def crm():
    """A synthetic CRM of 5,000 leads."""
    return make_crm(5_000, random_state=3, with_messages=False)


@pytest.fixture(scope="session")
def olist(mirror):
    from research.data import load_olist_funnel

    return load_olist_funnel()
