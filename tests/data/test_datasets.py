"""The dataset registry and loaders: mirror, explicit path, download, checksum and offline paths."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import research.data.loaders as ds
from research.data import (
    ChecksumMismatchError,
    Dataset,
    DatasetFile,
    DatasetNotFoundError,
    fetch_file,
    load_cdnow,
)

PAYLOAD = b"customer_id date number_of_cds dollar_value\n 00001 19970101  1   11.77\n"
PAYLOAD_SHA = hashlib.sha256(PAYLOAD).hexdigest()


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No data home and an empty cache in tmp_path: only a download can find a file."""
    monkeypatch.delenv("RESEARCH_DATA_HOME", raising=False)
    cache = tmp_path / "cache"
    monkeypatch.setenv("RESEARCH_CACHE_DIR", str(cache))
    return cache


@contextlib.contextmanager
def _serve(root: Path) -> Iterator[str]:
    """A static HTTP server on 127.0.0.1 serving ``root``; yields its base URL."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A server whose root holds data.txt (PAYLOAD)."""
    root = tmp_path / "www"
    root.mkdir()
    (root / "data.txt").write_bytes(PAYLOAD)
    with _serve(root) as url:
        yield url


def _toy(url: str | None, sha: str = PAYLOAD_SHA) -> Dataset:
    return Dataset(
        name="toy",
        title="toy dataset",
        source="a test server",
        citation="-",
        licence="-",
        files=(DatasetFile("data.txt", sha, url),),
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the mirror (RESEARCH_DATA_HOME) -------------------------------------------------------


def test_cdnow_master_from_mirror(cdnow_master: pd.DataFrame) -> None:
    tx = cdnow_master
    assert list(tx.columns) == ["customer_id", "date", "quantity", "amount"]
    assert len(tx) == 69_659
    assert tx["customer_id"].nunique() == 23_570
    assert tx["customer_id"].dtype == "string"
    assert pd.api.types.is_datetime64_dtype(tx["date"])
    assert tx["date"].min() == pd.Timestamp("1997-01-01")
    assert tx["date"].max() == pd.Timestamp("1998-06-30")
    assert tx["quantity"].sum() == 167_881
    assert tx["amount"].sum() == pytest.approx(2_500_315.63, abs=0.01)
    assert tx.loc[0, "customer_id"] == "00001"


def test_cdnow_sample_from_mirror(cdnow_sample: pd.DataFrame) -> None:
    tx = cdnow_sample
    assert len(tx) == 6_919
    assert tx["customer_id"].nunique() == 2_357
    assert tx["master_customer_id"].nunique() == 2_357
    # the sample id runs 1..2357, the id used by the published summaries
    assert sorted(tx["customer_id"].astype(int).unique()) == list(range(1, 2358))
    first = tx.iloc[0]
    assert (first["customer_id"], first["master_customer_id"]) == ("0001", "00004")


def test_corrupted_copy_in_data_home_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cdnow").mkdir()
    (tmp_path / "cdnow" / "CDNOW_sample.txt").write_text(" 00004 0001 19970101  2   29.33\n")
    monkeypatch.setenv("RESEARCH_DATA_HOME", str(tmp_path))
    with pytest.raises(ChecksumMismatchError, match="CDNOW_sample.txt"):
        load_cdnow("sample")


# -- an explicit path ------------------------------------------------------------------------


def test_explicit_folder_and_file(mirror: Path) -> None:
    by_folder = load_cdnow("sample", path=mirror)  # finds <mirror>/cdnow/CDNOW_sample.txt
    by_file = load_cdnow("sample", path=mirror / "cdnow" / "CDNOW_sample.txt")
    pd.testing.assert_frame_equal(by_folder, by_file)


def test_explicit_headerless_original_is_read_with_a_warning(
    mirror: Path, tmp_path: Path, cdnow_master: pd.DataFrame
) -> None:
    # Hardie's original file has no header line: same rows, different bytes.
    lines = (mirror / "cdnow" / "CDNOW_master.txt").read_bytes().splitlines(keepends=True)
    original = tmp_path / "CDNOW_master.txt"
    original.write_bytes(b"".join(lines[1:]))
    with pytest.warns(UserWarning, match="sha256"):
        tx = load_cdnow("master", path=original)
    pd.testing.assert_frame_equal(tx, cdnow_master)


def test_explicit_path_without_the_file(tmp_path: Path) -> None:
    with pytest.raises(DatasetNotFoundError, match="CDNOW_master.txt"):
        load_cdnow("master", path=tmp_path)


# -- download ----------------------------------------------------------------------------------


def test_download_success_is_cached(isolated: Path, server: str) -> None:
    toy = _toy(server + "data.txt")
    path = fetch_file(toy, "data.txt")
    assert path == isolated / "toy" / "data.txt"
    assert path.read_bytes() == PAYLOAD
    assert sorted(p.name for p in path.parent.iterdir()) == ["data.txt"]  # no temp file left
    # second call: served from the cache even when the source is gone
    assert fetch_file(_toy(f"http://127.0.0.1:{_closed_port()}/data.txt"), "data.txt") == path


def test_download_checksum_mismatch_leaves_nothing(isolated: Path, server: str) -> None:
    toy = _toy(server + "data.txt", sha="0" * 64)
    with pytest.raises(ChecksumMismatchError, match="nothing was saved"):
        fetch_file(toy, "data.txt")
    folder = isolated / "toy"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_load_cdnow_downloads_into_the_cache(
    isolated: Path, tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    www = tmp_path / "cdnow_www"
    www.mkdir()
    (www / "CDNOW_sample.txt").write_bytes((mirror / "cdnow" / "CDNOW_sample.txt").read_bytes())
    with _serve(www) as base:
        cdnow = ds.DATASETS["cdnow"]
        files = tuple(
            dataclasses.replace(f, url=base + f.name) if f.name == "CDNOW_sample.txt" else f
            for f in cdnow.files
        )
        monkeypatch.setitem(ds.DATASETS, "cdnow", dataclasses.replace(cdnow, files=files))
        tx = load_cdnow("sample")
    assert len(tx) == 6_919
    assert (isolated / "cdnow" / "CDNOW_sample.txt").is_file()


# -- no copy and no network -----------------------------------------------------------------


def test_offline_error_says_where_to_put_the_file(isolated: Path) -> None:
    toy = _toy(f"http://127.0.0.1:{_closed_port()}/data.txt")
    with pytest.raises(DatasetNotFoundError) as err:
        fetch_file(toy, "data.txt")
    message = str(err.value)
    assert "data.txt" in message
    assert str(isolated / "toy" / "data.txt") in message
    assert "RESEARCH_DATA_HOME" in message
    assert "download" in message and "failed" in message
    assert not (isolated / "toy" / "data.txt").exists()


def test_download_disabled(isolated: Path, server: str) -> None:
    with pytest.raises(DatasetNotFoundError, match="download=False"):
        fetch_file(_toy(server + "data.txt"), "data.txt", download=False)


def test_manual_only_dataset_explains_how_to_get_it(isolated: Path) -> None:
    toy = dataclasses.replace(_toy(None), manual="it is on Kaggle behind a login: fetch it there.")
    with pytest.raises(DatasetNotFoundError, match="Kaggle behind a login"):
        fetch_file(toy, "data.txt")


# -- bad arguments -----------------------------------------------------------------------------


def test_unknown_names() -> None:
    with pytest.raises(ValueError, match="unknown dataset 'nope'"):
        fetch_file("nope", "x.csv")
    with pytest.raises(ValueError, match="has no file 'x.csv'"):
        fetch_file("cdnow", "x.csv")
    with pytest.raises(ValueError, match="kind must be"):
        load_cdnow("full")  # type: ignore[arg-type]


def test_registry_entries_are_complete() -> None:
    for name, dataset in ds.DATASETS.items():
        assert dataset.name == name
        assert dataset.licence and dataset.citation and dataset.source
        for f in dataset.files:
            assert len(f.sha256) == 64 and int(f.sha256, 16) >= 0
            assert f.url is not None or dataset.manual


# -- Olist marketing funnel (manual download) ------------------------------------------------

# the Olist names through the module (the import block above is shared with other work)
load_olist_funnel = ds.load_olist_funnel
OLIST_POST_OUTCOME_COLUMNS = ds.OLIST_POST_OUTCOME_COLUMNS

OLIST = "olist_marketing_funnel"
OLIST_MQL = "olist_marketing_qualified_leads_dataset.csv"
OLIST_DEALS = "olist_closed_deals_dataset.csv"
OLIST_DEALS_HEADER = (
    "mql_id,seller_id,sdr_id,sr_id,won_date,business_segment,lead_type,"
    "lead_behaviour_profile,has_company,has_gtin,average_stock,business_type,"
    "declared_product_catalog_size,declared_monthly_revenue\n"
)


@pytest.fixture(scope="module")
def olist(mirror: Path) -> pd.DataFrame:
    return load_olist_funnel()


def _write_olist(folder: Path, deal_ids: list[str]) -> Path:
    """Two tiny Olist files: MQLs a, b, c (c with an empty origin), and a deal per id."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / OLIST_MQL).write_text(
        "mql_id,first_contact_date,landing_page_id,origin\n"
        "a,2018-01-02,p1,social\n"
        "b,2018-01-03,p2,unknown\n"
        "c,2018-01-04,p1,\n"
    )
    (folder / OLIST_DEALS).write_text(
        OLIST_DEALS_HEADER
        + "".join(
            f"{m},s{i},d{i},r{i},2018-02-0{i + 1} 10:00:00,pet,online_small,cat,True,,5-20,"
            f"reseller,100.0,0.0\n"
            for i, m in enumerate(deal_ids)
        )
    )
    return folder


def test_olist_funnel_from_mirror(olist: pd.DataFrame) -> None:
    f = olist
    assert list(f.columns) == [
        "mql_id",
        "first_contact_date",
        "landing_page_id",
        "origin",
        "won",
        *OLIST_POST_OUTCOME_COLUMNS,
    ]
    assert len(f) == 8_000
    assert f["mql_id"].is_unique
    assert f["won"].dtype == bool
    assert f["won"].sum() == 842
    assert f["won"].mean() == pytest.approx(0.10525)
    assert pd.api.types.is_datetime64_dtype(f["first_contact_date"])
    assert f["first_contact_date"].min() == pd.Timestamp("2017-06-14")
    assert f["first_contact_date"].max() == pd.Timestamp("2018-05-31")
    assert pd.api.types.is_datetime64_dtype(f["won_date"])
    assert f["won_date"].min().normalize() == pd.Timestamp("2017-12-05")
    assert f["won_date"].max().normalize() == pd.Timestamp("2018-11-14")
    for col in ("mql_id", "landing_page_id", "origin", "seller_id", "sdr_id", "lead_type"):
        assert f[col].dtype == "string", col
    assert f["has_company"].dtype == "boolean" and f["has_gtin"].dtype == "boolean"
    assert f["declared_monthly_revenue"].dtype == "float64"
    assert f["declared_product_catalog_size"].dtype == "float64"


def test_olist_origin_counts_keep_empty_as_missing(olist: pd.DataFrame) -> None:
    counts = olist["origin"].value_counts(dropna=False)
    expected = {
        "organic_search": 2296,
        "paid_search": 1586,
        "social": 1350,
        "unknown": 1099,
        "direct_traffic": 499,
        "email": 493,
        "referral": 284,
        "other": 150,
        "display": 118,
        "other_publicities": 65,
    }
    assert {k: int(v) for k, v in counts.items() if not pd.isna(k)} == expected
    assert int(olist["origin"].isna().sum()) == 60  # empty cells: missing, not relabelled
    assert "" not in set(olist["origin"].dropna())


def test_olist_post_outcome_columns_only_for_won_leads(olist: pd.DataFrame) -> None:
    lost = olist.loc[~olist["won"], list(OLIST_POST_OUTCOME_COLUMNS)]
    assert len(lost) == 8_000 - 842
    assert lost.isna().all().all()
    won = olist.loc[olist["won"]]
    for col in ("won_date", "seller_id", "sdr_id", "sr_id", "declared_monthly_revenue"):
        assert won[col].notna().all(), col
    assert won["has_company"].value_counts().to_dict() == {True: 58, False: 5}


def test_olist_explicit_path(mirror: Path, olist: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(load_olist_funnel(path=mirror), olist)  # <mirror>/<dataset>/
    pd.testing.assert_frame_equal(load_olist_funnel(path=mirror / OLIST), olist)
    with pytest.raises(ValueError, match="folder"):
        load_olist_funnel(path=mirror / OLIST / OLIST_MQL)


def test_olist_small_files_by_path(tmp_path: Path) -> None:
    folder = _write_olist(tmp_path / "olist", ["b"])
    with pytest.warns(UserWarning, match="sha256"):
        f = load_olist_funnel(path=folder)
    assert f["won"].tolist() == [False, True, False]
    assert f["origin"].isna().tolist() == [False, False, True]
    assert f["won_date"].iloc[1] == pd.Timestamp("2018-02-01 10:00:00")
    assert f["has_company"].iloc[1] and f["has_company"].dtype == "boolean"
    assert f["has_gtin"].isna().all()
    assert f["declared_product_catalog_size"].iloc[1] == 100.0
    assert f.loc[~f["won"], list(OLIST_POST_OUTCOME_COLUMNS)].isna().all().all()


def test_olist_manual_download_error(isolated: Path) -> None:
    with pytest.raises(DatasetNotFoundError) as err:
        load_olist_funnel()
    message = str(err.value)
    assert "Kaggle" in message
    assert "https://www.kaggle.com/datasets/olistbr/marketing-funnel-olist" in message
    assert OLIST_MQL in message and OLIST_DEALS in message
    assert str(isolated / OLIST) in message
    assert "RESEARCH_DATA_HOME" in message
    assert "was not found and it cannot be downloaded automatically: " in message
    assert not (isolated / OLIST).exists()


def test_olist_tampered_copy_in_data_home_is_refused(
    tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    (home / OLIST).mkdir(parents=True)
    (home / OLIST / OLIST_MQL).write_bytes((mirror / OLIST / OLIST_MQL).read_bytes())
    deals = (mirror / OLIST / OLIST_DEALS).read_bytes()
    (home / OLIST / OLIST_DEALS).write_bytes(deals.replace(b",pet,", b",pets,", 1))
    monkeypatch.setenv("RESEARCH_DATA_HOME", str(home))
    with pytest.raises(ChecksumMismatchError, match=OLIST_DEALS):
        load_olist_funnel()


@pytest.mark.parametrize(
    ("deal_ids", "match"),
    [
        (["a", "zz"], r"every mql_id of olist_closed_deals_dataset.csv .* 1 of its 2 rows"),
        (["a", "a"], r"'mql_id' of olist_closed_deals_dataset.csv must be unique"),
    ],
)
def test_olist_inconsistent_deals_are_refused(
    tmp_path: Path, deal_ids: list[str], match: str
) -> None:
    folder = _write_olist(tmp_path / "olist", deal_ids)
    with pytest.warns(UserWarning, match="sha256"), pytest.raises(ValueError, match=match):
        load_olist_funnel(path=folder)


def test_olist_registry_entry() -> None:
    entry = ds.DATASETS[OLIST]
    assert [(f.name, f.url, f.rows) for f in entry.files] == [
        (OLIST_MQL, None, 8_000),
        (OLIST_DEALS, None, 842),
    ]
    assert "CC BY-NC-SA 4.0" in entry.licence
    assert entry.manual and entry.manual[0].islower()  # completes "... was not found and "
    assert "won" not in OLIST_POST_OUTCOME_COLUMNS
    assert set(OLIST_POST_OUTCOME_COLUMNS) >= {"won_date", "seller_id", "sdr_id", "sr_id"}


# -- Upworthy Research Archive (exploratory headline tests) ----------------------------------

load_upworthy = ds.load_upworthy

UPWORTHY = "upworthy_headlines"
UPWORTHY_FILE = "upworthy_clean.parquet"


@pytest.fixture(scope="module")
def upworthy(mirror: Path) -> pd.DataFrame:
    return load_upworthy()


def test_upworthy_from_mirror(upworthy: pd.DataFrame) -> None:
    u = upworthy
    assert list(u.columns) == [
        "test_id",
        "headline",
        "lede",
        "excerpt",
        "impressions",
        "clicks",
        "ctr",
        "winner",
        "first_place",
        "test_week",
        "eyecatcher_id",
    ]
    assert len(u) == 22_666
    assert isinstance(u.index, pd.RangeIndex)
    assert u["test_id"].nunique() == 4_873
    assert int(u["impressions"].sum()) == 81_024_151
    assert int(u["clicks"].sum()) == 1_231_208
    for col in ("test_id", "headline", "lede", "excerpt", "eyecatcher_id"):
        assert u[col].dtype == "string", col
    for col in ("impressions", "clicks", "test_week"):
        assert u[col].dtype == "int64", col
    assert u["ctr"].dtype == "float64"
    assert u["winner"].dtype == bool and u["first_place"].dtype == bool
    assert (u["clicks"] <= u["impressions"]).all()
    assert (u["ctr"] == u["clicks"] / u["impressions"]).all()
    assert (u["test_week"].min(), u["test_week"].max()) == (201303, 201517)
    # missing text as documented in PROVENANCE.md (empty cells are missing, not "")
    assert u[["excerpt", "lede", "eyecatcher_id"]].isna().sum().tolist() == [2_417, 12, 22]
    assert u["headline"].notna().all()
    first = u.iloc[0]
    assert first["test_id"] == "546d88fb84ad38b2ce000024"
    assert (first["impressions"], first["clicks"]) == (3052, 150)


def test_upworthy_registry_entry() -> None:
    entry = ds.DATASETS[UPWORTHY]
    (f,) = entry.files
    assert (f.name, f.rows) == (UPWORTHY_FILE, 22_666)
    assert f.sha256 == "91d1d583e267dbd9b4bb3641eb764245e61013deea99a651bdd129376df24782"
    assert f.url == (
        "https://raw.githubusercontent.com/elilk2/Upworthy-Analysis-Project/"
        "89643f83fe302f3055f7ce984ac04f79bc77d720/data/processed/upworthy_clean.parquet"
    )
    assert "CC BY 4.0" in entry.licence
    assert "Scientific Data 8:195" in entry.citation and "Matias" in entry.citation
    assert "osf.io/jd64p" in entry.source and "third-party" in entry.source
    assert "sha256 is of that parquet subset" in entry.source


def test_upworthy_explicit_path(mirror: Path, upworthy: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(load_upworthy(path=mirror), upworthy)
    pd.testing.assert_frame_equal(load_upworthy(path=mirror / UPWORTHY / UPWORTHY_FILE), upworthy)


def test_load_upworthy_downloads_into_the_cache(
    isolated: Path, tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    www = tmp_path / "upworthy_www"
    www.mkdir()
    (www / UPWORTHY_FILE).symlink_to(mirror / UPWORTHY / UPWORTHY_FILE)  # served, not copied
    with _serve(www) as base:
        entry = ds.DATASETS[UPWORTHY]
        files = tuple(dataclasses.replace(f, url=base + f.name) for f in entry.files)
        monkeypatch.setitem(ds.DATASETS, UPWORTHY, dataclasses.replace(entry, files=files))
        u = load_upworthy()
    assert len(u) == 22_666 and u["test_id"].nunique() == 4_873
    cached = isolated / UPWORTHY / UPWORTHY_FILE
    assert cached.is_file() and not cached.is_symlink()
    assert sorted(p.name for p in cached.parent.iterdir()) == [UPWORTHY_FILE]


def test_upworthy_download_disabled(isolated: Path) -> None:
    with pytest.raises(DatasetNotFoundError, match="download=False"):
        load_upworthy(download=False)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ("clicks", "more clicks than impressions"),
        ("ctr", r"'ctr' .* must equal clicks / impressions, but 1 of its 22,666 rows differ"),
        ("impressions", "impressions <= 0"),
        ("drop", "lacks the column"),
    ],
)
def test_upworthy_inconsistent_copy_is_refused(
    tmp_path: Path, mirror: Path, change: str, match: str
) -> None:
    raw = pd.read_parquet(mirror / UPWORTHY / UPWORTHY_FILE)
    if change == "clicks":
        raw.iloc[5, raw.columns.get_loc("clicks")] = raw["impressions"].iloc[5] + 1
    elif change == "ctr":
        raw.iloc[5, raw.columns.get_loc("ctr")] *= 1.01
    elif change == "impressions":
        raw.iloc[5, raw.columns.get_loc("impressions")] = 0
        raw.iloc[5, raw.columns.get_loc("clicks")] = 0
    else:
        raw = raw.drop(columns=["clickability_test_id"])
    edited = tmp_path / UPWORTHY_FILE
    raw.to_parquet(edited)
    with pytest.warns(UserWarning, match="sha256"), pytest.raises(ValueError, match=match):
        load_upworthy(path=edited)


# -- UCI Bank Marketing (bank-additional) -----------------------------------------------------

load_bank_marketing = ds.load_bank_marketing

BANK = "bank_marketing"
BANK_FULL = "bank-additional-full.csv"
BANK_SAMPLE = "bank-additional.csv"


@pytest.fixture(scope="module")
def bank(mirror: Path) -> pd.DataFrame:
    return load_bank_marketing()


def test_bank_marketing_from_mirror(bank: pd.DataFrame, mirror: Path) -> None:
    b = bank
    assert b.shape == (41_188, 21)
    assert list(b.columns)[:3] == ["age", "job", "marital"] and b.columns[-1] == "y"
    assert b["y"].dtype == bool and int(b["y"].sum()) == 4_640
    assert isinstance(b.index, pd.RangeIndex)
    assert isinstance(b["job"].dtype, pd.CategoricalDtype) and not b["job"].cat.ordered
    assert int((b["job"] == "unknown").sum()) == 330  # "unknown" kept as its own level
    assert list(b["month"].cat.categories[:3]) == ["jan", "feb", "mar"]
    assert int((b["pdays"] == 999).sum()) == 39_673  # 999: never contacted, kept raw
    assert b["duration"].dtype == "int64" and b["euribor3m"].dtype == "float64"
    # time order: the file starts in May 2008 and ends in November 2010
    assert b["month"].iloc[0] == "may" and b["month"].iloc[-1] == "nov"
    assert int(b.duplicated().sum()) == 12  # exact duplicates of the original, kept
    assert ds.BANK_MARKETING_POST_OUTCOME_COLUMNS == ("duration",)
    sample = load_bank_marketing("sample")
    assert sample.shape == (4_119, 21) and int(sample["y"].sum()) == 451
    pd.testing.assert_frame_equal(load_bank_marketing(path=mirror / BANK), bank)


def test_bank_marketing_registry_entry() -> None:
    entry = ds.DATASETS[BANK]
    assert [(f.name, f.rows) for f in entry.files] == [(BANK_FULL, 41_188), (BANK_SAMPLE, 4_119)]
    assert entry.file(BANK_FULL).sha256 == (
        "74adfc578bf77a7ff4bb1ba4a9f8709d9e3c6907342959c2c8416847e0afb4d8"
    )
    for f in entry.files:
        assert f.url == "https://archive.ics.uci.edu/static/public/222/bank+marketing.zip"
        assert f.archive == ("bank-additional.zip", f"bank-additional/{f.name}")
    assert "CC BY 4.0" in entry.licence
    assert "NOT" in entry.notes and "zip" in entry.notes  # the zip's sha256 is not known


def _nested_zip(folder: Path, csv: bytes) -> None:
    """bank+marketing.zip holding bank-additional.zip holding the sample CSV, like UCI's."""
    import io
    import zipfile

    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr(f"bank-additional/{BANK_SAMPLE}", csv)
    with zipfile.ZipFile(folder / "bank+marketing.zip", "w") as z:
        z.writestr("bank-additional.zip", inner.getvalue())
        z.writestr("bank.zip", b"not used")


def _bank_served(base: str) -> Dataset:
    entry = ds.DATASETS[BANK]
    files = tuple(dataclasses.replace(f, url=base + "bank+marketing.zip") for f in entry.files)
    return dataclasses.replace(entry, files=files)


def test_bank_marketing_download_extracts_the_csv_from_the_nested_zip(
    isolated: Path, tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    www = tmp_path / "uci_www"
    www.mkdir()
    _nested_zip(www, (mirror / BANK / BANK_SAMPLE).read_bytes())
    with _serve(www) as base:
        monkeypatch.setitem(ds.DATASETS, BANK, _bank_served(base))
        sample = load_bank_marketing("sample")
    assert sample.shape == (4_119, 21)
    cached = isolated / BANK
    assert sorted(p.name for p in cached.iterdir()) == [BANK_SAMPLE]  # no zip or temp left


def test_bank_marketing_tampered_download_is_refused(
    isolated: Path, tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    www = tmp_path / "uci_www"
    www.mkdir()
    csv = (mirror / BANK / BANK_SAMPLE).read_bytes().replace(b'"no"\r\n', b'"yes"\r\n', 1)
    _nested_zip(www, csv)
    with _serve(www) as base:
        monkeypatch.setitem(ds.DATASETS, BANK, _bank_served(base))
        with pytest.raises(ChecksumMismatchError, match="extracted from .* nothing was saved"):
            load_bank_marketing("sample")
        (www / "bank+marketing.zip").write_bytes(b"not a zip")
        with pytest.raises(ChecksumMismatchError, match="not the expected archive"):
            load_bank_marketing("sample")
    folder = isolated / BANK
    assert not folder.exists() or list(folder.iterdir()) == []


def test_bank_marketing_bad_copies(tmp_path: Path, mirror: Path) -> None:
    with pytest.raises(ValueError, match="kind must be"):
        load_bank_marketing("all")  # type: ignore[arg-type]
    text = (mirror / BANK / BANK_SAMPLE).read_text()
    edited = tmp_path / BANK_SAMPLE
    edited.write_text(text.replace('"married"', '"wed"', 1))
    with pytest.warns(UserWarning, match="sha256"), pytest.raises(ValueError, match="'marital'"):
        load_bank_marketing("sample", path=edited)
    edited.write_text(text.replace(';"no"\n', ';"maybe"\n', 1))
    with pytest.warns(UserWarning, match="sha256"), pytest.raises(ValueError, match="'y'"):
        load_bank_marketing("sample", path=edited)


# -- donations (Fader, Hardie & Shang 2010) ----------------------------------------------------


def test_load_donations_reads_the_mirror(mirror: Path) -> None:
    donations = ds.load_donations()
    assert list(donations.columns) == ["frequency", "recency", "T", "weights"]
    assert (donations.dtypes == "int64").all() and len(donations) == 22
    assert int(donations["weights"].sum()) == 11_104 and (donations["T"] == 6).all()
    assert (donations["frequency"] <= donations["recency"]).all()


def test_load_donations_names_a_file_that_is_not_the_donations(tmp_path: Path) -> None:
    own = tmp_path / "donations.csv"
    own.write_text("frequency,recency,years,weights\n1,1,6,10\n")
    with (
        pytest.warns(UserWarning, match="sha256"),
        pytest.raises(ds.DatasetReadError, match=r"cannot be read as donations.csv.*periods"),
    ):
        ds.load_donations(path=own)
