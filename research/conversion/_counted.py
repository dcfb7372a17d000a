"""What the lead-scoring results with intervals share: the main table, the interval level and
the leads and converters it rests on."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from research._results import Result


@dataclass(frozen=True, eq=False, repr=False)
class _Counted(Result):
    """A result on ``n`` leads, ``n_converted`` of whom converted, whose main ``table`` has
    intervals of level ``ci`` (the subclasses document their tables)."""

    table: pd.DataFrame
    ci: float
    n: int
    n_converted: int
