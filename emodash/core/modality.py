"""The `Modality` descriptor: everything pages, commands, EDA, fusion and the comparison need to know about one kind
of data, in one entry (`emodash.modalities.MODALITIES`). Code is named by lazy "module:attr" strings, so reading the
descriptors imports nothing heavy.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emodash.core import settings

if TYPE_CHECKING:
    from emodash.core.taxonomy import LabelSet

CARD_FILE, METRICS_FILE = "MODEL_CARD.md", "metrics.json"


def resolve(ref: str) -> Any:
    """The object a "module:attr" string names (imported on first use)."""
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


@dataclass(frozen=True)
class DatasetInfo:
    """One registered data set: where it lives under the data root (None for generated demo data), how to read it,
    and why models must never be trained or tuned on it when it is a test split (`held_out`)."""

    name: str
    modality: str
    title: str
    loader: str
    path: str | None = None
    note: str = ""
    held_out: str = ""

    @property
    def synthetic(self) -> bool:
        return self.path is None

    def location(self, root: Path | None = None) -> Path | None:
        return None if self.path is None else (root or settings.data_root()) / self.path

    def available(self, root: Path | None = None) -> bool:
        where = self.location(root)
        return where is None or where.exists()


@dataclass(frozen=True)
class ModelInfo:
    """A shipped model that can serve a modality: its id (= its folder under emodash/assets/models), label set, a
    one-line description and the "module:attr" of a factory that builds its predictor. `batch` is False for a model
    too slow for the batch paths (`emodash analyze`), which then take the next registered model."""

    model_id: str
    modality: str
    label_set_name: str
    description: str
    loader: str
    batch: bool = True

    @property
    def label_set(self) -> LabelSet:
        from emodash.core.taxonomy import get_label_set

        return get_label_set(self.label_set_name)

    @property
    def folder(self) -> Path:
        return settings.MODELS_DIR / self.model_id

    @property
    def card(self) -> Path:
        return self.folder / CARD_FILE

    def metrics(self) -> dict:
        """Measured scores from the model's metrics.json ({} before the measuring command has run)."""
        path = self.folder / METRICS_FILE
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    def headline(self) -> dict | None:
        """Accuracy and macro-F1 on held-out data (test, else grouped CV, else validation) and the split's
        description; None before the model has been measured."""
        m = self.metrics()
        for kind in ("test", "cv", "val"):
            if f"{kind}_accuracy" in m:
                return {"accuracy": m[f"{kind}_accuracy"], "macro_f1": m[f"{kind}_macro_f1"], "split": m["split"]}
        return None

    def load(self) -> Any:
        """A new predictor instance (callers cache it)."""
        return resolve(self.loader)(self)


@dataclass(frozen=True)
class Modality:
    """One kind of data. `reader(path) -> Dataset` reads every published format, `demo() -> Dataset` generates
    labelled synthetic data, `describe(ds) -> dict` gives its EDA statistics, `task(ds) -> Task` prepares it for the
    model comparison ("" when it has none), `section(ds) -> dict` draws it on the Datasets page ("" when it has a
    page of its own, `page`). `noun` names it in a sentence (fusion's flags); `live`, `formats` and `research` fill
    the Home page's table. `upload` describes a single file its reader takes (offered where a page takes one file);
    `subsample` is the comparison's default stratified subsample where per-sample features are slow (0: none);
    `max_file_mb` bounds a single file a user opens (read whole, it takes several times its size in memory)."""

    name: str
    title: str
    noun: str
    reader: str
    demo: str
    describe: str
    live: str = ""
    formats: str = ""
    research: str = ""
    task: str = ""
    section: str = ""
    page: str = ""
    upload: str = ""
    upload_types: tuple[str, ...] = ()  # file types an upload may have beyond the tables and archives every kind takes
    subsample: int = 0
    max_file_mb: int = 320
    datasets: tuple[DatasetInfo, ...] = ()
    models: tuple[ModelInfo, ...] = ()

    def call(self, field: str, *args: Any) -> Any:
        """Call the function a field names, e.g. `m.call("reader", path)`."""
        ref = getattr(self, field)
        if not ref:
            raise ValueError(f"{self.title} has no {field}")
        return resolve(ref)(*args)
