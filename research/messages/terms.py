"""Distinctive terms: the words that set one group's texts apart (Fightin' Words).

* :func:`distinctive_terms`: the words that set two groups of texts apart, by the log-odds ratio
  with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words"), with its
  variance and z-score per term (:class:`DistinctiveTerms`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, effective_n_jobs
from tqdm import tqdm

from research._results import Result
from research._validation import check_int, check_number, rows_repr
from research.messages.text import Tokenizer

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "distinctive_terms",
    "DistinctiveTerms",
]

# distinctive_terms counts the terms of this many texts or more on every core (joblib), in
# chunks small enough that tokenize_many shows no progress bar of its own in the workers.
_PARALLEL_MIN = 100_000


_COUNT_CHUNK = 50_000


@dataclass(frozen=True, eq=False, repr=False)
class DistinctiveTerms(Result):
    """The words that set group A's texts apart from group B's: the result of
    :func:`distinctive_terms`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per term seen ``min_count`` times or more, sorted by z (most group-A first):
        ``term``, ``count_a``, ``count_b``, ``per_1000_a``, ``per_1000_b`` (frequency per 1,000
        tokens), ``delta`` (log-odds ratio), ``variance``, ``z`` and ``favours`` (the group
        the term leans to).
    group_a, group_b : str
        The groups compared (a positive z favours ``group_a``).
    tokens_a, tokens_b : int
        Tokens of each group, every term counted (also those below ``min_count``).
    prior_strength : float
        a_0, the total prior count used.
    min_count : int
        The least count of a term in the table.
    """

    table: pd.DataFrame
    group_a: str
    group_b: str
    tokens_a: int
    tokens_b: int
    prior_strength: float
    min_count: int

    def top_terms(self, group: str, n: int = 10) -> list[str]:
        """The ``n`` terms that most favour ``group``, most distinctive first (fewer if fewer
        favour it).

        Examples
        --------
        >>> terms.top_terms("sales", 5)  # doctest: +SKIP
        ['discount', 'quarter', 'call', 'month', 'follow']
        """
        if group not in (self.group_a, self.group_b):
            raise ValueError(f"group must be {self.group_a!r} or {self.group_b!r}, got {group!r}")
        n = check_int(n, "n", minimum=0)
        t = self.table
        side = t[t["z"] > 0] if group == self.group_a else t[t["z"] < 0].iloc[::-1]
        return side["term"].head(n).tolist()

    def _caption(self) -> str:
        return (
            f"Terms that set {self.group_a} ({self.tokens_a:,} tokens) apart from "
            f"{self.group_b} ({self.tokens_b:,} tokens): {len(self.table):,} terms seen "
            f"{self.min_count}+ times, Fightin' Words z-scores "
            f"(prior a0 = {self.prior_strength:,.0f})"
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.messages.plotting.plot_distinctive_terms` of this result."""
        from research.messages.plotting import plot_distinctive_terms

        return plot_distinctive_terms(self, ax=ax, **kwargs)


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


def _group_counts(
    tokenizer: Tokenizer,
    texts: pd.Series,
    in_group: np.ndarray,
    languages: pd.Series | None,
    n_jobs: int | None,
    labels: pd.Index,
    group: str,
) -> Counter:
    """Term counts of the texts of one group, with an error naming its rows when it has none."""
    counts = _count(
        tokenizer,
        texts[in_group].tolist(),
        None if languages is None else languages[in_group].tolist(),
        -1 if n_jobs is None else n_jobs,
    )
    if not counts:
        rows = labels[in_group]
        raise ValueError(
            f"group {group!r} ({len(rows):,} texts, rows {rows_repr(rows)}) has no terms after "
            "tokenisation: its texts are empty or hold only stop words, numbers written "
            "alone or punctuation"
        )
    return counts


