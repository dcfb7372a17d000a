"""Exports the toolkit has never seen, made by the tests: column names and formats unlike the
bundled datasets, as the tools people export from write them.

* :func:`shopify_orders`: a Shopify-style order export (e-mail as the customer, "Lineitem
  quantity" and "Lineitem price" with prices stored as text, dates with UTC offsets, refunds as
  negative quantities of the same line).
* :func:`hubspot_crm`: a HubSpot-style CRM export in four files (contacts with their lifecycle
  stage dates as text, deals with "Deal Stage" codes, campaigns with a budget, companies with
  MRR and a churn date), built from the synthetic CRM so its effects are known.
* :func:`message_log`: the messages of both teams in English, Korean and Japanese with an
  empty language column, team labels of the export's own ("Marketing", "Sales"), and a
  separate outcome file of won and lost deals.
* :func:`lead_export`: a lead file for scoring: semicolon-separated, a yes/no target, a
  creation date, and a column known only after the outcome.

Each function writes its files and returns what it wrote, with the column names a notebook or
the ``research`` command needs (``*_COLUMNS`` mappings), so a test passes them as parameters.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from research.data.synthetic import make_crm

# --------------------------------------------------------------------------------------------
# transactions
# --------------------------------------------------------------------------------------------

#: Notebook 01 / 01b parameters for :func:`shopify_orders`.
SHOPIFY_COLUMNS = {
    "CUSTOMER_COL": "Email",
    "DATE_COL": "Created at",
    "AMOUNT_COL": None,
    "QUANTITY_COL": "Lineitem quantity",
    "PRICE_COL": "Lineitem price",
    "INVOICE_COL": "Name",
    "PRODUCT_COL": "Lineitem sku",
}


def shopify_orders(path: Path, n_customers: int = 300, seed: int = 0) -> pd.DataFrame:
    """Write a Shopify-style order export to ``path`` (CSV) and return it as written."""
    rng = np.random.default_rng(seed)
    rows = []
    order = 1000
    for i in range(n_customers):
        email = f"buyer{i}@example.com"
        for _ in range(int(rng.geometric(0.35))):
            order += 1
            when = pd.Timestamp("2024-01-01") + pd.Timedelta(minutes=int(rng.integers(0, 525_600)))
            offset = rng.choice(["+0100", "+0200"])
            qty = int(rng.integers(1, 4))
            price = rng.choice(["9.90", "19.90", "49.00"])
            sku = rng.choice(["TEE-1", "MUG-2", "CAP-3"])
            rows.append((f"#{order}", email, f"{when:%Y-%m-%d %H:%M:%S} {offset}", qty, price, sku))
            if rng.random() < 0.08:  # refunded later: a negative quantity of the same line
                later = when + pd.Timedelta(days=3)
                rows.append(
                    (f"#{order}", email, f"{later:%Y-%m-%d %H:%M:%S} {offset}", -qty, price, sku)
                )
    columns = ["Name", "Email", "Created at", "Lineitem quantity", "Lineitem price", "Lineitem sku"]
    frame = pd.DataFrame(rows, columns=columns)
    frame.to_csv(path, index=False)
    return frame


# --------------------------------------------------------------------------------------------
# a CRM funnel export
# --------------------------------------------------------------------------------------------

#: HubSpot's deal stage codes for the synthetic CRM's outcomes.
HUBSPOT_STAGES = {"won": "closedwon", "lost": "closedlost", "open": "contractsent"}

#: The HubSpot-style column of each role (the synthetic CRM's names on the left).
HUBSPOT_COLUMNS = {
    "leads": {
        "lead_id": "Record ID",
        "created_at": "Create Date",
        "channel": "Original Source",
        "campaign_id": "First Campaign",
        "mql_at": "Became a Marketing Qualified Lead Date",
        "sql_at": "Became a Sales Qualified Lead Date",
        "first_response_hours": "Hours to First Touch",
        "sdr_id": "Contact Owner",
    },
    "opportunities": {
        "opportunity_id": "Deal ID",
        "lead_id": "Associated Contact",
        "ae_id": "Deal Owner",
        "created_at": "Deal Create Date",
        "amount": "Amount",
        "status": "Deal Stage",
        "closed_at": "Close Date",
    },
    "campaigns": {
        "campaign_id": "Campaign Name",
        "channel": "Campaign Channel",
        "spend": "Budget",
        "impressions": "Views",
        "clicks": "Clicks",
    },
    "customers": {
        "customer_id": "Company ID",
        "lead_id": "Primary Contact",
        "start_at": "Became a Customer Date",
        "mrr": "MRR",
        "churned_at": "Churn Date",
    },
}

#: ``research.funnel.CRMColumns`` arguments (notebook 04's ``COLUMNS``) reading the four files
#: of :func:`hubspot_crm`: the MQL and SQL dates serve as the flags, the deals and campaigns
#: name the contact and the campaign otherwise than the contacts do; the deal stage codes are
#: :data:`HUBSPOT_STAGES` (``won_status=...``).
HUBSPOT_CRM_COLUMNS = {
    "lead_id": HUBSPOT_COLUMNS["leads"]["lead_id"],
    "campaign_id": HUBSPOT_COLUMNS["leads"]["campaign_id"],
    "channel": HUBSPOT_COLUMNS["leads"]["channel"],
    "mql_at": HUBSPOT_COLUMNS["leads"]["mql_at"],
    "is_mql": HUBSPOT_COLUMNS["leads"]["mql_at"],
    "is_sql": HUBSPOT_COLUMNS["leads"]["sql_at"],
    "first_response_hours": HUBSPOT_COLUMNS["leads"]["first_response_hours"],
    "lead_owner": HUBSPOT_COLUMNS["leads"]["sdr_id"],
    **{
        role: HUBSPOT_COLUMNS["opportunities"][role]
        for role in ("status", "amount", "created_at", "closed_at")
    },
    "deal_owner": HUBSPOT_COLUMNS["opportunities"]["ae_id"],
    **{role: HUBSPOT_COLUMNS["campaigns"][role] for role in ("spend", "impressions", "clicks")},
    **{role: HUBSPOT_COLUMNS["customers"][role] for role in ("start_at", "mrr", "churned_at")},
    "opportunities": {"lead_id": HUBSPOT_COLUMNS["opportunities"]["lead_id"]},
    "campaigns": {
        "campaign_id": HUBSPOT_COLUMNS["campaigns"]["campaign_id"],
        "channel": HUBSPOT_COLUMNS["campaigns"]["channel"],
    },
}

_HUBSPOT_SOURCES = {
    "paid_search": "Paid Search",
    "paid_social": "Paid Social",
    "email": "Email Marketing",
    "events": "Offline Sources",
    "organic": "Organic Search",
    "referral": "Referrals",
    "webinar": "Other Campaigns",
}


def _text_dates(values: pd.Series) -> pd.Series:
    """Dates as HubSpot writes them in a CSV export: "2024-01-02 04:38" (empty when unset)."""
    return values.dt.strftime("%Y-%m-%d %H:%M").fillna("")


def hubspot_crm(folder: Path, n_leads: int = 3000, seed: int = 0) -> dict[str, Path]:
    """Write a HubSpot-style export of the synthetic CRM to ``folder``: ``contacts.csv``,
    ``deals.csv``, ``campaigns.csv`` and ``companies.csv``; dates as text, the lifecycle stage
    reached as a date column, deal stages as HubSpot codes, sources as HubSpot's names.

    Returns the path of each file by role (``leads``, ``opportunities``, ``campaigns``,
    ``customers``). The planted effects are those of ``make_crm(n_leads, random_state=seed)``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    crm = make_crm(n_leads, random_state=seed, with_messages=False)
    leads = crm.leads.copy()
    leads["channel"] = leads["channel"].map(_HUBSPOT_SOURCES).fillna(leads["channel"])
    opps = crm.opportunities.copy()
    opps["status"] = opps["status"].map(HUBSPOT_STAGES)
    campaigns = crm.campaigns.copy()
    campaigns["channel"] = campaigns["channel"].map(_HUBSPOT_SOURCES).fillna(campaigns["channel"])
    tables = {
        "leads": leads,
        "opportunities": opps,
        "campaigns": campaigns,
        "customers": crm.customers,
    }
    names = {
        "leads": "contacts.csv",
        "opportunities": "deals.csv",
        "campaigns": "campaigns.csv",
        "customers": "companies.csv",
    }
    paths = {}
    for role, table in tables.items():
        mapping = HUBSPOT_COLUMNS[role]
        out = table[list(mapping)].rename(columns=mapping)
        for col in out.columns:
            if pd.api.types.is_datetime64_any_dtype(out[col]):
                out[col] = _text_dates(out[col])
        paths[role] = folder / names[role]
        out.to_csv(paths[role], index=False)
    return paths


