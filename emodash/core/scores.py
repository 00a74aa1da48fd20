"""`Scores`: what every predictor returns, whatever the modality."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from emodash.core import taxonomy

#: A face box in pixels of the analysed image: x, y, width, height.
Box = tuple[int, int, int, int]

#: Top two probabilities closer than this (absolute) are a near tie: shown as one label, the model's barely-made
#: choice would read as a verdict.
NEAR_TIE = 0.10


@dataclass(frozen=True)
class Scores:
    """Probabilities over a model's own label set, with their canonical projection and provenance.

    `box` is set for a face found in a frame; `evidence` holds (token, weight) pairs in text order for text models,
    where weight is the token's push towards the predicted label (positive) or away from it (negative).
    """

    label_set: taxonomy.LabelSet
    probs: np.ndarray
    modality: str
    model_id: str
    latency_ms: float
    box: Box | None = None
    evidence: tuple[tuple[str, float], ...] = field(default=())

    def __post_init__(self) -> None:
        p = np.asarray(self.probs, dtype=float).ravel()
        if p.shape != (len(self.label_set),):
            raise ValueError(f"{len(p)} scores for the {len(self.label_set)} labels of {self.label_set.name!r}")
        object.__setattr__(self, "probs", p)

    @property
    def labels(self) -> tuple[str, ...]:
        return self.label_set.names

    @property
    def label(self) -> str:
        """The most probable label of the model's own label set."""
        return self.labels[int(np.argmax(self.probs))]

    @property
    def confidence(self) -> float:
        return float(self.probs.max())

    @property
    def uncertain(self) -> bool:
        """Whether the top two probabilities are within `NEAR_TIE` of each other (a near tie, not a reading)."""
        if len(self.probs) < 2:
            return False
        second, first = np.sort(self.probs)[-2:]
        return bool(first - second < NEAR_TIE)

    @property
    def headline(self) -> str:
        """The reading as shown to a person: "joy 91%", or "uncertain: sadness 47% or joy 44%" for a near tie."""
        if not self.uncertain:
            return f"{self.label} {self.confidence:.0%}"
        top_two = np.argsort(-self.probs, kind="stable")[:2]  # stable: a tie in label order, as `label` picks
        first, second = (f"{self.labels[i]} {self.probs[i]:.0%}" for i in top_two)
        return f"uncertain: {first} or {second}"

    @property
    def as_dict(self) -> dict[str, float]:
        """{label: probability} in the model's own label order."""
        return {name: float(p) for name, p in zip(self.labels, self.probs)}

    @property
    def canonical(self) -> dict[str, float]:
        """{canonical emotion: probability}, the scores projected onto the shared taxonomy."""
        return dict(zip(taxonomy.CANONICAL, taxonomy.to_canonical(self.probs, self.label_set).tolist()))

    @property
    def valence_arousal(self) -> tuple[float, float]:
        v, a = taxonomy.to_valence_arousal(self.probs, self.label_set)
        return float(v), float(a)

    @property
    def colour(self) -> str:
        """The top label's colour."""
        return self.label_set.colour(self.label)

    @property
    def blended_colour(self) -> str:
        """All labels' colours mixed by probability."""
        return taxonomy.blend_colour(self.probs, self.label_set)

    def to_json(self) -> dict:
        """The CLI/API shape: label, whether it is a near tie, and scores in the model's own label set (rounded), plus
        the box if any."""
        out: dict = {
            "label": self.label,
            "uncertain": self.uncertain,
            "scores": {k: round(v, 4) for k, v in self.as_dict.items()},
        }
        if self.box is not None:
            out = {"box": [int(v) for v in self.box], **out}
        return out
