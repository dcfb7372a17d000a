"""Real public datasets: one registry, one lookup rule, one loader per dataset.

Every loader finds its files the same way, in this order:

1. an explicit ``path`` argument (a file, or a folder holding the file directly or in a
   sub-folder named after the dataset);
2. the folder named by the environment variable ``RESEARCH_DATA_HOME``, laid out as
   ``$RESEARCH_DATA_HOME/<dataset>/<file>`` (the offline mirror used by the tests and CI has
   this layout);
3. the per-user cache (``$RESEARCH_CACHE_DIR``, else ``$XDG_CACHE_HOME/research-toolkit``,
   else ``~/.cache/research-toolkit``; ``~/Library/Caches/research-toolkit`` on macOS);
4. a download from the dataset's source, with a progress bar, a sha256 check and an atomic
   rename into the cache, so an interrupted or corrupted download never leaves a file behind.

When none of these has the file (no copy, no network, or a dataset that cannot be downloaded
for the user) a :class:`DatasetNotFoundError` says which file to put where.

Files found in ``RESEARCH_DATA_HOME`` or in the cache are checked against the sha256 in the
registry and refused when they differ. A file given as an explicit ``path`` is the user's own
choice: a differing checksum there only warns, so an edited or re-exported copy can be used
on purpose.

Examples
--------
>>> from research.data import load_cdnow
>>> tx = load_cdnow("master")  # doctest: +SKIP
>>> tx.shape  # doctest: +SKIP
(69659, 4)
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
import urllib.error
import urllib.request
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from tqdm import tqdm

from research._validation import require_columns, require_frame

__all__ = [
    "DATASETS",
    "Dataset",
    "DatasetFile",
    "DatasetNotFoundError",
    "ChecksumMismatchError",
    "cache_dir",
    "fetch_file",
    "load_cdnow",
    "load_donations",
    "load_olist_funnel",
    "OLIST_POST_OUTCOME_COLUMNS",
    "olist_mql_features",
    "OLIST_MQL_FEATURES",
    "load_upworthy",
    "load_bank_marketing",
    "BANK_MARKETING_POST_OUTCOME_COLUMNS",
    "DatasetReadError",
]

DATA_HOME_ENV = "RESEARCH_DATA_HOME"
CACHE_ENV = "RESEARCH_CACHE_DIR"


class DatasetNotFoundError(FileNotFoundError):
    """A dataset file is neither on disk nor downloadable; the message says where to put it."""


class ChecksumMismatchError(ValueError):
    """A dataset file's sha256 differs from the registry's."""


class DatasetReadError(ValueError):
    """A dataset file could not be read: cut short, damaged, or not the file it should be."""


@contextlib.contextmanager
def _reading(path: Path, dataset: str, filename: str) -> Iterator[None]:
    """Turn a parser's or a cast's error on a dataset file into one that says what is wrong.

    A registered file that does not parse is almost always a copy cut short (an interrupted
    copy or download), damaged, or another file under its name: the sha256 tells which.
    """
    try:
        yield
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, EOFError, OSError) as exc:
        if isinstance(exc, DatasetReadError):
            raise
        entry = _dataset(dataset).file(filename)
        actual = _sha256(path)
        if actual == entry.sha256:
            raise  # the registered file itself: a bug of ours, not of the copy
        raise DatasetReadError(
            f"{path} cannot be read as {filename} of dataset {dataset!r} "
            f"({type(exc).__name__}: {str(exc)[:200]}). Its sha256 is {actual}, not the "
            f"registered {entry.sha256}: the copy is cut short or damaged, or it is another "
            f"file ({path.stat().st_size:,} bytes). Download or copy it again."
        ) from exc


@dataclass(frozen=True)
class DatasetFile:
    """One file of a dataset.

    Parameters
    ----------
    name : str
        File name, as stored in the cache and the mirror.
    sha256 : str
        Expected sha256 of the file's bytes.
    url : str or None
        Where to download it. ``None`` when the file cannot be downloaded for the user
        (for instance behind a login); the dataset's ``manual`` text then says how to get it.
    rows : int or None
        Number of data rows, for documentation.
    archive : tuple of str
        When ``url`` is a zip archive rather than the file itself: the chain of members to
        open, e.g. ``("bank-additional.zip", "bank-additional/bank-additional-full.csv")`` for
        a file inside a zip inside the downloaded zip. The archive's own sha256 is not checked
        (it may not be known); the extracted file's is, before it is moved into the cache.
    """

    name: str
    sha256: str
    url: str | None = None
    rows: int | None = None
    archive: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dataset:
    """A registered public dataset: where it comes from, under which licence, which files."""

    name: str
    title: str
    source: str
    citation: str
    licence: str
    files: tuple[DatasetFile, ...]
    manual: str | None = None
    notes: str = ""
    _by_name: dict[str, DatasetFile] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {f.name: f for f in self.files})

    def file(self, name: str) -> DatasetFile:
        """Return the registered file called ``name``."""
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(sorted(self._by_name))
            raise ValueError(
                f"dataset {self.name!r} has no file {name!r}; its files are: {known}"
            ) from None


_LIFETIMES_RAW = (
    "https://raw.githubusercontent.com/CamDavidsonPilon/lifetimes/master/lifetimes/datasets/"
)

_UCI_BANK_ZIP = "https://archive.ics.uci.edu/static/public/222/bank+marketing.zip"

DATASETS: dict[str, Dataset] = {
    "cdnow": Dataset(
        name="cdnow",
        title="CDNOW customer transactions (Fader & Hardie)",
        source=(
            "Bruce Hardie's data page (brucehardie.com/datasets), as redistributed with a header "
            "line by the Lifetimes package (MIT); the download is the Lifetimes copy, which is "
            "byte-identical to the files whose sha256 is registered here."
        ),
        citation=(
            "P. S. Fader & B. G. S. Hardie (2001), Forecasting Repeat Sales at CDNOW, "
            "Interfaces 31(3); Fader, Hardie & Lee (2005), Marketing Science 24(2):275-284."
        ),
        licence="No formal licence; distributed freely by the authors for research and teaching.",
        files=(
            DatasetFile(
                "CDNOW_master.txt",
                "eff6889ed364c5199d6eacbbeb7a6d559971df4406ac876f322c373f00a072ef",
                _LIFETIMES_RAW + "CDNOW_master.txt",
                rows=69_659,
            ),
            DatasetFile(
                "CDNOW_sample.txt",
                "6fae10155c0b0ba363c2c386e30f77990d22328220efd862a5edd1443420d94a",
                _LIFETIMES_RAW + "CDNOW_sample.txt",
                rows=6_919,
            ),
            DatasetFile(
                "cdnow_customers_summary.csv",
                "09d92ca80daaabe8be0f997d4c539f9c9606106baa5b199081fe01cbce5fa9f6",
                _LIFETIMES_RAW + "cdnow_customers_summary.csv",
                rows=2_357,
            ),
            DatasetFile(
                "cdnow_customers_summary_with_transactions.csv",
                "7ddd11b55be3227edfc1d58675154e96971b0de3ad37ddd9280d1dba154b8b2f",
                _LIFETIMES_RAW + "cdnow_customers_summary_with_transactions.csv",
                rows=2_357,
            ),
        ),
        notes="69,659 purchases by the 23,570 customers who first bought in Q1 1997, to mid-1998.",
    ),
    "donations": Dataset(
        name="donations",
        title="Repeat-donation histories of a US non-profit's 1995 donors (Fader, Hardie & Shang)",
        source=(
            "Bruce Hardie's data page (brucehardie.com/datasets), as the sufficient statistics "
            "redistributed by the Lifetimes package (MIT): GitHub CamDavidsonPilon/lifetimes, "
            "lifetimes/datasets/donations.csv (commit 4f2833f4518621343bb6983eb3e540c11f66ec6a, "
            "the same file as in the PyPI wheel Lifetimes 0.11.3)."
        ),
        citation=(
            "P. S. Fader, B. G. S. Hardie & J. Shang (2010), Customer-Base Analysis in a "
            "Discrete-Time Noncontractual Setting, Marketing Science 29(6):1086-1108."
        ),
        licence="No formal licence; distributed by the authors for research and teaching.",
        files=(
            DatasetFile(
                "donations.csv",
                "82c25f26a201ff047e1cd5fe3d7967a45db92a025ecedee72ff8940e50104544",
                _LIFETIMES_RAW + "donations.csv",
                rows=22,
            ),
        ),
        notes=(
            "The 11,104 people who first donated in 1995, observed in each of 1996-2001: 22 "
            "distinct (frequency, recency) patterns over 6 yearly periods, with how many donors "
            "show each."
        ),
    ),
    "olist_marketing_funnel": Dataset(
        name="olist_marketing_funnel",
        title="Marketing Funnel by Olist (seller acquisition, 2017-2018)",
        source=(
            'Kaggle dataset "Marketing Funnel by Olist", published by Olist '
            "(https://www.kaggle.com/datasets/olistbr/marketing-funnel-olist); downloading it "
            "needs a Kaggle login, so it cannot be downloaded for the user."
        ),
        citation="Olist (2018). Marketing Funnel by Olist [dataset]. Kaggle.",
        licence="CC BY-NC-SA 4.0 (non-commercial, share-alike).",
        files=(
            DatasetFile(
                "olist_marketing_qualified_leads_dataset.csv",
                "5537753b7549ce4068e52e2402c29f2773c5375fc0575520ae8f3f301f666573",
                None,
                rows=8_000,
            ),
            DatasetFile(
                "olist_closed_deals_dataset.csv",
                "1433f402d8fff00ca167579de641d9525f6e846368958c166f699ef1b0c31f3d",
                None,
                rows=842,
            ),
        ),
        # fetch_file completes the sentence "<file> ... was not found and <manual>" with it.
        manual=(
            "it cannot be downloaded automatically: the original is on Kaggle behind a login. "
            'Sign in to Kaggle, download the dataset "Marketing Funnel by Olist" from '
            "https://www.kaggle.com/datasets/olistbr/marketing-funnel-olist, unzip it, and put "
            "its two files olist_marketing_qualified_leads_dataset.csv and "
            "olist_closed_deals_dataset.csv together in "
            "$RESEARCH_DATA_HOME/olist_marketing_funnel/ or in the per-user cache folder "
            "<cache_dir()>/olist_marketing_funnel/ (its full path is listed below), or pass the "
            "folder holding them as path=. "
            "The data is CC BY-NC-SA 4.0: non-commercial use only."
        ),
        notes=(
            "8,000 marketing-qualified leads (first contact 2017-06-14 to 2018-05-31) and the 842 "
            "that became sellers (won 2017-12-05 to 2018-11-14), with SDR/SR ids."
        ),
    ),
    "upworthy_headlines": Dataset(
        name="upworthy_headlines",
        title="Upworthy Research Archive, exploratory headline A/B tests (2013-2015)",
        source=(
            "The Upworthy Research Archive on OSF (https://osf.io/jd64p/), exploratory split "
            "upworthy-archive-exploratory-packages-03.12.2020.csv (a CSV of about 13 MB). The "
            "registered file is NOT that CSV: it is a third-party processed column subset of it, "
            "stored as parquet in GitHub elilk2/Upworthy-Analysis-Project "
            "(data/processed/upworthy_clean.parquet, added in commit "
            "89643f83fe302f3055f7ce984ac04f79bc77d720), downloaded from that exact commit. The "
            "registered sha256 is of that parquet subset, not of the OSF original."
        ),
        citation=(
            "J. N. Matias, K. Munger, M. Aubin Le Quere & C. Ebersole (2021), The Upworthy "
            "Research Archive, a time series of 32,487 experiments in U.S. media, "
            "Scientific Data 8:195."
        ),
        licence="CC BY 4.0 (the archive's data licence).",
        files=(
            DatasetFile(
                "upworthy_clean.parquet",
                "91d1d583e267dbd9b4bb3641eb764245e61013deea99a651bdd129376df24782",
                "https://raw.githubusercontent.com/elilk2/Upworthy-Analysis-Project/"
                "89643f83fe302f3055f7ce984ac04f79bc77d720/data/processed/upworthy_clean.parquet",
                rows=22_666,
            ),
        ),
        notes=(
            "22,666 packages (headline and image variants) in 4,873 randomised tests, with "
            "impressions and clicks, test weeks 2013-03 to 2015-17: all packages of the "
            "archive's exploratory split, but only some of its columns (created_at, updated_at, "
            "slug, share_text and square are believed missing; not checked against the OSF "
            "file). The third party added the columns ctr (clicks / impressions) and "
            "winner_count_anomaly. Text fields look unprocessed: lede still holds HTML."
        ),
    ),
    "bank_marketing": Dataset(
        name="bank_marketing",
        title="UCI Bank Marketing, bank-additional (Portuguese bank telemarketing, 2008-2010)",
        source=(
            'UCI Machine Learning Repository, dataset 222 "Bank Marketing" '
            "(https://archive.ics.uci.edu/dataset/222/bank+marketing, DOI 10.24432/C5K306). The "
            "download is the UCI zip bank+marketing.zip, which holds bank-additional.zip, which "
            "holds bank-additional/bank-additional-full.csv and bank-additional.csv; the CSV is "
            "extracted and its sha256 checked before it enters the cache."
        ),
        citation=(
            "S. Moro, P. Cortez & P. Rita (2014), A data-driven approach to predict the success "
            "of bank telemarketing, Decision Support Systems 62:22-31."
        ),
        licence="CC BY 4.0 (the UCI repository's licence for this dataset).",
        files=(
            DatasetFile(
                "bank-additional-full.csv",
                "74adfc578bf77a7ff4bb1ba4a9f8709d9e3c6907342959c2c8416847e0afb4d8",
                _UCI_BANK_ZIP,
                rows=41_188,
                archive=("bank-additional.zip", "bank-additional/bank-additional-full.csv"),
            ),
            DatasetFile(
                "bank-additional.csv",
                "7e59cf650004d65d1c9d6b08553bad2ee9a9ad70d594f536e3c584ee6ed5df50",
                _UCI_BANK_ZIP,
                rows=4_119,
                archive=("bank-additional.zip", "bank-additional/bank-additional.csv"),
            ),
        ),
        notes=(
            "41,188 phone calls of a direct-marketing campaign for term deposits, May 2008 to "
            "November 2010, in time order (4,640 subscribed); bank-additional.csv is a 10% "
            "random sample of 4,119 calls in shuffled order (451 subscribed). The sha256 values "
            "are those of the two CSVs; the sha256 of the UCI zip that holds them is NOT known "
            "to us and is not checked (the zip may be repacked by UCI without the CSVs "
            "changing). The 'duration' column is known only after the call (leakage)."
        ),
    ),
}


def cache_dir() -> Path:
    """Return the per-user cache folder for downloaded datasets (it may not exist yet)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "research-toolkit"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "research-toolkit"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _dataset(name: str | Dataset) -> Dataset:
    if isinstance(name, Dataset):
        return name
    try:
        return DATASETS[name]
    except KeyError:
        raise ValueError(
            f"unknown dataset {name!r}; registered datasets: {', '.join(sorted(DATASETS))}"
        ) from None


