"""Prediction endpoints: an uploaded image or utterance (or several utterances of one speaker), or a text, through the
shared inference layer; the same JSON as `emodash predict ... --json`. Nothing is stored: uploads are read into
memory and dropped."""

from __future__ import annotations

import threading
from typing import Annotated, Literal

import numpy as np
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool

from emodash.api.schemas import ERRORS, Error, FacesOut, ScoresOut, SpeechOut, TextIn
from emodash.core.errors import InputError
from emodash.core.scores import Scores
from emodash.serving import inference, registry

router = APIRouter(prefix="/predict", tags=["predict"], responses={**ERRORS, 413: {"model": Error}})
#: The largest upload a prediction takes (images and audio); the app refuses larger bodies before reading them.
MAX_UPLOAD = 20 * 2**20
_lock = threading.Lock()


def model(request: Request, key: str, load):
    """A model loaded once per app (the first request that needs it loads it)."""
    models = request.app.state.models
    if key not in models:
        with _lock:
            if key not in models:
                models[key] = load()
    return models[key]


async def _read(upload: UploadFile) -> tuple[bytes, str]:
    data = await upload.read(MAX_UPLOAD + 1)
    name = upload.filename or "upload"
    if len(data) > MAX_UPLOAD:
        raise InputError(f"{name}: the upload is larger than {MAX_UPLOAD >> 20} MB")
    return data, name


@router.post("/face", response_model=FacesOut)
async def face(
    request: Request,
    file: Annotated[UploadFile, File(description="an image: JPEG, PNG, BMP, WebP, TIFF")],
    aligned: Annotated[bool, Query(description="the image is already one face crop (as in FER-2013)")] = False,
    detector: Literal["mediapipe", "haar"] | None = None,
) -> dict:
    """Every face of the image with its box and scores (or the whole image as one face with `aligned`)."""
    from emodash.io.images import decode_image

    data, name = await _read(file)
    frame = await run_in_threadpool(decode_image, data, name)
    if aligned:
        m = await run_in_threadpool(model, request, "face", lambda: registry.load_predictor("face"))
    else:
        load = lambda: registry.load_face_pipeline(detector)  # noqa: E731
        m = await run_in_threadpool(model, request, f"face-pipeline-{detector}", load)
    faces = await run_in_threadpool(inference.faces_in, frame, m, aligned)
    return inference.faces_json(name, faces)


@router.post("/text", response_model=ScoresOut)
def text(request: Request, body: TextIn) -> dict:
    """The text's scores over the text model's labels."""
    from emodash.modalities.text.model import check_text

    m = model(request, "text", lambda: registry.load_predictor("text"))
    return inference.scores_json(body.text, m.predict(check_text(body.text)))


@router.post("/speech", response_model=SpeechOut, response_model_exclude_unset=True)
async def speech(
    request: Request,
    file: Annotated[UploadFile, File(description="WAV, FLAC, OGG or MP3")],
    transcribe: Annotated[
        bool, Query(description="also what is said (offline English) and the words' emotion")
    ] = False,
) -> dict:
    """One utterance's scores over the speech model's labels; with `transcribe`, its transcript and the emotion of
    its words (the text model)."""
    from emodash.io.audio import check_speech, decode_audio

    data, name = await _read(file)

    def score() -> dict:
        m = model(request, "speech", lambda: registry.load_predictor("speech"))
        signal = check_speech(decode_audio(data, name), name)
        return _speech_json(request, name, signal, m.predict(signal), transcribe)

    return await run_in_threadpool(score)


@router.post("/speech/speaker", response_model=list[SpeechOut], response_model_exclude_unset=True)
async def speech_speaker(
    request: Request,
    files: Annotated[list[UploadFile], File(description="utterances of one speaker: WAV, FLAC, OGG or MP3")],
    speaker: Annotated[str, Form(min_length=1, max_length=200, description="who speaks in every file")],
    transcribe: Annotated[
        bool, Query(description="also what is said (offline English) and the words' emotion")
    ] = False,
) -> list[dict]:
    """Several utterances of one speaker, scored together: normalised with the speaker's own statistics for the
    speaker-adaptive model (model_id '+speaker'); too few files are scored one at a time by the speaker-independent
    model, with a note. One object per file, in order, as `emodash predict speech --speaker ID --json` prints; an
    unreadable file fails the whole request, naming it."""
    from emodash.io.audio import check_speech, decode_audio

    uploads = [await _read(f) for f in files]

    def score() -> list[dict]:
        m = model(request, "speech", lambda: registry.load_predictor("speech"))
        signals = [check_speech(decode_audio(data, name), name) for data, name in uploads]
        tones, note = inference.speaker_tones(m, signals, speaker)
        return [
            _speech_json(request, name, signal, tone, transcribe, speaker, note)
            for (_, name), signal, tone in zip(uploads, signals, tones)
        ]

    return await run_in_threadpool(score)


def _speech_json(
    request: Request,
    name: str,
    signal: np.ndarray,
    tone: Scores,
    transcribe: bool,
    speaker: str | None = None,
    note: str | None = None,
) -> dict:
    """The JSON of one scored utterance, transcribed (and its words scored) with `transcribe`."""
    if not transcribe:
        return inference.speech_json(name, tone, speaker=speaker, note=note)
    transcript = model(request, "transcriber", registry.load_transcriber).transcribe(signal)
    words = inference.spoken_words(transcript.text, model(request, "text", lambda: registry.load_predictor("text")))
    return inference.speech_json(name, tone, transcript, words, speaker, note)
