"""A lock-guarded history of live scores, written by a streamlit-webrtc callback thread and read by the page."""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Sequence

import numpy as np
import pandas as pd

from emodash.core.scores import Scores
from emodash.core.taxonomy import LabelSet


def largest_face(faces: Sequence[Scores]) -> Scores | None:
    """The face with the largest box (the one nearest the camera), or None for no face."""
    return max(faces, key=lambda s: s.box[2] * s.box[3] if s.box else 0, default=None)


class ScoreTimeline:
    """Keeps each frame's scores for the last `window_s` seconds; safe to write from one thread and read from another.

    A frame with several faces is recorded as the largest face (the one nearest the camera).
    """

    def __init__(self, label_set: LabelSet, window_s: float = 10.0):
        self.label_set = label_set
        self.window_s = window_s
        self._lock = threading.Lock()
        self._rows: deque[tuple[float, np.ndarray | None, int, float]] = deque()
        self._last: list[Scores] = []
        self.skipped = 0

    def skip(self) -> None:
        """Count a frame that could not be analysed (the live callback skips it and goes on)."""
        with self._lock:
            self.skipped += 1

    def add(self, faces: Sequence[Scores], now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        main = largest_face(faces)
        latency = faces[0].latency_ms if faces else 0.0
        with self._lock:
            self._rows.append((now, None if main is None else main.probs, len(faces), latency))
            self._last = list(faces)
            while self._rows and self._rows[0][0] < now - self.window_s:
                self._rows.popleft()

    def latest(self) -> list[Scores]:
        with self._lock:
            return list(self._last)

    def frame(self, now: float | None = None) -> pd.DataFrame:
        """Columns t (seconds, 0 = now, negative = past) and one per label; frames without a face are left out."""
        now = time.monotonic() if now is None else now
        with self._lock:
            rows = [(t - now, p) for t, p, _, _ in self._rows if p is not None]
        df = pd.DataFrame([p for _, p in rows], columns=list(self.label_set.names))
        df.insert(0, "t", [t for t, _ in rows])
        return df

    def stats(self) -> dict[str, float]:
        """Frames per second over the window and median milliseconds per frame (analysis only)."""
        with self._lock:
            rows = list(self._rows)
        if len(rows) < 2:
            return {"fps": 0.0, "ms_per_frame": rows[0][3] if rows else 0.0, "faces": rows[-1][2] if rows else 0}
        span = rows[-1][0] - rows[0][0]
        return {
            "fps": (len(rows) - 1) / span if span > 0 else 0.0,
            "ms_per_frame": float(np.median([r[3] for r in rows])),
            "faces": rows[-1][2],
        }
