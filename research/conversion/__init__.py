"""Conversion prediction: realistic, calibrated, explained lead scoring.

Which leads will buy, how sure is that, and why this lead? One module for the question:

* :class:`LeadScorer`: a scikit-learn style lead-scoring model built from any lead export
  (a frame and a target): an interpretable logistic model (odds ratios with 95% intervals,
  :meth:`~LeadScorer.odds_ratios`, :meth:`~LeadScorer.summary`) or gradient boosting
  (scikit-learn's ``HistGradientBoostingClassifier``). Preprocessing follows the column types.
  A leakage guard drops columns declared as known only after the outcome
  (``post_outcome=["duration"]``) and warns (:class:`LeakageWarning`) about columns that
  predict the outcome suspiciously well on their own.
* :func:`evaluate`: AUC, ALIFT, Brier score and log-loss with bootstrap intervals under random
  stratified cross-validation, a chronological holdout, or the rolling-origin protocol of
  Moro, Cortez & Rita (2014) (refit on all earlier rows every ``step`` rows, score the next
  ``step``); :func:`out_of_sample` returns the out-of-sample scores themselves.
* Business views of scores and outcomes: :func:`lift_table` (deciles with Wilson intervals,
  lift and cumulative gain), :func:`cumulative_gains` and :func:`gains_at` ("call the top 50%
  and reach X% of the buyers"), :func:`alift`, :func:`calibration_table`,
  :func:`profit_curve` (the threshold that maximises profit for a value per conversion and a
  cost per contact), :func:`lead_tiers` (A-D) and :func:`tier_outcomes` (how each tier
  converted, with intervals).
* :meth:`LeadScorer.reason_codes`: the factors pushing each lead's score up and down, as text
  ("poutcome = success (+1.2 log-odds)").
* :func:`save_scorer` / :func:`load_scorer`: a fitted scorer on disk with skops, loaded only
  when every type in the file is on an explicit trusted list (no arbitrary unpickling).

Examples
--------
>>> from research.data import load_bank_marketing
>>> calls = load_bank_marketing()  # doctest: +SKIP
>>> scorer = LeadScorer("logistic", post_outcome=["duration"])  # doctest: +SKIP
>>> evaluate(scorer, calls.drop(columns="y"), calls["y"], scheme="rolling")  # doctest: +SKIP

"""

from research.conversion.business import (
    ProfitCurve,
    calibration_table,
    lead_tiers,
    lift_table,
    profit_curve,
    tier_outcomes,
)

# scorers saved by 0.1.0 (before the package split) name their design class here
from research.conversion.design import _Design  # noqa: F401
from research.conversion.evaluation import evaluate, out_of_sample
from research.conversion.leakage import LeakageWarning, single_column_auc
from research.conversion.metrics import alift, cumulative_gains, gains_at
from research.conversion.persistence import (
    TRUSTED_TYPES,
    UntrustedFileError,
    load_scorer,
    save_scorer,
)
from research.conversion.scorer import LeadScorer

__all__ = [
    "LeadScorer",
    "LeakageWarning",
    "evaluate",
    "out_of_sample",
    "alift",
    "cumulative_gains",
    "gains_at",
    "lift_table",
    "calibration_table",
    "profit_curve",
    "ProfitCurve",
    "lead_tiers",
    "tier_outcomes",
    "single_column_auc",
    "save_scorer",
    "load_scorer",
    "TRUSTED_TYPES",
    "UntrustedFileError",
]
