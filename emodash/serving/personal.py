"""Personal calibration: a person's own takes of each emotion (a few seconds of face, a sentence of voice, a
labelled accelerometer recording), a small model trained on the general model's features of them, scored honestly
(whole takes held out, never samples of a take it was trained on) beside the general model on the same held-out
takes, used live when the person picks it. Kept in memory unless the person opts in to save it: then one JSON file
(numbers only, never a pickle) in one local folder (`settings.personal_dir()`), exported and imported as such."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from emodash.core import settings
from emodash.core.errors import InputError
from emodash.core.scores import Scores
from emodash.core.taxonomy import CANONICAL_SET, Label, LabelSet

KINDS = {"face": "face", "voice": "speech", "accel": "accel"}  # calibration kind -> the modality its readings have
FORMAT = "emodash-personal/1"
MAX_FILE_BYTES = 20 * 2**20


@dataclass(frozen=True)
class Take:
    """One take: its emotion, one feature row per sample (frame, utterance, window), and the general model's
    probabilities of each sample over `Calibration.general_labels` (None where there is no general model)."""

    label: str
    features: np.ndarray
    general: np.ndarray | None = None


@dataclass(frozen=True)
class Report:
    """The honest score: accuracy on held-out takes (each take predicted by a model trained without it), the general
    model's accuracy on the same samples (None without one), and what was held out."""

    personal: float
    general: float | None
    held_out_takes: int
    held_out_samples: int
    labels: tuple[str, ...]

    def to_json(self) -> dict:
        return {"personal_accuracy": round(self.personal, 4),
                "general_accuracy": None if self.general is None else round(self.general, 4),
                "held_out_takes": self.held_out_takes, "held_out_samples": self.held_out_samples,
                "labels": list(self.labels)}  # fmt: skip


