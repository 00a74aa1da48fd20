"""Safe model storage: parameters as JSON plus numeric arrays as .npz, loaded with `allow_pickle=False`.

Nothing here ever unpickles, so a model folder cannot run code when it is opened.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from emodash.core.modality import CARD_FILE, METRICS_FILE

SPEC_FILE, ARRAYS_FILE = "model.json", "weights.npz"


def save_model(folder: str | Path, spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> Path:
    """Write `spec` (JSON-able) and `arrays` (numeric) into `folder`."""
    f = Path(folder)
    f.mkdir(parents=True, exist_ok=True)
    (f / SPEC_FILE).write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for name, a in arrays.items():
        if np.asarray(a).dtype == object:
            raise TypeError(f"array {name!r} has dtype object; store it in the JSON spec instead")
    np.savez_compressed(f / ARRAYS_FILE, **arrays)
    return f


def load_model(folder: str | Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read back what `save_model` wrote; never unpickles."""
    f = Path(folder)
    spec = json.loads((f / SPEC_FILE).read_text(encoding="utf-8"))
    with np.load(f / ARRAYS_FILE, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    return spec, arrays


def write_card(folder: str | Path, metrics: dict[str, Any], card: str) -> Path:
    """Write a model's measured scores (metrics.json, what pages and fusion read) and its model card."""
    f = Path(folder)
    f.mkdir(parents=True, exist_ok=True)
    (f / METRICS_FILE).write_text(json.dumps(metrics, indent=1) + "\n", encoding="utf-8")
    (f / CARD_FILE).write_text(card, encoding="utf-8")
    return f
