"""What every command shares: reading the user's table, writing the result, progress, and the
one-line error rule.

A user error is anything the user can fix: a file that is missing or unreadable, a column
that is not there, a value the analysis refuses. The package raises those as ``ValueError``,
``TypeError``, ``KeyError``, ``FileNotFoundError`` (and the dataset errors, which derive from
them); :func:`user_errors` prints their message as one line and sets the exit status 1. Any
other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = [
    "UserError",
    "user_errors",
    "read_table",
    "write_table",
    "add_output",
    "add_column",
    "note",
]


class UserError(Exception):
    """An error the user can fix, raised by a command itself (printed as one line)."""


@dataclass
class _Status:
    code: int = 0


_USER_ERRORS = (UserError, ValueError, TypeError, KeyError, FileNotFoundError, PermissionError)


@contextlib.contextmanager
def user_errors(prog: str) -> Iterator[_Status]:
    """Run a command: a user error becomes ``<prog>: error: <message>`` on stderr and status 1."""
    status = _Status()
    try:
        yield status
    except _USER_ERRORS as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        line = " ".join(str(message).split())  # one line, whatever the message holds
        print(f"{prog}: error: {line}", file=sys.stderr)
        status.code = 1


_READERS = {".parquet": "parquet", ".pq": "parquet", ".xlsx": "excel", ".xls": "excel"}


def read_table(path: str | Path, *, sep: str | None = None) -> pd.DataFrame:
    """The user's table: CSV (``sep`` None sniffs ``,`` ``;`` tab or ``|``), parquet or Excel,
    by the file's suffix. Every column is read as the file has it; the analyses convert text
    numbers and dates under their own documented rules.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    if path.is_dir():
        raise UserError(f"{path} is a folder: give the path of a file")
    kind = _READERS.get(path.suffix.lower(), "csv")
    try:
        if kind == "parquet":
            return pd.read_parquet(path)
        if kind == "excel":
            return pd.read_excel(path)
        if sep is None:
            return pd.read_csv(path, sep=None, engine="python")
        return pd.read_csv(path, sep=sep)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {path} as a table: {exc}") from None
    except ImportError as exc:
        raise UserError(f"cannot read {path}: {exc}") from None


def write_table(frame: pd.DataFrame, path: str | Path, *, index: bool = True) -> Path:
    """Write ``frame`` as CSV (or parquet for a ``.parquet`` path), creating the folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in (".parquet", ".pq"):
        frame.to_parquet(path, index=index)
    else:
        frame.to_csv(path, index=index)
    return path


def add_output(parser: argparse.ArgumentParser, what: str) -> None:
    """The ``-o/--output`` option (required): where the command writes ``what``."""
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE", help=f"where to write {what} (CSV)"
    )


def add_column(
    parser: argparse.ArgumentParser, name: str, default: str | None, help_text: str
) -> None:
    """A ``--<name>-col`` option mirroring a function's ``<name>_col`` parameter."""
    flag = f"--{name.replace('_', '-')}-col"
    shown = "none" if default is None else repr(default)
    parser.add_argument(
        flag, dest=f"{name}_col", default=default, metavar="NAME", help=f"{help_text} ({shown})"
    )


def note(message: str) -> None:
    """A line of progress or a summary on stderr (stdout stays free for piping)."""
    print(message, file=sys.stderr, flush=True)
