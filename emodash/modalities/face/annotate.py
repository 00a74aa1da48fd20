"""Drawing results onto frames: each face boxed and labelled in its emotion's colour."""

from __future__ import annotations

from typing import Sequence

import cv2
import numpy as np

from emodash.core.scores import Scores
from emodash.core.taxonomy import hex_to_rgb


def draw_faces(frame: np.ndarray, faces: Sequence[Scores]) -> np.ndarray:
    """A copy of a BGR frame with every face's box and 'label probability' drawn on it (the frame is untouched)."""
    frame = frame.copy()
    thickness = max(2, frame.shape[1] // 320)
    for face in faces:
        if face.box is None:
            continue
        x, y, w, h = face.box
        r, g, b = hex_to_rgb(face.colour)
        colour = (b, g, r)
        cv2.rectangle(frame, (x, y), (x + w, y + h), colour, thickness)
        text = f"{face.label} {face.confidence:.2f}"
        scale = max(0.5, w / 250)
        (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1 + thickness // 2)
        top = y - th - base - 4 if y - th - base - 4 >= 0 else y + h
        cv2.rectangle(frame, (x, top), (x + tw + 6, top + th + base + 4), colour, -1)
        cv2.putText(
            frame,
            text,
            (x + 3, top + th + 2),
            cv2.FONT_HERSHEY_SIMPLEX,
            scale,
            (255, 255, 255),
            1 + thickness // 2,
            cv2.LINE_AA,
        )
    return frame
