"""Analyses of the everyday-emotions survey table: cleaning, how often each emotion is felt, valence, weekday and
hour-of-day rhythms, co-occurrence and participation; `describe` gathers them for the CLI and the Datasets page.

Every function takes the table of `survey.formats` (columns id, Hours, Day and 18 emotion columns of 0/1,
missing values possible) and treats a missing emotion cell as "not reported".
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from emodash.core.dataset import Dataset
from emodash.modalities.survey.formats import DAY_ONE, EMOTIONS, NEGATIVE, POSITIVE, WEEKDAYS

#: Hours the seed analysis treated as night (23:00 to 05:59): few reports, shown and excludable.
NIGHT_HOURS: tuple[int, ...] = (23, 0, 1, 2, 3, 4, 5)
MIDWEEK: tuple[str, ...] = ("Tuesday", "Wednesday", "Thursday")
WEEKEND: tuple[str, ...] = ("Saturday", "Sunday")

#: What the paper and the OSF file report, to compare with the real table.
PUBLISHED: dict[str, Any] = {
    "rows": 69_544,
    "rows_with_missing": 1_233,
    "rows_after_cleaning": 68_311,
    "ids": 12_211,
    "participants": "11,000+",
    "any_emotion_share": 0.90,
    "positive_negative_ratio": 2.5,
    "weekday": "worse mid-week, better at the weekend",
}


def clean(table: pd.DataFrame, drop_missing: bool = True, exclude_night: bool = False) -> pd.DataFrame:
    """The rows kept for analysis: without rows that have a missing value (the paper's cleaning) and, optionally,
    without night reports (Hours in `NIGHT_HOURS`)."""
    keep = pd.Series(True, index=table.index)
    if drop_missing:
        keep &= table.notna().all(axis=1)
    if exclude_night:
        keep &= ~table["Hours"].isin(NIGHT_HOURS)
    return table[keep]


def cleaning_summary(table: pd.DataFrame) -> dict[str, Any]:
    """Rows and participants before and after dropping rows with missing values; missing cells per column; night
    reports."""
    missing = table.isna()
    kept = table[~missing.any(axis=1)]
    per_column = missing.sum()
    return {
        "rows": len(table),
        "participants": int(table["id"].nunique()),
        "rows_with_missing": int(missing.any(axis=1).sum()),
        "missing_by_column": {c: int(v) for c, v in per_column[per_column > 0].items()},
        "rows_after_cleaning": len(kept),
        "participants_after_cleaning": int(kept["id"].nunique()),
        "night_rows": int(table["Hours"].isin(NIGHT_HOURS).sum()),
    }


def _reported(table: pd.DataFrame, emotions: tuple[str, ...] = EMOTIONS) -> pd.DataFrame:
    return table[list(emotions)] == 1


def any_emotion_share(table: pd.DataFrame) -> float:
    """Share of reports with at least one emotion (the paper: about 90 %)."""
    return float(_reported(table).any(axis=1).mean()) if len(table) else math.nan


def emotion_frequencies(table: pd.DataFrame) -> pd.DataFrame:
    """Each emotion's count and share of reports, with its valence, most frequent first."""
    hits = _reported(table)
    return (
        pd.DataFrame(
            {
                "emotion": list(EMOTIONS),
                "valence": ["positive" if e in POSITIVE else "negative" for e in EMOTIONS],
                "count": hits.sum().to_numpy(),
                "share": hits.mean().to_numpy() if len(table) else np.full(len(EMOTIONS), np.nan),
            }
        )
        .sort_values("count", ascending=False, kind="stable")
        .reset_index(drop=True)
    )


def valence_balance(table: pd.DataFrame) -> dict[str, float]:
    """Positive against negative: total reports of each (their ratio; the paper: about 2.5) and the share of
    reports with any positive, any negative and both (mixed feelings)."""
    pos, neg = _reported(table, POSITIVE), _reported(table, NEGATIVE)
    n_pos, n_neg = int(pos.to_numpy().sum()), int(neg.to_numpy().sum())
    any_pos, any_neg = pos.any(axis=1), neg.any(axis=1)
    return {
        "positive_reports": n_pos,
        "negative_reports": n_neg,
        "ratio": n_pos / n_neg if n_neg else math.nan,
        "any_positive_share": float(any_pos.mean()) if len(table) else math.nan,
        "any_negative_share": float(any_neg.mean()) if len(table) else math.nan,
        "mixed_share": float((any_pos & any_neg).mean()) if len(table) else math.nan,
    }


def _profile(table: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    pos = _reported(table, POSITIVE).sum(axis=1)
    neg = _reported(table, NEGATIVE).sum(axis=1)
    frame = pd.DataFrame({"key": key, "positive": pos, "negative": neg, "any": _reported(table).any(axis=1)})
    out = frame.dropna(subset=["key"]).groupby("key").agg(
        reports=("positive", "size"), positive=("positive", "mean"), negative=("negative", "mean"),
        any_emotion=("any", "mean"),
    )  # fmt: skip
    out["balance"] = out["positive"] - out["negative"]
    return out


def weekday_names(day: pd.Series, day_one: str = DAY_ONE) -> pd.Series:
    """The `Day` codes (1-7) as weekday names, given what 1 means (`DAY_ONE` unless told)."""
    if day_one not in WEEKDAYS:
        raise ValueError(f"day_one={day_one!r}: choose a weekday name such as Sunday or Monday")
    start = WEEKDAYS.index(day_one)
    return day.map(lambda d: WEEKDAYS[(int(d) - 1 + start) % 7], na_action="ignore")


def by_weekday(table: pd.DataFrame, day_one: str = DAY_ONE) -> pd.DataFrame:
    """Per weekday (Monday first): reports, mean positive and negative emotions per report, their difference
    (balance) and the share with any emotion."""
    out = _profile(table, weekday_names(table["Day"], day_one)).reindex(list(WEEKDAYS))
    out["reports"] = out["reports"].fillna(0).astype(int)
    return out.rename_axis("weekday")


def by_hour(table: pd.DataFrame) -> pd.DataFrame:
    """Per hour of day (0-23, every hour listed): the same columns as `by_weekday`."""
    out = _profile(table, table["Hours"]).reindex(range(24))
    out["reports"] = out["reports"].fillna(0).astype(int)
    return out.rename_axis("hour")


def midweek_dip(table: pd.DataFrame, day_one: str = DAY_ONE) -> dict[str, float]:
    """Mean balance (positive minus negative per report) mid-week (Tue-Thu) and at the weekend (Sat-Sun); the paper
    finds the weekend better (a positive `weekend_minus_midweek`)."""
    days = weekday_names(table["Day"], day_one)
    balance = _reported(table, POSITIVE).sum(axis=1) - _reported(table, NEGATIVE).sum(axis=1)
    mid, end = balance[days.isin(MIDWEEK)].mean(), balance[days.isin(WEEKEND)].mean()
    return {"midweek_balance": float(mid), "weekend_balance": float(end), "weekend_minus_midweek": float(end - mid)}


def cooccurrence(table: pd.DataFrame, kind: str = "conditional") -> pd.DataFrame:
    """18 x 18 co-occurrence of emotions in the same report. kind="conditional": P(column | row), the share of
    reports of the row emotion that also report the column one (diagonal 1); kind="lift": P(both) / (P(row) P(col)),
    above 1 when two emotions come together more than by chance. NaN where an emotion is never reported."""
    x = _reported(table).to_numpy(float)
    both = x.T @ x
    alone = np.diag(both).copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "conditional":
            values = both / alone[:, None]
        elif kind == "lift":
            values = both * len(x) / np.outer(alone, alone)
        else:
            raise ValueError(f"kind={kind!r}: choose conditional or lift")
    values[~np.isfinite(values)] = np.nan
    return pd.DataFrame(values, index=list(EMOTIONS), columns=list(EMOTIONS))


def responses_per_participant(table: pd.DataFrame) -> pd.Series:
    """How many reports each participant gave (indexed by id)."""
    return table.groupby("id").size().rename("reports")


def _plain(value: Any) -> Any:
    """numpy/pandas scalars to Python, NaN to None, recursively: what `json.dumps` accepts."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.integer, int)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else round(float(value), 4)
    return value


def describe(
    ds: Dataset, day_one: str = DAY_ONE, drop_missing: bool = True, exclude_night: bool = False
) -> dict[str, Any]:
    """Every figure above for one survey data set, JSON-serialisable, beside the published ones."""
    table = ds.table
    kept = clean(table, drop_missing, exclude_night)
    per_person = responses_per_participant(kept)
    return _plain(
        {
            "name": ds.name,
            "modality": ds.modality,
            "synthetic": ds.synthetic,
            "n_samples": len(ds),
            "class_counts": ds.class_counts().to_dict(),
            "groups": {"participants": int(table["id"].nunique())},
            "cleaning": cleaning_summary(table),
            "analysed": {"drop_missing": drop_missing, "exclude_night": exclude_night, "rows": len(kept)},
            "any_emotion_share": any_emotion_share(kept),
            "emotion_share": emotion_frequencies(kept).set_index("emotion")["share"].to_dict(),
            "valence": valence_balance(kept),
            "day_one": day_one,
            "weekday": by_weekday(kept, day_one).to_dict(orient="index"),
            "midweek_dip": midweek_dip(kept, day_one),
            "hour": by_hour(kept).to_dict(orient="index"),
            "responses_per_participant": {
                "min": per_person.min(),
                "median": per_person.median(),
                "mean": per_person.mean(),
                "max": per_person.max(),
            },
            "published": PUBLISHED,
        }
    )
