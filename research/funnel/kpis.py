"""Both teams' KPIs side by side, lead quality by source and ROI by channel.

* :func:`lead_quality_by_source`: separates "marketing sent weaker leads" from "sales followed up
  slower", with a model holding both source and response time.
* :func:`kpi_table` and :func:`roi_by_channel`: both teams' KPIs with definitions and intervals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from research._stats import percentile_interval, poisson_rate_interval, t_interval, wilson
from research._validation import numeric_values, require_columns, require_frame, rows_repr
from research.funnel._stages import check_unique
from research.funnel.columns import CRMColumns
from research.funnel.cycle import cycle_length
from research.funnel.sla import sla_compliance

__all__ = [
    "lead_quality_by_source",
    "kpi_table",
    "roi_by_channel",
]


def lead_quality_by_source(
    leads: pd.DataFrame,
    *,
    source_col: str = "channel",
    outcome_col: str = "is_sql",
    response_col: str | None = "first_response_hours",
    value_col: str | None = None,
    sla_hours: float = 24.0,
    reference: str | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Conversion (and value) by source, before and after adjusting for response time.

    Two logistic models: ``outcome ~ source`` (raw odds ratios against the reference source)
    and ``outcome ~ source + within_sla`` (adjusted). If a source's raw gap shrinks once response
    time is held fixed, part of it was slower follow-up; what remains is the leads themselves.

    Returns
    -------
    pandas.DataFrame
        Per source: ``leads``, ``conversions``, ``rate`` (Wilson interval), ``within_sla``
        (share answered within the SLA), ``value_mean`` (if ``value_col``), raw and adjusted odds
        ratios with intervals, and ``reading``: "weaker leads" or "stronger leads" when the
        adjusted interval excludes 1, else "no clear difference"; the reference row reads
        "reference".
    """
    frame = require_frame(leads, "leads")
    cols = [source_col, outcome_col] + [c for c in (response_col, value_col) if c]
    require_columns(frame, cols, "leads")
    data = frame.dropna(subset=[source_col])
    if response_col:
        data = data[data[response_col].notna()]
    y = data[outcome_col].astype(int)
    source = data[source_col].astype(str)
    reference = reference or source.value_counts().idxmax()
    table = pd.DataFrame({"leads": source.value_counts()}).sort_index()
    table["conversions"] = y.groupby(source).sum()
    table["rate"] = table["conversions"] / table["leads"]
    table["low"], table["high"] = wilson(table["conversions"], table["leads"], ci)
    model = pd.DataFrame({"y": y.to_numpy(), "source": source.to_numpy()})
    term = f"C(source, Treatment(reference={reference!r}))"
    raw = smf.logit(f"y ~ {term}", model).fit(disp=False)
    fits = {"raw": raw}
    if response_col:
        within = (data[response_col].to_numpy(dtype=float) <= sla_hours).astype(int)
        model["within_sla"] = within
        table["within_sla"] = model.groupby("source")["within_sla"].mean()
        fits["adjusted"] = smf.logit(f"y ~ {term} + within_sla", model).fit(disp=False)
    if value_col:
        table["value_mean"] = data.groupby(source)[value_col].mean()
    for name, fit in fits.items():
        conf = fit.conf_int(1 - ci)
        for src in table.index:
            key = f"{term}[T.{src}]"
            if src == reference:
                values = (1.0, 1.0, 1.0)
            else:
                values = (
                    np.exp(fit.params[key]),
                    np.exp(conf.loc[key, 0]),
                    np.exp(conf.loc[key, 1]),
                )
            table.loc[src, [f"or_{name}", f"or_{name}_low", f"or_{name}_high"]] = values
    last = "adjusted" if response_col else "raw"
    table["reading"] = np.select(
        [table.index == reference, table[f"or_{last}_high"] < 1, table[f"or_{last}_low"] > 1],
        ["reference", "weaker leads", "stronger leads"],
        default="no clear difference",
    )
    table.index.name = source_col
    return table


# --------------------------------------------------------------------------------------------
# KPIs
# --------------------------------------------------------------------------------------------