@dataclass
class Calibration:
    """A person's takes of one kind ("face", "voice", "accel"), the model trained on them and its score."""

    kind: str
    features: str = ""
    general_labels: tuple[str, ...] = ()
    name: str = ""
    takes: list[Take] = field(default_factory=list)
    report: Report | None = None
    _mean: np.ndarray | None = None
    _scale: np.ndarray | None = None
    _coef: np.ndarray | None = None
    _intercept: np.ndarray | None = None
    _classes: tuple[str, ...] = ()
    _label_set: LabelSet | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InputError(f"calibrate face, voice or accel, not {self.kind!r}")

    def add(self, label: str, features: np.ndarray, general: np.ndarray | None = None) -> None:
        x = np.atleast_2d(np.asarray(features, dtype=float))
        if not len(x) or not np.isfinite(x).all():
            raise InputError(f"the take of {label!r} has no usable samples")
        self.takes.append(Take(str(label), x, None if general is None else np.atleast_2d(general)))

    def labels(self) -> tuple[str, ...]:
        return tuple(sorted({t.label for t in self.takes}))

    @property
    def trained(self) -> bool:
        return self._coef is not None

    def train(self) -> Report:
        """Fit on every take and score leave-one-take-out (each emotion needs at least two takes)."""
        labels = self.labels()
        if len(labels) < 2:
            raise InputError("record takes of at least two emotions")
        short = [lab for lab in labels if sum(t.label == lab for t in self.takes) < 2]
        if short:
            raise InputError(f"record at least two takes of each emotion (only one of {', '.join(short)}): a take "
                             "is scored by a model that never saw it")  # fmt: skip
        hits = general_hits = general_n = samples = 0
        for i, take in enumerate(self.takes):
            model = _fit(self.takes[:i] + self.takes[i + 1 :])
            hits += int((_predict(model, take.features) == take.label).sum())
            samples += len(take.features)
            if take.general is not None and self.general_labels:
                said = [self.general_labels[j] for j in take.general.argmax(axis=1)]
                general_hits += sum(_same_emotion(s, take.label) for s in said)
                general_n += len(said)
        self._mean, self._scale, self._coef, self._intercept, self._classes = _fit(self.takes)
        self.report = Report(hits / samples, general_hits / general_n if general_n else None, len(self.takes),
                             samples, labels)  # fmt: skip
        return self.report

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        if not self.trained:
            raise InputError("the personal model is not trained yet")
        return _proba((self._mean, self._scale, self._coef, self._intercept, self._classes), np.atleast_2d(x))

    @property
    def label_set(self) -> LabelSet:
        """This person's emotions, in the model's order, each mapped as the registered label of its name is (made
        once per trained model: live readings ask for it on every frame)."""
        if self._label_set is None or self._label_set.names != self._classes:
            known = _known_labels()
            labels = tuple(known.get(c, Label(c, None, reason="a person's own label")) for c in self._classes)
            self._label_set = LabelSet(f"personal-{self.kind}", labels, "A person's own emotions (Calibrate).")
        return self._label_set

    def scores(self, x: np.ndarray, latency_ms: float, box=None) -> Scores:
        """A reading of one sample's features as `Scores` of this person's emotions."""
        probs = self.probabilities(x)[0]
        return Scores(self.label_set, probs, KINDS[self.kind], f"personal-{self.kind}", latency_ms, box=box)

    def to_json(self) -> dict:
        """Everything needed to use the model again, as JSON numbers and strings (the takes are not kept)."""
        if not self.trained:
            raise InputError("train the personal model before saving or exporting it")
        return {"format": FORMAT, "kind": self.kind, "name": self.name, "features": self.features,
                "general_labels": list(self.general_labels), "classes": list(self._classes),
                "mean": self._mean.tolist(), "scale": self._scale.tolist(), "coef": self._coef.tolist(),
                "intercept": self._intercept.tolist(), "report": self.report.to_json() if self.report else None,
                "saved": time.time()}  # fmt: skip

    @classmethod
    def from_json(cls, data: bytes | str) -> Calibration:
        """A model from `to_json`'s file; InputError for anything else (checked field by field)."""
        if isinstance(data, bytes) and len(data) > MAX_FILE_BYTES:
            raise InputError("the file is too large to be a personal model")
        try:
            d = json.loads(data)
            assert isinstance(d, dict) and d.get("format") == FORMAT and d.get("kind") in KINDS
            classes = tuple(str(c) for c in d["classes"])
            mean, scale = np.asarray(d["mean"], dtype=float), np.asarray(d["scale"], dtype=float)
            coef, intercept = np.asarray(d["coef"], dtype=float), np.asarray(d["intercept"], dtype=float)
            n, k = len(mean), len(classes)
            rows = 1 if k == 2 else k
            assert k >= 2 and scale.shape == (n,) and coef.shape == (rows, n) and intercept.shape == (rows,)
            assert all(np.isfinite(a).all() for a in (mean, scale, coef, intercept)) and (scale > 0).all()
        except (ValueError, TypeError, KeyError, AssertionError, UnicodeDecodeError):
            raise InputError("not an emodash personal model file (format emodash-personal/1)") from None
        features = str(d.get("features", ""))
        if d["kind"] == "voice" and features in _FIRST_VOICE_FEATURES:
            features = "speech-ravdess features"
        cal = cls(d["kind"], features, tuple(map(str, d.get("general_labels", []))), str(d.get("name", "")))
        cal._mean, cal._scale, cal._coef, cal._intercept, cal._classes = mean, scale, coef, intercept, classes
        r = d.get("report")
        if isinstance(r, dict):
            cal.report = Report(float(r["personal_accuracy"]), r.get("general_accuracy"), int(r["held_out_takes"]),
                                int(r["held_out_samples"]), tuple(r["labels"]))  # fmt: skip
        return cal


def _fit(takes: Sequence[Take]) -> tuple:
    """Standardise, then a multinomial logistic regression; returned as plain arrays (what the JSON file holds)."""
    from sklearn.linear_model import LogisticRegression

    X = np.concatenate([t.features for t in takes])
    y = np.concatenate([[t.label] * len(t.features) for t in takes])
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    clf = LogisticRegression(C=0.5, max_iter=2000).fit((X - mean) / scale, y)
    return mean, scale, clf.coef_, clf.intercept_, tuple(clf.classes_)


def _proba(model: tuple, x: np.ndarray) -> np.ndarray:
    mean, scale, coef, intercept, classes = model
    z = ((x - mean) / scale) @ coef.T + intercept
    if len(classes) == 2:  # scikit-learn keeps one row of weights for two classes
        z = np.hstack([-z, z]) / 2
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _predict(model: tuple, x: np.ndarray) -> np.ndarray:
    return np.asarray(model[4])[_proba(model, x).argmax(axis=1)]


