"""Lead quality by source: weaker leads, or slower follow-up?

* :func:`lead_quality_by_source`: separates "marketing sent weaker leads" from "sales followed up
  slower", with a model holding both source and response time (:class:`LeadQuality`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from research._columns import IS_SQL_COL, RESPONSE_COL, SOURCE_COL
from research._format import ci_label
from research._results import Result
from research._stats import logit_odds_ratios, wilson
from research._validation import (
    check_ci,
    check_number,
    numeric_values,
    require_columns,
    require_frame,
    require_rows,
    rows_repr,
)
from research.funnel._stages import _binary_outcome, check_response_hours

__all__ = [
    "lead_quality_by_source",
    "LeadQuality",
]


@dataclass(frozen=True, eq=False, repr=False)
class LeadQuality(Result):
    """Conversion by source, raw and with response time held fixed: the result of
    :func:`lead_quality_by_source`.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by source (named ``source_col``): ``leads``, ``conversions``, ``rate`` with its
        Wilson interval ``low``, ``high``, ``within_sla`` (share answered within the SLA, when
        response time is held), ``value_mean`` (with ``value_col``), the raw odds ratio
        against the reference source ``or_raw`` with ``or_raw_low``, ``or_raw_high``, the
        adjusted one ``or_adjusted`` (same bounds; when response time is held), and
        ``reading``: "weaker leads" or "stronger leads" when the last odds ratio's interval
        excludes 1, else "no clear difference"; the reference row reads "reference".
    reference : str
        The source the odds ratios compare with.
    n : int
        Leads in the models.
    adjusted : bool
        Whether the models hold response time (``response_col`` was given).
    sla_hours : float
        The SLA that defines "answered in time".
    source_col : str
        The source column.
    ci : float
        Level of the intervals.
    """

    table: pd.DataFrame
    reference: str
    n: int
    adjusted: bool
    sla_hours: float
    source_col: str
    ci: float

    @property
    def weaker(self) -> list[str]:
        """The sources whose leads are weaker than the reference's."""
        return self.table.index[self.table["reading"] == "weaker leads"].tolist()

    @property
    def stronger(self) -> list[str]:
        """The sources whose leads are stronger than the reference's."""
        return self.table.index[self.table["reading"] == "stronger leads"].tolist()

    def _caption(self) -> str:
        held = f", adjusted for answering within {self.sla_hours:g} h" if self.adjusted else ""
        return (
            f"Conversion by {self.source_col} of {self.n:,} leads: odds ratios against "
            f"{self.reference}{held} ({ci_label(self.ci)} intervals)"
        )


