"""The lead-scoring model: :class:`LeadScorer` learns its preprocessing from the column types,
keeps post-outcome columns out, screens the rest for leakage, and fits a logistic model
(statsmodels; its :class:`OddsRatios` and :meth:`~LeadScorer.summary` read the same
coefficients that score) or gradient boosting (scikit-learn); :meth:`~LeadScorer.reason_codes`
explains each lead's score."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit, logit
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from research._format import ci_label
from research._results import Summary
from research._validation import (
    check_ci,
    check_int,
    check_number,
    require_frame,
    require_rows,
    rows_repr,
)
from research.conversion._counted import _Counted
from research.conversion._inputs import _target
from research.conversion.design import _Design, _independent_columns
from research.conversion.leakage import _SCREEN_COLUMNS, LeakageWarning, _column_aucs

__all__ = [
    "LeadScorer",
    "OddsRatios",
]

# --------------------------------------------------------------------------------------------
# LeadScorer
# --------------------------------------------------------------------------------------------

_GBM_DEFAULTS: dict[str, Any] = {
    "learning_rate": 0.05,
    "max_iter": 300,
    "max_leaf_nodes": 15,
    "min_samples_leaf": 40,
    "l2_regularization": 1.0,
    "early_stopping": True,
    "validation_fraction": 0.1,
    "n_iter_no_change": 20,
}


@dataclass(frozen=True, eq=False, repr=False)
class OddsRatios(_Counted):
    """The logistic model's odds ratios with their Wald intervals: the result of
    :meth:`LeadScorer.odds_ratios`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per design term (indexed by it): ``column``, ``level``, ``per`` (what one unit
        of the term is), ``log_odds``, ``se``, ``odds_ratio``, ``low``, ``high``,
        ``p_value``.
    ci : float
        Level of the intervals ``low`` and ``high``.
    n, n_converted : int
        Training leads and converters the model was fitted on.
    """

    def _caption(self) -> str:
        return (
            f"Odds ratios of the logistic lead score ({self.n:,} leads, {self.n_converted:,} "
            f"converted; {ci_label(self.ci)} Wald intervals)"
        )


class LeadScorer(ClassifierMixin, BaseEstimator):
    """A lead-scoring model for any lead table, scikit-learn style.

    Parameters
    ----------
    model : {"logistic", "gbm"}, default "logistic"
        ``"logistic"``: logistic regression fitted by maximum likelihood with statsmodels
        (``GLM``, binomial family, logit link), on standardised numeric columns and one
        indicator per level of each categorical column (against its most frequent level);
        the same coefficients give the scores and the odds ratios, so they always agree.
        ``"gbm"``: scikit-learn's ``HistGradientBoostingClassifier`` with native categorical
        support (numeric columns as they are, missing values handled by the trees).
    post_outcome : sequence of str, default ()
        Columns known only after the outcome (e.g. ``["duration"]`` of the bank calls: the
        call's length is known when it has ended, and so is the answer). They are left out
        of the model, listed in ``excluded_`` and reported with a ``UserWarning``. Names
        absent from ``X`` are ignored (and noted in :meth:`report`).
    features : callable or transformer, optional
        A feature-engineering step applied to ``X`` before the column-type preprocessing:
        a function ``frame -> frame`` (applied to the training and the scored leads alike),
        or a scikit-learn transformer (cloned, fitted on the training leads with ``fit(X,
        y)``, then ``transform``), whose output must be a DataFrame with one row per lead
        (``set_output(transform="pandas")``). ``post_outcome`` columns are dropped before it
        runs, so engineered features cannot see them.
    leakage_auc : float, default 0.8
        A column whose single-column AUC (:func:`single_column_auc`) reaches this value is
        named in a :class:`LeakageWarning` and listed in ``flagged_``. It is **kept** in the
        model: a strong honest predictor is possible, and only the analyst knows when a
        column becomes known. ``None`` turns the screen off (faster on wide tables). The
        default is set by the textbook leak of the bank calls: ``duration`` alone has an AUC
        of 0.82 (a whole honest model reaches about 0.79 under random folds), so a screen at
        0.9 would miss it; the strongest honest bank column, ``nr.employed``, has 0.75.
    min_frequency : float or int, default 0.005
        Categorical levels held by fewer leads than this (a share of the training leads when
        below 1, but never fewer than 10 leads; else a count) are pooled into the level
        ``"(other)"``; when the pooled leads are themselves that few, they are pooled into the
        most frequent level.
    max_levels : int, default 50
        At most this many levels per categorical column (the most frequent); the rest are
        pooled as rare.
    gbm_params : dict, optional
        Settings passed to ``HistGradientBoostingClassifier`` over the defaults (learning rate
        0.05, up to 300 trees with early stopping on 10% of the training leads, 15 leaves,
        40 leads per leaf, L2 penalty 1).
    n_threads : int or None, default 1
        Threads (OpenMP and BLAS) used while fitting and scoring; ``None``: the libraries'
        default (all cores). One by default because on a busy 2-core machine two OpenMP
        threads made a boosting fit on the 41,188 bank calls 15 times slower (45 s against
        3 s), and an evaluation runs many fits in a row.
    random_state : int, default 0
        Seed of the boosting model's validation split and of the leakage screen's folds.

    Attributes
    ----------
    classes_ : numpy.ndarray
        ``[False, True]``: column 1 of :meth:`predict_proba` is the probability to convert.
    feature_names_in_ : numpy.ndarray
        The columns of the training ``X``.
    columns_ : list of str
        The columns the model uses (after ``features`` and the exclusions).
    excluded_ : list of str
        The ``post_outcome`` columns that were present and left out.
    flagged_ : list of str
        Columns whose single-column AUC reached ``leakage_auc``.
    screen_ : pandas.DataFrame
        The single-column AUC of every candidate column (see :func:`single_column_auc`).
    params_ : pandas.Series
        Logistic only: the coefficients (log-odds) of the design terms, ``const`` first;
        numeric terms are per standard deviation of the column.
    n_train_, n_converted_ : int
        Training leads and converters.
    fit_seconds_ : float
        Time the fit took.

    Notes
    -----
    Unseen categories at scoring time (a level no training lead had) are scored like the
    pooled rare levels: as ``"(other)"`` when the column has that level, else as its
    most frequent level; :meth:`predict_proba` warns with their counts per column. A
    missing categorical value is its own level, ``"(missing)"``. Numeric missing values take
    the training median plus a "missing" indicator (logistic) or stay missing (gbm). Design
    columns that are exact linear combinations of others (for example ``housing = unknown``
    and ``loan = unknown`` in the bank data, which mark the same calls) are dropped from the
    logistic model and named in :meth:`report`.

    Examples
    --------
    >>> X = pd.DataFrame({"visits": [1, 5, 2, 8, 3, 9, 1, 7],
    ...                   "source": ["ads", "web", "ads", "web", "web", "ads", "ads", "web"]})
    >>> y = [0, 1, 0, 1, 0, 1, 1, 0]
    >>> scorer = LeadScorer(leakage_auc=None).fit(X, y)
    >>> scorer.predict_proba(X).shape
    (8, 2)
    """

    def __init__(
        self,
        model: Literal["logistic", "gbm"] = "logistic",
        *,
        post_outcome: Sequence[str] = (),
        features: Callable[[pd.DataFrame], pd.DataFrame] | TransformerMixin | None = None,
        leakage_auc: float | None = 0.8,
        min_frequency: float = 0.005,
        max_levels: int = 50,
        gbm_params: dict[str, Any] | None = None,
        n_threads: int | None = 1,
        random_state: int = 0,
    ) -> None:
        self.model = model
        self.post_outcome = post_outcome
        self.features = features
        self.leakage_auc = leakage_auc
        self.min_frequency = min_frequency
        self.max_levels = max_levels
        self.gbm_params = gbm_params
        self.n_threads = n_threads
        self.random_state = random_state

    # -- checks --------------------------------------------------------------------------

    def _check_settings(self) -> None:
        if self.model not in ("logistic", "gbm"):
            raise ValueError(f"model must be 'logistic' or 'gbm', got {self.model!r}")
        if isinstance(self.post_outcome, str):
            raise ValueError(
                f"post_outcome must be a list of column names, got the string "
                f"{self.post_outcome!r} (write [{self.post_outcome!r}])"
            )
        if self.leakage_auc is not None and not (
            check_number(self.leakage_auc, "leakage_auc") > 0.5 and self.leakage_auc <= 1
        ):
            raise ValueError(f"leakage_auc must be in (0.5, 1] or None, got {self.leakage_auc!r}")
        check_number(self.min_frequency, "min_frequency", minimum=0)
        check_int(self.max_levels, "max_levels", 1)
        if self.model == "gbm" and self.max_levels > 254:
            raise ValueError("max_levels must be at most 254 for the gbm model")
        if self.n_threads is not None:
            check_int(self.n_threads, "n_threads", 1)
        if self.features is not None and not (
            callable(self.features) or hasattr(self.features, "transform")
        ):
            raise TypeError(
                "features must be a function frame -> frame or a transformer with "
                f"fit/transform, got {type(self.features).__name__}"
            )

    def _engineer(self, X: pd.DataFrame, y: np.ndarray | None) -> pd.DataFrame:
        """Drop the post-outcome columns, then apply the ``features`` step."""
        drop = [c for c in self.post_outcome if c in X.columns]
        frame = X.drop(columns=drop) if drop else X
        if self.features is None:
            return frame
        if hasattr(self.features, "transform"):
            if y is not None:
                self.features_ = clone(self.features).fit(frame, y)
            out = self.features_.transform(frame)
        else:
            out = self.features(frame.copy())
        if not isinstance(out, pd.DataFrame) or len(out) != len(frame):
            raise ValueError(
                "the features step must return a DataFrame with one row per lead "
                f"({len(frame):,} rows), got {type(out).__name__}"
                + (f" with {len(out):,} rows" if hasattr(out, "__len__") else "")
            )
        return out

    # -- fitting -------------------------------------------------------------------------

    def fit(self, X: pd.DataFrame, y: object) -> LeadScorer:
        """Learn the preprocessing and the model from the training leads.

        Parameters
        ----------
        X : pandas.DataFrame
            One row per lead; any mix of numeric, boolean, text and categorical columns.
            Date and duration columns are left out with a warning (turn them into numbers
            with ``features``). Not modified.
        y : array-like
            Whether each lead converted: bool, 0/1, or yes/no text.

        Returns
        -------
        LeadScorer
            ``self``, fitted.

        Raises
        ------
        ValueError
            ``X`` is empty, the target is missing, of the wrong length, has missing values,
            is not binary or has one class only, a column is entirely missing, a numeric
            column has infinite values, or no usable column is left.
        TypeError
            ``X`` is not a DataFrame, or its columns are not named by strings.
        """
        with threadpool_limits(self.n_threads):
            return self._fit(X, y)

    def _fit(self, X: pd.DataFrame, y: object) -> LeadScorer:
        """:meth:`fit` without the thread limit: the steps in order, each adding the rows of
        what it did to the fit report."""
        start = time.perf_counter()
        self._check_settings()
        frame, target = self._checked_input(X, y)
        self.feature_names_in_ = np.asarray(frame.columns, dtype=object)
        self.n_features_in_ = len(frame.columns)
        report = self._exclude_post_outcome(frame)
        data, dropped = self._usable_columns(self._engineer(frame, target))
        report += dropped
        report += self._screen_leakage(data, target)
        design = _Design()
        report += design.fit(data, list(data.columns), self.min_frequency, self.max_levels)
        if not design.columns:
            raise ValueError(
                f"no usable column is left in X ({len(data.columns)} columns after the "
                "exclusions; every one was constant or had only rare levels)"
            )
        self._design = design
        self.columns_ = design.columns
        self.classes_ = np.array([False, True])
        self.n_train_ = len(data)
        self.n_converted_ = int(target.sum())
        if self.model == "logistic":
            report += self._fit_logistic(data, target)
        else:
            self.model_ = self._fit_gbm(data, target)
        self._report = report
        self.fit_seconds_ = time.perf_counter() - start
        return self

    @staticmethod
    def _checked_input(X: object, y: object) -> tuple[pd.DataFrame, np.ndarray]:
        """The training frame and its outcomes as bool, or a clear error."""
        frame = require_frame(X, "X")
        require_rows(frame, "X")
        target = _target(y, frame)
        nonstr = [c for c in frame.columns if not isinstance(c, str)]
        if nonstr:
            raise TypeError(f"the columns of X must be named by strings, got {nonstr[:5]}")
        return frame, target

    def _exclude_post_outcome(self, frame: pd.DataFrame) -> list[tuple[str, str, str]]:
        """Set ``excluded_`` (the post-outcome columns present) and warn about them."""
        self.excluded_ = [c for c in self.post_outcome if c in frame.columns]
        report = [
            (c, "excluded", "declared post-outcome (known only after it)")
            if c in frame.columns
            else (c, "not present", "declared post-outcome, not a column of X")
            for c in self.post_outcome
        ]
        if self.excluded_:
            warnings.warn(
                f"left out of the model, known only after the outcome (post_outcome): "
                f"{', '.join(self.excluded_)}",
                UserWarning,
                stacklevel=4,
            )
        return report

    @staticmethod
    def _usable_columns(data: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, str, str]]]:
        """Refuse columns missing in every row; leave out dates and durations, with a warning."""
        empty = [c for c in data.columns if data[c].isna().all()]
        if empty:
            raise ValueError(
                f"column(s) {', '.join(map(repr, empty))} of X are missing in all "
                f"{len(data):,} rows: drop them before fitting"
            )
        dates = [
            c
            for c in data.columns
            if pd.api.types.is_datetime64_any_dtype(data[c].dtype)
            or pd.api.types.is_timedelta64_dtype(data[c].dtype)
        ]
        if not dates:
            return data, []
        why = (
            "a date or duration: turn it into numbers (days since the first contact, weekday) "
            "with features="
        )
        warnings.warn(
            f"left out of the model, dates or durations: {', '.join(dates)}; turn them into "
            "numbers with features= to use them",
            UserWarning,
            stacklevel=4,
        )
        return data.drop(columns=dates), [(c, "dropped", why) for c in dates]

    def _screen_leakage(self, data: pd.DataFrame, target: np.ndarray) -> list[tuple[str, str, str]]:
        """The single-column leakage screen: set ``flagged_`` and warn about those columns."""
        if self.leakage_auc is not None:
            screen = _column_aucs(data, target, random_state=self.random_state)
        else:
            screen = pd.DataFrame(columns=_SCREEN_COLUMNS)
        self._screen = screen.to_dict(orient="list")
        flagged = screen.loc[screen["auc"] >= (self.leakage_auc or np.inf), "column"].tolist()
        self.flagged_ = [str(c) for c in flagged]
        auc = dict(zip(screen["column"], screen["auc"], strict=True))
        report = [
            (c, "flagged", f"single-column AUC {float(auc[c]):.3f} >= {self.leakage_auc}")
            for c in self.flagged_
        ]
        if self.flagged_:
            shown = ", ".join(
                f"{c} (AUC {a:.2f})"
                for c, a in zip(screen["column"], screen["auc"], strict=True)
                if c in self.flagged_
            )
            warnings.warn(
                f"possible leakage: on its own, each of these columns ranks converters "
                f"suspiciously well: {shown}. Is it known before the outcome? If not, pass it "
                "in post_outcome=.",
                LeakageWarning,
                stacklevel=4,
            )
        return report

    def _fit_gbm(self, data: pd.DataFrame, target: np.ndarray) -> HistGradientBoostingClassifier:
        design = self._design
        params = {**_GBM_DEFAULTS, **(self.gbm_params or {})}
        mask = [False] * len(design.numeric) + [True] * len(design.categorical)
        gbm = HistGradientBoostingClassifier(
            categorical_features=mask if any(mask) else None,
            random_state=self.random_state,
            **params,
        )
        return gbm.fit(design.gbm_matrix(data), target)

    def _fit_logistic(self, data: pd.DataFrame, target: np.ndarray) -> list[tuple[str, str, str]]:
        import statsmodels.api as sm

        design = self._design
        full = design.logistic_matrix(data)
        keep = _independent_columns(full.to_numpy())
        report = []
        for j in sorted(set(range(full.shape[1])) - set(keep.tolist())):
            report.append(
                (
                    design.term_column[j],
                    "term dropped",
                    f"{full.columns[j]!r} is a linear combination of the constant and "
                    "earlier terms (e.g. it marks the same leads as another level): not "
                    "estimable",
                )
            )
        design.term_column = [design.term_column[j] for j in keep]
        design.term_level = [design.term_level[j] for j in keep]
        Z = full.iloc[:, keep]
        design.set_terms(Z)
        exog = np.column_stack([np.ones(len(Z)), Z.to_numpy()])
        # Maximum likelihood by IRLS (statsmodels GLM, binomial family, logit link): the same
        # model as Logit, and its pseudo-inverse steps still return a covariance when a level
        # (almost) separates the classes, which is reported below instead of failing.
        model = sm.GLM(target.astype(np.float64), exog, family=sm.families.Binomial())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence and separation are checked below
            result = model.fit(maxiter=100)
        params = np.asarray(result.params, dtype=np.float64)
        cov = np.asarray(result.cov_params(), dtype=np.float64)
        converged = bool(result.converged)
        large = np.abs(params[1:]) > 15
        if not converged or large.any():
            names = [t for t, big in zip(Z.columns, large, strict=True) if big]
            report.append(
                (
                    rows_repr(pd.Index(names), 5) if names else "(model)",
                    "warning",
                    "the logistic fit did not converge or has very large coefficients: a level "
                    "that (almost) perfectly separates converters (raise min_frequency)",
                )
            )
            warnings.warn(
                "the logistic fit did not converge cleanly"
                + (f"; very large coefficients for {', '.join(names)}" if names else "")
                + ": some term (almost) perfectly separates converters; raise min_frequency "
                "or drop the column",
                UserWarning,
                stacklevel=4,
            )
        self.coef_ = params[1:].copy()
        self.intercept_ = float(params[0])
        self.cov_ = cov
        self._fit_stats = {
            "log_likelihood": float(result.llf),
            "null_log_likelihood": float(result.llnull),
            "pseudo_r2": float(result.pseudo_rsquared(kind="mcf")),
            "converged": converged,
        }
        return report

    # -- learned views -------------------------------------------------------------------

    @property
    def params_(self) -> pd.Series:
        check_is_fitted(self, "coef_")
        return pd.Series(
            np.r_[self.intercept_, self.coef_],
            index=["const", *self._design.terms],
            name="log_odds",
        )

    @property
    def screen_(self) -> pd.DataFrame:
        check_is_fitted(self, "columns_")
        return pd.DataFrame(self._screen)

    def report(self) -> pd.DataFrame:
        """What the fit did with each column: used, excluded, flagged, dropped and why.

        Returns
        -------
        pandas.DataFrame
            Columns ``column``, ``action`` ("used", "excluded", "not present", "flagged",
            "dropped", "term dropped", "warning") and ``detail``.
        """
        check_is_fitted(self, "columns_")
        return pd.DataFrame(self._report, columns=["column", "action", "detail"])

    def odds_ratios(self, ci: float = 0.95) -> OddsRatios:
        """The logistic model's odds ratios with Wald intervals (statsmodels' covariance).

        Parameters
        ----------
        ci : float, default 0.95
            Interval level.

        Returns
        -------
        OddsRatios
            Its ``table`` has one row per term (indexed by it): ``column``, ``level`` (the
            level of an indicator; empty for a numeric column), ``per`` (what a one-unit change
            of the term is: "1 SD = 4.2" for a numeric column, "vs 'admin.'" for a level
            against the reference), ``log_odds``, ``se``, ``odds_ratio``, ``low``, ``high``,
            ``p_value``; ``ci`` is the level of ``low`` and ``high``.

        Raises
        ------
        ValueError
            The model is not logistic, or ``ci`` is not in (0, 1).

        Examples
        --------
        >>> scorer.odds_ratios(ci=0.9).to_frame()[["odds_ratio", "low", "high"]]  # doctest: +SKIP
        """
        check_is_fitted(self, "columns_")
        if self.model != "logistic":
            raise ValueError("odds_ratios() needs model='logistic'; a gbm has no coefficients")
        return self._odds_ratios(check_ci(ci))

    def _odds_ratios(self, ci: float) -> OddsRatios:
        """:meth:`odds_ratios` of a fitted logistic model; prior validation of ``ci`` is
        assumed."""
        z = stats.norm.ppf(0.5 + ci / 2)
        design = self._design
        se = np.sqrt(np.diag(self.cov_))[1:]
        beta = self.coef_
        table = pd.DataFrame(
            {
                "column": design.term_column,
                "level": design.term_level,
                "per": self._term_units(),
                "log_odds": beta,
                "se": se,
                "odds_ratio": np.exp(beta),
                "low": np.exp(beta - z * se),
                "high": np.exp(beta + z * se),
                "p_value": 2 * stats.norm.sf(np.abs(beta / se)),
            },
            index=pd.Index(design.terms, name="term"),
        )
        return OddsRatios(table=table, ci=ci, n=self.n_train_, n_converted=self.n_converted_)

    def _term_units(self) -> list[str]:
        """What a one-unit change of each logistic term is, as text."""
        design = self._design
        per = []
        for col, level in zip(design.term_column, design.term_level, strict=True):
            if level == "":
                j = design.numeric.index(col)
                per.append(f"1 SD = {design.scale[j]:.3g}")
            elif level == "(missing)" and col in design.numeric:
                per.append("missing vs present")
            else:
                ref = design.levels[design.categorical.index(col)][0]
                per.append(f"vs {ref!r}")
        return per

    def summary(self, ci: float = 0.95) -> Summary:
        """A readable summary: data, exclusions, flags, fit statistics and odds ratios.

        Parameters
        ----------
        ci : float, default 0.95
            Level of the odds ratios' intervals (logistic model).

        Returns
        -------
        research._results.Summary
            Printed as text, shown as a table in JupyterLab. Its notes give the data, the
            columns used, excluded and flagged, and the fit; its tables are the odds ratios
            (logistic model; the first, ``to_frame()``) and what the fit did with each column
            (:meth:`report`).

        Examples
        --------
        >>> print(scorer.summary(ci=0.9))  # doctest: +SKIP
        """
        check_is_fitted(self, "columns_")
        ci = check_ci(ci)
        title = (
            f"LeadScorer(model={self.model!r}): {self.n_train_:,} leads, "
            f"{self.n_converted_:,} converted ({self.n_converted_ / self.n_train_:.1%})"
        )
        notes = [
            f"columns used ({len(self.columns_)}): {', '.join(self.columns_)}",
            f"excluded as post-outcome: {', '.join(self.excluded_) or 'none'}",
            f"flagged (single-column AUC >= {self.leakage_auc}): "
            f"{', '.join(self.flagged_) or 'none'}",
        ]
        tables: list[tuple[str, pd.DataFrame]] = []
        if self.model == "logistic":
            s = self._fit_stats
            notes.append(
                f"log-likelihood {s['log_likelihood']:,.1f} (null {s['null_log_likelihood']:,.1f}),"
                f" McFadden pseudo-R2 {s['pseudo_r2']:.3f}, converged: {s['converged']}"
            )
            odds = self._odds_ratios(ci)
            shown = odds.table[["per", "odds_ratio", "low", "high", "p_value"]]
            tables.append((f"odds ratios ({ci_label(odds.ci)} Wald intervals)", shown))
        else:
            notes.append(f"gradient boosting: {self.model_.n_iter_} trees")
        tables.append(("what the fit did with each column", self.report()))
        return Summary(title=title, tables=tuple(tables), notes=tuple(notes))

    # -- scoring -------------------------------------------------------------------------

    def _prepared(self, X: pd.DataFrame) -> pd.DataFrame:
        check_is_fitted(self, "columns_")
        frame = require_frame(X, "X")
        require_rows(frame, "X")
        data = self._engineer(frame, None)
        missing = [c for c in self.columns_ if c not in data.columns]
        if missing:
            raise ValueError(
                f"X ({len(frame):,} rows) lacks the column(s) {', '.join(map(repr, missing))} "
                f"the scorer was fitted with; its columns are {list(map(str, data.columns))}"
            )
        return data

    def _warn_unseen(self, data: pd.DataFrame) -> None:
        unseen = self._design.unseen(data)
        if unseen:
            shown = ", ".join(f"{c} ({k:,} leads)" for c, k in unseen.items())
            warnings.warn(
                f"levels not seen in training, scored like the pooled rare levels: {shown}",
                UserWarning,
                stacklevel=3,
            )

    def _log_odds(self, data: pd.DataFrame) -> np.ndarray:
        if self.model == "logistic":
            Z = self._design.logistic_matrix(data, self._design.terms).to_numpy()
            return self.intercept_ + Z @ self.coef_
        p = self.model_.predict_proba(self._design.gbm_matrix(data))[:, 1]
        return logit(np.clip(p, 1e-12, 1 - 1e-12))

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probability of each lead to convert, as ``[[P(no), P(yes)], ...]``.

        Parameters
        ----------
        X : pandas.DataFrame
            Leads with (at least) the columns the scorer was fitted with.

        Returns
        -------
        numpy.ndarray
            Shape ``(n, 2)``; column 1 is the probability to convert.
        """
        data = self._prepared(X)
        self._warn_unseen(data)
        with threadpool_limits(self.n_threads):
            p = expit(self._log_odds(data))
        return np.column_stack([1 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Whether each lead is more likely to convert than not (probability > 0.5)."""
        return self.predict_proba(X)[:, 1] > 0.5

    # -- reason codes --------------------------------------------------------------------

    @property
    def baseline_log_odds_(self) -> float:
        """Logistic only: the log-odds of the average training lead (the design terms at their
        training means), from which :meth:`contributions` measure each lead's pushes: a lead's
        log-odds are this plus the sum of its contributions."""
        check_is_fitted(self, "columns_")
        if self.model != "logistic":
            raise ValueError(
                "baseline_log_odds_ needs model='logistic': a gbm's contributions are measured "
                "from each lead's own score, not from one baseline"
            )
        return float(self.intercept_ + np.dot(self._design.term_mean, self.coef_))

    def contributions(self, X: pd.DataFrame) -> pd.DataFrame:
        """Each column's push on each lead's score, in log-odds (one column per input).

        * logistic (exact and additive): for each original column, the sum over its terms of
          coefficient x (value - training mean of the term): a numeric column's
          standardised value, a categorical column's indicators minus their training shares.
          The contributions add up to the lead's log-odds minus the log-odds of the average
          lead, :attr:`baseline_log_odds_`.
        * gbm (model-agnostic, one column at a time): the lead's log-odds minus its log-odds
          with that column set to a typical value (the training median, or the most frequent
          level), everything else unchanged. Not additive when columns interact; it answers
          "how much would the score drop if this lead were typical on this column?".

        Parameters
        ----------
        X : pandas.DataFrame
            The leads to explain.

        Returns
        -------
        pandas.DataFrame
            Indexed like ``X``, one column per model input.

        Examples
        --------
        >>> pushes = scorer.contributions(X)  # doctest: +SKIP
        >>> pushes.sum(axis=1) + scorer.baseline_log_odds_  # the leads' log-odds  # doctest: +SKIP
        """
        return self._contributions(self._prepared(X))

    def _contributions(self, data: pd.DataFrame) -> pd.DataFrame:
        """:meth:`contributions` of prepared leads (:meth:`_prepared`: prior validation is
        assumed)."""
        design = self._design
        if self.model == "logistic":
            Z = design.logistic_matrix(data, design.terms).to_numpy()
            centred = (Z - np.asarray(design.term_mean)) * self.coef_
            out = pd.DataFrame(0.0, index=data.index, columns=design.columns)
            for j, col in enumerate(design.term_column):
                out[col] += centred[:, j]
            return out
        out = pd.DataFrame(index=data.index, columns=design.columns, dtype=np.float64)
        with threadpool_limits(self.n_threads):
            base = self._log_odds(data)
            for col, value in design.reference_values().items():
                typical = data.copy()
                if col in design.categorical:
                    typical[col] = pd.Series([value] * len(data), index=data.index, dtype=object)
                else:
                    typical[col] = float(value)
                out[col] = base - self._log_odds(typical)
        return out

    def reason_codes(self, X: pd.DataFrame, *, top: int = 3) -> pd.DataFrame:
        """The top factors pushing each lead's score up and down, with readable text.

        Parameters
        ----------
        X : pandas.DataFrame
            The leads to explain.
        top : int, default 3
            Factors per direction per lead (up to ``top`` up and ``top`` down; a factor
            with no push is not listed).

        Returns
        -------
        pandas.DataFrame
            One row per lead and factor: ``lead`` (the row label of ``X``), ``score``
            (probability to convert), ``direction`` ("up" or "down"), ``rank`` (1 = strongest),
            ``column``, ``value`` (the lead's value, as text), ``log_odds`` (the push; see
            :meth:`contributions` for the method of each model) and ``text``, e.g.
            ``"poutcome = success (+1.2 log-odds)"``.

        Examples
        --------
        >>> scorer.reason_codes(calls.head(3))  # doctest: +SKIP
        """
        top = check_int(top, "top", 1)
        data = self._prepared(X)
        self._warn_unseen(data)
        contrib = self._contributions(data)
        with threadpool_limits(self.n_threads):
            score = expit(self._log_odds(data))
        values = contrib.to_numpy()
        n, k = values.shape
        top = min(top, k)
        parts = []
        for direction, order in (
            ("up", np.argsort(-values, axis=1, kind="stable")),
            ("down", np.argsort(values, axis=1, kind="stable")),
        ):
            cols = order[:, :top]
            push = np.take_along_axis(values, cols, axis=1)
            keep = push > 0 if direction == "up" else push < 0
            lead_pos, rank = np.nonzero(keep)
            parts.append(
                pd.DataFrame(
                    {
                        "pos": lead_pos,
                        "direction": direction,
                        "rank": rank + 1,
                        "j": cols[lead_pos, rank],
                        "log_odds": push[lead_pos, rank],
                    }
                )
            )
        rows = pd.concat(parts, ignore_index=True)
        rows["first"] = rows["direction"] == "up"
        rows = rows.sort_values(
            ["pos", "first", "rank"], ascending=[True, False, True], kind="stable"
        ).reset_index(drop=True)
        names = np.asarray(contrib.columns, dtype=object)
        texts = np.empty(len(rows), dtype=object)
        pos, j = rows["pos"].to_numpy(), rows["j"].to_numpy()
        for c in np.unique(j):  # the value of each listed factor, formatted once per level
            at = j == c
            codes, uniques = pd.factorize(
                data[names[c]].iloc[pos[at]].astype(object), use_na_sentinel=False
            )
            texts[at] = np.array([_value_text(u) for u in uniques], dtype=object)[codes]
        push_text = np.char.mod("%+.2f", rows["log_odds"].to_numpy())
        out = pd.DataFrame(
            {
                "lead": contrib.index[pos],
                "score": score[pos],
                "direction": rows["direction"],
                "rank": rows["rank"],
                "column": names[j],
                "value": texts,
                "log_odds": rows["log_odds"],
            }
        )
        out["text"] = (
            out["column"].astype(object)
            + " = "
            + out["value"].astype(object)
            + " ("
            + push_text.astype(object)
            + " log-odds)"
        ).astype(str)
        return out


def _value_text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "missing"
    if isinstance(value, float | np.floating):
        return f"{value:,.4g}"
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
