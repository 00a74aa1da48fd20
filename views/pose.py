"""Live body pose: the skeleton on every webcam frame, movement features over the last 2 s, an arousal reading
explained, and an emotion reading from a personal model the visitor records (kept in memory only)."""

import streamlit as st
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from emodash.core import settings
from emodash.dashboard import recording
from emodash.dashboard.video import pose_frame_callback
from emodash.modalities.pose import live

st.title("Live body pose")
st.caption(
    "Press START and allow the camera; sit back so that your head, shoulders and arms are in view. MediaPipe Pose "
    "finds 33 joints in every frame, on this server, in memory: frames are never saved."
)

try:
    ice_servers = settings.ice_servers()
except ValueError as exc:
    st.error(f"Cannot start the webcam: {exc}")
    st.stop()

if "pose_session" not in st.session_state:  # one tracker and one personal model per browser session
    st.session_state.pose_session = live.PoseSession()
session: live.PoseSession = st.session_state.pose_session
session.on_scores = recording.sink()  # the personal model's readings, when recording

video, side = st.columns([3, 2])
with video:
    ctx = webrtc_streamer(
        key="live-pose",
        mode=WebRtcMode.SENDRECV,
        rtc_configuration={"iceServers": ice_servers},
        media_stream_constraints={"video": {"width": 640, "height": 480}, "audio": False},
        video_frame_callback=pose_frame_callback(session),
        async_processing=True,
    )

NAMES = {"speed": "Speed", "expansion": "Expansion", "quantity_of_motion": "Quantity of motion",
         "head_angle": "Head angle"}  # fmt: skip


@st.fragment(run_every=0.5 if ctx.state.playing else None)
def live_panel() -> None:
    if not ctx.state.playing:
        st.info("Not streaming. Press START to see your skeleton and movement readings.")
        return
    reading = session.latest
    if reading is None or reading.landmarks is None:
        st.markdown("No person in view.")
    else:
        seen = int((reading.landmarks[:, 3] > 0.5).sum())
        st.markdown(f"**Person found**: {seen} of 33 joints in view")
        f = reading.features
        c = st.columns(2)
        c[0].metric(NAMES["speed"], f"{f['speed']:.2f}", help="shoulder widths per second, upper body")
        c[1].metric(NAMES["expansion"], f"{f['expansion']:.2f}", f"{f['expansion_change']:+.2f}",
                    help="distance of the joints from their centre, in shoulder widths; the change over 2 s: "
                    "expanding (+) or contracting (-)")  # fmt: skip
        c[0].metric(NAMES["quantity_of_motion"], f"{f['quantity_of_motion']:.0%}",
                    help="share of the last 2 s in which the body moved")  # fmt: skip
        c[1].metric(NAMES["head_angle"], f"{f['head_angle']:.0f}°", help="head tilt from upright, as seen")
        level = "calm" if reading.arousal < 0.33 else "moderate" if reading.arousal < 0.66 else "agitated"
        st.markdown(f"**Arousal: {level}** ({reading.arousal:.2f})")
        st.progress(reading.arousal)
        if reading.emotion:
            label, p = max(reading.emotion.items(), key=lambda kv: kv[1])
            st.markdown(f"**Your pose model**: {label} {p:.2f}")
    skipped = f" · {session.skipped} unreadable frames skipped" if session.skipped else ""
    latency = reading.latency_ms if reading else 0.0
    st.caption(f"{session.fps():.0f} frames/s analysed · {latency:.0f} ms per frame{skipped}")
    if session.recording:
        st.warning(f"Recording a take of **{session.recording}**… act it, then press Stop.")


with side:
    live_panel()
    with st.expander("What the readings mean"):
        st.markdown(live.AROUSAL_EXPLAINED)
        st.markdown(live.FEATURES_EXPLAINED)

st.subheader("Your own pose model")
st.caption(
    "Act each emotion for 5 seconds or more per take (its first two seconds, the move into it, are left out). Two "
    "takes or more per emotion let it be scored on takes it never saw. The takes are movement features, not "
    "pictures, and live only in this browser session; the Together page uses the model too."
)
c = st.columns([2, 1, 1, 1])
emotion = c[0].selectbox("Emotion to record", ["happiness", "sadness", "anger", "fear", "surprise", "neutral"])
if c[1].button("Start take", disabled=not ctx.state.playing or bool(session.recording)):
    session.start_take(emotion)
    st.rerun()
if c[2].button("Stop take", disabled=not session.recording):
    try:
        st.toast(f"Kept a take of {session.stop_take()} frames.")
    except ValueError as exc:
        st.error(str(exc))
if c[3].button("Train", disabled=len(session.model.labels()) < 2):
    score = session.model.train()
    st.success(
        f"Trained on {len(session.model.takes)} takes. Accuracy on held-out takes: {score:.2f}"
        if score is not None
        else f"Trained on {len(session.model.takes)} takes. Record a second take of each emotion to score it."
    )
takes = session.model.takes
if takes:
    st.caption("Takes: " + ", ".join(f"{lab} ({len(x)} frames)" for lab, x in takes))
    if st.button("Forget my takes and model"):
        session.model = live.PersonalPoseModel()
        st.rerun()
