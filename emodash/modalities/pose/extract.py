"""Keypoints from videos: MediaPipe Pose (the full model bundled in the mediapipe 0.10.21 wheel) run over a video's
frames as they are read (memory stays flat however long the video), one sequence per video, written in the long
keypoint CSV that `formats.read` reads, with the frame times of the video and MediaPipe's world coordinates.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import cv2
import numpy as np

from emodash.core.errors import InputError
from emodash.core.heavy import mediapipe_solutions
from emodash.modalities.pose.skeleton import JOINTS

VIDEO_SUFFIXES = {".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v", ".mpg", ".mpeg", ".y4m"}
#: The columns written: the reader's long layout plus the video's time and MediaPipe's world coordinates (metres,
#: origin at the hips), which the reader keeps out of the sample.
COLUMNS = ("subject", "sequence", "frame", "time_s", "joint", "x", "y", "z", "visibility",
           "world_x", "world_y", "world_z", "label")  # fmt: skip
MAX_SIDE = 1280  # frames larger than this are scaled down before detection (the landmarks are normalised anyway)


@dataclass
class Extraction:
    """What one video gave: frames read, frames with a person, the video's rate."""

    video: str
    label: str
    frames: int = 0
    with_person: int = 0
    fps: float = 0.0


class PoseTracker:
    """MediaPipe Pose in video mode (tracks the person between frames; `static` for unrelated photos): one BGR frame
    -> (33, 4) normalised x, y, z, visibility and (33, 3) world coordinates, or None when no person is found. Not
    thread-safe."""

    def __init__(self, min_confidence: float = 0.5, static: bool = False) -> None:
        self._pose = mediapipe_solutions().pose.Pose(
            static_image_mode=static, model_complexity=1, min_detection_confidence=min_confidence
        )

    def __call__(self, bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        h, w = bgr.shape[:2]
        if max(h, w) > MAX_SIDE:
            scale = MAX_SIDE / max(h, w)
            bgr = cv2.resize(bgr, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
        result = self._pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        if result.pose_landmarks is None:
            return None
        norm = np.array([[p.x, p.y, p.z, p.visibility] for p in result.pose_landmarks.landmark])
        world = np.array([[p.x, p.y, p.z] for p in result.pose_world_landmarks.landmark])
        return norm, world

    def close(self) -> None:
        self._pose.close()


def frames(
    path: str | Path, every: int = 1, start: int = 0, stop: int | None = None
) -> Iterator[tuple[int, float, np.ndarray]]:
    """(frame index, time in s, BGR frame) of every `every`-th frame (counted from the video's first frame) from
    index `start` up to `stop`, read one at a time; InputError for a file that is not a video OpenCV can read."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    cap = cv2.VideoCapture(str(p))
    try:
        if not cap.isOpened():
            raise InputError(f"{p}: not a video that can be read (expected {', '.join(sorted(VIDEO_SUFFIXES))})")
        fps = cap.get(cv2.CAP_PROP_FPS) or 0.0
        if start > 0:
            cap.set(cv2.CAP_PROP_POS_FRAMES, start)  # FFmpeg seeks to the key frame before and decodes up to it
        index = start
        while stop is None or index < stop:
            ok, frame = cap.read()
            if not ok or frame is None:
                break
            if index % every == 0:
                t = index / fps if fps > 0 else cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
                yield index, float(t), frame
            index += 1
        if index == 0:
            raise InputError(f"{p}: no frame could be decoded (not a video, or corrupt)")
    finally:
        cap.release()


def video_info(path: str | Path) -> tuple[float, int]:
    """(frames per second, frame count) as the container states them (0 where it does not)."""
    cap = cv2.VideoCapture(str(path))
    try:
        return float(cap.get(cv2.CAP_PROP_FPS) or 0.0), max(0, int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0))
    finally:
        cap.release()


def extract_video(
    path: str | Path,
    label: str,
    out: TextIO,
    subject: str | None = None,
    every: int = 1,
    tracker: PoseTracker | None = None,
    progress: Callable[[int], None] | None = None,
) -> Extraction:
    """Write the keypoint rows (COLUMNS, no header) of one video to `out` as its frames are read: one sequence
    named after the file; `progress(1)` per frame read. InputError when the video cannot be read or fewer than two
    frames show a person (`out` may then hold a few rows: give each video its own buffer, see `extract_to_csv`)."""
    if every < 1:
        raise InputError(f"--every must be 1 or more (got {every})")
    p = Path(path)
    own = tracker is None
    tracker = tracker or PoseTracker()
    result = Extraction(str(p), label, fps=video_info(p)[0])
    writer = csv.writer(out)
    try:
        for index, t, frame in frames(p, every):
            result.frames += 1
            if progress:
                progress(1)
            found = tracker(frame)
            if found is None:
                continue
            result.with_person += 1
            norm, world = found
            writer.writerows(
                [subject or p.stem, p.stem, index, round(t, 4), name, *np.round(norm[j], 5), *np.round(world[j], 5),
                 label]
                for j, name in enumerate(JOINTS)
            )  # fmt: skip
    finally:
        if own:
            tracker.close()
    if result.with_person < 2:
        what = "no person" if result.with_person == 0 else "a person in only one frame"
        raise InputError(f"{p}: {what} found in {result.frames} frame(s) read (a sequence needs at least 2)")
    return result


def extract_to_csv(
    videos: list[tuple[Path, str, str | None]],
    out: str | Path,
    every: int = 1,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Extraction], list[tuple[str, str]]]:
    """Every video's keypoints into one long CSV at `out` (the reader's format): each video goes to a temporary
    file first and is appended whole once it succeeded, so memory stays flat and a failed video leaves nothing
    behind. Returns the extractions and (video, message) for the videos that failed."""
    import shutil
    import tempfile

    p = Path(out)
    p.parent.mkdir(parents=True, exist_ok=True)
    done, failed = [], []
    with p.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerow(COLUMNS)
        for video, label, subject in videos:  # each video its own tracker: tracking starts afresh
            with tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as buffer:
                try:
                    done.append(extract_video(video, label, buffer, subject, every, progress=progress))
                except InputError as exc:
                    failed.append((str(video), str(exc)))
                    continue
                buffer.seek(0)
                shutil.copyfileobj(buffer, fh)
    return done, failed


def videos_in(target: str | Path, labels_csv: str | Path | None = None) -> list[tuple[Path, str, str | None]]:
    """(video, label, subject) for a video file or every video under a folder: the label from a labels CSV
    (`file,label[,subject]`) when given, else the video's folder name (`FOLDER/<label>/clip.mp4`)."""
    root = Path(target)
    if root.is_file():
        found = [root]
    elif root.is_dir():
        found = sorted(f for f in root.rglob("*") if f.is_file() and f.suffix.lower() in VIDEO_SUFFIXES)
        if not found:
            raise InputError(f"{root}: no videos ({', '.join(sorted(VIDEO_SUFFIXES))}) in it or below it")
    else:
        raise InputError(f"{root}: no such file or folder")
    table = _labels(labels_csv) if labels_csv else {}
    out = []
    for video in found:
        key = next((k for k in (video.name, video.stem, str(video)) if k in table), None)
        if table and key is None:
            raise InputError(f"{labels_csv}: no row for {video.name} (columns file,label[,subject])")
        label, subject = table[key] if key else (video.parent.name if root.is_dir() else video.stem, None)
        out.append((video, label, subject))
    return out


def _labels(path: str | Path) -> dict[str, tuple[str, str | None]]:
    from emodash.io import tables

    p = Path(path)
    df = tables.read_csv(p, str(p), "columns file,label[,subject]", dtype=str, keep_default_na=False)
    df.columns = [c.strip().lower() for c in df.columns]
    if not {"file", "label"} <= set(df.columns):
        raise InputError(f"{p}: expected columns file,label[,subject] (found {', '.join(df.columns[:5])})")
    subjects = df["subject"] if "subject" in df.columns else [None] * len(df)
    return {f.strip(): (lab.strip(), s.strip() if s else None) for f, lab, s in zip(df["file"], df["label"], subjects)}
