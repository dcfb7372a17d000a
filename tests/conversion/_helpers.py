"""Plain helpers of the lead-scoring tests."""

from __future__ import annotations

import warnings

import pandas as pd

from research.conversion import LeadScorer


def quiet(scorer: LeadScorer, X: pd.DataFrame, y: object) -> LeadScorer:
    """``scorer.fit(X, y)`` without its notes (left-out columns, unseen levels)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return scorer.fit(X, y)
