"""Live webcam: every face of every frame boxed and labelled in its emotion's colour, with a live chart."""

import streamlit as st
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from emodash.core import settings
from emodash.core.errors import InputError
from emodash.dashboard import recording
from emodash.dashboard.cache import face_pipeline
from emodash.dashboard.video import face_frame_callback
from emodash.plots import live as plots
from emodash.serving.personal import PersonalFace
from emodash.serving.timeline import ScoreTimeline

st.title("Live webcam")
st.caption("Press START and allow the camera. Frames are processed in memory on this server and never saved.")

try:
    ice_servers = settings.ice_servers()
except ValueError as exc:
    st.error(f"Cannot start the webcam: {exc}")
    st.stop()

pipeline = face_pipeline()
labels, key = pipeline.classifier.label_set, "face_timeline"
mine = st.session_state.get("personal", {}).get("face")
if mine is not None and st.toggle("Use my personal face model (from Calibrate)"):
    try:
        pipeline, labels, key = PersonalFace(mine, pipeline), mine.label_set, "face_timeline_mine"
    except InputError as exc:
        st.warning(str(exc))
if key not in st.session_state:
    st.session_state[key] = ScoreTimeline(labels, window_s=10.0)
timeline: ScoreTimeline = st.session_state[key]

video, side = st.columns([3, 2])
with video:
    ctx = webrtc_streamer(
        key="live-face",
        mode=WebRtcMode.SENDRECV,
        rtc_configuration={"iceServers": ice_servers},
        media_stream_constraints={"video": {"width": 640, "height": 480}, "audio": False},
        video_frame_callback=face_frame_callback(pipeline, timeline, recording.sink()),
        async_processing=True,
    )
    if not ice_servers:
        st.caption(
            "No ICE servers set: works on this computer (localhost). For a remote server set "
            "`EMODASH_ICE_SERVERS` and serve over HTTPS."
        )


@st.fragment(run_every=0.5 if ctx.state.playing else None)
def live_panel() -> None:
    faces = timeline.latest()
    stats = timeline.stats()
    if not ctx.state.playing:
        st.info("Not streaming. Press START; no webcam? Use the Photo page.")
        return
    if faces:
        st.markdown(
            " · ".join(
                f"<span style='color:{f.colour};font-weight:600'>face {i + 1}: {f.label} {f.confidence:.2f}</span>"
                for i, f in enumerate(faces)
            ),
            unsafe_allow_html=True,
        )
    else:
        st.markdown("No face in view.")
    skipped = f" · {timeline.skipped} unreadable frames skipped" if timeline.skipped else ""
    st.caption(f"{stats['fps']:.0f} frames/s analysed · {stats['ms_per_frame']:.1f} ms per frame{skipped}")
    st.plotly_chart(plots.score_timeline(timeline.frame(), timeline.label_set, timeline.window_s), key="timeline")


with side:
    live_panel()
