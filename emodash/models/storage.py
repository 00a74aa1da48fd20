"""Safe model storage: parameters as JSON plus numeric arrays as .npz, loaded with `allow_pickle=False`.

Nothing here ever unpickles, so a model folder cannot run code when it is opened.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from emodash.settings import MODELS_DIR

SPEC_FILE, ARRAYS_FILE, METRICS_FILE, CARD_FILE = "model.json", "weights.npz", "metrics.json", "MODEL_CARD.md"


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


def model_folder(model_id: str) -> Path:
    return MODELS_DIR / model_id


def read_metrics(model_id: str) -> dict[str, Any]:
    """The measured scores of a shipped model (its metrics.json), or {} if it has none yet."""
    path = model_folder(model_id) / METRICS_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def write_metrics(model_id: str, metrics: dict[str, Any]) -> Path:
    path = model_folder(model_id) / METRICS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(metrics, indent=1) + "\n", encoding="utf-8")
    return path
