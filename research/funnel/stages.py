"""Funnel stage counts and conversion, and conversion compared between groups.

* :func:`funnel`: how many leads reach each stage and convert to the next, with Wilson intervals
  and the bottleneck, overall or by source, campaign or monthly cohort;
  :func:`compare_conversion` tests whether groups differ, with a multiple-comparison correction.
* :func:`opportunity_stages`: a lead table with the dates of each lead's opportunity (opened,
  closed, won), the stage columns a lead-to-won funnel needs, from a leads and a deals export.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from research._stats import wilson
from research._validation import require_columns, require_frame, require_rows
from research.funnel._stages import _reached, _stage_checks, check_unique

__all__ = [
    "FunnelDataWarning",
    "opportunity_stages",
    "funnel",
    "compare_conversion",
    "GroupComparison",
    "CycleLength",
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
    lead_col: str = "lead_id",
    opened_col: str = "created_at",
    closed_col: str = "closed_at",
    status_col: str = "status",
    won_status: str = "won",
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
        Column names in the exports.
    won_status : str, default "won"
        The value of ``status_col`` that means won (e.g. ``"closedwon"`` in HubSpot).

    Returns
    -------
    pandas.DataFrame
        A copy of ``leads``, same rows and order, with ``opportunity_at``, ``closed_at``,
        ``status`` and ``won_at`` (missing for a lead without an opportunity, or not won).

    Raises
    ------
    TypeError
        An input is not a DataFrame.
    ValueError
        A column is missing, ``lead_col`` repeats in ``leads``, ``leads`` already has one of
        the columns added, or a date column does not hold dates.

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
    cols = [lead_col, opened_col, closed_col, status_col]
    require_columns(opportunities, cols, "opportunities")
    check_unique(leads, lead_col)
    clash = [c for c in OPPORTUNITY_STAGE_COLUMNS if c in leads.columns]
    if clash:
        raise ValueError(
            f"leads already has column(s) {', '.join(map(repr, clash))}, which "
            "opportunity_stages adds: drop or rename them first"
        )
    opps = opportunities[cols].copy()
    for col in (opened_col, closed_col):
        if not pd.api.types.is_datetime64_any_dtype(opps[col].dtype):
            raise ValueError(
                f"column {col!r} of opportunities must hold dates (datetime64), got "
                f"{opps[col].dtype}; parse it with pandas.to_datetime first"
            )
    known = leads[lead_col].dropna()
    orphans = opps[lead_col].isna() | ~opps[lead_col].isin(known)
    if orphans.any():
        warnings.warn(
            f"{int(orphans.sum()):,} of {len(opps):,} opportunities have a {lead_col!r} that is "
            "not in leads and are left out of the lead funnel",
            FunnelDataWarning,
            stacklevel=2,
        )
        opps = opps[~orphans.to_numpy()]
    opps["_won"] = (opps[status_col] == won_status).to_numpy()
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


def funnel(
    leads: pd.DataFrame,
    stages: Sequence[str],
    *,
    by: str | Sequence[str] | None = None,
    cohort: str | None = None,
    cohort_freq: str = "M",
    names: Sequence[str] | None = None,
    lead_col: str | None = "lead_id",
    check_order: bool = True,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Stage counts and conversion to the next stage, with Wilson intervals and the bottleneck.

    Parameters
    ----------
    leads : pandas.DataFrame
        One row per lead, with one column per stage: the time the lead entered it (missing if
        it never did) or a boolean.
    stages : sequence of str
        The stage columns in funnel order, e.g. ``["created_at", "mql_at", "sql_at"]``.
    by : str or list of str, optional
        Columns to split the funnel by (source, campaign, ...).
    cohort : str, optional
        A datetime column; the funnel is split by its period (monthly cohorts by default).
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
    ci : float, default 0.95
        Level of the Wilson intervals.

    Returns
    -------
    pandas.DataFrame
        One row per group and stage: ``stage``, ``step`` (1, 2, ...), ``entered``,
        ``next_stage``, ``converted`` (entered the next stage), ``conversion`` with ``low`` and
        ``high``, ``from_top`` (share of the group's first-stage leads that got here),
        ``lost`` (entered but did not convert) and ``bottleneck`` (the step with the lowest
        conversion in its group). The last stage has no conversion.

    Notes
    -----
    Recent leads may still convert: their conversions are not yet complete, so the latest
    cohorts look worse than they will be. Compare cohorts of equal age, or use
    :func:`cycle_length` for a censoring-aware view.

    Examples
    --------
    >>> leads = pd.DataFrame({"lead_id": [1, 2, 3, 4], "mql": [True, True, True, False],
    ...                       "sql": [True, False, False, False]})
    >>> funnel(leads, ["mql", "sql"])[["stage", "entered", "converted", "conversion"]]
      stage  entered  converted  conversion
    0   mql        3        1.0    0.333333
    1   sql        1        NaN         NaN
    """
    frame = require_frame(leads, "leads")
    stages = list(stages)
    if len(stages) < 2:
        raise ValueError(f"stages needs at least two columns, got {stages}")
    groups = [by] if isinstance(by, str) else list(by or [])
    need = stages + groups + ([cohort] if cohort else []) + ([lead_col] if lead_col else [])
    require_columns(frame, need, "leads")
    require_rows(frame, "leads")
    if lead_col:
        check_unique(frame, lead_col)
    _stage_checks(frame, stages, times=check_order)
    names = list(names) if names is not None else stages
    if len(names) != len(stages):
        raise ValueError(f"names has {len(names)} entries for {len(stages)} stages")

    # COUNT(stage) GROUP BY groups: the only pass over the lead table
    counts = pd.DataFrame(
        {name: _reached(frame, col) for name, col in zip(names, stages, strict=True)}
    )
    keys = [frame[g].to_numpy() for g in groups]
    if cohort:
        period = frame[cohort].dt.to_period(cohort_freq)
        keys.append(period.array)  # grouping on the PeriodArray, not 1M Period objects
        groups = [*groups, "cohort"]
    if groups:
        totals = counts.groupby(keys, dropna=False).sum()
        totals.index.names = groups
    else:
        totals = counts.sum().to_frame().T
    long = totals.reset_index(names=groups if groups else None) if groups else totals
    rows = []
    for _, row in long.iterrows():
        top = row[names[0]]
        label = {g: row[g] for g in groups}
        for step, name in enumerate(names):
            entered = int(row[name])
            nxt = names[step + 1] if step + 1 < len(names) else None
            converted = int(row[nxt]) if nxt else np.nan
            rows.append(
                label
                | {
                    "stage": name,
                    "step": step + 1,
                    "entered": entered,
                    "next_stage": nxt,
                    "converted": converted,
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
    key = (
        out[groups].astype(str).agg("|".join, axis=1) if groups else pd.Series("", index=out.index)
    )
    worst = out[has_next].groupby(key[has_next])["conversion"].transform("min")
    out["bottleneck"] = False
    out.loc[worst.index, "bottleneck"] = out.loc[worst.index, "conversion"] == worst
    return out


@dataclass
class GroupComparison:
    """Result of :func:`compare_conversion`.

    Attributes
    ----------
    groups : pandas.DataFrame
        Per group: leads at the first stage, conversions, rate and its Wilson interval.
    overall : dict
        The chi-square test of independence: ``chi2``, ``dof``, ``p_value``.
    pairwise : pandas.DataFrame
        Every pair of groups: rates, difference, z statistic, raw and adjusted p-values and
        whether the difference is significant after the correction.
    """

    groups: pd.DataFrame
    overall: dict[str, float]
    pairwise: pd.DataFrame


def compare_conversion(
    leads: pd.DataFrame,
    from_stage: str,
    to_stage: str,
    by: str,
    *,
    alpha: float = 0.05,
    method: str = "holm",
    min_leads: int = 1,
    check_order: bool = True,
) -> GroupComparison:
    """Do groups convert from one stage to the next at different rates?

    A chi-square test across all groups, then two-proportion z-tests for every pair with the
    p-values corrected for multiple comparisons (Holm by default; any method of statsmodels'
    ``multipletests``).

    Parameters
    ----------
    leads : pandas.DataFrame
        One row per lead with the two stage columns and the group column.
    from_stage, to_stage : str
        Stage columns (timestamps or booleans); only leads that reached ``from_stage`` count.
    by : str
        Group column.
    alpha : float, default 0.05
        Family-wise error rate.
    method : str, default "holm"
        Correction method.
    min_leads : int, default 1
        Groups with fewer leads at ``from_stage`` are left out of the tests.
    check_order : bool, default True
        As in :func:`funnel`.
    """
    frame = require_frame(leads, "leads")
    require_columns(frame, [from_stage, to_stage, by], "leads")
    _stage_checks(frame, [from_stage, to_stage], times=check_order)
    at = _reached(frame, from_stage)
    conv = _reached(frame, to_stage) & at
    table = pd.DataFrame({"group": frame[by].to_numpy()[at], "converted": conv[at]})
    groups = table.groupby("group", dropna=False)["converted"].agg(["size", "sum"])
    groups.columns = ["leads", "conversions"]
    groups = groups[groups["leads"] >= min_leads]
    if len(groups) < 2:
        raise ValueError(f"need at least two groups of {by!r} with {min_leads}+ leads to compare")
    groups["rate"] = groups["conversions"] / groups["leads"]
    groups["low"], groups["high"] = wilson(groups["conversions"], groups["leads"])
    contingency = np.column_stack([groups["conversions"], groups["leads"] - groups["conversions"]])
    chi2, p, dof, _ = stats.chi2_contingency(contingency)
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
    return GroupComparison(
        groups=groups,
        overall={"chi2": float(chi2), "dof": int(dof), "p_value": float(p)},
        pairwise=pairwise,
    )


# --------------------------------------------------------------------------------------------
# cycle length
# --------------------------------------------------------------------------------------------


@dataclass
class CycleLength:
    """Result of :func:`cycle_length`.

    Attributes
    ----------
    summary : pandas.DataFrame
        Per group: ``n``, ``events`` (closed), ``censored`` (still open), ``dropped`` (rows
        that ended before they started, with ``backwards="drop"``), ``median_days`` with
        its interval (NaN when fewer than half have closed: the median is not reached yet).
    curves : pandas.DataFrame
        The Kaplan-Meier curves: ``group``, ``days``, ``share_open`` (survival) and its pointwise
        interval, for plotting.
    test : dict or None
        Log-rank test across the groups (``chi2``, ``p_value``), when there are groups.
    """

    summary: pd.DataFrame
    curves: pd.DataFrame
    test: dict[str, float] | None