def _explicit_candidates(path: Path, dataset: Dataset, entry: DatasetFile) -> list[Path]:
    if path.is_dir():
        return [path / entry.name, path / dataset.name / entry.name]
    return [path]


def _check(path: Path, entry: DatasetFile, *, strict: bool) -> Path:
    actual = _sha256(path)
    if actual != entry.sha256:
        message = f"{path} has sha256 {actual}, but the registered {entry.name} has {entry.sha256}"
        if strict:
            raise ChecksumMismatchError(
                message + "; the copy is corrupted or a different version: delete it and "
                "download it again, or pass it explicitly with path= to use it anyway."
            )
        warnings.warn(message + "; using it because it was passed explicitly.", stacklevel=3)
    return path


def _download(url: str, target: Path, sha256: str) -> Path:
    """Stream ``url`` into a temporary file beside ``target``, check it, then rename it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    handle = tempfile.NamedTemporaryFile(
        dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False
    )
    tmp = Path(handle.name)
    try:
        with handle, urllib.request.urlopen(url, timeout=60) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(
                total=total, unit="B", unit_scale=True, desc=f"Downloading {target.name}"
            ) as bar:
                for block in iter(lambda: response.read(1 << 16), b""):
                    handle.write(block)
                    digest.update(block)
                    bar.update(len(block))
        actual = digest.hexdigest()
        if actual != sha256:
            raise ChecksumMismatchError(
                f"download of {url} has sha256 {actual}, expected {sha256}; nothing was saved."
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _download_from_archive(url: str, members: tuple[str, ...], target: Path, sha256: str) -> Path:
    """Download the zip at ``url``, open ``members`` in turn (zips in zips), check the last
    one's sha256 and move it into ``target``; the archive itself is deleted afterwards."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.") as tmp:
        archive = Path(tmp) / "download.zip"
        with open(archive, "wb") as handle, urllib.request.urlopen(url, timeout=60) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(
                total=total, unit="B", unit_scale=True, desc=f"Downloading {Path(url).name}"
            ) as bar:
                for block in iter(lambda: response.read(1 << 16), b""):
                    handle.write(block)
                    bar.update(len(block))
        current = archive
        for i, member in enumerate(members):
            try:
                with zipfile.ZipFile(current) as zipped, zipped.open(member) as source:
                    data = source.read()
            except (zipfile.BadZipFile, KeyError) as exc:
                raise ChecksumMismatchError(
                    f"download of {url} is not the expected archive: cannot open "
                    f"{' -> '.join(members[: i + 1])} ({exc}); nothing was saved."
                ) from None
            current = Path(tmp) / f"member{i}"
            current.write_bytes(data)
        actual = hashlib.sha256(current.read_bytes()).hexdigest()
        if actual != sha256:
            raise ChecksumMismatchError(
                f"{members[-1]} extracted from {url} has sha256 {actual}, expected {sha256}; "
                "nothing was saved."
            )
        os.replace(current, target)
    return target


