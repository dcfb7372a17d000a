"""Tests for research.<question>.plotting: the segmentation, CLV and funnel charts."""

import matplotlib

matplotlib.use("Agg")

import os
import subprocess
import sys
import warnings
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import same_color
from matplotlib.figure import Figure
from matplotlib.text import Text
from scipy import stats

from research._plotting import fonts
from research._plotting import labels as label_places
from research._plotting.style import COLORS
from research.clv import (
    ModelFit,
    customer_lifetime_value,
    fit_bgnbd,
    fit_gamma_gamma,
    holdout_check,
)
from research.clv.plotting import (
    plot_clv_distribution,
    plot_holdout_check,
    plot_parameter_intervals,
)
from research.data.synthetic import make_crm
from research.funnel import (
    cycle_length,
    funnel,
    league_table,
    roi_by_channel,
    sla_compliance,
    speed_to_lead_effect,
)
from research.funnel.plotting import (
    FUNNEL_COLORS,
    plot_conversion_by_group,
    plot_cycle_curves,
    plot_funnel,
    plot_league_table,
    plot_roi_by_channel,
    plot_sla,
    plot_speed_to_lead,
)
from research.messages.plotting import (
    plot_claim_coverage,
    plot_distinctive_terms,
    plot_headline_effects,
)
from research.segmentation import (
    RFM_SEGMENT_RULES,
    CustomerSegmenter,
    rfm_segments,
    rfm_summary,
    segment_value_table,
)
from research.segmentation.plotting import (
    plot_k_selection,
    plot_rfm_grid,
    plot_segment_profile,
    plot_segment_value,
    plot_stability,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


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


def _profile() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["recent, frequent", "rare, high spend", "rare, low spend"],
            "customers": [25, 35, 40],
            "share": [0.25, 0.35, 0.40],
            "days_since_last": [80.0, 430.0, 455.0],
            "days_since_last_lift": [0.23, 1.2, 1.25],
            "n_purchases": [7.9, 1.7, 1.5],
            "n_purchases_lift": [2.5, 0.58, 0.5],
            "value_total": [680.0, 220.0, 100.0],
            "value_share": [0.68, 0.22, 0.10],
        },
        index=pd.Index([1, 2, 3], name="segment"),
    )


def _stability() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "segment": ["all", "1", "2", "3"],
            "metric": ["adjusted_rand", "jaccard", "jaccard", "jaccard"],
            "estimate": [0.7, 0.9, 0.65, 0.4],
            "low": [0.6, 0.85, 0.5, 0.2],
            "high": [0.8, 0.95, 0.8, 0.6],
            "n_boot": 20,
        }
    )


@pytest.fixture(scope="module")
def cdnow_summary() -> pd.DataFrame:
    if not os.environ.get("RESEARCH_DATA_HOME"):
        pytest.skip("RESEARCH_DATA_HOME is not set: the real CDNOW data is not available")
    from research.data import load_cdnow

    return rfm_summary(load_cdnow(), return_report=True)[0]


@pytest.fixture(scope="module")
def cdnow_segmented(cdnow_summary) -> pd.DataFrame:
    return rfm_segments(cdnow_summary)


@pytest.fixture(scope="module")
def cdnow_segmenter(cdnow_summary) -> CustomerSegmenter:
    subset = cdnow_summary.sample(3_000, random_state=0)
    return CustomerSegmenter(k_range=(3, 4), silhouette_sample=2_000, n_init=3).fit(subset)


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def _title(fig: Figure) -> str:
    """The figure title and every axes title, on one line."""
    titles = [fig.get_suptitle()]
    for ax in fig.axes:
        titles += [ax.get_title("left"), ax.get_title(), ax.get_title("right")]
    return " ".join(t for t in titles if t).replace("\n", " ")


def _by_gid(fig: Figure, gid: str) -> Text:
    found = [t for t in fig.findobj(Text) if t.get_gid() == gid]
    assert len(found) == 1, f"expected one text with gid {gid!r}, found {len(found)}"
    return found[0]


