"""Benchmark ``research.segmentation.rfm_summary`` against lifetimes.

What is compared
----------------
``research.segmentation.rfm_summary(tx, time_unit="D")`` is timed against
``lifetimes.utils.summary_data_from_transaction_data(tx, ..., monetary_value_col="amount",
freq="D")`` (lifetimes 0.11.3, the ``bench`` extra of pyproject.toml). Both get the same
transaction log and the same observation end: ``None`` (the last purchase date) unless
``--observation-end`` is given. Two logs are used:

* CDNOW master (``research.data.load_cdnow("master")``: 69,659 purchases, 23,570 customers);
* CDNOW scaled up to about ``--rows`` rows (default 8,000,000): the log repeated
  ``ceil(rows / 69,659)`` times (115 copies for 8M rows), copy ``k`` with customer ids suffixed
  ``"-k"`` and the same dates and amounts, so each copy brings new customers with CDNOW's history.

Each function runs in its own subprocess (this file re-run with ``--worker``), which reads the log
from a parquet file in a temporary folder, calls the function ``--repeat`` times (a call slower
than ``--slow-seconds`` is not repeated: lifetimes at 8M rows) and writes its last output back to
parquet. The table gives the best wall time of each, the ratio lifetimes / ours, and the peak
resident memory of each subprocess during its calls, with the increase over the memory that holds
the input log (on Linux the kernel's peak mark, VmHWM, is reset once the log is loaded; elsewhere
the peak is ``resource.getrusage(RUSAGE_SELF).ru_maxrss``, load included). The outputs are
aligned on customer id and must agree: the largest absolute difference must be below 1e-9 for
``frequency``, ``recency`` and ``T`` and below 1e-6 for ``monetary_value``, or the benchmark
fails. The issue's target is ``rfm_summary`` at least 10x faster than lifetimes on the scaled
log; the script says whether it is met. Results also go to
``benchmarks/results/bench_rfm.json`` (git-ignored).

How to run
----------
``make bench`` (installs the ``bench`` extra into .venv, then runs every benchmarks/bench_*.py),
or directly, with ``RESEARCH_DATA_HOME`` pointing at the datasets::

    .venv/bin/python benchmarks/bench_rfm.py [--rows 8000000] [--repeat 3]

lifetimes 0.11.3 imports and runs under pandas 3 / numpy 2 (it only triggers a pandas
deprecation warning, silenced here), so by default it runs with the same interpreter. To time it
in another environment instead, e.g. the pandas 1.x / numpy 1.x stack it was written for, give
that interpreter with ``--peer-python``; it needs only pandas, pyarrow and lifetimes, not this
package::

    python3.11 -m venv /tmp/benchenv
    /tmp/benchenv/bin/pip install "pandas<2.2" "numpy<2" "pyarrow<17" "lifetimes==0.11.3"
    .venv/bin/python benchmarks/bench_rfm.py --peer-python /tmp/benchenv/bin/python
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "results" / "bench_rfm.json"
COLUMNS = ("frequency", "recency", "T", "monetary_value")
TOLERANCE = {"frequency": 1e-9, "recency": 1e-9, "T": 1e-9, "monetary_value": 1e-6}
TARGET_RATIO = 10.0
ID, DATE, AMOUNT = "customer_id", "date", "amount"


# --------------------------------------------------------------------------------------------
# worker: runs in a subprocess, one function on one log
# --------------------------------------------------------------------------------------------


def _proc_status_kib(field: str) -> int | None:
    """``VmRSS`` (current) or ``VmHWM`` (peak) resident memory in KiB from Linux /proc."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark VmHWM (Linux >= 4.0), so it starts from here.

    ``ru_maxrss`` cannot be used after this: on Linux it also keeps the peak of the process image
    before ``exec``, i.e. of the forked parent, which holds the whole log.
    """
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def _worker(args: argparse.Namespace) -> None:
    import gc
    import resource
    import warnings

    import pandas as pd

    end = args.observation_end
    versions = {"python": platform.python_version(), "pandas": pd.__version__}
    if args.worker == "ours":
        from importlib.metadata import version

        import numpy as np

        from research.segmentation import clean_transactions, rfm_summary

        versions |= {"numpy": np.__version__, "research": version("research")}

        def run() -> pd.DataFrame:
            # zero_amounts="keep": lifetimes counts every row, $0 purchases too; cleaning and
            # aggregating, what rfm_summary(tx, ...) does, without its warning of the counts
            cleaned = clean_transactions(
                tx,
                customer_col=ID,
                date_col=DATE,
                amount_col=AMOUNT,
                observation_end=end,
                zero_amounts="keep",
            )
            return rfm_summary(cleaned, time_unit="D")

    else:
        import numpy as np

        with warnings.catch_warnings():
            # lifetimes sets pd.options.mode.chained_assignment, deprecated in pandas 3
            warnings.simplefilter("ignore")
            import lifetimes
            from lifetimes.utils import summary_data_from_transaction_data

        versions |= {"numpy": np.__version__, "lifetimes": lifetimes.__version__}

        def run() -> pd.DataFrame:
            return summary_data_from_transaction_data(
                tx, ID, DATE, monetary_value_col=AMOUNT, observation_period_end=end, freq="D"
            )

    tx = pd.read_parquet(args.data)
    gc.collect()
    rss_input = _proc_status_kib("VmRSS")
    peak_reset = _reset_peak_rss() and rss_input is not None

    times: list[float] = []
    out = None
    for i in range(args.repeat):
        out = None  # free the previous output before the next call
        gc.collect()
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
        print(
            f"    {args.label}: {args.worker} run {i + 1}/{args.repeat}: {times[-1]:.3f} s",
            file=sys.stderr,
            flush=True,
        )
        if times[-1] > args.slow_seconds:
            break
    peak = _proc_status_kib("VmHWM") if peak_reset else None
    if peak is None:
        peak_reset = False
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        if sys.platform == "darwin":
            peak //= 1024  # bytes on macOS

    out = out[list(COLUMNS)].rename_axis(ID).reset_index()
    out[ID] = out[ID].astype(str)
    out.to_parquet(args.out, index=False)
    result = {
        "times_s": times,
        "peak_rss_mib": peak / 1024,
        "input_rss_mib": None if rss_input is None else rss_input / 1024,
        "peak_reset_after_load": peak_reset,
        "versions": versions,
        "executable": sys.executable,
    }
    Path(args.result).write_text(json.dumps(result))


# --------------------------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------------------------


def scale_up(tx, rows: int):
    """Repeat ``tx`` to at least ``rows`` rows, copy ``k`` with customer ids suffixed ``-k``."""
    import numpy as np
    import pandas as pd

    copies = max(1, math.ceil(rows / len(tx)))
    codes, uniques = pd.factorize(tx[ID])
    base = np.asarray(uniques, dtype=object)
    # only the distinct new ids are built as strings; rows get them by integer index
    ids = pd.array(np.concatenate([base + f"-{k}" for k in range(copies)]), dtype=tx[ID].dtype)
    index = (np.arange(copies, dtype=np.int64)[:, None] * len(base) + codes[None, :]).ravel()
    return pd.DataFrame(
        {
            ID: ids.take(index),
            DATE: np.tile(tx[DATE].to_numpy(), copies),
            "quantity": np.tile(tx["quantity"].to_numpy(), copies),
            AMOUNT: np.tile(tx[AMOUNT].to_numpy(), copies),
        }
    ), copies


def _run_worker(
    which: str, python: str, data: Path, folder: Path, label: str, args: argparse.Namespace
) -> dict:
    out, result = folder / f"{label}-{which}.parquet", folder / f"{label}-{which}.json"
    command = [
        python,
        str(Path(__file__).resolve()),
        "--worker",
        which,
        "--data",
        str(data),
        "--out",
        str(out),
        "--result",
        str(result),
        "--label",
        label,
        "--repeat",
        str(args.repeat),
        "--slow-seconds",
        str(args.slow_seconds),
    ]
    if args.observation_end is not None:
        command += ["--observation-end", args.observation_end]
    subprocess.run(command, check=True)
    info = json.loads(result.read_text())
    info["output"] = out
    return info


def compare(ours_file: Path, peer_file: Path) -> dict:
    """Align the two outputs on customer id; max absolute difference per column."""
    import numpy as np
    import pandas as pd

    ours = pd.read_parquet(ours_file).set_index(ID)
    peer = pd.read_parquet(peer_file).set_index(ID)
    only_ours = ours.index.difference(peer.index)
    only_peer = peer.index.difference(ours.index)
    peer = peer.reindex(ours.index)
    diffs = {}
    for col in COLUMNS:
        a, b = ours[col].to_numpy(dtype=float), peer[col].to_numpy(dtype=float)
        both_nan = np.isnan(a) & np.isnan(b)
        d = np.where(both_nan, 0.0, np.abs(a - b))
        diffs[col] = float(np.nan_to_num(d, nan=np.inf).max()) if len(d) else 0.0
    return {
        "customers_ours": len(ours),
        "customers_lifetimes": len(peer) - int(peer[list(COLUMNS)].isna().all(axis=1).sum()),
        "only_in_ours": len(only_ours),
        "only_in_lifetimes": len(only_peer),
        "examples_only_in_ours": only_ours[:5].tolist(),
        "examples_only_in_lifetimes": only_peer[:5].tolist(),
        "max_abs_diff": diffs,
    }


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


def _mem(info: dict) -> str:
    peak, base = info["peak_rss_mib"], info["input_rss_mib"]
    if base is None or not info["peak_reset_after_load"]:
        return f"{peak:,.0f}"
    return f"{peak:,.0f} (+{max(peak - base, 0):,.0f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time research.segmentation.rfm_summary against lifetimes' "
        "summary_data_from_transaction_data on CDNOW and on CDNOW scaled up.",
    )
    parser.add_argument(
        "--rows",
        type=int,
        default=8_000_000,
        help="rows of the scaled-up log (CDNOW repeated ceil(rows / 69,659) times; default 8M)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="calls per function (best is kept)")
    parser.add_argument(
        "--slow-seconds",
        type=float,
        default=60.0,
        help="a call slower than this is not repeated (default 60)",
    )
    parser.add_argument(
        "--peer-python",
        default=sys.executable,
        help="interpreter that runs lifetimes (default: this one): pandas, pyarrow, lifetimes",
    )
    parser.add_argument(
        "--observation-end",
        default=None,
        help="explicit observation end date for both functions (default: last purchase date)",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON results file")
    # worker mode (internal)
    parser.add_argument("--worker", choices=("ours", "lifetimes"), help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--label", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.worker:
        _worker(args)
        return 0

    from research.data import load_cdnow

    cdnow = load_cdnow("master")[[ID, DATE, "quantity", AMOUNT]]
    results = []
    with tempfile.TemporaryDirectory(prefix="bench_rfm_") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        scaled, copies = scale_up(cdnow, args.rows)
        build_s = time.perf_counter() - start
        print(
            f"built the scaled log: {copies} copies of CDNOW master, {len(scaled):,} rows, "
            f"in {build_s:.2f} s",
            file=sys.stderr,
        )
        logs = [("cdnow_master", cdnow), (f"cdnow_x{copies}", scaled)]
        files = []
        for label, frame in logs:
            data = folder / f"{label}.parquet"
            frame.to_parquet(data, index=False)
            files.append((label, data, len(frame)))
        del scaled, logs, frame  # the workers' memory is measured: keep the parent small

        for label, data, rows in files:
            print(f"== {label}: {rows:,} rows", file=sys.stderr, flush=True)
            ours = _run_worker("ours", sys.executable, data, folder, label, args)
            peer = _run_worker("lifetimes", args.peer_python, data, folder, label, args)
            check = compare(ours.pop("output"), peer.pop("output"))
            ok = {c: check["max_abs_diff"][c] < TOLERANCE[c] for c in COLUMNS}
            agree = (
                all(ok.values()) and not check["only_in_ours"] and not check["only_in_lifetimes"]
            )
            results.append(
                {
                    "dataset": label,
                    "rows": rows,
                    "customers": check["customers_ours"],
                    "ours": ours,
                    "lifetimes": peer,
                    "ours_best_s": min(ours["times_s"]),
                    "lifetimes_best_s": min(peer["times_s"]),
                    "ratio": min(peer["times_s"]) / min(ours["times_s"]),
                    "comparison": check,
                    "within_tolerance": ok,
                    "outputs_agree": agree,
                }
            )

    header = [
        "dataset",
        "rows",
        "customers",
        "ours best s",
        "lifetimes best s",
        "ratio",
        "ours peak MiB (+extra)",
        "lifetimes peak MiB (+extra)",
    ]
    rows_out = []
    for r in results:
        n_peer = len(r["lifetimes"]["times_s"])
        rows_out.append(
            [
                r["dataset"],
                f"{r['rows']:,}",
                f"{r['customers']:,}",
                f"{r['ours_best_s']:.3f} (n={len(r['ours']['times_s'])})",
                f"{r['lifetimes_best_s']:.3f} (n={n_peer})",
                f"{r['ratio']:.1f}x",
                _mem(r["ours"]),
                _mem(r["lifetimes"]),
            ]
        )
    print()
    print("rfm_summary (ours) vs lifetimes.utils.summary_data_from_transaction_data, freq 'D'")
    print(_fmt_table(header, rows_out))
    print(
        "time: best wall time of n calls; ratio = lifetimes / ours; memory: peak RSS of the "
        "worker process during the calls (+ increase over the RSS holding the input log)"
    )

    print()
    diff_header = ["dataset", *(f"max |diff| {c}" for c in COLUMNS), "customers only in one"]
    diff_rows = []
    for r in results:
        c = r["comparison"]
        diff_rows.append(
            [
                r["dataset"],
                *(f"{c['max_abs_diff'][col]:.3g}" for col in COLUMNS),
                f"{c['only_in_ours']} ours / {c['only_in_lifetimes']} lifetimes",
            ]
        )
    print(_fmt_table(diff_header, diff_rows))
    print(
        "tolerance: < 1e-9 for frequency, recency, T; < 1e-6 for monetary_value "
        f"(observation_end={args.observation_end or 'last purchase date'})"
    )

    big = results[-1]
    met = big["ratio"] >= TARGET_RATIO
    print()
    print(
        f"target: rfm_summary >= {TARGET_RATIO:.0f}x faster than lifetimes on {big['dataset']} "
        f"({big['rows']:,} rows): {'MET' if met else 'NOT MET'} ({big['ratio']:.1f}x)"
    )

    payload = {
        "benchmark": "rfm_summary vs lifetimes summary_data_from_transaction_data",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "args": {
            "rows": args.rows,
            "repeat": args.repeat,
            "slow_seconds": args.slow_seconds,
            "peer_python": args.peer_python,
            "observation_end": args.observation_end,
        },
        "scaled_copies": copies,
        "scaled_build_s": build_s,
        "tolerance": TOLERANCE,
        "target_ratio": TARGET_RATIO,
        "target_met": met,
        "results": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    print(f"results written to {args.output}")

    failed = [r for r in results if not r["outputs_agree"]]
    if failed:
        raise AssertionError(
            f"outputs of rfm_summary and lifetimes disagree on "
            f"{', '.join(r['dataset'] for r in failed)}: "
            + "; ".join(f"{r['dataset']}: {r['comparison']}" for r in failed)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
