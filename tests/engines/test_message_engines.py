"""Tracker rates where the message log lives (polars, DuckDB, parquet and CSV files): the same
table as the pandas path on a three-language log (languages given, missing or told from the
script), on a user's export written as CSV and on generated texts; the same refusals."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research.data.synthetic import make_crm
from research.data.synthetic.phrases import CLAIM_KEYWORDS
from research.messages import tracker_rates, validate_messages
from tests._stats_helpers import wilson
from tests.engines._tables import ENGINES


def _same(ours, reference) -> None:
    assert ours.by == reference.by and ours.n_messages == reference.n_messages
    pd.testing.assert_frame_equal(ours.table, reference.table, check_dtype=False)


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    """The synthetic CRM's three-language message log (synthetic: no public log has teams)."""
    messages = make_crm(600, random_state=4, languages=("en", "ko", "ja")).messages
    # a third of the languages blank or missing: told from the script, as validate_messages does
    language = messages["language"].astype(object)
    language.iloc[::3] = None
    language.iloc[1::7] = "  "
    return messages.assign(language=language)


def test_trackers_counted_by_hand_on_duckdb() -> None:
    messages = pd.DataFrame(
        {
            "team": ["marketing", "marketing", "sales", "sales", "sales"],
            "text": [
                "Set up in a DAY?",
                "Secure by design.",
                "연동 설정은 하루면 됩니까?",
                "Discount: 20% off setup",
                "Can we talk?",
            ],
        }
    )
    trackers = {"setup": ["set up", "setup", "설정"], "price": ["discount"]}
    result = tracker_rates(ENGINES["duckdb"](messages), trackers)
    table = result.table.set_index(["team", "tracker"])
    # marketing: 1 of 2 mentions setup, none a price, 1 asks; sales: 2 of 3 setup (Korean and
    # "setup"), 1 price, 2 questions (the Korean one ends in 까? -> "?")
    assert table.loc[("marketing", "setup"), ["messages", "with"]].tolist() == [2, 1]
    assert table.loc[("marketing", "price"), "with"] == 0
    assert table.loc[("sales", "setup"), "with"] == 2
    assert table.loc[("sales", "price"), "with"] == 1
    assert table.loc[("sales", "question"), "with"] == 2
    assert (table.loc[("sales", "setup"), "low"], table.loc[("sales", "setup"), "high"]) == (
        pytest.approx(wilson(2, 3))
    )
    assert result.n_messages == 5


@pytest.mark.parametrize("engine", ENGINES)
def test_a_three_language_log_gives_the_pandas_table_on_every_engine(log, engine) -> None:
    reference = tracker_rates(log, CLAIM_KEYWORDS)
    _same(tracker_rates(ENGINES[engine](log), CLAIM_KEYWORDS), reference)
    assert set(reference.table["team"]) == {"marketing", "sales"}
    # a language of no-break spaces is blank: told from the script, as on pandas
    spaced = log.assign(language=log["language"].where(log.index % 5 != 1, "\xa0"))
    _same(
        tracker_rates(ENGINES[engine](spaced), CLAIM_KEYWORDS),
        tracker_rates(spaced, CLAIM_KEYWORDS),
    )
    assert reference.table["with"].sum() > 0
    flat = {"setup": ["setup", "設定", "설정"], "price": ["price", "価格", "가격"]}
    by_channel = tracker_rates(ENGINES[engine](log), flat, by="channel", questions=False)
    _same(by_channel, tracker_rates(log, flat, by="channel", questions=False))
    without = log.drop(columns=["language"])  # every language told from the script
    _same(
        tracker_rates(ENGINES[engine](without), CLAIM_KEYWORDS),
        tracker_rates(without, CLAIM_KEYWORDS),
    )


