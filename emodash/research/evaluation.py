"""Honest, repeatable model comparison: folds under a chosen split, zoo models fit on each training side, scores
as one tidy DataFrame (one row per model, repeat and fold), cached on disk by data hash + model + parameters + split.

Splits are `emodash.research.splits`.
"""

from __future__ import annotations

import json
import time
import warnings
from typing import Callable

import numpy as np
import pandas as pd
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, balanced_accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from emodash.core.errors import InputError
from emodash.core.settings import cache_dir
from emodash.research.splits import folds, max_splits
from emodash.research.tasks import Task, fingerprint
from emodash.research.zoo import VECTOR, get_model

METRICS = ("accuracy", "balanced_accuracy", "macro_f1")
#: bump when the meaning of cached rows changes
CACHE_VERSION = 2

Progress = Callable[[int, int, str], None]


def task_folds(
    task: Task, split: str | None = None, n_splits: int = 5, repeats: int = 1, seed: int = 0
) -> list[tuple[int, int, np.ndarray, np.ndarray]]:
    """`folds` for a task (with its gap); `split=None` is the task's honest default."""
    return folds(
        task.y, task.groups, split or task.default_split, n_splits, repeats, seed, task.group_column, task.published,
        task.gap,
    )  # fmt: skip


def build(
    task: Task,
    model: str,
    seed: int = 0,
    rebalance: bool = False,
    search: bool = False,
    inner: list | None = None,
    smote_k: int = 3,
    n_fit: int | None = None,
) -> Pipeline | GridSearchCV:
    """The unfitted pipeline for `model` on `task`: the task's steps, SMOTE with `smote_k` neighbours if `rebalance`
    (CNNs: balanced class weights instead), the classifier, wrapped in a grid search over `inner` folds if `search`.
    `n_fit` (the fewest samples any fit will see) drops grid values that cannot work with so few, such as kNN's
    n_neighbors above it."""
    spec = get_model(model)
    task.check(model)
    clf = spec.make(seed)
    steps = list(task.steps[spec.input]())
    if rebalance and spec.input == VECTOR:
        from imblearn.over_sampling import SMOTE
        from imblearn.pipeline import Pipeline as ImbPipeline

        pipe = ImbPipeline([*steps, ("smote", SMOTE(random_state=seed, k_neighbors=smote_k)), ("clf", clf)])
    else:
        if rebalance:
            clf.set_params(class_weight="balanced")
        pipe = Pipeline([*steps, ("clf", clf)])
    grid = _grid(model, n_fit) if search else {}
    if not grid:
        if n_fit is not None and getattr(clf, "n_neighbors", 0) > n_fit:
            raise InputError(f"{model} needs {clf.n_neighbors} neighbours but trains on only {n_fit} samples")
        return pipe
    return GridSearchCV(pipe, grid, scoring="f1_macro", cv=inner, n_jobs=1, refit=True, error_score="raise")


def _grid(model: str, n_fit: int | None) -> dict[str, list]:
    """The model's search grid as pipeline parameters, without values that need more than `n_fit` samples."""
    grid = {}
    for name, values in get_model(model).grid.items():
        if name == "n_neighbors" and n_fit is not None:
            values = [v for v in values if v <= n_fit]
            if not values:
                raise InputError(f"{model}: every n_neighbors of the grid needs more than the {n_fit} samples an "
                                 "inner training side has; use fewer folds or no grid search")  # fmt: skip
        grid[f"clf__{name}"] = values
    return grid


def _inner(task: Task, split: str, train: np.ndarray, seed: int) -> list:
    """Folds inside a training side, of the same kind as the outer split (3 folds, fewer where the training side
    cannot fill 3)."""
    kind = {"published": "random", "holdout": "temporal"}.get(split, split)
    sub = task.groups.iloc[train].reset_index(drop=True) if len(task.groups) else task.groups
    n = min(3, max_splits(task.y[train], sub, kind, task.group_column))
    if n < 2:
        raise InputError(f"a training side of {len(train)} samples cannot be split again for a grid search "
                         "(a class, group or recording too small); use fewer folds or no grid search")  # fmt: skip
    return [(tr, te) for _, _, tr, te in folds(task.y[train], sub, kind, n, 1, seed, task.group_column, gap=task.gap)]