def _assert_readable(fig: Figure) -> None:
    """Every text is at least 8 pt and lies inside the figure (nothing cut off)."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    undrawn = set()  # labels of ticks outside the view limits exist but are not drawn
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    undrawn |= {id(tick.label1), id(tick.label2)}
    for text in fig.findobj(Text):
        if id(text) in undrawn or not (text.get_visible() and text.get_text()):
            continue
        assert text.get_fontsize() >= 8, f"text {text.get_text()!r} is too small"
        box = text.get_window_extent(renderer)
        assert box.x0 >= -1 and box.y0 >= -1, f"text {text.get_text()!r} is cut off"
        assert box.x1 <= width + 1 and box.y1 <= height + 1, f"{text.get_text()!r} is cut off"


def _assert_labelled(ax) -> None:
    assert ax.get_xlabel().strip()
    assert ax.get_ylabel().strip()


# --------------------------------------------------------------------------------------------
# properties shared by every chart
# --------------------------------------------------------------------------------------------

CHARTS = [
    ("k_selection", plot_k_selection, _selection_scores),
    ("rfm_grid", plot_rfm_grid, _segmented),
    ("profile", plot_segment_profile, _profile),
    ("value", plot_segment_value, _profile),
    ("stability", plot_stability, _stability),
]


@pytest.mark.parametrize(("name", "plot", "make"), CHARTS, ids=[c[0] for c in CHARTS])
def test_chart_returns_closed_figure_and_leaves_input_unchanged(name, plot, make, monkeypatch):
    def no_show(*args, **kwargs):
        raise AssertionError("plt.show() must not be called")

    monkeypatch.setattr(plt, "show", no_show)
    data = make()
    before = data.copy(deep=True)
    fig = plot(data)
    assert isinstance(fig, Figure)
    pd.testing.assert_frame_equal(data, before)
    assert plt.get_fignums() == []  # closed in pyplot: a notebook shows it once
    for ax in fig.axes:
        if ax.get_label() != "<colorbar>":
            _assert_labelled(ax)
    _assert_readable(fig)


@pytest.mark.parametrize(("name", "plot", "make"), CHARTS, ids=[c[0] for c in CHARTS])
def test_chart_custom_title(name, plot, make):
    fig = plot(make(), title="My title")
    assert _title(fig).startswith("My title")


@pytest.mark.parametrize(
    ("plot", "make", "column"),
    [
        (plot_k_selection, _selection_scores, "k"),
        (plot_k_selection, _selection_scores, "chosen"),
        (plot_rfm_grid, _segmented, "fm_score"),
        (plot_rfm_grid, _segmented, "segment"),
        (plot_segment_value, _profile, "customers"),
        (plot_segment_value, _profile, "value_total"),
        (plot_stability, _stability, "high"),
        (plot_stability, _stability, "metric"),
    ],
)
def test_missing_column_raises_value_error_naming_it(plot, make, column):
    data = make().drop(columns=column)
    with pytest.raises(ValueError, match=f"'{column}'"):
        plot(data)


@pytest.mark.parametrize(
    ("plot", "make"),
    [
        (plot_rfm_grid, _segmented),
        (plot_segment_profile, _profile),
        (plot_segment_value, _profile),
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
    fig = plot_rfm_grid(data)
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
    fig = plot_rfm_grid(_segmented())
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
    fig = plot_rfm_grid(data)
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
    fig = plot_rfm_grid(seg, rules)
    assert {_by_gid(fig, f"segment-R{r}-FM1").get_text() for r in (4, 5)} == {"top"}
    with pytest.raises(ValueError, match="rules used by rfm_segments"):
        plot_rfm_grid(seg)  # default rules: the segments disagree


def test_rfm_grid_real_data(cdnow_segmented):
    seg = cdnow_segmented
    before = seg.copy(deep=True)
    fig = plot_rfm_grid(seg)
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
    with pytest.raises(ValueError, match="_lift"):
        plot_segment_profile(_profile()[["name", "share"]])


def test_segment_profile_real_data(cdnow_segmenter):
    profile = cdnow_segmenter.profile()
    fig = plot_segment_profile(profile)
    ax = fig.axes[0]
    k = cdnow_segmenter.n_segments_
    assert len(ax.texts) == k * 3
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows[0].startswith(f"1 · {cdnow_segmenter.segment_names_[1]} (")
    expected = f"{profile['n_purchases_lift'].iloc[0]:#.2g}×"
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
    table = segment_value_table(data)
    pd.testing.assert_frame_equal(data, before)
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


def test_segment_value_table_options_and_errors():
    data = _five_customers().assign(
        group=["x", "y", "x", "y", "y"], spend=[1.0, 2.0, 3.0, 4.0, 5.0]
    )
    table = segment_value_table(data, segment_col="group", value_col="spend", ci=0.9)
    assert list(table.index) == ["x", "y"]
    assert table["customers"].tolist() == [2, 3]
    np.testing.assert_allclose(table["value_share"], [4 / 15, 11 / 15])
    with pytest.raises(ValueError, match="'total_spend'"):
        segment_value_table(data.drop(columns="total_spend"))
    with pytest.raises(ValueError, match="missing segments"):
        segment_value_table(
            data.assign(segment=pd.Series([None, "a", "b", "a", "a"], index=data.index))
        )
    with pytest.raises(ValueError, match="ci"):
        segment_value_table(data, ci=95)


def test_segment_value_bars_and_labels():
    table = segment_value_table(_five_customers())
    fig = plot_segment_value(table)
    ax = fig.axes[0]
    widths = [p.get_width() for p in ax.patches]
    np.testing.assert_allclose(widths, [0.6, 0.4, 0.0, 0.3, 0.7, 0.0])
    texts = _texts(fig)
    assert "60% (3)" in texts and "30%" in texts and "70%" in texts
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    assert "b: 40% of customers bring 70% of the value" in _title(fig)
    assert "%" in ax.get_xlabel()


def test_segment_value_on_profile_and_segment_col():
    fig = plot_segment_value(_profile())
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "1 · recent, frequent"
    assert "25% of customers bring 68% of the value" in _title(fig)
    table = _profile().reset_index().assign(label=["A", "B", "C"])
    fig = plot_segment_value(table, segment_col="label")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["A", "B", "C"]
    with pytest.raises(ValueError, match="'label'"):
        plot_segment_value(_profile(), segment_col="label")
    with pytest.raises(ValueError, match="positive"):
        plot_segment_value(_profile().assign(value_total=0.0))


def test_segment_value_table_and_chart_real_data(cdnow_segmented, cdnow_segmenter):
    seg = cdnow_segmented
    before = seg.copy(deep=True)
    table = segment_value_table(seg)
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

    for data in (table, agg, cdnow_segmenter.profile()):
        fig = plot_segment_value(data)
        ax = fig.axes[0]
        n = len(data)
        widths = np.array([p.get_width() for p in ax.patches])
        assert widths[:n].sum() == pytest.approx(1.0)  # customers
        assert widths[n:].sum() == pytest.approx(1.0)  # value
        _assert_readable(fig)


# --------------------------------------------------------------------------------------------
# 5. plot_stability
# --------------------------------------------------------------------------------------------


def test_stability_points_intervals_and_reference_lines():
    fig = plot_stability(_stability(), segment_names={1: "recent", "2": "rare"})
    ax = fig.axes[0]
    points = ax.collections[-1].get_offsets()
    np.testing.assert_allclose(np.asarray(points)[:, 0], [0.9, 0.65, 0.4, 0.7])  # Jaccard, ARI
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["1 · recent", "2 · rare", "segment 3", "all segments (adjusted Rand)"]
    refs = {line.get_gid(): line.get_xdata()[0] for line in ax.lines if line.get_gid()}
    assert refs == {"ref-0.6": 0.6, "ref-0.75": 0.75}
    texts = _texts(fig)
    assert any("dissolved below 0.6" in t for t in texts)
    assert any("stable above 0.75" in t for t in texts)
    assert "0.40 [0.20–0.60] · dissolved" in texts
    assert "0.90 [0.85–0.95] · stable" in texts
    assert "20 bootstrap refits" in _title(fig)


def test_stability_bad_metrics():
    with pytest.raises(ValueError, match="jaccard"):
        plot_stability(_stability().assign(metric="other"))


def test_stability_real_data(cdnow_segmenter):
    stab = cdnow_segmenter.stability(n_boot=3)
    fig = plot_stability(stab, segment_names=cdnow_segmenter.segment_names_)
    ax = fig.axes[0]
    k = cdnow_segmenter.n_segments_
    assert len(ax.get_yticklabels()) == k + 1
    assert ax.get_yticklabels()[0].get_text() == f"1 · {cdnow_segmenter.segment_names_[1]}"
    assert len(ax.collections[-1].get_offsets()) == k + 1
    _assert_readable(fig)


# --------------------------------------------------------------------------------------------
# 6-8. lifetime value: plot_holdout_check, plot_clv_distribution, plot_parameter_intervals
# --------------------------------------------------------------------------------------------

#: Fader, Hardie & Lee (2005), CDNOW sample, 39-week calibration period.
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def _holdout() -> pd.DataFrame:
    """Four calibration-frequency groups (one of a single customer, without interval) + all."""
    return pd.DataFrame(
        {
            "customers": [50, 20, 1, 4, 75],
            "actual": [0.2, 0.9, 3.0, 5.0, 0.68],
            "actual_low": [0.1, 0.5, np.nan, 3.0, 0.4],
            "actual_high": [0.3, 1.3, np.nan, 7.0, 0.96],
            "expected": [0.25, 0.8, 2.1, 4.5, 0.6],
            "difference": [0.05, -0.1, -0.9, -0.5, -0.08],
        },
        index=pd.Index(["0", "1", "2", "3+", "all"], name="calibration_frequency"),
    )


def _clv() -> pd.DataFrame:
    """Ten customers: two with CLV 0 and one negative (a refund-heavy customer)."""
    return pd.DataFrame(
        {
            "p_alive": np.linspace(0.1, 1.0, 10),
            "clv": [0.0, -1.0, 0.0, 5.0, 8.0, 12.0, 30.0, 200.0, 1000.0, 3.0],
        },
        index=pd.Index([f"c{i}" for i in range(10)], name="customer_id"),
    )


def _fit() -> ModelFit:
    return ModelFit(
        model="BG/NBD",
        params=pd.Series({"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}),
        bse=pd.Series({"r": 0.01, "alpha": 0.4, "a": 0.2, "b": 0.7}),
        loglik=-9_600.0,
        n_obs=2_357,
        penalizer=0.0,
        converged=True,
    )


class _FitWithoutHigh:
    """A fitted-model look-alike whose conf_int() lacks the 'high' column."""

    model = "BG/NBD"
    params = pd.Series({"r": 0.25, "alpha": 4.0})

    def conf_int(self) -> pd.DataFrame:
        return pd.DataFrame({"low": [0.2, 3.0]}, index=["r", "alpha"])


def _by_gid_artist(fig: Figure, gid: str):
    found = [a for a in fig.findobj() if a.get_gid() == gid]
    assert len(found) == 1, f"expected one artist with gid {gid!r}, found {len(found)}"
    return found[0]


def _fit_unchanged(fit: ModelFit, before: ModelFit) -> None:
    pd.testing.assert_series_equal(fit.params, before.params)
    pd.testing.assert_series_equal(fit.bse, before.bse)


CLV_CHARTS = [
    ("holdout", plot_holdout_check, _holdout),
    ("clv", plot_clv_distribution, _clv),
    ("parameters", plot_parameter_intervals, _fit),
]


@pytest.mark.parametrize(("name", "plot", "make"), CLV_CHARTS, ids=[c[0] for c in CLV_CHARTS])
def test_clv_chart_closed_titled_labelled_input_unchanged(name, plot, make, monkeypatch):
    def no_show(*args, **kwargs):
        raise AssertionError("plt.show() must not be called")

    monkeypatch.setattr(plt, "show", no_show)
    data = make()
    before = data.copy(deep=True) if isinstance(data, pd.DataFrame) else _fit()
    fig = plot(data)
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == []
    assert _title(fig).strip()
    for ax in fig.axes:
        _assert_labelled(ax)
    if isinstance(data, pd.DataFrame):
        pd.testing.assert_frame_equal(data, before)
    else:
        _fit_unchanged(data, before)
    _assert_readable(fig)
    assert plot(make(), title="My title").get_suptitle() == "My title"


@pytest.mark.parametrize(("name", "plot", "make"), CLV_CHARTS, ids=[c[0] for c in CLV_CHARTS])
def test_clv_chart_draws_on_a_given_axes(name, plot, make):
    fig = Figure(figsize=(12, 5))
    ax_left, ax_right = fig.subplots(1, 2)
    assert plot(make(), ax=ax_right, title="Right panel") is fig
    assert ax_right.has_data()
    assert not ax_left.has_data()
    assert ax_right.get_title("left") == "Right panel"
    assert not fig.get_suptitle()
    _assert_labelled(ax_right)


@pytest.mark.parametrize(
    ("plot", "make", "column"),
    [
        (plot_holdout_check, _holdout, "customers"),
        (plot_holdout_check, _holdout, "actual"),
        (plot_holdout_check, _holdout, "actual_low"),
        (plot_holdout_check, _holdout, "actual_high"),
        (plot_holdout_check, _holdout, "expected"),
        (plot_clv_distribution, _clv, "clv"),
    ],
)
def test_clv_chart_missing_column_raises_value_error_naming_it(plot, make, column):
    with pytest.raises(ValueError, match=f"'{column}'"):
        plot(make().drop(columns=column))


def test_holdout_check_one_point_per_group_and_all_row_in_the_corner():
    check = _holdout()
    fig = plot_holdout_check(check)
    ax = fig.axes[0]
    groups = check.drop(index="all")
    n = len(groups)
    actual = _by_gid_artist(fig, "actual")
    np.testing.assert_allclose(actual.get_ydata(), groups["actual"])
    assert len(actual.get_xdata()) == n
    (bars,) = ax.containers[0].lines[2]  # the error bars of the actual means
    segments = bars.get_segments()
    assert len(segments) == n
    lows = [seg[:, 1].min() for seg in segments]
    highs = [seg[:, 1].max() for seg in segments]
    np.testing.assert_allclose(lows, groups["actual_low"].fillna(groups["actual"]))
    np.testing.assert_allclose(highs, groups["actual_high"].fillna(groups["actual"]))
    expected = _by_gid_artist(fig, "expected")
    np.testing.assert_allclose(expected.get_ydata(), groups["expected"])
    ticks = [t.get_text().split("\n") for t in ax.get_xticklabels()]
    assert [t[0] for t in ticks] == ["0", "1", "2", "3+"]  # "all" is not a group
    assert [t[1] for t in ticks] == ["(50)", "(20)", "(1)", "(4)"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "actual (95% CI)",
        "BG/NBD expected",
    ]
    corner = _by_gid(fig, "holdout-all").get_text()
    assert "All 75 customers" in corner
    assert "actual 0.68 (95% CI 0.40–0.96)" in corner
    assert "expected 0.60 (12% below actual)" in corner  # (0.60 - 0.68) / 0.68 = -11.8%
    assert "12% fewer purchases" in _title(fig)


def test_holdout_check_without_all_row_uses_the_groups():
    check = _holdout().drop(index="all")
    fig = plot_holdout_check(check)
    corner = _by_gid(fig, "holdout-all").get_text()
    # weighted by the group sizes: (50*0.2 + 20*0.9 + 3.0 + 4*5.0) / 75 = 0.68
    assert "All 75 customers" in corner
    assert "actual 0.68\n" in corner
    assert "expected 0.65 (4.7% below actual)" in corner  # (12.5 + 16 + 2.1 + 18) / 75
    with pytest.raises(ValueError, match="besides 'all'"):
        plot_holdout_check(_holdout().loc[["all"]])


def test_clv_distribution_reports_non_positive_values_and_keeps_the_rest():
    clv = _clv()
    fig = plot_clv_distribution(clv)
    hist_ax = fig.axes[0]
    assert hist_ax.get_xscale() == "log"
    heights = [p.get_height() for p in hist_ax.patches]
    assert sum(heights) == 7  # the 7 positive values; 3 are not on the log axis...
    corner = _by_gid(fig, "clv-annotation").get_text()
    assert "3 (30%) with CLV ≤ 0" in corner  # ... and are reported, not dropped silently
    assert "10 customers" in corner
    assert "total US$1,257" in corner
    median = _by_gid_artist(fig, "median")
    mean = _by_gid_artist(fig, "mean")
    assert median.get_xdata()[0] == pytest.approx(np.median(clv["clv"]))  # (5 + 8) / 2
    assert mean.get_xdata()[0] == pytest.approx(clv["clv"].mean())  # 125.7
    texts = _texts(fig)
    assert "median\nUS$6.50" in texts
    assert "mean\nUS$126" in texts
    assert "US$" in hist_ax.get_xlabel()
    assert not _by_gid(fig, "clv-annotation").get_parse_math()  # "$" is not mathtext


def test_clv_distribution_concentration_matches_a_hand_computation():
    fig = plot_clv_distribution(_clv())
    # sorted: 1000, 200, 30, ...; total 1,257. Top 10% of 10 customers = the best 1 customer:
    # 1000 / 1257 = 79.6%; top 20% = the best 2: 1200 / 1257 = 95.5%.
    assert _by_gid(fig, "top-10").get_text() == "top 10% of customers: 80%"
    assert _by_gid(fig, "top-20").get_text() == "top 20% of customers: 95%"
    curve = _by_gid_artist(fig, "concentration")
    np.testing.assert_allclose(curve.get_ydata()[[0, 1, 2, -1]], [0, 1000 / 1257, 1200 / 1257, 1])
    assert fig.axes[1].get_xlabel().startswith("share of customers")
    assert fig.axes[1].get_ylabel() == "share of total CLV"
    assert "hold 80% of the total" in _title(fig)


def test_clv_distribution_top_count_is_not_fooled_by_rounding():
    # 0.1 * 30 = 3.0000000000000004: the top 10% of 30 customers are 3, not 4
    values = pd.Series(np.arange(30, 0, -1, dtype=float))
    fig = plot_clv_distribution(values.to_frame("value"), value_col="value", currency="€")
    assert _by_gid(fig, "top-10").get_text() == f"top 10% of customers: {87 / 465:.0%}"
    assert "€" in fig.axes[0].get_xlabel()


def test_clv_distribution_series_single_axes_and_pair():
    fig = Figure()
    ax = fig.subplots()
    plot_clv_distribution(_clv()["clv"], ax=ax)
    corner = _by_gid(fig, "clv-annotation").get_text()
    assert "top 10% hold 80% of the CLV" in corner  # no panel for the curve: in the text
    assert "top 20% hold 95% of the CLV" in corner
    fig = Figure(figsize=(12, 5))
    left, right = fig.subplots(1, 2)
    plot_clv_distribution(_clv(), ax=(left, right))
    assert _by_gid_artist(fig, "concentration").axes is right
    with pytest.raises(TypeError, match="pair of Axes"):
        plot_clv_distribution(_clv(), ax=[left])


def test_clv_distribution_bad_values():
    with pytest.raises(ValueError, match="positive"):
        plot_clv_distribution(_clv().assign(clv=0.0))
    with pytest.raises(ValueError, match="missing or infinite"):
        plot_clv_distribution(_clv().assign(clv=np.nan))


def test_parameter_intervals_one_row_per_parameter_with_its_interval():
    fit = _fit()
    fig = plot_parameter_intervals(fit)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert [label.split(" ")[0] for label in labels] == ["r", "α", "a", "b"]
    estimate = _by_gid_artist(fig, "estimate")
    np.testing.assert_allclose(estimate.get_xdata(), fit.params)
    (bars,) = ax.containers[0].lines[2]
    segments = bars.get_segments()
    assert len(segments) == len(fit.params)
    ci = fit.conf_int()
    np.testing.assert_allclose([s[:, 0].min() for s in segments], ci["low"])
    np.testing.assert_allclose([s[:, 0].max() for s in segments], ci["high"])
    assert not [line for line in ax.lines if line.get_gid() == "published"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["estimate (95% CI)"]
    assert "2,357 customers" in _title(fig)


def test_parameter_intervals_reference_drawn_as_published():
    ref = pd.Series({"r": 0.243, "b": 9.0})  # r inside its interval, b outside
    fig = plot_parameter_intervals(_fit(), reference=ref)
    ax = fig.axes[0]
    published = _by_gid_artist(fig, "published")
    np.testing.assert_allclose(published.get_xdata(), [0.243, 9.0])
    np.testing.assert_allclose(published.get_ydata(), [0, 3])  # rows of r and b
    assert published.get_marker() != _by_gid_artist(fig, "estimate").get_marker()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "estimate (95% CI)",
        "published",
    ]
    assert "1 of 2 published values lie inside" in _title(fig)
    # a dict works too
    fig = plot_parameter_intervals(_fit(), reference={"alpha": 4.4})
    assert "1 of 1 published value lies inside" in _title(fig)


def test_parameter_intervals_bad_input():
    with pytest.raises(ValueError, match="'gamma'"):
        plot_parameter_intervals(_fit(), reference={"gamma": 1.0})
    with pytest.raises(ValueError, match="'high'"):
        plot_parameter_intervals(_FitWithoutHigh())
    with pytest.raises(TypeError, match="fit_bgnbd"):
        plot_parameter_intervals(pd.Series({"r": 1.0}))


def test_parameter_intervals_linear_axis_for_non_positive_values():
    fit = _fit()
    fit.params = fit.params.copy()
    fit.params["r"] = 0.0  # not plottable on a log axis
    fig = plot_parameter_intervals(fit)
    assert fig.axes[0].get_xscale() == "linear"
    assert "linear scale" in fig.axes[0].get_xlabel()


@pytest.fixture(scope="module")
def cdnow_clv():
    """CDNOW sample, calibration to 1997-09-30 in weeks, and its BG/NBD fit."""
    if not os.environ.get("RESEARCH_DATA_HOME"):
        pytest.skip("RESEARCH_DATA_HOME is not set: the real CDNOW data is not available")
    from research.data import load_cdnow

    tx = load_cdnow("sample")
    s = rfm_summary(tx, observation_end="1997-09-30", time_scale=7, return_report=True)[0]
    fit = fit_bgnbd(s)
    return tx, s, fit


def test_holdout_check_real_data(cdnow_clv):
    tx, s, fit = cdnow_clv
    after = tx[tx["date"] > "1997-09-30"]
    holdout = after.groupby("customer_id")["date"].nunique()
    weeks = (after["date"].max() - pd.Timestamp("1997-09-30")).days / 7
    check = holdout_check(fit, s, holdout, weeks)
    before = check.copy(deep=True)
    fig = plot_holdout_check(check)
    pd.testing.assert_frame_equal(check, before)
    ax = fig.axes[0]
    n_groups = len(check) - 1
    assert len(_by_gid_artist(fig, "actual").get_xdata()) == n_groups
    assert len(ax.containers[0].lines[2][0].get_segments()) == n_groups
    assert [t.get_text().split("\n")[0] for t in ax.get_xticklabels()] == list(check.index[:-1])
    assert f"All {len(s):,} customers" in _by_gid(fig, "holdout-all").get_text()
    _assert_readable(fig)


def test_clv_distribution_real_data(cdnow_clv):
    _, s, fit = cdnow_clv
    clv = customer_lifetime_value(fit, fit_gamma_gamma(s), s, unit_days=7)
    before = clv.copy(deep=True)
    fig = plot_clv_distribution(clv)
    pd.testing.assert_frame_equal(clv, before)
    values = np.sort(clv["clv"].to_numpy())[::-1]
    positive = int((values > 0).sum())
    assert sum(p.get_height() for p in fig.axes[0].patches) == positive  # none dropped
    if positive < len(values):
        assert f"{len(values) - positive:,} (" in _by_gid(fig, "clv-annotation").get_text()
    for share in (10, 20):
        k = int(np.ceil(len(values) * share / 100))
        held = values[:k].sum() / values.sum()
        assert _by_gid(fig, f"top-{share}").get_text().endswith(f": {100 * held:.0f}%")
    _assert_readable(fig)


def test_parameter_intervals_real_data(cdnow_clv):
    _, _, fit = cdnow_clv
    fig = plot_parameter_intervals(fit, reference=PUBLISHED_BGNBD)
    ax = fig.axes[0]
    assert len(ax.get_yticklabels()) == 4
    np.testing.assert_allclose(
        _by_gid_artist(fig, "published").get_xdata(), list(PUBLISHED_BGNBD.values())
    )
    # the published estimates are reproduced: each lies inside its 95% interval
    assert "4 of 4 published values lie inside" in _title(fig)
    _assert_readable(fig)


# --------------------------------------------------------------------------------------------
# 9. funnel, SLA and sales charts: a synthetic CRM built once, and the Olist funnel
# --------------------------------------------------------------------------------------------

CRM_STAGES = ["created_at", "mql_at", "sql_at", "opp_at", "won_at"]
CRM_NAMES = ["lead", "MQL", "SQL", "opportunity", "won"]


@pytest.fixture(scope="module")
def crm_charts() -> SimpleNamespace:
    """The inputs of every funnel chart, from one synthetic CRM of 5,000 leads."""
    crm = make_crm(5_000, random_state=1, with_messages=False)
    end = crm.truth["data_end"]
    opps = crm.opportunities[["lead_id", "created_at", "closed_at", "status"]]
    leads = crm.leads.merge(opps.rename(columns={"created_at": "opp_at"}), on="lead_id", how="left")
    leads["won_at"] = leads["closed_at"].where(leads["status"] == "won")
    sized = crm.opportunities.merge(crm.leads[["lead_id", "company_size"]], on="lead_id")
    closed = crm.opportunities[crm.opportunities["status"] != "open"]
    closed = closed.assign(won=closed["status"] == "won")
    answered_long_ago = crm.leads[crm.leads["mql_at"] < end - pd.Timedelta(days=60)]
    return SimpleNamespace(
        funnel=funnel(leads, CRM_STAGES, names=CRM_NAMES),
        by_channel=funnel(leads, CRM_STAGES, names=CRM_NAMES, by="channel"),
        by_cohort=funnel(leads, CRM_STAGES, names=CRM_NAMES, cohort="created_at"),
        cycle=cycle_length(sized, "created_at", "closed_at", data_end=end, by="company_size"),
        cycle_all=cycle_length(sized, "created_at", "closed_at", data_end=end),
        sla=sla_compliance(crm.leads, by="sdr_id", data_end=end),
        speed=speed_to_lead_effect(answered_long_ago),
        league=league_table(closed, "ae_id", "won"),
        sdr_league=league_table(crm.leads[crm.leads["is_mql"]], "sdr_id", "is_sql"),
        roi=roi_by_channel(crm.campaigns, crm.leads, crm.opportunities, n_boot=200),
    )


FUNNEL_CHARTS = [
    ("funnel", plot_funnel, "funnel", {}),
    ("by_channel", plot_conversion_by_group, "by_channel", {"stage": "MQL"}),
    ("by_cohort", plot_conversion_by_group, "by_cohort", {"stage": "lead"}),
    ("cycle", plot_cycle_curves, "cycle", {}),
    ("sla", plot_sla, "sla", {}),
    ("speed", plot_speed_to_lead, "speed", {}),
    ("league", plot_league_table, "league", {}),
    ("roi", plot_roi_by_channel, "roi", {}),
]
_FUNNEL_IDS = [c[0] for c in FUNNEL_CHARTS]


def _deep_copy(data):
    """A deep copy of a frame, or of the frames of a result dataclass."""
    if isinstance(data, pd.DataFrame):
        return data.copy(deep=True)
    return {k: v.copy(deep=True) if isinstance(v, pd.DataFrame) else v
            for k, v in vars(data).items()}  # fmt: skip


def _assert_unchanged(data, before) -> None:
    if isinstance(data, pd.DataFrame):
        pd.testing.assert_frame_equal(data, before)
        assert data.attrs.keys() == before.attrs.keys()
        return
    for key, value in vars(data).items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, before[key])
        else:
            assert value == before[key]


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize(("name", "plot", "attr", "kwargs"), FUNNEL_CHARTS, ids=_FUNNEL_IDS)
def test_funnel_chart_closed_titled_labelled_input_unchanged(
    name, plot, attr, kwargs, crm_charts, monkeypatch
):
    def no_show(*args, **kwargs):
        raise AssertionError("plt.show() must not be called")

    monkeypatch.setattr(plt, "show", no_show)
    data = getattr(crm_charts, attr)
    before = _deep_copy(data)
    title = (
        f"A long title for the {name} chart that a caller writes to tell the whole story, "
        "and which has to wrap onto a second line (synthetic data)"
    )
    fig = plot(data, **kwargs, title=title)
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == []
    _assert_unchanged(data, before)
    assert "\n" in fig.get_suptitle()  # wrapped ...
    assert _squash(_title(fig)) == _squash(title)  # ... and complete
    assert len(fig.axes) == 1
    _assert_labelled(fig.axes[0])
    _assert_readable(fig)  # nothing cut off


@pytest.mark.parametrize(("name", "plot", "attr", "kwargs"), FUNNEL_CHARTS, ids=_FUNNEL_IDS)
def test_funnel_chart_default_title_and_given_axes(name, plot, attr, kwargs, crm_charts):
    data = getattr(crm_charts, attr)
    fig = plot(data, **kwargs)
    assert fig.get_suptitle().strip()
    _assert_readable(fig)

    fig = Figure(figsize=(14, 5))
    ax_left, ax_right = fig.subplots(1, 2)
    out = plot(data, **kwargs, ax=ax_right, title="Right panel")
    assert out is fig
    assert ax_right.has_data() and not ax_left.has_data()
    assert ax_right.get_title("left") == "Right panel"
    assert not fig.get_suptitle()
    _assert_labelled(ax_right)


def _drop(data, frame_attr: str | None, column: str):
    if frame_attr is None:
        return data.drop(columns=column)
    frames = dict(vars(data))
    frames[frame_attr] = frames[frame_attr].drop(columns=column)
    return SimpleNamespace(**frames)


@pytest.mark.parametrize(
    ("plot", "attr", "kwargs", "frame_attr", "column"),
    [
        (plot_funnel, "funnel", {}, None, "entered"),
        (plot_funnel, "funnel", {}, None, "bottleneck"),
        (plot_conversion_by_group, "by_channel", {"stage": "MQL"}, None, "converted"),
        (plot_conversion_by_group, "by_cohort", {"stage": "lead"}, None, "high"),
        (plot_cycle_curves, "cycle", {}, "curves", "share_open"),
        (plot_cycle_curves, "cycle", {}, "summary", "median_days"),
        (plot_sla, "sla", {}, None, "median_response_hours"),
        (plot_sla, "sla", {}, None, "due"),
        (plot_speed_to_lead, "speed", {}, "by_response_time", "rate"),
        (plot_speed_to_lead, "speed", {}, "odds_ratios", "odds_ratio"),
        (plot_league_table, "league", {}, None, "shrunk"),
        (plot_league_table, "league", {}, None, "vs_team"),
        (plot_roi_by_channel, "roi", {}, None, "roi_pct"),
        (plot_roi_by_channel, "roi", {}, None, "spend"),
    ],
)
def test_funnel_chart_missing_column_raises_value_error_naming_it(
    plot, attr, kwargs, frame_attr, column, crm_charts
):
    data = _drop(getattr(crm_charts, attr), frame_attr, column)
    with pytest.raises(ValueError, match=f"'{column}'"):
        plot(data, **kwargs)


def _gid_lines(ax, prefix: str) -> list:
    return [line for line in ax.lines if str(line.get_gid() or "").startswith(prefix)]


def _gid_line(ax, gid: str):
    found = [line for line in ax.lines if line.get_gid() == gid]
    assert len(found) == 1, f"expected one line with gid {gid!r}, found {len(found)}"
    return found[0]


def _errorbar_x(ax, gid: str) -> np.ndarray:
    return np.asarray(_gid_line(ax, gid).get_xdata(), dtype=float)


def _tick_texts(labels) -> list[str]:
    return [t.get_text() for t in labels]


# -- plot_funnel -----------------------------------------------------------------------------


def test_funnel_one_bar_per_stage_bottleneck_highlighted(crm_charts):
    table = crm_charts.funnel
    fig = plot_funnel(table)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if str(p.get_gid() or "").startswith("stage-")]
    assert [b.get_gid() for b in bars] == [f"stage-{s}" for s in CRM_NAMES]
    assert [b.get_width() for b in bars] == table["entered"].tolist()
    assert _tick_texts(ax.get_yticklabels()) == CRM_NAMES
    worst = table.loc[table["bottleneck"], "stage"].item()
    for bar, stage in zip(bars, CRM_NAMES, strict=True):
        expected = FUNNEL_COLORS["bottleneck"] if stage == worst else COLORS["main"]
        assert same_color(bar.get_facecolor(), expected), stage
    # the conversion to the next stage, with its interval, between the bars
    for row in table.iloc[:-1].itertuples():
        text = _by_gid(fig, f"conversion-{row.stage}").get_text()
        pct = f"{100 * row.conversion:.1f}% [{100 * row.low:.1f}–{100 * row.high:.1f}%]"
        assert text.startswith(f"→ {pct} convert to {row.next_stage}")
        assert ("bottleneck" in text) == (row.stage == worst)
    assert _by_gid(fig, "count-lead").get_text() == f"{table['entered'].iloc[0]:,}"
    assert f"Bottleneck: {worst} →" in _title(fig)


def test_funnel_group_selection(crm_charts):
    by = crm_charts.by_channel
    with pytest.raises(ValueError, match="holds 6 groups.*group="):
        plot_funnel(by)
    with pytest.raises(ValueError, match="'nowhere' is not in table"):
        plot_funnel(by, group="nowhere")
    with pytest.raises(ValueError, match="no group column"):
        plot_funnel(crm_charts.funnel, group="email")
    email = by[by["channel"] == "email"]
    fig = plot_funnel(by, group="email")
    bars = [p for p in fig.axes[0].patches if str(p.get_gid() or "").startswith("stage-")]
    assert [b.get_width() for b in bars] == email["entered"].tolist()
    assert "channel = email" in _title(fig)
    assert plot_funnel(email) is not None  # a single group needs no group=
    cohort = crm_charts.by_cohort
    fig = plot_funnel(cohort, group=pd.Period("2024-03", "M"))
    march = cohort[cohort["cohort"] == pd.Period("2024-03", "M")]
    bars = [p for p in fig.axes[0].patches if str(p.get_gid() or "").startswith("stage-")]
    assert [b.get_width() for b in bars] == march["entered"].tolist()


def test_funnel_of_two_stages_has_no_bottleneck_to_highlight():
    leads = pd.DataFrame({"lead_id": range(10), "a": True, "b": [True] * 3 + [False] * 7})
    fig = plot_funnel(funnel(leads, ["a", "b"]))
    bars = [p for p in fig.axes[0].patches if str(p.get_gid() or "").startswith("stage-")]
    assert len(bars) == 2
    assert all(same_color(b.get_facecolor(), COLORS["main"]) for b in bars)
    assert "bottleneck" not in " ".join(_texts(fig)).lower()


# -- plot_conversion_by_group ----------------------------------------------------------------


def test_conversion_by_group_points_sorted_with_pooled_overall_line(crm_charts):
    table = crm_charts.by_channel
    rows = table[table["stage"] == "MQL"]
    fig = plot_conversion_by_group(table, "MQL")
    ax = fig.axes[0]
    x = _errorbar_x(ax, "conversion")
    assert len(x) == rows["channel"].nunique() == 6
    assert list(x) == sorted(rows["conversion"], reverse=True)  # highest on top
    pooled = rows["converted"].sum() / rows["entered"].sum()
    assert _gid_line(ax, "overall").get_xdata()[0] == pytest.approx(pooled)
    ordered = rows.sort_values("conversion", ascending=False)
    assert _tick_texts(ax.get_yticklabels()) == [
        f"{c} ({n:,})" for c, n in zip(ordered["channel"], ordered["entered"], strict=True)
    ]
    # the error bars are the Wilson intervals of the table
    segments = ax.containers[0].lines[2][0].get_segments()
    np.testing.assert_allclose([s[0][0] for s in segments], ordered["low"])
    np.testing.assert_allclose([s[1][0] for s in segments], ordered["high"])


def test_conversion_by_cohort_is_a_line_in_time_order_with_a_band(crm_charts):
    table = crm_charts.by_cohort
    rows = table[table["stage"] == "lead"].sort_values("cohort")
    fig = plot_conversion_by_group(table, "lead")
    ax = fig.axes[0]
    line = _gid_line(ax, "conversion")
    np.testing.assert_allclose(line.get_ydata(), rows["conversion"])
    assert [c.get_gid() for c in ax.collections] == ["interval"]
    pooled = rows["converted"].sum() / rows["entered"].sum()
    assert _gid_line(ax, "overall").get_ydata()[0] == pytest.approx(pooled)
    ticks = _tick_texts(ax.get_xticklabels())
    assert ticks[0] == f"{rows['cohort'].iloc[0]}\n({rows['entered'].iloc[0]:,})"
    assert [t.split("\n")[0] for t in ticks] == sorted(t.split("\n")[0] for t in ticks)
    assert "may still convert" in _by_gid(fig, "footnote").get_text()


def test_conversion_by_group_bad_input(crm_charts):
    with pytest.raises(ValueError, match="no group column"):
        plot_conversion_by_group(crm_charts.funnel, "MQL")
    with pytest.raises(ValueError, match="'nowhere' is not in column 'stage'"):
        plot_conversion_by_group(crm_charts.by_channel, "nowhere")
    with pytest.raises(ValueError, match="'won' is the last stage"):
        plot_conversion_by_group(crm_charts.by_channel, "won")


# -- plot_cycle_curves -----------------------------------------------------------------------


def test_cycle_curves_one_line_per_group_medians_and_log_rank(crm_charts):
    result = crm_charts.cycle
    fig = plot_cycle_curves(result)
    ax = fig.axes[0]
    groups = result.summary["group"].tolist()
    curves = _gid_lines(ax, "curve-")
    assert sorted(c.get_gid() for c in curves) == sorted(f"curve-{g}" for g in groups)
    for g in groups:
        part = result.curves[result.curves["group"] == g]
        np.testing.assert_allclose(_gid_line(ax, f"curve-{g}").get_ydata(), part["share_open"])
    for row in result.summary.itertuples():
        marker = _gid_line(ax, f"median-{row.group}")
        assert marker.get_xdata()[0] == pytest.approx(row.median_days)
        assert marker.get_ydata()[0] == 0.5
    legend = ax.get_legend()
    p = result.test["p_value"]
    assert legend.get_title().get_text().startswith("log-rank test")
    assert f"{p:.2f}" in legend.get_title().get_text()
    assert all("n = " in t.get_text() and "median" in t.get_text() for t in legend.get_texts())


def test_cycle_curves_single_group_and_median_not_reached(crm_charts):
    fig = plot_cycle_curves(crm_charts.cycle_all)
    ax = fig.axes[0]
    assert len(_gid_lines(ax, "curve-")) == 1
    assert not ax.get_legend().get_title().get_text()  # no test without groups
    assert "half are closed after" in _title(fig)
    # a group where fewer than half have closed: no median marker, and the legend says so
    t0 = pd.Timestamp("2024-01-01")
    ends = [t0 + pd.Timedelta(days=5)] * 2 + [pd.NaT] * 8
    deals = pd.DataFrame({"start": [t0] * 10, "end": ends})
    result = cycle_length(deals, "start", "end", data_end=t0 + pd.Timedelta(days=30))
    fig = plot_cycle_curves(result)
    ax = fig.axes[0]
    assert not _gid_lines(ax, "median-")
    assert "median not reached" in ax.get_legend().get_texts()[0].get_text()
    assert ax.get_ylim()[0] > 0  # zoomed in on the top: every curve stays high
    _assert_readable(fig)


def test_cycle_curves_bad_input():
    with pytest.raises(TypeError, match="cycle_length"):
        plot_cycle_curves(pd.DataFrame({"days": [1.0]}))


# -- plot_sla --------------------------------------------------------------------------------


def test_sla_points_sorted_with_pooled_line_and_median_hours(crm_charts):
    table = crm_charts.sla
    fig = plot_sla(table, sla_hours=24)
    ax = fig.axes[0]
    x = _errorbar_x(ax, "share-within")
    assert len(x) == len(table) == 8
    assert list(x) == sorted(table["share_within"], reverse=True)
    pooled = table["within_sla"].sum() / table["due"].sum()
    assert _gid_line(ax, "overall").get_xdata()[0] == pytest.approx(pooled)
    for rep, hours in table["median_response_hours"].items():
        assert _by_gid(fig, f"median-{rep}").get_text() == f"median {hours:.1f} h"
    ordered = table.sort_values("share_within", ascending=False)
    first = f"{ordered.index[0]} ({ordered['due'].iloc[0]:,})"
    assert _tick_texts(ax.get_yticklabels())[0] == first
    assert "24 h" in ax.get_xlabel()


# -- plot_speed_to_lead ----------------------------------------------------------------------


def test_speed_to_lead_points_per_bucket_odds_ratio_and_caveat(crm_charts):
    result = crm_charts.speed
    by_time = result.by_response_time
    fig = plot_speed_to_lead(result)
    ax = fig.axes[0]
    line = _gid_line(ax, "conversion")
    np.testing.assert_allclose(line.get_ydata(), by_time["rate"])
    assert [t.split("\n")[0] for t in _tick_texts(ax.get_xticklabels())] == list(
        by_time.index.astype(str)
    )
    row = result.odds_ratios.loc["within_sla"]
    box = _by_gid(fig, "odds-ratio").get_text()
    assert f"× {row['odds_ratio']:.2f} [{row['low']:.2f}–{row['high']:.2f}]" in box
    assert "adjusted for channel" in box and f"{result.n:,} leads" in box
    assert "Observational" in _by_gid(fig, "footnote").get_text()
    pooled = by_time["conversions"].sum() / by_time["leads"].sum()
    assert _gid_line(ax, "overall").get_ydata()[0] == pytest.approx(pooled)


def test_speed_to_lead_empty_bucket_and_missing_row(crm_charts):
    result = crm_charts.speed
    by_time = result.by_response_time.copy()
    by_time.iloc[0, :] = [0, 0, np.nan, np.nan, np.nan]
    fig = plot_speed_to_lead(SimpleNamespace(**{**vars(result), "by_response_time": by_time}))
    assert len(_gid_line(fig.axes[0], "conversion").get_xdata()) == len(by_time) - 1
    odds = result.odds_ratios.drop(index="within_sla")
    with pytest.raises(ValueError, match="no row 'within_sla'"):
        plot_speed_to_lead(SimpleNamespace(**{**vars(result), "odds_ratios": odds}))


# -- plot_league_table -----------------------------------------------------------------------


def test_league_table_team_line_rank_order_and_shrunk_rates(crm_charts):
    table = crm_charts.league
    fig = plot_league_table(table)
    ax = fig.axes[0]
    assert _gid_line(ax, "team-rate").get_xdata()[0] == pytest.approx(table.attrs["team_rate"])
    np.testing.assert_allclose(_gid_line(ax, "shrunk").get_xdata(), table["shrunk"])
    labels = _tick_texts(ax.get_yticklabels())
    assert labels == [
        f"{r} · {rep} (n = {n:,})" for rep, r, n in zip(table.index, table["rank"], table["n"],
                                                        strict=True)
    ]  # fmt: skip
    assert "win rate" in ax.get_xlabel()


def test_league_table_points_coloured_by_verdict(crm_charts):
    frame = pd.DataFrame(
        {"rep": ["a"] * 100 + ["b"] * 100 + ["c"] * 10,
         "won": [1] * 90 + [0] * 10 + [1] * 10 + [0] * 90 + [1] * 5 + [0] * 5}
    )  # fmt: skip
    table = league_table(frame, "rep", "won")
    assert set(table["vs_team"]) == {"above", "below", "not distinguishable"}
    for data in (table, crm_charts.sdr_league):
        fig = plot_league_table(data, rate_label="MQL-to-SQL rate")
        ax = fig.axes[0]
        drawn = 0
        for verdict in set(data["vs_team"]):
            line = _gid_line(ax, f"rate-{verdict}")
            assert same_color(line.get_color(), FUNNEL_COLORS[verdict])
            expected = data.loc[data["vs_team"] == verdict, "rate"]
            np.testing.assert_allclose(sorted(line.get_xdata()), sorted(expected))
            drawn += len(line.get_xdata())
        assert drawn == len(data)
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert "above the team" in legend or "above" not in set(data["vs_team"])
        _assert_readable(fig)


def test_league_table_team_rate_without_attrs(crm_charts):
    table = crm_charts.league.copy()
    table.attrs = {}
    fig = plot_league_table(table)
    pooled = table["successes"].sum() / table["n"].sum()
    assert _gid_line(fig.axes[0], "team-rate").get_xdata()[0] == pytest.approx(pooled)


# -- plot_roi_by_channel ---------------------------------------------------------------------


def test_roi_by_channel_sorted_break_even_line_and_spend_in_labels(crm_charts):
    table = crm_charts.roi
    fig = plot_roi_by_channel(table.sort_values("spend"))  # any order in, sorted by ROI out
    ax = fig.axes[0]
    x = _errorbar_x(ax, "roi")
    assert list(x) == sorted(table["roi_pct"], reverse=True)
    zero = _gid_line(ax, "break-even")
    assert list(zero.get_xdata()) == [0, 0]
    lo, hi = ax.get_xlim()
    assert lo < 0 < hi
    ordered = table.sort_values("roi_pct", ascending=False)
    labels = _tick_texts(ax.get_yticklabels())
    assert [label.split(" (spend ")[0] for label in labels] == list(ordered.index)
    email = labels[list(ordered.index).index("email")]
    spend = ordered.loc["email", "spend"]
    assert email == f"email (spend {spend / 1e3:.3g}k)"
    roi = ordered.loc["email", "roi_pct"]
    assert _by_gid(fig, "roi-email").get_text().startswith(f"{roi:,.0f}%")


# -- real data: the Olist marketing funnel ---------------------------------------------------


@pytest.fixture(scope="module")
def olist_funnel():
    if not os.environ.get("RESEARCH_DATA_HOME"):
        pytest.skip("RESEARCH_DATA_HOME is not set: the real Olist data is not available")
    from research.data import load_olist_funnel

    o = load_olist_funnel()
    # one MQL (row 6357) was won 1.2 days before its first contact date: funnel() refuses
    # timestamps that run backwards, so it is left out here
    return o[~(o["won_date"] < o["first_contact_date"]).to_numpy()]


def test_funnel_and_cycle_curves_real_data(olist_funnel):
    o = olist_funnel
    before = o.copy(deep=True)
    table = funnel(o.assign(won_at=o["won_date"]), ["first_contact_date", "won_at"],
                   lead_col="mql_id", names=["MQL", "won"])  # fmt: skip
    fig = plot_funnel(table, title="Olist marketing funnel: MQLs to won deals")
    bars = [p for p in fig.axes[0].patches if str(p.get_gid() or "").startswith("stage-")]
    assert [b.get_width() for b in bars] == [7_999, 841]
    assert _by_gid(fig, "conversion-MQL").get_text().startswith("→ 10.5% [")
    _assert_labelled(fig.axes[0])
    _assert_readable(fig)

    counts = o["origin"].value_counts()
    origins = counts.index[counts >= 400]
    result = cycle_length(o[o["origin"].isin(origins)], "first_contact_date", "won_date",
                          by="origin")  # fmt: skip
    fig = plot_cycle_curves(result)
    ax = fig.axes[0]
    assert len(_gid_lines(ax, "curve-")) == len(origins) == 6
    assert not _gid_lines(ax, "median-")  # most MQLs are never won: no median is reached
    assert "p < 0.001" in ax.get_legend().get_title().get_text()
    _assert_labelled(ax)
    _assert_readable(fig)
    pd.testing.assert_frame_equal(o, before)


# --------------------------------------------------------------------------------------------
# 10. message charts: distinctive terms and claim coverage (research.messages)
# --------------------------------------------------------------------------------------------


def _terms() -> pd.DataFrame:
    """Ten terms, sorted by z as distinctive_terms sorts them; sales is group A (z > 0)."""
    frame = pd.DataFrame(
        {
            "term": [
                "다음",
                "打ち合わせ",
                "follow",
                "통화",
                "弊社",
                "price",
                "무료",
                "無料",
                "teams",
                "nimbus",
            ],
            "count_a": [496, 271, 189, 348, 30, 40, 22, 22, 24, 45],
            "count_b": [61, 0, 0, 0, 12, 45, 692, 660, 1141, 2294],
            "per_1000_a": 0.0,
            "per_1000_b": 0.0,
            "delta": 0.0,
            "variance": 0.0,
            "z": [16.0, 13.1, 10.9, 14.8, 1.2, -0.4, -8.2, -7.9, -10.9, -15.6],
            "favours": ["sales"] * 5 + ["marketing"] * 5,
        }
    )
    frame.attrs.update(group_a="sales", group_b="marketing", tokens_a=50_267, tokens_b=120_800)
    return frame


def _coverage() -> pd.DataFrame:
    """Claims of three campaigns: sales never repeats "fast_setup", says "price" more."""
    rows = [
        ("C1", "fast_setup", 20, 10, 10, 0),
        ("C2", "fast_setup", 40, 30, 5, 0),
        ("C1", "price", 20, 4, 10, 6),
        ("C3", "trust", 50, 25, 20, 10),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "campaign_id",
            "claim",
            "marketing_messages",
            "marketing_with",
            "sales_messages",
            "sales_with",
        ],
    )
    for team in ("marketing", "sales"):
        frame[f"{team}_share"] = frame[f"{team}_with"] / frame[f"{team}_messages"]
        frame[f"{team}_low"] = frame[f"{team}_share"] - 0.1  # per campaign: not used
        frame[f"{team}_high"] = frame[f"{team}_share"] + 0.1
    frame["gap"] = frame["marketing_share"] - frame["sales_share"]
    frame["only_marketing"] = (frame["marketing_with"] > 0) & (frame["sales_with"] == 0)
    frame["only_sales"] = (frame["sales_with"] > 0) & (frame["marketing_with"] == 0)
    return frame


def _effects() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "unit": ["per unit", "with vs without", "with vs without"],
            "lift": [0.011, -0.103, 0.046],
            "low": [0.008, -0.127, 0.023],
            "high": [0.014, -0.080, 0.069],
            "p_value": [1e-12, 1e-17, 7e-5],
            "share_with": [np.nan, 0.156, 0.27],
            "n_headlines": 22_662,
            "n_tests": 4_872,
            "n_tests_varying": [2_498, 1_101, 1_152],
        },
        index=pd.Index(["n_words", "question", "number"], name="feature"),
    )
    frame.attrs.update(n_tests_in=4_873, n_tests_used=4_872)
    return frame


@pytest.fixture(scope="module")
def crm_messages() -> SimpleNamespace:
    """Distinctive terms and claim coverage of a small synthetic CRM in three languages."""
    from research.data.synthetic import phrases as ph
    from research.messages import claim_coverage, distinctive_terms

    crm = make_crm(800, languages=("en", "ko", "ja"), random_state=0)
    m = crm.messages
    return SimpleNamespace(
        terms=distinctive_terms(
            m.text, m.team, group_a="sales", group_b="marketing", languages=m.language
        ),
        coverage=claim_coverage(m, crm.campaigns, crm.leads, ph.CLAIM_KEYWORDS),
    )


MESSAGE_CHARTS = [
    ("terms", plot_distinctive_terms, _terms),
    ("coverage", plot_claim_coverage, _coverage),
    ("effects", plot_headline_effects, _effects),
]
_MESSAGE_IDS = [c[0] for c in MESSAGE_CHARTS]


@pytest.mark.parametrize(("name", "plot", "make"), MESSAGE_CHARTS, ids=_MESSAGE_IDS)
def test_message_chart_closed_titled_labelled_input_unchanged(name, plot, make, monkeypatch):
    def no_show(*args, **kwargs):
        raise AssertionError("plt.show() must not be called")

    monkeypatch.setattr(plt, "show", no_show)
    data = make()
    before = _deep_copy(data)
    before_attrs = dict(data.attrs)
    fig = plot(data)
    assert isinstance(fig, Figure)
    _assert_unchanged(data, before)
    assert data.attrs == before_attrs
    assert plt.get_fignums() == []
    assert fig.get_suptitle().strip()
    assert len(fig.axes) == 1
    _assert_labelled(fig.axes[0])
    _assert_readable(fig)
    assert _title(plot(make(), title="My title")).startswith("My title")


@pytest.mark.parametrize(("name", "plot", "make"), MESSAGE_CHARTS, ids=_MESSAGE_IDS)
def test_message_chart_draws_on_a_given_axes(name, plot, make):
    fig = Figure(figsize=(16, 6))
    ax_left, ax_right = fig.subplots(1, 2)
    out = plot(make(), ax=ax_right, title="Right panel")
    assert out is fig
    assert ax_right.has_data() and not ax_left.has_data()
    assert ax_right.get_title("left") == "Right panel"
    assert not fig.get_suptitle()
    _assert_labelled(ax_right)


@pytest.mark.parametrize(
    ("plot", "make", "column"),
    [
        (plot_distinctive_terms, _terms, "term"),
        (plot_distinctive_terms, _terms, "count_b"),
        (plot_distinctive_terms, _terms, "z"),
        (plot_claim_coverage, _coverage, "claim"),
        (plot_claim_coverage, _coverage, "sales_with"),
        (plot_claim_coverage, _coverage, "marketing_messages"),
        (plot_headline_effects, _effects, "lift"),
        (plot_headline_effects, _effects, "high"),
    ],
)
def test_message_chart_missing_column_raises_value_error_naming_it(plot, make, column):
    with pytest.raises(ValueError, match=f"'{column}'"):
        plot(make().drop(columns=column))


# -- plot_distinctive_terms ------------------------------------------------------------------


def _term_labels(fig: Figure) -> dict[str, Text]:
    return {
        t.get_text(): t for t in fig.findobj(Text) if str(t.get_gid() or "").startswith("term-")
    }


def _top_terms(table: pd.DataFrame, n: int) -> tuple[set[str], set[str]]:
    """The top n terms of each side by |z|, computed here from the table."""
    pos = table[table["z"] > 0].nlargest(n, "z")["term"]
    neg = table[table["z"] < 0].nsmallest(n, "z")["term"]
    return set(pos), set(neg)


def test_distinctive_terms_labels_the_top_n_of_each_side_in_their_colours():
    table = _terms()
    fig = plot_distinctive_terms(table, n=3)
    ax = fig.axes[0]
    labels = _term_labels(fig)
    top_a, top_b = _top_terms(table, 3)
    assert top_a == {"다음", "통화", "打ち合わせ"}  # not "follow": 4th by z
    assert top_b == {"nimbus", "teams", "무료"}
    assert set(labels) == top_a | top_b
    for term, text in labels.items():
        assert text.get_gid() == f"term-{term}"
        team = "sales" if term in top_a else "marketing"
        assert same_color(text.get_color(), COLORS[team])
    # every term is a grey point at (count_a + count_b, z); the labelled ones coloured on top
    terms = next(c for c in ax.collections if c.get_gid() == "terms")
    expected = np.column_stack([table["count_a"] + table["count_b"], table["z"]])
    np.testing.assert_allclose(terms.get_offsets(), expected)
    top = {c.get_gid(): c for c in ax.collections if c.get_gid() in ("top-a", "top-b")}
    assert sorted(top["top-a"].get_offsets()[:, 1], reverse=True) == [16.0, 14.8, 13.1]
    assert sorted(top["top-b"].get_offsets()[:, 1]) == [-15.6, -10.9, -8.2]
    assert ax.get_xscale() == "log"
    assert "occurrences in both groups" in ax.get_xlabel()
    assert ax.get_ylabel().startswith("z-score: log-odds ratio / its SD")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("favours sales" in t for t in legend)
    assert any("favours marketing" in t for t in legend)
    assert "sales" in _title(fig) and "marketing" in _title(fig)


def test_distinctive_terms_dashed_lines_at_plus_and_minus_1_96():
    ax = plot_distinctive_terms(_terms()).axes[0]
    for gid, z in (("z+1.96", 1.96), ("z-1.96", -1.96)):
        line = _gid_line(ax, gid)
        assert list(line.get_ydata()) == [z, z]
        assert line.get_linestyle() == "--"
    lo, hi = ax.get_ylim()
    assert lo < -15.6 and hi > 16.0


def test_distinctive_terms_n_and_group_names():
    table = _terms()
    assert _term_labels(plot_distinctive_terms(table, n=0)) == {}
    # more than there are: every term of each side
    assert len(_term_labels(plot_distinctive_terms(table, n=50))) == len(table)
    for bad in (-1, 2.5, True, "3"):
        with pytest.raises(ValueError, match="n must be"):
            plot_distinctive_terms(table, n=bad)
    # no attrs: generic group names, still drawn
    plain = table.copy()
    plain.attrs = {}
    fig = plot_distinctive_terms(plain, n=2)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("favours group A" in t for t in legend)
    with pytest.raises(ValueError, match="negative"):
        plot_distinctive_terms(table.assign(count_a=-table["count_a"]))


def _assert_labels_apart(fig: Figure) -> None:
    """No two term labels overlap, and each lies inside the axes."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    boxes = {term: Text.get_window_extent(t, renderer) for term, t in _term_labels(fig).items()}
    frame = ax.get_window_extent(renderer)
    for term, box in boxes.items():
        assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1, f"{term!r} leaves the axes"
        assert frame.y0 - 1 <= box.y0 and box.y1 <= frame.y1 + 1, f"{term!r} leaves the axes"
    terms = list(boxes)
    for i, a in enumerate(terms):
        for b in terms[i + 1 :]:
            assert not boxes[a].overlaps(boxes[b]), f"labels {a!r} and {b!r} overlap"
    legend = ax.get_legend().get_window_extent(renderer)
    for term, box in boxes.items():
        assert not box.overlaps(legend), f"label {term!r} covers the legend"


