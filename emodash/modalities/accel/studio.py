"""Accelerometer window models: honest splits (temporal within a recording, or by participant), the random forest
the seed used, the rule model of `emodash.modalities.accel.ranges` beside it, and the seed's recipe reproduced."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, confusion_matrix

from emodash.core.dataset import Dataset
from emodash.core.errors import InputError
from emodash.modalities.accel.ranges import Ranges, RuleClassifier
from emodash.research import splits
from emodash.research.splits import Split, random_split


def temporal_split(groups: pd.DataFrame, test_frac: float = 0.2, gap: int = 1) -> Split:
    """The last `test_frac` of each recording's windows (by position) are test; the `gap` windows just before
    them are left out, so that overlapping windows never straddle the split (`splits.holdout_fold`)."""
    train, test = splits.holdout_fold(groups, test_frac, gap)
    return Split(train, test, f"temporal (last {test_frac:.0%} of each recording, gap {gap})")


def participant_split(groups: pd.DataFrame, labels: np.ndarray, test_frac: float = 0.25, seed: int = 0) -> Split:
    """About `test_frac` of the participants are test (stratified, grouped: nobody on both sides)."""
    who = groups[splits.subject_column(groups)].astype(str).to_numpy()
    n_splits = max(2, min(int(round(1 / test_frac)), len(set(who))))
    train, test = next(splits.grouped_folds(np.asarray(labels), who, n_splits, seed))
    return Split(train, test, f"by participant ({len(set(who[test]))} of {len(set(who))} held out)")


def default_split(ds: Dataset, test_frac: float = 0.2) -> Split:
    """One hold-out of the honest split (`splits.default_split`): by participant where the windows come from
    several people, else temporal within each recording."""
    kind, _ = splits.default_split(ds.groups)
    if kind == "grouped":
        return participant_split(ds.groups, ds.labels, max(test_frac, 0.25))
    if kind == "temporal":
        return temporal_split(ds.groups, test_frac, int(ds.meta.get("gap_windows", 1)))
    split = random_split(len(ds), test_frac, seed=0)
    return Split(split.train, split.test, split.kind + ": the windows carry no time order nor people to split by")


def validation_split(ds: Dataset, split: Split, test_frac: float = 0.2) -> Split:
    """The same kind of split again inside `split.train`: ranges are set on its training windows and judged on its
    validation windows while an analyst tunes them, so the test windows are scored only once, at the end."""
    inner = default_split(ds.take(split.train), test_frac)
    return Split(split.train[inner.train], split.train[inner.test], f"validation: {inner.kind} of the training windows")


def complete_rows(X: pd.DataFrame, idx: np.ndarray) -> np.ndarray:
    """`idx` without the windows that miss a value (the models need complete rows)."""
    return idx[~X.iloc[idx].isna().any(axis=1).to_numpy()]


def random_forest(X: pd.DataFrame, y: np.ndarray, train: np.ndarray, seed: int = 42) -> Any:
    """The seed's model, RandomForest(100 trees, random_state=42), fitted on the complete training windows."""
    from sklearn.ensemble import RandomForestClassifier

    rows = complete_rows(X, train)
    return RandomForestClassifier(n_estimators=100, random_state=seed, n_jobs=1).fit(X.iloc[rows], y[rows])


def scores(model: Any, X: pd.DataFrame, y: np.ndarray, test: np.ndarray, states: Sequence[str]) -> dict[str, Any]:
    """Accuracy and confusion matrix (rows true, columns predicted, in `states` order) on the complete test rows."""
    rows = complete_rows(X, test)
    pred = model.predict(X.iloc[rows])
    return {
        "accuracy": float(accuracy_score(y[rows], pred)),
        "confusion": confusion_matrix(y[rows], pred, labels=list(states)).tolist(),
        "n_test": int(len(rows)),
    }


def rule_scores(ranges: Ranges, X: pd.DataFrame, y: np.ndarray, test: np.ndarray) -> dict[str, Any]:
    """The rule model of `ranges` on the test windows (no fitting: the ranges are the model)."""
    model = RuleClassifier(ranges).fit(X[ranges.features], y)
    return scores(model, X[ranges.features], y, test, ranges.states)


def compare(ds: Dataset, features: Sequence[str], split: Split, ranges: Ranges | None = None) -> dict[str, Any]:
    """Random forest and rule model on the same features and split; without `ranges` the rule model's are
    suggested from the training windows' 5-95 % quantiles."""
    X, y = ds.table[list(features)], np.asarray(ds.labels, dtype=object)
    states = [s for s in ds.label_set.names if (y == s).any()]
    rf = random_forest(X, y, split.train)
    rule = RuleClassifier(ranges.select(features) if ranges else None).fit(X.iloc[split.train], y[split.train])
    return {
        "split": split.kind,
        "n_train": int(len(split.train)),
        "random_forest": scores(rf, X, y, split.test, states),
        "rules": scores(rule, X, y, split.test, rule.classes_),
        "states": states,
    }


def reproduce_seed(ds: Dataset) -> dict[str, Any]:
    """The seed's recipe (its 12 features, RF 100 trees, random 80/20 split, random_state 42) and the same with
    the temporal split, each with the rule model beside it."""
    features = list(ds.table.columns)
    random = random_split(len(ds))
    return {
        "random": compare(ds, features, Split(complete_rows(ds.table, random.train), random.test, random.kind)),
        "temporal": compare(ds, features, temporal_split(ds.groups, 0.2, int(ds.meta.get("gap_windows", 1)))),
    }


def grouped_cv(ds: Dataset, features: Sequence[str], n_splits: int = 4, seed: int = 0) -> dict[str, Any]:
    """Random forest and (quantile-suggested) rule model in participant-grouped cross-validation: mean and std of
    the fold accuracies, and chance (1 / number of states)."""
    who = ds.groups[splits.subject_column(ds.groups)].astype(str).to_numpy()
    if len(set(who)) < n_splits:
        raise InputError(f"{len(set(who))} participants cannot fill {n_splits} grouped folds")
    out: dict[str, list[float]] = {"random_forest": [], "rules": []}
    for train, test in splits.grouped_folds(np.asarray(ds.labels), who, n_splits, seed):
        res = compare(ds, features, Split(train, test, "fold"))
        for k in out:
            out[k].append(res[k]["accuracy"])
    n_states = len(set(ds.labels))
    return {
        "split": f"{n_splits}-fold grouped by participant ({len(set(who))} participants)",
        "chance": 1 / n_states,
        **{k: {"mean": float(np.mean(v)), "std": float(np.std(v)), "folds": v} for k, v in out.items()},
    }


def windows_table(ds: Dataset, ranges: Ranges, drop: Sequence[int] = ()) -> pd.DataFrame:
    """Every window but those at positions `drop`, as one table: groups, label, `inside_ranges` (whether all the
    ranges' features lie inside its state's ranges) and the features. Nothing else is left out."""
    from emodash.modalities.accel.ranges import outside

    inside = ~np.asarray(outside(ds.table, ds.labels, ranges)).any(axis=1)
    table = pd.concat(
        [ds.groups.reset_index(drop=True), pd.DataFrame({"label": ds.labels, "inside_ranges": inside}),
         ds.table[ranges.features].reset_index(drop=True)], axis=1,
    )  # fmt: skip
    keep = np.setdiff1d(np.arange(len(ds)), np.asarray(list(drop), dtype=int))
    return table.iloc[keep].reset_index(drop=True)
