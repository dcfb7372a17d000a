"""Speed to lead and the marketing-sales SLA.

* :func:`sla_compliance` and :func:`speed_to_lead_effect`: how fast leads are answered
  (:class:`SLACompliance`), and what answering within the SLA is associated with
  (:class:`SpeedToLead`, observational).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from research._columns import IS_SQL_COL, MQL_COL, RESPONSE_COL, SOURCE_COL
from research._format import format_interval
from research._results import Result, Summary
from research._stats import logit_odds_ratios, wilson
from research._validation import (
    _ENGINE_HINT,
    check_ci,
    check_number,
    numeric_values,
    require_columns,
    require_frame,
)
from research.engines import is_engine_table
from research.funnel._stages import (
    OBSERVATIONAL_CAVEAT,
    _binary_outcome,
    check_response_hours,
    read_dates,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "sla_compliance",
    "SLACompliance",
    "speed_to_lead_effect",
    "SpeedToLead",
]

# --------------------------------------------------------------------------------------------
# SLA compliance
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class SLACompliance(Result):
    """Share of handed-over leads answered within the SLA: the result of
    :func:`sla_compliance`.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by group (named ``by``, or ``"group"`` with the single row ``"all"``):
        ``due``, ``within_sla``, ``late``, ``unanswered``, ``share_within`` with its Wilson
        interval ``low``, ``high``, ``median_response_hours`` and ``not_yet_due``.
    n_due, n_within : int
        Leads due, and answered within the SLA, over all groups.
    share_within, low, high : float
        ``n_within / n_due`` and its Wilson interval: the overall share a chart of the groups
        compares them with.
    sla_hours : float
        The SLA.
    data_end : pandas.Timestamp
        The time the leads' dues are counted at.
    by : str or None
        The group column.
    ci : float
        Level of the Wilson intervals.
    """

    table: pd.DataFrame
    n_due: int
    n_within: int
    share_within: float
    low: float
    high: float
    sla_hours: float
    data_end: pd.Timestamp
    by: str | None
    ci: float

    def _caption(self) -> str:
        share = format_interval(self.share_within, self.low, self.high, ci=self.ci, fmt=".1%")
        return (
            f"Leads answered within {self.sla_hours:g} h: {share} of {self.n_due:,} due on "
            f"{self.data_end:%Y-%m-%d}" + (f", by {self.by}" if self.by else "")
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.funnel.plotting.plot_sla` of this result."""
        from research.funnel.plotting import plot_sla

        return plot_sla(self, ax=ax, **kwargs)


def sla_compliance(
    leads: pd.DataFrame,
    *,
    response_col: str = RESPONSE_COL,
    handover_col: str = MQL_COL,
    by: str | None = None,
    sla_hours: float = 24.0,
    data_end: str | pd.Timestamp | None = None,
    date_format: str | None = None,
    ci: float = 0.95,
) -> SLACompliance:
    """Share of handed-over leads answered within the SLA, overall and by team / rep.

    A lead counts once it is due: handed over (``handover_col`` set) at least ``sla_hours``
    before ``data_end``. Due leads never answered are breaches; leads not yet due are left out
    and counted in ``not_yet_due``.

    Parameters
    ----------
    leads : pandas.DataFrame, or a polars, DuckDB or Spark table, or a path of files
        One row per lead. Not modified. A table of another engine, or a parquet or CSV file,
        glob or folder, is counted where it lives (:mod:`research.engines`): the same table.
    response_col : str, default "first_response_hours"
        Hours from the handover to the first response (missing while unanswered).
    handover_col : str, default "mql_at"
        When the lead was handed over to sales (missing or empty if it never was): datetime64
        or text dates.
    by : str, optional
        Group column (team, SDR, channel).
    sla_hours : float, default 24
        The SLA, in hours (>= 0).
    data_end : str or Timestamp, optional
        When the data were extracted. Default: the latest handover.
    date_format : str, optional
        How the handover dates are written when they are text; inferred by default.
    ci : float, default 0.95
        Level of the Wilson intervals, in (0, 1).

    Returns
    -------
    SLACompliance

    Raises
    ------
    TypeError
        ``leads`` is not a DataFrame, the response times are not numbers or the handover
        times hold no dates.
    ValueError
        A column is missing, a response time is negative, handover times cannot be read as
        dates (counted and named), or a parameter is out of range.

    Examples
    --------
    >>> t = pd.Timestamp("2024-01-01")
    >>> leads = pd.DataFrame({"mql_at": [t] * 4, "first_response_hours": [2.0, 30.0, 5.0, None]})
    >>> result = sla_compliance(leads, data_end="2024-02-01")
    >>> result.n_due, result.n_within, result.share_within
    (4, 2, 0.5)
    """
    sla_hours = check_number(sla_hours, "sla_hours", minimum=0)
    ci = check_ci(ci)
    if is_engine_table(leads):
        from research.funnel._lazy import sla_counts_lazy

        counts, limit = sla_counts_lazy(
            leads, response_col, handover_col, by, sla_hours, data_end, date_format
        )
        return _sla_result(counts, by, sla_hours, limit, ci)
    frame = require_frame(leads, "leads", _ENGINE_HINT)
    require_columns(frame, [response_col, handover_col] + ([by] if by else []), "leads")
    check_response_hours(frame, response_col, "leads")
    handover = read_dates(frame[handover_col], f"column {handover_col!r} of leads", date_format)
    if handover is not frame[handover_col]:
        frame = frame.assign(**{handover_col: handover})
    return _sla_counts(frame, response_col, handover_col, by, sla_hours, data_end, ci)


