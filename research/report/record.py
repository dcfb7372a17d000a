"""Headline numbers recorded by a notebook, for the tests and for anyone reading it by program.

A notebook calls :func:`record` beside each sentence it writes from the data (in the spirit of
recommenders' ``store_metadata``). The value goes into the notebook's outputs under its own
MIME type, which JupyterLab and the HTML reports do not show; :func:`read_records` gets the
values back from an executed notebook, so a test asserts the number itself instead of looking
for it in the prose. :func:`parameter_names` and :func:`inject_parameters` run a notebook on
other inputs, as papermill does: a cell that sets the new values goes in after the cell tagged
``parameters``.
"""

from __future__ import annotations

import ast
import copy
import keyword
import math
from collections.abc import Mapping
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # nbformat (and jsonschema with it) loads on first use: record() is
    # imported by every notebook, which never needs it
    import nbformat

__all__ = [
    "RECORD_MIME",
    "record",
    "recorded",
    "read_records",
    "parameter_names",
    "inject_parameters",
]

#: The MIME type of a recorded value in a notebook's outputs.
RECORD_MIME = "application/vnd.research.record+json"

_RECORDED: dict[str, Any] = {}


def _json_value(value: object, name: str) -> Any:
    """``value`` as JSON: numbers, text, booleans, None, and lists or mappings of them.

    NumPy and pandas scalars become Python numbers; a number that is not finite becomes None
    (JSON has no NaN), so a test sees "no value" rather than a string.
    """
    if value is None or isinstance(value, str | bool):
        return value
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()  # a NumPy scalar or 0-d array
    if isinstance(value, bool):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _json_value(v, name) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v, name) for v in value]
    if hasattr(value, "tolist"):  # a NumPy array or a pandas Series / Index
        return _json_value(value.tolist(), name)
    raise TypeError(
        f"record({name!r}, ...) takes numbers, text, booleans, None, and lists or dicts of them; "
        f"got {type(value).__name__}"
    )


def record(name: str, value: object) -> None:
    """Record one of a notebook's headline numbers under ``name``.

    Parameters
    ----------
    name : str
        A Python identifier, e.g. ``"n_customers"``. Recording a name again replaces its value.
    value : number, str, bool, None, or a list or dict of them
        NumPy and pandas scalars and arrays are converted; a number that is not finite is
        recorded as None.

    Raises
    ------
    TypeError
        ``value`` is of another kind (a DataFrame, a figure, ...).
    ValueError
        ``name`` is not an identifier.

    Examples
    --------
    >>> record("n_customers", 23_570)
    >>> recorded()["n_customers"]
    23570
    """
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"record name must be a Python identifier, got {name!r}")
    plain = _json_value(value, name)
    _RECORDED[name] = plain
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with the package
        return
    if get_ipython() is not None:
        # no text/plain: JupyterLab shows nothing for a MIME type it has no renderer for, and
        # the HTML export drops the record (research.report.sanitise_outputs)
        display({RECORD_MIME: {"name": name, "value": plain}}, raw=True)


def recorded() -> dict[str, Any]:
    """The values recorded in this Python process so far (a copy)."""
    return copy.deepcopy(_RECORDED)


def read_records(nb: nbformat.NotebookNode) -> dict[str, Any]:
    """The values an executed notebook recorded, by name (the last one where a name repeats).

    Examples
    --------
    >>> read_records(execute_notebook("notebooks/01_customer_segmentation.ipynb"))
    ... # doctest: +SKIP
    {'rows_in': 69659, 'rows_used': 69579, 'n_customers': 23502, ...}
    """
    out: dict[str, Any] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            item = output.get("data", {}).get(RECORD_MIME)
            if isinstance(item, Mapping) and "name" in item:
                out[str(item["name"])] = item.get("value")
    return out


def _parameters_cell(nb: nbformat.NotebookNode) -> int:
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            return i
    raise ValueError("the notebook has no cell tagged 'parameters': it takes no parameters")


def parameter_names(nb: nbformat.NotebookNode) -> list[str]:
    """The names the notebook's ``parameters`` cell assigns, in order."""
    tree = ast.parse(nb.cells[_parameters_cell(nb)].source)
    names: list[str] = []

    def add(target: ast.expr) -> None:
        if isinstance(target, ast.Name) and target.id not in names:
            names.append(target.id)
        elif isinstance(target, ast.Tuple | ast.List):  # a, b = 1, 2
            for element in target.elts:
                add(element)

    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                add(target)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:  # x: int = 1
            add(node.target)
    return names


def inject_parameters(
    nb: nbformat.NotebookNode, parameters: Mapping[str, object]
) -> nbformat.NotebookNode:
    """A copy of ``nb`` with a cell setting ``parameters`` after its ``parameters`` cell.

    The new cell is tagged ``injected-parameters`` (as papermill tags it) and replaces one
    injected before. Values must be Python literals: numbers (NumPy scalars, NaN and
    infinities included), text, booleans, None, and lists, tuples or dicts of them.

    Raises
    ------
    ValueError
        The notebook has no ``parameters`` cell, a name is not one of its parameters (a typo
        would otherwise change nothing), or a value is not a literal.
    """
    known = parameter_names(nb)
    unknown = [k for k in parameters if k not in known]
    if unknown:
        raise ValueError(
            f"the notebook has no parameter {', '.join(map(repr, unknown))}; its parameters are "
            f"{known}"
        )
    lines = ["# parameters injected for this run"]
    for key, value in parameters.items():
        text = _literal(value)
        if text is None:
            raise ValueError(
                f"parameter {key!r} must be a Python literal (number, text, bool, None, list, "
                f"tuple or dict of them), got {type(value).__name__}"
            )
        lines.append(f"{key} = {text}")
    out = copy.deepcopy(nb)
    # a notebook injected before (by papermill or here) keeps only the new values
    out.cells = [c for c in out.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    at = _parameters_cell(out)
    import nbformat

    cell = nbformat.v4.new_code_cell("\n".join(lines))
    cell.metadata["tags"] = ["injected-parameters"]
    out.cells.insert(at + 1, cell)
    return out


def _literal(value: object) -> str | None:
    """Python source that evaluates to ``value``, or None when there is none (NumPy scalars
    are written as Python numbers; NaN and infinities as ``float(...)``)."""
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return f"float({str(value)!r})"
    if isinstance(value, list | tuple):
        parts = [_literal(v) for v in value]
        if any(p is None for p in parts):
            return None
        inner = ", ".join(parts) + ("," if isinstance(value, tuple) and len(parts) == 1 else "")
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    if isinstance(value, dict):
        items = [(_literal(k), _literal(v)) for k, v in value.items()]
        if any(k is None or v is None for k, v in items):
            return None
        return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    text = repr(value)
    try:
        back = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    return text if type(back) is type(value) and back == value else None