def test_distinctive_terms_synthetic_top_15_apart(crm_messages):
    table = crm_messages.terms
    before = _deep_copy(table)
    fig = plot_distinctive_terms(table, title="Sales vs marketing words (synthetic data)")
    top_a, top_b = _top_terms(table, 15)
    assert set(_term_labels(fig)) == top_a | top_b
    assert len(top_a) == len(top_b) == 15
    assert any(ord(ch) >= 0xAC00 for t in top_a | top_b for ch in t)  # Korean labels
    assert any(
        0x3040 <= ord(ch) <= 0x30FF or 0x4E00 <= ord(ch) <= 0x9FFF
        for t in top_a | top_b
        for ch in t
    )  # Japanese labels
    _assert_labels_apart(fig)
    _assert_readable(fig)
    _assert_unchanged(table, before)


def test_distinctive_terms_labels_apart_at_another_size_and_dpi(crm_messages):
    fig = Figure(figsize=(6, 4.5), dpi=150, layout="constrained")
    plot_distinctive_terms(crm_messages.terms, n=8, ax=fig.add_subplot(), title="Small")
    _assert_labels_apart(fig)


def test_distinctive_terms_labels_are_placed_on_the_final_layout(crm_messages):
    # labels are placed when the figure is drawn: a panel added afterwards, which shrinks the
    # axes, does not make them overlap
    fig = Figure(figsize=(12, 5), layout="constrained")
    left, right = fig.subplots(1, 2)
    plot_distinctive_terms(crm_messages.terms, n=10, ax=left, title="Left")
    right.set_ylabel("a long label\nover several\nlines", fontsize=30)
    right.plot([0, 1], [0, 1])
    _assert_labels_apart(fig)
    first = {t: label.xyann for t, label in _term_labels(fig).items()}
    FigureCanvasAgg(fig).draw()  # a second draw keeps the places
    assert {t: label.xyann for t, label in _term_labels(fig).items()} == first


