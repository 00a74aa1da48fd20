"""Face detectors: every face of a BGR frame as pixel boxes.

Two are offered; `MediaPipeDetector` is the default because it is about 10x faster than OpenCV's Haar cascade at a
higher recall on our benchmark (see README, `python -m bench face-detectors`). Both are imported lazily.
"""

from __future__ import annotations

import cv2
import numpy as np

from emodash.core.heavy import mediapipe_solutions
from emodash.core.scores import Box


def _clip(x: float, y: float, w: float, h: float, width: int, height: int) -> Box | None:
    x0, y0 = max(0, int(round(x))), max(0, int(round(y)))
    x1, y1 = min(width, int(round(x + w))), min(height, int(round(y + h)))
    return (x0, y0, x1 - x0, y1 - y0) if x1 - x0 >= 8 and y1 - y0 >= 8 else None


class HaarDetector:
    """OpenCV's frontal-face Haar cascade run on a copy downscaled to `detect_width` pixels wide (speed)."""

    name = "haar"

    def __init__(self, detect_width: int = 320, min_neighbors: int = 5) -> None:
        self.detect_width = detect_width
        self.min_neighbors = min_neighbors
        self._cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")

    def detect(self, bgr: np.ndarray) -> list[Box]:
        height, width = bgr.shape[:2]
        scale = min(1.0, self.detect_width / width)
        grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        if scale < 1.0:
            grey = cv2.resize(grey, (int(width * scale), int(height * scale)), interpolation=cv2.INTER_AREA)
        found = self._cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=self.min_neighbors, minSize=(20, 20))
        boxes = [_clip(x / scale, y / scale, w / scale, h / scale, width, height) for x, y, w, h in found]
        return [b for b in boxes if b]


class MediaPipeDetector:
    """MediaPipe's BlazeFace (bundled in the mediapipe 0.10.21 wheel); `model_selection` 0 = short range (< 2 m),
    1 = full range. Not thread-safe: callers serialise (FacePipeline holds a lock)."""

    name = "mediapipe"

    def __init__(self, model_selection: int = 0, min_confidence: float = 0.5) -> None:
        self._detector = mediapipe_solutions().face_detection.FaceDetection(
            model_selection=model_selection, min_detection_confidence=min_confidence
        )

    def detect(self, bgr: np.ndarray) -> list[Box]:
        height, width = bgr.shape[:2]
        result = self._detector.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        boxes = []
        for det in result.detections or []:
            rb = det.location_data.relative_bounding_box
            box = _clip(rb.xmin * width, rb.ymin * height, rb.width * width, rb.height * height, width, height)
            if box:
                boxes.append(box)
        return boxes


def make_detector(name: str) -> HaarDetector | MediaPipeDetector:
    """A detector by name: 'mediapipe' or 'haar'."""
    if name == "haar":
        return HaarDetector()
    if name == "mediapipe":
        return MediaPipeDetector()
    raise ValueError(f"unknown face detector {name!r}: choose mediapipe or haar")