def test_a_users_csv_export_is_counted_by_duckdb(tmp_path: Path) -> None:
    export = pd.DataFrame(
        {
            "Account": [f"A{i % 7}" for i in range(12)],
            "author_role": ["Marketing", "Sales"] * 6,
            "body": [
                "Our new analytics dashboard is live",
                "Happy to walk you through pricing?",
                "分析ダッシュボードを公開しました",
                "価格についてご相談できますか。",
                "새 분석 대시보드를 출시했습니다",
                "가격 상담 가능할까요",
                "Analytics for every team",
                "Can I send the contract today?",
                "Pricing starts at $49",
                "Following up on pricing",
                "<script>alert('x')</script> analytics",
                "Thanks!",
            ],
        }
    )
    path = tmp_path / "messages.csv"
    export.to_csv(path, index=False)
    trackers = {
        "en": {"analytics": ["analytics"], "pricing": ["pricing", "price"]},
        "ja": {"analytics": ["分析"], "pricing": ["価格"]},
        "ko": {"analytics": ["분석"], "pricing": ["가격"]},
    }
    columns = dict(team_col="author_role", text_col="body", teams=("Marketing", "Sales"))
    reference = tracker_rates(validate_messages(export, lead_col="Account", **columns), trackers)
    ours = tracker_rates(str(path), trackers, **columns)
    _same(ours, reference)
    _same(tracker_rates(export, trackers, lead_col="Account", **columns), reference)
    marketing = ours.table.set_index(["author_role", "tracker"]).loc["Marketing"]
    assert marketing.loc["analytics", "with"] == 5  # en, ja, ko, en, and the <script> text
    sales = ours.table.set_index(["author_role", "tracker"]).loc["Sales"]
    assert sales.loc["pricing", "with"] == 4 and sales.loc["question", "with"] == 4


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_a_bad_log_on_an_engine_gets_the_pandas_paths_errors(engine) -> None:
    make = ENGINES[engine]
    good = pd.DataFrame({"team": ["marketing", "sales"], "text": ["Fast setup", "Call?"]})
    trackers = {"setup": ["setup"]}
    with pytest.raises(ValueError, match=r"1 rows with unknown teams \['support'\]"):
        tracker_rates(make(good.assign(team=["marketing", "support"])), trackers)
    with pytest.raises(ValueError, match="1 empty texts"):
        tracker_rates(make(good.assign(text=["Fast setup", "  "])), trackers)
    with pytest.raises(ValueError, match="1 empty texts"):  # ideographic and no-break spaces
        tracker_rates(make(good.assign(text=["Fast setup", "\u3000\xa0"])), trackers)
    with pytest.raises(ValueError, match="1 values that are not text"):
        tracker_rates(make(good.assign(text=["Fast setup", None])), trackers)
    with pytest.raises(ValueError, match=r"table\) has no column 'body'"):
        tracker_rates(make(good), trackers, text_col="body")
    with pytest.raises(ValueError, match="must hold texts"):
        tracker_rates(make(good.assign(text=[1, 2])), trackers)
    with pytest.raises(ValueError, match="messages is empty"):
        tracker_rates(make(good.iloc[:0]), trackers)
    with pytest.raises(TypeError, match="a MessageLog names its own columns"):
        tracker_rates(validate_messages(good.assign(lead_id=[1, 2])), trackers, text_col="x")


_WORDS = [
    "Setup",
    "setup",
    "SET UP",
    "price",
    "Prix",
    "설정",
    "設定",
    "か。",
    "까요",
    "?",
    "？",
    " ",
]


@settings(max_examples=40, deadline=None)
@given(
    texts=st.lists(
        st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6).map("".join).filter(str.strip),
        min_size=1,
        max_size=30,
    ),
    teams=st.data(),
)
def test_generated_texts_give_the_pandas_counts_on_duckdb_and_polars(texts, teams) -> None:
    labels = teams.draw(st.lists(st.sampled_from(["marketing", "sales"]), min_size=len(texts),
                                 max_size=len(texts)))  # fmt: skip
    frame = pd.DataFrame({"lead_id": range(len(texts)), "team": labels, "text": texts})
    trackers = {
        "en": {"setup": ["setup", "set up"], "price": ["price", "prix"]},
        "ko": {"setup": ["설정"]},
        "ja": {"setup": ["設定"]},
    }
    reference = tracker_rates(frame, trackers)
    for make in (ENGINES["duckdb"], ENGINES["polars"]):
        _same(tracker_rates(make(frame), trackers), reference)
