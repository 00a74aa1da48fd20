"""Face image data sets: a folder of class folders (the Kaggle FER-2013 layout)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from emodash.datasets.base import Dataset
from emodash.errors import InputError
from emodash.taxonomy import FER2013, LabelSet

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}


def read_image_folders(root: str | Path, label_set: LabelSet = FER2013) -> Dataset:
    """Images under `root/<label>/`; samples are file paths (decoded on demand), labels the folder names."""
    r = Path(root)
    if not r.is_dir():
        raise InputError(f"{r}: no such folder")
    folders = sorted(d for d in r.iterdir() if d.is_dir())
    unknown = [d.name for d in folders if d.name not in label_set.names]
    if unknown:
        raise InputError(
            f"{r}: class folders {unknown} are not labels of {label_set.name!r} ({', '.join(label_set.names)})"
        )
    paths, labels = [], []
    for d in folders:
        files = sorted(f for f in d.iterdir() if f.suffix.lower() in IMAGE_SUFFIXES)
        paths += files
        labels += [d.name] * len(files)
    if not paths:
        raise InputError(f"{r}: no images in class folders (expected {r}/<label>/*.jpg)")
    return Dataset(
        r.name,
        "face",
        paths,
        np.array(labels, dtype=object),
        label_set,
        groups=pd.DataFrame(index=range(len(paths))),
        meta={"path": str(r)},
    )
