"""Body-pose keypoint sequences in MediaPipe Pose's 33-joint skeleton: CSV reader (long or wide layout) and demo.

One sample is one sequence, a float array (frames, 33, 3) of x, y, z, or (frames, 33, 4) when the file has
visibility. MediaPipe's convention is kept: x to the image right, y DOWN, z towards the camera negative. Which way
y points in a user's file is sniffed (nose above or below the hips) and written to meta["y_axis"].
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

from emodash.core.dataset import Dataset
from emodash.core.errors import InputError
from emodash.core.taxonomy import CANONICAL_SET, FER2013, label_set_for
from emodash.io import tables
from emodash.modalities.pose.skeleton import JOINT_INDEX, JOINTS

AXES = ("x", "y", "z")
LONG_COLUMNS = ("frame", "joint", "x", "y", "z", "label")
KEY_COLUMNS = ("subject", "sequence")
#: time column -> factor to seconds
TIME_COLUMNS = {"time": 1.0, "time_s": 1.0, "time_ms": 1e-3, "timestamp_ms": 1e-3}
DEMO_FPS = 30.0
SUBJECT_UNKNOWN = "unknown: a sequence without a subject column is its own subject"


def read(path: str | Path) -> Dataset:
    """Pose sequences from a CSV file or a folder of CSV files (one or more sequences each), layout sniffed; or
    from a video file, whose keypoints MediaPipe Pose extracts (one unlabelled sequence).

    Long layout: one row per frame x joint, columns frame, joint (name or index 0-32), x, y, z, optional
    visibility, label. Wide layout: one row per frame, columns <joint>_x, <joint>_y, <joint>_z, optional
    <joint>_visibility, label (frame optional). Both may have subject and/or sequence columns (several sequences
    per file) and a time column (time or time_s in seconds, time_ms or timestamp_ms) that gives meta["fps"].
    """
    p = Path(path)
    if p.is_file() and p.suffix.lower() not in (".csv", ".txt"):
        from emodash.modalities.pose import extract

        if p.suffix.lower() in extract.VIDEO_SUFFIXES:  # a video: its keypoints, extracted with MediaPipe Pose
            return _read_video(p)
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() == ".csv")
        if not files:
            raise InputError(f"{p}: no .csv files (expected one pose sequence per CSV file)")
        name = p.name
    elif p.is_file():
        files, name = [p], p.stem
    else:
        raise InputError(f"{p}: no such file or folder")
    parts = [_read_file(f) for f in files]
    samples = [s for part in parts for s in part["samples"]]
    raw_labels = [lab for part in parts for lab in part["labels"]]
    labels = [str(lab).strip() for lab in raw_labels]
    folded = [lab.lower() for lab in labels]  # emotion words in any case ("Happy") map onto the taxonomy
    if set(folded) <= set(CANONICAL_SET.names) or set(folded) <= set(FER2013.names):
        labels = folded
    label_set = label_set_for(labels, f"{name}-labels", prefer=(CANONICAL_SET,))
    fps = [part["fps"] for part in parts if part["fps"] is not None]
    layouts = sorted({part["layout"] for part in parts})
    return Dataset(
        name,
        "pose",
        samples,
        np.array(labels, dtype=object),
        label_set,
        groups=pd.concat([part["groups"] for part in parts], ignore_index=True),
        source=str(p),
        format="keypoint CSV, " + (layouts[0] if len(layouts) == 1 else "mixed layouts"),
        meta={
            "fps": round(float(np.median(fps)), 3) if fps else None,
            "fps_source": "time column" if fps else "unknown (no time column)",
            "joints": list(JOINTS),
            "layout": layouts[0] if len(layouts) == 1 else "mixed",
            "visibility": all(s.shape[2] == 4 for s in samples),
            "y_axis": y_axis(samples),
            "subject_source": "subject column" if all(part["subjects"] for part in parts) else SUBJECT_UNKNOWN,
        },
    )


def _read_video(p: Path, label: str = "unlabelled") -> Dataset:
    """One video as a pose data set: its keypoints extracted to a temporary CSV and read back (one unlabelled
    sequence), for the Datasets page's uploads and `emodash data describe VIDEO`."""
    import tempfile

    from emodash.modalities.pose.extract import extract_to_csv

    with tempfile.TemporaryDirectory(prefix="emodash-pose-") as tmp:
        done, failed = extract_to_csv([(p, label, None)], Path(tmp) / "keypoints.csv")
        if failed:
            raise InputError(failed[0][1])
        ds = read(Path(tmp) / "keypoints.csv")
    ds.name, ds.source, ds.format = p.stem, str(p), f"video ({done[0].fps:g} fps), keypoints by MediaPipe Pose"
    return ds


