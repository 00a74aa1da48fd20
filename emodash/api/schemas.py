"""The API's response and request shapes (they document the OpenAPI schema and are what the fuzzing checks)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from emodash.core.scores import NEAR_TIE
from emodash.modalities.text.model import MAX_CHARS


class Error(BaseModel):
    error: str


#: Every endpoint may answer these, as `{"error": "..."}`: a bad value, and a request that does not fit the schema.
ERRORS: dict = {400: {"model": Error, "description": "a bad value"}, 422: {"model": Error, "description": "invalid"}}


class ImageOut(BaseModel):
    id: int
    source: str
    origin: str = Field(description="where the image sits in its source: a relative path or a CSV row")
    source_label: str
    emotion: str | None = Field(description="canonical emotion of the source's label (None if it has none)")
    split: str
    width: int
    height: int
    aspect: float
    format: str
    colour: Literal["grey", "rgb"]
    file_size: int
    sha256: str = Field(description="SHA-256 of the stored file")
    pixel_sha256: str = Field(description="SHA-256 of the decoded pixels: equal for pixel-identical images")
    face: list[int] | None = Field(description="x, y, width, height of the face the detector found")
    detector: str | None
    cropped: bool
    duplicates: int = Field(description="other images in the catalogue with the same pixels")
    run: int


class ImagePage(BaseModel):
    items: list[ImageOut]
    total: int
    page: int
    page_size: int
    pages: int
    next: str | None
    previous: str | None


class SourceOut(BaseModel):
    name: str
    format: str
    location: str
    label_set: str
    synthetic: bool
    images: int
    rejected: int
    labels: dict[str, str | None] = Field(description="each of the source's labels and its canonical emotion")


class SourceLabelOut(BaseModel):
    source: str
    label: str


class EmotionOut(BaseModel):
    name: str
    valence: float
    arousal: float
    images: int
    source_labels: list[SourceLabelOut]


class UnitOut(BaseModel):
    au: int
    name: str
    muscles: str
    prototypes: list[str]


class PrototypeUnitOut(BaseModel):
    au: int
    name: str
    muscles: str
    note: str


class FacsEmotionOut(BaseModel):
    prototype: str
    emotion: str | None
    combination: str
    units: list[PrototypeUnitOut]
    reference: str
    examples: list[ImageOut]


class Health(BaseModel):
    status: Literal["ok"]
    database: str
    images: int


#: The `uncertain` field of every reading (`Scores.uncertain`).
UNCERTAIN = Field(description=f"the top two scores are a near tie (closer than {NEAR_TIE}): 'label or runner-up'")


class FaceOut(BaseModel):
    box: list[int]
    label: str
    uncertain: bool = UNCERTAIN
    scores: dict[str, float]


class FacesOut(BaseModel):
    input: str
    faces: list[FaceOut]


class ScoresOut(BaseModel):
    input: str
    label: str
    uncertain: bool = UNCERTAIN
    scores: dict[str, float]


class WordOut(BaseModel):
    word: str
    start: float = Field(description="seconds into the audio")
    end: float


class TranscriptOut(BaseModel):
    text: str
    words: list[WordOut]
    model_id: str


class WordsScoresOut(BaseModel):
    label: str
    uncertain: bool = UNCERTAIN
    scores: dict[str, float]
    evidence: list[tuple[str, float]] = Field(description="each word's push towards the label (+) or away (-)")


class SpeechOut(ScoresOut):
    model_id: str = Field(description="the model that scored the voice; '+speaker' when the speaker's statistics "
                          "normalised it")  # fmt: skip
    speaker: str | None = Field(None, description="the speaker the file was scored with (POST /predict/speech/speaker)")
    note: str | None = Field(None, description="why a speaker's files were scored one at a time (too few of them)")
    transcript: TranscriptOut | None = Field(None, description="what was said (with `transcribe=true`)")
    words: WordsScoresOut | None = Field(None, description="the emotion of the words (None if none were heard)")


class TextIn(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_CHARS, description="the text to score")
