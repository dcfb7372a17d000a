"""olist_mql_features: what is known about an Olist MQL at MQL time, shared by notebooks 02
and 04."""

from __future__ import annotations

import pandas as pd
import pytest

from research.data import (
    OLIST_MQL_FEATURES,
    OLIST_POST_OUTCOME_COLUMNS,
    load_olist_funnel,
    olist_mql_features,
)


def _mqls() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "mql_id": ["m1", "m2", "m3"],
            "first_contact_date": pd.to_datetime(["2018-01-01", "2018-01-06", "2018-01-07"]),
            "landing_page_id": ["abcdef0123456789", "abcdef0123456789", "ffff000011112222"],
            "origin": ["paid_search", None, "unknown"],
        },
        index=[10, 11, 12],
    )


def test_olist_mql_features_hand_checked() -> None:
    frame = _mqls()
    out = olist_mql_features(frame)
    assert out.columns.tolist() == list(OLIST_MQL_FEATURES)
    assert out.index.tolist() == [10, 11, 12]
    assert out["origin"].tolist() == ["paid_search", "(missing)", "unknown"]
    assert out["landing_page"].tolist() == ["abcdef01", "abcdef01", "ffff0000"]
    assert out["contact_weekday"].tolist() == ["Monday", "Saturday", "Sunday"]


def test_olist_mql_features_on_olist(mirror) -> None:
    olist = load_olist_funnel()
    out = olist_mql_features(olist)
    assert len(out) == len(olist) == 8_000
    assert (out["origin"] == "(missing)").sum() == olist["origin"].isna().sum() == 60
    assert (out["origin"] == "unknown").sum() == 1_099  # the file's own label, kept apart
    assert out["landing_page"].nunique() == olist["landing_page_id"].nunique() == 495
    assert not set(out.columns) & set(OLIST_POST_OUTCOME_COLUMNS)  # no leakage


def test_olist_mql_features_bad_input() -> None:
    frame = _mqls()
    with pytest.raises(TypeError, match="olist must be a pandas DataFrame"):
        olist_mql_features(frame.to_dict())
    with pytest.raises(ValueError, match="'landing_page_id'"):
        olist_mql_features(frame.drop(columns="landing_page_id"))
    with pytest.raises(ValueError, match="must hold dates"):
        olist_mql_features(frame.assign(first_contact_date="2018-01-01"))
    clash = frame.assign(landing_page_id=["abcdef01aaaa", "abcdef01bbbb", "x"])
    with pytest.raises(ValueError, match="share their first 8 characters"):
        olist_mql_features(clash)
