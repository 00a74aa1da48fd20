"""What is said, offline: English speech to text with PocketSphinx, whose acoustic model, language model and
dictionary ship inside the `pocketsphinx` wheel (nothing is downloaded). Whole clips (`Transcriber.transcribe`) and
live audio (`TranscriptStream`: PocketSphinx's endpointer cuts utterances at pauses, each decoded as it comes).

Scores of the words come from the text model (`emodash.serving.inference.spoken_words`)."""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from dataclasses import dataclass

import numpy as np

from emodash.io.audio import SAMPLE_RATE, SILENCE_DB, frame_levels

MODEL_ID = "pocketsphinx-en-us"
BATCH_FRAMES = 16  # endpointer frames (30 ms each) decoded at once, with a partial result after each batch
_FILLERS = re.compile(r"^(<s>|</s>|<sil>|\[.*\]|\+.*\+)$")


@dataclass(frozen=True)
class Transcript:
    """The words heard, with their times in the audio (s), the audio's length and the time decoding took (s)."""

    words: tuple[tuple[str, float, float], ...]
    audio_s: float
    compute_s: float
    model_id: str = MODEL_ID

    @property
    def text(self) -> str:
        return " ".join(w for w, _, _ in self.words)

    @property
    def real_time_factor(self) -> float:
        return self.compute_s / self.audio_s if self.audio_s else 0.0

    def to_json(self) -> dict:
        return {"text": self.text, "words": [{"word": w, "start": round(s, 2), "end": round(e, 2)}
                                             for w, s, e in self.words], "model_id": self.model_id}  # fmt: skip


def _pcm(signal: np.ndarray) -> bytes:
    return (np.clip(np.asarray(signal, dtype=np.float32), -1.0, 1.0) * 32767).astype("<i2").tobytes()


def _words(decoder, offset_s: float = 0.0) -> list[tuple[str, float, float]]:
    """The decoded words with times (PocketSphinx counts 100 frames a second); silences, noises and the
    alternative-pronunciation marks ("read(2)") dropped."""
    out = []
    for seg in decoder.seg():
        word = re.sub(r"\(\d+\)$", "", seg.word)
        if not _FILLERS.match(word):
            out.append((word, offset_s + seg.start_frame / 100, offset_s + (seg.end_frame + 1) / 100))
    return out


class Transcriber:
    """PocketSphinx's US English model: a 16-kHz mono clip -> `Transcript`. One decoder, one caller at a time."""

    model_id = MODEL_ID

    def __init__(self) -> None:
        from pocketsphinx import Decoder

        self._decoder = Decoder(loglevel="FATAL", samprate=SAMPLE_RATE)
        self._lock = threading.Lock()

    def transcribe(self, signal: np.ndarray) -> Transcript:
        """The words of a clip; none for silence (the recogniser would otherwise hear a word in it)."""
        start = time.perf_counter()
        levels = frame_levels(signal)
        if not levels.size or np.percentile(levels, 95) < SILENCE_DB:
            return Transcript((), signal.size / SAMPLE_RATE, time.perf_counter() - start)
        with self._lock:
            self._decoder.start_utt()
            self._decoder.process_raw(_pcm(signal), full_utt=True)
            self._decoder.end_utt()
            words = _words(self._decoder)
        return Transcript(tuple(words), signal.size / SAMPLE_RATE, time.perf_counter() - start)

    def stream(self, keep_s: float = 30.0) -> TranscriptStream:
        """A live transcript with its own decoder state (one per listener)."""
        return TranscriptStream(keep_s)


class TranscriptStream:
    """Live audio in (16-kHz mono chunks of any size), utterances out: PocketSphinx's endpointer finds speech and its
    ends, each utterance is decoded while it is spoken (`partial`) and kept when it ends, for the last `keep_s`
    seconds of audio. Fed from the audio callback thread, read by the page."""

    def __init__(self, keep_s: float = 30.0) -> None:
        from pocketsphinx import Decoder, Endpointer

        self._endpointer = Endpointer(sample_rate=SAMPLE_RATE)
        self._decoder = Decoder(loglevel="FATAL", samprate=SAMPLE_RATE)
        self._frame = self._endpointer.frame_bytes
        self._pending = b""
        self._heard_s = 0.0
        self._busy_s = 0.0
        self._keep_s = keep_s
        self._utterances: deque[tuple[float, str]] = deque()
        self._partial = ""
        self._speech = b""
        self._lock = threading.Lock()

    def push(self, samples: np.ndarray) -> None:
        start = time.perf_counter()
        self._pending += _pcm(samples)
        while len(self._pending) >= self._frame:
            frame, self._pending = self._pending[: self._frame], self._pending[self._frame :]
            was_speech = self._endpointer.in_speech
            speech = self._endpointer.process(frame)
            if speech is None:
                continue
            if not was_speech:
                self._decoder.start_utt()
            self._speech += speech
            if self._endpointer.in_speech:
                if len(self._speech) >= BATCH_FRAMES * self._frame:  # the decoder works best on longer pieces
                    self._decoder.process_raw(self._speech)
                    self._speech = b""
                    hyp = self._decoder.hyp()
                    with self._lock:
                        self._partial = hyp.hypstr if hyp else ""
            else:
                self._decoder.process_raw(self._speech)
                self._speech = b""
                self._decoder.end_utt()
                self._keep(" ".join(w for w, _, _ in _words(self._decoder)), self._endpointer.speech_end)
        self._heard_s += samples.size / SAMPLE_RATE
        self._busy_s += time.perf_counter() - start

    def _keep(self, text: str, at: float) -> None:
        with self._lock:
            self._partial = ""
            if text:
                self._utterances.append((at, text))
            while self._utterances and self._utterances[0][0] < at - self._keep_s:
                self._utterances.popleft()

    def text(self) -> str:
        """The utterances kept and the one being spoken."""
        with self._lock:
            return " ".join([t for _, t in self._utterances] + ([self._partial] if self._partial else []))

    def utterances(self) -> list[tuple[float, str]]:
        """(end time in s of audio heard, text) of each finished utterance kept."""
        with self._lock:
            return list(self._utterances)

    def real_time_factor(self) -> float:
        return self._busy_s / self._heard_s if self._heard_s else 0.0


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level edit distance (substitutions, insertions, deletions) over the reference's word count."""
    ref, hyp = reference.lower().split(), hypothesis.lower().split()
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / max(1, len(ref))
