"""How consistent the two teams are: alignment, claim coverage, echo share, trackers.

* :func:`alignment`: TF-IDF cosine similarity of what marketing and sales said, per lead or per
  campaign.
* :func:`alignment_summary`: the mean similarity per campaign (or channel, rep) with its
  t-interval.
* :func:`claim_coverage`: for each campaign claim, the share of marketing and of sales messages
  that carry it, and the claims one team makes that the other never does;
  :func:`pool_claims` pools it over the campaigns that make each claim.
* :func:`tracker_rates`: named keyword sets (price, discount, competitor, security, ...) and the
  question rate, per team or rep, with Wilson intervals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from research._results import Result
from research._stats import group_means, wilson
from research._validation import (
    nonnegative_values,
    require_columns,
    require_frame,
    require_rows,
    rows_repr,
)
from research.data.synthetic.phrases import CLAIM_KEYWORDS, DRIFT_KEYWORDS
from research.messages.log import TEAMS, validate_messages
from research.messages.text import Tokenizer

__all__ = [
    "TRACKERS",
    "alignment",
    "alignment_summary",
    "claim_coverage",
    "ClaimPooling",
    "pool_claims",
    "echo_share",
    "tracker_rates",
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


_QUESTION = r"[?？]|か。|까요|나요|습니까"

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


# --------------------------------------------------------------------------------------------
# alignment and claims
# --------------------------------------------------------------------------------------------


def alignment(
    messages: pd.DataFrame,
    *,
    by: str = "lead_id",
    team_col: str = "team",
    text_col: str = "text",
    tokenizer: Tokenizer | None = None,
) -> pd.DataFrame:
    """How similar is what sales said to what marketing said, per lead (or campaign)?

    All marketing texts of a unit are joined into one document, all its sales texts into
    another; both are TF-IDF vectors over the whole log's vocabulary (words from
    :class:`research.messages.text.Tokenizer`), and the similarity is their cosine (0 = no word in
    common, 1 = the same words in the same proportions). Units where one team said nothing
    get no similarity. Texts in different languages share no words, so compare within a
    language (per lead, each lead has one).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``by``: ``n_marketing``, ``n_sales`` (messages) and ``similarity``.
    """
    frame = validate_messages(messages, team_col=team_col, text_col=text_col, lead_col=by)
    tokenizer = tokenizer or Tokenizer()
    tokens = tokenizer.tokenize_many(frame[text_col].tolist(), frame["language"].tolist())
    frame = frame.assign(_tokens=tokens)
    docs = frame.groupby([by, team_col], sort=True)["_tokens"].agg(
        lambda parts: [t for part in parts for t in part]
    )
    counts = frame.groupby([by, team_col]).size().unstack(fill_value=0)
    units = counts.index
    vectorizer = TfidfVectorizer(analyzer=lambda doc: doc, sublinear_tf=True)
    vectorizer.fit(docs.tolist())
    result = pd.DataFrame(
        {
            "n_marketing": counts.get("marketing", pd.Series(0, index=units)),
            "n_sales": counts.get("sales", pd.Series(0, index=units)),
        },
        index=units,
    )
    both = units[(result["n_marketing"] > 0) & (result["n_sales"] > 0)]
    sim = pd.Series(np.nan, index=units)
    if len(both):
        m = vectorizer.transform(docs.loc[list(zip(both, ["marketing"] * len(both), strict=True))])
        s = vectorizer.transform(docs.loc[list(zip(both, ["sales"] * len(both), strict=True))])
        sim.loc[both] = np.asarray(m.multiply(s).sum(axis=1)).ravel()  # rows are L2-normalised
    result["similarity"] = sim
    result.index.name = by
    return result


def alignment_summary(
    aligned: pd.DataFrame,
    groups: pd.Series,
    *,
    ci: float = 0.95,
) -> pd.DataFrame:
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
    pandas.DataFrame
        One row per group, most aligned first: ``leads`` (with messages of both teams),
        ``similarity`` (their mean), ``low`` and ``high`` (t-interval of the mean, from
        statsmodels, as :func:`research.segmentation.segment_value_table`; NaN for a single
        lead).

    Examples
    --------
    >>> per_lead = alignment(messages)  # doctest: +SKIP
    >>> alignment_summary(per_lead, leads.set_index("lead_id")["campaign_id"])  # doctest: +SKIP
    """
    frame = require_frame(aligned, "aligned")
    require_columns(frame, ["similarity"], "aligned")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, got {ci!r}")
    if not isinstance(groups, pd.Series):
        raise TypeError(f"groups must be a pandas Series, got {type(groups).__name__}")
    missing = frame.index.difference(groups.index)
    if len(missing):
        raise ValueError(
            f"groups has no group for {len(missing):,} of the {len(frame):,} leads of aligned "
            f"(e.g. {rows_repr(missing, 5)})"
        )
    sim = frame["similarity"].dropna()
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
    out = pd.DataFrame(
        {
            "leads": per_group["n"],
            "similarity": per_group["mean"],
            "low": per_group["low"],
            "high": per_group["high"],
        }
    )
    out = out.sort_values("similarity", ascending=False)
    out.index.name = groups.name
    return out


