"""Reading audio from files or uploaded bytes: mono float32 at 16 kHz, with a clear message for anything unusable."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from emodash.core.errors import InputError

SAMPLE_RATE = 16_000
#: Shortest clip worth scoring: emotion needs at least a word or two.
MIN_SECONDS = 0.5
#: Longest clip scored in one piece; longer recordings are refused with a hint rather than silently cut.
MAX_SECONDS = 120.0
#: A clip whose loudest 5 % of 25-ms frames are below this level (dBFS) is silence.
SILENCE_DB = -65.0
#: Speech rises and falls between syllables; a clip whose frame levels vary less than this (dB) is a steady sound.
MIN_DYNAMICS_DB = 6.0
FORMATS = ("wav", "flac", "ogg", "mp3")
#: Larger files are refused before they are read (two minutes of 8-channel 192 kHz float WAV is about 700 MB).
MAX_BYTES = 256 * 1024 * 1024
MAX_CHANNELS = 8
RATES = (4_000, 384_000)


def decode_audio(data: bytes, name: str = "audio") -> np.ndarray:
    """Decode WAV/FLAC/OGG/MP3 bytes to mono float32 at 16 kHz (channels averaged, resampled with soxr)."""
    import soundfile as sf
    import soxr

    if not data:
        raise InputError(f"{name}: the file is empty")
    if len(data) > MAX_BYTES:
        raise InputError(f"{name}: the file is too large ({len(data) / 2**20:.0f} MB; the limit is {MAX_BYTES >> 20})")
    try:
        info = sf.info(io.BytesIO(data))
    except (sf.LibsndfileError, RuntimeError, TypeError):
        raise InputError(f"{name}: not audio that can be read (expected {', '.join(FORMATS)})") from None
    if not 1 <= info.channels <= MAX_CHANNELS or not RATES[0] <= info.samplerate <= RATES[1]:
        raise InputError(
            f"{name}: {info.channels} channels at {info.samplerate} Hz is not audio emodash reads "
            f"(1-{MAX_CHANNELS} channels, {RATES[0] // 1000}-{RATES[1] // 1000} kHz)"
        )
    if info.frames > 0 and info.duration > MAX_SECONDS:
        raise InputError(
            f"{name}: the recording is {info.duration / 60:.1f} minutes long; the limit is "
            f"{MAX_SECONDS:.0f} s: cut it into shorter clips"
        )
    try:
        samples, rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError):
        raise InputError(f"{name}: the audio is corrupt or truncated") from None
    if not np.isfinite(samples).all():
        raise InputError(f"{name}: the audio holds samples that are not numbers (NaN or infinite): corrupt")
    mono = samples.mean(axis=1)
    if rate != SAMPLE_RATE and mono.size:
        mono = soxr.resample(mono, rate, SAMPLE_RATE).astype(np.float32)
    return mono


def read_audio(path: str | Path) -> np.ndarray:
    """Read an audio file as mono float32 at 16 kHz."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise InputError(f"{p}: the file is too large ({size / 2**20:.0f} MB; the limit is {MAX_BYTES >> 20})")
    return decode_audio(p.read_bytes(), str(p))


def frame_levels(signal: np.ndarray, frame: int = 400) -> np.ndarray:
    """Level in dBFS of each 25-ms frame (400 samples at 16 kHz)."""
    n = signal.size // frame
    frames = signal[: n * frame].reshape(n, frame).astype(np.float64)
    return 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)


def check_speech(signal: np.ndarray, name: str = "audio") -> np.ndarray:
    """The signal itself if it can be scored, else an `InputError`: not numbers, too short, too long, or silent."""
    if not np.isfinite(signal).all():
        raise InputError(f"{name}: the audio holds samples that are not numbers (NaN or infinite)")
    seconds = signal.size / SAMPLE_RATE
    if seconds < MIN_SECONDS:
        raise InputError(f"{name}: {seconds:.2f} s of audio is too short; speak for at least {MIN_SECONDS} s")
    if seconds > MAX_SECONDS:
        raise InputError(f"{name}: {seconds:.0f} s is longer than the {MAX_SECONDS:.0f} s limit")
    levels = frame_levels(signal)
    loud, quiet = np.percentile(levels, 95), np.percentile(levels, 10)
    if loud < SILENCE_DB:
        raise InputError(f"{name}: the recording is silent (below {SILENCE_DB:.0f} dBFS): nothing to score")
    if loud - quiet < MIN_DYNAMICS_DB:
        raise InputError(f"{name}: no speech found, only a steady sound (its level varies by {loud - quiet:.1f} dB)")
    return signal
