"""Numbers, shares, amounts and intervals as text, written once for the charts, the result
captions and the notebooks' sentences (through :func:`research.report.format_interval`).

Every function returns "n/a" (or "-" for a lift) for a value that is not finite, so a missing
estimate never shows as "nan%".
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = [
    "ci_label",
    "format_interval",
    "_pct",
    "_pct1",
    "_times",
    "_signed",
    "_money",
    "_short_amount",
    "_number",
    "_bracket",
]


def ci_label(ci: float) -> str:
    """An interval level as a percentage for labels: 0.95 -> "95%", 0.975 -> "97.5%".

    Examples
    --------
    >>> ci_label(0.9), ci_label(0.975)
    ('90%', '97.5%')
    """
    return f"{round(100 * float(ci), 6):g}%"


def _pct(share: float) -> str:
    """A share as a short percentage: 68%, 4.5%, 0.2%, 0%."""
    if not np.isfinite(share):
        return "n/a"
    pct = 100 * share
    if pct == 0 or abs(pct) >= 9.95:
        return f"{pct:.0f}%"
    return f"{pct:.1f}%"


def _pct1(share: float) -> str:
    """A share with one decimal: 29.8%, 4.5%, 100.0% (two decimals below 0.1%)."""
    if not np.isfinite(share):
        return "n/a"
    pct = 100 * share
    return f"{pct:.2f}%" if 0 < abs(pct) < 0.1 else f"{pct:.1f}%"


def _times(lift: float) -> str:
    """A lift as a short multiplier: 2.5x, 1.0x, 0.23x, 12x."""
    if not np.isfinite(lift):
        return "-"
    if lift == 0:
        return "0×"
    return f"{lift:#.2g}×" if abs(lift) < 9.95 else f"{lift:,.0f}×"


def _signed(text: str) -> str:
    """Minus signs as the typographic minus: "−4.5%", not "-4.5%"."""
    return text.replace("-", "\u2212")


def _money(value: float, currency: str) -> str:
    """An amount: US$10.19, US$1,176, US$0.0012."""
    if not np.isfinite(value):
        return "n/a"
    sign = "−" if value < 0 else ""
    value = abs(value)
    if value >= 99.5:
        text = f"{value:,.0f}"
    elif value >= 0.01 or value == 0:
        text = f"{value:.2f}"
    else:
        text = f"{value:.2g}"
    return f"{sign}{currency}{text}"


def _short_amount(value: float) -> str:
    """An amount in few characters: 950, 93.5k, 1.33M."""
    if not np.isfinite(value):
        return "n/a"
    sign = "−" if value < 0 else ""
    value = abs(value)
    if value >= 999_500:
        return f"{sign}{value / 1e6:.3g}M"
    if value >= 999.5:
        return f"{sign}{value / 1e3:.3g}k"
    return f"{sign}{value:,.0f}"


def _number(value: float) -> str:
    """A mean count: 0.83, 6.90, 12."""
    if not np.isfinite(value):
        return "n/a"
    return f"{value:.2f}" if abs(value) < 9.95 else f"{value:,.0f}"


def _bracket(
    low: float, high: float, text: Callable[[float], str] = _number, unit: str = ""
) -> str:
    """An interval for a chart label, in brackets: "[28.9–30.7%]" (``unit`` written once, after
    the upper bound), "[-1.2 to 3.4]" when a bound is negative; "" when a bound is missing.

    >>> _bracket(0.289, 0.307, lambda v: f"{100 * v:.1f}", "%")
    '[28.9–30.7%]'
    """
    if not (_finite(low) and _finite(high)):
        return ""
    between = " to " if min(float(low), float(high)) < 0 else "–"
    return f"[{text(low)}{between}{text(high)}{unit}]"


def _formatter(fmt: str | Callable[[float], str]) -> Callable[[float], str]:
    if callable(fmt):
        return fmt
    if not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format spec such as '.1%' or a function, got {fmt!r}")
    try:
        format(0.5, fmt)
    except ValueError as err:
        raise ValueError(f"fmt {fmt!r} is not a format spec for a number: {err}") from None
    return lambda value: format(value, fmt)


def format_interval(
    estimate: float,
    low: float,
    high: float,
    *,
    ci: float = 0.95,
    fmt: str | Callable[[float], str] = ",.3g",
) -> str:
    """An estimate with its interval, as the notebooks write it: "12.3% (95% CI 10.1%–14.5%)".

    Parameters
    ----------
    estimate, low, high : float
        The estimate and the bounds of its interval. A bound that is missing or not finite
        gives "(95% CI not available)" instead of "nan"; with a negative bound the bounds are
        joined by "to" rather than a dash.
    ci : float, default 0.95
        The interval's level, shown as a percentage (a result's ``ci``).
    fmt : str or callable, default ",.3g"
        A format spec applied to the three numbers (``".1%"``, ``",.0f"``, ``".2f"``), or a
        function from a number to its text.

    Examples
    --------
    >>> format_interval(0.123, 0.101, 0.145, fmt=".1%")
    '12.3% (95% CI 10.1%–14.5%)'
    >>> format_interval(-0.11, -0.127, -0.08, fmt=".1%")
    '-11.0% (95% CI -12.7% to -8.0%)'
    >>> format_interval(1.8, 1.2, float("nan"), ci=0.9, fmt=".2f")
    '1.80 (90% CI not available)'
    """
    if not (isinstance(ci, int | float) and not isinstance(ci, bool) and 0 < ci < 1):
        raise ValueError(f"ci must be between 0 and 1 (exclusive), got {ci!r}")
    text = _formatter(fmt)
    value = text(estimate) if _finite(estimate) else "n/a"
    if not (_finite(low) and _finite(high)):
        return f"{value} ({ci_label(ci)} CI not available)"
    # "to" between the bounds when one is negative: "-12.7% to -8.0%", not "-12.7%–-8.0%"
    between = " to " if min(float(low), float(high)) < 0 else "–"
    return f"{value} ({ci_label(ci)} CI {text(low)}{between}{text(high)})"


def _finite(value: object) -> bool:
    try:
        return math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
