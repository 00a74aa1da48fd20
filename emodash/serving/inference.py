"""One input in, the JSON answer out: the shape `emodash predict --json` prints and the API returns, made in one
place so that the two always agree."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI's parser imports this module: nothing heavy at import time
    import numpy as np

    from emodash.core.scores import Scores


def faces_in(frame: np.ndarray, model, aligned: bool) -> list[Scores]:
    """Every face of a BGR frame with its box (`model` a face pipeline), or the whole frame as one aligned face crop
    (`model` a face classifier)."""
    if aligned:
        h, w = frame.shape[:2]
        return [replace(model.predict(frame), box=(0, 0, w, h))]
    return list(model.analyze(frame))


def faces_json(name: str, faces: list[Scores]) -> dict:
    """{"input": name, "faces": [{"box", "label", "scores"}, ...]}."""
    return {"input": name, "faces": [s.to_json() for s in faces]}


def scores_json(name: str, scores: Scores) -> dict:
    """{"input": name, "label", "scores"} for a text or an utterance."""
    return {"input": name, **scores.to_json()}
