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
    AlignmentSummary,
    ClaimCoverage,
    DistinctiveTerms,
    MessageEffect,
    MessageLog,
    TrackerRates,
    alignment,
    alignment_summary,
    claim_coverage,
    distinctive_terms,
    echo_share,
    escape,
    keyword_terms,
    message_effect,
    pool_claims,
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
    result = distinctive_terms(
        texts, groups, group_a="sales", group_b="marketing", tokenizer=Whitespace(), min_count=1
    )
    assert isinstance(result, DistinctiveTerms)
    assert (result.group_a, result.group_b, result.tokens_a, result.tokens_b) == (
        "sales",
        "marketing",
        5,
        5,
    )
    assert result.prior_strength == 10 and result.min_count == 1
    table = result.table.set_index("term")
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
    assert weak.prior_strength == 1.0
    support = weak.table.set_index("term").loc["support", "delta"]
    assert abs(support) > abs(table.loc["support", "delta"])
    # the terms that most favour each side, most distinctive first
    assert result.top_terms("sales", 1) == ["price"]  # z 0.96; cheap and deal 0.63 each
    assert set(result.top_terms("sales", 5)) == {"price", "cheap", "deal"}
    assert set(result.top_terms("marketing", 5)) == {"support", "help"}
    assert result.top_terms("sales", 0) == []
    with pytest.raises(ValueError, match="group must be 'sales' or 'marketing'"):
        result.top_terms("support")


def test_distinctive_terms_finds_what_sales_says_on_the_synthetic_crm(crm) -> None:
    en = crm.messages[crm.messages["language"] == "en"]
    result = distinctive_terms(
        en["text"], en["team"], group_a="sales", group_b="marketing", languages=en["language"]
    )
    table = result.table
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
    # keyword_terms reads the same words out of the keyword table
    assert keyword_terms(ph.DRIFT_KEYWORDS, "en") & top_sales == drift_words & top_sales
    assert result.top_terms("sales", 40) == table.head(40)["term"].tolist()
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
    args = (["a b", "c d"], ["x", "y"])
    with pytest.raises(ValueError, match=r"languages \(3\) and texts \(2\) differ in length"):
        distinctive_terms(*args, languages=["en"] * 3, tokenizer=Whitespace())
    for bad in (0, -1.0):
        with pytest.raises(ValueError, match="prior_strength must be positive"):
            distinctive_terms(*args, prior_strength=bad, tokenizer=Whitespace())
    with pytest.raises(ValueError, match="prior_strength must be a finite number"):
        distinctive_terms(*args, prior_strength="strong", tokenizer=Whitespace())
    for bad in (-1, 2.5, True):
        with pytest.raises(ValueError, match="min_count must be an integer >= 0"):
            distinctive_terms(*args, min_count=bad, tokenizer=Whitespace())
    # missing groups are not a group of their own
    result = distinctive_terms(
        ["a b", "c d", "e f"], ["x", None, "y"], tokenizer=Whitespace(), min_count=1
    )
    assert (result.group_a, result.group_b, result.tokens_a + result.tokens_b) == ("x", "y", 4)


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
    with pytest.raises(TypeError, match="messages must be a pandas DataFrame"):
        validate_messages(good.to_dict())
    with pytest.raises(ValueError, match="messages is empty"):
        validate_messages(good.iloc[:0])
    texts = ["연동됩니다", "x", "連携します", "y"]
    mixed = good.assign(language=[None, "en", None, "en"], text=texts)
    before = mixed.copy()
    detected = validate_messages(mixed)
    pd.testing.assert_frame_equal(mixed, before)  # not modified
    assert isinstance(detected, MessageLog)
    assert detected.table["language"].tolist() == ["ko", "en", "ja", "en"]
    assert (detected.n, detected.n_leads) == (4, 2)
    pd.testing.assert_frame_equal(detected.to_frame(), detected.table)
    copy = detected.to_frame()
    copy.loc[copy.index[0], "text"] = "changed"  # a copy: the log stays as it was
    copy["extra"] = 0
    assert detected.table["text"].tolist() == texts and "extra" not in detected.table
    counts = detected.counts()
    assert counts.loc["en"].tolist() == [0, 2] and counts.loc["ko", "marketing"] == 1
    # no language column at all: every language is detected
    assert validate_messages(good.drop(columns="language")).table["language"].eq("en").all()


