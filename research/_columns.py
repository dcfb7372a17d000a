"""One column vocabulary: the default column names of every table the package reads or writes.

Every ``*_col`` argument of a public function is keyword-only and takes its default from here,
so one name means one quantity everywhere (in the spirit of recommenders'
``utils/constants.py``). A user's export keeps its own names: pass them with the ``*_col``
arguments (or :class:`research.funnel.CRMColumns` for a CRM export), never rename the file.

Two families of per-customer columns must not be confused:

* the buy-till-you-die quantities of :func:`research.segmentation.rfm_summary` that the CLV
  models read (``frequency``: repeat purchases; ``recency``: age at the last purchase; ``T``:
  age at the end of the observation), as in lifetimes and pymc-marketing;
* the plain marketing quantities that RFM scores read (``days_since_last``: days since the last
  purchase; ``n_purchases``; ``total_spend``).
"""

from __future__ import annotations

# transactions: one row per purchase line
CUSTOMER_COL = "customer_id"
DATE_COL = "date"
AMOUNT_COL = "amount"

# per-customer summary (rfm_summary's output): the models' quantities ...
FREQUENCY_COL = "frequency"
RECENCY_COL = "recency"
T_COL = "T"
MONETARY_COL = "monetary_value"
# ... and the marketing ones
DAYS_SINCE_LAST_COL = "days_since_last"
PURCHASES_COL = "n_purchases"
SPEND_COL = "total_spend"
AVG_SPEND_COL = "avg_spend"
# what the CLV and segmentation steps add
CLV_COL = "clv"
P_ALIVE_COL = "p_alive"
SEGMENT_COL = "segment"

# leads and the CRM funnel (the synthetic CRM's names)
LEAD_COL = "lead_id"
CREATED_COL = "created_at"
CLOSED_COL = "closed_at"
STATUS_COL = "status"
MQL_COL = "mql_at"
RESPONSE_COL = "first_response_hours"
SOURCE_COL = "channel"
OWNER_COL = "owner"
# ... the rest of a CRM export (research.funnel.CRMColumns' defaults): lead flags, the outcome
# a rep is ranked on, campaign spend (not a customer's total_spend), subscriptions
IS_MQL_COL = "is_mql"
IS_SQL_COL = "is_sql"
WON_COL = "won"
CAMPAIGN_SPEND_COL = "spend"
START_COL = "start_at"
MRR_COL = "mrr"
CHURNED_COL = "churned_at"
# ... and who owns a lead (the SDR) and a deal (the account executive)
LEAD_OWNER_COL = "sdr_id"
DEAL_OWNER_COL = "ae_id"

# message log
TEAM_COL = "team"
TEXT_COL = "text"
LANGUAGE_COL = "language"
CAMPAIGN_COL = "campaign_id"
CLAIMS_COL = "claims"
# what research.messages adds per lead: TF-IDF similarity of the two teams (alignment)
SIMILARITY_COL = "similarity"

# headline tests (Upworthy)
TEST_COL = "test_id"
HEADLINE_COL = "headline"
CLICKS_COL = "clicks"
IMPRESSIONS_COL = "impressions"
