"""EMG statistics: windows per class and recording, and per-channel amplitude by emotion."""

from __future__ import annotations

import numpy as np

from emodash.core.dataset import Dataset, basics
from emodash.modalities.emg.features import as_windows


def describe(ds: Dataset) -> dict:
    """Basics plus window shape, channels, and per channel the mean, sd and peak-to-peak range overall and per label."""
    w = as_windows(ds.samples)
    channels = ds.meta.get("channels") or [f"ch{i + 1}" for i in range(w.shape[2])]
    per_label = {}
    for lab in ds.label_set.names:
        sel = w[ds.labels == lab]
        if len(sel):
            per_label[lab] = {c: round(float(sel[..., i].mean()), 3) for i, c in enumerate(channels)}
    return {
        **basics(ds),
        "window": int(w.shape[1]),
        "channels": list(channels),
        "recordings": int(ds.groups["recording"].nunique()) if "recording" in ds.groups else None,
        "channel_stats": {
            c: {
                "mean": round(float(w[..., i].mean()), 3),
                "sd": round(float(w[..., i].std()), 3),
                "min": round(float(w[..., i].min()), 3),
                "max": round(float(w[..., i].max()), 3),
                "mean_peak_to_peak": round(float(np.ptp(w[..., i], axis=1).mean()), 3),
            }
            for i, c in enumerate(channels)
        },
        "channel_mean_by_label": per_label,
    }
