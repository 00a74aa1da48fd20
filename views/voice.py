"""Voice: the emotion of speech (how it sounds) and, transcribed offline, of what is said (the words), recorded in
the browser, uploaded, or streamed live from the microphone."""

import streamlit as st
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from emodash.core import settings
from emodash.core.errors import InputError
from emodash.dashboard import recording
from emodash.dashboard.cache import speech_model, text_model, transcriber
from emodash.dashboard.voice import voice_frame_callback
from emodash.io.audio import FORMATS, check_speech, decode_audio
from emodash.modalities.speech.speaker import adaptation_note
from emodash.modalities.speech.stream import VoiceStream
from emodash.plots import live as plots
from emodash.serving import registry
from emodash.serving.inference import spoken_words
from emodash.serving.personal import PersonalVoice

st.title("Voice")
st.caption("Say a sentence with feeling. Audio is processed in memory on this server and never saved.")

model = speech_model()
transcribe = st.toggle(
    "Also read what is said", value=True,
    help="Offline English speech recognition (PocketSphinx, its model shipped inside its package: nothing leaves "
    "this server); the words are scored by the text model, beside the tone of the voice.",
)  # fmt: skip
if transcribe:  # loaded here, in the page's run: the live panel (a fragment) cannot show loading steps
    words_model, recogniser = text_model(), transcriber()


def words_panel(text: str, key: str) -> None:
    """What was said and the emotion of its words, with the words behind it."""
    st.markdown("**What is said**")
    words = spoken_words(text, words_model)
    if words is None:
        st.info("No words recognised.")
        return
    st.html(plots.colour_swatch_html(words.blended_colour, words.headline))
    st.html(f"<div style='font-size:1.1rem;line-height:2'>{plots.evidence_html(text, words.evidence, words.colour)}"
            "</div>")  # fmt: skip
    st.plotly_chart(plots.scores_bar(words, title="Scores of the words"), key=f"{key}-words")


def show(signal, key: str) -> None:
    scores = model.predict(signal)
    recording.record_once(f"{key} {hash(signal.tobytes())}", [scores])
    tone, said = st.columns(2) if transcribe else (st.container(), None)
    with tone:
        st.markdown("**How it sounds**")
        st.html(plots.colour_swatch_html(scores.blended_colour, scores.headline))
        st.plotly_chart(plots.scores_bar(scores), key=f"{key}-bar")
        st.plotly_chart(plots.mood_bubble(scores, title="How it sounds"), key=f"{key}-bubble")
        st.caption(f"model `{scores.model_id}` · {scores.latency_ms:.0f} ms")
    if said is not None:
        with said:
            transcript = recogniser.transcribe(signal)
            words_panel(transcript.text, key)
            st.caption(f"`{transcript.model_id}` · real-time factor {transcript.real_time_factor:.2f}")


record, upload, stream = st.tabs(["Record", "Upload", "Stream live"])
with record:
    clip = st.audio_input("Record a sentence (2-5 s works best)")
    if clip is not None:
        try:
            show(check_speech(decode_audio(clip.getvalue(), "recording"), "recording"), "record")
        except InputError as exc:
            st.error(str(exc))
with upload:
    file = st.file_uploader("An audio file with one utterance", type=list(FORMATS))
    if file is not None:
        st.audio(file)
        try:
            show(check_speech(decode_audio(file.getvalue(), file.name), file.name), "upload")
        except InputError as exc:
            st.error(str(exc))
with stream:
    st.caption("Scores every 1.5 s over the last 3 s of speech; silence reads as silence.")
    adapt = st.toggle(
        "Adapt to my voice (experimental)",
        help=adaptation_note(registry.model_info("speech", model.model_id).metrics()),
    )
    mine = st.session_state.get("personal", {}).get("voice")
    use_mine = mine is not None and st.toggle("Use my personal voice model (from Calibrate)")
    if use_mine:
        try:
            tone_model = PersonalVoice(mine, model)
        except InputError as exc:
            st.warning(str(exc))
            use_mine = False
    if not use_mine:
        tone_model = model.session() if adapt else model
    key = f"voice_stream_{'mine' if use_mine else 'adaptive' if adapt else 'plain'}_{'words' if transcribe else 'tone'}"
    if key not in st.session_state:
        st.session_state[key] = VoiceStream(tone_model, transcript=recogniser.stream() if transcribe else None)
    voice: VoiceStream = st.session_state[key]
    voice.on_scores = recording.sink()
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
        if adapt and not use_mine:
            stats = voice.model.stats
            caption += " · " + (
                "adapted to your voice" if stats.ready else f"adapting: {stats.count}/{stats.min_count} windows heard"
            )
        if voice.transcript is not None:
            caption += f" · speech recognition real-time factor {voice.transcript.real_time_factor():.2f}"
        if voice.skipped:
            caption += f" · {voice.skipped} unreadable chunks skipped"
        st.caption(caption)
        voiced = [r for r in readings if r.voiced]
        tone, said = st.columns(2) if voice.transcript is not None else (st.container(), None)
        if voiced:
            tone.plotly_chart(plots.scores_bar(voiced[-1].scores, title="Latest voiced window"), key="voice-latest")
        if said is not None:
            with said:
                words_panel(voice.transcript.text(), "voice-live")

    live_voice()
