"""Benchmark ``research.messages.distinctive_terms`` at a million messages, against scattertext.

What is measured
----------------
* **Speed at scale.** ``distinctive_terms`` (sales against marketing) on about ``--messages``
  English messages (default 1,000,000) of the synthetic CRM (``make_crm``, English only; the
  generation is not timed). Target: under 30 s. English has no sentence cache, so the texts
  repeating the CRM's templates cost as much as distinct texts would.
* **Against the peer, on the same corpus.** scattertext 0.2 (``LogOddsRatioInformativeDirichlet
  Prior``, the Monroe, Colaresi & Quinn scorer, with the same prior: each term's count in the
  whole corpus) on the first ``--peer-messages`` messages (default 200,000; scattertext builds
  a document-term matrix in Python, so a million takes it several minutes):

  - time: scattertext end to end on the raw texts (its whitespace tokeniser, corpus, counts,
    scores) against ``distinctive_terms`` on the same texts (our tokeniser, counts, scores);
  - agreement: scattertext given *our* terms (joined by spaces), so that both score the same
    tokens: how many of the top ``--top`` terms of each side the two share, and the Spearman
    correlation of the two z-scores over the terms of our table. The z-scores differ a little
    by design: ours use the variance of Monroe et al. (2008, eq. 20), ``1/(y_a + a_w) +
    1/(y_b + a_w)``; scattertext adds the two terms for the rest of the vocabulary.

scattertext pins NumPy and SciPy below the versions this project uses, so it runs in its own
environment, ``.venv-scattertext`` (``make bench`` creates it), through
``benchmarks/_scattertext_peer.py``; without it, the peer part is skipped with a note.

How to run
----------
``make bench`` (runs every benchmarks/bench_*.py), or directly::

    .venv/bin/python benchmarks/bench_messages.py [--messages 1000000] [--peer-messages 200000]
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import tempfile
import time
from pathlib import Path

import pandas as pd
from scipy import stats

from research.data.synthetic import make_crm
from research.messages import distinctive_terms
from research.messages.text import Tokenizer

ROOT = Path(__file__).resolve().parent.parent
PEER_PYTHON = ROOT / ".venv-scattertext" / "bin" / "python"
PEER_SCRIPT = Path(__file__).resolve().parent / "_scattertext_peer.py"
RESULTS = Path(__file__).resolve().parent / "results" / "bench_messages.json"
TARGET_SECONDS = 30.0


def _messages(n: int) -> pd.DataFrame:
    """About ``n`` English messages of the synthetic CRM (the first ``n`` in time order)."""
    sample = make_crm(2_000, languages=("en",), random_state=0)
    per_lead = len(sample.messages) / 2_000
    crm = make_crm(math.ceil(1.02 * n / per_lead), languages=("en",), random_state=0)
    return crm.messages.head(n).reset_index(drop=True)


def _ours(messages: pd.DataFrame) -> tuple[float, pd.DataFrame]:
    start = time.perf_counter()
    terms = distinctive_terms(
        messages["text"],
        messages["team"],
        group_a="sales",
        group_b="marketing",
        languages=messages["language"],
    )
    return time.perf_counter() - start, terms.table


def _peer(messages: pd.DataFrame, top: int) -> dict | None:
    if not PEER_PYTHON.exists():
        print(
            f"peer: {PEER_PYTHON} not found; run `make bench` (it creates it) or "
            f"`python3 -m venv .venv-scattertext && .venv-scattertext/bin/pip install "
            f"scattertext six pyarrow`; skipped"
        )
        return None
    tokens = Tokenizer().tokenize_many(messages["text"].tolist(), messages["language"].tolist())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.parquet"
        pd.DataFrame(
            {
                "team": messages["team"].to_numpy(),
                "text": messages["text"].astype(str).to_numpy(),
                "tokens": [" ".join(t) for t in tokens],
            }
        ).to_parquet(path)
        out = subprocess.run(
            [str(PEER_PYTHON), str(PEER_SCRIPT), str(path), str(top)],
            check=True,
            capture_output=True,
            text=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--peer-messages", type=int, default=200_000)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    messages = _messages(args.messages)
    print(
        f"corpus: {len(messages):,} English messages of the synthetic CRM "
        f"({(messages['team'] == 'sales').sum():,} sales), generated in "
        f"{time.perf_counter() - start:.0f} s (not timed below)"
    )

    seconds, table = _ours(messages)
    print(
        f"distinctive_terms on {len(messages):,} messages: {seconds:.1f} s "
        f"({len(table):,} terms); target < {TARGET_SECONDS:.0f} s: "
        f"{'MET' if seconds < TARGET_SECONDS else 'NOT MET'}"
    )
    results: dict = {"messages": len(messages), "seconds": seconds}

    subset = messages.head(args.peer_messages)
    ours_small, ours_table = _ours(subset)
    peer = _peer(subset, args.top)
    results |= {"peer_messages": len(subset), "seconds_ours_subset": ours_small}
    if peer is not None:
        ratio = peer["seconds_pipeline"] / ours_small
        print(
            f"on the first {len(subset):,} messages: ours {ours_small:.1f} s, scattertext "
            f"{peer['version']} {peer['seconds_pipeline']:.1f} s: "
            f"ours {ratio:.1f}x faster"
        )
        z = ours_table.set_index("term")["z"]
        top_sales, top_marketing = z.index[: args.top], z.index[::-1][: args.top]
        same_sales = len(set(top_sales) & set(peer["top_sales"]))
        same_marketing = len(set(top_marketing) & set(peer["top_marketing"]))
        print(
            f"top {args.top} terms shared with scattertext (same tokens): sales "
            f"{same_sales}/{args.top}, marketing {same_marketing}/{args.top}"
        )
        print(f"  ours, sales:        {', '.join(top_sales[:10])}")
        print(f"  scattertext, sales: {', '.join(peer['top_sales'][:10])}")
        results |= {
            "seconds_peer_subset": peer["seconds_pipeline"],
            "ratio": ratio,
            "shared_sales": same_sales,
            "shared_marketing": same_marketing,
            "peer_version": peer["version"],
        }
        if "z" in peer:
            both = pd.concat([z, pd.Series(peer["z"], name="peer")], axis=1, join="inner")
            rho = stats.spearmanr(both["z"], both["peer"]).statistic
            print(
                f"Spearman correlation of the z-scores over the {len(both):,} terms both "
                f"score: {rho:.4f}"
            )
            results["spearman_z"] = rho
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    print(f"results written to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
