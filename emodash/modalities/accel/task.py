"""The accelerometer comparison task: window features for classical models, raw x/y/z windows for the 1-D CNN;
the seed's random split beside where the data is the seed's file."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
from sklearn.preprocessing import StandardScaler

from emodash.core.dataset import Dataset
from emodash.research.tasks import Task, fingerprint
from emodash.research.zoo import SIGNAL, VECTOR


def accel_task(ds: Dataset) -> Task:
    """Window features (a missing value imputed with the training median, then standardised on the training fold)
    for classical models; for raw recordings the 1-D CNN sees the x/y/z windows themselves, standardised per axis.
    Default split: grouped by participant where there are several, else temporal blocks within each recording (one
    recording per state: a random split would test on windows overlapping training ones)."""
    from sklearn.impute import SimpleImputer

    from emodash.modalities.accel.features import window_table, xyz
    from emodash.modalities.accel.formats import SEED_FORMAT
    from emodash.modalities.accel.studio import random_split
    from emodash.modalities.emg.features import ChannelStandardizer

    windows = window_table(ds)
    X = windows.table.to_numpy(dtype=float)
    groups = windows.groups
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
    published = None
    if ds.format == SEED_FORMAT and not ds.synthetic:
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
        synthetic=ds.synthetic,
        labels=ds.label_set.names,
        gap=max(1, int(windows.meta.get("gap_windows", 1))),
        published=published,
        published_note="the seed's random window split (train_test_split test_size=0.2, random_state=42); "
        "neighbouring, overlapping windows of one recording fall on both sides",
        note=f"{X.shape[1]} window features (" + ("the seed's file" if ds.meta.get("kind") == "features" else
             f"{windows.meta['window_s']:g} s windows, {windows.meta['overlap']:.0%} overlap") + ")",
    )  # fmt: skip
