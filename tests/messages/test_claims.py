"""pool_claims: each campaign claim pooled over the campaigns that make it, with Wilson
intervals at the level asked for, as the claim chart and notebook 03 report it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from research.data.synthetic import make_crm
from research.data.synthetic import phrases as ph
from research.messages import ClaimCoverage, ClaimPooling, claim_coverage, pool_claims
from research.messages.plotting import plot_claim_coverage
from tests._charts import _errorbar_x


def _coverage() -> pd.DataFrame:
    """Three campaigns: sales never repeats "fast_setup" and says "price" more than marketing."""
    rows = [
        ("C1", "fast_setup", 20, 10, 10, 0),
        ("C2", "fast_setup", 40, 30, 5, 0),
        ("C1", "price", 20, 4, 10, 6),
        ("C3", "trust", 50, 25, 20, 10),
    ]
    columns = ["campaign_id", "claim", "marketing_messages", "marketing_with"]
    return pd.DataFrame(rows, columns=[*columns, "sales_messages", "sales_with"])


def _wilson(k: int, n: int, ci: float) -> tuple[float, float]:
    z = stats.norm.ppf(0.5 + ci / 2)
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


def test_pool_claims_hand_checked() -> None:
    pooled = pool_claims(_coverage(), ci=0.9)
    assert isinstance(pooled, ClaimPooling) and pooled.ci == 0.9 and pooled.n_campaigns == 3
    t = pooled.table
    assert list(t.index) == ["fast_setup", "trust", "price"]  # largest gap first
    assert t["campaigns"].tolist() == [2, 1, 1]
    assert t["marketing_messages"].tolist() == [60, 50, 20]
    assert t["marketing_with"].tolist() == [40, 25, 4]
    np.testing.assert_allclose(t["marketing_share"], [40 / 60, 0.5, 0.2])
    np.testing.assert_allclose(t["sales_share"], [0.0, 0.5, 0.6])
    np.testing.assert_allclose(t["gap"], [40 / 60, 0.0, -0.4])
    by_hand = [_wilson(40, 60, 0.9), _wilson(25, 50, 0.9), _wilson(4, 20, 0.9)]
    np.testing.assert_allclose(t[["marketing_low", "marketing_high"]], by_hand, atol=1e-12)
    assert pooled.never_repeated == ["fast_setup"]
    pd.testing.assert_frame_equal(pooled.to_frame(), t)
    copy = pooled.to_frame()
    copy.loc["fast_setup", "marketing_share"] = -1.0  # a copy: the result stays as it was
    copy["extra"] = 0
    assert pooled.table.loc["fast_setup", "marketing_share"] == pytest.approx(40 / 60)
    assert "extra" not in pooled.table


def test_pool_claims_without_campaign_ids_counts_rows() -> None:
    pooled = pool_claims(_coverage().drop(columns="campaign_id"))
    assert pooled.n_campaigns is None and pooled.table.loc["fast_setup", "campaigns"] == 2


def test_a_team_without_messages_has_no_share() -> None:
    coverage = _coverage().assign(sales_messages=0, sales_with=0)
    t = pool_claims(coverage).table
    assert t["sales_share"].isna().all() and t["sales_low"].isna().all()
    assert pool_claims(coverage).never_repeated == []  # no sales message: nothing to repeat


def test_claim_chart_draws_the_pooled_result_at_its_level() -> None:
    pooled = pool_claims(_coverage(), ci=0.8)
    fig = pooled.plot()
    ax = fig.axes[0]
    np.testing.assert_allclose(_errorbar_x(ax, "marketing"), pooled.table["marketing_share"])
    container = next(c for c in ax.containers if c.lines[0].get_gid() == "sales")
    segments = container.lines[2][0].get_segments()
    np.testing.assert_allclose(
        [[s[0][0], s[1][0]] for s in segments], pooled.table[["sales_low", "sales_high"]]
    )
    assert "Wilson 80% interval" in ax.get_xlabel()
    assert (
        "Wilson 95% interval" in plot_claim_coverage(pool_claims(_coverage())).axes[0].get_xlabel()
    )
    # the chart draws a pooled result; it pools nothing itself
    with pytest.raises(
        TypeError,
        match=r"pooling must be a ClaimPooling \(the result of research.messages.pool_claims",
    ):
        plot_claim_coverage(_coverage())


def test_pool_claims_recovers_the_planted_unrepeated_claim() -> None:
    kwargs = {"languages": ("en", "ko", "ja"), "random_state": 8}
    planted = make_crm(3_000, unrepeated_claims=("security",), **kwargs)
    coverage = claim_coverage(
        planted.messages, planted.campaigns, planted.leads, ph.CLAIM_KEYWORDS, ci=0.9
    )
    pooled = pool_claims(coverage)
    assert pooled.ci == 0.9  # the coverage's level, unless another is asked for
    assert pool_claims(coverage, ci=0.8).ci == 0.8
    pd.testing.assert_frame_equal(coverage.pool().table, pooled.table)
    cov = coverage.table
    assert pooled.never_repeated == ["security"]
    assert pooled.table.loc["security", "marketing_share"] > 0.2
    assert pooled.n_campaigns == planted.campaigns["campaign_id"].nunique()
    # the pooled counts are the sums of the campaign rows
    sums = cov.groupby("claim")[["marketing_with", "sales_messages"]].sum()
    pd.testing.assert_frame_equal(
        pooled.table[["marketing_with", "sales_messages"]].sort_index(),
        sums.astype(np.int64),
        check_names=False,
    )
    plain = make_crm(3_000, **kwargs)
    cov = claim_coverage(plain.messages, plain.campaigns, plain.leads, ph.CLAIM_KEYWORDS)
    assert cov.pool().never_repeated == []


def test_pool_claims_html_is_escaped() -> None:
    coverage = _coverage().assign(claim="<script>alert(1)</script>")
    out = pool_claims(coverage)._repr_html_()
    assert "&lt;script&gt;" in out and "<script>" not in out
    assert "Claims pooled over 3 campaigns (Wilson 95% intervals)" in out
    assert repr(pool_claims(coverage, ci=0.9)).startswith(
        "Claims pooled over 3 campaigns (Wilson 90% intervals)"
    )


def test_pool_claims_bad_input() -> None:
    cov = _coverage()
    with pytest.raises(TypeError, match="coverage must be a pandas DataFrame"):
        pool_claims(cov.to_dict())
    with pytest.raises(ValueError, match="'sales_with'"):
        pool_claims(cov.drop(columns="sales_with"))
    with pytest.raises(ValueError, match="empty"):
        pool_claims(cov.iloc[:0])
    with pytest.raises(ValueError, match="2 missing claims"):
        pool_claims(cov.assign(claim=[None, "price", None, "trust"]))
    with pytest.raises(ValueError, match="'sales_with' of coverage exceeds 'sales_messages'"):
        pool_claims(cov.assign(sales_with=cov["sales_messages"] + 1))
    with pytest.raises(ValueError, match="negative"):
        pool_claims(cov.assign(marketing_with=-1))
    with pytest.raises(ValueError, match="whole counts"):
        pool_claims(cov.assign(marketing_with=0.5))
    with pytest.raises(ValueError, match="missing or infinite"):
        pool_claims(cov.assign(sales_messages=np.nan))
    for ci in (0, 1, 1.5):
        with pytest.raises(ValueError, match="ci must be between 0 and 1"):
            pool_claims(cov, ci=ci)


def test_claim_coverage_hand_checked() -> None:
    log = pd.DataFrame(
        {
            "lead_id": ["a", "a", "a", "b", "b", "c"],
            "team": ["marketing", "marketing", "sales", "marketing", "sales", "sales"],
            "text": [
                "Set up in minutes.",
                "Bank-grade encryption.",
                "Our price is fair.",
                "Set up in minutes.",
                "Set up today, encryption too.",
                "No campaign here.",
            ],
            "language": "en",
        }
    )
    leads = pd.DataFrame({"lead_id": ["a", "b", "c"], "campaign_id": ["K1", "K1", None]})
    campaigns = pd.DataFrame({"campaign_id": ["K1"], "claims": ["fast_setup;security"]})
    keywords = {"fast_setup": ["set up"], "security": ["encryption"]}
    result = claim_coverage(log, campaigns, leads, keywords, ci=0.9)
    assert isinstance(result, ClaimCoverage) and result.ci == 0.9
    assert (result.n_campaigns, result.n_messages) == (1, 5)  # lead c has no campaign
    t = result.table.set_index("claim")
    # fast_setup: marketing 2 of 3 messages, sales 1 of 2; security: 1 of 3, 1 of 2
    assert t["marketing_messages"].tolist() == [3, 3] and t["sales_messages"].tolist() == [2, 2]
    assert t["marketing_with"].tolist() == [2, 1] and t["sales_with"].tolist() == [1, 1]
    np.testing.assert_allclose(t["gap"], [2 / 3 - 0.5, 1 / 3 - 0.5])
    np.testing.assert_allclose(
        t.loc["fast_setup", ["marketing_low", "marketing_high"]].tolist(),
        _wilson(2, 3, 0.9),
        atol=1e-12,
    )
    assert not t["only_marketing"].any() and not t["only_sales"].any()
    assert "1 campaigns in 5 messages (Wilson 90% intervals)" in result._caption()
    # its own campaign column name is kept, and pool_claims counts campaigns by it
    renamed = claim_coverage(
        log,
        campaigns.rename(columns={"campaign_id": "wave", "claims": "promises"}),
        leads.rename(columns={"campaign_id": "wave"}),
        keywords,
        campaign_col="wave",
        claims_col="promises",
    )
    assert "wave" in renamed.table.columns and renamed.pool().n_campaigns == 1
    assert pool_claims(renamed.table, campaign_col="wave").n_campaigns == 1


def test_claim_coverage_bad_input() -> None:
    crm = make_crm(300, random_state=2)
    args = (crm.messages, crm.campaigns, crm.leads, ph.CLAIM_KEYWORDS)
    with pytest.raises(ValueError, match="no column 'claims'"):
        claim_coverage(args[0], args[1].drop(columns="claims"), *args[2:])
    with pytest.raises(ValueError, match="no column 'campaign_id'"):
        claim_coverage(args[0], args[1], args[2].drop(columns="campaign_id"), args[3])
    with pytest.raises(TypeError, match="leads must be a pandas DataFrame"):
        claim_coverage(args[0], args[1], None, args[3])
    with pytest.raises(TypeError, match="claim_keywords must be a dict"):
        claim_coverage(*args[:3], ["security"])
    with pytest.raises(ValueError, match="ci must be between 0 and 1"):
        claim_coverage(*args, ci=1.0)
    with pytest.raises(TypeError, match="messages must be a pandas DataFrame or a MessageLog"):
        claim_coverage(args[0].to_dict(), *args[1:])