def test_a_message_log_with_its_own_column_names() -> None:
    log = pd.DataFrame(
        {
            "Lead": ["a", "a", "b", "b"],
            "Team": ["marketing", "sales", "marketing", "sales"],
            "Body": ["Fast setup.", "A discount?", "Fast setup.", "Fast setup."],
            "Lang": ["en", None, "en", "en"],
        }
    )
    with pytest.raises(
        ValueError, match=r"no column 'lead_id', 'team', 'text'.*validate_messages \(lead_col="
    ):
        tracker_rates(log, {"discount": ["discount"]})
    checked = validate_messages(
        log, lead_col="Lead", team_col="Team", text_col="Body", language_col="Lang"
    )
    assert (checked.lead_col, checked.team_col, checked.text_col, checked.language_col) == (
        "Lead",
        "Team",
        "Body",
        "Lang",
    )
    assert checked.table["Lang"].tolist() == ["en"] * 4 and "language" not in checked.table
    rates = tracker_rates(checked, {"discount": ["discount"]}).table.set_index(["Team", "tracker"])
    assert rates.loc[("sales", "discount"), "with"] == 1
    assert rates.loc[("sales", "question"), "with"] == 1
    similarity = alignment(checked)["similarity"]
    assert similarity.index.name == "Lead"
    assert similarity["b"] == pytest.approx(1.0) and similarity["a"] == pytest.approx(0.0)
    # language_col=None: detected into "language"
    plain = validate_messages(
        log, lead_col="Lead", team_col="Team", text_col="Body", language_col=None
    )
    assert plain.language_col == "language" and plain.table["language"].eq("en").all()


def test_a_message_log_with_its_own_team_labels(crm) -> None:
    # teams=(marketing's label, sales' label): every analysis reads the labels of the log and
    # gives the numbers of the default labels, its columns named by the team's role
    sample = crm.messages.head(600)
    plain = validate_messages(sample)
    labels = {"marketing": "mkt", "sales": "sls"}
    own = validate_messages(sample.assign(team=sample["team"].map(labels)), teams=("mkt", "sls"))
    assert own.teams == ("mkt", "sls") and "mkt" in own._caption()
    aligned = alignment(own)
    pd.testing.assert_frame_equal(aligned, alignment(plain))
    assert (aligned["n_sales"] > 0).any() and aligned["similarity"].notna().any()
    args = (crm.campaigns, crm.leads, ph.CLAIM_KEYWORDS)
    coverage = claim_coverage(own, *args)
    pd.testing.assert_frame_equal(coverage.table, claim_coverage(plain, *args).table)
    assert coverage.table["sales_messages"].sum() > 0
    pd.testing.assert_frame_equal(coverage.pool().table, pool_claims(coverage).table)
    pd.testing.assert_frame_equal(
        pool_claims(coverage).table, pool_claims(claim_coverage(plain, *args)).table
    )
    echo = echo_share(own, *args, ph.DRIFT_KEYWORDS)
    pd.testing.assert_frame_equal(echo, echo_share(plain, *args, ph.DRIFT_KEYWORDS))
    assert echo["echoes"].sum() > 0
    rates = tracker_rates(own, {"discount": ["discount"]}).table
    pd.testing.assert_frame_equal(
        rates.assign(team=rates["team"].map({v: k for k, v in labels.items()})),
        tracker_rates(plain, {"discount": ["discount"]}).table,
    )
    # the order of the labels says which team is which
    swapped = alignment(validate_messages(own.table, teams=("sls", "mkt")))
    np.testing.assert_array_equal(
        swapped[["n_marketing", "n_sales"]], aligned[["n_sales", "n_marketing"]]
    )
    # two labels, marketing's then sales'
    with pytest.raises(ValueError, match=r"teams must be two labels.*got \('mkt',\)"):
        validate_messages(own.table, teams=("mkt",))
    with pytest.raises(ValueError, match="teams must be two different labels"):
        validate_messages(own.table.assign(team="mkt"), teams=("mkt", "mkt"))
    with pytest.raises(TypeError, match="teams must be a sequence of two labels"):
        validate_messages(own.table, teams="ms")