def _mentions(texts: pd.Series, keywords: Sequence[str]) -> np.ndarray:
    if not keywords:
        return np.zeros(len(texts), dtype=bool)
    lowered = texts.str.lower()
    hit = np.zeros(len(texts), dtype=bool)
    for word in keywords:
        hit |= lowered.str.contains(word.lower(), regex=False).to_numpy(dtype=bool)
    return hit


def _keywords_for(
    keywords: Mapping[str, Sequence[str]] | Mapping[str, Mapping[str, Sequence[str]]],
    name: str,
    language: str,
) -> Sequence[str]:
    """``keywords[name]`` or, for per-language tables, ``keywords[language][name]``."""
    if language in keywords and isinstance(keywords[language], Mapping):
        return keywords[language].get(name, ())  # type: ignore[union-attr]
    return keywords.get(name, ())  # type: ignore[return-value]


def claim_coverage(
    messages: pd.DataFrame,
    campaigns: pd.DataFrame,
    leads: pd.DataFrame,
    claim_keywords: Mapping[str, Sequence[str]] | Mapping[str, Mapping[str, Sequence[str]]],
    *,
    campaign_col: str = "campaign_id",
    claims_col: str = "claims",
    ci: float = 0.95,
) -> pd.DataFrame:
    """For each campaign claim: the share of marketing and of sales messages that carry it.

    A message carries a claim when it contains one of the claim's keywords (case-insensitive
    substring, so Korean and Japanese stems match their inflected forms). Keywords are given per
    claim, or per language and claim (e.g. ``research.data.synthetic.phrases.CLAIM_KEYWORDS``).

    Returns
    -------
    pandas.DataFrame
        One row per (campaign, claim): messages of each team, the share of each team's messages
        carrying the claim with Wilson intervals, and ``gap`` (marketing share - sales share);
        ``only_marketing`` / ``only_sales`` flag claims one team makes and the other never does.
    """
    msgs = validate_messages(messages)
    require_columns(campaigns, [campaign_col, claims_col], "campaigns")
    require_columns(leads, ["lead_id", campaign_col], "leads")
    msgs = msgs.merge(leads[["lead_id", campaign_col]], on="lead_id", how="left")
    claims = campaigns.set_index(campaign_col)[claims_col].str.split(";")
    rows = []
    for campaign, part in msgs.groupby(campaign_col, sort=True):
        for claim in claims.get(campaign, []):
            carried = np.zeros(len(part), dtype=bool)
            for lang, idx in part.groupby("language").groups.items():
                pos = part.index.get_indexer(idx)
                words = _keywords_for(claim_keywords, claim, lang)
                carried[pos] = _mentions(part.loc[idx, "text"], words)
            row = {"campaign_id": campaign, "claim": claim}
            for team in TEAMS:
                mask = (part["team"] == team).to_numpy()
                n, k = int(mask.sum()), int(carried[mask].sum())
                low, high = (float(b) for b in wilson(k, n, ci))
                row |= {
                    f"{team}_messages": n,
                    f"{team}_share": k / n if n else np.nan,
                    f"{team}_low": low,
                    f"{team}_high": high,
                    f"{team}_with": k,
                }
            rows.append(row)
    out = pd.DataFrame(rows)
    out["gap"] = out["marketing_share"] - out["sales_share"]
    out["only_marketing"] = (out["marketing_with"] > 0) & (out["sales_with"] == 0)
    out["only_sales"] = (out["sales_with"] > 0) & (out["marketing_with"] == 0)
    return out


