"""Train one zoo model on a task's training side and export it (C, TFLite float, TFLite int8), checking the
export against Python on the held-out samples: the numbers the page's download buttons and `emodash export` show."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from emodash.core.errors import InputError
from emodash.research.evaluation import build, task_folds
from emodash.research.export import FORMATS
from emodash.research.export.c_code import gcc_available, predict_with_c, to_c
from emodash.research.export.tflite import predict_tflite, to_tflite
from emodash.research.splits import max_splits, take
from emodash.research.tasks import Task
from emodash.research.zoo import get_model


@dataclass
class Exported:
    """An exported model: file name and bytes, and how it was checked on `n_test` held-out samples."""

    model: str
    format: str
    filename: str
    data: bytes
    n_test: int
    python_accuracy: float
    agreement: float | None
    agreement_with: str
    note: str = ""

    @property
    def size(self) -> int:
        return len(self.data)

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "data"} | {"size_bytes": self.size}


def export_model(task: Task, model: str, fmt: str, seed: int = 0, check: bool = True) -> Exported:
    """Fit `model` on the training side of the task's hold-out (the last part of each recording for time series,
    else the first of up to 5 folds of its honest split, fewer where groups or classes are few) and export it as
    `fmt`."""
    if task.export_note:
        raise InputError(f"{task.name}: {task.export_note}")
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    spec = get_model(model)
    if (spec.export == "tflite") != fmt.startswith("tflite"):
        raise InputError(f"{model} exports as {'TFLite' if spec.export == 'tflite' else 'C'}, not {fmt}")
    split = "holdout" if task.default_split == "temporal" else task.default_split
    n_splits = 5 if split == "holdout" else max(2, min(5, max_splits(task.y, task.groups, split, task.group_column)))
    _, _, train, test = task_folds(task, split, n_splits, 1, seed)[0]
    X = task.X(spec.input)
    est = build(task, model, seed).fit(take(X, train), task.y[train])
    classes = list(est.classes_)
    truth = np.array([classes.index(v) for v in task.y[test]])
    py = np.array([classes.index(v) for v in est.predict(take(X, test))])
    accuracy = float((py == truth).mean())
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{task.name}-{model}").strip("._") or "model"  # a safe file name
    if fmt == "c":
        source = to_c(est, np.asarray(X).shape[1:], classes, f"{spec.title} on {task.name}")
        agreement = None
        if check and gcc_available():
            agreement = float((predict_with_c(source, np.asarray(X)[test]) == py).mean())
        note = "" if agreement is not None else "not compiled here (no gcc, or check off)"
        return Exported(model, fmt, f"{stem}.c", source.encode(), len(test), accuracy, agreement, "python", note)
    prep, cnn = est[:-1], est[-1]
    x_train, x_test = prep.transform(take(X, train)), prep.transform(take(X, test))
    flat = to_tflite(cnn)
    if fmt == "tflite":
        agreement = float((predict_tflite(flat, x_test) == py).mean()) if check else None
        return Exported(model, fmt, f"{stem}.tflite", flat, len(test), accuracy, agreement, "python")
    quant = to_tflite(cnn, x_train)
    agreement = float((predict_tflite(quant, x_test) == predict_tflite(flat, x_test)).mean()) if check else None
    note = "input: the preprocessed sample (see the task's note); int8 input scale and zero point in the model"
    return Exported(model, fmt, f"{stem}-int8.tflite", quant, len(test), accuracy, agreement, "tflite float", note)
