"""The result convention shared by the analyses: frozen objects with a table, an HTML repr and a
chart; and :class:`Summary`, what every ``summary()`` returns.

A result is a frozen dataclass (``@dataclass(frozen=True, eq=False, repr=False)``) that mixes in
:class:`Result`. It carries what the analysis computed: its main ``table``, the counts the
numbers rest on (``n``, ...) and, where it has intervals, their level ``ci`` (0.95 for 95%).
Nothing is kept in ``DataFrame.attrs`` and no function switches its return type by a flag. A
result gives

* ``to_frame()``: its main table, a new DataFrame the caller may change (by default a copy of
  ``table``);
* ``_repr_html_()``: that table as escaped HTML under a one-line caption (``_caption()``, which
  states the counts and the interval level), so a result left last in a JupyterLab cell shows
  as a table; ``repr()`` gives the same as text;
* ``plot(ax=None, **kwargs)``, where the question has a chart of it: the chart draws what the
  result holds, computes nothing of its own, and labels its intervals with the result's ``ci``.

A frozen dataclass only stops its attributes from being rebound: the arrays, Series and dicts
a result holds are kept as read-only copies (:func:`read_only_array`, :func:`read_only_series`,
:class:`FrozenMapping`), so writing into one raises instead of silently changing the result;
its DataFrames cannot be frozen and are read through ``to_frame()``, a copy.

Column labels of the tables are the analysis' own names (``rate``, ``low``, ``high``); the
interval level is an attribute, not part of a column name, so ``to_frame()["low"]`` reads the
same at 90% and at 95%.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Result", "Summary", "FrozenMapping", "read_only_array", "read_only_series"]

_FLOAT_FORMAT = "{:,.4g}".format


class Result:
    """Mixin of the analyses' result objects (see the module docstring)."""

    def to_frame(self) -> pd.DataFrame:
        """The main table, as a new DataFrame."""
        table = getattr(self, "table", None)
        if not isinstance(table, pd.DataFrame):  # pragma: no cover - a result without table
            raise NotImplementedError(f"{type(self).__name__} has no table")
        return table.copy()

    def _caption(self) -> str:
        return type(self).__name__

    def _repr_html_(self) -> str:
        table = self.to_frame().to_html(escape=True, max_rows=30, float_format=_FLOAT_FORMAT)
        return f"<p><strong>{html.escape(self._caption())}</strong></p>\n{table}"

    def __repr__(self) -> str:
        text = self.to_frame().to_string(max_rows=20, float_format=_FLOAT_FORMAT)
        return f"{self._caption()}\n{text}"


@dataclass(frozen=True, eq=False, repr=False)
class Summary:
    """A readable summary of a fitted model or an analysis: what every ``summary()`` returns.

    As statsmodels' ``Summary``: a title, tables and notes, shown as text by ``str()`` /
    ``print()`` and as escaped HTML in JupyterLab.

    Attributes
    ----------
    title : str
        One line: what was fitted, on how many rows.
    tables : tuple of (str, pandas.DataFrame)
        Captioned tables; the first is the main one (``to_frame()``).
    notes : tuple of str
        Lines of facts about the fit (statistics, exclusions, warnings), shown after the title.
    """

    title: str
    tables: tuple[tuple[str, pd.DataFrame], ...] = ()
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # copies, so that changing a summary's table never changes the result it came from
        copied = tuple((str(caption), frame.copy()) for caption, frame in self.tables)
        object.__setattr__(self, "tables", copied)
        object.__setattr__(self, "notes", tuple(str(note) for note in self.notes))

    def to_frame(self) -> pd.DataFrame:
        """The first table, as a new DataFrame (empty when there is none)."""
        return self.tables[0][1].copy() if self.tables else pd.DataFrame()

    def table(self, caption: str) -> pd.DataFrame:
        """The table with this caption, as a new DataFrame."""
        for name, frame in self.tables:
            if name == caption:
                return frame.copy()
        captions = [name for name, _ in self.tables]
        raise KeyError(f"no table {caption!r} in this summary; its tables are {captions}")

    def as_text(self) -> str:
        """The summary as plain text."""
        lines = [self.title, *self.notes]
        for caption, frame in self.tables:
            lines += ["", f"{caption}:", frame.to_string(float_format=_FLOAT_FORMAT)]
        return "\n".join(lines)

    __str__ = as_text
    __repr__ = as_text

    def _repr_html_(self) -> str:
        parts = [f"<p><strong>{html.escape(self.title)}</strong></p>"]
        if self.notes:
            items = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes)
            parts.append(f"<ul>{items}</ul>")
        for caption, frame in self.tables:
            parts.append(f"<p>{html.escape(caption)}</p>")
            parts.append(frame.to_html(escape=True, float_format=_FLOAT_FORMAT))
        return "\n".join(parts)


# --------------------------------------------------------------------------------------------
# read-only copies of what a frozen result holds
# --------------------------------------------------------------------------------------------


def read_only_array(values: np.ndarray) -> np.ndarray:
    """A read-only copy of ``values`` (writing into it raises a ValueError)."""
    out = np.array(values, copy=True)
    out.setflags(write=False)
    return out


def read_only_series(series: pd.Series) -> pd.Series:
    """A copy of ``series`` on a read-only array: ``series.iloc[0] = ...`` raises a
    ValueError ("assignment destination is read-only"). A Series of an extension dtype
    (which has no such flag) is copied only."""
    if not isinstance(series.dtype, np.dtype):
        return series.copy()
    return pd.Series(
        read_only_array(series.to_numpy()),
        index=series.index,
        name=series.name,
        copy=False,
    )


class FrozenMapping(Mapping[Any, Any]):
    """A read-only dict: compares equal to a dict with the same items, has no ``__setitem__``
    (so ``mapping[key] = value`` raises a TypeError) and, unlike ``types.MappingProxyType``,
    can be pickled with the result that holds it."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[Any, Any] | None = None) -> None:
        self._data = dict(data or {})

    def __getitem__(self, key: Any) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self) -> tuple[type[FrozenMapping], tuple[dict[Any, Any]]]:
        return (type(self), (self._data,))
