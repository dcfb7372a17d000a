"""Market and sales research toolkit.

One subpackage per question, each with its charts in its own ``plotting`` module:
:mod:`research.segmentation` (RFM, segments, clusters), :mod:`research.clv` (lifetime value),
:mod:`research.conversion` (lead scoring), :mod:`research.messages` (marketing-versus-sales
messages), :mod:`research.funnel` (funnel, KPIs and the SLA); :mod:`research.data` (the public
datasets and the synthetic CRM) and :mod:`research.report` (the notebooks as HTML reports).
"""

from research.data import load_cdnow
from research.segmentation import (
    RFM_SEGMENT_RULES,
    CustomerSegmenter,
    rfm_scores,
    rfm_segments,
    rfm_summary,
)

__version__ = "0.1.0"

__all__ = [
    "RFM_SEGMENT_RULES",
    "CustomerSegmenter",
    "load_cdnow",
    "rfm_scores",
    "rfm_segments",
    "rfm_summary",
]
