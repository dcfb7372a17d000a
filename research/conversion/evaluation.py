"""Evaluation schemes: out-of-sample and out-of-time, with bootstrap intervals.

* :func:`evaluate`: AUC, ALIFT, Brier score and log-loss with bootstrap intervals under random
  stratified cross-validation, a chronological holdout, or the rolling-origin protocol of
  Moro, Cortez & Rita (2014) (refit on all earlier rows every ``step`` rows, score the next
  ``step``); :func:`out_of_sample` returns the out-of-sample scores themselves.
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold
from tqdm import tqdm  # plain text bars: tqdm.auto warns in a kernel without ipywidgets

from research._validation import require_frame, require_rows
from research.conversion._inputs import (
    ROLLING_STEP,
    ROLLING_TEST_SIZE,
    _check_ci,
    _check_positive_int,
    _target,
)
from research.conversion.metrics import _bootstrap_metrics
from research.conversion.scorer import LeadScorer

__all__ = [
    "evaluate",
    "out_of_sample",
]

# --------------------------------------------------------------------------------------------
# evaluation schemes
# --------------------------------------------------------------------------------------------

Scheme = Literal["random", "chronological", "rolling"]


_SCHEMES = ("random", "chronological", "rolling")


def _splits(
    n: int,
    y: np.ndarray,
    scheme: str,
    *,
    n_splits: int,
    test_size: int | float | None,
    step: int,
    window: int | None,
    random_state: int,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train positions, test positions) of every fit, in the (time-)ordered rows."""
    if scheme == "random":
        _check_positive_int(n_splits, "n_splits", 2)
        fewest = int(min(y.sum(), (~y).sum()))
        if fewest < n_splits:
            raise ValueError(
                f"random {n_splits}-fold cross-validation needs at least {n_splits} leads of "
                f"each class, but only {fewest:,} of the {n:,} leads are "
                f"{'converted' if y.sum() < (~y).sum() else 'not converted'}: lower n_splits"
            )
        folds = StratifiedKFold(n_splits, shuffle=True, random_state=random_state)
        return list(folds.split(np.zeros(n), y))
    if test_size is None:
        test_size = ROLLING_TEST_SIZE if scheme == "rolling" else 0.2
    if isinstance(test_size, float):
        if not 0 < test_size < 1:
            raise ValueError(f"test_size as a share must be between 0 and 1, got {test_size!r}")
        n_test = int(round(test_size * n))
    else:
        n_test = _check_positive_int(test_size, "test_size", 1)
    if n_test >= n - 10 or n_test < 1:
        raise ValueError(
            f"the {scheme} scheme with test_size={test_size!r} ({n_test:,} test rows) needs at "
            f"least {n_test + 10:,} rows (10+ to train on before the test rows), but there are "
            f"{n:,}: lower test_size"
        )
    origin = n - n_test
    if scheme == "chronological":
        return [(np.arange(origin), np.arange(origin, n))]
    _check_positive_int(step, "step", 1)
    if window is not None:
        _check_positive_int(window, "window", 10)
    return [
        (
            np.arange(0 if window is None else max(0, start - window), start),
            np.arange(start, min(start + step, n)),
        )
        for start in range(origin, n, step)
    ]