@dataclass(frozen=True, eq=False)
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
        Campaigns in the coverage table (None when it had no ``campaign_id`` column).
    """

    ci: float
    table: pd.DataFrame
    n_campaigns: int | None

    @property
    def never_repeated(self) -> list[str]:
        """Claims marketing makes and sales carries in none of its messages (pooled share 0)."""
        t = self.table
        return t.index[(t["marketing_with"] > 0) & (t["sales_share"] == 0)].tolist()

    def to_frame(self) -> pd.DataFrame:
        """The ``table`` (a copy)."""
        return self.table.copy()

    def _caption(self) -> str:
        over = f" over {self.n_campaigns:,} campaigns" if self.n_campaigns else ""
        return f"Claims pooled{over} (Wilson {self.ci:.0%} intervals)"

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.messages.plotting.plot_claim_coverage` of this result."""
        from research.messages.plotting import plot_claim_coverage

        return plot_claim_coverage(self, ax=ax, **kwargs)


def pool_claims(coverage: pd.DataFrame, *, ci: float = 0.95) -> ClaimPooling:
    """Pool the per-campaign claim coverage over the campaigns that make each claim.

    The counts of messages and of messages carrying the claim are summed per claim and per team,
    and each team's share is recomputed from the sums, with its Wilson interval (statsmodels).

    Parameters
    ----------
    coverage : pandas.DataFrame
        Output of :func:`claim_coverage`, or any table with the columns ``claim``,
        ``marketing_messages``, ``marketing_with``, ``sales_messages`` and ``sales_with`` (a
        ``campaign_id`` column, if present, counts the campaigns per claim). Not modified.
    ci : float, default 0.95
        Level of the intervals, in (0, 1).

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
    frame = require_frame(coverage, "coverage")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1 (exclusive), got {ci!r}")
    count_cols = [f"{t}_{c}" for t in TEAMS for c in ("messages", "with")]
    require_columns(frame, ["claim", *count_cols], "coverage")
    require_rows(frame, "coverage")
    counts = {c: nonnegative_values(frame, c, "coverage") for c in count_cols}
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
    claims = frame["claim"].astype(str).to_numpy()
    pooled = pd.DataFrame(counts).groupby(claims, sort=True).sum()
    pooled.index.name = "claim"
    if "campaign_id" in frame.columns:
        campaigns = frame.groupby(claims, sort=True)["campaign_id"].nunique()
        n_campaigns: int | None = int(frame["campaign_id"].nunique())
    else:
        campaigns = pd.Series(claims).value_counts()
        n_campaigns = None
    table = pd.DataFrame({"campaigns": campaigns.reindex(pooled.index).astype(np.int64)})
    for team in TEAMS:
        m = pooled[f"{team}_messages"].to_numpy()
        k = pooled[f"{team}_with"].to_numpy()
        low, high = wilson(k, m, ci)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(m > 0, k / np.where(m > 0, m, 1), np.nan)
        table[f"{team}_messages"] = m.astype(np.int64)
        table[f"{team}_with"] = k.astype(np.int64)
        table[f"{team}_share"] = share
        table[f"{team}_low"] = low
        table[f"{team}_high"] = high
    table["gap"] = table["marketing_share"] - table["sales_share"]
    order = np.argsort(-np.nan_to_num(table["gap"].to_numpy(), nan=-np.inf), kind="stable")
    return ClaimPooling(ci=ci, table=table.iloc[order], n_campaigns=n_campaigns)


_SENTENCE = r"(?<=[.!?。！？])\s*"


def echo_share(
    messages: pd.DataFrame,
    campaigns: pd.DataFrame,
    leads: pd.DataFrame,
    claim_keywords: Mapping[str, Sequence[str]] | Mapping[str, Mapping[str, Sequence[str]]],
    drift_keywords: Mapping[str, Sequence[str]] | Mapping[str, Mapping[str, Sequence[str]]],
    *,
    campaign_col: str = "campaign_id",
    claims_col: str = "claims",
) -> pd.DataFrame:
    """Per lead: the share of sales statements that repeat a campaign claim, not another topic.

    Each sales message is split into sentences; a sentence that carries one of the lead's
    campaign claims is an *echo*, one that carries an off-message topic (a drift keyword: price,
    discount, ...) is a *drift*, and sentences with neither (greetings, questions, next steps)
    are not counted. ``echo_share = echoes / (echoes + drifts)``: 1 when sales only repeats the
    campaign, 0 when it only talks about other things.

    Returns
    -------
    pandas.DataFrame
        Indexed by lead: ``echoes``, ``drifts``, ``echo_share`` (NaN without either).
    """
    msgs = validate_messages(messages)
    msgs = msgs[msgs["team"] == "sales"].merge(
        leads[["lead_id", campaign_col]], on="lead_id", how="left"
    )
    claims = campaigns.set_index(campaign_col)[claims_col].str.split(";").to_dict()
    sentences = msgs.assign(sentence=msgs["text"].str.split(_SENTENCE, regex=True)).explode(
        "sentence"
    )
    sentences = sentences[sentences["sentence"].str.strip().ne("")]
    echo = np.zeros(len(sentences), dtype=bool)
    drift = np.zeros(len(sentences), dtype=bool)
    topics = {
        name
        for table in (drift_keywords,)
        for name in (
            {n for v in table.values() if isinstance(v, Mapping) for n in v}
            | {n for n, v in table.items() if not isinstance(v, Mapping)}
        )
    }
    for (lang, campaign), idx in (
        sentences.reset_index(drop=True).groupby(["language", campaign_col]).groups.items()
    ):
        part = sentences["sentence"].iloc[idx]
        for claim in claims.get(campaign, []):
            echo[idx] |= _mentions(part, _keywords_for(claim_keywords, claim, lang))
        for topic in topics:
            drift[idx] |= _mentions(part, _keywords_for(drift_keywords, topic, lang))
    drift &= ~echo
    table = (
        pd.DataFrame({"lead_id": sentences["lead_id"].to_numpy(), "echoes": echo, "drifts": drift})
        .groupby("lead_id")
        .sum()
    )
    said = table["echoes"] + table["drifts"]
    table["echo_share"] = table["echoes"] / said.where(said > 0)
    return table


def tracker_rates(
    messages: pd.DataFrame,
    trackers: Mapping[str, Sequence[str]] | Mapping[str, Mapping[str, Sequence[str]]],
    *,
    by: str = "team",
    questions: bool = True,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Share of messages that mention each tracker (a named keyword set), per team or rep.

    Parameters
    ----------
    messages : pandas.DataFrame
        The message log (see :func:`validate_messages`), with the ``by`` column.
    trackers : mapping
        Tracker name -> keywords, or language -> tracker name -> keywords.
    by : str, default "team"
        Grouping column (``team``, or a rep column joined from the leads).
    questions : bool, default True
        Also report the share of messages containing a question (?, ？, か。, 까요, ...).

    Returns
    -------
    pandas.DataFrame
        One row per group and tracker: ``messages``, ``with``, ``share``, ``low``, ``high``.
    """
    msgs = validate_messages(messages)
    require_columns(msgs, [by], "messages")
    names = sorted(
        {n for v in trackers.values() if isinstance(v, Mapping) for n in v}
        | {n for n, v in trackers.items() if not isinstance(v, Mapping)}
    )
    hits = pd.DataFrame(index=msgs.index)
    for name in names:
        col = np.zeros(len(msgs), dtype=bool)
        for lang, idx in msgs.groupby("language").groups.items():
            pos = msgs.index.get_indexer(idx)
            col[pos] = _mentions(msgs.loc[idx, "text"], _keywords_for(trackers, name, lang))
        hits[name] = col
    if questions:
        hits["question"] = msgs["text"].str.contains(_QUESTION, regex=True).to_numpy(dtype=bool)
    grouped = hits.groupby(msgs[by].to_numpy())
    long = grouped.sum().stack().rename("with").to_frame()
    long["messages"] = grouped.size().reindex(long.index.get_level_values(0)).to_numpy()
    long.index.names = [by, "tracker"]
    long = long.reset_index()
    long["share"] = long["with"] / long["messages"]
    low, high = wilson(long["with"].to_numpy(), long["messages"].to_numpy(), ci)
    long["low"], long["high"] = low, high
    return long[[by, "tracker", "messages", "with", "share", "low", "high"]]
