"""Which model serves each modality: pages, CLI and API all get their predictors here.

The candidates are the `models` of each modality's descriptor. Loading is lazy (nothing heavy is imported until a
predictor is asked for); callers cache what they load (pages with `st.cache_resource`, the CLI once per process).
"""

from __future__ import annotations

import os

from emodash import modalities as kinds
from emodash.core import settings
from emodash.core.modality import ModelInfo


def modalities() -> tuple[str, ...]:
    """The modalities that have a model to serve live."""
    return tuple(m.name for m in kinds.MODALITIES if m.models)


def active_model(modality: str) -> ModelInfo:
    """The active model of a modality: `EMODASH_<MODALITY>_MODEL` if set, else the first registered."""
    if modality not in modalities():
        raise KeyError(f"no models for modality {modality!r}; known: {', '.join(modalities())}")
    candidates = kinds.get(modality).models
    wanted = os.environ.get(f"EMODASH_{modality.upper()}_MODEL")
    for info in candidates:
        if wanted in (None, "", info.model_id):
            return info
    raise ValueError(
        f"EMODASH_{modality.upper()}_MODEL={wanted!r} is not one of {', '.join(i.model_id for i in candidates)}"
    )


def batch_model(modality: str) -> ModelInfo:
    """The model of the batch paths: the one `EMODASH_<MODALITY>_MODEL` names, else the first registered model fast
    enough for batches (`ModelInfo.batch`; the live paths may serve a slower, stronger one)."""
    if os.environ.get(f"EMODASH_{modality.upper()}_MODEL"):
        return active_model(modality)
    return next(info for info in kinds.get(modality).models if info.batch)


def model_info(modality: str, model_id: str) -> ModelInfo:
    """A registered model of a modality by its id, whichever serves."""
    for info in kinds.get(modality).models:
        if info.model_id == model_id:
            return info
    raise KeyError(f"no {modality} model {model_id!r}")


def load_predictor(modality: str):
    """A new instance of the active predictor of `modality` (callers cache it)."""
    return active_model(modality).load()


def load_face_pipeline(detector: str | None = None, classifier=None):
    """Detector (setting `EMODASH_FACE_DETECTOR`, default mediapipe) + the active face classifier."""
    from emodash.modalities.face.detection import make_detector
    from emodash.modalities.face.model import FacePipeline

    return FacePipeline(make_detector(detector or settings.face_detector()), classifier or load_predictor("face"))


def load_transcriber():
    """The offline English transcriber (PocketSphinx, its model inside the wheel)."""
    from emodash.modalities.speech.transcribe import Transcriber

    return Transcriber()
