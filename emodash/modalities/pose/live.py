"""Live body pose: MediaPipe Pose on each webcam frame, the skeleton drawn, movement features over a rolling window,
an arousal reading derived from them (explained), and an emotion reading from a personal model the user records.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from emodash.core.scores import Scores
from emodash.core.taxonomy import CANONICAL_SET, label_set_for
from emodash.modalities.pose.skeleton import JOINT_INDEX, SKELETON

UPPER = list(range(25))  # head, arms and hips: what a webcam sees of a seated person
_SHOULDERS = [JOINT_INDEX["left_shoulder"], JOINT_INDEX["right_shoulder"]]
NOSE = JOINT_INDEX["nose"]
FEATURES = ("speed", "expansion", "expansion_change", "quantity_of_motion", "head_angle")
#: What each feature means (shown on the page): in the spirit of the EMOKINE set, lengths in shoulder widths so that
#: the distance to the camera and body size drop out.
FEATURES_EXPLAINED = """\
- speed: mean speed of the upper-body joints, shoulder widths per second;
- expansion: mean distance of the upper-body joints from their centre, in shoulder widths (arms out: high; hunched:
  low); its change over the window says expanding (+) or contracting (-);
- quantity of motion: the share of the window's frames in which the body moved noticeably (more than 4 % of a
  shoulder width between frames), 0-1;
- head angle: degrees between the shoulder-centre -> nose line and vertical in the image (0 upright; a head tilted
  or turned aside is large)."""
MOVED = 0.04  # shoulder widths between frames that count as moving (a still person's landmarks jitter ~0.015)
VISIBLE = 0.5  # the joints whose visibility is above this count
TAKE_SETTLE_S = 2.0  # the start of a take that is not recorded: one window, so every recorded window is the take's
AROUSAL_EXPLAINED = (
    "Arousal from movement alone: it rises with speed (half of the reading, full at 1 shoulder width per second), "
    "quantity of motion (a third) and expansion or contraction (the rest); a still body reads calm. A rule "
    "built from the body-movement literature (faster, larger, more frequent movement goes with high arousal), not a "
    "model trained on labelled data: it says how agitated the movement is, not which emotion."
)


def square(points: np.ndarray, aspect: float) -> np.ndarray:
    """Landmarks with x in the same unit as y: MediaPipe gives x as a share of the frame's width and y of its
    height, so on a 4:3 or 16:9 frame angles and distances would lean towards the vertical."""
    out = np.array(points, dtype=float)
    out[:, 0] *= aspect
    return out


def torso_scale(points: np.ndarray) -> float:
    """Shoulder width in the image: the body's unit of length (a webcam often does not see the hips)."""
    width = float(np.linalg.norm(points[_SHOULDERS[0], :2] - points[_SHOULDERS[1], :2]))
    return max(width, 1e-3)


def head_angle(points: np.ndarray) -> float:
    """Degrees between the shoulder-centre -> nose line and vertical in the image (y grows downwards): the head's
    sideways tilt as the camera sees it (0 upright)."""
    neck = points[_SHOULDERS, :2].mean(axis=0)
    v = points[NOSE, :2] - neck
    return float(np.degrees(np.arctan2(abs(v[0]), -v[1]))) if np.linalg.norm(v) > 0 else 0.0


@dataclass
class PoseReading:
    """One frame's reading: the landmarks (33, 4) or None when no person is seen, the window's features, arousal."""

    t: float
    landmarks: np.ndarray | None
    features: dict[str, float] = field(default_factory=dict)
    arousal: float | None = None
    emotion: dict[str, float] | None = None
    latency_ms: float = 0.0