def test_label_geometry_helpers():
    box = np.array([[0.0, 0.0, 2.0, 1.0]])
    starts = np.array([[-1.0, 0.5], [-1.0, 2.0], [1.0, 0.5], [3.0, -1.0]])
    ends = np.array([[3.0, 0.5], [3.0, 2.0], [1.0, 5.0], [-1.0, 3.0]])
    # through, above, starting inside, diagonal through the corner region
    assert label_places._segments_hit_boxes(starts, ends, box)[:, 0].tolist() == [
        True,
        False,
        True,
        True,
    ]
    a, b = np.array([[0.0, 0.0]]), np.array([[2.0, 2.0]])
    c = np.array([[0.0, 2.0], [3.0, 0.0]])
    d = np.array([[2.0, 0.0], [3.0, 5.0]])
    assert label_places._segments_cross(a, b, c, d).tolist() == [[True, False]]
    others = np.array([[1.5, 0.5, 3.0, 3.0], [2.0, 0.0, 3.0, 1.0]])  # touching is not overlap
    assert label_places._boxes_overlap(box, others).tolist() == [[True, False]]


def _glyph_warnings(fig: Figure) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        FigureCanvasAgg(fig).draw()
    return [str(w.message) for w in caught if "missing from" in str(w.message)]


@pytest.mark.skipif(not fonts.cjk_fonts(), reason="no CJK font installed")
def test_korean_and_japanese_labels_render_with_the_cjk_font():
    fig = plot_distinctive_terms(_terms(), n=5)
    cjk = fonts.cjk_fonts()[0]
    assert cjk in plt.rcParams["font.family"]  # the fallback is set by the first chart
    term_labels = _term_labels(fig)
    assert {"다음", "打ち合わせ", "無料"} <= set(term_labels)
    assert cjk in term_labels["다음"].get_fontfamily()
    assert _glyph_warnings(fig) == []


