"""Speech statistics: balance by emotion and by group (actor, intensity, gender), file formats and durations, and
per-emotion acoustic summaries (level, pitch, brightness, rate of zero crossings)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from emodash.core.dataset import Dataset, basics
from emodash.modalities.speech.formats import audio_at


def file_info(ds: Dataset) -> pd.DataFrame:
    """One row per clip: format, sample rate, channels and duration, read from file headers (no decoding)."""
    import soundfile as sf

    rows = []
    for sample in ds.samples:
        if isinstance(sample, np.ndarray):
            rows.append(("array", 16_000, 1, sample.size / 16_000))
            continue
        try:
            info = sf.info(str(sample))
            rows.append((Path(sample).suffix.lower().lstrip("."), info.samplerate, info.channels, info.duration))
        except (sf.LibsndfileError, RuntimeError):
            rows.append((Path(sample).suffix.lower().lstrip("."), np.nan, np.nan, np.nan))
    return pd.DataFrame(rows, columns=["format", "sample_rate", "channels", "seconds"]).assign(label=ds.labels)


def balance(ds: Dataset, by: str) -> pd.DataFrame:
    """Clips per emotion (rows, in label-set order) and per value of the group column `by` (columns)."""
    table = pd.crosstab(pd.Series(ds.labels, name="emotion"), pd.Series(ds.groups[by].to_numpy(), name=by))
    return table.reindex([n for n in ds.label_set.names if n in table.index])


def clip_features(
    ds: Dataset, per_class: int | None = 20, seed: int = 0, progress: Callable[[float], None] | None = None
) -> pd.DataFrame:
    """Acoustic summary per clip (on `per_class` random clips of each emotion, or all with None): duration, level
    (dBFS of the loud frames), median pitch (YIN, Hz), pitch spread (semitones), spectral centroid (Hz), zero
    crossings per second."""
    import librosa

    rng = np.random.default_rng(seed)
    picked = []
    for label in ds.label_set.names:
        idx = np.flatnonzero(ds.labels == label)
        picked += list(idx if per_class is None or len(idx) <= per_class else rng.choice(idx, per_class, False))
    rows = []
    for n, i in enumerate(sorted(picked)):
        y = audio_at(ds, i)
        rms = librosa.feature.rms(y=y, frame_length=400, hop_length=160)[0]
        level = 20 * np.log10(np.percentile(rms, 95) + 1e-9)
        f0 = librosa.yin(y, fmin=60, fmax=500, sr=16_000, frame_length=1024)
        voiced = f0[rms[: f0.size] > np.percentile(rms, 60)] if f0.size else f0
        centroid = librosa.feature.spectral_centroid(y=y, sr=16_000)[0]
        rows.append(
            {
                "label": ds.labels[i],
                "seconds": y.size / 16_000,
                "level_dbfs": level,
                "pitch_hz": float(np.median(voiced)) if voiced.size else np.nan,
                "pitch_spread_st": float(12 * np.std(np.log2(voiced))) if voiced.size > 1 else np.nan,
                "centroid_hz": float(np.median(centroid)),
                "zero_crossings_per_s": float(np.mean(np.abs(np.diff(np.signbit(y)))) * 16_000),
            }
        )
        if progress:
            progress((n + 1) / len(picked))
    return pd.DataFrame(rows, index=sorted(picked))


def mel_db(signal: np.ndarray, n_mels: int = 64) -> np.ndarray:
    """Log-mel spectrogram (dB, n_mels x frames at 10 ms) of a 16-kHz signal, for display."""
    import librosa

    mel = librosa.feature.melspectrogram(y=signal, sr=16_000, n_fft=512, hop_length=160, n_mels=n_mels)
    return librosa.power_to_db(mel, ref=np.max)


def describe(ds: Dataset) -> dict:
    """Balance by emotion and group, formats, sample rates, channels and durations of a speech data set."""
    info = file_info(ds)
    out = {**basics(ds)}
    for by in ("actor", "gender", "intensity", "speaker"):
        if by in ds.groups:
            out[f"by_{by}"] = {str(k): int(v) for k, v in ds.groups[by].value_counts().sort_index().items()}
    out.update(
        formats={str(k): int(v) for k, v in info["format"].value_counts().items()},
        sample_rates={str(int(k)): int(v) for k, v in info["sample_rate"].dropna().value_counts().items()},
        channels={str(int(k)): int(v) for k, v in info["channels"].dropna().value_counts().items()},
        unreadable=int(info["seconds"].isna().sum()),
        seconds_total=round(float(info["seconds"].sum()), 1),
        seconds_median=round(float(info["seconds"].median()), 2),
        seconds_per_emotion={k: round(float(v), 2) for k, v in info.groupby("label")["seconds"].median().items()},
    )
    return out
