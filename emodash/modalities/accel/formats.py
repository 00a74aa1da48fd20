"""Accelerometer data sets: the phone seed's feature file (wolfeiq), Quiroz's smart-watch walks, users' own files.

Two kinds of `Dataset` come out (meta["kind"]): "features" (a table, `ds.table`: one row per window, feature
columns) and "raw" (samples: one DataFrame per recording with t in seconds and x, y, z, maybe more columns).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from emodash.core.dataset import Dataset
from emodash.core.errors import InputError
from emodash.core.taxonomy import PHONE_ACCEL, QUIROZ, label_set_for
from emodash.io import tables
from emodash.modalities.accel.features import AXES, SEED_FEATURES

WOLFEIQ_FEATURES = (
    "max_curvature",
    "mean_curvature",
    "std_first_derivative",
    "fft_mean",
    "acc_magnitude_mean",
    "acc_magnitude_std",
    "acc_magnitude_energy",
)
WOLFEIQ_PER_AXIS = WOLFEIQ_FEATURES[:4]
WOLFEIQ_STATES = dict(zip(("accel1", "accel2", "accel3", "accel4", "accel5"), PHONE_ACCEL.names))
QUIROZ_COLUMNS = ("condition", "emotion", "x", "y", "z", "rot_x", "rot_y", "rot_z", "heart_rate")
QUIROZ_EMOTIONS = {-1: "sad", 0: "neutral", 1: "happy"}
QUIROZ_CONDITIONS = {"mo": "movie", "mu": "music", "mw": "movie+walk"}
QUIROZ_RATE = 25.0

SEED_FORMAT = "the seed's feature xlsx (long, pivoted)"
TIME_COLUMNS = ("t", "time", "time_s", "seconds", "timestamp")
LABEL_COLUMNS = ("label", "state", "emotion", "class", "condition")
GROUP_COLUMNS = ("participant", "subject", "user", "person", "session")
#: columns of a feature table that describe a window rather than measure it
META_COLUMNS = (*GROUP_COLUMNS, "condition", "file", "window_number", "recording", "t_start")
AXIS_ALIASES = {a: (a, f"a{a}", f"acc_{a}", f"accel_{a}", f"acc{a}") for a in AXES}


# --- the seed's feature file ---------------------------------------------------------------------------------------


def wolfeiq_table(path: str | Path | io.BytesIO, name: object = None) -> pd.DataFrame:
    """The seed's feature xlsx as it is: one row per window and axis (9,450 rows), checked for its columns."""
    df = next(iter(_read_excel(path, name or path).values()))
    path = name or path
    need = {*WOLFEIQ_FEATURES, "axis", "condition", "window_number"}
    missing = sorted(need - set(df.columns))
    if missing:
        raise InputError(f"{path}: not the seed's feature file, column(s) {', '.join(missing)} missing")
    tables.numeric(df, WOLFEIQ_FEATURES, str(path), allow_missing=True)
    return df


def pivot_wolfeiq(long: pd.DataFrame, features: tuple[str, ...] = WOLFEIQ_FEATURES) -> pd.DataFrame:
    """One row per (condition, window_number): per-axis features as `<feature>_<axis>`, magnitude ones once.

    Like the seed's pivot_table, an axis row that appears twice in a window is averaged and a missing one is NaN.
    """
    per_axis = [f for f in features if f in WOLFEIQ_PER_AXIS]
    wide = long.pivot_table(index=["condition", "window_number"], columns="axis", values=per_axis, dropna=False)
    wide.columns = [f"{f}_{a}" for f, a in wide.columns]
    mag = long.groupby(["condition", "window_number"])[[f for f in features if f not in WOLFEIQ_PER_AXIS]].first()
    names = [f"{f}_{a}" for f in per_axis for a in AXES] + list(mag.columns)
    return wide.join(mag).reindex(columns=names).reset_index()


