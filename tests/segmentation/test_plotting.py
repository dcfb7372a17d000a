"""Tests for research.segmentation.plotting: k selection, RFM grid, profile, value, stability."""

import matplotlib

matplotlib.use("Agg")

import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from scipy import stats

from research.segmentation import (
    RFM_SEGMENT_RULES,
    CustomerSegmenter,
    SegmentProfile,
    SegmentStability,
    SegmentValue,
    rfm_grid,
    rfm_segments,
    segment_value_table,
)
from research.segmentation.plotting import (
    plot_k_selection,
    plot_rfm_grid,
    plot_segment_profile,
    plot_segment_value,
    plot_stability,
)
from tests._charts import (
    _assert_labelled,
    _assert_readable,
    _assert_unchanged,
    _by_gid,
    _deep_copy,
    _texts,
    _title,
)
from tests.segmentation._helpers import summarise

# --------------------------------------------------------------------------------------------
# inputs: small hand-made frames, and the real CDNOW data
# --------------------------------------------------------------------------------------------


def _selection_scores(bic: bool = False) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "k": [3, 4, 5, 6],
            "silhouette": [0.39, 0.41, 0.36, 0.37],
            "calinski_harabasz": [18_800.0, 19_500.0, 16_300.0, 15_200.0],
            "davies_bouldin": [0.88, 0.85, 1.0, 1.04],
        }
    )
    if bic:
        frame["bic"] = [-32_000.0, -73_000.0, -96_000.0, -97_000.0]
    frame["mean_rank"] = [2.0, 1.0, 3.0, 4.0]
    frame["chosen"] = frame["k"] == 4
    return frame


def _segmented() -> pd.DataFrame:
    """Six customers in three cells of the default grid, plus a non-score column."""
    cells = [(5, 5, "champions")] * 3 + [(1, 1, "lost")] * 2 + [(3, 3, "need attention")]
    frame = pd.DataFrame(cells, columns=["r_score", "fm_score", "segment"])
    frame["segment"] = pd.Categorical(
        frame["segment"], categories=RFM_SEGMENT_RULES["segment"].tolist(), ordered=True
    )
    frame["total_spend"] = [500.0, 400.0, 300.0, 10.0, 20.0, 70.0]
    return frame


def _grid():
    return rfm_grid(_segmented())


_NAMES = {1: "recent, frequent", 2: "rare, high spend", 3: "rare, low spend"}


def _value(ci: float = 0.95) -> SegmentValue:
    """The value part of a three-segment clustering's profile, by hand."""
    table = pd.DataFrame(
        {
            "customers": [25, 35, 40],
            "share": [0.25, 0.35, 0.40],
            "value_total": [680.0, 220.0, 100.0],
            "value_share": [0.68, 0.22, 0.10],
            "value_mean": [27.2, 6.29, 2.5],
            "value_mean_low": [20.0, 5.0, 2.0],
            "value_mean_high": [34.0, 7.5, 3.0],
        },
        index=pd.Index([1, 2, 3], name="segment"),
    )
    return SegmentValue(table, ci, 100, "total_spend", _NAMES)


def _profile() -> SegmentProfile:
    value = _value()
    lifts = pd.DataFrame(
        {
            "name": list(_NAMES.values()),
            "customers": [25, 35, 40],
            "share": [0.25, 0.35, 0.40],
            "days_since_last": [80.0, 430.0, 455.0],
            "days_since_last_lift": [0.23, 1.2, 1.25],
            "n_purchases": [7.9, 1.7, 1.5],
            "n_purchases_lift": [2.5, 0.58, 0.5],
        },
        index=value.table.index,
    )
    table = lifts.join(value.table.drop(columns=["customers", "share"]))
    return SegmentProfile(table, ("days_since_last", "n_purchases"), value)


