"""Funnel stage counts and conversion, and conversion compared between groups.

* :func:`funnel`: how many leads reach each stage and convert to the next, with Wilson intervals
  and the bottleneck, overall or by source, campaign or monthly cohort (a :class:`Funnel`);
  :func:`compare_conversion` tests whether groups differ, with a multiple-comparison correction
  (a :class:`GroupComparison`).
* :func:`opportunity_stages`: a lead table with the dates of each lead's opportunity (opened,
  closed, won), the stage columns a lead-to-won funnel needs, from a leads and a deals export.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from research._columns import CLOSED_COL, CREATED_COL, LEAD_COL, STATUS_COL
from research._format import ci_label
from research._results import Result, Summary
from research._stats import wilson
from research._validation import (
    _ENGINE_HINT,
    check_ci,
    check_int,
    check_option,
    check_share,
    require_columns,
    require_frame,
    require_rows,
    rows_repr,
)
from research.engines import is_engine_table
from research.funnel._stages import _read_stages, _stage_checks, check_unique, read_dates

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "FunnelDataWarning",
    "opportunity_stages",
    "funnel",
    "Funnel",
    "compare_conversion",
    "GroupComparison",
    "CORRECTIONS",
]


class FunnelDataWarning(UserWarning):
    """Rows of a CRM export were set aside or combined by a documented rule (the message counts
    them)."""


#: The columns :func:`opportunity_stages` adds to the lead table.
OPPORTUNITY_STAGE_COLUMNS = ("opportunity_at", "closed_at", "status", "won_at")


def opportunity_stages(
    leads: pd.DataFrame,
    opportunities: pd.DataFrame,
    *,
    lead_col: str = LEAD_COL,
    opened_col: str = CREATED_COL,
    closed_col: str = CLOSED_COL,
    status_col: str = STATUS_COL,
    won_status: str | Sequence[str] = "won",
    deal_lead_col: str | None = None,
    date_format: str | None = None,
) -> pd.DataFrame:
    """Each lead with the dates of its opportunity, as stage columns for :func:`funnel`.

    Rules, each counted in a :class:`FunnelDataWarning` when it applies:

    * a lead with several opportunities keeps the earliest opened one as its
      ``opportunity_at``; it is won if any of them is won, at the earliest close of a won one
      (``won_at``), and its ``closed_at`` and ``status`` are those of that won opportunity, or
      else of the earliest one;
    * an opportunity whose lead is not in ``leads`` (a deal created without a lead) is left out:
      it is not part of the lead funnel.

    Parameters
    ----------
    leads : pandas.DataFrame
        One row per lead, ``lead_col`` unique. Not modified.
    opportunities : pandas.DataFrame
        One row per opportunity (deal) with ``lead_col``, ``opened_col``, ``closed_col``
        (missing while open) and ``status_col``. Not modified.
    lead_col, opened_col, closed_col, status_col : str
        Column names in the exports: ``lead_col`` in both (unless ``deal_lead_col`` is given),
        the others in ``opportunities``.
    won_status : str or sequence of str, default "won"
        The value(s) of ``status_col`` that mean won (e.g. ``"closedwon"`` in HubSpot).
    deal_lead_col : str, optional
        The lead id column of ``opportunities``, when it is named otherwise than ``lead_col``
        (HubSpot: "Associated Contact" against the contacts' "Record ID").
    date_format : str, optional
        How ``opened_col`` and ``closed_col`` are written when they hold text (e.g.
        ``"%Y-%m-%d %H:%M"``); inferred by default. Text dates are read, an empty string
        meaning "not set" (a deal still open has no close date).

    Returns
    -------
    pandas.DataFrame
        A copy of ``leads``, same rows and order, with ``opportunity_at``, ``closed_at``,
        ``status`` and ``won_at`` (missing for a lead without an opportunity, or not won).

    Raises
    ------
    TypeError
        An input is not a DataFrame, or a date column holds no dates.
    ValueError
        A column is missing, ``lead_col`` repeats in ``leads``, ``leads`` already has one of
        the columns added, or values of a date column cannot be read as dates (counted and
        named).

    Examples
    --------
    >>> leads = pd.DataFrame({"lead_id": [1, 2, 3]})
    >>> opps = pd.DataFrame({"lead_id": [1, 2], "created_at": pd.to_datetime(["2024-01-05",
    ...     "2024-01-09"]), "closed_at": pd.to_datetime(["2024-02-01", None]),
    ...     "status": ["won", "open"]})
    >>> opportunity_stages(leads, opps)["won_at"].notna().tolist()
    [True, False, False]
    """
    leads = require_frame(leads, "leads")
    opportunities = require_frame(opportunities, "opportunities")
    require_columns(leads, [lead_col], "leads")
    deal_lead = deal_lead_col or lead_col
    cols = [deal_lead, opened_col, closed_col, status_col]
    require_columns(opportunities, cols, "opportunities")
    won_values = [won_status] if isinstance(won_status, str) else list(won_status)
    check_unique(leads, lead_col)
    clash = [c for c in OPPORTUNITY_STAGE_COLUMNS if c in leads.columns]
    if clash:
        raise ValueError(
            f"leads already has column(s) {', '.join(map(repr, clash))}, which "
            "opportunity_stages adds: drop or rename them first"
        )
    opps = opportunities[cols].copy()
    opps.columns = [lead_col, opened_col, closed_col, status_col]
    for col in (opened_col, closed_col):
        opps[col] = read_dates(opps[col], f"column {col!r} of opportunities", date_format)
    known = leads[lead_col].dropna()
    orphans = opps[lead_col].isna() | ~opps[lead_col].isin(known)
    if orphans.any():
        warnings.warn(
            f"{int(orphans.sum()):,} of {len(opps):,} opportunities have a {deal_lead!r} that is "
            "not in leads and are left out of the lead funnel",
            FunnelDataWarning,
            stacklevel=2,
        )
        opps = opps[~orphans.to_numpy()]
    opps["_won"] = opps[status_col].isin(won_values).to_numpy()
    several = opps[lead_col].duplicated(keep=False)
    if several.any():
        warnings.warn(
            f"{opps.loc[several, lead_col].nunique():,} leads have more than one opportunity "
            f"({int(several.sum()):,} opportunities): each keeps its earliest as "
            "opportunity_at and is won if any is won, at the earliest won close",
            FunnelDataWarning,
            stacklevel=2,
        )
    # the row that speaks for the lead: its earliest won opportunity, else its earliest one
    opps = opps.sort_values([lead_col, opened_col], kind="stable")
    first_opened = opps.groupby(lead_col, sort=False)[opened_col].min()
    won = opps[opps["_won"]].sort_values([lead_col, closed_col], kind="stable")
    chosen = pd.concat([won, opps]).drop_duplicates(subset=lead_col, keep="first")
    chosen = chosen.set_index(lead_col)
    ids = leads[lead_col].to_numpy()
    out = leads.copy()

    def per_lead(values: pd.Series) -> np.ndarray:
        # reindex, not Series.map: map mixes up categorical ids with categorical values
        return values.reindex(ids).to_numpy()

    out["opportunity_at"] = per_lead(first_opened)
    out["closed_at"] = per_lead(chosen[closed_col])
    out["status"] = pd.Series(per_lead(chosen[status_col]), index=out.index).astype(
        opportunities[status_col].dtype
    )
    out["won_at"] = per_lead(chosen[closed_col].where(chosen["_won"]))
    return out


# --------------------------------------------------------------------------------------------
# funnel
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class Funnel(Result):
    """Stage counts and conversion of a lead funnel: the result of :func:`funnel`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per group and stage: the group columns (``groups``), then ``stage``, ``step``
        (1, 2, ...), ``entered``, ``next_stage``, ``converted`` (entered the next stage),
        ``conversion`` with its Wilson interval ``low`` and ``high``, ``from_top`` (share of
        the group's first-stage leads that got here), ``lost`` (entered but did not convert)
        and ``bottleneck`` (the step with the lowest conversion in its group). The last stage
        has no conversion.
    overall : pandas.DataFrame
        The same columns without the group columns, for all leads pooled over the groups (the
        counts summed, the rates and intervals recomputed from the sums): the overall rate a
        chart of the groups compares them with. A copy of ``table`` for a funnel without
        groups.
    stages : tuple of str
        The stages' display names, in funnel order.
    groups : tuple of str
        The group columns of ``table``: the ``by`` columns, then ``"cohort"`` for cohorts;
        empty for a single funnel.
    n : int
        Leads counted (rows of the lead table).
    ci : float
        Level of the Wilson intervals.
    """

    table: pd.DataFrame
    overall: pd.DataFrame
    stages: tuple[str, ...]
    groups: tuple[str, ...]
    n: int
    ci: float

    @property
    def bottlenecks(self) -> pd.DataFrame:
        """The rows of ``table`` flagged as their group's bottleneck (one per group)."""
        return self.table[self.table["bottleneck"].to_numpy(dtype=bool)].copy()

    def _caption(self) -> str:
        split = f", by {' · '.join(self.groups)}" if self.groups else ""
        return (
            f"Funnel of {self.n:,} leads through {len(self.stages)} stages{split} "
            f"(conversion with {ci_label(self.ci)} Wilson intervals)"
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.funnel.plotting.plot_funnel` of this result, or, for a funnel with
        groups, :func:`~research.funnel.plotting.plot_conversion_by_group` (pass ``stage=``;
        default the first stage)."""
        from research.funnel.plotting import plot_conversion_by_group, plot_funnel

        if self.groups:
            return plot_conversion_by_group(self, ax=ax, **kwargs)
        return plot_funnel(self, ax=ax, **kwargs)


def funnel(
    leads: pd.DataFrame,
    stages: Sequence[str],
    *,
    by: str | Sequence[str] | None = None,
    cohort: str | None = None,
    cohort_freq: str = "M",
    names: Sequence[str] | None = None,
    lead_col: str | None = LEAD_COL,
    check_order: bool = True,
    date_format: str | None = None,
    ci: float = 0.95,
) -> Funnel:
    """Stage counts and conversion to the next stage, with Wilson intervals and the bottleneck.

    Parameters
    ----------
    leads : pandas.DataFrame, or a polars, DuckDB or Spark table, or a path of files
        One row per lead, with one column per stage: the time the lead entered it (datetime64
        or text such as "2024-01-02 04:38"; missing or empty if it never did) or a flag (bool,
        0/1 or yes/no). Not modified. A table of another engine, or a parquet or CSV file,
        glob or folder (read by :func:`research.engines.scan`), is checked and counted where
        it lives (:mod:`research.engines`): the same table; its errors name lead ids, not rows.
    stages : sequence of str
        The stage columns in funnel order, e.g. ``["created_at", "mql_at", "sql_at"]``.
    by : str or list of str, optional
        Columns to split the funnel by (source, campaign, ...).
    cohort : str, optional
        A date column (datetime64 or text dates), set for every lead; the funnel is split by
        its period (monthly cohorts by default).
    cohort_freq : str, default "M"
        Period of the cohorts (``"M"``, ``"W"``, ``"Q"``).
    names : sequence of str, optional
        Display names of the stages (default: the column names).
    lead_col : str or None, default "lead_id"
        Id column, checked for duplicates (``None`` to skip).
    check_order : bool, default True
        Refuse rows whose stage timestamps run backwards. The counts do not depend on the
        times, so ``False`` is safe for counting once such rows have been looked at; a lead
        that reached a later stage without an earlier one is always refused.
    date_format : str, optional
        How the stage (and cohort) dates are written when they are text, e.g.
        ``"%d/%m/%Y %H:%M"``; inferred by default.
    ci : float, default 0.95
        Level of the Wilson intervals, in (0, 1).

    Returns
    -------
    Funnel
        Its ``table`` has one row per group and stage; ``overall`` pools the groups.

    Raises
    ------
    TypeError
        ``leads`` is not a DataFrame, ``stages`` is a single string, or a stage or the
        ``cohort`` column holds neither dates nor flags.
    ValueError
        A column is missing, ``leads`` is empty, an id repeats, stages are out of order,
        values of a date column cannot be read as dates (counted and named), a cohort date is
        missing, fewer than two stages or a wrong number of names are given, or ``ci`` is
        outside (0, 1).

    Notes
    -----
    Recent leads may still convert: their conversions are not yet complete, so the latest
    cohorts look worse than they will be. Compare cohorts of equal age, or use
    :func:`cycle_length` for a censoring-aware view.

    Examples
    --------
    >>> leads = pd.DataFrame({"lead_id": [1, 2, 3, 4], "mql": [True, True, True, False],
    ...                       "sql": [True, False, False, False]})
    >>> funnel(leads, ["mql", "sql"]).table[["stage", "entered", "converted", "conversion"]]
      stage  entered  converted  conversion
    0   mql        3        1.0    0.333333
    1   sql        1        NaN         NaN
    """
    ci = check_ci(ci)
    if isinstance(stages, str):
        raise TypeError(f"stages must be a list of stage columns, got the string {stages!r}")
    stages = list(stages)
    if len(stages) < 2:
        raise ValueError(f"stages needs at least two columns, got {stages}")
    groups = [by] if isinstance(by, str) else list(by or [])
    names = list(names) if names is not None else stages
    if len(names) != len(stages):
        raise ValueError(f"names has {len(names)} entries for {len(stages)} stages")
    if is_engine_table(leads):
        from research.funnel._lazy import stage_counts_lazy

        wide, groups, n = stage_counts_lazy(
            leads,
            stages,
            names,
            groups,
            cohort=cohort,
            cohort_freq=cohort_freq,
            lead_col=lead_col,
            check_order=check_order,
            date_format=date_format,
        )
        return _funnel_result(wide, names, groups, n, ci)
    frame = require_frame(leads, "leads", _ENGINE_HINT)
    need = stages + groups + ([cohort] if cohort else []) + ([lead_col] if lead_col else [])
    require_columns(frame, need, "leads")
    require_rows(frame, "leads")
    cohort_dates = None
    if cohort:
        cohort_dates = read_dates(frame[cohort], f"cohort column {cohort!r} of leads", date_format)
        undated = cohort_dates.isna().to_numpy()
        if undated.any():
            raise ValueError(
                f"cohort column {cohort!r} of leads has {int(undated.sum()):,} rows without a "
                f"date (rows {rows_repr(frame.index[undated])}): each lead needs the date of its "
                "cohort; fill it, or take the cohorts from another date"
            )
    if lead_col:
        check_unique(frame, lead_col)
    read = _read_stages(frame, stages, date_format=date_format)
    _stage_checks(frame, stages, times=check_order, read=read)
    reached = {name: read[col].reached for name, col in zip(names, stages, strict=True)}
    wide, groups = _stage_counts(frame, reached, groups, cohort_dates, cohort_freq)
    return _funnel_result(wide, names, groups, len(frame), ci)


def _funnel_result(
    wide: pd.DataFrame, names: list[str], groups: list[str], n: int, ci: float
) -> Funnel:
    """The :class:`Funnel` of the counts of :func:`_stage_counts` (or of their engine twin)."""
    table = _stage_table(wide, names, groups, ci)
    # without groups the funnel is its own pooled funnel: a copy, so that the two tables of
    # the frozen result are independent
    overall = (
        _stage_table(wide[names].sum().to_frame().T, names, [], ci) if groups else table.copy()
    )
    return Funnel(table, overall, tuple(names), tuple(groups), n, ci)


def _stage_counts(
    frame: pd.DataFrame,
    reached: dict[str, np.ndarray],
    groups: list[str],
    cohort: pd.Series | None,
    cohort_freq: str,
) -> tuple[pd.DataFrame, list[str]]:
    """``COUNT(stage) GROUP BY groups``, the only pass over the lead table: one row per group
    (its group columns, then the leads that reached each stage under its display name), and
    the group columns (``"cohort"`` added for cohorts: the periods of the ``cohort`` dates).
    Prior validation is assumed."""
    counts = pd.DataFrame(reached)
    keys = [frame[g].to_numpy() for g in groups]
    if cohort is not None:
        if cohort.dt.tz is not None:  # periods on the zone's own clock
            cohort = cohort.dt.tz_localize(None)
        period = cohort.dt.to_period(cohort_freq)
        keys.append(period.array)  # grouping on the PeriodArray, not 1M Period objects
        groups = [*groups, "cohort"]
    if not groups:
        return counts.sum().to_frame().T, groups
    totals = counts.groupby(keys, dropna=False).sum()
    totals.index.names = groups
    return totals.reset_index(names=groups), groups


def _stage_table(
    wide: pd.DataFrame, names: list[str], groups: list[str], ci: float
) -> pd.DataFrame:
    """The long stage table of :class:`Funnel` from the counts of :func:`_stage_counts`: one row
    per group and stage, with conversion, Wilson interval, share of the top, losses and the
    bottleneck. Prior validation is assumed."""
    rows = []
    for _, row in wide.iterrows():
        top = row[names[0]]
        label = {g: row[g] for g in groups}
        for step, name in enumerate(names):
            entered = int(row[name])
            nxt = names[step + 1] if step + 1 < len(names) else None
            rows.append(
                label
                | {
                    "stage": name,
                    "step": step + 1,
                    "entered": entered,
                    "next_stage": nxt,
                    "converted": int(row[nxt]) if nxt else np.nan,
                    "from_top": entered / top if top else np.nan,
                }
            )
    out = pd.DataFrame(rows)
    has_next = out["next_stage"].notna()
    conv = np.where(has_next, out["converted"] / out["entered"].where(out["entered"] > 0), np.nan)
    low, high = wilson(out["converted"].fillna(0), out["entered"].where(has_next, 0), ci)
    out.insert(out.columns.get_loc("converted") + 1, "conversion", conv)
    out.insert(out.columns.get_loc("conversion") + 1, "low", low)
    out.insert(out.columns.get_loc("low") + 1, "high", high)
    out["lost"] = np.where(has_next, out["entered"] - out["converted"], np.nan)
    # a missing group value is a group of its own, as in the counts
    keys = [out.loc[has_next, g] for g in groups] or [pd.Series(0, index=out.index[has_next])]
    worst = out[has_next].groupby(keys, dropna=False)["conversion"].transform("min")
    out["bottleneck"] = False
    out.loc[worst.index, "bottleneck"] = out.loc[worst.index, "conversion"] == worst
    return out


# --------------------------------------------------------------------------------------------
# conversion compared between groups
# --------------------------------------------------------------------------------------------

#: The corrections for multiple comparisons that :func:`compare_conversion` takes (statsmodels'
#: ``multipletests``).
CORRECTIONS = (
    "holm",
    "bonferroni",
    "sidak",
    "holm-sidak",
    "simes-hochberg",
    "hommel",
    "fdr_bh",
    "fdr_by",
    "fdr_tsbh",
    "fdr_tsbky",
)


@dataclass(frozen=True, eq=False, repr=False)
class GroupComparison(Result):
    """Conversion from one stage to the next compared between groups: the result of
    :func:`compare_conversion`.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by group (named ``by``): ``leads`` at ``from_stage``, ``conversions`` (reached
        ``to_stage``), ``rate`` and its Wilson interval ``low``, ``high``.
    pairwise : pandas.DataFrame
        Every pair of groups: ``group_a``, ``group_b``, their rates, ``difference``, the z
        statistic, raw and adjusted p-values and whether the difference is ``significant``
        after the correction.
    chi2, dof, p_value : float, int, float
        The chi-square test of independence across all groups.
    overall_rate : float
        The conversion of the compared groups pooled (all conversions / all leads).
    n : int
        Leads at ``from_stage`` in the compared groups.
    by, from_stage, to_stage : str
        The group column and the two stages.
    alpha : float
        Family-wise error rate of the tests.
    method : str
        The correction for multiple comparisons.
    ci : float
        Level of the Wilson intervals.
    """

    table: pd.DataFrame
    pairwise: pd.DataFrame
    chi2: float
    dof: int
    p_value: float
    overall_rate: float
    n: int
    by: str
    from_stage: str
    to_stage: str
    alpha: float
    method: str
    ci: float

    @property
    def differ(self) -> bool:
        """Whether the chi-square test rejects equal rates at ``alpha``."""
        return bool(self.p_value < self.alpha)

    @property
    def n_significant(self) -> int:
        """Pairs of groups whose difference is significant after the correction."""
        return int(self.pairwise["significant"].sum())

    def _caption(self) -> str:
        return (
            f"Conversion from {self.from_stage} to {self.to_stage} by {self.by}: "
            f"{len(self.table):,} groups, {self.n:,} leads ({ci_label(self.ci)} Wilson "
            f"intervals); chi-square p = {self.p_value:.3g}"
        )

    def summary(self) -> Summary:
        """The groups and the pairwise tests, with the chi-square test in the notes."""
        return Summary(
            title=self._caption(),
            tables=(("groups", self.table), ("pairwise tests", self.pairwise)),
            notes=(
                f"chi-square {self.chi2:.4g} on {self.dof} degrees of freedom, "
                f"p = {self.p_value:.3g}",
                f"{self.n_significant} of {len(self.pairwise)} pairs differ at alpha "
                f"{self.alpha:g} after the {self.method} correction",
            ),
        )

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Figure:
        """:func:`research.funnel.plotting.plot_conversion_by_group` of this result."""
        from research.funnel.plotting import plot_conversion_by_group

        return plot_conversion_by_group(self, ax=ax, **kwargs)


def compare_conversion(
    leads: pd.DataFrame,
    from_stage: str,
    to_stage: str,
    *,
    by: str,
    alpha: float = 0.05,
    method: str = "holm",
    min_leads: int = 1,
    check_order: bool = True,
    date_format: str | None = None,
    ci: float = 0.95,
) -> GroupComparison:
    """Do groups convert from one stage to the next at different rates?

    A chi-square test across all groups, then two-proportion z-tests for every pair with the
    p-values corrected for multiple comparisons (Holm by default; see :data:`CORRECTIONS`).

    Parameters
    ----------
    leads : pandas.DataFrame, or a polars, DuckDB or Spark table, or a path of files
        One row per lead with the two stage columns and the group column. Not modified. Counted
        where it lives, as in :func:`funnel`.
    from_stage, to_stage : str
        Stage columns (dates, as datetime64 or text, or flags, as in :func:`funnel`); only
        leads that reached ``from_stage`` count.
    by : str
        Group column (keyword-only, as every column argument but the stages).
    alpha : float, default 0.05
        Family-wise error rate of the tests, in (0, 1).
    method : str, default "holm"
        Correction for multiple comparisons, one of :data:`CORRECTIONS`.
    min_leads : int, default 1
        Groups with fewer leads at ``from_stage`` are left out of the tests.
    check_order, date_format
        As in :func:`funnel`.
    ci : float, default 0.95
        Level of the groups' Wilson intervals, in (0, 1).

    Returns
    -------
    GroupComparison

    Raises
    ------
    TypeError
        ``leads`` is not a DataFrame.
    ValueError
        A column is missing, stages are out of order, fewer than two groups have
        ``min_leads`` leads, or a parameter is out of range.

    Examples
    --------
    >>> leads = pd.DataFrame({"mql": [True] * 8, "sql": [True, True, True, False] * 2,
    ...                       "channel": ["ads"] * 4 + ["web"] * 4})
    >>> result = compare_conversion(leads, "mql", "sql", by="channel")
    >>> result.table["rate"].tolist(), result.differ
    ([0.75, 0.75], False)
    """
    alpha = check_share(alpha, "alpha")
    method = str(check_option(method, "method", CORRECTIONS))
    min_leads = check_int(min_leads, "min_leads")
    ci = check_ci(ci)
    if is_engine_table(leads):
        from research.funnel._lazy import stage_counts_lazy

        wide, _, _ = stage_counts_lazy(
            leads,
            [from_stage, to_stage],
            ["leads", "conversions"],
            [by],
            check_order=check_order,
            date_format=date_format,
        )
        # a group counts where some of its leads reached from_stage, as on the pandas path
        groups = wide[wide["leads"] > 0].set_index(by)[["leads", "conversions"]]
    else:
        frame = require_frame(leads, "leads", _ENGINE_HINT)
        require_columns(frame, [from_stage, to_stage, by], "leads")
        read = _stage_checks(
            frame, [from_stage, to_stage], times=check_order, date_format=date_format
        )
        at = read[from_stage].reached
        conv = read[to_stage].reached & at
        table = pd.DataFrame({"group": frame[by].to_numpy()[at], "converted": conv[at]})
        groups = table.groupby("group", dropna=False)["converted"].agg(["size", "sum"])
        groups.columns = ["leads", "conversions"]
        groups.index.name = by
    groups = groups[groups["leads"] >= min_leads]
    if len(groups) < 2:
        raise ValueError(f"need at least two groups of {by!r} with {min_leads}+ leads to compare")
    groups["rate"] = groups["conversions"] / groups["leads"]
    groups["low"], groups["high"] = wilson(groups["conversions"], groups["leads"], ci)
    contingency = np.column_stack([groups["conversions"], groups["leads"] - groups["conversions"]])
    chi2, p, dof, _ = stats.chi2_contingency(contingency)
    pairwise = _pairwise_tests(groups, alpha, method)
    n = int(groups["leads"].sum())
    return GroupComparison(
        table=groups,
        pairwise=pairwise,
        chi2=float(chi2),
        dof=int(dof),
        p_value=float(p),
        overall_rate=float(groups["conversions"].sum() / n),
        n=n,
        by=by,
        from_stage=from_stage,
        to_stage=to_stage,
        alpha=alpha,
        method=method,
        ci=ci,
    )


def _pairwise_tests(groups: pd.DataFrame, alpha: float, method: str) -> pd.DataFrame:
    """Two-proportion z-tests of every pair of groups (``leads``, ``conversions``), with the
    p-values corrected by ``method``. Prior validation is assumed."""
    pairs = []
    for a, b in itertools.combinations(groups.index, 2):
        ka, na = groups.loc[a, ["conversions", "leads"]]
        kb, nb = groups.loc[b, ["conversions", "leads"]]
        if ka + kb in (0, na + nb):
            z, pv = 0.0, 1.0
        else:
            z, pv = proportions_ztest([ka, kb], [na, nb])
        pairs.append(
            {
                "group_a": a,
                "group_b": b,
                "rate_a": ka / na,
                "rate_b": kb / nb,
                "difference": ka / na - kb / nb,
                "z": z,
                "p_value": pv,
            }
        )
    pairwise = pd.DataFrame(pairs)
    reject, adjusted, _, _ = multipletests(pairwise["p_value"], alpha=alpha, method=method)
    pairwise["p_adjusted"] = adjusted
    pairwise["significant"] = reject
    return pairwise
