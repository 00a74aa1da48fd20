"""Honest splits: folds grouped by subject/actor/participant, never one group on both sides."""

from __future__ import annotations

from typing import Iterator

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold


def grouped_folds(
    labels: np.ndarray, groups: np.ndarray, n_splits: int = 5, seed: int = 0
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(train, test) index pairs, stratified by label, grouped by `groups`; checked to share no group."""
    folds = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    for train, test in folds.split(np.zeros(len(labels)), labels, groups):
        if set(groups[train]) & set(groups[test]):
            raise AssertionError("a group landed on both sides of a split")
        yield train, test
