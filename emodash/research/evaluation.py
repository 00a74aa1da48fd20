"""Honest, repeatable model comparison: folds under a chosen split, zoo models fit on each training side (tuned there
by a grid or by Optuna where asked), scores as one tidy DataFrame (one row per model, repeat and fold), cached on disk
by data hash + model + parameters + split. The folds of a model run through joblib: one after another here, or on
Dask worker processes (a local cluster or an existing scheduler) with the same numbers.

Splits are `emodash.research.splits`; tuning is `emodash.research.tuning`.
"""

from __future__ import annotations

import json
import time
import warnings
from contextlib import ExitStack
from typing import Any, Callable

import numpy as np
import pandas as pd
import sklearn
from joblib import Parallel, delayed, parallel_config
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, balanced_accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from emodash.core.errors import InputError
from emodash.core.settings import cache_dir
from emodash.research import tuning
from emodash.research.splits import folds, max_splits, take
from emodash.research.tasks import Task, fingerprint
from emodash.research.zoo import VECTOR, get_model
from emodash.serving.cluster import dask_client, remote

METRICS = ("accuracy", "balanced_accuracy", "macro_f1")
#: bump when the meaning of cached rows (or of a stored study's trials) changes
CACHE_VERSION = 3

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
        raise InputError(f"a training side of {len(train)} samples cannot be split again for a search (grid or "
                         "tuning): a class, group or recording is too small; use fewer folds or no search")  # fmt: skip
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


def _recipe_key(task: Task, model: str, split: str, n_splits: int, repeats: int, seed: int, rebalance: bool) -> str:
    """Everything a fold's training side and untuned model depend on: data, preprocessing (the task's note and each
    step), model parameters, split (with the task's gap), seed, rebalancing and library versions."""
    spec = get_model(model)
    params = json.dumps(spec.make(seed).get_params(), sort_keys=True, default=str)
    steps = [repr(step) for _, step in task.steps[spec.input]()]
    return fingerprint(
        task.fingerprint, task.note, steps, task.gap, model, params, split, n_splits, repeats, seed, rebalance,
        sklearn.__version__, CACHE_VERSION,
    )  # fmt: skip


def _cache_key(task: Task, model: str, split: str, n_splits: int, repeats: int, seed: int, search: bool, tune: int,
               rebalance: bool) -> str:  # fmt: skip
    """The recipe and the search it asks for (how the rows run, on one process or many, is not part of it)."""
    return fingerprint(_recipe_key(task, model, split, n_splits, repeats, seed, rebalance), search, tune)


