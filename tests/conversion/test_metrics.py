"""Metrics of a ranking, checked by hand: cumulative gains, gains at a share called, ALIFT."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from research.conversion import alift, cumulative_gains, gains_at


def test_alift_of_perfect_random_and_worst_rankings() -> None:
    y = [1, 0, 0, 0]
    # perfect: the buyer first; the curve rises to 1 at 25% called: area 0.25 / 2 + 0.75
    assert alift(y, [0.9, 0.1, 0.2, 0.3]) == pytest.approx(0.875)
    # random: all scores equal, the curve is the diagonal
    assert alift(y, [0.5, 0.5, 0.5, 0.5]) == pytest.approx(0.5)
    # worst: the buyer last; 0 until 75% called, then up to 1: area 0.25 / 2
    assert alift(y, [0.0, 0.9, 0.8, 0.7]) == pytest.approx(0.125)
    # identity: ALIFT = p / 2 + (1 - p) AUC
    rng = np.random.default_rng(0)
    yy = rng.random(300) < 0.2
    s = np.round(rng.random(300), 1)  # many ties
    p = yy.mean()
    assert alift(yy, s) == pytest.approx(p / 2 + (1 - p) * roc_auc_score(yy, s))


def test_cumulative_gains_and_gains_at_by_hand() -> None:
    curve = cumulative_gains([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1])
    assert curve["share_called"].tolist() == [0, 0.25, 0.5, 0.75, 1.0]
    assert curve["share_reached"].tolist() == [0, 0.5, 0.5, 1.0, 1.0]
    # ties are called together: one step for the two leads scoring 0.5
    tied = cumulative_gains([1, 0, 0, 1], [0.5, 0.5, 0.2, 0.1])
    assert tied["leads_called"].tolist() == [0, 2, 3, 4]
    assert tied["conversions"].tolist() == [0, 1, 1, 2]
    assert gains_at([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], 0.5) == 0.5
    assert gains_at([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], 0.625) == pytest.approx(0.75)
    assert gains_at([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], 0) == 0.0
    assert gains_at([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], 1) == 1.0


def test_word_outcomes_read_as_everywhere() -> None:
    assert alift(["yes", "no", "no", "no"], [0.9, 0.1, 0.2, 0.3]) == pytest.approx(0.875)
    assert gains_at(["won", "lost"], [0.9, 0.1], 0.5) == 1.0


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: alift([1, 1], [0.2, 0.3]), ValueError, "one class only"),
        (lambda: cumulative_gains([1, 0], [2.0, -1.0]), ValueError, r"probabilities in \[0, 1\]"),
        (lambda: cumulative_gains([1, 0], [0.5, np.nan]), ValueError, "1 missing or infinite"),
        (lambda: cumulative_gains([1, 0, 1], [0.5, 0.2]), ValueError, "3 values but scores has 2"),
        (lambda: cumulative_gains([1, 0], []), ValueError, "scores is empty"),
        (lambda: cumulative_gains([1, 0], ["high", "low"]), TypeError, "scores must be numbers"),
        (
            lambda: gains_at([1, 0], [0.9, 0.1], 1.5),
            ValueError,
            r"share must be a share in \[0, 1\]",
        ),
        (lambda: gains_at([1, 0], [0.9, 0.1], "half"), ValueError, "share must be a share"),
    ],
)
def test_bad_input(call, exc, match: str) -> None:
    with pytest.raises(exc, match=match):
        call()