def y_axis(samples: list[np.ndarray]) -> str:
    """'down' when the nose lies at smaller y than the hips (MediaPipe's image and world coordinates), else 'up'."""
    offsets = [np.median(s[:, 0, 1] - s[:, 23:25, 1].mean(axis=1)) for s in samples]
    return "down" if np.median(offsets) < 0 else "up"


def _read_file(p: Path) -> dict:
    """One CSV file's sequences: samples, raw labels, groups rows, fps and layout (InputErrors name the file)."""
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            header = fh.readline()
    except UnicodeDecodeError:
        raise InputError(f"{p}: not a UTF-8 text CSV file") from None
    if not header.strip():
        raise InputError(f"{p}: empty file (expected a CSV header such as {','.join(LONG_COLUMNS)})")
    if "," not in header:
        found = next((d for d in (";", "\t", "|") if d in header), None)
        if found:
            raise InputError(f"{p}: columns are separated by {found!r}; expected a comma-separated CSV file")
    columns = [c.strip().lower() for c in next(csv.reader([header]))]
    if "joint" in columns:
        layout, frames = "long", _long_frames
    elif any(c.endswith("_x") for c in columns):
        layout, frames = "wide", _wide_frames
    else:
        missing = [c for c in LONG_COLUMNS if c not in columns]
        raise InputError(
            f"{p}: missing columns {', '.join(missing)} (long layout: frame, joint, x, y, z, [visibility,] label; "
            "or wide layout: <joint>_x, <joint>_y, <joint>_z, ..., label)"
        )
    if "label" not in columns:
        raise InputError(f"{p}: missing column label (one emotion label per sequence)")
    # as text, so that error messages quote cells as written and labels such as "NA" stay labels
    df = tables.read_csv(p, str(p), "pose keypoints", dtype=str, keep_default_na=False, skipinitialspace=True,
                         encoding="utf-8-sig")  # fmt: skip
    df.columns = columns
    if df.empty:
        raise InputError(f"{p}: no rows under the header (expected pose keypoints)")
    keys = [c for c in KEY_COLUMNS if c in df.columns]
    for c in keys + ["label"]:
        df[c] = df[c].str.strip()
        if (df[c] == "").any():
            raise InputError(f"{p}: empty {c} at line {int(np.flatnonzero(df[c] == '')[0]) + 2}")
    time_col = next((c for c in TIME_COLUMNS if c in df.columns), None)
    samples, labels, rows, fps = [], [], [], []
    for key, seq in df.groupby(keys, sort=True) if keys else [((), df)]:
        key = key if isinstance(key, tuple) else (key,)
        named = dict(zip(keys, map(str, key)))
        where = f"{p}" + (f" ({', '.join(f'{k} {v}' for k, v in named.items())})" if named else "")
        seq_labels = seq["label"].unique()
        if len(seq_labels) > 1:
            raise InputError(f"{where}: mixed labels {', '.join(seq_labels[:5])} in one sequence (expected one)")
        array, frame_ids = frames(seq, where)
        if len(frame_ids) < 2:
            raise InputError(f"{where}: only {len(frame_ids)} frame (a sequence needs at least 2)")
        samples.append(array)
        labels.append(seq_labels[0])
        sequence = named.get("sequence", p.stem)
        rows.append({"subject": named.get("subject", sequence), "sequence": sequence, "file": p.name})
        if time_col:
            fps.append(_fps(seq, time_col, frame_ids, where))
    return {
        "samples": samples,
        "labels": labels,
        "groups": pd.DataFrame(rows),
        "fps": float(np.median(fps)) if fps else None,
        "layout": layout,
        "subjects": "subject" in keys,
    }


