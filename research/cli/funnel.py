"""``research funnel``: not written yet (issue 14)."""

from __future__ import annotations

import argparse

from research.cli._common import UserError

__all__ = ["add_parser"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("funnel", help="(not available yet)", description="Not available yet.")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise UserError("this command is not available yet")
