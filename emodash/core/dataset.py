"""`Dataset`: the one container every loader returns, whatever the modality."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from emodash.core.taxonomy import LabelSet


class TableRows(Sequence):
    """The samples of a table-backed `Dataset` (window features, survey reports): `rows[i]` is row i."""

    def __init__(self, table: pd.DataFrame):
        self.table = table

    def __len__(self) -> int:
        return len(self.table)

    def __getitem__(self, i: Any) -> Any:
        return TableRows(self.table.iloc[i]) if isinstance(i, slice) else self.table.iloc[i]


@dataclass
class Dataset:
    """Samples, their labels in `label_set`, groups for honest splits (subject/participant/actor, recording and
    position in time; see `emodash.research.splits`), where it came from and in which format, and metadata.

    `samples[i]` is always sample i: a text, a file path, an array, or (for tables: window features, survey reports)
    row i of `table`, the whole table. `source` is the file or folder read ("" for generated data), `format` the
    published format it was read in, `synthetic` whether emodash generated it (demo data)."""

    name: str
    modality: str
    samples: Sequence[Any]
    labels: np.ndarray
    label_set: LabelSet
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)
    meta: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    format: str = ""
    synthetic: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.samples, pd.DataFrame):
            self.samples = TableRows(self.samples)
        self.labels = np.asarray(self.labels, dtype=object)
        if len(self.samples) != len(self.labels):
            raise ValueError(f"{self.name}: {len(self.samples)} samples but {len(self.labels)} labels")
        unknown = set(self.labels) - set(self.label_set.names)
        if unknown:
            raise ValueError(f"{self.name}: labels {sorted(map(str, unknown))} are not in {self.label_set.name!r}")

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def table(self) -> pd.DataFrame:
        """The samples as one DataFrame (a row per sample), for table-backed data sets."""
        if not isinstance(self.samples, TableRows):
            raise TypeError(f"{self.name}: its samples are not a table")
        return self.samples.table

    @property
    def canonical_labels(self) -> np.ndarray:
        return np.array([self.label_set[lab].canonical for lab in self.labels], dtype=object)

    def class_counts(self) -> pd.Series:
        """Samples per label, in the label set's order (zeros kept)."""
        return pd.Series(self.labels).value_counts().reindex(self.label_set.names, fill_value=0)

    def take(self, idx: Sequence[int] | np.ndarray, name: str | None = None, **meta: Any) -> Dataset:
        """The samples at positions `idx` (in that order), with their labels and groups; `meta` adds entries."""
        idx = np.asarray(idx, dtype=int)
        if isinstance(self.samples, TableRows):
            samples: Sequence[Any] = self.table.iloc[idx]
        elif isinstance(self.samples, np.ndarray):
            samples = self.samples[idx]
        else:
            samples = [self.samples[i] for i in idx]
        groups = self.groups.iloc[idx].reset_index(drop=True) if len(self.groups) else self.groups
        kept = {k: _rows(v, idx, len(self)) for k, v in self.meta.items()}  # per-sample arrays follow the samples
        return Dataset(name or self.name, self.modality, samples, self.labels[idx], self.label_set, groups,
                       {**kept, **meta}, self.source, self.format, self.synthetic)  # fmt: skip


def _rows(value: Any, idx: np.ndarray, n: int) -> Any:
    """`value` at rows `idx` if it is an array or table with one row per sample (`n` rows), else `value`."""
    if isinstance(value, (pd.DataFrame, pd.Series)) and len(value) == n:
        return value.iloc[idx]
    if isinstance(value, np.ndarray) and value.ndim and len(value) == n:
        return value[idx]
    return value


def basics(ds: Dataset) -> dict:
    """What every description starts with: name, modality, size, classes, groups, synthetic or not."""
    return {
        "name": ds.name,
        "modality": ds.modality,
        "synthetic": ds.synthetic,
        "n_samples": len(ds),
        "label_set": ds.label_set.name,
        "class_counts": {k: int(v) for k, v in ds.class_counts().items()},
        "groups": {c: int(ds.groups[c].nunique()) for c in ds.groups.columns},
        "source": ds.source or ("generated" if ds.synthetic else ""),
    }
