"""league_table: hand-checked shrinkage and ranks, the result object, and bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from research.funnel import LeagueTable, league_table
from tests._stats_helpers import wilson


@pytest.fixture
def deals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rep": ["a"] * 100 + ["b"] * 100 + ["c"] * 4,
            "won": [1] * 45 + [0] * 55 + [1] * 20 + [0] * 80 + [1] * 4,
        }
    )


def test_league_table_hand_checked(deals: pd.DataFrame) -> None:
    result = league_table(deals, rep_col="rep")
    assert isinstance(result, LeagueTable)
    table = result.table
    team = 69 / 204
    assert result.team_rate == pytest.approx(team)
    assert not table.attrs  # the team rate is on the result, not hidden in attrs
    assert table.loc["c", "rate"] == 1.0
    # c won 4 of 4: shrunk towards the team, it is not ranked above a, who won 45 of 100
    assert team < table.loc["c", "shrunk"] < 1.0
    strength = result.prior_strength
    assert table.loc["c", "shrunk"] == pytest.approx((4 + strength * team) / (4 + strength))
    assert table.loc["a", "rank"] == 1
    # c won 4 of 4: its interval (51% to 100%) lies above the team, small as its sample is
    assert result.above == ["a", "c"] and result.below == ["b"]
    assert (table.loc["a", "low"], table.loc["a", "high"]) == pytest.approx(wilson(45, 100))
    assert result.n == 204 and (result.rep_col, result.outcome_col) == ("rep", "won")
    assert "team rate 33.8%" in result._caption()


def test_league_table_level_and_defaults(deals: pd.DataFrame) -> None:
    result = league_table(deals.rename(columns={"rep": "owner"}), ci=0.8)
    assert result.rep_col == "owner" and result.ci == 0.8
    a = result.table.loc["a"]
    assert (a["low"], a["high"]) == pytest.approx(wilson(45, 100, ci=0.8))


def test_league_table_bad_input(deals: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="must be binary"):
        league_table(deals.assign(won=2), rep_col="rep")
    with pytest.raises(ValueError, match="'won' of frame has 1 missing values"):
        league_table(deals.assign(won=[None] + [1] * 203), rep_col="rep")
    with pytest.raises(ValueError, match="no column 'owner'"):
        league_table(deals)
    with pytest.raises(ValueError, match="ci must be between 0 and 1"):
        league_table(deals, rep_col="rep", ci=0)
    with pytest.raises(ValueError, match="rows with a 'rep'.*is empty"):
        league_table(deals.assign(rep=None), rep_col="rep")
    with pytest.raises(TypeError, match="positional"):
        league_table(deals, "rep", "won")


def test_league_table_html_escapes_the_reps_names(deals: pd.DataFrame) -> None:
    hostile = deals.assign(rep=deals["rep"].map({"a": "<b>a</b>", "b": "<img src=x>", "c": "c"}))
    html = league_table(hostile, rep_col="rep")._repr_html_()
    assert "<img" not in html and "&lt;img src=x&gt;" in html
    assert "3 values of rep ranked on won over 204 cases" in html
