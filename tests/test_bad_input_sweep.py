"""A sweep of bad inputs over the public functions of the customer questions (segmentation and
lifetime value): every one gets the documented exception type, with a message that names the
column or argument (and the rows, where rows are at fault), never a crash deep in a library
or a silently wrong number; and no input is modified on the way."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from research.clv import (
    BoundaryFitWarning,
    clv_by_segment,
    customer_lifetime_value,
    expected_purchases,
    fit_bgnbd,
    fit_gamma_gamma,
    holdout_check,
    holdout_purchases,
    probability_alive,
)
from research.segmentation import (
    CustomerSegmenter,
    clean_transactions,
    rfm_scores,
    rfm_segments,
    rfm_summary,
)

# -- the good inputs each case spoils ------------------------------------------------------------

TX = pd.DataFrame(
    {
        "Kunde": ["k1", "k1", "k2", "k3", "k3", "k3"],
        "Datum": [
            "2024-01-02",
            "2024-02-10",
            "2024-01-20",
            "2024-01-05",
            "2024-03-01",
            "2024-03-09",
        ],
        "Betrag": [12.5, 30.0, 8.0, 5.0, 7.5, 20.0],
        "Menge": [1, 3, 1, 1, 1, 2],
        "Preis": [12.5, 10.0, 8.0, 5.0, 7.5, 10.0],
        "Beleg": ["A1", "A2", "A3", "A4", "A5", "A6"],
        "Artikel": ["p", "q", "p", "r", "p", "q"],
    }
)
TX_COLS = dict(customer_col="Kunde", date_col="Datum", amount_col="Betrag")
SUMMARY = pd.DataFrame(
    {
        "freq": [2.0, 0, 1, 4, 0, 3, 1, 0],
        "rec": [20.0, 0, 5, 30, 0, 25, 12, 0],
        "age": [30.0, 30, 28, 35, 10, 40, 20, 15],
        "spend": [25.0, 0, 12, 40, 0, 18, 9, 0],
    },
    index=[f"c{i}" for i in range(8)],
)
FIT_COLS = dict(frequency_col="freq", recency_col="rec", T_col="age")


def _with(frame: pd.DataFrame, col: str, values: list) -> pd.DataFrame:
    out = frame.copy()
    out[col] = pd.Series(values, index=frame.index, dtype=object)
    return out


def _bad_values(n: int, row: int, value: object) -> list:
    return [value if i == row else v for i, v in enumerate(range(1, n + 1))]


# -- cases: (id, call, exception, pattern the message must match) --------------------------------

CASES: list[tuple[str, Callable[[], object], type[Exception], str]] = []


def case(name: str, call: Callable[[], object], exc: type[Exception], pattern: str) -> None:
    CASES.append((name, call, exc, pattern))


NOT_FRAMES = {
    "dict": TX.to_dict(),
    "list": [[1, 2]],
    "series": TX["Betrag"],
    "none": None,
    "array": TX.to_numpy(),
}

# transactions: rfm_summary and clean_transactions share the rules, each is swept
for fname, func in (("rfm_summary", rfm_summary), ("clean_transactions", clean_transactions)):
    for kind, obj in NOT_FRAMES.items():
        case(
            f"{fname}-not-a-frame-{kind}",
            lambda f=func, o=obj: f(o, **TX_COLS),
            TypeError,
            r"transactions must be a pandas DataFrame",
        )
    for role in ("customer_col", "date_col", "amount_col"):
        case(
            f"{fname}-missing-{role}",
            lambda f=func, r=role: f(TX, **{**TX_COLS, r: "nope"}),
            ValueError,
            r"no column 'nope'.*columns are",
        )
    for role in ("quantity_col", "invoice_col", "product_col"):
        case(
            f"{fname}-missing-{role}",
            lambda f=func, r=role: f(TX, **TX_COLS, **{r: "nope"}),
            ValueError,
            r"no column 'nope'",
        )
    for col in ("Kunde", "Datum", "Betrag"):
        doubled = pd.concat([TX, TX[[col]]], axis=1)
        case(
            f"{fname}-doubled-column-{col}",
            lambda f=func, d=doubled: f(d, **TX_COLS),
            ValueError,
            rf"2 columns named '{col}'",
        )
    case(
        f"{fname}-same-column-twice",
        lambda f=func: f(TX, customer_col="Kunde", date_col="Datum", amount_col="Kunde"),
        ValueError,
        r"different columns",
    )
    case(f"{fname}-empty", lambda f=func: f(TX.iloc[:0], **TX_COLS), ValueError, r"empty")
    for label, value, exc, pattern in (
        ("inf", np.inf, ValueError, r"'Betrag' has 1 infinite values \(rows 2\)"),
        ("-inf", -np.inf, ValueError, r"'Betrag' has 1 infinite values \(rows 2\)"),
        ("nan", np.nan, ValueError, r"'Betrag' has 1 missing values of 6 rows \(rows 2\)"),
        ("none", None, ValueError, r"'Betrag' has 1 missing values of 6 rows \(rows 2\)"),
        ("text-with-unit", "5.2 h", ValueError, r"'Betrag' must be numeric.*rows 2.*5\.2 h"),
        ("currency", "€8", ValueError, r"'Betrag' must be numeric.*rows 2"),
        ("bool-in-text", True, TypeError, r"'Betrag' holds true/false values"),
        ("list", [1], ValueError, r"'Betrag' must be numeric.*rows 2"),
    ):
        bad = _with(TX, "Betrag", [12.5, 30.0, value, 5.0, 7.5, 20.0])
        case(f"{fname}-amount-{label}", lambda f=func, b=bad: f(b, **TX_COLS), exc, pattern)
    booleans = TX.assign(Betrag=[True, False, True, True, False, True])
    case(
        f"{fname}-amount-bool-dtype",
        lambda f=func, b=booleans: f(b, **TX_COLS),
        TypeError,
        r"'Betrag' holds true/false values",
    )
    for label, value in (("inf", np.inf), ("text", "three"), ("nan", np.nan)):
        bad = _with(TX, "Menge", [1, 3, value, 1, 1, 2])
        case(
            f"{fname}-quantity-{label}",
            lambda f=func, b=bad: f(b, **TX_COLS, quantity_col="Menge"),
            ValueError,
            r"'Menge'.*rows 2",
        )
        bad = _with(TX, "Preis", [12.5, 10.0, value, 5.0, 7.5, 10.0])
        case(
            f"{fname}-price-{label}",
            lambda f=func, b=bad: f(
                b, **TX_COLS | {"amount_col": None}, quantity_col="Menge", price_col="Preis"
            ),
            ValueError,
            r"'Preis'.*rows 2",
        )
    case(
        f"{fname}-price-without-quantity",
        lambda f=func: f(TX, **TX_COLS | {"amount_col": None}, price_col="Preis"),
        ValueError,
        r"price_col='Preis' needs quantity_col",
    )
    case(
        f"{fname}-price-and-amount",
        lambda f=func: f(TX, **TX_COLS, quantity_col="Menge", price_col="Preis"),
        ValueError,
        r"either as amount_col='Betrag' or as quantity_col x price_col",
    )
    case(
        f"{fname}-no-value",
        lambda f=func: f(TX, **TX_COLS | {"amount_col": None}),
        ValueError,
        r"pass amount_col",
    )
    for label, value in (
        ("garbage", "soon"),
        ("month-13", "2024-13-01"),
        ("none", None),
        ("number-text", "12.5.2024x"),
    ):
        bad = _with(
            TX,
            "Datum",
            ["2024-01-02", "2024-02-10", value, "2024-01-05", "2024-03-01", "2024-03-09"],
        )
        case(
            f"{fname}-date-{label}",
            lambda f=func, b=bad: f(b, **TX_COLS),
            ValueError,
            r"'Datum' has 1 of 6 rows that are missing or cannot be read as dates \(rows 2",
        )
    for year in ("1600", "2300", "0099"):
        bad = _with(
            TX,
            "Datum",
            ["2024-01-02", "2024-02-10", f"{year}-01-20", "2024-01-05", "2024-03-01", "2024-03-09"],
        )
        case(
            f"{fname}-date-year-{year}",
            lambda f=func, b=bad: f(b, **TX_COLS),
            ValueError,
            r"'Datum' has 1 (dates outside|of 6 rows).*rows 2",
        )
    for label, value, pattern in (
        ("garbage", "next friday", r"observation_end='next friday' cannot be read as a date"),
        ("list", [2024, 1, 1], r"observation_end=\[2024, 1, 1\] cannot be read as a date"),
        ("nat", pd.NaT, r"observation_end=NaT is not a date"),
        ("far", "2999-01-01", r"observation_end='2999-01-01'"),
        ("before-all", "2020-01-01", r"none of the 6 rows is a purchase on or before 2020-01-01"),
    ):
        case(
            f"{fname}-observation-end-{label}",
            lambda f=func, v=value: f(TX, **TX_COLS, observation_end=v),
            ValueError,
            pattern,
        )
    for arg, value in (
        ("returns", "drop"),
        ("returns", None),
        ("duplicates", "yes"),
        ("zero_amounts", "maybe"),
        ("zero_amounts", False),
    ):
        case(
            f"{fname}-rule-{arg}-{value}",
            lambda f=func, a=arg, v=value: f(TX, **TX_COLS, **{a: v}),
            ValueError,
            rf"{arg} must be",
        )
    returns = TX.assign(Betrag=[12.5, -30.0, 8.0, 5.0, 7.5, 20.0])
    case(
        f"{fname}-returns-error",
        lambda f=func, r=returns: f(r, **TX_COLS, returns="error"),
        ValueError,
        r"1 of 6 rows are returns or cancellations.*rows 1.*returns='net'",
    )
    no_ids = TX.assign(Kunde=["", " ", None, np.nan, "", "  "])
    case(
        f"{fname}-no-ids",
        lambda f=func, d=no_ids: f(d, **TX_COLS),
        ValueError,
        r"none of the 6 rows is a purchase with a customer id \(6 rows have no 'Kunde'\)",
    )

for arg, value in (
    ("time_unit", "Y"),
    ("time_unit", None),
    ("time_scale", 0),
    ("time_scale", -7),
    ("time_scale", np.inf),
    ("time_scale", "7"),
):
    case(
        f"rfm_summary-{arg}-{value}",
        lambda a=arg, v=value: rfm_summary(TX, **TX_COLS, **{a: v}),
        ValueError,
        rf"{arg} must be",
    )

# -- fits on the per-customer summary ----------------------------------------------------------
for fname, func, cols in (
    ("fit_bgnbd", fit_bgnbd, FIT_COLS),
    ("fit_gamma_gamma", fit_gamma_gamma, dict(frequency_col="freq", monetary_col="spend")),
):
    for kind, obj in NOT_FRAMES.items():
        case(
            f"{fname}-not-a-frame-{kind}",
            lambda f=func, o=obj, c=cols: f(o, **c),
            TypeError,
            r"summary must be a pandas DataFrame",
        )
    case(f"{fname}-empty", lambda f=func, c=cols: f(SUMMARY.iloc[:0], **c), ValueError, r"empty")
    for role, col in cols.items():
        case(
            f"{fname}-missing-{role}",
            lambda f=func, c=cols, r=role: f(SUMMARY, **{**c, r: "x"}),
            ValueError,
            r"no column 'x'",
        )
        for label, value, exc, pattern in (
            (
                "nan",
                np.nan,
                ValueError,
                rf"'{col}' of summary has 1 missing or infinite.*rows 'c3'",
            ),
            (
                "inf",
                np.inf,
                ValueError,
                rf"'{col}' of summary has 1 missing or infinite.*rows 'c3'",
            ),
            (
                "negative",
                -1.0,
                ValueError,
                rf"'{col}' of summary has 1 negative values \(rows 'c3'\)",
            ),
            ("text", "four", TypeError, rf"column '{col}' of summary must be numeric"),
        ):
            bad = _with(SUMMARY, col, [value if i == 3 else v for i, v in enumerate(SUMMARY[col])])
            if label != "text":
                bad[col] = bad[col].astype(float)
            case(f"{fname}-{col}-{label}", lambda f=func, b=bad, c=cols: f(b, **c), exc, pattern)
        flags = SUMMARY.assign(**{col: SUMMARY[col] > 0})
        case(
            f"{fname}-{col}-bool",
            lambda f=func, b=flags, c=cols: f(b, **c),
            TypeError,
            rf"column '{col}' of summary must be numeric, got dtype bool",
        )
    for value in (-1, np.nan, np.inf, "0.1", True):
        case(
            f"{fname}-penalizer-{value}",
            lambda f=func, c=cols, v=value: f(SUMMARY, **c, penalizer=v),
            ValueError,
            r"penalizer must be a finite number >= 0",
        )
    k = 4 if func is fit_bgnbd else 3
    for label, value in (
        ("short", (1.0,) * (k - 1)),
        ("zero", (0.0,) * k),
        ("nan", (np.nan,) * k),
        ("negative", (-1.0,) * k),
    ):
        case(
            f"{fname}-start-{label}",
            lambda f=func, c=cols, v=value: f(SUMMARY, **c, start=v),
            ValueError,
            r"start must be",
        )

late = SUMMARY.assign(rec=SUMMARY["rec"].where(SUMMARY.index != "c2", 99.0))
case(
    "fit_bgnbd-recency-after-T",
    lambda: fit_bgnbd(late, **FIT_COLS),
    ValueError,
    r"1 customers have 'rec' greater than 'age' \(rows 'c2'\)",
)
odd = SUMMARY.assign(rec=SUMMARY["rec"].where(SUMMARY.index != "c1", 3.0))
case(
    "fit_bgnbd-recency-without-repeat",
    lambda: fit_bgnbd(odd, **FIT_COLS),
    ValueError,
    r"no repeat purchase but a positive 'rec' \(rows 'c1'\)",
)
case(
    "fit_bgnbd-no-repeat-buyer",
    lambda: fit_bgnbd(SUMMARY.assign(freq=0.0, rec=0.0), **FIT_COLS),
    ValueError,
    r"'freq' is 0 for all 8 customers",
)
case(
    "fit_bgnbd-no-time",
    lambda: fit_bgnbd(
        SUMMARY.assign(freq=0.0, rec=0.0, age=0.0).assign(freq=[1.0] + [0.0] * 7), **FIT_COLS
    ),
    ValueError,
    r"greater than 'age'|'age' is 0",
)
case(
    "fit_gamma_gamma-too-few",
    lambda: fit_gamma_gamma(SUMMARY.head(2), frequency_col="freq", monetary_col="spend"),
    ValueError,
    r"only 1 customers have repeat purchases",
)
case(
    "fit_gamma_gamma-one-spend",
    lambda: fit_gamma_gamma(SUMMARY.assign(spend=5.0), frequency_col="freq", monetary_col="spend"),
    ValueError,
    r"same 'spend'",
)

# -- predictions and value --------------------------------------------------------------------


def _fits():
    rng = np.random.default_rng(0)
    n = 300
    x = rng.poisson(2, n).astype(float)
    T = rng.uniform(20, 40, n)
    summary = pd.DataFrame(
        {
            "frequency": x,
            "recency": np.where(x > 0, T * rng.uniform(0.3, 1, n), 0.0),
            "T": T,
            "monetary_value": np.where(x > 0, rng.gamma(4, 10, n), 0.0),
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BoundaryFitWarning)  # no dropout: fine for these checks
        return fit_bgnbd(summary), fit_gamma_gamma(summary), summary


BG, GG, S = _fits()
for label, value in (("zero", 0), ("negative", -3), ("float", 1.5), ("bool", True), ("text", "12")):
    case(
        f"customer_lifetime_value-horizon-{label}",
        lambda v=value: customer_lifetime_value(BG, GG, S, horizon_months=v),
        ValueError,
        r"horizon_months must be an integer >= 1",
    )
for value in (-0.1, 1.0, 12):
    case(
        f"customer_lifetime_value-discount-{value}",
        lambda v=value: customer_lifetime_value(BG, GG, S, monthly_discount_rate=v),
        ValueError,
        r"monthly_discount_rate \(a rate per month, e\.g\. 0\.01\) must be a share in \[0, 1\)",
    )
for value in (0, -7, np.inf, np.nan):
    case(
        f"customer_lifetime_value-unit-days-{value}",
        lambda v=value: customer_lifetime_value(BG, GG, S, unit_days=v),
        ValueError,
        r"unit_days must be a (finite|positive) number",
    )
case(
    "customer_lifetime_value-swapped-models",
    lambda: customer_lifetime_value(GG, BG, S),
    TypeError,
    r"bgnbd: expected a purchase model's fit \(.*fit_bgnbd.*\), got a Gamma-Gamma fit",
)
case(
    "customer_lifetime_value-two-bgnbd",
    lambda: customer_lifetime_value(BG, BG, S),
    TypeError,
    r"gamma_gamma: expected the result of fit_gamma_gamma, got a BG/NBD fit",
)
for value in (-1, np.nan, np.inf, "9"):
    case(
        f"expected_purchases-t-{value}",
        lambda v=value: expected_purchases(BG, S, v),
        ValueError,
        r"t must be a finite number >= 0",
    )
case(
    "probability_alive-not-a-fit",
    lambda: probability_alive(S, S),
    TypeError,
    r"expected a purchase model's fit \(.*\), got DataFrame",
)
case(
    "probability_alive-missing-T",
    lambda: probability_alive(BG, S.drop(columns="T")),
    ValueError,
    r"no column 'T'",
)
case(
    "clv_by_segment-not-series",
    lambda: clv_by_segment(S["T"], ["a"] * len(S)),
    TypeError,
    r"segments must be a pandas Series",
)
case(
    "clv_by_segment-unsegmented",
    lambda: clv_by_segment(S["T"], pd.Series("a", index=S.index[:5])),
    ValueError,
    r"295 customers of clv have no segment",
)
case(
    "holdout_purchases-end-before-start",
    lambda: holdout_purchases(
        TX, "2024-02-01", "2024-01-01", customer_col="Kunde", date_col="Datum"
    ),
    ValueError,
    r"holdout_end \(2024-01-01\) must be after calibration_end \(2024-02-01\)",
)
case(
    "holdout_purchases-missing-column",
    lambda: holdout_purchases(TX, "2024-01-01", "2024-02-01"),
    ValueError,
    r"no column 'customer_id'",
)
case(
    "holdout_check-not-series",
    lambda: holdout_check(BG, S, [1, 2], 10),
    TypeError,
    r"holdout_purchases must be a pandas Series",
)
for arg, value, pattern in (
    ("ci", 95, r"ci must be between 0 and 1"),
    ("max_frequency", 0, r"max_frequency must be an integer >= 1"),
    ("holdout_length", 0, r"holdout_length must be a positive duration"),
    ("holdout_length", np.nan, r"holdout_length must be a finite number"),
):
    case(
        f"holdout_check-{arg}-{value}",
        lambda a=arg, v=value: holdout_check(
            BG, S, pd.Series(1, index=S.index), **{"holdout_length": 10, a: v}
        ),
        ValueError,
        pattern,
    )
case(
    "clv_by_segment-ci",
    lambda: clv_by_segment(S["T"], pd.Series("a", index=S.index), ci=1.0),
    ValueError,
    r"ci must be between 0 and 1",
)
case(
    "rfm_summary-cleaned-with-rules",
    lambda: rfm_summary(clean_transactions(TX, **TX_COLS), returns="exclude"),
    TypeError,
    r"'returns' beside a CleanedTransactions.*pass them to clean_transactions",
)

# -- scores, segments, clusters -----------------------------------------------------------------
RFM = rfm_summary(clean_transactions(TX, **TX_COLS))
case("rfm_scores-not-a-frame", lambda: rfm_scores(RFM.to_numpy()), TypeError, r"DataFrame")
case(
    "rfm_scores-missing-column",
    lambda: rfm_scores(RFM.drop(columns="n_purchases")),
    ValueError,
    r"no column 'n_purchases'",
)
case("rfm_segments-not-a-frame", lambda: rfm_segments([1, 2]), TypeError, r"DataFrame")
case(
    "segmenter-not-a-frame",
    lambda: CustomerSegmenter().fit(RFM.to_numpy()),
    TypeError,
    r"DataFrame",
)
SAME = pd.DataFrame(
    {
        "days_since_last": [5.0] * 12,
        "n_purchases": [2] * 12,
        "avg_spend": [10.0] * 12,
        "total_spend": [20.0] * 12,
    }
)
case(
    "segmenter-constant-features",
    lambda: CustomerSegmenter(random_state=0).fit(SAME),
    ValueError,
    r"all 12 customers of X have the same",
)
TWO = SAME.assign(avg_spend=[10.0] * 6 + [30.0] * 6)
case(
    "segmenter-two-profiles-three-segments",
    lambda: CustomerSegmenter(random_state=0).fit(TWO),
    ValueError,
    r"only 2 distinct customer profiles.*lower k_range",
)
case(
    "segmenter-n-segments-too-many",
    lambda: CustomerSegmenter(n_segments=3, random_state=0).fit(TWO),
    ValueError,
    r"only 2 distinct customer profiles.*lower n_segments",
)
for col in ("days_since_last", "n_purchases", "avg_spend"):
    bad = SAME.assign(avg_spend=np.arange(12.0)).astype({col: float})
    bad.loc[bad.index[4], col] = np.nan
    case(
        f"segmenter-nan-{col}",
        lambda b=bad: CustomerSegmenter(random_state=0).fit(b),
        ValueError,
        r"1 of 12 customers with missing or infinite feature values \(rows 4\)",
    )
    text = SAME.assign(avg_spend=np.arange(12.0)).astype({col: str})
    case(
        f"segmenter-text-{col}",
        lambda b=text: CustomerSegmenter(random_state=0).fit(b),
        TypeError,
        rf"feature '{col}' must be numeric",
    )


def test_the_sweep_is_wide() -> None:
    assert len(CASES) >= 150, len(CASES)
    assert len({name for name, *_ in CASES}) == len(CASES)


@pytest.mark.parametrize(("name", "call", "exc", "pattern"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_gets_a_clear_error(name: str, call, exc, pattern: str) -> None:
    frames = [TX, SUMMARY, S, RFM, SAME, TWO]
    before = [f.copy() for f in frames]
    with pytest.raises(exc) as info:
        call()
    assert re.search(pattern, str(info.value), flags=re.DOTALL), str(info.value)
    for frame, copy in zip(frames, before, strict=True):
        pd.testing.assert_frame_equal(frame, copy)  # no input was modified on the way


# -- funnel and KPIs: spreadsheet exports ----------------------------------------------------


def test_blank_text_means_a_stage_was_never_reached() -> None:
    from research.funnel import funnel

    leads = pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "mql": ["2024-01-02", "2024-01-03", "", "2024-01-09"],
            "sql": ["2024-01-05", " ", "", ""],
        }
    )
    table = funnel(leads, ["mql", "sql"], lead_col="id").table
    assert table["entered"].tolist() == [3, 1]  # not 4 and 4: blanks are "never reached"
    backwards = leads.assign(sql=["2024-01-01", "", "", ""])
    with pytest.raises(ValueError, match=r"1 rows have 'sql' before 'mql' \(rows 0\)"):
        funnel(backwards, ["mql", "sql"], lead_col="id")
    skipped = leads.assign(mql=["", "2024-01-03", "", "2024-01-09"])
    with pytest.raises(ValueError, match=r"reached stage 'sql' without stage 'mql' \(rows 0\)"):
        funnel(skipped, ["mql", "sql"], lead_col="id")
    # a text that is not a date is named, not counted as "reached"
    typo = leads.assign(sql=["2024-01-05", "soon", "", ""])
    with pytest.raises(ValueError, match=r"'sql' of leads has 1 of 2 .*\(rows 1; .*\['soon'\]"):
        funnel(typo, ["mql", "sql"], lead_col="id")


def test_kpis_without_spend_or_leads() -> None:
    from research.data.synthetic import make_crm
    from research.funnel import kpi_table

    crm = make_crm(400, random_state=1)
    kw = dict(
        campaigns=crm.campaigns.assign(spend=0.0),
        leads=crm.leads,
        opportunities=crm.opportunities,
        customers=crm.customers,
        data_end=crm.leads["created_at"].max(),
        n_boot=50,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = kpi_table(**kw).table.set_index("kpi")
    roi = table.loc["campaign ROI"]
    assert np.isnan(roi["value"]) and np.isnan(roi["low"]) and np.isnan(roi["high"])
    assert "no campaign spend in the data" in roi["definition"]
    assert not np.isinf(table["value"].astype(float)).any()  # nothing infinite, anywhere
    with pytest.raises(ValueError, match=r"leads is empty \(0 rows\)"):
        kpi_table(**{**kw, "leads": crm.leads.iloc[:0]})


# -- files ------------------------------------------------------------------------------------


@pytest.fixture
def copies(mirror, tmp_path):
    return mirror, tmp_path


def test_a_truncated_copy_is_called_cut_short(copies) -> None:
    from research.data import DatasetReadError, load_bank_marketing, load_cdnow

    mirror, tmp = copies
    data = (mirror / "cdnow" / "CDNOW_sample.txt").read_bytes()
    cut = tmp / "CDNOW_sample.txt"
    cut.write_bytes(data[: len(data) // 2 - 7])  # stops in the middle of a line
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the explicit copy's checksum warning
        with pytest.raises(DatasetReadError, match=r"CDNOW_sample.txt.*cut short or damaged"):
            load_cdnow("sample", path=cut)
        bank = next((mirror / "bank_marketing").glob("*.csv"), None)
        if bank is not None:
            text = bank.read_bytes()
            short = tmp / bank.name
            short.write_bytes(text[: len(text) // 3] + b'"unterminated')
            with pytest.raises(DatasetReadError, match=r"cut short or damaged"):
                load_bank_marketing("full" if "full" in bank.name else "sample", path=short)


def test_a_file_that_is_not_parquet_is_named(copies) -> None:
    from research.data import DatasetReadError, load_upworthy

    _, tmp = copies
    fake = tmp / "upworthy_clean.parquet"
    fake.write_text("test_id,headline\n1,hello\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DatasetReadError, match=r"upworthy_clean.parquet.*cannot be read"):
            load_upworthy(path=fake)


def test_a_folder_where_the_file_should_be_is_named(tmp_path, monkeypatch) -> None:
    from research.data import DatasetNotFoundError, load_cdnow

    (tmp_path / "cdnow" / "CDNOW_master.txt").mkdir(parents=True)
    monkeypatch.setenv("RESEARCH_DATA_HOME", str(tmp_path))
    with pytest.raises(DatasetNotFoundError, match=r"CDNOW_master.txt is a folder"):
        load_cdnow("master", download=False)


# -- text -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [("연동\ud800됩니다", "ko"), ("連携\udfffできます", "ja"), ("fast\ud83d setup", "en")],
)
def test_unpaired_surrogates_do_not_crash_the_analysers(text: str, language: str) -> None:
    from research.messages.text import Tokenizer

    terms = Tokenizer(language)(text)
    assert terms and not any(re.search("[\ud800-\udfff]", t) for t in terms)
    assert Tokenizer(language).tokenize_many([text, text]) == [terms, terms]


def test_message_texts_are_named_by_their_input_rows() -> None:
    from research.messages import distinctive_terms

    groups = pd.Series(["sales", "sales", "marketing", "marketing"], index=[10, 11, 12, 13])
    only_stop_words = pd.Series(
        ["the and of", "to be or", "great value", "free trial"], index=groups.index
    )
    with pytest.raises(ValueError, match=r"group 'sales' \(2 texts, rows 10, 11\) has no terms"):
        distinctive_terms(only_stop_words, groups, group_a="sales", group_b="marketing")
    mixed = pd.Series(["hello there", None, 5, "free trial"], index=groups.index)
    with pytest.raises(
        TypeError, match=r"2 of 4 texts are not strings \(NoneType, int; rows 11, 12"
    ):
        distinctive_terms(mixed, groups, group_a="sales", group_b="marketing")


# -- lead scoring (research.conversion) ---------------------------------------------------------

LEADS = pd.DataFrame({"visits": [1.0, 5, 2, 8, 3, 9, 1, 7] * 5, "source": ["ads", "web"] * 20})
WON = pd.Series([0, 1, 0, 1, 0, 1, 1, 0] * 5)
SCORES = np.linspace(0.05, 0.95, 40)


def _lead_scoring_cases() -> list[tuple[str, Callable[[], object], type[Exception], str]]:
    """Every public entry of research.conversion with a bad interval level, a lead table that is
    not a frame, and outcomes that do not fit (the one outcome check they share)."""
    from research.conversion import (
        LeadScorer,
        calibration_table,
        evaluate,
        lead_tiers,
        lift_table,
        out_of_sample,
        profit_curve,
        single_column_auc,
        tier_outcomes,
    )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fitted = LeadScorer(leakage_auc=None).fit(LEADS, WON)
    with_ci = {
        "lift_table": lambda v: lift_table(WON, SCORES, ci=v),
        "calibration_table": lambda v: calibration_table(WON, SCORES, ci=v),
        "profit_curve": lambda v: profit_curve(
            WON, SCORES, value_per_conversion=10, cost_per_contact=1, ci=v
        ),
        "tier_outcomes": lambda v: tier_outcomes(lead_tiers(SCORES), WON, ci=v),
        "evaluate": lambda v: evaluate(LeadScorer(), LEADS, WON, ci=v),
        "odds_ratios": lambda v: fitted.odds_ratios(ci=v),
        "summary": lambda v: fitted.summary(ci=v),
    }
    cases = []
    levels = {"zero": 0, "one": 1, "percent": 95, "text": "0.9", "bool": True, "nan": np.nan}
    for fname, call in with_ci.items():
        for label, value in levels.items():
            cases.append(
                (
                    f"{fname}-ci-{label}",
                    lambda c=call, v=value: c(v),
                    ValueError,
                    r"ci must be between 0 and 1",
                )
            )
    with_frame = {
        "fit": lambda x: LeadScorer().fit(x, WON),
        "evaluate": lambda x: evaluate(LeadScorer(), x, WON),
        "out_of_sample": lambda x: out_of_sample(LeadScorer(), x, WON),
        "single_column_auc": lambda x: single_column_auc(x, WON),
        "predict_proba": lambda x: fitted.predict_proba(x),
        "reason_codes": lambda x: fitted.reason_codes(x),
    }
    for fname, call in with_frame.items():
        for kind, obj in NOT_FRAMES.items():
            cases.append(
                (
                    f"{fname}-not-a-frame-{kind}",
                    lambda c=call, o=obj: c(o),
                    TypeError,
                    r"X must be a pandas DataFrame",
                )
            )
    outcomes = {
        "short": (WON.head(39), r"39 values but (X|scores|tiers) has 40 rows"),
        "missing": (WON.where(WON.index != 3), r"1 missing values of 40 \(positions 3\)"),
        "three-levels": (pd.Series([0, 1, 2] * 13 + [0]), r"must be binary"),
        "mixed-words": (pd.Series(["won", "lost", "open", "won"] * 10), r"must be binary"),
    }
    with_outcomes = {
        "fit": lambda v: LeadScorer().fit(LEADS, v),
        "lift_table": lambda v: lift_table(v, SCORES),
        "profit_curve": lambda v: profit_curve(
            v, SCORES, value_per_conversion=10, cost_per_contact=1
        ),
        "tier_outcomes": lambda v: tier_outcomes(lead_tiers(SCORES), v),
    }
    for fname, call in with_outcomes.items():
        for label, (value, pattern) in outcomes.items():
            cases.append(
                (f"{fname}-outcomes-{label}", lambda c=call, v=value: c(v), ValueError, pattern)
            )
    return cases


LEAD_SCORING_CASES = _lead_scoring_cases()


@pytest.mark.parametrize(
    ("name", "call", "exc", "pattern"),
    LEAD_SCORING_CASES,
    ids=[c[0] for c in LEAD_SCORING_CASES],
)
def test_lead_scoring_bad_input_gets_a_clear_error(name: str, call, exc, pattern: str) -> None:
    assert len({c[0] for c in LEAD_SCORING_CASES}) == len(LEAD_SCORING_CASES) >= 80
    frames, before = [LEADS, WON.to_frame()], [LEADS.copy(), WON.to_frame()]
    with pytest.raises(exc) as info:
        call()
    assert re.search(pattern, str(info.value), flags=re.DOTALL), str(info.value)
    for frame, copy in zip(frames, before, strict=True):
        pd.testing.assert_frame_equal(frame, copy)  # no input was modified on the way
