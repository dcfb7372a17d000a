"""League tables of reps with intervals and shrunk rates.

* :func:`league_table`: reps ranked with intervals and shrinkage, so small samples are not
  ranked as if they were certain.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research._stats import wilson
from research._validation import require_columns, require_frame, require_rows

__all__ = [
    "league_table",
]

# --------------------------------------------------------------------------------------------
# league tables
# --------------------------------------------------------------------------------------------


def league_table(
    frame: pd.DataFrame,
    rep_col: str,
    outcome_col: str,
    *,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Reps ranked by a success rate, with intervals and empirical-Bayes shrinkage.

    Each rep's rate gets a Wilson interval; the ``shrunk`` rate pulls small samples towards the
    team rate (a beta-binomial prior fitted to all reps by the method of moments), and the
    table is ranked by it. ``vs_team`` says whether the rep's interval excludes the team rate.

    Returns
    -------
    pandas.DataFrame
        Per rep: ``n``, ``successes``, ``rate``, ``low``, ``high``, ``shrunk``, ``rank``,
        ``vs_team`` ("above", "below" or "not distinguishable").
    """
    data = require_frame(frame, "frame")
    require_columns(data, [rep_col, outcome_col], "frame")
    data = data.dropna(subset=[rep_col])
    require_rows(data, "frame")
    y = data[outcome_col]
    if not (pd.api.types.is_bool_dtype(y.dtype) or set(pd.unique(y.dropna())) <= {0, 1}):
        raise ValueError(f"column {outcome_col!r} must be boolean or 0/1")
    table = y.astype(int).groupby(data[rep_col].astype(str)).agg(["size", "sum"])
    table.columns = ["n", "successes"]
    table["rate"] = table["successes"] / table["n"]
    table["low"], table["high"] = wilson(table["successes"], table["n"], ci)
    team = table["successes"].sum() / table["n"].sum()
    # method-of-moments beta prior: between-rep variance beyond binomial noise
    var = np.average((table["rate"] - team) ** 2, weights=table["n"])
    noise = team * (1 - team) * np.mean(1 / table["n"])
    between = max(var - noise, 1e-9)
    strength = max(team * (1 - team) / between - 1, 0.0)
    table["shrunk"] = (table["successes"] + strength * team) / (table["n"] + strength)
    table["rank"] = table["shrunk"].rank(ascending=False, method="min").astype(int)
    table["vs_team"] = np.select(
        [table["low"] > team, table["high"] < team],
        ["above", "below"],
        default="not distinguishable",
    )
    table.attrs["team_rate"] = team
    table.index.name = rep_col
    return table.sort_values("rank")
