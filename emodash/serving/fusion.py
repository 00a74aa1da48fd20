"""Fusing live modalities (face, voice, text) into one emotional state, explained.

Each modality's latest `Scores` is projected onto the canonical emotions and onto valence/arousal, then averaged
with a weight = (the model's measured skill above chance) x (freshness: halves every `half_life_s`, zero after
`max_age_s`). Disagreement between fresh modalities is flagged and explained, never turned into a label.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np

from emodash import modalities as kinds
from emodash.core import taxonomy
from emodash.core.scores import Scores

#: |valence| from which a modality is taken to be clearly positive or negative.
CLEAR_VALENCE = 0.25


@dataclass(frozen=True)
class Contribution:
    """One modality's part in the fused state."""

    modality: str
    label: str
    canonical: np.ndarray
    valence_arousal: tuple[float, float]
    age_s: float
    skill: float
    freshness: float

    @property
    def weight(self) -> float:
        return self.skill * self.freshness


@dataclass(frozen=True)
class Flag:
    """A disagreement worth showing: which modalities, and why in plain words."""

    kind: str
    modalities: tuple[str, str]
    explanation: str


@dataclass(frozen=True)
class FusedState:
    canonical: np.ndarray
    valence_arousal: tuple[float, float]
    contributions: tuple[Contribution, ...]
    flags: tuple[Flag, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not any(c.weight > 0 for c in self.contributions)

    @property
    def label(self) -> str:
        return taxonomy.CANONICAL[int(np.argmax(self.canonical))] if not self.empty else "nothing yet"

    @property
    def colour(self) -> str:
        return taxonomy.blend_colour(self.canonical, taxonomy.CANONICAL_SET)

    def shares(self) -> dict[str, float]:
        """Each modality's share of the total weight (sums to 1 when anything is fresh)."""
        total = sum(c.weight for c in self.contributions)
        return {c.modality: (c.weight / total if total else 0.0) for c in self.contributions}


def skill_above_chance(accuracy: float, n_classes: int) -> float:
    """Accuracy rescaled so that chance is 0 and perfect is 1: a model at chance adds nothing to the fusion."""
    chance = 1.0 / n_classes
    return float(np.clip((accuracy - chance) / (1.0 - chance), 0.0, 1.0))


class Fusion:
    """Keeps the latest scores of each modality (thread-safe: live callbacks write, the page reads) and fuses them."""

    @classmethod
    def from_registry(cls, modalities: tuple[str, ...] | None = None, **kwargs) -> Fusion:
        """Skills from the active models' measured accuracies (a model without a measurement gets no weight), for
        `modalities` (default: every modality with a live model)."""
        from emodash.serving import registry

        skills = {}
        for modality in modalities or registry.modalities():
            info = registry.active_model(modality)
            head = info.headline()
            skills[modality] = skill_above_chance(head["accuracy"], len(info.label_set)) if head else 0.0
        return cls(skills, **kwargs)

    def __init__(self, skills: dict[str, float], half_life_s: float = 3.0, max_age_s: float = 15.0):
        self.skills = dict(skills)
        self.half_life_s = half_life_s
        self.max_age_s = max_age_s
        self._latest: dict[str, tuple[Scores, float]] = {}
        self._lock = threading.Lock()

    def update(self, scores: Scores, now: float | None = None) -> None:
        with self._lock:
            self._latest[scores.modality] = (scores, time.monotonic() if now is None else now)

    def clear(self, modality: str) -> None:
        with self._lock:
            self._latest.pop(modality, None)

    def freshness(self, age_s: float) -> float:
        return 0.0 if age_s > self.max_age_s else 0.5 ** (age_s / self.half_life_s)

    def fuse(self, now: float | None = None) -> FusedState:
        now = time.monotonic() if now is None else now
        with self._lock:
            latest = dict(self._latest)
        contributions = []
        for modality, (scores, at) in sorted(latest.items()):
            age = max(0.0, now - at)
            contributions.append(
                Contribution(
                    modality,
                    scores.label,
                    taxonomy.to_canonical(scores.probs, scores.label_set),
                    scores.valence_arousal,
                    age,
                    self.skills.get(modality, 0.0),
                    self.freshness(age),
                )
            )
        weights = np.array([c.weight for c in contributions])
        if weights.sum() <= 0:
            return FusedState(np.zeros(len(taxonomy.CANONICAL)), (0.0, 0.0), tuple(contributions))
        w = weights / weights.sum()
        canonical = w @ np.array([c.canonical for c in contributions])
        va = w @ np.array([c.valence_arousal for c in contributions])
        fresh = [c for c in contributions if c.weight > 0]
        return FusedState(canonical, (float(va[0]), float(va[1])), tuple(contributions), disagreements(fresh))


def noun(modality: str) -> str:
    """How a modality is named in an explanation ("voice" for speech), from its descriptor."""
    return kinds.get(modality).noun


def disagreements(contributions: list[Contribution]) -> tuple[Flag, ...]:
    """Flags for fresh modalities that point opposite ways on valence; positive words over a negative, aroused
    voice or face is the classic sarcasm pattern, flagged as a possibility, not a verdict."""
    flags = []
    for i, a in enumerate(contributions):
        for b in contributions[i + 1 :]:
            va, vb = a.valence_arousal[0], b.valence_arousal[0]
            if min(abs(va), abs(vb)) < CLEAR_VALENCE or np.sign(va) == np.sign(vb):
                continue
            words, other = (a, b) if a.modality == "text" else (b, a) if b.modality == "text" else (None, None)
            if words is not None and words.valence_arousal[0] > 0 and other.valence_arousal[1] > 0.3:
                flags.append(
                    Flag(
                        "possible sarcasm",
                        (words.modality, other.modality),
                        f"positive words ({words.label}) but the {noun(other.modality)} reads "
                        f"{other.label}: the tone contradicts the words",
                    )
                )
            else:
                na, nb = noun(a.modality), noun(b.modality)
                flags.append(
                    Flag(
                        "mixed signals",
                        (a.modality, b.modality),
                        f"the {na} reads {a.label} (valence {va:+.2f}) but the {nb} reads {b.label} "
                        f"(valence {vb:+.2f})",
                    )
                )
    return tuple(flags)