# --------------------------------------------------------------------------------------------
# a message log
# --------------------------------------------------------------------------------------------

#: The message log's columns (the synthetic CRM's names on the left).
MESSAGE_COLUMNS = {
    "lead_id": "Contact",
    "team": "Team",
    "channel": "Medium",
    "campaign_id": "Campaign",
    "sent_at": "Sent",
    "language": "Lang",
    "text": "Body",
}

#: The export's team labels: marketing's first.
MESSAGE_TEAMS = ("Marketing", "Sales")


def message_log(folder: Path, n_leads: int = 1500, seed: int = 0) -> dict[str, Path]:
    """Write ``messages.csv`` (both teams, English, Korean and Japanese, an empty language
    column, labels "Marketing" / "Sales", the lead's campaign on every row),
    ``outcomes.csv`` (one row per closed deal: Contact, Won as yes/no) and ``campaigns.csv``
    (Campaign, Claims: the claims each campaign makes, ";"-separated) to ``folder``.

    Returns the paths by role (``messages``, ``outcomes``, ``campaigns``).
    """
    folder.mkdir(parents=True, exist_ok=True)
    crm = make_crm(n_leads, random_state=seed, languages=("en", "ko", "ja"))
    msgs = crm.messages.merge(crm.leads[["lead_id", "campaign_id"]], on="lead_id", how="left")
    msgs["team"] = msgs["team"].map({"marketing": "Marketing", "sales": "Sales"})
    msgs["language"] = ""
    msgs["sent_at"] = _text_dates(msgs["sent_at"])
    out = msgs[list(MESSAGE_COLUMNS)].rename(columns=MESSAGE_COLUMNS)
    paths = {
        "messages": folder / "messages.csv",
        "outcomes": folder / "outcomes.csv",
        "campaigns": folder / "campaigns.csv",
    }
    out.to_csv(paths["messages"], index=False)
    closed = crm.opportunities[crm.opportunities["status"] != "open"]
    outcomes = pd.DataFrame(
        {"Contact": closed["lead_id"], "Won": np.where(closed["status"] == "won", "yes", "no")}
    ).drop_duplicates("Contact")
    outcomes.to_csv(paths["outcomes"], index=False)
    claims = crm.campaigns[["campaign_id", "claims"]]
    claims.rename(columns={"campaign_id": "Campaign", "claims": "Claims"}).to_csv(
        paths["campaigns"], index=False
    )
    return paths