def _fightin_words(
    counts_a: Counter,
    counts_b: Counter,
    group_a: str,
    group_b: str,
    prior_strength: float | None,
    min_count: int,
) -> DistinctiveTerms:
    """The Fightin' Words table of two groups' term counts (prior validation is assumed: both
    groups have terms, ``prior_strength`` is None or positive)."""
    vocab = sorted(set(counts_a) | set(counts_b))
    y_a = np.array([counts_a[w] for w in vocab], dtype=np.float64)
    y_b = np.array([counts_b[w] for w in vocab], dtype=np.float64)
    n_a, n_b = y_a.sum(), y_b.sum()
    total = y_a + y_b
    a0 = float(n_a + n_b) if prior_strength is None else float(prior_strength)
    a_w = a0 * total / total.sum()  # each term's prior count
    delta = np.log((y_a + a_w) / (n_a + a0 - y_a - a_w)) - np.log(
        (y_b + a_w) / (n_b + a0 - y_b - a_w)
    )
    variance = 1 / (y_a + a_w) + 1 / (y_b + a_w)
    z = delta / np.sqrt(variance)
    table = pd.DataFrame(
        {
            "term": vocab,
            "count_a": y_a.astype(np.int64),
            "count_b": y_b.astype(np.int64),
            "per_1000_a": 1000 * y_a / n_a,
            "per_1000_b": 1000 * y_b / n_b,
            "delta": delta,
            "variance": variance,
            "z": z,
            "favours": np.where(z > 0, group_a, group_b),
        }
    )
    table = table[total >= min_count].sort_values("z", ascending=False, ignore_index=True)
    return DistinctiveTerms(
        table=table,
        group_a=group_a,
        group_b=group_b,
        tokens_a=int(n_a),
        tokens_b=int(n_b),
        prior_strength=a0,
        min_count=min_count,
    )


def _texts_and_groups(
    texts: pd.Series | Sequence[str], groups: pd.Series | Sequence[str]
) -> tuple[pd.Series, pd.Series, pd.Index]:
    """Texts and groups (as text, None where missing) on 0..n-1, and the caller's row labels;
    checked."""
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
    names = np.where(groups.isna().to_numpy(), None, groups.astype(object).map(str).to_numpy())
    return texts, pd.Series(names, dtype=object), labels


def _two_groups(groups: pd.Series, group_a: str | None, group_b: str | None) -> tuple[str, str]:
    """The two groups compared (default: the two values, in sorted order), checked."""
    values = sorted(set(groups.dropna()))
    group_a = group_a if group_a is not None else (values[0] if values else None)
    group_b = group_b if group_b is not None else (values[1] if len(values) > 1 else None)
    if group_a is None or group_b is None or str(group_a) == str(group_b):
        raise ValueError(f"distinctive_terms compares two groups; got groups {values}")
    for g in (group_a, group_b):
        if not (groups == str(g)).any():
            raise ValueError(f"no text belongs to group {g!r}; groups are {values}")
    return str(group_a), str(group_b)


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
) -> DistinctiveTerms:
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
    tokenizer : research.messages.text.Tokenizer, optional
        Default ``Tokenizer()`` (English words without stop words, Korean and Japanese
        morphemes, n-grams where no analyser is installed).
    prior_strength : float, optional
        a_0, the total prior count (positive). Default: the number of tokens of both groups
        together, so each term's prior count equals its count in the whole corpus.
    min_count : int, default 5
        Terms seen fewer times in both groups together are left out of the table (they are
        still counted in the totals).
    n_jobs : int, optional
        Processes that tokenise and count, for 100,000 texts or more (joblib's convention:
        None or -1 = every core, 1 = this process only). Fewer texts are counted in this
        process. The counts, and so the table, are the same whatever ``n_jobs``.

    Returns
    -------
    DistinctiveTerms
        Its ``table`` has one row per term, sorted by z (most group-A first); it carries the
        group names and token totals, and draws its chart with ``plot()``.

    Raises
    ------
    TypeError
        A text is not a string (its rows are named).
    ValueError
        Texts, groups or languages differ in length, there are not two groups, a group has no
        text or no term, or a setting is out of range.

    Examples
    --------
    >>> terms = distinctive_terms(["price price deal", "fast setup", "price discount", "setup"],
    ...                           ["sales", "marketing", "sales", "marketing"],
    ...                           group_a="sales", group_b="marketing", min_count=1)
    >>> terms.top_terms("sales", 1), terms.top_terms("marketing", 1), terms.tokens_a
    (['price'], ['setup'], 5)
    """
    texts, groups, labels = _texts_and_groups(texts, groups)
    group_a, group_b = _two_groups(groups, group_a, group_b)
    min_count = check_int(min_count, "min_count", minimum=0)
    if prior_strength is not None and not check_number(prior_strength, "prior_strength") > 0:
        raise ValueError(f"prior_strength must be positive, got {prior_strength!r}")
    langs = None if languages is None else pd.Series(languages).reset_index(drop=True)
    if langs is not None and len(langs) != len(texts):
        raise ValueError(f"languages ({len(langs):,}) and texts ({len(texts):,}) differ in length")
    tokenizer = tokenizer or Tokenizer()
    counts_a, counts_b = (
        _group_counts(tokenizer, texts, (groups == g).to_numpy(), langs, n_jobs, labels, g)
        for g in (group_a, group_b)
    )
    return _fightin_words(counts_a, counts_b, group_a, group_b, prior_strength, min_count)