def test_cjk_labels_still_draw_without_the_cjk_font(monkeypatch):
    monkeypatch.setattr(fonts, "cjk_fonts", lambda: ())
    with plt.rc_context({"font.family": ["DejaVu Sans"]}), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Glyph ... missing": empty boxes, as expected
        fig = plot_distinctive_terms(_terms(), n=5)
        FigureCanvasAgg(fig).draw()
    label = _term_labels(fig)["다음"]
    assert label.get_fontfamily() == ["DejaVu Sans"]  # no font to fall back on
    assert label.get_window_extent().width > 0


# -- plot_claim_coverage ---------------------------------------------------------------------


def _wilson(k: int, n: int, z: float = stats.norm.ppf(0.975)) -> tuple[float, float]:
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


def _errorbar_segments(ax, gid: str) -> np.ndarray:
    """(low, high) of each interval of the error bar container whose line has ``gid``."""
    container = next(c for c in ax.containers if c.lines[0].get_gid() == gid)
    segments = container.lines[2][0].get_segments()
    return np.array([[seg[0][0], seg[1][0]] for seg in segments])


def test_claim_coverage_pools_campaigns_by_hand():
    table = _coverage()
    fig = plot_claim_coverage(table)
    ax = fig.axes[0]
    # pooled by hand: fast_setup marketing (10 + 30) / (20 + 40), sales 0 / 15; price 4 / 20
    # vs 6 / 10; trust 25 / 50 vs 10 / 20. Sorted by gap: fast_setup, trust, price.
    marketing = {"fast_setup": (40, 60), "trust": (25, 50), "price": (4, 20)}
    sales = {"fast_setup": (0, 15), "trust": (10, 20), "price": (6, 10)}
    order = ["fast_setup", "trust", "price"]
    np.testing.assert_allclose(_errorbar_x(ax, "marketing"), [40 / 60, 0.5, 0.2])
    np.testing.assert_allclose(_errorbar_x(ax, "sales"), [0.0, 0.5, 0.6])
    y_m = np.asarray(_gid_line(ax, "marketing").get_ydata(), dtype=float)
    y_s = np.asarray(_gid_line(ax, "sales").get_ydata(), dtype=float)
    assert list(np.argsort(y_m)) == [0, 1, 2] and (np.abs(y_m - y_s) < 0.5).all()  # same rows
    np.testing.assert_allclose(
        _errorbar_segments(ax, "marketing"), [_wilson(*marketing[c]) for c in order], atol=1e-12
    )
    np.testing.assert_allclose(
        _errorbar_segments(ax, "sales"), [_wilson(*sales[c]) for c in order], atol=1e-12
    )
    ticks = _tick_texts(ax.get_yticklabels())
    assert ticks == ["fast setup (2 campaigns)", "trust (1 campaign)", "price (1 campaign)"]
    assert _by_gid(fig, "gap-fast_setup").get_text() == "+67 pts"
    assert _by_gid(fig, "gap-price").get_text() == "\u221240 pts"
    note = _by_gid(fig, "never-repeated").get_text().replace("\n", " ")
    assert "Sales never repeats: fast setup" in note and "price" not in note
    assert "fast setup" in _title(fig) and "3 campaigns" in _title(fig)
    assert "share of the team's messages" in ax.get_xlabel()


