"""emodash dashboard: `streamlit run app.py` (or `make run`). Navigation and the shared sidebar only."""

import streamlit as st

from emodash.core import settings
from emodash.dashboard import cache, recording
from emodash.serving import registry

st.set_page_config(page_title="emodash", page_icon=":material/mood:", layout="wide")

pages = {
    "emodash": [st.Page("views/home.py", title="Home", icon=":material/home:", default=True)],
    "Live": [
        st.Page("views/live.py", title="Webcam", icon=":material/videocam:"),
        st.Page("views/photo.py", title="Photo", icon=":material/photo_camera:"),
        st.Page("views/text.py", title="Text", icon=":material/chat:"),
        st.Page("views/voice.py", title="Voice", icon=":material/mic:"),
        st.Page("views/pose.py", title="Body pose", icon=":material/accessibility_new:"),
        st.Page("views/together.py", title="Together", icon=":material/join:"),
        st.Page("views/calibrate.py", title="Calibrate", icon=":material/person_check:"),
        st.Page("views/sessions.py", title="Sessions", icon=":material/history:"),
    ],
    "Research": [
        st.Page("views/datasets.py", title="Datasets", icon=":material/dataset:"),
        st.Page("views/everyday.py", title="Everyday emotions", icon=":material/calendar_month:"),
        st.Page("views/ranges.py", title="Feature ranges", icon=":material/tune:", url_path="ranges"),
        st.Page("views/analyze.py", title="Analyze files", url_path="analyze", icon=":material/movie:"),
        st.Page("views/compare.py", title="Compare models", url_path="compare", icon=":material/leaderboard:"),
        st.Page("views/catalogue.py", title="Image catalogue", url_path="catalogue", icon=":material/photo_library:"),
    ],
}

try:  # settings are read here once, so that a wrong one is a message on every page, not a traceback
    active = {modality: registry.active_model(modality) for modality in registry.modalities()}
    settings.face_detector()
except ValueError as exc:
    st.error(f"A setting needs fixing: {exc}")
    st.stop()

with st.sidebar:
    st.caption("Active models")
    for modality, info in active.items():
        st.markdown(f"**{modality}**: `{info.model_id}`")
    root = settings.data_root()
    st.caption(f"Data root (`EMODASH_DATA`): `{root}`" + ("" if root.is_dir() else " (not found)"))
    st.caption(":material/lock: Live frames, audio and typed text are processed in memory and never saved.")

cache.loading_slot()
try:
    page = st.navigation(pages)
    if page in pages["Live"] and page.title not in (
        "Sessions",
        "Calibrate",
    ):  # the opt-in to record a session, on every live page
        with st.sidebar:
            recording.switch()
    page.run()
except Exception as exc:  # the one boundary of every page (st.stop and reruns are not Exceptions: they pass)
    from emodash.dashboard import errors

    errors.show(exc)
