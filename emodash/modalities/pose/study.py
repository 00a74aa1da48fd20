"""The skeletal-movement study: sequences normalised (centred on the hips, scaled by the torso), brought to one
length, turned into movement vectors and their lengths, optionally augmented (rotation about the vertical axis;
mirroring that swaps left and right) and balanced; then clustered hierarchically to ask whether the labels form
clusters at all (silhouette and Davies-Bouldin as the seed reported them, plus agreement with the labels and the
cluster sizes that a high silhouette can hide).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from emodash.core.dataset import Dataset
from emodash.core.errors import InputError
from emodash.modalities.pose.skeleton import JOINT_INDEX, JOINTS

KS = (3, 5, 7)
LINKAGES = ("ward", "average", "complete")
LENGTH = 30
_HIPS = [JOINT_INDEX["left_hip"], JOINT_INDEX["right_hip"]]
_SHOULDERS = [JOINT_INDEX["left_shoulder"], JOINT_INDEX["right_shoulder"]]
#: each joint's mirror image (left <-> right; nose stays)
MIRROR = np.array([JOINT_INDEX.get(n.replace("left", "@").replace("right", "left").replace("@", "right"), i)
                   for i, n in enumerate(JOINTS)])  # fmt: skip


def normalise(seq: np.ndarray) -> np.ndarray:
    """(frames, 33, 3): every frame centred on its hip centre, all scaled by the sequence's mean torso length
    (shoulder centre to hip centre), so that position in the picture and body size drop out."""
    xyz = np.asarray(seq, dtype=float)[..., :3]
    hips = xyz[:, _HIPS].mean(axis=1, keepdims=True)
    torso = np.linalg.norm(xyz[:, _SHOULDERS].mean(axis=1) - hips[:, 0], axis=-1).mean()
    if not np.isfinite(torso) or torso <= 0:
        raise InputError("a sequence has no torso (shoulders and hips coincide): cannot normalise it")
    return (xyz - hips) / torso


def to_length(seq: np.ndarray, length: int = LENGTH, mode: str = "resample") -> np.ndarray:
    """(length, 33, 3): linearly resampled over time ("resample"), or the first `length` frames ("truncate", as the
    seed did; shorter sequences are then resampled up)."""
    if mode == "truncate" and len(seq) >= length:
        return seq[:length]
    if mode not in ("resample", "truncate"):
        raise InputError(f"length mode {mode!r}: choose resample or truncate")
    old = np.linspace(0.0, 1.0, len(seq))
    new = np.linspace(0.0, 1.0, length)
    flat = seq.reshape(len(seq), -1)
    out = np.stack([np.interp(new, old, flat[:, k]) for k in range(flat.shape[1])], axis=1)
    return out.reshape(length, *seq.shape[1:])


def movement_vectors(seq: np.ndarray) -> np.ndarray:
    """One flat vector per sequence: every joint's movement between consecutive frames (length - 1, 33, 3) and its
    length (length - 1, 33), concatenated."""
    steps = np.diff(seq, axis=0)
    return np.concatenate([steps.reshape(-1), np.linalg.norm(steps, axis=-1).reshape(-1)])


def rotate(seq: np.ndarray, degrees: float) -> np.ndarray:
    """The sequence turned by `degrees` about the vertical (y) axis, as if filmed from another angle."""
    a = np.deg2rad(degrees)
    r = np.array([[np.cos(a), 0.0, np.sin(a)], [0.0, 1.0, 0.0], [-np.sin(a), 0.0, np.cos(a)]])
    return seq @ r.T


def mirror(seq: np.ndarray) -> np.ndarray:
    """The mirror image: x negated and left and right joints swapped (a left-handed wave becomes a right-handed one)."""
    out = seq[:, MIRROR].copy()
    out[..., 0] *= -1
    return out


def prepare(
    ds: Dataset,
    length: int = LENGTH,
    mode: str = "resample",
    rotations: tuple[float, ...] = (),
    mirrored: bool = False,
    balance: bool = False,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """(movement vectors, labels, groups) of a pose data set: normalised, at one length, with the augmented copies
    (each rotation, and the mirror image of each) and, with `balance`, over-represented classes cut at random to
    the size of the smallest. Groups carry `augmented` (the transformation) so that splits keep copies together."""
    if len(ds) < 2:
        raise InputError(f"{ds.name}: {len(ds)} sequence(s); the study needs at least 2")
    aug = augmented(ds, rotations, mirrored)
    rows = [movement_vectors(to_length(s, length, mode)) for s in aug.samples]
    labels, groups = aug.labels, aug.groups
    X, y, g = np.array(rows), np.asarray(labels, dtype=object), groups.reset_index(drop=True)
    if balance:
        keep = _balanced(y, seed)
        X, y, g = X[keep], y[keep], g.iloc[keep].reset_index(drop=True)
    return X, y, g


def _balanced(y: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(y, return_counts=True)
    keep = [rng.choice(np.flatnonzero(y == c), counts.min(), replace=False) for c in classes]
    return np.sort(np.concatenate(keep))


def cluster(X: np.ndarray, k: int, linkage: str) -> np.ndarray:
    """Hierarchical clustering of the movement vectors into `k` clusters; labels 0..k-1. The vectors are not
    standardised: they share one unit (torso lengths), and scaling every coordinate to unit variance would blow
    the noise of still joints up to the size of real movement."""
    from sklearn.cluster import AgglomerativeClustering

    return AgglomerativeClustering(n_clusters=k, linkage=linkage).fit_predict(X)


def cluster_table(
    X: np.ndarray, y: np.ndarray, ks: tuple[int, ...] = KS, linkages: tuple[str, ...] = LINKAGES
) -> pd.DataFrame:
    """One row per (k, linkage): silhouette and Davies-Bouldin (the seed's measures), adjusted Rand index against
    the labels (0 = no more agreement than chance, 1 = the clusters are the labels), the cluster sizes, largest
    first, and the largest cluster's share (a linkage that puts nearly everything in one cluster can score a high
    silhouette)."""
    from sklearn.metrics import adjusted_rand_score, davies_bouldin_score, silhouette_score

    rows = []
    for linkage in linkages:
        for k in ks:
            if k >= len(X):
                continue
            found = cluster(X, k, linkage)
            sizes = np.sort(np.bincount(found, minlength=k))[::-1]
            several = len(np.unique(found)) > 1
            rows.append({
                "linkage": linkage, "k": k,
                "silhouette": float(silhouette_score(X, found)) if several else float("nan"),
                "davies_bouldin": float(davies_bouldin_score(X, found)) if several else float("nan"),
                "adjusted_rand": float(adjusted_rand_score(y, found)),
                "sizes": sizes.tolist(),
                "largest_share": float(sizes[0] / len(found)),
            })  # fmt: skip
    if not rows:
        raise InputError(f"{len(X)} sequences: too few to cluster into {min(ks)} or more clusters")
    return pd.DataFrame(rows)


def contingency(X: np.ndarray, y: np.ndarray, k: int, linkage: str) -> pd.DataFrame:
    """Sequences per cluster (rows) and label (columns)."""
    found = cluster(X, k, linkage)
    return pd.crosstab(pd.Series(found + 1, name="cluster"), pd.Series(y, name="label"))


def linkage_matrix(X: np.ndarray, linkage: str) -> np.ndarray:
    """SciPy's linkage matrix of the movement vectors (for the dendrogram)."""
    from scipy.cluster.hierarchy import linkage as scipy_linkage

    return scipy_linkage(X, method=linkage)


