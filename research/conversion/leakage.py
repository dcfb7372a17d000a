"""Column types and the single-column leakage screen."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.model_selection import StratifiedKFold

from research._validation import check_int, require_frame
from research.conversion._inputs import MISSING, _target

__all__ = [
    "LeakageWarning",
    "single_column_auc",
]


class LeakageWarning(UserWarning):
    """A column predicts the outcome suspiciously well on its own: is it known in time?"""


# --------------------------------------------------------------------------------------------
# column types and the single-column leakage screen
# --------------------------------------------------------------------------------------------


def _is_numeric(series: pd.Series) -> bool:
    dtype = series.dtype
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def _as_text(series: pd.Series) -> np.ndarray:
    """Values of a categorical-like column as an object array of str, missing as MISSING."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        cats = np.array([str(c) for c in series.cat.categories] + [MISSING], dtype=object)
        return cats[series.cat.codes.to_numpy()]  # code -1 (missing) picks MISSING
    values = series.astype(object).to_numpy()
    missing = pd.isna(values)
    out = np.asarray(values, dtype=str).astype(object) if len(values) else values
    out[missing] = MISSING
    return out


def _rank_auc(y: np.ndarray, x: np.ndarray) -> float:
    """AUC of score x for outcome y (ties count half), from the ranks (Mann-Whitney U)."""
    n1 = int(y.sum())
    n0 = len(y) - n1
    if n1 == 0 or n0 == 0:
        return np.nan
    ranks = stats.rankdata(x)
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def single_column_auc(
    X: pd.DataFrame, y: object, *, n_splits: int = 5, random_state: int = 0
) -> pd.DataFrame:
    """How well each column alone ranks converters above the rest (AUC, oriented to >= 0.5).

    A numeric column is ranked as it is, with its missing values at the median, or below its
    smallest or above its largest value, whichever ranks best (so that a column filled in only
    for converters is caught), and the AUC is turned around when it is below 0.5 (a column
    that ranks buyers low is as informative as one that ranks them high). A categorical,
    text or boolean column is scored by the conversion rate of its level, learned **out of
    fold** (stratified ``n_splits``-fold; the rate of each level in the other folds, shrunk
    towards the overall rate by one lead's weight), so that an id column or a column with
    many rare levels does not look predictive just by memorising the training leads.

    Parameters
    ----------
    X : pandas.DataFrame
        The lead table (not modified).
    y : array-like
        Outcome per lead (bool, 0/1 or yes/no).
    n_splits : int, default 5
        Folds for the categorical columns.
    random_state : int, default 0
        Seed of the folds.

    Returns
    -------
    pandas.DataFrame
        One row per column, highest AUC first: ``column``, ``kind`` ("numeric" or
        "categorical"), ``auc``, ``direction`` ("higher converts more", "lower converts more"
        or "by level"), ``levels`` (distinct values; NaN for numeric) and ``n``.

    Examples
    --------
    >>> X = pd.DataFrame({"x": [1, 2, 3, 4], "c": ["a", "a", "b", "b"]})
    >>> screen = single_column_auc(X, [0, 0, 1, 1])
    >>> screen["column"].tolist(), screen["auc"].tolist()
    (['x', 'c'], [1.0, 1.0])
    """
    frame = require_frame(X, "X")
    target = _target(y, frame)
    n_splits = check_int(n_splits, "n_splits", 2)
    return _column_aucs(frame, target, n_splits=n_splits, random_state=random_state)


_SCREEN_COLUMNS = ["column", "kind", "auc", "direction", "levels", "n"]


def _column_aucs(
    frame: pd.DataFrame, target: np.ndarray, *, n_splits: int = 5, random_state: int = 0
) -> pd.DataFrame:
    """:func:`single_column_auc` on a checked frame and bool target (prior validation is
    assumed); columns entirely missing and date columns are skipped."""
    rows = []
    for col in frame.columns:
        series = frame[col]
        if series.isna().all() or pd.api.types.is_datetime64_any_dtype(series.dtype):
            continue
        if _is_numeric(series):
            auc = _numeric_auc(series.to_numpy(dtype=np.float64, na_value=np.nan), target)
            kind, levels = "numeric", np.nan
            direction = "higher converts more" if auc >= 0.5 else "lower converts more"
            auc = max(auc, 1 - auc)
        else:
            auc, levels = _categorical_auc(_as_text(series), target, n_splits, random_state)
            kind, direction = "categorical", "by level"
        rows.append(
            {
                "column": str(col),
                "kind": kind,
                "auc": auc,
                "direction": direction,
                "levels": levels,
                "n": len(series),
            }
        )
    out = pd.DataFrame(rows, columns=_SCREEN_COLUMNS)
    return out.sort_values("auc", ascending=False, kind="stable").reset_index(drop=True)


def _numeric_auc(raw: np.ndarray, target: np.ndarray) -> float:
    """AUC of a numeric column as it ranks (not turned around), its missing values placed
    where they rank best: at the median, or, when there are any, below the smallest or above
    the largest value (so that a column filled in only for converters is caught)."""
    missing = np.isnan(raw)
    fills = [np.nanmedian(raw)]
    if missing.any():
        fills += [np.nanmin(raw) - 1, np.nanmax(raw) + 1]
    aucs = [_rank_auc(target, np.where(missing, f, raw)) for f in fills]
    return max(aucs, key=lambda a: abs(a - 0.5))


def _categorical_auc(
    text: np.ndarray, target: np.ndarray, n_splits: int, random_state: int
) -> tuple[float, int]:
    """AUC of the out-of-fold conversion rate of each lead's level (shrunk towards the overall
    rate by one lead's weight), and the number of levels."""
    codes, uniques = pd.factorize(text)
    n_levels = len(uniques)
    k = min(n_splits, int(target.sum()), int((~target).sum()))
    oof = np.full(len(codes), target.mean())
    if k >= 2:
        folds = StratifiedKFold(k, shuffle=True, random_state=random_state)
        for train, test in folds.split(codes, target):
            prior = target[train].mean()
            hits = np.bincount(codes[train], weights=target[train], minlength=n_levels)
            size = np.bincount(codes[train], minlength=n_levels)
            oof[test] = ((hits + prior) / (size + 1))[codes[test]]
    return _rank_auc(target, oof), n_levels
