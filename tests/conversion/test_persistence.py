"""Saving and loading a scorer with skops: a round trip scores the same; a file with types
outside the trusted list, or a damaged one, is refused before anything in it runs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research.conversion import LeadScorer, UntrustedFileError, load_scorer, save_scorer
from tests.conversion._helpers import quiet


def _engineered(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(many_visits=frame["visits"] >= 5)


@pytest.mark.parametrize("model", ["logistic", "gbm"])
def test_save_and_load_round_trip(toy, tmp_path: Path, model: str) -> None:
    X, y = toy
    scorer = quiet(LeadScorer(model, gbm_params={"max_iter": 20}), X, y)
    path = tmp_path / f"{model}.skops"
    save_scorer(scorer, path)
    loaded = load_scorer(path)
    assert np.array_equal(loaded.predict_proba(X), scorer.predict_proba(X))
    assert loaded.report().equals(scorer.report())
    assert loaded.screen_.equals(scorer.screen_)
    assert loaded.reason_codes(X.head(3)).equals(scorer.reason_codes(X.head(3)))
    if model == "logistic":
        assert loaded.odds_ratios().table.equals(scorer.odds_ratios().table)
        assert loaded.baseline_log_odds_ == scorer.baseline_log_odds_
        assert str(loaded.summary()) == str(scorer.summary())


def test_untrusted_or_corrupted_files_are_refused(toy, tmp_path: Path) -> None:
    X, y = toy
    scorer = quiet(LeadScorer(leakage_auc=None, features=_engineered), X, y)
    path = tmp_path / "custom.skops"
    save_scorer(scorer, path)
    with pytest.raises(UntrustedFileError, match=r"not trusted: .*_engineered"):
        load_scorer(path)
    name = next(t for t in _untrusted(path) if t.endswith("_engineered"))
    assert load_scorer(path, trusted=[name]).predict_proba(X).shape == (200, 2)

    garbage = tmp_path / "garbage.skops"
    garbage.write_bytes(b"\x80\x04 not a zip at all")
    with pytest.raises(UntrustedFileError, match="not a skops file"):
        load_scorer(garbage)
    clean = tmp_path / "clean.skops"
    save_scorer(quiet(LeadScorer(leakage_auc=None), X, y), clean)
    damaged = tmp_path / "damaged.skops"
    with zipfile.ZipFile(clean) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "schema.json":
                data = data.replace(b"research.conversion", b"os", 1)
            dst.writestr(item, data)
    with pytest.raises(UntrustedFileError, match="not trusted: os"):
        load_scorer(damaged)
    with pytest.raises(FileNotFoundError):
        load_scorer(tmp_path / "missing.skops")


def test_only_fitted_scorers_are_saved(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="scorer must be a LeadScorer"):
        save_scorer("model", tmp_path / "x.skops")  # type: ignore[arg-type]
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        save_scorer(LeadScorer(), tmp_path / "x.skops")


def _untrusted(path: Path) -> list[str]:
    import skops.io as sio

    return sio.get_untrusted_types(file=path)