def _same_emotion(general: str, personal: str) -> bool:
    """Whether a general model's label and a person's label name the same emotion (through the canonical one)."""
    if general == personal:
        return True
    known = _known_labels()
    said = known[general].canonical if general in known else None
    return said is not None and said == (known[personal].canonical if personal in known else personal)


@lru_cache(maxsize=1)
def _known_labels() -> dict[str, Label]:
    """Every registered label by name (the canonical set's first, then each registered set's, first one wins)."""
    from emodash.core.taxonomy import LABEL_SETS

    known: dict[str, Label] = {}
    for ls in (CANONICAL_SET, *LABEL_SETS.values()):
        for lab in ls.labels:
            known.setdefault(lab.name, lab)
    return known


# --- the features each kind is calibrated on ----------------------------------------------------------------------


def face_features(classifier) -> str:
    """What a face calibration's features are: the log-probabilities of this very general model (another one's
    differ, so a personal model only serves beside the face model it was calibrated on)."""
    return f"{classifier.model_id} log-probabilities"


def face_take(classifier, crops: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(features, general probabilities) of a take's face crops: the general model's log-probabilities are the
    features, so the personal model learns how this face's expressions read to it."""
    p = classifier.probabilities(list(crops))
    return np.log(np.clip(p, 1e-6, 1.0)), p


#: What voice calibrations called their features while speech-ravdess was the only speech model (files saved then).
_FIRST_VOICE_FEATURES = frozenset({"general model features", "pooled acoustic features of the speech model"})


def voice_features(model) -> str:
    """What a voice calibration's features are: this very speech model's (another one's differ in number and
    meaning, so a personal model only serves beside the speech model it was calibrated on)."""
    return f"{model.model_id} features"


def voice_take(model, signals: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(features, general probabilities) of a take's utterances: the speech model's own features."""
    x = model.features.transform(list(signals))
    return x, model.pipeline[1:].predict_proba(x)


def accel_take(recording, sample_rate: float, window_s: float = 4.0) -> np.ndarray:
    """Window features (50 % overlap) of one recording: raw x/y/z as a DataFrame or an (n, 3) array."""
    from emodash.modalities.accel.features import AccelFeatures

    tf = AccelFeatures(window_s=window_s, overlap=0.5, sample_rate=sample_rate)
    return tf.fit_transform([recording])[list(tf.feature_names_out_)].to_numpy(dtype=float)


def pieces(recording, n: int) -> list:
    """A long recording of one emotion cut into `n` consecutive takes (rows), for a person with one recording of
    each emotion: the takes share no sample, so holding one out is honest."""
    size = len(recording) // n
    return [recording[i * size : (i + 1) * size] for i in range(n)]


def from_dataset(kind: str, ds, n_pieces: int = 3) -> Calibration:
    """The takes of a person's data set (each sample one take: a photo, an utterance, a recording; an accelerometer
    emotion with a single recording is cut into `n_pieces` takes), features computed, not trained yet."""
    from emodash.serving import registry

    if kind == "face":
        from emodash.io.images import read_image

        clf = registry.load_predictor("face")
        cal = Calibration(kind, face_features(clf), clf.label_set.names)
        for path, label in zip(ds.samples, ds.labels):
            image = read_image(path) if isinstance(path, (str, Path)) else path
            cal.add(label, *face_take(clf, [image]))
        return cal
    if kind == "voice":
        from emodash.io.audio import read_audio

        model = registry.load_predictor("speech")
        cal = Calibration(kind, voice_features(model), model.label_set.names)
        for path, label in zip(ds.samples, ds.labels):
            cal.add(label, *voice_take(model, [read_audio(path)]))
        return cal
    rate = float(ds.meta.get("sample_rate") or 50.0)
    cal = Calibration(kind, "4-s window features, 50 % overlap")
    counts = {lab: list(ds.labels).count(lab) for lab in set(ds.labels)}
    for rec, label in zip(ds.samples, ds.labels):
        for piece in pieces(rec, n_pieces) if counts[label] == 1 else [rec]:
            cal.add(label, accel_take(piece, rate))
    return cal


class FaceTakes:
    """Face takes recorded from the live webcam: while a take runs, the general model's reading of the largest face
    of each frame is kept (fed from the video callback thread as `add(scores)`); `stop` returns the take. Frames are
    never kept, only the 7 probabilities of each."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.label: str | None = None
        self._rows: list[np.ndarray] = []

    def start(self, label: str) -> None:
        with self._lock:
            self.label, self._rows = label, []

    def add(self, scores: Scores) -> None:
        with self._lock:
            if self.label is not None:
                self._rows.append(np.asarray(scores.probs, dtype=float))

    @property
    def frames(self) -> int:
        with self._lock:
            return len(self._rows)

    def stop(self, min_frames: int = 5) -> tuple[str, np.ndarray, np.ndarray]:
        """(emotion, features, general probabilities) of the take just recorded."""
        with self._lock:
            label, rows, self.label, self._rows = self.label, self._rows, None, []
        if label is None:
            raise InputError("no take is being recorded")
        if len(rows) < min_frames:
            raise InputError(f"the take of {label!r} saw a face in {len(rows)} frame(s); record a few seconds, facing "
                             "the camera")  # fmt: skip
        p = np.stack(rows)
        return label, np.log(np.clip(p, 1e-6, 1.0)), p


# --- live use -------------------------------------------------------------------------------------------------------


class PersonalVoice:
    """A speech predictor for the live voice stream: the speech model's features, then the person's model."""

    modality = "speech"

    def __init__(self, calibration: Calibration, model) -> None:
        if calibration.features != voice_features(model):
            raise InputError(
                f"this personal voice model was calibrated on other features ({calibration.features}) than the speech "
                f"model serving now gives ({voice_features(model)}): calibrate again, or serve the model it was made "
                "with (EMODASH_SPEECH_MODEL)"
            )
        self.calibration, self.model = calibration, model
        self.model_id, self.label_set = "personal-voice", calibration.label_set

    def predict(self, signal: np.ndarray) -> Scores:
        from emodash.io.audio import check_speech

        start = time.perf_counter()
        x = self.model.features.transform([check_speech(signal)])
        return self.calibration.scores(x, (time.perf_counter() - start) * 1e3)


class PersonalFace:
    """A face pipeline for the live webcam: faces found and read by the general pipeline, then the person's model
    on each face's general probabilities."""

    modality = "face"

    def __init__(self, calibration: Calibration, pipeline) -> None:
        if calibration.features != face_features(pipeline.classifier):
            raise InputError(
                f"this personal face model was calibrated on other features ({calibration.features}) than the face "
                f"model serving now gives ({face_features(pipeline.classifier)}): calibrate again, or serve the "
                "model it was made with (EMODASH_FACE_MODEL)"
            )
        self.calibration, self.pipeline = calibration, pipeline
        self.classifier = pipeline.classifier
        self.model_id = "personal-face"

    def analyze(self, frame: np.ndarray) -> list[Scores]:
        start = time.perf_counter()
        faces = self.pipeline.analyze(frame)
        ms = (time.perf_counter() - start) * 1e3
        return [self.calibration.scores(np.log(np.clip(f.probs, 1e-6, 1.0))[None, :], ms, f.box) for f in faces]


# --- the opt-in folder ----------------------------------------------------------------------------------------------


def save(calibration: Calibration, folder: Path | None = None) -> Path:
    """Write the model to the personal folder (call only after the person opted in)."""
    root = folder or settings.personal_dir()
    root.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = root / f"{calibration.kind}-{stamp}.json"
    path.write_text(json.dumps(calibration.to_json()), encoding="utf-8")
    return path


def saved(folder: Path | None = None) -> list[Path]:
    root = folder or settings.personal_dir()
    return sorted(root.glob("*.json"), reverse=True) if root.is_dir() else []


def delete_all(folder: Path | None = None) -> int:
    """Remove every saved personal model and the folder itself; returns how many files went."""
    root = folder or settings.personal_dir()
    found = [p for p in root.iterdir()] if root.is_dir() else []
    for p in found:
        p.unlink()
    if root.is_dir():
        root.rmdir()
    return len(found)
