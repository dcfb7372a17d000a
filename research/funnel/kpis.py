"""Both teams' KPIs side by side, and campaign ROI by channel.

* :func:`kpi_table`: both teams' KPIs with definitions, counts and intervals (:class:`KPITable`);
* :func:`roi_by_channel`: campaign ROI per channel with bootstrap intervals (:class:`ChannelROI`).

Both read your export's column names through :class:`research.funnel.CRMColumns`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from research._format import ci_label
from research._results import FrozenMapping, Result
from research._stats import percentile_interval, poisson_rate_interval, t_interval, wilson
from research._validation import check_ci, check_int, check_number, check_share, require_rows
from research.engines import is_engine_table
from research.funnel.columns import CRMColumns, _resolve
from research.funnel.cycle import _durations, _kaplan_meier
from research.funnel.sla import SLACompliance, _sla_counts

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


def _spend_key(cols: CRMColumns) -> str:
    """The role that shares campaign spend out over the leads: ``campaign_id`` when both the
    campaigns and the leads have it, else ``channel`` (spend per channel); an error when they
    share neither."""
    for role in ("campaign_id", "channel"):
        if cols.column("campaigns", role) and cols.column("leads", role):
            return role
    raise ValueError(
        "campaign spend is shared out over the leads by campaign or by channel, but the "
        "campaigns and the leads share neither: name the campaign (campaign_id=...) or the "
        "channel (channel=...) of both tables in CRMColumns"
    )


class _Leads:
    """What the KPIs read of a lead table in memory (as :meth:`CRMColumns.read` returns it,
    under role names); :class:`research.funnel._lazy.LeadsOnEngine` reads the same of a table
    where it lives."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.n = len(frame)
        self.roles = frozenset(frame.columns)

    def flag_count(self, role: str) -> int:
        """The leads with the flag ``role`` set (``is_mql``, ``is_sql``)."""
        return int(self.frame[role].sum())

    def latest(self, role: str) -> pd.Timestamp | None:
        """The latest date of ``role``, or None without any."""
        values = self.frame[role]
        return pd.Timestamp(values.max()) if values.notna().any() else None

    def groups(self, key: str | None) -> pd.DataFrame:
        """The leads counted by ``key`` (None: no key) and channel: the columns ``key``,
        ``channel`` ("all" without a channel) and ``n``, missing values a group of their own."""
        frame = self.frame
        channel = frame["channel"] if "channel" in frame.columns else pd.Series("all", frame.index)
        keys = {"channel": channel} | ({key: frame[key]} if key else {})
        counted = pd.DataFrame(keys).groupby(list(keys), dropna=False, sort=False).size()
        return counted.rename("n").reset_index()

    def rows_of(self, ids: pd.Index, key: str | None) -> pd.DataFrame:
        """The leads whose id is among ``ids``: ``lead_id``, ``key`` and ``channel`` (a missing
        id matches nothing: a deal without its lead is no lead's)."""
        frame = self.frame[self.frame["lead_id"].isin(ids.dropna())]
        channel = frame["channel"] if "channel" in frame.columns else "all"
        return pd.DataFrame(
            {"lead_id": frame["lead_id"], "channel": channel} | ({key: frame[key]} if key else {}),
            index=frame.index,
        )

    def sla(self, sla_hours: float, end: pd.Timestamp, ci: float) -> SLACompliance:
        """:func:`research.funnel.sla_compliance` of the MQLs at ``end``."""
        return _sla_counts(self.frame, "first_response_hours", "mql_at", None, sla_hours, end, ci)


def _read_leads(
    leads: object, cols: CRMColumns, roles: tuple[str, ...], optional: tuple[str, ...] = ()
) -> _Leads:
    """The lead table checked as :meth:`CRMColumns.read` checks it: in memory, or where it
    lives (:class:`research.funnel._lazy.LeadsOnEngine`, the same interface)."""
    if is_engine_table(leads):
        from research.funnel._lazy import LeadsOnEngine

        return LeadsOnEngine(leads, cols, roles, optional)  # type: ignore[return-value]
    return _Leads(cols.read("leads", leads, roles, optional=optional))  # type: ignore[arg-type]


