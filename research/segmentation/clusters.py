"""Customer segments by clustering.

* :class:`CustomerSegmenter` clusters customers on log-scaled RFM features, scikit-learn style,
  choosing the number of segments by several criteria, profiling the segments and measuring how
  stable they are under resampling.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

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

from research._columns import AVG_SPEND_COL, DAYS_SINCE_LAST_COL, PURCHASES_COL, SPEND_COL
from research._format import ci_label
from research._results import FrozenMapping, Result
from research._stats import percentile_interval
from research._validation import (
    check_ci,
    check_int,
    check_option,
    numeric_values,
    require_columns,
    require_frame,
    rows_repr,
)
from research.segmentation.value import SegmentValue, _segment_value

__all__ = [
    "CustomerSegmenter",
    "SegmentProfile",
    "SegmentStability",
    "STABILITY_THRESHOLDS",
]

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_CRITERIA = {
    # name: (higher is better?)
    "silhouette": True,
    "calinski_harabasz": True,
    "davies_bouldin": False,
    "bic": False,
}

#: Hennig (2007): a segment whose mean Jaccard similarity with its best match in bootstrap
#: refits is below 0.6 has "dissolved"; at 0.75 or above it is stable. The thresholds are for
#: the Jaccard similarity of a segment only, not for the adjusted Rand index of a partition.
STABILITY_THRESHOLDS = (0.6, 0.75)


@dataclass(frozen=True, eq=False, repr=False)
class SegmentProfile(Result):
    """How each segment of a clustering differs from the average customer, and what it is
    worth: the result of :meth:`CustomerSegmenter.profile`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per segment (index ``segment``, 1 = most valuable): ``name``, ``customers``,
        ``share``, for each feature its mean and ``<feature>_lift`` (segment mean / mean of
        all customers), then the value columns of :class:`SegmentValue`.
    features : tuple of str
        The clustering features.
    value : SegmentValue
        Customers and value per segment (with the segment names), what
        :func:`~research.segmentation.plotting.plot_segment_value` draws.
    """

    table: pd.DataFrame
    features: tuple[str, ...]
    value: SegmentValue

    @property
    def ci(self) -> float:
        """Level of the intervals of the mean value."""
        return self.value.ci

    @property
    def n_customers(self) -> int:
        """Customers profiled."""
        return self.value.n_customers

    def _caption(self) -> str:
        return (
            f"Segment profiles: {self.n_customers:,} customers in {len(self.table)} segments; "
            "lift = segment mean / mean of all customers; mean value with "
            f"{ci_label(self.ci)} t-intervals"
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.segmentation.plotting.plot_segment_profile` of this result."""
        from research.segmentation.plotting import plot_segment_profile

        return plot_segment_profile(self, ax=ax, **kwargs)


