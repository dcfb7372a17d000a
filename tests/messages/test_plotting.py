"""Tests for research.messages.plotting: distinctive terms, claim coverage, headline effects."""

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
from research.data.synthetic import make_crm
from research.messages import ClaimPooling, DistinctiveTerms, pool_claims
from research.messages.headlines import HeadlineEffects
from research.messages.plotting import (
    plot_claim_coverage,
    plot_distinctive_terms,
    plot_headline_effects,
)
from tests._charts import (
    _assert_labelled,
    _assert_readable,
    _assert_unchanged,
    _by_gid,
    _deep_copy,
    _errorbar_x,
    _gid_line,
    _texts,
    _tick_texts,
    _title,
)

# --------------------------------------------------------------------------------------------
# 10. message charts: distinctive terms and claim coverage (research.messages)
# --------------------------------------------------------------------------------------------


def _terms() -> DistinctiveTerms:
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
    return DistinctiveTerms(
        table=frame,
        group_a="sales",
        group_b="marketing",
        tokens_a=50_267,
        tokens_b=120_800,
        prior_strength=171_067.0,
        min_count=5,
    )


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


def _pooled() -> ClaimPooling:
    return pool_claims(_coverage())


def _effects(ci: float = 0.95) -> HeadlineEffects:
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
    return HeadlineEffects(
        table=frame,
        ci=ci,
        n_headlines=22_662,
        n_tests_in=4_873,
        n_tests_single_headline=0,
        n_tests_no_clicks=1,
        n_tests_used=4_872,
    )


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
    ("coverage", plot_claim_coverage, _pooled),
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
    fig = plot(data)
    assert isinstance(fig, Figure)
    _assert_unchanged(data, before)
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


@pytest.mark.parametrize(("name", "plot", "make"), MESSAGE_CHARTS, ids=_MESSAGE_IDS)
def test_message_chart_takes_its_result_not_a_table(name, plot, make):
    result = make()
    with pytest.raises(
        TypeError, match=rf"must be an? {type(result).__name__} \(the result of research\.messages"
    ):
        plot(result.table)
    # the result's own plot() draws the same chart
    fig = result.plot(title="Same")
    assert _title(fig).startswith("Same") and isinstance(fig, Figure)


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
    result = _terms()
    table = result.table
    fig = plot_distinctive_terms(result, n=3)
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
    assert "50,267 and 120,800 words" in _title(fig)  # the result's token counts


def test_distinctive_terms_dashed_lines_at_plus_and_minus_1_96():
    ax = plot_distinctive_terms(_terms()).axes[0]
    for gid, z in (("z+1.96", 1.96), ("z-1.96", -1.96)):
        line = _gid_line(ax, gid)
        assert list(line.get_ydata()) == [z, z]
        assert line.get_linestyle() == "--"
    lo, hi = ax.get_ylim()
    assert lo < -15.6 and hi > 16.0


def test_distinctive_terms_n_and_group_names():
    result = _terms()
    assert _term_labels(plot_distinctive_terms(result, n=0)) == {}
    # more than there are: every term of each side
    assert len(_term_labels(plot_distinctive_terms(result, n=50))) == len(result.table)
    for bad in (-1, 2.5, True, "3"):
        with pytest.raises(ValueError, match="n must be"):
            plot_distinctive_terms(result, n=bad)
    # the group names are the result's
    other = DistinctiveTerms(
        table=result.table.assign(favours=np.where(result.table["z"] > 0, "winner", "other")),
        group_a="winner",
        group_b="other",
        tokens_a=10,
        tokens_b=20,
        prior_strength=30.0,
        min_count=1,
    )
    legend = [
        t.get_text() for t in plot_distinctive_terms(other, n=2).axes[0].get_legend().get_texts()
    ]
    assert any("favours winner" in t for t in legend) and any("favours other" in t for t in legend)
    empty = DistinctiveTerms(result.table.iloc[:0], "sales", "marketing", 0, 0, 1.0, 5)
    with pytest.raises(ValueError, match="no term seen 5\\+ times: nothing to plot"):
        plot_distinctive_terms(empty)


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
    result = crm_messages.terms
    before = _deep_copy(result)
    fig = plot_distinctive_terms(result, title="Sales vs marketing words (synthetic data)")
    top_a, top_b = _top_terms(result.table, 15)
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
    _assert_unchanged(result, before)


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


def test_claim_coverage_draws_the_claims_pooled_by_hand():
    fig = plot_claim_coverage(pool_claims(_coverage()))
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
    fig = plot_claim_coverage(pool_claims(table))
    assert not [t for t in fig.findobj(Text) if t.get_gid() == "never-repeated"]


def test_claim_coverage_synthetic(crm_messages):
    result = crm_messages.coverage
    table = result.table
    before = _deep_copy(result)
    fig = result.pool().plot(title="Campaign claims (synthetic data)")
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
    _assert_unchanged(result, before)


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
    # intervals as in every chart label, the signs written where a bound is negative
    assert {"−10.3% [−12.7 to −8.0%]", "+4.6% [2.3–6.9%]", "+1.1% [0.8–1.4%]"} <= set(texts)
    assert "3 of 3 lifts" in _title(fig) and "4,872 tests" in _title(fig)
    assert "lift in click-through rate" in ax.get_xlabel()
    assert "95% interval" in ax.get_xlabel()


def test_headline_effects_label_the_level_of_the_result():
    # a 90% result is drawn as 90%, in the axis label and the legend, never as 95%
    fig = plot_headline_effects(_effects(ci=0.9))
    ax = fig.axes[0]
    assert "90% interval" in ax.get_xlabel() and "95%" not in ax.get_xlabel()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "lift (90% interval)" in legend and not any("95%" in t for t in legend)


def test_headline_effect_labels_show_an_interval_across_zero():
    result = _effects()
    table = result.table.assign(low=[-0.004, -0.127, 0.023], high=[0.026, -0.080, 0.069])
    texts = _texts(plot_headline_effects(HeadlineEffects(table, 0.95, 10, 3, 0, 0, 3)))
    assert "+1.1% [−0.4 to +2.6%]" in texts and "+4.6% [2.3–6.9%]" in texts
    missing = table.assign(low=np.nan)
    texts = _texts(plot_headline_effects(HeadlineEffects(missing, 0.95, 10, 3, 0, 0, 3)))
    assert {"+1.1%", "−10.3%", "+4.6%"} <= set(texts)


def test_headline_effects_without_shares():
    result = _effects()
    table = result.table.assign(share_with=np.nan, unit="per unit")
    fig = plot_headline_effects(HeadlineEffects(table, 0.95, 10, 3, 0, 0, 3))
    ax = fig.axes[0]
    assert _tick_texts(ax.get_yticklabels()) == [
        "number (per unit)",
        "words (per word)",
        "question mark (per unit)",
    ]
    assert not [t for t in fig.findobj(Text) if str(t.get_gid() or "").startswith("share-")]
    assert "(3 tests)" in _title(fig)


def test_headline_effects_real_upworthy():
    if not os.environ.get("RESEARCH_DATA_HOME"):
        pytest.skip("RESEARCH_DATA_HOME is not set: the real Upworthy data is not available")
    from research.data import load_upworthy
    from research.messages.headlines import headline_effects

    result = headline_effects(load_upworthy())
    table = result.table
    before = _deep_copy(result)
    fig = result.plot()
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
    _assert_unchanged(result, before)


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
