"""Marketing-versus-sales message analysis: what each team says, how consistent they are, which
words set each apart, and whether consistency converts. English, Korean and Japanese.

* :func:`validate_messages` checks a message log (one row per message) once and returns a
  :class:`MessageLog`, which every function below takes as it is.
* :func:`distinctive_terms`: the words that set two groups of texts apart, by the log-odds ratio
  with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words"), with its
  variance and z-score per term (:class:`DistinctiveTerms`).
* :func:`alignment`: TF-IDF cosine similarity of what marketing and sales said, per lead or per
  campaign; :func:`alignment_summary`: its mean per campaign (or channel, rep) with a t-interval.
* :func:`claim_coverage`: for each campaign claim, the share of marketing and of sales messages
  that carry it, and the claims one team makes that the other never does; :func:`pool_claims`
  pools it over the campaigns that make each claim (what the claim chart draws).
* :func:`tracker_rates`: named keyword sets (price, discount, competitor, security, ...) and the
  question rate, per team or rep, with Wilson intervals.
* :func:`echo_share` and :func:`message_effect`: does repeating the campaign predict winning? A
  logistic model with controls.

Every result is a frozen object with its ``table``, its interval level ``ci`` where it has
intervals, its counts, ``to_frame()`` and an HTML repr; those with a chart draw it with
``plot()``.

Words come from :mod:`research.messages.text` (morphological analysis for Korean and Japanese
where the analysers are installed, character n-grams otherwise), so Korean particles and Japanese
inflections do not make a new term of every form.

The package: :mod:`~research.messages.log` (the message log), :mod:`~research.messages.text`
(the tokenizer), :mod:`~research.messages.terms`, :mod:`~research.messages.consistency`,
:mod:`~research.messages.outcomes`, :mod:`~research.messages.headlines` (headline A/B tests)
and :mod:`~research.messages.plotting` (their charts).
"""

from research.data.synthetic.phrases import CLAIM_KEYWORDS, DRIFT_KEYWORDS
from research.messages.consistency import *  # noqa: F403 - the names of consistency.__all__
from research.messages.consistency import __all__ as _consistency_names
from research.messages.headlines import *  # noqa: F403 - the names of headlines.__all__
from research.messages.headlines import __all__ as _headlines_names
from research.messages.log import *  # noqa: F403 - the names of log.__all__
from research.messages.log import __all__ as _log_names
from research.messages.outcomes import *  # noqa: F403 - the names of outcomes.__all__
from research.messages.outcomes import __all__ as _outcomes_names
from research.messages.terms import *  # noqa: F403 - the names of terms.__all__
from research.messages.terms import __all__ as _terms_names
from research.messages.text import *  # noqa: F403 - the names of text.__all__
from research.messages.text import __all__ as _text_names

__all__ = [
    *_log_names,
    *_terms_names,
    *_consistency_names,
    *_outcomes_names,
    *_headlines_names,
    *_text_names,
    "CLAIM_KEYWORDS",
    "DRIFT_KEYWORDS",
]