def out_of_sample(
    scorer: LeadScorer,
    X: pd.DataFrame,
    y: object,
    scheme: Scheme = "random",
    *,
    n_splits: int = 5,
    test_size: int | float | None = None,
    step: int = ROLLING_STEP,
    window: int | None = None,
    time_col: str | None = None,
    random_state: int = 0,
    progress: bool = True,
) -> pd.DataFrame:
    """Out-of-sample scores of every test lead under an evaluation scheme.

    The scorer is cloned (:func:`sklearn.base.clone`) for every fit and never fitted itself.

    Parameters
    ----------
    scorer : LeadScorer
        An unfitted (or fitted: only its settings are used) scorer.
    X : pandas.DataFrame
        The leads, in time order unless ``time_col`` is given. Not modified.
    y : array-like
        Whether each lead converted.
    scheme : {"random", "chronological", "rolling"}
        ``"random"``: stratified ``n_splits``-fold cross-validation with shuffling; every
        lead is scored once, by the model fitted on the other folds. Optimistic when the
        data drift over time. ``"chronological"``: fit on the first rows, score the last
        ``test_size`` rows (default: the last 20%). ``"rolling"``: the protocol of Moro,
        Cortez & Rita (2014): over the last ``test_size`` rows (default 1,293, the size of
        the paper's evaluation set), refit every ``step`` rows (default 100) on **all**
        earlier rows (or the latest ``window``) and score the next ``step`` (13 refits for the
        defaults, the last scoring 93 rows).
    n_splits : int, default 5
        Folds of the random scheme.
    test_size : int or float, optional
        Test rows of the chronological and rolling schemes: a count, or a share of the rows.
    step : int, default 100
        Rows scored per refit in the rolling scheme.
    window : int, optional
        Rolling scheme only: train each refit on at most the latest ``window`` rows before
        its origin (a sliding window) instead of all earlier rows (the default, a growing
        window).
    time_col : str, optional
        A column of ``X`` giving the time order (rows are sorted by it, ties kept in row
        order); it is not used as a model input. Default: the row order is the time order.
    random_state : int, default 0
        Seed of the folds.
    progress : bool, default True
        Show a progress bar over the fits.

    Returns
    -------
    pandas.DataFrame
        One row per scored lead, in time order: ``row`` (the lead's label in ``X``),
        ``position`` (its place in time order), ``fold`` (which fit scored it), ``n_train``
        (leads that fit was trained on), ``y`` (bool) and ``score``. ``attrs["scheme"]``
        and ``attrs["fit_seconds"]`` (one per fit) describe the run.

    Raises
    ------
    ValueError
        Too few rows or leads of a class for the scheme, or a training part with one class.
    """
    if not isinstance(scorer, LeadScorer):
        raise TypeError(f"scorer must be a LeadScorer, got {type(scorer).__name__}")
    if scheme not in _SCHEMES:
        raise ValueError(f"scheme must be one of {', '.join(_SCHEMES)}, got {scheme!r}")
    frame = require_frame(X, "X")
    require_rows(frame, "X")
    target = _target(y, frame)
    if time_col is not None:
        if time_col not in frame.columns:
            raise ValueError(
                f"time_col {time_col!r} is not a column of X ({len(frame):,} rows); its "
                f"columns are {list(map(str, frame.columns))}"
            )
        if frame[time_col].isna().any():
            raise ValueError(
                f"time_col {time_col!r} has {int(frame[time_col].isna().sum()):,} missing "
                "values: the time order of those leads is unknown"
            )
        order = np.argsort(frame[time_col].to_numpy(), kind="stable")
        frame = frame.iloc[order].drop(columns=[time_col])
        target = target[order]
    splits = _splits(
        len(frame),
        target,
        scheme,
        n_splits=n_splits,
        test_size=test_size,
        step=step,
        window=window,
        random_state=random_state,
    )
    for k, (train, _) in enumerate(splits):
        if target[train].all() or not target[train].any():
            raise ValueError(
                f"fit {k + 1} of the {scheme} scheme trains on {len(train):,} rows of one "
                "class only: there are not enough earlier leads of both classes"
            )
    scores = np.full(len(frame), np.nan)
    fold = np.full(len(frame), -1)
    n_train = np.zeros(len(frame), dtype=np.int64)
    seconds = []
    labels = frame.index
    caught: dict[tuple[type, str], list] = {}  # (category, kind) -> [first message, fits]
    for k, (train, test) in enumerate(
        tqdm(splits, desc=f"{scheme} fits", leave=False, disable=not progress)
    ):
        model = clone(scorer)
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as records:
            warnings.simplefilter("always")
            model.fit(frame.iloc[train], target[train])
            scores[test] = model.predict_proba(frame.iloc[test])[:, 1]
        for record in records:
            message = str(record.message)
            kind = re.split(r"[:;]", message, maxsplit=1)[0]  # e.g. "possible leakage"
            entry = caught.setdefault((record.category, kind), [message, 0, False])
            entry[1] += 1
            entry[2] = entry[2] or message != entry[0]
        seconds.append(time.perf_counter() - start)
        fold[test] = k
        n_train[test] = len(train)
    # the same kind of warning from several fits is passed on once, with its count
    for (category, _), (message, count, varied) in caught.items():
        times = ""
        if len(splits) > 1:
            times = f" [{count} of the {len(splits)} {scheme} fits"
            times += "; the first shown]" if varied else "]"
        warnings.warn(message + times, category, stacklevel=2)
    tested = np.flatnonzero(fold >= 0)
    out = pd.DataFrame(
        {
            "row": labels[tested],
            "position": tested,
            "fold": fold[tested],
            "n_train": n_train[tested],
            "y": target[tested],
            "score": scores[tested],
        }
    )
    out.attrs["scheme"] = scheme
    out.attrs["fit_seconds"] = seconds
    return out


