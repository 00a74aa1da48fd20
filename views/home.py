"""Home: what emodash is, the modalities, the active models and their measured scores."""

import streamlit as st

from emodash.inference import registry

st.title("emodash")
st.markdown(
    "Emotion recognition for every modality in one place: **faces**, **speech**, **text**, **motion** "
    "(phone and watch accelerometers), **facial EMG**, **body pose** and the *Emotions in everyday life* survey. "
    "Every model maps its own labels onto one canonical taxonomy (anger, disgust, fear, happiness, sadness, "
    "surprise, neutral) and onto valence/arousal, and every score is reported with the split that produced it."
)

st.subheader("Try it live")
c1, c2, c3 = st.columns(3)
c1.page_link("views/live.py", label="Webcam: every face, every frame", icon=":material/videocam:")
c2.page_link("views/photo.py", label="Photo: upload or snap one", icon=":material/photo_camera:")
c3.page_link("views/text.py", label="Text: feel your words in colour", icon=":material/chat:")
c1.page_link("views/voice.py", label="Voice: record, upload or stream", icon=":material/mic:")
c2.page_link("views/together.py", label="Together: face, voice and words fused", icon=":material/join:")

st.subheader("Active models and their measured scores")
rows = []
for modality in registry.modalities():
    info = registry.active_model(modality)
    head = info.headline() or {"accuracy": None, "macro_f1": None, "split": "not measured yet"}
    rows.append(
        {
            "modality": modality,
            "model": info.model_id,
            "accuracy": head["accuracy"],
            "macro-F1": head["macro_f1"],
            "measured on": head["split"],
            "what": info.description,
            "labels": ", ".join(info.label_set.names),
        }
    )
st.dataframe(
    rows,
    hide_index=True,
    width="stretch",
    column_config={
        "accuracy": st.column_config.NumberColumn(format="%.3f"),
        "macro-F1": st.column_config.NumberColumn(format="%.3f"),
    },
)
for modality in registry.modalities():
    info = registry.active_model(modality)
    if info.card.is_file():
        with st.expander(f"Model card: {info.model_id}"):
            st.markdown(info.card.read_text(encoding="utf-8"))

st.subheader("Research")
r1, r2 = st.columns(2)
r1.page_link("views/datasets.py", label="Datasets: browse every kind of data", icon=":material/dataset:")
r2.page_link("views/compare.py", label="Compare models under honest splits", icon=":material/leaderboard:")
r1.page_link("views/ranges.py", label="Feature ranges: tune accelerometer ranges by eye", icon=":material/tune:")
r2.page_link("views/everyday.py", label="Everyday emotions: the 2015 survey", icon=":material/calendar_month:")

st.subheader("Modalities")
st.markdown(
    "| modality | live | data sets read (published formats) | research |\n|---|---|---|---|\n"
    "| face | webcam, photo | FER-2013 CSV, folder per class | EDA, comparison (HOG, 2-D CNN), export |\n"
    "| text | typed text | dair-ai `text;label`, CSV | EDA, comparison (TF-IDF) |\n"
    "| speech | microphone (record, stream), upload | RAVDESS file names, folder + labels CSV | EDA, comparison |\n"
    "| motion | – | phone accelerometer features, Quiroz watch walks, raw x/y/z CSV/xlsx | EDA, feature ranges, "
    "comparison (1-D CNN), export |\n"
    "| facial EMG | – | the seed's 3-channel windows, labelled multichannel CSV | EDA, comparison, export |\n"
    "| body pose | – | MediaPipe 33-joint keypoint CSV (long or wide) | EDA (synthetic demo; no public data here) |\n"
    "| survey | – | Emotions in everyday life (OSF CSV) | its own page (synthetic demo until the file is placed) |\n"
)
st.caption(
    ":material/lock: Privacy: webcam frames, photos, audio and typed text are processed in memory and never written "
    "to disk or logs."
)