class MovementWindow:
    """Movement features over the last `window_s` seconds of landmarks; only joints the model sees (visibility over
    0.5) count, as the others (hands below the frame, say) jitter."""

    def __init__(self, window_s: float = 2.0) -> None:
        self.window_s = window_s
        self._frames: deque[tuple[float, np.ndarray, np.ndarray]] = deque()

    def clear(self) -> None:
        self._frames.clear()

    def add(self, t: float, points: np.ndarray) -> dict[str, float]:
        scale = torso_scale(points)
        seen = points[UPPER, 3] > VISIBLE if points.shape[1] > 3 else np.ones(len(UPPER), bool)
        self._frames.append((t, points[UPPER, :2] / scale, seen))
        while self._frames and self._frames[0][0] < t - self.window_s:
            self._frames.popleft()
        return self.features(points)

    def features(self, points: np.ndarray) -> dict[str, float]:
        times = np.array([t for t, _, _ in self._frames])
        xy = np.stack([p for _, p, _ in self._frames])
        seen = np.stack([v for _, _, v in self._frames])

        def spread(i: int, joints: np.ndarray) -> float:
            pts = xy[i][joints]
            return float(np.linalg.norm(pts - pts.mean(axis=0), axis=-1).mean()) if len(pts) else 0.0

        if len(xy) >= 2:
            both = seen[1:] & seen[:-1]
            moved = np.linalg.norm(np.diff(xy, axis=0), axis=-1)
            steps = np.array([m[b].mean() if b.any() else 0.0 for m, b in zip(moved, both)])
            speed = float(steps.sum() / max(times[-1] - times[0], 1e-3))
            qom = float((steps > MOVED).mean())
            change = spread(-1, seen[0] & seen[-1]) - spread(0, seen[0] & seen[-1])  # the same joints at both ends
        else:
            speed = qom = change = 0.0
        return {"speed": speed, "expansion": spread(-1, seen[-1]), "expansion_change": float(change),
                "quantity_of_motion": qom, "head_angle": head_angle(points)}  # fmt: skip


def arousal(features: dict[str, float]) -> float:
    """0 (still, calm) to 1 (fast, large, frequent movement): see AROUSAL_EXPLAINED."""
    speed = min(features["speed"] / 1.0, 1.0)
    qom = features["quantity_of_motion"]
    size = min(abs(features["expansion_change"]) / 0.3, 1.0)
    return float(np.clip(0.5 * speed + 0.33 * qom + 0.17 * size, 0.0, 1.0))