# --------------------------------------------------------------------------------------------
# a lead file for scoring
# --------------------------------------------------------------------------------------------

#: Notebook 02 / ``research score`` settings for :func:`lead_export`.
LEAD_SETTINGS = {
    "target": "Converted",
    "time": "Created",
    "sep": ";",
    "post_outcome": ["Deal Amount"],
    "id": "Lead ID",
}


def lead_export(path: Path, n_leads: int = 2500, seed: int = 0) -> pd.DataFrame:
    """Write a semicolon-separated lead export: an id, a creation date (day first, as text),
    the source, the company size and the response hours known when the lead came in, a yes/no
    target, and the deal amount, known only after the outcome (a leak). Returns it as written.

    The target depends on the source and on the response time (planted): a lead answered within
    a day converts with twice the odds of one answered later.
    """
    rng = np.random.default_rng(seed)
    created = pd.Timestamp("2024-01-01") + pd.to_timedelta(
        np.sort(rng.integers(0, 365 * 24 * 60, n_leads)), unit="min"
    )
    source = rng.choice(["Webinar", "Paid Search", "Referral", "Trade Show"], n_leads)
    size = rng.choice(["1-10", "11-50", "51-200", "201+"], n_leads)
    hours = np.round(rng.lognormal(2.5, 1.0, n_leads), 1)
    log_odds = (
        -2.0
        + np.select([source == "Referral", source == "Webinar"], [1.0, 0.4], 0.0)
        + np.log(2.0) * (hours <= 24)
    )
    won = rng.random(n_leads) < 1 / (1 + np.exp(-log_odds))
    frame = pd.DataFrame(
        {
            "Lead ID": [f"LD-{i:05d}" for i in range(n_leads)],
            "Created": created.strftime("%d/%m/%Y"),
            "Source": source,
            "Company Size": size,
            "Response Hours": hours,
            "Converted": np.where(won, "Yes", "No"),
            "Deal Amount": np.where(won, np.round(rng.lognormal(8, 0.5, n_leads), -1), 0.0),
        }
    )
    frame.to_csv(path, sep=";", index=False)
    return frame
