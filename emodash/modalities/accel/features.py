"""Window features of 3-axis accelerometer recordings, after the phone-accelerometer seed (wolfeiq).

Per axis: max and mean curvature, standard deviation of the first derivative, mean and std of the FFT magnitude.
On the magnitude: mean, std, energy, max, rms. The seed's code is not published with its raw signals, so these are
clear definitions of its feature names (formulas below), checked for plausible magnitudes on its feature file, not
a bit-exact copy.

Gravity: a phone or watch accelerometer measures gravity (about 9.81 m/s^2) plus the motion. Magnitude features
of a raw signal are then dominated by gravity; linear-acceleration streams (Quiroz, and judging by its values the
seed, whose magnitude mean is about 0.2-1.6) have it removed already. `remove_gravity=True` subtracts each axis's
mean over the window (good when the device's orientation is steady within a window). Derivative, curvature and FFT
features other than the FFT's zero-frequency term are untouched by a constant offset; the FFT mean excludes it.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from emodash.core.dataset import Dataset
from emodash.core.errors import InputError

AXES = ("x", "y", "z")
AXIS_FEATURES = ("max_curvature", "mean_curvature", "std_first_derivative", "fft_mean", "fft_std")
MAGNITUDE_FEATURES = (
    "acc_magnitude_mean",
    "acc_magnitude_std",
    "acc_magnitude_energy",
    "acc_magnitude_max",
    "acc_magnitude_rms",
)
#: Every feature column the transformer makes: axis features as `<feature>_<axis>`, then the magnitude ones.
FEATURE_NAMES = tuple(f"{f}_{a}" for f in AXIS_FEATURES for a in AXES) + MAGNITUDE_FEATURES
#: The seed's 12 training features (it dropped max_curvature, fft_std, acc_magnitude_max and _rms).
SEED_FEATURES = tuple(f"{f}_{a}" for f in ("mean_curvature", "std_first_derivative", "fft_mean") for a in AXES) + (
    "acc_magnitude_mean",
    "acc_magnitude_std",
    "acc_magnitude_energy",
)


def derivatives(w: np.ndarray, sample_rate: float) -> tuple[np.ndarray, np.ndarray]:
    """First and second time derivatives along axis 1 (central differences, units per second and per second^2)."""
    d1 = np.gradient(w, 1.0 / sample_rate, axis=1)
    return d1, np.gradient(d1, 1.0 / sample_rate, axis=1)


def curvature(w: np.ndarray, sample_rate: float) -> np.ndarray:
    """Curvature of the graph of each signal with time counted in samples, scaled to per second^2:
    kappa_n = fs^2 |D2 s_n| / (1 + (D1 s_n)^2)^(3/2), D1, D2 the per-sample central differences.

    Zero on a straight line (constant or ramp), largest at sharp turns: a measure of jerky movement. Where the
    per-sample steps are small (smooth signals, 25-50 Hz) it is close to |s''(t)| in units per second^2, which
    is the magnitude the seed's values have (its mean curvature is about 33 times its derivative's std).
    """
    d1 = np.gradient(w, axis=1)
    d2 = np.gradient(d1, axis=1)
    return sample_rate**2 * np.abs(d2) / (1.0 + d1**2) ** 1.5


def fft_magnitude(w: np.ndarray) -> np.ndarray:
    """|X_k| for k = 1..N/2 of the one-sided DFT along axis 1, X_k = sum_n s_n e^(-2 pi i k n / N) (no DC term)."""
    return np.abs(np.fft.rfft(w, axis=1))[:, 1:]


def window_features(windows: np.ndarray, sample_rate: float, remove_gravity: bool = False) -> pd.DataFrame:
    """All features of `windows` (n, samples, 3 axes), one row each, columns `FEATURE_NAMES`.

    Per axis s (x, y, z): max_curvature = max_t kappa(t), mean_curvature = mean_t kappa(t) (see `curvature`);
    std_first_derivative = std_t s'(t) (per second); fft_mean / fft_std = mean / std over k of |X_k| (see
    `fft_magnitude`). Magnitude m(t) = sqrt(x^2 + y^2 + z^2): mean, std, energy = sum_t m(t)^2, max, and
    rms = sqrt(mean_t m(t)^2).
    """
    w = np.asarray(windows, dtype=float)
    if w.ndim != 3 or w.shape[2] != 3:
        raise InputError(f"expected windows of shape (n, samples, 3), got {w.shape}")
    if w.shape[1] < 3:
        raise InputError(f"a window needs at least 3 samples for a second derivative, got {w.shape[1]}")
    if remove_gravity:
        w = w - w.mean(axis=1, keepdims=True)
    kappa = curvature(w, sample_rate)
    d1, _ = derivatives(w, sample_rate)
    spec = fft_magnitude(w)
    per_axis = {
        "max_curvature": kappa.max(axis=1),
        "mean_curvature": kappa.mean(axis=1),
        "std_first_derivative": d1.std(axis=1),
        "fft_mean": spec.mean(axis=1),
        "fft_std": spec.std(axis=1),
    }
    cols = {f"{f}_{a}": per_axis[f][:, i] for f in AXIS_FEATURES for i, a in enumerate(AXES)}
    m = np.sqrt((w**2).sum(axis=2))
    cols |= {
        "acc_magnitude_mean": m.mean(axis=1),
        "acc_magnitude_std": m.std(axis=1),
        "acc_magnitude_energy": (m**2).sum(axis=1),
        "acc_magnitude_max": m.max(axis=1),
        "acc_magnitude_rms": np.sqrt((m**2).mean(axis=1)),
    }
    return pd.DataFrame(cols, columns=list(FEATURE_NAMES))


def window_starts(n_samples: int, size: int, step: int) -> np.ndarray:
    """Start indices of the full windows of `size` samples, `step` apart, in a recording of `n_samples`."""
    if n_samples < size:
        return np.zeros(0, dtype=int)
    return np.arange(0, n_samples - size + 1, step)


def xyz(recording: pd.DataFrame | np.ndarray, name: str = "recording") -> np.ndarray:
    """The (samples, 3) x/y/z array of a recording (a DataFrame with x, y, z columns, or an array)."""
    if isinstance(recording, pd.DataFrame):
        missing = [a for a in AXES if a not in recording.columns]
        if missing:
            raise InputError(f"{name}: axis column(s) {', '.join(missing)} missing; expected columns x, y, z")
        recording = recording[list(AXES)].to_numpy(dtype=float)
    arr = np.asarray(recording, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise InputError(f"{name}: expected 3 axes (x, y, z), got shape {arr.shape}")
    return arr


class AccelFeatures(TransformerMixin, BaseEstimator):
    """Recordings -> one row of features per window (size `window_s` seconds, `overlap` fraction, `sample_rate` Hz).

    `transform` takes a list of recordings (DataFrames with x, y, z columns, or (samples, 3) arrays) and returns a
    DataFrame with `recording` (index in the list), `window_number` (1, 2, ... in time order), `t_start` (s) and
    the feature columns. It makes one row per window, not per recording, so it starts a pipeline rather than sitting
    in the middle of one. The defaults are the seed's (10 s windows of 500 samples at 50 Hz, inferred from its
    energy and magnitude columns; 50 % overlap inferred from 630 windows in about an hour).
    """

    def __init__(
        self,
        window_s: float = 10.0,
        overlap: float = 0.5,
        sample_rate: float = 50.0,
        remove_gravity: bool = False,
        features: Sequence[str] | None = None,
    ):
        self.window_s = window_s
        self.overlap = overlap
        self.sample_rate = sample_rate
        self.remove_gravity = remove_gravity
        self.features = features

    def fit(self, X: Sequence[pd.DataFrame | np.ndarray], y: object = None) -> AccelFeatures:
        self.size_, self.step_ = self._geometry()
        names = list(self.features or FEATURE_NAMES)
        unknown = sorted(set(names) - set(FEATURE_NAMES))
        if unknown:
            raise InputError(f"unknown feature(s) {', '.join(unknown)}; known: {', '.join(FEATURE_NAMES)}")
        self.feature_names_out_ = np.array(names, dtype=object)
        return self

    def _geometry(self) -> tuple[int, int]:
        if not (np.isfinite(self.window_s) and self.window_s > 0 and np.isfinite(self.sample_rate)):
            raise InputError(f"window length must be a positive number of seconds, got {self.window_s}")
        if not self.sample_rate > 0:
            raise InputError(f"sample rate must be a positive number of Hz, got {self.sample_rate}")
        if not 0 <= self.overlap < 1:
            raise InputError(f"overlap must be in [0, 1), got {self.overlap}")
        size = int(round(self.window_s * self.sample_rate))
        if size < 3:
            raise InputError(f"a window of {self.window_s} s at {self.sample_rate} Hz has fewer than 3 samples")
        return size, max(1, int(round(size * (1 - self.overlap))))

    def gap_windows(self) -> int:
        """How many windows to leave out between a train and a test block so that no sample is on both sides."""
        size, step = self._geometry()
        return int(np.ceil(size / step)) - 1

    def transform(self, X: Sequence[pd.DataFrame | np.ndarray]) -> pd.DataFrame:
        check_is_fitted(self)
        parts = []
        for i, rec in enumerate(X):
            arr = xyz(rec, f"recording {i + 1}")
            if not np.isfinite(arr).all():
                raise InputError(f"recording {i + 1}: x/y/z hold missing or infinite values")
            starts = window_starts(len(arr), self.size_, self.step_)
            if not len(starts):
                raise InputError(
                    f"recording {i + 1} has {len(arr)} samples ({len(arr) / self.sample_rate:.1f} s), shorter than "
                    f"one window of {self.size_} samples ({self.window_s:g} s at {self.sample_rate:g} Hz)"
                )
            windows = np.stack([arr[s : s + self.size_] for s in starts])
            feats = window_features(windows, self.sample_rate, self.remove_gravity)[list(self.feature_names_out_)]
            head = pd.DataFrame(
                {"recording": i, "window_number": np.arange(1, len(starts) + 1), "t_start": starts / self.sample_rate}
            )
            parts.append(pd.concat([head, feats], axis=1))
        if not parts:
            raise InputError("no recordings to extract features from")
        return pd.concat(parts, ignore_index=True)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return self.feature_names_out_


def window_table(
    ds: Dataset,
    window_s: float | None = None,
    overlap: float | None = None,
    remove_gravity: bool = False,
    all_features: bool = False,
) -> Dataset:
    """A feature `Dataset` (one row per window) of any accelerometer data set: raw recordings are windowed (defaults
    from meta, else the seed's); feature tables come back as they are (`all_features`: every column the file has,
    e.g. the seed's max_curvature too). Groups: session (one recording), window_number, participant where known."""
    if ds.meta.get("kind") == "features":
        if not all_features or "all_features" not in ds.meta:
            return ds
        return Dataset(ds.name, ds.modality, ds.meta["all_features"], ds.labels, ds.label_set, ds.groups, ds.meta,
                       ds.source, ds.format, ds.synthetic)  # fmt: skip
    rate = float(ds.meta.get("sample_rate") or 50.0)
    window_s = float((ds.meta.get("window_s") or 10.0) if window_s is None else window_s)
    overlap = float(ds.meta.get("overlap", 0.5) if overlap is None else overlap)
    tf = AccelFeatures(window_s=window_s, overlap=overlap, sample_rate=rate, remove_gravity=remove_gravity)
    table = tf.fit_transform(ds.samples)
    rec = table["recording"].to_numpy()
    groups = ds.groups.iloc[rec].reset_index(drop=True) if len(ds.groups) else pd.DataFrame(index=range(len(rec)))
    who = groups["participant"].astype(str) + "/" if "participant" in groups else ""
    groups["session"] = who + pd.Series(ds.labels[rec]).astype(str) + "#" + pd.Series(rec).astype(str)
    groups["window_number"] = table["window_number"].to_numpy()
    groups["t_start"] = table["t_start"].to_numpy()
    return Dataset(
        f"{ds.name} windows",
        ds.modality,
        table[list(tf.feature_names_out_)],
        ds.labels[rec],
        ds.label_set,
        groups,
        {
            "kind": "features",
            "sample_rate": rate,
            "window_s": window_s,
            "overlap": overlap,
            "gap_windows": tf.gap_windows(),
            "remove_gravity": remove_gravity,
            "time_order": "window_number",
            "recording_of_window": rec,
        },
        source=ds.source,
        format=f"{window_s:g} s windows of {ds.format or 'raw recordings'}",
        synthetic=ds.synthetic,
    )
