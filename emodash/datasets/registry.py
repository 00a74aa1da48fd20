"""The data sets emodash knows: real ones under the data root (`EMODASH_DATA`) and embedded synthetic demos.

Every entry names its loader as "module:function"; real loaders take the path under the data root, demo loaders
take nothing. `open_path` reads a user's own file or folder with the reader of its modality.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from emodash import settings
from emodash.datasets.base import Dataset
from emodash.errors import InputError

#: modality -> module whose `read(path)` reads every published format of that kind
READERS = {
    "face": "emodash.datasets.faces",
    "speech": "emodash.datasets.speech",
    "text": "emodash.datasets.text",
    "accel": "emodash.datasets.accel",
    "emg": "emodash.datasets.emg",
    "pose": "emodash.datasets.pose",
    "survey": "emodash.datasets.survey",
}


@dataclass(frozen=True)
class DatasetInfo:
    """One registered data set: where it lives (None for demo data) and how to read it."""

    name: str
    modality: str
    title: str
    loader: str
    path: str | None = None
    note: str = ""
    held_out: str = ""  # why models must never be trained or tuned on it (a test split), else empty

    @property
    def synthetic(self) -> bool:
        return self.path is None

    def location(self, root: Path | None = None) -> Path | None:
        return None if self.path is None else (root or settings.data_root()) / self.path

    def available(self, root: Path | None = None) -> bool:
        where = self.location(root)
        return where is None or where.exists()


_PUBLIC_TEST = "FER-2013 PublicTest is a test split, kept for measuring models: train and compare on fer2013-train"

REGISTRY: tuple[DatasetInfo, ...] = (
    DatasetInfo("fer2013-train", "face", "FER-2013 Training", "emodash.datasets.faces:read_image_folders",
                "fer2013/train", "28,709 48x48 grey faces, Kaggle folder layout"),
    DatasetInfo("fer2013-test", "face", "FER-2013 PublicTest", "emodash.datasets.faces:read_image_folders",
                "fer2013/test", "3,589 faces; test split, never train on it", _PUBLIC_TEST),
    DatasetInfo("fer2013-csv", "face", "FER-2013 CSV sample", "emodash.datasets.faces:read_fer_csv",
                "fer2013/fer2013_publictest_sample.csv", "280 PublicTest faces in the original CSV format",
                _PUBLIC_TEST),
    DatasetInfo("ravdess", "speech", "RAVDESS speech, actors 01-20", "emodash.datasets.speech:read_ravdess",
                "ravdess_16k", "1,200 utterances, 16 kHz FLAC"),
    DatasetInfo("ravdess-wav", "speech", "RAVDESS original WAV sample", "emodash.datasets.speech:read_ravdess",
                "ravdess_wav_sample", "3 original 48 kHz WAV files, one stereo"),
    DatasetInfo("dairai-train", "text", "dair-ai emotion, train", "emodash.datasets.text:read_semicolon_text",
                "text_dairai/train.txt", "16,000 English texts"),
    DatasetInfo("dairai-val", "text", "dair-ai emotion, validation", "emodash.datasets.text:read_semicolon_text",
                "text_dairai/val.txt", "2,000 English texts"),
    DatasetInfo("phone-accel", "accel", "Phone accelerometer while typing (features)",
                "emodash.datasets.accel:read_wolfeiq", "accel_wolfeiq/accel_feature_all_axes_new.xlsx",
                "one person, 5 states, 3,150 windows after the seed's pivot"),
    DatasetInfo("quiroz", "accel", "Smart-watch accelerometer while walking", "emodash.datasets.accel:read_quiroz",
                "accel_quiroz/walking_data", "12 participants, raw ~25 Hz, 3 induced emotions"),
    DatasetInfo("emg", "emg", "Facial EMG, 3 channels", "emodash.datasets.emg:read_emg_seed",
                "emg_puldavid87/emg_data.csv", "300 windows of 100 samples, 6 emotions"),
    DatasetInfo("everyday", "survey", "Emotions in everyday life (OSF)", "emodash.datasets.survey:read_survey",
                "everyday_emotions", "Trampe, Quoidbach & Taquet 2015; not shipped here, place the OSF CSV there"),
    DatasetInfo("demo-faces", "face", "Demo faces", "emodash.datasets.faces:demo"),
    DatasetInfo("demo-speech", "speech", "Demo speech", "emodash.datasets.speech:demo"),
    DatasetInfo("demo-text", "text", "Demo texts", "emodash.datasets.text:demo"),
    DatasetInfo("demo-accel", "accel", "Demo accelerometer recordings", "emodash.datasets.accel:demo"),
    DatasetInfo("demo-emg", "emg", "Demo facial EMG", "emodash.datasets.emg:demo"),
    DatasetInfo("demo-pose", "pose", "Demo body-pose sequences", "emodash.datasets.pose:demo"),
    DatasetInfo("demo-survey", "survey", "Demo everyday-emotions survey", "emodash.datasets.survey:demo"),
)  # fmt: skip


def list_datasets(modality: str | None = None) -> list[DatasetInfo]:
    """Registered data sets, optionally of one modality."""
    return [d for d in REGISTRY if modality is None or d.modality == modality]


def get(name: str) -> DatasetInfo:
    for d in REGISTRY:
        if d.name == name:
            return d
    raise InputError(f"no data set named {name!r}; known: {', '.join(d.name for d in REGISTRY)}")


def _call(dotted: str, *args: object) -> Dataset:
    module, func = dotted.split(":")
    return getattr(importlib.import_module(module), func)(*args)


@lru_cache(maxsize=16)
def _load(name: str, root: Path) -> Dataset:
    info = get(name)
    if info.synthetic:
        ds = _call(info.loader)
        ds.meta["synthetic"] = True
        return ds
    where = info.location(root)
    if not where.exists():
        raise InputError(f"{info.title}: {where} not found (set EMODASH_DATA to the folder that holds {info.path})")
    ds = _call(info.loader, where)
    ds.name, ds.meta["registered"] = name, True
    return ds


def load(name: str, root: Path | None = None) -> Dataset:
    """A registered data set, read once per process (demo data is generated once)."""
    return _load(name, Path(root or settings.data_root()))


def held_out_reason(ds: Dataset, root: Path | None = None) -> str:
    """Why `ds` must not be trained or tuned on (it is, holds or lies inside a registered test split), else ""."""
    where = Path(ds.meta["path"]).resolve() if ds.meta.get("path") else None
    for info in REGISTRY:
        if not info.held_out:
            continue
        if ds.name == info.name:
            return info.held_out
        test = info.location(root)
        if where is not None and test is not None and test.exists():
            test = test.resolve()
            if where == test or where.is_relative_to(test) or test.is_relative_to(where):
                return f"{where} holds {info.title}: {info.held_out}"
    return ""


def open_path(path: str | Path, modality: str | None = None) -> Dataset:
    """A user's file or folder, read by its modality's reader; without a modality, each reader is tried in turn."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file or folder")
    kinds = [modality] if modality else list(READERS)
    errors = []
    for kind in kinds:
        if kind not in READERS:
            raise InputError(f"unknown modality {kind!r}; choose from {', '.join(READERS)}")
        try:
            return importlib.import_module(READERS[kind]).read(p)
        except InputError as exc:
            errors.append(f"{kind}: {exc}")
    if modality:
        raise InputError(errors[0].split(": ", 1)[1])
    raise InputError(f"{p}: not a data set emodash can read:\n  " + "\n  ".join(errors))