def test_claim_coverage_without_never_repeated_claims_has_no_note():
    table = _coverage()
    table = table[table["claim"] != "fast_setup"]
    fig = plot_claim_coverage(table)
    assert not [t for t in fig.findobj(Text) if t.get_gid() == "never-repeated"]


def test_claim_coverage_bad_counts():
    table = _coverage()
    with pytest.raises(ValueError, match="'sales_with' of table exceeds 'sales_messages'"):
        plot_claim_coverage(table.assign(sales_with=table["sales_messages"] + 1))
    with pytest.raises(ValueError, match="negative"):
        plot_claim_coverage(table.assign(marketing_with=-1))
    with pytest.raises(ValueError, match="empty"):
        plot_claim_coverage(table.iloc[:0])


def test_claim_coverage_synthetic(crm_messages):
    table = crm_messages.coverage
    before = _deep_copy(table)
    fig = plot_claim_coverage(table, title="Campaign claims (synthetic data)")
    ax = fig.axes[0]
    pooled = table.groupby("claim")[
        ["marketing_with", "marketing_messages", "sales_with", "sales_messages"]
    ].sum()
    m = pooled["marketing_with"] / pooled["marketing_messages"]
    s = pooled["sales_with"] / pooled["sales_messages"]
    gap = (m - s).sort_values(ascending=False, kind="stable")
    np.testing.assert_allclose(_errorbar_x(ax, "marketing"), m[gap.index])
    np.testing.assert_allclose(_errorbar_x(ax, "sales"), s[gap.index])
    assert len(ax.get_yticks()) == table["claim"].nunique()
    _assert_readable(fig)
    _assert_unchanged(table, before)


