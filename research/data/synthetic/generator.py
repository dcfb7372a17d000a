"""A synthetic B2B SaaS CRM with known planted effects, for what no public dataset contains.

No public dataset holds a whole marketing-and-sales record: campaign costs, every funnel stage,
response times, and the messages both teams sent to the same leads. :func:`make_crm` generates
one, **synthetic and labelled as such**, with every effect planted through a documented keyword
argument (see :class:`Effects`), so an analysis can be checked against the truth it should
recover, and each effect can be switched off (an odds or hazard ratio of 1, a probability of 0).

The story of one lead
---------------------
1. A campaign (channel, product, 2-3 value propositions or *claims*, spend) brings the lead; the
   lead sees 1-4 marketing messages (ad, landing page, nurture emails) built from those claims.
2. The lead becomes an MQL with a probability that depends on the channel.
3. An SDR answers the MQL after a log-normal delay (each SDR has their own median; leads from
   some sources are followed up more slowly, ``response_slowdown``: email leads 3x by
   default). Answering within the SLA (24 h by default) multiplies the odds of becoming an SQL
   by ``sla_odds_ratio``.
4. Sales messages (call notes, sales emails) follow. Each content sentence either echoes one of
   the campaign's claims or drifts to a topic the campaign never mentioned (price, discount,
   roadmap, contract terms, a competitor); the lead-level probability of echoing is drawn from a
   Beta distribution. The lead's **consistency** is the share of its sales content sentences
   that echo the campaign.
5. Most SQLs become opportunities and move through prospecting -> contact -> needs analysis ->
   proposal -> negotiation -> won or lost. The odds of winning rise by ``consistency_odds_ratio``
   per unit of consistency (0 to 1), on top of channel and account-executive effects; lost deals
   stop at a stage with a loss reason; deals still open at the end of the data are censored.
6. Won deals become customers paying MRR; they churn with a constant monthly hazard that is
   ``churn_inconsistency_hr`` times higher for a consistency of 0 than of 1.

Defaults are plausible for B2B SaaS: MQL->SQL around 25-30% (10-40% is the usual range in
benchmark reports such as those of Salesforce/SiriusDecisions), win rates around 20-25% of
opportunities, sales cycles of weeks to months (median about 7 weeks), log-normal deal sizes
that grow with company size, and monthly logo churn of 1-3%.

Examples
--------
>>> crm = make_crm(2000, languages=("en", "ko", "ja"), random_state=1)  # doctest: +SKIP
>>> crm.leads.head()  # doctest: +SKIP
>>> crm.truth_table()  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.special import expit, logit

from research.data.synthetic import phrases as ph

__all__ = [
    "CHANNELS",
    "STAGES",
    "SYNTHETIC_LABEL",
    "Effects",
    "SyntheticCRM",
    "make_crm",
    "write_sample",
]

#: The words every chart and table built on these data must carry.
SYNTHETIC_LABEL = "synthetic data"

CHANNELS = ("paid_search", "organic", "social", "email", "events", "referral")
PRODUCTS = ("Nimbus Analytics", "Nimbus CRM", "Nimbus Connect")
INDUSTRIES = ("software", "manufacturing", "retail", "finance", "healthcare", "logistics")
COMPANY_SIZES = ("1-50", "51-200", "201-1000", "1000+")
STAGES = ("prospecting", "contact", "needs_analysis", "proposal", "negotiation")
LOSS_REASONS = ("price", "competitor", "no_decision", "timing", "product_fit")
REGIONS = {"en": ("North America", "Europe", "APAC"), "ko": ("Korea",), "ja": ("Japan",)}


def _by_channel(**values: float) -> dict[str, float]:
    return dict(values)


@dataclass(frozen=True)
class Effects:
    """Every planted effect and parameter of :func:`make_crm`, with its default.

    To switch an effect off, set an odds or hazard ratio to 1.0 (or a spread to 0).
    """

    #: P(lead -> MQL) by channel.
    mql_rate: Mapping[str, float] = field(
        default_factory=lambda: _by_channel(
            paid_search=0.45, organic=0.50, social=0.35, email=0.40, events=0.55, referral=0.65
        )
    )
    #: P(MQL -> SQL) by channel for an MQL answered *after* the SLA.
    sql_rate: Mapping[str, float] = field(
        default_factory=lambda: _by_channel(
            paid_search=0.18, organic=0.22, social=0.12, email=0.15, events=0.25, referral=0.35
        )
    )
    #: The SLA: hours within which an MQL should get a first response.
    sla_hours: float = 24.0
    #: Odds ratio of MQL -> SQL for an MQL answered within the SLA (1.0 = no effect).
    sla_odds_ratio: float = 2.0
    #: Median first-response time of each SDR, in hours (one SDR per entry).
    sdr_median_response_hours: tuple[float, ...] = (3.0, 6.0, 10.0, 16.0, 24.0, 36.0, 48.0, 72.0)
    #: Log-scale spread of response times around an SDR's median.
    response_sigma: float = 1.0
    #: Response times by channel are multiplied by this (sales follows some sources up more
    #: slowly); 1.0 everywhere = every source answered alike.
    response_slowdown: Mapping[str, float] = field(
        default_factory=lambda: _by_channel(
            paid_search=1.0, organic=1.0, social=1.0, email=3.0, events=1.0, referral=1.0
        )
    )
    #: P(SQL -> opportunity).
    sql_to_opportunity: float = 0.80
    #: P(won) of an opportunity from a paid-search lead with consistency 0.5 and an average AE.
    win_rate: float = 0.20
    #: Additive log-odds of winning by channel (paid search is the reference).
    channel_win_log_odds: Mapping[str, float] = field(
        default_factory=lambda: _by_channel(
            paid_search=0.0, organic=0.1, social=-0.3, email=-0.1, events=0.2, referral=0.5
        )
    )
    #: Odds ratio of winning per unit of message consistency, from 0 (sales never echoes the
    #: campaign) to 1 (always does); 1.0 = no effect.
    consistency_odds_ratio: float = 3.0
    #: Beta(a, b) of the lead-level probability that a sales sentence echoes a campaign claim.
    echo_beta: tuple[float, float] = (2.0, 1.5)
    #: Campaign claims that sales never repeats: a sales sentence that would echo the campaign
    #: echoes one of its other claims instead (or, if it has none, drifts). Empty = none.
    unrepeated_claims: tuple[str, ...] = ()
    #: Standard deviation of the account executives' random effect on the log-odds of winning.
    ae_win_sd: float = 0.25
    #: Number of account executives.
    n_ae: int = 6
    #: Mean days spent in each stage (gamma distributed with shape 2).
    stage_mean_days: Mapping[str, float] = field(
        default_factory=lambda: {
            "prospecting": 5.0,
            "contact": 7.0,
            "needs_analysis": 12.0,
            "proposal": 14.0,
            "negotiation": 10.0,
        }
    )
    #: For lost deals: the stage they are lost in.
    loss_stage_probs: Mapping[str, float] = field(
        default_factory=lambda: {
            "prospecting": 0.10,
            "contact": 0.25,
            "needs_analysis": 0.30,
            "proposal": 0.20,
            "negotiation": 0.15,
        }
    )
    #: Median annual contract value by company size (currency units), log-normal around it.
    deal_median: Mapping[str, float] = field(
        default_factory=lambda: {
            "1-50": 6_000.0,
            "51-200": 15_000.0,
            "201-1000": 40_000.0,
            "1000+": 100_000.0,
        }
    )
    #: Log-scale spread of deal sizes.
    deal_sigma: float = 0.6
    #: Monthly churn hazard of a customer with consistency 1.
    churn_monthly: float = 0.02
    #: Churn hazard ratio of consistency 0 against consistency 1 (1.0 = no effect).
    churn_inconsistency_hr: float = 2.0
    #: Click-through rate by channel: clicks / impressions (ads shown, emails delivered,
    #: invitations sent, search results shown).
    ctr: Mapping[str, float] = field(
        default_factory=lambda: _by_channel(
            paid_search=0.035,
            organic=0.025,
            social=0.009,
            email=0.030,
            events=0.050,
            referral=0.060,
        )
    )
    #: Share of clicks that become leads (form fills), all channels.
    click_to_lead: float = 0.08
    #: Log-scale spread of a campaign's clicks and impressions around those rates.
    traffic_sigma: float = 0.10
    #: Log-scale spread of a campaign's spend around leads x cost per lead.
    spend_sigma: float = 0.15
    #: Cost per lead by channel (currency units); campaign spend = leads x cost x noise.
    cost_per_lead: Mapping[str, float] = field(
        default_factory=lambda: _by_channel(
            paid_search=180.0, organic=40.0, social=90.0, email=25.0, events=400.0, referral=60.0
        )
    )

    def __post_init__(self) -> None:
        for name in (
            "mql_rate",
            "sql_rate",
            "channel_win_log_odds",
            "cost_per_lead",
            "ctr",
            "response_slowdown",
        ):
            value = getattr(self, name)
            missing = [c for c in CHANNELS if c not in value]
            if missing:
                raise ValueError(f"effect {name!r} needs a value for channels {missing}")
        for name in ("mql_rate", "sql_rate"):
            bad = {k: v for k, v in getattr(self, name).items() if not 0 <= v <= 1}
            if bad:
                raise ValueError(f"effect {name!r} must be probabilities, got {bad}")
        for name in ("sql_to_opportunity", "win_rate", "churn_monthly", "click_to_lead"):
            v = getattr(self, name)
            if not 0 <= v <= 1:
                raise ValueError(f"effect {name!r} must be a probability, got {v!r}")
        for name in ("sla_odds_ratio", "consistency_odds_ratio", "churn_inconsistency_hr"):
            v = getattr(self, name)
            if not (v > 0 and math.isfinite(v)):
                raise ValueError(f"effect {name!r} must be a positive ratio (1 = none), got {v!r}")
        if abs(sum(self.loss_stage_probs.values()) - 1) > 1e-9:
            raise ValueError("effect 'loss_stage_probs' must sum to 1")
        unknown = [c for c in self.unrepeated_claims if c not in ph.CLAIMS]
        if isinstance(self.unrepeated_claims, str) or unknown:
            raise ValueError(
                f"effect 'unrepeated_claims' must be a tuple of claims from {list(ph.CLAIMS)}, "
                f"got {self.unrepeated_claims!r}"
            )
        if not 0 < self.win_rate < 1 or self.n_ae < 1 or not self.sdr_median_response_hours:
            raise ValueError("win_rate must be in (0, 1), n_ae >= 1 and at least one SDR")


@dataclass
class SyntheticCRM:
    """The generated tables and the truth behind them. Every number in it is synthetic.

    Attributes
    ----------
    campaigns, leads, messages, opportunities, stage_history, customers : pandas.DataFrame
        The tidy tables (see the datasets/synthetic_crm README for their schema).
    truth : dict
        ``effects`` (the :class:`Effects` used), ``lead`` (per-lead truth: echo probability,
        realised consistency, within-SLA flag, the true probabilities of SQL and of winning),
        ``message_topics`` (the claim or drift topic of every content sentence of each message),
        ``stage_conversion`` (the implied conversion rate of each opportunity stage) and
        ``data_end`` (the censoring date).
    """

    campaigns: pd.DataFrame
    leads: pd.DataFrame
    messages: pd.DataFrame
    opportunities: pd.DataFrame
    stage_history: pd.DataFrame
    customers: pd.DataFrame
    truth: dict[str, object]

    label: str = SYNTHETIC_LABEL

    def truth_table(self) -> pd.DataFrame:
        """The planted effects as a table: name, value, and what it means."""
        effects: Effects = self.truth["effects"]  # type: ignore[assignment]
        rows = [
            (f.name, getattr(effects, f.name), _EFFECT_MEANING.get(f.name, ""))
            for f in dataclasses.fields(Effects)
        ]
        return pd.DataFrame(rows, columns=["effect", "value", "meaning"])

    def to_csv(self, folder: str | Path) -> list[Path]:
        """Write every table as ``<folder>/<table>.csv`` (UTF-8); return the paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name in (
            "campaigns",
            "leads",
            "messages",
            "opportunities",
            "stage_history",
            "customers",
        ):
            path = folder / f"{name}.csv"
            getattr(self, name).to_csv(path, index=False, date_format="%Y-%m-%d %H:%M:%S")
            written.append(path)
        return written


