"""How consistent the two teams are: alignment, claim coverage, echo share, trackers.

* :func:`alignment`: TF-IDF cosine similarity of what marketing and sales said, per lead or per
  campaign.
* :func:`alignment_summary`: the mean similarity per campaign (or channel, rep) with its
  t-interval (:class:`AlignmentSummary`).
* :func:`claim_coverage`: for each campaign claim, the share of marketing and of sales messages
  that carry it, and the claims one team makes that the other never does
  (:class:`ClaimCoverage`); :func:`pool_claims` pools it over the campaigns that make each claim
  (:class:`ClaimPooling`, what the claim chart draws).
* :func:`echo_share`: per lead, the share of sales statements that repeat a campaign claim.
* :func:`tracker_rates`: named keyword sets (price, discount, competitor, security, ...) and the
  question rate, per team or rep, with Wilson intervals (:class:`TrackerRates`).
* :func:`keyword_terms`: the terms of a keyword table, as :class:`~research.messages.text.
  Tokenizer` counts them (to compare a keyword table with distinctive terms).

Every function that reads messages takes a :class:`~research.messages.MessageLog` from
:func:`~research.messages.validate_messages` as it is, or a DataFrame that it checks first. The
teams are read by the log's labels (``teams``: marketing's, then sales'), and the tables name
their columns by the team's role (``n_marketing``, ``sales_share``), whatever the labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from research._columns import (
    CAMPAIGN_COL,
    CLAIMS_COL,
    LANGUAGE_COL,
    SIMILARITY_COL,
    TEAM_COL,
    TEXT_COL,
)
from research._format import ci_label, format_interval
from research._results import Result
from research._stats import group_means, wilson
from research._validation import (
    check_ci,
    nonnegative_values,
    require_columns,
    require_frame,
    require_rows,
    rows_repr,
)
from research.data.synthetic.phrases import CLAIM_KEYWORDS, DRIFT_KEYWORDS
from research.engines import is_engine_table
from research.messages.log import (
    TEAMS,
    MessageLog,
    _check_teams,
    _message_log,
    _team_roles,
)
from research.messages.text import Tokenizer

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "TRACKERS",
    "alignment",
    "alignment_summary",
    "AlignmentSummary",
    "claim_coverage",
    "ClaimCoverage",
    "ClaimPooling",
    "pool_claims",
    "echo_share",
    "tracker_rates",
    "TrackerRates",
    "keyword_terms",
]

# CLAIM_KEYWORDS[language][claim] and DRIFT_KEYWORDS[language][topic] (re-exported from the
# synthetic CRM's phrase bank): keywords and stems that identify each campaign claim and each
# off-message topic in English, Korean and Japanese. They were written for the synthetic CRM's
# texts; on your own messages, pass keyword tables of your own.

#: Default trackers per language: the off-message topics sales drifts to (price, discount,
#: roadmap, contract, competitor) and the security claim, for :func:`tracker_rates`.
TRACKERS: dict[str, dict[str, tuple[str, ...]]] = {
    lang: {**topics, "security": CLAIM_KEYWORDS[lang]["security"]}
    for lang, topics in DRIFT_KEYWORDS.items()
}

#: A keyword table: name -> keywords, or language -> name -> keywords.
Keywords = Mapping[str, Sequence[str]] | Mapping[str, Mapping[str, Sequence[str]]]

_QUESTION = r"[?？]|か。|까요|나요|습니까"
_SENTENCE = r"(?<=[.!?。！？])\s*"


# --------------------------------------------------------------------------------------------
# keyword tables
# --------------------------------------------------------------------------------------------


def _check_keywords(keywords: object, name: str) -> Keywords:
    if not isinstance(keywords, Mapping):
        raise TypeError(
            f"{name} must be a dict of name -> keywords (or language -> name -> keywords), "
            f"got {type(keywords).__name__}"
        )
    return keywords


def _keyword_names(keywords: Keywords) -> list[str]:
    """The names of a keyword table, flat or per language, sorted."""
    nested = {n for v in keywords.values() if isinstance(v, Mapping) for n in v}
    flat = {n for n, v in keywords.items() if not isinstance(v, Mapping)}
    return sorted(nested | flat)


def _keywords_for(keywords: Keywords, name: str, language: str) -> Sequence[str]:
    """``keywords[name]`` or, for per-language tables, ``keywords[language][name]``."""
    if language in keywords and isinstance(keywords[language], Mapping):
        return keywords[language].get(name, ())  # type: ignore[union-attr]
    return keywords.get(name, ())  # type: ignore[return-value]


def _mentions(texts: pd.Series, keywords: Sequence[str]) -> np.ndarray:
    """Which texts contain one of the keywords (case-insensitive substrings)."""
    if not keywords:
        return np.zeros(len(texts), dtype=bool)
    lowered = texts.str.lower()
    hit = np.zeros(len(texts), dtype=bool)
    for word in keywords:
        hit |= lowered.str.contains(word.lower(), regex=False).to_numpy(dtype=bool)
    return hit


def _mentions_by_language(
    texts: pd.Series, languages: np.ndarray, keywords: Keywords, name: str
) -> np.ndarray:
    """Which texts contain one of the keywords of ``name`` in their own language."""
    hit = np.zeros(len(texts), dtype=bool)
    for lang in pd.unique(languages):
        rows = languages == lang
        hit[rows] = _mentions(texts[rows], _keywords_for(keywords, name, lang))
    return hit


def keyword_terms(
    keywords: Keywords, language: str = "en", *, tokenizer: Tokenizer | None = None
) -> set[str]:
    """The terms of a keyword table's phrases, as the Tokenizer counts them in ``language``.

    Keywords are phrases matched as substrings ("end of the quarter", "% off"); the tables of
    :func:`research.messages.distinctive_terms` hold terms ("quarter"). This gives the terms of
    the phrases, so the two can be compared.

    Parameters
    ----------
    keywords : mapping
        Name -> keywords, or language -> name -> keywords (e.g. ``DRIFT_KEYWORDS``).
    language : str, default "en"
        The language of the phrases (and, for per-language tables, the table used).
    tokenizer : Tokenizer, optional
        Default ``Tokenizer(language)``.

    Examples
    --------
    >>> sorted(keyword_terms({"discount": ["end of the quarter", "% off", "promo"]}))
    ['end', 'promo', 'quarter']
    """
    keywords = _check_keywords(keywords, "keywords")
    tokenizer = tokenizer or Tokenizer(language)
    phrases = [
        p for name in _keyword_names(keywords) for p in _keywords_for(keywords, name, language)
    ]
    return set(chain.from_iterable(tokenizer.tokenize_many(phrases, [language] * len(phrases))))


# --------------------------------------------------------------------------------------------
# alignment
# --------------------------------------------------------------------------------------------


def alignment(
    messages: pd.DataFrame | MessageLog,
    *,
    by: str | None = None,
    tokenizer: Tokenizer | None = None,
) -> pd.DataFrame:
    """How similar is what sales said to what marketing said, per lead (or campaign)?

    All marketing texts of a unit are joined into one document, all its sales texts into
    another; both are TF-IDF vectors over the whole log's vocabulary (words from
    :class:`research.messages.text.Tokenizer`), and the similarity is their cosine (0 = no word in
    common, 1 = the same words in the same proportions). Units where one team said nothing
    get no similarity. Texts in different languages share no words, so compare within a
    language (per lead, each lead has one).

    Parameters
    ----------
    messages : MessageLog or pandas.DataFrame
        The message log (:func:`~research.messages.validate_messages`; a DataFrame is checked
        with the default column names).
    by : str, optional
        The unit: a column of the log. Default the log's lead column.
    tokenizer : Tokenizer, optional
        Default ``Tokenizer()``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``by``: ``n_marketing``, ``n_sales`` (messages of the log's first and second
        team) and ``similarity``.

    Examples
    --------
    >>> log = pd.DataFrame({"lead_id": ["a", "a"], "team": ["marketing", "sales"],
    ...                     "text": ["fast setup", "fast setup"]})
    >>> round(float(alignment(log).loc["a", "similarity"]), 6)
    1.0
    """
    log = _message_log(messages)
    by = log.lead_col if by is None else by
    require_columns(log.table, [by], "messages")
    tokenizer = tokenizer or Tokenizer()
    frame = log.table
    tokens = tokenizer.tokenize_many(frame[log.text_col].tolist(), frame[log.language_col].tolist())
    role = frame[log.team_col].map(_team_roles(log)).to_numpy()  # "marketing" / "sales"
    frame = frame[[by]].assign(_team=role, _tokens=tokens)
    docs = frame.groupby([by, "_team"], sort=True)["_tokens"].agg(
        lambda parts: [t for part in parts for t in part]
    )
    counts = frame.groupby([by, "_team"]).size().unstack(fill_value=0)
    units = counts.index
    result = pd.DataFrame(
        {f"n_{t}": counts.get(t, pd.Series(0, index=units)) for t in TEAMS}, index=units
    )
    both = units[(result["n_marketing"] > 0) & (result["n_sales"] > 0)]
    result[SIMILARITY_COL] = _cosines(docs, units, both)
    result.index.name = by
    return result


def _cosines(docs: pd.Series, units: pd.Index, both: pd.Index) -> np.ndarray:
    """TF-IDF cosine of the marketing and the sales document of each unit of ``both``, in the
    order of ``units`` (NaN for the units not in ``both``)."""
    vectorizer = TfidfVectorizer(analyzer=lambda doc: doc, sublinear_tf=True)
    vectorizer.fit(docs.tolist())
    sim = pd.Series(np.nan, index=units)
    if len(both):
        m = vectorizer.transform(docs.loc[list(zip(both, ["marketing"] * len(both), strict=True))])
        s = vectorizer.transform(docs.loc[list(zip(both, ["sales"] * len(both), strict=True))])
        sim.loc[both] = np.asarray(m.multiply(s).sum(axis=1)).ravel()  # rows are L2-normalised
    return sim.to_numpy()


@dataclass(frozen=True, eq=False, repr=False)
class AlignmentSummary(Result):
    """Mean marketing-sales similarity per group: the result of :func:`alignment_summary`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per group, most aligned first: ``leads`` (with messages of both teams),
        ``similarity`` (their mean), ``low`` and ``high`` (t-interval of the mean; NaN for a
        single lead).
    ci : float
        Level of the intervals.
    n_leads : int
        Leads with a similarity (heard from both teams), over all groups.
    group_name : str or None
        What the groups are (the name of the ``groups`` Series: ``campaign_id``, ...).
    """

    table: pd.DataFrame
    ci: float
    n_leads: int
    group_name: str | None = None

    def _caption(self) -> str:
        groups = self.group_name or "group"
        return (
            f"Marketing-sales similarity per {groups} ({len(self.table):,} groups, "
            f"{self.n_leads:,} leads heard from both teams; mean with {ci_label(self.ci)} "
            "t-interval)"
        )


def alignment_summary(
    aligned: pd.DataFrame,
    groups: pd.Series,
    *,
    ci: float = 0.95,
) -> AlignmentSummary:
    """Mean marketing-sales similarity of the leads in each group, with a t-interval.

    Parameters
    ----------
    aligned : pandas.DataFrame
        Output of :func:`alignment` per lead (a ``similarity`` column, NaN where one team said
        nothing: those leads are not counted).
    groups : pandas.Series
        The group of each lead (campaign, channel, rep), indexed like ``aligned``.
    ci : float, default 0.95
        Confidence level.

    Returns
    -------
    AlignmentSummary
        Its ``table`` has one row per group, most aligned first: ``leads``, ``similarity``,
        ``low`` and ``high`` (t-interval of the mean, from statsmodels, as
        :func:`research.segmentation.segment_value_table`).

    Examples
    --------
    >>> aligned = pd.DataFrame({"similarity": [0.2, 0.4, 0.6]}, index=["a", "b", "c"])
    >>> summary = alignment_summary(aligned, pd.Series(["x", "x", "x"], index=["a", "b", "c"]))
    >>> round(float(summary.table.loc["x", "similarity"]), 2), summary.n_leads
    (0.4, 3)
    """
    frame = require_frame(aligned, "aligned")
    require_columns(frame, [SIMILARITY_COL], "aligned")
    ci = check_ci(ci)
    if not isinstance(groups, pd.Series):
        raise TypeError(f"groups must be a pandas Series, got {type(groups).__name__}")
    missing = frame.index.difference(groups.index)
    if len(missing):
        raise ValueError(
            f"groups has no group for {len(missing):,} of the {len(frame):,} leads of aligned "
            f"(e.g. {rows_repr(missing, 5)})"
        )
    sim = frame[SIMILARITY_COL].dropna()
    if sim.empty:
        raise ValueError(
            f"no lead of aligned ({len(frame):,} rows) has a similarity: none heard from both teams"
        )
    labels = pd.Series(groups.reindex(sim.index).to_numpy(), index=sim.index)
    if labels.isna().any():
        raise ValueError(
            f"groups has {int(labels.isna().sum()):,} missing groups for the leads of aligned "
            f"(e.g. {rows_repr(labels.index[labels.isna().to_numpy()], 5)})"
        )
    per_group = group_means(sim.astype(np.float64), labels, ci)
    table = pd.DataFrame(
        {
            "leads": per_group["n"],
            SIMILARITY_COL: per_group["mean"],
            "low": per_group["low"],
            "high": per_group["high"],
        }
    )
    table = table.sort_values(SIMILARITY_COL, ascending=False)
    table.index.name = groups.name
    name = None if groups.name is None else str(groups.name)
    return AlignmentSummary(table=table, ci=ci, n_leads=len(sim), group_name=name)


# --------------------------------------------------------------------------------------------
# claims
# --------------------------------------------------------------------------------------------


def _campaign_claims(
    campaigns: pd.DataFrame, campaign_col: str, claims_col: str
) -> dict[object, list[str]]:
    """Each campaign's claims (a ``;``-separated list in ``claims_col``)."""
    frame = require_frame(campaigns, "campaigns")
    require_columns(frame, [campaign_col, claims_col], "campaigns")
    claims = frame.set_index(campaign_col)[claims_col].fillna("").astype(str).str.split(";")
    return {c: [x for x in parts if x] for c, parts in claims.items()}