def evaluate(
    scorer: LeadScorer,
    X: pd.DataFrame,
    y: object,
    scheme: Scheme | Sequence[Scheme] = "random",
    *,
    n_splits: int = 5,
    test_size: int | float | None = None,
    step: int = ROLLING_STEP,
    window: int | None = None,
    time_col: str | None = None,
    n_boot: int = 200,
    ci: float = 0.95,
    gain_share: float = 0.5,
    random_state: int = 0,
    progress: bool = True,
    return_predictions: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """How well a scorer ranks and predicts leads it has not seen, under one or more schemes.

    For each scheme, :func:`out_of_sample` scores every test lead with a clone of the scorer
    fitted without it; the metrics are computed on those out-of-sample scores, and their
    intervals come from ``n_boot`` bootstrap resamples of the scored leads (percentile
    intervals). The intervals reflect which leads happened to be tested, not the variation
    of the refits.

    Parameters
    ----------
    scorer : LeadScorer
        The scorer to evaluate (cloned, never fitted itself).
    X, y
        Leads (in time order, or give ``time_col``) and outcomes.
    scheme : {"random", "chronological", "rolling"} or a list of them
        See :func:`out_of_sample`. Several schemes give one table, side by side.
    n_splits, test_size, step, window, time_col
        See :func:`out_of_sample`.
    n_boot : int, default 200
        Bootstrap resamples for the intervals (0: no intervals).
    ci : float, default 0.95
        Interval level.
    gain_share : float, default 0.5
        The share of leads called for the ``gain_at_50`` metric.
    random_state : int, default 0
        Seed of the folds and of the bootstrap.
    progress : bool, default True
        Show progress bars.
    return_predictions : bool, default False
        Also return the out-of-sample scores of every scheme (stacked, with a ``scheme``
        column), for the business views (:func:`lift_table`, :func:`profit_curve`, ...).

    Returns
    -------
    pandas.DataFrame or (pandas.DataFrame, pandas.DataFrame)
        One row per scheme and metric: ``scheme``, ``metric`` (``auc``, ``alift``,
        ``brier``, ``log_loss``, ``gain_at_50``: share of converters reached by calling the
        top half), ``estimate``, ``low``, ``high``, ``n`` (scored leads), ``n_converted``,
        ``n_fits`` and ``fit_seconds`` (mean per fit). With ``return_predictions``, the
        out-of-sample scores as second element.

    Notes
    -----
    On the 41,188 bank calls (``load_bank_marketing()``, default settings, ``n_boot=100``),
    AUC / ALIFT / share of buyers in the top half:

    ==========================  ===================  ===================
    scheme                      logistic             gbm
    ==========================  ===================  ===================
    random, with ``duration``   0.935 / 0.886 / 99%  0.950 / 0.899 / 100%
    random                      0.791 / 0.758 / 82%  0.804 / 0.769 / 83%
    chronological (last 20%)    0.382 / 0.418 / 31%  0.607 / 0.574 / 59%
    rolling (last 1,293)        0.703 / 0.601 / 65%  0.761 / 0.630 / 68%
    ==========================  ===================  ===================

    Random folds flatter: the calls drift with the economy. In the last 20% of the file every
    economic indicator (``euribor3m``, ``nr.employed``, ``emp.var.rate``) lies outside its range
    in the first 80%, and the logistic model's straight-line extrapolation ranks worse than
    chance (without the five indicators it reaches 0.70 there). The rolling scheme refits on
    recent calls and recovers. Moro et al. (2014) report AUC 0.80, ALIFT about 0.7 and 79% of
    the buyers in the top half for their best model (a neural network) under their rolling
    protocol, but on data the public file does not hold: 2008-2013 calls with 150 candidate
    features (22 selected), tested on the 1,293 contacts after July 2012. The public file ends
    in November 2010, so its last 1,293 rows are other calls (half of them subscribed) and
    the figures are comparable in protocol, not in data.

    Examples
    --------
    >>> table = evaluate(LeadScorer(post_outcome=["duration"]), X, y,
    ...                  scheme=["random", "rolling"])  # doctest: +SKIP
    """
    schemes = [scheme] if isinstance(scheme, str) else list(scheme)
    if not schemes:
        raise ValueError("scheme is an empty list: name at least one scheme")
    for name in schemes:
        if name not in _SCHEMES:
            raise ValueError(f"scheme must be one of {', '.join(_SCHEMES)}, got {name!r}")
    n_boot = _check_positive_int(n_boot, "n_boot", 0)
    _check_ci(ci)
    if not 0 < gain_share < 1:
        raise ValueError(f"gain_share must be between 0 and 1, got {gain_share!r}")
    tables, predictions = [], []
    for name in schemes:
        # one bootstrap stream per scheme: the same intervals alone or beside other schemes
        rng = np.random.default_rng([random_state, _SCHEMES.index(name)])
        pred = out_of_sample(
            scorer,
            X,
            y,
            name,
            n_splits=n_splits,
            test_size=test_size,
            step=step,
            window=window,
            time_col=time_col,
            random_state=random_state,
            progress=progress,
        )
        yy, ss = pred["y"].to_numpy(dtype=bool), pred["score"].to_numpy()
        if yy.all() or not yy.any():
            raise ValueError(
                f"the {name} scheme's {len(yy):,} test leads are of one class only: AUC and "
                "ALIFT are undefined; use a larger test_size"
            )
        table = _bootstrap_metrics(
            yy,
            ss,
            n_boot=n_boot,
            ci=ci,
            gain_share=gain_share,
            rng=rng,
            progress=progress,
            label=name,
        )
        table.insert(0, "scheme", name)
        table["n"] = len(yy)
        table["n_converted"] = int(yy.sum())
        table["n_fits"] = int(pred["fold"].nunique())
        table["fit_seconds"] = float(np.mean(pred.attrs["fit_seconds"]))
        tables.append(table)
        predictions.append(pred.assign(scheme=name))
    out = pd.concat(tables, ignore_index=True)
    if return_predictions:
        preds = pd.concat(predictions, ignore_index=True)
        return out, preds
    return out