def read_wolfeiq(path: str | Path | io.BytesIO, name: object = None) -> Dataset:
    """The seed's 3,150 windows (5 states x 630) with its 12 training features; incomplete windows kept, flagged."""
    long = wolfeiq_table(path, name)
    path = name or path
    wide = pivot_wolfeiq(long)
    unknown = sorted(set(wide["condition"]) - set(WOLFEIQ_STATES))
    if unknown:
        raise InputError(f"{path}: unknown condition(s) {', '.join(map(str, unknown))}; expected accel1..accel5")
    incomplete = wide[wide[list(SEED_FEATURES)].isna().any(axis=1)]
    return Dataset(
        name="phone-accel",
        modality="accel",
        samples=wide[list(SEED_FEATURES)].reset_index(drop=True),
        labels=wide["condition"].map(WOLFEIQ_STATES).to_numpy(),
        label_set=PHONE_ACCEL,
        groups=pd.DataFrame({"session": wide["condition"], "window_number": wide["window_number"]}),
        source=str(path if name is None else name),
        format=SEED_FORMAT,
        meta={
            "kind": "features",
            "sample_rate": 50.0,
            "window_s": 10.0,
            "overlap": 0.5,
            "gap_windows": 1,
            "mapping": WOLFEIQ_STATES,
            "mapping_note": "accel1..accel5 -> the README's order (calm, frustrated, happy, anxious, sad): "
            "likely but unconfirmed",
            "incomplete": [f"{c} window {w}" for c, w in zip(incomplete["condition"], incomplete["window_number"])],
            "incomplete_note": "an axis row appears twice and another is missing in these windows (NaN after the "
            "pivot); kept here, dropped where a model needs complete rows",
            "time_order": "window_number",
            "long": long,
            "all_features": wide.drop(columns=["condition", "window_number"]),
        },
    )


# --- Quiroz smart-watch walks --------------------------------------------------------------------------------------


def _quiroz_file(data: bytes, name: str) -> pd.DataFrame:
    if not data.startswith(b"#"):
        raise InputError(f"{name}: a Quiroz walking file starts with the comment '# condition,emotion,data'")
    df = tables.read_csv(data, name, ", ".join(QUIROZ_COLUMNS), comment="#", header=None)
    if df.shape[1] != len(QUIROZ_COLUMNS):
        raise InputError(f"{name}: {df.shape[1]} columns, expected {len(QUIROZ_COLUMNS)} ({', '.join(QUIROZ_COLUMNS)})")
    df.columns = list(QUIROZ_COLUMNS)
    tables.numeric(df, QUIROZ_COLUMNS, str(name), allow_missing=True)
    return df


def read_quiroz(folder: str | Path) -> Dataset:
    """Quiroz's walking_data CSVs (or one of them): one recording per (participant, emotion), t from ~25 Hz."""
    folder = Path(folder)
    files = sorted(folder.glob("*_accdata_*.csv")) if folder.is_dir() else [folder]
    if not files:
        raise InputError(f"{folder}: no Quiroz walking files (<cond>_ewNN_accdata_*.csv) in it")
    return _quiroz_dataset([(f.name, f.read_bytes()) for f in files], str(folder))


def _quiroz_dataset(files: list[tuple[str, bytes]], source: str) -> Dataset:
    samples, labels, rows = [], [], []
    for path, data in files:
        m = re.match(r"(m[ouw])_(ew\d+)_accdata", path)
        cond, participant = (m.group(1), m.group(2)) if m else ("?", Path(path).stem)
        df = _quiroz_file(data, path)
        run = (df["emotion"] != df["emotion"].shift()).cumsum()
        for _, seg in df.groupby(run, sort=True):
            emotion = int(seg["emotion"].iloc[0])
            if emotion not in QUIROZ_EMOTIONS:
                raise InputError(f"{path}: emotion {emotion} is not -1 (sad), 0 (neutral) or 1 (happy)")
            rec = seg.drop(columns=["condition", "emotion"]).reset_index(drop=True)
            rec.insert(0, "t", np.arange(len(rec)) / QUIROZ_RATE)
            samples.append(rec)
            labels.append(QUIROZ_EMOTIONS[emotion])
            rows.append({"participant": participant, "condition": QUIROZ_CONDITIONS.get(cond, cond), "file": path})
    return Dataset(
        name="quiroz",
        modality="accel",
        samples=samples,
        labels=np.array(labels, dtype=object),
        label_set=QUIROZ,
        groups=pd.DataFrame(rows),
        source=source,
        format="Quiroz walking CSV",
        meta={
            "kind": "raw",
            "sample_rate": QUIROZ_RATE,
            "sample_rate_note": "about 25 Hz, estimated from row counts and walk durations (not stated by the authors)",
            "gravity": "linear acceleration (gravity removed by the watch)",
            "split": "by participant",
        },
    )


# --- users' own files ----------------------------------------------------------------------------------------------


