"""The inputs an analysis accepts besides a pandas DataFrame, as narwhals lazy frames."""

from __future__ import annotations

import contextlib
import glob as _glob
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import narwhals as nw
from narwhals.dependencies import (
    is_duckdb_relation,
    is_pandas_dataframe,
    is_polars_dataframe,
    is_polars_lazyframe,
    is_pyspark_connect_dataframe,
    is_pyspark_dataframe,
)

__all__ = ["ENGINES", "engine_of", "is_engine_table", "scan", "to_lazy"]

#: The engines an analysis can run on, by the name :func:`engine_of` gives.
ENGINES = ("pandas", "polars", "duckdb", "pyspark")

_FILE_KINDS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".tsv": "csv"}


def _is_path(source: object) -> bool:
    if isinstance(source, str | os.PathLike):
        return True
    return (
        isinstance(source, Sequence)
        and not isinstance(source, str)
        and len(source) > 0
        and all(isinstance(s, str | os.PathLike) for s in source)
    )


def engine_of(source: object) -> str | None:
    """The engine a table lives in (one of :data:`ENGINES`), ``"duckdb"`` for a path or glob
    of files, or None for anything else.

    Examples
    --------
    >>> import pandas as pd
    >>> engine_of(pd.DataFrame({"a": [1]})), engine_of("orders/*.parquet"), engine_of([1, 2])
    ('pandas', 'duckdb', None)
    """
    if is_pandas_dataframe(source):
        return "pandas"
    if is_polars_dataframe(source) or is_polars_lazyframe(source):
        return "polars"
    if is_duckdb_relation(source) or _is_path(source):
        return "duckdb"
    if is_pyspark_dataframe(source) or is_pyspark_connect_dataframe(source):
        return "pyspark"
    return None


def is_engine_table(source: object) -> bool:
    """Whether ``source`` is a table that runs outside pandas (polars, DuckDB, Spark, or a
    path of files read by DuckDB)."""
    return engine_of(source) not in (None, "pandas")


def _expand(paths: str | os.PathLike | Sequence[str | os.PathLike]) -> tuple[list[str], str]:
    """The files a path, glob or list names (checked to exist), and their kind."""
    items = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    files: list[str] = []
    for item in items:
        text = os.fspath(item)
        pattern = _glob.has_magic(text) and not Path(text).exists()
        found = sorted(_glob.glob(text, recursive=True)) if pattern else [text]
        if pattern and not found:
            raise FileNotFoundError(f"no file matches {text!r}")
        for name in found:
            if Path(name).is_dir():
                found_in = sorted(
                    str(p) for p in Path(name).rglob("*") if p.suffix.lower() in _FILE_KINDS
                )
                if not found_in:
                    raise FileNotFoundError(f"folder {name!r} holds no parquet or CSV file")
                files.extend(found_in)
            elif not Path(name).exists():
                raise FileNotFoundError(f"no such file: {name!r}")
            else:
                files.append(name)
    kinds = {_FILE_KINDS.get(Path(f).suffix.lower()) for f in files}
    if None in kinds:
        odd = [f for f in files if Path(f).suffix.lower() not in _FILE_KINDS][:3]
        raise ValueError(
            f"can read parquet (.parquet, .pq) and CSV (.csv, .tsv) files, not {odd}: "
            "convert them, or read them yourself and pass the table"
        )
    if len(kinds) > 1:
        raise ValueError("the files mix parquet and CSV: pass one kind at a time")
    return files, kinds.pop()  # type: ignore[return-value]