def fetch_file(
    dataset: str | Dataset,
    filename: str,
    *,
    path: str | os.PathLike[str] | None = None,
    download: bool = True,
) -> Path:
    """Return a local path to one file of a registered dataset, downloading it if needed.

    Parameters
    ----------
    dataset : str or Dataset
        Registered dataset name (a key of :data:`DATASETS`) or a :class:`Dataset`.
    filename : str
        One of the dataset's file names.
    path : path-like, optional
        The user's own copy: the file itself, or a folder holding it (directly or in a
        sub-folder named after the dataset). When given it is the only place looked at.
    download : bool, default True
        Download from the source when no local copy exists.

    Returns
    -------
    pathlib.Path
        Path of a verified copy of the file.

    Raises
    ------
    DatasetNotFoundError
        No copy was found and it could not be downloaded; the message says where to put it.
    ChecksumMismatchError
        A copy in ``RESEARCH_DATA_HOME``, the cache, or a fresh download has the wrong sha256.

    Examples
    --------
    >>> fetch_file("cdnow", "CDNOW_sample.txt")  # doctest: +SKIP
    PosixPath('/home/me/.cache/research-toolkit/cdnow/CDNOW_sample.txt')
    """
    ds = _dataset(dataset)
    entry = ds.file(filename)

    if path is not None:
        for candidate in _explicit_candidates(Path(path).expanduser(), ds, entry):
            if candidate.is_file():
                return _check(candidate, entry, strict=False)
        raise DatasetNotFoundError(
            f"{entry.name} of dataset {ds.name!r} is not at {path} "
            f"(looked for {', '.join(map(str, _explicit_candidates(Path(path), ds, entry)))})."
        )

    places: list[Path] = []
    home = os.environ.get(DATA_HOME_ENV)
    if home:
        places.append(Path(home).expanduser() / ds.name / entry.name)
    cached = cache_dir() / ds.name / entry.name
    places.append(cached)
    for candidate in places:
        if candidate.is_file():
            return _check(candidate, entry, strict=True)
        if candidate.exists():
            raise DatasetNotFoundError(
                f"{candidate} is a folder (or another non-file), not the file {entry.name}: "
                "remove it and put the file itself at that path"
            )

    reason = ""
    if entry.url is None:
        reason = ds.manual or "it cannot be downloaded automatically."
    elif not download:
        reason = "downloading was turned off (download=False)."
    else:
        try:
            if entry.archive:
                return _download_from_archive(entry.url, entry.archive, cached, entry.sha256)
            return _download(entry.url, cached, entry.sha256)
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = f"the download from {entry.url} failed ({exc})."

    where = [str(p) for p in places]
    raise DatasetNotFoundError(
        f"{entry.name} (dataset {ds.name!r}: {ds.title}) was not found and {reason}\n"
        f"Put the file at one of:\n  " + "\n  ".join(where) + "\n"
        f"(or set {DATA_HOME_ENV} to a folder holding {ds.name}/{entry.name}, or pass path=)."
        + (f"\nSource: {entry.url}" if entry.url else "")
        + f"\nExpected sha256: {entry.sha256}"
    )


