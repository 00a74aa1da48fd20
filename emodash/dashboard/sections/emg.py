"""Datasets page, facial EMG: the seed's smoothed channels per emotion and channel means."""

from __future__ import annotations

import streamlit as st

from emodash.core.dataset import Dataset
from emodash.dashboard.sections import computed
from emodash.modalities.emg import eda
from emodash.modalities.emg import plots as emg_figs
from emodash.plots import eda as figs


def show(ds: Dataset) -> dict:
    info = computed(eda.describe, ds, doing="Summarising the data set…")
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
