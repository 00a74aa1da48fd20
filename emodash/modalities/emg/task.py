"""The EMG comparison task: smoothed windows for classical models and the 1-D CNN; the seed's split beside."""

from __future__ import annotations

import numpy as np

from emodash.core.dataset import Dataset
from emodash.research import reproductions
from emodash.research.tasks import Task, fingerprint
from emodash.research.zoo import SIGNAL, VECTOR


def emg_task(ds: Dataset) -> Task:
    """Smoothed (sigma 5), flattened windows, min-max scaled on the training fold; CNN 1-D on smoothed windows
    standardised per channel.
    Default split: temporal blocks within each recording. The seed's split is shown when the data is the seed's."""
    from sklearn.model_selection import train_test_split

    from emodash.modalities.emg.features import ChannelStandardizer, EMGSmoother, GlobalMinMaxScaler, as_windows

    windows = as_windows(ds.samples)
    published, reproduction = None, None
    if ds.format == "seed" and not ds.synthetic:
        published = tuple(train_test_split(np.arange(len(ds)), **reproductions.EMG_SEED_SPLIT))
        reproduction = lambda: reproductions.reproduce(ds)  # noqa: E731
    return Task(
        name=ds.name,
        title=f"{ds.name}: {len(ds)} EMG windows of {windows.shape[1]} x {windows.shape[2]}",
        modality="emg",
        y=ds.labels,
        groups=ds.groups,
        fingerprint=fingerprint(windows, ds.labels),
        inputs={VECTOR: lambda: windows, SIGNAL: lambda: windows},
        steps={
            VECTOR: lambda: [("smooth", EMGSmoother(5.0, flatten=True)), ("scale", GlobalMinMaxScaler())],
            SIGNAL: lambda: [("smooth", EMGSmoother(5.0, flatten=False)), ("scale", ChannelStandardizer())],
        },
        synthetic=ds.synthetic,
        labels=ds.label_set.names,
        published=published,
        reproduction=reproduction,
        reproduction_note=reproductions.NOTE,
        published_note="the seed's random window split (train_test_split test_size=0.2, random_state=100); "
        "neighbouring windows of one recording fall on both sides",
        note="Gaussian smoothing sigma 5 per channel, flatten, min-max scaling fit on the training windows "
        "(CNN: smoothed windows standardised per channel)",
    )