def _sla_counts(
    frame: pd.DataFrame,
    response_col: str,
    handover_col: str,
    by: str | None,
    sla_hours: float,
    data_end: str | pd.Timestamp | None,
    ci: float,
) -> SLACompliance:
    """The counts of :func:`sla_compliance`. Prior validation is assumed."""
    hours = frame[response_col].to_numpy(dtype=np.float64, na_value=np.nan)
    handed = frame[handover_col].notna().to_numpy()
    limit = pd.Timestamp(data_end) if data_end is not None else frame[handover_col].max()
    due = handed & (frame[handover_col] <= limit - pd.Timedelta(hours=sla_hours)).to_numpy()
    flags = pd.DataFrame(
        {
            "group": frame[by].to_numpy() if by else "all",
            "due": due,
            "within_sla": due & (hours <= sla_hours),
            "late": due & (hours > sla_hours),
            "unanswered": due & np.isnan(hours),
            "not_yet_due": handed & ~due,
            "hours": np.where(due, hours, np.nan),
        }
    )[handed]  # only handed-over leads belong to the SLA
    out = flags.groupby("group", dropna=False).agg(
        due=("due", "sum"),
        within_sla=("within_sla", "sum"),
        late=("late", "sum"),
        unanswered=("unanswered", "sum"),
        not_yet_due=("not_yet_due", "sum"),
        median_response_hours=("hours", "median"),
    )
    out.index.name = by or "group"
    return _sla_result(out, by, sla_hours, limit, ci)


def _sla_result(
    out: pd.DataFrame, by: str | None, sla_hours: float, limit: pd.Timestamp, ci: float
) -> SLACompliance:
    """The :class:`SLACompliance` of the counts per group (``due``, ``within_sla``, ``late``,
    ``unanswered``, ``not_yet_due``, ``median_response_hours``), from pandas or an engine."""
    out = out.copy()
    out["share_within"] = out["within_sla"] / out["due"].where(out["due"] > 0)
    out["low"], out["high"] = wilson(out["within_sla"], out["due"], ci)
    columns = ["due", "within_sla", "late", "unanswered", "share_within", "low", "high"]
    out = out[[*columns, "median_response_hours", "not_yet_due"]]
    n_due, n_within = int(out["due"].sum()), int(out["within_sla"].sum())
    low, high = wilson(n_within, n_due, ci)
    return SLACompliance(
        table=out,
        n_due=n_due,
        n_within=n_within,
        share_within=n_within / n_due if n_due else np.nan,
        low=float(low),
        high=float(high),
        sla_hours=sla_hours,
        data_end=limit,
        by=by,
        ci=ci,
    )


