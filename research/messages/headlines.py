"""What makes a headline win? Headline features and their lift across many randomised tests.

A headline test shows each visitor, at random, one of several headlines for the same story and
counts impressions and clicks (the Upworthy Research Archive, :func:`research.data.
load_upworthy`, holds 4,873 such tests). One test says which of its headlines did best; many
tests together say which *kinds* of headline tend to do better.

* :func:`headline_features`: simple, documented text features of each headline (length,
  question mark, number, "you", exclamation mark, quotation, a small sentiment lexicon, the
  "This ..." opener).
* :func:`headline_effects`: the relative lift in click-through rate associated with each
  feature, estimated only from comparisons between headlines of the same test, with intervals
  clustered by test.
* :func:`winning_terms`: the words of winning headlines, found in half of the tests and their
  lift measured in the other half.

Only the headline text is used: the Upworthy ``lede`` (HTML) and ``excerpt`` are not needed, and
the few HTML tags inside headlines are dropped before the features are computed.

Examples
--------
>>> from research.data import load_upworthy
>>> from research.messages.headlines import headline_effects
>>> packages = load_upworthy()  # doctest: +SKIP
>>> headline_effects(packages).table[["lift", "low", "high"]]  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import statsmodels.api as sm

from research._columns import CLICKS_COL, HEADLINE_COL, IMPRESSIONS_COL, TEST_COL
from research._format import ci_label, format_interval
from research._results import Result
from research._validation import (
    check_ci,
    check_int,
    check_share,
    numeric_values,
    require_columns,
    require_frame,
    rows_repr,
)
from research.messages.terms import DistinctiveTerms, _fightin_words, _group_counts
from research.messages.text import Tokenizer

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "headline_features",
    "headline_effects",
    "HeadlineEffects",
    "winning_terms",
    "WinningTerms",
    "HEADLINE_FEATURES",
    "EFFECT_FEATURES",
    "POSITIVE_WORDS",
    "NEGATIVE_WORDS",
    "NUMBER_WORDS",
]

# A small hand-made sentiment lexicon, written for this module: common English words (and a few
# of their inflected forms) whose tone is clear out of context. It is NOT a validated instrument
# (such as LIWC or the NRC lexicons), it has no negation handling ("not good" counts one positive
# word) and no sense of context ("kill it" counts one negative word). Words that are often not
# sentiment in headlines were left out on purpose: "like", "kind" ("kind of"), "free", "well",
# "right", "fine", "won" (it also matches "won't").
POSITIVE_WORDS: tuple[str, ...] = (
    "love",
    "loved",
    "loves",
    "lovely",
    "happy",
    "happiest",
    "happiness",
    "joy",
    "beautiful",
    "amazing",
    "awesome",
    "wonderful",
    "brilliant",
    "fantastic",
    "incredible",
    "perfect",
    "perfectly",
    "best",
    "great",
    "greatest",
    "good",
    "better",
    "excellent",
    "inspiring",
    "hope",
    "hopeful",
    "heartwarming",
    "sweet",
    "sweetest",
    "adorable",
    "gorgeous",
    "brave",
    "hero",
    "heroes",
    "proud",
    "success",
    "win",
    "wins",
    "smile",
    "laugh",
    "fun",
    "funny",
    "celebrate",
    "kindness",
    "generous",
)
NEGATIVE_WORDS: tuple[str, ...] = (
    "hate",
    "hated",
    "hates",
    "sad",
    "sadly",
    "awful",
    "terrible",
    "horrible",
    "horrific",
    "worst",
    "worse",
    "bad",
    "wrong",
    "angry",
    "fear",
    "afraid",
    "scary",
    "scared",
    "die",
    "died",
    "dies",
    "dying",
    "dead",
    "death",
    "kill",
    "killed",
    "killing",
    "cruel",
    "pain",
    "hurt",
    "crisis",
    "disaster",
    "tragic",
    "tragedy",
    "ugly",
    "shame",
    "shocking",
    "abuse",
    "violence",
    "violent",
    "racist",
    "evil",
    "disgusting",
    "fail",
    "failed",
)
NUMBER_WORDS: tuple[str, ...] = (
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
)

HEADLINE_FEATURES: tuple[str, ...] = (
    "n_words",
    "n_chars",
    "question",
    "number",
    "second_person",
    "exclamation",
    "quote",
    "positive_words",
    "negative_words",
    "starts_with_this",
)
# The default set for headline_effects: every feature but n_chars, which measures the same thing
# as n_words (their correlation between headlines of the same Upworthy test is 0.86), so
# that with both in the model neither lift could be read on its own.
EFFECT_FEATURES: tuple[str, ...] = tuple(f for f in HEADLINE_FEATURES if f != "n_chars")

# Text is matched by pyarrow's compute kernels (RE2 regular expressions), called directly so
# that the same rules apply whatever the input dtype: pandas' own str methods switch to Python's
# re, which is much slower and reads \b, \w and \s differently, on non-ASCII text such as curly
# quotes. The patterns spell letters, spaces and boundaries out as explicit character classes.
_LETTERS = "A-Za-z0-9\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff"  # ASCII and Latin-1 letters, digits
_APOSTROPHES = "'\u2019"
_WORD = f"[{_LETTERS}]+(?:[{_APOSTROPHES}][{_LETTERS}]+)*"  # "don't" is one word; hyphens split
_NOT_LETTER = f"[^{_LETTERS}]+"  # splits lower-cased text into tokens ("you're": "you", "re")
_SECOND_PERSON = ("you", "your", "yours", "yourself", "yourselves")
_SPACE = " \t\n\r\u00a0"
_QUOTE = (
    # a double quotation mark, or a single-quoted passage ('Walmart's Worst Nightmare'): an
    # opening ' or ‘ at the start of a word, closed by ' or ’ at the end of a later word.
    # Apostrophes alone ("Walmart's", "'Em", "'90s Kids") are not quotes.
    '["\u201c\u201d\u201e\u00ab\u00bb]'
    f"|(?:^|[{_SPACE}(\\[])['\u2018][^{_SPACE}].*?[^{_SPACE}]['\u2019]"
    f"(?:$|[{_SPACE}.,;:!?)\\]\u2014-])"
)
_HTML_TAG = "<[A-Za-z/!][^<>]*>"  # <br>, <span>, </strong>, <!-- -->; not "<3" or "< 5"
_STARTS_WITH_THIS = f"^[{_SPACE}\"'\u201c\u2018]*this(?:$|[^{_LETTERS}])"


def _visible_text(headlines: pd.Series) -> pa.Array:
    if not isinstance(headlines, pd.Series):
        raise TypeError(f"headlines must be a pandas Series, got {type(headlines).__name__}")
    missing = headlines.isna().to_numpy()
    if missing.any():
        raise ValueError(
            f"headlines has {int(missing.sum()):,} missing values of {len(headlines):,} rows "
            f"(rows {rows_repr(headlines.index[missing])}); drop or fill them first"
        )
    kind = pd.api.types.infer_dtype(headlines, skipna=True)
    if kind not in ("string", "empty"):
        raise TypeError(f"headlines must hold text, got values of type {kind!r}")
    arr = pa.array(headlines.astype(pd.StringDtype("pyarrow")).array)
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    # what a reader sees: HTML tags dropped, runs of white space read as one space
    visible = pc.replace_substring_regex(arr, pattern=_HTML_TAG, replacement=" ")
    visible = pc.replace_substring_regex(visible, pattern=f"[{_SPACE}]+", replacement=" ")
    return pc.utf8_trim_whitespace(visible)


def _np(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return values.to_numpy(zero_copy_only=False)


def headline_features(headlines: pd.Series) -> pd.DataFrame:
    """Simple text features of each headline, vectorised (pyarrow compute kernels).

    Parameters
    ----------
    headlines : pandas.Series
        Headline texts (str, object or string dtype), no missing values. Only the headline is
        used; HTML fields such as Upworthy's ``lede`` are not needed. HTML tags inside a
        headline (49 Upworthy headlines hold ``<br>``, ``<span>`` or ``<strong>``) are
        dropped first, and runs of white space count as one space: features describe what a
        reader sees.

    Returns
    -------
    pandas.DataFrame
        Same index as ``headlines``, one column per name in :data:`HEADLINE_FEATURES`. A
        "word" below is a run of letters and digits (ASCII and Latin-1), matched in any case.

        - ``n_words`` (int64): words; an apostrophe inside a word keeps it whole ("don't" is
          one word), hyphens split ("8-year-old" is three).
        - ``n_chars`` (int64): characters of the visible text (see above), leading and
          trailing spaces excluded.
        - ``question`` (bool): contains "?".
        - ``number`` (bool): contains a digit or one of the words one ... ten
          (:data:`NUMBER_WORDS`). "One" is often not a count ("no one", "the one"); it is
          counted anyway.
        - ``second_person`` (bool): has the word "you", "your", "yours", "yourself" or
          "yourselves"; contractions count ("you're", "you'll").
        - ``exclamation`` (bool): contains "!".
        - ``quote`` (bool): contains a double quotation mark (" “ ” „ « ») or a single-quoted
          passage ('like this' or ‘like this’); apostrophes alone do not count.
        - ``positive_words`` and ``negative_words`` (int64): how many words of
          :data:`POSITIVE_WORDS` / :data:`NEGATIVE_WORDS` the headline contains. These are a
          small hand-made lexicon (45 words each) written for this module, not a validated
          sentiment instrument: no negation, no context, no weighting, whole words only
          ("loves" counts only because it is listed; "lovingly" does not).
        - ``starts_with_this`` (bool): opens with the word "This" (the classic clickbait
          opener "This ... will ..."), after any opening quotation mark; "These" does not count.

    Raises
    ------
    TypeError
        ``headlines`` is not a Series of text.
    ValueError
        A headline is missing.

    Examples
    --------
    >>> f = headline_features(pd.Series(["This Is Why You Should Never Give Up!",
    ...                                  "7 Reasons Voting Matters?"]))
    >>> f[["n_words", "second_person", "exclamation", "number", "starts_with_this"]]
       n_words  second_person  exclamation  number  starts_with_this
    0        8           True         True   False              True
    1        4          False        False    True             False
    """
    arr = _visible_text(headlines)
    n = len(arr)
    tokens = pc.split_pattern_regex(pc.utf8_lower(arr), pattern=_NOT_LETTER)
    flat = pc.list_flatten(tokens)
    parent = _np(pc.list_parent_indices(tokens))

    def words_in(words: Sequence[str]) -> np.ndarray:
        hit = _np(pc.is_in(flat, value_set=pa.array(words, type=flat.type)))
        return np.bincount(parent[hit], minlength=n).astype(np.int64)

    def contains(pattern: str, *, regex: bool = True) -> np.ndarray:
        match = pc.match_substring_regex if regex else pc.match_substring
        return _np(match(arr, pattern, ignore_case=True)).astype(bool)

    columns = {
        "n_words": _np(pc.count_substring_regex(arr, _WORD)).astype(np.int64),
        "n_chars": _np(pc.utf8_length(arr)).astype(np.int64),
        "question": contains("?", regex=False),
        "number": contains("[0-9]") | (words_in(NUMBER_WORDS) > 0),
        "second_person": words_in(_SECOND_PERSON) > 0,
        "exclamation": contains("!", regex=False),
        "quote": contains(_QUOTE),
        "positive_words": words_in(POSITIVE_WORDS),
        "negative_words": words_in(NEGATIVE_WORDS),
        "starts_with_this": contains(_STARTS_WITH_THIS),
    }
    return pd.DataFrame(columns, index=headlines.index).loc[:, list(HEADLINE_FEATURES)]


def _feature_values(frame: pd.DataFrame, col: str) -> tuple[np.ndarray, bool]:
    """A feature column as float64, and whether it is boolean."""
    series = frame[col]
    if pd.api.types.is_bool_dtype(series.dtype):
        missing = series.isna().to_numpy()
        if missing.any():
            raise ValueError(
                f"feature column {col!r} of tests has {int(missing.sum()):,} missing values of "
                f"{len(frame):,} rows (rows {rows_repr(frame.index[missing])})"
            )
        return series.to_numpy(dtype=np.float64), True
    return numeric_values(frame, col, "tests"), False


def _feature_names(features: Sequence[str] | None) -> list[str]:
    """The feature columns asked for (default :data:`EFFECT_FEATURES`), checked."""
    if isinstance(features, str):
        raise TypeError(f"features must be a sequence of column names, got the string {features!r}")
    names = list(EFFECT_FEATURES if features is None else features)
    if not names:
        raise ValueError("features is empty: name at least one feature column")
    repeated = sorted({f for f in names if names.count(f) > 1})
    if repeated:
        raise ValueError(f"features names {', '.join(map(repr, repeated))} more than once")
    return names


def _feature_matrix(
    frame: pd.DataFrame, names: list[str], headline_col: str
) -> tuple[np.ndarray, list[bool]]:
    """The features (columns of ``frame``, or computed from the headline), one column each, and
    which are boolean; checked."""
    to_compute = [f for f in names if f not in frame.columns and f in HEADLINE_FEATURES]
    require_columns(frame, [f for f in names if f not in to_compute], "tests")
    if to_compute:
        require_columns(frame, [headline_col], "tests")
    computed = headline_features(frame[headline_col])[to_compute] if to_compute else None
    values, is_bool = [], []
    for name in names:
        source = computed if computed is not None and name in to_compute else frame
        x, boolean = _feature_values(source, name)
        values.append(x)
        is_bool.append(boolean)
    X = np.column_stack(values) if values else np.empty((len(frame), 0))
    return X, is_bool


def _click_counts(
    frame: pd.DataFrame, test_col: str, clicks_col: str, impressions_col: str
) -> tuple[np.ndarray, np.ndarray]:
    """Clicks and impressions per headline, with clear errors for ids and counts that are off."""
    missing_id = frame[test_col].isna().to_numpy()
    if missing_id.any():
        raise ValueError(
            f"column {test_col!r} of tests has {int(missing_id.sum()):,} missing test ids of "
            f"{len(frame):,} rows (rows {rows_repr(frame.index[missing_id])})"
        )
    clicks = numeric_values(frame, clicks_col, "tests")
    impressions = numeric_values(frame, impressions_col, "tests")
    checks = (
        (impressions <= 0, impressions_col, "impressions <= 0 (no click-through rate)"),
        (clicks < 0, clicks_col, "negative clicks"),
        (clicks > impressions, clicks_col, f"more clicks than impressions ({impressions_col!r})"),
    )
    for bad, col, what in checks:
        if bad.any():
            raise ValueError(
                f"column {col!r} of tests: {int(bad.sum()):,} of {len(frame):,} rows have {what} "
                f"(rows {rows_repr(frame.index[bad])})"
            )
    return clicks, impressions


def _usable_tests(test_ids: pd.Series, clicks: np.ndarray) -> tuple[np.ndarray, dict[str, int]]:
    """Test code per headline, -1 for the tests left out (a single headline, or no click), and
    the counts of tests in, left out and used."""
    codes, _ = pd.factorize(test_ids)
    n_in = int(codes.max()) + 1 if len(codes) else 0
    per_test = np.bincount(codes, minlength=n_in)
    test_clicks = np.bincount(codes, weights=clicks, minlength=n_in)
    single = per_test < 2
    no_clicks = ~single & (test_clicks == 0)
    keep = ~(single | no_clicks)[codes]
    n_used = n_in - int(single.sum()) - int(no_clicks.sum())
    if n_used < 2:
        raise ValueError(
            f"tests has {n_in:,} tests ({len(test_ids):,} rows); after dropping "
            f"{int(single.sum()):,} with a single headline and {int(no_clicks.sum()):,} without "
            f"clicks, {n_used} remain: need at least 2 tests with 2 or more headlines each"
        )
    out = np.full(len(codes), -1, dtype=np.int64)
    out[keep] = pd.factorize(codes[keep])[0]
    counts = {
        "n_tests_in": n_in,
        "n_tests_single_headline": int(single.sum()),
        "n_tests_no_clicks": int(no_clicks.sum()),
        "n_tests_used": n_used,
    }
    return out, counts


def _check_identified(
    X: np.ndarray,
    Xw: np.ndarray,
    codes: np.ndarray,
    impressions: np.ndarray,
    names: list[str],
    n_used: int,
) -> np.ndarray:
    """Tests in which each feature varies; an error for a feature that never varies within a
    test, or one that is a combination of the others (within tests)."""
    scale = np.abs(X).max(axis=0)
    varies = np.abs(Xw) > 1e-9 * np.where(scale > 0, scale, 1.0)
    n_varying = np.array(
        [np.unique(codes[varies[:, j]]).size for j in range(X.shape[1])], dtype=np.int64
    )
    constant = [n for n, k in zip(names, n_varying, strict=True) if k == 0]
    if constant:
        raise ValueError(
            f"feature(s) {', '.join(map(repr, constant))} never differ between headlines of the "
            f"same test (in {n_used:,} tests): there is nothing to compare; leave them out"
        )
    weighted = Xw * np.sqrt(impressions)[:, None]
    rank = np.linalg.matrix_rank(weighted)
    if rank < len(names):
        redundant = next(
            names[j]
            for j in range(1, len(names))
            if np.linalg.matrix_rank(weighted[:, : j + 1]) <= j
        )
        raise ValueError(
            f"features are collinear within tests (rank {rank} of {len(names)}): {redundant!r} "
            "is a combination of the features before it; leave it (or one of them) out"
        )
    return n_varying


@dataclass(frozen=True, eq=False, repr=False)
class HeadlineEffects(Result):
    """Relative CTR lift of each headline feature: the result of :func:`headline_effects`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per feature (index ``feature``) with ``unit`` ("with vs without" or "per
        unit"), ``lift``, ``low``, ``high``, ``p_value``, ``share_with`` (share of the headlines
        used that have a boolean feature; NaN for numeric ones), ``n_headlines`` and ``n_tests``
        (headlines and tests used) and ``n_tests_varying`` (tests in which the feature differs
        between headlines: only these inform its lift).
    ci : float
        Level of the intervals (t intervals clustered by test).
    n_headlines : int
        Headlines used.
    n_tests_in : int
        Tests given.
    n_tests_single_headline, n_tests_no_clicks : int
        Tests left out: with a single headline (no within-test comparison), or without any
        click (no relative CTR).
    n_tests_used : int
        Tests used.
    """

    table: pd.DataFrame
    ci: float
    n_headlines: int
    n_tests_in: int
    n_tests_single_headline: int
    n_tests_no_clicks: int
    n_tests_used: int

    @property
    def clear_features(self) -> list[str]:
        """The features whose interval excludes 0 (no difference)."""
        t = self.table
        return t.index[(t["low"] > 0) | (t["high"] < 0)].tolist()

    def _caption(self) -> str:
        left_out = self.n_tests_single_headline + self.n_tests_no_clicks
        return (
            f"Headline feature lifts within {self.n_tests_used:,} tests ({self.n_headlines:,} "
            f"headlines; {left_out:,} of {self.n_tests_in:,} tests left out: "
            f"{self.n_tests_single_headline:,} with one headline, {self.n_tests_no_clicks:,} "
            f"without clicks), {ci_label(self.ci)} intervals clustered by test"
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.messages.plotting.plot_headline_effects` of this result."""
        from research.messages.plotting import plot_headline_effects

        return plot_headline_effects(self, ax=ax, **kwargs)


def headline_effects(
    tests: pd.DataFrame,
    features: Sequence[str] | None = None,
    *,
    test_col: str = TEST_COL,
    clicks_col: str = CLICKS_COL,
    impressions_col: str = IMPRESSIONS_COL,
    headline_col: str = HEADLINE_COL,
    ci: float = 0.95,
) -> HeadlineEffects:
    """Relative CTR lift of each headline feature, from within-test comparisons only.

    Each row of ``tests`` is one headline (package) of one randomised test. Headlines of
    different tests are never compared: every test is its own baseline (test fixed effects,
    removed by demeaning within the test, weighted by impressions), so a story that is simply
    more clickable does not make its headlines' features look good.

    The outcome of a headline is its click-through rate relative to its test's pooled CTR,
    ``(clicks / impressions) / (test clicks / test impressions) - 1``. It is regressed on the
    features, demeaned within test, by weighted least squares with impressions as weights
    (statsmodels ``WLS``), all features together, with standard errors clustered by test
    (t intervals with tests - 1 degrees of freedom). A feature's ``lift`` is therefore the
    difference in CTR between headlines with and without it in the same test, as a share of
    the test's CTR, holding the other features fixed: 0.05 means 5% more clicks per
    impression. For a feature that multiplies CTR by a factor f in a test where a share s of
    impressions have it, the lift estimates (f - 1) / (1 + (f - 1) s), which is f - 1 up to a
    few per cent of itself for the small effects headlines have (f = 1.10, s = 0.5: 0.095).

    Packages, not features, were randomised: a feature's lift is a comparison between
    headlines an editor wrote differently, which may differ in more than the listed features.

    Parameters
    ----------
    tests : pandas.DataFrame
        One row per headline with the test id, clicks, impressions and either the feature
        columns or the headline text (features are then computed by
        :func:`headline_features`). Not modified.
    features : sequence of str, optional
        Feature columns to estimate, together. Boolean features give the lift of having the
        feature against not having it; numeric features (counts) give the lift per unit (one
        more word, one more positive word), as given: rescale a column first for another unit.
        Names of :data:`HEADLINE_FEATURES` that are not columns of ``tests`` are computed from
        ``headline_col``. Default: :data:`EFFECT_FEATURES` (all but ``n_chars``).
    test_col, clicks_col, impressions_col, headline_col : str
        Column names.
    ci : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    HeadlineEffects
        Its ``table`` has one row per feature (``lift``, ``low``, ``high``, ...); it counts the
        tests given, left out and used, and draws its chart with ``plot()``.

    Raises
    ------
    TypeError
        ``tests`` is not a DataFrame, or a column has the wrong type.
    ValueError
        A column is missing; a test id, click or impression count or feature value is missing;
        impressions are zero or negative; clicks are negative or exceed impressions; fewer than
        2 tests remain; a feature never varies within a test; features are collinear within
        tests; ``ci`` is not between 0 and 1.

    Examples
    --------
    >>> effects = headline_effects(packages, ["question", "n_words"])  # doctest: +SKIP
    >>> effects.table.loc["question", ["lift", "low", "high"]]  # doctest: +SKIP
    """
    frame = require_frame(tests, "tests")
    ci = check_ci(ci)
    names = _feature_names(features)
    require_columns(frame, [test_col, clicks_col, impressions_col], "tests")
    clicks, impressions = _click_counts(frame, test_col, clicks_col, impressions_col)
    X, is_bool = _feature_matrix(frame, names, headline_col)
    return _effects(frame[test_col], clicks, impressions, X, names, is_bool, ci)


def _effects(
    test_ids: pd.Series,
    clicks: np.ndarray,
    impressions: np.ndarray,
    X: np.ndarray,
    names: list[str],
    is_bool: list[bool],
    ci: float,
) -> HeadlineEffects:
    """The within-test WLS of :func:`headline_effects` (prior validation is assumed: counts
    checked, one column of ``X`` per name)."""
    codes, counts = _usable_tests(test_ids, clicks)
    keep = codes >= 0
    codes, clicks, impressions, X = codes[keep], clicks[keep], impressions[keep], X[keep]
    n_used = counts["n_tests_used"]

    # -- within-test outcome and features --------------------------------------------------
    test_impressions = np.bincount(codes, weights=impressions)
    pooled = np.bincount(codes, weights=clicks) / test_impressions
    y = clicks / impressions / pooled[codes] - 1.0  # impressions-weighted mean 0 in each test
    means = np.column_stack(
        [
            np.bincount(codes, weights=impressions * X[:, j]) / test_impressions
            for j in range(X.shape[1])
        ]
    )
    Xw = X - means[codes]
    n_varying = _check_identified(X, Xw, codes, impressions, names, n_used)

    fit = sm.WLS(y, Xw, weights=impressions).fit(
        cov_type="cluster", cov_kwds={"groups": codes}, use_t=True
    )
    conf = np.asarray(fit.conf_int(alpha=1 - ci))
    bool_mask = np.array(is_bool)
    table = pd.DataFrame(
        {
            "unit": np.where(bool_mask, "with vs without", "per unit"),
            "lift": fit.params,
            "low": conf[:, 0],
            "high": conf[:, 1],
            "p_value": fit.pvalues,
            "share_with": np.where(bool_mask, X.mean(axis=0), np.nan),
            "n_headlines": len(y),
            "n_tests": n_used,
            "n_tests_varying": n_varying,
        },
        index=pd.Index(names, name="feature"),
    )
    return HeadlineEffects(table=table, ci=ci, n_headlines=len(y), **counts)


# --------------------------------------------------------------------------------------------
# words of winning headlines
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class WinningTerms(Result):
    """Words of winning headlines, found in some tests and checked in the others: the result of
    :func:`winning_terms`.

    Attributes
    ----------
    terms : DistinctiveTerms
        :func:`research.messages.distinctive_terms` of the winning headline of each discovery
        test against its other headlines (``group_a = "winner"``): one row per term.
    chosen : tuple of str
        The ``n_terms`` terms with the largest positive z (those that most favour winners),
        most distinctive first; fewer if fewer favour winners.
    effects : HeadlineEffects
        :func:`headline_effects` on the holdout tests, with the feature ``winner_terms`` (how
        many chosen terms a headline holds) beside the control features.
    discovery_tests, holdout_tests : int
        Tests in each half.
    ci : float
        Level of the holdout intervals.
    """

    terms: DistinctiveTerms
    chosen: tuple[str, ...]
    effects: HeadlineEffects
    discovery_tests: int
    holdout_tests: int
    ci: float

    @property
    def lift(self) -> pd.Series:
        """The holdout lift per chosen term a headline holds: ``lift``, ``low``, ``high``,
        ``p_value``, ... (the ``winner_terms`` row of ``effects``)."""
        return self.effects.table.loc["winner_terms"].copy()

    @property
    def table(self) -> pd.DataFrame:
        """The chosen terms, most distinctive first: their counts in the discovery winners and
        other headlines, and their z."""
        t = self.terms.table.set_index("term").loc[list(self.chosen), ["count_a", "count_b", "z"]]
        return t.rename(columns={"count_a": "count_winners", "count_b": "count_others"})

    def _caption(self) -> str:
        lift = self.lift
        text = format_interval(lift["lift"], lift["low"], lift["high"], ci=self.ci, fmt="+.1%")
        return (
            f"{len(self.chosen)} words of winning headlines found in {self.discovery_tests:,} "
            f"tests; in the {self.holdout_tests:,} others, each goes with {text} clicks per "
            "impression"
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.messages.plotting.plot_distinctive_terms` of the discovery terms."""
        return self.terms.plot(ax=ax, **kwargs)


def winning_terms(
    tests: pd.DataFrame,
    *,
    test_col: str = TEST_COL,
    clicks_col: str = CLICKS_COL,
    impressions_col: str = IMPRESSIONS_COL,
    headline_col: str = HEADLINE_COL,
    controls: Sequence[str] | None = None,
    discovery_share: float = 0.5,
    n_terms: int = 20,
    min_count: int = 20,
    random_state: int = 0,
    ci: float = 0.95,
) -> WinningTerms:
    """Which words do winning headlines use, and do they still win in tests not used to find them?

    Looking for the words of winners and measuring their lift on the same tests would find
    lucky words and report their luck as an effect. So the tests are split at random in two:

    1. In the *discovery* tests, each test's headlines are pooled by text (image variants of the
       same headline are summed) and the one with the highest click-through rate is the
       winner. :func:`research.messages.distinctive_terms` compares the words of winners with
       those of the other headlines (English words without stop words, Fightin' Words z-scores);
       the ``n_terms`` terms with the largest positive z are chosen, whether or not their z
       passes 1.96 on its own: the holdout, not the discovery z, says whether they matter.
    2. In the *holdout* tests, the feature ``winner_terms`` counts the chosen terms in each
       headline and :func:`headline_effects` estimates its within-test lift per term, beside
       the ``controls`` (by default the standard features, :data:`EFFECT_FEATURES`), with
       intervals clustered by test.

    Parameters
    ----------
    tests : pandas.DataFrame
        One row per headline (package) of a randomised test, as for :func:`headline_effects`.
        Not modified.
    test_col, clicks_col, impressions_col, headline_col : str
        Column names.
    controls : sequence of str, optional
        Features held fixed in the holdout model (names of :data:`HEADLINE_FEATURES` or
        columns of ``tests``). Default :data:`EFFECT_FEATURES`; ``()`` for none.
    discovery_share : float, default 0.5
        Share of the tests used for discovery (the rest are the holdout).
    n_terms : int, default 20
        Most terms chosen.
    min_count : int, default 20
        Terms seen fewer times in the discovery headlines are not considered.
    random_state : int, default 0
        Seed of the split.
    ci : float, default 0.95
        Confidence level of the holdout intervals.

    Returns
    -------
    WinningTerms
        The discovery terms, the chosen ones, and their holdout lift (``lift``).

    Raises
    ------
    ValueError
        A column is missing, a count is off (as for :func:`headline_effects`),
        ``discovery_share`` is not strictly between 0 and 1, ``n_terms`` is not a positive
        integer, fewer than 4 tests are given, or no term favours winners in the discovery
        tests.

    Examples
    --------
    >>> found = winning_terms(load_upworthy())  # doctest: +SKIP
    >>> found.chosen[:5]  # doctest: +SKIP
    >>> found.lift[["lift", "low", "high"]]  # doctest: +SKIP
    """
    frame = require_frame(tests, "tests")
    require_columns(frame, [test_col, clicks_col, impressions_col, headline_col], "tests")
    discovery_share = check_share(discovery_share, "discovery_share")
    n_terms = check_int(n_terms, "n_terms")
    min_count = check_int(min_count, "min_count", minimum=0)
    ci = check_ci(ci)
    names = _feature_names([*(EFFECT_FEATURES if controls is None else controls), "winner_terms"])
    clicks, impressions = _click_counts(frame, test_col, clicks_col, impressions_col)
    X, is_bool = _feature_matrix(frame, names[:-1], headline_col)
    in_discovery, n_discovery, n_tests = _split_tests(
        frame[test_col], discovery_share, random_state
    )

    visible = pd.Series(_np(_visible_text(frame[headline_col])), index=frame.index)
    tokenizer = Tokenizer("en")
    terms = _winner_terms(
        frame.loc[in_discovery, [test_col, clicks_col, impressions_col]].assign(
            _text=visible[in_discovery]
        ),
        test_col,
        clicks_col,
        impressions_col,
        tokenizer,
        min_count,
    )
    chosen = tuple(terms.top_terms("winner", n_terms))
    if not chosen:
        raise ValueError(
            f"no term seen {min_count}+ times favours winning headlines in the "
            f"{n_discovery:,} discovery tests: there are no winner terms to check"
        )

    # holdout: how many chosen terms each headline holds, and its within-test lift
    out = ~in_discovery
    wanted = set(chosen)
    held = [len(wanted.intersection(doc)) for doc in tokenizer.tokenize_many(visible[out].tolist())]
    X_out = np.column_stack([X[out], np.asarray(held, dtype=np.float64)])
    effects = _effects(
        frame.loc[out, test_col], clicks[out], impressions[out], X_out, names, [*is_bool, False], ci
    )
    return WinningTerms(
        terms=terms,
        chosen=chosen,
        effects=effects,
        discovery_tests=n_discovery,
        holdout_tests=n_tests - n_discovery,
        ci=ci,
    )


def _split_tests(
    test_ids: pd.Series, discovery_share: float, random_state: int
) -> tuple[np.ndarray, int, int]:
    """Which headlines belong to the discovery tests (drawn at random), how many discovery
    tests and how many tests in all."""
    ids = pd.unique(test_ids.dropna())
    rng = np.random.default_rng(random_state)
    n_discovery = round(discovery_share * len(ids))
    if not 2 <= n_discovery <= len(ids) - 2:
        raise ValueError(
            f"tests has {len(ids):,} tests: too few to split into discovery and holdout halves "
            "of at least 2 tests each"
        )
    discovery = set(rng.permutation(ids)[:n_discovery].tolist())
    return test_ids.isin(discovery).to_numpy(), n_discovery, len(ids)


def _winner_terms(
    found: pd.DataFrame,
    test_col: str,
    clicks_col: str,
    impressions_col: str,
    tokenizer: Tokenizer,
    min_count: int,
) -> DistinctiveTerms:
    """Fightin' Words of the winning headline text of each test against its other headline
    texts (``found``: the discovery headlines, their visible text in ``_text``)."""
    found = (
        found.groupby([test_col, "_text"], sort=False)[[clicks_col, impressions_col]]
        .sum()
        .reset_index()
    )
    found = found[found.groupby(test_col)["_text"].transform("size") > 1].reset_index(drop=True)
    ctr = found[clicks_col] / found[impressions_col]
    winner = (ctr.groupby(found[test_col]).transform("max").eq(ctr) & (ctr > 0)).to_numpy()
    texts, labels = found["_text"], found.index
    counts_winner, counts_other = (
        _group_counts(tokenizer, texts, mask, None, None, labels, group)
        for mask, group in ((winner, "winner"), (~winner, "other"))
    )
    return _fightin_words(counts_winner, counts_other, "winner", "other", None, min_count)
