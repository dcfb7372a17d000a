"""cycle_length: Kaplan-Meier by hand, open deals censored, the Olist figures, and bad input."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from research._results import Summary
from research.funnel import CycleLength, cycle_length


def test_cycle_length_hand_checked() -> None:
    start = pd.Timestamp("2024-01-01")
    frame = pd.DataFrame(
        {"start": [start] * 5, "end": [start + pd.Timedelta(days=d) for d in (1, 2, 3, 4, 5)]}
    )
    frame.loc[2, "end"] = pd.NaT  # still open: followed up to the data end, day 10
    # a data end before some rows ended is refused
    with pytest.raises(ValueError, match=r"2 rows have times after data_end.*rows 3, 4"):
        cycle_length(frame, start_col="start", end_col="end", data_end=start + pd.Timedelta(days=3))
    end = start + pd.Timedelta(days=10)
    result = cycle_length(frame, start_col="start", end_col="end", data_end=end)
    assert isinstance(result, CycleLength)
    assert (result.n, result.ci, result.data_end, result.by) == (5, 0.95, end, None)
    assert result.chi2 is None and result.p_value is None  # no groups: no test
    row = result.table.iloc[0]
    assert (row["n"], row["events"], row["censored"], row["dropped"]) == (5, 4, 1, 0)
    # Kaplan-Meier by hand: S(1) = 4/5, S(2) = 3/5, S(4) = 3/5 x 2/3, S(5) = 2/5 x 1/2;
    # the median is the first time S drops to 0.5 or below: day 4
    curve = result.curves.set_index("days")["share_open"]
    assert curve[1.0] == pytest.approx(0.8) and curve[2.0] == pytest.approx(0.6)
    assert curve[4.0] == pytest.approx(0.4) and curve[5.0] == pytest.approx(0.2)
    assert row["median_days"] == pytest.approx(4.0)
    pd.testing.assert_frame_equal(result.to_frame(), result.table)
    summary = result.summary()
    assert isinstance(summary, Summary)
    assert "1 still open on 2024-01-11 (censored)" in summary.title


def test_cycle_length_interval_level() -> None:
    start = pd.Timestamp("2024-01-01")
    frame = pd.DataFrame(
        {"created_at": [start] * 40, "closed_at": [start + pd.Timedelta(days=d) for d in range(40)]}
    )
    wide, narrow = cycle_length(frame, ci=0.99), cycle_length(frame, ci=0.8)
    assert narrow.ci == 0.8 and "80% intervals" in narrow._caption()
    band = (narrow.curves["high"] - narrow.curves["low"]).sum()
    assert band < (wide.curves["high"] - wide.curves["low"]).sum()
    w, n = wide.table.iloc[0], narrow.table.iloc[0]
    assert w["median_low"] <= n["median_low"] <= n["median_high"] <= w["median_high"]


def test_cycle_length_censors_open_deals(crm) -> None:
    end = crm.truth["data_end"]
    result = cycle_length(crm.opportunities, data_end=end)  # created_at to closed_at
    row = result.table.iloc[0]
    open_deals = int((crm.opportunities["status"] == "open").sum())
    assert row["censored"] == open_deals > 0
    # dropping the open deals would bias the median down; censoring keeps them
    closed = crm.opportunities.dropna(subset=["closed_at"])
    naive = ((closed["closed_at"] - closed["created_at"]).dt.total_seconds() / 86_400).median()
    assert row["median_days"] > naive
    by = cycle_length(crm.opportunities, data_end=end, by="status")
    assert set(by.table["group"]) == {"won", "lost", "open"}
    assert by.p_value is not None and by.p_value < 0.01  # won deals take longer
    assert by.n == len(crm.opportunities)


def test_cycle_length_on_olist(olist: pd.DataFrame) -> None:
    cols = {"start_col": "first_contact_date", "end_col": "won_date"}
    with pytest.raises(ValueError, match=r"1 rows end before they start \(rows 6357\)"):
        cycle_length(olist, **cols)
    result = cycle_length(olist, **cols, backwards="drop")
    row = result.table.iloc[0]
    assert (row["events"], row["censored"], row["dropped"]) == (841, 7_158, 1)
    assert math.isnan(row["median_days"])  # nine in ten MQLs never win: no median
    assert result.curves["share_open"].iloc[-1] == pytest.approx(1 - 842 / 8_000, abs=0.02)
    assert "1 dropped" in result._caption()


def test_cycle_length_bad_input() -> None:
    t = pd.Timestamp("2024-01-01")
    frame = pd.DataFrame({"start": [t, t], "end": [t - pd.Timedelta(days=1), pd.NaT]})
    cols = {"start_col": "start", "end_col": "end"}
    with pytest.raises(ValueError, match=r"1 rows end before they start \(rows 0\)"):
        cycle_length(frame, **cols)
    with pytest.raises(TypeError, match="datetime64"):
        cycle_length(frame.assign(end=1.0), **cols)
    with pytest.raises(ValueError, match="backwards must be one of 'raise', 'drop'"):
        cycle_length(frame, **cols, backwards="ignore")
    with pytest.raises(ValueError, match="ci must be between 0 and 1"):
        cycle_length(frame, **cols, ci=1.0)
    with pytest.raises(ValueError, match="'start' is missing for 1 rows"):
        cycle_length(frame.assign(start=[t, pd.NaT]), **cols, backwards="drop")
    with pytest.raises(TypeError, match="positional"):
        cycle_length(frame, "start", "end")  # column names are keyword-only