def draw_skeleton(
    bgr: np.ndarray, points: np.ndarray | None, colour: tuple[int, int, int] = (80, 220, 80)
) -> np.ndarray:
    """A copy of the frame with the skeleton drawn (bones between joints seen with visibility > 0.5)."""
    out = bgr.copy()
    if points is None:
        return out
    h, w = out.shape[:2]
    px = np.round(points[:, :2] * [w, h]).astype(int)
    seen = points[:, 3] > VISIBLE if points.shape[1] > 3 else np.ones(len(points), bool)
    thickness = max(2, w // 320)
    for a, b in SKELETON:
        if seen[a] and seen[b]:
            cv2.line(out, tuple(px[a]), tuple(px[b]), colour, thickness, cv2.LINE_AA)
    for i in np.flatnonzero(seen):
        cv2.circle(out, tuple(px[i]), thickness + 1, (255, 255, 255), -1, cv2.LINE_AA)
    return out


class PersonalPoseModel:
    """A person's own emotion model from recorded takes: each take is a few seconds of window features with the
    emotion the person acted; trained on the takes, scored with whole takes held out (never frames of the take it
    was trained on). Kept in memory only."""

    def __init__(self) -> None:
        self.takes: list[tuple[str, np.ndarray]] = []
        self.classifier = None
        self.score: float | None = None

    def add_take(self, label: str, rows: list[dict[str, float]]) -> None:
        if len(rows) < 5:
            raise ValueError(f"the take of {label!r} has {len(rows)} frame(s) with a person; record a few seconds")
        self.takes.append((label, np.array([[r[f] for f in FEATURES] for r in rows])))

    def labels(self) -> list[str]:
        return sorted({lab for lab, _ in self.takes})

    def train(self) -> float | None:
        """Fit on every take; return the accuracy on held-out takes (leave one take out, where each emotion has
        at least two takes), else None."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        if len(self.labels()) < 2:
            raise ValueError("record takes of at least two emotions first")

        def fit(takes):
            X = np.concatenate([x for _, x in takes])
            y = np.concatenate([[lab] * len(x) for lab, x in takes])
            return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X, y)

        hits, total = 0, 0
        for i, (label, x) in enumerate(self.takes):
            rest = self.takes[:i] + self.takes[i + 1 :]
            if len({lab for lab, _ in rest}) < len(self.labels()):
                continue  # this take is its emotion's only one: it cannot be held out
            hits += int((fit(rest).predict(x) == label).sum())
            total += len(x)
        self.classifier = fit(self.takes)
        self.score = hits / total if total else None
        return self.score

    def predict(self, features: dict[str, float]) -> dict[str, float] | None:
        classifier = self.classifier  # read once: the page may retrain while the webcam thread predicts
        if classifier is None:
            return None
        p = classifier.predict_proba(np.array([[features[f] for f in FEATURES]]))[0]
        return dict(zip(classifier.classes_, map(float, p)))

    def scores(self, emotion: dict[str, float], latency_ms: float) -> Scores:
        """A reading as `Scores` over the recorded emotions (canonical names), for fusion."""
        label_set = label_set_for(list(emotion), "personal-pose", prefer=(CANONICAL_SET,))
        probs = np.array([emotion.get(name, 0.0) for name in label_set.names])
        return Scores(label_set, probs, "pose", "personal-pose", latency_ms)


class PoseSession:
    """What a live pose session keeps across reruns: the tracker, the movement window, the latest reading, the
    personal model and a take being recorded. The webcam callback writes (never `st.*`), the page reads."""

    def __init__(self, window_s: float = 2.0, on_scores: Callable[[Scores], None] | None = None) -> None:
        self.on_scores = on_scores  # e.g. Fusion.update: the personal model's readings join the fusion
        self._tracker = None
        self.window = MovementWindow(window_s)
        self.model = PersonalPoseModel()
        self.latest: PoseReading | None = None
        self.frames = 0
        self.skipped = 0
        self.recording: str | None = None
        self._take_start = 0.0
        self._take: list[dict[str, float]] = []
        self._times: deque[float] = deque(maxlen=60)
        self._lock = threading.Lock()

    def analyze(self, bgr: np.ndarray, now: float | None = None) -> PoseReading:
        start = time.perf_counter()
        now = time.monotonic() if now is None else now
        with self._lock:
            if self._tracker is None:  # made on the first frame: a page visit that never streams costs nothing
                from emodash.modalities.pose.extract import PoseTracker

                self._tracker = PoseTracker()
            found = self._tracker(bgr)
            points = None if found is None else square(found[0], bgr.shape[1] / bgr.shape[0])
            reading = PoseReading(now, None if found is None else found[0])
            if points is None:
                self.window.clear()  # a person who reappears elsewhere is not a fast movement
            else:
                reading.features = self.window.add(now, points)
                reading.arousal = arousal(reading.features)
                reading.emotion = self.model.predict(reading.features)
                if self.recording and now - self._take_start >= TAKE_SETTLE_S:
                    self._take.append(reading.features)
            reading.latency_ms = (time.perf_counter() - start) * 1e3
            if reading.emotion and self.on_scores is not None:
                self.on_scores(self.model.scores(reading.emotion, reading.latency_ms))
            self.latest = reading
            self.frames += 1
            self._times.append(now)
        return reading

    def fps(self) -> float:
        with self._lock:
            times = list(self._times)
        return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else 0.0

    def start_take(self, label: str, now: float | None = None) -> None:
        """Record a take of `label`; the movement window starts afresh, so that the take's features are its own,
        and its first TAKE_SETTLE_S are left out (the move into the pose, and the tracker catching up)."""
        with self._lock:
            self.recording, self._take, self._take_start = label, [], time.monotonic() if now is None else now
            self.window.clear()

    def stop_take(self) -> int:
        """End the take being recorded and keep it; the number of frames it holds."""
        with self._lock:
            label, rows, self.recording, self._take = self.recording, self._take, None, []
        if label:
            self.model.add_take(label, rows)
        return len(rows)

    def close(self) -> None:
        if self._tracker is not None:
            self._tracker.close()
            self._tracker = None
