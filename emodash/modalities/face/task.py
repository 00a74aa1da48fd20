"""The face comparison task: HOG features for classical models, 48x48 grey pixels for the 2-D CNN."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.preprocessing import StandardScaler

from emodash.core.dataset import Dataset
from emodash.io.images import read_image
from emodash.research.tasks import Task, cached_array, fingerprint
from emodash.research.zoo import IMAGE, VECTOR

FACE_SIZE = 48


def _grey48(sample: Any) -> np.ndarray:
    import cv2

    img = sample if isinstance(sample, np.ndarray) else read_image(sample, cv2.IMREAD_GRAYSCALE)
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
        synthetic=ds.synthetic,
        labels=ds.label_set.names,
        unsupported={"svm-rbf": "too slow on thousands of 900-value HOG vectors; use svm"} if len(ds) > 5000 else {},
        note="HOG (9 orientations, 8x8 cells, 2x2 blocks) + standardisation; CNN on 48x48 grey pixels / 255",
    )  # fmt: skip
