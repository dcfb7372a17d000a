"""Funnel, KPIs and the marketing-sales SLA: one set of numbers for both teams.

* :func:`funnel`: how many leads reach each stage and convert to the next, with Wilson intervals
  and the bottleneck, overall or by source, campaign or monthly cohort;
  :func:`compare_conversion` tests whether groups differ, with a multiple-comparison correction.
* :func:`cycle_length`: time to close with open deals censored, not dropped (Kaplan-Meier).
* :func:`sla_compliance` and :func:`speed_to_lead_effect`: how fast leads are answered, and what
  answering within the SLA is associated with (observational).
* :func:`lead_quality_by_source`: separates "marketing sent weaker leads" from "sales followed up
  slower", with a model holding both source and response time.
* :func:`kpi_table` and :func:`roi_by_channel`: both teams' KPIs with definitions and intervals.
* :func:`league_table`: reps ranked with intervals and shrinkage, so small samples are not
  ranked as if they were certain.

The counting steps (:func:`funnel`, :func:`sla_compliance`, the KPI counts) are plain
``COUNT``/``SUM ... GROUP BY`` aggregations over the lead table, so they can be pushed down to a
SQL engine without changing the signatures; the models then work on the aggregated or per-lead
tables.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.duration.survfunc import SurvfuncRight, survdiff
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from research._checks import numeric_values, require_columns, require_frame, require_rows, rows_repr
from research._stats import wilson

__all__ = [
    "funnel",
    "compare_conversion",
    "GroupComparison",
    "cycle_length",
    "CycleLength",
    "sla_compliance",
    "speed_to_lead_effect",
    "SpeedToLead",
    "lead_quality_by_source",
    "kpi_table",
    "roi_by_channel",
    "league_table",
    "check_unique",
]

OBSERVATIONAL_CAVEAT = (
    "Observational: leads were not randomly assigned to fast or slow responses, so faster "
    "answers may have gone to leads that looked better. The model adjusts only for the controls "
    "listed; read the odds ratio as an association, and test it (e.g. randomise response order "
    "for a month) before promising it as an effect."
)


def _reached(frame: pd.DataFrame, col: str) -> np.ndarray:
    """Whether each row reached a stage column (a timestamp that is set, or True).

    In a text column an empty or blank string means "never reached", as spreadsheets export it.
    """
    values = frame[col]
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.fillna(False).to_numpy(dtype=bool)
    if _is_text(values):
        return _blank_as_missing(values).notna().to_numpy()
    return values.notna().to_numpy()


def _is_text(values: pd.Series) -> bool:
    return values.dtype == object or isinstance(values.dtype, pd.StringDtype)


def _blank_as_missing(values: pd.Series) -> pd.Series:
    """A text column with its empty and blank strings as missing ("never reached")."""
    return values.astype("string").str.strip().replace("", pd.NA)


def check_unique(frame: pd.DataFrame, col: str, what: str = "leads") -> None:
    """Raise a ValueError naming the duplicated ids of ``col``, if any."""
    dup = frame[col].duplicated(keep=False)
    if dup.any():
        ids = frame.loc[dup, col].drop_duplicates()
        raise ValueError(
            f"{what} has {int(dup.sum()):,} rows sharing {len(ids):,} duplicated {col!r} values "
            f"(e.g. {rows_repr(pd.Index(ids))}); each id must appear once: deduplicate the export "
            "first (keep the latest row per id, for instance)"
        )


def _stage_times(values: pd.Series) -> pd.Series | None:
    """A stage column as timestamps, when it holds them (as datetimes, or as text that reads as
    dates throughout, blanks being "never reached"); None for flags and other text."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values
    if not _is_text(values):
        return None
    text = _blank_as_missing(values)
    if text.isna().all():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "could not infer format"
        parsed = pd.to_datetime(text, errors="coerce", format="mixed")
    return parsed if (parsed.notna() == text.notna()).all() else None


