"""The design: from a lead table to model inputs, learned on the training leads."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from research._validation import rows_repr
from research.conversion._inputs import MIN_LEVEL_LEADS, OTHER
from research.conversion.leakage import _as_text, _is_numeric

# --------------------------------------------------------------------------------------------
# the design: from a lead table to model inputs, learned on the training leads
# --------------------------------------------------------------------------------------------


class _Design:
    """Preprocessing learned from the training leads, kept as plain lists and arrays.

    Numeric columns: the median (for missing values), mean and standard deviation, and
    whether a "missing" indicator is added (when the training column had missing values).
    Categorical columns: the levels kept (at least ``min_frequency`` of the leads, at most
    ``max_levels``), the reference level (the most frequent), and whether the rare levels are
    pooled into ``"(other)"``. Only plain Python and NumPy values are stored, so the design
    saves with skops.
    """

    def __init__(self) -> None:
        self.numeric: list[str] = []
        self.median: list[float] = []
        self.mean: list[float] = []
        self.scale: list[float] = []
        self.has_missing: list[bool] = []
        self.categorical: list[str] = []
        self.levels: list[list[str]] = []  # kept levels, the reference first
        self.rare: list[list[str]] = []  # levels pooled (into OTHER, or the reference)
        self.pooled_into: list[str] = []  # OTHER or the reference level
        self.terms: list[str] = []  # logistic design columns
        self.term_column: list[str] = []
        self.term_level: list[str] = []  # level of an indicator, "" for a numeric term
        self.term_mean: list[float] = []  # mean of the design column on the training leads

    @property
    def columns(self) -> list[str]:
        return self.numeric + self.categorical

    # -- learning ------------------------------------------------------------------------

    def fit(
        self, X: pd.DataFrame, columns: Sequence[str], min_frequency: float, max_levels: int
    ) -> list[tuple[str, str, str]]:
        """Learn the preprocessing; returns report rows (column, action, detail)."""
        report: list[tuple[str, str, str]] = []
        n = len(X)
        if min_frequency < 1:
            min_count = max(MIN_LEVEL_LEADS, int(np.ceil(min_frequency * n)))
        else:
            min_count = int(min_frequency)
        for col in columns:
            series = X[col]
            if _is_numeric(series):
                x = series.to_numpy(dtype=np.float64, na_value=np.nan)
                if np.isinf(x).any():
                    bad = pd.Index(X.index[np.isinf(x)])
                    raise ValueError(
                        f"column {col!r} of X has {int(np.isinf(x).sum()):,} infinite values "
                        f"(rows {rows_repr(bad)}); replace them or leave them missing"
                    )
                missing = np.isnan(x)
                filled = np.where(missing, np.nanmedian(x), x)
                sd = float(filled.std())
                if sd == 0 and not missing.any():
                    report.append((col, "dropped", f"constant ({filled[0]:g} in every row)"))
                    continue
                self.numeric.append(col)
                self.median.append(float(np.nanmedian(x)))
                self.mean.append(float(filled.mean()))
                self.scale.append(sd if sd > 0 else 1.0)
                self.has_missing.append(bool(missing.any()))
                detail = "numeric, standardised for the logistic model"
                if missing.any():
                    detail += (
                        f"; {int(missing.sum()):,} missing values set to the median "
                        f"{np.nanmedian(x):g} plus a 'missing' indicator (gbm: kept missing)"
                    )
                report.append((col, "used", detail))
            else:
                text = _as_text(series)
                counts = pd.Series(text).value_counts(sort=True)
                counts = counts.sort_index(kind="stable").sort_values(
                    ascending=False, kind="stable"
                )
                frequent = [str(v) for v, c in counts.items() if c >= min_count][:max_levels]
                rare = [str(v) for v in counts.index if str(v) not in frequent]
                if not frequent:
                    report.append(
                        (
                            col,
                            "dropped",
                            f"no level has {min_count:,}+ leads ({len(counts):,} "
                            "levels: an id or free text?)",
                        )
                    )
                    continue
                rare_count = int(counts[rare].sum()) if rare else 0
                pooled_into = OTHER if rare and rare_count >= min_count else frequent[0]
                kept = frequent + ([OTHER] if pooled_into == OTHER else [])
                if len(kept) < 2:
                    report.append((col, "dropped", f"a single level ({kept[0]!r})"))
                    continue
                self.categorical.append(col)
                self.levels.append(kept)
                self.rare.append(rare)
                self.pooled_into.append(pooled_into)
                detail = f"categorical, {len(kept)} levels, reference {kept[0]!r}"
                if rare:
                    detail += (
                        f"; {len(rare)} rare level(s) with fewer than {min_count:,} leads "
                        f"pooled into {pooled_into!r} ({rows_repr(pd.Index(rare), 5)})"
                    )
                report.append((col, "used", detail))
        return report

    def set_terms(self, frame: pd.DataFrame) -> None:
        self.terms = list(frame.columns)
        self.term_mean = [float(v) for v in frame.mean().to_numpy()]

    # -- transforming --------------------------------------------------------------------

    def _levels_of(self, X: pd.DataFrame, j: int) -> tuple[np.ndarray, int]:
        """Level of every lead (rare and unseen levels pooled) and how many were unseen."""
        col = self.categorical[j]
        text = _as_text(X[col])
        kept = self.levels[j]
        known = set(kept) | set(self.rare[j])
        unseen = ~pd.Series(text).isin(known).to_numpy()
        pooled = ~pd.Series(text).isin(kept).to_numpy()
        text = text.copy()
        text[pooled] = self.pooled_into[j]
        return text, int(unseen.sum())

    def unseen(self, X: pd.DataFrame) -> dict[str, int]:
        out = {}
        for j, col in enumerate(self.categorical):
            _, k = self._levels_of(X, j)
            if k:
                out[col] = k
        return out

    def logistic_matrix(self, X: pd.DataFrame, terms: Sequence[str] | None = None) -> pd.DataFrame:
        """Standardised numeric columns (+ missing indicators) and one indicator per non-
        reference level: the logistic model's design, without the constant."""
        parts: dict[str, np.ndarray] = {}
        meta: list[tuple[str, str]] = []
        for j, col in enumerate(self.numeric):
            x = X[col].to_numpy(dtype=np.float64, na_value=np.nan)
            missing = np.isnan(x)
            parts[col] = (np.where(missing, self.median[j], x) - self.mean[j]) / self.scale[j]
            meta.append((col, ""))
            if self.has_missing[j]:
                parts[f"{col} is missing"] = missing.astype(np.float64)
                meta.append((col, "(missing)"))
        for j, col in enumerate(self.categorical):
            text, _ = self._levels_of(X, j)
            for level in self.levels[j][1:]:
                parts[f"{col} = {level}"] = (text == level).astype(np.float64)
                meta.append((col, level))
        frame = pd.DataFrame(parts, index=X.index)
        if terms is None:
            self.term_column = [c for c, _ in meta]
            self.term_level = [lv for _, lv in meta]
            return frame
        return frame.loc[:, list(terms)]

    def gbm_matrix(self, X: pd.DataFrame) -> np.ndarray:
        """Numeric columns as they are (missing kept), categorical ones as level codes."""
        cols = [X[c].to_numpy(dtype=np.float64, na_value=np.nan) for c in self.numeric]
        for j in range(len(self.categorical)):
            text, _ = self._levels_of(X, j)
            codes = pd.Categorical(text, categories=self.levels[j]).codes.astype(np.float64)
            cols.append(codes)
        return np.column_stack(cols) if cols else np.empty((len(X), 0))

    def reference_values(self) -> dict[str, object]:
        """A typical lead: the median of each numeric column, the reference level otherwise."""
        ref: dict[str, object] = dict(zip(self.numeric, self.median, strict=True))
        ref.update({c: lv[0] for c, lv in zip(self.categorical, self.levels, strict=True)})
        return ref


def _independent_columns(Z: np.ndarray, tol: float = 1e-8) -> np.ndarray:
    """Positions of the columns of Z kept so that [1, Z] has full column rank, in order.

    Columns are taken in order and one is dropped when it is (up to ``tol`` of its variance)
    a linear combination of the constant and the columns kept before it, e.g. the second of
    two indicators that mark the same leads. Works on the small correlation matrix, so the
    cost does not grow with the number of leads beyond one matrix product.
    """
    if Z.shape[1] == 0:
        return np.arange(0)
    centred = Z - Z.mean(axis=0)
    norms = np.linalg.norm(centred, axis=0)
    gram = centred.T @ centred
    kept: list[int] = []
    for j in range(Z.shape[1]):
        if norms[j] <= 1e-12 * np.sqrt(len(Z)):
            continue
        if kept:
            g_kk = gram[np.ix_(kept, kept)]
            g_kj = gram[kept, j]
            coef = np.linalg.lstsq(g_kk, g_kj, rcond=None)[0]
            residual = gram[j, j] - g_kj @ coef
        else:
            residual = gram[j, j]
        if residual > tol * gram[j, j]:
            kept.append(j)
    return np.asarray(kept, dtype=np.int64)
