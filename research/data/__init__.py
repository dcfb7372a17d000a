"""The data of the analyses: the real public datasets (:mod:`research.data.loaders`: one
registry, one lookup rule, one loader per dataset) and the documented synthetic CRM with
planted effects (:mod:`research.data.synthetic`), for what no public dataset holds; and
:func:`read_table` and :func:`read_export`, which read a user's own export.
"""

from research.data.loaders import *  # noqa: F403 - the names of loaders.__all__
from research.data.loaders import __all__ as _loader_names
from research.data.synthetic import SYNTHETIC_LABEL, SyntheticCRM, make_crm
from research.data.tables import read_export, read_table

__all__ = [
    *_loader_names,
    "SYNTHETIC_LABEL",
    "SyntheticCRM",
    "make_crm",
    "read_export",
    "read_table",
]
