"""Datasets page, accelerometer: signals per state, windowing and window features."""

from __future__ import annotations

import streamlit as st

from emodash.core.dataset import Dataset
from emodash.dashboard.sections import computed
from emodash.modalities.accel import eda
from emodash.modalities.accel import plots as accel_figs
from emodash.modalities.accel.features import window_table
from emodash.plots import eda as figs


def show(ds: Dataset) -> dict:
    info = computed(eda.describe, ds, doing="Summarising the data set…")
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
        windows = computed(
            window_table, ds, window_s, overlap, doing="Cutting the recordings into windows and computing features…"
        )
        st.caption(f"{len(windows):,} windows")
    st.subheader("Window features per state")
    names = list(windows.table.columns)
    chosen = st.multiselect("Features", names, names[: min(6, len(names))])
    if chosen:
        st.plotly_chart(accel_figs.feature_distributions(windows, chosen))
    st.page_link("views/ranges.py", label="Set per-state feature ranges on these data", icon=":material/tune:")
    return info
