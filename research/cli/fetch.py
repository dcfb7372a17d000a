"""``research fetch``: download and verify the public datasets."""

from __future__ import annotations

import argparse

from research.cli._common import UserError, note

__all__ = ["add_parser"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "fetch",
        help="download and verify the public datasets",
        description="Download each public dataset the notebooks use from its original source "
        "into the cache, verify its sha256, and say where to put the datasets that cannot be "
        "downloaded automatically. Copies already on disk (RESEARCH_DATA_HOME, the cache) are "
        "verified, not downloaded again.",
    )
    parser.add_argument(
        "datasets",
        nargs="*",
        metavar="DATASET",
        help="names of the datasets (default: all); 'research fetch --list' shows them",
    )
    parser.add_argument("--list", action="store_true", help="list the datasets and stop")
    parser.add_argument(
        "--no-download", action="store_true", help="only verify the copies already on disk"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from research.data import DATASETS, DatasetNotFoundError, fetch_file

    if args.list:
        for name, ds in DATASETS.items():
            how = "by hand" if ds.manual else "downloaded"
            files = f"{len(ds.files)} file" + ("s" if len(ds.files) != 1 else "")
            print(f"{name}\t{ds.title} ({files}, {how})")
        return 0
    unknown = [name for name in args.datasets if name not in DATASETS]
    if unknown:
        raise UserError(
            f"unknown dataset {', '.join(map(repr, unknown))}; the datasets are "
            f"{', '.join(DATASETS)}"
        )
    missing = 0
    for name in args.datasets or list(DATASETS):
        for entry in DATASETS[name].files:
            try:
                path = fetch_file(name, entry.name, download=not args.no_download)
            except DatasetNotFoundError as exc:
                missing += 1
                note(f"{name}/{entry.name}: missing. {' '.join(str(exc).split())}")
                continue
            print(f"{name}/{entry.name}\t{path}")
    if missing:
        note(f"{missing} file(s) are not on this machine yet: see the lines above")
        return 1
    return 0
