"""The cleaning and the RFM summary on a PySpark DataFrame, in local mode: the pandas path's
table and counts. Skipped, with the reason, where PySpark or Java is missing; never passed
without running."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from research.segmentation import clean_transactions, rfm_summary
from tests.engines.test_rfm_engines import _same, _same_report
from tests.segmentation.test_cleaning import COLS


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


def test_the_crm_gives_the_pandas_funnel_and_sla_on_spark(spark, crm) -> None:
    from research.funnel import funnel, sla_compliance
    from tests.engines.test_funnel_engines import STAGES, _same_funnel, _same_sla

    leads = crm.leads
    source = _frame(spark, leads)
    for args in (dict(by="channel"), dict(cohort="created_at", cohort_freq="W")):
        _same_funnel(
            funnel(source, STAGES, lead_col="lead_id", **args),
            funnel(leads, STAGES, lead_col="lead_id", **args),
        )
    _same_sla(sla_compliance(source, by="channel"), sla_compliance(leads, by="channel"))
    with pytest.raises(ValueError, match="pyspark table\\) has no column 'sql'"):
        funnel(source, ["mql_at", "sql"])


def test_a_three_language_log_gives_the_pandas_trackers_on_spark(spark) -> None:
    from research.data.synthetic import make_crm
    from research.data.synthetic.phrases import CLAIM_KEYWORDS
    from research.messages import tracker_rates

    log = make_crm(300, random_state=4, languages=("en", "ko", "ja")).messages
    log = log.assign(language=log["language"].where(log.index % 3 != 0))  # some told by script
    reference = tracker_rates(log, CLAIM_KEYWORDS)
    ours = tracker_rates(_frame(spark, log), CLAIM_KEYWORDS)
    pd.testing.assert_frame_equal(ours.table, reference.table, check_dtype=False)


def test_the_crm_gives_the_pandas_kpis_on_spark(spark, crm) -> None:
    from research.funnel import kpi_table
    from tests.engines.test_funnel_engines import _same_kpis

    tables = dict(campaigns=crm.campaigns, opportunities=crm.opportunities, customers=crm.customers)
    _same_kpis(
        kpi_table(leads=_frame(spark, crm.leads), n_boot=100, **tables),
        kpi_table(leads=crm.leads, n_boot=100, **tables),
    )
