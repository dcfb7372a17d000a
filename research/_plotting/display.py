"""Charts that appear in a notebook whatever the matplotlib backend.

nbval, nbconvert and papermill runs often have ``MPLBACKEND=Agg`` set. A kernel started with it
never activates matplotlib's inline backend, so a figure shown with ``display(fig)`` or left
last in a cell comes out as the text ``<Figure size 900x400 with 1 Axes>`` and the executed
notebook, and its HTML report, carry no chart. On the first chart drawn (not on import), and
only inside an IPython kernel whose backend cannot show figures, :func:`show_figures_inline`
registers the inline backend's PNG formatter for figures, as ``%matplotlib inline`` does for
the display side; the user's backend itself is left as it is.
"""

from __future__ import annotations

import matplotlib

__all__ = ["show_figures_inline"]

# backends that show figures themselves (inline, widget, GUI windows): nothing to do there
_NON_INTERACTIVE = {"agg", "cairo", "pdf", "pgf", "ps", "svg", "template"}

_done = False


def show_figures_inline() -> bool:
    """Register a PNG formatter for matplotlib figures in the running IPython kernel when its
    backend is non-interactive (e.g. ``MPLBACKEND=Agg``) and no formatter is registered yet.

    Returns True when it registered one. Runs its check once per process.
    """
    global _done
    if _done:
        return False
    _done = True
    if matplotlib.get_backend().lower() not in _NON_INTERACTIVE:
        return False
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import select_figure_formats
    except ImportError:  # pragma: no cover - IPython comes with JupyterLab, a dependency
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):  # a terminal or a script: no notebook
        return False
    from matplotlib.figure import Figure

    png = shell.display_formatter.formatters["image/png"]
    try:
        png.lookup_by_type(Figure)
        return False  # already shown as PNG (the inline backend was active once)
    except KeyError:
        pass
    select_figure_formats(shell, {"png"}, bbox_inches="tight")
    return True
