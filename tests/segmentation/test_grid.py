"""rfm_grid: customers per (R, FM) cell and the cell's segment, the numbers the RFM grid draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.segmentation import RFM_SEGMENT_RULES, RfmGrid, rfm_grid, rfm_segments
from research.segmentation.plotting import plot_rfm_grid
from tests._charts import _by_gid
from tests.segmentation._helpers import summarise


def _segmented() -> pd.DataFrame:
    """Six customers in three cells of the default grid."""
    cells = [(5, 5, "champions")] * 3 + [(1, 1, "lost")] * 2 + [(3, 3, "need attention")]
    return pd.DataFrame(cells, columns=["r_score", "fm_score", "segment"])


def test_rfm_grid_hand_checked() -> None:
    grid = rfm_grid(_segmented())
    assert isinstance(grid, RfmGrid) and grid.bins == 5 and grid.n_customers == 6
    assert grid.counts.loc[5, 5] == 3 and grid.counts.loc[1, 1] == 2
    assert grid.counts.loc[3, 3] == 1 and grid.counts.to_numpy().sum() == 6
    assert list(grid.counts.index) == [5, 4, 3, 2, 1]  # most recent on top, as drawn
    assert list(grid.counts.columns) == [1, 2, 3, 4, 5]
    assert grid.cell_segments.loc[5, 5] == "champions" and grid.cell_segments.loc[5, 1] == "new"
    assert grid.segment_customers["champions"] == 3 and grid.segment_customers["new"] == 0
    assert list(grid.segment_customers.index) == RFM_SEGMENT_RULES["segment"].tolist()
    long = grid.to_frame()
    assert list(long.columns) == ["r_score", "fm_score", "segment", "customers"]
    assert len(long) == 25 and long["customers"].sum() == 6
    row = long[(long["r_score"] == 1) & (long["fm_score"] == 1)].iloc[0]
    assert row["segment"] == "lost" and row["customers"] == 2


def test_rfm_grid_uncovered_cells_are_unclassified() -> None:
    rules = pd.DataFrame(
        {"segment": ["top"], "r_min": [4], "r_max": [5], "fm_min": [1], "fm_max": [5]}
    )
    data = pd.DataFrame(
        {"r_score": [5, 4, 1], "fm_score": [1, 5, 1], "segment": ["top", "top", "unclassified"]}
    )
    grid = rfm_grid(data, rules)
    assert grid.cell_segments.loc[1, 1] == "" and grid.cell_segments.loc[4, 3] == "top"
    assert grid.segment_customers.to_dict() == {"top": 2, "unclassified": 1}


def test_rfm_grid_chart_draws_the_result() -> None:
    grid = rfm_grid(_segmented())
    fig = grid.plot(title="grid")
    for r in range(1, 6):
        for f in range(1, 6):
            assert _by_gid(fig, f"count-R{r}-FM{f}").get_text() == f"{grid.counts.loc[r, f]:,}"
            segment = grid.cell_segments.loc[r, f] or "no rule"
            label = _by_gid(fig, f"segment-R{r}-FM{f}").get_text().replace("\n", " ")
            assert label == segment


def test_rfm_grid_cdnow(cdnow_master: pd.DataFrame) -> None:
    summary, _ = summarise(cdnow_master)
    segmented = rfm_segments(summary)
    grid = rfm_grid(segmented)
    expected = pd.crosstab(segmented["r_score"], segmented["fm_score"])
    expected = expected.reindex(index=range(5, 0, -1), columns=range(1, 6), fill_value=0)
    np.testing.assert_array_equal(grid.counts.to_numpy(), expected.to_numpy())
    # 23,570 customers, less the 68 whose only lines are of value 0
    assert grid.n_customers == len(segmented) == 23_502
    counts = segmented["segment"].value_counts()
    for name, n in grid.segment_customers.items():
        assert n == counts.get(name, 0)
    assert "<table" in grid._repr_html_() and "23,502 customers" in grid._repr_html_()
    assert repr(grid).startswith("RFM grid: 23,502 customers in 5 x 5 cells")


def test_rfm_grid_bad_input() -> None:
    data = _segmented()
    with pytest.raises(TypeError, match="segmented must be a pandas DataFrame"):
        rfm_grid(data.to_dict())
    with pytest.raises(ValueError, match="'fm_score'"):
        rfm_grid(data.drop(columns="fm_score"))
    with pytest.raises(ValueError, match="empty"):
        rfm_grid(data.iloc[:0])
    with pytest.raises(ValueError, match="integer scores >= 1"):
        rfm_grid(data.assign(r_score=data["r_score"] - 0.5))
    with pytest.raises(ValueError, match="rules used by rfm_segments"):
        rfm_grid(data.assign(segment="lost"))
    overlapping = pd.DataFrame(
        {
            "segment": ["a", "b"],
            "r_min": [1, 3],
            "r_max": [5, 5],
            "fm_min": [1, 1],
            "fm_max": [5, 5],
        }
    )
    with pytest.raises(ValueError, match="rules overlap"):
        rfm_grid(data, overlapping)
    with pytest.raises(ValueError, match="missing score bounds"):
        rfm_grid(data, overlapping.assign(r_max=[5, np.nan]))
    # the chart draws the analysis' result, and nothing else
    with pytest.raises(TypeError, match=r"grid must be a RfmGrid \(the result of .*rfm_grid"):
        plot_rfm_grid(data)
