"""The data of the analyses: the real public datasets (:mod:`research.data.loaders`: one
registry, one lookup rule, one loader per dataset) and the documented synthetic CRM with
planted effects (:mod:`research.data.synthetic`), for what no public dataset holds.
"""

from research.data.loaders import (
    BANK_MARKETING_POST_OUTCOME_COLUMNS,
    DATASETS,
    OLIST_MQL_FEATURES,
    OLIST_POST_OUTCOME_COLUMNS,
    ChecksumMismatchError,
    Dataset,
    DatasetFile,
    DatasetNotFoundError,
    DatasetReadError,
    cache_dir,
    fetch_file,
    load_bank_marketing,
    load_cdnow,
    load_olist_funnel,
    load_upworthy,
    olist_mql_features,
)
from research.data.synthetic import SYNTHETIC_LABEL, SyntheticCRM, make_crm

__all__ = [
    "DATASETS",
    "Dataset",
    "DatasetFile",
    "DatasetNotFoundError",
    "ChecksumMismatchError",
    "DatasetReadError",
    "cache_dir",
    "fetch_file",
    "load_cdnow",
    "load_olist_funnel",
    "OLIST_POST_OUTCOME_COLUMNS",
    "olist_mql_features",
    "OLIST_MQL_FEATURES",
    "load_upworthy",
    "load_bank_marketing",
    "BANK_MARKETING_POST_OUTCOME_COLUMNS",
    "SYNTHETIC_LABEL",
    "SyntheticCRM",
    "make_crm",
]