@dataclass(frozen=True, eq=False, repr=False)
class SegmentStability(Result):
    """How well the segments survive bootstrap refits: the result of
    :meth:`CustomerSegmenter.stability`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per segment (``metric`` "jaccard": its best overlap with a segment of each
        refit) and one for the whole partition (``segment`` "all", ``metric``
        "adjusted_rand"): ``estimate`` (mean over the refits), ``low``, ``high`` (percentile
        interval) and ``verdict``: for a segment's Jaccard similarity "stable" at 0.75 or
        above, "dissolved" below 0.6, else "unclear" (:data:`STABILITY_THRESHOLDS`, Hennig
        2007); none (missing) for the adjusted Rand index, which these thresholds are not
        made for.
    ci : float
        Level of the percentile intervals.
    n_boot : int
        Bootstrap refits.
    draws : pandas.DataFrame
        One row per refit: the adjusted Rand index and each segment's Jaccard similarity.
    segment_names : Mapping
        Segment number -> name, for the chart's labels (a read-only copy).
    """

    table: pd.DataFrame
    ci: float
    n_boot: int
    draws: pd.DataFrame
    segment_names: Mapping[int, str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "segment_names", FrozenMapping(self.segment_names))

    @property
    def adjusted_rand(self) -> float:
        """Mean adjusted Rand index of the refits' partitions with the fitted one."""
        return float(self.table.loc[self.table["metric"] == "adjusted_rand", "estimate"].iloc[0])

    @property
    def unstable(self) -> list[str]:
        """The segments whose mean Jaccard similarity is below the stable threshold (0.75)."""
        rows = self.table[(self.table["metric"] == "jaccard") & (self.table["verdict"] != "stable")]
        return rows["segment"].tolist()

    def _caption(self) -> str:
        return (
            f"Segment stability over {self.n_boot:,} bootstrap refits; "
            f"{ci_label(self.ci)} percentile intervals"
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.segmentation.plotting.plot_stability` of this result."""
        from research.segmentation.plotting import plot_stability

        return plot_stability(self, ax=ax, **kwargs)


def _verdicts(estimates: np.ndarray) -> np.ndarray:
    """ "stable", "unclear" or "dissolved" by :data:`STABILITY_THRESHOLDS` (for Jaccard
    similarities)."""
    dissolved, stable = STABILITY_THRESHOLDS
    return np.where(
        estimates >= stable, "stable", np.where(estimates >= dissolved, "unclear", "dissolved")
    )


def _best_jaccard(base: np.ndarray, boot: np.ndarray, k: int) -> dict[int, float]:
    """For each fitted segment 1..k, its best Jaccard overlap with a segment of ``boot``."""
    best = {}
    for seg in range(1, k + 1):
        in_seg = base == seg
        best[seg] = 0.0
        for other in np.unique(boot):
            in_other = boot == other
            union = np.logical_or(in_seg, in_other).sum()
            best[seg] = max(best[seg], np.logical_and(in_seg, in_other).sum() / union)
    return best


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
        features: Sequence[str] = (DAYS_SINCE_LAST_COL, PURCHASES_COL, AVG_SPEND_COL),
        value_col: str = SPEND_COL,
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
        check_option(self.method, "method", ("kmeans", "gmm"))
        if self.n_segments != "auto":
            check_int(self.n_segments, "n_segments (or 'auto')", minimum=2)
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
        value = numeric_values(X, self.value_col, "X")
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

    def profile(self, X: pd.DataFrame | None = None, *, ci: float = 0.95) -> SegmentProfile:
        """Describe each segment: size, feature means, lift against the whole base, value.

        Parameters
        ----------
        X : pandas.DataFrame, optional
            Customers to profile (assigned with :meth:`predict`); default the training table.
        ci : float, default 0.95
            Level of the t-interval of the mean value per customer.

        Returns
        -------
        SegmentProfile
            Its ``table`` has one row per segment: ``name``, ``customers``, ``share`` of
            customers, the mean of each feature and its ``lift`` (segment mean / mean of all
            customers), ``value_total``, ``value_share`` (share of all value), ``value_mean``
            with its t-interval (``value_mean_low``, ``value_mean_high``); its ``value`` is the
            :class:`SegmentValue` of the segments.
        """
        self._check_fitted()
        ci = check_ci(ci)
        if X is None:
            frame, labels = self._train[0], self.labels_
        else:
            frame = require_frame(X, "X")
            require_columns(frame, [self.value_col], "X")
            labels = self.predict(frame)
        values = numeric_values(frame, self.value_col, "X")
        feats = frame[list(self.features)].astype(np.float64)
        labels = pd.Categorical(labels.to_numpy(), categories=range(1, self.n_segments_ + 1))
        means = feats.groupby(labels, observed=False).mean()
        table = pd.DataFrame({"name": pd.Series(self.segment_names_)}, index=means.index)
        for col in feats.columns:
            table[col] = means[col]
            base = feats[col].mean()
            table[f"{col}_lift"] = means[col] / base if base else np.nan
        value = _segment_value(
            pd.Series(values),
            pd.Series(labels),
            ci=ci,
            value_col=self.value_col,
            segment_names=self.segment_names_,
        )
        table = table.join(value.table)
        table.index.name = "segment"
        ordered = ["name", "customers", "share"]
        table = table[ordered + [c for c in table.columns if c not in ordered]]
        return SegmentProfile(table=table, features=tuple(self.features), value=value)

    def stability(self, n_boot: int = 30, *, ci: float = 0.95) -> SegmentStability:
        """How stable are the segments? Refit on bootstrap resamples of the customers.

        Each resample refits the model with the same k; its segments are then predicted for all
        training customers and compared with the fitted ones: the adjusted Rand index (ARI) for
        the whole partition, and for each segment the best Jaccard overlap with a bootstrap
        segment (Hennig 2007: below 0.6 a segment is not really there, at 0.75 or above it is
        stable; the adjusted Rand index gets no verdict, these thresholds are for the Jaccard).

        Parameters
        ----------
        n_boot : int, default 30
            Number of bootstrap refits (at least 2).
        ci : float, default 0.95
            Level of the percentile intervals.

        Returns
        -------
        SegmentStability
            Its ``table`` has columns ``segment`` ("all" for the ARI), ``metric``
            ("adjusted_rand" or "jaccard"), ``estimate`` (mean over resamples), ``low``,
            ``high`` and ``verdict`` (missing for the ARI); ``draws`` holds the value of each
            refit, ``unstable`` the segments below 0.75 and ``adjusted_rand`` the mean ARI.
        """
        self._check_fitted()
        n_boot = check_int(n_boot, "n_boot", minimum=2)
        ci = check_ci(ci)
        Z = self._train[1]
        base = self.labels_.to_numpy()
        rng = np.random.default_rng(self.random_state)
        draws = []
        for b in tqdm(range(n_boot), desc="bootstrap refits", leave=False):
            idx = rng.integers(0, len(Z), len(Z))
            model = self._new_model(self.n_segments_, self.random_state + b + 1).fit(Z[idx])
            boot = model.predict(Z)
            row = {"draw": b, "adjusted_rand": adjusted_rand_score(base, boot)}
            draws.append(row | _best_jaccard(base, boot, self.n_segments_))
        frame = pd.DataFrame(draws).set_index("draw")
        rows = []
        for col in frame.columns:
            vals = frame[col].to_numpy(dtype=np.float64)
            low, high = percentile_interval(vals, ci)
            ari = col == "adjusted_rand"
            rows.append(
                {
                    "segment": "all" if ari else str(col),
                    "metric": "adjusted_rand" if ari else "jaccard",
                    "estimate": float(vals.mean()),
                    "low": low,
                    "high": high,
                }
            )
        table = pd.DataFrame(rows)
        # Hennig's thresholds are for a segment's Jaccard similarity: the ARI gets no verdict
        jaccard = (table["metric"] == "jaccard").to_numpy()
        verdicts = _verdicts(table["estimate"].to_numpy()).astype(object)
        table["verdict"] = np.where(jaccard, verdicts, None)
        return SegmentStability(
            table=table,
            ci=ci,
            n_boot=n_boot,
            draws=frame,
            segment_names=self.segment_names_,
        )
