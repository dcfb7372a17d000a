"""Both teams' KPIs side by side, and campaign ROI by channel.

* :func:`kpi_table`: both teams' KPIs with definitions, counts and intervals (:class:`KPITable`);
* :func:`roi_by_channel`: campaign ROI per channel with bootstrap intervals (:class:`ChannelROI`).

Both read your export's column names through :class:`research.funnel.CRMColumns`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from research._format import ci_label
from research._results import Result
from research._stats import percentile_interval, poisson_rate_interval, t_interval, wilson
from research._validation import check_ci, check_int, check_number, check_share, require_rows
from research.funnel.columns import CRMColumns, _resolve
from research.funnel.cycle import _durations, _kaplan_meier
from research.funnel.sla import _sla_counts

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "kpi_table",
    "KPITable",
    "roi_by_channel",
    "ChannelROI",
]


# --------------------------------------------------------------------------------------------
# the money of each lead, resampled
# --------------------------------------------------------------------------------------------


def _per_lead_money(
    campaigns: pd.DataFrame,
    leads: pd.DataFrame,
    opportunities: pd.DataFrame,
    gross_margin: float,
) -> pd.DataFrame:
    """Per lead: its share of its campaign's spend, and the gross profit of its won deal.

    Prior validation is assumed: the tables as :meth:`CRMColumns.read` returns them (role
    names, amounts checked, deal stages as won / open / lost).
    """
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


# --------------------------------------------------------------------------------------------
# ROI by channel
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class ChannelROI(Result):
    """Campaign ROI per channel: the result of :func:`roi_by_channel`.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by channel, highest ROI first: ``spend``, ``leads``, ``customers``,
        ``gross_profit``, ``roi_pct`` with its bootstrap interval ``low``, ``high`` (in
        percent), and ``cac`` (spend per new customer).
    n_leads : int
        Leads over all channels.
    gross_margin : float
        The margin that turns a won deal's value into gross profit.
    n_boot : int
        Bootstrap resamples behind the intervals.
    ci : float
        Level of the intervals.
    """

    table: pd.DataFrame
    n_leads: int
    gross_margin: float
    n_boot: int
    ci: float

    @property
    def above_break_even(self) -> list[str]:
        """The channels whose ROI is positive even at the low end of its interval."""
        return self.table.index[self.table["low"] > 0].tolist()

    @property
    def below_break_even(self) -> list[str]:
        """The channels whose ROI is negative even at the high end of its interval."""
        return self.table.index[self.table["high"] < 0].tolist()

    def _caption(self) -> str:
        return (
            f"Campaign ROI by channel: {len(self.table):,} channels, {self.n_leads:,} leads, "
            f"{self.gross_margin:.0%} gross margin ({ci_label(self.ci)} bootstrap intervals, "
            f"{self.n_boot:,} resamples)"
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.funnel.plotting.plot_roi_by_channel` of this result."""
        from research.funnel.plotting import plot_roi_by_channel

        return plot_roi_by_channel(self, ax=ax, **kwargs)


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
) -> ChannelROI:
    """Campaign ROI by channel, ``(gross profit of won deals - spend) / spend x 100``.

    The gross profit of a won deal is its first-year contract value times ``gross_margin``;
    each lead carries an equal share of its campaign's spend. The interval is a percentile
    bootstrap over the channel's leads (spend per lead fixed, outcomes resampled).

    Parameters
    ----------
    campaigns, leads, opportunities : pandas.DataFrame
        The export's tables (campaigns with their id, channel and spend; leads with their id,
        campaign and channel; opportunities with their lead, deal stage and amount). Not
        modified.
    gross_margin : float, default 0.8
        Share of a won deal's value that is gross profit, in (0, 1].
    n_boot : int, default 1000
        Bootstrap resamples (>= 1).
    ci : float, default 0.95
        Level of the intervals, in (0, 1).
    random_state : int, default 0
        Seed of the resampling.
    columns : CRMColumns, optional
        The export's column names and deal stages; default the synthetic CRM's.

    Returns
    -------
    ChannelROI

    Raises
    ------
    TypeError
        An input is not a DataFrame, ``columns`` is not a CRMColumns, or an amount is not a
        number.
    ValueError
        A column is missing, a lead id repeats, an amount is missing or negative, a deal stage
        is unknown, or a parameter is out of range.

    Examples
    --------
    >>> roi = roi_by_channel(crm.campaigns, crm.leads, crm.opportunities)  # doctest: +SKIP
    >>> roi.above_break_even  # doctest: +SKIP
    ['referral', 'organic', 'email', 'social', 'events']
    """
    cols = _resolve(columns)
    campaigns = cols.read("campaigns", campaigns, ("campaign_id", "channel", "spend"))
    leads = cols.read("leads", leads, ("lead_id", "campaign_id", "channel"))
    opportunities = cols.read("opportunities", opportunities, ("lead_id", "status", "amount"))
    gross_margin = check_share(gross_margin, "gross_margin", high_open=False)
    n_boot = check_int(n_boot, "n_boot")
    ci = check_ci(ci)
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
    table = pd.DataFrame(rows).set_index("channel").sort_values("roi_pct", ascending=False)
    return ChannelROI(table, len(leads), gross_margin, n_boot, ci)


# --------------------------------------------------------------------------------------------
# KPIs
# --------------------------------------------------------------------------------------------


def _show(value: float, unit: str) -> str:
    """A KPI value as text in its unit: 47.9%, 2.06%, 300%, 16.2, 6,521."""
    if pd.isna(value):
        return "–"
    if unit == "share":
        return f"{value:.1%}"
    if unit == "share per month":
        return f"{value:.2%}"
    if unit == "percent":
        return f"{value:,.0f}%"
    if unit == "ratio":
        return f"{value:.1f}"
    return f"{value:,.0f}"


