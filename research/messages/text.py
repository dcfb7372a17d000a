"""Tokenisation for English, Korean and Japanese messages: the terms the message analyses count.

Marketing-versus-sales message analysis (distinctive terms, TF-IDF similarity, keyword trackers)
needs one term per word, not one per inflected form: Korean and Japanese attach particles and
endings to words without spaces, so splitting on whitespace would count "연동됩니다", "연동돼요" and
"연동을" as three different terms. :class:`Tokenizer` gives every language its own analyser:

========  ==================================================================================
language  analyser
========  ==================================================================================
``en``    regular expression: lowercase words and numbers, scikit-learn's English stop words
          and single letters dropped, no stemming
``ko``    kiwipiepy morphological analysis: nouns, verb and adjective stems in dictionary form
          (``쉽다``), roots, foreign words and numbers; particles, endings and suffixes dropped
``ja``    janome morphological analysis: nouns, verbs and adjectives in base form; particles,
          auxiliary verbs, symbols and light verbs (する, できる, いる, ...) dropped
``zh``    character bigrams (no word segmenter is bundled)
``other`` character bigrams of the letters, words and numbers of the Latin alphabet
========  ==================================================================================

kiwipiepy and janome are dependencies of the package. Should one fail to import (a platform
without its wheel, a broken install), its language falls back to whole words with a warning,
once per process: Korean split at spaces with its common particles and endings stripped,
Japanese split where the script changes (runs of kanji, of katakana, of Latin letters; runs of
hiragana, mostly particles and endings, dropped). Character n-grams are there on request
(``analyzer="ngram"``). :func:`available_analyzers` says which analyser each language will use.
:func:`detect_language` and :func:`detect_languages` tell the languages apart by script.

The morphological analysis itself is done by kiwipiepy and janome; what is written here is the
choice of parts of speech to keep, the script detection and the fallbacks, which no library
offers for these three languages together.
"""

from __future__ import annotations

import importlib
import re
import threading
import unicodedata
import warnings
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from tqdm import tqdm  # plain text bars: tqdm.auto warns in a kernel without ipywidgets

__all__ = [
    "LANGUAGES",
    "Tokenizer",
    "available_analyzers",
    "detect_language",
    "detect_languages",
]

#: The language codes :func:`detect_language` returns and :class:`Tokenizer` accepts.
LANGUAGES = ("en", "ko", "ja", "zh", "other")

# --------------------------------------------------------------------------------------------
# script detection
# --------------------------------------------------------------------------------------------


def _char_class(*ranges: tuple[int, int]) -> str:
    # Literal characters rather than \u escapes: the same class works with Python's re (object
    # columns) and with RE2, which pyarrow-backed string columns use.
    return "[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in ranges) + "]"


_HANGUL = _char_class(
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x3130, 0x318F),  # Hangul Compatibility Jamo
    (0xA960, 0xA97F),  # Hangul Jamo Extended-A
    (0xAC00, 0xD7A3),  # Hangul Syllables
    (0xD7B0, 0xD7FF),  # Hangul Jamo Extended-B
    (0xFFA0, 0xFFDC),  # halfwidth Hangul
)
_KANA = _char_class(
    (0x3040, 0x309F),  # Hiragana
    (0x30A0, 0x30FF),  # Katakana
    (0x31F0, 0x31FF),  # Katakana Phonetic Extensions
    (0xFF66, 0xFF9F),  # halfwidth Katakana
)
_HAN = _char_class(
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0x20000, 0x3134F),  # Extensions B-G and the compatibility supplement
)
_LATIN = _char_class(
    (0x41, 0x5A),
    (0x61, 0x7A),
    (0xC0, 0xD6),
    (0xD8, 0xF6),
    (0xF8, 0x24F),  # Latin-1 letters and Latin Extended-A/B
    (0xFF21, 0xFF3A),
    (0xFF41, 0xFF5A),  # fullwidth Latin
)
# First match wins: any Hangul makes a text Korean, then any kana Japanese, and so on.
_SCRIPTS = (("ko", _HANGUL), ("ja", _KANA), ("zh", _HAN), ("en", _LATIN))
_SCRIPT_RES = tuple((lang, re.compile(cls)) for lang, cls in _SCRIPTS)


