"""Exploratory statistics of data sets, one module per modality, each with `describe(ds) -> dict` (JSON-ready)."""

from __future__ import annotations

import importlib

from emodash.datasets.base import Dataset


def describe(ds: Dataset) -> dict:
    """The statistics the Datasets page shows, for any modality (`emodash data describe` prints them)."""
    return importlib.import_module(f"emodash.eda.{ds.modality}").describe(ds)


def basics(ds: Dataset) -> dict:
    """What every description starts with: name, modality, size, classes, groups, synthetic or not."""
    return {
        "name": ds.name,
        "modality": ds.modality,
        "synthetic": ds.synthetic,
        "n_samples": len(ds),
        "label_set": ds.label_set.name,
        "class_counts": {k: int(v) for k, v in ds.class_counts().items()},
        "groups": {c: int(ds.groups[c].nunique()) for c in ds.groups.columns},
        "source": ds.meta.get("path", "generated" if ds.synthetic else ""),
    }
