"""Datasets: pick a data set of any modality (registered, demo, your own folder or an upload) and explore it."""

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from emodash import settings
from emodash.datasets import registry
from emodash.datasets.uploads import unpack_upload
from emodash.errors import InputError
from emodash.plots import eda as figs

MODALITIES = {
    "face": "Face images",
    "speech": "Speech",
    "text": "Text",
    "accel": "Accelerometer",
    "emg": "Facial EMG",
    "pose": "Body pose",
    "survey": "Everyday-emotions survey",
}
OWN, UPLOAD = "Your own file or folder…", "Upload…"


@st.cache_data(show_spinner="Reading the data set…", max_entries=8)
def load_registered(name: str, root: str):
    return registry.load(name, Path(root))


@st.cache_data(show_spinner="Reading the data set…", max_entries=8)
def load_path(path: str, modality: str):
    return registry.open_path(Path(path), modality)


@st.cache_data(show_spinner=False, max_entries=4)
def face_stats(_ds, key: str):
    """Per-image statistics, duplicate groups and the summary, computed once per data set (`key`)."""
    from emodash.eda import face

    bar = st.progress(0.0, "Reading every image once (sizes, colour, brightness, duplicates)…")
    stats = face.image_stats(_ds, progress=lambda f: bar.progress(f))
    bar.empty()
    dups = face.duplicates(stats)
    return stats, dups, face.describe(_ds, stats, dups)


@st.cache_data(show_spinner="Summarising the data set…", max_entries=8)
def summary(_ds, key: str) -> dict:
    """`emodash.eda.describe` once per data set (`key`): file headers, counts, feature statistics."""
    from emodash import eda

    return eda.describe(_ds)


@st.cache_data(show_spinner="Measuring movement…", max_entries=8)
def pose_stats(_ds, key: str):
    from emodash.eda import pose

    feats = pose.movement_features(_ds)
    return pose.describe(_ds, feats), feats


@st.cache_data(show_spinner="Measuring pitch, level and brightness of the clips…", max_entries=8)
def speech_features(_ds, key: str, per_class: int | None):
    from emodash.eda import speech

    return speech.clip_features(_ds, per_class=per_class)


@st.cache_data(show_spinner="Counting words…", max_entries=8)
def text_stats(_ds, key: str):
    from emodash.eda import text

    words = text.distinctive_words(_ds)
    return text.describe(_ds, words), text.lengths(_ds), words, text.duplicates(_ds)


def dataset_key(ds) -> str:
    return f"{ds.name}|{ds.meta.get('path', '')}|{len(ds)}"


def upload_folder() -> Path:
    """A private temporary folder for this browser session's uploads (deleted with the session)."""
    if "upload_dir" not in st.session_state:
        st.session_state.upload_dir = tempfile.TemporaryDirectory(prefix="emodash-upload-")
    return Path(st.session_state.upload_dir.name)


def pick_dataset():
    left, right = st.columns([1, 2])
    modality = left.selectbox("Kind of data", list(MODALITIES), format_func=MODALITIES.get)
    if modality == "survey":
        st.info("The survey has its own page, with its cleaning steps and the published findings beside it.")
        st.page_link("views/everyday.py", label="Open Everyday emotions", icon=":material/calendar_month:")
        st.stop()
    root = settings.data_root()
    entries = [d for d in registry.list_datasets(modality) if d.available(root)]
    labels = {d.name: d.title + (" (synthetic demo data)" if d.synthetic else "") for d in entries}
    demo_first = sorted(entries, key=lambda d: not d.synthetic)
    choice = right.selectbox(
        "Data set", [d.name for d in demo_first] + [OWN, UPLOAD], format_func=lambda n: labels.get(n, n)
    )
    if choice == OWN:
        path = st.text_input("Path to a file or folder on the server", placeholder=str(root))
        if not path:
            st.info("Type the path of a data file or folder in its published format.")
            st.stop()
        return load_path(path.strip(), modality)
    if choice == UPLOAD:
        st.caption("A CSV, TXT or XLSX file, or a ZIP of a folder (e.g. one folder per class). It is unpacked into a "
                   "private temporary folder that is deleted when you close the page.")  # fmt: skip
        up = st.file_uploader("Data file", type=["csv", "txt", "xlsx", "zip", "gz"])
        if up is None:
            st.stop()
        target = unpack_upload(up.name, up.getvalue(), upload_folder())
        return load_path(str(target), modality)
    return load_registered(choice, str(root))


