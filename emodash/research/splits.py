"""Every split of emodash, in one vocabulary of group columns: `subject` (a person: participant, actor, speaker),
`recording` and `position` (a window's place in time within its recording).

- `random`: stratified k-fold, shuffled (what the seeds did; leaks neighbouring windows of one recording).
- `temporal`: each recording cut into k contiguous blocks in time order; fold i tests block i of every recording and
  trains on the rest, leaving out `gap` windows on each side of the test block.
- `holdout`: the last 1/k of each recording is the test set, everything before it but `gap` windows trains.
- `grouped`: stratified k-fold grouped by subject: no person on both sides.
- `published`: a seed's own split, where the data set has one.

`default_split` decides the honest split of any data for every page and command: grouped by subject where there are
several people, else temporal where windows come from recordings in time order, else stratified random.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np
import pandas as pd

from emodash.core.errors import InputError
from emodash.research import SPLITS

#: the columns readers use for a person, in order of preference; the first present one is the subject
SUBJECT_COLUMNS = ("subject", "participant", "actor", "speaker", "person")
#: the standard time columns and the names some readers still give them
TIME_ALIASES = {"recording": ("recording", "session"), "position": ("position", "window_number")}


@dataclass(frozen=True)
class Split:
    """Row positions of the training and test windows, and how they were chosen."""

    train: np.ndarray
    test: np.ndarray
    kind: str


def subject_column(groups: pd.DataFrame) -> str | None:
    """The column that names the person of each sample, if any."""
    return next((c for c in SUBJECT_COLUMNS if c in groups), None)


def time_columns(groups: pd.DataFrame) -> pd.DataFrame:
    """`recording` and `position` of each row (from their aliases where needed); empty when the data has none."""
    out = {}
    for std, aliases in TIME_ALIASES.items():
        col = next((c for c in aliases if c in groups), None)
        if col is None:
            return pd.DataFrame(index=groups.index)
        out[std] = groups[col].to_numpy()
    return pd.DataFrame(out, index=groups.index)


def default_split(groups: pd.DataFrame) -> tuple[str, str | None]:
    """(split, subject column): grouped where more than one person, else temporal where there are recordings in
    time order, else random."""
    who = subject_column(groups)
    if who is not None and groups[who].nunique() > 1:
        return "grouped", who
    if len(time_columns(groups).columns):
        return "temporal", None
    return "random", None


def grouped_folds(
    labels: np.ndarray, groups: np.ndarray, n_splits: int = 5, seed: int = 0
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(train, test) index pairs, stratified by label, grouped by `groups`; checked to share no group."""
    from sklearn.model_selection import StratifiedGroupKFold

    folds = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    for train, test in folds.split(np.zeros(len(labels)), labels, groups):
        if set(groups[train]) & set(groups[test]):
            raise AssertionError("a group landed on both sides of a split")
        yield train, test


def recordings_in_time_order(groups: pd.DataFrame) -> Iterator[tuple[object, np.ndarray]]:
    """(recording, its row positions sorted by `position`) for each recording: what temporal splits cut."""
    t = time_columns(groups)
    rec, pos = t["recording"].to_numpy(), t["position"].to_numpy()
    for r in np.unique(rec):
        idx = np.flatnonzero(rec == r)
        yield r, idx[np.argsort(pos[idx], kind="stable")]


def temporal_folds(groups: pd.DataFrame, n_splits: int = 5, gap: int = 1) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Contiguous time blocks per recording (see module doc); needs `recording` and `position` columns."""
    rec = time_columns(groups)["recording"].to_numpy()
    blocks = np.zeros(len(rec), dtype=int)
    rank = np.zeros(len(rec), dtype=int)
    for r, idx in recordings_in_time_order(groups):
        if len(idx) < n_splits:
            raise InputError(f"recording {r} has {len(idx)} windows, fewer than {n_splits} folds")
        rank[idx] = np.arange(len(idx))
        for b, part in enumerate(np.array_split(idx, n_splits)):
            blocks[part] = b
    for b in range(n_splits):
        test = np.flatnonzero(blocks == b)
        near = np.zeros(len(rec), dtype=bool)
        for r in np.unique(rec[test]):
            mine = rec == r
            lo, hi = rank[test][rec[test] == r].min(), rank[test][rec[test] == r].max()
            near |= mine & (rank >= lo - gap) & (rank <= hi + gap)
        yield np.flatnonzero(~near), test


def holdout_fold(groups: pd.DataFrame, fraction: float = 0.2, gap: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Train on the first part of each recording, test on its last `fraction` (time order kept); the `gap` windows
    just before the test part are in neither."""
    test = np.zeros(len(groups), dtype=bool)
    train = np.zeros(len(groups), dtype=bool)
    for r, idx in recordings_in_time_order(groups):
        start = len(idx) - max(1, int(round(fraction * len(idx))))
        if start - gap < 1:
            raise InputError(f"recording {r} has {len(idx)} windows: too few for a hold-out with a gap of {gap}")
        test[idx[start:]] = True
        train[idx[: start - gap]] = True
    return np.flatnonzero(train), np.flatnonzero(test)


