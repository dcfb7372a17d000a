"""Marketing-versus-sales messages: hand-checked Fightin' Words numbers, alignment, claims,
trackers, the planted consistency effect recovered from the texts, escaping, and bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from research.data.synthetic import make_crm
from research.data.synthetic import phrases as ph
from research.messages import (
    alignment,
    alignment_summary,
    claim_coverage,
    distinctive_terms,
    echo_share,
    escape,
    message_effect,
    tracker_rates,
    validate_messages,
)


class Whitespace:
    """A tokenizer that splits on spaces, for hand-checked numbers."""

    def tokenize_many(self, texts, languages=None):
        return [t.split() for t in texts]


@pytest.fixture(scope="module")
def crm():
    return make_crm(6_000, languages=("en", "ko", "ja"), random_state=21)


def _log(messages: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lead_id": ["a", "a", "b", "b"],
            "team": ["marketing", "sales"] * 2,
            "text": messages,
            "language": "en",
        }
    )


# -- Fightin' Words ------------------------------------------------------------------------------


def test_distinctive_terms_hand_checked() -> None:
    texts = ["price price cheap", "price deal", "support support help", "price help"]
    groups = ["sales", "sales", "marketing", "marketing"]
    table = distinctive_terms(
        texts, groups, group_a="sales", group_b="marketing", tokenizer=Whitespace(), min_count=1
    ).set_index("term")
    # n_a = n_b = 5 tokens; prior a_0 = 10, so each word's prior is its corpus count.
    # price: y_a = 3, y_b = 1, a = 4: delta = log(7/8) - log(5/10) = log(1.75)
    assert table.loc["price", "delta"] == pytest.approx(math.log(1.75))
    assert table.loc["price", "variance"] == pytest.approx(1 / 7 + 1 / 5)
    assert table.loc["price", "z"] == pytest.approx(math.log(1.75) / math.sqrt(1 / 7 + 1 / 5))
    # support: y_a = 0, y_b = 2, a = 2: delta = log(2/13) - log(4/11)
    assert table.loc["support", "delta"] == pytest.approx(math.log(2 / 13) - math.log(4 / 11))
    assert table.loc["support", "variance"] == pytest.approx(1 / 2 + 1 / 4)
    assert table.loc["support", "favours"] == "marketing"
    assert table.loc["price", "per_1000_a"] == pytest.approx(600)
    assert list(table.index[:1]) == ["price"] and table["z"].is_monotonic_decreasing
    # a weaker prior trusts the counts more: larger |delta| for the same word
    weak = distinctive_terms(
        texts,
        groups,
        group_a="sales",
        group_b="marketing",
        tokenizer=Whitespace(),
        min_count=1,
        prior_strength=1.0,
    )
    assert abs(weak.set_index("term").loc["support", "delta"]) > abs(table.loc["support", "delta"])


def test_distinctive_terms_finds_what_sales_says_on_the_synthetic_crm(crm) -> None:
    en = crm.messages[crm.messages["language"] == "en"]
    table = distinctive_terms(
        en["text"], en["team"], group_a="sales", group_b="marketing", languages=en["language"]
    )
    top_sales = set(table.head(40)["term"])
    drift_words = {
        part
        for phrases in ph.DRIFT_KEYWORDS["en"].values()
        for phrase in phrases
        for part in phrase.replace("-", " ").split()
    }
    # besides the style of sales mail (follow up, send, next step), the off-message topics
    # sales drifts to (discount, end of quarter, per month, early access) top the sales side
    assert {"discount", "quarter", "month"} <= top_sales & drift_words
    assert (table.head(40)["z"] > 1.96).all()
    # and the campaign's words (free trial, teams, start) top the marketing side
    assert {"start", "teams", "free"} <= set(table.tail(10)["term"])


def test_distinctive_terms_bad_input() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        distinctive_terms(["a b"], ["x", "y"], tokenizer=Whitespace())
    with pytest.raises(ValueError, match="two groups"):
        distinctive_terms(["a b", "c"], ["x", "x"], tokenizer=Whitespace())
    with pytest.raises(ValueError, match="no text belongs to group 'z'"):
        distinctive_terms(["a", "b"], ["x", "y"], group_a="z", tokenizer=Whitespace())


# -- validation and escaping --------------------------------------------------------------------


def test_validate_messages() -> None:
    good = _log(["one", "two", "three", "four"])
    with pytest.raises(ValueError, match="no column 'team'"):
        validate_messages(good.drop(columns="team"))
    with pytest.raises(ValueError, match=r"1 empty texts \(rows 2\)"):
        validate_messages(good.assign(text=["a", "b", "  ", "d"]))
    with pytest.raises(ValueError, match=r"1 values that are not text \(rows 1\)"):
        validate_messages(good.assign(text=["a", 3, "c", "d"]))
    with pytest.raises(ValueError, match=r"unknown teams \['support'\]"):
        validate_messages(good.assign(team=["marketing", "support", "sales", "sales"]))
    texts = ["연동됩니다", "x", "連携します", "y"]
    mixed = good.assign(language=[None, "en", None, "en"], text=texts)
    detected = validate_messages(mixed)
    assert detected["language"].tolist() == ["ko", "en", "ja", "en"]


def test_escape() -> None:
    assert escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escape(pd.Series(["a & b", None])).iloc[0] == "a &amp; b"


# -- alignment, claims, trackers ----------------------------------------------------------------


def test_alignment_hand_checked() -> None:
    log = pd.DataFrame(
        {
            "lead_id": ["same", "same", "apart", "apart", "alone"],
            "team": ["marketing", "sales", "marketing", "sales", "marketing"],
            "text": [
                "fast setup dashboards",
                "fast setup dashboards",
                "fast setup",
                "discount contract",
                "fast",
            ],
            "language": "en",
        }
    )
    table = alignment(log)
    assert table.loc["same", "similarity"] == pytest.approx(1.0)
    assert table.loc["apart", "similarity"] == pytest.approx(0.0)
    assert math.isnan(table.loc["alone", "similarity"])
    assert table.loc["alone", ["n_marketing", "n_sales"]].tolist() == [1, 0]


def test_claim_coverage_matches_the_planted_topics(crm) -> None:
    cov = claim_coverage(crm.messages, crm.campaigns, crm.leads, ph.CLAIM_KEYWORDS)
    assert set(cov["claim"]) <= set(ph.CLAIMS)
    # marketing repeats its campaign's claims more than sales does
    assert (cov["marketing_share"] > cov["sales_share"]).mean() > 0.9
    # the keyword reading agrees with the truth of what each message said
    topics = crm.truth["message_topics"]
    msgs = crm.messages.merge(crm.leads[["lead_id", "campaign_id"]], on="lead_id")
    msgs["topics"] = topics.loc[msgs["message_id"]].to_numpy()
    row = cov.iloc[0]
    part = msgs[(msgs["campaign_id"] == row["campaign_id"]) & (msgs["team"] == "sales")]
    truth = part["topics"].str.split(";").map(lambda t: row["claim"] in t).mean()
    assert row["sales_share"] == pytest.approx(truth, abs=0.02)


def test_tracker_rates_hand_checked() -> None:
    log = pd.DataFrame(
        {
            "lead_id": ["a", "a", "b", "b"],
            "team": ["sales", "sales", "marketing", "sales"],
            "text": [
                "We can offer a 20% discount.",
                "What is your budget?",
                "Fast setup.",
                "할인을 드릴 수 있을까요",
            ],
            "language": ["en", "en", "en", "ko"],
        }
    )
    trackers = {"en": {"discount": ["discount"]}, "ko": {"discount": ["할인"]}}
    table = tracker_rates(log, trackers).set_index(["team", "tracker"])
    assert table.loc[("sales", "discount"), ["messages", "with"]].tolist() == [3, 2]
    assert table.loc[("sales", "question"), "with"] == 2  # "?" and "까요"
    assert table.loc[("marketing", "discount"), "with"] == 0


# -- does consistency convert? -------------------------------------------------------------------


def test_echo_share_reads_the_planted_consistency(crm) -> None:
    echo = echo_share(crm.messages, crm.campaigns, crm.leads, ph.CLAIM_KEYWORDS, ph.DRIFT_KEYWORDS)
    # the truth of what the sent sales messages said: each content sentence's topic
    sales = crm.messages[crm.messages["team"] == "sales"]
    topics = crm.truth["message_topics"].loc[sales["message_id"]].str.split(";")
    own = crm.leads.set_index("lead_id")["campaign_id"].map(
        crm.campaigns.set_index("campaign_id")["claims"].str.split(";")
    )
    said = pd.DataFrame({"lead_id": sales["lead_id"].to_numpy(), "topics": topics.to_numpy()})
    said = said.explode("topics")
    said["echo"] = [t in own[lead] for lead, t in zip(said["lead_id"], said["topics"], strict=True)]
    truth = said.groupby("lead_id")["echo"].mean()
    both = echo.join(truth.rename("truth"), how="inner")
    exact = np.isclose(both["echo_share"], both["truth"]).mean()
    assert exact > 0.97, exact


def test_message_effect_recovers_the_planted_odds_ratio() -> None:
    results = {}
    for planted in (3.0, 1.0):
        crm = make_crm(12_000, random_state=5, consistency_odds_ratio=planted)
        echo = echo_share(
            crm.messages, crm.campaigns, crm.leads, ph.CLAIM_KEYWORDS, ph.DRIFT_KEYWORDS
        )
        closed = crm.opportunities[crm.opportunities["status"] != "open"]
        data = (
            closed.assign(won=closed["status"] == "won")
            .merge(echo, left_on="lead_id", right_index=True)
            .merge(crm.leads[["lead_id", "channel"]], on="lead_id")
        )
        results[planted] = message_effect(
            data, outcome_col="won", consistency_col="echo_share", controls=["channel", "ae_id"]
        ).loc["echo_share"]
    assert results[3.0]["low"] < 3.0 < results[3.0]["high"] and results[3.0]["low"] > 1
    assert results[1.0]["low"] < 1.0 < results[1.0]["high"]


def test_message_effect_bad_input() -> None:
    data = pd.DataFrame({"won": [0, 1] * 15, "similarity": np.linspace(0, 1, 30)})
    with pytest.raises(ValueError, match="boolean or 0/1"):
        message_effect(data.assign(won=2))
    with pytest.raises(ValueError, match="one value only"):
        message_effect(data.assign(won=1))
    with pytest.raises(ValueError, match="too few"):
        message_effect(data.head(10))


def test_escaped_messages_show_as_text_in_a_report_table() -> None:
    hostile = pd.DataFrame({"text": ["<script>alert('x')</script> Buy now!"]})
    html_table = hostile.assign(text=escape(hostile["text"])).style.to_html()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html_table
    assert "<script>" not in html_table


def test_claim_coverage_finds_the_claim_sales_never_repeats() -> None:
    kwargs = {"languages": ("en", "ko", "ja"), "random_state": 8}
    planted = make_crm(3_000, unrepeated_claims=("security",), **kwargs)
    cov = claim_coverage(planted.messages, planted.campaigns, planted.leads, ph.CLAIM_KEYWORDS)
    security = cov[cov["claim"] == "security"]
    assert len(security) > 0 and security["only_marketing"].all()
    assert (security["sales_with"] == 0).all() and (security["marketing_share"] > 0.2).all()
    others = cov[cov["claim"] != "security"]
    assert not others["only_marketing"].any() and (others["sales_share"] > 0).all()
    # switched off, sales repeats security like any other claim
    plain = make_crm(3_000, **kwargs)
    cov = claim_coverage(plain.messages, plain.campaigns, plain.leads, ph.CLAIM_KEYWORDS)
    assert not cov["only_marketing"].any()
    assert (cov.loc[cov["claim"] == "security", "sales_share"] > 0.1).all()


def test_alignment_summary_hand_checked() -> None:
    aligned = pd.DataFrame(
        {"similarity": [0.2, 0.4, 0.6, 0.9, np.nan]}, index=["a", "b", "c", "d", "e"]
    )
    groups = pd.Series(["x", "x", "x", "y", "y"], index=list("abcde"), name="campaign_id")
    table = alignment_summary(aligned, groups)
    assert table.index.tolist() == ["y", "x"] and table.index.name == "campaign_id"
    x = table.loc["x"]
    # mean 0.4, SD 0.2, n 3: 0.4 -/+ t(0.975, 2) * 0.2 / sqrt(3) = 0.4 -/+ 4.303 * 0.11547
    assert x["leads"] == 3 and x["similarity"] == pytest.approx(0.4)
    assert x["low"] == pytest.approx(0.4 - 4.302653 * 0.2 / math.sqrt(3), abs=1e-5)
    assert x["high"] == pytest.approx(0.4 + 4.302653 * 0.2 / math.sqrt(3), abs=1e-5)
    y = table.loc["y"]  # the lead without a similarity is not counted; one lead: no interval
    assert y["leads"] == 1 and math.isnan(y["low"])


def test_alignment_summary_on_the_synthetic_crm(crm) -> None:
    per_lead = alignment(crm.messages)
    table = alignment_summary(per_lead, crm.leads.set_index("lead_id")["campaign_id"])
    assert table["leads"].sum() == per_lead["similarity"].notna().sum()
    assert ((table["low"] < table["similarity"]) & (table["similarity"] < table["high"])).all()


def test_alignment_summary_bad_input() -> None:
    aligned = pd.DataFrame({"similarity": [0.2, 0.4]}, index=["a", "b"])
    with pytest.raises(ValueError, match="no group for 1 of the 2 leads"):
        alignment_summary(aligned, pd.Series(["x"], index=["a"]))
    with pytest.raises(ValueError, match="no column 'similarity'"):
        alignment_summary(aligned.rename(columns={"similarity": "s"}), pd.Series(["x", "y"]))
    with pytest.raises(TypeError, match="Series"):
        alignment_summary(aligned, ["x", "y"])
    with pytest.raises(ValueError, match="none heard from both teams"):
        alignment_summary(aligned.assign(similarity=np.nan), pd.Series(["x", "y"], list("ab")))


def test_distinctive_terms_same_table_on_several_processes(crm, monkeypatch) -> None:
    import research.messages.terms as messages_module

    part = crm.messages[crm.messages["language"] == "en"].head(4_000)  # no analyser to load
    args = (part["text"], part["team"])
    kwargs = {"group_a": "sales", "group_b": "marketing", "languages": part["language"]}
    serial = distinctive_terms(*args, n_jobs=1, **kwargs)
    # small inputs run in this process: lower the thresholds so that 4,000 texts go to 2
    # processes in chunks of 700 (the last chunk smaller)
    monkeypatch.setattr(messages_module, "_PARALLEL_MIN", 1_000)
    monkeypatch.setattr(messages_module, "_COUNT_CHUNK", 700)
    parallel = distinctive_terms(*args, n_jobs=2, **kwargs)
    pd.testing.assert_frame_equal(serial, parallel)
    assert parallel.attrs == serial.attrs
