"""Comparison tasks: a data set turned into model inputs, labels, groups, its honest default split and, where a
seed published one, the seed's own split. One small function per modality; `PREPARERS` maps a modality to it, so a
new modality is one function and one line.

Per-sample features that learn nothing from the data (smoothing, HOG, pooled speech features) are computed once
and cached on disk by data hash; whatever learns from data (scalers, TF-IDF) is a pipeline step, fit inside each
training fold.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
from sklearn.preprocessing import StandardScaler

from emodash.datasets import registry
from emodash.datasets.base import Dataset
from emodash.errors import InputError
from emodash.models.zoo import IMAGE, SIGNAL, VECTOR, get_model

#: seed of the EMG authors' train_test_split
EMG_SEED_SPLIT = {"test_size": 0.2, "random_state": 100}


def cache_dir() -> Path:
    """Where features and results are cached: `EMODASH_CACHE`, default ~/.cache/emodash (outside the checkout)."""
    return Path(os.environ.get("EMODASH_CACHE", Path.home() / ".cache" / "emodash")).expanduser()


@dataclass
class Task:
    """A data set ready for `emodash.models.evaluation.evaluate`.

    `inputs[kind]()` gives the model input for an input kind (vector, signal, image), computed once; `steps[kind]()`
    gives fresh preprocessing steps fit on each training fold. `groups` holds the columns splits use: `recording`
    and `position` (time order within a recording) for temporal splits, `group_column` for grouped ones; `gap` is
    how many windows temporal splits leave out on each side of a test block, so that overlapping windows never
    straddle it; `labels` are the class names in the label set's order (those present).
    """

    name: str
    title: str
    modality: str
    y: np.ndarray
    groups: pd.DataFrame
    fingerprint: str
    inputs: dict[str, Callable[[], Any]]
    steps: dict[str, Callable[[], list]]
    default_split: str
    synthetic: bool = False
    group_column: str | None = None
    published: tuple[np.ndarray, np.ndarray] | None = None
    published_note: str = ""
    unsupported: dict[str, str] = field(default_factory=dict)
    note: str = ""
    labels: tuple[str, ...] = ()
    gap: int = 1
    _computed: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        present = set(self.y)
        self.labels = tuple(lab for lab in self.labels if lab in present) or tuple(sorted(present))

    def X(self, kind: str) -> Any:
        if kind not in self._computed:
            self._computed[kind] = self.inputs[kind]()
        return self._computed[kind]

    def check(self, model: str) -> None:
        """InputError if `model` cannot run on this task, saying why."""
        if model in self.unsupported:
            raise InputError(f"{model} does not apply to {self.name}: {self.unsupported[model]}")
        kind = get_model(model).input
        if kind not in self.inputs:
            raise InputError(f"{model} needs {kind} input, which {self.name} ({self.modality}) does not have")

    def models(self, names: list[str]) -> list[str]:
        """The names that apply to this task (in order)."""
        out = []
        for n in names:
            try:
                self.check(n)
                out.append(n)
            except InputError:
                pass
        return out


def fingerprint(*parts: Any) -> str:
    """A short hash of arrays, strings and file paths (a path counts by name, size and modification time)."""
    h = hashlib.blake2b(digest_size=10)
    for part in parts:
        if isinstance(part, np.ndarray) and part.dtype != object:
            h.update(np.ascontiguousarray(part).tobytes())
        elif isinstance(part, (list, tuple, np.ndarray)):
            for item in part:
                h.update(fingerprint(item).encode() if not isinstance(item, (str, Path)) else _token(item))
        else:
            h.update(_token(part))
    return h.hexdigest()


def _token(item: Any) -> bytes:
    if isinstance(item, Path):
        st = item.stat() if item.exists() else None
        return f"{item.name}:{st.st_size if st else -1}:{st.st_mtime_ns if st else -1}\n".encode()
    return f"{item}\n".encode()


def cached_array(kind: str, key: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
    """`compute()` once per `key`, kept as .npy under the cache dir (read without pickle)."""
    path = cache_dir() / "features" / f"{kind}-{key}.npy"
    if path.is_file():
        return np.load(path, allow_pickle=False)
    arr = np.asarray(compute())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, arr)
    tmp.replace(path)
    return arr


def subsample(ds: Dataset, n: int, seed: int = 0) -> Dataset:
    """A stratified random subset of `n` samples (all of them if `n` >= size), in the original order."""
    if n >= len(ds):
        return ds
    from sklearn.model_selection import train_test_split

    keep, _ = train_test_split(np.arange(len(ds)), train_size=n, stratify=ds.labels, random_state=seed)
    keep = np.sort(keep)
    return Dataset(
        f"{ds.name}-{n}",
        ds.modality,
        [ds.samples[i] for i in keep],
        ds.labels[keep],
        ds.label_set,
        ds.groups.iloc[keep].reset_index(drop=True) if len(ds.groups) else ds.groups,
        {**ds.meta, "subsample": n},
    )


# --- EMG ---------------------------------------------------------------------------------------------------------


def emg_task(ds: Dataset) -> Task:
    """Smoothed (sigma 5), flattened windows, min-max scaled on the training fold; CNN 1-D on smoothed windows
    standardised per channel.
    Default split: temporal blocks within each recording. The seed's split is shown when the data is the seed's."""
    from sklearn.model_selection import train_test_split

    from emodash.features.emg import ChannelStandardizer, EMGSmoother, GlobalMinMaxScaler, as_windows

    windows = as_windows(ds.samples)
    published = None
    if ds.meta.get("format") == "seed" and not ds.synthetic:
        published = tuple(train_test_split(np.arange(len(ds)), **EMG_SEED_SPLIT))
    return Task(
        name=ds.name,
        title=f"{ds.name}: {len(ds)} EMG windows of {windows.shape[1]} x {windows.shape[2]}",
        modality="emg",
        y=ds.labels,
        groups=ds.groups,
        fingerprint=fingerprint(windows, ds.labels),
        inputs={VECTOR: lambda: windows, SIGNAL: lambda: windows},
        steps={
            VECTOR: lambda: [("smooth", EMGSmoother(5.0, flatten=True)), ("scale", GlobalMinMaxScaler())],
            SIGNAL: lambda: [("smooth", EMGSmoother(5.0, flatten=False)), ("scale", ChannelStandardizer())],
        },
        default_split="temporal",
        synthetic=ds.synthetic,
        labels=ds.label_set.names,
        published=published,
        published_note="the seed's random window split (train_test_split test_size=0.2, random_state=100); "
        "neighbouring windows of one recording fall on both sides",
        note="Gaussian smoothing sigma 5 per channel, flatten, min-max scaling fit on the training windows "
        "(CNN: smoothed windows standardised per channel)",
    )


# --- faces -------------------------------------------------------------------------------------------------------

FACE_SIZE = 48


def _grey48(sample: Any) -> np.ndarray:
    import cv2

    img = sample if isinstance(sample, np.ndarray) else cv2.imread(str(sample), cv2.IMREAD_GRAYSCALE)
    if img is None:
        raise InputError(f"{sample}: not a readable image")
    if img.ndim == 3:
        img = cv2.cvtColor(img[..., :3], cv2.COLOR_BGR2GRAY)
    if img.shape != (FACE_SIZE, FACE_SIZE):
        img = cv2.resize(img, (FACE_SIZE, FACE_SIZE), interpolation=cv2.INTER_AREA)
    return img


def hog_features(images: np.ndarray) -> np.ndarray:
    """Histograms of oriented gradients of 48x48 grey faces: 9 orientations, 8x8-pixel cells, 2x2-cell blocks
    (900 values per face)."""
    from skimage.feature import hog

    return np.stack(
        [
            hog(img, orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2), feature_vector=True)
            for img in images
        ]
    ).astype(np.float32)


def face_task(ds: Dataset) -> Task:
    """HOG features (standardised on the training fold) for classical models; 48x48 grey pixels for the 2-D CNN.
    FER-2013 has no subject ids, so its honest split is stratified random folds of the Training split."""
    samples = list(ds.samples) if not isinstance(ds.samples[0], np.ndarray) else np.stack(ds.samples)
    key = fingerprint(samples, ds.labels)

    def pixels() -> np.ndarray:
        return cached_array("grey48", key, lambda: np.stack([_grey48(s) for s in ds.samples]).astype(np.uint8))

    group = next((c for c in ("subject", "participant", "person") if c in ds.groups), None)
    return Task(
        name=ds.name,
        title=f"{ds.name}: {len(ds):,} face images",
        modality="face",
        y=ds.labels,
        groups=ds.groups,
        fingerprint=key,
        inputs={VECTOR: lambda: cached_array("hog", key, lambda: hog_features(pixels())),
                IMAGE: lambda: pixels().astype(np.float32) / 255.0},
        steps={VECTOR: lambda: [("scale", StandardScaler())], IMAGE: lambda: []},
        default_split="grouped" if group else "random",
        synthetic=ds.synthetic,
        labels=ds.label_set.names,
        group_column=group,
        unsupported={"svm-rbf": "too slow on thousands of 900-value HOG vectors; use svm"} if len(ds) > 5000 else {},
        note="HOG (9 orientations, 8x8 cells, 2x2 blocks) + standardisation; CNN on 48x48 grey pixels / 255",
    )  # fmt: skip


# --- text --------------------------------------------------------------------------------------------------------


def text_task(ds: Dataset) -> Task:
    """TF-IDF (fit on the training fold) for classical models; no groups in dair-ai, so stratified random folds."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = np.asarray(ds.samples, dtype=object)
    return Task(
        name=ds.name,
        title=f"{ds.name}: {len(ds):,} texts",
        modality="text",
        y=ds.labels,
        groups=ds.groups,
        fingerprint=fingerprint(list(texts), ds.labels),
        inputs={VECTOR: lambda: texts},
        steps={VECTOR: lambda: [("tfidf", TfidfVectorizer(sublinear_tf=True, min_df=2))]},
        default_split="random",
        synthetic=ds.synthetic,
        labels=ds.label_set.names,
        unsupported={"nb": "Gaussian naive Bayes needs dense features; TF-IDF is sparse (use svm)"},
        note="TF-IDF (unigrams in at least 2 training texts, sublinear tf)",
    )


