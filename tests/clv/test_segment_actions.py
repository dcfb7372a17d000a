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
from research.segmentation import rfm_segments


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customers": [10, 20, 30, 0, 40],
            "value_share": [0.5, 0.3, 0.15, 0.0, 0.05],
            "p_alive": [0.9, 0.2, 0.95, np.nan, 0.1],
        },
        index=pd.Index(["best", "fading", "steady", "empty", "rest"], name="segment"),
    )


def test_segment_actions_hand_checked() -> None:
    table = _table()
    before = table.copy()
    out = segment_actions(table)
    pd.testing.assert_frame_equal(table, before)
    # four segments with customers: an equal share is 25%
    assert out.name == "who acts" and out.index.equals(table.index)
    assert out["best"] == SEGMENT_ACTIONS["grow"]
    assert out["fading"] == SEGMENT_ACTIONS["save"]
    assert out["steady"] == SEGMENT_ACTIONS["automate"]  # active, but below an equal share
    assert out["rest"] == SEGMENT_ACTIONS["automate"]
    assert pd.isna(out["empty"])
    stricter = segment_actions(table, alive_threshold=0.95)
    assert stricter["best"] == SEGMENT_ACTIONS["save"]


def test_segment_actions_on_cdnow(cdnow_calibration: pd.DataFrame) -> None:
    summary = cdnow_calibration
    clv = customer_lifetime_value(
        fit_bgnbd(summary), fit_gamma_gamma(summary), summary, unit_days=7
    )
    segments = rfm_segments(summary)["segment"]
    by_segment = clv_by_segment(clv, segments)
    by_segment["p_alive"] = clv["p_alive"].groupby(segments, observed=False).mean()
    out = segment_actions(by_segment)
    present = by_segment["customers"] > 0
    equal = 1 / present.sum()
    for name, row in by_segment[present].iterrows():
        valuable, active = row["value_share"] > equal, row["p_alive"] >= 0.5
        key = "grow" if valuable and active else "save" if valuable else "automate"
        assert out[name] == SEGMENT_ACTIONS[key]
    assert out[~present].isna().all()
    assert out[present].isin(SEGMENT_ACTIONS.values()).all()


def test_segment_actions_bad_input() -> None:
    table = _table()
    with pytest.raises(TypeError, match="by_segment must be a pandas DataFrame"):
        segment_actions(table.to_dict())
    with pytest.raises(ValueError, match="'p_alive'"):
        segment_actions(table.drop(columns="p_alive"))
    with pytest.raises(ValueError, match="empty"):
        segment_actions(table.iloc[:0])
    with pytest.raises(ValueError, match="missing or infinite"):
        segment_actions(table.assign(p_alive=[0.9, np.nan, 0.95, np.nan, 0.1]))
    with pytest.raises(ValueError, match="alive_threshold"):
        segment_actions(table, alive_threshold=1.0)
