"""Models loaded once per server process (`st.cache_resource`), shared by every page and session."""

from __future__ import annotations

import streamlit as st

from emodash.serving import registry


@st.cache_resource(show_spinner="Loading the face detector and emotion model…")
def face_pipeline():
    return registry.load_face_pipeline(classifier=face_classifier())


@st.cache_resource(show_spinner="Loading the face emotion model…")
def face_classifier():
    return registry.load_predictor("face")


@st.cache_resource(show_spinner="Loading the text emotion model…")
def text_model():
    return registry.load_predictor("text")


@st.cache_resource(show_spinner="Loading the speech emotion model…")
def speech_model():
    return registry.load_predictor("speech")