def test_one_team_of_a_message_log_with_lead_columns(crm) -> None:
    # the messages of one team, with a column per lead, stay a checked log: an analysis per rep
    # takes it as it is and gives the numbers of the same rows checked again
    log = validate_messages(crm.messages.head(600))
    reps = crm.leads.set_index("lead_id")["sdr_id"]
    sales = log.of_team("sales").join(reps)
    assert isinstance(sales, MessageLog) and set(sales.table["team"]) == {"sales"}
    assert sales.n == int((log.table["team"] == "sales").sum()) and "sdr_id" not in log.table
    frame = log.table[log.table["team"] == "sales"].join(reps, on="lead_id")
    pd.testing.assert_frame_equal(sales.table, frame)
    trackers = {"discount": ["discount"]}
    pd.testing.assert_frame_equal(
        tracker_rates(sales, trackers, by="sdr_id").table,
        tracker_rates(frame, trackers, by="sdr_id").table,
    )
    with pytest.raises(ValueError, match=r"team must be one of \['marketing', 'sales'\]"):
        log.of_team("support")
    with pytest.raises(ValueError, match="already has a column 'team'"):
        log.join(crm.leads.set_index("lead_id")[["sdr_id"]].assign(team="x"))
    with pytest.raises(ValueError, match="one row per lead"):
        log.join(pd.concat([reps, reps]))
    with pytest.raises(TypeError, match="columns must be a pandas DataFrame or a named Series"):
        log.join(reps.to_numpy())


def test_a_message_log_is_not_checked_again(crm, monkeypatch) -> None:
    import research.messages.log as log_module

    log = validate_messages(crm.messages)
    calls = []
    real = log_module.validate_messages

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    sample = validate_messages(crm.messages.head(300))
    monkeypatch.setattr(log_module, "validate_messages", counting)
    alignment(sample)
    claim_coverage(sample, crm.campaigns, crm.leads, ph.CLAIM_KEYWORDS)
    echo_share(sample, crm.campaigns, crm.leads, ph.CLAIM_KEYWORDS, ph.DRIFT_KEYWORDS)
    tracker_rates(log, {"discount": ["discount"]})
    assert calls == []  # a MessageLog is taken as it is
    tracker_rates(crm.messages.head(300), {"discount": ["discount"]})
    alignment(crm.messages.head(300))
    assert len(calls) == 2  # a DataFrame is checked at each boundary
    # the same numbers either way
    pd.testing.assert_frame_equal(
        alignment(sample), alignment(crm.messages.head(300)), check_exact=False
    )


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
    result = claim_coverage(crm.messages, crm.campaigns, crm.leads, ph.CLAIM_KEYWORDS)
    assert isinstance(result, ClaimCoverage) and result.ci == 0.95
    cov = result.table
    assert result.n_campaigns == cov["campaign_id"].nunique()
    has_campaign = crm.leads.set_index("lead_id")["campaign_id"].notna()
    assert result.n_messages == int(crm.messages["lead_id"].map(has_campaign).sum())
    assert (
        result.n_messages
        == cov.groupby("campaign_id")[["marketing_messages", "sales_messages"]]
        .first()
        .to_numpy()
        .sum()
    )
    pd.testing.assert_frame_equal(result.pool().table, pool_claims(cov).table)
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
    rates = tracker_rates(log, trackers, ci=0.9)
    assert isinstance(rates, TrackerRates) and rates.ci == 0.9 and rates.by == "team"
    assert (rates.n_messages, rates.n_groups) == (4, 2)
    table = rates.table.set_index(["team", "tracker"])
    assert table.loc[("sales", "discount"), ["messages", "with"]].tolist() == [3, 2]
    assert table.loc[("sales", "question"), "with"] == 2  # "?" and "까요"
    assert table.loc[("marketing", "discount"), "with"] == 0
    # Wilson at 90%: 2 of 3, z = 1.6449
    z = 1.6448536
    centre = (2 / 3 + z**2 / 6) / (1 + z**2 / 3)
    half = z / (1 + z**2 / 3) * math.sqrt(2 / 3 * 1 / 3 / 3 + z**2 / 36)
    assert table.loc[("sales", "discount"), "low"] == pytest.approx(centre - half, abs=1e-6)
    assert table.loc[("sales", "discount"), "high"] == pytest.approx(centre + half, abs=1e-6)
    # as text, one column per team headed by its messages, the level from the result
    shares = rates.shares(".0%", trackers=["discount"])
    assert list(shares.columns) == ["marketing (1 messages)", "sales (3 messages)"]
    assert shares.loc["discount", "sales (3 messages)"] == (
        f"67% (90% CI {centre - half:.0%}–{centre + half:.0%})"
    )
    assert "90%" in rates._caption() and "4 messages" in rates._caption()


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
        effect = message_effect(
            data, outcome_col="won", consistency_col="echo_share", controls=["channel", "ae_id"]
        )
        assert isinstance(effect, MessageEffect) and effect.n == len(
            data[["won", "echo_share", "channel", "ae_id"]].dropna()
        )
        assert effect.consistency_col == "echo_share" and 'C(Q("channel"))' in effect.formula
        results[planted] = effect.consistency
    assert results[3.0]["low"] < 3.0 < results[3.0]["high"] and results[3.0]["low"] > 1
    assert results[1.0]["low"] < 1.0 < results[1.0]["high"]


