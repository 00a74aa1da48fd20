"""The data sets emodash knows: real ones under the data root (`EMODASH_DATA`) and embedded synthetic demos, as the
modality descriptors list them.

Every entry names its loader as "module:function"; real loaders take the path under the data root, demo loaders
take nothing. `open_path` reads a user's own file or folder with the reader of its modality.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from emodash import modalities
from emodash.core import settings
from emodash.core.errors import InputError
from emodash.core.modality import DatasetInfo, resolve

if TYPE_CHECKING:
    from emodash.core.dataset import Dataset

REGISTRY: tuple[DatasetInfo, ...] = tuple(d for m in modalities.MODALITIES for d in m.datasets)


def list_datasets(modality: str | None = None) -> list[DatasetInfo]:
    """Registered data sets, optionally of one modality."""
    return [d for d in REGISTRY if modality is None or d.modality == modality]


def get(name: str) -> DatasetInfo:
    for d in REGISTRY:
        if d.name == name:
            return d
    raise InputError(f"no data set named {name!r}; known: {', '.join(d.name for d in REGISTRY)}")


@lru_cache(maxsize=16)
def _load(name: str, root: Path) -> Dataset:
    info = get(name)
    if info.synthetic:
        ds = resolve(info.loader)()
        ds.synthetic = True
        return ds
    where = info.location(root)
    if not where.exists():
        raise InputError(f"{info.title}: {where} not found (set EMODASH_DATA to the folder that holds {info.path})")
    ds = resolve(info.loader)(where)
    ds.name, ds.meta["registered"] = name, True
    return ds


def load(name: str, root: Path | None = None) -> Dataset:
    """A registered data set, read once per process (demo data is generated once)."""
    return _load(name, Path(root or settings.data_root()))


def held_out_reason(ds: Dataset, root: Path | None = None) -> str:
    """Why `ds` must not be trained or tuned on (it is, holds or lies inside a registered test split), else ""."""
    where = Path(ds.source).resolve() if ds.source and Path(ds.source).exists() else None
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
    kinds = [modalities.get(modality)] if modality else modalities.MODALITIES
    errors = []
    for kind in kinds:
        if p.is_file() and p.stat().st_size > kind.max_file_mb * 2**20:
            errors.append(f"{kind.name}: {p} is {p.stat().st_size / 2**20:,.0f} MB; {kind.title.lower()} files are "
                          f"read whole, up to {kind.max_file_mb} MB: split it or use a subset")  # fmt: skip
            continue
        try:
            return kind.call("reader", p)
        except InputError as exc:
            errors.append(f"{kind.name}: {exc}")
    if modality:
        raise InputError(errors[0].split(": ", 1)[1])
    raise InputError(f"{p}: not a data set emodash can read:\n  " + "\n  ".join(errors))
