"""Benchmark the fits of ``research.clv``'s purchase models against lifetimes and pymc-marketing.

What is compared
----------------
Each model is fitted to the same summary by three tools, every figure in its own process (the
imports before the clock), best wall time of ``--repeat`` fits:

* BG/NBD: ``fit_bgnbd``; lifetimes ``BetaGeoFitter``; pymc-marketing ``BetaGeoModel``;
* MBG/NBD: ``fit_mbgnbd``; ``ModifiedBetaGeoFitter``; ``ModifiedBetaGeoModel``;
* Pareto/NBD: ``fit_pareto_nbd``; ``ParetoNBDFitter``; ``ParetoNBDModel``;
* BG/BB: ``fit_bgbb(weights_col="weights")``; ``BetaGeoBetaBinomFitter`` (with the weights);
  ``BetaGeoBetaBinomModel``;
* sBG: ``fit_sbg``; lifetimes has none, and pymc-marketing's ``ShiftedBetaGeoModel`` takes a
  per-customer layout of its own (not run).

Data: the CDNOW sample's 39-week calibration summary (2,357 customers, Fader, Hardie & Lee
2005) and the CDNOW master's full summary (23,570 customers), in weeks; the donations data for
BG/BB (22 patterns of 11,104 donors: ours and lifetimes take the weighted patterns,
pymc-marketing one row per donor, as it has no weights); Fader & Hardie's "high end" cohort for
sBG. pymc-marketing runs in its own venv (``--pymc-python``, its pins clash with ours); its
``fit(fit_method="map")`` is the maximum of the posterior under its default priors, so its
parameters differ a little from the maximum-likelihood ones.

Printed: the times, the ratios peer / ours (above 1: ours is faster) and each tool's
parameters to 4 significant digits. The issue's target: our fits at lifetimes' speed or
faster. The script exits 0 either way; results also go to
``benchmarks/results/bench_clv_models.json`` (git-ignored).

How to run
----------
With ``RESEARCH_DATA_HOME`` pointing at the datasets and the ``bench`` extra installed::

    .venv/bin/python benchmarks/bench_clv_models.py [--repeat 3] [--pymc-python /path/python]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "results" / "bench_clv_models.json"

CASES = [  # (model, dataset)
    ("BG/NBD", "cdnow_sample"),
    ("BG/NBD", "cdnow_master"),
    ("MBG/NBD", "cdnow_sample"),
    ("MBG/NBD", "cdnow_master"),
    ("Pareto/NBD", "cdnow_sample"),
    ("Pareto/NBD", "cdnow_master"),
    ("BG/BB", "donations"),
    ("sBG", "high_end"),
]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]


def _prepare(folder: Path) -> dict[str, Path]:
    """The summaries, written once as parquet for every worker."""
    from research.data import load_cdnow, load_donations
    from research.segmentation import clean_transactions, rfm_summary

    sample = clean_transactions(
        load_cdnow("sample"), observation_end="1997-09-30", zero_amounts="keep"
    )
    master = clean_transactions(load_cdnow("master"), zero_amounts="keep")
    paths = {}
    for name, cleaned in (("cdnow_sample", sample), ("cdnow_master", master)):
        summary = rfm_summary(cleaned, time_scale=7)[["frequency", "recency", "T"]]
        paths[name] = folder / f"{name}.parquet"
        summary.reset_index(names="customer_id").to_parquet(paths[name])
    paths["donations"] = folder / "donations.parquet"
    load_donations().to_parquet(paths["donations"])
    paths["high_end"] = folder / "high_end.json"
    paths["high_end"].write_text(json.dumps(HIGH_END))
    return paths


def _time(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def _ours(model: str, data: Path, repeat: int) -> tuple[float, dict[str, float]]:
    import pandas as pd

    from research import clv

    warnings.simplefilter("ignore")
    if model == "sBG":
        counts = json.loads(data.read_text())
        seconds, fit = _time(lambda: clv.fit_sbg(counts), repeat)
    else:
        frame = pd.read_parquet(data)
        fitter = {
            "BG/NBD": clv.fit_bgnbd,
            "MBG/NBD": clv.fit_mbgnbd,
            "Pareto/NBD": clv.fit_pareto_nbd,
            "BG/BB": lambda f: clv.fit_bgbb(f, weights_col="weights"),
        }[model]
        seconds, fit = _time(lambda: fitter(frame), repeat)
    return seconds, {k: float(v) for k, v in fit.params.items()}


def _lifetimes(model: str, data: Path, repeat: int) -> tuple[float, dict[str, float]]:
    import pandas as pd

    warnings.simplefilter("ignore")
    import lifetimes

    frame = pd.read_parquet(data)
    if model == "BG/BB":

        def fit():
            f = lifetimes.BetaGeoBetaBinomFitter()
            return f.fit(frame["frequency"], frame["recency"], frame["T"], frame["weights"])
    else:
        cls = {
            "BG/NBD": lifetimes.BetaGeoFitter,
            "MBG/NBD": lifetimes.ModifiedBetaGeoFitter,
            "Pareto/NBD": lifetimes.ParetoNBDFitter,
        }[model]

        def fit():
            return cls().fit(frame["frequency"], frame["recency"], frame["T"])

    seconds, fitted = _time(fit, repeat)
    return seconds, {k: float(v) for k, v in fitted.params_.items()}


def _pymc(model: str, data: Path, repeat: int) -> tuple[float, dict[str, float]]:
    import pandas as pd

    warnings.simplefilter("ignore")
    from pymc_marketing import clv

    frame = pd.read_parquet(data)
    if model == "BG/BB":
        frame = frame.loc[frame.index.repeat(frame["weights"])].drop(columns="weights")
        frame = frame.reset_index(drop=True).reset_index(names="customer_id")
    cls = {
        "BG/NBD": clv.BetaGeoModel,
        "MBG/NBD": clv.ModifiedBetaGeoModel,
        "Pareto/NBD": clv.ParetoNBDModel,
        "BG/BB": clv.BetaGeoBetaBinomModel,
    }[model]

    def fit():
        m = cls(data=frame)
        m.fit(fit_method="map", progressbar=False)
        return m

    seconds, fitted = _time(fit, repeat)
    post = fitted.idata.posterior
    return seconds, {k: float(post[k].values.ravel()[0]) for k in post.data_vars}


def _worker(args: argparse.Namespace) -> None:
    run = {"ours": _ours, "lifetimes": _lifetimes, "pymc": _pymc}[args.worker]
    seconds, params = run(args.model, Path(args.data), args.repeat)
    Path(args.result).write_text(json.dumps({"seconds": seconds, "params": params}))


def _run(python: str, which: str, model: str, data: Path, repeat: int, folder: Path) -> dict:
    result = folder / f"{which}-{model.replace('/', '')}-{data.stem}.json"
    cmd = [python, __file__, "--worker", which, "--model", model, "--data", str(data),
           "--result", str(result), "--repeat", str(repeat)]  # fmt: skip
    print(f"  {which} {model} on {data.stem} ...", file=sys.stderr, flush=True)
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    done = subprocess.run(cmd, stderr=subprocess.PIPE, text=True, env=env)
    if done.returncode != 0:
        last = [line for line in done.stderr.splitlines() if line.strip()][-1:]
        print(f"    {which} failed: {last}", file=sys.stderr, flush=True)
        return {"seconds": float("nan"), "params": {}, "error": last}
    return json.loads(result.read_text())


def _params_text(params: dict[str, float]) -> str:
    return ", ".join(f"{k}={v:.4g}" for k, v in params.items()) or "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pymc-python", default=None, help="python of a venv with pymc-marketing")
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args)
        return 0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = _prepare(folder)
        for model, dataset in CASES:
            data = paths[dataset]
            row = {"model": model, "data": dataset}
            row["ours"] = _run(sys.executable, "ours", model, data, args.repeat, folder)
            if model != "sBG":
                row["lifetimes"] = _run(
                    sys.executable, "lifetimes", model, data, args.repeat, folder
                )
                if args.pymc_python:
                    row["pymc"] = _run(args.pymc_python, "pymc", model, data, 1, folder)
            rows.append(row)
    print("\nFits of the purchase models (best wall time; each figure in its own process)")
    print(f"{'model':<11} {'data':<13} {'ours s':>8} {'lifetimes s':>12} {'pymc MAP s':>11} "
          f"{'lifetimes/ours':>15} {'pymc/ours':>10}")  # fmt: skip
    for row in rows:
        ours = row["ours"]["seconds"]
        life = row.get("lifetimes", {}).get("seconds", float("nan"))
        pymc = row.get("pymc", {}).get("seconds", float("nan"))
        print(f"{row['model']:<11} {row['data']:<13} {ours:8.3f} {life:12.3f} {pymc:11.3f} "
              f"{life / ours:15.1f} {pymc / ours:10.1f}")  # fmt: skip
    print("\nParameters")
    for row in rows:
        for tool in ("ours", "lifetimes", "pymc"):
            if tool in row:
                print(f"  {row['model']:<11} {row['data']:<13} {tool:<10} "
                      f"{_params_text(row[tool]['params'])}")  # fmt: skip
    print(
        f"\nours and lifetimes: best of {args.repeat} fits; pymc-marketing: 1 fit, which "
        "compiles its model first (each new model compiles again); ratio = peer / ours"
    )
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(rows, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
