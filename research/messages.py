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
  that carry it, and the claims one team makes that the other never does.
* :func:`tracker_rates`: named keyword sets (price, discount, competitor, security, ...) and the
  question rate, per team or rep, with Wilson intervals.
* :func:`message_effect`: does consistency predict winning? A logistic model with controls.

Words come from :mod:`research.text` (morphological analysis for Korean and Japanese where the
analysers are installed, character n-grams otherwise), so Korean particles and Japanese
inflections do not make a new term of every form.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import chain

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.feature_extraction.text import TfidfVectorizer
from statsmodels.stats.proportion import proportion_confint
from tqdm import tqdm

from research._checks import require_columns, require_frame, require_rows, rows_repr
from research._phrases import CLAIM_KEYWORDS, DRIFT_KEYWORDS
from research.segmentation import segment_value_table
from research.text import Tokenizer, detect_languages

__all__ = [
    "validate_messages",
    "distinctive_terms",
    "alignment",
    "alignment_summary",
    "claim_coverage",
    "echo_share",
    "tracker_rates",
    "message_effect",
    "escape",
    "CLAIM_KEYWORDS",
    "DRIFT_KEYWORDS",
    "TRACKERS",
]

TEAMS = ("marketing", "sales")

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


def escape(values: pd.Series | str) -> pd.Series | str:
    """HTML-escape message text for a report, so ``<script>`` shows as text and never runs."""
    if isinstance(values, str):
        return html.escape(values)
    return values.astype("string").map(html.escape, na_action="ignore")


def validate_messages(
    messages: pd.DataFrame,
    *,
    lead_col: str = "lead_id",
    team_col: str = "team",
    text_col: str = "text",
    language_col: str | None = "language",
    teams: Sequence[str] = TEAMS,
) -> pd.DataFrame:
    """Check a message log and return a copy with a ``language`` column.

    Parameters
    ----------
    messages : pandas.DataFrame
        One row per message with at least a lead id, a team and a text.
    lead_col, team_col, text_col : str
        Column names.
    language_col : str or None, default "language"
        Language column; missing (or ``None``) languages are detected from the script.
    teams : sequence of str
        The allowed team labels.

    Returns
    -------
    pandas.DataFrame
        A copy with ``language`` filled in.

    Raises
    ------
    ValueError
        A missing column, an empty log, empty or non-string texts, or unknown team labels;
        each error names the rows.
    """
    frame = require_frame(messages, "messages")
    require_columns(frame, [lead_col, team_col, text_col], "messages")
    require_rows(frame, "messages")
    text = frame[text_col]
    not_str = ~text.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if not_str.any():
        raise ValueError(
            f"column {text_col!r} has {int(not_str.sum()):,} values that are not text (rows "
            f"{rows_repr(frame.index[not_str])}), e.g. {text[not_str].head(3).tolist()}"
        )
    empty = text.str.strip().eq("").to_numpy(dtype=bool)
    if empty.any():
        raise ValueError(
            f"column {text_col!r} has {int(empty.sum()):,} empty texts (rows "
            f"{rows_repr(frame.index[empty])}): drop them, an empty message says nothing"
        )
    unknown = ~frame[team_col].isin(teams).to_numpy()
    if unknown.any():
        labels = sorted(map(str, pd.unique(frame.loc[unknown, team_col])))
        raise ValueError(
            f"column {team_col!r} has {int(unknown.sum()):,} rows with unknown teams {labels} "
            f"(rows {rows_repr(frame.index[unknown])}); expected one of {list(teams)}"
        )
    out = frame.copy()
    if language_col and language_col in out:
        missing = out[language_col].isna()
        if missing.any():
            out.loc[missing, language_col] = detect_languages(text[missing])
        if language_col != "language":
            out["language"] = out[language_col]
    else:
        out["language"] = detect_languages(text)
    return out


# --------------------------------------------------------------------------------------------
# distinctive terms
# --------------------------------------------------------------------------------------------


# distinctive_terms counts the terms of this many texts or more on every core (joblib), in
# chunks small enough that tokenize_many shows no progress bar of its own in the workers.
_PARALLEL_MIN = 100_000
_COUNT_CHUNK = 50_000