def show_face(ds) -> dict:
    from emodash.eda import face

    stats, dups, info = face_stats(ds, dataset_key(ds))
    c = st.columns(4)
    c[0].metric("Images", f"{len(ds):,}")
    c[1].metric("Unreadable", info["unreadable"])
    c[2].metric("Duplicate copies", f"{info['duplicate_images']:,}")
    c[3].metric("Sizes", ", ".join(list(info["sizes"])[:2]) + ("…" if len(info["sizes"]) > 2 else ""))
    st.plotly_chart(figs.class_balance(ds, by="split" if ds.groups["split"].nunique() > 1 else None))
    per_class = st.slider("Images per class", 4, 16, 10)
    grid, rows = face.montage(ds, per_class=per_class, seed=st.session_state.get("montage_seed", 0))
    st.plotly_chart(figs.montage(grid, rows))
    if st.button("Other samples"):
        st.session_state.montage_seed = st.session_state.get("montage_seed", 0) + 1
        st.rerun()
    st.plotly_chart(figs.image_quality(stats, ds.label_set))
    left, right = st.columns(2)
    left.markdown("**Formats, colour modes and sizes**")
    left.dataframe(
        pd.DataFrame({"what": ["format"] * len(info["formats"]) + ["channels"] * len(info["channels"]),
                      "value": list(info["formats"]) + list(info["channels"]),
                      "images": list(info["formats"].values()) + list(info["channels"].values())}),
        hide_index=True,
    )  # fmt: skip
    right.markdown(
        f"**Exact duplicates** (identical pixels): {info['duplicate_groups']:,} groups; "
        f"{info['conflicting_duplicate_groups']} carry different labels, "
        f"{info['cross_split_duplicate_groups']} cross splits (a train/test leak)."
    )
    right.dataframe(dups.drop(columns="rows").head(200), hide_index=True, height=260)
    return info


def show_speech(ds) -> dict:
    from emodash.datasets.speech import audio_at
    from emodash.eda import speech

    info = summary(ds, dataset_key(ds))
    c = st.columns(4)
    c[0].metric("Clips", f"{len(ds):,}")
    c[1].metric("Hours", f"{info['seconds_total'] / 3600:.2f}")
    c[2].metric("Median length", f"{info['seconds_median']:.1f} s")
    c[3].metric("Sample rates", ", ".join(f"{int(r) // 1000} kHz" for r in info["sample_rates"]) or "-")
    groups = [g for g in ("actor", "gender", "intensity", "speaker", "statement") if g in ds.groups]
    left, right = st.columns(2)
    left.plotly_chart(figs.class_balance(ds))
    if groups:
        by = right.selectbox("Balance by", groups)
        right.plotly_chart(figs.group_heatmap(speech.balance(ds, by), f"Clips per emotion and {by}"))
    st.subheader("Listen and look")
    a, b = st.columns([1, 3])
    emotion = a.selectbox("Emotion", [n for n in ds.label_set.names if (ds.labels == n).any()])
    idx = np.flatnonzero(ds.labels == emotion)
    pick = int(a.number_input(f"Clip (1-{len(idx)})", 1, len(idx), 1)) - 1
    i = int(idx[pick])
    try:
        signal = audio_at(ds, i)
    except (InputError, ValueError) as exc:
        st.error(str(exc))
        return info
    a.audio(signal, sample_rate=16_000)
    a.caption(", ".join(f"{k} {v}" for k, v in ds.groups.iloc[i].items()) if len(ds.groups.columns) else "")
    b.plotly_chart(figs.waveform(signal))
    b.plotly_chart(figs.mel_spectrogram(speech.mel_db(signal)))
    st.subheader("Acoustic summary per emotion")
    every = st.toggle("Measure every clip (slower)", value=len(ds) <= 200)
    table = speech_features(ds, dataset_key(ds), None if every else 20)
    st.caption(f"{len(table)} clips" + ("" if every else ", 20 random clips per emotion"))
    feature = st.selectbox("Feature", [c for c in table.columns if c != "label"], index=2)
    st.plotly_chart(figs.feature_by_label(table, feature, ds.label_set))
    return info


