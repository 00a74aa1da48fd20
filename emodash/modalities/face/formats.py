"""Face image data sets: FER-2013's CSV (`emotion,pixels,Usage`), a folder of class folders (the Kaggle layout, also
with `train/` and `test/` above the class folders), and drawn schematic demo faces."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pandas as pd

from emodash.core.dataset import Dataset
from emodash.core.errors import InputError
from emodash.core.taxonomy import FER2013, LabelSet, label_set_for
from emodash.io import tables
from emodash.io.images import read_image

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}
FER_COLUMNS = ("emotion", "pixels", "Usage")
FER_SIDE = 48


def image_at(ds: Dataset, i: int) -> np.ndarray:
    """Sample `i` as a grey or BGR uint8 array, whether the data set holds file paths or decoded images."""
    sample = ds.samples[i]
    if isinstance(sample, np.ndarray):
        return sample
    return read_image(sample, cv2.IMREAD_UNCHANGED)


def _class_folders(root: Path) -> list[Path]:
    return sorted(d for d in root.iterdir() if d.is_dir() and not d.name.startswith("."))


def _images_in(folder: Path) -> list[Path]:
    return sorted(f for f in folder.iterdir() if f.suffix.lower() in IMAGE_SUFFIXES)


def read_image_folders(root: str | Path, label_set: LabelSet | None = None) -> Dataset:
    """Images under `root/<label>/` (samples are paths, decoded on demand), or under `root/<split>/<label>/` as in
    Kaggle's FER-2013 (`train/`, `test/`), where the split becomes a group. Labels are the folder names."""
    r = Path(root)
    if not r.is_dir():
        raise InputError(f"{r}: no such folder")
    folders = _class_folders(r)
    if not folders:
        raise InputError(f"{r}: no class folders (expected {r}/<label>/*.jpg, one folder per class)")
    nested = all(not _images_in(d) and _class_folders(d) for d in folders)
    pairs = [(d, s) for s in folders for d in _class_folders(s)] if nested else [(d, None) for d in folders]
    paths, labels, splits = [], [], []
    for d, split in pairs:
        files = _images_in(d)
        paths += files
        labels += [d.name] * len(files)
        splits += [split.name if split else r.name] * len(files)
    if not paths:
        raise InputError(
            f"{r}: no images in the class folders (expected {r}/<label>/*.jpg; "
            f"formats: {', '.join(sorted(IMAGE_SUFFIXES))})"
        )
    names = [d.name for d, _ in pairs]
    ls = label_set_for(names, f"{r.name}-labels", prefer=(label_set or FER2013,))
    if label_set is not None and ls is not label_set:
        unknown = sorted(set(names) - set(label_set.names))
        raise InputError(f"{r}: class folders {unknown} are not labels of {label_set.name!r}")
    return Dataset(
        r.name,
        "face",
        paths,
        np.array(labels, dtype=object),
        ls,
        groups=pd.DataFrame({"split": splits}),
        source=str(r),
        format="folder per class" + (" under split folders" if nested else ""),
    )


def read_fer_csv(path: str | Path) -> Dataset:
    """FER-2013's CSV: `emotion` 0-6 (angry, disgust, fear, happy, sad, surprise, neutral), `pixels` = 2,304
    space-separated grey values of a 48x48 image, `Usage` = Training / PublicTest / PrivateTest (kept as a group)."""
    p = Path(path)
    table = tables.read_csv(p, str(p), f"columns {','.join(FER_COLUMNS)}", dtype=str, keep_default_na=False)
    missing = [c for c in FER_COLUMNS[:2] if c not in table.columns]
    if missing:
        raise InputError(
            f"{p}: missing column(s) {missing}; FER-2013's CSV has columns {', '.join(FER_COLUMNS)} "
            f"(found: {', '.join(map(str, table.columns[:6]))})"
        )
    if table.empty:
        raise InputError(f"{p}: no rows")
    codes = pd.to_numeric(table["emotion"], errors="coerce")
    bad = table.index[~codes.isin(range(len(FER2013)))]
    if len(bad):
        raise InputError(f"{p}: emotion must be 0-6; row {bad[0] + 2} has {table['emotion'][bad[0]]!r}")
    images = []
    for i, text in enumerate(table["pixels"]):
        try:
            values = np.array(text.split(), dtype=np.int64)
        except ValueError:
            raise InputError(f"{p}: row {i + 2}: pixels must be space-separated whole numbers") from None
        if values.size != FER_SIDE * FER_SIDE or values.min(initial=0) < 0 or values.max(initial=0) > 255:
            raise InputError(
                f"{p}: row {i + 2}: expected {FER_SIDE * FER_SIDE} grey values 0-255 (48x48), found {values.size}"
            )
        images.append(values.astype(np.uint8).reshape(FER_SIDE, FER_SIDE))
    usage = table["Usage"] if "Usage" in table.columns else pd.Series(["unknown"] * len(table))
    return Dataset(
        p.stem,
        "face",
        images,
        np.array([FER2013.names[c] for c in codes.astype(int)], dtype=object),
        FER2013,
        groups=pd.DataFrame({"split": usage.to_numpy()}),
        source=str(p),
        format="FER-2013 CSV",
    )


