"""prepare_leads (a lead export checked once and put in time order), rolling_sizes (the rolling
protocol scaled to a file) and evaluate's per-scheme test sizes."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from research.conversion import LeadScorer, evaluate, prepare_leads, rolling_sizes


@pytest.fixture
def export() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Lead": ["a", "b", "c", "d", "e"],
            "Created": ["13/01/2024", "02/01/2024", "20/01/2024", "02/01/2024", "25/01/2024"],
            "Source": ["web", "ads", "web", "ads", "fair"],
            "Amount": [10.0, 0.0, 0.0, 5.0, 0.0],
            "Won": ["Yes", "No", "no", "YES", "No"],
        },
        index=[10, 11, 12, 13, 14],
    )


def test_prepare_leads_orders_and_sets_aside(export: pd.DataFrame) -> None:
    before = export.copy()
    leads = prepare_leads(
        export, target_col="Won", time_col="Created", id_col="Lead", post_outcome=["Amount"]
    )
    pd.testing.assert_frame_equal(export, before)  # the caller's table is not changed
    # day-first dates read as such; ties keep the file's order; labels stay with the leads
    assert leads.ids.tolist() == ["b", "d", "a", "c", "e"]
    assert leads.X.index.tolist() == [11, 13, 10, 12, 14]
    assert leads.y.tolist() == [False, True, True, False, False]
    assert list(leads.X.columns) == ["Source", "Amount"] and leads.inputs == ["Source"]
    assert leads.times.iloc[0] == pd.Timestamp("2024-01-02")
    assert (leads.n, leads.n_converted, leads.post_outcome) == (5, 2, ("Amount",))
    assert "5 leads, 2 converted, by 'Created'" in repr(leads)
    # without a time column, the row order is the time order; without a target, no outcomes
    plain = prepare_leads(export.drop(columns="Won"), target_col=None)
    assert plain.y is None and plain.times is None and plain.X.index.tolist() == list(export.index)


def test_prepare_leads_reads_dates_every_way() -> None:
    def first(values: list[object], **kwargs: object) -> object:
        frame = pd.DataFrame({"t": values, "y": [1, 0, 1]})
        return prepare_leads(frame, target_col="y", time_col="t", **kwargs).times.iloc[0]

    assert first(["2024-01-05 10:00", "2024-02-01", "2024-01-03"]) == pd.Timestamp("2024-01-03")
    assert first(["01/31/2024", "01/02/2024", "12/25/2023"]) == pd.Timestamp("2023-12-25")
    assert first([3, 1, 2]) == 1
    ambiguous = ["01/02/2024", "03/04/2024", "05/01/2024"]
    with pytest.raises(ValueError, match="read both month first and day first.*set DATE_FORMAT"):
        first(ambiguous, names={"date_format": "DATE_FORMAT"})
    assert first(ambiguous, date_format="%d/%m/%Y") == pd.Timestamp("2024-01-05")
    with pytest.raises(ValueError, match=r"1 of 3 values that cannot be read.*'soon'"):
        first(["2024-01-02", "soon", "2024-01-03"])
    with pytest.raises(ValueError, match="1 missing values of 3 rows"):
        first(["2024-01-02", None, "2024-01-03"])


def test_prepare_leads_errors_name_the_column_and_the_parameter(export: pd.DataFrame) -> None:
    names = {"target_col": "TARGET_COL", "time_col": "TIME_COL", "post_outcome": "POST_OUTCOME"}
    with pytest.raises(ValueError, match=r"has no column 'won'; its columns are \['Lead'.*"
                       r"Set TARGET_COL to the column"):  # fmt: skip
        prepare_leads(export, target_col="won", names=names)
    with pytest.raises(ValueError, match="no column 'When'.*Set TIME_COL.*or to None"):
        prepare_leads(export, target_col="Won", time_col="When", names=names)
    with pytest.raises(ValueError, match="no column 'duration', named in POST_OUTCOME"):
        prepare_leads(export, target_col="Won", post_outcome=["duration"], names=names)
    with pytest.raises(TypeError, match=r"POST_OUTCOME must be a list.*\['Amount'\]"):
        prepare_leads(export, target_col="Won", post_outcome="Amount", names=names)
    with pytest.raises(ValueError, match="'Won' is given as both TARGET_COL and POST_OUTCOME"):
        prepare_leads(export, target_col="Won", post_outcome=["Won"], names=names)
    with pytest.raises(
        ValueError, match="must be binary, saying whether each lead converted.*3 distinct"
    ):
        prepare_leads(export, target_col="Source")
    with pytest.raises(ValueError, match="one outcome only"):
        prepare_leads(export.assign(Won="No"), target_col="Won")
    with pytest.raises(ValueError, match="missing values"):
        prepare_leads(export.assign(Won=["Yes", None, "No", "No", "Yes"]), target_col="Won")
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        prepare_leads([1, 2], target_col="Won")  # type: ignore[arg-type]


def test_rolling_sizes() -> None:
    assert rolling_sizes(41_188) == (1293, 100)  # Moro et al. (2014): 13 refits
    assert rolling_sizes(2_500) == (500, 39)
    assert rolling_sizes(2_500, test_size=300, step=50) == (300, 50)
    with pytest.raises(ValueError, match="needs at least 310 leads"):
        rolling_sizes(200, test_size=300)
    with pytest.raises(ValueError, match="step must be an integer >= 1"):
        rolling_sizes(200, step=0)


def test_evaluate_takes_a_test_size_per_scheme() -> None:
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"visits": rng.poisson(3, 300), "src": rng.choice(["a", "b"], 300)})
    y = rng.random(300) < 0.2 + 0.05 * X["visits"].clip(upper=8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = evaluate(
            LeadScorer(leakage_auc=None),
            X,
            y,
            scheme=["chronological", "rolling"],
            test_size={"rolling": 50},
            step=25,
            n_boot=0,
            progress=False,
        )
    assert len(result.scores("chronological")) == 60  # its default: the last 20%
    assert len(result.scores("rolling")) == 50 and result.scores("rolling")["fold"].nunique() == 2
    with pytest.raises(ValueError, match="test_size as a mapping takes the schemes"):
        evaluate(LeadScorer(), X, y, scheme="rolling", test_size={"random": 5})
    with pytest.raises(ValueError, match=r"test_size\['rolling'\] must be an integer"):
        evaluate(LeadScorer(), X, y, scheme="rolling", test_size={"rolling": 0})


def test_amounts_written_as_text_are_read_as_numbers() -> None:
    raw = pd.DataFrame(
        {
            "Lead ID": ["L1", "L2", "L3", "L4"],
            "Converted": ["TRUE", "FALSE", "TRUE", "FALSE"],
            "Annual Revenue": ["$3,594,857", None, "$12", "-1,200.50"],
            "Budget": ["40 EUR", "1,200.50 EUR", "EUR 3", "0 EUR"],
            "SKU": ["SKU123", "SKU1", "SKU2", "SKU3"],  # codes, not amounts
            "Notes": ["$5", "n/a", "$6", "$7"],  # not every value is an amount
        }
    )
    leads = prepare_leads(raw, target_col="Converted", id_col="Lead ID")
    assert leads.numbers_from_text == ("Annual Revenue", "Budget")
    assert leads.X["Annual Revenue"].tolist()[0] == 3_594_857.0
    assert np.isnan(leads.X["Annual Revenue"].tolist()[1])
    assert leads.X["Annual Revenue"].tolist()[3] == -1200.5
    assert leads.X["Budget"].tolist() == [40.0, 1200.5, 3.0, 0.0]
    assert leads.X["SKU"].tolist() == raw["SKU"].tolist()
    assert leads.X["Notes"].tolist() == raw["Notes"].tolist()