def augmented(ds: Dataset, rotations: tuple[float, ...] = (), mirrored: bool = False) -> Dataset:
    """The data set normalised, with its augmented copies as samples of their own (each rotation, and the mirror
    image of each); groups keep the subject, so grouped splits never put a copy and its original on both sides, and
    gain `augmented` (the transformation)."""
    samples, labels, rows = [], [], []
    table = ds.groups.reset_index(drop=True) if len(ds.groups) else pd.DataFrame(index=range(len(ds)))
    for i, s in enumerate(ds.samples):
        n = normalise(s)
        for name, seq in [("original", n)] + [(f"rotated {d:g}", rotate(n, d)) for d in rotations]:
            for flip in (False, True) if mirrored else (False,):
                samples.append(mirror(seq) if flip else seq)
                labels.append(ds.labels[i])
                rows.append({**table.iloc[i].to_dict(), "augmented": name + (", mirrored" if flip else "")})
    return replace(ds, samples=samples, labels=np.array(labels, dtype=object), groups=pd.DataFrame(rows))


def run(ds: Dataset, *options) -> dict:
    """The study's clustering part in one call (what the page caches): `prepare(ds, *options)`'s vectors, labels
    and groups, and their clustering table."""
    X, y, groups = prepare(ds, *options)
    return {"X": X, "y": y, "groups": groups, "table": cluster_table(X, y)}