def test_message_effect_bad_input() -> None:
    data = pd.DataFrame({"won": [0, 1] * 15, "similarity": np.linspace(0, 1, 30)})
    with pytest.raises(ValueError, match="must be binary"):
        message_effect(data.assign(won=2))
    with pytest.raises(ValueError, match="one value only"):
        message_effect(data.assign(won=1))
    with pytest.raises(ValueError, match="too few"):
        message_effect(data.head(10))
    with pytest.raises(ValueError, match="ci must be between 0 and 1"):
        message_effect(data, ci=95)
    with pytest.raises(TypeError, match="controls must be a sequence of column names"):
        message_effect(data.assign(channel="a"), controls="channel")
    with pytest.raises(ValueError, match="no column 'won'"):
        message_effect(data.rename(columns={"won": "closed_won"}))


def test_message_effect_hand_checked() -> None:
    # without controls the logistic model of a 0/1 consistency reproduces the 2x2 table:
    # won 12 of 20 when consistent, 6 of 20 when not: odds ratio (12/8) / (6/14) = 3.5, and
    # the Wald interval exp(log 3.5 -/+ z sqrt(1/12 + 1/8 + 1/6 + 1/14))
    data = pd.DataFrame(
        {
            "won": [1] * 12 + [0] * 8 + [1] * 6 + [0] * 14,
            "similarity": [1.0] * 20 + [0.0] * 20,
        }
    )
    effect = message_effect(data, ci=0.9)
    row = effect.consistency
    assert row["odds_ratio"] == pytest.approx(3.5)
    se = math.sqrt(1 / 12 + 1 / 8 + 1 / 6 + 1 / 14)
    assert row["low"] == pytest.approx(3.5 * math.exp(-1.6448536 * se), rel=1e-6)
    assert row["high"] == pytest.approx(3.5 * math.exp(1.6448536 * se), rel=1e-6)
    assert (effect.ci, effect.n, effect.outcome_col) == (0.9, 40, "won")
    assert list(effect.to_frame().index) == ["similarity"]
    assert "40 rows" in effect._caption() and "90%" in effect._caption()


def _separable() -> pd.DataFrame:
    """200 deals in three channels; every deal of channel "c" won (it separates the outcome)."""
    rng = np.random.default_rng(0)
    data = pd.DataFrame(
        {"similarity": rng.uniform(size=200), "channel": rng.choice(["a", "b", "c"], 200)}
    )
    data["won"] = rng.uniform(size=200) < 0.4
    data.loc[data["channel"] == "c", "won"] = True
    return data


def test_message_effect_with_a_control() -> None:
    # a categorical control comes first in the model's terms: the consistency row is still the
    # consistency term, and a control level that separates the outcome is named
    data = _separable()
    kept = data[data["channel"] != "c"]
    effect = message_effect(kept, controls=["channel"], ci=0.9)
    assert list(effect.table.index) == ["C(channel)[T.b]", "similarity"]
    pd.testing.assert_series_equal(effect.consistency, effect.table.loc["similarity"])
    assert np.isfinite(effect.table.to_numpy()).all()
    with pytest.raises(ValueError, match=r"did not converge.*C\(channel\)\[T\.c\].*channel"):
        message_effect(data, controls=["channel"])
    # the consistency itself separates the outcome
    with pytest.raises(ValueError, match="did not converge.*'similarity' separates"):
        message_effect(data.assign(won=data["similarity"] > 0.5), controls=["channel"])


def test_escaped_messages_show_as_text_in_a_report_table() -> None:
    hostile = pd.DataFrame({"text": ["<script>alert('x')</script> Buy now!"]})
    html_table = hostile.assign(text=escape(hostile["text"])).style.to_html()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html_table
    assert "<script>" not in html_table