# --- speech ------------------------------------------------------------------------------------------------------


def speech_task(ds: Dataset) -> Task:
    """Pooled speech features (standardised on the training fold) for classical models; log-mel images averaged
    down 2 x 4 (32 bands x 75 frames) for the 2-D CNN. Folds grouped by actor: no voice on both sides."""
    from emodash.audio import read_audio
    from emodash.features.audio import LogMelImage, PooledSpeechFeatures

    key = fingerprint(list(ds.samples), ds.labels)
    waves: list = []

    def audio() -> list:
        if not waves:
            waves.extend(s if isinstance(s, np.ndarray) else read_audio(s) for s in ds.samples)
        return waves

    def logmel() -> np.ndarray:
        img = LogMelImage().transform(audio())[..., 0]
        n, m, t = img.shape
        img = img[:, : m // 2 * 2, : t // 4 * 4].reshape(n, m // 2, 2, t // 4, 4).mean(axis=(2, 4))
        return (img - img.mean(axis=2, keepdims=True)).astype(np.float32)

    group = next((c for c in ("actor", "speaker", "subject") if c in ds.groups), None)
    return Task(
        name=ds.name,
        title=f"{ds.name}: {len(ds):,} utterances",
        modality="speech",
        y=ds.labels,
        groups=ds.groups,
        fingerprint=key,
        inputs={VECTOR: lambda: cached_array("pooled-speech", key, lambda: PooledSpeechFeatures().transform(audio())),
                IMAGE: lambda: cached_array("logmel-32x75", key, logmel)},
        steps={VECTOR: lambda: [("scale", StandardScaler())], IMAGE: lambda: []},
        default_split="grouped" if group else "random",
        synthetic=ds.synthetic,
        labels=ds.label_set.names,
        group_column=group,
        note="pooled MFCC/prosody/spectral statistics + standardisation; CNN on log-mel images",
    )  # fmt: skip


# --- accelerometer -----------------------------------------------------------------------------------------------


def accel_task(ds: Dataset) -> Task:
    """Window features (a missing value imputed with the training median, then standardised on the training fold)
    for classical models; for raw recordings the 1-D CNN sees the x/y/z windows themselves, standardised per axis.
    Default split: grouped by participant where there are several, else temporal blocks within each recording (one
    recording per state: a random split would test on windows overlapping training ones)."""
    from sklearn.impute import SimpleImputer

    from emodash.features.accel import window_table, xyz
    from emodash.features.emg import ChannelStandardizer
    from emodash.models.accel import random_split

    windows = window_table(ds)
    X = windows.samples.to_numpy(dtype=float)
    groups = windows.groups.assign(recording=windows.groups["session"], position=windows.groups["window_number"])
    inputs: dict[str, Callable[[], Any]] = {VECTOR: lambda: X}
    steps: dict[str, Callable[[], list]] = {
        VECTOR: lambda: [("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]
    }
    if ds.meta.get("kind") == "raw":
        rate, window_s, overlap = windows.meta["sample_rate"], windows.meta["window_s"], windows.meta["overlap"]
        size = int(round(window_s * rate))
        step = max(1, int(round(size * (1 - overlap))))

        def signals() -> np.ndarray:
            rec = windows.meta["recording_of_window"]
            starts = (groups["window_number"].to_numpy() - 1) * step
            return np.stack([xyz(ds.samples[r])[s : s + size] for r, s in zip(rec, starts)]).astype(np.float32)

        inputs[SIGNAL] = signals
        steps[SIGNAL] = lambda: [("scale", ChannelStandardizer())]
    participants = groups["participant"].nunique() if "participant" in groups else 0
    published = None
    if ds.meta.get("kind") == "features" and not ds.synthetic:
        split = random_split(len(ds))
        published = (split.train, split.test)
    return Task(
        name=ds.name,
        title=f"{ds.name}: {len(X):,} accelerometer windows",
        modality="accel",
        y=windows.labels,
        groups=groups,
        fingerprint=fingerprint(X, windows.labels),
        inputs=inputs,
        steps=steps,
        default_split="grouped" if participants > 1 else "temporal",
        synthetic=ds.synthetic,
        labels=ds.label_set.names,
        group_column="participant" if participants > 1 else None,
        gap=max(1, int(windows.meta.get("gap_windows", 1))),
        published=published,
        published_note="the seed's random window split (train_test_split test_size=0.2, random_state=42); "
        "neighbouring, overlapping windows of one recording fall on both sides",
        note=f"{X.shape[1]} window features (" + ("the seed's file" if ds.meta.get("kind") == "features" else
             f"{windows.meta['window_s']:g} s windows, {windows.meta['overlap']:.0%} overlap") + ")",
    )  # fmt: skip


#: modality -> the function that turns a Dataset of it into a Task
PREPARERS: dict[str, Callable[[Dataset], Task]] = {
    "emg": emg_task,
    "face": face_task,
    "text": text_task,
    "speech": speech_task,
    "accel": accel_task,
}


def comparable() -> list[str]:
    """Registered data sets whose modality has a task, that are present (or synthetic) and not a test split."""
    return [d.name for d in registry.list_datasets() if d.modality in PREPARERS and not d.held_out and d.available()]


def for_dataset(ds: Dataset, n: int | None = None, seed: int = 0) -> Task:
    """The task of any Dataset (registered or the user's), optionally on a stratified subsample of `n`."""
    if ds.modality not in PREPARERS:
        raise InputError(f"no model comparison for {ds.modality} data yet; supported: {', '.join(PREPARERS)}")
    reason = registry.held_out_reason(ds)
    if reason:
        raise InputError(reason)
    if n is not None and n < 2:
        raise InputError(f"a subsample needs at least 2 samples, not {n}")
    if len(set(ds.labels)) < 2:
        raise InputError(f"{ds.name}: only one class ({ds.labels[0]}); a comparison needs at least two")
    return PREPARERS[ds.modality](subsample(ds, n, seed) if n is not None else ds)


def load_task(name: str, n: int | None = None, seed: int = 0) -> Task:
    """The task of a registered data set by name (e.g. "emg", "demo-emg", "fer2013-train")."""
    info = registry.get(name)
    if info.held_out:
        raise InputError(info.held_out)
    return for_dataset(registry.load(name), n, seed)