def _read_excel(path: Path | io.BytesIO, name: object = None) -> dict[str, pd.DataFrame]:
    data = path.getvalue() if isinstance(path, io.BytesIO) else Path(path).read_bytes()
    return tables.workbook(data, str(name or path))


def _axes(df: pd.DataFrame) -> dict[str, str]:
    return {a: col for a in AXES if (col := tables.find_column(list(df.columns), AXIS_ALIASES[a])) is not None}


def _rate_from_time(t: pd.Series, name: str) -> float:
    step = float(np.median(np.diff(t.to_numpy(dtype=float)))) if len(t) > 1 else 0.0
    if not step > 0:
        raise InputError(f"{name}: the time column does not increase; expected seconds")
    return 1.0 / step


def _recording(df: pd.DataFrame, axes: dict[str, str], time: str | None, rate: float) -> pd.DataFrame:
    rec = pd.DataFrame({a: df[axes[a]].to_numpy(dtype=float) for a in AXES})
    t = df[time].to_numpy(dtype=float) - float(df[time].iloc[0]) if time else np.arange(len(rec)) / rate
    rec.insert(0, "t", t)
    return rec


def _raw_dataset(parts: list[tuple[str, str, pd.DataFrame]], rate: float, name: str, assumed: bool) -> Dataset:
    labels = [lab for lab, _, _ in parts]
    return Dataset(
        name=name,
        modality="accel",
        samples=[rec for _, _, rec in parts],
        labels=np.array(labels, dtype=object),
        label_set=label_set_for(labels, name, prefer=(PHONE_ACCEL, QUIROZ)),
        groups=pd.DataFrame({"participant": [g for _, g, _ in parts]}),
        source=name,
        format="raw x/y/z recordings",
        meta={
            "kind": "raw",
            "sample_rate": rate,
            "sample_rate_note": "no time column: 50 Hz assumed" if assumed else "from the time column",
        },
    )


def _from_table(df: pd.DataFrame, name: str) -> Dataset:
    """A raw table (time, x, y, z, label[, participant]) or a feature table (numeric features + label)."""
    if df.empty:
        raise InputError(f"{name}: no rows")
    label = tables.find_column(list(df.columns), LABEL_COLUMNS)
    axes = _axes(df)
    if label is None:
        raise InputError(
            f"{name}: no label column; expected one named {', '.join(LABEL_COLUMNS)} (or one sheet per state)"
        )
    group = tables.find_column(list(df.columns), GROUP_COLUMNS)
    labels = df[label].astype(str).str.strip()
    if axes:  # raw recordings
        if len(axes) < 3:
            missing = ", ".join(a for a in AXES if a not in axes)
            raise InputError(f"{name}: axis column(s) {missing} missing; expected x, y, z (and time, label)")
        time = tables.find_column(list(df.columns), TIME_COLUMNS)
        tables.numeric(df, list(axes.values()) + ([time] if time else []), str(name), allow_missing=True)
        rate = _rate_from_time(df[time], name) if time else 50.0
        who = df[group].astype(str) if group else pd.Series("1", index=df.index)
        run = ((labels != labels.shift()) | (who != who.shift())).cumsum()
        parts = [
            (labels[idx[0]], who[idx[0]], _recording(df.loc[idx], axes, time, rate))
            for idx in (g.index for _, g in df.groupby(run, sort=True))
        ]
        return _raw_dataset(parts, rate, name, time is None)
    meta_cols = [c for c in df.columns if c == label or str(c).lower() in META_COLUMNS]
    features = [c for c in df.columns if c not in meta_cols]
    if not features:
        raise InputError(f"{name}: no feature columns besides the label; expected x, y, z or numeric features")
    tables.numeric(df, features, str(name), allow_missing=True)
    groups = df[[c for c in meta_cols if c != label]].reset_index(drop=True)
    lab = labels.to_list()
    return Dataset(
        name=name,
        modality="accel",
        samples=df[features].astype(float).reset_index(drop=True),
        labels=np.array(lab, dtype=object),
        label_set=label_set_for(lab, name, prefer=(PHONE_ACCEL, QUIROZ)),
        groups=groups,
        meta={"kind": "features"},
        source=name,
        format="feature table",
    )


