"""The single-column leakage screen, by hand and on the bank calls' textbook leak."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.conversion import LeadScorer, LeakageWarning, single_column_auc


def test_single_column_auc() -> None:
    X = pd.DataFrame(
        {"x": [1, 2, 3, 4, 5, 6], "neg": [6, 5, 4, 3, 2, 1], "id": ["a", "b", "c", "d", "e", "f"]}
    )
    t = single_column_auc(X, [0, 0, 0, 1, 1, 1]).set_index("column")
    assert t.loc["x", "auc"] == 1.0 and t.loc["x", "direction"] == "higher converts more"
    assert t.loc["neg", "auc"] == 1.0 and t.loc["neg", "direction"] == "lower converts more"
    assert t.loc["x", "kind"] == "numeric" and np.isnan(t.loc["x", "levels"])
    # an id: every level unseen out of fold, so every lead gets the prior: no ranking
    assert t.loc["id", "auc"] == pytest.approx(0.5, abs=0.2)
    assert t.loc["id", "kind"] == "categorical" and t.loc["id", "levels"] == 6
    # filled in only for converters (as Olist's deal columns): its missingness leaks
    won = np.array([0, 1] * 20)
    revenue = np.where(won == 1, np.linspace(1, 5, 40), np.nan)
    leak = single_column_auc(pd.DataFrame({"revenue": revenue}), won)
    assert leak["auc"].iloc[0] == 1.0


def test_columns_without_a_ranking_are_skipped() -> None:
    X = pd.DataFrame(
        {
            "x": [1.0, 2, 3, 4],
            "empty": [np.nan] * 4,
            "when": pd.date_range("2024-01-01", periods=4),
        }
    )
    assert single_column_auc(X, [0, 0, 1, 1])["column"].tolist() == ["x"]


def test_bank_duration_leaks_and_is_flagged(bank_sample: pd.DataFrame) -> None:
    X, y = bank_sample.drop(columns="y"), bank_sample["y"]
    screen = single_column_auc(X, y)
    assert screen["column"].iloc[0] == "duration"
    assert 0.80 < screen["auc"].iloc[0] < 0.84  # about 0.82: below a 0.9 screen
    with pytest.warns(LeakageWarning, match=r"duration \(AUC 0\.82\)") as record:
        leaky = LeadScorer().fit(X, y)
    assert leaky.flagged_ == ["duration"]
    assert "nr.employed" not in str(record[0].message)
    pd.testing.assert_frame_equal(leaky.screen_, screen)  # the fit ran the same screen
    with pytest.warns(UserWarning, match="post_outcome.*duration"):
        honest = LeadScorer(post_outcome=["duration"]).fit(X, y)
    assert honest.excluded_ == ["duration"] and "duration" not in honest.columns_
    assert honest.flagged_ == []
    # housing = unknown and loan = unknown mark the same calls: one term is dropped, named
    dropped = honest.report().query("action == 'term dropped'")
    assert "loan = unknown" in dropped["detail"].str.cat()


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: single_column_auc([[1, 2]], [0, 1]), TypeError, "X must be a pandas DataFrame"),
        (
            lambda: single_column_auc(pd.DataFrame({"x": [1, 2]}), [0, 1], n_splits=1),
            ValueError,
            "n_splits must be an integer >= 2",
        ),
        (
            lambda: single_column_auc(pd.DataFrame({"x": [1, 2]}), [1, 1]),
            ValueError,
            "one class only",
        ),
    ],
)
def test_bad_input(call, exc, match: str) -> None:
    with pytest.raises(exc, match=match):
        call()
