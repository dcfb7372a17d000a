"""Distinctive terms: the words that set one group's texts apart (Fightin' Words).

* :func:`distinctive_terms`: the words that set two groups of texts apart, by the log-odds ratio
  with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words"), with its
  variance and z-score per term.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, effective_n_jobs
from tqdm import tqdm

from research._validation import rows_repr
from research.messages.text import Tokenizer

__all__ = [
    "distinctive_terms",
]

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
    tokenizer : research.messages.text.Tokenizer, optional
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
    out.attrs.update(
        group_a=str(group_a),
        group_b=str(group_b),
        tokens_a=int(n_a),
        tokens_b=int(n_b),
        prior_strength=a0,
    )
    return out
