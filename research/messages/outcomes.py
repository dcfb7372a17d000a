"""Does consistency convert? Message features against outcomes.

* :func:`message_effect`: does consistency predict winning? A logistic model with controls
  (:class:`MessageEffect`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research._columns import SIMILARITY_COL, WON_COL
from research._format import ci_label
from research._results import Result
from research._stats import logit_odds_ratios
from research._validation import binary_values, check_ci, require_columns, require_frame

__all__ = [
    "message_effect",
    "MessageEffect",
]

_MIN_ROWS = 20


@dataclass(frozen=True, eq=False, repr=False)
class MessageEffect(Result):
    """Odds ratios of the outcome per unit of consistency: the result of :func:`message_effect`.

    Attributes
    ----------
    table : pandas.DataFrame
        Every term of the model but the intercept (index ``term``; the consistency term is
        named by its column, a control level ``C(channel)[T.email]``): ``odds_ratio``,
        ``low``, ``high`` (Wald interval) and ``p_value``.
    ci : float
        Level of the intervals.
    n : int
        Rows the model was fitted on (complete rows).
    formula : str
        The model, as statsmodels' formula.
    outcome_col, consistency_col : str
        The outcome and the consistency column.
    """

    table: pd.DataFrame
    ci: float
    n: int
    formula: str
    outcome_col: str
    consistency_col: str

    @property
    def consistency(self) -> pd.Series:
        """The consistency term's row: ``odds_ratio``, ``low``, ``high``, ``p_value``."""
        return self.table.loc[self.consistency_col].copy()

    def _caption(self) -> str:
        return (
            f"Odds ratio of {self.outcome_col} per unit of {self.consistency_col}: logistic "
            f"model on {self.n:,} rows ({ci_label(self.ci)} intervals)"
        )


def _names(values: Sequence[str], name: str) -> list[str]:
    if isinstance(values, str):
        raise TypeError(f"{name} must be a sequence of column names, got the string {values!r}")
    return list(values)


def _model_frame(data: pd.DataFrame, outcome_col: str, cols: list[str]) -> pd.DataFrame:
    """The complete rows of the model's columns, the outcome as 0/1; checked."""
    frame = require_frame(data, "data")
    require_columns(frame, cols, "data")
    model = frame[cols].dropna()
    if len(model) < _MIN_ROWS:
        raise ValueError(
            f"only {len(model)} complete rows of {len(frame):,}: too few for a model "
            f"(need {_MIN_ROWS})"
        )
    y = binary_values(model[outcome_col], f"column {outcome_col!r} of data")
    if y.all() or not y.any():
        raise ValueError(f"column {outcome_col!r} has one value only: nothing to explain")
    return model.assign(**{outcome_col: y.astype(int)})


def _check_converged(table: pd.DataFrame, consistency_col: str, controls: list[str]) -> None:
    """An error naming the terms whose odds ratio or interval is not a finite positive number:
    the terms that separate the outcome (the model has no finite estimate for them)."""
    values = table[["odds_ratio", "low", "high"]].to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        diverged = ~np.isfinite(np.log(values)).all(axis=1)
    if not diverged.any():
        return
    if diverged[table.index.get_loc(consistency_col)]:
        raise ValueError(
            f"the model did not converge: {consistency_col!r} separates the outcome (odds "
            f"ratio {table.loc[consistency_col, 'odds_ratio']:.3g}, interval "
            f"{table.loc[consistency_col, 'low']:.3g} to {table.loc[consistency_col, 'high']:.3g}),"
            " so it has no finite odds ratio: check how the outcome was defined, or use more rows"
        )
    terms = table.index[diverged].tolist()
    levels = [c for c in controls if any(t.startswith(f"C({c})[") for t in terms)]
    fix = f"merge the rare levels of {', '.join(levels)} or drop" if levels else "drop"
    raise ValueError(
        f"the model did not converge: {', '.join(terms)} "
        f"{'separates' if len(terms) == 1 else 'separate'} the outcome (e.g. every row "
        f"of a level has the same outcome), so the odds ratio of {consistency_col!r} is not "
        f"reliable: {fix} that control"
    )


def message_effect(
    data: pd.DataFrame,
    *,
    outcome_col: str = WON_COL,
    consistency_col: str = SIMILARITY_COL,
    controls: Sequence[str] = (),
    numeric_controls: Sequence[str] = (),
    ci: float = 0.95,
) -> MessageEffect:
    """Odds ratio of the outcome per unit of marketing-sales consistency, with controls.

    A logistic regression ``outcome ~ consistency + C(control) + numeric_control``; the
    odds ratio of the consistency term compares a lead with consistency 1 to one with 0 (for a
    similarity in [0, 1]). Observational: consistency is not randomised.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per deal (or lead): the outcome, the consistency and the controls. Rows with a
        missing value in one of them are left out.
    outcome_col : str, default "won"
        Boolean (or 0/1) outcome.
    consistency_col : str, default "similarity"
        The consistency measure (:func:`~research.messages.alignment`'s similarity, or
        :func:`~research.messages.echo_share`'s ``echo_share``).
    controls, numeric_controls : sequence of str
        Categorical and numeric columns held fixed.
    ci : float, default 0.95
        Level of the intervals.

    Returns
    -------
    MessageEffect
        Its ``table`` has the odds ratio of every term; ``consistency`` is the row of the
        consistency term.

    Raises
    ------
    TypeError
        ``data`` is not a DataFrame, or ``controls`` is a string.
    ValueError
        A column is missing, fewer than 20 complete rows, the outcome is not 0/1 or has one
        value, ``ci`` is outside (0, 1), or the model does not converge: the error names the
        term that separates the outcome (the consistency, or a control level).

    Examples
    --------
    >>> effect = message_effect(deals, consistency_col="echo_share",
    ...                         controls=["channel"])  # doctest: +SKIP
    >>> effect.consistency[["odds_ratio", "low", "high"]]  # doctest: +SKIP
    """
    controls = _names(controls, "controls")
    numeric_controls = _names(numeric_controls, "numeric_controls")
    ci = check_ci(ci)
    model = _model_frame(
        data, outcome_col, [outcome_col, consistency_col, *controls, *numeric_controls]
    )
    q = lambda c: f'Q("{c}")'  # noqa: E731
    formula = (
        f"{q(outcome_col)} ~ {q(consistency_col)}"
        + "".join(f" + C({q(c)})" for c in controls)
        + "".join(f" + {q(c)}" for c in numeric_controls)
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            table, n = logit_odds_ratios(formula, model, ci)
    table.index = [i.replace('Q("', "").replace('")', "") for i in table.index]
    table.index.name = "term"
    _check_converged(table, consistency_col, controls)
    for w in caught:  # a model that converged: its warnings, if any, as they were
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return MessageEffect(
        table=table,
        ci=ci,
        n=n,
        formula=formula,
        outcome_col=outcome_col,
        consistency_col=consistency_col,
    )
