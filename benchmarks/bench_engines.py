"""Benchmark the RFM summary where the data lives (issue 13): pandas, DuckDB, files, Spark.

What is compared
----------------
CDNOW scaled up (``bench_rfm.scale_up``: the log repeated, each copy with new customer ids) to
``--rows`` rows (default 8,000,000) and, for the out-of-core case, ``--big-rows`` rows (default
100,000,000) written to one parquet file in chunks. Every figure runs in its own subprocess
(this file re-run with ``--worker``):

* ``ours-pandas``: ``rfm_summary(clean_transactions(frame))`` on the pandas frame;
* ``ours-duckdb``: the same on ``duckdb.from_arrow(frame)`` (pandas in, DuckDB runs the rules);
* ``sql-frame``: a hand-written DuckDB query over the same frame (per customer and day, then per
  customer: frequency, recency, T, monetary value), result back as pandas;
* ``lifetimes``: ``summary_data_from_transaction_data`` (the ``bench`` extra), 8M rows only;
* ``pymc-marketing``: ``pymc_marketing.clv.utils.rfm_summary``, 8M rows only, in a venv of its
  own (``--pymc-python``), since its pins clash with ours;
* ``ours-files`` / ``sql-files``: ``rfm_summary(scan(parquet, memory_limit=...))`` against the
  hand-written query over ``read_parquet`` on a connection with the same memory limit;
* ``ours-spark``: ``rfm_summary`` on ``spark.read.parquet`` in local mode (``--spark``).

Our functions apply every cleaning rule and count it (missing ids, window, returns, zero lines,
duplicates) where the hand-written query applies none (CDNOW has no dirty row); both give the
same table, which is checked (frequency, recency and T exact, monetary value to 1e-6). The
table prints wall time, peak resident memory (VmHWM, reset after the input is loaded) and the
ratios the issue sets targets on: lifetimes / ours >= 4 and ours / hand-written <= 1 on 8M rows
from pandas; ours / hand-written <= 1.1 and peak RSS < 4.5 GB on the big parquet file.

How to run
----------
``.venv/bin/python benchmarks/bench_engines.py [--rows 8000000] [--big-rows 100000000]
[--memory-limit 4GB] [--spark] [--pymc-python PATH]`` with ``RESEARCH_DATA_HOME`` pointing at
the datasets. The big file needs about 1.5 GB of disk per 100M rows (``--tmp`` chooses where).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_rfm import _proc_status_kib, _reset_peak_rss, scale_up  # noqa: E402

COLUMNS = ("frequency", "recency", "T", "monetary_value")

SQL = """
WITH days AS (
    SELECT customer_id, date_trunc('day', date) AS day, sum(amount) AS amount
    FROM {source} GROUP BY ALL
), per AS (
    SELECT customer_id, min(day) AS first, max(day) AS last, count(*) AS n,
           sum(amount) AS spend, arg_min(amount, day) AS first_amount
    FROM days GROUP BY ALL
)
SELECT customer_id, (n - 1)::DOUBLE AS frequency,
       date_diff('day', first, last)::DOUBLE AS recency,
       date_diff('day', first, TIMESTAMP '{end}')::DOUBLE AS T,
       CASE WHEN n > 1 THEN (spend - first_amount) / (n - 1) ELSE 0 END AS monetary_value