# --------------------------------------------------------------------------------------------
# 11. headline effects (research.messages.headlines)
# --------------------------------------------------------------------------------------------


def test_headline_effects_rows_zero_line_units_and_shares():
    fig = plot_headline_effects(_effects())
    ax = fig.axes[0]
    # sorted by lift, largest on top; in percent
    np.testing.assert_allclose(_errorbar_x(ax, "lift"), [4.6, 1.1, -10.3])
    assert _tick_texts(ax.get_yticklabels()) == [
        "number (with vs without)",
        "words (per word)",
        "question mark (with vs without)",
    ]
    zero = _gid_line(ax, "zero")
    assert list(zero.get_xdata()) == [0, 0]
    lo, hi = ax.get_xlim()
    assert lo < -12.7 and hi > 6.9
    assert _by_gid(fig, "share-question").get_text() == "16%"
    assert _by_gid(fig, "share-number").get_text() == "27%"
    assert not [t for t in fig.findobj(Text) if t.get_gid() == "share-n_words"]  # per unit
    texts = _texts(fig)
    assert "−10.3% [−12.7, −8.0]" in texts
    assert "3 of 3 lifts" in _title(fig) and "4,872 tests" in _title(fig)
    assert "lift in click-through rate" in ax.get_xlabel()


def test_headline_effects_without_optional_columns():
    table = _effects().drop(columns=["unit", "share_with", "n_tests"])
    table.attrs = {}
    fig = plot_headline_effects(table)
    ax = fig.axes[0]
    assert _tick_texts(ax.get_yticklabels()) == ["number", "words", "question mark"]
    assert not [t for t in fig.findobj(Text) if str(t.get_gid() or "").startswith("share-")]
    with pytest.raises(ValueError, match="missing or infinite"):
        plot_headline_effects(_effects().assign(lift=np.nan))


