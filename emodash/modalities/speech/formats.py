"""Speech data sets: RAVDESS (file names encode emotion, intensity, statement and actor), any folder of audio with a
labels CSV, and synthetic demo utterances."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from emodash.core.dataset import Dataset
from emodash.core.errors import InputError
from emodash.core.taxonomy import RAVDESS, label_set_for
from emodash.io import tables

AUDIO_SUFFIXES = {".wav", ".flac", ".ogg", ".mp3"}
LABEL_COLUMNS = ("file", "label")
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
        raise InputError(f"{r}: no audio files ({', '.join(sorted(AUDIO_SUFFIXES))})")
    rows = [parse_ravdess_name(p.name) for p in files]
    groups = pd.DataFrame(rows).drop(columns=["emotion", "modality"])
    return Dataset(
        r.name,
        "speech",
        files,
        np.array([row["emotion"] for row in rows], dtype=object),
        RAVDESS,
        groups=groups,
        meta={"sample_rate": "any (decoded to 16 kHz mono)"},
        source=str(r),
        format="RAVDESS file names",
    )


def audio_at(ds: Dataset, i: int) -> np.ndarray:
    """Sample `i` as mono float32 at 16 kHz, whether the data set holds file paths or decoded signals."""
    from emodash.io.audio import read_audio

    sample = ds.samples[i]
    return sample if isinstance(sample, np.ndarray) else read_audio(sample)


def read_labelled_folder(csv_path: str | Path) -> Dataset:
    """Audio files listed in a CSV with columns `file` (relative to the CSV's folder) and `label`; any other column
    (speaker, session, ...) becomes a group for honest splits."""
    p = Path(csv_path)
    table = tables.read_csv(p, str(p), f"columns {','.join(LABEL_COLUMNS)}", dtype=str, keep_default_na=False)
    table.columns = [str(c).strip().lower() for c in table.columns]
    missing = [c for c in LABEL_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(
            f"{p}: missing column(s) {missing}; expected {', '.join(LABEL_COLUMNS)} (+ optional speaker, ...); "
            f"found {', '.join(table.columns[:6])}"
        )
    if table.empty:
        raise InputError(f"{p}: no rows")
    folder = p.parent.resolve()
    files = [(folder / f).resolve() for f in table["file"]]
    outside = [i for i, f in enumerate(files) if not f.is_relative_to(folder)]
    if outside:  # an absolute path or `..`: refused without saying anything about what lies there
        raise InputError(f"{p}: row {outside[0] + 2}: audio files must lie in the CSV's folder or below it")
    absent = [table["file"].iloc[i] for i, f in enumerate(files) if not f.is_file()]
    if absent:
        raise InputError(f"{p}: {len(absent)} listed file(s) do not exist, e.g. {absent[0]}")
    odd = [str(f) for f in files if f.suffix.lower() not in AUDIO_SUFFIXES]
    if odd:
        raise InputError(f"{p}: {odd[0]} is not audio ({', '.join(sorted(AUDIO_SUFFIXES))})")
    if (table["label"].str.strip() == "").any():
        raise InputError(f"{p}: row {int(np.flatnonzero(table['label'].str.strip() == '')[0]) + 2} has no label")
    labels = table["label"].str.strip().to_numpy(dtype=object)
    return Dataset(
        p.parent.name,
        "speech",
        files,
        labels,
        label_set_for(labels, f"{p.parent.name}-labels", prefer=(RAVDESS,)),
        groups=table.drop(columns=list(LABEL_COLUMNS)).reset_index(drop=True),
        source=str(p),
        format="audio files + labels CSV",
    )


def read(path: str | Path) -> Dataset:
    """A speech data set: a folder of RAVDESS-named files, a folder holding `labels.csv`, or such a CSV itself."""
    p = Path(path)
    if p.is_file() and p.suffix.lower() == ".csv":
        return read_labelled_folder(p)
    if p.is_dir() and (p / "labels.csv").is_file():
        return read_labelled_folder(p / "labels.csv")
    if p.is_dir():
        return read_ravdess(p)
    raise InputError(
        f"{p}: expected a folder of RAVDESS-named audio files, or audio files with a labels.csv (file,label)"
    )


# Demo voices: (pitch Hz, pitch range in semitones, syllables/s, loudness, breathiness) per RAVDESS emotion,
# after the acoustic profiles of Juslin & Laukka (2003): high arousal = higher, wider, faster and louder.
_PROSODY = {
    "neutral": (1.00, 2.0, 4.0, 0.50, 0.05),
    "calm": (0.95, 1.5, 3.2, 0.35, 0.10),
    "happy": (1.25, 6.0, 4.8, 0.75, 0.05),
    "sad": (0.90, 1.0, 2.8, 0.30, 0.20),
    "angry": (1.20, 5.0, 5.2, 0.95, 0.02),
    "fearful": (1.35, 4.0, 5.5, 0.55, 0.15),
    "disgust": (0.92, 3.0, 3.0, 0.55, 0.12),
    "surprised": (1.40, 8.0, 4.5, 0.70, 0.05),
}


def _utterance(emotion: str, base_hz: float, rng: np.random.Generator, seconds: float = 2.0) -> np.ndarray:
    from emodash.io.audio import SAMPLE_RATE

    pitch, span, rate, loud, breath = np.array(_PROSODY[emotion]) * rng.normal(1, 0.05, 5)
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    contour = base_hz * pitch * 2 ** (span / 12 * np.sin(2 * np.pi * t / seconds * rng.uniform(0.7, 1.5)))
    phase = 2 * np.pi * np.cumsum(contour) / SAMPLE_RATE
    voice = sum(np.sin(k * phase) / k for k in range(1, 12))  # a buzzy source, like glottal pulses
    syllables = np.clip(np.sin(np.pi * rate * t + rng.uniform(0, np.pi)), 0, None) ** 1.5
    edge = np.minimum(1, np.minimum(t, seconds - t) / 0.15)  # silence-ish onset and offset
    signal = loud * syllables * edge * (voice / 3 + breath * rng.normal(0, 1, t.size))
    return (0.3 * signal + 0.002 * rng.normal(0, 1, t.size)).astype(np.float32)


def demo(actors: int = 4, takes: int = 2, seed: int = 0) -> Dataset:
    """Synthetic demo data: harmonic "voices" (not speech) whose pitch, pitch range, syllable rate, loudness and
    breathiness follow each RAVDESS emotion's typical profile; 2 s each at 16 kHz, groups like RAVDESS."""
    rng = np.random.default_rng(seed)
    signals, labels, rows = [], [], []
    for actor in range(1, actors + 1):
        base = 120.0 if actor % 2 else 210.0  # odd actors male, as in RAVDESS
        for emotion in RAVDESS.names:
            for take in range(1, takes + 1):
                signals.append(_utterance(emotion, base, rng))
                labels.append(emotion)
                gender = "male" if actor % 2 else "female"
                rows.append({"channel": "speech", "intensity": "normal", "statement": 1, "repetition": take,
                             "actor": actor, "gender": gender})  # fmt: skip
    return Dataset(
        "demo-speech",
        "speech",
        signals,
        np.array(labels, dtype=object),
        RAVDESS,
        groups=pd.DataFrame(rows),
        meta={"seed": seed},
        format="generated harmonic voices, 16 kHz",
        synthetic=True,
    )
