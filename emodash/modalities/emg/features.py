"""EMG window features as scikit-learn transformers: Gaussian smoothing per channel (the seed's sigma 5), flattening,
and min-max scaling with one minimum and maximum over all values (the seed's scaler), fit on training data only."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.ndimage import gaussian_filter1d
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from emodash.core.errors import InputError

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


def _windows(est: BaseEstimator, X: ArrayLike, reset: bool) -> np.ndarray:
    """X validated as scikit-learn does (finite, dense, non-empty, as many time steps as in `fit`) and as windows
    (n, time, channels); on `reset` the input's shape is remembered."""
    x = validate_data(est, X, reset=reset, allow_nd=True, dtype=np.float64)
    if reset:
        est.window_shape_ = x.shape[1:]
    elif x.shape[1:] != est.window_shape_:
        raise ValueError(f"{type(est).__name__} was fit on windows of shape {est.window_shape_}, got {x.shape[1:]}")
    return as_windows(x)


class EMGSmoother(TransformerMixin, BaseEstimator):
    """Each channel of each window smoothed by a Gaussian of `sigma` samples (scipy's reflect mode, as the seed);
    `flatten` gives one vector per window (time-major: t0c0, t0c1, ...), else windows of the input's shape for
    CNNs. A 2-D input (n, time) is one channel per window."""

    def __init__(self, sigma: float = 5.0, flatten: bool = True):
        self.sigma = sigma
        self.flatten = flatten

    def fit(self, X: ArrayLike, y: ArrayLike | None = None) -> EMGSmoother:
        _windows(self, X, reset=True)
        return self

    def transform(self, X: ArrayLike) -> np.ndarray:
        check_is_fitted(self)
        w = _windows(self, X, reset=False)
        if self.sigma > 0:
            w = gaussian_filter1d(w, self.sigma, axis=1, mode="reflect", truncate=TRUNCATE)
        return w.reshape(len(w), -1) if self.flatten else w.reshape((len(w), *self.window_shape_))


class GlobalMinMaxScaler(TransformerMixin, BaseEstimator):
    """(x - min) / (max - min) with one min and max over every value seen in `fit` (any array shape)."""

    def fit(self, X: ArrayLike, y: ArrayLike | None = None) -> GlobalMinMaxScaler:
        x = _windows(self, X, reset=True)
        self.min_, self.max_ = float(x.min()), float(x.max())
        return self

    def transform(self, X: ArrayLike) -> np.ndarray:
        check_is_fitted(self)
        x = _windows(self, X, reset=False).reshape((-1, *self.window_shape_))
        span = self.max_ - self.min_
        return (x - self.min_) / (span if span > 0 else 1.0)


class ChannelStandardizer(TransformerMixin, BaseEstimator):
    """Each channel of (n, time, channels) windows to zero mean and unit sd over the training windows: CNN input
    that keeps int8 quantisation fine-grained (one global min-max leaves most values in a few int8 steps)."""

    def fit(self, X: ArrayLike, y: ArrayLike | None = None) -> ChannelStandardizer:
        w = _windows(self, X, reset=True)
        self.mean_ = w.mean(axis=(0, 1))
        self.scale_ = np.where(w.std(axis=(0, 1)) > 0, w.std(axis=(0, 1)), 1.0)
        return self

    def transform(self, X: ArrayLike) -> np.ndarray:
        check_is_fitted(self)
        w = (_windows(self, X, reset=False) - self.mean_) / self.scale_
        return w.reshape((len(w), *self.window_shape_))