def _smote_k(sides: list[np.ndarray], wanted: int = 3) -> int:
    """SMOTE's neighbour count: `wanted`, lowered so that every class SMOTE grows (those smaller than the largest)
    has k + 1 samples in every training side."""
    smallest = wanted + 1
    for y in sides:
        counts = pd.Series(y).value_counts()
        grown = counts[counts < counts.max()]
        if len(grown):
            smallest = min(smallest, int(grown.min()))
    if smallest < 2:
        raise InputError("SMOTE needs at least 2 samples of each smaller class in every training side; a class has "
                         "1 (use fewer folds or no rebalancing)")  # fmt: skip
    return min(wanted, smallest - 1)


def take(X: np.ndarray | list, idx: np.ndarray) -> np.ndarray | list:
    """The samples `idx` of a model input: an array's rows, or items of a list (file paths, texts)."""
    return X[idx] if isinstance(X, np.ndarray) else [X[i] for i in idx]


def _cache_key(task: Task, model: str, split: str, n_splits: int, repeats: int, seed: int, search: bool,
               rebalance: bool) -> str:  # fmt: skip
    """Everything the rows depend on: data, preprocessing (the task's note and each step), model parameters, split
    (with the task's gap), options and library versions."""
    spec = get_model(model)
    params = json.dumps(spec.make(seed).get_params(), sort_keys=True, default=str)
    steps = [repr(step) for _, step in task.steps[spec.input]()]
    return fingerprint(
        task.fingerprint, task.note, steps, task.gap, model, params, split, n_splits, repeats, seed, search,
        rebalance, sklearn.__version__, CACHE_VERSION,
    )  # fmt: skip


def evaluate(
    task: Task,
    models: list[str],
    split: str | None = None,
    n_splits: int = 5,
    repeats: int = 1,
    seed: int = 0,
    search: bool = False,
    rebalance: bool = False,
    progress: Progress | None = None,
    cache: bool = True,
) -> pd.DataFrame:
    """Fit and score every model on every fold; one row per (model, repeat, fold) with accuracy, balanced accuracy,
    macro-F1, per-class F1 (`f1:<label>`), the confusion matrix (rows true, columns predicted, in `task.labels`
    order), fit and predict seconds, and the options used. `progress(done, total, message)` is called per fold.
    BLAS runs on one thread (the folds are small; more threads only contend on a shared CPU)."""
    split = split or task.default_split
    for m in models:
        task.check(m)
    splits = task_folds(task, split, n_splits, repeats, seed)
    total, done, frames = len(models) * len(splits), 0, []
    n_folds = len({k for _, k, _, _ in splits})
    labels = list(task.labels)
    for model in models:
        key = _cache_key(task, model, split, n_splits, repeats, seed, search, rebalance)
        path = cache_dir() / "compare" / f"{key}.json"
        if cache and path.is_file():
            frames.append(pd.read_json(path, orient="records"))
            done += len(splits)
            if progress:
                progress(done, total, f"{model}: cached")
            continue
        if progress:
            progress(done, total, f"{model}: preparing {get_model(model).input} input")
        X = task.X(get_model(model).input)
        rows = []
        for r, k, train, test in splits:
            where = f"{model}: fold {k + 1}/{n_folds}" + (f", repeat {r + 1}" if r else "")
            if progress:
                progress(done, total, where)
            fit_params = {}
            if progress and get_model(model).input != VECTOR:  # CNNs report each epoch
                fit_params["clf__on_epoch"] = lambda e, n, d=done, w=where: progress(d, total, f"{w}, epoch {e}/{n}")
            inner = _inner(task, split, train, seed) if search else None
            sides = [task.y[train]] + [task.y[train][tr] for tr, _ in inner or []]
            smote_k = _smote_k(sides) if rebalance and get_model(model).input == VECTOR else None
            n_fit = min(len(side) for side in sides)
            est = build(task, model, seed, rebalance, search, inner, smote_k or 3, n_fit)
            with threadpool_limits(1, user_api="blas"), warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)  # capped iterations are part of the recipe
                t0 = time.perf_counter()
                try:
                    est.fit(take(X, train), task.y[train], **fit_params)
                except ValueError as exc:  # what the checks above did not foresee, as a message
                    raise InputError(f"{model} could not be trained on {where}: {exc}") from None
                t1 = time.perf_counter()
                pred = est.predict(take(X, test))
                t2 = time.perf_counter()
            truth = task.y[test]
            f1s = f1_score(truth, pred, labels=labels, average=None, zero_division=0)
            rows.append(
                {
                    "model": model,
                    "split": split,
                    "repeat": r,
                    "fold": k,
                    "n_train": len(train),
                    "n_test": len(test),
                    "accuracy": accuracy_score(truth, pred),
                    "balanced_accuracy": balanced_accuracy_score(truth, pred),
                    "macro_f1": f1_score(truth, pred, labels=labels, average="macro", zero_division=0),
                    "fit_s": t1 - t0,
                    "predict_s": t2 - t1,
                    **{f"f1:{lab}": float(v) for lab, v in zip(labels, f1s)},
                    "confusion": confusion_matrix(truth, pred, labels=labels).tolist(),
                    "search": search,
                    "rebalance": rebalance,
                    "smote_k": smote_k,
                    "best_params": json.dumps(est.best_params_, default=str) if search and hasattr(est, "best_params_")
                    else "",
                }
            )  # fmt: skip
            done += 1
        frame = pd.DataFrame(rows)
        if cache:
            path.parent.mkdir(parents=True, exist_ok=True)
            frame.to_json(path, orient="records")
        frames.append(frame)
    if progress:
        progress(total, total, "done")
    return pd.concat(frames, ignore_index=True)


