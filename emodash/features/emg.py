"""EMG window features as scikit-learn transformers: Gaussian smoothing per channel (the seed's sigma 5), flattening,
and min-max scaling with one minimum and maximum over all values (the seed's scaler), fit on training data only."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.ndimage import gaussian_filter1d
from sklearn.base import BaseEstimator, TransformerMixin

from emodash.errors import InputError

#: scipy's default Gaussian truncation (radius = truncate * sigma), reproduced by the C export
TRUNCATE = 4.0


def as_windows(X: ArrayLike) -> np.ndarray:
    """A sequence of (time, channels) windows as one float array (n, time, channels); one-channel (n, time) gets a
    channel axis."""
    w = np.asarray(X, dtype=np.float64)
    if w.ndim == 2:
        w = w[:, :, None]
    if w.ndim != 3:
        raise InputError(f"expected windows of shape (n, time, channels), got {w.shape}")
    return w


class EMGSmoother(BaseEstimator, TransformerMixin):
    """Each channel of each window smoothed by a Gaussian of `sigma` samples (scipy's reflect mode, as the seed);
    `flatten` gives one vector per window (time-major: t0c0, t0c1, ...), else (n, time, channels) for CNNs."""

    def __init__(self, sigma: float = 5.0, flatten: bool = True):
        self.sigma = sigma
        self.flatten = flatten

    def fit(self, X, y=None) -> EMGSmoother:
        return self

    def transform(self, X) -> np.ndarray:
        w = as_windows(X)
        if self.sigma > 0:
            w = gaussian_filter1d(w, self.sigma, axis=1, mode="reflect", truncate=TRUNCATE)
        return w.reshape(len(w), -1) if self.flatten else w


class GlobalMinMaxScaler(BaseEstimator, TransformerMixin):
    """(x - min) / (max - min) with one min and max over every value seen in `fit` (any array shape)."""

    def fit(self, X, y=None) -> GlobalMinMaxScaler:
        x = np.asarray(X, dtype=np.float64)
        self.min_, self.max_ = float(x.min()), float(x.max())
        return self

    def transform(self, X) -> np.ndarray:
        span = self.max_ - self.min_
        return (np.asarray(X, dtype=np.float64) - self.min_) / (span if span > 0 else 1.0)


class ChannelStandardizer(BaseEstimator, TransformerMixin):
    """Each channel of (n, time, channels) windows to zero mean and unit sd over the training windows: CNN input
    that keeps int8 quantisation fine-grained (one global min-max leaves most values in a few int8 steps)."""

    def fit(self, X, y=None) -> ChannelStandardizer:
        w = as_windows(X)
        self.mean_ = w.mean(axis=(0, 1))
        self.scale_ = np.where(w.std(axis=(0, 1)) > 0, w.std(axis=(0, 1)), 1.0)
        return self

    def transform(self, X) -> np.ndarray:
        return (as_windows(X) - self.mean_) / self.scale_
