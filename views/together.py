"""Together: face, voice, words (typed, or else heard: transcribed offline from the microphone) and (with a personal
pose model) the body, fused into one explained state, weighted by each model's measured skill."""

import streamlit as st
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from emodash.core import settings
from emodash.core.errors import InputError
from emodash.dashboard import recording
from emodash.dashboard.cache import face_pipeline, speech_model, text_model, transcriber
from emodash.dashboard.video import face_frame_callback
from emodash.dashboard.voice import voice_frame_callback
from emodash.modalities.pose.live import PoseSession
from emodash.modalities.speech.stream import VoiceStream
from emodash.plots import live as plots
from emodash.serving.fusion import Fusion, skill_above_chance
from emodash.serving.inference import spoken_words
from emodash.serving.timeline import ScoreTimeline

st.title("Together")
st.caption(
    "Camera, microphone and words, fused: words you type, or else what the microphone hears (transcribed offline). "
    "Everything is processed in memory and never saved. Each "
    "modality counts by its model's measured accuracy above chance, and fades when it has not been heard from "
    "for a few seconds (half-life 3 s, gone after 15 s)."
)

try:
    ice_servers = settings.ice_servers()
except ValueError as exc:
    st.error(f"Cannot start streaming: {exc}")
    st.stop()

if "fusion" not in st.session_state:
    st.session_state.fusion = Fusion.from_registry()
    st.session_state.together_faces = ScoreTimeline(face_pipeline().classifier.label_set)
    st.session_state.together_voice = VoiceStream(speech_model(), transcript=transcriber().stream())
fusion: Fusion = st.session_state.fusion
words_model = text_model()  # loaded in the page's run: the fused panel (a fragment) scores the words it hears
if "pose_session" not in st.session_state:  # shared with the Body pose page, where the personal model is recorded
    st.session_state.pose_session = PoseSession()
pose: PoseSession = st.session_state.pose_session
feed = recording.tee(fusion.update, recording.sink())  # the fusion, and the session file when recording
pose.on_scores = feed
st.session_state.together_voice.on_scores = feed
measured = pose.model.score  # its accuracy on held-out takes: weighted above chance, like the other models
fusion.skills["pose"] = skill_above_chance(measured, len(pose.model.labels())) if measured is not None else 0.0

media, panel = st.columns([3, 2])
with media:
    ctx = webrtc_streamer(
        key="together",
        mode=WebRtcMode.SENDRECV,
        rtc_configuration={"iceServers": ice_servers},
        media_stream_constraints={"video": {"width": 640, "height": 480}, "audio": True},
        video_frame_callback=face_frame_callback(face_pipeline(), st.session_state.together_faces, feed, pose),
        audio_frame_callback=voice_frame_callback(st.session_state.together_voice),
        async_processing=True,
    )
    if pose.model.classifier is None:
        st.caption("Body pose joins when you have trained your own pose model on the **Body pose** page.")
    elif not fusion.skills["pose"]:
        st.caption("Your pose model is read but not weighted: record two takes of each emotion so that it can be "
                   "scored on takes it never saw.")  # fmt: skip
    words = st.text_input("Say it in words too", placeholder="type a sentence and press Enter")
    if words != st.session_state.get("together_words", ""):  # scored once when typed: its age counts from then
        st.session_state.together_words = words
        fusion.clear("text")
        if words:
            try:
                feed(words_model.predict(words))
            except InputError as exc:
                st.error(str(exc))


def words_heard() -> None:
    """When nothing is typed, the last utterance the microphone heard is the words channel (scored once, when it
    ends; its age counts from then)."""
    heard = st.session_state.together_voice.transcript.utterances()
    if st.session_state.get("together_words") or not heard or heard[-1] == st.session_state.get("together_heard"):
        return
    st.session_state.together_heard = heard[-1]
    words = spoken_words(heard[-1][1], words_model)
    if words is not None:
        feed(words)


@st.fragment(run_every=0.5 if ctx.state.playing else None)
def fused_panel() -> None:
    words_heard()
    if st.session_state.get("together_heard") and not st.session_state.get("together_words"):
        st.caption(f"heard: “{st.session_state.together_heard[1]}” (the words channel while nothing is typed)")
    state = fusion.fuse()
    if state.empty:
        st.info("Nothing to fuse yet: press START, or type a sentence.")
        return
    st.html(plots.colour_swatch_html(state.colour, f"together: {state.label}"))
    for flag in state.flags:
        st.warning(f"**{flag.kind}**: {flag.explanation}")
    st.plotly_chart(plots.fusion_shares(state), key="shares")
    st.plotly_chart(
        plots.va_bubble(state.valence_arousal, state.colour, float(state.canonical.max()), "Fused state"),
        key="fused-bubble",
    )
    st.caption("skills: " + ", ".join(f"{m} {s:.2f}" for m, s in fusion.skills.items()))


with panel:
    fused_panel()
