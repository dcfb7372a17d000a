"""Lead scoring: hand-checked metrics and business views, the scorer against statsmodels, the
leakage guard and the evaluation schemes on the UCI bank calls, saving safely, bad input, and
the lead-scoring charts."""

from __future__ import annotations

import math
import warnings
import zipfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from matplotlib.figure import Figure
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import FunctionTransformer

from research.conversion import (
    LeadScorer,
    LeakageWarning,
    UntrustedFileError,
    alift,
    calibration_table,
    cumulative_gains,
    evaluate,
    gains_at,
    lead_tiers,
    lift_table,
    load_scorer,
    out_of_sample,
    profit_curve,
    save_scorer,
    single_column_auc,
)
from research.conversion.plotting import (
    plot_calibration,
    plot_cumulative_gains,
    plot_evaluation_schemes,
    plot_lift_table,
    plot_profit_curve,
)


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval, written out (Wilson 1927)."""
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


@pytest.fixture(scope="module")
def bank_sample(mirror: Path) -> pd.DataFrame:
    from research.data import load_bank_marketing

    return load_bank_marketing("sample")


@pytest.fixture(scope="module")
def bank_full(mirror: Path) -> pd.DataFrame:
    from research.data import load_bank_marketing

    return load_bank_marketing()


@pytest.fixture
def toy() -> tuple[pd.DataFrame, pd.Series]:
    """200 leads: visits raise conversion, source 'ads' lowers it, a rare source."""
    rng = np.random.default_rng(3)
    n = 200
    visits = rng.poisson(3, n).astype(float)
    source = rng.choice(["web", "ads", "event"], n, p=[0.5, 0.4, 0.1]).astype(object)
    source[:2] = "fax"  # rare: 2 of 200 leads
    logit = -1.5 + 0.5 * (visits - 3) - 0.8 * (source == "ads")
    won = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame({"visits": visits, "source": source}), pd.Series(won, name="won")


def quiet(scorer: LeadScorer, X: pd.DataFrame, y: object) -> LeadScorer:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return scorer.fit(X, y)


# -- metrics of a ranking, by hand -------------------------------------------------------------


def test_alift_of_perfect_random_and_worst_rankings() -> None:
    y = [1, 0, 0, 0]
    # perfect: the buyer first; the curve rises to 1 at 25% called: area 0.25 / 2 + 0.75
    assert alift(y, [0.9, 0.1, 0.2, 0.3]) == pytest.approx(0.875)
    # random: all scores equal, the curve is the diagonal
    assert alift(y, [0.5, 0.5, 0.5, 0.5]) == pytest.approx(0.5)
    # worst: the buyer last; 0 until 75% called, then up to 1: area 0.25 / 2
    assert alift(y, [0.0, 0.9, 0.8, 0.7]) == pytest.approx(0.125)
    # identity: ALIFT = p / 2 + (1 - p) AUC
    rng = np.random.default_rng(0)
    yy = rng.random(300) < 0.2
    s = np.round(rng.random(300), 1)  # many ties
    p = yy.mean()
    assert alift(yy, s) == pytest.approx(p / 2 + (1 - p) * roc_auc_score(yy, s))


def test_cumulative_gains_and_gains_at_by_hand() -> None:
    curve = cumulative_gains([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1])
    assert curve["share_called"].tolist() == [0, 0.25, 0.5, 0.75, 1.0]
    assert curve["share_reached"].tolist() == [0, 0.5, 0.5, 1.0, 1.0]
    # ties are called together: one step for the two leads scoring 0.5
    tied = cumulative_gains([1, 0, 0, 1], [0.5, 0.5, 0.2, 0.1])
    assert tied["leads_called"].tolist() == [0, 2, 3, 4]
    assert tied["conversions"].tolist() == [0, 1, 1, 2]
    assert gains_at([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], 0.5) == 0.5
    assert gains_at([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], 0.625) == pytest.approx(0.75)


def test_lift_table_on_20_leads_by_hand() -> None:
    # 20 leads, scores 0.95 down to 0.0; 5 groups of 4; conversions 3, 2, 1, 0, 0 by group
    scores = np.linspace(0.95, 0.0, 20)
    y = np.zeros(20, dtype=bool)
    y[[0, 1, 3, 4, 6, 9]] = True
    order = np.random.default_rng(1).permutation(20)  # the row order does not matter
    t = lift_table(y[order], scores[order], n_bins=5)
    assert t["group"].tolist() == [1, 2, 3, 4, 5]
    assert t["leads"].tolist() == [4, 4, 4, 4, 4]
    assert t["conversions"].tolist() == [3, 2, 1, 0, 0]
    assert t["rate"].tolist() == [0.75, 0.5, 0.25, 0, 0]
    assert (t["low"][0], t["high"][0]) == pytest.approx(wilson(3, 4))
    assert t["lift"].tolist() == pytest.approx([2.5, 5 / 3, 5 / 6, 0, 0])  # overall 6/20
    assert t["cumulative_gain"].tolist() == pytest.approx([0.5, 5 / 6, 1, 1, 1])
    assert t["cum_lift"][1] == pytest.approx((5 / 6) / 0.4)
    assert t["score_max"][0] == pytest.approx(0.95)


def test_calibration_table_by_hand() -> None:
    s = [0.1, 0.1, 0.2, 0.2, 0.8, 0.9]
    y = [0, 0, 0, 1, 1, 1]
    t = calibration_table(y, s, n_bins=2)  # equal scores split by row order
    assert t["leads"].tolist() == [3, 3]
    assert t["predicted"].tolist() == pytest.approx([0.4 / 3, 1.9 / 3])
    assert t["observed"].tolist() == pytest.approx([0, 1])  # first bin: 0.1, 0.1, 0.2 (no)
    assert (t["low"][1], t["high"][1]) == pytest.approx(wilson(3, 3))
    u = calibration_table(y, s, n_bins=10, strategy="uniform")
    assert u["bin"].tolist() == [2, 3, 9, 10]  # empty bins left out


def test_profit_curve_toy_case() -> None:
    # calling top k: profits 7, 14, 11, 18, 15 (value 10, cost 3): best is the top 4
    pc = profit_curve(
        [1, 1, 0, 1, 0],
        [0.9, 0.8, 0.7, 0.6, 0.5],
        value_per_conversion=10,
        cost_per_contact=3,
        n_boot=50,
        random_state=1,
    )
    assert pc.curve["profit"].tolist() == [0, 7, 14, 11, 18, 15]
    # expected: 10 x (0.9 + 0.8) - 3 x 2 for the top two
    assert pc.curve["expected_profit"][2] == pytest.approx(11.0)
    assert pc.best["threshold"] == 0.6
    assert pc.best["profit"] == 18
    assert pc.best["share_called"] == 0.8 and pc.best["share_reached"] == 1.0
    assert pc.breakeven == pytest.approx(0.3)
    assert pc.best["profit_low"] <= 18 <= pc.best["profit_high"]
    # on a resample the best can be to call nobody: threshold 1 (above every score)
    assert 0.5 <= pc.best["threshold_low"] <= pc.best["threshold_high"] <= 1.0
    # a call costing more than a conversion is worth: call nobody
    none = profit_curve([1, 0], [0.9, 0.1], value_per_conversion=1, cost_per_contact=2, n_boot=0)
    assert none.best["leads_called"] == 0 and none.best["profit"] == 0


def test_lead_tiers() -> None:
    s = np.arange(10) / 10  # 0.0 ... 0.9
    tiers = lead_tiers(s)
    assert list(tiers) == ["D"] * 4 + ["C"] * 3 + ["B"] * 2 + ["A"]
    assert tiers.ordered and tiers.max() == "A"
    assert list(lead_tiers([0.9, 0.1, 0.5, 0.3], cutoffs=(0.8, 0.4, 0.2))) == ["A", "D", "B", "C"]
    with pytest.raises(ValueError, match="adding up to 1"):
        lead_tiers(s, shares=(0.5, 0.2, 0.2, 0.2))
    with pytest.raises(ValueError, match="decreasing"):
        lead_tiers(s, cutoffs=(0.1, 0.5, 0.9))


def test_single_column_auc() -> None:
    X = pd.DataFrame(
        {"x": [1, 2, 3, 4, 5, 6], "neg": [6, 5, 4, 3, 2, 1], "id": ["a", "b", "c", "d", "e", "f"]}
    )
    t = single_column_auc(X, [0, 0, 0, 1, 1, 1]).set_index("column")
    assert t.loc["x", "auc"] == 1.0 and t.loc["x", "direction"] == "higher converts more"
    assert t.loc["neg", "auc"] == 1.0 and t.loc["neg", "direction"] == "lower converts more"
    # an id: every level unseen out of fold, so every lead gets the prior: no ranking
    assert t.loc["id", "auc"] == pytest.approx(0.5, abs=0.2)
    # filled in only for converters (as Olist's deal columns): its missingness leaks
    won = np.array([0, 1] * 20)
    revenue = np.where(won == 1, np.linspace(1, 5, 40), np.nan)
    leak = single_column_auc(pd.DataFrame({"revenue": revenue}), won)
    assert leak["auc"].iloc[0] == 1.0


# -- the scorer --------------------------------------------------------------------------------


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
    sd = X["visits"].std(ddof=0)
    assert odds.loc["visits", "odds_ratio"] == pytest.approx(np.exp(ref.params["visits"] * sd))
    ads = "C(src, Treatment('web'))[T.ads]"
    assert odds.loc["source = ads", "odds_ratio"] == pytest.approx(np.exp(ref.params[ads]))
    low, high = np.exp(ref.conf_int().loc[ads])
    assert (odds.loc["source = ads", "low"], odds.loc["source = ads", "high"]) == pytest.approx(
        (low, high), rel=1e-4
    )
    assert "fax" in scorer.report().set_index("column").loc["source", "detail"]
    assert "odds ratios" in scorer.summary()


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
    log_odds = np.log(scorer.predict_proba(X)[:, 1] / scorer.predict_proba(X)[:, 0])
    assert np.allclose(contrib.sum(axis=1) + contrib.attrs["baseline"], log_odds)
    codes = scorer.reason_codes(X.head(5), top=1)
    assert set(codes.columns) >= {"lead", "direction", "rank", "column", "log_odds", "text"}
    row = codes.iloc[0]
    assert row["text"] == f"{row['column']} = {row['value']} ({row['log_odds']:+.2f} log-odds)"
    assert ((codes["direction"] == "up") == (codes["log_odds"] > 0)).all()
    gbm = quiet(LeadScorer("gbm", leakage_auc=None, gbm_params={"max_iter": 30}), X, y)
    g = gbm.contributions(X.head(20))
    typical = X.head(1).assign(visits=float(X["visits"].median()))
    assert gbm.contributions(typical)["visits"].iloc[0] == pytest.approx(0.0)
    assert g.shape == (20, 2) and np.isfinite(g.to_numpy()).all()
    assert len(gbm.reason_codes(X.head(2))) >= 1


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


def test_settings_kept_and_evaluate_clones(toy) -> None:
    X, y = toy
    scorer = LeadScorer("gbm", post_outcome=["duration"], gbm_params={"max_iter": 20})
    assert scorer.get_params()["post_outcome"] == ["duration"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        table = evaluate(scorer, X, y, n_boot=10, progress=False)
    assert not hasattr(scorer, "columns_")  # never fitted itself
    assert list(table.columns) == [
        "scheme",
        "metric",
        "estimate",
        "low",
        "high",
        "n",
        "n_converted",
        "n_fits",
        "fit_seconds",
    ]
    assert table["metric"].tolist() == ["auc", "alift", "brier", "log_loss", "gain_at_50"]
    assert (table["low"] <= table["estimate"]).all() and (table["estimate"] <= table["high"]).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        both = evaluate(scorer, X, y, scheme=["chronological", "random"], n_boot=10, progress=False)
    cols = ["scheme", "metric", "estimate", "low", "high", "n"]  # same intervals beside others
    alone = both.loc[both["scheme"] == "random", cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, table[cols])


def test_schemes_split_as_documented(toy) -> None:
    X, y = toy
    X = X.assign(when=pd.date_range("2024-01-01", periods=200, freq="D")[::-1])
    scorer = LeadScorer(leakage_auc=None)
    with pytest.warns(UserWarning, match=r"not seen in training.*\[1 of the 3 rolling fits\]"):
        pred = out_of_sample(
            scorer, X, y, "rolling", test_size=50, step=20, time_col="when", progress=False
        )
    assert len(pred) == 50 and pred["fold"].nunique() == 3  # 20 + 20 + 10
    assert pred.groupby("fold")["n_train"].first().tolist() == [150, 170, 190]
    with pytest.warns(UserWarning, match="did not converge"):  # 100 leads: a level separates
        sliding = out_of_sample(
            scorer,
            X.drop(columns="when"),
            y,
            "rolling",
            test_size=50,
            step=20,
            window=100,
            progress=False,
        )
    assert sliding.groupby("fold")["n_train"].first().tolist() == [100, 100, 100]
    # time_col reversed the order: the last rows in time are the first rows of X
    assert sorted(pred["row"]) == list(range(50))
    chrono = out_of_sample(scorer, X.drop(columns="when"), y, "chronological", progress=False)
    assert chrono["position"].tolist() == list(range(160, 200))  # the last 20%
    random = out_of_sample(scorer, X.drop(columns="when"), y, "random", progress=False)
    assert len(random) == 200 and random["fold"].nunique() == 5


# -- the bank calls ----------------------------------------------------------------------------


def test_bank_duration_leaks_and_is_flagged(bank_sample: pd.DataFrame) -> None:
    X, y = bank_sample.drop(columns="y"), bank_sample["y"]
    screen = single_column_auc(X, y)
    assert screen["column"].iloc[0] == "duration"
    assert 0.80 < screen["auc"].iloc[0] < 0.84  # about 0.82: below a 0.9 screen
    with pytest.warns(LeakageWarning, match=r"duration \(AUC 0\.82\)") as record:
        leaky = LeadScorer().fit(X, y)
    assert leaky.flagged_ == ["duration"]
    assert "nr.employed" not in str(record[0].message)
    with pytest.warns(UserWarning, match="post_outcome.*duration"):
        honest = LeadScorer(post_outcome=["duration"]).fit(X, y)
    assert honest.excluded_ == ["duration"] and "duration" not in honest.columns_
    assert honest.flagged_ == []
    # housing = unknown and loan = unknown mark the same calls: one term is dropped, named
    dropped = honest.report().query("action == 'term dropped'")
    assert "loan = unknown" in dropped["detail"].str.cat()


def test_bank_auc_with_and_without_duration(bank_sample: pd.DataFrame) -> None:
    X, y = bank_sample.drop(columns="y"), bank_sample["y"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        leak = evaluate(LeadScorer(), X, y, n_boot=20, progress=False)
        honest = evaluate(LeadScorer(post_outcome=["duration"]), X, y, n_boot=20, progress=False)
    auc = dict(zip(leak["metric"], leak["estimate"], strict=True))["auc"]
    fair = honest.set_index("metric")
    assert auc > 0.9  # 0.93 measured on the 4,119-call sample
    assert 0.74 < fair.loc["auc", "estimate"] < 0.79  # 0.764 measured
    assert 0.72 < fair.loc["alift", "estimate"] < 0.76  # 0.735 measured
    assert fair.loc["auc", "low"] < fair.loc["auc", "estimate"] < fair.loc["auc", "high"]


def test_bank_rolling_protocol_uses_1293_rows_in_13_refits(bank_full: pd.DataFrame) -> None:
    # the full file is in time order; six columns keep the 13 refits on ~40,000 calls fast
    cols = ["poutcome", "contact", "month", "campaign", "euribor3m", "nr.employed"]
    table, pred = evaluate(
        LeadScorer(leakage_auc=None),
        bank_full[cols],
        bank_full["y"],
        scheme="rolling",
        n_boot=20,
        progress=False,
        return_predictions=True,
    )
    assert len(pred) == 1293 and pred["fold"].nunique() == 13
    assert pred.groupby("fold").size().tolist() == [100] * 12 + [93]
    assert pred["position"].tolist() == list(range(41_188 - 1293, 41_188))
    assert pred["n_train"].min() == 41_188 - 1293 and pred["n_train"].max() == 41_188 - 93
    assert int(pred["y"].sum()) == 646  # half the last 1,293 calls subscribed
    fair = table.set_index("metric")
    assert set(table["n"]) == {1293} and set(table["n_fits"]) == {13}
    assert 0.69 < fair.loc["auc", "estimate"] < 0.74  # 0.715 measured (all 19 columns: 0.703)
    assert 0.59 < fair.loc["alift", "estimate"] < 0.63  # 0.607


# -- saving and loading --------------------------------------------------------------------------


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
        assert loaded.odds_ratios().equals(scorer.odds_ratios())


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


def _untrusted(path: Path) -> list[str]:
    import skops.io as sio

    return sio.get_untrusted_types(file=path)


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "match"),
    [
        (None, "target y is missing"),
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


def test_bad_frames_and_schemes(toy) -> None:
    X, y = toy
    with pytest.raises(ValueError, match=r"'empty' of X are missing in all 200 rows"):
        LeadScorer().fit(X.assign(empty=np.nan), y)
    with pytest.warns(UserWarning, match="dates or durations: when"):
        dated = LeadScorer().fit(X.assign(when=pd.Timestamp("2024-01-01")), y)
    assert "when" not in dated.columns_
    assert dated.report().set_index("column").loc["when", "action"] == "dropped"
    with pytest.raises(TypeError, match="DataFrame"):
        LeadScorer().fit(X.to_numpy(), y)
    with pytest.raises(ValueError, match="model must be"):
        LeadScorer("forest").fit(X, y)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="post_outcome must be a list"):
        LeadScorer(post_outcome="duration").fit(X, y)  # type: ignore[arg-type]
    fitted = quiet(LeadScorer(leakage_auc=None), X, y)
    with pytest.raises(ValueError, match="lacks the column.*'source'"):
        fitted.predict_proba(X.drop(columns="source"))
    with pytest.raises(ValueError, match="needs model='logistic'"):
        quiet(LeadScorer("gbm", leakage_auc=None), X, y).odds_ratios()
    small = X.head(30)
    with pytest.raises(ValueError, match="needs at least 1,303 rows"):
        evaluate(LeadScorer(), small, y.head(30), scheme="rolling", progress=False)
    few = pd.Series([True, True] + [False] * 28)
    with pytest.raises(ValueError, match="needs at least 5 leads of each class"):
        evaluate(LeadScorer(), small, few, progress=False)
    with pytest.raises(ValueError, match="scheme must be one of"):
        evaluate(LeadScorer(), X, y, scheme="bootstrap")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="probabilities in"):
        lift_table([1, 0], [2.0, -1.0])
    with pytest.raises(ValueError, match="one class only"):
        alift([1, 1], [0.2, 0.3])


# -- charts --------------------------------------------------------------------------------------


def _gid(fig: Figure, gid: str):
    found = [a for a in fig.findobj() if a.get_gid() == gid]
    assert len(found) == 1, f"expected one artist with gid {gid!r}, found {len(found)}"
    return found[0]


def _title(fig: Figure) -> str:
    return fig._suptitle.get_text() if fig._suptitle else fig.axes[0].get_title(loc="left")


@pytest.fixture
def scored() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    s = rng.random(400)
    y = rng.random(400) < s * 0.6
    return y, s


def test_plot_cumulative_gains(scored) -> None:
    y, s = scored
    fig = plot_cumulative_gains(cumulative_gains(y, s))
    point = _gid(fig, "gain-at")
    assert point.get_ydata()[0] == pytest.approx(gains_at(y, s, 0.5))
    assert _gid(fig, "random").get_ydata().tolist() == [0, 1]
    assert f"{100 * gains_at(y, s):.0f}% of the buyers" in _title(fig)
    ax = fig.axes[0]
    assert "%" in ax.get_xlabel() and "%" in ax.get_ylabel()
    both = plot_cumulative_gains(
        {"model": cumulative_gains(y, s), "random": cumulative_gains(y, np.full(400, 0.5))}
    )
    assert _gid(both, "gain-at-random").get_ydata()[0] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="share_reached"):
        plot_cumulative_gains(pd.DataFrame({"share_called": [0, 1]}))


def _texts(fig) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def test_plot_calibration_lift_and_profit(scored) -> None:
    y, s = scored
    table = calibration_table(y, s, n_bins=5)
    fig = plot_calibration(table)
    assert np.allclose(_gid(fig, "observed").get_ydata(), table["observed"])
    assert _gid(fig, "count-1").get_text() == "n=80"
    assert "Calibration" in _title(fig)

    lift = lift_table(y, s)
    fig = plot_lift_table(lift)
    assert _gid(fig, "group-1").get_height() == pytest.approx(lift["rate"][0])
    assert _gid(fig, "overall").get_ydata()[0] == pytest.approx(y.mean())
    assert _gid(fig, "lift-1").get_text().endswith(f"\n{lift['conversions'][0]:,}")

    pc = profit_curve(y, s, value_per_conversion=50, cost_per_contact=10, n_boot=20)
    fig = plot_profit_curve(pc, currency="€")
    assert _gid(fig, "best").get_xdata()[0] == pytest.approx(pc.best["share_called"])
    assert _gid(fig, "best-point").get_ydata()[0] == pytest.approx(pc.best["profit"])
    assert "€50.00 per conversion, €10.00 per call" in _title(fig)
    assert pc.ci == 0.95 and any("95% interval" in t for t in _texts(fig))
    narrow = profit_curve(y, s, value_per_conversion=50, cost_per_contact=10, n_boot=20, ci=0.8)
    texts = _texts(plot_profit_curve(narrow, currency="€"))
    assert narrow.ci == 0.8 and any("80% interval" in t for t in texts)
    assert not any("95%" in t for t in texts)  # an 80% interval is not drawn as 95%
    with pytest.raises(TypeError, match="ProfitCurve"):
        plot_profit_curve(pc.curve)
    with pytest.raises(ValueError, match="lift"):
        plot_lift_table(lift.drop(columns="lift"))


def test_plot_evaluation_schemes() -> None:
    rows = []
    for model, shift in (("logistic", 0.0), ("gbm", 0.02)):
        for scheme, auc in (("random", 0.79), ("rolling", 0.70)):
            for metric, value in (("auc", auc), ("alift", auc - 0.1)):
                rows.append(
                    {
                        "model": model,
                        "scheme": scheme,
                        "metric": metric,
                        "estimate": value + shift,
                        "low": value + shift - 0.01,
                        "high": value + shift + 0.01,
                        "n": 100,
                    }
                )
    table = pd.DataFrame(rows)
    fig = plot_evaluation_schemes(table, by="model")
    assert len(fig.axes) == 2
    line = _gid(fig, "auc-gbm")
    assert line.get_xdata().tolist() == pytest.approx([0.81, 0.72])
    one = plot_evaluation_schemes(table[table["model"] == "logistic"], metrics=["auc"])
    assert _gid(one, "auc").get_xdata().tolist() == pytest.approx([0.79, 0.70])
    assert _gid(one, "random").get_xdata()[0] == 0.5
    with pytest.raises(ValueError, match="no rows for metric"):
        plot_evaluation_schemes(table, metrics=["brier"])
