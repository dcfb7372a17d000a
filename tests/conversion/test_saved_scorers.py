"""Scorers saved before the package moved into subpackages still load and score the same."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research.conversion import LeadScorer, load_scorer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize("model", ["logistic", "gbm"])
def test_scorer_saved_by_0_1_0_loads_and_scores_the_same(model: str) -> None:
    expected = pd.read_csv(FIXTURES / "scorer_0.1.0_expected.csv")
    scorer = load_scorer(FIXTURES / f"scorer_0.1.0_{model}.skops")
    assert isinstance(scorer, LeadScorer)
    assert scorer.model == model
    leads = expected[["visits", "source"]].astype({"visits": float, "source": object})
    p = scorer.predict_proba(leads)[:, 1]
    np.testing.assert_allclose(p, expected[f"p_{model}"], rtol=1e-12)
    assert scorer.report().shape[0] > 0
    # the views added since read the fitted attributes the old files hold
    assert scorer.summary().title.startswith(f"LeadScorer(model={model!r}): 200 leads")
    codes = scorer.reason_codes(leads.head(2))
    assert set(codes["lead"]) <= {0, 1} and codes["text"].str.contains("log-odds").all()
    if model == "logistic":
        pushes = scorer.contributions(leads)
        log_odds = np.log(p / (1 - p))
        np.testing.assert_allclose(pushes.sum(axis=1) + scorer.baseline_log_odds_, log_odds)
        assert scorer.odds_ratios(ci=0.9).ci == 0.9