@dataclass(frozen=True, eq=False, repr=False)
class KPITable(Result):
    """Both teams' KPIs with definitions, counts and intervals: the result of
    :func:`kpi_table`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per KPI: ``team`` (marketing, sales, shared), ``kpi``, ``value``, ``low``,
        ``high`` (NaN for plain counts and totals), ``n`` (the count behind it), ``unit``
        and ``definition``.
    n_leads : int
        Leads in the export.
    data_end : pandas.Timestamp
        The end of the data: open deals are censored and active customers counted here.
    sla_hours, gross_margin : float
        The SLA and the margin used.
    n_boot : int
        Bootstrap resamples behind the intervals of spend ratios.
    ci : float
        Level of the intervals.
    """

    table: pd.DataFrame
    n_leads: int
    data_end: pd.Timestamp
    sla_hours: float
    gross_margin: float
    n_boot: int
    ci: float

    @property
    def values(self) -> dict[str, float]:
        """Each KPI's value, by name, in table order."""
        return dict(zip(self.table["kpi"], self.table["value"], strict=True))

    def readable(self) -> pd.DataFrame:
        """The table as a reader sees it: ``team``, ``KPI``, ``value`` and the interval as text
        in the KPI's unit (the interval column headed with its level, "95% interval"), ``n``
        with thousands separators, and ``definition``."""
        t = self.table
        shown = [
            "" if pd.isna(lo) else f"{_show(lo, u)} – {_show(hi, u)}"
            for lo, hi, u in zip(t["low"], t["high"], t["unit"], strict=True)
        ]
        return pd.DataFrame(
            {
                "team": t["team"],
                "KPI": t["kpi"],
                "value": [_show(v, u) for v, u in zip(t["value"], t["unit"], strict=True)],
                f"{ci_label(self.ci)} interval": shown,
                "n": t["n"].map("{:,}".format),
                "definition": t["definition"],
            }
        )

    def _caption(self) -> str:
        return (
            f"KPIs of both teams: {len(self.table)} KPIs on {self.n_leads:,} leads to "
            f"{self.data_end:%Y-%m-%d} ({ci_label(self.ci)} intervals)"
        )


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
    days, event, labels, dropped, _ = _durations(
        opportunities, "created_at", "closed_at", end, None, "raise"
    )
    cycle = _kaplan_meier(days, event, labels, dropped, out.ci)[0].iloc[0]
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
) -> KPITable:
    """One table of both teams' KPIs, each with its definition, count and interval.

    The inputs hold the columns :class:`research.funnel.CRMColumns` lists (campaigns with
    spend, impressions, clicks; leads with MQL and SQL flags, the MQL time and the first
    response time; opportunities with status, amount, created and closed dates; customers with
    start, MRR and churn dates). Pass ``columns=CRMColumns(...)`` with your export's names;
    the default names are those of :func:`research.data.synthetic.make_crm`.

    Parameters
    ----------
    campaigns, leads, opportunities, customers : pandas.DataFrame
        The export's tables. Not modified.
    data_end : str or Timestamp
        The end of the data: open deals are censored and active customers counted here.
    sla_hours : float, default 24
        The SLA of the "answered within" KPI, in hours (>= 0).
    gross_margin : float, default 0.8
        Share of revenue that is gross profit (ROI, LTV), in (0, 1].
    n_boot : int, default 500
        Bootstrap resamples of the spend ratios' intervals (>= 1).
    ci : float, default 0.95
        Level of the intervals, in (0, 1).
    random_state : int, default 0
        Seed of the resampling.
    columns : CRMColumns, optional
        The export's column names and deal stages; default the synthetic CRM's.

    Returns
    -------
    KPITable
        Its ``table`` has one row per KPI; ``readable()`` gives it as text for a report.

    Raises
    ------
    TypeError
        An input is not a DataFrame, ``columns`` is not a CRMColumns, or a column has the
        wrong type (amounts and hours not numbers, dates not datetime64).
    ValueError
        A column is missing, leads or opportunities are empty, a lead id repeats, an amount
        or a response time is negative, a flag is not yes/no, a deal stage is unknown, a
        creation or start date is missing, the times are inconsistent, or a parameter is out
        of range. Every error about a column names it as your export does.

    Examples
    --------
    >>> kpis = kpi_table(campaigns=crm.campaigns, leads=crm.leads,
    ...                  opportunities=crm.opportunities, customers=crm.customers,
    ...                  data_end=crm.truth["data_end"])  # doctest: +SKIP
    >>> kpis.values["win rate"]  # doctest: +SKIP
    0.2148...
    """
    cols = _resolve(columns)
    campaigns = cols.read("campaigns", campaigns)
    leads = cols.read("leads", leads)
    opportunities = cols.read("opportunities", opportunities)
    customers = cols.read("customers", customers)
    require_rows(leads, "leads")
    require_rows(opportunities, "opportunities")
    sla_hours = check_number(sla_hours, "sla_hours", minimum=0)
    gross_margin = check_share(gross_margin, "gross_margin", high_open=False)
    n_boot = check_int(n_boot, "n_boot")
    ci = check_ci(ci)
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
    sla = _sla_counts(leads, "first_response_hours", "mql_at", None, sla_hours, end, ci)
    out.add(
        "shared",
        f"answered within {sla_hours:g} h",
        sla.share_within,
        sla.low,
        sla.high,
        sla.n_due,
        "share",
        "MQLs answered within the SLA / MQLs due",
    )
    table = pd.DataFrame(out.rows)
    return KPITable(table, len(leads), end, sla_hours, gross_margin, n_boot, ci)