def _joint_indices(values: pd.Series, where: str) -> np.ndarray:
    """Joint names (MediaPipe's, any case) or indices 0-32 as indices; an InputError lists unknown ones."""
    text = values.astype(str).str.strip().str.lower()
    index = text.map(JOINT_INDEX)
    digits = text.str.fullmatch(r"\d+(\.0)?")
    index[digits] = text[digits].astype(float).astype(int)
    unknown = text[index.isna() | (index < 0) | (index >= len(JOINTS))].unique()
    if len(unknown):
        raise InputError(
            f"{where}: unknown joints {', '.join(unknown[:5])}{' ...' if len(unknown) > 5 else ''} "
            f"(expected MediaPipe Pose names such as nose, left_shoulder, right_ankle, or indices 0-32)"
        )
    return index.to_numpy(dtype=int)


def _long_frames(seq: pd.DataFrame, where: str) -> tuple[np.ndarray, np.ndarray]:
    """(frames, 33, C) array and frame ids of one sequence in the long layout (one row per frame x joint)."""
    missing = [c for c in ("frame", "x", "y", "z") if c not in seq.columns]
    if missing:
        raise InputError(f"{where}: missing columns {', '.join(missing)} (long layout: frame, joint, x, y, z, label)")
    channels = list(AXES) + (["visibility"] if "visibility" in seq.columns else [])
    frame = tables.numeric(seq, ["frame"], where)[:, 0]
    joint = _joint_indices(seq["joint"], where)
    values = tables.numeric(seq, channels, where)
    frame_ids, frame_pos = np.unique(frame, return_inverse=True)
    counts = np.zeros((len(frame_ids), len(JOINTS)), dtype=int)
    np.add.at(counts, (frame_pos, joint), 1)
    wrong = np.flatnonzero((counts != 1).any(axis=1))
    if len(wrong):
        first = wrong[0]
        lacking = [JOINTS[j] for j in np.flatnonzero(counts[first] == 0)]
        twice = [JOINTS[j] for j in np.flatnonzero(counts[first] > 1)]
        what = "lacks " + ", ".join(lacking[:5]) + (" ..." if len(lacking) > 5 else "") if lacking else ""
        what += ("; " if what else "") + ("repeats " + ", ".join(twice[:5]) if twice else "")
        raise InputError(
            f"{where}: {len(wrong)} frame(s) without exactly one row per joint; frame {frame_ids[first]:g} {what} "
            f"(each frame needs all {len(JOINTS)} joints)"
        )
    array = np.empty((len(frame_ids), len(JOINTS), len(channels)))
    array[frame_pos, joint] = values
    return array, frame_ids


def _wide_frames(seq: pd.DataFrame, where: str) -> tuple[np.ndarray, np.ndarray]:
    """(frames, 33, C) array and frame ids of one sequence in the wide layout (one row per frame)."""
    prefixes = {}
    for c in seq.columns:
        m = re.fullmatch(r"(.+)_(x|y|z|visibility)", c)
        if m:
            prefixes.setdefault(m.group(1), set()).add(m.group(2))
    index = dict(zip(prefixes, _joint_indices(pd.Series(list(prefixes), dtype=str), where)))
    by_joint = {j: name for name, j in index.items()}
    absent = [JOINTS[j] for j in range(len(JOINTS)) if j not in by_joint or not set(AXES) <= prefixes[by_joint[j]]]
    if absent:
        raise InputError(
            f"{where}: missing columns for joints {', '.join(absent[:5])}{' ...' if len(absent) > 5 else ''} "
            f"(wide layout needs <joint>_x, <joint>_y, <joint>_z for all {len(JOINTS)} joints)"
        )
    channels = list(AXES) + (["visibility"] if all("visibility" in s for s in prefixes.values()) else [])
    columns = [f"{by_joint[j]}_{ch}" for j in range(len(JOINTS)) for ch in channels]
    if "frame" in seq.columns:
        order = np.argsort(tables.numeric(seq, ["frame"], where)[:, 0], kind="stable")
        seq = seq.iloc[order]
        frame_ids = tables.numeric(seq, ["frame"], where)[:, 0]
        if len(np.unique(frame_ids)) < len(frame_ids):
            raise InputError(f"{where}: repeated frame numbers (wide layout: one row per frame)")
    else:
        frame_ids = np.arange(len(seq), dtype=float)
    array = tables.numeric(seq, columns, where).reshape(len(seq), len(JOINTS), len(channels))
    return array, frame_ids


