"""One section of the Datasets page per modality (`show(ds) -> dict`, named by the modality's descriptor), and the
one cache they share: a library function's result for a data set, computed once per data set content."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import streamlit as st

from emodash.core.dataset import Dataset
from emodash.core.modality import resolve


def source_stamp(path: str) -> str:
    """A path with its size and modification time: a file changed in place is a new key. For a folder, the latest
    change of it and of the folders inside it (files added, removed or renamed in a class folder)."""
    p = Path(path)
    if not p.exists():
        return path
    stat = p.stat()
    if not p.is_dir():
        return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"
    latest = max([stat.st_mtime_ns, *(d.stat().st_mtime_ns for d in p.iterdir() if d.is_dir())])
    return f"{path}:{latest}"


def dataset_key(ds: Dataset) -> str:
    """What identifies a data set's content: name, source (with its size and modification time) and size."""
    return f"{ds.name}|{source_stamp(ds.source) if ds.source else ''}|{len(ds)}|{ds.synthetic}"


@st.cache_data(show_spinner=False, max_entries=32)
def _computed(ref: str, key: str, args: tuple, doing: str, progress: bool, _ds: Dataset) -> Any:
    fn = resolve(ref)
    if not progress:
        with st.spinner(doing):
            return fn(_ds, *args)
    bar = st.progress(0.0, doing)
    try:
        return fn(_ds, *args, progress=lambda f: bar.progress(min(1.0, f), doing))
    finally:
        bar.empty()


def computed(fn: Callable, ds: Dataset, *args: Any, doing: str, progress: bool = False) -> Any:
    """`fn(ds, *args)` once per data set content and arguments, saying what it is `doing` while it runs (with a
    progress bar when `fn` takes a `progress` callback and `progress` is set)."""
    return _computed(f"{fn.__module__}:{fn.__qualname__}", dataset_key(ds), args, doing, progress, ds)
