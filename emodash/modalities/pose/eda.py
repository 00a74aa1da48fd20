"""Statistics of body-pose data sets: counts, durations and per-sequence movement features (speed, expansion,
head height, symmetry), the quantities body-expression studies relate to emotion."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from emodash.core.dataset import Dataset, basics
from emodash.modalities.pose.skeleton import JOINT_INDEX, JOINTS

#: Movement features, each scale-free or in coordinate units per second (per frame when fps is unknown).
FEATURES: dict[str, str] = {
    "speed": "mean speed of all 33 joints",
    "wrist_speed": "mean speed of the two wrists",
    "acceleration": "mean acceleration magnitude of all joints (jerky, agitated movement is high)",
    "arm_span": "wrist-to-wrist distance / torso length (arms held wide is high)",
    "expansion": "mean distance of the joints from the body's centroid / torso length (an expansive posture)",
    "head_height": "height of the nose above the hip centre / torso length (a lowered head or slump is low)",
    "symmetry": "1 - |left - right| / (left + right) of the path lengths of left- and right-side joints (1 = even)",
}

_LEFT = [i for i, name in enumerate(JOINTS) if name.startswith("left_") or name == "mouth_left"]
_RIGHT = [JOINT_INDEX[JOINTS[i].replace("left", "right")] for i in _LEFT]
_HIPS = [JOINT_INDEX["left_hip"], JOINT_INDEX["right_hip"]]
_SHOULDERS = [JOINT_INDEX["left_shoulder"], JOINT_INDEX["right_shoulder"]]
_WRISTS = [JOINT_INDEX["left_wrist"], JOINT_INDEX["right_wrist"]]


def sequence_features(seq: np.ndarray, fps: float | None = None, y_down: bool = True) -> dict[str, float]:
    """The FEATURES of one sequence (frames, 33, 3 or 4); speeds per second with `fps`, per frame without it.

    `y_down` says that y grows downwards (MediaPipe), so height is -y. Acceleration is NaN below 3 frames.
    """
    xyz = np.asarray(seq, dtype=float)[..., :3]
    rate = fps or 1.0
    step = np.linalg.norm(np.diff(xyz, axis=0), axis=-1)  # (frames - 1, 33)
    accel = np.linalg.norm(np.diff(xyz, n=2, axis=0), axis=-1) * rate**2
    hips, shoulders = xyz[:, _HIPS].mean(axis=1), xyz[:, _SHOULDERS].mean(axis=1)
    torso = np.linalg.norm(shoulders - hips, axis=-1).mean() or 1.0
    up = -1.0 if y_down else 1.0
    centroid = xyz.mean(axis=1, keepdims=True)
    left, right = step[:, _LEFT].sum(), step[:, _RIGHT].sum()
    return {
        "speed": float(step.mean() * rate),
        "wrist_speed": float(step[:, _WRISTS].mean() * rate),
        "acceleration": float(accel.mean()) if len(accel) else float("nan"),
        "arm_span": float(np.linalg.norm(xyz[:, _WRISTS[0]] - xyz[:, _WRISTS[1]], axis=-1).mean() / torso),
        "expansion": float(np.linalg.norm(xyz - centroid, axis=-1).mean() / torso),
        "head_height": float(up * (xyz[:, JOINT_INDEX["nose"], 1] - hips[:, 1]).mean() / torso),
        "symmetry": float(1.0 - abs(left - right) / (left + right)) if left + right > 0 else 1.0,
    }


def movement_features(ds: Dataset) -> pd.DataFrame:
    """One row per sequence: label, subject, sequence, frames, duration_s (NaN without fps) and the FEATURES."""
    fps = ds.meta.get("fps")
    y_down = ds.meta.get("y_axis", "down") == "down"
    rows = [sequence_features(seq, fps, y_down) for seq in ds.samples]
    frames = np.array([len(seq) for seq in ds.samples])
    out = pd.DataFrame(
        {
            "label": ds.labels,
            "subject": ds.groups["subject"].astype(str) if "subject" in ds.groups else "unknown",
            "sequence": ds.groups["sequence"].astype(str) if "sequence" in ds.groups else np.arange(len(ds)),
            "frames": frames,
            "duration_s": frames / fps if fps else np.nan,
        }
    )
    return pd.concat([out, pd.DataFrame(rows, columns=list(FEATURES))], axis=1)


def _stats(values: np.ndarray) -> dict[str, float]:
    return {"total": float(values.sum()), "min": float(values.min()), "median": float(np.median(values)),
            "max": float(values.max())}  # fmt: skip


def _finite(value: float) -> float | None:
    return round(float(value), 4) if np.isfinite(value) else None


def describe(ds: Dataset, feats: pd.DataFrame | None = None) -> dict[str, Any]:
    """JSON-serialisable summary of a pose data set: sequences, frames, fps and durations, per-label counts,
    subjects, channels, and the mean of each movement feature per label (speeds in coordinate units per second,
    or per frame when the fps is unknown). `feats`: `movement_features(ds)` already computed."""
    feats = movement_features(ds) if feats is None else feats
    fps = ds.meta.get("fps")
    channels = sorted({seq.shape[2] for seq in ds.samples})
    with_vis = [seq[..., 3] for seq in ds.samples if seq.shape[2] > 3]
    by_label = feats.groupby("label", sort=False)[list(FEATURES)].mean()
    return {
        **basics(ds),
        "subjects": int(feats["subject"].nunique()),
        "subject_source": ds.meta.get("subject_source", "groups"),
        "per_subject": {str(k): int(v) for k, v in feats["subject"].value_counts().sort_index().items()},
        "frames": _stats(feats["frames"].to_numpy()),
        "fps": fps,
        "fps_source": ds.meta.get("fps_source", "unknown"),
        "duration_s": _stats(feats["duration_s"].to_numpy()) if fps else None,
        "joints": len(JOINTS),
        "channels": ["x", "y", "z", "visibility"][: max(channels)] if channels else [],
        "visibility_mean": _finite(np.mean([v.mean() for v in with_vis])) if with_vis else None,
        "y_axis": ds.meta.get("y_axis", "down"),
        "speed_unit": "coordinate units per second" if fps else "coordinate units per frame (fps unknown)",
        "features": FEATURES,
        "features_by_label": {
            str(label): {name: _finite(value) for name, value in row.items()}
            for label, row in by_label.reindex([n for n in ds.label_set.names if n in by_label.index]).iterrows()
        },
    }


def summarise(ds: Dataset) -> tuple[dict[str, Any], pd.DataFrame]:
    """The description and the movement features per sequence, measured once."""
    feats = movement_features(ds)
    return describe(ds, feats), feats
