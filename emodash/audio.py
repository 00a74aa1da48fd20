"""Reading audio from files or uploaded bytes: mono float32 at 16 kHz, with a clear message for anything unusable."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from emodash.errors import InputError

SAMPLE_RATE = 16_000
#: Shortest clip worth scoring: emotion needs at least a word or two.
MIN_SECONDS = 0.5
#: Longest clip scored in one piece; longer recordings are refused with a hint rather than silently cut.
MAX_SECONDS = 120.0
#: RMS level (full scale 1.0) under which a clip counts as silence: about -50 dBFS.
SILENCE_RMS = 10 ** (-50 / 20)
FORMATS = ("wav", "flac", "ogg", "mp3")


def decode_audio(data: bytes, name: str = "audio") -> np.ndarray:
    """Decode WAV/FLAC/OGG/MP3 bytes to mono float32 at 16 kHz (channels averaged, resampled with soxr)."""
    import soundfile as sf
    import soxr

    if not data:
        raise InputError(f"{name}: the file is empty")
    try:
        info = sf.info(io.BytesIO(data))
    except (sf.LibsndfileError, RuntimeError, TypeError):
        raise InputError(f"{name}: not audio that can be read (expected {', '.join(FORMATS)})") from None
    if info.frames > 0 and info.duration > MAX_SECONDS:
        raise InputError(f"{name}: the recording is {info.duration / 60:.1f} minutes long; the limit is "
                         f"{MAX_SECONDS:.0f} s: cut it into shorter clips")
    try:
        samples, rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError):
        raise InputError(f"{name}: the audio is corrupt or truncated") from None
    mono = samples.mean(axis=1)
    if rate != SAMPLE_RATE and mono.size:
        mono = soxr.resample(mono, rate, SAMPLE_RATE).astype(np.float32)
    return mono


def read_audio(path: str | Path) -> np.ndarray:
    """Read an audio file as mono float32 at 16 kHz."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    return decode_audio(p.read_bytes(), str(p))


def rms(signal: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(signal, dtype=np.float64)))) if signal.size else 0.0


def check_speech(signal: np.ndarray, name: str = "audio") -> np.ndarray:
    """The signal itself if it can be scored, else an `InputError`: too short, too long, or silent."""
    seconds = signal.size / SAMPLE_RATE
    if seconds < MIN_SECONDS:
        raise InputError(f"{name}: {seconds:.2f} s of audio is too short; speak for at least {MIN_SECONDS} s")
    if seconds > MAX_SECONDS:
        raise InputError(f"{name}: {seconds:.0f} s is longer than the {MAX_SECONDS:.0f} s limit")
    if rms(signal) < SILENCE_RMS:
        raise InputError(f"{name}: the recording is silent (level below -50 dBFS): nothing to score")
    return signal
