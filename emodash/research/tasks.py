"""Comparison tasks: a data set turned into model inputs, labels, groups, its honest default split and, where a
seed published one, the seed's own split. Each modality's folder has its `task.py` (named by its descriptor's
`task`); this module holds what they share.

Per-sample features that learn nothing from the data (smoothing, HOG, pooled speech features) are computed once
and cached on disk by data hash; whatever learns from data (scalers, TF-IDF) is a pipeline step, fit inside each
training fold.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from emodash import datasets, modalities
from emodash.core.dataset import Dataset
from emodash.core.errors import InputError
from emodash.core.settings import cache_dir
from emodash.research import splits
from emodash.research.zoo import get_model


@dataclass
class Task:
    """A data set ready for `emodash.research.evaluation.evaluate`.

    `inputs[kind]()` gives the model input for an input kind (vector, signal, image), computed once; `steps[kind]()`
    gives fresh preprocessing steps fit on each training fold. `groups` holds the columns splits use: `recording`
    and `position` (time order within a recording) for temporal splits, `group_column` for grouped ones; `gap` is
    how many windows temporal splits leave out on each side of a test block, so that overlapping windows never
    straddle it; `labels` are the class names in the label set's order (those present). Where the data is a seed's
    own, `published` is its split and `reproduction()` its whole recipe beside the honest split (a table).
    """

    name: str
    title: str
    modality: str
    y: np.ndarray
    groups: pd.DataFrame
    fingerprint: str
    inputs: dict[str, Callable[[], Any]]
    steps: dict[str, Callable[[], list]]
    default_split: str = ""
    synthetic: bool = False
    group_column: str | None = None
    published: tuple[np.ndarray, np.ndarray] | None = None
    published_note: str = ""
    reproduction: Callable[[], pd.DataFrame] | None = None
    reproduction_note: str = ""
    unsupported: dict[str, str] = field(default_factory=dict)
    export_note: str = ""  # why its models cannot be exported to C or TFLite; empty when they can
    note: str = ""
    labels: tuple[str, ...] = ()
    gap: int = 1
    _computed: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.default_split:
            self.default_split, self.group_column = splits.default_split(self.groups)
        present = set(self.y)
        self.labels = tuple(lab for lab in self.labels if lab in present) or tuple(sorted(present))

    def X(self, kind: str) -> Any:
        if kind not in self._computed:
            self._computed[kind] = self.inputs[kind]()
        return self._computed[kind]

    def check(self, model: str) -> None:
        """InputError if `model` cannot run on this task, saying why."""
        if model in self.unsupported:
            raise InputError(f"{model} does not apply to {self.name}: {self.unsupported[model]}")
        kind = get_model(model).input
        if kind not in self.inputs:
            raise InputError(f"{model} needs {kind} input, which {self.name} ({self.modality}) does not have")

    def models(self, names: list[str]) -> list[str]:
        """The names that apply to this task (in order)."""
        out = []
        for n in names:
            try:
                self.check(n)
                out.append(n)
            except InputError:
                pass
        return out


def fingerprint(*parts: Any) -> str:
    """A short hash of arrays, strings and file paths (a path counts by name, size and modification time)."""
    h = hashlib.blake2b(digest_size=10)
    for part in parts:
        if isinstance(part, np.ndarray) and part.dtype != object:
            h.update(np.ascontiguousarray(part).tobytes())
        elif isinstance(part, (list, tuple, np.ndarray)):
            for item in part:
                h.update(fingerprint(item).encode() if not isinstance(item, (str, Path)) else _token(item))
        else:
            h.update(_token(part))
    return h.hexdigest()


def _token(item: Any) -> bytes:
    if isinstance(item, Path):
        st = item.stat() if item.exists() else None
        return f"{item.name}:{st.st_size if st else -1}:{st.st_mtime_ns if st else -1}\n".encode()
    return f"{item}\n".encode()


def cached_array(kind: str, key: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
    """`compute()` once per `key`, kept as .npy under the cache dir (read without pickle)."""
    path = cache_dir() / "features" / f"{kind}-{key}.npy"
    if path.is_file():
        return np.load(path, allow_pickle=False)
    arr = np.asarray(compute())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, arr)
    tmp.replace(path)
    return arr


def subsample(ds: Dataset, n: int, seed: int = 0) -> Dataset:
    """A stratified random subset of `n` samples (all of them if `n` >= size), in the original order."""
    if n >= len(ds):
        return ds
    from sklearn.model_selection import train_test_split

    keep, _ = train_test_split(np.arange(len(ds)), train_size=n, stratify=ds.labels, random_state=seed)
    return ds.take(np.sort(keep), f"{ds.name}-{n}", subsample=n)


def with_task() -> list[str]:
    """The modalities that have a comparison task."""
    return [m.name for m in modalities.MODALITIES if m.task]


def comparable() -> list[str]:
    """Registered data sets whose modality has a task, that are present (or synthetic) and not a test split."""
    kinds = with_task()
    return [d.name for d in datasets.list_datasets() if d.modality in kinds and not d.held_out and d.available()]


def for_dataset(ds: Dataset, n: int | None = None, seed: int = 0) -> Task:
    """The task of any Dataset (registered or the user's), optionally on a stratified subsample of `n`."""
    if ds.modality not in with_task():
        raise InputError(f"no model comparison for {ds.modality} data yet; supported: {', '.join(with_task())}")
    reason = datasets.held_out_reason(ds)
    if reason:
        raise InputError(reason)
    if n is not None and n < 2:
        raise InputError(f"a subsample needs at least 2 samples, not {n}")
    if len(set(ds.labels)) < 2:
        raise InputError(f"{ds.name}: only one class ({ds.labels[0]}); a comparison needs at least two")
    return modalities.get(ds.modality).call("task", subsample(ds, n, seed) if n is not None else ds)


def load_task(name: str, n: int | None = None, seed: int = 0) -> Task:
    """The task of a registered data set by name (e.g. "emg", "demo-emg", "fer2013-train")."""
    info = datasets.get(name)
    if info.held_out:
        raise InputError(info.held_out)
    return for_dataset(datasets.load(name), n, seed)
