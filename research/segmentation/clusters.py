"""Customer segments by clustering.

* :class:`CustomerSegmenter` clusters customers on log-scaled RFM features, scikit-learn style,
  choosing the number of segments by several criteria, profiling the segments and measuring how
  stable they are under resampling.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans
from sklearn.metrics import (
    adjusted_rand_score,
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler
from tqdm import tqdm

from research._validation import require_columns, require_frame, rows_repr
from research.segmentation.segments import segment_value_table

__all__ = [
    "CustomerSegmenter",
]

# --------------------------------------------------------------------------------------------
# CustomerSegmenter
# --------------------------------------------------------------------------------------------

_CRITERIA = {
    # name: (higher is better?)
    "silhouette": True,
    "calinski_harabasz": True,
    "davies_bouldin": False,
    "bic": False,
}


class CustomerSegmenter(BaseEstimator):
    """Cluster customers on log-scaled RFM features, scikit-learn style.

    Parameters
    ----------
    n_segments : int or "auto", default "auto"
        Number of segments. ``"auto"`` fits every k in ``k_range`` and keeps the k with the best
        mean rank over the silhouette (higher is better), Calinski-Harabasz (higher),
        Davies-Bouldin (lower) and, for the Gaussian mixture, BIC (lower); ties go to the
        smaller k. The scores are kept in ``selection_scores_``.
    method : {"kmeans", "gmm"}, default "kmeans"
        k-means or a Gaussian mixture (full covariance).
    features : sequence of str
        Columns of the customer table used for clustering. Default: days since last purchase,
        number of purchases and average spend (from :func:`rfm_summary`).
    value_col : str, default "total_spend"
        Column that measures a customer's value, for ordering and profiling the segments.
    log_transform : bool, default True
        Apply ``log1p`` to the features before scaling (RFM features are heavily skewed).
    k_range : tuple of int, default (3, 8)
        Smallest and largest k tried with ``n_segments="auto"``. It starts at 3 because the
        criteria tend to favour the obvious two-way split (repeat buyers against one-time
        buyers), which every analyst already knows; pass ``(2, 8)`` to allow it.
    silhouette_sample : int, default 5_000
        The silhouette is computed on a random sample of this many customers (its cost grows
        with the square of the number of customers).
    n_init : int, default 10
        Restarts of k-means / the mixture's EM.
    random_state : int, default 0
        Seed for every random step; the same data gives the same segments.

    Attributes
    ----------
    n_segments_ : int
        Number of segments fitted.
    selection_scores_ : pandas.DataFrame
        One row per k tried: each criterion, its rank, the mean rank and which k was chosen.
    labels_ : pandas.Series
        Segment (1..n_segments_) of every training customer. Segment 1 has the highest mean
        value, segment 2 the next, and so on.
    segment_names_ : dict
        Segment number -> short descriptive name (e.g. ``"recent, frequent, high spend"``).
    cluster_centers_ : pandas.DataFrame
        Mean of each feature per segment, in the features' own units.
    model_ : KMeans or GaussianMixture
        The fitted clustering model (on scaled features).

    Examples
    --------
    >>> seg = CustomerSegmenter(n_segments=4, random_state=0).fit(summary)  # doctest: +SKIP
    >>> seg.profile()  # doctest: +SKIP
    """

    def __init__(
        self,
        n_segments: int | Literal["auto"] = "auto",
        *,
        method: Literal["kmeans", "gmm"] = "kmeans",
        features: Sequence[str] = ("days_since_last", "n_purchases", "avg_spend"),
        value_col: str = "total_spend",
        log_transform: bool = True,
        k_range: tuple[int, int] = (3, 8),
        silhouette_sample: int = 5_000,
        n_init: int = 10,
        random_state: int = 0,
    ) -> None:
        self.n_segments = n_segments
        self.method = method
        self.features = features
        self.value_col = value_col
        self.log_transform = log_transform
        self.k_range = k_range
        self.silhouette_sample = silhouette_sample
        self.n_init = n_init
        self.random_state = random_state

    # -- helpers ----------------------------------------------------------------------------

    def _check_params(self) -> None:
        if self.method not in ("kmeans", "gmm"):
            raise ValueError(f"method must be 'kmeans' or 'gmm', got {self.method!r}")
        if self.n_segments != "auto" and not (
            isinstance(self.n_segments, int | np.integer)
            and not isinstance(self.n_segments, bool)
            and self.n_segments >= 2
        ):
            raise ValueError(
                f"n_segments must be 'auto' or an integer >= 2, got {self.n_segments!r}"
            )
        lo, hi = self.k_range
        if not (2 <= lo <= hi):
            raise ValueError(
                f"k_range must be (low, high) with 2 <= low <= high, got {self.k_range}"
            )
        if isinstance(self.features, str) or len(self.features) == 0:
            raise ValueError(
                f"features must be a non-empty list of column names, got {self.features!r}"
            )

    def _features(self, X: pd.DataFrame, what: str) -> pd.DataFrame:
        frame = require_frame(X, what)
        cols = list(self.features)
        require_columns(frame, cols, what)
        if frame.empty:
            raise ValueError(f"{what} is empty (0 customers)")
        data = frame[cols]
        for col in cols:
            if not pd.api.types.is_numeric_dtype(data[col].dtype) or pd.api.types.is_bool_dtype(
                data[col].dtype
            ):
                raise TypeError(f"feature {col!r} must be numeric, got dtype {data[col].dtype}")
        values = data.to_numpy(dtype=np.float64)
        bad = ~np.isfinite(values).all(axis=1)
        if bad.any():
            raise ValueError(
                f"{what} has {int(bad.sum()):,} of {len(frame):,} customers with missing or "
                f"infinite feature values (rows {rows_repr(frame.index[bad])})"
            )
        if self.log_transform:
            neg = (values < 0).any(axis=1)
            if neg.any():
                raise ValueError(
                    f"{what} has {int(neg.sum()):,} customers with negative feature values "
                    f"(rows {rows_repr(frame.index[neg])}); log_transform needs values >= 0: "
                    "clean them or pass log_transform=False"
                )
            values = np.log1p(values)
        return pd.DataFrame(values, index=frame.index, columns=cols)

    def _new_model(self, k: int, random_state: int | np.random.RandomState):
        if self.method == "kmeans":
            return KMeans(n_clusters=k, n_init=self.n_init, random_state=random_state)
        return GaussianMixture(
            n_components=k, covariance_type="full", n_init=self.n_init, random_state=random_state
        )

    def _select_k(self, Z: np.ndarray) -> pd.DataFrame:
        lo, hi = self.k_range
        hi = min(hi, len(Z) - 1, len(np.unique(Z, axis=0)))
        if hi < lo:
            raise ValueError(f"{len(Z)} customers are too few to choose among k = {self.k_range}")
        sample = min(self.silhouette_sample, len(Z))
        rows = []
        for k in tqdm(range(lo, hi + 1), desc="choosing k", leave=False):
            model = self._new_model(k, self.random_state).fit(Z)
            labels = model.predict(Z)
            if len(np.unique(labels)) < 2:
                continue
            row = {
                "k": k,
                "silhouette": silhouette_score(
                    Z, labels, sample_size=sample, random_state=self.random_state
                ),
                "calinski_harabasz": calinski_harabasz_score(Z, labels),
                "davies_bouldin": davies_bouldin_score(Z, labels),
            }
            if self.method == "gmm":
                row["bic"] = model.bic(Z)
            rows.append(row)
        if not rows:
            raise ValueError(
                f"no k in {self.k_range} splits these customers into two or more segments: "
                "their features barely differ"
            )
        scores = pd.DataFrame(rows)
        criteria = [c for c in _CRITERIA if c in scores]
        for c in criteria:
            scores[f"{c}_rank"] = scores[c].rank(ascending=not _CRITERIA[c], method="min")
        scores["mean_rank"] = scores[[f"{c}_rank" for c in criteria]].mean(axis=1)
        best = scores.sort_values(["mean_rank", "k"]).iloc[0]["k"]
        scores["chosen"] = scores["k"] == best
        return scores

    def _name(self, centers: pd.DataFrame, base: pd.Series) -> dict[int, str]:
        words = {
            "days_since_last": ("recent", "lapsed"),
            "recency": ("long-lived", "short-lived"),
            "n_purchases": ("frequent", "rare"),
            "frequency": ("frequent", "rare"),
            "avg_spend": ("high spend", "low spend"),
            "total_spend": ("high value", "low value"),
            "monetary_value": ("high spend", "low spend"),
        }
        names = {}
        for seg, row in centers.iterrows():
            parts = []
            for col in centers.columns:
                lift = row[col] / base[col] if base[col] else np.nan
                high, low = words.get(col, (f"high {col}", f"low {col}"))
                if col == "days_since_last":  # fewer days since the last purchase is better
                    high, low = low, high
                if lift >= 1.25:
                    parts.append(high)
                elif lift <= 0.8:
                    parts.append(low)
            names[int(seg)] = ", ".join(parts) if parts else "average"
        return names

    # -- public API -------------------------------------------------------------------------

    def fit(self, X: pd.DataFrame, y: None = None) -> CustomerSegmenter:
        """Fit the segments on a customer table (one row per customer).

        Parameters
        ----------
        X : pandas.DataFrame
            Customer table holding ``features`` and ``value_col``, e.g. from :func:`rfm_summary`.
        y : None
            Ignored; present for scikit-learn compatibility.

        Returns
        -------
        CustomerSegmenter
            The fitted segmenter.
        """
        self._check_params()
        feats = self._features(X, "X")
        require_columns(X, [self.value_col], "X")
        if len(feats) < 3:
            raise ValueError(f"X has {len(feats)} customers; at least 3 are needed to segment")
        distinct = len(np.unique(feats.to_numpy(), axis=0))
        if distinct < 2:
            raise ValueError(
                f"all {len(feats):,} customers of X have the same {list(self.features)}: there "
                "is nothing to segment"
            )
        k_wanted = self.k_range[0] if self.n_segments == "auto" else int(self.n_segments)
        if distinct < k_wanted:
            raise ValueError(
                f"X has only {distinct} distinct customer profiles in {list(self.features)}, "
                f"fewer than the {k_wanted} segments asked for: lower "
                + ("k_range" if self.n_segments == "auto" else "n_segments")
            )
        self.scaler_ = StandardScaler().fit(feats.to_numpy())
        Z = self.scaler_.transform(feats.to_numpy())
        if self.n_segments == "auto":
            self.selection_scores_ = self._select_k(Z)
            k = int(self.selection_scores_.loc[self.selection_scores_["chosen"], "k"].iloc[0])
        else:
            k = int(self.n_segments)
            if k >= len(Z):
                raise ValueError(f"n_segments={k} needs more than {len(Z)} customers")
            self.selection_scores_ = None
        self.n_segments_ = k
        self.model_ = self._new_model(k, self.random_state).fit(Z)
        raw = self.model_.predict(Z)
        # Order segments by mean value, most valuable first, so numbering is stable and useful.
        value = X[self.value_col].to_numpy(dtype=np.float64)
        means = pd.Series(value).groupby(raw).mean().reindex(range(k), fill_value=-np.inf)
        order = np.argsort(-means.to_numpy(), kind="stable")
        self._relabel = np.empty(k, dtype=np.int64)
        self._relabel[order] = np.arange(1, k + 1)
        self.labels_ = pd.Series(self._relabel[raw], index=X.index, name="segment")
        raw_features = X[list(self.features)].astype(np.float64)
        self.cluster_centers_ = raw_features.groupby(self.labels_.to_numpy()).mean()
        self.cluster_centers_.index.name = "segment"
        self.segment_names_ = self._name(self.cluster_centers_, raw_features.mean())
        self._train = (X[[*dict.fromkeys([*self.features, self.value_col])]].copy(), Z)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise ValueError("this CustomerSegmenter is not fitted yet: call fit(X) first")

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Return the log-transformed, scaled features the clustering works on."""
        self._check_fitted()
        feats = self._features(X, "X")
        return pd.DataFrame(
            self.scaler_.transform(feats.to_numpy()), index=feats.index, columns=feats.columns
        )

    def predict(self, X: pd.DataFrame) -> pd.Series:
        """Assign customers (new or not) to the fitted segments.

        Parameters
        ----------
        X : pandas.DataFrame
            Customer table with the same ``features`` columns as the training table.

        Returns
        -------
        pandas.Series
            Segment number (1 = most valuable) per customer, indexed like ``X``.
        """
        Z = self.transform(X).to_numpy()
        return pd.Series(self._relabel[self.model_.predict(Z)], index=X.index, name="segment")

    def fit_predict(self, X: pd.DataFrame, y: None = None) -> pd.Series:
        """Fit on ``X`` and return its segments (``labels_``)."""
        return self.fit(X).labels_

    def profile(self, X: pd.DataFrame | None = None) -> pd.DataFrame:
        """Describe each segment: size, feature means, lift against the whole base, value.

        Parameters
        ----------
        X : pandas.DataFrame, optional
            Customers to profile (assigned with :meth:`predict`); default the training table.

        Returns
        -------
        pandas.DataFrame
            One row per segment: ``name``, ``customers``, ``share`` of customers, the mean of each
            feature and its ``lift`` (segment mean / mean of all customers), ``value_total``,
            ``value_share`` (share of all value), ``value_mean`` with a 95% t-interval
            (``value_mean_low``, ``value_mean_high``).
        """
        self._check_fitted()
        if X is None:
            frame, labels = self._train[0], self.labels_
        else:
            require_columns(X, [self.value_col], "X")
            frame, labels = X, self.predict(X)
        feats = frame[list(self.features)].astype(np.float64)
        labels = pd.Categorical(labels.to_numpy(), categories=range(1, self.n_segments_ + 1))
        means = feats.groupby(labels, observed=False).mean()
        out = pd.DataFrame({"name": pd.Series(self.segment_names_)}, index=means.index)
        for col in feats.columns:
            out[col] = means[col]
            base = feats[col].mean()
            out[f"{col}_lift"] = means[col] / base if base else np.nan
        value = segment_value_table(
            pd.DataFrame({"segment": labels, "value": frame[self.value_col].to_numpy()}),
            value_col="value",
        )
        out = out.join(value)
        out.index.name = "segment"
        ordered = ["name", "customers", "share"]
        return out[ordered + [c for c in out.columns if c not in ordered]]

    def stability(self, n_boot: int = 30, *, ci: float = 0.95) -> pd.DataFrame:
        """How stable are the segments? Refit on bootstrap resamples of the customers.

        Each resample refits the model with the same k; its segments are then predicted for all
        training customers and compared with the fitted ones: the adjusted Rand index (ARI) for
        the whole partition, and for each segment the best Jaccard overlap with a bootstrap
        segment (Hennig 2007: below 0.6 a segment is not really there, above 0.75 it is stable).

        Parameters
        ----------
        n_boot : int, default 30
            Number of bootstrap refits.
        ci : float, default 0.95
            Level of the percentile intervals.

        Returns
        -------
        pandas.DataFrame
            Columns ``segment`` ("all" for the ARI), ``metric`` ("adjusted_rand" or "jaccard"),
            ``estimate`` (mean over resamples), ``low``, ``high``, ``n_boot``. The raw values are
            kept in ``stability_draws_``.
        """
        self._check_fitted()
        if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 2:
            raise ValueError(f"n_boot must be an integer >= 2, got {n_boot!r}")
        if not 0 < ci < 1:
            raise ValueError(f"ci must be between 0 and 1, got {ci!r}")
        Z = self._train[1]
        base = self.labels_.to_numpy()
        rng = np.random.default_rng(self.random_state)
        draws = []
        for b in tqdm(range(n_boot), desc="bootstrap refits", leave=False):
            idx = rng.integers(0, len(Z), len(Z))
            model = self._new_model(self.n_segments_, self.random_state + b + 1).fit(Z[idx])
            boot = model.predict(Z)
            row = {"draw": b, "adjusted_rand": adjusted_rand_score(base, boot)}
            for seg in range(1, self.n_segments_ + 1):
                in_seg = base == seg
                best = 0.0
                for other in np.unique(boot):
                    in_other = boot == other
                    union = np.logical_or(in_seg, in_other).sum()
                    best = max(best, np.logical_and(in_seg, in_other).sum() / union)
                row[seg] = best
            draws.append(row)
        self.stability_draws_ = pd.DataFrame(draws).set_index("draw")
        alpha = (1 - ci) / 2
        out = []
        for col in self.stability_draws_.columns:
            vals = self.stability_draws_[col]
            out.append(
                {
                    "segment": "all" if col == "adjusted_rand" else str(col),
                    "metric": "adjusted_rand" if col == "adjusted_rand" else "jaccard",
                    "estimate": vals.mean(),
                    "low": vals.quantile(alpha),
                    "high": vals.quantile(1 - alpha),
                    "n_boot": n_boot,
                }
            )
        return pd.DataFrame(out)
