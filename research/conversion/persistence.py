"""Saving and loading a scorer without unpickling arbitrary code (skops).

* :func:`save_scorer` / :func:`load_scorer`: a fitted scorer on disk with skops, loaded only
  when every type in the file is on an explicit trusted list (no arbitrary unpickling).
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence

from sklearn.utils.validation import check_is_fitted

from research.conversion.scorer import LeadScorer

__all__ = [
    "save_scorer",
    "load_scorer",
    "TRUSTED_TYPES",
    "UntrustedFileError",
]


class UntrustedFileError(ValueError):
    """A saved scorer holds types outside the trusted list, or is not a valid scorer file."""


# --------------------------------------------------------------------------------------------
# saving and loading without unpickling arbitrary code (skops)
# --------------------------------------------------------------------------------------------

#: The types a saved :class:`LeadScorer` may hold beyond what skops trusts by default: the
#: scorer, its design, and the parts of a fitted HistGradientBoostingClassifier. A file that
#: holds any other type is refused by :func:`load_scorer` unless the caller trusts it too.
TRUSTED_TYPES: tuple[str, ...] = (
    "research.conversion.scorer.LeadScorer",
    "research.conversion.design._Design",
    # the same two as files written before the package split (0.1.0) name them
    "research.conversion.LeadScorer",
    "research.conversion._Design",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    # the boosting model's internal ColumnTransformer passes numeric columns through
    # FunctionTransformer(functools.partial(check_array, ...)): a partial of a trusted function
    "functools.partial",
    "sklearn.utils.validation.check_array",
)


def save_scorer(scorer: LeadScorer, path: str | os.PathLike[str]) -> None:
    """Save a fitted scorer with skops (a zip of JSON and arrays, no pickle of the object).

    Parameters
    ----------
    scorer : LeadScorer
        A fitted scorer. A ``features`` function is saved by name (module and qualified
        name); loading it needs that function importable and passed in ``trusted=``.
    path : path-like
        File to write (``.skops`` by convention).

    Examples
    --------
    >>> save_scorer(LeadScorer("gbm").fit(X, y), "scorer.skops")  # doctest: +SKIP
    >>> load_scorer("scorer.skops").predict_proba(new_leads)[:, 1]  # doctest: +SKIP
    """
    import skops.io as sio

    if not isinstance(scorer, LeadScorer):
        raise TypeError(f"scorer must be a LeadScorer, got {type(scorer).__name__}")
    check_is_fitted(scorer, "columns_")
    sio.dump(scorer, os.fspath(path))


def load_scorer(path: str | os.PathLike[str], *, trusted: Sequence[str] = ()) -> LeadScorer:
    """Load a scorer saved by :func:`save_scorer`, refusing files with unexpected types.

    Before anything is built, skops lists the types the file would create beyond its own
    safe defaults; every one must be in :data:`TRUSTED_TYPES` or in ``trusted``, else the
    file is refused and nothing in it is executed.

    Parameters
    ----------
    path : path-like
        A file written by :func:`save_scorer`.
    trusted : sequence of str, optional
        Further types to trust, as ``"module.QualifiedName"`` (e.g. your ``features``
        function). Trust only types whose code you know.

    Returns
    -------
    LeadScorer

    Raises
    ------
    UntrustedFileError
        The file holds a type not on the lists (the message names them), is not a skops
        file, is corrupted, or does not hold a LeadScorer.
    FileNotFoundError
        There is no such file.

    Examples
    --------
    >>> scorer = load_scorer("scorer.skops", trusted=["my_project.features.engineer"])
    ... # doctest: +SKIP
    """
    import skops.io as sio

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no saved scorer at {path}")
    if not zipfile.is_zipfile(path):
        raise UntrustedFileError(
            f"{path} is not a skops file (not a zip archive): corrupted, or not written by "
            "save_scorer; it was not loaded"
        )
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # a damaged archive or schema: refuse it, whatever the cause
        raise UntrustedFileError(
            f"{path} is not a valid skops file ({type(exc).__name__}: {exc}); it was not loaded"
        ) from None
    allowed = set(TRUSTED_TYPES) | set(trusted)
    unknown = sorted(set(untrusted) - allowed)
    if unknown:
        raise UntrustedFileError(
            f"{path} holds type(s) that are not trusted: {', '.join(unknown)}. It was not "
            "loaded. If you know where the file comes from and what these types are, pass "
            "them in trusted=."
        )
    try:
        obj = sio.load(path, trusted=sorted(set(untrusted)))
    except Exception as exc:
        raise UntrustedFileError(
            f"{path} could not be loaded ({type(exc).__name__}: {exc}): corrupted or written by "
            "an incompatible version"
        ) from None
    if not isinstance(obj, LeadScorer):
        raise UntrustedFileError(f"{path} holds a {type(obj).__name__}, not a LeadScorer")
    return obj