_EFFECT_MEANING = {
    "mql_rate": "P(lead -> MQL) by channel",
    "sql_rate": "P(MQL -> SQL) by channel when answered after the SLA",
    "sla_hours": "the SLA for a first response to an MQL, hours",
    "sla_odds_ratio": "odds ratio of MQL -> SQL when answered within the SLA",
    "sdr_median_response_hours": "median first-response time of each SDR, hours",
    "response_sigma": "log-scale spread of response times",
    "response_slowdown": "response-time multiplier by channel (slower follow-up of a source)",
    "sql_to_opportunity": "P(SQL -> opportunity)",
    "win_rate": "P(won) for paid search, consistency 0.5, average AE",
    "channel_win_log_odds": "additive log-odds of winning by channel",
    "consistency_odds_ratio": "odds ratio of winning per unit of message consistency (0 to 1)",
    "echo_beta": "Beta(a, b) of the lead-level probability that sales echoes a campaign claim",
    "unrepeated_claims": "campaign claims that sales never repeats",
    "ae_win_sd": "SD of the account executives' effect on the log-odds of winning",
    "n_ae": "number of account executives",
    "stage_mean_days": "mean days in each opportunity stage (gamma, shape 2)",
    "loss_stage_probs": "stage in which lost deals are lost",
    "deal_median": "median annual contract value by company size",
    "deal_sigma": "log-scale spread of deal sizes",
    "churn_monthly": "monthly churn hazard at consistency 1",
    "churn_inconsistency_hr": "churn hazard ratio, consistency 0 against 1",
    "ctr": "click-through rate by channel (clicks / impressions)",
    "click_to_lead": "share of clicks that become leads",
    "traffic_sigma": "log-scale spread of campaign clicks and impressions",
    "spend_sigma": "log-scale spread of campaign spend around leads x cost per lead",
    "cost_per_lead": "campaign cost per lead by channel",
}


