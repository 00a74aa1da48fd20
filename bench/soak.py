"""Soak: 10,000 frames through the live face callback and 2,000 windows through the live voice stream, as a
browser would send them; memory at the start and the end, frames or chunks skipped, and latency drift."""

from __future__ import annotations

import time

import numpy as np

from bench.face import frames
from bench.timing import table


def rss_mb() -> float:
    """Resident memory of this process now (MB)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def _drift(ms: list[float]) -> tuple[float, float]:
    """Median latency of the first and of the last tenth of the run."""
    k = max(1, len(ms) // 10)
    return float(np.median(ms[:k])), float(np.median(ms[-k:]))


def face(n: int = 10_000) -> list:
    import av

    from emodash.dashboard.video import face_frame_callback
    from emodash.serving import registry
    from emodash.serving.timeline import ScoreTimeline

    pipeline = registry.load_face_pipeline("mediapipe")
    timeline = ScoreTimeline(pipeline.classifier.label_set)
    callback = face_frame_callback(pipeline, timeline)
    images = list(frames().values())
    for _ in range(50):  # warm up
        callback(av.VideoFrame.from_ndarray(images[0], format="bgr24"))
    start, ms, errors = rss_mb(), [], 0
    for i in range(n):
        frame = av.VideoFrame.from_ndarray(images[i % 2], format="bgr24")
        t = time.perf_counter()
        try:
            callback(frame)
        except Exception:
            errors += 1
        ms.append((time.perf_counter() - t) * 1e3)
    first, last = _drift(ms)
    return [f"face callback, {n:,} frames (1 and 3 faces)", start, rss_mb(), errors + timeline.skipped, first, last]


def voice(windows: int = 2_000) -> list:
    from emodash.modalities.speech.stream import VoiceStream
    from emodash.serving import registry

    stream = VoiceStream(registry.load_predictor("speech"), window_s=3.0, hop_s=1.5)
    rate, chunk = 48_000, 960  # 20 ms browser chunks at 48 kHz, resampled by the stream's own resampler
    t = np.arange(rate * 3) / rate
    speech = (0.2 * np.sin(2 * np.pi * 180 * t) * (np.sin(2 * np.pi * 3 * t) > 0)).astype(np.float32)
    noise = np.random.default_rng(0).normal(0, 0.01, speech.size).astype(np.float32)
    audio = speech + noise
    for i in range(0, audio.size, chunk):  # warm up: one window
        stream.push_audio(audio[i : i + chunk], rate)
    start, ms, errors, hops, pos = rss_mb(), [], 0, 0, 0
    while hops < windows:
        piece = audio[pos : pos + chunk]
        pos = (pos + chunk) % (audio.size - chunk)
        t0 = time.perf_counter()
        try:
            reading = stream.push_audio(piece, rate)
        except Exception:
            errors += 1
            reading = None
        if reading is not None:
            hops += 1
            ms.append((time.perf_counter() - t0) * 1e3)
    first, last = _drift(ms)
    return [f"voice stream, {windows:,} windows (20-ms chunks at 48 kHz)", start, rss_mb(), errors + stream.skipped,
            first, last]  # fmt: skip


def run() -> str:
    rows = [face(), voice()]
    return "### Soak: live paths over a long session\n\n" + table(
        ["path", "RSS start MB", "RSS end MB", "errors + skipped", "median ms, first 10 %", "median ms, last 10 %"],
        rows,
    )
