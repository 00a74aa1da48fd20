"""What an accelerometer data set holds: recordings or windows per state, participants, rate, durations, features."""

from __future__ import annotations

from typing import Any

import numpy as np

from emodash.core.dataset import Dataset, basics


def describe(ds: Dataset) -> dict[str, Any]:
    """Counts per state, participants/sessions, sample rate, seconds per state (raw) and a per-feature summary."""
    out: dict[str, Any] = {
        **basics(ds),
        "kind": ds.meta.get("kind"),
        "sample_rate_hz": ds.meta.get("sample_rate"),
    }
    for col in ("participant", "session", "condition"):
        if col in ds.groups:
            out[f"n_{col}s"] = int(ds.groups[col].nunique())
    if ds.meta.get("kind") == "raw":
        rate = float(ds.meta.get("sample_rate") or 50.0)
        seconds = np.array([len(r) / rate for r in ds.samples])
        out |= {
            "n_recordings": len(ds),
            "n_samples": int(sum(len(r) for r in ds.samples)),
            "seconds_per_state": {s: round(float(seconds[ds.labels == s].sum()), 1) for s in ds.label_set.names},
            "columns": [str(c) for c in ds.samples[0].columns] if len(ds) else [],
        }
    else:
        X = ds.table
        out |= {
            "n_windows": len(ds),
            "n_incomplete": int(X.isna().any(axis=1).sum()),
            "incomplete": ds.meta.get("incomplete", []),
            "features": {
                c: {k: float(v) for k, v in X[c].describe()[["mean", "std", "min", "50%", "max"]].items()}
                for c in X.columns
            },
        }
    for key in ("mapping_note", "sample_rate_note", "window_s", "overlap"):
        if key in ds.meta:
            out[key] = ds.meta[key]
    return out
