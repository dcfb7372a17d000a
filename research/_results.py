"""The result convention shared by the analyses: frozen objects with a table, an HTML repr and a
chart.

A result is a frozen dataclass that mixes in :class:`Result`. It carries what the analysis
computed (counts, shares, intervals and their level ``ci`` where it has intervals), and gives

* ``to_frame()``: its main table, a new DataFrame the caller may change;
* ``_repr_html_()``: that table as escaped HTML, under a one-line caption, so that a result left
  last in a JupyterLab cell shows as a table;
* ``plot(ax=None, **kwargs)``: the question's chart of it, which draws what the result holds and
  computes nothing of its own.
"""

from __future__ import annotations

import html

import pandas as pd


class Result:
    """Mixin of the analyses' result objects (see the module docstring)."""

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - every result overrides it
        raise NotImplementedError

    def _caption(self) -> str:
        return type(self).__name__

    def _repr_html_(self) -> str:
        table = self.to_frame().to_html(escape=True, max_rows=30, float_format="{:,.4g}".format)
        return f"<p><strong>{html.escape(self._caption())}</strong></p>\n{table}"
