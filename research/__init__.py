"""Market and sales research toolkit.

One module per question: :mod:`research.segmentation` (RFM, segments, clusters),
:mod:`research.datasets` (the real public datasets), :mod:`research.plots` (standard charts),
:mod:`research.report` (executes the notebooks into HTML reports).
"""

from research.datasets import load_cdnow
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
