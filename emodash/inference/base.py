"""The one predictor contract shared by every modality."""

from __future__ import annotations

from typing import Any, Protocol, Sequence, runtime_checkable

from emodash.inference.scores import Scores
from emodash.taxonomy import LabelSet


@runtime_checkable
class Predictor(Protocol):
    """Turns one sample of a modality into `Scores` over `label_set`; `predict_batch` does many at once, faster."""

    modality: str
    model_id: str
    label_set: LabelSet

    def predict(self, sample: Any) -> Scores: ...

    def predict_batch(self, samples: Sequence[Any]) -> list[Scores]: ...
