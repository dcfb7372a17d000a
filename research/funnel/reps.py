"""League tables of reps with intervals and shrunk rates.

* :func:`league_table`: reps ranked with intervals and shrinkage, so small samples are not
  ranked as if they were certain (:class:`LeagueTable`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from research._columns import OWNER_COL, WON_COL
from research._format import _pct1, ci_label
from research._results import Result
from research._stats import wilson
from research._validation import check_ci, require_columns, require_frame, require_rows
from research.funnel._stages import _binary_outcome

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "league_table",
    "LeagueTable",
]


@dataclass(frozen=True, eq=False, repr=False)
class LeagueTable(Result):
    """Reps ranked by a success rate: the result of :func:`league_table`.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by rep (named ``rep_col``), in rank order: ``n``, ``successes``, ``rate`` with
        its Wilson interval ``low``, ``high``, ``shrunk`` (the rate pulled towards the team
        rate), ``rank`` (by the shrunk rate) and ``vs_team`` ("above", "below" or "not
        distinguishable": whether the rep's interval excludes the team rate).
    team_rate : float
        All successes over all cases (the reps pooled).
    prior_strength : float
        The weight, in cases, of the team rate in each shrunk rate (the beta prior's
        ``a + b``, fitted to the reps by the method of moments).
    rep_col, outcome_col : str
        The columns ranked by and on.
    ci : float
        Level of the Wilson intervals.
    """

    table: pd.DataFrame
    team_rate: float
    prior_strength: float
    rep_col: str
    outcome_col: str
    ci: float

    @property
    def n(self) -> int:
        """Cases over all reps."""
        return int(self.table["n"].sum())

    @property
    def above(self) -> list[str]:
        """The reps whose interval lies above the team rate."""
        return self.table.index[self.table["vs_team"] == "above"].tolist()

    @property
    def below(self) -> list[str]:
        """The reps whose interval lies below the team rate."""
        return self.table.index[self.table["vs_team"] == "below"].tolist()

    def _caption(self) -> str:
        return (
            f"{len(self.table):,} values of {self.rep_col} ranked on {self.outcome_col} over "
            f"{self.n:,} cases: team rate {_pct1(self.team_rate)} ({ci_label(self.ci)} Wilson "
            "intervals, rates shrunk towards the team)"
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.funnel.plotting.plot_league_table` of this result."""
        from research.funnel.plotting import plot_league_table

        return plot_league_table(self, ax=ax, **kwargs)


def league_table(
    frame: pd.DataFrame,
    *,
    rep_col: str = OWNER_COL,
    outcome_col: str = WON_COL,
    ci: float = 0.95,
) -> LeagueTable:
    """Reps ranked by a success rate, with intervals and empirical-Bayes shrinkage.

    Each rep's rate gets a Wilson interval; the ``shrunk`` rate pulls small samples towards the
    team rate (a beta-binomial prior fitted to all reps by the method of moments), and the
    table is ranked by it. ``vs_team`` says whether the rep's interval excludes the team rate.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per case (a closed deal, an MQL, ...); rows without a rep are left out. Not
        modified.
    rep_col : str, default "owner"
        The rep (or team) column.
    outcome_col : str, default "won"
        Boolean (or 0/1) success.
    ci : float, default 0.95
        Level of the Wilson intervals, in (0, 1).

    Returns
    -------
    LeagueTable

    Raises
    ------
    TypeError
        ``frame`` is not a DataFrame.
    ValueError
        A column is missing, no row has a rep, the outcome is not 0/1, or ``ci`` is outside
        (0, 1).

    Examples
    --------
    >>> deals = pd.DataFrame({"owner": ["a"] * 4 + ["b"] * 2, "won": [1, 1, 0, 0, 1, 0]})
    >>> result = league_table(deals)
    >>> result.team_rate, result.table["n"].tolist()
    (0.5, [4, 2])
    """
    data = require_frame(frame, "frame")
    require_columns(data, [rep_col, outcome_col], "frame")
    ci = check_ci(ci)
    data = data.dropna(subset=[rep_col])
    require_rows(data, f"frame (rows with a {rep_col!r})")
    y = pd.Series(_binary_outcome(data, outcome_col, "frame"), index=data.index)
    table = y.groupby(data[rep_col].astype(str)).agg(["size", "sum"])
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
    table.index.name = rep_col
    return LeagueTable(
        table.sort_values("rank"), float(team), float(strength), rep_col, outcome_col, ci
    )