def _with_campaign(
    messages: pd.DataFrame, lead_col: str, leads: pd.DataFrame, campaign_col: str
) -> pd.DataFrame:
    """The messages with the campaign of their lead (from ``leads``, which replaces a campaign
    column the log may carry itself)."""
    frame = require_frame(leads, "leads")
    require_columns(frame, [lead_col, campaign_col], "leads")
    own = messages.drop(columns=campaign_col, errors="ignore")
    return own.merge(frame[[lead_col, campaign_col]], on=lead_col, how="left")


@dataclass(frozen=True, eq=False, repr=False)
class ClaimCoverage(Result):
    """Each campaign claim in each team's messages: the result of :func:`claim_coverage`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per (campaign, claim): the campaign (``campaign_col``), ``claim``; per team
        (``marketing``, ``sales``: the log's first and second team, whatever their labels)
        ``<team>_messages`` (the team's messages to the campaign's leads), ``<team>_share``
        (share carrying the claim), its Wilson interval ``<team>_low``, ``<team>_high`` and
        ``<team>_with`` (messages carrying it); ``gap``
        (marketing share - sales share); ``only_marketing`` / ``only_sales`` (claims one team
        makes and the other never does).
    ci : float
        Level of the intervals.
    campaign_col : str
        The campaign column of ``table``.
    n_messages : int
        Messages to the leads of a campaign, both teams.
    """

    table: pd.DataFrame
    ci: float
    campaign_col: str
    n_messages: int

    @property
    def n_campaigns(self) -> int:
        """Campaigns with messages."""
        return int(self.table[self.campaign_col].nunique()) if len(self.table) else 0

    def _caption(self) -> str:
        return (
            f"Claim coverage: {len(self.table):,} claims of {self.n_campaigns:,} campaigns in "
            f"{self.n_messages:,} messages (Wilson {ci_label(self.ci)} intervals)"
        )

    def pool(self) -> ClaimPooling:
        """:func:`pool_claims` of this coverage, at its level."""
        return pool_claims(self)