def _read_whitespace_table(path: Path, names: list[str], id_cols: list[str]) -> pd.DataFrame:
    """Read a whitespace-separated table with or without a header line."""
    with open(path, encoding="ascii") as handle:
        first = handle.readline().split()
    has_header = bool(first) and not first[0].isdigit()
    dtypes = {name: "string" for name in id_cols} | {"date": "string"}
    return pd.read_csv(
        path,
        sep=r"\s+",
        header=None,
        names=names,
        skiprows=1 if has_header else 0,
        dtype=dtypes,
    )


def load_cdnow(
    kind: Literal["master", "sample"] = "master",
    *,
    path: str | os.PathLike[str] | None = None,
    download: bool = True,
) -> pd.DataFrame:
    """Load the CDNOW transaction log as a tidy frame, one row per purchase.

    Parameters
    ----------
    kind : {"master", "sample"}
        ``"master"``: all 69,659 purchases of the 23,570 customers who first bought in the first
        quarter of 1997, to 1998-06-30. ``"sample"``: Hardie's 1/10 sample, 6,919 purchases by
        2,357 customers (the sample used by Fader, Hardie & Lee 2005).
    path : path-like, optional
        Your own copy of the file (or its folder); see :func:`fetch_file`. Hardie's original
        header-less file is read as well as the Lifetimes copy with a header line.
    download : bool, default True
        Download the file if it is not on disk.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id`` (string, as in the file, e.g. ``"00001"``), ``date``
        (datetime64), ``quantity`` (number of CDs, int64) and ``amount`` (US dollars, float64).
        The sample also has ``master_customer_id``, the customer's id in the master file.

    Examples
    --------
    >>> tx = load_cdnow("sample")  # doctest: +SKIP
    >>> tx["customer_id"].nunique()  # doctest: +SKIP
    2357
    """
    if kind not in ("master", "sample"):
        raise ValueError(f"kind must be 'master' or 'sample', got {kind!r}")
    filename = "CDNOW_master.txt" if kind == "master" else "CDNOW_sample.txt"
    file = fetch_file("cdnow", filename, path=path, download=download)
    if kind == "master":
        names = ["customer_id", "date", "quantity", "amount"]
        ids = ["customer_id"]
    else:
        # The first column is the master-file id and the second the sample id (1..2357) used
        # by the published summaries (PROVENANCE.md of the mirror lists them the other way).
        names = ["master_customer_id", "customer_id", "date", "quantity", "amount"]
        ids = ["customer_id", "master_customer_id"]
    with _reading(file, "cdnow", filename):
        frame = _read_whitespace_table(file, names, ids)
        frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
        frame["quantity"] = frame["quantity"].astype("int64")
        frame["amount"] = frame["amount"].astype("float64")
    return frame


