"""The data of the analyses: the real public datasets (:mod:`research.data.loaders`: one
registry, one lookup rule, one loader per dataset) and the documented synthetic CRM with
planted effects (:mod:`research.data.synthetic`), for what no public dataset holds.
"""

from research.data.loaders import *  # noqa: F403 - the names of loaders.__all__
from research.data.loaders import __all__ as _loader_names
from research.data.synthetic import SYNTHETIC_LABEL, SyntheticCRM, make_crm

__all__ = [*_loader_names, "SYNTHETIC_LABEL", "SyntheticCRM", "make_crm"]
