"""Facial EMG data sets: the puldavid87 seed CSV (300 windows of 100 x 3 in label order) and any multichannel CSV
with a label column, cut into windows per contiguous run of one label.

Samples are float arrays (window, channels). Groups say where each window sits in time (`window`, its index in
recording order; `recording`, one contiguous run of a label; `position`, its index within that run), so that splits
can keep time order and never put neighbouring windows on both sides.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from emodash.core.dataset import Dataset
from emodash.core.errors import InputError
from emodash.core.taxonomy import EMG
from emodash.io import tables

SEED_COLUMNS = ("EMG1", "EMG2", "EMG3")
SEED_WINDOW = 100
LABEL_COLUMN = "label"


def _groups(runs: np.ndarray) -> pd.DataFrame:
    """window (time order), recording (run index) and position within the run, for windows in recording order."""
    position = np.zeros(len(runs), dtype=int)
    for r in np.unique(runs):
        idx = np.flatnonzero(runs == r)
        position[idx] = np.arange(len(idx))
    return pd.DataFrame({"window": np.arange(len(runs)), "recording": runs, "position": position})


def read_emg_seed(path: str | Path) -> Dataset:
    """The seed's `emg_data.csv`: columns EMG1,EMG2,EMG3, 100 rows per window, windows in label order (the first
    sixth emg_0, ... the last sixth emg_5; 300 windows in the published file)."""
    p = Path(path)
    frame = tables.read_csv(p, str(p), "columns EMG1,EMG2,EMG3, or channels + label")
    if tuple(frame.columns) != SEED_COLUMNS:
        raise InputError(f"{p}: columns {list(frame.columns)}; expected exactly {', '.join(SEED_COLUMNS)}")
    values = tables.numeric(frame, list(SEED_COLUMNS), str(p))
    n_labels = len(EMG)
    if len(values) % (SEED_WINDOW * n_labels):
        raise InputError(
            f"{p}: {len(values)} rows; expected a multiple of {SEED_WINDOW * n_labels} "
            f"({n_labels} labels x windows of {SEED_WINDOW} rows)"
        )
    windows = values.reshape(-1, SEED_WINDOW, len(SEED_COLUMNS))
    per_label = len(windows) // n_labels
    runs = np.repeat(np.arange(n_labels), per_label)
    return Dataset(
        p.stem,
        "emg",
        list(windows),
        np.array(EMG.names, dtype=object)[runs],
        EMG,
        groups=_groups(runs),
        meta={"channels": list(SEED_COLUMNS), "window": SEED_WINDOW},
        source=str(p),
        format="seed",
    )


def _label_names(raw: pd.Series, path: Path) -> np.ndarray:
    names = raw.astype(str).str.strip()
    names = names.where(~names.str.fullmatch(r"\d+"), "emg_" + names)  # 0..5 -> emg_0..emg_5
    unknown = sorted(set(names) - set(EMG.names))
    if unknown:
        raise InputError(f"{path}: labels {unknown[:5]} are not {', '.join(EMG.names)} (or 0..{len(EMG) - 1})")
    return names.to_numpy(dtype=object)


def read_labelled_csv(path: str | Path, window: int = SEED_WINDOW) -> Dataset:
    """A CSV of numeric channel columns plus a `label` column (emg_0..emg_5 or 0..5), rows in time order; each
    contiguous run of one label is cut into windows of `window` rows (a run's remainder is dropped)."""
    p = Path(path)
    if window < 2:
        raise InputError(f"window must be at least 2 rows, not {window}")
    frame = tables.read_csv(p, str(p), "columns EMG1,EMG2,EMG3, or channels + label")
    if LABEL_COLUMN not in frame.columns:
        raise InputError(f"{p}: no {LABEL_COLUMN!r} column (columns: {list(frame.columns)})")
    channels = [c for c in frame.columns if c != LABEL_COLUMN]
    if not channels:
        raise InputError(f"{p}: no channel columns besides {LABEL_COLUMN!r}")
    values = tables.numeric(frame, channels, str(p))
    labels = _label_names(frame[LABEL_COLUMN], p)
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    ends = np.r_[starts[1:], len(labels)]
    samples, names, runs, dropped = [], [], [], 0
    for run, (a, b) in enumerate(zip(starts, ends)):
        n = (b - a) // window
        dropped += (b - a) - n * window
        for k in range(n):
            samples.append(values[a + k * window : a + (k + 1) * window])
            names.append(labels[a])
            runs.append(run)
    if not samples:
        raise InputError(f"{p}: no run of one label is {window} rows long; lower the window or check the labels")
    return Dataset(
        p.stem,
        "emg",
        samples,
        np.array(names, dtype=object),
        EMG,
        groups=_groups(np.array(runs)),
        meta={"channels": channels, "window": window, "rows_dropped": dropped},
        source=str(p),
        format="labelled",
    )


def read(path: str | Path) -> Dataset:
    """Any EMG CSV emodash knows: the seed layout (EMG1,EMG2,EMG3 only) or channels plus a `label` column."""
    p = Path(path)
    if p.is_dir() or p.suffix.lower() not in (".csv", ".txt"):
        raise InputError(f"{p}: not an EMG file (expected a .csv of channel columns)")
    try:
        header = p.open(encoding="utf-8").readline().strip().split(",")
    except UnicodeDecodeError:
        raise InputError(f"{p}: not a UTF-8 text CSV") from None
    if tuple(h.strip() for h in header) == SEED_COLUMNS:
        return read_emg_seed(p)
    if LABEL_COLUMN in (h.strip() for h in header):
        return read_labelled_csv(p)
    raise InputError(
        f"{p}: header {header}; expected {','.join(SEED_COLUMNS)} (the seed layout) or channel columns plus "
        f"a {LABEL_COLUMN!r} column"
    )


def demo(per_label: int = 20, window: int = SEED_WINDOW, seed: int = 0) -> Dataset:
    """Synthetic 3-channel facial EMG, laid out like the seed (one recording per emotion, windows in time order):
    noisy bursts whose amplitude on each channel depends on the emotion, with a slow drift along each recording."""
    rng = np.random.default_rng(seed)
    n_labels = len(EMG)
    gains = 0.4 + 1.6 * rng.random((n_labels, 3))  # per emotion, per channel
    t = np.arange(window)
    samples = []
    for lab in range(n_labels):
        for k in range(per_label):
            drift = 1.0 + 0.3 * k / per_label
            centre = rng.uniform(25, 75)
            envelope = np.exp(-0.5 * ((t - centre) / 12.0) ** 2)
            burst = envelope[:, None] * gains[lab] * drift * np.abs(rng.normal(1.0, 0.3, (window, 3)))
            samples.append(100.0 + 60.0 * burst + rng.normal(0, 4.0, (window, 3)))
    runs = np.repeat(np.arange(n_labels), per_label)
    return Dataset(
        "demo-emg",
        "emg",
        samples,
        np.array(EMG.names, dtype=object)[runs],
        EMG,
        groups=_groups(runs),
        meta={"channels": list(SEED_COLUMNS), "window": window},
        format="seed",
        synthetic=True,
    )
