"""Calibrate: a personal model from your own takes of each emotion (voice sentences, seconds of webcam video or
snapshots of your face, labelled accelerometer recordings), scored on takes it never saw beside the general model,
used live on the Voice and Webcam pages when you pick it. Everything stays in memory unless you opt in to save it."""

import hashlib
import json

import streamlit as st
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from emodash.core import settings
from emodash.core.errors import InputError
from emodash.dashboard.cache import face_classifier, face_pipeline, speech_model
from emodash.dashboard.video import face_frame_callback
from emodash.io.audio import check_speech, decode_audio
from emodash.io.images import decode_image
from emodash.modalities.face.model import crop_box
from emodash.serving import personal
from emodash.serving.timeline import ScoreTimeline

st.title("Calibrate")
st.caption(
    "Teach emodash how **you** express each emotion. Record at least two takes of each; the personal model is scored "
    "on takes it never saw, beside the general model on the same takes. Takes are processed in memory and dropped; "
    "nothing is written unless you opt in under **Keep**."
)
mine: dict[str, personal.Calibration] = st.session_state.setdefault("personal", {})
TAKES = 2


def takes_grid(kind: str, emotions: list[str], widget) -> list[tuple[str, bytes]]:
    """One recording widget per emotion and take; returns (emotion, bytes) of those recorded."""
    got = []
    for emotion in emotions:
        cols = st.columns(TAKES)
        for k, col in enumerate(cols):
            with col:
                data = widget(f"{emotion}, take {k + 1}", key=f"{kind}-{emotion}-{k}")
                if data is not None:
                    got.append((emotion, data.getvalue()))
    return got


def features(kind: str, emotion: str, data: bytes):
    """A take's features, computed once per recording (kept in this browser session only)."""
    memo = st.session_state.setdefault("calibration_features", {})
    key = (kind, emotion, hashlib.sha256(data).hexdigest())
    if key not in memo:
        if kind == "voice":
            memo[key] = personal.voice_take(speech_model(), [check_speech(decode_audio(data, "take"), "take")])
        else:
            image = decode_image(data, "snapshot")
            faces = face_pipeline().analyze(image)
            if not faces:
                raise InputError(f"no face found in the {emotion} snapshot: face the camera in good light")
            main = max(faces, key=lambda f: f.box[2] * f.box[3])
            memo[key] = personal.face_take(face_classifier(), [crop_box(image, main.box)])
    return memo[key]


def report(cal: personal.Calibration) -> None:
    r = cal.report
    m = st.columns(3)
    m[0].metric("Personal model, held-out takes", f"{r.personal:.0%}")
    m[1].metric("General model, same takes", "-" if r.general is None else f"{r.general:.0%}")
    m[2].metric("Held-out takes", r.held_out_takes, help=f"{r.held_out_samples} samples; each take was predicted "
                "by a model trained without it")  # fmt: skip


def train(kind: str, got: list[tuple[str, bytes]], general_labels: tuple[str, ...]) -> None:
    described = personal.face_features(face_classifier()) if kind == "face" else personal.voice_features(speech_model())
    cal = personal.Calibration(kind, described, general_labels, name=f"my {kind}")
    for emotion, data in got:
        cal.add(emotion, *features(kind, emotion, data))
    cal.train()
    mine[kind] = cal


voice, face, movement, keep = st.tabs(["Voice", "Face", "Movement", "Keep"])


def recorded_in_page(kind: str, choices: list[str], hint: str, widget, general_labels) -> None:
    """Pick emotions, record each take with `widget` (audio or camera input), train on them."""
    emotions = st.multiselect("Emotions", choices, default=choices[:4], key=f"{kind}-emo")
    st.caption(hint)
    got = takes_grid(kind, emotions, widget)
    if st.button(f"Train my {kind} model", disabled=len(got) < 2 * TAKES, key=f"train-{kind}"):
        train(kind, got, general_labels())


with voice:
    recorded_in_page("voice", ["neutral", "happy", "sad", "angry", "calm", "fearful", "surprised", "disgust"],
                     "Say the same sentence each time, acting the emotion (for example 'Kids are talking by the "
                     "door').", st.audio_input, lambda: speech_model().label_set.names)  # fmt: skip
    if "voice" in mine:
        report(mine["voice"])