def _money(
    campaigns: pd.DataFrame | None,
    leads: _Leads,
    opportunities: pd.DataFrame | None,
    gross_margin: float,
    key: str = "campaign_id",
) -> pd.DataFrame:
    """The money of the leads: each lead's share of its campaign's (or its channel's, ``key``)
    spend and the gross profit of its won deal (nothing without campaigns or deals), with the
    leads alike in channel, cost, won and profit as one row counting them (``n``), sorted.

    One row per kind of lead rather than per lead: the won leads are few and the others of a
    campaign all alike, so the table grows with the campaigns and the won leads, not with the
    leads, and a bootstrap draws the leads of each row at once (:func:`_resampled_totals`).
    Prior validation is assumed: the tables as :meth:`CRMColumns.read` returns them (role
    names, amounts checked, deal stages as won / open / lost).
    """
    use = key if campaigns is not None else None
    groups = leads.groups(use)
    per_lead = None
    if campaigns is not None:
        n = groups.groupby(key, dropna=True)["n"].sum()
        spend = campaigns.groupby(key, sort=False)["spend"].sum()
        per_lead = spend / n.reindex(spend.index).to_numpy()

    def cost(rows: pd.DataFrame) -> np.ndarray | float:
        """Each lead's share of its campaign's spend (0 without spend or campaign)."""
        if per_lead is None:
            return 0.0
        return rows[key].map(per_lead).fillna(0.0).to_numpy(dtype=np.float64)

    groups["cost"] = cost(groups)
    groups["won"], groups["profit"] = False, 0.0
    parts = []
    if opportunities is not None:
        won = opportunities[opportunities["status"] == "won"].set_index("lead_id")["amount"]
        found = leads.rows_of(won.index, use)
        if len(found):
            found["cost"] = cost(found)
            found["won"] = True
            found["profit"] = found["lead_id"].map(won).fillna(0.0).to_numpy() * gross_margin
            found["n"] = 1
            # the won leads leave their group's count of leads alike (a missing channel or
            # campaign is a group of its own: merge matches missing keys)
            keys = list(dict.fromkeys(c for c in ("channel", use) if c))
            taken = found.groupby(keys, dropna=False).size().rename("__taken").reset_index()
            groups = groups.merge(taken, on=keys, how="left")
            groups["n"] = groups["n"] - groups.pop("__taken").fillna(0).astype(np.int64)
            parts.append(found)
    columns = ["channel", "cost", "won", "profit", "n"]
    money = pd.concat([p[columns] for p in [groups, *parts]], ignore_index=True)
    money = money[money["n"] > 0]
    money = money.groupby(columns[:-1], dropna=False, sort=True)["n"].sum().reset_index()
    money["n"] = money["n"].astype(np.int64)
    return money


def _totals(money: pd.DataFrame) -> pd.Series:
    """Cost, won and profit summed over the leads (each row counted ``n`` times)."""
    values = money[["cost", "won", "profit"]].to_numpy(dtype=np.float64)
    return pd.Series(money["n"].to_numpy() @ values, index=["cost", "won", "profit"])


