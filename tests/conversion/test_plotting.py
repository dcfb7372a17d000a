"""The lead-scoring charts draw what their results hold and label the intervals with the
results' level: a 90% analysis is drawn as "90%", never as "95%"."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from research.conversion import (
    Evaluation,
    calibration_table,
    cumulative_gains,
    gains_at,
    lift_table,
    profit_curve,
)
from research.conversion.plotting import (
    plot_calibration,
    plot_cumulative_gains,
    plot_evaluation_schemes,
    plot_lift_table,
    plot_profit_curve,
)
from tests._charts import _assert_readable, _assert_unchanged, _deep_copy, _texts, _title


def _gid(fig: Figure, gid: str):
    found = [a for a in fig.findobj() if a.get_gid() == gid]
    assert len(found) == 1, f"expected one artist with gid {gid!r}, found {len(found)}"
    return found[0]


def _labels(fig: Figure) -> str:
    """Every text, axis label and legend entry of the figure, on one line."""
    parts = (
        _texts(fig) + [ax.get_xlabel() for ax in fig.axes] + [ax.get_ylabel() for ax in fig.axes]
    )
    return " ".join(parts)


# -- cumulative gains ---------------------------------------------------------------------------


def test_plot_cumulative_gains(scored) -> None:
    y, s = scored
    curve = cumulative_gains(y, s)
    before = curve.copy()
    fig = plot_cumulative_gains(curve)
    pd.testing.assert_frame_equal(curve, before)
    point = _gid(fig, "gain-at")
    assert point.get_ydata()[0] == pytest.approx(gains_at(y, s, 0.5))  # the analysis' number
    assert _gid(fig, "random").get_ydata().tolist() == [0, 1]
    assert _gid(fig, "perfect").get_xdata()[1] == pytest.approx(y.mean())
    assert f"{100 * gains_at(y, s):.0f}% of the buyers" in _title(fig)
    ax = fig.axes[0]
    assert "%" in ax.get_xlabel() and "%" in ax.get_ylabel()
    _assert_readable(fig)
    both = plot_cumulative_gains(
        {"model": cumulative_gains(y, s), "random": cumulative_gains(y, np.full(400, 0.5))},
        share=0.3,
    )
    assert _gid(both, "gain-at-random").get_ydata()[0] == pytest.approx(0.3)
    assert _gid(both, "gain-at-model").get_ydata()[0] == pytest.approx(gains_at(y, s, 0.3))
    assert any(t.endswith("(random)") for t in _texts(both))
    with pytest.raises(ValueError, match="share_reached"):
        plot_cumulative_gains(pd.DataFrame({"share_called": [0, 1]}))
    with pytest.raises(ValueError, match="share must be a share"):
        plot_cumulative_gains(curve, share=1.0)
    with pytest.raises(ValueError, match="empty mapping"):
        plot_cumulative_gains({})


# -- calibration, lift, profit ------------------------------------------------------------------


def test_plot_calibration(scored) -> None:
    y, s = scored
    result = calibration_table(y, s, n_bins=5)
    before = _deep_copy(result)
    fig = plot_calibration(result)
    _assert_unchanged(result, before)
    assert np.allclose(_gid(fig, "observed").get_ydata(), result.table["observed"])
    assert _gid(fig, "count-1").get_text() == "n=80"
    assert f"in {result.n_covered} of 5 score bins" in _title(fig)
    assert "observed rate (95% Wilson interval)" in _labels(fig)
    _assert_readable(fig)
    narrow = plot_calibration(calibration_table(y, s, n_bins=5, ci=0.9))
    assert "observed rate (90% Wilson interval)" in _labels(narrow)
    assert "95%" not in _labels(narrow)
    with pytest.raises(
        TypeError, match=r"must be a CalibrationTable \(the result of research.conversion"
    ):
        plot_calibration(result.table)


def test_plot_lift_table(scored) -> None:
    y, s = scored
    result = lift_table(y, s)
    fig = result.plot()
    assert _gid(fig, "group-1").get_height() == pytest.approx(result.table["rate"][0])
    assert _gid(fig, "overall").get_ydata()[0] == pytest.approx(result.overall_rate)
    assert result.overall_rate == pytest.approx(y.mean())
    assert _gid(fig, "lift-1").get_text().endswith(f"\n{result.table['conversions'][0]:,}")
    assert fig.axes[0].get_ylabel() == "conversion rate (%, 95% Wilson interval)"
    _assert_readable(fig)
    narrow = plot_lift_table(lift_table(y, s, ci=0.9))
    assert narrow.axes[0].get_ylabel() == "conversion rate (%, 90% Wilson interval)"
    assert "95%" not in _labels(narrow)
    with pytest.raises(
        TypeError, match=r"must be a LiftTable \(the result of research.conversion.lift_table"
    ):
        plot_lift_table(result.table)


def test_plot_profit_curve(scored) -> None:
    y, s = scored
    pc = profit_curve(y, s, value_per_conversion=50, cost_per_contact=10, n_boot=20)
    fig = plot_profit_curve(pc, currency="€")
    assert _gid(fig, "best").get_xdata()[0] == pytest.approx(pc.best["share_called"])
    assert _gid(fig, "best-point").get_ydata()[0] == pytest.approx(pc.best["profit"])
    assert "€50.00 per conversion, €10.00 per call" in _title(fig)
    assert pc.ci == 0.95 and any("95% interval" in t for t in _texts(fig))
    _assert_readable(fig)
    narrow = profit_curve(y, s, value_per_conversion=50, cost_per_contact=10, n_boot=20, ci=0.8)
    texts = _texts(narrow.plot(currency="€"))
    assert narrow.ci == 0.8 and any("80% interval" in t for t in texts)
    assert not any("95%" in t for t in texts)  # an 80% interval is not drawn as 95%
    odd = profit_curve(y, s, value_per_conversion=50, cost_per_contact=10, n_boot=20, ci=0.975)
    assert any("97.5% interval" in t for t in _texts(odd.plot()))
    with pytest.raises(TypeError, match="ProfitCurve"):
        plot_profit_curve(pc.table)


def test_plot_draws_on_the_callers_axes(scored) -> None:
    import matplotlib.pyplot as plt

    y, s = scored
    fig, axes = plt.subplots(1, 3, figsize=(20, 5))
    assert lift_table(y, s).plot(ax=axes[0]) is fig
    assert calibration_table(y, s).plot(ax=axes[1]) is fig
    pc = profit_curve(y, s, value_per_conversion=50, cost_per_contact=10, n_boot=0)
    assert pc.plot(ax=axes[2]) is fig
    assert all(ax.get_title(loc="left") for ax in axes)
    plt.close(fig)


# -- evaluation schemes -------------------------------------------------------------------------


def _evaluation(model: str, shift: float, *, ci: float = 0.95, n_boot: int = 100) -> Evaluation:
    """A hand-made evaluation: AUC 0.79 (random) and 0.70 (rolling) plus ``shift``."""
    rows = []
    for scheme, auc, n in (("random", 0.79, 1000), ("rolling", 0.70, 100)):
        for metric, value in (("auc", auc), ("alift", auc - 0.1)):
            rows.append(
                {
                    "scheme": scheme,
                    "metric": metric,
                    "estimate": value + shift,
                    "low": value + shift - 0.01,
                    "high": value + shift + 0.01,
                    "n": n,
                    "n_converted": n // 10,
                    "n_fits": 5,
                    "fit_seconds": 0.1,
                }
            )
    return Evaluation(
        table=pd.DataFrame(rows),
        predictions=pd.DataFrame(),
        ci=ci,
        n_boot=n_boot,
        schemes=("random", "rolling"),
        model=model,
    )


def test_plot_evaluation_schemes() -> None:
    logistic, gbm = _evaluation("logistic", 0.0), _evaluation("gbm", 0.02)
    before = _deep_copy(gbm)
    fig = plot_evaluation_schemes({"logistic": logistic, "gbm": gbm})
    _assert_unchanged(gbm, before)
    assert len(fig.axes) == 2
    assert _gid(fig, "auc-gbm").get_xdata().tolist() == pytest.approx([0.81, 0.72])
    assert _gid(fig, "alift-logistic").get_xdata().tolist() == pytest.approx([0.69, 0.60])
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == ["random\n(n = 1,000)", "rolling\n(n = 100)"]
    assert "(bars: 95% bootstrap interval)" in fig.axes[0].get_xlabel()
    assert "95% bootstrap intervals" in _title(fig)
    _assert_readable(fig)
    one = logistic.plot(metrics=["auc"])
    assert _gid(one, "auc").get_xdata().tolist() == pytest.approx([0.79, 0.70])
    assert _gid(one, "random").get_xdata()[0] == 0.5
    named = plot_evaluation_schemes([logistic, gbm])  # a sequence: named by their models
    assert _gid(named, "auc-gbm").get_xdata().tolist() == pytest.approx([0.81, 0.72])


def test_plot_evaluation_schemes_reads_the_level() -> None:
    narrow = _evaluation("gbm", 0.0, ci=0.9)
    fig = narrow.plot()
    assert "(bars: 90% bootstrap interval)" in fig.axes[0].get_xlabel()
    assert "90% bootstrap intervals" in _title(fig) and "95%" not in _labels(fig)
    assert "95%" not in _title(fig)
    none = _evaluation("gbm", 0.0, n_boot=0)
    assert "no intervals" in _title(none.plot())
    # an evaluation without intervals does not clash with one at 90%
    plot_evaluation_schemes({"a": narrow, "b": none})
    with pytest.raises(ValueError, match=r"different levels \(90%, 95%\)"):
        plot_evaluation_schemes({"a": narrow, "b": _evaluation("gbm", 0.0)})


def test_plot_evaluation_schemes_refuses_what_it_cannot_draw() -> None:
    import matplotlib.pyplot as plt

    logistic = _evaluation("logistic", 0.0)
    with pytest.raises(
        TypeError, match=r"must be an Evaluation \(the result of research.conversion.evaluate"
    ):
        plot_evaluation_schemes(logistic.table)
    with pytest.raises(TypeError, match=r"evaluations\['a'\] must be an Evaluation"):
        plot_evaluation_schemes({"a": logistic.table})
    with pytest.raises(ValueError, match="same model: pass a mapping"):
        plot_evaluation_schemes([logistic, _evaluation("logistic", 0.1)])
    with pytest.raises(ValueError, match="evaluations is empty"):
        plot_evaluation_schemes({})
    with pytest.raises(ValueError, match="no rows for metric"):
        plot_evaluation_schemes(logistic, metrics=["brier"])
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="ax must be 2 matplotlib Axes"):
        logistic.plot(ax=ax)
    assert logistic.plot(ax=ax, metrics=["auc"]) is fig
    plt.close(fig)
