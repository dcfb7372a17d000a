"""Input checks of the lead-scoring functions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from research._validation import binary_values, rows_repr

#: Level that rare categorical levels are grouped into (and unseen levels scored as).
OTHER = "(other)"


#: Fewest leads a categorical level needs to keep its own coefficient when ``min_frequency``
#: is a share: a level of a handful of leads is not estimable (and often separates).
MIN_LEVEL_LEADS = 10


#: Level given to missing values of a categorical column.
MISSING = "(missing)"


#: Rows of the paper's rolling-origin test period (Moro et al. 2014: the last 1,293 contacts).
ROLLING_TEST_SIZE = 1293


ROLLING_STEP = 100


# --------------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------------


def _target(
    y: object,
    X: pd.DataFrame,
    what: str = "y",
    rows: str = "X has",
    *,
    both_classes: bool = True,
) -> np.ndarray:
    """The outcomes as a bool array, with clear errors for anything that is not binary.

    One check for every function of the subpackage that reads outcomes, so each accepts the
    same encodings: bool, 0/1, or yes/no words (``yes``/``no``, ``true``/``false``,
    ``won``/``lost``, ``y``/``n``, any case). Matched to the rows of ``X`` by position (a
    Series' index is not aligned). ``both_classes`` refuses outcomes of one class only (a
    score needs both); a tier table may describe leads none of which converted yet.
    """
    if y is None:
        raise ValueError(
            f"the target {what} is missing (None): pass the outcome of every lead, e.g. calls['y']"
        )
    if isinstance(y, str):
        raise ValueError(
            f"the target {what} must be the outcomes, not the column name {y!r}: pass X[{y!r}] "
            "and drop it from X"
        )
    values = pd.Series(y).reset_index(drop=True) if not isinstance(y, pd.Series) else y
    if len(values) != len(X):
        raise ValueError(
            f"the target {what} has {len(values):,} values but {rows} {len(X):,} rows: one "
            "outcome per lead is expected"
        )
    if values.isna().any():
        bad = pd.Index(np.flatnonzero(values.isna().to_numpy()))
        raise ValueError(
            f"the target {what} has {int(values.isna().sum()):,} missing values of "
            f"{len(values):,} (positions {rows_repr(bad)}): drop those leads or fill the outcome"
        )
    out = binary_values(values.reset_index(drop=True), f"the target {what}")
    if both_classes and (out.all() or not out.any()):
        raise ValueError(
            f"the target {what} has one class only ({len(out):,} rows, all "
            f"{'positive' if out.all() else 'negative'}): a score needs both converted and "
            "not-converted leads"
        )
    return out


def _check_scores(y_true: object, scores: object, what: str = "scores") -> tuple[np.ndarray, ...]:
    """Outcomes (bool) and scores (float in [0, 1]) of the same length, without missing."""
    try:
        s = np.asarray(scores, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise TypeError(
            f"{what} must be numbers (probabilities to convert), got {type(scores).__name__} "
            "holding other values"
        ) from None
    if s.ndim != 1 or s.size == 0:
        raise ValueError(f"{what} is empty: there is nothing to rank")
    frame = pd.DataFrame(index=pd.RangeIndex(len(s)))
    y = _target(y_true, frame, "y_true", rows=f"{what} has")
    bad = ~np.isfinite(s)
    if bad.any():
        raise ValueError(
            f"{what} has {int(bad.sum()):,} missing or infinite values of {len(s):,} "
            f"(positions {rows_repr(pd.Index(np.flatnonzero(bad)))})"
        )
    if (s < 0).any() or (s > 1).any():
        raise ValueError(
            f"{what} must be probabilities in [0, 1]; got values from {s.min():.4g} to "
            f"{s.max():.4g} (pass predict_proba(X)[:, 1], not a log-odds)"
        )
    return y, s