def load_donations(
    *, path: str | os.PathLike[str] | None = None, download: bool = True
) -> pd.DataFrame:
    """Load the donations data of Fader, Hardie & Shang (2010): one row per distinct pattern.

    11,104 first-time donors of 1995, observed in each of the 6 years 1996-2001; each row is a
    (frequency, recency) pattern and how many donors show it. The input of
    :func:`research.clv.fit_bgbb` with ``weights_col="weights"``.

    Parameters
    ----------
    path : path-like, optional
        Your own copy of ``donations.csv`` (or its folder); see :func:`fetch_file`.
    download : bool, default True
        Download the file if it is not on disk.

    Returns
    -------
    pandas.DataFrame
        Columns ``frequency`` (years with a repeat donation), ``recency`` (the last such year,
        0 if none), ``T`` (years observed: 6) and ``weights`` (donors with the pattern), all
        int64. The file's ``periods`` column is named ``T``, as in an RFM summary.

    Examples
    --------
    >>> donations = load_donations()  # doctest: +SKIP
    >>> int(donations["weights"].sum())  # doctest: +SKIP
    11104
    """
    file = fetch_file("donations", "donations.csv", path=path, download=download)
    columns = ["frequency", "recency", "periods", "weights"]
    with _reading(file, "donations", "donations.csv"):
        frame = pd.read_csv(file)
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ValueError(f"no column(s) {', '.join(missing)} (it has {list(frame.columns)})")
        frame = frame[columns].astype("int64").rename(columns={"periods": "T"})
    return frame


# Columns known only once an MQL has been won (they come from the closed-deals file and are
# missing for every lead that was not won). Using any of them to predict winning is leakage:
# they are outcomes, not inputs (see DOMAIN.md, "Olist marketing funnel").
OLIST_POST_OUTCOME_COLUMNS: tuple[str, ...] = (
    "won_date",
    "seller_id",
    "sdr_id",
    "sr_id",
    "business_segment",
    "lead_type",
    "lead_behaviour_profile",
    "has_company",
    "has_gtin",
    "average_stock",
    "business_type",
    "declared_product_catalog_size",
    "declared_monthly_revenue",
)

_OLIST_MQL_COLUMNS = ("mql_id", "first_contact_date", "landing_page_id", "origin")
_OLIST_DEAL_COLUMNS = ("mql_id", *OLIST_POST_OUTCOME_COLUMNS)
_OLIST_BOOLEAN_COLUMNS = ("has_company", "has_gtin")
_OLIST_FLOAT_COLUMNS = ("declared_product_catalog_size", "declared_monthly_revenue")


def _read_olist_csv(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    """Read one Olist CSV as strings; only empty cells become missing (pd.NA)."""
    frame = pd.read_csv(path, dtype="string", keep_default_na=False, na_values=[""])
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{path.name} ({len(frame)} rows) lacks the column(s) {', '.join(missing)}; "
            f"expected the columns {', '.join(columns)}"
        )
    return frame.loc[:, list(columns)]


def _olist_boolean(values: pd.Series, source: str) -> pd.Series:
    """Turn "True"/"False"/missing strings into a nullable boolean column."""
    bad = values.notna() & ~values.isin(["True", "False"])
    if bad.any():
        examples = ", ".join(repr(v) for v in values[bad].unique()[:3])
        raise ValueError(
            f"column {values.name!r} of {source} has {int(bad.sum())} of {len(values)} rows "
            f"that are not True, False or empty (e.g. {examples})"
        )
    return values.map({"True": True, "False": False}).astype("boolean")


