"""Benchmark ``research.funnel`` on a million synthetic leads: time and peak memory per step.

What is measured
----------------
A CRM of ``--leads`` leads (default 1,000,000) is generated once with
``research.data.synthetic.make_crm(n, random_state=0, with_messages=False)``, in a subprocess that
reports its wall time and peak resident memory. It also builds the funnel's lead table, one row
per lead with the opportunity's dates (this step is not timed)::

    L = research.funnel.opportunity_stages(leads, opportunities)

and writes ``L``, ``leads``, ``campaigns``, ``opportunities`` and ``customers`` to parquet in a
temporary folder (datetime columns are cast back to their generated unit on load). Then each
step runs in its own subprocess (this file re-run with ``--worker STEP``), which loads only the
tables it needs and calls the step ``--repeat`` times:

1. ``funnel``: ``funnel(L, ["created_at", "mql_at", "sql_at", "opportunity_at", "won_at"])``;
2. ``funnel_by_channel``: the same with ``by="channel"``;
3. ``funnel_cohort``: the same with ``cohort="created_at"`` (monthly cohorts);
4. ``sla_compliance``: ``sla_compliance(leads, by="sdr_id", data_end=end)``;
5. ``kpi_table``: ``kpi_table(campaigns=..., leads=..., opportunities=..., customers=...,
   data_end=end, n_boot=--n-boot)`` (default 200 bootstrap draws);
6. ``roi_by_channel``: ``roi_by_channel(campaigns, leads, opportunities, n_boot=--n-boot)``.

Each step runs once per ``--engines`` entry: ``pandas`` reads the tables into memory;
``duckdb`` leaves the lead tables (``L`` and ``leads``) in their parquet files and passes
``research.engines.scan(path)``, so the counting runs in DuckDB and the worker's memory holds only
the other tables (the input MiB column shows the difference).

``end`` is the CRM's censoring date (``crm.truth["data_end"]``). The table gives the rows the
step receives, the best wall time of the calls, and the peak resident memory during the calls
above the memory that holds the loaded inputs (on Linux the kernel's peak mark, VmHWM, is reset
through /proc/self/clear_refs once the inputs are loaded; elsewhere the peak is
``ru_maxrss``, load included, and no increase is shown). A step whose best time is above
``--profile-seconds`` (default 10) is run once more under cProfile (functions of
research/funnel/ by cumulative time, and the heaviest functions overall) and once under a
line tracer that charges each line of research/funnel/ with the wall time until the next line
of the same call, including the pandas / numpy code it runs but not its calls back into
research/funnel/, which are charged to their own lines (tracing slows Python calls, so read
its shares, not its seconds). Results also go to ``benchmarks/results/bench_funnel.json``
(git-ignored).

There is no peer library to compare against: the target is that the counting steps stay
well under a few seconds at a million leads, as plain ``GROUP BY`` aggregations should.

How to run
----------
``make bench`` (runs every benchmarks/bench_*.py), or directly::

    .venv/bin/python benchmarks/bench_funnel.py [--leads 1000000] [--repeat 3] [--n-boot 200]
        [--engines pandas duckdb]

Generating a million leads takes a minute or two and a few GB; use ``--leads`` to scale down.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "results" / "bench_funnel.json"
STAGES = ["created_at", "mql_at", "sql_at", "opportunity_at", "won_at"]
NAMES = ["lead", "MQL", "SQL", "opportunity", "won"]
TABLES = ("funnel_leads", "leads", "campaigns", "opportunities", "customers")
# step -> the tables it loads
STEPS: dict[str, tuple[str, ...]] = {
    "funnel": ("funnel_leads",),
    "funnel_by_channel": ("funnel_leads",),
    "funnel_cohort": ("funnel_leads",),
    "sla_compliance": ("leads",),
    "kpi_table": ("campaigns", "leads", "opportunities", "customers"),
    "roi_by_channel": ("campaigns", "leads", "opportunities"),
}
FUNNEL_FILE = "research/funnel/"  # the package: a file of it is one of "ours"


def _ours(filename: str) -> bool:
    """Whether ``filename`` is a module of research/funnel/."""
    return FUNNEL_FILE in filename.replace(os.sep, "/")


# --------------------------------------------------------------------------------------------
# memory
# --------------------------------------------------------------------------------------------


def _proc_status_mib(field: str) -> float | None:
    """``VmRSS`` (current) or ``VmHWM`` (peak) resident memory in MiB from Linux /proc."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark VmHWM (Linux >= 4.0), so it starts from here."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def _peak_mib(reset: bool) -> tuple[float, bool]:
    """Peak RSS in MiB since the reset (VmHWM), or ``ru_maxrss`` of the whole process."""
    import resource

    peak = _proc_status_mib("VmHWM") if reset else None
    if peak is not None:
        return peak, True
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (maxrss / 2**20 if sys.platform == "darwin" else maxrss / 1024), False


