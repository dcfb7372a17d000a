"""The peer side of bench_messages.py: scattertext's log-odds scorer on the same corpus.

Runs in its own environment (``.venv-scattertext``: scattertext pins NumPy and SciPy below the
versions this project uses), reads the corpus bench_messages.py wrote (parquet: ``team``,
``text`` and ``tokens``, our terms joined by spaces) and prints one JSON line:

* ``seconds_pipeline``: scattertext end to end on the raw texts, as a user runs it: build a
  corpus with its whitespace tokeniser (``CorpusFromPandas`` + ``whitespace_nlp_with_sentences``),
  take the term counts per team, and score every term with
  ``LogOddsRatioInformativeDirichletPrior`` (prior: each term's count in the whole corpus,
  ``scale_type="none"``, the same prior as ``research.messages.distinctive_terms``);
* ``top_sales`` / ``top_marketing`` and ``z``: the top terms of each side, and every term's z,
  when scattertext is given our terms (the ``tokens`` column), so that the two scorers are
  compared on the same tokens.

Not part of the package: no import of ``research`` here.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pandas as pd
import scattertext as st


def _scores(texts: pd.Series, teams: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({"team": teams.to_numpy(), "text": texts.to_numpy()})
    corpus = st.CorpusFromPandas(
        frame, category_col="team", text_col="text", nlp=st.whitespace_nlp_with_sentences
    ).build()
    counts = corpus.get_term_freq_df()
    y_sales = counts["sales freq"].to_numpy(dtype=np.float64)
    y_marketing = counts["marketing freq"].to_numpy(dtype=np.float64)
    priors = pd.Series(y_sales + y_marketing, index=counts.index)
    scorer = st.LogOddsRatioInformativeDirichletPrior(priors, scale_type="none")
    z = scorer.get_zeta_i_j_given_separate_counts(y_sales, y_marketing)
    return pd.DataFrame({"z": np.asarray(z)}, index=counts.index)


def main(path: str, n_top: int) -> None:
    corpus = pd.read_parquet(path)
    start = time.perf_counter()
    _scores(corpus["text"], corpus["team"])
    seconds = time.perf_counter() - start
    same = _scores(corpus["tokens"], corpus["team"])
    # unigrams only: scattertext also counts bigrams, which our scorer does not
    same = same[~same.index.str.contains(" ", regex=False)].sort_values("z", ascending=False)
    print(
        json.dumps(
            {
                "seconds_pipeline": seconds,
                "top_sales": same.index[:n_top].tolist(),
                "top_marketing": same.index[::-1][:n_top].tolist(),
                "z": same["z"].to_dict(),
                "version": getattr(st, "__version__", "unknown"),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