def _fps(seq: pd.DataFrame, time_col: str, frame_ids: np.ndarray, where: str) -> float:
    """Frames per second from the time column (median step between consecutive frames)."""
    frame = tables.numeric(seq, ["frame"], where)[:, 0] if "frame" in seq.columns else np.arange(len(seq), dtype=float)
    times = pd.Series(tables.numeric(seq, [time_col], where)[:, 0] * TIME_COLUMNS[time_col]).groupby(frame).first()
    step = np.median(np.diff(times.reindex(frame_ids).to_numpy()))
    if not step > 0:
        raise InputError(f"{where}: {time_col} does not increase with frame (expected a time stamp per frame)")
    return 1.0 / step


# --- synthetic demo -------------------------------------------------------------------------------------------

#: Movement style per emotion: gait frequency (Hz), arm swing (rad), arm abduction (rad), elbow flexion (rad),
#: stride (rad), trunk lean forward (rad), head pitch down (rad), shoulder drop (m, negative = raised), tremor (m).
DEMO_STYLES: dict[str, dict[str, float]] = {
    "neutral": dict(freq=0.9, swing=0.35, abduct=0.10, elbow=0.25, stride=0.35, lean=0.03, pitch=0.05, drop=0.0,
                    tremor=0.0),
    "happiness": dict(freq=1.1, swing=0.65, abduct=0.35, elbow=0.35, stride=0.45, lean=-0.05, pitch=-0.15,
                      drop=-0.01, tremor=0.0),
    "sadness": dict(freq=0.6, swing=0.12, abduct=0.03, elbow=0.10, stride=0.22, lean=0.30, pitch=0.70, drop=0.05,
                    tremor=0.0),
    "anger": dict(freq=1.25, swing=0.70, abduct=0.45, elbow=0.90, stride=0.50, lean=0.12, pitch=0.10, drop=-0.01,
                  tremor=0.0),
    "fear": dict(freq=1.0, swing=0.10, abduct=-0.05, elbow=1.30, stride=0.20, lean=0.10, pitch=0.15, drop=-0.04,
                 tremor=0.004),
}  # fmt: skip

#: Face points relative to the neck (metres for a 1.70 m figure; x to its left, y down, z towards the camera < 0).
_FACE = {
    "nose": (0.0, -0.17, -0.10),
    "left_eye_inner": (0.015, -0.20, -0.09),
    "left_eye": (0.032, -0.20, -0.085),
    "left_eye_outer": (0.048, -0.20, -0.08),
    "right_eye_inner": (-0.015, -0.20, -0.09),
    "right_eye": (-0.032, -0.20, -0.085),
    "right_eye_outer": (-0.048, -0.20, -0.08),
    "left_ear": (0.075, -0.18, 0.0),
    "right_ear": (-0.075, -0.18, 0.0),
    "mouth_left": (0.025, -0.135, -0.085),
    "mouth_right": (-0.025, -0.135, -0.085),
}


def _limb(alpha: np.ndarray, side_angle: float | np.ndarray, side: float) -> np.ndarray:
    """Unit vectors (n, 3) pointing down, swung forward by `alpha` and out sideways by `side_angle`."""
    alpha = np.asarray(alpha, dtype=float)
    return np.stack(
        np.broadcast_arrays(side * np.sin(side_angle), np.cos(side_angle) * np.cos(alpha),
                            -np.cos(side_angle) * np.sin(alpha)),
        axis=-1,
    )  # fmt: skip