def _stability(ci: float = 0.95) -> SegmentStability:
    table = pd.DataFrame(
        {
            "segment": ["all", "1", "2", "3"],
            "metric": ["adjusted_rand", "jaccard", "jaccard", "jaccard"],
            "estimate": [0.7, 0.9, 0.65, 0.4],
            "low": [0.6, 0.85, 0.5, 0.2],
            "high": [0.8, 0.95, 0.8, 0.6],
            "verdict": [None, "stable", "unclear", "dissolved"],
        }
    )
    return SegmentStability(table, ci, 20, pd.DataFrame(), {1: "recent", 2: "rare"})


@pytest.fixture(scope="module")
def cdnow_summary() -> pd.DataFrame:
    if not os.environ.get("RESEARCH_DATA_HOME"):
        pytest.skip("RESEARCH_DATA_HOME is not set: the real CDNOW data is not available")
    from research.data import load_cdnow

    return summarise(load_cdnow())[0]


@pytest.fixture(scope="module")
def cdnow_segmented(cdnow_summary) -> pd.DataFrame:
    return rfm_segments(cdnow_summary)


@pytest.fixture(scope="module")
def cdnow_segmenter(cdnow_summary) -> CustomerSegmenter:
    subset = cdnow_summary.sample(3_000, random_state=0)
    return CustomerSegmenter(k_range=(3, 4), silhouette_sample=2_000, n_init=3).fit(subset)


# --------------------------------------------------------------------------------------------
# properties shared by every chart
# --------------------------------------------------------------------------------------------

CHARTS = [
    ("k_selection", plot_k_selection, _selection_scores),
    ("rfm_grid", plot_rfm_grid, _grid),
    ("profile", plot_segment_profile, _profile),
    ("value", plot_segment_value, _value),
    ("stability", plot_stability, _stability),
]


@pytest.mark.parametrize(("name", "plot", "make"), CHARTS, ids=[c[0] for c in CHARTS])
def test_chart_returns_closed_figure_and_leaves_input_unchanged(name, plot, make, monkeypatch):
    def no_show(*args, **kwargs):
        raise AssertionError("plt.show() must not be called")

    monkeypatch.setattr(plt, "show", no_show)
    data = make()
    before = _deep_copy(data)
    fig = plot(data)
    assert isinstance(fig, Figure)
    _assert_unchanged(data, before)
    assert plt.get_fignums() == []  # closed in pyplot: a notebook shows it once
    for ax in fig.axes:
        if ax.get_label() != "<colorbar>":
            _assert_labelled(ax)
    _assert_readable(fig)


@pytest.mark.parametrize(("name", "plot", "make"), CHARTS, ids=[c[0] for c in CHARTS])
def test_chart_custom_title(name, plot, make):
    fig = plot(make(), title="My title")
    assert _title(fig).startswith("My title")


@pytest.mark.parametrize("column", ["k", "chosen"])
def test_missing_column_raises_value_error_naming_it(column):
    with pytest.raises(ValueError, match=f"'{column}'"):
        plot_k_selection(_selection_scores().drop(columns=column))


@pytest.mark.parametrize(
    ("plot", "make", "result"),
    [
        (plot_rfm_grid, _segmented, "RfmGrid"),
        (plot_segment_profile, lambda: _profile().table, "SegmentProfile"),
        (plot_segment_value, lambda: _value().table, "SegmentValue"),
        (plot_stability, lambda: _stability().table, "SegmentStability"),
    ],
)
def test_charts_draw_results_not_frames(plot, make, result):
    """A chart draws what an analysis computed: given a table, it says which result it takes."""
    with pytest.raises(TypeError, match=rf"must be a {result} \(the result of research\."):
        plot(make())


