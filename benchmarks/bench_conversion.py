"""Benchmark lead scoring on the bank calls: our pipelines against scikit-learn defaults.

What is measured
----------------
On UCI Bank Marketing (``bank-additional-full.csv``, 41,188 calls in time order), without the
post-outcome column ``duration``, under the rolling-origin protocol of Moro, Cortez & Rita
(2014): over the last 1,293 calls, refit every 100 calls on **all** earlier calls and score
the next 100 (13 refits); AUC and ALIFT (area under the cumulative gains curve) over the 1,293
out-of-sample scores, with 95% bootstrap intervals for ours, and the share of buyers reached by
calling the top 50%. Then the time to fit each pipeline once on all 41,188 calls (best of
``--repeat``).

* ours: ``LeadScorer("gbm")`` and ``LeadScorer("logistic")`` with their defaults and
  ``post_outcome=["duration"]`` (the leakage screen included in the fit time);
* the peers, scikit-learn with its defaults: one-hot encoding of the categorical columns
  (``OneHotEncoder(handle_unknown="ignore")``) with ``HistGradientBoostingClassifier()`` (seeded:
  ``random_state=0`` fixes its early-stopping split); and
  with ``StandardScaler()`` on the numeric columns and ``LogisticRegression(max_iter=1000)``
  (unscaled, the default solver does not converge in its 100 iterations).

Targets (issue 5): AUC >= 0.80 (the paper's, which used 150 features on 2012-2013 calls that
the public file does not hold; this file has 20 inputs and ends in November 2010), without
``duration`` and without looking at the test rows; a fit on all rows under 10 s. Measured
baselines of the issue: 0.752 (gradient boosting) and 0.704 (logistic).

How to run
----------
``make bench`` (runs every benchmarks/bench_*.py), or directly::

    .venv/bin/python benchmarks/bench_conversion.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from research._format import ci_label
from research.conversion import LeadScorer, alift, evaluate, gains_at
from research.conversion._inputs import ROLLING_STEP, ROLLING_TEST_SIZE
from research.data import load_bank_marketing

RESULTS = Path(__file__).resolve().parent / "results" / "bench_conversion.json"
TARGET_AUC, TARGET_FIT_SECONDS = 0.80, 10.0
CI = 0.95  # level of our AUC's bootstrap interval


def _peers(X) -> dict:
    categorical = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c].dtype)]
    numeric = [c for c in X.columns if c not in categorical]
    one_hot = OneHotEncoder(handle_unknown="ignore")
    return {
        "sklearn one-hot + HistGradientBoosting": make_pipeline(
            ColumnTransformer([("cat", one_hot, categorical)], remainder="passthrough"),
            HistGradientBoostingClassifier(random_state=0),  # seeds its early-stopping split
        ),
        "sklearn one-hot + LogisticRegression": make_pipeline(
            ColumnTransformer([("cat", one_hot, categorical), ("num", StandardScaler(), numeric)]),
            LogisticRegression(max_iter=1000),
        ),
    }


def _rolling(model, X, y: np.ndarray) -> np.ndarray:
    """The peers' out-of-sample scores under the same protocol as ``evaluate``."""
    n = len(X)
    scores = np.empty(ROLLING_TEST_SIZE)
    for start in range(n - ROLLING_TEST_SIZE, n, ROLLING_STEP):
        stop = min(start + ROLLING_STEP, n)
        fitted = clone(model).fit(X.iloc[:start], y[:start])
        scores[start - (n - ROLLING_TEST_SIZE) : stop - (n - ROLLING_TEST_SIZE)] = (
            fitted.predict_proba(X.iloc[start:stop])[:, 1]
        )
    return scores


def _fit_seconds(model, X, y, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # duration left out: expected
            clone(model).fit(X, y)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--n-boot", type=int, default=200)
    args = parser.parse_args(argv)

    calls = load_bank_marketing()
    y = calls["y"].to_numpy()
    X_all = calls.drop(columns="y")
    X = X_all.drop(columns="duration")
    print(
        f"bank calls: {len(calls):,} ({y.mean():.1%} bought); rolling test: the last "
        f"{ROLLING_TEST_SIZE:,} calls ({y[-ROLLING_TEST_SIZE:].mean():.0%} bought), refit "
        f"every {ROLLING_STEP}; without duration"
    )
    rows = []
    for name, model in (("ours: LeadScorer gbm", "gbm"), ("ours: LeadScorer logistic", "logistic")):
        scorer = LeadScorer(model, post_outcome=["duration"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            result = evaluate(
                scorer, X_all, y, scheme="rolling", n_boot=args.n_boot, ci=CI, progress=False
            )
        auc = result.metric("auc")
        rows.append(
            {
                "pipeline": name,
                "auc": auc["estimate"],
                "auc_interval": [auc["low"], auc["high"]],
                "alift": result.metric("alift")["estimate"],
                "gain_at_50": result.metric("gain_at_50")["estimate"],
                "fit_seconds": _fit_seconds(scorer, X_all, y, args.repeat),
            }
        )
    test_y = y[-ROLLING_TEST_SIZE:]
    for name, model in _peers(X).items():
        scores = _rolling(model, X, y)
        rows.append(
            {
                "pipeline": name,
                "auc": roc_auc_score(test_y, scores),
                "auc_interval": None,
                "alift": alift(test_y, scores),
                "gain_at_50": gains_at(test_y, scores, 0.5),
                "fit_seconds": _fit_seconds(model, X, y, args.repeat),
            }
        )

    level = f"{ci_label(CI)} CI"
    print(f"{'pipeline':<42} {'AUC':>6} {level:>15} {'ALIFT':>6} {'top 50%':>8} {'fit s':>6}")
    for r in rows:
        ci = "" if r["auc_interval"] is None else "{:.3f}-{:.3f}".format(*r["auc_interval"])
        print(
            f"{r['pipeline']:<42} {r['auc']:>6.3f} {ci:>15} {r['alift']:>6.3f} "
            f"{r['gain_at_50']:>8.0%} {r['fit_seconds']:>6.2f}"
        )
    ours, peer = rows[0], rows[2]
    print(
        f"ours (gbm) against scikit-learn's gradient boosting: "
        f"AUC {ours['auc'] - peer['auc']:+.3f}, ALIFT {ours['alift'] - peer['alift']:+.3f}, "
        f"fit time x{ours['fit_seconds'] / peer['fit_seconds']:.1f}"
    )
    best = max(rows[:2], key=lambda r: r["auc"])
    slowest = max(r["fit_seconds"] for r in rows[:2])
    print(
        f"target AUC >= {TARGET_AUC}: {'MET' if best['auc'] >= TARGET_AUC else 'NOT MET'} "
        f"(best of ours {best['auc']:.3f}); fit under {TARGET_FIT_SECONDS:.0f} s: "
        f"{'MET' if slowest < TARGET_FIT_SECONDS else 'NOT MET'}"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2))
    print(f"results written to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
