"""Input checks of the lead-scoring functions."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from research._validation import rows_repr

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


_Z95 = stats.norm.ppf(0.975)


# --------------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------------

_TRUE_WORDS = {"yes", "true", "1", "won", "y"}


_FALSE_WORDS = {"no", "false", "0", "lost", "n"}


def _target(y: object, X: pd.DataFrame, what: str = "y", rows: str = "X has") -> np.ndarray:
    """The target as a bool array, with clear errors for anything that is not binary.

    Matched to the rows of ``X`` by position (a Series' index is not aligned).
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
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        out = values.to_numpy(dtype=bool)
    else:
        levels = pd.unique(values.to_numpy(dtype=object))
        words = {str(v).strip().lower() for v in levels}
        if pd.api.types.is_numeric_dtype(dtype) and set(levels) <= {0, 1}:
            out = values.to_numpy(dtype=np.float64) == 1
        elif words <= _TRUE_WORDS | _FALSE_WORDS and not (
            words & _TRUE_WORDS and words & _FALSE_WORDS and len(words) > 2
        ):
            out = np.array([str(v).strip().lower() in _TRUE_WORDS for v in values], dtype=bool)
        else:
            shown = ", ".join(map(repr, levels[:5])) + (" ..." if len(levels) > 5 else "")
            raise ValueError(
                f"the target {what} must be binary (bool, 0/1 or yes/no), but it has "
                f"{len(levels):,} distinct values ({shown}) of dtype {dtype}: pass a boolean "
                "such as (y == 'won')"
            )
    if out.all() or not out.any():
        raise ValueError(
            f"the target {what} has one class only ({len(out):,} rows, all "
            f"{'positive' if out.all() else 'negative'}): a score needs both converted and "
            "not-converted leads"
        )
    return out


def _check_scores(y_true: object, scores: object, what: str = "scores") -> tuple[np.ndarray, ...]:
    """Outcomes (bool) and scores (float in [0, 1]) of the same length, without missing."""
    s = np.asarray(scores, dtype=np.float64).ravel()
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


def _check_positive_int(value: object, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_ci(ci: float) -> float:
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, got {ci!r}")
    return float(ci)