@pytest.mark.parametrize(
    ("plot", "make"),
    [
        (plot_rfm_grid, _grid),
        (plot_segment_profile, _profile),
        (plot_segment_value, _value),
        (plot_stability, _stability),
    ],
)
def test_single_axes_charts_draw_on_a_given_axes(plot, make):
    fig = Figure(figsize=(12, 5))
    ax_left, ax_right = fig.subplots(1, 2)
    out = plot(make(), ax=ax_right, title="Right panel")
    assert out is fig
    assert ax_right.has_data() or ax_right.images or ax_right.collections
    assert not ax_left.has_data()
    assert ax_right.get_title("left") == "Right panel"  # the axes' title, not the figure's
    assert not fig.get_suptitle()
    _assert_labelled(ax_right)


# --------------------------------------------------------------------------------------------
# 1. plot_k_selection
# --------------------------------------------------------------------------------------------


def _chosen_lines(ax) -> list:
    return [line for line in ax.lines if line.get_gid() == "chosen-k"]


@pytest.mark.parametrize("bic", [False, True])
def test_k_selection_one_panel_per_criterion_with_chosen_k_marked(bic):
    scores = _selection_scores(bic=bic)
    fig = plot_k_selection(scores)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == (4 if bic else 3)
    assert "4 segments chosen" in fig.get_suptitle()
    expected = ["Silhouette", "Calinski-Harabasz", "Davies-Bouldin"] + (["BIC"] if bic else [])
    for ax, name in zip(axes, expected, strict=True):
        assert ax.get_title().startswith(name)
        better = "(lower is better)" if name in ("Davies-Bouldin", "BIC") else "(higher is better)"
        assert better in ax.get_title()
        _assert_labelled(ax)
        (line,) = _chosen_lines(ax)
        assert list(line.get_xdata()) == [4, 4]  # a vertical line at the chosen k
        assert any("k = 4" in t.get_text() for t in ax.texts)
        assert [int(t) for t in ax.get_xticks()] == [3, 4, 5, 6]


def test_k_selection_only_criteria_present():
    scores = _selection_scores().drop(columns=["calinski_harabasz", "davies_bouldin"])
    fig = plot_k_selection(scores)
    assert len(fig.axes) == 1
    assert fig.axes[0].get_title().startswith("Silhouette")


def test_k_selection_unsorted_input_is_plotted_in_k_order():
    scores = _selection_scores().iloc[::-1]
    fig = plot_k_selection(scores)
    xs = fig.axes[0].lines[0].get_xdata()
    assert list(xs) == [3, 4, 5, 6]


def test_k_selection_bad_input():
    with pytest.raises(ValueError, match="silhouette"):
        plot_k_selection(_selection_scores()[["k", "chosen"]])
    two = _selection_scores().assign(chosen=True)
    with pytest.raises(ValueError, match="exactly one"):
        plot_k_selection(two)
    with pytest.raises(TypeError, match="n_segments='auto'"):
        plot_k_selection(None)


def test_k_selection_real_data(cdnow_segmenter):
    scores = cdnow_segmenter.selection_scores_
    fig = plot_k_selection(scores)
    assert len(fig.axes) == 3  # k-means: silhouette, Calinski-Harabasz, Davies-Bouldin
    for ax in fig.axes:
        (line,) = _chosen_lines(ax)
        assert line.get_xdata()[0] == cdnow_segmenter.n_segments_
    assert f"{cdnow_segmenter.n_segments_} segments chosen" in fig.get_suptitle()
    _assert_readable(fig)


# --------------------------------------------------------------------------------------------
# 2. plot_rfm_grid
# --------------------------------------------------------------------------------------------