def test_headline_effects_real_upworthy():
    if not os.environ.get("RESEARCH_DATA_HOME"):
        pytest.skip("RESEARCH_DATA_HOME is not set: the real Upworthy data is not available")
    from research.data import load_upworthy
    from research.messages.headlines import headline_effects

    table = headline_effects(load_upworthy())
    before = _deep_copy(table)
    fig = plot_headline_effects(table)
    ax = fig.axes[0]
    assert len(ax.get_yticks()) == len(table)
    np.testing.assert_allclose(
        _errorbar_x(ax, "lift"), 100 * table["lift"].sort_values(ascending=False)
    )
    ticks = _tick_texts(ax.get_yticklabels())
    assert "question mark (with vs without)" in ticks and "words (per word)" in ticks
    share = table.loc["question", "share_with"]
    assert _by_gid(fig, "share-question").get_text() == f"{100 * share:.0f}%"
    assert list(_gid_line(ax, "zero").get_xdata()) == [0, 0]
    _assert_readable(fig)
    _assert_unchanged(table, before)


@pytest.mark.skipif(
    "IPAexGothic" not in fonts.cjk_fonts(),
    reason="the fonts of koreanize-matplotlib / matplotlib-fontja are not installed",
)
def test_bold_cjk_titles_draw_without_font_warnings(caplog):
    fig = plot_distinctive_terms(_terms(), n=5, title="다음 打ち合わせ: 無料")  # a bold title
    with caplog.at_level("WARNING", logger="matplotlib.font_manager"):
        assert _glyph_warnings(fig) == []
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]


def test_importing_the_package_changes_nothing_in_matplotlib():
    code = (
        "import matplotlib as mpl\n"
        "before = dict(mpl.rcParams)\n"
        "import research, research.data, research.report\n"
        "from research.segmentation import plotting\n"
        "from research.clv import plotting\n"
        "from research.conversion import plotting\n"
        "from research.messages import plotting\n"
        "from research.funnel import plotting\n"
        "changed = [k for k, v in mpl.rcParams.items() if before[k] != v]\n"
        "assert not changed, changed\n"
    )
    subprocess.run(
        [sys.executable, "-c", code], check=True, env={**os.environ, "MPLBACKEND": "Agg"}
    )