def available(groups: pd.DataFrame, group_column: str | None) -> list[str]:
    """The splits (but a seed's published one) that this data can have: temporal and hold-out need recordings in
    time order, grouped needs a subject column."""
    timed = len(time_columns(groups).columns) > 0
    return [s for s in SPLITS if s != "published" and (s not in ("temporal", "holdout") or timed)
            and (s != "grouped" or group_column)]  # fmt: skip


def random_split(n: int, test_frac: float = 0.2, seed: int = 42) -> Split:
    """A seed's split: train_test_split(test_size=0.2, random_state=42) over windows (optimistic: neighbouring,
    overlapping windows land on both sides)."""
    from sklearn.model_selection import train_test_split

    train, test = train_test_split(np.arange(n), test_size=test_frac, random_state=seed)
    return Split(np.sort(train), np.sort(test), f"random {1 - test_frac:.0%}/{test_frac:.0%} (random_state={seed})")


def max_splits(y: np.ndarray, groups: pd.DataFrame, split: str, group_column: str | None = None) -> int:
    """The most folds a split can have on this data: the smallest class (random), the number of groups (grouped),
    the shortest recording (temporal, holdout); 1 for published."""
    if split == "random":
        return int(pd.Series(y).value_counts().min())
    if split == "grouped" and group_column:
        return int(groups[group_column].nunique())
    if split in ("temporal", "holdout") and len(time_columns(groups).columns):
        return int(time_columns(groups)["recording"].value_counts().min())
    return 1


def folds(
    y: np.ndarray,
    groups: pd.DataFrame,
    split: str,
    n_splits: int = 5,
    repeats: int = 1,
    seed: int = 0,
    group_column: str | None = None,
    published: tuple[np.ndarray, np.ndarray] | None = None,
    gap: int = 1,
) -> list[tuple[int, int, np.ndarray, np.ndarray]]:
    """(repeat, fold, train, test) for a split; temporal, holdout and published are deterministic (one repeat).
    InputError when the data cannot fill the folds asked for."""
    from sklearn.model_selection import StratifiedKFold

    if split not in SPLITS:
        raise InputError(f"unknown split {split!r}; choose from {', '.join(SPLITS)}")
    if repeats < 1:
        raise InputError(f"repeats must be at least 1, not {repeats}")
    if split != "published" and n_splits < 2:
        raise InputError(f"a {split} split needs at least 2 folds, not {n_splits}")
    if split == "random":
        counts = pd.Series(y).value_counts()
        if counts.min() < n_splits:
            raise InputError(
                f"class {counts.idxmin()!r} has {counts.min()} samples, fewer than {n_splits} stratified folds; "
                f"use at most {counts.min()} folds"
            )
        return [
            (r, k, tr, te)
            for r in range(repeats)
            for k, (tr, te) in enumerate(StratifiedKFold(n_splits, shuffle=True, random_state=seed + r).split(y, y))
        ]
    if split in ("temporal", "holdout"):
        if not len(time_columns(groups).columns):
            raise InputError(f"a {split} split needs recordings in time order; this data has none (use random)")
        if split == "holdout":
            return [(0, 0, *holdout_fold(groups, 1.0 / n_splits, gap))]
        return [(0, k, tr, te) for k, (tr, te) in enumerate(temporal_folds(groups, n_splits, gap))]
    if split == "grouped":
        if not group_column:
            raise InputError("a grouped split needs subject/actor/participant ids; this data has none (use random)")
        g = groups[group_column].to_numpy()
        if len(np.unique(g)) < n_splits:
            raise InputError(
                f"{len(np.unique(g))} {group_column}s cannot fill {n_splits} grouped folds; "
                f"use at most {len(np.unique(g))} folds"
            )
        out = []
        for r in range(repeats):
            out += [(r, k, tr, te) for k, (tr, te) in enumerate(grouped_folds(np.asarray(y), g, n_splits, seed + r))]
        return out
    if published is None:
        raise InputError("this data set has no published split")
    return [(0, 0, np.asarray(published[0]), np.asarray(published[1]))]


def take(X: np.ndarray | list, idx: np.ndarray) -> np.ndarray | list:
    """The samples `idx` of a model input: an array's rows, or items of a list (file paths, texts)."""
    return X[idx] if isinstance(X, np.ndarray) else [X[i] for i in idx]
