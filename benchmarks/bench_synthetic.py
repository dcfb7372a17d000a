"""Benchmark ``research.data.synthetic.make_crm``: speed, and memory at a million messages.

What is measured
----------------
* The time to generate the default 5,000-lead CRM in three languages (the issue's target:
  under 5 seconds), best of ``--repeat`` runs.
* A CRM with about ``--messages`` messages (default 1,000,000): the number of leads is scaled
  from the messages per lead of the small run. It runs in a subprocess, which reports its wall
  time, the number of messages, the size of the text column (its Arrow buffers) and the peak
  resident memory above the memory the process had before generating (Linux ``VmHWM``, reset
  after start-up). The target is "under a few minutes, without holding more than one copy" of
  the messages: the peak should be a small multiple of the text size (the other tables and
  the per-message plan take room too), not the two or three copies a list -> frame -> sort
  pipeline would hold.

There is no peer library to compare against: no public generator produces a whole
marketing-and-sales record with planted effects.

How to run
----------
``make bench`` (runs every benchmarks/bench_*.py), or directly::

    .venv/bin/python benchmarks/bench_synthetic.py [--messages 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from pathlib import Path

from research.data.synthetic import make_crm

LANGUAGES = ("en", "ko", "ja")
RESULTS = Path(__file__).resolve().parent / "results" / "bench_synthetic.json"


def _vm(field: str) -> float:
    """A ``/proc/self/status`` memory field in MiB (NaN where there is no /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return math.nan


def _worker(n_leads: int) -> None:
    """Generate one large CRM and print its measures as JSON (run in a subprocess)."""
    try:  # reset the peak mark, so that the peak is that of the generation
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    before = _vm("VmRSS")
    start = time.perf_counter()
    crm = make_crm(n_leads, languages=LANGUAGES, random_state=0)
    seconds = time.perf_counter() - start
    text = crm.messages["text"].array
    print(
        json.dumps(
            {
                "n_leads": n_leads,
                "messages": len(crm.messages),
                "seconds": seconds,
                "text_mib": text.nbytes / 2**20,
                "peak_above_start_mib": _vm("VmHWM") - before,
            }
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args.worker)
        return 0

    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        small = make_crm(5_000, languages=LANGUAGES, random_state=0)
        times.append(time.perf_counter() - start)
    per_lead = len(small.messages) / 5_000
    n_leads = math.ceil(args.messages / per_lead)
    print(
        f"make_crm(5,000 leads, {', '.join(LANGUAGES)}): best of {args.repeat} "
        f"{min(times):.2f} s ({len(small.messages):,} messages, {per_lead:.2f} per lead); "
        f"target < 5 s: {'MET' if min(times) < 5 else 'NOT MET'}"
    )

    out = subprocess.run(
        [sys.executable, __file__, "--worker", str(n_leads)],
        check=True,
        capture_output=True,
        text=True,
    )
    big = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"make_crm({big['n_leads']:,} leads): {big['messages']:,} messages in "
        f"{big['seconds']:.1f} s; text column {big['text_mib']:,.0f} MiB; peak memory "
        f"{big['peak_above_start_mib']:,.0f} MiB above start-up "
        f"({big['peak_above_start_mib'] / big['text_mib']:.1f}x the text)"
    )
    print(
        f"target: {big['messages']:,} messages in under a few minutes: "
        f"{'MET' if big['seconds'] < 300 else 'NOT MET'}"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"small_seconds": times, "large": big}, indent=2))
    print(f"results written to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