def lead_quality_by_source(
    leads: pd.DataFrame,
    *,
    source_col: str = SOURCE_COL,
    outcome_col: str = IS_SQL_COL,
    response_col: str | None = RESPONSE_COL,
    value_col: str | None = None,
    sla_hours: float = 24.0,
    reference: str | None = None,
    ci: float = 0.95,
) -> LeadQuality:
    """Conversion (and value) by source, before and after adjusting for response time.

    Two logistic models: ``outcome ~ source`` (raw odds ratios against the reference source)
    and ``outcome ~ source + within_sla`` (adjusted). If a source's raw gap shrinks once
    response time is held fixed, part of it was slower follow-up; what remains is the leads
    themselves.

    Parameters
    ----------
    leads : pandas.DataFrame
        One row per lead whose outcome is known (rows without a source, or without a response
        time when ``response_col`` is given, are left out). Not modified.
    source_col : str, default "channel"
        The lead source.
    outcome_col : str, default "is_sql"
        Boolean (or 0/1) outcome.
    response_col : str or None, default "first_response_hours"
        Hours to the first response; None for the raw model only.
    value_col : str, optional
        A numeric column whose mean per source is reported (deal value, ...).
    sla_hours : float, default 24
        The SLA, in hours (>= 0).
    reference : str, optional
        The source to compare with; default the largest.
    ci : float, default 0.95
        Level of the intervals, in (0, 1).

    Returns
    -------
    LeadQuality

    Raises
    ------
    TypeError
        ``leads`` is not a DataFrame, or the response times or values are not numbers.
    ValueError
        A column is missing, a response time is negative, no lead is left, fewer than two
        sources, the outcome is not 0/1, ``reference`` is not a source, or a parameter is out
        of range.

    Examples
    --------
    >>> quality = lead_quality_by_source(mqls)  # doctest: +SKIP
    >>> quality.weaker  # doctest: +SKIP
    ['social']
    """
    frame = require_frame(leads, "leads")
    optional = [c for c in (response_col, value_col) if c]
    require_columns(frame, [source_col, outcome_col, *optional], "leads")
    sla_hours = check_number(sla_hours, "sla_hours", minimum=0)
    ci = check_ci(ci)
    if response_col:
        check_response_hours(frame, response_col, "leads")
    data = frame.dropna(subset=[source_col])
    if response_col:
        data = data[data[response_col].notna()]
    require_rows(data, "leads with a source" + (" and a response time" if response_col else ""))
    y = pd.Series(_binary_outcome(data, outcome_col, "leads"), index=data.index)
    source = data[source_col].astype(str)
    reference = _reference(source, reference)
    hours = numeric_values(data, response_col, "leads") if response_col else None
    if value_col:
        numeric_values(data.dropna(subset=[value_col]), value_col, "leads")
    table = pd.DataFrame({"leads": source.value_counts()}).sort_index()
    table["conversions"] = y.groupby(source).sum()
    table["rate"] = table["conversions"] / table["leads"]
    table["low"], table["high"] = wilson(table["conversions"], table["leads"], ci)
    model = pd.DataFrame({"y": y.to_numpy(), "source": source.to_numpy()})
    if hours is not None:
        model["within_sla"] = (hours <= sla_hours).astype(int)
        table["within_sla"] = model.groupby("source")["within_sla"].mean()
    if value_col:
        table["value_mean"] = data.groupby(source)[value_col].mean()
    _add_odds_ratios(table, model, reference, ci)
    last = "adjusted" if hours is not None else "raw"
    table["reading"] = np.select(
        [table.index == reference, table[f"or_{last}_high"] < 1, table[f"or_{last}_low"] > 1],
        ["reference", "weaker leads", "stronger leads"],
        default="no clear difference",
    )
    table.index.name = source_col
    return LeadQuality(table, reference, len(model), hours is not None, sla_hours, source_col, ci)


def _reference(source: pd.Series, reference: str | None) -> str:
    """The reference source: the one given, checked, or the largest."""
    counts = source.value_counts()
    if len(counts) < 2:
        raise ValueError(
            f"leads have {len(counts)} source(s) ({rows_repr(counts.index)}): at least two are "
            "needed to compare"
        )
    if reference is None:
        return str(counts.idxmax())
    if str(reference) not in counts.index:
        raise ValueError(
            f"reference {reference!r} is not a source; the sources are {rows_repr(counts.index)}"
        )
    return str(reference)


def _add_odds_ratios(table: pd.DataFrame, model: pd.DataFrame, reference: str, ci: float) -> None:
    """Adds the raw (and, with ``within_sla`` in ``model``, adjusted) odds ratios against
    ``reference`` to ``table`` (statsmodels' logit). Prior validation is assumed."""
    term = f"C(source, Treatment(reference={reference!r}))"
    formulas = {"raw": f"y ~ {term}"}
    if "within_sla" in model.columns:
        formulas["adjusted"] = f"y ~ {term} + within_sla"
    for name, formula in formulas.items():
        odds, _ = logit_odds_ratios(formula, model, ci)
        for src in table.index:
            if src == reference:
                values = (1.0, 1.0, 1.0)
            else:
                values = tuple(odds.loc[f"{term}[T.{src}]", ["odds_ratio", "low", "high"]])
            table.loc[src, [f"or_{name}", f"or_{name}_low", f"or_{name}_high"]] = values