def test_rfm_grid_counts_and_segments_in_cells():
    data = _segmented()
    fig = plot_rfm_grid(rfm_grid(data))
    assert _by_gid(fig, "count-R5-FM5").get_text() == "3"
    assert _by_gid(fig, "count-R1-FM1").get_text() == "2"
    assert _by_gid(fig, "count-R3-FM3").get_text() == "1"
    assert _by_gid(fig, "segment-R5-FM5").get_text() == "champions"
    counts = [
        int(_by_gid(fig, f"count-R{r}-FM{f}").get_text()) for r in range(1, 6) for f in range(1, 6)
    ]
    assert sum(counts) == len(data)
    ax = fig.axes[0]
    assert "6 customers" in _title(fig)
    _assert_labelled(ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["5", "4", "3", "2", "1"]  # 5 on top


def test_rfm_grid_empty_cell_shows_its_segment_in_grey():
    fig = _grid().plot()
    label = _by_gid(fig, "segment-R5-FM1")  # the "new" cell of the default rules
    count = _by_gid(fig, "count-R5-FM1")
    assert label.get_text() == "new"
    assert count.get_text() == "0"
    full = _by_gid(fig, "count-R5-FM5")
    assert label.get_color() != full.get_color()
    r, g, b = matplotlib.colors.to_rgb(label.get_color())
    assert r == g == b and 0.3 < r < 0.9  # grey


def test_rfm_grid_thousands_separator_and_legend_totals():
    data = pd.DataFrame({"r_score": [5] * 1_234 + [1], "fm_score": [5] * 1_234 + [1]})
    data["segment"] = ["champions"] * 1_234 + ["lost"]
    fig = plot_rfm_grid(rfm_grid(data))
    assert _by_gid(fig, "count-R5-FM5").get_text() == "1,234"
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "champions (1,234)" in legend
    assert "new (0)" in legend


def test_rfm_grid_custom_rules_and_mismatch():
    rules = pd.DataFrame(
        {
            "segment": ["top", "rest"],
            "r_min": [4, 1],
            "r_max": [5, 3],
            "fm_min": [1, 1],
            "fm_max": [5, 5],
        }
    )
    summary = pd.DataFrame(
        {
            "days_since_last": [5, 50, 500, 400, 20],
            "n_purchases": [9, 3, 1, 6, 1],
            "total_spend": [900.0, 80, 9, 700, 15],
        }
    )
    seg = rfm_segments(summary, rules)
    fig = plot_rfm_grid(rfm_grid(seg, rules))
    assert {_by_gid(fig, f"segment-R{r}-FM1").get_text() for r in (4, 5)} == {"top"}
    with pytest.raises(ValueError, match="rules used by rfm_segments"):
        rfm_grid(seg)  # default rules: the segments disagree


def test_rfm_grid_real_data(cdnow_segmented):
    seg = cdnow_segmented
    before = seg.copy(deep=True)
    fig = plot_rfm_grid(rfm_grid(seg))
    pd.testing.assert_frame_equal(seg, before)
    n55 = int(((seg["r_score"] == 5) & (seg["fm_score"] == 5)).sum())
    assert _by_gid(fig, "count-R5-FM5").get_text() == f"{n55:,}"
    table = pd.crosstab(seg["r_score"], seg["fm_score"])
    for r in range(1, 6):
        for f in range(1, 6):
            expected = int(table.loc[r, f]) if r in table.index and f in table.columns else 0
            assert _by_gid(fig, f"count-R{r}-FM{f}").get_text() == f"{expected:,}"
    assert f"{len(seg):,} customers" in _title(fig)
    _assert_readable(fig)


# --------------------------------------------------------------------------------------------
# 3. plot_segment_profile
# --------------------------------------------------------------------------------------------


def test_segment_profile_annotations_and_row_labels():
    fig = plot_segment_profile(_profile())
    ax = fig.axes[0]
    annotations = [t.get_text() for t in ax.texts]
    assert len(annotations) == 6  # 3 segments x 2 features
    assert "2.5×" in annotations
    assert "0.23×" in annotations
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows == [
        "1 · recent, frequent (25%)",
        "2 · rare, high spend (35%)",
        "3 · rare, low spend (40%)",
    ]
    columns = " ".join(t.get_text().replace("\n", " ") for t in ax.get_xticklabels())
    assert "days since last purchase" in columns and "number of purchases" in columns
    assert len(fig.axes) == 2  # heatmap and its colour bar
    assert "lift" in fig.axes[1].get_ylabel()


def test_segment_profile_colours_centred_at_one():
    fig = plot_segment_profile(_profile())
    mesh = fig.axes[0].collections[0]
    vmin, vmax = mesh.get_clim()
    assert vmin == pytest.approx(-vmax)  # log2(lift): 1x is the centre


def test_segment_profile_features_and_missing():
    fig = plot_segment_profile(_profile(), features=["n_purchases"])
    assert len(fig.axes[0].texts) == 3
    with pytest.raises(ValueError, match="'avg_spend_lift'"):
        plot_segment_profile(_profile(), features=["avg_spend"])
    with pytest.raises(ValueError, match="features must be a non-empty list"):
        plot_segment_profile(_profile(), features=[])


def test_segment_profile_real_data(cdnow_segmenter):
    profile = cdnow_segmenter.profile()
    fig = plot_segment_profile(profile)
    ax = fig.axes[0]
    k = cdnow_segmenter.n_segments_
    assert len(ax.texts) == k * 3
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows[0].startswith(f"1 · {cdnow_segmenter.segment_names_[1]} (")
    expected = f"{profile.table['n_purchases_lift'].iloc[0]:#.2g}×"
    assert expected in [t.get_text() for t in ax.texts]
    _assert_readable(fig)


# --------------------------------------------------------------------------------------------
# 4. segment_value_table and plot_segment_value
# --------------------------------------------------------------------------------------------


def _five_customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "segment": pd.Categorical(
                ["b", "a", "b", "a", "a"], categories=["a", "b", "c"], ordered=True
            ),
            "total_spend": [100.0, 10.0, 40.0, 20.0, 30.0],
        },
        index=pd.Index(["u1", "u2", "u3", "u4", "u5"], name="customer_id"),
    )


