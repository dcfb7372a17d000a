"""The ``research`` command's parser and its one rule for errors (see :mod:`research.cli`)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from research.cli._common import UserError, user_errors

__all__ = ["main", "COMMANDS"]

#: The commands, each a module of this package with ``add_parser(subparsers)`` (which sets
#: ``func`` to a callable taking the parsed arguments and returning the exit status).
COMMANDS = ("fetch", "segment", "clv", "score", "terms", "funnel", "report")


def _parser() -> argparse.ArgumentParser:
    from research import __version__

    parser = argparse.ArgumentParser(
        prog="research",
        description="Market and sales research on your own exports: segments, lifetime value, "
        "lead scores, message terms, funnel conversion and the HTML reports.",
        epilog="Run 'research <command> --help' for a command's inputs and options.",
    )
    parser.add_argument("--version", action="version", version=f"research {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="<command>", required=True)
    for name in COMMANDS:
        importlib.import_module(f"research.cli.{name}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``research`` command with ``argv`` (default ``sys.argv[1:]``) and return its exit
    status: 0 on success, 1 on a user error (one line on stderr), 2 on a usage error.

    Examples
    --------
    >>> main(["segment", "orders.csv", "-o", "segments.csv"])  # doctest: +SKIP
    0
    """
    parser = _parser()
    args = parser.parse_args(argv)
    with user_errors(f"research {args.command}") as status:
        status.code = int(args.func(args) or 0)
    return status.code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


# re-exported for the command modules
__all__ += ["UserError"]