def fit_and_score(
    est: BaseEstimator,
    X: np.ndarray | list,
    y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    labels: list[str],
    row: dict[str, Any],
    where: str,
    study: tuning.Study | None = None,
    report: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """One fold: tune `est` on the training side if `study` says how (then refit the best), else fit it as it is (a
    grid search included); predict the test side; return `row` with the scores, per-class F1, the confusion matrix,
    fit (search included) and predict seconds and the best parameters. `report(message)` hears of the fold's start,
    each trial and each CNN epoch. A module-level function of picklable arguments, so that Dask workers can run it."""
    if report:
        report(where)
    fit_params = {}
    if report and get_model(row["model"]).input != VECTOR:  # CNNs report each epoch
        fit_params["clf__on_epoch"] = lambda e, n: report(f"{where}, epoch {e}/{n}")
    best: dict[str, Any] = {}
    with threadpool_limits(1, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # capped iterations are part of the recipe
        t0 = time.perf_counter()
        try:
            if study is not None:
                trial = (lambda t, n: report(f"{where}, trial {t}/{n}")) if report else None
                best = tuning.tune(est, row["model"], take(X, train), y[train], study, trial)
                est = clone(est).set_params(**best)
            est.fit(take(X, train), y[train], **fit_params)
        except ValueError as exc:  # what the checks before the folds did not foresee, as a message
            raise InputError(f"{row['model']} could not be trained on {where}: {exc}") from None
        t1 = time.perf_counter()
        pred = est.predict(take(X, test))
        t2 = time.perf_counter()
    if hasattr(est, "best_params_"):
        best = est.best_params_
    truth = y[test]
    f1s = f1_score(truth, pred, labels=labels, average=None, zero_division=0)
    return row | {
        "accuracy": accuracy_score(truth, pred),
        "balanced_accuracy": balanced_accuracy_score(truth, pred),
        "macro_f1": f1_score(truth, pred, labels=labels, average="macro", zero_division=0),
        "fit_s": t1 - t0,
        "predict_s": t2 - t1,
        **{f"f1:{lab}": float(v) for lab, v in zip(labels, f1s)},
        "confusion": confusion_matrix(truth, pred, labels=labels).tolist(),
        "best_params": json.dumps(best, default=str) if best else "",
    }


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
    tune: int = 0,
    jobs: int = 1,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Fit and score every model on every fold; one row per (model, repeat, fold) with accuracy, balanced accuracy,
    macro-F1, per-class F1 (`f1:<label>`), the confusion matrix (rows true, columns predicted, in `task.labels`
    order), fit and predict seconds, and the options used. `search` runs the model's grid and `tune` that many
    Optuna trials inside each training side, on inner folds of the same kind (`emodash.research.tuning`).

    `jobs` 1 and no `scheduler` (nor `EMODASH_DASK_SCHEDULER`) runs the folds one after another here, with
    `progress(done, total, message)` at each fold (each epoch for CNNs); otherwise they run on Dask workers (a
    `LocalCluster` of `jobs` processes, or the scheduler's cluster) and progress comes as folds finish. The numbers
    are the same either way. BLAS runs on one thread per fold (the folds are small; more threads only contend)."""
    split = split or task.default_split
    if search and tune:
        raise InputError("choose a grid search (--search) or Optuna tuning (--tune), not both")
    if tune < 0:
        raise InputError(f"--tune needs a number of trials, 1 or more (got {tune})")
    for m in models:
        task.check(m)
    splits = task_folds(task, split, n_splits, repeats, seed)
    total, done, frames = len(models) * len(splits), 0, []
    n_folds = len({k for _, k, _, _ in splits})
    labels = list(task.labels)
    on_dask, url, client = jobs != 1 or remote(scheduler), None, None
    with ExitStack() as cluster:
        for model in models:
            key = _cache_key(task, model, split, n_splits, repeats, seed, search, tune, rebalance)
            path = cache_dir() / "compare" / f"{key}.json"
            if cache and path.is_file():
                frames.append(pd.read_json(path, orient="records"))
                done += len(splits)
                if progress:
                    progress(done, total, f"{model}: cached")
                continue
            if progress:
                progress(done, total, f"{model}: preparing {get_model(model).input} input")
            if tune and url is None:
                url = tuning.storage_url()
            if on_dask and client is None:  # started for the first model that is not cached, closed at the end
                client = cluster.enter_context(dask_client(jobs, scheduler))
                cluster.enter_context(parallel_config(backend="dask"))
            recipe = _recipe_key(task, model, split, n_splits, repeats, seed, rebalance)
            X = task.X(get_model(model).input)
            calls = []
            for i, (r, k, train, test) in enumerate(splits):
                where = f"{model}: fold {k + 1}/{n_folds}" + (f", repeat {r + 1}" if r else "")
                inner = _inner(task, split, train, seed) if search or tune else None
                sides = [task.y[train]] + [task.y[train][tr] for tr, _ in inner or []]
                smote_k = _smote_k(sides) if rebalance and get_model(model).input == VECTOR else None
                n_fit = min(len(side) for side in sides)
                # a tuned model's own defaults never train: its tuning space keeps within n_fit instead
                est = build(task, model, seed, rebalance, search, inner, smote_k or 3, None if tune else n_fit)
                name = f"emodash compare {model} {split} repeat {r} fold {k} seed {seed} {recipe}"
                study = tuning.Study(name, url, tune, seed, inner, n_fit) if tune else None
                row = {"model": model, "split": split, "repeat": r, "fold": k, "n_train": len(train),
                       "n_test": len(test), "search": search, "tune": tune, "rebalance": rebalance,
                       "smote_k": smote_k, "study": name if tune else ""}  # fmt: skip
                report = (lambda m, d=done + i: progress(d, total, m)) if progress and not on_dask else None
                calls.append(delayed(fit_and_score)(est, X, task.y, train, test, labels, row, where, study, report))
            rows = []
            for result in Parallel(n_jobs=-1 if on_dask else 1, return_as="generator")(calls):
                rows.append(result)
                done += 1
                if progress and on_dask:
                    progress(done, total, f"{model}: {len(rows)}/{len(splits)} folds done")
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
