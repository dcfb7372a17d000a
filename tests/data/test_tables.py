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
