"""The FACS tables the catalogue ships (`facs.json`, written for emodash, its source stated inside): action units
with their muscles, and the Ekman-Friesen emotion prototypes as combinations of them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FACS_FILE = Path(__file__).with_name("facs.json")


@dataclass(frozen=True)
class Facs:
    source: str
    units: tuple[tuple[int, str, str], ...]  # (number, name, muscles)
    prototypes: tuple[tuple[str, str | None, tuple[tuple[int, str], ...]], ...]  # (name, canonical, ((au, note),))


@lru_cache(maxsize=1)
def load() -> Facs:
    """The shipped FACS tables."""
    raw = json.loads(FACS_FILE.read_text(encoding="utf-8"))
    return Facs(
        raw["source"],
        tuple((int(n), name, muscles) for n, name, muscles in raw["units"]),
        tuple((name, emo, tuple((int(au), note) for au, note in aus)) for name, emo, aus in raw["prototypes"]),
    )
