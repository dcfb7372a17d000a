"""Reading a user's export: CSV (separator sniffed, decimal mark chosen), parquet or Excel."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pandas as pd

__all__ = ["read_export", "read_table"]

_READERS = {".parquet": "parquet", ".pq": "parquet", ".xlsx": "excel", ".xls": "excel"}


def read_table(
    path: str | os.PathLike[str], *, sep: str | None = None, decimal: str = "."
) -> pd.DataFrame:
    """Read a user's export as the file has it: CSV, parquet or Excel, by the file's suffix.

    The analyses then convert text numbers and dates under their own documented rules; nothing
    is converted here but what the CSV reader is told.

    Parameters
    ----------
    path : str or path
        The file.
    sep : str, optional
        The CSV's separator; None sniffs it (``,`` ``;`` tab or ``|``).
    decimal : str, default "."
        The decimal mark of the CSV's numbers: ``","`` for exports written as ``12,50``.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    FileNotFoundError
        No such file.
    ValueError
        A folder, or a file that cannot be read as a table.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = Path(tmp, "orders.csv").write_text("Kunde;Betrag\\nk1;12,50\\n")
    ...     read_table(Path(tmp, "orders.csv"), decimal=",")
      Kunde  Betrag
    0    k1    12.5
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    if path.is_dir():
        raise ValueError(f"{path} is a folder: give the path of a file")
    if decimal == (sep or "") or not isinstance(decimal, str) or len(decimal) != 1:
        raise ValueError(f"decimal must be one character other than the separator, got {decimal!r}")
    kind = _READERS.get(path.suffix.lower(), "csv")
    try:
        if kind == "parquet":
            return pd.read_parquet(path)
        if kind == "excel":
            return pd.read_excel(path)
        if sep is None:
            return pd.read_csv(path, sep=None, engine="python", decimal=decimal)
        return pd.read_csv(path, sep=sep, decimal=decimal)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"cannot read {path} as a table: {exc}") from None


def is_file_set(path: object) -> bool:
    """Whether ``path`` is read by DuckDB rather than into pandas: a parquet file, or a glob or
    folder of files (a file whose name holds ``*``, ``?`` or ``[`` is that file)."""
    text = os.fspath(path)  # type: ignore[arg-type]
    if text.lower().endswith((".parquet", ".pq")):
        return True
    if Path(text).is_file():
        return False
    return Path(text).is_dir() or any(ch in text for ch in "*?[")


def read_export(
    path: str | os.PathLike[str], *, sep: str | None = None, decimal: str = "."
) -> object:
    """A transaction export, read where it is best read: a CSV or Excel file into pandas
    (:func:`read_table`); a parquet file, or a glob or folder of parquet or CSV files (such as
    ``"orders/*.parquet"``), as a lazy DuckDB relation (:func:`research.engines.scan`), on
    which :func:`research.segmentation.clean_transactions` and ``rfm_summary`` run out of core.

    Parameters
    ----------
    path : str or path
        The file, glob or folder.
    sep, decimal : str, optional
        For a CSV, as :func:`read_table`.

    Returns
    -------
    pandas.DataFrame or duckdb.DuckDBPyRelation

    Raises
    ------
    FileNotFoundError, ValueError
        As :func:`read_table` and :func:`research.engines.scan`.
    """
    if is_file_set(path):
        from research.engines import scan

        return scan(path, sep=sep, decimal=decimal)
    return read_table(path, sep=sep, decimal=decimal)