def summary(results: pd.DataFrame) -> pd.DataFrame:
    """Per model: mean and sd of each metric over folds and repeats, mean fit and predict seconds per fold, and
    `best_<metric>` True for the best mean (ties included)."""
    g = results.groupby("model", sort=False)
    out = pd.DataFrame({"folds": g.size()})
    for m in METRICS:
        out[f"{m}_mean"] = g[m].mean()
        out[f"{m}_sd"] = g[m].std(ddof=0)
    out["fit_s"] = g["fit_s"].mean()
    out["predict_s"] = g["predict_s"].mean()
    for m in METRICS:
        out[f"best_{m}"] = np.isclose(out[f"{m}_mean"], out[f"{m}_mean"].max())
    return out.reset_index()


def table(results: pd.DataFrame) -> pd.DataFrame:
    """`summary` as display strings: "0.933 ± 0.021", with "*" after the best of each metric."""
    s = summary(results)
    out = pd.DataFrame({"model": s["model"], "folds": s["folds"]})
    for m in METRICS:
        out[m] = [
            f"{mean:.3f} ± {sd:.3f}" + (" *" if best else "")
            for mean, sd, best in zip(s[f"{m}_mean"], s[f"{m}_sd"], s[f"best_{m}"])
        ]
    out["fit s/fold"] = s["fit_s"].map(lambda v: f"{v:.3f}")
    out["predict s/fold"] = s["predict_s"].map(lambda v: f"{v:.4f}")
    return out


def confusion(results: pd.DataFrame, model: str) -> np.ndarray:
    """The model's confusion matrix summed over folds (and repeats)."""
    mats = [np.asarray(c) for c in results.loc[results["model"] == model, "confusion"]]
    return np.sum(mats, axis=0)


def per_class_f1(results: pd.DataFrame) -> pd.DataFrame:
    """Mean F1 per class (columns) and model (rows)."""
    cols = [c for c in results.columns if c.startswith("f1:")]
    out = results.groupby("model", sort=False)[cols].mean()
    out.columns = [c[3:] for c in cols]
    return out