def _per_lead_money(
    campaigns: pd.DataFrame,
    leads: pd.DataFrame,
    opportunities: pd.DataFrame,
    gross_margin: float,
) -> pd.DataFrame:
    """Per lead: its share of its campaign's spend, and the gross profit of its won deal."""
    for col in ("spend",):
        numeric = numeric_values(campaigns, col, "campaigns")
        if (numeric < 0).any():
            bad = campaigns.index[numeric < 0]
            raise ValueError(f"campaigns has negative {col!r} (rows {rows_repr(bad)})")
    amounts = numeric_values(opportunities, "amount", "opportunities")
    if (amounts < 0).any():
        raise ValueError(
            f"opportunities has negative 'amount' (rows "
            f"{rows_repr(opportunities.index[amounts < 0])})"
        )
    n = leads["campaign_id"].value_counts()
    cost = (
        campaigns.set_index("campaign_id")["spend"] / n.reindex(campaigns["campaign_id"]).to_numpy()
    )
    won = opportunities[opportunities["status"] == "won"].set_index("lead_id")["amount"]
    return pd.DataFrame(
        {
            "channel": leads["channel"].to_numpy(),
            "cost": leads["campaign_id"].map(cost).fillna(0.0).to_numpy(),
            "won": leads["lead_id"].isin(won.index).to_numpy(),
            "profit": leads["lead_id"].map(won).fillna(0.0).to_numpy() * gross_margin,
        }
    )


def _resampled_totals(part: pd.DataFrame, n_boot: int, rng: np.random.Generator) -> pd.DataFrame:
    """Totals of cost, won and profit over ``n_boot`` bootstrap resamples of the leads.

    Each resample is a count per lead (how often it was drawn), so a draw costs one
    ``bincount`` and one matrix product, whatever the other columns of the lead table.
    """
    values = part[["cost", "won", "profit"]].to_numpy(dtype=np.float64)
    n = len(values)
    totals = np.empty((n_boot, 3))
    for b in range(n_boot):
        totals[b] = np.bincount(rng.integers(0, n, n), minlength=n) @ values
    return pd.DataFrame(totals, columns=["cost", "won", "profit"]).assign(n=n)


def _roi(t: pd.DataFrame | pd.Series) -> pd.Series | float:
    """ROI in percent; undefined (NaN) without spend, not infinite."""
    cost = t["cost"].where(t["cost"] > 0) if isinstance(t, pd.DataFrame) else t["cost"] or np.nan
    return (t["profit"] - t["cost"]) / cost * 100


def _cac(t: pd.DataFrame | pd.Series) -> pd.Series | float:
    return (
        t["cost"] / t["won"].where(t["won"] > 0)
        if isinstance(t, pd.DataFrame)
        else (t["cost"] / t["won"] if t["won"] else np.nan)
    )


def roi_by_channel(
    campaigns: pd.DataFrame,
    leads: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    gross_margin: float = 0.8,
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: int = 0,
    columns: CRMColumns | None = None,
) -> pd.DataFrame:
    """Campaign ROI by channel, ``(gross profit of won deals - spend) / spend x 100``.

    The gross profit of a won deal is its first-year contract value times ``gross_margin``;
    each lead carries an equal share of its campaign's spend. The interval is a percentile
    bootstrap over the channel's leads (spend per lead fixed, outcomes resampled). Column
    names are those of ``columns`` (a :class:`research.funnel.CRMColumns`; default the
    synthetic CRM's).

    Returns
    -------
    pandas.DataFrame
        Per channel: ``spend``, ``leads``, ``customers``, ``gross_profit``, ``roi_pct`` with
        ``low`` and ``high``, and ``cac`` (spend per new customer).
    """
    cols = CRMColumns() if columns is None else columns
    if not isinstance(cols, CRMColumns):
        raise TypeError(f"columns must be a CRMColumns, got {type(cols).__name__}")
    campaigns = cols.read("campaigns", campaigns, ("campaign_id", "channel", "spend"))
    leads = cols.read("leads", leads, ("lead_id", "campaign_id", "channel"))
    check_unique(leads, "lead_id", id_name=cols.lead_id)
    opportunities = cols.read("opportunities", opportunities, ("lead_id", "status", "amount"))
    if not 0 < gross_margin <= 1:
        raise ValueError(f"gross_margin must be in (0, 1], got {gross_margin!r}")
    money = _per_lead_money(campaigns, leads, opportunities, gross_margin)
    rng = np.random.default_rng(random_state)

    rows = []
    for channel, part in money.groupby("channel"):
        total = part[["cost", "won", "profit"]].sum()
        low, high = percentile_interval(_roi(_resampled_totals(part, n_boot, rng)), ci)
        rows.append(
            {
                "channel": channel,
                "spend": total["cost"],
                "leads": len(part),
                "customers": int(total["won"]),
                "gross_profit": total["profit"],
                "roi_pct": _roi(total) if total["cost"] > 0 else np.nan,
                "low": low,
                "high": high,
                "cac": _cac(total),
            }
        )
    return pd.DataFrame(rows).set_index("channel").sort_values("roi_pct", ascending=False)


