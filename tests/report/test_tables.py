"""escape_html: a table from the data, safe to style and show in a notebook."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.report import escape_html

HOSTILE = "<img src=x onerror=alert(1)>"


def test_escape_html_hand_checked() -> None:
    frame = pd.DataFrame(
        {
            "<b>rep</b>": [HOSTILE, "Ann & Bo"],
            "n": [3, 4],
            "rate": [0.5, np.nan],
            "seg": pd.Categorical(["<i>a</i>", "b"]),
            "when": pd.to_datetime(["2024-01-01", "2024-02-01"]),
        },
        index=pd.Index(["<u>x</u>", "y"], name="<s>id</s>"),
    )
    before = frame.copy()
    out = escape_html(frame)
    pd.testing.assert_frame_equal(frame, before)  # not modified
    assert list(out.columns) == ["&lt;b&gt;rep&lt;/b&gt;", "n", "rate", "seg", "when"]
    assert out.iloc[:, 0].tolist() == ["&lt;img src=x onerror=alert(1)&gt;", "Ann &amp; Bo"]
    assert out.index.tolist() == ["&lt;u&gt;x&lt;/u&gt;", "y"]
    assert out.index.name == "&lt;s&gt;id&lt;/s&gt;"
    assert list(out["seg"].cat.categories) == ["&lt;i&gt;a&lt;/i&gt;", "b"]
    # numbers and dates untouched, dtypes kept
    pd.testing.assert_series_equal(out["n"], frame["n"].set_axis(out.index))
    assert out["rate"].dtype == np.float64 and np.isnan(out["rate"].iloc[1])
    assert out["when"].dtype == frame["when"].dtype


def test_escape_html_styler_shows_text_only() -> None:
    frame = pd.DataFrame({HOSTILE: [HOSTILE, 1.5]}, index=[HOSTILE, "ok"])
    html_out = escape_html(frame).style.format(precision=2).to_html()
    assert "<img" not in html_out
    assert html_out.count("&lt;img src=x onerror=alert(1)&gt;") == 3


def test_escape_html_other_shapes() -> None:
    multi = pd.DataFrame(
        {"v": [1, 2]}, index=pd.MultiIndex.from_tuples([("<a>", 1), ("b", 2)], names=["<k>", "n"])
    )
    out = escape_html(multi)
    assert out.index.tolist() == [("&lt;a&gt;", 1), ("b", 2)]
    assert out.index.names == ["&lt;k&gt;", "n"]
    series = escape_html(pd.Series(["<x>"], index=["<y>"], name="<z>"))
    assert (series.iloc[0], series.index[0], series.name) == ("&lt;x&gt;", "&lt;y&gt;", "&lt;z&gt;")
    assert escape_html("<p>") == "&lt;p&gt;"
    assert escape_html(pd.Index(["<p>", 2])).tolist() == ["&lt;p&gt;", 2]


@pytest.mark.parametrize("bad", [None, 3, ["<p>"], {"a": "<p>"}])
def test_escape_html_bad_input(bad) -> None:
    with pytest.raises(TypeError, match="escape_html takes a DataFrame, Series, Index or str"):
        escape_html(bad)


@pytest.mark.parametrize(
    "value",
    [
        "[click](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        "*Paid* _Search_ & co.",
        "# heading",
        "- item | `code` ~~x~~ \\ back",
        "Ann & Bo",
    ],
)
def test_escape_markdown_renders_as_the_text_itself(value: str) -> None:
    import html

    import mistune

    from research.report import escape_markdown

    rendered = mistune.html(f"The best source is **{escape_markdown(value)}** this month.")
    inner = rendered.split("<strong>", 1)[1].split("</strong>", 1)[0]
    assert html.unescape(inner) == value  # shown exactly as written, no link, tag or emphasis
    assert "<a" not in rendered and "<img" not in rendered and "<em>" not in rendered


def test_escape_markdown_takes_any_value() -> None:
    from research.report import escape_markdown

    assert escape_markdown(3.5) == "3\\.5"
    assert escape_markdown(None) == "None"