def show_text(ds) -> dict:
    info, lengths, words, dups = text_stats(ds, dataset_key(ds))
    c = st.columns(4)
    c[0].metric("Texts", f"{len(ds):,}")
    c[1].metric("Median words", f"{info['words_median']:.0f}")
    c[2].metric("Duplicates", info["duplicate_texts"])
    c[3].metric("…with different labels", info["conflicting_duplicates"])
    left, right = st.columns(2)
    left.plotly_chart(figs.class_balance(ds))
    right.plotly_chart(figs.length_histogram(lengths, ds.label_set))
    st.subheader("Most distinctive words per label")
    st.caption("Weighted log-odds with an informative Dirichlet prior (Monroe et al. 2008): the label vs all others.")
    st.plotly_chart(figs.distinctive_words(words, ds.label_set))
    label = st.selectbox("Examples of", [n for n in ds.label_set.names if (ds.labels == n).any()])
    examples = [t for t, lab in zip(ds.samples, ds.labels) if lab == label][:10]
    st.dataframe(pd.DataFrame({"text": examples}), hide_index=True)
    if len(dups):
        with st.expander(f"{len(dups)} duplicated texts"):
            st.dataframe(dups, hide_index=True)
    return info


def show_pose(ds) -> dict:
    from emodash.plots import pose as pose_figs

    info, feats = pose_stats(ds, dataset_key(ds))
    c = st.columns(4)
    c[0].metric("Sequences", len(ds))
    c[1].metric("Subjects", info["subjects"])
    c[2].metric("Frame rate", f"{info['fps']:.0f} fps" if info["fps"] else "unknown")
    c[3].metric("Median frames", f"{info['frames']['median']:.0f}")
    st.plotly_chart(figs.class_balance(ds))
    y_down = ds.meta.get("y_axis", "down") == "down"
    a, b = st.columns([1, 2])
    label = a.selectbox("Emotion", [n for n in ds.label_set.names if (ds.labels == n).any()])
    idx = np.flatnonzero(ds.labels == label)
    i = int(idx[int(a.number_input(f"Sequence (1-{len(idx)})", 1, len(idx), 1)) - 1])
    a.caption(", ".join(f"{k} {v}" for k, v in ds.groups.iloc[i].items()))
    view = a.radio("View", ["animated", "3-D"], horizontal=True)
    seq = ds.samples[i]
    if view == "animated":
        b.plotly_chart(
            pose_figs.skeleton_animation(seq, info["fps"], y_down=y_down, title=f"{label}, sequence {i + 1}")
        )
    else:
        b.plotly_chart(pose_figs.skeleton_figure(seq[0], view="3d", y_down=y_down, title=f"{label}, first frame"))
    joints = st.multiselect("Trajectories of", list(ds.meta["joints"]), ["nose", "left_wrist", "right_wrist"])
    if joints:
        st.plotly_chart(pose_figs.joint_trajectories(seq, joints, fps=info["fps"]))
    st.subheader("Movement per emotion")
    st.caption(f"Speeds in {info['speed_unit']}; spans and heights relative to the torso length.")
    st.plotly_chart(pose_figs.feature_distributions(feats, ds.label_set))
    return info


