"""Text data sets: dair-ai's `text;label` lines."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from emodash.datasets.base import Dataset
from emodash.errors import InputError
from emodash.taxonomy import DAIRAI, LabelSet


def read_semicolon_text(path: str | Path, label_set: LabelSet = DAIRAI) -> Dataset:
    """Read one example per line as `<text>;<label>`, splitting on the LAST `;` (texts may contain `;`)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise InputError(f"{p}: not UTF-8 text") from None
    texts, labels, bad = [], [], []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        text, sep, label = line.rpartition(";")
        label = label.strip()
        if not sep or not text.strip() or label not in label_set.names:
            bad.append(number)
            continue
        texts.append(text.strip())
        labels.append(label)
    if bad:
        raise InputError(
            f"{p}: {len(bad)} line(s) are not `text;label` with a label in "
            f"{', '.join(label_set.names)} (first at line {bad[0]})"
        )
    if not texts:
        raise InputError(f"{p}: no examples (expected lines of `text;label`)")
    return Dataset(p.stem, "text", texts, np.array(labels, dtype=object), label_set, meta={"path": str(p)})
