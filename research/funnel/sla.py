"""Speed to lead and the marketing-sales SLA.

* :func:`sla_compliance` and :func:`speed_to_lead_effect`: how fast leads are answered, and what
  answering within the SLA is associated with (observational).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from research._stats import wilson
from research._validation import numeric_values, require_columns, require_frame, rows_repr
from research.funnel._stages import OBSERVATIONAL_CAVEAT

__all__ = [
    "sla_compliance",
    "speed_to_lead_effect",
    "SpeedToLead",
]

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
        due=("due", "sum"),
        within_sla=("within_sla", "sum"),
        late=("late", "sum"),
        unanswered=("unanswered", "sum"),
        not_yet_due=("not_yet_due", "sum"),
        median_response_hours=("hours", "median"),
    )
    out["share_within"] = out["within_sla"] / out["due"].where(out["due"] > 0)
    out["low"], out["high"] = wilson(out["within_sla"], out["due"], ci)
    out.index.name = by or "group"
    return out[
        [
            "due",
            "within_sla",
            "late",
            "unanswered",
            "share_within",
            "low",
            "high",
            "median_response_hours",
            "not_yet_due",
        ]
    ]


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
    model_data = pd.DataFrame(
        {"y": y.astype(int).to_numpy(), "within_sla": (hours <= sla_hours).astype(int)}
    )
    for col in controls:
        model_data[col] = data[col].astype(str).to_numpy()
    formula = "y ~ within_sla" + "".join(f" + C({_q(c)})" for c in controls)
    fit = smf.logit(formula, model_data).fit(disp=False)
    conf = fit.conf_int(1 - ci)
    odds = pd.DataFrame(
        {
            "odds_ratio": np.exp(fit.params),
            "low": np.exp(conf[0]),
            "high": np.exp(conf[1]),
            "p_value": fit.pvalues,
        }
    ).drop(index="Intercept")
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
