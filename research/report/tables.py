"""Tables and sentences shown in a notebook, made safe.

pandas' Styler writes text into HTML as it is, and JupyterLab shows a trusted notebook's
Markdown without sanitising it, so a value from the data (a campaign name, a rep, a column
name, a message) such as ``<img src=x onerror=...>`` or ``[x](javascript:...)`` would run or
become a link. :func:`escape_html` escapes every text value and label of a table before it is
styled; :func:`escape_markdown` makes a value from the data literal text in a Markdown
sentence. (The HTML reports are sanitised as well, by :mod:`research.report.build`.)"""

from __future__ import annotations

import html
import re
from typing import TypeVar

import pandas as pd

__all__ = ["escape_html", "escape_markdown"]

_T = TypeVar("_T", pd.DataFrame, pd.Series, pd.Index, str)


def _text(value: object) -> object:
    return html.escape(value) if isinstance(value, str) else value


def _labels(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        out = index.map(lambda labels: tuple(_text(v) for v in labels))
        return out.set_names([_text(n) for n in index.names])
    return index.map(_text).rename(_text(index.name))


def _values(series: pd.Series) -> pd.Series:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return series.cat.rename_categories(_labels(dtype.categories))
    if pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype):
        return series.map(_text)
    return series.copy()


def escape_html(obj: _T) -> _T:
    """A copy of ``obj`` with its text HTML-escaped: text values, the index, the column labels
    and their names; numbers, dates and booleans are left as they are.

    Use it on any table built from the data before styling or showing it in a notebook
    (``escape_html(table).style.format(...)``): Styler does not escape, and JupyterLab runs
    what a trusted notebook's output holds.

    Parameters
    ----------
    obj : pandas.DataFrame, Series, Index or str

    Returns
    -------
    the same type, escaped (a new object; ``obj`` is not modified)

    Examples
    --------
    >>> table = pd.DataFrame({"<b>rep</b>": ["<img src=x onerror=alert(1)>"], "n": [3]})
    >>> escape_html(table).to_dict("list")
    {'&lt;b&gt;rep&lt;/b&gt;': ['&lt;img src=x onerror=alert(1)&gt;'], 'n': [3]}
    """
    if isinstance(obj, str):
        return html.escape(obj)
    if isinstance(obj, pd.Index):
        return _labels(obj)
    if isinstance(obj, pd.Series):
        out = _values(obj)
        out.index = _labels(obj.index)
        return out.rename(_text(obj.name))
    if isinstance(obj, pd.DataFrame):
        out = pd.DataFrame(
            {i: _values(obj.iloc[:, i]) for i in range(obj.shape[1])}, index=obj.index
        )
        out.columns = _labels(obj.columns)
        out.index = _labels(obj.index)
        return out
    raise TypeError(
        f"escape_html takes a DataFrame, Series, Index or str, got {type(obj).__name__}"
    )


# ASCII punctuation that Markdown may read as syntax; a backslash before any of them is the
# character itself (CommonMark), so escaping all is safe wherever the value stands
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def escape_markdown(value: object) -> str:
    """``value`` as literal text inside a Markdown sentence: HTML characters escaped, and every
    character Markdown reads as syntax (``*``, ``_``, ``[``, ``]``, ``(``, ``)``, ``#``, ``|``,
    a backquote, ...) preceded by a backslash.

    Use it on every value from the data written into a generated sentence (a campaign, a
    source, a column name, an id); numbers the notebook formats itself need nothing.

    Examples
    --------
    >>> print(escape_markdown("[click](javascript:alert(1)) <b>*Paid*</b>"))
    \\[click\\]\\(javascript:alert\\(1\\)\\) &lt;b&gt;\\*Paid\\*&lt;/b&gt;
    """
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", html.escape(str(value), quote=False))