def load_olist_funnel(*, path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load the Olist marketing funnel: one row per MQL, with the deal when it was won.

    The marketing-qualified leads file (8,000 rows) is joined with the closed-deals file
    (842 rows) on ``mql_id``. The data cannot be downloaded for you (it is on Kaggle behind
    a login): see ``DATASETS["olist_marketing_funnel"].manual`` or the error message for
    where to put it.

    Parameters
    ----------
    path : path-like, optional
        A folder holding both ``olist_marketing_qualified_leads_dataset.csv`` and
        ``olist_closed_deals_dataset.csv`` (directly or in a sub-folder
        ``olist_marketing_funnel``). Without it, ``RESEARCH_DATA_HOME`` and the per-user
        cache are searched; see :func:`fetch_file`.

    Returns
    -------
    pandas.DataFrame
        One row per MQL, in the order of the MQL file, with the columns

        - ``mql_id`` (string), ``first_contact_date`` (datetime64), ``landing_page_id``
          (string), ``origin`` (string): known for every MQL. ``origin`` is missing (``<NA>``)
          for the 60 MQLs whose origin cell is empty; these are not merged into the
          ``"unknown"`` label (1,099 MQLs), which the file itself uses.
        - ``won`` (bool): the MQL appears in the closed-deals file.
        - the columns of :data:`OLIST_POST_OUTCOME_COLUMNS`, missing for every MQL that was
          not won: ``won_date`` (datetime64, NaT), ``seller_id``, ``sdr_id``, ``sr_id``,
          ``business_segment``, ``lead_type``, ``lead_behaviour_profile`` (string; e.g.
          ``"cat, wolf"`` kept as written), ``has_company``, ``has_gtin`` (nullable boolean),
          ``average_stock`` (string ranges such as ``"5-20"``), ``business_type`` (string),
          ``declared_product_catalog_size`` and ``declared_monthly_revenue`` (float64).
          Many of them are empty even for won MQLs, and ``declared_monthly_revenue`` is 0.0
          for most won MQLs (probably "not declared"); values are kept as in the file.

        Only the first four columns may be used to predict ``won``; the others are known
        only after winning (leakage).

    Raises
    ------
    DatasetNotFoundError
        A file is not on disk; the message says how to get it from Kaggle and where to put it.
    ChecksumMismatchError
        A copy in ``RESEARCH_DATA_HOME`` or the cache differs from the registered file (a copy
        passed with ``path=`` only warns).
    ValueError
        ``path`` is a file rather than a folder, a column is missing, ``mql_id`` is repeated
        in either file, a closed deal's ``mql_id`` is not in the MQL file, or
        ``has_company``/``has_gtin`` hold something other than True/False/empty.

    Examples
    --------
    >>> funnel = load_olist_funnel()  # doctest: +SKIP
    >>> funnel.shape  # doctest: +SKIP
    (8000, 18)
    >>> funnel["won"].sum(), round(funnel["won"].mean(), 5)  # doctest: +SKIP
    (np.int64(842), np.float64(0.10525))
    >>> inputs = funnel.drop(columns=["won", *OLIST_POST_OUTCOME_COLUMNS])  # doctest: +SKIP
    """
    if path is not None and Path(path).expanduser().is_file():
        raise ValueError(f"path must be the folder holding both Olist files, got the file {path}")
    mql_file, deals_file = (
        fetch_file("olist_marketing_funnel", f.name, path=path)
        for f in DATASETS["olist_marketing_funnel"].files
    )
    mql_entry, deals_entry = DATASETS["olist_marketing_funnel"].files
    with _reading(mql_file, "olist_marketing_funnel", mql_entry.name):
        mqls = _read_olist_csv(mql_file, _OLIST_MQL_COLUMNS)
    with _reading(deals_file, "olist_marketing_funnel", deals_entry.name):
        deals = _read_olist_csv(deals_file, _OLIST_DEAL_COLUMNS)

    for frame, file in ((mqls, mql_file), (deals, deals_file)):
        repeated = frame["mql_id"].isna() | frame["mql_id"].duplicated(keep=False)
        if repeated.any():
            raise ValueError(
                f"column 'mql_id' of {file.name} must be unique and non-empty, but "
                f"{int(repeated.sum())} of its {len(frame)} rows are empty or repeated "
                f"(e.g. {frame.loc[repeated, 'mql_id'].iloc[0]!r})"
            )
    unknown = ~deals["mql_id"].isin(mqls["mql_id"])
    if unknown.any():
        raise ValueError(
            f"every mql_id of {deals_file.name} must appear in {mql_file.name}, but "
            f"{int(unknown.sum())} of its {len(deals)} rows do not "
            f"(e.g. {deals.loc[unknown, 'mql_id'].iloc[0]!r})"
        )

    mqls["first_contact_date"] = pd.to_datetime(mqls["first_contact_date"], format="%Y-%m-%d")
    deals["won_date"] = pd.to_datetime(deals["won_date"], format="%Y-%m-%d %H:%M:%S")
    for col in _OLIST_BOOLEAN_COLUMNS:
        deals[col] = _olist_boolean(deals[col], deals_file.name)
    for col in _OLIST_FLOAT_COLUMNS:
        deals[col] = deals[col].astype("float64")

    funnel = mqls.merge(
        deals, on="mql_id", how="left", validate="one_to_one", sort=False, indicator="_merge"
    )
    won = funnel.pop("_merge").eq("both").astype(bool)
    funnel.insert(len(_OLIST_MQL_COLUMNS), "won", won)
    return funnel


#: The columns of :func:`olist_mql_features`: what is known about an Olist MQL at MQL time.
OLIST_MQL_FEATURES = ("origin", "landing_page", "contact_weekday")


def olist_mql_features(olist: pd.DataFrame) -> pd.DataFrame:
    """What is known about each Olist MQL when it becomes an MQL, ready for a model or a chart.

    ``origin`` with the 60 empty cells as ``"(missing)"`` (kept apart from the file's own
    ``"unknown"``), ``landing_page`` as the first 8 characters of ``landing_page_id`` (unique
    among Olist's 495 pages; an error says so if a shortened id would merge two pages) and
    ``contact_weekday``, the day name of ``first_contact_date``. Nothing known only after the
    deal (:data:`OLIST_POST_OUTCOME_COLUMNS`) is used.

    Parameters
    ----------
    olist : pandas.DataFrame
        The output of :func:`load_olist_funnel` (at least ``origin``, ``landing_page_id`` and
        ``first_contact_date``). Not modified.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`OLIST_MQL_FEATURES`, indexed like ``olist``.

    Raises
    ------
    TypeError
        ``olist`` is not a DataFrame.
    ValueError
        A column is missing, ``first_contact_date`` is not a date, or two landing pages share
        their first 8 characters.

    Examples
    --------
    >>> olist_mql_features(load_olist_funnel()).columns.tolist()  # doctest: +SKIP
    ['origin', 'landing_page', 'contact_weekday']
    """
    frame = require_frame(olist, "olist")
    require_columns(frame, ["origin", "landing_page_id", "first_contact_date"], "olist")
    if not pd.api.types.is_datetime64_any_dtype(frame["first_contact_date"].dtype):
        raise ValueError(
            "column 'first_contact_date' of olist must hold dates: load it with load_olist_funnel"
        )
    pages = frame["landing_page_id"]
    distinct = pages.dropna().drop_duplicates()
    short = distinct.str[:8]
    if short.duplicated().any():
        raise ValueError(
            f"{int(short.duplicated(keep=False).sum())} landing pages share their first 8 "
            "characters: the shortened ids would merge them"
        )
    return pd.DataFrame(
        {
            "origin": frame["origin"].fillna("(missing)"),
            "landing_page": pages.str[:8],
            "contact_weekday": frame["first_contact_date"].dt.day_name(),
        },
        index=frame.index,
    )


_UPWORTHY_COLUMNS = {  # column in the file -> column returned
    "clickability_test_id": "test_id",
    "headline": "headline",
    "lede": "lede",
    "excerpt": "excerpt",
    "impressions": "impressions",
    "clicks": "clicks",
    "ctr": "ctr",
    "winner": "winner",
    "first_place": "first_place",
    "test_week": "test_week",
    "eyecatcher_id": "eyecatcher_id",
}


def load_upworthy(
    *, path: str | os.PathLike[str] | None = None, download: bool = True
) -> pd.DataFrame:
    """Load the Upworthy Research Archive's exploratory headline tests, one row per package.

    Upworthy tested each story by showing its visitors, at random, one of several "packages"
    (a headline, often with an image) and counting impressions and clicks; the archive
    (Matias et al. 2021, Scientific Data 8:195, CC BY 4.0) publishes these randomised tests.
    The registered file is a third-party column subset of the exploratory split, stored as
    parquet (see ``DATASETS["upworthy_headlines"].source``): its sha256 is that of the subset,
    so the OSF original cannot be verified or read by this loader.

    Parameters
    ----------
    path : path-like, optional
        Your own copy of ``upworthy_clean.parquet`` (or its folder); see :func:`fetch_file`.
    download : bool, default True
        Download the file (about 3 MB, from the GitHub commit it was added in) if it is not on
        disk.

    Returns
    -------
    pandas.DataFrame
        22,666 rows (packages) in 4,873 tests, with a fresh ``RangeIndex`` (the file's own
        index, row numbers from the third party's processing, is dropped) and the columns

        - ``test_id`` (string): the test (``clickability_test_id``); packages of one test were
          randomised against each other, packages of different tests were not.
        - ``headline``, ``lede``, ``excerpt`` (string, missing as ``<NA>``): the package's text.
          ``lede`` is HTML; 2,417 excerpts and 12 ledes are missing.
        - ``impressions``, ``clicks`` (int64) and ``ctr`` (float64, clicks / impressions).
        - ``winner``, ``first_place`` (bool): as recorded by Upworthy's testing tool. Most
          tests do not have exactly one winner; do not read ``winner`` as "the best package".
        - ``test_week`` (int64, ``YYYYWW``, 201303 to 201517).
        - ``eyecatcher_id`` (string): the image shown (22 missing).

        The file's ``significance`` (a 0-100 score of the tool, not a p-value) and the third
        party's ``winner_count_anomaly`` are left out.

    Raises
    ------
    DatasetNotFoundError
        The file is not on disk and could not be downloaded.
    ChecksumMismatchError
        A copy in ``RESEARCH_DATA_HOME``, the cache or a download differs from the registered
        file (a copy passed with ``path=`` only warns).
    ValueError
        A column is missing, impressions are not positive, clicks are negative or exceed
        impressions, or ``ctr`` differs from clicks / impressions.

    Examples
    --------
    >>> packages = load_upworthy()  # doctest: +SKIP
    >>> packages.shape, packages["test_id"].nunique()  # doctest: +SKIP
    ((22666, 11), 4873)
    """
    file = fetch_file("upworthy_headlines", "upworthy_clean.parquet", path=path, download=download)
    with _reading(file, "upworthy_headlines", "upworthy_clean.parquet"):
        raw = pd.read_parquet(file, engine="pyarrow")
    missing = [c for c in _UPWORTHY_COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(
            f"{file.name} ({len(raw):,} rows) lacks the column(s) {', '.join(missing)}; "
            f"expected the columns {', '.join(_UPWORTHY_COLUMNS)}"
        )
    frame = raw.loc[:, list(_UPWORTHY_COLUMNS)].rename(columns=_UPWORTHY_COLUMNS)
    frame = frame.reset_index(drop=True)
    for col in ("test_id", "headline", "lede", "excerpt", "eyecatcher_id"):
        frame[col] = frame[col].astype("string")
    for col in ("impressions", "clicks", "test_week"):
        frame[col] = frame[col].astype("int64")
    frame["ctr"] = frame["ctr"].astype("float64")
    for col in ("winner", "first_place"):
        if not pd.api.types.is_bool_dtype(frame[col].dtype) or frame[col].isna().any():
            raise ValueError(
                f"column {col!r} of {file.name} ({len(frame):,} rows) must be boolean without "
                f"missing values, got dtype {frame[col].dtype}"
            )
        frame[col] = frame[col].astype(bool)

    impressions = frame["impressions"].to_numpy()
    clicks = frame["clicks"].to_numpy()
    checks = (
        (impressions <= 0, "have impressions <= 0 (no click-through rate)"),
        (clicks < 0, "have negative clicks"),
        (clicks > impressions, "have more clicks than impressions"),
    )
    for bad, what in checks:
        if bad.any():
            raise ValueError(
                f"{int(bad.sum()):,} of the {len(frame):,} rows of {file.name} {what} "
                f"(e.g. test {frame.loc[bad, 'test_id'].iloc[0]!r})"
            )
    expected = clicks / impressions
    off = ~np.isclose(frame["ctr"].to_numpy(), expected, rtol=1e-9, atol=0.0)
    if off.any():
        first = int(np.flatnonzero(off)[0])
        raise ValueError(
            f"column 'ctr' of {file.name} must equal clicks / impressions, but "
            f"{int(off.sum()):,} of its {len(frame):,} rows differ (e.g. row {first}: ctr "
            f"{frame['ctr'].iloc[first]!r}, clicks / impressions {expected[first]!r})"
        )
    return frame


#: Columns of the bank marketing data known only after the call: ``duration`` (seconds) is 0
#: exactly when nobody answered, and the outcome is known when the call ends. Leave it out of
#: a model meant to choose whom to call (Moro et al. 2014; the UCI description says the same).
BANK_MARKETING_POST_OUTCOME_COLUMNS: tuple[str, ...] = ("duration",)

# The levels of each categorical column, in the order of the UCI description
# (bank-additional-names.txt); month and day_of_week in calendar order.
_BANK_LEVELS: dict[str, tuple[str, ...]] = {
    "job": (
        "admin.",
        "blue-collar",
        "entrepreneur",
        "housemaid",
        "management",
        "retired",
        "self-employed",
        "services",
        "student",
        "technician",
        "unemployed",
        "unknown",
    ),
    "marital": ("divorced", "married", "single", "unknown"),
    "education": (
        "basic.4y",
        "basic.6y",
        "basic.9y",
        "high.school",
        "illiterate",
        "professional.course",
        "university.degree",
        "unknown",
    ),
    "default": ("no", "yes", "unknown"),
    "housing": ("no", "yes", "unknown"),
    "loan": ("no", "yes", "unknown"),
    "contact": ("cellular", "telephone"),
    "month": ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    "day_of_week": ("mon", "tue", "wed", "thu", "fri"),
    "poutcome": ("failure", "nonexistent", "success"),
}
_BANK_INTEGERS = ("age", "duration", "campaign", "pdays", "previous")
_BANK_FLOATS = ("emp.var.rate", "cons.price.idx", "cons.conf.idx", "euribor3m", "nr.employed")
_BANK_COLUMNS = (
    "age",
    "job",
    "marital",
    "education",
    "default",
    "housing",
    "loan",
    "contact",
    "month",
    "day_of_week",
    "duration",
    "campaign",
    "pdays",
    "previous",
    "poutcome",
    "emp.var.rate",
    "cons.price.idx",
    "cons.conf.idx",
    "euribor3m",
    "nr.employed",
    "y",
)


def load_bank_marketing(
    kind: Literal["full", "sample"] = "full",
    *,
    path: str | os.PathLike[str] | None = None,
    download: bool = True,
) -> pd.DataFrame:
    """Load the UCI Bank Marketing calls (bank-additional), one row per call, in file order.

    A Portuguese bank phoned clients to sell a term deposit (Moro, Cortez & Rita 2014,
    Decision Support Systems 62:22-31, CC BY 4.0). Each row is the last call of a client in
    the campaign, with the client's profile, the call, earlier campaigns, the economy at the
    time, and whether the client subscribed.

    Parameters
    ----------
    kind : {"full", "sample"}
        ``"full"``: ``bank-additional-full.csv``, all 41,188 calls (4,640 subscribed) from May
        2008 to November 2010, **in time order** (the file has no date column: the row order
        is the only clock; ``month`` is the calendar month, without the year).
        ``"sample"``: ``bank-additional.csv``, the 10% random sample of 4,119 calls (451
        subscribed) UCI ships for slow algorithms; its rows are shuffled, so it suits random
        cross-validation but not a chronological evaluation.
    path : path-like, optional
        Your own copy of the CSV (or its folder); see :func:`fetch_file`.
    download : bool, default True
        Download the UCI zip (about 1 MB) if the file is not on disk; the CSV is extracted
        from the zips inside it and its sha256 checked before it is cached.

    Returns
    -------
    pandas.DataFrame
        The 21 columns of the file, with the file's names (``emp.var.rate`` etc. keep their
        dots) and a fresh ``RangeIndex`` in file order; nothing is added or dropped:

        - ``y`` (bool): the client subscribed a term deposit (``"yes"`` -> True).
        - ``job``, ``marital``, ``education``, ``default``, ``housing``, ``loan``,
          ``contact``, ``month``, ``day_of_week``, ``poutcome``: unordered pandas
          categoricals whose categories are every level of the UCI description (in its
          order; months and days in calendar order), used or not (no call is in January or
          February). ``"unknown"`` (the file's code for a missing answer) is kept as a level
          of its own, not turned into a missing value: not answering can itself predict.
        - ``age``, ``duration`` (seconds of the call), ``campaign`` (calls to the client in
          this campaign, including this one), ``pdays``, ``previous`` (int64).
          ``pdays`` is the number of days since the client was last contacted in an earlier
          campaign, and **999 means never contacted** (39,673 calls in the full file): the
          raw value is kept, so a linear model sees 999 as a number unless you recode it
          (``poutcome == "nonexistent"`` marks the same calls almost exactly).
        - ``emp.var.rate``, ``cons.price.idx``, ``cons.conf.idx``, ``euribor3m``,
          ``nr.employed`` (float64): quarterly, monthly or daily economic indicators.

        ``duration`` is known only after the call (:data:`BANK_MARKETING_POST_OUTCOME_COLUMNS`);
        a model that uses it looks far better than any model can be before dialling. The full
        file has 12 exact duplicate rows, as in the original; they are kept.

    Raises
    ------
    DatasetNotFoundError
        The file is not on disk and could not be downloaded.
    ChecksumMismatchError
        A copy in ``RESEARCH_DATA_HOME``, the cache or a download differs from the registered
        CSV (a copy passed with ``path=`` only warns).
    ValueError
        ``kind`` is unknown, a column is missing, ``y`` holds something other than yes/no, or a
        categorical column holds a level the UCI description does not list.

    Examples
    --------
    >>> calls = load_bank_marketing()  # doctest: +SKIP
    >>> calls.shape, int(calls["y"].sum())  # doctest: +SKIP
    ((41188, 21), 4640)
    >>> inputs = calls.drop(columns=["y", *BANK_MARKETING_POST_OUTCOME_COLUMNS])  # doctest: +SKIP
    """
    files = {"full": "bank-additional-full.csv", "sample": "bank-additional.csv"}
    if kind not in files:
        raise ValueError(f"kind must be 'full' or 'sample', got {kind!r}")
    file = fetch_file("bank_marketing", files[kind], path=path, download=download)
    # ';'-separated, strings in double quotes, CRLF line ends (read_csv handles all three)
    dtypes = {c: "string" for c in (*_BANK_LEVELS, "y")}
    with _reading(file, "bank_marketing", files[kind]):
        raw = pd.read_csv(file, sep=";", quotechar='"', dtype=dtypes, keep_default_na=False)
    missing = [c for c in _BANK_COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(
            f"{file.name} ({len(raw):,} rows) lacks the column(s) {', '.join(missing)}; "
            f"expected the ';'-separated columns {', '.join(_BANK_COLUMNS)}"
        )
    frame = raw.loc[:, list(_BANK_COLUMNS)].reset_index(drop=True)
    for col, levels in _BANK_LEVELS.items():
        bad = ~frame[col].isin(levels)
        if bad.any():
            raise ValueError(
                f"column {col!r} of {file.name} has {int(bad.sum()):,} of {len(frame):,} rows "
                f"outside its documented levels {list(levels)} (e.g. "
                f"{frame.loc[bad, col].iloc[0]!r} in row {int(np.flatnonzero(bad)[0])})"
            )
        frame[col] = pd.Categorical(frame[col].to_numpy(dtype=object), categories=levels)
    answer = frame["y"]
    bad = ~answer.isin(["yes", "no"])
    if bad.any():
        raise ValueError(
            f"column 'y' of {file.name} must be 'yes' or 'no', but {int(bad.sum()):,} of its "
            f"{len(frame):,} rows are not (e.g. {answer[bad].iloc[0]!r})"
        )
    frame["y"] = (answer == "yes").to_numpy(dtype=bool)
    for col in _BANK_INTEGERS:
        frame[col] = frame[col].astype("int64")
    for col in _BANK_FLOATS:
        frame[col] = frame[col].astype("float64")
    return frame
