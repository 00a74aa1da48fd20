"""Speaker normalisation: each speaker's features z-scored with that speaker's own statistics; no labels needed.

Voices differ more between people than between one person's emotions; removing each speaker's mean and scale
leaves mostly emotion (RAVDESS, actor-grouped CV of the shipped classifiers: speech-voice-encoder 0.68 one utterance
at a time, 0.78 with all 60 utterances of each unseen actor; speech-ravdess 0.56 and 0.66). A variance from a
handful of utterances is too noisy to divide by, so a speaker's variance is shrunk towards the training speakers'
pooled within-speaker variance, which counts as `prior` utterances: with 5 utterances this scores like subtracting
the mean alone, with 60 like plain z-scoring (the research runs are in the model card). Training, files of one
speaker and the live running estimate all use this one estimator.

Fewer than `MIN_UTTERANCES` do not help: a mean of 3 utterances is one third the utterance being scored, and
removing it removes that share of its own emotion (grouped CV: 0.61 for speech-voice-encoder, 0.48 for
speech-ravdess, each below its speaker-independent model).
"""

from __future__ import annotations

import threading

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

#: The fewest utterances of one speaker whose statistics are used; with fewer, the speaker-independent model scores.
MIN_UTTERANCES = 5


class SpeakerNormalizer(BaseEstimator):
    """Z-scores each speaker's feature vectors with that speaker's mean and a shrunk standard deviation.

    `fit` learns each feature's pooled within-speaker variance (`within_var_`, the mean of the training speakers'
    own variances); `transform` divides a speaker's centred features by sqrt((n * v + prior * within_var_) /
    (n + prior)), with n and v that speaker's utterance count and variance. Unlike a scikit-learn transformer it
    needs the speaker of every row, in `fit` and in `transform`.
    """

    def __init__(self, prior: float = 5.0):
        self.prior = prior

    def fit(self, X: np.ndarray, speakers: np.ndarray) -> SpeakerNormalizer:
        if self.prior < 0:
            raise ValueError(f"prior counts utterances and cannot be negative (got {self.prior})")
        X, speakers = self._check(X, speakers)
        self.within_var_ = np.mean([X[speakers == s].var(axis=0) for s in np.unique(speakers)], axis=0)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: np.ndarray, speakers: np.ndarray) -> np.ndarray:
        """Each row normalised with the statistics of the rows of its speaker."""
        check_is_fitted(self)
        X, speakers = self._check(X, speakers)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"{X.shape[1]} features, but the normaliser was fitted on {self.n_features_in_}")
        out = np.empty_like(X)
        for s in np.unique(speakers):
            rows = speakers == s
            out[rows] = self.scale(X[rows], X[rows].mean(axis=0), X[rows].var(axis=0), int(rows.sum()))
        return out

    def scale(self, X: np.ndarray, mean: np.ndarray, var: np.ndarray, count: int) -> np.ndarray:
        """`X` normalised with a speaker's `mean` and `var` over `count` utterances (the shrinkage of the class)."""
        shrunk = (count * var + self.prior * self.within_var_) / (count + self.prior)
        return (np.asarray(X, dtype=np.float64) - mean) / np.sqrt(shrunk + 1e-12)

    @staticmethod
    def _check(X: np.ndarray, speakers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        X, speakers = np.asarray(X, dtype=np.float64), np.asarray(speakers)
        if X.ndim != 2 or len(speakers) != len(X):
            raise ValueError(f"features of shape {X.shape} need one speaker per row (got {len(speakers)})")
        return X, speakers


class RunningSpeakerStats:
    """One speaker's mean and variance, updated one utterance at a time (Welford's method), normalising the way
    `normalizer` does a batch of that speaker's utterances; `ready` after `min_count` utterances."""

    def __init__(self, normalizer: SpeakerNormalizer, min_count: int = MIN_UTTERANCES):
        self.normalizer = normalizer
        self.min_count = min_count
        self.count = 0
        self._mean: np.ndarray | None = None
        self._m2: np.ndarray | None = None
        self._lock = threading.Lock()

    @property
    def ready(self) -> bool:
        """True once enough utterances were seen for the statistics to be trusted."""
        return self.count >= self.min_count

    def update(self, x: np.ndarray) -> None:
        x = np.asarray(x, dtype=np.float64)
        with self._lock:
            if self._mean is None:
                self._mean, self._m2 = np.zeros_like(x), np.zeros_like(x)
            self.count += 1
            delta = x - self._mean
            self._mean += delta / self.count
            self._m2 += delta * (x - self._mean)

    def normalize(self, x: np.ndarray) -> np.ndarray:
        with self._lock:
            if self._mean is None:
                raise ValueError("no utterance seen yet")
            return self.normalizer.scale(x, self._mean, self._m2 / self.count, self.count)


def adaptation_note(metrics: dict) -> str:
    """What adapting to one voice gains, in a speech model's own measured scores (its card's grouped CV over unseen
    actors): the help of the live switch that turns it on."""
    ind, ada = metrics.get("independent"), metrics.get("adaptive")
    if not ind or not ada:
        return "Normalises features with your own voice's statistics; this model's gain from it was not measured."
    n, by = ada["min_utterances"], ada["by_utterances"]
    steps = [f"{by[k]['accuracy']:.2f} after {k}" for k in sorted(by, key=int) if int(k) >= n]
    return (
        f"After {n} voiced windows, scores come from a model that normalises features with your own voice's "
        f"statistics. On unseen RAVDESS actors who spoke every emotion equally, the general model scores "
        f"{ind['accuracy']:.2f} and the adapted one {', '.join(steps)} and {ada['accuracy']:.2f} after 60 utterances. "
        "If you mostly speak in one mood, your statistics drift towards it and scores get worse, not better."
    )
