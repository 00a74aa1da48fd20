"""Models loaded once per server process (`st.cache_resource`), shared by every page and session.

The first visit that needs a model loads it step by step in a status box with a progress bar (the speech model's
first load compiles librosa's code: up to 15 s after an installation), not behind Streamlit's corner indicator.
"""

from __future__ import annotations

import importlib
from typing import Callable, Sequence, TypeVar

import streamlit as st

from emodash.serving import registry

T = TypeVar("T")

#: what this server process has loaded already (the caches below are process-wide too)
_READY: set[str] = set()


def loading_slot() -> None:
    """Make this run's place for loading steps: one empty element at the top of every page (app.py calls it), so
    that showing the steps on a first visit never shifts the page's other elements (a webcam component that moved
    would restart)."""
    st.session_state["_emodash_loading"] = st.empty()


def _loaded(what: str, load: Callable[[], T], steps: Sequence[tuple[str, Callable[[], object]]] = ()) -> T:
    """`load()`; the first time in this process, with each step (and the load itself) shown as it runs."""
    if what in _READY:
        return load()
    todo = [*steps, (f"Loading the {what}", load)]
    slot = st.session_state.get("_emodash_loading") or st.empty()
    with slot.container(), st.status(f"Preparing the {what}…", expanded=True) as status:
        bar = st.progress(0.0)
        for i, (label, step) in enumerate(todo):
            st.write(f"{i + 1}/{len(todo)} · {label}…")
            try:
                result = step()
            except Exception:
                status.update(label=f"The {what} could not be loaded", state="error")
                raise
            bar.progress((i + 1) / len(todo))
    slot.empty()
    _READY.add(what)
    return result


@st.cache_resource(show_spinner=False)
def _face_classifier():
    return registry.load_predictor("face")


@st.cache_resource(show_spinner=False)
def _face_pipeline():
    return registry.load_face_pipeline(classifier=_face_classifier())


@st.cache_resource(show_spinner=False)
def _text_model(model_id: str):
    return registry.model_info("text", model_id).load()


@st.cache_resource(show_spinner=False)
def _speech_model():
    return registry.load_predictor("speech")


def face_classifier():
    return _loaded("face emotion model", _face_classifier)


def face_pipeline():
    pipeline = _loaded("face detector and emotion model", _face_pipeline,
                       [("Loading the face emotion model (LiteRT)", _face_classifier)])  # fmt: skip
    _READY.add("face emotion model")  # loaded as its first step
    return pipeline


def text_model():
    """The active text model, cached per model id: `EMODASH_TEXT_MODEL` may change between runs (to compare)."""
    model_id = registry.active_model("text").model_id
    return _loaded(f"text emotion model ({model_id})", lambda: _text_model(model_id))


def speech_model():
    def compile_features() -> None:
        from emodash.modalities.speech.features import warm_up

        warm_up()

    return _loaded(
        "speech emotion model",
        _speech_model,
        [
            ("Loading the audio libraries (librosa)", lambda: importlib.import_module("librosa")),
            ("Compiling the audio features (the first run after an installation takes up to 15 s)", compile_features),
        ],
    )


@st.cache_resource(show_spinner=False)
def _transcriber():
    return registry.load_transcriber()


def transcriber():
    return _loaded("speech recogniser (PocketSphinx, offline English)", _transcriber)
