"""research.report.record: values recorded by a notebook, read back from its outputs, and
parameters injected as papermill does."""

from __future__ import annotations

import nbformat
import numpy as np
import pandas as pd
import pytest

from research.report import (
    RECORD_MIME,
    inject_parameters,
    parameter_names,
    read_records,
    record,
    recorded,
)


def _notebook(parameters: str = 'A = 1\nB: str = "x"\nA = 2', tag: bool = True):
    cell = nbformat.v4.new_code_cell(parameters)
    if tag:
        cell.metadata["tags"] = ["parameters"]
    return nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_code_cell("C = A * 2")])


def test_record_converts_numpy_and_pandas_values_to_json() -> None:
    record("n", np.int64(3))
    record("share", np.float32(0.25))
    record("missing", float("nan"))
    record("flag", np.bool_(True))
    record("names", pd.Index(["a", "b"]))
    record("by", pd.Series({"x": np.int64(1), "y": 2.5}).to_dict())
    record("nested", {"k": (np.float64(1.5), None, "t")})
    got = recorded()
    assert got["n"] == 3 and type(got["n"]) is int
    assert got["share"] == 0.25 and type(got["share"]) is float
    assert got["missing"] is None  # JSON has no NaN
    assert got["flag"] is True
    assert got["names"] == ["a", "b"]
    assert got["by"] == {"x": 1, "y": 2.5}
    assert got["nested"] == {"k": [1.5, None, "t"]}
    record("n", 4)  # a name recorded again is replaced
    assert recorded()["n"] == 4
    got["n"] = 99  # a copy: the caller cannot change what was recorded
    assert recorded()["n"] == 4


def test_record_bad_input() -> None:
    for name in ("", "two words", "1st", "class", 3):
        with pytest.raises(ValueError, match="identifier"):
            record(name, 1)
    with pytest.raises(TypeError, match="DataFrame"):
        record("table", pd.DataFrame({"a": [1]}))
    with pytest.raises(TypeError, match="object"):
        record("thing", object())


def test_read_records_from_outputs_last_value_wins() -> None:
    def out(name, value):
        return nbformat.v4.new_output(
            "display_data", data={RECORD_MIME: {"name": name, "value": value}}
        )

    cells = [
        nbformat.v4.new_code_cell("x", outputs=[out("a", 1), out("b", [1, 2])]),
        nbformat.v4.new_markdown_cell("text"),
        nbformat.v4.new_code_cell("y", outputs=[out("a", 5)]),
        nbformat.v4.new_code_cell("z", outputs=[nbformat.v4.new_output("stream", text="hi")]),
    ]
    assert read_records(nbformat.v4.new_notebook(cells=cells)) == {"a": 5, "b": [1, 2]}
    assert read_records(nbformat.v4.new_notebook()) == {}


def test_parameter_names_and_injection() -> None:
    nb = _notebook()
    assert parameter_names(nb) == ["A", "B"]
    out = inject_parameters(nb, {"A": 10, "B": "my file.csv"})
    assert len(nb.cells) == 2  # the input is not modified
    injected = out.cells[1]
    assert injected.metadata["tags"] == ["injected-parameters"]
    assert "A = 10" in injected.source and "B = 'my file.csv'" in injected.source
    namespace: dict = {}
    for cell in out.cells:
        exec(cell.source, namespace)
    assert namespace["C"] == 20


def test_injection_bad_input() -> None:
    with pytest.raises(ValueError, match="no parameter 'TYPO'.*\\['A', 'B'\\]"):
        inject_parameters(_notebook(), {"TYPO": 1})
    with pytest.raises(ValueError, match="must be a Python literal"):
        inject_parameters(_notebook(), {"A": pd.Timestamp("2024-01-01")})
    with pytest.raises(ValueError, match="no cell tagged 'parameters'"):
        inject_parameters(_notebook(tag=False), {"A": 1})


def test_injection_edge_cases() -> None:
    nb = _notebook("alpha, beta = 0.05, 0.2\nlimit: int\nn = 3")
    assert parameter_names(nb) == ["alpha", "beta", "n"]  # a bare annotation sets nothing
    once = inject_parameters(nb, {"n": 1})
    twice = inject_parameters(once, {"n": np.int64(2), "alpha": float("nan"), "beta": (1,)})
    tags = [c.metadata.get("tags", []) for c in twice.cells]
    assert tags.count(["injected-parameters"]) == 1  # the earlier injection is replaced
    namespace: dict = {}
    for cell in twice.cells[:2]:
        exec(cell.source, namespace)
    assert namespace["n"] == 2 and type(namespace["n"]) is int
    assert np.isnan(namespace["alpha"]) and namespace["beta"] == (1,)


def test_record_missing_values_of_nullable_types() -> None:
    record("nullable", pd.Series([1, None], dtype="Int64"))
    record("no_date", pd.NaT)
    assert recorded()["nullable"] == [1, None] and recorded()["no_date"] is None


def test_records_leave_no_trace_in_the_html_report() -> None:
    from research.report import sanitise_outputs

    rec = nbformat.v4.new_output("display_data", data={RECORD_MIME: {"name": "n", "value": 1}})
    text = nbformat.v4.new_output("stream", text="kept\n")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=[rec, text])])
    clean = sanitise_outputs(nb)
    assert [o.output_type for o in clean.cells[0].outputs] == ["stream"]
    assert read_records(nb) == {"n": 1}  # the input is not modified


def test_notebooks_import_the_report_helpers_without_the_report_builder() -> None:
    """``from research.report import record`` (every notebook's first cell) loads neither the
    report builder nor nbformat; the builder's names still resolve, and are all listed."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from research.report import record, format_interval, escape_html, ci_label\n"
        "print(sorted(m for m in ('research.report.build', 'nbformat', 'nbconvert', "
        "'nbclient') if m in sys.modules))\n"
        "import research.report as r, research.report.build as b\n"
        "print(set(r._BUILD_NAMES) == set(b.__all__), r.execute_notebook is b.execute_notebook)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "True True"]
