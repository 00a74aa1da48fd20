"""Model comparison speed: EMG (6 classical models x 5 folds, temporal and random), the EMG seed reproduced, and
FER-2013 Training (28,709 faces) with HOG + linear SVM and the 2-D CNN under stratified 3-fold CV."""

from __future__ import annotations

import sys
import time

from bench.timing import table
from emodash import datasets
from emodash.research import evaluation, tasks
from emodash.research.reproductions import reproduce
from emodash.research.zoo import CLASSICAL


def _progress(done: int, total: int, message: str) -> None:
    print(f"  [{done}/{total}] {message}", file=sys.stderr, flush=True)


def _rows(task, models, split, n_splits, progress=None) -> tuple[list[list], float]:
    start = time.perf_counter()
    res = evaluation.evaluate(task, models, split, n_splits, cache=False, progress=progress)
    seconds = time.perf_counter() - start
    s = evaluation.summary(res)
    rows = [
        [task.name, split, r.model, f"{r.accuracy_mean:.3f} ± {r.accuracy_sd:.3f}", f"{r.macro_f1_mean:.3f}",
         f"{r.fit_s:.2f}", f"{r.predict_s:.3f}"]
        for r in s.itertuples()
    ]  # fmt: skip
    return rows, seconds


def run(fer: bool = True) -> str:
    emg = tasks.load_task("emg")
    rows, totals = [], []
    for split in ("temporal", "random"):
        r, sec = _rows(emg, list(CLASSICAL), split, 5)
        rows += r
        totals.append([f"emg, 6 classical models x 5 folds, {split}", f"{sec:.1f}"])
    if fer:
        face = tasks.load_task("fer2013-train")
        start = time.perf_counter()
        face.X("vector"), face.X("image")
        totals.append(["fer2013-train: decode 28,709 images + HOG (first run; cached after)",
                       f"{time.perf_counter() - start:.1f}"])  # fmt: skip
        for model in ("svm", "cnn2d"):
            r, sec = _rows(face, [model], "random", 3, _progress)
            rows += r
            totals.append([f"fer2013-train, {model} x 3 folds", f"{sec:.1f}"])
    head = ["data", "split", "model", "accuracy", "macro-F1", "fit s/fold", "predict s/fold"]
    seed = reproduce(datasets.load("emg"))
    return (
        "### Model comparison\n\n"
        + table(["run", "seconds"], totals)
        + "\n\n"
        + table(head, rows)
        + "\n\nEMG seed recipe (its models and global scaling) on its random split vs the temporal hold-out:\n\n"
        + table(list(seed.columns), seed.astype(str).values.tolist())
    )