def _term_counts(
    tokenizer: Tokenizer, texts: list[str], languages: list[str] | None
) -> tuple[int, Counter]:
    """How many texts, and how often each term occurs in them."""
    return len(texts), Counter(chain.from_iterable(tokenizer.tokenize_many(texts, languages)))


def _count(
    tokenizer: Tokenizer, texts: list[str], languages: list[str] | None, n_jobs: int | None
) -> Counter:
    """Term counts of ``texts``, on ``n_jobs`` processes for large inputs, with a progress bar."""
    jobs = effective_n_jobs(n_jobs)
    if jobs == 1 or len(texts) < _PARALLEL_MIN:
        return _term_counts(tokenizer, texts, languages)[1]
    tasks = (
        delayed(_term_counts)(
            tokenizer,
            texts[i : i + _COUNT_CHUNK],
            None if languages is None else languages[i : i + _COUNT_CHUNK],
        )
        for i in range(0, len(texts), _COUNT_CHUNK)
    )
    total: Counter = Counter()
    with tqdm(total=len(texts), desc="counting terms", unit="text") as bar:
        for done, part in Parallel(n_jobs=jobs, return_as="generator_unordered")(tasks):
            total.update(part)
            bar.update(done)
    return total


def distinctive_terms(
    texts: pd.Series | Sequence[str],
    groups: pd.Series | Sequence[str],
    *,
    group_a: str | None = None,
    group_b: str | None = None,
    languages: pd.Series | Sequence[str] | None = None,
    tokenizer: Tokenizer | None = None,
    prior_strength: float | None = None,
    min_count: int = 5,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """Words that set group A's texts apart from group B's: Fightin' Words log-odds with z-scores.

    For each term w with counts y_a, y_b in the two groups (totals n_a, n_b) and a prior count
    a_w proportional to its frequency in both groups together (total prior a_0), Monroe,
    Colaresi & Quinn (2008, eq. 16-22) give

    ``delta_w = log((y_a + a_w) / (n_a + a_0 - y_a - a_w))``
    ``          - log((y_b + a_w) / (n_b + a_0 - y_b - a_w))``,
    ``var(delta_w) ~ 1 / (y_a + a_w) + 1 / (y_b + a_w)``, and ``z_w = delta_w / sqrt(var)``.

    A positive z favours group A. The prior shrinks the log-odds of rare words towards zero, so a
    word said twice by one team and never by the other does not top the list.

    Parameters
    ----------
    texts : pandas.Series or sequence of str
        The documents.
    groups : pandas.Series or sequence
        Group of each document (exactly two distinct values, or name them).
    group_a, group_b : str, optional
        The two groups to compare (default: the two values, in sorted order).
    languages : sequence, optional
        Language of each text (default: detected per text).
    tokenizer : research.text.Tokenizer, optional
        Default ``Tokenizer()`` (English words without stop words, Korean and Japanese
        morphemes, n-grams where no analyser is installed).
    prior_strength : float, optional
        a_0, the total prior count. Default: the number of tokens of both groups together, so
        each term's prior count equals its count in the whole corpus.
    min_count : int, default 5
        Terms seen fewer times in both groups together are left out of the table (they are
        still counted in the totals).
    n_jobs : int, optional
        Processes that tokenise and count, for 100,000 texts or more (joblib's convention:
        None or -1 = every core, 1 = this process only). Fewer texts are counted in this
        process. The counts, and so the table, are the same whatever ``n_jobs``.

    Returns
    -------
    pandas.DataFrame
        One row per term, sorted by z (most group-A first): ``term``, ``count_a``, ``count_b``,
        ``per_1000_a``, ``per_1000_b`` (frequency per 1,000 tokens), ``delta``, ``variance``,
        ``z`` and ``favours`` (the group the term leans to). ``attrs`` holds the group names and
        token totals.
    """
    labels = texts.index if isinstance(texts, pd.Series) else pd.RangeIndex(len(texts))
    texts = pd.Series(texts).reset_index(drop=True)
    groups = pd.Series(groups).reset_index(drop=True)
    if len(texts) != len(groups):
        raise ValueError(f"texts ({len(texts):,}) and groups ({len(groups):,}) differ in length")
    if len(texts) == 0:
        raise ValueError("no texts to compare")
    not_text = ~texts.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if not_text.any():
        kinds = sorted({type(v).__name__ for v in texts[not_text]})
        raise TypeError(
            f"{int(not_text.sum()):,} of {len(texts):,} texts are not strings ({', '.join(kinds)}; "
            f"rows {rows_repr(labels[not_text])}): drop them or fill them with ''"
        )
    values = sorted(map(str, pd.unique(groups.dropna())))
    group_a = group_a if group_a is not None else (values[0] if values else None)
    group_b = group_b if group_b is not None else (values[1] if len(values) > 1 else None)
    if group_a is None or group_b is None or group_a == group_b:
        raise ValueError(f"distinctive_terms compares two groups; got groups {values}")
    for g in (group_a, group_b):
        if not (groups.astype(str) == str(g)).any():
            raise ValueError(f"no text belongs to group {g!r}; groups are {values}")
    tokenizer = tokenizer or Tokenizer()
    langs = None if languages is None else pd.Series(languages).reset_index(drop=True)
    counts = {}
    for g in (group_a, group_b):
        mask = (groups.astype(str) == str(g)).to_numpy()
        counts[g] = _count(
            tokenizer,
            texts[mask].tolist(),
            None if langs is None else langs[mask].tolist(),
            -1 if n_jobs is None else n_jobs,
        )
    vocab = sorted(set(counts[group_a]) | set(counts[group_b]))
    y_a = np.array([counts[group_a][w] for w in vocab], dtype=np.float64)
    y_b = np.array([counts[group_b][w] for w in vocab], dtype=np.float64)
    n_a, n_b = y_a.sum(), y_b.sum()
    for g, n in ((group_a, n_a), (group_b, n_b)):
        if n == 0:
            rows = labels[(groups.astype(str) == str(g)).to_numpy()]
            raise ValueError(
                f"group {g!r} ({len(rows):,} texts, rows {rows_repr(rows)}) has no terms after "
                "tokenisation: its texts are empty or hold only stop words, numbers written "
                "alone or punctuation"
            )
    total = y_a + y_b
    a0 = float(n_a + n_b) if prior_strength is None else float(prior_strength)
    if not a0 > 0:
        raise ValueError(f"prior_strength must be positive, got {prior_strength!r}")
    alpha = a0 * total / total.sum()
    delta = np.log((y_a + alpha) / (n_a + a0 - y_a - alpha)) - np.log(
        (y_b + alpha) / (n_b + a0 - y_b - alpha)
    )
    variance = 1 / (y_a + alpha) + 1 / (y_b + alpha)
    z = delta / np.sqrt(variance)
    out = pd.DataFrame(
        {
            "term": vocab,
            "count_a": y_a.astype(np.int64),
            "count_b": y_b.astype(np.int64),
            "per_1000_a": 1000 * y_a / n_a,
            "per_1000_b": 1000 * y_b / n_b,
            "delta": delta,
            "variance": variance,
            "z": z,
            "favours": np.where(z > 0, str(group_a), str(group_b)),
        }
    )
    out = out[total >= min_count].sort_values("z", ascending=False, ignore_index=True)
    out.attrs.update(group_a=str(group_a), group_b=str(group_b), tokens_a=int(n_a),
                     tokens_b=int(n_b), prior_strength=a0)  # fmt: skip
    return out


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
    :class:`research.text.Tokenizer`), and the similarity is their cosine (0 = no word in
    common, 1 = the same words in the same proportions). Units where one team said nothing
    get no similarity. Texts in different languages share no words, so compare within a
    language (per lead, each lead has one).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``by``: ``n_marketing``, ``n_sales`` (messages) and ``similarity``.
    """
    frame = validate_messages(messages, team_col=team_col, text_col=text_col,
                              lead_col=by)  # fmt: skip
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
    # the mean and t-interval per group are those of a segment's value
    per_group = segment_value_table(
        pd.DataFrame({"group": groups.reindex(sim.index).to_numpy(), "similarity": sim}),
        "group", "similarity", ci=ci,
    )  # fmt: skip
    out = pd.DataFrame({
        "leads": per_group["customers"],
        "similarity": per_group["value_mean"],
        "low": per_group["value_mean_low"],
        "high": per_group["value_mean_high"],
    })  # fmt: skip
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
    claim, or per language and claim (e.g. ``research._phrases.CLAIM_KEYWORDS``).

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
                low, high = (
                    proportion_confint(k, n, 1 - ci, method="wilson") if n else (np.nan, np.nan)
                )
                row |= {f"{team}_messages": n, f"{team}_share": k / n if n else np.nan,
                        f"{team}_low": low, f"{team}_high": high, f"{team}_with": k}  # fmt: skip
            rows.append(row)
    out = pd.DataFrame(rows)
    out["gap"] = out["marketing_share"] - out["sales_share"]
    out["only_marketing"] = (out["marketing_with"] > 0) & (out["sales_with"] == 0)
    out["only_sales"] = (out["sales_with"] > 0) & (out["marketing_with"] == 0)
    return out


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
    table = pd.DataFrame({"lead_id": sentences["lead_id"].to_numpy(), "echoes": echo,
                          "drifts": drift}).groupby("lead_id").sum()  # fmt: skip
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
    low, high = proportion_confint(long["with"], long["messages"], 1 - ci, method="wilson")
    long["low"], long["high"] = low, high
    return long[[by, "tracker", "messages", "with", "share", "low", "high"]]


# --------------------------------------------------------------------------------------------
# does consistency convert?
# --------------------------------------------------------------------------------------------


def message_effect(
    data: pd.DataFrame,
    *,
    outcome_col: str = "won",
    consistency_col: str = "similarity",
    controls: Sequence[str] = (),
    numeric_controls: Sequence[str] = (),
    ci: float = 0.95,
) -> pd.DataFrame:
    """Odds ratio of the outcome per unit of marketing-sales consistency, with controls.

    A logistic regression ``outcome ~ consistency + C(control) + numeric_control``; the
    odds ratio of the consistency term compares a lead with consistency 1 to one with 0 (for a
    similarity in [0, 1]). Observational: consistency is not randomised.

    Returns
    -------
    pandas.DataFrame
        Every term but the intercept: ``odds_ratio``, ``low``, ``high``, ``p_value``; attrs
        hold ``n`` and the formula.
    """
    frame = require_frame(data, "data")
    cols = [outcome_col, consistency_col, *controls, *numeric_controls]
    require_columns(frame, cols, "data")
    model = frame[cols].dropna()
    if len(model) < 20:
        raise ValueError(f"only {len(model)} complete rows: too few for a model")
    y = model[outcome_col]
    if not (pd.api.types.is_bool_dtype(y.dtype) or set(pd.unique(y)) <= {0, 1}):
        raise ValueError(f"column {outcome_col!r} must be boolean or 0/1")
    if y.nunique() < 2:
        raise ValueError(f"column {outcome_col!r} has one value only: nothing to explain")
    model = model.assign(**{outcome_col: y.astype(int)})
    q = lambda c: f'Q("{c}")'  # noqa: E731
    formula = (
        f"{q(outcome_col)} ~ {q(consistency_col)}"
        + "".join(f" + C({q(c)})" for c in controls)
        + "".join(f" + {q(c)}" for c in numeric_controls)
    )
    fit = smf.logit(formula, model).fit(disp=False)
    conf = fit.conf_int(1 - ci)
    out = pd.DataFrame(
        {"odds_ratio": np.exp(fit.params), "low": np.exp(conf[0]), "high": np.exp(conf[1]),
         "p_value": fit.pvalues}
    ).drop(index="Intercept")  # fmt: skip
    out.index = [i.replace('Q("', "").replace('")', "") for i in out.index]
    out.index.name = "term"
    out.attrs.update(n=int(fit.nobs), formula=formula)
    if not math.isfinite(out.iloc[0]["odds_ratio"]):
        raise ValueError("the model did not converge (perfect separation?)")
    return out
