"""`Dataset`: the one container every loader returns, whatever the modality."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from emodash.taxonomy import LabelSet


@dataclass
class Dataset:
    """Samples (texts, file paths or arrays), their labels in `label_set`, groups (subject, actor, session...) for
    honest splits, and metadata (source, split, synthetic or not)."""

    name: str
    modality: str
    samples: Sequence[Any]
    labels: np.ndarray
    label_set: LabelSet
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.labels = np.asarray(self.labels, dtype=object)
        if len(self.samples) != len(self.labels):
            raise ValueError(f"{self.name}: {len(self.samples)} samples but {len(self.labels)} labels")
        unknown = set(self.labels) - set(self.label_set.names)
        if unknown:
            raise ValueError(f"{self.name}: labels {sorted(map(str, unknown))} are not in {self.label_set.name!r}")

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def synthetic(self) -> bool:
        return bool(self.meta.get("synthetic", False))

    @property
    def canonical_labels(self) -> np.ndarray:
        return np.array([self.label_set[lab].canonical for lab in self.labels], dtype=object)

    def class_counts(self) -> pd.Series:
        """Samples per label, in the label set's order (zeros kept)."""
        return pd.Series(self.labels).value_counts().reindex(self.label_set.names, fill_value=0)