def test_segment_value_table_hand_checked():
    data = _five_customers()
    before = data.copy()
    value = segment_value_table(data)
    pd.testing.assert_frame_equal(data, before)
    assert isinstance(value, SegmentValue)
    assert (value.ci, value.n_customers, value.value_col) == (0.95, 5, "total_spend")
    table = value.to_frame()
    assert list(table.index) == ["a", "b", "c"]  # categorical order, empty category kept
    assert table.index.name == "segment"
    assert list(table.columns) == [
        "customers",
        "share",
        "value_total",
        "value_share",
        "value_mean",
        "value_mean_low",
        "value_mean_high",
    ]
    assert table["customers"].tolist() == [3, 2, 0]
    np.testing.assert_allclose(table["share"], [0.6, 0.4, 0.0])
    np.testing.assert_allclose(table["value_total"], [60.0, 140.0, 0.0])
    np.testing.assert_allclose(table["value_share"], [0.3, 0.7, 0.0])
    np.testing.assert_allclose(table["value_mean"].iloc[:2], [20.0, 70.0])
    assert np.isnan(table.loc["c", "value_mean"])
    # t-interval by hand for segment a: 20 +- t(0.975, 2) * 10 / sqrt(3)
    half = stats.t.ppf(0.975, 2) * 10.0 / np.sqrt(3)
    assert table.loc["a", "value_mean_low"] == pytest.approx(20.0 - half)
    assert table.loc["a", "value_mean_high"] == pytest.approx(20.0 + half)
    for seg in ("a", "b"):
        row = table.loc[seg]
        assert row["value_mean_low"] < row["value_mean"] < row["value_mean_high"]
    assert np.isnan(table.loc["c", "value_mean_low"])
    # the interval as text, at the result's level
    # (a negative bound: "to", not a dash, between the bounds)
    assert value.mean_text(".1f")["a"] == f"20.0 (95% CI {20 - half:.1f} to {20 + half:.1f})"
    assert value.mean_text()["c"] == "n/a (95% CI not available)"
    caption = "'total_spend' by segment: 5 customers in 2 segments; mean per customer with 95%"
    assert repr(value).startswith(caption)


