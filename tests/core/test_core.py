"""The private core written once: parameter checks, interval text and the result convention."""

from __future__ import annotations

import math
from dataclasses import FrozenInstanceError, dataclass

import numpy as np
import pandas as pd
import pytest

from research._format import ci_label, format_interval
from research._results import Result, Summary
from research._validation import (
    binary_values,
    check_ci,
    check_int,
    check_number,
    check_option,
    check_share,
)
from research.report import ci_label as public_ci_label
from research.report import format_interval as public_format_interval


def test_ci_label() -> None:
    assert public_ci_label is ci_label
    assert [ci_label(c) for c in (0.95, 0.9, 0.8, 0.975, 0.99)] == [
        "95%",
        "90%",
        "80%",
        "97.5%",
        "99%",
    ]


def test_format_interval_hand_checked() -> None:
    assert public_format_interval is format_interval
    assert format_interval(0.123, 0.101, 0.145, fmt=".1%") == "12.3% (95% CI 10.1%–14.5%)"
    assert format_interval(1234.5, 1000, 1500.2, ci=0.9, fmt=",.0f") == (
        "1,234 (90% CI 1,000–1,500)"
    )
    assert format_interval(2.0, 1.5, 2.5, fmt=lambda v: f"{v:.1f}x") == "2.0x (95% CI 1.5x–2.5x)"
    assert format_interval(0.5, math.nan, 0.7, fmt=".0%") == "50% (95% CI not available)"
    assert format_interval(np.nan, 0.1, 0.2, fmt=".0%") == "n/a (95% CI 10%–20%)"
    assert format_interval(-0.2, -0.3, 0.1, fmt=".0%") == "-20% (95% CI -30% to 10%)"


def test_bracket() -> None:
    from research._format import _bracket, _pct1

    assert _bracket(0.289, 0.307, lambda v: _pct1(v).rstrip("%"), "%") == "[28.9–30.7%]"
    assert _bracket(-1.25, 3.4) == "[-1.25 to 3.40]"
    assert _bracket(math.nan, 1.0) == ""


@pytest.mark.parametrize("ci", [0, 1, 1.5, -0.1, "0.95", True, None])
def test_format_interval_bad_level(ci) -> None:
    with pytest.raises(ValueError, match="ci must be between 0 and 1"):
        format_interval(0.5, 0.4, 0.6, ci=ci)


def test_format_interval_bad_fmt() -> None:
    with pytest.raises(ValueError, match="not a format spec"):
        format_interval(0.5, 0.4, 0.6, fmt="q")
    with pytest.raises(TypeError, match="format spec"):
        format_interval(0.5, 0.4, 0.6, fmt=3)


def test_parameter_checks_accept() -> None:
    assert check_ci(0.9) == 0.9 and isinstance(check_ci(np.float64(0.8)), float)
    assert check_share(1.0, "share", high_open=False) == 1.0
    assert check_share(0.0, "share", low_open=False) == 0.0
    assert check_int(np.int64(3), "n") == 3 and check_int(0, "n", minimum=0) == 0
    assert check_number(2, "x", minimum=0) == 2.0
    assert check_option("net", "returns", ("net", "exclude")) == "net"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: check_ci(1.0), "ci must be between 0 and 1"),
        (lambda: check_ci(True), "ci must be between 0 and 1"),
        (lambda: check_ci("0.9"), "ci must be between 0 and 1"),
        (lambda: check_share(1.0, "share"), r"share must be a share in \(0, 1\)"),
        (lambda: check_share(math.nan, "share", high_open=False), r"in \(0, 1\]"),
        (lambda: check_int(2.0, "n_boot"), "n_boot must be an integer >= 1"),
        (lambda: check_int(True, "n_boot"), "n_boot must be an integer >= 1"),
        (lambda: check_int(0, "n_boot"), "n_boot must be an integer >= 1"),
        (lambda: check_number(math.inf, "cost"), "cost must be a finite number"),
        (lambda: check_number(-1, "cost", minimum=0), "cost must be a finite number >= 0"),
        (lambda: check_option("gross", "returns", ("net",)), "returns must be one of 'net'"),
        (lambda: check_option(["net"], "returns", ("net",)), "returns must be one of"),
    ],
)
def test_parameter_checks_refuse(call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call()


@dataclass(frozen=True, eq=False, repr=False)
class _Rates(Result):
    table: pd.DataFrame
    ci: float

    def _caption(self) -> str:
        return f"Rates ({ci_label(self.ci)} intervals)"


def test_result_convention() -> None:
    result = _Rates(pd.DataFrame({"rate": [0.5]}, index=pd.Index(["<b>x</b>"])), 0.9)
    frame = result.to_frame()
    frame.loc[:, "rate"] = 0.0
    assert result.table["rate"].iloc[0] == 0.5  # a copy
    assert "&lt;b&gt;x&lt;/b&gt;" in result._repr_html_() and "<b>x" not in result._repr_html_()
    assert repr(result).startswith("Rates (90% intervals)\n")
    with pytest.raises(FrozenInstanceError):
        result.ci = 0.95  # type: ignore[misc]


def test_summary() -> None:
    table = pd.DataFrame({"estimate": [1.5]}, index=pd.Index(["<script>"], name="term"))
    summary = Summary("Model on 10 rows", (("estimates", table),), ("converged: True",))
    text = str(summary)
    assert text.splitlines()[:2] == ["Model on 10 rows", "converged: True"]
    assert "estimates:" in text and "1.5" in text
    assert "&lt;script&gt;" in summary._repr_html_() and "<script>" not in summary._repr_html_()
    assert summary.to_frame().equals(table) and summary.to_frame() is not table
    assert summary.table("estimates").equals(table)
    with pytest.raises(KeyError, match="no table 'other'"):
        summary.table("other")
    assert Summary("empty").to_frame().empty
    # a summary holds copies: changing its table leaves the caller's frame alone
    summary.tables[0][1].loc["<script>", "estimate"] = 0.0
    assert table.loc["<script>", "estimate"] == 1.5


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([True, False], [True, False]),
        ([1, 0, 1], [True, False, True]),
        ([1.0, 0.0], [True, False]),
        (["Yes", " no ", "YES"], [True, False, True]),
        (["won", "lost"], [True, False]),
        (["y", "n"], [True, False]),
        (["no", "no"], [False, False]),
    ],
)
def test_binary_values_accepts(values, expected) -> None:
    assert binary_values(pd.Series(values), "column 'won'").tolist() == expected


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([0, 1, 2], r"column 'won' must be binary \(bool, 0/1 or yes/no\), but it has 3"),
        (["won", "lost", "open"], "must be binary"),
        (["yes", "no", "won"], "must be binary"),  # two vocabularies mixed
        ([1, None, 0], r"column 'won' has 1 missing values of 3 rows \(rows 1\)"),
    ],
)
def test_binary_values_refuses(values, message) -> None:
    with pytest.raises(ValueError, match=message):
        binary_values(pd.Series(values), "column 'won'")
