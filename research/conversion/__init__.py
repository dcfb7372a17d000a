"""Conversion prediction: realistic, calibrated, explained lead scoring.

Which leads will buy, how sure is that, and why this lead? The modules, by step:

* :mod:`~research.conversion.leads`: :func:`prepare_leads`, a lead export (its own target,
  time, id and post-outcome columns) checked and put in time order (:class:`Leads`);
* :mod:`~research.conversion.scorer`: :class:`LeadScorer`, a scikit-learn style model for any
  lead export (logistic with :class:`OddsRatios` and a :meth:`~LeadScorer.summary`, or gradient
  boosting), with a leakage guard (``post_outcome=``, :class:`LeakageWarning`) and per-lead
  :meth:`~LeadScorer.reason_codes`;
* :mod:`~research.conversion.evaluation`: :func:`evaluate` under random folds, a chronological
  holdout or the rolling-origin protocol of Moro, Cortez & Rita (2014), returning an
  :class:`Evaluation` (metrics with bootstrap intervals and the out-of-sample scores);
  :func:`out_of_sample` for the scores alone; :func:`rolling_sizes` scales the rolling
  protocol to a smaller file;
* :mod:`~research.conversion.metrics`: :func:`cumulative_gains`, :func:`gains_at`,
  :func:`alift`;
* :mod:`~research.conversion.business`: :func:`lift_table`, :func:`calibration_table`,
  :func:`profit_curve`, :func:`lead_tiers` and :func:`tier_outcomes`, each view with
  intervals returning a result that carries its level ``ci`` and its counts;
* :mod:`~research.conversion.leakage`: :func:`single_column_auc`, the screen behind the guard;
* :mod:`~research.conversion.persistence`: :func:`save_scorer` / :func:`load_scorer` (skops,
  an explicit list of trusted types);
* :mod:`~research.conversion.plotting`: the charts of these results (``result.plot()``).

Examples
--------
>>> from research.data import load_bank_marketing
>>> calls = load_bank_marketing()  # doctest: +SKIP
>>> scorer = LeadScorer("logistic", post_outcome=["duration"])  # doctest: +SKIP
>>> evaluate(scorer, calls.drop(columns="y"), calls["y"], scheme="rolling")  # doctest: +SKIP
"""

from research.conversion.business import *  # noqa: F403 - the names of business.__all__
from research.conversion.business import __all__ as _business_names

# scorers saved by 0.1.0 (before the package split) name their design class here
from research.conversion.design import _Design  # noqa: F401
from research.conversion.evaluation import *  # noqa: F403 - the names of evaluation.__all__
from research.conversion.evaluation import __all__ as _evaluation_names
from research.conversion.leads import *  # noqa: F403 - the names of leads.__all__
from research.conversion.leads import __all__ as _leads_names
from research.conversion.leakage import *  # noqa: F403 - the names of leakage.__all__
from research.conversion.leakage import __all__ as _leakage_names
from research.conversion.metrics import *  # noqa: F403 - the names of metrics.__all__
from research.conversion.metrics import __all__ as _metrics_names
from research.conversion.persistence import *  # noqa: F403 - the names of persistence.__all__
from research.conversion.persistence import __all__ as _persistence_names
from research.conversion.scorer import *  # noqa: F403 - the names of scorer.__all__
from research.conversion.scorer import __all__ as _scorer_names

__all__ = [
    *_leads_names,
    *_scorer_names,
    *_leakage_names,
    *_evaluation_names,
    *_metrics_names,
    *_business_names,
    *_persistence_names,
]
