"""Fixtures of the funnel tests: one synthetic CRM with planted effects, and the Olist funnel."""

from __future__ import annotations

import pandas as pd
import pytest

from research.data.synthetic import make_crm


@pytest.fixture(scope="session")
def crm():
    """A synthetic CRM of 20,000 leads (its planted effects are in ``crm.truth``)."""
    return make_crm(20_000, random_state=11, with_messages=False)


@pytest.fixture(scope="session")
def mature(crm) -> pd.DataFrame:
    """The CRM's leads handed over more than 60 days before the end: their outcome is known."""
    end = crm.truth["data_end"]
    return crm.leads[crm.leads["mql_at"] < end - pd.Timedelta(days=60)]


@pytest.fixture(scope="session")
def olist(mirror):
    from research.data import load_olist_funnel

    return load_olist_funnel()
