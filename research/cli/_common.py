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
import io
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from tqdm import tqdm

__all__ = [
    "UserError",
    "user_errors",
    "read_export",
    "read_table",
    "write_table",
    "add_output",
    "add_column",
    "note",
    "optional",
    "require_column",
    "Work",
    "progress",
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


def read_table(path: str | Path, *, sep: str | None = None, decimal: str = ".") -> pd.DataFrame:
    """:func:`research.data.read_table`, its errors as the command's one-line error."""
    from research.data import read_table as read

    try:
        return read(path, sep=sep, decimal=decimal)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    except ImportError as exc:
        raise UserError(f"cannot read {path}: {exc}") from None


def read_export(path: str | Path, *, sep: str | None = None, decimal: str = ".") -> object:
    """A CSV or Excel file into pandas (:func:`read_table`); a parquet file, or a glob or folder
    of files, as a DuckDB relation read out of core (:func:`research.engines.scan`, without
    DuckDB's own progress bar: the command draws its own)."""
    from research.data.tables import is_file_set
    from research.engines import scan

    if is_file_set(path):
        return scan(path, progress=False, sep=sep, decimal=decimal)
    return read_table(path, sep=sep, decimal=decimal)


def write_table(frame: pd.DataFrame, path: str | Path, *, index: bool = True) -> Path:
    """Write ``frame`` as CSV (or parquet for a ``.parquet`` path), creating the folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in (".parquet", ".pq"):
        frame.to_parquet(path, index=index)
    else:
        frame.to_csv(path, index=index)
    return path


def add_decimal(parser: argparse.ArgumentParser) -> None:
    """The ``--decimal`` option: the decimal mark of a CSV's numbers ("12,50": ``,``)."""
    parser.add_argument(
        "--decimal",
        default=".",
        metavar="CHAR",
        help='the decimal mark of the CSV\'s numbers (default "."; "," for 12,50)',
    )


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


def optional(value: str | None) -> str | None:
    """An optional column or prefix given as an option: '' (or 'none') means none."""
    if value is None or value.strip().lower() in ("", "none"):
        return None
    return value


def require_column(
    frame: pd.DataFrame, path: str | Path, name: str, flag: str, what: str, other: str = ""
) -> None:
    """A UserError unless ``frame`` has the column ``name``: it names the column, what it
    should hold, the option that names it (``flag``) and the file's columns."""
    if name not in frame.columns:
        raise UserError(
            f"{path} has no column {name!r} ({flag}: {what}); its columns are "
            f"{list(map(str, frame.columns))}. Pass {flag} with the name your file uses{other}"
        )


class Work:
    """A command's progress bar and the notes for the user, made by :func:`progress`.

    Attributes
    ----------
    bar : tqdm.tqdm
        The progress bar (drawn on a terminal only).
    notes : list of str
        The package's warnings, as ``note: ...`` lines, printed when the work ends.
    """

    def __init__(self, bar: tqdm) -> None:
        self.bar = bar
        self.notes: list[str] = []

    def step(self, text: str) -> None:
        """Show what is being done."""
        self.bar.set_postfix_str(text)

    def done(self, steps: int = 1) -> None:
        """Count steps as done."""
        self.bar.update(steps)

    @contextlib.contextmanager
    def package(
        self,
        replace: dict[str, str] | None = None,
        words: Callable[[str], str] = lambda text: text,
    ) -> Iterator[None]:
        """Run package code: its warnings become ``note: ...`` lines (in the options' words,
        ``words``, with the texts of ``replace`` replaced), printed once the work is done; its
        ValueError and TypeError messages are re-raised as a UserError in the options' words
        (the one error line, without the notes)."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                yield
            except (ValueError, TypeError) as exc:
                raise UserError(words(str(exc))) from None
        for item in caught:
            text = words(" ".join(str(item.message).split()))
            for old, new in (replace or {}).items():
                text = text.replace(old, new)
            if issubclass(item.category, UserWarning) and f"note: {text}" not in self.notes:
                self.notes.append(f"note: {text}")


@contextlib.contextmanager
def progress(steps: int, desc: str) -> Iterator[Work]:
    """The work of the command ``desc`` ("research clv"): a progress bar of ``steps`` steps
    on stderr when it is a terminal; off a terminal nothing is drawn, the package's own bars
    included, so a script's stderr holds only the notes and the summary, or the one error
    line. The notes are printed (``research clv: note: ...``) when the work ends without an
    error.

    Examples
    --------
    >>> with progress(2, "research segment") as work:
    ...     work.step("reading")
    ...     work.done(2)
    """
    from tqdm import tqdm

    terminal = sys.stderr.isatty()
    bar = tqdm(total=steps, desc=desc, unit="step", leave=False, disable=not terminal)
    work = Work(bar)
    quiet = contextlib.nullcontext() if terminal else contextlib.redirect_stderr(io.StringIO())
    try:
        with quiet:
            yield work
    finally:
        bar.close()
    for line in work.notes:
        note(f"{desc}: {line}")
