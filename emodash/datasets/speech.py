"""Speech data sets: RAVDESS, whose file names encode emotion, intensity, statement and actor."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from emodash.datasets.base import Dataset
from emodash.errors import InputError
from emodash.taxonomy import RAVDESS

AUDIO_SUFFIXES = {".wav", ".flac"}
_NAME = re.compile(r"^(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)$")


def parse_ravdess_name(name: str) -> dict[str, object]:
    """Fields of a RAVDESS file stem such as '03-01-06-02-01-02-05' (an `InputError` names a malformed one)."""
    m = _NAME.match(Path(name).stem)
    if not m:
        raise InputError(
            f"{name}: not a RAVDESS file name (modality-channel-emotion-intensity-statement-"
            "repetition-actor, e.g. 03-01-06-02-01-02-05.wav)"
        )
    modality, channel, emotion, intensity, statement, repetition, actor = map(int, m.groups())
    if not 1 <= emotion <= 8 or intensity not in (1, 2) or statement not in (1, 2):
        raise InputError(
            f"{name}: emotion {emotion:02d}, intensity {intensity:02d} or statement {statement:02d} "
            "is out of RAVDESS's range"
        )
    return {
        "modality": modality,
        "channel": "speech" if channel == 1 else "song",
        "emotion": RAVDESS.names[emotion - 1],
        "intensity": "normal" if intensity == 1 else "strong",
        "statement": statement,
        "repetition": repetition,
        "actor": actor,
        "gender": "male" if actor % 2 else "female",
    }


def read_ravdess(root: str | Path) -> Dataset:
    """Every RAVDESS audio file (wav or flac, any sample rate) under `root`; samples are paths, decoded on demand.

    Groups hold actor, gender, intensity, statement and repetition, so splits can be grouped by actor.
    """
    r = Path(root)
    if not r.is_dir():
        raise InputError(f"{r}: no such folder")
    files = sorted(p for p in r.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES)
    if not files:
        raise InputError(f"{r}: no .wav or .flac files")
    rows = [parse_ravdess_name(p.name) for p in files]
    groups = pd.DataFrame(rows).drop(columns=["emotion", "modality"])
    return Dataset(
        r.name,
        "speech",
        files,
        np.array([row["emotion"] for row in rows], dtype=object),
        RAVDESS,
        groups=groups,
        meta={"path": str(r), "sample_rate": "any (decoded to 16 kHz mono)"},
    )