# --------------------------------------------------------------------------------------------
# workers: run in subprocesses
# --------------------------------------------------------------------------------------------


def _generate(args: argparse.Namespace) -> None:
    """Make the CRM, build the funnel's lead table, write the tables to parquet."""
    import gc

    import pandas as pd

    from research.data.synthetic import make_crm
    from research.funnel import opportunity_stages

    folder = Path(args.data)
    gc.collect()
    rss_start = _proc_status_mib("VmRSS")
    reset = _reset_peak_rss() and rss_start is not None
    start = time.perf_counter()
    crm = make_crm(args.leads, random_state=0, with_messages=False)
    seconds = time.perf_counter() - start
    peak, reset = _peak_mib(reset)

    funnel_leads = opportunity_stages(crm.leads, crm.opportunities)
    tables = {
        "funnel_leads": funnel_leads,
        "leads": crm.leads,
        "campaigns": crm.campaigns,
        "opportunities": crm.opportunities,
        "customers": crm.customers,
    }
    dtypes = {}
    for name, frame in tables.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
        # parquet has no second-resolution timestamps: keep the generated unit for the load
        dtypes[name] = {
            c: str(t) for c, t in frame.dtypes.items() if pd.api.types.is_datetime64_any_dtype(t)
        }
    meta = {
        "data_end": str(crm.truth["data_end"]),
        "rows": {name: len(frame) for name, frame in tables.items()},
        "datetime_dtypes": dtypes,
        "make_crm_s": seconds,
        "make_crm_peak_mib": peak,
        "make_crm_peak_above_start_mib": peak - rss_start if reset else None,
        "peak_reset": reset,
    }
    (folder / "meta.json").write_text(json.dumps(meta))


#: the lead tables: on ``--engine duckdb`` they stay in their parquet files, scanned by DuckDB
LEAD_TABLES = ("funnel_leads", "leads")


def _load(folder: Path, names: tuple[str, ...], meta: dict, engine: str = "pandas") -> dict:
    import pandas as pd

    from research.engines import scan

    tables = {}
    for name in names:
        path = folder / f"{name}.parquet"
        if engine == "duckdb" and name in LEAD_TABLES:
            tables[name] = scan(path, progress=False)
            continue
        frame = pd.read_parquet(path)
        tables[name] = frame.astype(meta["datetime_dtypes"][name])
    return tables


def _call(step: str, t: dict, end, n_boot: int):
    """The callable that runs one step on the loaded tables."""
    from research import funnel as F

    if step == "funnel":
        return lambda: F.funnel(t["funnel_leads"], STAGES, names=NAMES)
    if step == "funnel_by_channel":
        return lambda: F.funnel(t["funnel_leads"], STAGES, names=NAMES, by="channel")
    if step == "funnel_cohort":
        return lambda: F.funnel(t["funnel_leads"], STAGES, names=NAMES, cohort="created_at")
    if step == "sla_compliance":
        return lambda: F.sla_compliance(t["leads"], by="sdr_id", data_end=end)
    if step == "kpi_table":
        return lambda: F.kpi_table(
            campaigns=t["campaigns"],
            leads=t["leads"],
            opportunities=t["opportunities"],
            customers=t["customers"],
            data_end=end,
            n_boot=n_boot,
        )
    if step == "roi_by_channel":
        return lambda: F.roi_by_channel(
            t["campaigns"], t["leads"], t["opportunities"], n_boot=n_boot
        )
    raise ValueError(f"unknown step {step!r}")


