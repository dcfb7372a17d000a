"""Market and sales research toolkit.

One subpackage per question, each with its charts in its own ``plotting`` module:
:mod:`research.segmentation` (RFM, segments, clusters), :mod:`research.clv` (lifetime value),
:mod:`research.conversion` (lead scoring), :mod:`research.messages` (marketing-versus-sales
messages), :mod:`research.funnel` (funnel, KPIs and the SLA); :mod:`research.data` (the public
datasets and the synthetic CRM), :mod:`research.report` (the notebooks as HTML reports) and
:mod:`research.cli` (the ``research`` command).

The names below are imported on first use, so ``import research`` (and ``research --help``)
does not load pandas, SciPy and scikit-learn until an analysis needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "load_cdnow": "research.data",
    "RFM_SEGMENT_RULES": "research.segmentation",
    "CustomerSegmenter": "research.segmentation",
    "rfm_scores": "research.segmentation",
    "rfm_segments": "research.segmentation",
    "rfm_summary": "research.segmentation",
}

__all__ = [
    "RFM_SEGMENT_RULES",
    "CustomerSegmenter",
    "load_cdnow",
    "rfm_scores",
    "rfm_segments",
    "rfm_summary",
]

if TYPE_CHECKING:  # pragma: no cover
    from research.data import load_cdnow
    from research.segmentation import (
        RFM_SEGMENT_RULES,
        CustomerSegmenter,
        rfm_scores,
        rfm_segments,
        rfm_summary,
    )


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'research' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
