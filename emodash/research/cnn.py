"""Small Keras CNNs as scikit-learn classifiers: 1-D over signal windows (EMG, accelerometer), 2-D over images
(48x48 faces, log-mel spectrograms). Keras is imported on first fit; seeds are fixed, so a fit is repeatable."""

from __future__ import annotations

from typing import Callable

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data


def _as_input(X, kind: str) -> np.ndarray:
    x = np.asarray(X, dtype=np.float32)
    if kind == "2d" and x.ndim == 3:  # (n, h, w) -> one channel
        x = x[..., None]
    if kind == "1d" and x.ndim == 2:  # (n, time) -> one channel
        x = x[..., None]
    want = 3 if kind == "1d" else 4
    if x.ndim != want:
        raise ValueError(f"a {kind} CNN needs {want}-D input (n, ...), got shape {x.shape}")
    return x


class KerasCNN(ClassifierMixin, BaseEstimator):
    """Conv blocks (`filters` per block: conv 3, batch norm, ReLU, max pooling 2), global average pooling, dropout,
    softmax; Adam, sparse cross-entropy, `epochs` over batches of `batch_size`; on small sets, smaller batches and
    more epochs so that training takes at least `min_steps` gradient steps (batch-norm statistics need them).
    `class_weight="balanced"` weights classes by inverse frequency. `kind` is "1d" (n, time, channels) or "2d"
    (n, height, width[, channels])."""

    def __init__(
        self,
        kind: str = "1d",
        filters: tuple[int, ...] = (16, 32),
        dense: int = 32,
        dropout: float = 0.3,
        epochs: int = 60,
        batch_size: int = 16,
        learning_rate: float = 3e-3,
        class_weight: str | None = None,
        min_steps: int = 100,
        random_state: int = 0,
    ):
        self.kind = kind
        self.filters = filters
        self.dense = dense
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.class_weight = class_weight
        self.min_steps = min_steps
        self.random_state = random_state

    def _build(self, shape: tuple[int, ...], n_classes: int):
        from emodash.core.heavy import keras as load_keras

        keras = load_keras()

        conv, pool, gap = (
            (keras.layers.Conv1D, keras.layers.MaxPooling1D, keras.layers.GlobalAveragePooling1D)
            if self.kind == "1d"
            else (keras.layers.Conv2D, keras.layers.MaxPooling2D, keras.layers.GlobalAveragePooling2D)
        )
        layers = [keras.layers.Input(shape)]
        size = np.array(shape[:-1])  # time (1-D) or height and width (2-D)
        for f in self.filters:
            layers += [conv(f, 3, padding="same", use_bias=False), keras.layers.BatchNormalization(momentum=0.9)]
            layers += [keras.layers.ReLU()]
            if (size >= 2).all():  # short inputs keep their last steps rather than pool to nothing
                layers += [pool(2)]
                size //= 2
        layers += [gap(), keras.layers.Dense(self.dense, activation="relu"), keras.layers.Dropout(self.dropout)]
        layers += [keras.layers.Dense(n_classes, activation="softmax")]
        model = keras.Sequential(layers)
        model.compile(keras.optimizers.Adam(self.learning_rate), "sparse_categorical_crossentropy")
        return model

    def fit(self, X, y, on_epoch: Callable[[int, int], None] | None = None) -> KerasCNN:
        """Train; `on_epoch(done, total)` is called after each epoch (progress for long runs)."""
        import logging

        from emodash.core.heavy import keras as load_keras

        keras = load_keras()

        logging.getLogger("tensorflow").setLevel(logging.ERROR)  # retracing notices for each new small model

        if self.kind not in ("1d", "2d"):
            raise ValueError(f"kind must be '1d' or '2d', not {self.kind!r}")
        x, y = validate_data(self, X, y, allow_nd=True, dtype=np.float32)
        check_classification_targets(y)
        x = _as_input(x, self.kind)
        keras.utils.set_random_seed(self.random_state)
        self.classes_, codes = np.unique(np.asarray(y), return_inverse=True)
        weights = None
        if self.class_weight == "balanced":
            counts = np.bincount(codes, minlength=len(self.classes_))
            weights = {i: len(codes) / (len(counts) * c) for i, c in enumerate(counts) if c}
        self.model_ = self._build(x.shape[1:], len(self.classes_))
        batch = min(self.batch_size, max(8, len(x) // 10))  # small sets: smaller batches, more steps per epoch
        steps_per_epoch = -(-len(x) // batch)
        self.epochs_ = max(self.epochs, -(-self.min_steps // steps_per_epoch))
        callbacks = []
        if on_epoch is not None:
            callbacks.append(keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: on_epoch(e + 1, self.epochs_)))
        self.model_.fit(
            x,
            codes,
            epochs=self.epochs_,
            batch_size=batch,
            class_weight=weights,
            shuffle=True,
            verbose=0,
            callbacks=callbacks,
        )
        return self

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self)
        x = _as_input(validate_data(self, X, reset=False, allow_nd=True, dtype=np.float32), self.kind)
        return np.asarray(self.model_.predict(x, batch_size=256, verbose=0))

    def predict(self, X) -> np.ndarray:
        probs = self.predict_proba(X)
        return self.classes_[probs.argmax(axis=1)]