def _cprofile(run, top: int) -> dict:
    """One call under cProfile: research/funnel/ functions by cumulative time, top overall."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.runcall(run)
    wall = time.perf_counter() - start
    stats = pstats.Stats(profiler).stats  # (file, line, name) -> (cc, nc, tt, ct, callers)

    def row(key, value) -> dict:
        file, line, name = key
        _cc, calls, own, cumulative, _callers = value
        where = "/".join(Path(file).parts[-2:]) + f":{line}" if line else file
        return {
            "function": f"{where}({name})",
            "calls": calls,
            "own_s": own,
            "cumulative_s": cumulative,
        }

    ours = [row(k, v) for k, v in stats.items() if _ours(k[0])]
    ours.sort(key=lambda r: -r["cumulative_s"])
    overall = sorted((row(k, v) for k, v in stats.items()), key=lambda r: -r["own_s"])
    return {"wall_s": wall, "funnel_py_by_cumulative": ours[:top], "overall_by_own": overall[:top]}


def _line_profile(run, top: int) -> dict:
    """One call with the lines of research/funnel/ timed (``sys.settrace``).

    A line is charged the wall time from its start to the next line event of its frame,
    including the pandas / numpy code it calls, but not the time spent in other frames of
    research/funnel/ it calls (lambdas, helpers, comprehensions): those are charged to their
    own lines, so the shares add up to at most 100%.
    """
    import linecache

    totals: dict[tuple[str, str, int], float] = {}
    hits: dict[tuple[str, str, int], int] = {}
    stack: list[list] = []  # [key of the running line, since], one per research/funnel/ frame

    def charge(now: float) -> None:
        key, since = stack[-1]
        totals[key] = totals.get(key, 0.0) + now - since

    def key_of(frame) -> tuple[str, str, int]:
        return frame.f_code.co_filename, frame.f_code.co_name, frame.f_lineno

    def local(frame, event, _arg):
        now = time.perf_counter()
        charge(now)
        if event == "return":
            stack.pop()
            if stack:
                stack[-1][1] = time.perf_counter()
        else:
            key = key_of(frame)
            if event == "line":
                hits[key] = hits.get(key, 0) + 1
            stack[-1] = [key, time.perf_counter()]
        return local

    def tracer(frame, event, _arg):
        if event == "call" and _ours(frame.f_code.co_filename):
            if stack:
                charge(time.perf_counter())
            stack.append([key_of(frame), time.perf_counter()])
            return local
        return None

    start = time.perf_counter()
    sys.settrace(tracer)
    try:
        run()
    finally:
        sys.settrace(None)
    wall = time.perf_counter() - start
    rows = []
    for (file, name, line), seconds in sorted(totals.items(), key=lambda kv: -kv[1])[:top]:
        rows.append(
            {
                "line": line,
                "function": f"{Path(file).name}:{name}",
                "seconds": seconds,
                "share_of_call": seconds / wall,
                "hits": hits.get((file, name, line), 0),
                "code": linecache.getline(file, line).strip(),
            }
        )
    return {"wall_s": wall, "lines": rows}


def _worker(args: argparse.Namespace) -> None:
    import gc
    from importlib.metadata import version

    import numpy as np
    import pandas as pd

    import research.funnel  # noqa: F401 - imported before the memory baseline

    folder = Path(args.data)
    meta = json.loads((folder / "meta.json").read_text())
    step = args.worker
    tables = _load(folder, STEPS[step], meta, args.engine)
    run = _call(step, tables, pd.Timestamp(meta["data_end"]), args.n_boot)
    gc.collect()
    rss_input = _proc_status_mib("VmRSS")
    reset = _reset_peak_rss() and rss_input is not None

    times: list[float] = []
    out = None
    for i in range(args.repeat):
        out = None  # free the previous output before the next call
        gc.collect()
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
        print(
            f"    {step}: run {i + 1}/{args.repeat}: {times[-1]:.3f} s", file=sys.stderr, flush=True
        )
    peak, reset = _peak_mib(reset)
    rows_out = len(out.table)  # every step returns a result object with its table
    out = None

    profile = None
    if min(times) > args.profile_seconds:
        print(
            f"    {step}: profiling (best {min(times):.1f} s > {args.profile_seconds:g} s)",
            file=sys.stderr,
            flush=True,
        )
        profile = {
            "cprofile": _cprofile(run, args.profile_top),
            "lines": _line_profile(run, args.profile_top),
        }

    result = {
        "step": step,
        "engine": args.engine,
        "tables": list(STEPS[step]),
        "rows_in": {name: meta["rows"][name] for name in STEPS[step]},
        "rows_out": rows_out,
        "times_s": times,
        "best_s": min(times),
        "input_rss_mib": rss_input,
        "peak_rss_mib": peak,
        "peak_above_input_mib": peak - rss_input if reset else None,
        "peak_reset_after_load": reset,
        "profile": profile,
        "versions": {
            "python": platform.python_version(),
            "pandas": pd.__version__,
            "numpy": np.__version__,
            "research": version("research"),
        },
    }
    Path(args.result).write_text(json.dumps(result))


# --------------------------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------------------------


def _fmt_table(header: list[str], rows: list[list[str]]) -> str:
    """Plain-text table: first column left-aligned, the others right-aligned."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]

    def fmt(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    line = fmt(header)
    return "\n".join([line, "-" * len(line), *map(fmt, rows)])


def _subprocess(extra: list[str]) -> None:
    subprocess.run([sys.executable, str(Path(__file__).resolve()), *extra], check=True)


def _print_profile(r: dict) -> None:
    prof = r["profile"]
    cp, lines = prof["cprofile"], prof["lines"]
    print()
    print(
        f"{r['step']}: best {r['best_s']:.1f} s > threshold; cProfile of one call "
        f"({cp['wall_s']:.1f} s under the profiler), functions of {FUNNEL_FILE}:"
    )
    print(
        _fmt_table(
            ["function", "calls", "cumulative s", "own s"],
            [
                [f["function"], f"{f['calls']:,}", f"{f['cumulative_s']:.2f}", f"{f['own_s']:.2f}"]
                for f in cp["funnel_py_by_cumulative"]
            ],
        )
    )
    print("heaviest functions overall (own time):")
    print(
        _fmt_table(
            ["function", "calls", "own s", "cumulative s"],
            [
                [f["function"], f"{f['calls']:,}", f"{f['own_s']:.2f}", f"{f['cumulative_s']:.2f}"]
                for f in cp["overall_by_own"][:8]
            ],
        )
    )
    print(
        f"lines of {FUNNEL_FILE} by share of one traced call ({lines['wall_s']:.1f} s; a "
        "line includes the pandas/numpy code it runs, not its calls back into research/funnel/):"
    )
    print(
        _fmt_table(
            ["line", "function", "share", "hits", "code"],
            [
                [
                    str(x["line"]),
                    x["function"],
                    f"{x['share_of_call']:.0%}",
                    f"{x['hits']:,}",
                    x["code"][:80],
                ]
                for x in lines["lines"]
            ],
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time research.funnel's funnel, SLA, KPI and ROI steps on a large "
        "synthetic CRM, each step in its own subprocess (time and peak memory).",
    )
    parser.add_argument(
        "--leads",
        type=int,
        default=1_000_000,
        help="leads of the synthetic CRM (default 1,000,000)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="calls per step (best is kept)")
    parser.add_argument(
        "--n-boot",
        type=int,
        default=200,
        help="bootstrap draws of kpi_table and roi_by_channel (default 200)",
    )
    parser.add_argument(
        "--profile-seconds",
        type=float,
        default=10.0,
        help="profile a step whose best time is above this (default 10)",
    )
    parser.add_argument("--profile-top", type=int, default=12, help="rows of each profile")
    parser.add_argument(
        "--steps",
        nargs="+",
        choices=list(STEPS),
        default=list(STEPS),
        help="steps to run (default: all)",
    )
    parser.add_argument(
        "--engines",
        nargs="+",
        choices=["pandas", "duckdb"],
        default=["pandas", "duckdb"],
        help="where the lead tables are: read into pandas, or scanned from their parquet files "
        "by DuckDB (research.engines.scan; the other tables are read into pandas). Default both",
    )
    parser.add_argument("--engine", default="pandas", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON results file")
    # worker mode (internal)
    parser.add_argument("--worker", choices=["generate", *STEPS], help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.leads < 1:
        parser.error("--repeat and --leads must be at least 1")
    if args.worker == "generate":
        _generate(args)
        return 0
    if args.worker:
        _worker(args)
        return 0

    common = [
        "--repeat",
        str(args.repeat),
        "--n-boot",
        str(args.n_boot),
        "--profile-seconds",
        str(args.profile_seconds),
        "--profile-top",
        str(args.profile_top),
    ]
    results = []
    with tempfile.TemporaryDirectory(prefix="bench_funnel_") as tmp:
        folder = Path(tmp)
        print(
            f"== make_crm({args.leads:,}, random_state=0, with_messages=False)",
            file=sys.stderr,
            flush=True,
        )
        _subprocess(["--worker", "generate", "--leads", str(args.leads), "--data", tmp])
        meta = json.loads((folder / "meta.json").read_text())
        for step in args.steps:
            for engine in args.engines:
                print(f"== {step} ({engine})", file=sys.stderr, flush=True)
                result = folder / f"{step}-{engine}.json"
                _subprocess(
                    ["--worker", step, "--data", tmp, "--result", str(result), "--engine", engine]
                    + common
                )
                results.append(json.loads(result.read_text()))

    gen_above = meta["make_crm_peak_above_start_mib"]
    print()
    print(
        f"make_crm({args.leads:,} leads, with_messages=False): {meta['make_crm_s']:.1f} s, "
        f"peak {meta['make_crm_peak_mib']:,.0f} MiB"
        + (f" (+{gen_above:,.0f} above start-up)" if gen_above is not None else "")
    )
    print(
        "tables: "
        + ", ".join(f"{name} {meta['rows'][name]:,}" for name in TABLES)
        + f"; data_end {meta['data_end']}"
    )
    print()
    header = [
        "step",
        "engine",
        "rows in",
        "rows out",
        "best s",
        "all s",
        "input MiB",
        "peak MiB above input",
    ]
    rows = []
    for r in results:
        rows_in = sum(r["rows_in"].values())
        above = r["peak_above_input_mib"]
        rows.append(
            [
                r["step"],
                r["engine"],
                f"{rows_in:,}" + (f" ({len(r['tables'])} tables)" if len(r["tables"]) > 1 else ""),
                f"{r['rows_out']:,}",
                f"{r['best_s']:.3f}",
                " ".join(f"{t:.2f}" for t in r["times_s"]),
                f"{r['input_rss_mib']:,.0f}" if r["input_rss_mib"] is not None else "?",
                f"+{max(above, 0):,.0f}"
                if above is not None
                else f"{r['peak_rss_mib']:,.0f} (total)",
            ]
        )
    print(f"research.funnel on {args.leads:,} synthetic leads (n_boot={args.n_boot})")
    print(_fmt_table(header, rows))
    print(
        f"time: best wall time of {args.repeat} call(s); memory: RSS of the worker once its "
        "inputs are loaded, and its peak during the calls above that (Linux VmHWM, reset "
        "after the load)"
    )
    for r in results:
        if r["profile"]:
            _print_profile(r)

    payload = {
        "benchmark": "research.funnel on a synthetic CRM",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "args": {
            "leads": args.leads,
            "repeat": args.repeat,
            "n_boot": args.n_boot,
            "profile_seconds": args.profile_seconds,
        },
        "generation": meta,
        "results": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    print()
    print(f"results written to {args.output}")
    slow = [r["step"] for r in results if r["best_s"] > args.profile_seconds]
    if slow:
        print(f"slower than {args.profile_seconds:g} s (profiled above): {', '.join(slow)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
