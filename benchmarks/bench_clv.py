"""Benchmark ``research.clv.fit_bgnbd`` against lifetimes' ``BetaGeoFitter``.

What is compared
----------------
The BG/NBD fit ``research.clv.fit_bgnbd(summary)`` is timed against
``lifetimes.BetaGeoFitter().fit(frequency, recency, T)`` (lifetimes 0.11.3, the ``bench`` extra
of pyproject.toml, default options) on the same RFM summary. Both calls are timed end to end,
including the standard errors each computes. Two summaries from
``research.segmentation.rfm_summary``, in weeks at daily resolution (``time_scale=7``):

* CDNOW master, all 23,570 customers, over the whole period to 1998-06-30
  (``rfm_summary(load_cdnow("master"), time_unit="D", time_scale=7)``);
* the CDNOW sample (2,357 customers) over the calibration period of Fader, Hardie & Lee (2005),
  to 1997-09-30, whose published estimates (r=0.243, alpha=4.414, a=0.793, b=2.426) are shown
  alongside.

Each fit runs ``--repeat`` times (default 5) and the best wall time is kept; the ratio is
lifetimes / ours. The log-likelihood of both parameter sets is computed with the same formula,
``research.clv._bgnbd_loglik_terms(...).sum()`` over all customers, so a higher value means a
better maximum. Parameters agree when they are equal once rounded to 3 significant digits. The
issue's target: ``fit_bgnbd`` as fast as lifetimes or faster, with parameters equal to 3
significant digits, on both summaries; the script says whether it is met, and exits 0 either way,
but exits 1 if a parameter differs by more than 1% (a real disagreement). Results also go to
``benchmarks/results/bench_clv.json`` (git-ignored).

How to run
----------
``make bench`` (installs the ``bench`` extra into .venv, then runs every benchmarks/bench_*.py),
or directly, with ``RESEARCH_DATA_HOME`` pointing at the datasets::

    .venv/bin/python benchmarks/bench_clv.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "results" / "bench_clv.json"
PARAMS = ("r", "alpha", "a", "b")
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # FHL 2005, CDNOW sample
MAX_REL_DIFF = 0.01  # beyond this the two fits really disagree: exit 1


def sig3(value: float) -> float:
    """``value`` rounded to 3 significant digits."""
    return float(f"{value:.3g}")


def best_time(fn, repeat: int):
    """Best wall time of ``repeat`` calls and the last call's result."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time research.clv.fit_bgnbd against lifetimes' BetaGeoFitter on CDNOW.",
    )
    parser.add_argument("--repeat", type=int, default=5, help="fits per model (best is kept)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON results file")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    with warnings.catch_warnings():
        # lifetimes sets pd.options.mode.chained_assignment, deprecated in pandas 3
        warnings.simplefilter("ignore")
        import lifetimes
        from lifetimes import BetaGeoFitter
    import pandas as pd

    from research.clv import fit_bgnbd
    from research.clv.bgnbd import _bgnbd_loglik_terms
    from research.data import load_cdnow
    from research.segmentation import clean_transactions, rfm_summary

    # every purchase counts, $0 ones too, as in the paper's cohort (23,570 and 2,357 customers)
    master = clean_transactions(load_cdnow("master"), zero_amounts="keep")
    sample = clean_transactions(
        load_cdnow("sample"), observation_end="1997-09-30", zero_amounts="keep"
    )
    summaries = {
        "cdnow_master": rfm_summary(master, time_unit="D", time_scale=7),
        "cdnow_sample_calibration": rfm_summary(sample, time_scale=7),
    }

    results = []
    for label, s in summaries.items():
        print(f"== {label}: {len(s):,} customers", file=sys.stderr, flush=True)
        x, t_x, T = (s[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
        ours_s, fit = best_time(lambda s=s: fit_bgnbd(s), args.repeat)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            peer_s, bgf = best_time(
                lambda s=s: BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"]),
                args.repeat,
            )
        ours = {k: float(fit.params[k]) for k in PARAMS}
        peer = {k: float(bgf.params_[k]) for k in PARAMS}
        rel = {k: abs(ours[k] - peer[k]) / abs(peer[k]) for k in PARAMS}
        loglik = {
            name: float(_bgnbd_loglik_terms(np.array([p[k] for k in PARAMS]), x, t_x, T).sum())
            for name, p in (("ours", ours), ("lifetimes", peer))
        }
        results.append(
            {
                "dataset": label,
                "customers": len(s),
                "ours_best_s": ours_s,
                "lifetimes_best_s": peer_s,
                "ratio": peer_s / ours_s,
                "ours_params": ours,
                "lifetimes_params": peer,
                "rel_diff": rel,
                "agree_3sig": {k: sig3(ours[k]) == sig3(peer[k]) for k in PARAMS},
                "loglik": loglik,
                "ours_loglik_reported": fit.loglik,
                "ours_converged": fit.converged,
            }
        )

    print()
    print("BG/NBD fit: research.clv.fit_bgnbd (ours) vs lifetimes.BetaGeoFitter().fit")
    header = ["dataset", "customers", "ours best s", "lifetimes best s", "ratio"]
    rows = [
        [
            r["dataset"],
            f"{r['customers']:,}",
            f"{r['ours_best_s']:.4f}",
            f"{r['lifetimes_best_s']:.4f}",
            f"{r['ratio']:.2f}x",
        ]
        for r in results
    ]
    print(_fmt_table(header, rows))
    print(f"time: best wall time of {args.repeat} fits; ratio = lifetimes / ours")

    for r in results:
        print()
        pub = r["dataset"] == "cdnow_sample_calibration"
        header = ["parameter", "ours", "lifetimes", "rel diff", "equal to 3 s.f."]
        header += ["published"] if pub else []
        rows = []
        for k in PARAMS:
            o, p = r["ours_params"][k], r["lifetimes_params"][k]
            row = [k, f"{o:.6g}", f"{p:.6g}", f"{r['rel_diff'][k]:.1e}"]
            row += ["yes" if r["agree_3sig"][k] else f"NO ({sig3(o):g} vs {sig3(p):g})"]
            row += [f"{PUBLISHED[k]:g}"] if pub else []
            rows.append(row)
        ll = r["loglik"]
        diff = f"{ll['ours'] - ll['lifetimes']:+.2e}"
        rows.append(["log-lik", f"{ll['ours']:.4f}", f"{ll['lifetimes']:.4f}", diff, ""])
        rows[-1] += [""] if pub else []
        print(f"{r['dataset']} ({r['customers']:,} customers)")
        print(_fmt_table(header, rows))
    print(
        "rel diff = |ours - lifetimes| / lifetimes; log-lik = sum over customers of "
        "research.clv._bgnbd_loglik_terms at each parameter set (its rel diff column holds "
        "ours - lifetimes: negative means lifetimes found the higher maximum)"
    )

    fast = all(r["ratio"] >= 1.0 for r in results)
    equal = all(all(r["agree_3sig"].values()) for r in results)
    print()
    ratios = ", ".join(f"{r['dataset']} {r['ratio']:.2f}x" for r in results)
    print(
        f"target: fit_bgnbd as fast as lifetimes or faster: {'MET' if fast else 'NOT MET'} "
        f"({ratios})"
    )
    print(f"target: parameters equal to 3 significant digits: {'MET' if equal else 'NOT MET'}")

    payload = {
        "benchmark": "fit_bgnbd vs lifetimes BetaGeoFitter",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "lifetimes": lifetimes.__version__,
        },
        "args": {"repeat": args.repeat},
        "published_sample_calibration": PUBLISHED,
        "target_fast_met": fast,
        "target_equal_3sig_met": equal,
        "results": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"results written to {args.output}")

    bad = [
        f"{r['dataset']} {k}: {r['rel_diff'][k]:.2%}"
        for r in results
        for k in PARAMS
        if r["rel_diff"][k] > MAX_REL_DIFF
    ]
    if bad:
        print(f"ERROR: parameters differ by more than {MAX_REL_DIFF:.0%}: {'; '.join(bad)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
