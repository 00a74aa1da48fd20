"""Datasets page, speech: balance by emotion and speaker, listen and look, acoustic summaries."""

from __future__ import annotations

import numpy as np
import streamlit as st

from emodash.core.dataset import Dataset
from emodash.core.errors import InputError
from emodash.dashboard.sections import computed
from emodash.modalities.speech import eda
from emodash.modalities.speech.formats import audio_at
from emodash.plots import eda as figs


def show(ds: Dataset) -> dict:
    info = computed(eda.describe, ds, doing="Summarising the data set…")
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
        right.plotly_chart(figs.group_heatmap(eda.balance(ds, by), f"Clips per emotion and {by}"))
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
    b.plotly_chart(figs.mel_spectrogram(eda.mel_db(signal)))
    st.subheader("Acoustic summary per emotion")
    every = st.toggle("Measure every clip (slower)", value=len(ds) <= 200)
    doing = (
        "Measuring pitch, level and brightness of the clips (the first run after an installation also compiles the "
        "audio code)…"
    )
    table = computed(eda.clip_features, ds, None if every else 20, doing=doing, progress=True)
    st.caption(f"{len(table)} clips" + ("" if every else ", 20 random clips per emotion"))
    feature = st.selectbox("Feature", [c for c in table.columns if c != "label"], index=2)
    st.plotly_chart(figs.feature_by_label(table, feature, ds.label_set))
    return info
