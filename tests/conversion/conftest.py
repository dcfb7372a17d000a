"""Fixtures of the lead-scoring tests: a small lead table with known effects, the UCI bank
calls (real; skipped without the datasets mirror) and scores of 400 leads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="module")
def bank_sample(mirror: Path) -> pd.DataFrame:
    from research.data import load_bank_marketing

    return load_bank_marketing("sample")


@pytest.fixture(scope="module")
def bank_full(mirror: Path) -> pd.DataFrame:
    from research.data import load_bank_marketing

    return load_bank_marketing()


@pytest.fixture
def toy() -> tuple[pd.DataFrame, pd.Series]:
    """200 leads: visits raise conversion, source 'ads' lowers it, a rare source."""
    rng = np.random.default_rng(3)
    n = 200
    visits = rng.poisson(3, n).astype(float)
    source = rng.choice(["web", "ads", "event"], n, p=[0.5, 0.4, 0.1]).astype(object)
    source[:2] = "fax"  # rare: 2 of 200 leads
    logit = -1.5 + 0.5 * (visits - 3) - 0.8 * (source == "ads")
    won = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame({"visits": visits, "source": source}), pd.Series(won, name="won")


@pytest.fixture
def scored() -> tuple[np.ndarray, np.ndarray]:
    """400 leads whose chance to convert grows with their score."""
    rng = np.random.default_rng(5)
    s = rng.random(400)
    y = rng.random(400) < s * 0.6
    return y, s
