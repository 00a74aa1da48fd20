"""Recorded sessions: the scores every modality gave during a live session, with their times, kept only when the
user opts in. A session is one JSON-lines file in one local folder (`settings.sessions_dir()`), appended as readings
come (a restart loses nothing written), never frames, audio or text: scores, labels and model ids only. Read back,
fused over time, annotated with markers, exported, deleted."""

from __future__ import annotations

import io
import json
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from emodash.core import settings, taxonomy
from emodash.core.errors import InputError
from emodash.core.scores import Scores

SUFFIX = ".jsonl"
FORMAT = "emodash-session/1"


class SessionLog:
    """One recording, fed from any thread (webcam and microphone callbacks, the page): `add(scores)` appends a
    reading. The file is created on the first reading, so a switch turned on and off at once leaves nothing."""

    def __init__(self, name: str = "", folder: Path | None = None) -> None:
        self.started = time.time()
        stamp = datetime.fromtimestamp(self.started, timezone.utc).strftime("%Y%m%d-%H%M%S")
        self.name = name.strip() or f"session {stamp}"
        self.folder = folder or settings.sessions_dir()
        self.path = self.folder / f"{stamp}-{_slug(self.name)}{SUFFIX}"
        self.readings = 0
        self._lock = threading.Lock()

    def _write(self, record: dict) -> None:
        with self._lock:
            if not self.path.exists():
                self.folder.mkdir(parents=True, exist_ok=True)
                head = {"kind": "session", "format": FORMAT, "name": self.name, "started": self.started}
                self.path.write_text(json.dumps(head) + "\n", encoding="utf-8")
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(record) + "\n")

    def add(self, scores: Scores) -> None:
        """Record one reading (a `Scores` of any modality) at the time it arrives."""
        v, a = scores.valence_arousal
        self._write({"kind": "reading", "t": round(time.time() - self.started, 3), "modality": scores.modality,
                     "model_id": scores.model_id, "label": scores.label,
                     "scores": {k: round(p, 4) for k, p in scores.as_dict.items()},
                     "canonical": {k: round(p, 4) for k, p in scores.canonical.items()},
                     "valence": round(v, 4), "arousal": round(a, 4)})  # fmt: skip
        self.readings += 1


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "session"


@dataclass(frozen=True)
class Session:
    """A recorded session read back: its readings (one row each), markers, name, start and file."""

    path: Path
    name: str
    started: float
    readings: pd.DataFrame
    markers: pd.DataFrame
    damaged_lines: int = 0

    @property
    def duration_s(self) -> float:
        return float(self.readings["t"].max()) if len(self.readings) else 0.0


def sessions(folder: Path | None = None) -> list[Path]:
    """The session files in the folder, newest first."""
    root = folder or settings.sessions_dir()
    return sorted(root.glob(f"*{SUFFIX}"), reverse=True) if root.is_dir() else []


def load(path: Path) -> Session:
    """A session file read back; lines that cannot be read (a crash mid-line) are counted and left out."""
    head, rows, marks, bad = None, [], [], 0
    with Path(path).open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                bad += 1
                continue
            kind = rec.get("kind") if isinstance(rec, dict) else None
            if kind == "session" and head is None:
                head = rec
            elif kind == "reading" and (row := _reading(rec)) is not None:
                rows.append(row)
            elif kind == "marker" and isinstance(rec.get("t"), (int, float)):
                marks.append({"t": rec["t"], "note": str(rec.get("note", ""))})
            else:
                bad += 1
    if head is None or head.get("format") != FORMAT:
        raise InputError(f"{Path(path).name} is not an emodash session file")
    columns = ["t", "modality", "model_id", "label", "valence", "arousal", "scores",
               *(f"canonical_{k}" for k in taxonomy.CANONICAL)]  # fmt: skip
    return Session(Path(path), head["name"], head["started"], pd.DataFrame(rows, columns=columns),
                   pd.DataFrame(marks, columns=["t", "note"]), bad)  # fmt: skip


def _reading(rec: dict) -> dict | None:
    """A reading line as a row, or None when it lacks what a reading has."""
    try:
        canonical = {f"canonical_{k}": float(rec["canonical"].get(k, 0.0)) for k in taxonomy.CANONICAL}
        return {"t": float(rec["t"]), "modality": str(rec["modality"]), "model_id": str(rec["model_id"]),
                "label": str(rec["label"]), "valence": float(rec["valence"]), "arousal": float(rec["arousal"]),
                "scores": json.dumps(rec["scores"]), **canonical}  # fmt: skip
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def add_marker(path: Path, t: float, note: str) -> None:
    """Append a marker (a time in s from the start and a note) to a session."""
    note = note.strip()
    if not note:
        raise InputError("a marker needs a note")
    record = {"kind": "marker", "t": round(float(t), 3), "note": note[:500]}
    if not Path(path).is_file():
        raise InputError(f"{Path(path).name}: no such session")
    with Path(path).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")


def delete(path: Path) -> None:
    """Remove one session file."""
    Path(path).unlink(missing_ok=True)


def delete_all(folder: Path | None = None) -> int:
    """Remove every session file, then the folder if nothing else is in it; returns how many were removed."""
    root = folder or settings.sessions_dir()
    found = sessions(root)
    for p in found:
        p.unlink(missing_ok=True)
    if root.is_dir() and not any(root.iterdir()):
        root.rmdir()
    return len(found)


def fused(readings: pd.DataFrame, skills: dict[str, float], bin_s: float = 1.0) -> pd.DataFrame:
    """The session fused over time: per `bin_s` bin, each modality's mean canonical scores, weighted by its measured
    skill (as the live fusion weighs them), normalised; with the fused label, valence and arousal."""
    cols = [f"canonical_{k}" for k in taxonomy.CANONICAL]
    if readings.empty:
        return pd.DataFrame(columns=["t", *cols, "label", "valence", "arousal"])
    df = readings.assign(bin=(readings["t"] // bin_s) * bin_s)
    per = df.groupby(["bin", "modality"])[cols].mean().reset_index()
    per["w"] = per["modality"].map(skills).fillna(0.0)
    per = per[per["w"] > 0]
    weighted = per[cols].mul(per["w"], axis=0).groupby(per["bin"]).sum()
    total = weighted.sum(axis=1).replace(0, np.nan)
    out = weighted.div(total, axis=0).dropna().reset_index().rename(columns={"bin": "t"})
    probs = out[cols].to_numpy()
    out["label"] = [taxonomy.CANONICAL[i] for i in probs.argmax(axis=1)]
    va = np.array([taxonomy.CANONICAL_VA[k] for k in taxonomy.CANONICAL])
    out["valence"], out["arousal"] = probs @ va[:, 0], probs @ va[:, 1]
    return out


def export(session: Session, fmt: str) -> bytes:
    """The readings (with a `marker` column holding the notes at their times) as CSV or Parquet bytes."""
    marks = session.markers.assign(modality="marker", label=session.markers["note"]).drop(columns="note")
    table = pd.concat([session.readings, marks], ignore_index=True).sort_values("t", kind="stable")
    table.insert(0, "session", session.name)
    if fmt == "csv":
        return table.to_csv(index=False).encode()
    if fmt == "parquet":
        buffer = io.BytesIO()
        table.to_parquet(buffer, index=False)
        return buffer.getvalue()
    raise InputError(f"export as csv or parquet, not {fmt!r}")
