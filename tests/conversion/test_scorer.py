"""LeadScorer: the same model as statsmodels, rare and unseen levels, odds ratios and their
summary at any level, contributions and reason codes, the features hook, and bad input."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from sklearn.preprocessing import FunctionTransformer

from research._results import Summary
from research.conversion import LeadScorer, OddsRatios
from tests.conversion._helpers import quiet


def test_logistic_scores_agree_with_statsmodels(toy) -> None:
    X, y = toy
    before = X.copy()
    scorer = quiet(LeadScorer(leakage_auc=None, min_frequency=0.05), X, y)
    pd.testing.assert_frame_equal(X, before)  # not modified
    assert scorer.predict_proba(X).shape == (200, 2)
    assert np.allclose(scorer.predict_proba(X).sum(axis=1), 1)
    # the same model as a statsmodels formula: 'fax' (2 leads) is rare, and too rare for a
    # level "(other)" of its own (fewer than 10 leads), so it is pooled into the reference
    frame = X.assign(won=y.astype(int), src=X["source"].replace({"fax": "web"}))
    ref = smf.logit("won ~ visits + C(src, Treatment('web'))", frame).fit(disp=0)
    assert np.allclose(scorer.predict_proba(X)[:, 1], ref.predict(frame), atol=1e-6)
    odds = scorer.odds_ratios()
    assert isinstance(odds, OddsRatios) and odds.ci == 0.95
    assert (odds.n, odds.n_converted) == (200, int(y.sum()))
    table = odds.table
    sd = X["visits"].std(ddof=0)
    assert table.loc["visits", "odds_ratio"] == pytest.approx(np.exp(ref.params["visits"] * sd))
    ads = "C(src, Treatment('web'))[T.ads]"
    assert table.loc["source = ads", "odds_ratio"] == pytest.approx(np.exp(ref.params[ads]))
    low, high = np.exp(ref.conf_int().loc[ads])
    assert (table.loc["source = ads", "low"], table.loc["source = ads", "high"]) == pytest.approx(
        (low, high), rel=1e-4
    )
    assert "fax" in scorer.report().set_index("column").loc["source", "detail"]


def test_odds_ratios_and_summary_at_90_percent(toy) -> None:
    X, y = toy
    scorer = quiet(LeadScorer(leakage_auc=None, min_frequency=0.05), X, y)
    frame = X.assign(won=y.astype(int), src=X["source"].replace({"fax": "web"}))
    ref = smf.logit("won ~ visits + C(src, Treatment('web'))", frame).fit(disp=0)
    odds = scorer.odds_ratios(ci=0.9)
    ads = "C(src, Treatment('web'))[T.ads]"
    low, high = np.exp(ref.conf_int(alpha=0.1).loc[ads])
    assert odds.ci == 0.9
    assert (odds.table.loc["source = ads", "low"], odds.table.loc["source = ads", "high"]) == (
        pytest.approx((low, high), rel=1e-4)
    )
    assert "90% Wald intervals" in odds._caption()
    with pytest.raises(dataclasses.FrozenInstanceError):
        odds.ci = 0.95
    summary = scorer.summary(ci=0.9)
    assert isinstance(summary, Summary)
    assert summary.title.startswith("LeadScorer(model='logistic'): 200 leads")
    pd.testing.assert_frame_equal(
        summary.table("odds ratios (90% Wald intervals)"),
        odds.table[["per", "odds_ratio", "low", "high", "p_value"]],
    )
    pd.testing.assert_frame_equal(
        summary.table("what the fit did with each column"), scorer.report()
    )
    text = str(summary)
    assert "odds ratios (90% Wald intervals)" in text and "McFadden pseudo-R2" in text
    assert "95%" not in text
    gbm = quiet(LeadScorer("gbm", leakage_auc=None, gbm_params={"max_iter": 20}), X, y)
    gbm_summary = gbm.summary()
    assert [caption for caption, _ in gbm_summary.tables] == ["what the fit did with each column"]
    assert any("gradient boosting" in note for note in gbm_summary.notes)


def test_summary_html_escapes_column_names() -> None:
    rng = np.random.default_rng(0)
    hostile = "<script>alert(1)</script>"
    X = pd.DataFrame({hostile: rng.choice(["a", "b"], 300), "x": rng.random(300)})
    y = rng.random(300) < 0.3
    html = quiet(LeadScorer(leakage_auc=None), X, y).summary()._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_rare_levels_pooled_and_unseen_levels_scored_as_other(toy) -> None:
    X, y = toy
    scorer = quiet(LeadScorer(leakage_auc=None, min_frequency=2), X, y)  # 'fax' kept (2 leads)
    assert "source = fax" in scorer.params_.index
    events = int((X["source"] == "event").sum())
    # 'event' and 'fax' are rare, and together frequent enough for a level "(other)"
    pooled = quiet(LeadScorer(leakage_auc=None, min_frequency=events + 1), X, y)
    assert "source = (other)" in pooled.params_.index
    new = X.head(3).assign(source=["telex", "web", "telex"])
    with pytest.warns(UserWarning, match=r"not seen in training.*source \(2 leads\)"):
        p = pooled.predict_proba(new)[:, 1]
    as_other = pooled.predict_proba(X.head(3).assign(source=["event", "web", "event"]))[:, 1]
    assert np.allclose(p, as_other)


def test_contributions_add_up_and_reason_codes_read(toy) -> None:
    X, y = toy
    scorer = quiet(LeadScorer(leakage_auc=None), X, y)
    contrib = scorer.contributions(X)
    assert not contrib.attrs  # the baseline is the model's, not the frame's
    log_odds = np.log(scorer.predict_proba(X)[:, 1] / scorer.predict_proba(X)[:, 0])
    assert np.allclose(contrib.sum(axis=1) + scorer.baseline_log_odds_, log_odds)
    codes = scorer.reason_codes(X.head(5), top=1)
    assert set(codes.columns) >= {"lead", "direction", "rank", "column", "log_odds", "text"}
    assert codes["score"].tolist() == pytest.approx(
        scorer.predict_proba(X.head(5))[:, 1][codes["lead"].to_numpy()]
    )
    row = codes.iloc[0]
    assert row["text"] == f"{row['column']} = {row['value']} ({row['log_odds']:+.2f} log-odds)"
    assert ((codes["direction"] == "up") == (codes["log_odds"] > 0)).all()
    gbm = quiet(LeadScorer("gbm", leakage_auc=None, gbm_params={"max_iter": 30}), X, y)
    g = gbm.contributions(X.head(20))
    typical = X.head(1).assign(visits=float(X["visits"].median()))
    assert gbm.contributions(typical)["visits"].iloc[0] == pytest.approx(0.0)
    assert g.shape == (20, 2) and np.isfinite(g.to_numpy()).all()
    assert len(gbm.reason_codes(X.head(2))) >= 1
    with pytest.raises(ValueError, match="baseline_log_odds_ needs model='logistic'"):
        _ = gbm.baseline_log_odds_


def test_reason_codes_warn_once_about_unseen_levels(toy) -> None:
    X, y = toy
    scorer = quiet(LeadScorer(leakage_auc=None), X, y)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scorer.reason_codes(X.head(3).assign(source="telex"))
    assert len([w for w in caught if "not seen in training" in str(w.message)]) == 1


def test_features_hook_function_and_transformer(toy) -> None:
    X, y = toy

    def more(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(many_visits=frame["visits"] >= 5)

    scorer = quiet(LeadScorer(leakage_auc=None, features=more), X, y)
    assert "many_visits" in scorer.columns_
    assert scorer.predict_proba(X).shape == (200, 2)
    step = FunctionTransformer(more)
    fitted = quiet(LeadScorer("gbm", leakage_auc=None, features=step), X, y)
    assert "many_visits" in fitted.columns_ and fitted.features_ is not step


def test_the_fit_report_lists_every_step(toy) -> None:
    X, y = toy
    X = X.assign(when=pd.Timestamp("2024-01-01"), duration=1.0, flat=3.0)
    with pytest.warns(UserWarning) as caught:
        scorer = LeadScorer(post_outcome=["duration", "absent"]).fit(X, y)
    report = scorer.report().set_index("column")["action"]
    assert report["duration"] == "excluded" and report["absent"] == "not present"
    assert report["when"] == "dropped" and report["flat"] == "dropped"
    assert report["visits"] == "used" and report["source"] == "used"
    # the warnings point at the caller's line, not at the package
    assert all(w.filename == __file__ for w in caught)


@pytest.mark.parametrize(
    ("target", "match"),
    [
        (None, "target y is missing"),
        ("won", "not the column name 'won'"),
        ([True] * 200, "one class only"),
        (np.arange(200) % 3, "must be binary"),
        ([1.0, np.nan] * 100, "2?100 missing values"),
        ([True, False] * 50, "100 values but X has 200 rows"),
    ],
)
def test_bad_targets(toy, target, match: str) -> None:
    X, _ = toy
    with pytest.raises(ValueError, match=match):
        LeadScorer().fit(X, target)


def test_word_targets(toy) -> None:
    X, y = toy
    words = y.map({True: "yes", False: "no"})
    a = quiet(LeadScorer(leakage_auc=None), X, words).predict_proba(X)
    b = quiet(LeadScorer(leakage_auc=None), X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)


def test_bad_frames_and_settings(toy) -> None:
    X, y = toy
    with pytest.raises(ValueError, match=r"'empty' of X are missing in all 200 rows"):
        LeadScorer().fit(X.assign(empty=np.nan), y)
    with pytest.warns(UserWarning, match="dates or durations: when"):
        dated = LeadScorer().fit(X.assign(when=pd.Timestamp("2024-01-01")), y)
    assert "when" not in dated.columns_
    assert dated.report().set_index("column").loc["when", "action"] == "dropped"
    with pytest.raises(TypeError, match="DataFrame"):
        LeadScorer().fit(X.to_numpy(), y)
    with pytest.raises(TypeError, match="named by strings"):
        LeadScorer().fit(X.set_axis([0, 1], axis=1), y)
    with pytest.raises(ValueError, match="model must be"):
        LeadScorer("forest").fit(X, y)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="post_outcome must be a list"):
        LeadScorer(post_outcome="duration").fit(X, y)  # type: ignore[arg-type]
    for bad in ({"leakage_auc": 0.4}, {"leakage_auc": "high"}):
        with pytest.raises(ValueError, match="leakage_auc must be"):
            LeadScorer(**bad).fit(X, y)
    with pytest.raises(ValueError, match="min_frequency must be a finite number >= 0"):
        LeadScorer(min_frequency=-1).fit(X, y)
    with pytest.raises(ValueError, match="max_levels must be an integer >= 1"):
        LeadScorer(max_levels=0).fit(X, y)
    with pytest.raises(ValueError, match="n_threads must be an integer >= 1"):
        LeadScorer(n_threads=0).fit(X, y)
    fitted = quiet(LeadScorer(leakage_auc=None), X, y)
    with pytest.raises(ValueError, match="lacks the column.*'source'"):
        fitted.predict_proba(X.drop(columns="source"))
    with pytest.raises(ValueError, match="top must be an integer >= 1"):
        fitted.reason_codes(X.head(2), top=0)
    with pytest.raises(ValueError, match="ci must be between 0 and 1"):
        fitted.odds_ratios(ci=95)
    with pytest.raises(ValueError, match="ci must be between 0 and 1"):
        fitted.summary(ci=0)
    with pytest.raises(ValueError, match="needs model='logistic'"):
        quiet(LeadScorer("gbm", leakage_auc=None), X, y).odds_ratios()
