"""The "Emotions in everyday life" survey (Trampe, Quoidbach & Taquet 2015): the OSF table and a synthetic demo.

One row is one smartphone report: `id` (participant), `Hours` (hour of day, 0-23), `Day` (day of week, 1-7; see
`DAY_ONE` for what 1 means), then 18 emotion columns of 0/1 in the original spelling (`taxonomy.SURVEY`: Pride ...
Alertness positive, Anxiety ... Anger negative). Rows are multi-label, so the full
table is the data set's `table` (a row per report) and the analyses (`survey.eda`) use it; `labels` is a single-label
summary
for the generic tools: the first reported emotion in column order, or "none" when the row reports none.
Missing values are kept (and counted): dropping them is a cleaning step of the analysis, as in the paper.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from emodash.core.dataset import Dataset
from emodash.core.errors import InputError
from emodash.core.taxonomy import SURVEY, Label, LabelSet
from emodash.io import tables

EMOTIONS: tuple[str, ...] = SURVEY.names
POSITIVE: tuple[str, ...] = EMOTIONS[:9]
NEGATIVE: tuple[str, ...] = EMOTIONS[9:]
COLUMNS: tuple[str, ...] = ("id", "Hours", "Day", *EMOTIONS)
SUFFIXES = (".csv", ".csv.gz", ".xlsx")
WEEKDAYS: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: What `Day` = 1 means. NOT CONFIRMED: the paper's text does not say and the OSF codebook could not be checked
#: from here. Sunday is the likely default because the usual tools of the time count 1 = Sunday (iOS
#: `NSDateComponents.weekday`, MATLAB `weekday`, Excel `WEEKDAY`). Every weekday view takes it as a setting
#: (`day_one`) and the page lets the user switch it.
DAY_ONE = "Sunday"
CITATION = (
    "Trampe D, Quoidbach J, Taquet M (2015) Emotions in Everyday Life. PLOS ONE 10(12): e0145450. "
    "https://doi.org/10.1371/journal.pone.0145450 · data: https://osf.io/e7uab"
)

#: The survey's 18 emotions plus "none" (a report with no emotion), the single-label summary of each row.
REPORTS = LabelSet(
    "everyday-reports",
    (*SURVEY.labels, Label("none", "neutral", None, None, "no emotion reported: neutral, as a face without one")),
    "Everyday-emotions reports summarised to one label: the first reported emotion in column order, else 'none'.",
)


def read_survey(path: str | Path) -> Dataset:
    """The OSF table: a CSV (also .csv.gz or .xlsx) file, or a folder holding exactly one such file."""
    p = Path(path)
    if p.is_dir():
        tables = sorted(f for f in p.iterdir() if f.is_file() and f.name.lower().endswith(SUFFIXES))
        if not tables:
            raise InputError(f"{p}: no survey table in this folder (expected one .csv file in the OSF format)")
        if len(tables) > 1:
            raise InputError(
                f"{p}: several tables ({', '.join(f.name for f in tables)}); keep one there or point to the file"
            )
        p = tables[0]
    elif not p.is_file():
        raise InputError(f"{p}: no such file or folder")
    return read_bytes(p.read_bytes(), str(p))


#: The modality reader used by `registry.open_path`: every published form of the survey, file or folder.
read = read_survey


def read_bytes(data: bytes, name: str) -> Dataset:
    """A survey table from the bytes of a file called `name` (an upload); its suffix says CSV, gzip or Excel."""
    table = validate(_parse(data, name), name)
    return make_dataset(table, Path(name).name.split(".")[0], source=name)


def _parse(data: bytes, name: str) -> pd.DataFrame:
    lower = name.lower()
    if not data:
        raise InputError(f"{name}: the file is empty (expected a header line {', '.join(COLUMNS[:4])}, ...)")
    if lower.endswith(".xlsx"):
        return next(iter(tables.workbook(data, name, dtype=str).values()))
    if lower.endswith(".gz"):
        data = tables.gunzip(data, name)
    return tables.read_csv(data, name, f"a header line {', '.join(COLUMNS[:4])}, ...", dtype=str, index_col=False)


def validate(raw: pd.DataFrame, name: str) -> pd.DataFrame:
    """The raw table (all text) checked against the OSF format and converted to numbers; missing values kept."""
    raw = raw.rename(columns=lambda c: str(c).strip())
    if raw.shape[1] == 1:
        header = raw.columns[0]
        for sep, word in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if sep in header:
                raise InputError(f"{name}: columns are separated by {word}; expected commas (the OSF CSV format)")
    missing = [c for c in COLUMNS if c not in raw.columns]
    extra = [c for c in raw.columns if c not in COLUMNS]
    if missing or extra:
        parts = [f"missing column(s) {', '.join(missing)}"] if missing else []
        parts += [f"unexpected column(s) {', '.join(map(str, extra))}"] if extra else []
        hint = (
            " (the original headers are spelled Ofense and Embarassment)"
            if {"Ofense", "Embarassment"} & set(missing)
            else ""
        )
        raise InputError(f"{name}: {'; '.join(parts)}{hint}; expected the 21 columns {', '.join(COLUMNS)}")
    if raw.empty:
        raise InputError(f"{name}: a header but no rows")
    table = pd.DataFrame(index=pd.RangeIndex(len(raw)))
    ids = raw["id"].str.strip()
    numeric_ids = pd.to_numeric(ids, errors="coerce")
    table["id"] = numeric_ids.astype("Int64") if (numeric_ids.notna() == ids.notna()).all() else ids
    for column in COLUMNS[1:]:
        text = raw[column].str.strip()
        values = pd.to_numeric(text, errors="coerce")
        bad = values.isna() & text.notna() & (text != "")
        if bad.any():
            _refuse(name, column, bad, raw[column], "is not a number")
        table[column] = values.astype(float)
    for column, low, high, what in (("Hours", 0, 23, "the hour of day"), ("Day", 1, 7, "the day of week")):
        values = table[column]
        bad = values.notna() & ((values < low) | (values > high) | (values % 1 != 0))
        if bad.any():
            _refuse(name, column, bad, raw[column], f"is not a whole number from {low} to {high} ({what})")
    emotions = table[list(EMOTIONS)]
    bad_cells = emotions.notna() & ~emotions.isin([0.0, 1.0])
    if bad_cells.to_numpy().any():
        columns = [c for c in EMOTIONS if bad_cells[c].any()]
        _refuse(name, columns[0], bad_cells[columns[0]], raw[columns[0]], "is not 0 or 1", others=columns[1:])
    return table


def _refuse(name: str, column: str, bad: pd.Series, raw: pd.Series, problem: str, others: list[str] = ()) -> None:
    first = int(np.flatnonzero(bad.to_numpy())[0])
    also = f"; also in {', '.join(others)}" if others else ""
    raise InputError(
        f"{name}: column {column} has {int(bad.sum())} value(s) that {problem}, first {raw.iloc[first]!r} "
        f"on row {first + 2} (the header is row 1){also}"
    )


def make_dataset(table: pd.DataFrame, name: str, source: str = "", synthetic: bool = False) -> Dataset:
    """The `Dataset` of a validated table: samples are its rows (`ds.table`), groups participant/hour/day."""
    hit = table[list(EMOTIONS)].to_numpy(float) == 1
    first = np.array(EMOTIONS, dtype=object)[hit.argmax(axis=1)]
    labels = np.where(hit.any(axis=1), first, "none").astype(object)
    groups = pd.DataFrame({"participant": table["id"], "hour": table["Hours"], "day": table["Day"]})
    meta = {"citation": CITATION, "rows_with_missing": int(table.isna().any(axis=1).sum())}
    return Dataset(name, "survey", table, labels, REPORTS, groups, meta, source, "OSF CSV", synthetic)


# Synthetic demo: per-report logits of each emotion, shifted by a mood made of participant, weekday and hour effects.
_BASE = dict(
    Pride=0.10, Love=0.30, Hope=0.20, Gratitude=0.14, Joy=0.40, Satisfaction=0.18, Awe=0.05, Amusement=0.13,
    Alertness=0.16, Anxiety=0.25, Disdain=0.02, Ofense=0.04, Guilt=0.04, Disgust=0.03, Fear=0.05,
    Embarassment=0.02, Sadness=0.09, Anger=0.06,
)  # fmt: skip
_WEEKDAY_MOOD = np.array([-0.05, -0.15, -0.2, -0.15, 0.05, 0.2, 0.2])  # Monday .. Sunday: mid-week dip
_HOUR_WEIGHT = np.array([2, 1, 0.5, 0.3, 0.3, 0.6, 2, 5, 7, 8, 8, 8, 9, 9, 8, 8, 8, 9, 9, 9, 8, 7, 5, 3], float)


def demo(n_participants: int = 400, seed: int = 2015) -> Dataset:
    """Deterministic synthetic reports shaped like the OSF table (not real data): ~90 % of rows report an emotion,
    positive ~2.5x negative, a mid-week dip, few night reports, ~2 % rows with a missing value."""
    rng = np.random.default_rng(seed)
    per_person = np.minimum(1 + rng.negative_binomial(1, 0.13, n_participants), 60)
    ids = rng.choice(np.arange(10_000, 99_999), n_participants, replace=False)
    pid = np.repeat(np.arange(n_participants), per_person)
    n = len(pid)
    weekday = rng.integers(0, 7, n)  # 0 = Monday
    hours = rng.choice(24, n, p=_HOUR_WEIGHT / _HOUR_WEIGHT.sum())
    night = np.isin(hours, (23, 0, 1, 2, 3, 4, 5))
    mood = rng.normal(0, 0.4, n_participants)[pid] + _WEEKDAY_MOOD[weekday] - 0.3 * night + rng.normal(0, 0.4, n)
    base = np.array([_BASE[e] for e in EMOTIONS])
    sign = np.where(np.isin(EMOTIONS, POSITIVE), 1.0, -1.0)
    logits = np.log(base / (1 - base)) + np.outer(mood, sign) + rng.normal(0, 0.3, (n, 1))
    reports = (rng.random((n, len(EMOTIONS))) < 1 / (1 + np.exp(-logits))).astype(float)
    reports[rng.random(n) < 0.02] = 0.0  # some moments with no emotion at all
    first_day = WEEKDAYS.index(DAY_ONE)
    table = pd.DataFrame(reports, columns=list(EMOTIONS))
    table.insert(0, "Day", ((weekday - first_day) % 7 + 1).astype(float))
    table.insert(0, "Hours", hours.astype(float))
    table.insert(0, "id", pd.array(ids[pid], dtype="Int64"))
    holes = rng.choice(n, int(0.018 * n), replace=False)
    table = table.astype({c: float for c in COLUMNS[1:]})
    for row in holes:
        table.iat[row, int(rng.integers(1, len(COLUMNS)))] = np.nan
    return make_dataset(table, "demo-survey", synthetic=True)