def _from_sheets(sheets: dict[str, pd.DataFrame], name: str) -> Dataset:
    """An xlsx with one sheet per state (sheet name = label), each with x, y, z and maybe time."""
    parts, rates, assumed = [], [], False
    for sheet, df in sheets.items():
        if df.empty:
            raise InputError(f"{name}, sheet {sheet!r}: no rows")
        axes = _axes(df)
        if len(axes) < 3:
            missing = ", ".join(a for a in AXES if a not in axes)
            raise InputError(f"{name}, sheet {sheet!r}: axis column(s) {missing} missing; expected x, y, z")
        time = tables.find_column(list(df.columns), TIME_COLUMNS)
        where = f"{name}, sheet {sheet!r}"
        tables.numeric(df, list(axes.values()) + ([time] if time else []), where, allow_missing=True)
        rate = _rate_from_time(df[time], f"{name}, sheet {sheet!r}") if time else 50.0
        assumed |= time is None
        rates.append(rate)
        parts.append((str(sheet).strip(), "1", _recording(df, axes, time, rate)))
    return _raw_dataset(parts, float(np.median(rates)), name, assumed)


def read_bytes(data: bytes, name: str) -> Dataset:
    """A file's content (an upload): the seed's xlsx, a Quiroz CSV, a raw or feature table, or sheets per state."""
    if name.lower().endswith((".xlsx", ".xls")):
        sheets = _read_excel(io.BytesIO(data), name)
        first = next(iter(sheets.values()))
        if {"axis", "condition", "window_number"} <= set(first.columns):
            return read_wolfeiq(io.BytesIO(data), name)
        if len(sheets) > 1 or (tables.find_column(list(first.columns), LABEL_COLUMNS) is None and _axes(first)):
            return _from_sheets(sheets, name)
        return _from_table(first, name)
    if data.startswith(b"# condition,emotion"):
        return _quiroz_dataset([(name, data)], name)
    return _from_table(tables.read_csv(data, name, comment=None), name)


def read(path: str | Path) -> Dataset:
    """Any accelerometer data set emodash reads, sniffed: a Quiroz folder or file, the seed's xlsx, a raw table
    (time, x, y, z, label[, participant]), an xlsx with one sheet per state, or a feature table (features + label)."""
    p = Path(path)
    if p.is_dir():
        return read_quiroz(p)
    if not p.exists():
        raise InputError(f"{p}: no such file or folder")
    if p.suffix.lower() not in (".csv", ".xlsx", ".xls", ".txt"):
        raise InputError(f"{p}: expected a .csv or .xlsx file, or a folder of Quiroz walking CSVs")
    ds = read_bytes(p.read_bytes(), p.name)
    ds.source = str(p)
    return ds


# --- synthetic demo ------------------------------------------------------------------------------------------------

#: demo states: (main movement frequency Hz, amplitude m/s^2, jerkiness = share of broadband noise)
_DEMO_STATES = {
    "calm": (0.8, 0.25, 0.05),
    "frustrated": (2.6, 1.1, 0.45),
    "happy": (1.9, 0.8, 0.2),
    "sad": (0.6, 0.2, 0.1),
}


def demo() -> Dataset:
    """Synthetic raw recordings: 3 people x 4 states x 45 s at 25 Hz (9 min), gravity on z, states differing in
    movement frequency, amplitude and jerkiness so that window features separate them partly."""
    rng = np.random.default_rng(7)
    rate, seconds = 25.0, 45.0
    t = np.arange(int(rate * seconds)) / rate
    parts = []
    for person in ("p1", "p2", "p3"):
        gain = rng.uniform(0.7, 1.3)
        for state, (freq, amp, jerk) in _DEMO_STATES.items():
            f = freq * rng.uniform(0.85, 1.15) * (1 + 0.05 * np.sin(2 * np.pi * t / 20))
            phase = 2 * np.pi * np.cumsum(f) / rate
            motion = gain * amp * np.sin(phase)
            x = motion + jerk * gain * rng.normal(size=t.size) + 0.1 * rng.normal(size=t.size)
            y = 0.6 * motion * np.cos(phase / 2) + jerk * rng.normal(size=t.size) + 0.1 * rng.normal(size=t.size)
            z = 9.81 + 0.4 * motion + 0.5 * jerk * rng.normal(size=t.size) + 0.05 * rng.normal(size=t.size)
            parts.append((state, person, pd.DataFrame({"t": t, "x": x, "y": y, "z": z})))
    ds = _raw_dataset(parts, rate, "demo-accel", False)
    ds.source, ds.synthetic = "", True
    ds.meta["gravity"] = "included on z (9.81 m/s^2); use remove_gravity for magnitudes"
    return ds
