"""Shared fixtures: the offline mirror of the real datasets and small hand-made frames."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd
import pytest

from research.data import load_cdnow
from research.segmentation import clean_transactions, rfm_summary


def _mirror() -> Path | None:
    home = os.environ.get("RESEARCH_DATA_HOME")
    return Path(home) if home and Path(home).is_dir() else None


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The folder of real datasets (``RESEARCH_DATA_HOME``); skip where it is not set."""
    path = _mirror()
    if path is None:
        pytest.skip("RESEARCH_DATA_HOME is not set to the datasets mirror")
    return path


@pytest.fixture(scope="session")
def cdnow_master(mirror: Path) -> pd.DataFrame:
    return load_cdnow("master")


@pytest.fixture(scope="session")
def cdnow_sample(mirror: Path) -> pd.DataFrame:
    return load_cdnow("sample")


@pytest.fixture(scope="session")
def cdnow_calibration(cdnow_sample: pd.DataFrame) -> pd.DataFrame:
    """The sample's RFM summary of Fader, Hardie & Lee (2005): 39 weeks to 1997-09-30, in weeks;
    the paper's cohort counts the 8 purchases of $0 as purchases."""
    cleaned = clean_transactions(cdnow_sample, observation_end="1997-09-30", zero_amounts="keep")
    return rfm_summary(cleaned, time_scale=7)


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every pyplot figure a test leaves open (charts return closed figures; this
    catches the ones a test opens itself)."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
