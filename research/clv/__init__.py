"""Customer lifetime value: purchase models (BG/NBD, MBG/NBD, Pareto/NBD, BG/BB), Gamma-Gamma
for spend, subscription retention (sBG), model comparison and intervals, exact and fast.

* :func:`fit_bgnbd` fits the BG/NBD model of Fader, Hardie & Lee (2005, *Marketing Science*
  24(2)) by maximum likelihood on an RFM summary (``frequency``, ``recency``, ``T`` from
  :func:`research.segmentation.rfm_summary`), with standard errors and intervals (a
  :class:`ModelFit`: ``to_frame()``, ``conf_int(ci=...)``, ``summary()``, ``plot()``).
* :func:`fit_gamma_gamma` fits the Gamma-Gamma spend model (Fader, Hardie & Lee 2005,
  "RFM and CLV: using iso-value curves", *Journal of Marketing Research* 42(4)) on the repeat
  customers' mean spend, and reports how strongly spend and frequency are correlated (the model
  assumes they are independent).
* :func:`customer_lifetime_value` combines both into the expected discounted value of each
  customer over a horizon; :func:`clv_by_segment` sums it by segment (a
  :class:`~research.segmentation.SegmentValue`) and :func:`value_concentration` gives the share
  of it held by the best customers (:class:`ValueConcentration`); :func:`segment_actions` says
  which team acts on each segment.
* :func:`holdout_check` compares the model's expected repeat purchases in a holdout period with
  what customers really did, per number of calibration-period purchases
  (:class:`HoldoutCheck`).
* :func:`fit_mbgnbd`, :func:`fit_pareto_nbd` and :func:`fit_bgbb` (discrete time) fit the other
  purchase models on the same recipe; every prediction above takes any of the four.
  :func:`compare_models` ranks them on a holdout (errors with intervals, a naive forecast to
  beat), :func:`purchase_tracking` tracks cumulative purchases week by week, and
  :func:`period_transactions`, :func:`frequency_recency_matrix` and
  :func:`simulate_customers` show what a fit implies.
* :func:`clv_intervals` values customers, segments and each month of the horizon with
  intervals that carry the fits' parameter uncertainty (:meth:`ModelFit.draw_params`).
* :func:`fit_sbg`, :func:`cohort_survivors` and :func:`project_retention` project the
  retention of subscription cohorts (shifted-beta-geometric, Fader & Hardie 2007).

The likelihoods are written in log form with :func:`scipy.special.gammaln` / ``betaln`` and
evaluated once per distinct (frequency, recency, T) triple, weighted by its count, which makes a
fit on tens of thousands of customers take milliseconds per evaluation. The fits follow one
recipe (:mod:`research._mle`) so that the same data give the same parameters on every machine,
whatever the row order, starting point, processor or thread count: analytic gradients on the
log scale of the parameters, starting values from the data, several starts and Newton steps to
the maximum. When the maximum lies on a boundary of the model that the data support (no
detectable dropout; spend constant per customer; one spend level for all), the limit model is
fitted and returned with a :class:`BoundaryFitWarning` saying what it means for the
predictions; :class:`ConvergenceError` is kept for data the model cannot describe. Standard
errors come from the Hessian of the log-likelihood and intervals are Wald intervals on the log
scale, so they stay positive.

"""

from research.clv.bgbb import *  # noqa: F403 - the names of bgbb.__all__
from research.clv.bgbb import __all__ as _bgbb_names
from research.clv.bgnbd import *  # noqa: F403 - the names of bgnbd.__all__
from research.clv.bgnbd import __all__ as _bgnbd_names
from research.clv.comparison import *  # noqa: F403 - the names of comparison.__all__
from research.clv.comparison import __all__ as _comparison_names
from research.clv.diagnostics import *  # noqa: F403 - the names of diagnostics.__all__
from research.clv.diagnostics import __all__ as _diagnostics_names
from research.clv.fitting import *  # noqa: F403 - the names of fitting.__all__
from research.clv.fitting import __all__ as _fitting_names
from research.clv.gamma_gamma import *  # noqa: F403 - the names of gamma_gamma.__all__
from research.clv.gamma_gamma import __all__ as _gamma_gamma_names
from research.clv.holdout import *  # noqa: F403 - the names of holdout.__all__
from research.clv.holdout import __all__ as _holdout_names
from research.clv.intervals import *  # noqa: F403 - the names of intervals.__all__
from research.clv.intervals import __all__ as _intervals_names
from research.clv.mbgnbd import *  # noqa: F403 - the names of mbgnbd.__all__
from research.clv.mbgnbd import __all__ as _mbgnbd_names
from research.clv.pareto_nbd import *  # noqa: F403 - the names of pareto_nbd.__all__
from research.clv.pareto_nbd import __all__ as _pareto_nbd_names
from research.clv.sbg import *  # noqa: F403 - the names of sbg.__all__
from research.clv.sbg import __all__ as _sbg_names
from research.clv.value import *  # noqa: F403 - the names of value.__all__
from research.clv.value import __all__ as _value_names

__all__ = [
    *_fitting_names,
    *_bgnbd_names,
    *_mbgnbd_names,
    *_pareto_nbd_names,
    *_bgbb_names,
    *_sbg_names,
    *_gamma_gamma_names,
    *_value_names,
    *_holdout_names,
    *_comparison_names,
    *_intervals_names,
    *_diagnostics_names,
]