def claim_coverage(
    messages: pd.DataFrame | MessageLog,
    campaigns: pd.DataFrame,
    leads: pd.DataFrame,
    claim_keywords: Keywords,
    *,
    campaign_col: str = CAMPAIGN_COL,
    claims_col: str = CLAIMS_COL,
    ci: float = 0.95,
) -> ClaimCoverage:
    """For each campaign claim: the share of marketing and of sales messages that carry it.

    A message carries a claim when it contains one of the claim's keywords (case-insensitive
    substring, so Korean and Japanese stems match their inflected forms). Keywords are given per
    claim, or per language and claim (e.g. ``research.data.synthetic.phrases.CLAIM_KEYWORDS``).

    Parameters
    ----------
    messages : MessageLog or pandas.DataFrame
        The message log (:func:`~research.messages.validate_messages`; a DataFrame is checked
        with the default column names).
    campaigns : pandas.DataFrame
        One row per campaign: ``campaign_col`` and ``claims_col`` (its claims, separated by
        ``;``).
    leads : pandas.DataFrame
        The campaign of each lead: the log's lead column and ``campaign_col``.
    claim_keywords : mapping
        Claim -> keywords, or language -> claim -> keywords.
    campaign_col, claims_col : str
        Column names.
    ci : float, default 0.95
        Level of the Wilson intervals.

    Returns
    -------
    ClaimCoverage
        Its ``table`` has one row per (campaign, claim); ``pool()`` pools it over campaigns.

    Examples
    --------
    >>> from research.data import make_crm
    >>> crm = make_crm(500, unrepeated_claims=("security",))  # doctest: +SKIP
    >>> coverage = claim_coverage(crm.messages, crm.campaigns, crm.leads,
    ...                           CLAIM_KEYWORDS)  # doctest: +SKIP
    >>> coverage.pool().never_repeated  # doctest: +SKIP
    ['security']
    """
    ci = check_ci(ci)
    claim_keywords = _check_keywords(claim_keywords, "claim_keywords")
    claims = _campaign_claims(campaigns, campaign_col, claims_col)
    log = _message_log(messages)
    roles = _team_roles(log)
    msgs = _with_campaign(log.table, log.lead_col, leads, campaign_col)
    keys, counts = [], []
    for campaign, part in msgs.groupby(campaign_col, sort=True):
        texts, languages = part[log.text_col], part[log.language_col].to_numpy()
        teams = part[log.team_col].map(roles).to_numpy()
        for claim in claims.get(campaign, []):
            carried = _mentions_by_language(texts, languages, claim_keywords, claim)
            keys.append((campaign, claim))
            counts.append(
                [v for t in TEAMS for v in ((teams == t).sum(), carried[teams == t].sum())]
            )
    table = _coverage_table(keys, np.array(counts, dtype=np.int64).reshape(-1, 4), ci)
    table = table.rename(columns={"campaign": campaign_col})
    n_messages = int(msgs[campaign_col].notna().sum())
    return ClaimCoverage(table=table, ci=ci, campaign_col=campaign_col, n_messages=n_messages)