FROM per
"""


def _pymc_worker(args: argparse.Namespace) -> None:
    """pymc-marketing's ``rfm_summary``, in its own venv (``--pymc-python``): it imports nothing
    of ours."""
    import gc
    import warnings

    import pandas as pd

    warnings.simplefilter("ignore")
    from pymc_marketing.clv.utils import rfm_summary

    frame = pd.read_parquet(args.data)
    gc.collect()
    _reset_peak_rss()
    start = time.perf_counter()
    out = rfm_summary(
        frame,
        "customer_id",
        "date",
        monetary_value_col="amount",
        observation_period_end="1998-06-30",
        time_unit="D",
    )
    seconds = time.perf_counter() - start
    peak = _proc_status_kib("VmHWM")
    out = out.set_index("customer_id")[list(COLUMNS)].reset_index()
    out["customer_id"] = out["customer_id"].astype(str)
    out.sort_values("customer_id").to_parquet(args.out, index=False)
    Path(args.result).write_text(json.dumps({"seconds": seconds, "peak_mib": peak / 1024}))


def _worker(args: argparse.Namespace) -> None:
    import gc
    import warnings

    import pandas as pd

    if args.worker == "pymc-marketing":
        _pymc_worker(args)
        return
    warnings.simplefilter("ignore")
    end = "1998-06-30"
    rules = dict(observation_end=end, zero_amounts="keep")
    frame = None
    if args.worker in ("ours-pandas", "ours-duckdb", "sql-frame", "lifetimes"):
        frame = pd.read_parquet(args.data)
    # every module is imported before the clock starts, for every run alike
    import duckdb
    import pyarrow as pa

    from research.engines import scan
    from research.segmentation import clean_transactions, rfm_summary

    if args.worker == "lifetimes":
        from lifetimes.utils import summary_data_from_transaction_data
    if args.worker == "ours-spark":
        from pyspark.sql import SparkSession
    gc.collect()
    _reset_peak_rss()

    def run() -> pd.DataFrame:
        if args.worker == "ours-pandas":
            return rfm_summary(clean_transactions(frame, **rules))
        if args.worker == "ours-duckdb":
            return rfm_summary(
                clean_transactions(duckdb.from_arrow(pa.Table.from_pandas(frame)), **rules)
            )
        if args.worker == "ours-files":
            source = scan(args.data, memory_limit=args.memory_limit, progress=False)
            return rfm_summary(clean_transactions(source, **rules))
        if args.worker == "ours-spark":
            spark = (
                SparkSession.builder.master("local[2]")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.memory", "4g")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate()
            )
            spark.sparkContext.setLogLevel("ERROR")
            return rfm_summary(clean_transactions(spark.read.parquet(args.data), **rules))
        if args.worker == "sql-frame":
            con = duckdb.connect()
            con.register("frame", frame)
            return con.sql(SQL.format(source="frame", end=end)).df().set_index("customer_id")
        if args.worker == "sql-files":
            con = duckdb.connect()
            con.execute("SET memory_limit = ?", [args.memory_limit])
            con.execute("SET enable_progress_bar = false")
            source = f"read_parquet('{args.data}')"
            return con.sql(SQL.format(source=source, end=end)).df().set_index("customer_id")
        return summary_data_from_transaction_data(
            frame,
            "customer_id",
            "date",
            monetary_value_col="amount",
            observation_period_end=end,
            freq="D",
        )

    start = time.perf_counter()
    out = run()
    seconds = time.perf_counter() - start
    peak = _proc_status_kib("VmHWM")
    out = out[list(COLUMNS)].rename_axis("customer_id").reset_index()
    out["customer_id"] = out["customer_id"].astype(str)
    out.sort_values("customer_id").to_parquet(args.out, index=False)
    Path(args.result).write_text(json.dumps({"seconds": seconds, "peak_mib": peak / 1024}))


def _run(which: str, data: Path, folder: Path, args: argparse.Namespace) -> dict:
    out, result = folder / f"{which}.parquet", folder / f"{which}.json"
    python = args.pymc_python if which == "pymc-marketing" else sys.executable
    cmd = [
        python,
        __file__,
        "--worker",
        which,
        "--data",
        str(data),
        "--out",
        str(out),
        "--result",
        str(result),
        "--memory-limit",
        args.memory_limit,
    ]
    print(f"  {which} on {data.name} ...", file=sys.stderr, flush=True)
    done = subprocess.run(cmd, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:  # e.g. out of memory under the limit: reported, not fatal
        last = [line for line in done.stderr.splitlines() if line.strip()][-1:]
        print(f"    {which} failed: {last}", file=sys.stderr, flush=True)
        return {"seconds": float("nan"), "peak_mib": float("nan"), "out": None}
    figures = json.loads(result.read_text())
    figures["out"] = out
    return figures


def _agree(a: Path, b: Path) -> str:
    import numpy as np
    import pandas as pd

    if a is None or b is None:
        return "failed"
    left, right = pd.read_parquet(a), pd.read_parquet(b)
    if not (left["customer_id"].to_numpy() == right["customer_id"].to_numpy()).all():
        return "ids differ"
    worst = max(float(np.max(np.abs(left[c].to_numpy() - right[c].to_numpy()))) for c in COLUMNS)
    return "same" if worst < 1e-6 else f"differ by {worst:g}"


def _write_big(tx, rows: int, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    chunk_copies = 100
    chunk, _ = scale_up(tx, chunk_copies * len(tx))
    done, k = 0, 0
    with pq.ParquetWriter(path, pa.Table.from_pandas(chunk, preserve_index=False).schema) as w:
        while done < rows:
            part = chunk.assign(customer_id=chunk["customer_id"] + f"/{k}")
            w.write_table(pa.Table.from_pandas(part, preserve_index=False))
            done, k = done + len(part), k + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=8_000_000)
    parser.add_argument("--big-rows", type=int, default=100_000_000)
    parser.add_argument("--memory-limit", default="4GB")
    parser.add_argument("--spark", action="store_true")
    parser.add_argument("--tmp", default=None)
    parser.add_argument(
        "--pymc-python",
        default=None,
        help="the python of a venv with pymc-marketing (its pins clash with ours): adds it as "
        "a peer on the 8M rows",
    )
    for name in ("--worker", "--data", "--out", "--result"):
        parser.add_argument(name, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args)
        return
    import importlib.util

    from research.data import load_cdnow

    cdnow = load_cdnow()[["customer_id", "date", "quantity", "amount"]]
    rows = []
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        folder = Path(tmp)
        small = folder / "small.parquet"
        frame, _ = scale_up(cdnow, args.rows)
        frame.to_parquet(small, index=False)
        n_small = len(frame)
        del frame
        figures = {
            w: _run(w, small, folder, args) for w in ("ours-pandas", "ours-duckdb", "sql-frame")
        }
        if importlib.util.find_spec("lifetimes"):
            figures["lifetimes"] = _run("lifetimes", small, folder, args)
        if args.pymc_python:
            figures["pymc-marketing"] = _run("pymc-marketing", small, folder, args)
        if args.spark:
            figures["ours-spark"] = _run("ours-spark", small, folder, args)
        for name, fig in figures.items():
            rows.append(
                (f"{n_small:,} rows", name, fig, _agree(fig["out"], figures["sql-frame"]["out"]))
            )
        big = folder / "big.parquet"
        start = time.perf_counter()
        _write_big(cdnow, args.big_rows, big)
        print(f"  wrote {big} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        big_figures = {w: _run(w, big, folder, args) for w in ("ours-files", "sql-files")}
        for name, fig in big_figures.items():
            rows.append(
                (
                    f"{args.big_rows:,}+ rows, parquet",
                    name,
                    fig,
                    _agree(fig["out"], big_figures["sql-files"]["out"]),
                )
            )
    print(f"\n{'data':<28}{'run':<14}{'seconds':>9}{'peak MiB':>10}  table")
    for data, name, fig, agree in rows:
        print(f"{data:<28}{name:<14}{fig['seconds']:>9.1f}{fig['peak_mib']:>10.0f}  {agree}")
    sec = {name: fig["seconds"] for _, name, fig, _ in rows}
    print()
    if "lifetimes" in sec:
        print(
            f"lifetimes / ours-pandas: {sec['lifetimes'] / sec['ours-pandas']:.1f}x (target >= 4)"
        )
    if "pymc-marketing" in sec:
        print(f"pymc-marketing / ours-pandas: {sec['pymc-marketing'] / sec['ours-pandas']:.1f}x")
    best = min(sec["ours-pandas"], sec["ours-duckdb"])
    print(
        f"best of ours / hand-written, 8M from pandas: {best / sec['sql-frame']:.2f} (target <= 1)"
    )
    print(
        f"ours / hand-written on parquet: {sec['ours-files'] / sec['sql-files']:.2f} "
        f"(target <= 1.1); peak {big_figures['ours-files']['peak_mib'] / 1024:.2f} GiB "
        "(target < 4.5 GB)"
    )


if __name__ == "__main__":
    main()
