"""Training emodash's own face network on FER-2013 Training: a small residual separable CNN, augmented, int8 LiteRT.

Sized for the live budget (a few million multiply-adds a face) so that it can run beside mini-Xception in an
ensemble. Model selection uses a 10 % stratified hold-out of Training; PublicTest only measures the result.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import cv2
import numpy as np

from emodash.core import heavy, settings
from emodash.core.taxonomy import FER2013
from emodash.modalities.face.formats import read_image_folders

SIZE = 48
HOLDOUT = 0.1


def load_faces(folder: Path, cache: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Grey 48x48 faces (n, 48, 48) uint8 and label indices (FER-2013 order) of a folder-per-class set."""
    if cache is not None and cache.is_file():
        with np.load(cache) as z:
            return z["x"], z["y"]
    ds = read_image_folders(folder, FER2013)
    x = np.stack([cv2.resize(cv2.imread(str(p), cv2.IMREAD_GRAYSCALE), (SIZE, SIZE)) for p in ds.samples])
    y = np.array([FER2013.names.index(label) for label in ds.labels], dtype=np.int64)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, x=x, y=y)
    return x, y


def holdout_split(y: np.ndarray, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a stratified 90/10 train/hold-out split of FER-2013 Training (the selection set)."""
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(y))
    return train_test_split(idx, test_size=HOLDOUT, stratify=y, random_state=seed)


def scale(x: np.ndarray) -> np.ndarray:
    """uint8 faces -> float32 in [-1, 1] with a channel axis, the network's input."""
    return ((x.astype(np.float32) / 255.0 - 0.5) * 2.0)[..., None]


def build(width: int = 32, dropout: float = 0.3):
    """The network: a stem, three stages of two residual separable blocks (48 -> 24 -> 12 -> 6), pooled, softmax."""
    keras = heavy.keras()
    layers = keras.layers

    def sep_block(x, channels, stride):
        shortcut = x
        y = layers.SeparableConv2D(channels, 3, strides=stride, padding="same", use_bias=False)(x)
        y = layers.BatchNormalization()(y)
        y = layers.ReLU()(y)
        y = layers.SeparableConv2D(channels, 3, padding="same", use_bias=False)(y)
        y = layers.BatchNormalization()(y)
        if stride != 1 or shortcut.shape[-1] != channels:
            shortcut = layers.Conv2D(channels, 1, strides=stride, use_bias=False)(shortcut)
            shortcut = layers.BatchNormalization()(shortcut)
        return layers.ReLU()(layers.Add()([y, shortcut]))

    inp = keras.Input((SIZE, SIZE, 1))
    x = layers.Conv2D(width // 2, 3, padding="same", use_bias=False)(inp)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Conv2D(width, 3, strides=2, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    for channels, stride in ((width * 2, 1), (width * 2, 1), (width * 4, 2), (width * 4, 1), (width * 8, 2)):
        x = sep_block(x, channels, stride)
    x = sep_block(x, width * 8, 1)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(dropout)(x)
    out = layers.Dense(len(FER2013.names), activation="softmax")(x)
    return keras.Model(inp, out, name="emodash_face_net")


def augmenter(seed: int):
    """Flips, shifts, rotation, scale and random erasing, applied to batches during training only."""
    keras, tf = heavy.keras(), heavy.tensorflow()
    layers = keras.layers

    geometric = keras.Sequential(
        [
            layers.RandomFlip("horizontal", seed=seed),
            layers.RandomTranslation(0.1, 0.1, fill_mode="nearest", seed=seed + 1),
            layers.RandomRotation(15 / 360, fill_mode="nearest", seed=seed + 2),
            layers.RandomZoom((-0.15, 0.15), fill_mode="nearest", seed=seed + 3),
        ]
    )
    gen = tf.random.Generator.from_seed(seed + 4)

    def erase(x):
        # one rectangle of 2-20 % of the area per image, filled with noise, with probability 0.5
        n = tf.shape(x)[0]
        area = gen.uniform((n,), 0.02, 0.2) * SIZE * SIZE
        aspect = tf.exp(gen.uniform((n,), np.log(0.3), np.log(3.3)))
        h = tf.clip_by_value(tf.sqrt(area * aspect), 1.0, SIZE)
        w = tf.clip_by_value(tf.sqrt(area / aspect), 1.0, SIZE)
        top = gen.uniform((n,)) * (SIZE - h)
        left = gen.uniform((n,)) * (SIZE - w)
        rows = tf.range(SIZE, dtype=tf.float32)[None, :, None]
        cols = tf.range(SIZE, dtype=tf.float32)[None, None, :]
        inside = (
            (rows >= top[:, None, None])
            & (rows < (top + h)[:, None, None])
            & (cols >= left[:, None, None])
            & (cols < (left + w)[:, None, None])
            & (gen.uniform((n, 1, 1)) < 0.5)
        )
        noise = gen.uniform(tf.shape(x), -1.0, 1.0)
        return tf.where(inside[..., None], noise, x)

    def apply(x):
        return erase(geometric(x, training=True))

    return apply


def fit(
    x: np.ndarray,
    y: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    epochs: int,
    width: int = 32,
    batch: int = 128,
    lr: float = 3e-3,
    smoothing: float = 0.1,
    seed: int = 0,
    log=print,
):
    """Train the network (AdamW, cosine decay with warm-up, label smoothing); returns it and the per-epoch history."""
    keras, tf = heavy.keras(), heavy.tensorflow()

    keras.utils.set_random_seed(seed)
    model = build(width)
    steps = int(np.ceil(len(x) / batch))
    schedule = keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=steps * (epochs - 1), warmup_target=lr, warmup_steps=steps
    )
    model.compile(
        optimizer=keras.optimizers.AdamW(schedule, weight_decay=5e-4),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=smoothing),
        metrics=["accuracy"],
    )
    augment = augmenter(seed)
    n_classes = len(FER2013.names)
    train_ds = (
        tf.data.Dataset.from_tensor_slices((scale(x), tf.one_hot(y, n_classes)))
        .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
        .batch(batch)
        .map(lambda a, b: (augment(a), b), num_parallel_calls=1)
        .prefetch(2)
    )
    val = (scale(x_val), keras.utils.to_categorical(y_val, n_classes))
    history = []

    class Log(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            row = {k: round(float(v), 4) for k, v in logs.items()}
            row.update(epoch=epoch + 1, seconds=round(time.perf_counter() - self.start, 1))
            history.append(row)
            log(json.dumps(row))

    model.fit(train_ds, epochs=epochs, validation_data=val, verbose=0, callbacks=[Log()])
    return model, history


def to_litert(model, x_calibration: np.ndarray) -> bytes:
    """The Keras network as an int8 LiteRT flatbuffer (float input and output), calibrated on training faces."""
    tf = heavy.tensorflow()

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    calibration = scale(x_calibration)

    def representative():
        for i in range(len(calibration)):
            yield [calibration[i : i + 1]]

    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    return converter.convert()


def train(train_folder: Path, out: Path, epochs: int = 25, width: int = 32, seed: int = 0, log=print) -> dict:
    """The recipe: fit on 90 % of FER-2013 Training, follow the 10 % hold-out; write model.tflite and training.json."""
    start = time.perf_counter()
    x, y = load_faces(train_folder, settings.cache_dir() / "fer2013-train-48.npz")
    fit_idx, hold_idx = holdout_split(y, seed)
    model, history = fit(x[fit_idx], y[fit_idx], x[hold_idx], y[hold_idx], epochs, width=width, seed=seed, log=log)
    rng = np.random.default_rng(seed)
    flat = to_litert(model, x[rng.choice(fit_idx, 500, replace=False)])
    out.mkdir(parents=True, exist_ok=True)
    (out / "model.tflite").write_bytes(flat)
    report = {
        "data": {"train": str(train_folder), "n_fit": len(fit_idx), "n_holdout": len(hold_idx)},
        "settings": {"epochs": epochs, "width": width, "seed": seed, "label_smoothing": 0.1, "batch": 128},
        "parameters": int(model.count_params()),
        "history": history,
        "train_seconds": round(time.perf_counter() - start),
    }
    (out / "training.json").write_text(json.dumps(report, indent=1))
    return report