def read(path: str | Path) -> Dataset:
    """A face data set from a FER-2013 CSV or a folder of class folders."""
    p = Path(path)
    if p.is_dir():
        return read_image_folders(p)
    if p.suffix.lower() == ".csv":
        return read_fer_csv(p)
    raise InputError(f"{p}: expected a FER-2013 CSV (emotion,pixels,Usage) or a folder of class folders")


# Schematic faces: (mouth curvature, mouth openness, brow tilt, brow height, eye size) per FER-2013 label.
_EXPRESSIONS = {
    "angry": (-0.3, 0.1, 0.5, -0.2, 0.9),
    "disgust": (-0.5, 0.05, 0.3, -0.1, 0.6),
    "fear": (-0.2, 0.5, -0.3, 0.4, 1.4),
    "happy": (0.8, 0.2, 0.0, 0.1, 0.9),
    "sad": (-0.7, 0.0, -0.5, 0.1, 0.8),
    "surprise": (0.0, 0.9, 0.0, 0.6, 1.4),
    "neutral": (0.0, 0.0, 0.0, 0.0, 1.0),
}


def _draw_face(label: str, rng: np.random.Generator) -> np.ndarray:
    curve, opening, tilt, lift, eye = np.array(_EXPRESSIONS[label]) + rng.normal(0, 0.08, 5)
    s = 4  # draw at 4x, then shrink: smooth, anti-aliased lines at 48x48
    img = np.full((FER_SIDE * s, FER_SIDE * s), int(rng.integers(20, 90)), np.uint8)
    cx, cy = (24 + rng.normal(0, 1.2)) * s, (25 + rng.normal(0, 1.2)) * s
    skin = int(rng.integers(140, 220))
    cv2.ellipse(img, (int(cx), int(cy)), (int(17 * s), int(21 * s)), 0, 0, 360, skin, -1, cv2.LINE_AA)
    ink = max(skin - 120, 10)
    for side in (-1, 1):
        ex, ey = cx + side * 7 * s, cy - 5 * s
        cv2.ellipse(img, (int(ex), int(ey)), (int(3 * s), int(2 * eye * s)), 0, 0, 360, ink, -1, cv2.LINE_AA)
        by, inner = ey - (5 + 3 * lift) * s, tilt * 2 * s  # brows: inner ends down when tilt > 0 (anger)
        p1 = (int(ex - side * 4 * s), int(by + inner))
        p2 = (int(ex + side * 4 * s), int(by - inner))
        cv2.line(img, p1, p2, ink, int(1.5 * s), cv2.LINE_AA)
    my, half = cy + 10 * s, 7 * s
    xs = np.linspace(-half, half, 21)
    upper = my + curve * 4 * s * (1 - (xs / half) ** 2) - opening * 2 * s
    lower = my + curve * 4 * s * (1 - (xs / half) ** 2) + opening * 3 * s * (1 - (xs / half) ** 2)
    poly = np.concatenate([np.c_[cx + xs, upper], np.c_[cx + xs[::-1], lower[::-1]]]).astype(np.int32)
    cv2.fillPoly(img, [poly], ink, cv2.LINE_AA)
    cv2.polylines(img, [poly], True, ink, int(1.2 * s), cv2.LINE_AA)
    small = cv2.resize(img, (FER_SIDE, FER_SIDE), interpolation=cv2.INTER_AREA).astype(np.float32)
    return np.clip(small + rng.normal(0, 6, small.shape), 0, 255).astype(np.uint8)


def demo(per_class: int = 24, seed: int = 0) -> Dataset:
    """Synthetic demo data: schematic 48x48 grey faces drawn per FER-2013 label (mouth, brows and eyes vary with the
    expression, plus jitter and noise), with a few exact duplicates so the duplicate check has something to find."""
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for label in FER2013.names:
        n = max(2, per_class // 3) if label == "disgust" else per_class  # imbalanced like FER-2013
        images += [_draw_face(label, rng) for _ in range(n)]
        labels += [label] * n
    for i in (0, 5, 40):  # exact duplicates, as real scraped data sets have
        images.append(images[i].copy())
        labels.append(labels[i])
    return Dataset(
        "demo-faces",
        "face",
        images,
        np.array(labels, dtype=object),
        FER2013,
        groups=pd.DataFrame({"split": ["demo"] * len(images)}),
        meta={"seed": seed},
        format="drawn schematic faces",
        synthetic=True,
    )