def _effects(overrides: Mapping[str, object]) -> Effects:
    names = {f.name for f in dataclasses.fields(Effects)}
    unknown = sorted(set(overrides) - names)
    if unknown:
        raise TypeError(
            f"make_crm got unknown effects {unknown}; the effects are: {', '.join(sorted(names))}"
        )
    return Effects(**overrides)  # type: ignore[arg-type]


def _days(values: np.ndarray | float) -> np.ndarray:
    """Durations in days as numpy timedelta64[s]."""
    return np.round(np.asarray(values, dtype=np.float64) * 86_400).astype("timedelta64[s]")


def _nat_where(mask: np.ndarray, times: np.ndarray) -> np.ndarray:
    return np.where(mask, times, np.datetime64("NaT", "s"))


# --------------------------------------------------------------------------------------------
# text
# --------------------------------------------------------------------------------------------


class _Writer:
    """Assembles messages from the phrase bank; all randomness comes from ``rng``."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def pick(self, lang: str, key: str, product: str) -> str:
        options = ph.PHRASES[lang][key]
        return options[int(self.rng.integers(len(options)))].format(product=product)

    @staticmethod
    def join(lang: str, parts: list[str]) -> str:
        return ("" if lang == "ja" else " ").join(parts)

    def marketing(self, lang: str, channel: str, claims: list[str], product: str) -> str:
        parts = [self.pick(lang, f"open:marketing:{channel}", product)]
        if self.rng.random() < 0.3:
            parts.append(self.pick(lang, "question:marketing", product))
        parts += [self.pick(lang, f"claim:{c}", product) for c in claims]
        parts.append(self.pick(lang, f"close:marketing:{channel}", product))
        return self.join(lang, parts)

    def sales(self, lang: str, channel: str, topics: list[str], product: str) -> str:
        parts = [self.pick(lang, f"open:sales:{channel}", product)]
        for topic in topics:
            key = f"sales_claim:{topic}" if topic in ph.CLAIMS else f"drift:{topic}"
            parts.append(self.pick(lang, key, product))
        if self.rng.random() < 0.5:
            parts.append(self.pick(lang, "question:sales", product))
        parts.append(self.pick(lang, f"close:sales:{channel}", product))
        return self.join(lang, parts)


# --------------------------------------------------------------------------------------------
# make_crm
# --------------------------------------------------------------------------------------------


def make_crm(
    n_leads: int = 5000,
    *,
    start: str | pd.Timestamp = "2024-01-01",
    months: int = 12,
    languages: Sequence[str] = ("en",),
    random_state: int = 0,
    with_messages: bool = True,
    **effects: object,
) -> SyntheticCRM:
    """Generate a synthetic B2B SaaS CRM with known planted effects (see the module docstring).

    Parameters
    ----------
    n_leads : int, default 5000
        Number of leads.
    start : str or Timestamp, default "2024-01-01"
        First day of the data.
    months : int, default 12
        Length of the data; events after ``start + months`` are censored (leads not yet
        qualified, deals still open, customers not yet churned).
    languages : sequence of {"en", "ko", "ja"}, default ("en",)
        Languages of the messages; each lead gets one at random, and a region to match
        (Korea for Korean, Japan for Japanese).
    random_state : int, default 0
        Seed: the same arguments always give the same CRM.
    with_messages : bool, default True
        Write the message texts. ``False`` leaves ``messages`` empty (same columns) and skips
        the slowest step, for funnel and KPI work on millions of leads; every other table is
        the same as with messages.
    **effects
        Any field of :class:`Effects`, e.g. ``consistency_odds_ratio=1.0`` to plant no
        consistency effect.

    Returns
    -------
    SyntheticCRM
        The tables and the ``truth``.

    Raises
    ------
    ValueError
        A non-positive ``n_leads`` or ``months``, an unknown language, or an effect out of range.
    TypeError
        An unknown effect name.
    """
    if isinstance(n_leads, bool) or not isinstance(n_leads, int | np.integer) or n_leads < 1:
        raise ValueError(f"n_leads must be a positive integer, got {n_leads!r}")
    if isinstance(months, bool) or not isinstance(months, int | np.integer) or months < 1:
        raise ValueError(f"months must be a positive integer, got {months!r}")
    languages = tuple(languages)
    bad = [lang for lang in languages if lang not in ph.LANGUAGES]
    if not languages or bad:
        raise ValueError(f"languages must be a non-empty subset of {ph.LANGUAGES}, got {languages}")
    eff = _effects(effects)
    rng = np.random.default_rng(random_state)
    first_day = pd.Timestamp(start).floor("D")
    t0 = np.datetime64(first_day, "s")
    data_end = np.datetime64(first_day + pd.DateOffset(months=int(months)), "s")

    campaigns = _campaigns(rng, t0, data_end, int(months))
    leads, truth = _leads(rng, eff, campaigns, int(n_leads), languages, data_end)
    plan = _sales_plan(rng, eff, leads, campaigns, truth)
    opps, history, customers = _opportunities(rng, eff, leads, truth, data_end)
    if with_messages:
        messages, topics = _messages(rng, leads, campaigns, plan, opps, data_end)
    else:
        messages = pd.DataFrame(
            {c: pd.Series(dtype="str") for c in ("message_id", "lead_id", "team", "channel")}
            | {"sent_at": pd.Series(dtype="datetime64[s]")}
            | {c: pd.Series(dtype="str") for c in ("language", "text")}
        )
        topics = pd.Series(dtype="str", name="topics")
    # spend and traffic draw from their own stream, so they do not depend on the messages
    campaigns = _spend(np.random.default_rng([random_state, 1]), eff, campaigns, leads)
    return SyntheticCRM(
        campaigns=campaigns,
        leads=leads,
        messages=messages,
        opportunities=opps,
        stage_history=history,
        customers=customers,
        truth={
            "effects": eff,
            "lead": truth,
            "message_topics": topics,
            "stage_conversion": _stage_conversion(eff),
            "data_end": pd.Timestamp(data_end),
            "label": SYNTHETIC_LABEL,
        },
    )


def _campaigns(
    rng: np.random.Generator, t0: np.datetime64, data_end: np.datetime64, months: int
) -> pd.DataFrame:
    n = max(len(CHANNELS), 2 * months)
    channel = np.array([CHANNELS[i % len(CHANNELS)] for i in range(n)])
    rng.shuffle(channel)
    span = int((data_end - t0) / np.timedelta64(1, "D"))
    begin = rng.integers(0, max(span - 30, 1), n)
    end = np.minimum(begin + rng.integers(30, 91, n), span)
    claims = [
        ";".join(sorted(rng.choice(ph.CLAIMS, size=int(rng.integers(2, 4)), replace=False)))
        for _ in range(n)
    ]
    return pd.DataFrame(
        {
            "campaign_id": [f"CMP-{i + 1:03d}" for i in range(n)],
            "channel": channel,
            "product": rng.choice(PRODUCTS, n),
            "start": pd.to_datetime(t0 + _days(begin)),
            "end": pd.to_datetime(t0 + _days(end)),
            "claims": claims,
        }
    )


def _leads(
    rng: np.random.Generator,
    eff: Effects,
    campaigns: pd.DataFrame,
    n: int,
    languages: tuple[str, ...],
    data_end: np.datetime64,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    which = rng.integers(0, len(campaigns), n)
    c_start = campaigns["start"].to_numpy("datetime64[s]")[which]
    c_end = campaigns["end"].to_numpy("datetime64[s]")[which]
    created = c_start + ((c_end - c_start).astype(np.int64) * rng.random(n) // 60 * 60).astype(
        "timedelta64[s]"
    )
    order = np.argsort(created, kind="stable")  # lead ids follow creation time
    which, created = which[order], created[order]
    channel = campaigns["channel"].to_numpy()[which]
    lang = rng.choice(languages, n)
    region = np.array([REGIONS[lg][int(rng.integers(len(REGIONS[lg])))] for lg in lang])

    p_mql = np.array([eff.mql_rate[c] for c in channel])
    mql_at = created + _days(rng.gamma(2.0, 1.5, n))
    is_mql = (rng.random(n) < p_mql) & (mql_at <= data_end)

    sdr = rng.integers(0, len(eff.sdr_median_response_hours), n)
    slowdown = np.array([eff.response_slowdown[c] for c in channel])
    response_h = (
        slowdown
        * np.asarray(eff.sdr_median_response_hours)[sdr]
        * np.exp(eff.response_sigma * rng.standard_normal(n))
    )
    responded_at = mql_at + _days(response_h / 24)
    responded = is_mql & (responded_at <= data_end)
    within = response_h <= eff.sla_hours

    base = np.array([eff.sql_rate[c] for c in channel])
    p_sql = expit(logit(np.clip(base, 1e-9, 1 - 1e-9)) + np.log(eff.sla_odds_ratio) * within)
    sql_at = responded_at + _days(rng.gamma(2.0, 2.0, n))
    is_sql = responded & (rng.random(n) < p_sql) & (sql_at <= data_end)
    ae = rng.integers(0, eff.n_ae, n)

    ids = [f"L{i + 1:06d}" for i in range(n)]
    leads = pd.DataFrame(
        {
            "lead_id": ids,
            "created_at": pd.to_datetime(created),
            "campaign_id": campaigns["campaign_id"].to_numpy()[which],
            "channel": channel,
            "product": campaigns["product"].to_numpy()[which],
            "company_size": rng.choice(COMPANY_SIZES, n, p=[0.35, 0.30, 0.20, 0.15]),
            "industry": rng.choice(INDUSTRIES, n),
            "region": region,
            "language": lang,
            "is_mql": is_mql,
            "mql_at": pd.to_datetime(_nat_where(is_mql, mql_at)),
            "sdr_id": pd.array(
                np.where(is_mql, [f"SDR-{s + 1:02d}" for s in sdr], None), dtype="string"
            ),
            "first_response_at": pd.to_datetime(_nat_where(responded, responded_at)),
            "first_response_hours": np.where(responded, np.round(response_h, 2), np.nan),
            "is_sql": is_sql,
            "sql_at": pd.to_datetime(_nat_where(is_sql, sql_at)),
            "ae_id": pd.array(
                np.where(is_sql, [f"AE-{a + 1:02d}" for a in ae], None), dtype="string"
            ),
        }
    )
    truth = pd.DataFrame(
        {
            "within_sla": within & is_mql,
            "p_mql": p_mql,
            "p_sql": np.where(is_mql, p_sql, np.nan),
            "ae": ae,
        },
        index=pd.Index(ids, name="lead_id"),
    )
    return leads, truth


def _sales_plan(
    rng: np.random.Generator,
    eff: Effects,
    leads: pd.DataFrame,
    campaigns: pd.DataFrame,
    truth: pd.DataFrame,
) -> dict[int, list[tuple[str, list[str]]]]:
    """Sales messages of every answered MQL: channel and the topic of each content sentence.

    Sets ``truth["p_echo"]`` and ``truth["consistency"]`` (share of echoing sentences).
    """
    claims = dict(zip(campaigns["campaign_id"], campaigns["claims"].str.split(";"), strict=True))
    n = len(leads)
    a, b = eff.echo_beta
    p_echo = rng.beta(a, b, n)
    n_msg = np.where(leads["is_sql"].to_numpy(), 1 + rng.poisson(1.5, n), 1)
    consistency = np.full(n, np.nan)
    plan: dict[int, list[tuple[str, list[str]]]] = {}
    campaign = leads["campaign_id"].to_numpy()
    for i in np.flatnonzero(leads["first_response_at"].notna().to_numpy()):
        own = [c for c in claims[campaign[i]] if c not in eff.unrepeated_claims]
        messages, echoes, total = [], 0, 0
        for _ in range(int(n_msg[i])):
            topics = []
            for _ in range(int(rng.integers(1, 4))):
                if rng.random() < p_echo[i] and own:
                    topics.append(own[int(rng.integers(len(own)))])
                    echoes += 1
                else:
                    topics.append(ph.DRIFT_TOPICS[int(rng.integers(len(ph.DRIFT_TOPICS)))])
                total += 1
            messages.append(("call_note" if rng.random() < 0.5 else "sales_email", topics))
        plan[int(i)] = messages
        consistency[i] = echoes / total
    answered = leads["first_response_at"].notna().to_numpy()
    truth["p_echo"] = np.where(answered, p_echo, np.nan)
    truth["consistency"] = consistency
    return plan


def _opportunities(
    rng: np.random.Generator,
    eff: Effects,
    leads: pd.DataFrame,
    truth: pd.DataFrame,
    data_end: np.datetime64,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    n = len(leads)
    consistency = truth["consistency"].to_numpy()
    ae = truth.pop("ae").to_numpy()
    ae_effect = rng.normal(0.0, eff.ae_win_sd, eff.n_ae)
    ae_effect -= ae_effect.mean()  # win_rate stays the rate of the average AE
    opened_all = leads["sql_at"].to_numpy("datetime64[s]") + _days(rng.gamma(2.0, 0.5, n))
    is_opp = (
        leads["is_sql"].to_numpy()
        & (rng.random(n) < eff.sql_to_opportunity)
        & (opened_all <= data_end)  # NaT compares False: no SQL, no opportunity
    )
    log_odds = (
        logit(eff.win_rate)
        + np.array([eff.channel_win_log_odds[c] for c in leads["channel"]])
        + np.log(eff.consistency_odds_ratio) * (np.nan_to_num(consistency, nan=0.5) - 0.5)
        + ae_effect[ae]
    )
    p_win = expit(log_odds)
    truth["ae_effect"] = np.where(leads["is_sql"].to_numpy(), ae_effect[ae], np.nan)
    truth["p_win"] = np.where(is_opp, p_win, np.nan)
    won = is_opp & (rng.random(n) < p_win)

    idx = np.flatnonzero(is_opp)
    m = len(idx)
    stages = len(STAGES)
    means = np.array([eff.stage_mean_days[s] for s in STAGES])
    durations = rng.gamma(2.0, means / 2.0, size=(m, stages))
    lost_in = rng.choice(stages, m, p=[eff.loss_stage_probs[s] for s in STAGES])
    last = np.where(won[idx], stages - 1, lost_in)
    opened = opened_all[idx]
    enter = opened[:, None] + _days(np.cumsum(durations, axis=1) - durations)
    rows = np.arange(m)
    close = enter[rows, last] + _days(durations[rows, last])
    closed = close <= data_end
    status = np.where(~closed, "open", np.where(won[idx], "won", "lost"))
    current = np.where(closed, last, (enter <= data_end).sum(axis=1) - 1)
    size = leads["company_size"].to_numpy()[idx]
    median = np.array([eff.deal_median[s] for s in size])
    amount = np.round(median * np.exp(eff.deal_sigma * rng.standard_normal(m)), -1)
    reasons = rng.choice(LOSS_REASONS, m)
    opp_ids = np.array([f"OPP-{k + 1:05d}" for k in range(m)])
    opps = pd.DataFrame(
        {
            "opportunity_id": opp_ids,
            "lead_id": leads["lead_id"].to_numpy()[idx],
            "ae_id": leads["ae_id"].to_numpy()[idx],
            "created_at": pd.to_datetime(opened),
            "amount": amount,
            "stage": np.array(STAGES)[current],
            "status": status,
            "closed_at": pd.to_datetime(_nat_where(closed, close)),
            "loss_reason": pd.array(np.where(status == "lost", reasons, None), dtype="string"),
        }
    )
    history = _stage_history(opp_ids, enter, current, closed, status, close, data_end)
    customers = _customers(rng, eff, truth, consistency, idx, opps, status, close, data_end)
    return opps, history, customers


def _stage_history(
    opp_ids: np.ndarray,
    enter: np.ndarray,
    current: np.ndarray,
    closed: np.ndarray,
    status: np.ndarray,
    close: np.ndarray,
    data_end: np.datetime64,
) -> pd.DataFrame:
    """One row per stage an opportunity entered before the end of the data, then its outcome
    (won or lost) for the closed ones, in stage order."""
    stages = len(STAGES)
    reached = (np.arange(stages)[None, :] <= current[:, None]) & (enter <= data_end)
    k, s = np.nonzero(reached)
    history = pd.DataFrame(
        {"opportunity_id": opp_ids[k], "stage": np.array(STAGES)[s], "entered_at": enter[k, s]}
    )
    outcome = pd.DataFrame(
        {"opportunity_id": opp_ids[closed], "stage": status[closed], "entered_at": close[closed]}
    )
    history = pd.concat([history, outcome], ignore_index=True)
    history["entered_at"] = pd.to_datetime(history["entered_at"])
    order = pd.Categorical(history["stage"], categories=[*STAGES, "won", "lost"], ordered=True)
    history = history.assign(_o=order).sort_values(["opportunity_id", "_o"]).drop(columns="_o")
    return history.reset_index(drop=True)


def _customers(
    rng: np.random.Generator,
    eff: Effects,
    truth: pd.DataFrame,
    consistency: np.ndarray,
    idx: np.ndarray,
    opps: pd.DataFrame,
    status: np.ndarray,
    close: np.ndarray,
    data_end: np.datetime64,
) -> pd.DataFrame:
    """The won deals as customers with their MRR, and a churn date drawn from the planted
    hazard (higher for deals whose messages were less consistent); ``truth`` gets the hazard."""
    won_rows = np.flatnonzero(status == "won")
    c = np.nan_to_num(consistency[idx[won_rows]], nan=0.5)
    hazard = eff.churn_monthly * eff.churn_inconsistency_hr ** (1 - c)
    churn = close[won_rows] + _days(rng.exponential(1 / np.maximum(hazard, 1e-12)) * 30.4375)
    churned = churn <= data_end
    truth["churn_hazard_monthly"] = np.nan
    truth.iloc[idx[won_rows], truth.columns.get_loc("churn_hazard_monthly")] = hazard
    return pd.DataFrame(
        {
            "customer_id": [f"C{k + 1:05d}" for k in range(len(won_rows))],
            "opportunity_id": opps["opportunity_id"].to_numpy()[won_rows],
            "lead_id": opps["lead_id"].to_numpy()[won_rows],
            "start_at": pd.to_datetime(close[won_rows]),
            "mrr": np.round(opps["amount"].to_numpy()[won_rows] / 12, 2),
            "churned_at": pd.to_datetime(_nat_where(churned, churn)),
        }
    )


def _messages(
    rng: np.random.Generator,
    leads: pd.DataFrame,
    campaigns: pd.DataFrame,
    plan: dict[int, list[tuple[str, list[str]]]],
    opps: pd.DataFrame,
    data_end: np.datetime64,
) -> tuple[pd.DataFrame, pd.Series]:
    """Plan every message (who, when, which topics), sort by time, then write the texts.

    The texts are written in their final order straight into Arrow chunks, so a million
    messages never exist twice in memory (no list-to-frame copy, no sort of the text column).
    """
    claims = dict(zip(campaigns["campaign_id"], campaigns["claims"].str.split(";"), strict=True))
    created = leads["created_at"].to_numpy("datetime64[s]")
    responded = leads["first_response_at"].to_numpy("datetime64[s]")
    closed = dict(zip(opps["lead_id"], opps["closed_at"].to_numpy("datetime64[s]"), strict=True))
    lead_id = leads["lead_id"].to_numpy()
    campaign = leads["campaign_id"].to_numpy()
    n_marketing = 1 + np.minimum(rng.poisson(1.2, len(leads)), 3)

    who, sales, channels, when_sent, topics = [], [], [], [], []
    for i in range(len(leads)):
        own = claims[campaign[i]]
        for j in range(int(n_marketing[i])):
            channel = ("ad", "landing_page", "email")[min(j, 2)]
            offset = {"ad": -rng.random() * 7, "landing_page": 0.0}.get(
                channel, 1 + rng.random() * 20
            )
            when = created[i] + _days(offset)
            if when > data_end:
                continue
            k = min(len(own), int(rng.integers(1, 3)))
            who.append(i)
            sales.append(False)
            channels.append(channel)
            when_sent.append(when)
            topics.append(list(rng.choice(own, size=k, replace=False)))
        if i not in plan:
            continue
        last = closed.get(lead_id[i], np.datetime64("NaT"))
        stop = data_end if np.isnat(last) else min(last, data_end)
        when = responded[i]
        for channel, said in plan[i]:
            if when > stop:
                break
            who.append(i)
            sales.append(True)
            channels.append(channel)
            when_sent.append(when)
            topics.append(said)
            when = when + _days(1 + rng.gamma(2.0, 4.0))

    sent = np.array(when_sent, dtype="datetime64[s]")
    order = np.argsort(sent, kind="stable")
    who_sorted = np.asarray(who, dtype=np.int64)[order]
    is_sales = np.asarray(sales, dtype=bool)[order]
    language = leads["language"].to_numpy()[who_sorted]
    product = leads["product"].to_numpy()[who_sorted]
    writer = _Writer(rng)
    chunks, chunk = [], []
    for pos, k in enumerate(order):
        write = writer.sales if is_sales[pos] else writer.marketing
        chunk.append(write(language[pos], channels[k], topics[k], product[pos]))
        if len(chunk) == 100_000:
            chunks.append(pa.array(chunk, type=pa.large_string()))
            chunk = []
    chunks.append(pa.array(chunk, type=pa.large_string()))
    text = pd.arrays.ArrowStringArray(
        pa.chunked_array(chunks, type=pa.large_string()), dtype=pd.StringDtype("pyarrow", np.nan)
    )  # pandas' default "str" dtype, without copying the chunks
    ids = pd.Index([f"M{k + 1:07d}" for k in range(len(order))], name="message_id")
    messages = pd.DataFrame(
        {
            "message_id": ids,
            "lead_id": lead_id[who_sorted],
            "team": np.where(is_sales, "sales", "marketing"),
            "channel": np.asarray(channels, dtype=object)[order],
            "sent_at": pd.to_datetime(sent[order]),
            "language": language,
            "text": text,
        }
    )
    truth = pd.Series([";".join(topics[k]) for k in order], index=ids, name="topics")
    return messages, truth


def _spend(
    rng: np.random.Generator, eff: Effects, campaigns: pd.DataFrame, leads: pd.DataFrame
) -> pd.DataFrame:
    counts = leads["campaign_id"].value_counts().reindex(campaigns["campaign_id"], fill_value=0)
    cpl = campaigns["channel"].map(eff.cost_per_lead).to_numpy()
    noise = np.exp(eff.spend_sigma * rng.standard_normal(len(campaigns)))
    spend = np.round(counts.to_numpy() * cpl * noise, 2)
    n = len(campaigns)
    clicks = np.round(
        counts.to_numpy() / eff.click_to_lead * np.exp(eff.traffic_sigma * rng.standard_normal(n))
    ).astype(np.int64)
    clicks = np.maximum(clicks, counts.to_numpy())
    ctr = campaigns["channel"].map(eff.ctr).to_numpy()
    impressions = np.round(clicks / ctr * np.exp(eff.traffic_sigma * rng.standard_normal(n)))
    out = campaigns.copy()
    at = out.columns.get_loc("claims")
    out.insert(at, "spend", spend)
    out.insert(at + 1, "impressions", np.maximum(impressions, clicks).astype(np.int64))
    out.insert(at + 2, "clicks", clicks)
    return out


def _stage_conversion(eff: Effects) -> pd.Series:
    """P(an opportunity that enters a stage moves on to the next), implied by the effects.

    The overall win probability varies by lead; the rates here are for the average win
    probability ``win_rate`` (exact when the channel, AE and consistency effects are off).
    """
    p_lost = (1 - eff.win_rate) * np.array([eff.loss_stage_probs[s] for s in STAGES])
    alive = 1 - np.concatenate([[0.0], np.cumsum(p_lost)[:-1]])
    return pd.Series(1 - p_lost / alive, index=list(STAGES), name="conversion_to_next")


def write_sample(
    folder: str | Path,
    n_leads: int = 2000,
    *,
    languages: Sequence[str] = ("en", "ko", "ja"),
    random_state: int = 42,
) -> list[Path]:
    """Write a sample CRM (tables and truth) as CSV files into ``folder``; return the paths.

    Besides the tables: ``truth_effects.csv`` (the planted effects), ``truth_leads.csv`` (per
    lead: within-SLA flag, true probabilities, echo probability and realised consistency) and
    ``truth_message_topics.csv`` (the claims and drift topics of each message).
    """
    crm = make_crm(n_leads, languages=languages, random_state=random_state)
    folder = Path(folder)
    paths = crm.to_csv(folder)
    table = crm.truth_table()
    table["value"] = table["value"].map(repr)
    table.to_csv(folder / "truth_effects.csv", index=False)
    crm.truth["lead"].to_csv(folder / "truth_leads.csv", float_format="%.6g")
    crm.truth["message_topics"].to_csv(folder / "truth_message_topics.csv")
    return [
        *paths,
        folder / "truth_effects.csv",
        folder / "truth_leads.csv",
        folder / "truth_message_topics.csv",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m research.data.synthetic``: write the sample CRM used by ``make datasets``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("datasets/synthetic_crm"))
    parser.add_argument("--n-leads", type=int, default=2000)
    parser.add_argument("--languages", nargs="+", default=["en", "ko", "ja"])
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    for path in write_sample(
        args.out, args.n_leads, languages=args.languages, random_state=args.seed
    ):
        print(f"wrote {path}", file=sys.stdout)
    return 0