def detect_language(text: str) -> str:
    """The language of a text, told by its script.

    Any Hangul (syllables or jamo) makes it Korean, else any Hiragana or Katakana Japanese, else
    Han ideographs alone Chinese, else Latin letters English; anything else is ``"other"``.
    A product name in Latin letters does not change the language of a Korean or Japanese text.

    Parameters
    ----------
    text : str
        A message, a headline: any string.

    Returns
    -------
    str
        One of ``"ko"``, ``"ja"``, ``"zh"``, ``"en"``, ``"other"``.

    Raises
    ------
    TypeError
        If ``text`` is not a string.

    See Also
    --------
    detect_languages : the same for a Series, vectorised.

    Examples
    --------
    >>> [detect_language(t) for t in ["Nimbus 연동", "連携できます", "数据分析", "Hi!", "42"]]
    ['ko', 'ja', 'zh', 'en', 'other']
    """
    if not isinstance(text, str):
        raise TypeError(f"detect_language expects a str, got {type(text).__name__}")
    for lang, pattern in _SCRIPT_RES:
        if pattern.search(text):
            return lang
    return "other"


def detect_languages(texts: pd.Series) -> pd.Series:
    """:func:`detect_language` for every text of a Series, vectorised.

    Parameters
    ----------
    texts : pandas.Series
        Texts (``str`` or ``object`` dtype). Missing values are ``"other"``.

    Returns
    -------
    pandas.Series
        The language codes, with the index of ``texts``, named ``"language"``.

    Raises
    ------
    TypeError
        If ``texts`` is not a Series, or is a Series of numbers, dates or booleans.

    Examples
    --------
    >>> detect_languages(pd.Series(["Nimbus 연동", "連携できます", "Fast setup"])).tolist()
    ['ko', 'ja', 'en']
    """
    if not isinstance(texts, pd.Series):
        raise TypeError(f"detect_languages expects a pandas Series, got {type(texts).__name__}")
    if not (pd.api.types.is_string_dtype(texts.dtype) or texts.dtype == object):
        raise TypeError(
            f"detect_languages expects a Series of strings; {texts.name!r} ({len(texts):,} rows) "
            f"has dtype {texts.dtype}"
        )
    result = np.full(len(texts), "other", dtype=object)
    undecided = np.ones(len(texts), dtype=bool)
    for lang, cls in _SCRIPTS:
        # Only the rows not yet decided are searched: most rows are settled by the first pass.
        if not undecided.any():
            break
        rest = texts[undecided]
        hit = rest.str.contains(cls, regex=True, na=False).to_numpy(dtype=bool)
        rows = np.flatnonzero(undecided)[hit]
        result[rows] = lang
        undecided[rows] = False
    return pd.Series(result, index=texts.index, name="language", dtype="str")


# --------------------------------------------------------------------------------------------
# analysers: imported and built lazily, once per process
# --------------------------------------------------------------------------------------------

_PACKAGES = {"ko": "kiwipiepy", "ja": "janome"}
_LANGUAGE_NAMES = {"ko": "Korean", "ja": "Japanese"}
_ANALYZERS: dict[str, Any] = {}  # language -> Kiwi / janome Tokenizer instance
_ANALYZERS_LOCK = threading.Lock()
_WARNED: set[str] = set()  # languages already warned about a missing analyser
_FALLBACK_HOW = {
    "ko": "at spaces, with common particles and endings stripped",
    "ja": "where the script changes (kanji, katakana and Latin runs; hiragana runs dropped)",
}