# --------------------------------------------------------------------------------------------
# speed to lead
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class SpeedToLead(Result):
    """Conversion of leads answered within the SLA or not: the result of
    :func:`speed_to_lead_effect`.

    Attributes
    ----------
    odds_ratios : pandas.DataFrame
        Every model term (the index, ``term``): ``odds_ratio``, ``low``, ``high``,
        ``p_value``; the row ``within_sla`` is the one that matters (:attr:`effect`).
    by_response_time : pandas.DataFrame
        Conversion by response-time bucket (no controls): ``leads``, ``conversions``,
        ``rate`` and its Wilson interval ``low``, ``high``.
    n : int
        Leads in the model.
    overall_rate : float
        Conversion of all the leads in the model (the buckets pooled).
    controls : tuple of str
        The columns the model adjusts for.
    sla_hours : float
        The SLA.
    ci : float
        Level of the intervals.
    caveat : str
        Why this is an association, not a proven effect.
    """

    odds_ratios: pd.DataFrame
    by_response_time: pd.DataFrame
    n: int
    overall_rate: float
    controls: tuple[str, ...]
    sla_hours: float
    ci: float
    caveat: str = OBSERVATIONAL_CAVEAT

    @property
    def effect(self) -> pd.Series:
        """The ``within_sla`` row of ``odds_ratios``: ``odds_ratio``, ``low``, ``high``,
        ``p_value``."""
        return self.odds_ratios.loc["within_sla"].copy()

    def to_frame(self) -> pd.DataFrame:
        """The ``odds_ratios`` (a copy)."""
        return self.odds_ratios.copy()

    def _caption(self) -> str:
        e = self.effect
        ratio = format_interval(e["odds_ratio"], e["low"], e["high"], ci=self.ci, fmt=".2f")
        adjusted = f"adjusted for {', '.join(self.controls)}" if self.controls else "no controls"
        return (
            f"Answered within {self.sla_hours:g} h: odds of converting x {ratio}; logistic "
            f"model on {self.n:,} leads, {adjusted} (observational)"
        )

    def summary(self) -> Summary:
        """The odds ratios and the conversion by response time, with the caveat."""
        return Summary(
            title=self._caption(),
            tables=(
                ("odds ratios", self.odds_ratios),
                ("conversion by response time", self.by_response_time),
            ),
            notes=(self.caveat,),
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.funnel.plotting.plot_speed_to_lead` of this result."""
        from research.funnel.plotting import plot_speed_to_lead

        return plot_speed_to_lead(self, ax=ax, **kwargs)


def _q(col: str) -> str:
    return f'Q("{col}")'


def speed_to_lead_effect(
    leads: pd.DataFrame,
    *,
    outcome_col: str = IS_SQL_COL,
    response_col: str = RESPONSE_COL,
    controls: Sequence[str] = (SOURCE_COL,),
    sla_hours: float = 24.0,
    buckets: Sequence[float] = (1, 4, 24, 72),
    ci: float = 0.95,
) -> SpeedToLead:
    """Is answering within the SLA associated with conversion? A logistic model with controls.

    Parameters
    ----------
    leads : pandas.DataFrame
        Answered leads (rows without a response time are left out) whose outcome is known:
        leave out leads too recent to have converted yet. Not modified.
    outcome_col : str, default "is_sql"
        Boolean (or 0/1) outcome.
    response_col : str, default "first_response_hours"
        Hours to the first response.
    controls : sequence of str, default ("channel",)
        Categorical columns to adjust for.
    sla_hours : float, default 24
        The SLA, in hours (>= 0).
    buckets : sequence of float
        Increasing hour boundaries of the response-time buckets for the descriptive table.
    ci : float, default 0.95
        Level of the intervals, in (0, 1).

    Returns
    -------
    SpeedToLead

    Raises
    ------
    TypeError
        ``leads`` is not a DataFrame, or the response times are not numbers.
    ValueError
        A column is missing, a response time is negative, fewer than 20 leads are answered,
        the outcome is not 0/1 or has one value only, or a parameter is out of range.

    Examples
    --------
    >>> result = speed_to_lead_effect(mature_leads)  # doctest: +SKIP
    >>> result.effect["odds_ratio"]  # doctest: +SKIP
    1.80...
    """
    frame = require_frame(leads, "leads")
    controls = (controls,) if isinstance(controls, str) else tuple(controls)
    require_columns(frame, [outcome_col, response_col, *controls], "leads")
    sla_hours = check_number(sla_hours, "sla_hours", minimum=0)
    ci = check_ci(ci)
    check_response_hours(frame, response_col, "leads")
    edges = [0.0, *(check_number(b, "buckets", minimum=0) for b in buckets), np.inf]
    if any(b <= a for a, b in itertools.pairwise(edges)):
        raise ValueError(f"buckets must be increasing hours above 0, got {list(buckets)}")
    data = frame[frame[response_col].notna()]
    if len(data) < 20:
        raise ValueError(f"only {len(data)} answered leads: too few for a model")
    y = _binary_outcome(data, outcome_col, "leads")
    if len(np.unique(y)) < 2:
        raise ValueError(f"column {outcome_col!r} has one value only: nothing to explain")
    hours = numeric_values(data, response_col, "leads")
    model_data = pd.DataFrame({"y": y, "within_sla": (hours <= sla_hours).astype(int)})
    for col in controls:
        model_data[col] = data[col].astype(str).to_numpy()
    odds = _odds_ratios(model_data, controls, ci)
    by_time = _conversion_by_bucket(model_data["y"], hours, edges, ci)
    return SpeedToLead(
        odds_ratios=odds,
        by_response_time=by_time,
        n=len(model_data),
        overall_rate=float(by_time["conversions"].sum() / by_time["leads"].sum()),
        controls=controls,
        sla_hours=sla_hours,
        ci=ci,
    )


def _odds_ratios(model_data: pd.DataFrame, controls: tuple[str, ...], ci: float) -> pd.DataFrame:
    """Odds ratios of ``y ~ within_sla + controls`` (statsmodels' logit), with their intervals
    and p-values. Prior validation is assumed."""
    formula = "y ~ within_sla" + "".join(f" + C({_q(c)})" for c in controls)
    odds, _ = logit_odds_ratios(formula, model_data, ci)
    odds.index.name = "term"
    return odds


def _conversion_by_bucket(
    y: pd.Series, hours: np.ndarray, edges: list[float], ci: float
) -> pd.DataFrame:
    """Conversion per response-time bucket with Wilson intervals. Prior validation is
    assumed."""
    labels = [f"{a:g}-{b:g} h" for a, b in itertools.pairwise(edges[:-1])] + [f">{edges[-2]:g} h"]
    bucket = pd.cut(hours, edges, labels=labels, right=True, include_lowest=True)
    by_time = y.groupby(bucket, observed=False).agg(["size", "sum"])
    by_time.columns = ["leads", "conversions"]
    by_time["rate"] = by_time["conversions"] / by_time["leads"].where(by_time["leads"] > 0)
    by_time["low"], by_time["high"] = wilson(by_time["conversions"], by_time["leads"], ci)
    by_time.index.name = "response_time"
    return by_time
