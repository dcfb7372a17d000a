"""The synthetic CRM: determinism, schema, planted effects recovered by simple correct analyses
(and gone when switched off), texts in their scripts, and the committed sample up to date."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from research.data import make_crm  # re-exported, as promised
from research.data.synthetic import CHANNELS, STAGES, Effects, write_sample
from research.data.synthetic import phrases as ph

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def crm():
    return make_crm(20_000, languages=("en", "ko", "ja"), random_state=7)


@pytest.fixture(scope="module")
def null_crm():
    """The same world with the consistency, SLA and churn effects switched off.

    Over 24 seeds the churn test statistic of this null was distributed as N(0, 1) (mean -0.26,
    SD 1.06), so a failure here is a 1-in-100 draw, not a bias; the seed is fixed.
    """
    return make_crm(
        40_000,
        random_state=8,
        consistency_odds_ratio=1.0,
        sla_odds_ratio=1.0,
        churn_inconsistency_hr=1.0,
        with_messages=False,
    )


def _closed_opportunities(crm) -> pd.DataFrame:
    opps = crm.opportunities[crm.opportunities["status"] != "open"]
    truth = crm.truth["lead"]
    return opps.assign(
        won=(opps["status"] == "won").astype(int),
        consistency=truth.loc[opps["lead_id"], "consistency"].to_numpy(),
        channel=crm.leads.set_index("lead_id").loc[opps["lead_id"], "channel"].to_numpy(),
    )


def _answered_mqls(crm) -> pd.DataFrame:
    leads = crm.leads
    end = crm.truth["data_end"]
    # leave out the last 60 days, whose SQL outcome is not known yet
    old = leads["is_mql"] & (leads["mql_at"] < end - pd.Timedelta(days=60))
    answered = leads[old & leads["first_response_hours"].notna()]
    sla = crm.truth["effects"].sla_hours
    return answered.assign(
        sql=answered["is_sql"].astype(int),
        within_sla=(answered["first_response_hours"] <= sla).astype(int),
    )


# -- determinism and schema -------------------------------------------------------------------


def test_same_seed_same_crm_and_different_seed_differs() -> None:
    a = make_crm(300, languages=("en", "ja"), random_state=3)
    b = make_crm(300, languages=("en", "ja"), random_state=3)
    c = make_crm(300, languages=("en", "ja"), random_state=4)
    for name in ("campaigns", "leads", "messages", "opportunities", "stage_history", "customers"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    pd.testing.assert_frame_equal(a.truth["lead"], b.truth["lead"])
    assert not a.messages["text"].equals(c.messages["text"])


def test_schema(crm) -> None:
    assert list(crm.campaigns.columns) == [
        "campaign_id",
        "channel",
        "product",
        "start",
        "end",
        "spend",
        "impressions",
        "clicks",
        "claims",
    ]
    assert list(crm.leads.columns) == [
        "lead_id",
        "created_at",
        "campaign_id",
        "channel",
        "product",
        "company_size",
        "industry",
        "region",
        "language",
        "is_mql",
        "mql_at",
        "sdr_id",
        "first_response_at",
        "first_response_hours",
        "is_sql",
        "sql_at",
        "ae_id",
    ]
    assert list(crm.messages.columns) == [
        "message_id",
        "lead_id",
        "team",
        "channel",
        "sent_at",
        "language",
        "text",
    ]
    assert list(crm.opportunities.columns) == [
        "opportunity_id",
        "lead_id",
        "ae_id",
        "created_at",
        "amount",
        "stage",
        "status",
        "closed_at",
        "loss_reason",
    ]
    assert list(crm.customers.columns) == [
        "customer_id",
        "opportunity_id",
        "lead_id",
        "start_at",
        "mrr",
        "churned_at",
    ]
    leads = crm.leads
    assert len(leads) == 20_000 and leads["lead_id"].is_unique
    assert leads["created_at"].is_monotonic_increasing
    assert set(leads["channel"]) == set(CHANNELS)
    # the funnel is consistent: SQL implies MQL, timestamps never run backwards
    assert not (leads["is_sql"] & ~leads["is_mql"]).any()
    assert (leads["mql_at"].dropna() >= leads.loc[leads["is_mql"], "created_at"]).all()
    assert (leads["sql_at"] >= leads["first_response_at"]).where(leads["is_sql"], True).all()
    end = crm.truth["data_end"]
    for frame, col in (
        (leads, "sql_at"),
        (crm.opportunities, "closed_at"),
        (crm.customers, "churned_at"),
        (crm.messages, "sent_at"),
    ):
        assert (frame[col].dropna() <= end).all(), col
    # stage history runs in order and ends in the status
    history = crm.stage_history
    assert set(history["stage"]) <= {*STAGES, "won", "lost"}
    last = history.groupby("opportunity_id").tail(1).set_index("opportunity_id")["stage"]
    opps = crm.opportunities.set_index("opportunity_id")
    closed = opps["status"] != "open"
    assert (last[closed[closed].index] == opps.loc[closed, "status"]).all()
    steps = history.groupby("opportunity_id")["entered_at"].diff().dropna()
    assert (steps >= pd.Timedelta(0)).all()
    lost = crm.opportunities[crm.opportunities["status"] == "lost"]
    assert lost["loss_reason"].notna().all()
    assert set(crm.messages["team"]) == {"marketing", "sales"}
    assert crm.label == "synthetic data"
    assert set(crm.truth_table()["effect"]) >= {"consistency_odds_ratio", "sla_odds_ratio"}


def test_plausible_b2b_funnel(crm) -> None:
    leads, opps = crm.leads, crm.opportunities
    mql_to_sql = leads["is_sql"].sum() / leads["is_mql"].sum()
    assert 0.10 <= mql_to_sql <= 0.40
    closed = opps[opps["status"] != "open"]
    # on opportunities created early enough to be closed, the win rate is a B2B 15-30%
    early = opps[opps["created_at"] < crm.truth["data_end"] - pd.Timedelta(days=150)]
    win = (early["status"] == "won").mean()
    assert 0.15 <= win <= 0.30, win
    cycle = (closed["closed_at"] - closed["created_at"]).dt.days
    assert 14 <= cycle.median() <= 90  # weeks to months
    assert opps["amount"].mean() > 1.3 * opps["amount"].median()  # skewed deal sizes


# -- planted effects ------------------------------------------------------------------------------


def test_consistency_effect_is_recovered(crm, null_crm) -> None:
    planted = crm.truth["effects"].consistency_odds_ratio
    fit = smf.logit("won ~ consistency + C(channel) + C(ae_id)", _closed_opportunities(crm)).fit(
        disp=False
    )
    low, high = np.exp(fit.conf_int().loc["consistency"])
    assert low < planted < high
    assert low > 1  # and it is detected
    null = smf.logit(
        "won ~ consistency + C(channel) + C(ae_id)", _closed_opportunities(null_crm)
    ).fit(disp=False)
    low, high = np.exp(null.conf_int().loc["consistency"])
    assert low < 1 < high


def test_speed_to_lead_effect_is_recovered(crm, null_crm) -> None:
    planted = crm.truth["effects"].sla_odds_ratio
    fit = smf.logit("sql ~ within_sla + C(channel)", _answered_mqls(crm)).fit(disp=False)
    low, high = np.exp(fit.conf_int().loc["within_sla"])
    assert low < planted < high and low > 1
    null = smf.logit("sql ~ within_sla + C(channel)", _answered_mqls(null_crm)).fit(disp=False)
    low, high = np.exp(null.conf_int().loc["within_sla"])
    assert low < 1 < high


def test_channel_conversion_and_cost_are_recovered(crm) -> None:
    eff: Effects = crm.truth["effects"]
    leads = crm.leads[crm.leads["created_at"] < crm.truth["data_end"] - pd.Timedelta(days=30)]
    for channel, group in leads.groupby("channel"):
        low, high = proportion_confint(group["is_mql"].sum(), len(group), 0.01, method="wilson")
        assert low < eff.mql_rate[channel] < high, channel
    # spend = leads x cost per lead x log-normal noise: the log-ratios centre on 0 with the
    # planted spread
    camp = crm.campaigns
    n = camp["campaign_id"].map(crm.leads["campaign_id"].value_counts())
    log_ratio = np.log(camp["spend"] / (n * camp["channel"].map(eff.cost_per_lead)))
    assert stats.ttest_1samp(log_ratio, 0.0).pvalue > 0.01
    low, high = stats.chi2.ppf([0.005, 0.995], len(log_ratio)) / len(log_ratio)
    assert low < (log_ratio**2).mean() / eff.spend_sigma**2 < high
    # and clicks / impressions centre on the planted CTR of each channel
    log_ctr = np.log(camp["clicks"] / camp["impressions"] / camp["channel"].map(eff.ctr))
    assert stats.ttest_1samp(log_ctr, 0.0).pvalue > 0.01
    log_leads = np.log(n / camp["clicks"] / eff.click_to_lead)
    assert stats.ttest_1samp(log_leads, 0.0).pvalue > 0.01


def test_stage_conversion_and_cycle_length_are_recovered() -> None:
    flat = dict.fromkeys(CHANNELS, 0.0)
    crm = make_crm(
        20_000, random_state=9, consistency_odds_ratio=1.0, ae_win_sd=0.0, channel_win_log_odds=flat
    )
    opps = crm.opportunities
    early = opps[opps["created_at"] < crm.truth["data_end"] - pd.Timedelta(days=200)]
    assert (early["status"] != "open").all()
    history = crm.stage_history[crm.stage_history["opportunity_id"].isin(early["opportunity_id"])]
    entered = history["stage"].value_counts()
    truth = crm.truth["stage_conversion"]
    for here, after in zip(STAGES, [*STAGES[1:], "won"], strict=True):
        n, k = entered[here], entered[after]
        low, high = proportion_confint(k, n, 0.01, method="wilson")
        assert low < truth[here] < high, here
    won = early[early["status"] == "won"]
    cycle_days = (won["closed_at"] - won["created_at"]).dt.total_seconds() / 86_400
    planted_mean = sum(crm.truth["effects"].stage_mean_days.values())
    t = stats.ttest_1samp(cycle_days, planted_mean)
    assert t.pvalue > 0.01, (cycle_days.mean(), planted_mean)


def _churn_fit(crm):
    """Poisson regression of churn on inconsistency with log exposure (constant hazard)."""
    end = crm.truth["data_end"]
    cust = crm.customers
    months = (cust["churned_at"].fillna(end) - cust["start_at"]).dt.total_seconds() / (
        30.4375 * 86_400
    )
    consistency = crm.truth["lead"].loc[cust["lead_id"], "consistency"].to_numpy()
    data = pd.DataFrame(
        {
            "churned": cust["churned_at"].notna().astype(int),
            "inconsistency": 1 - consistency,
            "log_exposure": np.log(months.clip(lower=1e-6)),
        }
    )
    return smf.glm(
        "churned ~ inconsistency", data, offset=data["log_exposure"], family=sm.families.Poisson()
    ).fit()


def test_churn_hazard_is_recovered(crm, null_crm) -> None:
    eff: Effects = crm.truth["effects"]
    fit = _churn_fit(crm)
    base_low, base_high = np.exp(fit.conf_int(0.01).loc["Intercept"])
    hr_low, hr_high = np.exp(fit.conf_int(0.01).loc["inconsistency"])
    assert base_low < eff.churn_monthly < base_high
    assert hr_low < eff.churn_inconsistency_hr < hr_high
    null_low, null_high = np.exp(_churn_fit(null_crm).conf_int(0.01).loc["inconsistency"])
    assert null_low < 1 < null_high


def test_truth_consistency_matches_the_message_topics(crm) -> None:
    topics = crm.truth["message_topics"]
    sales = crm.messages[crm.messages["team"] == "sales"].set_index("message_id")
    claims = crm.campaigns.set_index("campaign_id")["claims"].str.split(";")
    lead_campaign = crm.leads.set_index("lead_id")["campaign_id"]
    sample = sales["lead_id"].drop_duplicates().iloc[:200]
    for lead in sample:
        said = ";".join(topics[sales.index[sales["lead_id"] == lead]]).split(";")
        own = set(claims[lead_campaign[lead]])
        share = np.mean([t in own for t in said])
        # messages after the end of the data are not written, so the realised share of the
        # written ones equals the truth when every planned message was sent
        if crm.truth["lead"].loc[lead, "consistency"] in (0.0, 1.0):
            assert share == crm.truth["lead"].loc[lead, "consistency"]


# -- texts -----------------------------------------------------------------------------------------


def test_texts_are_in_their_scripts_and_varied(crm) -> None:
    messages = crm.messages
    hangul = re.compile(r"[\uac00-\ud7a3]")
    kana = re.compile(r"[\u3040-\u30ff]")
    for lang, pattern in (("ko", hangul), ("ja", kana)):
        texts = messages.loc[messages["language"] == lang, "text"]
        assert texts.str.contains(pattern).all(), lang
    english = messages.loc[messages["language"] == "en", "text"]
    assert not english.str.contains(hangul).any() and not english.str.contains(kana).any()
    assert not messages["text"].str.contains(r"[{}]").any()  # every placeholder filled
    # varied: most messages are unique, and not one template
    assert messages["text"].nunique() > 0.9 * len(messages)
    assert messages["text"].str.split().str[0].nunique() > 50


def test_phrase_bank_keywords_separate_claims_and_drift() -> None:
    for lang in ph.LANGUAGES:
        for claim in ph.CLAIMS:
            own = ph.CLAIM_KEYWORDS[lang][claim]
            for key in (f"claim:{claim}", f"sales_claim:{claim}"):
                for sentence in ph.PHRASES[lang][key]:
                    low = sentence.lower()
                    assert any(k in low for k in own), (lang, key, sentence)
                    for topic, words in ph.DRIFT_KEYWORDS[lang].items():
                        assert not any(k in low for k in words), (lang, key, topic, sentence)
        for topic in ph.DRIFT_TOPICS:
            for sentence in ph.PHRASES[lang][f"drift:{topic}"]:
                low = sentence.lower()
                assert any(k in low for k in ph.DRIFT_KEYWORDS[lang][topic]), (lang, sentence)
                for claim, words in ph.CLAIM_KEYWORDS[lang].items():
                    assert not any(k in low for k in words), (lang, topic, claim, sentence)


# -- bad input and the committed sample ------------------------------------------------------


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="n_leads"):
        make_crm(0)
    with pytest.raises(ValueError, match="languages"):
        make_crm(10, languages=("fr",))
    with pytest.raises(TypeError, match="unknown effects \\['consistency'\\]"):
        make_crm(10, consistency=2.0)
    with pytest.raises(ValueError, match="sla_odds_ratio"):
        make_crm(10, sla_odds_ratio=0.0)
    with pytest.raises(ValueError, match="mql_rate"):
        make_crm(10, mql_rate={"paid_search": 0.5})
    with pytest.raises(ValueError, match="unrepeated_claims"):
        make_crm(10, unrepeated_claims=("world_peace",))
    with pytest.raises(ValueError, match="unrepeated_claims"):
        make_crm(10, unrepeated_claims="security")  # a string, not a tuple of claims


def test_committed_sample_is_what_make_datasets_writes(tmp_path: Path) -> None:
    committed = ROOT / "datasets" / "synthetic_crm"
    paths = write_sample(tmp_path)
    for path in paths:
        assert (committed / path.name).read_bytes() == path.read_bytes(), (
            f"datasets/synthetic_crm/{path.name} is out of date: run `make datasets`"
        )


def test_without_messages_the_other_tables_are_identical() -> None:
    full = make_crm(1_500, random_state=5)
    lean = make_crm(1_500, random_state=5, with_messages=False)
    for name in ("campaigns", "leads", "opportunities", "stage_history", "customers"):
        pd.testing.assert_frame_equal(getattr(full, name), getattr(lean, name))
    assert lean.messages.empty and list(lean.messages.columns) == list(full.messages.columns)