def _import_module(name: str) -> ModuleType | None:
    """The module ``name``, or None if it is not installed (tests monkeypatch this)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _analyzer_instance(language: str) -> Any:
    """The Kiwi or janome analyser of ``language``, built on first use (Kiwi takes ~1.5 s)."""
    analyzer = _ANALYZERS.get(language)
    if analyzer is None:
        with _ANALYZERS_LOCK:
            analyzer = _ANALYZERS.get(language)
            if analyzer is None:
                module = _import_module(_PACKAGES[language])
                if module is None:  # pragma: no cover - callers check availability first
                    raise ImportError(f"{_PACKAGES[language]} is not installed")
                if language == "ko":
                    analyzer = module.Kiwi()
                else:
                    analyzer = importlib.import_module("janome.tokenizer").Tokenizer()
                _ANALYZERS[language] = analyzer
    return analyzer


def _resolve(language: str, analyzer: str) -> str:
    """The analyser ``language`` will use: "kiwipiepy", "janome", "words", "ngram" or "regex"."""
    if language == "en":
        return "regex"
    if language not in _PACKAGES or analyzer == "ngram":
        return "ngram"
    package = _PACKAGES[language]
    if _import_module(package) is not None:
        return package
    if language not in _WARNED:
        _WARNED.add(language)
        how = _FALLBACK_HOW[language]
        warnings.warn(
            f"{package} could not be imported: {_LANGUAGE_NAMES[language]} text is split into "
            f"whole words {how}, less exactly than the analyser does. It is a dependency of "
            f"research: reinstall it with pip install {package}.",
            UserWarning,
            stacklevel=4,
        )
    return "words"


def available_analyzers() -> dict[str, str]:
    """Which analyser each language will use with ``analyzer="auto"``.

    Returns
    -------
    dict of str to str
        Language code to ``"regex"`` (English), ``"kiwipiepy"`` (Korean), ``"janome"``
        (Japanese), ``"words"`` (the whole-word fallback of Korean or Japanese when their
        package cannot be imported) or ``"ngram"`` (character bigrams: Chinese, other scripts).

    Examples
    --------
    >>> available_analyzers()
    {'en': 'regex', 'ko': 'kiwipiepy', 'ja': 'janome', 'zh': 'ngram', 'other': 'ngram'}
    """
    result = {}
    for lang in LANGUAGES:
        if lang in _PACKAGES:
            ok = _import_module(_PACKAGES[lang]) is not None
            result[lang] = _PACKAGES[lang] if ok else "words"
        else:
            result[lang] = "regex" if lang == "en" else "ngram"
    return result


# --------------------------------------------------------------------------------------------
# per-language term extraction (stop words of the Tokenizer are applied afterwards)
# --------------------------------------------------------------------------------------------

_EN_STOP = frozenset(ENGLISH_STOP_WORDS)
# Numbers with thousands separators or decimals stay whole ("5,000" -> "5000", "99.99").
_EN_WORD = re.compile(r"\d+(?:[.,]\d+)+|[a-z0-9]+(?:'[a-z]+)?")
_CLITICS = frozenset({"s", "re", "ve", "ll", "d", "m"})
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})

# Kiwi (Sejong) tags kept: nouns, numerals, verb/adjective stems, roots, foreign words, numbers
# and hanja.
_KO_KEEP = frozenset({"NNG", "NNP", "NR", "VV", "VA", "XR", "SL", "SN", "SH"})
# Light verbs, and the negations 없다 / ない (English drops "no", "not" and "without" too).
_KO_STOP = frozenset({"하다", "되다", "있다", "없다", "않다", "이다", "아니다", "드리다"})
# ipadic noun subtypes dropped: dependent nouns (こと, よう), pronouns, suffixes (化, 様, 性),
# the auxiliary-verb stems (そう) and conjunction-like nouns.
_JA_NOUN_DROP = frozenset({"非自立", "代名詞", "接尾", "特殊", "接続詞的", "動詞非自立的"})
_JA_STOP = frozenset(
    {
        "する",
        "できる",
        "いる",
        "ある",
        "ない",
        "なる",
        "れる",
        "られる",
        "せる",
        "させる",
        "おる",
        "いただく",
        "いただける",
        "くださる",
        "いたす",
        "ござる",
        "いう",
        "こと",
        "もの",
        "ため",
        "よう",
    }
)
_HAS_WORD_CHAR = re.compile(r"[^\W_]")
# Letters of any script but Latin, for the character n-grams; Latin words and numbers go through
# the English rules instead.
_NON_LATIN_RUN = re.compile(r"[^\W\d_a-z\u00c0-\u024f]+")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _normalise(text: str) -> str:
    # Surrogates (text decoded from UTF-16 in pieces, or damaged): a pair is joined into its
    # character, one alone becomes U+FFFD; the analysers cannot encode them as UTF-8.
    if _SURROGATE.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    # NFKC folds fullwidth Latin and digits and halfwidth Katakana to their usual forms.
    return unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Stop words and single letters: the words _english drops as they are.
_EN_DROP = _EN_STOP | frozenset("abcdefghijklmnopqrstuvwxyz")


def _english(text: str) -> list[str]:
    """English terms of normalised text: words and numbers, stop words and letters dropped."""
    words = _EN_WORD.findall(_strip_accents(text))
    if "'" not in text and "," not in text:  # no clitic, no "5,000": one set look-up per word
        return [w for w in words if w not in _EN_DROP]
    terms = []
    for word in words:
        if "'" in word:
            base, _, clitic = word.partition("'")
            if clitic == "t":  # don't, won't, isn't: negated auxiliaries, all function words
                continue
            if clitic in _CLITICS:  # company's -> company, we're -> we
                word = base
        elif "," in word:
            word = word.replace(",", "")
        if word in _EN_STOP or (len(word) == 1 and not word.isdigit()):
            continue
        terms.append(word)
    return terms


def _ngrams(text: str, lo: int, hi: int) -> list[str]:
    """Character n-grams of each run of non-Latin letters, and English terms of the rest.

    A run shorter than ``lo`` characters is kept whole, so one-character words are not lost.
    """
    terms = []
    pos = 0
    for match in _NON_LATIN_RUN.finditer(text):
        terms += _english(text[pos : match.start()])
        pos = match.end()
        run = match.group()
        if len(run) < lo:
            terms.append(run)
            continue
        for n in range(lo, min(hi, len(run)) + 1):
            terms += [run[i : i + n] for i in range(len(run) - n + 1)]
    terms += _english(text[pos:])
    return terms


# The whole-word fallback (no analyser). Korean: particles and endings stripped from the end of
# a word when at least two syllables stay ("회사가" -> "회사", "연동됩니다" -> "연동", but
# "평가" stays); the longest match goes first.
_KO_SUFFIXES = tuple(
    sorted(
        {
            "은",
            "는",
            "이",
            "가",
            "을",
            "를",
            "에",
            "의",
            "와",
            "과",
            "도",
            "만",
            "로",
            "으로",
            "에서",
            "에게",
            "한테",
            "께서",
            "까지",
            "부터",
            "처럼",
            "보다",
            "이나",
            "라도",
            "이며",
            "이고",
            "에서는",
            "에게는",
            "으로는",
            "에는",
            "과의",
            "와의",
            "이라는",
            "라는",
            "합니다",
            "됩니다",
            "입니다",
            "습니다",
            "니다",
            "해요",
            "돼요",
            "세요",
            "하세요",
            "이에요",
            "예요",
            "했다",
            "한다",
            "하다",
            "된다",
            "되다",
            "이다",
            "하는",
            "되는",
            "하고",
            "되고",
            "해서",
            "돼서",
            "할",
            "될",
            "한",
            "된",
            "해",
            "돼",
            "하여",
            "드립니다",
            "드려요",
            "드리다",
            "하겠습니다",
            "되었습니다",
            "했습니다",
        },
        key=len,
        reverse=True,
    )
)
_KO_SUFFIX_SET = frozenset(_KO_SUFFIXES)
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")
# Japanese: runs of one script; hiragana runs (particles, endings, auxiliaries) are dropped.
_JA_RUN = re.compile(
    r"(?P<kanji>[\u4e00-\u9fff\u3400-\u4dbf\u3005]+)|(?P<kata>[\u30a0-\u30ff\u31f0-\u31ff]+)"
    r"|(?P<hira>[\u3040-\u309f]+)"
)


def _korean_words(text: str) -> list[str]:
    """Korean words of normalised text without an analyser; Latin parts by the English rules."""
    terms: list[str] = []
    pos = 0
    for match in _HANGUL_WORD.finditer(text):
        terms += _english(text[pos : match.start()])
        pos = match.end()
        word = match.group()
        if word in _KO_SUFFIX_SET:  # a particle on its own, as after a Latin word (Nimbus는)
            continue
        for suffix in _KO_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 2:
                word = word[: -len(suffix)]
                break
        if word not in _KO_STOP:
            terms.append(word)
    terms += _english(text[pos:])
    return terms


def _japanese_words(text: str) -> list[str]:
    """Japanese words of normalised text without an analyser: kanji and katakana runs."""
    terms: list[str] = []
    pos = 0
    for match in _JA_RUN.finditer(text):
        terms += _english(text[pos : match.start()])
        pos = match.end()
        if match.lastgroup != "hira":
            terms.append(match.group())
    terms += _english(text[pos:])
    return terms


def _korean_terms(tokens: Iterable[Any]) -> tuple[str, ...]:
    """Content morphemes of a Kiwi analysis, verbs and adjectives in dictionary form."""
    terms = []
    for token in tokens:
        tag = token.tag.partition("-")[0]  # "VA-I" (irregular) -> "VA"
        if tag not in _KO_KEEP:
            continue
        if tag == "VV" or tag == "VA":
            term = token.lemma  # stem + 다: 쉽 -> 쉽다
            if term in _KO_STOP:
                continue
            if len(term) > 3 and term.endswith("하다"):
                # Kiwi analyses 간편할 as 간편하/VA but 간편합니다 as 간편/XR + 하/XSA: keep the
                # root both times, as for noun + 하다 (연동하다 -> 연동). One-syllable roots keep
                # their 하다 (위하다, 대하다), which alone would be ambiguous.
                term = term[:-2]
        elif tag == "SL":
            term = token.form.lower()
            if term in _EN_STOP or len(term) == 1:
                continue
        else:
            term = token.form.replace(" ", "")  # multi-word entries: 셋 업/NNP -> 셋업
        terms.append(term)
    return tuple(terms)


def _japanese_terms(tokens: Iterable[Any]) -> tuple[str, ...]:
    """Content words of a janome analysis in base form."""
    terms: list[str] = []
    for token in tokens:
        if token.surface.isascii():
            # Latin words and numbers by the English rules, whatever their part of speech:
            # janome tags an unknown Latin word at the start of a sentence as an interjection.
            terms += _english(token.surface)
            continue
        pos = token.part_of_speech.split(",")
        if pos[0] == "名詞":
            if pos[1] in _JA_NOUN_DROP:
                continue
        elif pos[0] == "動詞" or pos[0] == "形容詞":
            if pos[1] != "自立":  # いる, しまう, れる, やすい: auxiliary uses
                continue
        else:  # particles, auxiliary verbs, symbols, prefixes, adverbs, conjunctions...
            continue
        term = token.base_form if token.base_form != "*" else token.surface
        if term not in _JA_STOP and _HAS_WORD_CHAR.search(term):
            terms.append(term)
    return tuple(terms)


class _LRUCache:
    """A bounded mapping that forgets the least recently used entries (thread-safe)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[str, tuple[str, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[str, ...] | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: str, value: tuple[str, ...]) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            if len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


# Terms of the sentences analysed so far, per language. CRM messages repeat their templates, so
# on a large export most sentences are looked up rather than analysed again (janome is pure
# Python, about 1 ms a sentence; Kiwi about 0.3 ms).
_SENTENCE_CACHE = {"ko": _LRUCache(2**16), "ja": _LRUCache(2**16)}
# Sentence ends: after 。 ! ? (no space needed in Japanese), after . or … followed by space (so
# "99.99" and "1.3" stay whole), and at line breaks. Neither analyser's result changes when a
# text is split there (checked on the synthetic CRM messages).
_SENTENCE_END = re.compile(r"(?<=[。!?])|(?<=[.…])\s+|\n+")


def _analyse(language: str, sentences: list[str]) -> list[tuple[str, ...]]:
    """Terms of each sentence by the morphological analyser of ``language``, uncached."""
    analyzer = _analyzer_instance(language)
    if language == "ko":  # a list goes to Kiwi's worker threads
        return [_korean_terms(tokens) for tokens in analyzer.tokenize(sentences)]
    return [_japanese_terms(analyzer.tokenize(sentence)) for sentence in sentences]


def _morphological_terms(language: str, texts: list[str]) -> list[list[str]]:
    """Terms of each normalised text: sentences are looked up, the new ones analysed at once."""
    cache = _SENTENCE_CACHE[language]
    split = [[x for x in _SENTENCE_END.split(t) if _HAS_WORD_CHAR.search(x)] for t in texts]
    known: dict[str, tuple[str, ...]] = {}
    missing: list[str] = []
    for sentences in split:
        for sentence in sentences:
            if sentence not in known:
                cached = cache.get(sentence)
                if cached is None:
                    missing.append(sentence)
                    known[sentence] = ()
                else:
                    known[sentence] = cached
    for sentence, terms in zip(missing, _analyse(language, missing), strict=True):
        known[sentence] = terms
        cache.put(sentence, terms)
    return [[term for x in sentences for term in known[x]] for sentences in split]


# --------------------------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------------------------

_PROGRESS_MIN = 50_000  # tokenize_many shows a progress bar above this many texts
_CHUNK = 10_000  # texts per batch of the morphological analysers in tokenize_many


class Tokenizer:
    """Split English, Korean and Japanese texts into the terms message analyses count.

    Korean and Japanese go through a morphological analyser (kiwipiepy, janome), so the
    inflected forms of a word give one term: "연동됩니다", "연동돼요" and "연동을" all give
    ``"연동"``, "連携できます" and "連携しています" give ``"連携"``. The analysers are built on
    first use and shared by every Tokenizer of the process; a Tokenizer holds only its settings,
    so it pickles and can be passed to scikit-learn's ``TfidfVectorizer(tokenizer=...)``.

    Parameters
    ----------
    language : {"auto", "en", "ko", "ja", "zh", "other"}, default "auto"
        Language of the texts; ``"auto"`` detects it per text with :func:`detect_language`.
    analyzer : {"auto", "ngram"}, default "auto"
        ``"auto"`` uses kiwipiepy for Korean and janome for Japanese (dependencies of the
        package); should one fail to import, whole words (with a warning, once per language and
        process: see the module notes); ``"ngram"`` always uses character n-grams for Korean and
        Japanese. English always uses the word rules;
        Chinese and other scripts always use character bigrams.
    stopwords : dict of str to iterable of str, optional
        Extra stop words per language code, e.g. ``{"en": ["nimbus"], "ko": ["고객"]}``, removed
        after the built-in ones. Compared with the terms as returned (lowercase, base form).
    ngram_range : tuple of (int, int), default (2, 3)
        Smallest and largest n of the Korean and Japanese character n-grams of
        ``analyzer="ngram"``.

    Notes
    -----
    Terms per language:

    - English: lowercase words and numbers (``[a-z0-9]+(?:'[a-z]+)?``, accents stripped,
      ``"5,000"`` kept whole as ``"5000"``), without scikit-learn's ``ENGLISH_STOP_WORDS``,
      single letters, possessive and contracted endings (``"team's"`` -> ``"team"``) and negated
      auxiliaries (``"don't"``). No stemming.
    - Korean (kiwipiepy): common and proper nouns (NNG, NNP), verb and adjective stems in
      dictionary form (VV, VA: ``"쉽다"``), roots (XR), foreign words (SL, lowercase),
      numbers (SN, and numerals NR: ``"수백만"``) and hanja (SH). Particles (J*), endings
      (E*), suffixes (XS*: 연동되다 gives ``"연동"``), bound nouns (NNB: 것, 수), pronouns,
      adverbs, punctuation, the light verbs 하다, 되다, 있다, 않다, 이다, 아니다, 드리다
      and the negation 없다 are dropped. A verb or adjective made of a root and 하다 gives
      its root, as the analysis root + 하/XSA does (간편할 -> ``"간편"``).
    - Japanese (janome): nouns other than dependent nouns, pronouns and suffixes
      (名詞 非自立, 代名詞, 接尾), independent verbs and adjectives (動詞, 形容詞 自立) in
      base form; particles (助詞), auxiliary verbs (助動詞), symbols (記号), prefixes,
      adverbs, the light verbs する, できる, いる, ある, なる, れる, られる, ... and the
      negation ない are dropped. Latin words and numbers follow the English rules.

    Korean and Japanese sentences are cached (the last 65,536 of each language), so the
    templates CRM messages repeat are analysed once.
    - Whole words (fallback when an analyser cannot be imported): Korean split at spaces and
      punctuation with common particles and endings stripped when two syllables stay;
      Japanese runs of kanji and of katakana (hiragana runs dropped).
    - Character n-grams (``analyzer="ngram"``): every n-gram of ``ngram_range`` of each run of
      non-Latin letters (punctuation and spaces split runs; a run shorter than the smallest n
      is kept whole); the Latin words and numbers in the text follow the English rules.

    Text is NFKC-normalised first (fullwidth letters and digits, halfwidth Katakana).

    Examples
    --------
    >>> tok = Tokenizer()
    >>> tok("Our 24/7 support team answers in minutes.")
    ['24', '7', 'support', 'team', 'answers', 'minutes']
    >>> tok("Nimbus는 Salesforce와 연동됩니다.")
    ['nimbus', 'salesforce', '연동']
    >>> tok("Salesforceと連携できます。")
    ['salesforce', '連携']
    >>> Tokenizer("ko", analyzer="ngram")("연동을 지원합니다")
    ['연동', '동을', '연동을', '지원', '원합', '합니', '니다', '지원합', '원합니', '합니다']

    With scikit-learn (the Tokenizer already lowercases):

    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> vectorizer = TfidfVectorizer(tokenizer=Tokenizer(), lowercase=False, token_pattern=None)
    """

    def __init__(
        self,
        language: str = "auto",
        *,
        analyzer: str = "auto",
        stopwords: Mapping[str, Iterable[str]] | None = None,
        ngram_range: tuple[int, int] = (2, 3),
    ) -> None:
        if language != "auto" and language not in LANGUAGES:
            raise ValueError(f"language must be 'auto' or one of {LANGUAGES}, got {language!r}")
        if analyzer not in ("auto", "ngram"):
            raise ValueError(f"analyzer must be 'auto' or 'ngram', got {analyzer!r}")
        if (
            not isinstance(ngram_range, tuple)
            or len(ngram_range) != 2
            or not all(isinstance(n, int) and not isinstance(n, bool) for n in ngram_range)
            or not 1 <= ngram_range[0] <= ngram_range[1]
        ):
            raise ValueError(
                f"ngram_range must be a tuple (min_n, max_n) of integers with "
                f"1 <= min_n <= max_n, got {ngram_range!r}"
            )
        if stopwords is not None:
            if not isinstance(stopwords, Mapping):
                raise TypeError(
                    f"stopwords must be a dict of language code to stop words, "
                    f"got {type(stopwords).__name__}"
                )
            for lang, words in stopwords.items():
                if lang not in LANGUAGES:
                    raise ValueError(
                        f"stopwords has language {lang!r}; the languages are {LANGUAGES}"
                    )
                if isinstance(words, str) or not isinstance(words, Iterable):
                    raise TypeError(
                        f"stopwords[{lang!r}] must be a list or set of words, "
                        f"got {type(words).__name__}"
                    )
        self.language = language
        self.analyzer = analyzer
        self.stopwords = stopwords
        self.ngram_range = ngram_range

    def __repr__(self) -> str:
        return (
            f"Tokenizer(language={self.language!r}, analyzer={self.analyzer!r}, "
            f"stopwords={self.stopwords!r}, ngram_range={self.ngram_range!r})"
        )

    # -- settings derived on first use (private, so the instance stays plain settings) --------

    def _extra_stopwords(self, language: str) -> frozenset[str]:
        cache = self.__dict__.setdefault("_stop_cache", {})
        if language not in cache:
            words = (self.stopwords or {}).get(language, ())
            cache[language] = frozenset(_normalise(w) for w in words)
        return cache[language]

    def _backend(self, language: str) -> str:
        cache = self.__dict__.setdefault("_backend_cache", {})
        if language not in cache:
            cache[language] = _resolve(language, self.analyzer)
        return cache[language]

    def __getstate__(self) -> dict[str, Any]:
        # Only the settings: the caches are rebuilt (and a missing package warned about) on use.
        return {k: v for k, v in self.__dict__.items() if not k.endswith("_cache")}

    # -- tokenising ---------------------------------------------------------------------------

    def _language_of(self, text: str) -> str:
        return detect_language(text) if self.language == "auto" else self.language

    def _finish(self, terms: list[str], language: str) -> list[str]:
        extra = self._extra_stopwords(language)
        return [t for t in terms if t not in extra] if extra else terms

    def _tokens(self, text: str, language: str, backend: str) -> list[str]:
        """Terms of one normalised text."""
        if backend == "regex":
            terms = _english(text)
        elif backend in ("kiwipiepy", "janome"):
            terms = _morphological_terms(language, [text])[0]
        elif backend == "words":
            terms = _korean_words(text) if language == "ko" else _japanese_words(text)
        elif language in ("ko", "ja"):
            terms = _ngrams(text, *self.ngram_range)
        else:  # Chinese and other scripts: character bigrams
            terms = _ngrams(text, 2, 2)
        return self._finish(terms, language)

    def __call__(self, text: str) -> list[str]:
        """The terms of one text.

        Parameters
        ----------
        text : str
            The text to split into terms.

        Returns
        -------
        list of str
            Its terms, in order of appearance; ``[]`` for an empty or blank text.

        Raises
        ------
        TypeError
            If ``text`` is not a string.
        """
        if not isinstance(text, str):
            raise TypeError(f"Tokenizer expects a str, got {type(text).__name__}")
        language = self._language_of(text)
        text = _normalise(text)
        if not text.strip():
            return []
        return self._tokens(text, language, self._backend(language))

    def tokenize_many(
        self, texts: Iterable[str], languages: Iterable[str] | None = None
    ) -> list[list[str]]:
        """The terms of many texts: the same as ``[self(t) for t in texts]``, faster.

        The Korean and Japanese sentences not yet in the cache go to the analyser in batches
        (kiwipiepy analyses a batch on several threads). A progress bar is shown for more than
        50,000 texts.

        Parameters
        ----------
        texts : iterable of str
            The texts, e.g. a DataFrame column.
        languages : iterable of str, optional
            The language of each text (same length as ``texts``), e.g. a ``language`` column
            or :func:`detect_languages`. Default: the Tokenizer's ``language``, and with
            ``"auto"`` detected per text.

        Returns
        -------
        list of list of str
            The terms of each text, in the order of ``texts``.

        Raises
        ------
        TypeError
            If a text is not a string (its position and type are named).
        ValueError
            If ``languages`` has another length than ``texts`` or an unknown code.

        Examples
        --------
        >>> Tokenizer().tokenize_many(["Fast setup, no training", "연동을 지원합니다"])
        [['fast', 'setup', 'training'], ['연동', '지원']]
        """
        texts = list(texts)
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(
                    f"tokenize_many expects strings; text {i} of {len(texts):,} is "
                    f"{type(text).__name__}: {text!r:.50}"
                )
        if languages is None:
            langs = [self._language_of(t) for t in texts]
        else:
            langs = list(languages)
            if len(langs) != len(texts):
                raise ValueError(
                    f"languages has {len(langs):,} values for {len(texts):,} texts; "
                    f"give one language per text"
                )
            unknown = sorted(set(map(str, langs)) - set(LANGUAGES))
            if unknown:
                raise ValueError(f"languages has unknown codes {unknown}; use codes of {LANGUAGES}")
        result: list[list[str]] = [[] for _ in texts]
        morphological: dict[str, list[int]] = {}  # language -> texts for its analyser
        with tqdm(
            total=len(texts), disable=len(texts) <= _PROGRESS_MIN, desc="tokenising", unit="text"
        ) as bar:
            normalised = [_normalise(t) for t in texts]
            for i, (text, lang) in enumerate(zip(normalised, langs, strict=True)):
                backend = self._backend(lang)
                if backend in ("kiwipiepy", "janome"):
                    morphological.setdefault(lang, []).append(i)
                    continue
                if text.strip():
                    result[i] = self._tokens(text, lang, backend)
                bar.update()
            for lang, rows in morphological.items():
                # In chunks, so the sentences of one chunk are all that is held at once.
                for start in range(0, len(rows), _CHUNK):
                    chunk = rows[start : start + _CHUNK]
                    terms = _morphological_terms(lang, [normalised[i] for i in chunk])
                    for i, text_terms in zip(chunk, terms, strict=True):
                        result[i] = self._finish(text_terms, lang)
                    bar.update(len(chunk))
        return result
