"""Does consistency convert? Message features against outcomes.

* :func:`message_effect`: does consistency predict winning? A logistic model with controls.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from research._validation import require_columns, require_frame

__all__ = [
    "message_effect",
]

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
        {
            "odds_ratio": np.exp(fit.params),
            "low": np.exp(conf[0]),
            "high": np.exp(conf[1]),
            "p_value": fit.pvalues,
        }
    ).drop(index="Intercept")
    out.index = [i.replace('Q("', "").replace('")', "") for i in out.index]
    out.index.name = "term"
    out.attrs.update(n=int(fit.nobs), formula=formula)
    if not math.isfinite(out.iloc[0]["odds_ratio"]):
        raise ValueError("the model did not converge (perfect separation?)")
    return out