def _stage_checks(frame: pd.DataFrame, stages: Sequence[str], *, times: bool = True) -> None:
    for earlier, later in itertools.pairwise(stages):
        skipped = _reached(frame, later) & ~_reached(frame, earlier)
        if skipped.any():
            raise ValueError(
                f"{int(skipped.sum()):,} rows reached stage {later!r} without stage {earlier!r} "
                f"(rows {rows_repr(frame.index[skipped])}): stages out of order. Fix the export, "
                "or fill the earlier stage (a lead that became an SQL was an MQL)"
            )
        a, b = _stage_times(frame[earlier]), _stage_times(frame[later])
        if times and a is not None and b is not None:
            back = (b < a).to_numpy()
            if back.any():
                raise ValueError(
                    f"{int(back.sum()):,} rows have {later!r} before {earlier!r} (rows "
                    f"{rows_repr(frame.index[back])}): timestamps run backwards. Fix them, or "
                    "pass check_order=False to count stages regardless of their times"
                )


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
        pairs.append({"group_a": a, "group_b": b, "rate_a": ka / na, "rate_b": kb / nb,
                      "difference": ka / na - kb / nb, "z": z, "p_value": pv})  # fmt: skip
    pairwise = pd.DataFrame(pairs)
    reject, adjusted, _, _ = multipletests(pairwise["p_value"], alpha=alpha, method=method)
    pairwise["p_adjusted"] = adjusted
    pairwise["significant"] = reject
    return GroupComparison(
        groups=groups, overall={"chi2": float(chi2), "dof": int(dof), "p_value": float(p)},
        pairwise=pairwise,
    )  # fmt: skip


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


def cycle_length(
    frame: pd.DataFrame,
    start_col: str,
    end_col: str,
    *,
    data_end: str | pd.Timestamp | None = None,
    by: str | None = None,
    backwards: str = "raise",
    ci: float = 0.95,
) -> CycleLength:
    """Days from ``start_col`` to ``end_col``, with rows not yet ended censored at ``data_end``.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per deal (or lead): a start time, and an end time that is missing while open.
    start_col, end_col : str
        Datetime columns.
    data_end : str or Timestamp, optional
        When the data were extracted: open rows are followed up to here. Default: the latest
        time in either column.
    by : str, optional
        Group column; a log-rank test compares the groups.
    backwards : {"raise", "drop"}, default "raise"
        Rows that end before they start: an error naming them, or left out and counted in the
        summary's ``dropped`` column.
    ci : float, default 0.95
        Level of the intervals.

    Returns
    -------
    CycleLength
    """
    data = require_frame(frame, "frame")
    require_columns(data, [start_col, end_col] + ([by] if by else []), "frame")
    require_rows(data, "frame")
    start, end = data[start_col], data[end_col]
    for col in (start_col, end_col):
        if not pd.api.types.is_datetime64_any_dtype(data[col].dtype):
            raise TypeError(f"column {col!r} must be datetime64, got {data[col].dtype}")
    if start.isna().any():
        raise ValueError(
            f"column {start_col!r} is missing for {int(start.isna().sum()):,} rows (rows "
            f"{rows_repr(data.index[start.isna().to_numpy()])}): every row needs a start"
        )
    if backwards not in ("raise", "drop"):
        raise ValueError(f"backwards must be 'raise' or 'drop', got {backwards!r}")
    back = (end < start).to_numpy()
    if back.any() and backwards == "raise":
        raise ValueError(
            f"{int(back.sum()):,} rows end before they start (rows {rows_repr(data.index[back])});"
            " fix them, or pass backwards='drop' to leave them out (they are counted)"
        )
    dropped_labels = data[by].astype(str).to_numpy()[back] if by else np.full(back.sum(), "all")
    data = data[~back]
    start, end = data[start_col], data[end_col]
    limit = pd.Timestamp(data_end) if data_end is not None else max(start.max(), end.max())
    late = (start > limit).to_numpy() | (end > limit).to_numpy()
    if late.any():
        raise ValueError(
            f"{int(late.sum()):,} rows have times after data_end {limit:%Y-%m-%d} (rows "
            f"{rows_repr(data.index[late])})"
        )
    event = end.notna().to_numpy()
    days = ((end.fillna(limit) - start).dt.total_seconds() / 86_400).to_numpy()
    labels = data[by].astype(str).to_numpy() if by else np.full(len(data), "all")
    summaries, curves = [], []
    alpha = 1 - ci
    for group in pd.unique(labels):
        mask = labels == group
        sf = SurvfuncRight(days[mask], event[mask].astype(int))
        if event[mask].any():
            median = sf.quantile(0.5)
            # statsmodels' log-log transform warns at survival 0 or 1; the interval is right
            with np.errstate(divide="ignore", invalid="ignore"):
                low, high = sf.quantile_ci(0.5, alpha=alpha)
        else:
            median = low = high = np.nan
        summaries.append({"group": group, "n": int(mask.sum()), "events": int(event[mask].sum()),
                          "censored": int((~event[mask]).sum()),
                          "dropped": int((dropped_labels == group).sum()), "median_days": median,
                          "median_low": low, "median_high": high})  # fmt: skip
        z = stats.norm.ppf(1 - alpha / 2)
        curves.append(
            pd.DataFrame(
                {
                    "group": group,
                    "days": np.r_[0.0, sf.surv_times],
                    "share_open": np.r_[1.0, sf.surv_prob],
                    "low": np.clip(np.r_[1.0, sf.surv_prob - z * sf.surv_prob_se], 0, 1),
                    "high": np.clip(np.r_[1.0, sf.surv_prob + z * sf.surv_prob_se], 0, 1),
                }
            )
        )
    test = None
    if by and len(summaries) > 1:
        chi2, p = survdiff(days, event.astype(int), labels)
        test = {"chi2": float(chi2), "p_value": float(p)}
    summary = pd.DataFrame(summaries)
    for col in ("median_days", "median_low", "median_high"):
        summary[col] = summary[col].astype(float)
    return CycleLength(summary, pd.concat(curves, ignore_index=True), test)