class _Rows:
    """The KPI table being written, one row per KPI."""

    def __init__(self, ci: float) -> None:
        self.ci = ci
        self.rows: list[dict[str, object]] = []

    def add(
        self,
        team: str,
        kpi: str,
        value: float,
        low: float,
        high: float,
        n: int,
        unit: str,
        definition: str,
    ) -> None:
        self.rows.append(
            {
                "team": team,
                "kpi": kpi,
                "value": value,
                "low": low,
                "high": high,
                "n": n,
                "unit": unit,
                "definition": definition,
            }
        )

    def count(self, team: str, kpi: str, value: int, n: int, definition: str) -> None:
        self.add(team, kpi, value, np.nan, np.nan, n, "count", definition)

    def rate(self, team: str, kpi: str, k: int, n: int, definition: str) -> None:
        low, high = wilson(k, n, self.ci)
        self.add(
            team, kpi, k / n if n else np.nan, float(low), float(high), int(n), "share", definition
        )


def _marketing_kpis(
    out: _Rows,
    campaigns: pd.DataFrame,
    leads: pd.DataFrame,
    money: pd.DataFrame,
    boot: pd.DataFrame,
    gross_margin: float,
) -> tuple[float, float, float]:
    """Leads, MQLs, conversion, CTR, cost per lead, CAC and ROI; returns CAC and its bounds."""
    ci = out.ci
    n_leads = len(leads)
    mql, sql = int(leads["is_mql"].sum()), int(leads["is_sql"].sum())
    out.count("marketing", "leads", n_leads, n_leads, "leads created")
    out.count("marketing", "MQLs", mql, n_leads, "marketing-qualified leads")
    out.rate("marketing", "lead to MQL", mql, n_leads, "MQLs / leads")
    out.rate("marketing", "MQL to SQL", sql, mql, "SQLs / MQLs (recent MQLs may still convert)")
    clicks, shown = int(campaigns["clicks"].sum()), int(campaigns["impressions"].sum())
    out.rate("marketing", "CTR", clicks, shown, "clicks / impressions, all campaigns")
    spend = float(money["cost"].sum())
    new_customers = int(money["won"].sum())
    low, high = percentile_interval(boot["cost"] / boot["n"], ci)
    out.add(
        "marketing",
        "cost per lead",
        spend / n_leads,
        low,
        high,
        n_leads,
        "currency",
        "campaign spend / leads",
    )
    cac = spend / new_customers if new_customers else np.nan
    cac_low, cac_high = percentile_interval(_cac(boot), ci)
    out.add(
        "marketing",
        "CAC",
        cac,
        cac_low,
        cac_high,
        new_customers,
        "currency",
        "campaign spend / new customers (won deals); bootstrap interval over leads",
    )
    low, high = percentile_interval(_roi(boot), ci)
    roi = _roi(money[["cost", "won", "profit"]].sum())
    out.add(
        "marketing",
        "campaign ROI",
        roi,
        low,
        high,
        n_leads,
        "percent",
        f"(gross profit of won deals at {gross_margin:.0%} margin - spend) / spend x 100"
        + ("; no campaign spend in the data, so no ROI" if spend == 0 else ""),
    )
    return cac, cac_low, cac_high


def _deal_kpis(out: _Rows, opportunities: pd.DataFrame, end: pd.Timestamp) -> None:
    """Win rate, average deal size and the sales cycle."""
    closed = opportunities[opportunities["status"] != "open"]
    won = closed[closed["status"] == "won"]
    out.rate("sales", "win rate", len(won), len(closed), "won / closed opportunities")
    mean, low, high = t_interval(won["amount"].to_numpy(dtype=np.float64), out.ci)
    out.add(
        "sales",
        "average deal size",
        mean,
        low,
        high,
        len(won),
        "currency",
        "mean annual contract value of won deals; t interval",
    )
    cycle = cycle_length(opportunities, "created_at", "closed_at", data_end=end).summary.iloc[0]
    out.add(
        "sales",
        "sales cycle (median)",
        cycle["median_days"],
        cycle["median_low"],
        cycle["median_high"],
        int(cycle["n"]),
        "days",
        "opportunity created to closed; open deals censored (Kaplan-Meier)",
    )


