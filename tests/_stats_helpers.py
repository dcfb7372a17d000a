"""Statistics written out for the tests, independently of :mod:`research._stats`, so that the
package's intervals are checked against the textbook formulas rather than against themselves."""

from __future__ import annotations

import math
from statistics import NormalDist


def wilson(k: int, n: int, ci: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of ``k`` successes in ``n`` trials at level ``ci`` (Wilson
    1927), written out.

    >>> [round(v, 4) for v in wilson(3, 5)]
    [0.2307, 0.8824]
    """
    z = NormalDist().inv_cdf(1 - (1 - ci) / 2)
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half
