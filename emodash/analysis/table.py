"""The tidy table `emodash analyze` writes: one row per face, person, utterance window or text, in one fixed schema
whatever the modality, so that chunks from any worker stack and a CSV and a Parquet file hold the same columns."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING

import pandas as pd

from emodash.core.taxonomy import CANONICAL

if TYPE_CHECKING:
    from emodash.core.scores import Scores

#: canonical score columns, one per emotion of the shared taxonomy
CANONICAL_COLUMNS = tuple(f"canonical_{e}" for e in CANONICAL)
#: input, where in it (frame or line/row number, seconds), what was found (modality, person and box), what the model
#: said (label, confidence, its own scores as JSON, canonical scores, valence, arousal, model id), or why it failed
COLUMNS = ("input", "item", "time_s", "modality", "person", "box_x", "box_y", "box_w", "box_h", "label",
           "confidence", "scores", *CANONICAL_COLUMNS, "valence", "arousal", "model_id", "error")  # fmt: skip
_INTS = ("item", "person", "box_x", "box_y", "box_w", "box_h")
_FLOATS = ("time_s", "confidence", *CANONICAL_COLUMNS, "valence", "arousal")
_TEXTS = ("input", "modality", "label", "scores", "model_id", "error")


def row(input: str, modality: str, *, item: int | None = None, time_s: float | None = None, **values) -> dict:
    """A row with every column, missing values as None."""
    out = dict.fromkeys(COLUMNS)
    out.update(input=input, modality=modality, item=item, time_s=time_s, **values)
    return out


def scores_row(input: str, s: Scores, *, item: int | None = None, time_s: float | None = None,
               person: int | None = None) -> dict:  # fmt: skip
    """A row for one reading: the model's own scores, canonical scores, valence and arousal, the box if any."""
    v, a = s.valence_arousal
    box = dict(zip(("box_x", "box_y", "box_w", "box_h"), map(int, s.box))) if s.box is not None else {}
    canonical = {f"canonical_{k}": round(p, 5) for k, p in s.canonical.items()}
    return row(
        input, s.modality, item=item, time_s=time_s, person=person, **box, label=s.label,
        confidence=round(s.confidence, 5), scores=json.dumps({k: round(p, 5) for k, p in s.as_dict.items()}),
        **canonical, valence=_num(v), arousal=_num(a), model_id=s.model_id,
    )  # fmt: skip


def error_row(input: str, modality: str, message: str, *, item: int | None = None,
              time_s: float | None = None) -> dict:  # fmt: skip
    return row(input, modality, item=item, time_s=time_s, error=message)


def _num(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 5)


def frame(rows: list[dict]) -> pd.DataFrame:
    """Rows as a DataFrame with the table's columns and dtypes (nullable integers, floats, strings)."""
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    for c in _INTS:
        df[c] = pd.array(df[c], dtype="Int64")
    for c in _FLOATS:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    for c in _TEXTS:
        df[c] = df[c].astype("string")
    return df


def arrow_schema():
    """The Parquet schema of the table."""
    import pyarrow as pa

    types = {c: pa.int64() for c in _INTS} | {c: pa.float64() for c in _FLOATS} | {c: pa.string() for c in _TEXTS}
    return pa.schema([(c, types[c]) for c in COLUMNS])


def summary(df: pd.DataFrame) -> pd.DataFrame:
    """Per input and modality: rows, rows where something was found (a face, a body, speech, a text), errors, the
    most frequent label, mean valence and arousal (the Analyze page's summary)."""
    ok = df["error"].isna()
    found = ok & (df["label"].notna() | df["box_x"].notna())
    g = df.assign(found=found, failed=~ok).groupby(["input", "modality"], sort=False)
    out = g.agg(rows=("modality", "size"), found=("found", "sum"), errors=("failed", "sum"),
                valence=("valence", "mean"), arousal=("arousal", "mean"))  # fmt: skip
    out["top_label"] = g["label"].agg(lambda s: s.mode().iloc[0] if s.notna().any() else pd.NA)
    return out.reset_index()


def with_timeline(df: pd.DataFrame) -> list[str]:
    """The inputs with several readings along time or lines (videos, long recordings, text files), sorted."""
    placed = df[df["time_s"].notna() | df["item"].notna()]
    counts = placed.groupby("input").apply(lambda g: g["time_s"].nunique() + g["item"].nunique(), include_groups=False)
    return sorted(counts[counts > 1].index)