def demo_sequence(
    style: dict[str, float], height: float = 1.7, seconds: float = 3.0, fps: float = DEMO_FPS, seed: int = 0
) -> np.ndarray:
    """One synthetic walk-in-place sequence (frames, 33, 4) in hip-centred metres, y down, like MediaPipe world
    landmarks; bone lengths are Winter's anthropometric fractions of `height`."""
    rng = np.random.default_rng(seed)
    s = height / 1.7
    t = np.arange(int(round(seconds * fps))) / fps
    phase = 2 * np.pi * style["freq"] * t + rng.uniform(0, 2 * np.pi)
    n = len(t)
    at: dict[str, np.ndarray] = {}
    bob = np.stack([np.zeros(n), -0.02 * s * style["stride"] * np.abs(np.cos(phase)), np.zeros(n)], axis=-1)
    hip_half, shoulder_half = 0.09 * s, (0.19 - 0.6 * max(0.0, -style["abduct"])) * s
    thigh, shank, upper, fore, trunk = 0.245 * height, 0.246 * height, 0.186 * height, 0.146 * height, 0.30 * height
    for side, sign, offset in (("left", 1.0, 0.0), ("right", -1.0, np.pi)):
        hip = bob + [sign * hip_half, 0, 0]
        flex = style["stride"] * np.sin(phase + offset)
        knee_bend = style["stride"] * 1.4 * np.clip(np.sin(phase + offset + np.pi / 2), 0, None)
        knee = hip + thigh * _limb(flex, 0.0, sign)
        ankle = knee + shank * _limb(flex - knee_bend, 0.0, sign)
        at[f"{side}_hip"] = hip
        at[f"{side}_knee"] = knee
        at[f"{side}_ankle"] = ankle
        at[f"{side}_heel"] = ankle + [0, 0.04 * s, 0.05 * s]
        at[f"{side}_foot_index"] = ankle + [0, 0.06 * s, -0.14 * s]
    lean = style["lean"]
    neck = bob + trunk * np.array([0.0, -np.cos(lean), -np.sin(lean)])
    for side, sign, offset in (("left", 1.0, np.pi), ("right", -1.0, 0.0)):
        shoulder = neck + [sign * shoulder_half, style["drop"] * s, 0.5 * style["drop"] * s]
        swing = style["swing"] * np.sin(phase + offset)
        abduct = style["abduct"] + 0.05
        elbow = shoulder + upper * _limb(swing, abduct, sign)
        wrist = elbow + fore * _limb(swing + style["elbow"], abduct * 0.5, sign)
        hand = _limb(swing + style["elbow"], abduct * 0.5, sign)
        at[f"{side}_shoulder"] = shoulder
        at[f"{side}_elbow"] = elbow
        at[f"{side}_wrist"] = wrist
        at[f"{side}_index"] = wrist + 0.08 * s * hand
        at[f"{side}_pinky"] = wrist + 0.07 * s * hand + [sign * 0.02 * s, 0, 0]
        at[f"{side}_thumb"] = wrist + 0.05 * s * hand + [-sign * 0.02 * s, 0, -0.02 * s]
    pitch = style["pitch"] + 0.05 * np.sin(phase * 2)
    c, sn = np.cos(pitch), np.sin(pitch)
    head_base = neck + [0, style["drop"] * s * 0.8 - 0.03 * s, 0]
    for name, (x, y, z) in _FACE.items():
        at[name] = head_base + np.stack([np.full(n, x * s), s * (y * c - z * sn), s * (y * sn + z * c)], axis=-1)
    out = np.stack([at[name] for name in JOINTS], axis=1)
    out += rng.normal(0, 0.001 + style["tremor"], out.shape)
    visibility = np.clip(rng.normal(0.97, 0.02, (n, len(JOINTS), 1)), 0, 1)
    return np.concatenate([out, visibility], axis=2)


def demo(subjects: int = 4, repetitions: int = 2, seconds: float = 3.0) -> Dataset:
    """Synthetic walks of `subjects` figures (different heights) x five emotions x `repetitions`, 30 fps, with
    emotion-typical gait (happy: upright, fast, wide arm swing; sad: slumped, head down, slow; anger: fast, wide;
    fear: contracted, arms held in, trembling; neutral in between). Deterministic."""
    samples, labels, rows = [], [], []
    for subject in range(subjects):
        height = 1.55 + 0.1 * subject
        for k, (emotion, style) in enumerate(DEMO_STYLES.items()):
            for rep in range(repetitions):
                seed = 1000 * subject + 10 * k + rep
                jitter = np.random.default_rng(seed).uniform(0.85, 1.15, len(style))  # each person walks a bit apart
                own = {key: value * j for (key, value), j in zip(style.items(), jitter)}
                samples.append(demo_sequence(own, height, seconds, seed=seed))
                labels.append(emotion)
                rows.append({"subject": f"S{subject + 1}", "sequence": f"S{subject + 1}-{emotion}-{rep + 1}"})
    return Dataset(
        "demo-pose",
        "pose",
        samples,
        np.array(labels, dtype=object),
        CANONICAL_SET,
        groups=pd.DataFrame(rows),
        format="generated skeletons",
        synthetic=True,
        meta={
            "fps": DEMO_FPS,
            "fps_source": "synthetic",
            "subject_source": "synthetic figures",
            "joints": list(JOINTS),
            "layout": "synthetic",
            "visibility": True,
            "y_axis": "down",
            "units": "metres, hip-centred (like MediaPipe world landmarks)",
        },
    )
