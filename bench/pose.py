"""Live body pose per 640x480 frame (a video of a real person moving: scikit-image's astronaut drifting and
growing): MediaPipe Pose detection, the movement features, drawing the skeleton; and keypoint extraction from a
video file with `emodash pose extract`'s code path."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from bench.timing import median_p95, table

FRAMES = 300


def _frames(n: int, start: int = 0) -> list[np.ndarray]:
    import skimage.data

    photo = np.ascontiguousarray(skimage.data.astronaut()[..., ::-1])
    out = []
    for i in range(start, start + n):
        s = 0.62 + 0.12 * np.sin(i / 5)
        small = cv2.resize(photo, (int(512 * s), int(512 * s)), interpolation=cv2.INTER_AREA)
        canvas = np.full((480, 640, 3), 40, np.uint8)
        x = 80 + int(60 * np.sin(i / 7))
        canvas[10 : 10 + small.shape[0], x : x + small.shape[1]] = small
        out.append(canvas)
    return out


def run(frames: int = FRAMES) -> str:
    from emodash.modalities.pose.extract import extract_to_csv
    from emodash.modalities.pose.live import PoseSession, draw_skeleton

    video = _frames(frames)
    session = PoseSession()
    for f in video[:20]:  # warm-up: the model's first runs
        session.analyze(f)
    stages = {"detect + features": [], "draw": [], "total": []}
    found = 0
    for i, f in enumerate(video):
        start = time.perf_counter()
        reading = session.analyze(f, now=i / 30)
        mid = time.perf_counter()
        draw_skeleton(f, reading.landmarks)
        end = time.perf_counter()
        found += reading.landmarks is not None
        stages["detect + features"].append((mid - start) * 1e3)
        stages["draw"].append((end - mid) * 1e3)
        stages["total"].append((end - start) * 1e3)
    session.close()
    rows = [[name, *median_p95(np.array(ms))] for name, ms in stages.items()]
    total = median_p95(np.array(stages["total"]))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clip.avi"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (640, 480))
        for f in video:
            writer.write(f)
        writer.release()
        start = time.perf_counter()
        done, _ = extract_to_csv([(path, "happy", None)], Path(tmp) / "k.csv")
        took = time.perf_counter() - start
    memory = [[n, *_extraction_peak(n)] for n in (150, 900)]
    return (
        f"### Live body pose per 640x480 frame ({frames} frames of a person moving; person found in {found})\n\n"
        + table(["stage", "median ms", "p95 ms"], rows)
        + f"\n\nCapacity: {1e3 / total[0]:.0f} frames/s at the median, {1e3 / total[1]:.0f} at p95 "
        "(goal: at least 25 frames/s).\n\n"
        + table(
            ["extraction (emodash pose extract)", "frames", "seconds", "frames/s"],
            [["MJPG video, every frame", done[0].frames, took, done[0].frames / took]],
        )  # fmt: skip
        + "\n\nMemory of `emodash pose extract` (its own process; flat means frames and rows are streamed):\n\n"
        + table(["video frames", "peak RSS MB", "seconds"], memory)
    )


def _extraction_peak(frames: int) -> tuple[float, float]:
    """Peak resident memory (MB) and seconds of `emodash pose extract` in a process of its own, on a video of
    `frames` frames."""
    import subprocess
    import sys

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clip.avi"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (640, 480))
        for i in range(0, frames, 50):
            for f in _frames(min(50, frames - i), start=i):
                writer.write(f)
        writer.release()
        code = (  # VmHWM, not ru_maxrss: a forked child's ru_maxrss starts from its parent's size
            "import re, sys; from emodash.cli import main; "
            f"main(['pose', 'extract', {str(path)!r}, '-o', {str(Path(tmp) / 'k.csv')!r}]); "
            "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1), file=sys.stderr)"
        )
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
        took = time.perf_counter() - start
    return int(done.stderr.strip().splitlines()[-1]) / 1024, took
