"""Speech features as scikit-learn transformers: pooled MFCC/prosody/spectral statistics, and log-mel images.

Input: a sequence of mono float32 waveforms at 16 kHz (see `emodash.audio`). librosa is imported on first use; its
first call compiles with numba (about 15 s in a fresh environment, 1-2 s after): `warm_up()` pays that once, at
model load, not per request.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from emodash.audio import SAMPLE_RATE


def warm_up() -> None:
    """Run every librosa routine used here once on a short tone, so that numba compiles before the first request."""
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    tone = (0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    PooledSpeechFeatures().transform([tone])
    LogMelImage().transform([tone])


def _trim(signal: np.ndarray, top_db: float) -> np.ndarray:
    import librosa

    trimmed, _ = librosa.effects.trim(signal, top_db=top_db, frame_length=512, hop_length=128)
    return trimmed if trimmed.size >= SAMPLE_RATE // 10 else signal


def _mean_std(m: np.ndarray) -> np.ndarray:
    return np.concatenate([m.mean(axis=-1), m.std(axis=-1)])


class PooledSpeechFeatures(BaseEstimator, TransformerMixin):
    """One vector per utterance: statistics over time of MFCCs (+ deltas), spectral shape, energy and pitch.

    - MFCC: `n_mfcc` coefficients of the log-mel spectrogram (`n_mels` bands, `n_fft`/`hop_length` samples), with
      first and second deltas; mean and standard deviation of each (6 x n_mfcc values).
    - Spectral: centroid, bandwidth, roll-off (85 %), flatness, zero-crossing rate and 7 contrast bands: mean, std.
    - Energy: RMS in dB, mean, std, max and the 10-90 % range (loudness and its dynamics).
    - Pitch: YIN f0 between `fmin` and `fmax` Hz on frames within 30 dB of the loudest; mean, std and 10-90 %
      range in semitones re 100 Hz, plus the voiced fraction (intonation is a strong arousal cue).
    Leading and trailing silence quieter than `top_db` below the peak is trimmed first.
    """

    def __init__(self, n_mfcc: int = 40, n_mels: int = 64, n_fft: int = 512, hop_length: int = 160,
                 fmin: float = 65.0, fmax: float = 500.0, top_db: float = 30.0):
        self.n_mfcc = n_mfcc
        self.n_mels = n_mels
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.fmin = fmin
        self.fmax = fmax
        self.top_db = top_db

    def fit(self, X: Sequence[np.ndarray], y=None) -> PooledSpeechFeatures:
        return self

    def transform(self, X: Sequence[np.ndarray]) -> np.ndarray:
        return np.stack([self._one(np.asarray(x, dtype=np.float32)) for x in X])

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        names = [f"{kind}{i}_{stat}" for kind in ("mfcc", "dmfcc", "ddmfcc") for stat in ("mean", "std")
                 for i in range(self.n_mfcc)]
        spectral = ["centroid", "bandwidth", "rolloff", "flatness", "zcr"] + [f"contrast{i}" for i in range(7)]
        names += [f"{n}_{stat}" for stat in ("mean", "std") for n in spectral]
        names += ["rms_db_mean", "rms_db_std", "rms_db_max", "rms_db_range"]
        names += ["f0_st_mean", "f0_st_std", "f0_st_range", "voiced_fraction"]
        return np.array(names, dtype=object)

    def _one(self, signal: np.ndarray) -> np.ndarray:
        import librosa

        y = _trim(signal, self.top_db)
        sr, n_fft, hop = SAMPLE_RATE, self.n_fft, self.hop_length
        power = np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop)) ** 2
        mel = librosa.feature.melspectrogram(S=power, sr=sr, n_mels=self.n_mels)
        mfcc = librosa.feature.mfcc(S=librosa.power_to_db(mel), n_mfcc=self.n_mfcc)
        width = min(9, mfcc.shape[1] - (1 - mfcc.shape[1] % 2)) if mfcc.shape[1] >= 3 else 0
        deltas = ([librosa.feature.delta(mfcc, width=width), librosa.feature.delta(mfcc, order=2, width=width)]
                  if width >= 3 else [np.zeros_like(mfcc)] * 2)
        mag = np.sqrt(power)
        spectral = np.vstack([
            librosa.feature.spectral_centroid(S=mag, sr=sr), librosa.feature.spectral_bandwidth(S=mag, sr=sr),
            librosa.feature.spectral_rolloff(S=mag, sr=sr), librosa.feature.spectral_flatness(S=mag),
            librosa.feature.zero_crossing_rate(y, frame_length=n_fft, hop_length=hop)[:, :mag.shape[1]],
            librosa.feature.spectral_contrast(S=mag, sr=sr, fmin=100.0, n_bands=6)])
        spectral[:3] /= sr / 2  # Hz -> fraction of Nyquist, comparable in scale with the rest
        rms_db = librosa.amplitude_to_db(librosa.feature.rms(S=mag, frame_length=n_fft)[0], ref=1.0, top_db=80)
        f0 = librosa.yin(y, fmin=self.fmin, fmax=self.fmax, sr=sr, frame_length=1024, hop_length=hop)
        n = min(f0.size, rms_db.size)
        voiced = f0[:n][rms_db[:n] > rms_db.max() - 30]
        semitones = 12 * np.log2(voiced / 100.0) if voiced.size else np.zeros(1)
        return np.concatenate([
            _mean_std(mfcc), _mean_std(deltas[0]), _mean_std(deltas[1]), _mean_std(spectral),
            [rms_db.mean(), rms_db.std(), rms_db.max(), np.percentile(rms_db, 90) - np.percentile(rms_db, 10)],
            [semitones.mean(), semitones.std(), np.percentile(semitones, 90) - np.percentile(semitones, 10),
             voiced.size / max(1, n)],
        ]).astype(np.float32)


class LogMelImage(BaseEstimator, TransformerMixin):
    """Fixed-size log-mel spectrogram per utterance, (n, n_mels, frames, 1) in dB, for a 2-D CNN.

    The trimmed signal is centred in, or cropped to, `seconds`; hop 10 ms at 16 kHz.
    """

    def __init__(self, n_mels: int = 64, seconds: float = 3.0, n_fft: int = 512, hop_length: int = 160,
                 top_db: float = 30.0):
        self.n_mels = n_mels
        self.seconds = seconds
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.top_db = top_db

    def fit(self, X: Sequence[np.ndarray], y=None) -> LogMelImage:
        return self

    def transform(self, X: Sequence[np.ndarray]) -> np.ndarray:
        return np.stack([self._one(np.asarray(x, dtype=np.float32)) for x in X])[..., None]

    def _one(self, signal: np.ndarray) -> np.ndarray:
        import librosa

        y = _trim(signal, self.top_db)
        size = int(self.seconds * SAMPLE_RATE)
        if y.size >= size:
            start = (y.size - size) // 2
            y = y[start:start + size]
        else:
            pad = size - y.size
            y = np.pad(y, (pad // 2, pad - pad // 2))
        mel = librosa.feature.melspectrogram(y=y, sr=SAMPLE_RATE, n_fft=self.n_fft, hop_length=self.hop_length,
                                             n_mels=self.n_mels)
        return librosa.power_to_db(mel, ref=1.0, top_db=80.0).astype(np.float32)
