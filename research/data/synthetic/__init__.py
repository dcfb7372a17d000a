"""The synthetic B2B SaaS CRM with known planted effects (:mod:`.generator`) and the phrase
bank its messages are written from (:mod:`.phrases`), for what no public dataset contains.

Everything made here is labelled :data:`SYNTHETIC_LABEL` wherever it is shown.
"""

from research.data.synthetic.generator import (
    CHANNELS,
    STAGES,
    SYNTHETIC_LABEL,
    Effects,
    SyntheticCRM,
    make_crm,
    write_sample,
)

__all__ = [
    "CHANNELS",
    "STAGES",
    "SYNTHETIC_LABEL",
    "Effects",
    "SyntheticCRM",
    "make_crm",
    "write_sample",
]
