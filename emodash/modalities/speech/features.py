"""Speech features as scikit-learn transformers: pooled MFCC/prosody/spectral statistics, what a pretrained voice
encoder's layers hold over an utterance, and log-mel images.

Input: a sequence of mono float32 waveforms at 16 kHz (see `emodash.io.audio`). librosa is imported on first use; its
first call compiles with numba (about 15 s in a fresh environment, 1-2 s after): `warm_up()` pays that once, at
model load, not per request.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import Tags

from emodash.io.audio import SAMPLE_RATE
from emodash.modalities.speech import voice_encoder as enc


def warm_up(features: TransformerMixin | None = None) -> None:
    """Run every librosa routine used here once on a short tone, so that numba compiles before the first request;
    also `features` (a model's), which loads what they need (the voice encoder's weights)."""
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    tone = (0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    PooledSpeechFeatures().transform([tone])
    LogMelImage().transform([tone])
    if features is not None:
        features.transform([tone])


def _trim(signal: np.ndarray, top_db: float) -> np.ndarray:
    import librosa

    trimmed, _ = librosa.effects.trim(signal, top_db=top_db, frame_length=512, hop_length=128)
    return trimmed if trimmed.size >= SAMPLE_RATE // 10 else signal


class _PerSignal(TransformerMixin, BaseEstimator):
    """A stateless transformer of a list of signals: every signal is measured on its own, `fit` learns nothing."""

    def fit(self, X: Sequence[np.ndarray], y: object = None) -> _PerSignal:
        return self

    def transform(self, X: Sequence[np.ndarray]) -> np.ndarray:
        """One row per signal (`_one` of each, as float32)."""
        return np.stack([self._one(np.asarray(x, dtype=np.float32)) for x in X])

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags


def _mean_std(m: np.ndarray) -> np.ndarray:
    return np.concatenate([m.mean(axis=-1), m.std(axis=-1)])


class PooledSpeechFeatures(_PerSignal):
    """One vector per utterance: statistics over time of the spectrum, MFCCs, energy and pitch.

    With `n_fft` = 512 and `hop_length` = 160 samples (32 ms windows every 10 ms at 16 kHz):
    - MFCC: `n_mfcc` coefficients of the log-mel spectrogram, with first and second deltas (width 9): mean and std.
    - Log-mel: `n_mels` bands in absolute dB: mean and std (the spectral envelope and how much it moves).
    - Spectral: centroid, bandwidth, roll-off (85 %) in kHz, log flatness, zero-crossing rate, 7 contrast bands:
      mean and std.
    - Energy: RMS in dB: mean, std, max, 10th and 90th percentiles, and the RMS of its frame-to-frame change.
    - Pitch: YIN f0 between `fmin` and `fmax` Hz on frames within 30 dB of the loudest, in semitones re 100 Hz:
      mean, std, 5th/50th/95th percentiles, range, mean absolute and std of the frame-to-frame change; the voiced
      fraction, voiced segments per second (a speech-rate proxy) and the duration.
    Leading and trailing silence quieter than `top_db` below the peak is trimmed first.
    """

    def __init__(
        self,
        n_mfcc: int = 40,
        n_mels: int = 64,
        n_fft: int = 512,
        hop_length: int = 160,
        fmin: float = 65.0,
        fmax: float = 500.0,
        top_db: float = 30.0,
    ):
        self.n_mfcc = n_mfcc
        self.n_mels = n_mels
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.fmin = fmin
        self.fmax = fmax
        self.top_db = top_db

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        names = [
            f"{kind}{i}_{stat}"
            for kind in ("mfcc", "dmfcc", "ddmfcc")
            for stat in ("mean", "std")
            for i in range(self.n_mfcc)
        ]
        names += [f"logmel{i}_{stat}" for stat in ("mean", "std") for i in range(self.n_mels)]
        spectral = ["centroid_khz", "bandwidth_khz", "rolloff_khz", "log_flatness", "zcr"] + [
            f"contrast{i}" for i in range(7)
        ]
        names += [f"{n}_{stat}" for stat in ("mean", "std") for n in spectral]
        names += ["rms_db_mean", "rms_db_std", "rms_db_max", "rms_db_p10", "rms_db_p90", "rms_db_change"]
        names += [
            "f0_st_mean",
            "f0_st_std",
            "f0_st_p5",
            "f0_st_p50",
            "f0_st_p95",
            "f0_st_range",
            "f0_st_change_abs",
            "f0_st_change_std",
            "voiced_fraction",
            "voiced_segments_per_s",
            "duration_s",
        ]
        return np.array(names, dtype=object)

    def _one(self, signal: np.ndarray) -> np.ndarray:
        import librosa

        y = _trim(signal, self.top_db)
        sr, n_fft, hop = SAMPLE_RATE, self.n_fft, self.hop_length
        power = np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop)) ** 2
        logmel = librosa.power_to_db(
            librosa.feature.melspectrogram(S=power, sr=sr, n_mels=self.n_mels), ref=1.0, top_db=None
        )
        mfcc = librosa.feature.mfcc(S=logmel, n_mfcc=self.n_mfcc)
        width = min(9, mfcc.shape[1] - (1 - mfcc.shape[1] % 2)) if mfcc.shape[1] >= 3 else 0
        deltas = (
            [librosa.feature.delta(mfcc, width=width), librosa.feature.delta(mfcc, order=2, width=width)]
            if width >= 3
            else [np.zeros_like(mfcc)] * 2
        )
        mag = np.sqrt(power)
        spectral = np.vstack(
            [
                librosa.feature.spectral_centroid(S=mag, sr=sr) / 1000,
                librosa.feature.spectral_bandwidth(S=mag, sr=sr) / 1000,
                librosa.feature.spectral_rolloff(S=mag, sr=sr) / 1000,
                np.log10(librosa.feature.spectral_flatness(S=mag) + 1e-10),
                librosa.feature.zero_crossing_rate(y, frame_length=n_fft, hop_length=hop)[:, : mag.shape[1]],
                librosa.feature.spectral_contrast(S=mag, sr=sr, fmin=200.0, n_bands=6),
            ]
        )
        rms_db = 20 * np.log10(librosa.feature.rms(S=mag, frame_length=n_fft)[0] + 1e-5)
        energy = [
            rms_db.mean(),
            rms_db.std(),
            rms_db.max(),
            np.percentile(rms_db, 10),
            np.percentile(rms_db, 90),
            float(np.sqrt(np.mean(np.diff(rms_db) ** 2))) if rms_db.size > 1 else 0.0,
        ]
        return np.concatenate(
            [
                _mean_std(mfcc),
                _mean_std(deltas[0]),
                _mean_std(deltas[1]),
                _mean_std(logmel),
                _mean_std(spectral),
                energy,
                self._pitch(y, rms_db),
            ]
        ).astype(np.float32)

    def _pitch(self, y: np.ndarray, rms_db: np.ndarray) -> list[float]:
        import librosa

        f0 = librosa.yin(
            y, fmin=self.fmin, fmax=self.fmax, sr=SAMPLE_RATE, frame_length=1024, hop_length=self.hop_length
        )
        n = min(f0.size, rms_db.size)
        voiced = rms_db[:n] > rms_db.max() - 30
        duration = y.size / SAMPLE_RATE
        segments = int(np.sum(np.diff(voiced.astype(int)) == 1) + int(voiced[0])) if n else 0
        tail = [float(voiced.mean()) if n else 0.0, segments / duration, duration]
        if voiced.sum() < 3:
            return [0.0] * 8 + tail
        st = 12 * np.log2(f0[:n][voiced] / 100.0)
        change = np.diff(st)
        p5, p50, p95 = np.percentile(st, [5, 50, 95])
        return [st.mean(), st.std(), p5, p50, p95, p95 - p5, np.abs(change).mean(), change.std()] + tail


class VoiceEncoderFeatures(_PerSignal):
    """One vector per utterance from the voice encoder of the Resemblyzer wheel (`voice_encoder`): the mean and std
    over time of the outputs of each of its LSTM `layers` (1-3; 256 units each).

    As the encoder was trained: leading and trailing silence quieter than `top_db` below the peak is trimmed, the
    loudness set to `dbfs`, and 40-band power mel frames (25-ms windows every 10 ms) run in windows of 1.6 s, each
    from a zero state (all windows of an utterance together). Layers 2 and 3 tell emotions apart best (research
    runs in the speech-voice-encoder card).
    """

    def __init__(self, layers: tuple[int, ...] = (2, 3), top_db: float = 30.0, dbfs: float = -30.0):
        self.layers = layers
        self.top_db = top_db
        self.dbfs = dbfs

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        names = [f"voice{k}_{stat}{i}" for k in self.layers for stat in ("mean", "std") for i in range(enc.HIDDEN)]
        return np.array(names, dtype=object)

    def _one(self, signal: np.ndarray) -> np.ndarray:
        import librosa

        if not self.layers or not set(self.layers) <= set(range(1, enc.N_LAYERS + 1)):
            raise ValueError(f"layers must be among 1-{enc.N_LAYERS}, not {self.layers}")
        y = _trim(signal, self.top_db)
        y = y * np.float32(10 ** (self.dbfs / 20) / (np.sqrt(np.mean(y.astype(np.float64) ** 2)) + 1e-9))
        mel = librosa.feature.melspectrogram(
            y=y, sr=SAMPLE_RATE, n_fft=SAMPLE_RATE // 40, hop_length=SAMPLE_RATE // 100, n_mels=enc.N_MELS
        ).T.astype(np.float32)
        frames = len(mel)
        windows = -(-frames // enc.WINDOW)
        mel = np.pad(mel, ((0, windows * enc.WINDOW - frames), (0, 0))).reshape(windows, enc.WINDOW, enc.N_MELS)
        outputs = enc.run(mel, max(self.layers))
        return np.concatenate(
            [_mean_std(outputs[k - 1].reshape(-1, enc.HIDDEN)[:frames].T) for k in self.layers]
        ).astype(np.float32)


class LogMelImage(_PerSignal):
    """Fixed-size log-mel spectrogram per utterance, (n, n_mels, frames, 1) in dB, for a 2-D CNN.

    The trimmed signal is centred in, or cropped to, `seconds`; hop 10 ms at 16 kHz.
    """

    def __init__(
        self, n_mels: int = 64, seconds: float = 3.0, n_fft: int = 512, hop_length: int = 160, top_db: float = 30.0
    ):
        self.n_mels = n_mels
        self.seconds = seconds
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.top_db = top_db

    def transform(self, X: Sequence[np.ndarray]) -> np.ndarray:
        return super().transform(X)[..., None]

    def _one(self, signal: np.ndarray) -> np.ndarray:
        import librosa

        y = _trim(signal, self.top_db)
        size = int(self.seconds * SAMPLE_RATE)
        if y.size >= size:
            start = (y.size - size) // 2
            y = y[start : start + size]
        else:
            pad = size - y.size
            y = np.pad(y, (pad // 2, pad - pad // 2))
        mel = librosa.feature.melspectrogram(
            y=y, sr=SAMPLE_RATE, n_fft=self.n_fft, hop_length=self.hop_length, n_mels=self.n_mels
        )
        return librosa.power_to_db(mel, ref=1.0, top_db=80.0).astype(np.float32)