def scan(
    paths: str | os.PathLike | Sequence[str | os.PathLike],
    *,
    memory_limit: str | None = None,
    threads: int | None = None,
    temp_directory: str | os.PathLike | None = None,
    progress: bool = True,
    sep: str | None = None,
    decimal: str = ".",
    time_zone: str = "UTC",
) -> Any:
    """Parquet or CSV files as a lazy DuckDB relation, read out of core.

    Nothing is read until an analysis runs on the relation; DuckDB then streams the files and
    spills to ``temp_directory`` what does not fit under ``memory_limit``.

    Parameters
    ----------
    paths : str, path or list of them
        A file, a glob (``"orders/*.parquet"``, ``"orders/**/*.parquet"``), a folder (every
        parquet or CSV file under it), or a list of these; all parquet or all CSV.
    memory_limit : str, optional
        DuckDB's ``memory_limit``, e.g. ``"4GB"`` (default: DuckDB's, 80% of the RAM).
    threads : int, optional
        DuckDB's ``threads`` (default: DuckDB's, the number of cores).
    temp_directory : str or path, optional
        Where DuckDB spills (default: DuckDB's, ``.tmp`` under the working folder).
    progress : bool, default True
        DuckDB's progress bar on queries that run longer than two seconds (in Jupyter only
        where ipywidgets is installed).
    time_zone : str, default "UTC"
        DuckDB's ``TimeZone``: the clock on which times stored with a zone (a parquet
        ``TIMESTAMP WITH TIME ZONE`` keeps the instant, not its zone) are shown, and so the
        clock their days, weeks and months fall on. UTC by default, so that the same files give
        the same answer on every machine and hours are counted between instants; give the
        export's own zone (``"Asia/Tokyo"``) for its own days. Naive times are not affected.
    sep, decimal : str, optional
        For CSV files: the separator (None: sniffed) and the decimal mark. Their numbers are
        typed by DuckDB's sniffer; their dates are left as text, which the analyses read
        under their own rules (one format, and an error where it is ambiguous), never a
        guess of the sniffer's.

    Returns
    -------
    duckdb.DuckDBPyRelation
        On a connection of its own with these settings.

    Raises
    ------
    FileNotFoundError
        A file does not exist, or a glob or folder matches none.
    ValueError
        A file is neither parquet nor CSV, or the files mix the two.
    ImportError
        DuckDB is not installed.
    """
    files, kind = _expand(paths)
    try:
        import duckdb
    except ImportError as err:  # pragma: no cover - duckdb is a dependency
        raise ImportError("reading files out of core needs duckdb: pip install duckdb") from err
    con = duckdb.connect()
    # no step needs the files' row order: without it DuckDB streams in less memory
    settings: dict[str, object] = {
        "memory_limit": memory_limit,
        "threads": threads,
        "preserve_insertion_order": False,
        # the clock times with a zone are shown on: not the machine's, so that the same files
        # give the same answer everywhere
        "TimeZone": time_zone,
    }
    if temp_directory is not None:
        settings["temp_directory"] = os.fspath(temp_directory)
    for name, value in settings.items():
        if value is not None:
            con.execute(f"SET {name} = ?", [value])
    # in Jupyter, DuckDB draws its bar with ipywidgets and refuses the setting without them:
    # the query then runs without a bar
    with contextlib.suppress(duckdb.Error):
        con.execute(f"SET enable_progress_bar = {'true' if progress else 'false'}")
    if kind == "parquet":
        return con.read_parquet(files)
    options: dict[str, Any] = {"decimal": decimal, "auto_type_candidates": _CSV_TYPES}
    if sep is not None:
        options["sep"] = sep
    return con.read_csv(files, **options)


# what DuckDB may make of a CSV column: no date or time type, so that a date is never guessed
_CSV_TYPES = ["BOOLEAN", "BIGINT", "DOUBLE", "VARCHAR"]


def to_lazy(source: object) -> tuple[nw.LazyFrame, str]:
    """``source`` as a narwhals LazyFrame on its own engine, and the engine's name.

    A path or glob is read with :func:`scan` at its defaults; a polars DataFrame is made lazy.

    Raises
    ------
    TypeError
        ``source`` is a pandas DataFrame (which has its own path) or no table at all.
    """
    engine = engine_of(source)
    if engine is None or engine == "pandas":
        raise TypeError(
            f"expected a polars, DuckDB or Spark table or a path of files, got "
            f"{type(source).__name__}"
        )
    if _is_path(source):
        source = scan(source)  # type: ignore[arg-type]
    frame = nw.from_native(source)
    if isinstance(frame, nw.DataFrame):
        frame = frame.lazy()
    return frame, engine