@st.cache_data(show_spinner="Cutting the recordings into windows and computing features…", max_entries=8)
def accel_windows(_ds, key: str, window_s: float, overlap: float):
    from emodash.features.accel import window_table

    return window_table(_ds, window_s, overlap)


def show_accel(ds) -> dict:
    from emodash.plots import accel as accel_figs

    info = summary(ds, dataset_key(ds))
    raw = info["kind"] == "raw"
    c = st.columns(4)
    c[0].metric("Recordings" if raw else "Windows", f"{len(ds):,}")
    c[1].metric("Sample rate", f"{info['sample_rate_hz']:.0f} Hz" if info["sample_rate_hz"] else "unknown")
    people = info.get("n_participants") or info.get("n_sessions")
    c[2].metric("Participants" if "n_participants" in info else "Sessions", people or "-")
    if raw:
        c[3].metric("Hours", f"{sum(info['seconds_per_state'].values()) / 3600:.2f}")
    else:
        c[3].metric("Incomplete windows", info["n_incomplete"])
    for key in ("mapping_note", "sample_rate_note"):
        if key in info:
            st.caption(info[key])
    st.plotly_chart(figs.class_balance(ds))
    windows = ds
    if raw:
        st.plotly_chart(accel_figs.signals_per_state(ds, seconds=st.slider("Seconds shown per state", 2, 30, 5)))
        left, right = st.columns(2)
        window_s = left.number_input("Window (s)", 1.0, 60.0, 10.0, 1.0)
        overlap = right.slider("Overlap", 0.0, 0.9, 0.5, 0.1)
        windows = accel_windows(ds, dataset_key(ds), window_s, overlap)
        st.caption(f"{len(windows):,} windows")
    st.subheader("Window features per state")
    names = list(windows.samples.columns)
    chosen = st.multiselect("Features", names, names[: min(6, len(names))])
    if chosen:
        st.plotly_chart(accel_figs.feature_distributions(windows, chosen))
    st.page_link("views/ranges.py", label="Set per-state feature ranges on these data", icon=":material/tune:")
    return info


def show_emg(ds) -> dict:
    from emodash.plots import emg as emg_figs

    info = summary(ds, dataset_key(ds))
    c = st.columns(4)
    c[0].metric("Windows", f"{len(ds):,}")
    c[1].metric("Samples per window", info["window"])
    c[2].metric("Channels", len(info["channels"]))
    c[3].metric("Recordings", info["recordings"] or "-")
    if ds.label_set.name == "emg":
        st.caption("The authors do not say which index is which emotion, so labels stay emg_0 ... emg_5.")
    st.plotly_chart(figs.class_balance(ds))
    left, right = st.columns(2)
    sigma = left.slider("Gaussian smoothing (sigma, samples)", 0.0, 15.0, 5.0, 0.5)
    which = right.number_input("Window of each emotion", 1, int(ds.class_counts().max()), 1)
    st.plotly_chart(emg_figs.smoothed_by_label(ds, sigma=sigma, which=int(which) - 1))
    st.plotly_chart(emg_figs.channel_means(ds))
    return info


VIEWS = {
    "face": show_face,
    "speech": show_speech,
    "text": show_text,
    "pose": show_pose,
    "accel": show_accel,
    "emg": show_emg,
}

st.title("Datasets")
try:
    ds = pick_dataset()
except (InputError, ValueError) as exc:  # ValueError: a library check on a value the user chose
    st.error(str(exc))
    st.stop()
if ds.synthetic:
    st.warning("Synthetic demo data, generated by emodash: shaped like the real thing, but not real recordings.")
else:
    st.caption(f"Source: `{ds.meta.get('path', ds.name)}` · format: {ds.meta.get('format', 'published')}")
try:
    info = VIEWS[ds.modality](ds)
except (InputError, ValueError) as exc:  # ValueError: a library check on a value the user chose
    st.error(str(exc))
    st.stop()
with st.expander("These statistics as JSON (as `emodash data describe` prints them)"):
    st.json(info, expanded=False)
