"""Voice: the emotion of speech, recorded in the browser, uploaded, or streamed live from the microphone."""

import streamlit as st
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from emodash.core import settings
from emodash.core.errors import InputError
from emodash.dashboard.cache import speech_model
from emodash.dashboard.voice import voice_frame_callback
from emodash.io.audio import FORMATS, check_speech, decode_audio
from emodash.modalities.speech.stream import VoiceStream
from emodash.plots import live as plots

st.title("Voice")
st.caption("Say a sentence with feeling. Audio is processed in memory on this server and never saved.")

model = speech_model()


def show(scores, key: str) -> None:
    st.html(plots.colour_swatch_html(scores.blended_colour, f"{scores.label} ({scores.confidence:.0%})"))
    left, right = st.columns(2)
    left.plotly_chart(plots.scores_bar(scores), key=f"{key}-bar")
    right.plotly_chart(plots.mood_bubble(scores, title="How it sounds"), key=f"{key}-bubble")
    st.caption(f"model `{scores.model_id}` · {scores.latency_ms:.0f} ms")


record, upload, stream = st.tabs(["Record", "Upload", "Stream live"])
with record:
    clip = st.audio_input("Record a sentence (2-5 s works best)")
    if clip is not None:
        try:
            show(model.predict(check_speech(decode_audio(clip.getvalue(), "recording"), "recording")), "record")
        except InputError as exc:
            st.error(str(exc))
with upload:
    file = st.file_uploader("An audio file with one utterance", type=list(FORMATS))
    if file is not None:
        st.audio(file)
        try:
            show(model.predict(check_speech(decode_audio(file.getvalue(), file.name), file.name)), "upload")
        except InputError as exc:
            st.error(str(exc))
with stream:
    st.caption("Scores every 1.5 s over the last 3 s of speech; silence reads as silence.")
    adapt = st.toggle(
        "Adapt to my voice (experimental)",
        help="After 20 voiced windows, scores come from a model that normalises features with your own voice's "
        "statistics: 0.66 instead of 0.55 accuracy on unseen RAVDESS actors who spoke every emotion equally. If you "
        "mostly speak in one mood, your statistics drift towards it and scores get worse, not better.",
    )
    key = "voice_stream_adaptive" if adapt else "voice_stream"
    if key not in st.session_state:
        st.session_state[key] = VoiceStream(model.session() if adapt else model)
    voice: VoiceStream = st.session_state[key]
    try:
        ctx = webrtc_streamer(
            key="voice",
            mode=WebRtcMode.SENDRECV,
            rtc_configuration={"iceServers": settings.ice_servers()},
            media_stream_constraints={"video": False, "audio": True},
            audio_frame_callback=voice_frame_callback(voice),
            async_processing=True,
        )
    except ValueError as exc:
        st.error(f"Cannot start streaming: {exc}")
        st.stop()

    @st.fragment(run_every=1.0 if ctx.state.playing else None)
    def live_voice() -> None:
        readings = voice.readings()
        if not ctx.state.playing:
            st.info("Not streaming. Press START and allow the microphone.")
            return
        if not readings:
            st.write("Listening…")
            return
        last = readings[-1]
        if last.voiced:
            st.markdown(
                f"<span style='color:{last.scores.colour};font-weight:600'>voice: {last.scores.label} "
                f"{last.scores.confidence:.2f}</span>",
                unsafe_allow_html=True,
            )
        else:
            st.markdown("silence")
        caption = (
            f"level {last.level_db:.0f} dBFS · {last.compute_ms:.0f} ms per window · real-time factor "
            f"{voice.real_time_factor():.3f}"
        )
        if adapt:
            stats = voice.model.stats
            caption += " · " + (
                "adapted to your voice" if stats.ready else f"adapting: {stats.count}/{stats.min_count} windows heard"
            )
        if voice.skipped:
            caption += f" · {voice.skipped} unreadable chunks skipped"
        st.caption(caption)
        voiced = [r for r in readings if r.voiced]
        if voiced:
            st.plotly_chart(plots.scores_bar(voiced[-1].scores, title="Latest voiced window"), key="voice-latest")

    live_voice()
