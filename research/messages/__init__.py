"""Marketing-versus-sales message analysis: what each team says, how consistent they are, which
words set each apart, and whether consistency converts. English, Korean and Japanese.

* :func:`validate_messages` checks a message log (one row per message).
* :func:`distinctive_terms`: the words that set two groups of texts apart, by the log-odds ratio
  with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words"), with its
  variance and z-score per term.
* :func:`alignment`: TF-IDF cosine similarity of what marketing and sales said, per lead or per
  campaign.
* :func:`alignment_summary`: the mean similarity per campaign (or channel, rep) with its
  t-interval.
* :func:`claim_coverage`: for each campaign claim, the share of marketing and of sales messages
  that carry it, and the claims one team makes that the other never does; :func:`pool_claims`
  pools it over the campaigns that make each claim (what the claim chart draws).
* :func:`tracker_rates`: named keyword sets (price, discount, competitor, security, ...) and the
  question rate, per team or rep, with Wilson intervals.
* :func:`message_effect`: does consistency predict winning? A logistic model with controls.

Words come from :mod:`research.messages.text` (morphological analysis for Korean and Japanese
where the analysers are installed, character n-grams otherwise), so Korean particles and Japanese
inflections do not make a new term of every form.

The package: :mod:`~research.messages.log` (the message log), :mod:`~research.messages.text`
(the tokenizer), :mod:`~research.messages.terms`, :mod:`~research.messages.consistency`,
:mod:`~research.messages.outcomes`, :mod:`~research.messages.headlines` (headline A/B tests)
and :mod:`~research.messages.plotting` (their charts).
"""

from research.data.synthetic.phrases import CLAIM_KEYWORDS, DRIFT_KEYWORDS
from research.messages.consistency import (
    TRACKERS,
    ClaimPooling,
    alignment,
    alignment_summary,
    claim_coverage,
    echo_share,
    pool_claims,
    tracker_rates,
)
from research.messages.headlines import (
    EFFECT_FEATURES,
    HEADLINE_FEATURES,
    NEGATIVE_WORDS,
    NUMBER_WORDS,
    POSITIVE_WORDS,
    WinningTerms,
    headline_effects,
    headline_features,
    winning_terms,
)
from research.messages.log import escape, validate_messages
from research.messages.outcomes import message_effect
from research.messages.terms import distinctive_terms
from research.messages.text import (
    LANGUAGES,
    Tokenizer,
    available_analyzers,
    detect_language,
    detect_languages,
)

__all__ = [
    "validate_messages",
    "distinctive_terms",
    "alignment",
    "alignment_summary",
    "claim_coverage",
    "ClaimPooling",
    "pool_claims",
    "echo_share",
    "tracker_rates",
    "message_effect",
    "escape",
    "CLAIM_KEYWORDS",
    "DRIFT_KEYWORDS",
    "TRACKERS",
    "LANGUAGES",
    "Tokenizer",
    "available_analyzers",
    "detect_language",
    "detect_languages",
    "headline_features",
    "headline_effects",
    "winning_terms",
    "WinningTerms",
    "HEADLINE_FEATURES",
    "EFFECT_FEATURES",
    "POSITIVE_WORDS",
    "NEGATIVE_WORDS",
    "NUMBER_WORDS",
]
