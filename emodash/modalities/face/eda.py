"""Face image statistics: class balance, sizes, colour modes, formats, brightness, unreadable files, duplicates."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
import pandas as pd

from emodash.core.dataset import Dataset, basics
from emodash.core.errors import InputError
from emodash.io.images import read_image
from emodash.modalities.face.formats import image_at


def image_stats(ds: Dataset, progress: Callable[[float], None] | None = None) -> pd.DataFrame:
    """One row per image: label, split, height, width, channels, format, mean and std of grey level, pixel hash
    (identical pixels = identical hash, whatever the file), and whether it could be read at all."""
    split = ds.groups["split"] if "split" in ds.groups else pd.Series(["all"] * len(ds))
    rows = []
    step = max(1, len(ds) // 50)
    for i, sample in enumerate(ds.samples):
        if isinstance(sample, np.ndarray):
            img, fmt = sample, "array"
        else:
            fmt = Path(sample).suffix.lower().lstrip(".")
            try:
                img = read_image(sample, cv2.IMREAD_UNCHANGED)
            except InputError:  # counted as unreadable: one bad file does not stop the statistics
                img = None
        if img is None:
            rows.append((None, None, None, fmt, np.nan, np.nan, None, False))
        else:
            grey = img if img.ndim == 2 else cv2.cvtColor(img[..., :3], cv2.COLOR_BGR2GRAY)
            digest = hashlib.blake2b(np.ascontiguousarray(img).tobytes(), digest_size=12).hexdigest()
            channels = 1 if img.ndim == 2 else img.shape[2]
            rows.append((img.shape[0], img.shape[1], channels, fmt, grey.mean(), grey.std(), digest, True))
        if progress and i % step == 0:
            progress(i / len(ds))
    table = pd.DataFrame(
        rows, columns=["height", "width", "channels", "format", "brightness", "contrast", "hash", "ok"]
    )
    table.insert(0, "label", ds.labels)
    table.insert(1, "split", split.to_numpy())
    return table


def duplicates(stats: pd.DataFrame) -> pd.DataFrame:
    """Groups of pixel-identical images: copies, the labels and splits they carry (several labels = a conflict,
    several splits = a train/test leak), and their row numbers."""
    ok = stats[stats["ok"]]
    dup = ok[ok.duplicated("hash", keep=False)]
    if dup.empty:
        return pd.DataFrame(columns=["copies", "labels", "splits", "conflict", "leak", "rows"])
    out = (
        dup.reset_index()
        .groupby("hash")
        .agg(
            copies=("index", "size"),
            labels=("label", lambda s: ", ".join(sorted(set(s)))),
            splits=("split", lambda s: ", ".join(sorted(set(s)))),
            rows=("index", lambda s: list(map(int, s))),
        )
    )
    out["conflict"] = out["labels"].str.contains(",")
    out["leak"] = out["splits"].str.contains(",")
    return out.sort_values("copies", ascending=False).reset_index(drop=True)


def montage(ds: Dataset, per_class: int = 8, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    """A grey grid image, one row per class (a random `per_class` of its images, resized to 48x48), and the row
    labels; classes with fewer images leave their row's end black."""
    rng = np.random.default_rng(seed)
    side = 48
    rows, names = [], []
    for label in ds.label_set.names:
        idx = np.flatnonzero(ds.labels == label)
        if not len(idx):
            continue
        tiles = []
        for i in rng.choice(idx, size=min(per_class, len(idx)), replace=False):
            try:
                img = image_at(ds, i)
            except InputError:  # an unreadable file shows as a black tile
                img = np.zeros((side, side), np.uint8)
            grey = img if img.ndim == 2 else cv2.cvtColor(img[..., :3], cv2.COLOR_BGR2GRAY)
            tiles.append(cv2.resize(grey, (side, side), interpolation=cv2.INTER_AREA))
        tiles += [np.zeros((side, side), np.uint8)] * (per_class - len(tiles))
        rows.append(np.hstack(tiles))
        names.append(label)
    return np.vstack(rows), names


def describe(ds: Dataset, stats: pd.DataFrame | None = None, dups: pd.DataFrame | None = None) -> dict:
    """Class balance, sizes, colour modes, formats, brightness and duplicates of a face data set (`stats`, `dups`:
    `image_stats` and `duplicates` already computed, so the page reads and groups the images once)."""
    stats = image_stats(ds) if stats is None else stats
    ok = stats[stats["ok"]]
    dups = duplicates(stats) if dups is None else dups
    sizes = (ok["width"].astype(int).astype(str) + "x" + ok["height"].astype(int).astype(str)).value_counts()
    return {
        **basics(ds),
        "splits": {str(k): int(v) for k, v in stats["split"].value_counts().items()},
        "unreadable": int((~stats["ok"]).sum()),
        "sizes": {k: int(v) for k, v in sizes.head(10).items()},
        "channels": {str(int(k)): int(v) for k, v in ok["channels"].value_counts().items()},
        "formats": {str(k): int(v) for k, v in stats["format"].value_counts().items()},
        "brightness_mean": round(float(ok["brightness"].mean()), 2),
        "contrast_mean": round(float(ok["contrast"].mean()), 2),
        "duplicate_groups": int(len(dups)),
        "duplicate_images": int(dups["copies"].sum() - len(dups)) if len(dups) else 0,
        "conflicting_duplicate_groups": int(dups["conflict"].sum()) if len(dups) else 0,
        "cross_split_duplicate_groups": int(dups["leak"].sum()) if len(dups) else 0,
    }


def summarise(ds: Dataset, progress: Callable[[float], None] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Everything the Datasets page shows, reading each image once: per-image statistics, duplicate groups and
    the description."""
    stats = image_stats(ds, progress)
    dups = duplicates(stats)
    return stats, dups, describe(ds, stats, dups)