def test_claim_coverage_finds_the_claim_sales_never_repeats() -> None:
    kwargs = {"languages": ("en", "ko", "ja"), "random_state": 8}
    planted = make_crm(3_000, unrepeated_claims=("security",), **kwargs)
    cov = claim_coverage(
        planted.messages, planted.campaigns, planted.leads, ph.CLAIM_KEYWORDS
    ).table
    security = cov[cov["claim"] == "security"]
    assert len(security) > 0 and security["only_marketing"].all()
    assert (security["sales_with"] == 0).all() and (security["marketing_share"] > 0.2).all()
    others = cov[cov["claim"] != "security"]
    assert not others["only_marketing"].any() and (others["sales_share"] > 0).all()
    # switched off, sales repeats security like any other claim
    plain = make_crm(3_000, **kwargs)
    cov = claim_coverage(plain.messages, plain.campaigns, plain.leads, ph.CLAIM_KEYWORDS).table
    assert not cov["only_marketing"].any()
    assert (cov.loc[cov["claim"] == "security", "sales_share"] > 0.1).all()


def test_alignment_summary_hand_checked() -> None:
    aligned = pd.DataFrame(
        {"similarity": [0.2, 0.4, 0.6, 0.9, np.nan]}, index=["a", "b", "c", "d", "e"]
    )
    groups = pd.Series(["x", "x", "x", "y", "y"], index=list("abcde"), name="campaign_id")
    summary = alignment_summary(aligned, groups)
    assert isinstance(summary, AlignmentSummary)
    assert (summary.ci, summary.n_leads, summary.group_name) == (0.95, 4, "campaign_id")
    table = summary.table
    assert table.index.tolist() == ["y", "x"] and table.index.name == "campaign_id"
    x = table.loc["x"]
    # mean 0.4, SD 0.2, n 3: 0.4 -/+ t(0.975, 2) * 0.2 / sqrt(3) = 0.4 -/+ 4.303 * 0.11547
    assert x["leads"] == 3 and x["similarity"] == pytest.approx(0.4)
    assert x["low"] == pytest.approx(0.4 - 4.302653 * 0.2 / math.sqrt(3), abs=1e-5)
    assert x["high"] == pytest.approx(0.4 + 4.302653 * 0.2 / math.sqrt(3), abs=1e-5)
    y = table.loc["y"]  # the lead without a similarity is not counted; one lead: no interval
    assert y["leads"] == 1 and math.isnan(y["low"])
    # at 90%, t(0.95, 2) = 2.919986
    narrow = alignment_summary(aligned, groups, ci=0.9).table.loc["x"]
    assert narrow["low"] == pytest.approx(0.4 - 2.919986 * 0.2 / math.sqrt(3), abs=1e-5)
    assert "90% t-interval" in alignment_summary(aligned, groups, ci=0.9)._caption()


def test_alignment_summary_on_the_synthetic_crm(crm) -> None:
    per_lead = alignment(crm.messages)
    summary = alignment_summary(per_lead, crm.leads.set_index("lead_id")["campaign_id"])
    table = summary.table
    assert table["leads"].sum() == per_lead["similarity"].notna().sum() == summary.n_leads
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
    for ci in (0, 1, 95, "0.9"):
        with pytest.raises(ValueError, match="ci must be between 0 and 1"):
            alignment_summary(aligned, pd.Series(["x", "y"], list("ab")), ci=ci)


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
    pd.testing.assert_frame_equal(serial.table, parallel.table)
    assert (serial.tokens_a, serial.tokens_b) == (parallel.tokens_a, parallel.tokens_b)


def test_results_show_data_as_escaped_html() -> None:
    hostile = "<script>alert(1)</script>"
    texts = ["price price deal", "fast setup", "price call", "setup"]
    terms = distinctive_terms(
        texts, [hostile, "marketing", hostile, "marketing"], tokenizer=Whitespace(), min_count=1
    )
    log = _log([f"{hostile} discount?", "b", "c", "d"])
    rates = tracker_rates(log, {hostile: ["discount"]})
    summary = alignment_summary(
        pd.DataFrame({"similarity": [0.2, 0.4]}, index=["a", "b"]),
        pd.Series([hostile, hostile], index=["a", "b"], name=hostile),
    )
    for result in (terms, rates, summary, validate_messages(log)):
        html = result._repr_html_()
        assert "&lt;script&gt;" in html and "<script>" not in html, type(result).__name__
        assert repr(result).splitlines()[0] == result._caption()
