"""Run the ``research`` command as a user would: a subprocess, its exit status, its output."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def research(*args: object, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """``research ARGS...`` in a subprocess (through ``python -m research``, the same entry
    point as the installed script)."""
    full_env = {**os.environ, "MPLBACKEND": "Agg", **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "research", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=900,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def one_error_line(run: Run, command: str) -> str:
    """The single error line a user error gets, checked to be the whole of stderr and free of
    a traceback."""
    assert run.code == 1, (run.code, run.err)
    lines = [line for line in run.err.splitlines() if line.strip()]
    assert "Traceback" not in run.err, run.err
    assert len(lines) == 1 and lines[0].startswith(f"research {command}: error: "), run.err
    return lines[0]