def _subscription_kpis(
    out: _Rows, customers: pd.DataFrame, end: pd.Timestamp, gross_margin: float
) -> tuple[float, float, float]:
    """MRR, ARR, monthly churn (exact Poisson interval) and LTV; returns LTV and its bounds."""
    active = customers["churned_at"].isna() | (customers["churned_at"] > end)
    mrr = float(customers.loc[active, "mrr"].sum())
    n_active = int(active.sum())
    out.add(
        "sales",
        "MRR",
        mrr,
        np.nan,
        np.nan,
        n_active,
        "currency",
        f"monthly recurring revenue of customers active on {end:%Y-%m-%d}",
    )
    out.add("sales", "ARR", 12 * mrr, np.nan, np.nan, n_active, "currency", "12 x MRR")
    at_risk = customers["churned_at"].fillna(end).clip(upper=end) - customers["start_at"]
    exposure = at_risk.dt.total_seconds().sum() / (30.4375 * 86_400)  # customer-months
    churned = int((~active).sum())
    churn = churned / exposure if exposure > 0 else np.nan
    churn_low, churn_high = poisson_rate_interval(churned, exposure, out.ci)
    out.add(
        "sales",
        "churn (monthly)",
        churn,
        churn_low,
        churn_high,
        churned,
        "share per month",
        "churned customers / customer-months at risk; exact Poisson interval",
    )
    arpa = float(customers["mrr"].mean()) if len(customers) else np.nan
    ltv = arpa * gross_margin / churn if churn else np.nan
    ltv_low = arpa * gross_margin / churn_high if churn_high else np.nan
    ltv_high = arpa * gross_margin / churn_low if churn_low else np.inf
    out.add(
        "sales",
        "LTV",
        ltv,
        ltv_low,
        ltv_high,
        len(customers),
        "currency",
        f"average MRR x {gross_margin:.0%} margin / monthly churn; interval from the churn "
        "interval",
    )
    return ltv, ltv_low, ltv_high


def kpi_table(
    *,
    campaigns: pd.DataFrame,
    leads: pd.DataFrame,
    opportunities: pd.DataFrame,
    customers: pd.DataFrame,
    data_end: str | pd.Timestamp,
    sla_hours: float = 24.0,
    gross_margin: float = 0.8,
    n_boot: int = 500,
    ci: float = 0.95,
    random_state: int = 0,
    columns: CRMColumns | None = None,
) -> pd.DataFrame:
    """One table of both teams' KPIs, each with its definition, count and interval.

    The inputs hold the columns :class:`research.funnel.CRMColumns` lists (campaigns with
    spend, impressions, clicks; leads with MQL and SQL flags, the MQL time and the first
    response time; opportunities with status, amount, created and closed dates; customers with
    start, MRR and churn dates). Pass ``columns=CRMColumns(...)`` with your export's names;
    the default names are those of :func:`research.data.synthetic.make_crm`. The frames are not
    modified.

    Returns
    -------
    pandas.DataFrame
        Columns ``team`` (marketing, sales, shared), ``kpi``, ``value``, ``low``, ``high``,
        ``n`` (the count behind it), ``unit`` and ``definition``.
    """
    cols = CRMColumns() if columns is None else columns
    if not isinstance(cols, CRMColumns):
        raise TypeError(f"columns must be a CRMColumns, got {type(cols).__name__}")
    campaigns = cols.read("campaigns", campaigns)
    leads = cols.read("leads", leads)
    check_unique(leads, "lead_id", id_name=cols.lead_id)
    opportunities = cols.read("opportunities", opportunities)
    customers = cols.read("customers", customers)
    if leads.empty:
        raise ValueError("leads is empty (0 rows): there is no KPI to compute")
    end = pd.Timestamp(data_end)
    rng = np.random.default_rng(random_state)
    out = _Rows(ci)
    money = _per_lead_money(campaigns, leads, opportunities, gross_margin)
    boot = _resampled_totals(money, n_boot, rng)
    cac, cac_low, cac_high = _marketing_kpis(out, campaigns, leads, money, boot, gross_margin)
    _deal_kpis(out, opportunities, end)
    ltv, ltv_low, ltv_high = _subscription_kpis(out, customers, end, gross_margin)
    ratio_low = ltv_low / cac_high if cac_high else np.nan
    ratio_high = ltv_high / cac_low if cac_low else np.nan
    out.add(
        "shared",
        "LTV:CAC",
        ltv / cac if cac else np.nan,
        ratio_low,
        ratio_high,
        int(money["won"].sum()),
        "ratio",
        "LTV / CAC; conservative interval (the bounds combined)",
    )
    sla = sla_compliance(leads, sla_hours=sla_hours, data_end=end).iloc[0]
    out.add(
        "shared",
        f"answered within {sla_hours:g} h",
        sla["share_within"],
        sla["low"],
        sla["high"],
        int(sla["due"]),
        "share",
        "MQLs answered within the SLA / MQLs due",
    )
    return pd.DataFrame(out.rows)