# --------------------------------------------------------------------------------------------
# speed to lead
# --------------------------------------------------------------------------------------------


def sla_compliance(
    leads: pd.DataFrame,
    *,
    response_col: str = "first_response_hours",
    start_col: str = "mql_at",
    by: str | None = None,
    sla_hours: float = 24.0,
    data_end: str | pd.Timestamp | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Share of handed-over leads answered within the SLA, overall or by team / rep.

    A lead counts once it is due: handed over (``start_col`` set) at least ``sla_hours`` before
    ``data_end``. Due leads never answered are breaches; leads not yet due are left out and
    counted in ``not_yet_due``.

    Returns
    -------
    pandas.DataFrame
        Per group: ``due``, ``within_sla``, ``late``, ``unanswered``, ``share_within`` with its
        Wilson interval, ``median_response_hours`` and ``not_yet_due``.
    """
    frame = require_frame(leads, "leads")
    require_columns(frame, [response_col, start_col] + ([by] if by else []), "leads")
    hours = frame[response_col].to_numpy(dtype=np.float64, na_value=np.nan)
    if (hours < 0).any():
        bad = frame.index[hours < 0]
        raise ValueError(
            f"column {response_col!r} has {len(bad):,} negative response times (rows "
            f"{rows_repr(bad)}): a lead cannot be answered before it is handed over"
        )
    handed = frame[start_col].notna().to_numpy()
    limit = pd.Timestamp(data_end) if data_end is not None else frame[start_col].max()
    due = handed & (frame[start_col] <= limit - pd.Timedelta(hours=sla_hours)).to_numpy()
    within = due & (hours <= sla_hours)
    unanswered = due & np.isnan(hours)
    table = pd.DataFrame(
        {
            "group": frame[by].to_numpy() if by else "all",
            "due": due,
            "within_sla": within,
            "late": due & (hours > sla_hours),
            "unanswered": unanswered,
            "not_yet_due": handed & ~due,
            "hours": np.where(due, hours, np.nan),
        }
    )[handed]  # only handed-over leads belong to the SLA
    out = table.groupby("group", dropna=False).agg(
        due=("due", "sum"), within_sla=("within_sla", "sum"), late=("late", "sum"),
        unanswered=("unanswered", "sum"), not_yet_due=("not_yet_due", "sum"),
        median_response_hours=("hours", "median"),
    )  # fmt: skip
    out["share_within"] = out["within_sla"] / out["due"].where(out["due"] > 0)
    out["low"], out["high"] = wilson(out["within_sla"], out["due"], ci)
    out.index.name = by or "group"
    return out[["due", "within_sla", "late", "unanswered", "share_within", "low", "high",
                "median_response_hours", "not_yet_due"]]  # fmt: skip


@dataclass
class SpeedToLead:
    """Result of :func:`speed_to_lead_effect`.

    Attributes
    ----------
    odds_ratios : pandas.DataFrame
        Every model term: ``odds_ratio``, ``low``, ``high``, ``p_value``; the row
        ``within_sla`` is the one that matters.
    by_response_time : pandas.DataFrame
        Conversion by response-time bucket with Wilson intervals (no controls).
    n : int
        Leads in the model.
    caveat : str
        Why this is an association, not a proven effect.
    """

    odds_ratios: pd.DataFrame
    by_response_time: pd.DataFrame
    n: int
    caveat: str = OBSERVATIONAL_CAVEAT


def _q(col: str) -> str:
    return f'Q("{col}")'


def speed_to_lead_effect(
    leads: pd.DataFrame,
    *,
    outcome_col: str = "is_sql",
    response_col: str = "first_response_hours",
    controls: Sequence[str] = ("channel",),
    sla_hours: float = 24.0,
    buckets: Sequence[float] = (1, 4, 24, 72),
    ci: float = 0.95,
) -> SpeedToLead:
    """Is answering within the SLA associated with conversion? A logistic model with controls.

    Parameters
    ----------
    leads : pandas.DataFrame
        Answered leads (rows without a response time are left out) whose outcome is known:
        leave out leads too recent to have converted yet.
    outcome_col : str, default "is_sql"
        Boolean (or 0/1) outcome.
    response_col : str, default "first_response_hours"
        Hours to the first response.
    controls : sequence of str, default ("channel",)
        Categorical columns to adjust for.
    sla_hours : float, default 24
        The SLA.
    buckets : sequence of float
        Hour boundaries of the response-time buckets for the descriptive table.
    """
    frame = require_frame(leads, "leads")
    require_columns(frame, [outcome_col, response_col, *controls], "leads")
    data = frame[frame[response_col].notna()]
    if len(data) < 20:
        raise ValueError(f"only {len(data)} answered leads: too few for a model")
    y = data[outcome_col]
    if not (pd.api.types.is_bool_dtype(y.dtype) or set(pd.unique(y.dropna())) <= {0, 1}):
        raise ValueError(f"column {outcome_col!r} must be boolean or 0/1")
    if y.nunique() < 2:
        raise ValueError(f"column {outcome_col!r} has one value only: nothing to explain")
    hours = numeric_values(data, response_col, "leads")
    model_data = pd.DataFrame({"y": y.astype(int).to_numpy(),
                               "within_sla": (hours <= sla_hours).astype(int)})  # fmt: skip
    for col in controls:
        model_data[col] = data[col].astype(str).to_numpy()
    formula = "y ~ within_sla" + "".join(f" + C({_q(c)})" for c in controls)
    fit = smf.logit(formula, model_data).fit(disp=False)
    conf = fit.conf_int(1 - ci)
    odds = pd.DataFrame(
        {"odds_ratio": np.exp(fit.params), "low": np.exp(conf[0]), "high": np.exp(conf[1]),
         "p_value": fit.pvalues}
    ).drop(index="Intercept")  # fmt: skip
    odds.index.name = "term"
    edges = [0.0, *buckets, np.inf]
    labels = [f"{a:g}-{b:g} h" for a, b in itertools.pairwise(edges[:-1])] + [f">{edges[-2]:g} h"]
    bucket = pd.cut(hours, edges, labels=labels, right=True, include_lowest=True)
    by_time = model_data.groupby(bucket, observed=False)["y"].agg(["size", "sum"])
    by_time.columns = ["leads", "conversions"]
    by_time["rate"] = by_time["conversions"] / by_time["leads"].where(by_time["leads"] > 0)
    by_time["low"], by_time["high"] = wilson(by_time["conversions"], by_time["leads"], ci)
    by_time.index.name = "response_time"
    return SpeedToLead(odds, by_time, int(fit.nobs))


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
    campaigns: pd.DataFrame, leads: pd.DataFrame, opportunities: pd.DataFrame,
    gross_margin: float,
) -> pd.DataFrame:  # fmt: skip
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


def _interval(draws: pd.Series | np.ndarray, ci: float) -> tuple[float, float]:
    draws = np.asarray(draws, dtype=np.float64)
    draws = draws[np.isfinite(draws)]
    if len(draws) == 0:
        return np.nan, np.nan
    low, high = np.quantile(draws, [(1 - ci) / 2, 1 - (1 - ci) / 2])
    return float(low), float(high)


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
) -> pd.DataFrame:
    """Campaign ROI by channel, ``(gross profit of won deals - spend) / spend x 100``.

    The gross profit of a won deal is its first-year contract value times ``gross_margin``;
    each lead carries an equal share of its campaign's spend. The interval is a percentile
    bootstrap over the channel's leads (spend per lead fixed, outcomes resampled).

    Returns
    -------
    pandas.DataFrame
        Per channel: ``spend``, ``leads``, ``customers``, ``gross_profit``, ``roi_pct`` with
        ``low`` and ``high``, and ``cac`` (spend per new customer).
    """
    for name, frame, cols in (
        ("campaigns", campaigns, ["campaign_id", "channel", "spend"]),
        ("leads", leads, ["lead_id", "campaign_id", "channel"]),
        ("opportunities", opportunities, ["lead_id", "status", "amount"]),
    ):
        require_columns(require_frame(frame, name), cols, name)
    check_unique(leads, "lead_id")
    if not 0 < gross_margin <= 1:
        raise ValueError(f"gross_margin must be in (0, 1], got {gross_margin!r}")
    money = _per_lead_money(campaigns, leads, opportunities, gross_margin)
    rng = np.random.default_rng(random_state)

    rows = []
    for channel, part in money.groupby("channel"):
        total = part[["cost", "won", "profit"]].sum()
        low, high = _interval(_roi(_resampled_totals(part, n_boot, rng)), ci)
        rows.append({"channel": channel, "spend": total["cost"], "leads": len(part),
                     "customers": int(total["won"]), "gross_profit": total["profit"],
                     "roi_pct": _roi(total) if total["cost"] > 0 else np.nan,
                     "low": low, "high": high, "cac": _cac(total)})  # fmt: skip
    return pd.DataFrame(rows).set_index("channel").sort_values("roi_pct", ascending=False)


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
) -> pd.DataFrame:
    """One table of both teams' KPIs, each with its definition, count and interval.

    The inputs use the column names of :func:`research.synthetic.make_crm` (campaigns with
    ``spend``, ``impressions``, ``clicks``; leads with ``is_mql``, ``is_sql``,
    ``first_response_hours``, ``mql_at``; opportunities with ``status``, ``amount``,
    ``created_at``, ``closed_at``; customers with ``start_at``, ``mrr``, ``churned_at``).

    Returns
    -------
    pandas.DataFrame
        Columns ``team`` (marketing, sales, shared), ``kpi``, ``value``, ``low``, ``high``,
        ``n`` (the count behind it), ``unit`` and ``definition``.
    """
    for name, frame, cols in (
        ("campaigns", campaigns, ["campaign_id", "channel", "spend", "impressions", "clicks"]),
        ("leads", leads, ["lead_id", "campaign_id", "channel", "is_mql", "is_sql", "mql_at",
                          "first_response_hours"]),
        ("opportunities", opportunities, ["lead_id", "status", "amount", "created_at",
                                          "closed_at"]),
        ("customers", customers, ["start_at", "mrr", "churned_at"]),
    ):  # fmt: skip
        require_columns(require_frame(frame, name), cols, name)
    check_unique(leads, "lead_id")
    if leads.empty:
        raise ValueError("leads is empty (0 rows): there is no KPI to compute")
    end = pd.Timestamp(data_end)
    rng = np.random.default_rng(random_state)
    rows: list[dict[str, object]] = []

    def add(team, kpi, value, low, high, n, unit, definition):
        rows.append({"team": team, "kpi": kpi, "value": value, "low": low, "high": high,
                     "n": n, "unit": unit, "definition": definition})  # fmt: skip

    def rate(team, kpi, k, n, definition):
        low, high = wilson(k, n, ci)
        add(team, kpi, k / n if n else np.nan, float(low), float(high), int(n), "share", definition)

    n_leads = len(leads)
    mql, sql = int(leads["is_mql"].sum()), int(leads["is_sql"].sum())
    add("marketing", "leads", n_leads, np.nan, np.nan, n_leads, "count", "leads created")
    add("marketing", "MQLs", mql, np.nan, np.nan, n_leads, "count", "marketing-qualified leads")
    rate("marketing", "lead to MQL", mql, n_leads, "MQLs / leads")
    rate("marketing", "MQL to SQL", sql, mql, "SQLs / MQLs (recent MQLs may still convert)")
    clicks, shown = int(campaigns["clicks"].sum()), int(campaigns["impressions"].sum())
    rate("marketing", "CTR", clicks, shown, "clicks / impressions, all campaigns")
    money = _per_lead_money(campaigns, leads, opportunities, gross_margin)
    spend = float(money["cost"].sum())
    new_customers = int(money["won"].sum())
    boot = _resampled_totals(money, n_boot, rng)
    low, high = _interval(boot["cost"] / boot["n"], ci)
    add(
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
    cac_low, cac_high = _interval(_cac(boot), ci)
    add(
        "marketing",
        "CAC",
        cac,
        cac_low,
        cac_high,
        new_customers,
        "currency",
        "campaign spend / new customers (won deals); bootstrap interval over leads",
    )
    low, high = _interval(_roi(boot), ci)
    add(
        "marketing",
        "campaign ROI",
        _roi(money[["cost", "won", "profit"]].sum()),
        low,
        high,
        n_leads,
        "percent",
        f"(gross profit of won deals at {gross_margin:.0%} margin - spend) / spend x 100"
        + ("; no campaign spend in the data, so no ROI" if spend == 0 else ""),
    )

    opps = opportunities
    closed = opps[opps["status"] != "open"]
    won = closed[closed["status"] == "won"]
    rate("sales", "win rate", len(won), len(closed), "won / closed opportunities")
    if len(won) > 1:
        low, high = stats.t.interval(ci, len(won) - 1, won["amount"].mean(),
                                     stats.sem(won["amount"]))  # fmt: skip
    else:
        low = high = np.nan
    add(
        "sales",
        "average deal size",
        won["amount"].mean(),
        low,
        high,
        len(won),
        "currency",
        "mean annual contract value of won deals; t interval",
    )
    cycle = cycle_length(opps, "created_at", "closed_at", data_end=end).summary.iloc[0]
    add(
        "sales",
        "sales cycle (median)",
        cycle["median_days"],
        cycle["median_low"],
        cycle["median_high"],
        int(cycle["n"]),
        "days",
        "opportunity created to closed; open deals censored (Kaplan-Meier)",
    )
    active = customers["churned_at"].isna() | (customers["churned_at"] > end)
    mrr = float(customers.loc[active, "mrr"].sum())
    add(
        "sales",
        "MRR",
        mrr,
        np.nan,
        np.nan,
        int(active.sum()),
        "currency",
        f"monthly recurring revenue of customers active on {end:%Y-%m-%d}",
    )
    add("sales", "ARR", 12 * mrr, np.nan, np.nan, int(active.sum()), "currency", "12 x MRR")
    exposure = (
        (customers["churned_at"].fillna(end).clip(upper=end) - customers["start_at"])
        .dt.total_seconds().sum() / (30.4375 * 86_400)
    )  # fmt: skip
    churned = int((~active).sum())
    churn = churned / exposure if exposure > 0 else np.nan
    churn_low = stats.chi2.ppf((1 - ci) / 2, 2 * churned) / 2 / exposure if churned else 0.0
    churn_high = stats.chi2.ppf(1 - (1 - ci) / 2, 2 * churned + 2) / 2 / exposure
    add(
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
    add(
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
    ratio_low = ltv_low / cac_high if cac_high else np.nan
    ratio_high = ltv_high / cac_low if cac_low else np.nan
    add(
        "shared",
        "LTV:CAC",
        ltv / cac if cac else np.nan,
        ratio_low,
        ratio_high,
        new_customers,
        "ratio",
        "LTV / CAC; conservative interval (the bounds combined)",
    )
    sla = sla_compliance(leads, sla_hours=sla_hours, data_end=end).iloc[0]
    add(
        "shared",
        f"answered within {sla_hours:g} h",
        sla["share_within"],
        sla["low"],
        sla["high"],
        int(sla["due"]),
        "share",
        "MQLs answered within the SLA / MQLs due",
    )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# league tables
# --------------------------------------------------------------------------------------------


def league_table(
    frame: pd.DataFrame,
    rep_col: str,
    outcome_col: str,
    *,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Reps ranked by a success rate, with intervals and empirical-Bayes shrinkage.

    Each rep's rate gets a Wilson interval; the ``shrunk`` rate pulls small samples towards the
    team rate (a beta-binomial prior fitted to all reps by the method of moments), and the
    table is ranked by it. ``vs_team`` says whether the rep's interval excludes the team rate.

    Returns
    -------
    pandas.DataFrame
        Per rep: ``n``, ``successes``, ``rate``, ``low``, ``high``, ``shrunk``, ``rank``,
        ``vs_team`` ("above", "below" or "not distinguishable").
    """
    data = require_frame(frame, "frame")
    require_columns(data, [rep_col, outcome_col], "frame")
    data = data.dropna(subset=[rep_col])
    require_rows(data, "frame")
    y = data[outcome_col]
    if not (pd.api.types.is_bool_dtype(y.dtype) or set(pd.unique(y.dropna())) <= {0, 1}):
        raise ValueError(f"column {outcome_col!r} must be boolean or 0/1")
    table = y.astype(int).groupby(data[rep_col].astype(str)).agg(["size", "sum"])
    table.columns = ["n", "successes"]
    table["rate"] = table["successes"] / table["n"]
    table["low"], table["high"] = wilson(table["successes"], table["n"], ci)
    team = table["successes"].sum() / table["n"].sum()
    # method-of-moments beta prior: between-rep variance beyond binomial noise
    var = np.average((table["rate"] - team) ** 2, weights=table["n"])
    noise = team * (1 - team) * np.mean(1 / table["n"])
    between = max(var - noise, 1e-9)
    strength = max(team * (1 - team) / between - 1, 0.0)
    table["shrunk"] = (table["successes"] + strength * team) / (table["n"] + strength)
    table["rank"] = table["shrunk"].rank(ascending=False, method="min").astype(int)
    table["vs_team"] = np.select(
        [table["low"] > team, table["high"] < team],
        ["above", "below"],
        default="not distinguishable",
    )
    table.attrs["team_rate"] = team
    table.index.name = rep_col
    return table.sort_values("rank")
