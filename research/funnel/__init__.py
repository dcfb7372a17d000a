"""Funnel, KPIs and the marketing-sales SLA: one set of numbers for both teams.

* :func:`read_crm`: a CRM export read once (:class:`CRMExport`): its tables checked through
  :class:`CRMColumns`, dates written as text read, the deals' stages added to the leads, and
  what the export supports (deals, spend, customers, response times, owners).
* :func:`opportunity_stages`: a lead table with its deals' dates, the stage columns a
  lead-to-won funnel needs.
* :func:`funnel`: how many leads reach each stage and convert to the next, with Wilson intervals
  and the bottleneck, overall or by source, campaign or monthly cohort (:class:`Funnel`);
  :func:`compare_conversion` tests whether groups differ, with a multiple-comparison correction
  (:class:`GroupComparison`).
* :func:`cycle_length`: time to close with open deals censored, not dropped (Kaplan-Meier;
  :class:`CycleLength`).
* :func:`sla_compliance` and :func:`speed_to_lead_effect`: how fast leads are answered
  (:class:`SLACompliance`), and what answering within the SLA is associated with
  (:class:`SpeedToLead`, observational).
* :func:`lead_quality_by_source`: separates "marketing sent weaker leads" from "sales followed up
  slower", with a model holding both source and response time (:class:`LeadQuality`).
* :func:`kpi_table` and :func:`roi_by_channel`: both teams' KPIs with definitions and intervals
  (:class:`KPITable`), campaign ROI per channel (:class:`ChannelROI`), on your export's column
  names through :class:`CRMColumns`.
* :func:`league_table`: reps ranked with intervals and shrinkage, so small samples are not
  ranked as if they were certain (:class:`LeagueTable`).

Every analysis returns a frozen result (:mod:`research._results`): its ``table``, the counts,
the interval level ``ci``, ``to_frame()``, an HTML repr and, where there is a chart of it,
``plot(ax=None)`` (the charts are in :mod:`research.funnel.plotting`).

The counting steps (:func:`funnel`, :func:`sla_compliance`, the KPI counts) are plain
``COUNT``/``SUM ... GROUP BY`` aggregations over the lead table, so they can be pushed down to a
SQL engine without changing the signatures; the models then work on the aggregated or per-lead
tables.
"""

from research.funnel.columns import *  # noqa: F403 - the names of columns.__all__
from research.funnel.columns import __all__ as _columns_names
from research.funnel.cycle import *  # noqa: F403 - the names of cycle.__all__
from research.funnel.cycle import __all__ as _cycle_names
from research.funnel.export import *  # noqa: F403 - the names of export.__all__
from research.funnel.export import __all__ as _export_names
from research.funnel.kpis import *  # noqa: F403 - the names of kpis.__all__
from research.funnel.kpis import __all__ as _kpis_names
from research.funnel.quality import *  # noqa: F403 - the names of quality.__all__
from research.funnel.quality import __all__ as _quality_names
from research.funnel.reps import *  # noqa: F403 - the names of reps.__all__
from research.funnel.reps import __all__ as _reps_names
from research.funnel.sla import *  # noqa: F403 - the names of sla.__all__
from research.funnel.sla import __all__ as _sla_names
from research.funnel.stages import *  # noqa: F403 - the names of stages.__all__
from research.funnel.stages import __all__ as _stages_names

__all__ = [
    *_columns_names,
    *_export_names,
    *_stages_names,
    *_cycle_names,
    *_sla_names,
    *_quality_names,
    *_kpis_names,
    *_reps_names,
]