def test_segment_value_table_options_and_errors():
    data = _five_customers().assign(
        group=["x", "y", "x", "y", "y"], spend=[1.0, 2.0, 3.0, 4.0, 5.0]
    )
    value = segment_value_table(data, segment_col="group", value_col="spend", ci=0.9)
    table = value.table
    assert list(table.index) == ["x", "y"] and table.index.name == "group"
    assert table["customers"].tolist() == [2, 3]
    np.testing.assert_allclose(table["value_share"], [4 / 15, 11 / 15])
    half = stats.t.ppf(0.95, 2) * 1.0 / np.sqrt(3)  # y: 2, 4, 5 -> mean 11/3, sd 1.5275
    sd = np.std([2.0, 4.0, 5.0], ddof=1)
    assert table.loc["y", "value_mean_high"] == pytest.approx(11 / 3 + half * sd)
    assert value.ci == 0.9 and "(90% CI" in value.mean_text()["y"]
    with pytest.raises(ValueError, match="'total_spend'"):
        segment_value_table(data.drop(columns="total_spend"))
    with pytest.raises(ValueError, match="missing segments"):
        segment_value_table(
            data.assign(segment=pd.Series([None, "a", "b", "a", "a"], index=data.index))
        )
    with pytest.raises(ValueError, match="ci"):
        segment_value_table(data, ci=95)
    with pytest.raises(TypeError, match="positional"):
        segment_value_table(data, "group")  # type: ignore[misc]


def test_segment_value_html_is_escaped():
    data = pd.DataFrame({"segment": ["<i>a</i>", "b"], "<b>v</b>": [1.0, 2.0]})
    out = segment_value_table(data, value_col="<b>v</b>")._repr_html_()
    assert "<b>v</b>" not in out and "<i>a</i>" not in out and "&lt;i&gt;a&lt;/i&gt;" in out


def test_segment_value_bars_and_labels():
    fig = plot_segment_value(segment_value_table(_five_customers()))
    ax = fig.axes[0]
    widths = [p.get_width() for p in ax.patches]
    np.testing.assert_allclose(widths, [0.6, 0.4, 0.0, 0.3, 0.7, 0.0])
    texts = _texts(fig)
    assert "60% (3)" in texts and "30%" in texts and "70%" in texts
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    assert "b: 40% of customers bring 70% of the value" in _title(fig)
    assert "%" in ax.get_xlabel()


def test_segment_value_of_a_profile_is_labelled_with_names():
    fig = _profile().value.plot()
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "1 · recent, frequent"
    assert "25% of customers bring 68% of the value" in _title(fig)
    nothing = segment_value_table(_five_customers().assign(total_spend=0.0))
    with pytest.raises(ValueError, match="not defined"):
        plot_segment_value(nothing)


def test_segment_value_table_and_chart_real_data(cdnow_segmented, cdnow_segmenter):
    seg = cdnow_segmented
    before = seg.copy(deep=True)
    table = segment_value_table(seg).to_frame()
    pd.testing.assert_frame_equal(seg, before)
    assert list(table.index) == list(seg["segment"].cat.categories)
    counts = seg["segment"].value_counts()
    assert table["customers"].tolist() == [int(counts[c]) for c in table.index]
    assert table["customers"].sum() == len(seg)
    assert table["value_share"].sum() == pytest.approx(1.0)
    assert table["value_total"].sum() == pytest.approx(seg["total_spend"].sum())
    # the same table as the groupby in the brief, on the non-empty segments
    agg = seg.groupby("segment", observed=True).agg(
        customers=("n_purchases", "size"), value_total=("total_spend", "sum")
    )
    pd.testing.assert_series_equal(
        table.loc[agg.index, "value_total"], agg["value_total"], check_names=False
    )
    ok = table["customers"] >= 2
    assert (table.loc[ok, "value_mean_low"] <= table.loc[ok, "value_mean"]).all()
    assert (table.loc[ok, "value_mean"] <= table.loc[ok, "value_mean_high"]).all()

    for value in (segment_value_table(seg), cdnow_segmenter.profile().value):
        fig = plot_segment_value(value)
        ax = fig.axes[0]
        n = len(value.table)
        widths = np.array([p.get_width() for p in ax.patches])
        assert widths[:n].sum() == pytest.approx(1.0)  # customers
        assert widths[n:].sum() == pytest.approx(1.0)  # value
        _assert_readable(fig)