def _team_columns(messages: np.ndarray, carried: np.ndarray, ci: float) -> dict[str, np.ndarray]:
    """Per team: its messages, the share carrying the claim, the Wilson interval and the count
    carrying it (columns in that order)."""
    low, high = wilson(carried, messages, ci)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(messages > 0, carried / np.where(messages > 0, messages, 1), np.nan)
    return {"messages": messages, "share": share, "low": low, "high": high, "with": carried}


def _coverage_table(keys: list[tuple[object, str]], counts: np.ndarray, ci: float) -> pd.DataFrame:
    """The coverage table from counts (per row: marketing messages, with; sales messages,
    with)."""
    table = pd.DataFrame(keys, columns=["campaign", "claim"])
    for i, team in enumerate(TEAMS):
        columns = _team_columns(counts[:, 2 * i], counts[:, 2 * i + 1], ci)
        for name, values in columns.items():
            table[f"{team}_{name}"] = values
    table["gap"] = table["marketing_share"] - table["sales_share"]
    table["only_marketing"] = (table["marketing_with"] > 0) & (table["sales_with"] == 0)
    table["only_sales"] = (table["sales_with"] > 0) & (table["marketing_with"] == 0)
    return table


@dataclass(frozen=True, eq=False, repr=False)
class ClaimPooling(Result):
    """Each claim pooled over the campaigns that make it: the result of :func:`pool_claims`.

    Attributes
    ----------
    ci : float
        Level of the Wilson intervals.
    table : pandas.DataFrame
        Indexed by claim, largest gap first (claims without a gap last): ``campaigns`` (that
        make the claim); per team (``marketing``, ``sales``) ``<team>_messages``,
        ``<team>_with`` (messages carrying the claim), ``<team>_share`` and its interval
        ``<team>_low``, ``<team>_high`` (NaN where the team sent no message); ``gap``
        (marketing share - sales share).
    n_campaigns : int or None
        Campaigns in the coverage table (None when it had no campaign column).
    """

    ci: float
    table: pd.DataFrame
    n_campaigns: int | None

    @property
    def never_repeated(self) -> list[str]:
        """Claims marketing makes and sales carries in none of its messages (pooled share 0)."""
        t = self.table
        return t.index[(t["marketing_with"] > 0) & (t["sales_share"] == 0)].tolist()

    def _caption(self) -> str:
        over = f" over {self.n_campaigns:,} campaigns" if self.n_campaigns else ""
        return f"Claims pooled{over} (Wilson {ci_label(self.ci)} intervals)"

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.messages.plotting.plot_claim_coverage` of this result."""
        from research.messages.plotting import plot_claim_coverage

        return plot_claim_coverage(self, ax=ax, **kwargs)


_COUNT_COLS = [f"{t}_{c}" for t in TEAMS for c in ("messages", "with")]


def _checked_counts(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The message counts of a coverage table, checked: whole, not negative, the messages
    carrying a claim no more than the team's messages, every claim named."""
    require_columns(frame, ["claim", *_COUNT_COLS], "coverage")
    require_rows(frame, "coverage")
    counts = {c: nonnegative_values(frame, c, "coverage") for c in _COUNT_COLS}
    for col, values in counts.items():
        if (values != np.round(values)).any():
            raise ValueError(f"column {col!r} of coverage must hold whole counts of messages")
    for team in TEAMS:
        bad = counts[f"{team}_with"] > counts[f"{team}_messages"]
        if bad.any():
            raise ValueError(
                f"column '{team}_with' of coverage exceeds '{team}_messages' in "
                f"{int(bad.sum()):,} rows (rows {rows_repr(frame.index[bad])})"
            )
    missing = frame["claim"].isna().to_numpy()
    if missing.any():
        raise ValueError(
            f"column 'claim' of coverage has {int(missing.sum()):,} missing claims (rows "
            f"{rows_repr(frame.index[missing])}): name the claim of every row"
        )
    return counts


def pool_claims(
    coverage: ClaimCoverage | pd.DataFrame,
    *,
    campaign_col: str = CAMPAIGN_COL,
    ci: float | None = None,
) -> ClaimPooling:
    """Pool the per-campaign claim coverage over the campaigns that make each claim.

    The counts of messages and of messages carrying the claim are summed per claim and per team,
    and each team's share is recomputed from the sums, with its Wilson interval (statsmodels).

    Parameters
    ----------
    coverage : ClaimCoverage or pandas.DataFrame
        The result of :func:`claim_coverage` (taken as it is), or any table with the columns
        ``claim``, ``marketing_messages``, ``marketing_with``, ``sales_messages`` and
        ``sales_with`` (checked; a ``campaign_col`` column, if present, counts the campaigns per
        claim). Not modified.
    campaign_col : str, default "campaign_id"
        The campaign column of a table (a ClaimCoverage names its own).
    ci : float, optional
        Level of the intervals, in (0, 1). Default: the coverage's ``ci``; 0.95 for a table.

    Returns
    -------
    ClaimPooling
        Its ``table`` has one row per claim, largest gap first; ``never_repeated`` lists the
        claims sales never repeats.

    Raises
    ------
    TypeError
        ``coverage`` is not a DataFrame, or a count is not numeric.
    ValueError
        A column is missing, the table is empty, a claim is missing, a count is missing,
        negative, or larger than the team's messages, or ``ci`` is outside (0, 1).

    Examples
    --------
    >>> cov = pd.DataFrame({"claim": ["price", "price"], "marketing_messages": [10, 10],
    ...                     "marketing_with": [4, 6], "sales_messages": [5, 15],
    ...                     "sales_with": [0, 2]})
    >>> pooled = pool_claims(cov)
    >>> float(pooled.table.loc["price", "marketing_share"]), float(pooled.table.loc["price", "gap"])
    (0.5, 0.4)
    """
    if isinstance(coverage, ClaimCoverage):
        frame, campaign_col = coverage.table, coverage.campaign_col
        counts = {c: frame[c].to_numpy(dtype=np.float64) for c in _COUNT_COLS}
        ci = coverage.ci if ci is None else check_ci(ci)
    else:
        frame = require_frame(coverage, "coverage", " (or the ClaimCoverage of claim_coverage)")
        ci = 0.95 if ci is None else check_ci(ci)
        counts = _checked_counts(frame)
    return _pool(frame, counts, campaign_col, ci)


def _pool(
    frame: pd.DataFrame, counts: dict[str, np.ndarray], campaign_col: str, ci: float
) -> ClaimPooling:
    """Pool checked counts per claim (prior validation is assumed)."""
    claims = frame["claim"].astype(str).to_numpy()
    pooled = pd.DataFrame(counts).groupby(claims, sort=True).sum()
    pooled.index.name = "claim"
    if campaign_col in frame.columns:
        campaigns = frame.groupby(claims, sort=True)[campaign_col].nunique()
        n_campaigns: int | None = int(frame[campaign_col].nunique())
    else:
        campaigns = pd.Series(claims).value_counts()
        n_campaigns = None
    table = pd.DataFrame({"campaigns": campaigns.reindex(pooled.index).astype(np.int64)})
    for team in TEAMS:
        m = pooled[f"{team}_messages"].to_numpy()
        k = pooled[f"{team}_with"].to_numpy()
        columns = _team_columns(m, k, ci)
        table[f"{team}_messages"] = m.astype(np.int64)
        table[f"{team}_with"] = k.astype(np.int64)
        for name in ("share", "low", "high"):
            table[f"{team}_{name}"] = columns[name]
    table["gap"] = table["marketing_share"] - table["sales_share"]
    order = np.argsort(-np.nan_to_num(table["gap"].to_numpy(), nan=-np.inf), kind="stable")
    return ClaimPooling(ci=ci, table=table.iloc[order], n_campaigns=n_campaigns)


# --------------------------------------------------------------------------------------------
# echo share
# --------------------------------------------------------------------------------------------


def echo_share(
    messages: pd.DataFrame | MessageLog,
    campaigns: pd.DataFrame,
    leads: pd.DataFrame,
    claim_keywords: Keywords,
    drift_keywords: Keywords,
    *,
    campaign_col: str = CAMPAIGN_COL,
    claims_col: str = CLAIMS_COL,
) -> pd.DataFrame:
    """Per lead: the share of sales statements that repeat a campaign claim, not another topic.

    Each sales message is split into sentences; a sentence that carries one of the lead's
    campaign claims is an *echo*, one that carries an off-message topic (a drift keyword: price,
    discount, ...) is a *drift*, and sentences with neither (greetings, questions, next steps)
    are not counted. ``echo_share = echoes / (echoes + drifts)``: 1 when sales only repeats the
    campaign, 0 when it only talks about other things.

    Parameters
    ----------
    messages, campaigns, leads, claim_keywords, campaign_col, claims_col
        As for :func:`claim_coverage`.
    drift_keywords : mapping
        Off-message topic -> keywords, or language -> topic -> keywords.

    Returns
    -------
    pandas.DataFrame
        Indexed by lead: ``echoes``, ``drifts``, ``echo_share`` (NaN without either).

    Examples
    --------
    >>> echo_share(crm.messages, crm.campaigns, crm.leads, CLAIM_KEYWORDS,
    ...            DRIFT_KEYWORDS)  # doctest: +SKIP
    """
    claim_keywords = _check_keywords(claim_keywords, "claim_keywords")
    drift_keywords = _check_keywords(drift_keywords, "drift_keywords")
    claims = _campaign_claims(campaigns, campaign_col, claims_col)
    log = _message_log(messages)
    sales_label = next(label for label, role in _team_roles(log).items() if role == "sales")
    sales = log.table[log.table[log.team_col] == sales_label]
    msgs = _with_campaign(sales, log.lead_col, leads, campaign_col)
    text = log.text_col
    sentences = msgs.assign(**{text: msgs[text].str.split(_SENTENCE, regex=True)}).explode(text)
    sentences = sentences[sentences[text].str.strip().ne("")].reset_index(drop=True)
    echo = np.zeros(len(sentences), dtype=bool)
    drift = np.zeros(len(sentences), dtype=bool)
    topics = _keyword_names(drift_keywords)
    for (lang, campaign), idx in sentences.groupby([log.language_col, campaign_col]).groups.items():
        part = sentences.loc[idx, text]
        for claim in claims.get(campaign, []):
            echo[idx] |= _mentions(part, _keywords_for(claim_keywords, claim, lang))
        for topic in topics:
            drift[idx] |= _mentions(part, _keywords_for(drift_keywords, topic, lang))
    drift &= ~echo
    lead = log.lead_col
    table = (
        pd.DataFrame({lead: sentences[lead].to_numpy(), "echoes": echo, "drifts": drift})
        .groupby(lead)
        .sum()
    )
    said = table["echoes"] + table["drifts"]
    table["echo_share"] = table["echoes"] / said.where(said > 0)
    return table


# --------------------------------------------------------------------------------------------
# trackers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class TrackerRates(Result):
    """Share of messages that mention each tracker: the result of :func:`tracker_rates`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per group and tracker: the group (column ``by``), ``tracker``, ``messages``
        (of the group), ``with`` (mentioning the tracker), ``share`` and its Wilson interval
        ``low``, ``high``.
    ci : float
        Level of the intervals.
    by : str
        The grouping column (the team, or a rep column).
    n_messages : int
        Messages counted, over all groups.
    """

    table: pd.DataFrame
    ci: float
    by: str
    n_messages: int

    @property
    def n_groups(self) -> int:
        """Number of groups."""
        return int(self.table[self.by].nunique())

    def _caption(self) -> str:
        trackers = self.table["tracker"].nunique()
        return (
            f"Tracker rates: {trackers} trackers in {self.n_messages:,} messages of "
            f"{self.n_groups:,} groups ({self.by}; Wilson {ci_label(self.ci)} intervals)"
        )

    def shares(self, fmt: str = ".1%", trackers: Iterable[str] | None = None) -> pd.DataFrame:
        """Each share with its interval as text ("12.3% (95% CI 10.1%–14.5%)"): one row per
        tracker, one column per group, headed by the group's messages ("sales (1,234
        messages)").

        Parameters
        ----------
        fmt : str, default ".1%"
            Format of the numbers (:func:`research.report.format_interval`).
        trackers : iterable of str, optional
            The trackers to show, in this order. Default all, sorted.
        """
        t = self.table
        texts = [
            format_interval(s, lo, hi, ci=self.ci, fmt=fmt)
            for s, lo, hi in zip(t["share"], t["low"], t["high"], strict=True)
        ]
        wide = t.assign(text=texts).pivot(index="tracker", columns=self.by, values="text")
        if trackers is not None:
            wide = wide.loc[list(trackers)]
        n = t.groupby(self.by)["messages"].first()
        wide.columns = [f"{g} ({int(n[g]):,} messages)" for g in wide.columns]
        wide.columns.name = None
        return wide


def tracker_rates(
    messages: pd.DataFrame | MessageLog | object,
    trackers: Keywords,
    *,
    by: str | None = None,
    questions: bool = True,
    ci: float = 0.95,
    lead_col: str | None = None,
    team_col: str | None = None,
    text_col: str | None = None,
    language_col: str | None = None,
    teams: Sequence[str] | None = None,
) -> TrackerRates:
    """Share of messages that mention each tracker (a named keyword set), per team or rep.

    Parameters
    ----------
    messages : MessageLog, pandas.DataFrame, or a polars, DuckDB or Spark table or files
        The message log (:func:`~research.messages.validate_messages`; a DataFrame is checked
        with the column names given here, or the defaults), with the ``by`` column. A table of
        another engine, or a parquet or CSV file, glob or folder, is checked and counted where
        it lives (:mod:`research.engines`): the same rules (texts set and not blank, teams
        known, each message's language the log's or its script's) and the same table.
    trackers : mapping
        Tracker name -> keywords, or language -> tracker name -> keywords.
    by : str, optional
        Grouping column: default the log's team column (or a rep column joined from the leads).
    questions : bool, default True
        Also report the share of messages containing a question (?, ？, か。, 까요, ...).
    ci : float, default 0.95
        Level of the Wilson intervals.
    lead_col, team_col, text_col, language_col, teams : optional
        For a log that is not yet a MessageLog: its columns and team labels, as
        :func:`~research.messages.validate_messages` takes them (default ``"lead_id"``,
        ``"team"``, ``"text"``, ``"language"`` and ``("marketing", "sales")``; the lead id is
        not needed on an engine). A MessageLog names its own.

    Returns
    -------
    TrackerRates
        Its ``table`` has one row per group and tracker: ``messages``, ``with``, ``share``,
        ``low``, ``high``; ``shares()`` writes them as text.

    Examples
    --------
    >>> log = pd.DataFrame({"lead_id": [1, 2], "team": ["sales", "sales"],
    ...                     "text": ["A 20% discount?", "Fast setup."]})
    >>> rates = tracker_rates(log, {"discount": ["discount"]})
    >>> rates.table[["tracker", "with", "share"]].values.tolist()
    [['discount', 1, 0.5], ['question', 1, 0.5]]
    """
    ci = check_ci(ci)
    trackers = _check_keywords(trackers, "trackers")
    given = {
        "lead_col": lead_col,
        "team_col": team_col,
        "text_col": text_col,
        "language_col": language_col,
        "teams": teams,
    }
    given = {k: v for k, v in given.items() if v is not None}
    if is_engine_table(messages):
        from research.messages._lazy import tracker_counts_lazy

        team = given.get("team_col", TEAM_COL)
        by = team if by is None else by
        long, n = tracker_counts_lazy(
            messages,
            trackers,
            _keyword_names(trackers),
            by=by,
            question=_QUESTION if questions else None,
            team_col=team,
            text_col=given.get("text_col", TEXT_COL),
            language_col=given.get("language_col", LANGUAGE_COL),
            teams=_check_teams(given.get("teams", TEAMS)),
        )
        return _tracker_result(long, by, n, ci)
    if isinstance(messages, MessageLog) and given:
        raise TypeError(
            f"a MessageLog names its own columns and teams; {sorted(given)} are for a log that "
            "is not yet checked"
        )
    log = _message_log(messages, **given)  # type: ignore[arg-type]
    by = log.team_col if by is None else by
    msgs = log.table
    require_columns(msgs, [by], "messages")
    texts, languages = msgs[log.text_col], msgs[log.language_col].to_numpy()
    hits = pd.DataFrame(
        {
            name: _mentions_by_language(texts, languages, trackers, name)
            for name in _keyword_names(trackers)
        },
        index=msgs.index,
    )
    if questions:
        hits["question"] = texts.str.contains(_QUESTION, regex=True).to_numpy(dtype=bool)
    grouped = hits.groupby(msgs[by].to_numpy())
    long = grouped.sum().stack().rename("with").to_frame()
    long["messages"] = grouped.size().reindex(long.index.get_level_values(0)).to_numpy()
    long.index.names = [by, "tracker"]
    long = long.reset_index()
    return _tracker_result(long, by, len(msgs), ci)


def _tracker_result(long: pd.DataFrame, by: str, n: int, ci: float) -> TrackerRates:
    """The :class:`TrackerRates` of the counts per group and tracker (``by``, ``tracker``,
    ``messages``, ``with``), from pandas or an engine."""
    long = long.copy()
    long["share"] = long["with"] / long["messages"]
    low, high = wilson(long["with"].to_numpy(), long["messages"].to_numpy(), ci)
    long["low"], long["high"] = low, high
    table = long[[by, "tracker", "messages", "with", "share", "low", "high"]]
    return TrackerRates(table=table, ci=ci, by=by, n_messages=n)
