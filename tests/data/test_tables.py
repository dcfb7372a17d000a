"""Reading a user's export: separators sniffed, decimal commas, parquet sets left to DuckDB,
clear errors for what is not a table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from research.data import read_export, read_table
from research.segmentation import clean_transactions


def test_a_semicolon_export_with_decimal_commas_reads_as_numbers(tmp_path: Path) -> None:
    path = tmp_path / "woo.csv"
    path.write_text("Order;Customer;Item Cost\n1;7;12,50\n2;;3,25\n3;8;-1,00\n")
    frame = read_table(path, decimal=",")
    assert frame.columns.tolist() == ["Order", "Customer", "Item Cost"]
    assert frame["Item Cost"].tolist() == [12.5, 3.25, -1.0]
    # without the decimal mark the values stay text, and the cleaning says what to do
    as_text = read_table(path)
    assert as_text["Item Cost"].tolist() == ["12,50", "3,25", "-1,00"]
    with pytest.raises(ValueError, match='decimal comma: read the file with decimal=","'):
        clean_transactions(
            as_text.assign(date="2024-01-01"), customer_col="Customer", amount_col="Item Cost"
        )


def test_read_table_refuses_what_is_not_a_table(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_table(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match="is a folder"):
        read_table(tmp_path)
    (tmp_path / "a.csv").write_text("a;b\n1;2\n")
    with pytest.raises(ValueError, match="decimal must be one character other than the sep"):
        read_table(tmp_path / "a.csv", sep=";", decimal=";")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(ValueError, match="cannot read .* as a table"):
        read_table(tmp_path / "empty.csv")


def test_read_export_leaves_parquet_sets_to_duckdb(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    frame = pd.DataFrame({"customer_id": ["a", "b"], "amount": [1.0, 2.0]})
    frame.to_parquet(tmp_path / "part-0.parquet")
    frame.to_csv(tmp_path / "orders.csv", index=False)
    for path in (tmp_path / "part-0.parquet", str(tmp_path / "*.parquet")):
        relation = read_export(path)
        assert isinstance(relation, duckdb.DuckDBPyRelation)
        assert len(relation.fetchall()) == 2
    pd.testing.assert_frame_equal(read_export(tmp_path / "orders.csv"), frame, check_dtype=False)


def test_read_export_globs_folders_and_odd_names(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "a.CSV").write_text("k;v\na;1,5\n")
    (tmp_path / "parts" / "b.csv").write_text("k;v\nb;2,5\n")
    for path in (tmp_path / "parts", str(tmp_path / "parts" / "*.csv")):
        relation = read_export(path, sep=";", decimal=",")
        assert isinstance(relation, duckdb.DuckDBPyRelation)
    relation = read_export(tmp_path / "parts", sep=";", decimal=",")
    assert sorted(relation.fetchall()) == [("a", 1.5), ("b", 2.5)]  # a.CSV found too
    # a file whose name looks like a glob is that file, read into pandas
    odd = tmp_path / "orders[2024].csv"
    odd.write_text("k,v\na,1\n")
    assert read_export(odd).to_dict("list") == {"k": ["a"], "v": [1]}
    with pytest.raises(FileNotFoundError, match="no file matches"):
        read_export(str(tmp_path / "nothing" / "*.parquet"))


def test_to_lazy_takes_engine_tables_and_refuses_the_rest() -> None:
    pl = pytest.importorskip("polars")
    from research.engines import to_lazy

    frame, engine = to_lazy(pl.DataFrame({"a": [1, 2]}))
    assert engine == "polars" and frame.collect().to_native().shape == (2, 1)
    for bad in (pd.DataFrame({"a": [1]}), {"a": [1]}, 3):
        with pytest.raises(TypeError, match="polars, DuckDB or Spark table or a path"):
            to_lazy(bad)


def test_read_table_sniffs_the_bank_files_semicolons(mirror: Path) -> None:
    # the UCI bank marketing file, as published: ";"-separated, quoted text, decimal points
    frame = read_table(mirror / "bank_marketing" / "bank-additional-full.csv")
    assert frame.shape == (41_188, 21)
    assert frame["y"].isin(["yes", "no"]).all() and int((frame["y"] == "yes").sum()) == 4_640
    assert frame["euribor3m"].dtype.kind == "f"


def test_is_file_set_tells_duckdb_sets_from_files_for_pandas(tmp_path: Path) -> None:
    from research.data.tables import is_file_set

    (tmp_path / "a.csv").write_text("a\n1\n")
    (tmp_path / "b[1].csv").write_text("a\n1\n")
    assert not is_file_set(tmp_path / "a.csv") and not is_file_set(tmp_path / "b[1].csv")
    assert is_file_set(tmp_path / "x.parquet")  # named parquet, even before it exists
    assert is_file_set(tmp_path) and is_file_set(str(tmp_path / "*.csv"))
