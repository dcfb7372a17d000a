"""segment_actions: which team acts on each segment, from its share of future value and
P(alive) (the rule notebook 01b's plan applies)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.clv import (
    SEGMENT_ACTIONS,
    clv_by_segment,
    customer_lifetime_value,
    fit_bgnbd,
    fit_gamma_gamma,
    segment_actions,
)
from research.segmentation import SegmentValue, rfm_segments


def _by_segment(**changes: list) -> SegmentValue:
    table = pd.DataFrame(
        {
            "customers": [10, 20, 30, 0, 40],
            "value_share": [0.5, 0.3, 0.15, 0.0, 0.05],
            "p_alive": [0.9, 0.2, 0.95, np.nan, 0.1],
        },
        index=pd.Index(["best", "fading", "steady", "empty", "rest"], name="segment"),
    )
    return SegmentValue(table.assign(**changes), 0.95, 100, "clv")


def test_segment_actions_hand_checked() -> None:
    by_segment = _by_segment()
    table = by_segment.table
    before = table.copy()
    out = segment_actions(by_segment)
    pd.testing.assert_frame_equal(table, before)
    # four segments with customers: an equal share is 25%
    assert out.name == "who acts" and out.index.equals(table.index)
    assert out["best"] == SEGMENT_ACTIONS["grow"]
    assert out["fading"] == SEGMENT_ACTIONS["save"]
    assert out["steady"] == SEGMENT_ACTIONS["automate"]  # active, but below an equal share
    assert out["rest"] == SEGMENT_ACTIONS["automate"]
    assert pd.isna(out["empty"])
    stricter = segment_actions(by_segment, alive_threshold=0.95)
    assert stricter["best"] == SEGMENT_ACTIONS["save"]


def test_segment_actions_reads_the_equal_share_of_the_result() -> None:
    # the rule's "equal share" is the result's own figure (what notebook 01b writes), over
    # the segments with customers: four here, the empty one left out
    by_segment = _by_segment()
    assert by_segment.equal_share == 0.25
    # a segment exactly at an equal share is not above it: automation
    at_equal = _by_segment(value_share=[0.25, 0.3, 0.15, 0.0, 0.3])
    assert segment_actions(at_equal)["best"] == SEGMENT_ACTIONS["automate"]
    just_above = _by_segment(value_share=[0.2500001, 0.3, 0.15, 0.0, 0.2999999])
    assert segment_actions(just_above)["best"] == SEGMENT_ACTIONS["grow"]


def test_segment_actions_on_cdnow(cdnow_calibration: pd.DataFrame) -> None:
    summary = cdnow_calibration
    clv = customer_lifetime_value(
        fit_bgnbd(summary), fit_gamma_gamma(summary), summary, unit_days=7
    )
    segments = rfm_segments(summary)["segment"]
    by_segment = clv_by_segment(clv, segments)
    table = by_segment.to_frame()
    mean_alive = clv["p_alive"].groupby(segments, observed=False).mean()
    pd.testing.assert_series_equal(table["p_alive"], mean_alive, check_names=False)
    out = segment_actions(by_segment)
    present = table["customers"] > 0
    equal = 1 / present.sum()
    for name, row in table[present].iterrows():
        valuable, active = row["value_share"] > equal, row["p_alive"] >= 0.5
        key = "grow" if valuable and active else "save" if valuable else "automate"
        assert out[name] == SEGMENT_ACTIONS[key]
    assert out[~present].isna().all()
    assert out[present].isin(SEGMENT_ACTIONS.values()).all()


def test_segment_actions_bad_input() -> None:
    by_segment = _by_segment()
    with pytest.raises(TypeError, match="by_segment must be a SegmentValue"):
        segment_actions(by_segment.table)
    without = SegmentValue(by_segment.table.drop(columns="p_alive"), 0.95, 100, "total_spend")
    with pytest.raises(ValueError, match="'p_alive'.*customer_lifetime_value"):
        segment_actions(without)
    with pytest.raises(ValueError, match="missing or infinite"):
        segment_actions(_by_segment(p_alive=[0.9, np.nan, 0.95, np.nan, 0.1]))
    for threshold in (0.0, 1.0, "0.5"):
        with pytest.raises(ValueError, match="alive_threshold"):
            segment_actions(by_segment, alive_threshold=threshold)  # type: ignore[arg-type]