# --------------------------------------------------------------------------------------------
# 5. plot_stability
# --------------------------------------------------------------------------------------------


def test_stability_points_intervals_and_reference_lines():
    fig = plot_stability(_stability())
    ax = fig.axes[0]
    points = ax.collections[-1].get_offsets()
    np.testing.assert_allclose(np.asarray(points)[:, 0], [0.9, 0.65, 0.4, 0.7])  # Jaccard, ARI
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["1 · recent", "2 · rare", "segment 3", "all segments (adjusted Rand)"]
    refs = {line.get_gid(): line.get_xdata()[0] for line in ax.lines if line.get_gid()}
    assert refs == {"ref-0.6": 0.6, "ref-0.75": 0.75}
    texts = _texts(fig)
    assert any("dissolved below 0.6" in t for t in texts)
    # the verdict is stable from 0.75 on (>=), and the band's caption says so
    assert any("stable at 0.75 or above" in t for t in texts)
    assert not any("above 0.75" in t and "or above" not in t for t in texts)
    assert "0.40 [0.20–0.60] · dissolved" in texts
    assert "0.90 [0.85–0.95] · stable" in texts
    # the adjusted Rand index has no verdict: Hennig's thresholds are for the Jaccard
    assert "0.70 [0.60–0.80]" in texts
    assert "20 bootstrap refits (95% intervals)" in _title(fig)


def test_stability_chart_says_the_level_of_its_intervals():
    assert "20 bootstrap refits (90% intervals)" in _title(plot_stability(_stability(0.9)))
    assert "95%" not in _title(plot_stability(_stability(0.9)))


def test_stability_colours_follow_the_results_verdict():
    from research._plotting.style import COLORS

    # the chart reads the verdict: one that disagrees with the estimate is drawn as given
    stab = _stability()
    table = stab.table.copy()
    table.loc[table["segment"] == "3", "verdict"] = "stable"
    stab = SegmentStability(table, 0.95, 20, pd.DataFrame(), {})
    colours = stab.plot().axes[0].collections[-1].get_facecolors()
    # segments 1, 2, 3, then all (the adjusted Rand index, without a verdict: neutral)
    verdicts = ["stable", "unclear", "stable", "reference"]
    expected = [matplotlib.colors.to_rgba(COLORS[v]) for v in verdicts]
    np.testing.assert_allclose(colours, expected)


def test_stability_intervals_with_a_negative_bound_are_written_with_to():
    # the adjusted Rand index can fall below 0: "[-0.05–0.20]" would read as a range of dashes
    table = _stability().table.copy()
    table.loc[table["segment"] == "all", ["estimate", "low", "high"]] = [0.08, -0.05, 0.2]
    fig = plot_stability(SegmentStability(table, 0.95, 20, pd.DataFrame(), {}))
    assert "0.08 [-0.05 to 0.20]" in _texts(fig)
    assert fig.axes[0].get_xlim()[0] < -0.05  # and the interval is inside the axes


def test_stability_real_data(cdnow_segmenter):
    stab = cdnow_segmenter.stability(n_boot=3)
    fig = plot_stability(stab)
    ax = fig.axes[0]
    k = cdnow_segmenter.n_segments_
    assert len(ax.get_yticklabels()) == k + 1
    assert ax.get_yticklabels()[0].get_text() == f"1 · {cdnow_segmenter.segment_names_[1]}"
    assert len(ax.collections[-1].get_offsets()) == k + 1
    _assert_readable(fig)
