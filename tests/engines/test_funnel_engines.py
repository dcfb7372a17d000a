"""The funnel's stage counts, the comparison of groups and the SLA where the leads live (polars,
DuckDB, parquet and CSV files): the same tables as the pandas path on the Olist funnel, on the
synthetic CRM, on a user's export written as text and on generated leads; the same refusals,
naming lead ids where the pandas path names rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research.funnel import compare_conversion, funnel, sla_compliance
from tests._stats_helpers import wilson
from tests.engines._tables import ENGINES

STAGES = ["created_at", "mql_at", "sql_at"]


def _same_funnel(ours, reference) -> None:
    assert ours.groups == reference.groups and ours.stages == reference.stages
    assert ours.n == reference.n
    for mine, theirs in ((ours.table, reference.table), (ours.overall, reference.overall)):
        assert list(mine.columns) == list(theirs.columns)
        assert len(mine) == len(theirs)
        for col in theirs.columns:
            if col in reference.groups:
                assert mine[col].astype(str).tolist() == theirs[col].astype(str).tolist(), col
            elif theirs[col].dtype.kind in "fi":
                np.testing.assert_allclose(
                    mine[col].to_numpy(dtype=float), theirs[col].to_numpy(dtype=float), err_msg=col
                )
            else:
                assert mine[col].tolist() == theirs[col].tolist(), col


def _same_sla(ours, reference) -> None:
    assert list(map(str, ours.table.index)) == list(map(str, reference.table.index))
    assert ours.table.index.name == reference.table.index.name
    assert list(ours.table.columns) == list(reference.table.columns)
    np.testing.assert_allclose(
        ours.table.to_numpy(dtype=float), reference.table.to_numpy(dtype=float)
    )
    assert (ours.n_due, ours.n_within, ours.data_end) == (
        reference.n_due,
        reference.n_within,
        reference.data_end,
    )
    assert (ours.low, ours.high) == pytest.approx((reference.low, reference.high), nan_ok=True)


# -- a small hand-checked example ----------------------------------------------------------------


def test_a_funnel_counted_by_hand_on_duckdb() -> None:
    leads = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5],
            "mql": [True, True, True, True, False],
            "sql": ["yes", "yes", "no", "", None],
            "won": [1, 0, 0, 0, None],
            "team": ["a", "a", "b", "b", "b"],
        }
    )
    result = funnel(ENGINES["duckdb"](leads), ["mql", "sql", "won"], by="team", lead_col="id")
    table = result.table.set_index(["team", "stage"])
    # team a: 2 MQLs, both SQLs, one won; team b: 2 MQLs (of 3 leads), no SQL
    assert table.loc[("a", "mql"), ["entered", "converted"]].tolist() == [2, 2]
    assert table.loc[("a", "sql"), ["entered", "converted"]].tolist() == [2, 1]
    assert table.loc[("b", "mql"), ["entered", "converted"]].tolist() == [2, 0]
    assert (table.loc[("a", "sql"), "low"], table.loc[("a", "sql"), "high"]) == pytest.approx(
        wilson(1, 2)
    )
    assert result.n == 5
    assert result.overall["entered"].tolist() == [4, 2, 1]


# -- the real funnel ------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_the_olist_funnel_gives_the_pandas_tables_on_every_engine(olist, engine) -> None:
    leads = olist.fillna({"origin": "(missing)"})
    source = ENGINES[engine](leads)
    stages = ["first_contact_date", "won_date"]
    args = dict(names=["MQL", "won"], lead_col="mql_id", check_order=False)
    by_origin = funnel(source, stages, by="origin", **args)
    _same_funnel(by_origin, funnel(leads, stages, by="origin", **args))
    first = by_origin.table[by_origin.table["step"] == 1].set_index("origin")
    assert first.loc["organic_search", "entered"] == 2_296
    assert by_origin.overall.iloc[0][["entered", "converted"]].tolist() == [8_000, 842]
    monthly = funnel(source, stages, cohort="first_contact_date", **args)
    _same_funnel(monthly, funnel(leads, stages, cohort="first_contact_date", **args))
    assert isinstance(monthly.table["cohort"].dtype, pd.PeriodDtype)
    # the deal won before its first contact is refused, named by its id
    with pytest.raises(ValueError, match=r"1 rows have 'won_date' before.*ids in 'mql_id'"):
        funnel(source, stages, lead_col="mql_id")
    ours = compare_conversion(source, *stages, by="origin", check_order=False)
    reference = compare_conversion(leads, *stages, by="origin", check_order=False)
    pd.testing.assert_frame_equal(ours.table, reference.table, check_dtype=False)
    assert ours.p_value == pytest.approx(reference.p_value)
    pd.testing.assert_frame_equal(ours.pairwise, reference.pairwise, check_dtype=False)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_crm_gives_the_pandas_funnel_cohorts_and_sla(crm, engine) -> None:
    leads = crm.leads
    source = ENGINES[engine](leads)
    for args in (
        dict(by="channel"),
        dict(cohort="created_at", cohort_freq="W"),
        dict(by=["channel", "region"], cohort="created_at", cohort_freq="Q"),
    ):
        _same_funnel(
            funnel(source, STAGES, lead_col="lead_id", **args),
            funnel(leads, STAGES, lead_col="lead_id", **args),
        )
    for by in (None, "channel", "sdr_id"):  # sdr_id is missing for leads never handed over
        _same_sla(sla_compliance(source, by=by), sla_compliance(leads, by=by))
    end = crm.truth["data_end"]
    _same_sla(
        sla_compliance(source, by="channel", data_end=end, sla_hours=4),
        sla_compliance(leads, by="channel", data_end=end, sla_hours=4),
    )


# -- a user's export, written as text -------------------------------------------------------------


@pytest.fixture
def pipedrive(tmp_path: Path) -> Path:
    """A deal-stage export as text: day-first dates with blanks, a yes/no flag, 0/1 numbers."""
    rng = np.random.default_rng(5)
    n = 400
    start = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D")
    qualified = rng.random(n) < 0.6
    proposal = qualified & (rng.random(n) < 0.5)
    won = proposal & (rng.random(n) < 0.4)
    later = start + pd.to_timedelta(rng.integers(1, 40, n), unit="D")
    frame = pd.DataFrame(
        {
            "Deal ID": [f"D-{i:04d}" for i in range(n)],
            "Added on": start.strftime("%d/%m/%Y %H:%M"),
            "Qualified": np.where(qualified, later.strftime("%d/%m/%Y %H:%M"), ""),
            "Proposal sent": np.where(proposal, "Yes", "No"),
            "Won": won.astype(int),
            "Pipeline": rng.choice(["Inbound", "Outbound", "Partners"], n),
        }
    )
    path = tmp_path / "deals.csv"
    frame.to_csv(path, index=False, sep=";")
    return path


def test_a_text_export_read_by_duckdb_gives_the_pandas_funnel(pipedrive: Path) -> None:
    stages = ["Added on", "Qualified", "Proposal sent", "Won"]
    args = dict(by="Pipeline", cohort="Added on", lead_col="Deal ID")
    reference = funnel(pd.read_csv(pipedrive, sep=";", dtype=str), stages, **args)
    ours = funnel(str(pipedrive), stages, **args)
    _same_funnel(ours, reference)
    assert ours.overall["entered"].iloc[0] == 400
    # the dates read day first: no cohort after the last month of the data
    assert str(ours.table["cohort"].max()) <= "2025-10"
    as_parquet = pipedrive.with_suffix(".parquet")
    pd.read_csv(pipedrive, sep=";").to_parquet(as_parquet)
    _same_funnel(funnel(str(as_parquet), stages, **args), reference)


# -- refusals -------------------------------------------------------------------------------------


@pytest.fixture
def leads() -> pd.DataFrame:
    t = pd.Timestamp("2024-03-01")
    return pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3", "L4"],
            "mql_at": [t, t, t, pd.NaT],
            "sql_at": [t + pd.Timedelta(days=1), pd.NaT, t - pd.Timedelta(days=2), pd.NaT],
            "first_response_hours": [1.0, 3.0, np.nan, np.nan],
        }
    )


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_bad_leads_on_an_engine_get_the_pandas_paths_errors(leads, engine) -> None:
    make = ENGINES[engine]
    with pytest.raises(ValueError, match=r"1 rows have 'sql_at' before 'mql_at' \(ids in "):
        funnel(make(leads), ["mql_at", "sql_at"])
    skipped = leads.assign(mql_at=leads["mql_at"].where(leads["lead_id"] != "L1"))
    with pytest.raises(ValueError, match=r"reached stage 'sql_at' without.*'L1'"):
        funnel(make(skipped), ["mql_at", "sql_at"], check_order=False)
    twice = leads.assign(lead_id=["L1", "L1", "L3", "L3"])
    with pytest.raises(ValueError, match=r"4 rows sharing 2 duplicated 'lead_id'.*'L1', 'L3'"):
        funnel(make(twice), ["mql_at", "sql_at"], check_order=False)
    with pytest.raises(ValueError, match=r"table\) has no column 'sql'; its columns are"):
        funnel(make(leads), ["mql_at", "sql"])
    with pytest.raises(ValueError, match="cohort column 'sql_at' of leads has 2 rows without"):
        funnel(make(leads), ["mql_at", "sql_at"], cohort="sql_at", check_order=False)
    with pytest.raises(ValueError, match="on an engine, the period must be one of"):
        funnel(make(leads), ["mql_at", "sql_at"], cohort="mql_at", cohort_freq="h")
    scores = leads.assign(score=[0, 1, 2, 1])
    with pytest.raises(TypeError, match=r"column 'score' of leads must hold.*\['2'\]"):
        funnel(make(scores), ["score", "mql_at"], check_order=False)
    with pytest.raises(ValueError, match="leads is empty"):
        funnel(make(leads.iloc[:0]), ["mql_at", "sql_at"])
    negative = leads.assign(first_response_hours=[1.0, -2.0, np.nan, np.nan])
    with pytest.raises(ValueError, match="1 negative response times"):
        sla_compliance(make(negative))
    words = leads.assign(first_response_hours=["1", "2", "", ""])
    with pytest.raises(TypeError, match="must hold hours"):
        sla_compliance(make(words))
    with pytest.raises(ValueError, match="need at least two groups"):
        compare_conversion(
            make(leads.assign(team="a")), "mql_at", "sql_at", by="team", check_order=False
        )


def test_unreadable_text_dates_are_counted_or_refused_by_the_engine() -> None:
    leads = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "mql": ["2024-01-02", "2024-01-03", "not a date"],
            "sql": ["2024-01-05", "", ""],
        }
    )
    # polars reads text dates strictly: its own error, naming the value
    with pytest.raises(ValueError, match=r"polars could not .*not a date"):
        funnel(ENGINES["polars"](leads), ["mql", "sql"], lead_col="id")
    ambiguous = leads.assign(mql=["01/02/2024", "02/03/2024", "03/04/2024"], sql="")
    with pytest.raises(ValueError, match="both month first and day first"):
        funnel(ENGINES["duckdb"](ambiguous), ["mql", "sql"], lead_col="id")
    settled = funnel(
        ENGINES["duckdb"](ambiguous), ["mql", "sql"], lead_col="id", date_format="%d/%m/%Y"
    )
    assert settled.table["entered"].tolist() == [3, 0]


@pytest.mark.parametrize("engine", ENGINES)
def test_zone_aware_times_count_hours_across_a_change_of_clock(engine) -> None:
    # Berlin moved its clocks forward at 02:00 on 2024-03-31: 01:30 to 03:30 is one hour
    at = pd.to_datetime(["2024-03-31 01:30", "2024-03-31 03:30", "2024-03-30 12:00"])
    leads = pd.DataFrame(
        {"mql_at": at.tz_localize("Europe/Berlin"), "first_response_hours": [0.5, 1.0, 30.0]}
    )
    for args in (dict(sla_hours=1.5), dict(sla_hours=1.5, data_end="2024-03-31 04:00+02:00")):
        reference = sla_compliance(leads, **args)
        ours = sla_compliance(ENGINES[engine](leads), **args)
        _same_sla(ours, reference)
    # due: the handover 1.5 h or more before 03:30 (the latest) on a real clock, so 01:30
    # (2 h before) and the day before
    assert reference.n_due == 2
    with pytest.raises(TypeError, match="both have a time zone or both have none"):
        sla_compliance(ENGINES[engine](leads), data_end="2024-04-01")
    # the cohorts are the zone's months: 00:30 on 1 June in Berlin is June (polars keeps the
    # zone; DuckDB shows instants on its session's clock)
    june = pd.DataFrame(
        {
            "created": pd.to_datetime(["2024-06-01 00:30", "2024-05-20 10:00"]).tz_localize(
                "Europe/Berlin"
            ),
            "won": [True, False],
        }
    )
    if engine.startswith("polars"):
        _same_funnel(
            funnel(ENGINES[engine](june), ["created", "won"], cohort="created", lead_col=None),
            funnel(june, ["created", "won"], cohort="created", lead_col=None),
        )


# -- generated leads ------------------------------------------------------------------------------


@st.composite
def _leads(draw) -> pd.DataFrame:
    n = draw(st.integers(1, 40))
    depth = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    group = draw(st.lists(st.sampled_from(["a", "b", None]), min_size=n, max_size=n))
    hours = draw(
        st.lists(st.one_of(st.none(), st.floats(0, 100, allow_nan=False)), min_size=n, max_size=n)
    )
    t0 = pd.Timestamp("2024-01-01") + pd.to_timedelta(
        np.array(draw(st.lists(st.integers(0, 90), min_size=n, max_size=n))), unit="D"
    )
    frame = pd.DataFrame({"lead_id": np.arange(n), "group": pd.array(group, dtype="string")})
    for step, name in enumerate(STAGES):
        frame[name] = pd.Series(t0 + pd.Timedelta(days=step)).where(depth > step)
    frame["first_response_hours"] = pd.array(hours, dtype="Float64").astype(float)
    return frame


@settings(max_examples=40, deadline=None)
@given(frame=_leads())
def test_generated_leads_give_the_pandas_counts_on_duckdb_and_polars(frame) -> None:
    if frame["created_at"].isna().all():
        frame.loc[0, "created_at"] = pd.Timestamp("2024-01-01")
    for make in (ENGINES["duckdb"], ENGINES["polars"]):
        source = make(frame)
        _same_funnel(
            funnel(source, STAGES, by="group", lead_col="lead_id"),
            funnel(frame, STAGES, by="group", lead_col="lead_id"),
        )
        if frame["mql_at"].notna().any():
            _same_sla(sla_compliance(source, by="group"), sla_compliance(frame, by="group"))


# -- the KPI table and ROI by channel -------------------------------------------------------------


def _same_kpis(ours, reference) -> None:
    pd.testing.assert_frame_equal(ours.table, reference.table)
    assert dict(ours.skipped) == dict(reference.skipped)
    assert (ours.n_leads, ours.data_end) == (reference.n_leads, reference.data_end)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_crm_gives_the_pandas_kpis_and_roi_on_every_engine(crm, engine) -> None:
    from research.funnel import CRMColumns, kpi_table, roi_by_channel

    tables = dict(campaigns=crm.campaigns, opportunities=crm.opportunities, customers=crm.customers)
    source = ENGINES[engine](crm.leads)
    reference = kpi_table(leads=crm.leads, n_boot=200, **tables)
    _same_kpis(kpi_table(leads=source, n_boot=200, **tables), reference)
    assert reference.table.set_index("kpi").loc["CAC", "low"] > 0  # the bootstrap ran
    # leads alone: the KPIs the other tables give are left out, with the reason
    _same_kpis(kpi_table(leads=source), kpi_table(leads=crm.leads))
    # spend per channel, and no response times
    per_channel = CRMColumns(campaign_id=None, first_response_hours=None)
    _same_kpis(
        kpi_table(leads=source, columns=per_channel, n_boot=50, **tables),
        kpi_table(leads=crm.leads, columns=per_channel, n_boot=50, **tables),
    )
    ours = roi_by_channel(crm.campaigns, source, crm.opportunities, n_boot=200)
    theirs = roi_by_channel(crm.campaigns, crm.leads, crm.opportunities, n_boot=200)
    pd.testing.assert_frame_equal(ours.table, theirs.table)


def test_a_hubspot_export_read_by_duckdb_gives_the_pandas_kpis(tmp_path: Path) -> None:
    from research.funnel import CRMColumns, kpi_table
    from tests.exports import HUBSPOT_CRM_COLUMNS, HUBSPOT_STAGES, hubspot_crm

    paths = hubspot_crm(tmp_path, n_leads=1500, seed=8)
    cols = CRMColumns(
        **HUBSPOT_CRM_COLUMNS,
        won_status=HUBSPOT_STAGES["won"],
        lost_status=HUBSPOT_STAGES["lost"],
        open_status=HUBSPOT_STAGES["open"],
    )
    others = {
        role: pd.read_csv(paths[role]) for role in ("opportunities", "campaigns", "customers")
    }
    reference = kpi_table(leads=pd.read_csv(paths["leads"]), columns=cols, n_boot=100, **others)
    # the contacts as text (dates and all) read by DuckDB from the CSV file, and from parquet
    _same_kpis(kpi_table(leads=str(paths["leads"]), columns=cols, n_boot=100, **others), reference)
    parquet = tmp_path / "contacts.parquet"
    pd.read_csv(paths["leads"]).to_parquet(parquet)
    _same_kpis(kpi_table(leads=str(parquet), columns=cols, n_boot=100, **others), reference)
    assert reference.n_leads == 1500


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_bad_leads_for_the_kpis_get_the_pandas_paths_errors(crm, engine) -> None:
    from research.funnel import CRMColumns, kpi_table

    leads = crm.leads.head(300)
    make = ENGINES[engine]
    with pytest.raises(ValueError, match=r"has no column 'is_sql'.*CRMColumns\(is_sql=\.\.\.\)"):
        kpi_table(leads=make(leads.drop(columns=["is_sql"])))
    gaps = leads.assign(is_mql=leads["is_mql"].astype(object).where(leads.index % 50 != 0))
    with pytest.raises(ValueError, match=r"'is_mql' of leads has 6 missing values of 300"):
        kpi_table(leads=make(gaps.assign(is_mql=gaps["is_mql"].astype("boolean"))))
    with pytest.raises(ValueError, match="values other than 0 and 1"):
        kpi_table(leads=make(leads.assign(is_sql=leads["is_sql"].astype(int) * 2)))
    with pytest.raises(ValueError, match="negative response times"):
        kpi_table(leads=make(leads.assign(first_response_hours=-1.0)))
    with pytest.raises(ValueError, match=r"sharing 1 duplicated 'lead_id'"):
        kpi_table(leads=make(leads.assign(lead_id=["L"] * 2 + leads["lead_id"][2:].tolist())))
    words = leads.assign(is_mql=np.where(leads["is_mql"], "Yes", "No"))
    _same_kpis(kpi_table(leads=make(words)), kpi_table(leads=words))
    with pytest.raises(ValueError, match="leads is empty"):
        kpi_table(leads=make(leads.iloc[:0]), columns=CRMColumns(mql_at=None))


@pytest.mark.parametrize("engine", ENGINES)
def test_odd_column_types_read_as_on_pandas(engine) -> None:
    from research.funnel import kpi_table, roi_by_channel

    make = ENGINES[engine]
    # 0/1 flags as floats (a CSV column with blanks), stages and groups as categories, a blank
    # of non-ASCII spaces
    leads = pd.DataFrame(
        {
            "lead_id": [1, 2, 3, 4, 5, 6],
            "mql": [1.0, 1.0, 1.0, 0.0, np.nan, 1.0],
            "sql": pd.Categorical(["yes", "no", "yes", "no", "no", "\u3000"]),
            "team": pd.Categorical(["z", "a", "z", "a", "a", "z"], categories=["z", "a"]),
        }
    )
    _same_funnel(
        funnel(make(leads), ["mql", "sql"], by="team"),
        funnel(leads, ["mql", "sql"], by="team"),
    )
    crm = make_crm_small()
    flags = crm.leads.assign(is_sql=crm.leads["is_sql"].astype(float))
    tables = dict(campaigns=crm.campaigns, opportunities=crm.opportunities)
    _same_kpis(
        kpi_table(leads=make(flags), n_boot=50, **tables),
        kpi_table(leads=flags, n_boot=50, **tables),
    )
    # a won deal without its lead is no lead's, and deal lead ids read as floats match
    deals = crm.opportunities.copy()
    deals.loc[deals.index[0], "lead_id"] = None
    numbered = crm.leads.assign(lead_id=np.arange(len(crm.leads)))
    renumber = dict(zip(crm.leads["lead_id"], numbered["lead_id"], strict=True))
    deals = deals.assign(lead_id=deals["lead_id"].map(renumber))
    assert deals["lead_id"].dtype == float  # the missing id made the column float
    reference = roi_by_channel(crm.campaigns, numbered, deals, n_boot=50)
    ours = roi_by_channel(crm.campaigns, make(numbered), deals, n_boot=50)
    pd.testing.assert_frame_equal(ours.table, reference.table)
    won = deals[deals["status"] == "won"]
    assert reference.table["customers"].sum() == won["lead_id"].notna().sum()
    # whole-number ids on both sides (numpy integers, not Python ints)
    whole = deals.dropna(subset=["lead_id"]).astype({"lead_id": "int64"})
    reference = roi_by_channel(crm.campaigns, numbered, whole, n_boot=50)
    pd.testing.assert_frame_equal(
        roi_by_channel(crm.campaigns, make(numbered), whole, n_boot=50).table, reference.table
    )
    assert reference.table["customers"].sum() == (whole["status"] == "won").sum() > 0


def make_crm_small():
    from research.data.synthetic import make_crm

    return make_crm(400, random_state=6, with_messages=False)
