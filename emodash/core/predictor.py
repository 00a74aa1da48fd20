"""The three shapes of predictor every modality serves through, whatever its model:

- `Predictor`: one sample (a text, an utterance, a face crop) -> `Scores` (`predict`, and `predict_batch`);
- `FramePredictor`: one frame -> one `Scores` per person found in it, each with its box (face now, pose next);
- `StreamPredictor`: a stream of chunks (audio) -> a reading whenever enough has arrived (voice).

Each takes its label set from its model (`label_set`), never from the page that calls it.
"""

from __future__ import annotations

import time
from typing import Any, Protocol, Sequence, runtime_checkable

import numpy as np

from emodash.core.scores import Scores
from emodash.core.taxonomy import LabelSet


@runtime_checkable
class Predictor(Protocol):
    """Turns one sample of a modality into `Scores` over `label_set`; `predict_batch` does many at once, faster."""

    modality: str
    model_id: str
    label_set: LabelSet

    def predict(self, sample: Any) -> Scores: ...

    def predict_batch(self, samples: Sequence[Any]) -> list[Scores]: ...


@runtime_checkable
class FramePredictor(Protocol):
    """Finds every person of a frame and scores each: one `Scores` per person, with its box."""

    modality: str
    model_id: str

    def analyze(self, frame: np.ndarray) -> list[Scores]: ...


@runtime_checkable
class StreamPredictor(Protocol):
    """Takes chunks of a stream as they come; returns a reading when a hop completed (else None)."""

    def push(self, samples: np.ndarray, now: float | None = None) -> Any: ...

    def readings(self) -> list[Any]: ...


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