with face:
    live_tab, snap_tab = st.tabs(["Record takes from the webcam", "Snapshots"])
    with live_tab:
        st.caption(
            "Press START, pick an emotion, then record a take of a few seconds acting it; two takes or "
            "more of each. Only the general model's reading of each frame is kept, never the frames."
        )
        takes: personal.FaceTakes = st.session_state.setdefault("face_takes", personal.FaceTakes())
        recorded: list = st.session_state.setdefault("face_recorded", [])
        general = face_pipeline().classifier.label_set
        timeline = st.session_state.setdefault("calibrate_timeline", ScoreTimeline(general))
        ctx = webrtc_streamer(
            key="calibrate-face", mode=WebRtcMode.SENDRECV, rtc_configuration={"iceServers": settings.ice_servers()},
            media_stream_constraints={"video": {"width": 640, "height": 480}, "audio": False},
            video_frame_callback=face_frame_callback(face_pipeline(), timeline, takes.add),
            async_processing=True,
        )  # fmt: skip
        c = st.columns(3)
        emotion = c[0].selectbox("Emotion", ["neutral", "happy", "sad", "angry", "surprise", "fear", "disgust"],
                                 key="face-live-emotion")  # fmt: skip
        if c[1].button("Start take", disabled=not ctx.state.playing or takes.label is not None):
            takes.start(emotion)
            st.rerun()
        if c[2].button("Stop take", disabled=takes.label is None):
            try:
                recorded.append(takes.stop())
            except InputError as exc:
                st.error(str(exc))
        if takes.label is not None:
            st.info(f"Recording **{takes.label}**… press Stop take after a few seconds.")
        counts = {}
        for label, _, _ in recorded:
            counts[label] = counts.get(label, 0) + 1
        st.caption("Takes: " + (", ".join(f"{k} x{v}" for k, v in counts.items()) or "none yet"))
        if st.button("Train my face model", key="train-face-live", disabled=len(recorded) < 2 * TAKES):
            cal = personal.Calibration(
                "face", personal.face_features(face_pipeline().classifier), general.names, name="my face"
            )
            for label, x, p in recorded:
                cal.add(label, x, p)
            cal.train()
            mine["face"] = cal
    with snap_tab:
        recorded_in_page("face", ["neutral", "happy", "sad", "angry", "surprise", "fear", "disgust"],
                         "Without webcam streaming: a take is one snapshot of your face acting the emotion.",
                         st.camera_input, lambda: face_classifier().label_set.names)  # fmt: skip
    if "face" in mine:
        report(mine["face"])
with movement:
    st.caption("Labelled accelerometer recordings (raw x/y/z with a state column, one sheet per state, or Quiroz "
               "files). An emotion recorded once is cut into three consecutive takes. No general model ships for "
               "movement, so there is nothing to compare with but chance.")  # fmt: skip
    upload = st.file_uploader("Recordings", type=["csv", "xlsx"], key="accel-upload")
    if upload is not None and st.button("Train my movement model"):
        from emodash.modalities.accel.formats import read_bytes

        cal = personal.from_dataset("accel", read_bytes(upload.getvalue(), upload.name))
        cal.name = upload.name
        cal.train()
        mine["accel"] = cal
    if "accel" in mine:
        report(mine["accel"])
with keep:
    if mine:
        st.markdown("Trained in this session: " + ", ".join(f"**{k}**" for k in mine) + ". The Voice and Webcam "
                    "pages offer them live.")  # fmt: skip
        kind = st.selectbox("Model", list(mine))
        st.download_button("Export (JSON: numbers only, no code)", json.dumps(mine[kind].to_json()),
                           f"emodash-personal-{kind}.json", mime="application/json")  # fmt: skip
        opt_in = st.checkbox(f"Keep my {kind} model on this server, in `{settings.personal_dir()}`")
        if st.button("Save", disabled=not opt_in):
            st.success(f"Saved to `{personal.save(mine[kind])}`.")
    imported = st.file_uploader("Import a personal model (JSON)", type=["json"], key="personal-import")
    if imported is not None:
        try:
            cal = personal.Calibration.from_json(imported.getvalue())
        except InputError as exc:
            st.error(str(exc))
        else:
            mine[cal.kind] = cal
            st.success(f"Imported a {cal.kind} model of {', '.join(cal.label_set.names)}.")
    files = personal.saved()
    st.markdown(f"**Saved on this server** (`{settings.personal_dir()}`): " + (", ".join(p.name for p in files) or
                                                                              "none"))  # fmt: skip
    for p in files:
        if st.button(f"Use {p.name}", key=f"use-{p.name}"):
            cal = personal.Calibration.from_json(p.read_bytes())
            mine[cal.kind] = cal
    if files and st.button("Delete every saved personal model", type="primary"):
        st.session_state.personal_deleted = personal.delete_all()
        st.rerun()
    if (deleted := st.session_state.pop("personal_deleted", None)) is not None:
        st.success(f"Deleted {deleted} file(s) and the folder.")
