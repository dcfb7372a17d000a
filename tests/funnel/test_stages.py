"""funnel and compare_conversion: hand-checked counts and intervals, the Olist figures, the result
objects, and bad input."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from research._results import Summary
from research.funnel import CORRECTIONS, Funnel, GroupComparison, compare_conversion, funnel
from tests._stats_helpers import wilson


@pytest.fixture
def tiny() -> pd.DataFrame:
    t = pd.Timestamp("2024-01-01")
    d = pd.Timedelta(days=1)
    return pd.DataFrame(
        {
            "lead_id": ["a", "b", "c", "d", "e"],
            "source": ["ads", "ads", "ads", "web", "web"],
            "created": [t, t, t + 40 * d, t, t + 40 * d],
            "mql": [t + d, t + d, t + 41 * d, None, None],
            "sql": [t + 2 * d, None, None, None, None],
        }
    ).astype({"mql": "datetime64[us]", "sql": "datetime64[us]"})


# -- funnel ---------------------------------------------------------------------------------------


def test_funnel_hand_checked(tiny: pd.DataFrame) -> None:
    before = tiny.copy()
    result = funnel(tiny, ["created", "mql", "sql"], names=["lead", "MQL", "SQL"])
    pd.testing.assert_frame_equal(tiny, before)
    assert isinstance(result, Funnel)
    assert (result.n, result.ci, result.stages, result.groups) == (
        5,
        0.95,
        ("lead", "MQL", "SQL"),
        (),
    )
    table = result.table
    assert table["entered"].tolist() == [5, 3, 1]
    assert table["converted"].tolist()[:2] == [3, 1]
    assert table["conversion"].tolist()[:2] == pytest.approx([0.6, 1 / 3])
    assert (table["low"].iloc[0], table["high"].iloc[0]) == pytest.approx(wilson(3, 5))
    assert (table["low"].iloc[1], table["high"].iloc[1]) == pytest.approx(wilson(1, 3))
    assert table["from_top"].tolist() == pytest.approx([1, 0.6, 0.2])
    assert table["lost"].tolist()[:2] == [2, 2]
    assert table["bottleneck"].tolist() == [False, True, False]  # MQL -> SQL is the worst step
    assert result.bottlenecks["stage"].tolist() == ["MQL"]
    # no groups: the funnel is its own pooled funnel, but a table of its own (not the same
    # object: writing to one must not change the other)
    pd.testing.assert_frame_equal(result.overall, table)
    kept = table.copy()
    result.overall.loc[0, "entered"] = -1
    pd.testing.assert_frame_equal(result.table, kept)
    # to_frame() is a copy the caller may change
    frame = result.to_frame()
    pd.testing.assert_frame_equal(frame, kept)
    frame.loc[0, "conversion"] = 2.0
    frame["extra"] = 1
    pd.testing.assert_frame_equal(result.table, kept)


def test_funnel_interval_level_is_the_results(tiny: pd.DataFrame) -> None:
    result = funnel(tiny, ["created", "mql"], ci=0.9)
    assert result.ci == 0.9
    row = result.table.iloc[0]
    assert (row["low"], row["high"]) == pytest.approx(wilson(3, 5, ci=0.9))
    assert "90% Wilson intervals" in result._caption()


def test_funnel_by_group_and_cohort_with_the_pooled_funnel(tiny: pd.DataFrame) -> None:
    result = funnel(tiny, ["created", "mql"], by="source")
    assert result.groups == ("source",)
    by = result.table.set_index(["source", "step"])
    assert by.loc[("ads", 1), "entered"] == 3 and by.loc[("ads", 1), "converted"] == 3
    assert by.loc[("web", 1), "entered"] == 2 and by.loc[("web", 1), "converted"] == 0
    # the pooled funnel: the groups' counts summed, the rate and interval from the sums
    pooled = result.overall.iloc[0]
    assert (pooled["entered"], pooled["converted"]) == (5, 3)
    assert pooled["conversion"] == pytest.approx(0.6)
    assert (pooled["low"], pooled["high"]) == pytest.approx(wilson(3, 5))
    pd.testing.assert_frame_equal(
        result.overall, funnel(tiny, ["created", "mql"]).table, check_dtype=False
    )
    cohorts = funnel(tiny, ["created", "mql"], cohort="created")
    assert cohorts.groups == ("cohort",)
    table = cohorts.table.set_index(["cohort", "step"])
    jan, feb = pd.Period("2024-01", "M"), pd.Period("2024-02", "M")
    assert table.loc[(jan, 1), "entered"] == 3 and table.loc[(jan, 1), "converted"] == 2
    assert table.loc[(feb, 1), "entered"] == 2 and table.loc[(feb, 1), "converted"] == 1
    assert "by cohort" in cohorts._caption()


def test_funnel_result_is_frozen_and_its_html_escaped(tiny: pd.DataFrame) -> None:
    hostile = tiny.assign(source=["<script>alert(1)</script>"] * 5)
    result = funnel(hostile, ["created", "mql"], by="source")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.ci = 0.5  # type: ignore[misc]
    html = result._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "5 leads through 2 stages" in html


def test_funnel_bad_input(tiny: pd.DataFrame) -> None:
    skipped = tiny.copy()
    skipped.loc[3, "sql"] = pd.Timestamp("2024-01-05")  # SQL without MQL
    with pytest.raises(
        ValueError, match=r"1 rows reached stage 'sql' without stage 'mql' \(rows 3\)"
    ):
        funnel(skipped, ["created", "mql", "sql"])
    backwards = tiny.copy()
    backwards.loc[0, "mql"] = pd.Timestamp("2023-12-01")
    with pytest.raises(ValueError, match=r"'mql' before 'created' \(rows 0\)"):
        funnel(backwards, ["created", "mql", "sql"])
    dup = pd.concat([tiny, tiny.iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match="duplicated 'lead_id'.*'a'"):
        funnel(dup, ["created", "mql"])
    with pytest.raises(ValueError, match="no column 'won'"):
        funnel(tiny, ["created", "won"])
    with pytest.raises(ValueError, match="at least two"):
        funnel(tiny, ["created"])
    with pytest.raises(TypeError, match="stages must be a list"):
        funnel(tiny, "created")
    with pytest.raises(TypeError, match="cohort column 'source' of leads must hold dates"):
        funnel(tiny, ["created", "mql"], cohort="source")
    with pytest.raises(ValueError, match="names has 1 entries for 2 stages"):
        funnel(tiny, ["created", "mql"], names=["lead"])
    for ci in (1.5, 0, "0.9", True):
        with pytest.raises(ValueError, match="ci must be between 0 and 1"):
            funnel(tiny, ["created", "mql"], ci=ci)
    with pytest.raises(TypeError, match="leads must be a pandas DataFrame"):
        funnel(tiny.to_dict(), ["created", "mql"])


def test_funnel_on_olist(olist: pd.DataFrame) -> None:
    # the real file has one deal won 1.2 days before its first contact date: found and named
    with pytest.raises(ValueError, match=r"1 rows have 'won_date' before.*rows 6357"):
        funnel(olist, ["first_contact_date", "won_date"], lead_col="mql_id")
    result = funnel(
        olist,
        ["first_contact_date", "won_date"],
        names=["MQL", "won"],
        lead_col="mql_id",
        check_order=False,
    )
    mql = result.table.iloc[0]
    assert (mql["entered"], mql["converted"]) == (8_000, 842)
    assert mql["conversion"] == pytest.approx(0.10525)
    assert (mql["low"], mql["high"]) == pytest.approx(wilson(842, 8_000))
    by_origin = funnel(
        olist.fillna({"origin": "(missing)"}),
        ["first_contact_date", "won_date"],
        by="origin",
        lead_col="mql_id",
        check_order=False,
    )
    first = by_origin.table[by_origin.table["step"] == 1].set_index("origin")
    assert first["entered"].sum() == 8_000 and first["converted"].sum() == 842
    assert first.loc["organic_search", "entered"] == 2_296
    pooled = by_origin.overall.iloc[0]
    assert (pooled["entered"], pooled["converted"]) == (8_000, 842)


# -- compare_conversion ---------------------------------------------------------------------------


def test_compare_conversion_hand_checked() -> None:
    leads = pd.DataFrame(
        {
            "mql": [True] * 30,
            "sql": [True] * 8 + [False] * 2 + [True] * 2 + [False] * 8 + [True] * 5 + [False] * 5,
            "team": ["a"] * 10 + ["b"] * 10 + ["c"] * 10,
        }
    )
    result = compare_conversion(leads, "mql", "sql", by="team", ci=0.9)
    assert isinstance(result, GroupComparison)
    t = result.table
    assert t.index.name == "team"
    assert t["leads"].tolist() == [10, 10, 10] and t["conversions"].tolist() == [8, 2, 5]
    assert (t.loc["a", "low"], t.loc["a", "high"]) == pytest.approx(wilson(8, 10, ci=0.9))
    chi2, p, dof, _ = stats.chi2_contingency([[8, 2], [2, 8], [5, 5]])
    assert (result.chi2, result.p_value, result.dof) == pytest.approx((chi2, p, dof))
    assert result.overall_rate == pytest.approx(15 / 30) and result.n == 30
    assert result.differ == (p < 0.05)
    assert len(result.pairwise) == 3
    assert result.n_significant == int(result.pairwise["significant"].sum())
    summary = result.summary()
    assert isinstance(summary, Summary)
    assert summary.table("pairwise tests").shape == (3, 9)
    assert "90% Wilson intervals" in result._caption()


def test_compare_conversion_on_olist(olist: pd.DataFrame) -> None:
    result = compare_conversion(
        olist.dropna(subset=["origin"]),
        "first_contact_date",
        "won_date",
        by="origin",
        min_leads=100,
        check_order=False,
    )
    counts = result.table
    table = np.column_stack([counts["conversions"], counts["leads"] - counts["conversions"]])
    chi2, p, dof, _ = stats.chi2_contingency(table)
    assert (result.chi2, result.dof, result.p_value) == pytest.approx((chi2, dof, p))
    assert result.differ
    pairs = result.pairwise
    assert len(pairs) == len(counts) * (len(counts) - 1) // 2
    assert (pairs["p_adjusted"] >= pairs["p_value"] - 1e-15).all()
    assert pairs["significant"].equals(pairs["p_adjusted"] < 0.05)


def test_compare_conversion_bad_input(tiny: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="at least two groups"):
        compare_conversion(tiny, "created", "mql", by="source", min_leads=3)
    with pytest.raises(ValueError, match="method must be one of 'holm'"):
        compare_conversion(tiny, "created", "mql", by="source", method="holmes")
    with pytest.raises(ValueError, match=r"alpha must be a share in \(0, 1\)"):
        compare_conversion(tiny, "created", "mql", by="source", alpha=5)
    with pytest.raises(ValueError, match="min_leads must be an integer >= 1"):
        compare_conversion(tiny, "created", "mql", by="source", min_leads=0.5)
    with pytest.raises(ValueError, match="ci must be between 0 and 1"):
        compare_conversion(tiny, "created", "mql", by="source", ci=95)
    with pytest.raises(ValueError, match="no column 'channel'"):
        compare_conversion(tiny, "created", "mql", by="channel")
    assert "fdr_bh" in CORRECTIONS
    # the group column is named, never taken by position (a fourth positional argument could
    # be read as a stage or a level)
    with pytest.raises(TypeError, match="positional argument"):
        compare_conversion(tiny, "created", "mql", "source")  # type: ignore[misc]


def test_a_missing_group_value_is_a_group_of_its_own() -> None:
    leads = pd.DataFrame(
        {
            "mql": [True, True, True, True],
            "sql": [True, False, True, True],
            "source": pd.array(["ads", "ads", None, None], dtype="string"),
        }
    )
    result = funnel(leads, ["mql", "sql"], by="source", lead_col=None)
    first = result.table[result.table["step"] == 1]
    assert first["entered"].tolist() == [2, 2] and first["converted"].tolist() == [1, 2]
    assert first["source"].isna().tolist() == [False, True]
    assert first["bottleneck"].tolist() == [True, True]  # each group has its own bottleneck
