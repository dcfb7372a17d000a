"""Funnel, KPIs and the marketing-sales SLA: one set of numbers for both teams.

* :func:`funnel`: how many leads reach each stage and convert to the next, with Wilson intervals
  and the bottleneck, overall or by source, campaign or monthly cohort;
  :func:`compare_conversion` tests whether groups differ, with a multiple-comparison correction.
* :func:`cycle_length`: time to close with open deals censored, not dropped (Kaplan-Meier).
* :func:`sla_compliance` and :func:`speed_to_lead_effect`: how fast leads are answered, and what
  answering within the SLA is associated with (observational).
* :func:`lead_quality_by_source`: separates "marketing sent weaker leads" from "sales followed up
  slower", with a model holding both source and response time.
* :func:`kpi_table` and :func:`roi_by_channel`: both teams' KPIs with definitions and intervals,
  on your export's column names through :class:`CRMColumns`.
* :func:`league_table`: reps ranked with intervals and shrinkage, so small samples are not
  ranked as if they were certain.

The counting steps (:func:`funnel`, :func:`sla_compliance`, the KPI counts) are plain
``COUNT``/``SUM ... GROUP BY`` aggregations over the lead table, so they can be pushed down to a
SQL engine without changing the signatures; the models then work on the aggregated or per-lead
tables.

"""

from research.funnel._stages import check_unique
from research.funnel.columns import CRMColumns
from research.funnel.cycle import cycle_length
from research.funnel.kpis import kpi_table, lead_quality_by_source, roi_by_channel
from research.funnel.reps import league_table
from research.funnel.sla import SpeedToLead, sla_compliance, speed_to_lead_effect
from research.funnel.stages import (
    CycleLength,
    FunnelDataWarning,
    GroupComparison,
    compare_conversion,
    funnel,
    opportunity_stages,
)

__all__ = [
    "CRMColumns",
    "opportunity_stages",
    "FunnelDataWarning",
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
