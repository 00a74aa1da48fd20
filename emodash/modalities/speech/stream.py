"""Live voice: a sliding window over microphone audio, scored every `hop_s` when the voice gate is open.

Written from a streamlit-webrtc audio callback thread, read by the page; lock-guarded; audio stays in memory.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

import numpy as np

from emodash.core.errors import InputError
from emodash.core.scores import Scores
from emodash.io.audio import MIN_DYNAMICS_DB, SAMPLE_RATE, frame_levels


@dataclass(frozen=True)
class VoiceReading:
    """One hop: the window's level, whether the gate let it through, and its scores if it did."""

    at: float
    level_db: float
    voiced: bool
    scores: Scores | None
    compute_ms: float


class VoiceGate:
    """Opens when the window's loud frames (95th percentile) exceed `threshold_db` dBFS and its level rises and
    falls like speech (at least `MIN_DYNAMICS_DB` between quiet and loud frames): silence and hum read as silence."""

    def __init__(self, threshold_db: float = -50.0):
        self.threshold_db = threshold_db

    def measure(self, window: np.ndarray) -> tuple[float, float]:
        """(level of the loud frames in dBFS, dynamics in dB) of a 16-kHz window."""
        levels = frame_levels(window)
        if levels.size == 0:
            return -120.0, 0.0
        loud = float(np.percentile(levels, 95))
        return loud, loud - float(np.percentile(levels, 10))

    def is_open(self, window: np.ndarray) -> bool:
        loud, dynamics = self.measure(window)
        return loud > self.threshold_db and dynamics >= MIN_DYNAMICS_DB


class VoiceStream:
    """Keeps the last `window_s` of 16-kHz audio; every `hop_s` of new audio it scores the window (if voiced). With a
    `transcript` stream, every sample also goes to the speech recogniser."""

    def __init__(
        self,
        model,
        window_s: float = 3.0,
        hop_s: float = 1.5,
        gate: VoiceGate | None = None,
        history_s: float = 30.0,
        on_scores=None,
        transcript=None,
    ):
        self.model = model
        self.transcript = transcript  # a TranscriptStream: what is said, decoded as it is heard (None: tone only)
        self.window = int(window_s * SAMPLE_RATE)
        self.hop = int(hop_s * SAMPLE_RATE)
        self.gate = gate or VoiceGate()
        self.on_scores = on_scores
        self._buffer = np.zeros(0, dtype=np.float32)
        self._since_hop = 0
        self._readings: deque[VoiceReading] = deque(maxlen=max(1, int(history_s / hop_s)))
        self._lock = threading.Lock()
        self._busy_s = 0.0
        self._audio_s = 0.0
        self._resamplers: dict[int, object] = {}
        #: chunks the live callback could not read and skipped
        self.skipped = 0

    def push(self, samples: np.ndarray, now: float | None = None) -> VoiceReading | None:
        """Add mono 16-kHz samples; returns the reading when a hop completed."""
        if self.transcript is not None:
            self.transcript.push(samples)
        self._buffer = np.concatenate([self._buffer, samples.astype(np.float32)])[-self.window :]
        self._since_hop += samples.size
        self._audio_s += samples.size / SAMPLE_RATE
        if self._since_hop < self.hop or self._buffer.size < self.window // 2:
            return None
        self._since_hop = 0
        start = time.perf_counter()
        level, _ = self.gate.measure(self._buffer)
        voiced = self.gate.is_open(self._buffer)
        scores = None
        if voiced:
            try:
                scores = self.model.predict(self._buffer)
            except InputError:  # the gate let through something the model will not score: count it as silence
                voiced = False
        ms = (time.perf_counter() - start) * 1e3
        reading = VoiceReading(time.monotonic() if now is None else now, level, voiced, scores, ms)
        with self._lock:
            self._readings.append(reading)
            self._busy_s += ms / 1e3
        if scores is not None and self.on_scores is not None:
            self.on_scores(scores)
        return reading

    def push_audio(self, mono: np.ndarray, rate: int) -> VoiceReading | None:
        """Add mono float samples at any `rate`: resampled to 16 kHz by a soxr stream resampler this stream owns
        (one per rate, kept across chunks and across page reruns, so no chunk boundary clicks), then `push`."""
        if rate != SAMPLE_RATE:
            if rate not in self._resamplers:
                import soxr

                self._resamplers[rate] = soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="float32")
            mono = self._resamplers[rate].resample_chunk(np.asarray(mono, dtype=np.float32))
        return self.push(mono)

    def readings(self) -> list[VoiceReading]:
        with self._lock:
            return list(self._readings)

    def real_time_factor(self) -> float:
        """Processing time / audio time so far (below 1 keeps up with real time)."""
        with self._lock:
            return self._busy_s / self._audio_s if self._audio_s else 0.0
