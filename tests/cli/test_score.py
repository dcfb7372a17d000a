"""``research score`` on a lead export the toolkit has never seen (tests/exports.py): fit, judge
and save a scorer, score new leads with the saved one, and one clear line for each mistake."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research.cli.main import main
from research.conversion import (
    LeadScorer,
    evaluate,
    lead_tiers,
    load_scorer,
    prepare_leads,
)
from tests.cli._run import one_error_line, research
from tests.exports import LEAD_SETTINGS, lead_export

S = LEAD_SETTINGS
FIT = ("--target", S["target"], "--time-col", S["time"], "--id-col", S["id"])
POST = ("--post-outcome", *S["post_outcome"])


@pytest.fixture(scope="module")
def leads_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("leads") / "leads_export.csv"
    lead_export(path)
    return path


def _fitted(raw: pd.DataFrame) -> tuple[LeadScorer, pd.DataFrame, pd.Series]:
    """The package on the same file: the scorer the command fits, and the leads in time order."""
    leads = prepare_leads(
        raw,
        target_col=S["target"],
        time_col=S["time"],
        id_col=S["id"],
        post_outcome=S["post_outcome"],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scorer = LeadScorer("logistic", post_outcome=S["post_outcome"]).fit(leads.X, leads.y)
    return scorer, leads.X, leads.y


def test_score_fits_judges_saves_and_scores_new_leads(leads_csv: Path, tmp_path: Path) -> None:
    out, model = tmp_path / "scores.csv", tmp_path / "scorer.skops"
    run = research(
        "score", leads_csv, *FIT, *POST, "--n-boot", 50, "--save", model, "-o", out
    )  # fmt: skip
    assert run.code == 0, run.err
    raw = pd.read_csv(leads_csv, sep=";")
    scorer, X, y = _fitted(raw)

    # one row per lead, in the file's order, named by its id
    scores = pd.read_csv(out, index_col=S["id"])
    assert scores.index.tolist() == raw[S["id"]].tolist()
    assert list(scores.columns) == [S["target"], "score", "tier"] + [
        f"{d}_{k}" for d in ("up", "down") for k in (1, 2, 3)
    ]
    assert scores[S["target"]].tolist() == (raw[S["target"]] == "Yes").tolist()
    expected = scorer.predict_proba(X)[:, 1][np.argsort(X.index)]  # back to the file's order
    np.testing.assert_allclose(scores["score"], expected, rtol=1e-9)
    assert scores["tier"].tolist() == list(lead_tiers(expected))
    first = scorer.reason_codes(X.loc[[0]])
    up = first[first["direction"] == "up"]["text"].tolist()
    assert scores[["up_1", "up_2", "up_3"]].iloc[0].fillna("").tolist()[: len(up)] == up

    # the line on stderr: the holdout of the latest 20%, as evaluate gives it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        holdout = evaluate(
            LeadScorer("logistic", post_outcome=S["post_outcome"]),
            X,
            y,
            scheme="chronological",
            n_boot=50,
            progress=False,
        )
    auc = holdout.metric("auc")
    summary = next(line for line in run.err.splitlines() if "AUC" in line)
    assert f"scored the last {int(auc['n']):,}" in summary
    assert f"AUC {auc['estimate']:.3f} (95% CI {auc['low']:.3f}–{auc['high']:.3f})" in summary
    assert "left out as post-outcome: Deal Amount" in run.err
    assert "Traceback" not in run.err

    # new leads, without the outcome or the post-outcome column, scored by the saved scorer
    new = raw.drop(columns=[S["target"], *S["post_outcome"]]).tail(300)
    new_csv = tmp_path / "new_leads.csv"
    new.to_csv(new_csv, index=False)  # commas this time: the separator is sniffed
    new_out = tmp_path / "new_scores.csv"
    run = research("score", new_csv, "--model", model, "--id-col", S["id"], "-o", new_out)
    assert run.code == 0, run.err
    rescored = pd.read_csv(new_out, index_col=S["id"])
    assert rescored.index.tolist() == new[S["id"]].tolist()
    saved = load_scorer(model)
    np.testing.assert_allclose(
        rescored["score"], saved.predict_proba(new.drop(columns=[S["id"]]))[:, 1], rtol=1e-9
    )
    np.testing.assert_allclose(rescored["score"], scores["score"].tail(300), rtol=1e-9)
    assert S["target"] not in rescored.columns


def test_score_missing_column_is_one_line(leads_csv: Path, tmp_path: Path) -> None:
    run = research("score", leads_csv, "--target", "Won", "-o", tmp_path / "s.csv")
    line = one_error_line(run, "score")
    assert "leads_export.csv (2,500 rows) has no column 'Won'" in line
    assert "'Converted'" in line and "Set --target to the column" in line
    assert not (tmp_path / "s.csv").exists()


def test_score_other_mistakes_are_one_line(
    leads_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def error(*args: object) -> str:
        assert main(["score", *map(str, args), "-o", str(tmp_path / "s.csv")]) == 1
        lines = capsys.readouterr().err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("research score: error: "), lines
        return lines[0]

    assert "--target is needed to fit a scorer" in error(leads_csv)
    line = error(leads_csv, "--target", "Source")
    assert "column 'Source' (--target) must be binary, saying whether each lead" in line
    assert "'Referral'" in line
    line = error(leads_csv, "--target", S["target"], "--post-outcome", "duration")
    assert "no column 'duration', named in --post-outcome" in line
    line = error(leads_csv, "--target", S["target"], "--time-col", "Source")
    assert "column 'Source' (--time-col)" in line and "cannot be read as dates" in line
    fake = tmp_path / "fake.skops"
    fake.write_text("not a model")
    assert "is not a skops file" in error(leads_csv, "--model-file", fake)
    assert "--model takes logistic or gbm" in error(leads_csv, "--model", "forest")
    line = error(leads_csv, "--model-file", fake, "--save", tmp_path / "again.skops")
    assert "--save writes a scorer fitted here" in line
    assert "no such file" in error(tmp_path / "nope.csv", "--target", "x")


def test_score_help_names_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["score", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for option in ("--target", "--model", "--model-file", "--save", "--post-outcome",
                   "--time-col", "--id-col", "--sep", "--no-evaluate"):  # fmt: skip
        assert option in text