def _resampled_totals(part: pd.DataFrame, n_boot: int, rng: np.random.Generator) -> pd.DataFrame:
    """Totals of cost, won and profit over ``n_boot`` bootstrap resamples of the leads.

    A resample draws as many leads as there are, with replacement; the leads of a row of
    :func:`_money` are alike, so how many of each row are drawn is multinomial, and a draw costs
    one multinomial over the rows and one matrix product, however many leads there are.
    """
    values = part[["cost", "won", "profit"]].to_numpy(dtype=np.float64)
    weights = part["n"].to_numpy(dtype=np.float64)
    n = int(weights.sum())
    draws = rng.multinomial(n, weights / weights.sum(), size=n_boot)
    totals = draws @ values
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
    each lead carries an equal share of its campaign's spend (or of its channel's, when the
    export records spend per channel: ``CRMColumns(campaign_id=None)``). The interval is a
    percentile bootstrap over the channel's leads (spend per lead fixed, outcomes resampled).

    Parameters
    ----------
    campaigns, leads, opportunities : pandas.DataFrame
        The export's tables (campaigns with their id or channel and spend; leads with their
        id, campaign and channel; opportunities with their lead, deal stage and amount). Not
        modified. ``leads`` may also be a polars, DuckDB or Spark table or a path of files: it
        is checked and counted where it lives (:mod:`research.engines`), with the same result.
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
    key = _spend_key(cols)
    campaigns = cols.read("campaigns", campaigns, (key, "spend"))
    needed = tuple(dict.fromkeys(("lead_id", "channel", key)))
    lead_table = _read_leads(leads, cols, needed)
    opportunities = cols.read("opportunities", opportunities, ("lead_id", "status", "amount"))
    gross_margin = check_share(gross_margin, "gross_margin", high_open=False)
    n_boot = check_int(n_boot, "n_boot")
    ci = check_ci(ci)
    money = _money(campaigns, lead_table, opportunities, gross_margin, key)
    rng = np.random.default_rng(random_state)

    rows = []
    for channel, part in money.groupby("channel"):
        total = _totals(part)
        low, high = percentile_interval(_roi(_resampled_totals(part, n_boot, rng)), ci)
        rows.append(
            {
                "channel": channel,
                "spend": total["cost"],
                "leads": int(part["n"].sum()),
                "customers": int(total["won"]),
                "gross_profit": total["profit"],
                "roi_pct": _roi(total) if total["cost"] > 0 else np.nan,
                "low": low,
                "high": high,
                "cac": _cac(total),
            }
        )
    table = pd.DataFrame(rows).set_index("channel").sort_values("roi_pct", ascending=False)
    return ChannelROI(table, lead_table.n, gross_margin, n_boot, ci)


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
    skipped : Mapping of str to str
        The KPIs the export does not support, each with the reason (e.g. ``"CAC": "no
        campaign spend"``), in the order they would have had in ``table``.
    """

    table: pd.DataFrame
    n_leads: int
    data_end: pd.Timestamp
    sla_hours: float
    gross_margin: float
    n_boot: int
    ci: float
    skipped: Mapping[str, str] = field(default_factory=FrozenMapping)

    @property
    def skipped_by_reason(self) -> dict[str, list[str]]:
        """The KPIs left out, grouped by the reason (what the export lacks)."""
        out: dict[str, list[str]] = {}
        for kpi, reason in self.skipped.items():
            out.setdefault(reason, []).append(kpi)
        return out

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
        left = f"; {len(self.skipped)} not supported by the export" if self.skipped else ""
        return (
            f"KPIs of both teams: {len(self.table)} KPIs on {self.n_leads:,} leads to "
            f"{self.data_end:%Y-%m-%d} ({ci_label(self.ci)} intervals){left}"
        )


class _Rows:
    """The KPI table being written, one row per KPI."""

    def __init__(self, ci: float) -> None:
        self.ci = ci
        self.rows: list[dict[str, object]] = []
        self.skipped: dict[str, str] = {}

    def skip(self, reason: str, *kpis: str) -> None:
        """KPIs the export does not support, and why."""
        for kpi in kpis:
            self.skipped.setdefault(kpi, reason)

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


_NO_SPEND = "no campaign spend"
_NO_DEALS = "no deals"
_NO_CUSTOMERS = "no customers"


def _lead_kpis(out: _Rows, leads: _Leads) -> None:
    """Leads, MQLs and the conversion to MQL and to SQL (as far as the export has the flags)."""
    n_leads = leads.n
    out.count("marketing", "leads", n_leads, n_leads, "leads created")
    if "is_mql" not in leads.roles:
        out.skip("no MQL column", "MQLs", "lead to MQL", "MQL to SQL")
        return
    mql = leads.flag_count("is_mql")
    out.count("marketing", "MQLs", mql, n_leads, "marketing-qualified leads")
    out.rate("marketing", "lead to MQL", mql, n_leads, "MQLs / leads")
    if "is_sql" not in leads.roles:
        out.skip("no SQL column", "MQL to SQL")
        return
    sql = leads.flag_count("is_sql")
    out.rate("marketing", "MQL to SQL", sql, mql, "SQLs / MQLs (recent MQLs may still convert)")


def _marketing_kpis(
    out: _Rows,
    campaigns: pd.DataFrame | None,
    leads: _Leads,
    money: pd.DataFrame | None,
    boot: pd.DataFrame | None,
    gross_margin: float,
    has_deals: bool,
) -> tuple[float, float, float]:
    """Leads, MQLs, conversion, CTR, cost per lead, CAC and ROI, as far as the export supports
    them; returns CAC and its bounds (NaN without spend or deals)."""
    ci = out.ci
    n_leads = leads.n
    _lead_kpis(out, leads)
    if campaigns is None:
        out.skip(_NO_SPEND, "CTR", "cost per lead", "CAC", "campaign ROI")
        return np.nan, np.nan, np.nan
    if {"impressions", "clicks"} <= set(campaigns.columns):
        clicks, shown = int(campaigns["clicks"].sum()), int(campaigns["impressions"].sum())
        out.rate("marketing", "CTR", clicks, shown, "clicks / impressions, all campaigns")
    else:
        out.skip("no impressions or clicks", "CTR")
    assert money is not None and boot is not None  # with campaigns, both are computed
    totals = _totals(money)
    spend = float(totals["cost"])
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
    if not has_deals:
        out.skip(_NO_DEALS, "CAC", "campaign ROI")
        return np.nan, np.nan, np.nan
    new_customers = int(totals["won"])
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
    roi = _roi(totals)
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
    leads: pd.DataFrame,
    opportunities: pd.DataFrame | None = None,
    campaigns: pd.DataFrame | None = None,
    customers: pd.DataFrame | None = None,
    data_end: str | pd.Timestamp | None = None,
    sla_hours: float = 24.0,
    gross_margin: float = 0.8,
    n_boot: int = 500,
    ci: float = 0.95,
    random_state: int = 0,
    columns: CRMColumns | None = None,
) -> KPITable:
    """One table of both teams' KPIs, each with its definition, count and interval; the KPIs
    the export does not support are left out, each with the reason (``KPITable.skipped``).

    The inputs hold the columns :class:`research.funnel.CRMColumns` lists (leads with MQL and
    SQL flags or dates, the MQL time and the first response time; opportunities with status,
    amount, created and closed dates; campaigns with spend, impressions, clicks; customers with
    start, MRR and churn dates). Pass ``columns=CRMColumns(...)`` with your export's names (None
    for a role it does not have); the default names are those of
    :func:`research.data.synthetic.make_crm`. Dates may be text (read with
    ``CRMColumns.date_format``, inferred by default).

    What each table adds: leads give the lead counts and conversions (with ``is_mql`` /
    ``is_sql``) and the SLA (with ``mql_at`` and ``first_response_hours``); opportunities the
    win rate, deal size and sales cycle; campaigns the CTR (with impressions and clicks) and
    the cost per lead, and with opportunities the CAC and ROI; customers the MRR, ARR, churn and
    LTV; campaigns, opportunities and customers together the LTV:CAC.

    Parameters
    ----------
    leads : pandas.DataFrame, or a polars, DuckDB or Spark table, or a path of files
        One row per lead. Not modified. A table of another engine, or a parquet or CSV file,
        glob or folder, is checked and counted where it lives (:mod:`research.engines`): the
        lead counts, the SLA dues and the leads of each campaign and channel come back, and the
        won leads, found by the ids of the won deals; the table is the same.
    opportunities, campaigns, customers : pandas.DataFrame, optional
        The export's other tables, when it has them. Not modified.
    data_end : str or Timestamp, optional
        The end of the data: open deals are censored and active customers counted here.
        Default: the latest date in the tables read.
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
        The export's column names, deal stages and date format; default the synthetic CRM's.

    Returns
    -------
    KPITable
        Its ``table`` has one row per KPI; ``readable()`` gives it as text for a report;
        ``skipped`` names the KPIs left out and why.

    Raises
    ------
    TypeError
        An input is not a DataFrame, ``columns`` is not a CRMColumns, or a column has the
        wrong type (amounts and hours not numbers, dates neither datetime64 nor text dates).
    ValueError
        A column is missing, leads or opportunities are empty, a lead id repeats, an amount
        or a response time is negative, a flag is not yes/no, a date cannot be read, a deal
        stage is unknown, a creation or start date is missing, the times are inconsistent, or
        a parameter is out of range. Every error about a column names it as your export does.

    Examples
    --------
    >>> kpis = kpi_table(campaigns=crm.campaigns, leads=crm.leads,
    ...                  opportunities=crm.opportunities, customers=crm.customers,
    ...                  data_end=crm.truth["data_end"])  # doctest: +SKIP
    >>> kpis.values["win rate"]  # doctest: +SKIP
    0.2148...
    >>> kpi_table(leads=crm.leads, opportunities=crm.opportunities).skipped["CAC"]  # doctest: +SKIP
    'no campaign spend'
    """
    cols = _resolve(columns)
    key = _spend_key(cols) if campaigns is not None else None
    if campaigns is not None:
        campaigns = cols.read(
            "campaigns", campaigns, (key, "spend"), optional=("impressions", "clicks")
        )
    lead_roles = ("is_mql", "is_sql", "mql_at", "first_response_hours")
    needed, optional = ("lead_id",) + ((key,) if key else ()), ("channel", *lead_roles)
    lead_table = _read_leads(leads, cols, needed, optional)
    if opportunities is not None:
        opportunities = cols.read("opportunities", opportunities)
        require_rows(opportunities, "opportunities")
    if customers is not None:
        customers = cols.read("customers", customers)
    if lead_table.n == 0:
        raise ValueError("leads is empty (0 rows): there is nothing to do")
    sla_hours = check_number(sla_hours, "sla_hours", minimum=0)
    gross_margin = check_share(gross_margin, "gross_margin", high_open=False)
    n_boot = check_int(n_boot, "n_boot")
    ci = check_ci(ci)
    end = _data_end(data_end, lead_table, opportunities, customers)
    rng = np.random.default_rng(random_state)
    out = _Rows(ci)
    money = boot = None
    if campaigns is not None:
        money = _money(campaigns, lead_table, opportunities, gross_margin, key)
        boot = _resampled_totals(money, n_boot, rng)
    cac, cac_low, cac_high = _marketing_kpis(
        out, campaigns, lead_table, money, boot, gross_margin, opportunities is not None
    )
    if opportunities is not None:
        _deal_kpis(out, opportunities, end)
    else:
        out.skip(_NO_DEALS, "win rate", "average deal size", "sales cycle (median)")
    if customers is not None:
        ltv, ltv_low, ltv_high = _subscription_kpis(out, customers, end, gross_margin)
    else:
        out.skip(_NO_CUSTOMERS, "MRR", "ARR", "churn (monthly)", "LTV")
    if customers is None or money is None or opportunities is None:
        reason = _NO_SPEND if money is None else _NO_DEALS if opportunities is None else None
        out.skip(reason or _NO_CUSTOMERS, "LTV:CAC")
    else:
        ratio_low = ltv_low / cac_high if cac_high else np.nan
        ratio_high = ltv_high / cac_low if cac_low else np.nan
        out.add(
            "shared",
            "LTV:CAC",
            ltv / cac if cac else np.nan,
            ratio_low,
            ratio_high,
            int(_totals(money)["won"]),
            "ratio",
            "LTV / CAC; conservative interval (the bounds combined)",
        )
    sla_kpi = f"answered within {sla_hours:g} h"
    if {"mql_at", "first_response_hours"} <= lead_table.roles:
        sla = lead_table.sla(sla_hours, end, ci)
        out.add(
            "shared",
            sla_kpi,
            sla.share_within,
            sla.low,
            sla.high,
            sla.n_due,
            "share",
            "MQLs answered within the SLA / MQLs due",
        )
    else:
        missing = "no response times" if "mql_at" in lead_table.roles else "no MQL dates"
        out.skip(missing, sla_kpi)
    table = pd.DataFrame(out.rows)
    return KPITable(
        table, lead_table.n, end, sla_hours, gross_margin, n_boot, ci, FrozenMapping(out.skipped)
    )


def _data_end(
    data_end: str | pd.Timestamp | None,
    leads: _Leads,
    opportunities: pd.DataFrame | None,
    customers: pd.DataFrame | None,
) -> pd.Timestamp:
    """``data_end``, or the latest date in the tables as read (their date roles)."""
    if data_end is not None:
        return pd.Timestamp(data_end)
    latest = [leads.latest("mql_at")] if "mql_at" in leads.roles else []
    latest += [
        frame[role].max()
        for frame in (opportunities, customers)
        if frame is not None
        for role in ("mql_at", "created_at", "closed_at", "start_at", "churned_at")
        if role in frame.columns and frame[role].notna().any()
    ]
    latest = [t for t in latest if t is not None and pd.notna(t)]
    if not latest:
        raise ValueError(
            "data_end is needed: the tables read hold no dates to take the end of the data from"
        )
    return pd.Timestamp(max(latest))
