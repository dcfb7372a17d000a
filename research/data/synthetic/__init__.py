"""The synthetic B2B SaaS CRM with known planted effects (:mod:`.generator`) and the phrase
bank its messages are written from (:mod:`.phrases`), for what no public dataset contains.

Everything made here is labelled :data:`SYNTHETIC_LABEL` wherever it is shown.
"""

from research.data.synthetic.generator import *  # noqa: F403 - the names of generator.__all__
from research.data.synthetic.generator import __all__ as _generator_names

__all__ = [*_generator_names]
