"""The one predictor contract shared by every modality."""

from __future__ import annotations

import time
from typing import Any, Protocol, Sequence, runtime_checkable

import numpy as np

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


class ProbabilityPredictor:
    """`predict` and `predict_batch` for a model that defines `probabilities(samples) -> (n, k) array`; the
    reported latency is the batch's time shared between its samples."""

    modality: str
    model_id: str
    label_set: LabelSet

    def probabilities(self, samples: Sequence[Any]) -> np.ndarray:
        raise NotImplementedError

    def predict(self, sample: Any) -> Scores:
        return self.predict_batch([sample])[0]

    def predict_batch(self, samples: Sequence[Any]) -> list[Scores]:
        start = time.perf_counter()
        probs = self.probabilities(samples)
        each = (time.perf_counter() - start) * 1e3 / max(1, len(samples))
        return [Scores(self.label_set, p, self.modality, self.model_id, each) for p in probs]
