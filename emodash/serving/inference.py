"""One input in, the JSON answer out: the shape `emodash predict --json` prints and the API returns, made in one
place so that the two always agree."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI's parser imports this module: nothing heavy at import time
    import numpy as np

    from emodash.core.scores import Scores
    from emodash.modalities.speech.transcribe import Transcript


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


def spoken_words(said: str, text_model) -> Scores | None:
    """The emotion of what was said: the text model on a transcript's text (None when no word was heard)."""
    return text_model.predict(said) if said.strip() else None


def speaker_tones(model, signals: list[np.ndarray], speaker: str) -> tuple[list[Scores], str | None]:
    """One speaker's utterances scored together (`SpeechEmotionModel.predict_speaker`), and a note when they were
    too few for the speaker's statistics, so that each was scored alone by the speaker-independent model."""
    from emodash.modalities.speech.speaker import MIN_UTTERANCES

    tones = model.predict_speaker(signals)
    if not signals or len(signals) >= MIN_UTTERANCES:
        return tones, None
    return tones, (
        f"speaker {speaker!r}: {len(signals)} readable file(s), fewer than the {MIN_UTTERANCES} that speaker "
        f"normalisation needs; scored one at a time by the speaker-independent model {model.model_id}"
    )


def speech_json(
    name: str,
    tone: Scores,
    transcript: Transcript | None = None,
    words: Scores | None = None,
    speaker: str | None = None,
    note: str | None = None,
) -> dict:
    """{"input", "label", "scores", "model_id"} of the voice's tone (model_id ends in '+speaker' when the speaker's
    statistics normalised it); with a speaker also {"speaker"} and {"note"} when there was one; with a transcript
    also {"transcript": {"text", "words", "model_id"}, "words": {"label", "scores", "evidence"} or None when nothing
    was heard}."""
    out = {**scores_json(name, tone), "model_id": tone.model_id}
    if speaker is not None:
        out["speaker"] = speaker
    if note is not None:
        out["note"] = note
    if transcript is not None:
        out["transcript"] = transcript.to_json()
        out["words"] = None if words is None else {
            **words.to_json(), "evidence": [[w, round(v, 4)] for w, v in words.evidence]}  # fmt: skip
    return out
