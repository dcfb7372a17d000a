"""Charts appear in an executed notebook whatever the matplotlib backend: a kernel started
with MPLBACKEND=Agg (as nbval, nbconvert and papermill runs often have it) still embeds them."""

from __future__ import annotations

import os

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

CODE = """
import matplotlib
import pandas as pd
from IPython.display import display
from research.segmentation import rfm_grid, rfm_segments
summary = pd.DataFrame({
    "days_since_last": list(range(1, 41)),
    "n_purchases": [1 + i % 7 for i in range(40)],
    "total_spend": [10.0 * (1 + i % 11) for i in range(40)],
})
grid = rfm_grid(rfm_segments(summary))
print(matplotlib.get_backend())
display(grid.plot())
grid.plot()
"""


def _run(backend: str | None) -> nbformat.NotebookNode:
    nb = new_notebook(cells=[new_code_cell(CODE)])
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    if backend:
        env["MPLBACKEND"] = backend
    NotebookClient(nb, timeout=300, kernel_name="python3").execute(env=env)
    return nb


def _outputs(nb: nbformat.NotebookNode) -> tuple[str, list[str]]:
    outputs = nb.cells[0].outputs
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors, errors
    backend = "".join(o.get("text", "") for o in outputs if o.output_type == "stream").strip()
    kinds = [
        "image/png" if "image/png" in o.get("data", {}) else o.get("data", {}).get("text/plain")
        for o in outputs
        if o.output_type in ("display_data", "execute_result")
    ]
    return backend, kinds


def test_charts_show_under_the_agg_backend() -> None:
    backend, kinds = _outputs(_run("Agg"))
    assert backend.lower() == "agg"  # the backend itself is left as the user set it
    assert kinds == ["image/png", "image/png"]  # displayed, and left last in the cell


def test_charts_show_once_under_the_inline_backend() -> None:
    backend, kinds = _outputs(_run(None))
    assert "inline" in backend
    assert kinds == ["image/png", "image/png"]
